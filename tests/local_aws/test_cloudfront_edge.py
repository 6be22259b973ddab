"""The local CloudFront edge (``dev/local-aws/local_aws/cloudfront_edge.py``) against the CloudFront Developer Guide.

End-to-end tests build a distribution with boto3 against the real HTTPS server and request it as a
viewer: ``https://127.0.0.1:PORT/<path>`` with ``Host: <distribution domain name>``. Signed URLs and
cookies are made with botocore's ``CloudFrontSigner``, an implementation independent of the edge.
In-process tests drive the extension with werkzeug's test client and injected distributions and origins.
"""

from __future__ import annotations

import base64
import datetime
import http.client
import json
import urllib.parse
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.test import Client

from local_aws import LocalAWS
from local_aws import s3_policy
from local_aws.cloudfront import CloudFrontStore
from local_aws.cloudfront import KeyGroup
from local_aws.cloudfront import PublicKey
from local_aws.cloudfront_edge import CloudFrontEdgeExtension
from local_aws.cloudfront_edge import EdgeDistribution
from local_aws.cloudfront_edge import OriginResponse
from local_aws.cloudfront_edge import canned_policy
from local_aws.cloudfront_edge import check_signed_request
from local_aws.cloudfront_edge import path_pattern_matches
from local_aws.cloudfront_edge import s3_error
from local_aws.tls import client_context
from tests.local_aws.certificates import import_certificate
from tests.local_aws.certificates import viewer_certificate
from tests.local_aws.policies import deny_insecure_transport

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
REGION = "eu-west-1"
BUCKET = "storytime-edge-media"
PLAYLIST = b"#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:6.0,\nseg0.ts\n#EXT-X-ENDLIST\n"
SEGMENT = bytes(range(256)) * 8
COVER = b"\xff\xd8\xff\xe0 a cover"
MISSING_KEY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>MissingKey</Code>'
    b"<Message>Missing Key-Pair-Id query parameter or cookie value</Message></Error>"
)
ACCESS_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>'
)
IN_AN_HOUR = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)


# --------------------------------------------------------------------------------------------------
# signing (botocore's CloudFrontSigner with cryptography keys)
# --------------------------------------------------------------------------------------------------


@cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """An RSA key pair per name, generated once per session."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(name: str) -> str:
    """The PEM public key of :func:`rsa_key` ``name``."""
    key = rsa_key(name).public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def signer(key_id: str, key_name: str) -> CloudFrontSigner:
    """A CloudFrontSigner signing with RSA PKCS#1 v1.5 / SHA-1, as CloudFront requires."""
    key = rsa_key(key_name)
    return CloudFrontSigner(key_id, lambda message: key.sign(message, padding.PKCS1v15(), hashes.SHA1()))


def signed_query(url: str) -> dict[str, str]:
    """The signing parameters of a signed URL."""
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def custom_cookies(
    cf_signer: CloudFrontSigner,
    resource: str,
    date_less_than: datetime.datetime = IN_AN_HOUR,
    date_greater_than: datetime.datetime | None = None,
    ip_address: str | None = None,
) -> str:
    """A ``Cookie`` header with the three custom-policy signed cookies for ``resource``."""
    policy = cf_signer.build_policy(
        resource, date_less_than=date_less_than, date_greater_than=date_greater_than, ip_address=ip_address
    )
    query = signed_query(cf_signer.generate_presigned_url(resource, policy=policy))
    return (
        f"CloudFront-Policy={query['Policy']}; CloudFront-Signature={query['Signature']}; "
        f"CloudFront-Key-Pair-Id={query['Key-Pair-Id']}"
    )


# --------------------------------------------------------------------------------------------------
# the distribution
# --------------------------------------------------------------------------------------------------


def behaviour(key_group_ids: list[str] | None = None, path: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A cache behaviour on the S3 origin (an ordered one if ``path`` is given)."""
    groups = key_group_ids or []
    result: dict[str, Any] = {
        "TargetOriginId": "media",
        "ViewerProtocolPolicy": "redirect-to-https",
        "TrustedKeyGroups": {"Enabled": bool(groups), "Quantity": len(groups), "Items": groups},
        "AllowedMethods": {
            "Quantity": 2,
            "Items": ["GET", "HEAD"],
            "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
        },
        "Compress": True,
        "CachePolicyId": CACHING_OPTIMIZED,
    }
    if path is not None:
        result["PathPattern"] = path
    result.update(overrides)
    return result


def distribution_config(
    ref: str,
    oac_id: str,
    default: dict[str, Any],
    ordered: list[dict[str, Any]],
    aliases: list[str] | None = None,
    certificate_arn: str | None = None,
) -> dict[str, Any]:
    """A distribution with one S3 origin (``OriginPath`` ``/hls``) reached through an OAC.

    Aliases need a certificate that covers them (``certificate_arn``, an ACM certificate in us-east-1).
    """
    aliases = aliases or []
    return {
        "ViewerCertificate": viewer_certificate(certificate_arn),
        "CallerReference": ref,
        "Aliases": {"Quantity": len(aliases), "Items": aliases},
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "media",
                    "DomainName": f"{BUCKET}.s3.{REGION}.amazonaws.com",
                    "OriginPath": "/hls",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                    "OriginAccessControlId": oac_id,
                }
            ],
        },
        "DefaultCacheBehavior": default,
        "CacheBehaviors": {"Quantity": len(ordered), "Items": ordered},
        "Comment": "edge test",
        "Enabled": True,
    }


def bucket_policy(*distribution_arns: str, list_bucket: bool = False) -> str:
    """The collection's policy shape: TLS only, and CloudFront reads for the given distributions."""
    actions = ["s3:GetObject", "s3:ListBucket"] if list_bucket else "s3:GetObject"
    resources = [f"arn:aws:s3:::{BUCKET}/*", f"arn:aws:s3:::{BUCKET}"] if list_bucket else f"arn:aws:s3:::{BUCKET}/*"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                deny_insecure_transport(BUCKET),
                {
                    "Sid": "AllowCloudFrontServicePrincipalReadOnly",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": actions,
                    "Resource": resources,
                    "Condition": {"StringEquals": {"AWS:SourceArn": list(distribution_arns)}},
                },
            ],
        }
    )


@dataclass
class Edge:
    """A deployed distribution and what the tests need to talk to it."""

    aws: LocalAWS
    cf: Any
    s3: Any
    domain: str
    arn: str
    oac_id: str
    key_group_id: str
    key_id: str
    other_key_id: str

    def request(
        self, path: str, *, method: str = "GET", host: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send a viewer request through the HTTPS server; return status, headers (lower-cased), body."""
        endpoint = urllib.parse.urlsplit(self.aws.endpoint_url)
        connection = http.client.HTTPSConnection(
            endpoint.hostname, endpoint.port, context=client_context(self.aws.ca_file), timeout=30
        )
        try:
            connection.request(method, path, headers={"Host": host or self.domain, **(headers or {})})
            response = connection.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            connection.close()

    def signer(self, trusted: bool = True) -> CloudFrontSigner:
        """A signer with the key in the trusted key group, or with the registered key outside it."""
        return signer(self.key_id, "trusted") if trusted else signer(self.other_key_id, "other")

    def url(self, path: str) -> str:
        """The viewer URL of ``path`` (what a policy's ``Resource`` names)."""
        return f"https://{self.domain}{path}"

    def create_distribution(self, ref: str, default: dict[str, Any], ordered: list[dict[str, Any]]) -> Any:
        """Create another distribution on the same origin; return its ``Distribution``."""
        config = distribution_config(ref, self.oac_id, default, ordered)
        return self.cf.create_distribution(DistributionConfig=config)["Distribution"]


@pytest.fixture
def edge(aws: LocalAWS) -> Edge:
    """A bucket of HLS files behind a distribution: ``/books/*`` signed, everything else public."""
    cf = aws.client("cloudfront")
    s3 = aws.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(
        Bucket=BUCKET, Key="hls/books/1/index.m3u8", Body=PLAYLIST, ContentType="application/vnd.apple.mpegurl"
    )
    s3.put_object(Bucket=BUCKET, Key="hls/books/1/seg0.ts", Body=SEGMENT, ContentType="video/MP2T")
    s3.put_object(Bucket=BUCKET, Key="hls/books/2/index.m3u8", Body=b"#EXTM3U\n", ContentType="application/x-mpegURL")
    s3.put_object(Bucket=BUCKET, Key="hls/public/cover.jpg", Body=COVER, ContentType="image/jpeg")

    key_id = cf.create_public_key(
        PublicKeyConfig={"CallerReference": "trusted", "Name": "trusted", "EncodedKey": public_pem("trusted")}
    )["PublicKey"]["Id"]
    other_key_id = cf.create_public_key(
        PublicKeyConfig={"CallerReference": "other", "Name": "other", "EncodedKey": public_pem("other")}
    )["PublicKey"]["Id"]
    group_id = cf.create_key_group(KeyGroupConfig={"Name": "readers", "Items": [key_id]})["KeyGroup"]["Id"]
    oac_id = cf.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": "media-oac",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]["Id"]
    config = distribution_config(
        "edge-1",
        oac_id,
        behaviour(),
        [behaviour([group_id], "books/*")],
        aliases=["videos.example.com"],
        certificate_arn=import_certificate(aws, ("videos.example.com",)),
    )
    dist = cf.create_distribution(DistributionConfig=config)["Distribution"]
    s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(dist["ARN"]))
    return Edge(aws, cf, s3, dist["DomainName"], dist["ARN"], oac_id, group_id, key_id, other_key_id)


# --------------------------------------------------------------------------------------------------
# end to end: signed cookies
# --------------------------------------------------------------------------------------------------


def test_valid_signed_cookies_serve_the_object_with_its_content_type(edge: Edge) -> None:
    cookie = custom_cookies(edge.signer(), edge.url("/books/1/*"))
    status, headers, body = edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})
    assert (status, body) == (200, PLAYLIST)
    assert headers["content-type"] == "application/vnd.apple.mpegurl"
    assert headers["content-length"] == str(len(PLAYLIST))
    assert headers["etag"].startswith('"') and headers["last-modified"].endswith("GMT")
    assert headers["x-cache"] == "Miss from cloudfront"
    assert headers["via"].startswith("1.1 ") and headers["via"].endswith(".cloudfront.net (CloudFront)")
    assert len(headers["x-amz-cf-id"]) == 56

    status, headers, body = edge.request("/books/1/seg0.ts", headers={"Cookie": cookie})
    assert (status, headers["content-type"], body) == (200, "video/MP2T", SEGMENT)


def test_the_host_header_is_case_insensitive_and_may_carry_a_port(edge: Edge) -> None:
    status, _, body = edge.request("/public/cover.jpg", host=edge.domain.upper() + ":443")
    assert (status, body) == (200, COVER)


def test_without_cookies_the_signed_behaviour_answers_missing_key(edge: Edge) -> None:
    status, headers, body = edge.request("/books/1/index.m3u8")
    assert (status, body) == (403, MISSING_KEY)
    assert headers["x-cache"] == "Error from cloudfront"
    # Cookies that name no key pair are missing the key too.
    query = signed_query(edge.signer().generate_presigned_url(edge.url("/books/1/*"), date_less_than=IN_AN_HOUR))
    status, _, body = edge.request(
        "/books/1/index.m3u8", headers={"Cookie": f"CloudFront-Signature={query['Signature']}"}
    )
    assert (status, body) == (403, MISSING_KEY)


def test_expired_cookies_are_denied(edge: Edge) -> None:
    expired = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=5)
    cookie = custom_cookies(edge.signer(), edge.url("/books/1/*"), date_less_than=expired)
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})[::2] == (403, ACCESS_DENIED)


def test_cookies_not_yet_valid_are_denied(edge: Edge) -> None:
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=10)
    cookie = custom_cookies(edge.signer(), edge.url("/books/1/*"), date_greater_than=later)
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})[::2] == (403, ACCESS_DENIED)
    earlier = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10)
    cookie = custom_cookies(edge.signer(), edge.url("/books/1/*"), date_greater_than=earlier)
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})[0] == 200


def test_cookies_for_another_book_are_denied(edge: Edge) -> None:
    cookie = custom_cookies(edge.signer(), edge.url("/books/2/*"))
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})[::2] == (403, ACCESS_DENIED)
    assert edge.request("/books/2/index.m3u8", headers={"Cookie": cookie})[0] == 200


def test_a_key_outside_the_trusted_key_group_is_an_unknown_key(edge: Edge) -> None:
    cookie = custom_cookies(edge.signer(trusted=False), edge.url("/books/1/*"))
    status, _, body = edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})
    assert status == 403
    assert b"<Code>InvalidKey</Code><Message>Unknown Key</Message>" in body
    # The trusted key pair id with the other key's signature: the signature does not verify.
    forged = cookie.replace(edge.other_key_id, edge.key_id)
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": forged})[::2] == (403, ACCESS_DENIED)


def test_a_tampered_policy_is_denied(edge: Edge) -> None:
    cookie = custom_cookies(edge.signer(), edge.url("/books/2/*"))
    cookies = dict(part.split("=", 1) for part in cookie.split("; "))
    policy = cookies["CloudFront-Policy"].replace("-", "+").replace("_", "=").replace("~", "/")
    widened = base64.b64decode(policy).replace(b"/books/2/*", b"/books/*")
    cookies["CloudFront-Policy"] = base64.b64encode(widened).decode().replace("+", "-").replace("=", "_")
    cookies["CloudFront-Policy"] = cookies["CloudFront-Policy"].replace("/", "~")
    tampered = "; ".join(f"{name}={value}" for name, value in cookies.items())
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": tampered})[::2] == (403, ACCESS_DENIED)


def test_canned_policy_cookies(edge: Edge) -> None:
    url = edge.url("/books/1/index.m3u8")
    query = signed_query(edge.signer().generate_presigned_url(url, date_less_than=IN_AN_HOUR))
    cookie = (
        f"CloudFront-Expires={query['Expires']}; CloudFront-Signature={query['Signature']}; "
        f"CloudFront-Key-Pair-Id={query['Key-Pair-Id']}"
    )
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})[::2] == (200, PLAYLIST)
    # A canned policy names one URL: the segment next to it is not covered.
    assert edge.request("/books/1/seg0.ts", headers={"Cookie": cookie})[::2] == (403, ACCESS_DENIED)


def test_ip_address_condition(edge: Edge) -> None:
    loopback = custom_cookies(edge.signer(), edge.url("/books/1/*"), ip_address="127.0.0.1")
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": loopback})[0] == 200
    elsewhere = custom_cookies(edge.signer(), edge.url("/books/1/*"), ip_address="192.0.2.0/24")
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": elsewhere})[::2] == (403, ACCESS_DENIED)


# --------------------------------------------------------------------------------------------------
# end to end: signed URLs
# --------------------------------------------------------------------------------------------------


def test_signed_urls_canned_and_custom(edge: Edge) -> None:
    canned = edge.signer().generate_presigned_url(edge.url("/books/1/index.m3u8?v=2"), date_less_than=IN_AN_HOUR)
    target = urllib.parse.urlsplit(canned)
    assert edge.request(f"{target.path}?{target.query}")[::2] == (200, PLAYLIST)
    # The signature covers the query string: another value is another URL.
    assert edge.request(f"{target.path}?{target.query.replace('v=2', 'v=3')}")[::2] == (403, ACCESS_DENIED)

    resource = edge.url("/books/1/*")
    policy = edge.signer().build_policy(resource, date_less_than=IN_AN_HOUR)
    custom = urllib.parse.urlsplit(edge.signer().generate_presigned_url(edge.url("/books/1/seg0.ts"), policy=policy))
    assert edge.request(f"{custom.path}?{custom.query}")[::2] == (200, SEGMENT)
    # A signed URL takes precedence over cookies: bad URL parameters are not rescued by good cookies.
    cookie = custom_cookies(edge.signer(), resource)
    bad = custom.query.replace("Key-Pair-Id=", "Key-Pair-Id=X")
    assert edge.request(f"{custom.path}?{bad}", headers={"Cookie": cookie})[0] == 403


# --------------------------------------------------------------------------------------------------
# end to end: behaviours, origin access, responses
# --------------------------------------------------------------------------------------------------


def test_the_default_behaviour_needs_no_signature(edge: Edge) -> None:
    status, headers, body = edge.request("/public/cover.jpg")
    assert (status, headers["content-type"], body) == (200, "image/jpeg", COVER)
    # The alias addresses the same distribution.
    assert edge.request("/public/cover.jpg", host="videos.example.com")[::2] == (200, COVER)


def test_unknown_and_disabled_distributions_answer_403(edge: Edge) -> None:
    status, headers, body = edge.request("/public/cover.jpg", host="d0000000000000.cloudfront.net")
    assert status == 403 and b"<Code>BadRequest</Code>" in body
    assert headers["x-cache"] == "Error from cloudfront"

    dist_id = edge.cf.list_distributions()["DistributionList"]["Items"][0]["Id"]
    current = edge.cf.get_distribution_config(Id=dist_id)
    config = {**current["DistributionConfig"], "Enabled": False}
    edge.cf.update_distribution(Id=dist_id, IfMatch=current["ETag"], DistributionConfig=config)
    assert edge.request("/public/cover.jpg")[0] == 403


def test_a_bucket_policy_for_another_distribution_denies_even_valid_cookies(edge: Edge) -> None:
    other_arn = edge.arn.rsplit("/", 1)[0] + "/EOTHERDIST0000"
    edge.s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(other_arn))
    cookie = custom_cookies(edge.signer(), edge.url("/books/1/*"))
    status, headers, body = edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})
    assert status == 403
    assert b"<Code>AccessDenied</Code><Message>Access Denied</Message>" in body  # S3's error, passed through
    assert headers["server"] == "AmazonS3"
    assert edge.request("/public/cover.jpg")[0] == 403


def test_a_missing_object_is_403_without_list_bucket_and_404_with_it(edge: Edge) -> None:
    status, _, body = edge.request("/public/missing.jpg")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body
    edge.s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(edge.arn, list_bucket=True))
    status, _, body = edge.request("/public/missing.jpg")
    assert status == 404 and b"<Code>NoSuchKey</Code>" in body


def test_head_answers_the_headers_only(edge: Edge) -> None:
    cookie = custom_cookies(edge.signer(), edge.url("/books/1/*"))
    status, headers, body = edge.request("/books/1/seg0.ts", method="HEAD", headers={"Cookie": cookie})
    assert (status, body) == (200, b"")
    assert (headers["content-length"], headers["content-type"]) == (str(len(SEGMENT)), "video/MP2T")


def test_range_requests(edge: Edge) -> None:
    cookie = {"Cookie": custom_cookies(edge.signer(), edge.url("/books/1/*"))}
    size = len(SEGMENT)
    status, headers, body = edge.request("/books/1/seg0.ts", headers={**cookie, "Range": "bytes=0-"})
    assert (status, headers["content-range"], body) == (206, f"bytes 0-{size - 1}/{size}", SEGMENT)
    status, headers, body = edge.request("/books/1/seg0.ts", headers={**cookie, "Range": "bytes=10-19"})
    assert (status, headers["content-range"], headers["content-length"], body) == (
        206,
        f"bytes 10-19/{size}",
        "10",
        SEGMENT[10:20],
    )
    status, headers, body = edge.request("/books/1/seg0.ts", headers={**cookie, "Range": "bytes=-4"})
    assert (status, body) == (206, SEGMENT[-4:])
    status, headers, body = edge.request("/books/1/seg0.ts", headers={**cookie, "Range": f"bytes={size}-"})
    assert (status, headers["content-range"]) == (416, f"bytes */{size}")
    assert b"<Code>InvalidRange</Code>" in body


def test_conditional_requests(edge: Edge) -> None:
    _, headers, _ = edge.request("/public/cover.jpg")
    status, _, body = edge.request("/public/cover.jpg", headers={"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    assert edge.request("/public/cover.jpg", headers={"If-Match": '"other"'})[0] == 412


def test_the_first_matching_ordered_behaviour_wins(edge: Edge) -> None:
    public_first = [behaviour(path="/books/1/*"), behaviour([edge.key_group_id], "books/*")]
    signed_first = [behaviour([edge.key_group_id], "books/*"), behaviour(path="/books/1/*")]
    first = edge.create_distribution("order-1", behaviour(), public_first)
    second = edge.create_distribution("order-2", behaviour(), signed_first)
    edge.s3.put_bucket_policy(Bucket=BUCKET, Policy=bucket_policy(edge.arn, first["ARN"], second["ARN"]))

    assert edge.request("/books/1/index.m3u8", host=first["DomainName"])[::2] == (200, PLAYLIST)
    assert edge.request("/books/2/index.m3u8", host=first["DomainName"])[::2] == (403, MISSING_KEY)
    assert edge.request("/books/1/index.m3u8", host=second["DomainName"])[::2] == (403, MISSING_KEY)
    # Path patterns are case-sensitive: /BOOKS/... falls through to the (public) default behaviour.
    status, _, body = edge.request("/BOOKS/1/index.m3u8", host=second["DomainName"])
    assert status == 403 and b"<Code>AccessDenied</Code><Message>Access Denied</Message>" in body  # S3: no such key


def test_api_requests_are_not_claimed_by_the_edge(edge: Edge) -> None:
    # boto3 keeps working next to the edge (Host 127.0.0.1:PORT), for S3 and CloudFront alike.
    assert edge.s3.get_object(Bucket=BUCKET, Key="hls/public/cover.jpg")["Body"].read() == COVER
    assert edge.cf.list_distributions()["DistributionList"]["Quantity"] == 1


# --------------------------------------------------------------------------------------------------
# in process: protocol policy, methods, matching, origins
# --------------------------------------------------------------------------------------------------

DOMAIN = "d111111abcdef8.cloudfront.net"
ARN = "arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE"


def make_config(default: dict[str, Any], ordered: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """A distribution config as the API returns it (what the edge reads)."""
    ordered = ordered or []
    config = distribution_config("unit", "oac-1", default, ordered, aliases=["videos.example.com", "*.example.org"])
    config.update(extra)
    return config


@dataclass
class FakeOrigin:
    """An S3 reader serving fixed objects and recording what it was asked."""

    objects: dict[tuple[str, str], bytes]
    calls: list[tuple[str, str, s3_policy.RequestContext]]

    def __call__(self, bucket: str, key: str, context: s3_policy.RequestContext) -> OriginResponse:
        self.calls.append((bucket, key, context))
        if (bucket, key) not in self.objects:
            return s3_error(403, "AccessDenied", "Access Denied")
        headers = [("Content-Type", "text/plain"), ("ETag", '"abc"')]
        return OriginResponse(200, headers, self.objects[bucket, key], etag='"abc"')


def make_edge(
    config: dict[str, Any], objects: dict[tuple[str, str], bytes] | None = None, store: CloudFrontStore | None = None
) -> tuple[CloudFrontEdgeExtension, FakeOrigin]:
    """An edge serving one distribution from a fake origin."""
    dist = EdgeDistribution("EDFDVBD6EXAMPLE", ARN, DOMAIN, "123456789012", "aws", config)
    origin = FakeOrigin(objects if objects is not None else {(BUCKET, "hls/a.txt"): b"hello"}, [])
    return CloudFrontEdgeExtension(store, distributions=lambda: [dist], s3_reader=origin), origin


@pytest.mark.parametrize(
    ("policy", "method", "status", "location"),
    [
        ("allow-all", "GET", 200, None),
        ("redirect-to-https", "GET", 301, f"https://{DOMAIN}/a.txt?x=1&y=%20"),
        ("redirect-to-https", "HEAD", 301, f"https://{DOMAIN}/a.txt?x=1&y=%20"),
        ("https-only", "GET", 403, None),
    ],
)
def test_viewer_protocol_policy_for_http(policy: str, method: str, status: int, location: str | None) -> None:
    edge, _ = make_edge(make_config(behaviour(ViewerProtocolPolicy=policy)))
    response = Client(edge).open("/a.txt?x=1&y=%20", method=method, base_url=f"http://{DOMAIN}")
    assert response.status_code == status
    assert response.headers.get("Location") == location
    https = Client(edge).open("/a.txt", method=method, base_url=f"https://{DOMAIN}")
    assert https.status_code == 200


@pytest.mark.parametrize(
    ("allowed", "method", "code"),
    [
        (["GET", "HEAD"], "POST", "MethodNotAllowed"),
        (["GET", "HEAD"], "OPTIONS", "MethodNotAllowed"),
        (["GET", "HEAD", "OPTIONS"], "OPTIONS", "NotImplemented"),
        (["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"], "DELETE", "NotImplemented"),
    ],
)
def test_allowed_methods(allowed: list[str], method: str, code: str) -> None:
    methods = {"Quantity": len(allowed), "Items": allowed}
    edge, origin = make_edge(make_config(behaviour(AllowedMethods=methods)))
    response = Client(edge).open("/a.txt", method=method, base_url=f"https://{DOMAIN}")
    assert response.status_code == 403
    assert f"<Code>{code}</Code>".encode() in response.data
    assert origin.calls == []


@pytest.mark.parametrize(
    ("host", "claimed"),
    [
        (DOMAIN, True),
        ("D0000000000000.CloudFront.net:443", True),  # unknown distributions still answer 403 here
        ("videos.example.com", True),
        ("cdn.example.org", True),  # wildcard alias
        ("example.org", False),
        ("other.example.com", False),
        ("127.0.0.1:4566", False),
        ("localhost:4566", False),
        (f"{BUCKET}.s3.{REGION}.amazonaws.com", False),
        (f"{BUCKET}.s3.amazonaws.com", False),
        ("bucket.localhost", False),
        ("cloudfront.amazonaws.com", False),
        ("", False),
    ],
)
def test_matches_claims_only_edge_hosts(host: str, claimed: bool) -> None:
    edge, _ = make_edge(make_config(behaviour()))
    assert edge.matches({"HTTP_HOST": host, "PATH_INFO": "/x"}) is claimed


@pytest.mark.parametrize(
    ("pattern", "path", "matched"),
    [
        ("books/*", "/books/1/index.m3u8", True),
        ("/books/*", "/books/1/index.m3u8", True),
        ("books/*", "/Books/1/index.m3u8", False),
        ("*.m3u8", "/books/1/index.m3u8", True),
        ("/books/?/index.m3u8", "/books/1/index.m3u8", True),
        ("/books/?/index.m3u8", "/books/12/index.m3u8", False),
        ("/books/1/index.m3u8", "/books/1/index.m3u8x", False),
        ("*", "/anything", True),
    ],
)
def test_path_patterns(pattern: str, path: str, matched: bool) -> None:
    assert path_pattern_matches(pattern, path) is matched


def test_the_query_string_is_not_part_of_path_matching() -> None:
    config = make_config(behaviour(), [behaviour(["kg"], "*.txt")])
    edge, _ = make_edge(config)
    response = Client(edge).get("/a.txt?x=.m3u8", base_url=f"https://{DOMAIN}")
    assert response.status_code == 403 and b"MissingKey" in response.data


def test_the_origin_is_read_as_cloudfront_with_oac() -> None:
    edge, origin = make_edge(make_config(behaviour()))
    response = Client(edge).get("/a.txt", base_url=f"https://{DOMAIN}")
    assert (response.status_code, response.data) == (200, b"hello")
    bucket, key, context = origin.calls[0]
    assert (bucket, key) == (BUCKET, "hls/a.txt")
    assert context.caller.service == "cloudfront.amazonaws.com"
    assert context.values == {
        "aws:SecureTransport": "true",
        "aws:SourceArn": ARN,
        "aws:SourceAccount": "123456789012",
    }


def test_without_oac_the_origin_is_read_anonymously() -> None:
    config = make_config(behaviour())
    config["Origins"]["Items"][0]["OriginAccessControlId"] = ""
    edge, origin = make_edge(config)
    Client(edge).get("/a.txt", base_url=f"https://{DOMAIN}")
    caller = origin.calls[0][2].caller
    assert (caller.service, caller.account_id) == (None, "anonymous")


def test_custom_origins_are_not_emulated() -> None:
    config = make_config(behaviour())
    config["Origins"]["Items"][0]["DomainName"] = f"{BUCKET}.s3-website-{REGION}.amazonaws.com"
    edge, origin = make_edge(config)
    response = Client(edge).get("/a.txt", base_url=f"https://{DOMAIN}")
    assert response.status_code == 502 and b"S3 origins only" in response.data
    assert origin.calls == []


def test_origin_groups_fail_over_on_their_status_codes() -> None:
    config = make_config(behaviour(TargetOriginId="group"))
    primary = config["Origins"]["Items"][0]
    secondary = {**primary, "Id": "backup", "DomainName": f"backup.s3.{REGION}.amazonaws.com"}
    config["Origins"] = {"Quantity": 2, "Items": [primary, secondary]}
    config["OriginGroups"] = {
        "Quantity": 1,
        "Items": [
            {
                "Id": "group",
                "FailoverCriteria": {"StatusCodes": {"Quantity": 2, "Items": [403, 404]}},
                "Members": {"Quantity": 2, "Items": [{"OriginId": "media"}, {"OriginId": "backup"}]},
            }
        ],
    }
    edge, origin = make_edge(config, {("backup", "hls/a.txt"): b"from backup"})
    response = Client(edge).get("/a.txt", base_url=f"https://{DOMAIN}")
    assert (response.status_code, response.data) == (200, b"from backup")
    assert [call[0] for call in origin.calls] == [BUCKET, "backup"]


def test_signed_requests_in_process_with_a_store() -> None:
    store = CloudFrontStore()
    now = datetime.datetime.now(datetime.UTC)
    state = store.account("123456789012", "aws")
    state.public_keys["K1"] = PublicKey("K1", {"EncodedKey": public_pem("trusted")}, "E1", now)
    state.key_groups["kg"] = KeyGroup("kg", {"Name": "g", "Items": ["K1"]}, "E2", now)
    edge, _ = make_edge(make_config(behaviour(), [behaviour(["kg"], "*")]), store=store)
    url = signer("K1", "trusted").generate_presigned_url(f"https://{DOMAIN}/a.txt", date_less_than=IN_AN_HOUR)
    target = urllib.parse.urlsplit(url)
    response = Client(edge).get(f"{target.path}?{target.query}", base_url=f"https://{DOMAIN}")
    assert (response.status_code, response.data) == (200, b"hello")
    # Over plain HTTP the behaviour's redirect-to-https answers before any signature check.
    response = Client(edge).get(f"{target.path}?{target.query}", base_url=f"http://{DOMAIN}")
    assert response.status_code == 301


def test_canned_policy_layout_matches_botocore() -> None:
    url = f"https://{DOMAIN}/a.txt"
    expected = signer("K1", "trusted").build_policy(url, date_less_than=IN_AN_HOUR).encode()
    assert canned_policy(url, int(IN_AN_HOUR.timestamp())) == expected


def test_check_signed_request_expiry_uses_the_clock() -> None:
    from local_aws.cloudfront_edge import SignatureError  # noqa: PLC0415
    from local_aws.cloudfront_edge import _Viewer  # noqa: PLC0415

    url = signer("K1", "trusted").generate_presigned_url(f"https://{DOMAIN}/a.txt", date_less_than=IN_AN_HOUR)
    target = urllib.parse.urlsplit(url)
    environ = {
        "HTTP_HOST": DOMAIN,
        "RAW_URI": f"{target.path}?{target.query}",
        "QUERY_STRING": target.query,
        "wsgi.url_scheme": "https",
        "REMOTE_ADDR": "127.0.0.1",
    }
    viewer = _Viewer.from_environ(environ)
    keys = {"K1": public_pem("trusted")}
    check_signed_request(viewer, keys, now=IN_AN_HOUR.timestamp() - 1)
    with pytest.raises(SignatureError) as raised:
        check_signed_request(viewer, keys, now=IN_AN_HOUR.timestamp() + 1)
    assert raised.value.code == "AccessDenied"


# --------------------------------------------------------------------------------------------------
# strict parsing of signed cookies and signed URLs
# --------------------------------------------------------------------------------------------------

COOKIE_CUSTOM_POLICY_DOC = (
    "CloudFront Developer Guide, 'Set signed cookies using a custom policy' "
    "(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
    "private-content-setting-signed-cookie-custom-policy.html)"
)
URL_CUSTOM_POLICY_DOC = (
    "CloudFront Developer Guide, 'Create a signed URL using a custom policy' "
    "(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
    "private-content-creating-signed-url-custom-policy.html)"
)
URL_CANNED_POLICY_DOC = (
    "CloudFront Developer Guide, 'Create a signed URL using a canned policy' "
    "(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
    "private-content-creating-signed-url-canned-policy.html)"
)
STRICT_URL = f"https://{DOMAIN}/books/1/index.m3u8"
STRICT_KEYS = {"K1": public_pem("trusted")}
IN_AN_HOUR_EPOCH = int(IN_AN_HOUR.timestamp())


def cf_b64(data: bytes) -> str:
    """CloudFront-safe base64, as the guide writes it."""
    return base64.b64encode(data).decode().replace("+", "-").replace("=", "_").replace("/", "~")


def rsa_sign(data: bytes, key_name: str = "trusted") -> bytes:
    """RSA PKCS#1 v1.5 / SHA-1 over ``data``."""
    return rsa_key(key_name).sign(data, padding.PKCS1v15(), hashes.SHA1())


def compact(document: Any) -> bytes:
    """JSON without whitespace, as the guide requires of a policy."""
    return json.dumps(document, separators=(",", ":")).encode()


def good_statement(**condition: Any) -> dict[str, Any]:
    """A custom-policy statement for ``STRICT_URL``'s directory valid for an hour (``condition`` overrides)."""
    return {
        "Resource": f"https://{DOMAIN}/books/1/*",
        "Condition": {"DateLessThan": {"AWS:EpochTime": IN_AN_HOUR_EPOCH}, **condition},
    }


def viewer_for(url: str = STRICT_URL, cookie: str = "", remote_addr: str = "127.0.0.1") -> Any:
    """The edge's parsed viewer request for ``url`` with the ``Cookie`` header ``cookie``."""
    from local_aws.cloudfront_edge import _Viewer  # noqa: PLC0415

    target = urllib.parse.urlsplit(url)
    environ = {
        "HTTP_HOST": target.netloc,
        "RAW_URI": target.path + (f"?{target.query}" if target.query else ""),
        "QUERY_STRING": target.query,
        "wsgi.url_scheme": target.scheme,
        "REMOTE_ADDR": remote_addr,
        "HTTP_COOKIE": cookie,
    }
    return _Viewer.from_environ(environ)


def cookie_outcome(policy_value: str, signature_value: str | None = None, extra: str = "") -> str:
    """The error code :func:`check_signed_request` raises for these cookies, ``"OK"`` if none."""
    from local_aws.cloudfront_edge import SignatureError  # noqa: PLC0415

    if signature_value is None:
        signature_value = cf_b64(rsa_sign(policy_value.encode()))
    cookie = f"CloudFront-Policy={policy_value}; CloudFront-Signature={signature_value}; CloudFront-Key-Pair-Id=K1"
    try:
        check_signed_request(viewer_for(cookie=cookie + extra), STRICT_KEYS)
    except SignatureError as exc:
        return exc.code
    return "OK"


def signed_policy_outcome(policy: bytes) -> str:
    """The outcome for cookies carrying ``policy`` (CloudFront-safe base64) correctly signed."""
    from local_aws.cloudfront_edge import SignatureError  # noqa: PLC0415

    cookie = (
        f"CloudFront-Policy={cf_b64(policy)}; CloudFront-Signature={cf_b64(rsa_sign(policy))}; "
        "CloudFront-Key-Pair-Id=K1"
    )
    try:
        check_signed_request(viewer_for(cookie=cookie), STRICT_KEYS)
    except SignatureError as exc:
        return exc.code
    return "OK"


def test_a_compact_policy_in_cloudfront_safe_base64_is_accepted() -> None:
    """The documented form is accepted: compact JSON, CloudFront-safe base64, three cookies.

    Doc: CloudFront Developer Guide, 'Set signed cookies using a custom policy'
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html):
    "Remove all whitespace ... Base64-encode the policy statement ... Replace characters that are invalid
    in a URL query string" (``+`` -> ``-``, ``=`` -> ``_``, ``/`` -> ``~``).
    """
    assert signed_policy_outcome(compact({"Statement": [good_statement()]})) == "OK"
    # The conditions may come in any order ("The order of the parameters in the Condition section doesn't matter").
    reordered = {
        "Statement": [
            {
                "Condition": {
                    "IpAddress": {"AWS:SourceIp": "127.0.0.0/8"},
                    "DateGreaterThan": {"AWS:EpochTime": 1},
                    "DateLessThan": {"AWS:EpochTime": IN_AN_HOUR_EPOCH},
                },
                "Resource": f"https://{DOMAIN}/books/1/*",
            }
        ]
    }
    assert signed_policy_outcome(compact(reordered)) == "OK"
    # Resource is optional: without it the policy covers every URL of the key's distributions.
    assert signed_policy_outcome(compact({"Statement": [{"Condition": good_statement()["Condition"]}]})) == "OK"


def test_standard_base64_in_the_policy_or_signature_is_refused() -> None:
    """Standard base64 (``+`` ``=`` ``/``) is not CloudFront-safe base64: the policy is malformed.

    Doc: CloudFront Developer Guide, 'Set signed cookies using a custom policy' and 'Create a signature for
    a signed cookie that uses a custom policy'
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html):
    the characters ``+`` ``=`` ``/`` are "invalid" and must be replaced. The guide does not say what
    CloudFront answers; the local edge answers 403 ``MalformedPolicy`` for the policy (the code CloudFront
    is reported to send for a policy it cannot read) and 403 ``AccessDenied`` for the signature: the
    stricter choice, nothing is decoded leniently.
    """
    # A policy whose base64 has all three characters: "?>" encodes to "Pz4", "??" to "Pz8/".
    statement = good_statement()
    statement["Resource"] = f"https://{DOMAIN}/books/1/*?>>??"
    policy = compact({"Statement": [statement]})
    standard = base64.b64encode(policy).decode()
    assert set("+/=") & set(standard)
    assert cookie_outcome(standard, cf_b64(rsa_sign(policy))) == "MalformedPolicy"
    # Only the padding left as '=':
    padded = cf_b64(policy).replace("_", "=")
    if padded != cf_b64(policy):
        assert cookie_outcome(padded, cf_b64(rsa_sign(policy))) == "MalformedPolicy"
    # The CloudFront-safe encoding of the same bytes is fine (the Resource still matches nothing here).
    assert cookie_outcome(cf_b64(policy), cf_b64(rsa_sign(policy))) == "AccessDenied"
    good = compact({"Statement": [good_statement()]})
    signature = base64.b64encode(rsa_sign(good)).decode()
    assert cookie_outcome(cf_b64(good), signature) == ("OK" if signature == cf_b64(rsa_sign(good)) else "AccessDenied")


@pytest.mark.parametrize(
    "value",
    [
        "not!base64",  # characters outside the alphabet
        "eyJ",  # not a whole number of quanta, no padding
        "eyJTdGF0ZW1lbnQiOltdfQ",  # '{"Statement":[]}' without its '__' padding
        " " + cf_b64(b'{"Statement":[]}'),  # whitespace around the value (inside the cookie value)
        cf_b64(b"\xff\xfe not utf-8"),  # decodes to bytes that are not UTF-8
        cf_b64(b"not json"),
    ],
)
def test_a_policy_that_does_not_decode_is_malformed(value: str) -> None:
    """A ``CloudFront-Policy`` that is not CloudFront-safe base64 of UTF-8 JSON answers ``MalformedPolicy``.

    Doc: CloudFront Developer Guide, 'Set signed cookies using a custom policy'
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html):
    the value is the base64 (MIME, RFC 2045 section 6.8, padded) of the UTF-8 policy statement with the
    invalid characters replaced. The guide is silent on the answer; the stricter one is chosen: 403
    ``MalformedPolicy`` "Malformed Policy", and no lenient decoding (missing padding is refused).
    """
    if value.startswith(" "):
        # A cookie value cannot carry leading whitespace through the Cookie header; use a signed URL.
        from local_aws.cloudfront_edge import SignatureError  # noqa: PLC0415

        query = urllib.parse.urlencode({"Policy": value, "Signature": "AAAA", "Key-Pair-Id": "K1"})
        with pytest.raises(SignatureError) as raised:
            check_signed_request(viewer_for(f"{STRICT_URL}?{query}"), STRICT_KEYS)
        assert raised.value.code == "MalformedPolicy"
        return
    assert cookie_outcome(value, "AAAA") == "MalformedPolicy"


@pytest.mark.parametrize(
    "policy",
    [
        # whitespace the guide tells signers to remove
        json.dumps({"Statement": [good_statement()]}).encode(),  # ", " and ": " separators
        json.dumps({"Statement": [good_statement()]}, indent=3).encode(),  # the guide's own layout
        compact({"Statement": [good_statement()]}) + b"\n",  # a trailing newline
        compact({"Statement": [good_statement()]}).replace(b"{", b"{\t", 1),
    ],
)
def test_whitespace_in_the_policy_is_malformed(policy: bytes) -> None:
    """A policy with whitespace anywhere (spaces, tabs, newlines) answers ``MalformedPolicy``.

    Doc: CloudFront Developer Guide, 'Set signed cookies using a custom policy'
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html):
    "Remove all whitespace (including tabs and newline characters) from the policy statement", and the
    signature is made over "the version of the policy statement that no longer includes whitespace". The
    guide is silent on what CloudFront does with whitespace that is left (one sentence about copied
    examples even mentions a newline after the closing brace); the stricter answer is chosen: any
    whitespace, a trailing newline included, is refused even with a valid signature over those bytes.
    """
    assert signed_policy_outcome(policy) == "MalformedPolicy"


def _without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


_CONDITION = {"DateLessThan": {"AWS:EpochTime": IN_AN_HOUR_EPOCH}}


@pytest.mark.parametrize(
    ("document", "why"),
    [
        ({}, "no Statement"),
        ({"Statement": []}, "no statement"),
        ({"Statement": good_statement()}, "Statement not an array"),
        ({"Statement": [good_statement(), good_statement()]}, "two statements"),
        ({"Statement": [_without(good_statement(), "Condition")]}, "no Condition"),
        ({"Statement": [{"Resource": f"https://{DOMAIN}/*", "Condition": {}}]}, "no DateLessThan"),
        (
            {
                "Statement": [
                    {"Resource": f"https://{DOMAIN}/*", "Condition": {"DateGreaterThan": {"AWS:EpochTime": 1}}}
                ]
            },
            "only DateGreaterThan",
        ),
        ({"Statement": [good_statement()], "Version": "2012-10-17"}, "extra top-level member"),
        ({"Statement": [{**good_statement(), "Effect": "Allow"}]}, "extra statement member"),
        ({"Statement": [good_statement(StringLike={"AWS:Referer": "x"})]}, "extra condition"),
        (
            {"Statement": [{"Resource": f"https://{DOMAIN}/*", "Condition": {"DateLessThan": {"AWS:Epoch": 1}}}]},
            "abbreviated key",
        ),
        (
            {
                "Statement": [
                    {
                        "Resource": f"https://{DOMAIN}/*",
                        "Condition": {"DateLessThan": {"AWS:EpochTime": IN_AN_HOUR_EPOCH, "Extra": 1}},
                    }
                ]
            },
            "extra key in a condition",
        ),
        (
            {
                "Statement": [
                    {"Resource": f"https://{DOMAIN}/*", "Condition": {"DateLessThan": {"AWS:EpochTime": "1900000000"}}}
                ]
            },
            "quoted epoch time",
        ),
        (
            {
                "Statement": [
                    {"Resource": f"https://{DOMAIN}/*", "Condition": {"DateLessThan": {"AWS:EpochTime": 1.9e9}}}
                ]
            },
            "float epoch time",
        ),
        (
            {
                "Statement": [
                    {"Resource": f"https://{DOMAIN}/*", "Condition": {"DateLessThan": {"AWS:EpochTime": True}}}
                ]
            },
            "boolean epoch time",
        ),
        ({"Statement": [good_statement(DateGreaterThan={"AWS:EpochTime": "1"})]}, "quoted start time"),
        ({"Statement": [good_statement(IpAddress={"AWS:SourceIp": "127.0.0.1"})]}, "address without /32"),
        ({"Statement": [good_statement(IpAddress={"AWS:SourceIp": "::1/128"})]}, "IPv6"),
        ({"Statement": [good_statement(IpAddress={"AWS:SourceIp": ["127.0.0.1/32"]})]}, "list of addresses"),
        ({"Statement": [{**good_statement(), "Resource": [f"https://{DOMAIN}/*"]}]}, "list of resources"),
        ({"Statement": [{**good_statement(), "Resource": f"{DOMAIN}/*"}]}, "resource without protocol"),
        ({"Statement": [{**good_statement(), "Resource": 42}]}, "resource not a string"),
        ([good_statement()], "top level not an object"),
    ],
)
def test_a_policy_not_of_the_documented_form_is_malformed(document: Any, why: str) -> None:
    """Missing, extra, abbreviated or wrongly typed members of a (validly signed) policy: ``MalformedPolicy``.

    Doc: CloudFront Developer Guide, 'Set signed cookies using a custom policy', sections 'Create a policy
    statement for a signed cookie that uses a custom policy' and 'Values that you specify in the policy
    statement' (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html):
    "You can include only one statement"; "Include all punctuation and parameter names exactly as
    specified. Abbreviations for parameter names are not accepted"; ``DateLessThan`` is required, the
    others optional; epoch times: "Do not enclose the value in quotation marks"; "You can specify only one
    value for Resource", which "must begin with http:// or https://"; ``IpAddress``: one IPv4 address as
    ``/32`` or one IPv4 CIDR range, IPv6 "not supported". Extra members are not mentioned: the stricter
    answer (refuse) is chosen; a float epoch time is refused as well.
    """
    assert signed_policy_outcome(compact(document)) == "MalformedPolicy", why


def test_duplicate_members_are_malformed() -> None:
    """A member given twice (``DateLessThan`` twice) is refused: JSON parsers disagree on which one wins.

    Doc: CloudFront Developer Guide, 'Set signed cookies using a custom policy'
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html):
    the form names each parameter once. Silent on duplicates: the stricter answer, ``MalformedPolicy``.
    """
    policy = (
        f'{{"Statement":[{{"Resource":"https://{DOMAIN}/books/1/*","Condition":{{"DateLessThan":'
        f'{{"AWS:EpochTime":1}},"DateLessThan":{{"AWS:EpochTime":{IN_AN_HOUR_EPOCH}}}}}}}]}}'
    ).encode()
    assert signed_policy_outcome(policy) == "MalformedPolicy"


def test_missing_and_conflicting_cookies() -> None:
    """Missing pieces of signed cookies, and Policy together with Expires.

    Doc: CloudFront Developer Guide, 'Use signed cookies'
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-signed-cookies.html)
    and 'Set signed cookies using a custom policy': a custom policy needs ``CloudFront-Policy``,
    ``CloudFront-Signature`` and ``CloudFront-Key-Pair-Id``; a canned one ``CloudFront-Expires`` instead of
    ``CloudFront-Policy``; ``CloudFront-Hash-Algorithm`` is optional, ``SHA1`` or ``SHA256``. No key-pair ID
    answers ``MissingKey`` (AWS knowledge center, "Missing Key-Pair-Id query parameter or cookie value").
    Where the guide is silent (no signature, both Policy and Expires, an unknown hash algorithm) the
    stricter answer is chosen: 403 ``AccessDenied``.
    """
    from local_aws.cloudfront_edge import SignatureError  # noqa: PLC0415

    policy = compact({"Statement": [good_statement()]})
    parts = {
        "CloudFront-Policy": cf_b64(policy),
        "CloudFront-Signature": cf_b64(rsa_sign(policy)),
        "CloudFront-Key-Pair-Id": "K1",
    }

    def outcome(**changes: str | None) -> str:
        cookies = {**parts, **changes}
        header = "; ".join(f"{name}={value}" for name, value in cookies.items() if value is not None)
        try:
            check_signed_request(viewer_for(cookie=header), STRICT_KEYS)
        except SignatureError as exc:
            return exc.code
        return "OK"

    assert outcome() == "OK"
    assert outcome(**{"CloudFront-Hash-Algorithm": "SHA1"}) == "OK"
    assert outcome(**{"CloudFront-Key-Pair-Id": None}) == "MissingKey"
    assert outcome(**{"CloudFront-Key-Pair-Id": "k1"}) == "InvalidKey"  # key-pair IDs are case-sensitive
    assert outcome(**{"CloudFront-Signature": None}) == "AccessDenied"
    assert outcome(**{"CloudFront-Policy": None}) == "AccessDenied"
    assert outcome(**{"CloudFront-Expires": str(IN_AN_HOUR_EPOCH)}) == "AccessDenied"
    assert outcome(**{"CloudFront-Hash-Algorithm": "MD5"}) == "AccessDenied"
    assert outcome(**{"CloudFront-Hash-Algorithm": "sha1"}) == "AccessDenied"
    assert outcome(**{"CloudFront-Signature": cf_b64(rsa_sign(policy)).rstrip("_")}) in ("AccessDenied", "OK")


@pytest.mark.parametrize("expires", ["", "+1900000000", "1900000000.0", "0x71", " 1900000000", "1e10", "-1"])
def test_a_canned_expires_that_is_not_a_decimal_number_is_malformed(expires: str) -> None:
    """``Expires`` of a canned policy is a plain number of seconds.

    Doc: CloudFront Developer Guide, 'Create a signed URL using a canned policy'
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-canned-policy.html):
    "Expires=date and time in Unix time format (in seconds) and Coordinated Universal Time (UTC)", e.g.
    ``Expires=1767290400``. Silent on other spellings: the stricter answer, 403 ``MalformedPolicy``.
    """
    from local_aws.cloudfront_edge import SignatureError  # noqa: PLC0415

    signature = cf_b64(rsa_sign(canned_policy(STRICT_URL, IN_AN_HOUR_EPOCH)))
    query = "Expires=" + urllib.parse.quote(expires) + f"&Signature={signature}&Key-Pair-Id=K1"
    with pytest.raises(SignatureError) as raised:
        check_signed_request(viewer_for(f"{STRICT_URL}?{query}"), STRICT_KEYS)
    assert raised.value.code == "MalformedPolicy"
    # The same URL with a plain number is valid.
    good = f"{STRICT_URL}?Expires={IN_AN_HOUR_EPOCH}&Signature={signature}&Key-Pair-Id=K1"
    check_signed_request(viewer_for(good), STRICT_KEYS)


def test_signed_url_parameters_are_parsed_as_strictly_as_cookies() -> None:
    """A signed URL: ``Policy``/``Expires``, ``Signature``, ``Key-Pair-Id`` (optional ``Hash-Algorithm``).

    Doc: CloudFront Developer Guide, 'Create a signed URL using a custom policy'
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-custom-policy.html)
    and 'Create a signed URL using a canned policy': the same encodings as cookies, "Remove all empty
    spaces". A signing parameter given twice is not in the documented form; the stricter answer (403
    ``AccessDenied``) is chosen, as for standard base64 (``MalformedPolicy``) and whitespace.
    """
    from local_aws.cloudfront_edge import SignatureError  # noqa: PLC0415

    policy = compact({"Statement": [good_statement()]})
    signature = cf_b64(rsa_sign(policy))

    def outcome(query: str) -> str:
        try:
            check_signed_request(viewer_for(f"{STRICT_URL}?{query}"), STRICT_KEYS)
        except SignatureError as exc:
            return exc.code
        return "OK"

    assert outcome(f"Policy={cf_b64(policy)}&Signature={signature}&Key-Pair-Id=K1") == "OK"
    assert outcome(f"Policy={cf_b64(policy)}&Signature={signature}&Key-Pair-Id=K1&Hash-Algorithm=SHA1") == "OK"
    standard = urllib.parse.quote(base64.b64encode(policy).decode(), safe="")
    if standard != cf_b64(policy):
        assert outcome(f"Policy={standard}&Signature={signature}&Key-Pair-Id=K1") == "MalformedPolicy"
    spaced = cf_b64(json.dumps({"Statement": [good_statement()]}).encode())
    assert outcome(f"Policy={spaced}&Signature={signature}&Key-Pair-Id=K1") == "MalformedPolicy"
    twice = f"Policy={cf_b64(policy)}&Signature={signature}&Signature={signature}&Key-Pair-Id=K1"
    assert outcome(twice) == "AccessDenied"
    both = f"Policy={cf_b64(policy)}&Expires={IN_AN_HOUR_EPOCH}&Signature={signature}&Key-Pair-Id=K1"
    assert outcome(both) == "AccessDenied"
    assert outcome(f"Policy={cf_b64(policy)}&Key-Pair-Id=K1") == "AccessDenied"
    assert outcome(f"Policy={cf_b64(policy)}&Signature={signature}") == "MissingKey"
    assert outcome(f"Policy={cf_b64(policy)}&Signature={signature}&Key-Pair-Id=%20K1") == "InvalidKey"


def test_end_to_end_whitespace_and_standard_base64_cookies_are_refused(edge: Edge) -> None:
    """Through the HTTPS server: the edge answers 403 ``MalformedPolicy`` for non-compliant cookies.

    Doc: CloudFront Developer Guide, 'Set signed cookies using a custom policy'
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html):
    whitespace must be removed and ``+`` ``=`` ``/`` replaced. Silent on the answer: the stricter one.
    """
    key = rsa_key("trusted")
    statement = {"Resource": edge.url("/books/1/*"), "Condition": {"DateLessThan": {"AWS:EpochTime": IN_AN_HOUR_EPOCH}}}
    spaced = json.dumps({"Statement": [statement]}, indent=2).encode()
    signature = cf_b64(key.sign(spaced, padding.PKCS1v15(), hashes.SHA1()))
    cookie = (
        f"CloudFront-Policy={cf_b64(spaced)}; CloudFront-Signature={signature}; CloudFront-Key-Pair-Id={edge.key_id}"
    )
    status, headers, body = edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})
    assert status == 403 and b"<Code>MalformedPolicy</Code><Message>Malformed Policy</Message>" in body
    assert headers["x-cache"] == "Error from cloudfront"

    good = compact({"Statement": [statement]})
    signature = cf_b64(key.sign(good, padding.PKCS1v15(), hashes.SHA1()))
    standard = base64.b64encode(good).decode()
    cookie = f"CloudFront-Policy={standard}; CloudFront-Signature={signature}; CloudFront-Key-Pair-Id={edge.key_id}"
    status, _, body = edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})
    if standard != cf_b64(good):
        assert status == 403 and b"<Code>MalformedPolicy</Code>" in body
    cookie = f"CloudFront-Policy={cf_b64(good)}; CloudFront-Signature={signature}; CloudFront-Key-Pair-Id={edge.key_id}"
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": cookie})[::2] == (200, PLAYLIST)


def test_the_collections_signer_produces_what_the_strict_edge_accepts(edge: Edge) -> None:
    """The collection's ``signed_cookies`` (module_utils) output passes the strict edge.

    Doc: CloudFront Developer Guide, 'Set signed cookies using a custom policy'
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-setting-signed-cookie-custom-policy.html).
    """
    from ansible_collections.storytime.video_infra.plugins.module_utils import signed_cookies  # noqa: PLC0415

    pem = (
        rsa_key("trusted")
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    cookies = signed_cookies.signed_cookies(
        pem, edge.key_id, edge.url("/books/1/*"), IN_AN_HOUR_EPOCH, starts=1, source_ip="127.0.0.1"
    )
    header = signed_cookies.cookie_header(cookies)
    assert edge.request("/books/1/index.m3u8", headers={"Cookie": header})[::2] == (200, PLAYLIST)
