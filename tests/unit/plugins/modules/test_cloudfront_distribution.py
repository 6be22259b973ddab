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


PREDICTED_CERTIFICATE = {
    "aliases": ["cdn.example.com"],
    "viewer_certificate": {"acm_certificate_arn": "(created by this run: ACM certificate cdn.example.com)"},
}


def test_a_certificate_predicted_by_acm_certificate_is_taken_in_check_mode(runner):
    """On a fresh account, --check of a custom domain: acm_certificate predicts the certificate it would request,
    and the distribution shows that prediction in its diff instead of refusing it."""
    listed(runner.stub("cloudfront"))

    result = runner.run(mod.main, {**ARGS, **PREDICTED_CERTIFICATE, "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    after = result.result["diff"]["after"]
    assert (
        after["viewer_certificate"]["acm_certificate_arn"]
        == PREDICTED_CERTIFICATE["viewer_certificate"]["acm_certificate_arn"]
    )


def test_a_predicted_certificate_is_refused_outside_check_mode(runner):
    result = runner.run(mod.main, {**ARGS, **PREDICTED_CERTIFICATE})

    assert result.failed
    assert "must be a certificate in us-east-1" in result.result["msg"]
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


# ---------------------------------------------------------------------------------------------
# Names instead of IDs: one list call per kind named, the prediction of names a run would create

CACHE_KEY = {
    "EnableAcceptEncodingGzip": True,
    "HeadersConfig": {"HeaderBehavior": "none"},
    "CookiesConfig": {"CookieBehavior": "none"},
    "QueryStringsConfig": {"QueryStringBehavior": "none"},
}
NAMED_BEHAVIOR = {
    "target_origin_id": "hls-bucket",
    "cache_policy_name": "unit-segments",
    "trusted_key_group_names": ["unit-signers"],
}
NAMED_ARGS = {
    **ARGS,
    "origins": [
        {
            "id": "hls-bucket",
            "domain_name": "storytime-hls-outputs-unit.s3.eu-west-1.amazonaws.com",
            "origin_access_control_name": "unit-oac",
        }
    ],
    "default_cache_behavior": NAMED_BEHAVIOR,
    "cache_behaviors": [
        {
            **NAMED_BEHAVIOR,
            "path_pattern": "books/*.m3u8",
            "cache_policy_name": "unit-manifests",
            "response_headers_policy_name": "unit-players",
        },
        {**NAMED_BEHAVIOR, "path_pattern": "books/*", "response_headers_policy_name": ""},
    ],
}


def oacs_listed(stub, *names, marker=None, next_marker=None):
    items = [
        {
            "Id": f"id-of-{name}",
            "Description": "",
            "Name": name,
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
        for name in names
    ]
    page = {"Marker": marker or "", "MaxItems": 1, "IsTruncated": bool(next_marker), "Quantity": len(items)}
    if items:
        page["Items"] = items
    if next_marker:
        page["NextMarker"] = next_marker
    stub.add_response(
        "list_origin_access_controls", {"OriginAccessControlList": page}, {"Marker": marker} if marker else {}
    )


def cache_policies_listed(stub, *names):
    items = [
        {
            "Type": "custom",
            "CachePolicy": {
                "Id": f"id-of-{name}",
                "LastModifiedTime": "2026-11-24T00:00:00Z",
                "CachePolicyConfig": {"Name": name, "MinTTL": 0, "ParametersInCacheKeyAndForwardedToOrigin": CACHE_KEY},
            },
        }
        for name in names
    ]
    stub.add_response(
        "list_cache_policies",
        {"CachePolicyList": {"MaxItems": 100, "Quantity": len(items), "Items": items}},
        {"Type": "custom"},
    )


def response_headers_policies_listed(stub, *names):
    items = [
        {
            "Type": "custom",
            "ResponseHeadersPolicy": {
                "Id": f"id-of-{name}",
                "LastModifiedTime": "2026-11-24T00:00:00Z",
                "ResponseHeadersPolicyConfig": {"Name": name},
            },
        }
        for name in names
    ]
    stub.add_response(
        "list_response_headers_policies",
        {"ResponseHeadersPolicyList": {"MaxItems": 100, "Quantity": len(items), "Items": items}},
        {"Type": "custom"},
    )


def key_groups_listed(stub, *names):
    items = [
        {
            "KeyGroup": {
                "Id": f"id-of-{name}",
                "LastModifiedTime": "2026-11-24T00:00:00Z",
                "KeyGroupConfig": {"Name": name, "Items": ["K2JCJMDEHXQW5F"]},
            }
        }
        for name in names
    ]
    stub.add_response(
        "list_key_groups", {"KeyGroupList": {"MaxItems": 100, "Quantity": len(items), "Items": items}}, {}
    )


def all_names_listed(stub, *, missing=(), lists=4):
    """Each kind's list once, in the order the module resolves them (the first ``lists`` of them); names in
    ``missing`` are not listed."""

    def present(*names):
        return [name for name in names if name not in missing]

    calls = [
        lambda: oacs_listed(stub, *present("unit-oac"), "someone-elses-oac"),
        lambda: cache_policies_listed(stub, *present("unit-segments", "unit-manifests")),
        lambda: key_groups_listed(stub, *present("unit-signers")),
        lambda: response_headers_policies_listed(stub, *present("unit-players")),
    ]
    for call in calls[:lists]:
        call()


def config_by_ids():
    """The configuration the same distribution has when given by IDs (the ones the stubs list)."""
    behavior = {"target_origin_id": "hls-bucket", "trusted_key_groups": ["id-of-unit-signers"]}
    args = {
        **ARGS,
        "origins": [{**ARGS["origins"][0], "origin_access_control_id": "id-of-unit-oac"}],
        "default_cache_behavior": {**behavior, "cache_policy_id": "id-of-unit-segments"},
        "cache_behaviors": [
            {
                **behavior,
                "path_pattern": "books/*.m3u8",
                "cache_policy_id": "id-of-unit-manifests",
                "response_headers_policy_id": "id-of-unit-players",
            },
            {**behavior, "path_pattern": "books/*", "cache_policy_id": "id-of-unit-segments"},
        ],
    }
    return dist.apply_options(dist.new_config(COMMENT, COMMENT), module_params(args))


def test_names_are_resolved_with_one_list_call_per_kind(runner):
    stub = runner.stub("cloudfront")
    all_names_listed(stub)
    listed(stub)
    config = config_by_ids()
    stub.add_response(
        "create_distribution",
        {"Distribution": distribution(config, "InProgress"), "ETag": "E1", "Location": "x"},
        {"DistributionConfig": config},
    )

    result = runner.run(mod.main, NAMED_ARGS)

    assert not result.failed, result.result
    stub.assert_no_pending_responses()
    out = result.result["distribution"]
    assert out["origins"][0]["origin_access_control_id"] == "id-of-unit-oac"
    assert out["default_cache_behavior"]["cache_policy_id"] == "id-of-unit-segments"
    assert [b["cache_policy_id"] for b in out["cache_behaviors"]] == ["id-of-unit-manifests", "id-of-unit-segments"]
    assert [b["response_headers_policy_id"] for b in out["cache_behaviors"]] == ["id-of-unit-players", None]
    assert out["cache_behaviors"][1]["trusted_key_groups"] == ["id-of-unit-signers"]


def test_names_of_a_converged_distribution_cost_the_lists_only(runner):
    stub = runner.stub("cloudfront")
    config = config_by_ids()
    all_names_listed(stub)
    listed(stub, summary(config))
    stub.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E5"}, {"Id": DIST_ID})

    result = runner.run(mod.main, NAMED_ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False
    stub.assert_no_pending_responses()


def test_list_of_names_follows_next_marker(runner):
    stub = runner.stub("cloudfront")
    oacs_listed(stub, "other", next_marker="page-2")
    oacs_listed(stub, "unit-oac", marker="page-2")
    config = desired_config()
    config["Origins"]["Items"][0]["OriginAccessControlId"] = "id-of-unit-oac"
    listed(stub, summary(config))
    stub.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E5"}, {"Id": DIST_ID})
    origin = {**ARGS["origins"][0], "origin_access_control_name": "unit-oac"}
    del origin["origin_access_control_id"]

    result = runner.run(mod.main, {**ARGS, "origins": [origin]})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    stub.assert_no_pending_responses()


# (missing name, its kind, the option that names it, how many lists the module makes before it fails)
MISSING = [
    pytest.param("unit-oac", "origin access control", "origins[0].origin_access_control_name", 1, id="oac"),
    pytest.param("unit-manifests", "cache policy", "cache_behaviors[0].cache_policy_name", 3, id="cache-policy"),
    pytest.param("unit-signers", "key group", "default_cache_behavior.trusted_key_group_names", 3, id="key-group"),
    pytest.param(
        "unit-players",
        "response headers policy",
        "cache_behaviors[0].response_headers_policy_name",
        4,
        id="response-headers-policy",
    ),
]


@pytest.mark.parametrize("missing, kind, option, lists", MISSING)
def test_a_missing_name_fails_outside_check_mode_and_writes_nothing(runner, missing, kind, option, lists):
    stub = runner.stub("cloudfront")
    # Only the lists before the failure are queued: the runner fails on any call not queued (a distribution look-up,
    # a write) and on any queued call not made.
    all_names_listed(stub, missing=[missing], lists=lists)

    result = runner.run(mod.main, NAMED_ARGS)

    assert result.failed
    assert (
        result.result["msg"] == f"{option}: there is no {kind} named {missing!r} (it does not exist in this account)."
    )


@pytest.mark.parametrize("missing, kind, option, lists", MISSING)
def test_a_missing_name_is_predicted_in_check_mode(runner, missing, kind, option, lists):
    stub = runner.stub("cloudfront")
    config = config_by_ids()
    all_names_listed(stub, missing=[missing])
    listed(stub, summary(config))
    stub.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E5"}, {"Id": DIST_ID})

    result = runner.run(mod.main, {**NAMED_ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    stub.assert_no_pending_responses()  # no write was queued, and every queued read was made
    assert result.result["changed"] is True
    marker = f"(created by this run: {kind} {missing})"
    before, after = result.result["diff"]["before"], result.result["diff"]["after"]
    assert marker not in str(before)
    assert marker in str(after)
    ids = {
        "unit-oac": lambda d: d["origins"][0]["origin_access_control_id"],
        "unit-manifests": lambda d: d["cache_behaviors"][0]["cache_policy_id"],
        "unit-signers": lambda d: d["default_cache_behavior"]["trusted_key_groups"][0],
        "unit-players": lambda d: d["cache_behaviors"][0]["response_headers_policy_id"],
    }[missing]
    assert ids(before) == f"id-of-{missing}"
    assert ids(after) == marker


def test_check_mode_on_a_fresh_account_predicts_every_name(runner):
    stub = runner.stub("cloudfront")
    oacs_listed(stub)
    cache_policies_listed(stub)
    key_groups_listed(stub)
    response_headers_policies_listed(stub)
    listed(stub)

    result = runner.run(mod.main, {**NAMED_ARGS, "_ansible_check_mode": True})

    assert not result.failed, result.result
    stub.assert_no_pending_responses()
    after = result.result["diff"]["after"]
    assert result.result["diff"]["before"] == {}
    assert after["origins"][0]["origin_access_control_id"] == "(created by this run: origin access control unit-oac)"
    assert after["default_cache_behavior"]["trusted_key_groups"] == ["(created by this run: key group unit-signers)"]
    assert after["cache_behaviors"][1]["cache_policy_id"] == "(created by this run: cache policy unit-segments)"
    # Its own identifiers: the ARN and domain name later tasks of the run use are predicted, the ID left unknown.
    distribution = result.result["distribution"]
    assert distribution["id"] is None
    assert distribution["arn"] == f"(created by this run: distribution ARN {NAMED_ARGS['comment']})"
    assert distribution["domain_name"] == f"(created by this run: distribution domain name {NAMED_ARGS['comment']})"


def test_ids_need_no_list_call(runner):
    """The ID options of standalone users: no name, no list of origin access controls, policies or key groups."""
    stub = runner.stub("cloudfront")
    config = desired_config()
    listed(stub, summary(config))
    stub.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E5"}, {"Id": DIST_ID})

    result = runner.run(mod.main, ARGS)

    assert not result.failed, result.result
    assert result.result["changed"] is False
    stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"origins": [{**ARGS["origins"][0], "origin_access_control_name": "unit-oac"}]},
            "parameters are mutually exclusive: origin_access_control_id|origin_access_control_name",
        ),
        (
            {"default_cache_behavior": {**BEHAVIOR, "cache_policy_name": "unit-segments"}},
            "parameters are mutually exclusive: cache_policy_id|cache_policy_name",
        ),
        (
            {"cache_behaviors": [{**BEHAVIOR, "path_pattern": "a/*", "trusted_key_group_names": ["unit-signers"]}]},
            "parameters are mutually exclusive: trusted_key_groups|trusted_key_group_names",
        ),
        (
            {"default_cache_behavior": {"target_origin_id": "hls-bucket"}},
            "default_cache_behavior: one of cache_policy_id, cache_policy_name is required",
        ),
    ],
)
def test_names_and_ids_are_exclusive_and_a_policy_is_required(runner, changes, message):
    result = runner.run(mod.main, {**ARGS, **changes})

    assert result.failed
    assert message in result.result["msg"]
    assert runner.client_requests == []


# ---------------------------------------------------------------------------------------------
# The web ACL by name: one ListWebACLs (scope CLOUDFRONT, us-east-1); CloudFront takes its ARN

WEB_ACL_ARN = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/unit-hls/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


def web_acls_listed(waf, *acls, marker=None, next_marker=None):
    page = {
        "WebACLs": [
            {"Name": name, "Id": f"id-of-{name}", "Description": "unit", "LockToken": "token", "ARN": arn}
            for name, arn in acls
        ]
    }
    if next_marker:
        page["NextMarker"] = next_marker
    request = {"Scope": "CLOUDFRONT", "Limit": 100}
    if marker:
        request["NextMarker"] = marker
    waf.add_response("list_web_acls", page, request)


def test_web_acl_by_name_is_its_arn(runner):
    stub = runner.stub("cloudfront")
    waf = runner.stub("wafv2")
    web_acls_listed(waf, ("someone-else", WEB_ACL_ARN.replace("unit-hls", "other")), next_marker="page-2")
    web_acls_listed(waf, ("unit-hls", WEB_ACL_ARN), marker="page-2")
    config = desired_config()
    config["WebACLId"] = WEB_ACL_ARN
    listed(stub, summary(config))
    stub.add_response("get_distribution_config", {"DistributionConfig": config, "ETag": "E5"}, {"Id": DIST_ID})

    result = runner.run(mod.main, {**ARGS, "web_acl_name": "unit-hls"})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["distribution"]["web_acl_id"] == WEB_ACL_ARN


def test_empty_web_acl_name_detaches_without_a_list(runner):
    stub = runner.stub("cloudfront")
    config = desired_config()
    attached = copy.deepcopy(config)
    attached["WebACLId"] = WEB_ACL_ARN
    listed(stub, summary(attached))
    stub.add_response("get_distribution_config", {"DistributionConfig": attached, "ETag": "E5"}, {"Id": DIST_ID})

    result = runner.run(mod.main, {**ARGS, "web_acl_name": "", "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["web_acl_id"] == WEB_ACL_ARN
    assert result.result["diff"]["after"]["web_acl_id"] == ""
    assert "wafv2" not in runner.client_requests


def test_missing_web_acl_fails_or_is_predicted(runner):
    waf = runner.stub("wafv2")
    web_acls_listed(waf)

    failed = runner.run(mod.main, {**ARGS, "web_acl_name": "unit-hls"})

    assert failed.failed
    assert (
        failed.result["msg"]
        == "web_acl_name: there is no web ACL named 'unit-hls' (it does not exist in this account)."
    )


def test_missing_web_acl_is_predicted_in_check_mode(runner):
    stub = runner.stub("cloudfront")
    waf = runner.stub("wafv2")
    web_acls_listed(waf)
    listed(stub)

    result = runner.run(mod.main, {**ARGS, "web_acl_name": "unit-hls", "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["diff"]["after"]["web_acl_id"] == "(created by this run: web ACL unit-hls)"


def test_web_acl_id_and_name_are_exclusive(runner):
    result = runner.run(mod.main, {**ARGS, "web_acl_id": WEB_ACL_ARN, "web_acl_name": "unit-hls"})

    assert result.failed
    assert "parameters are mutually exclusive: web_acl_id|web_acl_name" in result.result["msg"]
    assert runner.client_requests == []
