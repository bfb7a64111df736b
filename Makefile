# The two commands the README starts with: `make preview STACK=eu` and `make test`.
# Both create the virtualenv and install the pinned dependencies on first use.

STACK ?= eu
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: preview diagram test lint typecheck unit workflows bench clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

## The main job: the offline, policy-enforced preview of one stack (exit 1 on a mandatory violation).
preview: $(STAMP)
	$(BIN)/python -m offline_preview preview --stack $(STACK)

## The residency map of one stack as Mermaid, written to residency-$(STACK).md.
diagram: $(STAMP)
	$(BIN)/python -m offline_preview preview --stack $(STACK) --diagram residency-$(STACK).md

## The full test suite: lint, type check, workflow check and every test.
test: lint typecheck workflows unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy policies/__main__.py

workflows: $(STAMP)
	$(BIN)/actionlint .github/workflows/*.yml

unit: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/preview.py
	$(BIN)/python benchmarks/telemetry_replication.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
