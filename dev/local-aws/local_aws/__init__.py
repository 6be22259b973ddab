"""Local AWS: a moto server plus our own emulations, as test and demo tooling.

Not part of the built collection. Command line: ``python -m local_aws --help``; see README.md.

Python API::

    from local_aws import LocalAWS, reset

    with LocalAWS() as aws:          # subprocess on a free port, private state dir
        s3 = aws.client("s3")        # or pass aws.env() to a child process
        ...
        reset(aws.endpoint_url)      # empty all state

Importing this package does not import moto or boto3.
"""

from local_aws.lifecycle import LocalAWS
from local_aws.lifecycle import StartError
from local_aws.lifecycle import check_health
from local_aws.lifecycle import client_env
from local_aws.lifecycle import reset

__all__ = ["LocalAWS", "StartError", "check_health", "client_env", "reset"]
