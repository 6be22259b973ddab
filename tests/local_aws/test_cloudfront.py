"""The local AWS's CloudFront against what the CloudFront API reference documents.

Every test talks to a real server through boto3. Error codes and HTTP statuses are the ones the
botocore service model (``cloudfront/2020-05-31/service-2.json``) lists for each operation.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa

from local_aws import LocalAWS
from local_aws.cloudfront import CloudFrontExtension
from tests.local_aws import certificates

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
BUCKET_DOMAIN = "media.s3.eu-west-1.amazonaws.com"
#: The names of the certificate every distribution of these tests uses (``<ref>.example.com`` aliases).
CERTIFICATE_NAMES = ("example.com", "*.example.com")
#: ARN of the certificate the ``cf`` fixture imported into ACM (us-east-1) for the running test.
CERTIFICATE: dict[str, str] = {}

# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


@cache
def private_key(n: int = 1, kind: str = "rsa2048") -> Any:
    """A private key (cached: RSA generation is slow). ``kind``: rsa<bits> or an EC curve name."""
    if kind.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    return ec.generate_private_key({"p256": ec.SECP256R1(), "p384": ec.SECP384R1()}[kind])


def public_pem(n: int = 1, kind: str = "rsa2048") -> str:
    """The PEM (SubjectPublicKeyInfo) of ``private_key(n, kind)``, as CloudFront takes it."""
    key = private_key(n, kind).public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def import_certificate(aws: LocalAWS, names: tuple[str, ...] = CERTIFICATE_NAMES, region: str = "us-east-1") -> str:
    """Import a certificate for ``names`` (by default the one every distribution here uses) into ACM."""
    return certificates.import_certificate(aws, names, region)


@pytest.fixture
def cf(aws: LocalAWS) -> Any:
    """A CloudFront client on an emptied local AWS, with an ACM certificate for ``*.example.com``."""
    CERTIFICATE["arn"] = import_certificate(aws)
    return aws.client("cloudfront")


@contextmanager
def aws_error(code: str, status: int) -> Iterator[None]:
    """Expect a ClientError with this error code and HTTP status."""
    with pytest.raises(ClientError) as caught:
        yield
    error = caught.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (code, status), error


def cache_policy_config(name: str = "media", **overrides: Any) -> dict[str, Any]:
    """A custom cache policy configuration."""
    config: dict[str, Any] = {
        "Name": name,
        "Comment": "for media",
        "MinTTL": 1,
        "DefaultTTL": 3600,
        "MaxTTL": 86400,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": True,
            "EnableAcceptEncodingBrotli": False,
            "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 1, "Items": ["Origin"]}},
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "whitelist", "QueryStrings": {"Quantity": 1, "Items": ["v"]}},
        },
    }
    config.update(overrides)
    return config


def create_public_key(cf: Any, n: int = 1, comment: str = "signing key") -> dict[str, Any]:
    """Create a public key; return the CreatePublicKey response."""
    config = {"CallerReference": f"ref-{n}", "Name": f"key-{n}", "EncodedKey": public_pem(n), "Comment": comment}
    return cf.create_public_key(PublicKeyConfig=config)


def create_key_group(cf: Any, name: str = "signers", key_ids: list[str] | None = None) -> dict[str, Any]:
    """Create a key group (with a new public key unless ``key_ids`` is given)."""
    if key_ids is None:
        key_ids = [create_public_key(cf)["PublicKey"]["Id"]]
    return cf.create_key_group(KeyGroupConfig={"Name": name, "Items": key_ids, "Comment": "signed URLs"})


def create_oac(cf: Any, name: str = "media-oac") -> dict[str, Any]:
    """Create an origin access control for S3."""
    return cf.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": name,
            "Description": "",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )


def behaviour(
    key_group_ids: list[str] | None = None, cache_policy_id: str = CACHING_OPTIMIZED, path: str | None = None
) -> dict[str, Any]:
    """A cache behaviour (an ordered one if ``path`` is given) with a cache policy."""
    groups = key_group_ids or []
    result: dict[str, Any] = {
        "TargetOriginId": "media",
        "ViewerProtocolPolicy": "redirect-to-https",
        "TrustedSigners": {"Enabled": False, "Quantity": 0},
        "TrustedKeyGroups": {"Enabled": bool(groups), "Quantity": len(groups), "Items": groups},
        "AllowedMethods": {
            "Quantity": 2,
            "Items": ["GET", "HEAD"],
            "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
        },
        "SmoothStreaming": False,
        "Compress": True,
        "LambdaFunctionAssociations": {"Quantity": 0},
        "FunctionAssociations": {"Quantity": 0},
        "FieldLevelEncryptionId": "",
        "CachePolicyId": cache_policy_id,
        "OriginRequestPolicyId": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
        "ResponseHeadersPolicyId": "67f7725c-6f97-4210-82d7-5512b31e9d03",
    }
    if path is not None:
        result["PathPattern"] = path
    return result


def distribution_config(
    ref: str = "dist-1",
    *,
    oac_id: str = "",
    default: dict[str, Any] | None = None,
    ordered: list[dict[str, Any]] | None = None,
    enabled: bool = True,
) -> dict[str, Any]:
    """A complete distribution configuration with one S3 origin."""
    ordered = ordered or []
    return {
        "CallerReference": ref,
        "Aliases": {"Quantity": 1, "Items": [f"{ref}.example.com"]},
        "DefaultRootObject": "index.html",
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "media",
                    "DomainName": BUCKET_DOMAIN,
                    "OriginPath": "/hls",
                    "CustomHeaders": {"Quantity": 0},
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                    "ConnectionAttempts": 3,
                    "ConnectionTimeout": 10,
                    "OriginShield": {"Enabled": False},
                    "OriginAccessControlId": oac_id,
                }
            ],
        },
        "OriginGroups": {"Quantity": 0},
        "DefaultCacheBehavior": default or behaviour(),
        "CacheBehaviors": {"Quantity": len(ordered), "Items": ordered},
        "CustomErrorResponses": {"Quantity": 0},
        "Comment": "videos",
        "Logging": {"Enabled": True, "IncludeCookies": False, "Bucket": "logs.s3.amazonaws.com", "Prefix": "cf/"},
        "PriceClass": "PriceClass_100",
        "Enabled": enabled,
        "ViewerCertificate": {
            "CloudFrontDefaultCertificate": False,
            "ACMCertificateArn": CERTIFICATE["arn"],
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
        },
        "Restrictions": {"GeoRestriction": {"RestrictionType": "whitelist", "Quantity": 1, "Items": ["FR"]}},
        "WebACLId": "",
        "HttpVersion": "http2and3",
        "IsIPV6Enabled": False,
    }


def assert_contains(sent: Any, returned: Any, path: str = "config") -> None:
    """Assert that everything in ``sent`` comes back unchanged in ``returned`` (which may add members)."""
    if isinstance(sent, dict):
        assert isinstance(returned, dict), path
        for key, value in sent.items():
            if key == "Items" and value == []:
                assert returned.get(key, []) == [], f"{path}.{key}"
                continue
            assert key in returned, f"{path}.{key} was dropped"
            assert_contains(value, returned[key], f"{path}.{key}")
    elif isinstance(sent, list):
        assert isinstance(returned, list) and len(returned) == len(sent), path
        for index, (a, b) in enumerate(zip(sent, returned, strict=True)):
            assert_contains(a, b, f"{path}[{index}]")
    else:
        assert returned == sent, f"{path}: sent {sent!r}, got {returned!r}"


def disable_and_delete(cf: Any, dist_id: str) -> None:
    """Disable a distribution, then delete it (with the current ETags)."""
    current = cf.get_distribution_config(Id=dist_id)
    config = current["DistributionConfig"]
    config["Enabled"] = False
    etag = cf.update_distribution(Id=dist_id, IfMatch=current["ETag"], DistributionConfig=config)["ETag"]
    cf.delete_distribution(Id=dist_id, IfMatch=etag)


# --------------------------------------------------------------------------------------------------
# cache policies
# --------------------------------------------------------------------------------------------------


def test_cache_policy_lifecycle(cf: Any) -> None:
    created = cf.create_cache_policy(CachePolicyConfig=cache_policy_config())
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    policy = created["CachePolicy"]
    uuid.UUID(policy["Id"])  # cache policy ids are UUIDs
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/cache-policy/{policy['Id']}"
    assert created["ETag"]
    assert policy["LastModifiedTime"]
    assert policy["CachePolicyConfig"] == cache_policy_config()

    got = cf.get_cache_policy(Id=policy["Id"])
    assert (got["CachePolicy"], got["ETag"]) == (policy, created["ETag"])
    config = cf.get_cache_policy_config(Id=policy["Id"])
    assert (config["CachePolicyConfig"], config["ETag"]) == (cache_policy_config(), created["ETag"])

    new_config = cache_policy_config(Comment="changed", MinTTL=0)
    updated = cf.update_cache_policy(Id=policy["Id"], IfMatch=created["ETag"], CachePolicyConfig=new_config)
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert updated["ETag"] != created["ETag"]
    assert updated["CachePolicy"]["CachePolicyConfig"] == new_config
    assert updated["CachePolicy"]["LastModifiedTime"] >= policy["LastModifiedTime"]
    assert cf.get_cache_policy(Id=policy["Id"])["ETag"] == updated["ETag"]

    deleted = cf.delete_cache_policy(Id=policy["Id"], IfMatch=updated["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with aws_error("NoSuchCachePolicy", 404):
        cf.get_cache_policy(Id=policy["Id"])


def test_cache_policy_ttl_defaults_are_the_documented_ones(cf: Any) -> None:
    config = cf.create_cache_policy(CachePolicyConfig={"Name": "min-only", "MinTTL": 5})["CachePolicy"]
    assert (config["CachePolicyConfig"]["DefaultTTL"], config["CachePolicyConfig"]["MaxTTL"]) == (86400, 31536000)
    # "If the value of MinTTL is more than 86400 seconds, then the default value for this field is the same as MinTTL."
    long_min = cf.create_cache_policy(CachePolicyConfig={"Name": "long", "MinTTL": 100000})["CachePolicy"]
    assert long_min["CachePolicyConfig"]["DefaultTTL"] == 100000


@pytest.mark.parametrize(
    "overrides",
    [{"MinTTL": 100, "DefaultTTL": 50}, {"DefaultTTL": 100, "MaxTTL": 50}, {"MinTTL": 100, "MaxTTL": 50}],
    ids=["min>default", "default>max", "min>max"],
)
def test_cache_policy_ttl_order_is_invalid_argument(cf: Any, overrides: dict[str, int]) -> None:
    with aws_error("InvalidArgument", 400):
        cf.create_cache_policy(CachePolicyConfig=cache_policy_config(**overrides))


def test_cache_policy_quantities_and_quotas(cf: Any) -> None:
    inconsistent = cache_policy_config()
    inconsistent["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"]["Quantity"] = 2
    with aws_error("InconsistentQuantities", 400):
        cf.create_cache_policy(CachePolicyConfig=inconsistent)
    too_many = cache_policy_config()
    headers = [f"X-H{i}" for i in range(11)]
    too_many["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"] = {
        "Quantity": len(headers),
        "Items": headers,
    }
    with aws_error("TooManyHeadersInCachePolicy", 400):
        cf.create_cache_policy(CachePolicyConfig=too_many)


def test_cache_policy_names_are_unique(cf: Any) -> None:
    cf.create_cache_policy(CachePolicyConfig=cache_policy_config("a"))
    with aws_error("CachePolicyAlreadyExists", 409):
        cf.create_cache_policy(CachePolicyConfig=cache_policy_config("a"))
    other = cf.create_cache_policy(CachePolicyConfig=cache_policy_config("b"))
    with aws_error("CachePolicyAlreadyExists", 409):
        cf.update_cache_policy(
            Id=other["CachePolicy"]["Id"], IfMatch=other["ETag"], CachePolicyConfig=cache_policy_config("a")
        )


def test_cache_policy_if_match(cf: Any) -> None:
    created = cf.create_cache_policy(CachePolicyConfig=cache_policy_config())
    policy_id, etag = created["CachePolicy"]["Id"], created["ETag"]
    with aws_error("InvalidIfMatchVersion", 400):
        cf.update_cache_policy(Id=policy_id, CachePolicyConfig=cache_policy_config())
    with aws_error("InvalidIfMatchVersion", 400):
        cf.delete_cache_policy(Id=policy_id)
    new_etag = cf.update_cache_policy(Id=policy_id, IfMatch=etag, CachePolicyConfig=cache_policy_config())["ETag"]
    with aws_error("PreconditionFailed", 412):
        cf.update_cache_policy(Id=policy_id, IfMatch=etag, CachePolicyConfig=cache_policy_config())
    with aws_error("PreconditionFailed", 412):
        cf.delete_cache_policy(Id=policy_id, IfMatch=etag)
    cf.delete_cache_policy(Id=policy_id, IfMatch=new_etag)


def test_unknown_cache_policy_is_no_such_cache_policy(cf: Any) -> None:
    missing = str(uuid.uuid4())
    for call in (
        lambda: cf.get_cache_policy(Id=missing),
        lambda: cf.get_cache_policy_config(Id=missing),
        lambda: cf.update_cache_policy(Id=missing, IfMatch="E1", CachePolicyConfig=cache_policy_config()),
        lambda: cf.delete_cache_policy(Id=missing, IfMatch="E1"),
    ):
        with aws_error("NoSuchCachePolicy", 404):
            call()


def test_managed_cache_policies_are_listed_and_protected(cf: Any) -> None:
    managed = cf.list_cache_policies(Type="managed")["CachePolicyList"]
    assert {item["Type"] for item in managed["Items"]} == {"managed"}
    by_id = {item["CachePolicy"]["Id"]: item["CachePolicy"]["CachePolicyConfig"] for item in managed["Items"]}
    optimized, disabled = by_id[CACHING_OPTIMIZED], by_id[CACHING_DISABLED]
    assert optimized["Name"] == "Managed-CachingOptimized"
    assert (optimized["MinTTL"], optimized["DefaultTTL"], optimized["MaxTTL"]) == (1, 86400, 31536000)
    parameters = optimized["ParametersInCacheKeyAndForwardedToOrigin"]
    assert parameters["EnableAcceptEncodingGzip"] and parameters["EnableAcceptEncodingBrotli"]
    assert parameters["HeadersConfig"]["HeaderBehavior"] == "none"
    assert disabled["Name"] == "Managed-CachingDisabled"
    assert (disabled["MinTTL"], disabled["DefaultTTL"], disabled["MaxTTL"]) == (0, 0, 0)

    got = cf.get_cache_policy(Id=CACHING_OPTIMIZED)
    with aws_error("IllegalUpdate", 400):
        cf.update_cache_policy(Id=CACHING_OPTIMIZED, IfMatch=got["ETag"], CachePolicyConfig=optimized)
    with aws_error("IllegalDelete", 400):
        cf.delete_cache_policy(Id=CACHING_OPTIMIZED, IfMatch=got["ETag"])


def test_list_cache_policies_filters_and_pages(cf: Any) -> None:
    custom_ids = [
        cf.create_cache_policy(CachePolicyConfig=cache_policy_config(f"p{i}"))["CachePolicy"]["Id"] for i in range(3)
    ]
    custom = cf.list_cache_policies(Type="custom")["CachePolicyList"]
    assert [item["CachePolicy"]["Id"] for item in custom["Items"]] == custom_ids
    assert {item["Type"] for item in custom["Items"]} == {"custom"}
    assert "NextMarker" not in custom

    everything = cf.list_cache_policies()["CachePolicyList"]
    ids = [item["CachePolicy"]["Id"] for item in everything["Items"]]
    assert set(custom_ids) < set(ids) and CACHING_OPTIMIZED in ids and CACHING_DISABLED in ids

    paged: list[str] = []
    kwargs: dict[str, str] = {"MaxItems": "2"}
    while True:
        page = cf.list_cache_policies(**kwargs)["CachePolicyList"]
        assert page["Quantity"] == len(page.get("Items", [])) <= 2
        paged += [item["CachePolicy"]["Id"] for item in page.get("Items", [])]
        if "NextMarker" not in page:
            break
        kwargs["Marker"] = page["NextMarker"]
    assert paged == ids

    with aws_error("InvalidArgument", 400):
        cf.list_cache_policies(Type="everything")


@pytest.mark.parametrize("where", ["default", "ordered"])
def test_cache_policy_in_use_cannot_be_deleted(cf: Any, where: str) -> None:
    created = cf.create_cache_policy(CachePolicyConfig=cache_policy_config())
    policy_id = created["CachePolicy"]["Id"]
    if where == "default":
        config = distribution_config(default=behaviour(cache_policy_id=policy_id))
    else:
        config = distribution_config(ordered=[behaviour(cache_policy_id=policy_id, path="/live/*")])
    dist_id = cf.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
    with aws_error("CachePolicyInUse", 409):
        cf.delete_cache_policy(Id=policy_id, IfMatch=created["ETag"])
    disable_and_delete(cf, dist_id)
    cf.delete_cache_policy(Id=policy_id, IfMatch=created["ETag"])


# --------------------------------------------------------------------------------------------------
# public keys
# --------------------------------------------------------------------------------------------------


def test_public_key_lifecycle(cf: Any) -> None:
    created = create_public_key(cf)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    key = created["PublicKey"]
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/public-key/{key['Id']}"
    assert key["PublicKeyConfig"] == {
        "CallerReference": "ref-1",
        "Name": "key-1",
        "EncodedKey": public_pem(1),
        "Comment": "signing key",
    }
    assert key["CreatedTime"]
    assert cf.get_public_key(Id=key["Id"])["ETag"] == created["ETag"]
    config = cf.get_public_key_config(Id=key["Id"])
    assert (config["PublicKeyConfig"], config["ETag"]) == (key["PublicKeyConfig"], created["ETag"])

    new_config = {**key["PublicKeyConfig"], "Comment": "rotated next month"}
    updated = cf.update_public_key(Id=key["Id"], IfMatch=created["ETag"], PublicKeyConfig=new_config)
    assert updated["ETag"] != created["ETag"]
    assert updated["PublicKey"]["PublicKeyConfig"] == new_config
    assert cf.get_public_key(Id=key["Id"])["ETag"] == updated["ETag"]

    listing = cf.list_public_keys()["PublicKeyList"]
    assert [(k["Id"], k["Name"], k["Comment"]) for k in listing["Items"]] == [
        (key["Id"], "key-1", "rotated next month")
    ]

    with aws_error("PreconditionFailed", 412):
        cf.delete_public_key(Id=key["Id"], IfMatch=created["ETag"])
    with aws_error("InvalidIfMatchVersion", 400):
        cf.delete_public_key(Id=key["Id"])
    assert cf.delete_public_key(Id=key["Id"], IfMatch=updated["ETag"])["ResponseMetadata"]["HTTPStatusCode"] == 204
    with aws_error("NoSuchPublicKey", 404):
        cf.get_public_key(Id=key["Id"])


def test_public_key_only_comment_may_change(cf: Any) -> None:
    created = create_public_key(cf)
    key_id, etag, config = created["PublicKey"]["Id"], created["ETag"], created["PublicKey"]["PublicKeyConfig"]
    with aws_error("CannotChangeImmutablePublicKeyFields", 400):
        cf.update_public_key(Id=key_id, IfMatch=etag, PublicKeyConfig={**config, "EncodedKey": public_pem(2)})
    with aws_error("IllegalUpdate", 400):
        cf.update_public_key(Id=key_id, IfMatch=etag, PublicKeyConfig={**config, "Name": "renamed"})
    with aws_error("InvalidIfMatchVersion", 400):
        cf.update_public_key(Id=key_id, PublicKeyConfig=config)
    with aws_error("PreconditionFailed", 412):
        cf.update_public_key(Id=key_id, IfMatch="ESTALE", PublicKeyConfig=config)
    assert cf.get_public_key(Id=key_id)["ETag"] == etag  # nothing changed


def test_unknown_public_key_is_no_such_public_key(cf: Any) -> None:
    config = {"CallerReference": "r", "Name": "n", "EncodedKey": public_pem(1)}
    for call in (
        lambda: cf.get_public_key(Id="KNOTAKEY000000"),
        lambda: cf.get_public_key_config(Id="KNOTAKEY000000"),
        lambda: cf.update_public_key(Id="KNOTAKEY000000", IfMatch="E1", PublicKeyConfig=config),
        lambda: cf.delete_public_key(Id="KNOTAKEY000000", IfMatch="E1"),
    ):
        with aws_error("NoSuchPublicKey", 404):
            call()


def test_public_key_in_a_key_group_cannot_be_deleted(cf: Any) -> None:
    key = create_public_key(cf)
    group = create_key_group(cf, key_ids=[key["PublicKey"]["Id"]])
    with aws_error("PublicKeyInUse", 409):
        cf.delete_public_key(Id=key["PublicKey"]["Id"], IfMatch=key["ETag"])
    cf.delete_key_group(Id=group["KeyGroup"]["Id"], IfMatch=group["ETag"])
    cf.delete_public_key(Id=key["PublicKey"]["Id"], IfMatch=key["ETag"])


# --------------------------------------------------------------------------------------------------
# key groups
# --------------------------------------------------------------------------------------------------


def test_key_group_lifecycle(cf: Any) -> None:
    first, second = (create_public_key(cf, n)["PublicKey"]["Id"] for n in (1, 2))
    created = create_key_group(cf, key_ids=[first])
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    group = created["KeyGroup"]
    uuid.UUID(group["Id"])
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/key-group/{group['Id']}"
    assert group["KeyGroupConfig"] == {"Name": "signers", "Items": [first], "Comment": "signed URLs"}
    assert group["LastModifiedTime"]
    assert cf.get_key_group(Id=group["Id"])["KeyGroup"] == group
    config = cf.get_key_group_config(Id=group["Id"])
    assert (config["KeyGroupConfig"], config["ETag"]) == (group["KeyGroupConfig"], created["ETag"])

    new_config = {"Name": "signers", "Items": [first, second]}
    updated = cf.update_key_group(Id=group["Id"], IfMatch=created["ETag"], KeyGroupConfig=new_config)
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert updated["ETag"] != created["ETag"]
    assert updated["KeyGroup"]["KeyGroupConfig"] == new_config
    listing = cf.list_key_groups()["KeyGroupList"]
    assert [item["KeyGroup"]["Id"] for item in listing["Items"]] == [group["Id"]]

    with aws_error("PreconditionFailed", 412):
        cf.update_key_group(Id=group["Id"], IfMatch=created["ETag"], KeyGroupConfig=new_config)
    with aws_error("InvalidIfMatchVersion", 400):
        cf.update_key_group(Id=group["Id"], KeyGroupConfig=new_config)
    with aws_error("PreconditionFailed", 412):
        cf.delete_key_group(Id=group["Id"], IfMatch=created["ETag"])
    with aws_error("InvalidIfMatchVersion", 400):
        cf.delete_key_group(Id=group["Id"])
    assert cf.delete_key_group(Id=group["Id"], IfMatch=updated["ETag"])["ResponseMetadata"]["HTTPStatusCode"] == 204
    with aws_error("NoSuchResource", 404):
        cf.get_key_group(Id=group["Id"])


def test_key_group_validation(cf: Any) -> None:
    keys = [create_public_key(cf, n)["PublicKey"]["Id"] for n in range(6)]
    with aws_error("TooManyPublicKeysInKeyGroup", 400):
        create_key_group(cf, key_ids=keys)
    with aws_error("InvalidArgument", 400):  # CreateKeyGroup documents no NoSuchPublicKey
        create_key_group(cf, key_ids=["KDOESNOTEXIST0"])
    group = create_key_group(cf, name="taken", key_ids=keys[:5])
    with aws_error("KeyGroupAlreadyExists", 409):
        create_key_group(cf, name="taken", key_ids=keys[:1])
    other = create_key_group(cf, name="other", key_ids=keys[:1])
    with aws_error("KeyGroupAlreadyExists", 409):
        cf.update_key_group(
            Id=other["KeyGroup"]["Id"], IfMatch=other["ETag"], KeyGroupConfig={"Name": "taken", "Items": keys[:1]}
        )
    with aws_error("TooManyPublicKeysInKeyGroup", 400):
        cf.update_key_group(
            Id=group["KeyGroup"]["Id"], IfMatch=group["ETag"], KeyGroupConfig={"Name": "taken", "Items": keys}
        )


def test_unknown_key_group_is_no_such_resource(cf: Any) -> None:
    missing = str(uuid.uuid4())
    for call in (
        lambda: cf.get_key_group(Id=missing),
        lambda: cf.get_key_group_config(Id=missing),
        lambda: cf.update_key_group(Id=missing, IfMatch="E1", KeyGroupConfig={"Name": "n", "Items": ["K1"]}),
        lambda: cf.delete_key_group(Id=missing, IfMatch="E1"),
    ):
        with aws_error("NoSuchResource", 404):
            call()


@pytest.mark.parametrize("where", ["default", "ordered"])
def test_key_group_trusted_by_a_distribution_cannot_be_deleted(cf: Any, where: str) -> None:
    group = create_key_group(cf)
    group_id = group["KeyGroup"]["Id"]
    if where == "default":
        config = distribution_config(default=behaviour([group_id]))
    else:
        config = distribution_config(ordered=[behaviour([group_id], path="/premium/*")])
    dist_id = cf.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
    with aws_error("ResourceInUse", 409):
        cf.delete_key_group(Id=group_id, IfMatch=group["ETag"])
    disable_and_delete(cf, dist_id)
    cf.delete_key_group(Id=group_id, IfMatch=group["ETag"])


# --------------------------------------------------------------------------------------------------
# distributions
# --------------------------------------------------------------------------------------------------


def test_distribution_keeps_its_config(cf: Any) -> None:
    oac_id = create_oac(cf)["OriginAccessControl"]["Id"]
    group_id = create_key_group(cf)["KeyGroup"]["Id"]
    policy_id = cf.create_cache_policy(CachePolicyConfig=cache_policy_config())["CachePolicy"]["Id"]
    sent = distribution_config(
        oac_id=oac_id,
        default=behaviour([group_id], cache_policy_id=policy_id),
        ordered=[behaviour([group_id], cache_policy_id=CACHING_DISABLED, path="/live/*")],
    )
    created = cf.create_distribution(DistributionConfig=sent)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    dist = created["Distribution"]
    assert created["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/distribution/{dist['Id']}"
    assert_contains(sent, dist["DistributionConfig"])
    # a cache policy replaces the legacy settings: nothing invented next to it
    for legacy in ("ForwardedValues", "MinTTL", "DefaultTTL", "MaxTTL"):
        assert legacy not in dist["DistributionConfig"]["DefaultCacheBehavior"]
    assert dist["ActiveTrustedKeyGroups"]["Enabled"] is True
    assert [item["KeyGroupId"] for item in dist["ActiveTrustedKeyGroups"]["Items"]] == [group_id]

    got = cf.get_distribution(Id=dist["Id"])
    assert got["ETag"] == created["ETag"]
    assert_contains(sent, got["Distribution"]["DistributionConfig"])
    config = cf.get_distribution_config(Id=dist["Id"])
    assert config["ETag"] == created["ETag"]
    assert_contains(sent, config["DistributionConfig"])
    summary = cf.list_distributions()["DistributionList"]["Items"][0]
    assert summary["Origins"]["Items"][0]["OriginAccessControlId"] == oac_id
    assert summary["DefaultCacheBehavior"]["TrustedKeyGroups"] == sent["DefaultCacheBehavior"]["TrustedKeyGroups"]

    changed = config["DistributionConfig"]
    changed["HttpVersion"] = "http2"
    changed["IsIPV6Enabled"] = True
    changed["PriceClass"] = "PriceClass_All"
    changed["DefaultRootObject"] = "main.html"
    changed["CacheBehaviors"]["Items"][0]["TrustedKeyGroups"] = {"Enabled": False, "Quantity": 0}
    updated = cf.update_distribution(Id=dist["Id"], IfMatch=config["ETag"], DistributionConfig=changed)
    assert updated["ETag"] != created["ETag"]
    assert_contains(changed, updated["Distribution"]["DistributionConfig"])
    assert_contains(changed, cf.get_distribution_config(Id=dist["Id"])["DistributionConfig"])


def minimal_distribution_config(ref: str = "minimal") -> dict[str, Any]:
    """A distribution configuration with only what CreateDistribution requires: one custom origin, no aliases."""
    return {
        "CallerReference": ref,
        "Origins": {"Quantity": 1, "Items": [{"Id": "media", "DomainName": "videos.example.com",
                                              "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                     "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "media", "ViewerProtocolPolicy": "allow-all",
                                 "CachePolicyId": CACHING_OPTIMIZED},
        "Comment": "",
        "Enabled": False,
    }  # fmt: skip


def test_distribution_fills_in_what_the_request_omitted(cf: Any) -> None:
    minimal = minimal_distribution_config()
    config = cf.create_distribution(DistributionConfig=minimal)["Distribution"]["DistributionConfig"]
    assert_contains(minimal, config)
    assert config["HttpVersion"] == "http2"  # documented default
    origin = config["Origins"]["Items"][0]
    assert (origin["ConnectionAttempts"], origin["ConnectionTimeout"]) == (3, 10)  # documented defaults
    assert origin["OriginAccessControlId"] == ""
    assert "S3OriginConfig" not in origin
    assert config["DefaultCacheBehavior"]["TrustedKeyGroups"] == {"Enabled": False, "Quantity": 0}
    assert "ForwardedValues" not in config["DefaultCacheBehavior"]
    assert config["ViewerCertificate"]["CloudFrontDefaultCertificate"] is True
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1"


def test_legacy_forwarded_values_behaviour(cf: Any) -> None:
    config = distribution_config()
    legacy = config["DefaultCacheBehavior"]
    del legacy["CachePolicyId"], legacy["OriginRequestPolicyId"]
    legacy["ForwardedValues"] = {"QueryString": True, "Cookies": {"Forward": "none"}}
    returned = cf.create_distribution(DistributionConfig=config)["Distribution"]["DistributionConfig"]
    assert_contains(config, returned)
    default = returned["DefaultCacheBehavior"]
    assert (default["MinTTL"], default["DefaultTTL"], default["MaxTTL"]) == (0, 86400, 31536000)
    assert "CachePolicyId" not in default


@pytest.mark.parametrize("operation", ["create", "update"])
@pytest.mark.parametrize(
    ("case", "code", "status"),
    [
        ("unknown origin access control", "InvalidOriginAccessControl", 400),
        ("origin access control and identity", "IllegalOriginAccessConfiguration", 400),
        ("unknown key group (default behaviour)", "TrustedKeyGroupDoesNotExist", 400),
        ("unknown key group (ordered behaviour)", "TrustedKeyGroupDoesNotExist", 400),
        ("unknown cache policy", "NoSuchCachePolicy", 404),
        ("neither cache policy nor forwarded values", "InvalidArgument", 400),
        ("cache policy and forwarded values", "InvalidArgument", 400),
        ("inconsistent quantity", "InconsistentQuantities", 400),
        ("no certificate", "InvalidViewerCertificate", 400),
    ],
)
def test_distribution_config_is_checked(cf: Any, operation: str, case: str, code: str, status: int) -> None:
    oac_id = create_oac(cf)["OriginAccessControl"]["Id"]
    breakers: dict[str, Callable[[dict[str, Any]], None]] = {
        "unknown origin access control": lambda c: c["Origins"]["Items"][0].update(
            OriginAccessControlId="E00000000000"
        ),
        "origin access control and identity": lambda c: c["Origins"]["Items"][0].update(
            OriginAccessControlId=oac_id,
            S3OriginConfig={"OriginAccessIdentity": "origin-access-identity/cloudfront/E1"},
        ),
        "unknown key group (default behaviour)": lambda c: c.update(
            DefaultCacheBehavior=behaviour([str(uuid.uuid4())])
        ),
        "unknown key group (ordered behaviour)": lambda c: c.update(
            CacheBehaviors={"Quantity": 1, "Items": [behaviour([str(uuid.uuid4())], path="/x/*")]}
        ),
        "unknown cache policy": lambda c: c["DefaultCacheBehavior"].update(CachePolicyId=str(uuid.uuid4())),
        "neither cache policy nor forwarded values": lambda c: c["DefaultCacheBehavior"].pop("CachePolicyId"),
        "cache policy and forwarded values": lambda c: c["DefaultCacheBehavior"].update(
            ForwardedValues={"QueryString": False, "Cookies": {"Forward": "none"}}
        ),
        "inconsistent quantity": lambda c: c["Aliases"].update(Quantity=2),
        "no certificate": lambda c: c["ViewerCertificate"].pop("ACMCertificateArn"),
    }
    config = distribution_config(oac_id=oac_id)
    breakers[case](config)
    if operation == "create":
        with aws_error(code, status):
            cf.create_distribution(DistributionConfig=config)
        assert cf.list_distributions()["DistributionList"]["Quantity"] == 0
    else:
        created = cf.create_distribution(DistributionConfig=distribution_config(oac_id=oac_id))
        with aws_error(code, status):
            cf.update_distribution(Id=created["Distribution"]["Id"], IfMatch=created["ETag"], DistributionConfig=config)
        assert cf.get_distribution(Id=created["Distribution"]["Id"])["ETag"] == created["ETag"]


def test_update_distribution_if_match_and_caller_reference(cf: Any) -> None:
    created = cf.create_distribution(DistributionConfig=distribution_config())
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    config = distribution_config()
    with aws_error("InvalidIfMatchVersion", 400):
        cf.update_distribution(Id=dist_id, DistributionConfig=config)
    with aws_error("PreconditionFailed", 412):
        cf.update_distribution(Id=dist_id, IfMatch="ESTALE", DistributionConfig=config)
    with aws_error("IllegalUpdate", 400):
        cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=distribution_config("another-ref"))
    new_etag = cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=config)["ETag"]
    assert new_etag != etag
    with aws_error("PreconditionFailed", 412):
        cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=config)
    with aws_error("NoSuchDistribution", 404):
        cf.update_distribution(Id="EDOESNOTEXIST", IfMatch=new_etag, DistributionConfig=config)


def test_delete_distribution(cf: Any) -> None:
    created = cf.create_distribution(DistributionConfig=distribution_config())
    dist_id, etag = created["Distribution"]["Id"], created["ETag"]
    with aws_error("InvalidIfMatchVersion", 400):
        cf.delete_distribution(Id=dist_id)
    with aws_error("PreconditionFailed", 412):
        cf.delete_distribution(Id=dist_id, IfMatch="ESTALE")
    with aws_error("DistributionNotDisabled", 409):
        cf.delete_distribution(Id=dist_id, IfMatch=etag)
    disabled = cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=distribution_config(enabled=False))
    with aws_error("PreconditionFailed", 412):
        cf.delete_distribution(Id=dist_id, IfMatch=etag)
    deleted = cf.delete_distribution(Id=dist_id, IfMatch=disabled["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with aws_error("NoSuchDistribution", 404):
        cf.get_distribution(Id=dist_id)
    with aws_error("NoSuchDistribution", 404):
        cf.delete_distribution(Id=dist_id, IfMatch=disabled["ETag"])


def test_distribution_status_and_deployed_waiter(cf: Any) -> None:
    created = cf.create_distribution(DistributionConfig=distribution_config())
    assert created["Distribution"]["Status"] == "InProgress"
    dist_id = created["Distribution"]["Id"]
    started = time.monotonic()
    cf.get_waiter("distribution_deployed").wait(Id=dist_id)  # default WaiterConfig: 60 s between polls
    assert time.monotonic() - started < 5
    assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "Deployed"

    updated = cf.update_distribution(Id=dist_id, IfMatch=created["ETag"], DistributionConfig=distribution_config())
    assert updated["Distribution"]["Status"] == "InProgress"
    started = time.monotonic()
    cf.get_waiter("distribution_deployed").wait(Id=dist_id)
    assert time.monotonic() - started < 5


def test_list_distributions_pages_by_marker(cf: Any) -> None:
    ids = [
        cf.create_distribution(DistributionConfig=distribution_config(f"r{i}"))["Distribution"]["Id"] for i in range(3)
    ]
    first = cf.list_distributions(MaxItems="2")["DistributionList"]
    assert (first["Quantity"], first["IsTruncated"], first["Marker"]) == (2, True, "")
    second = cf.list_distributions(MaxItems="2", Marker=first["NextMarker"])["DistributionList"]
    assert (second["Quantity"], second["IsTruncated"]) == (1, False)
    assert [d["Id"] for d in first["Items"] + second["Items"]] == ids


def test_moto_operations_still_work_on_our_distributions(cf: Any) -> None:
    created = cf.create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": distribution_config(),
            "Tags": {"Items": [{"Key": "team", "Value": "video"}]},
        }
    )
    dist = created["Distribution"]
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_contains(distribution_config(), dist["DistributionConfig"])
    assert cf.list_tags_for_resource(Resource=dist["ARN"])["Tags"]["Items"] == [{"Key": "team", "Value": "video"}]
    invalidation = cf.create_invalidation(
        DistributionId=dist["Id"], InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": "i"}
    )
    assert invalidation["Invalidation"]["Status"] == "COMPLETED"


# --------------------------------------------------------------------------------------------------
# origin access controls
# --------------------------------------------------------------------------------------------------


def test_origin_access_control_in_use_and_if_match(cf: Any) -> None:
    created = create_oac(cf)
    oac_id, etag = created["OriginAccessControl"]["Id"], created["ETag"]
    dist_id = cf.create_distribution(DistributionConfig=distribution_config(oac_id=oac_id))["Distribution"]["Id"]
    with aws_error("InvalidIfMatchVersion", 400):
        cf.delete_origin_access_control(Id=oac_id)
    with aws_error("PreconditionFailed", 412):
        cf.delete_origin_access_control(Id=oac_id, IfMatch="ESTALE")
    with aws_error("OriginAccessControlInUse", 409):
        cf.delete_origin_access_control(Id=oac_id, IfMatch=etag)

    new_config = {**created["OriginAccessControl"]["OriginAccessControlConfig"], "Description": "changed"}
    with aws_error("PreconditionFailed", 412):
        cf.update_origin_access_control(Id=oac_id, IfMatch="ESTALE", OriginAccessControlConfig=new_config)
    updated = cf.update_origin_access_control(Id=oac_id, IfMatch=etag, OriginAccessControlConfig=new_config)
    assert updated["ETag"] != etag
    assert cf.get_origin_access_control(Id=oac_id)["ETag"] == updated["ETag"]

    disable_and_delete(cf, dist_id)
    cf.delete_origin_access_control(Id=oac_id, IfMatch=updated["ETag"])
    with aws_error("NoSuchOriginAccessControl", 404):
        cf.delete_origin_access_control(Id=oac_id, IfMatch=updated["ETag"])


# --------------------------------------------------------------------------------------------------
# validation: what AWS refuses
# --------------------------------------------------------------------------------------------------

API = "https://docs.aws.amazon.com/cloudfront/latest/APIReference"
GUIDE = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide"


def public_key_count(cf: Any) -> int:
    return cf.list_public_keys()["PublicKeyList"]["Quantity"]


def oac_names(cf: Any) -> list[str]:
    items = cf.list_origin_access_controls()["OriginAccessControlList"].get("Items") or []
    return sorted(item["Name"] for item in items)


def distribution_count(cf: Any) -> int:
    return cf.list_distributions()["DistributionList"]["Quantity"]


@pytest.mark.parametrize(
    "encoded_key",
    [
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtest\n-----END PUBLIC KEY-----\n",
        "not a key at all",
        "rsa1024",
        "rsa4096",
        "p384",
        "private",
    ],
    ids=["garbage-pem", "not-pem", "rsa-1024", "rsa-4096", "ecdsa-p384", "private-key"],
)
def test_public_key_must_be_rsa_2048_or_ecdsa_p256(cf: Any, encoded_key: str) -> None:
    """API reference, PublicKeyConfig (API_PublicKeyConfig.html): "CloudFront supports signed URLs and signed
    cookies with RSA 2048 or ECDSA 256 key signatures"; Developer Guide, "Create key pairs for your signers"
    (private-content-trusted-signers.html). CreatePublicKey lists InvalidArgument (400) for a bad argument."""
    if encoded_key in ("rsa1024", "rsa4096", "p384"):
        encoded_key = public_pem(1, encoded_key)
    elif encoded_key == "private":
        encoded_key = (
            private_key(1)
            .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
            .decode()
        )
    with aws_error("InvalidArgument", 400):
        cf.create_public_key(PublicKeyConfig={"CallerReference": "r", "Name": "bad", "EncodedKey": encoded_key})
    assert public_key_count(cf) == 0


def test_rsa_2048_and_ecdsa_p256_public_keys_are_accepted(cf: Any) -> None:
    """API reference, PublicKeyConfig (API_PublicKeyConfig.html): RSA 2048 or ECDSA 256."""
    for n, kind in enumerate(("rsa2048", "p256")):
        config = {"CallerReference": f"r{n}", "Name": kind, "EncodedKey": public_pem(1, kind)}
        assert cf.create_public_key(PublicKeyConfig=config)["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert public_key_count(cf) == 2


def test_public_key_names_are_unique(cf: Any) -> None:
    """API reference, CreatePublicKey (API_CreatePublicKey.html): PublicKeyAlreadyExists, HTTP 409,
    "The specified public key already exists"."""
    create_public_key(cf, 1)
    config = {"CallerReference": "another-ref", "Name": "key-1", "EncodedKey": public_pem(2)}
    with aws_error("PublicKeyAlreadyExists", 409):
        cf.create_public_key(PublicKeyConfig=config)
    assert public_key_count(cf) == 1


def test_origin_access_control_names_are_unique(cf: Any) -> None:
    """API reference, CreateOriginAccessControl and UpdateOriginAccessControl
    (API_CreateOriginAccessControl.html, API_UpdateOriginAccessControl.html): OriginAccessControlAlreadyExists,
    HTTP 409."""
    create_oac(cf, "media-oac")
    with aws_error("OriginAccessControlAlreadyExists", 409):
        create_oac(cf, "media-oac")
    other = create_oac(cf, "other-oac")
    config = {**other["OriginAccessControl"]["OriginAccessControlConfig"], "Name": "media-oac"}
    with aws_error("OriginAccessControlAlreadyExists", 409):
        cf.update_origin_access_control(
            Id=other["OriginAccessControl"]["Id"], IfMatch=other["ETag"], OriginAccessControlConfig=config
        )
    assert oac_names(cf) == ["media-oac", "other-oac"]
    assert cf.get_origin_access_control(Id=other["OriginAccessControl"]["Id"])["ETag"] == other["ETag"]


def test_update_cache_policy_and_key_group_cannot_take_a_used_name(cf: Any) -> None:
    """API reference, UpdateCachePolicy (API_UpdateCachePolicy.html) lists CachePolicyAlreadyExists (409) and
    UpdateKeyGroup (API_UpdateKeyGroup.html) KeyGroupAlreadyExists (409)."""
    cf.create_cache_policy(CachePolicyConfig=cache_policy_config("taken"))
    policy = cf.create_cache_policy(CachePolicyConfig=cache_policy_config("mine"))
    with aws_error("CachePolicyAlreadyExists", 409):
        cf.update_cache_policy(
            Id=policy["CachePolicy"]["Id"], IfMatch=policy["ETag"], CachePolicyConfig=cache_policy_config("taken")
        )
    assert cf.get_cache_policy(Id=policy["CachePolicy"]["Id"])["CachePolicy"]["CachePolicyConfig"]["Name"] == "mine"
    key_id = create_public_key(cf)["PublicKey"]["Id"]
    create_key_group(cf, "taken", [key_id])
    group = create_key_group(cf, "mine", [key_id])
    with aws_error("KeyGroupAlreadyExists", 409):
        cf.update_key_group(
            Id=group["KeyGroup"]["Id"], IfMatch=group["ETag"], KeyGroupConfig={"Name": "taken", "Items": [key_id]}
        )
    assert cf.get_key_group(Id=group["KeyGroup"]["Id"])["KeyGroup"]["KeyGroupConfig"]["Name"] == "mine"


def test_account_quotas(cf: Any) -> None:
    """Developer Guide, Quotas (cloudfront-limits.html): 20 cache policies, 10 key groups, 10 public keys and
    100 origin access controls per AWS account. Errors from the API reference: TooManyCachePolicies
    (CreateCachePolicy), TooManyKeyGroups (CreateKeyGroup), TooManyPublicKeys (CreatePublicKey),
    TooManyOriginAccessControls (CreateOriginAccessControl), all HTTP 400."""
    for n in range(20):
        cf.create_cache_policy(CachePolicyConfig=cache_policy_config(f"policy-{n}"))
    with aws_error("TooManyCachePolicies", 400):
        cf.create_cache_policy(CachePolicyConfig=cache_policy_config("policy-20"))
    assert len(cf.list_cache_policies(Type="custom")["CachePolicyList"]["Items"]) == 20

    key_ids = [create_public_key(cf, n)["PublicKey"]["Id"] for n in range(10)]
    with aws_error("TooManyPublicKeys", 400):
        create_public_key(cf, 10)
    assert public_key_count(cf) == 10

    for n in range(10):
        create_key_group(cf, f"group-{n}", [key_ids[n]])
    with aws_error("TooManyKeyGroups", 400):
        create_key_group(cf, "group-10", [key_ids[0]])
    assert cf.list_key_groups()["KeyGroupList"]["Quantity"] == 10

    for n in range(100):
        create_oac(cf, f"oac-{n:03}")
    with aws_error("TooManyOriginAccessControls", 400):
        create_oac(cf, "oac-100")
    assert len(oac_names(cf)) == 100


@pytest.mark.parametrize("operation", ["create", "update"])
def test_at_most_four_key_groups_per_cache_behaviour(cf: Any, operation: str) -> None:
    """Developer Guide, Quotas (cloudfront-limits.html), "Quotas on key groups": 4 key groups associated with a
    single cache behavior. CreateDistribution/UpdateDistribution list TooManyKeyGroupsAssociatedToDistribution
    (400)."""
    key_id = create_public_key(cf)["PublicKey"]["Id"]
    groups = [create_key_group(cf, f"g{n}", [key_id])["KeyGroup"]["Id"] for n in range(5)]
    four = cf.create_distribution(DistributionConfig=distribution_config("four", default=behaviour(groups[:4])))
    with aws_error("TooManyKeyGroupsAssociatedToDistribution", 400):
        if operation == "create":
            cf.create_distribution(DistributionConfig=distribution_config("five", default=behaviour(groups)))
        else:
            five = distribution_config("four", default=behaviour(groups))
            cf.update_distribution(Id=four["Distribution"]["Id"], IfMatch=four["ETag"], DistributionConfig=five)
    assert distribution_count(cf) == 1
    assert cf.get_distribution(Id=four["Distribution"]["Id"])["ETag"] == four["ETag"]


def with_certificate(config: dict[str, Any], arn: str | None, aliases: list[str]) -> dict[str, Any]:
    """``config`` with these aliases and this ACM certificate (None: the CloudFront certificate)."""
    config["Aliases"] = {"Quantity": len(aliases), "Items": aliases}
    if arn is None:
        config["ViewerCertificate"] = {"CloudFrontDefaultCertificate": True}
    else:
        config["ViewerCertificate"].update(ACMCertificateArn=arn)
    return config


@pytest.mark.parametrize("operation", ["create", "update"])
@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("the CloudFront certificate", "InvalidViewerCertificate"),
        ("a certificate in another region", "InvalidViewerCertificate"),
        ("a certificate that does not exist", "InvalidViewerCertificate"),
        ("a certificate pending validation", "InvalidViewerCertificate"),
        ("a certificate of other names", "InvalidViewerCertificate"),
        ("a wildcard two levels up", "InvalidViewerCertificate"),
        ("no SSLSupportMethod", "InvalidViewerCertificate"),
        ("no MinimumProtocolVersion", "InvalidViewerCertificate"),
        ("static-ip", "InvalidViewerCertificate"),
        ("SSLv3 with sni-only", "InvalidMinimumProtocolVersion"),
        ("an invalid alias", "InvalidArgument"),
        ("101 aliases", "TooManyDistributionCNAMEs"),
    ],
)
def test_aliases_need_a_certificate_that_covers_them(aws: LocalAWS, cf: Any, operation: str, case: str, code: str):
    """Developer Guide, "Use custom URLs by adding alternate domain names (CNAMEs)", section "Requirements for
    using alternate domain names" (CNAMEs.html#alternate-domain-names-requirements): a trusted certificate that
    covers the name (exact or a one-level wildcard). API reference, ViewerCertificate (API_ViewerCertificate.html):
    with aliases, CloudFrontDefaultCertificate false and ACMCertificateArn (us-east-1 only) or IAMCertificateId,
    plus MinimumProtocolVersion and SSLSupportMethod; sni-only needs TLSv1 or later; static-ip only if the
    CloudFront team enabled it. Quotas (cloudfront-limits.html): 100 alternate domain names per distribution.
    Errors and statuses: the ones CreateDistribution/UpdateDistribution list."""
    arn = CERTIFICATE["arn"]
    config = distribution_config("alias")
    breakers: dict[str, Callable[[], dict[str, Any]]] = {
        "the CloudFront certificate": lambda: with_certificate(config, None, ["alias.example.com"]),
        "a certificate in another region": lambda: with_certificate(
            config, import_certificate(aws, region="eu-west-1"), ["alias.example.com"]
        ),
        "a certificate that does not exist": lambda: with_certificate(
            config, arn.rsplit("/", 1)[0] + f"/{uuid.uuid4()}", ["alias.example.com"]
        ),
        "a certificate pending validation": lambda: with_certificate(
            config,
            aws.client("acm", "us-east-1").request_certificate(DomainName="alias.example.com", ValidationMethod="DNS")[
                "CertificateArn"
            ],
            ["alias.example.com"],
        ),
        "a certificate of other names": lambda: with_certificate(config, arn, ["videos.example.org"]),
        "a wildcard two levels up": lambda: with_certificate(config, arn, ["a.videos.example.com"]),
        "no SSLSupportMethod": lambda: config["ViewerCertificate"].pop("SSLSupportMethod") and config,
        "no MinimumProtocolVersion": lambda: config["ViewerCertificate"].pop("MinimumProtocolVersion") and config,
        "static-ip": lambda: config["ViewerCertificate"].update(SSLSupportMethod="static-ip") or config,
        "SSLv3 with sni-only": lambda: config["ViewerCertificate"].update(MinimumProtocolVersion="SSLv3") or config,
        "an invalid alias": lambda: with_certificate(config, arn, ["bad_name!.example.com"]),
        "101 aliases": lambda: with_certificate(config, arn, [f"a{n}.example.com" for n in range(101)]),
    }
    if operation == "create":
        with aws_error(code, 400):
            cf.create_distribution(DistributionConfig=breakers[case]())
        assert distribution_count(cf) == 0
    else:
        created = cf.create_distribution(DistributionConfig=distribution_config("alias"))
        with aws_error(code, 400):
            cf.update_distribution(
                Id=created["Distribution"]["Id"], IfMatch=created["ETag"], DistributionConfig=breakers[case]()
            )
        assert cf.get_distribution(Id=created["Distribution"]["Id"])["ETag"] == created["ETag"]


def test_a_certificate_covers_its_names_and_one_wildcard_level(aws: LocalAWS, cf: Any) -> None:
    """Developer Guide, CNAMEs.html#alternate-domain-names-requirements: the certificate's domain name or a
    subject alternative name must match the alias exactly or through a wildcard (``*.example.com`` covers
    ``videos.example.com``, not ``example.com`` nor ``a.b.example.com``); ACM DNS validation issues it."""
    arn = CERTIFICATE["arn"]  # example.com and *.example.com
    aliases = ["example.com", "VIDEOS.example.com", "*.example.com"]
    created = cf.create_distribution(DistributionConfig=with_certificate(distribution_config("w"), arn, aliases))
    assert created["Distribution"]["DistributionConfig"]["Aliases"]["Items"] == aliases
    only_wildcard = import_certificate(aws, ("*.example.net",))
    with aws_error("InvalidViewerCertificate", 400):
        cf.create_distribution(
            DistributionConfig=with_certificate(distribution_config("n"), only_wildcard, ["example.net"])
        )


def test_an_alias_belongs_to_one_distribution(cf: Any) -> None:
    """API reference, CreateDistribution/UpdateDistribution (API_CreateDistribution.html): CNAMEAlreadyExists,
    HTTP 409, "The CNAME specified is already defined for CloudFront"; Developer Guide,
    CNAMEs.html#alternate-domain-names-requirements (a name can be added to one distribution only)."""
    arn = CERTIFICATE["arn"]
    first = cf.create_distribution(
        DistributionConfig=with_certificate(distribution_config("one"), arn, ["v.example.com"])
    )
    with aws_error("CNAMEAlreadyExists", 409):
        cf.create_distribution(DistributionConfig=with_certificate(distribution_config("two"), arn, ["V.Example.com"]))
    assert distribution_count(cf) == 1
    second = cf.create_distribution(
        DistributionConfig=with_certificate(distribution_config("two"), arn, ["w.example.com"])
    )
    taken = with_certificate(distribution_config("two"), arn, ["w.example.com", "v.example.com"])
    with aws_error("CNAMEAlreadyExists", 409):
        cf.update_distribution(Id=second["Distribution"]["Id"], IfMatch=second["ETag"], DistributionConfig=taken)
    # a distribution keeps its own aliases on update
    same = with_certificate(distribution_config("one"), arn, ["v.example.com"])
    cf.update_distribution(Id=first["Distribution"]["Id"], IfMatch=first["ETag"], DistributionConfig=same)


@pytest.mark.parametrize(
    ("member", "value", "code"),
    [
        ("DefaultCacheBehavior.ViewerProtocolPolicy", "http-only", "InvalidArgument"),
        ("DefaultCacheBehavior.AllowedMethods.Items", ["GET", "FETCH"], "InvalidArgument"),
        ("PriceClass", "PriceClass_50", "InvalidArgument"),
        ("HttpVersion", "http4", "InvalidArgument"),
        ("ViewerCertificate.MinimumProtocolVersion", "TLSv1.4", "InvalidMinimumProtocolVersion"),
        ("ViewerCertificate.SSLSupportMethod", "sni", "InvalidViewerCertificate"),
        ("Restrictions.GeoRestriction.RestrictionType", "allowlist", "InvalidGeoRestrictionParameter"),
    ],
)
@pytest.mark.parametrize("operation", ["create", "update"])
def test_distribution_enums_are_the_models(cf: Any, operation: str, member: str, value: Any, code: str) -> None:
    """API reference, DistributionConfig and its members (API_DistributionConfig.html, API_CacheBehavior.html,
    API_ViewerCertificate.html, API_GeoRestriction.html): "Valid Values" lists, as in botocore's service model.
    A value outside them is InvalidArgument (400), or the more specific error the operation lists."""
    config = distribution_config("enum")
    target = config
    *parents, leaf = member.split(".")
    for parent in parents:
        target = target[parent]
    target[leaf] = value
    if leaf == "Items":
        target["Quantity"] = len(value)
    if operation == "create":
        with aws_error(code, 400):
            cf.create_distribution(DistributionConfig=config)
        assert distribution_count(cf) == 0
    else:
        created = cf.create_distribution(DistributionConfig=distribution_config("enum"))
        with aws_error(code, 400):
            cf.update_distribution(Id=created["Distribution"]["Id"], IfMatch=created["ETag"], DistributionConfig=config)
        assert cf.get_distribution(Id=created["Distribution"]["Id"])["ETag"] == created["ETag"]


def test_cache_policy_origin_access_control_and_list_enums_are_the_models(cf: Any) -> None:
    """API reference, CachePolicyHeadersConfig (API_CachePolicyHeadersConfig.html: HeaderBehavior none |
    whitelist), OriginAccessControlConfig (API_OriginAccessControlConfig.html: SigningProtocols sigv4,
    SigningBehavior never | always | no-override, OriginAccessControlOriginType s3 | mediastore |
    mediapackagev2 | lambda). Each operation lists InvalidArgument (400)."""
    bad_policy = cache_policy_config()
    bad_policy["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["HeaderBehavior"] = "allExcept"
    with aws_error("InvalidArgument", 400):
        cf.create_cache_policy(CachePolicyConfig=bad_policy)
    policy = cf.create_cache_policy(CachePolicyConfig=cache_policy_config())
    with aws_error("InvalidArgument", 400):
        cf.update_cache_policy(Id=policy["CachePolicy"]["Id"], IfMatch=policy["ETag"], CachePolicyConfig=bad_policy)
    assert len(cf.list_cache_policies(Type="custom")["CachePolicyList"]["Items"]) == 1

    good = {"Name": "o", "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}
    for member, value in (
        ("SigningProtocol", "sigv2"),
        ("SigningBehavior", "sometimes"),
        ("OriginAccessControlOriginType", "ec2"),
    ):
        with aws_error("InvalidArgument", 400):
            cf.create_origin_access_control(OriginAccessControlConfig={**good, member: value})
    assert oac_names(cf) == []
    created = cf.create_origin_access_control(OriginAccessControlConfig=good)
    with aws_error("InvalidArgument", 400):
        cf.update_origin_access_control(
            Id=created["OriginAccessControl"]["Id"],
            IfMatch=created["ETag"],
            OriginAccessControlConfig={**good, "SigningBehavior": "sometimes"},
        )
    assert cf.get_origin_access_control(Id=created["OriginAccessControl"]["Id"])["ETag"] == created["ETag"]


def custom_origin(domain: str, oac_id: str = "") -> dict[str, Any]:
    """An origin with a CustomOriginConfig."""
    return {
        "Id": "media",
        "DomainName": domain,
        "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"},
        "OriginAccessControlId": oac_id,
    }


@pytest.mark.parametrize("operation", ["create", "update"])
@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("s3 OAC on a custom origin", "InvalidDomainNameForOriginAccessControl"),
        ("s3 OAC on an S3 website endpoint", "InvalidDomainNameForOriginAccessControl"),
        ("mediastore OAC on an S3 origin", "InvalidDomainNameForOriginAccessControl"),
        ("S3 REST endpoint as a custom origin with OAC", "InvalidArgument"),
        ("S3OriginConfig on a website endpoint", "InvalidArgument"),
        ("neither S3OriginConfig nor CustomOriginConfig", "InvalidArgument"),
    ],
)
def test_origin_access_control_only_on_origins_of_its_type(cf: Any, operation: str, case: str, code: str) -> None:
    """API reference, Origin (API_Origin.html): S3OriginConfig for an S3 bucket that is not a website endpoint,
    CustomOriginConfig for every other origin, website endpoints included. OriginAccessControlConfig
    (API_OriginAccessControlConfig.html): OriginAccessControlOriginType "the type of origin that this origin
    access control is for" (s3, mediastore, mediapackagev2, lambda); Developer Guide, "Restrict access to an
    Amazon S3 origin" (private-content-restricting-access-to-s3.html): an OAC is for an S3 bucket origin, not a
    website endpoint. Errors: InvalidDomainNameForOriginAccessControl / InvalidArgument (400), as listed."""
    s3_oac = create_oac(cf, "s3")["OriginAccessControl"]["Id"]
    mediastore_oac = cf.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": "ms",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "mediastore",
        }
    )["OriginAccessControl"]["Id"]
    website = "media.s3-website-eu-west-1.amazonaws.com"
    origins = {
        "s3 OAC on a custom origin": custom_origin("videos.example.org", s3_oac),
        "s3 OAC on an S3 website endpoint": custom_origin(website, s3_oac),
        "mediastore OAC on an S3 origin": {
            "Id": "media",
            "DomainName": BUCKET_DOMAIN,
            "S3OriginConfig": {"OriginAccessIdentity": ""},
            "OriginAccessControlId": mediastore_oac,
        },
        "S3 REST endpoint as a custom origin with OAC": custom_origin(BUCKET_DOMAIN, s3_oac),
        "S3OriginConfig on a website endpoint": {
            "Id": "media",
            "DomainName": website,
            "S3OriginConfig": {"OriginAccessIdentity": ""},
        },
        "neither S3OriginConfig nor CustomOriginConfig": {"Id": "media", "DomainName": BUCKET_DOMAIN},
    }
    config = distribution_config("oac")
    config["Origins"] = {"Quantity": 1, "Items": [origins[case]]}
    if operation == "create":
        with aws_error(code, 400):
            cf.create_distribution(DistributionConfig=config)
        assert distribution_count(cf) == 0
    else:
        created = cf.create_distribution(DistributionConfig=distribution_config("oac", oac_id=s3_oac))
        with aws_error(code, 400):
            cf.update_distribution(Id=created["Distribution"]["Id"], IfMatch=created["ETag"], DistributionConfig=config)
        assert cf.get_distribution(Id=created["Distribution"]["Id"])["ETag"] == created["ETag"]


def test_origin_access_controls_on_their_origins_are_accepted(cf: Any) -> None:
    """API reference, OriginAccessControlConfig (API_OriginAccessControlConfig.html): an s3 OAC on an S3 REST
    origin (regional or global endpoint); a website endpoint is a custom origin without OAC (API_Origin.html)."""
    s3_oac = create_oac(cf, "s3")["OriginAccessControl"]["Id"]
    for n, domain in enumerate(("media.s3.eu-west-1.amazonaws.com", "my.media.s3.amazonaws.com")):
        config = distribution_config(f"ok{n}", oac_id=s3_oac)
        config["Origins"]["Items"][0]["DomainName"] = domain
        cf.create_distribution(DistributionConfig=config)
    website = distribution_config("website")
    website["Origins"] = {"Quantity": 1, "Items": [custom_origin("media.s3-website-eu-west-1.amazonaws.com")]}
    cf.create_distribution(DistributionConfig=website)
    assert distribution_count(cf) == 3


# --------------------------------------------------------------------------------------------------
# reset and routing
# --------------------------------------------------------------------------------------------------


def test_reset_empties_everything(aws: LocalAWS) -> None:
    CERTIFICATE["arn"] = import_certificate(aws)
    cf = aws.client("cloudfront")
    policy_id = cf.create_cache_policy(CachePolicyConfig=cache_policy_config())["CachePolicy"]["Id"]
    key_id = create_public_key(cf)["PublicKey"]["Id"]
    group_id = create_key_group(cf, key_ids=[key_id])["KeyGroup"]["Id"]
    cf.create_distribution(DistributionConfig=distribution_config(default=behaviour([group_id], policy_id)))

    aws.reset()

    assert cf.list_cache_policies(Type="custom")["CachePolicyList"]["Quantity"] == 0
    assert cf.list_public_keys()["PublicKeyList"]["Quantity"] == 0
    assert cf.list_key_groups()["KeyGroupList"]["Quantity"] == 0
    assert cf.list_distributions()["DistributionList"]["Quantity"] == 0
    with aws_error("NoSuchCachePolicy", 404):
        cf.get_cache_policy(Id=policy_id)
    with aws_error("NoSuchResource", 404):
        cf.get_key_group(Id=group_id)
    assert cf.list_cache_policies(Type="managed")["CachePolicyList"]["Quantity"] >= 2


def test_operations_not_emulated_answer_404(cf: Any) -> None:
    with aws_error("404", 404):
        cf.list_origin_request_policies()


def test_extension_claims_only_cloudfront_requests() -> None:
    extension = CloudFrontExtension()

    def environ(path: str, service: str) -> dict[str, str]:
        scope = f"Credential=testing/20240101/us-east-1/{service}/aws4_request"
        return {"PATH_INFO": path, "HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, Signature=0"}

    assert extension.matches(environ("/2020-05-31/cache-policy", "cloudfront"))
    assert not extension.matches(environ("/2020-05-31/cache-policy", "s3"))  # a bucket named 2020-05-31
    assert not extension.matches(environ("/moto-api/reset", "cloudfront"))
    assert not extension.matches({"PATH_INFO": "/2020-05-31/distribution"})


@pytest.mark.parametrize(
    ("geo", "message"),
    [
        ({"RestrictionType": "whitelist", "Quantity": 0}, "needs at least one location"),
        ({"RestrictionType": "blacklist", "Quantity": 1, "Items": ["fr"]}, "ISO 3166-1 alpha-2"),
        ({"RestrictionType": "whitelist", "Quantity": 2, "Items": ["FR", "FRA"]}, "ISO 3166-1 alpha-2"),
        ({"RestrictionType": "none", "Quantity": 1, "Items": ["FR"]}, "takes no locations"),
    ],
)
def test_geo_restriction_needs_country_codes_exactly_when_it_restricts(cf: Any, geo: dict, message: str) -> None:
    """API reference, GeoRestriction (API_GeoRestriction.html): with whitelist or blacklist, Quantity is the number
    of countries, each a two-letter upper-case ISO 3166-1 alpha-2 code; when geo restriction is not enabled,
    Quantity is 0. Anything else is InvalidGeoRestrictionParameter (400), which CreateDistribution lists."""
    config = distribution_config("geo")
    config["Restrictions"] = {"GeoRestriction": geo}
    with aws_error("InvalidGeoRestrictionParameter", 400):
        cf.create_distribution(DistributionConfig=config)
    assert distribution_count(cf) == 0
    with pytest.raises(ClientError) as raised:
        cf.create_distribution(DistributionConfig=config)
    assert message in raised.value.response["Error"]["Message"]
