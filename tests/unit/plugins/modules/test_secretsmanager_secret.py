"""Call sequences of secretsmanager_secret against a stubbed Secrets Manager client.

The module's promise is about which calls it makes: without secret_string it never reads or writes the value, and
a converged secret costs one DescribeSecret. Every test therefore records the operations the module called, and the
value must never show up anywhere in what the module returns.
"""

import datetime
import json

import pytest
from ansible_collections.storytime.video_infra.plugins.modules import secretsmanager_secret as mod
from botocore.stub import ANY

NAME = "storytime/unit/cloudfront_private_key"
ARN = f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:{NAME}-AbCdEf"
DESCRIPTION = "CloudFront signing key pair (JSON key_pair_id, private_key_pem)"
CREATED = datetime.datetime(2025, 1, 31, 10, 15, 42, tzinfo=datetime.UTC)
DELETION = datetime.datetime(2025, 3, 2, 10, 15, 42, tzinfo=datetime.UTC)
TAGS = {"Project": "storytime", "Environment": "unit"}
VALUE = json.dumps(
    {
        "key_pair_id": "K2JCJMDEHXQW5F",
        "private_key_pem": "-----BEGIN PRIVATE KEY-----\nMIIEunitTestSecretMaterialXYZ\n-----END PRIVATE KEY-----\n",
    }
)
OLD_VALUE = "an-older-unit-test-secret-value"
SECRET_FRAGMENTS = (VALUE, "MIIEunitTestSecretMaterialXYZ", OLD_VALUE)
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OnlyRails",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "Resource": "*",
            "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/rails"}},
        }
    ],
}
SECRET_ID = {"SecretId": NAME}
V1, V2, V3 = (f"0000000{n}-1111-2222-3333-444444444444" for n in (1, 2, 3))


def tag_list(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def described(*, value=True, tags=None, description=DESCRIPTION, kms_key_id=None, deleted=None):
    response = {"ARN": ARN, "Name": NAME, "CreatedDate": CREATED, "Tags": tag_list(TAGS if tags is None else tags)}
    if description:
        response["Description"] = description
    if kms_key_id:
        response["KmsKeyId"] = kms_key_id
    if value:
        response["VersionIdsToStages"] = {V1: ["AWSPREVIOUS"], V2: ["AWSCURRENT"]}
    if deleted:
        response["DeletedDate"] = deleted
    return response


def describe_found(stub, **kwargs):
    stub.add_response("describe_secret", described(**kwargs), SECRET_ID)


def describe_missing(stub):
    stub.add_client_error(
        "describe_secret",
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
        400,
        expected_params=SECRET_ID,
    )


def current_value(stub, value):
    stub.add_response(
        "get_secret_value",
        {"ARN": ARN, "Name": NAME, "VersionId": V2, "SecretString": value, "VersionStages": ["AWSCURRENT"]},
        SECRET_ID,
    )


def put_value(stub, value=VALUE):
    stub.add_response(
        "put_secret_value",
        {"ARN": ARN, "Name": NAME, "VersionId": V3, "VersionStages": ["AWSCURRENT"]},
        {"SecretId": NAME, "SecretString": value, "ClientRequestToken": ANY},
    )


def args(**extra):
    return {"name": NAME, "description": DESCRIPTION, "tags": dict(TAGS), **extra}


@pytest.fixture
def sm(runner):
    """The stubbed client; ``sm.operations`` lists every operation the module called, in order."""
    stub = runner.stub("secretsmanager")
    operations = []
    runner.clients["secretsmanager"].meta.events.register(
        "before-parameter-build.secrets-manager", lambda model, **_kw: operations.append(model.name)
    )
    stub.operations = operations
    return stub


def assert_secret_hidden(result):
    """The value appears nowhere in what the module returns (result, diff, messages)."""
    serialised = json.dumps(result.result, default=str)
    for fragment in SECRET_FRAGMENTS:
        assert fragment not in serialised
    for warning in result.warnings:
        assert not any(fragment in warning for fragment in SECRET_FRAGMENTS)


# ---------------------------------------------------------------------------------------------
# Creating


def test_create_without_value_never_touches_the_value(runner, sm):
    describe_missing(sm)
    sm.add_response(
        "create_secret",
        {"ARN": ARN, "Name": NAME},
        {"Name": NAME, "Description": DESCRIPTION, "Tags": tag_list(TAGS)},
    )

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "CreateSecret"]
    assert result.result["changed"] is True
    assert result.result["changed_settings"] == ["secret", "description", "tags"]
    assert result.result["secret"] == {
        "arn": ARN,
        "name": NAME,
        "description": DESCRIPTION,
        "kms_key_id": None,
        "tags": TAGS,
        "has_value": False,
        "deleted_date": None,
    }
    assert result.result["diff"]["before"] == {}
    assert "value" not in result.result["diff"]["after"]


def test_create_with_value_and_kms_key_in_one_call(runner, sm):
    describe_missing(sm)
    sm.add_response(
        "create_secret",
        {"ARN": ARN, "Name": NAME, "VersionId": V1},
        {
            "Name": NAME,
            "Description": DESCRIPTION,
            "KmsKeyId": "alias/storytime-unit",
            "Tags": tag_list(TAGS),
            "SecretString": VALUE,
        },
    )

    result = runner.run(mod.main, args(secret_string=VALUE, kms_key_id="alias/storytime-unit"))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "CreateSecret"]
    assert result.result["changed_settings"] == ["secret", "description", "kms_key_id", "tags", "secret_string"]
    assert result.result["secret"]["has_value"] is True
    assert result.result["secret"]["kms_key_id"] == "alias/storytime-unit"
    assert result.result["diff"]["after"]["value"] == "(changed)"
    assert_secret_hidden(result)


def test_create_with_resource_policy_puts_it_with_public_policies_blocked(runner, sm):
    describe_missing(sm)
    sm.add_response("create_secret", {"ARN": ARN, "Name": NAME}, {"Name": NAME})
    sm.add_response(
        "put_resource_policy",
        {"ARN": ARN, "Name": NAME},
        {"SecretId": NAME, "ResourcePolicy": json.dumps(POLICY), "BlockPublicPolicy": True},
    )

    result = runner.run(mod.main, {"name": NAME, "resource_policy": json.dumps(POLICY)})

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "CreateSecret", "PutResourcePolicy"]
    assert result.result["changed_settings"] == ["secret", "resource_policy"]
    assert result.result["secret"]["resource_policy"] == POLICY


# ---------------------------------------------------------------------------------------------
# Converged secrets: reads only


@pytest.mark.parametrize("has_value", [True, False], ids=["with-value", "without-value"])
def test_converged_secret_without_secret_string_costs_one_describe(runner, sm, has_value):
    describe_found(sm, value=has_value)

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret"]
    assert result.result["changed"] is False
    assert result.result["changed_settings"] == []
    assert "diff" not in result.result
    assert result.result["secret"]["has_value"] is has_value
    assert result.result["secret"]["arn"] == ARN


def test_converged_secret_with_secret_string_reads_the_value_and_writes_nothing(runner, sm):
    describe_found(sm)
    current_value(sm, VALUE)

    result = runner.run(mod.main, args(secret_string=VALUE))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "GetSecretValue"]
    assert result.result["changed"] is False
    assert "diff" not in result.result
    assert_secret_hidden(result)


def test_resource_policy_is_read_only_when_set_and_compared_as_a_policy(runner, sm):
    describe_found(sm)
    reordered = json.loads(json.dumps(POLICY))
    reordered["Statement"][0]["Action"].reverse()
    sm.add_response("get_resource_policy", {"ARN": ARN, "Name": NAME, "ResourcePolicy": json.dumps(reordered)})

    result = runner.run(mod.main, args(resource_policy=json.dumps(POLICY)))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "GetResourcePolicy"]
    assert result.result["changed"] is False


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (None, ""),
        (None, "alias/aws/secretsmanager"),
        ("arn:aws:kms:eu-west-1:123456789012:alias/storytime-unit", "alias/storytime-unit"),
        (
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ),
    ],
)
def test_kms_key_in_another_form_of_the_same_reference_is_no_change(runner, sm, current, wanted):
    describe_found(sm, kms_key_id=current)

    result = runner.run(mod.main, args(kms_key_id=wanted))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret"]
    assert result.result["changed"] is False


# ---------------------------------------------------------------------------------------------
# Updating


def test_existing_secret_without_value_is_managed_without_reading_the_value(runner, sm):
    describe_found(sm, value=False, description="old", tags={"Project": "storytime"})
    sm.add_response("update_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": NAME, "Description": DESCRIPTION})
    sm.add_response("tag_resource", {}, {"SecretId": NAME, "Tags": [{"Key": "Environment", "Value": "unit"}]})

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "UpdateSecret", "TagResource"]
    assert result.result["changed_settings"] == ["description", "tags"]
    assert result.result["secret"]["has_value"] is False


def test_value_change_writes_only_a_new_version(runner, sm):
    describe_found(sm)
    current_value(sm, OLD_VALUE)
    put_value(sm)

    result = runner.run(mod.main, args(secret_string=VALUE))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "GetSecretValue", "PutSecretValue"]
    assert result.result["changed_settings"] == ["secret_string"]
    diff = result.result["diff"]
    assert diff["before"]["value"] == "(hidden)"
    assert diff["after"]["value"] == "(changed)"
    assert_secret_hidden(result)


def test_value_for_a_secret_without_value_is_written_without_reading(runner, sm):
    describe_found(sm, value=False)
    put_value(sm)

    result = runner.run(mod.main, args(secret_string=VALUE))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "PutSecretValue"]
    assert result.result["diff"]["before"]["value"] == "(none)"
    assert result.result["secret"]["has_value"] is True
    assert_secret_hidden(result)


def test_value_missing_despite_describe_counts_as_different(runner, sm):
    describe_found(sm)
    sm.add_client_error(
        "get_secret_value",
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
        400,
    )
    put_value(sm)

    result = runner.run(mod.main, args(secret_string=VALUE))

    assert not result.failed, result.result
    assert result.result["changed_settings"] == ["secret_string"]


def test_description_and_kms_key_change_through_update_secret_without_a_value(runner, sm):
    describe_found(sm, description="old")
    # Stubber compares the parameters exactly: no SecretString / SecretBinary is sent.
    sm.add_response(
        "update_secret",
        {"ARN": ARN, "Name": NAME},
        {"SecretId": NAME, "Description": DESCRIPTION, "KmsKeyId": "alias/storytime-unit"},
    )

    result = runner.run(mod.main, args(kms_key_id="alias/storytime-unit"))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "UpdateSecret"]
    assert result.result["changed_settings"] == ["description", "kms_key_id"]
    assert result.result["diff"]["before"]["description"] == "old"
    assert result.result["diff"]["after"]["description"] == DESCRIPTION
    assert result.result["secret"]["kms_key_id"] == "alias/storytime-unit"


def test_back_to_the_aws_managed_key(runner, sm):
    describe_found(sm, kms_key_id="alias/storytime-unit")
    sm.add_response("update_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": NAME, "KmsKeyId": ""})

    result = runner.run(mod.main, args(kms_key_id=""))

    assert not result.failed, result.result
    assert result.result["changed_settings"] == ["kms_key_id"]
    assert result.result["secret"]["kms_key_id"] is None


def test_description_left_alone_when_not_set(runner, sm):
    describe_found(sm, description="set by someone else")

    result = runner.run(mod.main, {"name": NAME})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["secret"]["description"] == "set by someone else"


def test_tags_are_purged_and_added(runner, sm):
    describe_found(sm, tags={"Project": "storytime", "Stale": "yes", "aws:cloudformation:stack-name": "x"})
    sm.add_response("untag_resource", {}, {"SecretId": NAME, "TagKeys": ["Stale"]})
    sm.add_response("tag_resource", {}, {"SecretId": NAME, "Tags": [{"Key": "Environment", "Value": "unit"}]})

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "UntagResource", "TagResource"]
    assert result.result["changed_settings"] == ["tags"]
    assert result.result["secret"]["tags"] == {**TAGS, "aws:cloudformation:stack-name": "x"}


def test_tags_are_kept_without_purge(runner, sm):
    describe_found(sm, tags={"Project": "storytime", "Other": "kept"})
    sm.add_response("tag_resource", {}, {"SecretId": NAME, "Tags": [{"Key": "Environment", "Value": "unit"}]})

    result = runner.run(mod.main, args(purge_tags=False))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "TagResource"]
    assert result.result["secret"]["tags"] == {**TAGS, "Other": "kept"}


def test_resource_policy_replaced_when_it_differs(runner, sm):
    describe_found(sm)
    sm.add_response("get_resource_policy", {"ARN": ARN, "Name": NAME})
    sm.add_response(
        "put_resource_policy",
        {"ARN": ARN, "Name": NAME},
        {"SecretId": NAME, "ResourcePolicy": json.dumps(POLICY), "BlockPublicPolicy": True},
    )

    result = runner.run(mod.main, args(resource_policy=json.dumps(POLICY)))

    assert not result.failed, result.result
    assert result.result["changed_settings"] == ["resource_policy"]
    assert result.result["diff"]["before"]["resource_policy"] is None
    assert result.result["diff"]["after"]["resource_policy"] == POLICY


@pytest.mark.parametrize("empty", ["{}", ""])
def test_empty_resource_policy_removes_it(runner, sm, empty):
    describe_found(sm)
    sm.add_response("get_resource_policy", {"ARN": ARN, "Name": NAME, "ResourcePolicy": json.dumps(POLICY)})
    sm.add_response("delete_resource_policy", {"ARN": ARN, "Name": NAME}, SECRET_ID)

    result = runner.run(mod.main, args(resource_policy=empty))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "GetResourcePolicy", "DeleteResourcePolicy"]
    assert result.result["secret"]["resource_policy"] is None


def test_secret_scheduled_for_deletion_is_restored_first(runner, sm):
    describe_found(sm, deleted=DELETION, description="old")
    sm.add_response("restore_secret", {"ARN": ARN, "Name": NAME}, SECRET_ID)
    sm.add_response("update_secret", {"ARN": ARN, "Name": NAME}, {"SecretId": NAME, "Description": DESCRIPTION})

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "RestoreSecret", "UpdateSecret"]
    assert result.result["changed_settings"] == ["restore", "description"]
    assert result.result["diff"]["before"]["deleted_date"] == DELETION.isoformat()
    assert result.result["diff"]["after"]["deleted_date"] is None
    assert result.result["secret"]["deleted_date"] is None


# ---------------------------------------------------------------------------------------------
# Check mode


def test_check_mode_predicts_a_new_secret_without_writing(runner, sm):
    describe_missing(sm)

    result = runner.run(mod.main, args(secret_string=VALUE, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret"]
    assert result.result["changed"] is True
    assert result.result["secret"]["arn"] is None
    assert result.result["secret"]["has_value"] is True
    assert result.result["secret"]["tags"] == TAGS
    assert_secret_hidden(result)


def test_check_mode_predicts_an_update_without_writing(runner, sm):
    describe_found(sm, description="old", tags={})
    current_value(sm, OLD_VALUE)

    result = runner.run(mod.main, args(secret_string=VALUE, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "GetSecretValue"]
    assert result.result["changed_settings"] == ["description", "tags", "secret_string"]
    assert result.result["secret"]["description"] == DESCRIPTION
    assert result.result["secret"]["tags"] == TAGS
    assert_secret_hidden(result)


def test_check_mode_on_a_scheduled_secret_predicts_the_restore(runner, sm):
    describe_found(sm, deleted=DELETION)
    marked = "You can't perform this operation on the secret because it was marked for deletion."
    sm.add_client_error("get_resource_policy", "InvalidRequestException", marked, 400)
    sm.add_client_error("get_secret_value", "InvalidRequestException", marked, 400)

    result = runner.run(
        mod.main, args(secret_string=VALUE, resource_policy=json.dumps(POLICY), _ansible_check_mode=True)
    )

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "GetResourcePolicy", "GetSecretValue"]
    assert result.result["changed_settings"] == ["restore", "resource_policy", "secret_string"]
    assert result.result["secret"]["deleted_date"] is None


def test_check_mode_delete_writes_nothing(runner, sm):
    describe_found(sm)

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret"]
    assert result.result["changed"] is True


# ---------------------------------------------------------------------------------------------
# Deleting


@pytest.mark.parametrize(
    ("window", "request_params"),
    [
        (30, {"RecoveryWindowInDays": 30}),
        (7, {"RecoveryWindowInDays": 7}),
        (0, {"ForceDeleteWithoutRecovery": True}),
    ],
)
def test_delete(runner, sm, window, request_params):
    describe_found(sm)
    sm.add_response(
        "delete_secret", {"ARN": ARN, "Name": NAME, "DeletionDate": DELETION}, {**SECRET_ID, **request_params}
    )

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "recovery_window_days": window})

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "DeleteSecret"]
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["arn"] == ARN
    assert result.result["diff"]["after"] == {}


@pytest.mark.parametrize("existing", ["missing", "scheduled"])
def test_absent_secret_is_a_no_op(runner, sm, existing):
    if existing == "missing":
        describe_missing(sm)
    else:
        describe_found(sm, deleted=DELETION)

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "recovery_window_days": 0})

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret"]
    assert result.result["changed"] is False


# ---------------------------------------------------------------------------------------------
# Retries, errors, input checks


def test_throttling_is_retried(runner, sm):
    sm.add_client_error("describe_secret", "ThrottlingException", "Rate exceeded", 400)
    describe_found(sm)
    sm.add_client_error("get_secret_value", "ThrottlingException", "Rate exceeded", 400)
    current_value(sm, VALUE)

    result = runner.run(mod.main, args(secret_string=VALUE))

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "DescribeSecret", "GetSecretValue", "GetSecretValue"]
    assert result.result["changed"] is False


def test_failed_write_reports_the_error_without_the_value(runner, sm):
    describe_found(sm)
    current_value(sm, OLD_VALUE)
    sm.add_client_error("put_secret_value", "AccessDeniedException", "User is not authorized", 400)

    result = runner.run(mod.main, args(secret_string=VALUE))

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to put a new value in secret {NAME}")
    assert_secret_hidden(result)


def test_access_denied_on_describe_fails_with_a_message(runner, sm):
    sm.add_client_error("describe_secret", "AccessDeniedException", "User is not authorized", 400)

    result = runner.run(mod.main, args())

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to describe secret {NAME}")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"name": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"}, "may contain only ASCII letters"),
        ({"name": "storytime/ünit"}, "may contain only ASCII letters"),
        ({"name": "x" * 513}, "at most 512 characters"),
        ({"description": "d" * 2049}, "at most 2048 characters"),
        ({"secret_string": ""}, "secret_string must be 1 to 65536 characters long"),
        ({"recovery_window_days": 5}, "recovery_window_days must be 0"),
        ({"recovery_window_days": 31}, "recovery_window_days must be 0"),
        ({"resource_policy": "[1, 2]"}, "resource_policy must be a JSON object"),
    ],
)
def test_bad_options_fail_before_any_aws_call(runner, extra, message):
    result = runner.run(mod.main, args(**extra))

    assert result.failed
    assert message in result.result["msg"]
    assert runner.client_requests == []


def test_long_secret_string_is_refused_without_quoting_it(runner):
    result = runner.run(mod.main, args(secret_string=VALUE * 1000))

    assert result.failed
    assert "secret_string must be 1 to 65536 characters long" in result.result["msg"]
    assert_secret_hidden(result)


def test_name_that_looks_like_an_arn_suffix_is_warned_about(runner, sm):
    name = "storytime/unit/key-abcdef"
    sm.add_response("describe_secret", {**described(), "Name": name}, {"SecretId": name})

    result = runner.run(mod.main, {"name": name})

    assert not result.failed, result.result
    assert any("hyphen followed by six characters" in w for w in runner.warnings)


def test_create_answered_resource_exists_adopts_the_secret(runner, sm):
    """CreateSecret sent again after a lost response (or made first by another run) answers
    ResourceExistsException: the secret is described again and converged, not created twice."""
    describe_missing(sm)
    sm.add_client_error("create_secret", "ResourceExistsException", http_status_code=400)
    describe_found(sm, value=False, tags=TAGS)

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert sm.operations == ["DescribeSecret", "CreateSecret", "DescribeSecret"]
    assert result.result["changed"] is True
    assert result.result["changed_settings"] == ["secret"]
    assert result.result["secret"]["arn"] == ARN
    assert result.result["diff"]["before"] == {}
