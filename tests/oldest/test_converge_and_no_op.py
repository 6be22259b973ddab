"""`make test-oldest`'s playbook check on the oldest supported end (ansible-core 2.19 on Python 3.11): site.yml
converges an empty account, and a second run changes nothing and makes no write call. Not collected by `make test`
(pyproject's testpaths), which runs the same and more on the current end (tests/scenarios/test_site_storage.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.scenario


def test_site_converges_then_a_second_run_changes_and_writes_nothing(converged, playbook):
    assert converged.rc == 0, converged.stdout[-3000:]
    assert converged.stats()["changed"] > 0
    assert converged.writes

    second = playbook.run()
    assert second.rc == 0, second.stdout[-3000:]
    assert second.stats()["changed"] == 0
    assert second.writes == []
