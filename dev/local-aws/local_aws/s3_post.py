"""S3 browser-based uploads (``POST`` Object with a POST policy), checked the way S3 checks them.

What moto 5.2.5 does (measured through the HTTPS server; see ``tests/local_aws/test_s3_post_policy.py``)
====================================================================================================
moto stores whatever a multipart ``POST`` to a bucket carries and answers the form's
``success_action_status`` with an empty body: a file larger than the policy's ``content-length-range``, a
policy whose ``expiration`` has passed, a ``key`` outside the signed ``starts-with`` prefix, a wrong
``x-amz-signature``, form fields the policy does not mention, and a bucket policy that denies
``s3:PutObject`` are all accepted. Its answer has neither ``ETag`` nor ``Location``, and a ``201`` has no
``PostResponse`` document.

What this extension does
========================
:class:`S3PostPolicyExtension` checks a POST-policy upload as the S3 API reference describes it
("Authenticating Requests in Browser-Based Uploads Using POST (AWS Signature Version 4)", "POST Policy"):

* the form: a ``key`` field and one file, which must be the last part (parts after it are ignored, as S3
  ignores them); ``${filename}`` is expanded in every field before the policy is checked;
* the signature: SigV4 (``x-amz-algorithm`` ``AWS4-HMAC-SHA256``; ``x-amz-signature`` is the hex HMAC-SHA256,
  with the signing key of the ``x-amz-credential`` scope, of the ``policy`` field as sent), or the legacy
  SigV2 form (``AWSAccessKeyId``, ``signature`` = base64 HMAC-SHA1 of the policy) that botocore still produces
  by default. The secret key is looked up by access key ID among the active keys of IAM users and STS
  sessions (:func:`local_aws.iam_auth.find_credentials`; a session's form must carry its
  ``x-amz-security-token``). An unknown key ID is ``403 InvalidAccessKeyId``, a wrong signature
  ``403 SignatureDoesNotMatch``; the signer's own IAM policies must allow ``s3:PutObject`` on the key (a POST
  upload runs with the permissions of whoever signed the policy); a form with no policy is anonymous and needs
  a bucket policy that grants everyone ``s3:PutObject``;
* the policy: ``expiration`` in the future (else ``403 AccessDenied`` "Policy expired."); every condition
  holds (exact ``{"field": "value"}``, ``["eq", "$field", v]``, ``["starts-with", "$field", prefix]``, where an
  empty prefix accepts anything and a ``Content-Type`` with commas must have every value start with the
  prefix; ``bucket`` conditions are checked against the bucket of the URL; ``content-length-range``
  against the size of the file, ``400 EntityTooLarge`` / ``EntityTooSmall``), and every form field but
  ``x-amz-signature``, ``file``, ``policy``, ``x-ignore-*`` (and ``AWSAccessKeyId``/``signature`` of SigV2) is
  named by a condition (else ``403 AccessDenied`` "Extra input fields: ..."). Field names compare
  case-insensitively, values exactly;
* the bucket policy: ``s3:PutObject`` on the object, evaluated by :mod:`local_aws.s3_policy` with the
  request's context (``aws:SecureTransport``, ``aws:SourceIp``) and the access key's owner as the caller
  (moto does not evaluate bucket policies for a POST); a refusal is ``403 AccessDenied``.

Errors are S3's XML ``<Error>`` documents. When every check passes, moto stores the object from a fresh
multipart body (the fields before the file, ``${filename}`` expanded, then the file), and the answer is
made as S3 makes it: ``success_action_status`` ``200``, ``201`` (with a ``PostResponse`` document) or
``204`` (the default, and what any other value means), with ``ETag`` and ``Location`` headers. A
``success_action_redirect`` answer is moto's.

What it claims
==============
``matches`` sees only the environ, so it claims a ``POST`` without query string and without an
``Authorization`` header, with ``Content-Type: multipart/form-data``, to a path-style bucket path
(``/<bucket>`` or ``/<bucket>/``) on a host that moto addresses path-style (an IP address, ``localhost``, a
name without dots). An SDK never sends such a request: every S3 API call is signed in a header or in the
query string. A claimed form without a ``policy`` field (an anonymous upload) is handed to moto with its
body untouched, so only POST-policy uploads are checked. Virtual-hosted POSTs (``<bucket>.<host>``) are not
claimed.

Not checked: the region and service of the credential scope against the bucket, ``x-amz-date`` against the
scope's date, ``x-amz-security-token``, ACL and checksum fields beyond the policy conditions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import ipaddress
import json
import re
import secrets
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data
from werkzeug.sansio.multipart import Epilogue
from werkzeug.sansio.multipart import Field
from werkzeug.sansio.multipart import File
from werkzeug.sansio.multipart import MultipartDecoder
from werkzeug.sansio.multipart import NeedData

from local_aws import s3_cors
from local_aws import s3_policy

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


SIGV4_ALGORITHM = "AWS4-HMAC-SHA256"
#: Form fields of a SigV4 POST (all required once one is there) and of a SigV2 POST.
SIGV4_FIELDS = ("x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature")
SIGV2_FIELDS = ("awsaccesskeyid", "signature")
#: Fields no condition needs to name (besides ``x-ignore-*``).
EXEMPT_V4 = frozenset({"x-amz-signature", "file", "policy"})
SUCCESS_STATUSES = ("200", "201", "204")

_BUCKET_PATH = re.compile(r"^/([a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])/?$")
_HOST_PORT = re.compile(r"^(\[[^\]]+\]|[^:]+)(:\d+)?$")
_CREDENTIAL = re.compile(r"^([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request$")
_HOST_ID = "bG9jYWwtYXdzIHMzIHBvc3QgcG9saWN5IGV4dGVuc2lvbg=="


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------


class S3Error(Exception):
    """An S3 error answer: HTTP status, code, message and the extra elements S3 puts in the document."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        """Describe the error."""
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def document(self, request_id: str) -> bytes:
        """The XML error document."""
        parts = [f"<Code>{escape(self.code)}</Code>", f"<Message>{escape(self.message)}</Message>"]
        parts += [f"<{name}>{escape(str(value))}</{name}>" for name, value in self.extra.items()]
        parts += [f"<RequestId>{request_id}</RequestId>", f"<HostId>{_HOST_ID}</HostId>"]
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<Error>' + "".join(parts) + "</Error>").encode()


def access_denied(message: str = "Access Denied") -> S3Error:
    """``403 AccessDenied``."""
    return S3Error(403, "AccessDenied", message)


def policy_denied(reason: str) -> S3Error:
    """``403 AccessDenied`` "Invalid according to Policy: ..."."""
    return access_denied(f"Invalid according to Policy: {reason}")


def invalid_policy(reason: str) -> S3Error:
    """``400 InvalidPolicyDocument`` "Invalid Policy: ..."."""
    return S3Error(400, "InvalidPolicyDocument", f"Invalid Policy: {reason}")


def missing_field(name: str) -> S3Error:
    """``400 InvalidArgument`` for a required form field that is not there."""
    return S3Error(
        400,
        "InvalidArgument",
        f"Bucket POST must contain a field named '{name}'.  If it is specified, please check the order of the fields.",
        ArgumentName=name,
        ArgumentValue="",
    )


# --------------------------------------------------------------------------------------------------
# The form
# --------------------------------------------------------------------------------------------------


@dataclass
class UploadedFile:
    """The ``file`` part of the form."""

    filename: str
    content_type: str | None
    data: bytes


@dataclass
class PostForm:
    """The parts of a multipart form up to the file (later parts are ignored, as S3 ignores them)."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    file: UploadedFile | None = None

    def get(self, name: str) -> str | None:
        """The first value of the field ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.fields if key.lower() == wanted), None)

    def lowered(self) -> dict[str, str]:
        """Field values by lowercased name (the first of duplicated names wins)."""
        values: dict[str, str] = {}
        for key, value in self.fields:
            values.setdefault(key.lower(), value)
        return values


def boundary_of(content_type: str) -> bytes | None:
    """The multipart boundary of a ``Content-Type`` header, or None."""
    mimetype, options = parse_options_header(content_type)
    if mimetype.lower() != "multipart/form-data" or not options.get("boundary"):
        return None
    return options["boundary"].encode("latin-1")


def parse_form(body: bytes, boundary: bytes) -> PostForm:
    """Decode the parts of a multipart body, in order, up to and including the ``file`` part.

    :raises S3Error: ``400 MalformedPOSTRequest`` when the body is not multipart/form-data.
    """
    decoder = MultipartDecoder(boundary)
    decoder.receive_data(body)
    decoder.receive_data(None)
    form = PostForm()
    current: Field | File | None = None
    chunks: list[bytes] = []
    try:
        while True:
            event = decoder.next_event()
            if isinstance(event, (Epilogue, NeedData)):
                break
            if isinstance(event, (Field, File)):
                current, chunks = event, []
            elif isinstance(event, Data) and current is not None:
                chunks.append(event.data)
                if event.more_data:
                    continue
                data = b"".join(chunks)
                name = current.name or ""
                if name == "file":
                    form.file = UploadedFile(
                        filename=getattr(current, "filename", "") or "",
                        content_type=current.headers.get("content-type"),
                        data=data,
                    )
                    return form
                form.fields.append((name, data.decode("utf-8", errors="replace")))
                current = None
    except ValueError as e:
        raise S3Error(
            400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data."
        ) from e
    return form


def expand_filename(form: PostForm) -> PostForm:
    """Replace ``${filename}`` in every field with the file's name (the text after the last / or \\)."""
    if form.file is None:
        return form
    name = re.split(r"[/\\]", form.file.filename)[-1]
    return PostForm([(key, value.replace("${filename}", name)) for key, value in form.fields], form.file)


def _quoted(text: str) -> str:
    """A name for a Content-Disposition parameter, escaped the way browsers escape it."""
    return text.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")


def encode_form(form: PostForm) -> tuple[bytes, str]:
    """A multipart/form-data body of the fields, then the file; returns ``(body, content type)``."""
    boundary = "local-aws-" + secrets.token_hex(16)
    out = io.BytesIO()
    for name, value in form.fields:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"\r\n\r\n'.encode())
        out.write(value.encode("utf-8") + b"\r\n")
    assert form.file is not None
    disposition = f'form-data; name="file"; filename="{_quoted(form.file.filename)}"'
    content_type = form.file.content_type or "application/octet-stream"
    out.write(f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {content_type}\r\n\r\n".encode())
    out.write(form.file.data + f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


# --------------------------------------------------------------------------------------------------
# Credentials and signatures
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    """Who signed the policy: the access key, its secret and the IAM identity that owns it."""

    access_key_id: str
    secret_access_key: str
    caller: s3_policy.Caller


def find_signer(access_key_id: str, security_token: str | None = None) -> Signer | None:
    """The secret and owner of ``access_key_id`` (an IAM user's or an STS session's active key), or None."""
    from local_aws import iam_auth  # noqa: PLC0415  (server process only)

    credentials = iam_auth.find_credentials(access_key_id)
    if credentials is None:
        return None
    if credentials.session_token is not None and security_token != credentials.session_token:
        return None
    return Signer(access_key_id, credentials.secret_access_key, credentials.caller)


def sigv4_signature(secret_access_key: str, date: str, region: str, service: str, policy: str) -> str:
    """Hex HMAC-SHA256 of the base64 policy with the SigV4 signing key of the scope."""
    key = ("AWS4" + secret_access_key).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, policy.encode(), hashlib.sha256).hexdigest()


def verify_signature(values: dict[str, str], policy: str) -> tuple[Signer, frozenset[str]]:
    """Check the signature of the policy; return the signer and the fields exempt from conditions.

    :raises S3Error: a missing or malformed signature field, an unknown key or a wrong signature.
    """
    if any(name in values for name in SIGV4_FIELDS):
        for name in SIGV4_FIELDS:
            if name not in values:
                raise missing_field("-".join(part.capitalize() for part in name.split("-")))
        if values["x-amz-algorithm"] != SIGV4_ALGORITHM:
            raise S3Error(
                400,
                "InvalidArgument",
                f'X-Amz-Algorithm only supports "{SIGV4_ALGORITHM}"',
                ArgumentName="X-Amz-Algorithm",
                ArgumentValue=values["x-amz-algorithm"],
            )
        match = _CREDENTIAL.match(values["x-amz-credential"])
        if match is None:
            raise S3Error(
                400,
                "InvalidArgument",
                "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "
                '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
                ArgumentName="X-Amz-Credential",
                ArgumentValue=values["x-amz-credential"],
            )
        access_key_id, date, region, service = match.groups()
        signer = _signer_or_error(access_key_id, values.get("x-amz-security-token"))
        expected = sigv4_signature(signer.secret_access_key, date, region, service, policy)
        provided = values["x-amz-signature"]
        exempt = EXEMPT_V4
    elif any(name in values for name in SIGV2_FIELDS):
        # Signature Version 2 is refused for buckets created after 24 June 2020 (the S3 API reference,
        # "Specifying the Signature Version in request authentication"): every bucket of the local AWS.
        raise S3Error(
            400,
            "InvalidRequest",
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
        )
    else:
        raise access_denied()
    if not hmac.compare_digest(expected.encode(), provided.encode()):
        raise S3Error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.",
            AWSAccessKeyId=signer.access_key_id,
            StringToSign=policy,
            SignatureProvided=provided,
        )
    return signer, exempt


def _signer_or_error(access_key_id: str, security_token: str | None = None) -> Signer:
    signer = find_signer(access_key_id, security_token)
    if signer is None:
        raise S3Error(
            403,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            AWSAccessKeyId=access_key_id,
        )
    return signer


# --------------------------------------------------------------------------------------------------
# The policy
# --------------------------------------------------------------------------------------------------


def decode_policy(policy: str) -> dict[str, Any]:
    """The policy document of the base64 ``policy`` field.

    :raises S3Error: ``400 InvalidPolicyDocument`` when it is not base64 of a JSON object.
    """
    try:
        document = json.loads(base64.b64decode(policy, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise invalid_policy("Invalid JSON.") from e
    if not isinstance(document, dict):
        raise invalid_policy("Invalid JSON.")
    return document


def parse_expiration(value: Any) -> datetime:
    """The ``expiration`` of a policy (ISO 8601 in UTC, with or without fractions of a second)."""
    if isinstance(value, str):
        for pattern in ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"):
            try:
                return datetime.strptime(value, pattern).replace(tzinfo=UTC)
            except ValueError:
                continue
    raise invalid_policy(f"Invalid 'expiration' value: '{value}'")


def _field_name(reference: Any) -> str:
    """The lowercased field name of a ``$name`` reference in a condition."""
    if not isinstance(reference, str) or not reference.startswith("$") or len(reference) < 2:
        raise invalid_policy(f"Invalid Condition: field reference {json.dumps(reference)} must start with $.")
    return reference[1:].lower()


def _starts_with(name: str, value: str, prefix: str) -> bool:
    if name == "content-type" and "," in value:
        return all(part.strip().startswith(prefix) for part in value.split(","))
    return value.startswith(prefix)


def check_condition(condition: Any, values: dict[str, str], bucket: str, size: int) -> str | None:
    """Check one condition; return the lowercased field name it covers (None for ``content-length-range``).

    :raises S3Error: when the condition is malformed or does not hold.
    """
    failed = policy_denied(f"Policy Condition failed: {json.dumps(condition)}")
    if isinstance(condition, dict):
        if len(condition) != 1:
            raise invalid_policy(
                "Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
            )
        ((key, wanted),) = condition.items()
        name = str(key).lower()
        have = bucket if name == "bucket" else values.get(name)
        if have != wanted:
            raise failed
        return name
    if not isinstance(condition, list) or not condition:
        raise invalid_policy(f"Invalid Condition: {json.dumps(condition)}")
    operation = str(condition[0]).lower()
    if operation == "content-length-range":
        try:
            low, high = (int(bound) for bound in condition[1:])
        except (TypeError, ValueError) as e:
            raise invalid_policy("Invalid content-length-range: expecting two integers.") from e
        if size < low:
            raise S3Error(
                400,
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size",
                ProposedSize=size,
                MinSizeAllowed=low,
            )
        if size > high:
            raise S3Error(
                400,
                "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed size",
                ProposedSize=size,
                MaxSizeAllowed=high,
            )
        return None
    if operation not in ("eq", "starts-with") or len(condition) != 3:
        raise invalid_policy(f"Invalid Condition: {json.dumps(condition)}")
    name = _field_name(condition[1])
    wanted = str(condition[2])
    have = bucket if name == "bucket" else values.get(name)
    if operation == "eq":
        holds = have == wanted
    else:
        holds = wanted == "" or (have is not None and _starts_with(name, have, wanted))
    if not holds:
        raise failed
    return name


def check_policy(document: dict[str, Any], form: PostForm, bucket: str, exempt: frozenset[str], now: datetime) -> None:
    """Check expiration, conditions and that every field is covered by a condition.

    :raises S3Error: the first check that fails.
    """
    if "expiration" not in document:
        raise invalid_policy("Policy missing expiration.")
    if parse_expiration(document["expiration"]) <= now:
        raise policy_denied("Policy expired.")
    conditions = document.get("conditions")
    if not isinstance(conditions, list):
        raise invalid_policy("Policy missing conditions.")
    values = form.lowered()
    size = len(form.file.data) if form.file is not None else 0
    covered = {name for condition in conditions if (name := check_condition(condition, values, bucket, size))}
    extra = []
    for name, _value in form.fields:
        lowered = name.lower()
        if lowered in exempt or lowered in covered or lowered.startswith("x-ignore-") or name in extra:
            continue
        extra.append(name)
    if extra:
        raise policy_denied(f"Extra input fields: {', '.join(extra)}")


# --------------------------------------------------------------------------------------------------
# The extension
# --------------------------------------------------------------------------------------------------


def _path_style_host(host: str) -> bool:
    """True for a Host that moto addresses path-style: an IP address, ``localhost``, a name without dots."""
    match = _HOST_PORT.match(host)
    if host == "" or match is None:
        return host == ""
    name = match.group(1).strip("[]")
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return name == "localhost" or "." not in name
    return True


def _bucket_of(name: str) -> Any:
    """moto's bucket called ``name``, or None."""
    return s3_policy.moto_bucket(name)


class _Captured:
    """start_response that records moto's status and headers."""

    def __init__(self) -> None:
        self.status = "500 Internal Server Error"
        self.headers: list[tuple[str, str]] = []

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        self.status, self.headers = status, list(headers)
        return lambda _data: None

    @property
    def code(self) -> int:
        return int(self.status.split(" ", 1)[0])


class S3PostPolicyExtension:
    """Checks S3 POST-policy uploads before moto stores them; see the module docstring."""

    name = "s3-post-policy"
    #: Browser uploads carry no Authorization header: the POST policy's signature is checked here instead.
    aws_api = False

    def __init__(self) -> None:
        """Unbound: :class:`~local_aws.server.LocalAWSApp` hands over moto through :meth:`bind_fallback`."""
        self.fallback: WSGIApp | None = None

    def bind_fallback(self, app: WSGIApp) -> None:
        """Remember the application (moto) that stores an upload once its checks have passed."""
        self.fallback = app

    def matches(self, environ: dict[str, Any]) -> bool:
        """Claim an unsigned multipart ``POST`` to a path-style bucket path (body not read)."""
        return (
            environ.get("REQUEST_METHOD") == "POST"
            and not environ.get("QUERY_STRING")
            and not environ.get("HTTP_AUTHORIZATION")
            and str(environ.get("CONTENT_TYPE", "")).lower().startswith("multipart/form-data")
            and _BUCKET_PATH.match(str(environ.get("PATH_INFO", ""))) is not None
            and _path_style_host(str(environ.get("HTTP_HOST", "")))
        )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Check the upload; answer an S3 error, or let moto store it and answer as S3 does."""
        request_id = secrets.token_hex(8).upper()
        start_response = s3_cors.cors_start_response(
            environ, str(environ.get("PATH_INFO", "")).strip("/"), start_response
        )
        try:
            return self._handle(environ, start_response, request_id)
        except S3Error as error:
            body = error.document(request_id)
            start_response(
                f"{error.status} {_REASONS.get(error.status, 'Error')}",
                [
                    ("Content-Type", "application/xml"),
                    ("Content-Length", str(len(body))),
                    ("x-amz-request-id", request_id),
                    ("x-amz-id-2", _HOST_ID),
                ],
            )
            return [body]

    def _handle(self, environ: dict[str, Any], start_response: StartResponse, request_id: str) -> Iterable[bytes]:
        if self.fallback is None:
            raise RuntimeError("S3PostPolicyExtension is not bound to moto (LocalAWSApp calls bind_fallback)")
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            raise S3Error(411, "MissingContentLength", "You must provide the Content-Length HTTP header.") from None
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        boundary = boundary_of(str(environ.get("CONTENT_TYPE", "")))
        if boundary is None:
            raise S3Error(
                400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data."
            )
        raw_form = parse_form(body, boundary)
        policy = raw_form.get("policy")
        if policy is None:
            # No policy, no signature: an anonymous upload, which only a bucket policy granting everyone
            # s3:PutObject allows. moto then answers it from the untouched body.
            bucket_name = _BUCKET_PATH.match(str(environ["PATH_INFO"])).group(1)  # type: ignore[union-attr]
            bucket = _bucket_of(bucket_name)
            if bucket is None:
                raise S3Error(404, "NoSuchBucket", "The specified bucket does not exist", BucketName=bucket_name)
            anonymous = s3_policy.RequestContext(
                caller=s3_policy.Caller(account_id=s3_policy.ANONYMOUS_ACCOUNT, kind="anonymous"),
                values=dict(s3_policy.current_context().values),
            )
            key = raw_form.get("key") or ""
            if not s3_policy.bucket_allows(bucket, "s3:PutObject", f"arn:aws:s3:::{bucket_name}/{key}", anonymous):
                raise access_denied()
            return self.fallback(_with_body(environ, body, str(environ["CONTENT_TYPE"])), start_response)

        bucket_name = _BUCKET_PATH.match(str(environ["PATH_INFO"])).group(1)  # type: ignore[union-attr]
        bucket = _bucket_of(bucket_name)
        if bucket is None:
            raise S3Error(404, "NoSuchBucket", "The specified bucket does not exist", BucketName=bucket_name)
        if raw_form.get("key") is None:
            raise missing_field("key")
        if raw_form.file is None:
            raise S3Error(
                400, "IncorrectNumberOfFilesInPostRequest", "POST requires exactly one file upload per request."
            )
        form = expand_filename(raw_form)
        signer, exempt = verify_signature(form.lowered(), policy)
        check_policy(decode_policy(policy), form, bucket_name, exempt, datetime.now(UTC))

        key = form.get("key") or ""
        context = s3_policy.current_context()
        caller_context = s3_policy.RequestContext(caller=signer.caller, values=dict(context.values))
        resource = f"arn:{bucket.partition}:s3:::{bucket_name}/{key}"
        if not s3_policy.bucket_allows(bucket, "s3:PutObject", resource, caller_context):
            raise access_denied()

        # moto reads ``key`` and ``success_action_status`` case-sensitively and answers any status it is given.
        status = form.get("success_action_status")
        stored_form = PostForm(
            [(name, value) for name, value in form.fields if name.lower() not in ("key", "success_action_status")],
            form.file,
        )
        stored_form.fields.insert(0, ("key", key))
        if status in SUCCESS_STATUSES:
            stored_form.fields.append(("success_action_status", status))
        stored_body, content_type = encode_form(stored_form)
        captured = _Captured()
        answer = b"".join(self.fallback(_with_body(environ, stored_body, content_type), captured))
        if not 200 <= captured.code < 300:
            start_response(captured.status, captured.headers)
            return [answer]
        return self._success(environ, start_response, request_id, bucket, key=key, wanted_status=status)

    @staticmethod
    def _success(
        environ: dict[str, Any],
        start_response: StartResponse,
        request_id: str,
        bucket: Any,
        *,
        key: str,
        wanted_status: str | None,
    ) -> Iterable[bytes]:
        from moto.s3.models import s3_backends  # noqa: PLC0415  (server process only)

        stored = s3_backends[bucket.account_id][bucket.partition].get_object(bucket.name, key)
        etag = stored.etag if stored is not None else '""'
        scheme = environ.get("wsgi.url_scheme", "https")
        host = environ.get("HTTP_HOST") or "localhost"
        location = f"{scheme}://{host}/{bucket.name}/{quote(key, safe='')}"
        status = wanted_status if wanted_status in SUCCESS_STATUSES else "204"
        headers = [
            ("ETag", etag),
            ("Location", location),
            ("x-amz-request-id", request_id),
            ("x-amz-id-2", _HOST_ID),
        ]
        body = b""
        if status == "201":
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>'
                f"<Location>{escape(location)}</Location><Bucket>{escape(bucket.name)}</Bucket>"
                f"<Key>{escape(key)}</Key><ETag>{escape(etag)}</ETag></PostResponse>"
            ).encode()
            headers.append(("Content-Type", "application/xml"))
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {_REASONS[int(status)]}", headers)
        return [body]


_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    411: "Length Required",
}


def _with_body(environ: dict[str, Any], body: bytes, content_type: str) -> dict[str, Any]:
    """A copy of ``environ`` whose input is ``body`` (a fresh stream with its length)."""
    copied = dict(environ)
    copied["wsgi.input"] = io.BytesIO(body)
    copied["CONTENT_LENGTH"] = str(len(body))
    copied["CONTENT_TYPE"] = content_type
    return copied


__all__ = [
    "PostForm",
    "S3Error",
    "S3PostPolicyExtension",
    "check_policy",
    "decode_policy",
    "parse_form",
    "sigv4_signature",
]
