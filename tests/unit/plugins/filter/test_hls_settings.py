"""The filters that render the HLS ladder: Ansible's value types in, documents MediaConvert takes out."""

import json
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from ansible.utils.unsafe_proxy import wrap_var
from ansible_collections.storytime.video_infra.plugins.filter.hls_settings import FilterModule
from ansible_collections.storytime.video_infra.plugins.filter.input_problems import FilterModule as InputFilters

FILTERS = FilterModule().filters()


def test_every_filter_has_its_documentation_file():
    folder = Path(__file__).resolve().parents[4] / "plugins" / "filter"
    for name in FILTERS:
        assert (folder / f"{name}.yml").is_file(), name


def test_job_documents_name_their_files_beside_the_historical_document():
    request = wrap_var({"Role": "arn:aws:iam::123456789012:role/mc", "Queue": "arn:q"})
    documents = FILTERS["hls_job_documents"](
        request, "${MASTER_S3_URL}", "s3://hls/books/${BOOK_ID}/index",
        subtitles=wrap_var({"language": "ENG", "name": "English", "source": "${CAPTIONS_S3_URL}"}),
        document_path="/out/dev.mediaconvert-job.json",
    )  # fmt: skip
    assert [d["file"] for d in documents][:4] == [
        "dev.mediaconvert-job.1080p.json", "dev.mediaconvert-job.1080p.captions.json",
        "dev.mediaconvert-job.720p.json", "dev.mediaconvert-job.720p.captions.json",
    ]  # fmt: skip
    assert documents[2]["path"] == "/out/dev.mediaconvert-job.720p.json"
    for document in documents:
        assert document["content"].endswith("}\n")
        assert json.loads(document["content"]) == document["request"]
        assert ("${CAPTIONS_S3_URL}" in document["content"]) is document["captions"]


def test_no_subtitles_means_one_document_per_class():
    documents = FILTERS["hls_job_documents"]({}, "s3://m/k.mp4", "s3://o/books/1/index", subtitles={})
    assert [(d["class"], d["captions"]) for d in documents] == [
        ("1080p", False), ("720p", False), ("480p", False), ("360p", False), ("234p", False)
    ]  # fmt: skip
    assert "path" not in documents[0]


def test_a_ladder_mediaconvert_would_refuse_fails_the_filter():
    bad = [{"name": "_x", "width": 640, "height": 360, "max_bitrate": 10, "qvbr_quality": 7}]
    with pytest.raises(AnsibleFilterError, match=r"MaxBitrate: 10 is below the minimum 1000"):
        FILTERS["hls_job_documents"]({}, "s3://m/k.mp4", "s3://o/books/1/index", renditions=bad)
    with pytest.raises(AnsibleFilterError, match="multiple of the 2 s GOP"):
        FILTERS["hls_template_settings"]([], segment_length=5)


def test_subtitles_given_on_the_command_line_are_read_as_booleans():
    problems = InputFilters().filters()["hls_ladder_problems"]
    assert problems([], subtitles="true", subtitles_language="XX") == [
        'mediaconvert_subtitles_language: "XX" is not a MediaConvert LanguageCode (ISO 639-2 in capitals, e.g. '
        "ENG, SPA, FRA, DEU)"
    ]
    assert problems([], subtitles="false", subtitles_language="XX") == []
