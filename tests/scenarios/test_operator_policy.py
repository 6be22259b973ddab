"""docs/operator-policy.json, the identity policy docs/operations.md gives the operator, is enough for every playbook.

The local AWS enforces IAM (``local_aws.iam_auth``: every request is signed, and the caller's identity policies are
evaluated for the action and resource the Service Authorization Reference names). The test gives a new IAM user
that policy alone and runs the playbooks with its keys, with the options that need more permissions on (the custom
domain and web players, WAF, SNS notifications, Parameter Store): a permission the documentation forgets fails here
as AccessDenied, as it would on AWS.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.scenarios.test_custom_domain import WEB_VARS
from tests.scenarios.test_custom_domain import make_zone

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "docs" / "operator-policy.json"
USER = "storytime-least-operator"
ROTATE = "playbooks/rotate_cloudfront_key.yml"


def operator_with_the_policy(aws) -> dict[str, str]:
    """Inventory changes that make the runs sign as a new user holding only the documented policy."""
    iam = aws.client("iam")
    iam.create_user(UserName=USER)
    arn = iam.create_policy(PolicyName="StorytimeOperator", PolicyDocument=POLICY.read_text())["Policy"]["Arn"]
    iam.attach_user_policy(UserName=USER, PolicyArn=arn)
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    return {"storytime_aws_access_key": key["AccessKeyId"], "storytime_aws_secret_key": key["SecretAccessKey"]}


def test_the_documented_policy_allows_named_actions_only():
    policy = json.loads(POLICY.read_text())
    assert policy["Version"] == "2012-10-17"
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all("*" not in action for action in actions), statement["Sid"]
    (pass_role,) = [s for s in policy["Statement"] if "iam:PassRole" in s["Action"]]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "mediaconvert.amazonaws.com"}}
    assert len(json.dumps(policy, separators=(",", ":"))) <= 6144  # a managed policy's size limit (IAM quotas)


def test_the_documented_policy_is_enough_for_every_playbook(playbook, aws):
    credentials = operator_with_the_policy(aws)
    make_zone(aws)  # the hosted zone exists before the collection runs (docs/operations.md, "Custom domain")
    settings = {
        **credentials,
        "outputs_ssm_enabled": True,
        "cloudfront_hls_waf_enabled": True,
        "mediaconvert_notifications": "sns",
        **WEB_VARS,
        # Without the Rails app's keys, validate.yml's Rails steps (CreateJob with PassRole, GetSecretValue) run as
        # the operator: the policy's statements for that case are exercised too.
        "storytime_rails_aws_access_key": "",
        "storytime_rails_aws_secret_key": "",
    }
    inventory = playbook.inventory("local", settings)

    # The policy is enforced: the same keys may not do what it does not grant.
    iam_as_operator = aws.client(
        "iam",
        aws_access_key_id=credentials["storytime_aws_access_key"],
        aws_secret_access_key=credentials["storytime_aws_secret_key"],
    )
    with pytest.raises(iam_as_operator.exceptions.ClientError, match="AccessDenied"):
        iam_as_operator.create_user(UserName="not-granted")

    for label, options in (
        ("converge", {}),
        ("no-op", {}),
        ("check", {"check": True, "diff": True}),
        ("validate", {"playbook": "playbooks/validate.yml"}),
        ("rotate: stage", {"playbook": ROTATE}),
        ("converge with the staged key", {}),
        ("rotate: retire", {"playbook": ROTATE, "extra_vars": {"rotate_phase": "retire", "rotate_force": True}}),
        ("teardown", {"playbook": "playbooks/teardown.yml", "extra_vars": {"storage_teardown_empty_buckets": True}}),
    ):
        run = playbook.run(inventory=inventory, **options)
        assert run.rc == 0, (label, run.failure_messages())
        if label in ("no-op", "check"):
            assert run.stats()["changed"] == 0, label
