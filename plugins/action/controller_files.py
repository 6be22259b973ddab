# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action plugin of storytime.video_infra.controller_files (documentation in plugins/modules/controller_files.py):
writes the files in the controller process, without a module process per file."""

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible_collections.storytime.video_infra.plugins.module_utils.controller_files import ARGUMENT_SPEC
from ansible_collections.storytime.video_infra.plugins.module_utils.controller_files import current_state
from ansible_collections.storytime.video_infra.plugins.module_utils.controller_files import parse_mode
from ansible_collections.storytime.video_infra.plugins.module_utils.controller_files import write_atomically


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_diff = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            directory_mode = parse_mode(args["directory_mode"], "directory_mode")
            wanted = [
                (item["path"], item["content"], parse_mode(item["mode"], f"mode of {item['path']}"))
                for item in args["files"]
            ]
        except ValueError as error:
            raise AnsibleActionFail(str(error)) from None
        paths = [path for path, _content, _mode in wanted]
        if len(set(paths)) != len(paths):
            raise AnsibleActionFail(f"files names a path more than once: {paths}")

        files, diffs = [], []
        for path, content, mode in wanted:
            before, before_mode = current_state(path)
            changed = before != content or before_mode != mode
            files.append({"path": path, "changed": changed})
            if not changed:
                continue
            diffs.append(
                {
                    "before_header": path if before_mode is None else f"{path} (mode {before_mode:04o})",
                    "after_header": f"{path} (mode {mode:04o})",
                    "before": before if before is not None else "",
                    "after": content,
                }
            )
            if not self._task.check_mode:
                try:
                    write_atomically(path, content, mode, directory_mode)
                except OSError as error:
                    raise AnsibleActionFail(f"could not write {path}: {error}") from None

        result.update(changed=any(item["changed"] for item in files), files=files)
        if self._task.diff and diffs:
            result["diff"] = diffs
        return result
