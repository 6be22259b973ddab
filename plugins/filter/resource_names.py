# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The names of an environment's resources (the rules: module_utils/resource_names.py; docs in the YAML file)."""

from ansible.errors import AnsibleFilterError

# The module_utils are imported inside the filters, when one runs: to find any one filter of the collection,
# ansible-core imports every filter file of it, in the worker process of every task that templates one.


def resource_names(project, environment, key=None):
    from ansible_collections.storytime.video_infra.plugins.module_utils import resource_names as rules

    project, environment = str(project), str(environment)
    if key is None:
        return rules.resource_names(project, environment)
    try:
        return rules.resource_name(project, environment, str(key))
    except ValueError as e:
        raise AnsibleFilterError(str(e)) from e


class FilterModule:
    def filters(self):
        return {"resource_names": resource_names}
