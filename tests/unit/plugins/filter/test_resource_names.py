"""The naming rules (module_utils/resource_names.py) and their filter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.storytime.video_infra.plugins.filter.resource_names import FilterModule
from ansible_collections.storytime.video_infra.plugins.module_utils import resource_names

resource_names_filter = FilterModule().filters()["resource_names"]


def test_every_name_of_an_environment():
    names = resource_names_filter("storytime", "prod")
    assert names["master_uploads_bucket"] == "storytime-master-uploads-prod"
    assert names["hls_outputs_bucket"] == "storytime-hls-outputs-prod"
    assert names["access_logs_bucket"] == "storytime-access-logs-prod"
    assert names["private_key_secret"] == "storytime/prod/cloudfront_private_key"
    assert names["key_group"] == "storytime-prod-hls-signers"
    assert names["mediaconvert_role"] == "storytime-prod-mediaconvert"
    assert names["mediaconvert_log_group"] == "/aws/mediaconvert/storytime-prod"
    assert names["ssm_path"] == "/storytime/prod"
    assert set(names) == set(resource_names.RULES)


def test_one_name_by_key():
    assert resource_names_filter("kids", "dev", "job_template") == "kids-dev-hls-abr"


def test_an_unknown_key_names_the_known_ones():
    with pytest.raises(AnsibleFilterError, match=r"unknown resource name 'hls_bucket'.*hls_outputs_bucket"):
        resource_names_filter("storytime", "dev", "hls_bucket")


def test_each_rule_makes_distinct_names_from_distinct_environments():
    dev, prod = resource_names.resource_names("storytime", "dev"), resource_names.resource_names("storytime", "prod")
    assert all(dev[key] != prod[key] for key in resource_names.RULES)


def test_no_role_reads_another_roles_variables():
    """No role's defaults, vars, tasks or templates use an input another role declares in its argument specs (the
    shared storytime_* inputs aside; comments may name them)."""
    roles = Path(__file__).resolve().parents[4] / "roles"
    inputs = {}
    for spec in roles.glob("*/meta/argument_specs.yml"):
        entry_points = yaml.safe_load(spec.read_text())["argument_specs"].values()
        inputs[spec.parent.parent.name] = {name for ep in entry_points for name in ep.get("options", {})}
    assert {"storage", "secrets", "cloudfront_hls", "iam_roles", "mediaconvert", "outputs"} <= set(inputs)
    for role, own in inputs.items():
        foreign = set().union(*(names for other, names in inputs.items() if other != role)) - own
        foreign = {name for name in foreign if not name.startswith("storytime_")}
        files = [p for part in ("defaults", "vars", "tasks", "templates") for p in (roles / role / part).glob("*")]
        for path in sorted(files):
            code = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))
            used = set(re.findall(r"\b[a-z][a-z0-9_]*\b", code))
            assert used & foreign == set(), path
