"""The filters the roles' validate tasks use: the rules of module_utils, fed Ansible's own value types."""

from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from ansible.utils.unsafe_proxy import wrap_var
from ansible_collections.storytime.video_infra.plugins.filter.input_problems import FilterModule

FILTERS = FilterModule().filters()


def test_every_filter_has_its_documentation_file():
    folder = Path(__file__).resolve().parents[4] / "plugins" / "filter"
    for name in FILTERS:
        assert (folder / f"{name}.yml").is_file(), name


def test_unsafe_text_from_an_inventory_is_checked_like_plain_text():
    tags = wrap_var({"cost#center": "a", "Project": "storytime"})
    assert FILTERS["aws_tag_problems"](tags) == [
        "storytime_tags: key \"cost#center\" has characters AWS does not allow in tag keys ('#'); allowed are "
        "letters, digits, spaces and _ . : / = + - @"
    ]
    assert FILTERS["aws_name_problems"](wrap_var("r" * 65), "iam_role", "role")[0].startswith('role: "rrr')
    assert FILTERS["input_type_problems"](wrap_var("http://localhost:3000"), "list", "origins") == [
        "origins: expected a list (in YAML, one '- item' per line), got a string \"http://localhost:3000\""
    ]


def test_integers_given_on_the_command_line_are_integers():
    # -e mediaconvert_segment_length=6 arrives as the string "6".
    assert FILTERS["hls_ladder_problems"]([], wrap_var("6"), wrap_var("96000")) == []
    assert FILTERS["hls_ladder_problems"]([], "5", 96000) == [
        "mediaconvert_segment_length: 5 is not a multiple of the ladder's 2 s GOP; every segment must start on a "
        "keyframe (use 2, 4, 6, ...)"
    ]


def test_ttl_and_arn_filters():
    assert FILTERS["cache_ttl_problems"]([["min", 0], ["default", 61], ["max", 60]]) == [
        "default: 61 is above max (60); CloudFront needs minimum <= default <= maximum"
    ]
    assert FILTERS["aws_arn_problems"]("", "iam_role", "arn") == []
    assert FILTERS["aws_arn_problems"]("x", "iam_role", "arn", optional=False)[0].startswith('arn: "x" is not')


def test_an_unknown_kind_fails_the_task_with_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="unknown name kind"):
        FILTERS["aws_name_problems"]("x", "bucket", "v")


def test_the_shared_inputs_filter_takes_an_inventorys_unsafe_values():
    values = wrap_var({"storytime_aws_region": "eu_west_1", "storytime_tags": {"Project": "storytime"}})
    assert FILTERS["environment_input_problems"](values) == [
        'storytime_aws_region: "eu_west_1" is not an AWS region name (expected something like eu-west-1)'
    ]
