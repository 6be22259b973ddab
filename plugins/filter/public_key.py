# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters for CloudFront signing public keys (documentation in the per-filter YAML files)."""

from ansible.errors import AnsibleFilterError

# The module_utils are imported inside the filters, when one runs: to find any one filter of the collection,
# ansible-core imports every filter file of it, in the worker process of every task that templates one.


def public_key_pem_problem(pem):
    from ansible_collections.storytime.video_infra.plugins.module_utils.public_keys import pem_problem

    return pem_problem(pem) or ""


def public_key_fingerprint(pem):
    from ansible_collections.storytime.video_infra.plugins.module_utils.public_keys import fingerprint

    try:
        return fingerprint(pem)
    except ValueError as e:
        raise AnsibleFilterError(f"public key {e}") from e


class FilterModule:
    def filters(self):
        return {
            "public_key_pem_problem": public_key_pem_problem,
            "public_key_fingerprint": public_key_fingerprint,
        }
