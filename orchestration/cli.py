"""``voice-monitor``: the command-line entry point of the warehouse."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from orchestration.paths import Home


def _home(args) -> Home:
    if getattr(args, "home", None):
        os.environ["VOICE_MONITOR_HOME"] = str(Path(args.home).resolve())
    return Home.from_env()


@contextmanager
def _readable_published_db(home: Home):
    """A published database that cannot be read (truncated, overwritten) is a fault with a known
    remedy, not a bug: say so in plain words."""
    import duckdb

    from orchestration.errors import UserError

    try:
        yield
    except (duckdb.IOException, duckdb.InvalidInputException, duckdb.SerializationException) as e:
        raise UserError(f"The published database {home.published_db} cannot be read ({e}). "
                        "`voice-monitor run` publishes it again from the build database.") from None


def cmd_sample(args) -> int:
    from tools.sample.survey_files import write_survey_sample

    home = _home(args).ensure()
    written = write_survey_sample(home.landing_survey)
    try:
        from tools.sample.social import write_social_sample
    except ImportError:  # the social domain is optional in a stripped-down install
        write_social_sample = None
    if write_social_sample is not None:
        written += write_social_sample(home.landing_social)
    print(f"Sample landing zone in {home.landing}:")
    for path in written:
        print(f"  {home.relative(path)}")
    return 0


def cmd_run(args) -> int:
    from orchestration.pipeline import format_summary, headline_figures, run_once

    from orchestration.settings import EngineError, engine

    home = _home(args)
    try:
        engine()                        # VOICE_MONITOR_ENGINE: duckdb | spark
    except EngineError as exc:
        print(f"Not run: {exc}.")
        return 1
    summary = run_once(home, retry_failed=args.retry_failed, accept=args.accept or (), drop=args.drop or (),
                       full_refresh=args.full_refresh)
    print(format_summary(summary))
    if summary.status != "failed" and not args.quiet:
        figures = headline_figures(summary.home.published_db)
        if figures:
            print("Headline figures:")
            for line in figures:
                print(f"  {line}")
    from orchestration.bi.handoff import after_run

    after_run(summary)  # writes the report after a publish; says where the database, report and docs are
    return summary.exit_code


def cmd_rebuild(args) -> int:
    from orchestration.pipeline import format_summary
    from orchestration.rebuild import rebuild

    summary = rebuild(_home(args))
    print(format_summary(summary))
    return summary.exit_code


def cmd_dev(args) -> int:
    """The Dagster UI and daemon on 127.0.0.1 with the sensors running: drop a file, it is processed.

    ``dagster dev`` is supervised in its own process group: SIGTERM or Ctrl-C here is passed on
    as an interrupt, and whatever has not stopped after a grace period is killed, so no
    daemon, code server or webserver outlives this command."""
    import signal
    import subprocess

    from orchestration.pipeline import ensure_manifest, prepare_environment

    from orchestration.warehouse.permissions import PRIVATE_UMASK

    home = prepare_environment(_home(args))
    ensure_manifest()
    os.umask(PRIVATE_UMASK)       # what the daemon's runs write is private (the published file gets its mode)
    _copy_ledger(home)
    dagster = Path(sys.executable).parent / "dagster"
    argv = [str(dagster), "dev", "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(args.port)]
    print(f"Voice Monitor warehouse: watching {home.landing}", flush=True)
    print(f"Dagster UI on http://127.0.0.1:{args.port} (DAGSTER_HOME={os.environ['DAGSTER_HOME']}); "
          "Ctrl-C to stop.", flush=True)
    child = subprocess.Popen(argv, start_new_session=True)

    def stop() -> None:
        """Interrupt the whole group, then kill what is left of it."""
        import time

        for sig, grace in ((signal.SIGINT, 15.0), (signal.SIGKILL, 5.0)):
            deadline = time.monotonic() + grace
            try:
                os.killpg(child.pid, sig)
                while time.monotonic() < deadline:
                    child.poll()
                    os.killpg(child.pid, 0)       # raises once the group is empty
                    time.sleep(0.2)
            except ProcessLookupError:
                return

    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
    try:
        return child.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


def _copy_ledger(home: Home) -> None:
    """The sensors decide from the copy of the build database's bookkeeping every run leaves
    (orchestration.warehouse.ledger); a home last run before there was a copy gets one here, so
    the sensors do not take everything it loaded for new. Skipped while a run is writing (it
    leaves a copy when it ends)."""
    from orchestration.warehouse import ledger
    from orchestration.warehouse.locking import writer_lock_if_free

    if home.work_db.exists():
        with writer_lock_if_free(home) as free:
            if free:
                ledger.leave(home, print)


def cmd_parse(args) -> int:
    from orchestration.transform.dbt import ensure_manifest

    print(f"dbt manifest: {ensure_manifest()}")
    return 0


def cmd_serve(args) -> int:
    from orchestration.bi.postgres.serve import serve

    return serve(_home(args), port=args.port)


def cmd_export(args) -> int:
    from orchestration.bi.export import export_parquet

    home = _home(args)
    try:
        with _readable_published_db(home):
            exported = export_parquet(home.published_db, Path(args.dir))
    except FileNotFoundError as e:
        print(e, file=sys.stderr)
        return 1
    for e in exported:
        print(f"  {e.schema}.{e.table}: {e.rows:,} rows -> {e.path}")
    print(f"Exported {len(exported)} tables as Parquet to {Path(args.dir).resolve()} (manifest.json lists them)")
    return 0


def cmd_docs(args) -> int:
    from orchestration.bi.docs import generate_docs
    from orchestration.pipeline import prepare_environment

    index = generate_docs(prepare_environment(_home(args)))
    print(f"dbt docs (static, open in a browser): {index}")
    return 0


def cmd_report(args) -> int:
    from orchestration.bi.report import write_report

    home = _home(args)
    if not home.published_db.exists():
        print(f"No published database at {home.published_db}: run `voice-monitor run` first.", file=sys.stderr)
        return 1
    with _readable_published_db(home):
        print(f"Report: {write_report(home, wave=args.wave)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voice-monitor",
        description="Voice Monitor warehouse: survey waves and social posts in, weighted marts out. "
                    "Everything lives under $VOICE_MONITOR_HOME (default ./data).")
    parser.add_argument("--home", help="override $VOICE_MONITOR_HOME")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sample", help="write the calibrated sample landing zone")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("run", help="process the landing zone once (ingest, weight, dbt build, checks, publish)")
    p.add_argument("--retry-failed", action="store_true",
                   help="try again files whose earlier run failed (they are otherwise skipped until they change)")
    p.add_argument("--full-refresh", action="store_true",
                   help="rebuild every incremental model (social classification, facts) from all live data")
    p.add_argument("--quiet", action="store_true", help="no headline figures")
    p.add_argument("--accept", action="append", metavar="FILE",
                   help="let a held re-delivery through (it withdraws more published data than the limits "
                        "allow); FILE relative to the home or to the landing zone; repeatable")
    p.add_argument("--drop", action="append", metavar="FILE",
                   help="withdraw every delivery of FILE (loaded, pending or held) and publish without it; "
                        "repeatable")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("rebuild", help="recreate the build database from the archive alone (after state/ was "
                                       "lost), then build and publish")
    p.set_defaults(func=cmd_rebuild)

    p = sub.add_parser("dev", help="start the Dagster UI and daemon with the landing sensors running")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(func=cmd_dev)

    p = sub.add_parser("parse", help="prepare the dbt manifest Dagster loads (dbt parse)")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("serve", help="run the BI database (PostgreSQL on 127.0.0.1, synced with every publish) "
                                     "and print how BI tools connect")
    p.add_argument("--port", type=int, help="TCP port (default 5433, or port in config/postgres.toml)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("export", help="write every published table (marts, dimensions, audit) as files")
    p.add_argument("--format", choices=["parquet"], default="parquet")
    p.add_argument("dir", help="output folder (DIR/<schema>/<table>.parquet and DIR/manifest.json)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("docs", help="write static dbt docs (models, columns, lineage, exposures) under $VOICE_MONITOR_HOME/docs")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("report", help="write the Voice Monitor report (static HTML) under $VOICE_MONITOR_HOME/reports")
    p.add_argument("--wave", type=int, help="edition year (default: the latest published wave)")
    p.set_defaults(func=cmd_report)

    from tools.bench.cli import add_parser as add_bench_parser

    add_bench_parser(sub)       # voice-monitor bench (docs/benchmarks.md)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command. The operator's mistakes (orchestration.errors.UserError: a bad targets file, a
    missing pseudonym key, a file that is not held …) and a full disk are printed in plain words,
    exit 1; any other exception is a bug and keeps its traceback."""
    from orchestration.errors import UserError

    args = build_parser().parse_args(argv)
    if args.command in ("run", "rebuild"):
        import signal

        # a terminated run ends like an interrupted one: its children are stopped on the way out
        signal.signal(signal.SIGTERM, lambda s, f: sys.exit(128 + signal.SIGTERM))
    try:
        return args.func(args)
    except UserError as e:
        print(f"voice-monitor {args.command}: {e}", file=sys.stderr)
        return 1
    except Exception as e:
        from orchestration.warehouse.blame import is_environment_error

        if not is_environment_error(e):
            raise
        print(f"voice-monitor {args.command}: the machine ran out of room to write ({type(e).__name__}: {e}). "
              "Free space and run again; nothing was set aside or published.", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
