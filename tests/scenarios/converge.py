"""One converge per worker and name, restored from a snapshot of the local AWS for every later test."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from local_aws import LocalAWS
from local_aws.playbook import PlaybookRun
from local_aws.playbook import PlaybookRunner

#: This worker's converged stacks by name: the run that made each and where its local files were kept.
_CONVERGED: dict[str, tuple[PlaybookRun, Path]] = {}


def converge_once(
    name: str, aws: LocalAWS, playbook: PlaybookRunner, tmp_path_factory: pytest.TempPathFactory, **run_options: Any
) -> PlaybookRun:
    """``playbook.run(**run_options)`` from an empty account, run for real once per worker and ``name``.

    The first test of a worker that asks for ``name`` runs it, then the local AWS saves its whole state
    (:mod:`local_aws.snapshots`) and the run's local files (the outputs directory) are kept; every later test gets
    the state restored (milliseconds instead of a 20-second converge), its own copy of those files and the recorded
    run, exactly as if it had run the converge itself. ``name`` must stand for everything that shapes the result
    (the inventory's content, the extra variables): the cache knows nothing else.
    """
    outputs = playbook.tmp_path / "outputs"
    if name not in _CONVERGED:
        run = playbook.run(**run_options)
        assert run.rc == 0, run.stdout[-3000:]
        aws.snapshot(f"converged-{name}")
        kept = tmp_path_factory.mktemp(f"converged-{name}-files")
        if outputs.exists():
            shutil.copytree(outputs, kept / "outputs")
        _CONVERGED[name] = (run, kept)
        return run
    run, kept = _CONVERGED[name]
    aws.restore(f"converged-{name}")
    shutil.rmtree(outputs, ignore_errors=True)
    if (kept / "outputs").exists():
        shutil.copytree(kept / "outputs", outputs)
    return run
