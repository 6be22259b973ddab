"""Fixtures shared by every test directory: one local AWS server per pytest session.

``local_aws`` is test tooling at the repository root (not installed); pyproject.toml puts the root on
``sys.path`` (``pythonpath``), and ``.collections`` so that ``ansible_collections.storytime.video_infra``
imports the way Ansible imports it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local_aws import LocalAWS


@pytest.fixture(scope="session")
def local_aws_server() -> Iterator[LocalAWS]:
    """One local AWS server for the whole session (state is reset per test by ``aws``)."""
    with LocalAWS() as server:
        yield server


@pytest.fixture
def aws(local_aws_server: LocalAWS) -> LocalAWS:
    """The shared server, emptied before the test."""
    local_aws_server.reset()
    return local_aws_server


#: Scenario test files in the order they should start (measured with ``pytest --durations``, 3 workers). With
#: ``--dist worksteal`` (dev/tools/test.sh) each worker starts with a contiguous share of the list and an idle worker
#: steals from the end of the other's queue, so a long test placed late ends the run alone on one worker (it
#: happened: test_custom_domain_end_to_end ran its 4 minutes last). Files whose single tests run longest come first;
#: files of many short tests (the input checks, IAM) come last, where they fill the workers' tails. Most of the first
#: files' tests are the end-to-end suite's (``make test-e2e``), the later files' the core suite's (``make test``);
#: each suite runs its own tests in this order.
COSTLIEST_FIRST = (
    "test_custom_domain.py",
    "test_teardown.py",
    "test_key_rotation.py",
    "test_operator_policy.py",
    "test_faults.py",
    "test_site_keys.py",
    "test_site_outputs.py",
    "test_web_player.py",
    "test_security_posture.py",
    "test_site_waf.py",
    "test_site_mediaconvert.py",
    "test_validate_checklist.py",
    "test_mediaconvert_role_grants.py",
    "test_site_storage.py",
    "test_site_cloudfront.py",
    "test_rails_grants.py",
    "test_secrets.py",
    "test_iam.py",
    "test_site_input_checks.py",
)


def _cost_rank(item: pytest.Item) -> tuple[int, int]:
    path = item.path
    if path.parent.name != "scenarios":
        return (2 if path.parent.name == "unit" or "unit" in path.parts else 1, 0)
    name = path.name
    return (0, COSTLIEST_FIRST.index(name) if name in COSTLIEST_FIRST else len(COSTLIEST_FIRST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Scenario tests first (costliest first), then the local AWS's tests, then unit tests (stable within each)."""
    items.sort(key=_cost_rank)
