"""Start and stop LocalStack's community runtime for the `localstack` molecule scenario (`make localstack`).

    python dev/tools/localstack.py up   [--state-dir DIR] [--python PY]   starts it on a free loopback port
    python dev/tools/localstack.py down [--state-dir DIR]                 stops it and removes what it wrote

LocalStack runs from its own virtualenv (.build/localstack-venv, see tests/localstack/requirements.txt) without
Docker. Everything it writes goes under the state directory (default .build/localstack): its file system root
(FILESYSTEM_ROOT, which would otherwise be /etc/localstack and /var/lib/localstack or the package folder), the plugin
cache (XDG_CACHE_HOME, otherwise ~/.cache/plux) and its temporary files (TMPDIR). `up` prints
``AWS_ENDPOINT_URL=http://127.0.0.1:<port>`` and writes the same URL to ``<state dir>/endpoint``; the server's log is
``<state dir>/localstack.log``. `down` stops the whole process group and removes the state directory except the log.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STATE = ROOT / ".build" / "localstack"
DEFAULT_PYTHON = ROOT / ".build" / "localstack-venv" / "bin" / "python"
#: The services the scenario uses; LocalStack reports each as "available" or "running" once it can answer.
SERVICES = ("s3", "secretsmanager", "iam", "sts", "sqs", "sns", "events", "ssm")
STARTUP_SECONDS = 120
#: What LocalStack writes besides the log; `down` removes these.
WRITTEN = ("fs", "cache", "tmp", "endpoint", "pid")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def health(endpoint: str) -> dict:
    with urllib.request.urlopen(f"{endpoint}/_localstack/health", timeout=2) as response:
        return json.load(response)


def up(state: Path, python: Path) -> int:
    if (state / "pid").exists():
        print(f"LocalStack already started from {state} (run `down` first)", file=sys.stderr)
        return 1
    if not python.exists():
        print(f"{python} not found: `make localstack-venv` installs LocalStack's virtualenv", file=sys.stderr)
        return 1
    state.mkdir(parents=True, exist_ok=True)
    for name in ("fs", "cache", "tmp"):
        (state / name).mkdir(exist_ok=True)
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "GATEWAY_LISTEN": f"127.0.0.1:{port}",
        # No usage events sent home, no certificate download (no internet here), no DNS server on port 53.
        "DISABLE_EVENTS": "1",
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        "DNS_ADDRESS": "0",
        # Host mode even where /.dockerenv exists, with its file system under the state directory.
        "OVERRIDE_IN_DOCKER": "0",
        "FILESYSTEM_ROOT": str(state / "fs"),
        "XDG_CACHE_HOME": str(state / "cache"),
        "TMPDIR": str(state / "tmp"),
    }
    with open(state / "localstack.log", "wb") as log:
        process = subprocess.Popen(
            [str(python), "-m", "localstack.runtime.main"],
            cwd=state,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (state / "pid").write_text(f"{process.pid}\n")
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(f"LocalStack exited with {process.returncode}; its log:", file=sys.stderr)
            print((state / "localstack.log").read_text(errors="replace")[-4000:], file=sys.stderr)
            (state / "pid").unlink()
            return 1
        try:
            services = health(endpoint).get("services", {})
        except OSError:
            services = {}
        if services and all(services.get(name) in ("available", "running") for name in SERVICES):
            (state / "endpoint").write_text(endpoint)
            print(f"AWS_ENDPOINT_URL={endpoint}")
            return 0
        time.sleep(0.5)
    print(f"LocalStack did not answer at {endpoint} within {STARTUP_SECONDS} s", file=sys.stderr)
    down(state)
    return 1


def down(state: Path) -> int:
    pid_file = state / "pid"
    if pid_file.exists():
        pid = int(pid_file.read_text())
        try:
            os.killpg(pid, signal.SIGTERM)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.2)
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        print(f"LocalStack stopped (pid {pid})")
    for name in WRITTEN:
        path = state / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("up", "down"))
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE)
    parser.add_argument("--python", type=Path, default=DEFAULT_PYTHON, help="the python of LocalStack's virtualenv")
    args = parser.parse_args(argv)
    state = args.state_dir.resolve()
    return up(state, args.python.absolute()) if args.command == "up" else down(state)


if __name__ == "__main__":
    sys.exit(main())
