# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What AWS refuses in the inputs of this collection: tags, resource names, ARNs and cache TTLs (no AWS calls).

One place for the rules, so that the roles' ``validate`` tasks (through the filters in
``plugins/filter/input_problems.py``) refuse a bad inventory before the first AWS call. Every function returns a
list of messages, empty when the value is fine; each message starts with the variable's name and its value and
says the rule, e.g. ``storytime_tags: key "a#b" has characters AWS does not allow in tag keys ('#'); ...``.

Sources (AWS documentation; where it is silent, the stricter answer is taken):

* Tags - "Tagging best practices", section "Tag naming limits and requirements", and the per-service API
  references: IAM ``Tag`` (key ``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+`` 1-128, value ``[...]*`` 0-256, 50 tags per role,
  user or policy), CloudFront ``Tag`` (same pattern and lengths; 50 tags per distribution), S3 ``PutBucketTagging``
  (50 tags per bucket), Secrets Manager ``Tag`` (key 1-128, value 0-256, 50 tags per secret), EventBridge, SQS and
  SNS (50). MediaConvert's ``TagResource`` states no count: the general limit of 50 is applied. "Don't use aws:,
  AWS:, or any upper or lowercase combination of such as a prefix for either keys or values" (ECS / Batch "Tag
  restrictions"); IAM and CloudFront refuse such keys. The collection puts the same ``storytime_tags`` on every
  resource, so the strictest of these rules is applied to all.
* Names - S3 "General purpose bucket naming rules" (:mod:`s3_naming`); IAM API reference ``CreateRole`` /
  ``CreateUser`` (``roleNameType``/``userNameType``: ``[\\w+=,.@-]+``, 1-64) and ``CreatePolicy``
  (``policyNameType``, 1-128); Secrets Manager ``CreateSecret`` Name (1-512, ASCII letters, digits and ``/_+=.@-``);
  CloudFront ``OriginAccessControlConfig.Name`` ("up to 64 characters"); CloudFront key group, public key, cache
  policy and response headers policy names (API reference states no limit: 128 letters, digits, ``-`` and ``_``
  applied, like the 128-character comment limit next to them); EventBridge ``PutRule`` Name
  (``[\\.\\-_A-Za-z0-9]+``, 1-64); SQS ``CreateQueue`` QueueName (1-80 alphanumerics, ``-`` and ``_``); SNS
  ``CreateTopic`` Name (1-256 alphanumerics, ``-`` and ``_``);
  MediaConvert queue and job template names (API reference states no limit: 1-128 letters, digits, ``-`` and ``_``);
  CloudWatch Logs ``CreateLogGroup`` (1-512 of ``[\\.\\-_/#A-Za-z0-9]``).
* ARNs - "Amazon Resource Names (ARNs)" in the IAM user guide (``arn:partition:service:region:account:resource``)
  and the API references of ACM (``Arn`` pattern; CloudFront takes certificates from us-east-1 only), IAM (role ARN
  ``arn:aws:iam::<12 digits>:role/<path><name>``), Secrets Manager (name + ``-`` + 6 random characters) and KMS.
* Cache TTLs - CloudFront API reference ``CachePolicyConfig``: ``MinTTL`` <= ``DefaultTTL`` <= ``MaxTTL``, all
  non-negative ``long`` values; CloudFront refuses a default TTL below the minimum or above the maximum.
"""

import re
import unicodedata

from ansible_collections.storytime.video_infra.plugins.module_utils.s3_naming import bucket_name_problems

MAX_TAGS_PER_RESOURCE = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256
_TAG_PUNCTUATION = frozenset("_.:/=+-@")


def show_value(value):
    """A value as the message shows it: JSON-like quotes for strings, shortened when long."""
    if isinstance(value, str):
        text = value if len(value) <= 160 else value[:60] + "..." + value[-20:]
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def _tag_char_ok(char):
    """``[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]``: Unicode letters, separators (spaces), numbers and ``_.:/=+-@``."""
    return char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in ("L", "Z", "N")


def _bad_tag_chars(text):
    return sorted({c for c in text if not _tag_char_ok(c)})


def tag_problems(tags, variable="storytime_tags", max_tags=MAX_TAGS_PER_RESOURCE):
    """Reasons AWS would refuse ``tags`` (a mapping of key to value) on the collection's resources."""
    if not isinstance(tags, dict):
        return [
            f"{variable}: expected a mapping of tag keys to string values, got {type_word(tags)} {show_value(tags)}"
        ]
    problems = []
    if len(tags) > max_tags:
        problems.append(f"{variable}: {len(tags)} tags; AWS allows at most {max_tags} tags per resource")
    for key, value in tags.items():
        where = f"{variable}: key {show_value(key)}"
        if not isinstance(key, str):
            problems.append(f"{where} is a {type(key).__name__}; tag keys are strings (quote it)")
            continue
        if not 1 <= len(key) <= MAX_TAG_KEY_LENGTH:
            problems.append(f"{where} is {len(key)} characters long; tag keys have 1 to {MAX_TAG_KEY_LENGTH}")
        bad = _bad_tag_chars(key)
        if bad:
            problems.append(
                f"{where} has characters AWS does not allow in tag keys ({' '.join(repr(c) for c in bad)}); "
                "allowed are letters, digits, spaces and _ . : / = + - @"
            )
        if key.lower().startswith("aws:"):
            problems.append(f"{where} starts with the prefix aws:, which is reserved for AWS (in any case)")
        if not isinstance(value, str):
            problems.append(
                f"{variable}: value of key {show_value(key)} is {type_word(value)} {show_value(value)}; tag values are "
                "strings (quote numbers and booleans)"
            )
            continue
        where = f"{variable}: value {show_value(value)} of key {show_value(key)}"
        if len(value) > MAX_TAG_VALUE_LENGTH:
            problems.append(f"{where} is {len(value)} characters long; tag values have at most {MAX_TAG_VALUE_LENGTH}")
        bad = _bad_tag_chars(value)
        if bad:
            problems.append(
                f"{where} has characters AWS does not allow in tag values ({' '.join(repr(c) for c in bad)}); "
                "allowed are letters, digits, spaces and _ . : / = + - @"
            )
        if value.lower().startswith("aws:"):
            problems.append(f"{where} starts with the prefix aws:, which is reserved for AWS (in any case)")
    return problems


# Character rules shared by several services: (one character as a regular expression, how a message says it).
_IAM_CHARACTERS = (r"[A-Za-z0-9+=,.@_-]", "letters, digits and + = , . @ _ -")
_WORD_CHARACTERS = (r"[A-Za-z0-9_-]", "letters, digits, - and _")

# kind: (what, min length, max length, allowed-character regex (one character), allowed characters in words)
NAME_RULES = {
    "iam_role": ("IAM role name", 1, 64, *_IAM_CHARACTERS),
    "iam_user": ("IAM user name", 1, 64, *_IAM_CHARACTERS),
    "iam_policy": ("IAM policy name", 1, 128, *_IAM_CHARACTERS),
    "secretsmanager_secret": (
        "Secrets Manager secret name",
        1,
        512,
        r"[A-Za-z0-9/_+=.@-]",
        "ASCII letters, digits and / _ + = . @ -",
    ),
    "cloudfront_origin_access_control": ("CloudFront origin access control name", 1, 64, *_WORD_CHARACTERS),
    "cloudfront_cache_policy": ("CloudFront cache policy name", 1, 128, *_WORD_CHARACTERS),
    "cloudfront_response_headers_policy": ("CloudFront response headers policy name", 1, 128, *_WORD_CHARACTERS),
    "cloudfront_key_group": ("CloudFront key group name", 1, 128, *_WORD_CHARACTERS),
    "cloudfront_public_key": ("CloudFront public key name", 1, 128, *_WORD_CHARACTERS),
    "cloudfront_comment": ("CloudFront comment", 0, 128, r"[^\x00-\x1f]", "printable characters"),
    "wafv2_web_acl": ("AWS WAF web ACL name", 1, 128, *_WORD_CHARACTERS),
    "mediaconvert_queue": ("MediaConvert queue name", 1, 128, *_WORD_CHARACTERS),
    "mediaconvert_job_template": ("MediaConvert job template name", 1, 128, *_WORD_CHARACTERS),
    "events_rule": ("EventBridge rule name", 1, 64, r"[A-Za-z0-9._-]", "letters, digits, . - and _"),
    "sqs_queue": ("SQS queue name", 1, 80, *_WORD_CHARACTERS),
    "sns_topic": ("SNS topic name", 1, 256, *_WORD_CHARACTERS),
    "logs_log_group": ("CloudWatch Logs group name", 1, 512, r"[A-Za-z0-9._/#-]", "letters, digits and . _ / # -"),
}


def name_problems(name, kind, variable, derived_from=None):
    """Reasons AWS would refuse ``name`` as a ``kind`` name (a key of :data:`NAME_RULES`, or ``s3_bucket``).

    ``variable`` is the inventory variable the name is (or, with ``derived_from``, the variable the name is made
    from: the message then shows both the variable's value and the name made from it).
    """
    if kind == "s3_bucket":
        what, reasons = "S3 bucket name", bucket_name_problems(name)
    else:
        if kind not in NAME_RULES:
            raise ValueError(f"unknown name kind {kind!r}; one of {', '.join(sorted(NAME_RULES))}, s3_bucket")
        what, low, high, char, words = NAME_RULES[kind]
        if not isinstance(name, str):
            return [f"{variable}: expected a string ({what}), got {type_word(name)} {show_value(name)}"]
        reasons = []
        if not low <= len(name) <= high:
            reasons.append(f"must be {low} to {high} characters long (it has {len(name)})")
        bad = sorted({c for c in name if not re.fullmatch(char, c)})
        if bad:
            reasons.append(f"may contain only {words} (found {' '.join(repr(c) for c in bad)})")
        if kind == "secretsmanager_secret" and re.search(r"-.{6}$", name):
            reasons.append(
                "must not end with a hyphen and six characters, which Secrets Manager mistakes for the random "
                "suffix of an ARN"
            )
    if not reasons:
        return []
    if derived_from is None:
        return [f"{variable}: {show_value(name)} is not a valid {what}: it {'; it '.join(reasons)}"]
    return [
        f"{variable}: {show_value(derived_from)} makes the {what} {show_value(name)}, which AWS would refuse: it "
        + "; it ".join(reasons)
    ]


_REGION = r"[a-z]{2}(-[a-z]+)+-[0-9]+"
_PARTITION = r"aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?"
ARN_RULES = {
    "acm_certificate_cloudfront": (
        "ACM certificate ARN in us-east-1 (the only region CloudFront takes certificates from)",
        rf"^arn:{_PARTITION}:acm:us-east-1:[0-9]{{12}}:certificate/[0-9a-f]{{8}}(-[0-9a-f]{{4}}){{3}}-[0-9a-f]{{12}}$",
        "arn:aws:acm:us-east-1:<12-digit account>:certificate/<UUID>",
    ),
    "iam_role": (
        "IAM role ARN",
        rf"^arn:{_PARTITION}:iam::[0-9]{{12}}:role/([\x21-\x7e]*/)?[A-Za-z0-9+=,.@_-]{{1,64}}$",
        "arn:aws:iam::<12-digit account>:role/<path/><name>",
    ),
    "secretsmanager_secret": (
        "complete Secrets Manager secret ARN",
        rf"^arn:{_PARTITION}:secretsmanager:{_REGION}:[0-9]{{12}}:secret:[A-Za-z0-9/_+=.@-]{{1,512}}-([A-Za-z0-9]{{6}}|[?]{{6}})$",
        "arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>-<6 characters>",
    ),
    "kms_key": (
        "KMS key ARN, key ID, alias name or alias ARN",
        rf"^(arn:{_PARTITION}:kms:{_REGION}:[0-9]{{12}}:(key/(mrk-)?[0-9a-f-]{{32,36}}|alias/[A-Za-z0-9/_-]{{1,250}})"
        r"|(mrk-)?[0-9a-f-]{32,36}|alias/[A-Za-z0-9/_-]{1,250})$",
        "a key ID, alias/<name>, arn:aws:kms:<region>:<account>:key/<ID> or ...:alias/<name>",
    ),
}


def arn_problems(arn, kind, variable, optional=True):
    """Reasons ``arn`` is not an ARN of ``kind`` (a key of :data:`ARN_RULES`); empty or None passes if optional."""
    if kind not in ARN_RULES:
        raise ValueError(f"unknown ARN kind {kind!r}; one of {', '.join(sorted(ARN_RULES))}")
    if arn in (None, "") and optional:
        return []
    what, pattern, form = ARN_RULES[kind]
    if not isinstance(arn, str):
        return [f"{variable}: expected a string ({what}), got {type_word(arn)} {show_value(arn)}"]
    if re.match(pattern, arn):
        return []
    return [f"{variable}: {show_value(arn)} is not the {what} expected here (form: {form})"]


def cache_ttl_problems(ttls):
    """Reasons CloudFront would refuse a cache policy's TTLs.

    ``ttls`` is a list of three ``[variable, value]`` pairs: the minimum, default and maximum TTL, in that order.
    """
    problems = []
    checked = []
    for variable, given in ttls:
        value = given
        if isinstance(given, bool) or not isinstance(given, int):
            try:
                if isinstance(given, bool) or not isinstance(given, str):
                    raise TypeError(given)
                value = int(given)
            except (TypeError, ValueError):
                problems.append(f"{variable}: expected an integer number of seconds, got {show_value(given)}")
                continue
        if value < 0:
            problems.append(f"{variable}: {value} is negative; CloudFront TTLs are 0 or more seconds")
        checked.append((variable, value))
    if problems or len(checked) != 3:
        return problems
    (min_var, min_ttl), (default_var, default_ttl), (max_var, max_ttl) = checked
    if min_ttl > default_ttl:
        problems.append(
            f"{default_var}: {default_ttl} is below {min_var} ({min_ttl}); CloudFront needs "
            "minimum <= default <= maximum"
        )
    if default_ttl > max_ttl:
        problems.append(
            f"{default_var}: {default_ttl} is above {max_var} ({max_ttl}); CloudFront needs "
            "minimum <= default <= maximum"
        )
    return problems


def type_word(value):
    """``a string``, ``a list``, ... for a message (subclasses such as Ansible's unsafe text count as their base)."""
    for kind, word in ((bool, "a boolean"), (str, "a string"), (dict, "a mapping"), ((list, tuple), "a list")):
        if isinstance(value, kind):
            return word
    if isinstance(value, int):
        return "an integer"
    if value is None:
        return "null"
    return type(value).__name__


def type_problems(value, expected, variable, what=""):
    """Reasons ``value`` is not of the ``expected`` type (``list``, ``dict``, ``str``, ``int``), saying which it is.

    Ansible's argument spec turns a string given for a list into a list split at commas; this check comes first,
    so that a string where a list is expected is reported as such, not as a list of its characters.
    """
    kinds = {"list": (list, tuple), "dict": (dict,), "str": (str,), "int": (int,)}
    words = {"list": "a list", "dict": "a mapping", "str": "a string", "int": "an integer"}
    if expected not in kinds:
        raise ValueError(f"unknown type {expected!r}")
    ok = isinstance(value, kinds[expected]) and not (expected == "int" and isinstance(value, bool))
    if ok:
        return []
    got_word = type_word(value)
    hint = " (in YAML, one '- item' per line)" if expected == "list" else ""
    return [
        f"{variable}: expected {words[expected]}{' of ' + what if what else ''}{hint}, "
        f"got {got_word} {show_value(value)}"
    ]


_REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")


def environment_problems(values):
    """Reasons to refuse the inputs every role shares, in this order: region, local endpoint, tags, KMS key.

    ``values`` maps the variable names to their values; a variable left out is not checked (not every role takes
    a KMS key). The local environment talks to the local AWS only, so it needs an endpoint URL.
    """
    problems = []
    region = values.get("storytime_aws_region")
    if "storytime_aws_region" in values and not (isinstance(region, str) and _REGION_NAME.match(region)):
        problems.append(
            f"storytime_aws_region: {show_value(region)} is not an AWS region name (expected something like eu-west-1)"
        )
    if values.get("storytime_environment") == "local" and not values.get("storytime_aws_endpoint_url"):
        problems.append(
            "storytime_aws_endpoint_url is empty: the local inventory talks to the local AWS only. Start it with "
            "`make local-aws-up` (or export AWS_ENDPOINT_URL) and run again"
        )
    if "storytime_tags" in values:
        problems.extend(tag_problems(values["storytime_tags"], "storytime_tags"))
    if "storytime_kms_key_id" in values:
        problems.extend(arn_problems(values["storytime_kms_key_id"] or "", "kms_key", "storytime_kms_key_id"))
    return problems
