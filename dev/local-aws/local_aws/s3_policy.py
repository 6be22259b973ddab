"""Bucket policy evaluation as AWS does it, in place of moto's.

moto 5.2 evaluates bucket policies on object requests, but in two ways that differ from AWS
(measured; see ``tests/local_aws/test_s3_policy.py``):

* a statement whose ``Condition`` does not hold makes moto answer *denied*, where AWS ignores the
  statement. With moto, ``{"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
  ..., "Condition": {"StringEquals": {"AWS:SourceArn": ...}}}`` denies the bucket owner's own GetObject;
* no request context reaches the conditions, so ``aws:SecureTransport`` is never known and the
  ``DenyInsecureTransport`` statement (``Bool aws:SecureTransport false``) denies every request, HTTPS
  or not.

This module evaluates a policy the way the IAM policy evaluation logic documents it, for the elements
bucket policies use: ``Effect``, ``Principal``/``NotPrincipal`` (``*``, ``AWS`` account IDs and ARNs,
``Service``), ``Action``/``NotAction`` and ``Resource``/``NotResource`` with ``*`` and ``?`` wildcards
(actions case-insensitively), and ``Condition`` with the string, ARN, boolean, ``Null`` and IP address
operators, their ``IfExists`` forms and case-insensitive keys. Explicit deny wins over allow; no
matching statement is neutral (for the bucket owner's account, identity permissions then decide, and
the local AWS grants those).

:func:`install` replaces ``FakeBucket.get_permission`` in the server process. The request context
(scheme, source IP) comes from :func:`set_request_context`, which the WSGI app calls per request;
requests that our own emulations make on behalf of a service (the CloudFront edge reading an origin)
pass their own :class:`Caller` and context to :func:`evaluate`.
"""

from __future__ import annotations

import ipaddress
import json
import re
import threading
from dataclasses import dataclass
from dataclasses import field
from enum import Enum
from typing import Any

DEFAULT_ACCOUNT_ID = "123456789012"

#: The account of an unsigned request: no account, so no account grant ever covers it.
ANONYMOUS_ACCOUNT = "anonymous"

#: Condition keys whose fixed values make an ``Allow`` to everyone non-public (the S3 user guide,
#: "Blocking public access to your Amazon S3 storage", section "The meaning of public").
NON_PUBLIC_CONDITION_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceArn",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:SourceIp",
        "aws:userid",
        "s3:DataAccessPointArn",
        "s3:DataAccessPointAccount",
    )
)


class Decision(Enum):
    """Outcome of evaluating one policy."""

    ALLOW = "allow"
    DENY = "deny"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Caller:
    """Who makes the request: an IAM identity of an account, or an AWS service principal."""

    account_id: str = DEFAULT_ACCOUNT_ID
    arn: str | None = None
    service: str | None = None
    #: ``user``, ``assumed-role``, ``anonymous``, ``service`` or ``root`` (no ARN known: the account).
    kind: str = "root"
    #: User name, or role name of an assumed-role session.
    name: str | None = None
    #: The role behind an assumed-role session (bucket and trust policies may name the role).
    role_arn: str | None = None
    #: Session policy of an assumed-role session (JSON), which limits what the role's policies allow.
    session_policy: str | None = None

    @property
    def anonymous(self) -> bool:
        """True for an unsigned request."""
        return self.kind == "anonymous" or self.account_id == ANONYMOUS_ACCOUNT

    @property
    def identity_arn(self) -> str:
        """The caller's ARN (the account root when no ARN is known)."""
        return self.arn or f"arn:aws:iam::{self.account_id}:root"


@dataclass
class RequestContext:
    """The caller and the global condition keys of one request."""

    caller: Caller = field(default_factory=Caller)
    values: dict[str, Any] = field(default_factory=dict)


_LOCAL = threading.local()


def set_request_context(environ: dict[str, Any]) -> None:
    """Record the context of the WSGI request this thread is answering."""
    secure = environ.get("wsgi.url_scheme") == "https"
    values: dict[str, Any] = {"aws:SecureTransport": "true" if secure else "false"}
    if environ.get("REMOTE_ADDR"):
        values["aws:SourceIp"] = environ["REMOTE_ADDR"]
    _LOCAL.context = RequestContext(values=values)


def set_context(context: RequestContext) -> None:
    """Record the authenticated caller and condition keys of the request this thread is answering."""
    _LOCAL.context = context


def current_context() -> RequestContext:
    """The context recorded for this thread (a default HTTPS owner request outside any request)."""
    context = getattr(_LOCAL, "context", None)
    return context if context is not None else RequestContext(values={"aws:SecureTransport": "true"})


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def wildcard(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM/CloudFront wildcard match: ``*`` any run of characters (``/`` included), ``?`` one, nothing else special."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _principal_matches(principal: Any, caller: Caller) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for kind, values in principal.items():
        for value in _as_list(values):
            if kind == "AWS" and value == "*":
                return True
            if kind == "AWS" and caller.service is None and not caller.anonymous:
                # An account ID or its root ARN names every identity of the account; a role ARN its sessions.
                names = (caller.account_id, f"arn:aws:iam::{caller.account_id}:root", caller.identity_arn)
                if value in names or (caller.role_arn is not None and value == caller.role_arn):
                    return True
            elif kind == "Service" and caller.service is not None and value == caller.service:
                return True
    return False


_STRING_OPERATORS = {
    "StringEquals": (lambda want, have: want == have, False),
    "StringNotEquals": (lambda want, have: want == have, True),
    "StringEqualsIgnoreCase": (lambda want, have: want.lower() == have.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda want, have: want.lower() == have.lower(), True),
    "StringLike": (wildcard, False),
    "StringNotLike": (wildcard, True),
    "ArnEquals": (wildcard, False),
    "ArnLike": (wildcard, False),
    "ArnNotEquals": (wildcard, True),
    "ArnNotLike": (wildcard, True),
    "Bool": (lambda want, have: str(want).lower() == str(have).lower(), False),
    "IpAddress": (lambda want, have: ipaddress.ip_address(have) in ipaddress.ip_network(want, strict=False), False),
    "NotIpAddress": (
        lambda want, have: ipaddress.ip_address(have) in ipaddress.ip_network(want, strict=False),
        True,
    ),
}


class UnsupportedCondition(ValueError):
    """A condition operator this evaluator does not implement."""


def _condition_holds(operator: str, key: str, wanted: Any, values: dict[str, Any]) -> bool:
    lowered = {name.lower(): value for name, value in values.items()}
    present = key.lower() in lowered
    have = lowered.get(key.lower())
    if operator == "Null":
        return any(str(want).lower() == ("false" if present else "true") for want in _as_list(wanted))
    if_exists = operator.endswith("IfExists")
    base = operator[: -len("IfExists")] if if_exists else operator
    if base not in _STRING_OPERATORS:
        raise UnsupportedCondition(f"condition operator {operator} is not supported by the local AWS")
    match, negated = _STRING_OPERATORS[base]
    if not present:
        # AWS: a missing key fails a positive operator and satisfies a negated one; IfExists passes.
        return if_exists or negated
    matched = any(match(str(want), str(item)) for want in _as_list(wanted) for item in _as_list(have))
    return not matched if negated else matched


def _conditions_hold(condition: dict[str, Any] | None, values: dict[str, Any]) -> bool:
    for operator, pairs in (condition or {}).items():
        for key, wanted in pairs.items():
            if not _condition_holds(operator, key, wanted, values):
                return False
    return True


def statement_applies(statement: dict[str, Any], action: str, resource: str, context: RequestContext) -> bool:
    """True if ``statement`` covers this caller, action, resource and its conditions hold."""
    if "Principal" in statement and not _principal_matches(statement["Principal"], context.caller):
        return False
    if "NotPrincipal" in statement and _principal_matches(statement["NotPrincipal"], context.caller):
        return False
    if "Action" in statement:
        if not any(wildcard(p, action, ignore_case=True) for p in _as_list(statement["Action"])):
            return False
    elif any(wildcard(p, action, ignore_case=True) for p in _as_list(statement.get("NotAction", []))):
        return False
    if "Resource" in statement:
        if not any(wildcard(p, resource) for p in _as_list(statement["Resource"])):
            return False
    elif "NotResource" in statement and any(wildcard(p, resource) for p in _as_list(statement["NotResource"])):
        return False
    return _conditions_hold(statement.get("Condition"), context.values)


def evaluate(
    policy: str | bytes | dict[str, Any] | None, action: str, resource: str, context: RequestContext
) -> Decision:
    """Evaluate a resource policy for one request: explicit deny, else allow, else neutral."""
    if policy is None:
        return Decision.NEUTRAL
    document = json.loads(policy) if isinstance(policy, (str, bytes)) else policy
    decision = Decision.NEUTRAL
    for statement in _as_list(document.get("Statement", [])):
        if statement_applies(statement, action, resource, context):
            if statement.get("Effect") == "Deny":
                return Decision.DENY
            decision = Decision.ALLOW
    return decision


def is_public_policy(policy: str | bytes | dict[str, Any] | None) -> bool:
    """True if the policy grants anything to everyone (the S3 user guide, "The meaning of public").

    An ``Allow`` whose principal is ``*`` (or ``{"AWS": "*"}``) is public unless a condition pins one of the
    documented keys (:data:`NON_PUBLIC_CONDITION_KEYS`) to fixed values; a wildcard value does not pin it.
    """
    if policy is None:
        return False
    document = json.loads(policy) if isinstance(policy, (str, bytes)) else policy
    for statement in _as_list(document.get("Statement", [])):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS", [])))
        if "NotPrincipal" in statement:
            everyone = True
        if not everyone:
            continue
        pinned = False
        for operator, pairs in (statement.get("Condition") or {}).items():
            if operator.startswith(("StringNotEquals", "StringNotLike", "ArnNot", "NotIpAddress", "Null")):
                continue
            for key, wanted in pairs.items():
                values = [str(v) for v in _as_list(wanted)]
                if key.lower() in NON_PUBLIC_CONDITION_KEYS and not any("*" in v or "?" in v for v in values):
                    if key.lower() == "aws:sourceip" and any(v.endswith("/0") for v in values):
                        continue
                    pinned = True
        if not pinned:
            return True
    return False


def moto_bucket(name: str) -> Any:
    """moto's bucket called ``name`` in whichever account owns it, or None (server process only)."""
    from moto.s3.models import s3_backends  # noqa: PLC0415  (moto is loaded by the server only)

    found = s3_backends.bucket_accounts.get(name)
    if found is None:
        return None
    partition, account_id = found
    return s3_backends[account_id][partition].buckets.get(name)


def block_public_access(bucket: Any) -> Any:
    """The bucket's Block Public Access configuration (moto's ``PublicAccessBlock``), or None."""
    return getattr(bucket, "public_access_block", None)


def bucket_allows(bucket: Any, action: str, resource: str, context: RequestContext) -> bool:
    """True if ``context.caller`` may perform ``action`` on ``resource`` of a moto ``bucket``.

    As S3 evaluates it (the S3 user guide, "How Amazon S3 authorizes a request"): an explicit deny in the bucket
    policy or the caller's identity policies refuses; an identity of the bucket owner's account needs an allow
    from either; an AWS service principal or an anonymous caller needs an allow from the bucket policy; an
    identity of another account needs both. RestrictPublicBuckets makes a public bucket policy grant nothing to
    anyone outside the owner's account except AWS service principals.
    """
    from local_aws import iam_auth  # noqa: PLC0415  (iam_auth imports this module)

    caller = context.caller
    resource_decision = evaluate(bucket.policy, action, resource, context)
    if resource_decision is Decision.DENY:
        return False
    same_account = caller.service is None and not caller.anonymous and caller.account_id == bucket.account_id
    block = block_public_access(bucket)
    if (
        resource_decision is Decision.ALLOW
        and block is not None
        and block.restrict_public_buckets
        and caller.service is None
        and not same_account
        and is_public_policy(bucket.policy)
    ):
        resource_decision = Decision.NEUTRAL
    if caller.service is not None or caller.anonymous:
        return resource_decision is Decision.ALLOW
    if caller.kind == "root":
        # No identity known (a request our own emulation makes for the account): the account's own grant.
        return same_account or resource_decision is Decision.ALLOW
    identity = iam_auth.identity_decision(action, resource, context)
    if identity is Decision.DENY:
        return False
    if same_account:
        return Decision.ALLOW in (identity, resource_decision)
    return identity is Decision.ALLOW and resource_decision is Decision.ALLOW


def install() -> None:
    """Make moto's buckets evaluate their policies with :func:`evaluate` and the request's context."""
    from moto.iam.access_control import PermissionResult  # noqa: PLC0415  (server process only)
    from moto.s3.models import FakeBucket  # noqa: PLC0415

    results = {
        Decision.ALLOW: PermissionResult.PERMITTED,
        Decision.DENY: PermissionResult.DENIED,
        Decision.NEUTRAL: PermissionResult.NEUTRAL,
    }

    def get_permission(self: Any, action: str, resource: str) -> Any:
        return results[evaluate(self.policy, action, resource, current_context())]

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


__all__ = [
    "ANONYMOUS_ACCOUNT",
    "Caller",
    "Decision",
    "RequestContext",
    "UnsupportedCondition",
    "bucket_allows",
    "current_context",
    "evaluate",
    "install",
    "is_public_policy",
    "moto_bucket",
    "set_context",
    "set_request_context",
    "statement_applies",
    "wildcard",
]
