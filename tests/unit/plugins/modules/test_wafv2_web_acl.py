"""Call sequences of wafv2_web_acl against a stubbed WAF (v2) client."""

import copy

from ansible_collections.storytime.video_infra.plugins.modules import wafv2_web_acl as mod
from botocore.stub import ANY

NAME = "storytime-unit-hls"
ACL_ID = "a1b2c3d4-5678-90ab-cdef-000000000001"
ARN = f"arn:aws:wafv2:us-east-1:123456789012:global/webacl/{NAME}/{ACL_ID}"
GROUPS = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]
ARGS = {"name": NAME, "managed_rule_groups": GROUPS, "rate_limit": 2000, "tags": {"Project": "storytime"}}
SUMMARY = {"Name": NAME, "Id": ACL_ID, "ARN": ARN, "LockToken": "lock-1"}


def visibility(metric):
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


def rules(limit=2000, window=True):
    rate = {"Limit": limit, "AggregateKeyType": "IP"}
    if window:
        rate["EvaluationWindowSec"] = 300
    return [
        {
            "Name": f"AWS-{group}",
            "Priority": index,
            "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
            "OverrideAction": {"None": {}},
            "VisibilityConfig": visibility(f"AWS-{group}"),
        }
        for index, group in enumerate(GROUPS)
    ] + [
        {
            "Name": "RateLimitPerIP",
            "Priority": 2,
            "Statement": {"RateBasedStatement": rate},
            "Action": {"Block": {}},
            "VisibilityConfig": visibility("RateLimitPerIP"),
        }
    ]


def web_acl(acl_rules=None):
    return {
        "Name": NAME,
        "Id": ACL_ID,
        "ARN": ARN,
        "DefaultAction": {"Allow": {}},
        "Rules": rules() if acl_rules is None else acl_rules,
        "VisibilityConfig": visibility(NAME),
        "Capacity": 1200,
    }


def listed(stub, present=True):
    stub.add_response("list_web_acls", {"WebACLs": [SUMMARY] if present else []}, {"Scope": "CLOUDFRONT", "Limit": 100})


def got(stub, acl=None, lock="lock-1"):
    stub.add_response(
        "get_web_acl",
        {"WebACL": acl or web_acl(), "LockToken": lock},
        {"Name": NAME, "Scope": "CLOUDFRONT", "Id": ACL_ID},
    )


def tagged(stub, tags=None):
    tags = [{"Key": "Project", "Value": "storytime"}] if tags is None else tags
    stub.add_response(
        "list_tags_for_resource", {"TagInfoForResource": {"ResourceARN": ARN, "TagList": tags}}, {"ResourceARN": ARN}
    )


def test_create(runner):
    stub = runner.stub("wafv2")
    listed(stub, False)
    stub.add_response(
        "create_web_acl",
        {"Summary": SUMMARY},
        {
            "Name": NAME,
            "Scope": "CLOUDFRONT",
            "DefaultAction": {"Allow": {}},
            "Rules": rules(),
            "VisibilityConfig": visibility(NAME),
            "Tags": [{"Key": "Project", "Value": "storytime"}],
        },
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["web_acl"]["arn"] == ARN
    assert result.result["diff"]["before"] == {}


def test_no_op_makes_only_reads(runner):
    stub = runner.stub("wafv2")
    listed(stub)
    # WAF leaves out EvaluationWindowSec when it is the default: still the same rule.
    got(stub, web_acl(rules(window=False)))
    tagged(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["web_acl"]["default_action"] == "allow"


def test_changed_limit_updates_with_the_lock_token_and_diffs(runner):
    stub = runner.stub("wafv2")
    listed(stub)
    got(stub, web_acl(rules(limit=500)), lock="lock-7")
    stub.add_response(
        "update_web_acl",
        {"NextLockToken": "lock-8"},
        {
            "Name": NAME,
            "Scope": "CLOUDFRONT",
            "Id": ACL_ID,
            "LockToken": "lock-7",
            "DefaultAction": {"Allow": {}},
            "Rules": rules(),
            "VisibilityConfig": visibility(NAME),
        },
    )
    tagged(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    before = result.result["diff"]["before"]["rules"][2]["Statement"]["RateBasedStatement"]["Limit"]
    after = result.result["diff"]["after"]["rules"][2]["Statement"]["RateBasedStatement"]["Limit"]
    assert (before, after) == (500, 2000)


def test_foreign_rule_is_removed(runner):
    stub = runner.stub("wafv2")
    listed(stub)
    foreign = [
        *copy.deepcopy(rules()),
        {
            "Name": "AllowOffice",
            "Priority": 9,
            "Statement": {"IPSetReferenceStatement": {"ARN": "arn:aws:wafv2:us-east-1:1:global/ipset/x/y"}},
            "Action": {"Allow": {}},
            "VisibilityConfig": visibility("AllowOffice"),
        },
    ]
    got(stub, web_acl(foreign))
    stub.add_response("update_web_acl", {"NextLockToken": "lock-2"}, ANY_UPDATE)
    tagged(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True


ANY_UPDATE = {
    "Name": ANY,
    "Scope": ANY,
    "Id": ANY,
    "LockToken": ANY,
    "DefaultAction": ANY,
    "Rules": ANY,
    "VisibilityConfig": ANY,
}


def test_stale_lock_token_is_read_again(runner):
    stub = runner.stub("wafv2")
    listed(stub)
    got(stub, web_acl(rules(limit=500)), lock="lock-1")
    stub.add_client_error("update_web_acl", "WAFOptimisticLockException", http_status_code=400)
    got(stub, web_acl(rules(limit=500)), lock="lock-2")
    stub.add_response("update_web_acl", {"NextLockToken": "lock-3"}, dict(ANY_UPDATE, LockToken="lock-2"))
    tagged(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True


def test_check_mode_create_writes_nothing(runner):
    listed(runner.stub("wafv2"), False)

    result = runner.run(mod.main, dict(ARGS, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["web_acl"]["arn"] is None
    assert len(result.result["web_acl"]["rules"]) == 3


def test_lost_create_response_adopts_the_web_acl(runner):
    stub = runner.stub("wafv2")
    listed(stub, False)
    stub.add_client_error("create_web_acl", "WAFDuplicateItemException", http_status_code=400)
    listed(stub)
    got(stub)
    tagged(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["web_acl"]["arn"] == ARN


def test_tags_are_set_and_purged(runner):
    stub = runner.stub("wafv2")
    listed(stub)
    got(stub)
    tagged(stub, [{"Key": "Old", "Value": "x"}])
    stub.add_response("untag_resource", {}, {"ResourceARN": ARN, "TagKeys": ["Old"]})
    stub.add_response("tag_resource", {}, {"ResourceARN": ARN, "Tags": [{"Key": "Project", "Value": "storytime"}]})

    result = runner.run(mod.main, ARGS)

    assert result.result["changed"] is True
    assert result.result["web_acl"]["tags"] == {"Project": "storytime"}


def test_delete(runner):
    stub = runner.stub("wafv2")
    listed(stub)
    got(stub)
    tagged(stub)
    stub.add_response("delete_web_acl", {}, {"Name": NAME, "Scope": "CLOUDFRONT", "Id": ACL_ID, "LockToken": "lock-1"})

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.result["changed"] is True
    assert result.result["diff"]["after"] == {}


def test_delete_of_an_associated_web_acl_says_what_to_do(runner):
    stub = runner.stub("wafv2")
    listed(stub)
    got(stub)
    tagged(stub)
    stub.add_client_error("delete_web_acl", "WAFAssociatedItemException", http_status_code=400)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.failed
    assert "still associated" in result.result["msg"]


def test_absent_when_missing_is_a_no_op(runner):
    listed(runner.stub("wafv2"), False)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.result["changed"] is False


def test_rate_limit_out_of_range_is_refused_before_any_call(runner):
    result = runner.run(mod.main, dict(ARGS, rate_limit=5))

    assert result.failed
    assert "rate_limit 5 must be between 10 and 2000000000" in result.result["msg"]
    assert runner.client_requests == []
