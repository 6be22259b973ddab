"""The test suite's run log (local_aws.playbook, STORYTIME_RUN_LOG) and its summary (dev/benchmarks/suite_runs.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from local_aws import playbook

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("suite_runs", ROOT / "dev" / "benchmarks" / "suite_runs.py")
suite_runs = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(suite_runs)


def test_nothing_is_logged_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("STORYTIME_RUN_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    playbook._log_run(["ansible-playbook", "site.yml"], 1.0, 0.5, 0)
    assert list(tmp_path.iterdir()) == []


def test_each_run_is_one_line_and_the_summary_adds_the_cpu_seconds_up(tmp_path, monkeypatch, capsys):
    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("STORYTIME_RUN_LOG", str(log))
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "tests/scenarios/test_x.py::test_y (call)")
    playbook._log_run(["ansible-playbook", "/r/playbooks/site.yml", "--check"], 2.5, 1.25, 0)
    (line,) = log.read_text().splitlines()
    logged = json.loads(line)
    assert logged["args"] == ["/r/playbooks/site.yml", "--check"]
    assert (logged["seconds"], logged["cpu_seconds"], logged["rc"]) == (2.5, 1.25, 0)

    lines = [
        {"test": "tests/scenarios/test_a.py::t (call)", "args": ["/r/site.yml"], "rc": 0, "cpu_seconds": 20},
        {"test": "tests/scenarios/test_a.py::t (call)", "args": ["/r/site.yml"], "rc": 2, "cpu_seconds": 3},
        {"test": "tests/scenarios/test_b.py::u (call)", "args": ["/r/site.yml", "--tags", "x"], "rc": 0,
         "cpu_seconds": 10},
    ]  # fmt: skip
    log.write_text("".join(json.dumps(entry) + "\n" for entry in lines))
    runs = suite_runs.load(log)
    assert [suite_runs.kind(run) for run in runs] == ["site.yml", "site.yml failed", "site.yml tagged"]
    monkeypatch.setattr("sys.argv", ["suite_runs.py", str(log)])
    suite_runs.main()
    printed = capsys.readouterr().out
    assert "test_a.py" in printed and "3 playbook runs, 33 CPU seconds" in printed
