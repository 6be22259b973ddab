"""The outputs for Rails: files always, SSM parameters when asked."""

from __future__ import annotations

import json

import pytest
import yaml

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

SPEC_OUTPUTS = {
    "master_uploads_bucket_name",
    "hls_outputs_bucket_name",
    "cloudfront_distribution_id",
    "cloudfront_domain_name",
    "cloudfront_key_group_id",
    "cloudfront_public_key_id",
    "cloudfront_private_key_secret_arn",
    "cloudfront_private_key_secret_name",
    "mediaconvert_role_arn",
    "aws_region",
}

OUTPUTS_TEARDOWN = {
    "name": "Outputs teardown",
    "hosts": "storytime",
    "gather_facts": False,
    "tasks": [
        {
            "name": "Remove the outputs",
            "ansible.builtin.import_role": {"name": "storytime.video_infra.outputs", "tasks_from": "teardown"},
        }
    ],
}


def test_outputs_as_files_and_ssm_parameters(playbook, aws, tmp_path):
    run = playbook.run(extra_vars={"outputs_ssm_enabled": True})
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]

    outputs = json.loads((tmp_path / "outputs" / "local.json").read_text())
    assert SPEC_OUTPUTS <= set(outputs)
    # Without web players the signed cookies are set for the host players fetch from (docs/rails-ios.md).
    assert outputs["cloudfront_playback_domain_name"] == outputs["cloudfront_domain_name"]
    assert outputs["cloudfront_cookie_domain"] == outputs["cloudfront_domain_name"]
    assert outputs["cloudfront_cookie_path"] == "/books/${BOOK_ID}/"
    assert "cloudfront_player_origins" not in outputs
    dotenv = dict(
        line.split("=", 1) for line in (tmp_path / "outputs" / "local.env").read_text().splitlines() if "=" in line
    )
    assert dotenv["STORYTIME_CLOUDFRONT_PRIVATE_KEY_SECRET_NAME"] == "storytime/local/cloudfront_private_key"
    assert dotenv["AWS_REGION"] == "eu-west-1"

    ssm = aws.client("ssm")
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/storytime/local", Recursive=True)
    parameters = [p for page in pages for p in page["Parameters"]]
    by_name = {p["Name"].rsplit("/", 1)[-1]: p for p in parameters}
    assert set(by_name) == set(outputs)
    assert by_name["cloudfront_distribution_id"]["Value"] == outputs["cloudfront_distribution_id"]
    assert {p["Type"] for p in parameters} == {"String"}

    again = playbook.run(extra_vars={"outputs_ssm_enabled": True})
    assert again.stats()["changed"] == 0
    assert again.writes == []

    # Another application's parameter under the same path is not the collection's: left alone, as documented.
    ssm.put_parameter(Name="/storytime/local/rails_feature_flags", Value="theirs", Type="String")
    # The outputs part of teardown.yml (the role's teardown entry point): the parameters named in the outputs file
    # go, ten per DeleteParameters call, and so do the files.
    play = tmp_path / "outputs-teardown.yml"
    play.write_text(yaml.safe_dump([OUTPUTS_TEARDOWN], sort_keys=False))
    teardown = playbook.run(playbook=str(play), extra_vars={"outputs_ssm_enabled": True})
    assert teardown.rc == 0, teardown.failure_messages()
    assert teardown.writes == ["DeleteParameters"] * 3  # 26 parameters
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/storytime/local", Recursive=True)
    assert [p["Name"] for page in pages for p in page["Parameters"]] == ["/storytime/local/rails_feature_flags"]
    assert not (tmp_path / "outputs" / "local.json").exists()
