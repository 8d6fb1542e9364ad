"""Shared test set-up: the tests/ folder on sys.path (for survey_factory) and no telemetry."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

# pytest-xdist workers run with a __main__ that has neither __spec__ nor __file__; pyspark (installed
# for the Spark engine) takes that for its own doctests and calls sys.exit(0) when
# pyspark.sql.connect is imported, which Great Expectations does on import: every in-process
# run's quality guards then failed with "SystemExit: 0". Name the worker's main module.
_main = sys.modules.get("__main__")
if _main is not None and getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<pytest>"
