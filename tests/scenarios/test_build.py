"""`ansible-galaxy collection build` ships the collection and nothing of the test and demo tooling."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_built_artifact_contains_only_the_collection(tmp_path):
    subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-galaxy"),
            "collection",
            "build",
            "--output-path",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (artifact,) = tmp_path.glob("storytime-video_infra-*.tar.gz")
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
    top = {name.split("/")[0] for name in names}
    assert {"plugins", "roles", "playbooks", "meta", "README.md", "MANIFEST.json", "FILES.json"} <= top
    assert "plugins/modules/s3_private_bucket.py" in names
    assert "roles/storage/meta/argument_specs.yml" in names
    for unshipped in (
        "local_aws",
        "tests",
        "inventories",
        "extensions",
        "benchmarks",
        "tools",
        ".venv",
        ".collections",
    ):
        assert unshipped not in top, f"{unshipped} is in the artifact"
    assert not any("__pycache__" in name for name in names)
    # The repository-root entry points are not the collection's; its playbooks are.
    assert "site.yml" not in top and "rotate_cloudfront_key.yml" not in top
    assert {"playbooks/site.yml", "playbooks/rotate_cloudfront_key.yml"} <= set(names)
