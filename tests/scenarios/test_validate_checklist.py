"""playbooks/validate.yml on the local AWS: all seven checks pass, nothing is left behind, nothing secret is printed;
and a broken environment (a behaviour that lost its key group) is reported as the failing check."""

from __future__ import annotations

import pytest

from tests.scenarios.checklist import VALIDATE
from tests.scenarios.checklist import checklist

MASTER = "storytime-master-uploads-local"
HLS = "storytime-hls-outputs-local"


def keys(s3, bucket: str) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


@pytest.mark.e2e
def test_all_seven_checks_pass_and_the_test_objects_are_removed(converged, playbook, aws, s3):
    site = converged
    assert site.rc == 0, site.failure_messages()

    run = playbook.run(playbook=VALIDATE, json_output=False, verbosity=3)

    assert run.rc == 0, run.stdout[-4000:]
    rows = checklist(run.stdout)
    assert sorted(rows) == [1, 2, 3, 4, 5, 6, 7]
    assert {number: result for number, (result, _detail) in rows.items()} == dict.fromkeys(range(1, 8), "PASS")
    assert "HTTP 201" in rows[1][1]
    assert "COMPLETE" in rows[2][1]
    # The 720p clip gets the 720p class's document, as Rails picks it from the index (docs/hls-ladder.md): four
    # renditions (never one taller than the master) and their I-frame playlists.
    assert "8 rendition playlists" in rows[3][1]
    assert "application/vnd.apple.mpegurl" in rows[4][1] and "video/MP2T" in rows[4][1]
    assert "HTTP 403" in rows[5][1]
    assert all(size in rows[6][1] for size in ("1280x720", "854x480", "640x360", "416x234"))
    assert "1920x1080" not in rows[6][1]
    # The conformance check fetched every rendition through the edge with the cookies of check 4.
    assert " 0 failed (" in rows[7][1] and "I-frame playlists" in rows[7][1], rows[7]

    # Cleaned up: no test master, no test HLS output.
    assert keys(s3, MASTER) == []
    assert keys(s3, HLS) == []
    # The job really ran through the local MediaConvert, from the Rails document.
    (job,) = aws.client("mediaconvert").list_jobs()["Jobs"]
    assert job["Status"] == "COMPLETE" and job["UserMetadata"]["book_id"].startswith("validate-")
    # Neither the private key nor the signed cookies reach the output, even at -vvv.
    output = run.stdout + run.stderr
    assert "PRIVATE KEY" not in output
    assert "CloudFront-Signature=" not in output and "CloudFront-Policy=" not in output


@pytest.mark.e2e
def test_a_books_behaviour_without_key_group_fails_check_5(converged, playbook, aws):
    cloudfront = aws.client("cloudfront")
    dist_id = cloudfront.list_distributions()["DistributionList"]["Items"][0]["Id"]
    response = cloudfront.get_distribution_config(Id=dist_id)
    config = response["DistributionConfig"]
    for behaviour in config["CacheBehaviors"]["Items"]:
        behaviour["TrustedKeyGroups"] = {"Enabled": False, "Quantity": 0}
    cloudfront.update_distribution(Id=dist_id, IfMatch=response["ETag"], DistributionConfig=config)

    run = playbook.run(playbook=VALIDATE, json_output=False)

    assert run.rc != 0
    rows = checklist(run.stdout)
    assert rows[5][0] == "FAIL" and "HTTP 200 without cookies" in rows[5][1]
    assert rows[7][0] == "PASS"  # the conformance check carries the cookies, which a behaviour without keys ignores
    assert "1 of the 7 checks did not pass" in run.stdout


def test_validate_refuses_check_mode_before_any_aws_call(playbook, aws):
    run = playbook.run(playbook=VALIDATE, check=True)
    assert run.rc != 0
    assert any("has no check mode" in message for message in run.failure_messages())
    assert run.calls == []


def test_validate_without_site_outputs_says_what_to_run(playbook, aws):
    run = playbook.run(playbook=VALIDATE)
    assert run.rc != 0
    assert any("site.yml" in message for message in run.failure_messages()), run.failure_messages()
