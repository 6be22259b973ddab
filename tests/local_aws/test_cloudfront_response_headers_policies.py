"""The local AWS's CloudFront response headers policies against the CloudFront API reference and Developer Guide.

Every test talks to a real server through boto3. Error codes and HTTP statuses are the ones the botocore
service model (``cloudfront/2020-05-31/service-2.json``) lists for each operation. Pages cited:

* API reference: CreateResponseHeadersPolicy, GetResponseHeadersPolicy(Config), UpdateResponseHeadersPolicy,
  DeleteResponseHeadersPolicy, ListResponseHeadersPolicies, ResponseHeadersPolicyConfig,
  ResponseHeadersPolicyCorsConfig, ResponseHeadersPolicyXSSProtection, CacheBehavior.ResponseHeadersPolicyId;
* Developer Guide: "Understand response headers policies" (origins' wildcards, the CSP length, headers that
  can't be removed), "Use managed response headers policies" (IDs and settings), "Quotas" (general quotas on
  policies: 20 response headers policies, 10 custom headers, 10 headers to remove).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from local_aws import LocalAWS
from tests.local_aws.test_cloudfront import CERTIFICATE
from tests.local_aws.test_cloudfront import aws_error
from tests.local_aws.test_cloudfront import behaviour
from tests.local_aws.test_cloudfront import disable_and_delete
from tests.local_aws.test_cloudfront import distribution_config
from tests.local_aws.test_cloudfront import import_certificate

SECURITY_HEADERS_POLICY = "67f7725c-6f97-4210-82d7-5512b31e9d03"
SIMPLE_CORS = "60669652-455b-4ae9-85a4-c4c02393f86c"
CORS_WITH_PREFLIGHT = "5cc3b908-e619-4b99-88e5-2cf7f45965bd"
MANAGED_IDS = {
    SECURITY_HEADERS_POLICY,
    SIMPLE_CORS,
    CORS_WITH_PREFLIGHT,
    "e61eb60c-9c35-4d20-a928-2b84e02af89c",
    "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
}


@pytest.fixture
def cf(aws: LocalAWS) -> Any:
    """A CloudFront client on an emptied local AWS, with the certificate the distributions of test_cloudfront use."""
    CERTIFICATE["arn"] = import_certificate(aws)
    return aws.client("cloudfront")


def players_config(name: str = "players", **overrides: Any) -> dict[str, Any]:
    """What the cloudfront_hls role creates: CORS with credentials for the players, and security headers."""
    config: dict[str, Any] = {
        "Name": name,
        "Comment": "hls.js players",
        "CorsConfig": {
            "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://www.storytime.example"]},
            "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["Range"]},
            "AccessControlAllowMethods": {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"]},
            "AccessControlAllowCredentials": True,
            "AccessControlExposeHeaders": {"Quantity": 1, "Items": ["Content-Length"]},
            "AccessControlMaxAgeSec": 600,
            "OriginOverride": True,
        },
        "SecurityHeadersConfig": {
            "StrictTransportSecurity": {"Override": True, "AccessControlMaxAgeSec": 31536000},
            "ContentTypeOptions": {"Override": True},
        },
    }
    config.update(overrides)
    return config


def with_cors(**changes: Any) -> dict[str, Any]:
    config = players_config()
    config["CorsConfig"].update(changes)
    return config


def test_lifecycle_with_etag_rotation(cf: Any) -> None:
    """Create (201, ETag), Get/GetConfig (same ETag), Update (IfMatch, new ETag), Delete (IfMatch), then
    NoSuchResponseHeadersPolicy (API reference: the five operations)."""
    created = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config())
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    policy_id = created["ResponseHeadersPolicy"]["Id"]
    assert created["Location"].endswith(f"/response-headers-policy/{policy_id}")
    assert created["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"] == players_config()

    got = cf.get_response_headers_policy(Id=policy_id)
    assert got["ETag"] == created["ETag"]
    config = cf.get_response_headers_policy_config(Id=policy_id)
    assert (config["ResponseHeadersPolicyConfig"], config["ETag"]) == (players_config(), created["ETag"])

    updated = cf.update_response_headers_policy(
        Id=policy_id, IfMatch=created["ETag"], ResponseHeadersPolicyConfig=players_config(Comment="changed")
    )
    assert updated["ETag"] != created["ETag"]
    assert (
        cf.get_response_headers_policy(Id=policy_id)["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["Comment"]
        == "changed"
    )

    assert (
        cf.delete_response_headers_policy(Id=policy_id, IfMatch=updated["ETag"])["ResponseMetadata"]["HTTPStatusCode"]
        == 204
    )
    with aws_error("NoSuchResponseHeadersPolicy", 404):
        cf.get_response_headers_policy(Id=policy_id)


def test_if_match_is_required_and_current(cf: Any) -> None:
    """UpdateResponseHeadersPolicy/DeleteResponseHeadersPolicy list InvalidIfMatchVersion and PreconditionFailed."""
    created = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config())
    policy_id, etag = created["ResponseHeadersPolicy"]["Id"], created["ETag"]
    with aws_error("InvalidIfMatchVersion", 400):
        cf.update_response_headers_policy(Id=policy_id, ResponseHeadersPolicyConfig=players_config())
    with aws_error("InvalidIfMatchVersion", 400):
        cf.delete_response_headers_policy(Id=policy_id)
    new_etag = cf.update_response_headers_policy(
        Id=policy_id, IfMatch=etag, ResponseHeadersPolicyConfig=players_config()
    )["ETag"]
    with aws_error("PreconditionFailed", 412):
        cf.update_response_headers_policy(Id=policy_id, IfMatch=etag, ResponseHeadersPolicyConfig=players_config())
    with aws_error("PreconditionFailed", 412):
        cf.delete_response_headers_policy(Id=policy_id, IfMatch=etag)
    cf.delete_response_headers_policy(Id=policy_id, IfMatch=new_etag)


def test_names_are_unique(cf: Any) -> None:
    """ResponseHeadersPolicyConfig.Name: unique among the account's response headers policies
    (ResponseHeadersPolicyAlreadyExists, 409), on create and on update."""
    cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config("a"))
    with aws_error("ResponseHeadersPolicyAlreadyExists", 409):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config("a"))
    other = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config("b"))
    with aws_error("ResponseHeadersPolicyAlreadyExists", 409):
        cf.update_response_headers_policy(
            Id=other["ResponseHeadersPolicy"]["Id"],
            IfMatch=other["ETag"],
            ResponseHeadersPolicyConfig=players_config("a"),
        )


def test_quantities_must_match_items(cf: Any) -> None:
    """CreateResponseHeadersPolicy lists InconsistentQuantities (400)."""
    config = with_cors(AccessControlAllowOrigins={"Quantity": 2, "Items": ["https://a.example"]})
    with aws_error("InconsistentQuantities", 400):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=config)


@pytest.mark.parametrize(
    "origin",
    ["https://example.*", "https://test.*.example.org", "https://exa*mple.org", "https://*example.org"],
)
def test_origin_wildcards_only_leftmost(cf: Any, origin: str) -> None:
    """Understand response headers policies, Access-Control-Allow-Origin: the wildcard is allowed as the leftmost
    part of the domain, not in the TLD, right of a subdomain or inside a term."""
    config = with_cors(AccessControlAllowOrigins={"Quantity": 1, "Items": [origin]})
    with aws_error("InvalidArgument", 400):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=config)


def test_leftmost_and_whole_wildcards_and_bare_domains_are_accepted(cf: Any) -> None:
    """The documented wildcard positions, and a domain name without a scheme (AWS accepts one: the AWS provider's
    and Steampipe's acceptance tests create policies allowing ``test.example.comtest``)."""
    items = ["https://*.example.org", "*", "test.example.comtest", "*.example.net"]
    config = with_cors(AccessControlAllowOrigins={"Quantity": len(items), "Items": items})
    created = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=config)
    assert created["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["CorsConfig"] == config["CorsConfig"]


def test_methods_are_the_documented_values(cf: Any) -> None:
    """ResponseHeadersPolicyAccessControlAllowMethods: GET DELETE HEAD OPTIONS PATCH POST PUT ALL. boto3 checks
    nothing here (the member is a plain list of strings on the wire), so the server must."""
    config = with_cors(AccessControlAllowMethods={"Quantity": 1, "Items": ["TRACE"]})
    with aws_error("InvalidArgument", 400):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=config)


def test_empty_origin_and_method_lists_are_refused(cf: Any) -> None:
    """ResponseHeadersPolicyCorsConfig: AccessControlAllowOrigins and AccessControlAllowMethods are required (the
    stricter answer where the reference is silent on an empty list)."""
    for member in ("AccessControlAllowOrigins", "AccessControlAllowMethods"):
        with aws_error("InvalidArgument", 400):
            cf.create_response_headers_policy(
                ResponseHeadersPolicyConfig=with_cors(**{member: {"Quantity": 0, "Items": []}})
            )


def test_xss_mode_block_and_report_uri_exclude_each_other(cf: Any) -> None:
    """ResponseHeadersPolicyXSSProtection.ReportUri: "You cannot specify a ReportUri when ModeBlock is true"."""
    security = {"XSSProtection": {"Override": True, "Protection": True, "ModeBlock": True, "ReportUri": "https://r"}}
    with aws_error("InvalidArgument", 400):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config(SecurityHeadersConfig=security))


def test_csp_length_and_header_quotas(cf: Any) -> None:
    """Understand response headers policies: the Content-Security-Policy value is limited to 1783 characters;
    Quotas: 10 custom headers and 10 headers to remove per policy."""
    csp = {"ContentSecurityPolicy": {"Override": True, "ContentSecurityPolicy": "x" * 1784}}
    with aws_error("TooLongCSPInResponseHeadersPolicy", 400):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config(SecurityHeadersConfig=csp))
    ok_csp = {"ContentSecurityPolicy": {"Override": True, "ContentSecurityPolicy": "x" * 1783}}
    cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config("csp", SecurityHeadersConfig=ok_csp))

    custom = [{"Header": f"X-Custom-{i}", "Value": "v", "Override": True} for i in range(11)]
    with aws_error("TooManyCustomHeadersInResponseHeadersPolicy", 400):
        cf.create_response_headers_policy(
            ResponseHeadersPolicyConfig=players_config(CustomHeadersConfig={"Quantity": 11, "Items": custom})
        )
    removed = [{"Header": f"X-Remove-{i}"} for i in range(11)]
    with aws_error("TooManyRemoveHeadersInResponseHeadersPolicy", 400):
        cf.create_response_headers_policy(
            ResponseHeadersPolicyConfig=players_config(RemoveHeadersConfig={"Quantity": 11, "Items": removed})
        )


@pytest.mark.parametrize("header", ["Content-Length", "Via", "X-Cache", "X-Amz-Cf-Pop", "x-edge-location"])
def test_headers_that_cannot_be_removed(cf: Any, header: str) -> None:
    """Understand response headers policies, "Headers that you can't remove": specifying one is an error."""
    config = players_config(RemoveHeadersConfig={"Quantity": 1, "Items": [{"Header": header}]})
    with aws_error("InvalidArgument", 400):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=config)


def test_at_most_20_policies(cf: Any) -> None:
    """Quotas, general quotas on policies: 20 response headers policies per account (TooManyResponseHeadersPolicies)."""
    for n in range(20):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config(f"p{n}"))
    with aws_error("TooManyResponseHeadersPolicies", 400):
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config("p20"))


def test_list_by_type_and_managed_policies_protected(cf: Any) -> None:
    """ListResponseHeadersPolicies filters by Type; the managed policies of "Use managed response headers policies"
    are listed as managed, readable by ID, and refuse UpdateResponseHeadersPolicy (IllegalUpdate) and
    DeleteResponseHeadersPolicy (IllegalDelete)."""
    custom = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config())
    custom_id = custom["ResponseHeadersPolicy"]["Id"]
    managed = cf.list_response_headers_policies(Type="managed")["ResponseHeadersPolicyList"]
    assert {item["ResponseHeadersPolicy"]["Id"] for item in managed["Items"]} == MANAGED_IDS
    assert {item["Type"] for item in managed["Items"]} == {"managed"}
    listed_custom = cf.list_response_headers_policies(Type="custom")["ResponseHeadersPolicyList"]["Items"]
    assert [(item["Type"], item["ResponseHeadersPolicy"]["Id"]) for item in listed_custom] == [("custom", custom_id)]
    everything = cf.list_response_headers_policies()["ResponseHeadersPolicyList"]
    assert everything["Quantity"] == len(MANAGED_IDS) + 1

    page = cf.list_response_headers_policies(MaxItems="2")["ResponseHeadersPolicyList"]
    assert page["Quantity"] == 2 and page["NextMarker"]

    got = cf.get_response_headers_policy(Id=SIMPLE_CORS)
    cors = got["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["CorsConfig"]
    assert cors["AccessControlAllowOrigins"]["Items"] == ["*"]
    with aws_error("IllegalUpdate", 400):
        cf.update_response_headers_policy(
            Id=SIMPLE_CORS, IfMatch=got["ETag"], ResponseHeadersPolicyConfig=players_config("x")
        )
    with aws_error("IllegalDelete", 400):
        cf.delete_response_headers_policy(Id=SIMPLE_CORS, IfMatch=got["ETag"])


def test_unknown_id_is_no_such_response_headers_policy(cf: Any) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    for call in (
        lambda: cf.get_response_headers_policy(Id=missing),
        lambda: cf.get_response_headers_policy_config(Id=missing),
        lambda: cf.update_response_headers_policy(
            Id=missing, IfMatch="E1", ResponseHeadersPolicyConfig=players_config()
        ),
        lambda: cf.delete_response_headers_policy(Id=missing, IfMatch="E1"),
    ):
        with aws_error("NoSuchResponseHeadersPolicy", 404):
            call()


def test_distribution_must_name_an_existing_policy(cf: Any) -> None:
    """CreateDistribution and UpdateDistribution list NoSuchResponseHeadersPolicy (404) for a cache behaviour's
    ResponseHeadersPolicyId that does not exist; managed and custom IDs are accepted."""
    unknown = dict(behaviour(), ResponseHeadersPolicyId="00000000-0000-0000-0000-000000000000")
    with aws_error("NoSuchResponseHeadersPolicy", 404):
        cf.create_distribution(DistributionConfig=distribution_config(default=unknown))

    custom_id = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config())[
        "ResponseHeadersPolicy"
    ]["Id"]
    ordered = dict(behaviour(path="books/*"), ResponseHeadersPolicyId=custom_id)
    created = cf.create_distribution(DistributionConfig=distribution_config(ordered=[ordered]))
    dist_id = created["Distribution"]["Id"]
    config = copy.deepcopy(created["Distribution"]["DistributionConfig"])
    config["CacheBehaviors"]["Items"][0]["ResponseHeadersPolicyId"] = "11111111-0000-0000-0000-000000000000"
    with aws_error("NoSuchResponseHeadersPolicy", 404):
        cf.update_distribution(Id=dist_id, IfMatch=created["ETag"], DistributionConfig=config)
    disable_and_delete(cf, dist_id)


def test_policy_in_use_cannot_be_deleted(cf: Any) -> None:
    """DeleteResponseHeadersPolicy: "You cannot delete a response headers policy if it's attached to a cache
    behavior" (ResponseHeadersPolicyInUse, 409); once no behaviour uses it, it can be deleted."""
    created = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_config())
    policy_id = created["ResponseHeadersPolicy"]["Id"]
    ordered = dict(behaviour(path="books/*"), ResponseHeadersPolicyId=policy_id)
    dist = cf.create_distribution(DistributionConfig=distribution_config(ordered=[ordered]))
    with aws_error("ResponseHeadersPolicyInUse", 409):
        cf.delete_response_headers_policy(Id=policy_id, IfMatch=created["ETag"])
    disable_and_delete(cf, dist["Distribution"]["Id"])
    cf.delete_response_headers_policy(Id=policy_id, IfMatch=created["ETag"])
