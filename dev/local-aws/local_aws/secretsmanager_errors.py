"""Secrets Manager errors with the HTTP status AWS sends.

moto 5.2.5 answers ``ResourceNotFoundException`` (a missing secret, a secret without a value for the asked
stage) and one ``InvalidRequestException`` (a stage not attached to the asked version) with HTTP 404. Secrets
Manager is a JSON-protocol service whose API reference gives every one of these errors ``HTTP Status Code: 400``
(https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html, "Errors"), and the
service model declares no other status for them. LocalStack answers 400; AWS's SDKs read the error code, not the
status, so only a client that looks at the status (or a proxy that logs it) notices.

:func:`install` (called by :class:`local_aws.server.LocalAWSApp`) sets the status of those moto exceptions to 400
in the server process.
"""

from __future__ import annotations

#: HTTP status of every modelled Secrets Manager client error (the API reference's "Errors" sections).
CLIENT_ERROR_STATUS = 400


def install() -> None:
    """Give moto's 404 Secrets Manager errors the status AWS sends (idempotent)."""
    from moto.secretsmanager import exceptions  # noqa: PLC0415  (server process only)

    for name in (
        "ResourceNotFoundException",
        "SecretNotFoundException",
        "SecretHasNoValueException",
        "SecretStageVersionMismatchException",
    ):
        cls = getattr(exceptions, name)
        if getattr(cls.__init__, "_local_aws", False):
            continue
        original = cls.__init__

        def __init__(self, *args, _original=original, **kwargs):
            _original(self, *args, **kwargs)
            self.code = CLIENT_ERROR_STATUS

        __init__._local_aws = True
        cls.__init__ = __init__
