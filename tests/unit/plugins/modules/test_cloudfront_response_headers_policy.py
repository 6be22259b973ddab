"""Call sequences of cloudfront_response_headers_policy against a stubbed CloudFront client."""

import ast
import copy
from pathlib import Path

import pytest
import yaml
from ansible_collections.storytime.video_infra.plugins.modules import cloudfront_response_headers_policy as mod

NAME = "storytime-unit-hls-players"
POLICY_ID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
ARGS = {
    "name": NAME,
    "comment": "players",
    "cors": {
        "allow_origins": ["https://www.storytime.example"],
        "allow_credentials": True,
        "allow_methods": ["OPTIONS", "GET", "HEAD"],
        "allow_headers": ["Range"],
        "expose_headers": ["Content-Length"],
        "max_age_sec": 600,
    },
    "security_headers": {
        "strict_transport_security": {"max_age_sec": 31536000, "include_subdomains": True},
        "content_type_options": {},
        "referrer_policy": {"referrer_policy": "strict-origin-when-cross-origin"},
        "frame_options": {"frame_option": "DENY", "override": False},
    },
}
#: What the module sends for ARGS (lists sorted, documented defaults filled).
CONFIG = {
    "Name": NAME,
    "Comment": "players",
    "CorsConfig": {
        "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://www.storytime.example"]},
        "AccessControlAllowMethods": {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"]},
        "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["Range"]},
        "AccessControlExposeHeaders": {"Quantity": 1, "Items": ["Content-Length"]},
        "AccessControlAllowCredentials": True,
        "AccessControlMaxAgeSec": 600,
        "OriginOverride": True,
    },
    "SecurityHeadersConfig": {
        "StrictTransportSecurity": {
            "AccessControlMaxAgeSec": 31536000,
            "IncludeSubdomains": True,
            "Preload": False,
            "Override": True,
        },
        "ContentTypeOptions": {"Override": True},
        "ReferrerPolicy": {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True},
        "FrameOptions": {"FrameOption": "DENY", "Override": False},
    },
}


def policy(config=None):
    config = CONFIG if config is None else config
    return {"Id": POLICY_ID, "LastModifiedTime": "2026-12-05T00:00:00Z", "ResponseHeadersPolicyConfig": config}


def listed(stub, config="converged"):
    config = CONFIG if config == "converged" else config
    items = [{"Type": "custom", "ResponseHeadersPolicy": policy(config)}] if config else []
    stub.add_response(
        "list_response_headers_policies",
        {"ResponseHeadersPolicyList": {"MaxItems": 100, "Quantity": len(items), "Items": items}},
        {"Type": "custom"},
    )


def with_cors(**changes):
    config = copy.deepcopy(CONFIG)
    config["CorsConfig"].update(changes)
    return config


def test_create_sends_the_whole_config(runner):
    stub = runner.stub("cloudfront")
    listed(stub, None)
    stub.add_response(
        "create_response_headers_policy",
        {"ResponseHeadersPolicy": policy(), "ETag": "E1", "Location": "x"},
        {"ResponseHeadersPolicyConfig": CONFIG},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    returned = result.result["response_headers_policy"]
    assert returned["id"] == POLICY_ID
    assert returned["cors"]["allow_methods"] == ["GET", "HEAD", "OPTIONS"]
    assert returned["cors"]["allow_credentials"] is True
    assert returned["security_headers"]["frame_options"] == {"frame_option": "DENY", "override": False}
    assert returned["security_headers"]["xss_protection"] is None
    assert result.result["diff"]["before"] == {}
    stub.assert_no_pending_responses()


def test_no_op_is_one_list_call(runner):
    stub = runner.stub("cloudfront")
    listed(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert "diff" not in result.result
    stub.assert_no_pending_responses()


def test_update_uses_the_etag_of_a_fresh_read(runner):
    stub = runner.stub("cloudfront")
    old = with_cors(AccessControlAllowCredentials=False)
    listed(stub, old)
    stub.add_response(
        "get_response_headers_policy", {"ResponseHeadersPolicy": policy(old), "ETag": "E7"}, {"Id": POLICY_ID}
    )
    stub.add_response(
        "update_response_headers_policy",
        {"ResponseHeadersPolicy": policy(), "ETag": "E8"},
        {"Id": POLICY_ID, "IfMatch": "E7", "ResponseHeadersPolicyConfig": CONFIG},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["cors"]["allow_credentials"] is False
    assert result.result["diff"]["after"]["cors"]["allow_credentials"] is True
    stub.assert_no_pending_responses()


def test_precondition_failed_is_retried_with_a_new_read(runner):
    stub = runner.stub("cloudfront")
    old = with_cors(AccessControlMaxAgeSec=60)
    listed(stub, old)
    stub.add_response(
        "get_response_headers_policy", {"ResponseHeadersPolicy": policy(old), "ETag": "E7"}, {"Id": POLICY_ID}
    )
    stub.add_client_error("update_response_headers_policy", "PreconditionFailed", http_status_code=412)
    stub.add_response(
        "get_response_headers_policy", {"ResponseHeadersPolicy": policy(old), "ETag": "E9"}, {"Id": POLICY_ID}
    )
    stub.add_response(
        "update_response_headers_policy",
        {"ResponseHeadersPolicy": policy(), "ETag": "E10"},
        {"Id": POLICY_ID, "IfMatch": "E9", "ResponseHeadersPolicyConfig": CONFIG},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    stub.assert_no_pending_responses()


def test_unset_sections_keep_the_current_values(runner):
    stub = runner.stub("cloudfront")
    listed(stub)

    result = runner.run(mod.main, {"name": NAME, "comment": "players"})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["response_headers_policy"]["cors"]["max_age_sec"] == 600


def test_an_empty_section_removes_it(runner):
    stub = runner.stub("cloudfront")
    listed(stub)
    stub.add_response(
        "get_response_headers_policy", {"ResponseHeadersPolicy": policy(), "ETag": "E2"}, {"Id": POLICY_ID}
    )
    without_cors = {k: v for k, v in CONFIG.items() if k != "CorsConfig"}
    stub.add_response(
        "update_response_headers_policy",
        {"ResponseHeadersPolicy": policy(without_cors), "ETag": "E3"},
        {"Id": POLICY_ID, "IfMatch": "E2", "ResponseHeadersPolicyConfig": without_cors},
    )

    result = runner.run(mod.main, {"name": NAME, "cors": {}})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["response_headers_policy"]["cors"] is None


def test_server_timing_it_does_not_manage_is_kept(runner):
    stub = runner.stub("cloudfront")
    timing = {"Enabled": True, "SamplingRate": 5.0}
    old = dict(with_cors(AccessControlMaxAgeSec=60), ServerTimingHeadersConfig=timing)
    new = dict(CONFIG, ServerTimingHeadersConfig=timing)
    listed(stub, old)
    stub.add_response(
        "get_response_headers_policy", {"ResponseHeadersPolicy": policy(old), "ETag": "E7"}, {"Id": POLICY_ID}
    )
    stub.add_response(
        "update_response_headers_policy",
        {"ResponseHeadersPolicy": policy(new), "ETag": "E8"},
        {"Id": POLICY_ID, "IfMatch": "E7", "ResponseHeadersPolicyConfig": new},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    stub.assert_no_pending_responses()


def test_check_mode_predicts_without_writing(runner):
    stub = runner.stub("cloudfront")
    listed(stub, with_cors(AccessControlAllowOrigins={"Quantity": 1, "Items": ["https://old.example"]}))

    result = runner.run(mod.main, {**ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["response_headers_policy"]["cors"]["allow_origins"] == ["https://www.storytime.example"]
    assert result.result["diff"]["before"]["cors"]["allow_origins"] == ["https://old.example"]
    stub.assert_no_pending_responses()


def test_check_mode_of_a_converged_policy_is_unchanged(runner):
    """community.aws's module answers changed=true here; this one reads and compares."""
    listed(runner.stub("cloudfront"))

    result = runner.run(mod.main, {**ARGS, "_ansible_check_mode": True})

    assert result.result["changed"] is False


def test_check_mode_create_predicts_a_policy_without_id(runner):
    stub = runner.stub("cloudfront")
    listed(stub, None)

    result = runner.run(mod.main, {**ARGS, "_ansible_check_mode": True})

    assert result.result["changed"] is True
    assert result.result["response_headers_policy"]["id"] is None
    assert result.result["response_headers_policy"]["cors"]["allow_origins"] == ["https://www.storytime.example"]
    stub.assert_no_pending_responses()


def test_throttling_is_retried(runner):
    stub = runner.stub("cloudfront")
    stub.add_client_error("list_response_headers_policies", "Throttling", http_status_code=400)
    listed(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_create_race_adopts_the_other_writers_policy(runner):
    stub = runner.stub("cloudfront")
    listed(stub, None)
    stub.add_client_error("create_response_headers_policy", "ResponseHeadersPolicyAlreadyExists", http_status_code=409)
    listed(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["response_headers_policy"]["id"] == POLICY_ID


def test_delete_in_use_explains(runner):
    stub = runner.stub("cloudfront")
    listed(stub)
    stub.add_response(
        "get_response_headers_policy", {"ResponseHeadersPolicy": policy(), "ETag": "E3"}, {"Id": POLICY_ID}
    )
    stub.add_client_error("delete_response_headers_policy", "ResponseHeadersPolicyInUse", http_status_code=409)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.failed
    message = result.result["msg"]
    assert "is still used by a distribution's cache behaviour; remove response_headers_policy_id" in message
    assert "ResponseHeadersPolicyInUse" in str(result.result)


def test_delete_with_the_etag_of_a_fresh_read(runner):
    stub = runner.stub("cloudfront")
    listed(stub)
    stub.add_response(
        "get_response_headers_policy", {"ResponseHeadersPolicy": policy(), "ETag": "E3"}, {"Id": POLICY_ID}
    )
    stub.add_response("delete_response_headers_policy", {}, {"Id": POLICY_ID, "IfMatch": "E3"})

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["id"] == POLICY_ID
    stub.assert_no_pending_responses()


def test_delete_in_check_mode_writes_nothing(runner):
    stub = runner.stub("cloudfront")
    listed(stub)

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "_ansible_check_mode": True})

    assert result.result["changed"] is True
    stub.assert_no_pending_responses()


def test_delete_missing_is_a_no_op(runner):
    listed(runner.stub("cloudfront"), None)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.result["changed"] is False


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"cors": {"allow_origins": ["https://a.example"]}}, "cors.allow_methods must list at least one method"),
        ({"cors": {"allow_methods": ["GET"]}}, "cors.allow_origins must list at least one origin"),
        (
            {"cors": {"allow_origins": ["https://test.*.example.org"], "allow_methods": ["GET"]}},
            "a wildcard may only be the leftmost label",
        ),
        (
            {"cors": {"allow_origins": ["https://example.*"], "allow_methods": ["GET"]}},
            "a wildcard may only be the leftmost label",
        ),
        (
            {"security_headers": {"xss_protection": {"protection": True, "mode_block": True, "report_uri": "/r"}}},
            "mode_block and report_uri cannot be used together",
        ),
        (
            {"security_headers": {"content_security_policy": {"content_security_policy": "x" * 1784}}},
            "at most 1783 characters",
        ),
        ({"remove_headers": ["Content-Length"]}, "does not let a policy remove Content-Length"),
        ({"remove_headers": ["X-Amz-Cf-Pop"]}, "does not let a policy remove X-Amz-Cf-Pop"),
        ({"custom_headers": [{"header": f"X-H{i}", "value": "v"} for i in range(11)]}, "at most 10 headers"),
        ({"comment": "c" * 129}, "comment must be at most 128 characters"),
    ],
)
def test_bad_input_fails_before_any_call(runner, changes, message):
    args = {"name": NAME, **changes}

    result = runner.run(mod.main, args)

    assert result.failed
    assert message in result.result["msg"]
    assert runner.client_requests == []


def test_leftmost_wildcard_bare_domain_and_star_origins_are_accepted():
    policy_ = mod.desired(
        {
            "name": NAME,
            "cors": {"allow_origins": ["https://*.example.org", "www.example.com", "*"], "allow_methods": ["GET"]},
        },
        None,
    )
    assert mod.problems_with(policy_) == []


def test_config_round_trips():
    assert mod.to_api(mod.from_api(CONFIG)) == CONFIG


def test_notes_say_why_not_the_community_module():
    """The notes name community.aws's module and what it lacks (read from community.aws 11.2.0's source)."""
    source = Path(mod.__file__).read_text()
    documentation = next(
        node.value.value
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DOCUMENTATION"
    )
    (why,) = [n for n in yaml.safe_load(documentation)["notes"] if n.startswith("Why this module")]
    assert "community.aws.cloudfront_response_headers_policy" in why
    assert "check mode" in why and "no diff" in why
