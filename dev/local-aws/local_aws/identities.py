"""The IAM identities every local AWS account starts with, and the credentials they sign with.

AWS refuses an unsigned or wrongly signed API request, so the local AWS does too (:mod:`local_aws.iam_auth`).
Something must therefore hold credentials before the first request, as an AWS account has its first
administrator before anyone runs a playbook. The local AWS creates these IAM users in moto's IAM at start
and again after every ``POST /moto-api/reset``:

``local-operator``
    whoever runs the playbooks (the ``local`` inventory's credentials, ``LocalAWS.client()``, the AWS CLI
    after ``eval "$(python -m local_aws env)"``). It holds the inline policy ``LocalOperatorAdministrator``
    (``"Action": "*"`` on ``"Resource": "*"``), what an account administrator has.
``storytime-local-rails``
    the Rails app of the ``local`` environment. It starts with **no** policy: the collection attaches its Rails
    policy (``iam_roles_rails_attach_to_user``), and ``validate.yml`` performs the Rails steps with these
    credentials, so what the Rails policy forgets fails here as it would on AWS.

The key IDs have the shape of long-term IAM user keys (``AKIA`` and 16 characters). They and the secrets are
not secrets: they exist only in a local AWS, which listens on the loopback interface.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from local_aws.constants import DUMMY_ACCESS_KEY_ID
from local_aws.constants import DUMMY_SECRET_ACCESS_KEY

#: moto's default account: the one every request without an assumed-role key belongs to.
ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class SeededUser:
    """An IAM user the local AWS creates, with one active access key."""

    user_name: str
    access_key_id: str
    secret_access_key: str
    #: Inline policies: name -> policy document.
    inline_policies: tuple[tuple[str, str], ...] = ()

    @property
    def arn(self) -> str:
        """The user's ARN in the default account."""
        return f"arn:aws:iam::{ACCOUNT_ID}:user/{self.user_name}"


ADMINISTRATOR_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}]}
)

OPERATOR = SeededUser(
    user_name="local-operator",
    access_key_id=DUMMY_ACCESS_KEY_ID,
    secret_access_key=DUMMY_SECRET_ACCESS_KEY,
    inline_policies=(("LocalOperatorAdministrator", ADMINISTRATOR_POLICY),),
)

RAILS = SeededUser(
    user_name="storytime-local-rails",
    access_key_id="AKIALOCALAWSRAILSAPP",
    secret_access_key="local-aws-rails-app-secret-access-key",
)

SEEDED_USERS = (OPERATOR, RAILS)


def seed() -> None:
    """Create the seeded users in moto's IAM of the default account (server process; idempotent)."""
    from moto.iam.models import AccessKey  # noqa: PLC0415  (server process only)
    from moto.iam.models import iam_backends  # noqa: PLC0415

    backend = iam_backends[ACCOUNT_ID]["aws"]
    for seeded in SEEDED_USERS:
        user = backend.users.get(seeded.user_name) or backend.create_user("us-east-1", seeded.user_name)
        if not any(key.access_key_id == seeded.access_key_id for key in user.access_keys):
            key = AccessKey(seeded.user_name, prefix="AKIA", account_id=ACCOUNT_ID)
            key.access_key_id = seeded.access_key_id
            key.secret_access_key = seeded.secret_access_key
            user.access_keys.append(key)
            backend.access_keys[key.access_key_id] = key
        for name, document in seeded.inline_policies:
            backend.put_user_policy(seeded.user_name, name, document)


__all__ = ["ACCOUNT_ID", "ADMINISTRATOR_POLICY", "OPERATOR", "RAILS", "SEEDED_USERS", "SeededUser", "seed"]
