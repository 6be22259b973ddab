"""Call sequences of acm_certificate against a stubbed ACM client."""

import datetime

import pytest
from ansible_collections.storytime.video_infra.plugins.modules import acm_certificate as mod

REGION = "us-east-1"
DOMAIN = "cdn.storytime.test"
WILDCARD = "*.cdn.storytime.test"
ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
OLDER_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/99999999-4e5f-6789-abcd-ef0123456789"
CREATED = datetime.datetime(2025, 1, 31, 10, 15, 42, tzinfo=datetime.UTC)
NOT_AFTER = datetime.datetime(2026, 3, 1, 23, 59, 59, tzinfo=datetime.UTC)
TAGS = {"Project": "storytime", "Environment": "unit"}
RECORD = {
    "Name": f"_3639ac514e785e898d2646601fa951d5.{DOMAIN}.",
    "Type": "CNAME",
    "Value": "_98d2646601fa951d53639ac514e785e8.zfyfvmchrl.acm-validations.aws.",
}
USABLE = ("ISSUED", "PENDING_VALIDATION")


class FakeClock:
    """Replaces the module's time: sleeping advances the clock at once."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(mod, "time", fake)
    return fake


def option(domain, status, record):
    entry = {"DomainName": domain, "ValidationDomain": domain, "ValidationStatus": status, "ValidationMethod": "DNS"}
    if record:
        entry["ResourceRecord"] = record
    return entry


def certificate(
    arn=ARN, status="PENDING_VALIDATION", names=(DOMAIN,), algorithm="RSA_2048", records=True, created=CREATED, **extra
):
    domain_status = "SUCCESS" if status == "ISSUED" else "PENDING_VALIDATION"
    c = {
        "CertificateArn": arn,
        "DomainName": names[0],
        "SubjectAlternativeNames": list(names),
        "DomainValidationOptions": [option(name, domain_status, RECORD if records else None) for name in names],
        "Status": status,
        "Type": "AMAZON_ISSUED",
        "KeyAlgorithm": algorithm,
        "InUseBy": [],
        "CreatedAt": created,
    }
    if status == "ISSUED":
        c.update(IssuedAt=created, NotBefore=created, NotAfter=NOT_AFTER)
    c.update(extra)
    return c


def summary(arn=ARN, domain=DOMAIN, status="PENDING_VALIDATION"):
    return {"CertificateArn": arn, "DomainName": domain, "Status": status, "Type": "AMAZON_ISSUED"}


def list_certificates(stub, summaries, statuses=USABLE, algorithm="RSA_2048"):
    expected = {"Includes": {"keyTypes": [algorithm]}, "MaxItems": 1000}
    if statuses:
        expected["CertificateStatuses"] = list(statuses)
    stub.add_response("list_certificates", {"CertificateSummaryList": summaries}, expected)


def describe(stub, found, arn=ARN):
    stub.add_response("describe_certificate", {"Certificate": found}, {"CertificateArn": arn})


def list_tags(stub, tags, arn=ARN):
    response = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}  # no empty list in ACM
    stub.add_response("list_tags_for_certificate", response, {"CertificateArn": arn})


def request(stub, names=(DOMAIN,), algorithm="RSA_2048", tags=None, arn=ARN, token=True):
    expected = {"DomainName": names[0], "ValidationMethod": "DNS", "KeyAlgorithm": algorithm}
    if token:
        expected["IdempotencyToken"] = mod.idempotency_token(list(names), algorithm)
    if len(names) > 1:
        expected["SubjectAlternativeNames"] = list(names[1:])
    if tags:
        expected["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    stub.add_response("request_certificate", {"CertificateArn": arn}, expected)


def args(**extra):
    return {"domain_name": DOMAIN, "region": REGION, **extra}


def acm(runner):
    return runner.stub("acm", region=REGION)


# ---------------------------------------------------------------------------------------------
# present: requesting


def test_create_requests_a_dns_validated_certificate_and_returns_its_records(runner):
    stub = acm(runner)
    names = (DOMAIN, WILDCARD, "www.storytime.test")
    www_record = dict(RECORD, Name="_0c8f.www.storytime.test.", Value="_77aa.abcdefghij.acm-validations.aws.")
    list_certificates(stub, [summary(domain="other.storytime.test")])
    request(stub, names=names, tags=TAGS)
    created = certificate(names=names)
    created["DomainValidationOptions"][2]["ResourceRecord"] = www_record
    describe(stub, created)

    result = runner.run(mod.main, args(subject_alternative_names=[WILDCARD, "WWW.storytime.test.", DOMAIN], tags=TAGS))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["certificate"] == {
        "arn": ARN,
        "domain_name": DOMAIN,
        "subject_alternative_names": list(names),
        "status": "PENDING_VALIDATION",
        "key_algorithm": "RSA_2048",
        "in_use_by": [],
        "not_after": None,
        # The domain and its wildcard share one record: listed once.
        "validation_records": [
            {"domain_name": DOMAIN, "name": RECORD["Name"], "type": "CNAME", "value": RECORD["Value"]},
            {
                "domain_name": "www.storytime.test",
                "name": www_record["Name"],
                "type": "CNAME",
                "value": www_record["Value"],
            },
        ],
        "tags": TAGS,
    }
    assert result.result["diff"] == {"before": {}, "after": result.result["certificate"]}


def test_the_idempotency_token_depends_on_names_and_algorithm_only():
    token = mod.idempotency_token([DOMAIN, "a.test", "b.test"], "RSA_2048")

    assert len(token) == 32 and token.isalnum()
    assert mod.idempotency_token([DOMAIN, "b.test", "a.test"], "RSA_2048") == token
    assert mod.idempotency_token([DOMAIN, "a.test", "b.test"], "EC_prime256v1") != token
    assert mod.idempotency_token(["a.test", DOMAIN, "b.test"], "RSA_2048") != token


def test_records_are_polled_until_acm_has_published_them(runner, clock):
    stub = acm(runner)
    list_certificates(stub, [])
    request(stub)
    describe(stub, certificate(records=False))
    describe(stub, certificate(records=False))
    describe(stub, certificate())

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["certificate"]["validation_records"][0]["name"] == RECORD["Name"]
    assert clock.sleeps == [5, 5]


def test_records_timeout_fails_and_still_returns_the_certificate(runner, clock):
    stub = acm(runner)
    list_certificates(stub, [])
    request(stub)
    for _attempt in range(3):
        describe(stub, certificate(records=False))

    result = runner.run(mod.main, args(validation_records_timeout=10))

    assert result.failed
    assert result.result["changed"] is True
    assert f"validation records of certificate {ARN} after 10 seconds" in result.result["msg"]
    assert result.result["certificate"]["arn"] == ARN
    assert result.result["certificate"]["validation_records"] == []
    assert clock.sleeps == [5, 5]


def test_records_timeout_zero_returns_at_once(runner, clock):
    stub = acm(runner)
    list_certificates(stub, [])
    request(stub)
    describe(stub, certificate(records=False))

    result = runner.run(mod.main, args(validation_records_timeout=0))

    assert not result.failed, result.result
    assert result.result["certificate"]["validation_records"] == []
    assert clock.sleeps == []


def test_ec_key_algorithm_is_listed_and_requested(runner):
    stub = acm(runner)
    list_certificates(stub, [], algorithm="EC_prime256v1")
    request(stub, algorithm="EC_prime256v1")
    describe(stub, certificate(algorithm="EC_prime256v1"))

    result = runner.run(mod.main, args(key_algorithm="EC_prime256v1"))

    assert not result.failed, result.result
    assert result.result["certificate"]["key_algorithm"] == "EC_prime256v1"


def test_a_new_certificate_acm_does_not_know_yet_is_described_again_not_requested_again(runner):
    stub = acm(runner)
    list_certificates(stub, [])
    request(stub)
    stub.add_client_error("describe_certificate", "ResourceNotFoundException", "not found", 400)
    describe(stub, certificate())

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["certificate"]["arn"] == ARN


def test_a_token_naming_a_failed_certificate_is_dropped_for_a_new_request(runner):
    stub = acm(runner)
    list_certificates(stub, [])
    request(stub, arn=OLDER_ARN)
    describe(stub, certificate(arn=OLDER_ARN, status="FAILED"), arn=OLDER_ARN)
    request(stub, token=False)
    describe(stub, certificate())

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["certificate"]["arn"] == ARN


def test_aws_error_on_request_is_reported_with_its_code(runner):
    stub = acm(runner)
    list_certificates(stub, [])
    stub.add_client_error("request_certificate", "LimitExceededException", "too many certificates", 400)

    result = runner.run(mod.main, args())

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to request a certificate for {DOMAIN}")
    assert result.result["error"]["code"] == "LimitExceededException"


# ---------------------------------------------------------------------------------------------
# present: finding


def test_found_issued_certificate_is_a_no_op_with_only_read_calls(runner):
    stub = acm(runner)
    other_sans = "arn:aws:acm:us-east-1:123456789012:certificate/55555555-4e5f-6789-abcd-ef0123456789"
    list_certificates(
        stub,
        [
            summary(arn=OLDER_ARN, status="PENDING_VALIDATION"),
            summary(arn=other_sans, status="ISSUED"),
            summary(arn=ARN, status="ISSUED"),
        ],
    )
    describe(stub, certificate(arn=OLDER_ARN, created=CREATED + datetime.timedelta(days=1)), arn=OLDER_ARN)
    describe(stub, certificate(arn=other_sans, status="ISSUED", names=(DOMAIN, "www.storytime.test")), arn=other_sans)
    describe(stub, certificate(status="ISSUED", InUseBy=["arn:aws:cloudfront::123456789012:distribution/E2EX"]))
    list_tags(stub, TAGS)

    result = runner.run(mod.main, args(tags=TAGS))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert "diff" not in result.result
    found = result.result["certificate"]
    assert found["arn"] == ARN  # ISSUED wins over a newer PENDING_VALIDATION one
    assert found["status"] == "ISSUED"
    assert found["not_after"] == "2026-03-01T23:59:59+00:00"
    assert found["in_use_by"] == ["arn:aws:cloudfront::123456789012:distribution/E2EX"]
    assert found["tags"] == TAGS


def test_a_pending_certificate_is_found_and_kept(runner):
    stub = acm(runner)
    list_certificates(stub, [summary()])
    describe(stub, certificate())
    list_tags(stub, {})

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["certificate"]["status"] == "PENDING_VALIDATION"
    assert len(result.result["certificate"]["validation_records"]) == 1


def test_a_certificate_that_failed_meanwhile_is_not_reused(runner):
    stub = acm(runner)
    list_certificates(stub, [summary(arn=OLDER_ARN)])
    describe(stub, certificate(arn=OLDER_ARN, status="VALIDATION_TIMED_OUT"), arn=OLDER_ARN)
    request(stub)
    describe(stub, certificate())

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["certificate"]["arn"] == ARN


def test_tags_are_purged_and_set(runner):
    stub = acm(runner)
    list_certificates(stub, [summary(status="ISSUED")])
    describe(stub, certificate(status="ISSUED"))
    list_tags(stub, {"Project": "storytime", "Old": "x", "aws:cloudformation:stack-name": "s"})
    stub.add_response("remove_tags_from_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "Old"}]})
    stub.add_response(
        "add_tags_to_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "Environment", "Value": "unit"}]}
    )

    result = runner.run(mod.main, args(tags=TAGS))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["certificate"]["tags"] == {**TAGS, "aws:cloudformation:stack-name": "s"}
    assert result.result["diff"]["before"]["tags"]["Old"] == "x"
    assert "Old" not in result.result["diff"]["after"]["tags"]


def test_tags_without_purge_only_add(runner):
    stub = acm(runner)
    list_certificates(stub, [summary(status="ISSUED")])
    describe(stub, certificate(status="ISSUED"))
    list_tags(stub, {"Old": "x"})
    stub.add_response(
        "add_tags_to_certificate",
        {},
        {"CertificateArn": ARN, "Tags": [{"Key": k, "Value": v} for k, v in sorted(TAGS.items())]},
    )

    result = runner.run(mod.main, args(tags=TAGS, purge_tags=False))

    assert not result.failed, result.result
    assert result.result["certificate"]["tags"] == {"Old": "x", **TAGS}


def test_throttling_is_retried(runner):
    stub = acm(runner)
    stub.add_client_error("list_certificates", "ThrottlingException", "Rate exceeded", 400)
    list_certificates(stub, [summary(status="ISSUED")])
    describe(stub, certificate(status="ISSUED"))
    list_tags(stub, {})

    result = runner.run(mod.main, args())

    assert not result.failed, result.result
    assert result.result["changed"] is False


# ---------------------------------------------------------------------------------------------
# check mode


def test_check_mode_predicts_the_request_without_writing(runner):
    stub = acm(runner)
    list_certificates(stub, [])

    result = runner.run(mod.main, args(subject_alternative_names=[WILDCARD], tags=TAGS, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["certificate"] == {
        "arn": f"(created by this run: ACM certificate {DOMAIN})",
        "domain_name": DOMAIN,
        "subject_alternative_names": [DOMAIN, WILDCARD],
        "status": "PENDING_VALIDATION",
        "key_algorithm": "RSA_2048",
        "in_use_by": [],
        "not_after": None,
        "validation_records": [],
        "tags": TAGS,
    }
    assert result.result["diff"] == {"before": {}, "after": result.result["certificate"]}


def test_check_mode_predicts_a_tag_change_and_never_waits(runner, clock):
    stub = acm(runner)
    list_certificates(stub, [summary()])
    describe(stub, certificate())
    list_tags(stub, {"Old": "x"})

    result = runner.run(mod.main, args(tags=TAGS, wait=True, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["certificate"]["tags"] == TAGS
    assert result.result["certificate"]["status"] == "PENDING_VALIDATION"
    assert clock.sleeps == []


# ---------------------------------------------------------------------------------------------
# wait


def test_wait_until_issued(runner, clock):
    stub = acm(runner)
    list_certificates(stub, [])
    request(stub)
    describe(stub, certificate())
    describe(stub, certificate())
    describe(stub, certificate(status="ISSUED"))

    result = runner.run(mod.main, args(wait=True, wait_delay=10))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["certificate"]["status"] == "ISSUED"
    assert result.result["certificate"]["not_after"] == "2026-03-01T23:59:59+00:00"
    assert clock.sleeps == [10, 10]


def test_wait_timeout_names_the_records_still_missing(runner, clock):
    stub = acm(runner)
    list_certificates(stub, [summary()])
    describe(stub, certificate())
    list_tags(stub, {})
    for _attempt in range(3):
        describe(stub, certificate())

    result = runner.run(mod.main, args(wait=True, wait_timeout=30, wait_delay=10))

    assert result.failed
    assert result.result["changed"] is False
    assert result.result["msg"] == (
        f"Timed out after 30 seconds waiting for certificate {ARN} to be issued; it is PENDING_VALIDATION."
        f" ACM issues it once these CNAME records resolve: {RECORD['Name']} CNAME {RECORD['Value']}."
    )
    assert result.result["certificate"]["arn"] == ARN
    assert clock.sleeps == [10, 10, 10]


def test_wait_ending_in_a_failure_fails_with_the_reason(runner, clock):
    stub = acm(runner)
    list_certificates(stub, [])
    request(stub)
    describe(stub, certificate())
    describe(stub, certificate(status="FAILED", FailureReason="CAA_ERROR"))

    result = runner.run(mod.main, args(wait=True))

    assert result.failed
    assert result.result["changed"] is True
    assert (
        result.result["msg"]
        == f"Certificate {ARN} is FAILED (CAA_ERROR), it will not be issued; delete it and run again."
    )
    assert clock.sleeps == [15]


# ---------------------------------------------------------------------------------------------
# absent


def test_delete(runner):
    stub = acm(runner)
    list_certificates(stub, [summary(status="FAILED"), summary(domain="other.storytime.test")], statuses=None)
    describe(stub, certificate(status="FAILED"))
    stub.add_response("delete_certificate", {}, {"CertificateArn": ARN})

    result = runner.run(mod.main, args(state="absent"))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert [c["arn"] for c in result.result["diff"]["before"]["certificates"]] == [ARN]
    assert result.result["diff"]["after"] == {"certificates": []}


def test_delete_of_nothing_is_a_no_op(runner):
    stub = acm(runner)
    list_certificates(stub, [], statuses=None)

    result = runner.run(mod.main, args(state="absent"))

    assert not result.failed, result.result
    assert result.result == {"changed": False}


def test_delete_in_check_mode_writes_nothing(runner):
    stub = acm(runner)
    list_certificates(stub, [summary()], statuses=None)
    describe(stub, certificate())

    result = runner.run(mod.main, args(state="absent", _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True


def test_delete_of_a_certificate_in_use_says_to_detach_it_first(runner):
    stub = acm(runner)
    distribution = "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE"
    list_certificates(stub, [summary(status="ISSUED")], statuses=None)
    describe(stub, certificate(status="ISSUED", InUseBy=[distribution]))

    result = runner.run(mod.main, args(state="absent"))

    assert result.failed
    assert distribution in result.result["msg"]
    assert "Detach it from the CloudFront distribution first" in result.result["msg"]


def test_resource_in_use_answer_says_to_detach_it_first(runner):
    stub = acm(runner)
    list_certificates(stub, [summary(status="ISSUED")], statuses=None)
    describe(stub, certificate(status="ISSUED"))
    stub.add_client_error("delete_certificate", "ResourceInUseException", "Certificate is in use", 400)

    result = runner.run(mod.main, args(state="absent"))

    assert result.failed
    assert result.result["msg"].startswith(f"Certificate {ARN} is in use by another AWS service")
    assert "Detach it from the CloudFront distribution first" in result.result["msg"]
    assert result.result["error"]["code"] == "ResourceInUseException"


# ---------------------------------------------------------------------------------------------
# refused before any call


def test_a_region_other_than_us_east_1_is_refused_before_any_call(runner):
    result = runner.run(mod.main, args(region="eu-west-1"))

    assert result.failed
    assert "for_cloudfront=true needs region us-east-1, got 'eu-west-1'" in result.result["msg"]
    assert runner.client_requests == []


def test_a_regional_certificate_may_live_in_another_region(runner):
    stub = acm(runner)
    list_certificates(stub, [])

    result = runner.run(mod.main, args(region="eu-west-1", for_cloudfront=False, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"domain_name": " "}, "domain_name must not be empty"),
        ({"wait_delay": 0}, "wait_delay must be at least 1 second"),
        ({"validation_records_timeout": -1}, "validation_records_timeout must not be negative"),
    ],
)
def test_bad_options_fail_before_any_call(runner, extra, message):
    result = runner.run(mod.main, args(**extra))

    assert result.failed
    assert result.result["msg"] == message
    assert runner.client_requests == []
