"""Call sequences of ssm_parameters against a stubbed Systems Manager client."""

from datetime import UTC
from datetime import datetime

from ansible_collections.storytime.video_infra.plugins.modules import ssm_parameters as mod

PATH = "/storytime/unit"
TAGS = {"Project": "storytime", "Environment": "unit"}
WHEN = datetime(2026, 12, 6, tzinfo=UTC)


def args(parameters, **extra):
    return {"path": PATH, "parameters": parameters, "tags": TAGS, **extra}


def declared(**values):
    return [{"name": name, "value": value, "description": f"output {name}"} for name, value in values.items()]


def by_path(stub, found, page_size=10):
    """GetParametersByPath answers, ``page_size`` per page; ``found`` maps names to (value, version[, type])."""
    items = [
        {
            "Name": f"{PATH}/{name}",
            "Type": spec[2] if len(spec) > 2 else "String",
            "Value": spec[0],
            "Version": spec[1],
            "LastModifiedDate": WHEN,
            "ARN": f"arn:aws:ssm:eu-west-1:123456789012:parameter{PATH}/{name}",
            "DataType": "text",
        }
        for name, spec in found.items()
    ]
    pages = [items[i : i + page_size] for i in range(0, len(items), page_size)] or [[]]
    for index, page in enumerate(pages):
        request = {"Path": PATH, "Recursive": False, "MaxResults": 10}
        if index:
            request["NextToken"] = f"page{index}"
        response = {"Parameters": page}
        if index + 1 < len(pages):
            response["NextToken"] = f"page{index + 1}"
        stub.add_response("get_parameters_by_path", response, request)


def described(stub, descriptions):
    stub.add_response(
        "describe_parameters",
        {
            "Parameters": [
                {"Name": f"{PATH}/{name}", "Type": "String", "Description": text, "Version": 1}
                for name, text in descriptions.items()
            ]
        },
        {"ParameterFilters": [{"Key": "Path", "Option": "OneLevel", "Values": [PATH]}], "MaxResults": 50},
    )


def tags(stub, name, found):
    stub.add_response(
        "list_tags_for_resource",
        {"TagList": [{"Key": k, "Value": v} for k, v in found.items()]},
        {"ResourceType": "Parameter", "ResourceId": f"{PATH}/{name}"},
    )


def tag_list(mapping):
    return [{"Key": k, "Value": v} for k, v in mapping.items()]


def test_missing_parameters_are_created_with_their_tags_then_read_back(runner):
    stub = runner.stub("ssm")
    by_path(stub, {})
    for name, value in (("bucket", "storytime-hls"), ("region", "eu-west-1")):
        stub.add_response(
            "put_parameter",
            {"Version": 1, "Tier": "Standard"},
            {
                "Name": f"{PATH}/{name}",
                "Value": value,
                "Type": "String",
                "Tier": "Standard",
                "Description": f"output {name}",
                "Tags": tag_list(TAGS),
            },
        )
    by_path(stub, {"bucket": ("storytime-hls", 1), "region": ("eu-west-1", 1)})
    described(stub, {"bucket": "output bucket", "region": "output region"})

    result = runner.run(mod.main, args(declared(bucket="storytime-hls", region="eu-west-1")))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["changed_parameters"] == ["bucket", "region"]
    assert result.result["parameters"]["bucket"] == {
        "name": f"{PATH}/bucket",
        "value": "storytime-hls",
        "type": "String",
        "description": "output bucket",
        "version": 1,
        "tags": TAGS,
    }
    assert result.result["diff"]["before"] == {}
    assert set(result.result["diff"]["after"]) == {"bucket", "region"}
    assert runner.client_requests == ["ssm"]


def test_parameters_as_declared_are_read_in_pages_and_nothing_is_written(runner):
    stub = runner.stub("ssm")
    names = {f"output_{i:02d}": (f"value {i}", 3) for i in range(12)}
    # 12 parameters and one that another application keeps under the path: two pages of values, one of descriptions.
    by_path(stub, {**names, "someone_elses": ("theirs", 1)})
    described(stub, {name: f"output {name}" for name in names} | {"someone_elses": "not ours"})
    for name in names:
        tags(stub, name, TAGS)

    result = runner.run(mod.main, args(declared(**{name: value for name, (value, _v) in names.items()})))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert "diff" not in result.result
    assert result.result["changed_parameters"] == []
    assert result.result["parameters"]["output_11"]["version"] == 3
    assert "someone_elses" not in result.result["parameters"]


def test_a_changed_value_or_description_is_overwritten_and_tags_are_changed_apart(runner):
    stub = runner.stub("ssm")
    by_path(stub, {"bucket": ("old-bucket", 2), "region": ("eu-west-1", 1)})
    described(stub, {"bucket": "output bucket", "region": "edited by hand"})
    tags(stub, "bucket", TAGS)
    # Parameter Store refuses Tags together with Overwrite: the value goes with PutParameter, tags with their calls.
    stub.add_response(
        "put_parameter",
        {"Version": 3, "Tier": "Standard"},
        {
            "Name": f"{PATH}/bucket",
            "Value": "new-bucket",
            "Overwrite": True,
            "Description": "output bucket",
        },
    )
    tags(stub, "region", {"Project": "storytime", "Owner": "someone"})
    stub.add_response(
        "put_parameter",
        {"Version": 2, "Tier": "Standard"},
        {
            "Name": f"{PATH}/region",
            "Value": "eu-west-1",
            "Overwrite": True,
            "Description": "output region",
        },
    )
    stub.add_response(
        "remove_tags_from_resource",
        {},
        {"ResourceType": "Parameter", "ResourceId": f"{PATH}/region", "TagKeys": ["Owner"]},
    )
    stub.add_response(
        "add_tags_to_resource",
        {},
        {
            "ResourceType": "Parameter",
            "ResourceId": f"{PATH}/region",
            "Tags": [{"Key": "Environment", "Value": "unit"}],
        },
    )
    by_path(stub, {"bucket": ("new-bucket", 3), "region": ("eu-west-1", 2)})
    described(stub, {"bucket": "output bucket", "region": "output region"})

    result = runner.run(mod.main, args(declared(bucket="new-bucket", region="eu-west-1")))

    assert not result.failed, result.result
    assert result.result["changed_parameters"] == ["bucket", "region"]
    assert result.result["diff"]["before"]["bucket"]["value"] == "old-bucket"
    assert result.result["diff"]["before"]["region"]["description"] == "edited by hand"
    assert result.result["diff"]["before"]["region"]["tags"] == {"Project": "storytime", "Owner": "someone"}
    assert result.result["parameters"]["bucket"]["version"] == 3
    assert result.result["parameters"]["region"] == {
        "name": f"{PATH}/region",
        "value": "eu-west-1",
        "type": "String",
        "description": "output region",
        "version": 2,
        "tags": TAGS,
    }


def test_check_mode_predicts_creates_and_changes_and_writes_nothing(runner):
    stub = runner.stub("ssm")
    by_path(stub, {"bucket": ("storytime-hls", 1), "region": ("us-east-1", 4)})
    described(stub, {"bucket": "output bucket", "region": "output region"})
    tags(stub, "bucket", TAGS)
    tags(stub, "region", TAGS)

    result = runner.run(
        mod.main,
        args(declared(bucket="storytime-hls", region="eu-west-1", added="x"), _ansible_check_mode=True),
    )

    assert not result.failed, result.result
    assert result.result["changed_parameters"] == ["region", "added"]
    # A new version's number is not known yet.
    assert result.result["parameters"]["region"]["value"] == "eu-west-1"
    assert result.result["parameters"]["region"]["version"] is None
    assert result.result["parameters"]["bucket"]["version"] == 1
    assert result.result["parameters"]["added"]["tags"] == TAGS
    assert result.result["diff"]["before"]["region"]["value"] == "us-east-1"
    assert "added" not in result.result["diff"]["before"]


def test_a_listed_parameter_of_another_type_fails_before_any_write(runner):
    """PutParameter's HierarchyTypeMismatchException: Parameter Store does not change a parameter's type."""
    stub = runner.stub("ssm")
    by_path(stub, {"bucket": ("storytime-hls", 1), "region": ("AQICAH...", 4, "SecureString")})
    described(stub, {"bucket": "output bucket", "region": "output region"})

    result = runner.run(mod.main, args(declared(bucket="storytime-hls", region="eu-west-1")))

    assert result.failed
    assert result.result["msg"].startswith(f"{PATH}/region is a SecureString. This module writes String parameters")
    stub.assert_no_pending_responses()


def test_a_create_that_finds_the_parameter_made_overwrites_it(runner):
    stub = runner.stub("ssm")
    by_path(stub, {})
    stub.add_client_error(
        "put_parameter",
        "ParameterAlreadyExists",
        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
        400,
    )
    # Another run made it in between, with another value.
    by_path(stub, {"bucket": ("theirs", 1)})
    described(stub, {"bucket": ""})
    tags(stub, "bucket", TAGS)
    stub.add_response(
        "put_parameter",
        {"Version": 2, "Tier": "Standard"},
        {"Name": f"{PATH}/bucket", "Value": "storytime-hls", "Overwrite": True, "Description": "output bucket"},
    )
    by_path(stub, {"bucket": ("storytime-hls", 2)})
    described(stub, {"bucket": "output bucket"})

    result = runner.run(mod.main, args(declared(bucket="storytime-hls")))

    assert not result.failed, result.result
    assert result.result["changed_parameters"] == ["bucket"]
    assert result.result["parameters"]["bucket"]["version"] == 2
    assert result.result["diff"]["before"] == {}
    stub.assert_no_pending_responses()


def test_absent_deletes_the_listed_parameters_that_exist_ten_per_call(runner):
    stub = runner.stub("ssm")
    names = [f"output_{i:02d}" for i in range(12)]
    by_path(stub, {name: ("v", 1) for name in names})
    described(stub, {name: "" for name in names})
    full_names = [f"{PATH}/{name}" for name in names]
    stub.add_response("delete_parameters", {"DeletedParameters": full_names[:10]}, {"Names": full_names[:10]})
    stub.add_response("delete_parameters", {"DeletedParameters": full_names[10:]}, {"Names": full_names[10:]})

    result = runner.run(
        mod.main, {"path": PATH, "parameters": [{"name": n} for n in [*names, "never_made"]], "state": "absent"}
    )

    assert not result.failed, result.result
    assert result.result["changed_parameters"] == names
    assert result.result["diff"]["after"] == {}


def test_absent_when_nothing_is_there_reads_once_and_is_unchanged(runner):
    stub = runner.stub("ssm")
    by_path(stub, {})

    result = runner.run(mod.main, {"path": PATH, "parameters": [{"name": "bucket"}], "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["parameters"] == {}
    assert result.result["changed_parameters"] == []
    assert "diff" not in result.result


def test_bad_input_fails_before_any_call(runner):
    runner.stub("ssm")
    cases = [
        (args(declared(bucket="x"), path="storytime/unit"), "path 'storytime/unit' must start with /"),
        (args(declared(bucket="x"), path="/storytime/unit/"), "must start with /, not end with /"),
        (args([{"name": "a/b", "value": "x"}]), "parameter names may hold only letters, digits, _, . and -: 'a/b'"),
        (args([{"name": "a", "value": "x"}, {"name": "a", "value": "y"}]), "parameters are listed twice: a"),
        (args([{"name": "a"}]), "state=present needs a value for every parameter; none for: a"),
    ]
    for arguments, message in cases:
        result = runner.run(mod.main, arguments)
        assert result.failed
        assert message in result.result["msg"]
