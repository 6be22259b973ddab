"""The MediaConvert role site.yml creates holds exactly what MediaConvert needs: take a grant away, the job fails.

After one converge, the statements of the role's managed policy are removed one at a time (a new default
policy version, as an operator would do it) and a job from the Rails document runs with the role each time.
MediaConvert reads the master and writes the HLS outputs as the role's STS session, so:

* without ``WriteHlsOutputs`` (``s3:PutObject`` on the HLS bucket) the job ends in ERROR 1401, nothing is written;
* without ``ReadMasterUploads`` (``s3:GetObject`` on the masters) it ends in ERROR 1010;
* with the policy as site.yml wrote it the job completes.
"""

from __future__ import annotations

import json

import pytest

from tests.scenarios.test_site_mediaconvert import HLS
from tests.scenarios.test_site_mediaconvert import MASTER
from tests.scenarios.test_site_mediaconvert import NOTIFICATIONS
from tests.scenarios.test_site_mediaconvert import clip  # noqa: F401  (fixture)
from tests.scenarios.test_site_mediaconvert import job_request
from tests.scenarios.test_site_mediaconvert import received_statuses
from tests.scenarios.test_site_mediaconvert import wait_for

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

ROLE = "storytime-local-mediaconvert"


def role_policy(iam):
    """The ARN of the role's managed policy and its default version's document."""
    (attached,) = iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    arn = attached["PolicyArn"]
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    return arn, version, json.loads(document) if isinstance(document, str) else document


def without(document, sid):
    """``document`` without the statement ``sid`` (which must be there)."""
    statements = [s for s in document["Statement"] if s.get("Sid") != sid]
    assert len(statements) == len(document["Statement"]) - 1, sid
    return {**document, "Statement": statements}


def keys(s3, bucket, prefix):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def test_each_grant_of_the_mediaconvert_role_is_needed(converged, playbook, aws, tmp_path, clip):  # noqa: F811
    """MediaConvert user guide: "Setting up IAM permissions" (iam-role.html: the role is what gives MediaConvert
    access to the input files and the output locations) and "Error codes" (mediaconvert_error_codes.html: 1010 input
    file access, 1401 "Amazon S3 denied access to a file or bucket"); IAM user guide, "Managing versions of IAM
    policies" (the default version is the one in effect)."""
    s3, iam, mediaconvert, sqs = aws.client("s3"), aws.client("iam"), aws.client("mediaconvert"), aws.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=NOTIFICATIONS)["QueueUrl"]
    s3.upload_file(str(clip), MASTER, "masters/9.mp4")
    arn, original_version, original = role_policy(iam)

    # No s3:PutObject on the HLS bucket: the job cannot write its first segment, and writes nothing after it.
    iam.create_policy_version(
        PolicyArn=arn, PolicyDocument=json.dumps(without(original, "WriteHlsOutputs")), SetAsDefault=True
    )
    job = wait_for(mediaconvert, mediaconvert.create_job(**job_request(tmp_path, "masters/9.mp4", "9"))["Job"]["Id"])
    assert (job["Status"], job["ErrorCode"]) == ("ERROR", 1401), job.get("ErrorMessage")
    assert job["ErrorMessage"].startswith(f"Unable to write to output file [s3://{HLS}/books/9/")
    assert keys(s3, HLS, "books/9/") == []
    assert "ERROR" in received_statuses(sqs, queue_url, ["ERROR"])

    # No s3:GetObject on the masters: the job cannot open its input.
    iam.create_policy_version(
        PolicyArn=arn, PolicyDocument=json.dumps(without(original, "ReadMasterUploads")), SetAsDefault=True
    )
    job = wait_for(mediaconvert, mediaconvert.create_job(**job_request(tmp_path, "masters/9.mp4", "10"))["Job"]["Id"])
    assert (job["Status"], job["ErrorCode"]) == ("ERROR", 1010), job.get("ErrorMessage")
    assert f"s3://{MASTER}/masters/9.mp4" in job["ErrorMessage"]
    assert keys(s3, HLS, "books/10/") == []
    assert "ERROR" in received_statuses(sqs, queue_url, ["ERROR"])

    # The policy as site.yml wrote it again: the same job completes.
    iam.set_default_policy_version(PolicyArn=arn, VersionId=original_version)
    job = wait_for(mediaconvert, mediaconvert.create_job(**job_request(tmp_path, "masters/9.mp4", "11"))["Job"]["Id"])
    assert job["Status"] == "COMPLETE", job.get("ErrorMessage")
    assert "books/11/index.m3u8" in keys(s3, HLS, "books/11/")
    assert "COMPLETE" in received_statuses(sqs, queue_url, ["COMPLETE"])
