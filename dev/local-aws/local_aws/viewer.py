"""A CloudFront viewer for tests: signed cookies made by botocore, and requests to the local edge.

The cookies come from botocore's ``CloudFrontSigner`` (a client nobody here wrote), so a test that plays through
the local edge with them checks the collection's key handling against an independent signer, not against itself.
"""

from __future__ import annotations

import http.client
import json
import ssl
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from local_aws.lifecycle import LocalAWS


@dataclass(frozen=True)
class EdgeResponse:
    """Status, headers (lower-case names) and body of one viewer request."""

    status: int
    headers: dict[str, str]
    body: bytes


def signed_cookies(key_pair_id: str, private_key_pem: str, resource: str, expires_in: int = 600) -> dict[str, str]:
    """``CloudFront-Policy``/``-Signature``/``-Key-Pair-Id`` for a custom policy, made with botocore's signer."""
    import datetime  # noqa: PLC0415

    from botocore.signers import CloudFrontSigner  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import padding  # noqa: PLC0415

    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)

    def rsa_signer(message: bytes) -> bytes:
        return key.sign(message, padding.PKCS1v15(), hashes.SHA1())  # CloudFront's algorithm

    signer = CloudFrontSigner(key_pair_id, rsa_signer)
    expires = datetime.datetime.fromtimestamp(int(time.time()) + expires_in, tz=datetime.UTC)
    policy = signer.build_policy(resource, expires)
    url = signer.generate_presigned_url(resource.replace("*", "x"), policy=policy)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    return {
        "CloudFront-Policy": query["Policy"],
        "CloudFront-Signature": query["Signature"],
        "CloudFront-Key-Pair-Id": query["Key-Pair-Id"],
    }


def current_key_pair(server: LocalAWS, secret_id: str) -> tuple[str, str]:
    """``(key_pair_id, private_key_pem)`` from the signing-key secret (what Rails reads)."""
    value = json.loads(server.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])
    return value["key_pair_id"], value["private_key_pem"]


def edge_request(
    server: LocalAWS,
    domain: str,
    path: str,
    cookies: dict[str, str] | None = None,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> EdgeResponse:
    """One viewer request for ``https://<domain><path>`` to the local edge (Host header = ``domain``)."""
    endpoint = urllib.parse.urlsplit(server.endpoint_url)
    context = ssl.create_default_context(cafile=str(Path(server.ca_file)))
    connection = http.client.HTTPSConnection(endpoint.hostname, endpoint.port, context=context, timeout=30)
    sent = {"Host": domain, **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    try:
        connection.request(method, path, headers=sent)
        response = connection.getresponse()
        body = response.read()
        return EdgeResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


def distribution_domain(server: LocalAWS, comment: str) -> str:
    """Domain name of the distribution with ``comment`` (how the collection finds its distribution)."""
    items: list[dict[str, Any]] = server.client("cloudfront").list_distributions()["DistributionList"].get("Items", [])
    (found,) = [item for item in items if item["Comment"] == comment]
    return found["DomainName"]
