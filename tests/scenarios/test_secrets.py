"""The secrets role and the secretsmanager_secret module against the local AWS.

The role manages the private-key secret as a container only: in every environment it must create the secret
without a value and never call GetSecretValue or PutSecretValue. The module writes a value only when given one,
only when it differs, and never prints it, not even with -vvv.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.scenario

HOST = "storytime-local"
TAGS = {"Project": "storytime", "Environment": "local", "ManagedBy": "ansible"}
VALUE_CALLS = {"GetSecretValue", "PutSecretValue"}
PUBLISH = "Publish the secret for the outputs play"
# The format the collection writes; the PEM body is a recognisable marker, not a key.
SECRET_VALUE = json.dumps(
    {
        "key_pair_id": "K2JCJMDEHXQW5F",
        "private_key_pem": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANscenarioSecretMaterial0123456789\n"
        "-----END PRIVATE KEY-----\n",
    }
)
# The lookups of the secret's resource policy: who runs the play, and the local Rails user's ARN (issue 12), each
# one read from the controller (the aws_caller and aws_iam_principal lookups).
POLICY_LOOKUPS = [
    ("STS", "GetCallerIdentity"),
    ("IAM", "GetUser"),
]
SECRET_FRAGMENTS = (SECRET_VALUE, "MIIEvQIBADANscenarioSecretMaterial0123456789")


def secret_name(environment: str = "local") -> str:
    return f"storytime/{environment}/cloudfront_private_key"


@pytest.fixture
def secretsmanager(aws):
    return aws.client("secretsmanager")


class Plays:
    """Writes one-play playbooks for the local inventory into tmp_path and runs them."""

    def __init__(self, playbook, tmp_path: Path):
        self.playbook = playbook
        self.tmp_path = tmp_path
        self.inventory = playbook.inventory("local")
        self.count = 0

    def run(self, tasks: list[dict[str, Any]], **kwargs):
        self.count += 1
        play = {"name": "Secrets", "hosts": "storytime", "gather_facts": False, "tasks": tasks}
        path = self.tmp_path / f"play-{self.count}.yml"
        path.write_text(yaml.safe_dump([play], sort_keys=False))
        return self.playbook.run(playbook=str(path), inventory=self.inventory, **kwargs)

    def role(self, **kwargs):
        # Run on its own, the role is told the Rails app's user (site.yml hands on iam_roles_rails_attach_to_user).
        task = {
            "name": "Secrets role",
            "ansible.builtin.include_role": {"name": "storytime.video_infra.secrets"},
            "vars": {"secrets_rails_user_name": "storytime-local-rails"},
        }
        run = self.run([task], **kwargs)
        assert run.rc == 0, run.stdout + run.stderr
        return run

    def module(self, args: dict[str, Any], **kwargs):
        task = {
            "name": "Secret with a value",
            "module_defaults": {
                "group/storytime.video_infra.aws": {
                    "region": "{{ storytime_aws_region }}",
                    "endpoint_url": "{{ storytime_aws_endpoint_url }}",
                    "access_key": "{{ storytime_aws_access_key }}",
                    "secret_key": "{{ storytime_aws_secret_key }}",
                }
            },
            "storytime.video_infra.secretsmanager_secret": args,
        }
        run = self.run([task], **kwargs)
        assert run.rc == 0, run.stdout + run.stderr
        return run


@pytest.fixture
def plays(playbook, tmp_path) -> Plays:
    return Plays(playbook, tmp_path)


def outputs_of(run) -> dict[str, Any]:
    (result,) = run.task_results(PUBLISH)
    return result["ansible_facts"]["secrets_outputs"]


def assert_container_only(secretsmanager, name: str) -> dict[str, Any]:
    secret = secretsmanager.describe_secret(SecretId=name)
    assert not secret.get("VersionIdsToStages"), "the role must not create a value"
    assert {t["Key"]: t["Value"] for t in secret["Tags"]} == TAGS
    assert "key_pair_id" in secret["Description"] and "private_key_pem" in secret["Description"]
    return secret


def test_role_creates_the_secret_without_a_value_and_a_second_run_only_reads(plays, secretsmanager):
    run = plays.role()

    assert VALUE_CALLS.isdisjoint(op for _svc, op in run.calls), run.calls
    # The secret's resource policy (issue 12) is put right after the secret is created.
    assert run.writes == ["CreateSecret", "PutResourcePolicy"]
    secret = assert_container_only(secretsmanager, secret_name())
    assert outputs_of(run) == {
        "cloudfront_private_key_secret_arn": secret["ARN"],
        "cloudfront_private_key_secret_name": secret_name(),
    }

    again = plays.role()

    assert again.stats(HOST)["changed"] == 0
    assert again.writes == []
    assert again.calls == [
        *POLICY_LOOKUPS,
        ("Secrets Manager", "DescribeSecret"),
        ("Secrets Manager", "GetResourcePolicy"),
    ]
    assert outputs_of(again)["cloudfront_private_key_secret_arn"] == secret["ARN"]


def test_prod_like_run_manages_the_container_and_leaves_an_injected_value_alone(plays, secretsmanager):
    prod = {"storytime_environment": "prod"}
    run = plays.role(extra_vars=prod)

    assert VALUE_CALLS.isdisjoint(op for _svc, op in run.calls), run.calls
    # The secret's resource policy (issue 12) is put right after the secret is created.
    assert run.writes == ["CreateSecret", "PutResourcePolicy"]
    assert_container_only(secretsmanager, secret_name("prod"))
    assert [s["Name"] for s in secretsmanager.list_secrets()["SecretList"]] == [secret_name("prod")]

    # The value arrives out of band; the role neither reads nor replaces it.
    secretsmanager.put_secret_value(SecretId=secret_name("prod"), SecretString=SECRET_VALUE)
    again = plays.role(extra_vars=prod)

    assert again.stats(HOST)["changed"] == 0
    assert again.writes == []
    assert VALUE_CALLS.isdisjoint(op for _svc, op in again.calls), again.calls
    assert secretsmanager.get_secret_value(SecretId=secret_name("prod"))["SecretString"] == SECRET_VALUE


def test_check_mode_on_a_fresh_account_predicts_and_creates_nothing(plays, secretsmanager):
    run = plays.role(check=True, diff=True)

    assert run.writes == []
    assert run.reads == [op for _svc, op in POLICY_LOOKUPS] + ["DescribeSecret"]
    assert run.stats(HOST)["changed"] == 1
    (result,) = run.task_results("Secret for the CloudFront private key (container only)")
    assert result["changed_settings"] == ["secret", "description", "tags", "resource_policy"]
    assert result["secret"]["arn"] is None
    assert result["secret"]["has_value"] is False
    assert outputs_of(run) == {
        "cloudfront_private_key_secret_arn": None,
        "cloudfront_private_key_secret_name": secret_name(),
    }
    assert secretsmanager.list_secrets()["SecretList"] == []


def test_module_writes_a_value_once_and_never_prints_it(plays, secretsmanager):
    plays.role()
    args = {"name": secret_name(), "secret_string": SECRET_VALUE}

    first = plays.module(args, verbosity=3, diff=True, json_output=False)

    assert [op for _svc, op in first.calls] == ["DescribeSecret", "PutSecretValue"]
    assert secretsmanager.get_secret_value(SecretId=secret_name())["SecretString"] == SECRET_VALUE
    assert "(changed)" in first.stdout

    second = plays.module(args, verbosity=3, diff=True, json_output=False)

    assert second.writes == []
    assert second.reads == ["DescribeSecret", "GetSecretValue"]
    assert "changed=0" in second.stdout
    versions = secretsmanager.list_secret_version_ids(SecretId=secret_name())["Versions"]
    assert len(versions) == 1

    for run in (first, second):
        output = run.stdout + run.stderr
        assert "secretsmanager_secret" in output  # the -vvv output is really there
        for fragment in SECRET_FRAGMENTS:
            assert fragment not in output


def test_resource_policy_and_teardown_with_restore(plays, secretsmanager):
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OnlyRails",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/storytime-rails"}},
            }
        ],
    }
    run = plays.role(extra_vars={"secrets_resource_policy": policy})
    assert run.writes == ["CreateSecret", "PutResourcePolicy"]
    stored = secretsmanager.get_resource_policy(SecretId=secret_name())["ResourcePolicy"]
    assert json.loads(stored) == policy

    again = plays.role(extra_vars={"secrets_resource_policy": policy})
    assert again.writes == []
    assert again.reads == ["DescribeSecret", "GetResourcePolicy"]

    # Teardown schedules the deletion; a later converge restores the same secret (same ARN).
    arn = outputs_of(run)["cloudfront_private_key_secret_arn"]
    gone = plays.role(extra_vars={"secrets_state": "absent", "secrets_recovery_window_days": 7})
    assert gone.writes == ["DeleteSecret"]
    assert secretsmanager.describe_secret(SecretId=secret_name()).get("DeletedDate")

    back = plays.role(extra_vars={"secrets_resource_policy": policy})
    (result,) = back.task_results("Secret for the CloudFront private key (container only)")
    assert result["changed_settings"] == ["restore"]
    assert back.writes == ["RestoreSecret"]
    assert VALUE_CALLS.isdisjoint(op for _svc, op in back.calls)
    assert outputs_of(back)["cloudfront_private_key_secret_arn"] == arn
    assert "DeletedDate" not in secretsmanager.describe_secret(SecretId=secret_name())


def test_the_role_alone_checks_its_inputs_before_any_aws_call(plays):
    """site.yml checks every role's inputs in its first play and the roles then skip their own check; a role used on
    its own (here through include_role, outside site.yml) must still refuse a bad input before its first AWS call."""
    task = {"name": "Secrets role", "ansible.builtin.include_role": {"name": "storytime.video_infra.secrets"}}
    run = plays.run([task], extra_vars={"secrets_recovery_window_days": 3})
    assert run.rc != 0
    assert run.calls == []
    assert any("secrets_recovery_window_days" in message for message in run.failure_messages()), run.failure_messages()
