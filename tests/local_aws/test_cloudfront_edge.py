"""The local CloudFront edge (``local_aws/cloudfront_edge.py``) against the CloudFront Developer Guide.

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
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
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


def import_certificate(aws: LocalAWS, domain: str) -> str:
    """Import a self-signed certificate for ``domain`` into ACM in us-east-1 (imported: ``ISSUED`` at once)."""
    key = rsa_key("certificate")
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return aws.client("acm", "us-east-1").import_certificate(
        Certificate=certificate.public_bytes(serialization.Encoding.PEM), PrivateKey=key_pem
    )["CertificateArn"]


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
    certificate: dict[str, Any] = {"CloudFrontDefaultCertificate": True}
    if certificate_arn:
        certificate = {
            "ACMCertificateArn": certificate_arn,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
        }
    return {
        "ViewerCertificate": certificate,
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
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
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
        certificate_arn=import_certificate(aws, "videos.example.com"),
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
