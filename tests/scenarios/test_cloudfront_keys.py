"""cloudfront_public_key and cloudfront_key_group against the local AWS: the 4-step idiom, updates, deletes.

Each step is a real ansible-playbook run of a small playbook written into tmp_path; the AWS calls it makes are
recorded, and the resulting state is checked with boto3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

KEY = "storytime-scenario-key"
OTHER_KEY = "storytime-scenario-key-2"
GROUP = "storytime-scenario-signers"


def new_private_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(private_key) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.fixture(scope="module")
def pems() -> list[str]:
    return [public_pem(new_private_key()) for _ in range(2)]


@pytest.fixture
def cloudfront(aws):
    return aws.client("cloudfront")


class Plays:
    """Writes one-play playbooks into tmp_path and runs them against the local AWS."""

    def __init__(self, playbook, aws, tmp_path: Path):
        self.playbook = playbook
        self.aws = aws
        self.tmp_path = tmp_path
        self.count = 0

    def run(self, tasks: list[dict[str, Any]], *, check: bool = False, diff: bool = False):
        self.count += 1
        play = {
            "name": "CloudFront keys",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "module_defaults": {
                "group/storytime.video_infra.aws": {
                    "region": "eu-west-1",
                    "endpoint_url": self.aws.endpoint_url,
                    "access_key": "AKIALOCALAWSOPERATOR",
                    "secret_key": "local-aws-operator-secret-access-key",
                }
            },
            "tasks": tasks,
        }
        path = self.tmp_path / f"play-{self.count}.yml"
        path.write_text(yaml.safe_dump([play], sort_keys=False))
        return self.playbook.run(playbook=str(path), inventory="localhost,", check=check, diff=diff)

    def result(self, tasks, task_name: str, *, check: bool = False, expect_failure: bool = False):
        """Run, check the exit status, and return (run, the single host result of ``task_name``)."""
        run = self.run(tasks, check=check)
        if expect_failure:
            assert run.rc != 0, run.stdout
        else:
            assert run.rc == 0, run.stdout + run.stderr
        (result,) = run.task_results(task_name)
        return run, result

    def idempotent(self, tasks, task_name: str, verify=None):
        """The upstream 4-step idiom: check -> changed; apply -> changed; check -> unchanged; apply -> no writes."""
        run, result = self.result(tasks, task_name, check=True)
        assert result["changed"] is True, result
        assert run.writes == []
        predicted = result

        run, result = self.result(tasks, task_name)
        assert result["changed"] is True, result
        assert run.writes != []
        if verify:
            verify(result)
        applied = result

        run, result = self.result(tasks, task_name, check=True)
        assert result["changed"] is False, result
        assert run.writes == []

        run, result = self.result(tasks, task_name)
        assert result["changed"] is False, result
        assert run.writes == [], run.calls
        return predicted, applied, run


@pytest.fixture
def plays(playbook, aws, tmp_path) -> Plays:
    return Plays(playbook, aws, tmp_path)


def key_task(name: str, pem: str | None = None, *, state: str = "present", comment: str | None = None):
    args: dict[str, Any] = {"name": name, "state": state}
    if pem is not None:
        args["public_key_pem"] = pem
    if comment is not None:
        args["comment"] = comment
    return {"name": "Public key", "storytime.video_infra.cloudfront_public_key": args, "register": "public_key"}


def group_task(ids: list[str] | None = None, *, state: str = "present", comment: str | None = None):
    args: dict[str, Any] = {"name": GROUP, "state": state}
    if ids is not None:
        args["public_key_ids"] = ids
    if comment is not None:
        args["comment"] = comment
    return {"name": "Key group", "storytime.video_infra.cloudfront_key_group": args}


def keys_by_name(cloudfront) -> dict[str, dict[str, Any]]:
    items = cloudfront.list_public_keys()["PublicKeyList"].get("Items") or []
    return {item["Name"]: item for item in items}


def groups_by_name(cloudfront) -> dict[str, dict[str, Any]]:
    items = cloudfront.list_key_groups()["KeyGroupList"].get("Items") or []
    return {item["KeyGroup"]["KeyGroupConfig"]["Name"]: item["KeyGroup"] for item in items}


def create_keys(cloudfront, pems) -> list[str]:
    """Upload the public keys directly (the key group scenarios are not about the key module)."""
    ids = []
    for index, (name, pem) in enumerate(zip((KEY, OTHER_KEY), pems, strict=True)):
        config = {"CallerReference": f"scenario-{index}", "Name": name, "EncodedKey": pem}
        ids.append(cloudfront.create_public_key(PublicKeyConfig=config)["PublicKey"]["Id"])
    return ids


# ---------------------------------------------------------------------------------------------
# cloudfront_public_key


def test_public_key_create_update_comment_and_delete(plays, cloudfront, pems):
    tasks = [key_task(KEY, pems[0], comment="Signs scenario cookies")]

    def exists(result):
        key = result["public_key"]
        summary = keys_by_name(cloudfront)[KEY]
        assert key["id"] == summary["Id"]
        assert summary["Comment"] == "Signs scenario cookies"
        assert summary["EncodedKey"].strip() == pems[0].strip()

    predicted, applied, last = plays.idempotent(tasks, "Public key", verify=exists)
    assert predicted["public_key"]["id"] is None
    assert predicted["public_key"]["fingerprint_sha256"] == applied["public_key"]["fingerprint_sha256"]
    assert applied["public_key"]["created_time"]
    assert last.reads == ["ListPublicKeys"]

    # The comment is the only thing CloudFront can change.
    tasks = [key_task(KEY, pems[0], comment="Rotated in 2025")]
    check, result = plays.result(tasks, "Public key", check=True)
    assert result["changed"] is True
    assert check.writes == []
    run, result = plays.result(tasks, "Public key")
    assert result["changed"] is True
    assert run.writes == ["UpdatePublicKey"]
    assert result["public_key"]["id"] == applied["public_key"]["id"]
    assert keys_by_name(cloudfront)[KEY]["Comment"] == "Rotated in 2025"
    run, result = plays.result(tasks, "Public key")
    assert result["changed"] is False
    assert run.writes == []

    # Delete.
    tasks = [key_task(KEY, state="absent")]
    check, result = plays.result(tasks, "Public key", check=True)
    assert result["changed"] is True
    assert check.writes == []
    assert KEY in keys_by_name(cloudfront)
    run, result = plays.result(tasks, "Public key")
    assert result["changed"] is True
    assert run.writes == ["DeletePublicKey"]
    assert KEY not in keys_by_name(cloudfront)
    run, result = plays.result(tasks, "Public key")
    assert result["changed"] is False
    assert run.writes == []


def test_another_pem_under_an_existing_name_fails_and_changes_nothing(plays, cloudfront, pems):
    plays.result([key_task(KEY, pems[0])], "Public key")

    run, result = plays.result([key_task(KEY, pems[1])], "Public key", expect_failure=True)

    assert "cannot change" in result["msg"] and "new name" in result["msg"]
    assert run.writes == []
    assert keys_by_name(cloudfront)[KEY]["EncodedKey"].strip() == pems[0].strip()


def test_private_key_is_refused_and_never_printed(plays, cloudfront):
    private_key = new_private_key()
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()

    run, result = plays.result([key_task(KEY, private_pem)], "Public key", expect_failure=True)

    assert "private key" in result["msg"] and "public_key_pem" in result["msg"]
    assert run.calls == []
    secret_lines = [line for line in private_pem.splitlines() if line and not line.startswith("-----")]
    assert not any(line in run.stdout or line in run.stderr for line in secret_lines)
    assert keys_by_name(cloudfront) == {}


# ---------------------------------------------------------------------------------------------
# cloudfront_key_group


def test_key_group_create_add_remove_and_delete(plays, cloudfront, pems):
    first, second = create_keys(cloudfront, pems)

    def exists(result):
        group = groups_by_name(cloudfront)[GROUP]
        assert result["key_group"]["id"] == group["Id"]
        assert group["KeyGroupConfig"]["Items"] == [first]

    tasks = [group_task([first], comment="Scenario signers")]
    predicted, applied, last = plays.idempotent(tasks, "Key group", verify=exists)
    assert predicted["key_group"]["id"] is None
    assert predicted["key_group"]["public_key_ids"] == [first]
    assert last.reads == ["ListKeyGroups"]
    group_id = applied["key_group"]["id"]

    # Add a second key (rotation step 1): an update of the same key group.
    tasks = [group_task([second, first])]
    check, result = plays.result(tasks, "Key group", check=True)
    assert result["changed"] is True
    assert check.writes == []
    assert result["key_group"]["public_key_ids"] == sorted([first, second])
    run, result = plays.result(tasks, "Key group")
    assert result["changed"] is True
    assert run.writes == ["UpdateKeyGroup"]
    group = cloudfront.get_key_group(Id=group_id)["KeyGroup"]
    assert sorted(group["KeyGroupConfig"]["Items"]) == sorted([first, second])
    assert group["KeyGroupConfig"].get("Comment") == "Scenario signers"
    run, result = plays.result([group_task([first, second])], "Key group")
    assert result["changed"] is False
    assert run.writes == []

    # Remove the old key (rotation step 2).
    tasks = [group_task([second])]
    run, result = plays.result(tasks, "Key group")
    assert result["changed"] is True
    assert run.writes == ["UpdateKeyGroup"]
    assert cloudfront.get_key_group(Id=group_id)["KeyGroup"]["KeyGroupConfig"]["Items"] == [second]
    run, result = plays.result(tasks, "Key group")
    assert result["changed"] is False
    assert run.writes == []

    # Delete.
    tasks = [group_task(state="absent")]
    check, result = plays.result(tasks, "Key group", check=True)
    assert result["changed"] is True
    assert check.writes == []
    run, result = plays.result(tasks, "Key group")
    assert result["changed"] is True
    assert run.writes == ["DeleteKeyGroup"]
    assert GROUP not in groups_by_name(cloudfront)
    run, result = plays.result(tasks, "Key group")
    assert result["changed"] is False
    assert run.writes == []


def test_public_key_in_a_key_group_cannot_be_deleted(plays, cloudfront, pems):
    setup = [
        key_task(KEY, pems[0]),
        {
            "name": "Key group",
            "storytime.video_infra.cloudfront_key_group": {
                "name": GROUP,
                "public_key_ids": ["{{ public_key.public_key.id }}"],
            },
        },
    ]
    run = plays.run(setup)
    assert run.rc == 0, run.stdout + run.stderr
    key_id = keys_by_name(cloudfront)[KEY]["Id"]
    assert groups_by_name(cloudfront)[GROUP]["KeyGroupConfig"]["Items"] == [key_id]

    run, result = plays.result([key_task(KEY, state="absent")], "Public key", expect_failure=True)

    assert "remove it from the key group first" in result["msg"]
    assert key_id in result["msg"]
    assert KEY in keys_by_name(cloudfront)
