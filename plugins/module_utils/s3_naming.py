# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""S3 general purpose bucket naming rules.

Shared by the s3_private_bucket module and the ``s3_bucket_name_problems`` filter, so that a role can
refuse a bad name before any AWS call and the module refuses it again if called directly.
The rules are the ones in the Amazon S3 user guide, "General purpose bucket naming rules".
"""

import re

_ALLOWED = re.compile(r"^[a-z0-9.-]+$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_problems(name):
    """Return a list of reasons S3 would refuse ``name`` as a bucket name (empty when valid)."""
    if not isinstance(name, str):
        return [f"must be a string, not {type(name).__name__}"]
    problems = []
    if not 3 <= len(name) <= 63:
        problems.append(f"must be 3 to 63 characters long (it has {len(name)})")
    if name and not _ALLOWED.match(name):
        bad = sorted({c for c in name if not re.match(r"[a-z0-9.-]", c)})
        problems.append(
            "may contain only lowercase letters, digits, dots and hyphens (found "
            + " ".join(repr(c) for c in bad)
            + ")"
        )
    if name and not (name[0].isalnum() and name[-1].isalnum()):
        problems.append("must begin and end with a letter or digit")
    if ".." in name:
        problems.append("must not contain two adjacent dots")
    if _IPV4.match(name):
        problems.append("must not be formatted as an IP address")
    for prefix in _RESERVED_PREFIXES:
        if name.startswith(prefix):
            problems.append(f"must not start with the reserved prefix {prefix!r}")
    for suffix in _RESERVED_SUFFIXES:
        if name.endswith(suffix):
            problems.append(f"must not end with the reserved suffix {suffix!r}")
    return problems
