"""S3 bucket notifications to EventBridge in the local AWS (``dev/local-aws/local_aws/s3_notifications.py``).

S3 API reference, GetBucketNotificationConfiguration, response element ``EventBridgeConfiguration`` ("Enables
delivery of events to Amazon EventBridge"):
https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketNotificationConfiguration.html
S3 User Guide, "Enabling Amazon EventBridge":
https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-event-notifications-eventbridge.html
"""

from __future__ import annotations

import pytest

BUCKET = "storytime-notifications-local"


@pytest.fixture
def s3(aws):
    client = aws.client("s3")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return client


def configuration(s3) -> dict:
    response = s3.get_bucket_notification_configuration(Bucket=BUCKET)
    response.pop("ResponseMetadata")
    return response


def test_a_bucket_without_notifications_reports_none(s3):
    assert configuration(s3) == {}


def test_eventbridge_delivery_is_reported_once_enabled(s3):
    s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={"EventBridgeConfiguration": {}})

    assert configuration(s3) == {"EventBridgeConfiguration": {}}


def test_eventbridge_delivery_is_reported_beside_a_queue(aws, s3):
    sqs = aws.client("sqs")
    queue_url = sqs.create_queue(QueueName="uploads")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=BUCKET,
        NotificationConfiguration={
            "QueueConfigurations": [{"Id": "q", "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}],
            "EventBridgeConfiguration": {},
        },
    )

    got = configuration(s3)
    assert got["EventBridgeConfiguration"] == {}
    assert [q["QueueArn"] for q in got["QueueConfigurations"]] == [queue_arn]


def test_an_empty_configuration_turns_eventbridge_delivery_off(s3):
    s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={"EventBridgeConfiguration": {}})
    s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={})

    assert configuration(s3) == {}
