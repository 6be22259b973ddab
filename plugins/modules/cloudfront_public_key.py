#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_public_key
version_added: 0.1.0
short_description: Manage a CloudFront public key for signed URLs and signed cookies
description:
  - Creates, updates or deletes a CloudFront public key. A key group lists public keys, and a distribution's
    cache behaviour trusts key groups; a viewer then needs a URL or cookie signed with the matching private key.
  - The public key is found by O(name), which CloudFront keeps unique per account.
  - The ID of the public key (RV(public_key.id)) is the value an application sends as C(CloudFront-Key-Pair-Id)
    in signed cookies.
  - CloudFront cannot change the key material of a public key, only its comment. When a key called O(name)
    exists with another key than O(public_key_pem), the module fails and changes nothing; upload the new key
    under a new name (for example one derived from the key's fingerprint, RV(public_key.fingerprint_sha256)).
  - A second identical run makes only the list call; the key is read with its ETag and updated with
    C(IfMatch) only when the comment differs.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description:
      - Name of the public key (unique in the account). 1 to 128 letters, digits, hyphens and underscores.
    type: str
    required: true
  state:
    description: Whether the public key should exist.
    type: str
    choices: [present, absent]
    default: present
  public_key_pem:
    description:
      - The public key, PEM-encoded (a C(-----BEGIN PUBLIC KEY-----) block, as written by
        C(openssl rsa -pubout)); a PKCS#1 C(-----BEGIN RSA PUBLIC KEY-----) block is accepted too.
      - It must be an RSA key of exactly 2048 bits, the key CloudFront's developer guide asks for
        (see the link below). The key is checked before any call to AWS.
      - Never give the private key here; the module refuses any text that contains C(PRIVATE KEY), whatever
        O(state), without quoting it and with the value masked in the task result.
      - Required when O(state=present); ignored when O(state=absent).
    type: str
  comment:
    description:
      - Comment (at most 128 characters). When not set, an existing comment is left as it is (and a new key
        gets none).
    type: str
notes:
  - Deleting a public key that a key group still lists fails with C(PublicKeyInUse); remove it from the key
    group first (M(storytime.video_infra.cloudfront_key_group)).
  - CloudFront also accepts ECDSA P-256 keys for signed URLs and signed cookies; this module accepts RSA 2048-bit
    keys only.
  - >-
    Why this module: amazon.aws 11.4.0 and community.aws 11.2.0 have no module for CloudFront public keys.
seealso:
  - name: Create key pairs for your signers (CloudFront developer guide)
    description: The key requirements (SSH-2 RSA, base64-encoded PEM, 2048 bits) and how to create a key pair.
    link: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html#private-content-creating-cloudfront-key-pairs
  - name: Rotating key pairs
    description: Add the new public key to the key group before removing the old one.
    link: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html#private-content-rotating-key-pairs
  - module: storytime.video_infra.cloudfront_key_group
requirements:
  - cryptography
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Public key for the signed playback cookies, named after its fingerprint
  vars:
    signing_public_key: "{{ lookup('ansible.builtin.file', 'files/hls-signing-prod.pub.pem') }}"
  storytime.video_infra.cloudfront_public_key:
    name: "storytime-hls-prod-{{ (signing_public_key | storytime.video_infra.public_key_fingerprint)[:16] }}"
    public_key_pem: "{{ signing_public_key }}"
    comment: Signs playback cookies of storytime-hls-prod
  register: hls_public_key

- name: The ID Rails sends as CloudFront-Key-Pair-Id
  ansible.builtin.debug:
    msg: "{{ hls_public_key.public_key.id }}"

- name: Delete an old key (after it was removed from the key group)
  storytime.video_infra.cloudfront_public_key:
    name: storytime-hls-prod-0a1b2c3d4e5f6a7b
    state: absent
"""

RETURN = r"""
public_key:
  description: The public key after the task (predicted in check mode; its id is unknown then).
  returned: when O(state=present)
  type: complex
  contains:
    id:
      description:
        - ID of the public key. Signed URLs and signed cookies name it as C(Key-Pair-Id) /
          C(CloudFront-Key-Pair-Id). V(null) in check mode when the key would be created.
      type: str
      returned: always
      sample: K2JCJMDEHXQW5F
    name:
      description: Name.
      type: str
      returned: always
      sample: storytime-hls-prod-3f0c9b1d2a4e5f60
    comment:
      description: Comment (empty when there is none).
      type: str
      returned: always
      sample: Signs playback cookies of storytime-hls-prod
    created_time:
      description: When the key was uploaded, ISO 8601. V(null) in check mode when the key would be created.
      type: str
      returned: always
      sample: "2025-01-31T10:15:42.123000+00:00"
    encoded_key:
      description: The public key as CloudFront holds it (PEM).
      type: str
      returned: always
      sample: "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA...\n-----END PUBLIC KEY-----\n"
    fingerprint_sha256:
      description: Hex SHA-256 of the key's DER-encoded SubjectPublicKeyInfo.
      type: str
      returned: always
      sample: 3f0c9b1d2a4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c4d5e6f7
"""

import hashlib
import re

from ansible.module_utils.basic import missing_required_lib
from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront as cf
from ansible_collections.storytime.video_infra.plugins.module_utils import public_keys
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result

NAME_PATTERN = re.compile(r"^[0-9A-Za-z_-]{1,128}$")
MAX_COMMENT = 128
PRIVATE_KEY_MESSAGE = (
    "public_key_pem contains a private key (a PEM 'PRIVATE KEY' block); give only the public key (for example"
    " the output of 'openssl rsa -pubout'). The private key belongs only with the application that signs the"
    " cookies; consider the one given here exposed and replace it."
)


def fingerprint_or_none(pem):
    """Fingerprint of a PEM CloudFront holds; ``None`` when it does not parse as an RSA 2048-bit key."""
    try:
        return public_keys.fingerprint(pem or "")
    except ValueError:
        return None


def same_key(encoded_key, given_pem, given_fingerprint):
    """Whether CloudFront's EncodedKey is the key given: same DER, whatever the PEM layout."""
    existing = fingerprint_or_none(encoded_key)
    if existing is None:
        return "".join((encoded_key or "").split()) == "".join(given_pem.split())
    return existing == given_fingerprint


def caller_reference(name, key_fingerprint):
    """Deterministic, so that a retried create is recognised by CloudFront as the same request."""
    return "storytime-" + hashlib.sha256(f"{name}\n{key_fingerprint}".encode()).hexdigest()[:40]


def state_of(public_key_id, created_time, config):
    """Flat state from a PublicKeySummary (``config`` is the summary itself) or a PublicKey's PublicKeyConfig."""
    return {
        "Id": public_key_id,
        "CreatedTime": created_time,
        "Name": config["Name"],
        "EncodedKey": config["EncodedKey"],
        "Comment": config.get("Comment") or "",
        "CallerReference": config.get("CallerReference"),
    }


def to_result(state):
    created = state["CreatedTime"]
    return {
        "id": state["Id"],
        "name": state["Name"],
        "comment": state["Comment"],
        "created_time": created.isoformat() if hasattr(created, "isoformat") else created,
        "encoded_key": state["EncodedKey"],
        "fingerprint_sha256": fingerprint_or_none(state["EncodedKey"]),
    }


def find(client, name):
    """The summary of the public key called ``name`` (it carries EncodedKey and Comment), or ``None``."""
    summaries = cf.list_all("list public keys", client.list_public_keys, "PublicKeyList")
    matches = [s for s in summaries if s["Name"] == name]
    return matches[0] if matches else None


def ensure_present(module, client):
    params = module.params
    name = params["name"]
    summary = find(client, name)
    adopted = False
    if summary is None:
        config = {
            "CallerReference": caller_reference(name, public_keys.fingerprint(params["public_key_pem"])),
            "Name": name,
            "EncodedKey": public_keys.canonical_pem(params["public_key_pem"]),
        }
        if params["comment"]:
            config["Comment"] = params["comment"]
        if module.check_mode:
            return present_result("public_key", True, None, to_result(state_of(None, None, config)))
        created, found = cf.create_or_adopt(
            lambda: cf.call(f"create public key {name}", client.create_public_key, PublicKeyConfig=config)["PublicKey"],
            lambda: find(client, name),
            "PublicKeyAlreadyExists",
        )
        if created:
            return present_result(
                "public_key", True, None, to_result(state_of(found["Id"], found.get("CreatedTime"), config))
            )
        summary, adopted = found, True  # converged below like any existing one; reported as created

    key_id = summary["Id"]
    given_pem = params["public_key_pem"]
    if not same_key(summary.get("EncodedKey"), given_pem, public_keys.fingerprint(given_pem)):
        raise cf.CloudFrontError(
            f"Public key {name} ({key_id}) exists with a different key than public_key_pem. CloudFront cannot change"
            " the key of a public key (only its comment); upload the new key under a new name (for example one"
            " derived from its fingerprint), add it to the key group, and delete the old key once no signed"
            " cookie uses it any more."
        )

    def desired_from(current):
        desired = dict(current)
        if params["comment"] is not None:
            desired["Comment"] = params["comment"]
        return desired

    def differs(current, desired):
        return current["Comment"] != desired["Comment"]

    def read():
        response = cf.call(f"get public key {key_id}", client.get_public_key, Id=key_id)
        public_key = response["PublicKey"]
        return state_of(key_id, public_key.get("CreatedTime"), public_key["PublicKeyConfig"]), response["ETag"]

    def write(desired, etag):
        # Only Comment may change; CallerReference, Name and EncodedKey go back exactly as read.
        config = {k: desired[k] for k in ("CallerReference", "Name", "EncodedKey", "Comment")}
        response = cf.call(
            f"update public key {key_id}", client.update_public_key, Id=key_id, IfMatch=etag, PublicKeyConfig=config
        )
        public_key = response["PublicKey"]
        return state_of(key_id, public_key.get("CreatedTime"), public_key["PublicKeyConfig"])

    # The list summary holds the key and the comment: nothing but the list call when nothing changes.
    current = state_of(key_id, summary.get("CreatedTime"), summary)
    changed, before, after = cf.update_existing(module, current, desired_from, differs, read=read, write=write)
    return present_result("public_key", changed or adopted, None if adopted else to_result(before), to_result(after))


def ensure_absent(module, client):
    name = module.params["name"]
    summary = find(client, name)
    if summary is None:
        return {"changed": False}
    key_id = summary["Id"]
    before = to_result(state_of(key_id, summary.get("CreatedTime"), summary))
    if not module.check_mode:
        cf.delete_with_etag(
            f"public key {name} ({key_id})",
            client.get_public_key,
            client.delete_public_key,
            key_id,
            in_use_codes=["PublicKeyInUse"],
            in_use_message=f"Public key {name} ({key_id}) is still listed in a key group; remove it from the key"
            " group first (storytime.video_infra.cloudfront_key_group with public_key_ids without it).",
        )
    return {"changed": True, "diff": {"before": before, "after": {}}}


def validate(module):
    """Checks made before any AWS client exists; messages name the option and never quote the key."""
    params = module.params
    pem = params["public_key_pem"]
    if pem is not None and "PRIVATE KEY" in pem:
        # Mask the private key wherever it would appear in the result (e.g. the invocation arguments).
        module.no_log_values.add(pem)
        module.fail_json(msg=PRIVATE_KEY_MESSAGE)
    if not NAME_PATTERN.match(params["name"]):
        module.fail_json(msg="name must be 1 to 128 letters, digits, hyphens or underscores")
    if params["comment"] is not None and len(params["comment"]) > MAX_COMMENT:
        module.fail_json(msg=f"comment must be at most {MAX_COMMENT} characters long")
    if params["state"] != "present":
        return
    if not public_keys.HAS_CRYPTOGRAPHY:
        module.fail_json(msg=missing_required_lib("cryptography"))
    problem = public_keys.pem_problem(pem)
    if problem:
        module.fail_json(msg=f"public_key_pem {problem}")


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        public_key_pem=dict(type="str", no_log=False),
        comment=dict(type="str"),
    )
    module = StorytimeAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["public_key_pem"])],
        supports_check_mode=True,
    )
    validate(module)
    cf.run_module(module, ensure_present, ensure_absent)


if __name__ == "__main__":
    main()
