"""``ListStreamingDistributions``: the empty list CloudFront answers an account without RTMP distributions.

moto 5.2.5 has no streaming-distribution operations (404), and :mod:`local_aws.cloudfront` answers the
operations it does not implement with a plain 404 too. CloudFront discontinued RTMP (streaming)
distributions on 31 December 2020: no account can have one any more, but the API operation still exists
(botocore's model, ``GET /2020-05-31/streaming-distribution``) and answers 200 with an empty
``StreamingDistributionList``: ``Marker`` (the request's, empty by default), ``MaxItems`` (the request's,
100 by default), ``IsTruncated`` false, ``Quantity`` 0, and no ``Items``/``NextMarker``.

:class:`CloudFrontStreamingExtension` claims only that request (method ``GET``, exact path, SigV4 scope
``cloudfront``), so it must come before the ``cloudfront`` extension in
:func:`local_aws.server.default_extensions`. A ``MaxItems`` that is not a non-negative integer answers
``InvalidArgument`` 400, the error the model lists for the operation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from werkzeug.wrappers import Response

#: The REST path of ``ListStreamingDistributions`` (API version 2020-05-31).
LIST_PATH = "/2020-05-31/streaming-distribution"

#: SigV4 credential scope of a CloudFront request.
_CLOUDFRONT_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/,\s]+/cloudfront/aws4_request")

_NAMESPACE = "http://cloudfront.amazonaws.com/doc/2020-05-31/"


def _request_id() -> str:
    raw = os.urandom(16).hex()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


class CloudFrontStreamingExtension:
    """Answers ``ListStreamingDistributions`` with an empty list (see the module docstring)."""

    name = "cloudfront-streaming"

    def matches(self, environ: dict[str, Any]) -> bool:
        """Claim ``GET /2020-05-31/streaming-distribution`` signed for ``cloudfront``."""
        return (
            environ.get("REQUEST_METHOD") == "GET"
            and str(environ.get("PATH_INFO", "")).rstrip("/") == LIST_PATH
            and bool(_CLOUDFRONT_SCOPE.search(str(environ.get("HTTP_AUTHORIZATION", ""))))
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Answer the empty list (or ``InvalidArgument`` for a bad ``MaxItems``)."""
        query = parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
        marker = (query.get("Marker") or [""])[0]
        max_items = (query.get("MaxItems") or ["100"])[0]
        headers = [("x-amz-request-id", _request_id())]
        if not max_items.isdigit():
            body = (
                f'<?xml version="1.0"?>\n<ErrorResponse xmlns="{_NAMESPACE}"><Error><Type>Sender</Type>'
                f"<Code>InvalidArgument</Code><Message>MaxItems must be a non-negative integer, not "
                f"{escape(max_items)}</Message></Error><RequestId>{headers[0][1]}</RequestId></ErrorResponse>"
            )
            return Response(body, status=400, headers=headers, content_type="text/xml")(environ, start_response)
        body = (
            f'<?xml version="1.0"?>\n<StreamingDistributionList xmlns="{_NAMESPACE}">'
            f"<Marker>{escape(marker)}</Marker><MaxItems>{int(max_items)}</MaxItems>"
            "<IsTruncated>false</IsTruncated><Quantity>0</Quantity></StreamingDistributionList>"
        )
        return Response(body, status=200, headers=headers, content_type="text/xml")(environ, start_response)


__all__ = ["LIST_PATH", "CloudFrontStreamingExtension"]
