# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters that render the HLS ladder's MediaConvert settings (documentation in the per-filter YAML files)."""

import json
import posixpath

from ansible.errors import AnsibleFilterError

# The module_utils are imported inside the filters, when one runs: to find any one filter of the collection,
# ansible-core imports every filter file of it, in the worker process of every task that templates one.


def _plain(value):
    """Ansible's lazy containers and unsafe text as plain Python values (dict, list, str)."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _hls_ladder():
    from ansible_collections.storytime.video_infra.plugins.module_utils import hls_ladder

    return hls_ladder


def _renditions(renditions):
    return tuple(_plain(renditions)) if renditions else _hls_ladder().DEFAULT_RENDITIONS


def _subtitles(subtitles):
    """``None`` (no subtitles) or ``{"language": ..., "name": ..., "source": ...}``."""
    if not subtitles:
        return None
    return _plain(subtitles) if isinstance(subtitles, dict) else {}


def _checked(settings, operation):
    from ansible_collections.storytime.video_infra.plugins.module_utils.service_model import request_problems

    problems = request_problems("mediaconvert", operation, settings, "Settings")
    if problems:
        raise AnsibleFilterError("MediaConvert would refuse these settings: " + "; ".join(problems))
    return settings


def hls_template_settings(renditions=None, segment_length=6, audio_bitrate=96000, *, subtitles=None, max_height=None):
    try:
        settings = _hls_ladder().template_settings(
            _renditions(renditions),
            segment_length,
            audio_bitrate,
            subtitles=_subtitles(subtitles),
            max_height=max_height,
        )
    except ValueError as e:
        raise AnsibleFilterError(str(e)) from e
    return _checked(settings, "CreateJobTemplate")


def hls_job_settings(
    input_url, destination, renditions=None, segment_length=6, audio_bitrate=96000, *, subtitles=None, max_height=None
):
    try:
        settings = _hls_ladder().job_settings(
            input_url,
            destination,
            _renditions(renditions),
            segment_length,
            audio_bitrate,
            subtitles=_subtitles(subtitles),
            max_height=max_height,
        )
    except ValueError as e:
        raise AnsibleFilterError(str(e)) from e
    return _checked(settings, "CreateJob")


def hls_job_documents(
    request,
    input_url,
    destination,
    *,
    renditions=None,
    segment_length=6,
    audio_bitrate=96000,
    subtitles=None,
    document_path=None,
):
    try:
        documents = _hls_ladder().job_documents(
            _plain(request),
            input_url,
            destination,
            renditions=_renditions(renditions),
            segment_length=segment_length,
            audio_bitrate=audio_bitrate,
            subtitles=_subtitles(subtitles),
        )
    except ValueError as e:
        raise AnsibleFilterError(str(e)) from e
    stem = str(document_path)[: -len(".json")] if str(document_path).endswith(".json") else str(document_path)
    for document in documents:
        _checked(document["request"]["Settings"], "CreateJob")
        if document_path:
            suffix = ".captions" if document["captions"] else ""
            document["path"] = f"{stem}.{document['class']}{suffix}.json"
            document["file"] = posixpath.basename(document["path"])
            document["content"] = json.dumps(document["request"], indent=4, sort_keys=True) + "\n"
    return documents


class FilterModule:
    def filters(self):
        return {
            "hls_template_settings": hls_template_settings,
            "hls_job_settings": hls_job_settings,
            "hls_job_documents": hls_job_documents,
        }
