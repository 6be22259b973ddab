"""Every repository path the documentation names exists: README.md, docs/ and the local AWS's README are checked for
paths in backticks and relative links that start at a top-level folder or file of this repository."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", ROOT / "local_aws" / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
#: Generated or created by a run, so absent from a clean checkout: not checked.
RUNTIME = (".build/", ".local-aws", ".collections", "outputs/", ".venv")
CODE = re.compile(r"`([^`\s]+)`")
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def top_level():
    return {p.name for p in ROOT.iterdir() if not p.name.startswith(".git")} | {".ci"}


def named_paths(text, base):
    """(written, resolved) for each path-like reference in ``text`` that starts at a top-level entry."""
    tops = top_level()
    found = []
    for match in CODE.finditer(text):
        written = match.group(1).rstrip(".,:;")
        if "/" not in written and "." not in written:
            continue
        if any(c in written for c in "<>*{}$=?") or written.startswith(("http", "/")):
            continue
        if (written.split("/")[0] in tops and "/" in written) or written in tops:
            found.append((written, ROOT / written))
    for match in LINK.finditer(text):
        written = match.group(1)
        if written.startswith(("http", "mailto:")):
            continue
        found.append((written, (base / written).resolve()))
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_the_document_names_exists(document):
    missing = [
        written
        for written, resolved in named_paths(document.read_text(), document.parent)
        if not written.startswith(RUNTIME) and not resolved.exists()
    ]
    assert missing == []


def test_the_readme_names_many_paths():
    """Not vacuous: the README alone names dozens of repository paths (roles, playbooks, tools, tests)."""
    assert len(named_paths((ROOT / "README.md").read_text(), ROOT)) >= 40


def test_the_check_sees_the_paths_it_should():
    sample = "Run `tools/test.sh`, see [the AWX page](docs/awx.md) and `roles/nothing/here.yml`; not `a.b` or `<x>/y`."
    assert [written for written, _ in named_paths(sample, ROOT)] == [
        "tools/test.sh",
        "roles/nothing/here.yml",
        "docs/awx.md",
    ]
