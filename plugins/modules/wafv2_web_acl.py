#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: wafv2_web_acl
version_added: 0.1.0
short_description: Manage an AWS WAF web ACL of AWS managed rule groups and a per-IP rate limit
description:
  - Creates, updates or deletes an AWS WAF (v2) web ACL found by O(name) and O(scope), which WAF keeps unique.
  - The web ACL holds exactly the rules this module declares, in this order of priority, one rule per entry of
    O(managed_rule_groups) (override action none, so the group's own actions apply), then, with O(rate_limit), a
    rate-based rule that blocks an IP address above O(rate_limit) requests in a 5-minute window. Any other rule,
    an other default action or visibility configuration is reported by C(--check --diff) and replaced.
  - With O(scope=CLOUDFRONT) every call goes to us-east-1, where WAF keeps the web ACLs of CloudFront
    (AWS WAF Developer Guide, "Using AWS WAF with Amazon CloudFront").
  - A second identical run makes only reads (list, get, list tags). Updates carry the lock token of the read;
    a create whose response was lost and that AWS answers with C(WAFDuplicateItemException) adopts the web ACL.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description: Name of the web ACL (1 to 128 letters, digits, C(_) and C(-)); also its metric name.
    type: str
    required: true
  scope:
    description: V(CLOUDFRONT) for a web ACL a CloudFront distribution uses, V(REGIONAL) otherwise.
    type: str
    choices: [CLOUDFRONT, REGIONAL]
    default: CLOUDFRONT
  state:
    description: Whether the web ACL should exist.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the web ACL (at most 256 characters); V("") for none.
    type: str
    default: ""
  default_action:
    description: What WAF does with a request no rule blocks.
    type: str
    choices: [allow, block]
    default: allow
  managed_rule_groups:
    description:
      - Names of AWS managed rule groups (vendor C(AWS)), for example V(AWSManagedRulesCommonRuleSet), in priority
        order; each becomes a rule named C(AWS-<name>) with override action none.
    type: list
    elements: str
    default: []
  rate_limit:
    description:
      - Requests an IP address may send in a 5-minute window before the rate-based rule C(RateLimitPerIP) blocks
        it; 10 to 2,000,000,000 (WAF API reference, RateBasedStatement). Omit for no rate-based rule.
    type: int
  metrics:
    description: CloudWatch metrics and sampled requests for the web ACL and each rule.
    type: bool
    default: true
  tags:
    description: Tags of the web ACL. V(None) leaves them as they are.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not in O(tags).
    type: bool
    default: true
notes:
  - Deleting a web ACL that a resource still uses fails (C(WAFAssociatedItemException)); detach it from the
    distribution first (C(web_acl_id) V("")).
  - >-
    Why this module and not M(community.aws.wafv2_web_acl) (11.2.0): it takes raw rule statements (each with its
    visibility configuration), detects changes in the rules, description and default action only (a change of
    sampled requests or metrics alone goes unseen), returns no diff, and leaves the region of a C(CLOUDFRONT)
    web ACL to the caller (it must be us-east-1).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Web ACL of the HLS distribution
  storytime.video_infra.wafv2_web_acl:
    name: storytime-prod-hls
    scope: CLOUDFRONT
    managed_rule_groups:
      - AWSManagedRulesCommonRuleSet
      - AWSManagedRulesKnownBadInputsRuleSet
      - AWSManagedRulesAmazonIpReputationList
    rate_limit: 2000
    tags:
      project: storytime
  register: web_acl

- name: Delete it (after no distribution uses it)
  storytime.video_infra.wafv2_web_acl:
    name: storytime-prod-hls
    scope: CLOUDFRONT
    state: absent
"""

RETURN = r"""
web_acl:
  description: The web ACL after the task (predicted in check mode; its ARN and ID are unknown before it exists).
  returned: when O(state=present)
  type: complex
  contains:
    arn:
      description: ARN, the value of a CloudFront distribution's C(WebACLId).
      type: str
      returned: always
      sample: arn:aws:wafv2:us-east-1:123456789012:global/webacl/storytime-prod-hls/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111
    id:
      description: ID.
      type: str
      returned: always
      sample: a1b2c3d4-5678-90ab-cdef-EXAMPLE11111
    name:
      description: Name.
      type: str
      returned: always
      sample: storytime-prod-hls
    scope:
      description: Scope.
      type: str
      returned: always
      sample: CLOUDFRONT
    description:
      description: Description.
      type: str
      returned: always
      sample: ""
    default_action:
      description: Default action.
      type: str
      returned: always
      sample: allow
    rules:
      description: The rules as WAF keeps them (API shape), by priority.
      type: list
      elements: dict
      returned: always
    visibility_config:
      description: Visibility configuration of the web ACL (API shape).
      type: dict
      returned: always
    tags:
      description: Tags.
      type: dict
      returned: always
      sample: {project: storytime}
"""

import copy

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import apply_tags
from ansible_collections.storytime.video_infra.plugins.module_utils.common import create_or_adopt
from ansible_collections.storytime.video_infra.plugins.module_utils.common import error_code
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result
from ansible_collections.storytime.video_infra.plugins.module_utils.common import run_by_state
from ansible_collections.storytime.video_infra.plugins.module_utils.common import web_acl_summaries

RATE_RULE = "RateLimitPerIP"
VENDOR = "AWS"
#: WAF API reference, RateBasedStatement: Limit 10 to 2,000,000,000; EvaluationWindowSec defaults to 300.
RATE_LIMIT_RANGE = (10, 2000000000)
RATE_WINDOW = 300
#: Attempts of an update whose lock token another writer made stale (WAFOptimisticLockException).
LOCK_ATTEMPTS = 3


call = StorytimeErrorHandler.call


def visibility(params, metric_name):
    return {
        "SampledRequestsEnabled": params["metrics"],
        "CloudWatchMetricsEnabled": params["metrics"],
        "MetricName": metric_name,
    }


def desired_rules(params):
    rules = []
    for group in params["managed_rule_groups"]:
        rule_name = f"{VENDOR}-{group}"
        rules.append(
            {
                "Name": rule_name,
                "Priority": len(rules),
                "Statement": {"ManagedRuleGroupStatement": {"VendorName": VENDOR, "Name": group}},
                "OverrideAction": {"None": {}},
                "VisibilityConfig": visibility(params, rule_name),
            }
        )
    if params["rate_limit"] is not None:
        rules.append(
            {
                "Name": RATE_RULE,
                "Priority": len(rules),
                "Statement": {
                    "RateBasedStatement": {
                        "Limit": params["rate_limit"],
                        "EvaluationWindowSec": RATE_WINDOW,
                        "AggregateKeyType": "IP",
                    }
                },
                "Action": {"Block": {}},
                "VisibilityConfig": visibility(params, RATE_RULE),
            }
        )
    return rules


def _pruned(value):
    """``value`` without empty lists and ``None`` (WAF may leave out or add empty optional members)."""
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def canonical_rules(rules):
    """Rules in a form where what WAF returns equals what was sent: by priority, defaults filled in."""
    result = []
    for rule in sorted(copy.deepcopy(rules or []), key=lambda r: r.get("Priority", 0)):
        rate = (rule.get("Statement") or {}).get("RateBasedStatement")
        if rate is not None:
            rate.setdefault("EvaluationWindowSec", RATE_WINDOW)
        result.append(_pruned(rule))
    return result


def desired_state(params):
    return {
        "Description": params["description"],
        "DefaultAction": {"Allow": {}} if params["default_action"] == "allow" else {"Block": {}},
        "Rules": desired_rules(params),
        "VisibilityConfig": visibility(params, params["name"]),
    }


def api_fields(state):
    """``state`` as CreateWebACL/UpdateWebACL take it: WAF refuses an empty Description (1 to 256 characters)."""
    fields = dict(state)
    if not fields["Description"]:
        del fields["Description"]
    return fields


def state_of(web_acl):
    return {
        "Description": web_acl.get("Description") or "",
        "DefaultAction": _pruned(web_acl.get("DefaultAction") or {}),
        "Rules": web_acl.get("Rules") or [],
        "VisibilityConfig": web_acl.get("VisibilityConfig") or {},
    }


def differs(current, desired):
    return (
        current["Description"] != desired["Description"]
        or current["DefaultAction"] != desired["DefaultAction"]
        or current["VisibilityConfig"] != desired["VisibilityConfig"]
        or canonical_rules(current["Rules"]) != canonical_rules(desired["Rules"])
    )


def to_result(params, arn, acl_id, state, tags):
    return {
        "arn": arn,
        "id": acl_id,
        "name": params["name"],
        "scope": params["scope"],
        "description": state["Description"],
        "default_action": "allow" if "Allow" in state["DefaultAction"] else "block",
        "rules": canonical_rules(state["Rules"]),
        "visibility_config": state["VisibilityConfig"],
        "tags": tags,
    }


def find(client, params):
    """The summary (Name, Id, ARN, LockToken) of the web ACL, or ``None``."""
    summaries = web_acl_summaries(StorytimeErrorHandler, client, params["scope"])
    return next((summary for summary in summaries if summary["Name"] == params["name"]), None)


def read(client, params, summary):
    response = call(
        f"get web ACL {params['name']}",
        client.get_web_acl,
        Name=params["name"],
        Scope=params["scope"],
        Id=summary["Id"],
    )
    return response["WebACL"], response["LockToken"]


def get_tags(client, arn):
    pages = StorytimeErrorHandler.pages(
        f"list tags of {arn}", client.list_tags_for_resource, {"ResourceARN": arn}, token="NextMarker"
    )
    tags = [tag for page in pages for tag in (page.get("TagInfoForResource") or {}).get("TagList") or []]
    return boto3_tag_list_to_ansible_dict(tags)


def ensure_present(module, client):
    params = module.params
    desired = desired_state(params)
    summary = find(client, params)
    adopted = False
    if summary is None:
        tags = params["tags"] or {}
        if module.check_mode:
            return present_result("web_acl", True, None, to_result(params, None, None, desired, tags))
        kwargs = dict(api_fields(desired), Name=params["name"], Scope=params["scope"])
        if tags:
            kwargs["Tags"] = ansible_dict_to_boto3_tag_list(tags)
        created, summary = create_or_adopt(
            lambda: call(f"create web ACL {params['name']}", client.create_web_acl, **kwargs)["Summary"],
            lambda: find(client, params),
            "WAFDuplicateItemException",
        )
        if created:
            return present_result(
                "web_acl", True, None, to_result(params, summary["ARN"], summary["Id"], desired, tags)
            )
        adopted = True  # another run (or this call's lost first attempt) made it: converged below

    arn, acl_id = summary["ARN"], summary["Id"]
    web_acl, lock_token = read(client, params, summary)
    before = state_of(web_acl)
    changed = differs(before, desired)
    if changed and not module.check_mode:
        for attempt in range(LOCK_ATTEMPTS):
            try:
                call(
                    f"update web ACL {params['name']}",
                    client.update_web_acl,
                    Name=params["name"],
                    Scope=params["scope"],
                    Id=acl_id,
                    LockToken=lock_token,
                    **api_fields(desired),
                )
                break
            except StorytimeError as e:
                if error_code(e) != "WAFOptimisticLockException" or attempt == LOCK_ATTEMPTS - 1:
                    raise
                web_acl, lock_token = read(client, params, summary)
    current_tags = get_tags(client, arn)
    tags_changed, tags = apply_tags(
        current_tags,
        params["tags"],
        purge=params["purge_tags"],
        check_mode=module.check_mode,
        untag=lambda keys: call(f"untag {arn}", client.untag_resource, ResourceARN=arn, TagKeys=keys),
        tag=lambda new: call(
            f"tag {arn}", client.tag_resource, ResourceARN=arn, Tags=ansible_dict_to_boto3_tag_list(new)
        ),
    )
    after = desired if changed else before
    before_result = None if adopted else to_result(params, arn, acl_id, before, current_tags)
    return present_result(
        "web_acl", changed or tags_changed or adopted, before_result, to_result(params, arn, acl_id, after, tags)
    )


def ensure_absent(module, client):
    params = module.params
    summary = find(client, params)
    if summary is None:
        return {"changed": False}
    web_acl, lock_token = read(client, params, summary)
    before = to_result(params, summary["ARN"], summary["Id"], state_of(web_acl), get_tags(client, summary["ARN"]))
    if not module.check_mode:
        for attempt in range(LOCK_ATTEMPTS):
            try:
                StorytimeErrorHandler.tolerating("WAFNonexistentItemException").call_or_none(
                    f"delete web ACL {params['name']}",
                    client.delete_web_acl,
                    Name=params["name"],
                    Scope=params["scope"],
                    Id=summary["Id"],
                    LockToken=lock_token,
                )
                break
            except StorytimeError as e:
                if error_code(e) == "WAFAssociatedItemException":
                    raise StorytimeError(
                        f"Web ACL {params['name']} is still associated with a resource (a CloudFront distribution's"
                        " WebACLId); detach it first.",
                        e.exception,
                    ) from e
                if error_code(e) != "WAFOptimisticLockException" or attempt == LOCK_ATTEMPTS - 1:
                    raise
                web_acl, lock_token = read(client, params, summary)
    return {"changed": True, "diff": {"before": before, "after": {}}}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        scope=dict(type="str", default="CLOUDFRONT", choices=["CLOUDFRONT", "REGIONAL"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str", default=""),
        default_action=dict(type="str", default="allow", choices=["allow", "block"]),
        managed_rule_groups=dict(type="list", elements="str", default=[]),
        rate_limit=dict(type="int"),
        metrics=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    problems = []
    if not 1 <= len(params["name"]) <= 128 or not all(c.isalnum() or c in "_-" for c in params["name"]):
        problems.append(f"name {params['name']!r} must be 1 to 128 letters, digits, '_' or '-'")
    low, high = RATE_LIMIT_RANGE
    if params["rate_limit"] is not None and not low <= params["rate_limit"] <= high:
        problems.append(f"rate_limit {params['rate_limit']} must be between {low} and {high}")
    names = params["managed_rule_groups"]
    if len(names) != len(set(names)):
        problems.append("managed_rule_groups lists the same rule group twice")
    if problems:
        module.fail_json(msg="; ".join(problems))
    # WAF keeps the web ACLs of CloudFront in us-east-1.
    extra = {"region": "us-east-1"} if params["scope"] == "CLOUDFRONT" else {}
    client = module.client("wafv2", retry_decorator=AWSRetry.jittered_backoff(), **extra)
    run_by_state(module, ensure_present, ensure_absent, client)


if __name__ == "__main__":
    main()
