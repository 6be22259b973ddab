"""The fault proxy: each fault reaches botocore as AWS would send it, and requests pass through unchanged.

Clients here send each request once (``total_max_attempts: 1``) so what the proxy answered is what the test sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.config
import botocore.exceptions
import pytest

from local_aws import LocalAWS
from local_aws.constants import DUMMY_ACCESS_KEY_ID
from local_aws.constants import DUMMY_SECRET_ACCESS_KEY
from local_aws.fault_proxy import FaultProxy
from local_aws.fault_proxy import FaultRule

OAC = {
    "Name": "fault-proxy-oac",
    "OriginAccessControlOriginType": "s3",
    "SigningBehavior": "always",
    "SigningProtocol": "sigv4",
}


@pytest.fixture
def proxy(aws: LocalAWS) -> Iterator[FaultProxy]:
    with FaultProxy(aws) as running:
        yield running


def client(proxy: FaultProxy, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=proxy.endpoint_url,
        verify=str(proxy.ca_file),
        region_name="us-east-1",
        aws_access_key_id=DUMMY_ACCESS_KEY_ID,
        aws_secret_access_key=DUMMY_SECRET_ACCESS_KEY,
        config=botocore.config.Config(retries={"total_max_attempts": 1}),
    )


def error_of(call: Any, **kwargs: Any) -> tuple[str, int]:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize(
    ("service", "operation", "call", "kwargs", "expected"),
    [
        ("s3", "ListBuckets", "list_buckets", {}, ("SlowDown", 503)),
        ("cloudfront", "ListDistributions", "list_distributions", {}, ("Throttling", 400)),
        ("iam", "ListRoles", "list_roles", {}, ("Throttling", 400)),
        ("secretsmanager", "ListSecrets", "list_secrets", {}, ("ThrottlingException", 400)),
        ("mediaconvert", "ListQueues", "list_queues", {}, ("TooManyRequestsException", 429)),
    ],
)
def test_throttling_is_each_service_s_own_error(proxy, service, operation, call, kwargs, expected):
    """Sources: S3 API reference, "Error responses" (``SlowDown``, 503,
    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html); the query and REST-XML APIs' common
    errors (``Throttling``, 400, e.g. IAM API reference "Common Errors"); the JSON APIs' common errors
    (``ThrottlingException``, 400, e.g. Secrets Manager API reference "Common Errors"); MediaConvert API reference
    (``TooManyRequestsException``, 429). botocore retries each of them as throttling."""
    proxy.set_rules([FaultRule(service, operation, "throttle")])
    assert error_of(getattr(client(proxy, service), call), **kwargs) == expected
    # Only the first request was broken: the next one passes through, signature intact.
    getattr(client(proxy, service), call)(**kwargs)
    assert proxy.injected == [(service, operation, "throttle")]


def test_server_errors(proxy):
    proxy.set_rules([FaultRule("cloudfront", "*", "500"), FaultRule("s3", "ListBuckets", "503")])
    assert error_of(client(proxy, "cloudfront").list_distributions) == ("InternalFailure", 500)
    assert error_of(client(proxy, "s3").list_buckets) == ("ServiceUnavailable", 503)


def test_reset_before_the_server_acted(aws, proxy):
    proxy.set_rules([FaultRule("cloudfront", "CreateOriginAccessControl", "reset-before")])
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        client(proxy, "cloudfront").create_origin_access_control(OriginAccessControlConfig=OAC)
    listed = aws.client("cloudfront").list_origin_access_controls()["OriginAccessControlList"]
    assert listed.get("Items", []) == []


def test_reset_after_the_server_acted_and_the_retry_meets_the_resource(aws, proxy):
    """The issue's case: the create happened, its answer was lost, the same request sent again is refused."""
    proxy.set_rules([FaultRule("cloudfront", "CreateOriginAccessControl", "reset-after")])
    cloudfront = client(proxy, "cloudfront")
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        cloudfront.create_origin_access_control(OriginAccessControlConfig=OAC)
    listed = aws.client("cloudfront").list_origin_access_controls()["OriginAccessControlList"]
    assert [item["Name"] for item in listed["Items"]] == [OAC["Name"]]
    assert error_of(cloudfront.create_origin_access_control, OriginAccessControlConfig=OAC) == (
        "OriginAccessControlAlreadyExists",
        409,
    )
    assert proxy.requests == [("cloudfront", "CreateOriginAccessControl")] * 2


def test_rules_count_the_nth_request_and_fire_times_in_a_row():
    rule = FaultRule("iam", "CreateRole", "throttle", nth=2, times=2)
    assert [rule.matches("iam", "CreateRole", n) for n in range(1, 5)] == [False, True, True, False]
    assert not rule.matches("iam", "CreatePolicy", 2)
    with pytest.raises(ValueError, match="fault must be one of"):
        FaultRule("iam", "CreateRole", "timeout")
