"""Run this repository's playbooks with ansible-playbook against a local AWS, recording every AWS call.

Each run is a real ``ansible-playbook`` process; its AWS API calls are recorded through botocore's
client-side monitoring (:mod:`local_aws.csm`). Used by the scenario tests and the benchmarks.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import yaml

from local_aws.csm import CallRecorder
from local_aws.csm import is_read_operation
from local_aws.lifecycle import LocalAWS

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    calls: list[tuple[str, str]]
    seconds: float
    result: dict[str, Any] | None = field(default=None)
    #: CPU seconds (user + system) of the ansible-playbook process and everything it waited for: its workers and
    #: module processes. Measured as this process's children's; runs started side by side share the figure.
    cpu_seconds: float = 0.0

    @property
    def writes(self) -> list[str]:
        return [op for _svc, op in self.calls if not is_read_operation(op)]

    @property
    def reads(self) -> list[str]:
        return [op for _svc, op in self.calls if is_read_operation(op)]

    def stats(self, host: str = "storytime-local") -> dict[str, int]:
        assert self.result is not None, "run with the json callback to read stats"
        return self.result["stats"][host]

    def failure_messages(self) -> list[str]:
        """Messages of failed tasks (json callback)."""
        messages = []
        for play in (self.result or {}).get("plays", []):
            for task in play.get("tasks", []):
                for host_result in task.get("hosts", {}).values():
                    if host_result.get("failed"):
                        messages.append(str(host_result.get("msg", "")))
                        # A loop's failure says only "One or more items failed": add the items' own messages.
                        messages += [
                            str(item.get("msg", "")) for item in host_result.get("results", []) if item.get("failed")
                        ]
        return messages

    def task_results(self, name: str) -> list[dict[str, Any]]:
        """Per-host results of the tasks called ``name`` (json callback)."""
        found = []
        for play in (self.result or {}).get("plays", []):
            for task in play.get("tasks", []):
                task_name = task["task"]["name"]
                if task_name == name or task_name.endswith(f" : {name}"):
                    found.extend(task["hosts"].values())
        return found


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _log_run(cmd: list[str], seconds: float, cpu_seconds: float, returncode: int) -> None:
    """With STORYTIME_RUN_LOG set, append one JSON line per run: the test, the command, its wall and CPU seconds
    and its exit code -- how dev/benchmarks/suite_runs.py counts and costs the suite's playbook runs."""
    log = os.environ.get("STORYTIME_RUN_LOG")
    if not log:
        return
    line = {
        "test": os.environ.get("PYTEST_CURRENT_TEST", ""),
        "args": cmd[1:],
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "rc": returncode,
    }
    with open(log, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(line) + "\n")


class PlaybookRunner:
    """Runs playbooks of this repository against ``server``; scratch files go under ``tmp_path``. ``root`` is another
    checkout of the repository to run instead (the benchmark's baseline commit); it needs its ``.collections`` link."""

    def __init__(self, server: LocalAWS, tmp_path: Path, root: Path = ROOT):
        self.server = server
        self.tmp_path = tmp_path
        self.root = root

    def inventory(
        self, env: str = "local", changes: dict[str, Any] | None = None, remove: tuple[str, ...] = ()
    ) -> Path:
        """A copy of inventories/<env> with group_vars changed; returned path is usable with -i."""
        target = self.tmp_path / "inventories" / env
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(self.root / "inventories" / env, target)
        group_vars = target / "group_vars" / "all.yml"
        data = yaml.safe_load(group_vars.read_text())
        for key in remove:
            data.pop(key, None)
        data.update(changes or {})
        group_vars.write_text(yaml.safe_dump(data, sort_keys=False))
        return target

    def run(
        self,
        *,
        playbook: str = "playbooks/site.yml",
        inventory: str | Path = "inventories/local",
        extra_vars: dict[str, Any] | None = None,
        check: bool = False,
        diff: bool = False,
        json_output: bool = True,
        verbosity: int = 0,
        tags: str | None = None,
        skip_tags: str | None = None,
        env: dict[str, str] | None = None,
        started: Callable[[subprocess.Popen[str]], None] | None = None,
        own_outputs_dir: bool = True,
    ) -> PlaybookRun:
        """Run ``playbook`` and wait for it. ``started(process)`` is called once the process runs (it leads its
        own process group then, so a test can signal the whole run, e.g. SIGTERM it part-way). The outputs go to
        this runner's folder unless ``own_outputs_dir`` is false (then the playbook's default applies)."""
        extra = {"outputs_dir": str(self.tmp_path / "outputs")} if own_outputs_dir else {}
        extra.update(extra_vars or {})
        cmd = [str(BIN / "ansible-playbook"), str(self.root / playbook), "-i", str(inventory), "-e", json.dumps(extra)]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if tags:
            cmd += ["--tags", tags]
        if skip_tags:
            cmd += ["--skip-tags", skip_tags]
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        run_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "ANSIBLE_", "BOTO_")) and k != "LOCAL_AWS_STATE_DIR"
        }
        run_env.update(
            {
                "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                "ANSIBLE_CONFIG": str(self.root / "ansible.cfg"),
                "ANSIBLE_LOCAL_TEMP": str(self.tmp_path / "ansible-tmp"),
                "ANSIBLE_NOCOLOR": "1",
                "AWS_ENDPOINT_URL": self.server.endpoint_url,
                "AWS_CA_BUNDLE": str(self.server.ca_file),
                # Real credentials must never be needed: the inventory carries the local AWS dummies.
                "AWS_SHARED_CREDENTIALS_FILE": str(self.tmp_path / "no-credentials"),
                "AWS_CONFIG_FILE": str(self.tmp_path / "no-config"),
            }
        )
        if json_output:
            run_env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
        run_env.update(env or {})
        with CallRecorder() as recorder:
            run_env.update(recorder.env())
            began = time.monotonic()
            cpu_before = _children_cpu()
            with subprocess.Popen(
                cmd,
                cwd=self.root,
                env=run_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=started is not None,
            ) as process:
                if started is not None:
                    started(process)
                try:
                    stdout, stderr = process.communicate(timeout=600)
                except subprocess.TimeoutExpired:
                    process.kill()
                    stdout, stderr = process.communicate()
            seconds = time.monotonic() - began
            cpu_seconds = _children_cpu() - cpu_before
            _log_run(cmd, seconds, cpu_seconds, process.returncode)
            recorder.settle()
            calls = [(call.service, call.operation) for call in recorder.api_calls()]
        result = None
        if json_output:
            start = stdout.find("{")
            try:
                result = json.loads(stdout[start:]) if start >= 0 else None
            except ValueError:  # a run stopped by a signal may print nothing or half a document
                result = None
        return PlaybookRun(process.returncode, stdout, stderr, calls, seconds, result, cpu_seconds)
