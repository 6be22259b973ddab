"""Every repository path the documentation names exists: README.md, docs/, the roles' and the local AWS's READMEs are
checked for paths in backticks and relative links that start at a top-level folder or file of this repository."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [
    ROOT / "README.md",
    ROOT / "dev" / "local-aws" / "README.md",
    *sorted((ROOT / "docs").rglob("*.md")),
    *sorted((ROOT / "roles").glob("*/README.md")),
]
#: Generated or created by a run, so absent from a clean checkout: not checked.
RUNTIME = (".build/", ".local-aws", ".collections", "outputs/", ".venv")
CODE = re.compile(r"`([^`\s]+)`")
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


def top_level():
    return {p.name for p in ROOT.iterdir() if not p.name.startswith(".git")} | {".ci"}


def named_paths(text, base):
    """(written, resolved) for each path-like reference in ``text`` that starts at a top-level entry of the repository
    or, in a role's README, of the role (``meta/argument_specs.yml``)."""
    tops = top_level()
    local = {p.name for p in base.iterdir()} if base != ROOT and base.parent.name == "roles" else set()
    found = []
    for match in CODE.finditer(text):
        written = match.group(1).rstrip(".,:;")
        if "/" not in written and "." not in written:
            continue
        if any(c in written for c in "<>*{}$=?") or written.startswith(("http", "/")):
            continue
        first = written.split("/")[0]
        if first in local and "/" in written:
            found.append((written, base / written))
        elif (first in tops and "/" in written) or written in tops:
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


def test_the_documents_name_many_paths():
    """Not vacuous: the documents name well over a hundred repository paths (roles, playbooks, tools, tests)."""
    assert sum(len(named_paths(d.read_text(), d.parent)) for d in DOCUMENTS) >= 150


def test_a_roles_readme_names_paths_of_the_role():
    base = ROOT / "roles" / "storage"
    assert named_paths("`meta/argument_specs.yml` and `tasks/nothing.yml`", base) == [
        ("meta/argument_specs.yml", base / "meta/argument_specs.yml"),
        ("tasks/nothing.yml", base / "tasks/nothing.yml"),
    ]


def test_the_check_sees_the_paths_it_should():
    sample = "Run `dev/tools/test.sh`, see [the AWX page](docs/awx.md), `roles/nothing/here.yml`; not `a.b`, `<x>/y`."
    assert [written for written, _resolved in named_paths(sample, ROOT)] == [
        "dev/tools/test.sh",
        "roles/nothing/here.yml",
        "docs/awx.md",
    ]
