"""ACM DNS validation as ACM does it, in place of moto's timer.

What moto 5.2.5 does (measured against this server; see ``tests/local_aws/test_local_acm.py``)
=============================================================================================
* ``RequestCertificate`` ignores ``ValidationMethod`` and ``KeyAlgorithm``: every requested certificate
  describes as ``RSA_2048``, with DNS validation options, also when email validation was asked for, so
  ``ListCertificates`` with ``Includes.keyTypes: [EC_prime256v1]`` finds nothing.
* ``DomainValidationOptions[].ResourceRecord`` is there at once, but with one constant record for every
  domain, account and certificate: name ``_d930b28be6c5927595552b219965053e.<domain>.`` and value
  ``_c9edd76ee4a0e2a74388032f3861cc50.ykybfrwcxw.acm-validations.aws.``.
* The status is ``PENDING_VALIDATION`` and turns ``ISSUED`` when the certificate is read more than
  ``MOTO_ACM_VALIDATION_WAIT`` seconds (default 60) after the request, whether or not any DNS record
  exists. Each domain's ``ValidationStatus`` follows the certificate's (``PENDING_VALIDATION``, then ``SUCCESS``
  for every domain at once).
* While pending, ``IssuedAt``, ``NotBefore``, ``NotAfter`` and ``Serial`` are already filled in, and
  ``SubjectAlternativeNames`` come in an arbitrary order (a set).
* ``DeleteCertificate`` never answers ``ResourceInUseException``, not even when ``InUseBy`` (filled only
  by moto's ELB) names a load balancer; a reused ``IdempotencyToken`` whose certificate was deleted makes
  ``RequestCertificate`` fail with an internal error (a ``KeyError`` in moto).

What the local AWS does instead
===============================
:func:`install` (called by :class:`local_aws.server.LocalAWSApp`) patches moto's ACM classes in the server
process; moto keeps its state, the status is recomputed whenever moto reads a certificate
(``CertBundle.check``, which moto's describe, list, get, tag and export calls all go through):

* ``RequestCertificate`` records ``ValidationMethod`` (no value counts as ``EMAIL``), ``KeyAlgorithm``
  (default ``RSA_2048``) and the names in request order: ``DomainName`` first, then each SAN once.
* Every domain gets its validation CNAME at once (AWS publishes it within seconds): name
  ``_<32 hex>.<domain>.``, value ``_<32 hex>.<10 letters>.acm-validations.aws.``, derived from the account
  and the domain without a leading ``*.``. As on AWS, the record is the same for every certificate of the
  account that names the domain, and ``example.com`` and ``*.example.com`` share one.
* A DNS-validated certificate becomes ``ISSUED`` once, for every domain, the CNAME *name* → *value*
  exists in a **public** hosted zone of the account in moto's Route53 whose name is the record name or a
  suffix of it at a label boundary (names and values compared case-insensitively, trailing dot optional).
  Each domain's ``ValidationStatus`` is ``SUCCESS`` as soon as its own record is there, else
  ``PENDING_VALIDATION``. Once issued, removing the record changes nothing.
* A certificate still pending 72 hours after the request turns ``VALIDATION_TIMED_OUT``. Email
  validation is not emulated: such a certificate lists ``ValidationEmails`` and stays pending until then.
* While not issued, ``IssuedAt``, ``NotBefore``, ``NotAfter`` and ``Serial`` are left out; ``IssuedAt``
  is the moment the validation succeeded.
* ``InUseBy`` also lists the resources other emulations report through :func:`register_in_use_source`:
  the local CloudFront (``dev/local-aws/local_aws/cloudfront.py``) reports every distribution whose
  ``ViewerCertificate.ACMCertificateArn`` names the certificate, as ``arn:aws:cloudfront::ACCOUNT:distribution/ID``
  (ACM User Guide, "DescribeCertificate": ``InUseBy``, "a list of ARNs for the AWS resources that are using the
  certificate"). This applies to every certificate, requested or imported.
* ``DeleteCertificate`` of a certificate whose ``InUseBy`` is not empty answers ``ResourceInUseException``
  (HTTP 400). A token whose certificate was deleted counts as unused.

Not emulated: DNS delegation (a record in the parent zone counts even when a child zone exists), CAA
records, ``FAILED`` validations, renewals.
"""

from __future__ import annotations

import datetime
import hashlib
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Attribute of moto's ``CertBundle`` that holds the :class:`RequestedCertificate`.
REQUEST_ATTRIBUTE = "_local_aws_request"

#: How long ACM waits for a pending certificate to be validated.
VALIDATION_TIMEOUT = datetime.timedelta(hours=72)

#: The addresses ACM mails for email validation (besides the WHOIS contacts).
EMAIL_LOCAL_PARTS = ("admin", "administrator", "hostmaster", "postmaster", "webmaster")

#: ``(account_id, partition, certificate_arn) -> ARNs of resources using the certificate``.
InUseSource = Callable[[str, str, str], list[str]]
_IN_USE_SOURCES: list[InUseSource] = []

_NOT_ISSUED = ("PENDING_VALIDATION", "VALIDATION_TIMED_OUT", "FAILED")
_UNISSUED_FIELDS = ("IssuedAt", "NotBefore", "NotAfter", "Serial")


@dataclass
class RequestedCertificate:
    """What ``RequestCertificate`` asked for, kept beside moto's certificate."""

    validation_method: str
    key_algorithm: str
    names: list[str]
    issued_at: datetime.datetime | None = None


def _normalise(name: str) -> str:
    return name.strip().rstrip(".").lower()


def base_domain(domain: str) -> str:
    """The domain a validation record is made for: ``*.example.com`` and ``example.com`` share one."""
    domain = _normalise(domain)
    return domain[2:] if domain.startswith("*.") else domain


def validation_record(account_id: str, domain: str) -> dict[str, str]:
    """The CNAME that proves control of ``domain`` for ``account_id`` (``Name`` and ``Value`` end in a dot)."""
    base = base_domain(domain)
    digest = hashlib.sha256(f"{account_id}|{base}".encode()).hexdigest()
    letters = "".join(string.ascii_lowercase[int(digest[i : i + 2], 16) % 26] for i in range(0, 20, 2))
    return {
        "Name": f"_{digest[:32]}.{base}.",
        "Type": "CNAME",
        "Value": f"_{digest[32:64]}.{letters}.acm-validations.aws.",
    }


def _record_values(rrset: Any) -> list[str]:
    values = []
    for value in rrset.records or []:
        values.append(value.get("Value", "") if isinstance(value, dict) else str(value))
    return values


def cname_published(account_id: str, partition: str, name: str, value: str) -> bool:
    """Whether a public hosted zone of the account in moto's Route53 holds the CNAME ``name`` → ``value``."""
    from moto.route53.models import route53_backends  # noqa: PLC0415  (server process only)

    name, value = _normalise(name), _normalise(value)
    backend = route53_backends[account_id][partition]
    for zone in list(backend.zones.values()):
        if zone.private_zone:
            continue
        zone_name = _normalise(zone.name)
        if name != zone_name and not name.endswith("." + zone_name):
            continue
        for rrset in list(zone.rrsets):
            if rrset.type != "CNAME" or _normalise(rrset.name) != name:
                continue
            if any(_normalise(found) == value for found in _record_values(rrset)):
                return True
    return False


def _arn_parts(arn: str) -> tuple[str, str]:
    """``(partition, account_id)`` of a certificate ARN."""
    parts = arn.split(":")
    return parts[1], parts[4]


def domain_validated(bundle: Any, domain: str) -> bool:
    """Whether the validation CNAME of ``domain`` is published for the certificate's account."""
    partition, account_id = _arn_parts(bundle.arn)
    record = validation_record(account_id, domain)
    return cname_published(account_id, partition, record["Name"], record["Value"])


def _domain_status(bundle: Any, request: RequestedCertificate, domain: str) -> str:
    if bundle.status in ("FAILED", "VALIDATION_TIMED_OUT"):
        return "FAILED"
    if bundle.status != "PENDING_VALIDATION":
        return "SUCCESS"
    if request.validation_method == "DNS" and domain_validated(bundle, domain):
        return "SUCCESS"
    return "PENDING_VALIDATION"


def validation_option(bundle: Any, request: RequestedCertificate, domain: str) -> dict[str, Any]:
    """One entry of ``DomainValidationOptions``."""
    option: dict[str, Any] = {
        "DomainName": domain,
        "ValidationDomain": domain,
        "ValidationStatus": _domain_status(bundle, request, domain),
        "ValidationMethod": request.validation_method,
    }
    if request.validation_method == "DNS":
        option["ResourceRecord"] = validation_record(_arn_parts(bundle.arn)[1], domain)
    else:
        option["ValidationEmails"] = [f"{local}@{base_domain(domain)}" for local in EMAIL_LOCAL_PARTS]
    return option


def register_in_use_source(source: InUseSource) -> None:
    """Have ``source`` report the resources that use a certificate (idempotent)."""
    if source not in _IN_USE_SOURCES:
        _IN_USE_SOURCES.append(source)


def in_use_by(bundle: Any) -> list[str]:
    """``InUseBy`` of a certificate: what moto recorded (its ELB) plus what the registered sources report."""
    users = list(getattr(bundle, "in_use_by", None) or [])
    partition, account_id = _arn_parts(bundle.arn)
    for source in list(_IN_USE_SOURCES):
        users.extend(user for user in source(account_id, partition, bundle.arn) if user not in users)
    return users


def _requested_names(domain_name: str, sans: list[str] | None) -> list[str]:
    names: list[str] = []
    for name in [domain_name, *(sans or [])]:
        if name not in names:
            names.append(name)
    return names


def install() -> None:
    """Patch moto's ACM in this process (idempotent): see the module documentation."""
    from moto.acm.models import AWSCertificateManagerBackend  # noqa: PLC0415  (server process only)
    from moto.acm.models import CertBundle  # noqa: PLC0415
    from moto.acm.models import datetime_to_epoch  # noqa: PLC0415
    from moto.acm.responses import AWSCertificateManagerResponse  # noqa: PLC0415
    from moto.core.exceptions import AWSError  # noqa: PLC0415
    from moto.core.utils import utcnow  # noqa: PLC0415

    if getattr(CertBundle.check, "_local_aws", False):
        return

    original_check = CertBundle.check
    original_describe = CertBundle.describe
    original_request = AWSCertificateManagerResponse.request_certificate
    original_token = AWSCertificateManagerBackend._get_arn_from_idempotency_token
    original_delete = AWSCertificateManagerBackend.delete_certificate

    def check(self: Any) -> None:
        request: RequestedCertificate | None = getattr(self, REQUEST_ATTRIBUTE, None)
        if request is None:
            original_check(self)
            return
        now = utcnow()
        if self.status == "ISSUED" and self._not_valid_after(self._cert) <= now:
            self.status = "EXPIRED"
        if self.status != "PENDING_VALIDATION":
            return
        if request.validation_method == "DNS" and all(domain_validated(self, name) for name in request.names):
            self.status = "ISSUED"
            request.issued_at = now
        elif now - self.created_at > VALIDATION_TIMEOUT:
            self.status = "VALIDATION_TIMED_OUT"

    def describe(self: Any) -> dict[str, Any]:
        result = original_describe(self)
        certificate = result["Certificate"]
        certificate["InUseBy"] = in_use_by(self)
        request: RequestedCertificate | None = getattr(self, REQUEST_ATTRIBUTE, None)
        if request is None:
            return result
        certificate["DomainName"] = request.names[0]
        certificate["SubjectAlternativeNames"] = list(request.names)
        certificate["KeyAlgorithm"] = request.key_algorithm
        certificate["DomainValidationOptions"] = [validation_option(self, request, name) for name in request.names]
        if self.status in _NOT_ISSUED:
            for key in _UNISSUED_FIELDS:
                certificate.pop(key, None)
        elif request.issued_at is not None:
            certificate["IssuedAt"] = datetime_to_epoch(request.issued_at)
        return result

    def request_certificate(self: Any) -> Any:
        response = original_request(self)
        bundle = self.acm_backend._certificates.get(response.result["CertificateArn"])
        if bundle is not None and bundle.type == "AMAZON_ISSUED" and getattr(bundle, REQUEST_ATTRIBUTE, None) is None:
            setattr(
                bundle,
                REQUEST_ATTRIBUTE,
                RequestedCertificate(
                    validation_method=self._get_param("ValidationMethod") or "EMAIL",
                    key_algorithm=self._get_param("KeyAlgorithm") or "RSA_2048",
                    names=_requested_names(self._get_param("DomainName"), self._get_param("SubjectAlternativeNames")),
                ),
            )
        return response

    def get_arn_from_idempotency_token(self: Any, token: str) -> str | None:
        arn = original_token(self, token)
        if arn is not None and arn not in self._certificates:
            del self._idempotency_tokens[token]
            return None
        return arn

    def delete_certificate(self: Any, arn: str) -> None:
        bundle = self._certificates.get(arn)
        if bundle is not None and in_use_by(bundle):
            raise AWSError(
                f"Certificate {arn} in account {self.account_id} is in use.",
                exception_type="ResourceInUseException",
            )
        original_delete(self, arn)

    check._local_aws = True  # type: ignore[attr-defined]
    CertBundle.check = check  # type: ignore[method-assign]
    CertBundle.describe = describe  # type: ignore[method-assign]
    AWSCertificateManagerResponse.request_certificate = request_certificate  # type: ignore[method-assign]
    AWSCertificateManagerBackend._get_arn_from_idempotency_token = get_arn_from_idempotency_token
    AWSCertificateManagerBackend.delete_certificate = delete_certificate  # type: ignore[method-assign]


__all__ = [
    "RequestedCertificate",
    "base_domain",
    "cname_published",
    "domain_validated",
    "in_use_by",
    "install",
    "register_in_use_source",
    "validation_option",
    "validation_record",
]
