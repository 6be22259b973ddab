"""Systems Manager DescribeParameters pages at the asked MaxResults, as AWS does.

moto 5.2.5 answers DescribeParameters 10 parameters per page whatever ``MaxResults`` the request gives. The API
reference gives MaxResults a range of 1 to 50 and says the response holds up to that many items
(https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeParameters.html, "MaxResults"); the
service model has the same bounds. A caller that asks for 50 (storytime.video_infra.ssm_parameters, the 26 outputs
of site.yml) makes one call on AWS and made three here, so the emulator's read counts were not AWS's.

:func:`install` (called by :class:`local_aws.server.LocalAWSApp`) makes the server's DescribeParameters page at
MaxResults (10 when the request has none, as before), and refuses a value above 50 with AWS's ValidationException
(botocore checks the lower bound only).
"""

from __future__ import annotations

#: DescribeParameters' MaxResults bounds (API reference and service model), and the page size without it.
MAX_RESULTS = 50
DEFAULT_PAGE = 10


def install() -> None:
    """Page DescribeParameters at the request's MaxResults (idempotent)."""
    from moto.core.responses import ActionResult  # noqa: PLC0415  (server process only)
    from moto.ssm.exceptions import ValidationException  # noqa: PLC0415
    from moto.ssm.responses import SimpleSystemManagerResponse  # noqa: PLC0415

    if getattr(SimpleSystemManagerResponse.describe_parameters, "_local_aws", False):
        return

    def describe_parameters(self):
        size = int(self._get_param("MaxResults") or DEFAULT_PAGE)
        if not 1 <= size <= MAX_RESULTS:
            raise ValidationException(
                f"1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy constraint: "
                f"Member must have value less than or equal to {MAX_RESULTS}"
            )
        token = str(self._get_param("NextToken") or "0").strip() or "0"
        start = int(token)
        found = self.ssm_backend.describe_parameters(self._get_param("Filters"), self._get_param("ParameterFilters"))
        end = start + size
        response = {"Parameters": [parameter.describe_response_object(False) for parameter in found[start:end]]}
        if end < len(found):
            response["NextToken"] = str(end)
        return ActionResult(response)

    describe_parameters._local_aws = True
    SimpleSystemManagerResponse.describe_parameters = describe_parameters
