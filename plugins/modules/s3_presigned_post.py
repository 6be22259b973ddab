#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_presigned_post
version_added: 0.1.0
short_description: Make a presigned S3 POST for a browser upload, and optionally upload a file with it
description:
  - Generates the URL and form fields of a presigned POST (boto3 C(generate_presigned_post)), what the Rails admin
    console hands a browser so that it uploads a master video straight to S3.
  - Generating is a local computation with the credentials of the task. No AWS call is made, nothing changes, and
    the result is C(changed=false) (also in check mode).
  - The POST policy is always signed with Signature Version 4 (botocore would otherwise presign S3 POSTs with the
    legacy Signature Version 2). It allows one object, O(key), in O(bucket), until RV(expires_at), with a size in
    O(content_length_range), and, when asked, a content type (O(content_type) or O(content_type_starts_with)). The
    form must also carry C(success_action_status), which decides the HTTP status S3 answers with.
  - With O(upload_file) the module also does what the browser does - it POSTs that file as C(multipart/form-data)
    to RV(url), with the fields first and the file last as S3 requires, verifying TLS with O(aws_ca_bundle) and
    O(validate_certs) - and reports S3's answer in RV(upload). S3 refusing the upload (any status other than
    2xx) fails the task with S3's error code and message, for example C(EntityTooLarge) for a file larger than
    the O(content_length_range) maximum or C(AccessDenied) for a bucket policy that denies it. An upload always
    reports C(changed=true); in check mode nothing is uploaded and the result is C(changed=true) as well.
author:
  - Storytime infrastructure team (@storytime)
options:
  bucket:
    description: Name of the bucket the browser uploads to.
    type: str
    required: true
  key:
    description:
      - Key of the object. It may end with C(${filename}), which S3 replaces by the name of the file the browser
        sends; the policy then allows any key that starts with the text before C(${filename}).
      - At most 1024 bytes in UTF-8.
    type: str
    required: true
  expires_in:
    description: Seconds the presigned POST is valid, 1 to 604800 (7 days).
    type: int
    default: 900
  content_length_range:
    description:
      - Smallest and largest size, in bytes, of the file S3 accepts (the C(content-length-range) condition).
      - Always part of the policy. The defaults refuse an empty file and allow up to 5 GiB, the most one POST can
        upload.
    type: dict
    suboptions:
      min:
        description: Smallest size in bytes, at least 0.
        type: int
        default: 1
      max:
        description: Largest size in bytes, at least O(content_length_range.min) and at most 5368709120 (5 GiB).
        type: int
        default: 5368709120
  content_type:
    description:
      - The C(Content-Type) the object must have. It is added to RV(fields) and to the policy as an exact
        condition, so the browser cannot change it.
      - Mutually exclusive with O(content_type_starts_with).
    type: str
  content_type_starts_with:
    description:
      - A prefix, such as V(video/), that the C(Content-Type) field must start with. The browser adds the
        C(Content-Type) field itself (it is not in RV(fields)). With O(upload_file) the module sends the type
        guessed from the file name (C(application/octet-stream) when it cannot guess), so S3 refuses a file whose
        type does not start with the prefix.
      - Mutually exclusive with O(content_type).
    type: str
  success_action_status:
    description:
      - The HTTP status S3 answers a successful upload with. With V(201) S3 answers an XML document with the
        location, bucket, key and ETag of the object; with V(200) and V(204) an empty body.
    type: int
    choices: [200, 201, 204]
    default: 201
  upload_file:
    description:
      - Path of a local file to upload with the presigned POST, as a browser would. The name of the file replaces
        C(${filename}) in O(key).
      - When not set, nothing is uploaded.
    type: path
notes:
  - RV(fields) holds the policy and its signature. They are a short-lived capability to upload one object, not a
    secret key, but anyone who holds them can upload until RV(expires_at). Set C(no_log) to V(true) on the task
    that registers the result to keep them out of logs. The secret access key never appears in the result.
  - The presigned POST is signed with the credentials of the task; S3 also checks, at upload time, that those
    credentials may C(s3:PutObject) the key and that the bucket policy does not deny it (for example a
    C(aws:SecureTransport) condition; RV(url) is HTTPS).
  - The module uploads the file in one POST, streamed from disk, with a time-out of 120 seconds without progress.
    S3 limits a POST upload to 5 GiB; larger masters need a multipart upload, which this module does not do.
  - The region of the task must be the region of the bucket, since the signature names the region.
seealso:
  - name: Browser-based uploads using POST (AWS Signature Version 4)
    description: The form fields, the POST policy and its conditions, and the answers of S3.
    link: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-UsingHTTPPOST.html
  - module: amazon.aws.s3_object
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A presigned POST for a master upload, valid for 15 minutes (what the admin console gets)
  storytime.video_infra.s3_presigned_post:
    bucket: storytime-master-uploads-dev
    key: books/42/${filename}
    content_type_starts_with: video/
    content_length_range:
      max: 2147483648
  register: master_upload_form
  no_log: true

- name: Upload a test clip as the admin console would
  storytime.video_infra.s3_presigned_post:
    bucket: storytime-master-uploads-dev
    key: books/42/master.mp4
    content_type: video/mp4
    expires_in: 300
    upload_file: "{{ playbook_dir }}/files/test-clip.mp4"
  register: test_upload
  no_log: true

- name: The clip is in the bucket
  ansible.builtin.assert:
    that:
      - test_upload.upload.status == 201
      - test_upload.upload.key == "books/42/master.mp4"
"""

RETURN = r"""
url:
  description: The URL the form is POSTed to.
  returned: always
  type: str
  sample: https://storytime-master-uploads-dev.s3.amazonaws.com/
fields:
  description:
    - The form fields to send, in this order, before the C(file) field, which must come last.
    - C(key), C(success_action_status), C(Content-Type) (with O(content_type)), C(x-amz-algorithm),
      C(x-amz-credential) (access key ID and signing scope), C(x-amz-date), C(policy) (base64 JSON) and
      C(x-amz-signature).
    - A capability to upload until RV(expires_at); see the notes about C(no_log).
  returned: always
  type: dict
  sample:
    key: books/42/${filename}
    success_action_status: "201"
    x-amz-algorithm: AWS4-HMAC-SHA256
    x-amz-credential: AKIAIOSFODNN7EXAMPLE/20250131/eu-west-1/s3/aws4_request
    x-amz-date: 20250131T101542Z
    policy: eyJleHBpcmF0aW9uIjogIjIwMjUtMDEtMzFUMTA6MzA6NDJaIiwgImNvbmRpdGlvbnMiOiBbXX0=
    x-amz-signature: 4d5a5e4f6a1f8c0e0f0d6b7c2a9c1b3e9f8e7d6c5b4a39281706f5e4d3c2b1a0
expires_at:
  description: When the presigned POST stops being valid (the C(expiration) of the policy), ISO 8601 in UTC.
  returned: always
  type: str
  sample: "2025-01-31T10:30:42+00:00"
upload:
  description: S3's answer to the upload of O(upload_file).
  returned: when O(upload_file) is set, except in check mode
  type: dict
  contains:
    status:
      description: HTTP status of S3's answer (O(success_action_status)).
      type: int
      sample: 201
    etag:
      description: ETag of the object, without quotes (the hex MD5 of the file, for an unencrypted object).
      type: str
      sample: 9e107d9d372bb6826bd81d3542a419d6
    location:
      description: URL of the object, as S3 reports it.
      type: str
      sample: https://storytime-master-uploads-dev.s3.amazonaws.com/books%2F42%2Fmaster.mp4
    key:
      description: Key of the object, C(${filename}) replaced.
      type: str
      sample: books/42/master.mp4
    size:
      description: Size of the uploaded file in bytes.
      type: int
      sample: 104857600
"""

import base64
import datetime
import io
import json
import mimetypes
import os
import secrets
import urllib.error
import xml.etree.ElementTree as ET

try:
    import botocore
    import botocore.config
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.urls import ConnectionError as UrlConnectionError
from ansible.module_utils.urls import open_url
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler

#: The largest object one POST can upload.
MAX_POST_SIZE = 5 * 1024**3
MAX_EXPIRES_IN = 7 * 24 * 3600
MAX_KEY_BYTES = 1024
UPLOAD_TIMEOUT = 120
FILENAME_VARIABLE = "${filename}"
UTC = datetime.timezone.utc  # noqa: UP017 (modules may run on Python < 3.11)


# ---------------------------------------------------------------------------------------------
# Options


def validate_params(params):
    """Problems with the options, found before anything is signed."""
    problems = []
    if not params["bucket"]:
        problems.append("bucket must not be empty")
    key = params["key"]
    if not key:
        problems.append("key must not be empty")
    elif len(key.encode("utf-8")) > MAX_KEY_BYTES:
        problems.append(f"key must be at most {MAX_KEY_BYTES} bytes long in UTF-8")
    if not 1 <= params["expires_in"] <= MAX_EXPIRES_IN:
        problems.append(f"expires_in must be 1 to {MAX_EXPIRES_IN} seconds (7 days), got {params['expires_in']}")
    size = params["content_length_range"]
    if size["min"] < 0:
        problems.append(f"content_length_range.min must be at least 0, got {size['min']}")
    if size["max"] > MAX_POST_SIZE:
        problems.append(f"content_length_range.max must be at most {MAX_POST_SIZE} (5 GiB), got {size['max']}")
    if size["max"] < size["min"]:
        problems.append(f"content_length_range.max ({size['max']}) must not be below min ({size['min']})")
    for name in ("content_type", "content_type_starts_with"):
        if params[name] is not None and not params[name].strip():
            problems.append(f"{name} must not be empty")
    path = params["upload_file"]
    if path is not None and not (os.path.isfile(path) and os.access(path, os.R_OK)):
        problems.append(f"upload_file {path} is not a readable file")
    return problems


def form_request(params):
    """``(fields, conditions)`` for generate_presigned_post; boto3 adds key, bucket and signature ones."""
    status = str(params["success_action_status"])
    size = params["content_length_range"]
    fields = {"success_action_status": status}
    conditions = [{"success_action_status": status}, ["content-length-range", size["min"], size["max"]]]
    if params["content_type"] is not None:
        fields["Content-Type"] = params["content_type"]
        conditions.append({"Content-Type": params["content_type"]})
    if params["content_type_starts_with"] is not None:
        conditions.append(["starts-with", "$Content-Type", params["content_type_starts_with"]])
    return fields, conditions


# ---------------------------------------------------------------------------------------------
# Generating


def generate(client, params):
    """The presigned POST: ``{"url", "fields"}``."""
    fields, conditions = form_request(params)
    # botocore's SigV4 POST signer does not check for missing credentials (it fails with an AttributeError).
    if getattr(getattr(client, "_request_signer", None), "_credentials", True) is None:
        error = botocore.exceptions.NoCredentialsError()
        raise StorytimeError(f"Failed to presign a POST to bucket {params['bucket']}", error)
    # Signed locally (no request, so no retry): amazon.aws's handler without the retrying call.
    presign = StorytimeErrorHandler.common_error_handler(f"presign a POST to bucket {params['bucket']}")(
        client.generate_presigned_post
    )
    return presign(
        Bucket=params["bucket"],
        Key=params["key"],
        Fields=fields,
        Conditions=conditions,
        ExpiresIn=params["expires_in"],
    )


def expiration_of(fields):
    """The ``expiration`` of the policy in ``fields``, ISO 8601 with an explicit UTC offset."""
    document = json.loads(base64.b64decode(fields["policy"]))
    text = document["expiration"]
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ"):
        try:
            moment = datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return moment.replace(tzinfo=UTC).isoformat()
    return text


# ---------------------------------------------------------------------------------------------
# Uploading


def _disposition_value(text):
    """A name for a Content-Disposition parameter, escaped the way browsers escape it (HTML form encoding)."""
    return text.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")


class MultipartBody:
    """A ``multipart/form-data`` body of text fields then one file, read in chunks (the file is streamed)."""

    def __init__(self, fields, filename, file_content_type, path):
        self.boundary = "----StorytimeFormBoundary" + secrets.token_hex(16)
        head = io.BytesIO()
        for name, value in fields:
            head.write(f"--{self.boundary}\r\n".encode())
            head.write(f'Content-Disposition: form-data; name="{_disposition_value(name)}"\r\n\r\n'.encode())
            head.write(value.encode("utf-8") + b"\r\n")
        head.write(f"--{self.boundary}\r\n".encode())
        disposition = f'form-data; name="file"; filename="{_disposition_value(filename)}"'
        head.write(f"Content-Disposition: {disposition}\r\nContent-Type: {file_content_type}\r\n\r\n".encode())
        self._head = head.getvalue()
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.path = path
        self.file_size = os.path.getsize(path)
        self.length = len(self._head) + self.file_size + len(self._tail)
        self._parts = None

    @property
    def content_type(self):
        return f"multipart/form-data; boundary={self.boundary}"

    def __enter__(self):
        self._parts = [io.BytesIO(self._head), open(self.path, "rb"), io.BytesIO(self._tail)]
        return self

    def __exit__(self, *exc_info):
        for part in self._parts or []:
            part.close()
        self._parts = None

    def read(self, size=-1):
        """Up to ``size`` bytes of the body (all that is left when ``size`` is negative); b"" at the end."""
        chunks = []
        wanted = size if size is not None and size >= 0 else None
        while self._parts and (wanted is None or wanted > 0):
            chunk = self._parts[0].read(-1 if wanted is None else wanted)
            if not chunk:
                self._parts.pop(0).close()
                continue
            chunks.append(chunk)
            if wanted is not None:
                wanted -= len(chunk)
        return b"".join(chunks)


def upload_fields(params, fields, path):
    """The form fields to send before the file and the file's own Content-Type."""
    guessed = mimetypes.guess_type(os.path.basename(path))[0] or "application/octet-stream"
    items = list(fields.items())
    if params["content_type"] is not None:
        return items, params["content_type"]
    if params["content_type_starts_with"] is not None:
        # The browser sends the file's type in a Content-Type field; the policy checks its prefix.
        items.insert(1, ("Content-Type", guessed))
    return items, guessed


def s3_document(body):
    """The child elements of S3's XML answer (``Error`` or ``PostResponse``) as a dict; {} when it is not XML."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return {}
    return {child.tag.rsplit("}", 1)[-1]: (child.text or "") for child in root}


def upload_error(path, status, body):
    """The StorytimeError of an upload S3 refused, with its error code and message."""
    document = s3_document(body)
    code = document.get("Code") or "unknown error"
    message = document.get("Message") or (body.decode("utf-8", errors="replace").strip()[:500] or "no message")
    limits = ("ProposedSize", "MinSizeAllowed", "MaxSizeAllowed")
    details = [f"{name} {document[name]}" for name in limits if name in document]
    text = f"S3 refused the upload of {path}: HTTP {status} {code}: {message}"
    if details:
        text += " (" + ", ".join(details) + ")"
    return StorytimeError(text)


def upload(module, presigned):
    """POST ``upload_file`` with the presigned fields as a browser does; return S3's answer as ``upload``."""
    params = module.params
    path = params["upload_file"]
    filename = os.path.basename(path)
    fields, file_content_type = upload_fields(params, presigned["fields"], path)
    body = MultipartBody(fields, filename, file_content_type, path)
    headers = {"Content-Type": body.content_type, "Content-Length": str(body.length)}
    ca_path = params["aws_ca_bundle"] if params["validate_certs"] else None
    try:
        with body:
            response = open_url(
                presigned["url"],
                data=body,
                headers=headers,
                method="POST",
                validate_certs=params["validate_certs"],
                ca_path=ca_path,
                timeout=UPLOAD_TIMEOUT,
            )
            status = response.status
            answer = response.read()
            response_headers = response.headers
    except urllib.error.HTTPError as e:
        raise upload_error(path, e.code, e.read() or b"") from None
    except (urllib.error.URLError, OSError, UrlConnectionError) as e:
        raise StorytimeError(f"Failed to upload {path} to {presigned['url']}: {getattr(e, 'reason', e)}") from None
    if not 200 <= status < 300:
        raise upload_error(path, status, answer)

    document = s3_document(answer) if answer else {}
    etag = document.get("ETag") or response_headers.get("ETag") or ""
    return {
        "status": status,
        "etag": etag.strip('"'),
        "location": document.get("Location") or response_headers.get("Location"),
        "key": document.get("Key") or params["key"].replace(FILENAME_VARIABLE, filename),
        "size": body.file_size,
    }


# ---------------------------------------------------------------------------------------------
# Module


def run(module):
    params = module.params
    client = module.client("s3", config=botocore.config.Config(signature_version="s3v4"))
    presigned = generate(client, params)
    result = {
        "changed": False,
        "url": presigned["url"],
        "fields": presigned["fields"],
        "expires_at": expiration_of(presigned["fields"]),
    }
    if params["upload_file"] is not None:
        result["changed"] = True
        if not module.check_mode:
            result["upload"] = upload(module, presigned)
    return result


def main():
    argument_spec = dict(
        bucket=dict(type="str", required=True),
        key=dict(type="str", required=True, no_log=False),
        expires_in=dict(type="int", default=900),
        content_length_range=dict(
            type="dict",
            apply_defaults=True,
            options=dict(
                min=dict(type="int", default=1),
                max=dict(type="int", default=MAX_POST_SIZE),
            ),
        ),
        content_type=dict(type="str"),
        content_type_starts_with=dict(type="str"),
        success_action_status=dict(type="int", default=201, choices=[200, 201, 204]),
        upload_file=dict(type="path"),
    )
    module = StorytimeAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("content_type", "content_type_starts_with")],
        supports_check_mode=True,
    )
    problems = validate_params(module.params)
    if problems:
        module.fail_json(msg="Invalid options: " + "; ".join(problems), problems=problems)
    try:
        result = run(module)
    except StorytimeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
