"""Benchmark: what authenticating and authorizing every request costs, beside a baseline, in one run.

Part 1, per request (in process, no network): the same signed S3 and IAM requests through the local AWS's WSGI
app with its authentication/authorization gate, and through the same app with the gate short-circuited (a
stand-in built here, never used by tests). Median microseconds per request.

Part 2, end to end: ``site.yml`` on ``inventories/local`` (first converge, then the no-op re-run) and
``validate.yml``, against this checkout and against a baseline commit (default: the last one before the strict
local AWS, ``7c5dd95``) checked out into a temporary git worktree. Each tree runs its own local AWS and its own
playbooks; wall times side by side.

Run: ``.venv/bin/python dev/benchmarks/bench_auth.py [--baseline REV] [--requests N] [--skip-site]``. It prints figures;
it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "dev" / "local-aws"))

DEFAULT_BASELINE = "7c5dd95"


def per_request(count: int) -> None:
    from werkzeug.test import Client  # noqa: PLC0415

    from local_aws.server import LocalAWSApp  # noqa: PLC0415
    from tests.local_aws.sigv4 import signed_headers  # noqa: PLC0415

    gated = LocalAWSApp()
    open_app = LocalAWSApp()
    open_app.gate.check = lambda environ: None  # the baseline: no authentication, no authorization

    def run(app: LocalAWSApp) -> dict[str, float]:
        client = Client(app)
        headers = signed_headers("PUT", "https://localhost/bench-bucket", region="us-east-1")
        client.put("/bench-bucket", headers=headers, base_url="https://localhost")
        headers = signed_headers("PUT", "https://localhost/bench-bucket/k", b"x", region="us-east-1")
        client.put("/bench-bucket/k", data=b"x", headers=headers, base_url="https://localhost")
        timings: dict[str, list[float]] = {"S3 GetObject": [], "IAM ListUsers": []}
        body = b"Action=ListUsers&Version=2010-05-08"
        form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        for _ in range(count):
            headers = signed_headers("GET", "https://localhost/bench-bucket/k", region="us-east-1")
            start = time.perf_counter()
            answer = client.get("/bench-bucket/k", headers=headers, base_url="https://localhost")
            timings["S3 GetObject"].append(time.perf_counter() - start)
            assert answer.status_code == 200, answer.get_data()
            headers = signed_headers(
                "POST", "https://localhost/", body, service="iam", region="us-east-1", headers=form
            )
            start = time.perf_counter()
            answer = client.post("/", data=body, headers=headers, base_url="https://localhost")
            timings["IAM ListUsers"].append(time.perf_counter() - start)
            assert answer.status_code == 200, answer.get_data()
        return {name: statistics.median(values) * 1e6 for name, values in timings.items()}

    with_gate = run(gated)
    without_gate = run(open_app)
    print(f"\nPart 1: one request in process, median of {count} (microseconds)")
    print(f"  {'request':<16} {'no gate':>10} {'gate':>10} {'added':>10}")
    for name in with_gate:
        added = with_gate[name] - without_gate[name]
        print(f"  {name:<16} {without_gate[name]:>10.0f} {with_gate[name]:>10.0f} {added:>+10.0f}")


def _tree_env(tree: Path, state: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_", "LOCAL_AWS_"))}
    env["ANSIBLE_CONFIG"] = str(tree / "ansible.cfg")
    env["LOCAL_AWS_STATE_DIR"] = str(state)
    # The tree's own local AWS: dev/local-aws/ since issue 15, the tree's root before.
    env["PYTHONPATH"] = os.pathsep.join(str(path) for path in (tree / "dev" / "local-aws", tree))
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    return env


def site_times(tree: Path, label: str) -> dict[str, float]:
    link = tree / ".collections" / "ansible_collections" / "storytime" / "video_infra"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to("../../..")
    with tempfile.TemporaryDirectory(prefix=f"bench-auth-{label}-") as scratch:
        state = Path(scratch) / "local-aws"
        env = _tree_env(tree, state)
        up = subprocess.run(
            [sys.executable, "-m", "local_aws", "up"], cwd=tree, env=env, check=True, capture_output=True, text=True
        )
        for line in up.stdout.splitlines():
            name, _, value = line.partition("=")
            env[name] = value
        times: dict[str, float] = {}
        try:
            for phase, playbook in (("converge", "site.yml"), ("no-op", "site.yml"), ("validate", "validate.yml")):
                start = time.perf_counter()
                subprocess.run(
                    [
                        str(Path(sys.executable).parent / "ansible-playbook"),
                        f"playbooks/{playbook}",
                        "-i",
                        "inventories/local",
                        "-e",
                        f"outputs_dir={scratch}/outputs",
                    ],
                    cwd=tree,
                    env=env,
                    check=True,
                    capture_output=True,
                )
                times[phase] = time.perf_counter() - start
        finally:
            subprocess.run([sys.executable, "-m", "local_aws", "down"], cwd=tree, env=env, check=False)
        return times


def end_to_end(baseline: str) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-auth-baseline-") as parent:
        tree = Path(parent) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), baseline], cwd=ROOT, check=True, capture_output=True
        )
        try:
            before = site_times(tree, "baseline")
            after = site_times(ROOT, "current")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    print(f"\nPart 2: inventories/local end to end, seconds (baseline {baseline} vs this checkout)")
    print(f"  {'phase':<10} {'baseline':>9} {'now':>9} {'ratio':>7}")
    for phase in before:
        print(f"  {phase:<10} {before[phase]:>9.1f} {after[phase]:>9.1f} {after[phase] / before[phase]:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--skip-site", action="store_true")
    args = parser.parse_args()
    per_request(args.requests)
    if not args.skip_site:
        end_to_end(args.baseline)


if __name__ == "__main__":
    main()
