#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mediaconvert_job_info
version_added: 0.1.0
short_description: Get one AWS Elemental MediaConvert job, or list jobs
description:
  - With O(id), returns that job (C(GetJob)); an unknown ID gives an empty list, not a failure.
  - Without O(id), lists jobs (C(ListJobs)), optionally of one O(queue) and one O(status), newest first by
    default, following the pages until O(max_results) jobs are found or there are no more.
  - MediaConvert keeps jobs for 90 days.
  - MediaConvert is called on its regional endpoint. C(DescribeEndpoints) and account-specific endpoints are
    deprecated and are not used.
author:
  - Storytime infrastructure team (@storytime)
options:
  id:
    description: ID of the job to get.
    type: str
    aliases: [job_id]
  queue:
    description: List only the jobs of this queue (name or ARN).
    type: str
  status:
    description: List only the jobs with this status.
    type: str
    choices: [SUBMITTED, PROGRESSING, COMPLETE, CANCELED, ERROR]
  order:
    description: Order of the list by submission time; V(DESCENDING) is newest first.
    type: str
    choices: [ASCENDING, DESCENDING]
    default: DESCENDING
  max_results:
    description: Most jobs to return. MediaConvert answers 20 jobs a page; the module asks for more pages as needed.
    type: int
    default: 20
seealso:
  - module: storytime.video_infra.mediaconvert_job
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Look at the job a playbook submitted
  storytime.video_infra.mediaconvert_job_info:
    id: "{{ transcode.job.id }}"
  register: job_info

- name: The job finished
  ansible.builtin.assert:
    that:
      - job_info.jobs | length == 1
      - job_info.jobs[0].status == "COMPLETE"

- name: The 50 most recent failed jobs of the HLS queue
  storytime.video_infra.mediaconvert_job_info:
    queue: storytime-dev-hls
    status: ERROR
    max_results: 50
  register: failed_jobs
"""

RETURN = r"""
jobs:
  description: The jobs found; with O(id), the job or an empty list.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Job ID.
      type: str
      sample: 1706700000000-abc123
    arn:
      description: Job ARN.
      type: str
      sample: arn:aws:mediaconvert:eu-west-1:123456789012:jobs/1706700000000-abc123
    status:
      description: V(SUBMITTED), V(PROGRESSING), V(COMPLETE), V(CANCELED) or V(ERROR).
      type: str
      sample: COMPLETE
    current_phase:
      description: V(PROBING), V(TRANSCODING) or V(UPLOADING) while the job runs.
      type: str
      sample: TRANSCODING
    job_percent_complete:
      description: Progress while the job is transcoding, in percent.
      type: int
      sample: 42
    error_code:
      description: MediaConvert error code when the job ended in V(ERROR).
      type: int
      sample: 1030
    error_message:
      description: Error message when the job ended in V(ERROR).
      type: str
      sample: "Unable to open input file [s3://storytime-master-uploads-dev/books/42/master.mp4]"
    queue:
      description: ARN of the queue of the job.
      type: str
      sample: arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default
    job_template:
      description: Job template the job was created from.
      type: str
      sample: storytime-dev-hls
    role:
      description: IAM role of the job.
      type: str
      sample: arn:aws:iam::123456789012:role/storytime-dev-mediaconvert
    priority:
      description: Priority of the job.
      type: int
      sample: 0
    created_at:
      description: When the job was created, ISO 8601.
      type: str
      sample: "2025-01-31T10:15:42+00:00"
    client_request_token:
      description: Idempotency token of the submission.
      type: str
      sample: 6b1f4d4e-2a55-4c1e-9a1e-0d6d3b5f5c10
    user_metadata:
      description: User metadata of the job.
      type: dict
      sample: {"book_id": "42"}
    output_group_details:
      description: Per output group, the details of each output (duration, video size), once the job is complete.
      type: list
      elements: dict
      sample: [{"output_details": [{"duration_in_ms": 61000, "video_details": {"height_in_px": 720,
               "width_in_px": 1280}}]}]
    timing:
      description: Submit, start and finish time, ISO 8601 (V(null) until they happened).
      type: dict
      sample: {"submit_time": "2025-01-31T10:15:42+00:00", "start_time": "2025-01-31T10:15:50+00:00",
               "finish_time": "2025-01-31T10:17:02+00:00"}
    warnings:
      description: Warning codes MediaConvert raised for the job, with their counts.
      type: list
      elements: dict
      sample: [{"code": 230001, "count": 1}]
    messages:
      description: Informational and warning messages of the job.
      type: dict
      sample: {"info": [], "warning": []}
"""

from ansible_collections.storytime.video_infra.plugins.module_utils import mediaconvert as mc
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError


def find_jobs(module, client):
    params = module.params
    if params["id"]:
        job = mc.get_job(client, params["id"])
        return [] if job is None else [job]
    return mc.list_jobs(
        client,
        queue=params["queue"],
        status=params["status"],
        order=params["order"],
        max_results=params["max_results"],
    )


def main():
    argument_spec = dict(
        id=dict(type="str", aliases=["job_id"]),
        queue=dict(type="str"),
        status=dict(type="str", choices=list(mc.JOB_STATUSES)),
        order=dict(type="str", default="DESCENDING", choices=["ASCENDING", "DESCENDING"]),
        max_results=dict(type="int", default=20),
    )
    module = StorytimeAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("id", "queue"), ("id", "status")],
        supports_check_mode=True,
    )
    if module.params["max_results"] < 1:
        module.fail_json(msg="max_results must be at least 1")
    try:
        jobs = find_jobs(module, mc.mediaconvert_client(module))
    except StorytimeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, jobs=[mc.job_to_result(job) for job in jobs])


if __name__ == "__main__":
    main()
