"""A lost response never duplicates a resource (issue 12, item 4).

site.yml runs through the loopback fault proxy (:mod:`local_aws.fault_proxy`), which throttles, answers
500/503, and resets connections before the request reaches the local AWS or after the local AWS acted (the
create happened, its answer is lost, botocore sends it again). Two site.yml runs started together, and runs
stopped with SIGTERM part-way, must leave one of each resource; the run after converges and the one after that
writes nothing.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from local_aws import LocalAWS
from local_aws.fault_proxy import FaultProxy
from local_aws.fault_proxy import FaultRule
from local_aws.playbook import PlaybookRunner

pytestmark = [pytest.mark.scenario, pytest.mark.e2e]

#: Every create site.yml sends on a fresh account, unique by name or caller reference (IAM CreatePolicy twice).
CREATES = [
    ("s3", "CreateBucket"),
    ("secretsmanager", "CreateSecret"),
    ("cloudfront", "CreateOriginAccessControl"),
    ("cloudfront", "CreateCachePolicy"),
    ("cloudfront", "CreatePublicKey"),
    ("cloudfront", "CreateKeyGroup"),
    ("cloudfront", "CreateDistributionWithTags"),
    ("iam", "CreatePolicy"),
    ("iam", "CreateRole"),
    ("mediaconvert", "CreateQueue"),
    ("mediaconvert", "CreateJobTemplate"),
    ("sqs", "CreateQueue"),
    ("events", "PutRule"),
]

#: The first attempt of each create gets one of these; the second gets "reset-after" (the server acted, the
#: answer is lost), so the third attempt meets the resource the second made.
FIRST_FAULTS = ["throttle", "500", "503", "reset-before"]

#: Faults on reads and on writes other than creates (every kind once).
OTHER_FAULTS = [
    FaultRule("cloudfront", "ListDistributions", "throttle"),
    FaultRule("s3", "PutBucketPolicy", "reset-after"),
    FaultRule("iam", "AttachRolePolicy", "reset-after"),
    FaultRule("secretsmanager", "PutSecretValue", "reset-after"),
    FaultRule("secretsmanager", "DescribeSecret", "reset-before"),
    FaultRule("s3", "PutBucketTagging", "503"),
]


def resources(aws: LocalAWS) -> dict[str, list[str]]:
    """Names of everything site.yml makes, by kind (read directly from the local AWS, not through the proxy)."""
    cf = aws.client("cloudfront")
    mc = aws.client("mediaconvert")
    iam = aws.client("iam")
    found: dict[str, list[str]] = {
        "bucket": [b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]],
        "secret": [s["Name"] for s in aws.client("secretsmanager").list_secrets()["SecretList"]],
        "oac": [o["Name"] for o in cf.list_origin_access_controls()["OriginAccessControlList"].get("Items", [])],
        "cache_policy": [
            p["CachePolicy"]["CachePolicyConfig"]["Name"]
            for p in cf.list_cache_policies(Type="custom")["CachePolicyList"].get("Items", [])
        ],
        "public_key": [k["Name"] for k in cf.list_public_keys()["PublicKeyList"].get("Items", [])],
        "key_group": [
            g["KeyGroup"]["KeyGroupConfig"]["Name"] for g in cf.list_key_groups()["KeyGroupList"].get("Items", [])
        ],
        "distribution": [d["Comment"] for d in cf.list_distributions()["DistributionList"].get("Items", [])],
        "iam_policy": [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]],
        "iam_role": [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("storytime")],
        "mc_queue": [q["Name"] for q in mc.list_queues()["Queues"] if q.get("Type") == "CUSTOM"],
        "mc_template": [t["Name"] for t in mc.list_job_templates(ListBy="NAME")["JobTemplates"]],
        "sqs_queue": [url.rsplit("/", 1)[-1] for url in aws.client("sqs").list_queues().get("QueueUrls", [])],
        "event_rule": [r["Name"] for r in aws.client("events").list_rules()["Rules"]],
    }
    return {kind: sorted(names) for kind, names in found.items()}


def assert_one_of_each(found: dict[str, list[str]]) -> None:
    for kind, names in found.items():
        assert names, f"no {kind} at all"
        duplicates = [name for name, count in Counter(names).items() if count > 1]
        assert not duplicates, f"{kind}: {duplicates} exist more than once"
    # Public keys are named after their fingerprint: a second generated key would have another name.
    assert len(found["public_key"]) == 1, found["public_key"]
    assert len(found["distribution"]) == 1, found["distribution"]


def assert_converged(runner: PlaybookRunner) -> None:
    """The next run reports changed=0 and sends no write call."""
    again = runner.run()
    assert again.rc == 0, again.failure_messages() or again.stderr[-2000:]
    assert again.stats()["changed"] == 0, [
        t["task"]["name"]
        for p in again.result["plays"]
        for t in p["tasks"]
        if any(h.get("changed") for h in t["hosts"].values())
    ]
    assert again.writes == []


def test_faults_at_every_create_are_survived(aws: LocalAWS, tmp_path: Path) -> None:
    """Each create first meets a throttle/500/503/reset-before, then a reset after the server acted; reads and
    other writes meet faults too. The run succeeds, one of each resource exists, the next run writes nothing."""
    rules = [
        FaultRule(service, operation, FIRST_FAULTS[i % len(FIRST_FAULTS)], nth=1)
        for i, (service, operation) in enumerate(CREATES)
    ]
    rules += [FaultRule(service, operation, "reset-after", nth=2) for service, operation in CREATES]
    rules += OTHER_FAULTS
    with FaultProxy(aws, rules) as proxy:
        run = PlaybookRunner(proxy, tmp_path).run()
        assert run.rc == 0, run.failure_messages() or run.stderr[-2000:]
        # Every rule fired: every create met two faults and survived them.
        assert [(r.service, r.operation, r.fault) for r in proxy.rules if r.fired == 0] == []
        kinds = Counter(fault for _service, _operation, fault in proxy.injected)
        assert kinds["reset-after"] >= len(CREATES)
        assert set(kinds) == {"throttle", "500", "503", "reset-before", "reset-after"}
        print(f"faults injected and survived: {len(proxy.injected)} {dict(sorted(kinds.items()))}")
        proxy.set_rules([])
        assert_converged(PlaybookRunner(proxy, tmp_path))
    assert_one_of_each(resources(aws))


def test_two_runs_started_together_end_with_one_of_each(aws: LocalAWS, tmp_path: Path) -> None:
    """Two site.yml runs on a fresh account at once: both succeed, or one fails saying another run is in
    progress; the run after converges and the one after that writes nothing."""
    runs: dict[int, Any] = {}

    def run(index: int) -> None:
        runs[index] = PlaybookRunner(aws, tmp_path / f"run{index}").run()

    threads = [threading.Thread(target=run, args=(index,)) for index in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in runs.values():
        if result.rc != 0:
            assert any("another run" in message for message in result.failure_messages()), (
                result.failure_messages() or result.stderr[-2000:]
            )
    if any(result.rc != 0 for result in runs.values()):
        runner = PlaybookRunner(aws, tmp_path / "after")
        converge = runner.run()
        assert converge.rc == 0, converge.failure_messages()
    else:
        # Both succeeded: the account is converged and the outputs run 1 wrote for Rails are the final ones, so
        # the next run (with run 1's output directory) changes nothing at all.
        runner = PlaybookRunner(aws, tmp_path / "run1")
    assert_converged(runner)
    assert_one_of_each(resources(aws))


#: Where a run is stopped: right after this call reached the local AWS (its answer never read).
SIGTERM_POINTS = [
    ("s3", "CreateBucket"),
    ("cloudfront", "CreatePublicKey"),  # the signing public key registered; the secret holds only its private half
    ("cloudfront", "CreateDistributionWithTags"),
]


def test_runs_stopped_by_sigterm_then_converge(aws: LocalAWS, tmp_path: Path) -> None:
    """site.yml is stopped with SIGTERM right after each of several creates reached AWS (each run picking up
    where the last stopped); the next run converges and the run after writes nothing."""
    with FaultProxy(aws) as proxy:
        runner = PlaybookRunner(proxy, tmp_path)
        for point in SIGTERM_POINTS:
            process_box: list[Any] = []
            stopped = threading.Event()

            def observer(service: str, operation: str, point=point, box=process_box, done=stopped) -> None:
                if (service, operation) == point and box and not done.is_set():
                    done.set()
                    os.killpg(box[0].pid, signal.SIGTERM)

            proxy.observer = observer
            result = runner.run(started=process_box.append)
            assert stopped.is_set(), f"the run never called {point}"
            assert result.rc != 0, f"the run stopped after {point} reported success"
        proxy.observer = None
        converge = runner.run()
        assert converge.rc == 0, converge.failure_messages() or converge.stderr[-2000:]
        assert_converged(runner)
    assert_one_of_each(resources(aws))
