"""acm_certificate in playbooks against the local AWS: request, re-run, publish the DNS records, wait for ISSUED.

The local AWS issues a DNS-validated certificate only once its validation CNAMEs are in a public hosted zone
(dev/local-aws/local_aws/acm.py), so the last run proves that the records the module reports are the ones ACM checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

REGION = "us-east-1"
DOMAIN = "cdn.storytime.test"
ZONE = "storytime.test"
TASK = "Request the playback certificate"
WAIT_TASK = "Wait until ACM has issued it"
DEFAULTS = {
    "group/storytime.video_infra.aws": {
        "region": REGION,
        "endpoint_url": "{{ storytime_aws_endpoint_url }}",
        "aws_ca_bundle": "{{ storytime_aws_ca_bundle }}",
        "access_key": "{{ storytime_aws_access_key }}",
        "secret_key": "{{ storytime_aws_secret_key }}",
    }
}
TAGS = {"Project": "storytime", "Environment": "local"}
CERTIFICATE = {"domain_name": DOMAIN, "tags": TAGS}
# amazon.aws.route53 has an option `region` of its own (latency-based routing), so the group's defaults, which set
# the connection's region, must not reach it: it gets the connection options one by one, and the connection's
# region from AWS_DEFAULT_REGION.
CONNECTION = {key: value for key, value in DEFAULTS["group/storytime.video_infra.aws"].items() if key != "region"}


def request_task() -> dict[str, Any]:
    return {
        "name": TASK,
        "module_defaults": DEFAULTS,
        "storytime.video_infra.acm_certificate": dict(CERTIFICATE),
        "register": "cdn_certificate",
    }


def validate_tasks() -> list[dict[str, Any]]:
    return [
        request_task(),
        {
            "name": "Publish the validation records",
            "amazon.aws.route53": {
                **CONNECTION,
                "state": "present",
                "zone": ZONE,
                "record": "{{ item.name }}",
                "type": "{{ item.type }}",
                "value": "{{ item.value }}",
                "ttl": 300,
                "overwrite": True,
            },
            "environment": {"AWS_DEFAULT_REGION": REGION},
            "loop": "{{ cdn_certificate.certificate.validation_records }}",
        },
        {
            "name": WAIT_TASK,
            "module_defaults": DEFAULTS,
            "storytime.video_infra.acm_certificate": {**CERTIFICATE, "wait": True, "wait_timeout": 60, "wait_delay": 2},
        },
    ]


def run_play(playbook, tmp_path: Path, tasks: list[dict[str, Any]], **kwargs):
    play = {
        "name": "ACM certificate",
        "hosts": "storytime",
        "gather_facts": False,
        "tasks": tasks,
    }
    path = tmp_path / "acm-certificate.yml"
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    run = playbook.run(playbook=str(path), inventory=playbook.inventory("local"), **kwargs)
    assert "local-aws-operator-secret-access-key" not in run.stdout + run.stderr
    return run


@pytest.fixture
def acm(aws):
    return aws.client("acm", REGION)


@pytest.fixture
def zone_id(aws) -> str:
    return aws.client("route53").create_hosted_zone(Name=ZONE, CallerReference="acm-scenario")["HostedZone"]["Id"]


def certificates(acm) -> list[dict[str, Any]]:
    return acm.list_certificates(Includes={"keyTypes": ["RSA_2048", "EC_prime256v1", "EC_secp384r1"]})[
        "CertificateSummaryList"
    ]


def test_request_rerun_validate_and_wait_until_issued(playbook, tmp_path, aws, acm, zone_id):
    # 1. Check mode: the request is predicted, nothing is written.
    run = run_play(playbook, tmp_path, [request_task()], check=True)
    assert run.rc == 0, run.stdout + run.stderr
    (predicted,) = run.task_results(TASK)
    assert predicted["changed"] is True
    # The ARN is ACM's to choose: check mode predicts it in the form the distribution takes in check mode.
    assert predicted["certificate"]["arn"] == f"(created by this run: ACM certificate {DOMAIN})"
    assert predicted["certificate"]["status"] == "PENDING_VALIDATION"
    assert predicted["certificate"]["validation_records"] == []
    assert run.writes == []
    assert certificates(acm) == []

    # 2. For real: one certificate, pending, with its validation record.
    run = run_play(playbook, tmp_path, [request_task()])
    assert run.rc == 0, run.stdout + run.stderr
    (created,) = run.task_results(TASK)
    assert created["changed"] is True
    assert run.writes == ["RequestCertificate"]
    certificate = created["certificate"]
    assert certificate["arn"].startswith(f"arn:aws:acm:{REGION}:")
    assert certificate["status"] == "PENDING_VALIDATION"
    assert certificate["subject_alternative_names"] == [DOMAIN]
    assert certificate["tags"] == TAGS
    (record,) = certificate["validation_records"]
    assert record["domain_name"] == DOMAIN
    assert record["type"] == "CNAME"
    assert record["name"].endswith(f".{DOMAIN}.")
    assert record["value"].endswith(".acm-validations.aws.")

    # 3. Again: found, nothing written.
    run = run_play(playbook, tmp_path, [request_task()])
    assert run.rc == 0, run.stdout + run.stderr
    (again,) = run.task_results(TASK)
    assert again["changed"] is False
    assert again["certificate"] == certificate
    assert run.writes == []

    # 4. Publish the records with amazon.aws.route53 and wait: ACM issues the certificate.
    run = run_play(playbook, tmp_path, validate_tasks())
    assert run.rc == 0, run.stdout + run.stderr
    (issued,) = run.task_results(WAIT_TASK)
    assert issued["changed"] is False
    assert issued["certificate"]["arn"] == certificate["arn"]
    assert issued["certificate"]["status"] == "ISSUED"
    assert issued["certificate"]["not_after"]
    assert run.writes == ["ChangeResourceRecordSets"]

    # Afterwards, as AWS reports it.
    (listed,) = certificates(acm)
    assert listed["CertificateArn"] == certificate["arn"]
    described = acm.describe_certificate(CertificateArn=certificate["arn"])["Certificate"]
    assert described["Status"] == "ISSUED"
    assert [o["ValidationStatus"] for o in described["DomainValidationOptions"]] == ["SUCCESS"]
    tags = acm.list_tags_for_certificate(CertificateArn=certificate["arn"])["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == TAGS
    record_sets = aws.client("route53").list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    cnames = [(r["Name"], r["ResourceRecords"][0]["Value"]) for r in record_sets if r["Type"] == "CNAME"]
    assert cnames == [(record["name"], record["value"])]
