"""The aws_connection lookup: the one place where the storytime_aws_* variables become module options."""

import re
from pathlib import Path

import pytest
from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.template import trust_as_template
from ansible_collections.storytime.video_infra.plugins.lookup.aws_connection import LookupModule

ROOT = Path(__file__).resolve().parents[4]

LOCAL = {
    "storytime_aws_region": "eu-west-1",
    "storytime_aws_endpoint_url": "https://127.0.0.1:4566",
    "storytime_aws_ca_bundle": "/srv/ca.pem",
    "storytime_aws_profile": "",
    "storytime_aws_access_key": "AKIALOCAL",
    "storytime_aws_secret_key": "local-secret",
}


def lookup(variables, **kwargs):
    templar = Templar(loader=DataLoader(), variables=variables)
    return LookupModule(loader=DataLoader(), templar=templar).run([], variables=variables, **kwargs)


def test_every_set_variable_becomes_its_module_option_and_empty_ones_are_left_out():
    assert lookup(LOCAL) == [
        {
            "region": "eu-west-1",
            "endpoint_url": "https://127.0.0.1:4566",
            "aws_ca_bundle": "/srv/ca.pem",
            "access_key": "AKIALOCAL",
            "secret_key": "local-secret",
        }
    ]


def test_an_account_with_a_profile_gets_only_region_and_profile():
    assert lookup({"storytime_aws_region": "eu-west-1", "storytime_aws_profile": "storytime-prod"}) == [
        {"region": "eu-west-1", "profile": "storytime-prod"}
    ]


def test_null_values_are_left_out_like_unset_ones():
    assert lookup({"storytime_aws_region": "eu-west-1", "storytime_aws_endpoint_url": None}) == [
        {"region": "eu-west-1"}
    ]


def test_variables_that_are_templates_are_templated_first():
    # As in an inventory: values read from inventory files are trusted templates.
    variables = {
        "storytime_aws_region": trust_as_template("{{ home_region }}"),
        "home_region": "eu-central-1",
        "storytime_aws_endpoint_url": trust_as_template("{{ '' }}"),
    }
    assert lookup(variables) == [{"region": "eu-central-1"}]


def test_the_region_option_replaces_the_region_and_an_empty_one_drops_it():
    assert lookup(LOCAL, region="us-east-1")[0]["region"] == "us-east-1"
    without = lookup(LOCAL, region="")[0]
    assert "region" not in without
    assert without["endpoint_url"] == "https://127.0.0.1:4566"


def test_terms_and_unknown_options_are_refused():
    plugin = LookupModule(loader=DataLoader(), templar=Templar(loader=DataLoader(), variables=LOCAL))
    with pytest.raises(AnsibleLookupError, match="takes no terms"):
        plugin.run(["eu-west-1"], variables=LOCAL)
    with pytest.raises(AnsibleLookupError, match="has no option regoin"):
        lookup(LOCAL, regoin="us-east-1")


def test_a_value_that_is_not_a_string_is_refused_with_its_variable_name():
    with pytest.raises(AnsibleLookupError, match="storytime_aws_region must be a string, got list"):
        lookup({"storytime_aws_region": ["eu-west-1"]})


def test_no_task_writes_the_connection_by_hand():
    """The connection is stated once: no role or playbook passes a storytime_aws_* connection option itself."""
    by_hand = re.compile(r"^\s+(region|endpoint_url|aws_ca_bundle|profile|access_key|secret_key): .*storytime_aws_")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("roles", "playbooks")
        for path in sorted((ROOT / folder).rglob("*.yml"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if by_hand.match(line)
    ]
    assert found == []
    uses = [
        path
        for folder in ("roles", "playbooks")
        for path in (ROOT / folder).rglob("*.yml")
        if "lookup('storytime.video_infra.aws_connection'" in path.read_text()
    ]
    assert len(uses) >= 15
