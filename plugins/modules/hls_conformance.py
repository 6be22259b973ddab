#!/usr/bin/python
# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: hls_conformance
short_description: Check a book's HLS output against RFC 8216 and Apple's HLS authoring specification
version_added: 1.1.0
description:
  - Fetches a book's multivariant playlist, every rendition playlist and every segment over HTTPS (through
    CloudFront with the signed cookies, as a player does) and checks what the playlists declare against what the
    streams hold. The analysis runs in Python inside the module (an MPEG-TS demuxer for H.264 and ADTS AAC); no
    ffprobe or ffmpeg is needed.
  - "Checks for every variant: C(BANDWIDTH) is at least the peak segment bit rate as RFC 8216 section 4.3.4.2
    defines it (the largest bit rate of any run of segments lasting 0.5 to 1.5 target durations) and, per the HLS
    Authoring Specification for Apple Devices, no more than 10% above it; C(AVERAGE-BANDWIDTH), when present, within
    10% of the measured average (Apple's VOD rule); C(CODECS) equal to C(avc1.PPCCLL) from the SPS (profile,
    constraint flags, level) plus C(mp4a.40.N) from the ADTS header; C(RESOLUTION) equal to the SPS's cropped
    picture size."
  - "Checks for every rendition playlist: C(EXT-X-TARGETDURATION) is present and every C(EXTINF), rounded to the
    nearest integer, is at most that (RFC 8216 section 4.3.3.1); the C(EXTINF) durations add up to the media's
    duration measured from the PTS within one frame; every segment starts with an IDR frame; segment N starts at
    the same PTS in every video rendition."
  - When the multivariant playlist lists C(EXT-X-I-FRAME-STREAM-INF), each I-frame playlist must carry C(EXT-X-I-
    FRAMES-ONLY) and C(EXT-X-BYTERANGE) on every entry, each byte range must start on a TS packet whose PES holds an
    IDR access unit (PAT and PMT packets may come first) and hold all of it, and the I-frame C(BANDWIDTH) and
    C(AVERAGE-BANDWIDTH) are checked like a variant's. When it lists C(EXT-X-MEDIA TYPE=SUBTITLES), each subtitles
    playlist's segments must be WebVTT and every C(SUBTITLES) group a variant names must exist. The result says
    which checks ran (RV(report.checks_run)) and why the others did not (RV(report.checks_skipped)).
  - Reads only; it never changes anything, reports C(changed=false) and runs the same in check mode.
author:
  - Storytime infrastructure team (@storytime)
options:
  url:
    description:
      - URL of the multivariant playlist, for example C(https://videos.example.com/books/42/index.m3u8). The
        playlists and segments it lists are fetched relative to it.
    type: str
    required: true
  cookie:
    description:
      - Value of the C(Cookie) header sent with every request, for example the C(cookie_header) that
        M(storytime.video_infra.cloudfront_sign_cookies) returns. Never logged.
    type: str
  headers:
    description:
      - Other request headers, for example C(Host) when O(url) names an address other than the distribution's
        domain (the local AWS's edge).
    type: dict
    default: {}
  ca_bundle:
    description: PEM file of the certificate authorities to trust for HTTPS (the system's store when unset).
    type: path
  validate_certs:
    description: Whether to verify the server's TLS certificate.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for each HTTP response.
    type: int
    default: 30
  check_iframes:
    description: Check the I-frame playlists when the multivariant playlist lists any.
    type: bool
    default: true
  check_subtitles:
    description: Check the subtitles renditions when the multivariant playlist lists any.
    type: bool
    default: true
notes:
  - "Every segment of every rendition is downloaded: run it on a short test book (as C(playbooks/validate.yml)
    does), not on a feature-length one."
  - Timestamps are compared on the 90 kHz MPEG-TS clock without unwrapping its 33-bit roll-over (about 26.5 hours),
    so a stream whose PTS wraps inside the book is misreported.
  - It is not an AWS module; it takes no AWS connection options and is not in the collection's C(aws) action group.
  - "References: RFC 8216 (HTTP Live Streaming), sections 4.3.3.1, 4.3.3.6, 4.3.4.2 and 4.3.4.3; the HLS Authoring
    Specification for Apple Devices; RFC 6381 (the C(CODECS) parameter); ITU-T H.264 section 7.3.2.1.1 (SPS)."
  - "Bit rates are computed from the EXTINF durations, which are printed with 5 or 6 decimals: a BANDWIDTH short of
    the measured peak by less than 1e-5 of it counts as equal."
seealso:
  - name: RFC 8216, HTTP Live Streaming
    description: The protocol; section 4.3.4.2 defines BANDWIDTH, AVERAGE-BANDWIDTH and the peak segment bit rate.
    link: https://www.rfc-editor.org/rfc/rfc8216
  - name: HLS Authoring Specification for Apple Devices
    description: Apple's requirements, among them the 10% rules for BANDWIDTH and AVERAGE-BANDWIDTH.
    link: https://developer.apple.com/documentation/http-live-streaming/hls-authoring-specification-for-apple-devices
  - module: storytime.video_infra.cloudfront_sign_cookies
  - module: storytime.video_infra.mediaconvert_job
"""

EXAMPLES = r"""
- name: Cookies for the book
  storytime.video_infra.cloudfront_sign_cookies:
    secret_id: storytime/dev/cloudfront_private_key
    resource: "https://videos.example.com/books/42/*"
    expires_in: 900
  register: book_cookies
  no_log: true

- name: Check the book's HLS output through CloudFront
  storytime.video_infra.hls_conformance:
    url: https://videos.example.com/books/42/index.m3u8
    cookie: "{{ book_cookies.cookie_header }}"
  register: conformance

- name: Check it through the local AWS's edge, which tells distributions apart by the Host header
  storytime.video_infra.hls_conformance:
    url: "https://127.0.0.1:{{ edge_port }}/books/42/index.m3u8"
    headers:
      Host: d111111abcdef8.cloudfront.net
    cookie: "{{ book_cookies.cookie_header }}"
    ca_bundle: "{{ storytime_aws_ca_bundle }}"
  register: conformance
  failed_when: false

- name: Show the measured ladder
  ansible.builtin.debug:
    msg: "{{ conformance.report.renditions | map(attribute='resolution') | list }}"
"""

RETURN = r"""
msg:
  description: A summary, one line per failed check, then the checks that did not run and why.
  returned: always
  type: str
  sample: |-
    HLS conformance of https://videos.example.com/books/42/index.m3u8: 31 checks passed, 1 failed
    FAIL https://videos.example.com/books/42/index_720p.m3u8: RESOLUTION 1280x720 declared, the SPS gives 1280x704
    not run: subtitles_webvtt (the multivariant playlist lists no EXT-X-MEDIA TYPE=SUBTITLES)
report:
  description: What was checked, declared and measured.
  returned: success
  type: dict
  contains:
    url:
      description: The multivariant playlist checked.
      type: str
    ok:
      description: Whether every check that ran passed.
      type: bool
    passed:
      description: Number of checks that passed.
      type: int
    failed:
      description: Number of checks that failed.
      type: int
    failures:
      description: The message of each failed check.
      type: list
      elements: str
    checks_run:
      description: >-
        Names of the checks that ran: C(variants_listed), C(target_duration_present),
        C(extinf_within_target_duration), C(idr_at_segment_start), C(extinf_sum_matches_media), C(bandwidth),
        C(average_bandwidth), C(codecs), C(resolution), C(aligned_segment_boundaries), C(iframe_playlist_tags),
        C(iframe_keyframes), C(iframe_bandwidth), C(iframe_average_bandwidth), C(subtitles_group_exists),
        C(subtitles_webvtt).
      type: list
      elements: str
    checks_skipped:
      description: Checks that did not run (for every rendition, or for some), and why.
      type: dict
      sample:
        iframe_keyframes: the multivariant playlist lists no EXT-X-I-FRAME-STREAM-INF
    checks:
      description: Every check made.
      type: list
      elements: dict
      contains:
        name:
          description: The check's name.
          type: str
        ok:
          description: Whether it passed.
          type: bool
        playlist:
          description: URL of the playlist it is about.
          type: str
        segment:
          description: The segment it is about (a URI, or a segment number for the alignment check), when one.
          type: raw
        declared:
          description: What the playlist declares (a number, a string or null).
          type: raw
        measured:
          description: What the streams hold.
          type: raw
        message:
          description: The result in words, naming the playlist or segment and both values.
          type: str
    renditions:
      description: One entry per variant, in the multivariant playlist's order.
      type: list
      elements: dict
      contains:
        playlist:
          description: URL of the rendition playlist.
          type: str
        segments:
          description: Number of segments.
          type: int
        target_duration:
          description: EXT-X-TARGETDURATION.
          type: int
        extinf_sum:
          description: Sum of the EXTINF durations, seconds.
          type: float
        measured_duration:
          description: Duration from the first frame's PTS to the end of the last frame, seconds.
          type: float
        frame_duration:
          description: Duration of one video frame (or AAC frame for audio only), seconds.
          type: float
        resolution:
          description: Width x height from the SPS (cropping applied).
          type: str
        codecs:
          description: The CODECS string the streams call for.
          type: str
        peak_bitrate:
          description: Peak segment bit rate (RFC 8216 4.3.4.2), bit/s.
          type: int
        average_bitrate:
          description: Total segment size over total duration, bit/s.
          type: int
        declared_bandwidth:
          description: The variant's BANDWIDTH.
          type: int
        declared_average_bandwidth:
          description: The variant's AVERAGE-BANDWIDTH, or null.
          type: int
        declared_codecs:
          description: The variant's CODECS.
          type: str
        declared_resolution:
          description: The variant's RESOLUTION.
          type: str
      sample:
        - playlist: https://videos.example.com/books/42/index_480p.m3u8
          segments: 2
          target_duration: 6
          extinf_sum: 6.0
          measured_duration: 6.0
          frame_duration: 0.04
          resolution: 854x480
          codecs: avc1.64001e,mp4a.40.2
          peak_bitrate: 612345
          average_bitrate: 598000
          declared_bandwidth: 612345
          declared_average_bandwidth: 598000
          declared_codecs: avc1.64001e,mp4a.40.2
          declared_resolution: 854x480
"""

import time
import urllib.error

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import ConnectionError as UrlConnectionError
from ansible.module_utils.urls import open_url
from ansible_collections.storytime.video_infra.plugins.module_utils import hls_conformance

ATTEMPTS = 3  # 5xx answers and broken connections are retried, with a short back-off


class FetchError(Exception):
    pass


def fetcher(params):
    """fetch(url) -> bytes with the module's headers, cookie and TLS settings; retries what may pass on a retry."""
    headers = dict(params["headers"] or {})
    if params["cookie"]:
        headers["Cookie"] = params["cookie"]
    ca_path = params["ca_bundle"] if params["validate_certs"] else None

    def fetch(url):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = open_url(
                    url,
                    headers=headers,
                    method="GET",
                    validate_certs=params["validate_certs"],
                    ca_path=ca_path,
                    timeout=params["timeout"],
                    follow_redirects="safe",
                )
                return response.read()
            except urllib.error.HTTPError as e:
                if e.code < 500 or attempt == ATTEMPTS:
                    body = e.read()[:200].decode("utf-8", "replace").strip()
                    raise FetchError(f"HTTP {e.code} for {url}" + (f": {body}" if body else "")) from None
            except (urllib.error.URLError, OSError, UrlConnectionError) as e:
                if attempt == ATTEMPTS:
                    raise FetchError(f"Failed to fetch {url}: {getattr(e, 'reason', e)}") from None
            time.sleep(attempt)
        raise FetchError(f"Failed to fetch {url}")  # pragma: no cover - the loop returns or raises

    return fetch


def main():
    module = AnsibleModule(
        argument_spec={
            "url": {"type": "str", "required": True},
            "cookie": {"type": "str", "no_log": True},
            "headers": {"type": "dict", "default": {}},
            "ca_bundle": {"type": "path"},
            "validate_certs": {"type": "bool", "default": True},
            "timeout": {"type": "int", "default": 30},
            "check_iframes": {"type": "bool", "default": True},
            "check_subtitles": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    params = module.params
    try:
        report = hls_conformance.check(
            params["url"],
            fetcher(params),
            check_iframes=params["check_iframes"],
            check_subtitles=params["check_subtitles"],
        )
    except FetchError as e:
        module.fail_json(msg=str(e), changed=False)
    except hls_conformance.ConformanceError as e:
        module.fail_json(msg=f"HLS conformance of {params['url']}: cannot read the stream: {e}", changed=False)
    summary = hls_conformance.summary(report)
    if not report["ok"]:
        module.fail_json(msg=summary, report=report, changed=False)
    module.exit_json(msg=summary, report=report, changed=False)


if __name__ == "__main__":
    main()
