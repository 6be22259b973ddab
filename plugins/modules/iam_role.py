#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_role
version_added: 0.2.0
short_description: Manage an IAM role's trust policy, description, attached managed policies and tags
description:
  - Creates, updates or deletes an IAM role, or attaches managed policies to a role that exists already.
  - The role is read with one C(GetRole), which also answers its trust policy, description, path and tags, and its
    attached managed policies with one C(ListAttachedRolePolicies). A second identical run makes these two reads
    and no write.
  - With O(assume_role_policy_document) the role is created when it does not exist and its trust policy is kept as
    declared (compared as a policy, not as text). Without it the trust policy is not managed and the role must
    exist; the task then only attaches policies (and manages the description and tags when they are given).
  - The attached managed policies are owned exclusively by default (O(purge_managed_policies=true)); a policy
    attached out of band is reported by check mode and detached.
  - A create whose answer was lost (botocore sends it again) or that another run made first answers
    C(EntityAlreadyExists); the module then reads the role and converges it like any existing role.
  - Deleting the role first detaches its managed policies, deletes its inline policies and removes it from its
    instance profiles, as C(DeleteRole) requires.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description: Name of the role.
    type: str
    required: true
  state:
    description: Whether the role should exist.
    type: str
    choices: [present, absent]
    default: present
  path:
    description:
      - Path of the role, used only when the role is created. IAM cannot change the path of a role, so a role that
        exists under another path fails the task.
    type: str
    default: /
  description:
    description:
      - Description of the role. When not set, the description is neither read nor changed.
    type: str
  assume_role_policy_document:
    description:
      - The trust policy, as a mapping or as a JSON document.
      - When not set, the trust policy is not managed and the role must exist (the task attaches policies to it).
    type: json
  managed_policy_arns:
    description:
      - ARNs of the managed policies attached to the role. When not set, the attached policies are neither read nor
        changed.
    type: list
    elements: str
  purge_managed_policies:
    description:
      - Detach every managed policy not in O(managed_policy_arns). V(false) keeps the role's other policies.
    type: bool
    default: true
notes:
  - >-
    Why this module and not M(amazon.aws.iam_role) (amazon.aws 11.4.0): that module prints a deprecation warning on
    every call, whatever its options (C(assume_role_policy_document_raw)); it reads the role and its attached
    policies twice on a no-op where one C(GetRole) and one C(ListAttachedRolePolicies) answer everything; and a
    create that meets C(EntityAlreadyExists) fails, so the iam_roles role had to retry the task. Measured on a
    no-op of site.yml, the MediaConvert role's task made GetRole x2 and ListAttachedRolePolicies x2 with the stock
    module; it makes GetRole x1 and ListAttachedRolePolicies x1 here.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Service role that MediaConvert assumes, with exactly one managed policy
  storytime.video_infra.iam_role:
    name: storytime-dev-mediaconvert
    description: Assumed by MediaConvert to run dev jobs
    assume_role_policy_document:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal:
            Service: mediaconvert.amazonaws.com
          Action: sts:AssumeRole
    managed_policy_arns:
      - arn:aws:iam::123456789012:policy/storytime-dev-mediaconvert-access
    tags:
      Project: storytime

- name: Attach a policy to a role made elsewhere, keeping its other policies and its trust policy
  storytime.video_infra.iam_role:
    name: storytime-prod-rails
    managed_policy_arns:
      - arn:aws:iam::123456789012:policy/storytime-prod-rails-app
    purge_managed_policies: false

- name: Delete the role
  storytime.video_infra.iam_role:
    name: storytime-dev-mediaconvert
    state: absent
"""

RETURN = r"""
iam_role:
  description: The role after the task (predicted in check mode).
  returned: when O(state=present)
  type: complex
  contains:
    role_name:
      description: Name of the role.
      type: str
      returned: always
      sample: storytime-dev-mediaconvert
    arn:
      description: ARN of the role. In check mode, for a role that would be created, the ARN IAM will give it (the
        account from STS C(GetCallerIdentity)).
      type: str
      returned: always
      sample: arn:aws:iam::123456789012:role/storytime-dev-mediaconvert
    path:
      description: Path of the role.
      type: str
      returned: always
      sample: /
    description:
      description: Description of the role.
      type: str
      returned: always
    assume_role_policy_document:
      description: The trust policy.
      type: dict
      returned: always
    managed_policy_arns:
      description: ARNs of the attached managed policies, sorted.
      type: list
      elements: str
      returned: always
    tags:
      description: Tags of the role.
      type: dict
      returned: always
"""

import json
from urllib.parse import unquote

from ansible_collections.amazon.aws.plugins.module_utils.iam import detach_iam_role_policy
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_iam_role
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_instance_profiles
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_role_attached_policies
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_role_policies
from ansible_collections.amazon.aws.plugins.module_utils.iam import remove_role_from_iam_instance_profile
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import apply_tags
from ansible_collections.storytime.video_infra.plugins.module_utils.common import create_or_adopt
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result
from ansible_collections.storytime.video_infra.plugins.module_utils.common import run_by_state
from ansible_collections.storytime.video_infra.plugins.module_utils.common import string_map


class IAMRoleError(StorytimeError):
    """A failed IAM call (``exception`` set) or a refused request (``exception`` None)."""


class IAMRoleErrorHandler(StorytimeErrorHandler):
    """The writes amazon.aws's ``module_utils.iam`` has no helper for: IAMRoleError, and NoSuchEntity for a role (or
    an inline policy) that does not exist. The reads, the detaching and the instance profiles use its helpers."""

    _CUSTOM_EXCEPTION = IAMRoleError
    MISSING_CODES = ("NoSuchEntity",)


call = IAMRoleErrorHandler.call
call_or_none = IAMRoleErrorHandler.call_or_none


def attached_policy_arns(client, name):
    return sorted(policy["PolicyArn"] for policy in list_iam_role_attached_policies(client, name))


def trust_policy(role):
    """The role's trust policy as a mapping (botocore decodes it; an URL-encoded string is decoded here too)."""
    document = role.get("AssumeRolePolicyDocument")
    if isinstance(document, str):
        return json.loads(unquote(document))
    return document


def to_result(name, arn, *, path, description, trust, policies, tags):
    return {
        "role_name": name,
        "arn": arn,
        "path": path,
        "description": description or "",
        "assume_role_policy_document": trust,
        "managed_policy_arns": sorted(policies),
        "tags": dict(tags),
    }


def described(role, policies):
    """The role as IAM describes it (GetRole), with its attached managed policies."""
    return to_result(
        role["RoleName"],
        role["Arn"],
        path=role.get("Path", "/"),
        description=role.get("Description"),
        trust=trust_policy(role),
        policies=policies,
        tags=boto3_tag_list_to_ansible_dict(role.get("Tags") or []),
    )


def ensure_policies(module, client, name, current, desired):
    """Attach the declared policies that are missing, detach the others (with purge_managed_policies).
    Returns ``(changed, final_policy_arns)``."""
    if desired is None:
        return False, current
    to_attach = sorted(set(desired) - set(current))
    to_detach = sorted(set(current) - set(desired)) if module.params["purge_managed_policies"] else []
    if not module.check_mode:
        for arn in to_detach:
            # Detached in between (another run, or by hand): amazon.aws's helper answers False, nothing left to do.
            detach_iam_role_policy(client, arn, name)
        for arn in to_attach:
            call(f"attach {arn} to role {name}", client.attach_role_policy, RoleName=name, PolicyArn=arn)
    final = sorted((set(current) - set(to_detach)) | set(to_attach))
    return bool(to_attach or to_detach), final


def predicted_arn(module):
    """The ARN IAM gives a new role (``arn:<partition>:iam::<account>:role<path><name>``), for check mode: the account
    comes from one STS GetCallerIdentity, made only then."""
    account_id, partition = get_aws_account_info(module)
    return f"arn:{partition}:iam::{account_id}:role{module.params['path']}{module.params['name']}"


def create_role(module, client, trust, tags):
    """``(True, role)`` for a role this call created, ``(False, role)`` for one that exists already (another run made
    it, or this call's first attempt did and its answer was lost)."""
    params = module.params
    request = {
        "RoleName": params["name"],
        "Path": params["path"],
        "AssumeRolePolicyDocument": json.dumps(trust, sort_keys=True),
    }
    if params["description"]:
        request["Description"] = params["description"]
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(dict(sorted(tags.items())))
    return create_or_adopt(
        lambda: call(f"create role {params['name']}", client.create_role, **request)["Role"],
        lambda: get_iam_role(client, params["name"]),
        "EntityAlreadyExists",
    )


def ensure_present(module, client):
    params = module.params
    name = params["name"]
    trust = json.loads(params["assume_role_policy_document"]) if params["assume_role_policy_document"] else None
    tags = string_map("tags", params["tags"], IAMRoleError)
    policies = sorted(set(params["managed_policy_arns"])) if params["managed_policy_arns"] is not None else None

    role = get_iam_role(client, name)
    if role is None:
        if trust is None:
            raise IAMRoleError(
                f"Role {name} does not exist. Without assume_role_policy_document this task only attaches policies"
                " to a role that exists."
            )
        if module.check_mode:
            predicted = to_result(
                name,
                predicted_arn(module),
                path=params["path"],
                description=params["description"],
                trust=trust,
                policies=policies or [],
                tags=tags or {},
            )
            return present_result("iam_role", True, None, predicted)
        created, role = create_role(module, client, trust, tags)
        if created:
            _changed, final = ensure_policies(module, client, name, [], policies)
            after = described(role, final)
            after["tags"] = tags or {}
            return present_result("iam_role", True, None, after)

    if role.get("Path", "/") != params["path"] and trust is not None:
        raise IAMRoleError(
            f"Role {name} exists under path {role.get('Path')}, not {params['path']}; IAM cannot move a role."
        )
    current_policies = attached_policy_arns(client, name)
    before = described(role, current_policies)
    changed = False
    final_trust = before["assume_role_policy_document"]
    if trust is not None and compare_policies(final_trust, trust):
        changed, final_trust = True, trust
        if not module.check_mode:
            call(
                f"update the trust policy of role {name}",
                client.update_assume_role_policy,
                RoleName=name,
                PolicyDocument=json.dumps(trust, sort_keys=True),
            )
    final_description = before["description"]
    if params["description"] is not None and params["description"] != final_description:
        changed, final_description = True, params["description"]
        if not module.check_mode:
            call(f"update role {name}", client.update_role, RoleName=name, Description=params["description"])
    policies_changed, final_policies = ensure_policies(module, client, name, current_policies, policies)
    tags_changed, final_tags = apply_tags(
        before["tags"],
        tags,
        purge=params["purge_tags"],
        check_mode=module.check_mode,
        untag=lambda keys: call(f"untag role {name}", client.untag_role, RoleName=name, TagKeys=keys),
        tag=lambda new: call(
            f"tag role {name}", client.tag_role, RoleName=name, Tags=ansible_dict_to_boto3_tag_list(new)
        ),
    )
    after = to_result(
        name,
        role["Arn"],
        path=before["path"],
        description=final_description,
        trust=final_trust,
        policies=final_policies,
        tags=final_tags,
    )
    return present_result("iam_role", changed or policies_changed or tags_changed, before, after)


def ensure_absent(module, client):
    name = module.params["name"]
    role = get_iam_role(client, name)
    if role is None:
        return {"changed": False}
    policies = attached_policy_arns(client, name)
    before = described(role, policies)
    if not module.check_mode:
        for arn in policies:
            detach_iam_role_policy(client, arn, name)
        for policy_name in list_iam_role_policies(client, name):
            call_or_none(
                f"delete inline policy {policy_name} of role {name}",
                client.delete_role_policy,
                RoleName=name,
                PolicyName=policy_name,
            )
        for profile in list_iam_instance_profiles(client, role=name):
            remove_role_from_iam_instance_profile(client, profile["InstanceProfileName"], name)
        # Already gone (another run deleted it in between): nothing left to do.
        call_or_none(f"delete role {name}", client.delete_role, RoleName=name)
    return {"changed": True, "diff": {"before": before, "after": {}}}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        path=dict(type="str", default="/"),
        description=dict(type="str"),
        assume_role_policy_document=dict(type="json"),
        managed_policy_arns=dict(type="list", elements="str"),
        purge_managed_policies=dict(type="bool", default=True),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not module.params["name"]:
        module.fail_json(msg="name must not be empty")
    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    run_by_state(module, ensure_present, ensure_absent, client)


if __name__ == "__main__":
    main()
