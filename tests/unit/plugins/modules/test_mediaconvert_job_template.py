"""Call sequences of mediaconvert_job_template against a stubbed MediaConvert client."""

import copy
import datetime

import pytest
from ansible_collections.storytime.video_infra.plugins.modules import mediaconvert_job_template as mod

NAME = "storytime-unit-hls"
ARN = f"arn:aws:mediaconvert:eu-west-1:123456789012:jobTemplates/{NAME}"
QUEUE = "storytime-unit-queue"
QUEUE_ARN = f"arn:aws:mediaconvert:eu-west-1:123456789012:queues/{QUEUE}"
DEFAULT_QUEUE_ARN = "arn:aws:mediaconvert:eu-west-1:123456789012:queues/Default"
CREATED = datetime.datetime(2025, 1, 31, 10, 15, 42, tzinfo=datetime.UTC)
LATER = datetime.datetime(2025, 2, 1, 8, 0, 0, tzinfo=datetime.UTC)
TAGS = {"Project": "storytime"}


def rendition(modifier, width, height, bitrate):
    return {
        "NameModifier": modifier,
        "ContainerSettings": {"Container": "M3U8"},
        "VideoDescription": {
            "Width": width,
            "Height": height,
            "CodecSettings": {"Codec": "H_264", "H264Settings": {"RateControlMode": "QVBR", "MaxBitrate": bitrate}},
        },
        "AudioDescriptions": [
            {
                "CodecSettings": {
                    "Codec": "AAC",
                    "AacSettings": {"Bitrate": 96000, "CodingMode": "CODING_MODE_2_0", "SampleRate": 48000},
                }
            }
        ],
    }


def settings():
    """HLS settings as written in a playbook."""
    return {
        "TimecodeConfig": {"Source": "ZEROBASED"},
        "Inputs": [{"AudioSelectors": {"Audio Selector 1": {"DefaultSelection": "DEFAULT"}}}],
        "OutputGroups": [
            {
                "Name": "Apple HLS",
                "OutputGroupSettings": {
                    "Type": "HLS_GROUP_SETTINGS",
                    "HlsGroupSettings": {
                        "Destination": "s3://storytime-hls-outputs-unit/books/",
                        "SegmentLength": 6,
                        "MinSegmentLength": 0,
                    },
                },
                "Outputs": [rendition("_720p", 1280, 720, 3000000), rendition("_360p", 640, 360, 800000)],
            }
        ],
    }


def echoed(doc):
    """``doc`` as GetJobTemplate echoes it, with service defaults filled in."""
    doc = copy.deepcopy(doc)
    doc["AdAvailOffset"] = 0
    doc["Inputs"][0].update({"FilterEnable": "AUTO", "PsiControl": "USE_PSI", "DeblockFilter": "DISABLED"})
    hls = doc["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"]
    hls.update({"MinFinalSegmentLength": 0.0, "ManifestCompression": "NONE", "AdditionalManifests": []})
    for output in doc["OutputGroups"][0]["Outputs"]:
        output["VideoDescription"].update({"ScalingBehavior": "DEFAULT", "Sharpness": 50, "AntiAlias": "ENABLED"})
        output["ContainerSettings"]["M3u8Settings"] = {"PmtPid": 480, "AudioPids": [482]}
    return doc


def template(doc=None, description="HLS (unit)", queue=QUEUE_ARN, template_type="CUSTOM", updated=CREATED, **extra):
    t = {
        "Arn": ARN,
        "Name": NAME,
        "Description": description,
        "Queue": queue,
        "Settings": echoed(settings()) if doc is None else doc,
        "Type": template_type,
        "Priority": 0,
        "StatusUpdateInterval": "SECONDS_60",
        "CreatedAt": CREATED,
        "LastUpdated": updated,
    }
    t.update(extra)
    return t


def get_template(stub, found):
    stub.add_response("get_job_template", {"JobTemplate": found}, {"Name": NAME})


def template_missing(stub):
    stub.add_client_error(
        "get_job_template", "NotFoundException", "Job template not found", 404, expected_params={"Name": NAME}
    )


def list_tags(stub, tags):
    stub.add_response("list_tags_for_resource", {"ResourceTags": {"Arn": ARN, "Tags": tags}}, {"Arn": ARN})


def args(**extra):
    return {"name": NAME, "description": "HLS (unit)", "queue": QUEUE, "settings": settings(), **extra}


# ---------------------------------------------------------------------------------------------
# present


def test_create_sends_the_settings_and_tags(runner):
    stub = runner.stub("mediaconvert")
    template_missing(stub)
    stub.add_response(
        "create_job_template",
        {"JobTemplate": template()},
        {
            "Name": NAME,
            "Description": "HLS (unit)",
            "Queue": QUEUE,
            "Settings": settings(),
            "StatusUpdateInterval": "SECONDS_30",
            "Tags": TAGS,
        },
    )

    result = runner.run(mod.main, args(status_update_interval="SECONDS_30", tags=TAGS))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    after = result.result["job_template"]
    assert after["arn"] == ARN
    assert after["queue"] == QUEUE_ARN
    assert after["settings"]["OutputGroups"][0]["Outputs"][1]["NameModifier"] == "_360p"
    assert after["tags"] == TAGS
    assert after["created_at"] == "2025-01-31T10:15:42+00:00"
    assert result.result["changed_fields"] == ["description", "queue", "settings", "status_update_interval", "tags"]
    assert result.result["diff"]["before"] == {}


def test_create_drops_null_keys_from_the_settings(runner):
    doc = settings()
    doc["OutputGroups"][0]["CustomName"] = None
    stub = runner.stub("mediaconvert")
    template_missing(stub)
    stub.add_response("create_job_template", {"JobTemplate": template()}, {"Name": NAME, "Settings": settings()})

    result = runner.run(mod.main, {"name": NAME, "settings": doc})

    assert not result.failed, result.result


def test_create_without_settings_fails_without_writing(runner):
    stub = runner.stub("mediaconvert")
    template_missing(stub)

    result = runner.run(mod.main, {"name": NAME, "description": "x"})

    assert result.failed
    assert result.result["msg"] == f"settings is required to create job template {NAME}"


def test_identical_run_with_echoed_defaults_makes_no_write_call(runner):
    """The template holds service defaults, the queue as an ARN, the default priority and interval."""
    stub = runner.stub("mediaconvert")
    get_template(stub, template())
    list_tags(stub, dict(TAGS))

    result = runner.run(mod.main, args(priority=0, status_update_interval="SECONDS_60", tags=TAGS))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["changed_fields"] == []
    assert result.result["settings_differences"] == []
    assert "diff" not in result.result


def test_default_priority_and_interval_match_a_template_that_reports_none(runner):
    stub = runner.stub("mediaconvert")
    found = template()
    del found["Priority"], found["StatusUpdateInterval"]
    get_template(stub, found)
    list_tags(stub, {})

    result = runner.run(mod.main, args(priority=0, status_update_interval="SECONDS_60"))

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_update_of_the_description_sends_only_the_description(runner):
    stub = runner.stub("mediaconvert")
    get_template(stub, template())
    list_tags(stub, {})
    stub.add_response(
        "update_job_template",
        {"JobTemplate": template(description="new words", updated=LATER)},
        {"Name": NAME, "Description": "new words"},
    )

    result = runner.run(mod.main, args(description="new words"))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["changed_fields"] == ["description"]
    assert result.result["settings_differences"] == []
    assert result.result["job_template"]["description"] == "new words"
    assert result.result["diff"]["before"]["description"] == "HLS (unit)"


def test_changed_rendition_sends_the_whole_settings_document_only(runner):
    doc = settings()
    doc["OutputGroups"][0]["Outputs"][1]["VideoDescription"]["Height"] = 480
    doc["OutputGroups"][0]["Outputs"][1]["VideoDescription"]["Width"] = 854
    stub = runner.stub("mediaconvert")
    get_template(stub, template())
    list_tags(stub, {})
    stub.add_response(
        "update_job_template",
        {"JobTemplate": template(doc=echoed(doc), updated=LATER)},
        {"Name": NAME, "Settings": doc},
    )

    result = runner.run(mod.main, args(settings=doc))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["changed_fields"] == ["settings"]
    assert result.result["settings_differences"] == [
        "OutputGroups[0].Outputs[1].VideoDescription.Width",
        "OutputGroups[0].Outputs[1].VideoDescription.Height",
    ]
    assert result.result["job_template"]["settings"]["OutputGroups"][0]["Outputs"][1]["VideoDescription"]["Height"] == (
        480
    )


def test_queue_by_another_name_updates_the_queue(runner):
    stub = runner.stub("mediaconvert")
    get_template(stub, template(queue=DEFAULT_QUEUE_ARN))
    list_tags(stub, {})
    stub.add_response("update_job_template", {"JobTemplate": template()}, {"Name": NAME, "Queue": QUEUE})

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["changed_fields"] == ["queue"]


def test_acceleration_priority_and_hops(runner):
    hops = [{"queue": "spare", "wait_minutes": 30}]
    stub = runner.stub("mediaconvert")
    get_template(stub, template(AccelerationSettings={"Mode": "DISABLED"}))
    list_tags(stub, {})
    stub.add_response(
        "update_job_template",
        {
            "JobTemplate": template(
                AccelerationSettings={"Mode": "PREFERRED"},
                Priority=10,
                HopDestinations=[
                    {"Queue": "arn:aws:mediaconvert:eu-west-1:123456789012:queues/spare", "WaitMinutes": 30}
                ],
            )
        },
        {
            "Name": NAME,
            "AccelerationSettings": {"Mode": "PREFERRED"},
            "Priority": 10,
            "HopDestinations": [{"Queue": "spare", "WaitMinutes": 30}],
        },
    )

    result = runner.run(mod.main, args(acceleration_settings={"mode": "PREFERRED"}, priority=10, hop_destinations=hops))

    assert not result.failed, result.result
    assert result.result["changed_fields"] == ["acceleration_settings", "priority", "hop_destinations"]
    after = result.result["job_template"]
    assert after["acceleration_settings"] == {"mode": "PREFERRED"}
    assert after["hop_destinations"] == [
        {"queue": "arn:aws:mediaconvert:eu-west-1:123456789012:queues/spare", "wait_minutes": 30}
    ]


def test_hops_reported_by_arn_match_hops_given_by_name(runner):
    stub = runner.stub("mediaconvert")
    get_template(
        stub,
        template(
            AccelerationSettings={"Mode": "PREFERRED"},
            HopDestinations=[
                {"Queue": "arn:aws:mediaconvert:eu-west-1:123456789012:queues/spare", "WaitMinutes": 30, "Priority": 0}
            ],
        ),
    )
    list_tags(stub, {})

    result = runner.run(
        mod.main,
        args(acceleration_settings={"mode": "PREFERRED"}, hop_destinations=[{"queue": "spare", "wait_minutes": 30}]),
    )

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_empty_hop_list_removes_hops(runner):
    stub = runner.stub("mediaconvert")
    get_template(stub, template(HopDestinations=[{"WaitMinutes": 30}]))
    list_tags(stub, {})
    stub.add_response("update_job_template", {"JobTemplate": template()}, {"Name": NAME, "HopDestinations": []})

    result = runner.run(mod.main, args(hop_destinations=[]))

    assert not result.failed, result.result
    assert result.result["changed_fields"] == ["hop_destinations"]


def test_acceleration_disabled_matches_a_template_without_acceleration(runner):
    stub = runner.stub("mediaconvert")
    get_template(stub, template())
    list_tags(stub, {})

    result = runner.run(mod.main, args(acceleration_settings={"mode": "DISABLED"}))

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_only_tags_changed_makes_no_template_update(runner):
    stub = runner.stub("mediaconvert")
    get_template(stub, template())
    list_tags(stub, {"Old": "x"})
    stub.add_response("untag_resource", {}, {"Arn": ARN, "TagKeys": ["Old"]})
    stub.add_response("tag_resource", {}, {"Arn": ARN, "Tags": TAGS})

    result = runner.run(mod.main, args(tags=TAGS))

    assert not result.failed, result.result
    assert result.result["changed_fields"] == ["tags"]
    assert result.result["job_template"]["tags"] == TAGS


def test_unset_options_leave_the_template_alone(runner):
    stub = runner.stub("mediaconvert")
    get_template(stub, template(description="by hand", Category="c"))
    list_tags(stub, {"Owner": "someone"})

    result = runner.run(mod.main, {"name": NAME})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["job_template"]["description"] == "by hand"
    assert result.result["job_template"]["category"] == "c"


def test_throttling_is_retried(runner):
    stub = runner.stub("mediaconvert")
    stub.add_client_error("get_job_template", "TooManyRequestsException", "Too many requests", 429)
    get_template(stub, template())
    list_tags(stub, {})
    stub.add_client_error("update_job_template", "TooManyRequestsException", "Too many requests", 429)
    stub.add_response(
        "update_job_template", {"JobTemplate": template(description="x")}, {"Name": NAME, "Description": "x"}
    )

    result = runner.run(mod.main, args(description="x"))

    assert not result.failed, result.result
    assert result.result["changed"] is True


def test_system_template_is_refused(runner):
    stub = runner.stub("mediaconvert")
    get_template(stub, template(template_type="SYSTEM"))

    result = runner.run(mod.main, args())

    assert result.failed
    assert "system template" in result.result["msg"]


def test_bad_request_is_reported_with_its_code(runner):
    stub = runner.stub("mediaconvert")
    template_missing(stub)
    stub.add_client_error("create_job_template", "BadRequestException", "/outputGroups/0: Invalid type", 400)

    result = runner.run(mod.main, args())

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to create job template {NAME}")
    assert result.result["error"]["code"] == "BadRequestException"


# ---------------------------------------------------------------------------------------------
# check mode


def test_check_mode_predicts_creation_without_writing(runner):
    stub = runner.stub("mediaconvert")
    template_missing(stub)

    result = runner.run(mod.main, args(tags=TAGS, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    after = result.result["job_template"]
    assert after["arn"] is None
    assert after["settings"] == settings()
    assert after["queue"] == QUEUE
    assert after["type"] == "CUSTOM"
    assert after["tags"] == TAGS


def test_check_mode_predicts_an_update_without_writing(runner):
    doc = settings()
    doc["TimecodeConfig"]["Source"] = "EMBEDDED"
    stub = runner.stub("mediaconvert")
    get_template(stub, template())
    list_tags(stub, {})

    result = runner.run(mod.main, args(settings=doc, tags=TAGS, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["changed_fields"] == ["settings", "tags"]
    assert result.result["settings_differences"] == ["TimecodeConfig.Source"]
    assert result.result["job_template"]["settings"] == doc
    assert result.result["job_template"]["last_updated"] is None
    assert result.result["job_template"]["tags"] == TAGS


# ---------------------------------------------------------------------------------------------
# absent


def test_delete(runner):
    stub = runner.stub("mediaconvert")
    get_template(stub, template())
    stub.add_response("delete_job_template", {}, {"Name": NAME})

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["arn"] == ARN
    assert result.result["diff"]["after"] == {}


def test_delete_of_a_missing_template_is_a_no_op(runner):
    stub = runner.stub("mediaconvert")
    template_missing(stub)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result == {"changed": False}


def test_delete_in_check_mode_writes_nothing(runner):
    stub = runner.stub("mediaconvert")
    get_template(stub, template())

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True


# ---------------------------------------------------------------------------------------------
# input checked before any AWS client exists


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"priority": 51}, "priority must be between -50 and 50, got 51"),
        ({"hop_destinations": [{"wait_minutes": 5, "priority": -51}]}, "hop_destinations[].priority"),
        ({"hop_destinations": [{"wait_minutes": 0}]}, "wait_minutes must be at least 1"),
        ({"name": ""}, "name must not be empty"),
    ],
    ids=["priority", "hop-priority", "hop-wait", "empty-name"],
)
def test_bad_input_fails_before_any_call(runner, extra, expected):
    result = runner.run(mod.main, args(**extra))

    assert result.failed
    assert expected in result.result["msg"]
    assert runner.client_requests == []
