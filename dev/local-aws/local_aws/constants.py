"""Shared constants of the local AWS tooling.

Kept in a module without heavy imports so that the CLI commands that only talk to a running server
(``status``, ``env``, ``down``) start fast: importing moto costs about half a second.
"""

from __future__ import annotations

#: Namespace of our own HTTP paths. No AWS API uses a path beginning with ``/_``: S3 bucket names must
#: begin with a lowercase letter or a digit, and every REST API path starts with a date or a word.
INTERNAL_PREFIX = "/_local_aws/"

#: Health check: ``GET`` answers ``{"status": "ok", "moto": "<version>"}``.
HEALTH_PATH = INTERNAL_PREFIX + "health"

#: ``POST <prefix><name>`` saves the whole state under ``name``; see :mod:`local_aws.snapshots`.
SNAPSHOT_PREFIX = INTERNAL_PREFIX + "snapshot/"

#: ``POST <prefix><name>`` empties the server and restores snapshot ``name``.
RESTORE_PREFIX = INTERNAL_PREFIX + "restore/"

#: moto's own reset endpoint (``POST``), which empties every backend.
MOTO_RESET_PATH = "/moto-api/reset"

#: Host the background server binds to and that endpoint URLs name.
LOOPBACK = "127.0.0.1"

#: Default state directory, relative to the current working directory.
DEFAULT_STATE_DIR = ".local-aws"

#: Environment variable that overrides :data:`DEFAULT_STATE_DIR`.
STATE_DIR_ENV = "LOCAL_AWS_STATE_DIR"

#: The operator's credentials (the IAM user ``local-operator`` the local AWS creates: see
#: :mod:`local_aws.identities`, which must agree). Every API request must be signed with a key the local IAM
#: knows. Deliberately long: Ansible masks every occurrence of a ``no_log`` value in its output.
DUMMY_ACCESS_KEY_ID = "AKIALOCALAWSOPERATOR"
DUMMY_SECRET_ACCESS_KEY = "local-aws-operator-secret-access-key"

#: Region used when ``AWS_DEFAULT_REGION`` is not set.
DEFAULT_REGION = "eu-west-1"
