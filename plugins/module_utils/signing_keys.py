# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The signing key pair of an environment: RSA keys, their CloudFront public keys, and the secret holding them.

Shared by ``cloudfront_signing_key`` (generate or inject the pair) and ``cloudfront_key_rotation`` (replace it
without downtime). The secret's value is JSON ``{"key_pair_id": ..., "private_key_pem": ...}``. No function here
puts a private key or a secret value into an exception message.
"""

import hashlib
import json
import uuid

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront as cf
from ansible_collections.storytime.video_infra.plugins.module_utils import public_keys
from ansible_collections.storytime.video_infra.plugins.module_utils.common import error_code

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
except ImportError:  # pragma: no cover
    pass  # public_keys.HAS_CRYPTOGRAPHY reports it

MIN_INJECT_BITS = 2048
# Secrets Manager's answer for a secret that does not exist (or has no AWSCURRENT value yet).
MISSING = ("ResourceNotFoundException",)


class SecretValueErrorHandler(cf.CloudFrontErrorHandler):
    """Secrets Manager calls for the signing key's secret: CloudFrontError (the key belongs to CloudFront), and
    ResourceNotFoundException for a secret (or a value) that does not exist."""

    MISSING_CODES = MISSING


SECRETS = SecretValueErrorHandler
KEY_BITS = 2048


def private_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def public_pem(key):
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def load_private_key(pem):
    """Parse an unencrypted RSA private key; ValueError messages never quote the key."""
    try:
        key = serialization.load_pem_private_key(pem.strip().encode("ascii"), password=None)
    except TypeError as e:
        raise ValueError("is encrypted; give the unencrypted PEM (decrypt it with ansible-vault instead)") from e
    except (ValueError, UnicodeEncodeError) as e:
        raise ValueError("is not a PEM-encoded private key") from e
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("is not an RSA key; CloudFront signing keys are RSA")
    if key.key_size < MIN_INJECT_BITS:
        raise ValueError(f"is an RSA {key.key_size}-bit key; at least {MIN_INJECT_BITS} bits are required")
    return key


def version_id(secret_string):
    """Deterministic version ID: the same value always gets the same version (Secrets Manager's idempotency)."""
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, "storytime-signing-key:" + hashlib.sha256(secret_string.encode()).hexdigest())
    )


def secret_string_of(key_pair_id, key):
    return json.dumps({"key_pair_id": key_pair_id, "private_key_pem": private_pem(key)}, sort_keys=True)


class Secret:
    """The calls on the secret this module makes, with retries and messages that never contain values."""

    def __init__(self, module, secret_id):
        self.client = module.client("secretsmanager", retry_decorator=AWSRetry.jittered_backoff())
        self.secret_id = secret_id

    def describe(self):
        """The secret's metadata, or ``None`` when it does not exist."""
        return SECRETS.call_or_none(
            f"describe secret {self.secret_id}",
            self.client.describe_secret,
            SecretId=self.secret_id,
        )

    def read(self):
        """GetSecretValue's answer for the AWSCURRENT version (it carries the secret's ARN too), or ``None`` when the
        secret does not exist or has no value yet."""
        # The exception text of GetSecretValue never contains the value.
        return SECRETS.call_or_none(
            f"read secret {self.secret_id}",
            self.client.get_secret_value,
            SecretId=self.secret_id,
        )

    def current(self):
        """``(value, version ID)`` of the AWSCURRENT version, or ``(None, None)`` when the secret has none yet."""
        return value_and_version(self.read())

    def current_value(self):
        """The AWSCURRENT value, or ``None`` when the secret has none yet."""
        return self.current()[0]

    def put(self, secret_string, token=None):
        """Store ``secret_string`` as the new AWSCURRENT version, as version ``token`` (by default one derived from
        the value, so that a retried write is ignored instead of adding a second version)."""
        SECRETS.call(
            f"write secret {self.secret_id}",
            self.client.put_secret_value,
            SecretId=self.secret_id,
            SecretString=secret_string,
            ClientRequestToken=token or version_id(secret_string),
        )

    def claim_succession(self, secret_string, current_version):
        """Store ``secret_string`` as the successor of ``current_version`` (``None``: of no value at all); ``False``
        when another run stored a different successor first.

        The version ID is derived from the version being replaced, not from the new value: two runs replacing the
        same version send the same ClientRequestToken, and Secrets Manager refuses a token already used for a
        different value (PutSecretValue: "If a version with this value already exists and that version's
        SecretString and SecretBinary values are different from those in the request, then the request fails"), so
        exactly one run's key becomes the successor. The same run retrying the same value is accepted.
        """
        token = str(uuid.uuid5(uuid.NAMESPACE_URL, f"storytime-signing-key-successor:{current_version or ''}"))
        try:
            self.put(secret_string, token=token)
        except cf.CloudFrontError as e:
            if error_code(e) == "ResourceExistsException":
                return False
            raise
        return True


def value_and_version(response):
    """``(value, version ID)`` from a GetSecretValue answer; ``(None, None)`` for no answer (no value)."""
    return (response["SecretString"], response.get("VersionId")) if response else (None, None)


def stored_pair(value):
    """``(key_pair_id, private_key)`` from a secret value, or ``None`` when it holds no usable pair."""
    try:
        data = json.loads(value)
        return data["key_pair_id"], load_private_key(data["private_key_pem"])
    except (TypeError, ValueError, KeyError):
        return None


def registered_key(client, key_pair_id):
    response = cf.call_or_none(f"get public key {key_pair_id}", client.get_public_key, Id=key_pair_id)
    return response["PublicKey"] if response else None


def register(client, name, pem, comment):
    fingerprint = public_keys.fingerprint(pem)
    config = {
        "CallerReference": f"{name}-{fingerprint[:16]}",
        "Name": name,
        "EncodedKey": pem,
        "Comment": comment,
    }

    def find():
        summaries = cf.list_all("list public keys", client.list_public_keys, "PublicKeyList")
        # The name carries the fingerprint; the key itself must match too, or it is not ours to adopt.
        return next(
            (
                s
                for s in summaries
                if s["Name"] == name and s.get("EncodedKey") and public_keys.fingerprint(s["EncodedKey"]) == fingerprint
            ),
            None,
        )

    # A create sent again after a lost response answers PublicKeyAlreadyExists: adopt the key the first made.
    _created, key = cf.create_or_adopt(
        lambda: cf.call(f"create public key {name}", client.create_public_key, PublicKeyConfig=config)["PublicKey"],
        find,
        "PublicKeyAlreadyExists",
    )
    return key["Id"]


def new_private_key():
    """A fresh RSA 2048 key (what CloudFront accepts), generated in memory."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def public_key_name(prefix, pem):
    """The name of the CloudFront public key for ``pem``: the prefix and 16 hex digits of its fingerprint."""
    return f"{prefix}-{public_keys.fingerprint(pem)[:16]}"
