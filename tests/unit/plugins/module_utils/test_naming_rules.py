"""The AWS rules for tags, names, ARNs, cache TTLs and input types that the roles check before any AWS call."""

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import naming_rules
from ansible_collections.storytime.video_infra.plugins.module_utils.naming_rules import arn_problems
from ansible_collections.storytime.video_infra.plugins.module_utils.naming_rules import cache_ttl_problems
from ansible_collections.storytime.video_infra.plugins.module_utils.naming_rules import name_problems
from ansible_collections.storytime.video_infra.plugins.module_utils.naming_rules import tag_problems
from ansible_collections.storytime.video_infra.plugins.module_utils.naming_rules import type_problems


@pytest.mark.parametrize(
    "tags",
    [
        {},
        {"Project": "storytime", "Environment": "prod", "ManagedBy": "ansible"},
        {"k" * 128: "v" * 256},
        {"Empty": ""},
        {"with space": "a_b.c:d/e=f+g-h@i"},
        {"Équipe": "Vidéo 東京 ٣"},  # Unicode letters and digits (\p{L}, \p{N})
        {f"Key{i}": "v" for i in range(50)},
        {"owner": "team-aws:video"},  # aws: only reserved as a prefix
    ],
)
def test_tags_aws_accepts(tags):
    assert tag_problems(tags) == []


@pytest.mark.parametrize(
    "tags, expected",
    [
        ({"k" * 129: "v"}, "is 129 characters long; tag keys have 1 to 128"),
        ({"": "v"}, 'key "" is 0 characters long; tag keys have 1 to 128'),
        ({"Notes": "x" * 257}, "is 257 characters long; tag values have at most 256"),
        ({"cost#center": "a"}, "characters AWS does not allow in tag keys ('#')"),
        ({"Owner": "ops<team>"}, "characters AWS does not allow in tag values ('<' '>')"),
        ({"Owner": "tab\there"}, "in tag values ('\\t')"),
        ({"aws:createdBy": "me"}, 'key "aws:createdBy" starts with the prefix aws:'),
        ({"AwS:x": "me"}, "starts with the prefix aws:"),
        ({"Owner": "AWS:me"}, 'value "AWS:me" of key "Owner" starts with the prefix aws:'),
        ({"Release": 3}, 'value of key "Release" is an integer 3; tag values are strings'),
        ({"Enabled": True}, "is a boolean True"),
        ({"Owner": None}, "is null None"),
        ({f"Key{i}": "v" for i in range(51)}, "51 tags; AWS allows at most 50 tags per resource"),
    ],
)
def test_tags_aws_refuses(tags, expected):
    problems = tag_problems(tags, "storytime_tags")
    assert len(problems) == 1, problems
    assert problems[0].startswith("storytime_tags: ")
    assert expected in problems[0]


def test_tags_not_a_mapping_says_a_mapping_was_expected():
    assert tag_problems(["Project=storytime"]) == [
        "storytime_tags: expected a mapping of tag keys to string values, got a list ['Project=storytime']"
    ]


def test_long_values_are_shown_shortened_with_both_ends():
    (problem,) = tag_problems({"Notes": "a" * 100 + "b" * 200})
    assert '"' + "a" * 60 + "..." + "b" * 20 + '"' in problem


@pytest.mark.parametrize(
    "kind, name",
    [
        ("iam_role", "r" * 64),
        ("iam_role", "storytime-prod-mediaconvert+=,.@_"),
        ("iam_policy", "p" * 128),
        ("iam_user", "storytime-local-rails"),
        ("secretsmanager_secret", "storytime/prod/cloudfront_private_key"),
        ("secretsmanager_secret", "s" * 512),
        ("cloudfront_origin_access_control", "o" * 64),
        ("cloudfront_cache_policy", "storytime-prod-hls-segments"),
        ("cloudfront_key_group", "storytime-prod-hls-signers"),
        ("cloudfront_public_key", "storytime-prod-0123456789abcdef"),
        ("cloudfront_comment", ""),
        ("mediaconvert_queue", "storytime-prod"),
        ("mediaconvert_job_template", "storytime_prod-hls-abr"),
        ("events_rule", "storytime.prod-jobs_1"),
        ("sqs_queue", "q" * 80),
        ("sns_topic", "t" * 256),
        ("logs_log_group", "/aws/mediaconvert/storytime-prod#1"),
        ("s3_bucket", "storytime-hls-outputs-prod"),
    ],
)
def test_names_aws_accepts(kind, name):
    assert name_problems(name, kind, "v") == []


@pytest.mark.parametrize(
    "kind, name, expected",
    [
        ("iam_role", "r" * 65, "IAM role name: it must be 1 to 64 characters long (it has 65)"),
        ("iam_role", "", "1 to 64 characters long (it has 0)"),
        ("iam_policy", "p" * 129, "IAM policy name: it must be 1 to 128 characters long (it has 129)"),
        ("iam_policy", "rails policy", "may contain only letters, digits and + = , . @ _ - (found ' ')"),
        ("iam_user", "rails/app", "(found '/')"),
        ("secretsmanager_secret", "s" * 513, "1 to 512 characters long (it has 513)"),
        ("secretsmanager_secret", "key#1", "ASCII letters, digits and / _ + = . @ - (found '#')"),
        ("secretsmanager_secret", "storytime/key-abcdef", "random suffix of an ARN"),
        ("cloudfront_origin_access_control", "o" * 65, "1 to 64 characters long (it has 65)"),
        ("cloudfront_cache_policy", "c" * 129, "1 to 128 characters long (it has 129)"),
        ("cloudfront_key_group", "signers.prod", "letters, digits, - and _ (found '.')"),
        ("cloudfront_public_key", "k" * 129, "(it has 129)"),
        ("cloudfront_comment", "c" * 129, "0 to 128 characters long (it has 129)"),
        ("mediaconvert_queue", "storytime prod", "(found ' ')"),
        ("mediaconvert_job_template", "t" * 129, "(it has 129)"),
        ("events_rule", "e" * 65, "EventBridge rule name: it must be 1 to 64 characters long"),
        ("events_rule", "jobs/prod", "(found '/')"),
        ("sqs_queue", "q" * 81, "SQS queue name: it must be 1 to 80 characters long"),
        ("sqs_queue", "jobs.prod", "(found '.')"),
        ("sns_topic", "t" * 257, "SNS topic name: it must be 1 to 256"),
        ("logs_log_group", "logs:prod", "(found ':')"),
        ("s3_bucket", "Storytime", "S3 bucket name: it may contain only lowercase letters"),
    ],
)
def test_names_aws_refuses(kind, name, expected):
    (problem,) = name_problems(name, kind, "the_variable")
    assert problem.startswith("the_variable: ")
    assert expected in problem


def test_a_derived_name_names_the_variable_it_is_made_from():
    (problem,) = name_problems(
        "p" * 55 + "-local-hls", "cloudfront_origin_access_control", "storytime_project_name", derived_from="p" * 55
    )
    assert problem == (
        f'storytime_project_name: "{"p" * 55}" makes the CloudFront origin access control name '
        f'"{"p" * 55}-local-hls", which AWS would refuse: it must be 1 to 64 characters long (it has 65)'
    )


def test_a_name_of_the_wrong_type_says_a_string_was_expected():
    assert name_problems(12, "iam_role", "v") == ["v: expected a string (IAM role name), got an integer 12"]


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown name kind"):
        name_problems("x", "nope", "v")
    with pytest.raises(ValueError, match="unknown ARN kind"):
        arn_problems("x", "nope", "v")


UUID = "12345678-90ab-cdef-1234-567890abcdef"


@pytest.mark.parametrize(
    "kind, arn",
    [
        ("acm_certificate_cloudfront", f"arn:aws:acm:us-east-1:123456789012:certificate/{UUID}"),
        ("acm_certificate_cloudfront", ""),
        ("iam_role", "arn:aws:iam::123456789012:role/storytime-prod-mediaconvert"),
        ("iam_role", "arn:aws:iam::123456789012:role/service-role/storytime-prod-mediaconvert"),
        ("iam_role", "arn:aws-cn:iam::123456789012:role/r"),
        ("iam_role", None),
        ("secretsmanager_secret", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:storytime/prod/key-AbC123"),
        ("secretsmanager_secret", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:storytime/prod/key-??????"),
        ("kms_key", UUID),
        ("kms_key", "mrk-1234567890abcdef1234567890abcdef"),
        ("kms_key", "alias/storytime"),
        ("kms_key", f"arn:aws:kms:eu-west-1:123456789012:key/{UUID}"),
        ("kms_key", "arn:aws:kms:eu-west-1:123456789012:alias/storytime"),
    ],
)
def test_arns_of_the_right_form(kind, arn):
    assert arn_problems(arn, kind, "v") == []


@pytest.mark.parametrize(
    "kind, arn, expected",
    [
        ("acm_certificate_cloudfront", f"arn:aws:acm:eu-west-1:123456789012:certificate/{UUID}", "in us-east-1"),
        ("acm_certificate_cloudfront", "arn:aws:acm:us-east-1:123456789012:certificate/abc", "<UUID>"),
        ("iam_role", "arn:aws:iam::123:role/mediaconvert", "IAM role ARN"),
        ("iam_role", "arn:aws:iam::123456789012:user/rails", "IAM role ARN"),
        ("iam_role", "storytime-prod-mediaconvert", "IAM role ARN"),
        ("secretsmanager_secret", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:storytime", "<6 characters>"),
        ("kms_key", "my-key", "KMS key ARN, key ID, alias name or alias ARN"),
        ("kms_key", "arn:aws:kms:eu-west-1:123456789012:key/not-a-key-id", "KMS key"),
    ],
)
def test_arns_of_another_form(kind, arn, expected):
    (problem,) = arn_problems(arn, kind, "the_arn")
    assert problem.startswith(f'the_arn: "{arn}" is not the ')
    assert expected in problem


def test_a_required_arn_must_be_given():
    assert arn_problems("", "iam_role", "v", optional=False) == [
        'v: "" is not the IAM role ARN expected here (form: arn:aws:iam::<12-digit account>:role/<path/><name>)'
    ]


def ttls(minimum, default, maximum):
    return [["min_ttl", minimum], ["default_ttl", default], ["max_ttl", maximum]]


@pytest.mark.parametrize(
    "values", [(0, 0, 0), (0, 60, 60), (0, 86400, 31536000), (10, 10, 3153600000), ("0", "5", "9")]
)
def test_ttls_cloudfront_accepts(values):
    assert cache_ttl_problems(ttls(*values)) == []


@pytest.mark.parametrize(
    "values, expected",
    [
        ((0, 120, 60), ["default_ttl: 120 is above max_ttl (60); CloudFront needs minimum <= default <= maximum"]),
        ((100, 60, 600), ["default_ttl: 60 is below min_ttl (100); CloudFront needs minimum <= default <= maximum"]),
        ((0, 60, -1), ["max_ttl: -1 is negative; CloudFront TTLs are 0 or more seconds"]),
        ((0, "a minute", 60), ['default_ttl: expected an integer number of seconds, got "a minute"']),
        ((0, True, 60), ["default_ttl: expected an integer number of seconds, got True"]),
    ],
)
def test_ttls_cloudfront_refuses(values, expected):
    assert cache_ttl_problems(ttls(*values)) == expected


@pytest.mark.parametrize(
    "value, expected, message",
    [
        (
            "-----BEGIN PUBLIC KEY-----",
            "list",
            "v: expected a list of keys (in YAML, one '- item' per line), got a string \"-----BEGIN PUBLIC KEY-----\"",
        ),
        ({"a": 1}, "list", "v: expected a list of keys (in YAML, one '- item' per line), got a mapping {'a': 1}"),
        ("Project=storytime", "dict", 'v: expected a mapping of keys, got a string "Project=storytime"'),
        (True, "int", "v: expected an integer of keys, got a boolean True"),
        (["a"], "str", "v: expected a string of keys, got a list ['a']"),
    ],
)
def test_wrong_types_say_which_type_was_expected(value, expected, message):
    assert type_problems(value, expected, "v", "keys") == [message]


@pytest.mark.parametrize("value, expected", [([], "list"), ((), "list"), ({}, "dict"), ("", "str"), (0, "int")])
def test_right_types_pass(value, expected):
    assert type_problems(value, expected, "v") == []


def test_every_tag_limit_is_the_strictest_of_the_services_tagged():
    assert naming_rules.MAX_TAGS_PER_RESOURCE == 50
    assert naming_rules.MAX_TAG_KEY_LENGTH == 128
    assert naming_rules.MAX_TAG_VALUE_LENGTH == 256


GOOD_ENVIRONMENT = {
    "storytime_aws_region": "eu-west-1",
    "storytime_environment": "local",
    "storytime_aws_endpoint_url": "https://127.0.0.1:4566",
    "storytime_tags": {"Project": "storytime"},
    "storytime_kms_key_id": "",
}


def test_the_shared_inputs_of_a_good_environment_pass():
    assert naming_rules.environment_problems(GOOD_ENVIRONMENT) == []


def test_the_shared_inputs_are_checked_in_order_region_endpoint_tags_kms():
    bad = {
        "storytime_aws_region": "Europe",
        "storytime_environment": "local",
        "storytime_aws_endpoint_url": "",
        "storytime_tags": {"aws:owner": "me"},
        "storytime_kms_key_id": "not-a-key",
    }
    problems = naming_rules.environment_problems(bad)
    assert [p.split(":")[0].split(" ")[0] for p in problems] == [
        "storytime_aws_region",
        "storytime_aws_endpoint_url",
        "storytime_tags",
        "storytime_kms_key_id",
    ]
    assert problems[0] == (
        'storytime_aws_region: "Europe" is not an AWS region name (expected something like eu-west-1)'
    )
    assert "make local-aws-up" in problems[1]


def test_a_shared_input_left_out_is_not_checked():
    assert naming_rules.environment_problems({"storytime_tags": {"Project": "storytime"}}) == []
    assert naming_rules.environment_problems({"storytime_environment": "prod"}) == []
    # Only the local environment needs an endpoint URL.
    assert naming_rules.environment_problems({"storytime_environment": "dev", "storytime_aws_endpoint_url": ""}) == []
