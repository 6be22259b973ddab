"""cloudfront_signing_key: generate and inject modes against stubbed Secrets Manager and CloudFront clients."""

import json

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import public_keys
from ansible_collections.storytime.video_infra.plugins.module_utils import signing_keys as keys
from ansible_collections.storytime.video_infra.plugins.modules import cloudfront_signing_key as mod
from botocore.stub import ANY
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SECRET = "storytime/unit/cloudfront_private_key"
SECRET_ARN = f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:{SECRET}-AbCdEf"
GROUP = "storytime-unit-hls-signers"


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pems(key):
    return keys.private_pem(key), keys.public_pem(key)


def describe(stub, stages=None):
    stub.add_response(
        "describe_secret", {"ARN": SECRET_ARN, "Name": SECRET, "VersionIdsToStages": stages or {}}, {"SecretId": SECRET}
    )


def no_value_yet(stub):
    """GetSecretValue finds no value (a secret created empty by the secrets role), so DescribeSecret is asked for the
    secret's ARN."""
    stub.add_client_error("get_secret_value", "ResourceNotFoundException", http_status_code=400)
    describe(stub)


def current_value(stub, value, version=None):
    """GetSecretValue's answer for the AWSCURRENT version, with the secret's ARN (no DescribeSecret follows)."""
    answer = {"ARN": SECRET_ARN, "Name": SECRET, "SecretString": value}
    if version:
        answer["VersionId"] = version
    stub.add_response("get_secret_value", answer, {"SecretId": SECRET})


def public_key(key_id, pem, name="storytime-unit-key"):
    return {
        "PublicKey": {
            "Id": key_id,
            "CreatedTime": "2026-11-24T00:00:00Z",
            "PublicKeyConfig": {"CallerReference": "r", "Name": name, "EncodedKey": pem},
        },
        "ETag": "E1",
    }


def no_private_key_in(result):
    text = json.dumps(result.result)
    return "PRIVATE KEY" not in text


def stored(sm, value):
    """A PutSecretValue of ``value`` and the read-back that finds it there."""
    sm.add_response(
        "put_secret_value", {"ARN": SECRET_ARN}, {"SecretId": SECRET, "SecretString": value, "ClientRequestToken": ANY}
    )
    sm.add_response("get_secret_value", {"SecretString": value}, {"SecretId": SECRET})


def test_generates_registers_and_stores_when_the_secret_is_empty(runner, key, monkeypatch):
    monkeypatch.setattr(mod, "new_private_key", lambda: key)
    sm, cloudfront = runner.stub("secretsmanager"), runner.stub("cloudfront")
    no_value_yet(sm)
    # The private half is kept first (no key_pair_id yet), then the public half registered, then the pair stored;
    # each write is read back.
    stored(sm, keys.secret_string_of(None, key))
    cloudfront.add_response("create_public_key", public_key("KNEW", "x"), {"PublicKeyConfig": ANY})
    stored(sm, keys.secret_string_of("KNEW", key))

    result = runner.run(mod.main, {"secret_id": SECRET, "public_key_name_prefix": "storytime-unit"})

    assert not result.failed, result.result
    sm.assert_no_pending_responses()
    assert result.result["changed"] is True
    assert result.result["secret_arn"] == SECRET_ARN  # from DescribeSecret: there was no value to read it from
    key = result.result["signing_key"]
    assert key["generated"] is True and key["key_pair_id"] == "KNEW"
    assert key["public_key_name"] == f"storytime-unit-{key['fingerprint_sha256'][:16]}"
    public_keys.load_public_key(key["public_key_pem"])  # a valid RSA 2048 public key
    assert no_private_key_in(result)


def test_existing_pair_that_is_registered_changes_nothing(runner, key):
    private, public = pems(key)
    sm, cloudfront = runner.stub("secretsmanager"), runner.stub("cloudfront")
    current_value(sm, json.dumps({"key_pair_id": "KOLD", "private_key_pem": private}))
    cloudfront.add_response("get_public_key", public_key("KOLD", public), {"Id": "KOLD"})

    result = runner.run(mod.main, {"secret_id": SECRET, "public_key_name_prefix": "storytime-unit"})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["signing_key"]["key_pair_id"] == "KOLD"
    # One Secrets Manager read: GetSecretValue's answer carries the ARN, so no DescribeSecret.
    assert result.result["secret_arn"] == SECRET_ARN
    sm.assert_no_pending_responses()
    assert no_private_key_in(result)


def test_public_half_deleted_out_of_band_is_registered_again(runner, key):
    private, _public = pems(key)
    sm, cloudfront = runner.stub("secretsmanager"), runner.stub("cloudfront")
    current_value(sm, json.dumps({"key_pair_id": "KGONE", "private_key_pem": private}))
    cloudfront.add_client_error("get_public_key", "NoSuchPublicKey", http_status_code=404)
    cloudfront.add_response("create_public_key", public_key("KBACK", "x"), {"PublicKeyConfig": ANY})
    sm.add_response(
        "put_secret_value", {"ARN": SECRET_ARN}, {"SecretId": SECRET, "SecretString": ANY, "ClientRequestToken": ANY}
    )

    result = runner.run(mod.main, {"secret_id": SECRET, "public_key_name_prefix": "storytime-unit"})

    assert not result.failed, result.result
    assert result.result["signing_key"]["key_pair_id"] == "KBACK"
    assert result.result["signing_key"]["generated"] is False


def test_generate_in_check_mode_writes_nothing(runner):
    sm = runner.stub("secretsmanager")
    no_value_yet(sm)

    result = runner.run(mod.main, {"secret_id": SECRET, "public_key_name_prefix": "p", "_ansible_check_mode": True})

    assert result.result["changed"] is True
    assert result.result["signing_key"]["key_pair_id"] is None
    # The name a key group takes it by: predicted (its fingerprint is not known before the key exists).
    assert result.result["signing_key"]["public_key_name"] == "p-(generated)"


def test_missing_secret_in_check_mode_predicts_generation(runner):
    sm = runner.stub("secretsmanager")
    sm.add_client_error("get_secret_value", "ResourceNotFoundException", http_status_code=400)
    sm.add_client_error("describe_secret", "ResourceNotFoundException", http_status_code=400)

    result = runner.run(mod.main, {"secret_id": SECRET, "public_key_name_prefix": "p", "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["signing_key"]["generated"] is True
    assert result.result["signing_key"]["public_key_name"] == "p-(generated)"


def test_missing_secret_is_explained(runner):
    sm = runner.stub("secretsmanager")
    sm.add_client_error("get_secret_value", "ResourceNotFoundException", http_status_code=400)
    sm.add_client_error("describe_secret", "ResourceNotFoundException", http_status_code=400)

    result = runner.run(mod.main, {"secret_id": SECRET, "public_key_name_prefix": "p"})

    assert result.failed
    assert "does not exist; create it first" in result.result["msg"]


def key_group_listing(stub, items):
    stub.add_response(
        "list_key_groups",
        {
            "KeyGroupList": {
                "MaxItems": 100,
                "Quantity": 1,
                "Items": [
                    {
                        "KeyGroup": {
                            "Id": "KG1",
                            "LastModifiedTime": "2026-11-24T00:00:00Z",
                            "KeyGroupConfig": {"Name": GROUP, "Items": items},
                        }
                    }
                ],
            }
        },
    )


def test_inject_writes_the_pair_without_reading_the_secret(runner, key):
    private, public = pems(key)
    sm, cloudfront = runner.stub("secretsmanager"), runner.stub("cloudfront")
    describe(sm)
    key_group_listing(cloudfront, ["KOTHER", "KMINE"])
    cloudfront.add_response(
        "get_public_key", public_key("KOTHER", keys.public_pem(rsa.generate_private_key(65537, 2048)))
    )
    cloudfront.add_response("get_public_key", public_key("KMINE", public))
    expected = keys.secret_string_of("KMINE", key)
    sm.add_response(
        "put_secret_value",
        {"ARN": SECRET_ARN},
        {"SecretId": SECRET, "SecretString": expected, "ClientRequestToken": keys.version_id(expected)},
    )

    result = runner.run(mod.main, {"secret_id": SECRET, "private_key_pem": private, "key_group_name": GROUP})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["signing_key"]["key_pair_id"] == "KMINE"
    assert no_private_key_in(result)


def test_inject_of_the_current_pair_is_a_no_op(runner, key):
    private, public = pems(key)
    sm, cloudfront = runner.stub("secretsmanager"), runner.stub("cloudfront")
    current = keys.version_id(keys.secret_string_of("KMINE", key))
    describe(sm, {current: ["AWSCURRENT"]})
    key_group_listing(cloudfront, ["KMINE"])
    cloudfront.add_response("get_public_key", public_key("KMINE", public))

    result = runner.run(mod.main, {"secret_id": SECRET, "private_key_pem": private, "key_group_name": GROUP})

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_inject_of_a_key_outside_the_key_group_fails_and_writes_nothing(runner, key):
    private, _public = pems(key)
    sm, cloudfront = runner.stub("secretsmanager"), runner.stub("cloudfront")
    describe(sm)
    other = keys.public_pem(rsa.generate_private_key(65537, 2048))
    key_group_listing(cloudfront, ["KOTHER"])
    cloudfront.add_response("get_public_key", public_key("KOTHER", other))

    result = runner.run(mod.main, {"secret_id": SECRET, "private_key_pem": private, "key_group_name": GROUP})

    assert result.failed
    assert "is not a key of key group" in result.result["msg"]
    assert "the secret was not changed" in result.result["msg"]
    assert no_private_key_in(result)


@pytest.mark.parametrize(
    "pem, message",
    [
        ("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n", "is not a PEM-encoded private key"),
        ("garbage", "is not a PEM-encoded private key"),
        ("SMALL", "is an RSA 1024-bit key; at least 2048 bits are required"),
    ],
)
def test_bad_private_key_fails_before_any_call(runner, pem, message):
    if pem == "SMALL":
        pem = keys.private_pem(rsa.generate_private_key(65537, 1024))

    result = runner.run(mod.main, {"secret_id": SECRET, "private_key_pem": pem, "key_group_name": GROUP})

    assert result.failed
    assert message in result.result["msg"]
    assert runner.client_requests == []
    assert no_private_key_in(result)


def test_encrypted_private_key_is_refused(runner, key):
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    ).decode()

    result = runner.run(mod.main, {"secret_id": SECRET, "private_key_pem": encrypted, "key_group_name": GROUP})

    assert result.failed
    assert "is encrypted" in result.result["msg"]


def registered_earlier(cloudfront, key_id, name, pem):
    """CreatePublicKey answers PublicKeyAlreadyExists and the listing shows the key registered before: adopted."""
    cloudfront.add_client_error("create_public_key", "PublicKeyAlreadyExists", http_status_code=409)
    item = {"Id": key_id, "Name": name, "CreatedTime": "2026-11-24T00:00:00Z", "EncodedKey": pem}
    cloudfront.add_response("list_public_keys", {"PublicKeyList": {"MaxItems": 100, "Quantity": 1, "Items": [item]}})


def test_pending_pair_left_by_a_stopped_run_is_completed_with_its_own_key(runner, key):
    """A run stopped after keeping the private key and registering its public half (its answer lost, or SIGTERM
    before the pair was stored): the next run adopts that public key (PublicKeyAlreadyExists) and stores the
    pair; no second key is generated."""
    private, public = pems(key)
    name = keys.public_key_name("storytime-unit", public)
    sm, cloudfront = runner.stub("secretsmanager"), runner.stub("cloudfront")
    current_value(sm, json.dumps({"key_pair_id": None, "private_key_pem": private}))
    registered_earlier(cloudfront, "KPENDING", name, public)
    sm.add_response(
        "put_secret_value", {"ARN": SECRET_ARN}, {"SecretId": SECRET, "SecretString": ANY, "ClientRequestToken": ANY}
    )

    result = runner.run(mod.main, {"secret_id": SECRET, "public_key_name_prefix": "storytime-unit"})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["signing_key"]["key_pair_id"] == "KPENDING"
    assert result.result["signing_key"]["public_key_name"] == name
    sm.assert_no_pending_responses()
    cloudfront.assert_no_pending_responses()


def test_a_run_that_loses_the_race_for_the_secret_removes_its_key_and_says_so(runner, key, monkeypatch):
    """Two runs generated a key at once: the one whose pair is not in the secret when read back deletes the
    public key it registered (in no key group yet) and fails saying another run is in progress."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    monkeypatch.setattr(mod, "new_private_key", lambda: key)
    sm, cloudfront = runner.stub("secretsmanager"), runner.stub("cloudfront")
    no_value_yet(sm)
    stored(sm, keys.secret_string_of(None, key))
    cloudfront.add_response("create_public_key", public_key("KMINE", "x"), {"PublicKeyConfig": ANY})
    sm.add_response(
        "put_secret_value", {"ARN": SECRET_ARN}, {"SecretId": SECRET, "SecretString": ANY, "ClientRequestToken": ANY}
    )
    sm.add_response("get_secret_value", {"SecretString": keys.secret_string_of("KOTHER", other)}, {"SecretId": SECRET})
    cloudfront.add_response("get_public_key", public_key("KMINE", "x"), {"Id": "KMINE"})
    cloudfront.add_response("delete_public_key", {}, {"Id": "KMINE", "IfMatch": "E1"})

    result = runner.run(mod.main, {"secret_id": SECRET, "public_key_name_prefix": "storytime-unit"})

    assert result.failed
    assert "another run is in progress" in result.result["msg"]
    assert no_private_key_in(result)
    cloudfront.assert_no_pending_responses()


def test_two_runs_generating_at_once_end_with_the_key_of_the_run_that_claimed_the_secret_first(
    runner, key, monkeypatch
):
    """Both runs read the same version and claim its succession with the same ClientRequestToken; Secrets Manager
    refuses the second claim (a token already used for another value), so the second run generates nothing more:
    it completes the first run's pending pair (adopting its public key) and no second public key exists."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    monkeypatch.setattr(mod, "new_private_key", lambda: key)
    other_private, other_public = pems(other)
    name = keys.public_key_name("storytime-unit", other_public)
    sm, cloudfront = runner.stub("secretsmanager"), runner.stub("cloudfront")
    placeholder = "00000000-0000-4000-8000-00000000000a"
    current_value(sm, "{}", placeholder)
    successor = str(keys.uuid.uuid5(keys.uuid.NAMESPACE_URL, f"storytime-signing-key-successor:{placeholder}"))
    sm.add_client_error(
        "put_secret_value",
        "ResourceExistsException",
        http_status_code=400,
        expected_params={"SecretId": SECRET, "SecretString": ANY, "ClientRequestToken": successor},
    )
    # The other run's pending pair is the current value now: complete it with its own key.
    pending = json.dumps({"key_pair_id": None, "private_key_pem": other_private})
    sm.add_response("get_secret_value", {"SecretString": pending, "VersionId": successor}, {"SecretId": SECRET})
    sm.add_response("get_secret_value", {"SecretString": pending, "VersionId": successor}, {"SecretId": SECRET})
    registered_earlier(cloudfront, "KFIRST", name, other_public)
    sm.add_response(
        "put_secret_value",
        {"ARN": SECRET_ARN},
        {"SecretId": SECRET, "SecretString": keys.secret_string_of("KFIRST", other), "ClientRequestToken": ANY},
    )

    result = runner.run(mod.main, {"secret_id": SECRET, "public_key_name_prefix": "storytime-unit"})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["signing_key"]["key_pair_id"] == "KFIRST"
    assert result.result["signing_key"]["generated"] is False
    sm.assert_no_pending_responses()
    cloudfront.assert_no_pending_responses()
    assert no_private_key_in(result)
