# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""MediaConvert settings for the Storytime HLS adaptive-bitrate ladder (no AWS calls).

Picture-book videos are mostly still illustrations with narration: QVBR spends bits only where pictures move,
so a small ladder of H.264 renditions with a quality-capped bitrate serves phones to TVs. Every rendition has
the same GOP (2 s, closed, no scene-change keyframes between boundaries), so keyframes line up across renditions
and every 6 s segment starts with one - what players need to switch renditions cleanly.

:func:`job_settings` is the ``Settings`` of a CreateJob request; :func:`template_settings` the same without the
input and destination, for a job template.
"""

import copy

DEFAULT_RENDITIONS = (
    {"name": "_1080p", "width": 1920, "height": 1080, "max_bitrate": 5000000, "qvbr_quality": 8},
    {"name": "_720p", "width": 1280, "height": 720, "max_bitrate": 3000000, "qvbr_quality": 7},
    {"name": "_480p", "width": 854, "height": 480, "max_bitrate": 1500000, "qvbr_quality": 7},
    {"name": "_360p", "width": 640, "height": 360, "max_bitrate": 800000, "qvbr_quality": 7},
)
GOP_SECONDS = 2
AUDIO_SELECTOR = "Audio Selector 1"


def _output(rendition, audio_bitrate):
    return {
        "NameModifier": rendition["name"],
        "ContainerSettings": {"Container": "M3U8", "M3u8Settings": {}},
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
                    "AacSettings": {"Bitrate": audio_bitrate, "SampleRate": 48000, "CodingMode": "CODING_MODE_2_0"},
                },
            }
        ],
    }


def template_settings(renditions=DEFAULT_RENDITIONS, segment_length=6, audio_bitrate=96000, destination=None):
    """JobTemplateSettings: the ladder without the input file (and with ``destination`` only when given)."""
    if segment_length % GOP_SECONDS:
        raise ValueError(f"segment_length must be a multiple of the {GOP_SECONDS} s GOP, got {segment_length}")
    hls = {
        "SegmentLength": segment_length,
        "MinSegmentLength": 0,
        "SegmentControl": "SEGMENTED_FILES",
        "DirectoryStructure": "SINGLE_DIRECTORY",
        "ManifestDurationFormat": "INTEGER",
        "OutputSelection": "MANIFESTS_AND_SEGMENTS",
        "StreamInfResolution": "INCLUDE",
        "CodecSpecification": "RFC_4281",
        "ClientCache": "ENABLED",
        "ProgramDateTime": "EXCLUDE",
    }
    if destination:
        hls["Destination"] = destination
    return {
        "TimecodeConfig": {"Source": "ZEROBASED"},
        "Inputs": [
            {
                "AudioSelectors": {AUDIO_SELECTOR: {"DefaultSelection": "DEFAULT"}},
                "VideoSelector": {},
                "TimecodeSource": "ZEROBASED",
            }
        ],
        "OutputGroups": [
            {
                "Name": "HLS",
                "OutputGroupSettings": {"Type": "HLS_GROUP_SETTINGS", "HlsGroupSettings": hls},
                "Outputs": [_output(r, audio_bitrate) for r in renditions],
            }
        ],
    }


def job_settings(input_url, destination, renditions=DEFAULT_RENDITIONS, segment_length=6, audio_bitrate=96000):
    """JobSettings for one master: ``input_url`` (s3://...) to HLS under ``destination`` (s3://.../index)."""
    settings = copy.deepcopy(template_settings(renditions, segment_length, audio_bitrate, destination))
    settings["Inputs"][0]["FileInput"] = input_url
    return settings


def destination_for(bucket, book_id, prefix="books"):
    """``s3://<bucket>/books/<book_id>/index``: MediaConvert writes ``index.m3u8`` and ``index_<rendition>...``."""
    return f"s3://{bucket}/{prefix}/{book_id}/index"
