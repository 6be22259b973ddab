"""AWS WAF (v2) as the WAF API reference documents it, where moto falls short, for what the collection uses.

moto's wafv2 backend answers web ACL operations (create, get, list, update with lock tokens, delete, tags).
This extension claims every SigV4 request signed for ``wafv2`` (JSON protocol, ``X-Amz-Target:
AWSWAF_20190729.<operation>``), lets moto answer it, and corrects two answers:

* ``CreateWebACL`` of a name that exists: moto answers ``WafV2DuplicateItem``; AWS answers
  ``WAFDuplicateItemException`` (WAF API reference, CreateWebACL, Errors).
* ``DeleteWebACL`` of a web ACL a CloudFront distribution uses (its ``WebACLId`` is the web ACL's ARN): moto
  deletes it; AWS answers ``WAFAssociatedItemException`` (WAF API reference, DeleteWebACL, Errors).

CloudFront's side (a distribution's ``WebACLId`` must name an existing web ACL of scope CLOUDFRONT) is checked
in :mod:`local_aws.cloudfront`, with :func:`cloudfront_web_acl_exists`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from moto.cloudfront.models import cloudfront_backends
from moto.wafv2.models import wafv2_backends

from local_aws import iam_auth
from local_aws import s3_policy

TARGET_PREFIX = "AWSWAF_20190729."
_WAFV2_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/wafv2/aws4_request")
#: WAF keeps the web ACLs of scope CLOUDFRONT in us-east-1 (moto: in its "global" backend).
_CLOUDFRONT_ARN = re.compile(r"^arn:aws[a-z-]*:wafv2:us-east-1:(\d{12}):global/webacl/[\w-]{1,128}/[0-9a-f-]{36}$")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def cloudfront_web_acl_exists(account_id: str, partition: str, arn: str) -> bool:
    """Whether ``arn`` is the ARN of an existing web ACL of scope CLOUDFRONT in this account."""
    match = _CLOUDFRONT_ARN.match(arn)
    if match is None or match.group(1) != account_id:
        return False
    return partition == "aws" and arn in wafv2_backends[account_id]["global"].wacls


def _distributions_using(account_id: str, arn: str) -> list[str]:
    backend = cloudfront_backends[account_id]["aws"]
    return [
        dist.id
        for dist in backend.distributions.values()
        if (getattr(dist, "local_aws_config", None) or {}).get("WebACLId") == arn
    ]


def _error(start_response: Callable[..., Any], code: str, message: str) -> list[bytes]:
    body = json.dumps({"__type": code, "message": message}).encode()
    start_response(
        "400 Bad Request",
        [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("x-amzn-ErrorType", code),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]


class WAFv2Extension:
    """Answers wafv2 requests with moto, corrected as the module docstring says."""

    name = "wafv2"

    def __init__(self) -> None:
        """Unbound until :class:`~local_aws.server.LocalAWSApp` hands over moto (:meth:`bind_fallback`)."""
        self.fallback: WSGIApp | None = None

    def bind_fallback(self, app: WSGIApp) -> None:
        """Remember moto's application."""
        self.fallback = app

    def matches(self, environ: dict[str, Any]) -> bool:
        """Claim JSON requests for WAF (v2) signed for ``wafv2``."""
        return str(environ.get("HTTP_X_AMZ_TARGET") or "").startswith(TARGET_PREFIX) and bool(
            _WAFV2_SCOPE.search(str(environ.get("HTTP_AUTHORIZATION") or ""))
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Refuse what AWS refuses and moto does not, then let moto answer (with AWS's error codes)."""
        if self.fallback is None:
            raise RuntimeError("WAFv2Extension is not bound to moto (LocalAWSApp calls bind_fallback)")
        operation = str(environ.get("HTTP_X_AMZ_TARGET"))[len(TARGET_PREFIX) :]
        if operation == "DeleteWebACL":
            refused = self._delete_refusal(environ)
            if refused is not None:
                return _error(start_response, "WAFAssociatedItemException", refused)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        body = b"".join(self.fallback(environ, capture))
        if captured["status"].startswith("400") and b"WafV2DuplicateItem" in body:
            return _error(
                start_response,
                "WAFDuplicateItemException",
                "AWS WAF couldn't perform the operation because some resource in your request is a duplicate of an"
                " existing one.",
            )
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]

    @staticmethod
    def _delete_refusal(environ: dict[str, Any]) -> str | None:
        try:
            params = json.loads(iam_auth.read_body(environ) or b"{}")
        except ValueError:
            return None
        if params.get("Scope") != "CLOUDFRONT":
            return None
        account_id = s3_policy.current_context().caller.account_id
        for arn, web_acl in wafv2_backends[account_id]["global"].wacls.items():
            if web_acl.id == params.get("Id"):
                users = _distributions_using(account_id, arn)
                if users:
                    return (
                        f"AWS WAF couldn't perform the operation because your resource is being used by another"
                        f" resource: CloudFront distribution {', '.join(users)}."
                    )
        return None
