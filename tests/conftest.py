"""Shared test set-up: the tests/ folder on sys.path (for survey_factory) and no telemetry."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

# `make test-fast` (pytest -m "not slow") runs no dbt build: a test that uses a fixture building
# the dbt models is slow wherever it lives (test files that build in the test itself carry the
# mark themselves).
DBT_BUILD_FIXTURES = {"sample_build", "rules_build", "labelled_predictions", "probe_build",
                      "corpus_build", "override_build"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if DBT_BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


# A test module may set the pseudonym key (or the engine) in os.environ for all its homes; it
# must not leak into the next module on the same xdist worker (a published home built without
# it then meets another key: PseudonymKeyError).
_MODULE_ENV = ("VOICE_MONITOR_PSEUDONYM_KEY", "VOICE_MONITOR_ENGINE")


@pytest.fixture(autouse=True, scope="module")
def _module_environment():
    saved = {name: os.environ.get(name) for name in _MODULE_ENV}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
