"""Call sequences of mediaconvert_job_info (get one job, list with paging) against a stubbed MediaConvert client."""

import datetime

from ansible_collections.storytime.video_infra.plugins.modules import mediaconvert_job_info as mod

ROLE = "arn:aws:iam::123456789012:role/storytime-unit-mediaconvert"
CREATED = datetime.datetime(2025, 1, 31, 10, 15, 42, tzinfo=datetime.UTC)


def job(job_id, status="COMPLETE"):
    return {
        "Id": job_id,
        "Arn": f"arn:aws:mediaconvert:eu-west-1:123456789012:jobs/{job_id}",
        "Role": ROLE,
        "Settings": {},
        "Status": status,
        "CreatedAt": CREATED,
        "UserMetadata": {"book_id": job_id},
    }


def jobs(count, start=0):
    return [job(f"job-{i:03d}") for i in range(start, start + count)]


def test_get_one_job_by_id(runner):
    stub = runner.stub("mediaconvert")
    stub.add_response("get_job", {"Job": job("job-001", "ERROR")}, {"Id": "job-001"})

    result = runner.run(mod.main, {"id": "job-001"})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert [j["id"] for j in result.result["jobs"]] == ["job-001"]
    assert result.result["jobs"][0]["status"] == "ERROR"
    assert result.result["jobs"][0]["user_metadata"] == {"book_id": "job-001"}
    assert result.result["jobs"][0]["created_at"] == "2025-01-31T10:15:42+00:00"


def test_unknown_job_id_gives_an_empty_list(runner):
    stub = runner.stub("mediaconvert")
    stub.add_client_error("get_job", "NotFoundException", "Job not found", 404, expected_params={"Id": "nope"})

    result = runner.run(mod.main, {"job_id": "nope"})

    assert not result.failed, result.result
    assert result.result["jobs"] == []


def test_list_follows_pages_up_to_max_results(runner):
    stub = runner.stub("mediaconvert")
    stub.add_response(
        "list_jobs",
        {"Jobs": jobs(20), "NextToken": "page-2"},
        {"MaxResults": 20, "Queue": "storytime-unit-hls", "Status": "COMPLETE", "Order": "DESCENDING"},
    )
    stub.add_response(
        "list_jobs",
        {"Jobs": jobs(5, start=20), "NextToken": "page-3"},
        {
            "MaxResults": 5,
            "Queue": "storytime-unit-hls",
            "Status": "COMPLETE",
            "Order": "DESCENDING",
            "NextToken": "page-2",
        },
    )

    result = runner.run(mod.main, {"queue": "storytime-unit-hls", "status": "COMPLETE", "max_results": 25})

    assert not result.failed, result.result
    assert [j["id"] for j in result.result["jobs"]] == [f"job-{i:03d}" for i in range(25)]


def test_list_stops_when_there_are_no_more_pages(runner):
    stub = runner.stub("mediaconvert")
    stub.add_response("list_jobs", {"Jobs": jobs(20), "NextToken": "page-2"}, {"MaxResults": 20, "Order": "ASCENDING"})
    stub.add_response(
        "list_jobs", {"Jobs": jobs(3, start=20)}, {"MaxResults": 20, "Order": "ASCENDING", "NextToken": "page-2"}
    )

    result = runner.run(mod.main, {"order": "ASCENDING", "max_results": 100})

    assert not result.failed, result.result
    assert len(result.result["jobs"]) == 23


def test_list_with_defaults_asks_for_one_page_newest_first(runner):
    stub = runner.stub("mediaconvert")
    stub.add_response("list_jobs", {"Jobs": jobs(2)}, {"MaxResults": 20, "Order": "DESCENDING"})

    result = runner.run(mod.main, {})

    assert not result.failed, result.result
    assert len(result.result["jobs"]) == 2


def test_empty_list(runner):
    stub = runner.stub("mediaconvert")
    stub.add_response("list_jobs", {"Jobs": []}, {"MaxResults": 3, "Order": "DESCENDING", "Status": "ERROR"})

    result = runner.run(mod.main, {"status": "ERROR", "max_results": 3})

    assert not result.failed, result.result
    assert result.result["jobs"] == []


def test_throttled_page_is_retried(runner):
    stub = runner.stub("mediaconvert")
    stub.add_client_error("list_jobs", "TooManyRequestsException", "Too many requests", 429)
    stub.add_response("list_jobs", {"Jobs": jobs(1)}, {"MaxResults": 20, "Order": "DESCENDING"})

    result = runner.run(mod.main, {})

    assert not result.failed, result.result
    assert len(result.result["jobs"]) == 1


def test_list_failure_is_reported_with_its_code(runner):
    stub = runner.stub("mediaconvert")
    stub.add_client_error("list_jobs", "ForbiddenException", "not authorized", 403)

    result = runner.run(mod.main, {})

    assert result.failed
    assert result.result["msg"].startswith("Failed to list jobs")
    assert result.result["error"]["code"] == "ForbiddenException"


def test_id_and_list_filters_are_exclusive(runner):
    result = runner.run(mod.main, {"id": "job-001", "status": "ERROR"})

    assert result.failed
    assert "mutually exclusive" in result.result["msg"]
    assert runner.client_requests == []


def test_max_results_must_be_positive(runner):
    result = runner.run(mod.main, {"max_results": 0})

    assert result.failed
    assert result.result["msg"] == "max_results must be at least 1"
    assert runner.client_requests == []


def test_check_mode_reads_as_usual(runner):
    stub = runner.stub("mediaconvert")
    stub.add_response("get_job", {"Job": job("job-001")}, {"Id": "job-001"})

    result = runner.run(mod.main, {"id": "job-001", "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert len(result.result["jobs"]) == 1
