"""The local CloudFront edge applies response headers policies as the CloudFront Developer Guide documents them.

Pages cited by the tests:

* "Add or remove HTTP headers in CloudFront responses with a policy" (modifying-response-headers): CloudFront
  modifies the headers of the responses it serves from the cache and of those it forwards from the origin;
* "Understand response headers policies" (understanding-response-headers-policies): the CORS settings (which
  header in which answer, origin override), the security headers and their values, custom headers (override),
  remove headers (removed first; a removed ``Server`` comes back as ``Server: CloudFront``);
* "Use managed response headers policies": "For preflight requests (using the HTTP OPTIONS method), CloudFront
  adds all three [...] For simple CORS requests, CloudFront adds only the Access-Control-Allow-Origin header",
  and the origin's header wins where the policy does not override;
* "Use managed origin request policies" (CORS-S3Origin forwards ``Origin`` and the ``Access-Control-Request-*``
  headers); Amazon S3 User Guide, "How does Amazon S3 evaluate the CORS configuration on a bucket?".

Decision the tests pin (see dev/local-aws/README.md): the answers CloudFront makes itself before reaching the
origin (signed cookie errors, method not allowed) are neither served from the cache nor forwarded from the
origin, and no page says the policy applies to them, so they carry none of its headers: a cross-origin
player cannot read the 403 of a missing or expired cookie.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest
from werkzeug.test import Client

from local_aws import s3_policy
from local_aws.cloudfront import CloudFrontStore
from local_aws.cloudfront import Policy
from local_aws.cloudfront_edge import CloudFrontEdgeExtension
from local_aws.cloudfront_edge import EdgeDistribution
from local_aws.cloudfront_edge import OriginResponse
from local_aws.cloudfront_edge import s3_error
from tests.local_aws.test_cloudfront_edge import ARN
from tests.local_aws.test_cloudfront_edge import BUCKET
from tests.local_aws.test_cloudfront_edge import DOMAIN
from tests.local_aws.test_cloudfront_edge import IN_AN_HOUR
from tests.local_aws.test_cloudfront_edge import PLAYLIST
from tests.local_aws.test_cloudfront_edge import Edge
from tests.local_aws.test_cloudfront_edge import behaviour
from tests.local_aws.test_cloudfront_edge import custom_cookies
from tests.local_aws.test_cloudfront_edge import edge  # noqa: F401  (the end-to-end fixture)
from tests.local_aws.test_cloudfront_edge import make_config

PLAYER = "https://www.storytime.example"
STRANGER = "https://evil.example"
CORS_S3_ORIGIN = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"
SIMPLE_CORS = "60669652-455b-4ae9-85a4-c4c02393f86c"
SECURITY_HEADERS_POLICY = "67f7725c-6f97-4210-82d7-5512b31e9d03"
ACCOUNT = "123456789012"


def players_policy(**cors_changes: Any) -> dict[str, Any]:
    """The policy the cloudfront_hls role creates for web players."""
    cors: dict[str, Any] = {
        "AccessControlAllowOrigins": {"Quantity": 1, "Items": [PLAYER]},
        "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["Range"]},
        "AccessControlAllowMethods": {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"]},
        "AccessControlAllowCredentials": True,
        "AccessControlExposeHeaders": {"Quantity": 2, "Items": ["Content-Length", "Content-Range"]},
        "AccessControlMaxAgeSec": 600,
        "OriginOverride": True,
    }
    cors.update(cors_changes)
    return {
        "Name": "players",
        "CorsConfig": cors,
        "SecurityHeadersConfig": {
            "StrictTransportSecurity": {
                "Override": True,
                "AccessControlMaxAgeSec": 31536000,
                "IncludeSubdomains": True,
                "Preload": False,
            },
            "ContentTypeOptions": {"Override": True},
            "ReferrerPolicy": {"Override": True, "ReferrerPolicy": "strict-origin-when-cross-origin"},
            "FrameOptions": {"Override": True, "FrameOption": "DENY"},
        },
    }


# --------------------------------------------------------------------------------------------------
# in process: an injected origin and store
# --------------------------------------------------------------------------------------------------


@dataclass
class Origin:
    """An S3 origin answering GETs with fixed headers, and preflights with a fixed answer; records calls."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    preflight_status: int = 200
    preflight_headers: list[tuple[str, str]] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)
    preflights: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def __call__(self, bucket: str, key: str, context: s3_policy.RequestContext) -> OriginResponse:
        self.gets.append(key)
        if key != "hls/a.m3u8":
            return s3_error(403, "AccessDenied", "Access Denied")
        headers = [("Content-Type", "application/vnd.apple.mpegurl"), ("ETag", '"abc"'), *self.headers]
        return OriginResponse(200, headers, PLAYLIST, etag='"abc"')

    def preflight(self, bucket: str, key: str, headers: dict[str, str]) -> OriginResponse:
        self.preflights.append((key, headers))
        return OriginResponse(self.preflight_status, list(self.preflight_headers), b"")


def serve(
    config: dict[str, Any] | None, origin: Origin | None = None, **behaviour_changes: Any
) -> tuple[Client, Origin]:
    """An edge whose default behaviour uses ``config`` as its response headers policy (or a managed ID passed
    as ``ResponseHeadersPolicyId``)."""
    store = CloudFrontStore()
    changes = dict(behaviour_changes)
    if config is not None:
        policy = Policy("ResponseHeadersPolicy", "rhp-1", config, "E1", datetime.datetime.now(datetime.UTC))
        store.account(ACCOUNT, "aws").response_headers_policies["rhp-1"] = policy
        changes.setdefault("ResponseHeadersPolicyId", "rhp-1")
    dist = EdgeDistribution("EDFDVBD6EXAMPLE", ARN, DOMAIN, ACCOUNT, "aws", make_config(behaviour(**changes)))
    origin = origin or Origin()
    extension = CloudFrontEdgeExtension(
        store, distributions=lambda: [dist], s3_reader=origin, s3_preflight=origin.preflight
    )
    return Client(extension), origin


def get(client: Client, path: str = "/a.m3u8", method: str = "GET", **headers: str) -> Any:
    return client.open(path, method=method, base_url=f"https://{DOMAIN}", headers=headers)


OPTIONS_ALLOWED = {
    "Quantity": 3,
    "Items": ["GET", "HEAD", "OPTIONS"],
    "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
}


def test_an_allowed_origin_is_echoed_with_credentials_and_exposed_headers() -> None:
    """Understand response headers policies: Access-Control-Allow-Origin from the policy's origins,
    Access-Control-Allow-Credentials: true when set, Access-Control-Expose-Headers on CORS answers; a simple
    request gets no preflight headers (managed policies' page)."""
    client, _ = serve(players_policy())
    response = get(client, Origin=PLAYER)
    assert response.status_code == 200 and response.data == PLAYLIST
    assert response.headers["Access-Control-Allow-Origin"] == PLAYER
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Access-Control-Expose-Headers"] == "Content-Length, Content-Range"
    for preflight_only in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age"):
        assert preflight_only not in response.headers
    # No page says CloudFront adds Vary: Origin; the edge adds none.
    assert "Vary" not in response.headers


def test_an_origin_not_in_the_list_and_a_request_without_origin_get_no_cors_headers() -> None:
    client, _ = serve(players_policy())
    for headers in ({"Origin": STRANGER}, {"Origin": "http://www.storytime.example"}, {}):
        response = get(client, **headers)
        assert response.status_code == 200
        assert not [name for name in response.headers.keys() if name.lower().startswith("access-control-")]
        # The security headers are on every response, CORS or not.
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("allowed", "origin", "expected"),
    [
        (["https://*.storytime.example"], "https://www.storytime.example", "https://www.storytime.example"),
        (["https://*.storytime.example"], "https://a.b.storytime.example", "https://a.b.storytime.example"),
        (["https://*.storytime.example"], "https://storytime.example", None),
        (["https://*.storytime.example"], "http://www.storytime.example", None),
        (
            ["https://www.storytime.example:8443"],
            "https://www.storytime.example:8443",
            "https://www.storytime.example:8443",
        ),
        (["https://www.storytime.example:8443"], "https://www.storytime.example", None),
        (["HTTPS://WWW.Storytime.example"], "https://www.storytime.example", "https://www.storytime.example"),
        (["www.storytime.example"], "https://www.storytime.example", "https://www.storytime.example"),
        (["*.storytime.example"], "http://a.storytime.example", "http://a.storytime.example"),
        (["*"], "https://anyone.example", "*"),
        (["https://www.storytime.example", "*"], "https://www.storytime.example", "https://www.storytime.example"),
    ],
)
def test_allowed_origin_matching(allowed: list[str], origin: str, expected: str | None) -> None:
    """Understand response headers policies, Access-Control-Allow-Origin: a specific origin, ``*`` for all, a
    wildcard as the leftmost part of the domain."""
    client, _ = serve(players_policy(AccessControlAllowOrigins={"Quantity": len(allowed), "Items": allowed}))
    response = get(client, Origin=origin)
    assert response.headers.get("Access-Control-Allow-Origin") == expected


def test_preflight_is_forwarded_and_gets_the_preflight_headers() -> None:
    """A preflight (OPTIONS with Origin and Access-Control-Request-Method) on a behaviour that allows OPTIONS
    goes to the origin, with the CORS request headers the origin request policy forwards; CloudFront adds
    Allow-Origin, Allow-Credentials, Allow-Methods, Allow-Headers and Max-Age to the origin's answer."""
    origin = Origin(preflight_headers=[("Access-Control-Allow-Methods", "GET")])
    client, origin = serve(
        players_policy(), origin, AllowedMethods=OPTIONS_ALLOWED, OriginRequestPolicyId=CORS_S3_ORIGIN
    )
    response = get(
        client,
        method="OPTIONS",
        Origin=PLAYER,
        **{"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "range"},
    )
    assert response.status_code == 200
    assert origin.preflights == [
        (
            "hls/a.m3u8",
            {"origin": PLAYER, "access-control-request-method": "GET", "access-control-request-headers": "range"},
        )
    ]
    assert response.headers["Access-Control-Allow-Origin"] == PLAYER
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    # OriginOverride true: the policy's methods replace the origin's.
    assert response.headers.getlist("Access-Control-Allow-Methods") == ["GET, HEAD, OPTIONS"]
    assert response.headers["Access-Control-Allow-Headers"] == "Range"
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert "Access-Control-Expose-Headers" not in response.headers
    assert origin.gets == []


def test_preflight_without_forwarded_cors_headers_reaches_s3_without_them() -> None:
    """Without a cache policy or origin request policy that forwards them, the origin gets none of the CORS
    request headers (S3 then answers 400); the policy's headers are still added to that forwarded answer."""
    origin = Origin(preflight_status=400, preflight_headers=[("Content-Type", "application/xml")])
    client, origin = serve(players_policy(), origin, AllowedMethods=OPTIONS_ALLOWED)
    response = get(client, method="OPTIONS", Origin=PLAYER, **{"Access-Control-Request-Method": "GET"})
    assert response.status_code == 400
    assert origin.preflights == [("hls/a.m3u8", {})]
    assert response.headers["Access-Control-Allow-Origin"] == PLAYER
    assert response.headers["X-Cache"] == "Error from cloudfront"


def test_all_methods_and_a_preflight_on_a_behaviour_without_options() -> None:
    """ALL stands for every listed method (API reference, ResponseHeadersPolicyAccessControlAllowMethods); a
    behaviour whose AllowedMethods lack OPTIONS refuses the preflight itself (403, no policy headers)."""
    client, origin = serve(
        players_policy(AccessControlAllowMethods={"Quantity": 1, "Items": ["ALL"]}),
        AllowedMethods=OPTIONS_ALLOWED,
        OriginRequestPolicyId=CORS_S3_ORIGIN,
    )
    response = get(client, method="OPTIONS", Origin=PLAYER, **{"Access-Control-Request-Method": "PUT"})
    assert response.headers["Access-Control-Allow-Methods"] == "GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT"

    client, origin = serve(players_policy())
    response = get(client, method="OPTIONS", Origin=PLAYER, **{"Access-Control-Request-Method": "GET"})
    assert response.status_code == 403 and b"MethodNotAllowed" in response.data
    assert "Access-Control-Allow-Origin" not in response.headers
    assert origin.preflights == []


def test_plain_options_is_still_not_forwarded() -> None:
    client, origin = serve(players_policy(), AllowedMethods=OPTIONS_ALLOWED)
    response = get(client, method="OPTIONS")
    assert response.status_code == 403 and b"NotImplemented" in response.data
    assert origin.preflights == [] and origin.gets == []


@pytest.mark.parametrize(("override", "expected"), [(True, "DENY"), (False, "SAMEORIGIN")])
def test_security_header_override(override: bool, expected: str) -> None:
    """Understand response headers policies, security headers' origin override: true replaces the origin's
    header, false keeps it; a header the origin lacks is added either way."""
    config = players_policy()
    for header in config["SecurityHeadersConfig"].values():
        header["Override"] = override
    origin = Origin(headers=[("X-Frame-Options", "SAMEORIGIN")])
    client, _ = serve(config, origin)
    response = get(client)
    assert response.headers.getlist("X-Frame-Options") == [expected]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(("override", "expected"), [(True, PLAYER), (False, "https://origin-set.example")])
def test_cors_origin_override(override: bool, expected: str) -> None:
    """Understand response headers policies, CORS origin override."""
    origin = Origin(headers=[("Access-Control-Allow-Origin", "https://origin-set.example")])
    client, _ = serve(players_policy(OriginOverride=override), origin)
    response = get(client, Origin=PLAYER)
    assert response.headers.getlist("Access-Control-Allow-Origin") == [expected]
    # The origin sent no Allow-Credentials: the policy's is added whatever the override.
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


def test_header_values_of_xss_csp_and_hsts_preload() -> None:
    config = {
        "Name": "values",
        "SecurityHeadersConfig": {
            "XSSProtection": {
                "Override": True,
                "Protection": True,
                "ModeBlock": False,
                "ReportUri": "https://r.example/x",
            },
            "ContentSecurityPolicy": {"Override": True, "ContentSecurityPolicy": "default-src 'none'"},
            "StrictTransportSecurity": {"Override": True, "AccessControlMaxAgeSec": 60, "Preload": True},
        },
    }
    response = get(serve(config)[0])
    assert response.headers["X-XSS-Protection"] == "1; report=https://r.example/x"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert response.headers["Strict-Transport-Security"] == "max-age=60; preload"
    config["SecurityHeadersConfig"]["XSSProtection"] = {"Override": True, "Protection": True, "ModeBlock": True}
    assert get(serve(config)[0]).headers["X-XSS-Protection"] == "1; mode=block"
    config["SecurityHeadersConfig"]["XSSProtection"] = {"Override": True, "Protection": False}
    assert get(serve(config)[0]).headers["X-XSS-Protection"] == "0"


def test_custom_headers_and_remove_headers() -> None:
    """Understand response headers policies: custom headers with their override; remove headers are removed
    first, and a removed Server comes back as ``Server: CloudFront``."""
    config = {
        "Name": "custom",
        "CustomHeadersConfig": {
            "Quantity": 2,
            "Items": [
                {"Header": "Cache-Control", "Value": "max-age=5", "Override": False},
                {"Header": "X-Book-Service", "Value": "storytime", "Override": True},
            ],
        },
        "RemoveHeadersConfig": {"Quantity": 2, "Items": [{"Header": "x-amz-meta-author"}, {"Header": "Server"}]},
    }
    origin = Origin(headers=[("Cache-Control", "max-age=60"), ("x-amz-meta-author", "someone"), ("Server", "AmazonS3")])
    response = get(serve(config, origin)[0])
    assert response.headers.getlist("Cache-Control") == ["max-age=60"]
    assert response.headers["X-Book-Service"] == "storytime"
    assert "x-amz-meta-author" not in response.headers
    assert response.headers.getlist("Server") == ["CloudFront"]


def test_managed_policies_apply_by_id() -> None:
    """Use managed response headers policies: SimpleCORS sends ``Access-Control-Allow-Origin: *`` unless the
    origin sends one; SecurityHeadersPolicy always sends nosniff, the others only when the origin has none."""
    client, _ = serve(None, ResponseHeadersPolicyId=SIMPLE_CORS)
    assert get(client, Origin=STRANGER).headers["Access-Control-Allow-Origin"] == "*"
    client, _ = serve(
        None, Origin(headers=[("Access-Control-Allow-Origin", PLAYER)]), ResponseHeadersPolicyId=SIMPLE_CORS
    )
    assert get(client, Origin=STRANGER).headers.getlist("Access-Control-Allow-Origin") == [PLAYER]

    origin = Origin(headers=[("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "sniff-me")])
    client, _ = serve(None, origin, ResponseHeadersPolicyId=SECURITY_HEADERS_POLICY)
    response = get(client)
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    assert response.headers.getlist("X-Content-Type-Options") == ["nosniff"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_origin_errors_head_and_not_modified_carry_the_policy() -> None:
    """Add or remove HTTP headers in CloudFront responses with a policy: the responses CloudFront forwards from
    the origin are modified whatever their status (here S3's 403 for a key it does not let CloudFront read),
    as are HEAD answers and 304s."""
    client, _ = serve(players_policy())
    denied = get(client, "/missing.m3u8", Origin=PLAYER)
    assert denied.status_code == 403 and b"AccessDenied" in denied.data
    assert denied.headers["Access-Control-Allow-Origin"] == PLAYER
    head = get(client, method="HEAD", Origin=PLAYER)
    assert head.status_code == 200 and head.headers["Access-Control-Allow-Origin"] == PLAYER
    not_modified = get(client, Origin=PLAYER, **{"If-None-Match": '"abc"'})
    assert not_modified.status_code == 304 and not_modified.headers["Access-Control-Allow-Origin"] == PLAYER


def test_answers_cloudfront_makes_itself_carry_no_policy_headers() -> None:
    """The decision of the module docstring: method not allowed, HTTPS required and signed-cookie errors are
    answered before the origin, and go out without the policy's headers."""
    client, origin = serve(players_policy(), TrustedKeyGroups={"Enabled": True, "Quantity": 1, "Items": ["kg"]})
    response = get(client, Origin=PLAYER)
    assert response.status_code == 403 and b"MissingKey" in response.data
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "X-Content-Type-Options" not in response.headers
    assert origin.gets == []
    post = get(serve(players_policy())[0], method="POST", Origin=PLAYER)
    assert post.status_code == 403 and "Access-Control-Allow-Origin" not in post.headers


# --------------------------------------------------------------------------------------------------
# end to end: boto3-made policy and distribution, moto's S3, signed cookies
# --------------------------------------------------------------------------------------------------


def attach(deployed: Edge, policy_id: str, **ordered_changes: Any) -> None:
    """Attach ``policy_id`` to the ``books/*`` behaviour (with ``ordered_changes``) through UpdateDistribution."""
    dist_id = deployed.arn.rsplit("/", 1)[-1]
    current = deployed.cf.get_distribution_config(Id=dist_id)
    config = current["DistributionConfig"]
    ordered = config["CacheBehaviors"]["Items"][0]
    ordered["ResponseHeadersPolicyId"] = policy_id
    ordered.update(ordered_changes)
    deployed.cf.update_distribution(Id=dist_id, IfMatch=current["ETag"], DistributionConfig=config)


def test_end_to_end_signed_cookies_and_cors(edge: Edge) -> None:  # noqa: F811
    """A player on an allowed origin reads the playlist with its cookies; another origin gets the bytes but no
    CORS headers (the browser refuses it); without cookies CloudFront's own 403 carries no CORS headers."""
    policy_id = edge.cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_policy())[
        "ResponseHeadersPolicy"
    ]["Id"]
    attach(edge, policy_id)
    cookie = custom_cookies(edge.signer(), edge.url("/books/1/*"), date_less_than=IN_AN_HOUR)

    status, headers, body = edge.request("/books/1/index.m3u8", headers={"Cookie": cookie, "Origin": PLAYER})
    assert (status, body) == (200, PLAYLIST)
    assert headers["access-control-allow-origin"] == PLAYER
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert headers["x-frame-options"] == "DENY"

    status, headers, _ = edge.request("/books/1/index.m3u8", headers={"Cookie": cookie, "Origin": STRANGER})
    assert status == 200 and "access-control-allow-origin" not in headers

    status, headers, body = edge.request("/books/1/index.m3u8", headers={"Origin": PLAYER})
    assert status == 403 and b"MissingKey" in body
    assert "access-control-allow-origin" not in headers

    expired = custom_cookies(
        edge.signer(),
        edge.url("/books/1/*"),
        date_less_than=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1),
    )
    status, headers, body = edge.request("/books/1/index.m3u8", headers={"Cookie": expired, "Origin": PLAYER})
    assert status == 403 and b"AccessDenied" in body
    assert "access-control-allow-origin" not in headers


def test_end_to_end_preflight_answered_by_the_buckets_cors_rules(edge: Edge) -> None:  # noqa: F811
    """A preflight on a public behaviour that allows OPTIONS and forwards the CORS request headers
    (CORS-S3Origin) is answered by S3 from the bucket's CORS configuration, with the policy's headers; on the
    signed ``books/*`` behaviour the browser sends no cookies with a preflight, so CloudFront answers 403."""
    policy_id = edge.cf.create_response_headers_policy(ResponseHeadersPolicyConfig=players_policy())[
        "ResponseHeadersPolicy"
    ]["Id"]
    attach(edge, policy_id, AllowedMethods=OPTIONS_ALLOWED, OriginRequestPolicyId=CORS_S3_ORIGIN)
    preflight = {"Origin": PLAYER, "Access-Control-Request-Method": "GET"}

    status, headers, body = edge.request("/books/1/index.m3u8", method="OPTIONS", headers=preflight)
    assert status == 403 and b"MissingKey" in body and "access-control-allow-origin" not in headers

    dist_id = edge.arn.rsplit("/", 1)[-1]
    current = edge.cf.get_distribution_config(Id=dist_id)
    config = current["DistributionConfig"]
    config["DefaultCacheBehavior"].update(
        ResponseHeadersPolicyId=policy_id, AllowedMethods=OPTIONS_ALLOWED, OriginRequestPolicyId=CORS_S3_ORIGIN
    )
    edge.cf.update_distribution(Id=dist_id, IfMatch=current["ETag"], DistributionConfig=config)

    # No CORS configuration on the bucket: S3's 403 AccessForbidden, forwarded with the policy's headers.
    status, headers, body = edge.request("/public/cover.jpg", method="OPTIONS", headers=preflight)
    assert status == 403 and b"CORS is not enabled for this bucket" in body
    assert headers["access-control-allow-origin"] == PLAYER

    edge.s3.put_bucket_cors(
        Bucket=BUCKET,
        CORSConfiguration={"CORSRules": [{"AllowedOrigins": [PLAYER], "AllowedMethods": ["GET", "HEAD"]}]},
    )
    status, headers, _ = edge.request("/public/cover.jpg", method="OPTIONS", headers=preflight)
    assert status == 200
    assert headers["access-control-allow-origin"] == PLAYER
    assert headers["access-control-allow-methods"] == "GET, HEAD, OPTIONS"
    assert headers["access-control-max-age"] == "600"
