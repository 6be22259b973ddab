"""s3_presigned_post in a playbook against the local AWS: the upload the admin console's browser makes.

The bucket has a TLS-only policy (``Bool aws:SecureTransport false`` → Deny), and the local AWS checks POST policies
as S3 does (local_aws.s3_post), so these runs exercise the signature, the conditions and the bucket policy.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.local_aws.policies import deny_insecure_transport

pytestmark = pytest.mark.scenario

BUCKET = "storytime-master-uploads-local"
TASK = "Upload a clip as the admin console would"
DEFAULTS = {
    "group/storytime.video_infra.aws": {
        "region": "{{ storytime_aws_region }}",
        "endpoint_url": "{{ storytime_aws_endpoint_url }}",
        "aws_ca_bundle": "{{ storytime_aws_ca_bundle }}",
        "access_key": "{{ storytime_aws_access_key }}",
        "secret_key": "{{ storytime_aws_secret_key }}",
    }
}
TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [deny_insecure_transport(BUCKET)],
}


@pytest.fixture
def bucket(s3) -> str:
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(TLS_ONLY))
    return BUCKET


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4096) + b"\r\n--boundary--\r\n")
    return path


def run_upload(playbook, tmp_path: Path, args: dict[str, Any], **kwargs):
    task = {"name": TASK, "module_defaults": DEFAULTS, "storytime.video_infra.s3_presigned_post": args}
    play = {"name": "Presigned POST", "hosts": "storytime", "gather_facts": False, "tasks": [task]}
    path = tmp_path / "presigned-post.yml"
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    run = playbook.run(playbook=str(path), inventory=playbook.inventory("local"), **kwargs)
    (result,) = run.task_results(TASK)
    assert "local-aws-operator-secret-access-key" not in run.stdout + run.stderr
    return run, result


def objects(s3) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_the_module_uploads_a_clip_through_the_presigned_post(playbook, tmp_path, s3, bucket, clip):
    args = {"bucket": bucket, "key": "books/42/${filename}", "content_type": "video/mp4", "upload_file": str(clip)}

    run, result = run_upload(playbook, tmp_path, args)

    assert run.rc == 0, run.stdout + run.stderr
    assert result["changed"] is True
    upload = result["upload"]
    assert upload["status"] == 201
    assert upload["key"] == "books/42/clip.mp4"
    assert upload["size"] == clip.stat().st_size
    assert upload["etag"] == hashlib.md5(clip.read_bytes()).hexdigest()  # S3's ETag
    assert upload["location"].startswith(playbook.server.endpoint_url)
    stored = s3.get_object(Bucket=BUCKET, Key="books/42/clip.mp4")
    assert stored["Body"].read() == clip.read_bytes()
    assert stored["ContentType"] == "video/mp4"
    assert result["fields"]["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert result["fields"]["x-amz-credential"].startswith("AKIALOCALAWSOPERATOR/")


def test_a_file_over_the_size_limit_fails_with_entity_too_large(playbook, tmp_path, s3, bucket, clip):
    args = {"bucket": bucket, "key": "books/42/master.mp4", "content_length_range": {"max": 1024}}
    args["upload_file"] = str(clip)

    run, result = run_upload(playbook, tmp_path, args)

    assert run.rc != 0
    assert result["failed"] is True
    assert "EntityTooLarge" in result["msg"]
    assert "MaxSizeAllowed 1024" in result["msg"]
    assert objects(s3) == []


def test_check_mode_uploads_nothing(playbook, tmp_path, s3, bucket, clip):
    args = {"bucket": bucket, "key": "books/42/master.mp4", "upload_file": str(clip)}

    run, result = run_upload(playbook, tmp_path, args, check=True)

    assert run.rc == 0, run.stdout + run.stderr
    assert result["changed"] is True
    assert "upload" not in result
    assert result["fields"]["key"] == "books/42/master.mp4"
    assert objects(s3) == []
    assert run.calls == []
