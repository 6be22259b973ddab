"""Player origins and the signed cookies' domain: what a browser needs before it sends the cookies to CloudFront.

Rules: RFC 6265 section 5.3 steps 5-6 (a cookie's Domain must domain-match the setting host and must not be a
public suffix), the Fetch standard's CORS check (a credentialed response needs the exact origin, never ``*``), the
HTML standard's origin serialization (scheme, lowercase host, port only when not the scheme's default).
"""

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import web_playback
from ansible_collections.storytime.video_infra.plugins.module_utils.web_playback import cookie_domain
from ansible_collections.storytime.video_infra.plugins.module_utils.web_playback import web_playback_problems

DOMAIN = "video.storytime.test"


def test_no_player_origins_need_nothing():
    assert web_playback_problems([], "") == []
    assert web_playback_problems([], DOMAIN) == []


@pytest.mark.parametrize(
    "origins",
    [
        ["https://app.storytime.test"],
        ["https://app.storytime.test:8443", "https://www.storytime.test", "https://storytime.test"],
    ],
)
def test_origins_under_the_custom_domains_registrable_domain_pass(origins):
    assert web_playback_problems(origins, DOMAIN) == []


def test_origins_without_a_custom_domain_are_refused_with_the_reason_and_a_suggestion():
    (problem,) = web_playback_problems(["https://app.storytime.com"], "")
    assert problem.startswith("cloudfront_hls_player_origins is set but cloudfront_hls_domain_name is empty")
    assert "*.cloudfront.net" in problem
    assert "video.storytime.com" in problem


def test_an_origin_of_another_site_is_refused_naming_both_domains():
    (problem,) = web_playback_problems(["https://app.storytime.test", "https://player.other.test"], DOMAIN)
    assert problem.startswith('cloudfront_hls_player_origins[1]: "https://player.other.test" is not under')
    assert '"storytime.test", the registrable domain of cloudfront_hls_domain_name "video.storytime.test"' in problem
    assert '"other.test"' in problem


def test_a_multi_label_public_suffix_is_not_a_shared_site():
    # co.uk is a public suffix: a.co.uk and b.co.uk are two sites, and no app can set a cookie for co.uk.
    assert web_playback_problems(["https://a.co.uk"], "video.b.co.uk") != []
    assert web_playback_problems(["https://app.storytime.co.uk"], "video.storytime.co.uk") == []


def test_a_public_suffix_as_the_custom_domain_is_refused():
    (problem,) = web_playback_problems(["https://app.github.io"], "github.io")
    assert problem == 'cloudfront_hls_domain_name: "github.io" is a public suffix; cookies cannot be set for it'


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("http://app.storytime.test", "is not a browser origin"),
        ("https://app.storytime.test/", "is not a browser origin"),
        ("https://app.storytime.test/player", "is not a browser origin"),
        ("https://App.storytime.test", "is not a browser origin"),
        ("*", "is not a browser origin"),
        ("https://*.storytime.test", "is not a browser origin"),
        ("https://app.storytime.test:443", "leave out the default port :443"),
        ("https://app.storytime.test:70000", "port 70000 is outside 1 to 65535"),
        (42, "is not a browser origin"),
    ],
)
def test_what_is_not_an_origin_a_browser_sends_is_refused(origin, expected):
    (problem,) = web_playback_problems([origin], DOMAIN)
    assert problem.startswith("cloudfront_hls_player_origins[0]: ")
    assert expected in problem


def test_a_string_where_the_list_belongs_is_a_type_problem():
    (problem,) = web_playback_problems("https://app.storytime.test", DOMAIN)
    assert problem.startswith("cloudfront_hls_player_origins: expected a list of origins")
    assert 'got a string "https://app.storytime.test"' in problem


def test_the_same_origin_twice_is_refused():
    assert web_playback_problems(["https://app.storytime.test"] * 2, DOMAIN) == [
        "cloudfront_hls_player_origins: lists the same origin twice"
    ]


@pytest.mark.parametrize(
    ("domain_name", "expected"),
    [
        ("video.storytime.com", "storytime.com"),
        ("a.b.video.storytime.com", "storytime.com"),
        ("video.storytime.co.uk", "storytime.co.uk"),
        ("VIDEO.Storytime.com.", "storytime.com"),
        ("d111111abcdef8.cloudfront.net", "d111111abcdef8.cloudfront.net"),
        ("co.uk", ""),
    ],
)
def test_the_cookie_domain_is_the_registrable_domain(domain_name, expected):
    assert cookie_domain(domain_name) == expected


def test_without_the_public_suffix_list_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setattr(web_playback, "HAS_PUBLICSUFFIXLIST", False)
    with pytest.raises(ValueError, match="needs the Python package publicsuffixlist"):
        web_playback_problems(["https://app.storytime.test"], DOMAIN)
    assert web_playback_problems([], "") == []
