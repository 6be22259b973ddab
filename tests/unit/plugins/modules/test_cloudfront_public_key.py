"""Call sequences of cloudfront_public_key against a stubbed CloudFront client, and its input checks."""

import datetime
import hashlib

import pytest
from ansible_collections.storytime.video_infra.plugins.modules import cloudfront_public_key as mod
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa

NAME = "storytime-hls-unit-3f0c9b1d"
KEY_ID = "K2JCJMDEHXQW5F"
CREATED = datetime.datetime(2025, 1, 31, 10, 15, 42, tzinfo=datetime.UTC)


def rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def public_pem(private_key):
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def fingerprint_of(private_key):
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


@pytest.fixture(scope="module")
def key():
    return rsa_key()


@pytest.fixture(scope="module")
def pem(key):
    return public_pem(key)


def summary(pem, comment="Signs unit cookies", name=NAME, key_id=KEY_ID):
    return {"Id": key_id, "Name": name, "CreatedTime": CREATED, "EncodedKey": pem, "Comment": comment}


def list_keys(stub, *summaries, marker=None, next_marker=None):
    page = {"MaxItems": 100, "Quantity": len(summaries)}
    if summaries:
        page["Items"] = list(summaries)
    if next_marker:
        page["NextMarker"] = next_marker
    stub.add_response("list_public_keys", {"PublicKeyList": page}, {"Marker": marker} if marker else {})


def config(pem, comment="Signs unit cookies"):
    cfg = {"CallerReference": "storytime-ref", "Name": NAME, "EncodedKey": pem}
    if comment is not None:
        cfg["Comment"] = comment
    return cfg


def get_key(stub, pem, etag, comment="Signs unit cookies"):
    stub.add_response(
        "get_public_key",
        {"PublicKey": {"Id": KEY_ID, "CreatedTime": CREATED, "PublicKeyConfig": config(pem, comment)}, "ETag": etag},
        {"Id": KEY_ID},
    )


def update_key(stub, pem, etag, comment, new_etag="E3"):
    stub.add_response(
        "update_public_key",
        {
            "PublicKey": {"Id": KEY_ID, "CreatedTime": CREATED, "PublicKeyConfig": config(pem, comment)},
            "ETag": new_etag,
        },
        {"Id": KEY_ID, "IfMatch": etag, "PublicKeyConfig": config(pem, comment)},
    )


def args(pem, **extra):
    return {"name": NAME, "public_key_pem": pem, **extra}


# ---------------------------------------------------------------------------------------------
# present


def test_create_uploads_the_key_with_a_deterministic_caller_reference(runner, key, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub)
    fingerprint = fingerprint_of(key)
    created_config = {
        "CallerReference": mod.caller_reference(NAME, fingerprint),
        "Name": NAME,
        "EncodedKey": pem,
        "Comment": "Signs unit cookies",
    }
    stub.add_response(
        "create_public_key",
        {
            "PublicKey": {"Id": KEY_ID, "CreatedTime": CREATED, "PublicKeyConfig": created_config},
            "Location": f"https://cloudfront.amazonaws.com/2020-05-31/public-key/{KEY_ID}",
            "ETag": "E1",
        },
        {"PublicKeyConfig": created_config},
    )

    result = runner.run(mod.main, args(pem, comment="Signs unit cookies"))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["public_key"] == {
        "id": KEY_ID,
        "name": NAME,
        "comment": "Signs unit cookies",
        "created_time": "2025-01-31T10:15:42+00:00",
        "encoded_key": pem,
        "fingerprint_sha256": fingerprint,
    }
    assert result.result["diff"] == {"before": {}, "after": result.result["public_key"]}
    assert mod.caller_reference(NAME, fingerprint) == mod.caller_reference(NAME, fingerprint)
    assert mod.caller_reference(NAME, fingerprint) != mod.caller_reference(NAME + "-2", fingerprint)


def test_create_without_comment_sends_none_and_uploads_the_canonical_pem(runner, key, pem):
    """A PKCS#1 'RSA PUBLIC KEY' block with CRLF line endings is uploaded as SubjectPublicKeyInfo PEM."""
    pkcs1 = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()
    stub = runner.stub("cloudfront")
    list_keys(stub)
    created_config = {
        "CallerReference": mod.caller_reference(NAME, fingerprint_of(key)),
        "Name": NAME,
        "EncodedKey": pem,
    }
    stub.add_response(
        "create_public_key",
        {"PublicKey": {"Id": KEY_ID, "CreatedTime": CREATED, "PublicKeyConfig": created_config}, "ETag": "E1"},
        {"PublicKeyConfig": created_config},
    )

    result = runner.run(mod.main, args(pkcs1.replace("\n", "\r\n")))

    assert not result.failed, result.result
    assert result.result["public_key"]["comment"] == ""


def test_existing_key_makes_only_the_list_call(runner, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(pem))

    result = runner.run(mod.main, args(pem, comment="Signs unit cookies"))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["public_key"]["id"] == KEY_ID
    assert result.result["public_key"]["created_time"] == "2025-01-31T10:15:42+00:00"
    assert "diff" not in result.result


def test_same_key_in_another_layout_and_unset_comment_is_a_no_op(runner, key, pem):
    """Line endings, wrapping and surrounding whitespace do not make a different key; no comment = leave it."""
    body = "".join(pem.strip().splitlines()[1:-1])
    rewrapped = "\r\n  -----BEGIN PUBLIC KEY-----\r\n" + body + "\r\n-----END PUBLIC KEY-----\r\n\r\n"
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(pem, name="other-key", key_id="KOTHER"), summary(pem.rstrip("\n"), comment="set by hand"))

    result = runner.run(mod.main, args(rewrapped))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["public_key"]["comment"] == "set by hand"
    assert result.result["public_key"]["fingerprint_sha256"] == fingerprint_of(key)


def test_key_on_a_later_page_is_found(runner, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(pem, name="other-key", key_id="KOTHER"), next_marker="KOTHER")
    list_keys(stub, summary(pem), marker="KOTHER")

    result = runner.run(mod.main, args(pem))

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_comment_change_is_an_update_with_the_etag_of_the_read(runner, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(pem, comment="old"))
    get_key(stub, pem, "E1", comment="old")
    update_key(stub, pem, "E1", "new")

    result = runner.run(mod.main, args(pem, comment="new"))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["public_key"]["comment"] == "new"
    assert result.result["diff"]["before"]["comment"] == "old"
    assert result.result["diff"]["after"]["comment"] == "new"


def test_update_is_retried_after_precondition_failed(runner, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(pem, comment="old"))
    get_key(stub, pem, "E1", comment="old")
    stub.add_client_error(
        "update_public_key",
        "PreconditionFailed",
        "The precondition given in one or more of the request header fields evaluated to false.",
        412,
        expected_params={"Id": KEY_ID, "IfMatch": "E1", "PublicKeyConfig": config(pem, "new")},
    )
    get_key(stub, pem, "E2", comment="changed meanwhile")
    update_key(stub, pem, "E2", "new")

    result = runner.run(mod.main, args(pem, comment="new"))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["comment"] == "changed meanwhile"


def test_update_not_needed_after_a_fresh_read_writes_nothing(runner, pem):
    """Someone else set the comment between our list and our read: nothing left to do."""
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(pem, comment="old"))
    get_key(stub, pem, "E2", comment="new")

    result = runner.run(mod.main, args(pem, comment="new"))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert "diff" not in result.result


def test_throttling_is_retried(runner, pem):
    stub = runner.stub("cloudfront")
    stub.add_client_error("list_public_keys", "Throttling", "Rate exceeded", 400)
    list_keys(stub, summary(pem))

    result = runner.run(mod.main, args(pem))

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_check_mode_on_missing_key_predicts_creation_without_writing(runner, key, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub)

    result = runner.run(mod.main, args(pem, comment="Signs unit cookies", _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["public_key"] == {
        "id": None,
        "name": NAME,
        "comment": "Signs unit cookies",
        "created_time": None,
        "encoded_key": pem,
        "fingerprint_sha256": fingerprint_of(key),
    }


def test_check_mode_predicts_a_comment_update_without_writing(runner, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(pem, comment="old"))  # the list summary is enough to predict: no Get, no write

    result = runner.run(mod.main, args(pem, comment="new", _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["public_key"]["id"] == KEY_ID
    assert result.result["public_key"]["comment"] == "new"
    assert result.result["diff"]["before"]["comment"] == "old"


def test_changed_pem_for_an_existing_name_fails_and_writes_nothing(runner):
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(public_pem(rsa_key())))

    result = runner.run(mod.main, args(public_pem(rsa_key())))

    assert result.failed
    msg = result.result["msg"]
    assert NAME in msg and KEY_ID in msg
    assert "public_key_pem" in msg
    assert "cannot change" in msg and "new name" in msg


def test_cloudfront_error_is_reported_with_its_code(runner, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub)
    stub.add_client_error("create_public_key", "TooManyPublicKeys", "Too many public keys", 400)

    result = runner.run(mod.main, args(pem))

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to create public key {NAME}")
    assert result.result["error"]["code"] == "TooManyPublicKeys"


# ---------------------------------------------------------------------------------------------
# absent


def test_delete_uses_the_etag_of_a_fresh_read(runner, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(pem))
    get_key(stub, pem, "E7")
    stub.add_response("delete_public_key", {}, {"Id": KEY_ID, "IfMatch": "E7"})

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["id"] == KEY_ID
    assert result.result["diff"]["after"] == {}
    assert "public_key" not in result.result


def test_delete_missing_key_is_a_no_op(runner):
    stub = runner.stub("cloudfront")
    list_keys(stub)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result == {"changed": False}


def test_delete_of_a_key_in_a_key_group_says_to_remove_it_from_the_group(runner, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(pem))
    get_key(stub, pem, "E7")
    stub.add_client_error(
        "delete_public_key",
        "PublicKeyInUse",
        "The specified public key is in use.",
        409,
        expected_params={"Id": KEY_ID, "IfMatch": "E7"},
    )

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.failed
    msg = result.result["msg"]
    assert KEY_ID in msg and "key group" in msg and "first" in msg
    assert result.result["error"]["code"] == "PublicKeyInUse"


def test_delete_in_check_mode_writes_nothing(runner, pem):
    stub = runner.stub("cloudfront")
    list_keys(stub, summary(pem))

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True


# ---------------------------------------------------------------------------------------------
# input checked before any AWS client exists


def ec_public_pem():
    return (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.mark.parametrize(
    ("make_pem", "expected"),
    [
        (lambda: "not a key", "not a PEM-encoded public key"),
        (
            lambda: "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOC\n-----END PUBLIC KEY-----\n",
            "not a PEM-encoded public key",
        ),
        (lambda: public_pem(rsa_key(1024)), "public_key_pem is an RSA 1024-bit key; CloudFront needs RSA 2048"),
        (lambda: public_pem(rsa_key(4096)), "is an RSA 4096-bit key"),
        (ec_public_pem, "CloudFront needs RSA"),
    ],
    ids=["garbage", "truncated", "rsa-1024", "rsa-4096", "ec-p256"],
)
def test_unacceptable_pem_fails_before_any_call(runner, make_pem, expected):
    result = runner.run(mod.main, args(make_pem()))

    assert result.failed
    assert "public_key_pem" in result.result["msg"]
    assert expected in result.result["msg"]
    assert runner.client_requests == []


@pytest.mark.parametrize(
    "private_format",
    [serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL],
    ids=["pkcs8", "traditional"],
)
@pytest.mark.parametrize("state", ["present", "absent"])
def test_private_key_is_refused_without_echoing_it(runner, key, private_format, state):
    private_pem = key.private_bytes(serialization.Encoding.PEM, private_format, serialization.NoEncryption()).decode()

    result = runner.run(mod.main, {"name": NAME, "state": state, "public_key_pem": private_pem})

    assert result.failed
    msg = result.result["msg"]
    assert "public_key_pem" in msg and "private key" in msg
    body_lines = [line for line in private_pem.splitlines() if line and not line.startswith("-----")]
    assert all(line not in str(result.result) for line in body_lines)
    assert runner.client_requests == []


def test_missing_pem_when_present_fails_before_any_call(runner):
    result = runner.run(mod.main, {"name": NAME})

    assert result.failed
    assert "public_key_pem" in result.result["msg"]
    assert runner.client_requests == []


@pytest.mark.parametrize("name", ["", "has space", "x" * 129, "dots.not.allowed"])
def test_invalid_name_fails_before_any_call(runner, pem, name):
    result = runner.run(mod.main, {"name": name, "public_key_pem": pem})

    assert result.failed
    assert "name" in result.result["msg"]
    assert runner.client_requests == []


def test_too_long_comment_fails_before_any_call(runner, pem):
    result = runner.run(mod.main, args(pem, comment="c" * 129))

    assert result.failed
    assert "comment" in result.result["msg"]
    assert runner.client_requests == []
