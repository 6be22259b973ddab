"""Bucket policy evaluation of the local AWS (dev/local-aws/local_aws/s3_policy.py) against the IAM evaluation rules."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from werkzeug.test import Client

from local_aws.s3_policy import Caller
from local_aws.s3_policy import Decision
from local_aws.s3_policy import RequestContext
from local_aws.s3_policy import UnsupportedCondition
from local_aws.s3_policy import evaluate
from tests.local_aws.sigv4 import signed_headers

BUCKET = "arn:aws:s3:::storytime-hls-outputs-local"
OBJECT = BUCKET + "/books/1/index.m3u8"
DISTRIBUTION = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE"
OWNER = Caller()
CLOUDFRONT = Caller(service="cloudfront.amazonaws.com")

TLS_ONLY = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [BUCKET, BUCKET + "/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
CLOUDFRONT_READ = {
    "Sid": "AllowCloudFrontServicePrincipalReadOnly",
    "Effect": "Allow",
    "Principal": {"Service": "cloudfront.amazonaws.com"},
    "Action": "s3:GetObject",
    "Resource": BUCKET + "/*",
    "Condition": {"StringEquals": {"AWS:SourceArn": DISTRIBUTION}},
}
POLICY = {"Version": "2012-10-17", "Statement": [TLS_ONLY, CLOUDFRONT_READ]}


def ctx(caller: Caller = OWNER, **values: str) -> RequestContext:
    return RequestContext(caller, {"aws:SecureTransport": "true", **values})


@pytest.mark.parametrize(
    ("caller", "action", "values", "expected"),
    [
        # The owner over HTTPS: no statement applies (the CloudFront one names another principal).
        (OWNER, "s3:GetObject", {}, Decision.NEUTRAL),
        (OWNER, "s3:PutObject", {}, Decision.NEUTRAL),
        # Anyone over plain HTTP is denied, whatever the action.
        (OWNER, "s3:PutObject", {"aws:SecureTransport": "false"}, Decision.DENY),
        (CLOUDFRONT, "s3:GetObject", {"aws:SecureTransport": "false", "aws:SourceArn": DISTRIBUTION}, Decision.DENY),
        # CloudFront reads for this distribution only, and only GetObject.
        (CLOUDFRONT, "s3:GetObject", {"aws:SourceArn": DISTRIBUTION}, Decision.ALLOW),
        (CLOUDFRONT, "s3:GetObject", {"aws:SourceArn": DISTRIBUTION.replace("E2EX", "E9EX")}, Decision.NEUTRAL),
        (CLOUDFRONT, "s3:GetObject", {}, Decision.NEUTRAL),
        (CLOUDFRONT, "s3:PutObject", {"aws:SourceArn": DISTRIBUTION}, Decision.NEUTRAL),
    ],
)
def test_the_buckets_policy_decides_as_aws_does(caller, action, values, expected):
    assert evaluate(POLICY, action, OBJECT, ctx(caller, **values)) is expected


def test_condition_keys_are_case_insensitive_and_values_are_not():
    assert evaluate(POLICY, "s3:GetObject", OBJECT, ctx(CLOUDFRONT, **{"aws:sourcearn": DISTRIBUTION})) is (
        Decision.ALLOW
    )
    lower = {"aws:SourceArn": DISTRIBUTION.lower()}
    assert evaluate(POLICY, "s3:GetObject", OBJECT, ctx(CLOUDFRONT, **lower)) is Decision.NEUTRAL


def test_actions_match_case_insensitively_with_wildcards_and_resources_exactly():
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:Get*", "Resource": BUCKET + "/books/?/*"}
    policy = {"Statement": [statement]}
    assert evaluate(policy, "S3:GETOBJECT", OBJECT, ctx()) is Decision.ALLOW
    assert evaluate(policy, "s3:PutObject", OBJECT, ctx()) is Decision.NEUTRAL
    assert evaluate(policy, "s3:GetObject", BUCKET + "/books/12/index.m3u8", ctx()) is Decision.NEUTRAL
    assert evaluate(policy, "s3:GetObject", OBJECT.upper(), ctx()) is Decision.NEUTRAL


@pytest.mark.parametrize(
    ("condition", "values", "holds"),
    [
        ({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, {}, True),  # negated operator, key missing
        ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, {}, False),  # positive operator, key missing
        ({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, {}, True),
        ({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, {"aws:SourceVpce": "vpce-2"}, False),
        ({"Null": {"aws:SourceVpce": "true"}}, {}, True),
        ({"Null": {"aws:SourceVpce": "false"}}, {}, False),
        (
            {"StringLike": {"aws:Referer": ["https://a.example/*", "https://b.example/*"]}},
            {"aws:Referer": "https://b.example/x"},
            True,
        ),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "10.1.2.3"}, True),
        ({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "10.1.2.3"}, False),
        # Two keys under one operator, and two operators: all must hold.
        ({"StringEquals": {"aws:a": "1", "aws:b": "2"}}, {"aws:a": "1", "aws:b": "3"}, False),
        ({"StringEquals": {"aws:a": "1"}, "Bool": {"aws:SecureTransport": "true"}}, {"aws:a": "1"}, True),
    ],
)
def test_condition_operators(condition, values, holds):
    policy = {
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": condition}]
    }
    assert evaluate(policy, "s3:GetObject", OBJECT, ctx(**values)) is (Decision.ALLOW if holds else Decision.NEUTRAL)


def test_principals_account_service_and_not_principal():
    other = Caller(account_id="210987654321")
    for principal in ({"AWS": "123456789012"}, {"AWS": "arn:aws:iam::123456789012:root"}, {"AWS": ["*"]}):
        policy = {"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "s3:*", "Resource": "*"}]}
        assert evaluate(policy, "s3:GetObject", OBJECT, ctx()) is Decision.ALLOW
    account_only = {
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "*", "Resource": "*"}]
    }
    assert evaluate(account_only, "s3:GetObject", OBJECT, ctx(other)) is Decision.NEUTRAL
    assert evaluate(account_only, "s3:GetObject", OBJECT, ctx(CLOUDFRONT)) is Decision.NEUTRAL
    not_owner = {
        "Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"}, "Action": "*", "Resource": "*"}]
    }
    assert evaluate(not_owner, "s3:GetObject", OBJECT, ctx()) is Decision.NEUTRAL
    assert evaluate(not_owner, "s3:GetObject", OBJECT, ctx(other)) is Decision.DENY


def test_explicit_deny_wins_over_allow_in_any_order():
    allow = {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"}
    for statements in ([allow, deny], [deny, allow]):
        assert evaluate({"Statement": statements}, "s3:PutObject", OBJECT, ctx()) is Decision.DENY
        assert evaluate({"Statement": statements}, "s3:GetObject", OBJECT, ctx()) is Decision.ALLOW


def test_an_operator_it_does_not_implement_is_an_error_not_a_guess():
    policy = {"Statement": [dict(TLS_ONLY, Condition={"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})]}
    with pytest.raises(UnsupportedCondition, match="DateGreaterThan"):
        evaluate(policy, "s3:GetObject", OBJECT, ctx())


def test_https_requests_pass_the_tls_only_statement_and_the_cloudfront_grant_does_not_lock_out_the_owner(aws):
    """moto alone denies both (see the module docstring); through the local AWS the owner reads and writes."""
    s3 = aws.client("s3")
    name = BUCKET.rsplit(":", 1)[1]
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(POLICY))
    s3.put_object(Bucket=name, Key="books/1/index.m3u8", Body=b"#EXTM3U\n")
    assert s3.get_object(Bucket=name, Key="books/1/index.m3u8")["Body"].read() == b"#EXTM3U\n"

    deny_all = dict(TLS_ONLY, Sid="DenyPut", Condition={"Bool": {"aws:SecureTransport": "true"}}, Action="s3:PutObject")
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny_all]}))
    with pytest.raises(ClientError) as raised:
        s3.put_object(Bucket=name, Key="books/1/other", Body=b"x")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_plain_http_requests_are_denied_by_the_tls_only_statement():
    """In-process app, so the same request can be made with each scheme."""
    from local_aws.server import LocalAWSApp  # noqa: PLC0415  (imports moto)

    client = Client(LocalAWSApp(extensions=[]))
    name = BUCKET.rsplit(":", 1)[1]

    def call(method: str, path: str, body: bytes = b"", scheme: str = "https") -> int:
        url = f"{scheme}://localhost{path}"
        headers = signed_headers(method, url, body, region="us-east-1")
        return client.open(
            path, method=method, data=body, headers=headers, base_url=f"{scheme}://localhost"
        ).status_code

    assert call("PUT", f"/{name}") == 200
    assert call("PUT", f"/{name}?policy", json.dumps(POLICY).encode()) in (200, 204)
    assert call("PUT", f"/{name}/books/1/a.ts", b"x") == 200
    assert call("PUT", f"/{name}/books/1/a.ts", b"x", scheme="http") == 403
    assert call("GET", f"/{name}/books/1/a.ts", scheme="http") == 403
    assert call("GET", f"/{name}/books/1/a.ts") == 200
    # (An anonymous GET over HTTPS is refused too, by the object's private ACL: as on AWS.)
