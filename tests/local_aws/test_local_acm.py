"""ACM DNS validation of the local AWS (module local_aws.acm): a certificate is issued only once its CNAMEs are in DNS.

Most tests talk to the session's server over HTTPS with boto3, as the module does; the 72-hour timeout is checked
in-process (moto's ``mock_aws`` with the same patches), since a server's clock cannot be moved.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local_aws import LocalAWS
from local_aws import acm as local_acm
from tests.local_aws.certificates import viewer_certificate

REGION = "us-east-1"
DOMAIN = "cdn.storytime.test"
RECORD_NAME = re.compile(r"^_[0-9a-f]{32}\.(?P<domain>[a-z0-9.-]+)\.$")
RECORD_VALUE = re.compile(r"^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$")


@pytest.fixture
def acm(aws: LocalAWS) -> Any:
    return aws.client("acm", REGION)


@pytest.fixture
def route53(aws: LocalAWS) -> Any:
    return aws.client("route53", REGION)


def request(acm: Any, domain: str = DOMAIN, sans: list[str] | None = None, **extra: Any) -> str:
    params: dict[str, Any] = {"DomainName": domain, "ValidationMethod": "DNS", **extra}
    if sans:
        params["SubjectAlternativeNames"] = sans
    return acm.request_certificate(**params)["CertificateArn"]


def describe(acm: Any, arn: str) -> dict[str, Any]:
    return acm.describe_certificate(CertificateArn=arn)["Certificate"]


def zone(route53: Any, name: str, **extra: Any) -> str:
    return route53.create_hosted_zone(Name=name, CallerReference=f"test-{name}", **extra)["HostedZone"]["Id"]


def upsert(route53: Any, zone_id: str, name: str, value: str, record_type: str = "CNAME") -> None:
    record = {"Name": name, "Type": record_type, "TTL": 300, "ResourceRecords": [{"Value": value}]}
    route53.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": record}]}
    )


def records(certificate: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {option["DomainName"]: option["ResourceRecord"] for option in certificate["DomainValidationOptions"]}


def statuses(certificate: dict[str, Any]) -> dict[str, str]:
    return {option["DomainName"]: option["ValidationStatus"] for option in certificate["DomainValidationOptions"]}


def publish(route53: Any, zone_id: str, record: dict[str, str]) -> None:
    upsert(route53, zone_id, record["Name"], record["Value"])


# ---------------------------------------------------------------------------------------------
# Validation records and status


def test_a_new_certificate_has_its_records_at_once_and_stays_pending_without_them(acm):
    arn = request(acm, sans=["www.storytime.test"])

    certificate = describe(acm, arn)

    assert certificate["Status"] == "PENDING_VALIDATION"
    assert certificate["Type"] == "AMAZON_ISSUED"
    assert certificate["SubjectAlternativeNames"] == [DOMAIN, "www.storytime.test"]
    assert statuses(certificate) == {DOMAIN: "PENDING_VALIDATION", "www.storytime.test": "PENDING_VALIDATION"}
    for domain, record in records(certificate).items():
        assert record["Type"] == "CNAME"
        assert RECORD_NAME.match(record["Name"])["domain"] == domain
        assert RECORD_VALUE.match(record["Value"]), record["Value"]
    assert records(certificate)[DOMAIN] != records(certificate)["www.storytime.test"]
    # Nothing is issued yet: no validity period, no serial, no issue time.
    assert not {"IssuedAt", "NotBefore", "NotAfter", "Serial"} & set(certificate)
    assert describe(acm, arn)["Status"] == "PENDING_VALIDATION"


def test_upserting_the_cname_into_the_hosted_zone_issues_the_certificate(acm, route53):
    arn = request(acm)
    record = records(describe(acm, arn))[DOMAIN]
    zone_id = zone(route53, "storytime.test")

    # As people type it: no trailing dots; DNS compares names and values case-insensitively.
    upsert(route53, zone_id, record["Name"].rstrip("."), record["Value"].rstrip(".").upper())
    certificate = describe(acm, arn)

    assert certificate["Status"] == "ISSUED"
    assert statuses(certificate) == {DOMAIN: "SUCCESS"}
    assert certificate["IssuedAt"] >= certificate["CreatedAt"]
    assert certificate["NotAfter"] > certificate["NotBefore"]
    issued = acm.list_certificates(CertificateStatuses=["ISSUED"])["CertificateSummaryList"]
    assert [c["CertificateArn"] for c in issued] == [arn]


def test_the_same_domain_gets_the_same_record_in_every_certificate_of_the_account(acm):
    first = records(describe(acm, request(acm)))[DOMAIN]
    second = records(describe(acm, request(acm, sans=["www.storytime.test"])))[DOMAIN]

    assert first == second


def test_a_record_with_another_value_does_not_count(acm, route53):
    arn = request(acm)
    record = records(describe(acm, arn))[DOMAIN]
    zone_id = zone(route53, "storytime.test")

    upsert(route53, zone_id, record["Name"], "_0123456789abcdef0123456789abcdef.xxxxxxxxxx.acm-validations.aws.")
    upsert(route53, zone_id, record["Name"], record["Value"], record_type="TXT")

    assert describe(acm, arn)["Status"] == "PENDING_VALIDATION"


def test_a_record_in_an_unrelated_zone_does_not_count(acm, route53):
    arn = request(acm)
    record = records(describe(acm, arn))[DOMAIN]
    # moto's Route53 takes the record because "...cdn.storytime.test" ends with "ytime.test"; DNS would never
    # look there: only zones whose name is a suffix at a label boundary count.
    upsert(route53, zone(route53, "ytime.test"), record["Name"], record["Value"])

    assert describe(acm, arn)["Status"] == "PENDING_VALIDATION"

    publish(route53, zone(route53, "storytime.test"), record)
    assert describe(acm, arn)["Status"] == "ISSUED"


def test_a_record_in_a_private_zone_does_not_count(acm, route53, aws):
    vpc_id = aws.client("ec2", REGION).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    arn = request(acm)
    private = zone(
        route53,
        "storytime.test",
        VPC={"VPCRegion": REGION, "VPCId": vpc_id},
        HostedZoneConfig={"PrivateZone": True, "Comment": "internal"},
    )
    publish(route53, private, records(describe(acm, arn))[DOMAIN])

    assert describe(acm, arn)["Status"] == "PENDING_VALIDATION"


def test_a_record_in_a_zone_of_the_domain_itself_counts(acm, route53):
    arn = request(acm)

    publish(route53, zone(route53, DOMAIN), records(describe(acm, arn))[DOMAIN])

    assert describe(acm, arn)["Status"] == "ISSUED"


def test_each_san_needs_its_own_record(acm, route53):
    arn = request(acm, sans=["www.storytime.test"])
    wanted = records(describe(acm, arn))
    zone_id = zone(route53, "storytime.test")

    publish(route53, zone_id, wanted[DOMAIN])
    certificate = describe(acm, arn)
    assert certificate["Status"] == "PENDING_VALIDATION"
    assert statuses(certificate) == {DOMAIN: "SUCCESS", "www.storytime.test": "PENDING_VALIDATION"}

    publish(route53, zone_id, wanted["www.storytime.test"])
    certificate = describe(acm, arn)
    assert certificate["Status"] == "ISSUED"
    assert statuses(certificate) == {DOMAIN: "SUCCESS", "www.storytime.test": "SUCCESS"}


def test_a_domain_and_its_wildcard_share_one_record(acm, route53):
    arn = request(acm, sans=[f"*.{DOMAIN}"])
    wanted = records(describe(acm, arn))
    assert wanted[DOMAIN] == wanted[f"*.{DOMAIN}"]

    publish(route53, zone(route53, "storytime.test"), wanted[DOMAIN])

    assert describe(acm, arn)["Status"] == "ISSUED"


def test_an_issued_certificate_stays_issued_when_the_record_goes(acm, route53):
    arn = request(acm)
    record = records(describe(acm, arn))[DOMAIN]
    zone_id = zone(route53, "storytime.test")
    publish(route53, zone_id, record)
    assert describe(acm, arn)["Status"] == "ISSUED"

    delete = {"Name": record["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": record["Value"]}]}
    route53.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": delete}]}
    )

    assert describe(acm, arn)["Status"] == "ISSUED"


# ---------------------------------------------------------------------------------------------
# What RequestCertificate asked for


def test_the_key_algorithm_is_kept_and_list_filters_by_it(acm):
    ec = request(acm, KeyAlgorithm="EC_prime256v1")
    rsa = request(acm, domain="www.storytime.test")

    assert describe(acm, ec)["KeyAlgorithm"] == "EC_prime256v1"
    assert describe(acm, rsa)["KeyAlgorithm"] == "RSA_2048"
    listed = acm.list_certificates(Includes={"keyTypes": ["EC_prime256v1"]})["CertificateSummaryList"]
    assert [c["CertificateArn"] for c in listed] == [ec]
    assert listed[0]["KeyAlgorithm"] == "EC_prime256v1"


def test_email_validation_lists_addresses_and_is_never_completed(acm, route53):
    arn = acm.request_certificate(DomainName=DOMAIN, ValidationMethod="EMAIL")["CertificateArn"]
    dns_twin = records(describe(acm, request(acm)))[DOMAIN]
    publish(route53, zone(route53, "storytime.test"), dns_twin)

    certificate = describe(acm, arn)

    assert certificate["Status"] == "PENDING_VALIDATION"
    (option,) = certificate["DomainValidationOptions"]
    assert option["ValidationMethod"] == "EMAIL"
    assert "ResourceRecord" not in option
    assert f"admin@{DOMAIN}" in option["ValidationEmails"]


def test_an_idempotency_token_returns_the_same_certificate_and_is_free_again_after_a_delete(acm):
    arn = request(acm, IdempotencyToken="storytime0cdn")
    assert request(acm, IdempotencyToken="storytime0cdn") == arn

    acm.delete_certificate(CertificateArn=arn)
    again = request(acm, IdempotencyToken="storytime0cdn")

    assert again != arn
    assert describe(acm, again)["Status"] == "PENDING_VALIDATION"


def test_a_certificate_in_use_cannot_be_deleted(acm, aws):
    arn = request(acm)
    aws.client("elb", REGION).create_load_balancer(
        LoadBalancerName="storytime-test",
        Listeners=[
            {
                "Protocol": "HTTPS",
                "LoadBalancerPort": 443,
                "InstanceProtocol": "HTTP",
                "InstancePort": 80,
                "SSLCertificateId": arn,
            }
        ],
        AvailabilityZones=[f"{REGION}a"],
    )
    assert describe(acm, arn)["InUseBy"]

    with pytest.raises(ClientError) as caught:
        acm.delete_certificate(CertificateArn=arn)

    assert caught.value.response["Error"]["Code"] == "ResourceInUseException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert describe(acm, arn)["CertificateArn"] == arn


def distribution_config(ref: str, aliases: list[str], certificate_arn: str | None) -> dict[str, Any]:
    """A distribution with one custom origin, these aliases and this ACM certificate (None: CloudFront's)."""
    return {
        "CallerReference": ref,
        "Aliases": {"Quantity": len(aliases), "Items": aliases},
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "web",
                    "DomainName": "origin.storytime.test",
                    "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "web",
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
        "Comment": "",
        "Enabled": True,
        "ViewerCertificate": viewer_certificate(certificate_arn),
    }


def test_a_certificate_a_cloudfront_distribution_uses_is_in_use(acm, route53, aws):
    """ACM API reference, CertificateDetail (https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateDetail.html):
    InUseBy, "A list of ARNs for the AWS resources that are using the certificate"; DeleteCertificate
    (API_DeleteCertificate.html): a certificate in use by another AWS service cannot be deleted,
    ResourceInUseException. The CloudFront distribution ARN is arn:aws:cloudfront::ACCOUNT:distribution/ID."""
    arn = request(acm)
    publish(route53, zone(route53, "storytime.test"), records(describe(acm, arn))[DOMAIN])
    assert describe(acm, arn)["Status"] == "ISSUED"
    assert describe(acm, arn)["InUseBy"] == []
    cloudfront = aws.client("cloudfront")

    created = cloudfront.create_distribution(DistributionConfig=distribution_config("acm", [DOMAIN], arn))
    dist = created["Distribution"]

    assert dist["ARN"] == f"arn:aws:cloudfront::123456789012:distribution/{dist['Id']}"
    assert describe(acm, arn)["InUseBy"] == [dist["ARN"]]
    summaries = acm.list_certificates(Includes={"keyTypes": ["RSA_2048"]})["CertificateSummaryList"]
    assert [summary["InUse"] for summary in summaries if summary["CertificateArn"] == arn] == [True]
    with pytest.raises(ClientError) as caught:
        acm.delete_certificate(CertificateArn=arn)
    assert caught.value.response["Error"]["Code"] == "ResourceInUseException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert describe(acm, arn)["CertificateArn"] == arn

    # Back to the CloudFront certificate (no alias): the certificate is free again.
    cloudfront.update_distribution(
        Id=dist["Id"], IfMatch=created["ETag"], DistributionConfig=distribution_config("acm", [], None)
    )
    assert describe(acm, arn)["InUseBy"] == []
    acm.delete_certificate(CertificateArn=arn)
    with pytest.raises(ClientError) as caught:
        describe(acm, arn)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


# ---------------------------------------------------------------------------------------------
# In-process: the clock


@pytest.fixture
def in_process(monkeypatch) -> Iterator[Any]:
    """moto in this process with the local AWS's ACM patches (undone afterwards)."""
    from moto import mock_aws  # noqa: PLC0415
    from moto.acm.models import AWSCertificateManagerBackend  # noqa: PLC0415
    from moto.acm.models import CertBundle  # noqa: PLC0415
    from moto.acm.responses import AWSCertificateManagerResponse  # noqa: PLC0415

    for cls, names in (
        (CertBundle, ("check", "describe")),
        (AWSCertificateManagerResponse, ("request_certificate",)),
        (AWSCertificateManagerBackend, ("_get_arn_from_idempotency_token", "delete_certificate")),
    ):
        for name in names:
            monkeypatch.setattr(cls, name, getattr(cls, name))  # restored at teardown
    local_acm.install()
    local_acm.install()  # idempotent: nothing is wrapped twice
    with mock_aws():
        yield boto3.client("acm", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")


def test_a_certificate_pending_for_72_hours_times_out(in_process):
    from moto.acm.models import acm_backends  # noqa: PLC0415

    arn = in_process.request_certificate(DomainName=DOMAIN, ValidationMethod="DNS")["CertificateArn"]
    bundle = acm_backends["123456789012"][REGION]._certificates[arn]

    bundle.created_at -= datetime.timedelta(hours=71)
    assert describe(in_process, arn)["Status"] == "PENDING_VALIDATION"
    bundle.created_at -= datetime.timedelta(hours=2)
    certificate = describe(in_process, arn)

    assert certificate["Status"] == "VALIDATION_TIMED_OUT"
    assert statuses(certificate) == {DOMAIN: "FAILED"}
    assert "NotAfter" not in certificate
