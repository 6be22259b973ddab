#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mediaconvert_job
version_added: 0.1.0
short_description: Submit an AWS Elemental MediaConvert job and optionally wait for it
description:
  - Submits a transcoding job with C(CreateJob), from a job template (O(job_template)), from job settings
    (O(settings)), or from both (the settings then override the template's).
  - B(A job submission is not idempotent.) Every run submits a new job and reports C(changed=true). To make a
    retried task return the job of an earlier run instead of starting a second one, give the same
    O(client_request_token), because MediaConvert answers a token it saw within the last minute with the job
    of that earlier request.
  - In check mode nothing is submitted; the result predicts the job without an ID.
  - With O(wait=true) the module polls C(GetJob) every O(wait_delay) seconds until the job is C(COMPLETE),
    C(ERROR) or C(CANCELED) (MediaConvert has no botocore waiter), and fails when the job ended in C(ERROR) or
    C(CANCELED) unless O(fail_on_error=false).
  - MediaConvert is called on its regional endpoint. C(DescribeEndpoints) and account-specific endpoints are
    deprecated and are not used.
author:
  - Storytime infrastructure team (@storytime)
options:
  role:
    description:
      - ARN of the IAM role MediaConvert assumes to read the input and write the outputs.
      - The caller needs C(iam:PassRole) on this role (condition C(iam:PassedToService) =
        C(mediaconvert.amazonaws.com)).
    type: str
    required: true
  job_template:
    description: Job template to start from, by name or ARN.
    type: str
  settings:
    description:
      - The job settings document (C(JobSettings) of the MediaConvert API) in the API's PascalCase shape, as boto3
        takes it. Keys set to V(null) are dropped; everything else is passed unchanged.
      - A job template cannot name the input file, so in practice O(settings) holds at least
        C(Inputs[].FileInput) (an C(s3://) URL), also when O(job_template) is set.
      - At least one of O(job_template) and O(settings) is required.
    type: dict
  queue:
    description:
      - Queue to submit to, by name or ARN. When not set, the job template's queue, or else the C(Default) queue.
    type: str
  priority:
    description: Priority of the job in its queue, from -50 to 50. When not set, the job template's (or 0).
    type: int
  status_update_interval:
    description: How often MediaConvert sends status updates to EventBridge while the job runs.
    type: str
    choices: [SECONDS_10, SECONDS_12, SECONDS_15, SECONDS_20, SECONDS_30, SECONDS_60, SECONDS_120, SECONDS_180,
              SECONDS_240, SECONDS_300, SECONDS_360, SECONDS_420, SECONDS_480, SECONDS_540, SECONDS_600]
  user_metadata:
    description:
      - Key/value pairs kept with the job and sent in its EventBridge events, for example the ID of the book the
        job belongs to. Numbers are sent as strings.
    type: dict
  tags:
    description:
      - Tags of the job (for cost allocation). A job is never updated, so there is no C(purge_tags).
    type: dict
    aliases: [resource_tags]
  client_request_token:
    description:
      - Idempotency token of the submission, up to 64 ASCII characters. A request with a token MediaConvert saw
        in the last minute returns the job of that request instead of creating another.
      - When not set, the module makes one per task, so retries of the submission inside one task (after
        throttling, for example) never create two jobs.
    type: str
  wait:
    description: Wait until the job has finished (V(COMPLETE), V(ERROR) or V(CANCELED)).
    type: bool
    default: false
  wait_timeout:
    description:
      - How long to wait, in seconds. When it runs out the module fails and the job keeps running; the result
        still holds the job, for M(storytime.video_infra.mediaconvert_job_info).
    type: int
    default: 1800
  wait_delay:
    description: Seconds between two C(GetJob) calls while waiting.
    type: int
    default: 15
  fail_on_error:
    description:
      - With O(wait=true), fail when the job ended in V(ERROR) or V(CANCELED). The failure message holds the
        job's error code and message, and the result holds the job.
      - With V(false), the module succeeds and the caller inspects RV(job.status).
    type: bool
    default: true
notes:
  - Only the submission is covered. Jobs cannot be changed after submission; cancelling a job is not offered.
seealso:
  - name: Creating MediaConvert jobs
    description: Job settings, templates and the input file.
    link: https://docs.aws.amazon.com/mediaconvert/latest/ug/creating-a-job.html
  - name: Idempotency in the MediaConvert API
    description: How the client request token works.
    link: https://docs.aws.amazon.com/mediaconvert/latest/apireference/idempotency.html
  - module: storytime.video_infra.mediaconvert_job_template
  - module: storytime.video_infra.mediaconvert_job_info
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Transcode one master into HLS with the environment's template and wait for it
  storytime.video_infra.mediaconvert_job:
    role: "{{ mediaconvert_role_arn }}"
    job_template: storytime-dev-hls
    settings:
      Inputs:
        - FileInput: s3://storytime-master-uploads-dev/books/42/master.mp4
      OutputGroups:
        - OutputGroupSettings:
            Type: HLS_GROUP_SETTINGS
            HlsGroupSettings:
              Destination: s3://storytime-hls-outputs-dev/books/42/
    user_metadata:
      book_id: 42
    wait: true
    wait_timeout: 900
  register: transcode

- name: Submit without waiting; a rerun within a minute returns the same job
  storytime.video_infra.mediaconvert_job:
    role: "{{ mediaconvert_role_arn }}"
    job_template: storytime-dev-hls
    settings:
      Inputs:
        - FileInput: s3://storytime-master-uploads-dev/books/43/master.mp4
    client_request_token: book-43-{{ lookup('ansible.builtin.pipe', 'date +%Y%m%d%H%M') }}

- name: Let a failed job be handled by the play
  storytime.video_infra.mediaconvert_job:
    role: "{{ mediaconvert_role_arn }}"
    settings: "{{ lookup('ansible.builtin.file', 'job-settings.json') | from_json }}"
    wait: true
    fail_on_error: false
  register: attempt
"""

RETURN = r"""
job:
  description: The job as MediaConvert reports it after submission, or when O(wait=true) after it finished.
  returned: always
  type: complex
  contains:
    id:
      description: Job ID. V(null) in check mode.
      type: str
      returned: always
      sample: 1706700000000-abc123
    arn:
      description: Job ARN. V(null) in check mode.
      type: str
      returned: always
      sample: arn:aws:mediaconvert:eu-west-1:123456789012:jobs/1706700000000-abc123
    status:
      description: V(SUBMITTED), V(PROGRESSING), V(COMPLETE), V(CANCELED) or V(ERROR). V(null) in check mode.
      type: str
      returned: always
      sample: COMPLETE
    current_phase:
      description: V(PROBING), V(TRANSCODING) or V(UPLOADING) while the job runs.
      type: str
      returned: always
      sample: TRANSCODING
    job_percent_complete:
      description: Progress while the job is transcoding, in percent.
      type: int
      returned: always
      sample: 42
    error_code:
      description: MediaConvert error code when the job ended in V(ERROR).
      type: int
      returned: always
      sample: 1030
    error_message:
      description: Error message when the job ended in V(ERROR).
      type: str
      returned: always
      sample: "Unable to open input file [s3://storytime-master-uploads-dev/books/42/master.mp4]"
    queue:
      description: ARN of the queue of the job.
      type: str
      returned: always
      sample: arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default
    job_template:
      description: Job template the job was created from.
      type: str
      returned: always
      sample: storytime-dev-hls
    role:
      description: IAM role of the job.
      type: str
      returned: always
      sample: arn:aws:iam::123456789012:role/storytime-dev-mediaconvert
    priority:
      description: Priority of the job.
      type: int
      returned: always
      sample: 0
    created_at:
      description: When the job was created, ISO 8601.
      type: str
      returned: always
      sample: "2025-01-31T10:15:42+00:00"
    client_request_token:
      description: Idempotency token of the submission.
      type: str
      returned: always
      sample: 6b1f4d4e-2a55-4c1e-9a1e-0d6d3b5f5c10
    user_metadata:
      description: User metadata of the job.
      type: dict
      returned: always
      sample: {"book_id": "42"}
    output_group_details:
      description: Per output group, the details of each output (duration, video size), once the job is complete.
      type: list
      elements: dict
      returned: always
      sample: [{"output_details": [{"duration_in_ms": 61000, "video_details": {"height_in_px": 720,
               "width_in_px": 1280}}]}]
    timing:
      description: Submit, start and finish time, ISO 8601 (V(null) until they happened).
      type: dict
      returned: always
      sample: {"submit_time": "2025-01-31T10:15:42+00:00", "start_time": "2025-01-31T10:15:50+00:00",
               "finish_time": "2025-01-31T10:17:02+00:00"}
    warnings:
      description: Warning codes MediaConvert raised for the job, with their counts.
      type: list
      elements: dict
      returned: always
      sample: [{"code": 230001, "count": 1}]
    messages:
      description: Informational and warning messages of the job.
      type: dict
      returned: always
      sample: {"info": [], "warning": []}
"""

from ansible_collections.storytime.video_infra.plugins.module_utils import mediaconvert as mc
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError


def build_request(params):
    """The CreateJob request; ``Settings`` is required by the API even when a job template gives everything."""
    request = {
        "Role": params["role"],
        "Settings": mc.strip_nulls(params["settings"] or {}),
        "ClientRequestToken": params["client_request_token"] or mc.new_client_request_token(),
    }
    for option, api_key in (
        ("job_template", "JobTemplate"),
        ("queue", "Queue"),
        ("priority", "Priority"),
        ("status_update_interval", "StatusUpdateInterval"),
    ):
        if params[option] is not None:
            request[api_key] = params[option]
    user_metadata = mc.string_map("user_metadata", params["user_metadata"])
    if user_metadata:
        request["UserMetadata"] = user_metadata
    tags = mc.string_map("tags", params["tags"])
    if tags:
        request["Tags"] = tags
    return request


def predicted_job(request):
    """What check mode reports: the job as it would be submitted, without ID, ARN or status."""
    return {key: value for key, value in request.items() if key not in ("Settings", "Tags")}


def failure_message(job):
    job_id = job.get("Id")
    if job.get("Status") == "CANCELED":
        return f"MediaConvert job {job_id} was canceled"
    return f"MediaConvert job {job_id} failed with error {job.get('ErrorCode')}: {job.get('ErrorMessage')}"


def submit(module, client):
    params = module.params
    request = build_request(params)
    if module.check_mode:
        module.exit_json(changed=True, job=mc.job_to_result(predicted_job(request)))
    job = mc.call("create MediaConvert job", client.create_job, **request)["Job"]
    if params["wait"]:
        try:
            job = mc.wait_for_job(client, job, params["wait_timeout"], params["wait_delay"])
        except mc.JobWaitTimeout as e:
            module.fail_json(msg=e.message, changed=True, job=mc.job_to_result(e.job))
        except mc.MediaConvertError as e:
            # The job exists: report it with the failure so that it can be found.
            message = f"{e.message} (job {job['Id']} was submitted)"
            if e.exception is not None:
                module.fail_json_aws(e.exception, msg=message, changed=True, job=mc.job_to_result(job))
            module.fail_json(msg=message, changed=True, job=mc.job_to_result(job))
    result = {"changed": True, "job": mc.job_to_result(job)}
    if job.get("Status") in ("ERROR", "CANCELED") and params["fail_on_error"]:
        module.fail_json(msg=failure_message(job), **result)
    module.exit_json(**result)


def validate(module):
    """Checks made before any AWS client exists."""
    params = module.params
    if params["job_template"] is None and params["settings"] is None:
        module.fail_json(msg="one of job_template and settings is required")
    role = params["role"] or ""
    if not (role.startswith("arn:") and ":role/" in role):
        module.fail_json(msg=f"role must be the ARN of an IAM role, got {role!r}")
    if params["priority"] is not None and not mc.PRIORITY_MIN <= params["priority"] <= mc.PRIORITY_MAX:
        module.fail_json(msg=f"priority must be between {mc.PRIORITY_MIN} and {mc.PRIORITY_MAX}")
    token = params["client_request_token"]
    if token is not None and (not token or len(token) > mc.CLIENT_REQUEST_TOKEN_MAX or not token.isascii()):
        module.fail_json(msg=f"client_request_token must be 1 to {mc.CLIENT_REQUEST_TOKEN_MAX} ASCII characters")
    for option in ("wait_timeout", "wait_delay"):
        if params[option] < 1:
            module.fail_json(msg=f"{option} must be at least 1 second")


def main():
    argument_spec = dict(
        role=dict(type="str", required=True),
        job_template=dict(type="str"),
        settings=dict(type="dict"),
        queue=dict(type="str"),
        priority=dict(type="int"),
        status_update_interval=dict(type="str", choices=list(mc.STATUS_UPDATE_INTERVALS)),
        user_metadata=dict(type="dict"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        client_request_token=dict(type="str", no_log=False),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=1800),
        wait_delay=dict(type="int", default=15),
        fail_on_error=dict(type="bool", default=True),
    )
    module = StorytimeAWSModule(
        argument_spec=argument_spec,
        required_one_of=[("job_template", "settings")],
        supports_check_mode=True,
    )
    validate(module)
    try:
        submit(module, mc.mediaconvert_client(module))
    except StorytimeError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
