# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CloudFront signed cookies for a custom policy (no AWS calls, no boto3).

A viewer holding the three cookies ``CloudFront-Policy``, ``CloudFront-Signature`` and ``CloudFront-Key-Pair-Id``
may fetch the files the policy names from a distribution whose trusted key group holds the public half of the key:

* the policy is ``{"Statement":[{"Resource":...,"Condition":{...}}]}`` in compact JSON. Its bytes are exactly the
  ones botocore's ``CloudFrontSigner.build_policy`` produces for the same input (same key order: ``DateLessThan``,
  then ``IpAddress``, then ``DateGreaterThan``), so a cookie and a botocore-signed URL carry the same policy;
* the signature is RSA PKCS#1 v1.5 with SHA-1 over those bytes (what CloudFront verifies for RSA keys);
* both are encoded with CloudFront's URL-safe base64 (standard base64 with ``+`` -> ``-``, ``=`` -> ``_`` and
  ``/`` -> ``~``).

Every function raises ``ValueError`` on bad input. Messages name the argument and the reason but never repeat
the value given, so a private key passed by mistake in the wrong place cannot end up in a log.
"""

import base64
import datetime
import ipaddress
import json
import math
import re

try:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import dsa
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric import ed448
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.asymmetric import rsa

    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover
    HAS_CRYPTOGRAPHY = False

# CloudFront takes only RSA 2048-bit public keys into a trusted key group, so a private key of any other size
# signs cookies that no distribution can verify (the public_keys module utils enforce the same size).
REQUIRED_KEY_SIZE = 2048

POLICY_COOKIE = "CloudFront-Policy"
SIGNATURE_COOKIE = "CloudFront-Signature"
KEY_PAIR_ID_COOKIE = "CloudFront-Key-Pair-Id"
COOKIE_NAMES = (POLICY_COOKIE, SIGNATURE_COOKIE, KEY_PAIR_ID_COOKIE)

# Public key IDs are "K" plus 13 characters, legacy account key pairs "APKA" plus 16; accept any upper-case
# alphanumeric ID of a plausible length.
_KEY_PAIR_ID = re.compile(r"^[A-Z0-9]{6,64}$")
# What cloudfront_b64 can produce.
_CLOUDFRONT_B64 = re.compile(r"^[A-Za-z0-9~_-]+$")
_DIGITS = re.compile(r"^[0-9]+$")
# A cookie name as RFC 6265 allows it (an HTTP token).
_TOKEN = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$")
_UTC = datetime.timezone.utc  # noqa: UP017 (module_utils may run on Python < 3.11)
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)
# 9999-12-31T23:59:59Z: the last second Python's datetime (and any sane policy) can name.
_MAX_EPOCH = 253402300799
_PEM_HEADER = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")


def cloudfront_b64(data) -> str:
    """CloudFront's URL-safe base64 of ``data`` (bytes, or text encoded as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray)):
        raise ValueError(f"cloudfront_b64 needs bytes or text, not {type(data).__name__}")
    return base64.b64encode(bytes(data)).decode("ascii").replace("+", "-").replace("=", "_").replace("/", "~")


def cloudfront_b64decode(text: str) -> bytes:
    """The inverse of :func:`cloudfront_b64`."""
    if not isinstance(text, str) or not _CLOUDFRONT_B64.match(text):
        raise ValueError("is not CloudFront URL-safe base64")
    return base64.b64decode(text.replace("-", "+").replace("_", "=").replace("~", "/"), validate=True)


def epoch_seconds(value, name="expires") -> int:
    """Whole seconds since 1970-01-01T00:00:00Z for ``value``.

    ``value`` is a number of seconds (int or float; a float is truncated like botocore does), a string of
    digits, an ISO-8601 date-time string (``2030-01-01T00:00:00Z``, ``2030-01-01 01:00:00+01:00``; without an
    offset it is UTC) or a ``datetime`` (naive means UTC).
    """
    if isinstance(value, bool):
        raise ValueError(f"{name} must be epoch seconds or an ISO-8601 date-time, not a boolean")
    if isinstance(value, datetime.datetime):
        seconds = _datetime_seconds(value)
    elif isinstance(value, int):
        seconds = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number of seconds")
        seconds = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if _DIGITS.match(text):
            seconds = int(text)
        else:
            try:
                parsed = datetime.datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    f"{name} must be epoch seconds or an ISO-8601 date-time such as 2030-01-01T00:00:00Z; "
                    "the string given is neither"
                ) from None
            seconds = _datetime_seconds(parsed)
    else:
        raise ValueError(f"{name} must be epoch seconds or an ISO-8601 date-time, not {type(value).__name__}")
    if not 0 <= seconds <= _MAX_EPOCH:
        raise ValueError(f"{name} must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z")
    return seconds


def _datetime_seconds(moment):
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=_UTC)
    # int() of total_seconds(), as botocore's datetime2timestamp is used by build_policy.
    return int((moment - _EPOCH).total_seconds())


def source_ip_cidr(value) -> str:
    """``value`` as the IPv4 CIDR block of ``AWS:SourceIp`` (a bare address means ``/32``).

    IPv6 is refused: CloudFront's API reference tells owners of distributions whose custom policies restrict by
    ``IpAddress`` not to enable IPv6, so an IPv6 condition would never match a viewer.
    """
    if not isinstance(value, str) or not value:
        raise ValueError("source_ip must be an IPv4 address or CIDR block such as 192.0.2.0/24")
    if value != value.strip() or any(c.isspace() for c in value):
        raise ValueError("source_ip must not contain whitespace")
    cidr = value if "/" in value else value + "/32"
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        raise ValueError("source_ip is not an IP address or CIDR block such as 192.0.2.0/24") from None
    if network.version != 4:
        raise ValueError(
            "source_ip is an IPv6 address; CloudFront custom policies restrict by IPv4 only "
            "(distributions that use the IpAddress condition must not enable IPv6)"
        )
    if str(network) != cidr:
        raise ValueError(f"source_ip must be written as a network address with its prefix length, such as {network}")
    return cidr


def _resource(value):
    if not isinstance(value, str) or not value:
        raise ValueError(
            "resource must be a non-empty URL or URL pattern such as https://d111111abcdef8.cloudfront.net/*"
        )
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError("resource must not contain whitespace or control characters")
    if any(c in value for c in "\"'\\"):
        raise ValueError("resource must not contain quotes or backslashes")
    if not value.isascii():
        raise ValueError("resource must be ASCII; percent-encode other characters as they appear in request URLs")
    return value


def build_policy(resource, expires, starts=None, source_ip=None) -> bytes:
    """The custom policy statement, as the bytes that are signed and sent.

    ``expires`` becomes ``DateLessThan``, ``starts`` (optional) ``DateGreaterThan`` and ``source_ip`` (optional)
    ``IpAddress``. ``expires`` must be later than ``starts``; an expiry in the past is allowed (the cookies are
    then refused by CloudFront, which negative tests need).
    """
    resource = _resource(resource)
    condition = {"DateLessThan": {"AWS:EpochTime": epoch_seconds(expires, "expires")}}
    if source_ip is not None:
        condition["IpAddress"] = {"AWS:SourceIp": source_ip_cidr(source_ip)}
    if starts is not None:
        start = epoch_seconds(starts, "starts")
        if condition["DateLessThan"]["AWS:EpochTime"] <= start:
            raise ValueError("expires must be later than starts")
        condition["DateGreaterThan"] = {"AWS:EpochTime": start}
    policy = {"Statement": [{"Resource": resource, "Condition": condition}]}
    return json.dumps(policy, separators=(",", ":")).encode("ascii")


def _key_kind(key):
    kinds = (
        (ec.EllipticCurvePrivateKey, "an EC"),
        (ed25519.Ed25519PrivateKey, "an Ed25519"),
        (ed448.Ed448PrivateKey, "an Ed448"),
        (dsa.DSAPrivateKey, "a DSA"),
    )
    return next((kind for cls, kind in kinds if isinstance(key, cls)), "a non-RSA")


def load_private_key(private_key_pem):
    """Parse an unencrypted RSA 2048-bit private key in PEM (PKCS#1 or PKCS#8).

    Raises ValueError with a message that never contains the key text nor a parser's message about it.
    """
    if not HAS_CRYPTOGRAPHY:  # pragma: no cover
        raise ValueError("the Python library 'cryptography' is required to sign CloudFront cookies")
    if isinstance(private_key_pem, (bytes, bytearray)):
        try:
            private_key_pem = bytes(private_key_pem).decode("ascii")
        except UnicodeDecodeError:
            raise ValueError("the private key is not PEM text (it has non-ASCII bytes)") from None
    if not isinstance(private_key_pem, str):
        raise ValueError(f"the private key must be PEM text, not {type(private_key_pem).__name__}")
    text = private_key_pem.strip()
    if not text:
        raise ValueError("the private key is empty")
    header = _PEM_HEADER.search(text)
    label = header.group(1) if header else ""
    if label == "OPENSSH PRIVATE KEY":
        raise ValueError("the private key is in OpenSSH format; convert it to PEM (ssh-keygen -p -m PEM)")
    if label == "ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED" in text:
        raise ValueError("the private key is encrypted with a passphrase; give the decrypted PEM")
    if label in ("PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"):
        raise ValueError("the private key input is a public key or certificate; signing needs the private half")
    if label not in ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY"):
        raise ValueError("the private key is not PEM (expected a PKCS#1 or PKCS#8 RSA private key block)")
    try:
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
    except TypeError:
        raise ValueError("the private key is encrypted with a passphrase; give the decrypted PEM") from None
    except (ValueError, UnsupportedAlgorithm, UnicodeEncodeError):
        raise ValueError("the private key is not a valid PEM private key (damaged or truncated?)") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"the private key is {_key_kind(key)} key; CloudFront signing needs RSA")
    if key.key_size != REQUIRED_KEY_SIZE:
        raise ValueError(
            f"the private key is an RSA {key.key_size}-bit key; CloudFront verifies RSA {REQUIRED_KEY_SIZE}-bit keys"
        )
    return key


def sign(policy_bytes, private_key_pem) -> bytes:
    """RSA PKCS#1 v1.5 / SHA-1 signature of ``policy_bytes`` (raw bytes, not yet base64-encoded)."""
    if isinstance(policy_bytes, str):
        policy_bytes = policy_bytes.encode("utf-8")
    if not isinstance(policy_bytes, (bytes, bytearray)) or not policy_bytes:
        raise ValueError("the policy to sign must be non-empty bytes")
    key = load_private_key(private_key_pem)
    return key.sign(bytes(policy_bytes), padding.PKCS1v15(), hashes.SHA1())  # SHA-1: what CloudFront verifies


def _key_pair_id(value):
    if not isinstance(value, str) or not _KEY_PAIR_ID.match(value):
        raise ValueError(
            "key_pair_id must be the ID of the CloudFront public key (6 to 64 upper-case letters and digits, "
            "such as K2JCJMDEHXQW5F)"
        )
    return value


def signed_cookies(private_key_pem, key_pair_id, resource, expires, *, starts=None, source_ip=None) -> dict:
    """The three CloudFront cookies, ``{name: value}``, for a custom policy (see :func:`build_policy`)."""
    key_pair_id = _key_pair_id(key_pair_id)
    policy = build_policy(resource, expires, starts=starts, source_ip=source_ip)
    signature = sign(policy, private_key_pem)
    return {
        POLICY_COOKIE: cloudfront_b64(policy),
        SIGNATURE_COOKIE: cloudfront_b64(signature),
        KEY_PAIR_ID_COOKIE: key_pair_id,
    }


def cookie_header(cookies) -> str:
    """The value of a ``Cookie:`` request header carrying the three cookies of :func:`signed_cookies`.

    The cookies appear in the order Policy, Signature, Key-Pair-Id. Any other key in ``cookies`` is refused, so
    a header is never silently missing something the caller meant to send.
    """
    if not isinstance(cookies, dict):
        raise ValueError(f"cookie_header needs the dict of cloudfront_signed_cookies, not {type(cookies).__name__}")
    missing = [name for name in COOKIE_NAMES if name not in cookies]
    if missing:
        raise ValueError("the cookies lack " + ", ".join(missing))
    extra = [name for name in cookies if name not in COOKIE_NAMES]
    if extra:
        shown = sorted(name for name in extra if isinstance(name, str) and _TOKEN.match(name))
        raise ValueError(
            f"the cookies have {len(extra)} unexpected key(s)" + (f" ({', '.join(shown)})" if shown else "")
        )
    for name in (POLICY_COOKIE, SIGNATURE_COOKIE):
        value = cookies[name]
        if not isinstance(value, str) or not _CLOUDFRONT_B64.match(value):
            raise ValueError(f"{name} is not CloudFront URL-safe base64")
    if not isinstance(cookies[KEY_PAIR_ID_COOKIE], str) or not _KEY_PAIR_ID.match(cookies[KEY_PAIR_ID_COOKIE]):
        raise ValueError(f"{KEY_PAIR_ID_COOKIE} is not a CloudFront key ID (upper-case letters and digits)")
    return "; ".join(f"{name}={cookies[name]}" for name in COOKIE_NAMES)
