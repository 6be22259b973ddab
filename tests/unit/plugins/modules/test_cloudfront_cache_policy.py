"""Call sequences of cloudfront_cache_policy against a stubbed CloudFront client."""

import copy

import pytest
from ansible_collections.storytime.video_infra.plugins.modules import cloudfront_cache_policy as mod

NAME = "storytime-unit-hls-manifests"
ARGS = {
    "name": NAME,
    "comment": "manifests",
    "min_ttl": 0,
    "default_ttl": 60,
    "max_ttl": 60,
    "parameters_in_cache_key_and_forwarded_to_origin": {
        "enable_accept_encoding_gzip": True,
        "enable_accept_encoding_brotli": True,
        "headers_config": {"header_behavior": "none"},
        "cookies_config": {"cookie_behavior": "none"},
        "query_strings_config": {"query_string_behavior": "none"},
    },
}
CONFIG = {
    "Name": NAME,
    "Comment": "manifests",
    "MinTTL": 0,
    "DefaultTTL": 60,
    "MaxTTL": 60,
    "ParametersInCacheKeyAndForwardedToOrigin": {
        "EnableAcceptEncodingGzip": True,
        "EnableAcceptEncodingBrotli": True,
        "HeadersConfig": {"HeaderBehavior": "none"},
        "CookiesConfig": {"CookieBehavior": "none"},
        "QueryStringsConfig": {"QueryStringBehavior": "none"},
    },
}
POLICY_ID = "2e54312d-136d-493c-8eb9-b001f22f67d2"


def policy(config=None):
    config = CONFIG if config is None else config
    return {"Id": POLICY_ID, "LastModifiedTime": "2026-11-24T00:00:00Z", "CachePolicyConfig": config}


def listed(stub, config="converged"):
    config = CONFIG if config == "converged" else config
    items = [{"Type": "custom", "CachePolicy": policy(config)}] if config else []
    stub.add_response(
        "list_cache_policies",
        {"CachePolicyList": {"MaxItems": 100, "Quantity": len(items), "Items": items}},
        {"Type": "custom"},
    )


def test_create(runner):
    stub = runner.stub("cloudfront")
    listed(stub, None)
    stub.add_response(
        "create_cache_policy", {"CachePolicy": policy(), "ETag": "E1", "Location": "x"}, {"CachePolicyConfig": CONFIG}
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["cache_policy"]["id"] == POLICY_ID
    assert result.result["cache_policy"]["default_ttl"] == 60


def test_no_op_is_one_list_call(runner):
    listed(runner.stub("cloudfront"))

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert "diff" not in result.result


def test_update_uses_the_etag_of_a_fresh_read(runner):
    stub = runner.stub("cloudfront")
    old = dict(CONFIG, DefaultTTL=30)
    listed(stub, old)
    stub.add_response("get_cache_policy", {"CachePolicy": policy(old), "ETag": "E7"}, {"Id": POLICY_ID})
    stub.add_response(
        "update_cache_policy",
        {"CachePolicy": policy(), "ETag": "E8"},
        {"Id": POLICY_ID, "IfMatch": "E7", "CachePolicyConfig": CONFIG},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["default_ttl"] == 30
    assert result.result["diff"]["after"]["default_ttl"] == 60


def test_precondition_failed_is_retried_with_a_new_read(runner):
    stub = runner.stub("cloudfront")
    old = dict(CONFIG, DefaultTTL=30)
    listed(stub, old)
    stub.add_response("get_cache_policy", {"CachePolicy": policy(old), "ETag": "E7"}, {"Id": POLICY_ID})
    stub.add_client_error("update_cache_policy", "PreconditionFailed", http_status_code=412)
    stub.add_response("get_cache_policy", {"CachePolicy": policy(old), "ETag": "E9"}, {"Id": POLICY_ID})
    stub.add_response(
        "update_cache_policy",
        {"CachePolicy": policy(), "ETag": "E10"},
        {"Id": POLICY_ID, "IfMatch": "E9", "CachePolicyConfig": CONFIG},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True


def test_unset_options_keep_the_current_values(runner):
    stub = runner.stub("cloudfront")
    listed(stub)

    result = runner.run(mod.main, {"name": NAME, "max_ttl": 60})

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_check_mode_predicts_without_writing(runner):
    stub = runner.stub("cloudfront")
    listed(stub, dict(CONFIG, MaxTTL=120))

    result = runner.run(mod.main, {**ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["cache_policy"]["max_ttl"] == 60


def test_throttling_is_retried(runner):
    stub = runner.stub("cloudfront")
    stub.add_client_error("list_cache_policies", "Throttling", http_status_code=400)
    listed(stub)

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_delete_in_use_explains(runner):
    stub = runner.stub("cloudfront")
    listed(stub)
    stub.add_response("get_cache_policy", {"CachePolicy": policy(), "ETag": "E3"}, {"Id": POLICY_ID})
    stub.add_client_error("delete_cache_policy", "CachePolicyInUse", http_status_code=409)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.failed
    assert "still used by a distribution" in result.result["msg"]


def test_delete(runner):
    stub = runner.stub("cloudfront")
    listed(stub)
    stub.add_response("get_cache_policy", {"CachePolicy": policy(), "ETag": "E3"}, {"Id": POLICY_ID})
    stub.add_response("delete_cache_policy", {}, {"Id": POLICY_ID, "IfMatch": "E3"})

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is True


def test_delete_missing_is_a_no_op(runner):
    listed(runner.stub("cloudfront"), None)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.result["changed"] is False


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"min_ttl": 120}, "min_ttl <= default_ttl <= max_ttl"),
        ({"default_ttl": -1}, "must not be negative"),
        (
            {
                "parameters_in_cache_key_and_forwarded_to_origin": {
                    "cookies_config": {"cookie_behavior": "whitelist"},
                }
            },
            "cookies_config.cookies must list at least one name",
        ),
        (
            {
                "parameters_in_cache_key_and_forwarded_to_origin": {
                    "headers_config": {"header_behavior": "none", "headers": ["Origin"]},
                }
            },
            "headers must be empty when header_behavior=none",
        ),
    ],
)
def test_bad_input_fails_before_any_call(runner, changes, message):
    args = copy.deepcopy(ARGS)
    args.update(changes)

    result = runner.run(mod.main, args)

    assert result.failed
    assert message in result.result["msg"]
    assert runner.client_requests == []
