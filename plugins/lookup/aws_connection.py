# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_connection
author:
  - Storytime infrastructure team (@storytime)
short_description: The AWS connection options of the environment, for module_defaults
version_added: 1.1.0
description:
  - Returns the connection options that every AWS task of the collection uses, made from the environment's
    C(storytime_aws_*) variables, as one mapping for C(module_defaults).
  - >-
    The collection's roles and playbooks write their connection as
    C(group/storytime.video_infra.aws_roles: "{{ lookup('storytime.video_infra.aws_connection') }}"), so that the
    rule (which inventory variable becomes which module option, and when it is left out) is stated here only. In
    your own plays, use the action group C(storytime.video_infra.aws), which also reaches every module of
    C(amazon.aws) and C(community.aws).
  - V(storytime_aws_region) becomes O(amazon.aws.aws_caller_info#module:region); V(storytime_aws_endpoint_url),
    V(storytime_aws_ca_bundle), V(storytime_aws_profile), V(storytime_aws_access_key) and V(storytime_aws_secret_key)
    become C(endpoint_url), C(aws_ca_bundle), C(profile), C(access_key) and C(secret_key). A variable that is
    undefined, null or empty is left out, so that boto3 falls back to its own chain (environment, shared files,
    instance role).
  - Nothing is called; the lookup reads variables only.
options:
  region:
    description:
      - The region to use instead of V(storytime_aws_region), for example V(us-east-1) for ACM certificates that
        CloudFront uses.
      - An empty string leaves the region out of the result, for modules whose own C(region) option means something
        else (M(amazon.aws.route53) uses it for latency-based routing).
    type: str
notes:
  - The secret key is part of the result. Pass the result to C(module_defaults) only (the modules declare the key
    C(no_log)) and do not print it.
"""

EXAMPLES = r"""
- name: Every AWS task of this block talks to the environment's account and endpoint
  module_defaults:
    group/storytime.video_infra.aws: "{{ lookup('storytime.video_infra.aws_connection') }}"
  block:
    - name: The caller
      amazon.aws.aws_caller_info:

- name: A certificate for CloudFront is requested in us-east-1
  module_defaults:
    group/storytime.video_infra.aws: "{{ lookup('storytime.video_infra.aws_connection', region='us-east-1') }}"
  storytime.video_infra.acm_certificate:
    domain_name: cdn.example.com

- name: Route53's region option means routing, so the connection goes without it
  module_defaults:
    amazon.aws.route53: "{{ lookup('storytime.video_infra.aws_connection', region='') }}"
  amazon.aws.route53:
    zone: example.com
    record: cdn.example.com
    type: CNAME
    value: d111111abcdef8.cloudfront.net
"""

RETURN = r"""
_raw:
  description: One mapping of module options (only those the environment sets).
  type: list
  elements: dict
  sample:
    - region: eu-west-1
      endpoint_url: https://127.0.0.1:4566
      aws_ca_bundle: /srv/local-aws/ca.pem
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

# Inventory variable -> module option. The region comes first (and may be overridden by the `region` option).
CONNECTION_VARIABLES = (
    ("storytime_aws_region", "region"),
    ("storytime_aws_endpoint_url", "endpoint_url"),
    ("storytime_aws_ca_bundle", "aws_ca_bundle"),
    ("storytime_aws_profile", "profile"),
    ("storytime_aws_access_key", "access_key"),
    ("storytime_aws_secret_key", "secret_key"),
)


def connection_options(values, region=None):
    """The module options for ``values`` (variable name -> templated value); ``region`` overrides the region, and an
    empty ``region`` leaves it out. Unset, null and empty values are left out."""
    options = {}
    for variable, option in CONNECTION_VARIABLES:
        value = values.get(variable)
        if option == "region" and region is not None:
            value = region
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise AnsibleLookupError(f"{variable} must be a string, got {type(value).__name__}: {value!r}")
        options[option] = value
    return options


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleLookupError("aws_connection takes no terms (use region=... to change the region)")
        # The one option is read here rather than through set_options(), which needs the plugin loader's copy of
        # DOCUMENTATION: the unit tests call the plugin directly.
        unknown = sorted(set(kwargs) - {"region"})
        if unknown:
            raise AnsibleLookupError(f"aws_connection has no option {', '.join(unknown)} (it takes region=...)")
        region = kwargs.get("region")
        if region is not None and not isinstance(region, str):
            raise AnsibleLookupError(f"aws_connection: region must be a string, got {region!r}")
        variables = variables or {}
        values = {
            name: self._templar.template(variables[name]) for name, _option in CONNECTION_VARIABLES if name in variables
        }
        return [connection_options(values, region)]
