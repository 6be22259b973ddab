"""Call sequences of mediaconvert_job (submission and waiting) against a stubbed MediaConvert client."""

import datetime

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import mediaconvert as mc
from ansible_collections.storytime.video_infra.plugins.modules import mediaconvert_job as mod

ROLE = "arn:aws:iam::123456789012:role/storytime-unit-mediaconvert"
TEMPLATE = "storytime-unit-hls"
JOB_ID = "1706700000000-abc123"
JOB_ARN = f"arn:aws:mediaconvert:eu-west-1:123456789012:jobs/{JOB_ID}"
QUEUE_ARN = "arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default"
TOKEN = "book-42-attempt-1"
SUBMITTED = datetime.datetime(2025, 1, 31, 10, 15, 42, tzinfo=datetime.UTC)
STARTED = datetime.datetime(2025, 1, 31, 10, 15, 50, tzinfo=datetime.UTC)
FINISHED = datetime.datetime(2025, 1, 31, 10, 17, 2, tzinfo=datetime.UTC)
SETTINGS = {
    "Inputs": [{"FileInput": "s3://storytime-master-uploads-unit/books/42/master.mp4"}],
    "OutputGroups": [
        {
            "OutputGroupSettings": {
                "Type": "HLS_GROUP_SETTINGS",
                "HlsGroupSettings": {"Destination": "s3://storytime-hls-outputs-unit/books/42/"},
            }
        }
    ],
}


class FakeClock:
    """Replaces the time module of module_utils.mediaconvert: sleeping advances the clock at once."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(mc, "time", fake)
    return fake


def job(status="SUBMITTED", **extra):
    j = {
        "Id": JOB_ID,
        "Arn": JOB_ARN,
        "Role": ROLE,
        "Settings": SETTINGS,
        "JobTemplate": TEMPLATE,
        "Queue": QUEUE_ARN,
        "Status": status,
        "Priority": 0,
        "CreatedAt": SUBMITTED,
        "ClientRequestToken": TOKEN,
        "UserMetadata": {"book_id": "42"},
        "Timing": {"SubmitTime": SUBMITTED},
    }
    if status in ("PROGRESSING", "COMPLETE", "ERROR"):
        j["Timing"]["StartTime"] = STARTED
    if status in ("COMPLETE", "ERROR", "CANCELED"):
        j["Timing"]["FinishTime"] = FINISHED
    j.update(extra)
    return j


def create_job(stub, expected=None, **extra):
    params = {
        "Role": ROLE,
        "JobTemplate": TEMPLATE,
        "Settings": SETTINGS,
        "ClientRequestToken": TOKEN,
        "UserMetadata": {"book_id": "42"},
    }
    params.update(expected or {})
    # None in ``expected`` removes a parameter.
    stub.add_response("create_job", {"Job": job(**extra)}, {k: v for k, v in params.items() if v is not None})


def get_job(stub, status, **extra):
    stub.add_response("get_job", {"Job": job(status, **extra)}, {"Id": JOB_ID})


def args(**extra):
    return {
        "role": ROLE,
        "job_template": TEMPLATE,
        "settings": SETTINGS,
        "user_metadata": {"book_id": 42},
        "client_request_token": TOKEN,
        **extra,
    }


def test_submit_from_a_template_with_user_metadata(runner):
    stub = runner.stub("mediaconvert")
    create_job(stub)

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["changed"] is True
    submitted = result.result["job"]
    assert submitted["id"] == JOB_ID
    assert submitted["arn"] == JOB_ARN
    assert submitted["status"] == "SUBMITTED"
    assert submitted["user_metadata"] == {"book_id": "42"}
    assert submitted["client_request_token"] == TOKEN
    assert submitted["timing"] == {"submit_time": "2025-01-31T10:15:42+00:00", "start_time": None, "finish_time": None}


def test_every_run_submits_a_new_job(runner):
    stub = runner.stub("mediaconvert")
    create_job(stub, expected={"ClientRequestToken": "attempt-1"})
    first = runner.run(mod.main, args(client_request_token="attempt-1"))
    create_job(stub, expected={"ClientRequestToken": "attempt-2"})
    second = runner.run(mod.main, args(client_request_token="attempt-2"))

    assert first.result["changed"] is True
    assert second.result["changed"] is True


class Recorder:
    """Matches any value in expected_params and records it."""

    def __init__(self):
        self.seen = []

    def __eq__(self, other):
        self.seen.append(other)
        return True

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = None


def test_without_a_token_the_module_makes_one_that_survives_retries(runner):
    token = Recorder()
    expected = {"Role": ROLE, "Settings": SETTINGS, "ClientRequestToken": token}
    stub = runner.stub("mediaconvert")
    stub.add_client_error("create_job", "TooManyRequestsException", "Too many requests", 429, expected_params=expected)
    stub.add_response("create_job", {"Job": job()}, expected)

    result = runner.run(mod.main, {"role": ROLE, "settings": SETTINGS})

    assert not result.failed, result.result
    assert len(token.seen) == 2
    assert token.seen[0] == token.seen[1]
    assert len(token.seen[0]) == 36  # a UUID


def test_queue_priority_interval_and_tags_are_sent(runner):
    stub = runner.stub("mediaconvert")
    create_job(
        stub,
        expected={
            "Queue": "storytime-unit-queue",
            "Priority": 5,
            "StatusUpdateInterval": "SECONDS_10",
            "Tags": {"Project": "storytime"},
        },
    )

    result = runner.run(
        mod.main,
        args(
            queue="storytime-unit-queue",
            priority=5,
            status_update_interval="SECONDS_10",
            tags={"Project": "storytime"},
        ),
    )

    assert not result.failed, result.result


def test_template_alone_sends_empty_settings(runner):
    stub = runner.stub("mediaconvert")
    create_job(stub, expected={"Settings": {}, "UserMetadata": None})

    result = runner.run(mod.main, {"role": ROLE, "job_template": TEMPLATE, "client_request_token": TOKEN})

    assert not result.failed, result.result


def test_wait_until_complete_polls_get_job(runner, clock):
    stub = runner.stub("mediaconvert")
    create_job(stub)
    get_job(stub, "PROGRESSING", CurrentPhase="TRANSCODING", JobPercentComplete=40)
    get_job(stub, "PROGRESSING", CurrentPhase="UPLOADING", JobPercentComplete=100)
    get_job(
        stub,
        "COMPLETE",
        OutputGroupDetails=[
            {"OutputDetails": [{"DurationInMs": 61000, "VideoDetails": {"WidthInPx": 1280, "HeightInPx": 720}}]}
        ],
    )

    result = runner.run(mod.main, args(wait=True, wait_delay=5, wait_timeout=60))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    finished = result.result["job"]
    assert finished["status"] == "COMPLETE"
    assert finished["timing"]["finish_time"] == "2025-01-31T10:17:02+00:00"
    assert finished["output_group_details"] == [
        {"output_details": [{"duration_in_ms": 61000, "video_details": {"width_in_px": 1280, "height_in_px": 720}}]}
    ]
    assert clock.sleeps == [5, 5, 5]


def test_throttled_poll_is_retried(runner, clock):
    stub = runner.stub("mediaconvert")
    create_job(stub)
    stub.add_client_error("get_job", "TooManyRequestsException", "Too many requests", 429)
    get_job(stub, "COMPLETE")

    result = runner.run(mod.main, args(wait=True))

    assert not result.failed, result.result
    assert result.result["job"]["status"] == "COMPLETE"
    assert clock.sleeps == [15]


def test_wait_ending_in_error_fails_with_the_error_message(runner, clock):
    stub = runner.stub("mediaconvert")
    create_job(stub)
    get_job(stub, "PROGRESSING")
    get_job(stub, "ERROR", ErrorCode=1030, ErrorMessage="Unable to open input file [s3://.../master.mp4]")

    result = runner.run(mod.main, args(wait=True))

    assert result.failed
    assert result.result["changed"] is True
    assert result.result["msg"] == (
        f"MediaConvert job {JOB_ID} failed with error 1030: Unable to open input file [s3://.../master.mp4]"
    )
    assert result.result["job"]["status"] == "ERROR"
    assert result.result["job"]["error_code"] == 1030


def test_wait_ending_in_error_without_fail_on_error_succeeds(runner, clock):
    stub = runner.stub("mediaconvert")
    create_job(stub)
    get_job(stub, "ERROR", ErrorCode=1030, ErrorMessage="Unable to open input file")

    result = runner.run(mod.main, args(wait=True, fail_on_error=False))

    assert not result.failed, result.result
    assert result.result["job"]["status"] == "ERROR"
    assert result.result["job"]["error_message"] == "Unable to open input file"


def test_canceled_job_fails(runner, clock):
    stub = runner.stub("mediaconvert")
    create_job(stub)
    get_job(stub, "CANCELED")

    result = runner.run(mod.main, args(wait=True))

    assert result.failed
    assert result.result["msg"] == f"MediaConvert job {JOB_ID} was canceled"


def test_wait_timeout_fails_and_still_returns_the_job(runner, clock):
    stub = runner.stub("mediaconvert")
    create_job(stub)
    for percent in (10, 20, 30):
        get_job(stub, "PROGRESSING", JobPercentComplete=percent)

    result = runner.run(mod.main, args(wait=True, wait_timeout=30, wait_delay=10))

    assert result.failed
    assert result.result["changed"] is True
    assert "Timed out after 30 seconds" in result.result["msg"]
    assert JOB_ID in result.result["msg"]
    assert result.result["job"]["id"] == JOB_ID
    assert result.result["job"]["status"] == "PROGRESSING"
    assert result.result["job"]["job_percent_complete"] == 30
    assert clock.sleeps == [10, 10, 10]


def test_poll_failure_names_the_submitted_job(runner, clock):
    stub = runner.stub("mediaconvert")
    create_job(stub)
    stub.add_client_error("get_job", "ForbiddenException", "not allowed to GetJob", 403)

    result = runner.run(mod.main, args(wait=True))

    assert result.failed
    assert result.result["changed"] is True
    assert f"(job {JOB_ID} was submitted)" in result.result["msg"]
    assert result.result["error"]["code"] == "ForbiddenException"
    assert result.result["job"]["id"] == JOB_ID


def test_without_wait_nothing_is_polled(runner, clock):
    stub = runner.stub("mediaconvert")
    create_job(stub)

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert clock.sleeps == []


def test_check_mode_submits_nothing(runner):
    runner.stub("mediaconvert")  # no call queued: any call would fail

    result = runner.run(mod.main, args(wait=True, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    predicted = result.result["job"]
    assert predicted["id"] is None
    assert predicted["status"] is None
    assert predicted["job_template"] == TEMPLATE
    assert predicted["role"] == ROLE
    assert predicted["user_metadata"] == {"book_id": "42"}
    assert predicted["client_request_token"] == TOKEN


def test_rejected_submission_is_reported_with_its_code(runner):
    stub = runner.stub("mediaconvert")
    stub.add_client_error("create_job", "ForbiddenException", "not authorized to perform: iam:PassRole", 403)

    result = runner.run(mod.main, args())

    assert result.failed
    assert result.result["msg"].startswith("Failed to create MediaConvert job")
    assert result.result["error"]["code"] == "ForbiddenException"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"role": "storytime-unit-mediaconvert"}, "role must be the ARN of an IAM role"),
        ({"priority": -51}, "priority must be between -50 and 50"),
        ({"client_request_token": "x" * 65}, "client_request_token must be 1 to 64 ASCII characters"),
        ({"client_request_token": "bücher"}, "client_request_token must be 1 to 64 ASCII characters"),
        ({"wait_delay": 0}, "wait_delay must be at least 1 second"),
        ({"job_template": None, "settings": None}, "one of job_template and settings is required"),
    ],
    ids=["role-name", "priority", "long-token", "non-ascii-token", "delay", "nothing-to-run"],
)
def test_bad_input_fails_before_any_call(runner, extra, expected):
    result = runner.run(mod.main, args(**extra))

    assert result.failed
    assert expected in result.result["msg"]
    assert runner.client_requests == []


def test_user_metadata_must_be_strings(runner):
    runner.stub("mediaconvert")

    result = runner.run(mod.main, args(user_metadata={"nested": {"a": 1}}))

    assert result.failed
    assert result.result["msg"] == "user_metadata values must be strings; nested is dict"
