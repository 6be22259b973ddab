#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_cache_policy
version_added: 0.1.0
short_description: Manage a CloudFront cache policy
description:
  - Creates, updates or deletes a custom CloudFront cache policy, which sets TTLs and what goes into the cache key
    (headers, cookies, query strings, accepted encodings).
  - The policy is found by O(name) among the account's custom policies. A second identical run makes only
    the list call; the policy is updated with C(IfMatch) only when its configuration differs.
  - Option names follow the CloudFront API (and the community.aws cache policy proposal).
  - An option left unset keeps the policy's current value; a new policy gets CloudFront's defaults
    (minimum TTL 0, default TTL 86400, maximum TTL 31536000, nothing in the cache key).
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description: Name of the cache policy (unique among the account's cache policies).
    type: str
    required: true
  state:
    description: Whether the cache policy should exist.
    type: str
    choices: [present, absent]
    default: present
  comment:
    description: Comment.
    type: str
  min_ttl:
    description: Minimum time in seconds objects stay in the cache.
    type: int
  default_ttl:
    description: Time in seconds objects stay in the cache when the origin sends no caching headers.
    type: int
  max_ttl:
    description: Maximum time in seconds objects stay in the cache.
    type: int
  parameters_in_cache_key_and_forwarded_to_origin:
    description: What is part of the cache key (and therefore forwarded to the origin).
    type: dict
    suboptions:
      enable_accept_encoding_gzip:
        description: Cache gzip-compressed objects separately (needed for CloudFront to serve them).
        type: bool
      enable_accept_encoding_brotli:
        description: Cache Brotli-compressed objects separately.
        type: bool
      headers_config:
        description: Headers in the cache key.
        type: dict
        suboptions:
          header_behavior:
            description:
              - V(none), or V(whitelist) for the headers listed in
                O(parameters_in_cache_key_and_forwarded_to_origin.headers_config.headers).
            type: str
            choices: [none, whitelist]
            required: true
          headers:
            description: Header names for V(whitelist).
            type: list
            elements: str
      cookies_config:
        description: Cookies in the cache key.
        type: dict
        suboptions:
          cookie_behavior:
            description: V(none), V(whitelist), V(allExcept) or V(all).
            type: str
            choices: [none, whitelist, allExcept, all]
            required: true
          cookies:
            description: Cookie names for V(whitelist) and V(allExcept).
            type: list
            elements: str
      query_strings_config:
        description: Query strings in the cache key.
        type: dict
        suboptions:
          query_string_behavior:
            description: V(none), V(whitelist), V(allExcept) or V(all).
            type: str
            choices: [none, whitelist, allExcept, all]
            required: true
          query_strings:
            description: Query string names for V(whitelist) and V(allExcept).
            type: list
            elements: str
notes:
  - Deleting a policy that a distribution's cache behaviour uses fails with C(CachePolicyInUse).
  - >-
    Why this module: amazon.aws 11.4.0 and community.aws 11.2.0 have no module for CloudFront cache policies.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Short-lived HLS manifests; nothing but compression in the cache key
  storytime.video_infra.cloudfront_cache_policy:
    name: storytime-prod-hls-manifests
    comment: HLS manifests (.m3u8)
    min_ttl: 0
    default_ttl: 60
    max_ttl: 60
    parameters_in_cache_key_and_forwarded_to_origin:
      enable_accept_encoding_gzip: true
      enable_accept_encoding_brotli: true
      headers_config:
        header_behavior: none
      cookies_config:
        cookie_behavior: none
      query_strings_config:
        query_string_behavior: none
  register: manifests_policy

- name: Remove the policy
  storytime.video_infra.cloudfront_cache_policy:
    name: storytime-prod-hls-manifests
    state: absent
"""

RETURN = r"""
cache_policy:
  description: The cache policy after the task (predicted in check mode; its id is unknown then).
  returned: when O(state=present)
  type: complex
  contains:
    id:
      description: Cache policy ID, for a cache behaviour's C(cache_policy_id).
      type: str
      returned: always
      sample: 2e54312d-136d-493c-8eb9-b001f22f67d2
    name:
      description: Name.
      type: str
      returned: always
    comment:
      description: Comment.
      type: str
      returned: always
    min_ttl:
      description: Minimum TTL in seconds.
      type: int
      returned: always
      sample: 0
    default_ttl:
      description: Default TTL in seconds.
      type: int
      returned: always
      sample: 60
    max_ttl:
      description: Maximum TTL in seconds.
      type: int
      returned: always
      sample: 60
    parameters_in_cache_key_and_forwarded_to_origin:
      description: Cache key settings, in the shape of the option of the same name.
      type: dict
      returned: always
"""

from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront as cf
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule

CREATE_DEFAULTS = {"min_ttl": 0, "default_ttl": 86400, "max_ttl": 31536000}
# (option, API config key, behaviour option, list option, behaviours that take a list)
KEY_PARTS = (
    ("headers_config", "HeadersConfig", "header_behavior", "headers", ("whitelist",)),
    ("cookies_config", "CookiesConfig", "cookie_behavior", "cookies", ("whitelist", "allExcept")),
    (
        "query_strings_config",
        "QueryStringsConfig",
        "query_string_behavior",
        "query_strings",
        ("whitelist", "allExcept"),
    ),
)
API_KEY = {
    "headers_config": ("HeaderBehavior", "Headers"),
    "cookies_config": ("CookieBehavior", "Cookies"),
    "query_strings_config": ("QueryStringBehavior", "QueryStrings"),
}
NOTHING_IN_KEY = {
    "enable_accept_encoding_gzip": False,
    "enable_accept_encoding_brotli": False,
    "headers_config": {"header_behavior": "none", "headers": []},
    "cookies_config": {"cookie_behavior": "none", "cookies": []},
    "query_strings_config": {"query_string_behavior": "none", "query_strings": []},
}


def from_api(config):
    """CachePolicyConfig -> the module's option shape (lists sorted, absent parts filled)."""
    params = config.get("ParametersInCacheKeyAndForwardedToOrigin") or {}
    key = {
        "enable_accept_encoding_gzip": bool(params.get("EnableAcceptEncodingGzip")),
        "enable_accept_encoding_brotli": bool(params.get("EnableAcceptEncodingBrotli")),
    }
    for option, api_key, behavior, names, _takes_list in KEY_PARTS:
        api_behavior, api_names = API_KEY[option]
        part = params.get(api_key) or {}
        key[option] = {
            behavior: part.get(api_behavior, "none"),
            names: sorted(cf.from_cf_list(part.get(api_names))),
        }
    return {
        "name": config["Name"],
        "comment": config.get("Comment") or "",
        "min_ttl": config.get("MinTTL", 0),
        "default_ttl": config.get("DefaultTTL", CREATE_DEFAULTS["default_ttl"]),
        "max_ttl": config.get("MaxTTL", CREATE_DEFAULTS["max_ttl"]),
        "parameters_in_cache_key_and_forwarded_to_origin": key,
    }


def to_api(policy):
    """The module's option shape -> CachePolicyConfig."""
    key = policy["parameters_in_cache_key_and_forwarded_to_origin"]
    params = {
        "EnableAcceptEncodingGzip": key["enable_accept_encoding_gzip"],
        "EnableAcceptEncodingBrotli": key["enable_accept_encoding_brotli"],
    }
    for option, api_key, behavior, names, _takes_list in KEY_PARTS:
        api_behavior, api_names = API_KEY[option]
        part = {api_behavior: key[option][behavior]}
        if key[option][names]:
            part[api_names] = cf.to_cf_list(key[option][names], sort=True)
        params[api_key] = part
    return {
        "Name": policy["name"],
        "Comment": policy["comment"],
        "MinTTL": policy["min_ttl"],
        "DefaultTTL": policy["default_ttl"],
        "MaxTTL": policy["max_ttl"],
        "ParametersInCacheKeyAndForwardedToOrigin": params,
    }


def desired(params, current):
    """What the policy should be: set options replace, unset ones keep ``current`` (or the defaults)."""
    base = current or {
        "name": params["name"],
        "comment": "",
        **CREATE_DEFAULTS,
        "parameters_in_cache_key_and_forwarded_to_origin": NOTHING_IN_KEY,
    }
    result = {
        "name": params["name"],
        "comment": params["comment"] if params["comment"] is not None else base["comment"],
    }
    for ttl in ("min_ttl", "default_ttl", "max_ttl"):
        result[ttl] = params[ttl] if params[ttl] is not None else base[ttl]
    key = {
        k: (dict(v) if isinstance(v, dict) else v)
        for k, v in base["parameters_in_cache_key_and_forwarded_to_origin"].items()
    }
    wanted = params["parameters_in_cache_key_and_forwarded_to_origin"] or {}
    for encoding in ("enable_accept_encoding_gzip", "enable_accept_encoding_brotli"):
        if wanted.get(encoding) is not None:
            key[encoding] = wanted[encoding]
    for option, _api_key, behavior, names, _takes_list in KEY_PARTS:
        if wanted.get(option) is not None:
            key[option] = {behavior: wanted[option][behavior], names: sorted(wanted[option].get(names) or [])}
    result["parameters_in_cache_key_and_forwarded_to_origin"] = key
    return result


def problems_with(policy):
    """Settings CloudFront would refuse, as messages naming the option."""
    problems = []
    ttls = (policy["min_ttl"], policy["default_ttl"], policy["max_ttl"])
    if any(t < 0 for t in ttls):
        problems.append("min_ttl, default_ttl and max_ttl must not be negative")
    if not policy["min_ttl"] <= policy["default_ttl"] <= policy["max_ttl"]:
        problems.append(
            f"TTLs must satisfy min_ttl <= default_ttl <= max_ttl (got min_ttl={policy['min_ttl']},"
            f" default_ttl={policy['default_ttl']}, max_ttl={policy['max_ttl']})"
        )
    key = policy["parameters_in_cache_key_and_forwarded_to_origin"]
    for option, _api_key, behavior, names, takes_list in KEY_PARTS:
        part = key[option]
        prefix = f"parameters_in_cache_key_and_forwarded_to_origin.{option}"
        if part[behavior] in takes_list and not part[names]:
            problems.append(f"{prefix}.{names} must list at least one name when {behavior}={part[behavior]}")
        if part[behavior] not in takes_list and part[names]:
            problems.append(f"{prefix}.{names} must be empty when {behavior}={part[behavior]}")
    return problems


def policies(client):
    return cf.NamedPolicy(
        client,
        "CachePolicy",
        "cache policy",
        from_api=from_api,
        to_api=to_api,
        in_use_advice="point the behaviour at another policy first.",
    )


def ensure_present(module, client):
    return policies(client).ensure_present(module, lambda current: desired(module.params, current), problems_with)


def ensure_absent(module, client):
    return policies(client).ensure_absent(module)


def main():
    names = dict(type="list", elements="str")
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        comment=dict(type="str"),
        min_ttl=dict(type="int"),
        default_ttl=dict(type="int"),
        max_ttl=dict(type="int"),
        parameters_in_cache_key_and_forwarded_to_origin=dict(
            type="dict",
            no_log=False,
            options=dict(
                enable_accept_encoding_gzip=dict(type="bool"),
                enable_accept_encoding_brotli=dict(type="bool"),
                headers_config=dict(
                    type="dict",
                    options=dict(
                        header_behavior=dict(type="str", required=True, choices=["none", "whitelist"]),
                        headers=names,
                    ),
                ),
                cookies_config=dict(
                    type="dict",
                    options=dict(
                        cookie_behavior=dict(
                            type="str", required=True, choices=["none", "whitelist", "allExcept", "all"]
                        ),
                        cookies=names,
                    ),
                ),
                query_strings_config=dict(
                    type="dict",
                    options=dict(
                        query_string_behavior=dict(
                            type="str", required=True, choices=["none", "whitelist", "allExcept", "all"]
                        ),
                        query_strings=names,
                    ),
                ),
            ),
        ),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if module.params["state"] == "present":
        # Check what can be checked without AWS: options given together must be consistent already.
        given = {t: params[t] for t in ("min_ttl", "default_ttl", "max_ttl") if params[t] is not None}
        probe = desired(params, None)
        probe.update(given)
        problems = problems_with(probe) if len(given) == 3 else [p for p in problems_with(probe) if "TTLs" not in p]
        if problems:
            module.fail_json(msg="Invalid cache policy: " + "; ".join(problems))
    cf.run_module(module, ensure_present, ensure_absent)


if __name__ == "__main__":
    main()
