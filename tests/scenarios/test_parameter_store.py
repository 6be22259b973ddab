"""The ssm_parameters module against the local AWS: one task for a set of String parameters under a path."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

PATH = "/storytime/local"
TAGS = {"Project": "storytime", "Environment": "local"}
# Twelve parameters: more than one page of GetParametersByPath (10 per page).
VALUES = {f"output_{i:02d}": f"value {i}" for i in range(12)}


def parameters(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "value": value, "description": f"output {name}"} for name, value in values.items()]


def run_module(playbook, tmp_path, args: dict[str, Any], **kwargs):
    task = {
        "name": "SSM parameters",
        "module_defaults": {"group/storytime.video_infra.aws": "{{ lookup('storytime.video_infra.aws_connection') }}"},
        "storytime.video_infra.ssm_parameters": args,
    }
    play = {"name": "SSM", "hosts": "storytime", "gather_facts": False, "tasks": [task]}
    path = tmp_path / "ssm.yml"
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    run = playbook.run(playbook=str(path), **kwargs)
    assert run.rc == 0, run.failure_messages() or run.stderr[-2000:]
    (result,) = run.task_results("SSM parameters")
    return run, result


def under_path(ssm) -> dict[str, dict[str, Any]]:
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path=PATH)
    return {p["Name"].rsplit("/", 1)[-1]: p for page in pages for p in page["Parameters"]}


def tags_of(ssm, name: str) -> dict[str, str]:
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=f"{PATH}/{name}")["TagList"]
    return {t["Key"]: t["Value"] for t in tags}


def test_create_no_op_drift_repair_and_delete_leave_foreign_parameters_alone(playbook, aws, tmp_path):
    ssm = aws.client("ssm")
    present = {"path": PATH, "parameters": parameters(VALUES), "tags": TAGS}

    run, created = run_module(playbook, tmp_path, present)
    assert created["changed"] is True
    assert created["changed_parameters"] == list(VALUES)
    found = under_path(ssm)
    assert {name: p["Value"] for name, p in found.items()} == VALUES
    assert {p["Type"] for p in found.values()} == {"String"}
    assert tags_of(ssm, "output_07") == TAGS
    assert run.writes.count("PutParameter") == 12

    again, unchanged = run_module(playbook, tmp_path, present)
    assert unchanged["changed"] is False
    assert again.writes == []
    # One process reads them all: two pages of values, one of descriptions, the tags of each.
    reads = [op for _svc, op in again.calls if _svc == "SSM"]
    assert sorted(set(reads)) == ["DescribeParameters", "GetParametersByPath", "ListTagsForResource"]
    assert reads.count("GetParametersByPath") == 2 and reads.count("DescribeParameters") == 1
    assert reads.count("ListTagsForResource") == 12

    # Out of band: a value and a description changed, a tag added, and a parameter of another application.
    ssm.put_parameter(Name=f"{PATH}/output_03", Value="edited", Type="String", Overwrite=True)
    ssm.put_parameter(Name=f"{PATH}/output_05", Value="value 5", Type="String", Overwrite=True, Description="hand")
    ssm.add_tags_to_resource(
        ResourceType="Parameter", ResourceId=f"{PATH}/output_09", Tags=[{"Key": "K", "Value": "v"}]
    )
    ssm.put_parameter(Name=f"{PATH}/someone_elses", Value="theirs", Type="String")

    check, predicted = run_module(playbook, tmp_path, present, check=True, diff=True)
    assert predicted["changed_parameters"] == ["output_03", "output_05", "output_09"]
    assert predicted["diff"]["before"]["output_03"]["value"] == "edited"
    assert predicted["diff"]["after"]["output_03"]["value"] == "value 3"
    assert check.writes == []

    repair, repaired = run_module(playbook, tmp_path, present)
    assert repaired["changed_parameters"] == ["output_03", "output_05", "output_09"]
    found = under_path(ssm)
    assert found["output_03"]["Value"] == "value 3"
    assert repaired["parameters"]["output_03"]["version"] == found["output_03"]["Version"] == 3
    assert tags_of(ssm, "output_09") == TAGS
    assert found["someone_elses"]["Value"] == "theirs"
    assert sorted(repair.writes) == ["PutParameter", "PutParameter", "RemoveTagsFromResource"]

    absent = {"path": PATH, "parameters": [{"name": name} for name in VALUES], "state": "absent"}
    delete, deleted = run_module(playbook, tmp_path, absent)
    assert deleted["changed_parameters"] == list(VALUES)
    assert delete.writes == ["DeleteParameters", "DeleteParameters"]
    assert set(under_path(ssm)) == {"someone_elses"}

    nothing_left, gone = run_module(playbook, tmp_path, absent)
    assert gone["changed"] is False
    assert nothing_left.writes == []
