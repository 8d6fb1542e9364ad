"""``voice-monitor sample``: the deterministic, calibrated sample landing zone (docs/sample_data.md).

A tool around the warehouse, not part of its runtime: the pipeline never imports it; the CLI
imports it only for ``voice-monitor sample``, the benchmark harness and the tests use it."""
