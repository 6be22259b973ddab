#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_standard_logging
version_added: 0.3.0
short_description: CloudFront standard logging (v2) of a distribution into an S3 bucket
description:
  - Manages the three CloudWatch Logs resources through which CloudFront standard logging (v2) delivers a
    distribution's access logs to Amazon S3 (CloudFront Developer Guide, "Configure standard logging (v2)"), a
    delivery source O(name) for the distribution (log type C(ACCESS_LOGS)), a delivery destination O(name)
    for the S3 bucket and prefix, and the delivery between them.
  - Unlike standard logging (legacy), v2 needs no ACL on the bucket, so the bucket can keep object ownership
    BucketOwnerEnforced; the bucket's policy must let C(delivery.logs.amazonaws.com) put objects (CloudWatch Logs
    User Guide, "Logs sent to Amazon S3").
  - CloudFront's delivery sources live in us-east-1; the module always calls CloudWatch Logs there, whatever
    O(region) says.
  - The delivery source is owned exclusively; a delivery from it to another destination is reported and deleted.
  - A second identical run reads and writes nothing; check mode predicts; C(--diff) shows before and after.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description: Name of the delivery source and of the delivery destination, 1 to 60 letters, digits, C(_) and C(-).
    type: str
    required: true
  state:
    description: V(present) creates or updates; V(absent) deletes the delivery, the source and the destination.
    type: str
    choices: [present, absent]
    default: present
  distribution_arn:
    description:
      - ARN of the distribution whose access logs are delivered. Required with O(state=present).
      - >-
        In check mode, also the prediction M(storytime.video_infra.cloudfront_distribution) returns for a
        distribution it would create (V((created by this run: distribution ARN <comment>\))): the plan then
        shows the delivery this run would set up.
    type: str
  destination_arn:
    description:
      - The S3 bucket ARN with an optional prefix, for example V(arn:aws:s3:::storytime-access-logs-prod/cloudfront).
        Logs land under C(<prefix>/AWSLogs/<account>/CloudFront/). Required with O(state=present).
    type: str
  output_format:
    description: Format of the log files.
    type: str
    choices: [json, plain, w3c, parquet]
    default: json
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Access logs of the HLS distribution into the logs bucket
  storytime.video_infra.cloudfront_standard_logging:
    name: storytime-prod-hls
    distribution_arn: "{{ distribution.distribution.arn }}"
    destination_arn: arn:aws:s3:::storytime-access-logs-prod/cloudfront

- name: Stop logging
  storytime.video_infra.cloudfront_standard_logging:
    name: storytime-prod-hls
    state: absent
"""

RETURN = r"""
standard_logging:
  description: The logging set-up after the task (predicted in check mode).
  returned: when O(state=present)
  type: complex
  contains:
    name:
      description: Name of the delivery source and destination.
      type: str
      returned: always
      sample: storytime-prod-hls
    distribution_arn:
      description: The distribution whose logs are delivered.
      type: str
      returned: always
    destination_arn:
      description: The S3 bucket and prefix.
      type: str
      returned: always
      sample: arn:aws:s3:::storytime-access-logs-prod/cloudfront
    output_format:
      description: Format of the log files.
      type: str
      returned: always
      sample: json
    delivery_id:
      description: ID of the delivery; null in check mode before it exists.
      type: str
      returned: always
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import create_or_adopt
from ansible_collections.storytime.video_infra.plugins.module_utils.common import is_created_by_this_run
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result
from ansible_collections.storytime.video_infra.plugins.module_utils.common import run_by_state

LOG_TYPE = "ACCESS_LOGS"
MISSING = ["ResourceNotFoundException"]


def paginate(client, method, key):
    pages = StorytimeErrorHandler.pages(method.replace("_", " "), getattr(client, method), {}, token="nextToken")
    return [item for page in pages for item in page.get(key) or []]


def read_state(client, name):
    """``(source, destination, deliveries of the source)`` as CloudWatch Logs describes them (``None`` if absent)."""
    source = next(
        (s for s in paginate(client, "describe_delivery_sources", "deliverySources") if s["name"] == name), None
    )
    destinations = paginate(client, "describe_delivery_destinations", "deliveryDestinations")
    destination = next((d for d in destinations if d["name"] == name), None)
    deliveries = []
    if source is not None:
        deliveries = [
            d for d in paginate(client, "describe_deliveries", "deliveries") if d.get("deliverySourceName") == name
        ]
    return source, destination, deliveries


def summary(name, source, destination, deliveries):
    if source is None and destination is None and not deliveries:
        return {}
    ours = [d for d in deliveries if destination and d.get("deliveryDestinationArn") == destination.get("arn")]
    return {
        "name": name,
        "distribution_arn": ((source or {}).get("resourceArns") or [None])[0],
        "destination_arn": ((destination or {}).get("deliveryDestinationConfiguration") or {}).get(
            "destinationResourceArn"
        ),
        "output_format": (destination or {}).get("outputFormat"),
        "delivery_id": ours[0]["id"] if ours else None,
        "other_deliveries": sorted(d["id"] for d in deliveries if d not in ours),
    }


def create_delivery(client, name, destination_arn):
    """The delivery from source ``name`` to ``destination_arn``, created, or adopted when CreateDelivery answers
    ConflictException ("The specified Delivery already exists"): a retry whose first attempt succeeded, or another
    run that created it in between."""

    def create():
        return StorytimeErrorHandler.call(
            f"create delivery {name}",
            client.create_delivery,
            deliverySourceName=name,
            deliveryDestinationArn=destination_arn,
        )["delivery"]

    def find():
        deliveries = paginate(client, "describe_deliveries", "deliveries")
        return next(
            (
                d
                for d in deliveries
                if d.get("deliverySourceName") == name and d.get("deliveryDestinationArn") == destination_arn
            ),
            None,
        )

    return create_or_adopt(create, find, "ConflictException")[1]


def ensure_present(module, client):
    params = module.params
    name = params["name"]
    source, destination, deliveries = read_state(client, name)
    before = summary(name, source, destination, deliveries)

    source_ok = (
        source is not None
        and source.get("resourceArns") == [params["distribution_arn"]]
        and source.get("logType") == LOG_TYPE
    )
    destination_ok = (
        destination is not None
        and destination.get("outputFormat") == params["output_format"]
        and (destination.get("deliveryDestinationConfiguration") or {}).get("destinationResourceArn")
        == params["destination_arn"]
    )
    if source is not None and source.get("resourceArns") != [params["distribution_arn"]]:
        # A delivery source cannot be pointed at another resource: it is replaced (deliveries first).
        source_ok = False
    ours = [d for d in deliveries if destination_ok and d.get("deliveryDestinationArn") == destination["arn"]]
    foreign = [d for d in deliveries if d not in ours]
    changed = not (source_ok and destination_ok and ours and not foreign)

    delivery_id = ours[0]["id"] if ours else None
    if changed and not module.check_mode:
        stale = foreign if source_ok else deliveries
        for delivery in stale:
            StorytimeErrorHandler.call(f"delete delivery {delivery['id']}", client.delete_delivery, id=delivery["id"])
        if source is not None and not source_ok and source.get("resourceArns") != [params["distribution_arn"]]:
            StorytimeErrorHandler.call(f"delete delivery source {name}", client.delete_delivery_source, name=name)
        if not source_ok:
            StorytimeErrorHandler.call(
                f"put delivery source {name}",
                client.put_delivery_source,
                name=name,
                resourceArn=params["distribution_arn"],
                logType=LOG_TYPE,
            )
        if not destination_ok:
            response = StorytimeErrorHandler.call(
                f"put delivery destination {name}",
                client.put_delivery_destination,
                name=name,
                outputFormat=params["output_format"],
                deliveryDestinationConfiguration={"destinationResourceArn": params["destination_arn"]},
            )
            destination = response["deliveryDestination"]
        if not ours or not source_ok:
            delivery_id = create_delivery(client, name, destination["arn"])["id"]
    after = {
        "name": name,
        "distribution_arn": params["distribution_arn"],
        "destination_arn": params["destination_arn"],
        "output_format": params["output_format"],
        "delivery_id": delivery_id,
        "other_deliveries": [],
    }
    return present_result("standard_logging", changed, before, after)


def ensure_absent(module, client):
    name = module.params["name"]
    source, destination, deliveries = read_state(client, name)
    before = summary(name, source, destination, deliveries)
    if not before:
        return {"changed": False}
    if not module.check_mode:
        for delivery in deliveries:
            StorytimeErrorHandler.call(f"delete delivery {delivery['id']}", client.delete_delivery, id=delivery["id"])
        if source is not None:
            StorytimeErrorHandler.call(f"delete delivery source {name}", client.delete_delivery_source, name=name)
        if destination is not None:
            StorytimeErrorHandler.call(
                f"delete delivery destination {name}", client.delete_delivery_destination, name=name
            )
    return {"changed": True, "diff": {"before": before, "after": {}}}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        distribution_arn=dict(type="str"),
        destination_arn=dict(type="str"),
        output_format=dict(type="str", default="json", choices=["json", "plain", "w3c", "parquet"]),
    )
    module = StorytimeAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["distribution_arn", "destination_arn"])],
    )
    if not re.fullmatch(r"[\w-]{1,60}", module.params["name"]):
        module.fail_json(msg="name must be 1 to 60 letters, digits, '_' or '-'")
    if module.params["state"] == "present":
        distribution_arn = module.params["distribution_arn"]
        predicted = module.check_mode and is_created_by_this_run(distribution_arn)
        if not predicted and not re.fullmatch(
            r"arn:aws[\w-]*:cloudfront::\d{12}:distribution/[A-Z0-9]+", distribution_arn
        ):
            module.fail_json(msg=f"distribution_arn {distribution_arn!r} is not a distribution ARN")
        if not re.fullmatch(
            r"arn:aws[\w-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?", module.params["destination_arn"]
        ):
            module.fail_json(msg=f"destination_arn {module.params['destination_arn']!r} is not an S3 bucket ARN")
    # CloudFront's delivery sources live in us-east-1, like every CloudFront resource's CloudWatch Logs delivery.
    client = module.client("logs", region="us-east-1", retry_decorator=AWSRetry.jittered_backoff())
    run_by_state(module, ensure_present, ensure_absent, client)


if __name__ == "__main__":
    main()
