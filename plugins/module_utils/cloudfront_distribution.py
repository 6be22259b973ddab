# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DistributionConfig building, merging and comparison for the cloudfront_distribution module (no AWS calls).

The module never rebuilds a distribution's configuration from scratch: it lays the settings it manages
over the configuration CloudFront returned, so settings it does not manage (geo restrictions, custom
error responses, function associations of a behaviour, ...) are kept, and desired and current
configurations can be compared exactly after :func:`canonical`.
"""

import copy
import re

from ansible_collections.storytime.video_infra.plugins.module_utils.cloudfront import from_cf_list
from ansible_collections.storytime.video_infra.plugins.module_utils.cloudfront import to_cf_list
from ansible_collections.storytime.video_infra.plugins.module_utils.common import is_created_by_this_run

DEFAULT_CERTIFICATE = {
    "CloudFrontDefaultCertificate": True,
    "SSLSupportMethod": "vip",
    "MinimumProtocolVersion": "TLSv1",
    "CertificateSource": "cloudfront",
}
#: An ISO 3166-1 alpha-2 country code as CloudFront takes it in GeoRestriction (two upper-case letters).
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# Keys CloudFront returns in ViewerCertificate that are derived, not set.
_DERIVED_CERTIFICATE_KEYS = ("Certificate", "CertificateSource")


def canonical(value):
    """A comparable copy: CloudFront lists of scalars sorted, ``Quantity`` checked against the items,
    empty ``Items`` dropped. Lists of dicts keep their order (behaviour order matters)."""
    if isinstance(value, dict):
        result = {k: canonical(v) for k, v in value.items()}
        if "Quantity" in result and set(result) <= {"Quantity", "Items", "Enabled", "CachedMethods", "RestrictionType"}:
            items = result.get("Items") or []
            if items and all(not isinstance(i, (dict, list)) for i in items):
                items = sorted(items)
            result.pop("Items", None)
            if items:
                result["Items"] = items
            result["Quantity"] = len(items)
        return result
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def _origin(option, existing):
    origin = copy.deepcopy(existing) if existing else {}
    origin["Id"] = option["id"]
    origin["DomainName"] = option["domain_name"]
    origin["OriginPath"] = option.get("origin_path") or ""
    origin.setdefault("CustomHeaders", {"Quantity": 0})
    origin.setdefault("ConnectionAttempts", 3)
    origin.setdefault("ConnectionTimeout", 10)
    origin.setdefault("OriginShield", {"Enabled": False})
    custom = option.get("custom_origin_config")
    if custom:
        origin.pop("S3OriginConfig", None)
        origin["CustomOriginConfig"] = {
            "HTTPPort": custom.get("http_port") or 80,
            "HTTPSPort": custom.get("https_port") or 443,
            "OriginProtocolPolicy": custom.get("origin_protocol_policy") or "https-only",
            "OriginSslProtocols": to_cf_list(custom.get("origin_ssl_protocols") or ["TLSv1.2"], sort=True),
            "OriginReadTimeout": (origin.get("CustomOriginConfig") or {}).get("OriginReadTimeout", 30),
            "OriginKeepaliveTimeout": (origin.get("CustomOriginConfig") or {}).get("OriginKeepaliveTimeout", 5),
        }
    else:
        origin.pop("CustomOriginConfig", None)
        # With an origin access control, the legacy origin access identity must be empty.
        s3 = dict(origin.get("S3OriginConfig") or {})
        s3["OriginAccessIdentity"] = ""
        origin["S3OriginConfig"] = s3
    origin["OriginAccessControlId"] = option.get("origin_access_control_id") or ""
    return origin


def _behavior(option, existing, path_pattern=None):
    behavior = copy.deepcopy(existing) if existing else {}
    if path_pattern is not None:
        behavior["PathPattern"] = path_pattern
    behavior["TargetOriginId"] = option["target_origin_id"]
    behavior["ViewerProtocolPolicy"] = option["viewer_protocol_policy"]
    allowed = option.get("allowed_methods") or ["GET", "HEAD"]
    cached = option.get("cached_methods") or ["GET", "HEAD"]
    behavior["AllowedMethods"] = {
        "Quantity": len(allowed),
        "Items": sorted(allowed),
        "CachedMethods": {"Quantity": len(cached), "Items": sorted(cached)},
    }
    behavior["Compress"] = bool(option.get("compress"))
    for key, api_key in (
        ("cache_policy_id", "CachePolicyId"),
        ("origin_request_policy_id", "OriginRequestPolicyId"),
        ("response_headers_policy_id", "ResponseHeadersPolicyId"),
    ):
        if option.get(key):
            behavior[api_key] = option[key]
        else:
            behavior.pop(api_key, None)
    if behavior.get("CachePolicyId"):
        # A cache policy replaces the legacy ForwardedValues / TTL settings; CloudFront refuses both.
        for legacy in ("ForwardedValues", "MinTTL", "DefaultTTL", "MaxTTL"):
            behavior.pop(legacy, None)
    key_groups = option.get("trusted_key_groups") or []
    behavior["TrustedKeyGroups"] = {"Enabled": bool(key_groups), **to_cf_list(key_groups, sort=True)}
    behavior.setdefault("TrustedSigners", {"Enabled": False, "Quantity": 0})
    behavior.setdefault("SmoothStreaming", False)
    behavior.setdefault("FieldLevelEncryptionId", "")
    behavior.setdefault("LambdaFunctionAssociations", {"Quantity": 0})
    behavior.setdefault("FunctionAssociations", {"Quantity": 0})
    return behavior


def _viewer_certificate(option):
    if not option or not option.get("acm_certificate_arn"):
        return copy.deepcopy(DEFAULT_CERTIFICATE)
    return {
        "ACMCertificateArn": option["acm_certificate_arn"],
        "SSLSupportMethod": option.get("ssl_support_method") or "sni-only",
        "MinimumProtocolVersion": option.get("minimum_protocol_version") or "TLSv1.2_2021",
        "CloudFrontDefaultCertificate": False,
        "CertificateSource": "acm",
    }


def geo_restriction_problems(option):
    """Why CloudFront would refuse this ``geo_restriction`` option (API reference, GeoRestriction): the countries
    are two-letter upper-case ISO 3166-1 alpha-2 codes, at least one when restricting, none without a restriction."""
    kind = option.get("restriction_type") or "none"
    locations = option.get("locations") or []
    problems = [
        f"{code!r} is not a two-letter upper-case country code" for code in locations if not _COUNTRY.match(code)
    ]
    if kind == "none" and locations:
        problems.append("restriction_type none takes no locations")
    if kind != "none" and not locations:
        problems.append(f"restriction_type {kind} needs at least one location")
    return problems


def _geo_restriction(option):
    locations = sorted(set(option.get("locations") or []))
    return {"RestrictionType": option.get("restriction_type") or "none", **to_cf_list(locations)}


def new_config(caller_reference, comment):
    """The skeleton of a new distribution; :func:`apply_options` fills in the rest."""
    return {
        "CallerReference": caller_reference,
        "Comment": comment,
        "Enabled": True,
        "Aliases": {"Quantity": 0},
        "DefaultRootObject": "",
        "Origins": {"Quantity": 0, "Items": []},
        "OriginGroups": {"Quantity": 0},
        "CacheBehaviors": {"Quantity": 0},
        "CustomErrorResponses": {"Quantity": 0},
        "Logging": {"Enabled": False, "IncludeCookies": False, "Bucket": "", "Prefix": ""},
        "PriceClass": "PriceClass_All",
        "ViewerCertificate": copy.deepcopy(DEFAULT_CERTIFICATE),
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
        "WebACLId": "",
        "HttpVersion": "http2",
        "IsIPV6Enabled": True,
    }


def apply_options(current, params):
    """Lay the set options over ``current`` (a DistributionConfig); unset options keep what is there."""
    config = copy.deepcopy(current)
    if params.get("enabled") is not None:
        config["Enabled"] = params["enabled"]
    if params.get("origins") is not None:
        existing = {o["Id"]: o for o in from_cf_list(config.get("Origins"))}
        origins = [_origin(option, existing.get(option["id"])) for option in params["origins"]]
        config["Origins"] = {"Quantity": len(origins), "Items": origins}
    if params.get("default_cache_behavior") is not None:
        config["DefaultCacheBehavior"] = _behavior(params["default_cache_behavior"], config.get("DefaultCacheBehavior"))
    if params.get("cache_behaviors") is not None:
        existing = {b["PathPattern"]: b for b in from_cf_list(config.get("CacheBehaviors"))}
        behaviors = [
            _behavior(option, existing.get(option["path_pattern"]), option["path_pattern"])
            for option in params["cache_behaviors"]
        ]
        config["CacheBehaviors"] = {"Quantity": len(behaviors)}
        if behaviors:
            config["CacheBehaviors"]["Items"] = behaviors
    if params.get("aliases") is not None:
        config["Aliases"] = to_cf_list(params["aliases"], sort=True)
    if params.get("viewer_certificate") is not None:
        config["ViewerCertificate"] = _viewer_certificate(params["viewer_certificate"])
    simple = (
        ("price_class", "PriceClass"),
        ("http_version", "HttpVersion"),
        ("is_ipv6_enabled", "IsIPV6Enabled"),
        ("default_root_object", "DefaultRootObject"),
        ("web_acl_id", "WebACLId"),
    )
    for option, key in simple:
        if params.get(option) is not None:
            config[key] = params[option]
    if params.get("geo_restriction") is not None:
        config["Restrictions"] = {"GeoRestriction": _geo_restriction(params["geo_restriction"])}
    if params.get("logging") is not None:
        logging = params["logging"]
        config["Logging"] = {
            "Enabled": bool(logging.get("bucket")),
            "IncludeCookies": bool(logging.get("include_cookies")),
            "Bucket": logging.get("bucket") or "",
            "Prefix": logging.get("prefix") or "",
        }
    return config


def comparable(config):
    """Canonical form without the fields CloudFront derives (so a fresh read equals what was written)."""
    result = canonical(config)
    certificate = dict(result.get("ViewerCertificate") or {})
    for key in _DERIVED_CERTIFICATE_KEYS:
        certificate.pop(key, None)
    if certificate.get("CloudFrontDefaultCertificate"):
        certificate = {"CloudFrontDefaultCertificate": True}
    result["ViewerCertificate"] = certificate
    return result


def _behavior_summary(behavior):
    summary = {
        "target_origin_id": behavior.get("TargetOriginId"),
        "viewer_protocol_policy": behavior.get("ViewerProtocolPolicy"),
        "allowed_methods": sorted(from_cf_list(behavior.get("AllowedMethods"))),
        "cached_methods": sorted(from_cf_list((behavior.get("AllowedMethods") or {}).get("CachedMethods"))),
        "compress": behavior.get("Compress"),
        "cache_policy_id": behavior.get("CachePolicyId"),
        "origin_request_policy_id": behavior.get("OriginRequestPolicyId"),
        "response_headers_policy_id": behavior.get("ResponseHeadersPolicyId"),
        "trusted_key_groups": sorted(from_cf_list(behavior.get("TrustedKeyGroups"))),
    }
    if "PathPattern" in behavior:
        summary = {"path_pattern": behavior["PathPattern"], **summary}
    return summary


def summarize(config):
    """DistributionConfig -> the module's option shape (used for the result and the diff)."""
    certificate = config.get("ViewerCertificate") or {}
    logging = config.get("Logging") or {}
    geo = (config.get("Restrictions") or {}).get("GeoRestriction") or {}
    return {
        "comment": config.get("Comment"),
        "caller_reference": config.get("CallerReference"),
        "enabled": config.get("Enabled"),
        "aliases": sorted(from_cf_list(config.get("Aliases"))),
        "origins": [
            {
                "id": o["Id"],
                "domain_name": o["DomainName"],
                "origin_path": o.get("OriginPath") or "",
                "origin_access_control_id": o.get("OriginAccessControlId") or "",
                "s3_origin": "S3OriginConfig" in o,
            }
            for o in from_cf_list(config.get("Origins"))
        ],
        "default_cache_behavior": _behavior_summary(config.get("DefaultCacheBehavior") or {}),
        "cache_behaviors": [_behavior_summary(b) for b in from_cf_list(config.get("CacheBehaviors"))],
        "viewer_certificate": {
            "acm_certificate_arn": certificate.get("ACMCertificateArn"),
            "cloudfront_default_certificate": bool(certificate.get("CloudFrontDefaultCertificate")),
            "ssl_support_method": certificate.get("SSLSupportMethod"),
            "minimum_protocol_version": certificate.get("MinimumProtocolVersion"),
        },
        "price_class": config.get("PriceClass"),
        "http_version": config.get("HttpVersion"),
        "is_ipv6_enabled": config.get("IsIPV6Enabled"),
        "default_root_object": config.get("DefaultRootObject") or "",
        "web_acl_id": config.get("WebACLId") or "",
        "geo_restriction": {
            "restriction_type": geo.get("RestrictionType") or "none",
            "locations": sorted(from_cf_list(geo)),
        },
        "logging": {
            "bucket": logging.get("Bucket") or "",
            "prefix": logging.get("Prefix") or "",
            "include_cookies": bool(logging.get("IncludeCookies")),
        },
    }


# Per behaviour: (option with a name, kind of resource, option with the ID it replaces).
_BEHAVIOR_NAMES = (
    ("cache_policy_name", "cache policy", "cache_policy_id"),
    ("response_headers_policy_name", "response headers policy", "response_headers_policy_id"),
)


def behavior_options(params):
    """``(label, behaviour option)`` of the default behaviour and each cache behaviour that is set."""
    behaviors = [("default_cache_behavior", params.get("default_cache_behavior"))]
    behaviors += [(f"cache_behaviors[{i}]", b) for i, b in enumerate(params.get("cache_behaviors") or [])]
    return [(label, behavior) for label, behavior in behaviors if behavior]


def resolve_names(params, ids):
    """``params`` with every name option replaced by the ID option it stands for, resolved by ``ids`` (a
    :class:`~cloudfront.IdsByName`, asked only for the names given). An empty response headers policy name
    means none, like an empty ID."""
    resolved = copy.deepcopy(params)
    web_acl_name = resolved.pop("web_acl_name", None)
    if web_acl_name is not None:
        resolved["web_acl_id"] = ids.resolve("web ACL", web_acl_name, "web_acl_name") if web_acl_name else ""
    for i, origin in enumerate(resolved.get("origins") or []):
        name = origin.pop("origin_access_control_name", None)
        if name:
            origin["origin_access_control_id"] = ids.resolve(
                "origin access control", name, f"origins[{i}].origin_access_control_name"
            )
    for label, behavior in behavior_options(resolved):
        for name_option, kind, id_option in _BEHAVIOR_NAMES:
            name = behavior.pop(name_option, None)
            if name is not None:
                behavior[id_option] = ids.resolve(kind, name, f"{label}.{name_option}") if name else ""
        names = behavior.pop("trusted_key_group_names", None)
        if names is not None:
            behavior["trusted_key_groups"] = [
                ids.resolve("key group", name, f"{label}.trusted_key_group_names") for name in names
            ]
    return resolved


def option_problems(params, check_mode=False):
    """Problems with the distribution options that CloudFront would refuse (messages name the option). In check
    mode, the certificate may be the prediction of the task that requests it (``created_by_this_run``)."""
    problems = []
    origin_ids = [o["id"] for o in params.get("origins") or []]
    if len(origin_ids) != len(set(origin_ids)):
        problems.append("origins: each id must be unique")
    patterns = [b["path_pattern"] for b in params.get("cache_behaviors") or []]
    if len(patterns) != len(set(patterns)):
        problems.append("cache_behaviors: each path_pattern must be unique")
    for label, behavior in behavior_options(params):
        if not behavior.get("cache_policy_id") and not behavior.get("cache_policy_name"):
            problems.append(f"{label}: one of cache_policy_id, cache_policy_name is required")
        key_groups = behavior.get("trusted_key_groups") or behavior.get("trusted_key_group_names") or []
        if len(key_groups) > 4:
            problems.append(f"{label}.trusted_key_groups: CloudFront allows at most 4 key groups per behaviour")
        if origin_ids and behavior["target_origin_id"] not in origin_ids:
            problems.append(f"{label}.target_origin_id {behavior['target_origin_id']!r} is not one of the origins")
        cached = set(behavior.get("cached_methods") or ["GET", "HEAD"])
        allowed = set(behavior.get("allowed_methods") or ["GET", "HEAD"])
        if not cached <= allowed:
            problems.append(f"{label}.cached_methods must be a subset of allowed_methods")
    aliases = params.get("aliases") or []
    certificate = params.get("viewer_certificate") or {}
    if aliases and params.get("viewer_certificate") is not None and not certificate.get("acm_certificate_arn"):
        problems.append("aliases need viewer_certificate.acm_certificate_arn (an ACM certificate in us-east-1)")
    arn = certificate.get("acm_certificate_arn")
    if arn and ":us-east-1:" not in arn and not (check_mode and is_created_by_this_run(arn)):
        problems.append(
            "viewer_certificate.acm_certificate_arn must be a certificate in us-east-1 (CloudFront's region)"
        )
    if params.get("geo_restriction") is not None:
        problems += [f"geo_restriction: {problem}" for problem in geo_restriction_problems(params["geo_restriction"])]
    return problems
