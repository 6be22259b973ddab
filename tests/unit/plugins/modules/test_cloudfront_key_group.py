"""Call sequences of cloudfront_key_group against a stubbed CloudFront client, and its input checks."""

import datetime

import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils.public_keys import fingerprint
from ansible_collections.storytime.video_infra.plugins.modules import cloudfront_key_group as mod
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

NAME = "storytime-hls-unit"
GROUP_ID = "2b8e0f1a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"
MODIFIED = datetime.datetime(2025, 1, 31, 10, 15, 42, tzinfo=datetime.UTC)
LATER = datetime.datetime(2025, 2, 1, 8, 0, 0, tzinfo=datetime.UTC)
OLD, NEW = "K2JCJMDEHXQW5F", "K3QWERTYUIOP12"
COMMENT = "Keys that sign unit cookies"


def config(items, comment=COMMENT, name=NAME):
    cfg = {"Name": name, "Items": list(items)}
    if comment is not None:
        cfg["Comment"] = comment
    return cfg


def key_group(items, comment=COMMENT, name=NAME, group_id=GROUP_ID, modified=MODIFIED):
    return {"Id": group_id, "LastModifiedTime": modified, "KeyGroupConfig": config(items, comment, name)}


def list_groups(stub, *groups, marker=None, next_marker=None):
    page = {"MaxItems": 100, "Quantity": len(groups)}
    if groups:
        page["Items"] = [{"KeyGroup": g} for g in groups]
    if next_marker:
        page["NextMarker"] = next_marker
    stub.add_response("list_key_groups", {"KeyGroupList": page}, {"Marker": marker} if marker else {})


def get_group(stub, group, etag):
    stub.add_response("get_key_group", {"KeyGroup": group, "ETag": etag}, {"Id": GROUP_ID})


def update_group(stub, etag, items, comment=COMMENT):
    stub.add_response(
        "update_key_group",
        {"KeyGroup": key_group(items, comment, modified=LATER), "ETag": "E9"},
        {"Id": GROUP_ID, "IfMatch": etag, "KeyGroupConfig": config(items, comment)},
    )


def args(ids, **extra):
    return {"name": NAME, "public_key_ids": list(ids), **extra}


# ---------------------------------------------------------------------------------------------
# present


def test_create_with_one_key(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub)
    stub.add_response(
        "create_key_group",
        {
            "KeyGroup": key_group([OLD]),
            "Location": f"https://cloudfront.amazonaws.com/2020-05-31/key-group/{GROUP_ID}",
            "ETag": "E1",
        },
        {"KeyGroupConfig": config([OLD])},
    )

    result = runner.run(mod.main, args([OLD], comment=COMMENT))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["key_group"] == {
        "id": GROUP_ID,
        "name": NAME,
        "comment": COMMENT,
        "public_key_ids": [OLD],
        "last_modified_time": "2025-01-31T10:15:42+00:00",
    }
    assert result.result["diff"] == {"before": {}, "after": result.result["key_group"]}


def test_create_without_comment_sends_none(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub)
    stub.add_response(
        "create_key_group",
        {"KeyGroup": key_group([NEW, OLD], comment=None), "ETag": "E1"},
        {"KeyGroupConfig": config([NEW, OLD], comment=None)},
    )

    result = runner.run(mod.main, args([NEW, OLD]))

    assert not result.failed, result.result
    assert result.result["key_group"]["comment"] == ""
    assert result.result["key_group"]["public_key_ids"] == [OLD, NEW]


def test_converged_group_makes_only_the_list_call_whatever_the_key_order(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([NEW, OLD], name="other", group_id="other-id"), key_group([NEW, OLD]))

    result = runner.run(mod.main, args([OLD, NEW], comment=COMMENT))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["key_group"]["id"] == GROUP_ID
    assert result.result["key_group"]["public_key_ids"] == [OLD, NEW]
    assert "diff" not in result.result


def test_unset_comment_leaves_the_comment(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD], comment="set by hand"))

    result = runner.run(mod.main, args([OLD]))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["key_group"]["comment"] == "set by hand"


def test_group_on_a_later_page_is_found(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD], name="other", group_id="other-id"), next_marker="other-id")
    list_groups(stub, key_group([OLD]), marker="other-id")

    result = runner.run(mod.main, args([OLD], comment=COMMENT))

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_adding_a_key_replaces_the_whole_config_with_the_etag_of_the_read(runner):
    """The comment is not an option here, yet it is sent back: UpdateKeyGroup replaces the whole config."""
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD]))
    get_group(stub, key_group([OLD]), "E1")
    update_group(stub, "E1", [OLD, NEW])

    result = runner.run(mod.main, args([OLD, NEW]))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["key_group"]["public_key_ids"] == [OLD, NEW]
    assert result.result["key_group"]["comment"] == COMMENT
    assert result.result["key_group"]["last_modified_time"] == "2025-02-01T08:00:00+00:00"
    assert result.result["diff"]["before"]["public_key_ids"] == [OLD]
    assert result.result["diff"]["after"]["public_key_ids"] == [OLD, NEW]


def test_removing_a_key_and_changing_the_comment(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD, NEW]))
    get_group(stub, key_group([OLD, NEW]), "E1")
    update_group(stub, "E1", [NEW], comment="rotated")

    result = runner.run(mod.main, args([NEW], comment="rotated"))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["key_group"]["public_key_ids"] == [NEW]
    assert result.result["diff"]["before"]["comment"] == COMMENT


def test_update_is_retried_after_precondition_failed(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD]))
    get_group(stub, key_group([OLD]), "E1")
    stub.add_client_error(
        "update_key_group",
        "PreconditionFailed",
        "The precondition given in one or more of the request header fields evaluated to false.",
        412,
        expected_params={"Id": GROUP_ID, "IfMatch": "E1", "KeyGroupConfig": config([OLD, NEW])},
    )
    get_group(stub, key_group([OLD], comment="changed meanwhile"), "E2")
    update_group(stub, "E2", [OLD, NEW], comment="changed meanwhile")

    result = runner.run(mod.main, args([OLD, NEW]))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["key_group"]["comment"] == "changed meanwhile"


def test_update_not_needed_after_a_fresh_read_writes_nothing(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD]))
    get_group(stub, key_group([NEW, OLD]), "E2")

    result = runner.run(mod.main, args([OLD, NEW]))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert "diff" not in result.result


def test_throttling_is_retried(runner):
    stub = runner.stub("cloudfront")
    stub.add_client_error("list_key_groups", "Throttling", "Rate exceeded", 400)
    list_groups(stub, key_group([OLD]))

    result = runner.run(mod.main, args([OLD]))

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_check_mode_on_missing_group_predicts_creation_without_writing(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub)

    result = runner.run(mod.main, args([NEW, OLD], comment=COMMENT, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["key_group"] == {
        "id": None,
        "name": NAME,
        "comment": COMMENT,
        "public_key_ids": [OLD, NEW],
        "last_modified_time": None,
    }


def test_check_mode_predicts_an_update_without_writing(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD]))  # the list summary is enough to predict: no Get, no write

    result = runner.run(mod.main, args([OLD, NEW], _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["key_group"]["id"] == GROUP_ID
    assert result.result["key_group"]["public_key_ids"] == [OLD, NEW]
    assert result.result["diff"]["before"]["public_key_ids"] == [OLD]


def test_unknown_public_key_is_reported_with_the_aws_error(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub)
    stub.add_client_error("create_key_group", "InvalidArgument", "Public key KNOPE does not exist", 400)

    result = runner.run(mod.main, args(["KNOPE"]))

    assert result.failed
    assert result.result["msg"].startswith(f"Failed to create key group {NAME}")
    assert result.result["error"]["code"] == "InvalidArgument"


# ---------------------------------------------------------------------------------------------
# absent


def test_delete_uses_the_etag_of_a_fresh_read(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD]))
    get_group(stub, key_group([OLD]), "E4")
    stub.add_response("delete_key_group", {}, {"Id": GROUP_ID, "IfMatch": "E4"})

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["id"] == GROUP_ID
    assert result.result["diff"]["after"] == {}


def test_delete_missing_group_is_a_no_op(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub)

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert not result.failed, result.result
    assert result.result == {"changed": False}


def test_delete_of_a_trusted_group_says_to_remove_it_from_the_distribution(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD]))
    get_group(stub, key_group([OLD]), "E4")
    stub.add_client_error(
        "delete_key_group",
        "ResourceInUse",
        "Cannot delete this resource because it is in use",
        409,
        expected_params={"Id": GROUP_ID, "IfMatch": "E4"},
    )

    result = runner.run(mod.main, {"name": NAME, "state": "absent"})

    assert result.failed
    msg = result.result["msg"]
    assert GROUP_ID in msg and "trusted key groups" in msg and "cache behaviours" in msg
    assert result.result["error"]["code"] == "ResourceInUse"


def test_delete_in_check_mode_writes_nothing(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD]))

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "_ansible_check_mode": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True


# ---------------------------------------------------------------------------------------------
# input checked before any AWS client exists


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([], "public_key_ids"),
        ([f"K{i}" for i in range(6)], "1 to 5 public key IDs, got 6"),
        ([OLD, NEW, OLD], f"must not repeat an ID: {OLD}"),
        ([OLD, ""], "empty"),
    ],
    ids=["none", "six", "duplicate", "empty-id"],
)
def test_bad_key_ids_fail_before_any_call(runner, ids, expected):
    result = runner.run(mod.main, args(ids))

    assert result.failed
    assert "public_key_ids" in result.result["msg"]
    assert expected in result.result["msg"]
    assert runner.client_requests == []


def test_missing_key_ids_when_present_fail_before_any_call(runner):
    result = runner.run(mod.main, {"name": NAME})

    assert result.failed
    assert "public_key_ids" in result.result["msg"]
    assert runner.client_requests == []


def test_too_long_comment_fails_before_any_call(runner):
    result = runner.run(mod.main, args([OLD], comment="c" * 129))

    assert result.failed
    assert "comment" in result.result["msg"]
    assert runner.client_requests == []


# ---------------------------------------------------------------------------------------------
# purge_public_keys: false (what the cloudfront_hls role uses, so a rotation's old key survives site.yml)


def test_without_purge_a_listed_key_already_in_the_group_changes_nothing(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD, NEW]))

    result = runner.run(mod.main, args([NEW], comment=COMMENT, purge_public_keys=False))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["key_group"]["public_key_ids"] == [OLD, NEW]


def test_without_purge_a_new_key_is_added_beside_the_others(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD]))
    get_group(stub, key_group([OLD]), "E1")
    update_group(stub, "E1", [OLD, NEW])

    result = runner.run(mod.main, args([NEW], comment=COMMENT, purge_public_keys=False))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["key_group"]["public_key_ids"] == [OLD, NEW]
    assert result.result["diff"]["before"]["public_key_ids"] == [OLD]


def test_without_purge_check_mode_predicts_the_union_and_writes_nothing(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD]))

    result = runner.run(mod.main, args([NEW], comment=COMMENT, purge_public_keys=False, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["key_group"]["public_key_ids"] == [OLD, NEW]


def test_without_purge_a_sixth_key_is_refused_with_the_way_out(runner):
    five = [f"K{n}AAAAAAAAAAAA" for n in range(5)]
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group(five))

    result = runner.run(mod.main, args([NEW], comment=COMMENT, purge_public_keys=False))

    assert result.failed
    assert "would hold 6 public keys" in result.result["msg"]
    assert "CloudFront allows 5" in result.result["msg"]
    assert "rotate_phase=retire" in result.result["msg"]


# ---------------------------------------------------------------------------------------------
# delete_public_keys (teardown)


def public_key_response(key_id):
    return {
        "PublicKey": {
            "Id": key_id,
            "CreatedTime": MODIFIED,
            "PublicKeyConfig": {"CallerReference": "r", "Name": key_id.lower(), "EncodedKey": "x"},
        },
        "ETag": "EPK",
    }


def test_delete_with_its_public_keys_deletes_each_after_the_group(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD, NEW]))
    get_group(stub, key_group([OLD, NEW]), "E5")
    stub.add_response("delete_key_group", {}, {"Id": GROUP_ID, "IfMatch": "E5"})
    stub.add_response("get_public_key", public_key_response(OLD), {"Id": OLD})
    stub.add_response("delete_public_key", {}, {"Id": OLD, "IfMatch": "EPK"})
    stub.add_response("get_public_key", public_key_response(NEW), {"Id": NEW})
    stub.add_client_error("delete_public_key", "PublicKeyInUse", http_status_code=409)

    result = runner.run(mod.main, {"name": NAME, "state": "absent", "delete_public_keys": True})

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["deleted_public_key_ids"] == [OLD]
    assert any(NEW in warning and "another key group" in warning for warning in result.warnings)


def test_delete_with_public_keys_in_check_mode_names_them_and_writes_nothing(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD, NEW]))

    result = runner.run(
        mod.main, {"name": NAME, "state": "absent", "delete_public_keys": True, "_ansible_check_mode": True}
    )

    assert not result.failed, result.result
    assert result.result["deleted_public_key_ids"] == [OLD, NEW]


# ---------------------------------------------------------------------------------------------
# own_public_key_name_prefix: the group holds the listed keys and the collection's own keys, nothing else


def _pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


OWN_PEM, FOREIGN_PEM = _pem(), _pem()
PREFIX = "storytime-unit"
FOREIGN = "KFOREIGNKEY001"


def own_name(pem):
    return f"{PREFIX}-{fingerprint(pem)[:16]}"


def get_public_key(stub, key_id, name, pem):
    stub.add_response(
        "get_public_key",
        {
            "PublicKey": {
                "Id": key_id,
                "CreatedTime": MODIFIED,
                "PublicKeyConfig": {"CallerReference": "r", "Name": name, "EncodedKey": pem},
            },
            "ETag": "EPK",
        },
        {"Id": key_id},
    )


def test_exclusive_group_keeps_the_collections_key_and_removes_a_foreign_one(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD, NEW, FOREIGN]))
    get_public_key(stub, OLD, own_name(OWN_PEM), OWN_PEM)  # a rotation's previous key: the collection's name
    get_public_key(stub, FOREIGN, "added-by-hand", FOREIGN_PEM)
    get_group(stub, key_group([OLD, NEW, FOREIGN]), "E1")
    update_group(stub, "E1", [OLD, NEW])

    result = runner.run(mod.main, args([NEW], own_public_key_name_prefix=PREFIX))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["public_key_ids"] == sorted([OLD, NEW, FOREIGN])
    assert result.result["diff"]["after"]["public_key_ids"] == [OLD, NEW]
    stub.assert_no_pending_responses()


def test_exclusive_group_in_check_mode_reports_the_foreign_key_without_writing(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([NEW, FOREIGN]))
    get_public_key(stub, FOREIGN, "added-by-hand", FOREIGN_PEM)

    result = runner.run(mod.main, args([NEW], own_public_key_name_prefix=PREFIX, _ansible_check_mode=True))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["key_group"]["public_key_ids"] == [NEW]
    assert result.result["diff"]["before"]["public_key_ids"] == sorted([NEW, FOREIGN])
    stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    "name, pem",
    [
        (own_name(OWN_PEM), FOREIGN_PEM),  # the collection's name, but for other key material
        (f"storytime-other-{own_name(FOREIGN_PEM).rsplit('-', 1)[1]}", FOREIGN_PEM),  # another prefix
    ],
    ids=["name-of-another-key", "other-prefix"],
)
def test_a_key_that_only_looks_like_the_collections_is_removed(runner, name, pem):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([NEW, FOREIGN]))
    get_public_key(stub, FOREIGN, name, pem)
    get_group(stub, key_group([NEW, FOREIGN]), "E1")
    update_group(stub, "E1", [NEW])

    result = runner.run(mod.main, args([NEW], own_public_key_name_prefix=PREFIX))

    assert not result.failed, result.result
    assert result.result["key_group"]["public_key_ids"] == [NEW]


def test_exclusive_group_holding_only_listed_keys_makes_only_the_list_call(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD, NEW]))

    result = runner.run(mod.main, args([NEW, OLD], own_public_key_name_prefix=PREFIX))

    assert not result.failed, result.result
    assert result.result["changed"] is False


def test_exclusive_group_with_only_own_unlisted_keys_writes_nothing(runner):
    stub = runner.stub("cloudfront")
    list_groups(stub, key_group([OLD, NEW]))
    get_public_key(stub, OLD, own_name(OWN_PEM), OWN_PEM)

    result = runner.run(mod.main, args([NEW], own_public_key_name_prefix=PREFIX))

    assert not result.failed, result.result
    assert result.result["changed"] is False
    stub.assert_no_pending_responses()


def test_own_prefix_without_purge_fails_before_any_call(runner):
    result = runner.run(mod.main, args([NEW], own_public_key_name_prefix=PREFIX, purge_public_keys=False))

    assert result.failed
    assert result.result["msg"] == "own_public_key_name_prefix is only meaningful with purge_public_keys=true"
    assert runner.client_requests == []


# ---------------------------------------------------------------------------------------------
# public keys by name: one ListPublicKeys, the prediction of keys a run would create


def list_keys(stub, **ids_by_name):
    """ListPublicKeys answering the keys ``name=id`` (EncodedKey is not read by the name lookup)."""
    items = [
        {"Id": key_id, "Name": name, "CreatedTime": MODIFIED, "EncodedKey": "unused", "Comment": ""}
        for name, key_id in ids_by_name.items()
    ]
    page = {"MaxItems": 100, "Quantity": len(items)}
    if items:
        page["Items"] = items
    stub.add_response("list_public_keys", {"PublicKeyList": page}, {})


def test_keys_by_name_and_by_id_make_one_group(runner):
    stub = runner.stub("cloudfront")
    list_keys(stub, **{"unit-old": OLD, "unit-new": NEW, "unit-other": "K4OTHER"})
    list_groups(stub)
    stub.add_response(
        "create_key_group",
        {"KeyGroup": key_group([OLD, NEW]), "Location": "x", "ETag": "E1"},
        {"KeyGroupConfig": config([OLD, NEW])},
    )

    # OLD is given both by ID and by name: one key.
    result = runner.run(mod.main, args([OLD], public_key_names=["unit-old", "unit-new"], comment=COMMENT))

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["key_group"]["public_key_ids"] == [OLD, NEW]


def test_keys_by_name_of_a_converged_group_cost_one_list(runner):
    stub = runner.stub("cloudfront")
    list_keys(stub, **{"unit-old": OLD})
    list_groups(stub, key_group([OLD]))

    result = runner.run(mod.main, {"name": NAME, "public_key_names": ["unit-old"]})

    assert not result.failed, result.result
    assert result.result["changed"] is False
    assert result.result["key_group"]["public_key_ids"] == [OLD]


def test_a_missing_key_name_fails_before_the_group_is_read(runner):
    stub = runner.stub("cloudfront")
    list_keys(stub, **{"unit-old": OLD})

    result = runner.run(mod.main, {"name": NAME, "public_key_names": ["unit-old", "unit-gone"]})

    assert result.failed
    assert result.result["msg"] == (
        "public_key_names: there is no public key named 'unit-gone' (it does not exist in this account)."
    )


def test_a_missing_key_name_is_predicted_in_check_mode(runner):
    stub = runner.stub("cloudfront")
    list_keys(stub, **{"unit-old": OLD})
    list_groups(stub, key_group([OLD]))

    result = runner.run(
        mod.main,
        {"name": NAME, "public_key_names": ["unit-old", "unit-new"], "_ansible_check_mode": True},
    )

    assert not result.failed, result.result
    assert result.result["changed"] is True
    assert result.result["diff"]["before"]["public_key_ids"] == [OLD]
    assert result.result["diff"]["after"]["public_key_ids"] == sorted(
        [OLD, "(created by this run: public key unit-new)"]
    )


def test_more_than_five_distinct_keys_by_name_and_id_fail(runner):
    stub = runner.stub("cloudfront")
    list_keys(stub, **{f"unit-{i}": f"K{i}" for i in range(3)})

    result = runner.run(mod.main, args(["K7", "K8", "K9"], public_key_names=["unit-0", "unit-1", "unit-2"]))

    assert result.failed
    assert result.result["msg"] == (
        "public_key_ids and public_key_names list 6 distinct public keys; a key group holds at most 5."
    )


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([f"unit-{i}" for i in range(6)], "public_key_names must list 1 to 5 public key names, got 6"),
        (["unit-old", "unit-old"], "public_key_names must not repeat a name: unit-old"),
        (["unit-old", ""], "public_key_names must not contain empty names"),
    ],
    ids=["six", "duplicate", "empty"],
)
def test_bad_key_names_fail_before_any_call(runner, names, expected):
    result = runner.run(mod.main, {"name": NAME, "public_key_names": names})

    assert result.failed
    assert result.result["msg"] == expected
    assert runner.client_requests == []


def test_neither_ids_nor_names_fails(runner):
    result = runner.run(mod.main, {"name": NAME})

    assert result.failed
    assert "public_key_ids, public_key_names" in result.result["msg"]
    assert runner.client_requests == []
