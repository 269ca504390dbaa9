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
	$(BIN)/mypy .

browser:  ## Debian's chromium for the HTML calendar test (no browser download)
	@if [ -x scripts/install-chromium.sh ] || [ -f scripts/install-chromium.sh ]; then bash scripts/install-chromium.sh; fi

bench: setup  ## benchmarks print their figures (not part of CI)
	$(BIN)/python bench/mapping.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/schedule.py
