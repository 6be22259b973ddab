"""Certificates for the CloudFront and ACM tests: self-signed, imported into the local ACM (``ISSUED`` at once)."""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from local_aws import LocalAWS


@cache
def certificate_key() -> rsa.RSAPrivateKey:
    """The key every test certificate certifies (generated once: RSA generation is slow)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def new_public_key_pem() -> str:
    """The public half (SubjectPublicKeyInfo PEM) of a new 2048-bit RSA key, as CloudFront public keys take it."""
    return (
        certificate_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def self_signed_certificate(names: tuple[str, ...]) -> tuple[str, str]:
    """A certificate for ``names`` (the first is the subject CN, all are DNS SANs): ``(certificate, key)`` PEMs."""
    key = certificate_key()
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()


def import_certificate(aws: LocalAWS, names: tuple[str, ...], region: str = "us-east-1") -> str:
    """Import a certificate for ``names`` into ACM in ``region``; returns its ARN."""
    certificate, key = self_signed_certificate(names)
    acm = aws.client("acm", region)
    return acm.import_certificate(Certificate=certificate.encode(), PrivateKey=key.encode())["CertificateArn"]


def viewer_certificate(certificate_arn: str | None) -> dict[str, Any]:
    """A distribution's ``ViewerCertificate``: this ACM certificate over SNI, or CloudFront's own (None)."""
    if not certificate_arn:
        return {"CloudFrontDefaultCertificate": True}
    return {
        "ACMCertificateArn": certificate_arn,
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
