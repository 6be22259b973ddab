# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared plumbing of the CloudFront modules: errors, paging, CloudFront lists, and the ETag update cycle.

CloudFront configuration resources (origin access controls, cache policies, public keys, key groups,
distributions) share one update protocol: ``Get*`` returns the configuration with an ``ETag``, and
``Update*`` / ``Delete*`` take that ETag as ``IfMatch``. If someone else changed the resource in between,
CloudFront answers ``PreconditionFailed``; :func:`update_with_etag` then reads again, recomputes and
retries, and writes nothing at all when the configuration already matches.
"""

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import apply_tags
from ansible_collections.storytime.video_infra.plugins.module_utils.common import create_or_adopt as _create_or_adopt
from ansible_collections.storytime.video_infra.plugins.module_utils.common import created_by_this_run
from ansible_collections.storytime.video_infra.plugins.module_utils.common import error_code
from ansible_collections.storytime.video_infra.plugins.module_utils.common import present_result
from ansible_collections.storytime.video_infra.plugins.module_utils.common import run_by_state
from ansible_collections.storytime.video_infra.plugins.module_utils.common import web_acl_summaries

MISSING_CODES = [
    "NoSuchOriginAccessControl",
    "NoSuchPublicKey",
    "NoSuchResource",
    "NoSuchCachePolicy",
    "NoSuchDistribution",
    "NoSuchResponseHeadersPolicy",
]
# Attempts of the read-compare-write cycle when another writer changes the resource in between.
ETAG_ATTEMPTS = 3


class CloudFrontError(StorytimeError):
    """A failed CloudFront call (``exception`` set) or a refused request (``exception`` None)."""


class CloudFrontErrorHandler(StorytimeErrorHandler):
    """CloudFront calls: CloudFrontError, and the NoSuch* answers of a missing resource."""

    _CUSTOM_EXCEPTION = CloudFrontError
    MISSING_CODES = tuple(MISSING_CODES)


def cloudfront_client(module):
    """CloudFront client whose calls retry throttling and transient errors when passed ``aws_retry=True``."""
    return module.client("cloudfront", retry_decorator=AWSRetry.jittered_backoff())


create_or_adopt = _create_or_adopt
call = CloudFrontErrorHandler.call
call_or_none = CloudFrontErrorHandler.call_or_none


def list_all(description, func, list_key, **kwargs):
    """Every item of a CloudFront List* operation, following ``NextMarker`` (not every List has a paginator)."""
    items = []
    pages = CloudFrontErrorHandler.pages(
        description, func, kwargs, token="Marker", next_token="NextMarker", within=list_key
    )
    for page in pages:
        items.extend(page.get("Items") or [])
        if page.get("IsTruncated") is False:
            break
    return items


def to_cf_list(items, sort=False):
    """Plain list -> CloudFront ``{"Quantity": n, "Items": [...]}``."""
    items = sorted(items) if sort else list(items)
    result = {"Quantity": len(items)}
    if items:
        result["Items"] = items
    return result


def from_cf_list(value):
    """CloudFront ``{"Quantity": n, "Items": [...]}`` (or ``None``) -> plain list."""
    return list((value or {}).get("Items") or [])


def is_precondition_failed(error):
    return error_code(error) == "PreconditionFailed"


def update_with_etag(read, desired_from, differs, write, check_mode):
    """The ETag update cycle.

    ``read()`` returns ``(current, etag)``; ``desired_from(current)`` the configuration wanted;
    ``differs(current, desired)`` whether a write is needed; ``write(desired, etag)`` performs it and
    returns the new state. Returns ``(changed, before, after)``. Nothing is written when nothing differs,
    or in check mode (then ``after`` is the prediction). A stale ETag (``PreconditionFailed``) makes the
    cycle start over from a fresh read, at most ETAG_ATTEMPTS times.
    """
    for attempt in range(1, ETAG_ATTEMPTS + 1):
        current, etag = read()
        desired = desired_from(current)
        if not differs(current, desired):
            return False, current, current
        if check_mode:
            return True, current, desired
        try:
            return True, current, write(desired, etag)
        except CloudFrontError as e:
            if not is_precondition_failed(e) or attempt == ETAG_ATTEMPTS:
                raise
    raise CloudFrontError("unreachable")  # pragma: no cover


def delete_with_etag(description, get, delete, resource_id, *, in_use_codes=(), in_use_message=None):
    """Delete a resource with the ETag of a fresh read; ``False`` when it is already gone.

    A stale ETag is retried with a new read; an in-use error (``in_use_codes``) becomes a CloudFrontError
    with ``in_use_message``, which should tell the user what to detach first."""
    for attempt in range(1, ETAG_ATTEMPTS + 1):
        response = call_or_none(f"get {description}", get, Id=resource_id)
        if response is None:
            return False
        try:
            call(f"delete {description}", delete, Id=resource_id, IfMatch=response["ETag"])
            return True
        except CloudFrontError as e:
            if error_code(e) in in_use_codes:
                raise CloudFrontError(in_use_message or f"{description} is in use", e.exception) from e
            if not is_precondition_failed(e) or attempt == ETAG_ATTEMPTS:
                raise
    return False  # pragma: no cover


def update_existing(module, current, desired_from, differs, *, read, write):
    """``(changed, before, after)`` for a resource whose list summary already gave its configuration.

    No call at all when nothing differs, a prediction from ``current`` in check mode, otherwise the ETag
    update cycle (:func:`update_with_etag`) from a fresh read."""
    wanted = desired_from(current)
    if not differs(current, wanted):
        return False, current, current
    if module.check_mode:
        return True, current, wanted
    return update_with_etag(read, desired_from, differs, write, check_mode=False)


# ---------------------------------------------------------------------------------------------
# IDs of resources given by name

# kind -> (List operation, its list key, its parameters, item -> (name, id)). Only custom policies have names a
# caller chooses; the managed ones are referred to by ID.
_NAMED_KINDS = {
    "origin access control": (
        "list_origin_access_controls",
        "OriginAccessControlList",
        {},
        lambda item: (item["Name"], item["Id"]),
    ),
    "cache policy": (
        "list_cache_policies",
        "CachePolicyList",
        {"Type": "custom"},
        lambda item: (item["CachePolicy"]["CachePolicyConfig"]["Name"], item["CachePolicy"]["Id"]),
    ),
    "response headers policy": (
        "list_response_headers_policies",
        "ResponseHeadersPolicyList",
        {"Type": "custom"},
        lambda item: (
            item["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["Name"],
            item["ResponseHeadersPolicy"]["Id"],
        ),
    ),
    "key group": (
        "list_key_groups",
        "KeyGroupList",
        {},
        lambda item: (item["KeyGroup"]["KeyGroupConfig"]["Name"], item["KeyGroup"]["Id"]),
    ),
    "public key": ("list_public_keys", "PublicKeyList", {}, lambda item: (item["Name"], item["Id"])),
}


class IdsByName:
    """The IDs of CloudFront resources given by name: one (paginated) List call per resource type, made the first
    time a name of that type is asked for. A V(web ACL) resolves to its ARN (what CloudFront takes as WebACLId) with
    ``waf_client()``, a wafv2 client in us-east-1, made only then.

    A name that does not exist resolves to :func:`created_by_this_run` in check mode (an earlier task of the same
    run would create it) and fails otherwise, naming the option it came from."""

    def __init__(self, client, check_mode, waf_client=None):
        self.client = client
        self.check_mode = check_mode
        self.waf_client = waf_client
        self._ids = {}

    def _web_acls(self):
        """ARNs of the web ACLs of scope CLOUDFRONT by name (WAF keeps them in us-east-1), following NextMarker."""
        acls = web_acl_summaries(CloudFrontErrorHandler, self.waf_client(), "CLOUDFRONT")
        return {acl["Name"]: acl["ARN"] for acl in acls}

    def _listed(self, kind):
        if kind == "web ACL" and kind not in self._ids:
            self._ids[kind] = self._web_acls()
        if kind not in self._ids:
            operation, list_key, params, name_and_id = _NAMED_KINDS[kind]
            plural = kind[: -len("policy")] + "policies" if kind.endswith("policy") else kind + "s"
            items = list_all(f"list {plural}", getattr(self.client, operation), list_key, **params)
            self._ids[kind] = dict(name_and_id(item) for item in items)
        return self._ids[kind]

    def resolve(self, kind, name, option):
        """The ID of the ``kind`` called ``name`` (given as ``option``)."""
        found = self._listed(kind).get(name)
        if found:
            return found
        if self.check_mode:
            return created_by_this_run(kind, name)
        raise CloudFrontError(f"{option}: there is no {kind} named {name!r} (it does not exist in this account).")


def find_key_group(client, name):
    """The KeyGroup called ``name`` from the list (it carries the whole KeyGroupConfig), or ``None``."""
    summaries = list_all("list key groups", client.list_key_groups, "KeyGroupList")
    matches = [s["KeyGroup"] for s in summaries if s["KeyGroup"]["KeyGroupConfig"]["Name"] == name]
    return matches[0] if matches else None


def delete_public_keys(module, client, key_ids, kept_warning):
    """Delete the public keys ``key_ids`` (ETag cycle); a key another key group uses is kept with
    ``kept_warning.format(key_id=...)`` as a warning. Returns the IDs deleted (sorted)."""
    deleted = []
    for key_id in sorted(key_ids):
        try:
            gone = delete_with_etag(f"public key {key_id}", client.get_public_key, client.delete_public_key, key_id)
        except CloudFrontError as e:
            if error_code(e) != "PublicKeyInUse":
                raise
            module.warn(kept_warning.format(key_id=key_id))
            continue
        if gone:
            deleted.append(key_id)
    return deleted


def run_module(module, ensure_present, ensure_absent):
    """Run ``ensure_present(module, client)`` or ``ensure_absent(module, client)`` by ``state`` and exit."""
    run_by_state(module, ensure_present, ensure_absent, cloudfront_client(module))


# ---------------------------------------------------------------------------------------------
# Tags (distributions are the only taggable resources among ours)


def get_tags(client, arn):
    response = call(f"list tags of {arn}", client.list_tags_for_resource, Resource=arn)
    return boto3_tag_list_to_ansible_dict(from_cf_list(response.get("Tags")))


def ensure_tags(client, arn, current, desired, *, purge, check_mode):
    """Set/remove tags on a CloudFront resource; returns ``(changed, final_tags)``."""
    return apply_tags(
        current,
        desired,
        purge=purge,
        check_mode=check_mode,
        untag=lambda keys: call(f"untag {arn}", client.untag_resource, Resource=arn, TagKeys={"Items": keys}),
        tag=lambda tags: call(
            f"tag {arn}", client.tag_resource, Resource=arn, Tags={"Items": ansible_dict_to_boto3_tag_list(tags)}
        ),
    )


# ---------------------------------------------------------------------------------------------
# Custom policies found by name (cache policies, response headers policies)


class NamedPolicy:
    """A custom CloudFront policy managed by name: ``shape`` is the API's name for it (``CachePolicy``,
    ``ResponseHeadersPolicy``), ``from_api``/``to_api`` convert its ``<shape>Config`` to the module's options and
    back, ``in_use_advice`` completes the message when CloudFront refuses to delete a policy a behaviour uses.

    The list call returns every policy's whole configuration, so a converged policy costs that one call; an update
    reads the ETag first (:func:`update_existing`), a create that loses a race adopts the winner
    (:func:`create_or_adopt`), and ``key`` (``cache_policy``, ...) names the result and the diff.
    """

    def __init__(self, client, shape, words, *, from_api, to_api, in_use_advice):
        self.client = client
        self.shape = shape
        self.words = words
        self.key = words.replace(" ", "_")
        self.config = f"{shape}Config"
        self.from_api = from_api
        self.to_api = to_api
        self.in_use_advice = in_use_advice

    def _api(self, verb, plural=False):
        name = self.key[: -len("policy")] + "policies" if plural else self.key
        return getattr(self.client, f"{verb}_{name}")

    def find(self, name):
        """The policy called ``name`` (``{"Id": ..., "<shape>Config": ...}``), or ``None``."""
        items = list_all(
            f"list {self.words.replace('policy', 'policies')}",
            self._api("list", True),
            f"{self.shape}List",
            Type="custom",
        )
        matches = [item[self.shape] for item in items if item[self.shape][self.config]["Name"] == name]
        return matches[0] if matches else None

    @staticmethod
    def with_id(policy_id, policy):
        return {"id": policy_id, **policy}

    def ensure_present(self, module, desired, problems_with):
        """Create or converge the policy ``module.params["name"]``; ``desired(current)`` is the wanted options (from
        the module's parameters over the current ones), ``problems_with(wanted)`` what CloudFront would refuse."""
        name = module.params["name"]
        found = self.find(name)
        current = self.from_api(found[self.config]) if found else None
        wanted = desired(current)
        problems = problems_with(wanted)
        if problems:
            raise CloudFrontError(f"Invalid {self.words}: " + "; ".join(problems))

        adopted = False
        if found is None:
            if module.check_mode:
                return present_result(self.key, True, None, self.with_id(None, wanted))
            created, found = create_or_adopt(
                lambda: call(f"create {self.words} {name}", self._api("create"), **{self.config: self.to_api(wanted)})[
                    self.shape
                ],
                lambda: self.find(name),
                f"{self.shape}AlreadyExists",
            )
            if created:
                return present_result(
                    self.key, True, None, self.with_id(found["Id"], self.from_api(found[self.config]))
                )
            adopted = True  # converged below like any existing one; reported as created
            current = self.from_api(found[self.config])

        policy_id = found["Id"]

        def read():
            response = call(f"get {self.words} {policy_id}", self._api("get"), Id=policy_id)
            return self.from_api(response[self.shape][self.config]), response["ETag"]

        def write(policy, etag):
            response = call(
                f"update {self.words} {policy_id}",
                self._api("update"),
                Id=policy_id,
                IfMatch=etag,
                **{self.config: self.to_api(policy)},
            )
            return self.from_api(response[self.shape][self.config])

        changed, before, after = update_existing(module, current, desired, lambda a, b: a != b, read=read, write=write)
        before = None if adopted else self.with_id(policy_id, before)
        return present_result(self.key, changed or adopted, before, self.with_id(policy_id, after))

    def ensure_absent(self, module):
        name = module.params["name"]
        found = self.find(name)
        if found is None:
            return {"changed": False}
        described = f"{self.words[0].upper()}{self.words[1:]} {name} ({found['Id']})"
        if not module.check_mode:
            delete_with_etag(
                f"{self.words} {name} ({found['Id']})",
                self._api("get"),
                self._api("delete"),
                found["Id"],
                in_use_codes=[f"{self.shape}InUse"],
                in_use_message=f"{described} is still used by a distribution's cache behaviour; {self.in_use_advice}",
            )
        return {
            "changed": True,
            "diff": {"before": self.with_id(found["Id"], self.from_api(found[self.config])), "after": {}},
        }
