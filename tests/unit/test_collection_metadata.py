"""The collection's metadata agrees with itself."""

from pathlib import Path

import pytest
import yaml
from ansible_collections.storytime.video_infra.plugins.module_utils.common import STORYTIME_COLLECTION_VERSION

ROOT = Path(__file__).resolve().parents[2]


def test_user_agent_version_matches_galaxy():
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    assert STORYTIME_COLLECTION_VERSION == galaxy["version"]


#: Modules that make no AWS call, so take no connection options: kept out of the aws action groups.
NOT_AWS = {"controller_files", "hls_conformance"}
#: The stock module whose own `region` option means latency-based routing: its tasks get the connection one by one.
OWN_DEFAULTS = {"amazon.aws.route53"}


def action_groups():
    return yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["action_groups"]


def members(group):
    """(the modules a group lists, the groups it extends)."""
    listed = [entry for entry in group if isinstance(entry, str)]
    extends = [entry["metadata"]["extend_group"] for entry in group if isinstance(entry, dict)]
    return set(listed), (extends[0] if extends else [])


def stock_modules_the_collection_runs():
    """Every amazon.aws and community.aws module named in a task (or a module_defaults key) of the roles and
    playbooks."""
    found = set()

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                parts = str(key).split(".")
                if len(parts) == 3 and parts[:2] in (["amazon", "aws"], ["community", "aws"]):
                    found.add(str(key))
                walk(value)

    for path in [*ROOT.glob("roles/*/tasks/*.yml"), *ROOT.glob("playbooks/*.yml"), *ROOT.glob("*.yml")]:
        walk(yaml.safe_load(path.read_text()))
    return found


def test_every_aws_module_is_in_the_aws_modules_group():
    listed, extends = members(action_groups()["aws_modules"])
    modules = {p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__"}
    assert NOT_AWS <= modules
    assert modules - NOT_AWS == listed
    assert extends == []


def test_the_aws_group_for_users_reaches_the_collection_and_every_stock_aws_module():
    listed, extends = members(action_groups()["aws"])
    assert listed == set()
    assert extends == ["storytime.video_infra.aws_modules", "amazon.aws.aws", "community.aws.aws"]


def test_the_roles_group_holds_exactly_the_stock_modules_the_roles_and_playbooks_run():
    listed, extends = members(action_groups()["aws_roles"])
    assert extends == ["storytime.video_infra.aws_modules"]
    used = stock_modules_the_collection_runs()
    assert OWN_DEFAULTS <= used
    assert listed == used - OWN_DEFAULTS


def test_the_roles_and_playbooks_give_their_connection_to_the_roles_group():
    groups = set()
    for path in [*ROOT.glob("roles/*/tasks/*.yml"), *ROOT.glob("playbooks/*.yml")]:
        groups.update(line.split("group/", 1)[1].split(":", 1)[0] for line in path.read_text().splitlines()
                      if "group/" in line and not line.lstrip().startswith("#"))  # fmt: skip
    assert groups == {"storytime.video_infra.aws_roles"}


def test_plugin_documentation_is_valid_yaml():
    """DOCUMENTATION, EXAMPLES and RETURN of every Python plugin parse (ansible-doc needs them to)."""
    import ast  # noqa: PLC0415

    for path in sorted((ROOT / "plugins").glob("*/*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in (
                "DOCUMENTATION",
                "EXAMPLES",
                "RETURN",
            ):
                try:
                    yaml.safe_load(node.value.value)
                except yaml.YAMLError as e:  # pragma: no cover - the assertion message is the point
                    raise AssertionError(f"{path.relative_to(ROOT)} {node.targets[0].id}: {e}") from e


def test_test_file_names_are_unique():
    """pytest imports test files by basename (no packages here): two with one name break collection."""
    names = [path.name for path in (ROOT / "tests").rglob("test_*.py")]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_ci_runs_both_suites_and_together_they_select_every_test():
    """`make test` selects the tests not marked e2e, `make test-e2e` those marked e2e in tests/scenarios, and CI runs
    both: an e2e mark outside tests/scenarios, or CI without one of the two, would leave tests that nothing runs."""
    marked = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("test_*.py")
        if path != Path(__file__).resolve() and "pytest.mark.e2e" in path.read_text()
    )
    assert marked and all(path.startswith("tests/scenarios/") for path in marked), marked
    script = (ROOT / "dev/tools/test.sh").read_text()
    assert '-m "not e2e" tests/unit tests/local_aws tests/scenarios' in script
    assert "-m e2e tests/scenarios" in script
    ci = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert ci.index("make test") < ci.index("make test-e2e")


def pinned_ansible_core(constraints: Path) -> tuple[int, ...]:
    version = next(
        line.split("==")[1].strip()
        for line in constraints.read_text().splitlines()
        if line.startswith("ansible-core==")
    )
    return tuple(int(part) for part in version.split("."))


def test_the_declared_ansible_range_starts_at_the_oldest_tested_ansible_core():
    """requires_ansible claims exactly the oldest ansible-core the suite runs (make test-oldest's pin), and the
    current end (make test's pin) is newer."""
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    oldest = pinned_ansible_core(ROOT / "tests" / "oldest" / "constraints.txt")
    current = pinned_ansible_core(ROOT / "constraints.txt")
    assert runtime["requires_ansible"] == f">={oldest[0]}.{oldest[1]}.0"
    assert current > oldest


#: Modules whose job a stock amazon.aws / community.aws module does, or seems to do: each says why it exists.
OVERLAPPING = (
    "s3_private_bucket",
    "cloudfront_distribution",
    "cloudfront_origin_access_control",
    "cloudfront_cache_policy",
    "cloudfront_public_key",
    "cloudfront_key_group",
    "secretsmanager_secret",
    "acm_certificate",
    "wafv2_web_acl",
    "cloudfront_response_headers_policy",
)


@pytest.mark.parametrize("module", OVERLAPPING)
def test_a_module_that_overlaps_a_stock_one_says_why_it_exists(module):
    import ast  # noqa: PLC0415

    source = (ROOT / "plugins" / "modules" / f"{module}.py").read_text()
    documentation = next(
        node.value.value
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "DOCUMENTATION"
    )
    notes = yaml.safe_load(documentation)["notes"]
    (why,) = [note for note in notes if note.startswith("Why this module")]
    assert "amazon.aws" in why or "community.aws" in why
