# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared plumbing of the MediaConvert modules: client, errors, tags, the settings comparison and job polling.

MediaConvert is called on its regional endpoint (``mediaconvert.<region>.amazonaws.com``), the endpoint every
current SDK uses: ``DescribeEndpoints`` and account-specific endpoints are deprecated, so there is no endpoint
discovery here.

**Settings comparison.** ``GetJobTemplate`` may return more than was sent: values the service fills in with
its defaults, keys added by newer API versions, and ``null`` / empty lists where nothing was given. A job
template therefore counts as up to date when the *desired document is a subset of the current one that
matches* (:func:`settings_differences`):

- a dict matches when every key of the desired dict matches the same key of the current dict; keys only in
  the current dict are ignored;
- a missing or ``null`` current value counts as empty, so an empty desired dict (``{}``) matches any dict, a
  missing one or ``null`` (the service may fill in its defaults, as in ``M3u8Settings: {}``);
- a key whose desired value is ``null`` is not compared (and is not sent);
- an empty desired list or string (``[]``, ``""``) matches a current value that is missing, ``null`` or empty,
  and nothing else (so ``[]`` can demand that a list be empty);
- lists match element by element, in order, and must have the same length (the order of inputs, output
  groups and outputs is meaningful to MediaConvert);
- numbers match by value (``30`` matches ``30.0``); booleans match only booleans; strings match exactly.

A key that is removed from the desired document is therefore not noticed by itself; whenever an update is
sent for another reason, the whole desired document replaces the settings and the key is gone.
"""

import time
import uuid

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import apply_tags
from ansible_collections.storytime.video_infra.plugins.module_utils.common import string_map as common_string_map

NOT_FOUND_CODES = ["NotFoundException"]
# Job states after which a job never changes again.
FINISHED_STATUSES = ("COMPLETE", "ERROR", "CANCELED")
JOB_STATUSES = ("SUBMITTED", "PROGRESSING", "COMPLETE", "CANCELED", "ERROR")
STATUS_UPDATE_INTERVALS = (
    "SECONDS_10",
    "SECONDS_12",
    "SECONDS_15",
    "SECONDS_20",
    "SECONDS_30",
    "SECONDS_60",
    "SECONDS_120",
    "SECONDS_180",
    "SECONDS_240",
    "SECONDS_300",
    "SECONDS_360",
    "SECONDS_420",
    "SECONDS_480",
    "SECONDS_540",
    "SECONDS_600",
)
ACCELERATION_MODES = ("DISABLED", "ENABLED", "PREFERRED")
PRIORITY_MIN, PRIORITY_MAX = -50, 50
# ListJobs answers at most 20 jobs a page.
LIST_PAGE_MAX = 20
CLIENT_REQUEST_TOKEN_MAX = 64


class MediaConvertError(StorytimeError):
    """A failed MediaConvert call (``exception`` set) or a refused request (``exception`` None)."""


class JobWaitTimeout(MediaConvertError):
    """The job did not finish in time; ``job`` is the last state read."""

    def __init__(self, message, job):
        super().__init__(message)
        self.job = job


def mediaconvert_client(module):
    """MediaConvert client on the regional endpoint; its calls retry throttling when passed ``aws_retry=True``."""
    return module.client("mediaconvert", retry_decorator=AWSRetry.jittered_backoff())


class MediaConvertErrorHandler(StorytimeErrorHandler):
    """MediaConvert calls: MediaConvertError, and NotFoundException for a missing resource."""

    _CUSTOM_EXCEPTION = MediaConvertError
    MISSING_CODES = tuple(NOT_FOUND_CODES)


call = MediaConvertErrorHandler.call
call_or_none = MediaConvertErrorHandler.call_or_none


def iso(value):
    """A timestamp from botocore (datetime) as ISO 8601; anything else as it is."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def resource_name(value):
    """The name in a MediaConvert ARN (``arn:...:queues/<name>``, ``...:jobTemplates/<name>``), or ``value``."""
    if value and value.startswith("arn:") and "/" in value:
        return value.rsplit("/", 1)[1]
    return value


def same_resource(wanted, current):
    """Whether a queue or job template given by name or ARN is the one MediaConvert reports (name or ARN)."""
    if not wanted or not current:
        return not wanted and not current
    if wanted.startswith("arn:") and current.startswith("arn:"):
        return wanted == current
    return resource_name(wanted) == resource_name(current)


# ---------------------------------------------------------------------------------------------
# Tags (queues, job templates and presets are tagged by ARN; GetQueue / GetJobTemplate return no tags)


def get_tags(client, arn):
    response = call(f"list tags of {arn}", client.list_tags_for_resource, Arn=arn)
    return dict((response.get("ResourceTags") or {}).get("Tags") or {})


def ensure_tags(client, arn, current, desired, *, purge, check_mode):
    """Set/remove tags of a MediaConvert resource; returns ``(changed, final_tags)``. ``desired`` None: untouched."""
    return apply_tags(
        current,
        desired,
        purge=purge,
        check_mode=check_mode,
        untag=lambda keys: call(f"untag {arn}", client.untag_resource, Arn=arn, TagKeys=keys),
        tag=lambda tags: call(f"tag {arn}", client.tag_resource, Arn=arn, Tags=tags),
    )


def string_map(name, value):
    """A user-supplied map of strings (tags, user metadata) as MediaConvert takes it: numbers become strings."""
    return common_string_map(name, value, MediaConvertError)


# ---------------------------------------------------------------------------------------------
# Settings comparison (see the module docstring for the rule)


def _is_empty(value):
    return value is None or (isinstance(value, (str, list, dict)) and len(value) == 0)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def strip_nulls(value):
    """``value`` without the dict keys whose value is ``None`` (at any depth): what is sent to MediaConvert."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def settings_differences(desired, current, path=""):
    """Paths (``OutputGroups[0].Outputs[1].NameModifier``) where ``desired`` is not a matching subset of ``current``.

    An empty list means the two match."""
    if desired is None:
        return []
    if isinstance(desired, dict):
        if current is None:
            current = {}
        if not isinstance(current, dict):
            return [path or "."]
        differences = []
        for key, wanted in desired.items():
            child = f"{path}.{key}" if path else str(key)
            differences.extend(settings_differences(wanted, current.get(key), child))
        return differences
    if _is_empty(desired):
        return [] if _is_empty(current) else [path or "."]
    if isinstance(desired, list):
        if not isinstance(current, list) or len(current) != len(desired):
            return [path or "."]
        differences = []
        for index, (wanted, have) in enumerate(zip(desired, current, strict=True)):
            differences.extend(settings_differences(wanted, have, f"{path}[{index}]"))
        return differences
    if _is_number(desired) and _is_number(current):
        return [] if desired == current else [path or "."]
    if type(desired) is not type(current) or desired != current:
        return [path or "."]
    return []


def settings_match(desired, current):
    """Whether ``desired`` is a subset of ``current`` that matches (see :func:`settings_differences`)."""
    return not settings_differences(desired, current)


# ---------------------------------------------------------------------------------------------
# Jobs


def new_client_request_token():
    """A token for CreateJob, made once per task so that retried submissions cannot create a second job."""
    return str(uuid.uuid4())


def get_job(client, job_id):
    """The job with ``job_id``, or ``None`` when MediaConvert does not know it."""
    response = call_or_none(f"get job {job_id}", client.get_job, Id=job_id)
    return None if response is None else response["Job"]


def wait_for_job(client, job, timeout, delay):
    """Poll GetJob until ``job`` is COMPLETE, ERROR or CANCELED; returns the finished job.

    MediaConvert has no botocore waiter. Raises JobWaitTimeout (with the last job read) after ``timeout``
    seconds."""
    job_id = job["Id"]
    deadline = time.monotonic() + timeout
    while job.get("Status") not in FINISHED_STATUSES:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise JobWaitTimeout(
                f"Timed out after {timeout} seconds waiting for MediaConvert job {job_id} to finish; it is"
                f" {job.get('Status')}. The job keeps running: look it up with mediaconvert_job_info.",
                job,
            )
        time.sleep(min(delay, remaining))
        found = get_job(client, job_id)
        if found is None:
            raise MediaConvertError(f"MediaConvert job {job_id} disappeared while waiting for it")
        job = found
    return job


def list_jobs(client, *, queue=None, status=None, order=None, max_results=LIST_PAGE_MAX):
    """At most ``max_results`` jobs from ListJobs, following NextToken."""
    jobs = []
    request = {"MaxResults": min(LIST_PAGE_MAX, max_results)}
    request.update((key, value) for key, value in (("Queue", queue), ("Status", status), ("Order", order)) if value)
    for page in MediaConvertErrorHandler.pages("list jobs", client.list_jobs, request):
        jobs.extend(page.get("Jobs") or [])
        if len(jobs) >= max_results:
            break
        request["MaxResults"] = min(LIST_PAGE_MAX, max_results - len(jobs))
    return jobs[:max_results]


def job_to_result(job):
    """A Job from the API as the modules return it (snake_case; user metadata and tags keep their keys)."""
    timing = job.get("Timing") or {}
    messages = job.get("Messages") or {}
    return {
        "id": job.get("Id"),
        "arn": job.get("Arn"),
        "status": job.get("Status"),
        "current_phase": job.get("CurrentPhase"),
        "job_percent_complete": job.get("JobPercentComplete"),
        "error_code": job.get("ErrorCode"),
        "error_message": job.get("ErrorMessage"),
        "queue": job.get("Queue"),
        "job_template": job.get("JobTemplate"),
        "role": job.get("Role"),
        "priority": job.get("Priority"),
        "created_at": iso(job.get("CreatedAt")),
        "client_request_token": job.get("ClientRequestToken"),
        "user_metadata": dict(job.get("UserMetadata") or {}),
        "output_group_details": [camel_dict_to_snake_dict(d) for d in job.get("OutputGroupDetails") or []],
        "timing": {
            "submit_time": iso(timing.get("SubmitTime")),
            "start_time": iso(timing.get("StartTime")),
            "finish_time": iso(timing.get("FinishTime")),
        },
        "warnings": [camel_dict_to_snake_dict(w) for w in job.get("Warnings") or []],
        "messages": {"info": list(messages.get("Info") or []), "warning": list(messages.get("Warning") or [])},
    }
