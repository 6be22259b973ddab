"""cloudfront_sign_cookies: cookies from the key pair in the secret, checked against the public key."""

import json
import time

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import signed_cookies
from ansible_collections.storytime.video_infra.plugins.module_utils import signing_keys as keys
from ansible_collections.storytime.video_infra.plugins.modules import cloudfront_sign_cookies as mod
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa

SECRET = "storytime/unit/cloudfront_private_key"
RESOURCE = "https://d111111abcdef8.cloudfront.net/books/42/*"


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def secret(stub, value):
    stub.add_response("get_secret_value", {"SecretString": value}, {"SecretId": SECRET})


def test_cookies_verify_with_the_public_key_and_hold_the_requested_policy(runner, key):
    secret(
        runner.stub("secretsmanager"), json.dumps({"key_pair_id": "KUNIT123", "private_key_pem": keys.private_pem(key)})
    )
    before = int(time.time())

    result = runner.run(
        mod.main,
        {"secret_id": SECRET, "resource": RESOURCE, "expires_in": 900, "starts_in": -60, "source_ip": "192.0.2.0/24"},
    )

    assert not result.failed, result.result
    assert result.result["changed"] is False
    cookies = result.result["cookies"]
    assert cookies["CloudFront-Key-Pair-Id"] == "KUNIT123" == result.result["key_pair_id"]
    policy = signed_cookies.cloudfront_b64decode(cookies["CloudFront-Policy"])
    signature = signed_cookies.cloudfront_b64decode(cookies["CloudFront-Signature"])
    key.public_key().verify(signature, policy, padding.PKCS1v15(), hashes.SHA1())
    (statement,) = json.loads(policy)["Statement"]
    assert statement["Resource"] == RESOURCE
    expires = statement["Condition"]["DateLessThan"]["AWS:EpochTime"]
    assert (
        before + 900 <= expires <= int(time.time()) + 900 == result.result["expires"]
        or expires == result.result["expires"]
    )
    assert statement["Condition"]["DateGreaterThan"]["AWS:EpochTime"] == expires - 960
    assert statement["Condition"]["IpAddress"]["AWS:SourceIp"] == "192.0.2.0/24"
    assert result.result["cookie_header"] == signed_cookies.cookie_header(cookies)
    assert "PRIVATE KEY" not in json.dumps(result.result)


def test_a_secret_without_a_key_pair_says_what_to_run(runner):
    secret(runner.stub("secretsmanager"), "{}")

    result = runner.run(mod.main, {"secret_id": SECRET, "resource": RESOURCE})

    assert result.failed
    assert "holds no key pair" in result.result["msg"] and "inject_private_key.yml" in result.result["msg"]


def test_a_missing_secret_fails_with_the_aws_error(runner):
    runner.stub("secretsmanager").add_client_error(
        "get_secret_value", "ResourceNotFoundException", http_status_code=400
    )

    result = runner.run(mod.main, {"secret_id": SECRET, "resource": RESOURCE})

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to read secret {SECRET}")


def test_a_bad_key_in_the_secret_fails_without_quoting_it(runner):
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = keys.private_pem(small)
    secret(runner.stub("secretsmanager"), json.dumps({"key_pair_id": "KUNIT123", "private_key_pem": pem}))

    result = runner.run(mod.main, {"secret_id": SECRET, "resource": RESOURCE})

    assert result.failed
    assert result.result["msg"].startswith("Cannot sign cookies:")
    assert "PRIVATE KEY" not in result.result["msg"] and pem.splitlines()[1] not in result.result["msg"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [({"expires_in": 0}, "expires_in must be at least 1 second"), ({"starts_in": 7200}, "starts_in must be earlier")],
)
def test_bad_input_fails_before_any_call(runner, extra, message):
    result = runner.run(mod.main, {"secret_id": SECRET, "resource": RESOURCE, **extra})
    assert result.failed
    assert message in result.result["msg"]
    assert runner.client_requests == []
