"""playbooks/teardown.yml on the local AWS: order, emptiness of the account afterwards, buckets kept unless asked,
idempotence, check mode, the prod confirmation, and a fresh site.yml afterwards that validate.yml passes."""

from __future__ import annotations

import json

import pytest

from tests.local_aws.certificates import new_public_key_pem as public_pem
from tests.scenarios.checklist import validate_passes

TEARDOWN = "playbooks/teardown.yml"
MASTER = "storytime-master-uploads-local"
SECRET = "storytime/local/cloudfront_private_key"


def remaining(aws) -> dict[str, list]:
    """What the collection creates, as found in the account."""
    cloudfront = aws.client("cloudfront")
    mediaconvert = aws.client("mediaconvert")
    iam = aws.client("iam")
    custom_policies = cloudfront.list_cache_policies(Type="custom")["CachePolicyList"].get("Items", [])
    return {
        "buckets": [b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]],
        "distributions": cloudfront.list_distributions()["DistributionList"].get("Items", []),
        "key_groups": cloudfront.list_key_groups()["KeyGroupList"].get("Items", []),
        "public_keys": cloudfront.list_public_keys()["PublicKeyList"].get("Items", []),
        "cache_policies": custom_policies,
        "origin_access_controls": cloudfront.list_origin_access_controls()["OriginAccessControlList"].get("Items", []),
        "roles": [r["RoleName"] for r in iam.list_roles()["Roles"]],
        "policies": [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]],
        "queues": [q["Name"] for q in mediaconvert.list_queues()["Queues"] if q["Name"] != "Default"],
        "job_templates": [t["Name"] for t in mediaconvert.list_job_templates()["JobTemplates"]],
        "rules": [r["Name"] for r in aws.client("events").list_rules()["Rules"]],
        "sqs": aws.client("sqs").list_queues().get("QueueUrls", []),
        "web_acls": aws.client("wafv2", region_name="us-east-1").list_web_acls(Scope="CLOUDFRONT")["WebACLs"],
        "log_delivery_sources": aws.client("logs", region_name="us-east-1")
        .describe_delivery_sources()
        .get("deliverySources", []),
    }


@pytest.mark.e2e
def test_teardown_removes_everything_in_order_and_a_second_run_is_a_no_op(converged, playbook, aws, tmp_path):
    site = converged
    assert site.rc == 0, site.failure_messages()
    outputs = json.loads((tmp_path / "outputs" / "local.json").read_text())
    aws.client("s3").put_object(Bucket=MASTER, Key="masters/1.mp4", Body=b"master")

    # --check predicts the teardown, including that the bucket with an object would be kept; it writes nothing.
    preview = playbook.run(playbook=TEARDOWN, check=True)
    assert preview.rc != 0
    assert any(f"Kept {MASTER}" in m for m in preview.failure_messages()), preview.failure_messages()
    assert preview.writes == []
    assert preview.stats()["changed"] > 0

    # Without the explicit variable a bucket with objects is kept, and the run says how to delete it.
    kept = playbook.run(playbook=TEARDOWN)
    assert kept.rc != 0
    assert any(
        f"Kept {MASTER}" in m and "storage_teardown_empty_buckets=true" in m for m in kept.failure_messages()
    ), kept.failure_messages()
    left = remaining(aws)
    # The access logs bucket (issue 12) is kept too when it already holds log objects (the local S3 delivers the
    # buckets' server access logs); it goes with storage_teardown_empty_buckets=true.
    assert MASTER in left["buckets"]
    assert set(left["buckets"]) <= {MASTER, "storytime-access-logs-local"}
    assert all(not value for name, value in left.items() if name != "buckets"), left

    emptied = playbook.run(playbook=TEARDOWN, extra_vars={"storage_teardown_empty_buckets": True})
    assert emptied.rc == 0, emptied.failure_messages()
    assert all(not value for value in remaining(aws).values()), remaining(aws)
    # The secret is scheduled for deletion with the default 30-day recovery window, not deleted at once.
    secret = aws.client("secretsmanager").describe_secret(SecretId=SECRET)
    assert "DeletedDate" in secret
    assert not (tmp_path / "outputs" / "local.json").exists()

    again = playbook.run(playbook=TEARDOWN)
    assert again.rc == 0, again.failure_messages()
    assert again.stats()["changed"] == 0
    assert again.writes == []

    # A fresh site.yml builds the environment again, with outputs of the same shape.
    rebuilt = playbook.run()
    assert rebuilt.rc == 0, rebuilt.failure_messages()
    assert sorted(json.loads((tmp_path / "outputs" / "local.json").read_text())) == sorted(outputs)
    # ... that works end to end (upload, transcode, signed-cookie playback), like the first one (issue 12, item 2).
    validate_passes(playbook)


def test_prod_is_refused_without_a_confirmation_naming_it(playbook, aws):
    inventory = playbook.inventory(
        "local",
        {
            "storytime_environment": "prod",
            "storytime_admin_origins": ["https://admin.storytime.example"],
            "cloudfront_hls_public_keys": [public_pem()],
        },
    )
    refused = playbook.run(playbook=TEARDOWN, inventory=inventory, extra_vars={"teardown_confirm": "dev"})
    assert refused.rc != 0
    assert any(
        "Confirm with -e teardown_confirm=prod" in m for m in refused.failure_messages()
    ), refused.failure_messages()
    assert refused.calls == []
