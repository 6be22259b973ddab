"""Call sequences of eventbridge_rule against a stubbed EventBridge client."""

import json

from ansible_collections.storytime.video_infra.plugins.modules import eventbridge_rule as mod

NAME = "storytime-unit-mediaconvert-jobs"
ARN = f"arn:aws:events:eu-west-1:123456789012:rule/{NAME}"
QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:storytime-unit-mediaconvert-jobs"
OTHER_ARN = "arn:aws:sns:eu-west-1:123456789012:someone-elses-topic"
PATTERN = {"source": ["aws.mediaconvert"], "detail": {"status": ["COMPLETE", "ERROR", "CANCELED"]}}
DESCRIPTION = "MediaConvert jobs that ended"
TAGS = {"Project": "storytime", "Environment": "unit"}


def args(**extra):
    return {
        "name": NAME,
        "description": DESCRIPTION,
        "event_pattern": PATTERN,
        "targets": [{"id": "sqs", "arn": QUEUE_ARN}],
        "tags": TAGS,
        **extra,
    }


def rule(pattern=None, state="ENABLED", description=DESCRIPTION):
    found = {"Name": NAME, "Arn": ARN, "EventPattern": json.dumps(pattern or PATTERN), "State": state}
    if description is not None:
        found["Description"] = description
    found["EventBusName"] = "default"
    return found


def describe(stub, found):
    if found is None:
        stub.add_client_error(
            "describe_rule", "ResourceNotFoundException", f"Rule {NAME} does not exist.", 400, {"Name": NAME}
        )
    else:
        stub.add_response("describe_rule", found, {"Name": NAME})


def targets(stub, found):
    # A rule without targets answers no Targets member (the model's list has a minimum length of 1).
    response = {"Targets": [{"Id": i, "Arn": a} for i, a in found.items()]} if found else {}
    stub.add_response("list_targets_by_rule", response, {"Rule": NAME})


def tags(stub, found):
    stub.add_response(
        "list_tags_for_resource",
        {"Tags": [{"Key": k, "Value": v} for k, v in found.items()]},
        {"ResourceARN": ARN},
    )


def put_rule_params(**extra):
    return {
        "Name": NAME,
        "EventPattern": json.dumps(PATTERN, sort_keys=True),
        "State": "ENABLED",
        "Description": DESCRIPTION,
        **extra,
    }


def tag_list(mapping):
    return [{"Key": k, "Value": v} for k, v in sorted(mapping.items())]


def test_create_puts_the_rule_with_its_tags_then_the_target(runner):
    stub = runner.stub("events")
    describe(stub, None)
    stub.add_response("put_rule", {"RuleArn": ARN}, put_rule_params(Tags=tag_list(TAGS)))
    stub.add_response(
        "put_targets",
        {"FailedEntryCount": 0, "FailedEntries": []},
        {"Rule": NAME, "Targets": [{"Id": "sqs", "Arn": QUEUE_ARN}]},
    )

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["rule"] == {
        "name": NAME,
        "arn": ARN,
        "description": DESCRIPTION,
        "event_pattern": PATTERN,
        "enabled": True,
        "targets": [{"id": "sqs", "arn": QUEUE_ARN}],
        "tags": TAGS,
    }
    assert result.result["diff"] == {"before": {}, "after": result.result["rule"]}
    assert runner.client_requests == ["events"]


def test_check_mode_on_a_missing_rule_predicts_it_without_writing(runner):
    stub = runner.stub("events")
    describe(stub, None)

    result = runner.run(mod.main, args(_ansible_check_mode=True))

    assert result.result["changed"] is True
    assert result.result["rule"]["arn"] is None
    assert result.result["rule"]["targets"] == [{"id": "sqs", "arn": QUEUE_ARN}]
    assert result.result["rule"]["tags"] == TAGS


def test_a_rule_as_declared_is_three_reads_and_no_write(runner):
    stub = runner.stub("events")
    # The pattern comes back in another key order and spacing: compared as JSON, it is the same.
    describe(
        stub, rule(pattern={"detail": {"status": ["COMPLETE", "ERROR", "CANCELED"]}, "source": ["aws.mediaconvert"]})
    )
    targets(stub, {"sqs": QUEUE_ARN})
    tags(stub, TAGS)

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert "diff" not in result.result
    assert result.result["rule"]["targets"] == [{"id": "sqs", "arn": QUEUE_ARN}]


def test_a_changed_pattern_or_state_replaces_the_whole_rule(runner):
    stub = runner.stub("events")
    describe(stub, rule(pattern={"source": ["aws.mediaconvert"]}, state="DISABLED", description=None))
    targets(stub, {"sqs": QUEUE_ARN})
    tags(stub, TAGS)
    # PutRule replaces the rule: description, pattern and state are sent together, no tags on an update.
    stub.add_response("put_rule", {"RuleArn": ARN}, put_rule_params())

    result = runner.run(mod.main, args())

    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["enabled"] is False
    assert result.result["diff"]["before"]["description"] == ""
    assert result.result["diff"]["after"]["event_pattern"] == PATTERN


def test_a_foreign_target_is_removed_and_a_moved_target_put_again(runner):
    stub = runner.stub("events")
    describe(stub, rule())
    targets(stub, {"sqs": OTHER_ARN, "added-by-hand": OTHER_ARN})
    tags(stub, TAGS)
    stub.add_response(
        "remove_targets", {"FailedEntryCount": 0, "FailedEntries": []}, {"Rule": NAME, "Ids": ["added-by-hand"]}
    )
    stub.add_response(
        "put_targets",
        {"FailedEntryCount": 0, "FailedEntries": []},
        {"Rule": NAME, "Targets": [{"Id": "sqs", "Arn": QUEUE_ARN}]},
    )

    result = runner.run(mod.main, args())

    assert result.result["changed"] is True
    assert [t["id"] for t in result.result["diff"]["before"]["targets"]] == ["added-by-hand", "sqs"]
    assert result.result["rule"]["targets"] == [{"id": "sqs", "arn": QUEUE_ARN}]


def test_check_mode_reports_a_foreign_target_and_writes_nothing(runner):
    stub = runner.stub("events")
    describe(stub, rule())
    targets(stub, {"sqs": QUEUE_ARN, "added-by-hand": OTHER_ARN})
    tags(stub, TAGS)

    result = runner.run(mod.main, args(_ansible_check_mode=True))

    assert result.result["changed"] is True
    assert result.result["rule"]["targets"] == [{"id": "sqs", "arn": QUEUE_ARN}]


def test_purge_targets_false_leaves_other_targets(runner):
    stub = runner.stub("events")
    describe(stub, rule())
    targets(stub, {"sqs": QUEUE_ARN, "added-by-hand": OTHER_ARN})
    tags(stub, TAGS)

    result = runner.run(mod.main, args(purge_targets=False))

    assert result.result["changed"] is False
    assert len(result.result["rule"]["targets"]) == 2


def test_tags_are_changed_with_tag_and_untag(runner):
    stub = runner.stub("events")
    describe(stub, rule())
    targets(stub, {"sqs": QUEUE_ARN})
    tags(stub, {"Project": "storytime", "Owner": "someone"})
    stub.add_response("untag_resource", {}, {"ResourceARN": ARN, "TagKeys": ["Owner"]})
    stub.add_response("tag_resource", {}, {"ResourceARN": ARN, "Tags": [{"Key": "Environment", "Value": "unit"}]})

    result = runner.run(mod.main, args())

    assert result.result["changed"] is True
    assert result.result["rule"]["tags"] == TAGS


def test_a_target_eventbridge_refuses_fails_naming_it(runner):
    stub = runner.stub("events")
    describe(stub, rule())
    targets(stub, {})
    tags(stub, TAGS)
    stub.add_response(
        "put_targets",
        {
            "FailedEntryCount": 1,
            "FailedEntries": [{"TargetId": "sqs", "ErrorCode": "ValidationException", "ErrorMessage": "bad arn"}],
        },
        {"Rule": NAME, "Targets": [{"Id": "sqs", "Arn": QUEUE_ARN}]},
    )

    result = runner.run(mod.main, args())

    assert result.failed
    assert "Failed to put targets of rule" in result.result["msg"]
    assert "sqs: ValidationException bad arn" in result.result["msg"]


def test_more_than_five_targets_fail_before_any_write(runner):
    stub = runner.stub("events")
    describe(stub, rule())
    targets(stub, {})
    tags(stub, TAGS)
    many = [{"id": f"t{i}", "arn": QUEUE_ARN} for i in range(6)]

    result = runner.run(mod.main, args(targets=many))

    assert result.failed
    assert "would have 6 targets; EventBridge allows 5" in result.result["msg"]


def test_duplicate_target_ids_fail(runner):
    runner.stub("events")
    result = runner.run(mod.main, args(targets=[{"id": "sqs", "arn": QUEUE_ARN}, {"id": "sqs", "arn": OTHER_ARN}]))

    assert result.failed
    assert "targets has the id sqs twice" in result.result["msg"]


def test_absent_removes_the_targets_then_the_rule(runner):
    stub = runner.stub("events")
    describe(stub, rule())
    targets(stub, {"sqs": QUEUE_ARN})
    stub.add_response("remove_targets", {"FailedEntryCount": 0, "FailedEntries": []}, {"Rule": NAME, "Ids": ["sqs"]})
    stub.add_response("delete_rule", {}, {"Name": NAME})

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.result["changed"] is True
    assert result.result["diff"]["after"] == {}
    assert result.result["diff"]["before"]["name"] == NAME


def test_absent_on_a_missing_rule_changes_nothing(runner):
    stub = runner.stub("events")
    describe(stub, None)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.result == {"changed": False}


def test_present_needs_an_event_pattern(runner):
    result = runner.run(mod.main, {"name": NAME})

    assert result.failed
    assert "event_pattern" in result.result["msg"]
