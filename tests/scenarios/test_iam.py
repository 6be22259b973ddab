"""The iam_roles role against the local AWS: documents as rendered, idempotence, check mode, drift, attachments.

Each run is a real ansible-playbook of a one-role playbook written into tmp_path, with a copy of the local
inventory; the AWS calls it makes are recorded and the result is read back with boto3.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.storytime.video_infra.plugins.module_utils import iam_policies

pytestmark = pytest.mark.scenario

REGION = "eu-west-1"
ROLE = "storytime-local-mediaconvert"
ACCESS_POLICY = "storytime-local-mediaconvert-access"
RAILS_POLICY = "storytime-local-rails-app"
MASTER = "storytime-master-uploads-local"
HLS = "storytime-hls-outputs-local"
TAGS = {"Project": "storytime", "Environment": "local", "ManagedBy": "ansible"}
PUBLISH = "Publish the IAM identifiers for the outputs play"


@pytest.fixture
def iam(aws):
    return aws.client("iam")


@pytest.fixture
def account_id(aws) -> str:
    return aws.client("sts").get_caller_identity()["Account"]


@pytest.fixture
def secret_arn(account_id) -> str:
    return f"arn:aws:secretsmanager:{REGION}:{account_id}:secret:storytime/local/cloudfront_private_key-AbC123"


class IamPlay:
    """Writes a playbook that applies the iam_roles role with the given variables, and runs it."""

    def __init__(self, playbook, tmp_path: Path, secret_arn: str):
        self.playbook = playbook
        self.tmp_path = tmp_path
        self.secret_arn = secret_arn
        self.count = 0

    def run(self, *, check: bool = False, **role_vars: Any):
        self.count += 1
        play = {
            "name": "IAM for MediaConvert and the Rails app",
            "hosts": "storytime",
            "gather_facts": False,
            "roles": [
                {"role": "storytime.video_infra.iam_roles", "iam_roles_secret_arn": self.secret_arn, **role_vars}
            ],
        }
        path = self.tmp_path / f"iam-{self.count}.yml"
        path.write_text(yaml.safe_dump([play], sort_keys=False))
        return self.playbook.run(playbook=str(path), inventory=self.playbook.inventory("local"), check=check)

    def converge(self, **role_vars: Any):
        run = self.run(**role_vars)
        assert run.rc == 0, run.stdout + run.stderr
        return run


@pytest.fixture
def plays(playbook, tmp_path, secret_arn) -> IamPlay:
    return IamPlay(playbook, tmp_path, secret_arn)


def policy_arn(account_id: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:policy/{name}"


def default_document(iam, arn: str) -> dict[str, Any]:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]


def attached(iam, role: str) -> list[str]:
    return sorted(p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"])


def tags_of(items: list[dict[str, str]]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in items}


def other_policy(iam, name: str) -> str:
    """A customer managed policy standing for whatever else is attached by hand (the local AWS has no AWS
    managed policies loaded)."""
    statement = {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    return iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(document))["Policy"]["Arn"]


def failure_messages(run) -> list[str]:
    """Messages of failed tasks, including failed loop items."""
    messages = []
    for play in (run.result or {}).get("plays", []):
        for task in play.get("tasks", []):
            for host_result in task.get("hosts", {}).values():
                for item in [host_result, *host_result.get("results", [])]:
                    if item.get("failed"):
                        messages.append(str(item.get("msg", "")))
    return messages


def outputs(run) -> dict[str, str]:
    (result,) = run.task_results(PUBLISH)
    return result["ansible_facts"]["iam_roles_outputs"]


# ---------------------------------------------------------------------------------------------


def test_converge_creates_the_role_and_both_policies_as_rendered(plays, iam, account_id, secret_arn):
    run = plays.converge()

    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["Path"] == "/"
    assert role["AssumeRolePolicyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "MediaConvertAssumesRoleForThisAccount",
                "Effect": "Allow",
                "Principal": {"Service": "mediaconvert.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:mediaconvert:{REGION}:{account_id}:queues/*"},
                },
            }
        ],
    }
    assert tags_of(iam.list_role_tags(RoleName=ROLE)["Tags"]) == TAGS
    # create_instance_profile: false -- a MediaConvert role has no business with EC2.
    assert iam.list_instance_profiles_for_role(RoleName=ROLE)["InstanceProfiles"] == []
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == []

    access_arn = policy_arn(account_id, ACCESS_POLICY)
    assert attached(iam, ROLE) == [access_arn]
    assert default_document(iam, access_arn) == iam_policies.mediaconvert_access_policy(
        account_id, partition="aws", region=REGION, master_bucket=MASTER, hls_bucket=HLS
    )
    assert tags_of(iam.list_policy_tags(PolicyArn=access_arn)["Tags"]) == TAGS

    rails_arn = policy_arn(account_id, RAILS_POLICY)
    assert default_document(iam, rails_arn) == iam_policies.rails_app_policy(
        account_id,
        partition="aws",
        region=REGION,
        master_bucket=MASTER,
        mediaconvert_role_arn=role["Arn"],
        secret_arn=secret_arn,
        list_jobs=True,
        describe_endpoints=False,
    )
    assert tags_of(iam.list_policy_tags(PolicyArn=rails_arn)["Tags"]) == TAGS
    assert iam.list_entities_for_policy(PolicyArn=rails_arn)["PolicyRoles"] == []

    assert outputs(run) == {
        "mediaconvert_role_arn": role["Arn"],
        "mediaconvert_role_name": ROLE,
        "rails_app_policy_arn": rails_arn,
    }


def test_second_run_changes_nothing_and_writes_nothing(plays):
    first = plays.converge()
    assert first.stats()["changed"] > 0
    assert first.writes != []

    second = plays.converge()
    assert second.stats()["changed"] == 0, second.stdout
    assert second.writes == [], second.calls


def test_check_mode_on_a_fresh_account_predicts_changes_and_creates_nothing(plays, iam, account_id):
    run = plays.run(check=True)

    assert run.rc == 0, run.stdout + run.stderr
    assert run.stats()["changed"] >= 3
    assert run.writes == [], run.calls
    assert iam.list_roles()["Roles"] == []
    assert iam.list_policies(Scope="Local")["Policies"] == []
    # The outputs are predicted from the names even though nothing exists yet.
    assert outputs(run) == {
        "mediaconvert_role_arn": f"arn:aws:iam::{account_id}:role/{ROLE}",
        "mediaconvert_role_name": ROLE,
        "rails_app_policy_arn": policy_arn(account_id, RAILS_POLICY),
    }


def test_check_mode_after_converge_predicts_no_change(plays):
    plays.converge()

    run = plays.run(check=True)

    assert run.rc == 0, run.stdout + run.stderr
    assert run.stats()["changed"] == 0, run.stdout
    assert run.writes == []


def test_changed_inputs_replace_the_policy_version_and_keep_one(plays, iam, account_id, secret_arn):
    plays.converge()
    rails_arn = policy_arn(account_id, RAILS_POLICY)

    run = plays.converge(iam_roles_rails_list_jobs=False, iam_roles_rails_describe_endpoints=True)

    # A new version made the default, and the old one deleted (only_version): no older document can be
    # made the default again.
    assert run.writes == ["CreatePolicyVersion", "SetDefaultPolicyVersion", "DeletePolicyVersion"]
    versions = iam.list_policy_versions(PolicyArn=rails_arn)["Versions"]
    assert [v["IsDefaultVersion"] for v in versions] == [True]
    document = default_document(iam, rails_arn)
    sids = [s["Sid"] for s in document["Statement"]]
    assert "ListMediaConvertJobs" not in sids
    assert "DescribeMediaConvertEndpoints" in sids
    assert document == iam_policies.rails_app_policy(
        account_id,
        partition="aws",
        region=REGION,
        master_bucket=MASTER,
        mediaconvert_role_arn=f"arn:aws:iam::{account_id}:role/{ROLE}",
        secret_arn=secret_arn,
        list_jobs=False,
        describe_endpoints=True,
    )


def test_secret_named_by_the_secrets_roles_name_when_its_arn_is_not_known(plays, iam, account_id):
    # site.yml in check mode on a fresh account: the secrets role created nothing, so its ARN output is null.
    run = plays.converge(iam_roles_secret_arn=None)

    rails = default_document(iam, policy_arn(account_id, RAILS_POLICY))
    (read,) = [s for s in rails["Statement"] if s["Sid"] == "ReadCloudFrontSigningKey"]
    name_arn = f"arn:aws:secretsmanager:{REGION}:{account_id}:secret:storytime/local/cloudfront_private_key-??????"
    assert read == {
        "Sid": "ReadCloudFrontSigningKey",
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": name_arn,
    }
    assert outputs(run)["rails_app_policy_arn"] == policy_arn(account_id, RAILS_POLICY)


def trust(service: str) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_drift_is_repaired(plays, iam, account_id):
    plays.converge()
    # Someone loosens the trust policy, attaches a policy and tags the role by hand.
    iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=json.dumps(trust("mediaconvert.amazonaws.com")))
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=other_policy(iam, "attached-by-hand"))
    iam.tag_role(RoleName=ROLE, Tags=[{"Key": "Owner", "Value": "someone"}])

    run = plays.converge()

    assert sorted(run.writes) == ["DetachRolePolicy", "UntagRole", "UpdateAssumeRolePolicy"]
    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]["StringEquals"] == {
        "aws:SourceAccount": account_id
    }
    assert attached(iam, ROLE) == [policy_arn(account_id, ACCESS_POLICY)]
    assert tags_of(iam.list_role_tags(RoleName=ROLE)["Tags"]) == TAGS


@pytest.mark.e2e
@pytest.mark.parametrize("key_reference", ["key id", "alias name"])
def test_kms_key_is_resolved_and_rails_policy_is_attached_to_existing_role_and_user(
    plays, iam, aws, account_id, secret_arn, key_reference
):
    kms = aws.client("kms")
    key_arn = kms.create_key(Description="storytime buckets")["KeyMetadata"]["Arn"]
    key_id = key_arn.split("/")[-1]
    if key_reference == "alias name":
        kms.create_alias(AliasName="alias/storytime-local", TargetKeyId=key_id)
        key_id = "alias/storytime-local"
    app_trust = trust("ecs-tasks.amazonaws.com")
    own = other_policy(iam, "rails-app-own")
    iam.create_role(RoleName="rails-app", AssumeRolePolicyDocument=json.dumps(app_trust))
    iam.attach_role_policy(RoleName="rails-app", PolicyArn=own)
    iam.create_user(UserName="rails-heroku")
    iam.attach_user_policy(UserName="rails-heroku", PolicyArn=own)
    role_vars = {
        "storytime_kms_key_id": key_id,
        "iam_roles_rails_attach_to_role": "rails-app",
        "iam_roles_rails_attach_to_user": "rails-heroku",
        "iam_roles_mediaconvert_logs": True,
    }

    check = plays.run(check=True, **role_vars)
    assert check.rc == 0, check.stdout + check.stderr
    assert check.writes == [], check.calls
    assert attached(iam, "rails-app") == [own]

    plays.converge(**role_vars)

    access = default_document(iam, policy_arn(account_id, ACCESS_POLICY))
    assert access == iam_policies.mediaconvert_access_policy(
        account_id,
        partition="aws",
        region=REGION,
        master_bucket=MASTER,
        hls_bucket=HLS,
        kms_key_arn=key_arn,
        log_group_name="/aws/mediaconvert/storytime-local",
    )
    # The same key encrypts the secret (the secrets role uses storytime_kms_key_id too).
    rails_arn = policy_arn(account_id, RAILS_POLICY)
    assert default_document(iam, rails_arn) == iam_policies.rails_app_policy(
        account_id,
        partition="aws",
        region=REGION,
        master_bucket=MASTER,
        mediaconvert_role_arn=f"arn:aws:iam::{account_id}:role/{ROLE}",
        secret_arn=secret_arn,
        kms_key_arn=key_arn,
        secret_kms_key_arn=key_arn,
    )

    # Attached beside what was there; the app's role keeps its own trust policy.
    assert attached(iam, "rails-app") == sorted([rails_arn, own])
    assert iam.get_role(RoleName="rails-app")["Role"]["AssumeRolePolicyDocument"] == app_trust
    users = iam.list_attached_user_policies(UserName="rails-heroku")["AttachedPolicies"]
    assert sorted(p["PolicyArn"] for p in users) == sorted([rails_arn, own])

    again = plays.converge(**role_vars)
    assert again.stats()["changed"] == 0, again.stdout
    assert again.writes == [], again.calls


@pytest.mark.parametrize(
    "role_vars, message",
    [
        (
            {"iam_roles_secret_arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:storytime/local/key"},
            "iam_roles_secret_arn",
        ),
        ({"iam_roles_secret_arn": None, "iam_roles_secret_name": ""}, "iam_roles_secret_name"),
        ({"iam_roles_secret_arn": "", "iam_roles_secret_name": "bad name"}, "iam_roles_secret_name"),
        ({"iam_roles_mediaconvert_role_name": "storytime local mediaconvert"}, "iam_roles_mediaconvert_role_name"),
        ({"iam_roles_rails_policy_name": "storytime-local-mediaconvert-access"}, "iam_roles_rails_policy_name"),
        ({"storytime_kms_key_id": "not a key"}, "storytime_kms_key_id"),
        ({"iam_roles_hls_outputs_bucket_name": "Storytime_HLS"}, "iam_roles_hls_outputs_bucket_name"),
    ],
)
def test_bad_input_fails_before_any_aws_call(plays, iam, role_vars, message):
    run = plays.run(**role_vars)

    assert run.rc != 0
    assert any(message in m for m in failure_messages(run)), run.stdout
    assert run.calls == []


@pytest.mark.parametrize(
    "role_vars, message",
    [
        ({"iam_roles_rails_attach_to_role": "no-such-role"}, "iam_roles_rails_attach_to_role"),
        ({"iam_roles_rails_attach_to_user": "no-such-user"}, "iam_roles_rails_attach_to_user"),
        ({"storytime_kms_key_id": "alias/no-such-key"}, "storytime_kms_key_id"),
    ],
)
def test_missing_rails_identity_or_key_fails_before_any_write(plays, iam, role_vars, message):
    run = plays.run(**role_vars)

    assert run.rc != 0
    assert any(message in m for m in failure_messages(run)), run.stdout
    assert run.writes == []
    assert iam.list_roles()["Roles"] == []
