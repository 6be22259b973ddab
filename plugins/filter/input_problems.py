# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters that list what AWS would refuse in an input, as messages naming the variable, its value and the rule.

The rules and their sources are in ``module_utils/naming_rules.py`` (tags, names, ARNs, cache TTLs, types) and
``module_utils/ladder_rules.py`` (the MediaConvert HLS ladder); documentation in the per-filter YAML files.
"""

import re

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


def _guarded(function, *args, **kwargs):
    """``function`` (a name in module_utils/naming_rules.py) called, its ValueError as AnsibleFilterError."""
    from ansible_collections.storytime.video_infra.plugins.module_utils import naming_rules

    try:
        return getattr(naming_rules, function)(*args, **kwargs)
    except ValueError as e:
        raise AnsibleFilterError(str(e)) from e


def aws_tag_problems(tags, variable="storytime_tags"):
    return _guarded("tag_problems", _plain(tags), variable)


def aws_name_problems(name, kind, variable, derived_from=None):
    return _guarded("name_problems", _plain(name), kind, variable, _plain(derived_from))


def aws_arn_problems(arn, kind, variable, optional=True):
    return _guarded("arn_problems", _plain(arn), kind, variable, optional)


def cache_ttl_problems(ttls):
    return _guarded("cache_ttl_problems", _plain(ttls))


def environment_input_problems(values):
    return _guarded("environment_problems", _plain(values))


def input_type_problems(value, expected, variable, what=""):
    return _guarded("type_problems", _plain(value), expected, variable, what)


def _number(value):
    """An integer given as a string (``-e name=6`` on the command line) as the integer; anything else unchanged."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    return _plain(value)


#: What Ansible's ``bool`` filter reads as true or false (a boolean given on the command line is a string).
_BOOLEAN_WORDS = {
    "true": True,
    "yes": True,
    "on": True,
    "1": True,
    "false": False,
    "no": False,
    "off": False,
    "0": False,
}


def hls_ladder_problems(renditions, segment_length=6, audio_bitrate=96000, *, subtitles=False,
                        subtitles_language="ENG", subtitles_name="English"):  # fmt: skip
    from ansible_collections.storytime.video_infra.plugins.module_utils import ladder_rules

    renditions = _plain(renditions)
    enabled = _plain(subtitles)
    if isinstance(enabled, str) and enabled.strip().lower() in _BOOLEAN_WORDS:  # -e mediaconvert_subtitles=true
        enabled = _BOOLEAN_WORDS[enabled.strip().lower()]
    subtitles = ladder_rules.subtitles_problems(enabled, _plain(subtitles_language), _plain(subtitles_name), renditions)
    return ladder_rules.ladder_problems(renditions, _number(segment_length), _number(audio_bitrate)) + subtitles


class FilterModule:
    def filters(self):
        return {
            "aws_tag_problems": aws_tag_problems,
            "aws_name_problems": aws_name_problems,
            "aws_arn_problems": aws_arn_problems,
            "cache_ttl_problems": cache_ttl_problems,
            "input_type_problems": input_type_problems,
            "environment_input_problems": environment_input_problems,
            "hls_ladder_problems": hls_ladder_problems,
        }
