"""The variable tables (docs/configuration.md, each role's README) are generated from the roles' argument specs and
must not drift from them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "dev" / "tools"))

import variables_doc  # noqa: E402


def test_readme_tables_match_the_argument_specs():
    check = subprocess.run(
        [sys.executable, str(ROOT / "dev" / "tools" / "variables_doc.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def test_every_role_option_has_a_row_with_its_type():
    table = variables_doc.render()
    for spec in ROOT.glob("roles/*/meta/argument_specs.yml"):
        options = yaml.safe_load(spec.read_text())["argument_specs"]["main"]["options"]
        for name, option in options.items():
            rows = [line for line in table.splitlines() if line.startswith(f"| `{name}` |")]
            assert len(rows) == 1, name
            assert option.get("type", "str") in rows[0], (name, rows[0])


def test_markup_becomes_markdown():
    assert variables_doc.markdown("V(true) or O(foo=bar), C(x) and B(bold)") == "`true` or `foo=bar`, `x` and **bold**"
    assert variables_doc.markdown("a | b") == "a \\| b"
