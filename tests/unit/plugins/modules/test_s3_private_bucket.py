"""Call sequences of s3_private_bucket against a stubbed S3 client: what is read, what is written, in which order."""

import json

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import s3_config as cfg
from ansible_collections.storytime.video_infra.plugins.modules import s3_private_bucket as mod

NAME = "storytime-master-uploads-unit"
ARN = f"arn:aws:s3:::{NAME}"
ORIGIN = "https://admin.storytime.example"

MASTER_ARGS = {
    "name": NAME,
    "encryption": {"sse_algorithm": "AES256"},
    "versioning": True,
    "deny_insecure_transport": True,
    "cors_rules": [
        {
            "allowed_origins": [ORIGIN],
            "allowed_methods": ["PUT", "POST", "GET", "HEAD"],
            "allowed_headers": ["*"],
            "expose_headers": ["ETag"],
            "max_age_seconds": 3000,
        }
    ],
    "lifecycle_rules": [
        {
            "id": "archive",
            "transitions": [{"days": 60, "storage_class": "GLACIER"}],
            "noncurrent_version_expiration_days": 90,
            "abort_incomplete_multipart_upload_days": 7,
        }
    ],
    "tags": {"Project": "storytime", "Environment": "unit"},
}

PAB = dict(cfg.PUBLIC_ACCESS_BLOCK_ALL)
TLS_POLICY = {"Version": "2012-10-17", "Statement": [cfg.tls_statement(NAME)]}
CORS_API = [
    {
        "AllowedHeaders": ["*"],
        "AllowedMethods": ["GET", "HEAD", "POST", "PUT"],
        "AllowedOrigins": [ORIGIN],
        "ExposeHeaders": ["ETag"],
        "MaxAgeSeconds": 3000,
    }
]
LIFECYCLE_API = [
    {
        "ID": "archive",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "Transitions": [{"Days": 60, "StorageClass": "GLACIER"}],
        "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    }
]
TAGSET = [{"Key": "Environment", "Value": "unit"}, {"Key": "Project", "Value": "storytime"}]
BUCKET = {"Bucket": NAME}


def head_found(stub, region="eu-west-1"):
    stub.add_response("head_bucket", {"BucketRegion": region}, BUCKET)


def head_missing(stub):
    stub.add_client_error("head_bucket", "404", "Not Found", 404, expected_params=BUCKET)


def queue_reads(stub, overrides=None):
    """Queue the read calls of MASTER_ARGS in the module's order; ``overrides`` maps operation -> callable(stub)."""
    overrides = overrides or {}
    default = {
        "get_public_access_block": lambda s: s.add_response(
            "get_public_access_block", {"PublicAccessBlockConfiguration": PAB}, BUCKET
        ),
        "get_bucket_ownership_controls": lambda s: s.add_response(
            "get_bucket_ownership_controls",
            {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}},
            BUCKET,
        ),
        "get_bucket_encryption": lambda s: s.add_response(
            "get_bucket_encryption",
            {
                "ServerSideEncryptionConfiguration": {
                    "Rules": [
                        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}
                    ]
                }
            },
            BUCKET,
        ),
        "get_bucket_versioning": lambda s: s.add_response("get_bucket_versioning", {"Status": "Enabled"}, BUCKET),
        "get_bucket_policy": lambda s: s.add_response("get_bucket_policy", {"Policy": json.dumps(TLS_POLICY)}, BUCKET),
        "get_bucket_cors": lambda s: s.add_response("get_bucket_cors", {"CORSRules": CORS_API}, BUCKET),
        "get_bucket_lifecycle_configuration": lambda s: s.add_response(
            "get_bucket_lifecycle_configuration", {"Rules": LIFECYCLE_API}, BUCKET
        ),
        "get_bucket_tagging": lambda s: s.add_response("get_bucket_tagging", {"TagSet": TAGSET}, BUCKET),
    }
    for operation, queue in default.items():
        overrides.get(operation, queue)(stub)


def test_create_writes_every_setting_in_order(runner):
    stub = runner.stub("s3")
    head_missing(stub)
    stub.add_response(
        "create_bucket",
        {"Location": f"/{NAME}"},
        {
            "Bucket": NAME,
            "ObjectOwnership": "BucketOwnerEnforced",
            "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"},
        },
    )
    stub.add_response("put_public_access_block", {}, {"Bucket": NAME, "PublicAccessBlockConfiguration": PAB})
    stub.add_response("put_bucket_policy", {}, {"Bucket": NAME, "Policy": json.dumps(TLS_POLICY)})
    stub.add_response(
        "put_bucket_encryption",
        {},
        {
            "Bucket": NAME,
            "ServerSideEncryptionConfiguration": {
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
            },
        },
    )
    stub.add_response("put_bucket_versioning", {}, {"Bucket": NAME, "VersioningConfiguration": {"Status": "Enabled"}})
    stub.add_response(
        "put_bucket_lifecycle_configuration", {}, {"Bucket": NAME, "LifecycleConfiguration": {"Rules": LIFECYCLE_API}}
    )
    stub.add_response("put_bucket_cors", {}, {"Bucket": NAME, "CORSConfiguration": {"CORSRules": CORS_API}})
    stub.add_response("put_bucket_tagging", {}, {"Bucket": NAME, "Tagging": {"TagSet": TAGSET}})

    result = runner.run(mod.main, MASTER_ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["changed_settings"] == [
        "bucket",
        "public_access_block",
        "policy",
        "encryption",
        "versioning",
        "lifecycle_rules",
        "cors_rules",
        "tags",
    ]
    bucket = result.result["bucket"]
    assert bucket["arn"] == ARN
    assert bucket["versioning"] == "Enabled"
    assert bucket["object_ownership"] == "BucketOwnerEnforced"
    assert result.result["diff"]["before"] == {}


def test_converged_bucket_makes_only_reads(runner):
    stub = runner.stub("s3")
    head_found(stub)
    queue_reads(stub)

    result = runner.run(mod.main, MASTER_ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["changed_settings"] == []
    assert "diff" not in result.result


def test_unmanaged_settings_are_not_read(runner):
    stub = runner.stub("s3")
    head_found(stub)
    queue_reads(
        stub,
        {
            op: (lambda s: None)
            for op in (
                "get_bucket_encryption",
                "get_bucket_versioning",
                "get_bucket_policy",
                "get_bucket_cors",
                "get_bucket_lifecycle_configuration",
                "get_bucket_tagging",
            )
        },
    )

    result = runner.run(mod.main, {"name": NAME})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert set(result.result["bucket"]) == {"name", "arn", "region", "public_access_block", "object_ownership"}


def drifted(stub):
    """Block Public Access removed, versioning suspended and CORS deleted out of band."""
    queue_reads(
        stub,
        {
            "get_public_access_block": lambda s: s.add_client_error(
                "get_public_access_block", "NoSuchPublicAccessBlockConfiguration", http_status_code=404
            ),
            "get_bucket_versioning": lambda s: s.add_response("get_bucket_versioning", {"Status": "Suspended"}),
            "get_bucket_cors": lambda s: s.add_client_error(
                "get_bucket_cors", "NoSuchCORSConfiguration", http_status_code=404
            ),
        },
    )


def test_drift_is_repaired_with_only_the_drifted_writes(runner):
    stub = runner.stub("s3")
    head_found(stub)
    drifted(stub)
    stub.add_response("put_public_access_block", {}, {"Bucket": NAME, "PublicAccessBlockConfiguration": PAB})
    stub.add_response("put_bucket_versioning", {}, {"Bucket": NAME, "VersioningConfiguration": {"Status": "Enabled"}})
    stub.add_response("put_bucket_cors", {}, {"Bucket": NAME, "CORSConfiguration": {"CORSRules": CORS_API}})

    result = runner.run(mod.main, MASTER_ARGS)

    assert not result.failed, result.result
    assert result.result["changed_settings"] == ["public_access_block", "versioning", "cors_rules"]
    diff = result.result["diff"]
    assert diff["before"]["versioning"] == "Suspended" and diff["after"]["versioning"] == "Enabled"
    assert diff["before"]["cors_rules"] == [] and diff["after"]["cors_rules"][0]["allowed_origins"] == [ORIGIN]
    assert diff["before"]["public_access_block"]["block_public_acls"] is False


def test_check_mode_reports_drift_without_writing(runner):
    stub = runner.stub("s3")
    head_found(stub)
    drifted(stub)  # no write is queued: any write call would fail the run

    result = runner.run(mod.main, {**MASTER_ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["changed_settings"] == ["public_access_block", "versioning", "cors_rules"]
    assert result.result["bucket"]["versioning"] == "Enabled"


def test_check_mode_on_missing_bucket_predicts_creation(runner):
    stub = runner.stub("s3")
    head_missing(stub)

    result = runner.run(mod.main, {**MASTER_ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["changed_settings"][0] == "bucket"
    assert result.result["bucket"]["versioning"] == "Enabled"
    assert result.result["bucket"]["policy"] == TLS_POLICY


def test_policy_statements_of_others_are_kept(runner):
    cloudfront = {
        "Sid": "AllowCloudFrontOAC",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": f"{ARN}/*",
        "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1"}},
    }
    stub = runner.stub("s3")
    head_found(stub)
    stub.add_response("get_public_access_block", {"PublicAccessBlockConfiguration": PAB})
    stub.add_response(
        "get_bucket_ownership_controls", {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}
    )
    stub.add_response("get_bucket_policy", {"Policy": json.dumps({"Version": "2012-10-17", "Statement": [cloudfront]})})
    expected = {"Version": "2012-10-17", "Statement": [cloudfront, cfg.tls_statement(NAME)]}
    stub.add_response("put_bucket_policy", {}, {"Bucket": NAME, "Policy": json.dumps(expected)})

    result = runner.run(mod.main, {"name": NAME, "deny_insecure_transport": True})

    assert not result.failed, result.result
    assert result.result["changed_settings"] == ["policy"]


CLOUDFRONT_READ = {
    "Sid": "AllowCloudFrontServicePrincipalReadOnly",
    "Effect": "Allow",
    "Principal": {"Service": "cloudfront.amazonaws.com"},
    "Action": "s3:GetObject",
    "Resource": f"{ARN}/*",
    "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1"}},
}
FOREIGN_READ = {
    "Sid": "ReadForEveryone",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": f"{ARN}/*",
}
AUDITORS = {
    "Sid": "AuditorsMayList",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:role/auditor"},
    "Action": "s3:ListBucket",
    "Resource": ARN,
}
EXCLUSIVE_ARGS = {
    "name": NAME,
    "deny_insecure_transport": True,
    "policy_statements": [AUDITORS],
    "purge_policy_statements": True,
    "keep_policy_statement_sids": ["AllowCloudFrontServicePrincipalReadOnly"],
}


def policy_reads(stub, statements):
    stub.add_response("get_public_access_block", {"PublicAccessBlockConfiguration": PAB})
    stub.add_response(
        "get_bucket_ownership_controls", {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}
    )
    stub.add_response("get_bucket_policy", {"Policy": json.dumps({"Version": "2012-10-17", "Statement": statements})})


def test_exclusive_policy_removes_a_foreign_statement_and_keeps_the_named_ones(runner):
    stub = runner.stub("s3")
    head_found(stub)
    policy_reads(stub, [cfg.tls_statement(NAME), CLOUDFRONT_READ, FOREIGN_READ, AUDITORS])
    expected = {"Version": "2012-10-17", "Statement": [cfg.tls_statement(NAME), CLOUDFRONT_READ, AUDITORS]}
    stub.add_response("put_bucket_policy", {}, {"Bucket": NAME, "Policy": json.dumps(expected)})

    result = runner.run(mod.main, EXCLUSIVE_ARGS)

    assert not result.failed, result.result
    assert result.result["changed_settings"] == ["policy"]
    diff = result.result["diff"]
    assert [s["Sid"] for s in diff["before"]["policy"]["Statement"]] == [
        "DenyInsecureTransport",
        "AllowCloudFrontServicePrincipalReadOnly",
        "ReadForEveryone",
        "AuditorsMayList",
    ]
    assert diff["after"]["policy"] == expected
    stub.assert_no_pending_responses()


def test_exclusive_policy_in_check_mode_predicts_the_removal_without_writing(runner):
    stub = runner.stub("s3")
    head_found(stub)
    policy_reads(stub, [cfg.tls_statement(NAME), FOREIGN_READ, CLOUDFRONT_READ, AUDITORS])

    result = runner.run(mod.main, {**EXCLUSIVE_ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert [s["Sid"] for s in result.result["bucket"]["policy"]["Statement"]] == [
        "DenyInsecureTransport",
        "AllowCloudFrontServicePrincipalReadOnly",
        "AuditorsMayList",
    ]


def test_exclusive_policy_that_holds_only_declared_statements_makes_only_reads(runner):
    stub = runner.stub("s3")
    head_found(stub)
    policy_reads(stub, [cfg.tls_statement(NAME), CLOUDFRONT_READ, AUDITORS])

    result = runner.run(mod.main, EXCLUSIVE_ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False


READ_STATEMENT_ARGS = {"name": NAME, "harden": False, "policy_statements": [CLOUDFRONT_READ]}


def test_a_task_that_does_not_harden_reads_only_its_own_setting(runner):
    """harden=false (the CloudFront role's statement on the HLS bucket the storage role hardens): no HeadBucket,
    no Block Public Access or ownership read, only GetBucketPolicy; the stubber fails on any other call."""
    stub = runner.stub("s3")
    stub.add_response(
        "get_bucket_policy",
        {"Policy": json.dumps({"Version": "2012-10-17", "Statement": [cfg.tls_statement(NAME), CLOUDFRONT_READ]})},
        BUCKET,
    )

    result = runner.run(mod.main, READ_STATEMENT_ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert "public_access_block" not in result.result["bucket"]
    assert "object_ownership" not in result.result["bucket"]
    stub.assert_no_pending_responses()


def test_a_task_that_does_not_harden_adds_its_statement_and_writes_nothing_else(runner):
    stub = runner.stub("s3")
    stub.add_response("get_bucket_policy", {"Policy": json.dumps(TLS_POLICY)}, BUCKET)
    expected = {"Version": "2012-10-17", "Statement": [cfg.tls_statement(NAME), CLOUDFRONT_READ]}
    stub.add_response("put_bucket_policy", {}, {"Bucket": NAME, "Policy": json.dumps(expected)})

    result = runner.run(mod.main, READ_STATEMENT_ARGS)

    assert not result.failed, result.result
    assert result.result["changed_settings"] == ["policy"]
    assert result.result["diff"]["after"]["policy"] == expected
    stub.assert_no_pending_responses()


def test_a_task_that_does_not_harden_fails_on_a_missing_bucket_without_creating_it(runner):
    """NoSuchBucket is an answer here, not retried: the task that creates the bucket did not run."""
    stub = runner.stub("s3")
    stub.add_client_error("get_bucket_policy", "NoSuchBucket", "The specified bucket does not exist", 404)

    result = runner.run(mod.main, READ_STATEMENT_ARGS)

    assert result.failed
    assert f"Bucket {NAME} does not exist" in result.result["msg"]
    assert "(harden=true) must run first" in result.result["msg"]
    stub.assert_no_pending_responses()


def test_a_task_that_does_not_harden_predicts_its_statement_on_a_bucket_created_earlier_in_check_mode(runner):
    stub = runner.stub("s3")
    stub.add_client_error("get_bucket_policy", "NoSuchBucket", "The specified bucket does not exist", 404)

    result = runner.run(mod.main, {**READ_STATEMENT_ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    # The bucket itself is the other task's change.
    assert result.result["changed_settings"] == ["policy"]
    assert result.result["bucket"]["policy"]["Statement"] == [CLOUDFRONT_READ]
    stub.assert_no_pending_responses()


def test_harden_false_is_refused_with_state_absent_before_any_call(runner):
    result = runner.run(mod.main, {"name": NAME, "harden": False, "state": "absent"})

    assert result.failed
    assert "harden=false is only for state=present" in result.result["msg"]
    assert runner.client_requests == []


@pytest.mark.parametrize(
    "args, problem",
    [
        (
            {"name": NAME, "keep_policy_statement_sids": ["X"]},
            "keep_policy_statement_sids is only meaningful with purge_policy_statements=true",
        ),
        (
            {**EXCLUSIVE_ARGS, "keep_policy_statement_sids": ["AuditorsMayList", "DenyInsecureTransport"]},
            "keep_policy_statement_sids names Sids this task manages itself: AuditorsMayList, DenyInsecureTransport",
        ),
    ],
    ids=["without-purge", "declared-here"],
)
def test_keep_policy_statement_sids_is_checked_before_any_call(runner, args, problem):
    result = runner.run(mod.main, args)

    assert result.failed
    assert problem in result.result["msg"]
    assert runner.client_requests == []


def test_throttling_is_retried(runner):
    stub = runner.stub("s3")
    head_found(stub)
    stub.add_client_error("get_public_access_block", "Throttling", "Rate exceeded", 400)
    stub.add_response("get_public_access_block", {"PublicAccessBlockConfiguration": PAB})
    stub.add_response(
        "get_bucket_ownership_controls", {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}
    )

    result = runner.run(mod.main, {"name": NAME})

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_bucket_of_another_account_is_refused(runner):
    stub = runner.stub("s3")
    stub.add_client_error("head_bucket", "403", "Forbidden", 403)

    result = runner.run(mod.main, MASTER_ARGS)

    assert result.failed
    assert "most likely owned by another AWS account" in result.result["msg"]


def test_bucket_in_another_region_is_refused(runner):
    stub = runner.stub("s3")
    head_found(stub, region="us-west-2")

    result = runner.run(mod.main, MASTER_ARGS)

    assert result.failed
    assert "exists in region us-west-2, not in eu-west-1" in result.result["msg"]


@pytest.mark.parametrize(
    "name, problem",
    [
        ("Storytime-Uploads", "lowercase"),
        ("ab", "3 to 63"),
        ("192.168.1.10", "IP address"),
        ("my..bucket", "adjacent dots"),
        ("storytime-uploads-", "begin and end"),
        ("xn--storytime", "reserved prefix"),
    ],
)
def test_invalid_bucket_name_fails_before_any_call(runner, name, problem):
    result = runner.run(mod.main, {**MASTER_ARGS, "name": name})

    assert result.failed
    assert problem in result.result["msg"]
    assert runner.client_requests == []


def test_kms_key_without_kms_algorithm_is_refused(runner):
    result = runner.run(mod.main, {"name": NAME, "encryption": {"sse_algorithm": "AES256", "kms_key_id": "alias/x"}})

    assert result.failed
    assert "kms_key_id requires" in result.result["msg"]
    assert runner.client_requests == []


def test_delete_missing_bucket_is_a_no_op(runner):
    stub = runner.stub("s3")
    head_missing(stub)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_delete_non_empty_bucket_without_force_fails_and_deletes_nothing(runner):
    stub = runner.stub("s3")
    head_found(stub)
    stub.add_response(
        "list_object_versions",
        {"Versions": [{"Key": "a.mp4", "VersionId": "v1"}]},
        {"Bucket": NAME, "MaxKeys": 1},
    )

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.failed
    assert "not empty" in result.result["msg"] and "force=true" in result.result["msg"]


def test_delete_with_force_empties_versions_then_deletes(runner):
    stub = runner.stub("s3")
    head_found(stub)
    stub.add_response(
        "list_object_versions",
        {
            "Versions": [{"Key": "a.mp4", "VersionId": "v1"}],
            "DeleteMarkers": [{"Key": "b.mp4", "VersionId": "v2"}],
        },
        {"Bucket": NAME},
    )
    stub.add_response(
        "delete_objects",
        {"Deleted": []},
        {
            "Bucket": NAME,
            "Delete": {
                "Objects": [{"Key": "a.mp4", "VersionId": "v1"}, {"Key": "b.mp4", "VersionId": "v2"}],
                "Quiet": True,
            },
        },
    )
    stub.add_response("delete_bucket", {}, BUCKET)

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "force": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True


def test_delete_in_check_mode_writes_nothing(runner):
    stub = runner.stub("s3")
    head_found(stub)
    stub.add_response("list_object_versions", {}, {"Bucket": NAME, "MaxKeys": 1})

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
