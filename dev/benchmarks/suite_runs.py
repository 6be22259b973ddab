"""Where the test suite's time goes: the playbook runs of the scenario tests, by test file and by kind of run.

The scenario tests spend almost all of their time in ansible-playbook processes. With ``STORYTIME_RUN_LOG`` set,
``local_aws.playbook.PlaybookRunner`` appends one JSON line per run (the test, the command, its wall and CPU
seconds); this script reads that file and prints, per test file and per kind of run
(playbook, check mode, failed, tagged), the number of runs and the CPU seconds they used::

    STORYTIME_RUN_LOG=.build/runs.jsonl make scenarios
    .venv/bin/python dev/benchmarks/suite_runs.py .build/runs.jsonl
"""

from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def kind(run: dict) -> str:
    args = run["args"]
    words = [Path(args[0]).name]
    words += [word for flag, word in (("--check", "check"), ("--tags", "tagged")) if flag in args]
    if run["rc"] != 0:
        words.append("failed")
    return " ".join(words)


def table(title: str, rows: dict[str, list[float]]) -> None:
    print(f"\n{title:<60} {'runs':>5} {'cpu s':>8} {'cpu s/run':>10}")
    for name, seconds in sorted(rows.items(), key=lambda item: -sum(item[1])):
        print(f"{name:<60} {len(seconds):>5} {sum(seconds):>8.1f} {sum(seconds) / len(seconds):>10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path, help="the file STORYTIME_RUN_LOG named")
    runs = load(parser.parse_args().log)
    by_file: dict[str, list[float]] = collections.defaultdict(list)
    by_kind: dict[str, list[float]] = collections.defaultdict(list)
    for run in runs:
        by_file[run["test"].split("::")[0].rsplit("/", 1)[-1] or "(outside a test)"].append(run["cpu_seconds"])
        by_kind[kind(run)].append(run["cpu_seconds"])
    table("test file", by_file)
    table("kind of run", by_kind)
    print(f"\n{len(runs)} playbook runs, {sum(run['cpu_seconds'] for run in runs):.0f} CPU seconds")


if __name__ == "__main__":
    main()
