#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_sign_cookies
version_added: 0.1.0
short_description: Sign CloudFront cookies with the key pair kept in a Secrets Manager secret
description:
  - >-
    Reads the key pair that M(storytime.video_infra.cloudfront_signing_key) keeps in a secret
    (C({"key_pair_id": ..., "private_key_pem": ...})) and returns signed cookies for a custom policy, as the
    application does for a viewer. The private key stays inside the module process: it is never returned and never
    becomes an Ansible variable, unlike a C(secretsmanager_secret) lookup followed by the
    P(storytime.video_infra.cloudfront_signed_cookies#filter) filter.
  - The cookies themselves grant access until they expire; register the result with C(no_log=true).
  - Nothing is changed in AWS; the module reports C(changed=false) and runs in check mode too.
author:
  - Storytime infrastructure team (@storytime)
options:
  secret_id:
    description: Name or ARN of the secret holding the key pair.
    type: str
    required: true
  resource:
    description:
      - URL pattern the cookies grant, for example C(https://d111111abcdef8.cloudfront.net/books/42/*); C(*) and
        C(?) are wildcards.
    type: str
    required: true
  expires_in:
    description: Seconds from now until the cookies expire.
    type: int
    default: 3600
  starts_in:
    description: Seconds from now before which the cookies are not valid yet (negative values lie in the past).
    type: int
  source_ip:
    description: IPv4 address or CIDR the viewer must come from.
    type: str
notes:
  - The caller needs C(secretsmanager:GetSecretValue) on the secret (and C(kms:Decrypt) for a customer managed key).
seealso:
  - plugin: storytime.video_infra.cloudfront_signed_cookies
    plugin_type: filter
  - module: storytime.video_infra.cloudfront_signing_key
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Cookies for one book, valid for 15 minutes
  storytime.video_infra.cloudfront_sign_cookies:
    secret_id: storytime/dev/cloudfront_private_key
    resource: "https://{{ cloudfront_domain }}/books/42/*"
    expires_in: 900
  register: book_cookies
  no_log: true

- name: Fetch the master playlist with them
  ansible.builtin.uri:
    url: "https://{{ cloudfront_domain }}/books/42/index.m3u8"
    headers:
      Cookie: "{{ book_cookies.cookie_header }}"
  no_log: true
"""

RETURN = r"""
cookies:
  description: The three cookies, by name.
  returned: success
  type: dict
  sample:
    CloudFront-Policy: eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoi...
    CloudFront-Signature: bKm5v1Hq...
    CloudFront-Key-Pair-Id: K2JCJMDEHXQW5F
cookie_header:
  description: The value of a C(Cookie) request header carrying the three cookies.
  returned: success
  type: str
key_pair_id:
  description: ID of the CloudFront public key that verifies the cookies.
  returned: success
  type: str
  sample: K2JCJMDEHXQW5F
expires:
  description: Expiry of the cookies, seconds since the epoch.
  returned: success
  type: int
"""

import json
import time

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.storytime.video_infra.plugins.module_utils import signed_cookies
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler


def key_pair(client, secret_id):
    """``(key_pair_id, private_key_pem)`` from the secret; messages never contain the value."""
    response = StorytimeErrorHandler.call(f"read secret {secret_id}", client.get_secret_value, SecretId=secret_id)
    try:
        value = json.loads(response.get("SecretString") or "")
        return value["key_pair_id"], value["private_key_pem"]
    except (TypeError, ValueError, KeyError):
        raise StorytimeError(
            f"The secret {secret_id} holds no key pair (JSON with key_pair_id and private_key_pem); run site.yml"
            " (local, dev) or playbooks/inject_private_key.yml (prod) first."
        ) from None


def main():
    argument_spec = dict(
        secret_id=dict(type="str", required=True),
        resource=dict(type="str", required=True),
        expires_in=dict(type="int", default=3600),
        starts_in=dict(type="int"),
        source_ip=dict(type="str"),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if params["expires_in"] < 1:
        module.fail_json(msg="expires_in must be at least 1 second")
    if params["starts_in"] is not None and params["starts_in"] >= params["expires_in"]:
        module.fail_json(msg="starts_in must be earlier than expires_in")
    now = int(time.time())
    expires = now + params["expires_in"]
    starts = now + params["starts_in"] if params["starts_in"] is not None else None
    try:
        client = module.client("secretsmanager", retry_decorator=AWSRetry.jittered_backoff())
        key_pair_id, private_key_pem = key_pair(client, params["secret_id"])
        cookies = signed_cookies.signed_cookies(
            private_key_pem,
            key_pair_id,
            params["resource"],
            expires,
            starts=starts,
            source_ip=params["source_ip"],
        )
    except StorytimeError as e:
        module.fail_json_aws_error(e)
    except ValueError as e:
        # signed_cookies messages name the option, never a value.
        module.fail_json(msg=f"Cannot sign cookies: {e}")
    module.exit_json(
        changed=False,
        cookies=cookies,
        cookie_header=signed_cookies.cookie_header(cookies),
        key_pair_id=key_pair_id,
        expires=expires,
    )


if __name__ == "__main__":
    main()
