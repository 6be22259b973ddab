"""Scenario fixtures: a playbook runner bound to the session's local AWS (see local_aws.playbook)."""

from __future__ import annotations

from pathlib import Path

import pytest

from local_aws import LocalAWS
from local_aws.playbook import PlaybookRun
from local_aws.playbook import PlaybookRunner
from tests.scenarios.converge import converge_once


@pytest.fixture
def playbook(aws: LocalAWS, tmp_path: Path) -> PlaybookRunner:
    return PlaybookRunner(aws, tmp_path)


@pytest.fixture
def s3(aws: LocalAWS):
    return aws.client("s3")


@pytest.fixture
def converged(aws: LocalAWS, playbook: PlaybookRunner, tmp_path_factory: pytest.TempPathFactory) -> PlaybookRun:
    """The stack ``site.yml -i inventories/local`` converges to from an empty account, and the run that made it
    (once per worker, see :func:`converge_once`)."""
    return converge_once("site", aws, playbook, tmp_path_factory)
