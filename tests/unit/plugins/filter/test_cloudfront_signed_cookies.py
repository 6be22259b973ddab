"""CloudFront signed cookies: the signature verifies, botocore agrees byte for byte, Ansible renders the filters,
and no error ever shows the private key."""

from __future__ import annotations

import base64
import datetime
import http.server
import json
import os
import subprocess
import sys
import threading
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.storytime.video_infra.plugins.filter.cloudfront_signed_cookies import FilterModule
from ansible_collections.storytime.video_infra.plugins.module_utils import signed_cookies as sc
from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[4]
BIN = Path(sys.executable).parent
KEY_ID = "K2JCJMDEHXQW5F"
RESOURCE = "https://d111111abcdef8.cloudfront.net/books/42/*"
EXPIRES = 1893456000  # 2030-01-01T00:00:00Z
STARTS = 1893448800  # 2029-12-31T22:00:00Z

FILTERS = FilterModule().filters()
signed_cookies_filter = FILTERS["cloudfront_signed_cookies"]
cookie_header_filter = FILTERS["cloudfront_cookie_header"]


def _pem(key, fmt):
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode("ascii")


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def pkcs8_pem(rsa_key):
    return _pem(rsa_key, serialization.PrivateFormat.PKCS8)


@pytest.fixture(scope="module")
def pkcs1_pem(rsa_key):
    pem = _pem(rsa_key, serialization.PrivateFormat.TraditionalOpenSSL)
    assert pem.startswith("-----BEGIN RSA PRIVATE KEY-----")
    return pem


def _decode(value):
    """CloudFront's URL-safe base64 reversed by hand (independent of the code under test)."""
    return base64.b64decode(value.replace("-", "+").replace("_", "=").replace("~", "/"), validate=True)


def _botocore_values(rsa_key, resource, expires, starts=None, source_ip=None):
    """Policy, Signature and Key-Pair-Id of a URL signed by botocore's CloudFrontSigner."""
    signer = CloudFrontSigner(KEY_ID, lambda message: rsa_key.sign(message, padding.PKCS1v15(), hashes.SHA1()))
    utc = datetime.UTC
    policy = signer.build_policy(
        resource,
        datetime.datetime.fromtimestamp(expires, utc),
        date_greater_than=datetime.datetime.fromtimestamp(starts, utc) if starts is not None else None,
        ip_address=source_ip,
    )
    url = signer.generate_presigned_url(resource, policy=policy)
    # The resource may hold "?" itself: botocore then appends with "&", so split after the resource.
    assert url.startswith(resource)
    query = parse_qs(url[len(resource) + 1 :], keep_blank_values=True, strict_parsing=True)
    assert sorted(query) == ["Key-Pair-Id", "Policy", "Signature"]
    return policy, {name: values[0] for name, values in query.items()}


# ---------------------------------------------------------------------------------------------
# The cookies are right


@pytest.mark.parametrize("pem_format", ["pkcs8", "pkcs1"])
def test_signature_verifies_with_the_public_key(request, rsa_key, pem_format):
    pem = request.getfixturevalue(f"{pem_format}_pem")
    cookies = signed_cookies_filter(pem, key_pair_id=KEY_ID, resource=RESOURCE, expires=EXPIRES)
    assert sorted(cookies) == ["CloudFront-Key-Pair-Id", "CloudFront-Policy", "CloudFront-Signature"]
    assert cookies["CloudFront-Key-Pair-Id"] == KEY_ID
    policy = _decode(cookies["CloudFront-Policy"])
    signature = _decode(cookies["CloudFront-Signature"])
    assert len(signature) == 256
    rsa_key.public_key().verify(signature, policy, padding.PKCS1v15(), hashes.SHA1())  # raises if invalid
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    with pytest.raises(Exception, match=r"^$"):  # InvalidSignature has an empty message
        other.verify(signature, policy, padding.PKCS1v15(), hashes.SHA1())


def test_policy_is_the_documented_statement():
    expected = (
        '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/books/42/*",'
        '"Condition":{"DateLessThan":{"AWS:EpochTime":1893456000},'
        '"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},'
        '"DateGreaterThan":{"AWS:EpochTime":1893448800}}}]}'
    )
    assert sc.build_policy(RESOURCE, EXPIRES, starts=STARTS, source_ip="192.0.2.0/24") == expected.encode()
    assert sc.build_policy(RESOURCE, EXPIRES) == (
        b'{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/books/42/*",'
        b'"Condition":{"DateLessThan":{"AWS:EpochTime":1893456000}}}]}'
    )
    assert sc.build_policy("*", EXPIRES, source_ip="203.0.113.7") == (
        b'{"Statement":[{"Resource":"*","Condition":{"DateLessThan":{"AWS:EpochTime":1893456000},'
        b'"IpAddress":{"AWS:SourceIp":"203.0.113.7/32"}}}]}'
    )


@pytest.mark.parametrize("starts", [None, STARTS])
@pytest.mark.parametrize("source_ip", [None, "192.0.2.0/24", "203.0.113.7", "0.0.0.0/0"])
@pytest.mark.parametrize(
    "resource",
    [RESOURCE, "https://d111111abcdef8.cloudfront.net/books/4?/index.m3u8", "http://cdn.example.com/a.ts?x=1"],
)
def test_same_policy_and_signature_as_botocore(rsa_key, pkcs8_pem, resource, starts, source_ip):
    botocore_policy, query = _botocore_values(rsa_key, resource, EXPIRES, starts, source_ip)
    assert sc.build_policy(resource, EXPIRES, starts=starts, source_ip=source_ip) == botocore_policy.encode()
    cookies = signed_cookies_filter(
        pkcs8_pem, key_pair_id=KEY_ID, resource=resource, expires=EXPIRES, starts=starts, source_ip=source_ip
    )
    assert cookies == {
        "CloudFront-Policy": query["Policy"],
        "CloudFront-Signature": query["Signature"],
        "CloudFront-Key-Pair-Id": query["Key-Pair-Id"],
    }


def test_cloudfront_base64_alphabet():
    # Standard base64 of these bytes is "++///g==": every substituted character occurs.
    assert sc.cloudfront_b64(b"\xfb\xef\xff\xfe") == "--~~~g__"
    assert sc.cloudfront_b64("{}") == "e30_"
    assert _decode(sc.cloudfront_b64(b"\xfb\xef\xff\xfe")) == b"\xfb\xef\xff\xfe"
    assert sc.cloudfront_b64decode("--~~~g__") == b"\xfb\xef\xff\xfe"


def test_sign_returns_raw_pkcs1v15_sha1_signature(rsa_key, pkcs1_pem):
    policy = sc.build_policy(RESOURCE, EXPIRES)
    signature = sc.sign(policy, pkcs1_pem)
    assert signature == rsa_key.sign(policy, padding.PKCS1v15(), hashes.SHA1())
    assert sc.sign(policy.decode(), pkcs1_pem) == signature


def test_module_utils_signed_cookies_equals_filter(pkcs8_pem):
    direct = sc.signed_cookies(pkcs8_pem, KEY_ID, RESOURCE, EXPIRES, starts=STARTS, source_ip="192.0.2.0/24")
    assert direct == signed_cookies_filter(
        pkcs8_pem, KEY_ID, RESOURCE, EXPIRES, starts=STARTS, source_ip="192.0.2.0/24"
    )


# ---------------------------------------------------------------------------------------------
# Timestamps


@pytest.mark.parametrize(
    "expires",
    [
        EXPIRES,
        float(EXPIRES) + 0.75,  # truncated, as botocore does
        str(EXPIRES),
        f" {EXPIRES}\n",
        "2030-01-01T00:00:00Z",
        "2030-01-01T00:00:00+00:00",
        "2030-01-01T01:00:00+01:00",
        "2029-12-31T19:00:00-05:00",
        "2030-01-01T00:00:00.900Z",
        "2030-01-01T00:00:00",  # naive: UTC
        "2030-01-01 00:00:00",
        datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2030, 1, 1),  # naive on purpose: taken as UTC
    ],
)
def test_every_expiry_format_gives_the_same_policy(expires):
    assert sc.build_policy(RESOURCE, expires) == sc.build_policy(RESOURCE, EXPIRES)


def test_iso_and_epoch_starts_give_the_same_policy(pkcs8_pem):
    iso = signed_cookies_filter(
        pkcs8_pem, key_pair_id=KEY_ID, resource=RESOURCE, expires="2030-01-01T00:00:00Z", starts="2029-12-31T22:00:00Z"
    )
    epoch = signed_cookies_filter(pkcs8_pem, key_pair_id=KEY_ID, resource=RESOURCE, expires=EXPIRES, starts=STARTS)
    assert iso == epoch
    assert json.loads(_decode(iso["CloudFront-Policy"]))["Statement"][0]["Condition"] == {
        "DateLessThan": {"AWS:EpochTime": EXPIRES},
        "DateGreaterThan": {"AWS:EpochTime": STARTS},
    }


def test_expiry_in_the_past_is_allowed(pkcs8_pem):
    cookies = signed_cookies_filter(pkcs8_pem, key_pair_id=KEY_ID, resource=RESOURCE, expires=1000)
    assert json.loads(_decode(cookies["CloudFront-Policy"]))["Statement"][0]["Condition"] == {
        "DateLessThan": {"AWS:EpochTime": 1000}
    }


# ---------------------------------------------------------------------------------------------
# Errors: clear, and never showing the key


def _pem_lines(pem):
    return [line for line in pem.splitlines() if line.strip()]


def _assert_no_key_material(message, *pems):
    assert "PRIVATE KEY" not in message
    assert "-----" not in message
    for pem in pems:
        for line in _pem_lines(pem):
            assert line not in message


def _expect_error(pem, match, **kwargs):
    args = {"key_pair_id": KEY_ID, "resource": RESOURCE, "expires": EXPIRES}
    args.update(kwargs)
    with pytest.raises(AnsibleFilterError, match=match) as exc_info:
        signed_cookies_filter(pem, **args)
    message = str(exc_info.value)
    assert message.startswith("cloudfront_signed_cookies: ")
    # Nothing chained that a traceback (-vvv) could print.
    assert exc_info.value.__cause__ is None
    assert exc_info.value.__context__ is None or exc_info.value.__suppress_context__
    return message


@pytest.fixture(scope="module")
def bad_keys(pkcs8_pem):
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    large = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    lines = pkcs8_pem.splitlines()
    middle = lines[len(lines) // 2]
    return {
        "malformed": pkcs8_pem.replace(middle, middle[::-1].replace("A", "!")),
        "truncated": "\n".join(lines[: len(lines) // 2] + lines[-1:]),
        "no_pem": "this is not a key at all, only some text",
        "rsa_1024": _pem(small, serialization.PrivateFormat.PKCS8),
        "rsa_1024_pkcs1": _pem(small, serialization.PrivateFormat.TraditionalOpenSSL),
        "rsa_3072": _pem(large, serialization.PrivateFormat.PKCS8),
        "ec": _pem(ec_key, serialization.PrivateFormat.PKCS8),
        "ec_traditional": _pem(ec_key, serialization.PrivateFormat.TraditionalOpenSSL),
        "encrypted": small.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret passphrase"),
        ).decode(),
        "openssh": _pem(ec_key, serialization.PrivateFormat.OpenSSH),
        "public": small.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
    }


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("malformed", "not a valid PEM private key"),
        ("truncated", "not a valid PEM private key"),
        ("no_pem", "not PEM"),
        ("rsa_1024", "RSA 1024-bit key; CloudFront verifies RSA 2048-bit keys"),
        ("rsa_1024_pkcs1", "RSA 1024-bit key"),
        ("rsa_3072", "RSA 3072-bit key"),
        ("ec", "is an EC key; CloudFront signing needs RSA"),
        ("ec_traditional", "is an EC key"),
        ("encrypted", "encrypted with a passphrase"),
        ("openssh", "OpenSSH format"),
        ("public", "public key or certificate"),
    ],
)
def test_bad_private_keys_are_refused_without_showing_them(bad_keys, pkcs8_pem, name, match):
    pem = bad_keys[name]
    message = _expect_error(pem, match)
    _assert_no_key_material(message, pem, pkcs8_pem)


@pytest.mark.parametrize("pem", [None, "", "   \n", 42, ["-----BEGIN PRIVATE KEY-----"]])
def test_missing_private_key_is_refused(pem):
    message = _expect_error(pem, "private key")
    _assert_no_key_material(message)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"expires": STARTS, "starts": EXPIRES}, "expires must be later than starts"),
        ({"expires": EXPIRES, "starts": EXPIRES}, "expires must be later than starts"),
        ({"expires": "2030-01-01T00:00:00Z", "starts": "2030-01-01T01:00:00+01:00"}, "later than starts"),
        ({"expires": "next tuesday"}, "expires must be epoch seconds or an ISO-8601 date-time"),
        ({"expires": True}, "not a boolean"),
        ({"expires": -1}, "between 1970"),
        ({"expires": float("nan")}, "finite"),
        ({"expires": [EXPIRES]}, "not list"),
        ({"starts": "yesterday"}, "starts must be epoch seconds"),
        ({"expires": None}, "expires is required"),
        ({"source_ip": "not-an-ip"}, "source_ip is not an IP address"),
        ({"source_ip": "192.0.2.0/33"}, "source_ip is not an IP address"),
        ({"source_ip": "192.0.2.300"}, "source_ip is not an IP address"),
        ({"source_ip": "2001:db8::/32"}, "IPv6"),
        ({"source_ip": "2001:db8::1"}, "IPv6"),
        ({"source_ip": "192.0.2.7/24"}, r"network address .* such as 192\.0\.2\.0/24"),
        ({"source_ip": " 192.0.2.0/24"}, "whitespace"),
        ({"source_ip": ""}, "source_ip must be an IPv4"),
        ({"resource": ""}, "resource must be a non-empty URL"),
        ({"resource": None}, "resource is required"),
        ({"resource": "https://example.com/a b"}, "whitespace"),
        ({"resource": 'https://example.com/"*'}, "quotes"),
        ({"resource": "https://example.com/'*"}, "quotes"),
        ({"resource": "https://example.com/\\*"}, "backslashes"),
        ({"resource": "https://example.com/bücher/*"}, "ASCII"),
        ({"key_pair_id": ""}, "key_pair_id must be the ID"),
        ({"key_pair_id": None}, "key_pair_id is required"),
        ({"key_pair_id": "k2jcjmdehxqw5f"}, "key_pair_id must be the ID"),
        ({"key_pair_id": "K2JC-JMDEHXQW5F"}, "key_pair_id must be the ID"),
        ({"key_pair_id": "K2"}, "key_pair_id must be the ID"),
        ({"key_pair_id": 12345678}, "key_pair_id must be the ID"),
    ],
)
def test_bad_arguments_are_refused(pkcs8_pem, kwargs, match):
    message = _expect_error(pkcs8_pem, match, **kwargs)
    _assert_no_key_material(message, pkcs8_pem)


@pytest.mark.parametrize("option", ["resource", "expires", "starts", "source_ip", "key_pair_id"])
def test_key_given_in_the_wrong_option_is_not_echoed(pkcs8_pem, option):
    message = _expect_error(pkcs8_pem, option, **{option: pkcs8_pem})
    _assert_no_key_material(message, pkcs8_pem)


def test_unknown_option_is_a_type_error(pkcs8_pem):
    with pytest.raises(TypeError, match="expiry"):
        signed_cookies_filter(pkcs8_pem, key_pair_id=KEY_ID, resource=RESOURCE, expiry=EXPIRES)


# ---------------------------------------------------------------------------------------------
# Cookie header


def test_cookie_header_joins_the_three_cookies_in_order(pkcs8_pem):
    cookies = signed_cookies_filter(pkcs8_pem, key_pair_id=KEY_ID, resource=RESOURCE, expires=EXPIRES)
    header = cookie_header_filter(dict(reversed(list(cookies.items()))))
    assert header == (
        f"CloudFront-Policy={cookies['CloudFront-Policy']}; "
        f"CloudFront-Signature={cookies['CloudFront-Signature']}; "
        f"CloudFront-Key-Pair-Id={KEY_ID}"
    )
    parsed = SimpleCookie()
    parsed.load(header)
    assert {name: morsel.value for name, morsel in parsed.items()} == cookies
    assert sc.cookie_header(cookies) == header


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda c: c.pop("CloudFront-Signature"), "lack CloudFront-Signature"),
        (lambda c: c.update({"session": "abc"}), r"1 unexpected key\(s\) \(session\)"),
        (lambda c: c.update({"a b": "abc"}), r"1 unexpected key\(s\)$"),
        (lambda c: c.update({"CloudFront-Policy": "abc; evil=1"}), "CloudFront-Policy is not CloudFront URL-safe"),
        (lambda c: c.update({"CloudFront-Signature": None}), "CloudFront-Signature is not"),
        (lambda c: c.update({"CloudFront-Key-Pair-Id": "k1"}), "CloudFront-Key-Pair-Id is not"),
    ],
)
def test_cookie_header_refuses_bad_input(pkcs8_pem, change, match):
    cookies = signed_cookies_filter(pkcs8_pem, key_pair_id=KEY_ID, resource=RESOURCE, expires=EXPIRES)
    change(cookies)
    with pytest.raises(AnsibleFilterError, match=f"^cloudfront_cookie_header: .*{match}"):
        cookie_header_filter(cookies)


@pytest.mark.parametrize("value", [None, "CloudFront-Policy=x", ["a"]])
def test_cookie_header_needs_a_dict(value):
    with pytest.raises(AnsibleFilterError, match="needs the dict of cloudfront_signed_cookies"):
        cookie_header_filter(value)


# ---------------------------------------------------------------------------------------------
# Through Ansible: a real ansible-playbook run that calls both filters by FQCN


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_GET(self):
        self.received.append({"path": self.path, "cookie": self.headers.get("Cookie")})
        body = b"#EXTM3U\n"
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.apple.mpegurl")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


@pytest.fixture
def cookie_server():
    handler = type("Handler", (_RecordingHandler,), {"received": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, handler.received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


PLAYBOOK = """\
- name: Sign CloudFront cookies and send them
  hosts: localhost
  gather_facts: false
  vars:
    pem: "{{ lookup('ansible.builtin.file', pem_file) }}"
  tasks:
    - name: Sign with an ISO expiry, an epoch start and a source range
      ansible.builtin.set_fact:
        cookies: >-
          {{ pem | storytime.video_infra.cloudfront_signed_cookies(
               key_pair_id=key_id, resource=resource, expires='2030-01-01T00:00:00Z',
               starts=starts, source_ip='192.0.2.0/24') }}
      no_log: true

    - name: Sign with the relative expiry of the documentation
      ansible.builtin.set_fact:
        relative: >-
          {{ pem | storytime.video_infra.cloudfront_signed_cookies(
               key_pair_id=key_id, resource=resource, expires=now().timestamp() | int + 7200) }}
      no_log: true

    - name: Save the results
      ansible.builtin.copy:
        dest: "{{ out_dir }}/cookies.json"
        content: "{{ {'cookies': cookies, 'relative': relative} | to_json }}"
        mode: "0600"

    - name: Send the cookies
      ansible.builtin.uri:
        url: "{{ url }}"
        headers:
          Cookie: "{{ cookies | storytime.video_infra.cloudfront_cookie_header }}"
        return_content: true
      register: fetched
      no_log: true

    - name: Check the response
      ansible.builtin.assert:
        that: fetched.content == '#EXTM3U\\n'

    - name: A bad request fails the task with a clear message
      ansible.builtin.set_fact:
        broken: >-
          {{ pem | storytime.video_infra.cloudfront_signed_cookies(
               key_pair_id=key_id, resource=resource, expires=100, starts=200) }}
      ignore_errors: true
      register: bad

    - name: Save the failure
      ansible.builtin.copy:
        dest: "{{ out_dir }}/bad.json"
        content: "{{ bad | to_json }}"
        mode: "0600"
"""


def test_filters_work_in_a_playbook(tmp_path, rsa_key, pkcs1_pem, cookie_server):
    server, received = cookie_server
    pem_file = tmp_path / "key.pem"
    pem_file.write_text(pkcs1_pem)
    pem_file.chmod(0o600)
    (tmp_path / "site.yml").write_text(PLAYBOOK)
    url = f"http://127.0.0.1:{server.server_address[1]}/books/42/index.m3u8"
    extra = {
        "pem_file": str(pem_file),
        "key_id": KEY_ID,
        "resource": RESOURCE,
        "starts": STARTS,
        "out_dir": str(tmp_path),
        "url": url,
        "ansible_python_interpreter": sys.executable,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_") and "proxy" not in k.lower()}
    env.update(
        {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
            "ANSIBLE_REMOTE_TEMP": str(tmp_path / "ansible-remote-tmp"),
            "ANSIBLE_NOCOLOR": "1",
        }
    )
    proc = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            str(tmp_path / "site.yml"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            json.dumps(extra),
            "-vvv",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]

    results = json.loads((tmp_path / "cookies.json").read_text())
    expected = sc.signed_cookies(pkcs1_pem, KEY_ID, RESOURCE, EXPIRES, starts=STARTS, source_ip="192.0.2.0/24")
    assert results["cookies"] == expected
    relative_policy = json.loads(_decode(results["relative"]["CloudFront-Policy"]))
    lifetime = relative_policy["Statement"][0]["Condition"]["DateLessThan"]["AWS:EpochTime"] - int(
        datetime.datetime.now(datetime.UTC).timestamp()
    )
    assert 7200 - 300 < lifetime <= 7200
    rsa_key.public_key().verify(
        _decode(results["relative"]["CloudFront-Signature"]),
        _decode(results["relative"]["CloudFront-Policy"]),
        padding.PKCS1v15(),
        hashes.SHA1(),
    )

    assert len(received) == 1
    assert received[0]["path"] == "/books/42/index.m3u8"
    assert received[0]["cookie"] == sc.cookie_header(expected)

    bad = json.loads((tmp_path / "bad.json").read_text())
    assert bad["failed"] is True
    assert "cloudfront_signed_cookies: expires must be later than starts" in bad["msg"]
    _assert_no_key_material(bad["msg"], pkcs1_pem)
    # Not even -vvv prints the key or the signature anywhere.
    _assert_no_key_material(output, pkcs1_pem)
    assert expected["CloudFront-Signature"] not in output
