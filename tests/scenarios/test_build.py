"""`ansible-galaxy collection build` ships the collection and nothing of the test and demo tooling."""

from __future__ import annotations

import json
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
    # An allow-list (galaxy.yml `manifest`): exactly the collection, its licence, its Galaxy README and the
    # operator's IAM policy.
    assert top == {
        "COPYING",
        "docs",
        "meta",
        "plugins",
        "roles",
        "playbooks",
        "changelogs",
        "MANIFEST.json",
        "FILES.json",
    }
    assert [name for name in names if name.startswith("docs/")] == ["docs/galaxy.md", "docs/operator-policy.json"]
    assert "plugins/modules/s3_private_bucket.py" in names
    assert "plugins/filter/hls_template_settings.yml" in names
    assert "roles/storage/meta/argument_specs.yml" in names
    assert "roles/outputs/templates/outputs.env.j2" in names
    assert {f"roles/{role}/README.md" for role in ("storage", "cloudfront_hls", "outputs")} <= set(names)
    assert {"meta/runtime.yml", "meta/execution-environment.yml", "meta/ee-requirements.txt"} <= set(names)
    assert {"changelogs/changelog.yaml", "changelogs/config.yaml"} <= set(names)
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    # No development file: the repository's ansible.cfg and README, tooling, tests, inventories, the root entry points.
    for unshipped in ("ansible.cfg", "README.md", "Makefile", "site.yml", "rotate_cloudfront_key.yml", "tests"):
        assert unshipped not in top, f"{unshipped} is in the artifact"
    assert {"playbooks/site.yml", "playbooks/rotate_cloudfront_key.yml"} <= set(names)
    manifest = json.loads(tar_member(artifact, "MANIFEST.json"))
    assert manifest["collection_info"]["readme"] == "docs/galaxy.md"


def tar_member(artifact: Path, name: str) -> bytes:
    with tarfile.open(artifact) as tar:
        return tar.extractfile(name).read()
