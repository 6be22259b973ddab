# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure functions that turn S3 bucket settings into comparable documents.

Each ``*_from_api`` function takes what an S3 ``Get*`` call returns, and each ``*_to_api`` function
takes module options; both produce the same normalised shape, so that desired and current state can
be compared with ``==`` and shown in ``--diff`` output. Nothing here calls AWS.
"""

import copy
import json

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

TLS_STATEMENT_SID = "DenyInsecureTransport"
PUBLIC_ACCESS_BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def partition_for_region(region):
    """Return the ARN partition of a region name (``aws``, ``aws-cn`` or ``aws-us-gov``)."""
    region = region or ""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def bucket_arn(name, region=None):
    return f"arn:{partition_for_region(region)}:s3:::{name}"


# ---------------------------------------------------------------------------------------------
# Public access block and ownership


def public_access_block_from_api(config):
    """``GetPublicAccessBlock`` configuration (``None`` when the bucket has none) -> dict of four flags."""
    config = config or {}
    return {key: bool(config.get(key, False)) for key in PUBLIC_ACCESS_BLOCK_ALL}


def object_ownership_from_api(controls):
    """``GetBucketOwnershipControls`` OwnershipControls -> the ownership string, or ``None`` when unset."""
    rules = (controls or {}).get("Rules") or []
    return rules[0].get("ObjectOwnership") if rules else None


# ---------------------------------------------------------------------------------------------
# Default encryption


def encryption_to_api(option):
    """Module ``encryption`` option -> normalised rule (also the ``Rules[0]`` of PutBucketEncryption)."""
    algorithm = option.get("sse_algorithm") or "AES256"
    if algorithm == "aws:kms":
        rule = {"SSEAlgorithm": "aws:kms"}
        if option.get("kms_key_id"):
            rule["KMSMasterKeyID"] = option["kms_key_id"]
        bucket_key = option.get("bucket_key_enabled")
        return {
            "ApplyServerSideEncryptionByDefault": rule,
            "BucketKeyEnabled": True if bucket_key is None else bucket_key,
        }
    return {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}


def encryption_from_api(config):
    """``GetBucketEncryption`` ServerSideEncryptionConfiguration -> normalised rule, or ``None``."""
    rules = (config or {}).get("Rules") or []
    if not rules:
        return None
    default = rules[0].get("ApplyServerSideEncryptionByDefault") or {}
    rule = {"SSEAlgorithm": default.get("SSEAlgorithm")}
    if default.get("KMSMasterKeyID"):
        rule["KMSMasterKeyID"] = default["KMSMasterKeyID"]
    return {"ApplyServerSideEncryptionByDefault": rule, "BucketKeyEnabled": bool(rules[0].get("BucketKeyEnabled"))}


def encryption_matches(current, desired):
    """Compare encryption rules; a KMS key given by alias or ID cannot be told apart from its ARN
    without a KMS call, so an ARN that ends with the desired key ID also counts as a match."""
    if current == desired:
        return True
    if not current or not desired:
        return False
    cur = dict(current["ApplyServerSideEncryptionByDefault"])
    des = dict(desired["ApplyServerSideEncryptionByDefault"])
    cur_key, des_key = cur.pop("KMSMasterKeyID", None), des.pop("KMSMasterKeyID", None)
    if cur != des or current["BucketKeyEnabled"] != desired["BucketKeyEnabled"]:
        return False
    if des_key is None:
        return True
    return cur_key is not None and (cur_key == des_key or cur_key.endswith("/" + des_key.split("/")[-1]))


# ---------------------------------------------------------------------------------------------
# Versioning


def versioning_from_api(response):
    """``GetBucketVersioning`` -> ``Enabled``, ``Suspended`` or ``None`` (never enabled)."""
    return (response or {}).get("Status")


def versioning_matches(current, desired_enabled):
    if desired_enabled:
        return current == "Enabled"
    # A bucket that never had versioning is as unversioned as a suspended one.
    return current in (None, "Suspended")


# ---------------------------------------------------------------------------------------------
# CORS

_CORS_LISTS = (
    ("allowed_headers", "AllowedHeaders"),
    ("allowed_methods", "AllowedMethods"),
    ("allowed_origins", "AllowedOrigins"),
    ("expose_headers", "ExposeHeaders"),
)


def cors_rules_to_api(rules):
    """Module ``cors_rules`` -> list of normalised CORS rules (also the PutBucketCors ``CORSRules``)."""
    result = []
    for rule in rules or []:
        api = {}
        if rule.get("id"):
            api["ID"] = rule["id"]
        for option, key in _CORS_LISTS:
            values = rule.get(option) or []
            if key == "AllowedMethods":
                values = [v.upper() for v in values]
            if values:
                api[key] = sorted(values)
        if rule.get("max_age_seconds") is not None:
            api["MaxAgeSeconds"] = rule["max_age_seconds"]
        result.append(api)
    return result


def cors_rules_from_api(rules):
    """``GetBucketCors`` CORSRules -> normalised list (rule order kept: S3 uses the first match)."""
    result = []
    for rule in rules or []:
        api = {}
        if rule.get("ID"):
            api["ID"] = rule["ID"]
        for _option, key in _CORS_LISTS:
            if rule.get(key):
                api[key] = sorted(rule[key])
        if rule.get("MaxAgeSeconds") is not None:
            api["MaxAgeSeconds"] = rule["MaxAgeSeconds"]
        result.append(api)
    return result


# ---------------------------------------------------------------------------------------------
# Lifecycle


def lifecycle_rules_to_api(rules):
    """Module ``lifecycle_rules`` -> normalised rules (also PutBucketLifecycleConfiguration ``Rules``)."""
    result = []
    for rule in rules or []:
        api = {
            "ID": rule["id"],
            "Status": rule.get("status") or "Enabled",
            "Filter": {"Prefix": rule.get("prefix") or ""},
        }
        transitions = [{"Days": t["days"], "StorageClass": t["storage_class"]} for t in (rule.get("transitions") or [])]
        if transitions:
            api["Transitions"] = sorted(transitions, key=lambda t: t["Days"])
        if rule.get("expiration_days") is not None:
            api["Expiration"] = {"Days": rule["expiration_days"]}
        noncurrent = {}
        if rule.get("noncurrent_version_expiration_days") is not None:
            noncurrent["NoncurrentDays"] = rule["noncurrent_version_expiration_days"]
        if rule.get("noncurrent_version_keep_newer") is not None:
            noncurrent["NewerNoncurrentVersions"] = rule["noncurrent_version_keep_newer"]
        if noncurrent:
            api["NoncurrentVersionExpiration"] = noncurrent
        if rule.get("abort_incomplete_multipart_upload_days") is not None:
            api["AbortIncompleteMultipartUpload"] = {
                "DaysAfterInitiation": rule["abort_incomplete_multipart_upload_days"]
            }
        result.append(api)
    return sorted(result, key=lambda r: r["ID"])


def _filter_from_api(rule):
    """Reduce the several ways S3 can express "objects under a prefix" to ``{"Prefix": p}``.

    Filters this collection does not manage (tags, object sizes, ``And``) are kept as they are, so
    they compare unequal to anything the module would write and get replaced."""
    if "Filter" not in rule:
        # Legacy rules carry a top-level Prefix instead of a Filter.
        return {"Prefix": rule.get("Prefix") or ""}
    flt = rule.get("Filter") or {}
    if not flt:
        return {"Prefix": ""}
    if set(flt) == {"Prefix"}:
        return {"Prefix": flt["Prefix"] or ""}
    return copy.deepcopy(flt)


def lifecycle_rules_from_api(rules):
    """``GetBucketLifecycleConfiguration`` Rules -> normalised rules, sorted by ID."""
    result = []
    for rule in rules or []:
        api = {"ID": rule.get("ID", ""), "Status": rule.get("Status"), "Filter": _filter_from_api(rule)}
        transitions = [
            {"Days": t.get("Days"), "StorageClass": t.get("StorageClass")} for t in (rule.get("Transitions") or [])
        ]
        if transitions:
            api["Transitions"] = sorted(transitions, key=lambda t: (t["Days"] is None, t["Days"] or 0))
        expiration = rule.get("Expiration") or {}
        if expiration.get("Days") is not None:
            api["Expiration"] = {"Days": expiration["Days"]}
        elif expiration:
            api["Expiration"] = copy.deepcopy(expiration)
        noncurrent = rule.get("NoncurrentVersionExpiration") or {}
        if noncurrent:
            api["NoncurrentVersionExpiration"] = {
                k: v for k, v in noncurrent.items() if k in ("NoncurrentDays", "NewerNoncurrentVersions")
            }
        if rule.get("NoncurrentVersionTransitions"):
            api["NoncurrentVersionTransitions"] = copy.deepcopy(rule["NoncurrentVersionTransitions"])
        abort = rule.get("AbortIncompleteMultipartUpload") or {}
        if abort:
            api["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": abort.get("DaysAfterInitiation")}
        result.append(api)
    return sorted(result, key=lambda r: r["ID"])


# ---------------------------------------------------------------------------------------------
# Bucket policy


def tls_statement(name, region=None):
    """The statement that denies every request made without TLS, on the bucket and its objects."""
    arn = bucket_arn(name, region)
    return {
        "Sid": TLS_STATEMENT_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def policy_from_api(policy):
    """``GetBucketPolicy`` Policy (a JSON string, a dict, or ``None``) -> dict or ``None``."""
    if not policy:
        return None
    if isinstance(policy, str):
        return json.loads(policy)
    return policy


def merge_policy(current, managed, absent_sids=(), purge=False, keep_sids=()):
    """Return the bucket policy that keeps ``current`` but sets the ``managed`` statements.

    Statements are matched by ``Sid``: a managed statement replaces the current statement with the same
    Sid (keeping its position), or is appended. Statements whose Sid is in ``absent_sids`` are removed.
    With ``purge``, statements that are not managed are removed too, except those whose Sid is in
    ``keep_sids`` (statements another task owns). Returns ``None`` when no statement is left (the bucket
    should then have no policy).
    """
    current = copy.deepcopy(current) if current else {}
    statements = list(current.get("Statement") or [])
    if isinstance(current.get("Statement"), dict):
        statements = [current["Statement"]]
    managed_by_sid = {s["Sid"]: s for s in managed}
    result = []
    for statement in statements:
        sid = statement.get("Sid")
        if sid in managed_by_sid:
            result.append(managed_by_sid.pop(sid))
        elif sid in absent_sids or (purge and sid not in keep_sids):
            continue
        else:
            result.append(statement)
    result.extend(s for s in managed if s["Sid"] in managed_by_sid)
    if not result:
        return None
    merged = {"Version": current.get("Version") or "2012-10-17"}
    if current.get("Id"):
        merged["Id"] = current["Id"]
    merged["Statement"] = result
    return merged


def policies_differ(current, desired):
    """True when two policy documents (or ``None``) differ in meaning."""
    if current is None or desired is None:
        return current is not desired
    return compare_policies(current, desired)
