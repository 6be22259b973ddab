# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters that sign CloudFront cookies for a custom policy (documentation in the per-filter YAML files).

The policy, the signature and the encodings are built by ``module_utils/signed_cookies.py``; these wrappers turn
its ValueError into AnsibleFilterError. No message ever contains the private key.
"""

from ansible.errors import AnsibleFilterError

# The module_utils are imported inside the filters, when one runs: to find any one filter of the collection,
# ansible-core imports every filter file of it, in the worker process of every task that templates one.


def cloudfront_signed_cookies(
    private_key_pem, key_pair_id=None, resource=None, expires=None, *, starts=None, source_ip=None
):
    for name, value in (("key_pair_id", key_pair_id), ("resource", resource), ("expires", expires)):
        if value is None:
            raise AnsibleFilterError(f"cloudfront_signed_cookies: {name} is required")
    from ansible_collections.storytime.video_infra.plugins.module_utils.signed_cookies import signed_cookies

    try:
        return signed_cookies(private_key_pem, key_pair_id, resource, expires, starts=starts, source_ip=source_ip)
    except ValueError as e:
        raise AnsibleFilterError(f"cloudfront_signed_cookies: {e}") from None


def cloudfront_cookie_header(cookies):
    from ansible_collections.storytime.video_infra.plugins.module_utils.signed_cookies import cookie_header

    try:
        return cookie_header(cookies)
    except ValueError as e:
        raise AnsibleFilterError(f"cloudfront_cookie_header: {e}") from None


class FilterModule:
    def filters(self):
        return {
            "cloudfront_signed_cookies": cloudfront_signed_cookies,
            "cloudfront_cookie_header": cloudfront_cookie_header,
        }
