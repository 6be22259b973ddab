#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_distribution
version_added: 0.1.0
short_description: Manage a CloudFront distribution with origin access control and trusted key groups
description:
  - Creates, updates, disables and deletes a CloudFront web distribution, with S3 origins signed by an
    origin access control, cache behaviours that require signed URLs or cookies through trusted key groups,
    cache / origin request / response headers policies, aliases with an ACM certificate, price class, HTTP
    versions, IPv6, standard logging and tags.
  - The distribution is found by O(distribution_id) when given, otherwise by O(comment), which must then be
    unique among the account's distributions.
  - The module lays the options it is given over the configuration CloudFront returns, so settings it has no
    option for (geo restrictions, custom error responses, function associations) are kept. An option left
    unset keeps the current value; a set option replaces it (O(cache_behaviors) replaces the whole ordered
    list). A second identical run reads the configuration and writes nothing.
  - Updates use the distribution's ETag (C(IfMatch)); a concurrent change makes the module read again and
    retry.
  - The origin access control, the cache policies, the response headers policies and the trusted key groups can be
    given by name instead of ID (O(origins[].origin_access_control_name), O(default_cache_behavior.cache_policy_name),
    O(default_cache_behavior.response_headers_policy_name), O(default_cache_behavior.trusted_key_group_names) and the
    same options of O(cache_behaviors)). The module looks them up with one list call per resource type (only for the
    types named), so a playbook that creates them in earlier tasks needs no IDs from their results.
  - >-
    A name that does not exist fails the task, naming the option and the name. In check mode it does not fail, since
    an earlier task of the same run would create the resource: the prediction then holds
    V((created by this run: <kind> <name>\)) where the ID will be, for example
    V((created by this run: key group storytime-prod-hls-signers\)), and the task reports a change.
  - Unlike M(community.aws.cloudfront_distribution), this module supports origin access control, trusted key
    groups, check mode and an idempotent second run.
author:
  - Storytime infrastructure team (@storytime)
options:
  comment:
    description:
      - Comment of the distribution; identifies it when O(distribution_id) is not given.
    type: str
    required: true
  distribution_id:
    description: ID of an existing distribution to manage.
    type: str
  caller_reference:
    description:
      - Unique reference used when creating the distribution (ignored afterwards). Defaults to O(comment).
    type: str
  state:
    description:
      - V(present) creates or updates; V(absent) disables the distribution, waits until the change is deployed,
        and deletes it (CloudFront deletes only disabled, deployed distributions).
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description: Whether the distribution serves requests.
    type: bool
  origins:
    description: The origins (all of them; origins not listed are removed).
    type: list
    elements: dict
    suboptions:
      id:
        description: Unique ID of the origin within the distribution, referenced by C(target_origin_id).
        type: str
        required: true
      domain_name:
        description: Origin domain, for an S3 bucket its regional domain C(<bucket>.s3.<region>.amazonaws.com).
        type: str
        required: true
      origin_path:
        description: Path prefix CloudFront adds to origin requests.
        type: str
        default: ""
      origin_access_control_id:
        description:
          - ID of the origin access control that signs requests to this origin.
          - Mutually exclusive with O(origins[].origin_access_control_name).
        type: str
      origin_access_control_name:
        description:
          - Name of the origin access control that signs requests to this origin, looked up in the account.
          - Mutually exclusive with O(origins[].origin_access_control_id).
        type: str
        version_added: 0.2.0
      custom_origin_config:
        description:
          - For a non-S3 (custom) origin. When omitted the origin is an S3 origin (without an origin access
            identity; use O(origins[].origin_access_control_id)).
        type: dict
        suboptions:
          http_port:
            description: HTTP port.
            type: int
            default: 80
          https_port:
            description: HTTPS port.
            type: int
            default: 443
          origin_protocol_policy:
            description: Protocol CloudFront uses towards the origin.
            type: str
            choices: [http-only, match-viewer, https-only]
            default: https-only
          origin_ssl_protocols:
            description: TLS versions towards the origin.
            type: list
            elements: str
            default: [TLSv1.2]
  default_cache_behavior:
    description: The behaviour for requests that match no O(cache_behaviors) path pattern.
    type: dict
    suboptions:
      target_origin_id:
        description: ID of the origin requests go to.
        type: str
        required: true
      viewer_protocol_policy:
        description: What viewers may use.
        type: str
        choices: [allow-all, https-only, redirect-to-https]
        default: redirect-to-https
      allowed_methods:
        description: HTTP methods CloudFront accepts.
        type: list
        elements: str
        choices: [GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE]
        default: [GET, HEAD]
      cached_methods:
        description: Methods whose responses are cached; a subset of O(default_cache_behavior.allowed_methods).
        type: list
        elements: str
        choices: [GET, HEAD, OPTIONS]
        default: [GET, HEAD]
      compress:
        description: Compress responses for viewers that accept it.
        type: bool
        default: true
      cache_policy_id:
        description:
          - ID of the cache policy.
          - This or O(default_cache_behavior.cache_policy_name) is required.
        type: str
      cache_policy_name:
        description:
          - Name of a custom cache policy, looked up in the account.
          - Mutually exclusive with O(default_cache_behavior.cache_policy_id).
        type: str
        version_added: 0.2.0
      origin_request_policy_id:
        description: ID of an origin request policy.
        type: str
      response_headers_policy_id:
        description: ID of a response headers policy; V("") for none.
        type: str
      response_headers_policy_name:
        description:
          - Name of a custom response headers policy, looked up in the account; V("") for none.
          - Mutually exclusive with O(default_cache_behavior.response_headers_policy_id).
        type: str
        version_added: 0.2.0
      trusted_key_groups:
        description:
          - IDs of the key groups whose public keys may sign URLs and cookies for this behaviour. When set,
            CloudFront answers 403 to requests without a valid signature. Empty means the behaviour is public.
          - Neither this nor O(default_cache_behavior.trusted_key_group_names) set means empty.
          - Mutually exclusive with O(default_cache_behavior.trusted_key_group_names).
        type: list
        elements: str
      trusted_key_group_names:
        description:
          - Names of the key groups whose public keys may sign URLs and cookies for this behaviour, looked up in the
            account. Mutually exclusive with O(default_cache_behavior.trusted_key_groups).
        type: list
        elements: str
        version_added: 0.2.0
  cache_behaviors:
    description:
      - The ordered cache behaviours; CloudFront uses the first whose path pattern matches.
    type: list
    elements: dict
    suboptions:
      path_pattern:
        description: Path pattern, for example V(books/*.m3u8).
        type: str
        required: true
      target_origin_id:
        description: ID of the origin requests go to.
        type: str
        required: true
      viewer_protocol_policy:
        description: What viewers may use.
        type: str
        choices: [allow-all, https-only, redirect-to-https]
        default: redirect-to-https
      allowed_methods:
        description: HTTP methods CloudFront accepts.
        type: list
        elements: str
        choices: [GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE]
        default: [GET, HEAD]
      cached_methods:
        description: Methods whose responses are cached.
        type: list
        elements: str
        choices: [GET, HEAD, OPTIONS]
        default: [GET, HEAD]
      compress:
        description: Compress responses for viewers that accept it.
        type: bool
        default: true
      cache_policy_id:
        description:
          - ID of the cache policy.
          - This or O(cache_behaviors[].cache_policy_name) is required.
        type: str
      cache_policy_name:
        description:
          - Name of a custom cache policy, looked up in the account.
          - Mutually exclusive with O(cache_behaviors[].cache_policy_id).
        type: str
        version_added: 0.2.0
      origin_request_policy_id:
        description: ID of an origin request policy.
        type: str
      response_headers_policy_id:
        description: ID of a response headers policy; V("") for none.
        type: str
      response_headers_policy_name:
        description:
          - Name of a custom response headers policy, looked up in the account; V("") for none.
          - Mutually exclusive with O(cache_behaviors[].response_headers_policy_id).
        type: str
        version_added: 0.2.0
      trusted_key_groups:
        description:
          - IDs of the key groups that may sign URLs and cookies for this behaviour; neither this nor
            O(cache_behaviors[].trusted_key_group_names) set means none (a public behaviour).
          - Mutually exclusive with O(cache_behaviors[].trusted_key_group_names).
        type: list
        elements: str
      trusted_key_group_names:
        description:
          - Names of the key groups that may sign URLs and cookies for this behaviour, looked up in the account.
            Mutually exclusive with O(cache_behaviors[].trusted_key_groups).
        type: list
        elements: str
        version_added: 0.2.0
  aliases:
    description: Alternate domain names (CNAMEs); they need O(viewer_certificate.acm_certificate_arn).
    type: list
    elements: str
  viewer_certificate:
    description: The TLS certificate for viewers. Without an ACM certificate, the C(*.cloudfront.net) one.
    type: dict
    suboptions:
      acm_certificate_arn:
        description:
          - ARN of an ACM certificate in us-east-1 that covers every alias.
          - >-
            In check mode, also the prediction M(storytime.video_infra.acm_certificate) returns for a certificate it
            would request (V((created by this run: ACM certificate <domain>\))); outside check mode a real ARN.
        type: str
      ssl_support_method:
        description: V(sni-only) (recommended) or V(vip) (dedicated IPs, extra cost).
        type: str
        choices: [sni-only, vip, static-ip]
        default: sni-only
      minimum_protocol_version:
        description: Minimum TLS version for viewers.
        type: str
        choices: [TLSv1.2_2018, TLSv1.2_2019, TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025]
        default: TLSv1.2_2021
  price_class:
    description: Which edge locations serve the distribution.
    type: str
    choices: [PriceClass_100, PriceClass_200, PriceClass_All]
  http_version:
    description: Highest HTTP version viewers may use.
    type: str
    choices: [http1.1, http2, http3, http2and3]
  is_ipv6_enabled:
    description: Whether CloudFront answers on IPv6.
    type: bool
  default_root_object:
    description: Object returned for the root URL; V("") for none.
    type: str
  web_acl_id:
    description:
      - ARN of a WAF web ACL (CLOUDFRONT scope); V("") for none.
      - Mutually exclusive with O(web_acl_name).
    type: str
  web_acl_name:
    description:
      - Name of a WAF web ACL of scope CLOUDFRONT, looked up with one C(ListWebACLs) call in us-east-1 (where WAF
        keeps them); V("") for none. Mutually exclusive with O(web_acl_id).
      - In check mode a web ACL that does not exist yet is predicted like the other names.
    type: str
    version_added: 0.2.0
  geo_restriction:
    description:
      - Countries where CloudFront serves the content (V(whitelist)) or refuses it (V(blacklist)), by ISO 3166-1
        alpha-2 code; CloudFront locates viewers with MaxMind GeoIP and answers others HTTP 403.
      - Unset keeps what the distribution has; O(geo_restriction.restriction_type=none) lifts any restriction.
    type: dict
    suboptions:
      restriction_type:
        description: V(none), V(whitelist) or V(blacklist) (the values of the CloudFront API).
        type: str
        choices: [none, whitelist, blacklist]
        default: none
      locations:
        description:
          - Two-letter, upper-case country codes; at least one with V(whitelist) or V(blacklist), none with V(none).
          - Compared as a set (the order does not matter).
        type: list
        elements: str
        default: []
  logging:
    description:
      - Standard access logs to an S3 bucket (the bucket must allow ACLs). An empty O(logging.bucket) disables
        logging.
    type: dict
    suboptions:
      bucket:
        description: Bucket domain, for example V(mylogs.s3.amazonaws.com).
        type: str
      prefix:
        description: Key prefix of the log files.
        type: str
        default: ""
      include_cookies:
        description: Include cookies in the logs.
        type: bool
        default: false
  wait:
    description: Wait until CloudFront reports the distribution C(Deployed) after a change.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for C(Deployed).
    type: int
    default: 1800
notes:
  - A new distribution needs O(origins) and O(default_cache_behavior).
  - CloudFront answers C(TrustedKeyGroupDoesNotExist), C(NoSuchCachePolicy) or an origin access control error
    when a referenced ID does not exist; the module reports that error and changes nothing.
  - Each kind of resource given by name costs one list call per task (C(ListOriginAccessControls),
    C(ListCachePolicies) and C(ListResponseHeadersPolicies) of type C(custom), C(ListKeyGroups), C(ListWebACLs));
    IDs cost none.
  - >-
    Why this module and not M(community.aws.cloudfront_distribution) (11.2.0): its S3 origins take an origin
    access identity only (there is no origin access control option); its cache behaviours have no trusted key
    groups (only the legacy trusted signers), and a behaviour it rebuilds loses C(TrustedKeyGroups), and without
    a default behaviour its C(CachePolicyId); it finds a distribution by ID, alias or caller reference, not by
    comment; it does not support check mode.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: HLS distribution; every path needs a signed cookie (the policies and the key group by name)
  storytime.video_infra.cloudfront_distribution:
    comment: storytime-prod-hls
    origins:
      - id: hls-bucket
        domain_name: storytime-hls-outputs-prod.s3.eu-west-1.amazonaws.com
        origin_access_control_name: storytime-prod-hls
    default_cache_behavior:
      target_origin_id: hls-bucket
      cache_policy_name: storytime-prod-hls-segments
      trusted_key_group_names: [storytime-prod-hls-signers]
    cache_behaviors:
      - path_pattern: books/*.m3u8
        target_origin_id: hls-bucket
        cache_policy_name: storytime-prod-hls-manifests
        trusted_key_group_names: [storytime-prod-hls-signers]
    price_class: PriceClass_100
  register: distribution

- name: The same with the IDs from earlier tasks' results
  storytime.video_infra.cloudfront_distribution:
    comment: storytime-prod-hls
    origins:
      - id: hls-bucket
        domain_name: storytime-hls-outputs-prod.s3.eu-west-1.amazonaws.com
        origin_access_control_id: "{{ oac.origin_access_control.id }}"
    default_cache_behavior:
      target_origin_id: hls-bucket
      cache_policy_id: "{{ segments_policy.cache_policy.id }}"
      trusted_key_groups: ["{{ key_group.key_group.id }}"]
    cache_behaviors:
      - path_pattern: books/*.m3u8
        target_origin_id: hls-bucket
        cache_policy_id: "{{ manifests_policy.cache_policy.id }}"
        trusted_key_groups: ["{{ key_group.key_group.id }}"]
      - path_pattern: books/*
        target_origin_id: hls-bucket
        cache_policy_id: "{{ segments_policy.cache_policy.id }}"
        trusted_key_groups: ["{{ key_group.key_group.id }}"]
    price_class: PriceClass_100
    http_version: http2and3
    is_ipv6_enabled: true
    default_root_object: ""
    tags:
      Project: storytime
    wait: true
  register: distribution

- name: Remove it (disabled, deployed, then deleted)
  storytime.video_infra.cloudfront_distribution:
    comment: storytime-prod-hls
    state: absent
    wait_timeout: 2400
"""

RETURN = r"""
distribution:
  description:
    - The distribution after the task (predicted in check mode; for a new one, id, ARN and domain are unknown
      then).
  returned: when O(state=present)
  type: complex
  contains:
    id:
      description: Distribution ID.
      type: str
      returned: always
      sample: E2YUIOP9EXAMPLE
    arn:
      description: >-
        Distribution ARN, for the bucket policy's C(AWS:SourceArn) condition. In check mode, for a distribution
        that would be created, the prediction V((created by this run: distribution ARN <comment>\)).
      type: str
      returned: always
      sample: arn:aws:cloudfront::123456789012:distribution/E2YUIOP9EXAMPLE
    domain_name:
      description: >-
        The C(*.cloudfront.net) domain. In check mode, for a distribution that would be created, the prediction
        V((created by this run: distribution domain name <comment>\)).
      type: str
      returned: always
      sample: d111111abcdef8.cloudfront.net
    status:
      description: V(InProgress) or V(Deployed).
      type: str
      returned: always
    comment:
      description: Comment.
      type: str
      returned: always
    enabled:
      description: Whether it serves requests.
      type: bool
      returned: always
    aliases:
      description: Alternate domain names.
      type: list
      elements: str
      returned: always
    origins:
      description: Origins with C(id), C(domain_name), C(origin_path), C(origin_access_control_id), C(s3_origin).
      type: list
      elements: dict
      returned: always
    default_cache_behavior:
      description: The default behaviour, in the shape of the option.
      type: dict
      returned: always
    cache_behaviors:
      description: The ordered behaviours, in the shape of the option.
      type: list
      elements: dict
      returned: always
    viewer_certificate:
      description: Viewer certificate settings.
      type: dict
      returned: always
    price_class:
      description: Price class.
      type: str
      returned: always
    http_version:
      description: HTTP version.
      type: str
      returned: always
    is_ipv6_enabled:
      description: IPv6.
      type: bool
      returned: always
    default_root_object:
      description: Default root object.
      type: str
      returned: always
    web_acl_id:
      description: WAF web ACL.
      type: str
      returned: always
    geo_restriction:
      description: Geo restriction (V(none) and no locations when there is none).
      type: dict
      returned: always
      sample: {"restriction_type": "whitelist", "locations": ["DE", "FR"]}
    logging:
      description: Logging settings.
      type: dict
      returned: always
    tags:
      description: Tags (when O(tags) is set).
      type: dict
      returned: when O(tags) is set
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront as cf
from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront_distribution as dist
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import created_by_this_run
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result


def find(client, params):
    """``(id, arn, domain, status)`` of the distribution, or ``None``."""
    if params["distribution_id"]:
        response = cf.call_or_none(
            f"get distribution {params['distribution_id']}", client.get_distribution, Id=params["distribution_id"]
        )
        if response is None:
            raise cf.CloudFrontError(f"Distribution {params['distribution_id']} does not exist.")
        found = response["Distribution"]
        return found["Id"], found["ARN"], found["DomainName"], found["Status"]
    summaries = cf.list_all("list distributions", client.list_distributions, "DistributionList")
    matches = [s for s in summaries if s.get("Comment") == params["comment"]]
    if len(matches) > 1:
        raise cf.CloudFrontError(
            f"{len(matches)} distributions have the comment {params['comment']!r}: "
            + ", ".join(m["Id"] for m in matches)
            + ". Give distribution_id to choose one."
        )
    if not matches:
        return None
    return matches[0]["Id"], matches[0]["ARN"], matches[0]["DomainName"], matches[0]["Status"]


def read_config(client, dist_id):
    response = cf.call(f"get distribution config {dist_id}", client.get_distribution_config, Id=dist_id)
    return response["DistributionConfig"], response["ETag"]


def wait_deployed(module, client, dist_id):
    timeout = module.params["wait_timeout"]
    delay = 10 if timeout >= 60 else 1
    try:
        client.get_waiter("distribution_deployed").wait(
            Id=dist_id, WaiterConfig={"Delay": delay, "MaxAttempts": max(1, timeout // delay)}
        )
    except botocore.exceptions.WaiterError as e:
        raise cf.CloudFrontError(f"Distribution {dist_id} was not Deployed within {timeout} s", e) from e


def result_of(ids, config, tags):
    dist_id, arn, domain, status = ids
    result = {"id": dist_id, "arn": arn, "domain_name": domain, "status": status, **dist.summarize(config)}
    if tags is not None:
        result["tags"] = tags
    return result


def ensure_created(module, client, params):
    """Create the distribution: ``(True, ids, config)`` (predicted in check mode, without ids), or
    ``(False, ids, None)`` when the create answered that it exists (the caller converges that one)."""
    if not params["origins"] or not params["default_cache_behavior"]:
        raise cf.CloudFrontError("A new distribution needs origins and default_cache_behavior.")
    config = dist.apply_options(
        dist.new_config(params["caller_reference"] or params["comment"], params["comment"]), params
    )
    if module.check_mode:
        # The ID, ARN and domain name are CloudFront's to choose; the ARN and domain name are predicted for the
        # tasks that use them in the same --check run (the bucket policy's SourceArn, logging, DNS records).
        comment = params["comment"]
        predicted = (
            None,
            created_by_this_run("distribution ARN", comment),
            created_by_this_run("distribution domain name", comment),
            "InProgress",
        )
        return True, predicted, config
    tags = params["tags"] or {}

    def create_call():
        if tags:
            return cf.call(
                f"create distribution {params['comment']}",
                client.create_distribution_with_tags,
                DistributionConfigWithTags={
                    "DistributionConfig": config,
                    "Tags": {"Items": ansible_dict_to_boto3_tag_list(tags)},
                },
            )["Distribution"]
        return cf.call(
            f"create distribution {params['comment']}", client.create_distribution, DistributionConfig=config
        )["Distribution"]

    # The caller reference is deterministic (caller_reference or comment): a create sent again after a lost
    # response, or racing another run, answers DistributionAlreadyExists instead of making a second distribution.
    created_now, created = cf.create_or_adopt(create_call, lambda: find(client, params), "DistributionAlreadyExists")
    if not created_now:
        return False, created, None
    ids = (created["Id"], created["ARN"], created["DomainName"], created["Status"])
    if params["wait"]:
        wait_deployed(module, client, created["Id"])
        ids = (*ids[:3], "Deployed")
    return True, ids, created["DistributionConfig"]


def ensure_config(module, client, params, dist_id):
    """``(changed, before, after)``: the DistributionConfig brought to the options with the ETag cycle; ``after`` is
    the configuration UpdateDistribution answers (predicted in check mode)."""

    def read():
        return read_config(client, dist_id)

    def desired_from(current):
        return dist.apply_options(current, params)

    def differs(current, desired):
        return dist.comparable(current) != dist.comparable(desired)

    def write(config, etag):
        response = cf.call(
            f"update distribution {dist_id}",
            client.update_distribution,
            Id=dist_id,
            IfMatch=etag,
            DistributionConfig=config,
        )
        return response["Distribution"]["DistributionConfig"]

    return cf.update_with_etag(read, desired_from, differs, write, module.check_mode)


def ensure_distribution_tags(module, client, arn, params):
    """``(changed, before, after)`` of the tags; ``(False, None, None)`` when O(tags) is not set."""
    if params["tags"] is None:
        return False, None, None
    before = cf.get_tags(client, arn)
    changed, after = cf.ensure_tags(
        client, arn, before, params["tags"], purge=params["purge_tags"], check_mode=module.check_mode
    )
    return changed, before, after


def ensure_deployed(module, client, ids, changed):
    """The ids with the status after the task: a change makes it InProgress, or Deployed once waited for."""
    if not changed:
        return ids
    if module.params["wait"] and not module.check_mode:
        wait_deployed(module, client, ids[0])
        return (*ids[:3], "Deployed")
    return (*ids[:3], "InProgress")


def delete(module, client, ids):
    dist_id = ids[0]
    config, etag = read_config(client, dist_id)
    before = result_of(ids, config, None)
    if module.check_mode:
        return {"changed": True, "diff": {"before": before, "after": {}}}
    if config["Enabled"]:
        config = dict(config, Enabled=False)
        cf.call(
            f"disable distribution {dist_id}",
            client.update_distribution,
            Id=dist_id,
            IfMatch=etag,
            DistributionConfig=config,
        )
    deadline = time.monotonic() + module.params["wait_timeout"]
    wait_deployed(module, client, dist_id)
    while True:
        _config, etag = read_config(client, dist_id)
        try:
            cf.call(f"delete distribution {dist_id}", client.delete_distribution, Id=dist_id, IfMatch=etag)
            break
        except cf.CloudFrontError as e:
            if cf.error_code(e) not in ("PreconditionFailed", "DistributionNotDisabled") or time.monotonic() > deadline:
                raise
            time.sleep(5)
    return {"changed": True, "diff": {"before": before, "after": {}}}


def waf_client(module):
    """wafv2 in us-east-1, where WAF keeps the web ACLs of CloudFront (only made for O(web_acl_name))."""
    return module.client("wafv2", retry_decorator=AWSRetry.jittered_backoff(), region="us-east-1")


def ensure_present(module, client):
    # Names become IDs first (one list call per kind named); in check mode a missing one is predicted.
    by_name = cf.IdsByName(client, module.check_mode, waf_client=lambda: waf_client(module))
    params = dist.resolve_names(module.params, by_name)
    ids = find(client, params)
    adopted = False
    if ids is None:
        created, ids, config = ensure_created(module, client, params)
        if created:
            tags = (params["tags"] or {}) if params["tags"] is not None else None
            return present_result("distribution", True, None, result_of(ids, config, tags))
        adopted = True  # converged below like any existing one; reported as created
    config_changed, before, after = ensure_config(module, client, params, ids[0])
    tags_changed, tags_before, tags_after = ensure_distribution_tags(module, client, ids[1], params)
    changed = config_changed or tags_changed
    ids = ensure_deployed(module, client, ids, changed)
    before = None if adopted else result_of(ids, before, tags_before)
    return present_result("distribution", changed or adopted, before, result_of(ids, after, tags_after))


def ensure_absent(module, client):
    ids = find(client, module.params)
    return delete(module, client, ids) if ids else {"changed": False}


def main():
    behavior = dict(
        target_origin_id=dict(type="str", required=True),
        viewer_protocol_policy=dict(
            type="str", default="redirect-to-https", choices=["allow-all", "https-only", "redirect-to-https"]
        ),
        allowed_methods=dict(
            type="list",
            elements="str",
            default=["GET", "HEAD"],
            choices=["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
        ),
        cached_methods=dict(type="list", elements="str", default=["GET", "HEAD"], choices=["GET", "HEAD", "OPTIONS"]),
        compress=dict(type="bool", default=True),
        cache_policy_id=dict(type="str"),
        cache_policy_name=dict(type="str"),
        origin_request_policy_id=dict(type="str"),
        response_headers_policy_id=dict(type="str"),
        response_headers_policy_name=dict(type="str"),
        trusted_key_groups=dict(type="list", elements="str", no_log=False),
        trusted_key_group_names=dict(type="list", elements="str", no_log=False),
    )
    behavior_exclusive = [
        ("cache_policy_id", "cache_policy_name"),
        ("response_headers_policy_id", "response_headers_policy_name"),
        ("trusted_key_groups", "trusted_key_group_names"),
    ]
    argument_spec = dict(
        comment=dict(type="str", required=True),
        distribution_id=dict(type="str"),
        caller_reference=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        enabled=dict(type="bool"),
        origins=dict(
            type="list",
            elements="dict",
            options=dict(
                id=dict(type="str", required=True),
                domain_name=dict(type="str", required=True),
                origin_path=dict(type="str", default=""),
                origin_access_control_id=dict(type="str"),
                origin_access_control_name=dict(type="str"),
                custom_origin_config=dict(
                    type="dict",
                    options=dict(
                        http_port=dict(type="int", default=80),
                        https_port=dict(type="int", default=443),
                        origin_protocol_policy=dict(
                            type="str", default="https-only", choices=["http-only", "match-viewer", "https-only"]
                        ),
                        origin_ssl_protocols=dict(type="list", elements="str", default=["TLSv1.2"]),
                    ),
                ),
            ),
            mutually_exclusive=[("origin_access_control_id", "origin_access_control_name")],
        ),
        default_cache_behavior=dict(type="dict", options=behavior, mutually_exclusive=behavior_exclusive),
        cache_behaviors=dict(
            type="list",
            elements="dict",
            options=dict(path_pattern=dict(type="str", required=True), **behavior),
            mutually_exclusive=behavior_exclusive,
        ),
        aliases=dict(type="list", elements="str"),
        viewer_certificate=dict(
            type="dict",
            options=dict(
                acm_certificate_arn=dict(type="str"),
                ssl_support_method=dict(type="str", default="sni-only", choices=["sni-only", "vip", "static-ip"]),
                minimum_protocol_version=dict(
                    type="str",
                    default="TLSv1.2_2021",
                    choices=["TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"],
                ),
            ),
        ),
        price_class=dict(type="str", choices=["PriceClass_100", "PriceClass_200", "PriceClass_All"]),
        http_version=dict(type="str", choices=["http1.1", "http2", "http3", "http2and3"]),
        is_ipv6_enabled=dict(type="bool"),
        default_root_object=dict(type="str"),
        web_acl_id=dict(type="str"),
        web_acl_name=dict(type="str"),
        geo_restriction=dict(
            type="dict",
            options=dict(
                restriction_type=dict(type="str", default="none", choices=["none", "whitelist", "blacklist"]),
                locations=dict(type="list", elements="str", default=[]),
            ),
        ),
        logging=dict(
            type="dict",
            options=dict(
                bucket=dict(type="str"),
                prefix=dict(type="str", default=""),
                include_cookies=dict(type="bool", default=False),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=1800),
    )
    module = StorytimeAWSModule(
        argument_spec=argument_spec, mutually_exclusive=[("web_acl_id", "web_acl_name")], supports_check_mode=True
    )
    problems = dist.option_problems(module.params, module.check_mode)
    if problems:
        module.fail_json(msg="Invalid distribution options: " + "; ".join(problems), problems=problems)
    cf.run_module(module, ensure_present, ensure_absent)


if __name__ == "__main__":
    main()
