# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What MediaConvert refuses in the HLS ladder the mediaconvert role takes (no AWS calls).

The ladder (:mod:`hls_ladder`) is rendered from ``mediaconvert_renditions``, ``mediaconvert_segment_length`` and
``mediaconvert_audio_bitrate``; :func:`ladder_problems` checks those inputs first, so that every message names the
variable (``mediaconvert_renditions[1].name: ...``) instead of a path in the rendered document.

Sources:

* MediaConvert API reference (botocore service model ``mediaconvert`` 2017-08-29): ``Output.NameModifier``
  (1-256 characters; "When you create multiple outputs in the same output group, Name modifier is required",
  and name modifiers must be unique within an output group), ``VideoDescription.Width``/``Height`` (32-8192),
  ``H264Settings.MaxBitrate`` (1000-1152000000), ``H264QvbrSettings.QvbrQualityLevel`` (1-10),
  ``HlsGroupSettings.SegmentLength`` (whole seconds, at least 1), ``AacSettings.Bitrate`` ("The set of valid
  values for this setting is: 6000, 8000, ..., 1024000") and ``AacSettings.SampleRate`` (the AAC reference tables
  list 8000, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000).
* MediaConvert user guide, "Maximum supported output resolutions": AVC (H.264) 4096x2160 or 2160x4096.
* H.264 with 4:2:0 chroma needs even width and height.
* The ladder's own rule: segments are a whole number of the 2 s GOP, so that every segment starts on a keyframe.
* Subtitles: ``CaptionDescription.LanguageCode`` is one of the model's ``LanguageCode`` values (ISO 639-2, e.g.
  ``ENG``); ``LanguageDescription`` is free text; the WebVTT output's name modifier (``_captions``) may not be a
  rendition's.
"""

from ansible_collections.storytime.video_infra.plugins.module_utils.hls_ladder import CAPTIONS_NAME_MODIFIER
from ansible_collections.storytime.video_infra.plugins.module_utils.hls_ladder import GOP_SECONDS
from ansible_collections.storytime.video_infra.plugins.module_utils.naming_rules import show_value
from ansible_collections.storytime.video_infra.plugins.module_utils.naming_rules import type_word
from ansible_collections.storytime.video_infra.plugins.module_utils.service_model import service_model

AAC_BITRATES = (
    6000, 8000, 10000, 12000, 14000, 16000, 20000, 24000, 28000, 32000, 40000, 48000, 56000, 64000, 80000, 96000,
    112000, 128000, 160000, 192000, 224000, 256000, 288000, 320000, 384000, 448000, 512000, 576000, 640000, 768000,
    896000, 1024000,
)  # fmt: skip
AAC_SAMPLE_RATES = (8000, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000)
RENDITION_KEYS = ("name", "width", "height", "max_bitrate", "qvbr_quality")
OPTIONAL_RENDITION_KEYS = ("audio_bitrate",)
NAME_MODIFIER_MAX = 256
DIMENSION_MIN = 32
H264_MAX_LONG_SIDE, H264_MAX_SHORT_SIDE = 4096, 2160
MAX_BITRATE_RANGE = (1000, 1152000000)
QVBR_RANGE = (1, 10)


def _integer(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _range_problem(where, value, low, high, unit=""):
    if not _integer(value):
        return [f"{where}: expected an integer{unit}, got {type_word(value)} {show_value(value)}"]
    if not low <= value <= high:
        return [f"{where}: {value} is outside the range MediaConvert accepts ({low} to {high}{unit})"]
    return []


def rendition_problems(renditions, variable="mediaconvert_renditions"):
    """Reasons MediaConvert would refuse the renditions (an empty list means the default ladder)."""
    if not isinstance(renditions, (list, tuple)):
        return [
            f"{variable}: expected a list of renditions (mappings with {', '.join(RENDITION_KEYS)}; in YAML, one "
            f"'- name: ...' item per rendition), got {type_word(renditions)} {show_value(renditions)}"
        ]
    problems = []
    seen = {}
    for index, rendition in enumerate(renditions):
        where = f"{variable}[{index}]"
        if not isinstance(rendition, dict):
            problems.append(
                f"{where}: expected a mapping with {', '.join(RENDITION_KEYS)}, got {type_word(rendition)} "
                f"{show_value(rendition)}"
            )
            continue
        missing = [key for key in RENDITION_KEYS if key not in rendition]
        unknown = sorted(str(key) for key in rendition if key not in RENDITION_KEYS + OPTIONAL_RENDITION_KEYS)
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)} (each rendition has {', '.join(RENDITION_KEYS)})")
        if unknown:
            problems.append(
                f"{where}: unknown keys {', '.join(unknown)} (each rendition has {', '.join(RENDITION_KEYS)}, and "
                f"optionally {', '.join(OPTIONAL_RENDITION_KEYS)})"
            )
        name = rendition.get("name")
        if "name" in rendition:
            if not isinstance(name, str):
                problems.append(
                    f"{where}.name: expected a string (the name modifier), got {type_word(name)} {show_value(name)}"
                )
            elif not 1 <= len(name) <= NAME_MODIFIER_MAX:
                problems.append(
                    f"{where}.name: {show_value(name)} is {len(name)} characters long; a MediaConvert name "
                    f"modifier has 1 to {NAME_MODIFIER_MAX}"
                    " (required when an output group has more than one output)"
                )
            elif name in seen:
                problems.append(
                    f"{where}.name: {show_value(name)} repeats {variable}[{seen[name]}].name; MediaConvert needs name "
                    "modifiers that are unique within the output group (they name the rendition's files)"
                )
            else:
                seen[name] = index
        sizes = {}
        for key in ("width", "height"):
            if key in rendition:
                found = _range_problem(f"{where}.{key}", rendition[key], DIMENSION_MIN, H264_MAX_LONG_SIDE, " pixels")
                if not found and rendition[key] % 2:
                    found = [f"{where}.{key}: {rendition[key]} is odd; H.264 (4:2:0) needs an even {key}"]
                problems.extend(found)
                if not found:
                    sizes[key] = rendition[key]
        if len(sizes) == 2 and min(sizes.values()) > H264_MAX_SHORT_SIDE:
            problems.append(
                f"{where}: {sizes['width']}x{sizes['height']} is above the largest H.264 output MediaConvert makes "
                f"({H264_MAX_LONG_SIDE}x{H264_MAX_SHORT_SIDE} or {H264_MAX_SHORT_SIDE}x{H264_MAX_LONG_SIDE})"
            )
        if "max_bitrate" in rendition:
            problems.extend(
                _range_problem(f"{where}.max_bitrate", rendition["max_bitrate"], *MAX_BITRATE_RANGE, " bit/s")
            )
        if "qvbr_quality" in rendition:
            problems.extend(_range_problem(f"{where}.qvbr_quality", rendition["qvbr_quality"], *QVBR_RANGE))
        if "audio_bitrate" in rendition:
            problems.extend(audio_problems(rendition["audio_bitrate"], bitrate_variable=f"{where}.audio_bitrate"))
    return problems


def segment_length_problems(segment_length, variable="mediaconvert_segment_length"):
    if not _integer(segment_length):
        return [
            f"{variable}: expected an integer number of seconds, got {type_word(segment_length)} "
            f"{show_value(segment_length)}"
        ]
    if segment_length < 1:
        return [f"{variable}: {segment_length} is below 1; MediaConvert HLS segments are at least 1 whole second"]
    if segment_length % GOP_SECONDS:
        return [
            f"{variable}: {segment_length} is not a multiple of the ladder's {GOP_SECONDS} s GOP; every segment must "
            "start on a keyframe (use 2, 4, 6, ...)"
        ]
    return []


def audio_problems(audio_bitrate, sample_rate=48000, bitrate_variable="mediaconvert_audio_bitrate",
                   sample_rate_variable="the ladder's AAC sample rate"):  # fmt: skip
    problems = []
    if not _integer(audio_bitrate) or audio_bitrate not in AAC_BITRATES:
        problems.append(
            f"{bitrate_variable}: {show_value(audio_bitrate)} is not an AAC bitrate MediaConvert offers (bit/s; one of "
            f"{', '.join(str(b) for b in AAC_BITRATES)})"
        )
    if not _integer(sample_rate) or sample_rate not in AAC_SAMPLE_RATES:
        problems.append(
            f"{sample_rate_variable}: {show_value(sample_rate)} is not an AAC sample rate MediaConvert offers "
            f"(Hz; one of {', '.join(str(r) for r in AAC_SAMPLE_RATES)})"
        )
    return problems


def _caption_language_codes():
    return service_model("mediaconvert").shape_for("LanguageCode").enum


def subtitles_problems(enabled, language, name, renditions=(), variable="mediaconvert_subtitles"):
    """Problems of the optional WebVTT rendition (only checked when it is enabled)."""
    if not isinstance(enabled, bool):
        return [f"{variable}: expected true or false, got {type_word(enabled)} {show_value(enabled)}"]
    if not enabled:
        return []
    problems = []
    codes = _caption_language_codes()
    if not isinstance(language, str) or language not in codes:
        problems.append(
            f"{variable}_language: {show_value(language)} is not a MediaConvert LanguageCode (ISO 639-2 in capitals, "
            "e.g. ENG, SPA, FRA, DEU)"
        )
    if not isinstance(name, str) or not name.strip():
        problems.append(
            f"{variable}_name: expected the subtitles' name as players show it (e.g. English), got "
            f"{type_word(name)} {show_value(name)}"
        )
    if isinstance(renditions, (list, tuple)) and any(
        isinstance(r, dict) and r.get("name") == CAPTIONS_NAME_MODIFIER for r in renditions
    ):
        problems.append(
            f"mediaconvert_renditions: a rendition is named {CAPTIONS_NAME_MODIFIER}, the name modifier of the "
            "WebVTT subtitles output; rename it (name modifiers are unique within the output group)"
        )
    return problems


def ladder_problems(renditions, segment_length, audio_bitrate, variables=None):
    """Every problem of the ladder's inputs; ``variables`` renames them (keys renditions, segment_length,
    audio_bitrate)."""
    names = {
        "renditions": "mediaconvert_renditions",
        "segment_length": "mediaconvert_segment_length",
        "audio_bitrate": "mediaconvert_audio_bitrate",
    }
    names.update(variables or {})
    return (
        rendition_problems(renditions, names["renditions"])
        + segment_length_problems(segment_length, names["segment_length"])
        + audio_problems(audio_bitrate, bitrate_variable=names["audio_bitrate"])
    )
