# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM policy documents of the Storytime video library: pure functions, no AWS call.

Three documents, built from explicit arguments so that the same inputs always give the same document
(the iam_roles role renders them through the filters in ``plugins/filter/iam_policies.py``; the unit tests
check every statement and lint every variant with parliament):

``mediaconvert_trust_policy``
    Who may assume the MediaConvert service role: ``mediaconvert.amazonaws.com`` only, and only for jobs of
    this account (``aws:SourceAccount``) in queues of this region (``aws:SourceArn``, which MediaConvert sets
    to the queue ARN; MediaConvert user guide, "Cross-service confused deputy prevention").

``mediaconvert_access_policy``
    What the role may do while it runs a job: read the master uploads bucket, write the HLS outputs bucket,
    optionally write to one CloudWatch Logs group, and use the buckets' KMS key through S3 only.

``rails_app_policy``
    What the Rails app needs: submit and read MediaConvert jobs, pass the MediaConvert role to MediaConvert
    (and to nothing else), read the CloudFront signing-key secret, presign uploads and downloads of masters,
    and use the KMS keys those need.

Resources are as narrow as the Service Authorization Reference allows:

* S3 object actions name ``arn:<p>:s3:::<bucket>/*``, bucket actions ``arn:<p>:s3:::<bucket>``.
* ``mediaconvert:CreateJob`` authorizes against the queue, the job template and the presets a job uses
  (resource types Queue, JobTemplate, Preset): ``queues/*``, ``jobTemplates/*`` and ``presets/*`` of this
  account and region. ``GetJob`` needs the Job resource (``jobs/*``), ``ListJobs`` the Queue resource
  (``queues/*``). ``DescribeEndpoints`` has no resource type, so it can only be granted on ``*`` (it is
  deprecated and off unless asked for).
* KMS statements name one key ARN, are limited to calls made by S3 (``kms:ViaService`` =
  ``s3.<region>.amazonaws.com``) and to the bucket(s) the statement is about through the encryption context
  S3 sets (``kms:EncryptionContext:aws:s3:arn``: the bucket ARN with an S3 bucket key, the object ARN without).

KMS keys must be given as key ARNs (``arn:<p>:kms:<region>:<account>:key/<id>``): IAM matches key ARNs, never
key IDs or aliases. A caller holding an ID or alias resolves it first (the iam_roles role does so with
amazon.aws.kms_key_info, which calls DescribeKey).
"""

import re

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc")
POLICY_VERSION = "2012-10-17"
MEDIACONVERT_SERVICE = "mediaconvert.amazonaws.com"

_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_ROLE_ARN = re.compile(r"^arn:(?P<partition>[a-z-]+):iam::(?P<account>\d{12}):role/(?:[\x21-\x7e]*/)?[\w+=,.@-]{1,64}$")
# A full secret ARN ends in "-" and 6 random characters; "-??????" matches them when only the name is known
# (Secrets Manager user guide, "Permissions policy examples": the 6 "?" match exactly those characters).
_SECRET_ARN = re.compile(
    r"^arn:(?P<partition>[a-z-]+):secretsmanager:(?P<region>[a-z]{2}(-[a-z]+)+-\d+):(?P<account>\d{12}):"
    r"secret:[\w/+=.@-]+-([A-Za-z0-9]{6}|\?{6})$"
)
_KEY_ARN = re.compile(
    r"^arn:(?P<partition>[a-z-]+):kms:(?P<region>[a-z]{2}(-[a-z]+)+-\d+):(?P<account>\d{12}):"
    r"key/(?:mrk-)?[0-9a-f-]{32,36}$"
)
_LOG_GROUP = re.compile(r"^[\w./#-]{1,512}$")
_SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")


def _check(pattern, value, what):
    if not isinstance(value, str) or not pattern.match(value):
        raise ValueError(f"{what} {value!r} is not valid")
    return value


def _check_partition(partition):
    if partition not in PARTITIONS:
        raise ValueError(f"partition {partition!r} is not an AWS partition ({', '.join(PARTITIONS)})")
    return partition


def _check_same_partition(arn_match, partition, what):
    if arn_match.group("partition") != partition:
        raise ValueError(f"{what} is in partition {arn_match.group('partition')!r}, not {partition!r}")


def key_arn_problem(value, partition="aws"):
    """Why ``value`` is not a KMS key ARN in ``partition`` usable in a policy, or ``None``."""
    if not isinstance(value, str) or not _KEY_ARN.match(value):
        return "is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>)"
    if value.split(":")[1] != partition:
        return f"is not in partition {partition!r}"
    return None


def _key_arn(value, partition, what):
    problem = key_arn_problem(value, partition)
    if problem:
        raise ValueError(f"{what} {value!r} {problem}; resolve key IDs and aliases to the key ARN first")
    return value


def secret_name_arn(account_id, partition, region, name):
    """The ARN pattern of the secret called ``name``: its full ARN with the random suffix as ``-??????``."""
    _check(_ACCOUNT, account_id, "account_id")
    _check_partition(partition)
    _check(_REGION, region, "region")
    _check(_SECRET_NAME, name, "secret name")
    return f"arn:{partition}:secretsmanager:{region}:{account_id}:secret:{name}-??????"


def _bucket_arn(partition, bucket):
    return f"arn:{partition}:s3:::{bucket}"


def _kms_s3_statement(sid, actions, key_arn, region, bucket_arns):
    """A KMS statement usable only by S3 in ``region``, only for objects of the given buckets."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": sorted(actions),
        "Resource": key_arn,
        "Condition": {
            "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
            # With an S3 bucket key the context is the bucket ARN, without it the object ARN.
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": [a for b in bucket_arns for a in (b, f"{b}/*")]},
        },
    }


def _document(statements):
    return {"Version": POLICY_VERSION, "Statement": statements}


def mediaconvert_trust_policy(account_id, partition="aws", region=None):
    """Trust policy of the MediaConvert service role.

    ``region`` limits the role to jobs in queues of that region (``aws:SourceArn``); ``None`` leaves only the
    account condition.
    """
    _check(_ACCOUNT, account_id, "account_id")
    _check_partition(partition)
    condition = {"StringEquals": {"aws:SourceAccount": account_id}}
    if region is not None:
        _check(_REGION, region, "region")
        condition["ArnLike"] = {"aws:SourceArn": f"arn:{partition}:mediaconvert:{region}:{account_id}:queues/*"}
    return _document(
        [
            {
                "Sid": "MediaConvertAssumesRoleForThisAccount",
                "Effect": "Allow",
                "Principal": {"Service": MEDIACONVERT_SERVICE},
                "Action": "sts:AssumeRole",
                "Condition": condition,
            }
        ]
    )


def mediaconvert_access_policy(
    account_id,
    *,
    partition,
    region,
    master_bucket,
    hls_bucket,
    kms_key_arn=None,
    log_group_name=None,
):
    """Permissions policy of the MediaConvert service role.

    ``kms_key_arn``: the SSE-KMS key of both buckets (``None`` for SSE-S3). ``log_group_name``: the CloudWatch
    Logs group the role may create and write to (``None``: no logs permissions).
    """
    _check(_ACCOUNT, account_id, "account_id")
    _check_partition(partition)
    _check(_REGION, region, "region")
    _check(_BUCKET, master_bucket, "master_bucket")
    _check(_BUCKET, hls_bucket, "hls_bucket")
    master = _bucket_arn(partition, master_bucket)
    hls = _bucket_arn(partition, hls_bucket)
    statements = [
        {
            "Sid": "ReadMasterUploads",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource": f"{master}/*",
        },
        {
            "Sid": "ListMasterUploadsBucket",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": master,
        },
        {
            "Sid": "WriteHlsOutputs",
            "Effect": "Allow",
            "Action": ["s3:AbortMultipartUpload", "s3:PutObject"],
            "Resource": f"{hls}/*",
        },
        {
            "Sid": "ListHlsOutputsBucket",
            "Effect": "Allow",
            "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
            "Resource": hls,
        },
    ]
    if kms_key_arn:
        _key_arn(kms_key_arn, partition, "kms_key_arn")
        # Reading an SSE-KMS object needs Decrypt; writing one needs GenerateDataKey, and Decrypt as well
        # for multipart uploads (the S3 user guide, "Using server-side encryption with AWS KMS keys").
        statements.append(_kms_s3_statement("DecryptMasterUploads", ["kms:Decrypt"], kms_key_arn, region, [master]))
        statements.append(
            _kms_s3_statement("EncryptHlsOutputs", ["kms:Decrypt", "kms:GenerateDataKey"], kms_key_arn, region, [hls])
        )
    if log_group_name:
        _check(_LOG_GROUP, log_group_name, "log_group_name")
        statements.append(
            {
                "Sid": "WriteJobLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                # The group's own ARN as IAM evaluates it ends in ":*"; streams are "<group>:log-stream:<name>".
                "Resource": f"arn:{partition}:logs:{region}:{account_id}:log-group:{log_group_name}:*",
            }
        )
    return _document(statements)


def rails_app_policy(
    account_id,
    *,
    partition,
    region,
    master_bucket,
    mediaconvert_role_arn,
    secret_arn,
    kms_key_arn=None,
    secret_kms_key_arn=None,
    list_jobs=True,
    describe_endpoints=False,
):
    """Permissions policy of the Rails app (a managed policy for its role or user).

    ``kms_key_arn``: the SSE-KMS key of the master uploads bucket (``None`` for SSE-S3).
    ``secret_kms_key_arn``: the customer managed key of the signing-key secret (``None`` when the secret uses
    the AWS managed key ``aws/secretsmanager``, which needs no IAM grant).
    ``describe_endpoints``: grant the deprecated ``mediaconvert:DescribeEndpoints`` (only ``Resource: *`` is
    possible for it).
    """
    _check(_ACCOUNT, account_id, "account_id")
    _check_partition(partition)
    _check(_REGION, region, "region")
    _check(_BUCKET, master_bucket, "master_bucket")
    role = _ROLE_ARN.match(mediaconvert_role_arn or "")
    if not role:
        raise ValueError(f"mediaconvert_role_arn {mediaconvert_role_arn!r} is not an IAM role ARN")
    _check_same_partition(role, partition, "mediaconvert_role_arn")
    secret = _SECRET_ARN.match(secret_arn or "")
    if not secret:
        raise ValueError(
            f"secret_arn {secret_arn!r} is not the full ARN of a Secrets Manager secret "
            "(arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>, "
            "or -?????? for the 6 characters)"
        )
    _check_same_partition(secret, partition, "secret_arn")
    mediaconvert = f"arn:{partition}:mediaconvert:{region}:{account_id}"
    master = _bucket_arn(partition, master_bucket)
    statements = [
        {
            "Sid": "SubmitMediaConvertJobs",
            "Effect": "Allow",
            "Action": "mediaconvert:CreateJob",
            "Resource": [f"{mediaconvert}:jobTemplates/*", f"{mediaconvert}:presets/*", f"{mediaconvert}:queues/*"],
        },
        {
            "Sid": "ReadMediaConvertJobs",
            "Effect": "Allow",
            "Action": "mediaconvert:GetJob",
            "Resource": f"{mediaconvert}:jobs/*",
        },
        {
            # Rails reads a master's height with Probe and sends the job document of its height class (the ladder
            # never has a rendition taller than the master; docs/hls-ladder.md). Probe has no resource type: "*" is
            # the only resource IAM accepts for it; the file is read with the caller's s3:GetObject below.
            "Sid": "ProbeMasters",
            "Effect": "Allow",
            "Action": "mediaconvert:Probe",
            "Resource": "*",
        },
    ]
    if list_jobs:
        statements.append(
            {
                "Sid": "ListMediaConvertJobs",
                "Effect": "Allow",
                "Action": "mediaconvert:ListJobs",
                "Resource": f"{mediaconvert}:queues/*",
            }
        )
    if describe_endpoints:
        statements.append(
            {
                "Sid": "DescribeMediaConvertEndpoints",
                "Effect": "Allow",
                "Action": "mediaconvert:DescribeEndpoints",
                # DescribeEndpoints has no resource type: "*" is the only resource IAM accepts for it.
                "Resource": "*",
            }
        )
    statements += [
        {
            "Sid": "PassMediaConvertRoleToMediaConvert",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": mediaconvert_role_arn,
            "Condition": {"StringEquals": {"iam:PassedToService": MEDIACONVERT_SERVICE}},
        },
        {
            "Sid": "ReadCloudFrontSigningKey",
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": secret_arn,
        },
        {
            "Sid": "PresignMasterUploads",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": f"{master}/*",
        },
    ]
    if kms_key_arn:
        _key_arn(kms_key_arn, partition, "kms_key_arn")
        # Presigned PUT/POST runs with the signer's permissions: GenerateDataKey to write, Decrypt to read and
        # to complete multipart uploads.
        statements.append(
            _kms_s3_statement(
                "UseMasterUploadsKey", ["kms:Decrypt", "kms:GenerateDataKey"], kms_key_arn, region, [master]
            )
        )
    if secret_kms_key_arn:
        _key_arn(secret_kms_key_arn, partition, "secret_kms_key_arn")
        condition = {"StringEquals": {"kms:ViaService": f"secretsmanager.{secret.group('region')}.amazonaws.com"}}
        # Secrets Manager's encryption context names the secret's full ARN; "??????" needs StringLike.
        context = {"kms:EncryptionContext:SecretARN": secret_arn}
        if secret_arn.endswith("??????"):
            condition["StringLike"] = context
        else:
            condition["StringEquals"].update(context)
        statements.append(
            {
                "Sid": "DecryptCloudFrontSigningKey",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": secret_kms_key_arn,
                "Condition": condition,
            }
        )
    return _document(statements)
