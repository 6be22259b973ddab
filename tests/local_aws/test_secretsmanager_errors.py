"""Secrets Manager errors carry the HTTP status AWS sends (local_aws.secretsmanager_errors).

https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html ("Errors":
ResourceNotFoundException, InvalidRequestException, "HTTP Status Code: 400"). moto 5.2.5 sends 404; LocalStack
2026.3.0 sends 400 (dev/tools/compare_emulators.py, docs/localstack.md).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_a_missing_secret_is_resource_not_found_with_400(aws):
    secrets = aws.client("secretsmanager")
    assert error_of(secrets.describe_secret, SecretId="nothing/here") == ("ResourceNotFoundException", 400)
    assert error_of(secrets.get_secret_value, SecretId="nothing/here") == ("ResourceNotFoundException", 400)


def test_a_secret_without_a_value_is_resource_not_found_with_400(aws):
    secrets = aws.client("secretsmanager")
    secrets.create_secret(Name="storytime/test/empty")
    assert error_of(secrets.get_secret_value, SecretId="storytime/test/empty") == ("ResourceNotFoundException", 400)


def test_a_stage_not_on_the_version_is_refused_with_400(aws):
    """Which code AWS gives this case is not documented; every modelled error of the service is a 400."""
    secrets = aws.client("secretsmanager")
    version = secrets.create_secret(Name="storytime/test/staged", SecretString="one")["VersionId"]
    _code, status = error_of(
        secrets.get_secret_value, SecretId="storytime/test/staged", VersionId=version, VersionStage="AWSPREVIOUS"
    )
    assert status == 400
