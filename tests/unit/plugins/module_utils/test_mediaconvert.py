"""The MediaConvert settings comparison, names/ARNs, string maps, job results and job polling (no AWS calls)."""

import copy
import datetime

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import mediaconvert as mc


def hls_output(modifier, width, height, max_bitrate, audio_bitrate):
    return {
        "NameModifier": modifier,
        "ContainerSettings": {"Container": "M3U8", "M3u8Settings": {}},
        "VideoDescription": {
            "Width": width,
            "Height": height,
            "CodecSettings": {
                "Codec": "H_264",
                "H264Settings": {
                    "RateControlMode": "QVBR",
                    "MaxBitrate": max_bitrate,
                    "QvbrSettings": {"QvbrQualityLevel": 7},
                    "SceneChangeDetect": "TRANSITION_DETECTION",
                },
            },
        },
        "AudioDescriptions": [
            {
                "CodecSettings": {
                    "Codec": "AAC",
                    "AacSettings": {"Bitrate": audio_bitrate, "CodingMode": "CODING_MODE_2_0", "SampleRate": 48000},
                }
            }
        ],
    }


def desired_hls():
    """An HLS template as a person writes it: only what matters, some keys explicitly empty or null."""
    return {
        "TimecodeConfig": {"Source": "ZEROBASED"},
        "Inputs": [
            {
                "TimecodeSource": "ZEROBASED",
                "AudioSelectors": {"Audio Selector 1": {"DefaultSelection": "DEFAULT"}},
                "CaptionSelectors": {},
            }
        ],
        "OutputGroups": [
            {
                "Name": "Apple HLS",
                "OutputGroupSettings": {
                    "Type": "HLS_GROUP_SETTINGS",
                    "HlsGroupSettings": {
                        "Destination": "s3://storytime-hls-outputs-unit/books/",
                        "SegmentLength": 6,
                        "MinSegmentLength": 0,
                        "MinFinalSegmentLength": 0,
                        "DirectoryStructure": "SINGLE_DIRECTORY",
                        "ManifestDurationFormat": "INTEGER",
                        "SegmentControl": "SEGMENTED_FILES",
                        "AdditionalManifests": [],
                        "BaseUrl": "",
                    },
                },
                "Outputs": [
                    hls_output("_720p", 1280, 720, 3000000, 96000),
                    hls_output("_360p", 640, 360, 800000, 64000),
                ],
                "CustomName": None,
            }
        ],
    }


def returned_hls():
    """The same template as GetJobTemplate may echo it: service defaults filled in, nulls, floats, empty lists."""
    doc = copy.deepcopy(desired_hls())
    doc["AdAvailOffset"] = 0
    doc["Inputs"][0].pop("CaptionSelectors")
    doc["Inputs"][0].update(
        {
            "FilterEnable": "AUTO",
            "PsiControl": "USE_PSI",
            "FilterStrength": 0,
            "DeblockFilter": "DISABLED",
            "DenoiseFilter": "DISABLED",
            "VideoSelector": {"ColorSpace": "FOLLOW", "Rotate": "DEGREE_0"},
        }
    )
    doc["Inputs"][0]["AudioSelectors"]["Audio Selector 1"].update({"Offset": 0, "ProgramSelection": 1})
    group = doc["OutputGroups"][0]
    group.pop("CustomName")
    hls = group["OutputGroupSettings"]["HlsGroupSettings"]
    hls.update(
        {
            "MinFinalSegmentLength": 0.0,
            "SegmentLength": 6,
            "ManifestCompression": "NONE",
            "ClientCache": "ENABLED",
            "CodecSpecification": "RFC_4281",
            "OutputSelection": "MANIFESTS_AND_SEGMENTS",
            "ProgramDateTime": "EXCLUDE",
            "StreamInfResolution": "INCLUDE",
            "TimedMetadataId3Frame": "PRIV",
            "CaptionLanguageSetting": "OMIT",
            "AdditionalManifests": None,
        }
    )
    hls.pop("BaseUrl")
    for output in group["Outputs"]:
        output["ContainerSettings"]["M3u8Settings"].update(
            {
                "AudioFramesPerPes": 4,
                "PcrControl": "PCR_EVERY_PES_PACKET",
                "PmtPid": 480,
                "ProgramNumber": 1,
                "VideoPid": 481,
                "AudioPids": [482, 483, 484],
            }
        )
        video = output["VideoDescription"]
        video.update(
            {
                "ScalingBehavior": "DEFAULT",
                "TimecodeInsertion": "DISABLED",
                "AntiAlias": "ENABLED",
                "Sharpness": 50,
                "AfdSignaling": "NONE",
                "DropFrameTimecode": "ENABLED",
                "RespondToAfd": "NONE",
                "ColorMetadata": "INSERT",
            }
        )
        video["CodecSettings"]["H264Settings"].update(
            {"InterlaceMode": "PROGRESSIVE", "NumberReferenceFrames": 3, "GopSize": 90.0, "Syntax": "DEFAULT"}
        )
        output["AudioDescriptions"][0].update(
            {"AudioTypeControl": "FOLLOW_INPUT", "LanguageCodeControl": "FOLLOW_INPUT", "AudioSourceName": None}
        )
        output["CaptionDescriptions"] = []
    return doc


# ---------------------------------------------------------------------------------------------
# settings_differences / settings_match


def test_realistic_hls_template_with_service_defaults_matches():
    assert mc.settings_differences(desired_hls(), returned_hls()) == []
    assert mc.settings_match(desired_hls(), returned_hls())


def test_identical_documents_match():
    assert mc.settings_match(desired_hls(), desired_hls())
    assert mc.settings_match(returned_hls(), returned_hls())


def test_changed_rendition_height_is_reported_by_path():
    desired = desired_hls()
    desired["OutputGroups"][0]["Outputs"][1]["VideoDescription"]["Height"] = 480

    assert mc.settings_differences(desired, returned_hls()) == ["OutputGroups[0].Outputs[1].VideoDescription.Height"]


def test_every_difference_is_reported():
    desired = desired_hls()
    desired["TimecodeConfig"]["Source"] = "EMBEDDED"
    desired["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"]["Destination"] = "s3://other/"
    desired["OutputGroups"][0]["Outputs"][0]["AudioDescriptions"][0]["CodecSettings"]["AacSettings"]["Bitrate"] = 128000

    assert mc.settings_differences(desired, returned_hls()) == [
        "TimecodeConfig.Source",
        "OutputGroups[0].OutputGroupSettings.HlsGroupSettings.Destination",
        "OutputGroups[0].Outputs[0].AudioDescriptions[0].CodecSettings.AacSettings.Bitrate",
    ]


def test_key_with_spaces_in_a_map_is_part_of_the_path():
    desired = desired_hls()
    desired["Inputs"][0]["AudioSelectors"]["Audio Selector 1"]["DefaultSelection"] = "NOT_DEFAULT"

    assert mc.settings_differences(desired, returned_hls()) == [
        "Inputs[0].AudioSelectors.Audio Selector 1.DefaultSelection"
    ]


def test_a_selector_missing_from_the_template_differs():
    desired = desired_hls()
    desired["Inputs"][0]["AudioSelectors"]["Audio Selector 2"] = {"Tracks": [2]}

    assert mc.settings_differences(desired, returned_hls()) == ["Inputs[0].AudioSelectors.Audio Selector 2.Tracks"]


def test_swapped_renditions_differ_because_order_is_meaningful():
    desired = desired_hls()
    outputs = desired["OutputGroups"][0]["Outputs"]
    outputs.reverse()

    differences = mc.settings_differences(desired, returned_hls())

    assert "OutputGroups[0].Outputs[0].NameModifier" in differences
    assert "OutputGroups[0].Outputs[1].VideoDescription.Width" in differences


def test_an_added_or_removed_rendition_differs_on_the_list():
    added = desired_hls()
    added["OutputGroups"][0]["Outputs"].append(hls_output("_1080p", 1920, 1080, 6000000, 128000))
    removed = desired_hls()
    removed["OutputGroups"][0]["Outputs"].pop()

    assert mc.settings_differences(added, returned_hls()) == ["OutputGroups[0].Outputs"]
    assert mc.settings_differences(removed, returned_hls()) == ["OutputGroups[0].Outputs"]


def test_a_key_only_in_the_template_is_ignored():
    """The documented limit of the subset rule: a key removed from the desired document is not noticed."""
    returned = returned_hls()
    returned["OutputGroups"][0]["Outputs"][0]["VideoDescription"]["CodecSettings"]["H264Settings"]["Bitrate"] = 1

    assert mc.settings_match(desired_hls(), returned)


@pytest.mark.parametrize("current", [None, [], "absent"], ids=["null", "empty", "missing"])
def test_empty_desired_list_matches_missing_null_or_empty(current):
    returned = {"Other": 1} if current == "absent" else {"Other": 1, "AdditionalManifests": current}

    assert mc.settings_match({"AdditionalManifests": []}, returned)


def test_empty_desired_list_does_not_match_a_non_empty_one():
    returned = {"AdditionalManifests": [{"ManifestNameModifier": "-audio"}]}

    assert mc.settings_differences({"AdditionalManifests": []}, returned) == ["AdditionalManifests"]


@pytest.mark.parametrize("desired", [{}, "", []], ids=["dict", "string", "list"])
def test_every_kind_of_empty_matches_missing(desired):
    assert mc.settings_match({"Key": desired}, {})
    assert mc.settings_match({"Key": desired}, {"Key": None})


def test_empty_desired_dict_matches_a_dict_the_service_filled_with_defaults():
    returned = {"ContainerSettings": {"Container": "M3U8", "M3u8Settings": {"PmtPid": 480, "AudioPids": [482]}}}

    assert mc.settings_match({"ContainerSettings": {"Container": "M3U8", "M3u8Settings": {}}}, returned)


def test_empty_desired_dict_does_not_match_a_value_of_another_type():
    assert mc.settings_differences({"M3u8Settings": {}}, {"M3u8Settings": "x"}) == ["M3u8Settings"]
    assert mc.settings_differences({"M3u8Settings": {}}, {"M3u8Settings": [1]}) == ["M3u8Settings"]


@pytest.mark.parametrize("desired", ["", []], ids=["string", "list"])
def test_empty_desired_string_or_list_does_not_match_a_non_empty_value(desired):
    assert mc.settings_differences({"Key": desired}, {"Key": "x" if desired == "" else ["x"]}) == ["Key"]


def test_nested_dict_missing_from_the_template_reports_the_leaf():
    assert mc.settings_differences({"A": {"B": {"C": 1}}}, {}) == ["A.B.C"]
    assert mc.settings_differences({"A": {"B": 1}}, {"A": None}) == ["A.B"]


def test_null_desired_value_is_not_compared():
    assert mc.settings_match({"CustomName": None, "Name": "a"}, {"Name": "a", "CustomName": "b"})


def test_null_or_missing_current_value_differs_from_a_set_one():
    assert mc.settings_differences({"Name": "a"}, {"Name": None}) == ["Name"]
    assert mc.settings_differences({"Name": "a"}, {}) == ["Name"]
    assert mc.settings_differences({"Name": "a"}, None) == ["Name"]
    assert mc.settings_differences(["a"], None) == ["."]


@pytest.mark.parametrize(
    ("desired", "current", "match"),
    [
        (6, 6.0, True),
        (0, 0.0, True),
        (0.5, 0.5, True),
        (6, 6.5, False),
        (True, True, True),
        (True, 1, False),
        (1, True, False),
        (False, 0, False),
        ("6", 6, False),
        ("H_264", "h_264", False),
        ("H_264", "H_264", True),
    ],
)
def test_scalars(desired, current, match):
    assert mc.settings_match({"V": desired}, {"V": current}) is match


@pytest.mark.parametrize(
    ("desired", "current"),
    [({"A": 1}, "A"), ([1], {"0": 1}), ("x", ["x"]), ({"A": 1}, [{"A": 1}])],
    ids=["dict-vs-str", "list-vs-dict", "str-vs-list", "dict-vs-list"],
)
def test_type_mismatch_differs(desired, current):
    assert mc.settings_differences({"K": desired}, {"K": current}) == ["K"]


def test_list_elements_compare_as_subsets():
    assert mc.settings_match({"L": [{"A": 1}, {"B": 2}]}, {"L": [{"A": 1, "X": 0}, {"B": 2.0, "Y": None}]})
    assert mc.settings_differences({"L": [{"A": 1}, {"B": 2}]}, {"L": [{"A": 1}, {"B": 3}]}) == ["L[1].B"]


def test_scalar_list_compares_in_order():
    assert mc.settings_match({"AudioPids": [482, 483]}, {"AudioPids": [482, 483]})
    assert not mc.settings_match({"AudioPids": [482, 483]}, {"AudioPids": [483, 482]})


def test_strip_nulls_drops_null_keys_at_any_depth_and_keeps_the_rest():
    doc = {"A": None, "B": {"C": None, "D": 0, "E": [{"F": None, "G": ""}, []]}, "H": []}

    assert mc.strip_nulls(doc) == {"B": {"D": 0, "E": [{"G": ""}, []]}, "H": []}
    assert doc["A"] is None  # the input is not changed


def test_stripped_desired_document_matches_what_it_is_compared_with():
    stripped = mc.strip_nulls(desired_hls())

    assert "CustomName" not in stripped["OutputGroups"][0]
    assert mc.settings_match(stripped, returned_hls())


# ---------------------------------------------------------------------------------------------
# names and ARNs


def test_resource_name_takes_the_last_part_of_an_arn():
    assert mc.resource_name("arn:aws:mediaconvert:eu-west-1:123456789012:queues/hls") == "hls"
    assert mc.resource_name("arn:aws:mediaconvert:eu-west-1:123456789012:jobTemplates/t") == "t"
    assert mc.resource_name("hls") == "hls"
    assert mc.resource_name(None) is None


def test_same_resource_compares_names_unless_both_are_arns():
    arn = "arn:aws:mediaconvert:eu-west-1:123456789012:queues/hls"
    assert mc.same_resource("hls", arn)
    assert mc.same_resource(arn, "hls")
    assert mc.same_resource(arn, arn)
    assert not mc.same_resource("other", arn)
    assert not mc.same_resource(arn.replace("eu-west-1", "us-east-1"), arn)
    assert not mc.same_resource("hls", None)
    assert mc.same_resource(None, None)


# ---------------------------------------------------------------------------------------------
# string maps


def test_string_map_turns_numbers_into_strings():
    assert mc.string_map("user_metadata", {"book_id": 42, "ratio": 1.5, "name": "x"}) == {
        "book_id": "42",
        "ratio": "1.5",
        "name": "x",
    }
    assert mc.string_map("tags", None) is None


@pytest.mark.parametrize("value", [True, None, [1], {"a": 1}])
def test_string_map_refuses_values_that_are_not_scalars(value):
    with pytest.raises(mc.MediaConvertError, match="user_metadata values must be strings; k is"):
        mc.string_map("user_metadata", {"k": value})


# ---------------------------------------------------------------------------------------------
# jobs


def test_job_to_result_converts_names_but_not_user_keys():
    created = datetime.datetime(2025, 1, 31, 10, 15, 42, tzinfo=datetime.UTC)
    job = {
        "Id": "1-abc",
        "Status": "COMPLETE",
        "CreatedAt": created,
        "UserMetadata": {"BookId": "42"},
        "OutputGroupDetails": [{"OutputDetails": [{"DurationInMs": 1000, "VideoDetails": {"WidthInPx": 640}}]}],
        "Timing": {"SubmitTime": created},
        "Warnings": [{"Code": 230001, "Count": 2}],
    }

    result = mc.job_to_result(job)

    assert result["id"] == "1-abc"
    assert result["created_at"] == "2025-01-31T10:15:42+00:00"
    assert result["user_metadata"] == {"BookId": "42"}
    assert result["output_group_details"] == [
        {"output_details": [{"duration_in_ms": 1000, "video_details": {"width_in_px": 640}}]}
    ]
    assert result["timing"] == {"submit_time": "2025-01-31T10:15:42+00:00", "start_time": None, "finish_time": None}
    assert result["warnings"] == [{"code": 230001, "count": 2}]
    assert result["messages"] == {"info": [], "warning": []}
    assert result["error_code"] is None


class FakeClock:
    """Stands in for the time module: sleeping advances the clock at once."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FakeClient:
    """get_job answers from a list of statuses."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.calls = 0

    def get_job(self, aws_retry, Id):
        assert aws_retry is True
        self.calls += 1
        return {"Job": {"Id": Id, "Status": self.statuses.pop(0)}}


def test_wait_for_job_polls_until_finished(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(mc, "time", clock)
    client = FakeClient(["PROGRESSING", "PROGRESSING", "COMPLETE"])

    job = mc.wait_for_job(client, {"Id": "1-abc", "Status": "SUBMITTED"}, timeout=60, delay=10)

    assert job["Status"] == "COMPLETE"
    assert client.calls == 3
    assert clock.sleeps == [10, 10, 10]


def test_wait_for_a_finished_job_makes_no_call(monkeypatch):
    monkeypatch.setattr(mc, "time", FakeClock())
    client = FakeClient([])

    assert mc.wait_for_job(client, {"Id": "1-abc", "Status": "ERROR"}, timeout=60, delay=10)["Status"] == "ERROR"
    assert client.calls == 0


def test_wait_for_job_times_out_with_the_last_job(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(mc, "time", clock)
    client = FakeClient(["PROGRESSING"] * 10)

    with pytest.raises(mc.JobWaitTimeout) as exc_info:
        mc.wait_for_job(client, {"Id": "1-abc", "Status": "SUBMITTED"}, timeout=25, delay=10)

    assert exc_info.value.job["Status"] == "PROGRESSING"
    assert "25 seconds" in exc_info.value.message and "1-abc" in exc_info.value.message
    # The last sleep is cut to the time left: the wait never overshoots the timeout.
    assert clock.sleeps == [10, 10, 5]
    assert client.calls == 3
