"""Issue 12, item 5: what Prowler asked of the stack, on the local inventory.

- the access logs bucket and the S3 server access logging of both buckets into it (S3 User Guide, "Enabling Amazon
  S3 server access logging", https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html);
- EventBridge notifications of the master bucket (S3 User Guide, "Using EventBridge",
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html);
- the resource policy of the private-key secret (Secrets Manager User Guide, "Resource-based policies",
  https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html).

Each: the resources after a converge, a second run that writes nothing, check mode that predicts, drift repaired.
"""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

MASTER = "storytime-master-uploads-local"
HLS = "storytime-hls-outputs-local"
LOGS = "storytime-access-logs-local"
SECRET = "storytime/local/cloudfront_private_key"
ACCOUNT = "123456789012"
OPERATOR = f"arn:aws:iam::{ACCOUNT}:user/local-operator"
RAILS = f"arn:aws:iam::{ACCOUNT}:user/storytime-local-rails"
TRUST_ECS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
PAB_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def notifications(s3, bucket):
    response = s3.get_bucket_notification_configuration(Bucket=bucket)
    response.pop("ResponseMetadata")
    return response


def secret_policy(aws):
    policy = aws.client("secretsmanager").get_resource_policy(SecretId=SECRET).get("ResourcePolicy")
    return json.loads(policy) if policy else None


def test_converge_logs_both_buckets_into_a_private_logs_bucket_and_sends_master_events(playbook, s3):
    run = playbook.run(tags="storage")
    assert run.rc == 0, run.stdout + run.stderr

    # The logs bucket: private, owner enforced, TLS only, SSE-S3, expiring, no versioning.
    assert s3.get_public_access_block(Bucket=LOGS)["PublicAccessBlockConfiguration"] == PAB_ALL
    ownership = s3.get_bucket_ownership_controls(Bucket=LOGS)["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    sse = s3.get_bucket_encryption(Bucket=LOGS)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert sse["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert "Status" not in s3.get_bucket_versioning(Bucket=LOGS)
    rules = {r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=LOGS)["Rules"]}
    assert rules["expire-access-logs"]["Expiration"] == {"Days": 365}
    policy = {s["Sid"]: s for s in json.loads(s3.get_bucket_policy(Bucket=LOGS)["Policy"])["Statement"]}
    assert set(policy) == {
        "DenyInsecureTransport",
        "AllowS3ServerAccessLogsOfMasterUploads",
        "AllowS3ServerAccessLogsOfHlsOutputs",
        "AllowCloudFrontStandardLogs",
    }
    for sid, source in (
        ("AllowS3ServerAccessLogsOfMasterUploads", MASTER),
        ("AllowS3ServerAccessLogsOfHlsOutputs", HLS),
    ):
        assert policy[sid] == {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{LOGS}/s3/{source}/*",
            "Condition": {
                "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{source}"},
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
            },
        }
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=LOGS)
    assert notifications(s3, LOGS) == {}

    # Both buckets log into it, each under its own prefix; the master bucket's events go to EventBridge.
    for source in (MASTER, HLS):
        assert s3.get_bucket_logging(Bucket=source)["LoggingEnabled"] == {
            "TargetBucket": LOGS,
            "TargetPrefix": f"s3/{source}/",
        }
    assert notifications(s3, MASTER) == {"EventBridgeConfiguration": {}}
    assert notifications(s3, HLS) == {}

    again = playbook.run(tags="storage")
    assert again.rc == 0, again.stdout + again.stderr
    assert again.stats()["changed"] == 0
    assert again.writes == []
    check = playbook.run(tags="storage", check=True, diff=True)
    assert check.stats()["changed"] == 0
    assert check.writes == []


def test_check_predicts_the_logs_bucket_on_a_fresh_account_and_writes_nothing(playbook, s3):
    check = playbook.run(tags="storage", check=True, diff=True, json_output=False)
    assert check.rc == 0, check.stdout + check.stderr
    assert check.writes == []
    assert s3.list_buckets()["Buckets"] == []
    for text in (LOGS, "expire-access-logs", "logging.s3.amazonaws.com", f"s3/{MASTER}/", "eventbridge_notifications"):
        assert text in check.stdout, text


def test_foreign_notifications_and_lost_logging_are_reported_and_repaired(playbook, aws, s3):
    assert playbook.run(tags="storage").rc == 0
    sqs = aws.client("sqs")
    queue_url = sqs.create_queue(QueueName="foreign")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=MASTER,
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}],
            "EventBridgeConfiguration": {},
        },
    )
    s3.put_bucket_logging(Bucket=HLS, BucketLoggingStatus={})

    check = playbook.run(tags="storage", check=True)
    assert check.rc == 0, check.stdout + check.stderr
    assert check.writes == []
    (master,) = check.task_results("Master uploads bucket")
    assert master["changed_settings"] == ["notifications"]
    assert master["bucket"]["notification_configuration"] == {}
    (hls,) = check.task_results("HLS outputs bucket")
    assert hls["changed_settings"] == ["access_logging"]

    repair = playbook.run(tags="storage")
    assert repair.rc == 0, repair.stdout + repair.stderr
    assert sorted(repair.writes) == ["PutBucketLogging", "PutBucketNotificationConfiguration"]
    assert notifications(s3, MASTER) == {"EventBridgeConfiguration": {}}
    assert s3.get_bucket_logging(Bucket=HLS)["LoggingEnabled"]["TargetBucket"] == LOGS


def test_access_logging_off_turns_the_buckets_logging_off(playbook, s3):
    assert playbook.run(tags="storage").rc == 0

    run = playbook.run(tags="storage", extra_vars={"storage_access_logs_enabled": False})
    assert run.rc == 0, run.stdout + run.stderr

    for source in (MASTER, HLS):
        assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=source)
    assert LOGS in {b["Name"] for b in s3.list_buckets()["Buckets"]}, "the logs bucket itself is left alone"


def test_the_secret_denies_everyone_but_the_app_and_the_operator(playbook, aws):
    run = playbook.run(tags="secrets")
    assert run.rc == 0, run.stdout + run.stderr

    policy = secret_policy(aws)
    assert policy["Statement"] == [
        {
            "Sid": "DenyAllButTheAppAndTheOperators",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "secretsmanager:*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalArn": [OPERATOR, RAILS]}},
        },
        {
            "Sid": "TheAppOnlyReads",
            "Effect": "Deny",
            "Principal": {"AWS": [RAILS]},
            "NotAction": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            "Resource": "*",
        },
    ]

    again = playbook.run(tags="secrets")
    assert again.stats()["changed"] == 0
    assert again.writes == []

    # A policy changed out of band is reported by --check and put back.
    aws.client("secretsmanager").put_resource_policy(
        SecretId=SECRET,
        ResourcePolicy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": OPERATOR}, "Action": "secretsmanager:*", "Resource": "*"}
                ],
            }
        ),
    )
    check = playbook.run(tags="secrets", check=True)
    assert check.stats()["changed"] == 1
    assert check.writes == []
    repair = playbook.run(tags="secrets")
    assert repair.writes == ["PutResourcePolicy"]
    assert secret_policy(aws) == policy


def test_the_secret_keeps_its_policy_when_no_reader_is_known(playbook, aws):
    inventory = playbook.inventory(remove=("iam_roles_rails_attach_to_user",))
    run = playbook.run(inventory=inventory, tags="secrets")
    assert run.rc == 0, run.stdout + run.stderr

    assert secret_policy(aws) is None
    assert "PutResourcePolicy" not in run.writes


def test_extra_readers_and_writers_are_named_in_the_policy(playbook, aws):
    iam = aws.client("iam")
    reader = iam.create_role(RoleName="storytime-rails-task", Path="/app/", AssumeRolePolicyDocument=TRUST_ECS)
    reader_arn = reader["Role"]["Arn"]
    writer = f"arn:aws:iam::{ACCOUNT}:role/ops/storytime-operator"

    run = playbook.run(
        tags="secrets",
        extra_vars={"secrets_reader_principal_arns": [reader_arn], "secrets_writer_principal_arns": [writer]},
    )
    assert run.rc == 0, run.stdout + run.stderr

    deny, readers_only = secret_policy(aws)["Statement"]
    assert deny["Condition"]["StringNotEquals"]["aws:PrincipalArn"] == sorted([OPERATOR, RAILS, reader_arn, writer])
    assert readers_only["Principal"] == {"AWS": sorted([RAILS, reader_arn])}


def test_the_distribution_logs_into_the_logs_bucket_with_standard_logging_v2(converged, playbook, aws, s3):
    """CloudFront Developer Guide, "Configure standard logging (v2)"; CloudWatch Logs User Guide, "Logs sent to
    Amazon S3" (the bucket policy for delivery.logs.amazonaws.com, no ACLs):
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html"""
    run = converged
    assert run.rc == 0, run.failure_messages()
    logs = aws.client("logs", region_name="us-east-1")
    distribution = aws.client("cloudfront").list_distributions()["DistributionList"]["Items"][0]

    (source,) = logs.describe_delivery_sources()["deliverySources"]
    assert source["name"] == "storytime-local-hls"
    assert source["resourceArns"] == [distribution["ARN"]]
    assert source["logType"] == "ACCESS_LOGS"
    (destination,) = logs.describe_delivery_destinations()["deliveryDestinations"]
    assert destination["deliveryDestinationConfiguration"] == {
        "destinationResourceArn": f"arn:aws:s3:::{LOGS}/cloudfront"
    }
    assert destination["outputFormat"] == "json"
    (delivery,) = logs.describe_deliveries()["deliveries"]
    assert delivery["deliverySourceName"] == source["name"]
    assert delivery["deliveryDestinationArn"] == destination["arn"]

    policy = {s["Sid"]: s for s in json.loads(s3.get_bucket_policy(Bucket=LOGS)["Policy"])["Statement"]}
    assert policy["AllowCloudFrontStandardLogs"] == {
        "Sid": "AllowCloudFrontStandardLogs",
        "Effect": "Allow",
        "Principal": {"Service": "delivery.logs.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{LOGS}/cloudfront/AWSLogs/{ACCOUNT}/*",
        "Condition": {
            "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ACCOUNT},
            "ArnLike": {"aws:SourceArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:delivery-source:*"},
        },
    }

    again = playbook.run(tags="cloudfront")
    assert again.stats()["changed"] == 0
    assert again.writes == []

    # A delivery of the collection's source to a destination added out of band is reported and removed. (A source
    # has at most one delivery per destination type, so the foreign one goes to a log group.)
    foreign = logs.put_delivery_destination(
        name="foreign",
        deliveryDestinationConfiguration={
            "destinationResourceArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:foreign-cloudfront-logs"
        },
    )["deliveryDestination"]
    logs.create_delivery(deliverySourceName=source["name"], deliveryDestinationArn=foreign["arn"])
    check = playbook.run(tags="cloudfront", check=True)
    assert check.writes == []
    (result,) = check.task_results("Access logs of the distribution into the access logs bucket")
    assert result["changed"] is True
    repair = playbook.run(tags="cloudfront")
    assert repair.writes == ["DeleteDelivery"]
    assert [d["deliveryDestinationArn"] for d in logs.describe_deliveries()["deliveries"]] == [destination["arn"]]
