"""storytime.video_infra.hls_conformance: fetches a book over HTTP with the given cookie and headers (a local server
that refuses requests without them, as the edge does), returns the report, fails with a readable summary, runs the
same in check mode and never shows the cookie."""

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from ansible_collections.storytime.video_infra.plugins.modules import hls_conformance as mod

COOKIE = "CloudFront-Policy=eyJTdGF0ZW1lbnQi; CloudFront-Signature=c2lnbmF0dXJl; CloudFront-Key-Pair-Id=KUNIT"
HOST = "d111111abcdef8.cloudfront.net"


class Exit(Exception):
    def __init__(self, result, failed, no_log_values):
        super().__init__(json.dumps(result, default=str))
        self.result = result
        self.failed = failed
        self.no_log_values = no_log_values


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    import imageio_ffmpeg  # noqa: PLC0415

    out = tmp_path_factory.mktemp("book")
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
         "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=3",
         "-f", "lavfi", "-i", "sine=duration=3",
         "-filter_complex", "[0:v]split=2[a][b];[b]scale=160:90[b2]",
         "-map", "[a]", "-map", "1:a", "-map", "[b2]", "-map", "1:a",
         "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-sc_threshold", "0", "-c:a", "aac",
         "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
         "-var_stream_map", "v:0,a:0 v:1,a:1", "-master_pl_name", "index.m3u8",
         "-hls_segment_filename", "r%v_%03d.ts", "r%v.m3u8"],
        cwd=out, check=True,
    )  # fmt: skip
    return out


class Edge:
    """Serves /books/42/<file> from a directory only to requests with the cookie and the Host header."""

    def __init__(self, root: Path):
        self.root = root
        self.requests: list[tuple] = []  # (path, Host, Cookie)
        self.fail_next: list[int] = []
        edge = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                edge.requests.append((self.path, self.headers.get("Host"), self.headers.get("Cookie")))
                if edge.fail_next:
                    return self.answer(edge.fail_next.pop(0), b"try again")
                if self.headers.get("Cookie") != COOKIE or self.headers.get("Host") != HOST:
                    return self.answer(403, b"<Error><Code>AccessDenied</Code></Error>")
                path = root / self.path.removeprefix("/books/42/")
                if not self.path.startswith("/books/42/") or not path.is_file():
                    return self.answer(404, b"")
                return self.answer(200, path.read_bytes())

            def answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/books/42/index.m3u8"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def edge(book, tmp_path):
    for path in book.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    server = Edge(tmp_path)
    yield server
    server.server.shutdown()
    server.server.server_close()


def run(monkeypatch, args, check_mode=False):
    def leave(failed):
        def method(module, **kwargs):
            raise Exit(kwargs, failed, set(module.no_log_values))

        return method

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", leave(False))
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", leave(True))
    monkeypatch.setattr(mod.time, "sleep", lambda _s: None)
    args = dict(args)
    if check_mode:
        args["_ansible_check_mode"] = True
    with patch_module_args(args), pytest.raises(Exit) as caught:
        mod.main()
    return caught.value


def test_a_conformant_book_passes_fetched_with_the_cookie_and_host(monkeypatch, edge):
    result = run(monkeypatch, {"url": edge.url, "cookie": COOKIE, "headers": {"Host": HOST}})

    assert not result.failed, result.result["msg"]
    assert result.result["changed"] is False
    report = result.result["report"]
    assert report["ok"] and report["failed"] == 0 and report["passed"] > 10
    assert [r["resolution"] for r in report["renditions"]] == ["320x180", "160x90"]
    assert result.result["msg"].splitlines()[0].endswith(" checks passed, 0 failed")
    # Every playlist and segment, each once, all with the cookie and the Host header.
    paths = sorted(path for path, _host, _cookie in edge.requests)
    assert paths == sorted(f"/books/42/{p.name}" for p in edge.root.iterdir())
    assert {(host, cookie) for _path, host, cookie in edge.requests} == {(HOST, COOKIE)}
    # The cookie is a no_log value: Ansible masks it wherever it would appear in the output.
    assert COOKIE in result.no_log_values and COOKIE not in json.dumps(result.result)


def test_check_mode_runs_the_same_checks(monkeypatch, edge):
    result = run(monkeypatch, {"url": edge.url, "cookie": COOKIE, "headers": {"Host": HOST}}, check_mode=True)

    assert not result.failed and result.result["changed"] is False
    assert result.result["report"]["passed"] > 10 and len(edge.requests) == 7


def test_a_nonconformant_book_fails_with_a_summary_and_the_report(monkeypatch, edge):
    master = (edge.root / "index.m3u8").read_text()
    (edge.root / "index.m3u8").write_text(master.replace("RESOLUTION=160x90", "RESOLUTION=160x96"))

    result = run(monkeypatch, {"url": edge.url, "cookie": COOKIE, "headers": {"Host": HOST}})

    assert result.failed
    assert result.result["msg"].splitlines()[0].endswith(" checks passed, 1 failed")
    assert "FAIL " + edge.url.replace("index.m3u8", "r1.m3u8") + ": RESOLUTION 160x96 declared" in result.result["msg"]
    assert "not run: iframe_keyframes" in result.result["msg"]
    assert result.result["report"]["failures"] == [line[5:] for line in result.result["msg"].splitlines()[1:2]]


def test_without_the_cookie_the_403_is_the_message(monkeypatch, edge):
    result = run(monkeypatch, {"url": edge.url, "headers": {"Host": HOST}})

    assert result.failed
    assert result.result["msg"].startswith(f"HTTP 403 for {edge.url}") and "AccessDenied" in result.result["msg"]
    assert len(edge.requests) == 1  # a 4xx is not retried


def test_a_5xx_is_retried(monkeypatch, edge):
    edge.fail_next = [503, 502]

    result = run(monkeypatch, {"url": edge.url, "cookie": COOKIE, "headers": {"Host": HOST}})

    assert not result.failed, result.result["msg"]
    assert [path for path, _h, _c in edge.requests[:3]] == ["/books/42/index.m3u8"] * 3


def test_a_body_that_is_not_a_playlist_says_so(monkeypatch, edge):
    (edge.root / "index.m3u8").write_text("<html>hello</html>")

    result = run(monkeypatch, {"url": edge.url, "cookie": COOKIE, "headers": {"Host": HOST}})

    assert result.failed and "cannot read the stream: not an M3U8 playlist" in result.result["msg"]
