#!/usr/bin/python
# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: controller_files
short_description: Write small text files on the control node, several in one task
version_added: 1.1.0
description:
  - Writes each file of O(files) with exactly the given content and mode, creating its parent directories, on the
    machine that runs C(ansible-playbook) (the control node; in AWX, the job's execution environment). A file
    that already holds that content and mode is left alone.
  - The collection writes its outputs for Rails (JSON and dotenv) and the MediaConvert job request document with
    it. Every host of the collection's inventories is the control node itself (C(ansible_connection=local)).
  - It runs entirely in the controller process (an action plugin). The stock M(ansible.builtin.file),
    M(ansible.builtin.copy) and M(ansible.builtin.template) start one or two module processes per file, about
    0.25 seconds each here, which made the outputs and the job document 1.3 of a site run's 23 seconds of no-op
    (measured with C(make benchmark)).
options:
  files:
    description: The files to write.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: Absolute path of the file on the control node.
        type: path
        required: true
      content:
        description: The whole content of the file (text, written as UTF-8).
        type: str
        required: true
      mode:
        description: Permissions of the file, as an octal string.
        type: str
        default: "0644"
  directory_mode:
    description: Permissions of the parent directories this task creates (existing directories are left as they are).
    type: str
    default: "0755"
attributes:
  check_mode:
    support: full
    description: Reports which files would be written and their diff; writes nothing.
  diff_mode:
    support: full
    description: The before and after content of each file that changes (mode changes are listed in the header).
  platform:
    support: full
    platforms: posix
    description: Writes on the control node, whatever the host's connection.
notes:
  - Each file is written to a temporary file beside it and renamed into place, so a reader never sees half a file.
author:
  - Storytime infrastructure team (@storytime)
"""

EXAMPLES = r"""
- name: The outputs for Rails, as JSON and as a dotenv file
  storytime.video_infra.controller_files:
    files:
      - path: "{{ outputs_dir }}/prod.json"
        content: "{{ outputs | to_nice_json(sort_keys=true) }}\n"
      - path: "{{ outputs_dir }}/prod.env"
        content: "{{ lookup('ansible.builtin.template', 'outputs.env.j2') }}"
        mode: "0600"
"""

RETURN = r"""
files:
  description: Each file with whether this task wrote (or, in check mode, would write) it.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The file.
      type: str
      sample: /srv/storytime/outputs/prod.json
    changed:
      description: Whether its content or mode was (or would be) changed.
      type: bool
      sample: false
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.storytime.video_infra.plugins.module_utils.controller_files import ARGUMENT_SPEC


def main():
    # Reached only when the action plugin is not used (it always is: same name, same collection).
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    module.fail_json(msg="storytime.video_infra.controller_files runs as an action plugin on the control node")


if __name__ == "__main__":
    main()
