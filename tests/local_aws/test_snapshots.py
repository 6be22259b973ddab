"""Snapshots of the local AWS state (local_aws.snapshots): what a restore brings back, and what it refuses."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request

import pytest

from local_aws.constants import RESTORE_PREFIX
from local_aws.constants import SNAPSHOT_PREFIX
from tests.local_aws.certificates import new_public_key_pem as public_pem


def state(aws) -> dict:
    """What the test's resources look like, across moto's services and the emulated ones."""
    s3, iam, cloudfront = aws.client("s3"), aws.client("iam"), aws.client("cloudfront")
    mediaconvert = aws.client("mediaconvert")
    buckets = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    return {
        "buckets": buckets,
        "objects": {b: sorted(o["Key"] for o in s3.list_objects_v2(Bucket=b).get("Contents", [])) for b in buckets},
        "body": s3.get_object(Bucket="snap-one", Key="a.txt")["Body"].read() if "snap-one" in buckets else None,
        "roles": sorted(r["RoleName"] for r in iam.list_roles()["Roles"]),
        "public_keys": sorted(k["Name"] for k in cloudfront.list_public_keys()["PublicKeyList"].get("Items", [])),
        "queues": sorted(q["Name"] for q in mediaconvert.list_queues()["Queues"]),
    }


def test_a_restore_brings_back_every_service_as_saved_and_can_be_repeated(aws):
    s3, iam, cloudfront = aws.client("s3"), aws.client("iam"), aws.client("cloudfront")
    s3.create_bucket(Bucket="snap-one", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket="snap-one", Key="a.txt", Body=b"saved")
    iam.create_role(
        RoleName="snap-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []})
    )
    cloudfront.create_public_key(
        PublicKeyConfig={"CallerReference": "r1", "Name": "snap-key", "EncodedKey": public_pem()}
    )
    aws.client("mediaconvert").create_queue(Name="snap-queue")
    saved = state(aws)

    aws.snapshot("test-snap")
    # Changes after the snapshot, in every service: all of them undone by the restore.
    s3.put_object(Bucket="snap-one", Key="a.txt", Body=b"overwritten")
    s3.put_object(Bucket="snap-one", Key="b.txt", Body=b"new")
    s3.create_bucket(Bucket="snap-two", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    iam.delete_role(RoleName="snap-role")
    cloudfront.create_public_key(
        PublicKeyConfig={"CallerReference": "r2", "Name": "later-key", "EncodedKey": public_pem()}
    )
    aws.client("mediaconvert").delete_queue(Name="snap-queue")
    assert state(aws) != saved

    aws.restore("test-snap")
    assert state(aws) == saved
    assert saved["body"] == b"saved"

    # The snapshot is not the live state: changing the restored state leaves it intact for the next restore.
    s3.delete_object(Bucket="snap-one", Key="a.txt")
    s3.delete_bucket(Bucket="snap-one")
    aws.restore("test-snap")
    assert state(aws) == saved
    # A bucket name freed by the restore can be created again (S3's bucket name index is part of the state).
    s3.create_bucket(Bucket="snap-two", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

    # An ordinary reset empties the server; the snapshot survives it.
    aws.reset()
    assert state(aws)["buckets"] == []
    aws.restore("test-snap")
    assert state(aws) == saved


def post(aws, path: str, method: str = "POST") -> tuple[int, dict]:
    request = urllib.request.Request(aws.endpoint_url + path, data=b"" if method == "POST" else None, method=method)
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=str(aws.ca_file)))
    )
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_unknown_names_and_other_methods_are_refused(aws):
    status, body = post(aws, RESTORE_PREFIX + "never-saved")
    assert status == 409
    assert "no snapshot named 'never-saved'" in body["error"]
    assert post(aws, SNAPSHOT_PREFIX + "x", method="GET")[0] == 405
    assert post(aws, SNAPSHOT_PREFIX)[0] == 400
    with pytest.raises(RuntimeError, match="HTTP 409"):
        aws.restore("never-saved")
