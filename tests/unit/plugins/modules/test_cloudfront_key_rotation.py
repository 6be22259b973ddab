"""cloudfront_key_rotation: the stage and retire call sequences against stubbed CloudFront and Secrets Manager."""

import datetime
import json

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import signing_keys as keys
from ansible_collections.storytime.video_infra.plugins.modules import cloudfront_key_rotation as mod
from botocore.stub import ANY
from cryptography.hazmat.primitives.asymmetric import rsa

SECRET = "storytime/unit/cloudfront_private_key"
SECRET_ARN = f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:{SECRET}-AbCdEf"
GROUP = "storytime-unit-hls-signers"
GROUP_ID = "2b8e0f1a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
DIST = "E2EXAMPLE"
OLD, NEW = "KOLDOLDOLD1234", "KNEWNEWNEW5678"
NOW = datetime.datetime.now(datetime.UTC)


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def group(items):
    return {
        "Id": GROUP_ID,
        "LastModifiedTime": NOW,
        "KeyGroupConfig": {"Name": GROUP, "Items": list(items), "Comment": "unit"},
    }


def list_groups(stub, items):
    stub.add_response(
        "list_key_groups",
        {"KeyGroupList": {"MaxItems": 100, "Quantity": 1, "Items": [{"KeyGroup": group(items)}]}},
        {},
    )


def secret_value(stub, key_pair_id, key):
    stub.add_response(
        "get_secret_value",
        {"SecretString": json.dumps({"key_pair_id": key_pair_id, "private_key_pem": keys.private_pem(key)})},
        {"SecretId": SECRET},
    )


def public_key(stub, key_id, pem, created, name="storytime-unit-key"):
    stub.add_response(
        "get_public_key",
        {
            "PublicKey": {
                "Id": key_id,
                "CreatedTime": created,
                "PublicKeyConfig": {"CallerReference": "r", "Name": name, "EncodedKey": pem},
            },
            "ETag": "EPK",
        },
        {"Id": key_id},
    )


def distributions(stub, trusted=True):
    behaviour = {
        "TargetOriginId": "hls",
        "ViewerProtocolPolicy": "https-only",
        "TrustedKeyGroups": {
            "Enabled": trusted,
            "Quantity": 1 if trusted else 0,
            **({"Items": [GROUP_ID]} if trusted else {}),
        },
    }
    summary = {
        "Id": DIST,
        "ARN": f"arn:aws:cloudfront::123456789012:distribution/{DIST}",
        "Status": "Deployed",
        "LastModifiedTime": NOW,
        "DomainName": "d111111abcdef8.cloudfront.net",
        "Aliases": {"Quantity": 0},
        "Origins": {"Quantity": 1, "Items": [{"Id": "hls", "DomainName": "b.s3.amazonaws.com"}]},
        "DefaultCacheBehavior": behaviour,
        "CacheBehaviors": {"Quantity": 0},
        "CustomErrorResponses": {"Quantity": 0},
        "Comment": "storytime-unit-hls",
        "PriceClass": "PriceClass_All",
        "Enabled": True,
        "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
        "WebACLId": "",
        "HttpVersion": "http2",
        "IsIPV6Enabled": True,
        "Staging": False,
    }
    stub.add_response(
        "list_distributions",
        {"DistributionList": {"Marker": "", "MaxItems": 100, "IsTruncated": False, "Quantity": 1, "Items": [summary]}},
        {},
    )


def create_public_key(stub, matcher):
    config = {"CallerReference": "r", "Name": "n", "EncodedKey": "x"}
    stub.add_response(
        "create_public_key",
        {"PublicKey": {"Id": NEW, "CreatedTime": NOW, "PublicKeyConfig": config}, "ETag": "E"},
        {"PublicKeyConfig": matcher},
    )


def update_group(stub, before, after):
    stub.add_response("get_key_group", {"KeyGroup": group(before), "ETag": "EKG1"}, {"Id": GROUP_ID})
    stub.add_response(
        "update_key_group",
        {"KeyGroup": group(after), "ETag": "EKG2"},
        {"Id": GROUP_ID, "IfMatch": "EKG1", "KeyGroupConfig": {"Name": GROUP, "Items": after, "Comment": "unit"}},
    )


def args(phase, **extra):
    base = {
        "phase": phase,
        "secret_id": SECRET,
        "key_group_name": GROUP,
        "public_key_name_prefix": "storytime-unit",
        "wait": False,
    }
    base.update(extra)
    return base


def no_private_key_in(result):
    return "PRIVATE KEY" not in json.dumps(result.result, default=str)


# ---------------------------------------------------------------------------------------------
# stage


def test_stage_adds_the_new_key_beside_the_old_before_switching_the_secret(runner, key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD])
    secret_value(sm, OLD, key)
    distributions(cloudfront)
    create_public_key(cloudfront, ANY)
    update_group(cloudfront, [OLD], [OLD, NEW])
    sm.add_response(
        "put_secret_value", {"ARN": SECRET_ARN}, {"SecretId": SECRET, "SecretString": ANY, "ClientRequestToken": ANY}
    )
    public_key(cloudfront, NEW, "x", NOW)

    result = runner.run(mod.main, args("stage", grace_seconds=3600))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    rotation = result.result["rotation"]
    assert rotation["current_key_pair_id"] == NEW
    assert rotation["previous_key_pair_id"] == OLD
    assert rotation["retiring_key_pair_ids"] == [OLD]
    assert rotation["key_group_public_key_ids"] == sorted([OLD, NEW])
    assert rotation["staged_public_key_name"].startswith("storytime-unit-")
    assert rotation["distribution_ids"] == [DIST]
    assert rotation["retire_after"] == (NOW + datetime.timedelta(seconds=3600)).isoformat()
    assert no_private_key_in(result)


class Recorder:
    """A Stubber parameter matcher that accepts any value and keeps it."""

    def __init__(self):
        self.value = None

    def __eq__(self, other):
        self.value = other
        return True

    __hash__ = None


def test_the_secret_gets_the_new_pair_whose_public_half_was_registered(runner, key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD])
    secret_value(sm, OLD, key)
    distributions(cloudfront)
    registered, stored = Recorder(), Recorder()
    create_public_key(cloudfront, registered)
    update_group(cloudfront, [OLD], [OLD, NEW])
    sm.add_response(
        "put_secret_value", {"ARN": SECRET_ARN}, {"SecretId": SECRET, "SecretString": stored, "ClientRequestToken": ANY}
    )
    public_key(cloudfront, NEW, "x", NOW)

    result = runner.run(mod.main, args("stage"))

    assert not result.failed, result.result
    pair = json.loads(stored.value)
    assert pair["key_pair_id"] == NEW
    new_key = keys.load_private_key(pair["private_key_pem"])
    assert new_key.key_size == 2048
    assert keys.public_pem(new_key) == registered.value["EncodedKey"]
    assert keys.public_pem(new_key) != keys.public_pem(key)
    assert registered.value["Name"] == keys.public_key_name("storytime-unit", registered.value["EncodedKey"])


def test_stage_while_an_old_key_is_still_trusted_changes_nothing(runner, key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD, NEW])
    secret_value(sm, NEW, key)
    distributions(cloudfront)
    public_key(cloudfront, NEW, "x", NOW)

    result = runner.run(mod.main, args("stage", grace_seconds=60))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["rotation"]["retiring_key_pair_ids"] == [OLD]
    assert result.result["rotation"]["current_key_pair_id"] == NEW
    assert any("already staged" in w and OLD in w for w in result.warnings)


def test_stage_check_mode_predicts_without_writing(runner, key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD])
    secret_value(sm, OLD, key)
    distributions(cloudfront)

    result = runner.run(mod.main, args("stage", _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["rotation"]["current_key_pair_id"] is None
    assert result.result["rotation"]["retiring_key_pair_ids"] == [OLD]


def test_stage_refuses_a_sixth_key(runner, key):
    five = [OLD] + [f"KSPARE{n}AAAAAAA" for n in range(4)]
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, five)
    secret_value(sm, OLD, key)
    distributions(cloudfront)

    result = runner.run(mod.main, args("stage", force=True))

    assert result.failed
    assert "already holds 5 public keys" in result.result["msg"]
    assert "limit of 5" in result.result["msg"]


def test_stage_needs_a_key_pair_in_the_secret(runner):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD])
    sm.add_response("get_secret_value", {"SecretString": "{}"}, {"SecretId": SECRET})

    result = runner.run(mod.main, args("stage"))

    assert result.failed
    assert "holds no key pair to rotate from" in result.result["msg"]


def test_stage_refuses_when_the_secrets_key_is_not_trusted(runner, key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [NEW])
    secret_value(sm, OLD, key)

    result = runner.run(mod.main, args("stage"))

    assert result.failed
    assert f"key pair {OLD} is not in key group {GROUP}" in result.result["msg"]


def test_stage_waits_for_the_trusting_distribution_before_switching(runner, key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD])
    secret_value(sm, OLD, key)
    distributions(cloudfront)
    create_public_key(cloudfront, ANY)
    update_group(cloudfront, [OLD], [OLD, NEW])
    cloudfront.add_response(
        "get_distribution",
        {
            "Distribution": {
                "Id": DIST,
                "ARN": "arn",
                "Status": "Deployed",
                "LastModifiedTime": NOW,
                "InProgressInvalidationBatches": 0,
                "DomainName": "d.cloudfront.net",
                "ActiveTrustedSigners": {"Enabled": False, "Quantity": 0},
                "DistributionConfig": {
                    "CallerReference": "r",
                    "Origins": {"Quantity": 1, "Items": [{"Id": "hls", "DomainName": "b.s3.amazonaws.com"}]},
                    "DefaultCacheBehavior": {"TargetOriginId": "hls", "ViewerProtocolPolicy": "https-only"},
                    "Comment": "",
                    "Enabled": True,
                },
            },
            "ETag": "E",
        },
        {"Id": DIST},
    )
    sm.add_response(
        "put_secret_value", {"ARN": SECRET_ARN}, {"SecretId": SECRET, "SecretString": ANY, "ClientRequestToken": ANY}
    )
    public_key(cloudfront, NEW, "x", NOW)

    result = runner.run(mod.main, args("stage", wait=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True


# ---------------------------------------------------------------------------------------------
# retire


def test_retire_after_the_grace_period_removes_and_deletes_the_old_key(runner, key, other_key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD, NEW])
    secret_value(sm, NEW, key)
    distributions(cloudfront)
    public_key(cloudfront, OLD, keys.public_pem(other_key), NOW - datetime.timedelta(days=3))
    public_key(cloudfront, NEW, keys.public_pem(key), NOW - datetime.timedelta(hours=2))
    update_group(cloudfront, [OLD, NEW], [NEW])
    public_key(cloudfront, OLD, keys.public_pem(other_key), NOW - datetime.timedelta(days=3))
    cloudfront.add_response("delete_public_key", {}, {"Id": OLD, "IfMatch": "EPK"})

    result = runner.run(mod.main, args("retire", grace_seconds=3600))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    rotation = result.result["rotation"]
    assert rotation["retired_key_pair_ids"] == [OLD]
    assert rotation["deleted_public_key_ids"] == [OLD]
    assert rotation["key_group_public_key_ids"] == [NEW]
    assert rotation["retiring_key_pair_ids"] == []


def test_retire_before_the_grace_period_is_refused_and_changes_nothing(runner, key, other_key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD, NEW])
    secret_value(sm, NEW, key)
    distributions(cloudfront)
    public_key(cloudfront, OLD, keys.public_pem(other_key), NOW - datetime.timedelta(days=3))
    public_key(cloudfront, NEW, keys.public_pem(key), NOW - datetime.timedelta(minutes=5))

    result = runner.run(mod.main, args("retire", grace_seconds=3600))

    assert result.failed
    assert f"Too early to retire {OLD}" in result.result["msg"]
    assert "Nothing was changed" in result.result["msg"]


def test_retire_with_force_ignores_the_grace_period(runner, key, other_key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD, NEW])
    secret_value(sm, NEW, key)
    distributions(cloudfront)
    public_key(cloudfront, OLD, keys.public_pem(other_key), NOW)
    public_key(cloudfront, NEW, keys.public_pem(key), NOW)
    update_group(cloudfront, [OLD, NEW], [NEW])
    public_key(cloudfront, OLD, keys.public_pem(other_key), NOW)
    cloudfront.add_client_error("delete_public_key", "PublicKeyInUse", http_status_code=409)

    result = runner.run(mod.main, args("retire", force=True))

    assert not result.failed, result.result
    assert result.result["rotation"]["retired_key_pair_ids"] == [OLD]
    assert result.result["rotation"]["deleted_public_key_ids"] == []
    assert any("used by another key group" in w for w in result.warnings)


def test_retire_refuses_a_key_the_inventory_still_lists(runner, key, other_key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD, NEW])
    secret_value(sm, NEW, key)
    distributions(cloudfront)
    public_key(cloudfront, OLD, keys.public_pem(other_key), NOW - datetime.timedelta(days=3), name="inventory-key")

    result = runner.run(mod.main, args("retire", protected_public_keys=[keys.public_pem(other_key)]))

    assert result.failed
    assert "inventory-key" in result.result["msg"] and "cloudfront_hls_public_keys" in result.result["msg"]


def test_retire_with_only_the_current_key_changes_nothing(runner, key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [NEW])
    secret_value(sm, NEW, key)
    distributions(cloudfront)

    result = runner.run(mod.main, args("retire"))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["rotation"]["key_group_public_key_ids"] == [NEW]


def test_retire_check_mode_lists_what_would_go(runner, key, other_key):
    cloudfront, sm = runner.stub("cloudfront"), runner.stub("secretsmanager")
    list_groups(cloudfront, [OLD, NEW])
    secret_value(sm, NEW, key)
    distributions(cloudfront)
    public_key(cloudfront, OLD, keys.public_pem(other_key), NOW - datetime.timedelta(days=3))
    public_key(cloudfront, NEW, keys.public_pem(key), NOW - datetime.timedelta(days=2))

    result = runner.run(mod.main, args("retire", _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["rotation"]["retired_key_pair_ids"] == [OLD]
    assert result.result["rotation"]["key_group_public_key_ids"] == [NEW]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"grace_seconds": -1}, "grace_seconds must not be negative"),
        ({"wait_timeout": 0}, "wait_timeout must be at least 1 second"),
        ({"protected_public_keys": ["not a pem"]}, "protected_public_keys[0]"),
        ({"public_key_name_prefix": None}, "public_key_name_prefix"),
    ],
)
def test_bad_input_fails_before_any_call(runner, extra, message):
    result = runner.run(mod.main, args("stage", **extra))
    assert result.failed
    assert message in result.result["msg"]
    assert runner.client_requests == []
