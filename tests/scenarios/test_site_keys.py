"""The signing key pair: generated in memory for local/dev, injected for prod; never printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils.public_keys import fingerprint
from cryptography.hazmat.primitives import serialization

from tests.scenarios.converge import converge_once
from tests.scenarios.key_helpers import inject
from tests.scenarios.key_helpers import key_group_items
from tests.scenarios.key_helpers import new_key
from tests.scenarios.key_helpers import private_pem
from tests.scenarios.key_helpers import prod_inventory
from tests.scenarios.key_helpers import public_pem

pytestmark = pytest.mark.scenario

SECRET = "storytime/{env}/cloudfront_private_key"
#: The signing key the prod-inventory tests list; one per test session, so that they share one converge.
PROD_KEY = new_key()


@pytest.fixture
def prod_site(aws, playbook, tmp_path_factory):
    """inventories/prod (listing PROD_KEY's public half) converged from an empty account, and its path and run:
    converged once per worker (converge_once), the later tests get the state restored."""
    inventory = prod_inventory(playbook, [public_pem(PROD_KEY)])
    return inventory, converge_once("prod-site", aws, playbook, tmp_path_factory, inventory=inventory)


def assert_generated_pair_stored_and_registered(aws) -> None:
    """The secret holds the generated pair (a 2048-bit key), its public half is the registered key and the only one
    in the key group, and the secret has two versions from the converge: the private half kept before its public
    half was registered (so a run stopped in between is completed by the next, issue 12), then the complete pair."""
    secrets = aws.client("secretsmanager")
    secret = json.loads(secrets.get_secret_value(SecretId=SECRET.format(env="local"))["SecretString"])
    assert set(secret) == {"key_pair_id", "private_key_pem"}
    key = serialization.load_pem_private_key(secret["private_key_pem"].encode(), password=None)
    assert key.key_size == 2048
    cloudfront = aws.client("cloudfront")
    registered = cloudfront.get_public_key(Id=secret["key_pair_id"])["PublicKey"]["PublicKeyConfig"]
    assert fingerprint(registered["EncodedKey"]) == fingerprint(public_pem(key))
    (group,) = cloudfront.list_key_groups()["KeyGroupList"]["Items"]
    assert group["KeyGroup"]["KeyGroupConfig"]["Items"] == [secret["key_pair_id"]]
    versions = secrets.list_secret_version_ids(SecretId=SECRET.format(env="local"))["Versions"]
    assert sorted(stage for version in versions for stage in version["VersionStages"]) == ["AWSCURRENT", "AWSPREVIOUS"]
    (pending,) = [version["VersionId"] for version in versions if "AWSPREVIOUS" in version["VersionStages"]]
    kept = json.loads(secrets.get_secret_value(SecretId=SECRET.format(env="local"), VersionId=pending)["SecretString"])
    assert kept == {"key_pair_id": None, "private_key_pem": secret["private_key_pem"]}


def test_local_key_pair_is_generated_stored_and_not_in_the_runs_results(converged, aws):
    """The shared converge of inventories/local (every task's result, as the json callback prints them): the pair
    is generated and stored, and no result holds the private key. The second run's no-op is
    test_site_storage's; the -vvv output is checked by the end-to-end test below."""
    assert converged.rc == 0
    # The whole json document (so that the next line is not vacuous): every task of the run, with its result.
    assert converged.task_results("Signing key pair of this environment (private half only in the secret)")
    assert "PRIVATE KEY" not in converged.stdout + converged.stderr
    assert_generated_pair_stored_and_registered(aws)


@pytest.mark.e2e
def test_local_key_pair_is_generated_stored_and_never_printed(playbook, aws):
    """A converge from an empty account at -vvv with the default callback (what an operator debugging a run sees),
    then a second run that writes nothing: the private key is in no line of either."""
    run = playbook.run(verbosity=3, json_output=False)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "PRIVATE KEY" not in run.stdout + run.stderr
    assert_generated_pair_stored_and_registered(aws)

    again = playbook.run(verbosity=3, json_output=False)
    assert again.rc == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "PRIVATE KEY" not in again.stdout + again.stderr
    assert "changed=0" in again.stdout
    assert again.writes == []
    assert_generated_pair_stored_and_registered(aws)


@pytest.mark.e2e
def test_prod_like_run_creates_the_secret_without_a_value(prod_site, aws):
    _inventory, run = prod_site
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]

    operations = [op for _svc, op in run.calls]
    assert "CreateSecret" in operations
    assert "PutSecretValue" not in operations
    assert "GetSecretValue" not in operations
    described = aws.client("secretsmanager").describe_secret(SecretId=SECRET.format(env="prod"))
    assert not described.get("VersionIdsToStages")


@pytest.mark.e2e
def test_inject_stores_the_pair_for_a_key_of_the_key_group(prod_site, playbook, aws, tmp_path):
    key = PROD_KEY
    inventory, _site = prod_site

    run = inject(playbook, inventory, private_pem(key), tmp_path, verbosity=3, json_output=False)
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "PRIVATE KEY" not in run.stdout + run.stderr
    assert "GetSecretValue" not in [op for _svc, op in run.calls]

    secret = json.loads(
        aws.client("secretsmanager").get_secret_value(SecretId=SECRET.format(env="prod"))["SecretString"]
    )
    registered = aws.client("cloudfront").get_public_key(Id=secret["key_pair_id"])["PublicKey"]["PublicKeyConfig"]
    assert fingerprint(registered["EncodedKey"]) == fingerprint(public_pem(key))
    assert secret["key_pair_id"] in run.stdout  # the playbook tells which key ID Rails must use

    again = inject(playbook, inventory, private_pem(key), tmp_path, verbosity=3, json_output=False)
    assert again.rc == 0
    assert [op for _svc, op in again.calls if op == "PutSecretValue"] == []


@pytest.mark.e2e
@pytest.mark.parametrize(
    "make_pem, message",
    [
        (
            lambda: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
            "is not a PEM-encoded private key",
        ),
        (lambda: private_pem(new_key(1024)), "is an RSA 1024-bit key; at least 2048 bits are required"),
        (lambda: private_pem(new_key()), "is not a key of key group storytime-prod-hls-signers"),
    ],
    ids=["malformed", "1024-bit", "not-in-key-group"],
)
def test_inject_refuses_bad_keys_and_leaves_the_secret_unchanged(prod_site, playbook, aws, tmp_path, make_pem, message):
    inventory, _site = prod_site

    run = inject(playbook, inventory, make_pem(), tmp_path, verbosity=3, json_output=False)

    assert run.rc != 0
    assert message in run.stdout
    assert "PRIVATE KEY-----\n" not in run.stdout + run.stderr
    assert "PutSecretValue" not in [op for _svc, op in run.calls]
    described = aws.client("secretsmanager").describe_secret(SecretId=SECRET.format(env="prod"))
    assert not described.get("VersionIdsToStages")


def test_generating_a_key_in_prod_is_refused(playbook, aws):
    inventory = prod_inventory(playbook, [public_pem(new_key())])
    run = playbook.run(inventory=inventory, extra_vars={"cloudfront_hls_generate_signing_key": True})

    assert run.rc != 0
    assert run.calls == []
    assert "cloudfront_hls_generate_signing_key must be false in prod" in " ".join(run.failure_messages())


def changed_tasks(run) -> list[str]:
    return [
        task["task"]["name"]
        for play in run.result["plays"]
        for task in play["tasks"]
        if any(host.get("changed") for host in task["hosts"].values())
    ]


@pytest.mark.e2e
def test_site_after_injecting_an_inventory_key_on_a_generated_environment(playbook, aws, tmp_path):
    """Issue 12: inject on local/dev (the secret then names an inventory key) used to break every later site.yml."""
    key = new_key()
    inventory = playbook.inventory("local", {"cloudfront_hls_public_keys": [public_pem(key)]})
    first = playbook.run(inventory=inventory)
    assert first.rc == 0, first.failure_messages()
    generated_id = json.loads(
        aws.client("secretsmanager").get_secret_value(SecretId=SECRET.format(env="local"))["SecretString"]
    )["key_pair_id"]
    (inventory_id,) = [key_id for key_id in key_group_items(aws) if key_id != generated_id]

    injected = inject(playbook, inventory, private_pem(key), tmp_path, verbosity=3, json_output=False)
    assert injected.rc == 0, injected.stdout[-3000:]
    assert (
        json.loads(aws.client("secretsmanager").get_secret_value(SecretId=SECRET.format(env="local"))["SecretString"])[
            "key_pair_id"
        ]
        == inventory_id
    )

    # The secret's key and the inventory's key are the same key: one entry in the key group, not two.
    preview = playbook.run(inventory=inventory, check=True)
    assert preview.rc == 0, preview.failure_messages()
    assert preview.writes == []
    again = playbook.run(inventory=inventory)
    assert again.rc == 0, again.failure_messages()
    assert again.writes == []
    # Only the outputs change: Rails' key pair ID is now the injected key's.
    assert changed_tasks(again) == [
        "storytime.video_infra.outputs : Write the outputs for Rails, as JSON and as a dotenv file"
    ]
    (written,) = again.task_results("Write the outputs for Rails, as JSON and as a dotenv file")
    assert [(Path(f["path"]).name, f["changed"]) for f in written["files"]] == [
        ("local.json", True),
        ("local.env", True),
    ]
    outputs = json.loads((tmp_path / "outputs" / "local.json").read_text())
    assert outputs["cloudfront_public_key_id"] == inventory_id
    # The generated key stays trusted, as after a rotation's stage, until rotate_cloudfront_key.yml retires it.
    assert key_group_items(aws) == sorted([generated_id, inventory_id])
