"""The HLS ladder settings are valid against botocore's MediaConvert model, enums and maximums included."""

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import hls_ladder
from ansible_collections.storytime.video_infra.plugins.module_utils.service_model import request_problems


def test_job_settings_are_valid_for_create_job():
    settings = hls_ladder.job_settings(
        "s3://storytime-master-uploads-dev/masters/book-42.mp4",
        hls_ladder.destination_for("storytime-hls-outputs-dev", "42"),
    )
    assert request_problems("mediaconvert", "CreateJob", settings, "Settings") == []


def test_template_settings_are_valid_for_create_job_template():
    settings = hls_ladder.template_settings()
    assert request_problems("mediaconvert", "CreateJobTemplate", settings, "Settings") == []


def test_ladder_has_aligned_keyframes_and_three_or_more_renditions():
    settings = hls_ladder.job_settings("s3://b/k.mp4", "s3://o/books/1/index")
    (group,) = settings["OutputGroups"]
    hls = group["OutputGroupSettings"]["HlsGroupSettings"]
    assert hls["SegmentLength"] == 6 and hls["Destination"] == "s3://o/books/1/index"
    outputs = group["Outputs"]
    assert len(outputs) >= 3
    h264 = [o["VideoDescription"]["CodecSettings"]["H264Settings"] for o in outputs]
    assert {s["RateControlMode"] for s in h264} == {"QVBR"}
    assert {(s["GopSize"], s["GopSizeUnits"]) for s in h264} == {(2, "SECONDS")}
    assert hls["SegmentLength"] % h264[0]["GopSize"] == 0
    assert len({o["NameModifier"] for o in outputs}) == len(outputs)
    for output in outputs:
        (audio,) = output["AudioDescriptions"]
        assert audio["CodecSettings"]["Codec"] == "AAC"


def test_segment_length_must_fit_the_gop():
    with pytest.raises(ValueError, match="multiple of the 2 s GOP"):
        hls_ladder.template_settings(segment_length=5)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (
            lambda s: s["OutputGroups"][0]["Outputs"][0]["VideoDescription"]["CodecSettings"]["H264Settings"].update(
                RateControlMode="FAST"
            ),
            "is not one of",
        ),
        (
            lambda s: s["OutputGroups"][0]["Outputs"][0]["VideoDescription"]["CodecSettings"]["H264Settings"][
                "QvbrSettings"
            ].update(QvbrQualityLevel=11),
            "above the maximum 10",
        ),
        (lambda s: s["OutputGroups"][0]["Outputs"][0]["VideoDescription"].update(Width=1), "below the minimum"),
        (
            lambda s: s["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"].update(SegmentLenght=6),
            "unknown member",
        ),
        (
            lambda s: s["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"].update(SegmentLength="6"),
            "expected a number",
        ),
    ],
    ids=["enum", "maximum", "minimum", "unknown-member", "type"],
)
def test_the_validator_catches_what_botocore_skips(mutate, expected):
    settings = hls_ladder.job_settings("s3://b/k.mp4", "s3://o/books/1/index")
    mutate(settings)
    problems = request_problems("mediaconvert", "CreateJob", settings, "Settings")
    assert any(expected in p for p in problems), problems
