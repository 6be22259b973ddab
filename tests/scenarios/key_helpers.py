"""Signing keys, the key group and the prod inventory for the scenario tests of key handling (test_site_keys,
test_key_rotation)."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from local_aws.playbook import PlaybookRun
from local_aws.playbook import PlaybookRunner

#: The Rails app of a prod inventory run against the local AWS: the IAM user the local AWS creates, with its keys.
LOCAL_RAILS_APP = {
    "iam_roles_rails_attach_to_user": "storytime-local-rails",
    "storytime_rails_aws_access_key": "AKIALOCALAWSRAILSAPP",
    "storytime_rails_aws_secret_key": "local-aws-rails-app-secret-access-key",
}


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def key_group_items(aws, env: str = "local") -> list[str]:
    """The public key IDs in the environment's signers key group, sorted."""
    groups = aws.client("cloudfront").list_key_groups()["KeyGroupList"]["Items"]
    name = f"storytime-{env}-hls-signers"
    (group,) = [g["KeyGroup"] for g in groups if g["KeyGroup"]["KeyGroupConfig"]["Name"] == name]
    return sorted(group["KeyGroupConfig"]["Items"])


def prod_inventory(playbook: PlaybookRunner, public_keys: list[str], **changes) -> Path:
    """inventories/prod itself, pointed at the local AWS as a prod account (the operator's local credentials), with
    these public keys and ``changes`` (for example :data:`LOCAL_RAILS_APP`)."""
    return playbook.inventory(
        "prod",
        {
            "storytime_aws_endpoint_url": playbook.server.endpoint_url,
            "storytime_aws_ca_bundle": str(playbook.server.ca_file),
            "storytime_cloudfront_edge_url": playbook.server.endpoint_url,
            "storytime_aws_access_key": "AKIALOCALAWSOPERATOR",
            "storytime_aws_secret_key": "local-aws-operator-secret-access-key",
            "cloudfront_hls_public_keys": public_keys,
            **changes,
        },
    )


def inject(playbook: PlaybookRunner, inventory, pem_text: str, tmp_path: Path, **run_options) -> PlaybookRun:
    """Run inject_private_key.yml with ``pem_text`` in a file only its owner reads (as an operator would)."""
    key_file = tmp_path / "key.pem"
    key_file.write_text(pem_text)
    key_file.chmod(0o600)
    return playbook.run(
        playbook="playbooks/inject_private_key.yml",
        inventory=inventory,
        extra_vars={"inject_private_key_file": str(key_file)},
        **run_options,
    )
