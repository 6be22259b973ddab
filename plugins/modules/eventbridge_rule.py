#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: eventbridge_rule
version_added: 0.1.0
short_description: Manage an Amazon EventBridge rule on the default event bus, its targets and its tags
description:
  - Creates, updates or deletes an EventBridge rule that matches events with an event pattern, on the account's
    default event bus, together with its targets and its tags.
  - The rule is read with one C(DescribeRule) (C(ResourceNotFoundException) means it does not exist), its targets
    with one C(ListTargetsByRule) and its tags with one C(ListTagsForResource). A second identical run makes these
    three reads and no write.
  - C(PutRule) replaces the whole rule, so an update sends the description, the pattern and the state together;
    it is sent only when one of them differs. The event pattern is compared as JSON, not as text.
  - The targets are owned exclusively by default (O(purge_targets=true)); a target added out of band is reported
    by check mode and removed. A target whose ID is listed but whose ARN differs is replaced with C(PutTargets).
  - Tags are set when the rule is created and changed later with C(TagResource) / C(UntagResource).
  - Deleting the rule removes its targets first (C(RemoveTargets)), as C(DeleteRule) requires.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description: Name of the rule (1 to 64 letters, digits, C(.), C(-) and C(_)).
    type: str
    required: true
  state:
    description: Whether the rule should exist.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the rule (at most 512 characters). An existing rule's description is replaced.
    type: str
    default: ""
  event_pattern:
    description:
      - The event pattern, as a mapping or as a JSON document. Required with O(state=present).
    type: json
  enabled:
    description: Whether the rule matches events (C(State=ENABLED)) or not (C(DISABLED)).
    type: bool
    default: true
  targets:
    description:
      - The rule's targets. Each has an O(targets[].id) unique within the rule and the O(targets[].arn) of the
        resource the matched events go to (an SQS queue or an SNS topic here; their resource policies must let
        C(events.amazonaws.com) send or publish).
      - At most 5 targets per rule.
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description: ID of the target within the rule (1 to 64 letters, digits, C(.), C(-) and C(_)).
        type: str
        required: true
      arn:
        description: ARN of the target resource.
        type: str
        required: true
  purge_targets:
    description:
      - Remove every target of the rule that is not in O(targets).
      - With V(false), targets of other IDs are left alone.
    type: bool
    default: true
notes:
  - Why not M(amazon.aws.cloudwatchevent_rule). Measured on a no-op run of C(site.yml) against the local AWS, it
    made 4 C(DescribeRule) and 3 C(ListTargetsByRule) calls for the one rule of the mediaconvert role, where this
    module makes 1 and 1. It also has no tags option, so the rule was the one resource the collection could not put
    C(storytime_tags) on; this module makes 1 C(ListTagsForResource) call for them.
  - Only the default event bus and event-pattern rules are managed; schedule expressions, input transformers and
    targets that need a role (O(targets[].arn) of a Kinesis stream, an ECS task, ...) are out of scope.
seealso:
  - name: Amazon EventBridge rules
    description: Event patterns, targets and the permissions targets need.
    link: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rules.html
  - name: PutRule in the EventBridge API Reference
    description: An update replaces the whole rule; tags are given on creation.
    link: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Send the finished MediaConvert jobs of one queue to an SQS queue
  storytime.video_infra.eventbridge_rule:
    name: storytime-dev-mediaconvert-jobs
    description: MediaConvert jobs of storytime-dev-hls that ended
    event_pattern:
      source: [aws.mediaconvert]
      detail-type: [MediaConvert Job State Change]
      detail:
        status: [COMPLETE, ERROR, CANCELED]
        queue: [arn:aws:mediaconvert:eu-west-1:123456789012:queues/storytime-dev-hls]
    targets:
      - id: sqs
        arn: arn:aws:sqs:eu-west-1:123456789012:storytime-dev-mediaconvert-jobs
    tags:
      Project: storytime
      Environment: dev

- name: Delete the rule (its targets first)
  storytime.video_infra.eventbridge_rule:
    name: storytime-dev-mediaconvert-jobs
    state: absent
"""

RETURN = r"""
rule:
  description: The rule after the task (predicted in check mode).
  returned: when O(state=present)
  type: complex
  contains:
    name:
      description: Name of the rule.
      type: str
      returned: always
      sample: storytime-dev-mediaconvert-jobs
    arn:
      description: ARN of the rule. V(null) in check mode when the rule would be created.
      type: str
      returned: always
      sample: arn:aws:events:eu-west-1:123456789012:rule/storytime-dev-mediaconvert-jobs
    description:
      description: Description (empty when there is none).
      type: str
      returned: always
      sample: MediaConvert jobs of storytime-dev-hls that ended
    event_pattern:
      description: The event pattern, parsed.
      type: dict
      returned: always
      sample: {"source": ["aws.mediaconvert"]}
    enabled:
      description: Whether the rule is enabled.
      type: bool
      returned: always
      sample: true
    targets:
      description: The rule's targets, by ID.
      type: list
      elements: dict
      returned: always
      sample: [{"id": "sqs", "arn": "arn:aws:sqs:eu-west-1:123456789012:storytime-dev-mediaconvert-jobs"}]
    tags:
      description: Tags of the rule.
      type: dict
      returned: always
      sample: {"Project": "storytime", "Environment": "dev"}
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import apply_tags
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result
from ansible_collections.storytime.video_infra.plugins.module_utils.common import run_by_state
from ansible_collections.storytime.video_infra.plugins.module_utils.common import string_map

# EventBridge API Reference, PutTargets: "You can configure up to five (5) targets for each rule."
MAX_TARGETS = 5


class EventBridgeError(StorytimeError):
    """A failed EventBridge call (``exception`` set) or a refused request (``exception`` None)."""


class EventBridgeErrorHandler(StorytimeErrorHandler):
    """EventBridge calls: EventBridgeError, and ResourceNotFoundException for a missing rule."""

    _CUSTOM_EXCEPTION = EventBridgeError
    MISSING_CODES = ("ResourceNotFoundException",)


call = EventBridgeErrorHandler.call
call_or_none = EventBridgeErrorHandler.call_or_none


def get_rule(client, name):
    return call_or_none(f"describe rule {name}", client.describe_rule, Name=name)


def get_targets(client, name):
    """The rule's targets as ``{id: arn}`` (ListTargetsByRule pages at 100; a rule has at most 5)."""
    response = call(f"list the targets of rule {name}", client.list_targets_by_rule, Rule=name)
    return {target["Id"]: target["Arn"] for target in response.get("Targets") or []}


def get_tags(client, arn):
    response = call(f"list the tags of {arn}", client.list_tags_for_resource, ResourceARN=arn)
    return boto3_tag_list_to_ansible_dict(response.get("Tags") or [])


def to_result(name, arn, *, description, pattern, enabled, targets, tags):
    return {
        "name": name,
        "arn": arn,
        "description": description or "",
        "event_pattern": pattern,
        "enabled": enabled,
        "targets": [{"id": target_id, "arn": targets[target_id]} for target_id in sorted(targets)],
        "tags": dict(tags),
    }


def described(rule, targets, tags):
    """The rule as EventBridge describes it (DescribeRule), with its targets and tags."""
    return to_result(
        rule["Name"],
        rule["Arn"],
        description=rule.get("Description"),
        pattern=json.loads(rule["EventPattern"]) if rule.get("EventPattern") else None,
        enabled=rule.get("State") == "ENABLED",
        targets=targets,
        tags=tags,
    )


def declared(params, arn, pattern, targets, tags):
    """The rule as the task declares it (after a create or an update), with its final targets and tags."""
    return to_result(
        params["name"],
        arn,
        description=params["description"],
        pattern=pattern,
        enabled=params["enabled"],
        targets=targets,
        tags=tags,
    )


def desired_targets(params):
    targets = {}
    for index, target in enumerate(params["targets"]):
        if not target["id"] or not target["arn"]:
            raise EventBridgeError(f"targets[{index}] needs a non-empty id and arn")
        if target["id"] in targets:
            raise EventBridgeError(f"targets has the id {target['id']} twice")
        targets[target["id"]] = target["arn"]
    return targets


def ensure_targets(module, client, name, current, desired):
    """Put the targets that are missing or point elsewhere, remove the others (with purge_targets).
    Returns ``(changed, final_targets)``."""
    to_put = {target_id: arn for target_id, arn in desired.items() if current.get(target_id) != arn}
    to_remove = sorted(set(current) - set(desired)) if module.params["purge_targets"] else []
    final = {target_id: arn for target_id, arn in current.items() if target_id not in to_remove}
    final.update(to_put)
    if len(final) > MAX_TARGETS:
        raise EventBridgeError(f"rule {name} would have {len(final)} targets; EventBridge allows {MAX_TARGETS}")
    if not module.check_mode:
        # Removed first: a rule that is at its five targets has room for the new ones then.
        if to_remove:
            remove_targets(client, name, to_remove)
        if to_put:
            targets = [{"Id": target_id, "Arn": arn} for target_id, arn in sorted(to_put.items())]
            response = call(f"put targets of rule {name}", client.put_targets, Rule=name, Targets=targets)
            refuse_failed_entries(f"put targets of rule {name}", response)
    return bool(to_put or to_remove), final


def remove_targets(client, name, ids):
    response = call(f"remove targets of rule {name}", client.remove_targets, Rule=name, Ids=ids)
    refuse_failed_entries(f"remove targets of rule {name}", response)


def refuse_failed_entries(what, response):
    """PutTargets and RemoveTargets answer 200 with the entries they could not apply: fail on any."""
    failed = response.get("FailedEntries") or []
    if response.get("FailedEntryCount") or failed:
        details = "; ".join(f"{e.get('TargetId')}: {e.get('ErrorCode')} {e.get('ErrorMessage')}" for e in failed)
        raise EventBridgeError(f"Failed to {what}: {details}")


def ensure_present(module, client):
    params = module.params
    name = params["name"]
    pattern = json.loads(params["event_pattern"])
    state = "ENABLED" if params["enabled"] else "DISABLED"
    tags = string_map("tags", params["tags"], EventBridgeError)
    targets = desired_targets(params)

    rule = get_rule(client, name)
    request = {"Name": name, "EventPattern": json.dumps(pattern, sort_keys=True), "State": state}
    if params["description"]:
        request["Description"] = params["description"]
    if rule is None:
        arn = None
        if not module.check_mode:
            arn = call(f"create rule {name}", client.put_rule, **request, **tag_list(tags))["RuleArn"]
        _changed, final_targets = ensure_targets(module, client, name, {}, targets)
        return present_result("rule", True, None, declared(params, arn, pattern, final_targets, tags or {}))

    arn = rule["Arn"]
    current_targets = get_targets(client, name)
    current_tags = get_tags(client, arn)
    before = described(rule, current_targets, current_tags)
    rule_changed = (
        before["event_pattern"] != pattern
        or rule.get("State") != state
        or (rule.get("Description") or "") != params["description"]
        or bool(rule.get("ScheduleExpression"))
    )
    if rule_changed and not module.check_mode:
        call(f"update rule {name}", client.put_rule, **request)
    targets_changed, final_targets = ensure_targets(module, client, name, current_targets, targets)
    tags_changed, final_tags = apply_tags(
        current_tags,
        tags,
        purge=params["purge_tags"],
        check_mode=module.check_mode,
        untag=lambda keys: call(f"untag rule {name}", client.untag_resource, ResourceARN=arn, TagKeys=keys),
        tag=lambda new: call(f"tag rule {name}", client.tag_resource, ResourceARN=arn, **tag_list(new)),
    )
    after = declared(params, arn, pattern, final_targets, final_tags)
    return present_result("rule", rule_changed or targets_changed or tags_changed, before, after)


def tag_list(tags):
    """Tags as EventBridge takes them (``Tags=[{Key, Value}]``, in key order), none when empty."""
    return {"Tags": ansible_dict_to_boto3_tag_list(dict(sorted(tags.items())))} if tags else {}


def ensure_absent(module, client):
    name = module.params["name"]
    rule = get_rule(client, name)
    if rule is None:
        return {"changed": False}
    targets = get_targets(client, name)
    before = described(rule, targets, {})
    if not module.check_mode:
        if targets:
            remove_targets(client, name, sorted(targets))
        # Already gone (another run deleted it in between): nothing left to do.
        call_or_none(f"delete rule {name}", client.delete_rule, Name=name)
    return {"changed": True, "diff": {"before": before, "after": {}}}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str", default=""),
        event_pattern=dict(type="json"),
        enabled=dict(type="bool", default=True),
        targets=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(id=dict(type="str", required=True), arn=dict(type="str", required=True)),
        ),
        purge_targets=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = StorytimeAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["event_pattern"])],
    )
    if not module.params["name"]:
        module.fail_json(msg="name must not be empty")
    client = module.client(
        "events", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["ConcurrentModificationException"])
    )
    run_by_state(module, ensure_present, ensure_absent, client)


if __name__ == "__main__":
    main()
