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


def _outputs(settings):
    (group,) = settings["OutputGroups"]
    return group["Outputs"]


def test_the_ladder_follows_apples_authoring_specification():
    """Apple, "HLS Authoring Specification for Apple devices": H.264 High profile (1.3, 1.4), a 416x234 rung,
    I-frame playlists (Trick Play), accurate segment durations; MediaConvert API reference: ManifestDurationFormat,
    HlsSettings.IFrameOnlyManifest, H264Settings.QualityTuningLevel."""
    settings = hls_ladder.job_settings("s3://b/k.mp4", "s3://o/books/1/index")
    hls = settings["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"]
    assert hls["ManifestDurationFormat"] == "FLOATING_POINT"
    outputs = _outputs(settings)
    assert [o["NameModifier"] for o in outputs] == ["_480p", "_1080p", "_720p", "_360p", "_234p"]
    for output in outputs:
        assert output["OutputSettings"]["HlsSettings"]["IFrameOnlyManifest"] == "INCLUDE"
        h264 = output["VideoDescription"]["CodecSettings"]["H264Settings"]
        assert h264["QualityTuningLevel"] == "MULTI_PASS_HQ" and h264["CodecProfile"] == "HIGH"
    low = outputs[-1]
    assert (low["VideoDescription"]["Width"], low["VideoDescription"]["Height"]) == (416, 234)
    video = low["VideoDescription"]["CodecSettings"]["H264Settings"]["MaxBitrate"]
    audio = low["AudioDescriptions"][0]["CodecSettings"]["AacSettings"]["Bitrate"]
    assert video + audio < 200000


def test_no_rendition_is_taller_than_the_class_and_the_first_variant_stays_first():
    heights = [o["VideoDescription"]["Height"] for o in _outputs(hls_ladder.job_settings("s", "d", max_height=720))]
    assert heights == [480, 720, 360, 234]
    heights = [o["VideoDescription"]["Height"] for o in _outputs(hls_ladder.job_settings("s", "d", max_height=400))]
    assert heights == [360, 234]
    # A master shorter than every rung gets the lowest rung alone.
    heights = [o["VideoDescription"]["Height"] for o in _outputs(hls_ladder.job_settings("s", "d", max_height=144))]
    assert heights == [234]


def test_one_document_per_height_class_with_and_without_captions():
    documents = hls_ladder.job_documents(
        {"Role": "arn:aws:iam::123456789012:role/r"}, "${MASTER_S3_URL}", "s3://o/books/${BOOK_ID}/index",
        subtitles={"language": "SPA", "name": "Español"},
    )  # fmt: skip
    classes = [(d["class"], d["min_master_height"], d["captions"]) for d in documents]
    assert classes == [
        ("1080p", 1080, False), ("1080p", 1080, True), ("720p", 720, False), ("720p", 720, True),
        ("480p", 480, False), ("480p", 480, True), ("360p", 360, False), ("360p", 360, True),
        ("234p", 0, False), ("234p", 0, True),
    ]  # fmt: skip
    for document in documents:
        request = document["request"]
        assert request["Role"] == "arn:aws:iam::123456789012:role/r"
        settings = request["Settings"]
        assert request_problems("mediaconvert", "CreateJob", settings, "Settings") == []
        selectors = settings["Inputs"][0].get("CaptionSelectors")
        names = [o["NameModifier"] for o in _outputs(settings)]
        if document["captions"]:
            source = selectors["Captions Selector 1"]["SourceSettings"]
            assert source == {"SourceType": "WEBVTT", "FileSourceSettings": {"SourceFile": "${CAPTIONS_S3_URL}"}}
            captions = _outputs(settings)[-1]
            assert names[-1] == "_captions" and "VideoDescription" not in captions
            (description,) = captions["CaptionDescriptions"]
            assert description["DestinationSettings"]["DestinationType"] == "WEBVTT"
            assert (description["LanguageCode"], description["LanguageDescription"]) == ("SPA", "Español")
            hls = settings["OutputGroups"][0]["OutputGroupSettings"]["HlsGroupSettings"]
            assert hls["CaptionSegmentLengthControl"] == "MATCH_VIDEO"
        else:
            assert selectors is None and "_captions" not in names
