# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared base for the modules of storytime.video_infra."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.common import set_collection_info
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

STORYTIME_COLLECTION_NAME = "storytime.video_infra"
# Kept in step with galaxy.yml (a unit test checks it).
STORYTIME_COLLECTION_VERSION = "0.1.0"


class StorytimeAWSModule(AnsibleAWSModule):
    """AnsibleAWSModule that names this collection in the AWS User-Agent."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        set_collection_info(
            collection_name=STORYTIME_COLLECTION_NAME,
            collection_version=STORYTIME_COLLECTION_VERSION,
        )


class StorytimeError(AnsibleAWSError):
    """A failed AWS call (``exception`` set) or a refused request (``exception`` None): amazon.aws's error, so that
    ``module.fail_json_aws_error`` reports it with the AWS error details.

    ``message`` is written by the module (never an AWS payload), so it can name options but never holds a secret.
    """

    def __init__(self, message, exception=None, **kwargs):
        super().__init__(message=message, exception=exception, **kwargs)


class StorytimeErrorHandler(AWSErrorHandler):
    """amazon.aws's error handler for the collection's calls. A service subclasses it with its error class
    (``_CUSTOM_EXCEPTION``) and the error codes by which it says a resource does not exist (``MISSING_CODES``).

    ``call`` and ``call_or_none`` apply the handler's decorators to one retrying client call, so a module reads
    ``Handler.call("describe secret x", client.describe_secret, SecretId="x")``: failures raise
    ``_CUSTOM_EXCEPTION("Failed to <description>", exception)`` (``Timeout trying to`` for a waiter), and
    ``call_or_none`` answers ``default`` instead when AWS says the resource is missing.
    """

    _CUSTOM_EXCEPTION = StorytimeError
    MISSING_CODES = ()

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(list(cls.MISSING_CODES))

    @classmethod
    def call(cls, description, func, **kwargs):
        return cls.common_error_handler(description)(func)(aws_retry=True, **kwargs)

    @classmethod
    def call_or_none(cls, description, func, default=None, **kwargs):
        return cls.list_error_handler(description, default)(func)(aws_retry=True, **kwargs)

    @classmethod
    def pages(cls, description, func, request, *, token="NextToken", next_token=None, within=None):
        """Every page of a list call, each read with ``call``: the continuation token a page returns is put into
        ``request`` (the caller's dict, which it may change between pages) for the next call, until a page returns
        none. ``token`` names the request parameter, ``next_token`` the response member when it is named otherwise
        (CloudFront: ``Marker`` and ``NextMarker``), ``within`` the response member that holds the page when the
        service nests it (CloudFront: ``DistributionList`` and the like). A generator: the caller may stop early."""
        while True:
            page = cls.call(description, func, **request)
            if within:
                page = page.get(within) or {}
            yield page
            continuation = page.get(next_token or token)
            if not continuation:
                return
            request[token] = continuation

    @classmethod
    def tolerating(cls, *codes):
        """This handler with ``codes`` as the answers ``call_or_none`` turns into its default (for the one call whose
        "nothing to do" answer is not the service's usual "not found"). Made once per handler and codes."""
        key = (cls, codes)
        if key not in _TOLERATING:
            _TOLERATING[key] = type(cls.__name__, (cls,), {"MISSING_CODES": tuple(codes)})
        return _TOLERATING[key]


_TOLERATING = {}


def web_acl_summaries(handler, client, scope):
    """The summaries (Name, Id, ARN, LockToken) of the WAFv2 web ACLs of ``scope``, each page read with ``handler``.
    An empty page ends the list: WAF may return a marker with the last, empty page."""
    request = {"Scope": scope, "Limit": 100}
    for page in handler.pages("list web ACLs", client.list_web_acls, request, token="NextMarker"):
        if not page.get("WebACLs"):
            return
        yield from page["WebACLs"]


_CREATED_BY_THIS_RUN = "(created by this run: "


def created_by_this_run(kind, name):
    """What an identifier that does not exist yet is predicted as in check mode: the task that creates the resource
    runs earlier in the same run, and its ID or ARN is unknown until it does."""
    return f"{_CREATED_BY_THIS_RUN}{kind} {name})"


def is_created_by_this_run(value):
    """Whether ``value`` is a check-mode prediction of :func:`created_by_this_run` (not a real identifier)."""
    return isinstance(value, str) and value.startswith(_CREATED_BY_THIS_RUN) and value.endswith(")")


def present_result(key, changed, before, after, **extra):
    """The result of ``state=present``: the resource under ``key``, ``extra`` fields, and a diff when it changed
    (``before`` None or {} for a resource that did not exist)."""
    result = {"changed": changed, key: after, **extra}
    if changed:
        result["diff"] = {"before": before or {}, "after": after}
    return result


def apply_tags(current, desired, *, purge, check_mode, untag, tag):
    """Bring a resource's tags from ``current`` to ``desired`` with the service's own calls: ``untag(keys)`` and
    ``tag(mapping)``, both in key order, neither in check mode. ``desired`` None leaves the tags alone.
    Returns ``(changed, final_tags)``."""
    if desired is None:
        return False, current
    to_set, to_unset = compare_aws_tags(current, desired, purge)
    if not to_set and not to_unset:
        return False, current
    final = {key: value for key, value in current.items() if key not in to_unset}
    final.update(to_set)
    if not check_mode:
        if to_unset:
            untag(sorted(to_unset))
        if to_set:
            tag(dict(sorted(to_set.items())))
    return True, final


def string_map(name, value, error_class=StorytimeError):
    """A user-supplied map of strings (tags, metadata) as AWS takes it: numbers become strings, anything else fails."""
    if value is None:
        return None
    result = {}
    for key, item in value.items():
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise error_class(f"{name} values must be strings; {key} is {type(item).__name__}")
        result[str(key)] = str(item)
    return result


def run_by_state(module, ensure_present, ensure_absent, *args):
    """Call ``ensure_present(module, *args)`` or ``ensure_absent(module, *args)`` by ``state`` and exit with its
    result; an AnsibleAWSError (ours, StorytimeError, or one of amazon.aws's helpers) becomes the module's failure."""
    try:
        handler = ensure_present if module.params["state"] == "present" else ensure_absent
        result = handler(module, *args)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(**result)


def error_code(error):
    """The AWS error code behind a StorytimeError (or a botocore ClientError), or ``None``."""
    exception = getattr(error, "exception", error)
    response = getattr(exception, "response", None) or {}
    return response.get("Error", {}).get("Code")


def create_or_adopt(create, find, exists_code):
    """Create a resource AWS keeps unique (by name or caller reference), or adopt the one that exists.

    ``create()`` makes the create call and returns the new resource; ``find()`` looks the resource up (``None``
    when absent). When the create answers ``exists_code`` the resource was made by this very call's first attempt
    (its response was lost and botocore sent the request again) or by another run in between: ``find()`` it and
    return ``(False, found)``, so the caller converges it like any existing resource. Otherwise ``(True, created)``.
    """
    try:
        return True, create()
    except StorytimeError as e:
        if error_code(e) != exists_code:
            raise
        found = find()
        if found is None:
            raise
        return False, found
