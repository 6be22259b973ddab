"""PutBucketLogging's check of the target bucket, for target buckets whose policy has any statement.

moto 5.2.5 (measured) accepts server access logging into a target bucket only when the target's ACL grants the
log delivery group or its policy allows ``s3:PutObject`` to ``logging.s3.amazonaws.com``, but its policy check
crashes (an internal error, HTTP 500) on any statement whose ``Principal`` is a string, such as ``"*"`` in the
usual deny of plain HTTP, and only knows string ``Action`` lists and three exact ``Resource`` forms.

The S3 User Guide ("Permissions for log delivery", bucket policy for the logging service principal
``logging.s3.amazonaws.com``, the only way when the target bucket's object ownership is BucketOwnerEnforced:
https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html) grants
``s3:PutObject`` on the target prefix. :func:`install` replaces moto's policy check with one that reads every
statement form: an ``Allow`` for the service principal (string or list), with ``s3:PutObject`` (or a wildcard
covering it) on a resource whose pattern covers keys under the target prefix.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

SERVICE = "logging.s3.amazonaws.com"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def allows_log_delivery(policy: dict[str, Any], partition: str, bucket: str, prefix: str) -> bool:
    """Whether ``policy`` allows the logging service to put objects under ``bucket``/``prefix``."""
    sample = f"arn:{partition}:s3:::{bucket}/{prefix}2026-01-01-00-00-00-0123456789ABCDEF"
    for statement in _as_list(policy.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if not isinstance(principal, dict) or SERVICE not in _as_list(principal.get("Service")):
            continue
        actions = [a.lower() for a in _as_list(statement.get("Action")) if isinstance(a, str)]
        if not any(fnmatch.fnmatchcase("s3:putobject", action) for action in actions):
            continue
        resources = [r for r in _as_list(statement.get("Resource")) if isinstance(r, str)]
        if any(fnmatch.fnmatchcase(sample, resource) for resource in resources):
            return True
    return False


def install() -> None:
    """Use :func:`allows_log_delivery` for moto's PutBucketLogging check (server process only)."""
    from moto.s3.models import FakeBucket  # noqa: PLC0415

    def _log_permissions_enabled_policy(target_bucket: Any, target_prefix: str | None) -> bool:
        raw = target_bucket.policy
        if not raw:
            return False
        policy = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
        return allows_log_delivery(policy, target_bucket.partition, target_bucket.name, target_prefix or "")

    FakeBucket._log_permissions_enabled_policy = staticmethod(_log_permissions_enabled_policy)  # type: ignore[method-assign]
