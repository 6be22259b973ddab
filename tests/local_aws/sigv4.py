"""Sign a hand-built request with SigV4 as botocore does, for tests that talk HTTP to the local AWS directly."""

from __future__ import annotations

from botocore.auth import S3SigV4Auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from local_aws.constants import DUMMY_ACCESS_KEY_ID
from local_aws.constants import DUMMY_SECRET_ACCESS_KEY


def signed_headers(
    method: str,
    url: str,
    body: bytes = b"",
    *,
    service: str = "s3",
    region: str = "eu-west-1",
    headers: dict[str, str] | None = None,
    access_key: str = DUMMY_ACCESS_KEY_ID,
    secret_key: str = DUMMY_SECRET_ACCESS_KEY,
    token: str | None = None,
) -> dict[str, str]:
    """The headers (Authorization, X-Amz-Date, ...) that sign ``method url`` with ``body``."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    auth_class = S3SigV4Auth if service == "s3" else SigV4Auth
    auth_class(Credentials(access_key, secret_key, token), service, region).add_auth(request)
    return dict(request.headers.items())
