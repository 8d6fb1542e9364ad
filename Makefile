# Voice Monitor warehouse — the two commands of the README, and their parts.
# Everything installs into ./.venv from pyproject.toml + requirements.lock (no global installs).

VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
export VOICE_MONITOR_HOME ?= $(CURDIR)/data
export DAGSTER_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1

.PHONY: setup demo test test-fast clean

$(VENV)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(UV) pip install --quiet --python $(PY) --compile-bytecode -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --compile-bytecode --no-deps -e .
	touch $@

setup: $(VENV)/.installed
	$(VENV)/bin/voice-monitor parse

## demo: set up, write the sample landing zone, run the warehouse once, print where things are
demo: setup
	$(VENV)/bin/voice-monitor sample
	$(VENV)/bin/voice-monitor run

## test: set up and run the whole test suite (unit, contract, end-to-end), on two workers
## (pytest-xdist; a test file stays on one worker, so its fixtures are built once)
PYTEST_WORKERS ?= 2
test: setup
	$(VENV)/bin/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

## test-fast: skip the end-to-end tests that run the whole pipeline
test-fast: setup
	$(VENV)/bin/python -m pytest -q -m "not slow"

clean:
	rm -rf data target logs
