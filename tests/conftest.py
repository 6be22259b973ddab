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
