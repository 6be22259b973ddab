"""Benchmark: this working tree against a baseline commit, side by side in one run, on one local AWS.

For each tree (the baseline commit, checked out as a git worktree under .build/, and this working tree), on an
emptied local AWS: one converge of site.yml on inventories/local, ``--repeats`` no-op re-runs (median wall time),
and one ``--check --diff`` run on the converged state. Printed per tree: wall times, CPU times (the
ansible-playbook process, its workers and its module processes: what a busy CI machine pays), the AWS calls of a
no-op run (reads and writes, counted with botocore client-side monitoring as in bench_site.py), the tasks that ran (ok +
changed) and were skipped, the module processes a no-op run starts (tasks that are not controller-only), where a
no-op's wall time goes, and the ratio of each figure to the baseline's.

Where the time goes comes from one more no-op run whose modules start through a timing interpreter (a shell script
that runs the venv's Python and logs how long each module process took): the sum of those times is the part spent
in module processes (starting Python, compiling ansible-core's module_utils from the AnsiballZ zip, importing
boto3, the AWS calls), the rest of that run's wall time is the controller's (parsing, templating, the task workers,
building the AnsiballZ payloads). The strategy runs one task at a time, so the two add up to the run.

Both trees run on the same local AWS server (this tree's local_aws), one after the other, so that the figures
differ only by the collection. Run with ``make benchmark-baseline`` (BASELINE=<commit>, default the commit before
HEAD; ``--extra-vars '<JSON>'`` runs both trees with those variables, for example
``'{"outputs_ssm_enabled": true}'``). It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "dev" / "local-aws"))

from local_aws import LocalAWS  # noqa: E402
from local_aws.playbook import PlaybookRun  # noqa: E402
from local_aws.playbook import PlaybookRunner  # noqa: E402

#: Tasks that run in the controller process only (no module process): their action names.
CONTROLLER_ONLY = {
    "assert",
    "debug",
    "set_fact",
    "include_tasks",
    "import_tasks",
    "include_role",
    "import_role",
    "validate_argument_spec",
    "meta",
    "controller_files",
}


def worktree(commit: str) -> Path:
    """A checkout of ``commit`` under .build/, with the .collections link `make` would create."""
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{commit}^{{commit}}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    path = ROOT / ".build" / f"bench-baseline-{sha[:12]}"
    if not path.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(path), sha], cwd=ROOT, check=True)
    link = path / ".collections" / "ansible_collections" / "storytime" / "video_infra"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to("../../..")
    return path


def task_counts(run: PlaybookRun) -> tuple[int, int, int]:
    """(tasks that ran, tasks skipped, module processes) of a run, from the json callback."""
    ran = skipped = modules = 0
    for play in (run.result or {}).get("plays", []):
        for task in play.get("tasks", []):
            for result in task.get("hosts", {}).values():
                if result.get("skipped"):
                    skipped += 1
                    continue
                ran += 1
                if result.get("action", "").split(".")[-1] not in CONTROLLER_ONLY:
                    modules += max(1, len(result.get("results", [])))
    return ran, skipped, modules


def timing_interpreter(folder: Path) -> tuple[Path, Path]:
    """A Python for the modules that appends each process's wall time (nanoseconds) to a log: (script, log)."""
    script, log = folder / "timed-python", folder / "module-process-ns.log"
    script.write_text(
        "#!/bin/sh\n"
        "began=$(date +%s%N)\n"
        f'{shlex.quote(sys.executable)} "$@"\n'
        "status=$?\n"
        f"echo $(($(date +%s%N) - began)) >> {shlex.quote(str(log))}\n"
        'exit "$status"\n'
    )
    script.chmod(0o755)
    return script, log


def measure(server: LocalAWS, root: Path, repeats: int, extra_vars: dict) -> dict[str, float]:
    server.reset()
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
        runner = PlaybookRunner(server, Path(tmp), root=root)
        converge = runner.run(extra_vars=extra_vars)
        if converge.rc != 0:
            raise SystemExit(f"{root}: converge failed\n{converge.stdout[-3000:]}\n{converge.stderr[-2000:]}")
        noops = [runner.run(extra_vars=extra_vars) for _ in range(repeats)]
        check = runner.run(check=True, diff=True, extra_vars=extra_vars)
        interpreter, log = timing_interpreter(Path(tmp))
        timed = runner.run(extra_vars={**extra_vars, "ansible_python_interpreter": str(interpreter)})
        if timed.rc != 0 or timed.stats()["changed"]:
            raise SystemExit(f"{root}: the timed no-op run failed or changed something\n{timed.stdout[-3000:]}")
        in_modules = sum(int(line) for line in log.read_text().split()) / 1e9
    last = noops[-1]
    ran, skipped, modules = task_counts(last)
    return {
        "converge wall s": converge.seconds,
        "converge CPU s": converge.cpu_seconds,
        "no-op wall s (median)": statistics.median(run.seconds for run in noops),
        "no-op CPU s (median)": statistics.median(run.cpu_seconds for run in noops),
        "--check --diff wall s": check.seconds,
        "--check --diff CPU s": check.cpu_seconds,
        "no-op reads": len(last.reads),
        "no-op writes": len(last.writes),
        "no-op changed tasks": last.stats()["changed"],
        "no-op tasks run": ran,
        "no-op tasks skipped": skipped,
        "no-op module processes": modules,
        "timed no-op wall s": timed.seconds,
        "  in module processes s": in_modules,
        "  in the controller s": timed.seconds - in_modules,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD~1", help="the commit to compare with (default: HEAD~1)")
    parser.add_argument("--repeats", type=int, default=3, help="no-op re-runs per tree (median wall time)")
    parser.add_argument("--extra-vars", type=json.loads, default={}, help="variables for every run, as JSON")
    args = parser.parse_args()

    baseline = worktree(args.baseline)
    label = subprocess.run(
        ["git", "log", "-1", "--format=%h %s"], cwd=baseline, check=True, capture_output=True, text=True
    ).stdout.strip()
    head = subprocess.run(
        ["git", "log", "-1", "--format=%h %s"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], check=False, cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    with LocalAWS() as server:
        before = measure(server, baseline, args.repeats, args.extra_vars)
        after = measure(server, ROOT, args.repeats, args.extra_vars)

    print(f"\nbaseline: {label[:90]}")
    print(f"this tree: {head[:90]}{' (with uncommitted changes)' if dirty else ''}")
    if args.extra_vars:
        print(f"extra variables: {json.dumps(args.extra_vars)}")
    print(f"\n{'site.yml on inventories/local':<32} {'baseline':>10} {'this tree':>10} {'ratio':>7}")
    print("-" * 62)
    for name, old in before.items():
        new = after[name]
        ratio = f"{new / old:.2f}" if old else "-"
        fmt = "{:>10.2f}" if isinstance(old, float) else "{:>10d}"
        print(f"{name:<32} {fmt.format(old)} {fmt.format(new)} {ratio:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
