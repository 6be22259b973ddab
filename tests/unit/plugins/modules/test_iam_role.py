"""iam_role: the IAM calls it makes against a stubbed client, for create, no-op, drift, attach-only and delete."""

import json

from ansible_collections.storytime.video_infra.plugins.modules import iam_role as mod

NAME = "storytime-unit-mediaconvert"
ARN = f"arn:aws:iam::123456789012:role/{NAME}"
POLICY = "arn:aws:iam::123456789012:policy/storytime-unit-mediaconvert-access"
FOREIGN = "arn:aws:iam::aws:policy/AdministratorAccess"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "mediaconvert.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
ARGS = {
    "name": NAME,
    "description": "Assumed by MediaConvert",
    "assume_role_policy_document": json.dumps(TRUST),
    "managed_policy_arns": [POLICY],
    "tags": {"Project": "storytime"},
}
CREATED = "2026-12-01T00:00:00Z"


def role(trust=None, description="Assumed by MediaConvert", tags=None, path="/"):
    answer = {
        "Path": path,
        "RoleName": NAME,
        "RoleId": "AROAUNITUNITUNITUNIT1",
        "Arn": ARN,
        "CreateDate": CREATED,
        "AssumeRolePolicyDocument": json.dumps(trust or TRUST),
        "Tags": [{"Key": k, "Value": v} for k, v in (tags if tags is not None else {"Project": "storytime"}).items()],
    }
    if description is not None:
        answer["Description"] = description
    return {"Role": answer}


def attached(stub, *arns):
    stub.add_response(
        "list_attached_role_policies",
        {"AttachedPolicies": [{"PolicyName": arn.rsplit("/", 1)[1], "PolicyArn": arn} for arn in arns]},
        {"RoleName": NAME},
    )


def missing(stub):
    stub.add_client_error("get_role", "NoSuchEntity", http_status_code=404, expected_params={"RoleName": NAME})


def test_create_sends_trust_description_and_tags_then_attaches_the_policy(runner):
    iam = runner.stub("iam")
    missing(iam)
    iam.add_response(
        "create_role",
        role(),
        {
            "RoleName": NAME,
            "Path": "/",
            "AssumeRolePolicyDocument": json.dumps(TRUST, sort_keys=True),
            "Description": "Assumed by MediaConvert",
            "Tags": [{"Key": "Project", "Value": "storytime"}],
        },
    )
    iam.add_response("attach_role_policy", {}, {"RoleName": NAME, "PolicyArn": POLICY})

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    iam.assert_no_pending_responses()
    assert result.result["changed"] is True
    assert result.result["iam_role"]["arn"] == ARN
    assert result.result["iam_role"]["managed_policy_arns"] == [POLICY]
    assert result.result["diff"]["before"] == {}


def test_a_converged_role_makes_two_reads_and_no_write(runner):
    iam = runner.stub("iam")
    iam.add_response("get_role", role(), {"RoleName": NAME})
    attached(iam, POLICY)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["iam_role"]["assume_role_policy_document"] == TRUST
    assert result.result["iam_role"]["tags"] == {"Project": "storytime"}
    assert runner.warnings == []
    iam.assert_no_pending_responses()


def test_drift_is_repaired_with_only_the_drifted_writes(runner):
    """A trust policy, a description, a foreign policy and a lost tag changed out of band: each is put back."""
    drifted_trust = {**TRUST, "Statement": [{**TRUST["Statement"][0], "Principal": {"AWS": "*"}}]}
    iam = runner.stub("iam")
    iam.add_response("get_role", role(trust=drifted_trust, description="by hand", tags={}), {"RoleName": NAME})
    attached(iam, POLICY, FOREIGN)
    iam.add_response(
        "update_assume_role_policy", {}, {"RoleName": NAME, "PolicyDocument": json.dumps(TRUST, sort_keys=True)}
    )
    iam.add_response("update_role", {}, {"RoleName": NAME, "Description": "Assumed by MediaConvert"})
    iam.add_response("detach_role_policy", {}, {"RoleName": NAME, "PolicyArn": FOREIGN})
    iam.add_response("tag_role", {}, {"RoleName": NAME, "Tags": [{"Key": "Project", "Value": "storytime"}]})

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    iam.assert_no_pending_responses()
    diff = result.result["diff"]
    assert diff["before"]["managed_policy_arns"] == sorted([POLICY, FOREIGN])
    assert diff["after"]["managed_policy_arns"] == [POLICY]
    assert diff["before"]["assume_role_policy_document"] == drifted_trust
    assert diff["after"]["assume_role_policy_document"] == TRUST


def test_check_mode_predicts_the_repair_and_writes_nothing(runner):
    iam = runner.stub("iam")
    iam.add_response("get_role", role(tags={}), {"RoleName": NAME})
    attached(iam, POLICY, FOREIGN)

    result = runner.run(mod.main, {**ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    iam.assert_no_pending_responses()
    assert result.result["changed"] is True
    assert result.result["iam_role"]["managed_policy_arns"] == [POLICY]
    assert result.result["iam_role"]["tags"] == {"Project": "storytime"}


def test_check_mode_on_a_missing_role_predicts_it_with_the_arn_iam_will_give(runner):
    """The ARN of a role is its account, path and name: the account from one GetCallerIdentity, in check mode only."""
    iam, sts = runner.stub("iam"), runner.stub("sts")
    missing(iam)
    sts.add_response(
        "get_caller_identity",
        {"UserId": "AIDAUNIT", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/operator"},
    )

    result = runner.run(mod.main, {**ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    sts.assert_no_pending_responses()
    assert result.result["changed"] is True
    assert result.result["iam_role"]["arn"] == ARN
    assert result.result["iam_role"]["managed_policy_arns"] == [POLICY]


def test_a_create_that_meets_entity_already_exists_adopts_and_converges_the_role(runner):
    """The create's answer was lost and botocore sent it again (or another run made the role first)."""
    iam = runner.stub("iam")
    missing(iam)
    iam.add_client_error("create_role", "EntityAlreadyExists", http_status_code=409)
    iam.add_response("get_role", role(), {"RoleName": NAME})
    attached(iam)
    iam.add_response("attach_role_policy", {}, {"RoleName": NAME, "PolicyArn": POLICY})

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    iam.assert_no_pending_responses()
    assert result.result["changed"] is True
    assert result.result["iam_role"]["managed_policy_arns"] == [POLICY]


def test_attach_only_keeps_the_trust_policy_and_the_other_policies(runner):
    """No trust policy given (the Rails app's role, made elsewhere): only the attachment is managed."""
    other = "arn:aws:iam::123456789012:policy/their-own"
    iam = runner.stub("iam")
    iam.add_response("get_role", role(trust={"Version": "2012-10-17", "Statement": []}, tags={}), {"RoleName": NAME})
    attached(iam, other)
    iam.add_response("attach_role_policy", {}, {"RoleName": NAME, "PolicyArn": POLICY})

    result = runner.run(mod.main, {"name": NAME, "managed_policy_arns": [POLICY], "purge_managed_policies": False})

    assert not result.failed, result.result
    iam.assert_no_pending_responses()
    assert result.result["iam_role"]["managed_policy_arns"] == sorted([POLICY, other])


def test_attach_only_fails_on_a_missing_role_and_creates_nothing(runner):
    iam = runner.stub("iam")
    missing(iam)

    result = runner.run(mod.main, {"name": NAME, "managed_policy_arns": [POLICY], "purge_managed_policies": False})

    assert result.failed
    assert f"Role {NAME} does not exist" in result.result["msg"]
    iam.assert_no_pending_responses()


def test_a_role_under_another_path_is_refused(runner):
    iam = runner.stub("iam")
    iam.add_response("get_role", role(path="/service-role/"), {"RoleName": NAME})

    result = runner.run(mod.main, ARGS)

    assert result.failed
    assert "IAM cannot move a role" in result.result["msg"]


def test_delete_detaches_removes_from_profiles_and_deletes(runner):
    iam = runner.stub("iam")
    iam.add_response("get_role", role(), {"RoleName": NAME})
    attached(iam, POLICY)
    iam.add_response("detach_role_policy", {}, {"RoleName": NAME, "PolicyArn": POLICY})
    iam.add_response("list_role_policies", {"PolicyNames": ["inline"]}, {"RoleName": NAME})
    iam.add_response("delete_role_policy", {}, {"RoleName": NAME, "PolicyName": "inline"})
    iam.add_response(
        "list_instance_profiles_for_role",
        {
            "InstanceProfiles": [
                {
                    "Path": "/",
                    "InstanceProfileName": NAME,
                    "InstanceProfileId": "AIPAUNITUNITUNITUNIT1",
                    "Arn": f"arn:aws:iam::123456789012:instance-profile/{NAME}",
                    "CreateDate": CREATED,
                    "Roles": [],
                }
            ]
        },
        {"RoleName": NAME},
    )
    iam.add_response("remove_role_from_instance_profile", {}, {"InstanceProfileName": NAME, "RoleName": NAME})
    iam.add_response("delete_role", {}, {"RoleName": NAME})

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    iam.assert_no_pending_responses()
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["arn"] == ARN


def test_delete_of_a_missing_role_is_a_no_op(runner):
    iam = runner.stub("iam")
    missing(iam)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_delete_in_check_mode_writes_nothing(runner):
    iam = runner.stub("iam")
    iam.add_response("get_role", role(), {"RoleName": NAME})
    attached(iam, POLICY)

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "_ansible_check_mode": True})

    assert not result.failed, result.result
    iam.assert_no_pending_responses()
    assert result.result["changed"] is True


def test_throttling_is_retried(runner):
    iam = runner.stub("iam")
    iam.add_client_error("get_role", "Throttling", http_status_code=400)
    iam.add_response("get_role", role(), {"RoleName": NAME})
    attached(iam, POLICY)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False
    iam.assert_no_pending_responses()


def test_a_refused_read_of_amazon_aws_helper_fails_the_task_with_its_message(runner):
    """The reads go through amazon.aws's module_utils.iam: its AnsibleIAMError becomes the task's failure."""
    iam = runner.stub("iam")
    iam.add_response("get_role", role(), {"RoleName": NAME})
    iam.add_client_error("list_attached_role_policies", "AccessDenied", http_status_code=403)

    result = runner.run(mod.main, ARGS)

    assert result.failed
    assert result.result["msg"].startswith("Failed to list policies attached to role")
    assert result.result["error"]["code"] == "AccessDenied"
