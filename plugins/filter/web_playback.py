# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters for web playback: the player origins' check and the signed cookies' domain (docs in the YAML files)."""

from ansible.errors import AnsibleFilterError

# The module_utils are imported inside the filters, when one runs: to find any one filter of the collection,
# ansible-core imports every filter file of it, in the worker process of every task that templates one.


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [str(v) if isinstance(v, str) else v for v in value]
    return str(value) if isinstance(value, str) else value


def web_playback_problems(origins, domain_name):
    from ansible_collections.storytime.video_infra.plugins.module_utils import web_playback

    try:
        return web_playback.web_playback_problems(_plain(origins), str(domain_name or ""))
    except ValueError as e:
        raise AnsibleFilterError(str(e)) from e


def cloudfront_cookie_domain(domain_name):
    from ansible_collections.storytime.video_infra.plugins.module_utils import web_playback

    try:
        return web_playback.cookie_domain(str(domain_name))
    except ValueError as e:
        raise AnsibleFilterError(str(e)) from e


class FilterModule:
    def filters(self):
        return {
            "web_playback_problems": web_playback_problems,
            "cloudfront_cookie_domain": cloudfront_cookie_domain,
        }
