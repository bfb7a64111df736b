# The two commands the README starts with: `make preview STACK=eu` and `make test`.
# Both create the virtualenv and install the pinned dependencies on first use.

STACK ?= eu
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: preview preview-bootstrap diagram diagram-png mermaid test lint typecheck unit workflows bench clean

PACK_VENV := policies/.venv
PACK_STAMP := $(PACK_VENV)/.installed

# --no-compile: pip would byte-compile every module of pulumi_aws (over a minute); Python compiles the few the
# program imports on first use instead.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml $(PACK_STAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-compile --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# The policy pack's own virtualenv (PulumiPolicy.yaml: virtualenv .venv), from policies/requirements.txt
# alone, as `pulumi install` in policies/ and the CLI's install of a published pack create it. Byte-compiled
# as pip does by default (no pulumi_aws here, so it is quick): the pack starts on every preview, and without
# byte-code (PYTHONDONTWRITEBYTECODE keeps Python from writing it) each start compiles the SDK again.
$(PACK_STAMP): policies/requirements.txt
	test -x $(PACK_VENV)/bin/python || $(PYTHON) -m venv $(PACK_VENV)
	cd policies && .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	cd policies && .venv/bin/python -m compileall -q residency_facts residency_policies > /dev/null
	touch $(PACK_STAMP)

## The main job: the offline, policy-enforced preview of one stack (exit 1 on a mandatory violation).
preview: $(STAMP)
	$(BIN)/python -m offline_preview preview --stack $(STACK)

## The bootstrap program's offline preview, checked by the same pack (BOOTSTRAP_STACK=eu or india).
BOOTSTRAP_STACK ?= $(STACK)
preview-bootstrap: $(STAMP)
	$(BIN)/python -m offline_preview preview -C bootstrap --stack $(BOOTSTRAP_STACK) --policy-pack ../policies

## The residency map of one stack as Mermaid, written to residency-$(STACK).md.
diagram: $(STAMP)
	$(BIN)/python -m offline_preview preview --stack $(STACK) --diagram residency-$(STACK).md

## Mermaid, pinned, for the map render test and diagram-png (needs npm; the test also needs chromium).
mermaid: tests/mermaid/node_modules/.package-lock.json
tests/mermaid/node_modules/.package-lock.json: tests/mermaid/package.json tests/mermaid/package-lock.json
	npm ci --prefix tests/mermaid --no-audit --no-fund --loglevel=error

## The residency map as GitHub would show it, as a PNG to look at (needs chromium).
diagram-png: diagram mermaid
	$(BIN)/python -m tests.mermaid.render residency-$(STACK).md residency-$(STACK).png

## The full test suite: lint, type check, workflow check and every test, side by side (the checks' output
## is printed whole as each finishes; make fails if any of them does).
test: $(STAMP)
	$(MAKE) --no-print-directory -j4 --output-sync=target lint typecheck workflows unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy policies/__main__.py
	$(BIN)/mypy bootstrap/__main__.py

workflows: $(STAMP)
	$(BIN)/actionlint .github/workflows/*.yml

## pytest-xdist: one worker per core (PYTEST_WORKERS=1 for a serial run); a module's tests stay on one worker,
## so a module-scoped fixture (a stack run, a set of PostgreSQL servers) runs once. The slowest are listed.
PYTEST_WORKERS ?= auto
## Mermaid (tests/mermaid) is installed when npm is here, so the map render tests run locally as under CI.
## The suite starts hundreds of Python processes (program runners, pack servers, the CLI), each importing
## pulumi and pulumi_aws. The install skips byte-compiling (--no-compile, above), and where
## PYTHONDONTWRITEBYTECODE is set (as where the figure in the README was measured) no process keeps what it compiled either: each one
## compiled pulumi_aws afresh, about two thirds of its start-up. So the tests keep all bytecode in one tree
## under the virtualenv (PYTHONPYCACHEPREFIX, inherited by every process they start), written by the first
## process that imports a module, and never next to the sources. `make clean` removes it with the virtualenv.
PYCACHE := $(CURDIR)/$(VENV)/pycache
unit: $(STAMP)
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory mermaid; \
	else echo "npm is missing: the Mermaid render tests will skip (CI installs it: .ci/run)"; fi
	env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX=$(PYCACHE) \
	    $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope --durations=15

bench: $(STAMP)
	$(BIN)/python benchmarks/preview.py
	$(BIN)/python benchmarks/policy_pack.py
	$(BIN)/python benchmarks/telemetry_replication.py

clean:
	rm -rf $(VENV) $(PACK_VENV) .pytest_cache .mypy_cache .ruff_cache tests/mermaid/node_modules
