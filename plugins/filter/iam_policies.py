# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters that render the IAM policy documents (documentation in the per-filter YAML files).

Each filter takes the AWS account ID as its input and everything else as keyword arguments, and returns the
policy document as a dict (pass it through C(to_json) where a module wants a string). The documents are
built by ``module_utils/iam_policies.py``.
"""

from ansible.errors import AnsibleFilterError

# The module_utils are imported inside the filters, when one runs: to find any one filter of the collection,
# ansible-core imports every filter file of it, in the worker process of every task that templates one.


def _render(name):
    def render(account_id, **kwargs):
        from ansible_collections.storytime.video_infra.plugins.module_utils import iam_policies

        try:
            return getattr(iam_policies, name)(str(account_id), **kwargs)
        except (TypeError, ValueError) as e:
            raise AnsibleFilterError(f"{name}: {e}") from e

    render.__name__ = name
    return render


class FilterModule:
    def filters(self):
        return {
            "mediaconvert_trust_policy": _render("mediaconvert_trust_policy"),
            "mediaconvert_access_policy": _render("mediaconvert_access_policy"),
            "rails_app_policy": _render("rails_app_policy"),
        }
