"""DescribeParameters pages at the request's MaxResults (local_aws.ssm).

https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeParameters.html ("MaxResults": the
maximum number of items to return for the call, "Valid Range: Minimum value of 1. Maximum value of 50."). moto 5.2.5
answered 10 per page whatever was asked.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

PATH = "/storytime/emulator"
PATH_FILTER = [{"Key": "Path", "Option": "OneLevel", "Values": [PATH]}]


@pytest.fixture
def ssm_with_twelve(aws):
    ssm = aws.client("ssm")
    for i in range(12):
        ssm.put_parameter(Name=f"{PATH}/p{i:02d}", Value=str(i), Type="String")
    yield ssm
    ssm.delete_parameters(Names=[f"{PATH}/p{i:02d}" for i in range(10)])
    ssm.delete_parameters(Names=[f"{PATH}/p{i:02d}" for i in range(10, 12)])


def test_describe_parameters_answers_up_to_max_results_in_one_page(ssm_with_twelve):
    page = ssm_with_twelve.describe_parameters(ParameterFilters=PATH_FILTER, MaxResults=50)
    assert len(page["Parameters"]) == 12
    assert "NextToken" not in page


def test_describe_parameters_pages_at_max_results_and_by_ten_without_it(ssm_with_twelve):
    first = ssm_with_twelve.describe_parameters(ParameterFilters=PATH_FILTER, MaxResults=5)
    assert len(first["Parameters"]) == 5
    rest = []
    token = first["NextToken"]
    while token:
        page = ssm_with_twelve.describe_parameters(ParameterFilters=PATH_FILTER, MaxResults=5, NextToken=token)
        rest += page["Parameters"]
        token = page.get("NextToken")
    names = [p["Name"] for p in first["Parameters"] + rest]
    assert sorted(names) == [f"{PATH}/p{i:02d}" for i in range(12)]
    assert len(ssm_with_twelve.describe_parameters(ParameterFilters=PATH_FILTER)["Parameters"]) == 10


def test_describe_parameters_refuses_more_than_fifty(aws):
    with pytest.raises(ClientError) as caught:
        aws.client("ssm").describe_parameters(MaxResults=51)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert "less than or equal to 50" in caught.value.response["Error"]["Message"]
