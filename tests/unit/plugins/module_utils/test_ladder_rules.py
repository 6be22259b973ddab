"""What MediaConvert refuses in the HLS ladder's inputs, each message naming the variable."""

import botocore.session
import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import hls_ladder
from ansible_collections.storytime.video_infra.plugins.module_utils import ladder_rules as rules
from ansible_collections.storytime.video_infra.plugins.module_utils.ladder_rules import AAC_BITRATES
from ansible_collections.storytime.video_infra.plugins.module_utils.ladder_rules import audio_problems
from ansible_collections.storytime.video_infra.plugins.module_utils.ladder_rules import ladder_problems
from ansible_collections.storytime.video_infra.plugins.module_utils.ladder_rules import rendition_problems
from ansible_collections.storytime.video_infra.plugins.module_utils.ladder_rules import segment_length_problems
from ansible_collections.storytime.video_infra.plugins.module_utils.service_model import request_problems
from ansible_collections.storytime.video_infra.plugins.module_utils.service_model import service_model

RENDITION = {"name": "_720p", "width": 1280, "height": 720, "max_bitrate": 3000000, "qvbr_quality": 7}


def rendition(**changes):
    return {**RENDITION, **changes}


def test_the_default_ladder_and_an_empty_list_pass():
    assert ladder_problems(list(hls_ladder.DEFAULT_RENDITIONS), 6, 96000) == []
    assert ladder_problems([], 6, 96000) == []


@pytest.mark.parametrize(
    "renditions",
    [
        [rendition(width=4096, height=2160)],
        [rendition(width=2160, height=4096)],
        [rendition(width=32, height=32, max_bitrate=1000, qvbr_quality=1)],
        [rendition(qvbr_quality=10, max_bitrate=1152000000)],
        [rendition(), rendition(name="_360p", width=640, height=360)],
    ],
)
def test_renditions_mediaconvert_accepts(renditions):
    assert rendition_problems(renditions) == []


@pytest.mark.parametrize(
    "renditions, expected",
    [
        (
            [rendition(), rendition(width=640, height=360)],
            'mediaconvert_renditions[1].name: "_720p" repeats mediaconvert_renditions[0].name; MediaConvert needs name '
            "modifiers that are unique within the output group (they name the rendition's files)",
        ),
        ([rendition(name="")], 'mediaconvert_renditions[0].name: "" is 0 characters long'),
        ([rendition(name="n" * 257)], "is 257 characters long; a MediaConvert name modifier has 1 to 256"),
        (
            [rendition(name=720)],
            "mediaconvert_renditions[0].name: expected a string (the name modifier), got an integer",
        ),
        ([rendition(width=1281)], "mediaconvert_renditions[0].width: 1281 is odd; H.264 (4:2:0) needs an even width"),
        (
            [rendition(height=30)],
            "mediaconvert_renditions[0].height: 30 is outside the range MediaConvert accepts (32 to 4096 pixels)",
        ),
        ([rendition(width=5120)], "mediaconvert_renditions[0].width: 5120 is outside the range"),
        (
            [rendition(width=3840, height=3840)],
            "3840x3840 is above the largest H.264 output MediaConvert makes (4096x2160 or 2160x4096)",
        ),
        (
            [rendition(width="1280")],
            'mediaconvert_renditions[0].width: expected an integer pixels, got a string "1280"',
        ),
        (
            [rendition(max_bitrate=999)],
            "mediaconvert_renditions[0].max_bitrate: 999 is outside the range MediaConvert accepts "
            "(1000 to 1152000000 bit/s)",
        ),
        (
            [rendition(qvbr_quality=0)],
            "mediaconvert_renditions[0].qvbr_quality: 0 is outside the range MediaConvert accepts (1 to 10)",
        ),
        ([rendition(qvbr_quality=7.5)], "mediaconvert_renditions[0].qvbr_quality: expected an integer, got float 7.5"),
        ([{"name": "_720p"}], "mediaconvert_renditions[0]: missing width, height, max_bitrate, qvbr_quality"),
        ([rendition(bitrate=1)], "mediaconvert_renditions[0]: unknown keys bitrate"),
        (
            ["_720p"],
            "mediaconvert_renditions[0]: expected a mapping with name, width, height, max_bitrate, qvbr_quality, "
            'got a string "_720p"',
        ),
    ],
)
def test_renditions_mediaconvert_refuses(renditions, expected):
    (problem,) = rendition_problems(renditions)
    assert expected in problem


def test_a_string_where_the_list_of_renditions_belongs_says_a_list_was_expected():
    (problem,) = rendition_problems("x" * 451)
    assert problem.startswith("mediaconvert_renditions: expected a list of renditions")
    assert "got a string" in problem
    assert "451" not in problem  # not "lists 451 keys"


@pytest.mark.parametrize("length", [2, 4, 6, 10, 60])
def test_segment_lengths_of_whole_gops_pass(length):
    assert segment_length_problems(length) == []


@pytest.mark.parametrize(
    "length, expected",
    [
        (5, "mediaconvert_segment_length: 5 is not a multiple of the ladder's 2 s GOP"),
        (0, "mediaconvert_segment_length: 0 is below 1"),
        (-2, "mediaconvert_segment_length: -2 is below 1"),
        (6.0, "mediaconvert_segment_length: expected an integer number of seconds, got float 6.0"),
        ("six", 'mediaconvert_segment_length: expected an integer number of seconds, got a string "six"'),
    ],
)
def test_segment_lengths_mediaconvert_or_the_ladder_refuses(length, expected):
    (problem,) = segment_length_problems(length)
    assert problem.startswith(expected)


def test_aac_bitrates_are_the_api_references_set():
    # "The set of valid values for this setting is: ..." in AacSettings.Bitrate of the botocore model.
    documentation = service_model("mediaconvert").shape_for("AacSettings").members["Bitrate"].documentation
    listed = documentation.split("is:")[1].split(".")[0]
    assert AAC_BITRATES == tuple(int(value) for value in listed.split(","))


@pytest.mark.parametrize("bitrate", [6000, 64000, 96000, 128000, 1024000])
def test_offered_aac_bitrates_pass(bitrate):
    assert audio_problems(bitrate) == []


@pytest.mark.parametrize("bitrate", [100000, 95999, 0, 2048000, "96k", True])
def test_aac_bitrates_not_offered_are_refused(bitrate):
    (problem,) = audio_problems(bitrate)
    assert problem.startswith("mediaconvert_audio_bitrate: ")
    assert "is not an AAC bitrate MediaConvert offers" in problem


@pytest.mark.parametrize("rate, ok", [(48000, True), (44100, True), (8000, True), (96000, True), (47999, False)])
def test_aac_sample_rates(rate, ok):
    assert (audio_problems(96000, sample_rate=rate) == []) is ok


def test_every_problem_is_reported_at_once():
    problems = ladder_problems([rendition(), rendition(qvbr_quality=11)], 5, 100000)
    assert [p.split(":")[0] for p in problems] == [
        "mediaconvert_renditions[1].name",
        "mediaconvert_renditions[1].qvbr_quality",
        "mediaconvert_segment_length",
        "mediaconvert_audio_bitrate",
    ]


def test_subtitles_are_checked_only_when_enabled():

    assert rules.subtitles_problems(False, "xx", "", []) == []
    assert rules.subtitles_problems(True, "ENG", "English", []) == []
    problems = rules.subtitles_problems(True, "en", " ", [{"name": "_captions"}])
    assert any('mediaconvert_subtitles_language: "en" is not a MediaConvert LanguageCode' in p for p in problems)
    assert any(p.startswith("mediaconvert_subtitles_name:") for p in problems)
    assert any("named _captions" in p for p in problems)
    assert rules.subtitles_problems("yes", "ENG", "English", []) == [
        'mediaconvert_subtitles: expected true or false, got a string "yes"'
    ]


def test_a_rendition_may_carry_its_own_audio_bitrate():

    base = {"name": "_234p", "width": 416, "height": 234, "max_bitrate": 100000, "qvbr_quality": 7}
    assert rules.rendition_problems([dict(base, audio_bitrate=48000)]) == []
    (problem,) = rules.rendition_problems([dict(base, audio_bitrate=50000)])
    assert problem.startswith("mediaconvert_renditions[0].audio_bitrate: 50000 is not an AAC bitrate")


def test_the_service_model_is_loaded_once_per_process(monkeypatch):
    # A task's templating may check the job documents many times (each reference to a role variable renders it
    # again); the model is read from botocore's data once per process, not once per check.
    sessions = []
    real = botocore.session.get_session

    def counting_get_session(*args, **kwargs):
        sessions.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(botocore.session, "get_session", counting_get_session)
    service_model.cache_clear()
    try:
        first = service_model("mediaconvert")
        assert request_problems("mediaconvert", "CreateJob", "arn:aws:iam::123456789012:role/r", "Role") == []
        assert request_problems("mediaconvert", "CreateJob", 7, "Role") != []
        assert service_model("mediaconvert") is first
        assert len(sessions) == 1
    finally:
        service_model.cache_clear()
