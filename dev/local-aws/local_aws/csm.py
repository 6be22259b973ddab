"""Record the AWS API calls a process makes, via botocore client-side monitoring (CSM).

botocore sends one UDP JSON datagram per API call (``"Type": "ApiCall"``) and one per HTTP attempt
(``"Type": "ApiCallAttempt"``) to ``AWS_CSM_HOST:AWS_CSM_PORT`` when ``AWS_CSM_ENABLED=true``. The
variables are read when a botocore session is created, so set them in the *child's* environment::

    with CallRecorder() as recorder:
        subprocess.run(["ansible-playbook", "site.yml"], env={**os.environ, **recorder.env()}, check=True)
        recorder.settle()
    assert recorder.writes() == []

What gets recorded (botocore 1.44):

* ``Service`` is the service *id* (``"S3"``, ``"CloudFront"``, ``"Secrets Manager"``) and ``Api`` the
  operation's wire name (``"CreateBucket"``), not the Python method name.
* A call answered with an AWS error (4xx/5xx) is still one ``ApiCall`` (with ``FinalHttpStatusCode``
  and ``FinalAwsException``). A call that fails *client-side* parameter validation is never sent
  and is not recorded. Retries add attempts, not calls. Waiters, paginators and s3transfer make one
  call per request they send.
* Delivery is fire-and-forget: if nobody listens nothing fails, and a datagram still in flight when
  the child exits arrives a little later, hence :meth:`CallRecorder.settle`.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from typing import Self

#: Operation-name prefixes that mark a call as read-only.
READ_PREFIXES = ("Get", "Head", "List", "Describe")

_CAMEL = "|".join(READ_PREFIXES)
_SNAKE = "|".join(prefix.lower() for prefix in READ_PREFIXES)
_READ_RE = re.compile(rf"^(?:{_CAMEL})(?:$|[A-Z0-9_])|^(?:{_SNAKE})(?:$|_)")

#: Seconds without a datagram after which the recorder considers the stream drained.
DEFAULT_QUIET = 0.3


_API_VERSION_SUFFIX = re.compile(r"\d{4}_\d{2}_\d{2}$")


def operation_name(api: str) -> str:
    """The operation name as the API reference spells it.

    botocore reports some services' operations with the API version appended (CloudFront's
    ``ListPublicKeys2020_05_31``); the suffix is dropped so every service reads the same way."""
    return _API_VERSION_SUFFIX.sub("", api)


def is_read_operation(operation: str) -> bool:
    """Return true if ``operation`` is read-only by name: it starts with Get, Head, List or Describe.

    The prefix must be a whole word (``ListBuckets``, ``list_buckets`` are reads; ``Listen`` would
    not be). Everything else (Create, Put, Update, Delete, Tag, ...) is a write.
    """
    return bool(_READ_RE.match(operation))


def classify_operation(operation: str) -> str:
    """Return ``"read"`` or ``"write"`` for an operation name (see :func:`is_read_operation`)."""
    return "read" if is_read_operation(operation) else "write"


@dataclass(frozen=True)
class ApiCall:
    """One recorded API call (an ``ApiCall`` event)."""

    service: str
    operation: str
    http_status: int | None
    error_code: str | None
    attempts: int
    latency_ms: int | None
    client_id: str

    @property
    def is_read(self) -> bool:
        """Whether the operation is a read (see :func:`is_read_operation`)."""
        return is_read_operation(self.operation)

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> ApiCall:
        """Build from a decoded CSM ``ApiCall`` datagram."""
        return cls(
            service=str(event.get("Service", "")),
            operation=operation_name(str(event.get("Api", ""))),
            http_status=event.get("FinalHttpStatusCode"),
            error_code=event.get("FinalAwsException") or event.get("FinalSdkException"),
            attempts=int(event.get("AttemptCount", 0)),
            latency_ms=event.get("Latency"),
            client_id=str(event.get("ClientId", "")),
        )


class CallRecorder:
    """Collect CSM datagrams on a private loopback UDP port in a background thread.

    Use as a context manager (``start()`` on enter, ``stop()`` on exit) and pass :meth:`env` to the
    processes to observe. The accessors return what arrived so far; call :meth:`settle` after the
    observed process exited to wait for datagrams still in flight.
    """

    def __init__(self, client_id: str | None = None, host: str = "127.0.0.1") -> None:
        """Configure the recorder; ``client_id`` defaults to a random ``local-aws-...`` string."""
        self.client_id = client_id or f"local-aws-{uuid.uuid4().hex[:12]}"
        self.host = host
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []
        self._last_datagram = 0.0
        self.dropped = 0  # datagrams that were not JSON objects

    @property
    def port(self) -> int:
        """The UDP port the recorder listens on."""
        if self._sock is None:
            raise RuntimeError("CallRecorder is not started")
        return int(self._sock.getsockname()[1])

    def start(self) -> Self:
        """Bind the socket and start collecting; return self."""
        if self._sock is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)  # bursts while we parse
        sock.bind((self.host, 0))
        sock.settimeout(0.05)
        self._sock = sock
        self._stopping.clear()
        self._thread = threading.Thread(target=self._receive_loop, name="csm-recorder", daemon=True)
        self._thread.start()
        return self

    def _receive_loop(self) -> None:
        assert self._sock is not None
        while not self._stopping.is_set():
            try:
                data = self._sock.recv(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            self._handle(data)

    def _handle(self, data: bytes) -> None:
        try:
            event = json.loads(data)
        except ValueError:
            event = None
        with self._lock:
            self._last_datagram = time.monotonic()
            if isinstance(event, dict):
                self._events.append(event)
            else:
                self.dropped += 1

    def env(self) -> dict[str, str]:
        """Environment variables that make botocore in a child process report to this recorder."""
        return {
            "AWS_CSM_ENABLED": "true",
            "AWS_CSM_HOST": self.host,
            "AWS_CSM_PORT": str(self.port),
            "AWS_CSM_CLIENT_ID": self.client_id,
        }

    def settle(self, quiet: float = DEFAULT_QUIET, timeout: float = 5.0) -> None:
        """Wait until no datagram has arrived for ``quiet`` seconds (at most ``timeout`` seconds)."""
        started = time.monotonic()
        deadline = started + timeout
        while True:
            with self._lock:
                last = max(self._last_datagram, started)
            now = time.monotonic()
            if now - last >= quiet or now >= deadline:
                return
            time.sleep(min(quiet - (now - last), deadline - now, 0.05))

    def stop(self, quiet: float = DEFAULT_QUIET) -> None:
        """Drain (see :meth:`settle`), stop the thread and close the socket. Recorded data stays."""
        if self._sock is None:
            return
        self.settle(quiet)
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
        self._sock.close()
        self._sock = None
        self._thread = None

    def clear(self) -> None:
        """Forget everything recorded so far (e.g. between the two runs of an idempotence test)."""
        with self._lock:
            self._events.clear()
            self.dropped = 0

    def events(self) -> list[dict[str, Any]]:
        """All decoded datagrams (``ApiCall`` and ``ApiCallAttempt``), in arrival order."""
        with self._lock:
            return list(self._events)

    def api_calls(self) -> list[ApiCall]:
        """The ``ApiCall`` events (one per client method call), in arrival order."""
        return [ApiCall.from_event(event) for event in self.events() if event.get("Type") == "ApiCall"]

    def calls(self) -> list[tuple[str, str]]:
        """``(service, operation)`` for each API call, e.g. ``("S3", "CreateBucket")``."""
        return [(call.service, call.operation) for call in self.api_calls()]

    def reads(self) -> list[tuple[str, str]]:
        """The calls whose operation is a read."""
        return [call for call in self.calls() if is_read_operation(call[1])]

    def writes(self) -> list[tuple[str, str]]:
        """The calls whose operation is a write."""
        return [call for call in self.calls() if not is_read_operation(call[1])]

    def summary(self) -> dict[str, int]:
        """Number of calls per ``"Service.Operation"``, sorted by name."""
        counts = Counter(f"{service}.{operation}" for service, operation in self.calls())
        return dict(sorted(counts.items()))

    def __enter__(self) -> Self:
        """Start recording."""
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Drain and stop recording."""
        self.stop()
