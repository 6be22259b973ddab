# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The controller_files action: its argument spec and the file plan (what differs), shared by the module stub's
documentation check and the action plugin that does the work on the control node."""

import os
import stat
import tempfile

ARGUMENT_SPEC = {
    "files": {
        "type": "list",
        "elements": "dict",
        "required": True,
        "options": {
            "path": {"type": "path", "required": True},
            "content": {"type": "str", "required": True},
            "mode": {"type": "str", "default": "0644"},
        },
    },
    "directory_mode": {"type": "str", "default": "0755"},
}


def parse_mode(value, name):
    """An octal permission string ("0644") as an int; ValueError names the option."""
    try:
        mode = int(str(value), 8)
    except ValueError:
        raise ValueError(f"{name} must be an octal permission string such as 0644, got {value!r}") from None
    if not 0 <= mode <= 0o7777:
        raise ValueError(f"{name} must be an octal permission string such as 0644, got {value!r}")
    return mode


def current_state(path):
    """(content or None, mode or None) of ``path`` now; None, None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None, None
    try:
        return data.decode("utf-8"), mode
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), mode


def write_atomically(path, content, mode, directory_mode):
    """Write ``content`` to ``path`` through a temporary file in the same directory, then rename it into place."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, mode=directory_mode, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content.encode("utf-8"))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
