#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudfront_origin_access_control
version_added: 0.1.0
short_description: Manage a CloudFront origin access control
description:
  - Creates, updates or deletes a CloudFront origin access control (OAC), which lets a distribution sign its
    requests to a private origin such as an S3 bucket.
  - The OAC is found by O(name), which CloudFront keeps unique per account.
  - A second identical run makes only the list call; the OAC is read with its ETag and updated with
    C(IfMatch) only when something differs.
author:
  - Storytime infrastructure team (@storytime)
options:
  name:
    description: Name of the origin access control (unique in the account, at most 64 characters).
    type: str
    required: true
  state:
    description: Whether the origin access control should exist.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description. When not set, an existing description is left as it is (and a new OAC gets none).
    type: str
  origin_type:
    description: Type of origin the OAC signs requests to.
    type: str
    choices: [s3, mediastore, mediapackagev2, lambda]
    default: s3
  signing_behavior:
    description:
      - V(always) signs every origin request (the setting for a private S3 bucket); V(never) signs none;
        V(no-override) signs unless the viewer request has an C(Authorization) header.
    type: str
    choices: [always, never, no-override]
    default: always
  signing_protocol:
    description: Signing protocol; CloudFront supports only V(sigv4).
    type: str
    choices: [sigv4]
    default: sigv4
notes:
  - Deleting an OAC that a distribution still uses fails with C(OriginAccessControlInUse); remove it from
    the distribution's origins first.
  - >-
    Why this module: amazon.aws 11.4.0 and community.aws 11.2.0 have no module for CloudFront origin access
    controls (only M(community.aws.cloudfront_origin_access_identity), the legacy OAI).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Origin access control for the HLS bucket
  storytime.video_infra.cloudfront_origin_access_control:
    name: storytime-hls-outputs-prod
    description: CloudFront reads storytime-hls-outputs-prod
    origin_type: s3
    signing_behavior: always
    signing_protocol: sigv4
  register: oac

- name: Delete it (after no distribution uses it any more)
  storytime.video_infra.cloudfront_origin_access_control:
    name: storytime-hls-outputs-prod
    state: absent
"""

RETURN = r"""
origin_access_control:
  description: The origin access control after the task (predicted in check mode; its id is unknown then).
  returned: when O(state=present)
  type: complex
  contains:
    id:
      description: ID to use as C(origin_access_control_id) on a distribution's origin.
      type: str
      returned: always
      sample: E2QWRUHAPOMQZL
    name:
      description: Name.
      type: str
      returned: always
      sample: storytime-hls-outputs-prod
    description:
      description: Description.
      type: str
      returned: always
      sample: CloudFront reads storytime-hls-outputs-prod
    origin_type:
      description: Origin type.
      type: str
      returned: always
      sample: s3
    signing_behavior:
      description: Signing behaviour.
      type: str
      returned: always
      sample: always
    signing_protocol:
      description: Signing protocol.
      type: str
      returned: always
      sample: sigv4
"""

from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront as cf
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result

CONFIG_KEYS = {
    "description": "Description",
    "origin_type": "OriginAccessControlOriginType",
    "signing_behavior": "SigningBehavior",
    "signing_protocol": "SigningProtocol",
}


def find(client, name):
    """The summary of the OAC called ``name`` (it carries the whole configuration), or ``None``."""
    summaries = cf.list_all(
        "list origin access controls", client.list_origin_access_controls, "OriginAccessControlList"
    )
    matches = [s for s in summaries if s["Name"] == name]
    return matches[0] if matches else None


def config_of(summary_or_config):
    return {key: summary_or_config.get(key) for key in ["Name", *CONFIG_KEYS.values()]}


def desired_config(params, current):
    config = {"Name": params["name"]}
    for option, key in CONFIG_KEYS.items():
        if params[option] is not None:
            config[key] = params[option]
        elif current is not None:
            config[key] = current.get(key)
    config.setdefault("Description", "")
    return config


def to_result(oac_id, config):
    return {
        "id": oac_id,
        "name": config["Name"],
        "description": config.get("Description") or "",
        "origin_type": config["OriginAccessControlOriginType"],
        "signing_behavior": config["SigningBehavior"],
        "signing_protocol": config["SigningProtocol"],
    }


def ensure_present(module, client):
    params = module.params
    summary = find(client, params["name"])
    adopted = False
    if summary is None:
        config = desired_config(params, None)
        if module.check_mode:
            return present_result("origin_access_control", True, None, to_result(None, config))
        created, summary = cf.create_or_adopt(
            lambda: cf.call(
                f"create origin access control {params['name']}",
                client.create_origin_access_control,
                OriginAccessControlConfig=config,
            )["OriginAccessControl"],
            lambda: find(client, params["name"]),
            "OriginAccessControlAlreadyExists",
        )
        if created:
            return present_result("origin_access_control", True, None, to_result(summary["Id"], config))
        adopted = True  # converged below like any existing one; reported as created

    oac_id = summary["Id"]

    def read():
        response = cf.call(f"get origin access control {oac_id}", client.get_origin_access_control, Id=oac_id)
        return config_of(response["OriginAccessControl"]["OriginAccessControlConfig"]), response["ETag"]

    def write(config, etag):
        response = cf.call(
            f"update origin access control {oac_id}",
            client.update_origin_access_control,
            Id=oac_id,
            IfMatch=etag,
            OriginAccessControlConfig=config,
        )
        return config_of(response["OriginAccessControl"]["OriginAccessControlConfig"])

    # The list summary holds the whole configuration: nothing but the list call when nothing changes.
    changed, before, after = cf.update_existing(
        module, config_of(summary), lambda cur: desired_config(params, cur), lambda a, b: a != b, read=read, write=write
    )
    before = None if adopted else to_result(oac_id, before)
    return present_result("origin_access_control", changed or adopted, before, to_result(oac_id, after))


def ensure_absent(module, client):
    name = module.params["name"]
    summary = find(client, name)
    if summary is None:
        return {"changed": False}
    oac_id = summary["Id"]
    before = to_result(oac_id, config_of(summary))
    if not module.check_mode:
        cf.delete_with_etag(
            f"origin access control {name} ({oac_id})",
            client.get_origin_access_control,
            client.delete_origin_access_control,
            oac_id,
            in_use_codes=["OriginAccessControlInUse"],
            in_use_message=f"Origin access control {name} ({oac_id}) is still used by a distribution; remove it"
            " from the distribution's origins first.",
        )
    return {"changed": True, "diff": {"before": before, "after": {}}}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        origin_type=dict(type="str", default="s3", choices=["s3", "mediastore", "mediapackagev2", "lambda"]),
        signing_behavior=dict(type="str", default="always", choices=["always", "never", "no-override"]),
        signing_protocol=dict(type="str", default="sigv4", choices=["sigv4"]),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    if not 1 <= len(module.params["name"]) <= 64:
        module.fail_json(msg="name must be 1 to 64 characters long")
    cf.run_module(module, ensure_present, ensure_absent)


if __name__ == "__main__":
    main()
