# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters that render the HLS ladder's MediaConvert settings (documentation in the per-filter YAML files)."""

from ansible.errors import AnsibleFilterError
from ansible_collections.storytime.video_infra.plugins.module_utils import hls_ladder
from ansible_collections.storytime.video_infra.plugins.module_utils.service_model import request_problems


def _renditions(renditions):
    return tuple(renditions) if renditions else hls_ladder.DEFAULT_RENDITIONS


def _checked(settings, operation):
    problems = request_problems("mediaconvert", operation, settings, "Settings")
    if problems:
        raise AnsibleFilterError("MediaConvert would refuse these settings: " + "; ".join(problems))
    return settings


def hls_template_settings(renditions=None, segment_length=6, audio_bitrate=96000):
    try:
        settings = hls_ladder.template_settings(_renditions(renditions), segment_length, audio_bitrate)
    except ValueError as e:
        raise AnsibleFilterError(str(e)) from e
    return _checked(settings, "CreateJobTemplate")


def hls_job_settings(input_url, destination, renditions=None, segment_length=6, audio_bitrate=96000):
    try:
        settings = hls_ladder.job_settings(
            input_url, destination, _renditions(renditions), segment_length, audio_bitrate
        )
    except ValueError as e:
        raise AnsibleFilterError(str(e)) from e
    return _checked(settings, "CreateJob")


class FilterModule:
    def filters(self):
        return {"hls_template_settings": hls_template_settings, "hls_job_settings": hls_job_settings}
