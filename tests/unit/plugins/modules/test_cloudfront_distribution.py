"""Call sequences of cloudfront_distribution against a stubbed CloudFront client, and its config merging."""

import copy

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront_distribution as dist
from ansible_collections.storytime.video_infra.plugins.modules import cloudfront_distribution as mod

COMMENT = "storytime-unit-hls"
DIST_ID = "E2YUIOP9EXAMPLE"
ARN = f"arn:aws:cloudfront::123456789012:distribution/{DIST_ID}"
DOMAIN = "d111111abcdef8.cloudfront.net"
BEHAVIOR = {
    "target_origin_id": "hls-bucket",
    "cache_policy_id": "segments-policy",
    "trusted_key_groups": ["kg-1"],
}
ARGS = {
    "comment": COMMENT,
    "origins": [
        {
            "id": "hls-bucket",
            "domain_name": "storytime-hls-outputs-unit.s3.eu-west-1.amazonaws.com",
            "origin_access_control_id": "oac-1",
        }
    ],
    "default_cache_behavior": BEHAVIOR,
    "cache_behaviors": [
        {**BEHAVIOR, "path_pattern": "books/*.m3u8", "cache_policy_id": "manifests-policy"},
        {**BEHAVIOR, "path_pattern": "books/*"},
    ],
    "price_class": "PriceClass_100",
    "http_version": "http2and3",
    "is_ipv6_enabled": True,
    "default_root_object": "",
}


def module_params(args):
    """The module's params as Ansible would fill them (defaults of the behaviour suboptions)."""
    defaults = {
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": ["GET", "HEAD"],
        "cached_methods": ["GET", "HEAD"],
        "compress": True,
        "origin_request_policy_id": None,
        "response_headers_policy_id": None,
    }
    params = copy.deepcopy(args)
    params["default_cache_behavior"] = {**defaults, **params["default_cache_behavior"]}
    params["cache_behaviors"] = [{**defaults, **b} for b in params["cache_behaviors"]]
    return params


def desired_config():
    return dist.apply_options(dist.new_config(COMMENT, COMMENT), module_params(ARGS))


def distribution(config, status="Deployed"):
    return {
        "Id": DIST_ID,
        "ARN": ARN,
        "Status": status,
        "LastModifiedTime": "2026-11-24T00:00:00Z",
        "InProgressInvalidationBatches": 0,
        "DomainName": DOMAIN,
        "DistributionConfig": config,
    }


def summary(config, comment=COMMENT, dist_id=DIST_ID):
    keys = (
        "Aliases",
        "Origins",
        "DefaultCacheBehavior",
        "CacheBehaviors",
        "CustomErrorResponses",
        "PriceClass",
        "Enabled",
        "ViewerCertificate",
        "Restrictions",
        "WebACLId",
        "HttpVersion",
        "IsIPV6Enabled",
    )
    item = {k: config[k] for k in keys}
    item.update(
        Id=dist_id,
        ARN=f"arn:aws:cloudfront::123456789012:distribution/{dist_id}",
        Status="Deployed",
        LastModifiedTime="2026-11-24T00:00:00Z",
        DomainName=DOMAIN,
        Comment=comment,
        Staging=False,
    )
    return item


def listed(stub, *summaries):
    stub.add_response(
        "list_distributions",
        {
            "DistributionList": {
                "Marker": "",
                "MaxItems": 100,
                "IsTruncated": False,
                "Quantity": len(summaries),
                "Items": list(summaries),
            }
        },
        {},
    )


def test_create_sends_oac_and_key_groups(runner):
    stub = runner.stub("cloudfront")
    listed(stub)
    config = desired_config()
    stub.add_response(
        "create_distribution",
        {"Distribution": distribution(config, "InProgress"), "ETag": "E1", "Location": "x"},
        {"DistributionConfig": config},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    sent = config
    assert sent["Origins"]["Items"][0]["OriginAccessControlId"] == "oac-1"
    assert sent["Origins"]["Items"][0]["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    for behavior in [sent["DefaultCacheBehavior"], *sent["CacheBehaviors"]["Items"]]:
        assert behavior["TrustedKeyGroups"] == {"Enabled": True, "Quantity": 1, "Items": ["kg-1"]}
        assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
        assert behavior["Compress"] is True
        assert "ForwardedValues" not in behavior
    assert [b["PathPattern"] for b in sent["CacheBehaviors"]["Items"]] == ["books/*.m3u8", "books/*"]
    out = result.result["distribution"]
    assert out["id"] == DIST_ID and out["arn"] == ARN and out["domain_name"] == DOMAIN
    assert out["default_cache_behavior"]["trusted_key_groups"] == ["kg-1"]


def test_create_with_tags_uses_create_with_tags(runner):
    stub = runner.stub("cloudfront")
    listed(stub)
    config = desired_config()
    stub.add_response(
        "create_distribution_with_tags",
        {"Distribution": distribution(config, "InProgress"), "ETag": "E1", "Location": "x"},
        {
            "DistributionConfigWithTags": {
                "DistributionConfig": config,
                "Tags": {"Items": [{"Key": "Project", "Value": "storytime"}]},
            }
        },
    )

    result = runner.run(mod.main, {**ARGS, "tags": {"Project": "storytime"}})

    assert not result.failed, result.result
    assert result.result["distribution"]["tags"] == {"Project": "storytime"}


def test_converged_distribution_makes_no_write(runner):
    stub = runner.stub("cloudfront")
    config = desired_config()
    listed(stub, summary(config))
    stub.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E5"}, {"Id": DIST_ID})
    stub.add_response(
        "list_tags_for_resource", {"Tags": {"Items": [{"Key": "Project", "Value": "storytime"}]}}, {"Resource": ARN}
    )

    result = runner.run(mod.main, {**ARGS, "tags": {"Project": "storytime"}})

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_behaviour_stripped_of_its_key_group_is_restored(runner):
    stub = runner.stub("cloudfront")
    config = desired_config()
    drifted = copy.deepcopy(config)
    drifted["CacheBehaviors"]["Items"][1]["TrustedKeyGroups"] = {"Enabled": False, "Quantity": 0}
    # Settings the module has no option for must survive the update.
    drifted["Restrictions"] = {"GeoRestriction": {"RestrictionType": "whitelist", "Quantity": 1, "Items": ["NL"]}}
    expected = copy.deepcopy(config)
    expected["Restrictions"] = drifted["Restrictions"]
    listed(stub, summary(drifted))
    stub.add_response("get_distribution_config", {"DistributionConfig": drifted, "ETag": "E5"}, {"Id": DIST_ID})
    stub.add_response(
        "update_distribution",
        {"Distribution": distribution(expected, "InProgress"), "ETag": "E6"},
        {"Id": DIST_ID, "IfMatch": "E5", "DistributionConfig": expected},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    before = result.result["diff"]["before"]["cache_behaviors"][1]["trusted_key_groups"]
    after = result.result["diff"]["after"]["cache_behaviors"][1]["trusted_key_groups"]
    assert before == [] and after == ["kg-1"]


def test_update_retries_after_precondition_failed(runner):
    stub = runner.stub("cloudfront")
    config = desired_config()
    drifted = dict(config, PriceClass="PriceClass_All")
    listed(stub, summary(drifted))
    stub.add_response("get_distribution_config", {"DistributionConfig": drifted, "ETag": "E5"}, {"Id": DIST_ID})
    stub.add_client_error("update_distribution", "PreconditionFailed", http_status_code=412)
    stub.add_response("get_distribution_config", {"DistributionConfig": drifted, "ETag": "E6"}, {"Id": DIST_ID})
    stub.add_response(
        "update_distribution",
        {"Distribution": distribution(config), "ETag": "E7"},
        {"Id": DIST_ID, "IfMatch": "E6", "DistributionConfig": config},
    )

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["distribution"]["price_class"] == "PriceClass_100"


def test_check_mode_reports_drift_without_writing(runner):
    stub = runner.stub("cloudfront")
    config = desired_config()
    drifted = copy.deepcopy(config)
    drifted["DefaultCacheBehavior"]["TrustedKeyGroups"] = {"Enabled": False, "Quantity": 0}
    listed(stub, summary(drifted))
    stub.add_response("get_distribution_config", {"DistributionConfig": drifted, "ETag": "E5"}, {"Id": DIST_ID})

    result = runner.run(mod.main, {**ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["distribution"]["default_cache_behavior"]["trusted_key_groups"] == ["kg-1"]


def test_unknown_key_group_error_is_reported(runner):
    stub = runner.stub("cloudfront")
    listed(stub)
    stub.add_client_error("create_distribution", "TrustedKeyGroupDoesNotExist", http_status_code=400)

    result = runner.run(mod.main, ARGS)

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to create distribution {COMMENT}")


def test_two_distributions_with_the_same_comment_are_refused(runner):
    stub = runner.stub("cloudfront")
    config = desired_config()
    listed(stub, summary(config), summary(config, dist_id="E3OTHER"))

    result = runner.run(mod.main, ARGS)

    assert result.failed
    assert "2 distributions have the comment" in result.result["msg"]


def test_delete_disables_waits_and_deletes(runner):
    stub = runner.stub("cloudfront")
    config = desired_config()
    disabled = dict(config, Enabled=False)
    listed(stub, summary(config))
    stub.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E5"}, {"Id": DIST_ID})
    stub.add_response(
        "update_distribution",
        {"Distribution": distribution(disabled, "InProgress"), "ETag": "E6"},
        {"Id": DIST_ID, "IfMatch": "E5", "DistributionConfig": disabled},
    )
    stub.add_response("get_distribution", {"Distribution": distribution(disabled), "ETag": "E6"}, {"Id": DIST_ID})
    stub.add_response("get_distribution_config", {"DistributionConfig": disabled, "ETag": "E6"}, {"Id": DIST_ID})
    stub.add_response("delete_distribution", {}, {"Id": DIST_ID, "IfMatch": "E6"})

    result = runner.run(mod.main, {"comment": COMMENT, "state": "absent", "wait_timeout": 30})

    assert not result.failed, result.result
    assert result.result["changed"] is True


def test_delete_missing_is_a_no_op(runner):
    listed(runner.stub("cloudfront"))

    result = runner.run(mod.main, {"comment": COMMENT, "state": "absent"})

    assert result.result["changed"] is False


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"default_cache_behavior": {**BEHAVIOR, "target_origin_id": "nope"}}, "is not one of the origins"),
        (
            {"default_cache_behavior": {**BEHAVIOR, "allowed_methods": ["GET", "HEAD"], "cached_methods": ["OPTIONS"]}},
            "cached_methods must be a subset",
        ),
        (
            {
                "aliases": ["cdn.example.com"],
                "viewer_certificate": {"acm_certificate_arn": "arn:aws:acm:eu-west-1:1:certificate/x"},
            },
            "must be a certificate in us-east-1",
        ),
        (
            {"aliases": ["cdn.example.com"], "viewer_certificate": {}},
            "aliases need viewer_certificate.acm_certificate_arn",
        ),
        (
            {"cache_behaviors": [{**BEHAVIOR, "path_pattern": "a/*"}, {**BEHAVIOR, "path_pattern": "a/*"}]},
            "each path_pattern must be unique",
        ),
        (
            {"geo_restriction": {"restriction_type": "whitelist", "locations": ["de"]}},
            "geo_restriction: 'de' is not a two-letter upper-case country code",
        ),
        (
            {"geo_restriction": {"restriction_type": "blacklist", "locations": []}},
            "geo_restriction: restriction_type blacklist needs at least one location",
        ),
        (
            {"geo_restriction": {"restriction_type": "none", "locations": ["DE"]}},
            "geo_restriction: restriction_type none takes no locations",
        ),
    ],
)
def test_bad_input_fails_before_any_call(runner, changes, message):
    result = runner.run(mod.main, {**ARGS, **changes})

    assert result.failed
    assert message in result.result["msg"]
    assert runner.client_requests == []


def test_apply_options_over_its_own_output_is_stable():
    config = desired_config()
    again = dist.apply_options(config, module_params(ARGS))
    assert dist.comparable(again) == dist.comparable(config)


def test_canonical_ignores_order_of_scalar_lists_only():
    a = {"Aliases": {"Quantity": 2, "Items": ["b.example", "a.example"]}}
    b = {"Aliases": {"Quantity": 2, "Items": ["a.example", "b.example"]}}
    assert dist.canonical(a) == dist.canonical(b)
    behaviors_a = {"CacheBehaviors": {"Quantity": 2, "Items": [{"PathPattern": "x"}, {"PathPattern": "y"}]}}
    behaviors_b = {"CacheBehaviors": {"Quantity": 2, "Items": [{"PathPattern": "y"}, {"PathPattern": "x"}]}}
    assert dist.canonical(behaviors_a) != dist.canonical(behaviors_b)


def test_throttling_is_retried(runner):
    stub = runner.stub("cloudfront")
    config = desired_config()
    stub.add_client_error("list_distributions", "Throttling", http_status_code=400)
    listed(stub, summary(config))
    stub.add_client_error("get_distribution_config", "Throttling", http_status_code=400)
    stub.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E5"}, {"Id": DIST_ID})

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_given_distribution_id_that_does_not_exist_is_reported(runner):
    stub = runner.stub("cloudfront")
    stub.add_client_error("get_distribution", "NoSuchDistribution", http_status_code=404)

    result = runner.run(mod.main, {**ARGS, "distribution_id": "EMISSING"})

    assert result.failed
    assert "Distribution EMISSING does not exist" in result.result["msg"]


GEO = {"restriction_type": "whitelist", "locations": ["NL", "DE", "BE"]}


def test_geo_restriction_is_written_sorted_and_read_back_as_converged(runner):
    """CloudFront API reference, GeoRestriction: RestrictionType whitelist|blacklist|none, Quantity the number of
    countries, Items their ISO 3166-1 alpha-2 codes. The module sends the codes sorted and compares them as a set."""
    stub = runner.stub("cloudfront")
    config = desired_config()
    expected = copy.deepcopy(config)
    expected["Restrictions"] = {
        "GeoRestriction": {"RestrictionType": "whitelist", "Quantity": 3, "Items": ["BE", "DE", "NL"]}
    }
    listed(stub, summary(config))
    stub.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E5"}, {"Id": DIST_ID})
    stub.add_response(
        "update_distribution",
        {"Distribution": distribution(expected, "InProgress"), "ETag": "E6"},
        {"Id": DIST_ID, "IfMatch": "E5", "DistributionConfig": expected},
    )

    result = runner.run(mod.main, {**ARGS, "geo_restriction": GEO})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["geo_restriction"] == {"restriction_type": "none", "locations": []}
    assert result.result["distribution"]["geo_restriction"] == {
        "restriction_type": "whitelist",
        "locations": ["BE", "DE", "NL"],
    }


def test_geo_restriction_in_another_order_is_converged(runner):
    stub = runner.stub("cloudfront")
    config = desired_config()
    config["Restrictions"] = {
        "GeoRestriction": {"RestrictionType": "whitelist", "Quantity": 3, "Items": ["NL", "BE", "DE"]}
    }
    listed(stub, summary(config))
    stub.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E5"}, {"Id": DIST_ID})

    result = runner.run(mod.main, {**ARGS, "geo_restriction": GEO})

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_geo_restriction_none_lifts_a_foreign_restriction(runner):
    stub = runner.stub("cloudfront")
    config = desired_config()
    drifted = copy.deepcopy(config)
    drifted["Restrictions"] = {"GeoRestriction": {"RestrictionType": "blacklist", "Quantity": 1, "Items": ["NL"]}}
    listed(stub, summary(drifted))
    stub.add_response("get_distribution_config", {"DistributionConfig": drifted, "ETag": "E5"}, {"Id": DIST_ID})
    stub.add_response(
        "update_distribution",
        {"Distribution": distribution(config, "InProgress"), "ETag": "E6"},
        {"Id": DIST_ID, "IfMatch": "E5", "DistributionConfig": config},
    )

    result = runner.run(mod.main, {**ARGS, "geo_restriction": {"restriction_type": "none", "locations": []}})

    assert not result.failed, result.result
    assert result.result["changed"] is True
