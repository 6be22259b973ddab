"""S3 CORS in the local AWS (``dev/local-aws/local_aws/s3_cors.py``) against the Amazon S3 documentation.

Preflights and browser POST uploads are anonymous, so they are sent as raw HTTPS requests; every S3 API
call goes through the ``aws`` fixture's boto3 clients (an ``Origin`` header is added before signing).
"""

from __future__ import annotations

import http.client
import secrets
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from botocore.config import Config

from local_aws import LocalAWS
from local_aws.tls import client_context

BUCKET = "storytime-cors-local"
APP = "https://app.example.com"
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
RULES = [
    {
        "AllowedOrigins": [APP],
        "AllowedMethods": ["GET", "PUT", "POST"],
        "AllowedHeaders": ["content-type", "x-amz-*"],
        "ExposeHeaders": ["ETag", "x-amz-request-id"],
        "MaxAgeSeconds": 3000,
    },
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"]},
]


def raw(aws: LocalAWS, method: str, path: str, headers: dict[str, str], body: bytes | None = None) -> Any:
    """An anonymous HTTPS request; returns (status, lower-cased headers, body)."""
    endpoint = urllib.parse.urlsplit(aws.endpoint_url)
    connection = http.client.HTTPSConnection(
        endpoint.hostname, endpoint.port, context=client_context(aws.ca_file), timeout=30
    )
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def error_of(body: bytes) -> dict[str, str]:
    root = ET.fromstring(body)
    assert root.tag == "Error"
    return {child.tag: child.text or "" for child in root}


def preflight(aws: LocalAWS, path: str, origin: str | None = APP, method: str | None = "PUT", headers: str = ""):
    sent = {}
    if origin is not None:
        sent["Origin"] = origin
    if method is not None:
        sent["Access-Control-Request-Method"] = method
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return raw(aws, "OPTIONS", path, sent)


@pytest.fixture
def s3(aws: LocalAWS) -> Any:
    client = aws.client("s3", region_name="eu-west-1", config=Config(signature_version="s3v4"))
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    client.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": RULES})
    client.put_object(Bucket=BUCKET, Key="covers/1.jpg", Body=b"jpeg")
    return client


def with_origin(client: Any, origin: str) -> Any:
    """``client`` sending ``Origin: origin`` with every request (added before SigV4 signing)."""

    def add(request: Any, **_: Any) -> None:
        request.headers["Origin"] = origin

    client.meta.events.register("before-sign.s3", add)
    return client


def test_a_preflight_for_an_allowed_method_answers_the_rule(aws: LocalAWS, s3: Any) -> None:
    """A matching preflight: 200 with the rule's CORS headers.

    Doc: Amazon S3 API Reference, 'OPTIONS object'
    (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html): response headers
    ``Access-Control-Allow-Origin``, ``-Allow-Methods``, ``-Allow-Headers``, ``-Expose-Headers``,
    ``-Max-Age``; Amazon S3 User Guide, 'Elements of a CORS configuration'
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html).
    """
    status, headers, body = preflight(aws, f"/{BUCKET}/covers/1.jpg", headers="Content-Type, x-amz-meta-book")
    assert (status, body) == (200, b"")
    assert headers["access-control-allow-origin"] == APP
    assert headers["access-control-allow-methods"] == "GET, PUT, POST"
    assert headers["access-control-allow-headers"] == "Content-Type, x-amz-meta-book"
    assert headers["access-control-expose-headers"] == "ETag, x-amz-request-id"
    assert headers["access-control-max-age"] == "3000"
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["vary"] == VARY
    # Virtual-hosted style, the same answer.
    status, headers, _ = raw(
        aws,
        "OPTIONS",
        "/covers/1.jpg",
        {"Host": f"{BUCKET}.s3.eu-west-1.amazonaws.com", "Origin": APP, "Access-Control-Request-Method": "GET"},
    )
    assert (status, headers["access-control-allow-origin"]) == (200, APP)


@pytest.mark.parametrize(
    ("origin", "method", "request_headers", "why"),
    [
        (APP, "DELETE", "", "method not allowed"),
        ("https://evil.example.com", "PUT", "", "origin not allowed (the * rule allows GET/HEAD only)"),
        (APP, "PUT", "authorization", "a requested header not allowed"),
        ("https://APP.example.com", "PUT", "", "origins compare case-sensitively"),
    ],
)
def test_a_preflight_no_rule_allows_is_403(
    aws: LocalAWS, s3: Any, origin: str, method: str, request_headers: str, why: str
) -> None:
    """No rule matches: 403 "CORSResponse: This CORS request is not allowed", no CORS headers.

    Doc: Amazon S3 User Guide, 'Troubleshooting CORS'
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors-troubleshooting.html): "403 Forbidden
    CORS Response: This CORS request is not allowed" when the origin, the method or a requested header is
    not allowed; 'How does Amazon S3 evaluate the CORS configuration on a bucket?'
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html): the first matching rule.
    The error code (AccessForbidden) and the Method/ResourceType members are S3's observed body, the
    documentation quotes only the message.
    """
    status, headers, body = preflight(aws, f"/{BUCKET}/covers/1.jpg", origin, method, request_headers)
    assert status == 403, why
    error = error_of(body)
    assert error["Code"] == "AccessForbidden"
    assert error["Message"].startswith("CORSResponse: This CORS request is not allowed.")
    assert (error["Method"], error["ResourceType"]) == (method, "OBJECT")
    assert not [name for name in headers if name.startswith("access-control-")]


def test_a_preflight_to_a_bucket_without_cors_or_without_origin(aws: LocalAWS, s3: Any) -> None:
    """No CORS configuration: 403 "CORS is not enabled for this bucket"; no Origin or method: 400.

    Doc: Amazon S3 User Guide, 'Troubleshooting CORS'
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors-troubleshooting.html); Amazon S3 API
    Reference, 'OPTIONS object' (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html):
    ``Origin`` and ``Access-Control-Request-Method`` are required request headers (the 400 messages are
    S3's observed ones; the reference does not quote them).
    """
    s3.create_bucket(Bucket="storytime-no-cors", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    status, _, body = preflight(aws, "/storytime-no-cors/a")
    assert status == 403 and error_of(body)["Message"] == "CORSResponse: CORS is not enabled for this bucket."
    status, _, body = preflight(aws, f"/{BUCKET}/a", origin=None)
    assert (status, error_of(body)["Code"]) == (400, "BadRequest")
    status, _, body = preflight(aws, f"/{BUCKET}/a", method=None)
    assert (status, error_of(body)["Code"]) == (400, "BadRequest")
    status, _, body = preflight(aws, "/storytime-missing-bucket/a")
    assert (status, error_of(body)["Code"]) == (404, "NoSuchBucket")


def test_get_put_head_answers_carry_the_matching_rules_headers(aws: LocalAWS, s3: Any) -> None:
    """Actual (non-preflight) requests with a matching ``Origin`` get the CORS headers of the first match.

    Doc: Amazon S3 User Guide, 'How does Amazon S3 evaluate the CORS configuration on a bucket?'
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html): "the first CORSRule rule
    that matches the incoming browser request is used to enable a cross-origin request"; 'Elements of a
    CORS configuration': ``ExposeHeader``, ``MaxAgeSeconds``.
    """
    client = with_origin(aws.client("s3", region_name="eu-west-1", config=Config(signature_version="s3v4")), APP)
    answers = {
        "PUT": client.put_object(Bucket=BUCKET, Key="covers/2.jpg", Body=b"jpeg2"),
        "GET": client.get_object(Bucket=BUCKET, Key="covers/2.jpg"),
        "HEAD": client.head_object(Bucket=BUCKET, Key="covers/2.jpg"),
    }
    for method, answer in answers.items():
        headers = answer["ResponseMetadata"]["HTTPHeaders"]
        assert headers["vary"] == VARY, method
        if method == "HEAD":  # only the "*" rule allows HEAD
            assert headers["access-control-allow-origin"] == "*"
            assert headers["access-control-allow-methods"] == "GET, HEAD"
            assert "access-control-allow-credentials" not in headers
            continue
        assert headers["access-control-allow-origin"] == APP, method
        assert headers["access-control-allow-methods"] == "GET, PUT, POST"
        assert headers["access-control-expose-headers"] == "ETag, x-amz-request-id"
        assert headers["access-control-max-age"] == "3000"
        assert headers["access-control-allow-credentials"] == "true"
        assert "access-control-allow-headers" not in headers


def test_an_origin_no_rule_allows_gets_no_cors_headers(aws: LocalAWS, s3: Any) -> None:
    """A DELETE from the app origin: no rule allows it, so the answer carries no CORS headers (only Vary).

    Doc: Amazon S3 User Guide, 'How does Amazon S3 evaluate the CORS configuration on a bucket?'
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html). moto's flask-cors
    ``Access-Control-Allow-Origin: *`` is removed.
    """
    client = with_origin(aws.client("s3", region_name="eu-west-1", config=Config(signature_version="s3v4")), APP)
    headers = client.delete_object(Bucket=BUCKET, Key="covers/1.jpg")["ResponseMetadata"]["HTTPHeaders"]
    assert not [name for name in headers if name.startswith("access-control-")]
    assert headers["vary"] == VARY


def test_a_browser_post_upload_carries_the_cors_headers(aws: LocalAWS, s3: Any) -> None:
    """A POST-policy upload from the app origin answers with the POST rule's CORS headers.

    Doc: Amazon S3 User Guide, 'Browser-based uploads using POST' and 'Using cross-origin resource
    sharing (CORS)' (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html): a browser can
    upload from another origin only if the answer carries the CORS headers.
    """
    presigned = s3.generate_presigned_post(
        BUCKET,
        "masters/${filename}",
        Fields={"success_action_status": "201"},
        Conditions=[["content-length-range", 1, 1024], {"success_action_status": "201"}],
        ExpiresIn=600,
    )
    boundary = "cors-" + secrets.token_hex(8)
    body = b""
    for name, value in presigned["fields"].items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.mp4"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"movie\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    path = urllib.parse.urlsplit(presigned["url"]).path
    headers_sent = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": APP}
    status, headers, _ = raw(aws, "POST", path, headers_sent, body)
    assert status == 201
    assert (headers["access-control-allow-origin"], headers["vary"]) == (APP, VARY)
    assert headers["access-control-expose-headers"] == "ETag, x-amz-request-id"
    # A refused upload (too large) carries them too.
    big = body.replace(b"movie", b"m" * 2048)
    status, headers, _ = raw(aws, "POST", path, headers_sent, big)
    assert status == 400 and headers["access-control-allow-origin"] == APP
