"""A local CloudFront edge: viewer requests to the distributions of the local AWS.

Addressing
==========
The local AWS serves every service over HTTPS on one loopback port, so the edge is chosen by the
``Host`` header, as on a real edge location: a request whose ``Host`` (port removed, case-insensitive)
is the ``DomainName`` of a distribution (``d111111abcdef8.cloudfront.net``) or one of its ``Aliases``
(``*.example.com`` wildcards included) is a viewer request to that distribution::

    curl --cacert ca.pem -H 'Host: d111111abcdef8.cloudfront.net' https://127.0.0.1:PORT/books/1/index.m3u8

:meth:`CloudFrontEdgeExtension.matches` claims hosts ending in ``.cloudfront.net`` and hosts equal to
an alias of a distribution; it never claims an IP address, ``localhost``, ``*.localhost`` or an
``amazonaws.com`` host, so AWS API requests (path or virtual-host style) still reach the API emulations.

What is emulated (CloudFront Developer Guide)
=============================================
* Distribution lookup by domain name or alias. An unknown host, or a distribution whose ``Enabled`` is
  false, answers 403.
* Cache behaviour selection: the ordered ``CacheBehaviors`` in order, the first whose ``PathPattern``
  matches the URL path (case-sensitive; ``*`` any run of characters including ``/``, ``?`` one character;
  with or without a leading ``/``), else ``DefaultCacheBehavior``. The query string is not matched.
* ``ViewerProtocolPolicy``: ``https-only`` answers an HTTP request 403; ``redirect-to-https`` answers an
  HTTP ``GET``/``HEAD`` 301 with ``Location: https://<host><path>[?<query>]`` (other methods are not
  redirected). The server itself speaks HTTPS only, so this matters only in-process.
* ``AllowedMethods``: a method not listed answers 403. Allowed methods other than ``GET``/``HEAD``
  (``OPTIONS``, ``PUT``, ``POST``, ``PATCH``, ``DELETE``) answer 403 ``NotImplemented``: the local edge
  forwards only ``GET``, ``HEAD`` and CORS preflights (``OPTIONS`` with ``Origin`` and
  ``Access-Control-Request-Method``). A preflight goes to the S3 origin as S3's ``OPTIONS`` object call
  (:mod:`local_aws.s3_cors`: the bucket's CORS rules answer) with only the CORS request headers the behaviour
  forwards: those in its cache policy's cache key, in a managed origin request policy (CORS-S3Origin,
  CORS-CustomOrigin, AllViewer, AllViewerExceptHostHeader) or in legacy ``ForwardedValues``; without
  ``Origin`` S3 answers 400. Signed cookies are checked first, and browsers send none with a preflight.
* Response headers policies (``ResponseHeadersPolicyId``, managed or custom), on every response CloudFront
  forwards from the origin, whatever its status (S3's 403/404 included), and on what it derives from it
  (``HEAD``, 206, 304, 412, 416): the ``RemoveHeadersConfig`` headers go first (a removed ``Server`` comes back
  as ``Server: CloudFront``); then, for a request with an ``Origin`` the policy allows (exact, ``*.`` leftmost
  wildcard, or ``*``), ``Access-Control-Allow-Origin`` (the request's origin, or ``*`` when only ``*``
  allows it) and ``Access-Control-Allow-Credentials: true`` if set, plus ``Access-Control-Allow-Methods``
  (``ALL`` expanded), ``-Allow-Headers`` and ``-Max-Age`` on a preflight or ``-Expose-Headers`` otherwise;
  nothing CORS for an origin not in the list or a request without ``Origin``; then the security headers
  (``Strict-Transport-Security: max-age=N[; includeSubDomains][; preload]``, ``X-Content-Type-Options:
  nosniff``, ``X-Frame-Options``, ``Referrer-Policy``, ``X-XSS-Protection: 1[; mode=block][; report=URI]`` or
  ``0``, ``Content-Security-Policy``) and the custom headers. Each header is added when the origin's response
  lacks it; when the origin sent it, the policy's replaces it only if its ``Override`` (``OriginOverride`` for
  CORS) is true. No ``Vary`` is added (no page says CloudFront adds one). The answers the edge makes itself
  before reaching the origin (unknown host, disabled distribution, HTTPS required, redirect, method not
  allowed, signed URL/cookie errors, origin not emulated) carry none of the policy's headers: the Developer
  Guide says CloudFront modifies the responses it serves from the cache and those it forwards from the
  origin, which these are not.
* Restricted viewer access (``TrustedKeyGroups`` enabled with keys): signed cookies
  (``CloudFront-Policy`` or ``CloudFront-Expires``, ``CloudFront-Signature``, ``CloudFront-Key-Pair-Id``,
  optional ``CloudFront-Hash-Algorithm``) or signed URL parameters (``Policy`` or ``Expires``,
  ``Signature``, ``Key-Pair-Id``, optional ``Hash-Algorithm``). When the URL carries signing parameters
  only they count (the guide: a signed URL takes precedence over signed cookies). Checks: the key-pair
  ID is a public key of one of the behaviour's trusted key groups (from the shared
  :class:`~local_aws.cloudfront.CloudFrontStore`); values use CloudFront's URL-safe base64 (``-`` ``_``
  ``~`` for ``+`` ``=`` ``/``), strictly: standard base64, whitespace or missing padding is refused; a custom
  policy has exactly the documented form (:func:`parse_custom_policy`: no whitespace, one statement,
  ``DateLessThan`` required, integer epoch times, an IPv4 CIDR ``AWS:SourceIp``, ``Resource`` starting
  with ``http://``/``https://``, no other or duplicated member); the signature verifies over the exact
  policy bytes (RSA PKCS#1 v1.5, or
  ECDSA for an EC public key; SHA-1 unless ``SHA256`` is named); a canned policy is rebuilt from the
  request URL; the single statement's ``Resource`` (``*``/``?`` wildcards; absent = any) matches
  ``<scheme>://<host><path>[?<query>]`` (for signed URLs without the signing parameters);
  ``DateLessThan`` is in the future; ``DateGreaterThan``, if present, in the past; ``IpAddress``
  ``AWS:SourceIp``, if present, contains the client address (``REMOTE_ADDR``).
* S3 origins (``<bucket>.s3.amazonaws.com``, ``<bucket>.s3.<region>.amazonaws.com``, legacy
  ``<bucket>.s3-<region>``, dualstack): the object ``OriginPath`` + path is read in-process from moto's S3
  backend, with the bucket policy evaluated by :mod:`local_aws.s3_policy` as S3 would for the caller
  CloudFront is: with an ``OriginAccessControlId`` the service principal ``cloudfront.amazonaws.com``
  with ``aws:SourceArn`` (the distribution ARN) and ``aws:SourceAccount``; with a legacy origin access
  identity its IAM ARN; otherwise an anonymous caller (denied by the bucket's ``RestrictPublicBuckets``).
  ``aws:SecureTransport`` is the viewer's protocol (CloudFront uses the viewer's protocol towards S3).
  S3's answers pass through: 403 ``AccessDenied`` without ``s3:GetObject``; a missing key 404
  ``NoSuchKey`` if the caller has ``s3:ListBucket`` on the bucket, else 403 ``AccessDenied``; a missing
  bucket 404 ``NoSuchBucket``. ``DefaultRootObject`` is served for ``/``. Origin groups fail over to
  the next member on their ``FailoverCriteria`` status codes.
* Responses: the object with S3's ``Content-Type`` (as stored; ``binary/octet-stream`` when none),
  ``Content-Length``, ``ETag``, ``Last-Modified``, ``Accept-Ranges``, the stored ``Cache-Control``,
  ``Content-Encoding``, ``Content-Disposition``, ``Content-Language``, ``Expires``, ``x-amz-meta-*`` and
  S3's ``x-amz-version-id``/``-server-side-encryption*``/``-storage-class`` headers,
  plus CloudFront's ``X-Cache`` (``Miss from cloudfront``; ``Error from cloudfront`` on errors),
  ``Via: 1.1 <hex>.cloudfront.net (CloudFront)`` and ``X-Amz-Cf-Id``. ``HEAD`` answers the headers only.
  One ``Range: bytes=a-b`` / ``bytes=a-`` / ``bytes=-n`` answers 206 with ``Content-Range``; an
  unsatisfiable range 416 ``InvalidRange``; several ranges are ignored (200, as S3). ``If-None-Match`` /
  ``If-Modified-Since`` answer 304, ``If-Match`` / ``If-Unmodified-Since`` 412.

Error bodies
============
Signature errors use the XML CloudFront sends (status 403): ``MissingKey`` "Missing Key-Pair-Id query
parameter or cookie value" (no key-pair ID), ``InvalidKey`` "Unknown Key" (a key-pair ID that is not a
public key of the behaviour's trusted key groups, the message AWS's troubleshooting guide quotes),
``MalformedPolicy`` "Malformed Policy" (a ``Policy`` that does not decode or is not of the documented
form, an ``Expires`` that is not a decimal number) and ``AccessDenied`` "Access denied" (any other failed
check; :func:`check_signed_request` lists them in order). Errors from S3 are S3's XML. For its other
errors real CloudFront sends an HTML page; the local edge sends the same status with a small XML body
``<Error><Code>..</Code><Message>..</Message></Error>`` (codes of our own: ``BadRequest`` 403 for an
unknown host or a disabled distribution, ``HTTPSRequired`` 403, ``MethodNotAllowed`` 403,
``NotImplemented`` 403, ``OriginNotEmulated`` 502, ``InternalError`` 500).

Not emulated
============
No caching: every request reads the origin (``X-Cache`` is always a miss; cache and origin request
policies, TTLs, invalidations and ``Age`` have no effect, except on which CORS request headers a preflight
forwards). Custom (non-S3) origins, S3 website endpoints and access points answer 502. Legacy
``TrustedSigners`` (account key pairs) never validate (403 ``InvalidKey``). Not applied:
``CustomErrorResponses``, CloudFront Functions and Lambda@Edge, the ``Server-Timing`` header of response
headers policies, geo restrictions, WAF, field-level encryption, compression, ``If-Range``, S3 ACLs,
SSE-KMS permissions and account-level public access blocks. A request for the bucket root (empty key
and no ``DefaultRootObject``) answers 403 instead of S3's listing. ``Status`` (``InProgress``) is
ignored: a distribution serves as soon as it exists. Distributions created behind the CloudFront API's
back (without the configuration :mod:`local_aws.cloudfront` keeps) are unknown hosts here. The
HTTP server adds its own ``Server: Werkzeug/...`` header next to S3's ``Server: AmazonS3``.

Clients: ffmpeg sends ``-headers`` (``Host`` and ``Cookie``) with every HLS segment request but not its
``-ca_file``, so trust the CA through OpenSSL (``SSL_CERT_FILE=ca.pem``); ``ansible.builtin.uri`` takes
``headers: {Host: ..., Cookie: ...}`` and ``ca_path``.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import ipaddress
import json
import os
import re
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache
from typing import Any
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from werkzeug.http import parse_cookie
from werkzeug.http import parse_date
from werkzeug.wrappers import Response

from local_aws import s3_policy
from local_aws.cloudfront import MANAGED_CACHE_POLICIES
from local_aws.cloudfront import MANAGED_RESPONSE_HEADERS_POLICIES
from local_aws.cloudfront import CloudFrontStore
from local_aws.cloudfront import items_of
from local_aws.s3_policy import wildcard

StartResponse = Callable[..., Any]

#: Suffix of the domain names CloudFront gives distributions.
EDGE_DOMAIN_SUFFIX = ".cloudfront.net"

#: The service principal CloudFront uses with an origin access control.
CLOUDFRONT_SERVICE = "cloudfront.amazonaws.com"

#: Query parameters of a signed URL (removed from the URL a policy ``Resource`` is matched against).
SIGNED_URL_PARAMS = frozenset({"Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"})

#: Account id of the anonymous caller CloudFront is towards an origin without OAC or OAI.
ANONYMOUS_ACCOUNT = "anonymous"

#: Methods served from the origin.
SERVED_METHODS = ("GET", "HEAD")

#: What ``ALL`` stands for in ``AccessControlAllowMethods`` (API reference,
#: ResponseHeadersPolicyAccessControlAllowMethods: ALL includes all of the listed methods).
ALL_CORS_METHODS = ("GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")

#: Request headers the managed origin request policies forward to the origin ("Use managed origin request
#: policies"): CORS-S3Origin, CORS-CustomOrigin, AllViewer and AllViewerExceptHostHeader (``*``: every header).
#: Only the CORS request headers matter to the local edge (what an S3 origin needs to answer a preflight).
MANAGED_ORIGIN_REQUEST_POLICY_HEADERS: dict[str, frozenset[str]] = {
    "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf": frozenset(
        {"origin", "access-control-request-headers", "access-control-request-method"}
    ),
    "59781a5b-3903-41f3-afcb-af62929ccde1": frozenset({"origin"}),
    "216adef6-5c7f-47e4-b989-5492eafa07d3": frozenset({"*"}),
    "b689b0a8-53d0-40ab-baf2-68738e2966ac": frozenset({"*"}),
}

#: S3 REST endpoints: ``bucket.s3.amazonaws.com``, ``bucket.s3.<region>.amazonaws.com``, legacy
#: ``bucket.s3-<region>.amazonaws.com`` and dualstack (website endpoints are custom origins).
_S3_REST_DOMAIN = re.compile(
    r"^(?P<bucket>[a-z0-9][a-z0-9.\-]*?)\.s3(?:\.dualstack)?(?:[.-](?!website)(?P<region>[a-z0-9-]+))?"
    r"\.amazonaws\.com(?:\.cn)?$"
)

#: Object metadata S3 returns as response headers (besides ``Content-Type`` and ``x-amz-meta-*``).
_PASSED_METADATA = {
    "cache-control": "Cache-Control",
    "content-encoding": "Content-Encoding",
    "content-disposition": "Content-Disposition",
    "content-language": "Content-Language",
    "expires": "Expires",
}

#: S3 response headers of a GetObject that CloudFront passes on (moto's ``x-amz-sdk-*`` is no S3 header).
_PASSED_S3_HEADERS = (
    "x-amz-version-id",
    "x-amz-server-side-encryption",
    "x-amz-storage-class",
    "x-amz-restore",
    "x-amz-website-redirect-location",
    "x-amz-object-lock-",
)

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def viewer_host(environ: dict[str, Any]) -> str:
    """The ``Host`` of a request, lower-cased, without port or trailing dot (``""`` for IPv6 literals)."""
    host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "").strip().lower()
    if host.startswith("["):
        return ""
    host = host.rsplit(":", 1)[0] if ":" in host else host
    return host.rstrip(".")


def _never_an_edge(host: str) -> bool:
    """Hosts that address the AWS APIs of the local AWS, never a distribution."""
    if not host or "." not in host or host == "localhost" or host.endswith(".localhost"):
        return True
    if host.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def path_pattern_matches(pattern: str, path: str) -> bool:
    """CloudFront's ``PathPattern`` test (leading ``/`` optional, case-sensitive wildcards)."""
    return wildcard(pattern if pattern.startswith("/") else "/" + pattern, path)


def select_cache_behaviour(config: dict[str, Any], path: str) -> dict[str, Any]:
    """The first ordered cache behaviour whose path pattern matches ``path``, else the default one."""
    for behaviour in items_of(config.get("CacheBehaviors")):
        if isinstance(behaviour, dict) and path_pattern_matches(str(behaviour.get("PathPattern", "")), path):
            return behaviour
    return dict(config.get("DefaultCacheBehavior") or {})


#: CloudFront-safe base64 as the guide tells signers to write it: the MIME (RFC 2045) alphabet with ``+``
#: ``=`` ``/`` replaced by ``-`` ``_`` ``~``, padded, no whitespace or line breaks.
_CLOUDFRONT_B64 = re.compile(r"^(?:[A-Za-z0-9~-]{4})*(?:[A-Za-z0-9~-]{2}__|[A-Za-z0-9~-]{3}_)?$")


def cloudfront_b64decode(value: str) -> bytes:
    """Decode CloudFront's URL-safe base64 (``-`` ``_`` ``~`` stand for ``+`` ``=`` ``/``).

    Strict, as the guide writes the encoding: standard-base64 characters (``+`` ``=`` ``/``), whitespace,
    missing padding or an empty value raise :class:`ValueError`.
    """
    if not value or not _CLOUDFRONT_B64.match(value):
        raise ValueError("not CloudFront-safe base64")
    return base64.b64decode(value.replace("-", "+").replace("_", "=").replace("~", "/"), validate=True)


def canned_policy(resource: str, expires: int) -> bytes:
    """The policy a canned signature signs (the guide's exact layout, no whitespace)."""
    statement = {"Resource": resource, "Condition": {"DateLessThan": {"AWS:EpochTime": expires}}}
    return json.dumps({"Statement": [statement]}, separators=(",", ":")).encode()


@lru_cache(maxsize=128)
def _load_public_key(pem: str) -> Any:
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

    return serialization.load_pem_public_key(pem.encode())


def verify_signature(pem: str, message: bytes, signature: bytes, hash_algorithm: str = "SHA1") -> bool:
    """True if ``signature`` is a valid signature of ``message`` by the public key ``pem``."""
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import padding  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415

    algorithm = {"SHA1": hashes.SHA1, "SHA256": hashes.SHA256}.get(hash_algorithm)
    if algorithm is None:
        return False
    try:
        key = _load_public_key(pem)
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), algorithm())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, message, ec.ECDSA(algorithm()))
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _random_cf_id() -> str:
    """An ``X-Amz-Cf-Id`` (56 characters, like CloudFront's)."""
    return base64.urlsafe_b64encode(os.urandom(42)).decode()


def _via() -> str:
    return f"1.1 {os.urandom(16).hex()}.cloudfront.net (CloudFront)"


def _xml_error(code: str, message: str, **extra: str) -> bytes:
    members = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in extra.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{escape(message)}</Message>'
        f"{members}</Error>"
    ).encode()


# --------------------------------------------------------------------------------------------------
# Distributions and origin responses
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EdgeDistribution:
    """What the edge needs of a distribution: identity, account and ``DistributionConfig``."""

    id: str
    arn: str
    domain_name: str
    account_id: str
    partition: str
    config: dict[str, Any]

    @property
    def aliases(self) -> list[str]:
        """The alternate domain names, lower-cased."""
        return [str(alias).lower().rstrip(".") for alias in items_of(self.config.get("Aliases"))]


def moto_distributions() -> Iterator[EdgeDistribution]:
    """Every distribution in moto's CloudFront backends that :mod:`local_aws.cloudfront` configured."""
    from moto.cloudfront.models import cloudfront_backends  # noqa: PLC0415  (server process only)

    for account_id, account_backends in list(cloudfront_backends.items()):
        for partition, backend in list(account_backends.items()):
            for dist in list(backend.distributions.values()):
                config = getattr(dist, "local_aws_config", None)
                if config is not None:
                    yield EdgeDistribution(dist.id, dist.arn, dist.domain_name, account_id, partition, config)


@dataclass
class OriginResponse:
    """An origin's answer. For a 200, ``last_modified``/``etag`` feed conditional and range requests."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    etag: str | None = None
    last_modified: datetime.datetime | None = None


def s3_error(status: int, code: str, message: str, **extra: str) -> OriginResponse:
    """An error as S3 sends it."""
    extra["RequestId"] = os.urandom(8).hex().upper()
    extra["HostId"] = base64.b64encode(os.urandom(48)).decode()
    body = _xml_error(code, message, **extra)
    return OriginResponse(status, [("Content-Type", "application/xml"), ("Server", "AmazonS3")], body)


#: Reads an S3 object for CloudFront: ``(bucket, key, request context) -> OriginResponse``.
S3Reader = Callable[[str, str, s3_policy.RequestContext], OriginResponse]


class MotoS3Origin:
    """An S3 origin read in-process from moto's S3 backend, with the bucket policy evaluated as S3 does."""

    def __call__(self, bucket_name: str, key: str, context: s3_policy.RequestContext) -> OriginResponse:
        """GetObject ``key`` of ``bucket_name`` as ``context.caller`` (the bucket's owner account decides)."""
        from moto.s3.models import s3_backends  # noqa: PLC0415  (server process only)

        owner = s3_backends.bucket_accounts.get(bucket_name)
        backend = bucket = None
        if owner is not None:
            owner_partition, account_id = owner
            try:
                backend = s3_backends[account_id][owner_partition]
                bucket = backend.get_bucket(bucket_name)
            except Exception:  # MissingBucket
                bucket = None
        if backend is None or bucket is None:
            return s3_error(404, "NoSuchBucket", "The specified bucket does not exist", BucketName=bucket_name)
        arn = f"arn:{owner_partition}:s3:::{bucket_name}"
        if not key or not self._allows(bucket, "s3:GetObject", f"{arn}/{key}", context):
            return s3_error(403, "AccessDenied", "Access Denied")
        obj = backend.get_object(bucket_name, key)  # None for a missing key or a delete marker
        if obj is None:
            if self._allows(bucket, "s3:ListBucket", arn, context):
                return s3_error(404, "NoSuchKey", "The specified key does not exist.", Key=key)
            return s3_error(403, "AccessDenied", "Access Denied")
        return self._object_response(obj)

    @staticmethod
    def _allows(bucket: Any, action: str, resource: str, context: s3_policy.RequestContext) -> bool:
        if not s3_policy.bucket_allows(bucket, action, resource, context):
            return False
        block = getattr(bucket, "public_access_block", None)
        anonymous = context.caller.service is None and context.caller.account_id == ANONYMOUS_ACCOUNT
        # RestrictPublicBuckets: a public policy grants nothing to anonymous callers.
        return not (anonymous and block is not None and bool(getattr(block, "restrict_public_buckets", False)))

    @staticmethod
    def _object_response(obj: Any) -> OriginResponse:
        metadata = {str(name).lower(): str(value) for name, value in dict(obj.metadata).items()}
        headers = [("Content-Type", metadata.get("content-type") or "binary/octet-stream")]
        headers += [(header, metadata[name]) for name, header in _PASSED_METADATA.items() if name in metadata]
        headers += [(name, value) for name, value in metadata.items() if name.startswith("x-amz-meta-")]
        for name, value in obj.response_dict.items():
            if name.lower().startswith(_PASSED_S3_HEADERS):
                headers.append((name, str(value)))
        headers += [
            ("ETag", obj.etag),
            ("Last-Modified", obj.last_modified_RFC1123),
            ("Accept-Ranges", "bytes"),
            ("Server", "AmazonS3"),
        ]
        last_modified = parse_date(obj.last_modified_RFC1123)
        return OriginResponse(200, headers, bytes(obj.value), etag=obj.etag, last_modified=last_modified)


# --------------------------------------------------------------------------------------------------
# Signed URLs and cookies
# --------------------------------------------------------------------------------------------------


class SignatureError(Exception):
    """A failed signed URL/cookie check: CloudFront's error code and message."""

    def __init__(self, code: str, message: str) -> None:
        """Record the code and message CloudFront answers with (403)."""
        super().__init__(message)
        self.code = code
        self.message = message


def _access_denied() -> SignatureError:
    return SignatureError("AccessDenied", "Access denied")


@dataclass
class _Viewer:
    """The parts of a viewer request the edge works with."""

    method: str
    scheme: str
    host: str
    raw_path: str  # as sent (percent-encoded)
    path: str  # decoded
    raw_query: str
    remote_addr: str
    headers: dict[str, str]
    cookies: dict[str, str]

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> _Viewer:
        raw_uri = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
        if raw_uri.startswith(("http://", "https://")):
            raw_uri = urlsplit(raw_uri).path
        raw_path = raw_uri.split("?", 1)[0]
        if not raw_path:
            wsgi_path = str(environ.get("PATH_INFO") or "/").encode("latin-1").decode("utf-8", "replace")
            raw_path = quote(wsgi_path, safe="/!$&'()*+,;=:@~-._")
        raw_path = raw_path.encode("latin-1", "replace").decode("utf-8", "replace")
        headers = {
            key[5:].replace("_", "-").lower(): str(value) for key, value in environ.items() if key.startswith("HTTP_")
        }
        return cls(
            method=str(environ.get("REQUEST_METHOD") or "GET").upper(),
            scheme=str(environ.get("wsgi.url_scheme") or "http"),
            host=viewer_host(environ),
            raw_path=raw_path or "/",
            path=unquote(raw_path or "/"),
            raw_query=str(environ.get("QUERY_STRING") or ""),
            remote_addr=str(environ.get("REMOTE_ADDR") or ""),
            headers=headers,
            cookies=dict(parse_cookie(str(environ.get("HTTP_COOKIE") or ""))),
        )

    def query_params(self) -> list[tuple[str, str, str]]:
        """``(name, value, raw pair)`` for each ``&``-separated query parameter, in order."""
        params = []
        for pair in self.raw_query.split("&"):
            if pair:
                name, _, value = pair.partition("=")
                params.append((unquote(name), unquote(value), pair))
        return params

    def url(self, query: str | None = None) -> str:
        """``<scheme>://<host><path>[?<query>]`` (the request's own query by default)."""
        query = self.raw_query if query is None else query
        return f"{self.scheme}://{self.host}{self.raw_path}" + (f"?{query}" if query else "")


def _malformed_policy() -> SignatureError:
    return SignatureError("MalformedPolicy", "Malformed Policy")


#: Members of a custom policy statement and of its ``Condition``, with the one key each condition takes.
_STATEMENT_MEMBERS = frozenset({"Resource", "Condition"})
_CONDITION_KEYS = {"DateLessThan": "AWS:EpochTime", "DateGreaterThan": "AWS:EpochTime", "IpAddress": "AWS:SourceIp"}


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError("duplicate member")
    return dict(pairs)


def _reject_float(text: str) -> Any:
    raise ValueError(f"not an integer: {text}")


def _is_epoch(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def parse_custom_policy(policy_bytes: bytes) -> dict[str, Any]:
    """The statement of a custom policy, checked against the form the Developer Guide gives it.

    Raises :class:`SignatureError` ``MalformedPolicy`` unless ``policy_bytes`` is UTF-8 JSON without any
    whitespace, of the form ``{"Statement":[{"Resource":"http(s)://...","Condition":{"DateLessThan":
    {"AWS:EpochTime":<int>},"DateGreaterThan":{"AWS:EpochTime":<int>},"IpAddress":{"AWS:SourceIp":"<IPv4
    CIDR>"}}}]}``: exactly one statement; ``Resource`` optional; ``DateLessThan`` required, the other two
    conditions optional, in any order; epoch times unquoted integers; no other, duplicated or abbreviated
    member.
    """
    try:
        text = policy_bytes.decode("utf-8")
        if not text or any(char.isspace() for char in text):
            raise ValueError("whitespace")
        document = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_float=_reject_float, parse_constant=_reject_float
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise _malformed_policy() from exc
    if not isinstance(document, dict) or set(document) != {"Statement"}:
        raise _malformed_policy()
    statements = document["Statement"]
    if not isinstance(statements, list) or len(statements) != 1 or not isinstance(statements[0], dict):
        raise _malformed_policy()
    statement = statements[0]
    if not set(statement) <= _STATEMENT_MEMBERS or "Condition" not in statement:
        raise _malformed_policy()
    resource = statement.get("Resource", "")
    if "Resource" in statement and (not isinstance(resource, str) or not resource.startswith(("http://", "https://"))):
        raise _malformed_policy()
    condition = statement["Condition"]
    if not isinstance(condition, dict) or not set(condition) <= set(_CONDITION_KEYS) or "DateLessThan" not in condition:
        raise _malformed_policy()
    for name, value in condition.items():
        key = _CONDITION_KEYS[name]
        if not isinstance(value, dict) or set(value) != {key}:
            raise _malformed_policy()
        if key == "AWS:EpochTime" and not _is_epoch(value[key]):
            raise _malformed_policy()
        if key == "AWS:SourceIp":
            try:
                ipaddress.IPv4Network(value[key] if isinstance(value[key], str) else "", strict=False)
            except ValueError as exc:
                raise _malformed_policy() from exc
            if "/" not in value[key]:
                raise _malformed_policy()
    return statement


def _check_policy(statement: dict[str, Any], url: str, viewer: _Viewer, now: float) -> None:
    """Check the conditions of a verified, well-formed statement for this request."""
    condition = statement["Condition"]
    if "Resource" in statement and not wildcard(statement["Resource"], url):
        raise _access_denied()
    if now >= condition["DateLessThan"]["AWS:EpochTime"]:
        raise _access_denied()
    if "DateGreaterThan" in condition and now <= condition["DateGreaterThan"]["AWS:EpochTime"]:
        raise _access_denied()
    if "IpAddress" in condition:
        network = ipaddress.IPv4Network(condition["IpAddress"]["AWS:SourceIp"], strict=False)
        try:
            allowed = ipaddress.ip_address(viewer.remote_addr) in network
        except ValueError:
            allowed = False
        if not allowed:
            raise _access_denied()


#: The signing values of a signed URL and of signed cookies (same roles, other names).
_URL_NAMES = {"policy": "Policy", "expires": "Expires", "signature": "Signature", "key": "Key-Pair-Id"}
_URL_NAMES["hash"] = "Hash-Algorithm"
_COOKIE_NAMES = {role: f"CloudFront-{name}" for role, name in _URL_NAMES.items()}
_EPOCH_DIGITS = re.compile(r"^[0-9]{1,12}$")


def check_signed_request(viewer: _Viewer, trusted_keys: dict[str, str], now: float | None = None) -> None:
    """Raise :class:`SignatureError` unless the request carries a valid signed URL or signed cookies.

    The order of the checks, and the answer of each (all 403):

    1. the key-pair ID: missing or empty ``MissingKey``; not a key of ``trusted_keys`` ``InvalidKey``;
    2. the parameters: a signing parameter given twice in the URL, no ``Signature``, neither or both of
       ``Policy`` and ``Expires``: ``AccessDenied``; a ``Hash-Algorithm`` other than ``SHA1``/``SHA256``:
       ``AccessDenied``;
    3. the policy: a ``Policy`` that is not CloudFront-safe base64 of a well-formed statement
       (:func:`parse_custom_policy`), or an ``Expires`` that is not a plain decimal number:
       ``MalformedPolicy``;
    4. the signature: not CloudFront-safe base64, or not a signature of the policy bytes: ``AccessDenied``;
    5. the statement's ``Resource``, dates and ``IpAddress``: ``AccessDenied``.

    :param trusted_keys: public key id -> PEM, for the keys of the behaviour's trusted key groups.
    """
    now = time.time() if now is None else now
    params = viewer.query_params()
    url_names = [name for name, _, _ in params if name in SIGNED_URL_PARAMS]
    if set(url_names) & {"Signature", "Key-Pair-Id", "Policy", "Expires"}:
        if len(set(url_names)) != len(url_names):
            raise _access_denied()
        values = {name: value for name, value, _ in params if name in SIGNED_URL_PARAMS}
        names = _URL_NAMES
        unsigned_query = "&".join(raw for name, _, raw in params if name not in SIGNED_URL_PARAMS)
        url = viewer.url(unsigned_query)
    else:
        values = viewer.cookies
        names = _COOKIE_NAMES
        url = viewer.url()
    key_id = values.get(names["key"]) or ""
    if not key_id:
        raise SignatureError("MissingKey", "Missing Key-Pair-Id query parameter or cookie value")
    pem = trusted_keys.get(key_id)
    if pem is None:
        raise SignatureError("InvalidKey", "Unknown Key")
    has_policy, has_expires = names["policy"] in values, names["expires"] in values
    hash_algorithm = values.get(names["hash"], "SHA1")
    if has_policy == has_expires or names["signature"] not in values or hash_algorithm not in ("SHA1", "SHA256"):
        raise _access_denied()
    if has_policy:
        try:
            policy = cloudfront_b64decode(values[names["policy"]])
        except (ValueError, binascii.Error) as exc:
            raise _malformed_policy() from exc
        statement = parse_custom_policy(policy)
    else:
        expires = values[names["expires"]]
        if not _EPOCH_DIGITS.match(expires):
            raise _malformed_policy()
        policy = canned_policy(url, int(expires))
        statement = json.loads(policy)["Statement"][0]
    try:
        signature = cloudfront_b64decode(values[names["signature"]])
    except (ValueError, binascii.Error) as exc:
        raise _access_denied() from exc
    if not verify_signature(pem, policy, signature, hash_algorithm):
        raise _access_denied()
    _check_policy(statement, url, viewer, now)


# --------------------------------------------------------------------------------------------------
# Response headers policies
# --------------------------------------------------------------------------------------------------

#: Answers an S3 origin's CORS preflight: ``(bucket, key, forwarded request headers) -> OriginResponse``.
S3Preflight = Callable[[str, str, dict[str, str]], OriginResponse]


def moto_s3_preflight(bucket_name: str, key: str, headers: dict[str, str]) -> OriginResponse:
    """S3's answer to ``OPTIONS`` on ``key`` with the CORS request headers CloudFront forwarded
    (:meth:`local_aws.s3_cors.S3CorsExtension.preflight`: the bucket's CORS configuration decides)."""
    from local_aws.s3_cors import S3CorsExtension  # noqa: PLC0415  (server process only)

    environ: dict[str, Any] = {"REQUEST_METHOD": "OPTIONS"}
    for name in ("origin", "access-control-request-method", "access-control-request-headers"):
        if name in headers:
            environ["HTTP_" + name.upper().replace("-", "_")] = headers[name]
    status, answer_headers, body = S3CorsExtension.preflight(environ, bucket_name, key)
    kept = [(k, v) for k, v in answer_headers if k.lower() != "content-length"]
    return OriginResponse(int(status.split()[0]), [*kept, ("Server", "AmazonS3")], body)


def is_preflight(viewer: _Viewer) -> bool:
    """A CORS preflight: ``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method`` (Fetch standard)."""
    return (
        viewer.method == "OPTIONS" and "origin" in viewer.headers and "access-control-request-method" in viewer.headers
    )


def allowed_origin_value(cors: dict[str, Any], origin: str) -> str | None:
    """The ``Access-Control-Allow-Origin`` value for a request from ``origin``, or None when the policy does not
    allow it: the request's origin when an item names it (a ``*.`` item: any subdomain, same scheme and port),
    ``*`` when only the ``*`` item allows it."""
    request = urlsplit(origin.strip())
    if not request.scheme or not request.hostname:
        return "*" if "*" in items_of(cors.get("AccessControlAllowOrigins")) else None
    star = False
    for item in (str(i).strip() for i in items_of(cors.get("AccessControlAllowOrigins"))):
        if item == "*":
            star = True
            continue
        # An item without a scheme (CloudFront takes a bare domain name) matches the host under any scheme.
        allowed = urlsplit(item if "://" in item else "//" + item)
        if allowed.scheme and allowed.scheme.lower() != request.scheme.lower():
            continue
        if allowed.port != request.port:
            continue
        host, wanted = (allowed.netloc.rsplit(":", 1)[0] if allowed.port else allowed.netloc).lower(), request.hostname
        if host == wanted or (host.startswith("*.") and wanted.endswith(host[1:]) and len(wanted) > len(host) - 1):
            return origin
    return "*" if star else None


def _security_values(security: dict[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """``(header, value, override)`` for each security header of a ``SecurityHeadersConfig``."""
    hsts = security.get("StrictTransportSecurity")
    if hsts:
        value = f"max-age={int(hsts.get('AccessControlMaxAgeSec') or 0)}"
        value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
        value += "; preload" if hsts.get("Preload") else ""
        yield "Strict-Transport-Security", value, bool(hsts.get("Override"))
    if security.get("ContentTypeOptions"):
        yield "X-Content-Type-Options", "nosniff", bool(security["ContentTypeOptions"].get("Override"))
    if security.get("FrameOptions"):
        frame = security["FrameOptions"]
        yield "X-Frame-Options", str(frame.get("FrameOption")), bool(frame.get("Override"))
    if security.get("ReferrerPolicy"):
        referrer = security["ReferrerPolicy"]
        yield "Referrer-Policy", str(referrer.get("ReferrerPolicy")), bool(referrer.get("Override"))
    xss = security.get("XSSProtection")
    if xss:
        value = "1" if xss.get("Protection") else "0"
        if xss.get("Protection") and xss.get("ModeBlock"):
            value += "; mode=block"
        if xss.get("Protection") and xss.get("ReportUri"):
            value += f"; report={xss['ReportUri']}"
        yield "X-XSS-Protection", value, bool(xss.get("Override"))
    csp = security.get("ContentSecurityPolicy")
    if csp:
        yield "Content-Security-Policy", str(csp.get("ContentSecurityPolicy") or ""), bool(csp.get("Override"))


def policy_headers(config: dict[str, Any], viewer: _Viewer) -> list[tuple[str, str, bool]]:
    """``(header, value, override)`` that a ``ResponseHeadersPolicyConfig`` adds to the response to ``viewer``.

    Developer Guide, "Understand response headers policies": CORS headers only for a CORS request (one with
    ``Origin``) from an allowed origin, ``Access-Control-Allow-Credentials: true`` when the setting is true,
    ``Access-Control-Allow-Methods``/``-Allow-Headers``/``-Max-Age`` in answers to preflights (the managed
    CORS-With-Preflight policy's page: "For simple CORS requests, CloudFront adds only the
    Access-Control-Allow-Origin header"), ``Access-Control-Expose-Headers`` on the other CORS answers; then the
    security headers and the custom headers, on every response.
    """
    added: list[tuple[str, str, bool]] = []
    cors = config.get("CorsConfig")
    origin = viewer.headers.get("origin")
    if cors and origin:
        allow_origin = allowed_origin_value(cors, origin)
        if allow_origin is not None:
            override = bool(cors.get("OriginOverride"))
            added.append(("Access-Control-Allow-Origin", allow_origin, override))
            if cors.get("AccessControlAllowCredentials"):
                added.append(("Access-Control-Allow-Credentials", "true", override))
            if is_preflight(viewer):
                methods = [str(m).upper() for m in items_of(cors.get("AccessControlAllowMethods"))]
                if "ALL" in methods:
                    methods = list(ALL_CORS_METHODS)
                if methods:
                    added.append(("Access-Control-Allow-Methods", ", ".join(methods), override))
                allow_headers = [str(h) for h in items_of(cors.get("AccessControlAllowHeaders"))]
                if allow_headers:
                    added.append(("Access-Control-Allow-Headers", ", ".join(allow_headers), override))
                if cors.get("AccessControlMaxAgeSec") is not None:
                    added.append(("Access-Control-Max-Age", str(int(cors["AccessControlMaxAgeSec"])), override))
            else:
                exposed = [str(h) for h in items_of(cors.get("AccessControlExposeHeaders"))]
                if exposed:
                    added.append(("Access-Control-Expose-Headers", ", ".join(exposed), override))
    added.extend(_security_values(config.get("SecurityHeadersConfig") or {}))
    for custom in items_of(config.get("CustomHeadersConfig")):
        added.append((str(custom.get("Header")), str(custom.get("Value") or ""), bool(custom.get("Override"))))
    return added


def apply_response_headers_policy(config: dict[str, Any], viewer: _Viewer, response: Response) -> None:
    """Change ``response``'s headers as the policy says ("Understand response headers policies").

    First the ``RemoveHeadersConfig`` headers go (a removed ``Server`` comes back as ``Server: CloudFront``);
    then each header of :func:`policy_headers` is added when the origin's response lacks it, replaces the
    origin's when its ``Override``/``OriginOverride`` is true, and is left out when the origin sent it and the
    flag is false.
    """
    headers = response.headers
    removed = {str(item.get("Header") or "").lower() for item in items_of(config.get("RemoveHeadersConfig"))}
    had_server = "server" in headers
    for name in removed:
        headers.remove(name)
    if "server" in removed and had_server:
        headers["Server"] = "CloudFront"
    from_origin = {name.lower() for name, _value in headers.items()}
    for name, value, override in policy_headers(config, viewer):
        if name.lower() in from_origin:
            if override:
                headers.set(name, value)
            continue
        headers.add(name, value)


# --------------------------------------------------------------------------------------------------
# The extension
# --------------------------------------------------------------------------------------------------


class CloudFrontEdgeExtension:
    """Answers viewer requests to the local distributions; see the module docstring.

    :param store: the :class:`~local_aws.cloudfront.CloudFrontStore` of the CloudFront API extension
        (key groups and public keys).
    :param distributions: returns the distributions to serve (default: moto's, see
        :func:`moto_distributions`).
    :param s3_reader: reads an S3 origin object (default: :class:`MotoS3Origin`).
    :param s3_preflight: answers a CORS preflight as an S3 origin (default: :func:`moto_s3_preflight`).
    :param clock: current time in seconds since the epoch (signature expiry checks).
    """

    name = "cloudfront-edge"
    #: Viewer requests to a distribution are not AWS API calls: signed cookies or URLs decide, not SigV4.
    aws_api = False

    def __init__(
        self,
        store: CloudFrontStore | None = None,
        *,
        distributions: Callable[[], Iterable[EdgeDistribution]] | None = None,
        s3_reader: S3Reader | None = None,
        s3_preflight: S3Preflight | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Wire the edge to the CloudFront store, the distribution lookup and the S3 reader."""
        self.store = store if store is not None else CloudFrontStore()
        self.distributions = distributions or moto_distributions
        self.s3_reader: S3Reader = s3_reader or MotoS3Origin()
        self.s3_preflight: S3Preflight = s3_preflight or moto_s3_preflight
        self.clock = clock

    # ---- routing ----------------------------------------------------------------------------------

    def find_distribution(self, host: str) -> EdgeDistribution | None:
        """The distribution whose domain name or alias is ``host`` (exact aliases beat wildcards)."""
        best: tuple[int, EdgeDistribution] | None = None
        for dist in self.distributions():
            if dist.domain_name.lower() == host:
                return dist
            for alias in dist.aliases:
                if alias == host:
                    return dist
                if alias.startswith("*.") and host.endswith(alias[1:]) and (best is None or len(alias) > best[0]):
                    best = (len(alias), dist)
        return best[1] if best else None

    def matches(self, environ: dict[str, Any]) -> bool:
        """Claim ``*.cloudfront.net`` hosts and the aliases of distributions, never an AWS API host."""
        host = viewer_host(environ)
        if host.endswith(EDGE_DOMAIN_SUFFIX):
            return True
        if _never_an_edge(host):
            return False
        return self.find_distribution(host) is not None

    # ---- answering --------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one viewer request."""
        viewer = _Viewer.from_environ(environ)
        try:
            response = self.handle(viewer)
        except s3_policy.UnsupportedCondition as exc:
            response = self._error(500, "InternalError", str(exc))
        response.headers.setdefault("Via", _via())
        response.headers.setdefault("X-Amz-Cf-Id", _random_cf_id())
        return response(environ, start_response)

    def _error(self, status: int, code: str, message: str) -> Response:
        body = _xml_error(code, message)
        headers = [("Content-Type", "text/xml"), ("X-Cache", "Error from cloudfront")]
        return Response(body, status=status, headers=headers)

    def handle(self, viewer: _Viewer) -> Response:
        """The response to a parsed viewer request."""
        dist = self.find_distribution(viewer.host)
        if dist is None:
            return self._error(
                403, "BadRequest", f"The request could not be satisfied: no distribution serves {viewer.host}."
            )
        config = dist.config
        if not config.get("Enabled"):
            return self._error(
                403, "BadRequest", f"The request could not be satisfied: distribution {dist.id} is disabled."
            )
        path = viewer.path
        if path == "/" and config.get("DefaultRootObject"):
            path = "/" + str(config["DefaultRootObject"]).lstrip("/")
        behaviour = select_cache_behaviour(config, viewer.path)

        policy = behaviour.get("ViewerProtocolPolicy", "allow-all")
        if viewer.scheme != "https" and policy == "https-only":
            return self._error(403, "HTTPSRequired", "This cache behaviour requires HTTPS (https-only).")
        if viewer.scheme != "https" and policy == "redirect-to-https" and viewer.method in SERVED_METHODS:
            location = f"https://{viewer.host}{viewer.raw_path}" + (f"?{viewer.raw_query}" if viewer.raw_query else "")
            body = b"<html><head><title>301 Moved Permanently</title></head><body>301 Moved Permanently</body></html>"
            headers = [("Location", location), ("Content-Type", "text/html"), ("X-Cache", "Redirect from cloudfront")]
            return Response(body, status=301, headers=headers)

        allowed = [str(method).upper() for method in items_of(behaviour.get("AllowedMethods"))] or list(SERVED_METHODS)
        if viewer.method not in allowed:
            return self._error(
                403,
                "MethodNotAllowed",
                "This distribution is not configured to allow the HTTP request method that was used for this "
                "request. The distribution supports only cachable requests.",
            )
        preflight = is_preflight(viewer)
        if viewer.method not in SERVED_METHODS and not preflight:
            return self._error(
                403,
                "NotImplemented",
                f"The cache behaviour allows {viewer.method}, but the local CloudFront edge forwards only GET and "
                "HEAD requests and CORS preflights (OPTIONS with Origin and Access-Control-Request-Method) to the "
                "origin.",
            )

        if self._restricts_viewers(behaviour):
            try:
                check_signed_request(viewer, self._trusted_keys(dist, behaviour), self.clock())
            except SignatureError as exc:
                return self._error(403, exc.code, exc.message)

        result = (
            self._preflight(dist, behaviour, path, viewer) if preflight else self._fetch(dist, behaviour, path, viewer)
        )
        if result is None:
            return self._error(
                502,
                "OriginNotEmulated",
                f"The local CloudFront edge serves S3 origins only; origin {behaviour.get('TargetOriginId')!r} of "
                f"distribution {dist.id} is not an S3 REST endpoint.",
            )
        if preflight:
            cache = "Miss from cloudfront" if result.status < 400 else "Error from cloudfront"
            response = Response(result.body, status=result.status, headers=[*result.headers, ("X-Cache", cache)])
        else:
            response = self._viewer_response(result, viewer)
        # "Add or remove HTTP headers in CloudFront responses with a policy": CloudFront modifies the headers of
        # the responses it serves from the cache and of those it forwards from the origin (any status). The answers
        # it makes itself above (unknown host, HTTPS required, method not allowed, signed URL/cookie errors) are
        # neither, and the guide does not say the policy applies to them: they go out without its headers.
        config = self._response_headers_policy(dist, behaviour)
        if config is not None:
            apply_response_headers_policy(config, viewer, response)
        return response

    def _response_headers_policy(self, dist: EdgeDistribution, behaviour: dict[str, Any]) -> dict[str, Any] | None:
        """The ``ResponseHeadersPolicyConfig`` of the behaviour's ``ResponseHeadersPolicyId`` (managed or the
        account's), or None."""
        policy_id = behaviour.get("ResponseHeadersPolicyId")
        if not policy_id:
            return None
        managed = MANAGED_RESPONSE_HEADERS_POLICIES.get(policy_id)
        if managed is not None:
            return managed.config
        with self.store.lock:
            policy = self.store.account(dist.account_id, dist.partition).response_headers_policies.get(policy_id)
            return dict(policy.config) if policy is not None else None

    def _forwarded_headers(self, dist: EdgeDistribution, behaviour: dict[str, Any]) -> frozenset[str]:
        """Lower-cased names of the viewer request headers CloudFront forwards to the origin (``*``: all): those in
        the cache policy's cache key, in a managed origin request policy, or in legacy ``ForwardedValues``."""
        names: set[str] = set()
        policy_id = behaviour.get("CachePolicyId")
        if policy_id:
            policy = MANAGED_CACHE_POLICIES.get(policy_id)
            if policy is None:
                with self.store.lock:
                    policy = self.store.account(dist.account_id, dist.partition).cache_policies.get(policy_id)
            parameters = (policy.config if policy else {}).get("ParametersInCacheKeyAndForwardedToOrigin") or {}
            headers_config = parameters.get("HeadersConfig") or {}
            if headers_config.get("HeaderBehavior") == "whitelist":
                names |= {str(h).lower() for h in items_of(headers_config.get("Headers"))}
        names |= MANAGED_ORIGIN_REQUEST_POLICY_HEADERS.get(str(behaviour.get("OriginRequestPolicyId") or ""), set())
        legacy = (behaviour.get("ForwardedValues") or {}).get("Headers")
        names |= {str(h).lower() for h in items_of(legacy)}
        return frozenset(names)

    def _preflight(
        self, dist: EdgeDistribution, behaviour: dict[str, Any], path: str, viewer: _Viewer
    ) -> OriginResponse | None:
        """Forward a CORS preflight to the behaviour's S3 origin with the CORS request headers the behaviour
        forwards (an S3 origin answers 400 without ``Origin``, 403 without a matching bucket CORS rule)."""
        chain, _ = self._origin_chain(dist.config, str(behaviour.get("TargetOriginId", "")))
        if not chain:
            return None
        origin = chain[0]
        match = _S3_REST_DOMAIN.match(str(origin.get("DomainName", "")).lower())
        if match is None:
            return None
        full_path = str(origin.get("OriginPath") or "") + path
        key = full_path[1:] if full_path.startswith("/") else full_path
        forwarded = self._forwarded_headers(dist, behaviour)
        headers = {
            name: value
            for name, value in viewer.headers.items()
            if name in ("origin", "access-control-request-method", "access-control-request-headers")
            and ("*" in forwarded or name in forwarded)
        }
        return self.s3_preflight(match.group("bucket"), key, headers)

    # ---- signatures -------------------------------------------------------------------------------

    @staticmethod
    def _restricts_viewers(behaviour: dict[str, Any]) -> bool:
        for member in ("TrustedKeyGroups", "TrustedSigners"):
            trusted = behaviour.get(member) or {}
            if trusted.get("Enabled") and (trusted.get("Quantity") or items_of(trusted)):
                return True
        return False

    def _trusted_keys(self, dist: EdgeDistribution, behaviour: dict[str, Any]) -> dict[str, str]:
        """Public key id -> PEM for the public keys of the behaviour's trusted key groups."""
        keys: dict[str, str] = {}
        trusted = behaviour.get("TrustedKeyGroups") or {}
        if not trusted.get("Enabled"):
            return keys
        with self.store.lock:
            state = self.store.account(dist.account_id, dist.partition)
            for group_id in items_of(trusted):
                group = state.key_groups.get(group_id)
                for key_id in (group.config.get("Items") or []) if group is not None else []:
                    public_key = state.public_keys.get(key_id)
                    if public_key is not None:
                        keys[key_id] = str(public_key.config.get("EncodedKey") or "")
        return keys

    # ---- origins ----------------------------------------------------------------------------------

    def _origin_chain(self, config: dict[str, Any], target: str) -> tuple[list[dict[str, Any]], set[int]]:
        """The origins to try for ``TargetOriginId`` (an origin, or an origin group's members in order)."""
        origins = {o.get("Id"): o for o in items_of(config.get("Origins")) if isinstance(o, dict)}
        if target in origins:
            return [origins[target]], set()
        for group in items_of(config.get("OriginGroups")):
            if isinstance(group, dict) and group.get("Id") == target:
                members = [origins.get(m.get("OriginId")) for m in items_of(group.get("Members"))]
                codes = {int(c) for c in items_of((group.get("FailoverCriteria") or {}).get("StatusCodes"))}
                return [m for m in members if m is not None], codes
        return [], set()

    def _fetch(
        self, dist: EdgeDistribution, behaviour: dict[str, Any], path: str, viewer: _Viewer
    ) -> OriginResponse | None:
        """Read the object from the behaviour's origin (failing over within an origin group)."""
        chain, failover_codes = self._origin_chain(dist.config, str(behaviour.get("TargetOriginId", "")))
        result: OriginResponse | None = None
        for origin in chain:
            match = _S3_REST_DOMAIN.match(str(origin.get("DomainName", "")).lower())
            if match is None:
                return None
            full_path = str(origin.get("OriginPath") or "") + path
            key = full_path[1:] if full_path.startswith("/") else full_path
            context = self._origin_context(dist, origin, viewer)
            result = self.s3_reader(match.group("bucket"), key, context)
            if result.status not in failover_codes:
                return result
        return result

    @staticmethod
    def _origin_context(dist: EdgeDistribution, origin: dict[str, Any], viewer: _Viewer) -> s3_policy.RequestContext:
        """Who CloudFront is towards this origin, and the condition keys S3 sees."""
        values: dict[str, Any] = {"aws:SecureTransport": "true" if viewer.scheme == "https" else "false"}
        identity = str((origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity") or "")
        if origin.get("OriginAccessControlId"):
            caller = s3_policy.Caller(account_id=dist.account_id, service=CLOUDFRONT_SERVICE)
            values["aws:SourceArn"] = dist.arn
            values["aws:SourceAccount"] = dist.account_id
        elif identity:
            oai = identity.rsplit("/", 1)[-1]
            caller = s3_policy.Caller(
                account_id="cloudfront", arn=f"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity {oai}"
            )
        else:
            caller = s3_policy.Caller(account_id=ANONYMOUS_ACCOUNT)
        return s3_policy.RequestContext(caller=caller, values=values)

    # ---- viewer response --------------------------------------------------------------------------

    def _viewer_response(self, result: OriginResponse, viewer: _Viewer) -> Response:
        """Turn the origin's answer into the viewer's: conditional requests, ranges, CloudFront headers."""
        if result.status != 200:
            headers = [*result.headers, ("X-Cache", "Error from cloudfront")]
            return Response(result.body, status=result.status, headers=headers)
        size = len(result.body)
        precondition = self._preconditions(result, viewer.headers)
        if precondition == 304:
            keep = {"etag", "last-modified", "cache-control", "expires", "server"}
            headers = [(k, v) for k, v in result.headers if k.lower() in keep] + [("X-Cache", "Miss from cloudfront")]
            return Response(b"", status=304, headers=headers)
        if precondition == 412:
            body = _xml_error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
            headers = [("Content-Type", "application/xml"), ("X-Cache", "Error from cloudfront")]
            return Response(body, status=412, headers=headers)
        span = self._range(viewer.headers.get("range"), size)
        headers = [*result.headers, ("X-Cache", "Miss from cloudfront")]
        if span == "unsatisfiable":
            body = _xml_error(
                "InvalidRange",
                "The requested range is not satisfiable",
                RangeRequested=viewer.headers.get("range", ""),
                ActualObjectSize=str(size),
            )
            error_headers = [
                ("Content-Type", "application/xml"),
                ("Content-Range", f"bytes */{size}"),
                ("X-Cache", "Error from cloudfront"),
            ]
            return Response(body, status=416, headers=error_headers)
        if isinstance(span, tuple):
            start, end = span
            headers.append(("Content-Range", f"bytes {start}-{end}/{size}"))
            return Response(result.body[start : end + 1], status=206, headers=headers)
        return Response(result.body, status=200, headers=headers)

    @staticmethod
    def _preconditions(result: OriginResponse, headers: dict[str, str]) -> int | None:
        """304 or 412 when a conditional header says so (RFC 9110 order), else None."""
        etag = result.etag or ""
        last_modified = result.last_modified

        def etag_in(value: str) -> bool:
            tags = [tag.strip().removeprefix("W/") for tag in value.split(",")]
            return "*" in tags or etag in tags

        if "if-match" in headers and not etag_in(headers["if-match"]):
            return 412
        if "if-match" not in headers and "if-unmodified-since" in headers and last_modified is not None:
            since = parse_date(headers["if-unmodified-since"])
            if since is not None and last_modified > since:
                return 412
        if "if-none-match" in headers:
            return 304 if etag_in(headers["if-none-match"]) else None
        if "if-modified-since" in headers and last_modified is not None:
            since = parse_date(headers["if-modified-since"])
            if since is not None and last_modified <= since:
                return 304
        return None

    @staticmethod
    def _range(header: str | None, size: int) -> tuple[int, int] | str | None:
        """``(first, last)`` byte positions, ``"unsatisfiable"``, or None to send the whole object."""
        if not header:
            return None
        match = _RANGE.match(header)
        if match is None:
            return None  # several ranges or bad syntax: ignored, as S3 does
        first, last = match.groups()
        if not first and not last:
            return None
        if not first:  # suffix: the last N bytes
            length = int(last)
            if length == 0 or size == 0:
                return "unsatisfiable"
            return max(0, size - length), size - 1
        start = int(first)
        end = int(last) if last else size - 1
        if last and end < start:
            return None
        if start >= size:
            return "unsatisfiable"
        return start, min(end, size - 1)


__all__ = [
    "CloudFrontEdgeExtension",
    "EdgeDistribution",
    "MotoS3Origin",
    "OriginResponse",
    "SignatureError",
    "canned_policy",
    "check_signed_request",
    "cloudfront_b64decode",
    "moto_distributions",
    "parse_custom_policy",
    "path_pattern_matches",
    "s3_error",
    "select_cache_behaviour",
    "verify_signature",
    "viewer_host",
]
