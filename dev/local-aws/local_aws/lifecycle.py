"""Start, find, health-check and stop a background local AWS server.

A server is described by its *state directory*:

``pid``
    process id of the server (it leads its own session and process group).
``endpoint``
    the URL, one line; written only once the server answered its health check.
``port``
    the port the server bound (written by the server itself, see ``serve --port-file``).
``server.log``
    stdout and stderr of the server.
``ca.pem``, ``server.pem``, ``server-key.pem``
    the private CA clients must trust (``AWS_CA_BUNDLE``) and the server's certificate; see
    :mod:`local_aws.tls`. The server speaks HTTPS only.
``.lock``
    serialises ``up`` and ``down`` on the same directory.

This module imports neither moto nor boto3 (nor, unless certificates must be generated,
``cryptography``), so the commands that only talk to a server start fast.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from typing import Self

from local_aws.constants import DEFAULT_REGION
from local_aws.constants import DEFAULT_STATE_DIR
from local_aws.constants import DUMMY_ACCESS_KEY_ID
from local_aws.constants import DUMMY_SECRET_ACCESS_KEY
from local_aws.constants import HEALTH_PATH
from local_aws.constants import LOOPBACK
from local_aws.constants import MOTO_RESET_PATH
from local_aws.constants import RESTORE_PREFIX
from local_aws.constants import SNAPSHOT_PREFIX
from local_aws.constants import STATE_DIR_ENV
from local_aws.tls import TLSFiles
from local_aws.tls import client_context
from local_aws.tls import ensure_certificates

#: Seconds ``up`` waits for the first successful health check. A cold start (no ``.pyc`` files yet)
#: of moto can take far longer than a warm one, hence the generous default.
STARTUP_TIMEOUT = 30.0

#: Seconds ``down`` waits after SIGTERM before it sends SIGKILL.
STOP_TIMEOUT = 10.0

# urllib without proxies: an HTTP(S)_PROXY in the environment must not capture loopback requests.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

PACKAGE_PARENT = Path(__file__).resolve().parent.parent


class StartError(RuntimeError):
    """The server did not come up; the message includes the tail of its log."""


@dataclass(frozen=True)
class StateDir:
    """Paths of the files in a state directory."""

    path: Path

    @property
    def pid_file(self) -> Path:
        """File holding the server's pid."""
        return self.path / "pid"

    @property
    def endpoint_file(self) -> Path:
        """File holding the server's URL."""
        return self.path / "endpoint"

    @property
    def port_file(self) -> Path:
        """File the server writes its bound port to."""
        return self.path / "port"

    @property
    def log_file(self) -> Path:
        """The server's stdout/stderr."""
        return self.path / "server.log"

    @property
    def tls(self) -> TLSFiles:
        """The CA certificate, server certificate and key of the server."""
        return TLSFiles.in_dir(self.path)

    @property
    def lock_file(self) -> Path:
        """Lock serialising ``up``/``down``."""
        return self.path / ".lock"

    def read_pid(self) -> int | None:
        """Return the recorded pid, or None if there is none (or it is garbage)."""
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def read_endpoint(self) -> str | None:
        """Return the recorded endpoint URL, or None."""
        try:
            return self.endpoint_file.read_text().strip() or None
        except OSError:
            return None

    def clear(self) -> None:
        """Remove the pid, endpoint and port files (the log stays for post-mortems)."""
        for path in (self.pid_file, self.endpoint_file, self.port_file):
            path.unlink(missing_ok=True)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the state directory (created if needed)."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.lock_file, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def resolve_state_dir(state_dir: str | os.PathLike[str] | None = None) -> StateDir:
    """Return the state directory: the argument, else ``$LOCAL_AWS_STATE_DIR``, else ``./.local-aws``."""
    chosen = state_dir or os.environ.get(STATE_DIR_ENV) or DEFAULT_STATE_DIR
    return StateDir(Path(chosen).expanduser().resolve())


def _opener(ca_file: Path | str | None) -> urllib.request.OpenerDirector:
    """urllib without proxies, trusting ``ca_file`` for HTTPS."""
    if ca_file is None:
        return _OPENER
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=client_context(ca_file))
    )


def check_health(endpoint_url: str, timeout: float = 1.0, ca_file: Path | str | None = None) -> dict[str, Any] | None:
    """Return the health document of the server at ``endpoint_url``, or None if it does not answer ok.

    ``ca_file`` is the CA to trust for an HTTPS endpoint (default: ``$AWS_CA_BUNDLE``, else the system's).
    """
    try:
        opener = _opener(ca_file or os.environ.get("AWS_CA_BUNDLE") or None)
        with opener.open(endpoint_url.rstrip("/") + HEALTH_PATH, timeout=timeout) as response:
            payload = json.loads(response.read())
    except (OSError, ValueError):
        return None
    if isinstance(payload, dict) and payload.get("status") == "ok":
        return payload
    return None


def _post_control(endpoint_url: str, path: str, timeout: float, ca_file: Path | str | None) -> None:
    """``POST`` an empty body to one of the server's control paths; anything but 200 raises RuntimeError."""
    request = urllib.request.Request(endpoint_url.rstrip("/") + path, data=b"", method="POST")
    try:
        with _opener(ca_file or os.environ.get("AWS_CA_BUNDLE") or None).open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"POST {path} answered HTTP {error.code}: {error.read().decode(errors='replace')}") from None
    if status != 200:
        raise RuntimeError(f"POST {path} answered HTTP {status}")


def reset(endpoint_url: str, timeout: float = 10.0, ca_file: Path | str | None = None) -> None:
    """Empty all state of the server at ``endpoint_url`` (moto's ``POST /moto-api/reset``)."""
    _post_control(endpoint_url, MOTO_RESET_PATH, timeout, ca_file)


def snapshot(endpoint_url: str, name: str, timeout: float = 30.0, ca_file: Path | str | None = None) -> None:
    """Save the whole state of the server at ``endpoint_url`` as ``name`` (see :mod:`local_aws.snapshots`)."""
    _post_control(endpoint_url, SNAPSHOT_PREFIX + name, timeout, ca_file)


def restore(endpoint_url: str, name: str, timeout: float = 30.0, ca_file: Path | str | None = None) -> None:
    """Empty the server at ``endpoint_url`` and put snapshot ``name`` in place."""
    _post_control(endpoint_url, RESTORE_PREFIX + name, timeout, ca_file)


def pid_alive(pid: int) -> bool:
    """Return true if ``pid`` is a running process (a zombie counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # The state follows the parenthesised command name, which may itself contain spaces or ")".
    return stat[stat.rindex(")") + 2 :].split(" ", 1)[0] not in ("Z", "X")


def is_local_aws_server(pid: int) -> bool:
    """Return true if ``pid`` runs ``local_aws serve`` (guards against a reused pid)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"local_aws" in argv and b"serve" in argv


def log_tail(state: StateDir, lines: int = 30) -> str:
    """Return the last ``lines`` lines of the server log."""
    try:
        text = state.log_file.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:]) or "(server log is empty)"


def recorded_server_alive(state: StateDir) -> bool:
    """Return true if the pid recorded in ``state`` is a running ``local_aws serve`` process."""
    pid = state.read_pid()
    return pid is not None and pid_alive(pid) and is_local_aws_server(pid)


def running_endpoint(state: StateDir, timeout: float = 5.0) -> str | None:
    """Return the endpoint of a live, healthy server recorded in ``state``, else None.

    The generous health-check ``timeout`` keeps a merely busy server from being declared dead
    (``up`` replaces a recorded server that is alive but does not answer).
    """
    endpoint = state.read_endpoint()
    if endpoint is None or not recorded_server_alive(state):
        return None
    return endpoint if check_health(endpoint, timeout=timeout, ca_file=state.tls.ca_file) else None


def _signal_server(pid: int, signum: int) -> None:
    """Send ``signum`` to the server's process group (it leads one), or to the pid alone."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _wait_dead(pid: int, timeout: float) -> bool:
    """Poll until ``pid`` is dead; return whether it died within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def terminate_server(pid: int, timeout: float) -> None:
    """SIGTERM the server, wait up to ``timeout`` s, then SIGKILL it."""
    _signal_server(pid, signal.SIGTERM)
    if not _wait_dead(pid, timeout):
        _signal_server(pid, signal.SIGKILL)
        _wait_dead(pid, 5.0)


def start_server(
    state: StateDir, port: int = 0, *, timeout: float = STARTUP_TIMEOUT, verbose: bool = False
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start ``python -m local_aws serve`` detached, wait until healthy, record it in ``state``.

    The caller must hold ``state.locked()`` or otherwise own the directory. Returns the endpoint
    URL and the process handle (a caller that outlives the server should ``wait()`` on it).

    :raises StartError: if the server exits or does not answer within ``timeout`` seconds.
    """
    state.path.mkdir(parents=True, exist_ok=True)
    state.clear()
    tls = ensure_certificates(state.path)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    argv = [sys.executable, "-m", "local_aws", "serve", "--host", LOOPBACK, "--port", str(port)]
    argv += ["--port-file", str(state.port_file), "--tls-dir", str(state.path)] + (["--verbose"] if verbose else [])
    with open(state.log_file, "wb") as log:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=state.path,
            env=env,
            start_new_session=True,
        )
    state.pid_file.write_text(f"{process.pid}\n")

    deadline = time.monotonic() + timeout
    endpoint: str | None = None
    while True:
        code = process.poll()
        if code is not None:
            state.clear()
            raise StartError(f"local AWS server exited with code {code} during startup:\n{log_tail(state)}")
        if endpoint is None and state.port_file.exists():
            with contextlib.suppress(ValueError):
                endpoint = f"https://{LOOPBACK}:{int(state.port_file.read_text())}"
        if endpoint is not None and check_health(endpoint, timeout=2.0, ca_file=tls.ca_file):
            state.endpoint_file.write_text(f"{endpoint}\n")
            return endpoint, process
        if time.monotonic() >= deadline:
            terminate_server(process.pid, STOP_TIMEOUT)
            process.wait()
            state.clear()
            raise StartError(f"local AWS server did not answer within {timeout:.0f} s:\n{log_tail(state)}")
        time.sleep(0.05)


def up(
    state: StateDir, port: int | None = None, *, timeout: float = STARTUP_TIMEOUT, verbose: bool = False
) -> tuple[str, bool]:
    """Make sure a healthy server is recorded in ``state``; return ``(endpoint, started_now)``.

    A live and healthy recorded server is reused (whatever ``port`` says). A recorded server that is
    alive but unhealthy is stopped and replaced; a stale pid file is discarded.
    """
    with state.locked():
        endpoint = running_endpoint(state)
        if endpoint is not None:
            return endpoint, False
        _discard_recorded(state)
        endpoint, _process = start_server(state, port or 0, timeout=timeout, verbose=verbose)
        return endpoint, True


def _discard_recorded(state: StateDir) -> int | None:
    """Stop the recorded server if it is one of ours and alive; clear the files. Return the pid stopped."""
    pid = state.read_pid()
    stopped = None
    if pid is not None and pid_alive(pid) and is_local_aws_server(pid):
        terminate_server(pid, STOP_TIMEOUT)
        stopped = pid
    state.clear()
    return stopped


def down(state: StateDir) -> str:
    """Stop the server recorded in ``state`` and remove its files; return a human-readable message.

    Only the recorded pid is signalled, and only if it still runs ``local_aws serve``.
    """
    with state.locked():
        pid = state.read_pid()
        if pid is None:
            state.clear()
            return f"local AWS: nothing running (no pid file in {state.path})"
        stopped = _discard_recorded(state)
        if stopped is None:
            return f"local AWS: removed stale pid file (pid {pid} is not a running local_aws server)"
        return f"local AWS: stopped server (pid {pid})"


def client_env(endpoint_url: str, region: str | None = None, ca_file: Path | str | None = None) -> dict[str, str]:
    """Return the environment variables that point AWS SDKs and CLIs at ``endpoint_url``.

    ``ca_file`` (the server's CA) becomes ``AWS_CA_BUNDLE``, which botocore and the AWS CLI honour.
    """
    env = {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
        "AWS_DEFAULT_REGION": region or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION,
    }
    if ca_file is not None:
        env["AWS_CA_BUNDLE"] = str(ca_file)
    return env


class LocalAWS:
    """A local AWS server in a subprocess, for tests and benchmarks.

    Uses the same code path as ``python -m local_aws up``, with a private temporary state directory
    (unless one is given) and a free port::

        with LocalAWS() as aws:
            s3 = aws.client("s3")
            ...
    """

    def __init__(
        self,
        state_dir: str | os.PathLike[str] | None = None,
        *,
        port: int = 0,
        startup_timeout: float = STARTUP_TIMEOUT,
        verbose: bool = False,
    ) -> None:
        """Configure (but do not start) a server; ``port=0`` picks a free one."""
        self._requested_state_dir = Path(state_dir) if state_dir is not None else None
        self._port = port
        self._startup_timeout = startup_timeout
        self._verbose = verbose
        self._state: StateDir | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._endpoint_url: str | None = None
        self._own_tmp: Path | None = None

    @property
    def endpoint_url(self) -> str:
        """URL of the running server."""
        if self._endpoint_url is None:
            raise RuntimeError("LocalAWS is not started")
        return self._endpoint_url

    @property
    def state_dir(self) -> Path:
        """State directory of the running server (holds ``server.log``)."""
        if self._state is None:
            raise RuntimeError("LocalAWS is not started")
        return self._state.path

    @property
    def ca_file(self) -> Path:
        """The CA certificate clients must trust (``AWS_CA_BUNDLE``)."""
        return TLSFiles.in_dir(self.state_dir).ca_file

    @property
    def pid(self) -> int:
        """Process id of the server."""
        if self._process is None:
            raise RuntimeError("LocalAWS is not started")
        return self._process.pid

    def start(self) -> Self:
        """Start the server and wait until it is healthy; return self."""
        if self._process is not None:
            return self
        if self._requested_state_dir is None:
            self._own_tmp = Path(tempfile.mkdtemp(prefix="local-aws-"))
            self._state = StateDir(self._own_tmp)
        else:
            self._state = resolve_state_dir(self._requested_state_dir)
        try:
            with self._state.locked():
                self._endpoint_url, self._process = start_server(
                    self._state, self._port, timeout=self._startup_timeout, verbose=self._verbose
                )
        except BaseException:
            self._cleanup_tmp()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and remove a temporary state directory."""
        if self._process is not None and self._state is not None:
            with self._state.locked():
                if self._process.poll() is None:
                    terminate_server(self._process.pid, STOP_TIMEOUT)
                self._process.wait()
                self._state.clear()
        self._process = None
        self._endpoint_url = None
        self._cleanup_tmp()

    def _cleanup_tmp(self) -> None:
        if self._own_tmp is not None:
            shutil.rmtree(self._own_tmp, ignore_errors=True)
            self._own_tmp = None

    def reset(self) -> None:
        """Empty all server state."""
        reset(self.endpoint_url, ca_file=self.ca_file)

    def snapshot(self, name: str) -> None:
        """Save all server state as ``name``."""
        snapshot(self.endpoint_url, name, ca_file=self.ca_file)

    def restore(self, name: str) -> None:
        """Empty the server and restore snapshot ``name``."""
        restore(self.endpoint_url, name, ca_file=self.ca_file)

    def env(self, region: str | None = None) -> dict[str, str]:
        """Environment variables pointing SDKs at this server (merge into a child's environment)."""
        return client_env(self.endpoint_url, region, self.ca_file)

    def client(self, service_name: str, region_name: str | None = None, **kwargs: Any) -> Any:
        """Return a boto3 client for this server, signing with the operator's credentials unless ``kwargs`` name
        others (``aws_access_key_id``, ``aws_secret_access_key``, ``aws_session_token``)."""
        import boto3  # noqa: PLC0415  (lazy: the CLI commands do not need boto3)

        env = self.env(region_name)
        kwargs.setdefault("aws_access_key_id", env["AWS_ACCESS_KEY_ID"])
        kwargs.setdefault("aws_secret_access_key", env["AWS_SECRET_ACCESS_KEY"])
        kwargs.setdefault("verify", str(self.ca_file))
        return boto3.client(
            service_name, endpoint_url=self.endpoint_url, region_name=env["AWS_DEFAULT_REGION"], **kwargs
        )

    def __enter__(self) -> Self:
        """Start the server."""
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop the server."""
        self.stop()
