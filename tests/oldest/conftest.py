"""The oldest end's playbook test uses the scenario fixtures (a playbook runner bound to this worker's local AWS)."""

from tests.scenarios.conftest import converged  # noqa: F401  (pytest fixtures)
from tests.scenarios.conftest import playbook  # noqa: F401
