"""The Rails app's policy, exercised by the Rails app's own identity against the strict local AWS.

After site.yml, the local AWS's Rails user (``storytime-local-rails``, created with no permissions) holds exactly the
Rails policy the collection attached. Each Rails step works with that policy, and removing the statement a step
needs makes that step fail with the error AWS gives, so a statement the policy lacks is found here, not on the
first real deployment.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from local_aws.identities import RAILS

pytestmark = pytest.mark.scenario

MASTER = "storytime-master-uploads-local"
POLICY_NAME = "storytime-local-rails-app"
ACCOUNT = "123456789012"
POLICY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/{POLICY_NAME}"
SECRET = "storytime/local/cloudfront_private_key"


def rails_client(aws, service, **config):
    return boto3.client(
        service,
        endpoint_url=aws.endpoint_url,
        region_name="eu-west-1",
        aws_access_key_id=RAILS.access_key_id,
        aws_secret_access_key=RAILS.secret_access_key,
        verify=str(aws.ca_file),
        config=Config(retries={"max_attempts": 1}, **config),
    )


def policy_document(iam):
    version = iam.get_policy(PolicyArn=POLICY_ARN)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=POLICY_ARN, VersionId=version)["PolicyVersion"]["Document"]
    return json.loads(document) if isinstance(document, str) else document


def set_policy(iam, document):
    """Make ``document`` the Rails policy's default version (at most five versions exist)."""
    versions = iam.list_policy_versions(PolicyArn=POLICY_ARN)["Versions"]
    for version in versions:
        if not version["IsDefaultVersion"] and len(versions) >= 4:
            iam.delete_policy_version(PolicyArn=POLICY_ARN, VersionId=version["VersionId"])
    iam.create_policy_version(PolicyArn=POLICY_ARN, PolicyDocument=json.dumps(document), SetAsDefault=True)


def without(document, sid):
    statements = [s for s in document["Statement"] if s.get("Sid") != sid]
    assert len(statements) == len(document["Statement"]) - 1, f"no statement {sid}"
    return {**document, "Statement": statements}


def presigned_upload(aws, key):
    """What the admin console does with the presigned POST Rails makes: (HTTP status, body)."""
    s3 = rails_client(aws, "s3", signature_version="s3v4")
    post = s3.generate_presigned_post(MASTER, key, ExpiresIn=300)
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in post["fields"].items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n".encode() + b"master" + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        post["url"],
        data=b"".join(parts),
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=str(aws.ca_file))) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def job_request(tmp_path):
    text = (tmp_path / "outputs" / "local.mediaconvert-job.json").read_text()
    text = text.replace("${MASTER_S3_URL}", f"s3://{MASTER}/masters/grants.mp4").replace("${BOOK_ID}", "grants")
    return json.loads(text)


def test_the_rails_policy_grants_each_step_and_each_statement_is_needed(converged, playbook, aws, tmp_path):
    """IAM user guide, "Policy evaluation logic" (implicit deny without an allow); MediaConvert user guide, "Setting
    up IAM permissions" (the caller of CreateJob needs iam:PassRole on the job's role); Secrets Manager user guide,
    "Authentication and access control" (secretsmanager:GetSecretValue); S3 API reference, "Browser-Based Uploads
    Using POST" (the upload runs with the signer's permissions)."""
    iam = aws.client("iam")
    attached = iam.list_attached_user_policies(UserName=RAILS.user_name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [POLICY_ARN]
    original = policy_document(iam)
    request = job_request(tmp_path)
    mediaconvert = rails_client(aws, "mediaconvert")
    secrets = rails_client(aws, "secretsmanager")

    # The unchanged policy: every Rails step works.
    assert presigned_upload(aws, "masters/grants.mp4")[0] == 204
    job = mediaconvert.create_job(**request)["Job"]
    assert mediaconvert.get_job(Id=job["Id"])["Job"]["Id"] == job["Id"]
    assert "private_key_pem" in json.loads(secrets.get_secret_value(SecretId=SECRET)["SecretString"])
    # ...and nothing beyond them: the Rails app cannot read the HLS output or change IAM.
    with pytest.raises(ClientError) as raised:
        rails_client(aws, "iam").list_users()
    assert raised.value.response["Error"]["Code"] == "AccessDenied"

    set_policy(iam, without(original, "PassMediaConvertRoleToMediaConvert"))
    with pytest.raises(ClientError) as raised:
        mediaconvert.create_job(**request)
    assert raised.value.response["Error"]["Code"] == "ForbiddenException"
    assert "iam:PassRole" in raised.value.response["Error"]["Message"]

    set_policy(iam, without(original, "SubmitMediaConvertJobs"))
    with pytest.raises(ClientError) as raised:
        mediaconvert.create_job(**request)
    assert "mediaconvert:CreateJob" in raised.value.response["Error"]["Message"]

    set_policy(iam, without(original, "ReadCloudFrontSigningKey"))
    with pytest.raises(ClientError) as raised:
        secrets.get_secret_value(SecretId=SECRET)
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"

    set_policy(iam, without(original, "PresignMasterUploads"))
    status, body = presigned_upload(aws, "masters/refused.mp4")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body

    set_policy(iam, original)
    assert presigned_upload(aws, "masters/again.mp4")[0] == 204
    assert mediaconvert.create_job(**request)["Job"]["Status"] in ("SUBMITTED", "PROGRESSING")
