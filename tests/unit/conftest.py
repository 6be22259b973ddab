"""Fixtures to run a module's main() in-process against a botocore Stubber."""

import json

import boto3
import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from botocore.stub import Stubber


class ModuleExit(Exception):
    """Raised instead of sys.exit by exit_json / fail_json."""

    def __init__(self, result, failed):
        super().__init__(json.dumps(result, default=str))
        self.result = result
        self.failed = failed


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    """Retries back off with time.sleep; tests must not wait."""
    monkeypatch.setattr(cloud.time, "sleep", lambda _s: None)


class ModuleRunner:
    """Runs a module's main() with given args; every AWS client it asks for is a stubbed real client."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.clients = {}
        self.stubbers = {}
        self.client_requests = []
        self.warnings = []
        monkeypatch.setattr(basic.AnsibleModule, "warn", lambda _module, message: self.warnings.append(message))
        monkeypatch.setattr(basic.AnsibleModule, "exit_json", self._exit)
        monkeypatch.setattr(basic.AnsibleModule, "fail_json", self._fail)
        monkeypatch.setattr(AnsibleAWSModule, "client", lambda _module, *a, **kw: self._client(*a, **kw))

    @staticmethod
    def _exit(_module, **kwargs):
        raise ModuleExit(kwargs, failed=False)

    @staticmethod
    def _fail(_module, **kwargs):
        raise ModuleExit(kwargs, failed=True)

    def stub(self, service, region="eu-west-1"):
        """The Stubber for ``service``; queue responses on it before calling run()."""
        if service not in self.stubbers:
            client = boto3.client(
                service,
                region_name=region,
                aws_access_key_id="unit-test-key",
                aws_secret_access_key="unit-test-secret",
            )
            self.clients[service] = client
            self.stubbers[service] = Stubber(client)
            self.stubbers[service].activate()
        return self.stubbers[service]

    def _client(self, service, retry_decorator=None, **_kwargs):
        self.client_requests.append(service)
        self.stub(service)
        client = self.clients[service]
        if retry_decorator is None:
            return client
        return RetryingBotoClientWrapper(client, retry_decorator)

    def run(self, main, args):
        args = dict(args)
        args.setdefault("region", "eu-west-1")
        with patch_module_args(args), pytest.raises(ModuleExit) as exc_info:
            main()
        outcome = exc_info.value
        outcome.warnings = list(self.warnings)
        for service, stubber in self.stubbers.items():
            pending = [item["operation_name"] for item in stubber._queue]  # pylint: disable=protected-access
            assert not pending, f"{service} calls expected but not made: {pending}; module returned {outcome.result}"
        return outcome


@pytest.fixture
def runner(monkeypatch):
    return ModuleRunner(monkeypatch)
