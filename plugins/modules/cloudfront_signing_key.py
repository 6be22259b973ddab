#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_signing_key
version_added: 0.1.0
short_description: Keep a CloudFront signing key pair in a Secrets Manager secret
description:
  - >-
    Keeps the key pair that signs CloudFront cookies in a Secrets Manager secret as JSON
    C({"key_pair_id": "<CloudFront public key ID>", "private_key_pem": "<PKCS#8 PEM>"}), so that an application
    always reads a private key together with the ID of its public half.
  - B(Generate) (no O(private_key_pem)), for environments whose secret the collection may manage. When the secret
    has no valid key pair yet, an RSA 2048 key pair is generated in memory, its public half is registered as a
    CloudFront public key named C(<public_key_name_prefix>-<first 16 hex of its SHA-256 fingerprint>), and the pair
    is written to the secret. When the secret already holds a key pair whose public key exists in CloudFront,
    nothing changes; if that public key was deleted, it is registered again and the secret updated.
  - B(Inject) (O(private_key_pem) given), for environments where the value comes from outside. The key must be RSA
    with at least 2048 bits and its public half must be one of the public keys of the key group O(key_group_name);
    the pair is then written to the secret. The secret's current value is never read in this mode; each value is
    written as a version whose ID is derived from the value, so writing the same pair again is recognised from the
    secret's metadata alone.
  - The private key never leaves the module process, is never written to disk and never appears in the result.
author:
  - Storytime infrastructure team (@storytime)
options:
  secret_id:
    description: Name or ARN of the secret; it must exist (the secrets role creates it).
    type: str
    required: true
  public_key_name_prefix:
    description: Prefix of the name of a generated CloudFront public key. Required to generate.
    type: str
  public_key_comment:
    description: Comment of a generated CloudFront public key.
    type: str
    default: Signs CloudFront cookies; private half in Secrets Manager
  private_key_pem:
    description:
      - The private key to inject (PEM, PKCS#1 or PKCS#8, unencrypted). Selects inject mode.
    type: str
  key_group_name:
    description: The key group that must contain the public half of O(private_key_pem). Required to inject.
    type: str
notes:
  - Generate mode reads the secret's value (that is how it knows whether a key pair exists); use it only where the
    collection is allowed to read the secret. Inject mode never reads it.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Generate the dev signing key pair when there is none
  storytime.video_infra.cloudfront_signing_key:
    secret_id: storytime/dev/cloudfront_private_key
    public_key_name_prefix: storytime-dev
  register: signing_key

- name: Inject the prod private key (its public half must already be in the key group)
  storytime.video_infra.cloudfront_signing_key:
    secret_id: storytime/prod/cloudfront_private_key
    private_key_pem: "{{ lookup('ansible.builtin.file', '/secure/cloudfront_private_key.pem') }}"
    key_group_name: storytime-prod-hls-signers
  no_log: true
"""

RETURN = r"""
signing_key:
  description: The key pair now in the secret, without its private half.
  returned: always
  type: complex
  contains:
    key_pair_id:
      description:
        - ID of the CloudFront public key (the C(CloudFront-Key-Pair-Id) cookie value).
        - Null in check mode for a key that would be generated.
      type: str
      sample: K2JCJMDEHXQW5F
    public_key_name:
      description:
        - Name of the CloudFront public key.
        - >-
          In check mode, for a key that would be generated, V(<public_key_name_prefix>-(generated\)): the fingerprint
          in the real name is only known once the key exists. A task that takes the key by name, such as
          O(storytime.video_infra.cloudfront_key_group#module:public_key_names), predicts it as a key this run
          creates.
      type: str
      sample: storytime-dev-3f0c9b1d8e2a4c71
    public_key_pem:
      description: The public half (PEM).
      type: str
    fingerprint_sha256:
      description:
        - SHA-256 of the public key's DER encoding.
        - Null in check mode for a key that would be generated.
      type: str
    generated:
      description: Whether this run generated the key pair.
      type: bool
secret_arn:
  description: ARN of the secret.
  returned: always
  type: str
"""

from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront as cf
from ansible_collections.storytime.video_infra.plugins.module_utils import public_keys
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import Secret
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import load_private_key
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import new_private_key
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import private_pem
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import public_key_name
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import public_pem
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import register
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import registered_key
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import secret_string_of
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import stored_pair
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import value_and_version
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import version_id

ANOTHER_RUN = (
    "The secret {secret} changed while this run stored a new signing key: another run is in progress."
    " Let it finish, then run again."
)


def result_of(key_pair_id, name, pem, generated):
    return {
        "key_pair_id": key_pair_id,
        "public_key_name": name,
        "public_key_pem": pem,
        "fingerprint_sha256": public_keys.fingerprint(pem) if pem else None,
        "generated": generated,
    }


def generated_name(prefix):
    """In check mode, the name of the public key this run would generate (its fingerprint is not known yet)."""
    return f"{prefix}-(generated)"


def generate(module, client, secret, current):
    """``current``: the secret's ``(value, version ID)`` as this run read it."""
    params = module.params
    prefix = params["public_key_name_prefix"]
    value, version = current
    pair = stored_pair(value)
    if pair is not None:
        key_pair_id, key = pair
        pem = public_pem(key)
        name = public_key_name(prefix, pem)
        # key_pair_id None: a run stopped between keeping the private key and registering its public half.
        registered = registered_key(client, key_pair_id) if key_pair_id else None
        if registered is not None:
            if public_keys.fingerprint(registered["PublicKeyConfig"]["EncodedKey"]) != public_keys.fingerprint(pem):
                raise cf.CloudFrontError(
                    f"The secret {secret.secret_id} names CloudFront public key {key_pair_id}, but that key does not"
                    " match the private key in the secret. Fix or clear the secret's value."
                )
            return {
                "changed": False,
                "signing_key": result_of(key_pair_id, registered["PublicKeyConfig"]["Name"], pem, False),
            }
        # The public half was deleted out of band, or never registered (see below): register it (adopting the
        # key when an earlier attempt did) and point the secret at it.
        if module.check_mode:
            return {"changed": True, "signing_key": result_of(None, name, pem, False)}
        key_pair_id = register(client, name, pem, params["public_key_comment"])
        secret.put(secret_string_of(key_pair_id, key))
        return {"changed": True, "signing_key": result_of(key_pair_id, name, pem, False)}

    if module.check_mode:
        return {"changed": True, "signing_key": result_of(None, generated_name(prefix), None, True)}
    key = new_private_key()
    pem = public_pem(key)
    name = public_key_name(prefix, pem)
    # The private half is kept before the public half is registered: a run stopped in between leaves a pending
    # pair (no key_pair_id) that the next run completes, never a public key whose private half is lost. Two runs
    # that generate at once both claim the succession of the same version, and only one claim is accepted.
    claimed = secret.claim_succession(secret_string_of(None, key), version)
    if not claimed or not holds(secret, None, key):
        if stored_pair(secret.current_value()) is None:
            raise cf.CloudFrontError(ANOTHER_RUN.format(secret=secret.secret_id))
        # Another run kept its own key first: complete that one rather than race it.
        return dict(generate(module, client, secret, secret.current()), changed=True)
    key_pair_id = register(client, name, pem, params["public_key_comment"])
    secret.put(secret_string_of(key_pair_id, key))
    if not holds(secret, key_pair_id, key):
        # Another run stored its own key in between: ours is in no key group yet, so remove it and say so.
        cf.delete_with_etag(f"public key {key_pair_id}", client.get_public_key, client.delete_public_key, key_pair_id)
        raise cf.CloudFrontError(ANOTHER_RUN.format(secret=secret.secret_id))
    return {"changed": True, "signing_key": result_of(key_pair_id, name, pem, True)}


def holds(secret, key_pair_id, key):
    """Whether the secret's current value is the pair ``(key_pair_id, key)`` (read back after writing it)."""
    pair = stored_pair(secret.current_value())
    return pair is not None and pair[0] == key_pair_id and private_pem(pair[1]) == private_pem(key)


def inject(module, client, secret, metadata):
    params = module.params
    key = load_private_key(params["private_key_pem"])
    pem = public_pem(key)
    fingerprint = public_keys.fingerprint(pem)
    group = cf.find_key_group(client, params["key_group_name"])
    if group is None:
        raise cf.CloudFrontError(f"Key group {params['key_group_name']} does not exist.")
    key_pair_id, name = None, None
    for candidate in group["KeyGroupConfig"]["Items"]:
        registered = registered_key(client, candidate)
        if registered and public_keys.fingerprint(registered["PublicKeyConfig"]["EncodedKey"]) == fingerprint:
            key_pair_id, name = candidate, registered["PublicKeyConfig"]["Name"]
            break
    if key_pair_id is None:
        raise cf.CloudFrontError(
            f"private_key_pem: its public half (SHA-256 {fingerprint[:16]}...) is not a key of key group"
            f" {params['key_group_name']}. Add the public key to cloudfront_hls_public_keys and run site.yml first;"
            " the secret was not changed."
        )
    secret_string = secret_string_of(key_pair_id, key)
    stages = metadata.get("VersionIdsToStages") or {}
    if "AWSCURRENT" in stages.get(version_id(secret_string), []):
        return {"changed": False, "signing_key": result_of(key_pair_id, name, pem, False)}
    if not module.check_mode:
        secret.put(secret_string)
    return {"changed": True, "signing_key": result_of(key_pair_id, name, pem, False)}


def main():
    argument_spec = dict(
        secret_id=dict(type="str", required=True),
        public_key_name_prefix=dict(type="str"),
        public_key_comment=dict(type="str", default="Signs CloudFront cookies; private half in Secrets Manager"),
        private_key_pem=dict(type="str", no_log=True),
        key_group_name=dict(type="str"),
    )
    module = StorytimeAWSModule(
        argument_spec=argument_spec,
        required_by={"private_key_pem": ["key_group_name"]},
        supports_check_mode=True,
    )
    if not public_keys.HAS_CRYPTOGRAPHY:  # pragma: no cover
        module.fail_json(msg="The Python library 'cryptography' is required on the host running this module.")
    params = module.params
    if params["private_key_pem"] is None and not params["public_key_name_prefix"]:
        module.fail_json(msg="public_key_name_prefix is required to generate a key pair (no private_key_pem given).")
    if params["private_key_pem"] is not None:
        try:
            load_private_key(params["private_key_pem"])
        except ValueError as e:
            module.fail_json(msg=f"private_key_pem {e}; the secret was not changed.")
    client = cf.cloudfront_client(module)
    try:
        secret = Secret(module, params["secret_id"])
        generating = params["private_key_pem"] is None
        # Generating reads the value, and GetSecretValue answers with the ARN too: DescribeSecret is needed only when
        # there is no value (a secret without one, or no secret). Injecting never reads the value.
        answer = secret.read() if generating else None
        metadata = answer or secret.describe()
        if metadata is None:
            if module.check_mode and generating:
                # A check run on a fresh account: the secrets role would have created the secret first.
                predicted = result_of(None, generated_name(params["public_key_name_prefix"]), None, True)
                module.exit_json(changed=True, signing_key=predicted, secret_arn=None)
            raise cf.CloudFrontError(f"Secret {params['secret_id']} does not exist; create it first (secrets role).")
        if generating:
            result = generate(module, client, secret, value_and_version(answer))
        else:
            result = inject(module, client, secret, metadata)
    except cf.CloudFrontError as e:
        module.fail_json_aws_error(e)
    result["secret_arn"] = metadata["ARN"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
