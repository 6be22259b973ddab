# storytime.video_infra: the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter of a Python version: the one on PATH when it is that version, else pyenv's by name. (A pyenv shim
# answers `command -v python3.13` even when 3.13 is not the active version, so ask the interpreter itself.)
find_python = $(shell python$(1) -c 'import sys; print(sys.executable)' 2>/dev/null \
	|| PYENV_VERSION=$$(pyenv versions --bare 2>/dev/null | grep '^$(subst .,\.,$(1))\.' | tail -1) python$(1) -c 'import sys; print(sys.executable)' 2>/dev/null \
	|| echo python$(1))

# The current end of the supported range (ansible 14, ansible-core 2.21, Python 3.13): what `make demo` and
# `make test` use.
PYTHON ?= $(call find_python,3.13)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt constraints.txt dev/local-aws/pyproject.toml | cksum | cut -d' ' -f1)
# The oldest end (ansible-core 2.19, Python 3.11): `make test-oldest`.
PYTHON_OLDEST ?= $(call find_python,3.11)
OLDEST_VENV := .build/oldest-venv
OLDEST_STAMP := $(OLDEST_VENV)/.installed-$(shell cat tests/oldest/requirements.txt tests/oldest/constraints.txt | cksum | cut -d' ' -f1)
LINK := .collections/ansible_collections/storytime/video_infra
export PATH := $(BIN):$(PATH)
# Python may cache what it compiles (the collection's plugins, imported by every ansible-playbook process): an
# environment that sets PYTHONDONTWRITEBYTECODE makes every process compile them again (about a second a run).
unexport PYTHONDONTWRITEBYTECODE
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: help install audit prowler localstack localstack-venv player-deps demo test test-e2e test-oldest oldest-venv docs lint sanity unit scenarios molecule benchmark benchmark-baseline build local-aws-up local-aws-down changelog clean

help:
	@echo "make demo            create the venv, start the local AWS, run site.yml and validate.yml on inventories/local, print the outputs and the checklist, stop"
	@echo "make test            the core suite (7 to 8 minutes): lint, sanity, unit, the local AWS's rules, the scenarios not marked e2e"
	@echo "make test-e2e        the end-to-end scenarios (marked e2e) beside the molecule scenarios; CI runs it after make test"
	@echo "make test-oldest     the oldest supported Ansible (ansible-core 2.19, Python 3.11): sanity, unit tests, converge and no-op"
	@echo "make localstack      molecule against LocalStack's community runtime (storage, secrets, IAM, notifications; everything with LOCALSTACK_AUTH_TOKEN)"
	@echo "make unit            the unit tests alone (no local AWS, no ansible-playbook)"
	@echo "make player-deps     chromium, certutil (apt) and the web player test's Node packages (npm ci in tests/player)"
	@echo "make scenarios       the local AWS's own tests and the playbook scenarios against it"
	@echo "make audit           converge inventories/local on a local AWS and run Prowler (s3, cloudfront, secretsmanager, iam); fails on any unmuted finding"
	@echo "make local-aws-up    start the local AWS in the background; prints AWS_ENDPOINT_URL=..."
	@echo "make local-aws-down  stop the local AWS started by local-aws-up"
	@echo "make benchmark       API calls and wall time of converge, no-op and check runs, against the stock modules"
	@echo "make benchmark-baseline  this tree against BASELINE=<commit> (default HEAD~1) side by side: wall times, AWS calls, tasks (EXTRA_VARS=<JSON> for both)"
	@echo "make docs            the collection's HTML documentation (antsibull-docs, Sphinx): .build/docs/build/html"
	@echo "make build           build the collection artifact"

# A venv of another Python version (one made before the move to 3.13) is made again.
same_python = test "$$($(1)/bin/python -c 'import sys; print(sys.version_info[:2])' 2>/dev/null)" \
	= "$$($(2) -c 'import sys; print(sys.version_info[:2])')"

# $(call install_venv,<dir>,<python>,<requirements>,<constraints>[,<pip options>]): the recipe of every virtualenv here
# (the project's, the oldest end's, Prowler's, LocalStack's): exact pins, then the stamp that names the pins' checksum.
define install_venv
$(call same_python,$(1),$(2)) || { rm -rf $(1) && $(2) -m venv $(1); }
$(1)/bin/python -m pip install --quiet --upgrade pip==24.3.1
$(1)/bin/python -m pip install --quiet $(5) -r $(3) -c $(4)
rm -f $(1)/.installed-*
touch $@
endef

# The local AWS (dev/local-aws, its own package) is installed in editable mode after the pins, with the venv's own
# setuptools (no build isolation: nothing is downloaded for it).
$(STAMP): requirements.txt constraints.txt dev/local-aws/pyproject.toml
	$(call install_venv,$(VENV),$(PYTHON),requirements.txt,constraints.txt)
	$(VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation --editable dev/local-aws || { rm -f $@; exit 1; }

# The venvs that only make's own targets use (the oldest end's, Prowler's, LocalStack's) are installed without
# compiling every module to bytecode. Prowler's has 66,000 Python files (Azure, GCP and other clouds' SDKs): its
# install took 150 CPU seconds, 29 without compiling, and the first audit then compiles the 3,400 modules it imports
# (9 s more, once; dev/benchmarks/bench_venv_install.py). Python keeps what it compiles (make unexports
# PYTHONDONTWRITEBYTECODE). The project's venv compiles everything: its ansible-playbook, pytest and the modules'
# Python run outside make too, where that variable may be set.
NO_COMPILE := --no-compile

$(OLDEST_STAMP): tests/oldest/requirements.txt tests/oldest/constraints.txt
	$(call install_venv,$(OLDEST_VENV),$(PYTHON_OLDEST),tests/oldest/requirements.txt,tests/oldest/constraints.txt,$(NO_COMPILE))

$(LINK):
	mkdir -p $(dir $(LINK))
	ln -sfn ../../.. $(LINK)

install: $(STAMP) $(LINK)

# Prowler in a virtualenv of its own (its pins clash with the project's), on Python 3.12.
PROWLER_PYTHON ?= $(call find_python,3.12)
PROWLER_VENV := .build/prowler-venv
PROWLER_STAMP := $(PROWLER_VENV)/.installed-$(shell cat dev/audit/prowler-requirements.txt dev/audit/prowler-constraints.txt | cksum | cut -d' ' -f1)

$(PROWLER_STAMP): dev/audit/prowler-requirements.txt dev/audit/prowler-constraints.txt
	$(call install_venv,$(PROWLER_VENV),$(PROWLER_PYTHON),dev/audit/prowler-requirements.txt,dev/audit/prowler-constraints.txt,$(NO_COMPILE))

prowler: $(PROWLER_STAMP)

# LocalStack's community runtime in a virtualenv of its own (its pins clash with the project's), on Python 3.13.
LOCALSTACK_VENV := .build/localstack-venv
LOCALSTACK_STAMP := $(LOCALSTACK_VENV)/.installed-$(shell cat tests/localstack/requirements.txt tests/localstack/constraints.txt | cksum | cut -d' ' -f1)

$(LOCALSTACK_STAMP): tests/localstack/requirements.txt tests/localstack/constraints.txt
	$(call install_venv,$(LOCALSTACK_VENV),$(PYTHON),tests/localstack/requirements.txt,tests/localstack/constraints.txt,$(NO_COMPILE))

localstack-venv: $(LOCALSTACK_STAMP)

localstack: install localstack-venv
	dev/tools/test.sh localstack

audit: install prowler
	dev/tools/audit.sh

demo: install
	dev/tools/demo.sh

# The web player test's chromium, certutil and Node packages (tests/player/install.sh; once per lock file).
PLAYER_STAMP := tests/player/node_modules/.installed-$(shell cksum < tests/player/package-lock.json | cut -d' ' -f1)

$(PLAYER_STAMP): tests/player/package.json tests/player/package-lock.json tests/player/install.sh
	tests/player/install.sh
	touch $@

player-deps: $(PLAYER_STAMP)

# The core suite (the README's test command) and the end-to-end suite; CI (.ci/run) runs both. Only the end-to-end
# suite needs the players (chromium, hls.js).
test: install
	dev/tools/test.sh all

test-e2e: install player-deps
	dev/tools/test.sh e2e

# The oldest supported end: sanity, the unit tests, one converge and one no-op run of site.yml, on ansible-core 2.19
# and Python 3.11 (its own venv in .build/oldest-venv). Sanity skips the style linters (pylint, pep8, pslint,
# shellcheck): their verdicts follow the linters' versions, not ansible-core's, and `make test` runs them.
oldest-venv: $(OLDEST_STAMP)

test-oldest: $(OLDEST_STAMP) $(LINK)
	PATH=$(CURDIR)/$(OLDEST_VENV)/bin:$$PATH SANITY_ARGS="--skip-test pylint --skip-test pep8 --skip-test pslint --skip-test shellcheck" \
		dev/tools/test.sh sanity unit oldest-converge

lint: install
	dev/tools/test.sh lint

sanity: install
	dev/tools/test.sh sanity

unit: install
	dev/tools/test.sh unit

scenarios: install player-deps
	dev/tools/test.sh scenarios

molecule: install
	dev/tools/test.sh molecule

benchmark: install
	$(BIN)/python dev/benchmarks/bench_site.py

BASELINE ?= HEAD~1
benchmark-baseline: install
	$(BIN)/python dev/benchmarks/bench_baseline.py --baseline $(BASELINE) --extra-vars '$(or $(EXTRA_VARS),{})'

docs: install
	dev/tools/docs.sh

build: install
	$(BIN)/ansible-galaxy collection build --force --output-path .build/dist .

local-aws-up: install
	@$(BIN)/python -m local_aws up

local-aws-down: install
	@$(BIN)/python -m local_aws down

changelog: install
	$(BIN)/antsibull-changelog release

clean:
	rm -rf .build .collections .pytest_cache .ruff_cache outputs
