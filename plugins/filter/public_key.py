# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters for CloudFront signing public keys (documentation in the per-filter YAML files)."""

from ansible.errors import AnsibleFilterError
from ansible_collections.storytime.video_infra.plugins.module_utils.public_keys import fingerprint
from ansible_collections.storytime.video_infra.plugins.module_utils.public_keys import pem_problem


def public_key_fingerprint(pem):
    try:
        return fingerprint(pem)
    except ValueError as e:
        raise AnsibleFilterError(f"public key {e}") from e


class FilterModule:
    def filters(self):
        return {
            "public_key_pem_problem": lambda pem: pem_problem(pem) or "",
            "public_key_fingerprint": public_key_fingerprint,
        }
