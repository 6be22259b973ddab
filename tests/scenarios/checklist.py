"""The seven-check table ``playbooks/validate.yml`` prints, read back, for the tests that end a sequence of playbooks
with validate.yml (issue 12, item 2: every playbook composes with every other)."""

from __future__ import annotations

import re
from pathlib import Path

from local_aws.playbook import PlaybookRunner

VALIDATE = "playbooks/validate.yml"
CHECK_LINE = re.compile(r"^\s+(\d) \| .*? \| (PASS|FAIL|NOT RUN)\s* \| (.*)$")


def checklist(stdout: str) -> dict[int, tuple[str, str]]:
    """Check number -> (result, detail) from the table validate.yml prints."""
    rows = {}
    for line in stdout.splitlines():
        match = CHECK_LINE.match(line)
        if match:
            rows[int(match.group(1))] = (match.group(2), match.group(3))
    return rows


Rows = dict[int, tuple[str, str]]


def validate_passes(playbook: PlaybookRunner, inventory: str | Path = "inventories/local") -> Rows:
    """Run validate.yml and require all seven checks to pass: upload as Rails, transcode, the HLS files, CloudFront
    through OAC with cookies signed by the secret's current key, 403 without cookies, ffmpeg plays every rendition,
    the HLS output conforms (RFC 8216, Apple's authoring specification)."""
    run = playbook.run(playbook=VALIDATE, inventory=inventory, json_output=False)
    rows = checklist(run.stdout)
    assert run.rc == 0, run.stdout[-4000:]
    assert {number: result for number, (result, _detail) in rows.items()} == dict.fromkeys(range(1, 8), "PASS"), rows
    return rows
