"""The transcoding half of the local MediaConvert: job settings -> ffmpeg -> HLS in moto's S3.

What runs
=========
A job's settings (model member names, as boto3 spells them) are first checked against
:data:`SUPPORTED_SETTINGS`, a table that mirrors the ``JobSettings`` shape. Every member a job may carry
is in exactly one of three states:

* implemented (:data:`IMPLEMENTED`, :class:`OneOf`, :class:`Check`): it changes what ffmpeg does;
* accepted without effect (:class:`NoEffect`): it only matters for features this emulation refuses
  anyway (timecode insertion, ad avails, audio-only renditions, ...) or describes transport-stream
  details that nobody can observe in our output (PAT/PMT intervals, PES packing); each carries the reason;
* anything else: the job ends in ``ERROR`` with code 1040 (MediaConvert's "Settings Error") and a
  message naming the JSON pointer of the setting, e.g.
  ``/outputGroups/0/outputs/0/captionDescriptions: not supported by the local MediaConvert emulation``.

Nothing is silently ignored.

Then the worker (:func:`transcode`) reads the input from moto's S3 backend in-process into a temporary
directory, probes it with ffmpeg, runs *one* ffmpeg process for all outputs (the input is decoded once and
split), writes the HLS playlists itself (MediaConvert's names and layout: ``<name>.m3u8``,
``<name><NameModifier>.m3u8``, ``<name><NameModifier>_00001.ts``, ``<name><NameModifier>_I-Frame.m3u8`` with
``IFrameOnlyManifest: INCLUDE``) and puts every file into moto's S3 backend. I-frame playlists point at the IDR
frames found by reading the transport streams (:func:`transport_stream_iframes`); a WebVTT caption output reads its
sidecar file (a ``WEBVTT`` caption selector) and writes ``<name><NameModifier>_00001.vtt`` segments, their playlist
and an ``EXT-X-MEDIA:TYPE=SUBTITLES`` rendition (docs/hls-ladder.md). ffmpeg is the static binary of the PyPI
package ``imageio-ffmpeg``.

Job error codes follow the MediaConvert User Guide ("Error codes"): 1010 input cannot be opened
(not media), 1020 no video, 1021 no audio, 1040 settings error, 1041 acceleration settings error,
1401 Amazon S3 denied an output write, 1404 input or output S3 object/bucket not found, 1433 the job's role
does not exist, 1434 the role's trust policy does not let MediaConvert assume it, 1999 unknown. A denied input
read is 1010 (the user guide names IAM permissions among 1010's causes).

Every S3 read and write is made as the STS session of the job's role (:attr:`JobContext.principal`) and
authorized as S3 authorizes any request (:func:`local_aws.s3_policy.bucket_allows`: bucket policy, Block Public
Access, the role's identity policies), over HTTPS (``aws:SecureTransport`` true).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import quote

from local_aws import s3_policy
from local_aws.restjson import bad_request

# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------


class JobError(Exception):
    """The job ends in ERROR with MediaConvert error ``code`` and ``message``."""

    def __init__(self, code: int, message: str) -> None:
        """Remember the MediaConvert error code and message."""
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class JobCanceled(Exception):
    """The job was canceled while it ran; nothing more may be written."""


SETTINGS_ERROR = 1040
ACCELERATION_ERROR = 1041
INPUT_ERROR = 1010
VIDEO_ERROR = 1020
AUDIO_ERROR = 1021
PERMISSIONS_ERROR = 1401
FILE_NOT_FOUND = 1404
ROLE_NOT_FOUND = 1433
ROLE_NOT_TRUSTED = 1434
UNKNOWN_ERROR = 1999


def unsupported(path: str, detail: str = "") -> JobError:
    """A 1040 error for a setting this emulation does not implement."""
    suffix = f" ({detail})" if detail else ""
    return JobError(SETTINGS_ERROR, f"{path}: not supported by the local MediaConvert emulation{suffix}")


# --------------------------------------------------------------------------------------------------
# The table of supported settings
# --------------------------------------------------------------------------------------------------

#: Implemented for every value the service model allows.
IMPLEMENTED = "implemented"


@dataclass(frozen=True)
class OneOf:
    """Implemented (or harmless) only for these values."""

    values: tuple[Any, ...]

    def __init__(self, *values: Any) -> None:
        """Keep the accepted values."""
        object.__setattr__(self, "values", values)


@dataclass(frozen=True)
class Check:
    """Implemented when ``accepts(value)``; ``description`` says what is supported."""

    accepts: Callable[[Any], bool]
    description: str


@dataclass(frozen=True)
class NoEffect:
    """Accepted; it has no observable effect on what this emulation produces (``reason`` says why)."""

    reason: str


@dataclass(frozen=True)
class ListOf:
    """A list whose items follow ``item``."""

    item: Any


@dataclass(frozen=True)
class MapOf:
    """A map whose values follow ``value``."""

    value: Any


_TS_DETAIL = NoEffect("MPEG-TS packet-level detail; our segments are valid transport streams either way")
_ONLY_WITH_TIMECODES = NoEffect("only affects timecode insertion, which is not supported")
_ONLY_AUDIO_RENDITIONS = NoEffect("only affects audio-only renditions, which are not supported")

H264_SETTINGS: dict[str, Any] = {
    "RateControlMode": IMPLEMENTED,
    "Bitrate": IMPLEMENTED,
    "MaxBitrate": IMPLEMENTED,
    "QvbrSettings": {"QvbrQualityLevel": IMPLEMENTED, "QvbrQualityLevelFineTune": IMPLEMENTED},
    "HrdBufferSize": IMPLEMENTED,
    "HrdBufferInitialFillPercentage": IMPLEMENTED,
    "GopSize": IMPLEMENTED,
    "GopSizeUnits": IMPLEMENTED,
    "GopClosedCadence": Check(lambda v: v >= 1, "closed GOPs only (>= 1)"),
    "GopBReference": IMPLEMENTED,
    "NumberBFramesBetweenReferenceFrames": IMPLEMENTED,
    "NumberReferenceFrames": IMPLEMENTED,
    "MinIInterval": IMPLEMENTED,
    "SceneChangeDetect": IMPLEMENTED,
    "CodecProfile": OneOf("BASELINE", "MAIN", "HIGH"),
    "CodecLevel": IMPLEMENTED,
    "EntropyEncoding": IMPLEMENTED,
    "FramerateControl": IMPLEMENTED,
    "FramerateConversionAlgorithm": OneOf("DUPLICATE_DROP"),
    "FramerateNumerator": IMPLEMENTED,
    "FramerateDenominator": IMPLEMENTED,
    "ParControl": IMPLEMENTED,
    "ParNumerator": IMPLEMENTED,
    "ParDenominator": IMPLEMENTED,
    "QualityTuningLevel": IMPLEMENTED,
    "AdaptiveQuantization": IMPLEMENTED,
    "SpatialAdaptiveQuantization": IMPLEMENTED,
    "TemporalAdaptiveQuantization": IMPLEMENTED,
    "FlickerAdaptiveQuantization": NoEffect("x264 has no flicker adaptive quantization"),
    "ExplicitWeightedPrediction": IMPLEMENTED,
    "DynamicSubGop": IMPLEMENTED,
    "Slices": IMPLEMENTED,
    "InterlaceMode": OneOf("PROGRESSIVE"),
    "ScanTypeConversionMode": NoEffect("only applies to interlaced outputs, which are not supported"),
    "FieldEncoding": NoEffect("only applies to interlaced outputs, which are not supported"),
    "Telecine": OneOf("NONE"),
    "Syntax": OneOf("DEFAULT"),
    "SlowPal": OneOf("DISABLED"),
    "Softness": OneOf(0),
    "RepeatPps": NoEffect("x264 repeats SPS/PPS before every IDR frame in MPEG-TS anyway"),
    "EndOfStreamMarkers": NoEffect("an end-of-stream NAL unit does not change playback"),
    "UnregisteredSeiTimecode": OneOf("DISABLED"),
    "WriteMp4PackagingType": NoEffect("only applies to MP4 containers"),
    "SaliencyAwareEncoding": OneOf("DISABLED"),
}

AAC_SETTINGS: dict[str, Any] = {
    "Bitrate": IMPLEMENTED,
    "SampleRate": IMPLEMENTED,
    "CodingMode": OneOf("CODING_MODE_1_0", "CODING_MODE_2_0"),
    "CodecProfile": OneOf("LC"),
    "RateControlMode": OneOf("CBR"),
    "RawFormat": OneOf("NONE"),
    "Specification": OneOf("MPEG4"),
    "AudioDescriptionBroadcasterMix": OneOf("NORMAL"),
}

AUDIO_DESCRIPTION: dict[str, Any] = {
    "AudioSourceName": IMPLEMENTED,
    "LanguageCodeControl": IMPLEMENTED,
    "LanguageCode": IMPLEMENTED,
    "CustomLanguageCode": IMPLEMENTED,
    "AudioType": _TS_DETAIL,
    "AudioTypeControl": _TS_DETAIL,
    "StreamName": _ONLY_AUDIO_RENDITIONS,
    "CodecSettings": {"Codec": OneOf("AAC"), "AacSettings": AAC_SETTINGS},
}

VIDEO_DESCRIPTION: dict[str, Any] = {
    "Width": IMPLEMENTED,
    "Height": IMPLEMENTED,
    "ScalingBehavior": OneOf("DEFAULT", "STRETCH_TO_OUTPUT", "FIT", "FIT_NO_UPSCALE", "FILL"),
    "Sharpness": NoEffect("ffmpeg's bicubic scaler is used whatever the sharpness"),
    "AntiAlias": NoEffect("the service itself ignores DISABLED (see the API reference)"),
    "AfdSignaling": OneOf("NONE", "AUTO"),
    "RespondToAfd": NoEffect("AFD values in the input are not read"),
    "FixedAfd": NoEffect("only used with AfdSignaling FIXED, which is not supported"),
    "ColorMetadata": NoEffect("x264 writes the colour description of the source either way"),
    "DropFrameTimecode": _ONLY_WITH_TIMECODES,
    "TimecodeInsertion": OneOf("DISABLED"),
    "TimecodeTrack": OneOf("DISABLED"),
    "ChromaPositionMode": OneOf("AUTO"),
    "CodecSettings": {"Codec": OneOf("H_264"), "H264Settings": H264_SETTINGS},
}

M3U8_SETTINGS: dict[str, Any] = {
    "PmtPid": IMPLEMENTED,
    "VideoPid": IMPLEMENTED,
    "AudioPids": IMPLEMENTED,
    "PcrPid": IMPLEMENTED,
    "ProgramNumber": IMPLEMENTED,
    "TransportStreamId": IMPLEMENTED,
    "AudioFramesPerPes": _TS_DETAIL,
    "PcrControl": _TS_DETAIL,
    "PatInterval": _TS_DETAIL,
    "PmtInterval": _TS_DETAIL,
    "MaxPcrInterval": _TS_DETAIL,
    "AudioDuration": _TS_DETAIL,
    "DataPTSControl": _TS_DETAIL,
    "PtsOffsetMode": _TS_DETAIL,
    "PtsOffset": _TS_DETAIL,
    "Scte35Source": OneOf("NONE"),
    "Scte35Pid": NoEffect("no SCTE-35 is written (Scte35Source NONE)"),
    "NielsenId3": OneOf("NONE"),
    "TimedMetadata": OneOf("NONE"),
    "TimedMetadataPid": NoEffect("no timed metadata is written (TimedMetadata NONE)"),
    "PrivateMetadataPid": NoEffect("no private metadata is written"),
}

HLS_GROUP_SETTINGS: dict[str, Any] = {
    "Destination": IMPLEMENTED,
    "SegmentLength": IMPLEMENTED,
    "SegmentLengthControl": OneOf("EXACT", "GOP_MULTIPLE"),
    "MinSegmentLength": NoEffect("only extends segments around ad avails, and there are no avails"),
    "SegmentControl": OneOf("SEGMENTED_FILES"),
    "ManifestDurationFormat": IMPLEMENTED,
    "TargetDurationCompatibilityMode": IMPLEMENTED,
    "ClientCache": IMPLEMENTED,
    "CodecSpecification": IMPLEMENTED,
    "StreamInfResolution": IMPLEMENTED,
    "OutputSelection": IMPLEMENTED,
    "DirectoryStructure": OneOf("SINGLE_DIRECTORY"),
    "SegmentsPerSubdirectory": NoEffect("only used with DirectoryStructure SUBDIRECTORY_PER_STREAM"),
    "ManifestCompression": OneOf("NONE"),
    "ProgramDateTime": OneOf("EXCLUDE"),
    "ProgramDateTimePeriod": NoEffect("only used with ProgramDateTime INCLUDE, which is not supported"),
    "TimedMetadataId3Frame": NoEffect("ID3 timestamps are only written with M3u8Settings TimedMetadata PASSTHROUGH"),
    "TimedMetadataId3Period": NoEffect("ID3 timestamps are only written with M3u8Settings TimedMetadata PASSTHROUGH"),
    "TimestampDeltaMilliseconds": OneOf(0),
    "CaptionLanguageSetting": OneOf("NONE", "OMIT"),
    "CaptionSegmentLengthControl": IMPLEMENTED,
    "AudioOnlyHeader": _ONLY_AUDIO_RENDITIONS,
    "MinFinalSegmentLength": OneOf(0, 0.0),
    "ProgressiveWriteHlsManifest": NoEffect("the manifests are complete when the job completes either way"),
    "ImageBasedTrickPlay": OneOf("NONE"),
    "AdMarkers": Check(lambda v: v == [], "no ad markers"),
}

HLS_OUTPUT_SETTINGS: dict[str, Any] = {
    "AudioGroupId": _ONLY_AUDIO_RENDITIONS,
    "AudioOnlyContainer": _ONLY_AUDIO_RENDITIONS,
    "AudioRenditionSets": _ONLY_AUDIO_RENDITIONS,
    "AudioTrackType": _ONLY_AUDIO_RENDITIONS,
    "DescriptiveVideoServiceFlag": OneOf("DONT_FLAG"),
    "IFrameOnlyManifest": OneOf("EXCLUDE", "INCLUDE"),
    "SegmentModifier": OneOf(""),
}

#: A WebVTT subtitles output of an HLS group (sidecar captions in, segmented WebVTT out).
CAPTION_DESCRIPTION: dict[str, Any] = {
    "CaptionSelectorName": IMPLEMENTED,
    "LanguageCode": IMPLEMENTED,
    "CustomLanguageCode": IMPLEMENTED,
    "LanguageDescription": IMPLEMENTED,
    "DestinationSettings": {
        "DestinationType": OneOf("WEBVTT"),
        "WebvttDestinationSettings": {"Accessibility": OneOf("DISABLED"), "StylePassthrough": OneOf("DISABLED")},
    },
}

OUTPUT: dict[str, Any] = {
    "NameModifier": IMPLEMENTED,
    "CaptionDescriptions": ListOf(CAPTION_DESCRIPTION),
    "Extension": NoEffect("only used by File output groups"),
    "ContainerSettings": {"Container": OneOf("M3U8"), "M3u8Settings": M3U8_SETTINGS},
    "VideoDescription": VIDEO_DESCRIPTION,
    "AudioDescriptions": ListOf(AUDIO_DESCRIPTION),
    "OutputSettings": {"HlsSettings": HLS_OUTPUT_SETTINGS},
}

INPUT: dict[str, Any] = {
    "FileInput": IMPLEMENTED,
    "AudioSelectors": MapOf(
        {
            "DefaultSelection": IMPLEMENTED,
            "SelectorType": OneOf("TRACK"),
            "Tracks": IMPLEMENTED,
            "Offset": OneOf(0),
        }
    ),
    "VideoSelector": {
        "Rotate": OneOf("DEGREE_0", "AUTO"),
        "ColorSpace": OneOf("FOLLOW"),
        "ColorSpaceUsage": NoEffect("only used when ColorSpace names a colour space"),
        "AlphaBehavior": OneOf("DISCARD"),
        "PadVideo": OneOf("DISABLED"),
        "EmbeddedTimecodeOverride": OneOf("NONE"),
    },
    "CaptionSelectors": MapOf(
        {
            "CustomLanguageCode": NoEffect("the output's language comes from its caption description"),
            "LanguageCode": NoEffect("the output's language comes from its caption description"),
            "SourceSettings": {
                "SourceType": OneOf("WEBVTT"),
                "FileSourceSettings": {
                    "SourceFile": IMPLEMENTED,
                    "TimeDelta": IMPLEMENTED,
                    "TimeDeltaUnits": IMPLEMENTED,
                    "Convert608To708": NoEffect("only applies to SCC sources"),
                    "ConvertPaintToPop": NoEffect("only applies to SCC sources"),
                    "Framerate": NoEffect("only applies to SCC sources"),
                    "ByteRateLimit": NoEffect("only applies to SCC sources"),
                    "UpconvertSTLToTeletext": NoEffect("only applies to STL sources"),
                },
            },
        }
    ),
    "TimecodeSource": _ONLY_WITH_TIMECODES,
    "TimecodeStart": _ONLY_WITH_TIMECODES,
    "PsiControl": NoEffect("program-specific information of transport stream inputs is always used"),
    "FilterEnable": OneOf("AUTO", "DISABLE"),
    "FilterStrength": NoEffect("deblock/denoise filters are not supported"),
    "DeblockFilter": OneOf("DISABLED"),
    "DenoiseFilter": OneOf("DISABLED"),
    "InputScanType": OneOf("AUTO"),
}

#: The settings of a job this emulation runs; see the module docstring.
SUPPORTED_SETTINGS: dict[str, Any] = {
    "Inputs": ListOf(INPUT),
    "OutputGroups": ListOf(
        {
            "Name": NoEffect("a label for humans"),
            "CustomName": NoEffect("a label for humans"),
            "OutputGroupSettings": {"Type": OneOf("HLS_GROUP_SETTINGS"), "HlsGroupSettings": HLS_GROUP_SETTINGS},
            "Outputs": ListOf(OUTPUT),
        }
    ),
    "TimecodeConfig": {
        "Source": _ONLY_WITH_TIMECODES,
        "Anchor": _ONLY_WITH_TIMECODES,
        "Start": _ONLY_WITH_TIMECODES,
        "TimestampOffset": _ONLY_WITH_TIMECODES,
    },
    "AdAvailOffset": OneOf(0),
    "FollowSource": OneOf(1),
}


def wire_name(member: str) -> str:
    """The wire (JSON) name of a settings member: MediaConvert spells them in lowerCamelCase."""
    return member[:1].lower() + member[1:]


def check_supported(value: Any, spec: Any = None, path: str = "") -> None:
    """Raise a 1040 :class:`JobError` for the first setting of ``value`` that ``spec`` does not support."""
    spec = SUPPORTED_SETTINGS if spec is None else spec
    if spec is IMPLEMENTED or isinstance(spec, NoEffect):
        return
    if isinstance(spec, OneOf):
        if value not in spec.values:
            raise unsupported(path, f"value {value!r}; supported: {', '.join(map(repr, spec.values))}")
        return
    if isinstance(spec, Check):
        if not spec.accepts(value):
            raise unsupported(path, f"value {value!r}; supported: {spec.description}")
        return
    if isinstance(spec, ListOf):
        for index, item in enumerate(value):
            check_supported(item, spec.item, f"{path}/{index}")
        return
    if isinstance(spec, MapOf):
        for key, item in value.items():
            check_supported(item, spec.value, f"{path}/{key}")
        return
    for key, item in value.items():
        child = f"{path}/{wire_name(key)}"
        if key not in spec:
            raise unsupported(child)
        check_supported(item, spec[key], child)


# --------------------------------------------------------------------------------------------------
# Rules the service enforces when the job is created (BadRequestException)
# --------------------------------------------------------------------------------------------------

#: "The set of valid values for this setting is: ..." (AacSettings.Bitrate in the API reference).
AAC_BITRATES = frozenset(
    [
        6000,
        8000,
        10000,
        12000,
        14000,
        16000,
        20000,
        24000,
        28000,
        32000,
        40000,
        48000,
        56000,
        64000,
        80000,
        96000,
        112000,
        128000,
        160000,
        192000,
        224000,
        256000,
        288000,
        320000,
        384000,
        448000,
        512000,
        576000,
        640000,
        768000,
        896000,
        1024000,
    ]
)

_GROUP_SETTINGS_MEMBER = {
    "HLS_GROUP_SETTINGS": "HlsGroupSettings",
    "DASH_ISO_GROUP_SETTINGS": "DashIsoGroupSettings",
    "FILE_GROUP_SETTINGS": "FileGroupSettings",
    "MS_SMOOTH_GROUP_SETTINGS": "MsSmoothGroupSettings",
    "CMAF_GROUP_SETTINGS": "CmafGroupSettings",
}


def validate_job_settings(settings: dict[str, Any]) -> None:
    """Raise ``BadRequestException`` for settings the API documents as invalid (checked at CreateJob).

    Only rules the API reference states are checked here; whether this emulation *supports* a valid
    setting is decided when the job runs (:func:`check_supported`).
    """
    if not settings.get("Inputs"):
        raise bad_request("/inputs: Should have at least 1 items")
    for i, job_input in enumerate(settings["Inputs"]):
        if not job_input.get("FileInput"):
            raise bad_request(f"/inputs/{i}: Should have required property 'fileInput'")
    groups = settings.get("OutputGroups") or []
    if not groups:
        raise bad_request("/outputGroups: Should have at least 1 items")
    for g, group in enumerate(groups):
        base = f"/outputGroups/{g}"
        group_settings = group.get("OutputGroupSettings") or {}
        kind = group_settings.get("Type")
        if kind is None:
            raise bad_request(f"{base}/outputGroupSettings: Should have required property 'type'")
        member = _GROUP_SETTINGS_MEMBER[kind]
        if member not in group_settings:
            raise bad_request(f"{base}/outputGroupSettings: Should have required property '{wire_name(member)}'")
        if kind == "HLS_GROUP_SETTINGS" and not group_settings[member].get("Destination"):
            raise bad_request(
                f"{base}/outputGroupSettings/hlsGroupSettings: Should have required property 'destination'"
            )
        outputs = group.get("Outputs") or []
        if not outputs:
            raise bad_request(f"{base}/outputs: Should have at least 1 items")
        modifiers: set[str] = set()
        for o, output in enumerate(outputs):
            opath = f"{base}/outputs/{o}"
            modifier = output.get("NameModifier")
            if len(outputs) > 1 and not modifier:
                raise bad_request(
                    f"{opath}/nameModifier: Name modifier is required when an output group has more than one output"
                )
            if modifier in modifiers:
                raise bad_request(f"{opath}/nameModifier: Name modifiers must be unique within an output group")
            if modifier:
                modifiers.add(modifier)
            _validate_video(output.get("VideoDescription") or {}, f"{opath}/videoDescription")
            for a, audio in enumerate(output.get("AudioDescriptions") or []):
                aac = (audio.get("CodecSettings") or {}).get("AacSettings") or {}
                if "Bitrate" in aac and aac["Bitrate"] not in AAC_BITRATES:
                    raise bad_request(
                        f"{opath}/audioDescriptions/{a}/codecSettings/aacSettings/bitrate: "
                        f"Should be one of {sorted(AAC_BITRATES)}"
                    )


def _validate_video(video: dict[str, Any], path: str) -> None:
    codec = video.get("CodecSettings") or {}
    if codec.get("Codec") != "H_264":
        return
    h264 = codec.get("H264Settings")
    hpath = f"{path}/codecSettings/h264Settings"
    if h264 is None:
        raise bad_request(f"{path}/codecSettings: Should have required property 'h264Settings'")
    mode = h264.get("RateControlMode", "CBR")
    if mode == "QVBR" and "MaxBitrate" not in h264:
        raise bad_request(f"{hpath}: Should have required property 'maxBitrate' when rateControlMode is QVBR")
    if mode in ("CBR", "VBR") and "Bitrate" not in h264:
        raise bad_request(f"{hpath}: Should have required property 'bitrate' when rateControlMode is {mode}")
    if h264.get("FramerateControl") == "SPECIFIED" and not (
        h264.get("FramerateNumerator") and h264.get("FramerateDenominator")
    ):
        raise bad_request(f"{hpath}: framerateNumerator and framerateDenominator are required when SPECIFIED")
    if h264.get("ParControl") == "SPECIFIED" and not (h264.get("ParNumerator") and h264.get("ParDenominator")):
        raise bad_request(f"{hpath}: parNumerator and parDenominator are required when parControl is SPECIFIED")


# --------------------------------------------------------------------------------------------------
# S3 (moto's backend, in-process)
# --------------------------------------------------------------------------------------------------


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> ``(bucket, key)``."""
    rest = uri[len("s3://") :]
    bucket, _, key = rest.partition("/")
    return bucket, key


def _s3_backend(bucket: str, account_id: str, partition: str) -> Any:
    from moto.s3.models import s3_backends  # noqa: PLC0415  (moto is heavy; the server has it loaded)

    owner = s3_backends.bucket_accounts.get(bucket)
    if owner is not None:
        partition, account_id = owner
    return s3_backends[account_id][partition]


def _access_context(principal: s3_policy.Caller, region: str | None) -> s3_policy.RequestContext:
    """The request context of an S3 request MediaConvert makes with the job role's session: over HTTPS, signed by
    the assumed-role session (the global condition keys of any request by that session)."""
    from local_aws import iam_auth  # noqa: PLC0415  (iam_auth imports moto lazily; keep the engine light)

    values = iam_auth.request_values({"wsgi.url_scheme": "https"}, principal, region)
    return s3_policy.RequestContext(caller=principal, values=values)


def _allowed(bucket: Any, action: str, resource: str, principal: s3_policy.Caller | None, region: str | None) -> bool:
    """True if the job role's session may do ``action`` on ``resource`` (bucket policy, Block Public Access and the
    role's identity policies, as S3 authorizes any request; see :func:`local_aws.s3_policy.bucket_allows`)."""
    if principal is None:
        return False  # no session: MediaConvert never touches S3 without its role's credentials
    return s3_policy.bucket_allows(bucket, action, resource, _access_context(principal, region))


def read_s3_object(
    uri: str,
    account_id: str,
    partition: str,
    *,
    principal: s3_policy.Caller | None = None,
    region: str | None = None,
) -> bytes:
    """The bytes of ``uri`` in moto's S3, read as ``principal`` (the job role's session).

    As S3 answers a GetObject: a missing bucket is error 1404; then ``s3:GetObject`` must be allowed, else
    error 1010 (MediaConvert can't open the input file: the user guide's "Error codes", 1010, names IAM
    permissions as a cause); a missing key is 1404 only when the session may ``s3:ListBucket`` the bucket,
    otherwise S3 answers 403 and it is 1010 as well (the S3 API reference, GetObject: "If you don't have the
    s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Access Denied error").
    """
    bucket_name, key = split_s3_uri(uri)
    backend = _s3_backend(bucket_name, account_id, partition)
    missing = JobError(
        FILE_NOT_FOUND,
        f"Unable to open input file [{uri}]: [Failed probe/open: [Can't read input stream: "
        f"[Failed to read data: HeadObject failed]]]",
    )
    denied = JobError(
        INPUT_ERROR,
        f"Unable to open input file [{uri}]: [Failed probe/open: [Can't read input stream: "
        f"[Failed to read data: Access Denied]]]",
    )
    try:
        bucket = backend.get_bucket(bucket_name)
    except Exception as exc:  # MissingBucket
        raise missing from exc
    arn = f"arn:{partition}:s3:::{bucket_name}"
    if not _allowed(bucket, "s3:GetObject", f"{arn}/{key}", principal, region):
        raise denied
    try:
        obj = backend.get_object(bucket_name, key)
    except Exception:
        obj = None
    if obj is None:
        if _allowed(bucket, "s3:ListBucket", arn, principal, region):
            raise missing
        raise denied
    return bytes(obj.value)


def write_s3_object(
    uri: str,
    data: bytes,
    content_type: str,
    account_id: str,
    partition: str,
    *,
    principal: s3_policy.Caller | None = None,
    region: str | None = None,
) -> None:
    """Put ``data`` at ``uri`` in moto's S3 as ``principal`` (S3 event notifications fire as for any PutObject).

    A missing bucket is error 1404; a PutObject that S3 refuses is error 1401 (the user guide's "Error codes":
    "Permissions Issue: Amazon S3 denied access to a file or bucket").
    """
    bucket_name, key = split_s3_uri(uri)
    backend = _s3_backend(bucket_name, account_id, partition)
    try:
        bucket = backend.get_bucket(bucket_name)
    except Exception as exc:
        raise JobError(
            FILE_NOT_FOUND,
            f"Unable to write to output file [{uri}]: [Failed to write data: The specified bucket does not exist]",
        ) from exc
    if not _allowed(bucket, "s3:PutObject", f"arn:{partition}:s3:::{bucket_name}/{key}", principal, region):
        raise JobError(
            PERMISSIONS_ERROR, f"Unable to write to output file [{uri}]: [Failed to write data: Access Denied]"
        )
    new_key = backend.put_object(bucket_name, key, data)
    new_key.set_metadata({"Content-Type": content_type})


# --------------------------------------------------------------------------------------------------
# ffmpeg
# --------------------------------------------------------------------------------------------------


def ffmpeg_exe() -> str:
    """The ffmpeg binary of ``imageio-ffmpeg`` (``IMAGEIO_FFMPEG_EXE`` overrides it, as in imageio)."""
    try:
        import imageio_ffmpeg  # noqa: PLC0415
    except ImportError as exc:
        raise JobError(UNKNOWN_ERROR, "local_aws: the PyPI package imageio-ffmpeg is not installed") from exc
    return str(imageio_ffmpeg.get_ffmpeg_exe())


@dataclass
class ProbedInput:
    """What ffmpeg reports about an input."""

    duration: float
    width: int
    height: int
    fps: Fraction
    rotation: int
    audio_languages: list[str]
    #: ffmpeg's names: the demuxer ("mov,mp4,m4a,3gp,3g2,mj2"), the video codec ("h264"), each audio codec.
    container: str = ""
    video_codec: str = ""
    audio_codecs: tuple[str, ...] = ()

    @property
    def audio_tracks(self) -> int:
        """Number of audio streams."""
        return len(self.audio_languages)


_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_STREAM = re.compile(r"Stream #\d+:\d+(?:\[[^\]]*\])?(?:\((?P<lang>[a-z]{3})\))?: (?P<kind>Video|Audio): (?P<rest>.*)")
_SIZE = re.compile(r"(?<![\dx])(\d{2,5})x(\d{2,5})(?![\dx])")
_FPS = re.compile(r"(\d+(?:\.\d+)?)(k?) (?:fps|tbr)")
_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees")
_CONTAINER = re.compile(r"Input #0, ([^ ]+), from")


def probe(path: Path, uri: str) -> ProbedInput:
    """Probe ``path`` with ``ffmpeg -i`` (imageio-ffmpeg ships no ffprobe)."""
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    text = result.stderr
    video = next((m for m in _STREAM.finditer(text) if m.group("kind") == "Video"), None)
    audio = [m for m in _STREAM.finditer(text) if m.group("kind") == "Audio"]
    duration_match = _DURATION.search(text)
    if video is None and not audio:
        raise JobError(
            INPUT_ERROR, f"Unable to open input file [{uri}]: [Failed probe/open: [No parser found for container]]"
        )
    if video is None:
        raise JobError(VIDEO_ERROR, f"Unable to find a video stream in input file [{uri}]")
    size = _SIZE.search(video.group("rest"))
    if size is None:
        raise JobError(INPUT_ERROR, f"Unable to open input file [{uri}]: [Failed probe/open: [Unknown frame size]]")
    fps_match = _FPS.search(video.group("rest"))
    fps = Fraction(30)
    if fps_match:
        value = float(fps_match.group(1)) * (1000 if fps_match.group(2) else 1)
        fps = Fraction(value).limit_denominator(1001)
    rotation_match = _ROTATION.search(text)
    rotation = round(float(rotation_match.group(1))) % 360 if rotation_match else 0
    duration = 0.0
    if duration_match:
        hours, minutes, seconds = duration_match.groups()
        duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    return ProbedInput(
        duration=duration,
        width=int(size.group(1)),
        height=int(size.group(2)),
        fps=fps,
        rotation=rotation,
        audio_languages=[m.group("lang") or "und" for m in audio],
        container=container.group(1) if (container := _CONTAINER.search(text)) else "",
        video_codec=video.group("rest").split(" ", 1)[0].rstrip(","),
        audio_codecs=tuple(m.group("rest").split(" ", 1)[0].rstrip(",") for m in audio),
    )


# --------------------------------------------------------------------------------------------------
# Planning: settings + probe -> ffmpeg arguments
# --------------------------------------------------------------------------------------------------

#: QualityTuningLevel -> x264 preset (no second pass is made for MULTI_PASS_HQ).
X264_PRESETS = {"SINGLE_PASS": "veryfast", "SINGLE_PASS_HQ": "faster", "MULTI_PASS_HQ": "medium"}
#: AdaptiveQuantization -> x264 aq-strength (AUTO/MEDIUM keep x264's default of 1.0).
AQ_STRENGTH = {"LOW": 0.6, "MEDIUM": 1.0, "HIGH": 1.2, "HIGHER": 1.4, "MAX": 1.6}
#: QVBR quality level when the job leaves it to the service ("AUTO").
DEFAULT_QVBR_LEVEL = 7
#: Segment length when HlsGroupSettings.SegmentLength is omitted (API reference: "defaults to 10").
DEFAULT_SEGMENT_LENGTH = 10
#: MediaConvert's default PIDs for HLS transport streams (M3u8Settings defaults).
DEFAULT_PMT_PID, DEFAULT_VIDEO_PID = 480, 481


def qvbr_crf(level: float) -> float:
    """Map a QVBR quality level (1-10) onto an x264 CRF (1 -> 38.4, 7 -> 22.8, 10 -> 15)."""
    return round(41.0 - 2.6 * level, 2)


def _even(value: float) -> int:
    return max(2, round(value / 2.0) * 2)


@dataclass
class OutputPlan:
    """One rendition: where it goes and how ffmpeg makes it."""

    group: int
    index: int
    path: str  # JSON pointer, for messages
    name_modifier: str
    width: int
    height: int
    fps: Fraction
    filters: list[str]
    video_args: list[str]
    audio_args: list[str]
    mux_args: list[str]
    audio_codec: bool
    segment_length: float  # -hls_time: SegmentLength, or rounded up to a GOP multiple (GOP_MULTIPLE)
    local_stem: str = ""
    iframe_manifest: bool = False  # HlsSettings.IFrameOnlyManifest INCLUDE
    video_pid: int = 481


@dataclass
class CaptionPlan:
    """One WebVTT subtitles output: a sidecar caption file, segmented."""

    index: int
    path: str
    name_modifier: str
    source_uri: str
    language: str  # ISO 639-2, lower case ("eng")
    name: str  # LanguageDescription (the EXT-X-MEDIA NAME)
    time_delta: float  # seconds added to every cue (FileSourceSettings.TimeDelta)


@dataclass
class GroupPlan:
    """One HLS output group."""

    index: int
    destination_dir: str  # s3://bucket/prefix/ (with trailing slash)
    base_name: str
    settings: dict[str, Any]
    outputs: list[OutputPlan]
    captions: list[CaptionPlan] | None = None


@dataclass
class JobPlan:
    """Everything ffmpeg needs for a job."""

    input_uri: str
    rotate_input: bool
    groups: list[GroupPlan]


def _first_input(settings: dict[str, Any]) -> dict[str, Any]:
    inputs = settings.get("Inputs") or []
    if len(inputs) != 1:
        raise unsupported("/inputs", f"{len(inputs)} inputs; exactly one input is supported (no concatenation)")
    return inputs[0]


def _audio_track(job_input: dict[str, Any], source_name: str | None, path: str, uri: str, probed: ProbedInput) -> int:
    """The 1-based audio track of the input that an audio description uses."""
    selectors = job_input.get("AudioSelectors") or {}
    name = source_name or "Audio Selector 1"
    selector = selectors.get(name)
    if selector is None:
        selector = next((s for s in selectors.values() if s.get("DefaultSelection") == "DEFAULT"), None)
    if selector is None:
        if selectors:
            raise JobError(
                SETTINGS_ERROR,
                f"{path}/audioSourceName: audio selector [{name}] does not exist in input 1 and no selector is "
                "the default",
            )
        selector = {}
    tracks = selector.get("Tracks") or [1]
    if len(tracks) != 1:
        raise unsupported(f"{path}/audioSourceName", "audio selectors with more than one track")
    track = int(tracks[0])
    if track > probed.audio_tracks:
        raise JobError(AUDIO_ERROR, f"Unable to find audio track [{track}] in input file [{uri}]")
    return track


def _output_size(video: dict[str, Any], probed: ProbedInput, rotate: bool, path: str) -> tuple[int, int, list[str]]:
    """Output width/height and the scaling filters (ScalingBehavior, documented in the User Guide)."""
    src_w, src_h = probed.width, probed.height
    if rotate and probed.rotation in (90, 270):
        src_w, src_h = src_h, src_w
    width, height = video.get("Width"), video.get("Height")
    for name, value in (("width", width), ("height", height)):
        if value is not None and value % 2:
            raise unsupported(f"{path}/{name}", f"odd value {value}; H.264 4:2:0 needs even dimensions")
    if width is None and height is None:
        return _even(src_w), _even(src_h), [f"scale={_even(src_w)}:{_even(src_h)}"]
    if width is None or height is None:
        # "To evenly scale from your input resolution: leave Width (or Height) blank."
        if width is None:
            width = _even(src_w * height / src_h)
        else:
            height = _even(src_h * width / src_w)
        return width, height, [f"scale={width}:{height}"]
    behaviour = video.get("ScalingBehavior", "DEFAULT")
    if behaviour == "STRETCH_TO_OUTPUT":
        return width, height, [f"scale={width}:{height}"]
    if behaviour == "FILL":
        return width, height, [f"scale={width}:{height}:force_original_aspect_ratio=increase", f"crop={width}:{height}"]
    fit = min(width / src_w, height / src_h)
    if behaviour == "FIT_NO_UPSCALE":
        fit = min(fit, 1.0)
    fit_w, fit_h = _even(src_w * fit), _even(src_h * fit)
    fit_w, fit_h = min(fit_w, width), min(fit_h, height)
    if behaviour in ("FIT", "FIT_NO_UPSCALE"):
        return fit_w, fit_h, [f"scale={fit_w}:{fit_h}"]
    # DEFAULT: "Fit with padding" - scale into the frame, then pad (black) to the output resolution.
    return width, height, [f"scale={fit_w}:{fit_h}", f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:black"]


def _gop_seconds(h264: dict[str, Any], fps: Fraction) -> float | None:
    units = h264.get("GopSizeUnits", "AUTO")
    size = h264.get("GopSize")
    if units == "AUTO" or size is None:
        return None
    return float(size) / float(fps) if units == "FRAMES" else float(size)


def _video_args(h264: dict[str, Any], fps: Fraction, gop_seconds: float, key_frames: str) -> list[str]:
    """libx264 arguments for H264Settings."""
    args = ["-c:v", "libx264", "-pix_fmt", "yuv420p"]
    args += ["-preset", X264_PRESETS[h264.get("QualityTuningLevel", "SINGLE_PASS_HQ")]]
    args += ["-profile:v", h264.get("CodecProfile", "MAIN").lower()]
    level = h264.get("CodecLevel", "AUTO")
    if level != "AUTO":
        args += ["-level:v", level.removeprefix("LEVEL_").replace("_", ".")]
    x264: list[str] = []
    mode = h264.get("RateControlMode", "CBR")
    buffer = h264.get("HrdBufferSize")
    if mode == "QVBR":
        qvbr = h264.get("QvbrSettings") or {}
        level_value = qvbr.get("QvbrQualityLevel", DEFAULT_QVBR_LEVEL) + qvbr.get("QvbrQualityLevelFineTune", 0)
        args += ["-crf", str(qvbr_crf(level_value)), "-maxrate", str(h264["MaxBitrate"])]
        args += ["-bufsize", str(buffer or 2 * h264["MaxBitrate"])]
    elif mode == "CBR":
        rate = h264["Bitrate"]
        args += ["-b:v", str(rate), "-minrate", str(rate), "-maxrate", str(rate), "-bufsize", str(buffer or 2 * rate)]
        x264.append("nal-hrd=cbr")
    else:  # VBR
        args += ["-b:v", str(h264["Bitrate"])]
        peak = h264.get("MaxBitrate")
        if peak:
            args += ["-maxrate", str(peak), "-bufsize", str(buffer or 2 * peak)]
    if "HrdBufferInitialFillPercentage" in h264 and "-bufsize" in args:
        x264.append(f"vbv-init={h264['HrdBufferInitialFillPercentage'] / 100:.2f}")
    # GOP: at most one GOP (or one segment) between keyframes; IDR frames are forced on the boundaries.
    keyint = max(1, round(gop_seconds * float(fps)))
    args += ["-g", str(keyint), "-force_key_frames", key_frames]
    if h264.get("MinIInterval"):
        args += ["-keyint_min", str(h264["MinIInterval"])]
    if h264.get("SceneChangeDetect") == "DISABLED":
        args += ["-sc_threshold", "0"]
    if "NumberBFramesBetweenReferenceFrames" in h264:
        args += ["-bf", str(h264["NumberBFramesBetweenReferenceFrames"])]
    if "NumberReferenceFrames" in h264:
        args += ["-refs", str(h264["NumberReferenceFrames"])]
    if "Slices" in h264:
        args += ["-slices", str(h264["Slices"])]
    if h264.get("GopBReference") == "ENABLED":
        x264.append("b-pyramid=normal")
    elif h264.get("GopBReference") == "DISABLED":
        x264.append("b-pyramid=none")
    if h264.get("EntropyEncoding") == "CAVLC":
        x264.append("cabac=0")
    if h264.get("DynamicSubGop") == "STATIC":
        x264.append("b-adapt=0")
    elif h264.get("DynamicSubGop") == "ADAPTIVE":
        x264.append("b-adapt=2")
    if "ExplicitWeightedPrediction" in h264:
        x264.append("weightp=2" if h264["ExplicitWeightedPrediction"] == "ENABLED" else "weightp=0")
    aq = h264.get("AdaptiveQuantization", "AUTO")
    if aq == "OFF" or h264.get("SpatialAdaptiveQuantization") == "DISABLED":
        x264.append("aq-mode=0")
    elif aq in AQ_STRENGTH:
        x264.append(f"aq-strength={AQ_STRENGTH[aq]}")
    if h264.get("TemporalAdaptiveQuantization") == "DISABLED":
        x264.append("mbtree=0")
    if x264:
        args += ["-x264-params", ":".join(x264)]
    return args


def _audio_args(audio: dict[str, Any], track: int, source_language: str) -> list[str]:
    aac = (audio.get("CodecSettings") or {}).get("AacSettings") or {}
    channels = 1 if aac.get("CodingMode") == "CODING_MODE_1_0" else 2
    args = ["-map", f"0:a:{track - 1}", "-c:a", "aac", "-b:a", str(aac.get("Bitrate", 96000))]
    args += ["-ar", str(aac.get("SampleRate", 48000)), "-ac", str(channels)]
    configured = audio.get("CustomLanguageCode") or audio.get("LanguageCode")
    language = source_language if source_language != "und" else None
    if configured and (audio.get("LanguageCodeControl") == "USE_CONFIGURED" or language is None):
        language = configured.lower()
    if language:
        args += ["-metadata:s:a:0", f"language={language}"]
    return args


def _mux_args(container: dict[str, Any], has_audio: bool, path: str) -> list[str]:
    """MPEG-TS options for the HLS muxer (M3u8Settings PIDs, MediaConvert's defaults otherwise)."""
    m3u8 = container.get("M3u8Settings") or {}
    video_pid = m3u8.get("VideoPid", DEFAULT_VIDEO_PID)
    audio_pids = m3u8.get("AudioPids")
    if has_audio and audio_pids and audio_pids[0] != video_pid + 1:
        raise unsupported(
            f"{path}/containerSettings/m3u8Settings/audioPids", "the first audio PID must follow the video PID"
        )
    if m3u8.get("PcrPid", video_pid) != video_pid:
        raise unsupported(f"{path}/containerSettings/m3u8Settings/pcrPid", "the PCR is carried on the video PID")
    options = [
        f"mpegts_pmt_start_pid={m3u8.get('PmtPid', DEFAULT_PMT_PID)}",
        f"mpegts_start_pid={video_pid}",
        f"mpegts_service_id={m3u8.get('ProgramNumber', 1)}",
        f"mpegts_transport_stream_id={m3u8.get('TransportStreamId', 1)}",
    ]
    return ["-hls_segment_options", ":".join(options)]


def destination_parts(destination: str, input_uri: str) -> tuple[str, str]:
    """Split an HLS Destination into its directory and base file name.

    "If you do not specify the base filename in the URI, the service will use the filename of the
    input file" (HlsGroupSettings.Destination in the API reference).
    """
    directory, _, name = destination.rpartition("/")
    if not name:
        name = Path(split_s3_uri(input_uri)[1]).stem or "output"
    return directory + "/", name


def _key_frames(gop: float | None, segment_length: float, duration: float) -> str:
    """The -force_key_frames value: IDR frames at every segment boundary (and GOP boundary), aligned.

    With no GOP size, or one that divides the segment length, a single expression does it
    (``expr:gte(t,n_forced*N)``). Otherwise (SegmentLengthControl EXACT with a GOP that does not divide the
    segment) the union of both grids is listed explicitly, as MediaConvert's "additional I-frames" note says.
    """
    interval = gop or segment_length
    ratio = segment_length / interval
    if abs(ratio - round(ratio)) < 1e-6:
        return f"expr:gte(t,n_forced*{interval:g})"
    times: set[float] = set()
    for step in (interval, segment_length):
        for n in range(int(duration / step) + 2):
            times.add(round(n * step, 3))
    return ",".join(f"{t:g}" for t in sorted(times))


def _caption_plan(job_input: dict[str, Any], output: dict[str, Any], index: int, path: str) -> CaptionPlan:
    """A WebVTT output from a sidecar caption selector (the user guide's "Captions" chapter: a file source
    feeding a WebVTT destination of an HLS group gives a SUBTITLES rendition)."""
    descriptions = output["CaptionDescriptions"]
    if len(descriptions) != 1:
        raise unsupported(f"{path}/captionDescriptions", "more than one caption description per output")
    description = descriptions[0]
    dpath = f"{path}/captionDescriptions/0"
    selectors = job_input.get("CaptionSelectors") or {}
    name = description.get("CaptionSelectorName")
    selector = selectors.get(name)
    if selector is None:
        raise JobError(
            SETTINGS_ERROR, f"{dpath}/captionSelectorName: caption selector [{name}] does not exist in input 1"
        )
    source = (selector.get("SourceSettings") or {}).get("FileSourceSettings") or {}
    uri = source.get("SourceFile", "")
    if not uri.startswith("s3://"):
        raise unsupported(f"/inputs/0/captionSelectors/{name}/sourceSettings/fileSourceSettings/sourceFile",
                          "only s3:// caption files are supported")  # fmt: skip
    delta = float(source.get("TimeDelta", 0))
    if source.get("TimeDeltaUnits") == "MILLISECONDS":
        delta /= 1000
    language = (description.get("CustomLanguageCode") or description.get("LanguageCode") or "und").lower()
    modifier = output.get("NameModifier", "")
    if "$" in modifier or "/" in modifier:
        raise unsupported(f"{path}/nameModifier", "format identifiers and slashes")
    return CaptionPlan(
        index=index,
        path=path,
        name_modifier=modifier,
        source_uri=uri,
        language=language,
        name=description.get("LanguageDescription") or language,
        time_delta=delta,
    )


def plan_job(settings: dict[str, Any], probed: ProbedInput) -> JobPlan:
    """Turn supported settings into a :class:`JobPlan` (raises :class:`JobError` for what ffmpeg cannot do)."""
    job_input = _first_input(settings)
    uri = job_input.get("FileInput", "")
    if not uri.startswith("s3://"):
        raise unsupported("/inputs/0/fileInput", "only s3:// inputs are supported")
    rotate = (job_input.get("VideoSelector") or {}).get("Rotate", "DEGREE_0") == "AUTO"
    groups: list[GroupPlan] = []
    for g, group in enumerate(settings["OutputGroups"]):
        hls = group["OutputGroupSettings"]["HlsGroupSettings"]
        gpath = f"/outputGroups/{g}"
        destination = hls["Destination"]
        if "$" in destination:
            raise unsupported(f"{gpath}/outputGroupSettings/hlsGroupSettings/destination", "format identifiers")
        directory, base_name = destination_parts(destination, uri)
        segment_length = float(hls.get("SegmentLength", DEFAULT_SEGMENT_LENGTH))
        # Frame rate and GOP of every output first: with GOP_MULTIPLE they decide the segment length.
        videos: list[tuple[int, dict[str, Any], dict[str, Any], dict[str, Any], Fraction, float | None]] = []
        captions: list[CaptionPlan] = []
        for o, output in enumerate(group["Outputs"]):
            path = f"{gpath}/outputs/{o}"
            video = output.get("VideoDescription")
            if video is None:
                if output.get("CaptionDescriptions") and not output.get("AudioDescriptions"):
                    captions.append(_caption_plan(job_input, output, o, path))
                    continue
                raise unsupported(f"{path}/videoDescription", "audio-only outputs (every output needs video)")
            if output.get("CaptionDescriptions"):
                raise unsupported(f"{path}/captionDescriptions", "captions embedded in a video output")
            h264 = video["CodecSettings"]["H264Settings"]
            fps = probed.fps
            if h264.get("FramerateControl") == "SPECIFIED":
                fps = Fraction(h264["FramerateNumerator"], h264["FramerateDenominator"])
            videos.append((o, output, video, h264, fps, _gop_seconds(h264, fps)))
        if not videos:
            raise unsupported(f"{gpath}/outputs", "an HLS group without a video output")
        outputs: list[OutputPlan] = []
        for o, output, video, h264, fps, gop in videos:
            path = f"{gpath}/outputs/{o}"
            length = segment_length
            if hls.get("SegmentLengthControl") == "GOP_MULTIPLE" and gop:
                # "MediaConvert will round up the segment lengths to match the next GOP boundary."
                length = math.ceil(segment_length / gop - 1e-9) * gop
            modifier = output.get("NameModifier", "")
            if "$" in modifier or "/" in modifier:
                raise unsupported(f"{path}/nameModifier", "format identifiers and slashes")
            filters: list[str] = []
            if h264.get("FramerateControl") == "SPECIFIED":
                filters.append(f"fps={fps.numerator}/{fps.denominator}")
            width, height, scale = _output_size(video, probed, rotate, f"{path}/videoDescription")
            filters += scale
            if h264.get("ParControl") == "SPECIFIED":
                filters.append(f"setsar={h264['ParNumerator']}/{h264['ParDenominator']}")
            else:
                filters.append("setsar=1")
            audios = output.get("AudioDescriptions") or []
            if len(audios) > 1:
                raise unsupported(f"{path}/audioDescriptions", "more than one audio track per output")
            audio_args: list[str] = []
            if audios:
                apath = f"{path}/audioDescriptions/0"
                track = _audio_track(job_input, audios[0].get("AudioSourceName"), apath, uri, probed)
                audio_args = _audio_args(audios[0], track, probed.audio_languages[track - 1])
            key_frames = _key_frames(gop, length, probed.duration)
            outputs.append(
                OutputPlan(
                    group=g,
                    index=o,
                    path=path,
                    name_modifier=modifier,
                    width=width,
                    height=height,
                    fps=fps,
                    filters=filters,
                    video_args=_video_args(h264, fps, gop or length, key_frames),
                    audio_args=audio_args,
                    mux_args=_mux_args(output.get("ContainerSettings") or {}, bool(audios), path),
                    audio_codec=bool(audios),
                    segment_length=length,
                    iframe_manifest=(output.get("OutputSettings") or {})
                    .get("HlsSettings", {})
                    .get("IFrameOnlyManifest")
                    == "INCLUDE",
                    video_pid=((output.get("ContainerSettings") or {}).get("M3u8Settings") or {}).get(
                        "VideoPid", DEFAULT_VIDEO_PID
                    ),
                )
            )
        modifiers = [c.name_modifier for c in captions]
        if len(set(modifiers)) != len(modifiers):
            raise unsupported(f"{gpath}/outputs", "two caption outputs with the same name modifier")
        groups.append(GroupPlan(g, directory, base_name, hls, outputs, captions))
    return JobPlan(input_uri=uri, rotate_input=rotate, groups=groups)


def ffmpeg_command(plan: JobPlan, input_path: Path, workdir: Path) -> list[str]:
    """One ffmpeg command producing every rendition of every group (input decoded once, then split)."""
    outputs = [output for group in plan.groups for output in group.outputs]
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats", "-progress", "pipe:1"]
    if not plan.rotate_input:
        cmd.append("-noautorotate")
    cmd += ["-i", str(input_path)]
    labels = [f"[s{i}]" for i in range(len(outputs))]
    graph = [f"[0:v:0]split={len(outputs)}{''.join(labels)}"]
    for i, output in enumerate(outputs):
        graph.append(f"{labels[i]}{','.join(output.filters)}[v{i}]")
    cmd += ["-filter_complex", ";".join(graph)]
    for i, output in enumerate(outputs):
        stem = f"g{output.group}o{output.index}"
        output.local_stem = stem
        cmd += ["-map", f"[v{i}]", *output.video_args]
        cmd += output.audio_args if output.audio_codec else ["-an"]
        cmd += ["-f", "hls", "-hls_time", f"{output.segment_length:g}", "-hls_playlist_type", "vod"]
        cmd += ["-hls_segment_type", "mpegts", "-start_number", "1", *output.mux_args]
        cmd += ["-hls_segment_filename", str(workdir / f"{stem}_%05d.ts"), str(workdir / f"{stem}.m3u8")]
    return cmd


# --------------------------------------------------------------------------------------------------
# HLS playlists
# --------------------------------------------------------------------------------------------------


def read_ffmpeg_playlist(path: Path) -> list[tuple[str, float]]:
    """The (segment file, duration) pairs of a media playlist ffmpeg wrote."""
    segments: list[tuple[str, float]] = []
    duration = 0.0
    for line in path.read_text().splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif line and not line.startswith("#"):
            segments.append((line, duration))
    return segments


def h264_codec_string(segment: Path) -> str:
    """``avc1.PPCCLL`` from the first SPS of a segment (profile_idc, constraint flags, level_idc)."""
    raw = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-i",
            str(segment),
            "-map",
            "0:v:0",
            "-c",
            "copy",
            "-frames:v",
            "1",
            "-f",
            "h264",
            "pipe:1",
        ],
        capture_output=True,
        check=False,
    ).stdout
    index = 0
    while True:
        index = raw.find(b"\x00\x00\x01", index)
        if index < 0 or index + 6 >= len(raw):
            return "avc1.4d401f"
        if raw[index + 3] & 0x1F == 7:  # sequence parameter set
            return "avc1." + raw[index + 4 : index + 7].hex()
        index += 3


TS_PACKET = 188
PAT_PID = 0


@dataclass
class IFrame:
    """An IDR frame in a segment: the byte range that holds it (with the PAT/PMT before it) and its PTS."""

    segment: str
    offset: int
    length: int
    pts: int  # 90 kHz


def _pes_pts(payload: bytes) -> int | None:
    """The PTS of a PES packet that starts ``payload`` (ISO/IEC 13818-1, 2.4.3.7), or None."""
    if len(payload) < 14 or payload[:3] != b"\x00\x00\x01" or not payload[7] & 0x80:
        return None
    b = payload[9:14]
    return ((b[0] >> 1) & 0x07) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1


def _first_slice_type(pes: bytes) -> int | None:
    """The NAL unit type of the first coded slice (1 or 5) in an H.264 PES payload, None if not there yet."""
    start = 9 + pes[8] if len(pes) > 9 else len(pes)
    index = pes.find(b"\x00\x00\x01", start)
    while 0 <= index < len(pes) - 3:
        nal_type = pes[index + 3] & 0x1F
        if nal_type in (1, 5):
            return nal_type
        index = pes.find(b"\x00\x00\x01", index + 3)
    return None


def transport_stream_iframes(name: str, data: bytes, video_pid: int) -> list[IFrame]:
    """The IDR frames of an MPEG-TS segment, as an I-frame playlist points at them.

    Each range starts at the PAT/PMT packets that directly precede the frame's first packet (the muxer repeats
    them before every key frame, so the range decodes on its own) and ends with the frame's last video packet.
    """
    frames: list[IFrame] = []
    tables_start: int | None = None  # first PAT/PMT packet of the run right before the current packet
    pmt_pids: set[int] = set()
    current: dict[str, Any] | None = None  # the video PES being read
    for offset in range(0, len(data) - TS_PACKET + 1, TS_PACKET):
        packet = data[offset : offset + TS_PACKET]
        if packet[0] != 0x47:
            break
        pid = (packet[1] & 0x1F) << 8 | packet[2]
        unit_start = bool(packet[1] & 0x40)
        control = (packet[3] >> 4) & 0x3
        body = 4 + (1 + packet[4] if control & 0x2 else 0)
        payload = packet[body:] if control & 0x1 else b""
        if pid == PAT_PID and unit_start and len(payload) > 13:
            section = payload[1 + payload[0] :]
            length = ((section[1] & 0x0F) << 8) | section[2]
            for i in range(8, 3 + length - 4, 4):
                if (section[i] << 8 | section[i + 1]) != 0:
                    pmt_pids.add((section[i + 2] & 0x1F) << 8 | section[i + 3])
        if pid == PAT_PID or pid in pmt_pids:
            if tables_start is None:
                tables_start = offset
            continue
        if pid == video_pid:
            if unit_start:
                if current is not None and current["idr"]:
                    frames.append(IFrame(name, current["start"], current["end"] - current["start"], current["pts"]))
                start = tables_start if tables_start is not None else offset
                current = {"start": start, "end": offset + TS_PACKET, "pes": bytearray(payload), "idr": False}
                current["pts"] = _pes_pts(payload) or 0
                current["slice"] = _first_slice_type(payload)
                current["idr"] = current["slice"] == 5
            elif current is not None:
                current["end"] = offset + TS_PACKET
                if current["slice"] is None and len(current["pes"]) < 65536:
                    current["pes"] += payload
                    current["slice"] = _first_slice_type(bytes(current["pes"]))
                    current["idr"] = current["slice"] == 5
        tables_start = None
    if current is not None and current["idr"]:
        frames.append(IFrame(name, current["start"], current["end"] - current["start"], current["pts"]))
    return frames


def first_video_pts(data: bytes, video_pid: int) -> int | None:
    """The PTS of the first video PES of a segment (90 kHz)."""
    for offset in range(0, len(data) - TS_PACKET + 1, TS_PACKET):
        packet = data[offset : offset + TS_PACKET]
        pid = (packet[1] & 0x1F) << 8 | packet[2]
        if pid == video_pid and packet[1] & 0x40:
            control = (packet[3] >> 4) & 0x3
            body = 4 + (1 + packet[4] if control & 0x2 else 0)
            return _pes_pts(packet[body:])
    return None


def segment_uri(name: str) -> str:
    """Relative URI of a file next to the playlist (percent-encoded where needed)."""
    return quote(name, safe="-_.~!$&'()*+,;=:@")


def _target_duration(durations: list[float], hls: dict[str, Any]) -> int:
    longest = max(durations) if durations else 0.0
    if hls.get("TargetDurationCompatibilityMode") == "SPEC_COMPLIANT":
        target = math.floor(longest + 0.5)
    else:  # LEGACY: "always rounded up to the nearest integer"
        target = math.ceil(longest - 1e-6)
    return max(target, 1)


def _extinf(duration: float, hls: dict[str, Any]) -> str:
    """``#EXTINF:6.00000,`` with ManifestDurationFormat FLOATING_POINT, ``#EXTINF:6,`` with INTEGER."""
    if hls.get("ManifestDurationFormat", "INTEGER") == "FLOATING_POINT":
        return f"#EXTINF:{duration:.5f},"
    return f"#EXTINF:{round(duration)},"


def _playlist_head(durations: list[float], hls: dict[str, Any], version: int) -> list[str]:
    lines = ["#EXTM3U", f"#EXT-X-VERSION:{version}", f"#EXT-X-TARGETDURATION:{_target_duration(durations, hls)}"]
    lines += ["#EXT-X-MEDIA-SEQUENCE:1", "#EXT-X-PLAYLIST-TYPE:VOD"]
    if hls.get("ClientCache") == "DISABLED":
        lines.append("#EXT-X-ALLOW-CACHE:NO")
    return lines


def media_playlist(segments: list[tuple[str, float]], hls: dict[str, Any]) -> str:
    """A rendition playlist in MediaConvert's layout (video or WebVTT segments)."""
    lines = _playlist_head([duration for _name, duration in segments], hls, 3)
    for name, duration in segments:
        lines.append(_extinf(duration, hls))
        lines.append(segment_uri(name))
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def iframe_playlist(frames: list[tuple[IFrame, float]], hls: dict[str, Any]) -> str:
    """An I-frame-only playlist (RFC 8216 4.3.3.6): one EXTINF (the time to the next I-frame) and one
    EXT-X-BYTERANGE into the rendition's segments per IDR frame; version 4 for EXT-X-I-FRAMES-ONLY."""
    lines = _playlist_head([span for _frame, span in frames], hls, 4)
    lines.append("#EXT-X-I-FRAMES-ONLY")
    for frame, span in frames:
        lines.append(_extinf(span, hls))
        lines.append(f"#EXT-X-BYTERANGE:{frame.length}@{frame.offset}")
        lines.append(segment_uri(frame.segment))
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def _quoted(value: str) -> str:
    return '"' + value.replace('"', "'").replace("\n", " ") + '"'


def master_playlist(
    variants: list[dict[str, Any]],
    hls: dict[str, Any],
    subtitles: list[dict[str, Any]] | None = None,
    iframes: list[dict[str, Any]] | None = None,
) -> str:
    """The multivariant playlist: the subtitle renditions (EXT-X-MEDIA), one EXT-X-STREAM-INF per video
    rendition in the order of the group's outputs, then one EXT-X-I-FRAME-STREAM-INF per I-frame playlist."""
    version = 4 if iframes else 3
    lines = ["#EXTM3U", f"#EXT-X-VERSION:{version}", "#EXT-X-INDEPENDENT-SEGMENTS"]
    group_id = "subs"
    for index, track in enumerate(subtitles or []):
        attributes = ["TYPE=SUBTITLES", f"GROUP-ID={_quoted(group_id)}", f"LANGUAGE={_quoted(track['language'])}"]
        attributes.append(f"NAME={_quoted(track['name'])}")
        attributes.append(f"DEFAULT={'YES' if index == 0 else 'NO'}")
        attributes += ["AUTOSELECT=YES", "FORCED=NO", f"URI={_quoted(segment_uri(track['playlist']))}"]
        lines.append("#EXT-X-MEDIA:" + ",".join(attributes))
    for variant in variants:
        attributes = [f"BANDWIDTH={variant['bandwidth']}", f"AVERAGE-BANDWIDTH={variant['average_bandwidth']}"]
        attributes.append(f'CODECS="{variant["codecs"]}"')
        if hls.get("StreamInfResolution", "INCLUDE") == "INCLUDE":
            attributes.append(f"RESOLUTION={variant['width']}x{variant['height']}")
        attributes.append(f"FRAME-RATE={float(variant['fps']):.3f}")
        if subtitles:
            attributes.append(f"SUBTITLES={_quoted(group_id)}")
        lines.append("#EXT-X-STREAM-INF:" + ",".join(attributes))
        lines.append(segment_uri(variant["playlist"]))
    for iframe in iframes or []:
        attributes = [f"BANDWIDTH={iframe['bandwidth']}", f"AVERAGE-BANDWIDTH={iframe['average_bandwidth']}"]
        attributes.append(f'CODECS="{iframe["codecs"]}"')
        if hls.get("StreamInfResolution", "INCLUDE") == "INCLUDE":
            attributes.append(f"RESOLUTION={iframe['width']}x{iframe['height']}")
        attributes.append(f"URI={_quoted(segment_uri(iframe['playlist']))}")
        lines.append("#EXT-X-I-FRAME-STREAM-INF:" + ",".join(attributes))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# WebVTT subtitles from a sidecar file
# --------------------------------------------------------------------------------------------------

_CUE_TIME = re.compile(r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})")
#: CaptionSegmentLengthControl LARGE_SEGMENTS: "caption segments that are 300 seconds long" (API reference).
LARGE_CAPTION_SEGMENT = 300.0


@dataclass
class Cue:
    """One WebVTT cue: its times in seconds and its text lines (settings kept as written)."""

    start: float
    end: float
    settings: str
    text: list[str]


def _cue_seconds(text: str) -> float | None:
    match = _CUE_TIME.fullmatch(text.strip())
    if match is None:
        return None
    hours, minutes, seconds, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _cue_time(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    return f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def parse_webvtt(text: str, uri: str) -> list[Cue]:
    """The cues of a WebVTT file (W3C WebVTT: a ``WEBVTT`` signature, then blocks; NOTE/STYLE/REGION skipped)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks = text.split("\n\n")
    if not blocks or not re.match(r"WEBVTT(?:[ \t]|$)", blocks[0]):
        raise JobError(INPUT_ERROR, f"Unable to open caption file [{uri}]: [not a WebVTT file (no WEBVTT signature)]")
    cues: list[Cue] = []
    for block in blocks[1:]:
        lines = [line for line in block.split("\n") if line.strip() or line]
        timing = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if timing is None:
            continue  # NOTE, STYLE, REGION or an empty block
        left, _, right = lines[timing].partition("-->")
        end_text, _, settings = right.strip().partition(" ")
        start, end = _cue_seconds(left), _cue_seconds(end_text)
        if start is None or end is None or end <= start:
            raise JobError(INPUT_ERROR, f"Unable to open caption file [{uri}]: [bad cue timing {lines[timing]!r}]")
        cues.append(Cue(start, end, settings.strip(), lines[timing + 1 :]))
    return cues


def webvtt_segments(cues: list[Cue], bounds: list[tuple[float, float]], mpegts: int) -> list[str]:
    """One WebVTT file per segment ``[start, end)``: the cues that overlap it, with an X-TIMESTAMP-MAP that ties
    cue time 0 to the video's first PTS (RFC 8216 3.5), so players line them up with the transport streams."""
    files = []
    for start, end in bounds:
        lines = ["WEBVTT", f"X-TIMESTAMP-MAP=MPEGTS:{mpegts},LOCAL:00:00:00.000", ""]
        for cue in cues:
            if cue.start < end and cue.end > start:
                timing = f"{_cue_time(cue.start)} --> {_cue_time(cue.end)}"
                lines.append(f"{timing} {cue.settings}".rstrip())
                lines += cue.text
                lines.append("")
        files.append("\n".join(lines) + "\n")
    return files


# --------------------------------------------------------------------------------------------------
# Running a job
# --------------------------------------------------------------------------------------------------


@dataclass
class JobContext:
    """What the worker needs from the API side of the emulation."""

    account_id: str
    partition: str
    canceled: threading.Event
    set_progress: Callable[[str, int | None], None]  # (phase, percent)
    set_process: Callable[[subprocess.Popen[str] | None], None]
    #: The STS session of the job's role: every S3 read and write is made, and authorized, as this principal.
    principal: s3_policy.Caller | None = None
    region: str | None = None


@dataclass
class TranscodeResult:
    """What a completed job reports (GetJob ``OutputGroupDetails`` and the COMPLETE event)."""

    output_group_details: list[dict[str, Any]]  # API shape (model member names)
    event_output_group_details: list[dict[str, Any]]  # event shape (camelCase JSON)


CONTENT_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/MP2T", ".vtt": "text/vtt"}


def _raise_if_canceled(ctx: JobContext) -> None:
    if ctx.canceled.is_set():
        raise JobCanceled


def _run_ffmpeg(cmd: list[str], duration: float, ctx: JobContext, log: Path) -> None:
    with log.open("w") as stderr:
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, text=True)
        ctx.set_process(process)
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith("out_time_us=") and duration > 0:
                    try:
                        done = int(line.split("=", 1)[1]) / 1_000_000
                    except ValueError:
                        continue
                    ctx.set_progress("TRANSCODING", min(90, 5 + int(85 * done / duration)))
            code = process.wait()
        finally:
            ctx.set_process(None)
    _raise_if_canceled(ctx)
    if code != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        raise JobError(UNKNOWN_ERROR, "Transcoding failed: " + " | ".join(tail))


def transcode(settings: dict[str, Any], ctx: JobContext) -> TranscodeResult:
    """Run a job end to end; raises :class:`JobError` or :class:`JobCanceled`."""
    check_supported(settings)
    job_input = _first_input(settings)
    uri = job_input.get("FileInput", "")
    if not uri.startswith("s3://"):
        raise unsupported("/inputs/0/fileInput", "only s3:// inputs are supported")
    workdir = Path(tempfile.mkdtemp(prefix="local-aws-mediaconvert-"))
    try:
        ctx.set_progress("PROBING", 0)
        input_path = workdir / ("input" + (Path(split_s3_uri(uri)[1]).suffix or ".bin"))
        input_path.write_bytes(
            read_s3_object(uri, ctx.account_id, ctx.partition, principal=ctx.principal, region=ctx.region)
        )
        _raise_if_canceled(ctx)
        probed = probe(input_path, uri)
        plan = plan_job(settings, probed)
        cues = _read_captions(plan, ctx)
        ctx.set_progress("TRANSCODING", 5)
        _run_ffmpeg(ffmpeg_command(plan, input_path, workdir), probed.duration, ctx, workdir / "ffmpeg.log")
        ctx.set_progress("UPLOADING", 90)
        return _upload(plan, workdir, ctx, cues)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _read_captions(plan: JobPlan, ctx: JobContext) -> dict[tuple[int, int], list[Cue]]:
    """The cues of every caption output's sidecar file, read (as the job's role) before transcoding: a missing
    file fails the job like a missing input (error 1404), a file that is not WebVTT with 1010."""
    cues: dict[tuple[int, int], list[Cue]] = {}
    for group in plan.groups:
        for caption in group.captions or []:
            data = read_s3_object(
                caption.source_uri, ctx.account_id, ctx.partition, principal=ctx.principal, region=ctx.region
            )
            parsed = parse_webvtt(data.decode("utf-8", errors="replace"), caption.source_uri)
            cues[(group.index, caption.index)] = [
                Cue(c.start + caption.time_delta, c.end + caption.time_delta, c.settings, c.text) for c in parsed
            ]
    return cues


def peak_bitrate(sizes: list[tuple[int, float]], target_duration: float) -> float:
    """BANDWIDTH as RFC 8216 4.3.4.2 defines it: the largest bit rate of any contiguous run of segments lasting
    0.5 to 1.5 times the target duration (the largest single segment's when no run qualifies)."""
    peak = 0.0
    for first in range(len(sizes)):
        size, duration = 0, 0.0
        for length, seconds in sizes[first:]:
            size += length
            duration += seconds
            if duration > 1.5 * target_duration + 1e-9:
                break
            if duration >= 0.5 * target_duration - 1e-9 and duration > 0:
                peak = max(peak, size * 8 / duration)
    if peak == 0.0:
        peak = max((length * 8 / seconds for length, seconds in sizes if seconds > 0), default=0.0)
    return peak


def _iframe_variant(frames: list[IFrame], media_end: float, first_pts: int) -> list[tuple[IFrame, float]]:
    """Each IDR frame with its span: the time to the next one (to the end of the media for the last)."""
    spans = []
    for i, frame in enumerate(frames):
        end = frames[i + 1].pts / 90000 if i + 1 < len(frames) else first_pts / 90000 + media_end
        spans.append((frame, max(0.0, end - frame.pts / 90000)))
    return spans


def _upload(
    plan: JobPlan, workdir: Path, ctx: JobContext, cues: dict[tuple[int, int], list[Cue]] | None = None
) -> TranscodeResult:
    api_groups: list[dict[str, Any]] = []
    event_groups: list[dict[str, Any]] = []

    def put(uri: str, data: bytes) -> None:
        _raise_if_canceled(ctx)
        content_type = CONTENT_TYPES.get(Path(uri).suffix, "binary/octet-stream")
        write_s3_object(
            uri, data, content_type, ctx.account_id, ctx.partition, principal=ctx.principal, region=ctx.region
        )

    for group in plan.groups:
        hls = group.settings
        manifests = hls.get("OutputSelection", "MANIFESTS_AND_SEGMENTS") == "MANIFESTS_AND_SEGMENTS"
        variants: list[dict[str, Any]] = []
        iframe_variants: list[dict[str, Any]] = []
        api_outputs: list[dict[str, Any]] = []
        event_outputs: list[dict[str, Any]] = []
        details: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}  # output index -> (API, event) details
        first_segments: list[tuple[str, float]] = []  # the first video output's: caption segments follow them
        first_pts = 0
        for output in group.outputs:
            local = read_ffmpeg_playlist(workdir / f"{output.local_stem}.m3u8")
            stem = f"{group.base_name}{output.name_modifier}"
            renamed: list[tuple[str, float]] = []
            sizes = []
            frames: list[IFrame] = []
            output_pts = None
            for number, (local_name, duration) in enumerate(local, start=1):
                data = (workdir / local_name).read_bytes()
                name = f"{stem}_{number:05d}.ts"
                put(group.destination_dir + name, data)
                renamed.append((name, duration))
                sizes.append((len(data), duration))
                if output_pts is None:
                    output_pts = first_video_pts(data, output.video_pid)
                if output.iframe_manifest:
                    frames += transport_stream_iframes(name, data, output.video_pid)
            if not first_segments:
                first_segments, first_pts = renamed, output_pts or 0
            total_duration = sum(duration for _size, duration in sizes)
            peak = peak_bitrate(sizes, _target_duration([d for _s, d in sizes], hls))
            average = sum(size for size, _d in sizes) * 8 / total_duration if total_duration else 0
            codecs = h264_codec_string(workdir / local[0][0]) if local else "avc1.4d401f"
            if output.audio_codec:
                codecs += ",mp4a.40.2"
            playlist = f"{stem}.m3u8"
            output_paths = []
            if manifests:
                put(group.destination_dir + playlist, media_playlist(renamed, hls).encode())
                output_paths = [group.destination_dir + playlist]
            variants.append(
                {
                    "playlist": playlist,
                    "bandwidth": math.ceil(peak),
                    "average_bandwidth": math.ceil(average),
                    "codecs": codecs,
                    "width": output.width,
                    "height": output.height,
                    "fps": output.fps,
                }
            )
            if output.iframe_manifest and frames:
                spans = _iframe_variant(frames, total_duration, output_pts or 0)
                iframe_sizes = [(f.length, span) for f, span in spans]
                peak_iframe = peak_bitrate(iframe_sizes, _target_duration([span for _f, span in spans], hls))
                iframe_seconds = sum(span for _f, span in spans)
                average_iframe = sum(f.length for f, _s in spans) * 8 / iframe_seconds if iframe_seconds else 0
                iframe_name = f"{stem}_I-Frame.m3u8"
                if manifests:
                    put(group.destination_dir + iframe_name, iframe_playlist(spans, hls).encode())
                iframe_variants.append(
                    {
                        "playlist": iframe_name,
                        "bandwidth": math.ceil(peak_iframe),
                        "average_bandwidth": math.ceil(average_iframe),
                        "codecs": codecs.split(",")[0],
                        "width": output.width,
                        "height": output.height,
                    }
                )
            duration_ms = round(total_duration * 1000)
            details[output.index] = (
                {"DurationInMs": duration_ms, "VideoDetails": {"WidthInPx": output.width, "HeightInPx": output.height}},
                {
                    "outputFilePaths": output_paths,
                    "durationInMs": duration_ms,
                    "videoDetails": {"widthInPx": output.width, "heightInPx": output.height},
                },
            )
        subtitles: list[dict[str, Any]] = []
        for caption in group.captions or []:
            stem = f"{group.base_name}{caption.name_modifier}"
            media_end = sum(duration for _name, duration in first_segments)
            if hls.get("CaptionSegmentLengthControl") == "MATCH_VIDEO":
                lengths = [duration for _name, duration in first_segments]
            else:  # LARGE_SEGMENTS (the default): 300 s segments
                lengths = [LARGE_CAPTION_SEGMENT] * max(1, math.ceil(media_end / LARGE_CAPTION_SEGMENT - 1e-9))
                lengths[-1] = media_end - LARGE_CAPTION_SEGMENT * (len(lengths) - 1)
            bounds, start = [], 0.0
            for length in lengths:
                bounds.append((start, start + length))
                start += length
            texts = webvtt_segments(cues.get((group.index, caption.index), []) if cues else [], bounds, first_pts)
            segments = []
            for number, (text, (begin, end)) in enumerate(zip(texts, bounds, strict=True), start=1):
                name = f"{stem}_{number:05d}.vtt"
                put(group.destination_dir + name, text.encode())
                segments.append((name, end - begin))
            playlist = f"{stem}.m3u8"
            output_paths = []
            if manifests:
                put(group.destination_dir + playlist, media_playlist(segments, hls).encode())
                output_paths = [group.destination_dir + playlist]
            subtitles.append({"playlist": playlist, "language": caption.language, "name": caption.name})
            duration_ms = round(media_end * 1000)
            details[caption.index] = ({"DurationInMs": duration_ms}, {"outputFilePaths": output_paths,
                                                                       "durationInMs": duration_ms})  # fmt: skip
        for index in sorted(details):
            api_outputs.append(details[index][0])
            event_outputs.append(details[index][1])
        event_group: dict[str, Any] = {"outputDetails": event_outputs, "type": "HLS_GROUP"}
        if manifests:
            master = group.destination_dir + f"{group.base_name}.m3u8"
            put(master, master_playlist(variants, hls, subtitles, iframe_variants).encode())
            event_group["playlistFilePaths"] = [master]
        api_groups.append({"OutputDetails": api_outputs})
        event_groups.append(event_group)
    return TranscodeResult(api_groups, event_groups)


def default_worker_count() -> int:
    """Jobs transcoded at the same time by one server (``LOCAL_AWS_MEDIACONVERT_WORKERS``, default 2)."""
    try:
        return max(1, int(os.environ.get("LOCAL_AWS_MEDIACONVERT_WORKERS", "2")))
    except ValueError:
        return 2
