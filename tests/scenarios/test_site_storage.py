"""site.yml on the local inventory: the two buckets, idempotence, check mode, drift repair, bad input."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.scenario

MASTER = "storytime-master-uploads-local"
HLS = "storytime-hls-outputs-local"
LOGS = "storytime-access-logs-local"
PAB_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
TAGS = {"Project": "storytime", "Environment": "local", "ManagedBy": "ansible"}


def assert_private_bucket(s3, name):
    assert s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"] == PAB_ALL
    rules = s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    sse = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert sse["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    tls = next(s for s in policy["Statement"] if s["Sid"] == "DenyInsecureTransport")
    assert tls["Effect"] == "Deny"
    assert tls["Principal"] == "*"
    assert tls["Action"] == "s3:*"
    assert sorted(tls["Resource"]) == [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]}
    assert tags == TAGS


def lifecycle(s3, name):
    return {rule["ID"]: rule for rule in s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]}


def test_converge_creates_both_buckets_as_specified(converged, s3, tmp_path):
    run = converged
    assert run.rc == 0, run.stdout + run.stderr

    # The third bucket, the access logs bucket (issue 12), is covered by test_security_posture.py.
    assert {b["Name"] for b in s3.list_buckets()["Buckets"]} == {MASTER, HLS, LOGS}
    for name in (MASTER, HLS):
        assert_private_bucket(s3, name)
        assert s3.head_bucket(Bucket=name)["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"

    # Master uploads: versioning, lifecycle, CORS for browser uploads from the admin console.
    assert s3.get_bucket_versioning(Bucket=MASTER)["Status"] == "Enabled"
    rules = lifecycle(s3, MASTER)
    assert rules["archive-masters"]["Transitions"] == [{"Days": 60, "StorageClass": "GLACIER"}]
    assert rules["archive-masters"]["Status"] == "Enabled"
    assert rules["expire-noncurrent-masters"]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 90
    assert rules["abort-incomplete-multipart-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}
    (cors,) = s3.get_bucket_cors(Bucket=MASTER)["CORSRules"]
    assert sorted(cors["AllowedMethods"]) == ["GET", "HEAD", "POST", "PUT"]
    assert cors["AllowedOrigins"] == ["http://localhost:3000"]
    assert cors["AllowedHeaders"] == ["*"]
    assert cors["ExposeHeaders"] == ["ETag"]
    assert cors["MaxAgeSeconds"] == 3000

    # HLS outputs: no CORS, no versioning, incomplete uploads cleaned.
    assert "Status" not in s3.get_bucket_versioning(Bucket=HLS)
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchCORSConfiguration"):
        s3.get_bucket_cors(Bucket=HLS)
    assert set(lifecycle(s3, HLS)) == {"abort-incomplete-multipart-uploads"}

    # Outputs for Rails.
    outputs = json.loads((tmp_path / "outputs" / "local.json").read_text())
    assert outputs["master_uploads_bucket_name"] == MASTER
    assert outputs["hls_outputs_bucket_name"] == HLS
    assert outputs["aws_region"] == "eu-west-1"
    dotenv = (tmp_path / "outputs" / "local.env").read_text()
    assert f"STORYTIME_MASTER_UPLOADS_BUCKET_NAME={MASTER}\n" in dotenv
    assert "AWS_REGION=eu-west-1\n" in dotenv


def test_second_run_and_check_run_change_nothing_and_write_nothing(converged, playbook):
    first = converged
    assert first.rc == 0, first.stdout + first.stderr
    assert first.stats()["changed"] > 0

    second = playbook.run()
    assert second.rc == 0, second.stdout + second.stderr
    assert second.stats()["changed"] == 0
    assert second.writes == []
    # Without outputs_ssm_enabled the SSM task's loop is empty: skipped as one task, no SSM call, no item rendered.
    (ssm,) = second.task_results("Publish the outputs as SSM parameters")
    assert ssm["skipped"] is True and ssm.get("results", []) == [], ssm
    assert "SSM" not in {service for service, _op in second.calls}

    # The buckets alone (the storage play): the foundation issue's target was at most 18 reads for two buckets;
    # issue 12 added the access logs bucket, logging and notifications, and the account ID for the log delivery
    # policy (measured: 32 reads = GetCallerIdentity + 31 for the three buckets; the aws_caller lookup makes no
    # ListAccountAliases call, which amazon.aws.aws_caller_info added before).
    storage_only = playbook.run(tags="storage")
    assert storage_only.rc == 0, storage_only.stdout + storage_only.stderr
    assert storage_only.writes == []
    assert {service for service, _op in storage_only.calls} == {"S3", "STS"}
    assert [op for _svc, op in storage_only.calls].count("GetCallerIdentity") == 1
    assert 0 < len(storage_only.reads) <= 32, storage_only.reads

    check = playbook.run(check=True, diff=True)
    assert check.rc == 0, check.stdout + check.stderr
    assert check.stats()["changed"] == 0
    assert check.writes == []


@pytest.mark.parametrize(
    ("part", "plays"),
    [
        # The Rails policy names the secret by its full ARN, which only the secrets part reads back: without it, the
        # policy would be rewritten with the "-??????" form (and back on the next whole run).
        ("iam", ["Secret", "IAM"]),
        # The job documents name the MediaConvert role by its ARN: without the IAM part, they would be rewritten with
        # the ${MEDIACONVERT_ROLE_ARN} placeholder.
        ("mediaconvert", ["Secret", "IAM", "MediaConvert"]),
    ],
)
def test_a_part_run_alone_on_the_converged_stack_changes_nothing(converged, playbook, part, plays):
    """README: "Run one part with tags". A part that names another part's resource by an ID only AWS knows runs with
    that part, so a part alone is a no-op on a converged stack, as the whole run is."""
    jobs = sorted((playbook.tmp_path / "outputs").glob("local.mediaconvert-job.*.json"))
    assert len(jobs) == 6  # five renditions and their index
    before = {job.name: job.read_text() for job in jobs}

    alone = playbook.run(tags=part, diff=True)
    assert alone.rc == 0, alone.failure_messages()
    assert alone.stats()["changed"] == 0, alone.stdout[-4000:]
    assert alone.writes == []
    assert {job.name: job.read_text() for job in jobs} == before
    # Ansible validates every play's role arguments whatever the tags: a play ran when it ran another task.
    with_tasks = [
        play["play"]["name"]
        for play in alone.result["plays"]
        if any(
            "Validating arguments" not in task["task"]["name"] and not task["hosts"]["storytime-local"].get("skipped")
            for task in play["tasks"]
        )
    ]
    assert [name.split(" ")[0] for name in with_tasks] == ["Check", *plays]  # the outputs need every part


# --check --diff on a fresh account, the storage part's plan included: test_site_cloudfront.py (one run for all parts).


def test_drift_is_reported_by_check_mode_and_repaired(converged, playbook, s3):
    # The drift is in the storage part: the storage play alone (with the inventory check) reports and repairs it.
    s3.delete_public_access_block(Bucket=MASTER)
    s3.put_bucket_versioning(Bucket=MASTER, VersioningConfiguration={"Status": "Suspended"})
    s3.delete_bucket_cors(Bucket=MASTER)

    check = playbook.run(check=True, tags="storage")
    assert check.rc == 0, check.stdout + check.stderr
    assert check.writes == []
    (master,) = check.task_results("Master uploads bucket")
    assert master["changed"] is True
    assert master["changed_settings"] == ["public_access_block", "versioning", "cors_rules"]
    (hls,) = check.task_results("HLS outputs bucket")
    assert hls["changed"] is False

    repair = playbook.run(tags="storage")
    assert repair.rc == 0, repair.stdout + repair.stderr
    (master,) = repair.task_results("Master uploads bucket")
    assert master["changed"] is True
    assert sorted(repair.writes) == ["PutBucketCors", "PutBucketVersioning", "PutPublicAccessBlock"]
    assert_private_bucket(s3, MASTER)
    assert s3.get_bucket_versioning(Bucket=MASTER)["Status"] == "Enabled"
    assert s3.get_bucket_cors(Bucket=MASTER)["CORSRules"][0]["AllowedOrigins"] == ["http://localhost:3000"]

    again = playbook.run(tags="storage")
    assert again.stats()["changed"] == 0


def policy_sids(s3, bucket) -> list[str]:
    return [s["Sid"] for s in json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]]


def test_bucket_policies_hold_exactly_the_declared_statements(converged, playbook, aws, s3):
    """Issue 12: a statement added out of band is reported by --check --diff and removed; named extras stay.

    Both bucket policies are written by the storage and CloudFront parts (the latter adds the distribution's read
    grant), so after the whole site converged the runs here are those two parts."""
    parts = "storage,cloudfront"
    account = aws.client("sts").get_caller_identity()["Account"]
    auditor = f"arn:aws:iam::{account}:user/storytime-local-rails"
    auditors = {
        "Sid": "AuditorsMayList",
        "Effect": "Allow",
        "Principal": {"AWS": auditor},
        "Action": "s3:ListBucket",
        "Resource": f"arn:aws:s3:::{HLS}",
    }
    inventory = playbook.inventory("local", {"storage_hls_outputs_extra_policy_statements": [auditors]})
    assert playbook.run(inventory=inventory, tags=parts).rc == 0
    # The order statements are added in does not matter to S3 (and here the read grant was there first).
    assert sorted(policy_sids(s3, HLS)) == [
        "AllowCloudFrontServicePrincipalReadOnly",
        "AuditorsMayList",
        "DenyInsecureTransport",
    ]

    # Out of band: public access block lifted, an allow-all read and a grant to another principal on the HLS
    # bucket; a grant to another principal on the master bucket.
    s3.put_public_access_block(
        Bucket=HLS,
        PublicAccessBlockConfiguration={**PAB_ALL, "BlockPublicPolicy": False, "RestrictPublicBuckets": False},
    )
    hls_policy = json.loads(s3.get_bucket_policy(Bucket=HLS)["Policy"])
    hls_policy["Statement"] += [
        {
            "Sid": "ReadForEveryone",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{HLS}/*",
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": auditor},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{HLS}/*",
        },
    ]
    s3.put_bucket_policy(Bucket=HLS, Policy=json.dumps(hls_policy))
    master_policy = json.loads(s3.get_bucket_policy(Bucket=MASTER)["Policy"])
    master_policy["Statement"].append(
        {
            "Sid": "RailsMayDelete",
            "Effect": "Allow",
            "Principal": {"AWS": auditor},
            "Action": "s3:DeleteObject",
            "Resource": f"arn:aws:s3:::{MASTER}/*",
        }
    )
    s3.put_bucket_policy(Bucket=MASTER, Policy=json.dumps(master_policy))

    preview = playbook.run(inventory=inventory, check=True, diff=True, tags=parts)
    assert preview.rc == 0, preview.failure_messages()
    assert preview.writes == []
    (hls,) = preview.task_results("HLS outputs bucket")
    assert hls["changed"] is True
    assert hls["changed_settings"] == ["public_access_block", "policy"]
    before = [s.get("Sid") for s in hls["diff"]["before"]["policy"]["Statement"]]
    after = [s.get("Sid") for s in hls["diff"]["after"]["policy"]["Statement"]]
    # "before" is the policy as it stands (statements in the order they were added), "after" the collection's.
    assert sorted(before, key=str) == [
        "AllowCloudFrontServicePrincipalReadOnly",
        "AuditorsMayList",
        "DenyInsecureTransport",
        None,
        "ReadForEveryone",
    ]
    assert sorted(after) == ["AllowCloudFrontServicePrincipalReadOnly", "AuditorsMayList", "DenyInsecureTransport"]
    (master,) = preview.task_results("Master uploads bucket")
    assert master["changed_settings"] == ["policy"]
    assert "RailsMayDelete" in [s.get("Sid") for s in master["diff"]["before"]["policy"]["Statement"]]
    assert [s.get("Sid") for s in master["diff"]["after"]["policy"]["Statement"]] == ["DenyInsecureTransport"]

    repair = playbook.run(inventory=inventory, tags=parts)
    assert repair.rc == 0, repair.failure_messages()
    assert sorted(repair.writes) == ["PutBucketPolicy", "PutBucketPolicy", "PutPublicAccessBlock"]
    assert sorted(policy_sids(s3, HLS)) == [
        "AllowCloudFrontServicePrincipalReadOnly",
        "AuditorsMayList",
        "DenyInsecureTransport",
    ]
    assert policy_sids(s3, MASTER) == ["DenyInsecureTransport"]
    assert_private_bucket(s3, HLS)

    again = playbook.run(inventory=inventory, tags=parts)
    assert again.rc == 0
    assert again.stats()["changed"] == 0
    assert again.writes == []


BAD_INPUTS = [
    pytest.param(
        "prod",
        {"storytime_admin_origins": ["*"]},
        (),
        "storytime_admin_origins: a wildcard '*' origin is not allowed in prod",
        id="wildcard-cors-origin-in-prod",
    ),
    pytest.param(
        "local",
        {"storage_master_uploads_bucket_name": "Storytime_Masters"},
        (),
        'storage_master_uploads_bucket_name: "Storytime_Masters" may contain only lowercase letters',
        id="bucket-name-s3-refuses",
    ),
    pytest.param(
        "local",
        {"storage_hls_outputs_bucket_name": "192.168.10.1"},
        (),
        'storage_hls_outputs_bucket_name: "192.168.10.1" must not be formatted as an IP address',
        id="bucket-name-ip-address",
    ),
    pytest.param(
        "local",
        {"storytime_environment": "staging"},
        (),
        "storytime_environment",
        id="unknown-environment",
    ),
    pytest.param(
        "local",
        {"storage_master_uploads_archive_after_days": 14},
        (),
        "storage_master_uploads_archive_after_days must be between 30 and 90, got 14",
        id="archive-too-early",
    ),
    pytest.param(
        "local",
        {"storage_master_uploads_archive_after_days": 120},
        (),
        "storage_master_uploads_archive_after_days must be between 30 and 90, got 120",
        id="archive-too-late",
    ),
    pytest.param("local", {}, ("storytime_aws_region",), "storytime_aws_region", id="missing-region"),
    pytest.param(
        "local",
        {"storytime_aws_region": "europe"},
        (),
        'storytime_aws_region: "europe" is not an AWS region name',
        id="malformed-region",
    ),
    pytest.param(
        "prod",
        {"storytime_admin_origins": ["http://admin.storytime.example"]},
        (),
        "prod origins must use https",
        id="plain-http-origin-in-prod",
    ),
    pytest.param(
        "local",
        {"storage_hls_outputs_extra_policy_statements": [{"Effect": "Allow", "Action": "s3:GetObject"}]},
        (),
        "storage_hls_outputs_extra_policy_statements: each item must be a policy statement (a mapping) named by",
        id="extra-statement-without-sid",
    ),
    pytest.param(
        "local",
        {"storage_master_uploads_extra_policy_statements": [{"Sid": "DenyInsecureTransport", "Effect": "Deny"}]},
        (),
        'AllowCloudFrontServicePrincipalReadOnly); got the Sids ["DenyInsecureTransport"]',
        id="extra-statement-with-a-collection-sid",
    ),
    pytest.param(
        "local",
        {"storytime_admin_origins": ["https://admin.example.com/upload"]},
        (),
        "are not origins",
        id="origin-with-path",
    ),
]


@pytest.mark.parametrize("env, changes, remove, message", BAD_INPUTS)
def test_bad_inventory_fails_before_any_aws_call(playbook, s3, env, changes, remove, message):
    inventory = playbook.inventory(env, changes, remove)
    # Point every environment at the local AWS, so that a call that slipped through would be recorded.
    local_connection = {
        "storytime_aws_endpoint_url": playbook.server.endpoint_url,
        "storytime_aws_access_key": "AKIALOCALAWSOPERATOR",
        "storytime_aws_secret_key": "local-aws-operator-secret-access-key",
    }
    run = playbook.run(inventory=inventory, extra_vars=local_connection)

    assert run.rc != 0
    assert run.calls == []
    messages = " ".join(run.failure_messages())
    assert message in messages, messages
    assert s3.list_buckets()["Buckets"] == []


def test_the_inventorys_ca_bundle_reaches_every_call_the_run_makes(playbook, aws, s3):
    """A machine whose AWS_CA_BUNDLE names the system's bundle (this one does; so does a typical CI image) runs
    against the local AWS with the CA from the inventory alone: every module (module_defaults) and the controller's
    own call (the aws_caller lookup) must verify with storytime_aws_ca_bundle. Before the fix the lookup used
    botocore's default and failed with CERTIFICATE_VERIFY_FAILED."""
    run = playbook.run(
        tags="storage",
        extra_vars={"storytime_aws_ca_bundle": str(aws.ca_file)},
        env={"AWS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"},
    )
    assert run.rc == 0, run.failure_messages()
    assert [op for _svc, op in run.calls].count("GetCallerIdentity") == 1
    assert len(s3.list_buckets()["Buckets"]) == 3


@pytest.mark.e2e
def test_kms_key_gives_sse_kms_with_a_bucket_key(playbook, s3, aws):
    key_id = aws.client("kms").create_key(Description="storytime test")["KeyMetadata"]["KeyId"]

    first = playbook.run(extra_vars={"storytime_kms_key_id": key_id}, tags="storage")
    assert first.rc == 0, first.stdout + first.stderr
    for name in (MASTER, HLS):
        rule = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
        assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"].endswith(key_id)
        assert rule["BucketKeyEnabled"] is True

    second = playbook.run(extra_vars={"storytime_kms_key_id": key_id}, tags="storage")
    assert second.stats()["changed"] == 0
    assert second.writes == []
