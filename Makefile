# storytime.video_infra: the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt constraints.txt | cksum | cut -d' ' -f1)
LINK := .collections/ansible_collections/storytime/video_infra
export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: help install audit prowler demo test lint sanity unit scenarios molecule benchmark build local-aws-up local-aws-down changelog clean

help:
	@echo "make demo            create the venv, start the local AWS, run site.yml and validate.yml on inventories/local, print the outputs and the checklist, stop"
	@echo "make test            the whole test suite: lint, sanity, unit, scenarios against the local AWS (what CI runs)"
	@echo "make unit            the unit tests alone (no local AWS, no ansible-playbook)"
	@echo "make scenarios       the local AWS's own tests and the playbook scenarios against it"
	@echo "make audit           converge inventories/local on a local AWS and run Prowler (s3, cloudfront, secretsmanager, iam); fails on any unmuted finding"
	@echo "make local-aws-up    start the local AWS in the background; prints AWS_ENDPOINT_URL=..."
	@echo "make local-aws-down  stop the local AWS started by local-aws-up"
	@echo "make benchmark       API calls and wall time of converge, no-op and check runs, against the stock modules"
	@echo "make build           build the collection artifact"

$(STAMP): requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==24.3.1
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	rm -f $(VENV)/.installed-*
	touch $@

$(LINK):
	mkdir -p $(dir $(LINK))
	ln -sfn ../../.. $(LINK)

install: $(STAMP) $(LINK)

# Prowler in a virtualenv of its own (its pins clash with the project's): Python 3.12 when there is one. A pyenv
# shim answers `command -v python3.12` even when 3.12 is not the active version, so ask the interpreter itself,
# then pyenv's 3.12 by name.
PROWLER_PYTHON ?= $(shell python3.12 -c 'import sys; print(sys.executable)' 2>/dev/null \
	|| PYENV_VERSION=$$(pyenv versions --bare 2>/dev/null | grep '^3\.12' | tail -1) python3.12 -c 'import sys; print(sys.executable)' 2>/dev/null \
	|| echo $(PYTHON))
PROWLER_VENV := .build/prowler-venv
PROWLER_STAMP := $(PROWLER_VENV)/.installed-$(shell cat audit/prowler-requirements.txt audit/prowler-constraints.txt | cksum | cut -d' ' -f1)

$(PROWLER_STAMP): audit/prowler-requirements.txt audit/prowler-constraints.txt
	test -x $(PROWLER_VENV)/bin/python || $(PROWLER_PYTHON) -m venv $(PROWLER_VENV)
	$(PROWLER_VENV)/bin/python -m pip install --quiet --upgrade pip==24.3.1
	$(PROWLER_VENV)/bin/python -m pip install --quiet -r audit/prowler-requirements.txt -c audit/prowler-constraints.txt
	rm -f $(PROWLER_VENV)/.installed-*
	touch $@

prowler: $(PROWLER_STAMP)

audit: install prowler
	tools/audit.sh

demo: install
	tools/demo.sh

test: install
	tools/test.sh all

lint: install
	tools/test.sh lint

sanity: install
	tools/test.sh sanity

unit: install
	tools/test.sh unit

scenarios: install
	tools/test.sh scenarios

molecule: install
	tools/test.sh molecule

benchmark: install
	$(BIN)/python benchmarks/bench_site.py

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
