"""playbooks/rotate_cloudfront_key.yml on the local AWS, judged by a viewer at the local CloudFront edge.

One converged site and one rotation, walked through in order (each step depends on the previous one):
cookies signed with the old key keep playing until retirement, cookies with the new key play right after the
switch, old-key cookies get 403 after retirement; both phases are idempotent and --check predicts them.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from local_aws.viewer import current_key_pair
from local_aws.viewer import distribution_domain
from local_aws.viewer import edge_request
from local_aws.viewer import signed_cookies
from tests.scenarios.checklist import validate_passes
from tests.scenarios.key_helpers import LOCAL_RAILS_APP
from tests.scenarios.key_helpers import inject
from tests.scenarios.key_helpers import key_group_items
from tests.scenarios.key_helpers import new_key
from tests.scenarios.key_helpers import private_pem
from tests.scenarios.key_helpers import prod_inventory
from tests.scenarios.key_helpers import public_pem

ROTATE = "playbooks/rotate_cloudfront_key.yml"
SECRET = "storytime/local/cloudfront_private_key"
HLS = "storytime-hls-outputs-local"
PLAYLIST = "/books/1/index.m3u8"


def public_key_ids(aws) -> list[str]:
    items = aws.client("cloudfront").list_public_keys()["PublicKeyList"].get("Items", [])
    return sorted(item["Id"] for item in items)


def public_key_of(aws, key_id: str) -> str:
    return aws.client("cloudfront").get_public_key(Id=key_id)["PublicKey"]["PublicKeyConfig"]["EncodedKey"]


def fingerprint(pem: str) -> bytes:
    """The key itself (DER), whatever the PEM's line breaks."""
    key = serialization.load_pem_public_key(pem.encode())
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def status(aws, domain, cookies) -> int:
    return edge_request(aws, domain, PLAYLIST, cookies).status


@pytest.mark.e2e
def test_rotation_keeps_live_cookies_until_retirement(converged, playbook, aws):
    site = converged
    assert site.rc == 0, site.failure_messages()
    aws.client("s3").put_object(
        Bucket=HLS, Key=PLAYLIST.lstrip("/"), Body=b"#EXTM3U\n", ContentType="application/vnd.apple.mpegurl"
    )
    domain = distribution_domain(aws, "storytime-local-hls")
    resource = f"https://{domain}/books/1/*"
    old_id, old_pem = current_key_pair(aws, SECRET)
    old_cookies = signed_cookies(old_id, old_pem, resource)
    assert status(aws, domain, old_cookies) == 200
    assert status(aws, domain, None) == 403

    # --check predicts the stage and writes nothing.
    preview = playbook.run(playbook=ROTATE, check=True)
    assert preview.rc == 0, preview.failure_messages()
    assert preview.stats()["changed"] == 1
    assert preview.writes == []
    assert key_group_items(aws) == [old_id]

    # Stage: new key beside the old one, secret switched; never printed, even with -vvv.
    stage = playbook.run(playbook=ROTATE, json_output=False, verbosity=3)
    assert stage.rc == 0, stage.stdout[-3000:]
    assert "PRIVATE KEY" not in stage.stdout + stage.stderr
    new_id, new_pem = current_key_pair(aws, SECRET)
    assert new_id != old_id
    assert key_group_items(aws) == sorted([old_id, new_id])
    assert sorted(stage.writes) == ["CreatePublicKey", "PutSecretValue", "UpdateKeyGroup"]
    new_cookies = signed_cookies(new_id, new_pem, resource)
    assert status(aws, domain, new_cookies) == 200
    assert status(aws, domain, old_cookies) == 200

    # Stage again: a rotation is in progress, nothing happens.
    again = playbook.run(playbook=ROTATE)
    assert again.rc == 0
    assert again.stats()["changed"] == 0
    assert again.writes == []
    assert current_key_pair(aws, SECRET)[0] == new_id

    # site.yml keeps both keys in the group during the grace period.
    resite = playbook.run()
    assert resite.rc == 0, resite.failure_messages()
    assert "UpdateKeyGroup" not in resite.writes and "PutSecretValue" not in resite.writes
    assert key_group_items(aws) == sorted([old_id, new_id])

    # Retire inside the grace period: refused, nothing changes.
    early = playbook.run(playbook=ROTATE, extra_vars={"rotate_phase": "retire"})
    assert early.rc != 0
    assert any(f"Too early to retire {old_id}" in message for message in early.failure_messages())
    assert early.writes == []
    assert status(aws, domain, old_cookies) == 200

    # --check of the retirement names the old key and writes nothing.
    retire_vars = {"rotate_phase": "retire", "rotate_grace_seconds": 0}
    preview = playbook.run(playbook=ROTATE, extra_vars=retire_vars, check=True)
    assert preview.rc == 0, preview.failure_messages()
    (predicted,) = preview.task_results("Signing key rotation (retire)")
    assert predicted["rotation"]["retired_key_pair_ids"] == [old_id]
    assert preview.writes == []

    # Retire after the grace period: the old key leaves the group and is deleted; its cookies stop working.
    retire = playbook.run(playbook=ROTATE, extra_vars=retire_vars)
    assert retire.rc == 0, retire.failure_messages()
    assert key_group_items(aws) == [new_id]
    assert old_id not in public_key_ids(aws)
    assert sorted(retire.writes) == ["DeletePublicKey", "UpdateKeyGroup"]
    assert status(aws, domain, old_cookies) == 403
    assert status(aws, domain, new_cookies) == 200

    # Retire again: nothing left to retire.
    idle = playbook.run(playbook=ROTATE, extra_vars=retire_vars)
    assert idle.rc == 0
    assert idle.stats()["changed"] == 0
    assert idle.writes == []


@pytest.mark.parametrize(
    ("extra_vars", "message"),
    [
        ({"rotate_phase": "later"}, "rotate_phase must be stage or retire"),
        ({"rotate_grace_seconds": "a day"}, "rotate_grace_seconds a whole number of seconds"),
    ],
)
def test_bad_rotation_input_fails_before_any_aws_call(playbook, aws, extra_vars, message):
    run = playbook.run(playbook=ROTATE, extra_vars=extra_vars)
    assert run.rc != 0
    assert any(message in failure for failure in run.failure_messages())
    assert run.calls == []


@pytest.mark.e2e
def test_rotation_after_injecting_a_key_on_a_generated_environment(playbook, aws, tmp_path):
    """site, inject (an inventory key), rotate stage/retire, site: every step composes (issue 12)."""
    key = new_key()
    inventory = playbook.inventory("local", {"cloudfront_hls_public_keys": [public_pem(key)]})
    site = playbook.run(inventory=inventory)
    assert site.rc == 0, site.failure_messages()
    generated_id, _ = current_key_pair(aws, SECRET)
    (injected_id,) = [key_id for key_id in key_group_items(aws) if key_id != generated_id]

    injected = inject(playbook, inventory, private_pem(key), tmp_path)
    assert injected.rc == 0, injected.failure_messages()
    assert current_key_pair(aws, SECRET)[0] == injected_id

    # The generated key is now the previous key, as after a stage: stage waits for it to be retired.
    stage = playbook.run(playbook=ROTATE, inventory=inventory)
    assert stage.rc == 0, stage.failure_messages()
    assert stage.stats()["changed"] == 0
    assert stage.writes == []
    retire_vars = {"rotate_phase": "retire", "rotate_grace_seconds": 0}
    retire = playbook.run(playbook=ROTATE, inventory=inventory, extra_vars=retire_vars)
    assert retire.rc == 0, retire.failure_messages()
    assert key_group_items(aws) == [injected_id]
    assert generated_id not in public_key_ids(aws)

    # Stage a new key beside the injected one; site.yml keeps both and writes nothing.
    stage = playbook.run(playbook=ROTATE, inventory=inventory)
    assert stage.rc == 0, stage.failure_messages()
    new_id, _ = current_key_pair(aws, SECRET)
    assert key_group_items(aws) == sorted([injected_id, new_id])
    resite = playbook.run(inventory=inventory)
    assert resite.rc == 0, resite.failure_messages()
    assert resite.writes == []
    assert key_group_items(aws) == sorted([injected_id, new_id])

    # The injected key is still in the inventory: retire refuses; once the inventory lists the staged key in its
    # place (the public half stage wrote to the outputs), retire works and site.yml stays quiet.
    refused = playbook.run(playbook=ROTATE, inventory=inventory, extra_vars=retire_vars)
    assert refused.rc != 0
    assert any("is still listed in cloudfront_hls_public_keys" in m for m in refused.failure_messages())
    assert refused.writes == []
    staged_pem = (tmp_path / "outputs" / "local.cloudfront-public-key.pem").read_text()
    assert fingerprint(staged_pem) == fingerprint(public_key_of(aws, new_id))
    inventory = playbook.inventory("local", {"cloudfront_hls_public_keys": [staged_pem]})
    retire = playbook.run(playbook=ROTATE, inventory=inventory, extra_vars=retire_vars)
    assert retire.rc == 0, retire.failure_messages()
    assert key_group_items(aws) == [new_id]
    last = playbook.run(inventory=inventory)
    assert last.rc == 0, last.failure_messages()
    assert last.writes == []
    assert key_group_items(aws) == [new_id]
    # And the environment works for Rails and the players: validate.yml signs with the staged key (issue 12, item 2).
    validate_passes(playbook, inventory)


@pytest.mark.e2e
def test_the_prod_inventory_rotates_by_listing_the_staged_key(playbook, aws, tmp_path):
    """inventories/prod (no generated key, the inventory lists the signing key, the private half is injected):
    site, inject, stage, site with the staged key listed, retire, site, validate. Stage writes the new
    public half; with it in the inventory in place of the old key, site.yml keeps both until retire, retire
    removes the old one, and site.yml afterwards writes nothing (issue 12, item 2)."""
    secret = "storytime/prod/cloudfront_private_key"
    key = new_key()
    inventory = prod_inventory(playbook, [public_pem(key)], **LOCAL_RAILS_APP)
    site = playbook.run(inventory=inventory)
    assert site.rc == 0, site.failure_messages()
    (old_id,) = key_group_items(aws, "prod")
    injected = inject(playbook, inventory, private_pem(key), tmp_path)
    assert injected.rc == 0, injected.failure_messages()

    stage = playbook.run(playbook=ROTATE, inventory=inventory)
    assert stage.rc == 0, stage.failure_messages()
    new_id, _ = current_key_pair(aws, secret)
    assert key_group_items(aws, "prod") == sorted([old_id, new_id])
    (advice,) = stage.task_results("Say which key the inventory must list before retire")
    assert "prod.cloudfront-public-key.pem" in advice["msg"] and new_id in advice["msg"]
    staged_pem = (tmp_path / "outputs" / "prod.cloudfront-public-key.pem").read_text()

    inventory = prod_inventory(playbook, [staged_pem], **LOCAL_RAILS_APP)
    between = playbook.run(inventory=inventory)
    assert between.rc == 0, between.failure_messages()
    assert between.writes == []
    assert key_group_items(aws, "prod") == sorted([old_id, new_id])

    retire = playbook.run(
        playbook=ROTATE, inventory=inventory, extra_vars={"rotate_phase": "retire", "rotate_grace_seconds": 0}
    )
    assert retire.rc == 0, retire.failure_messages()
    assert key_group_items(aws, "prod") == [new_id]
    assert old_id not in public_key_ids(aws)
    last = playbook.run(inventory=inventory)
    assert last.rc == 0, last.failure_messages()
    assert last.writes == []
    validate_passes(playbook, inventory)
