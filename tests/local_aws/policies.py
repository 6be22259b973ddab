"""Policy statements several tests put on their buckets."""

from __future__ import annotations

from typing import Any


def deny_insecure_transport(bucket: str) -> dict[str, Any]:
    """The TLS-only statement the collection puts on both of its buckets (S3 user guide, "Security best practices")."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
