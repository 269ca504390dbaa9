# Two quick-start commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint browser bench

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup  ## the main job on the embedded default (no Assembled account needed)
	$(BIN)/wfm demo

test: setup browser  ## the whole test suite
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	@# mypy cannot follow the editable install's import hook: a link named wfm_bridge to the
	@# repository root lets it see the package as the wheel lays it out.
	@mkdir -p .typecheck && ln -sfn .. .typecheck/wfm_bridge
	MYPYPATH=.typecheck $(BIN)/mypy -m wfm_bridge -p wfm_bridge.ports -p wfm_bridge.core \
		-p wfm_bridge.plugins -p wfm_bridge.host -p wfm_bridge.testing -p wfm_bridge.bench
	MYPYPATH=.typecheck $(BIN)/mypy tests

browser:  ## Debian's chromium for the HTML calendar test (no browser download)
	@if [ -x scripts/install-chromium.sh ] || [ -f scripts/install-chromium.sh ]; then bash scripts/install-chromium.sh; fi

bench: setup  ## benchmarks print their figures (not part of CI)
	$(BIN)/python bench/mapping.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/schedule.py
