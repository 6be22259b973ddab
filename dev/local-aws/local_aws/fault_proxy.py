"""A loopback fault proxy: sits between an AWS client and the local AWS and breaks chosen requests.

Test tooling (never shipped in the collection). It answers what a flaky network or a busy AWS answers, so
tests can check that the collection survives lost responses and retries:

``throttle``
    the service's own throttling error: ``Throttling`` (HTTP 400) for the query and REST-XML APIs (IAM,
    STS, SNS, CloudFront), ``SlowDown`` (503) for S3, ``ThrottlingException`` (400) for the JSON APIs
    (Secrets Manager, EventBridge, SQS), ``TooManyRequestsException`` (429) for MediaConvert.
``500`` / ``503``
    ``InternalError`` / ``ServiceUnavailable`` (S3), ``InternalFailure`` / ``ServiceUnavailable`` (others).
``reset-before``
    reads the request, never forwards it and resets the TCP connection: the server never acted.
``reset-after``
    forwards the request, reads the server's whole answer, then resets the connection instead of relaying
    it: **the server acted and the client never heard**. botocore sees a connection error and sends the
    request again: that second create is what must not duplicate a resource.

How it keeps SigV4 valid: the proxy terminates TLS with the local AWS's own server certificate (valid for
``127.0.0.1``, signed by the CA clients already trust through ``AWS_CA_BUNDLE``), and forwards every request
byte-for-byte (method, raw path and query, all headers including ``Host``, body) over a new TLS connection
to the server. The client signed ``Host: 127.0.0.1:<proxy port>``; the server checks the signature against
the ``Host`` it receives, which is the same string, so signatures verify. A TCP-level proxy could not
count requests by operation without decrypting them.

Requests are named by :func:`local_aws.iam_actions.resolve` (the same resolver the server's IAM gate uses):
service = the SigV4 credential scope's service, operation = the API reference's name (``CreateBucket``,
``CreateOriginAccessControl``, ``CreateSecret``, ...). A :class:`FaultRule` fires on the ``nth`` request of
its operation (every attempt counts, retries included), ``times`` times in a row.

Python::

    with FaultProxy(aws, [FaultRule("cloudfront", "CreateOriginAccessControl", "reset-after")]) as proxy:
        subprocess.run([...], env={"AWS_ENDPOINT_URL": proxy.endpoint_url, "AWS_CA_BUNDLE": str(proxy.ca_file)})
    proxy.injected  # [("cloudfront", "CreateOriginAccessControl", "reset-after")]

Command line (rules as JSON, e.g. ``[{"service": "iam", "operation": "CreateRole", "fault": "reset-after"}]``)::

    python -m local_aws.fault_proxy --state-dir .local-aws --rules rules.json
    # prints AWS_ENDPOINT_URL=https://127.0.0.1:PORT; point the client there instead of at the server
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import re
import socket
import ssl
import struct
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from types import TracebackType
from typing import Any
from typing import Self
from urllib.parse import urlsplit

from local_aws import iam_actions
from local_aws.tls import TLSFiles
from local_aws.tls import client_context
from local_aws.tls import server_context

FAULTS = ("throttle", "500", "503", "reset-before", "reset-after")

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "trailer", "upgrade"}
_CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/([^/,\s]+)/aws4_request")


@dataclass
class FaultRule:
    """Break the ``nth`` (1-based) request of ``service``/``operation`` and the ``times - 1`` after it.

    ``operation`` ``"*"`` matches every operation of the service (counted together)."""

    service: str
    operation: str
    fault: str
    nth: int = 1
    times: int = 1
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.fault not in FAULTS:
            raise ValueError(f"fault must be one of {', '.join(FAULTS)}, not {self.fault!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        return cls(**{key: data[key] for key in ("service", "operation", "fault", "nth", "times") if key in data})

    def matches(self, service: str, operation: str, count: int) -> bool:
        """Whether the request numbered ``count`` (of this rule's operation) is one to break."""
        if self.service != service or self.operation not in ("*", operation):
            return False
        return self.nth <= count < self.nth + self.times


def error_answer(service: str, fault: str) -> tuple[int, dict[str, str], bytes]:
    """``(status, headers, body)`` of the error ``fault`` (throttle, 500, 503) in ``service``'s protocol."""
    protocol = iam_actions.protocol_of(service)
    request_id = str(uuid.uuid4())
    if protocol == "s3":
        status, code, message = {
            "throttle": (503, "SlowDown", "Please reduce your request rate."),
            "500": (500, "InternalError", "We encountered an internal error. Please try again."),
            "503": (503, "ServiceUnavailable", "Service is unable to handle request."),
        }[fault]
        body = f"<?xml version='1.0' encoding='UTF-8'?>\n<Error><Code>{code}</Code><Message>{message}</Message>"
        body += f"<RequestId>{request_id}</RequestId><HostId>fault-proxy</HostId></Error>"
        return status, {"Content-Type": "application/xml", "x-amz-request-id": request_id}, body.encode()
    status, code, message = {
        "throttle": (400, "Throttling", "Rate exceeded"),
        "500": (500, "InternalFailure", "The request processing has failed because of an unknown error."),
        "503": (503, "ServiceUnavailable", "Service is unavailable."),
    }[fault]
    headers = {"x-amzn-RequestId": request_id}
    if protocol == "json":
        if fault == "throttle":
            code = "ThrottlingException"
        headers["Content-Type"] = "application/x-amz-json-1.1"
        return status, headers, json.dumps({"__type": code, "message": message}).encode()
    if protocol == "rest-json":
        if fault == "throttle":
            status, code, message = 429, "TooManyRequestsException", "Too Many Requests"
        headers.update({"Content-Type": "application/json", "x-amzn-ErrorType": code})
        return status, headers, json.dumps({"message": message}).encode()
    sender = "Sender" if status < 500 else "Receiver"
    body = f"<ErrorResponse><Error><Type>{sender}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
    body += f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    return status, {**headers, "Content-Type": "text/xml"}, body.encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raw = b""
            while True:
                line = self.rfile.readline()
                raw += line
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while True:  # trailers, then the empty line
                        trailer = self.rfile.readline()
                        raw += trailer
                        if trailer in (b"\r\n", b"\n", b""):
                            return raw
                raw += self.rfile.read(size + 2)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _name(self, body: bytes) -> tuple[str, str]:
        match = _CREDENTIAL.search(self.headers.get("Authorization") or "")
        path, _, query = self.path.partition("?")
        environ = {
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "RAW_URI": self.path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type") or "",
            "HTTP_X_AMZ_TARGET": self.headers.get("X-Amz-Target") or "",
        }
        for key, value in self.headers.items():
            environ.setdefault("HTTP_" + key.upper().replace("-", "_"), value)
        service = match.group(1) if match else iam_actions.guess_unsigned_service(environ)
        try:
            operation = iam_actions.resolve(service, environ, body, "us-east-1", "000000000000")
        except Exception:
            operation = None
        return service, operation.name if operation else "Unknown"

    def _reset(self) -> None:
        """Close the client's connection with a TCP RST (SO_LINGER 0), sending nothing."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            raw = socket.socket(fileno=self.connection.detach()) if isinstance(self.connection, ssl.SSLSocket) else None
            (raw or self.connection).close()
        except OSError:
            pass

    def _handle(self) -> None:
        body = self._read_body()
        service, operation = self._name(body)
        fault = self.server.proxy.decide(service, operation)
        if fault == "reset-before":
            self._reset()
            return
        if fault in ("throttle", "500", "503"):
            status, headers, payload = error_answer(service, fault)
            self._send(status, list(headers.items()), payload)
            return
        status, headers, payload = self.server.proxy.forward(self.command, self.path, self.headers.items(), body)
        self.server.proxy.observe(service, operation)
        if fault == "reset-after":
            self._reset()
            return
        self._send(status, headers, payload)

    def _send(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
        self.send_response_only(status)
        has_length = False
        for key, value in headers:
            if key.lower() in _HOP_BY_HOP:
                continue
            has_length = has_length or key.lower() == "content-length"
            self.send_header(key, value)
        if not has_length:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle


class _ProxyServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    proxy: FaultProxy


class FaultProxy:
    """A TLS proxy on a free loopback port in front of ``upstream`` (a :class:`local_aws.LocalAWS` or any
    object with ``endpoint_url`` and ``state_dir``), breaking the requests ``rules`` select.

    ``endpoint_url`` / ``ca_file`` are what clients use instead of the server's. ``requests`` lists every
    request seen as ``(service, operation)``; ``injected`` the faults given as ``(service, operation, fault)``."""

    def __init__(
        self, upstream: Any, rules: list[FaultRule] | None = None, observer: Callable[[str, str], None] | None = None
    ) -> None:
        self.upstream_url = str(upstream.endpoint_url)
        self.tls = TLSFiles.in_dir(Path(upstream.state_dir))
        self.rules = list(rules or [])
        self.requests: list[tuple[str, str]] = []
        self.injected: list[tuple[str, str, str]] = []
        self._counts: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self._server: _ProxyServer | None = None
        self._thread: threading.Thread | None = None
        self._local = threading.local()
        #: Called with ``(service, operation)`` once the server has answered a forwarded request (before the
        #: answer is relayed): tests use it to stop a run right after a given call reached AWS.
        self.observer = observer

    @property
    def ca_file(self) -> Path:
        return self.tls.ca_file

    @property
    def state_dir(self) -> Path:
        return self.tls.ca_file.parent

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FaultProxy is not started")
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def set_rules(self, rules: list[FaultRule]) -> None:
        """Replace the rules and forget the request counts (the next request of each operation is the 1st)."""
        with self._lock:
            self.rules = list(rules)
            self._counts.clear()

    def decide(self, service: str, operation: str) -> str | None:
        """Count the request and return the fault to inject, if any."""
        with self._lock:
            self.requests.append((service, operation))
            for op in {operation, "*"}:
                self._counts[(service, op)] = self._counts.get((service, op), 0) + 1
            fault = None
            for rule in self.rules:
                count = self._counts[(service, "*" if rule.operation == "*" else operation)]
                if rule.matches(service, operation, count):
                    fault = rule.fault
                    rule.fired += 1
                    break
            if fault is not None:
                self.injected.append((service, operation, fault))
            return fault

    def observe(self, service: str, operation: str) -> None:
        if self.observer is not None:
            self.observer(service, operation)

    def forward(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        """Send the request unchanged to the server; ``(status, headers, body)`` of its answer."""
        target = urlsplit(self.upstream_url)
        for attempt in (1, 2):
            conn = getattr(self._local, "conn", None)
            if conn is None:
                conn = http.client.HTTPSConnection(
                    target.hostname, target.port, context=client_context(self.tls.ca_file), timeout=120
                )
                self._local.conn = conn
            try:
                conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
                for key, value in headers:
                    conn.putheader(key, value)
                conn.endheaders(body or None)
                response = conn.getresponse()
                payload = response.read()
                return response.status, response.getheaders(), payload
            except (http.client.HTTPException, OSError):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def start(self) -> Self:
        server = _ProxyServer(("127.0.0.1", 0), _Handler)
        server.socket = server_context(self.tls).wrap_socket(server.socket, server_side=True)
        server.proxy = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m local_aws.fault_proxy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--state-dir", default=".local-aws", help="the local AWS's state directory (endpoint, TLS)")
    parser.add_argument("--rules", help="JSON file: a list of {service, operation, fault[, nth, times]}")
    args = parser.parse_args(argv)
    state_dir = Path(args.state_dir).resolve()

    class _Upstream:
        endpoint_url = (state_dir / "endpoint").read_text().strip()

    _Upstream.state_dir = state_dir  # type: ignore[attr-defined]
    rules = [FaultRule.from_dict(item) for item in json.loads(Path(args.rules).read_text())] if args.rules else []
    with FaultProxy(_Upstream(), rules) as proxy:
        print(f"AWS_ENDPOINT_URL={proxy.endpoint_url}\nAWS_CA_BUNDLE={proxy.ca_file}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        for service, operation, fault in proxy.injected:
            print(f"injected {fault} at {service} {operation}")


if __name__ == "__main__":
    main()
