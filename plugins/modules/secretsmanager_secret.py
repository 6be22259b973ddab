#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: secretsmanager_secret
version_added: 0.1.0
short_description: Manage a Secrets Manager secret's container and, only when asked, its value
description:
  - Creates, updates, restores or deletes an AWS Secrets Manager secret, found by O(name).
  - The secret's B(container) (description, KMS key, tags, resource policy) is managed apart from its B(value).
    Without O(secret_string) the module never reads or writes the value (it calls neither C(GetSecretValue) nor
    C(PutSecretValue)). A new secret is created without any version, and an existing secret, with or without a
    value, keeps its value untouched. This is the way to manage a secret whose value is put there by someone else
    (an injection playbook, CI, an operator), which C(community.aws.secretsmanager_secret) cannot do.
  - With O(secret_string) the current value is read and compared, and a new version is written only when it
    differs. A secret without a current (C(AWSCURRENT)) version counts as different.
  - The value never appears in the result, the diff, warnings or error messages; the diff only says whether the
    value is, or would be, changed.
  - Description and KMS key changes go through C(UpdateSecret) without a value, so they never create a version.
  - A secret scheduled for deletion is restored (C(RestoreSecret)) by O(state=present); the result lists
    C(restore) in RV(changed_settings) and the diff shows RV(secret.deleted_date) going to null.
  - A second identical run makes one read (C(DescribeSecret)), plus C(GetResourcePolicy) when O(resource_policy)
    is set and C(GetSecretValue) when O(secret_string) is set, and no write. Check mode predicts the result
    without writing; C(--diff) shows the secret before and after.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description:
      - Name of the secret, for example V(storytime/prod/cloudfront_private_key). Not an ARN.
      - 1 to 512 characters out of ASCII letters, digits and C(/_+=.@-).
      - AWS advises against names that end with a hyphen followed by six characters, which are mistaken for the
        random suffix Secrets Manager appends to the ARN; the module warns about such a name.
    type: str
    required: true
  state:
    description:
      - Whether the secret should exist.
      - V(absent) schedules the deletion (see O(recovery_window_days)). A secret that does not exist or that is
        already scheduled for deletion is left as it is.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the secret (at most 2048 characters). V("") removes it.
      - When not set, an existing description is left as it is.
    type: str
  kms_key_id:
    description:
      - KMS key (key ID, key ARN, alias name C(alias/...) or alias ARN) that encrypts the secret's versions.
      - V("") means the AWS managed key C(aws/secretsmanager), which is also what a secret gets when this option
        is not set at creation.
      - When not set, the key of an existing secret is left as it is.
      - The key is compared with the one C(DescribeSecret) reports (a key ID or an alias ARN); give it in the same
        form (an alias matches its alias ARN and a key ID its key ARN, but an alias is never resolved to a key).
    type: str
  resource_policy:
    description:
      - The resource-based policy of the secret (JSON document or YAML mapping). It replaces the current policy
        when the two differ (compared as policies, so the order of statements, actions and principals does not matter).
      - V({}) or V("") removes the policy.
      - When not set, the policy is neither read nor changed.
      - The policy is put with C(BlockPublicPolicy=true), so AWS refuses a policy that would grant broad
        (public or cross-account wildcard) access to the secret.
    type: json
  secret_string:
    description:
      - The value of the secret (1 to 65536 characters).
      - When set, the current value is read and a new version is written when it differs.
      - When not set, the value is never read nor written (the container is managed alone).
    type: str
  recovery_window_days:
    description:
      - With O(state=absent), days (7 to 30) during which the deleted secret can still be restored.
      - V(0) deletes the secret at once, without recovery (C(ForceDeleteWithoutRecovery)).
    type: int
    default: 30
notes:
  - Rotation and replication to other regions are not managed; a secret's rotation or replica settings are left
    as they are.
  - Secrets Manager keeps a deleted name reserved until the recovery window ends; O(state=present) on that name
    restores the old secret rather than creating a new one.
  - A secret already scheduled for deletion is not deleted again by O(state=absent), not even with
    O(recovery_window_days=0); restore it with O(state=present) first to delete it at once.
  - Nothing of a secret scheduled for deletion can be read but its metadata, so in check mode a set
    O(resource_policy) or O(secret_string) is predicted as changed for such a secret.
  - >-
    Why this module and not M(community.aws.secretsmanager_secret) (11.2.0): it always manages the value (an
    empty string by default) and reads it with C(GetSecretValue) on every run, so it can neither keep a
    container without a value nor leave alone a value written by a rotation; without C(resource_policy) it
    deletes an existing policy; in check mode it reports changes without a diff.
seealso:
  - name: Secrets Manager API reference
    description: CreateSecret, UpdateSecret, PutSecretValue, DeleteSecret, RestoreSecret.
    link: https://docs.aws.amazon.com/secretsmanager/latest/apireference/Welcome.html
  - module: community.aws.secretsmanager_secret
  - plugin: amazon.aws.secretsmanager_secret
    plugin_type: lookup
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The prod private-key secret, container only (the value is injected out of band)
  storytime.video_infra.secretsmanager_secret:
    name: storytime/prod/cloudfront_private_key
    description: CloudFront signing key pair (JSON key_pair_id, private_key_pem)
    kms_key_id: alias/storytime-prod
    tags:
      Project: storytime
      Environment: prod
  register: private_key_secret

- name: Only the Rails role may read the secret
  storytime.video_infra.secretsmanager_secret:
    name: storytime/prod/cloudfront_private_key
    resource_policy:
      Version: "2012-10-17"
      Statement:
        - Sid: DenyOtherPrincipals
          Effect: Deny
          Principal: "*"
          Action: secretsmanager:GetSecretValue
          Resource: "*"
          Condition:
            ArnNotEquals:
              aws:PrincipalArn: arn:aws:iam::123456789012:role/storytime-rails

- name: Remove the resource policy again
  storytime.video_infra.secretsmanager_secret:
    name: storytime/prod/cloudfront_private_key
    resource_policy: {}

- name: A secret with a value (written only when it differs)
  storytime.video_infra.secretsmanager_secret:
    name: storytime/dev/api_token
    secret_string: "{{ vault_api_token }}"

- name: Delete a secret, restorable for 7 days
  storytime.video_infra.secretsmanager_secret:
    name: storytime/dev/api_token
    state: absent
    recovery_window_days: 7

- name: Delete a secret at once, without recovery
  storytime.video_infra.secretsmanager_secret:
    name: storytime/dev/api_token
    state: absent
    recovery_window_days: 0
"""

RETURN = r"""
secret:
  description:
    - The secret after the task (predicted in check mode). Never contains the value.
  returned: when O(state=present)
  type: complex
  contains:
    arn:
      description: ARN of the secret. V(null) in check mode when the secret would be created.
      type: str
      returned: always
      sample: arn:aws:secretsmanager:eu-west-1:123456789012:secret:storytime/prod/cloudfront_private_key-AbCdEf
    name:
      description: Name of the secret.
      type: str
      returned: always
      sample: storytime/prod/cloudfront_private_key
    description:
      description: Description (empty when there is none).
      type: str
      returned: always
      sample: CloudFront signing key pair
    kms_key_id:
      description: KMS key that encrypts the secret, V(null) for the AWS managed key C(aws/secretsmanager).
      type: str
      returned: always
      sample: alias/storytime-prod
    tags:
      description: Tags of the secret.
      type: dict
      returned: always
      sample: {"Project": "storytime", "Environment": "prod"}
    has_value:
      description: Whether the secret has a current (C(AWSCURRENT)) version, that is a value.
      type: bool
      returned: always
      sample: false
    deleted_date:
      description: When the secret is scheduled to be deleted (ISO 8601), V(null) when it is not.
      type: str
      returned: always
      sample: null
    resource_policy:
      description: The resource policy, V(null) when there is none.
      type: dict
      returned: when O(resource_policy) is set
changed_settings:
  description:
    - What was (or in check mode would be) changed, V(secret) for a secret that was created, V(restore) for a
      secret whose scheduled deletion was cancelled, otherwise the names of the options whose setting changed
      (V(description), V(kms_key_id), V(tags), V(resource_policy), V(secret_string) for the value).
  returned: always
  type: list
  elements: str
  sample: [description, tags]
"""

import json
import re
import uuid

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import create_or_adopt
from ansible_collections.storytime.video_infra.plugins.module_utils.common import run_by_state

NAME_PATTERN = re.compile(r"^[A-Za-z0-9/_+=.@-]+$")
# Secrets Manager appends "-" and six random characters to the name in the ARN.
ARN_SUFFIX_LOOKALIKE = re.compile(r"-.{6}$")
MAX_NAME = 512
MAX_DESCRIPTION = 2048
MAX_SECRET_STRING = 65536
AWS_MANAGED_KEY = "alias/aws/secretsmanager"
CURRENT_STAGE = "AWSCURRENT"
# Secrets Manager answers throttling with ThrottlingException, which AWSRetry does not catch by default.
RETRY_CODES = ["ThrottlingException"]
# The order in which changes are written: the restore first (nothing can be changed on a secret scheduled for
# deletion), the KMS key before the value (so a new version is encrypted with the new key).
SETTINGS = ("restore", "description", "kms_key_id", "tags", "resource_policy", "secret_string")
# Markers shown in the diff instead of the value.
VALUE_NONE = "(none)"
VALUE_HIDDEN = "(hidden)"
VALUE_CHANGED = "(changed)"
VALUE_UNCHANGED = "(unchanged)"


MISSING_VALUE_CODES = ("ResourceNotFoundException",)


class SecretError(StorytimeError):
    """A failed Secrets Manager call or a refused request; the message never includes the secret value."""


class SecretErrorHandler(StorytimeErrorHandler):
    """Secrets Manager calls: SecretError, and ResourceNotFoundException for a secret that does not exist."""

    _CUSTOM_EXCEPTION = SecretError
    MISSING_CODES = ("ResourceNotFoundException",)


aws_call = SecretErrorHandler.call


# ---------------------------------------------------------------------------------------------
# Reading


def describe(client, name):
    """DescribeSecret of ``name``, or ``None`` when there is no such secret."""
    return SecretErrorHandler.call_or_none(f"describe secret {name}", client.describe_secret, SecretId=name)


def isoformat(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def state_of(response):
    """The managed state of a secret from its DescribeSecret response (no value, no policy)."""
    stages = response.get("VersionIdsToStages") or {}
    return {
        "arn": response.get("ARN"),
        "name": response.get("Name"),
        "description": response.get("Description") or "",
        "kms_key_id": response.get("KmsKeyId") or None,
        "tags": boto3_tag_list_to_ansible_dict(response.get("Tags") or []),
        "has_value": any(CURRENT_STAGE in (labels or []) for labels in stages.values()),
        "deleted_date": isoformat(response.get("DeletedDate")),
    }


def read_policy(client, name, tolerate_deleted=False):
    """The secret's resource policy as a dict, ``None`` when it has none.

    ``tolerate_deleted``: a secret scheduled for deletion cannot be read (InvalidRequestException); in check mode
    that counts as having no policy, so a wanted policy is predicted as a change."""
    read = (
        SecretErrorHandler.tolerating("InvalidRequestException").call_or_none
        if tolerate_deleted
        else SecretErrorHandler.call
    )
    response = read(f"get the resource policy of secret {name}", client.get_resource_policy, SecretId=name)
    if response is None:
        return None
    document = response.get("ResourcePolicy")
    if not document:
        return None
    return json.loads(document)


def value_differs(client, name, wanted, current, tolerate_deleted=False):
    """Whether the secret's current value differs from ``wanted``.

    A secret without an AWSCURRENT version (known from DescribeSecret, so no read is needed) differs. The value
    read is compared here and dropped: it never leaves this function. ``tolerate_deleted`` as in
    :func:`read_policy`: an unreadable secret scheduled for deletion counts as different."""
    if not current["has_value"]:
        return True
    # ResourceNotFoundException: no current version after all.
    codes = ("ResourceNotFoundException", "InvalidRequestException") if tolerate_deleted else MISSING_VALUE_CODES
    response = SecretErrorHandler.tolerating(*codes).call_or_none(
        f"get the value of secret {name}", client.get_secret_value, SecretId=name
    )
    if response is None:
        return True
    return response.get("SecretString") != wanted


# ---------------------------------------------------------------------------------------------
# Comparing


def kms_key_ref(key):
    """A comparable form of a KMS key reference; ``None`` for the AWS managed key."""
    if not key:
        return None
    if key.startswith("arn:"):
        resource = key.split(":", 5)[-1]
    elif key.startswith("alias/"):
        resource = key
    else:
        resource = f"key/{key}"
    if resource == AWS_MANAGED_KEY:
        return None
    return resource


def reported_kms_key(wanted):
    """What DescribeSecret is expected to report after ``wanted`` is set: ``None`` for the AWS managed key."""
    return wanted if kms_key_ref(wanted) else None


def kms_keys_match(current, wanted):
    if current and wanted and current.startswith("arn:") and wanted.startswith("arn:"):
        return current == wanted
    return kms_key_ref(current) == kms_key_ref(wanted)


def wanted_policy(params):
    """The wanted resource policy: a dict, or ``None`` to have none. Only meaningful when the option is set."""
    document = params["resource_policy"]
    if document is None or not document.strip():
        return None
    policy = json.loads(document)
    return policy or None


def policies_differ(current, wanted):
    if current is None or wanted is None:
        return current is not wanted
    return compare_policies(current, wanted)


def final_tags(current, params):
    """``(to_set, to_unset, tags after)``; nothing to do when O(tags) is not set."""
    if params["tags"] is None:
        return {}, [], current
    to_set, to_unset = compare_aws_tags(current, params["tags"], params["purge_tags"])
    tags = {k: v for k, v in current.items() if k not in to_unset}
    tags.update(to_set)
    return to_set, to_unset, tags


# ---------------------------------------------------------------------------------------------
# Results


def with_value_marker(state, marker):
    result = dict(state)
    result["value"] = marker
    return result


def present_result(params, changed_settings, before, after):
    result = {"changed": bool(changed_settings), "changed_settings": changed_settings, "secret": after}
    if changed_settings:
        diff_before, diff_after = before, after
        if params["secret_string"] is not None:
            value_changed = "secret_string" in changed_settings
            if before:
                diff_before = with_value_marker(before, VALUE_HIDDEN if before["has_value"] else VALUE_NONE)
            diff_after = with_value_marker(after, VALUE_CHANGED if value_changed else VALUE_UNCHANGED)
        result["diff"] = {"before": diff_before or {}, "after": diff_after}
    return result


# ---------------------------------------------------------------------------------------------
# Writing


def create(module, client):
    """Create the secret, with its value only when O(secret_string) is set."""
    params = module.params
    name = params["name"]
    policy = wanted_policy(params) if params["resource_policy"] is not None else None
    after = {
        "arn": None,
        "name": name,
        "description": params["description"] or "",
        "kms_key_id": reported_kms_key(params["kms_key_id"]),
        "tags": dict(params["tags"] or {}),
        "has_value": params["secret_string"] is not None,
        "deleted_date": None,
    }
    if params["resource_policy"] is not None:
        after["resource_policy"] = policy
    changed_settings = ["secret"] + [
        setting
        for setting in ("description", "kms_key_id", "tags", "secret_string")
        if params[setting] not in (None, "", {})
    ]
    if policy is not None:
        changed_settings.append("resource_policy")

    if not module.check_mode:
        request = {"Name": name}
        if params["description"]:
            request["Description"] = params["description"]
        if params["kms_key_id"]:
            request["KmsKeyId"] = params["kms_key_id"]
        if params["tags"]:
            request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
        if params["secret_string"] is not None:
            request["SecretString"] = params["secret_string"]
        # A create sent again after a lost response (or racing another run) answers ResourceExistsException:
        # adopt the secret and converge it like an existing one (reported as created).
        created, response = create_or_adopt(
            lambda: aws_call(f"create secret {name}", client.create_secret, **request),
            lambda: describe(client, name),
            "ResourceExistsException",
        )
        if not created:
            adopted = update(module, client, response)
            settings = ["secret"] + [s for s in adopted["changed_settings"] if s != "secret"]
            return present_result(params, settings, {}, adopted["secret"])
        after["arn"] = response["ARN"]
        if policy is not None:
            put_policy(client, name, policy)
    return present_result(params, changed_settings, {}, after)


def put_policy(client, name, policy):
    if policy is None:
        aws_call(f"delete the resource policy of secret {name}", client.delete_resource_policy, SecretId=name)
    else:
        aws_call(
            f"put the resource policy of secret {name}",
            client.put_resource_policy,
            SecretId=name,
            ResourcePolicy=json.dumps(policy),
            BlockPublicPolicy=True,
        )


def update(module, client, found):
    """Bring an existing secret (maybe scheduled for deletion) to the wanted state."""
    params = module.params
    name = params["name"]
    current = state_of(found)
    scheduled = current["deleted_date"] is not None
    changed = []
    if scheduled:
        changed.append("restore")
        if not module.check_mode:
            # Nothing else can be read or changed on a secret scheduled for deletion.
            aws_call(f"restore secret {name}", client.restore_secret, SecretId=name)

    after = dict(current, deleted_date=None)
    unreadable = scheduled and module.check_mode
    if params["resource_policy"] is not None:
        current["resource_policy"] = read_policy(client, name, tolerate_deleted=unreadable)
        after["resource_policy"] = wanted_policy(params)
        if policies_differ(current["resource_policy"], after["resource_policy"]):
            changed.append("resource_policy")
    if params["description"] is not None and params["description"] != current["description"]:
        changed.append("description")
        after["description"] = params["description"]
    if params["kms_key_id"] is not None and not kms_keys_match(current["kms_key_id"], params["kms_key_id"]):
        changed.append("kms_key_id")
        after["kms_key_id"] = reported_kms_key(params["kms_key_id"])
    to_set, to_unset, after["tags"] = final_tags(current["tags"], params)
    if to_set or to_unset:
        changed.append("tags")
    if params["secret_string"] is not None:
        if value_differs(client, name, params["secret_string"], current, tolerate_deleted=unreadable):
            changed.append("secret_string")
        after["has_value"] = True
    changed = [setting for setting in SETTINGS if setting in changed]

    if not module.check_mode:
        request = {}
        if "description" in changed:
            request["Description"] = params["description"]
        if "kms_key_id" in changed:
            # "" selects the AWS managed key aws/secretsmanager.
            request["KmsKeyId"] = params["kms_key_id"]
        if request:
            # Without SecretString: the value is left untouched and no version is created.
            aws_call(f"update secret {name}", client.update_secret, SecretId=name, **request)
        if to_unset:
            aws_call(f"untag secret {name}", client.untag_resource, SecretId=name, TagKeys=list(to_unset))
        if to_set:
            aws_call(
                f"tag secret {name}", client.tag_resource, SecretId=name, Tags=ansible_dict_to_boto3_tag_list(to_set)
            )
        if "resource_policy" in changed:
            put_policy(client, name, after["resource_policy"])
        if "secret_string" in changed:
            # One token per task: a retried call cannot create a second version.
            aws_call(
                f"put a new value in secret {name}",
                client.put_secret_value,
                SecretId=name,
                SecretString=params["secret_string"],
                ClientRequestToken=str(uuid.uuid4()),
            )
    return present_result(params, changed, current, after)


def ensure_present(module, client):
    found = describe(client, module.params["name"])
    if found is None:
        return create(module, client)
    return update(module, client, found)


def ensure_absent(module, client):
    name = module.params["name"]
    found = describe(client, name)
    if found is None or found.get("DeletedDate"):
        return {"changed": False, "changed_settings": []}
    before = state_of(found)
    if not module.check_mode:
        window = module.params["recovery_window_days"]
        if window == 0:
            request = {"ForceDeleteWithoutRecovery": True}
        else:
            request = {"RecoveryWindowInDays": window}
        aws_call(f"delete secret {name}", client.delete_secret, SecretId=name, **request)
    return {"changed": True, "changed_settings": ["secret"], "diff": {"before": before, "after": {}}}


# ---------------------------------------------------------------------------------------------
# Options


def validate_params(params):
    """Problems with the options, found before any AWS call. Never quotes the secret value."""
    problems = []
    name = params["name"]
    if not name:
        problems.append("name must not be empty")
    elif len(name) > MAX_NAME:
        problems.append(f"name must be at most {MAX_NAME} characters long, got {len(name)}")
    elif not NAME_PATTERN.match(name):
        problems.append(f"name {name!r} may contain only ASCII letters, digits and /_+=.@- (it is a name, not an ARN)")
    if params["description"] is not None and len(params["description"]) > MAX_DESCRIPTION:
        problems.append(f"description must be at most {MAX_DESCRIPTION} characters long")
    secret_string = params["secret_string"]
    if secret_string is not None and not 1 <= len(secret_string) <= MAX_SECRET_STRING:
        problems.append(f"secret_string must be 1 to {MAX_SECRET_STRING} characters long, got {len(secret_string)}")
    window = params["recovery_window_days"]
    if window != 0 and not 7 <= window <= 30:
        problems.append(f"recovery_window_days must be 0 (delete without recovery) or 7 to 30, got {window}")
    if params["resource_policy"] is not None:
        try:
            policy = wanted_policy(params)
        except ValueError:
            problems.append("resource_policy is not a JSON document")
        else:
            if policy is not None and not isinstance(policy, dict):
                problems.append("resource_policy must be a JSON object (a policy document), {} or '' to remove it")
    return problems


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        kms_key_id=dict(type="str", no_log=False),
        resource_policy=dict(type="json"),
        secret_string=dict(type="str", no_log=True),
        recovery_window_days=dict(type="int", default=30),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    problems = validate_params(module.params)
    if problems:
        module.fail_json(msg="Invalid options: " + "; ".join(problems), problems=problems)
    if ARN_SUFFIX_LOOKALIKE.search(module.params["name"]):
        module.warn(
            f"Secret name {module.params['name']} ends with a hyphen followed by six characters, which Secrets"
            " Manager can mistake for the random suffix of an ARN when the secret is looked up by partial ARN."
        )

    client = module.client(
        "secretsmanager", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES)
    )
    run_by_state(module, ensure_present, ensure_absent, client)


if __name__ == "__main__":
    main()
