"""Running the expectation suites: one GX context per warehouse run, results in plain words.

* One **ephemeral** GX context per Dagster run (cached by run id, so the checks of one run
  share it), analytics off, progress bars off. Suites, the pandas datasource and the
  validation definitions live in memory; validation results go to a small file store
  under ``$VOICE_MONITOR_HOME/state/gx/validations`` that keeps only the latest result of
  each suite, so the Data Docs site in ``$VOICE_MONITOR_HOME/quality/`` always lists every
  suite with its latest result, even when a run stopped before some suites ran.
* Frames are pandas DataFrames pulled from the DuckDB build database (GX over a DuckDB
  SQLAlchemy URL gives wrong results with this GX version); each suite validates one frame
  through a whole-dataframe batch definition.
* Results are split per *target* (a wave, a mart table, a social table) and written to
  ``ops.quality_results``; failed expectations become messages that name the expectation,
  the wave or question, and the observed value.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from orchestration.paths import Home
from orchestration.quality.report import SUMMARY_FILE

ERROR, WARNING = "error", "warning"       # severities as recorded in ops.quality_results
MAX_ROWS_IN_MESSAGE = 5
MAX_ROWS_IN_DETAILS = 50


def suite_modules() -> list[ModuleType]:
    from expectations import publish_change, social_totals, totals, weighting

    return [weighting, totals, social_totals, publish_change]


def docs_index(home: Home) -> Path:
    return home.quality / "index.html"


# --- outcomes --------------------------------------------------------------------------------

@dataclass
class ExpectationOutcome:
    suite: str
    expectation: str                   # the expectation's name (meta.name)
    description: str                   # plain words, as in Data Docs
    expectation_type: str
    severity: str                      # error | warning
    target: str                        # e.g. "wave 2026", "marts.mart_personas"
    success: bool
    observed_value: str
    failures: list[str] = field(default_factory=list)     # one line per failing row
    details: dict = field(default_factory=dict)

    def message(self) -> str:
        head = f"{self.suite} / {self.expectation} ({self.severity}): {self.description}"
        if self.success:
            return head + f" — passed ({self.observed_value})"
        lines = self.failures[:MAX_ROWS_IN_MESSAGE]
        more = len(self.failures) - len(lines)
        return head + "\n" + "\n".join(f"    {line}" for line in lines) + (f"\n    … and {more} more" if more > 0 else "")


@dataclass
class SuiteOutcome:
    suite: str
    run_id: str
    run_time: dt.datetime
    results: list[ExpectationOutcome]
    seconds: float = 0.0

    def for_target(self, target: str) -> list[ExpectationOutcome]:
        return [r for r in self.results if r.target == target]

    def failed(self, severity: str | None = None, target: str | None = None) -> list[ExpectationOutcome]:
        return [r for r in self.results if not r.success and (severity is None or r.severity == severity)
                and (target is None or r.target == target)]

    @property
    def success(self) -> bool:
        return not self.failed(ERROR)

    def message(self, target: str | None = None, severity: str = ERROR) -> str:
        failed = self.failed(severity, target)
        if not failed:
            return ""
        word = "failed" if severity == ERROR else "warns"
        where = f" on {target}" if target else ""
        return f"Quality check {self.suite}{where} {word}:\n" + "\n".join("  " + r.message() for r in failed)


# --- formatting --------------------------------------------------------------------------------

def _fmt(value: Any) -> str:
    if value is None:
        return "absent"
    if isinstance(value, (bool,)):
        return str(value).lower()
    try:
        if isinstance(value, float) or hasattr(value, "dtype"):
            f = float(value)
            if math.isnan(f):
                return "absent"
            if f.is_integer() and abs(f) < 1e15:
                return str(int(f))
            return f"{f:.12g}"
    except (TypeError, ValueError):
        pass
    return str(value)


def _row_label(module: ModuleType, row: pd.Series) -> str:
    parts = []
    for col in module.INDEX_COLUMNS:
        value = row[col]
        if col == "mart":
            parts.append(f"marts.{value}")
        elif col in ("wave",):
            parts.append(f"wave {_fmt(value)}")
        elif col == "question":
            parts.append(f"question {value}")
        else:
            parts.append(str(value))
    return ", ".join(parts)


def _tested_columns(kwargs: dict) -> list[str]:
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_A" in kwargs:
        return [kwargs["column_A"], kwargs["column_B"]]
    return list(kwargs.get("column_list", []))


def _bounds(kwargs: dict) -> str:
    lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
    if lo is not None and hi is not None:
        return f"expected between {_fmt(lo)} and {_fmt(hi)}"
    if lo is not None:
        return f"expected at least {_fmt(lo)}"
    if hi is not None:
        return f"expected at most {_fmt(hi)}"
    return ""


def _failure_line(module: ModuleType, row: pd.Series, kwargs: dict, context: list[str]) -> str:
    cols = _tested_columns(kwargs)
    observed = ", ".join(f"{c} = {_fmt(row[c])}" for c in cols)
    extra = ", ".join(f"{c} = {_fmt(row[c])}" for c in context if c in row.index and c not in cols)
    bounds = _bounds(kwargs)
    text = f"{_row_label(module, row)}: observed {observed}"
    if bounds:
        text += f" ({bounds})"
    if extra:
        text += f"; {extra}"
    return text


def _observed_summary(rows: pd.DataFrame, kwargs: dict) -> str:
    cols = _tested_columns(kwargs)
    if rows.empty:
        return "no rows"
    if len(rows) == 1:
        return ", ".join(f"{c} = {_fmt(rows.iloc[0][c])}" for c in cols)
    if len(cols) == 1:
        values = pd.to_numeric(rows[cols[0]], errors="coerce")
        return f"{cols[0]} from {_fmt(values.min())} to {_fmt(values.max())} over {len(rows)} rows"
    return f"{cols[0]} = {cols[1]} in all {len(rows)} rows"


# --- the GX context --------------------------------------------------------------------------

def _make_context(home: Home):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    defaults = InMemoryStoreBackendDefaults(init_temp_docs_sites=False)
    stores = dict(defaults.stores)
    stores[defaults.validation_results_store_name] = {
        "class_name": "ValidationResultsStore",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(home.state / "gx" / "validations")},
    }
    config = DataContextConfig(
        store_backend_defaults=defaults,
        stores=stores,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        data_docs_sites={"quality": {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(home.quality)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }},
    )
    return gx.get_context(mode="ephemeral", project_config=config)


class QualityRun:
    """The expectation suites of one warehouse run (one GX context)."""

    def __init__(self, home: Home, run_id: str):
        started = time.perf_counter()
        self.home = home
        self.run_id = run_id
        self.outcomes: dict[str, SuiteOutcome] = {}
        self.timings: dict[str, float] = {}
        import great_expectations  # noqa: F401  (timed separately: it is most of the overhead)

        self.timings["import"] = time.perf_counter() - started
        t = time.perf_counter()
        self.context = _make_context(home)
        self.datasource = self.context.data_sources.add_pandas("build_database")
        self._register_all_suites()
        self.timings["context"] = time.perf_counter() - t

    def _register_all_suites(self) -> None:
        """Every suite, so Data Docs list them all (a suite not validated yet shows its expectations)."""
        for module in suite_modules():
            self.context.suites.add_or_update(module.build_suite())

    def validate(self, module: ModuleType, frame: pd.DataFrame, suite=None,
                 targets: list[str] | None = None) -> SuiteOutcome:
        """Validate ``frame`` with the module's suite; split results per target and record them."""
        import great_expectations as gx

        started = time.perf_counter()
        suite = self.context.suites.add_or_update(suite if suite is not None else module.build_suite())
        name = module.SUITE_NAME
        try:
            asset = self.datasource.get_asset(name)
        except LookupError:
            asset = self.datasource.add_dataframe_asset(name)
        try:
            batch_definition = asset.get_batch_definition("whole frame")
        except (LookupError, KeyError, ValueError):
            batch_definition = asset.add_batch_definition_whole_dataframe("whole frame")
        definition = self.context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suite))
        from great_expectations.core.run_identifier import RunIdentifier

        result = definition.run(
            batch_parameters={"dataframe": frame},
            run_id=RunIdentifier(run_name=self.run_id, run_time=dt.datetime.now(dt.timezone.utc)),
            result_format={"result_format": "COMPLETE",
                           "unexpected_index_column_names": list(module.INDEX_COLUMNS)})
        run_time = result.meta.get("validation_time") or dt.datetime.now(dt.timezone.utc)
        if isinstance(run_time, str):
            run_time = dt.datetime.fromisoformat(run_time)
        outcome = SuiteOutcome(name, self.run_id, run_time, self._split(module, frame, result, targets))
        self._prune_older_results(name)
        outcome.seconds = time.perf_counter() - started
        self.timings[f"validate {name}"] = outcome.seconds
        self.outcomes[name] = outcome
        return outcome

    def _split(self, module: ModuleType, frame: pd.DataFrame, result, targets: list[str] | None) -> list[ExpectationOutcome]:
        outcomes = []
        key_cols = list(module.INDEX_COLUMNS)
        for r in result.results:
            config = r.expectation_config
            meta = config.meta or {}
            kwargs = dict(config.kwargs)
            severity = _severity(config)
            applies = frame
            if meta.get("applies_to"):
                applies = frame.loc[frame[meta["applies_to"]].astype(bool)]
            unexpected_keys = {tuple(_key(u.get(c)) for c in key_cols)
                               for u in (r.result or {}).get("unexpected_index_list") or [] if isinstance(u, dict)}
            is_bad = applies.apply(lambda row: tuple(_key(row[c]) for c in key_cols) in unexpected_keys, axis=1) \
                if len(applies) else pd.Series(dtype=bool)
            exception = (r.exception_info or {}).get("exception_message") if getattr(r, "exception_info", None) else None
            # GX failed it but no failing row could be matched to a target: fail every target
            # rather than ever report a GX failure as a pass.
            unattributed = not r.success and not (len(is_bad) and bool(is_bad.any()))
            if meta.get("target"):
                groups = [(meta["target"], applies, is_bad)]
            elif module.TARGET_COLUMN:
                groups = [(module.TARGET_LABEL.format(_fmt(v)), applies.loc[applies[module.TARGET_COLUMN] == v],
                           is_bad.loc[applies[module.TARGET_COLUMN] == v] if len(applies) else is_bad)
                          for v in applies[module.TARGET_COLUMN].drop_duplicates()]
            else:
                groups = [(module.SUITE_NAME, applies, is_bad)]
            for target, rows, bad in groups:
                if targets is not None and target not in targets:
                    continue
                bad_rows = rows.loc[bad] if len(rows) else rows
                success = bool(r.success) if not len(rows) else not len(bad_rows)
                if exception or unattributed:
                    success = False
                failures = [_failure_line(module, row, kwargs, meta.get("context", []))
                            for _, row in bad_rows.iterrows()]
                if exception:
                    failures.append(f"the expectation could not be evaluated: {exception}")
                if not success and not failures:      # GX failed it without naming rows
                    failures.append(f"observed {json.dumps(_jsonable((r.result or {}).get('observed_value')))}")
                observed = "; ".join(failures[:MAX_ROWS_IN_MESSAGE]) if failures else _observed_summary(rows, kwargs)
                outcomes.append(ExpectationOutcome(
                    suite=module.SUITE_NAME, expectation=meta.get("name", config.type),
                    description=getattr(config, "description", None) or config.type,
                    expectation_type=config.type, severity=severity, target=target, success=success,
                    observed_value=observed, failures=failures,
                    details={"expectation_type": config.type, "kwargs": _jsonable(kwargs),
                             "rows_checked": int(len(rows)), "unexpected": failures[:MAX_ROWS_IN_DETAILS]}))
        return outcomes

    def _prune_older_results(self, suite_name: str) -> None:
        """Keep only the newest stored result of this suite (Data Docs list the latest results)."""
        store = self.context.validation_results_store
        keys = [k for k in store.list_keys() if k.expectation_suite_identifier.name == suite_name]
        keys.sort(key=lambda k: str(k.run_id.run_time))
        for key in keys[:-1]:
            store.remove_key(key)

    def record(self, con, outcome: SuiteOutcome) -> None:
        rows = [(self.run_id, o.suite, o.expectation, o.target, o.success, o.severity, o.observed_value,
                 json.dumps(o.details, default=str), outcome.run_time) for o in outcome.results]
        if rows:
            con.executemany("insert into ops.quality_results values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def build_docs(self) -> Path:
        t = time.perf_counter()
        self.context.build_data_docs(site_names=["quality"])
        self._add_plain_summary()
        self.timings["data docs"] = self.timings.get("data docs", 0.0) + time.perf_counter() - t
        self._write_summary()
        return docs_index(self.home)

    def _add_plain_summary(self) -> None:
        """GX's index fills its tables with JavaScript loaded from CDNs; put a plain-HTML list
        of every suite's latest result at the top, so the page says what matters offline too."""
        import html

        index = docs_index(self.home)
        if not index.exists():
            return
        store = self.context.validation_results_store
        rows = []
        for key in sorted(store.list_keys(), key=lambda k: k.expectation_suite_identifier.name):
            result = store.get(key)
            stats = result.statistics or {}
            failed = [(f"{(r.expectation_config.meta or {}).get('name', r.expectation_config.type)}",
                       _severity(r.expectation_config)) for r in result.results if not r.success]
            url = self.context.get_docs_sites_urls(resource_identifier=key, site_name="quality",
                                                   only_if_exists=False)[0]["site_url"] or ""
            link = Path(url.removeprefix("file://")).relative_to(self.home.quality).as_posix() if url else ""
            name = key.expectation_suite_identifier.name
            errors = [f"{n} ({sev})" for n, sev in failed if sev == ERROR]
            warnings = [f"{n} ({sev})" for n, sev in failed if sev == WARNING]
            status = "FAILED" if errors else ("passed with warnings" if warnings else "passed")
            rows.append(
                f"<tr><td><a href=\"expectations/{html.escape(name)}.html\">{html.escape(name)}</a></td>"
                f"<td><a href=\"{html.escape(link)}\">{status}</a></td>"
                f"<td>{stats.get('successful_expectations', 0)} of {stats.get('evaluated_expectations', 0)}</td>"
                f"<td>{html.escape(', '.join(errors + warnings) or '—')}</td>"
                f"<td>{html.escape(str(key.run_id.run_time))}</td><td>{html.escape(str(key.run_id.run_name))}</td></tr>")
        block = ("<!-- voice-monitor summary -->\n<div id=\"voice-monitor-quality\" style=\"margin:1em\">"
                 "<h2>Voice Monitor quality checks — latest result per suite</h2>"
                 "<table border=\"1\" cellpadding=\"4\"><tr><th>suite</th><th>latest result</th>"
                 "<th>expectations passed</th><th>failed expectations</th><th>validated at</th><th>run</th></tr>"
                 + "".join(rows) + "</table></div>\n<!-- /voice-monitor summary -->\n")
        text = index.read_text(encoding="utf-8")
        at = text.find(">", text.find("<body")) + 1
        if at > 0:
            index.write_text(text[:at] + "\n" + block + text[at:], encoding="utf-8")

    def _write_summary(self) -> None:
        summary = {
            "run_id": self.run_id,
            "data_docs": str(docs_index(self.home)),
            "timings_seconds": {k: round(v, 3) for k, v in self.timings.items()},
            "suites": {name: {
                "success": o.success,
                "expectations": len({r.expectation for r in o.results}),
                "results": len(o.results),
                "failed": [r.message() for r in o.failed(ERROR)],
                "warnings": [f"{r.suite} / {r.expectation} on {r.target}: {r.description} — "
                             f"{'; '.join(r.failures[:MAX_ROWS_IN_MESSAGE])}" for r in o.failed(WARNING)],
            } for name, o in self.outcomes.items()},
        }
        path = self.home.quality / SUMMARY_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(summary, indent=2), encoding="utf-8")
        tmp.replace(path)

    @property
    def overhead_seconds(self) -> float:
        return sum(self.timings.values())


def _severity(config) -> str:
    """GX FailureSeverity → the severity recorded here (critical → error)."""
    value = getattr(config, "severity", None)
    value = getattr(value, "value", value)
    return WARNING if str(value).lower() == "warning" else ERROR


def _key(value):
    """Comparable form of a key value (numpy scalars, ints as floats from GX …)."""
    if value is None:
        return None
    try:
        f = float(value)
        return f if not math.isnan(f) else None
    except (TypeError, ValueError):
        return str(value)


def _jsonable(value):
    try:
        json.dumps(value)
        return value
    except TypeError:
        if isinstance(value, dict):
            return {str(k): _jsonable(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [_jsonable(v) for v in value]
        return str(value)


_RUNS: dict[str, QualityRun] = {}


def quality_run(home: Home, run_id: str) -> QualityRun:
    """The run's GX context, created on first use (one per run; older runs are dropped)."""
    run = _RUNS.get(run_id)
    if run is None or run.home != home:
        _RUNS.clear()
        run = _RUNS[run_id] = QualityRun(home, run_id)
    return run


def reset_docs(home: Home) -> None:
    """Remove the Data Docs site and stored results (tests, or a fresh start)."""
    shutil.rmtree(home.quality, ignore_errors=True)
    shutil.rmtree(home.state / "gx", ignore_errors=True)
