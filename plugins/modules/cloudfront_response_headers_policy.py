#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_response_headers_policy
version_added: 1.1.0
short_description: Manage a CloudFront response headers policy
description:
  - Creates, updates or deletes a custom CloudFront response headers policy, which sets the headers CloudFront adds
    to (or removes from) its responses to viewers for the cache behaviours that use it, for example the CORS headers
    a web player needs to read playlists and segments from another origin with credentials (signed cookies).
  - The policy is found by O(name) among the account's custom policies. A second identical run makes only the list
    call; the policy is updated with C(IfMatch) (the ETag of a fresh read) only when its configuration differs.
  - Each of O(cors), O(security_headers), O(custom_headers) and O(remove_headers) is a section of the policy. A
    section left unset keeps what the policy has; a section that is set replaces the whole section (unset
    suboptions inside it take their documented defaults).
  - The C(Server-Timing) header setting is not managed; a policy that has one keeps it.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description: Name of the response headers policy (unique among the account's response headers policies).
    type: str
    required: true
  state:
    description: Whether the response headers policy should exist.
    type: str
    choices: [present, absent]
    default: present
  comment:
    description: Comment (at most 128 characters).
    type: str
  cors:
    description:
      - The cross-origin resource sharing (CORS) headers. CloudFront adds them to responses to CORS requests (requests
        with an C(Origin) header) whose origin is in O(cors.allow_origins).
      - An empty dictionary (V({})) removes the CORS settings from the policy.
    type: dict
    suboptions:
      allow_origins:
        description:
          - Origins allowed to read the responses (C(Access-Control-Allow-Origin)), such as V(https://app.example.com),
            or V(*) for any origin.
          - A V(*) wildcard may only be the leftmost label of a domain (V(https://*.example.com)).
          - Required when O(cors) is set and not empty.
        type: list
        elements: str
      allow_credentials:
        description:
          - Whether CloudFront sends C(Access-Control-Allow-Credentials) with the value C(true), which a browser needs
            before it lets a page read a response to a request sent with cookies.
        type: bool
        default: false
      allow_methods:
        description:
          - Methods for C(Access-Control-Allow-Methods) in answers to preflight requests. V(ALL) stands for all of them.
          - Required when O(cors) is set and not empty.
        type: list
        elements: str
        choices: [GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT, ALL]
      allow_headers:
        description: Request headers for C(Access-Control-Allow-Headers) in preflight answers; V(*) means any.
        type: list
        elements: str
        default: []
      expose_headers:
        description: Response headers a page may read (C(Access-Control-Expose-Headers)).
        type: list
        elements: str
        default: []
      max_age_sec:
        description: Seconds a browser may cache a preflight answer (C(Access-Control-Max-Age)); unset sends none.
        type: int
      origin_override:
        description:
          - V(true) to replace CORS headers the origin sends with the policy's; V(false) to keep the origin's
            (the policy's are added when the origin sends none).
        type: bool
        default: true
  security_headers:
    description:
      - Security-related headers. A header left out is not added; an empty dictionary (V({})) removes them all.
      - Each has an C(override) flag. V(true) replaces the header when the origin sends it; V(false) keeps the
        origin's. The policy's header is added when the origin sends none, whatever the flag.
    type: dict
    suboptions:
      strict_transport_security:
        description: C(Strict-Transport-Security).
        type: dict
        suboptions:
          max_age_sec:
            description: The C(max-age) directive, in seconds.
            type: int
            required: true
          include_subdomains:
            description: Add the C(includeSubDomains) directive.
            type: bool
            default: false
          preload:
            description: Add the C(preload) directive.
            type: bool
            default: false
          override:
            description: Replace the origin's header.
            type: bool
            default: true
      content_type_options:
        description: C(X-Content-Type-Options) with the value C(nosniff).
        type: dict
        suboptions:
          override:
            description: Replace the origin's header.
            type: bool
            default: true
      referrer_policy:
        description: C(Referrer-Policy).
        type: dict
        suboptions:
          referrer_policy:
            description: The header's value.
            type: str
            required: true
            choices:
              - no-referrer
              - no-referrer-when-downgrade
              - origin
              - origin-when-cross-origin
              - same-origin
              - strict-origin
              - strict-origin-when-cross-origin
              - unsafe-url
          override:
            description: Replace the origin's header.
            type: bool
            default: true
      frame_options:
        description: C(X-Frame-Options).
        type: dict
        suboptions:
          frame_option:
            description: The header's value.
            type: str
            required: true
            choices: [DENY, SAMEORIGIN]
          override:
            description: Replace the origin's header.
            type: bool
            default: true
      xss_protection:
        description: C(X-XSS-Protection).
        type: dict
        suboptions:
          protection:
            description: V(true) for C(1), V(false) for C(0).
            type: bool
            required: true
          mode_block:
            description: Add C(mode=block) (not together with O(security_headers.xss_protection.report_uri)).
            type: bool
            default: false
          report_uri:
            description: Add C(report=<uri>).
            type: str
          override:
            description: Replace the origin's header.
            type: bool
            default: true
      content_security_policy:
        description: C(Content-Security-Policy).
        type: dict
        suboptions:
          content_security_policy:
            description: The header's value (at most 1783 characters).
            type: str
            required: true
          override:
            description: Replace the origin's header.
            type: bool
            default: true
  custom_headers:
    description: Other headers to add (at most 10). An empty list removes them all.
    type: list
    elements: dict
    suboptions:
      header:
        description: Header name.
        type: str
        required: true
      value:
        description: Header value.
        type: str
        required: true
      override:
        description: Replace the origin's header.
        type: bool
        default: true
  remove_headers:
    description:
      - Headers to remove from the origin's responses (at most 10). An empty list removes none.
      - CloudFront refuses headers it manages itself (C(Content-Length), C(Via), C(X-Cache), C(X-Amz-Cf-*) and others).
    type: list
    elements: str
notes:
  - Deleting a policy that a distribution's cache behaviour uses fails with C(ResponseHeadersPolicyInUse).
  - >-
    Why this module and not community.aws.cloudfront_response_headers_policy: as read in community.aws 11.2.0's source,
    that module answers changed=true in check mode whatever the policy holds (it exits before comparing anything),
    returns no diff, and calls UpdateResponseHeadersPolicy on every run against an existing policy, deciding
    C(changed) from whether CloudFront's LastModifiedTime is less than three seconds old. This one compares the
    configuration, writes only when it differs, predicts in check mode and returns before/after.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: CORS with credentials for the web players, and security headers
  storytime.video_infra.cloudfront_response_headers_policy:
    name: storytime-prod-hls-players
    comment: hls.js players reading playlists and segments with signed cookies
    cors:
      allow_origins:
        - https://www.storytime.example
      allow_credentials: true
      allow_methods: [GET, HEAD, OPTIONS]
      allow_headers: [Range]
      expose_headers: [Content-Length, Content-Range]
      max_age_sec: 600
      origin_override: true
    security_headers:
      strict_transport_security:
        max_age_sec: 31536000
        include_subdomains: true
      content_type_options: {}
      referrer_policy:
        referrer_policy: strict-origin-when-cross-origin
      frame_options:
        frame_option: DENY
  register: players_policy

- name: Use it on a cache behaviour
  ansible.builtin.debug:
    msg: "response_headers_policy_id: {{ players_policy.response_headers_policy.id }}"

- name: Remove the policy
  storytime.video_infra.cloudfront_response_headers_policy:
    name: storytime-prod-hls-players
    state: absent
"""

RETURN = r"""
response_headers_policy:
  description:
    - The response headers policy after the task (predicted in check mode; its id is unknown then when it is new).
    - No ETag is returned. The ListResponseHeadersPolicies summary the module reads has none, and an ETag goes
      stale as soon as anyone else writes the policy.
  returned: when O(state=present)
  type: complex
  contains:
    id:
      description: Response headers policy ID, for a cache behaviour's C(response_headers_policy_id).
      type: str
      returned: always
      sample: 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
    name:
      description: Name.
      type: str
      returned: always
    comment:
      description: Comment.
      type: str
      returned: always
    cors:
      description: CORS settings in the shape of O(cors), or null when the policy has none.
      type: dict
      returned: always
      sample:
        allow_origins: ["https://www.storytime.example"]
        allow_credentials: true
        allow_methods: [GET, HEAD, OPTIONS]
        allow_headers: []
        expose_headers: []
        max_age_sec: 600
        origin_override: true
    security_headers:
      description: Security headers in the shape of O(security_headers); a header the policy lacks is null.
      type: dict
      returned: always
    custom_headers:
      description: Custom headers in the shape of O(custom_headers), sorted by name.
      type: list
      elements: dict
      returned: always
    remove_headers:
      description: Headers removed from origin responses, sorted.
      type: list
      elements: str
      returned: always
"""

import re

from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront as cf
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule

# CloudFront Developer Guide, "Understand response headers policies" and "Quotas" (general quotas on policies).
MAX_CSP_LENGTH = 1783
MAX_CUSTOM_HEADERS = 10
MAX_REMOVE_HEADERS = 10
MAX_COMMENT_LENGTH = 128
#: Headers the guide lists under "Headers that you can't remove" (``.*`` entries are prefixes).
UNREMOVABLE_HEADERS = (
    "connection",
    "content-encoding",
    "content-length",
    "expect",
    "host",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
    "warning",
    "x-accel-buffering",
    "x-accel-charset",
    "x-accel-limit-rate",
    "x-accel-redirect",
    "x-amz-cf-*",
    "x-amzn-auth",
    "x-amzn-cf-billing",
    "x-amzn-cf-id",
    "x-amzn-cf-xff",
    "x-amzn-errortype",
    "x-amzn-fle-profile",
    "x-amzn-header-count",
    "x-amzn-header-order",
    "x-amzn-lambda-integration-tag",
    "x-amzn-requestid",
    "x-cache",
    "x-edge-*",
    "x-forwarded-proto",
    "x-real-ip",
)
#: An allowed origin: ``*``, or [scheme://]host[:port] whose host may start with one ``*.`` label (CloudFront takes
#: a bare domain name as well as a scheme and host).
_ORIGIN = re.compile(r"^(?:\*|(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[^*/:\s]+(?::\d+)?)$", re.IGNORECASE)

SECURITY_HEADERS = (
    # (option, API member, {option field: API field})
    (
        "strict_transport_security",
        "StrictTransportSecurity",
        {
            "max_age_sec": "AccessControlMaxAgeSec",
            "include_subdomains": "IncludeSubdomains",
            "preload": "Preload",
            "override": "Override",
        },
    ),
    ("content_type_options", "ContentTypeOptions", {"override": "Override"}),
    ("referrer_policy", "ReferrerPolicy", {"referrer_policy": "ReferrerPolicy", "override": "Override"}),
    ("frame_options", "FrameOptions", {"frame_option": "FrameOption", "override": "Override"}),
    (
        "xss_protection",
        "XSSProtection",
        {"protection": "Protection", "mode_block": "ModeBlock", "report_uri": "ReportUri", "override": "Override"},
    ),
    (
        "content_security_policy",
        "ContentSecurityPolicy",
        {"content_security_policy": "ContentSecurityPolicy", "override": "Override"},
    ),
)
#: What CloudFront returns for a member left out (booleans false, no report URI).
SECURITY_DEFAULTS = {"include_subdomains": False, "preload": False, "mode_block": False, "report_uri": None}
CORS_LISTS = (
    ("allow_origins", "AccessControlAllowOrigins"),
    ("allow_methods", "AccessControlAllowMethods"),
    ("allow_headers", "AccessControlAllowHeaders"),
    ("expose_headers", "AccessControlExposeHeaders"),
)
NO_SECURITY_HEADERS = {option: None for option, _api, _fields in SECURITY_HEADERS}


def _sorted_headers(headers):
    return sorted(headers, key=lambda h: (h["header"].lower(), h["header"]))


def from_api(config):
    """ResponseHeadersPolicyConfig -> the module's option shape (lists sorted, absent sections filled)."""
    cors = None
    api_cors = config.get("CorsConfig")
    if api_cors:
        cors = {option: sorted(cf.from_cf_list(api_cors.get(api))) for option, api in CORS_LISTS}
        cors["allow_credentials"] = bool(api_cors.get("AccessControlAllowCredentials"))
        cors["max_age_sec"] = api_cors.get("AccessControlMaxAgeSec")
        cors["origin_override"] = bool(api_cors.get("OriginOverride"))
    api_security = config.get("SecurityHeadersConfig") or {}
    security = {}
    for option, api, fields in SECURITY_HEADERS:
        part = api_security.get(api)
        if not part:
            security[option] = None
            continue
        security[option] = {
            name: part.get(api_field, SECURITY_DEFAULTS.get(name)) for name, api_field in fields.items()
        }
    custom = [
        {"header": item["Header"], "value": item.get("Value", ""), "override": bool(item.get("Override"))}
        for item in cf.from_cf_list(config.get("CustomHeadersConfig"))
    ]
    removed = [item["Header"] for item in cf.from_cf_list(config.get("RemoveHeadersConfig"))]
    policy = {
        "name": config["Name"],
        "comment": config.get("Comment") or "",
        "cors": cors,
        "security_headers": security,
        "custom_headers": _sorted_headers(custom),
        "remove_headers": sorted(removed, key=str.lower),
    }
    if config.get("ServerTimingHeadersConfig"):
        policy["server_timing_headers"] = config["ServerTimingHeadersConfig"]
    return policy


def to_api(policy):
    """The module's option shape -> ResponseHeadersPolicyConfig."""
    config = {"Name": policy["name"], "Comment": policy["comment"]}
    cors = policy["cors"]
    if cors:
        api_cors = {}
        for option, api in CORS_LISTS:
            values = sorted(cors[option])
            if option == "expose_headers" and not values:
                continue
            # AllowOrigins, AllowMethods and AllowHeaders require Items even when empty.
            api_cors[api] = {"Quantity": len(values), "Items": values}
        api_cors["AccessControlAllowCredentials"] = cors["allow_credentials"]
        if cors["max_age_sec"] is not None:
            api_cors["AccessControlMaxAgeSec"] = cors["max_age_sec"]
        api_cors["OriginOverride"] = cors["origin_override"]
        config["CorsConfig"] = api_cors
    security = {}
    for option, api, fields in SECURITY_HEADERS:
        part = policy["security_headers"].get(option)
        if part is None:
            continue
        security[api] = {api_field: part[name] for name, api_field in fields.items() if part.get(name) is not None}
    if security:
        config["SecurityHeadersConfig"] = security
    if policy["custom_headers"]:
        items = [
            {"Header": h["header"], "Value": h["value"], "Override": h["override"]}
            for h in _sorted_headers(policy["custom_headers"])
        ]
        config["CustomHeadersConfig"] = {"Quantity": len(items), "Items": items}
    if policy["remove_headers"]:
        items = [{"Header": h} for h in sorted(policy["remove_headers"], key=str.lower)]
        config["RemoveHeadersConfig"] = {"Quantity": len(items), "Items": items}
    if policy.get("server_timing_headers"):
        config["ServerTimingHeadersConfig"] = policy["server_timing_headers"]
    return config


def _all_unset(value):
    return all(v is None or v == [] for v in value.values())


def wanted_cors(cors):
    """The ``cors`` option -> the policy's CORS section (None for ``{}``)."""
    if _all_unset({k: v for k, v in cors.items() if k in ("allow_origins", "allow_methods", "max_age_sec")}) and not (
        cors.get("allow_headers") or cors.get("expose_headers")
    ):
        return None
    return {
        "allow_origins": sorted(cors.get("allow_origins") or []),
        "allow_credentials": bool(cors.get("allow_credentials")),
        "allow_methods": sorted(cors.get("allow_methods") or []),
        "allow_headers": sorted(cors.get("allow_headers") or []),
        "expose_headers": sorted(cors.get("expose_headers") or []),
        "max_age_sec": cors.get("max_age_sec"),
        "origin_override": True if cors.get("origin_override") is None else cors["origin_override"],
    }


def wanted_security(security):
    """The ``security_headers`` option -> the policy's security headers section (every header, None if absent)."""
    result = {}
    for option, _api, fields in SECURITY_HEADERS:
        part = security.get(option)
        if part is None:
            result[option] = None
            continue
        result[option] = {name: part.get(name) for name in fields}
        for name, default in SECURITY_DEFAULTS.items():
            if name in fields and result[option][name] is None:
                result[option][name] = default
        if result[option]["override"] is None:
            result[option]["override"] = True
    return result


def desired(params, current):
    """What the policy should be: set sections replace, unset ones keep ``current`` (or nothing)."""
    base = current or {
        "name": params["name"],
        "comment": "",
        "cors": None,
        "security_headers": dict(NO_SECURITY_HEADERS),
        "custom_headers": [],
        "remove_headers": [],
    }
    result = dict(base)
    result["name"] = params["name"]
    if params.get("comment") is not None:
        result["comment"] = params["comment"]
    if params.get("cors") is not None:
        result["cors"] = wanted_cors(params["cors"])
    if params.get("security_headers") is not None:
        result["security_headers"] = wanted_security(params["security_headers"])
    if params.get("custom_headers") is not None:
        result["custom_headers"] = _sorted_headers(
            [
                {
                    "header": h["header"],
                    "value": h["value"],
                    "override": True if h["override"] is None else h["override"],
                }
                for h in params["custom_headers"]
            ]
        )
    if params.get("remove_headers") is not None:
        result["remove_headers"] = sorted(params["remove_headers"], key=str.lower)
    return result


def _unremovable(header):
    name = header.lower()
    return any(name.startswith(entry[:-1]) if entry.endswith("*") else name == entry for entry in UNREMOVABLE_HEADERS)


def problems_with(policy):
    """Settings CloudFront documents as refused, as messages naming the option."""
    problems = []
    if len(policy["comment"]) > MAX_COMMENT_LENGTH:
        problems.append(f"comment must be at most {MAX_COMMENT_LENGTH} characters")
    cors = policy["cors"]
    if cors is not None:
        if not cors["allow_origins"]:
            problems.append("cors.allow_origins must list at least one origin")
        if not cors["allow_methods"]:
            problems.append("cors.allow_methods must list at least one method")
        bad = [origin for origin in cors["allow_origins"] if not _ORIGIN.match(origin)]
        if bad:
            problems.append(
                "cors.allow_origins: a wildcard may only be the leftmost label of a domain, or the whole entry"
                f" (got {', '.join(bad)})"
            )
        if cors["max_age_sec"] is not None and cors["max_age_sec"] < 0:
            problems.append("cors.max_age_sec must not be negative")
    security = policy["security_headers"]
    hsts = security.get("strict_transport_security")
    if hsts is not None and hsts["max_age_sec"] < 0:
        problems.append("security_headers.strict_transport_security.max_age_sec must not be negative")
    xss = security.get("xss_protection")
    if xss is not None and xss["mode_block"] and xss.get("report_uri"):
        problems.append("security_headers.xss_protection: mode_block and report_uri cannot be used together")
    csp = security.get("content_security_policy")
    if csp is not None and len(csp["content_security_policy"]) > MAX_CSP_LENGTH:
        problems.append(
            f"security_headers.content_security_policy.content_security_policy must be at most {MAX_CSP_LENGTH}"
            " characters"
        )
    if len(policy["custom_headers"]) > MAX_CUSTOM_HEADERS:
        problems.append(f"custom_headers: at most {MAX_CUSTOM_HEADERS} headers")
    names = [h["header"].lower() for h in policy["custom_headers"]]
    if len(set(names)) != len(names):
        problems.append("custom_headers: each header may be listed once")
    if len(policy["remove_headers"]) > MAX_REMOVE_HEADERS:
        problems.append(f"remove_headers: at most {MAX_REMOVE_HEADERS} headers")
    refused = [h for h in policy["remove_headers"] if _unremovable(h)]
    if refused:
        problems.append(f"remove_headers: CloudFront does not let a policy remove {', '.join(refused)}")
    return problems


def policies(client):
    return cf.NamedPolicy(
        client,
        "ResponseHeadersPolicy",
        "response headers policy",
        from_api=from_api,
        to_api=to_api,
        in_use_advice="remove response_headers_policy_id from the behaviour first",
    )


def ensure_present(module, client):
    return policies(client).ensure_present(module, lambda current: desired(module.params, current), problems_with)


def ensure_absent(module, client):
    return policies(client).ensure_absent(module)


def argument_spec():
    override = dict(type="bool", default=True)
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        comment=dict(type="str"),
        cors=dict(
            type="dict",
            options=dict(
                allow_origins=dict(type="list", elements="str"),
                allow_credentials=dict(type="bool", default=False),
                allow_methods=dict(
                    type="list",
                    elements="str",
                    choices=["GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "ALL"],
                ),
                allow_headers=dict(type="list", elements="str", default=[]),
                expose_headers=dict(type="list", elements="str", default=[]),
                max_age_sec=dict(type="int"),
                origin_override=dict(type="bool", default=True),
            ),
        ),
        security_headers=dict(
            type="dict",
            options=dict(
                strict_transport_security=dict(
                    type="dict",
                    options=dict(
                        max_age_sec=dict(type="int", required=True),
                        include_subdomains=dict(type="bool", default=False),
                        preload=dict(type="bool", default=False),
                        override=override,
                    ),
                ),
                content_type_options=dict(type="dict", options=dict(override=override)),
                referrer_policy=dict(
                    type="dict",
                    options=dict(
                        referrer_policy=dict(
                            type="str",
                            required=True,
                            choices=[
                                "no-referrer",
                                "no-referrer-when-downgrade",
                                "origin",
                                "origin-when-cross-origin",
                                "same-origin",
                                "strict-origin",
                                "strict-origin-when-cross-origin",
                                "unsafe-url",
                            ],
                        ),
                        override=override,
                    ),
                ),
                frame_options=dict(
                    type="dict",
                    options=dict(
                        frame_option=dict(type="str", required=True, choices=["DENY", "SAMEORIGIN"]), override=override
                    ),
                ),
                xss_protection=dict(
                    type="dict",
                    options=dict(
                        protection=dict(type="bool", required=True),
                        mode_block=dict(type="bool", default=False),
                        report_uri=dict(type="str"),
                        override=override,
                    ),
                ),
                content_security_policy=dict(
                    type="dict",
                    options=dict(content_security_policy=dict(type="str", required=True), override=override),
                ),
            ),
        ),
        custom_headers=dict(
            type="list",
            elements="dict",
            options=dict(
                header=dict(type="str", required=True),
                value=dict(type="str", required=True),
                override=override,
            ),
        ),
        remove_headers=dict(type="list", elements="str"),
    )


def main():
    module = StorytimeAWSModule(argument_spec=argument_spec(), supports_check_mode=True)
    if module.params["state"] == "present":
        # Every documented constraint of the options given can be checked before any AWS call.
        problems = problems_with(desired(module.params, None))
        if problems:
            module.fail_json(msg="Invalid response headers policy: " + "; ".join(problems))
    cf.run_module(module, ensure_present, ensure_absent)


if __name__ == "__main__":
    main()
