"""The optional custom domain on the local AWS: certificate (us-east-1, DNS-validated through Route53), alias A/AAAA
records, the distribution's aliases and SNI certificate; idempotence, check mode, playback through the custom
domain at the local edge, teardown of the records and the certificate, and bad input before any AWS call."""

from __future__ import annotations

import json

import pytest

from local_aws.viewer import current_key_pair
from local_aws.viewer import edge_request
from local_aws.viewer import signed_cookies

ZONE = "storytime.test"
DOMAIN = "cdn.storytime.test"
DOMAIN_VARS = {"cloudfront_hls_domain_name": DOMAIN, "cloudfront_hls_route53_zone": ZONE}
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"


def make_zone(aws) -> str:
    route53 = aws.client("route53")
    zone = route53.create_hosted_zone(Name=ZONE, CallerReference="storytime-test")
    return zone["HostedZone"]["Id"]


def records(aws, zone_id) -> dict[tuple[str, str], dict]:
    sets = aws.client("route53").list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return {(s["Name"].rstrip("."), s["Type"]): s for s in sets}


def test_custom_domain_end_to_end(playbook, aws, tmp_path):
    zone_id = make_zone(aws)

    preview = playbook.run(extra_vars=DOMAIN_VARS, check=True)
    assert preview.rc == 0, preview.failure_messages()
    assert preview.writes == []

    run = playbook.run(extra_vars=DOMAIN_VARS)
    assert run.rc == 0, run.failure_messages()

    acm = aws.client("acm", region_name="us-east-1")
    (summary,) = acm.list_certificates()["CertificateSummaryList"]
    certificate = acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]
    assert certificate["DomainName"] == DOMAIN and certificate["Status"] == "ISSUED"
    assert aws.client("acm", region_name="eu-west-1").list_certificates()["CertificateSummaryList"] == []

    cloudfront = aws.client("cloudfront")
    (dist,) = cloudfront.list_distributions()["DistributionList"]["Items"]
    config = cloudfront.get_distribution_config(Id=dist["Id"])["DistributionConfig"]
    assert config["Aliases"] == {"Quantity": 1, "Items": [DOMAIN]}
    viewer = config["ViewerCertificate"]
    assert viewer["ACMCertificateArn"] == certificate["CertificateArn"]
    assert viewer["SSLSupportMethod"] == "sni-only"
    assert viewer["MinimumProtocolVersion"] == "TLSv1.2_2021"

    found = records(aws, zone_id)
    for record_type in ("A", "AAAA"):
        alias = found[(DOMAIN, record_type)]["AliasTarget"]
        assert alias["DNSName"].rstrip(".") == dist["DomainName"]
        assert alias["HostedZoneId"] == CLOUDFRONT_ZONE_ID
    validation = certificate["DomainValidationOptions"][0]["ResourceRecord"]
    assert found[(validation["Name"].rstrip("."), "CNAME")]["ResourceRecords"] == [{"Value": validation["Value"]}]

    outputs = json.loads((tmp_path / "outputs" / "local.json").read_text())
    assert outputs["cloudfront_custom_domain_name"] == DOMAIN

    # Second run: nothing to do, no write call.
    again = playbook.run(extra_vars=DOMAIN_VARS)
    assert again.rc == 0
    assert again.writes == [], again.writes
    assert again.stats()["changed"] == 0

    # Playback through the custom domain: cookies for https://cdn.storytime.test/books/1/*.
    aws.client("s3").put_object(Bucket="storytime-hls-outputs-local", Key="books/1/index.m3u8", Body=b"#EXTM3U\n")
    key_pair_id, pem = current_key_pair(aws, "storytime/local/cloudfront_private_key")
    cookies = signed_cookies(key_pair_id, pem, f"https://{DOMAIN}/books/1/*")
    assert edge_request(aws, DOMAIN, "/books/1/index.m3u8", cookies).status == 200
    assert edge_request(aws, DOMAIN, "/books/1/index.m3u8").status == 403

    # Teardown removes the records and the certificate with the rest.
    aws.client("s3").delete_object(Bucket="storytime-hls-outputs-local", Key="books/1/index.m3u8")
    # The access logs bucket holds the S3 server access logs of the run by now: teardown empties it only when told.
    teardown = playbook.run(
        playbook="playbooks/teardown.yml", extra_vars={**DOMAIN_VARS, "storage_teardown_empty_buckets": True}
    )
    assert teardown.rc == 0, teardown.failure_messages()
    assert set(records(aws, zone_id)) == {(ZONE, "NS"), (ZONE, "SOA")}
    assert acm.list_certificates()["CertificateSummaryList"] == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cloudfront_hls_domain_name": "CDN.Storytime.Test"}, "is not a lowercase DNS name"),
        ({"cloudfront_hls_domain_name": DOMAIN}, "cloudfront_hls_domain_name needs cloudfront_hls_route53_zone"),
        (
            {**DOMAIN_VARS, "cloudfront_hls_route53_zone": "example.test"},
            "is not the zone of cloudfront_hls_domain_name",
        ),
        (
            {"cloudfront_hls_acm_certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/x"},
            "must be an ACM certificate in us-east-1",
        ),
    ],
)
def test_bad_custom_domain_input_fails_before_any_aws_call(playbook, aws, changes, message):
    run = playbook.run(extra_vars=changes)
    assert run.rc != 0
    assert any(message in failure for failure in run.failure_messages()), run.failure_messages()
    assert run.calls == []
