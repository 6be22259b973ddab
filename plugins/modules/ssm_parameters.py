#!/usr/bin/python

# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ssm_parameters
version_added: 0.1.0
short_description: Manage a set of SSM Parameter Store String parameters under one path, in one task
description:
  - Creates, updates or deletes the listed String parameters C(<path>/<name>) of AWS Systems Manager Parameter
    Store, with their descriptions and tags, in one module run.
  - The parameters under O(path) are read with C(GetParametersByPath) (values, 10 per page) and
    C(DescribeParameters) filtered on the path (descriptions, 50 per page), and the tags of each listed parameter
    that exists with C(ListTagsForResource). A second identical run makes these reads and no write.
  - A parameter that is missing is created with C(PutParameter), with its tags. One whose value or
    description differs is overwritten with C(PutParameter) and C(Overwrite=true), which makes a new version
    (Parameter Store refuses tags together with C(Overwrite)); its tags are changed with C(AddTagsToResource) /
    C(RemoveTagsFromResource).
  - Parameters under O(path) that are not listed are left alone. The path may hold parameters that other
    applications own.
  - With O(state=absent), the listed parameters that exist are deleted with C(DeleteParameters), 10 per call.
author:
  - Storytime infrastructure team (@storytime)
options:
  path:
    description:
      - The hierarchy the parameters are in, such as C(/storytime/prod). It starts with C(/) and does not end with
        one; a parameter's full name is C(<path>/<name>).
    type: str
    required: true
  parameters:
    description:
      - The parameters. With O(state=absent), only their names are used.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Name under O(path) (letters, digits, C(_), C(.) and C(-)).
        type: str
        required: true
      value:
        description: The value (a String parameter). Required with O(state=present).
        type: str
      description:
        description: Description of the parameter. When not set, an existing description is left as it is.
        type: str
  state:
    description: Whether the listed parameters should exist.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Why not M(community.aws.ssm_parameter). That module manages one parameter per task, so one parameter per
    module process. Publishing the 26 outputs of C(site.yml) with it took a loop of 26 module processes. Measured
    on a no-op run of C(site.yml) with the outputs in SSM against the local AWS (C(make benchmark-baseline), both
    in one run), that loop took 26.2 CPU seconds, 47 module processes and 238 reads, and this module 16.8 CPU
    seconds, 22 module processes and 112 reads. It reads and writes them all in one process.
  - Only C(String) parameters of the C(Standard) tier are written. Parameter Store does not change the type of a
    parameter (C(HierarchyTypeMismatchException)), so a listed parameter found with another type fails the task
    before any write. The outputs it is made for hold no secrets; use C(SecureString) parameters
    (M(community.aws.ssm_parameter)) or Secrets Manager for secrets.
  - Parameter Store limits the calls per second of an account and region; throttled calls
    (C(ThrottlingException)) and C(TooManyUpdates) are retried with backoff.
  - A create that answers C(ParameterAlreadyExists) (its first response was lost, or another run made the parameter
    in between) is followed by an overwrite with the listed value and description.
seealso:
  - name: AWS Systems Manager Parameter Store
    description: Parameter hierarchies, tiers, types and the naming rules.
    link: https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-parameter-store.html
  - name: PutParameter in the Systems Manager API Reference
    description: Tags can be given only when a parameter is created, not with Overwrite.
    link: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
  - module: community.aws.ssm_parameter
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Publish the outputs of one environment for an app that reads Parameter Store
  storytime.video_infra.ssm_parameters:
    path: /storytime/prod
    parameters:
      - name: hls_outputs_bucket_name
        value: storytime-hls-outputs-prod
        description: Storytime prod output hls_outputs_bucket_name
      - name: aws_region
        value: eu-west-1
    tags:
      Project: storytime
      Environment: prod

- name: Remove them
  storytime.video_infra.ssm_parameters:
    path: /storytime/prod
    parameters:
      - name: hls_outputs_bucket_name
      - name: aws_region
    state: absent
"""

RETURN = r"""
parameters:
  description:
    - The listed parameters after the task by name under O(path) (predicted in check mode).
    - With O(state=absent), the parameters that were deleted, as they were.
  returned: always
  type: dict
  contains:
    name:
      description: Full name, C(<path>/<name>).
      type: str
      sample: /storytime/prod/aws_region
    value:
      description: The value.
      type: str
      sample: eu-west-1
    type:
      description: V(String).
      type: str
      sample: String
    description:
      description: Description (empty when there is none).
      type: str
      sample: Storytime prod output aws_region
    version:
      description: Version Parameter Store gave the value. V(null) in check mode when a write would make a new one.
      type: int
      sample: 1
    tags:
      description: Tags. Empty when O(tags) is not set, as they are not read then.
      type: dict
      sample: {"Project": "storytime", "Environment": "prod"}
changed_parameters:
  description: Names under O(path) of the parameters the task created, changed or deleted (or would, in check mode).
  returned: always
  type: list
  elements: str
  sample: ["aws_region"]
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeAWSModule
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import apply_tags
from ansible_collections.storytime.video_infra.plugins.module_utils.common import error_code
from ansible_collections.storytime.video_infra.plugins.module_utils.common import run_by_state
from ansible_collections.storytime.video_infra.plugins.module_utils.common import string_map

# Parameter Store's naming rules for one level of a hierarchy and for a path (AWS Systems Manager User Guide,
# "Requirements and constraints for parameter names").
NAME = re.compile(r"^[a-zA-Z0-9_.-]+$")
PATH = re.compile(r"^(/[a-zA-Z0-9_.-]+)+$")
# DeleteParameters takes at most 10 names per call.
DELETE_BATCH = 10


class SSMError(StorytimeError):
    """A failed Systems Manager call (``exception`` set) or a refused request (``exception`` None)."""


class SSMErrorHandler(StorytimeErrorHandler):
    """Systems Manager calls: SSMError, and ParameterNotFound / InvalidResourceId for a missing parameter."""

    _CUSTOM_EXCEPTION = SSMError
    MISSING_CODES = ("ParameterNotFound", "InvalidResourceId")


call = SSMErrorHandler.call
call_or_none = SSMErrorHandler.call_or_none


def read_path(client, path):
    """The parameters directly under ``path`` by full name: type, value, version and description."""
    found = {}
    values = SSMErrorHandler.pages(
        f"get the parameters under {path}",
        client.get_parameters_by_path,
        {"Path": path, "Recursive": False, "MaxResults": 10},
    )
    for page in values:
        for parameter in page.get("Parameters", []):
            found[parameter["Name"]] = {
                "type": parameter.get("Type"),
                "value": parameter.get("Value"),
                "version": parameter.get("Version"),
                "description": "",
            }
    if found:
        described = SSMErrorHandler.pages(
            f"describe the parameters under {path}",
            client.describe_parameters,
            {"ParameterFilters": [{"Key": "Path", "Option": "OneLevel", "Values": [path]}], "MaxResults": 50},
        )
        for page in described:
            for metadata in page.get("Parameters", []):
                if metadata["Name"] in found:
                    found[metadata["Name"]]["description"] = metadata.get("Description") or ""
    return found


def read_tags(client, full_name):
    response = call_or_none(
        f"list the tags of parameter {full_name}",
        client.list_tags_for_resource,
        default={},
        ResourceType="Parameter",
        ResourceId=full_name,
    )
    return boto3_tag_list_to_ansible_dict(response.get("TagList", []))


def to_result(full_name, state, tags):
    return {
        "name": full_name,
        "value": state["value"],
        "type": state["type"],
        "description": state["description"],
        "version": state["version"],
        "tags": dict(tags),
    }


def create(module, client, full_name, wanted, tags):
    """Create one parameter; returns its version (None in check mode), or ``False`` when it turned out to exist."""
    if module.check_mode:
        return None
    request = {"Name": full_name, "Value": wanted["value"], "Type": "String", "Tier": "Standard"}
    if wanted["description"]:
        request["Description"] = wanted["description"]
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    try:
        return call(f"create parameter {full_name}", client.put_parameter, **request)["Version"]
    except SSMError as e:
        if error_code(e) != "ParameterAlreadyExists":
            raise
        return False


def ensure_parameter(module, client, full_name, wanted, *, current, tags):
    """Bring one parameter to ``wanted`` (value, description). Returns ``(changed, before, after)``; ``before``
    is None for a parameter that did not exist."""
    check_mode = module.check_mode
    description = wanted["description"]
    if current is None:
        version = create(module, client, full_name, wanted, tags)
        if version is False:
            # Made by this call's lost first attempt or by another run: converge the one that exists.
            current = read_path(client, module.params["path"]).get(full_name)
            if current is None:
                raise SSMError(f"Creating parameter {full_name} answered ParameterAlreadyExists, yet it is not there")
            _changed, _before, after = ensure_parameter(module, client, full_name, wanted, current=current, tags=tags)
            return True, None, after

        after = {"type": "String", "value": wanted["value"], "description": description or "", "version": version}
        return True, None, to_result(full_name, after, tags or {})

    current_tags = read_tags(client, full_name) if tags is not None else {}
    before = to_result(full_name, current, current_tags)
    after = dict(current)
    overwrite = current["value"] != wanted["value"]
    overwrite = overwrite or (description is not None and description != current["description"])
    if overwrite:
        after["value"] = wanted["value"]
        if description is not None:
            after["description"] = description
        if check_mode:
            after["version"] = None
        else:
            # An update takes no type (PutParameter, "Type"): the parameter keeps its String type.
            request = {"Name": full_name, "Value": wanted["value"], "Overwrite": True}
            if description is not None:
                request["Description"] = description
            after["version"] = call(f"update parameter {full_name}", client.put_parameter, **request)["Version"]
    tags_changed, final_tags = apply_tags(
        current_tags,
        tags,
        purge=module.params["purge_tags"],
        check_mode=check_mode,
        untag=lambda keys: call(
            f"untag parameter {full_name}",
            client.remove_tags_from_resource,
            ResourceType="Parameter",
            ResourceId=full_name,
            TagKeys=keys,
        ),
        tag=lambda mapping: call(
            f"tag parameter {full_name}",
            client.add_tags_to_resource,
            ResourceType="Parameter",
            ResourceId=full_name,
            Tags=ansible_dict_to_boto3_tag_list(mapping),
        ),
    )
    return overwrite or tags_changed, before, to_result(full_name, after, final_tags)


def listed(module):
    """The listed parameters as ``[(name, full name, parameter)]``, after the checks AWS would make."""
    path = module.params["path"]
    if not PATH.match(path):
        raise SSMError(
            f"path {path!r} must start with /, not end with /, and hold only letters, digits, _, . and - between them"
        )
    names = [parameter["name"] for parameter in module.params["parameters"]]
    bad = [name for name in names if not NAME.match(name or "")]
    if bad:
        raise SSMError(f"parameter names may hold only letters, digits, _, . and -: {', '.join(map(repr, bad))}")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SSMError(f"parameters are listed twice: {', '.join(repeated)}")
    return [(p["name"], f"{path}/{p['name']}", p) for p in module.params["parameters"]]


def ensure_present(module, client):
    parameters = listed(module)
    missing_values = [name for name, _full, p in parameters if p["value"] is None]
    if missing_values:
        raise SSMError(f"state=present needs a value for every parameter; none for: {', '.join(missing_values)}")
    tags = string_map("tags", module.params["tags"], SSMError)
    existing = read_path(client, module.params["path"])
    other_types = [
        f"{full} is a {existing[full]['type']}"
        for _name, full, _p in parameters
        if full in existing and existing[full]["type"] != "String"
    ]
    if other_types:
        raise SSMError(
            f"{'; '.join(other_types)}. This module writes String parameters, and Parameter Store does not change the "
            "type of a parameter: delete it first, or publish under another path"
        )
    result, changed, before, after = {}, [], {}, {}
    for name, full_name, wanted in parameters:
        was_changed, old, new = ensure_parameter(
            module, client, full_name, wanted, current=existing.get(full_name), tags=tags
        )
        result[name] = new
        if was_changed:
            changed.append(name)
            if old is not None:
                before[name] = old
            after[name] = new
    if changed and not module.check_mode:
        # The final state as Parameter Store keeps it (the versions of the overwritten parameters).
        final = read_path(client, module.params["path"])
        for name in changed:
            full_name = result[name]["name"]
            if full_name in final:
                result[name] = after[name] = to_result(full_name, final[full_name], result[name]["tags"])
    outcome = {"changed": bool(changed), "parameters": result, "changed_parameters": changed}
    if changed:
        outcome["diff"] = {"before": before, "after": after}
    return outcome


def ensure_absent(module, client):
    parameters = listed(module)
    existing = read_path(client, module.params["path"])
    gone = {name: to_result(full, existing[full], {}) for name, full, _p in parameters if full in existing}
    if gone and not module.check_mode:
        full_names = [state["name"] for state in gone.values()]
        for start in range(0, len(full_names), DELETE_BATCH):
            end = start + DELETE_BATCH
            batch = full_names[start:end]
            call(f"delete parameters {', '.join(batch)}", client.delete_parameters, Names=batch)
    outcome = {"changed": bool(gone), "parameters": gone, "changed_parameters": list(gone)}
    if gone:
        outcome["diff"] = {"before": gone, "after": {}}
    return outcome


def main():
    argument_spec = dict(
        path=dict(type="str", required=True),
        parameters=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(
                name=dict(type="str", required=True),
                value=dict(type="str"),
                description=dict(type="str"),
            ),
        ),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = StorytimeAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    retry = AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException", "TooManyUpdates"])
    client = module.client("ssm", retry_decorator=retry)
    run_by_state(module, ensure_present, ensure_absent, client)


if __name__ == "__main__":
    main()
