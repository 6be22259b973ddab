"""A real web player: hls.js 1.7 in Debian's headless chromium plays a transcoded book through the local edge.

The set-up is the one a web team has (docs/rails-ios.md): site.yml with a custom domain (``cdn.storytime.test``,
certificate and alias records as in test_custom_domain.py) and ``cloudfront_hls_player_origins`` naming the app's
origin (``https://app.storytime.test:<port>``); a book transcoded from the job document Rails uses; the app's page
(``tests/player/page.html``) on the app's origin loads hls.js from the app itself and plays
``https://cdn.storytime.test:<port>/books/<id>/index.m3u8`` with ``withCredentials`` on every request.

The cookies reach the browser as the app would set them: the page's own response carries ``Set-Cookie`` for the
three CloudFront cookies, signed by the collection's signer (``plugins/module_utils/signed_cookies.py``) with the
current key from the signing-key secret for ``https://cdn.storytime.test/books/<id>/*``, with
``Domain=<cloudfront_cookie_domain>`` (the output Rails reads), ``Path=/books/<id>/``, ``Secure``, ``HttpOnly``
and ``SameSite=Strict``. Strict is enough and the safest choice: SameSite compares *sites* (scheme and registrable
domain), not origins, so a request from ``https://app.storytime.test`` to ``https://cdn.storytime.test`` is
same-site and carries Strict cookies, cross-origin XHR or not, while no request started by another site ever does.
``None`` would be needed only if the player lived on another registrable domain, and then the browser could not
have received the cookies for the CDN's domain in the first place (which is why the role requires the shared
registrable domain). The test checks the browser's verdict, not ours: every request to the CDN lists the cookies
Chromium attached and any it blocked, with its reason.

Then the same page is refused three ways, and each refusal is identified from what Chromium's network stack saw
(DevTools protocol, ``tests/player/play.mjs``), so that a broken harness (no page, no request, a TLS error, a
timeout) can never pass as a refusal:

* **no cookies**: the edge answers 403 ``MissingKey`` itself (``X-Cache: Error from cloudfront``);
* **expired cookies** (a policy whose ``DateLessThan`` has passed, in session cookies the browser still holds and
  sends): 403 ``AccessDenied`` from the edge;
* **an origin not in the list** (``https://other.storytime.test:<port>``, the same app and valid cookies, so that
  nothing but the origin differs): the edge serves the playlist (200) without ``Access-Control-Allow-Origin``.

In all three the page sees the same thing: Chromium withholds the answer (CORS error ``MissingAllowOriginHeader``,
"blocked by CORS policy" on the console) and hls.js reports a fatal ``manifestLoadError`` with status 0. A 403 is
not readable by the page: CloudFront adds a response headers policy's headers to what it serves from its cache or
forwards from the origin (Developer Guide, "Add or remove HTTP headers in CloudFront responses with a policy"), and
its own signed-cookie refusals are neither (the local edge does the same, see local_aws.cloudfront_edge). The
test tells the three apart, and a refusal from a broken harness, by what the network stack saw (the status, the
``X-Cache`` of CloudFront's own errors, the cookies sent) and by the edge's error code for the same request.

How the browser trusts the custom domain without ``--ignore-certificate-errors``: see ``tests/player/harness.py``.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils import signed_cookies as signer

from local_aws.viewer import current_key_pair
from local_aws.viewer import edge_request
from tests.player.harness import PlayerOrigin
from tests.player.harness import TestCA
from tests.player.harness import TLSRelay
from tests.player.harness import missing_dependencies
from tests.player.harness import play
from tests.player.harness import set_cookie_headers

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

ZONE = "storytime.test"
DOMAIN = "cdn.storytime.test"
APP = "app.storytime.test"
OTHER = "other.storytime.test"
BOOK = "21"
MASTER_BUCKET = "storytime-master-uploads-local"
HLS_BUCKET = "storytime-hls-outputs-local"
SECRET = "storytime/local/cloudfront_private_key"
COOKIE_NAMES = {"CloudFront-Policy", "CloudFront-Signature", "CloudFront-Key-Pair-Id"}
#: Seconds of playback the player must pass (the master lasts 8 s).
PLAY_SECONDS = 5
#: Per page: load, manifest, segments and 5 s of real-time playback on a busy 2-core machine.
PAGE_TIMEOUT = 60


def ffmpeg() -> str:
    import imageio_ffmpeg  # noqa: PLC0415

    return imageio_ffmpeg.get_ffmpeg_exe()


def make_master(path: Path) -> Path:
    """An 8 s 640x360 H.264/AAC master (test pattern and a tone)."""
    subprocess.run(
        [
            ffmpeg(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=640x360:rate=25:duration=8",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=8",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
    )
    return path


def job_request(outputs: Path, master_key: str, master_height: int, book_id: str) -> dict:
    """What Rails does: pick the job document for the master's height from the index, fill its placeholders."""
    index = json.loads((outputs / "local.mediaconvert-job.index.json").read_text())
    candidates = [d for d in index["documents"] if not d["captions"] and d["min_master_height"] <= master_height]
    chosen = max(candidates, key=lambda d: d["min_master_height"])
    text = (outputs / chosen["file"]).read_text()
    text = text.replace("${MASTER_S3_URL}", f"s3://{MASTER_BUCKET}/{master_key}").replace("${BOOK_ID}", book_id)
    return json.loads(text)


def transcode(aws, outputs: Path, master: Path, book_id: str) -> None:
    s3, mediaconvert = aws.client("s3"), aws.client("mediaconvert")
    s3.upload_file(str(master), MASTER_BUCKET, f"masters/{book_id}.mp4")
    request = job_request(outputs, f"masters/{book_id}.mp4", 360, book_id)
    job_id = mediaconvert.create_job(**request)["Job"]["Id"]
    deadline = time.monotonic() + 240
    while (job := mediaconvert.get_job(Id=job_id)["Job"])["Status"] not in ("COMPLETE", "ERROR", "CANCELED"):
        assert time.monotonic() < deadline, f"job {job_id} still {job['Status']}"
        time.sleep(1)
    assert job["Status"] == "COMPLETE", job.get("ErrorMessage")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=HLS_BUCKET, Prefix=f"books/{book_id}/")["Contents"]}
    assert f"books/{book_id}/index.m3u8" in keys, sorted(keys)


@pytest.fixture
def player_deps() -> None:
    missing = missing_dependencies()
    if missing:
        pytest.fail(f"the web player test needs `make player-deps` (missing: {', '.join(missing)})")


def edge_requests(case: dict) -> list[dict]:
    return [r for r in case["requests"] if urllib.parse.urlsplit(r["url"]).hostname == DOMAIN]


def manifest_request(case: dict) -> dict:
    """The player's request for the master playlist, as Chromium's network stack saw it (must exist)."""
    found = [r for r in edge_requests(case) if urllib.parse.urlsplit(r["url"]).path == f"/books/{BOOK}/index.m3u8"]
    assert found, f"{case['name']}: the player never requested the playlist (harness problem): {describe(case)}"
    return found[-1]  # the last attempt (hls.js retries after a timeout; it never retries a 403 or a CORS error)


def describe(case: dict) -> str:
    return json.dumps({k: case[k] for k in ("outcome", "navigation", "player", "cookies", "console")}, indent=1)[:4000]


def assert_page_ran(case: dict) -> None:
    """The page loaded, hls.js ran on Media Source Extensions and the request reached the edge with an answer."""
    assert case["navigation"] == {"status": 200}, describe(case)
    player = case["player"]
    assert player and player["hlsVersion"] and player["mseSupported"], describe(case)
    assert case["outcome"] == "done", describe(case)
    request = manifest_request(case)
    assert request.get("rawStatus"), f"{case['name']}: no HTTP answer from the edge (TLS or relay?): {request}"


def sent_cookies(request: dict) -> dict[str, list[str]]:
    """``{cookie name: reasons Chromium blocked it}`` for one request (empty list: sent)."""
    return {c["name"]: c["blockedReasons"] for c in request.get("cookiesSent", [])}


def assert_refused_by_the_edge(case: dict, aws, cookies: dict[str, str] | None, app_origin: str, code: str) -> dict:
    """Refused by the edge itself: CloudFront's 403 ``code``, which carries no policy headers, so CORS hides it.

    What the browser saw: the playlist request answered 403 by CloudFront (``X-Cache: Error from cloudfront``)
    without ``Access-Control-Allow-Origin``; Chromium withholds it from the page (CORS error
    ``MissingAllowOriginHeader``), hls.js reports a fatal ``manifestLoadError`` with status 0. The edge's error
    code is read from its answer to the same request (same cookies, same ``Origin``) made outside the browser,
    since a response CORS withholds has no body for the page or the DevTools protocol.
    """
    assert_page_ran(case)
    request = manifest_request(case)
    headers = request["rawHeaders"]
    assert request["rawStatus"] == 403, json.dumps(request)
    assert headers.get("x-cache") == "Error from cloudfront", json.dumps(request)
    # The Developer Guide: a response headers policy modifies responses CloudFront serves from its cache or
    # forwards from the origin; a signed-cookie refusal is neither (dev/local-aws/local_aws/cloudfront_edge.py).
    assert "access-control-allow-origin" not in headers, json.dumps(request)
    assert request.get("corsError") == "MissingAllowOriginHeader", json.dumps(request)
    fatal = case["player"]["fatal"]
    assert fatal and fatal["type"] == "networkError" and fatal["details"] == "manifestLoadError", describe(case)
    assert fatal["responseCode"] == 0, describe(case)  # what CORS leaves the page: no status
    assert any("blocked by CORS policy" in line for line in case["console"]), case["console"]
    assert case["player"]["fragmentsLoaded"] == 0 and case["player"]["playedSeconds"] == 0, describe(case)
    again = edge_request(
        aws,
        DOMAIN,
        urllib.parse.urlsplit(request["url"]).path,
        cookies,
        headers={"Origin": app_origin},
    )
    assert again.status == 403 and f"<Code>{code}</Code>".encode() in again.body, (again.status, again.body)
    assert "access-control-allow-origin" not in again.headers, again.headers
    return request


def test_hls_js_plays_a_book_through_the_custom_domain_and_is_refused_without_valid_cookies(
    playbook, aws, tmp_path, player_deps
):
    ca = TestCA.issue(tmp_path / "tls", [DOMAIN, APP, OTHER])
    home = ca.browser_home(tmp_path / "browser-home")
    edge = urllib.parse.urlsplit(aws.endpoint_url)
    signing: dict[str, str] = {}  # filled after the converge: key pair ID, private key, cookie domain
    issued: dict[str, dict[str, str]] = {}  # the cookies each case's page set

    def cookies_for(book_id: str, case: str) -> list[str]:
        if case == "none":
            return []
        expires = int(time.time()) + (-60 if case == "expired" else 600)
        cookies = signer.signed_cookies(
            signing["pem"], signing["key_pair_id"], f"https://{DOMAIN}/books/{book_id}/*", expires
        )
        issued[case] = cookies
        return set_cookie_headers(cookies, signing["cookie_domain"], f"/books/{book_id}/")

    with (
        TLSRelay(ca, edge.hostname, edge.port, aws.ca_file) as relay,
        PlayerOrigin(
            ca, lambda book_id: f"https://{DOMAIN}:{relay.port}/books/{book_id}/index.m3u8", cookies_for
        ) as app,
    ):
        app_origin = f"https://{APP}:{app.port}"
        aws.client("route53").create_hosted_zone(Name=ZONE, CallerReference="storytime-web-player")
        run = playbook.run(
            extra_vars={
                "cloudfront_hls_domain_name": DOMAIN,
                "cloudfront_hls_route53_zone": ZONE,
                "cloudfront_hls_player_origins": [app_origin],
            }
        )
        assert run.rc == 0, run.failure_messages()
        outputs = tmp_path / "outputs"
        published = json.loads((outputs / "local.json").read_text())
        assert published["cloudfront_cookie_domain"] == ZONE
        key_pair_id, pem = current_key_pair(aws, SECRET)
        signing.update(key_pair_id=key_pair_id, pem=pem, cookie_domain=published["cloudfront_cookie_domain"])

        transcode(aws, outputs, make_master(tmp_path / "master.mp4"), BOOK)

        cases = [
            ("signed", APP, "signed"),
            ("no cookies", APP, "none"),
            ("expired cookies", APP, "expired"),
            ("origin not in the list", OTHER, "signed"),
        ]
        report = play(
            [
                {
                    "name": name,
                    "url": f"https://{host}:{app.port}/watch/{BOOK}?case={case}",
                    "minSeconds": PLAY_SECONDS,
                    "watchHost": DOMAIN,
                }
                for name, host, case in cases
            ],
            home,
            [DOMAIN, APP, OTHER],
            PAGE_TIMEOUT,
        )
    # Kept beside the test's other files (pytest's basetemp) for whoever reads a failure.
    (tmp_path / "player-report.json").write_text(json.dumps(report, indent=1))
    # Debian's chromium (its major against playwright-core's: tests/player/install.sh warns when they drift apart).
    assert report["browserVersion"], report
    signed, none, expired, other = report["cases"]

    # Plays: more than 5 s of the book, no fatal hls.js error, every request answered 200 with CORS for the app.
    assert_page_ran(signed)
    player = signed["player"]
    assert player["fatal"] is None, describe(signed)
    assert not [e for e in player["errors"] if e["fatal"]], describe(signed)
    assert player["manifestParsed"] and player["levels"] >= 1 and player["fragmentsLoaded"] >= 1, describe(signed)
    assert player["playedSeconds"] > PLAY_SECONDS and player["currentTime"] > PLAY_SECONDS, describe(signed)
    held = {c["name"]: c for c in signed["cookies"]}
    assert set(held) == COOKIE_NAMES, signed["cookies"]
    for cookie in held.values():
        assert cookie["domain"] == f".{ZONE}" and cookie["path"] == f"/books/{BOOK}/", cookie
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict", cookie
    requests = edge_requests(signed)
    assert any(r["url"].endswith(".ts") for r in requests), requests
    # Unanswered: a segment still loading when the test closed the page (no outcome), or a request hls.js gave up
    # on (its load timeout, then a retry: aborted), tolerated on a busy machine as long as the player recovered (no
    # fatal error, 5 s played). Every answer must be a 200 with CORS.
    answered = [r for r in requests if r.get("rawStatus")]
    assert all(r.get("failed") in (None, "net::ERR_ABORTED") for r in requests if r not in answered), requests
    for request in answered:
        assert request.get("status") == 200, json.dumps(request)
        assert sent_cookies(request) == {name: [] for name in COOKIE_NAMES}, json.dumps(request)
        assert request["responseHeaders"].get("access-control-allow-origin") == app_origin, json.dumps(request)
        assert request["responseHeaders"].get("access-control-allow-credentials") == "true", json.dumps(request)

    # Refused without cookies: none held, none sent; the edge's 403 MissingKey, hidden from the page by CORS.
    request = assert_refused_by_the_edge(none, aws, None, app_origin, "MissingKey")
    assert not [c for c in none["cookies"] if c["name"] in COOKIE_NAMES], none["cookies"]
    assert sent_cookies(request) == {}, json.dumps(request)

    # Refused with expired cookies: the browser holds and sends all three (a session cookie outlives the policy's
    # DateLessThan); the edge's 403 AccessDenied, hidden from the page by CORS.
    request = assert_refused_by_the_edge(expired, aws, issued["expired"], app_origin, "AccessDenied")
    assert sent_cookies(request) == {name: [] for name in COOKIE_NAMES}, json.dumps(request)

    # Refused from an origin not in the list: the same valid cookies are sent and the edge serves the playlist (200,
    # not CloudFront's error), but without Access-Control-Allow-Origin: Chromium keeps it from the page (CORS).
    assert_page_ran(other)
    request = manifest_request(other)
    assert sent_cookies(request) == {name: [] for name in COOKIE_NAMES}, json.dumps(request)
    assert request["rawStatus"] == 200 and request["rawHeaders"].get("x-cache") != "Error from cloudfront", json.dumps(
        request
    )
    assert "access-control-allow-origin" not in request["rawHeaders"], json.dumps(request)
    assert request.get("corsError") == "MissingAllowOriginHeader", json.dumps(request)
    fatal = other["player"]["fatal"]
    assert fatal and fatal["details"] == "manifestLoadError" and fatal["responseCode"] == 0, describe(other)
    assert any("blocked by CORS policy" in line for line in other["console"]), other["console"]
    assert other["player"]["fragmentsLoaded"] == 0 and other["player"]["playedSeconds"] == 0, describe(other)
