# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An HLS conformance check of the project's own, in pure Python (no ffprobe on the controller).

Three parts:

* an M3U8 parser (:func:`parse_playlist`) for multivariant and media playlists (RFC 8216 section 4);
* an MPEG-TS demuxer (:func:`demux`) enough for H.264 and ADTS AAC: PAT and PMT, PES reassembly, PTS, H.264 NAL
  units with IDR detection and the SPS (exp-Golomb: profile, constraint flags, level, width, height, cropping),
  the ADTS header (audio object type, sampling frequency, channels);
* :func:`check`, which fetches a book's playlists and segments through a ``fetch(url) -> bytes`` callable and
  returns a report: every check with ``ok``, declared and measured values and a message naming the playlist or
  segment.

Tolerances, and where they come from:

* ``BANDWIDTH`` - RFC 8216 section 4.3.4.2: once every segment exists, BANDWIDTH MUST be the peak segment bit
  rate, the largest bit rate of any contiguous set of segments whose total duration is between 0.5 and 1.5 times
  the target duration (size over duration, durations from EXTINF). So the measured peak must not exceed it; and the
  HLS Authoring Specification for Apple Devices asks that the measured peak be within 10% of BANDWIDTH, so BANDWIDTH
  may not exceed the measured peak by more than 10% either.
* ``AVERAGE-BANDWIDTH`` - RFC 8216 section 4.3.4.2 (total size over total duration of the rendition); Apple's
  authoring specification: the average segment bit rate MUST be within 10% of AVERAGE-BANDWIDTH (VOD).
* ``EXTINF`` - RFC 8216 section 4.3.3.1: every EXTINF duration rounded to the nearest integer MUST be less than or
  equal to EXT-X-TARGETDURATION (which is REQUIRED); the sum of a rendition's EXTINF durations must be within one
  frame duration of the media's duration measured from the PTS (first frame to the end of the last frame).
* segment starts - RFC 8216 section 3.2 / Apple: every segment of a video rendition starts with an IDR frame, and
  segment boundaries are aligned across renditions: segment *n* of every rendition starts at the same PTS
  (exactly: one 90 kHz tick of difference is a misalignment).
* I-frame playlists - RFC 8216 sections 4.3.3.6 and 4.3.4.3: each EXT-X-BYTERANGE starts on a TS packet boundary
  and the first video packet of the range begins a PES whose access unit holds an IDR (PAT/PMT packets may come
  first), and the whole access unit lies inside the range.
* ``CODECS`` - RFC 6381: ``avc1.PPCCLL`` from the SPS (profile_idc, constraint byte, level_idc; hex compared
  without regard to case) and ``mp4a.40.<audio object type>`` from the ADTS header; the set of codecs declared must
  equal the set found in the rendition.
* ``RESOLUTION`` - the SPS's cropped picture size.
* subtitles - every ``EXT-X-MEDIA TYPE=SUBTITLES`` with a URI has a media playlist whose segments start with
  ``WEBVTT`` (W3C WebVTT, section 4.1), and every ``SUBTITLES`` group a variant names exists.
"""

import itertools
import math
import re
from collections import Counter

try:
    from urllib.parse import urljoin
except ImportError:  # pragma: no cover - Python 2 is not supported; kept for import-time sanity checks
    from urlparse import urljoin  # type: ignore[no-redef]

TS_PACKET = 188
PTS_HZ = 90000
AVERAGE_TOLERANCE = 0.10
PEAK_TOLERANCE = 0.10
#: EXTINF is printed with a few decimals (MediaConvert and ffmpeg: 5 or 6), so a bit rate computed from it is
#: known to about 1e-5 of its value: a BANDWIDTH that short of the measured peak is rounding, not a lie.
PRINTED_PRECISION = 1e-5

STREAM_TYPE_H264 = 0x1B
STREAM_TYPE_ADTS = 0x0F
NAL_IDR = 5
NAL_SPS = 7
HIGH_PROFILES = (100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135)


class ConformanceError(Exception):
    """Input that cannot be parsed at all (not a playlist, not a transport stream)."""


# --------------------------------------------------------------------------------------------------
# M3U8
# --------------------------------------------------------------------------------------------------

_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^",]*)')


def parse_attributes(text):
    """An attribute list (RFC 8216 section 4.2) as a dict; quoted strings lose their quotes."""
    attributes = {}
    for name, value in _ATTRIBUTE.findall(text):
        attributes[name] = value[1:-1] if value.startswith('"') else value
    return attributes


def parse_playlist(text):
    """Parse a playlist: a dict with ``kind`` (``multivariant`` or ``media``) and its tags.

    A multivariant playlist gives ``variants`` (attributes + ``uri``), ``iframe_variants`` and ``media``
    (EXT-X-MEDIA attribute dicts). A media playlist gives ``target_duration`` (None when the tag is missing),
    ``iframes_only``, ``version``, ``endlist`` and ``segments`` (``uri``, ``duration``, ``title``, ``byterange``
    as ``(length, offset)`` or None).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [line.strip() for line in text.splitlines()]
    if not lines or lines[0] != "#EXTM3U":
        raise ConformanceError("not an M3U8 playlist: the first line is not #EXTM3U")
    playlist = {
        "kind": "media",
        "version": None,
        "target_duration": None,
        "iframes_only": False,
        "endlist": False,
        "variants": [],
        "iframe_variants": [],
        "media": [],
        "segments": [],
    }
    pending_variant = None
    duration = None
    title = ""
    byterange = None
    next_offset = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        if line.startswith("#EXT-X-STREAM-INF:"):
            playlist["kind"] = "multivariant"
            pending_variant = parse_attributes(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-I-FRAME-STREAM-INF:"):
            playlist["kind"] = "multivariant"
            playlist["iframe_variants"].append(parse_attributes(line.split(":", 1)[1]))
        elif line.startswith("#EXT-X-MEDIA:"):
            playlist["kind"] = "multivariant"
            playlist["media"].append(parse_attributes(line.split(":", 1)[1]))
        elif line.startswith("#EXT-X-VERSION:"):
            playlist["version"] = int(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            playlist["target_duration"] = int(line.split(":", 1)[1])
        elif line == "#EXT-X-I-FRAMES-ONLY":
            playlist["iframes_only"] = True
        elif line == "#EXT-X-ENDLIST":
            playlist["endlist"] = True
        elif line.startswith("#EXTINF:"):
            value, _sep, title = line.split(":", 1)[1].partition(",")
            try:
                duration = float(value)
            except ValueError:
                raise ConformanceError(f"line {number}: EXTINF duration {value!r} is not a number") from None
        elif line.startswith("#EXT-X-BYTERANGE:"):
            length, _sep, offset = line.split(":", 1)[1].partition("@")
            byterange = (int(length), int(offset) if offset else None)
        elif line.startswith("#"):
            continue
        elif pending_variant is not None:
            pending_variant["uri"] = line
            playlist["variants"].append(pending_variant)
            pending_variant = None
        else:
            if duration is None:
                raise ConformanceError(f"line {number}: segment {line} has no EXTINF")
            if byterange is not None and byterange[1] is None:
                # RFC 8216 4.3.2.2: without an offset the range starts right after the previous one of this URI.
                byterange = (byterange[0], next_offset.get(line, 0))
            if byterange is not None:
                next_offset[line] = byterange[1] + byterange[0]
            playlist["segments"].append({"uri": line, "duration": duration, "title": title, "byterange": byterange})
            duration, title, byterange = None, "", None
    return playlist


# --------------------------------------------------------------------------------------------------
# H.264 bitstream
# --------------------------------------------------------------------------------------------------


def nal_units(data):
    """The NAL units of an Annex B byte stream (start codes removed)."""
    units = []
    starts = []
    index = data.find(b"\x00\x00\x01")
    while index >= 0:
        starts.append(index + 3)
        index = data.find(b"\x00\x00\x01", index + 3)
    for position, start in enumerate(starts):
        end = starts[position + 1] - 3 if position + 1 < len(starts) else len(data)
        unit = data[start:end]
        # A four-byte start code leaves its leading zero at the end of the previous unit; trailing zeros are
        # never part of a NAL unit (trailing_zero_8bits).
        units.append(unit.rstrip(b"\x00"))
    return [unit for unit in units if unit]


def unescape_rbsp(data):
    """Remove emulation prevention bytes (00 00 03 -> 00 00)."""
    out = bytearray()
    zeros = 0
    for byte in data:
        if zeros >= 2 and byte == 3:
            zeros = 0
            continue
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


class BitReader:
    """Big-endian bit reader with exp-Golomb codes (H.264 section 9.1)."""

    def __init__(self, data):
        self.data = data
        self.position = 0

    def bit(self):
        byte = self.position >> 3
        if byte >= len(self.data):
            raise ConformanceError("SPS ends early")
        value = (self.data[byte] >> (7 - (self.position & 7))) & 1
        self.position += 1
        return value

    def bits(self, count):
        value = 0
        for _bit in range(count):
            value = (value << 1) | self.bit()
        return value

    def ue(self):
        zeros = 0
        while self.bit() == 0:
            zeros += 1
            if zeros > 31:
                raise ConformanceError("invalid exp-Golomb code in SPS")
        return (1 << zeros) - 1 + self.bits(zeros)

    def se(self):
        value = self.ue()
        return (value + 1) // 2 if value & 1 else -(value // 2)


def _skip_scaling_list(reader, size):
    last = 8
    following = 8
    for _index in range(size):
        if following != 0:
            following = (last + reader.se() + 256) % 256
        last = last if following == 0 else following


def parse_sps(nal):
    """The fields of a sequence parameter set NAL unit (H.264 section 7.3.2.1.1) this check needs."""
    rbsp = unescape_rbsp(nal[1:])
    if len(rbsp) < 4:
        raise ConformanceError("SPS too short")
    profile_idc, constraints, level_idc = rbsp[0], rbsp[1], rbsp[2]
    reader = BitReader(rbsp[3:])
    reader.ue()  # seq_parameter_set_id
    chroma_format_idc = 1
    separate_colour_plane = 0
    if profile_idc in HIGH_PROFILES:
        chroma_format_idc = reader.ue()
        if chroma_format_idc == 3:
            separate_colour_plane = reader.bit()
        reader.ue()  # bit_depth_luma_minus8
        reader.ue()  # bit_depth_chroma_minus8
        reader.bit()  # qpprime_y_zero_transform_bypass_flag
        if reader.bit():  # seq_scaling_matrix_present_flag
            for index in range(8 if chroma_format_idc != 3 else 12):
                if reader.bit():
                    _skip_scaling_list(reader, 16 if index < 6 else 64)
    reader.ue()  # log2_max_frame_num_minus4
    poc_type = reader.ue()
    if poc_type == 0:
        reader.ue()  # log2_max_pic_order_cnt_lsb_minus4
    elif poc_type == 1:
        reader.bit()
        reader.se()
        reader.se()
        for _cycle in range(reader.ue()):
            reader.se()
    reader.ue()  # max_num_ref_frames
    reader.bit()  # gaps_in_frame_num_value_allowed_flag
    width_mbs = reader.ue() + 1
    height_map_units = reader.ue() + 1
    frame_mbs_only = reader.bit()
    if not frame_mbs_only:
        reader.bit()  # mb_adaptive_frame_field_flag
    reader.bit()  # direct_8x8_inference_flag
    crop = (0, 0, 0, 0)
    if reader.bit():  # frame_cropping_flag
        crop = (reader.ue(), reader.ue(), reader.ue(), reader.ue())
    chroma_array_type = 0 if separate_colour_plane else chroma_format_idc
    if chroma_array_type == 0:
        crop_x, crop_y = 1, 2 - frame_mbs_only
    else:
        sub_width, sub_height = {1: (2, 2), 2: (2, 1), 3: (1, 1)}[chroma_array_type]
        crop_x, crop_y = sub_width, sub_height * (2 - frame_mbs_only)
    width = width_mbs * 16 - crop_x * (crop[0] + crop[1])
    height = (2 - frame_mbs_only) * height_map_units * 16 - crop_y * (crop[2] + crop[3])
    return {
        "profile_idc": profile_idc,
        "constraint_flags": constraints,
        "level_idc": level_idc,
        "width": width,
        "height": height,
        "codec": f"avc1.{profile_idc:02x}{constraints:02x}{level_idc:02x}",
    }


def parse_adts(data):
    """The first ADTS header of an AAC PES payload (ISO/IEC 13818-7 / 14496-3): object type, rate, channels."""
    index = 0
    while index + 7 <= len(data):
        if data[index] == 0xFF and data[index + 1] & 0xF6 == 0xF0:
            profile = data[index + 2] >> 6
            frequency_index = (data[index + 2] >> 2) & 0x0F
            channels = ((data[index + 2] & 1) << 2) | (data[index + 3] >> 6)
            rates = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350)
            return {
                "audio_object_type": profile + 1,
                "sample_rate": rates[frequency_index] if frequency_index < len(rates) else None,
                "channels": channels,
                "codec": f"mp4a.40.{profile + 1}",
            }
        index += 1
    return None


# --------------------------------------------------------------------------------------------------
# MPEG-TS
# --------------------------------------------------------------------------------------------------


def _pts(header):
    return ((header[0] >> 1) & 0x07) << 30 | header[1] << 22 | (header[2] >> 1) << 15 | header[3] << 7 | header[4] >> 1


def _section_payload(payload):
    """Skip a PSI section's pointer_field."""
    return payload[1 + payload[0] :] if payload else b""


def demux(data):
    """Demultiplex a transport stream segment (H.264 and ADTS AAC).

    Returns ``{"video": [...], "audio": [...], "video_pid", "audio_pid", "sps", "adts", "packets"}`` where each
    access unit is ``{"pts", "dts", "offset", "end", "nal_types", "idr"}`` (``offset``: byte position of its first
    TS packet, ``end``: byte position after its last one) and ``sps`` the parsed first SPS.
    """
    if len(data) < TS_PACKET or data[0] != 0x47:
        raise ConformanceError("not an MPEG transport stream: no sync byte 0x47 at offset 0")
    if len(data) % TS_PACKET:
        raise ConformanceError(f"{len(data)} bytes is not a whole number of {TS_PACKET}-byte TS packets")
    pmt_pid = None
    streams = {}
    pes = {}
    result = {"video": [], "audio": [], "video_pid": None, "audio_pid": None, "sps": None, "adts": None}

    def finish(pid):
        entry = pes.pop(pid, None)
        if entry is None:
            return
        end = entry["last"] + TS_PACKET
        body = bytes(entry["data"])
        if len(body) < 9 or body[:3] != b"\x00\x00\x01":
            return
        flags = body[7] >> 6
        header_length = body[8]
        pts = _pts(body[9:14]) if flags & 2 else None
        dts = _pts(body[14:19]) if flags == 3 else pts
        payload = body[9 + header_length :]
        unit = {"pts": pts, "dts": dts, "offset": entry["offset"], "end": end}
        if streams[pid] == STREAM_TYPE_H264:
            types = []
            for nal in nal_units(payload):
                kind = nal[0] & 0x1F
                types.append(kind)
                if kind == NAL_SPS and result["sps"] is None:
                    result["sps"] = parse_sps(nal)
            unit["nal_types"] = types
            unit["idr"] = NAL_IDR in types
            result["video"].append(unit)
        else:
            if result["adts"] is None:
                result["adts"] = parse_adts(payload)
            result["audio"].append(unit)

    count = len(data) // TS_PACKET
    for number in range(count):
        offset = number * TS_PACKET
        packet = data[offset : offset + TS_PACKET]
        if packet[0] != 0x47:
            raise ConformanceError(f"lost TS sync at byte {offset}")
        start = packet[1] & 0x40
        pid = ((packet[1] & 0x1F) << 8) | packet[2]
        control = (packet[3] >> 4) & 0x03
        position = 4
        if control & 0x02:
            position += 1 + packet[4]
        if not control & 0x01 or position >= TS_PACKET:
            continue
        payload = packet[position:]
        if pid == 0 and start:
            section = _section_payload(payload)
            # program_number/PMT PID pairs follow the 8-byte header; skip program 0 (the network PID).
            length = ((section[1] & 0x0F) << 8) | section[2]
            entries = section[8 : 3 + length - 4]
            for index in range(0, len(entries) - 3, 4):
                program = (entries[index] << 8) | entries[index + 1]
                if program:
                    pmt_pid = ((entries[index + 2] & 0x1F) << 8) | entries[index + 3]
                    break
        elif pid == pmt_pid and start:
            section = _section_payload(payload)
            length = ((section[1] & 0x0F) << 8) | section[2]
            info_length = ((section[10] & 0x0F) << 8) | section[11]
            index = 12 + info_length
            end = 3 + length - 4
            while index + 5 <= end:
                stream_type = section[index]
                es_pid = ((section[index + 1] & 0x1F) << 8) | section[index + 2]
                es_info = ((section[index + 3] & 0x0F) << 8) | section[index + 4]
                if stream_type in (STREAM_TYPE_H264, STREAM_TYPE_ADTS):
                    streams[es_pid] = stream_type
                    key = "video_pid" if stream_type == STREAM_TYPE_H264 else "audio_pid"
                    if result[key] is None:
                        result[key] = es_pid
                index += 5 + es_info
        elif pid in streams:
            if start:
                finish(pid)
                pes[pid] = {"data": bytearray(payload), "offset": offset, "last": offset}
            elif pid in pes:
                pes[pid]["data"].extend(payload)
                pes[pid]["last"] = offset
    for pid in list(pes):
        finish(pid)
    if pmt_pid is None:
        raise ConformanceError("no PAT in the segment")
    result["packets"] = count
    return result


def frame_ticks(pts_values):
    """The frame duration in 90 kHz ticks: the most common gap between consecutive presentation times."""
    ordered = sorted(set(pts_values))
    gaps = Counter(b - a for a, b in itertools.pairwise(ordered) if b > a)
    return gaps.most_common(1)[0][0] if gaps else None


# --------------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------------


class Report:
    """The checks run, each with pass/fail, declared and measured values and a message."""

    def __init__(self, url):
        self.url = url
        self.checks = []
        self.skipped = {}
        self.renditions = []

    def add(self, name, ok, message, *, playlist=None, segment=None, declared=None, measured=None):
        self.checks.append(
            {
                "name": name,
                "ok": bool(ok),
                "playlist": playlist,
                "segment": segment,
                "declared": declared,
                "measured": measured,
                "message": message,
            }
        )

    def skip(self, name, reason):
        self.skipped[name] = reason

    def as_dict(self):
        failed = [entry for entry in self.checks if not entry["ok"]]
        names = []
        for entry in self.checks:
            if entry["name"] not in names:
                names.append(entry["name"])
        return {
            "url": self.url,
            "ok": not failed and bool(self.checks),
            "checks_run": names,
            "checks_skipped": dict(self.skipped),
            "passed": len(self.checks) - len(failed),
            "failed": len(failed),
            "failures": [entry["message"] for entry in failed],
            "checks": self.checks,
            "renditions": self.renditions,
        }


def peak_segment_bitrate(sizes, durations, target_duration):
    """RFC 8216 4.3.4.2: the largest bit rate of any contiguous set of segments whose total duration is between
    0.5 and 1.5 times the target duration (bits over seconds). When no set qualifies (a stream shorter than half a
    target duration), the largest single-segment bit rate."""
    peak = 0.0
    low, high = 0.5 * target_duration, 1.5 * target_duration
    for first in range(len(sizes)):
        size = 0
        duration = 0.0
        for index in range(first, len(sizes)):
            size += sizes[index]
            duration += durations[index]
            if duration > high + 1e-9:
                break
            if duration >= low - 1e-9 and duration > 0:
                peak = max(peak, size * 8 / duration)
    if peak == 0.0:
        peak = max((s * 8 / d for s, d in zip(sizes, durations, strict=False) if d > 0), default=0.0)
    return peak


def _meets_peak(declared, peak):
    """BANDWIDTH (whole bits per second) is at least the peak, up to the precision EXTINF is printed with."""
    return declared >= math.floor(peak * (1 - PRINTED_PRECISION))


def _codec_set(text):
    return {part.strip().lower() for part in (text or "").split(",") if part.strip()}


def _fmt_rate(bits):
    return f"{round(bits)} bit/s"


class _Fetcher:
    """fetch(url) -> bytes with a cache, so that I-frame byte ranges reuse the segments already read."""

    def __init__(self, fetch):
        self.fetch = fetch
        self.cache = {}

    def __call__(self, url):
        if url not in self.cache:
            self.cache[url] = self.fetch(url)
        return self.cache[url]


def _check_media_playlist(report, name, playlist):
    """TARGETDURATION present and every EXTINF within it (RFC 8216 4.3.3.1)."""
    target = playlist["target_duration"]
    report.add(
        "target_duration_present",
        target is not None,
        "{}: EXT-X-TARGETDURATION {}".format(name, f"is {target}" if target is not None else "is missing (REQUIRED)"),
        playlist=name,
        declared=target,
    )
    if target is None:
        return
    longest = max((segment["duration"] for segment in playlist["segments"]), default=0.0)
    over = [s for s in playlist["segments"] if math.floor(s["duration"] + 0.5) > target]
    report.add(
        "extinf_within_target_duration",
        not over,
        "{}: {}".format(
            name,
            (
                f"every EXTINF rounds to at most the target duration {target} s (longest {longest:.5f} s)"
                if not over
                else f"EXTINF {over[0]['duration']:.5f} s of {over[0]['uri']} rounds above"
                f" EXT-X-TARGETDURATION {target}"
            ),
        ),
        playlist=name,
        declared=target,
        measured=longest,
    )


def check(master_url, fetch, check_iframes=True, check_subtitles=True):
    """Check a book's multivariant playlist at ``master_url`` and everything it lists.

    ``fetch(url)`` returns the body of a URL as bytes (and raises for an HTTP error). Returns the report of
    :meth:`Report.as_dict`.
    """
    report = Report(master_url)
    get = _Fetcher(fetch)
    master = parse_playlist(get(master_url).decode("utf-8"))
    if master["kind"] != "multivariant":
        raise ConformanceError(f"{master_url} is a media playlist, not a multivariant playlist")
    report.add(
        "variants_listed",
        bool(master["variants"]),
        f"{master_url} lists {len(master['variants'])} variant streams",
        playlist=master_url,
        measured=len(master["variants"]),
    )

    renditions = []
    for variant in master["variants"]:
        url = urljoin(master_url, variant["uri"])
        rendition = _measure_rendition(report, get, url, variant)
        renditions.append(rendition)
        _check_variant(report, rendition, variant)

    _check_alignment(report, renditions)

    if not master["iframe_variants"]:
        report.skip("iframe_keyframes", "the multivariant playlist lists no EXT-X-I-FRAME-STREAM-INF")
    elif not check_iframes:
        report.skip("iframe_keyframes", "turned off (check_iframes=false)")
    else:
        for variant in master["iframe_variants"]:
            _check_iframe_playlist(report, get, urljoin(master_url, variant["URI"]), variant)

    subtitles = [media for media in master["media"] if media.get("TYPE") == "SUBTITLES"]
    if not subtitles:
        report.skip("subtitles_webvtt", "the multivariant playlist lists no EXT-X-MEDIA TYPE=SUBTITLES")
    elif not check_subtitles:
        report.skip("subtitles_webvtt", "turned off (check_subtitles=false)")
    else:
        _check_subtitles(report, get, master_url, master, subtitles)

    report.renditions = [
        {key: value for key, value in rendition.items() if not key.startswith("_")} for rendition in renditions
    ]
    return report.as_dict()


def _measure_rendition(report, get, url, variant):
    playlist = parse_playlist(get(url).decode("utf-8"))
    _check_media_playlist(report, url, playlist)
    sizes = []
    durations = []
    starts = []
    video_pts = []
    audio_pts = []
    sps = None
    adts = None
    missing_idr = []
    for segment in playlist["segments"]:
        segment_url = urljoin(url, segment["uri"])
        data = get(segment_url)
        if segment["byterange"]:
            length, offset = segment["byterange"]
            data = data[offset : offset + length]
        sizes.append(len(data))
        durations.append(segment["duration"])
        stream = demux(data)
        sps = sps or stream["sps"]
        adts = adts or stream["adts"]
        video = stream["video"]
        if video:
            first = video[0]
            starts.append(first["pts"])
            if not first["idr"]:
                missing_idr.append((segment["uri"], first["nal_types"]))
            video_pts.extend(unit["pts"] for unit in video if unit["pts"] is not None)
        else:
            starts.append(None)
        audio_pts.extend(unit["pts"] for unit in stream["audio"] if unit["pts"] is not None)
    rendition = {
        "playlist": url,
        "segments": len(playlist["segments"]),
        "target_duration": playlist["target_duration"],
        "extinf_sum": round(sum(durations), 5),
        "codecs": None,
        "resolution": None,
        "frame_duration": None,
        "measured_duration": None,
        "peak_bitrate": None,
        "average_bitrate": None,
        "declared_bandwidth": _int(variant.get("BANDWIDTH")),
        "declared_average_bandwidth": _int(variant.get("AVERAGE-BANDWIDTH")),
        "declared_codecs": variant.get("CODECS"),
        "declared_resolution": variant.get("RESOLUTION"),
        "_starts": starts,
    }
    codecs = []
    if sps:
        codecs.append(sps["codec"])
        rendition["resolution"] = f"{sps['width']}x{sps['height']}"
    if adts:
        codecs.append(adts["codec"])
    rendition["codecs"] = ",".join(codecs)

    if video_pts:
        report.add(
            "idr_at_segment_start",
            not missing_idr,
            "{}: {}".format(
                url,
                (
                    f"all {len(starts)} segments start with an IDR frame"
                    if not missing_idr
                    else "segment {} starts with NAL units {}, no IDR (type 5)".format(*missing_idr[0])
                ),
            ),
            playlist=url,
            segment=missing_idr[0][0] if missing_idr else None,
            measured=len(starts) - len(missing_idr),
            declared=len(starts),
        )
    else:
        report.skip("idr_at_segment_start", f"{url} has no H.264 video")

    # Duration: the media's own clock (video frames, else audio frames) against the sum of EXTINF.
    ticks = frame_ticks(video_pts) if video_pts else None
    pts = video_pts
    if ticks is None and audio_pts and adts and adts["sample_rate"]:
        ticks = round(1024 * PTS_HZ / adts["sample_rate"])
        pts = audio_pts
    if ticks and pts:
        measured = (max(pts) + ticks - min(pts)) / PTS_HZ
        frame = ticks / PTS_HZ
        rendition["frame_duration"] = round(frame, 6)
        rendition["measured_duration"] = round(measured, 6)
        difference = sum(durations) - measured
        report.add(
            "extinf_sum_matches_media",
            abs(difference) <= frame + 1e-6,
            f"{url}: EXTINF durations add up to {sum(durations):.5f} s, the media lasts {measured:.5f} s"
            f" ({difference:+.5f} s, one frame is {frame:.5f} s)",
            playlist=url,
            declared=round(sum(durations), 5),
            measured=round(measured, 6),
        )
    else:
        report.skip("extinf_sum_matches_media", f"{url}: no timestamps to measure")

    target = playlist["target_duration"] or max(durations, default=0.0)
    rendition["_peak"] = peak_segment_bitrate(sizes, durations, target)
    rendition["peak_bitrate"] = round(rendition["_peak"])
    rendition["average_bitrate"] = round(sum(sizes) * 8 / sum(durations)) if sum(durations) > 0 else 0
    return rendition


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _check_variant(report, rendition, variant):
    url = rendition["playlist"]
    peak = rendition["_peak"]
    declared = rendition["declared_bandwidth"]
    if declared is None:
        report.add("bandwidth", False, f"{url}: BANDWIDTH is missing (REQUIRED)", playlist=url, measured=round(peak))
    else:
        ok = _meets_peak(declared, peak) and declared <= peak * (1 + PEAK_TOLERANCE)
        if not _meets_peak(declared, peak):
            why = "below the measured peak segment bit rate (RFC 8216 4.3.4.2: it MUST be at least the peak)"
        elif not ok:
            why = "more than 10% above the measured peak (Apple's authoring spec: within 10%)"
        else:
            why = "at least the measured peak and within 10% of it"
        report.add(
            "bandwidth",
            ok,
            f"{url}: BANDWIDTH {_fmt_rate(declared)} is {why} {_fmt_rate(peak)}",
            playlist=url,
            declared=declared,
            measured=round(peak),
        )
    average = rendition["average_bitrate"]
    declared_average = rendition["declared_average_bandwidth"]
    if declared_average is None:
        report.skip("average_bandwidth", f"{url}: no AVERAGE-BANDWIDTH (OPTIONAL in RFC 8216)")
    else:
        deviation = abs(declared_average - average) / average if average else float("inf")
        report.add(
            "average_bandwidth",
            deviation <= AVERAGE_TOLERANCE,
            f"{url}: AVERAGE-BANDWIDTH {_fmt_rate(declared_average)}, measured average {_fmt_rate(average)}"
            f" ({100 * deviation:.1f}% off; Apple's authoring spec allows 10%)",
            playlist=url,
            declared=declared_average,
            measured=average,
        )
    declared_codecs = variant.get("CODECS")
    if declared_codecs is None:
        report.add("codecs", False, f"{url}: CODECS is missing (Apple: every variant declares it)", playlist=url)
    else:
        report.add(
            "codecs",
            _codec_set(declared_codecs) == _codec_set(rendition["codecs"]),
            '{}: CODECS "{}" declared, the streams are "{}"'.format(url, declared_codecs, rendition["codecs"]),
            playlist=url,
            declared=declared_codecs,
            measured=rendition["codecs"],
        )
    if rendition["resolution"] is None:
        report.skip("resolution", f"{url} has no video")
    else:
        report.add(
            "resolution",
            variant.get("RESOLUTION") == rendition["resolution"],
            "{}: RESOLUTION {} declared, the SPS gives {}".format(
                url, variant.get("RESOLUTION", "(missing)"), rendition["resolution"]
            ),
            playlist=url,
            declared=variant.get("RESOLUTION"),
            measured=rendition["resolution"],
        )


def _check_alignment(report, renditions):
    video = [r for r in renditions if any(start is not None for start in r["_starts"])]
    if len(video) < 2:
        report.skip("aligned_segment_boundaries", "fewer than two video renditions")
        return
    reference = video[0]
    for other in video[1:]:
        same_count = len(other["_starts"]) == len(reference["_starts"])
        mismatch = None
        if same_count:
            for number, (a, b) in enumerate(zip(reference["_starts"], other["_starts"], strict=False), start=1):
                if a != b:
                    mismatch = (number, a, b)
                    break
        if not same_count:
            message = (
                f"{other['playlist']} has {len(other['_starts'])} segments,"
                f" {reference['playlist']} has {len(reference['_starts'])}"
            )
        elif mismatch:
            message = (
                f"segment {mismatch[0]} starts at PTS {mismatch[2]} in {other['playlist']}"
                f" but {mismatch[1]} in {reference['playlist']}"
            )
        else:
            message = (
                f"{other['playlist']}: all {len(other['_starts'])} segment boundaries at the same PTS"
                f" as {reference['playlist']}"
            )
        report.add(
            "aligned_segment_boundaries",
            same_count and not mismatch,
            message,
            playlist=other["playlist"],
            segment=mismatch[0] if mismatch else None,
            declared=mismatch[1] if mismatch else None,
            measured=mismatch[2] if mismatch else None,
        )


def _check_iframe_playlist(report, get, url, variant):
    playlist = parse_playlist(get(url).decode("utf-8"))
    report.add(
        "iframe_playlist_tags",
        playlist["iframes_only"] and all(s["byterange"] for s in playlist["segments"]) and bool(playlist["segments"]),
        f"{url}: {'EXT-X-I-FRAMES-ONLY' if playlist['iframes_only'] else 'no EXT-X-I-FRAMES-ONLY'},"
        f" {len(playlist['segments'])} entries,"
        f" {sum(1 for s in playlist['segments'] if s['byterange'])} with EXT-X-BYTERANGE",
        playlist=url,
    )
    _check_media_playlist(report, url, playlist)
    bad = []
    sizes = []
    for segment in playlist["segments"]:
        if not segment["byterange"]:
            continue
        length, offset = segment["byterange"]
        sizes.append(length)
        problem = keyframe_problem(get(urljoin(url, segment["uri"])), offset, length)
        if problem:
            bad.append(f"{segment['uri']} bytes {length}@{offset}: {problem}")
    report.add(
        "iframe_keyframes",
        bool(sizes) and not bad,
        "{}: {}".format(url, f"all {len(sizes)} byte ranges start at an IDR access unit" if not bad else bad[0]),
        playlist=url,
        declared=len(sizes),
        measured=len(sizes) - len(bad),
    )
    declared = _int(variant.get("BANDWIDTH"))
    durations = [s["duration"] for s in playlist["segments"] if s["byterange"]]
    if declared is not None and sizes:
        peak = peak_segment_bitrate(sizes, durations, playlist["target_duration"] or max(durations))
        report.add(
            "iframe_bandwidth",
            _meets_peak(declared, peak) and declared <= peak * (1 + PEAK_TOLERANCE),
            f"{url}: I-frame BANDWIDTH {_fmt_rate(declared)}, peak bit rate of the byte ranges {_fmt_rate(peak)}"
            " (RFC 8216 4.3.4.3 and 4.3.4.2: at least the peak over runs of 0.5 to 1.5 target durations; Apple's"
            " authoring spec: within 10% of it)",
            playlist=url,
            declared=declared,
            measured=round(peak),
        )
    declared_average = _int(variant.get("AVERAGE-BANDWIDTH"))
    if declared_average is not None and sizes and sum(durations) > 0:
        average = sum(sizes) * 8 / sum(durations)
        deviation = abs(declared_average - average) / average if average else float("inf")
        report.add(
            "iframe_average_bandwidth",
            deviation <= AVERAGE_TOLERANCE,
            f"{url}: I-frame AVERAGE-BANDWIDTH {_fmt_rate(declared_average)}, measured average {_fmt_rate(average)}"
            f" ({100 * deviation:.1f}% off; Apple's authoring spec allows 10%)",
            playlist=url,
            declared=declared_average,
            measured=round(average),
        )


def keyframe_problem(data, offset, length):
    """None when ``data[offset:offset+length]`` starts with an IDR access unit of the video PID (PAT/PMT may come
    first) and holds all of it; else what is wrong."""
    if offset % TS_PACKET:
        return f"offset {offset} is not on a TS packet boundary"
    if offset + length > len(data):
        return f"the range ends at {offset + length}, after the end of the segment ({len(data)} bytes)"
    if data[offset : offset + 1] != b"\x47":
        return "no TS sync byte at the offset"
    stream = demux(data)
    pid = stream["video_pid"]
    position = offset
    while position < offset + length:
        packet_pid = ((data[position + 1] & 0x1F) << 8) | data[position + 2]
        if packet_pid == pid:
            break
        position += TS_PACKET
    else:
        return "no video packet in the range"
    unit = next((unit for unit in stream["video"] if unit["offset"] == position), None)
    if unit is None:
        return f"the first video packet at byte {position} does not begin a PES"
    if not unit["idr"]:
        return f"the access unit at byte {position} has NAL units {unit['nal_types']}, no IDR"
    if unit["end"] > offset + length:
        return f"the IDR access unit ends at byte {unit['end']}, after the range's end {offset + length}"
    return None


def _check_subtitles(report, get, master_url, master, subtitles):
    groups = {media.get("GROUP-ID") for media in subtitles}
    for variant in master["variants"]:
        wanted = variant.get("SUBTITLES")
        if wanted:
            report.add(
                "subtitles_group_exists",
                wanted in groups,
                "{} names SUBTITLES group {!r}; the playlist defines {}".format(variant["uri"], wanted, sorted(groups)),
                playlist=master_url,
                declared=wanted,
                measured=sorted(groups),
            )
    for media in subtitles:
        if not media.get("URI"):
            report.add(
                "subtitles_webvtt",
                False,
                "EXT-X-MEDIA SUBTITLES {!r} has no URI".format(media.get("NAME")),
                playlist=master_url,
            )
            continue
        url = urljoin(master_url, media["URI"])
        playlist = parse_playlist(get(url).decode("utf-8"))
        _check_media_playlist(report, url, playlist)
        not_vtt = []
        for segment in playlist["segments"]:
            body = get(urljoin(url, segment["uri"]))
            if body.startswith(b"\xef\xbb\xbf"):
                body = body[3:]
            if not (body[:6] == b"WEBVTT" and (len(body) == 6 or body[6:7] in (b" ", b"\t", b"\n", b"\r"))):
                not_vtt.append(segment["uri"])
        report.add(
            "subtitles_webvtt",
            bool(playlist["segments"]) and not not_vtt,
            "{}: {}".format(
                url,
                (
                    "no segments"
                    if not playlist["segments"]
                    else (
                        f"all {len(playlist['segments'])} segments are WebVTT"
                        if not not_vtt
                        else f"segment {not_vtt[0]} does not start with WEBVTT"
                    )
                ),
            ),
            playlist=url,
            segment=not_vtt[0] if not_vtt else None,
        )


def summary(report):
    """A readable multi-line summary of a report: one line per failure, then what was skipped."""
    lines = [f"HLS conformance of {report['url']}: {report['passed']} checks passed, {report['failed']} failed"]
    lines.extend(f"FAIL {message}" for message in report["failures"])
    lines.extend(f"not run: {name} ({reason})" for name, reason in sorted(report["checks_skipped"].items()))
    return "\n".join(lines)
