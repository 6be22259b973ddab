"""PutBucketLogging's check of the target bucket's policy in the local AWS (``dev/local-aws/local_aws/s3_logging.py``).

S3 User Guide, "Enabling Amazon S3 server access logging", "Permissions for log delivery": with object ownership
BucketOwnerEnforced on the target bucket, log delivery is granted by a bucket policy allowing ``s3:PutObject`` to
the service principal ``logging.s3.amazonaws.com`` (with ``aws:SourceArn`` / ``aws:SourceAccount``); ACL grants
are not used. https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
S3 API reference, PutBucketLogging (error InvalidTargetBucketForLogging):
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html
"""

from __future__ import annotations

import json

import botocore.exceptions
import pytest

from local_aws.s3_logging import allows_log_delivery

SOURCE = "storytime-source-local"
LOGS = "storytime-logs-local"
PREFIX = f"s3/{SOURCE}/"
ACCOUNT = "123456789012"


def delivery_statement(resource: str = f"arn:aws:s3:::{LOGS}/{PREFIX}*", principal=None) -> dict:
    return {
        "Sid": "AllowS3ServerAccessLogs",
        "Effect": "Allow",
        "Principal": principal or {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": resource,
        "Condition": {
            "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{SOURCE}"},
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
        },
    }


DENY_HTTP = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [f"arn:aws:s3:::{LOGS}", f"arn:aws:s3:::{LOGS}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


@pytest.fixture
def s3(aws):
    client = aws.client("s3")
    for name in (SOURCE, LOGS):
        client.create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
            ObjectOwnership="BucketOwnerEnforced",
        )
    return client


def put_logging(s3):
    s3.put_bucket_logging(
        Bucket=SOURCE, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": LOGS, "TargetPrefix": PREFIX}}
    )


def test_a_policy_for_the_logging_service_beside_a_string_principal_enables_logging(s3):
    s3.put_bucket_policy(
        Bucket=LOGS, Policy=json.dumps({"Version": "2012-10-17", "Statement": [DENY_HTTP, delivery_statement()]})
    )

    put_logging(s3)

    got = s3.get_bucket_logging(Bucket=SOURCE)["LoggingEnabled"]
    assert got == {"TargetBucket": LOGS, "TargetPrefix": PREFIX}


def test_a_target_without_a_grant_is_refused(s3):
    s3.put_bucket_policy(Bucket=LOGS, Policy=json.dumps({"Version": "2012-10-17", "Statement": [DENY_HTTP]}))

    with pytest.raises(botocore.exceptions.ClientError) as error:
        put_logging(s3)

    assert error.value.response["Error"]["Code"] == "InvalidTargetBucketForLogging"


def test_a_grant_on_another_prefix_or_to_another_principal_does_not_count():
    policy = {"Statement": [delivery_statement(resource=f"arn:aws:s3:::{LOGS}/elsewhere/*")]}
    assert not allows_log_delivery(policy, "aws", LOGS, PREFIX)
    policy = {"Statement": [delivery_statement(principal={"Service": "delivery.logs.amazonaws.com"})]}
    assert not allows_log_delivery(policy, "aws", LOGS, PREFIX)
    policy = {"Statement": [delivery_statement(resource=f"arn:aws:s3:::{LOGS}/*")]}
    assert allows_log_delivery(policy, "aws", LOGS, PREFIX)
