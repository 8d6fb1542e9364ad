"""Great Expectations suites as code: the numbers a reader of the report trusts.

One module per suite. Each module has

* ``SUITE_NAME`` and ``build_suite()``: a ``gx.ExpectationSuite`` of real GX expectations
  (``ExpectColumnValuesToBeBetween``, ``ExpectColumnPairValuesToBeEqual``, …), each with a
  plain-words ``description`` (what Data Docs shows), a severity (``critical`` blocks the
  publish, ``warning`` is shown and recorded) and ``meta`` naming the expectation for
  ``audit.quality_results``;
* ``TARGET_COLUMN`` / ``INDEX_COLUMNS``: the column results are reported per (a wave, a
  mart table, a social table) and the columns that name a failing row in a message;
* ``build_frame(...)``: a pure pandas function from the input tables to the frame the
  suite validates (tested on hand-made, tampered frames), and ``load_frame(con)`` which
  pulls those inputs from the DuckDB build database.

The suites guard weighting and totals only. The survey file contract (codes, routing,
required columns …) is checked once, by ``orchestration/survey/validation.py``, before a
file is staged; nothing here repeats those rules.

GX is imported when a suite is built (``build_suite``), not when a module is imported, so
the Dagster definitions can read the modules' constants without paying for GX. The GX runner is ``orchestration/quality/gx_runner.py``; it
imports the suites as ``from expectations import weighting, totals, social_totals`` (which
also works where an older editable install registered this folder as a namespace package).
"""
