# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Both install from the hash-pinned lock file (requirements/lock.txt); `make lock` refreshes it.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
LOCK := requirements/lock.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | sha256sum | cut -c1-12)
UV := uv==0.13.9
# llama-cpp-python is compiled on install (-march=native); its multimodal library is not used.
# AMX is left out: CPUs that have it often run VMs that do not enable it (SIGILL at the first
# matrix product, seen on the development machine).
ifeq ($(shell uname -m),x86_64)
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DCMAKE_C_FLAGS='$(NO_AMX)' -DCMAKE_CXX_FLAGS='$(NO_AMX)'
else
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF
endif
export QT_QPA_PLATFORM ?= offscreen

.PHONY: demo test lint eval bench lock system-deps clean

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PY) -m pip install -q pip==25.3
	@start=$$(date +%s); \
	$(PY) -m pip install -q --require-hashes -r $(LOCK) && \
	echo "installed the locked dependencies in $$(( $$(date +%s) - start )) s"
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
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

## Refresh the lock files on purpose (new releases, a changed dependency in pyproject.toml).
lock:
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PY) -m pip install -q $(UV)
	$(VENV)/bin/uv pip compile pyproject.toml requirements/build.in --extra all \
	  --no-emit-package lfm-voice-assistant --generate-hashes --custom-compile-command "make lock" \
	  --python-version 3.12 --python-platform x86_64-manylinux_2_28 -o $(LOCK)
	@# Which pyproject.toml this lock was resolved from: tests/test_lock.py holds them together.
	echo "# resolved from pyproject.toml sha256 $$(sha256sum pyproject.toml | cut -c1-64)" >> $(LOCK)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache reply.wav
