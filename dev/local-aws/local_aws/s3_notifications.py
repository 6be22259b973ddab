"""S3 bucket notifications to EventBridge, as GetBucketNotificationConfiguration reports them.

Measured in moto 5.2.5: ``PutBucketNotificationConfiguration`` with ``<EventBridgeConfiguration/>`` is stored
(``NotificationConfiguration.event_bridge``) and even delivers events, but ``GetBucketNotificationConfiguration``
leaves the element out, so a client cannot tell that the bucket sends its events to EventBridge. The S3 API
reference (GetBucketNotificationConfiguration, response element ``EventBridgeConfiguration``: "Enables delivery
of events to Amazon EventBridge",
https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketNotificationConfiguration.html) returns it, an
empty element, whenever it is enabled. :func:`install` adds it to moto's answer (server process only).
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    """Make moto's GetBucketNotificationConfiguration report ``EventBridgeConfiguration``."""
    from moto.s3.responses import S3Response  # noqa: PLC0415  (server process only)

    original = S3Response.get_bucket_notification
    if getattr(original, "_local_aws_eventbridge", False):
        return

    def get_bucket_notification(self: Any) -> Any:
        status, headers, body = original(self)
        config = self.backend.get_bucket_notification_configuration(self.bucket_name)
        if config is not None and config.event_bridge is not None and isinstance(body, (str, bytes)):
            text = body.decode() if isinstance(body, bytes) else body
            closing = "</NotificationConfiguration>"
            if "<EventBridgeConfiguration" not in text:
                if closing in text:
                    text = text.replace(closing, f"<EventBridgeConfiguration/>{closing}")
                elif text.rstrip().endswith("/>") and "<NotificationConfiguration" in text:
                    text = text.rstrip()[:-2] + f"><EventBridgeConfiguration/>{closing}"
            body = text.encode() if isinstance(body, bytes) else text
        return status, headers, body

    get_bucket_notification._local_aws_eventbridge = True  # type: ignore[attr-defined]
    S3Response.get_bucket_notification = get_bucket_notification  # type: ignore[method-assign]
