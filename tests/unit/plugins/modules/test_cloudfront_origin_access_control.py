"""Call sequences of cloudfront_origin_access_control against a stubbed CloudFront client."""

from ansible_collections.storytime.video_infra.plugins.modules import cloudfront_origin_access_control as mod

NAME = "storytime-unit-hls"
OAC_ID = "E2QWRUHAPOMQZL"
CONFIG = {
    "Name": NAME,
    "Description": "CloudFront reads the HLS bucket",
    "SigningProtocol": "sigv4",
    "SigningBehavior": "always",
    "OriginAccessControlOriginType": "s3",
}
ARGS = {"name": NAME, "description": CONFIG["Description"]}


def listed(stub, config="converged"):
    config = CONFIG if config == "converged" else config
    items = [{"Id": OAC_ID, **config}] if config else []
    stub.add_response(
        "list_origin_access_controls",
        {
            "OriginAccessControlList": {
                "Marker": "",
                "MaxItems": 100,
                "IsTruncated": False,
                "Quantity": len(items),
                "Items": items,
            }
        },
        {},
    )


def test_create(runner):
    stub = runner.stub("cloudfront")
    listed(stub, None)
    stub.add_response(
        "create_origin_access_control",
        {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": CONFIG}, "ETag": "E1", "Location": "x"},
        {"OriginAccessControlConfig": CONFIG},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["origin_access_control"] == {
        "id": OAC_ID,
        "name": NAME,
        "description": CONFIG["Description"],
        "origin_type": "s3",
        "signing_behavior": "always",
        "signing_protocol": "sigv4",
    }


def test_no_op_is_one_list_call(runner):
    listed(runner.stub("cloudfront"))

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_update_with_etag(runner):
    stub = runner.stub("cloudfront")
    old = dict(CONFIG, SigningBehavior="no-override")
    listed(stub, old)
    stub.add_response(
        "get_origin_access_control",
        {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": old}, "ETag": "E4"},
        {"Id": OAC_ID},
    )
    stub.add_response(
        "update_origin_access_control",
        {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": CONFIG}, "ETag": "E5"},
        {"Id": OAC_ID, "IfMatch": "E4", "OriginAccessControlConfig": CONFIG},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["diff"]["before"]["signing_behavior"] == "no-override"
    assert result.result["diff"]["after"]["signing_behavior"] == "always"


def test_check_mode_on_missing_predicts_creation(runner):
    listed(runner.stub("cloudfront"), None)

    result = runner.run(mod.main, {**ARGS, "_ansible_check_mode": True})

    assert result.result["changed"] is True
    assert result.result["origin_access_control"]["id"] is None


def test_delete_in_use_explains(runner):
    stub = runner.stub("cloudfront")
    listed(stub)
    stub.add_response(
        "get_origin_access_control",
        {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": CONFIG}, "ETag": "E4"},
        {"Id": OAC_ID},
    )
    stub.add_client_error("delete_origin_access_control", "OriginAccessControlInUse", http_status_code=409)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.failed
    assert "still used by a distribution" in result.result["msg"]


def test_delete(runner):
    stub = runner.stub("cloudfront")
    listed(stub)
    stub.add_response(
        "get_origin_access_control",
        {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": CONFIG}, "ETag": "E4"},
        {"Id": OAC_ID},
    )
    stub.add_response("delete_origin_access_control", {}, {"Id": OAC_ID, "IfMatch": "E4"})

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is True


def test_delete_missing_is_a_no_op(runner):
    listed(runner.stub("cloudfront"), None)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_update_retries_after_precondition_failed(runner):
    stub = runner.stub("cloudfront")
    old = dict(CONFIG, SigningBehavior="no-override")
    listed(stub, old)
    stub.add_response(
        "get_origin_access_control",
        {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": old}, "ETag": "E4"},
        {"Id": OAC_ID},
    )
    stub.add_client_error("update_origin_access_control", "PreconditionFailed", http_status_code=412)
    stub.add_response(
        "get_origin_access_control",
        {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": old}, "ETag": "E6"},
        {"Id": OAC_ID},
    )
    stub.add_response(
        "update_origin_access_control",
        {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": CONFIG}, "ETag": "E7"},
        {"Id": OAC_ID, "IfMatch": "E6", "OriginAccessControlConfig": CONFIG},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["origin_access_control"]["signing_behavior"] == "always"


def test_throttling_is_retried(runner):
    stub = runner.stub("cloudfront")
    stub.add_client_error("list_origin_access_controls", "Throttling", http_status_code=400)
    listed(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_create_answered_already_exists_adopts_the_oac(runner):
    """A create whose first attempt succeeded but whose response was lost is sent again by botocore and answered
    OriginAccessControlAlreadyExists: the module adopts the OAC it made (no second create, no update)."""
    stub = runner.stub("cloudfront")
    listed(stub, None)
    stub.add_client_error("create_origin_access_control", "OriginAccessControlAlreadyExists", http_status_code=409)
    listed(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["origin_access_control"]["id"] == OAC_ID
    assert result.result["diff"]["before"] == {}
    stub.assert_no_pending_responses()


def test_adopted_oac_is_converged(runner):
    """Another run created the OAC with another description in between: adopted, then updated with its ETag."""
    stub = runner.stub("cloudfront")
    old = dict(CONFIG, Description="made by another run")
    listed(stub, None)
    stub.add_client_error("create_origin_access_control", "OriginAccessControlAlreadyExists", http_status_code=409)
    listed(stub, old)
    stub.add_response(
        "get_origin_access_control",
        {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": old}, "ETag": "E1"},
    )
    stub.add_response(
        "update_origin_access_control",
        {"OriginAccessControl": {"Id": OAC_ID, "OriginAccessControlConfig": CONFIG}, "ETag": "E2"},
        {"Id": OAC_ID, "IfMatch": "E1", "OriginAccessControlConfig": CONFIG},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["origin_access_control"]["description"] == CONFIG["Description"]


def test_already_exists_but_not_found_fails(runner):
    """AlreadyExists while no OAC of that name is listed is not adopted: the error is reported."""
    stub = runner.stub("cloudfront")
    listed(stub, None)
    stub.add_client_error("create_origin_access_control", "OriginAccessControlAlreadyExists", http_status_code=409)
    listed(stub, None)

    result = runner.run(mod.main, ARGS)

    assert result.failed
    assert "OriginAccessControlAlreadyExists" in str(result.result)
