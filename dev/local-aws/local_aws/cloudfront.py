"""CloudFront as the API reference documents it, where moto 5.2.5 falls short.

What this adds to moto
======================
* Cache policies (``Create/Get/GetConfig/Update/Delete/ListCachePolicies``), which moto lacks, with
  AWS's managed policies listed and protected against update and delete.
* Response headers policies (``Create/Get/GetConfig/Update/Delete/ListResponseHeadersPolicies``), which moto
  lacks, validated as the API reference and the Developer Guide ("Understand response headers policies",
  "Quotas") document them, with AWS's five managed policies; a distribution must name an existing one
  (``NoSuchResponseHeadersPolicy``) and a policy a cache behaviour uses cannot be deleted
  (``ResponseHeadersPolicyInUse``). :mod:`local_aws.cloudfront_edge` applies them to viewer responses.
* Key groups and public keys, replaced wholesale: moto's ``UpdateKeyGroup`` answers HTTP 500, it has
  no ``DeleteKeyGroup``, ``GetKeyGroupConfig``, ``GetPublicKeyConfig`` or ``UpdatePublicKey``, never
  rotates an ETag, ignores ``IfMatch`` and answers 500 or 204 for ids that do not exist.
* Distributions keep their ``DistributionConfig`` as sent (moto drops ``OriginAccessControlId`` and
  ``S3OriginConfig``, invents ``ForwardedValues``/TTLs next to a cache policy and rewrites
  ``ViewerCertificate``), check what they reference (origin access controls, key groups, cache
  policies), rotate their ETag, honour ``IfMatch`` and refuse to delete an enabled distribution.
* A distribution's ``WebACLId`` must be the ARN of an existing web ACL of scope CLOUDFRONT (``InvalidWebACLId``).
* ``DeleteOriginAccessControl``/``UpdateOriginAccessControl`` honour ``IfMatch``, and an origin
  access control that a distribution uses cannot be deleted.

How
===
:class:`CloudFrontExtension` claims every SigV4 request signed for ``cloudfront`` whose path is under
``/2020-05-31/`` and answers it with :class:`LocalCloudFrontResponse`, a subclass of moto's own
``CloudFrontResponse``. Requests are therefore parsed and responses serialized by moto's model-driven
REST-XML machinery (botocore's service model), and every operation this module does not override
behaves exactly as in moto. Nothing in moto is patched.

State: cache policies, response headers policies, key groups and public keys live in a
:class:`CloudFrontStore` owned by the extension (per account and partition, emptied by
:meth:`CloudFrontExtension.reset`). Distributions and origin access controls stay in moto's backend; a
distribution's faithful configuration is kept on moto's ``Distribution`` object (attribute
``local_aws_config``), so it lives and dies with it.

Error codes are the ones the service model lists for each operation; messages default to the
model's documentation of the error shape.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from functools import cache
from typing import Any
from typing import ClassVar
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.acm.models import acm_backends
from moto.cloudfront.exceptions import CloudFrontException
from moto.cloudfront.models import Distribution
from moto.cloudfront.models import cloudfront_backends
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.request import Request
from moto.core.responses import ActionResult
from moto.core.responses import EmptyResult
from moto.core.utils import camelcase_to_underscores
from moto.core.utils import get_service_model
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random
from werkzeug.wrappers import Response

from local_aws import acm as local_acm
from local_aws import wafv2

T = TypeVar("T")

#: REST path prefix of the CloudFront API version botocore speaks.
API_PREFIX = "/2020-05-31/"

#: Base of the ``Location`` headers CloudFront returns.
LOCATION_BASE = "https://cloudfront.amazonaws.com/2020-05-31"

#: SigV4 credential scope of a CloudFront request: ``Credential=AKID/20240101/us-east-1/cloudfront/aws4_request``.
_CLOUDFRONT_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/cloudfront/aws4_request")

#: Quotas ("Quotas" in the CloudFront Developer Guide,
#: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html) that the service
#: model names as error codes. Cache policies: "General quotas on policies"; key groups and their public keys:
#: "Quotas on key groups"; public keys per account: "Quotas on field-level encryption" (the keys are shared with
#: signed URLs); origin access controls and CNAMEs: "General quotas on distributions".
MAX_CACHE_POLICIES = 20
MAX_KEY_GROUPS = 10
MAX_PUBLIC_KEYS = 10
MAX_KEY_GROUPS_PER_CACHE_BEHAVIOR = 4
MAX_ORIGIN_ACCESS_CONTROLS = 100
MAX_CNAMES_PER_DISTRIBUTION = 100
MAX_PUBLIC_KEYS_PER_KEY_GROUP = 5
MAX_HEADERS_PER_CACHE_POLICY = 10
MAX_COOKIES_PER_CACHE_POLICY = 10
MAX_QUERY_STRINGS_PER_CACHE_POLICY = 10
MAX_COMMENT_LENGTH = 128
#: "General quotas on policies": response headers policies per account, custom headers and headers to remove per
#: policy, characters of a Content-Security-Policy value ("Understand response headers policies").
MAX_RESPONSE_HEADERS_POLICIES = 20
MAX_CUSTOM_HEADERS_PER_RESPONSE_HEADERS_POLICY = 10
MAX_REMOVE_HEADERS_PER_RESPONSE_HEADERS_POLICY = 10
MAX_CSP_LENGTH = 1783
#: "Headers that you can't remove" (Developer Guide, "Understand response headers policies"); ``*`` ends a prefix.
UNREMOVABLE_HEADERS = (
    "connection",
    "content-encoding",
    "content-length",
    "expect",
    "host",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
    "warning",
    "x-accel-buffering",
    "x-accel-charset",
    "x-accel-limit-rate",
    "x-accel-redirect",
    "x-amz-cf-*",
    "x-amzn-auth",
    "x-amzn-cf-billing",
    "x-amzn-cf-id",
    "x-amzn-cf-xff",
    "x-amzn-errortype",
    "x-amzn-fle-profile",
    "x-amzn-header-count",
    "x-amzn-header-order",
    "x-amzn-lambda-integration-tag",
    "x-amzn-requestid",
    "x-cache",
    "x-edge-*",
    "x-forwarded-proto",
    "x-real-ip",
)
#: An ``AccessControlAllowOrigins`` item: ``*``, or ``[scheme://]host[:port]`` whose host may start with one ``*.``
#: (the guide: the wildcard only as the leftmost part of the domain, never in the TLD, right of a subdomain or
#: inside a term). A bare domain name is accepted: AWS accepts one (policies created with ``test.example.comtest``
#: in the AWS provider's and Steampipe's tests).
_ALLOWED_ORIGIN = re.compile(r"^(?:\*|(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[^*/:\s]+(?::\d+)?)$", re.IGNORECASE)

#: Default page size of the List operations.
DEFAULT_MAX_ITEMS = 100

#: TTL defaults documented on ``CachePolicyConfig.DefaultTTL`` / ``MaxTTL``.
DEFAULT_TTL = 86400
DEFAULT_MAX_TTL = 31536000

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

#: CloudFront only takes ACM certificates from US East (N. Virginia) (``ViewerCertificate.ACMCertificateArn``).
ACM_REGION = "us-east-1"

_REGION = r"[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d"
#: Origin domains by kind ("Origin domain" in the Developer Guide's distribution settings).
_S3_WEBSITE_DOMAIN = re.compile(rf"^[a-z0-9][a-z0-9.-]*\.s3-website[.-]{_REGION}\.amazonaws\.com(?:\.cn)?$")
_S3_REST_DOMAIN = re.compile(rf"^[a-z0-9][a-z0-9.-]*\.s3(?:\.dualstack)?(?:[.-]{_REGION})?\.amazonaws\.com(?:\.cn)?$")
_OAC_ORIGIN_DOMAINS: dict[str, re.Pattern[str]] = {
    "s3": _S3_REST_DOMAIN,
    "mediastore": re.compile(rf"^[a-z0-9]+\.data\.mediastore\.{_REGION}\.amazonaws\.com$"),
    "mediapackagev2": re.compile(rf"^[a-z0-9.-]+\.mediapackagev2\.{_REGION}\.amazonaws\.com$"),
    "lambda": re.compile(rf"^[a-z0-9]+\.lambda-url\.{_REGION}\.on\.aws$"),
}
#: An alternate domain name: labels of letters, digits and hyphens, optionally a leading ``*.``.
_ALIAS = re.compile(r"^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------


@cache
def _error_documentation(code: str) -> str:
    """Return the service model's documentation of error shape ``code``, as plain text."""
    shape = get_service_model("cloudfront").shape_for(code)
    text = re.sub(r"<[^>]+>", "", str(shape.documentation or ""))
    return re.sub(r"\s+", " ", text).strip() or code


#: A country as GeoRestriction takes it: a two-letter, upper-case ISO 3166-1 alpha-2 code.
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def _check_geo_restriction(config: dict[str, Any]) -> None:
    """CloudFront API reference, GeoRestriction: with ``whitelist`` or ``blacklist`` Quantity is the number of
    countries (two-letter upper-case ISO 3166-1 alpha-2 codes); without a restriction (``none``) it is 0."""
    geo = (config.get("Restrictions") or {}).get("GeoRestriction")
    if not geo:
        return
    countries = items_of(geo)
    kind = geo.get("RestrictionType")
    if kind == "none" and countries:
        raise cloudfront_error("InvalidGeoRestrictionParameter", "RestrictionType none takes no locations.")
    if kind in ("whitelist", "blacklist") and not countries:
        raise cloudfront_error("InvalidGeoRestrictionParameter", f"RestrictionType {kind} needs at least one location.")
    bad = [code for code in countries if not _COUNTRY_CODE.match(str(code))]
    if bad:
        raise cloudfront_error(
            "InvalidGeoRestrictionParameter", f"Locations must be ISO 3166-1 alpha-2 country codes: {', '.join(bad)}."
        )


def cloudfront_error(code: str, message: str | None = None) -> CloudFrontException:
    """Build an error moto serializes with the HTTP status the service model gives ``code``.

    moto finds the error shape through the exception's module, hence moto's CloudFront exception class.
    """
    return CloudFrontException(code, message or _error_documentation(code))


# --------------------------------------------------------------------------------------------------
# Identifiers and helpers
# --------------------------------------------------------------------------------------------------


def _random_id(prefix: str) -> str:
    """Return an id in CloudFront's style: ``prefix`` plus 13 upper-case letters and digits."""
    return prefix + "".join(mock_random.choice(_ID_ALPHABET) for _ in range(13))


def new_etag() -> str:
    """Return a fresh version identifier (CloudFront's look like ``E2QWRUHAPOMQZL``)."""
    return _random_id("E")


def items_of(container: Any) -> list[Any]:
    """Return ``container["Items"]`` as a list (absent or empty ``<Items/>`` -> ``[]``)."""
    if not isinstance(container, dict):
        return []
    return list(container.get("Items") or [])


def _check_quantities(value: Any, path: str = "") -> None:
    """Raise ``InconsistentQuantities`` where a ``Quantity`` disagrees with the size of ``Items``."""
    if isinstance(value, dict):
        if isinstance(value.get("Quantity"), int) and value["Quantity"] != len(items_of(value)):
            raise cloudfront_error(
                "InconsistentQuantities",
                f"The value of Quantity and the size of Items don't match ({path or 'request'}).",
            )
        for key, child in value.items():
            _check_quantities(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _check_quantities(child, f"{path}[{index}]")


def _check_comment(config: dict[str, Any]) -> None:
    """Comments are documented as at most 128 characters."""
    if len(config.get("Comment") or "") > MAX_COMMENT_LENGTH:
        raise cloudfront_error("InvalidArgument", "The comment cannot be longer than 128 characters.")


def _fill_defaults(target: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Add (deep copies of) the members of ``defaults`` that ``target`` lacks; return ``target``."""
    for key, value in defaults.items():
        if key not in target or target[key] is None:
            target[key] = copy.deepcopy(value)
    return target


def check_encoded_key(encoded_key: Any) -> None:
    """``EncodedKey`` must be a PEM public key CloudFront can verify signatures with.

    API reference, ``PublicKey``/``PublicKeyConfig``: "CloudFront supports signed URLs and signed cookies
    with RSA 2048 or ECDSA 256 key signatures" (Developer Guide, "Create key pairs for your signers").
    Anything else answers ``InvalidArgument``, the only validation error ``CreatePublicKey`` lists.
    """
    try:
        key = serialization.load_pem_public_key(str(encoded_key or "").strip().encode())
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise cloudfront_error("InvalidArgument", "EncodedKey is not a PEM-encoded public key.") from None
    if isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048:
        return
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return
    if isinstance(key, rsa.RSAPublicKey):
        described = f"an RSA {key.key_size}-bit key"
    elif isinstance(key, ec.EllipticCurvePublicKey):
        described = f"an ECDSA {key.curve.name} key"
    else:
        described = f"a {type(key).__name__}"
    raise cloudfront_error(
        "InvalidArgument", f"EncodedKey is {described}; CloudFront supports RSA 2048 and ECDSA 256 (P-256) keys."
    )


#: Enum members whose wrong value has an error of its own in the service model (else ``InvalidArgument``).
_ENUM_ERRORS: dict[tuple[str, str], str] = {
    ("ViewerCertificate", "MinimumProtocolVersion"): "InvalidMinimumProtocolVersion",
    ("ViewerCertificate", "SSLSupportMethod"): "InvalidViewerCertificate",
    ("ViewerCertificate", "CertificateSource"): "InvalidViewerCertificate",
    ("GeoRestriction", "RestrictionType"): "InvalidGeoRestrictionParameter",
}


def enum_violations(
    shape: Any, value: Any, path: str = "", owner: tuple[str, str] = ("", "")
) -> Iterator[tuple[str, tuple[str, str], Any, list[str]]]:
    """Walk ``value`` against the model ``shape``; yield ``(path, (structure, member), value, allowed)`` for
    every enum-typed member whose value is not one of the model's."""
    if value is None:
        return
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                yield from enum_violations(member, value[name], f"{path}.{name}" if path else name, (shape.name, name))
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from enum_violations(shape.member, item, f"{path}[{index}]", owner)
    elif getattr(shape, "enum", None) and (not isinstance(value, str) or value not in shape.enum):
        yield path, owner, value, list(shape.enum)


def name_covers(certificate_name: str, alias: str) -> bool:
    """Whether a certificate name covers an alternate domain name (Developer Guide, "Requirements for using
    alternate domain names": the exact name, or a wildcard ``*.example.com`` for one subdomain level)."""
    name, alias = certificate_name.strip().lower(), alias.strip().lower()
    if name == alias:
        return True
    if name.startswith("*.") and not alias.startswith("*."):
        _, _, parent = alias.partition(".")
        return parent == name[2:]
    return False


def acm_certificate_users(account_id: str, partition: str, certificate_arn: str) -> list[str]:
    """ARNs of this account's distributions whose ``ViewerCertificate`` names ``certificate_arn`` (for ACM's
    ``InUseBy``; registered with :func:`local_aws.acm.register_in_use_source`)."""
    if account_id not in cloudfront_backends or partition not in cloudfront_backends[account_id]:
        return []
    backend = cloudfront_backends[account_id][partition]
    users = []
    for dist in list(backend.distributions.values()):
        config = getattr(dist, "local_aws_config", None) or {}
        if (config.get("ViewerCertificate") or {}).get("ACMCertificateArn") == certificate_arn:
            users.append(dist.arn)
    return users


# --------------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------------


@dataclass
class Policy:
    """A cache policy or a response headers policy (``member``: ``CachePolicy`` or ``ResponseHeadersPolicy``, its
    name in the API); ``managed`` ones belong to AWS and cannot be changed."""

    member: str
    id: str
    config: dict[str, Any]
    etag: str
    last_modified: datetime
    managed: bool = False

    def to_api(self) -> dict[str, Any]:
        """The ``CachePolicy`` or ``ResponseHeadersPolicy`` shape."""
        return {"Id": self.id, "LastModifiedTime": self.last_modified, f"{self.member}Config": self.config}


@dataclass
class PublicKey:
    """A public key for signed URLs and cookies."""

    id: str
    config: dict[str, Any]
    etag: str
    created: datetime

    def to_api(self) -> dict[str, Any]:
        """The ``PublicKey`` shape."""
        return {"Id": self.id, "CreatedTime": self.created, "PublicKeyConfig": self.config}

    def summary(self) -> dict[str, Any]:
        """The ``PublicKeySummary`` shape."""
        summary = {
            "Id": self.id,
            "Name": self.config["Name"],
            "CreatedTime": self.created,
            "EncodedKey": self.config["EncodedKey"],
        }
        if "Comment" in self.config:
            summary["Comment"] = self.config["Comment"]
        return summary


@dataclass
class KeyGroup:
    """A key group: a named set of public key ids."""

    id: str
    config: dict[str, Any]
    etag: str
    last_modified: datetime

    def to_api(self) -> dict[str, Any]:
        """The ``KeyGroup`` shape."""
        return {"Id": self.id, "LastModifiedTime": self.last_modified, "KeyGroupConfig": self.config}


def _managed_policy(policy_id: str, name: str, comment: str, ttls: tuple[int, int, int], gzip: bool) -> Policy:
    """Build one of AWS's managed cache policies (no headers, cookies or query strings in the key)."""
    min_ttl, default_ttl, max_ttl = ttls
    config = {
        "Comment": comment,
        "Name": name,
        "DefaultTTL": default_ttl,
        "MaxTTL": max_ttl,
        "MinTTL": min_ttl,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": gzip,
            "EnableAcceptEncodingBrotli": gzip,
            "HeadersConfig": {"HeaderBehavior": "none"},
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "none"},
        },
    }
    # AWS does not publish when it last changed these policies; a fixed date keeps responses stable.
    last_modified = datetime(2020, 7, 21, 0, 0, 0)
    return Policy("CachePolicy", policy_id, config, _managed_etag(policy_id), last_modified, managed=True)


def _managed_etag(policy_id: str) -> str:
    """A stable ETag for a managed policy (it never changes)."""
    return "E" + re.sub(r"[^0-9A-Z]", "", policy_id.upper())[:13]


#: AWS managed cache policies, with the settings the Developer Guide ("Use managed cache policies")
#: documents and the names and comments ListCachePolicies returns for them.
MANAGED_CACHE_POLICIES: dict[str, Policy] = {
    policy.id: policy
    for policy in (
        _managed_policy(
            "658327ea-f89d-4fab-a63d-7e88639e58f6",
            "Managed-CachingOptimized",
            "Policy with caching enabled. Supports Gzip and Brotli compression.",
            (1, 86400, 31536000),
            gzip=True,
        ),
        _managed_policy(
            "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
            "Managed-CachingOptimizedForUncompressedObjects",
            "Default policy when compression is disabled",
            (1, 86400, 31536000),
            gzip=False,
        ),
        _managed_policy(
            "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            "Managed-CachingDisabled",
            "Policy with caching disabled",
            (0, 0, 0),
            gzip=False,
        ),
    )
}


def _cors(origin_override: bool, preflight: bool) -> dict[str, Any]:
    """The CORS settings of the managed policies: any origin; with preflight, every method and header."""
    methods = ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"] if preflight else ["GET", "HEAD"]
    headers = ["*"] if preflight else []
    return {
        "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["*"]},
        "AccessControlAllowHeaders": {"Quantity": len(headers), "Items": headers},
        "AccessControlAllowMethods": {"Quantity": len(methods), "Items": methods},
        "AccessControlAllowCredentials": False,
        "OriginOverride": origin_override,
    }


#: The SecurityHeadersPolicy settings: X-Content-Type-Options always, the others only when the origin sends none.
_MANAGED_SECURITY_HEADERS: dict[str, Any] = {
    "XSSProtection": {"Override": False, "Protection": True, "ModeBlock": True},
    "FrameOptions": {"Override": False, "FrameOption": "SAMEORIGIN"},
    "ReferrerPolicy": {"Override": False, "ReferrerPolicy": "strict-origin-when-cross-origin"},
    "ContentTypeOptions": {"Override": True},
    "StrictTransportSecurity": {
        "Override": False,
        "IncludeSubdomains": False,
        "Preload": False,
        "AccessControlMaxAgeSec": 31536000,
    },
}


def _managed_response_headers_policy(policy_id: str, name: str, comment: str, **config: Any) -> Policy:
    return Policy(
        "ResponseHeadersPolicy",
        policy_id,
        {"Comment": comment, "Name": name, **config},
        _managed_etag(policy_id),
        datetime(2021, 11, 2, 0, 0, 0),
        managed=True,
    )


#: AWS managed response headers policies, with the IDs and settings "Use managed response headers policies"
#: documents (the origin overrides as that page states them: the origin's CORS headers win).
MANAGED_RESPONSE_HEADERS_POLICIES: dict[str, Policy] = {
    policy.id: policy
    for policy in (
        _managed_response_headers_policy(
            "60669652-455b-4ae9-85a4-c4c02393f86c",
            "Managed-SimpleCORS",
            "Allows all origins for simple CORS requests",
            CorsConfig=_cors(False, preflight=False),
        ),
        _managed_response_headers_policy(
            "5cc3b908-e619-4b99-88e5-2cf7f45965bd",
            "Managed-CORS-With-Preflight",
            "Allows all origins for CORS requests, including preflight requests",
            CorsConfig=_cors(False, preflight=True),
        ),
        _managed_response_headers_policy(
            "67f7725c-6f97-4210-82d7-5512b31e9d03",
            "Managed-SecurityHeadersPolicy",
            "Adds a set of security headers to every response",
            SecurityHeadersConfig=_MANAGED_SECURITY_HEADERS,
        ),
        _managed_response_headers_policy(
            "e61eb60c-9c35-4d20-a928-2b84e02af89c",
            "Managed-CORS-and-SecurityHeadersPolicy",
            "Allows all origins for simple CORS requests and adds security headers",
            CorsConfig=_cors(False, preflight=False),
            SecurityHeadersConfig=_MANAGED_SECURITY_HEADERS,
        ),
        _managed_response_headers_policy(
            "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
            "Managed-CORS-with-preflight-and-SecurityHeadersPolicy",
            "Allows all origins for CORS requests, including preflight requests, and adds security headers",
            CorsConfig=_cors(False, preflight=True),
            SecurityHeadersConfig=_MANAGED_SECURITY_HEADERS,
        ),
    )
}


def unremovable_header(name: str) -> bool:
    """Whether the guide lists ``name`` among the headers a response headers policy cannot remove."""
    lowered = name.strip().lower()
    return any(
        lowered.startswith(entry[:-1]) if entry.endswith("*") else lowered == entry for entry in UNREMOVABLE_HEADERS
    )


@dataclass(frozen=True)
class PolicyKind:
    """What tells CloudFront's two policy kinds apart in the API: the shape's name (``member``) and its plural, the
    path of ``Location``, the words of the managed-policy errors, the cache behaviour field that uses a policy, the
    managed policies, the account state's dict, the quota and the config validator (a handler method's name)."""

    member: str
    plural: str
    path: str
    label: str
    behaviour_field: str
    managed: dict[str, Policy]
    state_attr: str
    quota: int
    validator: str


CACHE_POLICY = PolicyKind(
    "CachePolicy",
    "CachePolicies",
    "cache-policy",
    "cache policies",
    "CachePolicyId",
    MANAGED_CACHE_POLICIES,
    "cache_policies",
    MAX_CACHE_POLICIES,
    "_cache_policy_config",
)
RESPONSE_HEADERS_POLICY = PolicyKind(
    "ResponseHeadersPolicy",
    "ResponseHeadersPolicies",
    "response-headers-policy",
    "response headers policies",
    "ResponseHeadersPolicyId",
    MANAGED_RESPONSE_HEADERS_POLICIES,
    "response_headers_policies",
    MAX_RESPONSE_HEADERS_POLICIES,
    "_response_headers_policy_config",
)


@dataclass
class AccountState:
    """The CloudFront resources of one account (CloudFront is global: one state per partition)."""

    cache_policies: dict[str, Policy] = field(default_factory=dict)
    response_headers_policies: dict[str, Policy] = field(default_factory=dict)
    public_keys: dict[str, PublicKey] = field(default_factory=dict)
    key_groups: dict[str, KeyGroup] = field(default_factory=dict)


class CloudFrontStore:
    """State of the resources this module emulates itself, and the lock serialising CloudFront calls."""

    def __init__(self) -> None:
        """Start empty."""
        self.lock = threading.RLock()
        self._accounts: dict[tuple[str, str], AccountState] = {}

    def account(self, account_id: str, partition: str) -> AccountState:
        """Return (creating if needed) the state of ``account_id`` in ``partition``."""
        with self.lock:
            return self._accounts.setdefault((account_id, partition), AccountState())

    def reset(self) -> None:
        """Forget everything."""
        with self.lock:
            self._accounts.clear()

    def snapshot(self) -> dict[tuple[str, str], AccountState]:
        """A deep copy of every account's state (see :mod:`local_aws.snapshots`)."""
        with self.lock:
            return copy.deepcopy(self._accounts)

    def restore(self, accounts: dict[tuple[str, str], AccountState]) -> None:
        """Replace every account's state with a deep copy of ``accounts`` (from :meth:`snapshot`)."""
        with self.lock:
            self._accounts = copy.deepcopy(accounts)


# --------------------------------------------------------------------------------------------------
# Distribution configuration
# --------------------------------------------------------------------------------------------------

#: Members CloudFront returns for a distribution whose request omitted them. Provenance:
#:
#: * documented in the service model: ``HttpVersion`` http2, ``ConnectionAttempts`` 3, ``ConnectionTimeout``
#:   10, and ``MinimumProtocolVersion`` TLSv1 with the CloudFront certificate (see
#:   :func:`distribution_config_as_returned`);
#: * structural: empty lists come back as ``{"Quantity": 0}``, empty strings as ``""``, flags as false;
#: * ``IsIPV6Enabled`` true: AWS enables IPv6 on new distributions by default (announcement of
#:   2016-10-06), which is also what moto returned;
#: * ``PriceClass_All``, ``AllowedMethods`` HEAD/GET, ``Logging`` disabled, no geo restriction: the
#:   values moto returned before this module, and what AWS returns for omitted members;
#: * legacy (``ForwardedValues``) TTLs 0/86400/31536000: what AWS returns when they are omitted.
_DISTRIBUTION_DEFAULTS: dict[str, Any] = {
    "Aliases": {"Quantity": 0},
    "DefaultRootObject": "",
    "OriginGroups": {"Quantity": 0},
    "CacheBehaviors": {"Quantity": 0},
    "CustomErrorResponses": {"Quantity": 0},
    "Logging": {"Enabled": False, "IncludeCookies": False, "Bucket": "", "Prefix": ""},
    "PriceClass": "PriceClass_All",
    "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
    "WebACLId": "",
    "HttpVersion": "http2",
    "IsIPV6Enabled": True,
    "Staging": False,
}
_ORIGIN_DEFAULTS: dict[str, Any] = {
    "OriginPath": "",
    "CustomHeaders": {"Quantity": 0},
    "ConnectionAttempts": 3,
    "ConnectionTimeout": 10,
    "OriginShield": {"Enabled": False},
    "OriginAccessControlId": "",
}
_BEHAVIOUR_DEFAULTS: dict[str, Any] = {
    "TrustedSigners": {"Enabled": False, "Quantity": 0},
    "TrustedKeyGroups": {"Enabled": False, "Quantity": 0},
    "AllowedMethods": {
        "Quantity": 2,
        "Items": ["HEAD", "GET"],
        "CachedMethods": {"Quantity": 2, "Items": ["HEAD", "GET"]},
    },
    "SmoothStreaming": False,
    "Compress": False,
    "LambdaFunctionAssociations": {"Quantity": 0},
    "FunctionAssociations": {"Quantity": 0},
    "FieldLevelEncryptionId": "",
}
#: What CloudFront returns for a behaviour configured with the deprecated ``ForwardedValues``.
_LEGACY_BEHAVIOUR_DEFAULTS: dict[str, Any] = {"MinTTL": 0, "DefaultTTL": 86400, "MaxTTL": 31536000}
_LEGACY_FORWARDED_VALUES_DEFAULTS: dict[str, Any] = {
    "Headers": {"Quantity": 0},
    "QueryStringCacheKeys": {"Quantity": 0},
}


def cache_behaviours(config: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Yield the default cache behaviour, then each ordered cache behaviour."""
    if isinstance(config.get("DefaultCacheBehavior"), dict):
        yield config["DefaultCacheBehavior"]
    yield from (item for item in items_of(config.get("CacheBehaviors")) if isinstance(item, dict))


def trusted_key_group_ids(config: dict[str, Any]) -> list[str]:
    """Key group ids the cache behaviours of ``config`` list in ``TrustedKeyGroups`` (no duplicates)."""
    ids: list[str] = []
    for behaviour in cache_behaviours(config):
        for group_id in items_of(behaviour.get("TrustedKeyGroups")):
            if group_id not in ids:
                ids.append(group_id)
    return ids


def distribution_config_as_returned(config: dict[str, Any]) -> dict[str, Any]:
    """Return ``config`` as CloudFront returns it: everything sent, plus the members it fills in."""
    result = _fill_defaults(copy.deepcopy(config), _DISTRIBUTION_DEFAULTS)
    for origin in items_of(result.get("Origins")):
        _fill_defaults(origin, _ORIGIN_DEFAULTS)
    for behaviour in cache_behaviours(result):
        _fill_defaults(behaviour, _BEHAVIOUR_DEFAULTS)
        if isinstance(behaviour.get("ForwardedValues"), dict):  # legacy cache settings, no cache policy
            _fill_defaults(behaviour, _LEGACY_BEHAVIOUR_DEFAULTS)
            _fill_defaults(behaviour["ForwardedValues"], _LEGACY_FORWARDED_VALUES_DEFAULTS)
    # The deprecated Certificate/CertificateSource members are derived from the certificate in use.
    certificate = result.get("ViewerCertificate") or {"CloudFrontDefaultCertificate": True}
    result["ViewerCertificate"] = certificate
    if certificate.get("ACMCertificateArn"):
        certificate.setdefault("Certificate", certificate["ACMCertificateArn"])
        certificate.setdefault("CertificateSource", "acm")
    elif certificate.get("IAMCertificateId"):
        certificate.setdefault("Certificate", certificate["IAMCertificateId"])
        certificate.setdefault("CertificateSource", "iam")
    else:
        # Documented: with the CloudFront certificate the security policy is TLSv1 whatever was sent.
        certificate["MinimumProtocolVersion"] = "TLSv1"
        certificate.setdefault("CertificateSource", "cloudfront")
    return result


# --------------------------------------------------------------------------------------------------
# The responder
# --------------------------------------------------------------------------------------------------


class LocalCloudFrontResponse(CloudFrontResponse):
    """moto's CloudFront responder plus the operations and checks listed in the module docstring.

    Subclasses made by :class:`CloudFrontExtension` set :attr:`store`.
    """

    store: ClassVar[CloudFrontStore]

    # ---- plumbing ---------------------------------------------------------------------------------

    @property
    def state(self) -> AccountState:
        """This request's account state."""
        return self.store.account(self.current_account, self.partition)

    def call_action(self) -> Any:
        """Answer the operation under the store lock; unknown or unimplemented ones get a plain 404."""
        action = self._get_action()
        method_name = camelcase_to_underscores(action) if action else ""
        method = getattr(self, method_name, None) if method_name else None
        if not action or not callable(method):
            return 404, {}, f"local_aws: CloudFront operation {action or self.path} is not emulated"

        def validated() -> Any:
            self._check_enums(action)
            return method()

        # moto's call_action looks the method up on the instance and turns errors into responses.
        setattr(self, method_name, validated)
        with self.store.lock:
            return super().call_action()

    def _check_enums(self, action: str) -> None:
        """Every enum-typed member of the request must hold one of the service model's values.

        The error is ``InvalidArgument`` (or, for a few members, the more specific error the operation
        lists, e.g. ``InvalidMinimumProtocolVersion``); operations that list neither are not checked.
        """
        operation = get_service_model("cloudfront").operation_model(action)
        errors = {shape.name for shape in operation.error_shapes}
        if operation.input_shape is None or "InvalidArgument" not in errors:
            return
        for path, owner, value, allowed in enum_violations(operation.input_shape, self.params):
            code = _ENUM_ERRORS.get(owner, "InvalidArgument")
            raise cloudfront_error(
                code if code in errors else "InvalidArgument",
                f"{path}: {value!r} is not a valid value (valid values: {', '.join(allowed)}).",
            )

    def _check_if_match(self, current_etag: str) -> None:
        """``IfMatch`` must be present (``InvalidIfMatchVersion``) and current (``PreconditionFailed``)."""
        if_match = self._get_param("IfMatch")
        if not if_match:
            raise cloudfront_error("InvalidIfMatchVersion")
        if if_match != current_etag:
            raise cloudfront_error("PreconditionFailed")

    def _page(self, items: list[T], key: Callable[[T], str]) -> tuple[list[T], str | None, int]:
        """Apply ``Marker`` (the id of the last item of the previous page) and ``MaxItems``.

        Returns the page, the ``NextMarker`` (None on the last page) and the effective ``MaxItems``.
        """
        raw_max = self._get_param("MaxItems")
        try:
            max_items = DEFAULT_MAX_ITEMS if raw_max in (None, "") else int(raw_max)
        except (TypeError, ValueError):
            raise cloudfront_error("InvalidArgument", f"MaxItems {raw_max!r} is not an integer.") from None
        if max_items < 0:
            raise cloudfront_error("InvalidArgument", "MaxItems must not be negative.")
        start = 0
        marker = self._get_param("Marker")
        if marker:
            keys = [key(item) for item in items]
            if marker not in keys:
                raise cloudfront_error("InvalidArgument", f"The marker {marker} is not valid.")
            start = keys.index(marker) + 1
        page = items[start : start + max_items]
        truncated = start + max_items < len(items)
        return page, (key(page[-1]) if truncated and page else None), max_items

    # ---- cache policies and response headers policies ---------------------------------------------
    # The two kinds have the same five operations and differ by their names in the API, their quota, the cache
    # behaviour field that uses them and how their config is validated (PolicyKind); the handlers below are shared.

    def _policies(self, kind: PolicyKind) -> dict[str, Policy]:
        return getattr(self.state, kind.state_attr)

    def _find_policy(self, kind: PolicyKind, policy_id: str) -> Policy:
        policy = kind.managed.get(policy_id) or self._policies(kind).get(policy_id)
        if policy is None:
            raise cloudfront_error(f"NoSuch{kind.member}")
        return policy

    def _find_cache_policy(self, policy_id: str) -> Policy:
        return self._find_policy(CACHE_POLICY, policy_id)

    def _find_response_headers_policy(self, policy_id: str) -> Policy:
        return self._find_policy(RESPONSE_HEADERS_POLICY, policy_id)

    def _policy_config(self, kind: PolicyKind, except_id: str | None = None) -> dict[str, Any]:
        """The request's config of ``kind``, validated, its name unique among the account's policies of the kind."""
        config = getattr(self, kind.validator)()
        for policy in self._policies(kind).values():
            if policy.id != except_id and policy.config.get("Name") == config.get("Name", ""):
                raise cloudfront_error(f"{kind.member}AlreadyExists")
        return config

    def _cache_policy_config(self) -> dict[str, Any]:
        """The request's ``CachePolicyConfig``, validated, with the documented TTL defaults."""
        config = copy.deepcopy(self._get_param("CachePolicyConfig") or {})
        _check_comment(config)
        _check_quantities(config)
        min_ttl = int(config.get("MinTTL") or 0)
        default_ttl = int(config["DefaultTTL"]) if config.get("DefaultTTL") is not None else max(DEFAULT_TTL, min_ttl)
        if config.get("MaxTTL") is not None:
            max_ttl = int(config["MaxTTL"])
        else:
            max_ttl = DEFAULT_MAX_TTL if max(min_ttl, default_ttl) <= DEFAULT_MAX_TTL else default_ttl
        if min(min_ttl, default_ttl, max_ttl) < 0:
            raise cloudfront_error("InvalidArgument", "TTL values must not be negative.")
        if min_ttl > default_ttl:
            raise cloudfront_error("InvalidArgument", "MinTTL must be less than or equal to DefaultTTL.")
        if default_ttl > max_ttl:
            raise cloudfront_error("InvalidArgument", "DefaultTTL must be less than or equal to MaxTTL.")
        config.update(MinTTL=min_ttl, DefaultTTL=default_ttl, MaxTTL=max_ttl)
        parameters = config.get("ParametersInCacheKeyAndForwardedToOrigin") or {}
        for section, names, limit, code in (
            ("HeadersConfig", "Headers", MAX_HEADERS_PER_CACHE_POLICY, "TooManyHeadersInCachePolicy"),
            ("CookiesConfig", "Cookies", MAX_COOKIES_PER_CACHE_POLICY, "TooManyCookiesInCachePolicy"),
            (
                "QueryStringsConfig",
                "QueryStrings",
                MAX_QUERY_STRINGS_PER_CACHE_POLICY,
                "TooManyQueryStringsInCachePolicy",
            ),
        ):
            if len(items_of((parameters.get(section) or {}).get(names))) > limit:
                raise cloudfront_error(code)
        return config

    def _response_headers_policy_config(self) -> dict[str, Any]:
        """The request's ``ResponseHeadersPolicyConfig``, validated as the API reference and the guide document it."""
        config = copy.deepcopy(self._get_param("ResponseHeadersPolicyConfig") or {})
        if not config.get("Name"):
            raise cloudfront_error("InvalidArgument", "Name is required.")
        _check_comment(config)
        _check_quantities(config)
        cors = config.get("CorsConfig")
        if cors is not None:
            for member in (
                "AccessControlAllowOrigins",
                "AccessControlAllowHeaders",
                "AccessControlAllowMethods",
                "AccessControlAllowCredentials",
                "OriginOverride",
            ):
                if cors.get(member) is None:
                    raise cloudfront_error("InvalidArgument", f"CorsConfig.{member} is required.")
            origins = [str(origin) for origin in items_of(cors["AccessControlAllowOrigins"])]
            if not origins:
                raise cloudfront_error("InvalidArgument", "AccessControlAllowOrigins needs at least one origin.")
            if not items_of(cors["AccessControlAllowMethods"]):
                raise cloudfront_error("InvalidArgument", "AccessControlAllowMethods needs at least one method.")
            for origin in origins:
                if not _ALLOWED_ORIGIN.match(origin):
                    raise cloudfront_error(
                        "InvalidArgument",
                        f"The origin {origin} is not valid: a wildcard (*) may only be the whole value or the "
                        "leftmost part of the domain.",
                    )
        security = config.get("SecurityHeadersConfig") or {}
        xss = security.get("XSSProtection") or {}
        if xss.get("ModeBlock") and xss.get("ReportUri"):
            raise cloudfront_error("InvalidArgument", "XSSProtection: ReportUri cannot be used with ModeBlock true.")
        csp = (security.get("ContentSecurityPolicy") or {}).get("ContentSecurityPolicy") or ""
        if len(csp) > MAX_CSP_LENGTH:
            raise cloudfront_error("TooLongCSPInResponseHeadersPolicy")
        custom = items_of(config.get("CustomHeadersConfig"))
        if len(custom) > MAX_CUSTOM_HEADERS_PER_RESPONSE_HEADERS_POLICY:
            raise cloudfront_error("TooManyCustomHeadersInResponseHeadersPolicy")
        removed = [str(item.get("Header") or "") for item in items_of(config.get("RemoveHeadersConfig"))]
        if len(removed) > MAX_REMOVE_HEADERS_PER_RESPONSE_HEADERS_POLICY:
            raise cloudfront_error("TooManyRemoveHeadersInResponseHeadersPolicy")
        refused = [name for name in removed if unremovable_header(name)]
        if refused:
            raise cloudfront_error("InvalidArgument", f"A response headers policy cannot remove {', '.join(refused)}.")
        timing = config.get("ServerTimingHeadersConfig") or {}
        rate = timing.get("SamplingRate")
        if rate is not None and not 0 <= float(rate) <= 100:
            raise cloudfront_error("InvalidArgument", "SamplingRate must be between 0 and 100.")
        return config

    def _create_policy(self, kind: PolicyKind) -> ActionResult:
        """Create{kind}: 201, ``Location`` and ``ETag`` headers."""
        config = self._policy_config(kind)
        if len(self._policies(kind)) >= kind.quota:
            raise cloudfront_error(f"TooMany{kind.plural}")
        policy = Policy(kind.member, str(mock_random.uuid4()), config, new_etag(), utcnow())
        self._policies(kind)[policy.id] = policy
        return ActionResult(
            {kind.member: policy.to_api(), "Location": f"{LOCATION_BASE}/{kind.path}/{policy.id}", "ETag": policy.etag}
        )

    def _get_policy(self, kind: PolicyKind, config_only: bool = False) -> ActionResult:
        """Get{kind} and Get{kind}Config (managed policies included)."""
        policy = self._find_policy(kind, self._get_param("Id"))
        if config_only:
            return ActionResult({f"{kind.member}Config": policy.config, "ETag": policy.etag})
        return ActionResult({kind.member: policy.to_api(), "ETag": policy.etag})

    def _update_policy(self, kind: PolicyKind) -> ActionResult:
        """Update{kind}: the whole config is replaced; managed policies answer ``IllegalUpdate``."""
        policy = self._find_policy(kind, self._get_param("Id"))
        if policy.managed:
            raise cloudfront_error("IllegalUpdate", f"Managed {kind.label} cannot be updated.")
        self._check_if_match(policy.etag)
        policy.config = self._policy_config(kind, except_id=policy.id)
        policy.etag, policy.last_modified = new_etag(), utcnow()
        return ActionResult({kind.member: policy.to_api(), "ETag": policy.etag})

    def _delete_policy(self, kind: PolicyKind) -> EmptyResult:
        """Delete{kind}: refused for managed policies and for a policy a cache behaviour uses ({kind}InUse)."""
        policy = self._find_policy(kind, self._get_param("Id"))
        if policy.managed:
            raise cloudfront_error("IllegalDelete", f"Managed {kind.label} cannot be deleted.")
        self._check_if_match(policy.etag)
        for _, config in self._local_distributions():
            if any(b.get(kind.behaviour_field) == policy.id for b in cache_behaviours(config)):
                raise cloudfront_error(f"{kind.member}InUse")
        del self._policies(kind)[policy.id]
        return EmptyResult()

    def _list_policies(self, kind: PolicyKind) -> ActionResult:
        """List{kind.plural}: ``Type`` managed, custom or absent (both, managed first)."""
        policy_type = self._get_param("Type")
        if policy_type not in (None, "", "managed", "custom"):
            raise cloudfront_error("InvalidArgument", f"Type {policy_type!r} is not one of managed, custom.")
        summaries: list[dict[str, Any]] = []
        if policy_type in (None, "", "managed"):
            summaries += [{"Type": "managed", kind.member: p.to_api()} for p in kind.managed.values()]
        if policy_type in (None, "", "custom"):
            summaries += [{"Type": "custom", kind.member: p.to_api()} for p in self._policies(kind).values()]
        page, next_marker, max_items = self._page(summaries, lambda summary: summary[kind.member]["Id"])
        listing: dict[str, Any] = {"MaxItems": max_items, "Quantity": len(page), "Items": page}
        if next_marker:
            listing["NextMarker"] = next_marker
        return ActionResult({f"{kind.member}List": listing})

    def create_cache_policy(self) -> ActionResult:
        return self._create_policy(CACHE_POLICY)

    def get_cache_policy(self) -> ActionResult:
        return self._get_policy(CACHE_POLICY)

    def get_cache_policy_config(self) -> ActionResult:
        return self._get_policy(CACHE_POLICY, config_only=True)

    def update_cache_policy(self) -> ActionResult:
        return self._update_policy(CACHE_POLICY)

    def delete_cache_policy(self) -> EmptyResult:
        return self._delete_policy(CACHE_POLICY)

    def list_cache_policies(self) -> ActionResult:
        return self._list_policies(CACHE_POLICY)

    def create_response_headers_policy(self) -> ActionResult:
        return self._create_policy(RESPONSE_HEADERS_POLICY)

    def get_response_headers_policy(self) -> ActionResult:
        return self._get_policy(RESPONSE_HEADERS_POLICY)

    def get_response_headers_policy_config(self) -> ActionResult:
        return self._get_policy(RESPONSE_HEADERS_POLICY, config_only=True)

    def update_response_headers_policy(self) -> ActionResult:
        return self._update_policy(RESPONSE_HEADERS_POLICY)

    def delete_response_headers_policy(self) -> EmptyResult:
        return self._delete_policy(RESPONSE_HEADERS_POLICY)

    def list_response_headers_policies(self) -> ActionResult:
        return self._list_policies(RESPONSE_HEADERS_POLICY)

    # ---- public keys ------------------------------------------------------------------------------

    def _find_public_key(self, key_id: str) -> PublicKey:
        key = self.state.public_keys.get(key_id)
        if key is None:
            raise cloudfront_error("NoSuchPublicKey")
        return key

    def create_public_key(self) -> ActionResult:
        """CreatePublicKey: 201, ``Location`` and ``ETag`` headers."""
        config = copy.deepcopy(self._get_param("PublicKeyConfig") or {})
        _check_comment(config)
        check_encoded_key(config.get("EncodedKey"))
        if any(key.config.get("Name") == config.get("Name") for key in self.state.public_keys.values()):
            raise cloudfront_error("PublicKeyAlreadyExists", "A public key with this name already exists.")
        if len(self.state.public_keys) >= MAX_PUBLIC_KEYS:
            raise cloudfront_error("TooManyPublicKeys")
        key = PublicKey(_random_id("K"), config, new_etag(), utcnow())
        self.state.public_keys[key.id] = key
        return ActionResult(
            {"PublicKey": key.to_api(), "Location": f"{LOCATION_BASE}/public-key/{key.id}", "ETag": key.etag}
        )

    def get_public_key(self) -> ActionResult:
        """GetPublicKey."""
        key = self._find_public_key(self._get_param("Id"))
        return ActionResult({"PublicKey": key.to_api(), "ETag": key.etag})

    def get_public_key_config(self) -> ActionResult:
        """GetPublicKeyConfig."""
        key = self._find_public_key(self._get_param("Id"))
        return ActionResult({"PublicKeyConfig": key.config, "ETag": key.etag})

    def update_public_key(self) -> ActionResult:
        """UpdatePublicKey: documented as "the only value you can change is the comment"."""
        key = self._find_public_key(self._get_param("Id"))
        self._check_if_match(key.etag)
        config = copy.deepcopy(self._get_param("PublicKeyConfig") or {})
        _check_comment(config)
        if (config.get("EncodedKey") or "").strip() != (key.config.get("EncodedKey") or "").strip():
            raise cloudfront_error("CannotChangeImmutablePublicKeyFields")
        for immutable in ("Name", "CallerReference"):
            if config.get(immutable) != key.config.get(immutable):
                raise cloudfront_error("IllegalUpdate", f"The {immutable} of a public key cannot be changed.")
        if "Comment" in config:
            key.config["Comment"] = config["Comment"]
        else:
            key.config.pop("Comment", None)
        key.etag = new_etag()
        return ActionResult({"PublicKey": key.to_api(), "ETag": key.etag})

    def delete_public_key(self) -> EmptyResult:
        """DeletePublicKey: refused while a key group lists the key (``PublicKeyInUse``)."""
        key = self._find_public_key(self._get_param("Id"))
        self._check_if_match(key.etag)
        if any(key.id in group.config.get("Items", []) for group in self.state.key_groups.values()):
            raise cloudfront_error("PublicKeyInUse")
        del self.state.public_keys[key.id]
        return EmptyResult()

    def list_public_keys(self) -> ActionResult:
        """ListPublicKeys."""
        page, next_marker, max_items = self._page(list(self.state.public_keys.values()), lambda key: key.id)
        listing: dict[str, Any] = {"MaxItems": max_items, "Quantity": len(page), "Items": [k.summary() for k in page]}
        if next_marker:
            listing["NextMarker"] = next_marker
        return ActionResult({"PublicKeyList": listing})

    # ---- key groups -------------------------------------------------------------------------------

    def _find_key_group(self, group_id: str) -> KeyGroup:
        group = self.state.key_groups.get(group_id)
        if group is None:
            raise cloudfront_error("NoSuchResource", "The specified key group does not exist.")
        return group

    def _key_group_config(self, except_id: str | None = None) -> dict[str, Any]:
        """The request's ``KeyGroupConfig``, validated against the public keys and the other groups."""
        config = copy.deepcopy(self._get_param("KeyGroupConfig") or {})
        config["Items"] = list(config.get("Items") or [])
        _check_comment(config)
        if not config["Items"]:
            raise cloudfront_error("InvalidArgument", "A key group must contain at least one public key.")
        if len(config["Items"]) > MAX_PUBLIC_KEYS_PER_KEY_GROUP:
            raise cloudfront_error("TooManyPublicKeysInKeyGroup")
        for key_id in config["Items"]:
            if key_id not in self.state.public_keys:
                raise cloudfront_error("InvalidArgument", f"The public key {key_id} does not exist.")
        for group in self.state.key_groups.values():
            if group.id != except_id and group.config.get("Name") == config.get("Name"):
                raise cloudfront_error("KeyGroupAlreadyExists")
        return config

    def create_key_group(self) -> ActionResult:
        """CreateKeyGroup: 201, ``Location`` and ``ETag`` headers."""
        config = self._key_group_config()
        if len(self.state.key_groups) >= MAX_KEY_GROUPS:
            raise cloudfront_error("TooManyKeyGroups")
        group = KeyGroup(str(mock_random.uuid4()), config, new_etag(), utcnow())
        self.state.key_groups[group.id] = group
        return ActionResult(
            {"KeyGroup": group.to_api(), "Location": f"{LOCATION_BASE}/key-group/{group.id}", "ETag": group.etag}
        )

    def get_key_group(self) -> ActionResult:
        """GetKeyGroup."""
        group = self._find_key_group(self._get_param("Id"))
        return ActionResult({"KeyGroup": group.to_api(), "ETag": group.etag})

    def get_key_group_config(self) -> ActionResult:
        """GetKeyGroupConfig."""
        group = self._find_key_group(self._get_param("Id"))
        return ActionResult({"KeyGroupConfig": group.config, "ETag": group.etag})

    def update_key_group(self) -> ActionResult:
        """UpdateKeyGroup: the whole config is replaced."""
        group = self._find_key_group(self._get_param("Id"))
        self._check_if_match(group.etag)
        group.config = self._key_group_config(except_id=group.id)
        group.etag, group.last_modified = new_etag(), utcnow()
        return ActionResult({"KeyGroup": group.to_api(), "ETag": group.etag})

    def delete_key_group(self) -> EmptyResult:
        """DeleteKeyGroup: refused while a cache behaviour trusts the group (``ResourceInUse``)."""
        group = self._find_key_group(self._get_param("Id"))
        self._check_if_match(group.etag)
        if any(group.id in trusted_key_group_ids(config) for _, config in self._local_distributions()):
            raise cloudfront_error("ResourceInUse", "Cannot delete this key group because a distribution uses it.")
        del self.state.key_groups[group.id]
        return EmptyResult()

    def list_key_groups(self) -> ActionResult:
        """ListKeyGroups."""
        page, next_marker, max_items = self._page(list(self.state.key_groups.values()), lambda group: group.id)
        listing: dict[str, Any] = {
            "MaxItems": max_items,
            "Quantity": len(page),
            "Items": [{"KeyGroup": group.to_api()} for group in page],
        }
        if next_marker:
            listing["NextMarker"] = next_marker
        return ActionResult({"KeyGroupList": listing})

    # ---- origin access controls -------------------------------------------------------------------

    def _check_origin_access_control_name(self, name: Any, except_id: str | None = None) -> None:
        for control in self.backend.origin_access_controls.values():
            if control.id != except_id and control.name == name:
                raise cloudfront_error(
                    "OriginAccessControlAlreadyExists", f"An origin access control named {name} already exists."
                )

    def create_origin_access_control(self) -> ActionResult:
        """CreateOriginAccessControl: names are unique, at most 100 per account."""
        config = self._get_param("OriginAccessControlConfig") or {}
        self._check_origin_access_control_name(config.get("Name"))
        if len(self.backend.origin_access_controls) >= MAX_ORIGIN_ACCESS_CONTROLS:
            raise cloudfront_error("TooManyOriginAccessControls")
        return super().create_origin_access_control()

    def update_origin_access_control(self) -> ActionResult:
        """UpdateOriginAccessControl with ``IfMatch`` checked, the ETag rotated and the name kept unique."""
        control = self.backend.get_origin_access_control(self._get_param("Id"))
        self._check_if_match(control.etag)
        config = self._get_param("OriginAccessControlConfig") or {}
        self._check_origin_access_control_name(config.get("Name"), except_id=control.id)
        result = super().update_origin_access_control()
        control.etag = new_etag()
        result.result["ETag"] = control.etag  # type: ignore[index]
        return result

    def delete_origin_access_control(self) -> EmptyResult:
        """DeleteOriginAccessControl: 404 if absent, ``IfMatch`` checked, refused while an origin uses it."""
        control = self.backend.get_origin_access_control(self._get_param("Id"))
        self._check_if_match(control.etag)
        for _, config in self._local_distributions():
            if any(o.get("OriginAccessControlId") == control.id for o in items_of(config.get("Origins"))):
                raise cloudfront_error("OriginAccessControlInUse")
        self.backend.delete_origin_access_control(control.id)
        return EmptyResult()

    # ---- distributions ----------------------------------------------------------------------------

    def _local_distributions(self) -> Iterator[tuple[Distribution, dict[str, Any]]]:
        """Distributions of this account with the configuration this module keeps for them."""
        for dist in self.backend.distributions.values():
            config = getattr(dist, "local_aws_config", None)
            if config is not None:
                yield dist, config

    def _find_distribution(self, dist_id: str) -> Distribution:
        dist = self.backend.distributions.get(dist_id)
        if dist is None:
            raise cloudfront_error("NoSuchDistribution")
        return dist

    def _validate_distribution_config(self, config: dict[str, Any], dist_id: str | None = None) -> None:
        """Check what CloudFront checks and moto does not: quantities, origins, the viewer certificate and
        the aliases it must cover, and every referenced resource. ``dist_id``: the distribution updated."""
        _check_quantities(config)
        _check_geo_restriction(config)
        self._validate_viewer_certificate(config, dist_id)
        web_acl_id = config.get("WebACLId") or ""
        # CloudFront API reference, DistributionConfig.WebACLId / InvalidWebACLId: a WAF (v2) web ACL is named by
        # its ARN (scope CLOUDFRONT, us-east-1). WAF Classic IDs are not emulated: WAF Classic is retired.
        if web_acl_id and not wafv2.cloudfront_web_acl_exists(self.current_account, self.partition, web_acl_id):
            raise cloudfront_error(
                "InvalidWebACLId",
                f"Web ACL {web_acl_id} is not the ARN of a web ACL of scope CLOUDFRONT in this account.",
            )
        for origin in items_of(config.get("Origins")):
            self._validate_origin(origin)
        for behaviour in cache_behaviours(config):
            policy_id = behaviour.get("CachePolicyId")
            if policy_id and behaviour.get("ForwardedValues") is not None:
                raise cloudfront_error(
                    "InvalidArgument",
                    "The parameter ForwardedValues cannot be used when a cache policy is associated to the cache "
                    "behavior.",
                )
            if not policy_id and behaviour.get("ForwardedValues") is None:
                raise cloudfront_error("InvalidArgument", "The parameter ForwardedValues is required.")
            if policy_id:
                self._find_cache_policy(policy_id)
            headers_policy_id = behaviour.get("ResponseHeadersPolicyId")
            if headers_policy_id:
                # CreateDistribution/UpdateDistribution list NoSuchResponseHeadersPolicy for an unknown ID.
                self._find_response_headers_policy(headers_policy_id)
            group_ids = items_of(behaviour.get("TrustedKeyGroups"))
            if len(group_ids) > MAX_KEY_GROUPS_PER_CACHE_BEHAVIOR:
                raise cloudfront_error(
                    "TooManyKeyGroupsAssociatedToDistribution",
                    f"A cache behavior can trust at most {MAX_KEY_GROUPS_PER_CACHE_BEHAVIOR} key groups.",
                )
            for group_id in group_ids:
                if group_id not in self.state.key_groups:
                    raise cloudfront_error("TrustedKeyGroupDoesNotExist", f"The key group {group_id} does not exist.")

    def _validate_origin(self, origin: dict[str, Any]) -> None:
        """One origin: its kind matches its domain, and an origin access control fits the origin.

        API reference, ``Origin``: ``S3OriginConfig`` for an S3 bucket that is not a website endpoint,
        ``CustomOriginConfig`` for every other origin (website endpoints included), ``VpcOriginConfig`` for a
        VPC origin: exactly one of them. ``OriginAccessControlOriginType``: an origin access control is for
        an S3, MediaStore, MediaPackage v2 or Lambda function URL origin of that type.
        """
        domain = str(origin.get("DomainName") or "").strip().lower()
        kinds = [kind for kind in ("S3OriginConfig", "CustomOriginConfig", "VpcOriginConfig") if kind in origin]
        if len(kinds) != 1:
            raise cloudfront_error(
                "InvalidArgument",
                f"Origin {origin.get('Id')}: specify exactly one of S3OriginConfig, CustomOriginConfig and "
                "VpcOriginConfig.",
            )
        s3_rest = bool(_S3_REST_DOMAIN.match(domain)) and not _S3_WEBSITE_DOMAIN.match(domain)
        if kinds == ["S3OriginConfig"] and not s3_rest:
            raise cloudfront_error(
                "InvalidArgument",
                f"Origin {origin.get('Id')}: S3OriginConfig is for an Amazon S3 bucket REST endpoint, not {domain}; "
                "use CustomOriginConfig for any other origin.",
            )
        if kinds == ["CustomOriginConfig"] and s3_rest:
            raise cloudfront_error(
                "InvalidArgument",
                f"Origin {origin.get('Id')}: {domain} is an Amazon S3 bucket (not a website endpoint); use "
                "S3OriginConfig.",
            )
        control_id = origin.get("OriginAccessControlId")
        if not control_id:
            return
        control = self.backend.origin_access_controls.get(control_id)
        if control is None:
            raise cloudfront_error(
                "InvalidOriginAccessControl", f"The origin access control {control_id} does not exist."
            )
        if (origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity"):
            raise cloudfront_error("IllegalOriginAccessConfiguration")
        pattern = _OAC_ORIGIN_DOMAINS.get(str(control.origin_type))
        if pattern is None or not pattern.match(domain) or _S3_WEBSITE_DOMAIN.match(domain):
            raise cloudfront_error(
                "InvalidDomainNameForOriginAccessControl",
                f"The origin access control {control_id} is for {control.origin_type} origins; {domain} is not one.",
            )

    def _validate_viewer_certificate(self, config: dict[str, Any], dist_id: str | None) -> None:
        """The ``ViewerCertificate`` and the ``Aliases`` it must cover.

        API reference, ``ViewerCertificate``: the CloudFront certificate, or ``ACMCertificateArn`` or
        ``IAMCertificateId`` ("one, not both"); with aliases, ``CloudFrontDefaultCertificate`` false and a
        certificate plus ``MinimumProtocolVersion`` and ``SSLSupportMethod``; ACM certificates only from
        us-east-1; sni-only needs TLSv1 or later; static-ip only when the CloudFront team enabled it.
        Developer Guide, "Requirements for using alternate domain names": the certificate must cover every
        alternate domain name, and a name can belong to one distribution only (``CNAMEAlreadyExists``).
        """
        certificate = config.get("ViewerCertificate") or {}
        chosen = [bool(certificate.get("CloudFrontDefaultCertificate")), bool(certificate.get("ACMCertificateArn"))]
        chosen.append(bool(certificate.get("IAMCertificateId")))
        if certificate and sum(chosen) != 1:
            # Documented: the CloudFront certificate, or ACMCertificateArn or IAMCertificateId ("one, not both").
            raise cloudfront_error("InvalidViewerCertificate")
        custom = bool(certificate.get("ACMCertificateArn") or certificate.get("IAMCertificateId"))
        if custom:
            for member in ("MinimumProtocolVersion", "SSLSupportMethod"):
                if not certificate.get(member):
                    raise cloudfront_error(
                        "InvalidViewerCertificate", f"{member} is required with an ACM or IAM certificate."
                    )
            if certificate["SSLSupportMethod"] == "static-ip":
                raise cloudfront_error(
                    "InvalidViewerCertificate", "static-ip is not enabled for this account by the CloudFront team."
                )
            if certificate["SSLSupportMethod"] == "sni-only" and certificate["MinimumProtocolVersion"] == "SSLv3":
                raise cloudfront_error(
                    "InvalidMinimumProtocolVersion", "With sni-only the minimum protocol version is TLSv1 or later."
                )
        aliases = [str(alias) for alias in items_of(config.get("Aliases"))]
        if not aliases:
            return
        if len(aliases) > MAX_CNAMES_PER_DISTRIBUTION:
            raise cloudfront_error("TooManyDistributionCNAMEs")
        for alias in aliases:
            if not _ALIAS.match(alias.lower()):
                raise cloudfront_error("InvalidArgument", f"The alternate domain name {alias!r} is not valid.")
        if not custom:
            raise cloudfront_error(
                "InvalidViewerCertificate",
                "To add an alternate domain name (CNAME) to a CloudFront distribution, you must attach a trusted "
                "certificate that validates your authorization to use the domain name.",
            )
        if certificate.get("ACMCertificateArn"):
            names = self._acm_certificate_names(str(certificate["ACMCertificateArn"]))
        else:
            names = self._iam_certificate_names(str(certificate["IAMCertificateId"]))
        for alias in aliases:
            if not any(name_covers(name, alias) for name in names):
                raise cloudfront_error(
                    "InvalidViewerCertificate",
                    f"The certificate that is attached to your distribution doesn't cover the alternate domain name "
                    f"(CNAME) {alias} that you're trying to add.",
                )
        wanted = {alias.lower() for alias in aliases}
        for other, other_config in self._local_distributions():
            if other.id == dist_id:
                continue
            taken = wanted & {str(alias).lower() for alias in items_of(other_config.get("Aliases"))}
            if taken:
                raise cloudfront_error(
                    "CNAMEAlreadyExists",
                    f"One or more of the CNAMEs you provided are already associated with a different resource: "
                    f"{', '.join(sorted(taken))}.",
                )

    def _acm_certificate_names(self, arn: str) -> list[str]:
        """The names an ACM certificate covers; it must be this account's, in us-east-1, and ISSUED."""
        parts = arn.split(":")
        if len(parts) < 6 or parts[2] != "acm" or not parts[5].startswith("certificate/"):
            raise cloudfront_error("InvalidViewerCertificate", f"{arn} is not an ACM certificate ARN.")
        if parts[3] != ACM_REGION:
            raise cloudfront_error(
                "InvalidViewerCertificate",
                f"The certificate {arn} is in {parts[3]}; CloudFront only supports ACM certificates in us-east-1.",
            )
        if parts[4] != self.current_account or parts[4] not in acm_backends:
            raise cloudfront_error("InvalidViewerCertificate", f"The certificate {arn} does not exist.")
        backend = acm_backends[parts[4]][ACM_REGION]
        if arn not in backend._certificates:
            raise cloudfront_error("InvalidViewerCertificate", f"The certificate {arn} does not exist.")
        bundle = backend.get_certificate(arn)  # recomputes the status (DNS validation, expiry)
        if bundle.status != "ISSUED":
            raise cloudfront_error("InvalidViewerCertificate", f"The certificate {arn} is {bundle.status}, not ISSUED.")
        described = bundle.describe()["Certificate"]
        return [described.get("DomainName") or "", *(described.get("SubjectAlternativeNames") or [])]

    def _iam_certificate_names(self, certificate_id: str) -> list[str]:
        """The names an IAM server certificate covers (subject CN and DNS subject alternative names)."""
        from moto.iam.models import iam_backends  # noqa: PLC0415

        # moto 5.2.5 reports one constant ServerCertificateId for every server certificate; the certificate's
        # real identifier is the key moto files it under.
        cert = iam_backends[self.current_account][self.partition].certificates.get(certificate_id)
        if cert is None:
            raise cloudfront_error("InvalidViewerCertificate", f"The IAM certificate {certificate_id} does not exist.")
        try:
            parsed = x509.load_pem_x509_certificate(str(cert.cert_body).encode())
        except ValueError:
            raise cloudfront_error("InvalidViewerCertificate", "The IAM certificate is not PEM.") from None
        names = [str(attr.value) for attr in parsed.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
        try:
            san = parsed.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            names += san.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound:
            pass
        return names

    def _keep(self, dist: Distribution, config: dict[str, Any]) -> None:
        """Record ``config`` on ``dist`` as a change: new ETag, new LastModifiedTime, InProgress."""
        dist.local_aws_config = distribution_config_as_returned(config)
        dist.etag = new_etag()
        dist.last_modified_time = utcnow()
        # moto's ManagedState: InProgress now, Deployed from the next GetDistribution on (the default
        # "manual, 1 tick" transition; /moto-api/state-manager can change it).
        dist.status = "InProgress"
        dist._tick = 0

    def _active_trusted_key_groups(self, config: dict[str, Any]) -> dict[str, Any]:
        """The ``ActiveTrustedKeyGroups`` shape: each trusted key group with its public key ids."""
        items = []
        for group_id in trusted_key_group_ids(config):
            group = self.state.key_groups.get(group_id)
            if group is not None:
                public_keys = list(group.config["Items"])
                items.append(
                    {"KeyGroupId": group_id, "KeyPairIds": {"Quantity": len(public_keys), "Items": public_keys}}
                )
        return {"Enabled": bool(items), "Quantity": len(items), "Items": items}

    def _distribution(self, dist: Distribution) -> dict[str, Any]:
        """The ``Distribution`` shape of a distribution this module keeps the config of."""
        config = dist.local_aws_config
        return {
            "Id": dist.id,
            "ARN": dist.arn,
            "Status": dist.status,
            "LastModifiedTime": dist.last_modified_time,
            "InProgressInvalidationBatches": 0,
            "DomainName": dist.domain_name,
            "ActiveTrustedSigners": {"Enabled": False, "Quantity": 0},
            "ActiveTrustedKeyGroups": self._active_trusted_key_groups(config),
            "DistributionConfig": config,
        }

    def _summary(self, dist: Distribution) -> dict[str, Any]:
        """The ``DistributionSummary`` shape."""
        config = dist.local_aws_config
        summary = {
            "Id": dist.id,
            "ARN": dist.arn,
            "ETag": dist.etag,
            "Status": dist.status,
            "LastModifiedTime": dist.last_modified_time,
            "DomainName": dist.domain_name,
        }
        for member in (
            "Aliases",
            "Origins",
            "OriginGroups",
            "DefaultCacheBehavior",
            "CacheBehaviors",
            "CustomErrorResponses",
            "Comment",
            "PriceClass",
            "Enabled",
            "ViewerCertificate",
            "Restrictions",
            "WebACLId",
            "HttpVersion",
            "IsIPV6Enabled",
            "Staging",
            "ConnectionMode",
            "AnycastIpListId",
        ):
            if member in config:
                summary[member] = config[member]
        return summary

    def _create(self, config: dict[str, Any], tags: list[dict[str, str]]) -> ActionResult:
        self._validate_distribution_config(config)
        dist, location, _ = self.backend.create_distribution(copy.deepcopy(config), tags)
        self._keep(dist, config)
        return ActionResult({"Distribution": self._distribution(dist), "Location": location, "ETag": dist.etag})

    def create_distribution(self) -> ActionResult:
        """CreateDistribution."""
        return self._create(self._get_param("DistributionConfig") or {}, [])

    def create_distribution_with_tags(self) -> ActionResult:
        """CreateDistributionWithTags."""
        config = self._get_param("DistributionConfigWithTags.DistributionConfig") or {}
        return self._create(config, self._get_param("DistributionConfigWithTags.Tags.Items", []) or [])

    def get_distribution(self) -> ActionResult:
        """GetDistribution (advances moto's InProgress -> Deployed transition)."""
        dist = self._find_distribution(self._get_param("Id"))
        if getattr(dist, "local_aws_config", None) is None:
            return super().get_distribution()
        dist.advance()
        return ActionResult({"Distribution": self._distribution(dist), "ETag": dist.etag})

    def get_distribution_config(self) -> ActionResult:
        """GetDistributionConfig."""
        dist = self._find_distribution(self._get_param("Id"))
        if getattr(dist, "local_aws_config", None) is None:
            return super().get_distribution_config()
        return ActionResult({"DistributionConfig": dist.local_aws_config, "ETag": dist.etag})

    def update_distribution(self) -> ActionResult:
        """UpdateDistribution: ``IfMatch`` checked, config replaced, CallerReference immutable."""
        dist = self._find_distribution(self._get_param("Id"))
        self._check_if_match(dist.etag)
        config = self._get_param("DistributionConfig") or {}
        if config.get("CallerReference") != dist.distribution_config.caller_reference:
            raise cloudfront_error("IllegalUpdate", "You can't change the value of CallerReference.")
        self._validate_distribution_config(config, dist.id)
        self.backend.update_distribution(copy.deepcopy(config), dist.id, if_match=True)
        self._keep(dist, config)
        return ActionResult({"Distribution": self._distribution(dist), "ETag": dist.etag})

    def delete_distribution(self) -> EmptyResult:
        """DeleteDistribution: ``IfMatch`` checked; an enabled distribution answers ``DistributionNotDisabled``."""
        dist = self._find_distribution(self._get_param("Id"))
        self._check_if_match(dist.etag)
        config = getattr(dist, "local_aws_config", None)
        enabled = config["Enabled"] if config is not None else dist.distribution_config.Enabled
        if enabled:
            raise cloudfront_error("DistributionNotDisabled")
        self.backend.delete_distribution(dist.id, if_match=True)
        return EmptyResult()

    def list_distributions(self) -> ActionResult:
        """ListDistributions (markers are distribution ids)."""
        dists = list(self.backend.distributions.values())
        for dist in dists:
            dist.advance()
        page, next_marker, max_items = self._page(dists, lambda dist: dist.id)
        listing: dict[str, Any] = {
            "Marker": self._get_param("Marker") or "",
            "MaxItems": max_items,
            "IsTruncated": next_marker is not None,
            "Quantity": len(page),
            "Items": [self._summary(d) if getattr(d, "local_aws_config", None) is not None else d for d in page],
        }
        if next_marker:
            listing["NextMarker"] = next_marker
        return ActionResult({"DistributionList": listing})


# --------------------------------------------------------------------------------------------------
# The extension
# --------------------------------------------------------------------------------------------------


class _ServerRequest(Request):
    """moto's normalized request, built from the WSGI environ of a real server."""

    from_wsgi_server = True


class CloudFrontExtension:
    """Answers CloudFront API requests with :class:`LocalCloudFrontResponse`; see the module docstring."""

    name = "cloudfront"

    def __init__(self) -> None:
        """Create an empty store and a responder class bound to it."""
        self.store = CloudFrontStore()
        # A certificate a distribution uses is in ACM's InUseBy and cannot be deleted there.
        local_acm.register_in_use_source(acm_certificate_users)
        self.responder: type[LocalCloudFrontResponse] = type(
            "BoundLocalCloudFrontResponse", (LocalCloudFrontResponse,), {"store": self.store}
        )

    def matches(self, environ: dict[str, Any]) -> bool:
        """Claim REST paths of the 2020-05-31 API signed for the ``cloudfront`` service."""
        return str(environ.get("PATH_INFO", "")).startswith(API_PREFIX) and bool(
            _CLOUDFRONT_SCOPE.search(str(environ.get("HTTP_AUTHORIZATION", "")))
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Dispatch to the responder the way moto's server does, and send its answer."""
        request = _ServerRequest(environ)
        status, headers, body = self.responder.dispatch(request, request.raw_url, dict(request.headers))
        headers = {key: str(value) for key, value in headers.items() if key.lower() != "status"}
        return Response(body, status=int(status), headers=headers)(environ, start_response)

    def reset(self) -> None:
        """Forget every cache policy, response headers policy, key group and public key (moto's reset empties the
        rest)."""
        self.store.reset()

    def snapshot(self) -> object:
        """The store's state (:mod:`local_aws.snapshots`)."""
        return self.store.snapshot()

    def restore(self, state: Any) -> None:
        """Put a snapshot's state back."""
        self.store.restore(state)
