#!/usr/bin/env bash
# The test suite behind `make test` (and .ci/run). Usage: tools/test.sh [all|lint|sanity|pytest|unit|scenarios|molecule]...
# Expects the venv from `make install` on PATH (the Makefile puts it there).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"
export PYTHONDONTWRITEBYTECODE=1

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
  local parent="$ROOT/.build/sanity/ansible_collections"
  local dir="$parent/storytime/video_infra"
  rm -rf "$ROOT/.build/sanity"
  mkdir -p "$dir"
  git ls-files -co --exclude-standard -- galaxy.yml README.md meta plugins roles playbooks changelogs tests/unit tests/sanity \
    | tar -cf - -T - | tar -xf - -C "$dir"
  # amazon.aws and community.aws come from the `ansible` package; ansible-test looks for them beside us.
  local bundled
  bundled=$(python -c 'import ansible_collections.amazon.aws as m, os; print(os.path.dirname(os.path.dirname(m.__path__[0])))')
  ln -s "$bundled/amazon" "$parent/amazon"
  ln -s "$bundled/community" "$parent/community"
  # Offline stand-in for the pip bootstrap script ansible-test would download (see the file's docstring).
  # ansible-core 2.19's ansible-test bootstraps pip 24.2 (python_requirements.get_venv_packages).
  mkdir -p ~/.ansible/test/cache
  cp tools/ansible_test_get_pip.py ~/.ansible/test/cache/get_pip_24_2.py
  (cd "$dir" && git init -q && git add -A && ansible-test sanity --python 3.11 --color no)
}

run_pytest() {
  stage "pytest: unit, local AWS, scenarios against the local AWS"
  # One worker per core (PYTEST_WORKERS overrides); each worker runs its own local AWS (a session fixture), so
  # tests never share AWS state. Scenario tests spend most of their time in ansible-playbook processes.
  # worksteal: the workers start with halves of the list (costliest scenario tests first, see tests/conftest.py) and
  # an idle worker takes half of another's remaining tests, so neither ends alone behind a long scenario.
  pytest -n "${PYTEST_WORKERS:-auto}" --dist worksteal tests/unit tests/local_aws tests/scenarios
}

# The unit tests alone: no local AWS, no ansible-playbook (about 10 seconds here).
run_unit() {
  stage "pytest: unit tests"
  pytest -q -n "${PYTEST_WORKERS:-auto}" tests/unit
}

# The tests against the local AWS: the emulator's own rules, then the playbooks.
run_scenarios() {
  stage "pytest: local AWS and scenarios"
  pytest -n "${PYTEST_WORKERS:-auto}" --dist worksteal tests/local_aws tests/scenarios
}

run_molecule() {
  stage "molecule (local AWS)"
  molecule test --all
}

stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(all)
for s in "${stages[@]}"; do
  case "$s" in
    all) lint; sanity; run_pytest; run_molecule ;;
    lint) lint ;;
    sanity) sanity ;;
    pytest) run_pytest ;;
    unit) run_unit ;;
    scenarios) run_scenarios ;;
    molecule) run_molecule ;;
    *) echo "unknown stage: $s" >&2; exit 2 ;;
  esac
done
