"""Authentication and authorization in the local AWS: every request signed, every principal held to its policies.

Each test names the AWS documentation page whose behaviour it checks. The examples of issue 11's "Why" that
concern S3 and IAM are here, each now answered as AWS answers it.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from unittest import mock

import pytest
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from local_aws.constants import DUMMY_ACCESS_KEY_ID
from local_aws.constants import DUMMY_SECRET_ACCESS_KEY
from local_aws.identities import RAILS
from tests.local_aws.test_cloudfront import minimal_distribution_config

REGION = "eu-west-1"
BUCKET = "storytime-master-uploads-auth"
ACCOUNT = "123456789012"


def client(aws, service, access_key=DUMMY_ACCESS_KEY_ID, secret_key=DUMMY_SECRET_ACCESS_KEY, token=None, **kw):
    """A client of the local AWS signing with these credentials, without retries (refusals are the point)."""
    return aws.client(
        service,
        REGION,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1}, **kw),
    )


def http(aws, method, path_or_url, body=None, headers=None):
    """A raw HTTPS request to the local AWS: (status, body)."""
    url = path_or_url if path_or_url.startswith("https://") else aws.endpoint_url + path_or_url
    context = ssl.create_default_context(cafile=str(aws.ca_file))
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def error_code(body: bytes) -> str:
    text = body.decode()
    return text.split("<Code>", 1)[1].split("</Code>", 1)[0] if "<Code>" in text else text


def code_of(raised) -> tuple[int, str]:
    response = raised.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


@pytest.fixture
def bucket(aws):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_object(Bucket=BUCKET, Key="masters/book-1.mp4", Body=b"master")
    return s3


def user_with_policy(aws, name, statements=None):
    """An IAM user with an access key and (optionally) one inline policy; returns its key pair."""
    iam = aws.client("iam")
    iam.create_user(UserName=name)
    if statements is not None:
        document = {"Version": "2012-10-17", "Statement": statements}
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


# --- Authentication -------------------------------------------------------------------------------


def test_unsigned_put_and_list_on_a_private_bucket_are_refused(aws, bucket):
    """An unsigned request is anonymous, and a private bucket grants the anonymous principal nothing.

    S3 user guide, "How Amazon S3 authorizes a request" (anonymous requests are evaluated with the bucket policy
    and ACLs only) and S3 API reference, "Error responses" (AccessDenied, 403).
    """
    status, body = http(aws, "PUT", f"/{BUCKET}/masters/anonymous.mp4", body=b"x")
    assert (status, error_code(body)) == (403, "AccessDenied")
    status, body = http(aws, "GET", f"/{BUCKET}?list-type=2")
    assert (status, error_code(body)) == (403, "AccessDenied")
    assert [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["masters/book-1.mp4"]


def test_unsigned_calls_to_other_services_are_missing_their_token(aws):
    """Every service but S3 refuses an unsigned request: "MissingAuthenticationToken" (IAM API reference,
    "Common Errors": "The request must contain either a valid (registered) AWS access key ID or X.509
    certificate", HTTP 403)."""
    status, body = http(
        aws,
        "POST",
        "/",
        body=b"Action=ListUsers&Version=2010-05-08",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (status, error_code(body)) == (403, "MissingAuthenticationToken")
    status, body = http(
        aws,
        "POST",
        "/",
        body=b"{}",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.ListSecrets"},
    )
    assert status == 403 and b"MissingAuthenticationToken" in body


def test_an_unknown_access_key_is_refused(aws):
    """S3: InvalidAccessKeyId "The AWS access key ID you provided does not exist in our records" (S3 API
    reference, "Error responses"); other services: InvalidClientTokenId (STS/IAM API reference, "Common
    Errors")."""
    with pytest.raises(ClientError) as raised:
        client(aws, "s3", "AKIAUNKNOWNKEY000000", "secret").list_buckets()
    assert code_of(raised) == (403, "InvalidAccessKeyId")
    with pytest.raises(ClientError) as raised:
        client(aws, "sts", "AKIAUNKNOWNKEY000000", "secret").get_caller_identity()
    assert code_of(raised) == (403, "InvalidClientTokenId")


def test_a_wrong_secret_does_not_match_the_signature(aws):
    """A known key with the wrong secret: SignatureDoesNotMatch (S3 API reference, "Error responses"; AWS
    General Reference, "Signature Version 4 signing process" / troubleshooting: "The request signature we
    calculated does not match the signature you provided")."""
    with pytest.raises(ClientError) as raised:
        client(aws, "s3", DUMMY_ACCESS_KEY_ID, "not-the-secret").list_buckets()
    assert code_of(raised) == (403, "SignatureDoesNotMatch")
    with pytest.raises(ClientError) as raised:
        client(aws, "iam", DUMMY_ACCESS_KEY_ID, "not-the-secret").list_users()
    assert code_of(raised) == (403, "SignatureDoesNotMatch")


def test_a_deactivated_key_no_longer_works(aws):
    """IAM user guide, "Manage access keys for IAM users": an inactive key cannot be used for API calls."""
    key_id, secret = user_with_policy(aws, "inactive", [{"Effect": "Allow", "Action": "*", "Resource": "*"}])
    assert client(aws, "sts", key_id, secret).get_caller_identity()["Arn"].endswith(":user/inactive")
    aws.client("iam").update_access_key(UserName="inactive", AccessKeyId=key_id, Status="Inactive")
    with pytest.raises(ClientError) as raised:
        client(aws, "sts", key_id, secret).get_caller_identity()
    assert code_of(raised) == (403, "InvalidClientTokenId")


def signed_at(when):
    """Make botocore sign as if the clock said ``when``."""
    return mock.patch("botocore.auth.get_current_datetime", lambda: when.replace(tzinfo=None))


def presigned(aws, method, key, *, expires=60, when=None):
    request = AWSRequest(method=method, url=f"{aws.endpoint_url}/{BUCKET}/{key}")
    auth = S3SigV4QueryAuth(Credentials(DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY), "s3", REGION, expires=expires)
    with signed_at(when or datetime.now(UTC)):
        auth.add_auth(request)
    return request.url


def test_presigned_get_and_put_urls_are_verified_and_expire(aws, bucket):
    """S3 API reference, "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)": the
    signature covers the URL; once X-Amz-Date + X-Amz-Expires has passed S3 answers 403 AccessDenied
    "Request has expired"."""
    s3v4 = client(aws, "s3", signature_version="s3v4")
    url = s3v4.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "masters/book-1.mp4"})
    assert http(aws, "GET", url) == (200, b"master")

    put_url = s3v4.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "masters/new.mp4"})
    assert http(aws, "PUT", put_url, body=b"new", headers={"Content-Type": "video/mp4"})[0] == 200
    assert bucket.get_object(Bucket=BUCKET, Key="masters/new.mp4")["Body"].read() == b"new"

    tampered = url.replace("book-1.mp4", "book-2.mp4")
    status, body = http(aws, "GET", tampered)
    assert (status, error_code(body)) == (403, "SignatureDoesNotMatch")

    expired = presigned(aws, "GET", "masters/book-1.mp4", expires=60, when=datetime.now(UTC) - timedelta(hours=1))
    status, body = http(aws, "GET", expired)
    assert (status, error_code(body)) == (403, "AccessDenied")
    assert b"Request has expired" in body


def test_presigned_urls_may_not_live_longer_than_seven_days(aws, bucket):
    """S3 API reference, "Authenticating Requests: Using Query Parameters": X-Amz-Expires is at most 604800
    seconds (7 days); more is AuthorizationQueryParametersError (400)."""
    url = presigned(aws, "GET", "masters/book-1.mp4", expires=604801)
    status, body = http(aws, "GET", url)
    assert (status, error_code(body)) == (400, "AuthorizationQueryParametersError")


def test_a_request_signed_long_ago_is_refused_for_clock_skew(aws, bucket):
    """S3 API reference, "Error responses": RequestTimeTooSkewed, "The difference between the request time and
    the server's time is too large" (SigV4 allows 15 minutes); other services answer SignatureDoesNotMatch
    "Signature expired" (AWS General Reference, "Troubleshooting Signature Version 4 errors")."""
    with signed_at(datetime.now(UTC) - timedelta(minutes=20)):
        with pytest.raises(ClientError) as raised:
            client(aws, "s3").list_objects_v2(Bucket=BUCKET)
        assert code_of(raised) == (403, "RequestTimeTooSkewed")
        with pytest.raises(ClientError) as raised:
            client(aws, "iam").list_users()
        assert code_of(raised) == (403, "SignatureDoesNotMatch")
        assert "Signature expired" in raised.value.response["Error"]["Message"]


def test_signature_version_2_is_refused(aws, bucket):
    """S3 API reference, "Specifying the Signature Version in request authentication": buckets created after
    24 June 2020 accept only Signature Version 4."""
    url = bucket.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "masters/book-1.mp4"})
    assert "AWSAccessKeyId=" in url  # botocore's default for presigned S3 URLs
    status, body = http(aws, "GET", url)
    assert (status, error_code(body)) == (400, "InvalidRequest")


# --- Authorization ---------------------------------------------------------------------------------


def test_a_user_without_policies_may_do_nothing_but_ask_who_it_is(aws, bucket):
    """IAM user guide, "Policy evaluation logic": without an allow the request is implicitly denied;
    "GetCallerIdentity": "No permissions are required to perform this operation" (STS API reference)."""
    key_id, secret = user_with_policy(aws, "nobody")
    assert client(aws, "sts", key_id, secret).get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/nobody"
    with pytest.raises(ClientError) as raised:
        client(aws, "s3", key_id, secret).get_object(Bucket=BUCKET, Key="masters/book-1.mp4")
    assert code_of(raised) == (403, "AccessDenied")
    with pytest.raises(ClientError) as raised:
        client(aws, "iam", key_id, secret).list_users()
    assert code_of(raised)[1] == "AccessDenied"
    assert "is not authorized to perform: iam:ListUsers" in raised.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as raised:
        client(aws, "secretsmanager", key_id, secret).list_secrets()
    assert code_of(raised)[1] == "AccessDeniedException"


def test_resources_actions_and_explicit_deny_are_evaluated(aws, bucket):
    """IAM user guide, "Policy evaluation logic": an explicit deny overrides any allow; an allow covers only the
    actions and resources it names (IAM JSON policy elements: Action, Resource)."""
    key_id, secret = user_with_policy(
        aws,
        "reader",
        [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/masters/*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/masters/secret-*"},
        ],
    )
    bucket.put_object(Bucket=BUCKET, Key="masters/secret-1.mp4", Body=b"s")
    bucket.put_object(Bucket=BUCKET, Key="other/1.mp4", Body=b"o")
    reader = client(aws, "s3", key_id, secret)
    assert reader.get_object(Bucket=BUCKET, Key="masters/book-1.mp4")["Body"].read() == b"master"
    for key in ("masters/secret-1.mp4", "other/1.mp4"):
        with pytest.raises(ClientError) as raised:
            reader.get_object(Bucket=BUCKET, Key=key)
        assert code_of(raised) == (403, "AccessDenied")
    with pytest.raises(ClientError) as raised:
        reader.put_object(Bucket=BUCKET, Key="masters/x.mp4", Body=b"x")
    assert code_of(raised) == (403, "AccessDenied")


def test_conditions_of_identity_policies_are_evaluated(aws, bucket):
    """IAM user guide, "IAM JSON policy elements: Condition" and "AWS global condition context keys"
    (aws:RequestedRegion, aws:SecureTransport): an allow whose condition fails does not apply."""
    key_id, secret = user_with_policy(
        aws,
        "regional",
        [
            {
                "Effect": "Allow",
                "Action": "secretsmanager:ListSecrets",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
            }
        ],
    )
    with pytest.raises(ClientError) as raised:
        client(aws, "secretsmanager", key_id, secret).list_secrets()
    assert code_of(raised)[1] == "AccessDeniedException"
    other = aws.client("secretsmanager", "us-east-1", aws_access_key_id=key_id, aws_secret_access_key=secret)
    assert other.list_secrets()["SecretList"] == []


def test_an_identity_allow_and_the_bucket_policy_work_together(aws, bucket):
    """S3 user guide, "How Amazon S3 authorizes a request for an object operation": within the bucket owner's
    account an allow from the user's policy or from the bucket policy suffices, and an explicit deny in the
    bucket policy overrides the user's allow."""
    key_id, secret = user_with_policy(
        aws, "writer", [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}]
    )
    writer = client(aws, "s3", key_id, secret)
    writer.put_object(Bucket=BUCKET, Key="masters/ok.mp4", Body=b"ok")
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/writer"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/masters/locked/*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/writer"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/masters/*",
            },
        ],
    }
    bucket.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(deny))
    with pytest.raises(ClientError) as raised:
        writer.put_object(Bucket=BUCKET, Key="masters/locked/x.mp4", Body=b"x")
    assert code_of(raised) == (403, "AccessDenied")
    assert writer.get_object(Bucket=BUCKET, Key="masters/ok.mp4")["Body"].read() == b"ok"


def test_block_public_policy_refuses_a_public_bucket_policy(aws, bucket):
    """S3 user guide, "Blocking public access to your Amazon S3 storage": with BlockPublicPolicy, "Amazon S3
    rejects calls to PUT Bucket policy if the specified bucket policy allows public access"; a policy pinned to
    a service principal and aws:SourceArn is not public ("The meaning of public")."""
    allow_all = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
        ],
    }
    with pytest.raises(ClientError) as raised:
        bucket.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(allow_all))
    assert code_of(raised) == (403, "AccessDenied")
    with pytest.raises(ClientError):
        bucket.get_bucket_policy(Bucket=BUCKET)

    pinned = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
                "Condition": {"StringEquals": {"AWS:SourceArn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1"}},
            }
        ],
    }
    bucket.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(pinned))
    assert json.loads(bucket.get_bucket_policy(Bucket=BUCKET)["Policy"]) == pinned


def test_block_public_acls_refuses_a_public_acl(aws, bucket):
    """S3 user guide, "Blocking public access to your Amazon S3 storage": with BlockPublicAcls, PUT Object and PUT
    Object acl calls "fail if the specified access control list (ACL) is public"."""
    with pytest.raises(ClientError) as raised:
        bucket.put_object(Bucket=BUCKET, Key="masters/public.mp4", Body=b"p", ACL="public-read")
    assert code_of(raised) == (403, "AccessDenied")
    with pytest.raises(ClientError) as raised:
        bucket.put_object_acl(Bucket=BUCKET, Key="masters/book-1.mp4", ACL="public-read")
    assert code_of(raised) == (403, "AccessDenied")
    bucket.put_object(Bucket=BUCKET, Key="masters/private.mp4", Body=b"p", ACL="private")


def test_restrict_public_buckets_makes_a_public_policy_grant_nothing_to_anonymous(aws, bucket):
    """S3 user guide, "Blocking public access to your Amazon S3 storage": RestrictPublicBuckets "restricts
    access to an access point or bucket with a public policy to only AWS service principals and authorized users
    within the bucket owner's account"."""
    bucket.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": True,
        },
    )
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
        ],
    }
    bucket.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    status, _ = http(aws, "GET", f"/{BUCKET}/masters/book-1.mp4")
    assert status == 403

    bucket.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        },
    )
    assert http(aws, "GET", f"/{BUCKET}/masters/book-1.mp4") == (200, b"master")


def test_assume_role_needs_the_trust_policy_and_the_session_gets_the_roles_permissions(aws, bucket):
    """IAM user guide, "Granting a user permissions to switch roles" and "Policy evaluation logic": AssumeRole
    needs the role's trust policy to allow the caller (conditions included) and the caller to be allowed
    sts:AssumeRole; the session then has the role's permissions, nothing of the user's."""
    iam = aws.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "storytime"}},
            }
        ],
    }
    role = iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    read = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    iam.put_role_policy(RoleName="reader", PolicyName="read", PolicyDocument=json.dumps(read))
    key_id, secret = user_with_policy(
        aws, "switcher", [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role["Arn"]}]
    )
    sts = client(aws, "sts", key_id, secret)
    with pytest.raises(ClientError) as raised:
        # No external ID: the trust policy's condition fails.
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="reader-session")
    assert code_of(raised) == (403, "AccessDenied")
    session = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="reader-session", ExternalId="storytime")
    session = session["Credentials"]
    as_role = client(aws, "s3", session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    assert as_role.get_object(Bucket=BUCKET, Key="masters/book-1.mp4")["Body"].read() == b"master"
    with pytest.raises(ClientError) as raised:
        as_role.put_object(Bucket=BUCKET, Key="masters/x.mp4", Body=b"x")
    assert code_of(raised) == (403, "AccessDenied")
    wrong_token = client(aws, "s3", session["AccessKeyId"], session["SecretAccessKey"], "not-the-token")
    with pytest.raises(ClientError) as raised:
        wrong_token.get_object(Bucket=BUCKET, Key="masters/book-1.mp4")
    assert code_of(raised)[1] == "InvalidToken"


def test_the_seeded_rails_user_starts_with_no_permissions(aws):
    """The local AWS's Rails identity holds nothing until the collection attaches its policy (see
    dev/local-aws/local_aws/identities.py); as every IAM user, it may still call GetCallerIdentity."""
    rails = client(aws, "sts", RAILS.access_key_id, RAILS.secret_access_key)
    assert rails.get_caller_identity()["Arn"] == RAILS.arn
    with pytest.raises(ClientError) as raised:
        client(aws, "secretsmanager", RAILS.access_key_id, RAILS.secret_access_key).list_secrets()
    assert code_of(raised)[1] == "AccessDeniedException"
    assert aws.client("iam").list_attached_user_policies(UserName=RAILS.user_name)["AttachedPolicies"] == []


def test_create_distribution_with_tags_needs_create_distribution_and_tag_resource(aws):
    """CloudFront API reference, "CreateDistributionWithTags": "This API operation requires the following IAM
    permissions: CreateDistribution, TagResource"
    (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistributionWithTags.html). A policy
    naming an action called cloudfront:CreateDistributionWithTags grants nothing."""
    distribution = f"arn:aws:cloudfront::{ACCOUNT}:distribution/*"
    tags = {"Items": [{"Key": "Project", "Value": "storytime"}]}
    tagged = {"DistributionConfig": minimal_distribution_config("tagged"), "Tags": tags}

    def refusal(user, actions):
        key_id, secret = user_with_policy(aws, user, [{"Effect": "Allow", "Action": actions, "Resource": "*"}])
        with pytest.raises(ClientError) as raised:
            client(aws, "cloudfront", key_id, secret).create_distribution_with_tags(DistributionConfigWithTags=tagged)
        assert code_of(raised) == (403, "AccessDenied")
        return raised.value.response["Error"]["Message"]

    assert "cloudfront:CreateDistribution on resource" in refusal("named", ["cloudfront:CreateDistributionWithTags"])
    untagged = refusal("untagging", ["cloudfront:CreateDistribution"])
    assert f"cloudfront:TagResource on resource: {distribution}" in untagged
    key_id, secret = user_with_policy(
        aws, "creator", [{"Effect": "Allow", "Action": ["cloudfront:CreateDistribution", "cloudfront:TagResource"],
                          "Resource": distribution}]
    )  # fmt: skip
    created = client(aws, "cloudfront", key_id, secret).create_distribution_with_tags(DistributionConfigWithTags=tagged)
    arn = created["Distribution"]["ARN"]
    assert aws.client("cloudfront").list_tags_for_resource(Resource=arn)["Tags"]["Items"] == [
        {"Key": "Project", "Value": "storytime"}
    ]
