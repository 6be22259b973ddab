"""Call sequences of cloudfront_standard_logging against a stubbed CloudWatch Logs client (delivery source,
destination and the delivery between them)."""

from ansible_collections.storytime.video_infra.plugins.modules import cloudfront_standard_logging as mod

NAME = "storytime-unit-hls"
DISTRIBUTION = "arn:aws:cloudfront::123456789012:distribution/EUNIT123"
BUCKET = "arn:aws:s3:::storytime-access-logs-unit/cloudfront"
DESTINATION_ARN = f"arn:aws:logs:us-east-1:123456789012:delivery-destination:{NAME}"
ARGS = {"name": NAME, "distribution_arn": DISTRIBUTION, "destination_arn": BUCKET}

SOURCE = {"name": NAME, "resourceArns": [DISTRIBUTION], "logType": "ACCESS_LOGS"}
DESTINATION = {
    "name": NAME,
    "arn": DESTINATION_ARN,
    "outputFormat": "json",
    "deliveryDestinationConfiguration": {"destinationResourceArn": BUCKET},
}
DELIVERY = {"id": "delivery1", "deliverySourceName": NAME, "deliveryDestinationArn": DESTINATION_ARN}


def reads(logs, source=None, destination=None, deliveries=None):
    logs.add_response("describe_delivery_sources", {"deliverySources": [source] if source else []}, {})
    logs.add_response(
        "describe_delivery_destinations", {"deliveryDestinations": [destination] if destination else []}, {}
    )
    if source:
        logs.add_response("describe_deliveries", {"deliveries": deliveries or []}, {})


def puts(logs):
    logs.add_response(
        "put_delivery_source",
        {"deliverySource": SOURCE},
        {"name": NAME, "resourceArn": DISTRIBUTION, "logType": "ACCESS_LOGS"},
    )
    logs.add_response(
        "put_delivery_destination",
        {"deliveryDestination": DESTINATION},
        {"name": NAME, "outputFormat": "json", "deliveryDestinationConfiguration": {"destinationResourceArn": BUCKET}},
    )


def test_creates_source_destination_and_delivery(runner):
    logs = runner.stub("logs")
    reads(logs)
    puts(logs)
    logs.add_response(
        "create_delivery",
        {"delivery": DELIVERY},
        {"deliverySourceName": NAME, "deliveryDestinationArn": DESTINATION_ARN},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["standard_logging"]["delivery_id"] == "delivery1"


def test_a_delivery_another_run_created_in_between_is_adopted(runner):
    """CreateDelivery answers ConflictException ("The specified Delivery already exists") when a retried first
    attempt or a concurrent run made it: the module finds that delivery and reports it, it does not fail."""
    logs = runner.stub("logs")
    reads(logs)
    puts(logs)
    logs.add_client_error(
        "create_delivery",
        "ConflictException",
        "The specified Delivery already exists",
        http_status_code=409,
        expected_params={"deliverySourceName": NAME, "deliveryDestinationArn": DESTINATION_ARN},
    )
    logs.add_response("describe_deliveries", {"deliveries": [DELIVERY]}, {})

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["standard_logging"]["delivery_id"] == "delivery1"


def test_a_conflict_without_a_delivery_to_adopt_fails(runner):
    logs = runner.stub("logs")
    reads(logs)
    puts(logs)
    logs.add_client_error("create_delivery", "ConflictException", "in use", http_status_code=409)
    logs.add_response("describe_deliveries", {"deliveries": []}, {})

    result = runner.run(mod.main, ARGS)

    assert result.failed
    assert f"Failed to create delivery {NAME}" in result.result["msg"]


def test_converged_logging_changes_nothing(runner):
    logs = runner.stub("logs")
    reads(logs, SOURCE, DESTINATION, [DELIVERY])

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_check_mode_predicts_the_creation_without_writing(runner):
    logs = runner.stub("logs")
    reads(logs)

    result = runner.run(mod.main, {**ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"] == {}
    assert result.result["diff"]["after"]["distribution_arn"] == DISTRIBUTION


PREDICTED = "(created by this run: distribution ARN storytime-unit-hls)"


def test_check_mode_takes_the_arn_predicted_for_a_distribution_this_run_creates(runner):
    """--check on a fresh account: the distribution does not exist, cloudfront_distribution predicts its ARN, and
    the logging plan shows the delivery this run would set up (reads only)."""
    logs = runner.stub("logs")
    reads(logs)

    result = runner.run(mod.main, {**ARGS, "distribution_arn": PREDICTED, "_ansible_check_mode": True})

    assert not result.failed, result.result
    logs.assert_no_pending_responses()
    assert result.result["changed"] is True
    assert result.result["diff"]["after"]["distribution_arn"] == PREDICTED


def test_a_predicted_arn_is_refused_outside_check_mode(runner):
    runner.stub("logs")

    result = runner.run(mod.main, {**ARGS, "distribution_arn": PREDICTED})

    assert result.failed
    assert "is not a distribution ARN" in result.result["msg"]
    assert runner.client_requests == []


def test_absent_deletes_delivery_source_and_destination(runner):
    logs = runner.stub("logs")
    reads(logs, SOURCE, DESTINATION, [DELIVERY])
    logs.add_response("delete_delivery", {}, {"id": "delivery1"})
    logs.add_response("delete_delivery_source", {}, {"name": NAME})
    logs.add_response("delete_delivery_destination", {}, {"name": NAME})

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is True
