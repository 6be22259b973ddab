"""S3 general purpose bucket naming rules, shared by the module and the role's inventory check."""

import pytest
from ansible_collections.storytime.video_infra.plugins.filter.s3_bucket_name_problems import FilterModule
from ansible_collections.storytime.video_infra.plugins.module_utils.s3_naming import bucket_name_problems


@pytest.mark.parametrize(
    "name",
    ["storytime-master-uploads-prod", "abc", "a" * 63, "my.bucket.name", "1bucket9"],
)
def test_valid_names(name):
    assert bucket_name_problems(name) == []


@pytest.mark.parametrize(
    "name, expected",
    [
        ("ab", "3 to 63 characters long (it has 2)"),
        ("a" * 64, "3 to 63 characters long (it has 64)"),
        ("Storytime", "only lowercase letters, digits, dots and hyphens (found 'S')"),
        ("story_time", "(found '_')"),
        ("-storytime", "begin and end with a letter or digit"),
        ("storytime.", "begin and end with a letter or digit"),
        ("story..time", "two adjacent dots"),
        ("10.0.0.1", "formatted as an IP address"),
        ("xn--bucket", "reserved prefix 'xn--'"),
        ("sthree-bucket", "reserved prefix 'sthree-'"),
        ("amzn-s3-demo-bucket", "reserved prefix 'amzn-s3-demo-'"),
        ("bucket-s3alias", "reserved suffix '-s3alias'"),
        ("bucket--ol-s3", "reserved suffix '--ol-s3'"),
        ("bucket.mrap", "reserved suffix '.mrap'"),
        ("bucket--x-s3", "reserved suffix '--x-s3'"),
        ("bucket--table-s3", "reserved suffix '--table-s3'"),
    ],
)
def test_invalid_names(name, expected):
    problems = bucket_name_problems(name)
    assert any(expected in p for p in problems), problems


def test_non_string_is_reported():
    assert bucket_name_problems(42) == ["must be a string, not int"]


def test_filter_is_registered():
    assert FilterModule().filters()["s3_bucket_name_problems"]("Bad_Name")
