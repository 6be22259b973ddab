#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: acm_certificate
version_added: 0.1.0
short_description: Request a DNS-validated public certificate from AWS Certificate Manager
description:
  - Requests a public ACM certificate for O(domain_name) and O(subject_alternative_names), validated through DNS,
    and reports the CNAME records that prove control of each domain. Create those records (for example with
    M(amazon.aws.route53)); ACM issues the certificate once every record resolves. With O(wait=true) the module
    then waits until the certificate is C(ISSUED).
  - M(community.aws.acm_certificate) can only import a certificate you already have; this module asks ACM for one.
  - B(Finding the certificate.) A certificate counts as the one described by the task when it was issued by
    Amazon (C(AMAZON_ISSUED)), uses the O(key_algorithm), is DNS-validated, and its domain name and set of
    subject alternative names are those of the task (order and letter case do not matter). Candidates come from
    C(ListCertificates) (filtered by status and key type) and are read with C(DescribeCertificate). An
    C(ISSUED) certificate is preferred over a C(PENDING_VALIDATION) one, and among equals the newest. Certificates
    that are C(FAILED), C(EXPIRED), C(REVOKED), C(VALIDATION_TIMED_OUT) or C(INACTIVE) are never reused; when only
    such certificates exist a new one is requested.
  - B(Requesting.) C(RequestCertificate) is called with C(ValidationMethod=DNS), the tags and an
    C(IdempotencyToken) derived from the domain names and key algorithm, so a request retried within an hour
    (after a lost answer or a failed run) returns the certificate of the first request instead of a second one.
  - ACM publishes the validation records a few seconds after the request. The module polls
    C(DescribeCertificate) every 5 seconds for up to O(validation_records_timeout) seconds until every domain has
    its record.
  - Tags are changed with C(AddTagsToCertificate) / C(RemoveTagsFromCertificate). A second identical run makes no
    write call.
  - In check mode nothing is requested, tagged or deleted; a certificate that would be requested is reported
    without ARN, as C(PENDING_VALIDATION), with no validation records yet.
author:
  - Storytime infrastructure team (@storytime)
options:
  domain_name:
    description:
      - The fully qualified domain name the certificate is for, such as V(cdn.example.com), or a wildcard such as
        V(*.example.com). Compared and requested in lower case, without a trailing dot.
    type: str
    required: true
  subject_alternative_names:
    description:
      - Further names the certificate covers. O(domain_name) is always one of them and need not be repeated.
      - V(example.com) and V(*.example.com) are validated with the same DNS record.
      - ACM allows 10 names per certificate unless the quota was raised.
    type: list
    elements: str
    default: []
  state:
    description:
      - V(present) finds or requests the certificate; V(absent) deletes every certificate of the task's domain
        names and key algorithm, whatever its status.
      - ACM refuses to delete a certificate that is in use (C(ResourceInUseException)); the module then fails and
        says to detach the certificate from the CloudFront distribution (or other service) first.
    type: str
    choices: [present, absent]
    default: present
  for_cloudfront:
    description:
      - The certificate is meant for a CloudFront distribution. CloudFront only uses ACM certificates from
        US East (N. Virginia), so the module refuses any O(region) other than V(us-east-1) before it calls AWS.
      - Set V(false) for a certificate used by a regional service, such as a load balancer, in its own region.
    type: bool
    default: true
  key_algorithm:
    description:
      - Algorithm of the certificate's key pair. CloudFront supports all three for viewer certificates; some old
        clients cannot use ECDSA.
    type: str
    choices: [RSA_2048, EC_prime256v1, EC_secp384r1]
    default: RSA_2048
  wait:
    description:
      - Wait until the certificate is C(ISSUED). The validation CNAME records must exist (or be created by
        someone else meanwhile), otherwise the wait ends in a timeout.
      - Fails at once if the certificate turns C(FAILED), C(VALIDATION_TIMED_OUT) or another final status.
      - Ignored in check mode.
    type: bool
    default: false
  wait_timeout:
    description:
      - How long to wait for C(ISSUED), in seconds. When it runs out the module fails; the result still holds the
        certificate and its validation records, and ACM keeps validating (a pending certificate times out after
        72 hours).
    type: int
    default: 1800
  wait_delay:
    description: Seconds between two C(DescribeCertificate) calls while waiting for C(ISSUED).
    type: int
    default: 15
  validation_records_timeout:
    description:
      - How long to wait, in seconds, for ACM to publish the DNS validation record of every domain of a
        C(PENDING_VALIDATION) certificate. It usually takes a few seconds after the request.
      - When it runs out the module fails (the result holds the certificate); a rerun finds the certificate and
        waits again. V(0) does not wait and returns the records published so far.
    type: int
    default: 120
notes:
  - Validation records stay needed after the certificate is issued; ACM renews the certificate automatically
    while they resolve and the certificate is in use.
  - A task with O(state=present) never deletes other certificates of the same names, for example a failed one.
  - Only public, DNS-validated certificates are handled. Email validation, private CAs, importing certificates and
    exporting keys are out of scope.
  - >-
    Why this module and not M(community.aws.acm_certificate) (11.2.0): that one imports certificates with their
    private key; it cannot request an ACM-issued, DNS-validated certificate nor return its validation records.
seealso:
  - name: DNS validation
    description: How ACM validates domains with CNAME records.
    link: https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
  - name: Requirements for using SSL/TLS certificates with CloudFront
    description: Why the certificate must be in US East (N. Virginia).
    link: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
  - module: amazon.aws.route53
  - module: storytime.video_infra.cloudfront_distribution
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Request the certificate of the playback domain
  storytime.video_infra.acm_certificate:
    region: us-east-1
    domain_name: cdn.storytime.example
    tags:
      Project: storytime
      Environment: prod
  register: cdn_certificate

- name: Publish the validation records in the hosted zone
  amazon.aws.route53:
    state: present
    zone: storytime.example
    record: "{{ item.name }}"
    type: "{{ item.type }}"
    value: "{{ item.value }}"
    ttl: 300
    overwrite: true
  loop: "{{ cdn_certificate.certificate.validation_records }}"

- name: Wait until ACM has issued it
  storytime.video_infra.acm_certificate:
    region: us-east-1
    domain_name: cdn.storytime.example
    wait: true
    wait_timeout: 900
  register: cdn_certificate

- name: An ECDSA certificate for a domain and all its subdomains (one validation record)
  storytime.video_infra.acm_certificate:
    region: us-east-1
    domain_name: storytime.example
    subject_alternative_names:
      - "*.storytime.example"
    key_algorithm: EC_prime256v1

- name: A certificate for a load balancer in Ireland
  storytime.video_infra.acm_certificate:
    region: eu-west-1
    for_cloudfront: false
    domain_name: api.storytime.example

- name: Delete the certificate (detach it from the distribution first)
  storytime.video_infra.acm_certificate:
    region: us-east-1
    domain_name: cdn.storytime.example
    state: absent
"""

RETURN = r"""
certificate:
  description: The certificate after the task (predicted in check mode).
  returned: when O(state=present)
  type: complex
  contains:
    arn:
      description: >-
        ARN of the certificate, for C(ViewerCertificate.ACMCertificateArn) of a distribution. In check mode, when the
        certificate would be requested, the prediction V((created by this run: ACM certificate <domain_name>\)),
        which M(storytime.video_infra.cloudfront_distribution) accepts in check mode.
      type: str
      returned: always
      sample: arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789
    domain_name:
      description: The domain name of the certificate.
      type: str
      returned: always
      sample: cdn.storytime.example
    subject_alternative_names:
      description: Every name the certificate covers, the domain name first.
      type: list
      elements: str
      returned: always
      sample: ["cdn.storytime.example", "*.cdn.storytime.example"]
    status:
      description: V(PENDING_VALIDATION) until ACM has validated every domain, then V(ISSUED).
      type: str
      returned: always
      sample: PENDING_VALIDATION
    key_algorithm:
      description: Algorithm of the key pair.
      type: str
      returned: always
      sample: RSA_2048
    in_use_by:
      description: ARNs of the AWS resources (distributions, load balancers) that use the certificate.
      type: list
      elements: str
      returned: always
      sample: ["arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE"]
    not_after:
      description: End of the validity period, ISO 8601. V(null) until the certificate is issued.
      type: str
      returned: always
      sample: "2026-02-28T23:59:59+00:00"
    validation_records:
      description:
        - The CNAME records to create in DNS, one per distinct record (a domain and its wildcard share one).
        - Empty in check mode when the certificate would be requested.
      type: list
      elements: dict
      returned: always
      contains:
        domain_name:
          description: The (first) domain the record validates.
          type: str
          returned: always
          sample: cdn.storytime.example
        name:
          description: Name of the record, with a trailing dot.
          type: str
          returned: always
          sample: _3639ac514e785e898d2646601fa951d5.cdn.storytime.example.
        type:
          description: Record type, always V(CNAME).
          type: str
          returned: always
          sample: CNAME
        value:
          description: Value of the record.
          type: str
          returned: always
          sample: _98d2646601fa951d53639ac514e785e8.zfyfvmchrl.acm-validations.aws.
    tags:
      description: Tags of the certificate.
      type: dict
      returned: always
      sample: {"Project": "storytime", "Environment": "prod"}
"""

import hashlib
import time

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import apply_tags
from ansible_collections.storytime.video_infra.plugins.module_utils.common import created_by_this_run
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result
from ansible_collections.storytime.video_infra.plugins.module_utils.common import string_map

CLOUDFRONT_REGION = "us-east-1"
KEY_ALGORITHMS = ("RSA_2048", "EC_prime256v1", "EC_secp384r1")
# Statuses of a certificate that can still serve, best first.
USABLE_STATUSES = ("ISSUED", "PENDING_VALIDATION")
NOT_FOUND_CODES = ["ResourceNotFoundException"]
# ACM throttles with ThrottlingException, which AWSRetry does not retry by default.
RETRY_CODES = ["ThrottlingException"]
# ACM allows idempotency tokens of up to 32 word characters.
TOKEN_LENGTH = 32
LIST_PAGE_SIZE = 1000
RECORDS_POLL_SECONDS = 5


class ACMError(StorytimeError):
    """A failed ACM call or a refused request; ``result`` is what the failed task still reports."""

    def __init__(self, message, exception=None, result=None):
        super().__init__(message, exception)
        self.result = result or {}


def acm_client(module):
    """ACM client whose calls retry throttling when passed ``aws_retry=True``."""
    return module.client("acm", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES))


class ACMErrorHandler(StorytimeErrorHandler):
    """ACM calls: ACMError, and ResourceNotFoundException for a missing certificate."""

    _CUSTOM_EXCEPTION = ACMError
    MISSING_CODES = tuple(NOT_FOUND_CODES)


call = ACMErrorHandler.call
call_or_none = ACMErrorHandler.call_or_none


def normalise(name):
    return name.strip().rstrip(".").lower()


def wanted_names(params):
    """The domain name first, then each further name once (lower case)."""
    names = [normalise(params["domain_name"])]
    for given in params["subject_alternative_names"] or []:
        name = normalise(given)
        if name and name not in names:
            names.append(name)
    return names


def idempotency_token(names, key_algorithm):
    """Same names and algorithm, same token: a request repeated within an hour returns the first certificate."""
    text = "|".join([key_algorithm, names[0], *sorted(names[1:])])
    return hashlib.sha256(text.encode()).hexdigest()[:TOKEN_LENGTH]


def string_tags(tags):
    return string_map("tags", tags, ACMError)


def iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


# ---------------------------------------------------------------------------------------------
# Reading


def describe(client, arn):
    response = call_or_none(f"describe certificate {arn}", client.describe_certificate, CertificateArn=arn)
    return None if response is None else response["Certificate"]


def describe_new(client, arn):
    """Describe a certificate just requested; ACM may not know it at once (eventual consistency)."""
    retrying = AWSRetry.jittered_backoff(retries=5, delay=2, catch_extra_error_codes=[*RETRY_CODES, *NOT_FOUND_CODES])
    response = call_or_none(f"describe certificate {arn}", retrying(client.describe_certificate), CertificateArn=arn)
    return None if response is None else response["Certificate"]


def get_tags(client, arn):
    response = call(f"list tags of certificate {arn}", client.list_tags_for_certificate, CertificateArn=arn)
    return {tag["Key"]: tag.get("Value", "") for tag in response.get("Tags") or []}


def list_summaries(client, key_algorithm, statuses):
    request = {"Includes": {"keyTypes": [key_algorithm]}, "MaxItems": LIST_PAGE_SIZE}
    if statuses:
        request["CertificateStatuses"] = list(statuses)
    pages = ACMErrorHandler.pages("list certificates", client.list_certificates, request)
    return [summary for page in pages for summary in page.get("CertificateSummaryList") or []]


def dns_validated(certificate):
    return all(
        option.get("ValidationMethod", "DNS") == "DNS" for option in certificate.get("DomainValidationOptions") or []
    )


def same_names(certificate, names):
    found = certificate.get("SubjectAlternativeNames") or [certificate.get("DomainName", "")]
    return normalise(certificate.get("DomainName", "")) == names[0] and {normalise(n) for n in found} == set(names)


def matches(certificate, names, key_algorithm):
    return (
        certificate.get("Type") == "AMAZON_ISSUED"
        and certificate.get("KeyAlgorithm") == key_algorithm
        and same_names(certificate, names)
        and dns_validated(certificate)
    )


def preference(certificate):
    status = certificate.get("Status")
    rank = USABLE_STATUSES.index(status) if status in USABLE_STATUSES else len(USABLE_STATUSES)
    created = certificate.get("CreatedAt")
    return (rank, -created.timestamp() if hasattr(created, "timestamp") else 0, certificate["CertificateArn"])


def find_certificates(client, names, key_algorithm, statuses=USABLE_STATUSES):
    """The certificates of the task with one of ``statuses`` (every status if empty), best first."""
    found = []
    for summary in list_summaries(client, key_algorithm, statuses):
        if normalise(summary.get("DomainName", "")) != names[0]:
            continue
        if summary.get("Type", "AMAZON_ISSUED") != "AMAZON_ISSUED":
            continue
        certificate = describe(client, summary["CertificateArn"])
        if certificate is None or not matches(certificate, names, key_algorithm):
            continue
        if statuses and certificate.get("Status") not in statuses:
            continue
        found.append(certificate)
    return sorted(found, key=preference)


def validation_records(certificate):
    records = []
    seen = set()
    for option in certificate.get("DomainValidationOptions") or []:
        record = option.get("ResourceRecord")
        if not record:
            continue
        key = (record["Name"], record["Type"], record["Value"])
        if key in seen:
            continue
        seen.add(key)
        records.append(
            {
                "domain_name": option["DomainName"],
                "name": record["Name"],
                "type": record["Type"],
                "value": record["Value"],
            }
        )
    return records


def records_complete(certificate):
    options = certificate.get("DomainValidationOptions") or []
    return bool(options) and all(option.get("ResourceRecord") for option in options)


def to_result(certificate, tags):
    return {
        "arn": certificate.get("CertificateArn"),
        "domain_name": certificate.get("DomainName"),
        "subject_alternative_names": list(certificate.get("SubjectAlternativeNames") or []),
        "status": certificate.get("Status"),
        "key_algorithm": certificate.get("KeyAlgorithm"),
        "in_use_by": list(certificate.get("InUseBy") or []),
        "not_after": iso(certificate.get("NotAfter")),
        "validation_records": validation_records(certificate),
        "tags": dict(tags),
    }


def predicted(names, key_algorithm, tags):
    certificate = {
        "CertificateArn": created_by_this_run("ACM certificate", names[0]),
        "DomainName": names[0],
        "SubjectAlternativeNames": names,
        "Status": "PENDING_VALIDATION",
        "KeyAlgorithm": key_algorithm,
    }
    return to_result(certificate, tags or {})


# ---------------------------------------------------------------------------------------------
# Waiting (ACM's botocore waiter polls once a minute; these polls follow the task's options)


def wait_for_records(client, certificate, timeout):
    """Poll until ACM has published the validation record of every domain of a pending certificate."""
    arn = certificate["CertificateArn"]
    deadline = time.monotonic() + timeout
    while certificate.get("Status") == "PENDING_VALIDATION" and not records_complete(certificate):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            if timeout == 0:
                return certificate
            raise ACMError(
                f"ACM has not published the DNS validation records of certificate {arn} after {timeout} seconds;"
                " run the task again to pick the certificate up, or raise validation_records_timeout."
            )
        time.sleep(min(RECORDS_POLL_SECONDS, remaining))
        certificate = reread(client, arn)
    return certificate


def reread(client, arn):
    certificate = describe(client, arn)
    if certificate is None:
        raise ACMError(f"Certificate {arn} disappeared while waiting for it")
    return certificate


def pending_records_text(certificate):
    pending = [
        option["ResourceRecord"]
        for option in certificate.get("DomainValidationOptions") or []
        if option.get("ValidationStatus") != "SUCCESS" and option.get("ResourceRecord")
    ]
    unique = []
    for record in pending:
        line = f"{record['Name']} {record['Type']} {record['Value']}"
        if line not in unique:
            unique.append(line)
    return "; ".join(unique)


def wait_for_issued(client, certificate, timeout, delay):
    arn = certificate["CertificateArn"]
    deadline = time.monotonic() + timeout
    while certificate.get("Status") == "PENDING_VALIDATION":
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            records = pending_records_text(certificate)
            hint = f" ACM issues it once these CNAME records resolve: {records}." if records else ""
            raise ACMError(
                f"Timed out after {timeout} seconds waiting for certificate {arn} to be issued; it is"
                f" {certificate.get('Status')}.{hint}"
            )
        time.sleep(min(delay, remaining))
        certificate = reread(client, arn)
    if certificate.get("Status") != "ISSUED":
        reason = certificate.get("FailureReason")
        raise ACMError(
            f"Certificate {arn} is {certificate.get('Status')}"
            + (f" ({reason})" if reason else "")
            + ", it will not be issued; delete it and run again."
        )
    return certificate


# ---------------------------------------------------------------------------------------------
# Writing


def request_certificate(client, names, key_algorithm, tags):
    request = {
        "DomainName": names[0],
        "ValidationMethod": "DNS",
        "KeyAlgorithm": key_algorithm,
        "IdempotencyToken": idempotency_token(names, key_algorithm),
    }
    if len(names) > 1:
        request["SubjectAlternativeNames"] = names[1:]
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    arn = call(f"request a certificate for {names[0]}", client.request_certificate, **request)["CertificateArn"]
    certificate = describe_new(client, arn)
    if certificate is None or certificate.get("Status") not in USABLE_STATUSES:
        # The token still named a certificate of an earlier request that was deleted or failed since.
        del request["IdempotencyToken"]
        arn = call(f"request a certificate for {names[0]}", client.request_certificate, **request)["CertificateArn"]
        certificate = reread(client, arn)
    return certificate


def ensure_tags(client, arn, current, desired, *, purge, check_mode):
    """Returns ``(changed, final_tags)``; ``desired`` None leaves the tags alone."""
    return apply_tags(
        current,
        desired,
        purge=purge,
        check_mode=check_mode,
        untag=lambda keys: call(
            f"remove tags from certificate {arn}",
            client.remove_tags_from_certificate,
            CertificateArn=arn,
            Tags=[{"Key": key} for key in keys],
        ),
        tag=lambda tags: call(
            f"tag certificate {arn}",
            client.add_tags_to_certificate,
            CertificateArn=arn,
            Tags=ansible_dict_to_boto3_tag_list(tags),
        ),
    )


def ensure_present(module, client):
    params = module.params
    names = wanted_names(params)
    key_algorithm = params["key_algorithm"]
    desired_tags = string_tags(params["tags"])

    found = find_certificates(client, names, key_algorithm)
    if not found:
        if module.check_mode:
            after = predicted(names, key_algorithm, desired_tags)
            return present_result("certificate", True, None, after)
        certificate = request_certificate(client, names, key_algorithm, desired_tags)
        tags = desired_tags or {}
        before = {}
        changed = True
    else:
        certificate = found[0]
        current_tags = get_tags(client, certificate["CertificateArn"])
        before = to_result(certificate, current_tags)
        changed, tags = ensure_tags(
            client,
            certificate["CertificateArn"],
            current_tags,
            desired_tags,
            purge=params["purge_tags"],
            check_mode=module.check_mode,
        )

    if not module.check_mode:
        try:
            certificate = wait_for_records(client, certificate, params["validation_records_timeout"])
            if params["wait"]:
                certificate = wait_for_issued(client, certificate, params["wait_timeout"], params["wait_delay"])
        except ACMError as e:
            e.result = {"changed": changed, "certificate": to_result(certificate, tags)}
            raise

    return present_result("certificate", changed, before, to_result(certificate, tags))


def in_use_message(certificate):
    users = ", ".join(certificate.get("InUseBy") or []) or "another AWS service"
    return (
        f"Certificate {certificate['CertificateArn']} is in use by {users}, and ACM does not delete a certificate in"
        " use. Detach it from the CloudFront distribution first (give the distribution another viewer certificate or"
        " remove its aliases), then run again."
    )


def ensure_absent(module, client):
    params = module.params
    names = wanted_names(params)
    certificates = find_certificates(client, names, params["key_algorithm"], statuses=())
    if not certificates:
        return {"changed": False}
    for certificate in certificates:
        if certificate.get("InUseBy"):
            raise ACMError(in_use_message(certificate))
    deleted = []
    for certificate in certificates:
        arn = certificate["CertificateArn"]
        if not module.check_mode:
            try:
                if call_or_none(f"delete certificate {arn}", client.delete_certificate, CertificateArn=arn) is None:
                    continue  # deleted by someone else in between
            except ACMError as e:
                code = (getattr(e.exception, "response", None) or {}).get("Error", {}).get("Code")
                if code == "ResourceInUseException":
                    raise ACMError(in_use_message(certificate), e.exception) from e
                raise
        deleted.append(to_result(certificate, {}))
    if not deleted:
        return {"changed": False}
    return {"changed": True, "diff": {"before": {"certificates": deleted}, "after": {"certificates": []}}}


def validate(module):
    """Checks made before any AWS client exists."""
    params = module.params
    if not normalise(params["domain_name"] or ""):
        module.fail_json(msg="domain_name must not be empty")
    if params["for_cloudfront"] and module.region != CLOUDFRONT_REGION:
        module.fail_json(
            msg=(
                f"for_cloudfront=true needs region {CLOUDFRONT_REGION}, got {module.region!r}: CloudFront only uses ACM"
                f" certificates from US East (N. Virginia). Set region: {CLOUDFRONT_REGION} on this task, or"
                " for_cloudfront: false for a certificate of a regional service."
            )
        )
    for option in ("wait_timeout", "wait_delay"):
        if params[option] < 1:
            module.fail_json(msg=f"{option} must be at least 1 second")
    if params["validation_records_timeout"] < 0:
        module.fail_json(msg="validation_records_timeout must not be negative")


def main():
    argument_spec = dict(
        domain_name=dict(type="str", required=True),
        subject_alternative_names=dict(type="list", elements="str", default=[]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        for_cloudfront=dict(type="bool", default=True),
        key_algorithm=dict(type="str", default="RSA_2048", choices=list(KEY_ALGORITHMS)),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=1800),
        wait_delay=dict(type="int", default=15),
        validation_records_timeout=dict(type="int", default=120),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    handler = ensure_present if module.params["state"] == "present" else ensure_absent
    try:
        result = handler(module, acm_client(module))
    except ACMError as e:
        if e.exception is not None:
            module.fail_json_aws(e.exception, msg=e.message, **e.result)
        module.fail_json(msg=e.message, **e.result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
