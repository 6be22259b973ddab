# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_caller
author:
  - Storytime infrastructure team (@storytime)
short_description: The account and identity of the AWS caller (one GetCallerIdentity)
version_added: 1.1.0
description:
  - Calls STS C(GetCallerIdentity) once, from the controller, and returns the caller's account ID, ARN and user ID.
  - The collection's roles keep the answer in the run-wide fact C(storytime__caller), for the account in bucket
    policies and ARNs and the caller's ARN in the secret's policy.
  - Unlike M(amazon.aws.aws_caller_info) it starts no module process and makes no C(ListAccountAliases) call (the
    alias is not used).
  - Takes the connection options of amazon.aws's lookups; the collection passes those of
    P(storytime.video_infra.aws_connection#lookup).
options:
  aws_ca_bundle:
    description:
      - The CA bundle to verify the endpoint with (amazon.aws's lookup options have none; the collection's
        C(storytime_aws_ca_bundle), passed by P(storytime.video_infra.aws_connection#lookup)).
      - When not set, botocore's own (C(AWS_CA_BUNDLE), then the system's) applies.
    type: path
extends_documentation_fragment:
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
"""

EXAMPLES = r"""
- name: The account the environment's resources belong to
  ansible.builtin.set_fact:
    storytime__caller: >-
      {{ lookup('storytime.video_infra.aws_caller', **lookup('storytime.video_infra.aws_connection')) }}
"""

RETURN = r"""
_raw:
  description: The caller.
  type: list
  elements: dict
  contains:
    account:
      description: The 12-digit account ID.
      type: str
      sample: "123456789012"
    arn:
      description: The caller's ARN (a user, or an assumed role's session).
      type: str
      sample: arn:aws:sts::123456789012:assumed-role/storytime-operator/jane
    user_id:
      description: The caller's unique ID.
      type: str
      sample: AROAEXAMPLEID:jane
"""

from ansible.errors import AnsibleLookupError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.plugin_utils.lookup import AWSLookupBase
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler


class LookupModule(AWSLookupBase):
    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleLookupError("aws_caller takes no terms")
        super().run(terms, variables, **kwargs)
        ca_bundle = self.get_option("aws_ca_bundle")
        client = self.client("sts", AWSRetry.jittered_backoff(), **({"verify": ca_bundle} if ca_bundle else {}))
        try:
            identity = StorytimeErrorHandler.call("get the caller identity", client.get_caller_identity)
        except StorytimeError as error:
            self.fail_aws(error.message, error.exception)
        return [{"account": identity["Account"], "arn": identity["Arn"], "user_id": identity["UserId"]}]
