"""The optional custom domain on the local AWS: certificate (us-east-1, DNS-validated through Route53), alias A/AAAA
records, the distribution's aliases and SNI certificate; idempotence, check mode, playback through the custom
domain at the local edge, teardown of the records and the certificate, and bad input before any AWS call.

With it, web players (issue 13, ``cloudfront_hls_player_origins``, one converge shared with the custom domain): the
response headers policy ``<project>-<env>-hls-players`` with CORS for exactly the listed origins and credentials, on
the two ``books/*`` behaviours only, the cookie domain for Rails, check mode, a second run that changes nothing, the
CORS headers at the edge (also on the 403 of a request without cookies, none for another origin), and the policy
detached and deleted when the origins are removed. The browser side is in test_web_player.py."""

from __future__ import annotations

import json

import pytest

from local_aws.viewer import current_key_pair
from local_aws.viewer import edge_request
from local_aws.viewer import signed_cookies

ZONE = "storytime.test"
DOMAIN = "cdn.storytime.test"
DOMAIN_VARS = {"cloudfront_hls_domain_name": DOMAIN, "cloudfront_hls_route53_zone": ZONE}
PLAYERS = ["https://app.storytime.test", "https://www.storytime.test:8443"]
WEB_VARS = {**DOMAIN_VARS, "cloudfront_hls_player_origins": PLAYERS}
POLICY = "storytime-local-hls-players"
BUCKET = "storytime-hls-outputs-local"
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"


def make_zone(aws) -> str:
    route53 = aws.client("route53")
    zone = route53.create_hosted_zone(Name=ZONE, CallerReference="storytime-test")
    return zone["HostedZone"]["Id"]


def records(aws, zone_id) -> dict[tuple[str, str], dict]:
    sets = aws.client("route53").list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return {(s["Name"].rstrip("."), s["Type"]): s for s in sets}


def custom_policies(aws) -> dict[str, dict]:
    listed = aws.client("cloudfront").list_response_headers_policies(Type="custom")["ResponseHeadersPolicyList"]
    return {item["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["Name"]: item["ResponseHeadersPolicy"]
            for item in listed.get("Items", [])}  # fmt: skip


def behaviours(aws) -> dict[str, dict]:
    cloudfront = aws.client("cloudfront")
    (dist,) = cloudfront.list_distributions()["DistributionList"]["Items"]
    config = cloudfront.get_distribution_config(Id=dist["Id"])["DistributionConfig"]
    found = {b["PathPattern"]: b for b in config["CacheBehaviors"].get("Items", [])}
    found["*"] = config["DefaultCacheBehavior"]
    return found


def check_web_players(aws, outputs) -> None:
    (name,) = custom_policies(aws)
    assert name == POLICY
    policy = custom_policies(aws)[POLICY]
    config = policy["ResponseHeadersPolicyConfig"]
    cors = config["CorsConfig"]
    assert sorted(cors["AccessControlAllowOrigins"]["Items"]) == sorted(PLAYERS)
    assert cors["AccessControlAllowCredentials"] is True
    assert sorted(cors["AccessControlAllowMethods"]["Items"]) == ["GET", "HEAD"]
    assert cors["OriginOverride"] is True
    security = config["SecurityHeadersConfig"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] == 63072000
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    assert security["FrameOptions"]["FrameOption"] == "DENY"

    found = behaviours(aws)
    assert found["books/*.m3u8"]["ResponseHeadersPolicyId"] == policy["Id"]
    assert found["books/*"]["ResponseHeadersPolicyId"] == policy["Id"]
    assert "ResponseHeadersPolicyId" not in found["*"]
    assert sorted(found["books/*"]["AllowedMethods"]["Items"]) == ["GET", "HEAD"]

    assert outputs["cloudfront_cookie_domain"] == "storytime.test"
    assert outputs["cloudfront_playback_domain_name"] == DOMAIN
    assert outputs["cloudfront_player_origins"] == ",".join(PLAYERS)
    assert outputs["cloudfront_cookie_path"] == "/books/${BOOK_ID}/"


@pytest.mark.e2e
def test_custom_domain_end_to_end(playbook, aws, tmp_path):
    zone_id = make_zone(aws)

    preview = playbook.run(extra_vars=WEB_VARS, check=True)
    assert preview.rc == 0, preview.failure_messages()
    assert preview.writes == []
    # The certificate does not exist yet: acm_certificate predicts it, and the distribution's plan shows that
    # prediction (no placeholder ARN made up in the role).
    (planned,) = preview.task_results("Distribution for the HLS bucket")
    planned_certificate = planned["diff"]["after"]["viewer_certificate"]
    assert planned_certificate["acm_certificate_arn"] == f"(created by this run: ACM certificate {DOMAIN})"

    run = playbook.run(extra_vars=WEB_VARS)
    assert run.rc == 0, run.failure_messages()
    assert run.writes.count("CreateResponseHeadersPolicy") == 1

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
    check_web_players(aws, outputs)

    # Second run: nothing to do, no write call.
    again = playbook.run(extra_vars=WEB_VARS)
    assert again.rc == 0
    assert again.writes == [], again.writes
    assert again.stats()["changed"] == 0

    # Playback through the custom domain: cookies for https://cdn.storytime.test/books/1/*.
    aws.client("s3").put_object(Bucket="storytime-hls-outputs-local", Key="books/1/index.m3u8", Body=b"#EXTM3U\n")
    key_pair_id, pem = current_key_pair(aws, "storytime/local/cloudfront_private_key")
    cookies = signed_cookies(key_pair_id, pem, f"https://{DOMAIN}/books/1/*")
    assert edge_request(aws, DOMAIN, "/books/1/index.m3u8", cookies).status == 200
    assert edge_request(aws, DOMAIN, "/books/1/index.m3u8").status == 403

    # At the edge: a player origin reads the book with its cookies and gets its CORS headers; another origin gets
    # none. CloudFront's own 403 for a request without cookies carries none either: the developer guide adds the
    # policy's headers to responses served from the cache or the origin, not to the answers CloudFront makes itself
    # (the edge's rule, tests/local_aws/test_cloudfront_edge_response_headers.py).
    aws.client("s3").put_object(Bucket=BUCKET, Key="books/7/index.m3u8", Body=b"#EXTM3U\n")
    cookies = signed_cookies(key_pair_id, pem, f"https://{DOMAIN}/books/7/*")
    played = edge_request(aws, DOMAIN, "/books/7/index.m3u8", cookies, headers={"Origin": PLAYERS[1]})
    assert played.status == 200
    assert played.headers["access-control-allow-origin"] == PLAYERS[1]
    assert played.headers["access-control-allow-credentials"] == "true"
    assert played.headers["strict-transport-security"] == "max-age=63072000"
    assert played.headers["x-content-type-options"] == "nosniff"
    refused = edge_request(aws, DOMAIN, "/books/7/index.m3u8", headers={"Origin": PLAYERS[0]})
    assert refused.status == 403
    assert "access-control-allow-origin" not in refused.headers
    stranger = edge_request(aws, DOMAIN, "/books/7/index.m3u8", cookies, headers={"Origin": "https://evil.test"})
    assert stranger.status == 200
    assert "access-control-allow-origin" not in stranger.headers
    aws.client("s3").delete_object(Bucket=BUCKET, Key="books/7/index.m3u8")

    # Without player origins (the CloudFront part alone, --tags cloudfront, as an operator would run it): check mode
    # predicts the change and writes nothing, the run detaches the policy from both behaviours, then deletes it.
    preview = playbook.run(extra_vars=DOMAIN_VARS, check=True, tags="cloudfront")
    assert preview.rc == 0, preview.failure_messages()
    assert preview.writes == []
    assert preview.stats()["changed"] > 0
    removed = playbook.run(extra_vars=DOMAIN_VARS, tags="cloudfront")
    assert removed.rc == 0, removed.failure_messages()
    assert removed.writes.index("UpdateDistribution") < removed.writes.index("DeleteResponseHeadersPolicy")
    assert custom_policies(aws) == {}
    found = behaviours(aws)
    assert "ResponseHeadersPolicyId" not in found["books/*"]
    assert "ResponseHeadersPolicyId" not in found["books/*.m3u8"]

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
