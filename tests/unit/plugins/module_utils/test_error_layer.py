"""The collection's errors go through amazon.aws's error layer: AWSErrorHandler subclasses, AnsibleAWSError, and
fail_json_aws_error; no module or module_utils file catches botocore's exceptions itself."""

import re
from pathlib import Path

import botocore.exceptions
import pytest
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.storytime.video_infra.plugins.module_utils import cloudfront as cf
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeErrorHandler
from ansible_collections.storytime.video_infra.plugins.module_utils.common import web_acl_summaries
from ansible_collections.storytime.video_infra.plugins.module_utils.mediaconvert import MediaConvertErrorHandler

ROOT = Path(__file__).resolve().parents[4]


def client_error(code):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": "no"}}, "Operation")


def raising(error):
    def call(aws_retry=False, **kwargs):
        assert aws_retry is True  # the handler's calls are the retrying ones
        raise error

    return call


def test_the_collections_error_is_amazon_aws_error_with_its_message_and_cause():
    cause = client_error("AccessDenied")
    error = StorytimeError("Failed to read x", cause)
    assert isinstance(error, AnsibleAWSError)
    assert (error.message, error.exception) == ("Failed to read x", cause)
    assert issubclass(cf.CloudFrontErrorHandler, AWSErrorHandler)


def test_a_failed_call_raises_the_services_error_named_by_the_description():
    cause = client_error("AccessDenied")
    with pytest.raises(cf.CloudFrontError) as raised:
        cf.call("get distribution E1", raising(cause), Id="E1")
    assert raised.value.message == "Failed to get distribution E1"
    assert raised.value.exception is cause


def test_a_missing_resource_reads_as_none_only_for_the_services_own_codes():
    assert cf.call_or_none("get cache policy x", raising(client_error("NoSuchCachePolicy")), Id="x") is None
    assert MediaConvertErrorHandler.call_or_none("get queue q", raising(client_error("NotFoundException"))) is None
    with pytest.raises(cf.CloudFrontError):
        cf.call_or_none("get cache policy x", raising(client_error("NotFoundException")), Id="x")
    with pytest.raises(cf.CloudFrontError):
        cf.call("get cache policy x", raising(client_error("NoSuchCachePolicy")), Id="x")


def test_tolerating_gives_one_call_its_own_nothing_to_do_codes_and_a_default():
    handler = StorytimeErrorHandler.tolerating("BucketAlreadyOwnedByYou")
    assert handler.call_or_none("create bucket b", raising(client_error("BucketAlreadyOwnedByYou")), default={}) == {}
    with pytest.raises(StorytimeError, match="Failed to create bucket b"):
        handler.call_or_none("create bucket b", raising(client_error("BucketAlreadyExists")))
    assert StorytimeErrorHandler.MISSING_CODES == ()  # the base class is left as it was
    # One class per handler and codes, made once (not on every call).
    assert StorytimeErrorHandler.tolerating("BucketAlreadyOwnedByYou") is handler
    assert cf.CloudFrontErrorHandler.tolerating("BucketAlreadyOwnedByYou") is not handler
    assert issubclass(cf.CloudFrontErrorHandler.tolerating("BucketAlreadyOwnedByYou"), cf.CloudFrontErrorHandler)


def test_a_connection_failure_is_an_error_of_the_service_too():
    with pytest.raises(cf.CloudFrontError, match="Failed to list distributions"):
        cf.call("list distributions", raising(botocore.exceptions.EndpointConnectionError(endpoint_url="https://x")))


def answering(*pages):
    """A client method that answers ``pages`` in turn and records the requests it got."""
    requests = []

    def call(aws_retry=False, **kwargs):
        assert aws_retry is True
        requests.append(dict(kwargs))
        return pages[len(requests) - 1]

    return call, requests


def test_pages_follow_the_continuation_token_until_a_page_has_none():
    method, requests = answering({"Items": [1], "NextToken": "t2"}, {"Items": [2], "NextToken": "t3"}, {"Items": [3]})
    pages = list(MediaConvertErrorHandler.pages("list jobs", method, {"MaxResults": 2}))
    assert [page["Items"] for page in pages] == [[1], [2], [3]]
    assert requests == [{"MaxResults": 2}, {"MaxResults": 2, "NextToken": "t2"}, {"MaxResults": 2, "NextToken": "t3"}]


def test_pages_of_cloudfront_send_marker_back_from_next_marker_inside_the_list():
    method, requests = answering(
        {"DistributionList": {"Items": ["a"], "IsTruncated": True, "NextMarker": "m2"}},
        {"DistributionList": {"Items": ["b"], "IsTruncated": False}},
    )
    pages = cf.CloudFrontErrorHandler.pages(
        "list distributions", method, {}, token="Marker", next_token="NextMarker", within="DistributionList"
    )
    assert [page["Items"] for page in pages] == [["a"], ["b"]]
    assert requests == [{}, {"Marker": "m2"}]


def test_the_caller_may_change_the_request_between_pages_and_stop_early():
    method, requests = answering({"Jobs": [1, 2], "NextToken": "t2"}, {"Jobs": [3], "NextToken": "t3"})
    request = {"MaxResults": 2}
    jobs = []
    for page in MediaConvertErrorHandler.pages("list jobs", method, request):
        jobs.extend(page["Jobs"])
        if len(jobs) >= 3:
            break
        request["MaxResults"] = 1
    assert jobs == [1, 2, 3]
    assert requests == [{"MaxResults": 2}, {"MaxResults": 1, "NextToken": "t2"}]  # no third call


def test_web_acls_follow_next_marker_and_an_empty_page_ends_the_list():
    """WAF may answer the last, empty page with a marker still: the listing stops there instead of asking again."""
    method, requests = answering(
        {"WebACLs": [{"Name": "a"}], "NextMarker": "m2"},
        {"WebACLs": [{"Name": "b"}], "NextMarker": "m3"},
        {"WebACLs": [], "NextMarker": "m4"},
    )

    class Client:
        list_web_acls = staticmethod(method)

    names = [acl["Name"] for acl in web_acl_summaries(cf.CloudFrontErrorHandler, Client, "CLOUDFRONT")]
    assert names == ["a", "b"]
    assert requests == [
        {"Scope": "CLOUDFRONT", "Limit": 100},
        {"Scope": "CLOUDFRONT", "Limit": 100, "NextMarker": "m2"},
        {"Scope": "CLOUDFRONT", "Limit": 100, "NextMarker": "m3"},
    ]


def test_a_failed_page_raises_the_services_error_named_by_the_description():
    with pytest.raises(cf.CloudFrontError, match="Failed to list key groups"):
        list(cf.CloudFrontErrorHandler.pages("list key groups", raising(client_error("AccessDenied")), {}))


def test_no_plugin_catches_botocore_exceptions_by_hand():
    """Every AWS call's failure goes through a StorytimeErrorHandler. The one exception: a CloudFront waiter's
    timeout, reported as how long the distribution took to deploy."""
    catching = re.compile(r"except\s*\(?\s*(botocore\.exceptions\.\w+|is_boto3_error_code)")
    found = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        for line in path.read_text().splitlines():
            if catching.search(line):
                found.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert found == ["plugins/modules/cloudfront_distribution.py: except botocore.exceptions.WaiterError as e:"]
