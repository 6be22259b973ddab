"""`ansible-builder create` writes the execution environment's build context from execution-environment.yml
(issue 14, item 4): the pinned ansible-core, runner, collections and Python packages, and this collection's own
artifact. No container engine is needed for `create`; building the image is the user's step."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def pins(path: Path) -> dict[str, str]:
    return {
        name.lower(): version
        for name, _, version in (line.partition("==") for line in path.read_text().splitlines())
        if version and not name.startswith("#")
    }


def test_the_build_context_holds_the_pinned_collections_packages_and_this_artifact(tmp_path):
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    artifact_name = f"storytime-video_infra-{galaxy['version']}.tar.gz"
    shutil.copy(ROOT / "execution-environment.yml", tmp_path)
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path / ".build" / "dist"), ROOT],
        check=True,
        capture_output=True,
    )
    created = subprocess.run(
        [
            str(BIN / "ansible-builder"),
            "create",
            "-f",
            "execution-environment.yml",
            "--context",
            "context",
            "--output-filename",
            "Containerfile",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    current = pins(ROOT / "constraints.txt")

    assert 'EE_BASE_IMAGE="quay.io/fedora/fedora:42"' in containerfile
    assert f'ANSIBLE_INSTALL_REFS="ansible-core=={current["ansible-core"]} ansible-runner==2.4.3"' in containerfile
    # The galaxy stage installs from /build, where the artifact's relative path in requirements.yml resolves.
    assert "COPY _build /build\nWORKDIR /build\n" in containerfile
    assert '--collections-path "/usr/share/ansible/collections"' in containerfile

    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    collections = {entry["name"]: entry for entry in requirements["collections"]}
    # The AWS collections at the versions the pinned ansible package ships (what make test ran with).
    bundled = Path(BIN.parent / "lib").glob("python3*/site-packages/ansible_collections/*/aws/MANIFEST.json")
    shipped = {}
    for manifest in bundled:
        info = yaml.safe_load(manifest.read_text())["collection_info"]
        shipped[f"{info['namespace']}.{info['name']}"] = info["version"]
    assert collections["amazon.aws"]["version"] == shipped["amazon.aws"]
    assert collections["community.aws"]["version"] == shipped["community.aws"]
    ours = collections[f"collections/{artifact_name}"]
    assert ours["type"] == "file"
    copied = context / "_build" / "collections" / artifact_name
    assert copied.read_bytes() == (tmp_path / ".build" / "dist" / artifact_name).read_bytes()
    with tarfile.open(copied) as tar:
        assert "plugins/modules/s3_private_bucket.py" in tar.getnames()

    python = pins(context / "_build" / "requirements.txt")
    for package in ("boto3", "botocore", "cryptography"):
        assert python[package] == current[package], package
