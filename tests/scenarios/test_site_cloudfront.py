"""site.yml on the local inventory: the CloudFront part (spec 4.1-4.4), idempotence, check mode, drift, bad input."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa

pytestmark = pytest.mark.scenario

MASTER = "storytime-master-uploads-local"
HLS = "storytime-hls-outputs-local"
PREFIX = "storytime-local"


def public_pem(key_size=2048):
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def only_distribution(cloudfront):
    (summary,) = cloudfront.list_distributions()["DistributionList"]["Items"]
    return cloudfront.get_distribution_config(Id=summary["Id"])["DistributionConfig"], summary


def cache_policy(cloudfront, policy_id):
    return cloudfront.get_cache_policy(Id=policy_id)["CachePolicy"]["CachePolicyConfig"]


def test_converge_creates_the_cloudfront_part_as_specified(converged, aws, tmp_path):
    run = converged
    assert run.rc == 0, run.stdout + run.stderr
    cloudfront, s3 = aws.client("cloudfront"), aws.client("s3")

    # 4.1 Origin access control: s3, always, sigv4, named per environment.
    (oac,) = cloudfront.list_origin_access_controls()["OriginAccessControlList"]["Items"]
    assert (oac["Name"], oac["OriginAccessControlOriginType"], oac["SigningBehavior"], oac["SigningProtocol"]) == (
        f"{PREFIX}-hls",
        "s3",
        "always",
        "sigv4",
    )

    config, summary = only_distribution(cloudfront)
    (origin,) = config["Origins"]["Items"]
    assert origin["DomainName"] == f"{HLS}.s3.eu-west-1.amazonaws.com"
    assert origin["OriginAccessControlId"] == oac["Id"]
    assert origin["S3OriginConfig"]["OriginAccessIdentity"] == ""
    assert config["DefaultRootObject"] == ""
    assert config["Enabled"] is True

    # 4.4 Public key + key group, on every behaviour (default included).
    (key_group,) = cloudfront.list_key_groups()["KeyGroupList"]["Items"]
    key_group_id = key_group["KeyGroup"]["Id"]
    (public_key,) = cloudfront.list_public_keys()["PublicKeyList"]["Items"]
    assert key_group["KeyGroup"]["KeyGroupConfig"]["Items"] == [public_key["Id"]]
    behaviors = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]["Items"]]
    assert [b.get("PathPattern") for b in behaviors] == [None, "books/*.m3u8", "books/*"]
    for behavior in behaviors:
        assert behavior["TrustedKeyGroups"] == {"Enabled": True, "Quantity": 1, "Items": [key_group_id]}
        assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
        assert sorted(behavior["AllowedMethods"]["Items"]) == ["GET", "HEAD"]
        assert behavior["Compress"] is True

    # 4.3 Cache policies: manifests short, segments long; nothing of the viewer in the cache key.
    manifests = cache_policy(cloudfront, behaviors[1]["CachePolicyId"])
    segments = cache_policy(cloudfront, behaviors[2]["CachePolicyId"])
    assert behaviors[0]["CachePolicyId"] == behaviors[2]["CachePolicyId"]
    assert (manifests["MinTTL"], manifests["DefaultTTL"], manifests["MaxTTL"]) == (0, 60, 60)
    assert (segments["MinTTL"], segments["DefaultTTL"], segments["MaxTTL"]) == (0, 86400, 31536000)
    for policy in (manifests, segments):
        key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
        assert key["HeadersConfig"]["HeaderBehavior"] == "none"
        assert key["CookiesConfig"]["CookieBehavior"] == "none"
        assert key["QueryStringsConfig"]["QueryStringBehavior"] == "none"
        assert key["EnableAcceptEncodingGzip"] is True

    # 4.2 The bucket policy lets this distribution, and only it, read objects; TLS statement kept.
    statements = {s["Sid"]: s for s in json.loads(s3.get_bucket_policy(Bucket=HLS)["Policy"])["Statement"]}
    assert set(statements) == {"DenyInsecureTransport", "AllowCloudFrontServicePrincipalReadOnly"}
    read = statements["AllowCloudFrontServicePrincipalReadOnly"]
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert read["Action"] == "s3:GetObject"
    assert read["Resource"] == f"arn:aws:s3:::{HLS}/*"
    assert read["Condition"] == {"StringEquals": {"AWS:SourceArn": summary["ARN"]}}

    tags = cloudfront.list_tags_for_resource(Resource=summary["ARN"])["Tags"]["Items"]
    assert {t["Key"]: t["Value"] for t in tags} == {
        "Project": "storytime",
        "Environment": "local",
        "ManagedBy": "ansible",
    }

    outputs = json.loads((tmp_path / "outputs" / "local.json").read_text())
    assert outputs["cloudfront_distribution_id"] == summary["Id"]
    assert outputs["cloudfront_domain_name"] == summary["DomainName"]
    assert outputs["cloudfront_key_group_id"] == key_group_id
    assert outputs["cloudfront_public_key_id"] == public_key["Id"]


def test_check_diff_on_a_fresh_account_shows_the_plan_and_creates_nothing(playbook, aws):
    """The whole site.yml in check mode on an empty account: every part's plan, and nothing written."""
    run = playbook.run(check=True, diff=True, json_output=False)
    assert run.rc == 0, run.stdout + run.stderr
    assert run.writes == []
    assert aws.client("s3").list_buckets()["Buckets"] == []
    # The storage part's diff names what it would create.
    for text in (MASTER, HLS, "DenyInsecureTransport", "BucketOwnerEnforced", "archive-masters", "ETag"):
        assert text in run.stdout
    assert "changed: [storytime-local]" in run.stdout
    cloudfront = aws.client("cloudfront")
    assert cloudfront.list_distributions()["DistributionList"].get("Items", []) == []
    assert cloudfront.list_cache_policies(Type="custom")["CachePolicyList"].get("Items", []) == []
    assert cloudfront.list_public_keys()["PublicKeyList"].get("Items", []) == []
    for text in (f"{PREFIX}-hls-manifests", f"{PREFIX}-hls-signers", "books/*.m3u8", "trusted_key_groups"):
        assert text in run.stdout
    # Issue 15: the modules predict the IDs of what the run would create, from the names the role passes.
    for marker in (
        f"(created by this run: origin access control {PREFIX}-hls)",
        f"(created by this run: cache policy {PREFIX}-hls-manifests)",
        f"(created by this run: key group {PREFIX}-hls-signers)",
        f"(created by this run: public key {PREFIX}-(generated))",
    ):
        assert marker in run.stdout
    assert "new-oac" not in run.stdout and "new-key-group" not in run.stdout
    # ... and its own ARN, which the tasks after it use: the bucket policy's SourceArn and the standard logging
    # plan show the prediction and report the change they would make (no made-up ARN, no skipped task).
    predicted_arn = f"(created by this run: distribution ARN {PREFIX}-hls)"
    for task in ("Let this distribution (and only it) read the HLS bucket", "Access logs of the distribution into"):
        section = run.stdout.split(f" : {task}", 1)[1].split("\nTASK [", 1)[0]
        assert predicted_arn in section, section
        assert "changed: [storytime-local]" in section, section
    assert "new-distribution" not in run.stdout


def test_behaviour_stripped_of_its_key_group_is_restored(converged, playbook, aws):
    cloudfront = aws.client("cloudfront")
    config, summary = only_distribution(cloudfront)
    etag = cloudfront.get_distribution_config(Id=summary["Id"])["ETag"]
    config["CacheBehaviors"]["Items"][1]["TrustedKeyGroups"] = {"Enabled": False, "Quantity": 0}
    # A geo restriction set out of band: the inventory says none (the default), so it goes too.
    config["Restrictions"] = {"GeoRestriction": {"RestrictionType": "blacklist", "Quantity": 1, "Items": ["NL"]}}
    cloudfront.update_distribution(Id=summary["Id"], IfMatch=etag, DistributionConfig=config)

    check = playbook.run(check=True, tags="cloudfront")
    assert check.writes == []
    (distribution,) = check.task_results("Distribution for the HLS bucket")
    assert distribution["changed"] is True

    repair = playbook.run(tags="cloudfront")
    assert repair.rc == 0, repair.stdout + repair.stderr
    assert repair.writes == ["UpdateDistribution"]
    config, _ = only_distribution(cloudfront)
    assert config["CacheBehaviors"]["Items"][1]["TrustedKeyGroups"]["Enabled"] is True
    assert config["Restrictions"]["GeoRestriction"] == {"RestrictionType": "none", "Quantity": 0}
    assert playbook.run(tags="cloudfront").stats()["changed"] == 0


@pytest.mark.e2e
def test_geo_restriction_from_the_inventory(converged, playbook, aws):
    """cloudfront_hls_geo_restriction_*: the distribution serves only the listed countries; --check --diff on an
    inventory that lifts the restriction shows the change and writes nothing."""
    inventory = playbook.inventory(
        changes={
            "cloudfront_hls_geo_restriction_type": "whitelist",
            "cloudfront_hls_geo_restriction_locations": ["NL", "BE", "DE"],
        }
    )
    run = playbook.run(inventory=inventory, tags="cloudfront")
    assert run.rc == 0, run.failure_messages()
    config, _ = only_distribution(aws.client("cloudfront"))
    geo = config["Restrictions"]["GeoRestriction"]
    assert (geo["RestrictionType"], sorted(geo["Items"])) == ("whitelist", ["BE", "DE", "NL"])

    check = playbook.run(check=True, diff=True, tags="cloudfront")
    assert check.rc == 0, check.failure_messages()
    assert check.writes == []
    (distribution,) = check.task_results("Distribution for the HLS bucket")
    assert distribution["changed"] is True
    assert distribution["diff"]["before"]["geo_restriction"]["locations"] == ["BE", "DE", "NL"]
    assert distribution["diff"]["after"]["geo_restriction"] == {"restriction_type": "none", "locations": []}


@pytest.mark.e2e
def test_a_second_key_joins_the_key_group(converged, playbook, aws):
    """Rotation's first step: a second key beside the generated one; two public keys in one group, nothing else."""
    run = playbook.run(extra_vars={"cloudfront_hls_public_keys": [public_pem()]}, tags="cloudfront")
    assert run.rc == 0, run.stdout + run.stderr
    assert sorted(run.writes) == ["CreatePublicKey", "UpdateKeyGroup"]
    cloudfront = aws.client("cloudfront")
    (key_group,) = cloudfront.list_key_groups()["KeyGroupList"]["Items"]
    assert len(key_group["KeyGroup"]["KeyGroupConfig"]["Items"]) == 2


def signers(cloudfront) -> dict:
    (item,) = cloudfront.list_key_groups()["KeyGroupList"]["Items"]
    return item["KeyGroup"]


def test_key_group_holds_exactly_the_collections_keys(converged, playbook, aws):
    """Issue 12: a public key added to the key group out of band is reported by --check --diff and removed."""
    cloudfront = aws.client("cloudfront")
    group = signers(cloudfront)
    (generated,) = group["KeyGroupConfig"]["Items"]

    # Out of band: someone registers a key of their own and adds it to the signers.
    intruder = cloudfront.create_public_key(
        PublicKeyConfig={"CallerReference": "by-hand", "Name": "added-by-hand", "EncodedKey": public_pem()}
    )["PublicKey"]["Id"]
    current = cloudfront.get_key_group(Id=group["Id"])
    cloudfront.update_key_group(
        Id=group["Id"],
        IfMatch=current["ETag"],
        KeyGroupConfig={**current["KeyGroup"]["KeyGroupConfig"], "Items": [generated, intruder]},
    )

    preview = playbook.run(check=True, diff=True, tags="cloudfront")
    assert preview.rc == 0, preview.failure_messages()
    assert preview.writes == []
    (task,) = preview.task_results("Key group of the signing keys")
    assert task["changed"] is True
    assert task["diff"]["before"]["public_key_ids"] == sorted([generated, intruder])
    assert task["diff"]["after"]["public_key_ids"] == [generated]
    assert preview.stats()["changed"] >= 1

    repair = playbook.run(tags="cloudfront")
    assert repair.rc == 0, repair.failure_messages()
    assert repair.writes == ["UpdateKeyGroup"]
    assert signers(cloudfront)["KeyGroupConfig"]["Items"] == [generated]
    # Not the collection's key: it leaves the group but is not deleted.
    assert cloudfront.get_public_key(Id=intruder)["PublicKey"]["PublicKeyConfig"]["Name"] == "added-by-hand"

    again = playbook.run(tags="cloudfront")
    assert again.rc == 0
    assert again.stats()["changed"] == 0
    assert again.writes == []

    # A key the inventory names is kept, beside the collection's.
    inventory = playbook.inventory(
        "local", {"cloudfront_hls_key_group_extra_public_keys": [{"name": "partner player", "id": intruder}]}
    )
    kept = playbook.run(inventory=inventory, tags="cloudfront")
    assert kept.rc == 0, kept.failure_messages()
    assert kept.writes == ["UpdateKeyGroup"]
    assert sorted(signers(cloudfront)["KeyGroupConfig"]["Items"]) == sorted([generated, intruder])
    quiet = playbook.run(inventory=inventory, tags="cloudfront")
    assert quiet.rc == 0
    assert quiet.stats()["changed"] == 0
    assert quiet.writes == []


BAD_INPUTS = [
    pytest.param(
        {"cloudfront_hls_public_keys": ["not a pem"]}, "cloudfront_hls_public_keys[0] is not a PEM", id="invalid-pem"
    ),
    pytest.param(
        {"cloudfront_hls_public_keys": ["KEY"] * 5},
        "cloudfront_hls_public_keys lists 5 keys besides the generated one; a CloudFront key group holds at most 5",
        id="six-keys-with-the-generated-one",
    ),
    pytest.param(
        {"cloudfront_hls_public_keys": [], "cloudfront_hls_generate_signing_key": False},
        "cloudfront_hls_public_keys must list at least one public key",
        id="no-key",
    ),
    pytest.param(
        {"cloudfront_hls_public_keys": ["SMALL"]}, "is an RSA 1024-bit key; CloudFront needs RSA 2048", id="1024-bit"
    ),
    pytest.param({"cloudfront_hls_public_keys": ["EC"]}, "CloudFront needs RSA", id="ec-key"),
    pytest.param(
        {"cloudfront_hls_manifest_default_ttl": 600, "cloudfront_hls_manifest_max_ttl": 60},
        "cloudfront_hls_manifest_default_ttl: 600 is above cloudfront_hls_manifest_max_ttl (60)",
        id="default-ttl-above-max",
    ),
    pytest.param(
        {"cloudfront_hls_price_class": "PriceClass_Cheap"}, "cloudfront_hls_price_class", id="unknown-price-class"
    ),
    pytest.param(
        {"cloudfront_hls_key_group_extra_public_keys": [{"name": "partner", "id": "k-lowercase"}]},
        'cloudfront_hls_key_group_extra_public_keys: ["k-lowercase"] are not CloudFront public key IDs',
        id="extra-key-id-malformed",
    ),
    pytest.param(
        {"cloudfront_hls_key_group_extra_public_keys": [{"id": "K2JCJMDEHXQW5F"}]},
        "name",
        id="extra-key-without-name",
    ),
    pytest.param(
        {"cloudfront_hls_aliases": ["cdn.storytime.example"]},
        "cloudfront_hls_aliases need cloudfront_hls_domain_name",
        id="alias-without-certificate",
    ),
]


def _materialise(value):
    if value == "KEY":
        return public_pem()
    if value == "SMALL":
        return public_pem(1024)
    if value == "EC":
        key = ec.generate_private_key(ec.SECP256R1())
        return (
            key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )
    return value


@pytest.mark.parametrize("changes, message", BAD_INPUTS)
def test_bad_input_fails_before_any_aws_call(playbook, aws, changes, message):
    changes = {k: [_materialise(v) for v in val] if isinstance(val, list) else val for k, val in changes.items()}
    inventory = playbook.inventory("local", changes)
    run = playbook.run(inventory=inventory)

    assert run.rc != 0
    assert run.calls == []
    messages = " ".join(run.failure_messages())
    assert message in messages, messages
    assert aws.client("s3").list_buckets()["Buckets"] == []
