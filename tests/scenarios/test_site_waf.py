"""site.yml with the optional AWS WAF web ACL on the distribution (issue 12, item 5): on, idempotent, off, teardown."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

PREFIX = "storytime-local"
GROUPS = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
]


def distribution_config(cloudfront):
    (summary,) = cloudfront.list_distributions()["DistributionList"]["Items"]
    return cloudfront.get_distribution_config(Id=summary["Id"])["DistributionConfig"]


def test_waf_on_is_idempotent_and_off_detaches_it(converged, playbook, aws):
    # Turned on for a site that runs without it; the web ACL is the CloudFront part's, so that part alone runs.
    enabled = playbook.inventory("local", {"cloudfront_hls_waf_enabled": True, "cloudfront_hls_waf_rate_limit": 1500})
    run = playbook.run(inventory=enabled, tags="cloudfront")
    assert run.rc == 0, run.failure_messages()
    assert "CreateWebACL" in run.writes

    waf = aws.client("wafv2", region_name="us-east-1")
    (summary,) = waf.list_web_acls(Scope="CLOUDFRONT")["WebACLs"]
    assert summary["Name"] == f"{PREFIX}-hls"
    web_acl = waf.get_web_acl(Name=summary["Name"], Scope="CLOUDFRONT", Id=summary["Id"])["WebACL"]
    assert web_acl["DefaultAction"] == {"Allow": {}}
    assert web_acl["VisibilityConfig"]["MetricName"] == f"{PREFIX}-hls"
    rules = sorted(web_acl["Rules"], key=lambda rule: rule["Priority"])
    assert [r["Statement"]["ManagedRuleGroupStatement"] for r in rules[:3]] == [
        {"VendorName": "AWS", "Name": group} for group in GROUPS
    ]
    assert all(r["OverrideAction"] == {"None": {}} for r in rules[:3])
    rate = rules[3]
    assert (rate["Name"], rate["Action"]) == ("RateLimitPerIP", {"Block": {}})
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == 1500
    assert rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    tags = waf.list_tags_for_resource(ResourceARN=summary["ARN"])["TagInfoForResource"]["TagList"]
    assert {"Key": "Environment", "Value": "local"} in tags

    cloudfront = aws.client("cloudfront")
    assert distribution_config(cloudfront)["WebACLId"] == summary["ARN"]

    again = playbook.run(inventory=enabled, tags="cloudfront")
    assert again.rc == 0, again.failure_messages()
    assert again.writes == []
    assert again.stats()["changed"] == 0

    # Off: the distribution no longer references the web ACL (which teardown removes).
    off = playbook.run(tags="cloudfront")
    assert off.rc == 0, off.failure_messages()
    assert off.writes == ["UpdateDistribution"]
    assert distribution_config(cloudfront)["WebACLId"] == ""
    assert len(waf.list_web_acls(Scope="CLOUDFRONT")["WebACLs"]) == 1

    # Teardown deletes the web ACL after the distribution, whether or not the inventory enables WAF now.
    teardown = playbook.run(playbook="playbooks/teardown.yml", extra_vars={"storage_teardown_empty_buckets": True})
    assert teardown.rc == 0, teardown.failure_messages()
    assert "DeleteWebACL" in teardown.writes
    assert teardown.writes.index("DeleteWebACL") > teardown.writes.index("DeleteDistribution")
    assert waf.list_web_acls(Scope="CLOUDFRONT")["WebACLs"] == []


def test_check_mode_with_waf_on_a_fresh_account_writes_nothing(playbook, aws):
    enabled = playbook.inventory("local", {"cloudfront_hls_waf_enabled": True})
    run = playbook.run(inventory=enabled, check=True, diff=True)
    assert run.rc == 0, run.failure_messages()
    assert run.writes == []
    # The distribution takes the web ACL by name and predicts the one the run would create (no fake ARN).
    (distribution,) = run.task_results("Distribution for the HLS bucket")
    assert distribution["diff"]["after"]["web_acl_id"] == f"(created by this run: web ACL {PREFIX}-hls)"
    assert aws.client("wafv2", region_name="us-east-1").list_web_acls(Scope="CLOUDFRONT")["WebACLs"] == []
