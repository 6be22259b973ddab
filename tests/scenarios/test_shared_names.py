"""What one role owns and others use is named once, on the owner (issue 15: roles never read another role's
variables; playbooks/tasks/share_inputs.yml hands the names on).

One converge of ``site.yml`` from an empty account with the storage role's buckets and the secrets role's secret
renamed in the inventory: every role that uses them (CloudFront, IAM, MediaConvert, the Rails document) must use the
new names, and nothing may be made under the names of the naming rules. A using role's own variable, set in the
inventory, still wins (here the job document's path).
"""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

RENAMED = {
    "storage_master_uploads_bucket_name": "st-renamed-masters",
    "storage_hls_outputs_bucket_name": "st-renamed-hls",
    "storage_access_logs_bucket_name": "st-renamed-logs",
    "secrets_cloudfront_private_key_secret_name": "storytime/local/renamed-signing-key",
}


def _document(iam, arn: str) -> dict:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    return json.loads(unquote(document)) if isinstance(document, str) else document


def test_names_set_on_the_owning_role_reach_every_role_that_uses_them(playbook, aws, tmp_path):
    job_document = tmp_path / "rails" / "job.json"
    inventory = playbook.inventory("local", {**RENAMED, "mediaconvert_job_document_path": str(job_document)})
    run = playbook.run(inventory=inventory)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]

    s3 = aws.client("s3")
    assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == sorted(
        RENAMED[k] for k in RENAMED if k.startswith("storage_")
    )

    # CloudFront: the origin is the renamed HLS bucket, which lets exactly this distribution read it; the access
    # logs go to the renamed logs bucket (its policy lets the log delivery write under cloudfront/).
    cloudfront = aws.client("cloudfront")
    (summary,) = cloudfront.list_distributions()["DistributionList"]["Items"]
    (origin,) = summary["Origins"]["Items"]
    assert origin["DomainName"] == "st-renamed-hls.s3.eu-west-1.amazonaws.com"
    hls_policy = json.loads(s3.get_bucket_policy(Bucket="st-renamed-hls")["Policy"])
    reads = [s for s in hls_policy["Statement"] if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
    assert [s["Condition"]["StringEquals"]["AWS:SourceArn"] for s in reads] == [summary["ARN"]]
    logs_policy = json.dumps(json.loads(s3.get_bucket_policy(Bucket="st-renamed-logs")["Policy"]))
    assert "arn:aws:s3:::st-renamed-logs/cloudfront/" in logs_policy

    # The secret exists only under its new name, and holds the signing key pair.
    secrets = aws.client("secretsmanager")
    names = [s["Name"] for s in secrets.list_secrets()["SecretList"]]
    assert names == ["storytime/local/renamed-signing-key"]
    value = json.loads(secrets.get_secret_value(SecretId=names[0])["SecretString"])
    assert set(value) == {"key_pair_id", "private_key_pem"}

    # IAM: the MediaConvert role and the Rails app's policy name the renamed buckets and secret, and nothing else.
    outputs = json.loads((tmp_path / "outputs" / "local.json").read_text())
    iam = aws.client("iam")
    rails = json.dumps(_document(iam, outputs["rails_app_policy_arn"]))
    for name in ("arn:aws:s3:::st-renamed-masters/", ":secret:storytime/local/renamed-signing-key-"):
        assert name in rails, name
    account = outputs["rails_app_policy_arn"].split(":")[4]
    access_policy = f"arn:aws:iam::{account}:policy/storytime-local-mediaconvert-access"
    mediaconvert_policy = json.dumps(_document(iam, access_policy))
    assert "arn:aws:s3:::st-renamed-masters/" in mediaconvert_policy
    assert "arn:aws:s3:::st-renamed-hls/" in mediaconvert_policy
    for rule_name in ("storytime-master-uploads-local", "storytime-hls-outputs-local", "cloudfront_private_key"):
        assert rule_name not in rails + mediaconvert_policy, rule_name

    # MediaConvert: the Rails document writes to the renamed HLS bucket (the job template names no destination);
    # the document is where the inventory put it (the using role's own variable wins over the hand-on).
    request = json.loads(job_document.read_text())
    destination = request["Settings"]["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"]["Destination"]
    assert destination == "s3://st-renamed-hls/books/${BOOK_ID}/index"
    assert not (tmp_path / "outputs" / "local.mediaconvert-job.json").exists()

    assert outputs["master_uploads_bucket_name"] == "st-renamed-masters"
    assert outputs["hls_outputs_bucket_name"] == "st-renamed-hls"
    assert outputs["cloudfront_private_key_secret_name"] == "storytime/local/renamed-signing-key"
