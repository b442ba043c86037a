# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
export QT_QPA_PLATFORM ?= offscreen

.PHONY: demo test lint eval bench system-deps clean

$(STAMP): pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[all]'
	@rm -f $(VENV)/.installed-* && touch $@

system-deps:
	@scripts/system-deps.sh

## The main job on its offline default: a spoken request -> ASR -> tool call -> tool -> spoken answer.
demo: $(STAMP) system-deps
	$(PY) -m assistant --engine cascade --wav assets/requests/log_metformin.wav --out reply.wav

## Lint, type-check and the whole test suite (slow tests included: they load real small models).
test: $(STAMP) system-deps lint
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

eval: $(STAMP) system-deps
	$(PY) -m evalkit

bench: $(STAMP)
	$(PY) bench/bench_lfm2.py --quick

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache reply.wav
