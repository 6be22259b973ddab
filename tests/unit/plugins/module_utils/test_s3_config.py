"""Normalisation and comparison of S3 bucket settings (no AWS calls)."""

from ansible_collections.storytime.video_infra.plugins.module_utils import s3_config as cfg


def test_partition_follows_region():
    assert cfg.bucket_arn("b", "eu-west-1") == "arn:aws:s3:::b"
    assert cfg.bucket_arn("b", "cn-north-1") == "arn:aws-cn:s3:::b"
    assert cfg.bucket_arn("b", "us-gov-west-1") == "arn:aws-us-gov:s3:::b"


def test_missing_public_access_block_reads_as_all_false():
    assert cfg.public_access_block_from_api(None) == dict.fromkeys(cfg.PUBLIC_ACCESS_BLOCK_ALL, False)


def test_kms_encryption_defaults_to_bucket_key():
    rule = cfg.encryption_to_api({"sse_algorithm": "aws:kms", "kms_key_id": "alias/storytime"})
    assert rule == {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/storytime"},
        "BucketKeyEnabled": True,
    }


def test_kms_key_given_by_id_matches_the_arn_s3_reports():
    desired = cfg.encryption_to_api({"sse_algorithm": "aws:kms", "kms_key_id": "1234abcd-12ab-34cd-56ef-1234567890ab"})
    current = cfg.encryption_from_api(
        {
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        }
    )
    assert cfg.encryption_matches(current, desired)
    other = cfg.encryption_to_api({"sse_algorithm": "aws:kms", "kms_key_id": "ffffffff-12ab-34cd-56ef-1234567890ab"})
    assert not cfg.encryption_matches(current, other)
    assert not cfg.encryption_matches(current, cfg.encryption_to_api({"sse_algorithm": "AES256"}))
    assert not cfg.encryption_matches(None, desired)


def test_versioning_false_accepts_never_enabled():
    assert cfg.versioning_matches(None, False)
    assert cfg.versioning_matches("Suspended", False)
    assert not cfg.versioning_matches("Enabled", False)
    assert not cfg.versioning_matches(None, True)


def test_cors_rules_compare_regardless_of_method_order_and_case():
    desired = cfg.cors_rules_to_api(
        [{"allowed_origins": ["https://a"], "allowed_methods": ["put", "GET"], "expose_headers": ["ETag"]}]
    )
    current = cfg.cors_rules_from_api(
        [{"AllowedOrigins": ["https://a"], "AllowedMethods": ["GET", "PUT"], "ExposeHeaders": ["ETag"]}]
    )
    assert desired == current
    assert cfg.cors_rules_from_api(None) == []


def test_lifecycle_prefix_forms_are_equivalent():
    desired = cfg.lifecycle_rules_to_api([{"id": "r", "status": "Enabled", "prefix": "", "expiration_days": 5}])
    for api_rule in (
        {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 5}},
        {"ID": "r", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 5}},
        {"ID": "r", "Status": "Enabled", "Prefix": "", "Expiration": {"Days": 5}},
    ):
        assert cfg.lifecycle_rules_from_api([api_rule]) == desired


def test_lifecycle_rule_with_unmanaged_filter_differs():
    desired = cfg.lifecycle_rules_to_api([{"id": "r", "status": "Enabled", "prefix": "", "expiration_days": 5}])
    tagged = {"ID": "r", "Status": "Enabled", "Filter": {"Tag": {"Key": "k", "Value": "v"}}, "Expiration": {"Days": 5}}
    assert cfg.lifecycle_rules_from_api([tagged]) != desired


def test_lifecycle_rules_sorted_by_id():
    rules = cfg.lifecycle_rules_to_api(
        [{"id": "b", "abort_incomplete_multipart_upload_days": 7}, {"id": "a", "expiration_days": 1}]
    )
    assert [r["ID"] for r in rules] == ["a", "b"]
    assert rules[1]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


def test_tls_statement_covers_bucket_and_objects():
    statement = cfg.tls_statement("bucket-x")
    assert statement["Effect"] == "Deny"
    assert statement["Resource"] == ["arn:aws:s3:::bucket-x", "arn:aws:s3:::bucket-x/*"]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_merge_policy_replaces_by_sid_and_keeps_others():
    other = {"Sid": "Other", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "x"}
    old_tls = {**cfg.tls_statement("b"), "Resource": "stale"}
    current = {"Version": "2012-10-17", "Id": "keep-me", "Statement": [old_tls, other]}
    merged = cfg.merge_policy(current, [cfg.tls_statement("b")])
    assert merged["Id"] == "keep-me"
    assert merged["Statement"] == [cfg.tls_statement("b"), other]


def test_merge_policy_purge_and_absent():
    other = {"Sid": "Other", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "x"}
    current = {"Statement": [other, cfg.tls_statement("b")]}
    assert cfg.merge_policy(current, [], absent_sids=["DenyInsecureTransport"])["Statement"] == [other]
    assert cfg.merge_policy(current, [], purge=True) is None
    assert cfg.merge_policy(None, []) is None


def test_policy_comparison_ignores_list_vs_string_forms():
    a = {"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow", "Action": "s3:GetObject"}]}
    b = {"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow", "Action": ["s3:GetObject"]}]}
    assert not cfg.policies_differ(a, b)
    assert cfg.policies_differ(a, None)
    assert not cfg.policies_differ(None, None)
