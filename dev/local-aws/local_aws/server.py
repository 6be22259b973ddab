"""The local AWS WSGI application and its foreground server.

Request flow
============
:class:`LocalAWSApp` is a thin WSGI wrapper around moto's ``DomainDispatcherApplication`` (the same
application ``moto_server`` runs). For every request it asks its *extensions*, in order, whether they
want it; the first extension whose ``matches(environ)`` returns true answers the request. Requests no
extension claims fall through to moto unchanged.

Extension contract
==================
An extension is any object with:

``name: str``
    Short identifier, used in logs and error messages.
``matches(environ) -> bool``
    Decide from the WSGI environ alone (``PATH_INFO``, ``REQUEST_METHOD``, ``HTTP_HOST``, headers).
    Must be cheap and must not read ``wsgi.input``: the body still belongs to whoever answers.
``__call__(environ, start_response) -> Iterable[bytes]``
    An ordinary WSGI application.
``reset() -> None`` (optional)
    Called on ``POST /moto-api/reset`` before moto resets its own backends, so that emulated
    services with their own state are emptied together with moto's.
``snapshot() -> object`` and ``restore(state) -> None`` (optional)
    Save and put back the extension's own state for :mod:`local_aws.snapshots` (deep copies both ways).
``bind_fallback(app) -> None`` (optional)
    :class:`LocalAWSApp` hands it moto's application: to check a request, then let moto answer.

Rules: never claim a request that a real AWS API would send to moto. Our own paths live under
``/_local_aws/`` (see :mod:`local_aws.constants`; unclaimed paths there answer 404). An emulated
service should match on what identifies it unambiguously: the SigV4 credential scope in
``HTTP_AUTHORIZATION``, the REST path prefix of its API version, or a dedicated ``Host`` such as
``<id>.cloudfront.localhost``.
Extensions run in the server process, so they may import moto backends (``moto.backends.get_backend``)
to read or share moto's state.

To add one, append an instance to the list returned by :func:`default_extensions`.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import signal
import sys
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any
from typing import Protocol
from typing import runtime_checkable

from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.moto_server.werkzeug_app import MotoRequestHandler
from moto.moto_server.werkzeug_app import create_backend_app
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import make_server

from local_aws import acm
from local_aws import iam_auth
from local_aws import identities
from local_aws import s3_logging
from local_aws import s3_notifications
from local_aws import s3_policy
from local_aws import secretsmanager_errors
from local_aws import ssm
from local_aws.cloudfront import CloudFrontExtension
from local_aws.cloudfront_edge import CloudFrontEdgeExtension
from local_aws.cloudfront_streaming import CloudFrontStreamingExtension
from local_aws.constants import HEALTH_PATH
from local_aws.constants import INTERNAL_PREFIX
from local_aws.constants import MOTO_RESET_PATH
from local_aws.constants import RESTORE_PREFIX
from local_aws.constants import SNAPSHOT_PREFIX
from local_aws.mediaconvert import MediaConvertExtension
from local_aws.s3_cors import S3CorsExtension
from local_aws.s3_post import S3PostPolicyExtension
from local_aws.snapshots import Snapshots
from local_aws.tls import TLSFiles
from local_aws.tls import ensure_certificates
from local_aws.tls import server_context
from local_aws.wafv2 import WAFv2Extension

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@runtime_checkable
class Extension(Protocol):
    """A WSGI application that handles the requests it :meth:`matches` before moto sees them."""

    name: str

    def matches(self, environ: dict[str, Any]) -> bool:
        """Return true if this extension answers the request described by ``environ``."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer the request (plain WSGI)."""


def moto_version() -> str:
    """Return the installed moto version."""
    return importlib.metadata.version("moto")


def json_response(start_response: StartResponse, status: str, payload: Any) -> list[bytes]:
    """Send ``payload`` as a JSON response with the given status line; return the WSGI body."""
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class AuthStatsExtension:
    """``GET /_local_aws/auth-stats``: the requests refused so far, per authentication/authorization rule."""

    name = "auth-stats"
    aws_api = False

    def matches(self, environ: dict[str, Any]) -> bool:
        """Claim the stats path."""
        return environ.get("PATH_INFO") == INTERNAL_PREFIX + "auth-stats"

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Report the counters."""
        return json_response(start_response, "200 OK", dict(iam_auth.STATS))


class HealthExtension:
    """Answers ``GET``/``HEAD`` on :data:`~local_aws.constants.HEALTH_PATH` with ``{"status": "ok", "moto": ...}``."""

    name = "health"
    #: Not an AWS API: no signature needed.
    aws_api = False

    def __init__(self) -> None:
        """Compute the (constant) health document."""
        self._payload = {"status": "ok", "moto": moto_version()}

    def matches(self, environ: dict[str, Any]) -> bool:
        """Claim the health path, whatever the method (others get 405)."""
        return environ.get("PATH_INFO") == HEALTH_PATH

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Report health."""
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return json_response(start_response, "405 Method Not Allowed", {"error": "use GET"})
        body = json_response(start_response, "200 OK", self._payload)
        return [] if method == "HEAD" else body


def default_extensions() -> list[Extension]:
    """Return the extensions a server runs with, in the order they are consulted."""
    cloudfront = CloudFrontExtension()
    return [
        HealthExtension(),
        AuthStatsExtension(),
        CloudFrontStreamingExtension(),
        cloudfront,
        CloudFrontEdgeExtension(cloudfront.store),
        S3PostPolicyExtension(),
        S3CorsExtension(),
        MediaConvertExtension(),
        WAFv2Extension(),
    ]


class LocalAWSApp:
    """WSGI app: consult the extensions in order, then fall through to moto.

    Paths under ``/_local_aws/`` that no extension claims get a JSON 404 here and never reach moto.
    """

    def __init__(self, extensions: Sequence[Extension] | None = None, fallback: WSGIApp | None = None) -> None:
        """Build the app.

        :param extensions: extensions to consult; defaults to :func:`default_extensions`.
        :param fallback: the application for unclaimed requests; defaults to moto's dispatcher.
        """
        self.extensions: list[Extension] = list(default_extensions() if extensions is None else extensions)
        self.fallback: WSGIApp = fallback or DomainDispatcherApplication(create_backend_app)
        for extension in self.extensions:
            bind = getattr(extension, "bind_fallback", None)
            if callable(bind):
                bind(self.fallback)
        s3_policy.install()
        s3_notifications.install()
        s3_logging.install()
        acm.install()
        secretsmanager_errors.install()
        ssm.install()
        self.gate = iam_auth.Gate()
        identities.seed()
        self.snapshots = Snapshots(self.extensions)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Dispatch one request: AWS API requests pass the authentication and authorization gate first."""
        s3_policy.set_request_context(environ)
        for extension in self.extensions:
            if extension.matches(environ):
                if getattr(extension, "aws_api", True):
                    refused = self.gate.check(environ)
                    if refused is not None:
                        return iam_auth.error_response(start_response, refused, environ["local_aws.auth_protocol"])
                return extension(environ, start_response)
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith((SNAPSHOT_PREFIX, RESTORE_PREFIX)):
            return self.snapshot_or_restore(environ, start_response, path)
        if path.startswith(INTERNAL_PREFIX):
            return json_response(start_response, "404 Not Found", {"error": f"no local_aws handler for {path}"})
        if path.startswith("/moto-api/"):
            # moto's own control API (reset, state manager): local tooling, not an AWS API.
            if environ.get("REQUEST_METHOD") == "POST" and path == MOTO_RESET_PATH:
                self.reset_extensions()
                answer = self.fallback(environ, start_response)
                identities.seed()
                return answer
            return self.fallback(environ, start_response)
        refused = self.gate.check(environ)
        if refused is not None:
            return iam_auth.error_response(start_response, refused, environ["local_aws.auth_protocol"])
        return self.fallback(environ, start_response)

    def snapshot_or_restore(self, environ: dict[str, Any], start_response: StartResponse, path: str) -> Iterable[bytes]:
        """``POST`` a snapshot or restore path + name (test tooling, see :mod:`local_aws.snapshots`)."""
        if environ.get("REQUEST_METHOD") != "POST":
            return json_response(start_response, "405 Method Not Allowed", {"error": "use POST"})
        saving = path.startswith(SNAPSHOT_PREFIX)
        name = path[len(SNAPSHOT_PREFIX if saving else RESTORE_PREFIX) :]
        if not name:
            return json_response(start_response, "400 Bad Request", {"error": "name the snapshot in the path"})
        try:
            if saving:
                self.snapshots.save(name)
            else:
                self.snapshots.restore(name, self.reset_extensions)
        except Exception as error:
            return json_response(start_response, "409 Conflict", {"error": f"{type(error).__name__}: {error}"})
        return json_response(start_response, "200 OK", {"saved" if saving else "restored": name})

    def reset_extensions(self) -> None:
        """Call ``reset()`` on every extension that has one."""
        for extension in self.extensions:
            reset = getattr(extension, "reset", None)
            if callable(reset):
                reset()


class _RequestHandler(MotoRequestHandler):
    """moto's request handler; request lines are logged only when the server is verbose."""

    verbose = False

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log the request line if verbose (errors are always logged by werkzeug)."""
        if self.verbose:
            super().log_request(code, size)


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into the KeyboardInterrupt that makes werkzeug close the server cleanly."""
    raise KeyboardInterrupt


def make_local_aws_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    verbose: bool = False,
    app: WSGIApp | None = None,
    tls: TLSFiles | None = None,
) -> BaseWSGIServer:
    """Bind a threaded werkzeug server for :class:`LocalAWSApp` (``port=0`` picks a free port).

    With ``tls`` the server speaks HTTPS only (TLS 1.2 or later), as AWS endpoints do.
    The bound port is in ``server.port``. ``MOTO_PORT`` is set to it, because moto builds URLs that
    point back at itself (SQS queue URLs, Lambda and CloudFormation callbacks) from that variable.
    """
    handler = type("LocalAWSRequestHandler", (_RequestHandler,), {"verbose": verbose})
    ssl_context = server_context(tls) if tls is not None else None
    server = make_server(
        host, port, app or LocalAWSApp(), threaded=True, request_handler=handler, ssl_context=ssl_context
    )
    os.environ["MOTO_PORT"] = str(server.port)
    return server


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    verbose: bool = False,
    port_file: Path | None = None,
    tls_dir: Path | None = None,
) -> None:
    """Run the HTTPS server in the foreground until SIGINT or SIGTERM.

    :param port_file: if given, the bound port is written there (atomically) once the socket listens,
        which lets a parent process use ``port=0`` without a race between choosing and binding a port.
    :param tls_dir: directory of the CA and server certificate (generated there if missing);
        default: the current directory.
    """
    tls = ensure_certificates(Path(tls_dir or "."))
    server = make_local_aws_server(host, port, verbose=verbose, tls=tls)
    url_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if port_file is not None:
        tmp = port_file.with_name(port_file.name + ".tmp")
        tmp.write_text(f"{server.port}\n")
        tmp.replace(port_file)
    print(
        f"local_aws: moto {moto_version()} listening on https://{url_host}:{server.port} (CA {tls.ca_file})",
        file=sys.stderr,
        flush=True,
    )
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    server.serve_forever()  # returns on KeyboardInterrupt and closes the socket
    record_refusals()
    print("local_aws: stopped", file=sys.stderr, flush=True)


def record_refusals() -> None:
    """Append the requests refused per rule (:data:`local_aws.iam_auth.STATS`) to ``$LOCAL_AWS_REFUSALS_FILE``.

    One JSON line per server; measuring tools (``dev/benchmarks/``) add the lines of a whole test run up.
    """
    target = os.environ.get("LOCAL_AWS_REFUSALS_FILE")
    if target and iam_auth.STATS:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(iam_auth.STATS, sort_keys=True) + "\n")
