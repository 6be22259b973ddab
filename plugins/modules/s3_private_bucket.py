#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_private_bucket
version_added: 0.1.0
short_description: Manage a private, hardened S3 general purpose bucket
description:
  - Creates, updates or deletes an S3 bucket that is never public.
  - While O(state=present) the module always enforces Block Public Access with all four settings on and
    object ownership C(BucketOwnerEnforced) (ACLs disabled). These two are the contract of the module; only
    a task that adds its own settings to a bucket another task hardens may leave them out (O(harden=false)).
  - Default encryption, versioning, bucket policy statements, CORS rules, lifecycle rules and tags are
    managed only when their option is set. An option left unset is neither read nor changed; a set
    option replaces what is on the bucket.
  - Reads only the settings it manages and writes only the settings that differ, so a second identical
    run makes no write call. Check mode predicts the final state without writing, and C(--diff) shows
    the settings before and after.
  - Writes happen in the order S3 needs to avoid C(409 OperationAborted) conflicts, public access
    block first, then policy, then ownership.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description:
      - Name of the bucket.
      - Checked against the S3 general purpose bucket naming rules before any AWS call.
    type: str
    required: true
    aliases: [bucket]
  state:
    description:
      - Whether the bucket should exist.
    type: str
    choices: [present, absent]
    default: present
  encryption:
    description:
      - Default encryption of new objects.
      - When not set, the bucket's encryption is not read or changed.
    type: dict
    suboptions:
      sse_algorithm:
        description:
          - V(AES256) for SSE-S3, V(aws:kms) for SSE-KMS.
        type: str
        choices: [AES256, "aws:kms"]
        default: AES256
      kms_key_id:
        description:
          - KMS key ID, ARN or alias ARN for SSE-KMS. When omitted with V(aws:kms), S3 uses the AWS
            managed key C(aws/s3).
          - Only valid with O(encryption.sse_algorithm=aws:kms).
        type: str
      bucket_key_enabled:
        description:
          - Whether S3 Bucket Keys are used to cut KMS requests. Only meaningful with SSE-KMS.
          - Defaults to V(true) with V(aws:kms).
        type: bool
  versioning:
    description:
      - V(true) enables versioning; V(false) suspends it (a bucket that never had versioning counts as
        already unversioned). Versioning can never be removed from a bucket, only suspended.
      - When not set, versioning is not read or changed.
    type: bool
  deny_insecure_transport:
    description:
      - V(true) puts a statement with Sid C(DenyInsecureTransport) in the bucket policy that denies
        every request made without TLS (C(aws:SecureTransport=false)) on the bucket and its objects.
        V(false) removes that statement.
      - When not set, that statement is left as it is.
    type: bool
  policy_statements:
    description:
      - Bucket policy statements managed by this task. Each statement must have a C(Sid); a statement
        on the bucket with the same Sid is replaced, other statements are kept unless
        O(purge_policy_statements=true).
      - This lets several tasks (for example the bucket role and the CloudFront role) each own their
        statements in one bucket policy.
    type: list
    elements: dict
  absent_policy_statement_sids:
    description:
      - Sids of statements that must not be in the bucket policy.
    type: list
    elements: str
  purge_policy_statements:
    description:
      - Remove every policy statement that is not in O(policy_statements) (or is not the TLS statement
        when O(deny_insecure_transport=true)), except those named in O(keep_policy_statement_sids). The
        bucket policy then holds exactly the statements this task (and the tasks named by
        O(keep_policy_statement_sids)) declare; a statement added out of band is reported and removed.
    type: bool
    default: false
  keep_policy_statement_sids:
    description:
      - With O(purge_policy_statements=true), Sids of statements that another task owns (for example the
        CloudFront role's read statement on the HLS bucket); they are kept as they are, neither read nor
        checked by this task.
      - A Sid may not be both here and in O(policy_statements) or O(absent_policy_statement_sids).
    type: list
    elements: str
    version_added: 0.2.0
  cors_rules:
    description:
      - CORS rules, in the order S3 evaluates them. V([]) removes the CORS configuration.
      - When not set, CORS is not read or changed.
    type: list
    elements: dict
    suboptions:
      id:
        description: Identifier of the rule.
        type: str
      allowed_origins:
        description: Origins allowed to make cross-origin requests, for example V(https://admin.example.com).
        type: list
        elements: str
        required: true
      allowed_methods:
        description: HTTP methods allowed.
        type: list
        elements: str
        required: true
        choices: [GET, PUT, POST, DELETE, HEAD]
      allowed_headers:
        description: Headers allowed in a preflight request.
        type: list
        elements: str
      expose_headers:
        description: Response headers the browser may read, for example V(ETag).
        type: list
        elements: str
      max_age_seconds:
        description: How long a browser may cache the preflight response.
        type: int
  lifecycle_rules:
    description:
      - The complete list of lifecycle rules. V([]) removes the lifecycle configuration.
      - When not set, the lifecycle configuration is not read or changed.
    type: list
    elements: dict
    suboptions:
      id:
        description: Unique identifier of the rule.
        type: str
        required: true
      status:
        description: Whether the rule is applied.
        type: str
        choices: [Enabled, Disabled]
        default: Enabled
      prefix:
        description: Key prefix the rule applies to; V("") for every object.
        type: str
        default: ""
      transitions:
        description: Storage class transitions of current object versions.
        type: list
        elements: dict
        suboptions:
          days:
            description: Days after creation.
            type: int
            required: true
          storage_class:
            description: Target storage class. V(GLACIER) is S3 Glacier Flexible Retrieval.
            type: str
            required: true
            choices: [GLACIER, DEEP_ARCHIVE, GLACIER_IR, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING]
      expiration_days:
        description: Days after creation when current versions expire.
        type: int
      noncurrent_version_expiration_days:
        description: Days after an object version becomes noncurrent when it is deleted.
        type: int
      noncurrent_version_keep_newer:
        description: Number of newest noncurrent versions kept regardless of their age.
        type: int
      abort_incomplete_multipart_upload_days:
        description: Days after which an unfinished multipart upload is aborted and its parts deleted.
        type: int
  access_logging:
    description:
      - S3 server access logging of the bucket into O(access_logging.target_bucket) (same account and region).
        V({}) turns logging off. When not set, logging is not read or changed.
      - With object ownership BucketOwnerEnforced on the target bucket, S3 delivers the logs under the target
        bucket's policy, which must allow C(s3:PutObject) to the service principal C(logging.s3.amazonaws.com)
        (S3 User Guide, "Permissions for log delivery"); target grants (ACLs) are not used.
    type: dict
    version_added: 0.3.0
    suboptions:
      target_bucket:
        description: Bucket the log objects are written to; V("") (or no value) turns logging off.
        type: str
      target_prefix:
        description: Key prefix of the log objects, for example V(s3/storytime-master-uploads-prod/).
        type: str
        default: ""
  eventbridge_notifications:
    description:
      - Send the bucket's events to Amazon EventBridge (the account's default event bus, every S3 event type).
      - The module owns the whole notification configuration when this is set; SNS, SQS or Lambda notification
        configurations added out of band are reported and removed. V(false) removes every notification
        configuration. When not set, the notification configuration is not read or changed.
    type: bool
    version_added: 0.3.0
  force:
    description:
      - With O(state=absent), delete every object version and delete marker before deleting the
        bucket. Without it, deleting a bucket that is not empty fails and nothing is deleted.
    type: bool
    default: false
  harden:
    description:
      - V(true) (the default) creates the bucket when it does not exist and enforces Block Public Access
        and object ownership C(BucketOwnerEnforced) on it.
      - V(false) is for a second task on a bucket that another task of the same run creates and hardens,
        such as the CloudFront role adding its read statement to the HLS bucket. The task then manages
        only the settings its options name. It does not look the bucket up, create it, or read or write
        Block Public Access and ownership, which saves three reads (C(HeadBucket),
        C(GetPublicAccessBlock), C(GetBucketOwnershipControls)).
      - With V(false) the bucket must exist. When it does not, the task fails, except in check mode,
        where the task that creates the bucket would have run first, so the declared settings are
        reported as changes.
      - Only with O(state=present).
    type: bool
    default: true
    version_added: 0.2.0
notes:
  - Bucket names are global. If the name belongs to another account the module fails instead of
    adopting it; if the bucket is in another region than O(region) the module fails too.
  - Objects are never read, written or deleted, except by O(state=absent) with O(force=true).
  - >-
    Why this module and not M(amazon.aws.s3_bucket) (amazon.aws 11.4.0) with community.aws 11.2.0: its C(policy)
    is one whole document, so statements cannot be owned by Sid next to the collection's own; it has no
    lifecycle, CORS or notification options, M(community.aws.s3_lifecycle) owns one rule per task and has no
    check mode, and M(community.aws.s3_bucket_notification) cannot turn EventBridge delivery on;
    M(amazon.aws.s3_bucket) does not run in check mode and returns no diff. Measured with C(make benchmark) on
    the two buckets, a no-op run of this module makes 18 reads where the stock modules make 33.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Master uploads bucket with versioning, lifecycle and CORS for browser uploads
  storytime.video_infra.s3_private_bucket:
    name: storytime-master-uploads-dev
    region: eu-west-1
    encryption:
      sse_algorithm: AES256
    versioning: true
    deny_insecure_transport: true
    cors_rules:
      - allowed_origins: [https://admin.storytime.example]
        allowed_methods: [PUT, POST, GET, HEAD]
        allowed_headers: ["*"]
        expose_headers: [ETag]
        max_age_seconds: 3000
    lifecycle_rules:
      - id: archive-masters
        transitions:
          - days: 60
            storage_class: GLACIER
        noncurrent_version_expiration_days: 90
        abort_incomplete_multipart_upload_days: 7
    tags:
      Project: storytime
      Environment: dev

- name: HLS output bucket with SSE-KMS and a bucket key
  storytime.video_infra.s3_private_bucket:
    name: storytime-hls-outputs-dev
    encryption:
      sse_algorithm: "aws:kms"
      kms_key_id: alias/storytime-dev
    deny_insecure_transport: true
    cors_rules: []

- name: Add a statement to the policy without touching the others (another task creates and hardens the bucket)
  storytime.video_infra.s3_private_bucket:
    name: storytime-hls-outputs-dev
    harden: false
    policy_statements:
      - Sid: AllowCloudFrontRead
        Effect: Allow
        Principal:
          Service: cloudfront.amazonaws.com
        Action: s3:GetObject
        Resource: arn:aws:s3:::storytime-hls-outputs-dev/*
        Condition:
          StringEquals:
            AWS:SourceArn: arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE

- name: Delete a bucket and everything in it
  storytime.video_infra.s3_private_bucket:
    name: storytime-master-uploads-dev
    state: absent
    force: true

- name: Master bucket that logs its requests into the logs bucket and sends its events to EventBridge
  storytime.video_infra.s3_private_bucket:
    name: storytime-master-uploads-prod
    access_logging:
      target_bucket: storytime-access-logs-prod
      target_prefix: s3/storytime-master-uploads-prod/
    eventbridge_notifications: true
"""

RETURN = r"""
bucket:
  description: The bucket after the task (predicted in check mode). Only managed settings are present.
  returned: when O(state=present)
  type: complex
  contains:
    name:
      description: Bucket name.
      type: str
      returned: always
      sample: storytime-master-uploads-dev
    arn:
      description: Bucket ARN.
      type: str
      returned: always
      sample: arn:aws:s3:::storytime-master-uploads-dev
    region:
      description: Region of the bucket.
      type: str
      returned: always
      sample: eu-west-1
    public_access_block:
      description: The four Block Public Access settings.
      type: dict
      returned: always
      sample:
        block_public_acls: true
        ignore_public_acls: true
        block_public_policy: true
        restrict_public_buckets: true
    object_ownership:
      description: Object ownership setting.
      type: str
      returned: always
      sample: BucketOwnerEnforced
    encryption:
      description: Default encryption rule.
      type: dict
      returned: when O(encryption) is set
      sample: {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}, "bucket_key_enabled": false}
    versioning:
      description: Versioning status, V(Enabled), V(Suspended) or null when never enabled.
      type: str
      returned: when O(versioning) is set
      sample: Enabled
    policy:
      description: The bucket policy document, or null when the bucket has none.
      type: dict
      returned: when a policy option is set
    cors_rules:
      description: CORS rules.
      type: list
      elements: dict
      returned: when O(cors_rules) is set
      sample: [{"allowed_methods": ["GET", "PUT"], "allowed_origins": ["https://admin.example.com"]}]
    lifecycle_rules:
      description: Lifecycle rules, sorted by ID.
      type: list
      elements: dict
      returned: when O(lifecycle_rules) is set
    access_logging:
      description: Server access logging, C(target_bucket) and C(target_prefix), or V({}) when off.
      type: dict
      returned: when O(access_logging) is set
      sample: {"target_bucket": "storytime-access-logs-prod", "target_prefix": "s3/storytime-master-uploads-prod/"}
    eventbridge_notifications:
      description: Whether the bucket sends its events to EventBridge.
      type: bool
      returned: when O(eventbridge_notifications) is set
    notification_configuration:
      description: Other notification configurations found (SNS, SQS, Lambda), removed by the task.
      type: dict
      returned: when O(eventbridge_notifications) is set
    tags:
      description: Bucket tags.
      type: dict
      returned: when O(tags) is set
      sample: {"Project": "storytime"}
changed_settings:
  description: Names of the settings that were (or in check mode would be) changed.
  returned: always
  type: list
  elements: str
  sample: [versioning, cors_rules]
"""

import json

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.storytime.video_infra.plugins.module_utils import s3_config as cfg
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import error_code
from ansible_collections.storytime.video_infra.plugins.module_utils.common import run_by_state
from ansible_collections.storytime.video_infra.plugins.module_utils.s3_naming import bucket_name_problems

# Settings in the order they are written: public access block before policy before ownership avoids
# S3's "conflicting conditional operation" (409); lifecycle after versioning.
SETTINGS = (
    "public_access_block",
    "policy",
    "object_ownership",
    "encryption",
    "versioning",
    "lifecycle_rules",
    "cors_rules",
    "access_logging",
    "notifications",
    "tags",
)
MISSING_CODES = [
    "NoSuchPublicAccessBlockConfiguration",
    "OwnershipControlsNotFoundError",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchBucketPolicy",
    "NoSuchTagSet",
    "NoSuchCORSConfiguration",
    "NoSuchLifecycleConfiguration",
]


class BucketError(StorytimeError):
    """A failed S3 call or a refused request."""


class BucketErrorHandler(StorytimeErrorHandler):
    """S3 calls: BucketError, and the answers by which S3 says a bucket setting is not configured."""

    _CUSTOM_EXCEPTION = BucketError
    MISSING_CODES = tuple(MISSING_CODES)


# Every call of this module: a setting S3 says is not configured reads as ``default`` (None, or {} when given).
aws_call = BucketErrorHandler.call_or_none


# ---------------------------------------------------------------------------------------------
# Reading


def find_bucket(client, name, region):
    """Return the bucket's region if the bucket exists and is ours, ``None`` if it does not exist."""
    try:
        response = BucketErrorHandler.tolerating("404", "NoSuchBucket", "NotFound").call_or_none(
            f"look up bucket {name}", client.head_bucket, Bucket=name
        )
    except BucketError as e:
        if error_code(e) not in ("403", "AccessDenied", "Forbidden"):
            raise
        raise BucketError(
            f"Bucket {name} exists but this account cannot access it; bucket names are global, so it is most"
            " likely owned by another AWS account. Choose another name.",
            e.exception,
        ) from e
    if response is None:
        return None
    headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    bucket_region = response.get("BucketRegion") or headers.get("x-amz-bucket-region") or region
    if region and bucket_region != region:
        raise BucketError(f"Bucket {name} exists in region {bucket_region}, not in {region} as configured.")
    return bucket_region


def logging_from_api(response):
    enabled = (response or {}).get("LoggingEnabled")
    if not enabled:
        return {}
    return {"target_bucket": enabled.get("TargetBucket"), "target_prefix": enabled.get("TargetPrefix") or ""}


NOTIFICATION_KEYS = ("TopicConfigurations", "QueueConfigurations", "LambdaFunctionConfigurations")


def notifications_from_api(response):
    """``{"eventbridge": bool, "other": {...}}``: EventBridge delivery and any SNS/SQS/Lambda configurations."""
    response = response or {}
    other = {key: response[key] for key in NOTIFICATION_KEYS if response.get(key)}
    return {"eventbridge": "EventBridgeConfiguration" in response, "other": other}


# setting -> (what is read, S3 client method, normaliser of the response)
READERS = {
    "public_access_block": (
        "public access block",
        "get_public_access_block",
        lambda r: cfg.public_access_block_from_api(r.get("PublicAccessBlockConfiguration")),
    ),
    "object_ownership": (
        "ownership controls",
        "get_bucket_ownership_controls",
        lambda r: cfg.object_ownership_from_api(r.get("OwnershipControls")),
    ),
    "encryption": (
        "default encryption",
        "get_bucket_encryption",
        lambda r: cfg.encryption_from_api(r.get("ServerSideEncryptionConfiguration")),
    ),
    "versioning": ("versioning", "get_bucket_versioning", cfg.versioning_from_api),
    "policy": ("bucket policy", "get_bucket_policy", lambda r: cfg.policy_from_api(r.get("Policy"))),
    "cors_rules": ("CORS rules", "get_bucket_cors", lambda r: cfg.cors_rules_from_api(r.get("CORSRules"))),
    "lifecycle_rules": (
        "lifecycle rules",
        "get_bucket_lifecycle_configuration",
        lambda r: cfg.lifecycle_rules_from_api(r.get("Rules")),
    ),
    "tags": ("tags", "get_bucket_tagging", lambda r: boto3_tag_list_to_ansible_dict(r.get("TagSet") or [])),
    "access_logging": ("server access logging", "get_bucket_logging", logging_from_api),
    "notifications": (
        "notification configuration",
        "get_bucket_notification_configuration",
        notifications_from_api,
    ),
}


def read_settings(client, name, managed):
    """Read the current value of each managed setting (one Get call each), in normalised form."""
    current = {}
    for setting in managed:
        what, method, normalise = READERS[setting]
        response = aws_call(f"get {what} of {name}", getattr(client, method), default={}, Bucket=name)
        current[setting] = normalise(response)
    return current


# ---------------------------------------------------------------------------------------------
# Desired state


def managed_settings(params):
    managed = ["public_access_block", "object_ownership"] if params["harden"] else []
    if params["encryption"] is not None:
        managed.append("encryption")
    if params["versioning"] is not None:
        managed.append("versioning")
    if (
        params["deny_insecure_transport"] is not None
        or params["policy_statements"] is not None
        or params["absent_policy_statement_sids"]
        or params["purge_policy_statements"]
    ):
        managed.append("policy")
    if params["cors_rules"] is not None:
        managed.append("cors_rules")
    if params["lifecycle_rules"] is not None:
        managed.append("lifecycle_rules")
    if params["access_logging"] is not None:
        managed.append("access_logging")
    if params["eventbridge_notifications"] is not None:
        managed.append("notifications")
    if params["tags"] is not None:
        managed.append("tags")
    return managed


def validate_params(params):
    """Return a list of problems with the options that AWS would reject later (or that are ambiguous)."""
    problems = [f"name {params['name']!r} {p}" for p in bucket_name_problems(params["name"])]
    if not params["harden"] and params["state"] == "absent":
        problems.append("harden=false is only for state=present (a task that adds settings to a bucket)")
    encryption = params["encryption"]
    if encryption and encryption.get("kms_key_id") and encryption.get("sse_algorithm") != "aws:kms":
        problems.append("encryption.kms_key_id requires encryption.sse_algorithm=aws:kms")
    for index, statement in enumerate(params["policy_statements"] or []):
        if not isinstance(statement.get("Sid"), str) or not statement.get("Sid"):
            problems.append(f"policy_statements[{index}] needs a non-empty Sid")
        elif statement["Sid"] == cfg.TLS_STATEMENT_SID and params["deny_insecure_transport"] is not None:
            problems.append(
                f"policy_statements[{index}] uses the Sid {cfg.TLS_STATEMENT_SID} owned by deny_insecure_transport"
            )
    sids = [s.get("Sid") for s in params["policy_statements"] or []]
    duplicates = sorted({sid for sid in sids if sid and sids.count(sid) > 1})
    if duplicates:
        problems.append(f"policy_statements has duplicate Sids: {', '.join(duplicates)}")
    keep = params["keep_policy_statement_sids"] or []
    if keep and not params["purge_policy_statements"]:
        problems.append("keep_policy_statement_sids is only meaningful with purge_policy_statements=true")
    declared = set(sids) | set(params["absent_policy_statement_sids"] or [])
    if params["deny_insecure_transport"] is not None:
        declared.add(cfg.TLS_STATEMENT_SID)
    both = sorted(declared.intersection(keep))
    if both:
        problems.append(f"keep_policy_statement_sids names Sids this task manages itself: {', '.join(both)}")
    ids = [rule["id"] for rule in params["lifecycle_rules"] or []]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"lifecycle_rules has duplicate ids: {', '.join(duplicates)}")
    for index, rule in enumerate(params["lifecycle_rules"] or []):
        for key in (
            "expiration_days",
            "noncurrent_version_expiration_days",
            "abort_incomplete_multipart_upload_days",
        ):
            if rule.get(key) is not None and rule[key] < 1:
                problems.append(f"lifecycle_rules[{index}].{key} must be at least 1")
        for t_index, transition in enumerate(rule.get("transitions") or []):
            if transition["days"] < 0:
                problems.append(f"lifecycle_rules[{index}].transitions[{t_index}].days must not be negative")
    for index, rule in enumerate(params["cors_rules"] or []):
        if not rule["allowed_origins"]:
            problems.append(f"cors_rules[{index}].allowed_origins must not be empty")
        if not rule["allowed_methods"]:
            problems.append(f"cors_rules[{index}].allowed_methods must not be empty")
    return problems


def desired_settings(params, current, region):
    """The settings the bucket should have, given what it has now (needed for policy and tag merging)."""
    name = params["name"]
    desired = {}
    if params["harden"]:
        desired["public_access_block"] = dict(cfg.PUBLIC_ACCESS_BLOCK_ALL)
        desired["object_ownership"] = "BucketOwnerEnforced"
    if params["encryption"] is not None:
        desired["encryption"] = cfg.encryption_to_api(params["encryption"])
    if params["versioning"] is not None:
        desired["versioning"] = params["versioning"]
    if "policy" in current or params["policy_statements"] is not None or params["deny_insecure_transport"] is not None:
        managed = list(params["policy_statements"] or [])
        absent = list(params["absent_policy_statement_sids"] or [])
        if params["deny_insecure_transport"]:
            managed.insert(0, cfg.tls_statement(name, region))
        elif params["deny_insecure_transport"] is False:
            absent.append(cfg.TLS_STATEMENT_SID)
        desired["policy"] = cfg.merge_policy(
            current.get("policy"),
            managed,
            absent_sids=absent,
            purge=params["purge_policy_statements"],
            keep_sids=params["keep_policy_statement_sids"] or (),
        )
    if params["cors_rules"] is not None:
        desired["cors_rules"] = cfg.cors_rules_to_api(params["cors_rules"])
    if params["lifecycle_rules"] is not None:
        desired["lifecycle_rules"] = cfg.lifecycle_rules_to_api(params["lifecycle_rules"])
    if params["access_logging"] is not None:
        logging = params["access_logging"]
        desired["access_logging"] = (
            {"target_bucket": logging["target_bucket"], "target_prefix": logging.get("target_prefix") or ""}
            if logging.get("target_bucket")
            else {}
        )
    if params["eventbridge_notifications"] is not None:
        desired["notifications"] = {"eventbridge": params["eventbridge_notifications"], "other": {}}
    if params["tags"] is not None:
        existing = current.get("tags") or {}
        to_set, to_unset = compare_aws_tags(existing, params["tags"], params["purge_tags"])
        tags = {k: v for k, v in existing.items() if k not in to_unset}
        tags.update(to_set)
        desired["tags"] = tags
    return desired


def setting_differs(setting, current, desired):
    if setting == "encryption":
        return not cfg.encryption_matches(current, desired)
    if setting == "versioning":
        return not cfg.versioning_matches(current, desired)
    if setting == "policy":
        return cfg.policies_differ(current, desired)
    return current != desired


def final_value(setting, current, desired):
    """What a setting reads back as after the task (used to predict the result in check mode)."""
    if setting == "versioning":
        if cfg.versioning_matches(current, desired):
            return current
        return "Enabled" if desired else "Suspended"
    return desired


# ---------------------------------------------------------------------------------------------
# Writing


def write_setting(client, name, setting, value):
    if setting == "public_access_block":
        aws_call(
            f"put public access block on {name}",
            client.put_public_access_block,
            Bucket=name,
            PublicAccessBlockConfiguration=value,
        )
    elif setting == "policy":
        if value is None:
            aws_call(f"delete bucket policy of {name}", client.delete_bucket_policy, Bucket=name)
        else:
            aws_call(f"put bucket policy on {name}", client.put_bucket_policy, Bucket=name, Policy=json.dumps(value))
    elif setting == "object_ownership":
        aws_call(
            f"put ownership controls on {name}",
            client.put_bucket_ownership_controls,
            Bucket=name,
            OwnershipControls={"Rules": [{"ObjectOwnership": value}]},
        )
    elif setting == "encryption":
        aws_call(
            f"put default encryption on {name}",
            client.put_bucket_encryption,
            Bucket=name,
            ServerSideEncryptionConfiguration={"Rules": [value]},
        )
    elif setting == "versioning":
        aws_call(
            f"put versioning on {name}",
            client.put_bucket_versioning,
            Bucket=name,
            VersioningConfiguration={"Status": "Enabled" if value else "Suspended"},
        )
    elif setting == "lifecycle_rules":
        if value:
            aws_call(
                f"put lifecycle rules on {name}",
                client.put_bucket_lifecycle_configuration,
                Bucket=name,
                LifecycleConfiguration={"Rules": value},
            )
        else:
            aws_call(f"delete lifecycle rules of {name}", client.delete_bucket_lifecycle, Bucket=name)
    elif setting == "cors_rules":
        if value:
            aws_call(
                f"put CORS rules on {name}", client.put_bucket_cors, Bucket=name, CORSConfiguration={"CORSRules": value}
            )
        else:
            aws_call(f"delete CORS rules of {name}", client.delete_bucket_cors, Bucket=name)
    elif setting == "access_logging":
        status = {}
        if value:
            status = {
                "LoggingEnabled": {"TargetBucket": value["target_bucket"], "TargetPrefix": value["target_prefix"]}
            }
        aws_call(
            f"put server access logging on {name}", client.put_bucket_logging, Bucket=name, BucketLoggingStatus=status
        )
    elif setting == "notifications":
        configuration = {"EventBridgeConfiguration": {}} if value["eventbridge"] else {}
        aws_call(
            f"put notification configuration on {name}",
            client.put_bucket_notification_configuration,
            Bucket=name,
            NotificationConfiguration=configuration,
        )
    elif setting == "tags":
        if value:
            aws_call(
                f"put tags on {name}",
                client.put_bucket_tagging,
                Bucket=name,
                Tagging={"TagSet": sorted(ansible_dict_to_boto3_tag_list(value), key=lambda tag: tag["Key"])},
            )
        else:
            aws_call(f"delete tags of {name}", client.delete_bucket_tagging, Bucket=name)


def create_bucket(client, name, region):
    params = {"Bucket": name, "ObjectOwnership": "BucketOwnerEnforced"}
    if region and region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        # BucketAlreadyOwnedByYou: this account has it already (a retried create, or another run in between).
        BucketErrorHandler.tolerating("BucketAlreadyOwnedByYou").call_or_none(
            f"create bucket {name}", client.create_bucket, **params
        )
    except BucketError as e:
        if error_code(e) != "BucketAlreadyExists":
            raise
        raise BucketError(
            f"Bucket name {name} is already taken by another AWS account; choose another name.", e.exception
        ) from e


def empty_bucket(client, name):
    paginator = client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=name):
        objects = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for item in (page.get("Versions") or []) + (page.get("DeleteMarkers") or [])
        ]
        if objects:
            response = aws_call(
                f"delete objects in {name}",
                client.delete_objects,
                Bucket=name,
                Delete={"Objects": objects, "Quiet": True},
            )
            if response and response.get("Errors"):
                first = response["Errors"][0]
                raise BucketError(
                    f"Failed to delete {len(response['Errors'])} objects in {name}, e.g. {first.get('Key')}:"
                    f" {first.get('Message')}"
                )


def bucket_is_empty(client, name):
    response = aws_call(f"list objects in {name}", client.list_object_versions, Bucket=name, MaxKeys=1)
    return not (response.get("Versions") or response.get("DeleteMarkers"))


# ---------------------------------------------------------------------------------------------
# Results


def to_result(name, arn, region, settings):
    result = {"name": name, "arn": arn, "region": region}
    for setting, value in settings.items():
        if setting in ("policy", "tags") or value is None or isinstance(value, (str, bool)):
            result[setting] = value
        elif isinstance(value, list):
            result[setting] = [camel_dict_to_snake_dict(item) for item in value]
        else:
            result[setting] = camel_dict_to_snake_dict(value)
    if "access_logging" in settings:
        result["access_logging"] = settings["access_logging"] or {}
    if "notifications" in settings:
        notifications = settings["notifications"] or {"eventbridge": False, "other": {}}
        result.pop("notifications", None)
        result["eventbridge_notifications"] = notifications["eventbridge"]
        result["notification_configuration"] = notifications["other"]
    if isinstance(result.get("versioning"), bool):
        result["versioning"] = "Enabled" if result["versioning"] else "Suspended"
    return result


def read_settings_of_existing(client, name, managed, check_mode):
    """``read_settings`` on a bucket another task creates (``harden=false``): ``None`` when it does not exist yet in
    check mode (that task would have created it first); outside check mode, a missing bucket fails."""
    try:
        return read_settings(client, name, managed)
    except BucketError as e:
        if error_code(e) != "NoSuchBucket":
            raise
        if check_mode:
            return None
        raise BucketError(
            f"Bucket {name} does not exist. With harden=false this task only adds settings to the bucket: the task"
            " that creates and hardens it (harden=true) must run first.",
            e.exception,
        ) from e


def ensure_present(module, client, region):
    params = module.params
    name = params["name"]
    arn = cfg.bucket_arn(name, region)
    managed = managed_settings(params)
    if params["harden"]:
        bucket_region = find_bucket(client, name, region)
        exists = bucket_region is not None
        current = read_settings(client, name, managed) if exists else {}
    else:
        bucket_region = region
        current = read_settings_of_existing(client, name, managed, module.check_mode)
        exists = current is not None
        current = current or {}
    desired = desired_settings(params, current, region)

    if exists:
        changed_settings = [s for s in SETTINGS if s in desired and setting_differs(s, current.get(s), desired[s])]
    else:
        # A new bucket: creation sets the ownership; every other managed setting that has a value is written.
        changed_settings = [s for s in SETTINGS if s in desired and s != "object_ownership"]
        changed_settings = [s for s in changed_settings if not (s == "versioning" and desired[s] is False)]
        changed_settings = [s for s in changed_settings if desired[s] not in (None, [], {})]
        changed_settings = [s for s in changed_settings if not (s == "notifications" and not desired[s]["eventbridge"])]
    after = dict(current)
    for setting in changed_settings:
        after[setting] = final_value(setting, current.get(setting), desired[setting])
    if not exists:
        for setting in desired:
            after.setdefault(setting, final_value(setting, None, desired[setting]))

    # With harden=false a bucket that does not exist (check mode only) is created by another task.
    created = not exists and params["harden"]
    if not module.check_mode:
        if created:
            create_bucket(client, name, region)
        for setting in changed_settings:
            write_setting(client, name, setting, desired[setting])

    result = {
        "changed": bool(changed_settings) or created,
        "changed_settings": (["bucket"] if created else []) + changed_settings,
        "bucket": to_result(name, arn, bucket_region or region, after),
    }
    if result["changed"]:
        before = to_result(name, arn, bucket_region or region, current) if exists else {}
        result["diff"] = {"before": before, "after": result["bucket"]}
    return result


def ensure_absent(module, client, region):
    name = module.params["name"]
    if find_bucket(client, name, region) is None:
        return {"changed": False, "changed_settings": []}
    if not module.params["force"] and not bucket_is_empty(client, name):
        raise BucketError(f"Bucket {name} is not empty; set force=true to delete its objects and versions with it.")
    if not module.check_mode:
        if module.params["force"]:
            empty_bucket(client, name)
        aws_call(f"delete bucket {name}", client.delete_bucket, Bucket=name)
    return {
        "changed": True,
        "changed_settings": ["bucket"],
        "diff": {"before": {"name": name, "arn": cfg.bucket_arn(name, region)}, "after": {}},
    }


def main():
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["bucket"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        encryption=dict(
            type="dict",
            options=dict(
                sse_algorithm=dict(type="str", default="AES256", choices=["AES256", "aws:kms"]),
                kms_key_id=dict(type="str"),
                bucket_key_enabled=dict(type="bool"),
            ),
        ),
        versioning=dict(type="bool"),
        deny_insecure_transport=dict(type="bool"),
        policy_statements=dict(type="list", elements="dict"),
        absent_policy_statement_sids=dict(type="list", elements="str"),
        purge_policy_statements=dict(type="bool", default=False),
        keep_policy_statement_sids=dict(type="list", elements="str"),
        cors_rules=dict(
            type="list",
            elements="dict",
            options=dict(
                id=dict(type="str"),
                allowed_origins=dict(type="list", elements="str", required=True),
                allowed_methods=dict(
                    type="list", elements="str", required=True, choices=["GET", "PUT", "POST", "DELETE", "HEAD"]
                ),
                allowed_headers=dict(type="list", elements="str"),
                expose_headers=dict(type="list", elements="str"),
                max_age_seconds=dict(type="int"),
            ),
        ),
        lifecycle_rules=dict(
            type="list",
            elements="dict",
            options=dict(
                id=dict(type="str", required=True),
                status=dict(type="str", default="Enabled", choices=["Enabled", "Disabled"]),
                prefix=dict(type="str", default=""),
                transitions=dict(
                    type="list",
                    elements="dict",
                    options=dict(
                        days=dict(type="int", required=True),
                        storage_class=dict(
                            type="str",
                            required=True,
                            choices=[
                                "GLACIER",
                                "DEEP_ARCHIVE",
                                "GLACIER_IR",
                                "STANDARD_IA",
                                "ONEZONE_IA",
                                "INTELLIGENT_TIERING",
                            ],
                        ),
                    ),
                ),
                expiration_days=dict(type="int"),
                noncurrent_version_expiration_days=dict(type="int"),
                noncurrent_version_keep_newer=dict(type="int"),
                abort_incomplete_multipart_upload_days=dict(type="int"),
            ),
        ),
        access_logging=dict(
            type="dict",
            options=dict(
                target_bucket=dict(type="str"),
                target_prefix=dict(type="str", default=""),
            ),
        ),
        eventbridge_notifications=dict(type="bool"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        force=dict(type="bool", default=False),
        harden=dict(type="bool", default=True),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    problems = validate_params(module.params)
    if problems:
        module.fail_json(msg="Invalid options: " + "; ".join(problems), problems=problems)

    # NoSuchBucket is retried: right after CreateBucket, S3 may briefly not know the new bucket yet.
    # OperationAborted is S3's 409 for a conflicting configuration change still in progress.
    # With harden=false the bucket was created earlier in the run (or, in check mode, is missing on purpose): a
    # NoSuchBucket there is an answer, not a delay.
    retried = ["OperationAborted", "NoSuchBucket"] if module.params["harden"] else ["OperationAborted"]
    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=retried))
    run_by_state(module, ensure_present, ensure_absent, client, module.region)


if __name__ == "__main__":
    main()
