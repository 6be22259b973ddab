"""Read back what site.yml made on two emulators (the local AWS and LocalStack) and print where the answers differ.

    python dev/tools/compare_emulators.py --local-aws URL --local-aws-ca PEM --localstack URL

Both must have been converged with inventories/local and `--tags storage,secrets,iam,notifications` (what the
`localstack` molecule scenario runs). Each read is normalised before the comparison: account IDs, request IDs,
dates, the random suffix of a secret's ARN and HTTP metadata are replaced, so that what remains is what the two
emulators say about the same resources. The differences found are written down in docs/localstack.md, with which
emulator AWS agrees with.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys

import boto3
from botocore.exceptions import ClientError

REGION = "eu-west-1"
BUCKETS = ("storytime-master-uploads-local", "storytime-hls-outputs-local", "storytime-access-logs-local")
S3_READS = (
    "get_bucket_policy",
    "get_public_access_block",
    "get_bucket_ownership_controls",
    "get_bucket_encryption",
    "get_bucket_versioning",
    "get_bucket_lifecycle_configuration",
    "get_bucket_cors",
    "get_bucket_logging",
    "get_bucket_notification_configuration",
    "get_bucket_tagging",
)
SECRET = "storytime/local/cloudfront_private_key"
ROLE = "storytime-local-mediaconvert"
QUEUE = "storytime-local-mediaconvert-jobs"
RULE = "storytime-local-mediaconvert-jobs"

ACCOUNT = re.compile(r"\b\d{12}\b")
SECRET_SUFFIX = re.compile(r"(:secret:[^\"]+)-[A-Za-z0-9]{6}\b")
VOLATILE = {
    "ResponseMetadata",
    "CreatedDate",
    "LastChangedDate",
    "LastAccessedDate",
    "CreateDate",
    "RoleId",
    "VersionIdsToStages",
    "LastModifiedDate",
    "RoleLastUsed",
}


def normalise(value):
    if isinstance(value, dict):
        return {key: normalise(item) for key, item in sorted(value.items()) if key not in VOLATILE}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str):
        text = SECRET_SUFFIX.sub(r"\1-XXXXXX", ACCOUNT.sub("<account>", value))
        if text.startswith("{"):
            try:
                return normalise(json.loads(text))
            except ValueError:
                return text
        return text
    return value


def call(client, operation, **kwargs):
    try:
        return getattr(client, operation)(**kwargs)
    except ClientError as error:
        return {
            "Error": error.response["Error"].get("Code"),
            "Status": error.response["ResponseMetadata"].get("HTTPStatusCode"),
        }


def read_everything(endpoint: str, ca: str | bool) -> dict[str, object]:
    session = boto3.Session(
        aws_access_key_id="AKIALOCALAWSOPERATOR",
        aws_secret_access_key="local-aws-operator-secret-access-key",
        region_name=REGION,
    )

    def client(service):
        return session.client(service, endpoint_url=endpoint, verify=ca)

    s3, sm, iam, sqs, events = (client(name) for name in ("s3", "secretsmanager", "iam", "sqs", "events"))
    reads: dict[str, object] = {}
    for bucket in BUCKETS:
        for operation in S3_READS:
            reads[f"s3 {operation} {bucket}"] = call(s3, operation, Bucket=bucket)
    reads["secretsmanager describe_secret"] = call(sm, "describe_secret", SecretId=SECRET)
    reads["secretsmanager get_resource_policy"] = call(sm, "get_resource_policy", SecretId=SECRET)
    reads["secretsmanager get_secret_value"] = call(sm, "get_secret_value", SecretId=SECRET)
    reads["iam get_role"] = call(iam, "get_role", RoleName=ROLE)
    reads["iam list_attached_role_policies"] = call(iam, "list_attached_role_policies", RoleName=ROLE)
    reads["iam list_attached_user_policies"] = call(
        iam, "list_attached_user_policies", UserName="storytime-local-rails"
    )
    url = call(sqs, "get_queue_url", QueueName=QUEUE).get("QueueUrl")
    reads["sqs get_queue_attributes"] = (
        call(sqs, "get_queue_attributes", QueueUrl=url, AttributeNames=["Policy", "MessageRetentionPeriod"])
        if url
        else {"Error": "no queue"}
    )
    reads["sqs list_queue_tags"] = call(sqs, "list_queue_tags", QueueUrl=url) if url else {"Error": "no queue"}
    reads["events describe_rule"] = call(events, "describe_rule", Name=RULE)
    reads["events list_targets_by_rule"] = call(events, "list_targets_by_rule", Rule=RULE)
    return {name: normalise(answer) for name, answer in reads.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--local-aws", required=True)
    parser.add_argument("--local-aws-ca", required=True)
    parser.add_argument("--localstack", required=True)
    args = parser.parse_args(argv)
    ours = read_everything(args.local_aws, args.local_aws_ca)
    theirs = read_everything(args.localstack, False)
    differences = 0
    for name in ours:
        left = json.dumps(ours[name], indent=1, sort_keys=True).splitlines()
        right = json.dumps(theirs[name], indent=1, sort_keys=True).splitlines()
        if left != right:
            differences += 1
            print(f"## {name}")
            print("\n".join(difflib.unified_diff(left, right, "local AWS", "LocalStack", lineterm="", n=2)))
    print(f"{differences} of {len(ours)} reads differ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
