"""Voice Monitor warehouse: Dagster orchestration, ingestion and publishing."""

import sys as _sys

# Great Expectations imports pyspark's Spark Connect package (great_expectations.compatibility.
# pyspark), which ends the process with sys.exit(0) when __main__ has neither __spec__ nor
# __file__: it takes that for a doctest run. Dagster's run workers under `voice-monitor dev` and
# pytest-xdist workers run their code that way, so every quality guard died there. Such a
# __main__ gets a name before anything of the warehouse can import Great Expectations.
_main = _sys.modules.get("__main__")
if _main is not None and getattr(_main, "__spec__", None) is None and not hasattr(_main, "__file__"):
    _main.__file__ = "<voice-monitor process>"
