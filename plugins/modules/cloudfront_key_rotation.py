#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_key_rotation
version_added: 0.1.0
short_description: Replace the CloudFront signing key pair without breaking live signed cookies
description:
  - >-
    Rotates the key pair kept by M(storytime.video_infra.cloudfront_signing_key) in a Secrets Manager secret
    (C({"key_pair_id": ..., "private_key_pem": ...})) in two phases, so that no viewer holding a valid cookie
    is ever refused.
  - >-
    B(stage): generates a new RSA 2048 key pair in memory, registers its public half as a CloudFront public key
    named C(<public_key_name_prefix>-<16 hex of its SHA-256 fingerprint>), adds it to the key group B(beside) the
    current key, waits until the distributions that trust the group are deployed (O(wait)), and only then writes
    the new pair to the secret. From then on the application signs with the new key while cookies signed with
    the old one keep working. Nothing happens while the group still trusts keys other than the current one (a
    rotation is staged and not yet retired), unless O(force=true).
  - >-
    B(retire): once the current key is at least O(grace_seconds) old (its C(CreatedTime) in CloudFront is when the
    rotation switched to it), removes every other key from the key group, waits for the distributions, and deletes
    those public keys. Refused before the grace period has passed, unless O(force=true). Nothing happens when the
    group trusts only the current key.
  - The private key never leaves the module process, is never written to disk and never appears in the result.
    The secret's previous value stays available as its C(AWSPREVIOUS) version.
author:
  - Storytime infrastructure team (@storytime)
options:
  phase:
    description: Which phase to run.
    type: str
    required: true
    choices: [stage, retire]
  secret_id:
    description: Name or ARN of the secret holding the current key pair.
    type: str
    required: true
  key_group_name:
    description: Name of the key group the distributions trust.
    type: str
    required: true
  public_key_name_prefix:
    description: Prefix of the name of the new CloudFront public key. Required when O(phase=stage).
    type: str
  public_key_comment:
    description: Comment of the new CloudFront public key.
    type: str
    default: Signs CloudFront cookies; private half in Secrets Manager
  grace_seconds:
    description:
      - How long after the switch the old keys stay trusted. Set it to at least the longest lifetime of a cookie
        the application signs (plus the time a client may hold a playlist), so no live cookie is cut off.
    type: int
    default: 86400
  force:
    description:
      - O(phase=stage) stages a new key even though older keys are still trusted (for a compromised key; the
        group must still fit 5 keys).
      - O(phase=retire) retires before the grace period has passed. Cookies signed with the old keys stop
        working at once.
    type: bool
    default: false
  protected_public_keys:
    description:
      - >-
        Public keys (PEM) that must not be retired, typically the inventory's C(cloudfront_hls_public_keys).
        C(site.yml) registers and trusts those again, so retiring one is refused with a message to remove it from
        the inventory first.
    type: list
    elements: str
    default: []
  wait:
    description: Wait for the distributions that trust the key group to be deployed after changing the group.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the distributions.
    type: int
    default: 1800
notes:
  - Both phases read the secret's value (to know the current key pair); run them where that is allowed.
  - >-
    CloudFront allows 5 public keys in a key group. C(stage) needs one free place.
seealso:
  - module: storytime.video_infra.cloudfront_signing_key
  - module: storytime.video_infra.cloudfront_key_group
  - name: Rotating key pairs
    description: CloudFront's procedure for replacing the keys behind signed URLs and cookies.
    link: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Stage a new signing key beside the current one and switch the secret to it
  storytime.video_infra.cloudfront_key_rotation:
    phase: stage
    secret_id: storytime/prod/cloudfront_private_key
    key_group_name: storytime-prod-hls-signers
    public_key_name_prefix: storytime-prod
  register: rotation

- name: A day later, retire the old key
  storytime.video_infra.cloudfront_key_rotation:
    phase: retire
    secret_id: storytime/prod/cloudfront_private_key
    key_group_name: storytime-prod-hls-signers
    grace_seconds: 86400
"""

RETURN = r"""
rotation:
  description: The key group's keys before and after the phase (predicted in check mode).
  returned: always
  type: complex
  contains:
    phase:
      description: The phase that ran.
      type: str
      sample: stage
    current_key_pair_id:
      description:
        - ID of the key pair in the secret after the task (the C(CloudFront-Key-Pair-Id) to sign with).
        - Null in check mode when a new key would be staged.
      type: str
      sample: K3QWERTYUIOP12
    current_public_key_pem:
      description:
        - Public half (PEM) of the current key pair; null when RV(rotation.current_key_pair_id) is.
        - Where the inventory lists the signing keys (prod), this replaces the retiring key in
          C(cloudfront_hls_public_keys) before O(phase=retire).
      type: str
    previous_key_pair_id:
      description: ID of the key pair the secret held before the task.
      type: str
      sample: K2JCJMDEHXQW5F
    staged_public_key_name:
      description: Name of the public key staged by this task (null when nothing was staged).
      type: str
      sample: storytime-prod-3f0c9b1d8e2a4c71
    retiring_key_pair_ids:
      description: Keys still trusted beside the current one, waiting for O(phase=retire).
      type: list
      elements: str
    retired_key_pair_ids:
      description: Keys removed from the key group by this task.
      type: list
      elements: str
    deleted_public_key_ids:
      description: Retired public keys that were deleted (a key another key group still uses is kept).
      type: list
      elements: str
    key_group_public_key_ids:
      description: The key group's public keys after the task, sorted.
      type: list
      elements: str
    retire_after:
      description:
        - Earliest time (ISO 8601, UTC) at which O(phase=retire) proceeds without O(force); null when nothing
          waits for retirement.
      type: str
      sample: "2026-11-26T10:15:42+00:00"
    distribution_ids:
      description: Distributions that trust the key group (waited for when O(wait=true)).
      type: list
      elements: str
"""

import datetime

from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront as cf
from ansible_collections.storytime.video_infra.plugins.module_utils import public_keys
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import Secret
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import new_private_key
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import public_key_name
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import public_pem
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import register
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import registered_key
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import secret_string_of
from ansible_collections.storytime.video_infra.plugins.module_utils.signing_keys import stored_pair

MAX_KEYS = 5


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)  # noqa: UP017 (modules may run on Python < 3.11)


def iso(moment):
    return moment.isoformat() if moment is not None else None


class Rotation:
    """The key group, the secret's current pair and the distributions, read once per run."""

    def __init__(self, module, client):
        self.module = module
        self.client = client
        params = module.params
        self.secret = Secret(module, params["secret_id"])
        self.group = cf.find_key_group(client, params["key_group_name"])
        if self.group is None:
            raise cf.CloudFrontError(
                f"Key group {params['key_group_name']} does not exist; run playbooks/site.yml first."
            )
        pair = stored_pair(self.secret.current_value())
        if pair is None:
            raise cf.CloudFrontError(
                f"The secret {params['secret_id']} holds no key pair to rotate from; run playbooks/site.yml (local,"
                " dev) or playbooks/inject_private_key.yml (prod) first."
            )
        self.current_id, self.current_key = pair
        self.items = list(self.group["KeyGroupConfig"]["Items"])
        if self.current_id not in self.items:
            raise cf.CloudFrontError(
                f"The secret's key pair {self.current_id} is not in key group {params['key_group_name']}"
                f" ({', '.join(self.items)}); run playbooks/site.yml first so CloudFront trusts it."
            )
        self.others = [key_id for key_id in self.items if key_id != self.current_id]
        self.distributions = self.find_trusting_distributions()

    def result(self, **values):
        rotation = {
            "phase": self.module.params["phase"],
            "current_key_pair_id": self.current_id,
            "current_public_key_pem": public_pem(self.current_key),
            "previous_key_pair_id": self.current_id,
            "staged_public_key_name": None,
            "retiring_key_pair_ids": sorted(self.others),
            "retired_key_pair_ids": [],
            "deleted_public_key_ids": [],
            "key_group_public_key_ids": sorted(self.items),
            "retire_after": None,
            "distribution_ids": self.distributions,
        }
        rotation.update(values)
        return rotation

    def retire_after(self):
        """When the grace period of the current key ends (from its creation time in CloudFront)."""
        registered = registered_key(self.client, self.current_id)
        if registered is None:
            raise cf.CloudFrontError(f"The secret's public key {self.current_id} does not exist in CloudFront.")
        created = registered["CreatedTime"]
        if created.tzinfo is None:
            created = created.replace(tzinfo=datetime.timezone.utc)  # noqa: UP017 (modules may run on Python < 3.11)
        return created + datetime.timedelta(seconds=self.module.params["grace_seconds"])

    def find_trusting_distributions(self):
        """IDs of the distributions with a cache behaviour that trusts the key group."""
        group_id = self.group["Id"]
        found = []
        for summary in cf.list_all("list distributions", self.client.list_distributions, "DistributionList"):
            behaviours = [summary.get("DefaultCacheBehavior") or {}]
            behaviours += cf.from_cf_list(summary.get("CacheBehaviors"))
            if any(group_id in cf.from_cf_list(b.get("TrustedKeyGroups")) for b in behaviours):
                found.append(summary["Id"])
        return sorted(found)

    def set_items(self, items):
        """Update the key group to ``items`` (ETag cycle), then wait for the distributions."""
        group_id = self.group["Id"]

        def read():
            response = cf.call(f"get key group {group_id}", self.client.get_key_group, Id=group_id)
            return response["KeyGroup"]["KeyGroupConfig"], response["ETag"]

        def desired_from(config):
            wanted = dict(config)
            wanted["Items"] = list(items)
            return wanted

        def differs(config, wanted):
            return set(config.get("Items") or []) != set(wanted["Items"])

        def write(wanted, etag):
            return cf.call(
                f"update key group {group_id}",
                self.client.update_key_group,
                Id=group_id,
                IfMatch=etag,
                KeyGroupConfig=wanted,
            )

        cf.update_with_etag(read, desired_from, differs, write, check_mode=False)
        self.items = list(items)
        self.wait()

    def wait(self):
        params = self.module.params
        if not params["wait"]:
            return
        waiter = self.client.get_waiter("distribution_deployed")
        attempts = max(1, params["wait_timeout"] // 60)
        for dist_id in self.distributions:
            try:
                waiter.wait(Id=dist_id, WaiterConfig={"Delay": 60, "MaxAttempts": attempts})
            except Exception as e:  # botocore WaiterError; the message names the distribution
                raise cf.CloudFrontError(
                    f"Distribution {dist_id} was not deployed within {params['wait_timeout']} s after the key group"
                    " change; the secret was not switched. Run the phase again.",
                    e,
                ) from e


def stage(module, rotation):
    params = module.params
    if rotation.others and not params["force"]:
        module.warn(
            f"A rotation is already staged: key group {params['key_group_name']} still trusts"
            f" {', '.join(rotation.others)} besides the current key {rotation.current_id}. Retire them first"
            " (phase=retire), or stage anyway with force=true."
        )
        return {"changed": False, "rotation": rotation.result(retire_after=iso(rotation.retire_after()))}
    if len(rotation.items) + 1 > MAX_KEYS:
        raise cf.CloudFrontError(
            f"Key group {params['key_group_name']} already holds {len(rotation.items)} public keys; a new one would"
            f" exceed CloudFront's limit of {MAX_KEYS}. Retire old keys first (phase=retire)."
        )
    previous = rotation.current_id
    retiring = sorted(rotation.items)
    grace = datetime.timedelta(seconds=params["grace_seconds"])
    if module.check_mode:
        return {
            "changed": True,
            "rotation": rotation.result(
                current_key_pair_id=None,
                current_public_key_pem=None,
                previous_key_pair_id=previous,
                retiring_key_pair_ids=retiring,
                retire_after=iso(utcnow() + grace),
            ),
        }
    key = new_private_key()
    pem = public_pem(key)
    name = public_key_name(params["public_key_name_prefix"], pem)
    new_id = register(rotation.client, name, pem, params["public_key_comment"])
    # CloudFront must trust the new key (on every edge) before the application can sign with it.
    rotation.set_items([*rotation.items, new_id])
    rotation.secret.put(secret_string_of(new_id, key))
    rotation.current_id = new_id
    rotation.current_key = key
    rotation.others = retiring
    return {
        "changed": True,
        "rotation": rotation.result(
            previous_key_pair_id=previous,
            staged_public_key_name=name,
            retire_after=iso(rotation.retire_after()),
        ),
    }


def retire(module, rotation):
    params = module.params
    if not rotation.others:
        return {"changed": False, "rotation": rotation.result()}
    protected = {public_keys.fingerprint(pem) for pem in params["protected_public_keys"]}
    for key_id in rotation.others:
        registered = registered_key(rotation.client, key_id)
        if registered and public_keys.fingerprint(registered["PublicKeyConfig"]["EncodedKey"]) in protected:
            raise cf.CloudFrontError(
                f"Public key {key_id} ({registered['PublicKeyConfig']['Name']}) is still listed in"
                " cloudfront_hls_public_keys; site.yml would trust it again. Replace it there by the current key's"
                " public half (written by the stage phase to <outputs_dir>/<environment>.cloudfront-public-key.pem)"
                " first; nothing was retired."
            )
    retire_after = rotation.retire_after()
    if utcnow() < retire_after and not params["force"]:
        raise cf.CloudFrontError(
            f"Too early to retire {', '.join(rotation.others)}: cookies signed with them may be valid until"
            f" {iso(retire_after)} (the current key {rotation.current_id} is younger than grace_seconds="
            f"{params['grace_seconds']}). Run retire again after that time, or use force=true to cut them off now."
            " Nothing was changed."
        )
    retired = sorted(rotation.others)
    if module.check_mode:
        return {
            "changed": True,
            "rotation": rotation.result(
                retiring_key_pair_ids=[], retired_key_pair_ids=retired, key_group_public_key_ids=[rotation.current_id]
            ),
        }
    rotation.set_items([rotation.current_id])
    rotation.others = []
    deleted = cf.delete_public_keys(
        module,
        rotation.client,
        retired,
        "Public key {key_id} is used by another key group; it was removed from this group only.",
    )
    return {
        "changed": True,
        "rotation": rotation.result(retired_key_pair_ids=retired, deleted_public_key_ids=deleted),
    }


def main():
    argument_spec = dict(
        phase=dict(type="str", required=True, choices=["stage", "retire"]),
        secret_id=dict(type="str", required=True),
        key_group_name=dict(type="str", required=True),
        public_key_name_prefix=dict(type="str"),
        public_key_comment=dict(type="str", default="Signs CloudFront cookies; private half in Secrets Manager"),
        grace_seconds=dict(type="int", default=86400),
        force=dict(type="bool", default=False),
        protected_public_keys=dict(type="list", elements="str", default=[], no_log=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
    )
    module = StorytimeAWSModule(
        argument_spec=argument_spec,
        required_if=[("phase", "stage", ["public_key_name_prefix"])],
        supports_check_mode=True,
    )
    if not public_keys.HAS_CRYPTOGRAPHY:  # pragma: no cover
        module.fail_json(msg="The Python library 'cryptography' is required on the host running this module.")
    params = module.params
    if params["phase"] == "stage" and not params["public_key_name_prefix"]:
        module.fail_json(msg="public_key_name_prefix is required to stage a new key")
    if params["grace_seconds"] < 0:
        module.fail_json(msg="grace_seconds must not be negative")
    if params["wait_timeout"] < 1:
        module.fail_json(msg="wait_timeout must be at least 1 second")
    for index, pem in enumerate(params["protected_public_keys"]):
        problem = public_keys.pem_problem(pem)
        if problem:
            module.fail_json(msg=f"protected_public_keys[{index}] {problem}")
    client = cf.cloudfront_client(module)
    try:
        rotation = Rotation(module, client)
        result = stage(module, rotation) if params["phase"] == "stage" else retire(module, rotation)
    except StorytimeError as e:
        module.fail_json_aws_error(e)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
