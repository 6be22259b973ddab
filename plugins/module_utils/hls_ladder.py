# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""MediaConvert settings for the Storytime HLS adaptive-bitrate ladder (no AWS calls).

Picture-book videos are mostly still illustrations with narration: QVBR spends bits only where pictures move,
so a small ladder of H.264 renditions with a quality-capped bitrate serves phones to TVs. Every rendition has
the same GOP (2 s, closed), and IDR frames are placed on every GOP boundary, so keyframes line up across
renditions and every 6 s segment starts with one - what players need to switch renditions cleanly.

How the ladder follows Apple's "HLS Authoring Specification for Apple devices"
(https://developer.apple.com/documentation/http-live-streaming/hls-authoring-specification-for-apple-devices;
the reasoning is in docs/hls-ladder.md):

* Video: H.264 High profile, level chosen by the encoder (at most 4.2 at these sizes) - "Profile and Level for
  H.264 MUST be less than or equal to High Profile, Level 4.2" and "you SHOULD use High Profile" (items 1.3, 1.4).
* A rung for weak links: 416x234 with a peak under 200 kbit/s audio included (the spec's ladder starts at
  416x234, 145 kbit/s).
* The first variant of the multivariant playlist is where playback starts ("the default video variant(s) SHOULD
  be the 2000 kb/s variant", the first listed). MediaConvert lists the variants in the order of the outputs of
  the group, so the 480p rendition (at most 1.5 Mbit/s) is the first output; on a weak link the player steps down
  from there.
* Segment durations as decimals (``ManifestDurationFormat: FLOATING_POINT``): the EXTINF durations add up to the
  presentation's real length (RFC 8216 section 4.3.2.1; the spec's playlist items ask for accurate durations).
* Trick play: an I-frame-only playlist for every video rendition (``IFrameOnlyManifest: INCLUDE``), listed with
  ``EXT-X-I-FRAME-STREAM-INF`` in the multivariant playlist (the spec's "Trick Play" section).
* Subtitles (optional): WebVTT from a sidecar file, as an ``EXT-X-MEDIA:TYPE=SUBTITLES`` rendition (the spec's
  "Subtitles" section: WebVTT).
* Never a rendition taller than the master: :func:`height_classes` and :func:`renditions_for` give one job
  document per top rung; Rails picks the document by the master's height.

Encoder effort: ``QualityTuningLevel: MULTI_PASS_HQ``, the level the MediaConvert API reference names "for the
best video quality" (an analysis pass, then the encode) and the one its QVBR guidance pairs with QVBR for VOD.

:func:`job_settings` is the ``Settings`` of a CreateJob request; :func:`template_settings` the same without the
input and destination, for a job template.
"""

import copy

DEFAULT_RENDITIONS = (
    # The first output is the first variant of the multivariant playlist: where playback starts.
    {"name": "_480p", "width": 854, "height": 480, "max_bitrate": 1500000, "qvbr_quality": 7},
    {"name": "_1080p", "width": 1920, "height": 1080, "max_bitrate": 5000000, "qvbr_quality": 8},
    {"name": "_720p", "width": 1280, "height": 720, "max_bitrate": 3000000, "qvbr_quality": 7},
    {"name": "_360p", "width": 640, "height": 360, "max_bitrate": 800000, "qvbr_quality": 7},
    # Weak links: video capped at 80 kbit/s and 48 kbit/s audio keep the variant's peak under 200 kbit/s.
    {
        "name": "_234p",
        "width": 416,
        "height": 234,
        "max_bitrate": 80000,
        "qvbr_quality": 7,
        "audio_bitrate": 48000,
    },
)
GOP_SECONDS = 2
AUDIO_SELECTOR = "Audio Selector 1"
CAPTION_SELECTOR = "Captions Selector 1"
CAPTIONS_NAME_MODIFIER = "_captions"
#: Where Rails puts the sidecar caption file's URL (see docs/hls-ladder.md for the naming rule).
CAPTIONS_PLACEHOLDER = "${CAPTIONS_S3_URL}"
QUALITY_TUNING_LEVEL = "MULTI_PASS_HQ"
DEFAULT_SUBTITLES_LANGUAGE = "ENG"
DEFAULT_SUBTITLES_NAME = "English"


def _output(rendition, audio_bitrate):
    return {
        "NameModifier": rendition["name"],
        "ContainerSettings": {"Container": "M3U8", "M3u8Settings": {}},
        "OutputSettings": {"HlsSettings": {"IFrameOnlyManifest": "INCLUDE"}},
        "VideoDescription": {
            "Width": rendition["width"],
            "Height": rendition["height"],
            "ScalingBehavior": "DEFAULT",
            "CodecSettings": {
                "Codec": "H_264",
                "H264Settings": {
                    "RateControlMode": "QVBR",
                    "MaxBitrate": rendition["max_bitrate"],
                    "QvbrSettings": {"QvbrQualityLevel": rendition["qvbr_quality"]},
                    "QualityTuningLevel": QUALITY_TUNING_LEVEL,
                    "CodecProfile": "HIGH",
                    "CodecLevel": "AUTO",
                    "GopSize": GOP_SECONDS,
                    "GopSizeUnits": "SECONDS",
                    "GopClosedCadence": 1,
                    "SceneChangeDetect": "TRANSITION_DETECTION",
                    "FramerateControl": "INITIALIZE_FROM_SOURCE",
                },
            },
        },
        "AudioDescriptions": [
            {
                "AudioSourceName": AUDIO_SELECTOR,
                "CodecSettings": {
                    "Codec": "AAC",
                    "AacSettings": {
                        "Bitrate": rendition.get("audio_bitrate", audio_bitrate),
                        "SampleRate": 48000,
                        "CodingMode": "CODING_MODE_2_0",
                    },
                },
            }
        ],
    }


def _captions_output(subtitles):
    return {
        "NameModifier": CAPTIONS_NAME_MODIFIER,
        "ContainerSettings": {"Container": "M3U8"},
        "OutputSettings": {"HlsSettings": {}},
        "CaptionDescriptions": [
            {
                "CaptionSelectorName": CAPTION_SELECTOR,
                "DestinationSettings": {"DestinationType": "WEBVTT", "WebvttDestinationSettings": {}},
                "LanguageCode": subtitles.get("language") or DEFAULT_SUBTITLES_LANGUAGE,
                "LanguageDescription": subtitles.get("name") or DEFAULT_SUBTITLES_NAME,
            }
        ],
    }


def height_classes(renditions=DEFAULT_RENDITIONS):
    """The top rungs, tallest first: ``[(class name, height), ...]`` (``"1080p"`` for a ``_1080p`` rendition)."""
    tallest = {}
    for rendition in renditions:
        height = rendition["height"]
        if height not in tallest:
            tallest[height] = rendition["name"].lstrip("_-.") or f"{height}p"
    return sorted(((name, height) for height, name in tallest.items()), key=lambda item: -item[1])


def renditions_for(renditions, max_height):
    """The renditions no taller than ``max_height``, in ladder order (the lowest one when none is)."""
    if max_height is None:
        return tuple(renditions)
    fitting = tuple(r for r in renditions if r["height"] <= max_height)
    if fitting:
        return fitting
    lowest = min(r["height"] for r in renditions)
    return tuple(r for r in renditions if r["height"] == lowest)


def template_settings(
    renditions=DEFAULT_RENDITIONS,
    segment_length=6,
    audio_bitrate=96000,
    destination=None,
    *,
    subtitles=None,
    max_height=None,
):
    """JobTemplateSettings: the ladder without the input file (and with ``destination`` only when given).

    ``subtitles`` (``{"source": url, "language": "ENG", "name": "English"}``) adds the WebVTT rendition from a
    sidecar file; ``max_height`` drops the renditions taller than the master.
    """
    if segment_length % GOP_SECONDS:
        raise ValueError(f"segment_length must be a multiple of the {GOP_SECONDS} s GOP, got {segment_length}")
    hls = {
        "SegmentLength": segment_length,
        "MinSegmentLength": 0,
        "SegmentControl": "SEGMENTED_FILES",
        "DirectoryStructure": "SINGLE_DIRECTORY",
        "ManifestDurationFormat": "FLOATING_POINT",
        "OutputSelection": "MANIFESTS_AND_SEGMENTS",
        "StreamInfResolution": "INCLUDE",
        "CodecSpecification": "RFC_4281",
        "ClientCache": "ENABLED",
        "ProgramDateTime": "EXCLUDE",
    }
    if destination:
        hls["Destination"] = destination
    job_input = {
        "AudioSelectors": {AUDIO_SELECTOR: {"DefaultSelection": "DEFAULT"}},
        "VideoSelector": {},
        "TimecodeSource": "ZEROBASED",
    }
    outputs = [_output(r, audio_bitrate) for r in renditions_for(renditions, max_height)]
    if subtitles:
        # Caption segments as long as the video's (the default, LARGE_SEGMENTS, makes 300 s ones).
        hls["CaptionSegmentLengthControl"] = "MATCH_VIDEO"
        job_input["CaptionSelectors"] = {
            CAPTION_SELECTOR: {
                "SourceSettings": {
                    "SourceType": "WEBVTT",
                    "FileSourceSettings": {"SourceFile": subtitles.get("source") or CAPTIONS_PLACEHOLDER},
                }
            }
        }
        outputs.append(_captions_output(subtitles))
    return {
        "TimecodeConfig": {"Source": "ZEROBASED"},
        "Inputs": [job_input],
        "OutputGroups": [
            {
                "Name": "HLS",
                "OutputGroupSettings": {"Type": "HLS_GROUP_SETTINGS", "HlsGroupSettings": hls},
                "Outputs": outputs,
            }
        ],
    }


def job_settings(
    input_url,
    destination,
    renditions=DEFAULT_RENDITIONS,
    segment_length=6,
    audio_bitrate=96000,
    *,
    subtitles=None,
    max_height=None,
):
    """JobSettings for one master: ``input_url`` (s3://...) to HLS under ``destination`` (s3://.../index)."""
    settings = copy.deepcopy(
        template_settings(
            renditions, segment_length, audio_bitrate, destination, subtitles=subtitles, max_height=max_height
        )
    )
    settings["Inputs"][0]["FileInput"] = input_url
    return settings


def job_documents(
    request,
    input_url,
    destination,
    *,
    renditions=DEFAULT_RENDITIONS,
    segment_length=6,
    audio_bitrate=96000,
    subtitles=None,
):
    """One CreateJob request per top rung (and per top rung with captions when ``subtitles`` is given).

    ``request`` is the rest of the request (Role, Queue, UserMetadata). Returns a list of
    ``{"class": "720p", "min_master_height": 720, "captions": False, "request": {...}}``, tallest class first;
    Rails uses the entry with the largest ``min_master_height`` that the master's height reaches (the lowest
    class has 0: a master shorter than every rung gets the lowest rung alone).
    """
    documents = []
    classes = height_classes(renditions)
    for index, (name, height) in enumerate(classes):
        floor = 0 if index == len(classes) - 1 else height
        for captions in (False, True) if subtitles else (False,):
            document = copy.deepcopy(dict(request))
            document["Settings"] = job_settings(
                input_url,
                destination,
                renditions,
                segment_length,
                audio_bitrate,
                subtitles=subtitles if captions else None,
                max_height=height,
            )
            documents.append({"class": name, "min_master_height": floor, "captions": captions, "request": document})
    return documents


def destination_for(bucket, book_id, prefix="books"):
    """``s3://<bucket>/books/<book_id>/index``: MediaConvert writes ``index.m3u8`` and ``index_<rendition>...``."""
    return f"s3://{bucket}/{prefix}/{book_id}/index"
