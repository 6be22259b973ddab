"""The design card's commands work literally from the repository root: `ansible-playbook site.yml -i
inventories/<env>` and `ansible-playbook rotate_cloudfront_key.yml -i inventories/<env>` run the collection's own
playbooks (issue 14, item 1), with the outputs for Rails in ./outputs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from local_aws.playbook import BIN
from local_aws.playbook import ROOT

pytestmark = pytest.mark.scenario

TAGS = re.compile(r"TAGS: \[([^\]]*)\]")
PLAY_NUMBER = re.compile(r"play #\d+")


def listed_tasks(playbook: str) -> list[str]:
    """``ansible-playbook --list-tasks`` of ``playbook``, without its first line (the playbook's own path)."""
    run = subprocess.run(
        [str(Path(BIN) / "ansible-playbook"), playbook, "-i", "inventories/local", "--list-tasks"],
        cwd=ROOT,
        env={"PATH": str(BIN), "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "HOME": str(Path.home())},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    assert lines[0].strip() == f"playbook: {playbook}"
    # Ansible lists a play's tags in set order, which changes from one process to the next.
    return [TAGS.sub(lambda m: "TAGS: [" + ",".join(sorted(m.group(1).split(","))) + "]", line) for line in lines[1:]]


@pytest.mark.parametrize("name", ["site.yml", "rotate_cloudfront_key.yml"])
def test_the_root_entry_point_runs_exactly_the_collection_playbook(name):
    root = listed_tasks(name)
    assert len(root) > 10
    assert root == listed_tasks(f"playbooks/{name}")


def test_site_and_validate_runs_site_then_validate():
    """The AWX entry point (docs/awx.md): exactly the plays and tasks of site.yml, then those of validate.yml."""

    def unnumbered(playbook: str) -> list[str]:
        return [PLAY_NUMBER.sub("play", line) for line in listed_tasks(playbook)]

    assert unnumbered("site_and_validate.yml") == unnumbered("playbooks/site.yml") + unnumbered(
        "playbooks/validate.yml"
    )


@pytest.mark.e2e
def test_site_yml_from_the_root_converges_and_writes_the_outputs_to_the_repository(converged, playbook):
    """On the converged stack, `ansible-playbook site.yml --check` from the root makes no AWS write, and its outputs
    directory is <repository>/outputs (a check run: no file is written there)."""
    preview = playbook.run(playbook="site.yml", check=True, own_outputs_dir=False)
    assert preview.rc == 0, preview.failure_messages()
    assert preview.writes == []
    (written,) = preview.task_results("Write the outputs for Rails, as JSON and as a dotenv file")
    assert {Path(f["path"]).parent.resolve() for f in written["files"]} == {(ROOT / "outputs").resolve()}
