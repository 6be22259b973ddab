"""The local AWS's WAF (v2) and CloudFront's WebACLId against the AWS documentation.

Every test talks to a real server through boto3.
"""

from __future__ import annotations

from typing import Any

from local_aws import LocalAWS
from tests.local_aws.test_cloudfront import CERTIFICATE
from tests.local_aws.test_cloudfront import aws_error
from tests.local_aws.test_cloudfront import disable_and_delete
from tests.local_aws.test_cloudfront import distribution_config
from tests.local_aws.test_cloudfront import import_certificate

VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "hls"}


def create_web_acl(waf: Any, name: str = "hls", scope: str = "CLOUDFRONT") -> dict[str, Any]:
    return waf.create_web_acl(
        Name=name, Scope=scope, DefaultAction={"Allow": {}}, Rules=[], VisibilityConfig=VISIBILITY
    )["Summary"]


def test_duplicate_web_acl_is_waf_duplicate_item_exception(aws: LocalAWS) -> None:
    """https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html (Errors:
    WAFDuplicateItemException, HTTP 400)."""
    waf = aws.client("wafv2", region_name="us-east-1")
    create_web_acl(waf)
    with aws_error("WAFDuplicateItemException", 400):
        create_web_acl(waf)


def test_web_acl_id_must_be_an_existing_cloudfront_web_acl(aws: LocalAWS) -> None:
    """https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html (WebACLId: the ARN of
    a web ACL of the latest WAF) and the InvalidWebACLId error of CreateDistribution/UpdateDistribution
    (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html, Errors)."""
    CERTIFICATE["arn"] = import_certificate(aws)
    cf = aws.client("cloudfront")
    waf = aws.client("wafv2", region_name="us-east-1")
    regional = create_web_acl(aws.client("wafv2", region_name="eu-west-1"), "regional", "REGIONAL")
    global_acl = create_web_acl(waf)
    for bad in (
        "not-an-arn",
        regional["ARN"],
        global_acl["ARN"].replace(global_acl["Id"], "0" * 8 + global_acl["Id"][8:]),
    ):
        with aws_error("InvalidWebACLId", 400):
            cf.create_distribution(DistributionConfig=dict(distribution_config(), WebACLId=bad))
    created = cf.create_distribution(DistributionConfig=dict(distribution_config(), WebACLId=global_acl["ARN"]))
    dist_id = created["Distribution"]["Id"]
    assert cf.get_distribution_config(Id=dist_id)["DistributionConfig"]["WebACLId"] == global_acl["ARN"]
    current = cf.get_distribution_config(Id=dist_id)
    with aws_error("InvalidWebACLId", 400):
        cf.update_distribution(
            Id=dist_id, IfMatch=current["ETag"], DistributionConfig=dict(current["DistributionConfig"], WebACLId="x")
        )
    disable_and_delete(cf, dist_id)


def test_web_acl_a_distribution_uses_cannot_be_deleted(aws: LocalAWS) -> None:
    """https://docs.aws.amazon.com/waf/latest/APIReference/API_DeleteWebACL.html (Errors: WAFAssociatedItemException,
    "your resource is being used by another resource"; disassociate it first)."""
    CERTIFICATE["arn"] = import_certificate(aws)
    cf = aws.client("cloudfront")
    waf = aws.client("wafv2", region_name="us-east-1")
    acl = create_web_acl(waf)
    created = cf.create_distribution(DistributionConfig=dict(distribution_config(), WebACLId=acl["ARN"]))
    lock = waf.get_web_acl(Name="hls", Scope="CLOUDFRONT", Id=acl["Id"])["LockToken"]
    with aws_error("WAFAssociatedItemException", 400):
        waf.delete_web_acl(Name="hls", Scope="CLOUDFRONT", Id=acl["Id"], LockToken=lock)
    disable_and_delete(cf, created["Distribution"]["Id"])
    waf.delete_web_acl(Name="hls", Scope="CLOUDFRONT", Id=acl["Id"], LockToken=lock)
    assert waf.list_web_acls(Scope="CLOUDFRONT")["WebACLs"] == []
