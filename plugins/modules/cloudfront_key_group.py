#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_key_group
version_added: 0.1.0
short_description: Manage a CloudFront key group
description:
  - Creates, updates or deletes a CloudFront key group, the list of public keys whose private keys may sign
    URLs and cookies for the cache behaviours that trust the group.
  - The key group is found by O(name), which CloudFront keeps unique per account.
  - A second identical run makes only the list call; the key group is read with its ETag and updated with
    C(IfMatch) only when its public keys or its comment differ. An update replaces the whole configuration.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description: Name of the key group (unique in the account).
    type: str
    required: true
  state:
    description: Whether the key group should exist.
    type: str
    choices: [present, absent]
    default: present
  public_key_ids:
    description:
      - IDs of the public keys in the group (RV(storytime.video_infra.cloudfront_public_key#module:public_key.id)),
        distinct IDs. Their order does not matter.
      - Together with O(public_key_names), 1 to 5 keys (a key given both by ID and by name counts once).
      - With O(purge_public_keys=true) the group is set to exactly these keys. To rotate a signing key without
        breaking live cookies, first list both the old and the new key, and remove the old one only after every
        cookie signed with it has expired.
      - O(public_key_ids) or O(public_key_names) is required when O(state=present).
    type: list
    elements: str
  public_key_names:
    description:
      - Names of public keys in the group, looked up with one C(ListPublicKeys) call; they add to O(public_key_ids).
      - >-
        A name that does not exist fails the task, naming the option and the name. In check mode it does not fail,
        since an earlier task of the same run would create the key; the predicted RV(key_group.public_key_ids) then
        hold V((created by this run: public key <name>\)) for it.
    type: list
    elements: str
    version_added: 0.2.0
  delete_public_keys:
    description:
      - With O(state=absent), also delete the public keys the group held, once the group is gone. A key that
        another key group still uses is kept (with a warning). The teardown playbook uses this.
    type: bool
    default: false
    version_added: 0.1.0
  purge_public_keys:
    description:
      - Whether keys in the group that neither O(public_key_ids) nor O(public_key_names) lists are removed.
      - V(false) only adds the listed keys and keeps the others; the group must still fit 5 keys.
      - With V(true), keys the collection created itself are kept too when O(own_public_key_name_prefix) is
        set (see there). The C(cloudfront_hls) role uses this, so that C(site.yml) removes a key added out of
        band but never a key that C(playbooks/rotate_cloudfront_key.yml) keeps for its grace period.
    type: bool
    default: true
    version_added: 0.1.0
  own_public_key_name_prefix:
    description:
      - With O(purge_public_keys=true), a key of the group that O(public_key_ids) and O(public_key_names) do not list
        is kept when
        its name is C(<own_public_key_name_prefix>-<first 16 hex digits of the SHA-256 fingerprint of its own
        encoded key>), the name the collection gives every public key it creates (inventory keys, the generated
        key, keys a rotation staged). Any other key is removed from the group (the public key itself is not
        deleted, since it is not the collection's).
      - Each unlisted key costs one C(GetPublicKey) call; a group holding only listed keys costs none.
      - A key created out of band under such a name for its own key material passes as the collection's; this
        catches keys added by hand or by other tools, not someone who imitates the collection on purpose (that
        principal could as well write the key group's keys itself).
    type: str
    version_added: 0.2.0
  comment:
    description:
      - Comment (at most 128 characters). When not set, an existing comment is left as it is (and a new key
        group gets none).
    type: str
notes:
  - Deleting a key group that a distribution still trusts fails with C(ResourceInUse); remove it from the
    trusted key groups of the distribution's cache behaviours first.
  - CloudFront refuses a key group that names a public key which does not exist (C(InvalidArgument)); check mode
    does not detect this.
  - >-
    Why this module: amazon.aws 11.4.0 and community.aws 11.2.0 have no module for CloudFront key groups.
seealso:
  - name: Specify signers that can create signed URLs and signed cookies
    description: Trusted key groups, quotas and key rotation.
    link: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html
  - module: storytime.video_infra.cloudfront_public_key
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Key group trusted by the HLS playback behaviour
  storytime.video_infra.cloudfront_key_group:
    name: storytime-hls-prod
    public_key_ids:
      - "{{ hls_public_key.public_key.id }}"
    comment: Keys that sign storytime-hls-prod playback cookies
  register: hls_key_group

- name: Key group of keys given by name (created by earlier tasks; predicted in check mode)
  storytime.video_infra.cloudfront_key_group:
    name: storytime-hls-prod
    public_key_names:
      - storytime-prod-3f0c9b1d8e2a4c71
    own_public_key_name_prefix: storytime-prod

- name: Key rotation, step 1 - trust the old and the new key
  storytime.video_infra.cloudfront_key_group:
    name: storytime-hls-prod
    public_key_ids:
      - "{{ old_public_key.public_key.id }}"
      - "{{ new_public_key.public_key.id }}"

- name: Exactly these keys, and the keys the collection created for the group (a rotation's previous key)
  storytime.video_infra.cloudfront_key_group:
    name: storytime-hls-prod
    public_key_ids:
      - "{{ current_public_key.public_key.id }}"
    own_public_key_name_prefix: storytime-prod

- name: Make sure the current key is trusted, keeping any key a rotation still needs
  storytime.video_infra.cloudfront_key_group:
    name: storytime-hls-prod
    public_key_ids:
      - "{{ current_public_key.public_key.id }}"
    purge_public_keys: false

- name: Delete the key group (after no cache behaviour trusts it any more)
  storytime.video_infra.cloudfront_key_group:
    name: storytime-hls-prod
    state: absent
"""

RETURN = r"""
deleted_public_key_ids:
  description: Public keys deleted with the group (predicted in check mode).
  returned: when O(state=absent) and O(delete_public_keys=true) and the group existed
  type: list
  elements: str
  sample: [K2JCJMDEHXQW5F]
key_group:
  description: The key group after the task (predicted in check mode; its id is unknown then).
  returned: when O(state=present)
  type: complex
  contains:
    id:
      description:
        - ID to list in a cache behaviour's trusted key groups. V(null) in check mode when the key group would be
          created.
      type: str
      returned: always
      sample: 2b8e0f1a-3c4d-4e5f-8a9b-0c1d2e3f4a5b
    name:
      description: Name.
      type: str
      returned: always
      sample: storytime-hls-prod
    comment:
      description: Comment (empty when there is none).
      type: str
      returned: always
      sample: Keys that sign storytime-hls-prod playback cookies
    public_key_ids:
      description:
        - IDs of the public keys in the group, sorted.
        - >-
          In check mode, a key of O(public_key_names) that does not exist yet appears as
          V((created by this run: public key <name>\)).
      type: list
      elements: str
      returned: always
      sample: [K2JCJMDEHXQW5F, K3QWERTYUIOP12]
    last_modified_time:
      description:
        - When the key group was last changed, ISO 8601. V(null) in check mode when the key group would be
          created or changed.
      type: str
      returned: always
      sample: "2025-01-31T10:15:42.123000+00:00"
"""

from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront as cf
from ansible_collections.storytime.video_infra.plugins.module_utils import public_keys
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result

MAX_KEYS = 5
MAX_COMMENT = 128


def state_of(key_group):
    config = key_group["KeyGroupConfig"]
    return {
        "Id": key_group.get("Id"),
        "LastModifiedTime": key_group.get("LastModifiedTime"),
        "Name": config["Name"],
        "Items": list(config.get("Items") or []),
        "Comment": config.get("Comment") or "",
    }


def config_of(state):
    """The KeyGroupConfig to send: UpdateKeyGroup replaces the whole configuration."""
    config = {"Name": state["Name"], "Items": list(state["Items"])}
    if state["Comment"]:
        config["Comment"] = state["Comment"]
    return config


def own_key_checker(client, prefix):
    """``is_own(key_id)``: whether the public key carries the name the collection gives its keys (cached)."""
    seen = {}

    def is_own(key_id):
        if key_id not in seen:
            response = cf.call_or_none(f"get public key {key_id}", client.get_public_key, Id=key_id)
            config = response["PublicKey"]["PublicKeyConfig"] if response else None
            seen[key_id] = bool(
                config and config.get("Name") == f"{prefix}-{public_keys.fingerprint(config['EncodedKey'])[:16]}"
            )
        return seen[key_id]

    return is_own


def listed_key_ids(params, ids):
    """The IDs of the keys the caller lists: the keys of O(public_key_names) resolved by ``ids`` (a
    :class:`~cloudfront.IdsByName`), then O(public_key_ids), each key once (in that order in a new group)."""
    wanted = []
    named = [ids.resolve("public key", name, "public_key_names") for name in params["public_key_names"] or []]
    for key_id in named + list(params["public_key_ids"] or []):
        if key_id not in wanted:
            wanted.append(key_id)
    if len(wanted) > MAX_KEYS:
        raise cf.CloudFrontError(
            f"public_key_ids and public_key_names list {len(wanted)} distinct public keys; a key group holds at most"
            f" {MAX_KEYS}."
        )
    return wanted


def desired_from(params, listed, current, is_own=None):
    """The key group the caller wants, from ``current``: the ``listed`` key IDs (and, by O(purge_public_keys) and
    ``is_own``, the current keys that stay)."""
    desired = dict(current)
    wanted = list(listed)
    if not params["purge_public_keys"]:
        wanted = list(current["Items"]) + [key_id for key_id in wanted if key_id not in current["Items"]]
    elif is_own is not None:
        # Keys of the collection that the caller does not list (a rotation's previous key) stay, in place.
        wanted = [key_id for key_id in current["Items"] if key_id in wanted or is_own(key_id)] + [
            key_id for key_id in wanted if key_id not in current["Items"]
        ]
    if len(wanted) > MAX_KEYS:
        added = [key_id for key_id in wanted if key_id not in current["Items"]]
        raise cf.CloudFrontError(
            f"Key group {current['Name']} would hold {len(wanted)} public keys (it has {', '.join(current['Items'])};"
            f" adding {', '.join(added)}); CloudFront allows {MAX_KEYS}. Retire old keys first"
            " (playbooks/rotate_cloudfront_key.yml -e rotate_phase=retire)."
        )
    desired["Items"] = wanted
    if params["comment"] is not None:
        desired["Comment"] = params["comment"]
    # Unknown until CloudFront has made the change.
    desired["LastModifiedTime"] = None
    return desired


def differs(current, desired):
    return set(current["Items"]) != set(desired["Items"]) or current["Comment"] != desired["Comment"]


def to_result(state):
    modified = state["LastModifiedTime"]
    return {
        "id": state["Id"],
        "name": state["Name"],
        "comment": state["Comment"],
        "public_key_ids": sorted(state["Items"]),
        "last_modified_time": modified.isoformat() if hasattr(modified, "isoformat") else modified,
    }


def ensure_present(module, client):
    params = module.params
    name = params["name"]
    # Names become IDs first (one ListPublicKeys, only when names are given); in check mode a missing one is
    # predicted, since an earlier task of the run would create it.
    listed = listed_key_ids(params, cf.IdsByName(client, module.check_mode))
    found = cf.find_key_group(client, name)
    adopted = False
    if found is None:
        state = {
            "Id": None,
            "LastModifiedTime": None,
            "Name": name,
            "Items": listed,
            "Comment": params["comment"] or "",
        }
        if module.check_mode:
            return present_result("key_group", True, None, to_result(state))
        created, found = cf.create_or_adopt(
            lambda: cf.call(f"create key group {name}", client.create_key_group, KeyGroupConfig=config_of(state))[
                "KeyGroup"
            ],
            lambda: cf.find_key_group(client, name),
            "KeyGroupAlreadyExists",
        )
        if created:
            return present_result("key_group", True, None, to_result(state_of(found)))
        adopted = True  # converged below like any existing one; reported as created

    group_id = found["Id"]

    def read():
        response = cf.call(f"get key group {group_id}", client.get_key_group, Id=group_id)
        return state_of(response["KeyGroup"]), response["ETag"]

    def write(desired, etag):
        response = cf.call(
            f"update key group {group_id}",
            client.update_key_group,
            Id=group_id,
            IfMatch=etag,
            KeyGroupConfig=config_of(desired),
        )
        return state_of(response["KeyGroup"])

    prefix = params["own_public_key_name_prefix"]
    is_own = own_key_checker(client, prefix) if prefix else None
    # The list holds the whole KeyGroupConfig: nothing but the list call when nothing changes (and one
    # GetPublicKey per key the caller does not list, to tell the collection's keys from foreign ones).
    changed, before, after = cf.update_existing(
        module, state_of(found), lambda cur: desired_from(params, listed, cur, is_own), differs, read=read, write=write
    )
    return present_result("key_group", changed or adopted, None if adopted else to_result(before), to_result(after))


def ensure_absent(module, client):
    name = module.params["name"]
    found = cf.find_key_group(client, name)
    if found is None:
        return {"changed": False}
    group_id = found["Id"]
    before = to_result(state_of(found))
    result = {"changed": True, "diff": {"before": before, "after": {}}}
    if module.params["delete_public_keys"]:
        result["deleted_public_key_ids"] = sorted(before["public_key_ids"])
    if module.check_mode:
        return result
    cf.delete_with_etag(
        f"key group {name} ({group_id})",
        client.get_key_group,
        client.delete_key_group,
        group_id,
        in_use_codes=["ResourceInUse"],
        in_use_message=f"Key group {name} ({group_id}) is still trusted by a distribution; remove it from the"
        " trusted key groups of the distribution's cache behaviours first.",
    )
    if module.params["delete_public_keys"]:
        result["deleted_public_key_ids"] = cf.delete_public_keys(
            module, client, before["public_key_ids"], "Public key {key_id} is used by another key group; it was kept."
        )
    return result


def validate(module):
    """Checks made before any AWS client exists."""
    params = module.params
    if not params["name"]:
        module.fail_json(msg="name must not be empty")
    if params["own_public_key_name_prefix"] is not None and not params["purge_public_keys"]:
        module.fail_json(msg="own_public_key_name_prefix is only meaningful with purge_public_keys=true")
    if params["comment"] is not None and len(params["comment"]) > MAX_COMMENT:
        module.fail_json(msg=f"comment must be at most {MAX_COMMENT} characters long")
    if params["state"] != "present":
        return
    ids = params["public_key_ids"] or []
    names = params["public_key_names"] or []
    if not ids and not names:
        module.fail_json(msg=f"public_key_ids or public_key_names must list 1 to {MAX_KEYS} public keys, got none")
    for option, values, what in (("public_key_ids", ids, "ID"), ("public_key_names", names, "name")):
        if len(values) > MAX_KEYS:
            module.fail_json(msg=f"{option} must list 1 to {MAX_KEYS} public key {what}s, got {len(values)}")
        if any(not value for value in values):
            module.fail_json(msg=f"{option} must not contain empty {what}s")
        duplicates = sorted({value for value in values if values.count(value) > 1})
        if duplicates:
            article = "an" if what == "ID" else "a"
            module.fail_json(msg=f"{option} must not repeat {article} {what}: {', '.join(duplicates)}")


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        purge_public_keys=dict(type="bool", default=True),
        own_public_key_name_prefix=dict(type="str"),
        delete_public_keys=dict(type="bool", default=False),
        public_key_ids=dict(type="list", elements="str", no_log=False),
        public_key_names=dict(type="list", elements="str", no_log=False),
        comment=dict(type="str"),
    )
    module = StorytimeAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["public_key_ids", "public_key_names"], True)],
        supports_check_mode=True,
    )
    validate(module)
    cf.run_module(module, ensure_present, ensure_absent)


if __name__ == "__main__":
    main()
