"""Scenario fixtures: a playbook runner bound to the session's local AWS (see local_aws.playbook)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from local_aws import LocalAWS
from local_aws.playbook import PlaybookRun
from local_aws.playbook import PlaybookRunner


@pytest.fixture
def playbook(aws: LocalAWS, tmp_path: Path) -> PlaybookRunner:
    return PlaybookRunner(aws, tmp_path)


@pytest.fixture
def s3(aws: LocalAWS):
    return aws.client("s3")


#: This worker's converged default stack: the run that made it and where its local files were kept.
_CONVERGED: dict[str, tuple[PlaybookRun, Path]] = {}


@pytest.fixture
def converged(aws: LocalAWS, playbook: PlaybookRunner, tmp_path_factory: pytest.TempPathFactory) -> PlaybookRun:
    """The stack ``site.yml -i inventories/local`` converges to from an empty account, and the run that made it.

    The first test of a worker that asks for it runs that converge for real, then the local AWS saves its whole
    state (:mod:`local_aws.snapshots`) and the run's local files (the outputs directory) are kept; every later
    test gets the state restored (milliseconds instead of a 30-second converge), its own copy of those files and
    the recorded run, exactly as if it had run the converge itself.
    """
    outputs = playbook.tmp_path / "outputs"
    if "site" not in _CONVERGED:
        run = playbook.run()
        assert run.rc == 0, run.stdout[-3000:]
        aws.snapshot("converged-site")
        kept = tmp_path_factory.mktemp("converged-site-files")
        shutil.copytree(outputs, kept / "outputs")
        _CONVERGED["site"] = (run, kept)
        return run
    run, kept = _CONVERGED["site"]
    aws.restore("converged-site")
    shutil.rmtree(outputs, ignore_errors=True)
    shutil.copytree(kept / "outputs", outputs)
    return run
