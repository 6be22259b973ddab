"""s3_presigned_post: options, the policy it signs, check mode, and the upload as a browser makes it (HTTP mocked).

Generating a presigned POST makes no AWS call: the module's client is a real botocore S3 client built with the
configuration the module asks for (a Stubber with nothing queued proves no call is made), and open_url is replaced.
"""

import base64
import datetime
import hashlib
import hmac
import io
import json
import re
import urllib.error
from email import message_from_bytes
from email.policy import HTTP

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.storytime.video_infra.plugins.modules import s3_presigned_post as mod
from botocore.stub import Stubber

BUCKET = "storytime-master-uploads-unit"
SECRET = "unit-test-secret"
GIB5 = 5 * 1024**3


class ClientFactory:
    """Stands in for AnsibleAWSModule.client: a real, stubbed S3 client built with the config the module passes."""

    def __init__(self):
        self.requests = []
        self.stubbers = []

    def client(self, service, retry_decorator=None, **kwargs):
        self.requests.append((service, kwargs))
        client = boto3.client(
            service,
            region_name="eu-west-1",
            aws_access_key_id="AKIAUNITTEST",
            aws_secret_access_key=SECRET,
            config=kwargs.get("config"),
        )
        stubber = Stubber(client)
        stubber.activate()
        self.stubbers.append(stubber)
        return client


@pytest.fixture
def clients(runner, monkeypatch):
    factory = ClientFactory()
    monkeypatch.setattr(AnsibleAWSModule, "client", factory.client)
    yield factory
    for stubber in factory.stubbers:
        stubber.assert_no_pending_responses()


class FakeResponse:
    def __init__(self, status, body=b"", headers=None):
        self.status = status
        self._body = body
        self.headers = headers or {}

    def read(self):
        return self._body


class FakeOpenUrl:
    """Records what open_url is asked to send (the body is read to its end, as http.client reads it)."""

    def __init__(self, answer):
        self.answer = answer
        self.calls = []

    def __call__(self, url, data=None, headers=None, method=None, **kwargs):
        chunks = []
        while chunk := data.read(7):  # small reads: the body must stream across its parts
            chunks.append(chunk)
        assert data.read() == b""
        self.calls.append({"url": url, "body": b"".join(chunks), "headers": headers, "method": method, **kwargs})
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42\r\n--not-a-boundary\r\n" + bytes(range(256)))
    return path


def policy_of(fields):
    return json.loads(base64.b64decode(fields["policy"]))


def form_parts(call):
    """The parts of a multipart body, in order: ``[(name, filename, content_type, payload)]``."""
    raw = f"Content-Type: {call['headers']['Content-Type']}\r\n\r\n".encode() + call["body"]
    message = message_from_bytes(raw, policy=HTTP)
    return [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ]


def sigv4(fields):
    _akid, date, region, service, _terminator = fields["x-amz-credential"].split("/")
    key = ("AWS4" + SECRET).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, fields["policy"].encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------------------------------
# Generating


def test_defaults_sign_a_sigv4_policy_for_one_key_with_the_default_size_range(runner, clients):
    result = runner.run(mod.main, {"bucket": BUCKET, "key": "books/42/master.mp4"})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert "upload" not in result.result
    ((service, kwargs),) = clients.requests
    assert service == "s3" and kwargs["config"].signature_version == "s3v4"
    fields = result.result["fields"]
    assert fields["key"] == "books/42/master.mp4"
    assert fields["success_action_status"] == "201"
    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert re.fullmatch(r"AKIAUNITTEST/\d{8}/eu-west-1/s3/aws4_request", fields["x-amz-credential"])
    assert fields["x-amz-signature"] == sigv4(fields)
    assert "Content-Type" not in fields
    conditions = policy_of(fields)["conditions"]
    assert {"success_action_status": "201"} in conditions
    assert ["content-length-range", 1, GIB5] in conditions
    assert {"bucket": BUCKET} in conditions
    assert {"key": "books/42/master.mp4"} in conditions
    assert SECRET not in json.dumps(result.result)


def test_expires_at_is_the_policy_expiration_in_utc(runner, clients):
    before = datetime.datetime.now(datetime.UTC)
    result = runner.run(mod.main, {"bucket": BUCKET, "key": "k", "expires_in": 300})

    expires_at = datetime.datetime.fromisoformat(result.result["expires_at"])
    assert expires_at.utcoffset() == datetime.timedelta(0)
    assert policy_of(result.result["fields"])["expiration"] == expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert before + datetime.timedelta(seconds=298) <= expires_at <= before + datetime.timedelta(seconds=302)


def test_filename_variable_content_type_prefix_status_and_range(runner, clients):
    args = {
        "bucket": BUCKET,
        "key": "books/42/${filename}",
        "content_type_starts_with": "video/",
        "success_action_status": 204,
        "content_length_range": {"max": 1024},
    }
    result = runner.run(mod.main, args)

    fields = result.result["fields"]
    conditions = policy_of(fields)["conditions"]
    assert fields["key"] == "books/42/${filename}"
    assert ["starts-with", "$key", "books/42/"] in conditions
    assert ["starts-with", "$Content-Type", "video/"] in conditions
    assert ["content-length-range", 1, 1024] in conditions
    assert {"success_action_status": "204"} in conditions
    assert fields["success_action_status"] == "204"
    assert "Content-Type" not in fields


def test_exact_content_type_is_a_field_and_a_condition(runner, clients):
    result = runner.run(mod.main, {"bucket": BUCKET, "key": "k.mp4", "content_type": "video/mp4"})

    assert result.result["fields"]["Content-Type"] == "video/mp4"
    assert {"Content-Type": "video/mp4"} in policy_of(result.result["fields"])["conditions"]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ({"expires_in": 0}, "expires_in must be 1 to 604800 seconds (7 days), got 0"),
        ({"expires_in": 604801}, "expires_in must be 1 to 604800"),
        ({"content_length_range": {"min": -1}}, "content_length_range.min must be at least 0"),
        ({"content_length_range": {"max": GIB5 + 1}}, "content_length_range.max must be at most 5368709120"),
        ({"content_length_range": {"min": 10, "max": 9}}, "content_length_range.max (9) must not be below min (10)"),
        ({"key": ""}, "key must not be empty"),
        ({"key": "é" * 513}, "key must be at most 1024 bytes long in UTF-8"),
        ({"content_type": " "}, "content_type must not be empty"),
        ({"upload_file": "/nonexistent/clip.mp4"}, "upload_file /nonexistent/clip.mp4 is not a readable file"),
    ],
)
def test_invalid_options_fail_before_anything_is_signed(runner, clients, args, problem):
    result = runner.run(mod.main, {"bucket": BUCKET, "key": "k", **args})

    assert result.failed
    assert any(p.startswith(problem) for p in result.result["problems"]), result.result
    assert clients.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"content_type": "video/mp4", "content_type_starts_with": "video/"}, "mutually exclusive"),
        ({"success_action_status": 302}, "success_action_status"),
        ({"content_length_range": {"maximum": 3}}, "maximum"),
    ],
)
def test_argument_spec_errors(runner, clients, args, message):
    result = runner.run(mod.main, {"bucket": BUCKET, "key": "k", **args})

    assert result.failed
    assert message in result.result["msg"]


def test_no_credentials_fail_the_aws_way(runner, monkeypatch):
    def client(_module, service, **kwargs):
        return boto3.client(service, region_name="eu-west-1", config=kwargs["config"])

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("botocore.credentials.InstanceMetadataProvider.load", lambda _self: None)
    monkeypatch.setattr("botocore.credentials.ContainerProvider.load", lambda _self: None)

    result = runner.run(mod.main, {"bucket": BUCKET, "key": "k"})

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to presign a POST to bucket {BUCKET}")
    assert "Unable to locate credentials" in result.result["msg"]


# ---------------------------------------------------------------------------------------------
# Uploading


def test_upload_posts_fields_then_the_file_as_a_browser_does(runner, clients, clip, monkeypatch):
    etag = hashlib.md5(clip.read_bytes()).hexdigest()
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>https://s3.example/b/books%2F42%2Fclip.mp4'
        f'</Location><Bucket>{BUCKET}</Bucket><Key>books/42/clip.mp4</Key><ETag>"{etag}"</ETag></PostResponse>'
    ).encode()
    fake = FakeOpenUrl(FakeResponse(201, document, {"ETag": f'"{etag}"'}))
    monkeypatch.setattr(mod, "open_url", fake)

    args = {
        "bucket": BUCKET,
        "key": "books/42/${filename}",
        "content_type": "video/mp4",
        "upload_file": str(clip),
        "aws_ca_bundle": "/etc/local-aws/ca.pem",
    }
    result = runner.run(mod.main, args)

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["upload"] == {
        "status": 201,
        "etag": etag,
        "location": "https://s3.example/b/books%2F42%2Fclip.mp4",
        "key": "books/42/clip.mp4",
        "size": clip.stat().st_size,
    }
    (call,) = fake.calls
    assert call["url"] == result.result["url"]
    assert call["method"] == "POST"
    assert (call["ca_path"], call["validate_certs"]) == ("/etc/local-aws/ca.pem", True)
    assert int(call["headers"]["Content-Length"]) == len(call["body"])
    parts = form_parts(call)
    assert [part[0] for part in parts] == [*result.result["fields"], "file"]
    for name, _filename, _type, payload in parts[:-1]:
        assert payload.decode() == result.result["fields"][name]
    assert parts[-1][1:] == ("clip.mp4", "video/mp4", clip.read_bytes())


def test_upload_with_a_content_type_prefix_sends_the_guessed_type_as_a_field(runner, clients, clip, monkeypatch):
    fake = FakeOpenUrl(FakeResponse(204, b"", {"ETag": '"abc"', "Location": "https://s3.example/b/k"}))
    monkeypatch.setattr(mod, "open_url", fake)

    args = {
        "bucket": BUCKET,
        "key": "books/42/master.mp4",
        "content_type_starts_with": "video/",
        "success_action_status": 204,
        "upload_file": str(clip),
        "validate_certs": False,
        "aws_ca_bundle": "/ignored/when/not/validating.pem",
    }
    result = runner.run(mod.main, args)

    assert result.result["upload"] == {
        "status": 204,
        "etag": "abc",
        "location": "https://s3.example/b/k",
        "key": "books/42/master.mp4",
        "size": clip.stat().st_size,
    }
    (call,) = fake.calls
    assert (call["ca_path"], call["validate_certs"]) == (None, False)
    parts = form_parts(call)
    assert ("Content-Type", None, "text/plain", b"video/mp4") in parts
    assert parts[-1][0] == "file"


def test_check_mode_presigns_but_does_not_upload(runner, clients, clip, monkeypatch):
    fake = FakeOpenUrl(AssertionError("no upload in check mode"))
    monkeypatch.setattr(mod, "open_url", fake)

    result = runner.run(mod.main, {"bucket": BUCKET, "key": "k", "upload_file": str(clip), "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert "upload" not in result.result
    assert result.result["fields"]["key"] == "k"
    assert fake.calls == []


def test_check_mode_without_upload_is_unchanged(runner, clients):
    result = runner.run(mod.main, {"bucket": BUCKET, "key": "k", "_ansible_check_mode": True})

    assert result.result["changed"] is False
    assert "url" in result.result and "policy" in result.result["fields"]


def http_error(status, body):
    return urllib.error.HTTPError("https://s3.example/b", status, "refused", {}, io.BytesIO(body))


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (
            400,
            b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>EntityTooLarge</Code><Message>Your proposed upload'
            b" exceeds the maximum allowed size</Message><ProposedSize>2048</ProposedSize><MaxSizeAllowed>1024"
            b"</MaxSizeAllowed><RequestId>R</RequestId><HostId>H</HostId></Error>",
            "HTTP 400 EntityTooLarge: Your proposed upload exceeds the maximum allowed size"
            " (ProposedSize 2048, MaxSizeAllowed 1024)",
        ),
        (
            403,
            b"<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy expired.</Message></Error>",
            "HTTP 403 AccessDenied: Invalid according to Policy: Policy expired.",
        ),
        (503, b"Service Unavailable", "HTTP 503 unknown error: Service Unavailable"),
        (500, b"", "HTTP 500 unknown error: no message"),
    ],
)
def test_a_refused_upload_fails_with_s3s_code_and_message(runner, clients, clip, monkeypatch, status, body, message):
    monkeypatch.setattr(mod, "open_url", FakeOpenUrl(http_error(status, body)))

    result = runner.run(mod.main, {"bucket": BUCKET, "key": "k", "upload_file": str(clip)})

    assert result.failed
    assert result.result["msg"] == f"S3 refused the upload of {clip}: {message}"
    assert "policy" not in json.dumps(result.result)


def test_a_connection_failure_fails_with_its_reason(runner, clients, clip, monkeypatch):
    monkeypatch.setattr(mod, "open_url", FakeOpenUrl(urllib.error.URLError("certificate verify failed")))

    result = runner.run(mod.main, {"bucket": BUCKET, "key": "k", "upload_file": str(clip)})

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to upload {clip} to https://")
    assert result.result["msg"].endswith("certificate verify failed")


def test_multipart_body_reads_in_any_chunk_size(clip):
    body = mod.MultipartBody([("key", "k"), ("policy", "p")], 'a"b\r\n.mp4', "video/mp4", str(clip))
    with body:
        whole = body.read()
    with body:
        pieces = b"".join(iter(lambda: body.read(3), b""))
    assert whole == pieces
    assert len(whole) == body.length
    assert b'filename="a%22b%0D%0A.mp4"' in whole
    assert whole.endswith(f"\r\n--{body.boundary}--\r\n".encode())
    assert whole.index(b'name="policy"') < whole.index(b'name="file"')
