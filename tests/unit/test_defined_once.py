"""Run-wide values the roles and playbooks share are stated in one place each (issue 15: no logic repeated in
plugins/ and roles/): the caller fact in the caller role, the outputs directory's default in the outputs role."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_YAML = sorted(p for d in ("roles", "playbooks") for p in (ROOT / d).rglob("*.yml"))


def holders(text: str) -> list[str]:
    """The shipped YAML files whose content holds ``text``, relative to the repository."""
    return sorted(str(p.relative_to(ROOT)) for p in SHIPPED_YAML if text in p.read_text())


def test_only_the_caller_role_asks_sts_who_runs():
    assert holders("storytime.video_infra.aws_caller") == ["roles/caller/tasks/main.yml"]


def test_the_roles_that_need_the_caller_include_the_caller_role_once_each():
    including = holders("name: storytime.video_infra.caller")
    assert including == [
        "roles/iam_roles/tasks/main.yml",
        "roles/mediaconvert/tasks/main.yml",
        "roles/secrets/tasks/resource_policy.yml",
        "roles/storage/tasks/main.yml",
    ]
    for path in including:
        assert (ROOT / path).read_text().count("name: storytime.video_infra.caller") == 1, path


def test_the_outputs_directory_default_is_the_outputs_roles_alone():
    # The mediaconvert role's own input, for the role run on its own (a role never reads another role's variables);
    # through the collection's playbooks, share_inputs.yml sets it from outputs_dir.
    own_input = ["roles/mediaconvert/defaults/main.yml", "roles/mediaconvert/meta/argument_specs.yml"]
    outputs_role = ["roles/outputs/defaults/main.yml", "roles/outputs/meta/argument_specs.yml"]
    assert holders("/../outputs") == own_input + outputs_role
    assert "default(outputs_dir ~ " in (ROOT / "playbooks/tasks/share_inputs.yml").read_text()
    defaults = yaml.safe_load((ROOT / "roles/outputs/defaults/main.yml").read_text())
    assert defaults["outputs_dir"] == "{{ playbook_dir }}/../outputs"


def test_every_playbook_that_reads_or_writes_beside_the_outputs_resolves_the_directory_first():
    # Their later plays use the outputs_dir host fact the outputs role's `dir` entry point sets in the first play.
    check = (ROOT / "playbooks/tasks/check_inventory.yml").read_text()
    assert "tasks_from: dir" in check and "name: storytime.video_infra.outputs" in check
    for playbook in ("rotate_cloudfront_key.yml", "validate.yml"):
        plays = yaml.safe_load((ROOT / "playbooks" / playbook).read_text())
        first = yaml.safe_dump(plays[0])
        assert "tasks/check_inventory.yml" in first or "tasks_from: dir" in first, playbook
        assert "outputs_dir" in yaml.safe_dump(plays[1:]), playbook
