"""common.create_or_adopt: a create answered "already exists" adopts the resource, and nothing else does."""

import botocore.exceptions
import pytest
from ansible_collections.storytime.video_infra.plugins.module_utils.common import StorytimeError
from ansible_collections.storytime.video_infra.plugins.module_utils.common import create_or_adopt
from ansible_collections.storytime.video_infra.plugins.module_utils.common import error_code


def failing(code):
    def create():
        error = botocore.exceptions.ClientError({"Error": {"Code": code, "Message": "m"}}, "CreateThing")
        raise StorytimeError("Failed to create thing", error)

    return create


def test_created():
    assert create_or_adopt(lambda: {"Id": "new"}, lambda: pytest.fail("no lookup"), "ThingAlreadyExists") == (
        True,
        {"Id": "new"},
    )


def test_already_exists_adopts_what_the_lookup_finds():
    assert create_or_adopt(failing("ThingAlreadyExists"), lambda: {"Id": "old"}, "ThingAlreadyExists") == (
        False,
        {"Id": "old"},
    )


def test_other_errors_are_raised_without_lookup():
    with pytest.raises(StorytimeError) as raised:
        create_or_adopt(failing("AccessDenied"), lambda: pytest.fail("no lookup"), "ThingAlreadyExists")
    assert error_code(raised.value) == "AccessDenied"


def test_already_exists_but_nothing_found_is_raised():
    with pytest.raises(StorytimeError) as raised:
        create_or_adopt(failing("ThingAlreadyExists"), lambda: None, "ThingAlreadyExists")
    assert error_code(raised.value) == "ThingAlreadyExists"
