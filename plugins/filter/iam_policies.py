# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters that render the IAM policy documents (documentation in the per-filter YAML files).

Each filter takes the AWS account ID as its input and everything else as keyword arguments, and returns the
policy document as a dict (pass it through C(to_json) where a module wants a string). The documents are
built by ``module_utils/iam_policies.py``.
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.storytime.video_infra.plugins.module_utils import iam_policies


def _render(builder, name):
    def render(account_id, **kwargs):
        try:
            return builder(str(account_id), **kwargs)
        except (TypeError, ValueError) as e:
            raise AnsibleFilterError(f"{name}: {e}") from e

    render.__name__ = name
    return render


class FilterModule:
    def filters(self):
        return {
            "mediaconvert_trust_policy": _render(iam_policies.mediaconvert_trust_policy, "mediaconvert_trust_policy"),
            "mediaconvert_access_policy": _render(
                iam_policies.mediaconvert_access_policy, "mediaconvert_access_policy"
            ),
            "rails_app_policy": _render(iam_policies.rails_app_policy, "rails_app_policy"),
        }
