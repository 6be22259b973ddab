# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Web playback: the player origins CloudFront's CORS headers allow, and the domain the signed cookies are set for.

A web player (hls.js, video.js, Shaka) on ``https://app.example.com`` fetches ``https://video.example.com/books/...``
with credentials, so that the three ``CloudFront-*`` cookies travel. Two things must then hold, and the role checks
both before any AWS call (:func:`web_playback_problems`):

* The response carries ``Access-Control-Allow-Origin: <the page's origin>`` and ``Access-Control-Allow-Credentials:
  true`` (Fetch standard, "CORS protocol": a credentialed response with ``*`` or without Allow-Credentials is a
  network error to the page). CloudFront adds them from a response headers policy listing the origins exactly.
* The browser holds cookies for the distribution's host, set by the Rails app from its own pages. A server can only
  set a cookie for its own host or a parent domain that is not a public suffix (RFC 6265, section 5.3, steps 5
  and 6), and browsers block third-party cookies, so the player pages and the distribution's custom domain must
  share one registrable domain (eTLD+1 by the Public Suffix List): the cookies are set with ``Domain=`` that
  registrable domain (:func:`cookie_domain`). A ``*.cloudfront.net`` name can never receive them: cloudfront.net is
  on the Public Suffix List's private section.

The registrable domain comes from the Public Suffix List as the Python package ``publicsuffixlist`` ships it (a
controller requirement only when player origins are set).
"""

import functools
import re

from ansible_collections.storytime.video_infra.plugins.module_utils.naming_rules import show_value
from ansible_collections.storytime.video_infra.plugins.module_utils.naming_rules import type_problems

try:
    from publicsuffixlist import PublicSuffixList

    HAS_PUBLICSUFFIXLIST = True
except ImportError:  # pragma: no cover - the message below says what to install
    HAS_PUBLICSUFFIXLIST = False

VARIABLE = "cloudfront_hls_player_origins"
DOMAIN_VARIABLE = "cloudfront_hls_domain_name"
# An origin as a browser sends it in the Origin header: scheme, host and a port only when it is not the default.
# Lowercase host names only (browsers send them lowercased); no path, no trailing slash.
_ORIGIN = re.compile(
    r"^https://(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?::(?P<port>[0-9]{1,5}))?$"
)


@functools.lru_cache(maxsize=1)
def _loaded_suffix_list():
    return PublicSuffixList()


def _suffix_list():
    if not HAS_PUBLICSUFFIXLIST:
        raise ValueError(
            f"{VARIABLE} needs the Python package publicsuffixlist on the controller (pip install "
            "publicsuffixlist; requirements.txt pins it): the cookie domain is the registrable domain of the "
            "Public Suffix List"
        )
    return _loaded_suffix_list()


def registrable_domain(host):
    """The registrable domain (eTLD+1) of ``host``, or None when ``host`` is itself a public suffix."""
    return _suffix_list().privatesuffix(host.lower().rstrip("."))


def cookie_domain(domain_name):
    """The ``Domain`` attribute of the signed cookies for the distribution's custom domain ``domain_name``."""
    return registrable_domain(domain_name) or ""


def origin_host(origin):
    """The host of an origin ``https://host[:port]`` (None when it is not one)."""
    match = _ORIGIN.match(origin) if isinstance(origin, str) else None
    return match.group("host") if match else None


def web_playback_problems(origins, domain_name, variable=VARIABLE, domain_variable=DOMAIN_VARIABLE):
    """Why the player origins cannot work with this distribution (an empty list: they can, or none are set)."""
    if not isinstance(origins, (list, tuple)):
        return type_problems(origins, "list", variable, "origins such as https://app.example.com")
    if not origins:
        return []
    problems = []
    for index, origin in enumerate(origins):
        port = _ORIGIN.match(origin).group("port") if isinstance(origin, str) and _ORIGIN.match(origin) else None
        if not isinstance(origin, str) or origin_host(origin) is None:
            problems.append(
                f"{variable}[{index}]: {show_value(origin)} is not a browser origin: https://, a lowercase host "
                "name and an optional port, without path or trailing slash (for example https://app.example.com). "
                "Players send credentials, and CORS refuses '*' with credentials"
            )
        elif port and not 1 <= int(port) <= 65535:
            problems.append(f"{variable}[{index}]: {show_value(origin)}: port {port} is outside 1 to 65535")
        elif port == "443":
            problems.append(
                f"{variable}[{index}]: {show_value(origin)}: leave out the default port :443 (browsers send an https "
                "origin without it, so an origin written with it would never match)"
            )
    if len(set(origins)) != len(origins):
        problems.append(f"{variable}: lists the same origin twice")
    if problems:
        return problems
    if not domain_name:
        return [
            f"{variable} is set but {domain_variable} is empty: a browser sends the signed cookies only to a host "
            "under the registrable domain the app set them for, and nobody can set cookies for *.cloudfront.net "
            "(a public suffix). Give the distribution a custom domain under the players' domain, for example "
            f"video.{registrable_domain(origin_host(origins[0])) or 'example.com'}"
        ]
    domain = cookie_domain(domain_name)
    if not domain:
        return [f"{domain_variable}: {show_value(domain_name)} is a public suffix; cookies cannot be set for it"]
    for index, origin in enumerate(origins):
        host = origin_host(origin)
        if registrable_domain(host) != domain:
            problems.append(
                f"{variable}[{index}]: {show_value(origin)} is not under {show_value(domain)}, the registrable "
                f"domain of {domain_variable} {show_value(domain_name)}: the app on that origin could not set cookies "
                "the distribution receives (browsers refuse cookies for another site). Serve the player from a host "
                f"under {show_value(domain)} or give the distribution a custom domain under "
                f"{show_value(registrable_domain(host) or host)}"
            )
    return problems
