# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checks and fingerprints of the RSA public keys CloudFront uses to verify signed URLs and cookies.

CloudFront accepts SSH-2 RSA 2048-bit public keys in PEM format for trusted key groups (developer guide,
"Create a key pair for a trusted key group"). Used by the cloudfront_public_key module and by roles (through
filter plugins) to refuse a bad key before any AWS call. Messages never contain the key text.
"""

import hashlib

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover
    HAS_CRYPTOGRAPHY = False

REQUIRED_KEY_SIZE = 2048


def load_public_key(pem):
    """Parse a PEM public key; raises ValueError with a message that never quotes the input."""
    if not HAS_CRYPTOGRAPHY:  # pragma: no cover
        raise ValueError("the Python library 'cryptography' is required to check public keys")
    if not isinstance(pem, str) or not pem.strip():
        raise ValueError("is empty or not a string")
    if "PRIVATE KEY" in pem:
        raise ValueError("is a PRIVATE key; give only the public half (openssl rsa -pubout)")
    try:
        key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as e:
        raise ValueError("is not a PEM-encoded public key (-----BEGIN PUBLIC KEY----- ...)") from e
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError(f"is a {type(key).__name__.replace('PublicKey', '')} key; CloudFront needs RSA")
    if key.key_size != REQUIRED_KEY_SIZE:
        raise ValueError(f"is an RSA {key.key_size}-bit key; CloudFront needs RSA {REQUIRED_KEY_SIZE}")
    return key


def pem_problem(pem):
    """Why CloudFront would refuse ``pem`` as a public key, or ``None``."""
    try:
        load_public_key(pem)
    except ValueError as e:
        return str(e)
    return None


def der(key):
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(pem):
    """Hex SHA-256 of the DER SubjectPublicKeyInfo: the same key gives the same value whatever its PEM layout."""
    return hashlib.sha256(der(load_public_key(pem))).hexdigest()


def canonical_pem(pem):
    """The PEM as CloudFront should store it (normalised line endings, trailing newline)."""
    return (
        load_public_key(pem)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
