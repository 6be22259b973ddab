"""hls_conformance: the M3U8 parser, the MPEG-TS / H.264 / ADTS demuxer and every check, on real transport streams
made by the ffmpeg of the imageio-ffmpeg package (cached per session in a tmp dir) and on playlists edited to break
one rule each.

The rules come from RFC 8216 (HTTP Live Streaming) and Apple's "HLS Authoring Specification for Apple Devices":
BANDWIDTH is at least the peak segment bit rate (RFC 8216 4.3.4.2) and within 10% of it (Apple), AVERAGE-BANDWIDTH
within 10% of the average (Apple), EXTINF rounded <= TARGETDURATION (RFC 8216 4.3.3.1), every segment starts with an
IDR frame and boundaries line up across variants (Apple, RFC 8216 3.2/6.2.4), CODECS per RFC 6381.
"""

import re
import subprocess
from pathlib import Path

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import hls_conformance as hc

BASE = "https://edge.example/books/42/"
FPS = 25
SECONDS = 5.4  # 2 s segments and a 1.4 s last one: decimal EXTINF matters


def ffmpeg() -> str:
    import imageio_ffmpeg  # noqa: PLC0415

    return imageio_ffmpeg.get_ffmpeg_exe()


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [ffmpeg(), "-hide_banner", "-nostdin", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True)


@pytest.fixture(scope="session")
def ladder(tmp_path_factory) -> Path:
    """Two aligned renditions with AAC audio (High profile 320x180, Baseline 160x90: both need SPS cropping), one
    second GOPs, 2 s segments, and ffmpeg's own multivariant playlist (its BANDWIDTH is the peak segment bit rate)."""
    out = tmp_path_factory.mktemp("hls-ladder")
    run(
        "-loglevel", "error",
        "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={FPS}:duration={SECONDS}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SECONDS}",
        "-filter_complex", "[0:v]split=2[a][b];[b]scale=160:90[b2]",
        "-map", "[a]", "-map", "1:a", "-map", "[b2]", "-map", "1:a",
        "-c:v", "libx264", "-profile:v:0", "high", "-profile:v:1", "baseline", "-preset", "veryfast",
        "-g", str(FPS), "-keyint_min", str(FPS), "-sc_threshold", "0", "-bf", "2",
        "-c:a", "aac", "-b:a", "64k",
        "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod", "-hls_flags", "independent_segments",
        "-var_stream_map", "v:0,a:0 v:1,a:1", "-master_pl_name", "index.m3u8",
        "-hls_segment_filename", "r%v_%03d.ts", "r%v.m3u8",
        cwd=out,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def open_gop(tmp_path_factory) -> Path:
    """x264 with open GOPs: the keyframes after the first are recovery-point I frames, not IDR; ffmpeg's HLS muxer
    still cuts segments there."""
    out = tmp_path_factory.mktemp("hls-open-gop")
    run(
        "-loglevel", "error", "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={FPS}:duration=3",
        "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high",
        "-x264-params", f"keyint={FPS}:min-keyint={FPS}:open-gop=1:bframes=2:scenecut=0",
        "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod", "-hls_segment_filename", "o_%03d.ts", "o.m3u8",
        cwd=out,
    )  # fmt: skip
    return out


@pytest.fixture(scope="session")
def shifted(tmp_path_factory) -> Path:
    """The ladder again (same clock), but the 160x90 rendition's keyframes fall every 1.2 s, so its segments are
    cut at 2.4 s instead of 2 s: ``s1.m3u8``."""
    out = tmp_path_factory.mktemp("hls-shifted")
    run(
        "-loglevel", "error",
        "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate={FPS}:duration={SECONDS}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={SECONDS}",
        "-filter_complex", "[0:v]split=2[a][b];[b]scale=160:90[b2]",
        "-map", "[a]", "-map", "1:a", "-map", "[b2]", "-map", "1:a",
        "-c:v", "libx264", "-profile:v:0", "high", "-profile:v:1", "baseline", "-preset", "veryfast",
        "-g:v:0", str(FPS), "-keyint_min:v:0", str(FPS), "-g:v:1", "30", "-keyint_min:v:1", "30",
        "-sc_threshold", "0", "-bf", "2", "-c:a", "aac", "-b:a", "64k",
        "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
        "-var_stream_map", "v:0,a:0 v:1,a:1", "-master_pl_name", "shifted.m3u8",
        "-hls_segment_filename", "s%v_%03d.ts", "s%v.m3u8",
        cwd=out,
    )  # fmt: skip
    return out


class Site:
    """The files of a book as an edge would serve them: fetch(url) -> bytes, and edits to break one rule."""

    def __init__(self, *directories: Path):
        self.files: dict[str, bytes] = {}
        for directory in directories:
            for path in directory.iterdir():
                self.files[path.name] = path.read_bytes()
        self.fetched: list[str] = []

    def fetch(self, url: str) -> bytes:
        assert url.startswith(BASE), url
        self.fetched.append(url)
        try:
            return self.files[url[len(BASE) :]]
        except KeyError:
            raise OSError(f"HTTP 404 for {url}") from None

    def text(self, name: str) -> str:
        return self.files[name].decode()

    def edit(self, name: str, old: str, new: str, count: int = 1) -> None:
        text = self.text(name)
        assert old in text, (old, text)
        self.files[name] = text.replace(old, new, count).encode()

    def put(self, name: str, text: str) -> None:
        self.files[name] = text.encode()

    def check(self, **kwargs) -> dict:
        return hc.check(BASE + "index.m3u8", self.fetch, **kwargs)


def results(report: dict, name: str) -> list[dict]:
    found = [entry for entry in report["checks"] if entry["name"] == name]
    assert found, (name, report["checks_run"], report["checks_skipped"])
    return found


def failed(report: dict, name: str) -> dict:
    bad = [entry for entry in results(report, name) if not entry["ok"]]
    assert bad, f"{name} passed: {results(report, name)}"
    assert report["ok"] is False and any(entry["message"] in report["failures"] for entry in bad)
    return bad[0]


# --------------------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------------------


def test_the_parser_reads_a_multivariant_playlist_with_every_kind_of_entry():
    playlist = hc.parse_playlist(
        "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-INDEPENDENT-SEGMENTS\n"
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",URI="subs/en.m3u8"\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=1200000,AVERAGE-BANDWIDTH=900000,CODECS="avc1.64001f,mp4a.40.2",'
        'RESOLUTION=1280x720,FRAME-RATE=25.000,SUBTITLES="subs"\n'
        "index_720p.m3u8\n"
        '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=150000,CODECS="avc1.64001f",RESOLUTION=1280x720,URI="index_720p_iframes.m3u8"\n'
    )
    assert playlist["kind"] == "multivariant"
    (variant,) = playlist["variants"]
    assert variant == {
        "BANDWIDTH": "1200000",
        "AVERAGE-BANDWIDTH": "900000",
        "CODECS": "avc1.64001f,mp4a.40.2",
        "RESOLUTION": "1280x720",
        "FRAME-RATE": "25.000",
        "SUBTITLES": "subs",
        "uri": "index_720p.m3u8",
    }
    assert playlist["iframe_variants"][0]["URI"] == "index_720p_iframes.m3u8"
    assert playlist["media"][0]["TYPE"] == "SUBTITLES" and playlist["media"][0]["URI"] == "subs/en.m3u8"


def test_the_parser_reads_a_media_playlist_with_byte_ranges_and_decimal_durations():
    playlist = hc.parse_playlist(
        "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:6\n#EXT-X-I-FRAMES-ONLY\n"
        "#EXTINF:2.00000,\n#EXT-X-BYTERANGE:1316@0\nseg_00001.ts\n"
        "#EXTINF:1.40000,title\n#EXT-X-BYTERANGE:940\nseg_00001.ts\n"
        "#EXTINF:2.00000,\n#EXT-X-BYTERANGE:564@376\nseg_00002.ts\n#EXT-X-ENDLIST\n"
    )
    assert playlist["kind"] == "media" and playlist["iframes_only"] and playlist["endlist"]
    assert playlist["target_duration"] == 6 and playlist["version"] == 4
    assert [(s["uri"], s["duration"], s["byterange"]) for s in playlist["segments"]] == [
        ("seg_00001.ts", 2.0, (1316, 0)),
        ("seg_00001.ts", 1.4, (940, 1316)),  # no offset: right after the previous range of that URI (RFC 8216 4.3.2.2)
        ("seg_00002.ts", 2.0, (564, 376)),
    ]
    assert playlist["segments"][1]["title"] == "title"


def test_the_parser_refuses_what_is_not_a_playlist():
    with pytest.raises(hc.ConformanceError, match="#EXTM3U"):
        hc.parse_playlist("<html>403 Forbidden</html>")
    with pytest.raises(hc.ConformanceError, match="no EXTINF"):
        hc.parse_playlist("#EXTM3U\n#EXT-X-TARGETDURATION:6\nseg.ts\n")


def test_peak_segment_bit_rate_is_rfc_8216s_sliding_window():
    # Target 6 s: sets between 3 s and 9 s count. A single 2 s segment of 2 Mbit is 1 Mbit/s but too short to be a
    # set alone; with its 6 s neighbour (7.2 Mbit over 8 s) it is 0.9 Mbit/s; the 6 s segment alone is 0.866.
    sizes = [5_200_000 // 8, 2_000_000 // 8, 1_000_000 // 8]
    durations = [6.0, 2.0, 6.0]
    assert round(hc.peak_segment_bitrate(sizes, durations, 6)) == 900_000
    # A stream shorter than half the target duration: the largest single segment.
    assert round(hc.peak_segment_bitrate([1000, 3000], [1.0, 1.0], 6)) == 24_000


# --------------------------------------------------------------------------------------------------
# The demuxer, against what ffmpeg says about the same streams
# --------------------------------------------------------------------------------------------------


def ffmpeg_frames(path: Path, *before_input: str) -> int:
    """Video frames ffmpeg decodes from ``path`` (its -f null progress line)."""
    done = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostdin", *before_input, "-i", str(path), "-map", "0:v", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.findall(r"frame=\s*(\d+)", done.stderr)[-1])


def test_the_demuxer_agrees_with_ffmpeg_on_frames_key_frames_size_and_codecs(ladder):
    segment = ladder / "r0_001.ts"
    stream = hc.demux(segment.read_bytes())
    # Frames and key frames, counted by ffmpeg's own decoder (-skip_frame nokey decodes key frames only).
    assert len(stream["video"]) == ffmpeg_frames(segment) == 2 * FPS
    assert sum(unit["idr"] for unit in stream["video"]) == ffmpeg_frames(segment, "-skip_frame", "nokey") == 2
    assert stream["video"][0]["idr"] and stream["video"][FPS]["idr"]
    # 25 fps: 3600 ticks of the 90 kHz clock between frames; the second segment starts 2 s after the first.
    assert hc.frame_ticks([unit["pts"] for unit in stream["video"]]) == 3600
    first = hc.demux((ladder / "r0_000.ts").read_bytes())["video"][0]["pts"]
    assert stream["video"][0]["pts"] - first == 2 * 90000
    # The SPS: 320x180 is coded as 320x192 and cropped by 6 chroma rows; the High profile (100) of -profile:v high.
    assert (stream["sps"]["width"], stream["sps"]["height"], stream["sps"]["profile_idc"]) == (320, 180, 100)
    assert hc.demux((ladder / "r1_000.ts").read_bytes())["sps"]["profile_idc"] == 66
    # ADTS: AAC-LC (object type 2) at 48 kHz, one channel.
    assert stream["adts"] == {"audio_object_type": 2, "sample_rate": 48000, "channels": 1, "codec": "mp4a.40.2"}
    # The CODECS ffmpeg's HLS muxer wrote from the same streams.
    master = hc.parse_playlist((ladder / "index.m3u8").read_text())
    assert master["variants"][0]["CODECS"] == stream["sps"]["codec"] + ",mp4a.40.2"
    assert master["variants"][0]["RESOLUTION"] == "320x180"


def test_the_demuxer_refuses_what_is_not_a_transport_stream():
    with pytest.raises(hc.ConformanceError, match="sync byte"):
        hc.demux(b"WEBVTT\n\n" + b"\x00" * 400)
    with pytest.raises(hc.ConformanceError, match="whole number"):
        hc.demux(b"\x47" + b"\x00" * 200)


def test_a_1080p_sps_parses_with_its_cropping_and_the_rbsp_is_unescaped(tmp_path):
    """1920x1080 is coded as 1920x1088 and cropped by 4 chroma rows (8 luma rows); level 4.0 (level_idc 40)."""
    raw = subprocess.run(
        [ffmpeg(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25",
         "-frames:v", "1", "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-level", "4.0",
         "-f", "h264", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    (sps_nal,) = [nal for nal in hc.nal_units(raw) if nal[0] & 0x1F == hc.NAL_SPS]
    sps = hc.parse_sps(sps_nal)
    assert (sps["width"], sps["height"]) == (1920, 1080)
    assert sps["codec"] == "avc1.640028" == "avc1." + sps_nal[1:4].hex()
    # Emulation prevention (H.264 7.3.1): the 03 of every 00 00 03 goes, even at the end (cabac_zero_word).
    assert hc.unescape_rbsp(bytes.fromhex("6400000301000003")) == bytes.fromhex("640000010000")


# --------------------------------------------------------------------------------------------------
# The checks: conformant output passes...
# --------------------------------------------------------------------------------------------------


def test_ffmpegs_own_ladder_passes_every_check_and_says_which_ran(ladder):
    site = Site(ladder)
    report = site.check()

    assert report["ok"], hc.summary(report)
    assert report["failed"] == 0 and report["passed"] == len(report["checks"]) > 10
    for name in (
        "target_duration_present",
        "extinf_within_target_duration",
        "idr_at_segment_start",
        "extinf_sum_matches_media",
        "bandwidth",
        "average_bandwidth",
        "codecs",
        "resolution",
        "aligned_segment_boundaries",
    ):
        assert name in report["checks_run"]
    assert "no EXT-X-I-FRAME-STREAM-INF" in report["checks_skipped"]["iframe_keyframes"]
    assert "no EXT-X-MEDIA TYPE=SUBTITLES" in report["checks_skipped"]["subtitles_webvtt"]
    # Measured against declared: ffmpeg's BANDWIDTH is its peak segment bit rate, AVERAGE-BANDWIDTH its average.
    high, low = report["renditions"]
    assert (high["resolution"], low["resolution"]) == ("320x180", "160x90")
    assert high["measured_duration"] == pytest.approx(SECONDS, abs=1 / FPS)
    assert high["extinf_sum"] == pytest.approx(high["measured_duration"], abs=1 / FPS)
    assert high["segments"] == 3 and high["frame_duration"] == pytest.approx(1 / FPS)
    assert abs(high["average_bitrate"] - high["declared_average_bandwidth"]) <= 1
    assert high["peak_bitrate"] <= high["declared_bandwidth"]
    assert sum(1 for url in site.fetched if url.endswith(".ts")) == 6  # every segment, each once


# --------------------------------------------------------------------------------------------------
# ...and each broken rule fails, naming the playlist and the values
# --------------------------------------------------------------------------------------------------


def test_a_bandwidth_below_the_measured_peak_fails(ladder):
    site = Site(ladder)
    declared = hc.parse_playlist(site.text("index.m3u8"))["variants"][0]["BANDWIDTH"]
    site.edit("index.m3u8", f"BANDWIDTH={declared},", "BANDWIDTH=100000,")

    entry = failed(site.check(), "bandwidth")

    assert entry["playlist"] == BASE + "r0.m3u8" and entry["declared"] == 100000
    assert entry["measured"] >= int(declared) - 1
    assert "below the measured peak" in entry["message"] and "RFC 8216" in entry["message"]


def test_a_bandwidth_more_than_ten_percent_above_the_peak_fails(ladder):
    site = Site(ladder)
    declared = int(hc.parse_playlist(site.text("index.m3u8"))["variants"][1]["BANDWIDTH"])
    site.edit("index.m3u8", f"BANDWIDTH={declared},", f"BANDWIDTH={int(declared * 1.2)},")

    entry = failed(site.check(), "bandwidth")

    assert entry["playlist"] == BASE + "r1.m3u8" and "more than 10% above" in entry["message"]


def test_an_average_bandwidth_off_by_more_than_ten_percent_fails(ladder):
    site = Site(ladder)
    declared = int(hc.parse_playlist(site.text("index.m3u8"))["variants"][0]["AVERAGE-BANDWIDTH"])
    site.edit("index.m3u8", f"AVERAGE-BANDWIDTH={declared},", f"AVERAGE-BANDWIDTH={int(declared * 0.85)},")

    entry = failed(site.check(), "average_bandwidth")

    assert entry["declared"] == int(declared * 0.85) and abs(entry["measured"] - declared) <= 1
    assert "15.0% off" in entry["message"]


def test_a_segment_that_starts_without_an_idr_frame_fails(open_gop):
    site = Site(open_gop)
    demuxed = hc.demux(site.files["o_001.ts"])
    codec = hc.demux(site.files["o_000.ts"])["sps"]["codec"]
    site.put("index.m3u8", f'#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="{codec}",RESOLUTION=320x180\no.m3u8\n')

    entry = failed(site.check(), "idr_at_segment_start")

    assert entry["segment"] == "o_001.ts" and "no IDR" in entry["message"]
    # Each of the three segments opens on a key frame all the same (ffmpeg decodes three when told to skip all but
    # key frames), but only the first is an IDR: the others are open-GOP recovery-point I frames, coded as non-IDR
    # slices (NAL type 1). That difference is what the check is about.
    assert ffmpeg_frames(open_gop / "o.m3u8", "-skip_frame", "nokey") == 3
    idrs = [sum(unit["idr"] for unit in hc.demux(site.files[f"o_{n:03d}.ts"])["video"]) for n in range(3)]
    assert idrs == [1, 0, 0]
    assert 1 in demuxed["video"][0]["nal_types"]


def test_misaligned_segment_boundaries_fail(ladder, shifted):
    site = Site(ladder, shifted)
    site.edit("index.m3u8", "r1.m3u8", "s1.m3u8")

    entry = failed(site.check(), "aligned_segment_boundaries")

    assert entry["playlist"] == BASE + "s1.m3u8"
    assert entry["segment"] == 2 and entry["measured"] - entry["declared"] == round(0.4 * 90000)
    assert "starts at PTS" in entry["message"]


def test_a_wrong_codecs_string_fails(ladder):
    site = Site(ladder)
    codecs = hc.parse_playlist(site.text("index.m3u8"))["variants"][0]["CODECS"]
    site.edit("index.m3u8", codecs, codecs.replace("avc1.64", "avc1.4d"))

    entry = failed(site.check(), "codecs")
    assert entry["measured"] == codecs and entry["declared"] == codecs.replace("avc1.64", "avc1.4d")

    site = Site(ladder)
    site.edit("index.m3u8", codecs, codecs.replace(",mp4a.40.2", ""))
    assert "mp4a.40.2" in failed(site.check(), "codecs")["measured"]


def test_a_wrong_resolution_fails(ladder):
    site = Site(ladder)
    site.edit("index.m3u8", "RESOLUTION=160x90", "RESOLUTION=160x96")

    entry = failed(site.check(), "resolution")

    assert (entry["declared"], entry["measured"]) == ("160x96", "160x90")


def test_extinf_whole_seconds_that_lose_the_last_0_4_s_fail(ladder):
    """The bug of issue 13: a 1.4 s last segment declared as 1 s leaves the playlist 0.4 s short."""
    site = Site(ladder)
    last = hc.parse_playlist(site.text("r0.m3u8"))["segments"][-1]
    site.edit("r0.m3u8", f"#EXTINF:{last['duration']:.6f},\n{last['uri']}", f"#EXTINF:1.000000,\n{last['uri']}")

    entry = failed(site.check(), "extinf_sum_matches_media")

    assert entry["playlist"] == BASE + "r0.m3u8"
    assert last["duration"] == pytest.approx(1.4, abs=0.001)
    assert entry["measured"] - entry["declared"] == pytest.approx(0.4, abs=0.001)


def test_extinf_off_by_less_than_a_frame_passes_and_by_more_fails(ladder):
    site = Site(ladder)
    site.edit("r1.m3u8", "#EXTINF:2.000000,\nr1_000.ts", "#EXTINF:2.030000,\nr1_000.ts")
    assert all(entry["ok"] for entry in results(site.check(), "extinf_sum_matches_media"))

    site.edit("r1.m3u8", "#EXTINF:2.030000,", "#EXTINF:2.050000,")
    assert failed(site.check(), "extinf_sum_matches_media")["playlist"] == BASE + "r1.m3u8"


def test_a_missing_target_duration_and_an_extinf_above_it_fail(ladder):
    site = Site(ladder)
    site.edit("r0.m3u8", "#EXT-X-TARGETDURATION:2\n", "")
    assert "missing" in failed(site.check(), "target_duration_present")["message"]

    site = Site(ladder)
    site.edit("r0.m3u8", "#EXTINF:2.000000,\nr0_000.ts", "#EXTINF:2.500000,\nr0_000.ts")
    entry = failed(site.check(), "extinf_within_target_duration")
    assert "2.50000 s of r0_000.ts rounds above EXT-X-TARGETDURATION 2" in entry["message"]

    # 2.49 s rounds to 2 (RFC 8216 4.3.3.1: rounded to the nearest integer): allowed.
    site = Site(ladder)
    site.edit("r0.m3u8", "#EXTINF:2.000000,\nr0_000.ts", "#EXTINF:2.490000,\nr0_000.ts")
    assert all(entry["ok"] for entry in results(site.check(), "extinf_within_target_duration"))


# --------------------------------------------------------------------------------------------------
# I-frame playlists and subtitles, when the multivariant playlist lists them
# --------------------------------------------------------------------------------------------------


def video_pes_starts(data: bytes) -> list[int]:
    """Byte offsets of the TS packets that start a PES on the video PID, read straight off the packet headers
    (PID 0x100 is ffmpeg's first elementary stream; payload_unit_start_indicator set)."""
    return [
        offset
        for offset in range(0, len(data), 188)
        if data[offset + 1] & 0x40 and ((data[offset + 1] & 0x1F) << 8 | data[offset + 2]) == 0x100
    ]


def with_iframe_playlist(site: Site, entries: list[tuple[str, int, int]]) -> None:
    lines = ["#EXTM3U", "#EXT-X-VERSION:4", "#EXT-X-TARGETDURATION:1", "#EXT-X-I-FRAMES-ONLY"]
    # Each I frame lasts until the next (1 s GOPs); rate = range bits over that second.
    for uri, length, offset in entries:
        lines += ["#EXTINF:1.000000,", f"#EXT-X-BYTERANGE:{length}@{offset}", uri]
    site.put("r0_iframes.m3u8", "\n".join([*lines, "#EXT-X-ENDLIST", ""]))
    bandwidth = max(length * 8 for _uri, length, _offset in entries)
    codec = hc.parse_playlist(site.text("index.m3u8"))["variants"][0]["CODECS"].split(",")[0]
    site.put(
        "index.m3u8",
        site.text("index.m3u8")
        + f'#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH={bandwidth},CODECS="{codec}",RESOLUTION=320x180,'
        + 'URI="r0_iframes.m3u8"\n',
    )


def test_an_iframe_playlist_whose_ranges_hold_the_idr_frames_passes(ladder):
    site = Site(ladder)
    entries = []
    for number in range(3):
        uri = f"r0_{number:03d}.ts"
        starts = video_pes_starts(site.files[uri])
        # Closed 1 s GOPs: the IDR frames are video PES 0 and 25 of each segment in decode order. The first range
        # runs from the segment's start (PAT, PMT) to the end of the IDR's PES, the second covers its PES alone.
        entries.append((uri, starts[1], 0))
        entries.append((uri, starts[FPS + 1] - starts[FPS], starts[FPS]))
    with_iframe_playlist(site, entries)

    report = site.check()

    assert report["ok"], hc.summary(report)
    assert "iframe_keyframes" in report["checks_run"] and "iframe_keyframes" not in report["checks_skipped"]
    (entry,) = results(report, "iframe_keyframes")
    assert entry["measured"] == entry["declared"] == 6


def test_an_iframe_range_on_a_p_frame_or_off_a_packet_boundary_fails(ladder):
    site = Site(ladder)
    starts = video_pes_starts(site.files["r0_001.ts"])
    with_iframe_playlist(site, [("r0_001.ts", starts[3] - starts[2], starts[2])])
    assert "no IDR" in failed(site.check(), "iframe_keyframes")["message"]

    site = Site(ladder)
    with_iframe_playlist(site, [("r0_001.ts", starts[1] - 100, 100)])
    assert "not on a TS packet boundary" in failed(site.check(), "iframe_keyframes")["message"]

    site = Site(ladder)
    with_iframe_playlist(site, [("r0_001.ts", starts[1] - 188 * 2, 0)])  # cuts the IDR access unit short
    assert "after the range's end" in failed(site.check(), "iframe_keyframes")["message"]


def test_subtitles_must_be_webvtt_and_their_group_must_exist(ladder):
    site = Site(ladder)
    site.put(
        "subs_en.m3u8",
        "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:3.4,\nsubs_en_001.vtt\n#EXT-X-ENDLIST\n",
    )
    site.put("subs_en_001.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nOnce upon a time\n")
    master = site.text("index.m3u8").replace("\nr0.m3u8", ',SUBTITLES="subs"\nr0.m3u8')
    master += '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",URI="subs_en.m3u8"\n'
    site.put("index.m3u8", master)

    report = site.check()
    assert report["ok"], hc.summary(report)
    assert "subtitles_webvtt" in report["checks_run"]

    site.put("subs_en_001.vtt", "1\n00:00:00,000 --> 00:00:02,000\nOnce upon a time\n")  # SubRip, not WebVTT
    assert failed(site.check(), "subtitles_webvtt")["segment"] == "subs_en_001.vtt"

    site.put("index.m3u8", master.replace('GROUP-ID="subs"', 'GROUP-ID="captions"'))
    assert "'subs'" in failed(site.check(), "subtitles_group_exists")["message"]


def test_the_summary_names_each_failure_and_what_did_not_run(ladder):
    site = Site(ladder)
    site.edit("index.m3u8", "RESOLUTION=160x90", "RESOLUTION=160x96")

    text = hc.summary(site.check())

    assert text.splitlines()[0].endswith("1 failed")
    assert "FAIL https://edge.example/books/42/r1.m3u8: RESOLUTION 160x96 declared, the SPS gives 160x90" in text
    assert "not run: iframe_keyframes" in text
