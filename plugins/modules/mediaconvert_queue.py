#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mediaconvert_queue
version_added: 0.1.0
short_description: Manage an on-demand AWS Elemental MediaConvert queue
description:
  - Creates, updates or deletes a MediaConvert queue, the line that jobs wait in before MediaConvert
    transcodes them.
  - The queue is found by O(name) with C(GetQueue); C(NotFoundException) means it does not exist.
  - Only on-demand queues are managed. Reserved queues (C(PricingPlan=RESERVED)) are bought with a 12-month
    commitment and are out of scope; the module fails rather than touch one.
  - O(description) and O(status) are changed only when set and different, with C(UpdateQueue) sending only
    what differs; tags are changed with C(TagResource) / C(UntagResource). A second identical run makes no
    write call.
  - MediaConvert is called on its regional endpoint. C(DescribeEndpoints) and account-specific endpoints are
    deprecated and are not used.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description: Name of the queue (unique in the account and region).
    type: str
    required: true
  state:
    description:
      - Whether the queue should exist.
      - The system queue C(Default) cannot be deleted.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the queue. When not set, an existing description is left as it is.
    type: str
  status:
    description:
      - V(ACTIVE) queues start jobs; a V(PAUSED) queue holds new jobs and does not start them until it is
        active again (jobs already running finish).
      - When not set, an existing queue keeps its status and a new queue is V(ACTIVE).
    type: str
    choices: [ACTIVE, PAUSED]
  pricing_plan:
    description:
      - Pricing plan of the queue. Only V(ON_DEMAND) is supported; reserved queues are out of scope.
    type: str
    choices: [ON_DEMAND]
    default: ON_DEMAND
notes:
  - Deleting a queue that still has submitted or progressing jobs fails; let them finish, cancel them, or move
    them to another queue first.
  - Jobs submitted without a queue go to the system queue C(Default), which always exists.
seealso:
  - name: Working with MediaConvert queues
    description: On-demand and reserved queues, and how jobs are distributed.
    link: https://docs.aws.amazon.com/mediaconvert/latest/ug/working-with-queues.html
  - module: storytime.video_infra.mediaconvert_job_template
  - module: storytime.video_infra.mediaconvert_job
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Queue for the HLS transcodes of one environment
  storytime.video_infra.mediaconvert_queue:
    name: storytime-dev-hls
    description: HLS renditions of uploaded books (dev)
    tags:
      Project: storytime
      Environment: dev
  register: hls_queue

- name: Hold new jobs (running ones finish)
  storytime.video_infra.mediaconvert_queue:
    name: storytime-dev-hls
    status: PAUSED

- name: Delete the queue
  storytime.video_infra.mediaconvert_queue:
    name: storytime-dev-hls
    state: absent
"""

RETURN = r"""
queue:
  description: The queue after the task (predicted in check mode).
  returned: when O(state=present)
  type: complex
  contains:
    arn:
      description: ARN of the queue, to give as the queue of a job template or a job. V(null) in check mode when
        the queue would be created.
      type: str
      returned: always
      sample: arn:aws:mediaconvert:eu-west-1:123456789012:queues/storytime-dev-hls
    name:
      description: Name.
      type: str
      returned: always
      sample: storytime-dev-hls
    description:
      description: Description (empty when there is none).
      type: str
      returned: always
      sample: HLS renditions of uploaded books (dev)
    status:
      description: V(ACTIVE) or V(PAUSED).
      type: str
      returned: always
      sample: ACTIVE
    pricing_plan:
      description: Pricing plan, always V(ON_DEMAND) here.
      type: str
      returned: always
      sample: ON_DEMAND
    type:
      description: V(CUSTOM) for queues you create, V(SYSTEM) for the C(Default) queue.
      type: str
      returned: always
      sample: CUSTOM
    tags:
      description: Tags of the queue.
      type: dict
      returned: always
      sample: {"Project": "storytime", "Environment": "dev"}
    created_at:
      description: When the queue was created, ISO 8601. V(null) in check mode when the queue would be created.
      type: str
      returned: always
      sample: "2025-01-31T10:15:42+00:00"
    last_updated:
      description: When the queue was last changed, ISO 8601. V(null) in check mode when it would change.
      type: str
      returned: always
      sample: "2025-01-31T10:15:42+00:00"
"""

from ansible_collections.storytime.video_infra.plugins.module_utils import mediaconvert as mc
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import create_or_adopt
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result
from ansible_collections.storytime.video_infra.plugins.module_utils.common import run_by_state

# Fields UpdateQueue takes, as (option, API key).
UPDATABLE = (("description", "Description"), ("status", "Status"))


def get_queue(client, name):
    response = mc.call_or_none(f"get queue {name}", client.get_queue, Name=name)
    return None if response is None else response["Queue"]


def to_result(queue, tags):
    return {
        "arn": queue.get("Arn"),
        "name": queue["Name"],
        "description": queue.get("Description") or "",
        "status": queue.get("Status"),
        "pricing_plan": queue.get("PricingPlan"),
        "type": queue.get("Type"),
        "tags": dict(tags),
        "created_at": mc.iso(queue.get("CreatedAt")),
        "last_updated": mc.iso(queue.get("LastUpdated")),
    }


def refuse_reserved(queue):
    if queue.get("PricingPlan") == "RESERVED":
        raise mc.MediaConvertError(
            f"Queue {queue['Name']} is a reserved queue; this module manages on-demand queues only."
        )


def create(module, client, tags):
    params = module.params
    name = params["name"]
    request = {"Name": name, "PricingPlan": params["pricing_plan"]}
    if params["description"] is not None:
        request["Description"] = params["description"]
    if params["status"] is not None:
        request["Status"] = params["status"]
    if tags:
        request["Tags"] = tags
    if module.check_mode:
        predicted = {
            "Name": name,
            "Description": params["description"] or "",
            "Status": params["status"] or "ACTIVE",
            "PricingPlan": params["pricing_plan"],
            "Type": "CUSTOM",
        }
        return to_result(predicted, tags or {})
    # A create sent again after a lost response (or racing another run) answers ConflictException: adopt.
    created, queue = create_or_adopt(
        lambda: mc.call(f"create queue {name}", client.create_queue, **request)["Queue"],
        lambda: get_queue(client, name),
        "ConflictException",
    )
    return to_result(queue, tags or {}) if created else None


def ensure_present(module, client):
    params = module.params
    name = params["name"]
    tags = mc.string_map("tags", params["tags"])
    queue = get_queue(client, name)
    adopted = False
    if queue is None:
        after = create(module, client, tags)
        if after is not None:
            return present_result("queue", True, None, after)
        queue, adopted = get_queue(client, name), True  # converged below; reported as created

    refuse_reserved(queue)
    current_tags = mc.get_tags(client, queue["Arn"])
    before = to_result(queue, current_tags)
    update = {
        api_key: params[option]
        for option, api_key in UPDATABLE
        if params[option] is not None and params[option] != (queue.get(api_key) or "")
    }
    if update:
        if module.check_mode:
            queue = dict(queue, LastUpdated=None, **update)
        else:
            queue = mc.call(f"update queue {name}", client.update_queue, Name=name, **update)["Queue"]
    tags_changed, final_tags = mc.ensure_tags(
        client, queue["Arn"], current_tags, tags, purge=params["purge_tags"], check_mode=module.check_mode
    )
    changed = bool(update) or tags_changed or adopted
    return present_result("queue", changed, None if adopted else before, to_result(queue, final_tags))


def ensure_absent(module, client):
    name = module.params["name"]
    queue = get_queue(client, name)
    if queue is None:
        return {"changed": False}
    if queue.get("Type") == "SYSTEM":
        raise mc.MediaConvertError(f"Queue {name} is a system queue; MediaConvert does not let it be deleted.")
    refuse_reserved(queue)
    before = to_result(queue, {})
    if not module.check_mode:
        deleted = mc.call_or_none(f"delete queue {name}", client.delete_queue, Name=name)
        if deleted is None:
            return {"changed": False}
    return {"changed": True, "diff": {"before": before, "after": {}}}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        status=dict(type="str", choices=["ACTIVE", "PAUSED"]),
        pricing_plan=dict(type="str", default="ON_DEMAND", choices=["ON_DEMAND"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not module.params["name"]:
        module.fail_json(msg="name must not be empty")
    run_by_state(module, ensure_present, ensure_absent, mc.mediaconvert_client(module))


if __name__ == "__main__":
    main()
