"""What compiling every module at install costs a tool venv, against compiling only what a run imports.

The Makefile installs the venvs that only its own targets use (the oldest end's, Prowler's, LocalStack's) with
``pip install --no-compile``. This script measures that choice in one run: it installs the same pins twice into
fresh venvs under ``.build/bench-venv/``, once as pip does by default (every module compiled to bytecode) and once
with ``--no-compile``, then runs the tool's usual first command twice in each (the first run of the second venv
compiles what it imports and keeps it; the second run shows the steady state)::

    .venv/bin/python dev/benchmarks/bench_venv_install.py prowler

It prints wall and CPU seconds side by side. pip's wheel cache should be warm (a ``make`` of the venv before), so
that downloads do not count.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: tool -> (Python version, requirements, constraints, the command a run starts with, relative to the venv's bin/)
TOOLS = {
    "prowler": (
        "3.12",
        "dev/audit/prowler-requirements.txt",
        "dev/audit/prowler-constraints.txt",
        ["prowler", "aws", "--services", "s3", "cloudfront", "secretsmanager", "iam", "--list-checks"],
    ),
    "oldest": (
        "3.11",
        "tests/oldest/requirements.txt",
        "tests/oldest/constraints.txt",
        ["ansible-playbook", "--syntax-check", str(ROOT / "playbooks" / "site.yml"), "-i", "localhost,"],
    ),
    "localstack": (
        "3.13",
        "tests/localstack/requirements.txt",
        "tests/localstack/constraints.txt",
        ["python", "-c", "import localstack.services.infra, localstack.services.s3.provider"],
    ),
}


def python_of(version: str) -> str:
    """The interpreter of that version: on PATH, else pyenv's (as the Makefile finds it)."""
    found = shutil.which(f"python{version}")
    if found:
        probe = subprocess.run(
            [found, "-c", "import sys; print(sys.executable)"], check=False, capture_output=True, text=True
        )
        if probe.returncode == 0:
            return probe.stdout.strip()
    versions = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True, check=True).stdout
    latest = [line for line in versions.split() if line.startswith(f"{version}.")][-1]
    return str(Path.home() / ".pyenv" / "versions" / latest / "bin" / f"python{version}")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child processes) of one command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(
        command, check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    wall = time.monotonic() - start
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(tool: str, no_compile: bool) -> dict[str, tuple[float, float]]:
    version, requirements, constraints, command = TOOLS[tool]
    venv = ROOT / ".build" / "bench-venv" / f"{tool}-{'no-compile' if no_compile else 'compile'}"
    shutil.rmtree(venv, ignore_errors=True)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["ANSIBLE_CONFIG"] = str(ROOT / "ansible.cfg")
    subprocess.run([python_of(version), "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip==24.3.1"], check=True, env=env)
    figures = {
        "install": timed([*pip, *(["--no-compile"] if no_compile else []), "-r", requirements, "-c", constraints], env)
    }
    run = [str(venv / "bin" / command[0]), *command[1:]]
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    figures["first run"] = timed(run, env)
    figures["second run"] = timed(run, env)
    pycs = sum(1 for _ in venv.rglob("*.pyc"))
    shutil.rmtree(venv)
    figures["total"] = tuple(sum(values) for values in zip(*figures.values(), strict=True))  # type: ignore[assignment]
    print(f"  {'--no-compile' if no_compile else 'compile all'}: done, {pycs} .pyc files at the end", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool", choices=sorted(TOOLS))
    args = parser.parse_args()
    print(f"{args.tool}: installing twice (pip's default, then --no-compile)", flush=True)
    compiled = measure(args.tool, no_compile=False)
    lazy = measure(args.tool, no_compile=True)
    print(f"\n{args.tool:<12} {'compile all':>22} {'--no-compile':>22} {'ratio (CPU)':>12}")
    print(f"{'':<12} {'wall s':>10} {'CPU s':>11} {'wall s':>10} {'CPU s':>11}")
    for step in compiled:
        (cw, cc), (lw, lc) = compiled[step], lazy[step]
        print(f"{step:<12} {cw:>10.1f} {cc:>11.1f} {lw:>10.1f} {lc:>11.1f} {lc / cc:>12.2f}")


if __name__ == "__main__":
    sys.exit(main())
