# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: s3_bucket_name_problems
version_added: 0.1.0
short_description: List the reasons S3 would refuse a bucket name
description:
  - Returns a list of human-readable problems with an S3 general purpose bucket name; an empty list means
    the name is valid.
  - Roles use it to refuse a bad inventory before any AWS call, with a message naming the variable.
author:
  - Storytime infrastructure team (@storytime)
options:
  _input:
    description: The bucket name.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse a bad bucket name before touching AWS
  ansible.builtin.assert:
    that: my_bucket | storytime.video_infra.s3_bucket_name_problems | length == 0
    fail_msg: "my_bucket: {{ my_bucket | storytime.video_infra.s3_bucket_name_problems | join('; ') }}"
"""

RETURN = r"""
_value:
  description: Problems found, empty when the name is valid.
  type: list
  elements: str
"""

# The module_utils are imported inside the filters, when one runs: to find any one filter of the collection,
# ansible-core imports every filter file of it, in the worker process of every task that templates one.


def s3_bucket_name_problems(name):
    from ansible_collections.storytime.video_infra.plugins.module_utils.s3_naming import bucket_name_problems

    return bucket_name_problems(name)


class FilterModule:
    def filters(self):
        return {"s3_bucket_name_problems": s3_bucket_name_problems}
