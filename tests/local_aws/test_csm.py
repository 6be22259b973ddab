"""Tests of the CSM call recorder against real boto3 clients in child processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from local_aws import LocalAWS
from local_aws.csm import CallRecorder
from local_aws.csm import classify_operation
from local_aws.csm import is_read_operation


def run_boto3(aws: LocalAWS, recorder: CallRecorder, body: str) -> None:
    """Run ``body`` in a child Python with ``s3`` (a boto3 S3 client) and ``ClientError`` in scope."""
    script = "import boto3\nfrom botocore.exceptions import ClientError\ns3 = boto3.client('s3')\n"
    env = {**os.environ, **aws.env(), **recorder.env()}
    subprocess.run([sys.executable, "-c", script + textwrap.dedent(body)], env=env, check=True, timeout=60)


@pytest.mark.parametrize(
    "operation",
    ["GetObject", "HeadBucket", "ListBuckets", "DescribeEndpoints", "GetBucketPolicy", "Get", "list_buckets"],
)
def test_reads(operation: str) -> None:
    assert is_read_operation(operation)
    assert classify_operation(operation) == "read"


@pytest.mark.parametrize(
    "operation",
    ["CreateBucket", "PutObject", "DeleteBucket", "UpdateDistribution", "TagResource", "Listen", "Getaway", ""],
)
def test_writes(operation: str) -> None:
    assert not is_read_operation(operation)
    assert classify_operation(operation) == "write"


def test_env_points_at_the_recorder() -> None:
    with CallRecorder(client_id="unit") as recorder:
        assert recorder.env() == {
            "AWS_CSM_ENABLED": "true",
            "AWS_CSM_HOST": "127.0.0.1",
            "AWS_CSM_PORT": str(recorder.port),
            "AWS_CSM_CLIENT_ID": "unit",
        }


def test_counts_reads_and_writes(aws: LocalAWS) -> None:
    with CallRecorder() as recorder:
        run_boto3(
            aws,
            recorder,
            """
            s3.create_bucket(Bucket="csm-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
            s3.head_bucket(Bucket="csm-bucket")
            s3.list_buckets()
            """,
        )
        recorder.settle()
    assert recorder.calls() == [("S3", "CreateBucket"), ("S3", "HeadBucket"), ("S3", "ListBuckets")]
    assert recorder.writes() == [("S3", "CreateBucket")]
    assert recorder.reads() == [("S3", "HeadBucket"), ("S3", "ListBuckets")]
    assert recorder.summary() == {"S3.CreateBucket": 1, "S3.HeadBucket": 1, "S3.ListBuckets": 1}
    assert all(call.attempts == 1 and call.http_status == 200 for call in recorder.api_calls())
    # One ApiCallAttempt per call as well, which calls() must not count.
    assert sum(event["Type"] == "ApiCallAttempt" for event in recorder.events()) == 3


def test_error_responses_are_recorded_but_client_side_validation_is_not(aws: LocalAWS) -> None:
    with CallRecorder() as recorder:
        run_boto3(
            aws,
            recorder,
            """
            from botocore.exceptions import ParamValidationError
            for call in (lambda: s3.head_bucket(Bucket="no-such-bucket"),
                         lambda: s3.delete_bucket(Bucket="no-such-bucket"),
                         lambda: s3.head_bucket()):
                try:
                    call()
                except (ClientError, ParamValidationError):
                    pass
                else:
                    raise SystemExit("expected an error")
            """,
        )
    calls = recorder.api_calls()
    assert [(c.operation, c.http_status, c.error_code) for c in calls] == [
        ("HeadBucket", 404, "404"),
        ("DeleteBucket", 404, "NoSuchBucket"),
    ]
    assert recorder.reads() == [("S3", "HeadBucket")]
    assert recorder.writes() == [("S3", "DeleteBucket")]


def test_settle_waits_for_late_datagrams() -> None:
    recorder = CallRecorder().start()
    late = b'{"Type": "ApiCall", "Service": "S3", "Api": "PutObject"}'

    def send_later() -> None:
        time.sleep(0.15)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(b"not json", ("127.0.0.1", recorder.port))
            sender.sendto(late, ("127.0.0.1", recorder.port))

    thread = threading.Thread(target=send_later)
    thread.start()
    recorder.stop()
    thread.join()
    assert recorder.calls() == [("S3", "PutObject")]
    assert recorder.dropped == 1
    recorder.clear()
    assert recorder.calls() == [] and recorder.dropped == 0


def test_without_listener_boto3_still_works(aws: LocalAWS) -> None:
    recorder = CallRecorder().start()
    env = recorder.env()
    recorder.stop()  # nobody listens on the port any more
    script = "import boto3; boto3.client('s3').list_buckets()"
    subprocess.run([sys.executable, "-c", script], env={**os.environ, **aws.env(), **env}, check=True, timeout=60)
    assert recorder.calls() == []


def test_api_version_suffix_is_dropped():
    from local_aws.csm import operation_name  # noqa: PLC0415

    assert operation_name("ListPublicKeys2020_05_31") == "ListPublicKeys"
    assert operation_name("CreateBucket") == "CreateBucket"
