"""Authentication and authorization of every AWS API request, as AWS does them.

AWS answers an API request only when it is signed with Signature Version 4 by an access key IAM knows, and
only when the signer's policies allow the action on the resource. moto's server does neither unless its IAM
access-control mode is on (``INITIAL_NO_AUTH_ACTION_COUNT``), and measured in moto 5.2.5 that mode falls short:
it ignores the ``Resource`` of non-S3 actions and every ``Condition`` but a few trust-policy keys, treats a
statement whose condition fails as a deny, knows no resource policies other than moto's own bucket check, fails
on presigned URLs, and never sees the requests our own emulations answer (CloudFront, MediaConvert, POST
uploads). So the local AWS checks every request here, in front of moto and of every extension, and moto's mode
stays off.

Authentication (the SigV4 documentation, "Create a signed AWS API request" and "Authenticating Requests: Using
Query Parameters (AWS Signature Version 4)" in the S3 API reference):

* the ``Authorization`` header or the ``X-Amz-*`` query parameters of a presigned URL name the access key and
  the credential scope; the canonical request is rebuilt from the raw request and signed with the key's secret;
* the key must be an active IAM user key or the key of an unexpired STS session, with its session token;
* a presigned URL is refused once ``X-Amz-Date`` + ``X-Amz-Expires`` has passed ("Request has expired") and
  ``X-Amz-Expires`` may not exceed 7 days; a header-signed request more than 15 minutes off the server's clock
  is refused (``RequestTimeTooSkewed`` in S3, ``SignatureDoesNotMatch`` "Signature expired" elsewhere);
* an unsigned request is anonymous: S3 evaluates it as the anonymous principal, every other service answers
  ``MissingAuthenticationToken``.

Authorization (the IAM user guide, "Policy evaluation logic"): the identity-based policies of the user (inline,
attached, and those of its groups) or of the role behind a session (and the session policy), evaluated with
:func:`local_aws.s3_policy.evaluate`: an explicit deny wins, else an allow, else the implicit deny. For S3 the
bucket policy and Block Public Access take part (:func:`local_aws.s3_policy.bucket_allows`); for
``sts:AssumeRole`` the role's trust policy.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import threading
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import unquote

from local_aws import iam_actions
from local_aws import s3_policy

StartResponse = Callable[..., Any]

ALGORITHM = "AWS4-HMAC-SHA256"
#: SigV4: a header-signed request may be at most 15 minutes away from the server's clock.
MAX_SKEW = timedelta(minutes=15)
#: S3 presigned URLs: X-Amz-Expires is at most 604800 seconds (7 days).
MAX_PRESIGN_SECONDS = 604800
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
SIGV2_REFUSED = "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."

_CREDENTIAL = re.compile(r"^([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request$")

#: Counts of refused requests per rule since the server started (``GET /_local_aws/auth-stats``).
STATS: dict[str, int] = {}
_STATS_LOCK = threading.Lock()


def count(rule: str) -> None:
    """Record one request refused by ``rule``."""
    with _STATS_LOCK:
        STATS[rule] = STATS.get(rule, 0) + 1


class AuthError(Exception):
    """A request AWS refuses before the operation runs: an error code, an HTTP status and a message."""

    def __init__(self, status: int, code: str, message: str, rule: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.rule = rule


# --------------------------------------------------------------------------------------------------
# Credentials
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """What an access key ID stands for."""

    caller: s3_policy.Caller
    secret_access_key: str
    session_token: str | None = None
    expiration: datetime | None = None


def find_credentials(access_key_id: str) -> Credentials | None:
    """The identity and secret behind ``access_key_id``: an active IAM user key or an STS session's key."""
    from moto.iam.models import iam_backends  # noqa: PLC0415  (server process only)
    from moto.sts.models import sts_backends  # noqa: PLC0415

    for account_id, account in list(iam_backends.items()):
        backend = account["aws"]
        key = backend.access_keys.get(access_key_id)
        if key is None:
            continue
        if key.user_name is not None:
            user = backend.users.get(key.user_name)
            if user is None or key.status != "Active":
                return None
            caller = s3_policy.Caller(account_id=account_id, arn=user.arn, kind="user", name=user.name)
            return Credentials(caller, key.secret_access_key)
    for account in list(sts_backends.values()):
        for session in list(account["aws"].assumed_roles):
            if session.access_key_id != access_key_id:
                continue
            role_arn = session.role_arn
            role_account = role_arn.split(":")[4]
            role_name = role_arn.split("/")[-1]
            caller = s3_policy.Caller(
                account_id=role_account,
                arn=f"arn:aws:sts::{role_account}:assumed-role/{role_name}/{session.session_name}",
                kind="assumed-role",
                name=role_name,
                role_arn=role_arn,
                session_policy=session.policy or None,
            )
            expiration = session.expiration
            if expiration.tzinfo is None:
                expiration = expiration.replace(tzinfo=UTC)
            return Credentials(caller, session.secret_access_key, session.session_token, expiration)
    return None


def identity_policies(caller: s3_policy.Caller) -> list[Any]:
    """The identity-based policy documents of an IAM user (with its groups') or of a role (for its sessions)."""
    from moto.iam.models import iam_backends  # noqa: PLC0415  (server process only)

    if caller.kind not in ("user", "assumed-role") or caller.name is None:
        return []
    backend = iam_backends[caller.account_id]["aws"]
    documents: list[Any] = []

    def attached(policies: Iterable[Any]) -> None:
        for policy in policies:
            version = next((v for v in policy.versions if v.is_default), None)
            if version is not None:
                documents.append(version.document)

    if caller.kind == "user":
        user = backend.users.get(caller.name)
        if user is None:
            return []
        documents.extend(user.policies.values())
        attached(user.managed_policies.values())
        for group in backend.get_groups_for_user(caller.name):
            documents.extend(group.policies.values())
            attached(group.managed_policies.values())
    else:
        role = backend.roles.get(_role_id(backend, caller.name))
        if role is None:
            return []
        documents.extend(role.policies.values())
        attached(role.managed_policies.values())
    return documents


def _role_id(backend: Any, role_name: str) -> str | None:
    for role_id, role in backend.roles.items():
        if role.name == role_name:
            return role_id
    return None


def _decision_of(documents: Iterable[Any], action: str, resource: str, context: s3_policy.RequestContext) -> str:
    decision = s3_policy.Decision.NEUTRAL
    for document in documents:
        result = s3_policy.evaluate(document, action, resource, context)
        if result is s3_policy.Decision.DENY:
            return s3_policy.Decision.DENY
        if result is s3_policy.Decision.ALLOW:
            decision = s3_policy.Decision.ALLOW
    return decision


def identity_decision(action: str, resource: str, context: s3_policy.RequestContext) -> s3_policy.Decision:
    """What the caller's identity-based policies (and session policy) say about ``action`` on ``resource``."""
    caller = context.caller
    decision = _decision_of(identity_policies(caller), action, resource, context)
    session_policy = caller.session_policy
    if decision is s3_policy.Decision.ALLOW and session_policy:
        # A session policy limits the session to what both allow (IAM user guide, "Session policies").
        if _decision_of([session_policy], action, resource, context) is not s3_policy.Decision.ALLOW:
            return s3_policy.Decision.NEUTRAL
    return decision


def is_allowed(action: str, resources: Iterable[str], context: s3_policy.RequestContext) -> bool:
    """True if the caller's identity policies allow ``action`` on every one of ``resources``."""
    return all(identity_decision(action, r, context) is s3_policy.Decision.ALLOW for r in resources)


# --------------------------------------------------------------------------------------------------
# Signature Version 4
# --------------------------------------------------------------------------------------------------


@dataclass
class Signature:
    """The SigV4 elements of one request."""

    access_key_id: str
    date: str  # X-Amz-Date, e.g. 20261204T101500Z
    scope_date: str
    region: str
    service: str
    signed_headers: list[str]
    signature: str
    presigned: bool
    expires: int | None = None
    security_token: str | None = None
    query_pairs: list[tuple[str, str]] = field(default_factory=list)


def _raw_query_pairs(query: str) -> list[tuple[str, str]]:
    return [(unquote(k), unquote(v)) for k, v in parse_qsl(query, keep_blank_values=True)] if query else []


def _split_query(query: str) -> list[tuple[str, str]]:
    """Query pairs decoded once (``+`` stays ``+``, as AWS's SigV4 canonical form expects)."""
    pairs = []
    for item in query.split("&") if query else []:
        if not item:
            continue
        key, _, value = item.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


def parse_signature(environ: dict[str, Any]) -> Signature | None:
    """The request's SigV4 elements, None for an unsigned request.

    :raises AuthError: a malformed ``Authorization`` header or presigned query, or another signing algorithm.
    """
    header = str(environ.get("HTTP_AUTHORIZATION") or "")
    pairs = _split_query(str(environ.get("QUERY_STRING") or ""))
    query = dict(pairs)
    service_hint = "s3"
    if header.startswith("AWS ") or ("AWSAccessKeyId" in query and "Signature" in query):
        # Signature Version 2: S3 refuses it for buckets created after 24 June 2020 (the S3 API reference,
        # "Specifying the Signature Version in request authentication"), and so every bucket here.
        raise AuthError(400, "InvalidRequest", SIGV2_REFUSED, "signature-version-2")
    if header:
        if not header.startswith(ALGORITHM + " "):
            raise AuthError(
                400,
                "InvalidArgument" if _looks_s3(environ) else "IncompleteSignature",
                "Unsupported Authorization Type: only AWS4-HMAC-SHA256 is accepted",
                "malformed-signature",
            )
        parts = dict(item.strip().split("=", 1) for item in header[len(ALGORITHM) + 1 :].split(",") if "=" in item)
        credential = _CREDENTIAL.match(parts.get("Credential", ""))
        if credential is None or "SignedHeaders" not in parts or "Signature" not in parts:
            raise AuthError(
                400, "IncompleteSignature", "The Authorization header is incomplete.", "malformed-signature"
            )
        akid, scope_date, region, service = credential.groups()
        date = str(environ.get("HTTP_X_AMZ_DATE") or "")
        if not date:
            raise AuthError(
                403,
                "AccessDenied" if service == service_hint else "IncompleteSignature",
                "AWS authentication requires a valid Date or x-amz-date header",
                "malformed-signature",
            )
        return Signature(
            akid,
            date,
            scope_date,
            region,
            service,
            parts["SignedHeaders"].split(";"),
            parts["Signature"],
            False,
            security_token=environ.get("HTTP_X_AMZ_SECURITY_TOKEN"),
            query_pairs=pairs,
        )
    if "X-Amz-Signature" in query or "X-Amz-Credential" in query:
        if query.get("X-Amz-Algorithm") != ALGORITHM:
            raise AuthError(
                400,
                "AuthorizationQueryParametersError",
                'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
                "malformed-signature",
            )
        credential = _CREDENTIAL.match(query.get("X-Amz-Credential", ""))
        required = ("X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Expires")
        missing = [name for name in required if name not in query]
        if credential is None or missing:
            raise AuthError(
                400,
                "AuthorizationQueryParametersError",
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
                "malformed-signature",
            )
        try:
            expires = int(query["X-Amz-Expires"])
        except ValueError:
            expires = -1
        if not 0 <= expires <= MAX_PRESIGN_SECONDS:
            raise AuthError(
                400,
                "AuthorizationQueryParametersError",
                "X-Amz-Expires must be less than a week (in seconds) that is 604800",
                "presign-expires-range",
            )
        akid, scope_date, region, service = credential.groups()
        return Signature(
            akid,
            query["X-Amz-Date"],
            scope_date,
            region,
            service,
            query["X-Amz-SignedHeaders"].split(";"),
            query["X-Amz-Signature"],
            True,
            expires,
            query.get("X-Amz-Security-Token"),
            pairs,
        )
    return None


def _looks_s3(environ: dict[str, Any]) -> bool:
    return iam_actions.guess_unsigned_service(environ) == "s3"


def _canonical_uri(raw_path: str, service: str) -> str:
    if service == "s3":
        return raw_path or "/"
    # Every other service: the path is normalised and URI-encoded once more (the SigV4 documentation).
    segments: list[str] = []
    for segment in (raw_path or "/").split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in (".", ""):
            segments.append(segment)
    path = "/" + "/".join(segments)
    if raw_path.endswith("/") and path != "/":
        path += "/"
    return quote(path, safe="/~")


def _header_values(environ: dict[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = str(value)
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value not in (None, ""):
            headers[key.replace("_", "-").lower()] = str(value)
    return headers


def canonical_request(environ: dict[str, Any], body: bytes, sig: Signature) -> str:
    """The SigV4 canonical request of this WSGI request."""
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    raw_uri = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO") or "/")
    raw_path = raw_uri.split("?", 1)[0]
    if raw_path.startswith(("http://", "https://")):
        raw_path = "/" + raw_path.split("/", 3)[3] if raw_path.count("/") >= 3 else "/"
    pairs = [(k, v) for k, v in sig.query_pairs if not (sig.presigned and k == "X-Amz-Signature")]
    query = "&".join(f"{k}={v}" for k, v in sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in pairs))
    headers = _header_values(environ)
    canonical_headers = "".join(f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in sig.signed_headers)
    if sig.presigned:
        payload = UNSIGNED_PAYLOAD if sig.service == "s3" else hashlib.sha256(body).hexdigest()
    else:
        payload = headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    return "\n".join(
        [
            method,
            _canonical_uri(raw_path, sig.service),
            query,
            canonical_headers,
            ";".join(sig.signed_headers),
            payload,
        ]
    )


def signature_of(secret: str, sig: Signature, canonical: str) -> str:
    """The hex SigV4 signature of ``canonical`` for the request's scope."""
    scope = f"{sig.scope_date}/{sig.region}/{sig.service}/aws4_request"
    string_to_sign = "\n".join([ALGORITHM, sig.date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (sig.scope_date, sig.region, sig.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _parse_amz_date(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def authenticate(environ: dict[str, Any], body: bytes, sig: Signature, now: datetime | None = None) -> Credentials:
    """Verify a signed request; return the signer's credentials.

    :raises AuthError: unknown key, bad token, wrong signature, expired presigned URL or clock skew.
    """
    s3 = sig.service == "s3"
    now = now or datetime.now(UTC)
    credentials = find_credentials(sig.access_key_id)
    if credentials is None:
        if s3:
            raise AuthError(
                403,
                "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.",
                "unknown-access-key",
            )
        raise AuthError(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            "unknown-access-key",
        )
    if credentials.session_token is not None:
        if sig.security_token != credentials.session_token:
            raise AuthError(
                400 if s3 else 403,
                "InvalidToken",
                "The provided token is malformed or otherwise invalid.",
                "bad-session-token",
            )
        if credentials.expiration is not None and now >= credentials.expiration:
            raise AuthError(
                400 if s3 else 403, "ExpiredToken", "The provided token has expired.", "expired-session-token"
            )
    elif sig.security_token:
        raise AuthError(
            400 if s3 else 403,
            "InvalidToken",
            "The provided token is malformed or otherwise invalid.",
            "bad-session-token",
        )
    signed_at = _parse_amz_date(sig.date)
    if signed_at is None or sig.date[:8] != sig.scope_date:
        raise AuthError(
            403,
            "SignatureDoesNotMatch" if not s3 else "AccessDenied",
            "X-Amz-Date does not match the credential scope's date.",
            "bad-date",
        )
    if sig.presigned:
        if now > signed_at + timedelta(seconds=sig.expires or 0):
            raise AuthError(403, "AccessDenied", "Request has expired", "presigned-url-expired")
        if signed_at - now > MAX_SKEW:
            raise AuthError(403, "AccessDenied", "Request is not valid yet", "presigned-url-not-yet-valid")
    elif abs(now - signed_at) > MAX_SKEW:
        if s3:
            raise AuthError(
                403,
                "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large.",
                "clock-skew",
            )
        raise AuthError(
            403,
            "SignatureDoesNotMatch",
            f"Signature expired: {sig.date} is now earlier than {(now - MAX_SKEW).strftime('%Y%m%dT%H%M%SZ')}",
            "clock-skew",
        )
    if "host" not in sig.signed_headers:
        raise AuthError(
            403,
            "SignatureDoesNotMatch" if not s3 else "AccessDenied",
            "The host header must be signed.",
            "unsigned-host",
        )
    expected = signature_of(credentials.secret_access_key, sig, canonical_request(environ, body, sig))
    if not hmac.compare_digest(expected, sig.signature):
        message = (
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method."
            if s3
            else "The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details."
        )
        raise AuthError(403, "SignatureDoesNotMatch", message, "signature-mismatch")
    if s3 and not sig.presigned:
        declared = _header_values(environ).get("x-amz-content-sha256", "")
        if re.fullmatch(r"[0-9a-f]{64}", declared) and declared != hashlib.sha256(body).hexdigest():
            raise AuthError(
                400,
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                "payload-hash",
            )
    return credentials


# --------------------------------------------------------------------------------------------------
# The request context and the WSGI gate
# --------------------------------------------------------------------------------------------------


def read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body once and put it back as a fresh stream for whoever answers."""
    cached = environ.get("local_aws.body")
    if cached is not None:
        return cached
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    stream = environ.get("wsgi.input")
    if stream is None:
        body = b""
    elif length >= 0:
        body = stream.read(length) if length > 0 else b""
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()  # chunked transfer encoding: the server ends the stream
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["local_aws.body"] = body
    return body


def error_response(
    start_response: StartResponse, error: AuthError, protocol: str, request_id: str = "LOCALAWSAUTH0000"
) -> list[bytes]:
    """Render ``error`` in the wire format of the service's protocol."""
    headers = [("x-amzn-RequestId", request_id)]
    if protocol in ("json", "rest-json"):
        payload = {"message": error.message}
        if protocol == "json":
            payload["__type"] = error.code
        body = json.dumps(payload).encode()
        headers += [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", error.code)]
    elif protocol == "s3":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{error.code}</Code><Message>{_xml(error.message)}</Message>"
            f"<RequestId>{request_id}</RequestId><HostId>local-aws</HostId></Error>"
        ).encode()
        headers += [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
    else:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{error.code}</Code>"
            f"<Message>{_xml(error.message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        headers += [("Content-Type", "text/xml")]
    headers.append(("Content-Length", str(len(body))))
    start_response(f"{error.status} {_REASONS.get(error.status, 'Error')}", headers)
    return [body]


_REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found"}


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def request_values(environ: dict[str, Any], caller: s3_policy.Caller, region: str | None) -> dict[str, Any]:
    """The global condition keys of a request (IAM user guide, "AWS global condition context keys")."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "aws:SecureTransport": "true" if environ.get("wsgi.url_scheme") == "https" else "false",
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
    }
    if environ.get("REMOTE_ADDR"):
        values["aws:SourceIp"] = environ["REMOTE_ADDR"]
    if region:
        values["aws:RequestedRegion"] = region
    if caller.kind in ("user", "assumed-role"):
        values["aws:PrincipalArn"] = caller.role_arn if caller.kind == "assumed-role" else caller.arn
        values["aws:PrincipalAccount"] = caller.account_id
        values["aws:PrincipalType"] = "AssumedRole" if caller.kind == "assumed-role" else "User"
        if caller.kind == "user":
            values["aws:username"] = caller.name
    return values


class Gate:
    """Authenticates and authorizes one API request before moto or an extension answers it."""

    def check(self, environ: dict[str, Any]) -> AuthError | None:
        """Return the error AWS would answer, or None (the caller is then in :func:`s3_policy.current_context`)."""
        try:
            self._check(environ)
        except AuthError as error:
            count(error.rule)
            environ["local_aws.auth_protocol"] = iam_actions.protocol_of(
                environ.get("local_aws.service") or iam_actions.guess_unsigned_service(environ) or "s3"
            )
            return error
        return None

    def _check(self, environ: dict[str, Any]) -> None:
        body = read_body(environ)
        sig = parse_signature(environ)
        if sig is None:
            service = iam_actions.guess_unsigned_service(environ)
            environ["local_aws.service"] = service
            if service != "s3":
                raise AuthError(
                    403, "MissingAuthenticationToken", "Request is missing Authentication Token", "unsigned-request"
                )
            caller = s3_policy.Caller(account_id=s3_policy.ANONYMOUS_ACCOUNT, kind="anonymous")
            region = None
        else:
            environ["local_aws.service"] = sig.service
            credentials = authenticate(environ, body, sig)
            caller = credentials.caller
            region = sig.region
        context = s3_policy.RequestContext(caller=caller, values=request_values(environ, caller, region))
        s3_policy.set_context(context)
        service = environ["local_aws.service"]
        if service == "s3" and environ.get("REQUEST_METHOD") == "OPTIONS":
            return  # CORS preflights are anonymous and answered from the bucket's CORS rules
        operation = iam_actions.resolve(service, environ, body, region or "us-east-1", caller.account_id)
        if operation is None:
            return  # an operation the model does not know: the service answers it (moto's 404/400)
        environ["local_aws.operation"] = operation
        if service == "s3":
            self._authorize_s3(operation, context)
        else:
            self._authorize(operation, context)

    @staticmethod
    def _authorize(operation: iam_actions.Operation, context: s3_policy.RequestContext) -> None:
        caller = context.caller
        if operation.action in iam_actions.ALWAYS_ALLOWED:
            return
        for action, resource, extra in operation.checks():
            values = {**context.values, **extra}
            check_context = s3_policy.RequestContext(caller=caller, values=values)
            if action == "sts:AssumeRole":
                if not iam_actions.assume_role_allowed(resource, check_context):
                    raise _denied(operation, caller, action, resource)
                continue
            if identity_decision(action, resource, check_context) is not s3_policy.Decision.ALLOW:
                raise _denied(operation, caller, action, resource)

    @staticmethod
    def _authorize_s3(operation: iam_actions.Operation, context: s3_policy.RequestContext) -> None:
        for action, resource, extra in operation.checks():
            check_context = s3_policy.RequestContext(caller=context.caller, values={**context.values, **extra})
            bucket = iam_actions.bucket_of_resource(resource)
            if bucket is None:
                # No bucket (ListBuckets, or a bucket that does not exist: S3 then answers NoSuchBucket to a
                # caller whose own policies allow the action on it).
                allowed = identity_decision(action, resource, check_context) is s3_policy.Decision.ALLOW
            else:
                allowed = s3_policy.bucket_allows(bucket, action, resource, check_context)
            if not allowed:
                raise _denied(operation, context.caller, action, resource)
        if operation.name == "PutBucketPolicy":
            iam_actions.check_block_public_policy(operation)
        iam_actions.check_block_public_acls(operation)


def _denied(operation: iam_actions.Operation, caller: s3_policy.Caller, action: str, resource: str) -> AuthError:
    protocol = iam_actions.protocol_of(operation.service)
    if operation.service == "s3":
        return AuthError(403, "AccessDenied", "Access Denied", "access-denied")
    who = caller.arn or "anonymous"
    message = (
        f"User: {who} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )
    if protocol == "json":
        return AuthError(400, "AccessDeniedException", message, "access-denied")
    if operation.service == "mediaconvert":
        return AuthError(403, "ForbiddenException", message, "access-denied")
    return AuthError(403, "AccessDenied", message, "access-denied")


__all__ = [
    "STATS",
    "AuthError",
    "Credentials",
    "Gate",
    "authenticate",
    "canonical_request",
    "error_response",
    "find_credentials",
    "identity_decision",
    "identity_policies",
    "is_allowed",
    "parse_signature",
    "read_body",
    "signature_of",
]
