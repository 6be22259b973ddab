"""Loading the collection's filter plugins must not import the AWS SDK, nor the collection's module_utils.

Every task that templates one of the collection's filters loads the filter files in its own worker process (Ansible
forks one per task), so whatever a filter file imports at load time is paid for by many tasks of every run. botocore
alone took more than half of a site.yml run's controller time before service_model imported it on first use. To
find one filter of the collection, ansible-core imports every filter file of it, so the filters import their
module_utils when they run: a site.yml no-op imported them in 38 workers, 0.76 to 0.85 s of one run.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

from ansible_collections.storytime.video_infra.plugins.module_utils.service_model import service_model

ROOT = Path(__file__).resolve().parents[4]
FILTERS = sorted(path.stem for path in (ROOT / "plugins" / "filter").glob("*.py"))
HEAVY = ("botocore", "boto3")


def test_there_are_filter_files_to_check():
    assert {"hls_settings", "input_problems", "resource_names"} <= set(FILTERS)


@functools.cache
def modules_after_loading_the_filter_files() -> tuple[str, ...]:
    """The modules a fresh Python has imported after importing every filter file of the collection."""
    probe = (
        "import importlib, json, sys\n"
        f"for name in {FILTERS!r}:\n"
        "    importlib.import_module('ansible_collections.storytime.video_infra.plugins.filter.' + name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PYTHONPATH": f"{ROOT / '.collections'}"},
    )  # fmt: skip
    return tuple(json.loads(done.stdout))


def test_loading_every_filter_file_imports_no_aws_sdk():
    assert [m for m in modules_after_loading_the_filter_files() if m.split(".")[0] in HEAVY] == []


def test_loading_every_filter_file_imports_none_of_the_collections_module_utils():
    prefix = "ansible_collections.storytime.video_infra.plugins.module_utils."
    assert [m for m in modules_after_loading_the_filter_files() if m.startswith(prefix)] == []


def test_the_service_model_still_loads_when_a_filter_needs_it():
    assert "CreateJobTemplate" in service_model("mediaconvert").operation_names
