"""S3 CORS as S3 evaluates it: preflights answered from the bucket's CORS configuration, CORS headers on
the answers to cross-origin requests.

What moto 5.2.5 does (measured through the HTTPS server)
=========================================================
moto's server runs every answer through flask-cors: ``Access-Control-Allow-Origin: *`` on every S3
response whatever the bucket's CORS configuration. A preflight (``OPTIONS`` with ``Origin`` and
``Access-Control-Request-Method``) path-style answers 403 with an empty body and all methods allowed;
virtual-hosted, moto applies the first rule whose origin matches and answers 200 even for a method the
rule does not allow.

What this extension does (Amazon S3 User Guide, "Using cross-origin resource sharing (CORS)", "How does
Amazon S3 evaluate the CORS configuration on a bucket?", "Troubleshooting CORS"; API reference "OPTIONS
object")
===========================================================================================================
S3 uses the *first* ``CORSRule`` that matches the request: the ``Origin`` matches one of its
``AllowedOrigins`` (case-sensitive, at most one ``*`` wildcard), the method (the preflight's
``Access-Control-Request-Method``, else the request's own) is one of its ``AllowedMethods``, and, for a
preflight, every header named in ``Access-Control-Request-Headers`` matches one of its ``AllowedHeaders``
(case-insensitive, ``*`` wildcards).

* Preflight (``OPTIONS``, anonymous, never authenticated): without ``Origin`` 400 ``BadRequest``
  "Insufficient information. Origin request header needed."; without ``Access-Control-Request-Method``
  400 ``BadRequest`` "Invalid Access-Control-Request-Method: null"; a bucket that does not exist 404
  ``NoSuchBucket``; a bucket without CORS configuration 403 ``AccessForbidden`` "CORSResponse: CORS is not
  enabled for this bucket."; no matching rule 403 ``AccessForbidden`` "CORSResponse: This CORS request is
  not allowed. ...". A match answers 200 with ``Access-Control-Allow-Origin`` (the ``Origin``, or ``*`` when
  the rule's origin is ``*``), ``Access-Control-Allow-Methods`` (the rule's methods), the requested
  ``Access-Control-Allow-Headers``, ``Access-Control-Expose-Headers``, ``Access-Control-Max-Age`` (when the
  rule has them), ``Access-Control-Allow-Credentials: true`` (unless the origin is ``*``) and ``Vary: Origin,
  Access-Control-Request-Headers, Access-Control-Request-Method``.
* Any other S3 request carrying ``Origin``: moto answers, flask-cors' ``Access-Control-*`` headers are
  removed, and when a rule matches the headers above are added (no ``Allow-Headers``); ``Vary`` is sent
  whenever the bucket has a CORS configuration. :func:`cors_start_response` does the same for
  :mod:`local_aws.s3_post` (browser POST uploads).

What it claims: requests addressed to S3 (path-style on an IP address, ``localhost`` or an S3 endpoint;
virtual-hosted ``<bucket>.s3[.<region>].amazonaws.com`` or ``<bucket>.localhost``) that are either an
``OPTIONS`` or carry ``Origin``, unsigned or signed for ``s3``; never ``/_local_aws/`` or ``/moto-api/``.
"""

from __future__ import annotations

import base64
import fnmatch
import os
import re
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from local_aws import s3_policy

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
NOT_ALLOWED = (
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request "
    "method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the "
    "resource's CORS spec."
)
NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."

_S3_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/s3/aws4_request")
_OTHER_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/(?!s3/)[a-z0-9-]+/aws4_request")
_VIRTUAL_HOST = re.compile(
    r"^(?P<bucket>[a-z0-9][a-z0-9.\-]*?)\.(?:s3(?:\.dualstack)?(?:[.-][a-z0-9-]+)?\.amazonaws\.com|localhost)$"
)
_PATH_STYLE_S3 = re.compile(r"^s3(?:\.dualstack)?(?:[.-][a-z0-9-]+)?\.amazonaws\.com$")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")


def _host(environ: dict[str, Any]) -> str:
    host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "").strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def _path_style(host: str) -> bool:
    if host in ("", "localhost") or host.startswith("[") or _PATH_STYLE_S3.match(host):
        return True
    return bool(re.fullmatch(r"[0-9.]+", host)) or "." not in host


def request_target(environ: dict[str, Any]) -> tuple[str, str] | None:
    """``(bucket, key)`` an S3 request addresses, or None if it addresses no bucket."""
    host = _host(environ)
    path = str(environ.get("PATH_INFO") or "/")
    match = _VIRTUAL_HOST.match(host)
    if match is not None and not _PATH_STYLE_S3.match(host):
        bucket, key = match.group("bucket"), path.lstrip("/")
    elif _path_style(host):
        bucket, _, key = path.lstrip("/").partition("/")
    else:
        return None
    return (bucket, key) if _BUCKET_NAME.match(bucket) else None


def _bucket(name: str) -> Any:
    """moto's bucket called ``name``, or None."""
    return s3_policy.moto_bucket(name)


def _matches(pattern: str, value: str, *, case_sensitive: bool) -> bool:
    if not case_sensitive:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]").replace("?", "[?]"))


def matching_rule(rules: list[Any], origin: str, method: str, request_headers: list[str] | None) -> Any:
    """The first CORS rule that allows ``origin``, ``method`` and (for a preflight) ``request_headers``."""
    for rule in rules:
        if not any(_matches(allowed, origin, case_sensitive=True) for allowed in rule.allowed_origins or []):
            continue
        if method not in (rule.allowed_methods or []):
            continue
        allowed_headers = rule.allowed_headers or []
        if request_headers and not all(
            any(_matches(allowed, header, case_sensitive=False) for allowed in allowed_headers)
            for header in request_headers
        ):
            continue
        return rule
    return None


def rule_headers(rule: Any, origin: str) -> list[tuple[str, str]]:
    """The CORS response headers S3 sends for a request ``rule`` matched."""
    wildcard_origin = "*" in (rule.allowed_origins or []) and all(
        not _matches(o, origin, case_sensitive=True) or o == "*" for o in rule.allowed_origins
    )
    headers = [
        ("Access-Control-Allow-Origin", "*" if wildcard_origin else origin),
        ("Access-Control-Allow-Methods", ", ".join(rule.allowed_methods)),
    ]
    if rule.exposed_headers:
        headers.append(("Access-Control-Expose-Headers", ", ".join(rule.exposed_headers)))
    if rule.max_age_seconds not in (None, ""):
        headers.append(("Access-Control-Max-Age", str(rule.max_age_seconds)))
    if not wildcard_origin:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return headers


def cors_headers(bucket_name: str, origin: str | None, method: str) -> list[tuple[str, str]]:
    """The CORS headers of S3's answer to a non-preflight ``method`` request from ``origin`` to the bucket."""
    bucket = _bucket(bucket_name) if origin else None
    rules = list(getattr(bucket, "cors", None) or [])
    if not rules or not origin:
        return []
    rule = matching_rule(rules, origin, method.upper(), None)
    return [*(rule_headers(rule, origin) if rule is not None else []), ("Vary", VARY)]


def _strip_cors(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if not k.lower().startswith("access-control-") and k.lower() != "vary"]


def cors_start_response(environ: dict[str, Any], bucket_name: str, start_response: StartResponse) -> StartResponse:
    """``start_response`` that replaces flask-cors' headers with the bucket's CORS headers."""
    added = cors_headers(bucket_name, environ.get("HTTP_ORIGIN"), str(environ.get("REQUEST_METHOD") or "GET"))

    def wrapped(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return start_response(status, [*_strip_cors(list(headers)), *added], exc_info)

    return wrapped


def _error(status: int, code: str, message: str, **extra: str) -> tuple[str, list[tuple[str, str]], bytes]:
    request_id = os.urandom(8).hex().upper()
    members = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in extra.items())
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{escape(message)}</Message>'
        f"{members}<RequestId>{request_id}</RequestId>"
        f"<HostId>{base64.b64encode(os.urandom(48)).decode()}</HostId></Error>"
    ).encode()
    reason = {400: "Bad Request", 403: "Forbidden", 404: "Not Found"}[status]
    headers = [
        ("Content-Type", "application/xml"),
        ("Content-Length", str(len(body))),
        ("x-amz-request-id", request_id),
    ]
    return f"{status} {reason}", headers, body


class S3CorsExtension:
    """Answers S3 CORS preflights and puts the bucket's CORS headers on cross-origin S3 answers."""

    name = "s3-cors"

    def __init__(self) -> None:
        """Unbound until :class:`~local_aws.server.LocalAWSApp` hands over moto (:meth:`bind_fallback`)."""
        self.fallback: WSGIApp | None = None

    def bind_fallback(self, app: WSGIApp) -> None:
        """Remember moto's application, which answers the non-preflight requests."""
        self.fallback = app

    def matches(self, environ: dict[str, Any]) -> bool:
        """Claim S3 requests that are an ``OPTIONS`` or carry ``Origin`` (see the module docstring)."""
        method = environ.get("REQUEST_METHOD")
        if method != "OPTIONS" and not environ.get("HTTP_ORIGIN"):
            return False
        path = str(environ.get("PATH_INFO") or "")
        if path.startswith(("/_local_aws/", "/moto-api/")):
            return False
        authorization = str(environ.get("HTTP_AUTHORIZATION") or "")
        query = str(environ.get("QUERY_STRING") or "").replace("%2F", "/").replace("%2f", "/")
        if authorization and not _S3_SCOPE.search(authorization):
            return False
        if _OTHER_SCOPE.search(query.replace("X-Amz-Credential=", "Credential=")):
            return False
        return request_target(environ) is not None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer a preflight, or let moto answer with the bucket's CORS headers."""
        bucket_name, key = request_target(environ) or ("", "")
        if environ.get("REQUEST_METHOD") == "OPTIONS":
            status, headers, body = self.preflight(environ, bucket_name, key)
            start_response(status, headers)
            return [body]
        if self.fallback is None:
            raise RuntimeError("S3CorsExtension is not bound to moto (LocalAWSApp calls bind_fallback)")
        return self.fallback(environ, cors_start_response(environ, bucket_name, start_response))

    @staticmethod
    def preflight(environ: dict[str, Any], bucket_name: str, key: str) -> tuple[str, list[tuple[str, str]], bytes]:
        """Status, headers and body of S3's answer to an ``OPTIONS`` preflight."""
        origin = environ.get("HTTP_ORIGIN")
        method = environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD")
        if not origin:
            return _error(400, "BadRequest", "Insufficient information. Origin request header needed.")
        if not method:
            return _error(400, "BadRequest", "Invalid Access-Control-Request-Method: null")
        bucket = _bucket(bucket_name)
        if bucket is None:
            return _error(404, "NoSuchBucket", "The specified bucket does not exist", BucketName=bucket_name)
        resource_type = "OBJECT" if key else "BUCKET"
        rules = list(getattr(bucket, "cors", None) or [])
        if not rules:
            return _error(403, "AccessForbidden", NOT_ENABLED, Method=method, ResourceType=resource_type)
        requested = str(environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS") or "")
        names = [name.strip() for name in requested.split(",") if name.strip()]
        rule = matching_rule(rules, origin, method, names)
        if rule is None:
            return _error(403, "AccessForbidden", NOT_ALLOWED, Method=method, ResourceType=resource_type)
        headers = rule_headers(rule, origin)
        if names:
            headers.insert(2, ("Access-Control-Allow-Headers", ", ".join(names)))
        headers += [("Vary", VARY), ("Content-Length", "0"), ("x-amz-request-id", os.urandom(8).hex().upper())]
        return "200 OK", headers, b""


__all__ = ["S3CorsExtension", "cors_headers", "cors_start_response", "matching_rule", "request_target"]
