"""The web player test's harness: a player origin, TLS for the custom domain, and Chromium driven by playwright-core.

What a browser needs to play a book through the local edge the way it would through CloudFront:

* **Names**: Chromium resolves the app's and the CDN's names to 127.0.0.1 (``--host-resolver-rules``); nothing
  else is remapped.
* **TLS for the custom domain**: on AWS, CloudFront presents the distribution's ACM certificate for the alias (SNI).
  The local AWS's server certificate covers ``localhost``/``127.0.0.1`` only and its CA key is discarded by design
  (``local_aws.tls``), so no certificate for ``cdn.storytime.test`` can be issued under it. :class:`TestCA`
  stands in for ACM: a CA made for this test issues one certificate for the custom domain and the player origins,
  and Chromium trusts that CA as a root in an NSS database under its ``$HOME`` (``certutil``), so certificate
  checks stay on. :class:`TLSRelay` presents that certificate and passes the bytes unchanged, over a verified TLS
  connection, to the local AWS, whose edge picks the distribution from the ``Host`` header: the edge answers every
  request itself (status, headers, body), the relay neither reads nor changes HTTP.
* **A player origin**: :class:`PlayerOrigin` is the web app. Its page (``page.html``) loads hls.js from the app's
  own origin (``node_modules``) and sets the book's signed cookies with ``Set-Cookie`` on the page's response, as
  Rails would, for the cookie domain and ``/books/<id>/``.
* **The browser**: ``play.mjs`` (playwright-core, Debian's chromium) opens each page in a fresh context and
  reports the player's state and what Chromium's network stack saw (DevTools protocol).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import shutil
import ssl
import subprocess
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from local_aws.tls import issue_certificates

PLAYER_DIR = Path(__file__).resolve().parent
NODE_MODULES = PLAYER_DIR / "node_modules"
HLS_DIST = NODE_MODULES / "hls.js" / "dist"
PAGE = PLAYER_DIR / "page.html"
PLAY_SCRIPT = PLAYER_DIR / "play.mjs"

#: ``make player-deps`` installs these; the test fails (not skips) without them: CI must run it.
CHROMIUM = "chromium"
CERTUTIL = "certutil"
NODE = "node"


def missing_dependencies() -> list[str]:
    """What ``make player-deps`` has not installed yet (empty when the test can run)."""
    missing = [name for name in (CHROMIUM, CERTUTIL, NODE) if shutil.which(name) is None]
    missing += [str(path) for path in (HLS_DIST / "hls.min.js", NODE_MODULES / "playwright-core") if not path.exists()]
    return missing


def chromium_binary() -> str:
    """Debian's chromium binary itself (``/usr/bin/chromium`` is a wrapper script that adds its own flags)."""
    real = Path("/usr/lib/chromium/chromium")
    return str(real) if real.exists() else str(shutil.which(CHROMIUM))


@dataclass(frozen=True)
class TestCA:
    """A CA made for one test and the server certificate it issued (PEM files in ``directory``)."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    __test__ = False  # not a pytest test class

    @classmethod
    def issue(cls, directory: Path, names: list[str]) -> TestCA:
        """A new CA and one certificate for ``names`` (DNS names) and 127.0.0.1, valid for a day."""
        files = issue_certificates(
            directory,
            ca_common_name="storytime web player test CA",
            dns_names=names,
            ip_addresses=["127.0.0.1"],
            validity=datetime.timedelta(days=1),
            server_common_name=names[0],
        )
        return cls(files.ca_file, files.cert_file, files.key_file)

    def server_context(self) -> ssl.SSLContext:
        """TLS 1.2+ server context with the issued certificate (no ALPN: HTTP/1.1, as the local edge speaks)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(str(self.cert_file), str(self.key_file))
        return context

    def browser_home(self, directory: Path) -> Path:
        """A ``$HOME`` for Chromium whose NSS database (``.pki/nssdb``) trusts this CA for TLS servers."""
        nssdb = directory / ".pki" / "nssdb"
        shutil.rmtree(nssdb, ignore_errors=True)  # certutil -N on an existing database asks for its password
        nssdb.mkdir(parents=True)
        database = f"sql:{nssdb}"
        subprocess.run([CERTUTIL, "-N", "-d", database, "--empty-password"], check=True, capture_output=True)
        subprocess.run(
            [CERTUTIL, "-A", "-d", database, "-n", "storytime-web-player-test", "-t", "C,,", "-i", str(self.ca_file)],
            check=True,
            capture_output=True,
        )
        listed = subprocess.run([CERTUTIL, "-L", "-d", database], check=True, capture_output=True, text=True).stdout
        assert "storytime-web-player-test" in listed, listed
        return directory


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class TLSRelay:
    """HTTPS on ``port`` for the custom domain, relayed byte for byte to the local AWS (verified TLS).

    One asyncio loop in a thread: an SSL socket must not be read and written from two threads at once (OpenSSL's
    rule), which a thread per direction would do.
    """

    def __init__(self, ca: TestCA, upstream_host: str, upstream_port: int, upstream_ca_file: Path) -> None:
        self.port = 0  # chosen by the system when the server starts
        self.connections = 0
        self._server_context = ca.server_context()
        self._upstream = (upstream_host, upstream_port)
        self._client_context = ssl.create_default_context(cafile=str(upstream_ca_file))
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="tls-relay", daemon=True)

    def __enter__(self) -> TLSRelay:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._server_context), self._loop
        )
        self._server = started.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            if self._server is not None:
                self._server.close()
            pending = asyncio.all_tasks() - {asyncio.current_task()}
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _serve(self, viewer_reader: asyncio.StreamReader, viewer_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        host, port = self._upstream
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                host, port, ssl=self._client_context, server_hostname=host
            )
        except OSError:
            viewer_writer.close()
            return

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while chunk := await reader.read(65536):
                    writer.write(chunk)
                    await writer.drain()
            except (OSError, ssl.SSLError):
                pass
            finally:
                writer.close()

        await asyncio.gather(pipe(viewer_reader, upstream_writer), pipe(upstream_reader, viewer_writer))


#: ``(book_id, case) -> Set-Cookie header values`` for the page's response.
CookieMaker = Callable[[str, str], list[str]]


class PlayerOrigin:
    """The web app's HTTPS server: ``/watch/<book_id>?case=<case>`` (the player page) and ``/hls.js/<file>``.

    It answers for any ``Host`` on its port, so one server is both the configured player origin and an origin that
    is not in the list (another name mapped to 127.0.0.1).
    """

    def __init__(self, ca: TestCA, manifest_url: Callable[[str], str], cookies: CookieMaker) -> None:
        self.requests: list[str] = []
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                origin.requests.append(f"{self.headers.get('Host')} {self.requestline}")

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                parts = url.path.strip("/").split("/")
                if len(parts) == 2 and parts[0] == "watch":
                    case = dict(urllib.parse.parse_qsl(url.query)).get("case", "")
                    page = PAGE.read_text().replace("__CONFIG__", json.dumps({"src": manifest_url(parts[1])}))
                    self._send(200, "text/html; charset=utf-8", page.encode(), cookies(parts[1], case))
                elif len(parts) == 2 and parts[0] == "hls.js" and parts[1] in ("hls.min.js", "hls.min.js.map"):
                    self._send(200, "text/javascript", (HLS_DIST / parts[1]).read_bytes(), [])
                else:
                    self._send(404, "text/plain", b"not found\n", [])

            def _send(self, status: int, content_type: str, body: bytes, set_cookies: list[str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                for value in set_cookies:
                    self.send_header("Set-Cookie", value)
                self.end_headers()
                self.wfile.write(body)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._server.socket = ca.server_context().wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="player-origin", daemon=True)

    def __enter__(self) -> PlayerOrigin:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def set_cookie_headers(cookies: dict[str, str], domain: str, path: str) -> list[str]:
    """``Set-Cookie`` values for CloudFront's signed cookies as the web app sets them (see the test's docstring)."""
    return [
        f"{name}={value}; Domain={domain}; Path={path}; Secure; HttpOnly; SameSite=Strict"
        for name, value in cookies.items()
    ]


def play(cases: list[dict[str, Any]], home: Path, hosts: list[str], timeout: float) -> dict[str, Any]:
    """Run ``play.mjs`` on ``cases`` (``name``, ``url``, ``minSeconds``, ``watchHost``) and return its report."""
    config = {
        "executablePath": chromium_binary(),
        "home": str(home),
        "hostResolverRules": ", ".join(f"MAP {host} 127.0.0.1" for host in hosts),
        "timeoutMs": int(timeout * 1000),
        "cases": cases,
    }
    # Node's own timeout per case, plus the browser's start and stop: the subprocess never outlives the test.
    result = subprocess.run(
        [NODE, str(PLAY_SCRIPT)],
        input=json.dumps(config),
        capture_output=True,
        text=True,
        timeout=timeout * (len(cases) + 1) + 30,
        check=False,
        cwd=PLAYER_DIR,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )
    assert result.returncode == 0, f"play.mjs failed ({result.returncode}): {result.stderr[-3000:]}"
    return json.loads(result.stdout)
