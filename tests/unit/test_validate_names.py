"""The inventory check tests the names the roles really give their resources (no drift between main and validate)."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def module_args(role, module):
    """The arguments of every task of ``role``'s tasks/main.yml (blocks included) that calls ``module``."""
    found = []

    def walk(tasks):
        for task in tasks or []:
            walk(task.get("block"))
            if module in task:
                found.append(task[module])

    walk(yaml.safe_load((ROOT / "roles" / role / "tasks" / "main.yml").read_text()))
    return found


def validate_text(role):
    return (ROOT / "roles" / role / "tasks" / "validate.yml").read_text()


@pytest.mark.parametrize(
    "module, kind",
    [
        ("storytime.video_infra.cloudfront_origin_access_control", "cloudfront_origin_access_control"),
        ("storytime.video_infra.cloudfront_cache_policy", "cloudfront_cache_policy"),
        ("storytime.video_infra.cloudfront_key_group", "cloudfront_key_group"),
    ],
)
def test_cloudfront_names_are_checked_as_main_makes_them(module, kind):
    calls = module_args("cloudfront_hls", module)
    assert calls
    for args in calls:
        assert f'{{kind: {kind}, name: "{args["name"]}"}}' in validate_text("cloudfront_hls")


def test_the_public_key_names_and_comment_are_checked_as_main_makes_them():
    (public_key,) = module_args("cloudfront_hls", "storytime.video_infra.cloudfront_public_key")
    assert public_key["name"].startswith("{{ cloudfront_hls__prefix }}-{{") and "[:16]" in public_key["name"]
    assert '{kind: cloudfront_public_key, name: "{{ cloudfront_hls__prefix }}-0123456789abcdef"}' in validate_text(
        "cloudfront_hls"
    )
    (signing_key,) = module_args("cloudfront_hls", "storytime.video_infra.cloudfront_signing_key")
    # main.yml passes the comment through one variable; validate.yml checks that same variable's value.
    comment = re.fullmatch(r"\{\{ (\w+) \}\}", signing_key["public_key_comment"].strip())
    assert comment, signing_key["public_key_comment"]
    assert f"({comment.group(1)} | storytime.video_infra.aws_name_problems('cloudfront_comment'" in validate_text(
        "cloudfront_hls"
    )


@pytest.mark.parametrize(
    "module, variable",
    [
        ("storytime.video_infra.mediaconvert_queue", "mediaconvert_queue_name"),
        ("storytime.video_infra.mediaconvert_job_template", "mediaconvert_job_template_name"),
        ("community.aws.sqs_queue", "mediaconvert_notifications_name"),
        ("community.aws.sns_topic", "mediaconvert_notifications_name"),
        ("storytime.video_infra.eventbridge_rule", "mediaconvert_notifications_name"),
    ],
)
def test_mediaconvert_names_are_the_variables_checked(module, variable):
    (args,) = module_args("mediaconvert", module)
    assert args["name"] == f"{{{{ {variable} }}}}"
    assert "aws_name_problems(" in validate_text("mediaconvert") and f"'{variable}'" in validate_text("mediaconvert")
