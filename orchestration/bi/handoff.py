"""What ``voice-monitor run`` says at the end: whether the BI database (PostgreSQL) holds the
publish (a run that published nothing catches it up), the report (written after every publish)
and where the database, the report and the Data Docs are, and how to connect a BI tool."""

from __future__ import annotations

import time
from typing import Callable

from orchestration.paths import Home


def refresh_report(home: Home, published: bool, say: Callable[[str], None] = print):
    """Write the report after a publish (or when there is none yet). Never fails the run."""
    if not home.published_db.exists():
        return None
    try:
        from orchestration.bi.report import write_report

        existing = sorted(home.reports.glob("voice_monitor_*.html")) if home.reports.exists() else []
        if not published and existing:
            return existing[-1]
        started = time.monotonic()
        path = write_report(home)
        if time.monotonic() - started > 3:
            say(f"Note: writing the report took {time.monotonic() - started:.1f} s")
        return path
    except Exception as e:  # the report is a by-product: the published database is what counts
        say(f"WARNING: the report could not be written ({type(e).__name__}: {e}); "
            "the run and the published database are fine. Try `voice-monitor report`.")
        return None


def where_things_are(home: Home, report=None) -> list[str]:
    from orchestration.bi.postgres.cluster import DEFAULT_PORT
    from orchestration.bi.postgres.serve import psql_command

    lines = [f"Database (DuckDB, read-only for tools): {home.published_db}"]
    lines.append(f"Report: {report}" if report else "Report: not written (run `voice-monitor report`)")
    quality = home.quality / "index.html"
    lines.append(f"Data Docs (quality checks): {quality}" if quality.exists()
                 else f"Data Docs (quality checks): {home.quality} (not built yet)")
    lines.append(f"dbt docs (models, columns, lineage): `voice-monitor docs` writes {home.root / 'docs' / 'index.html'}")
    lines.append(f"BI tools: `voice-monitor serve` (PostgreSQL on 127.0.0.1:{DEFAULT_PORT}), then "
                 f"{psql_command()}")
    lines.append("Files instead: `voice-monitor export --format parquet DIR`; SQL examples: docs/sql_cookbook.md")
    return lines


def after_run(summary, say: Callable[[str], None] = print) -> None:
    home = summary.home
    if summary.status == "failed" or not home.published_db.exists():
        return
    from orchestration.bi.postgres.sync import catch_up

    bi = catch_up(home, summary.published)     # None when no BI database was ever set up
    if bi is not None:
        say(bi.line())
    report = refresh_report(home, summary.published, say)
    say("Where things are:")
    for line in where_things_are(home, report):
        say(f"  {line}")
