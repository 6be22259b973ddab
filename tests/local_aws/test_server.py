"""Tests of the local AWS server and its lifecycle commands, with real processes."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from local_aws import LocalAWS
from local_aws import check_health
from local_aws import reset
from local_aws.constants import DUMMY_ACCESS_KEY_ID
from local_aws.constants import DUMMY_SECRET_ACCESS_KEY
from local_aws.lifecycle import pid_alive
from local_aws.lifecycle import terminate_server
from local_aws.server import Extension
from local_aws.server import HealthExtension
from local_aws.server import LocalAWSApp
from tests.local_aws.sigv4 import signed_headers

REPO_ROOT = Path(__file__).resolve().parents[2]
ENDPOINT_LINE = re.compile(r"^AWS_ENDPOINT_URL=https://127\.0\.0\.1:(\d+)\nAWS_CA_BUNDLE=(/.+/ca\.pem)\n$")


def run_cli(*args: str, cwd: Path = REPO_ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m local_aws ARGS`` and capture its output."""
    base = {k: v for k, v in os.environ.items() if k != "LOCAL_AWS_STATE_DIR"}
    base["PYTHONPATH"] = str(REPO_ROOT / "dev" / "local-aws")
    return subprocess.run(
        [sys.executable, "-m", "local_aws", *args],
        check=False,
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def port_is_free(port: int) -> bool:
    """Return true if a new listener can bind ``port`` on the loopback interface."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture
def state_dir(tmp_path: Path) -> Iterator[Path]:
    """A state directory whose server is stopped after the test, whatever happened."""
    path = tmp_path / "state"
    yield path
    run_cli("down", "--state-dir", str(path))


def test_up_status_env_down_lifecycle(state_dir: Path) -> None:
    up = run_cli("up", "--state-dir", str(state_dir))
    assert up.returncode == 0, up.stderr
    match = ENDPOINT_LINE.match(up.stdout)
    assert match, f"unexpected stdout {up.stdout!r}"
    port = int(match.group(1))
    endpoint = f"https://127.0.0.1:{port}"
    ca_file = state_dir / "ca.pem"
    assert Path(match.group(2)) == ca_file.resolve()
    pid = int((state_dir / "pid").read_text())
    assert (state_dir / "endpoint").read_text().strip() == endpoint
    assert pid_alive(pid)
    assert check_health(endpoint, ca_file=ca_file) is not None
    # HTTPS only, and only for clients that trust the private CA.
    assert check_health(endpoint.replace("https:", "http:", 1)) is None
    assert check_health(endpoint, ca_file=None) is None

    status = run_cli("status", "--state-dir", str(state_dir))
    assert status.returncode == 0
    assert endpoint in status.stdout and "healthy:   yes" in status.stdout

    env = run_cli("env", "--state-dir", str(state_dir), env={"AWS_DEFAULT_REGION": "us-west-2"})
    assert env.returncode == 0, env.stderr
    assert env.stdout.splitlines() == [
        f"export AWS_ENDPOINT_URL={endpoint}",
        f"export AWS_ACCESS_KEY_ID={DUMMY_ACCESS_KEY_ID}",
        f"export AWS_SECRET_ACCESS_KEY={DUMMY_SECRET_ACCESS_KEY}",
        "export AWS_DEFAULT_REGION=us-west-2",
        f"export AWS_CA_BUNDLE={ca_file.resolve()}",
    ]

    again = run_cli("up", "--state-dir", str(state_dir))
    assert again.returncode == 0
    assert again.stdout == up.stdout
    assert "already running" in again.stderr
    assert int((state_dir / "pid").read_text()) == pid

    down = run_cli("down", "--state-dir", str(state_dir))
    assert down.returncode == 0
    assert f"stopped server (pid {pid})" in down.stdout
    assert not pid_alive(pid)
    assert port_is_free(port)
    assert check_health(endpoint, ca_file=ca_file) is None
    assert not (state_dir / "pid").exists() and not (state_dir / "endpoint").exists()
    assert (state_dir / "server.log").exists()

    status = run_cli("status", "--state-dir", str(state_dir))
    assert status.returncode == 1
    assert "healthy:   no" in status.stdout

    down_again = run_cli("down", "--state-dir", str(state_dir))
    assert down_again.returncode == 0
    assert "nothing running" in down_again.stdout


def test_default_state_dir_is_dot_local_aws_in_cwd(tmp_path: Path) -> None:
    up = run_cli("up", cwd=tmp_path)
    try:
        assert up.returncode == 0, up.stderr
        assert (tmp_path / ".local-aws" / "pid").exists()
        endpoint_line = up.stdout.splitlines()[0]
        assert (tmp_path / ".local-aws" / "endpoint").read_text().strip() == endpoint_line.split("=", 1)[1]
    finally:
        assert run_cli("down", cwd=tmp_path).returncode == 0
    assert not (tmp_path / ".local-aws" / "pid").exists()


def test_state_dir_from_environment(tmp_path: Path) -> None:
    state = tmp_path / "from-env"
    env = {"LOCAL_AWS_STATE_DIR": str(state)}
    down = run_cli("down", cwd=tmp_path, env=env)
    assert down.returncode == 0 and str(state) in down.stdout
    status = run_cli("status", cwd=tmp_path, env=env)
    assert status.returncode == 1 and str(state) in status.stdout


def test_two_servers_get_different_ports(tmp_path: Path) -> None:
    dirs = [tmp_path / "one", tmp_path / "two"]
    base = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "dev" / "local-aws")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "local_aws", "up", "--state-dir", str(d)],
            stdout=subprocess.PIPE,
            text=True,
            env=base,
        )
        for d in dirs
    ]
    try:
        outputs = [proc.communicate(timeout=60)[0] for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0]
        ports = [int(ENDPOINT_LINE.match(out).group(1)) for out in outputs]  # type: ignore[union-attr]
        assert ports[0] != ports[1]
        assert all(
            check_health(f"https://127.0.0.1:{port}", ca_file=d / "ca.pem") for port, d in zip(ports, dirs, strict=True)
        )
    finally:
        for d in dirs:
            run_cli("down", "--state-dir", str(d))


def test_down_cleans_stale_pid_file_of_dead_process(state_dir: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    state_dir.mkdir(parents=True)
    (state_dir / "pid").write_text(f"{dead.pid}\n")
    (state_dir / "endpoint").write_text("http://127.0.0.1:9\n")

    down = run_cli("down", "--state-dir", str(state_dir))
    assert down.returncode == 0
    assert "stale" in down.stdout
    assert not (state_dir / "pid").exists() and not (state_dir / "endpoint").exists()


def test_down_never_signals_a_foreign_process(state_dir: Path) -> None:
    foreign = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        state_dir.mkdir(parents=True)
        (state_dir / "pid").write_text(f"{foreign.pid}\n")
        down = run_cli("down", "--state-dir", str(state_dir))
        assert down.returncode == 0
        assert "stale" in down.stdout
        assert foreign.poll() is None, "down killed a process that is not a local_aws server"
        assert not (state_dir / "pid").exists()
    finally:
        foreign.send_signal(signal.SIGKILL)
        foreign.wait()


def test_up_replaces_stale_pid_file(state_dir: Path) -> None:
    state_dir.mkdir(parents=True)
    (state_dir / "pid").write_text("999999999\n")
    up = run_cli("up", "--state-dir", str(state_dir))
    assert up.returncode == 0, up.stderr
    assert ENDPOINT_LINE.match(up.stdout)
    assert int((state_dir / "pid").read_text()) != 999999999


def test_up_reports_server_death_with_log_tail(state_dir: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        up = run_cli("up", "--state-dir", str(state_dir), "--port", str(port))
    assert up.returncode == 1
    assert up.stdout == ""
    assert "exited with code" in up.stderr and "in use" in up.stderr
    assert not (state_dir / "pid").exists()


def test_env_without_server_fails_and_prints_nothing(state_dir: Path) -> None:
    env = run_cli("env", "--state-dir", str(state_dir))
    assert env.returncode == 1
    assert env.stdout == ""


def test_local_aws_object_starts_and_stops() -> None:
    aws = LocalAWS()
    with aws:
        pid, state = aws.pid, aws.state_dir
        assert check_health(aws.endpoint_url, ca_file=aws.ca_file) is not None
        assert pid_alive(pid)
        assert (state / "server.log").exists()
    assert not pid_alive(pid)
    assert not state.exists()
    with pytest.raises(RuntimeError):
        aws.endpoint_url  # noqa: B018


def trusting(aws: LocalAWS) -> urllib.request.OpenerDirector:
    """urllib without proxies that trusts the server's private CA."""
    context = ssl.create_default_context(cafile=str(aws.ca_file))
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))


def test_health_endpoint_and_private_namespace(aws: LocalAWS) -> None:
    opener = trusting(aws)
    with opener.open(aws.endpoint_url + "/_local_aws/health") as response:
        assert response.headers["Content-Type"] == "application/json"
        health = json.loads(response.read())
    assert health["status"] == "ok"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", health["moto"])

    for method, path, code in [("POST", "/_local_aws/health", 405), ("GET", "/_local_aws/other", 404)]:
        request = urllib.request.Request(aws.endpoint_url + path, method=method, data=b"" if method == "POST" else None)
        with pytest.raises(urllib.error.HTTPError) as raised:
            opener.open(request)
        assert raised.value.code == code


def test_s3_create_list_put_get(aws: LocalAWS) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="demo-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3.put_object(Bucket="demo-bucket", Key="hello.txt", Body=b"hello")
    assert [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]] == ["demo-bucket"]
    assert s3.get_object(Bucket="demo-bucket", Key="hello.txt")["Body"].read() == b"hello"


def test_moto_builds_self_urls_with_the_real_port(aws: LocalAWS) -> None:
    queue_url = aws.client("sqs").create_queue(QueueName="jobs")["QueueUrl"]
    assert queue_url.startswith(aws.endpoint_url + "/")


def test_reset_empties_state(aws: LocalAWS) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="doomed-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert len(s3.list_buckets()["Buckets"]) == 1
    reset(aws.endpoint_url, ca_file=aws.ca_file)
    assert s3.list_buckets()["Buckets"] == []


class RecordingExtension:
    """A test extension that claims ``/2099-01-01/echo`` and counts resets."""

    name = "echo"
    aws_api = False  # not an AWS API: the authentication gate leaves it alone

    def __init__(self) -> None:
        """Start with no resets."""
        self.resets = 0

    def matches(self, environ: dict[str, Any]) -> bool:
        """Claim only the echo path."""
        return environ.get("PATH_INFO") == "/2099-01-01/echo"

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """Answer with the request method."""
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["REQUEST_METHOD"].encode()]

    def reset(self) -> None:
        """Count the reset."""
        self.resets += 1


def test_extension_hook_dispatch_in_process() -> None:

    echo = RecordingExtension()
    assert isinstance(echo, Extension)
    client = Client(LocalAWSApp(extensions=[HealthExtension(), echo]))

    claimed = client.put("/2099-01-01/echo")
    assert (claimed.status_code, claimed.get_data()) == (200, b"PUT")
    assert client.get("/_local_aws/health").get_json()["status"] == "ok"
    assert client.get("/_local_aws/not-there").status_code == 404

    # Unclaimed requests reach moto once signed: GET / is S3 ListBuckets. Unsigned, it is an anonymous
    # ListBuckets, which S3 refuses.
    assert client.get("/").status_code == 403
    fallthrough = client.get("/", headers=signed_headers("GET", "http://localhost/"))
    assert fallthrough.status_code == 200
    assert b"ListAllMyBucketsResult" in fallthrough.get_data()

    assert client.post("/moto-api/reset").status_code == 200
    assert echo.resets == 1


def test_terminate_escalates_to_sigkill() -> None:
    # argv names "local_aws serve" like a real server, but the process ignores SIGTERM.
    script = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    )
    stubborn = subprocess.Popen(
        [sys.executable, "-c", script, "local_aws", "serve"], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert stubborn.stdout is not None and stubborn.stdout.readline() == "ready\n"
        started = time.monotonic()
        terminate_server(stubborn.pid, timeout=0.3)
        assert stubborn.wait(timeout=5) == -signal.SIGKILL
        assert time.monotonic() - started < 5
    finally:
        if stubborn.poll() is None:
            stubborn.kill()
            stubborn.wait()


def test_list_streaming_distributions_answers_an_empty_list(aws: LocalAWS) -> None:
    """``ListStreamingDistributions`` answers 200 with an empty ``StreamingDistributionList``.

    Docs: Amazon CloudFront API Reference, 'ListStreamingDistributions'
    (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListStreamingDistributions.html):
    ``GET /2020-05-31/streaming-distribution?Marker=..&MaxItems=..`` answers HTTP 200 with a
    ``StreamingDistributionList`` whose ``Marker``, ``MaxItems``, ``IsTruncated`` and ``Quantity`` are
    required; CloudFront Developer Guide, 'Discontinuation of RTMP distributions' (RTMP distributions were
    discontinued on December 31, 2020), so an account has none. moto 5.2.5 answers 404.
    """
    cf = aws.client("cloudfront")
    listing = cf.list_streaming_distributions()
    assert listing["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert listing["StreamingDistributionList"] == {
        "Marker": "",
        "MaxItems": 100,
        "IsTruncated": False,
        "Quantity": 0,
    }
    paged = cf.list_streaming_distributions(Marker="E2QWRUHEXAMPLE", MaxItems="5")["StreamingDistributionList"]
    assert (paged["Marker"], paged["MaxItems"], paged["Quantity"], "Items" in paged) == (
        "E2QWRUHEXAMPLE",
        5,
        0,
        False,
    )
    # The paginator botocore builds on it ends after the one empty page.
    pages = list(cf.get_paginator("list_streaming_distributions").paginate())
    assert [page["StreamingDistributionList"]["Quantity"] for page in pages] == [0]
    # Other CloudFront operations still reach the CloudFront extension.
    assert cf.list_distributions()["DistributionList"]["Quantity"] == 0
