"""S3 POST-policy uploads through the local AWS's HTTPS server (dev/local-aws/local_aws/s3_post.py).

moto 5.2.5 alone accepts every one of these uploads (measured before the extension existed): a file over the
policy's size limit, an expired policy, a key outside the signed prefix, a wrong signature, extra fields and a
bucket policy that denies s3:PutObject all answered the form's success_action_status and stored the object.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import ssl
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.config import Config

from local_aws import LocalAWS
from local_aws.constants import DUMMY_ACCESS_KEY_ID
from local_aws.constants import DUMMY_SECRET_ACCESS_KEY
from local_aws.s3_post import S3PostPolicyExtension
from local_aws.s3_post import sigv4_signature

BUCKET = "storytime-master-uploads-local"
OTHER_BUCKET = "storytime-other-bucket-local"
SIGV4 = Config(signature_version="s3v4")
# Bytes that trip naive multipart handling: CRLFs, a boundary-like line, NUL and non-UTF-8 bytes.
CLIP = b"\x00\x00\x00\x18ftypmp42\r\n--boundary\r\n\xff\xfe" + bytes(range(256)) + b"\r\n"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def error(self) -> dict[str, str]:
        root = ET.fromstring(self.body)
        assert root.tag == "Error", self.body
        return {child.tag: child.text or "" for child in root}


def multipart(parts: list[tuple[str, str | tuple[str, bytes]]]) -> tuple[bytes, str]:
    """Encode ``(name, value)`` parts in the given order; a ``(filename, bytes)`` value is a file part."""
    boundary = "test-" + secrets.token_hex(8)
    body = b""
    for name, value in parts:
        if isinstance(value, tuple):
            filename, data = value
            head = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            head += "Content-Type: application/octet-stream\r\n"
        else:
            head, data = f'Content-Disposition: form-data; name="{name}"\r\n', value.encode()
        body += f"--{boundary}\r\n{head}\r\n".encode() + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post(aws: LocalAWS, url: str, parts: list[tuple[str, Any]]) -> Answer:
    body, content_type = multipart(parts)
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    context = ssl.create_default_context(cafile=str(aws.ca_file))
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as e:
        return Answer(e.code, dict(e.headers), e.read())


def upload(aws: LocalAWS, presigned: dict[str, Any], filename: str, data: bytes, **changes: str) -> Answer:
    """POST the presigned fields (with ``changes``), then the file, as a browser does."""
    fields = dict(presigned["fields"], **changes)
    return post(aws, presigned["url"], [*fields.items(), ("file", (filename, data))])


@pytest.fixture
def s3(aws: LocalAWS):
    client = aws.client("s3", config=SIGV4)
    for name in (BUCKET, OTHER_BUCKET):
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return client


def presign(s3, key: str = "masters/${filename}", max_size: int = 1024, expires_in: int = 600, **kwargs: Any):
    return s3.generate_presigned_post(
        BUCKET,
        key,
        Fields={"success_action_status": "201", **kwargs.pop("fields", {})},
        Conditions=[
            ["content-length-range", 1, max_size],
            {"success_action_status": "201"},
            *kwargs.pop("conditions", []),
        ],
        ExpiresIn=expires_in,
        **kwargs,
    )


def client_with(aws: LocalAWS, access_key_id: str, secret_access_key: str):
    """An S3 client of the local AWS signing with other credentials."""
    return aws.client(
        "s3", "eu-west-1", aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key, config=SIGV4
    )


def keys(s3, bucket: str = BUCKET) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_a_valid_upload_stores_exactly_the_bytes_and_answers_like_s3(aws, s3):
    answer = upload(aws, presign(s3), "clip.mp4", CLIP)

    assert answer.status == 201, answer.body
    etag = '"' + hashlib.md5(CLIP).hexdigest() + '"'  # S3's ETag of a single-part object
    assert answer.headers["ETag"] == etag
    assert answer.headers["Location"] == f"{aws.endpoint_url}/{BUCKET}/masters%2Fclip.mp4"
    document = ET.fromstring(answer.body)
    assert document.tag == "PostResponse"
    assert {child.tag: child.text for child in document} == {
        "Location": answer.headers["Location"],
        "Bucket": BUCKET,
        "Key": "masters/clip.mp4",
        "ETag": etag,
    }
    assert s3.get_object(Bucket=BUCKET, Key="masters/clip.mp4")["Body"].read() == CLIP


@pytest.mark.parametrize(("status", "expected"), [("200", 200), ("204", 204), (None, 204), ("302", 204)])
def test_success_action_status_decides_the_answer(aws, s3, status, expected):
    fields = {} if status is None else {"success_action_status": status}
    conditions = [] if status is None else [{"success_action_status": status}]
    presigned = s3.generate_presigned_post(
        BUCKET, "masters/a.mp4", Fields=fields, Conditions=[["content-length-range", 1, 100], *conditions]
    )
    answer = upload(aws, presigned, "a.mp4", b"abc")
    assert (answer.status, answer.body) == (expected, b"")
    assert answer.headers["ETag"] == '"' + hashlib.md5(b"abc").hexdigest() + '"'
    assert answer.headers["Location"].endswith(f"/{BUCKET}/masters%2Fa.mp4")


def test_b_a_file_over_the_content_length_range_is_entity_too_large(aws, s3):
    answer = upload(aws, presign(s3, max_size=100), "big.mp4", b"x" * 101)

    assert answer.status == 400
    assert answer.error["Code"] == "EntityTooLarge"
    assert (answer.error["ProposedSize"], answer.error["MaxSizeAllowed"]) == ("101", "100")
    assert keys(s3) == []


def test_an_empty_file_under_the_range_is_entity_too_small(aws, s3):
    answer = upload(aws, presign(s3), "empty.mp4", b"")

    assert answer.status == 400
    assert answer.error["Code"] == "EntityTooSmall"
    assert (answer.error["ProposedSize"], answer.error["MinSizeAllowed"]) == ("0", "1")
    assert keys(s3) == []


def test_c_an_expired_policy_is_denied(aws, s3):
    answer = upload(aws, presign(s3, expires_in=-60), "late.mp4", b"late")

    assert answer.status == 403
    assert answer.error["Code"] == "AccessDenied"
    assert answer.error["Message"] == "Invalid according to Policy: Policy expired."
    assert keys(s3) == []


def test_c_an_expired_policy_is_denied_even_when_re_signed_by_hand(aws, s3):
    presigned = presign(s3)
    document = json.loads(base64.b64decode(presigned["fields"]["policy"]))
    document["expiration"] = "2020-01-01T00:00:00.000Z"
    policy = base64.b64encode(json.dumps(document).encode()).decode()
    _akid, date, region, service, _ = presigned["fields"]["x-amz-credential"].split("/")
    signature = sigv4_signature(DUMMY_SECRET_ACCESS_KEY, date, region, service, policy)

    answer = upload(aws, presigned, "late.mp4", b"late", policy=policy, **{"x-amz-signature": signature})

    assert (answer.status, answer.error["Message"]) == (403, "Invalid according to Policy: Policy expired.")


def test_d_a_key_outside_the_signed_prefix_fails_its_condition(aws, s3):
    answer = upload(aws, presign(s3), "x.mp4", b"tampered", key="elsewhere/x.mp4")

    assert answer.status == 403
    assert answer.error["Code"] == "AccessDenied"
    assert answer.error["Message"] == (
        'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "masters/"]'
    )
    assert keys(s3) == []


def test_d_an_exact_key_cannot_be_changed(aws, s3):
    answer = upload(aws, presign(s3, key="masters/book-42.mp4"), "x.mp4", b"tampered", key="masters/book-43.mp4")

    assert answer.status == 403
    assert answer.error["Message"].endswith('Policy Condition failed: {"key": "masters/book-42.mp4"}')


def test_e_a_wrong_signature_does_not_match(aws, s3):
    answer = upload(aws, presign(s3), "x.mp4", b"forged", **{"x-amz-signature": "0" * 64})

    assert answer.status == 403
    assert answer.error["Code"] == "SignatureDoesNotMatch"
    assert answer.error["AWSAccessKeyId"] == DUMMY_ACCESS_KEY_ID
    assert keys(s3) == []


def test_a_policy_changed_after_signing_does_not_match(aws, s3):
    presigned = presign(s3, max_size=10)
    document = json.loads(base64.b64decode(presigned["fields"]["policy"]))
    document["conditions"][0] = ["content-length-range", 1, 10**9]
    policy = base64.b64encode(json.dumps(document).encode()).decode()

    answer = upload(aws, presigned, "x.mp4", b"x" * 100, policy=policy)

    assert (answer.status, answer.error["Code"]) == (403, "SignatureDoesNotMatch")


def test_an_unknown_access_key_is_invalid(aws, s3):
    stranger = client_with(aws, "AKIAUNKNOWN000000000", "not-a-known-secret")

    answer = upload(aws, presign(stranger), "x.mp4", b"x")

    assert answer.status == 403
    assert answer.error["Code"] == "InvalidAccessKeyId"
    assert answer.error["AWSAccessKeyId"] == "AKIAUNKNOWN000000000"


def test_the_inventory_key_and_iam_access_keys_sign_valid_policies(aws, s3):
    """A POST upload runs with the permissions of the policy's signer (the S3 API reference, "Authenticating
    Requests in Browser-Based Uploads Using POST (AWS Signature Version 4)": the signature authenticates the
    signer, whose permissions S3 then checks): a key IAM knows but whose user has no s3:PutObject is refused."""
    inventory = client_with(aws, DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY)
    assert upload(aws, presign(inventory), "one.mp4", b"1").status == 201

    iam = aws.client("iam")
    iam.create_user(UserName="uploader")
    key = iam.create_access_key(UserName="uploader")["AccessKey"]
    user = client_with(aws, key["AccessKeyId"], key["SecretAccessKey"])
    refused = upload(aws, presign(user), "two.mp4", b"2")
    assert (refused.status, refused.error["Code"]) == (403, "AccessDenied")

    grant = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{BUCKET}/masters/*"}],
    }
    iam.put_user_policy(UserName="uploader", PolicyName="upload", PolicyDocument=json.dumps(grant))
    assert upload(aws, presign(user), "two.mp4", b"2").status == 201
    assert keys(s3) == ["masters/one.mp4", "masters/two.mp4"]


def test_signature_version_2_policies_are_refused(aws, s3):
    """S3 accepts only Signature Version 4 on buckets created after 24 June 2020 (the S3 API reference,
    "Specifying the Signature Version in request authentication"); botocore still presigns POST with SigV2
    unless ``s3v4`` is configured, which is why the collection's s3_presigned_post module configures it."""
    legacy = aws.client("s3")
    presigned = presign(legacy)
    assert "AWSAccessKeyId" in presigned["fields"]

    answer = upload(aws, presigned, "v2.mp4", b"v2")
    assert (answer.status, answer.error["Code"]) == (400, "InvalidRequest")
    assert "Please use AWS4-HMAC-SHA256" in answer.error["Message"]
    assert keys(s3) == []


def test_every_field_must_be_named_by_a_condition_except_x_ignore(aws, s3):
    answer = upload(aws, presign(s3), "x.mp4", b"x", **{"x-amz-meta-owner": "eve", "x-ignore-submit": "Upload"})

    assert answer.status == 403
    assert answer.error["Message"] == "Invalid according to Policy: Extra input fields: x-amz-meta-owner"

    allowed = presign(s3, fields={"x-amz-meta-owner": "eve"}, conditions=[["starts-with", "$x-amz-meta-owner", ""]])
    assert upload(aws, allowed, "x.mp4", b"x", **{"x-ignore-submit": "Upload"}).status == 201


def test_content_type_conditions(aws, s3):
    exact = presign(s3, fields={"Content-Type": "video/mp4"}, conditions=[{"Content-Type": "video/mp4"}])
    assert upload(aws, exact, "a.mp4", b"a").status == 201
    assert s3.head_object(Bucket=BUCKET, Key="masters/a.mp4")["ContentType"] == "video/mp4"
    wrong = upload(aws, exact, "a.mp4", b"a", **{"Content-Type": "text/html"})
    assert wrong.error["Message"].endswith('Policy Condition failed: {"Content-Type": "video/mp4"}')

    prefix = presign(s3, conditions=[["starts-with", "$Content-Type", "video/"]])
    assert upload(aws, prefix, "b.mov", b"b", **{"Content-Type": "video/quicktime"}).status == 201
    refused = upload(aws, prefix, "b.mov", b"b", **{"Content-Type": "video/mp4,text/html"})
    assert refused.error["Message"].endswith('["starts-with", "$Content-Type", "video/"]')
    missing = upload(aws, prefix, "b.mov", b"b")
    assert missing.status == 403


def test_the_bucket_condition_is_checked_against_the_url(aws, s3):
    presigned = presign(s3)
    url = presigned["url"].replace(BUCKET, OTHER_BUCKET)

    answer = post(aws, url, [*presigned["fields"].items(), ("file", ("x.mp4", b"x"))])

    assert answer.status == 403
    assert answer.error["Message"].endswith(f'Policy Condition failed: {{"bucket": "{BUCKET}"}}')
    assert keys(s3, OTHER_BUCKET) == []


def test_a_bucket_policy_deny_applies_to_post_uploads(aws, s3):
    tls_only = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [tls_only]}))
    assert upload(aws, presign(s3), "tls.mp4", b"tls").status == 201  # HTTPS: the TLS-only deny does not apply

    no_masters = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/masters/*",
    }
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [tls_only, no_masters]})
    )
    answer = upload(aws, presign(s3), "denied.mp4", b"denied")

    assert (answer.status, answer.error["Code"], answer.error["Message"]) == (403, "AccessDenied", "Access Denied")
    assert keys(s3) == ["masters/tls.mp4"]


def test_form_errors(aws, s3):
    presigned = presign(s3)
    fields = dict(presigned["fields"])

    no_file = post(aws, presigned["url"], list(fields.items()))
    assert (no_file.status, no_file.error["Code"]) == (400, "IncorrectNumberOfFilesInPostRequest")

    without_key = [(k, v) for k, v in fields.items() if k != "key"] + [("file", ("x.mp4", b"x"))]
    no_key = post(aws, presigned["url"], without_key)
    assert (no_key.status, no_key.error["Code"], no_key.error["ArgumentName"]) == (400, "InvalidArgument", "key")

    without_date = [(k, v) for k, v in fields.items() if k != "x-amz-date"] + [("file", ("x.mp4", b"x"))]
    no_date = post(aws, presigned["url"], without_date)
    assert (no_date.status, no_date.error["ArgumentName"]) == (400, "X-Amz-Date")

    missing_bucket = post(aws, presigned["url"].replace(BUCKET, "no-such-bucket-here"), without_key)
    assert (missing_bucket.status, missing_bucket.error["Code"]) == (404, "NoSuchBucket")


def test_parts_after_the_file_are_ignored_as_s3_ignores_them(aws, s3):
    presigned = presign(s3)
    parts = [*presigned["fields"].items(), ("file", ("clip.mp4", b"clip")), ("key", "elsewhere/clip.mp4")]

    answer = post(aws, presigned["url"], parts)

    assert answer.status == 201, answer.body
    assert keys(s3) == ["masters/clip.mp4"]


def test_a_form_without_policy_is_anonymous_and_needs_a_public_grant(aws, s3):
    """A POST form without policy and signature is an anonymous request (the S3 API reference, "Browser-Based
    Uploads Using POST": the policy and signature are required "if the bucket is not public"); S3 allows it only
    when the bucket policy grants everyone s3:PutObject."""
    form = [("key", "anonymous.txt"), ("file", ("a.txt", b"anon"))]
    refused = post(aws, f"{aws.endpoint_url}/{BUCKET}", form)
    assert (refused.status, refused.error["Code"]) == (403, "AccessDenied")
    assert keys(s3) == []

    public_put = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
        ],
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_put))
    answer = post(aws, f"{aws.endpoint_url}/{BUCKET}", form)
    assert answer.status == 204
    assert s3.get_object(Bucket=BUCKET, Key="anonymous.txt")["Body"].read() == b"anon"


@pytest.mark.parametrize(
    ("changes", "claimed"),
    [
        ({}, True),
        ({"PATH_INFO": "/bucket-name/"}, True),
        ({"HTTP_HOST": "localhost:4566"}, True),
        ({"REQUEST_METHOD": "PUT"}, False),
        ({"QUERY_STRING": "delete"}, False),
        ({"HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=testing/20250101/eu-west-1/s3/aws4_request"}, False),
        ({"CONTENT_TYPE": "application/xml"}, False),
        ({"PATH_INFO": "/bucket-name/object.txt"}, False),
        ({"PATH_INFO": "/_local_aws/health"}, False),
        ({"HTTP_HOST": "bucket-name.s3.localhost:4566", "PATH_INFO": "/"}, False),
        ({"HTTP_HOST": "d111111abcdef8.cloudfront.localhost:4566"}, False),
    ],
)
def test_what_the_extension_claims(changes, claimed):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/bucket-name",
        "QUERY_STRING": "",
        "HTTP_HOST": "127.0.0.1:4566",
        "CONTENT_TYPE": "multipart/form-data; boundary=abc",
        **changes,
    }
    assert S3PostPolicyExtension().matches(environ) is claimed
