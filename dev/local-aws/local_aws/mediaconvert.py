"""AWS Elemental MediaConvert as the API reference documents it; moto 5.2.5 has no MediaConvert at all.

What this emulates
==================
* Queues (``Create/Get/Update/Delete/ListQueues``), with the account's system queue ``Default``;
  job templates (``Create/Get/Update/Delete/ListJobTemplates``); jobs (``CreateJob``, ``GetJob``,
  ``ListJobs``, ``CancelJob``); ``TagResource``/``UntagResource``/``ListTagsForResource``;
  ``DescribeEndpoints`` (deprecated, answers this server's URL); ``Probe`` (container and tracks of an ``s3://``
  file, read with the caller's own identity).
* Jobs really transcode: a worker thread takes a ``SUBMITTED`` job when its queue is ``ACTIVE``, moves it
  to ``PROGRESSING`` and runs :func:`local_aws.mediaconvert_engine.transcode` (input from moto's S3,
  ffmpeg, HLS output into moto's S3), then ``COMPLETE`` or ``ERROR`` (``ErrorCode``/``ErrorMessage``).
* Job state changes (``PROGRESSING``, ``COMPLETE``, ``ERROR``, ``CANCELED``) are put on moto's default
  EventBridge bus in-process, as ``aws.mediaconvert`` / ``MediaConvert Job State Change`` events with the
  ``detail`` the MediaConvert User Guide documents, so rules deliver them to their targets (SQS, ...).
* MediaConvert is a principal holding only what the job's role grants: when a job starts, it assumes the
  ``Role`` through moto's STS as ``mediaconvert.amazonaws.com`` (the trust policy is evaluated with its
  conditions, ``aws:SourceAccount`` = the job's account, ``aws:SourceArn`` = the job's queue ARN), and reads the
  input and writes every output as that session, authorized by the bucket policy, Block Public Access and the
  role's policies. A role that is missing (1433) or does not trust MediaConvert (1434), a denied read (1010) or
  write (1401) ends the job in ``ERROR``.

How
===
:class:`MediaConvertExtension` claims the requests signed for ``mediaconvert`` (SigV4 credential scope)
whose path is under ``/2017-08-29/``. :class:`local_aws.restjson.RestJsonService` routes, parses,
validates and serializes them from botocore's service model. Every error code is one the model lists for
the operation, sent with the model's HTTP status. State lives in a :class:`MediaConvertStore` per
account and Region, emptied (workers stopped, ffmpeg killed) by :meth:`MediaConvertExtension.reset`.
"""

from __future__ import annotations

import copy
import logging
import random
import re
import string
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Response

from local_aws import mediaconvert_engine as engine
from local_aws import s3_policy
from local_aws.restjson import RestJsonService
from local_aws.restjson import ServiceError
from local_aws.restjson import bad_request

log = logging.getLogger(__name__)

API_VERSION = "2017-08-29"
API_PREFIX = f"/{API_VERSION}/"

#: ``Credential=AKID/20240101/eu-west-1/mediaconvert/aws4_request``
_MEDIACONVERT_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/mediaconvert/aws4_request")

DEFAULT_QUEUE = "Default"
EVENT_SOURCE = "aws.mediaconvert"
EVENT_DETAIL_TYPE = "MediaConvert Job State Change"
SERVICE_PRINCIPAL = "mediaconvert.amazonaws.com"
#: Lifetime of the STS session a job runs with (AssumeRole's default, one hour).
SESSION_SECONDS = 3600
#: "Retrieve a JSON array of up to twenty ..." (ListJobs, ListQueues, ListJobTemplates).
MAX_PAGE = 20
#: CreateJob: "If you reuse a client request token within one minute ... returns the original job".
IDEMPOTENCY_WINDOW = 60.0
#: How long :meth:`MediaConvertStore.reset` waits for a worker thread to notice it was canceled.
WORKER_JOIN_TIMEOUT = 5.0

_ROLE_ARN = re.compile(r"^arn:(?P<partition>aws[\w-]*):iam::(?P<account>\d{12}):role/(?P<name>.+)$")


def _now() -> datetime:
    return datetime.now(UTC)


def not_found(message: str) -> ServiceError:
    """``NotFoundException`` (404)."""
    return ServiceError("NotFoundException", message)


def conflict(message: str) -> ServiceError:
    """``ConflictException`` (409)."""
    return ServiceError("ConflictException", message)


def partition_of(region: str) -> str:
    """The ARN partition of a Region (moto's own mapping)."""
    from moto.utilities.utils import get_partition  # noqa: PLC0415

    return str(get_partition(region))


# --------------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------------


@dataclass
class Queue:
    """A queue; ``Default`` is the account's ``SYSTEM`` queue."""

    name: str
    arn: str
    created: datetime
    updated: datetime
    type: str = "CUSTOM"
    description: str | None = None
    status: str = "ACTIVE"
    pricing_plan: str = "ON_DEMAND"
    concurrent_jobs: int | None = None
    reservation_plan: dict[str, Any] | None = None

    def to_api(self, submitted: int, progressing: int) -> dict[str, Any]:
        """The ``Queue`` shape."""
        return {
            "Arn": self.arn,
            "CreatedAt": self.created,
            "LastUpdated": self.updated,
            "Name": self.name,
            "Description": self.description,
            "Type": self.type,
            "Status": self.status,
            "PricingPlan": self.pricing_plan,
            "ConcurrentJobs": self.concurrent_jobs,
            "ReservationPlan": self.reservation_plan,
            "SubmittedJobsCount": submitted,
            "ProgressingJobsCount": progressing,
        }


@dataclass
class JobTemplate:
    """A custom job template."""

    name: str
    arn: str
    created: datetime
    updated: datetime
    settings: dict[str, Any]
    queue_arn: str
    description: str | None = None
    category: str | None = None
    priority: int = 0
    status_update_interval: str = "SECONDS_60"
    acceleration_settings: dict[str, Any] | None = None
    hop_destinations: list[dict[str, Any]] | None = None

    def to_api(self) -> dict[str, Any]:
        """The ``JobTemplate`` shape."""
        return {
            "Arn": self.arn,
            "Name": self.name,
            "CreatedAt": self.created,
            "LastUpdated": self.updated,
            "Description": self.description,
            "Category": self.category,
            "Queue": self.queue_arn,
            "Priority": self.priority,
            "StatusUpdateInterval": self.status_update_interval,
            "AccelerationSettings": self.acceleration_settings or {"Mode": "DISABLED"},
            "HopDestinations": self.hop_destinations,
            "Settings": self.settings,
            "Type": "CUSTOM",
        }


@dataclass(eq=False)
class Job:
    """A job and the runtime state of its worker (compared and hashed by identity)."""

    id: str
    arn: str
    account_id: str
    region: str
    created: datetime
    role: str
    settings: dict[str, Any]
    queue_arn: str
    queue_name: str
    user_metadata: dict[str, str]
    request: dict[str, Any]  # the other CreateJob members, echoed back
    template_arn: str | None = None
    priority: int = 0
    status: str = "SUBMITTED"
    start_time: datetime | None = None
    finish_time: datetime | None = None
    current_phase: str | None = None
    percent_complete: int | None = None
    error_code: int | None = None
    error_message: str | None = None
    output_group_details: list[dict[str, Any]] | None = None
    canceled: threading.Event = field(default_factory=threading.Event)
    process: subprocess.Popen[str] | None = None
    thread: threading.Thread | None = None

    @property
    def partition(self) -> str:
        """ARN partition of the job's Region."""
        return partition_of(self.region)

    def to_api(self) -> dict[str, Any]:
        """The ``Job`` shape."""
        timing: dict[str, Any] = {"SubmitTime": self.created}
        if self.start_time:
            timing["StartTime"] = self.start_time
        if self.finish_time:
            timing["FinishTime"] = self.finish_time
        job = {
            **self.request,
            "Arn": self.arn,
            "Id": self.id,
            "CreatedAt": self.created,
            "Role": self.role,
            "Settings": self.settings,
            "Queue": self.queue_arn,
            "JobTemplate": self.template_arn,
            "Priority": self.priority,
            "Status": self.status,
            "Timing": timing,
            "UserMetadata": self.user_metadata,
            "AccelerationStatus": self.request.get("AccelerationStatus", "NOT_APPLICABLE"),
            "Messages": {"Info": [], "Warning": []},
            "RetryCount": 0,
        }
        if self.status == "PROGRESSING":
            job["CurrentPhase"] = self.current_phase
            job["JobPercentComplete"] = self.percent_complete
        if self.status == "ERROR":
            job["ErrorCode"] = self.error_code
            job["ErrorMessage"] = self.error_message
        if self.output_group_details is not None:
            job["OutputGroupDetails"] = self.output_group_details
        return job


@dataclass
class AccountRegion:
    """The MediaConvert resources of one account in one Region."""

    account_id: str
    region: str
    queues: dict[str, Queue] = field(default_factory=dict)
    templates: dict[str, JobTemplate] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)

    def arn(self, kind: str, name: str) -> str:
        """``arn:aws:mediaconvert:<region>:<account>:<kind>/<name>``."""
        return f"arn:{partition_of(self.region)}:mediaconvert:{self.region}:{self.account_id}:{kind}/{name}"


class MediaConvertStore:
    """Every account/Region's resources, the job scheduler and its workers (one lock for all)."""

    def __init__(self, workers: int | None = None) -> None:
        """Empty store; ``workers`` jobs may transcode at once (see :func:`engine.default_worker_count`)."""
        self.lock = threading.RLock()
        self.workers = workers or engine.default_worker_count()
        self._states: dict[tuple[str, str], AccountRegion] = {}
        self._running: set[Job] = set()

    def state(self, account_id: str, region: str) -> AccountRegion:
        """The resources of an account in a Region (its ``Default`` queue exists from the first call)."""
        with self.lock:
            key = (account_id, region)
            if key not in self._states:
                state = AccountRegion(account_id, region)
                now = _now()
                state.queues[DEFAULT_QUEUE] = Queue(
                    DEFAULT_QUEUE, state.arn("queues", DEFAULT_QUEUE), now, now, type="SYSTEM"
                )
                self._states[key] = state
            return self._states[key]

    def snapshot(self) -> dict[tuple[str, str], AccountRegion]:
        """A deep copy of every account/Region's resources; refused while a job runs (a worker cannot be copied)."""
        with self.lock:
            if self._running:
                raise RuntimeError(f"{len(self._running)} MediaConvert job(s) still running: wait for them first")
            return copy.deepcopy(self._states)

    def restore(self, states: dict[tuple[str, str], AccountRegion]) -> None:
        """Replace every account/Region's resources with a deep copy of ``states`` (from :meth:`snapshot`)."""
        with self.lock:
            self._states = copy.deepcopy(states)

    def all_states(self) -> list[AccountRegion]:
        """Every account/Region seen so far."""
        with self.lock:
            return list(self._states.values())

    def reset(self) -> None:
        """Cancel and join every worker (ffmpeg is killed), then forget everything."""
        with self.lock:
            jobs = [job for state in self._states.values() for job in state.jobs.values()]
            for job in jobs:
                job.canceled.set()
                _kill(job.process)
            self._states = {}
            self._running = set()
        for job in jobs:
            if job.thread is not None and job.thread is not threading.current_thread():
                job.thread.join(WORKER_JOIN_TIMEOUT)

    # ------------------------------------------------------------------------------------------
    # scheduling
    # ------------------------------------------------------------------------------------------

    def schedule(self) -> None:
        """Start the next jobs: ACTIVE queues, queue ``ConcurrentJobs``, then priority and age."""
        with self.lock:
            while len(self._running) < self.workers:
                job = self._next_job()
                if job is None:
                    return
                job.status = "PROGRESSING"  # claimed; the worker announces it
                job.start_time = _now()
                job.current_phase = "PROBING"
                job.percent_complete = 0
                self._running.add(job)
                job.thread = threading.Thread(
                    target=self._work, args=(job,), name=f"mediaconvert-{job.id}", daemon=True
                )
                job.thread.start()

    def _next_job(self) -> Job | None:
        candidates: list[Job] = []
        for state in self._states.values():
            for job in state.jobs.values():
                if job.status != "SUBMITTED":
                    continue
                queue = state.queues.get(job.queue_name)
                if queue is None or queue.status != "ACTIVE":
                    continue
                if queue.concurrent_jobs is not None:
                    busy = sum(1 for other in self._running if other.queue_arn == job.queue_arn)
                    if busy >= queue.concurrent_jobs:
                        continue
                candidates.append(job)
        if not candidates:
            return None
        return min(candidates, key=lambda job: (-job.priority, job.created, job.id))

    def _work(self, job: Job) -> None:
        if not job.canceled.is_set():
            publish_event(job, "PROGRESSING")

        def set_progress(phase: str, percent: int | None) -> None:
            with self.lock:
                job.current_phase = phase
                job.percent_complete = percent

        def set_process(process: subprocess.Popen[str] | None) -> None:
            with self.lock:
                job.process = process
                if process is not None and job.canceled.is_set():
                    _kill(process)

        ctx = engine.JobContext(
            job.account_id, job.partition, job.canceled, set_progress, set_process, region=job.region
        )
        outcome: str
        extra: dict[str, Any] = {}
        result: engine.TranscodeResult | None = None
        try:
            ctx.principal = assume_job_role(job)
            acceleration = (job.request.get("AccelerationSettings") or {}).get("Mode", "DISABLED")
            if acceleration == "ENABLED":
                raise engine.JobError(
                    engine.ACCELERATION_ERROR,
                    "Accelerated transcoding is not emulated by local_aws; use mode PREFERRED or DISABLED",
                )
            result = engine.transcode(job.settings, ctx)
            outcome = "COMPLETE"
            extra["outputGroupDetails"] = result.event_output_group_details
        except engine.JobCanceled:
            outcome = "CANCELED"
        except engine.JobError as error:
            outcome = "ERROR"
            extra = {"errorCode": error.code, "errorMessage": error.message}
        except Exception as exc:  # a bug here must not leave the job PROGRESSING forever
            log.exception("MediaConvert job %s failed", job.id)
            outcome = "ERROR"
            extra = {"errorCode": engine.UNKNOWN_ERROR, "errorMessage": f"Unknown error: {exc}"}
        with self.lock:
            self._running.discard(job)
            publish = not job.canceled.is_set()
            if publish:
                job.status = outcome
                job.finish_time = _now()
                job.current_phase = None
                job.percent_complete = None
                if result is not None:
                    job.output_group_details = result.output_group_details
                elif outcome == "ERROR":
                    job.error_code = extra["errorCode"]
                    job.error_message = extra["errorMessage"]
        if publish:
            publish_event(job, outcome, extra)
        self.schedule()


def _kill(process: subprocess.Popen[str] | None) -> None:
    if process is not None and process.poll() is None:
        process.kill()


# --------------------------------------------------------------------------------------------------
# EventBridge and IAM (moto's backends, in-process)
# --------------------------------------------------------------------------------------------------


def job_event_detail(job: Job, status: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``detail`` of a "MediaConvert Job State Change" event (MediaConvert User Guide, EventBridge).

    Every status carries ``timestamp`` (epoch milliseconds), ``accountId``, ``queue`` (ARN), ``jobId``,
    ``status`` and ``userMetadata``; ``COMPLETE`` adds ``outputGroupDetails``, ``ERROR`` ``errorCode``
    (a number) and ``errorMessage`` (``extra``).
    """
    return {
        "timestamp": int(time.time() * 1000),
        "accountId": job.account_id,
        "queue": job.queue_arn,
        "jobId": job.id,
        "status": status,
        "userMetadata": job.user_metadata,
        **(extra or {}),
    }


def job_event(job: Job, status: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole event as EventBridge delivers it: the envelope of every AWS service event and the detail.

    ``version`` "0", ``id`` (a version 4 UUID), ``detail-type``, ``source``, ``account`` (the job's 12-digit
    account), ``time`` (ISO 8601 UTC, whole seconds, ``Z``), ``region``, ``resources`` (the job ARN), ``detail``.
    """
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": EVENT_DETAIL_TYPE,
        "source": EVENT_SOURCE,
        "account": job.account_id,
        "time": _now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": job.region,
        "resources": [job.arn],
        "detail": job_event_detail(job, status, extra),
    }


def publish_event(job: Job, status: str, extra: dict[str, Any] | None = None) -> None:
    """Deliver a job state change to the targets of the matching rules on moto's default event bus.

    moto's ``PutEvents`` renders what it delivers through a default input template that drops ``account``,
    so the event (:func:`job_event`) is handed to each matching rule with
    ``transform_input=False``: a target without an ``InputTransformer`` receives it exactly; a target with
    one gets moto's transformation of it. Disabled rules deliver nothing.
    """
    from moto.events.models import events_backends  # noqa: PLC0415

    event = job_event(job, status, extra)
    # moto's SQS and CloudWatch Logs delivery turns an epoch ``time`` into the ISO 8601 form itself.
    delivered = {**event, "time": int(datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%S%z").timestamp())}
    try:
        bus = events_backends[job.account_id][job.region].describe_event_bus("default")
        for rule in list(bus.rules.values()):
            if str(getattr(rule, "state", "ENABLED")).upper() != "ENABLED":
                continue
            for target in list(rule.targets):
                single = copy.copy(rule)
                single.targets = [target]
                if target.get("InputTransformer"):
                    single.send_to_targets({**delivered, "ingestion-time": time.time()}, transform_input=True)
                else:
                    single.send_to_targets(copy.deepcopy(delivered), transform_input=False)
    except Exception:  # a broken target must not break the job
        log.exception("could not deliver the %s event of MediaConvert job %s", status, job.id)


def check_role(role: str, account_id: str) -> None:
    """``BadRequestException`` unless ``role`` is syntactically a role ARN of this account.

    Whether the role exists and trusts MediaConvert is only known when MediaConvert assumes it, as the job runs
    (:func:`assume_job_role`): the user guide's "Error codes" page documents those as job errors (1433, 1434).
    """
    match = _ROLE_ARN.match(role)
    if match is None:
        raise bad_request(f"/role: The role [{role}] is not a valid IAM role ARN")
    if match["account"] != account_id:
        raise bad_request(f"Unable to assume role [{role}]: the role must belong to account [{account_id}]")


def assume_role_context(job: Job) -> s3_policy.RequestContext:
    """The request MediaConvert makes to STS for ``job``: the service principal, with the confused-deputy keys.

    The MediaConvert user guide, "Cross-service confused deputy prevention": ``aws:SourceAccount`` is the job's
    account and "The value of ``aws:SourceArn`` must be the ARN of the MediaConvert queue" (the job's queue).
    """
    caller = s3_policy.Caller(account_id=job.account_id, service=SERVICE_PRINCIPAL, kind="service")
    values = {
        "aws:SourceAccount": job.account_id,
        "aws:SourceArn": job.queue_arn,
        "aws:SecureTransport": "true",
        "aws:RequestedRegion": job.region,
    }
    return s3_policy.RequestContext(caller=caller, values=values)


def assume_job_role(job: Job) -> s3_policy.Caller:
    """Assume the job's role through moto's STS as ``mediaconvert.amazonaws.com``; the session's principal.

    The role's trust policy is evaluated with :func:`local_aws.s3_policy.evaluate` (conditions included) against
    :func:`assume_role_context`. A role that does not exist ends the job with error 1433, a trust policy that does
    not allow MediaConvert with 1434 (the user guide's "Error codes" page: "The role specified in your MediaConvert
    job settings doesn't exist" / "... Check that the job has the right IAM role specified and that the role has
    MediaConvert as a trusted entity").
    """
    from moto.iam.models import iam_backends  # noqa: PLC0415
    from moto.sts.models import sts_backends  # noqa: PLC0415

    try:
        role = iam_backends[job.account_id][job.partition].get_role_by_arn(job.role)
    except Exception as exc:
        raise engine.JobError(
            engine.ROLE_NOT_FOUND,
            f"Unable to assume role [{job.role}]: the role does not exist. Check that the job has the right IAM "
            "role specified.",
        ) from exc
    try:
        trust = s3_policy.evaluate(
            role.assume_role_policy_document, "sts:AssumeRole", job.role, assume_role_context(job)
        )
    except (ValueError, s3_policy.UnsupportedCondition) as exc:  # unreadable document or operator not emulated
        raise engine.JobError(engine.ROLE_NOT_TRUSTED, f"Unable to assume role [{job.role}]: {exc}") from exc
    if trust is not s3_policy.Decision.ALLOW:
        raise engine.JobError(
            engine.ROLE_NOT_TRUSTED,
            f"Unable to assume role [{job.role}]: the role's trust policy does not allow {SERVICE_PRINCIPAL} to "
            f"call sts:AssumeRole for queue [{job.queue_arn}] of account [{job.account_id}]. Check that the job "
            "has the right IAM role specified and that the role has MediaConvert as a trusted entity.",
        )
    session = sts_backends[job.account_id][job.partition].assume_role(
        region_name=job.region,
        role_session_name=job.id,
        role_arn=job.role,
        policy=None,
        duration=SESSION_SECONDS,
        external_id=None,
    )
    return s3_policy.Caller(
        account_id=job.account_id,
        arn=session.arn,
        kind="assumed-role",
        name=role.name,
        role_arn=role.arn,
    )


# --------------------------------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------------------------------


def _job_id() -> str:
    """``1515368087458-qnoxtd``: creation time in milliseconds and six random characters."""
    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=6))
    return f"{int(time.time() * 1000)}-{suffix}"


def _page(items: list[Any], params: dict[str, Any]) -> tuple[list[Any], str | None]:
    """Page a list with ``MaxResults`` (<= 20) and an opaque ``NextToken``."""
    size = params.get("MaxResults") or MAX_PAGE
    token = params.get("NextToken")
    start = 0
    if token:
        try:
            start = int(token, 16)
        except ValueError as exc:
            raise bad_request(f"Invalid nextToken [{token}]") from exc
        if start < 0 or start > len(items):
            raise bad_request(f"Invalid nextToken [{token}]")
    end = start + size
    return items[start:end], (f"{end:08x}" if end < len(items) else None)


class MediaConvertAPI:
    """One request's operations, against the store (``account_id``/``region`` from the signature)."""

    def __init__(self, store: MediaConvertStore, account_id: str, region: str, endpoint: str) -> None:
        """Bind to the caller's account and Region."""
        self.store = store
        self.state = store.state(account_id, region)
        self.endpoint = endpoint
        #: Who signed the request (Probe reads the file as this identity); None for the account's root.
        self.caller: s3_policy.Caller | None = None

    # -- helpers ------------------------------------------------------------------------------

    def _queue(self, name_or_arn: str) -> Queue:
        name = name_or_arn.rsplit("queues/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn
        queue = self.state.queues.get(name)
        if queue is None:
            raise not_found(f"The specified queue was not found: queueArn={self.state.arn('queues', name)}")
        return queue

    def _template(self, name_or_arn: str) -> JobTemplate:
        name = name_or_arn.rsplit("jobTemplates/", 1)[-1] if name_or_arn.startswith("arn:") else name_or_arn
        template = self.state.templates.get(name)
        if template is None:
            raise not_found(
                f"The specified job template was not found: jobTemplateArn={self.state.arn('jobTemplates', name)}"
            )
        return template

    def _job(self, job_id: str) -> Job:
        job = self.state.jobs.get(job_id)
        if job is None:
            raise not_found(f"The specified job was not found: jobId={job_id}")
        return job

    def _counts(self, queue: Queue) -> tuple[int, int]:
        jobs = [job for job in self.state.jobs.values() if job.queue_arn == queue.arn]
        return sum(j.status == "SUBMITTED" for j in jobs), sum(j.status == "PROGRESSING" for j in jobs)

    def _queue_api(self, queue: Queue) -> dict[str, Any]:
        return queue.to_api(*self._counts(queue))

    def _resource_exists(self, arn: str) -> bool:
        kind, _, name = arn.rpartition(":")[2].partition("/")
        table = {"queues": self.state.queues, "jobTemplates": self.state.templates, "jobs": self.state.jobs}.get(kind)
        prefix = f"arn:{partition_of(self.state.region)}:mediaconvert:{self.state.region}:{self.state.account_id}:"
        return table is not None and arn.startswith(prefix) and name in table

    @staticmethod
    def _reservation(settings: dict[str, Any] | None, pricing_plan: str) -> tuple[dict[str, Any] | None, int | None]:
        if pricing_plan != "RESERVED":
            if settings:
                raise bad_request("/reservationPlanSettings: Only reserved queues have a reservation plan")
            return None, None
        if not settings:
            raise bad_request("/: Should have required property 'reservationPlanSettings' when pricingPlan is RESERVED")
        now = _now()
        plan = {
            "Commitment": settings["Commitment"],
            "RenewalType": settings["RenewalType"],
            "ReservedSlots": settings["ReservedSlots"],
            "PurchasedAt": now,
            "ExpiresAt": now.replace(year=now.year + 1),
            "Status": "ACTIVE",
        }
        return plan, settings["ReservedSlots"]

    # -- queues -------------------------------------------------------------------------------

    def create_queue(self, p: dict[str, Any]) -> dict[str, Any]:
        """CreateQueue."""
        name = p["Name"]
        if name in self.state.queues:
            raise conflict(f"A queue with the name [{name}] already exists")
        pricing_plan = p.get("PricingPlan", "ON_DEMAND")
        plan, slots = self._reservation(p.get("ReservationPlanSettings"), pricing_plan)
        now = _now()
        queue = Queue(
            name,
            self.state.arn("queues", name),
            now,
            now,
            description=p.get("Description"),
            status=p.get("Status", "ACTIVE"),
            pricing_plan=pricing_plan,
            concurrent_jobs=slots if slots is not None else p.get("ConcurrentJobs"),
            reservation_plan=plan,
        )
        self.state.queues[name] = queue
        if p.get("Tags"):
            self.state.tags[queue.arn] = dict(p["Tags"])
        return {"Queue": self._queue_api(queue)}

    def get_queue(self, p: dict[str, Any]) -> dict[str, Any]:
        """GetQueue."""
        return {"Queue": self._queue_api(self._queue(p["Name"]))}

    def update_queue(self, p: dict[str, Any]) -> dict[str, Any]:
        """UpdateQueue (the Default queue may be paused and resumed, nothing else)."""
        queue = self._queue(p["Name"])
        if queue.type == "SYSTEM" and any(k in p for k in ("Description", "ReservationPlanSettings")):
            raise bad_request("You can't modify the description or pricing of the system queue [Default]")
        if "ReservationPlanSettings" in p:
            if queue.pricing_plan != "RESERVED":
                raise bad_request("/reservationPlanSettings: Only reserved queues have a reservation plan")
            queue.reservation_plan, queue.concurrent_jobs = self._reservation(p["ReservationPlanSettings"], "RESERVED")
        if "Description" in p:
            queue.description = p["Description"]
        if "Status" in p:
            queue.status = p["Status"]
        if "ConcurrentJobs" in p:
            queue.concurrent_jobs = p["ConcurrentJobs"]
        queue.updated = _now()
        self.store.schedule()  # a resumed queue (or more concurrent jobs) may start waiting jobs
        return {"Queue": self._queue_api(queue)}

    def delete_queue(self, p: dict[str, Any]) -> dict[str, Any]:
        """DeleteQueue: not the Default queue, not with unprocessed jobs, not with an active reservation."""
        queue = self._queue(p["Name"])
        if queue.type == "SYSTEM":
            raise bad_request(f"You can't delete the system queue [{queue.name}]")
        submitted, progressing = self._counts(queue)
        if submitted or progressing:
            raise conflict(f"You can't delete queue [{queue.name}] while it contains unprocessed jobs")
        if queue.reservation_plan and queue.reservation_plan.get("Status") == "ACTIVE":
            raise conflict(f"You can't delete reserved queue [{queue.name}] while its pricing plan is active")
        del self.state.queues[queue.name]
        self.state.tags.pop(queue.arn, None)
        return {}

    def list_queues(self, p: dict[str, Any]) -> dict[str, Any]:
        """ListQueues (by creation date unless ``ListBy`` NAME; ascending unless ``Order`` DESCENDING)."""
        queues = list(self.state.queues.values())
        if p.get("ListBy") == "NAME":
            queues.sort(key=lambda q: q.name)
        else:
            queues.sort(key=lambda q: (q.created, q.name))
        if p.get("Order") == "DESCENDING":
            queues.reverse()
        page, token = _page(queues, p)
        return {"Queues": [self._queue_api(q) for q in page], "NextToken": token}

    # -- job templates ------------------------------------------------------------------------

    def create_job_template(self, p: dict[str, Any]) -> dict[str, Any]:
        """CreateJobTemplate."""
        name = p["Name"]
        if name in self.state.templates:
            raise conflict(f"A job template with the name [{name}] already exists")
        queue = self._queue(p.get("Queue") or DEFAULT_QUEUE)
        now = _now()
        template = JobTemplate(
            name,
            self.state.arn("jobTemplates", name),
            now,
            now,
            settings=p["Settings"],
            queue_arn=queue.arn,
            description=p.get("Description"),
            category=p.get("Category"),
            priority=p.get("Priority", 0),
            status_update_interval=p.get("StatusUpdateInterval", "SECONDS_60"),
            acceleration_settings=p.get("AccelerationSettings"),
            hop_destinations=p.get("HopDestinations"),
        )
        self.state.templates[name] = template
        if p.get("Tags"):
            self.state.tags[template.arn] = dict(p["Tags"])
        return {"JobTemplate": template.to_api()}

    def get_job_template(self, p: dict[str, Any]) -> dict[str, Any]:
        """GetJobTemplate."""
        return {"JobTemplate": self._template(p["Name"]).to_api()}

    def update_job_template(self, p: dict[str, Any]) -> dict[str, Any]:
        """UpdateJobTemplate: the members given replace the template's."""
        template = self._template(p["Name"])
        if "Queue" in p:
            template.queue_arn = self._queue(p["Queue"]).arn
        for member, attribute in (
            ("Settings", "settings"),
            ("Description", "description"),
            ("Category", "category"),
            ("Priority", "priority"),
            ("StatusUpdateInterval", "status_update_interval"),
            ("AccelerationSettings", "acceleration_settings"),
            ("HopDestinations", "hop_destinations"),
        ):
            if member in p:
                setattr(template, attribute, p[member])
        template.updated = _now()
        return {"JobTemplate": template.to_api()}

    def delete_job_template(self, p: dict[str, Any]) -> dict[str, Any]:
        """DeleteJobTemplate."""
        template = self._template(p["Name"])
        del self.state.templates[template.name]
        self.state.tags.pop(template.arn, None)
        return {}

    def list_job_templates(self, p: dict[str, Any]) -> dict[str, Any]:
        """ListJobTemplates (by name unless ``ListBy`` CREATION_DATE; ``SYSTEM`` lists none: not emulated)."""
        templates = [t for t in self.state.templates.values() if not p.get("Category") or t.category == p["Category"]]
        if p.get("ListBy") == "SYSTEM":
            templates = []
        elif p.get("ListBy") == "CREATION_DATE":
            templates.sort(key=lambda t: (t.created, t.name))
        else:
            templates.sort(key=lambda t: t.name)
        if p.get("Order") == "DESCENDING":
            templates.reverse()
        page, token = _page(templates, p)
        return {"JobTemplates": [t.to_api() for t in page], "NextToken": token}

    # -- jobs -----------------------------------------------------------------------------------

    def create_job(self, p: dict[str, Any]) -> dict[str, Any]:
        """CreateJob: role checked in IAM, template merged, settings validated, job queued."""
        token = p.get("ClientRequestToken")
        if token:
            seen = self.state.tokens.get(token)
            if seen and time.monotonic() - seen[1] < IDEMPOTENCY_WINDOW and seen[0] in self.state.jobs:
                return {"Job": self.state.jobs[seen[0]].to_api()}
        check_role(p["Role"], self.state.account_id)
        template = self._template(p["JobTemplate"]) if p.get("JobTemplate") else None
        queue = self._queue(p.get("Queue") or (template.queue_arn if template else DEFAULT_QUEUE))
        settings = merge_settings(template.settings if template else {}, p.get("Settings") or {})
        engine.validate_job_settings(settings)
        acceleration = p.get("AccelerationSettings") or (template.acceleration_settings if template else None)
        echoed = {
            key: p[key]
            for key in ("BillingTagsSource", "ClientRequestToken", "HopDestinations", "SimulateReservedQueue")
            if key in p
        }
        echoed.setdefault("BillingTagsSource", "JOB")
        echoed["StatusUpdateInterval"] = p.get(
            "StatusUpdateInterval", template.status_update_interval if template else "SECONDS_60"
        )
        if p.get("JobEngineVersion"):
            echoed["JobEngineVersionRequested"] = p["JobEngineVersion"]
        if acceleration:
            echoed["AccelerationSettings"] = acceleration
            echoed["AccelerationStatus"] = "NOT_APPLICABLE" if acceleration["Mode"] == "DISABLED" else "NOT_ACCELERATED"
        job_id = _job_id()
        job = Job(
            id=job_id,
            arn=self.state.arn("jobs", job_id),
            account_id=self.state.account_id,
            region=self.state.region,
            created=_now(),
            role=p["Role"],
            settings=settings,
            queue_arn=queue.arn,
            queue_name=queue.name,
            user_metadata=dict(p.get("UserMetadata") or {}),
            request=echoed,
            template_arn=template.arn if template else None,
            priority=p.get("Priority", template.priority if template else 0),
        )
        self.state.jobs[job_id] = job
        if p.get("Tags"):
            self.state.tags[job.arn] = dict(p["Tags"])
        if token:
            self.state.tokens[token] = (job_id, time.monotonic())
        answer = {"Job": job.to_api()}  # as submitted, before a worker may take it
        self.store.schedule()
        return answer

    def get_job(self, p: dict[str, Any]) -> dict[str, Any]:
        """GetJob."""
        return {"Job": self._job(p["Id"]).to_api()}

    def list_jobs(self, p: dict[str, Any]) -> dict[str, Any]:
        """ListJobs: newest first unless ``Order`` ASCENDING; filters ``Queue`` (name or ARN) and ``Status``."""
        jobs = list(self.state.jobs.values())
        if p.get("Queue"):
            arn = self._queue(p["Queue"]).arn
            jobs = [job for job in jobs if job.queue_arn == arn]
        if p.get("Status"):
            jobs = [job for job in jobs if job.status == p["Status"]]
        jobs.sort(key=lambda job: (job.created, job.id), reverse=p.get("Order", "DESCENDING") == "DESCENDING")
        page, token = _page(jobs, p)
        return {"Jobs": [job.to_api() for job in page], "NextToken": token}

    def cancel_job(self, p: dict[str, Any]) -> dict[str, Any]:
        """CancelJob: SUBMITTED or PROGRESSING jobs only (ffmpeg is killed, nothing more is written)."""
        job = self._job(p["Id"])
        if job.status not in ("SUBMITTED", "PROGRESSING"):
            raise conflict(f"The job [{job.id}] can't be canceled because its status is [{job.status}]")
        job.canceled.set()
        _kill(job.process)
        job.status = "CANCELED"
        job.finish_time = _now()
        job.current_phase = None
        job.percent_complete = None
        publish_event(job, "CANCELED")
        return {}

    # -- tags and endpoints ---------------------------------------------------------------------

    def tag_resource(self, p: dict[str, Any]) -> dict[str, Any]:
        """TagResource."""
        if not self._resource_exists(p["Arn"]):
            raise not_found(f"The specified resource was not found: arn={p['Arn']}")
        self.state.tags.setdefault(p["Arn"], {}).update(p["Tags"])
        return {}

    def untag_resource(self, p: dict[str, Any]) -> dict[str, Any]:
        """UntagResource."""
        if not self._resource_exists(p["Arn"]):
            raise not_found(f"The specified resource was not found: arn={p['Arn']}")
        tags = self.state.tags.get(p["Arn"], {})
        for key in p.get("TagKeys") or []:
            tags.pop(key, None)
        return {}

    def list_tags_for_resource(self, p: dict[str, Any]) -> dict[str, Any]:
        """ListTagsForResource."""
        if not self._resource_exists(p["Arn"]):
            raise not_found(f"The specified resource was not found: arn={p['Arn']}")
        return {"ResourceTags": {"Arn": p["Arn"], "Tags": dict(self.state.tags.get(p["Arn"], {}))}}

    # -- probe ------------------------------------------------------------------------------------

    def probe(self, p: dict[str, Any]) -> dict[str, Any]:
        """Probe: the container and tracks of each input file (API reference, "Probe": "Use Probe to obtain
        detailed information about your input media files ... container, codec, frame rate, resolution, track
        count, audio layout"). The file is read as the caller: the identity calling Probe needs ``s3:GetObject``
        on it. A missing object is NotFoundException, a refused read ForbiddenException."""
        results = []
        for item in p.get("InputFiles") or []:
            url = item.get("FileUrl", "")
            if not url.startswith("s3://"):
                raise bad_request(f"/inputFiles: only s3:// file URLs are probed by the local emulation: {url}")
            caller = self.caller or s3_policy.Caller(account_id=self.state.account_id)
            try:
                data = engine.read_s3_object(
                    url, self.state.account_id, partition_of(self.state.region), principal=caller,
                    region=self.state.region,
                )  # fmt: skip
            except engine.JobError as error:
                if error.code == engine.FILE_NOT_FOUND:
                    raise ServiceError("NotFoundException", f"File not found: {url}", 404) from error
                raise ServiceError("ForbiddenException", f"Access denied reading {url}", 403) from error
            results.append(probe_result(data, url))
        return {"ProbeResults": results}

    def describe_endpoints(self, p: dict[str, Any]) -> dict[str, Any]:
        """DescribeEndpoints (deprecated): the account endpoint is this server."""
        return {"Endpoints": [{"Url": self.endpoint}]}


def _caller_of(access_key: str) -> s3_policy.Caller | None:
    from local_aws import iam_auth  # noqa: PLC0415  (moto is imported lazily)

    credentials = iam_auth.find_credentials(access_key)
    return credentials.caller if credentials else None


#: ffmpeg's codec names -> the model's ``Codec`` enum (ProbeResult Track.Codec).
PROBE_CODECS = {
    "h264": "AVC", "hevc": "HEVC", "av1": "AV1", "vp8": "VP8", "vp9": "VP9", "mpeg2video": "MPEG2", "prores": "PRORES",
    "mjpeg": "MJPEG", "mpeg4": "MP4V", "aac": "AAC", "ac3": "AC3", "eac3": "EAC3", "mp3": "MP3", "flac": "FLAC",
    "opus": "OPUS", "vorbis": "VORBIS",
}  # fmt: skip
#: ffmpeg's demuxer names -> the model's ``Format`` enum (Container.Format).
PROBE_FORMATS = {"mov": "mp4", "matroska": "matroska", "webm": "webm", "mpegts": "mpegts", "avi": "avi", "mxf": "mxf"}


def probe_result(data: bytes, url: str) -> dict[str, Any]:
    """A ProbeResult (model shape) for the bytes of a media file."""
    import tempfile  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="local-aws-probe-") as directory:
        path = Path(directory) / "input"
        path.write_bytes(data)
        try:
            probed = engine.probe(path, url)
        except engine.JobError as error:
            raise bad_request(f"/inputFiles: {error.message}") from error
    demuxer = probed.container.split(",", 1)[0]
    fps = probed.fps
    video = {
        "Index": 1,
        "TrackType": "video",
        "Codec": PROBE_CODECS.get(probed.video_codec, "UNKNOWN"),
        "Duration": probed.duration,
        "VideoProperties": {
            "Width": probed.width,
            "Height": probed.height,
            "FrameRate": {"Numerator": fps.numerator, "Denominator": fps.denominator},
            "Rotation": probed.rotation,
        },
    }
    tracks = [video]
    for index, (codec, language) in enumerate(zip(probed.audio_codecs, probed.audio_languages, strict=True), 2):
        audio = {"Index": index, "TrackType": "audio", "Codec": PROBE_CODECS.get(codec, "UNKNOWN")}
        audio["Duration"] = probed.duration
        if language != "und":
            audio["AudioProperties"] = {"LanguageCode": language}
        tracks.append(audio)
    return {
        "Container": {"Format": PROBE_FORMATS.get(demuxer, demuxer), "Duration": probed.duration, "Tracks": tracks},
        "Metadata": {"FileSize": len(data)},
        "TrackMappings": [
            {"VideoTrackIndexes": [1], "AudioTrackIndexes": list(range(2, 2 + len(probed.audio_codecs)))}
        ],
    }


def merge_settings(template: dict[str, Any], job: dict[str, Any]) -> dict[str, Any]:
    """Job settings over template settings: the job's ``Inputs`` replace the template's, other top-level keys
    of the job replace the template's (a shallow merge)."""
    merged = copy.deepcopy(template)
    merged.update(copy.deepcopy(job))
    return merged


OPERATIONS: dict[str, Callable[[MediaConvertAPI, dict[str, Any]], dict[str, Any]]] = {
    "CreateQueue": MediaConvertAPI.create_queue,
    "GetQueue": MediaConvertAPI.get_queue,
    "UpdateQueue": MediaConvertAPI.update_queue,
    "DeleteQueue": MediaConvertAPI.delete_queue,
    "ListQueues": MediaConvertAPI.list_queues,
    "CreateJobTemplate": MediaConvertAPI.create_job_template,
    "GetJobTemplate": MediaConvertAPI.get_job_template,
    "UpdateJobTemplate": MediaConvertAPI.update_job_template,
    "DeleteJobTemplate": MediaConvertAPI.delete_job_template,
    "ListJobTemplates": MediaConvertAPI.list_job_templates,
    "CreateJob": MediaConvertAPI.create_job,
    "GetJob": MediaConvertAPI.get_job,
    "ListJobs": MediaConvertAPI.list_jobs,
    "CancelJob": MediaConvertAPI.cancel_job,
    "TagResource": MediaConvertAPI.tag_resource,
    "UntagResource": MediaConvertAPI.untag_resource,
    "ListTagsForResource": MediaConvertAPI.list_tags_for_resource,
    "DescribeEndpoints": MediaConvertAPI.describe_endpoints,
    "Probe": MediaConvertAPI.probe,
}


# --------------------------------------------------------------------------------------------------
# The extension
# --------------------------------------------------------------------------------------------------


class MediaConvertExtension:
    """Answers MediaConvert API requests; see the module docstring."""

    name = "mediaconvert"

    def __init__(self, workers: int | None = None) -> None:
        """Create an empty store; botocore's model is loaded on the first MediaConvert request."""
        self._service: RestJsonService | None = None
        self.store = MediaConvertStore(workers)

    @property
    def service(self) -> RestJsonService:
        """The wire format, from botocore's service model (loaded once, lazily: server start stays fast)."""
        if self._service is None:
            self._service = RestJsonService("mediaconvert", pointer_roots=("Settings",))
        return self._service

    def matches(self, environ: dict[str, Any]) -> bool:
        """Claim REST paths of the 2017-08-29 API signed for the ``mediaconvert`` service."""
        return str(environ.get("PATH_INFO", "")).startswith(API_PREFIX) and bool(
            _MEDIACONVERT_SCOPE.search(str(environ.get("HTTP_AUTHORIZATION", "")))
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Route, run the operation, answer (errors as restJson error documents)."""
        status, headers, body = self.handle(environ)
        return Response(body, status=status, headers=headers)(environ, start_response)

    def handle(self, environ: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        """Answer one request: ``(status, headers, body)``."""
        from moto.iam.models import get_account_id_from  # noqa: PLC0415

        scope = _MEDIACONVERT_SCOPE.search(str(environ.get("HTTP_AUTHORIZATION", "")))
        assert scope is not None
        access_key, region = scope.group(1), scope.group(2)
        raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", ""))
        raw_path = raw.split("?", 1)[0]
        method = str(environ.get("REQUEST_METHOD", "GET"))
        matched = self.service.match(method, raw_path)
        if matched is None:
            return self.service.error(
                ServiceError("UnknownOperationException", f"No MediaConvert operation matches {method} {raw_path}", 404)
            )
        operation, labels = matched
        handler = OPERATIONS.get(operation.name)
        if handler is None:
            return self.service.error(
                ServiceError(
                    "NotImplemented",
                    f"local_aws does not emulate the MediaConvert operation {operation.name}",
                    501,
                )
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        endpoint = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', 'localhost')}"
        try:
            params = self.service.parse(operation, labels, str(environ.get("QUERY_STRING", "")), body)
            with self.store.lock:
                api = MediaConvertAPI(self.store, get_account_id_from(access_key), region, endpoint)
                if operation.name == "Probe":
                    api.caller = _caller_of(access_key)
                output = handler(api, params)
        except ServiceError as error:
            return self.service.error(error)
        return self.service.response(operation, output)

    def reset(self) -> None:
        """Stop every job (ffmpeg killed, workers joined) and forget all queues, templates and jobs."""
        self.store.reset()

    def snapshot(self) -> object:
        """The store's queues, templates and finished jobs (:mod:`local_aws.snapshots`)."""
        return self.store.snapshot()

    def restore(self, state: Any) -> None:
        """Put a snapshot's state back."""
        self.store.restore(state)
