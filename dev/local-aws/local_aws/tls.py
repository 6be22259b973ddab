"""TLS for the local AWS: a private certificate authority and a loopback server certificate.

The local AWS speaks HTTPS, like every AWS endpoint. That matters for more than realism: the buckets'
``DenyInsecureTransport`` statement (``aws:SecureTransport`` false → deny), which the collection puts on
every bucket, is evaluated by moto from the request scheme, so over plain HTTP the buckets would
rightly refuse every object upload.

The state directory holds:

``ca.pem``
    the certificate of a private CA, generated once per state directory. Clients trust it through
    ``AWS_CA_BUNDLE`` (botocore), the ``aws_ca_bundle`` module option (amazon.aws) or ``ca_path``
    (``ansible.builtin.uri``). Its key is not kept: nothing else is ever signed with it.
``server.pem`` / ``server-key.pem``
    the server certificate (for ``127.0.0.1``, ``localhost`` and ``*.localhost``) and its key.

Existing files are reused while they are valid, so an exported ``AWS_CA_BUNDLE`` survives restarts.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

#: Validity of a generated server certificate and CA.
VALIDITY = datetime.timedelta(days=365)

#: A certificate that expires within this margin is regenerated.
RENEW_MARGIN = datetime.timedelta(days=7)

#: Names the server certificate is valid for.
DNS_NAMES = ("localhost", "*.localhost")
IP_ADDRESSES = ("127.0.0.1",)


@dataclass(frozen=True)
class TLSFiles:
    """Paths of the CA certificate, server certificate and server key."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    @classmethod
    def in_dir(cls, directory: Path) -> TLSFiles:
        """The files in a state directory."""
        return cls(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")

    def exist(self) -> bool:
        """True if all three files exist."""
        return self.ca_file.is_file() and self.cert_file.is_file() and self.key_file.is_file()


def _still_valid(cert_file: Path, ca_file: Path) -> bool:
    """True if the server certificate is signed by the CA and valid beyond the renewal margin."""
    from cryptography import x509  # noqa: PLC0415  (lazy: the light CLI commands never generate)
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415

    try:
        cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
        ca = x509.load_pem_x509_certificate(ca_file.read_bytes())
        cert.verify_directly_issued_by(ca)
    except (OSError, ValueError, TypeError, InvalidSignature):
        return False
    now = datetime.datetime.now(datetime.UTC)
    return cert.not_valid_after_utc - RENEW_MARGIN > now and ca.not_valid_after_utc - RENEW_MARGIN > now


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by the owner only (atomic replace)."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    tmp.replace(path)


def ensure_certificates(directory: Path) -> TLSFiles:
    """Return the TLS files in ``directory``, generating a CA and server certificate when needed."""
    files = TLSFiles.in_dir(directory)
    if files.exist() and _still_valid(files.cert_file, files.ca_file):
        return files
    return issue_certificates(
        directory,
        ca_common_name=f"local AWS test CA ({directory.name})",
        dns_names=DNS_NAMES,
        ip_addresses=IP_ADDRESSES,
        validity=VALIDITY,
        server_common_name="localhost",
    )


def issue_certificates(
    directory: Path,
    *,
    ca_common_name: str,
    dns_names: tuple[str, ...] | list[str],
    ip_addresses: tuple[str, ...] | list[str],
    validity: datetime.timedelta,
    server_common_name: str,
) -> TLSFiles:
    """A new CA (its key is thrown away) and one server certificate it signs for ``dns_names`` and
    ``ip_addresses``, written to ``directory`` as :class:`TLSFiles` (the server key readable by its owner only)."""
    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import ExtendedKeyUsageOID  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ca_common_name)])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in dns_names]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in ip_addresses]
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, server_common_name)]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + validity)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )

    files = TLSFiles.in_dir(directory)
    directory.mkdir(parents=True, exist_ok=True)
    _write_private(
        files.key_file,
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    files.cert_file.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    files.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return files


def client_context(ca_file: Path | str | None) -> ssl.SSLContext:
    """An SSL context for clients of the local AWS that trusts ``ca_file`` (default trust if None)."""
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


def server_context(files: TLSFiles) -> ssl.SSLContext:
    """The server-side SSL context (TLS 1.2 minimum, as CloudFront and the AWS APIs require)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(files.cert_file), str(files.key_file))
    return context
