#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mediaconvert_job_template
version_added: 0.1.0
short_description: Manage an AWS Elemental MediaConvert job template
description:
  - Creates, updates or deletes a MediaConvert job template, a reusable set of transcoding settings (for
    example an HLS output group with several renditions) that jobs name instead of repeating the settings.
  - The template is found by O(name) with C(GetJobTemplate); C(NotFoundException) means it does not exist.
  - Every option other than O(name) and O(state) is managed only when set. A set option replaces what the
    template has; C(UpdateJobTemplate) is sent with only the fields that differ, and a second identical run
    makes no write call.
  - O(settings) is compared as a subset, because MediaConvert may return more than it was given (service
    defaults, keys of newer API versions, V(null) or empty values). The template is up to date when every
    key of O(settings) has the same value in the template; see O(settings) for the exact rule.
  - MediaConvert is called on its regional endpoint. C(DescribeEndpoints) and account-specific endpoints are
    deprecated and are not used.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description: Name of the job template (unique in the account and region).
    type: str
    required: true
  state:
    description: Whether the job template should exist.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the template.
    type: str
  category:
    description: Category, a free-form label for grouping templates in the console and in C(ListJobTemplates).
    type: str
  queue:
    description:
      - Queue that jobs created from the template go to, by name or ARN. Jobs may name another queue.
      - Compared by name, so a name matches the ARN MediaConvert reports.
    type: str
  settings:
    description:
      - The job template settings document (C(JobTemplateSettings) of the MediaConvert API) in the API's
        PascalCase shape, as boto3 takes it, for example C(OutputGroups), C(Inputs), C(TimecodeConfig). Keys are
        passed through unchanged; MediaConvert validates them.
      - Required to create a template. When not set, the settings of an existing template are left as they are.
      - "Comparison rule: the template is up to date when O(settings) is a subset of its settings that matches.
        A dict matches when each of its keys matches the same key in the template (keys only in the template,
        such as service defaults, are ignored; so V({}) matches any dict, a missing one or V(null)). A key set to
        V(null) is neither compared nor sent. An empty list or string (V([]), V(\"\")) matches a missing,
        V(null) or empty value, and nothing else. Lists match element by element, in order, with equal length.
        Numbers match by value (V(30) matches V(30.0)); booleans match only booleans; strings match exactly."
      - When any difference is found, the whole document is sent and replaces the template's settings. Removing
        a key from O(settings) is therefore not noticed by itself; it takes effect with the next update that
        changes something else.
    type: dict
  acceleration_settings:
    description: Accelerated transcoding of jobs created from the template.
    type: dict
    suboptions:
      mode:
        description:
          - V(ENABLED) requires acceleration (jobs whose input or settings do not qualify fail), V(PREFERRED)
            accelerates when possible, V(DISABLED) never accelerates.
        type: str
        choices: [DISABLED, ENABLED, PREFERRED]
        required: true
  priority:
    description: Priority of jobs created from the template, from -50 to 50 (higher runs first within a queue).
    type: int
  status_update_interval:
    description: How often MediaConvert sends job status updates to EventBridge while a job runs.
    type: str
    choices: [SECONDS_10, SECONDS_12, SECONDS_15, SECONDS_20, SECONDS_30, SECONDS_60, SECONDS_120, SECONDS_180,
              SECONDS_240, SECONDS_300, SECONDS_360, SECONDS_420, SECONDS_480, SECONDS_540, SECONDS_600]
  hop_destinations:
    description:
      - Queue hopping, in order. A job that has waited O(hop_destinations[].wait_minutes) in its queue moves to
        the next destination. V([]) removes queue hopping.
    type: list
    elements: dict
    suboptions:
      queue:
        description: Queue to move to, by name or ARN. The system default queue when not set.
        type: str
      priority:
        description: Priority of the job in the destination queue, from -50 to 50.
        type: int
      wait_minutes:
        description: Minutes a job waits in its current queue before it hops.
        type: int
        required: true
notes:
  - A template cannot name the input file of a job (C(InputTemplate) has no C(FileInput)); every job gives its
    input in its own settings, see M(storytime.video_infra.mediaconvert_job).
  - System templates (C(Type=SYSTEM)) cannot be changed or deleted; the module fails rather than try.
seealso:
  - name: Working with MediaConvert job templates
    description: What a template holds and how job settings override it.
    link: https://docs.aws.amazon.com/mediaconvert/latest/ug/using-a-job-template.html
  - name: JobTemplateSettings in the MediaConvert API reference
    description: The shape of O(settings).
    link: https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobtemplates-name.html
  - module: storytime.video_infra.mediaconvert_queue
  - module: storytime.video_infra.mediaconvert_job
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: HLS template with two renditions, written to the output bucket
  storytime.video_infra.mediaconvert_job_template:
    name: storytime-dev-hls
    description: HLS renditions of uploaded books
    category: storytime
    queue: "{{ hls_queue.queue.arn }}"
    status_update_interval: SECONDS_30
    settings:
      TimecodeConfig:
        Source: ZEROBASED
      Inputs:
        - TimecodeSource: ZEROBASED
          AudioSelectors:
            Audio Selector 1:
              DefaultSelection: DEFAULT
      OutputGroups:
        - Name: Apple HLS
          OutputGroupSettings:
            Type: HLS_GROUP_SETTINGS
            HlsGroupSettings:
              Destination: s3://storytime-hls-outputs-dev/books/
              SegmentLength: 6
              MinSegmentLength: 0
              DirectoryStructure: SINGLE_DIRECTORY
              ManifestDurationFormat: INTEGER
              SegmentControl: SEGMENTED_FILES
          Outputs:
            - NameModifier: _720p
              ContainerSettings:
                Container: M3U8
              VideoDescription:
                Width: 1280
                Height: 720
                CodecSettings:
                  Codec: H_264
                  H264Settings:
                    RateControlMode: QVBR
                    MaxBitrate: 3000000
                    SceneChangeDetect: TRANSITION_DETECTION
              AudioDescriptions:
                - CodecSettings:
                    Codec: AAC
                    AacSettings:
                      Bitrate: 96000
                      CodingMode: CODING_MODE_2_0
                      SampleRate: 48000
            - NameModifier: _360p
              ContainerSettings:
                Container: M3U8
              VideoDescription:
                Width: 640
                Height: 360
                CodecSettings:
                  Codec: H_264
                  H264Settings:
                    RateControlMode: QVBR
                    MaxBitrate: 800000
              AudioDescriptions:
                - CodecSettings:
                    Codec: AAC
                    AacSettings:
                      Bitrate: 64000
                      CodingMode: CODING_MODE_2_0
                      SampleRate: 48000
    tags:
      Project: storytime
  register: hls_template

- name: Settings kept in a JSON file (for example exported with get-job-template)
  storytime.video_infra.mediaconvert_job_template:
    name: storytime-dev-hls
    settings: "{{ lookup('ansible.builtin.file', 'hls-template.json') | from_json }}"

- name: Delete the template
  storytime.video_infra.mediaconvert_job_template:
    name: storytime-dev-hls
    state: absent
"""

RETURN = r"""
job_template:
  description: The job template after the task (predicted in check mode).
  returned: when O(state=present)
  type: complex
  contains:
    arn:
      description: ARN of the template. V(null) in check mode when the template would be created.
      type: str
      returned: always
      sample: arn:aws:mediaconvert:eu-west-1:123456789012:jobTemplates/storytime-dev-hls
    name:
      description: Name, to give as the job template of a job.
      type: str
      returned: always
      sample: storytime-dev-hls
    description:
      description: Description (empty when there is none).
      type: str
      returned: always
      sample: HLS renditions of uploaded books
    category:
      description: Category (empty when there is none).
      type: str
      returned: always
      sample: storytime
    queue:
      description: Queue of jobs created from the template, as MediaConvert reports it (usually an ARN).
      type: str
      returned: always
      sample: arn:aws:mediaconvert:eu-west-1:123456789012:queues/storytime-dev-hls
    settings:
      description:
        - The settings document as MediaConvert returns it, in the API's PascalCase shape (keys are not
          converted). In check mode, the document that would be sent.
      type: dict
      returned: always
      sample: {"OutputGroups": [{"Name": "Apple HLS", "OutputGroupSettings": {"Type": "HLS_GROUP_SETTINGS"}}]}
    type:
      description: V(CUSTOM) for templates you create, V(SYSTEM) for the ones MediaConvert provides.
      type: str
      returned: always
      sample: CUSTOM
    priority:
      description: Priority of jobs created from the template.
      type: int
      returned: always
      sample: 0
    status_update_interval:
      description: Interval of job status updates.
      type: str
      returned: always
      sample: SECONDS_60
    acceleration_settings:
      description: Accelerated transcoding setting, or V(null).
      type: dict
      returned: always
      sample: {"mode": "DISABLED"}
    hop_destinations:
      description: Queue hopping destinations, in order.
      type: list
      elements: dict
      returned: always
      sample: [{"queue": "arn:aws:mediaconvert:eu-west-1:123456789012:queues/spare", "wait_minutes": 30}]
    tags:
      description: Tags of the template.
      type: dict
      returned: always
      sample: {"Project": "storytime"}
    created_at:
      description: When the template was created, ISO 8601. V(null) in check mode when it would be created.
      type: str
      returned: always
      sample: "2025-01-31T10:15:42+00:00"
    last_updated:
      description: When the template was last changed, ISO 8601. V(null) in check mode when it would change.
      type: str
      returned: always
      sample: "2025-01-31T10:15:42+00:00"
changed_fields:
  description: Fields of the template that were (or in check mode would be) changed; V(tags) for tag changes.
  returned: when O(state=present)
  type: list
  elements: str
  sample: [description, settings]
settings_differences:
  description:
    - Paths in O(settings) whose value differs from the template's (V(.) for the whole document); empty when
      the settings match or were not compared. Useful to find out why a template keeps being updated.
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["OutputGroups[0].Outputs[1].VideoDescription.Height"]
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.storytime.video_infra.plugins.module_utils import mediaconvert as mc
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import create_or_adopt
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result
from ansible_collections.storytime.video_infra.plugins.module_utils.common import run_by_state

# Options in the order they are compared, with the API key of each.
FIELDS = (
    ("description", "Description"),
    ("category", "Category"),
    ("queue", "Queue"),
    ("settings", "Settings"),
    ("acceleration_settings", "AccelerationSettings"),
    ("priority", "Priority"),
    ("status_update_interval", "StatusUpdateInterval"),
    ("hop_destinations", "HopDestinations"),
)
# What MediaConvert uses when a template does not say.
API_DEFAULTS = {"Priority": 0, "StatusUpdateInterval": "SECONDS_60"}


def get_template(client, name):
    response = mc.call_or_none(f"get job template {name}", client.get_job_template, Name=name)
    return None if response is None else response["JobTemplate"]


def hop_to_api(hop):
    api = {"WaitMinutes": hop["wait_minutes"]}
    if hop.get("queue") is not None:
        api["Queue"] = hop["queue"]
    if hop.get("priority") is not None:
        api["Priority"] = hop["priority"]
    return api


def desired_fields(params):
    """The set options as API fields (the request body of Create/UpdateJobTemplate, without Name and Tags)."""
    desired = {}
    for option, api_key in FIELDS:
        value = params[option]
        if value is None:
            continue
        if option == "settings":
            value = mc.strip_nulls(value)
        elif option == "acceleration_settings":
            value = {"Mode": value["mode"]}
        elif option == "hop_destinations":
            value = [hop_to_api(hop) for hop in value]
        desired[api_key] = value
    return desired


def hops_match(desired, current):
    """Hop destinations match in order; queues compare by name, an unset priority is not compared."""
    current = current or []
    if len(desired) != len(current):
        return False
    for want, have in zip(desired, current, strict=True):
        if want["WaitMinutes"] != have.get("WaitMinutes"):
            return False
        if "Priority" in want and want["Priority"] != have.get("Priority"):
            return False
        if "Queue" in want and not mc.same_resource(want["Queue"], have.get("Queue")):
            return False
    return True


def field_differs(api_key, desired, current):
    """Whether the desired value of one field differs from the template's; settings differences as paths."""
    if api_key == "Settings":
        return mc.settings_differences(desired, current or {})
    if api_key == "Queue":
        return [] if mc.same_resource(desired, current) else [api_key]
    if api_key == "HopDestinations":
        return [] if hops_match(desired, current) else [api_key]
    if api_key in ("Description", "Category"):
        return [] if desired == (current or "") else [api_key]
    if api_key == "AccelerationSettings":
        return [] if desired["Mode"] == (current or {}).get("Mode", "DISABLED") else [api_key]
    # A template created without them reports MediaConvert's defaults (or nothing).
    if current is None:
        current = API_DEFAULTS.get(api_key)
    return [] if desired == current else [api_key]


def to_result(template, tags):
    acceleration = template.get("AccelerationSettings")
    return {
        "arn": template.get("Arn"),
        "name": template["Name"],
        "description": template.get("Description") or "",
        "category": template.get("Category") or "",
        "queue": template.get("Queue"),
        "settings": template.get("Settings") or {},
        "type": template.get("Type"),
        "priority": template.get("Priority"),
        "status_update_interval": template.get("StatusUpdateInterval"),
        "acceleration_settings": camel_dict_to_snake_dict(acceleration) if acceleration else None,
        "hop_destinations": [camel_dict_to_snake_dict(h) for h in template.get("HopDestinations") or []],
        "tags": dict(tags),
        "created_at": mc.iso(template.get("CreatedAt")),
        "last_updated": mc.iso(template.get("LastUpdated")),
    }


def option_of(api_key):
    return next(option for option, key in FIELDS if key == api_key)


def create(module, client, desired, tags):
    name = module.params["name"]
    if "Settings" not in desired:
        raise mc.MediaConvertError(f"settings is required to create job template {name}")
    request = dict(desired, Name=name)
    if tags:
        request["Tags"] = tags
    if module.check_mode:
        return to_result(dict(desired, Name=name, Type="CUSTOM"), tags or {})
    # A create sent again after a lost response (or racing another run) answers ConflictException: adopt.
    created, template = create_or_adopt(
        lambda: mc.call(f"create job template {name}", client.create_job_template, **request)["JobTemplate"],
        lambda: get_template(client, name),
        "ConflictException",
    )
    return to_result(template, tags or {}) if created else None


def ensure_present(module, client):
    params = module.params
    name = params["name"]
    tags = mc.string_map("tags", params["tags"])
    desired = desired_fields(params)
    template = get_template(client, name)
    adopted = False
    if template is None:
        after = create(module, client, desired, tags)
    if template is None and after is None:
        template, adopted = get_template(client, name), True  # converged below; reported as created
    elif template is None:
        changed_fields = [option for option, api_key in FIELDS if api_key in desired]
        if tags:
            changed_fields.append("tags")
        settings_differences = ["."] if "Settings" in desired else []
        return present_result(
            "job_template",
            True,
            None,
            after,
            changed_fields=changed_fields,
            settings_differences=settings_differences,
        )

    if template.get("Type") == "SYSTEM":
        raise mc.MediaConvertError(f"Job template {name} is a system template; MediaConvert does not let it change.")
    current_tags = mc.get_tags(client, template["Arn"])
    before = to_result(template, current_tags)
    update = {}
    settings_differences = []
    for api_key, value in desired.items():
        differences = field_differs(api_key, value, template.get(api_key))
        if differences:
            update[api_key] = value
            if api_key == "Settings":
                settings_differences = differences
    if update:
        if module.check_mode:
            template = dict(template, LastUpdated=None, **update)
        else:
            response = mc.call(f"update job template {name}", client.update_job_template, Name=name, **update)
            template = response["JobTemplate"]
    tags_changed, final_tags = mc.ensure_tags(
        client, template["Arn"], current_tags, tags, purge=params["purge_tags"], check_mode=module.check_mode
    )
    changed_fields = [option_of(api_key) for api_key in update]
    if tags_changed:
        changed_fields.append("tags")
    return present_result(
        "job_template",
        bool(changed_fields) or adopted,
        None if adopted else before,
        to_result(template, final_tags),
        changed_fields=changed_fields,
        settings_differences=settings_differences,
    )


def ensure_absent(module, client):
    name = module.params["name"]
    template = get_template(client, name)
    if template is None:
        return {"changed": False}
    if template.get("Type") == "SYSTEM":
        raise mc.MediaConvertError(f"Job template {name} is a system template; MediaConvert does not let it change.")
    before = to_result(template, {})
    if not module.check_mode:
        deleted = mc.call_or_none(f"delete job template {name}", client.delete_job_template, Name=name)
        if deleted is None:
            return {"changed": False}
    return {"changed": True, "diff": {"before": before, "after": {}}}


def validate(module):
    """Checks made before any AWS client exists."""
    params = module.params
    if not params["name"]:
        module.fail_json(msg="name must not be empty")
    priorities = [("priority", params["priority"])]
    priorities += [("hop_destinations[].priority", hop.get("priority")) for hop in params["hop_destinations"] or []]
    for option, value in priorities:
        if value is not None and not mc.PRIORITY_MIN <= value <= mc.PRIORITY_MAX:
            module.fail_json(msg=f"{option} must be between {mc.PRIORITY_MIN} and {mc.PRIORITY_MAX}, got {value}")
    for hop in params["hop_destinations"] or []:
        if hop["wait_minutes"] < 1:
            module.fail_json(msg=f"hop_destinations[].wait_minutes must be at least 1, got {hop['wait_minutes']}")


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        category=dict(type="str"),
        queue=dict(type="str"),
        settings=dict(type="dict"),
        acceleration_settings=dict(
            type="dict",
            options=dict(mode=dict(type="str", required=True, choices=list(mc.ACCELERATION_MODES))),
        ),
        priority=dict(type="int"),
        status_update_interval=dict(type="str", choices=list(mc.STATUS_UPDATE_INTERVALS)),
        hop_destinations=dict(
            type="list",
            elements="dict",
            options=dict(
                queue=dict(type="str"),
                priority=dict(type="int"),
                wait_minutes=dict(type="int", required=True),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate(module)
    run_by_state(module, ensure_present, ensure_absent, mc.mediaconvert_client(module))


if __name__ == "__main__":
    main()
