# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_iam_principal
author:
  - Storytime infrastructure team (@storytime)
short_description: An IAM role or user by name (one GetRole or GetUser)
version_added: 1.1.0
description:
  - Calls IAM C(GetRole) or C(GetUser) once, from the controller, and returns whether the principal exists, its ARN
    (with its path, as C(aws:PrincipalArn) names it) and, for a role, its trust policy.
  - The roles use it for the Rails app's role or user (the secret's readers, the Rails policy's attachment) and
    the role of the running session. Unlike M(amazon.aws.iam_role_info) and M(amazon.aws.iam_user_info) it starts no
    module process and reads only the principal (they also list its policies, profiles or login profile).
  - Takes the connection options of amazon.aws's lookups; the collection passes those of
    P(storytime.video_infra.aws_connection#lookup).
options:
  role_name:
    description: The role's name (not its ARN). Exactly one of O(role_name) and O(user_name).
    type: str
  user_name:
    description: The user's name (not its ARN).
    type: str
  aws_ca_bundle:
    description:
      - The CA bundle to verify the endpoint with (the collection's C(storytime_aws_ca_bundle), passed by
        P(storytime.video_infra.aws_connection#lookup)). When not set, botocore's own applies.
    type: path
extends_documentation_fragment:
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
"""

EXAMPLES = r"""
- name: The Rails app's user
  ansible.builtin.set_fact:
    rails_user: >-
      {{ lookup('storytime.video_infra.aws_iam_principal', user_name='storytime-prod-rails',
                **lookup('storytime.video_infra.aws_connection')) }}
"""

RETURN = r"""
_raw:
  description: The principal.
  type: list
  elements: dict
  contains:
    exists:
      description: Whether IAM has a role (or user) of that name.
      type: bool
    name:
      description: The name asked for.
      type: str
    arn:
      description: The principal's ARN, with its path; empty when it does not exist.
      type: str
      sample: arn:aws:iam::123456789012:role/apps/storytime-prod-rails
    assume_role_policy_document:
      description: A role's trust policy (decoded); empty for a user or a missing role.
      type: dict
"""

import json
from urllib.parse import unquote

from ansible.errors import AnsibleLookupError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.plugin_utils.lookup import AWSLookupBase
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler

IamHandler = StorytimeErrorHandler.tolerating("NoSuchEntity")


def _trust_policy(role):
    document = role.get("AssumeRolePolicyDocument") or {}
    # IAM answers the document URL-encoded; botocore decodes it into a dict, but a raw string is decoded here too.
    return json.loads(unquote(document)) if isinstance(document, str) else document


class LookupModule(AWSLookupBase):
    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleLookupError("aws_iam_principal takes no terms: give role_name or user_name")
        super().run(terms, variables, **kwargs)
        role_name, user_name = self.get_option("role_name"), self.get_option("user_name")
        if bool(role_name) == bool(user_name):
            raise AnsibleLookupError("aws_iam_principal needs exactly one of role_name and user_name")
        ca_bundle = self.get_option("aws_ca_bundle")
        client = self.client("iam", AWSRetry.jittered_backoff(), **({"verify": ca_bundle} if ca_bundle else {}))
        try:
            if role_name:
                found = IamHandler.call_or_none(f"get the IAM role {role_name}", client.get_role, RoleName=role_name)
                principal = (found or {}).get("Role")
            else:
                found = IamHandler.call_or_none(f"get the IAM user {user_name}", client.get_user, UserName=user_name)
                principal = (found or {}).get("User")
        except StorytimeError as error:
            self.fail_aws(error.message, error.exception)
        return [
            {
                "exists": principal is not None,
                "name": role_name or user_name,
                "arn": (principal or {}).get("Arn", ""),
                "assume_role_policy_document": _trust_policy(principal or {}) if role_name else {},
            }
        ]
