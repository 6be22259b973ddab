"""controller_files: writes on the control node, predicts in check mode, diffs, and leaves equal files alone."""

import os
import stat
from unittest.mock import MagicMock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.playbook.task import Task
from ansible_collections.storytime.video_infra.plugins.action.controller_files import ActionModule


def run(args, check_mode=False, diff=False):
    task = Task()
    task.args = args
    task.check_mode = check_mode
    task.diff = diff
    action = ActionModule(
        task=task,
        connection=MagicMock(),
        play_context=MagicMock(check_mode=check_mode, diff=diff),
        loader=MagicMock(),
        templar=MagicMock(),
        shared_loader_obj=None,
    )
    return action.run(task_vars={})


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_writes_the_files_and_their_directory_then_a_second_run_changes_nothing(tmp_path):
    files = [
        {"path": str(tmp_path / "outputs" / "local.json"), "content": '{"a": 1}\n'},
        {"path": str(tmp_path / "outputs" / "local.env"), "content": "A=1\n", "mode": "0600"},
    ]
    first = run({"files": files})
    assert first["changed"] is True
    assert [f["changed"] for f in first["files"]] == [True, True]
    assert (tmp_path / "outputs" / "local.json").read_text() == '{"a": 1}\n'
    assert mode_of(tmp_path / "outputs" / "local.json") == 0o644
    assert mode_of(tmp_path / "outputs" / "local.env") == 0o600
    assert sorted(os.listdir(tmp_path / "outputs")) == ["local.env", "local.json"]  # no temporary file left

    second = run({"files": files})
    assert second["changed"] is False
    assert [f["changed"] for f in second["files"]] == [False, False]


def test_check_mode_predicts_with_a_diff_and_writes_nothing(tmp_path):
    target = tmp_path / "doc.json"
    target.write_text("old\n")
    target.chmod(0o644)
    result = run({"files": [{"path": str(target), "content": "new\n"}]}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert target.read_text() == "old\n"
    (diff,) = result["diff"]
    assert (diff["before"], diff["after"]) == ("old\n", "new\n")
    assert diff["before_header"] == f"{target} (mode 0644)"

    missing = tmp_path / "new" / "file.txt"
    result = run({"files": [{"path": str(missing), "content": "x"}]}, check_mode=True, diff=True)
    assert result["changed"] is True and result["diff"][0]["before"] == ""
    assert not missing.parent.exists()


def test_a_mode_change_alone_is_a_change(tmp_path):
    target = tmp_path / "a.env"
    target.write_text("A=1\n")
    target.chmod(0o644)
    result = run({"files": [{"path": str(target), "content": "A=1\n", "mode": "0600"}]})
    assert result["changed"] is True
    assert mode_of(target) == 0o600


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"files": [{"path": "/tmp/x", "content": "x", "mode": "rw-r--r--"}]}, "mode of /tmp/x must be an octal"),
        ({"files": [{"path": "/tmp/x", "content": "a"}, {"path": "/tmp/x", "content": "b"}]}, "more than once"),
        ({"files": [{"content": "a"}]}, "path"),
    ],
)
def test_bad_arguments_fail_with_a_message_that_names_them(args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        run(args)
