"""Which IAM action on which resource an API request needs (the Service Authorization Reference).

:func:`resolve` turns a request into an :class:`Operation`: the operation name from the wire format of the
service's protocol (``X-Amz-Target`` for JSON services, ``Action`` for query services, the method and path
template of botocore's service model for REST services; S3 by its documented subresources), the IAM action it
authorizes and the ARNs it acts on. For most operations the action is ``<service prefix>:<operation name>``;
the exceptions are S3's (the S3 user guide, "Amazon S3 actions" / "Required permissions for Amazon S3 API
operations"), and the operations that need a second action (``CopyObject``: ``s3:GetObject`` on the source;
``PutObject`` with an ACL or tags; CloudFront ``CreateDistributionWithTags``: ``cloudfront:CreateDistribution`` and
``cloudfront:TagResource``; MediaConvert ``CreateJob``: ``iam:PassRole`` on the job's role with
``iam:PassedToService``; ``DeleteObjects``: ``s3:DeleteObject`` on each key).

Where a service's resource ARN is not worked out here, the resource is ``*``: an identity policy that names
specific resources then does not cover it, which is the stricter answer. The local AWS's operator holds
``Resource: "*"``, so only the principals with scoped policies (the Rails app, MediaConvert's role) depend on
exact ARNs, and theirs are all worked out.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import unquote

from local_aws import s3_policy

#: Actions IAM never refuses ("GetCallerIdentity": no permissions are required, and an explicit deny has no effect).
ALWAYS_ALLOWED = frozenset({"sts:GetCallerIdentity"})

#: The botocore service of a SigV4 credential scope's service name.
SERVICES = {
    "s3": "s3",
    "iam": "iam",
    "sts": "sts",
    "secretsmanager": "secretsmanager",
    "acm": "acm",
    "events": "events",
    "sns": "sns",
    "sqs": "sqs",
    "route53": "route53",
    "cloudfront": "cloudfront",
    "mediaconvert": "mediaconvert",
    "kms": "kms",
    "ssm": "ssm",
    "logs": "logs",
    "wafv2": "wafv2",
}

MEDIACONVERT_SERVICE = "mediaconvert.amazonaws.com"


@dataclass
class Operation:
    """An API operation, the IAM action it needs and what it acts on."""

    service: str
    name: str
    action: str
    resources: list[str]
    params: dict[str, Any] = field(default_factory=dict)
    #: Further (action, resource, condition keys) the operation needs besides ``action`` on ``resources``.
    extra: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    condition_values: dict[str, Any] = field(default_factory=dict)
    body: bytes = b""

    def checks(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every (action, resource, condition keys) that must be allowed."""
        for resource in self.resources:
            yield self.action, resource, self.condition_values
        yield from self.extra


@functools.cache
def _model(service: str) -> Any:
    import botocore.session  # noqa: PLC0415

    return botocore.session.get_session().get_service_model(service)


def protocol_of(service: str | None) -> str:
    """``s3`` for S3, else the protocol of the service model (``query``, ``json``, ``rest-json``, ``rest-xml``)."""
    if not service or service == "s3":
        return "s3"
    name = SERVICES.get(service)
    if name is None:
        return "query"
    return str(_model(name).metadata.get("protocol", "query"))


@functools.cache
def _json_targets() -> dict[str, str]:
    return {
        str(_model(name).metadata["targetPrefix"]): signing
        for signing, name in SERVICES.items()
        if _model(name).metadata.get("protocol") == "json"
    }


_REST_PREFIXES = {"/2020-05-31/": "cloudfront", "/2017-08-29/": "mediaconvert", "/2013-04-01/": "route53"}


def guess_unsigned_service(environ: dict[str, Any]) -> str:
    """The service an unsigned request is for: S3 unless it carries another protocol's marks."""
    target = str(environ.get("HTTP_X_AMZ_TARGET") or "")
    if target:
        return _json_targets().get(target.split(".", 1)[0], "json-service")
    path = str(environ.get("PATH_INFO") or "")
    for prefix, service in _REST_PREFIXES.items():
        if path.startswith(prefix):
            return service
    query = str(environ.get("QUERY_STRING") or "")
    body = environ.get("local_aws.body") or b""
    content_type = str(environ.get("CONTENT_TYPE") or "")
    if re.search(r"(^|&)Action=", query) or (
        content_type.startswith("application/x-www-form-urlencoded") and re.match(rb"(.*&)?Action=", body)
    ):
        return "query-service"
    return "s3"


def _query_params(environ: dict[str, Any], body: bytes) -> dict[str, str]:
    params = {}
    for source in (str(environ.get("QUERY_STRING") or ""), body.decode("utf-8", "replace")):
        for item in source.split("&") if source else []:
            key, _, value = item.partition("=")
            params[unquote(key.replace("+", " "))] = unquote(value.replace("+", " "))
    return params


@functools.cache
def _rest_routes(service: str) -> list[tuple[str, re.Pattern[str], tuple[str, ...], int, str]]:
    routes = []
    model = _model(service)
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = http["requestUri"]
        path, _, query = uri.partition("?")
        literal = len(re.sub(r"\{[^}]+\}", "", path))
        pattern = ""
        for token in re.split(r"(\{[^}]+\})", path):
            if token.startswith("{"):
                member = token[1:-1]
                greedy = member.endswith("+")
                pattern += f"(?P<{re.sub(r'[^A-Za-z0-9_]', '_', member.rstrip('+'))}>{'.+' if greedy else '[^/]+'})"
            else:
                pattern += re.escape(token)
        required = tuple(part.split("=", 1)[0] for part in query.split("&") if part)
        routes.append((http["method"], re.compile(pattern + "/?$"), required, literal, name))
    return routes


def _rest_operation(service: str, method: str, path: str, query_keys: set[str]) -> tuple[str, dict[str, str]] | None:
    best = None
    for route_method, pattern, required, literal, name in _rest_routes(service):
        if route_method != method or not set(required) <= query_keys:
            continue
        match = pattern.match(path)
        if match is None:
            continue
        score = (len(required), literal)
        if best is None or score > best[0]:
            best = (score, name, {k: unquote(v) for k, v in match.groupdict().items()})
    return None if best is None else (best[1], best[2])


def resolve(service: str, environ: dict[str, Any], body: bytes, region: str, account_id: str) -> Operation | None:
    """The operation a request performs, with its IAM action and resources; None when the model has no match."""
    if service == "s3":
        return resolve_s3(environ, body)
    botocore_name = SERVICES.get(service)
    if botocore_name is None:
        return Operation(service, "Unknown", f"{service}:*", ["*"])
    protocol = protocol_of(service)
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    params: dict[str, Any] = {}
    if protocol == "json":
        target = str(environ.get("HTTP_X_AMZ_TARGET") or "")
        name = target.split(".", 1)[-1] if target else ""
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            params = {}
    elif protocol == "query":
        params = _query_params(environ, body)
        name = params.get("Action", "")
    else:
        path = str(environ.get("PATH_INFO") or "/")
        query_keys = {k for k in _query_params(environ, b"")}
        found = _rest_operation(botocore_name, method, path, query_keys)
        if found is None:
            return None
        name, params = found
        if body and protocol == "rest-json":
            try:
                params.update(json.loads(body))
            except ValueError:
                pass
    if not name:
        return None
    operation = Operation(service, name, f"{service}:{name}", ["*"], params, body=body)
    builder = _RESOURCES.get(service)
    if builder is not None:
        builder(operation, region, account_id)
    return operation


# --------------------------------------------------------------------------------------------------
# Resource ARNs per service
# --------------------------------------------------------------------------------------------------


def _secretsmanager(operation: Operation, region: str, account_id: str) -> None:
    params = operation.params
    secret_id = params.get("SecretId") or params.get("Name")
    if not isinstance(secret_id, str):
        return
    if secret_id.startswith("arn:"):
        operation.resources = [secret_id]
        return
    try:
        from moto.secretsmanager.models import secretsmanager_backends  # noqa: PLC0415

        secrets = secretsmanager_backends[account_id][region].secrets
        secret = secrets.get(secret_id) if hasattr(secrets, "get") else None
        arn = getattr(secret, "arn", None)
    except Exception:
        arn = None
    operation.resources = [arn or f"arn:aws:secretsmanager:{region}:{account_id}:secret:{secret_id}-??????"]


def _mediaconvert_name_arn(kind: str, value: Any, region: str, account_id: str) -> str:
    value = str(value)
    if value.startswith("arn:"):
        return value
    return f"arn:aws:mediaconvert:{region}:{account_id}:{kind}/{value}"


def _mediaconvert(operation: Operation, region: str, account_id: str) -> None:
    params = operation.params
    name = operation.name
    base = f"arn:aws:mediaconvert:{region}:{account_id}"
    if name == "CreateJob":
        resources = [
            _mediaconvert_name_arn(
                "queues", params.get("queue") or params.get("Queue") or "Default", region, account_id
            )
        ]
        template = params.get("jobTemplate") or params.get("JobTemplate")
        if template:
            resources.append(_mediaconvert_name_arn("jobTemplates", template, region, account_id))
        operation.resources = resources
        role = params.get("role") or params.get("Role")
        if role:
            operation.extra.append(("iam:PassRole", str(role), {"iam:PassedToService": MEDIACONVERT_SERVICE}))
        if params.get("tags") or params.get("Tags"):
            operation.extra.append(("mediaconvert:TagResource", f"{base}:jobs/*", {}))
    elif name in ("GetJob", "CancelJob"):
        operation.resources = [f"{base}:jobs/{params.get('Id', '*')}"]
    elif name == "ListJobs":
        queue = params.get("queue") or params.get("Queue")
        queue_arn = _mediaconvert_name_arn("queues", queue, region, account_id) if queue else f"{base}:queues/*"
        operation.resources = [queue_arn]
    elif name.endswith("Queue") and "Name" in params:
        operation.resources = [f"{base}:queues/{params['Name']}"]
    elif name.endswith("JobTemplate") and "Name" in params:
        operation.resources = [f"{base}:jobTemplates/{params['Name']}"]
    elif name.endswith("Preset") and "Name" in params:
        operation.resources = [f"{base}:presets/{params['Name']}"]
    elif name in ("TagResource", "UntagResource", "ListTagsForResource"):
        arn = params.get("Arn") or params.get("arn")
        if arn:
            operation.resources = [str(arn)]
    elif name in ("CreateQueue", "CreateJobTemplate", "CreatePreset"):
        kind = {"CreateQueue": "queues", "CreateJobTemplate": "jobTemplates", "CreatePreset": "presets"}[name]
        operation.resources = [f"{base}:{kind}/{params.get('name') or params.get('Name') or '*'}"]


def _iam(operation: Operation, region: str, account_id: str) -> None:
    params = operation.params
    prefix = f"arn:aws:iam::{account_id}"
    if "PolicyArn" in params and operation.name not in (
        "AttachRolePolicy",
        "AttachUserPolicy",
        "AttachGroupPolicy",
        "DetachRolePolicy",
        "DetachUserPolicy",
        "DetachGroupPolicy",
    ):
        operation.resources = [params["PolicyArn"]]
    elif "RoleName" in params:
        operation.resources = [f"{prefix}:role{params.get('Path', '/')}{params['RoleName']}"]
    elif "UserName" in params:
        operation.resources = [f"{prefix}:user{params.get('Path', '/')}{params['UserName']}"]
    elif "GroupName" in params:
        operation.resources = [f"{prefix}:group/{params['GroupName']}"]
    elif "PolicyName" in params and operation.name == "CreatePolicy":
        operation.resources = [f"{prefix}:policy{params.get('Path', '/')}{params['PolicyName']}"]
    elif "InstanceProfileName" in params:
        operation.resources = [f"{prefix}:instance-profile/{params['InstanceProfileName']}"]


def _sts(operation: Operation, region: str, account_id: str) -> None:
    if operation.name == "AssumeRole" and operation.params.get("RoleArn"):
        operation.action = "sts:AssumeRole"
        operation.resources = []
        values = {"sts:RoleSessionName": operation.params.get("RoleSessionName", "")}
        if "ExternalId" in operation.params:
            values["sts:ExternalId"] = operation.params["ExternalId"]
        operation.extra.append(("sts:AssumeRole", operation.params["RoleArn"], values))


def _cloudfront(operation: Operation, region: str, account_id: str) -> None:
    identifier = operation.params.get("Id")
    if identifier and "Distribution" in operation.name:
        operation.resources = [f"arn:aws:cloudfront::{account_id}:distribution/{identifier}"]
    if operation.name == "CreateDistributionWithTags":
        # CloudFront API reference, CreateDistributionWithTags: "This API operation requires the following IAM
        # permissions: CreateDistribution, TagResource" (there is no cloudfront:CreateDistributionWithTags action).
        operation.action = "cloudfront:CreateDistribution"
        operation.resources = [f"arn:aws:cloudfront::{account_id}:distribution/*"]
        operation.extra.append(("cloudfront:TagResource", f"arn:aws:cloudfront::{account_id}:distribution/*", {}))


_RESOURCES = {
    "secretsmanager": _secretsmanager,
    "mediaconvert": _mediaconvert,
    "iam": _iam,
    "sts": _sts,
    "cloudfront": _cloudfront,
}


def assume_role_allowed(role_arn: str, context: s3_policy.RequestContext) -> bool:
    """``sts:AssumeRole`` by an IAM identity: the role's trust policy must allow the caller, and so must the caller's
    own identity policies (IAM user guide, "Granting a user permissions to switch roles"). A trust policy naming the
    user explicitly would be enough on AWS within one account; the local AWS also wants the identity allow."""
    from moto.iam.models import iam_backends  # noqa: PLC0415

    from local_aws import iam_auth  # noqa: PLC0415

    try:
        account_id = role_arn.split(":")[4]
        role = iam_backends[account_id]["aws"].get_role_by_arn(role_arn)
    except Exception:
        return False
    trust = s3_policy.evaluate(role.assume_role_policy_document, "sts:AssumeRole", role_arn, context)
    if trust is not s3_policy.Decision.ALLOW:
        return False
    return iam_auth.identity_decision("sts:AssumeRole", role_arn, context) is s3_policy.Decision.ALLOW


# --------------------------------------------------------------------------------------------------
# S3
# --------------------------------------------------------------------------------------------------

#: Bucket subresource -> IAM action per method (the S3 user guide, "Required permissions for Amazon S3 API
#: operations"); DELETE of a configuration needs the Put action.
_BUCKET_SUBRESOURCES: dict[str, dict[str, str]] = {
    "policy": {"GET": "GetBucketPolicy", "PUT": "PutBucketPolicy", "DELETE": "DeleteBucketPolicy"},
    "policyStatus": {"GET": "GetBucketPolicyStatus"},
    "acl": {"GET": "GetBucketAcl", "PUT": "PutBucketAcl"},
    "cors": {"GET": "GetBucketCORS", "PUT": "PutBucketCORS", "DELETE": "PutBucketCORS"},
    "lifecycle": {
        "GET": "GetLifecycleConfiguration",
        "PUT": "PutLifecycleConfiguration",
        "DELETE": "PutLifecycleConfiguration",
    },
    "encryption": {
        "GET": "GetEncryptionConfiguration",
        "PUT": "PutEncryptionConfiguration",
        "DELETE": "PutEncryptionConfiguration",
    },
    "versioning": {"GET": "GetBucketVersioning", "PUT": "PutBucketVersioning"},
    "publicAccessBlock": {
        "GET": "GetBucketPublicAccessBlock",
        "PUT": "PutBucketPublicAccessBlock",
        "DELETE": "PutBucketPublicAccessBlock",
    },
    "ownershipControls": {
        "GET": "GetBucketOwnershipControls",
        "PUT": "PutBucketOwnershipControls",
        "DELETE": "PutBucketOwnershipControls",
    },
    "tagging": {"GET": "GetBucketTagging", "PUT": "PutBucketTagging", "DELETE": "PutBucketTagging"},
    "notification": {"GET": "GetBucketNotification", "PUT": "PutBucketNotification"},
    "logging": {"GET": "GetBucketLogging", "PUT": "PutBucketLogging"},
    "location": {"GET": "GetBucketLocation"},
    "website": {"GET": "GetBucketWebsite", "PUT": "PutBucketWebsite", "DELETE": "DeleteBucketWebsite"},
    "uploads": {"GET": "ListBucketMultipartUploads"},
    "versions": {"GET": "ListBucketVersions"},
    "accelerate": {"GET": "GetAccelerateConfiguration", "PUT": "PutAccelerateConfiguration"},
    "requestPayment": {"GET": "GetBucketRequestPayment", "PUT": "PutBucketRequestPayment"},
    "object-lock": {"GET": "GetBucketObjectLockConfiguration", "PUT": "PutBucketObjectLockConfiguration"},
    "replication": {
        "GET": "GetReplicationConfiguration",
        "PUT": "PutReplicationConfiguration",
        "DELETE": "PutReplicationConfiguration",
    },
    "analytics": {
        "GET": "GetAnalyticsConfiguration",
        "PUT": "PutAnalyticsConfiguration",
        "DELETE": "PutAnalyticsConfiguration",
    },
    "metrics": {
        "GET": "GetMetricsConfiguration",
        "PUT": "PutMetricsConfiguration",
        "DELETE": "PutMetricsConfiguration",
    },
    "inventory": {
        "GET": "GetInventoryConfiguration",
        "PUT": "PutInventoryConfiguration",
        "DELETE": "PutInventoryConfiguration",
    },
    "intelligent-tiering": {
        "GET": "GetIntelligentTieringConfiguration",
        "PUT": "PutIntelligentTieringConfiguration",
        "DELETE": "PutIntelligentTieringConfiguration",
    },
}

_OBJECT_SUBRESOURCES: dict[str, dict[str, str]] = {
    "acl": {"GET": "GetObjectAcl", "PUT": "PutObjectAcl"},
    "tagging": {"GET": "GetObjectTagging", "PUT": "PutObjectTagging", "DELETE": "DeleteObjectTagging"},
    "attributes": {"GET": "GetObjectAttributes"},
    "retention": {"GET": "GetObjectRetention", "PUT": "PutObjectRetention"},
    "legal-hold": {"GET": "GetObjectLegalHold", "PUT": "PutObjectLegalHold"},
    "restore": {"POST": "RestoreObject"},
    "uploads": {"POST": "PutObject"},
}

#: Object actions with a ``...Version`` form when the request names a version.
_VERSIONED = {
    "GetObject",
    "DeleteObject",
    "GetObjectAcl",
    "PutObjectAcl",
    "GetObjectTagging",
    "PutObjectTagging",
    "DeleteObjectTagging",
    "GetObjectAttributes",
}


def _raw_path(environ: dict[str, Any]) -> str:
    raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO") or "/")
    return raw.split("?", 1)[0]


def resolve_s3(environ: dict[str, Any], body: bytes) -> Operation:
    """The IAM action(s) and ARNs of a path-style S3 request."""
    method = str(environ.get("REQUEST_METHOD", "GET")).upper()
    raw = _raw_path(environ).lstrip("/")
    bucket, _, raw_key = raw.partition("/")
    bucket = unquote(bucket)
    key = unquote(raw_key)
    query = _query_params(environ, b"")
    values: dict[str, Any] = {
        "s3:signatureversion": "AWS4-HMAC-SHA256",
        "s3:authType": "REST-QUERY-STRING" if "X-Amz-Signature" in query else "REST-HEADER",
    }
    headers = {k[5:].replace("_", "-").lower(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
    for header in (
        "x-amz-acl",
        "x-amz-server-side-encryption",
        "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-storage-class",
        "x-amz-copy-source",
        "x-amz-metadata-directive",
    ):
        if header in headers:
            values[f"s3:{header}"] = headers[header]
    for header, value in headers.items():
        if header.startswith("x-amz-grant-"):
            values[f"s3:{header}"] = value
    if not bucket:
        return Operation("s3", "ListBuckets", "s3:ListAllMyBuckets", ["*"], condition_values=values)
    bucket_arn = f"arn:aws:s3:::{bucket}"
    if not raw_key:
        for sub, actions in _BUCKET_SUBRESOURCES.items():
            if sub in query:
                action = actions.get(method)
                if action is None:
                    break
                return Operation(
                    "s3", action, f"s3:{action}", [bucket_arn], dict(query), condition_values=values, body=body
                )
        if "delete" in query and method == "POST":
            return _delete_objects(bucket, body, values)
        for name in ("prefix", "delimiter", "max-keys"):
            if name in query:
                values[f"s3:{name}"] = query[name]
        action = {
            "GET": "ListBucket",
            "HEAD": "ListBucket",
            "PUT": "CreateBucket",
            "DELETE": "DeleteBucket",
            "POST": "PutObject",
        }.get(method, "ListBucket")
        name = {"ListBucket": "ListObjectsV2" if query.get("list-type") == "2" else "ListObjects"}.get(action, action)
        if method == "HEAD":
            name = "HeadBucket"
        resources = [f"{bucket_arn}/*" if action == "PutObject" else bucket_arn]
        return Operation("s3", name, f"s3:{action}", resources, dict(query), condition_values=values)
    object_arn = f"{bucket_arn}/{key}"
    operation = None
    if "uploadId" in query:
        action = {
            "PUT": "PutObject",
            "POST": "PutObject",
            "DELETE": "AbortMultipartUpload",
            "GET": "ListMultipartUploadParts",
        }.get(method, "PutObject")
        operation = Operation(
            "s3", "Multipart" + method.title(), f"s3:{action}", [object_arn], dict(query), condition_values=values
        )
    else:
        for sub, actions in _OBJECT_SUBRESOURCES.items():
            if sub in query and method in actions:
                action = actions[method]
                operation = Operation("s3", action, f"s3:{action}", [object_arn], dict(query), condition_values=values)
                break
    if operation is None:
        action = {
            "GET": "GetObject",
            "HEAD": "GetObject",
            "PUT": "PutObject",
            "DELETE": "DeleteObject",
            "POST": "PutObject",
        }.get(method, "GetObject")
        name = {"HEAD": "HeadObject"}.get(method, action)
        operation = Operation("s3", name, f"s3:{action}", [object_arn], dict(query), condition_values=values)
    base = operation.action.split(":", 1)[1]
    if "versionId" in query and base in _VERSIONED:
        operation.action = f"s3:{base}Version"
    if method == "PUT" and "x-amz-copy-source" in headers:
        source = unquote(headers["x-amz-copy-source"]).lstrip("/")
        source_key, _, version = source.partition("?versionId=")
        operation.extra.append(
            ("s3:GetObjectVersion" if version else "s3:GetObject", f"arn:aws:s3:::{source_key}", values)
        )
    if operation.action == "s3:PutObject" and method == "PUT" and "uploadId" not in query:
        if "x-amz-acl" in headers or any(h.startswith("x-amz-grant-") for h in headers):
            operation.extra.append(("s3:PutObjectAcl", object_arn, values))
        if "x-amz-tagging" in headers:
            operation.extra.append(("s3:PutObjectTagging", object_arn, values))
    return operation


def _delete_objects(bucket: str, body: bytes, values: dict[str, Any]) -> Operation:
    """``DeleteObjects`` needs ``s3:DeleteObject`` (or ``s3:DeleteObjectVersion``) on every key it names."""
    operation = Operation("s3", "DeleteObjects", "s3:DeleteObject", [], condition_values=values, body=body)
    text = body.decode("utf-8", "replace")
    for item in re.findall(r"<Object>(.*?)</Object>", text, re.DOTALL):
        key = re.search(r"<Key>(.*?)</Key>", item, re.DOTALL)
        if key is None:
            continue
        name = key.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
        action = "s3:DeleteObjectVersion" if "<VersionId>" in item else "s3:DeleteObject"
        operation.extra.append((action, f"arn:aws:s3:::{bucket}/{name}", values))
    if not operation.extra:
        operation.resources = [f"arn:aws:s3:::{bucket}/*"]
    return operation


def bucket_of_resource(resource: str) -> Any:
    """The moto bucket an ``arn:aws:s3:::bucket[/key]`` names, or None."""
    if not resource.startswith("arn:aws:s3:::"):
        return None
    return s3_policy.moto_bucket(resource[len("arn:aws:s3:::") :].split("/", 1)[0])


def check_block_public_policy(operation: Operation) -> None:
    """``PutBucketPolicy`` of a public policy on a bucket with BlockPublicPolicy is refused (the S3 user guide,
    "Blocking public access to your Amazon S3 storage": "Amazon S3 rejects calls to PUT Bucket policy if the
    specified bucket policy allows public access")."""
    from local_aws.iam_auth import AuthError  # noqa: PLC0415  (iam_auth imports this module)

    bucket = bucket_of_resource(operation.resources[0]) if operation.resources else None
    block = s3_policy.block_public_access(bucket) if bucket is not None else None
    if block is None or not block.block_public_policy:
        return
    try:
        policy = json.loads(operation.body or b"{}")
    except ValueError:
        return  # moto answers MalformedPolicy
    if s3_policy.is_public_policy(policy):
        raise AuthError(403, "AccessDenied", "Access Denied", "block-public-policy")


#: Canned ACLs that grant to everyone or to every AWS account (S3 user guide, "Access control list (ACL)
#: overview", "Canned ACL").
PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
_PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


def check_block_public_acls(operation: Operation) -> None:
    """With BlockPublicAcls, S3 refuses a request that sets a public ACL (the S3 user guide, "Blocking public access
    to your Amazon S3 storage": "PUT Bucket acl and PUT Object acl calls fail if the specified ACL is public", and
    so do PUT Object calls with a public ACL)."""
    from local_aws.iam_auth import AuthError  # noqa: PLC0415  (iam_auth imports this module)

    acl = str(operation.condition_values.get("s3:x-amz-acl", "")).lower()
    grants = " ".join(str(v) for k, v in operation.condition_values.items() if k.startswith("s3:x-amz-grant-"))
    body = operation.body.decode("utf-8", "replace") if operation.name in ("PutBucketAcl", "PutObjectAcl") else ""
    public = acl in PUBLIC_CANNED_ACLS or any(g in grants or g in body for g in _PUBLIC_GRANTEES)
    if not public or not operation.resources:
        return
    bucket = bucket_of_resource(operation.resources[0])
    block = s3_policy.block_public_access(bucket) if bucket is not None else None
    if block is not None and block.block_public_acls:
        raise AuthError(403, "AccessDenied", "Access Denied", "block-public-acls")


__all__ = [
    "ALWAYS_ALLOWED",
    "Operation",
    "assume_role_allowed",
    "bucket_of_resource",
    "check_block_public_acls",
    "check_block_public_policy",
    "guess_unsigned_service",
    "protocol_of",
    "resolve",
    "resolve_s3",
]
