"""Call sequences of mediaconvert_queue against a stubbed MediaConvert client."""

import datetime

from ansible_collections.storytime.video_infra.plugins.modules import mediaconvert_queue as mod

NAME = "storytime-unit-hls"
ARN = f"arn:aws:mediaconvert:eu-west-1:123456789012:queues/{NAME}"
CREATED = datetime.datetime(2025, 1, 31, 10, 15, 42, tzinfo=datetime.UTC)
LATER = datetime.datetime(2025, 2, 1, 8, 0, 0, tzinfo=datetime.UTC)
DESCRIPTION = "HLS renditions (unit)"
TAGS = {"Project": "storytime", "Environment": "unit"}


def queue(description=DESCRIPTION, status="ACTIVE", plan="ON_DEMAND", queue_type="CUSTOM", name=NAME, updated=CREATED):
    q = {
        "Arn": ARN.replace(NAME, name),
        "Name": name,
        "Status": status,
        "PricingPlan": plan,
        "Type": queue_type,
        "CreatedAt": CREATED,
        "LastUpdated": updated,
        "SubmittedJobsCount": 0,
        "ProgressingJobsCount": 0,
    }
    if description is not None:
        q["Description"] = description
    return q


def get_queue(stub, found, name=NAME):
    stub.add_response("get_queue", {"Queue": found}, {"Name": name})


def queue_missing(stub):
    stub.add_client_error(
        "get_queue", "NotFoundException", "The specified queue doesn't exist", 404, expected_params={"Name": NAME}
    )


def list_tags(stub, tags):
    stub.add_response("list_tags_for_resource", {"ResourceTags": {"Arn": ARN, "Tags": tags}}, {"Arn": ARN})


def args(**extra):
    return {"name": NAME, **extra}


# ---------------------------------------------------------------------------------------------
# present


def test_create_with_description_and_tags(runner):
    stub = runner.stub("mediaconvert")
    queue_missing(stub)
    stub.add_response(
        "create_queue",
        {"Queue": queue()},
        {"Name": NAME, "PricingPlan": "ON_DEMAND", "Description": DESCRIPTION, "Tags": TAGS},
    )

    result = runner.run(mod.main, args(description=DESCRIPTION, tags=TAGS))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["queue"] == {
        "arn": ARN,
        "name": NAME,
        "description": DESCRIPTION,
        "status": "ACTIVE",
        "pricing_plan": "ON_DEMAND",
        "type": "CUSTOM",
        "tags": TAGS,
        "created_at": "2025-01-31T10:15:42+00:00",
        "last_updated": "2025-01-31T10:15:42+00:00",
    }
    assert result.result["diff"] == {"before": {}, "after": result.result["queue"]}


def test_create_paused_without_options_sends_only_what_is_set(runner):
    stub = runner.stub("mediaconvert")
    queue_missing(stub)
    stub.add_response(
        "create_queue",
        {"Queue": queue(description=None, status="PAUSED")},
        {"Name": NAME, "PricingPlan": "ON_DEMAND", "Status": "PAUSED"},
    )

    result = runner.run(mod.main, args(status="PAUSED"))

    assert not result.failed, result.result
    assert result.result["queue"]["status"] == "PAUSED"
    assert result.result["queue"]["description"] == ""
    assert result.result["queue"]["tags"] == {}


def test_identical_run_makes_no_write_call(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue())
    list_tags(stub, dict(TAGS))

    result = runner.run(mod.main, args(description=DESCRIPTION, status="ACTIVE", tags=TAGS))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["queue"]["tags"] == TAGS
    assert "diff" not in result.result


def test_unset_options_leave_the_queue_alone(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue(description="set by hand", status="PAUSED"))
    list_tags(stub, {"Owner": "someone"})

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["queue"]["description"] == "set by hand"
    assert result.result["queue"]["status"] == "PAUSED"
    assert result.result["queue"]["tags"] == {"Owner": "someone"}


def test_update_sends_only_the_changed_field(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue())
    list_tags(stub, {})
    stub.add_response(
        "update_queue",
        {"Queue": queue(description="new words", updated=LATER)},
        {"Name": NAME, "Description": "new words"},
    )

    result = runner.run(mod.main, args(description="new words", status="ACTIVE"))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["queue"]["description"] == "new words"
    assert result.result["queue"]["last_updated"] == "2025-02-01T08:00:00+00:00"
    assert result.result["diff"]["before"]["description"] == DESCRIPTION
    assert result.result["diff"]["after"]["description"] == "new words"


def test_pause_sends_only_the_status(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue())
    list_tags(stub, {})
    stub.add_response("update_queue", {"Queue": queue(status="PAUSED")}, {"Name": NAME, "Status": "PAUSED"})

    result = runner.run(mod.main, args(status="PAUSED", description=DESCRIPTION))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["queue"]["status"] == "PAUSED"


def test_tags_are_purged_and_set_without_updating_the_queue(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue())
    list_tags(stub, {"Project": "storytime", "Old": "x", "aws:cloudformation:stack-name": "s"})
    stub.add_response("untag_resource", {}, {"Arn": ARN, "TagKeys": ["Old"]})
    stub.add_response("tag_resource", {}, {"Arn": ARN, "Tags": {"Environment": "unit"}})

    result = runner.run(mod.main, args(tags=TAGS))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["queue"]["tags"] == {**TAGS, "aws:cloudformation:stack-name": "s"}


def test_tags_without_purge_only_add(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue())
    list_tags(stub, {"Old": "x"})
    stub.add_response("tag_resource", {}, {"Arn": ARN, "Tags": TAGS})

    result = runner.run(mod.main, args(tags=TAGS, purge_tags=False))

    assert not result.failed, result.result
    assert result.result["queue"]["tags"] == {"Old": "x", **TAGS}


def test_throttling_is_retried(runner):
    stub = runner.stub("mediaconvert")
    stub.add_client_error("get_queue", "TooManyRequestsException", "Too many requests", 429)
    get_queue(stub, queue())
    stub.add_client_error("list_tags_for_resource", "TooManyRequestsException", "Too many requests", 429)
    list_tags(stub, {})

    result = runner.run(mod.main, args(description=DESCRIPTION))

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_reserved_queue_is_refused(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue(plan="RESERVED"))

    result = runner.run(mod.main, args(description="x"))

    assert result.failed
    assert "reserved queue" in result.result["msg"] and "on-demand" in result.result["msg"]


def test_aws_error_is_reported_with_its_code(runner):
    stub = runner.stub("mediaconvert")
    queue_missing(stub)
    stub.add_client_error("create_queue", "BadRequestException", "You have reached the queue limit", 400)

    result = runner.run(mod.main, args())

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to create queue {NAME}")
    assert result.result["error"]["code"] == "BadRequestException"


# ---------------------------------------------------------------------------------------------
# check mode


def test_check_mode_predicts_creation_without_writing(runner):
    stub = runner.stub("mediaconvert")
    queue_missing(stub)

    result = runner.run(mod.main, args(description=DESCRIPTION, tags=TAGS, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["queue"] == {
        "arn": None,
        "name": NAME,
        "description": DESCRIPTION,
        "status": "ACTIVE",
        "pricing_plan": "ON_DEMAND",
        "type": "CUSTOM",
        "tags": TAGS,
        "created_at": None,
        "last_updated": None,
    }


def test_check_mode_predicts_an_update_without_writing(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue())
    list_tags(stub, {"Old": "x"})

    result = runner.run(mod.main, args(status="PAUSED", tags=TAGS, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["queue"]["status"] == "PAUSED"
    assert result.result["queue"]["tags"] == TAGS
    assert result.result["queue"]["last_updated"] is None
    assert result.result["diff"]["before"]["status"] == "ACTIVE"


# ---------------------------------------------------------------------------------------------
# absent


def test_delete(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue())
    stub.add_response("delete_queue", {}, {"Name": NAME})

    result = runner.run(mod.main, args(state="absent"))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["arn"] == ARN
    assert result.result["diff"]["after"] == {}


def test_delete_of_a_missing_queue_is_a_no_op(runner):
    stub = runner.stub("mediaconvert")
    queue_missing(stub)

    result = runner.run(mod.main, args(state="absent"))

    assert not result.failed, result.result
    assert result.result == {"changed": False}


def test_delete_of_a_queue_gone_in_between_is_a_no_op(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue())
    stub.add_client_error("delete_queue", "NotFoundException", "gone", 404, expected_params={"Name": NAME})

    result = runner.run(mod.main, args(state="absent"))

    assert not result.failed, result.result
    assert result.result == {"changed": False}


def test_delete_in_check_mode_writes_nothing(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue())

    result = runner.run(mod.main, args(state="absent", _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True


def test_default_queue_is_never_deleted(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue(name="Default", queue_type="SYSTEM"), name="Default")

    result = runner.run(mod.main, {"name": "Default", "state": "absent"})

    assert result.failed
    assert "system queue" in result.result["msg"]


def test_delete_of_a_busy_queue_reports_the_conflict(runner):
    stub = runner.stub("mediaconvert")
    get_queue(stub, queue())
    stub.add_client_error("delete_queue", "ConflictException", "Queue has jobs", 409)

    result = runner.run(mod.main, args(state="absent"))

    assert result.failed
    assert result.result["error"]["code"] == "ConflictException"


def test_empty_name_fails_before_any_call(runner):
    result = runner.run(mod.main, {"name": ""})

    assert result.failed
    assert runner.client_requests == []


def test_create_answered_conflict_adopts_the_queue(runner):
    """CreateQueue sent again after a lost response answers ConflictException: the queue is adopted, its tags
    converged, and no second create is sent."""
    stub = runner.stub("mediaconvert")
    queue_missing(stub)
    stub.add_client_error("create_queue", "ConflictException", http_status_code=409)
    get_queue(stub, queue())
    get_queue(stub, queue())
    list_tags(stub, dict(TAGS))

    result = runner.run(mod.main, args(description=DESCRIPTION, tags=TAGS))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["queue"]["arn"] == ARN
    assert result.result["diff"]["before"] == {}
    stub.assert_no_pending_responses()
