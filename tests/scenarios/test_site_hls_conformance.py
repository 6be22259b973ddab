"""The HLS conformance check on the local MediaConvert's real output, through the local edge with signed cookies.

A 1280x720 and a 1920x1080 master are transcoded with the CreateJob document Rails picks for their height class
(outputs/local.mediaconvert-job.index.json, docs/hls-ladder.md), then each book is checked in-process with
:func:`hls_conformance.check` over the edge (cookies from botocore's signer, an independent client); the module
itself checks a book in a playbook, over HTTPS with the local CA bundle, as validate.yml runs it; a book with
WebVTT subtitles (mediaconvert_subtitles and a sidecar caption file) is checked too. The rules and their sources
(RFC 8216, Apple's HLS authoring specification) are in plugins/module_utils/hls_conformance.py and are tested one by
one in tests/unit/plugins/module_utils/test_hls_conformance.py.
"""

from __future__ import annotations

import json
import subprocess
import urllib.parse

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import hls_conformance

from local_aws.viewer import current_key_pair
from local_aws.viewer import edge_request
from local_aws.viewer import signed_cookies

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

MASTER = "storytime-master-uploads-local"
HLS = "storytime-hls-outputs-local"
SECRET = "storytime/local/cloudfront_private_key"
BOOK = "conformance-1"
SECONDS = 6


@pytest.fixture(scope="module")
def masters(tmp_path_factory):
    """masters(height): a 6 s 16:9 master with a tone, made once per height (the 720p one as validate.yml makes
    it)."""
    import imageio_ffmpeg  # noqa: PLC0415

    made = {}

    def make(height):
        if height not in made:
            path = tmp_path_factory.mktemp("master") / f"master{height}.mp4"
            subprocess.run(
                [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error",
                 "-f", "lavfi", "-i", f"testsrc2=size={height * 16 // 9}x{height}:rate=25:duration={SECONDS}",
                 "-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}",
                 "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)],
                check=True,
            )  # fmt: skip
            made[height] = path
        return made[height]

    return make


def transcode(aws, tmp_path, master, height, book, captions=False):
    """What Rails does: upload, pick the document of the master's height class, CreateJob, wait. Returns the
    distribution's domain and the request."""
    from tests.scenarios.test_site_mediaconvert import chosen_document  # noqa: PLC0415
    from tests.scenarios.test_site_mediaconvert import job_request  # noqa: PLC0415
    from tests.scenarios.test_site_mediaconvert import wait_for  # noqa: PLC0415

    s3, mediaconvert = aws.client("s3"), aws.client("mediaconvert")
    s3.upload_file(str(master), MASTER, f"masters/{book}.mp4")
    if captions:
        s3.put_object(Bucket=MASTER, Key=f"masters/{book}.vtt", Body=b"WEBVTT\n\n00:01.000 --> 00:03.000\nOnce\n")
    request = job_request(tmp_path, f"masters/{book}.mp4", book, chosen_document(tmp_path, height, captions))
    job = wait_for(mediaconvert, mediaconvert.create_job(**request)["Job"]["Id"], timeout=300)
    assert job["Status"] == "COMPLETE", job.get("ErrorMessage")
    return json.loads((tmp_path / "outputs" / "local.json").read_text())["cloudfront_domain_name"], request


def edge_fetcher(aws, domain, book, statuses=None):
    """fetch(url) through the local edge with cookies for books/<book>/* from botocore's signer."""
    key_pair_id, private_key = current_key_pair(aws, SECRET)
    cookies = signed_cookies(key_pair_id, private_key, f"https://{domain}/books/{book}/*")

    def fetch(url):
        response = edge_request(aws, domain, urllib.parse.urlsplit(url).path, cookies)
        if statuses is not None:
            statuses.append(response.status)
        assert response.status == 200, (url, response.status, response.body[:200])
        return response.body

    return fetch


@pytest.mark.parametrize("height", [720, 1080])
def test_the_local_mediaconvert_output_passes_every_check_through_the_edge(converged, aws, tmp_path, masters, height):
    domain, request = transcode(aws, tmp_path, masters(height), height, BOOK)
    statuses = []
    fetch = edge_fetcher(aws, domain, BOOK, statuses)

    report = hls_conformance.check(f"https://{domain}/books/{BOOK}/index.m3u8", fetch)

    print(hls_conformance.summary(report))  # the figures, for the record (pytest -s)
    print(json.dumps(report["renditions"], indent=1))
    # Every rendition of the job document, measured at the size it declares, for the whole clip.
    outputs = request["Settings"]["OutputGroups"][0]["Outputs"]
    sizes = {
        f"{o['VideoDescription']['Width']}x{o['VideoDescription']['Height']}"
        for o in outputs
        if "VideoDescription" in o
    }
    assert {r["resolution"] for r in report["renditions"]} == sizes
    for rendition in report["renditions"]:
        assert rendition["measured_duration"] == pytest.approx(SECONDS, abs=rendition["frame_duration"])
        assert rendition["codecs"].startswith("avc1.") and rendition["codecs"].endswith(",mp4a.40.2")
    expected = {"bandwidth", "average_bandwidth", "idr_at_segment_start", "extinf_sum_matches_media", "codecs",
                "aligned_segment_boundaries", "resolution", "iframe_keyframes", "iframe_bandwidth"}  # fmt: skip
    assert expected <= set(report["checks_run"]), report["checks_skipped"]
    assert statuses and set(statuses) == {200}
    assert report["ok"], hls_conformance.summary(report)


def test_a_book_with_webvtt_subtitles_passes_the_subtitles_checks(playbook, aws, tmp_path, masters):
    """mediaconvert_subtitles on, a sidecar caption file next to the master: the multivariant playlist lists
    EXT-X-MEDIA TYPE=SUBTITLES, every variant names its group, and the subtitles playlist's segments are WebVTT."""
    run = playbook.run(inventory=playbook.inventory("local", {"mediaconvert_subtitles": True}))
    assert run.rc == 0, run.failure_messages()
    domain, _request = transcode(aws, tmp_path, masters(720), 720, "captioned", captions=True)

    report = hls_conformance.check(
        f"https://{domain}/books/captioned/index.m3u8", edge_fetcher(aws, domain, "captioned")
    )

    assert report["ok"], hls_conformance.summary(report)
    assert {"subtitles_group_exists", "subtitles_webvtt"} <= set(report["checks_run"])
    assert "subtitles_webvtt" not in report["checks_skipped"]
    (webvtt,) = [entry for entry in report["checks"] if entry["name"] == "subtitles_webvtt"]
    assert webvtt["playlist"].endswith("/books/captioned/index_captions.m3u8") and "are WebVTT" in webvtt["message"]


def test_the_module_checks_the_book_over_https_and_a_missing_cookie_is_a_403(
    converged, aws, playbook, tmp_path, masters
):
    domain, _request = transcode(aws, tmp_path, masters(720), 720, BOOK)
    playbook_file = tmp_path / "conformance.yml"
    playbook_file.write_text(f"""
- name: Check a book
  hosts: storytime
  gather_facts: false
  module_defaults:
    group/storytime.video_infra.aws: "{{{{ lookup('storytime.video_infra.aws_connection') }}}}"
  tasks:
    - name: Sign cookies with the key in the secret
      storytime.video_infra.cloudfront_sign_cookies:
        secret_id: {SECRET}
        resource: "https://{domain}/books/{BOOK}/*"
        expires_in: 600
      register: cookies
      no_log: true
    - name: Check the book
      storytime.video_infra.hls_conformance:
        url: "{aws.endpoint_url}/books/{BOOK}/index.m3u8"
        headers:
          Host: {domain}
        cookie: "{{{{ cookies.cookie_header }}}}"
        ca_bundle: "{{{{ storytime_aws_ca_bundle }}}}"
      register: with_cookies
    - name: Check it without cookies
      storytime.video_infra.hls_conformance:
        url: "{aws.endpoint_url}/books/{BOOK}/index.m3u8"
        headers:
          Host: {domain}
        ca_bundle: "{{{{ storytime_aws_ca_bundle }}}}"
      register: without_cookies
      failed_when: false
    - name: Check it in check mode
      storytime.video_infra.hls_conformance:
        url: "{aws.endpoint_url}/books/{BOOK}/index.m3u8"
        headers:
          Host: {domain}
        cookie: "{{{{ cookies.cookie_header }}}}"
        ca_bundle: "{{{{ storytime_aws_ca_bundle }}}}"
      check_mode: true
      register: in_check_mode
""")

    run = playbook.run(playbook=str(playbook_file))

    assert run.rc == 0, run.failure_messages() or run.stdout[-3000:]
    (with_cookies,) = run.task_results("Check the book")
    assert with_cookies["report"]["ok"] and with_cookies["changed"] is False
    assert with_cookies["msg"].splitlines()[0].endswith(" checks passed, 0 failed")
    (without,) = run.task_results("Check it without cookies")
    assert without["msg"].startswith(f"HTTP 403 for {aws.endpoint_url}/books/{BOOK}/index.m3u8")
    (checked,) = run.task_results("Check it in check mode")
    assert checked["report"]["passed"] == with_cookies["report"]["passed"] and checked["changed"] is False
    assert "CloudFront-Signature=" not in run.stdout + run.stderr
