"""Scenario fixtures: a playbook runner bound to the session's local AWS (see local_aws.playbook)."""

from __future__ import annotations

from pathlib import Path

import pytest

from local_aws import LocalAWS
from local_aws.playbook import PlaybookRunner


@pytest.fixture
def playbook(aws: LocalAWS, tmp_path: Path) -> PlaybookRunner:
    return PlaybookRunner(aws, tmp_path)


@pytest.fixture
def s3(aws: LocalAWS):
    return aws.client("s3")
