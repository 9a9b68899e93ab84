# Two commands do everything: `make run` and `make test`. Both set up .venv first (idempotent).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
ARGS ?=

.PHONY: run test test-fast setup setup-test browser clean

run: setup
	$(BIN)/doppel start $(ARGS)

test: setup-test browser
	$(BIN)/pip check
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup $(ARGS)

# The inner loop: everything but the slow (fuzz, load) and browser tests.
test-fast: setup-test
	$(BIN)/python -m pytest -q -x -m "not slow and not browser" $(ARGS)

setup: $(STAMP)

setup-test: $(STAMP)-test

$(VENV)/bin/python:
	@echo ">> creating $(VENV)"
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): $(VENV)/bin/python pyproject.toml constraints.txt
	@echo ">> installing Doppel and its pinned dependencies into $(VENV) (first time: a few minutes)"
	$(BIN)/pip install --progress-bar on -c constraints.txt -e .
	@touch $@

$(STAMP)-test: $(STAMP)
	@echo ">> installing test dependencies"
	$(BIN)/pip install --progress-bar on -c constraints.txt -e '.[test]'
	@touch $@

# Debian's chromium for the extension and settings-page tests (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { echo ">> installing Debian chromium (apt)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "!! could not install chromium: browser tests will fail"; }

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
