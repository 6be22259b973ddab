"""site.yml refuses every input AWS would refuse before the first AWS call (issue 12, item 3).

Each case feeds one bad inventory to the real ``site.yml`` against the local AWS and checks that the run fails in the
inventory check play, with a message that names the variable, shows the value and states the rule, and that no AWS
call at all was made (so no write either). The rules and their sources are in ``module_utils/naming_rules.py`` and
``module_utils/ladder_rules.py``.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.scenario

TAGS = {"Project": "storytime", "Environment": "local", "ManagedBy": "ansible"}
LONG_PROJECT = "storytime-" + "p" * 45  # 55 characters: "<project>-local-hls" is 65, over CloudFront's 64
SHORT_BUCKETS = {
    "storage_master_uploads_bucket_name": "st-master",
    "storage_hls_outputs_bucket_name": "st-hls",
    "storage_access_logs_bucket_name": "st-logs",
}
RENDITION = {"name": "_720p", "width": 1280, "height": 720, "max_bitrate": 3000000, "qvbr_quality": 7}
LONG_SECRET = "storytime/local/" + "k" * 90  # a valid secret name; the generated key's comment would be 147 long
SECRET_ARN_WITHOUT_SUFFIX = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:storytime"
CUSTOM_DOMAIN = {"cloudfront_hls_domain_name": "cdn.storytime.test", "cloudfront_hls_route53_zone": "storytime.test"}
PEM_AS_STRING = "-----BEGIN PUBLIC KEY-----\n" + "A" * 392 + "\n-----END PUBLIC KEY-----\n"


def tags(**more):
    return {"storytime_tags": {**TAGS, **more}}


def rendition(**changes):
    return {**RENDITION, **changes}


# (inventory changes, substrings the failure message must contain: the variable, the value, the rule)
BAD_INPUTS = [
    # Tags: lengths, characters, reserved prefix, types, count (Tag naming limits and requirements; IAM, CloudFront).
    pytest.param(tags(Notes="x" * 300), ["storytime_tags", '"Notes"', "x" * 40, "300 characters", "at most 256"],
                 id="tag-value-300-characters"),
    pytest.param({"storytime_tags": {**TAGS, "k" * 129: "v"}}, ["storytime_tags", "k" * 40, "129 characters",
                 "1 to 128"], id="tag-key-129-characters"),
    pytest.param(tags(**{"cost#center": "42a"}), ["storytime_tags", '"cost#center"', "'#'",
                 "letters, digits, spaces and _ . : / = + - @"], id="tag-key-with-hash"),
    pytest.param(tags(Owner="ops<team>"), ["storytime_tags", '"ops<team>"', "'<'", "tag values"],
                 id="tag-value-with-angle-brackets"),
    pytest.param(tags(**{"AWS:owner": "me"}), ["storytime_tags", '"AWS:owner"', "prefix aws:", "reserved"],
                 id="tag-key-aws-prefix"),
    pytest.param(tags(Release=3), ["storytime_tags", '"Release"', "an integer 3", "strings"],
                 id="tag-value-not-a-string"),
    pytest.param({"storytime_tags": {f"Key{i}": "v" for i in range(51)}}, ["storytime_tags", "51 tags",
                 "at most 50"], id="fifty-one-tags"),
    # Names the collection derives or is given (IAM, Secrets Manager, CloudFront, MediaConvert, EventBridge, SQS).
    pytest.param({"storytime_project_name": LONG_PROJECT, **SHORT_BUCKETS}, ["storytime_project_name", LONG_PROJECT,
                 "CloudFront origin access control name", "1 to 64 characters", "(it has 65)"],
                 id="project-name-too-long-for-cloudfront"),
    pytest.param({"storytime_project_name": LONG_PROJECT}, ["storage_access_logs_bucket_name",
                 f'"{LONG_PROJECT}-access-logs-local"', "3 to 63 characters", "(it has 73)"],
                 id="project-name-too-long-for-the-derived-logs-bucket"),
    pytest.param({"iam_roles_mediaconvert_role_name": "r" * 65}, ["iam_roles_mediaconvert_role_name", "r" * 65,
                 "IAM role name", "1 to 64 characters"], id="iam-role-name-65-characters"),
    pytest.param({"iam_roles_rails_policy_name": "rails app policy"}, ["iam_roles_rails_policy_name",
                 '"rails app policy"', "IAM policy name", "' '"], id="iam-policy-name-with-spaces"),
    pytest.param({"secrets_cloudfront_private_key_secret_name": "storytime/local/key#1"},
                 ["secrets_cloudfront_private_key_secret_name", '"storytime/local/key#1"',
                  "Secrets Manager secret name", "'#'"], id="secret-name-with-hash"),
    pytest.param({"secrets_cloudfront_private_key_secret_name": "storytime/local/key-abcdef"},
                 ["secrets_cloudfront_private_key_secret_name", '"storytime/local/key-abcdef"', "random suffix"],
                 id="secret-name-ending-like-an-arn-suffix"),
    pytest.param({"secrets_cloudfront_private_key_secret_name": LONG_SECRET}, ["cloudfront_hls_signing_key_secret",
                 LONG_SECRET, "CloudFront comment", "0 to 128 characters", "(it has 147)"],
                 id="secret-name-too-long-for-the-public-key-comment"),
    pytest.param({"mediaconvert_queue_name": "storytime local"}, ["mediaconvert_queue_name", '"storytime local"',
                 "MediaConvert queue name", "letters, digits, - and _"], id="mediaconvert-queue-name-with-space"),
    pytest.param({"mediaconvert_notifications_name": "n" * 65}, ["mediaconvert_notifications_name", "n" * 65,
                 "EventBridge rule name", "1 to 64 characters"], id="notifications-name-too-long-for-eventbridge"),
    pytest.param({"mediaconvert_notifications_name": "storytime.jobs"}, ["mediaconvert_notifications_name",
                 '"storytime.jobs"', "SQS queue name", "'.'"], id="notifications-name-with-dot-for-sqs"),
    # The MediaConvert ladder (API reference: NameModifier, Width/Height, MaxBitrate, QVBR, AAC, SegmentLength).
    pytest.param({"mediaconvert_renditions": [rendition(), rendition(width=640, height=360, max_bitrate=800000)]},
                 ["mediaconvert_renditions[1].name", '"_720p"', "repeats mediaconvert_renditions[0].name", "unique"],
                 id="duplicate-name-modifier"),
    pytest.param({"mediaconvert_audio_bitrate": 100000}, ["mediaconvert_audio_bitrate", "100000",
                 "not an AAC bitrate MediaConvert offers", "96000, 112000"], id="unsupported-aac-bitrate"),
    pytest.param({"mediaconvert_segment_length": 5}, ["mediaconvert_segment_length", "5",
                 "not a multiple of the ladder's 2 s GOP"], id="segment-length-not-a-gop-multiple"),
    pytest.param({"mediaconvert_segment_length": 0}, ["mediaconvert_segment_length", "0 is below 1"],
                 id="segment-length-zero"),
    pytest.param({"mediaconvert_renditions": [rendition(width=5120, height=2880)]},
                 ["mediaconvert_renditions[0].width", "5120", "4096 pixels"], id="rendition-wider-than-h264"),
    pytest.param({"mediaconvert_renditions": [rendition(width=1281)]},
                 ["mediaconvert_renditions[0].width", "1281 is odd", "even width"], id="rendition-odd-width"),
    pytest.param({"mediaconvert_renditions": [rendition(max_bitrate=500)]},
                 ["mediaconvert_renditions[0].max_bitrate", "500", "1000 to 1152000000 bit/s"],
                 id="rendition-bitrate-too-low"),
    pytest.param({"mediaconvert_renditions": [rendition(qvbr_quality=11)]},
                 ["mediaconvert_renditions[0].qvbr_quality", "11", "1 to 10"], id="rendition-qvbr-out-of-range"),
    pytest.param({"mediaconvert_renditions": [{"name": "_720p", "width": 1280}]},
                 ["mediaconvert_renditions[0]", "missing height, max_bitrate, qvbr_quality"],
                 id="rendition-missing-keys"),
    # Cache TTLs (CloudFront CachePolicyConfig: MinTTL <= DefaultTTL <= MaxTTL, not negative).
    pytest.param({"cloudfront_hls_manifest_default_ttl": 120}, ["cloudfront_hls_manifest_default_ttl", "120",
                 "above cloudfront_hls_manifest_max_ttl (60)", "minimum <= default <= maximum"],
                 id="manifest-default-ttl-above-max"),
    pytest.param({"cloudfront_hls_segment_max_ttl": -1}, ["cloudfront_hls_segment_max_ttl", "-1 is negative"],
                 id="negative-segment-max-ttl"),
    # ARNs (ACM in us-east-1 for CloudFront, complete secret ARN, IAM role ARN, KMS key).
    pytest.param({"cloudfront_hls_acm_certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x-1"},
                 ["cloudfront_hls_acm_certificate_arn", '"arn:aws:acm:us-east-1:123456789012:certificate/x-1"',
                  "ACM certificate ARN in us-east-1", "certificate/<UUID>"], id="certificate-id-not-a-uuid"),
    pytest.param({"cloudfront_hls_acm_certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/"
                  "12345678-1234-1234-1234-123456789012"}, ["cloudfront_hls_acm_certificate_arn",
                 "arn:aws:acm:eu-west-1", "must be an ACM certificate in us-east-1"],
                 id="certificate-outside-us-east-1"),
    pytest.param({"iam_roles_secret_arn": SECRET_ARN_WITHOUT_SUFFIX},
                 ["iam_roles_secret_arn", f'"{SECRET_ARN_WITHOUT_SUFFIX}"', "complete Secrets Manager secret ARN",
                  "<name>-<6 characters>"], id="secret-arn-without-suffix"),
    pytest.param({"mediaconvert_service_role_arn": "arn:aws:iam::123:role/mediaconvert"},
                 ["mediaconvert_service_role_arn", "arn:aws:iam::123:role/mediaconvert", "IAM role ARN"],
                 id="service-role-arn-short-account"),
    pytest.param({"storytime_kms_key_id": "my-key"}, ["storytime_kms_key_id", '"my-key"', "KMS key ARN, key ID"],
                 id="kms-key-not-an-id"),
    # AWS WAF (WAF API reference, RateBasedStatement: Limit 10 to 2,000,000,000; managed rule group names).
    pytest.param({"cloudfront_hls_waf_enabled": True, "cloudfront_hls_waf_rate_limit": 5},
                 ["cloudfront_hls_waf_rate_limit", "5 must be", "from 10 to 2000000000"], id="waf-rate-limit-below-10"),
    pytest.param({"cloudfront_hls_waf_rate_limit": 3000000000},
                 ["cloudfront_hls_waf_rate_limit", "3000000000", "from 10 to 2000000000"],
                 id="waf-rate-limit-too-high"),
    pytest.param({"cloudfront_hls_waf_managed_rule_groups": ["CommonRuleSet"]},
                 ["cloudfront_hls_waf_managed_rule_groups", '["CommonRuleSet"]', "AWSManagedRules"],
                 id="waf-rule-group-not-managed"),
    pytest.param({"cloudfront_hls_waf_managed_rule_groups": ["AWSManagedRulesCommonRuleSet"] * 2},
                 ["cloudfront_hls_waf_managed_rule_groups", "the same rule group twice"], id="waf-rule-group-twice"),
    pytest.param({"cloudfront_hls_waf_managed_rule_groups": "AWSManagedRulesCommonRuleSet"},
                 ["cloudfront_hls_waf_managed_rule_groups", "expected a list of AWS managed rule group names",
                  "got a string"], id="waf-rule-groups-string-instead-of-list"),
    # Wrong types say which type was expected.
    pytest.param({"cloudfront_hls_public_keys": PEM_AS_STRING}, ["cloudfront_hls_public_keys",
                 "expected a list of PEM public keys", "got a string", "-----BEGIN PUBLIC KEY"],
                 id="public-keys-string-instead-of-list"),
    pytest.param({"storytime_admin_origins": "http://localhost:3000"}, ["storytime_admin_origins",
                 "expected a list of origins", "got a string", '"http://localhost:3000"'],
                 id="admin-origins-string-instead-of-list"),
    pytest.param({"storytime_tags": "Project=storytime"}, ["storytime_tags", "expected a mapping", "got a string",
                 '"Project=storytime"'], id="tags-string-instead-of-mapping"),
    pytest.param({"cloudfront_hls_segment_max_ttl": "a year"}, ["cloudfront_hls_segment_max_ttl", "str", "int"],
                 id="ttl-string-instead-of-integer"),
    pytest.param({"mediaconvert_renditions": "_720p"}, ["mediaconvert_renditions", "str", "dict"],
                 id="renditions-string-instead-of-list"),
    # Geo restriction (CloudFront API reference, GeoRestriction: ISO 3166-1 alpha-2 codes; Quantity 0 without one).
    pytest.param({"cloudfront_hls_geo_restriction_type": "whitelist", "cloudfront_hls_geo_restriction_locations":
                 ["DE", "uk", "FRA"]}, ["cloudfront_hls_geo_restriction_locations", '["uk", "FRA"]',
                 "two-letter upper-case ISO 3166-1 alpha-2"], id="geo-restriction-bad-country-codes"),
    pytest.param({"cloudfront_hls_geo_restriction_type": "blacklist"}, ["cloudfront_hls_geo_restriction_type",
                 "blacklist", "at least one country"], id="geo-restriction-without-countries"),
    pytest.param({"cloudfront_hls_geo_restriction_type": "allowlist", "cloudfront_hls_geo_restriction_locations":
                 ["DE"]}, ["cloudfront_hls_geo_restriction_type", "allowlist", "none, whitelist, blacklist"],
                 id="geo-restriction-unknown-type"),
    # Web players (RFC 6265 5.3: cookie domains; Fetch standard, CORS with credentials; the Public Suffix List).
    pytest.param({"cloudfront_hls_player_origins": ["https://app.storytime.test"]},
                 ["cloudfront_hls_player_origins is set but cloudfront_hls_domain_name is empty", "*.cloudfront.net",
                  "video.storytime.test"], id="player-origins-without-custom-domain"),
    pytest.param({**CUSTOM_DOMAIN, "cloudfront_hls_player_origins": ["https://app.storytime.test",
                 "https://player.example.org"]}, ["cloudfront_hls_player_origins[1]", '"https://player.example.org"',
                 'not under "storytime.test"', '"cdn.storytime.test"'], id="player-origin-of-another-site"),
    pytest.param({**CUSTOM_DOMAIN, "cloudfront_hls_player_origins": ["https://app.storytime.test/player"]},
                 ["cloudfront_hls_player_origins[0]", '"https://app.storytime.test/player"',
                  "is not a browser origin", "without path"], id="player-origin-with-path"),
    pytest.param({**CUSTOM_DOMAIN, "cloudfront_hls_player_origins": "https://app.storytime.test"},
                 ["cloudfront_hls_player_origins", "expected a list of origins", "got a string"],
                 id="player-origins-string-instead-of-list"),
    # The outputs role's own inputs: checked with the others, not in the last play after every part was written.
    pytest.param({"outputs_ssm_enabled": "maybe"}, ["outputs_ssm_enabled", "maybe", "bool"],
                 id="outputs-ssm-enabled-not-a-boolean"),
]  # fmt: skip


@pytest.mark.parametrize("changes, expected", BAD_INPUTS)
def test_bad_input_is_refused_before_any_aws_call(playbook, changes, expected):
    run = playbook.run(inventory=playbook.inventory("local", changes))

    assert run.rc != 0, run.stdout[-3000:]
    messages = " ".join(run.failure_messages())
    for part in expected:
        assert part in messages, messages
    assert run.writes == []
    assert run.calls == []
