#!/usr/bin/env bash
# The test suites behind `make test` (all: the core suite) and `make test-e2e` (e2e), both run by .ci/run.
# Usage: dev/tools/test.sh [all|e2e|lint|sanity|pytest|unit|scenarios|molecule|oldest-converge|localstack]...
# Expects the venv from `make install` on PATH (the Makefile puts it there).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"

stage() { printf '\n=== %s ===\n' "$*"; }

lint() {
  stage "ruff"
  ruff check .
  stage "black"
  black --check --quiet .
  stage "ansible-lint (production profile)"
  ansible-lint --profile production --strict
}

sanity() {
  stage "ansible-test sanity"
  # ansible-test needs the collection under ansible_collections/<namespace>/<name>/ and lists files with
  # git; sanity covers the shipped content plus the collection's unit tests and ignore files.
  # One tree per Python version: make test-oldest runs its sanity beside make test's in CI.
  local python_version tree
  python_version=$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  tree="$ROOT/.build/sanity-$python_version"
  local parent="$tree/ansible_collections"
  local dir="$parent/storytime/video_infra"
  rm -rf "$tree"
  mkdir -p "$dir"
  git ls-files -co --exclude-standard -- galaxy.yml README.md meta plugins roles playbooks changelogs tests/unit tests/sanity \
    | tar -cf - -T - | tar -xf - -C "$dir"
  # amazon.aws and community.aws come from the `ansible` package; ansible-test looks for them beside us.
  local bundled
  bundled=$(python -c 'import ansible_collections.amazon.aws as m, os; print(os.path.dirname(os.path.dirname(m.__path__[0])))')
  ln -s "$bundled/amazon" "$parent/amazon"
  ln -s "$bundled/community" "$parent/community"
  # Offline stand-in for the pip bootstrap script ansible-test would download (see the file's docstring), under
  # the name this ansible-test looks for: its pip version (2.19 bootstraps pip 24.2, 2.21 pip 25.2).
  local pip_version
  pip_version=$(python -c 'from ansible_test._internal.python_requirements import get_venv_packages as g
class Python: version = ""
print(g(Python())["pip"].replace(".", "_"))')
  mkdir -p ~/.ansible/test/cache
  cp dev/tools/ansible_test_get_pip.py ~/.ansible/test/cache/get_pip_"$pip_version".py
  # SANITY_ARGS: extra ansible-test options (make test-oldest skips the style linters, which the current end runs).
  # shellcheck disable=SC2086
  (cd "$dir" && git init -q && git add -A && ansible-test sanity --python "$python_version" --color no ${SANITY_ARGS:-})
}

# Workers for the tests against the local AWS: one per core and one more (PYTEST_WORKERS overrides). A scenario
# test waits part of its time (process starts, the local MediaConvert's transcodes, deployments, retries): with one
# worker per core, the two cores of the CI machine were busy only about three quarters of the time once CI's
# background stages had ended.
scenario_workers() { echo "${PYTEST_WORKERS:-$(($(nproc) + 1))}"; }

# The core suite's pytest (`make test`): unit, the local AWS's rules, and the scenarios not marked e2e.
run_pytest() {
  stage "pytest: unit, local AWS, scenarios against the local AWS (not e2e)"
  # Each worker runs its own local AWS (a session fixture), so tests never share AWS state. Scenario tests spend
  # most of their time in ansible-playbook processes.
  # worksteal: the workers start with halves of the list (costliest scenario tests first, see tests/conftest.py) and
  # an idle worker takes half of another's remaining tests, so neither ends alone behind a long scenario.
  pytest -n "$(scenario_workers)" --dist worksteal --durations=25 -m "not e2e" tests/unit tests/local_aws tests/scenarios
}

# The end-to-end scenarios (`make test-e2e`, marked e2e: sequences of several playbook runs, faults, the players,
# the optional features; pyproject.toml's marker says which).
run_e2e_pytest() {
  stage "pytest: end-to-end scenarios against the local AWS (e2e)"
  pytest -n "$(scenario_workers)" --dist worksteal --durations=25 -m e2e tests/scenarios
}

# The unit tests alone: no local AWS, no ansible-playbook (about 10 seconds here).
run_unit() {
  stage "pytest: unit tests"
  pytest -q -n "${PYTEST_WORKERS:-auto}" tests/unit
}

# The tests against the local AWS: the emulator's own rules, then the playbooks.
run_scenarios() {
  stage "pytest: local AWS and scenarios"
  pytest -n "$(scenario_workers)" --dist worksteal tests/local_aws tests/scenarios
}

# The oldest supported end's playbook check (make test-oldest): one converge of site.yml from an empty account and a
# second run that changes and writes nothing (tests/oldest/).
run_oldest_converge() {
  stage "converge and no-op run of site.yml ($(ansible --version 2>/dev/null | head -1))"
  # Its own base temp directory and no cache: it may run beside make test's pytest (CI).
  pytest -p no:xdist -p no:cacheprovider --basetemp="$ROOT/.build/oldest-pytest" tests/oldest
}

# The `localstack` molecule scenario (make localstack): the parts of site.yml that LocalStack's free runtime emulates,
# or everything with LOCALSTACK_AUTH_TOKEN.
run_localstack() {
  stage "molecule against LocalStack"
  if [ -n "${LOCALSTACK_AUTH_TOKEN:-}" ]; then
    export STORYTIME_LOCALSTACK_TAGS=all
    echo "LOCALSTACK_AUTH_TOKEN is set: the whole site.yml, then validate.yml in verify."
  else
    export STORYTIME_LOCALSTACK_TAGS=storage,secrets,iam,notifications
    echo "Runs: storage, secrets, iam, notifications (SQS queue and EventBridge rule), outputs."
    echo "Skipped: the cloudfront part (distribution, OAC, cache policies, signing key, key group, WAF), the MediaConvert"
    echo "queue and job template, and validate.yml: LocalStack's free runtime answers that CloudFront and MediaConvert"
    echo "are not included in its plan. Set LOCALSTACK_AUTH_TOKEN to run them."
  fi
  molecule test -s localstack
}

run_molecule() {
  stage "molecule (local AWS)"
  molecule test -s default
  molecule test -s aws
}

# Two stages side by side: the first in the background with its output in .build/test-<name>.log, printed once both
# have ended. Each stage alone uses at most one core most of its time (lint and sanity are single-threaded; the
# molecule scenario is one playbook run at a time beside pytest's workers).
declare -A beside_pids=()
beside() {
  mkdir -p "$ROOT/.build"
  ("$1") >"$ROOT/.build/test-$1.log" 2>&1 &
  beside_pids[$1]=$!
}
joined() {
  local status=0
  wait "${beside_pids[$1]}" || status=$?
  cat "$ROOT/.build/test-$1.log"
  [ "$status" -eq 0 ] || { echo "$1 failed (exit $status)" >&2; exit "$status"; }
}
# A failing stage ends the script (errexit); the one beside it is stopped with it.
all() {
  trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
  beside lint
  sanity
  joined lint
  run_pytest
}
e2e() {
  trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
  beside run_molecule
  run_e2e_pytest
  joined run_molecule
}

stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(all)
for s in "${stages[@]}"; do
  case "$s" in
    all) all ;;
    e2e) e2e ;;
    lint) lint ;;
    sanity) sanity ;;
    pytest) run_pytest ;;
    unit) run_unit ;;
    scenarios) run_scenarios ;;
    molecule) run_molecule ;;
    oldest-converge) run_oldest_converge ;;
    localstack) run_localstack ;;
    *) echo "unknown stage: $s" >&2; exit 2 ;;
  esac
done
