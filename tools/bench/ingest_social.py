"""Social ingestion alone, measured: ``python -m tools.bench.ingest_social``.

Writes (once, cached under ``--workdir``) ``write_benchmark_export(n_posts)``, loads it with
``ingest_social`` into a fresh home and prints wall time, lines per second and the peak RSS of
the process. ``--dump FILE`` writes the loaded raw rows (without the load time) as Parquet so
two versions of the code can be compared row for row (``--compare A B``). The figures of
issue 12 item 4 in docs/benchmarks.md come from here; it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

RAW_SQL = ("select * exclude (_loaded_at) from raw.social_posts order by _delivery_key, line_number")
MALFORMED_SQL = ("select * exclude (_loaded_at) from raw.social_malformed_lines "
                 "order by _delivery_key, line_number")


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_file(workdir: Path, n_posts: int) -> Path:
    from tools.sample.social import write_benchmark_export

    path = workdir / f"export-{n_posts}" / "posts_2025-06.jsonl"
    if not path.exists():
        write_benchmark_export(path, n_posts=n_posts)
    return path


def ingest(files: list[Path], home_dir: Path, dump: Path | None = None) -> dict:
    import duckdb

    from orchestration.paths import Home
    from orchestration.social.ingest import ingest_social
    from orchestration.warehouse import state

    os.environ.setdefault("VOICE_MONITOR_PSEUDONYM_KEY", "bench-key")
    if home_dir.exists():
        shutil.rmtree(home_dir)
    home = Home.from_env(home_dir).ensure()
    for f in files:
        os.link(f, home.landing_social / f.name) if f.stat().st_dev == home_dir.stat().st_dev \
            else shutil.copy(f, home.landing_social / f.name)
    con = state.connect(home)
    try:
        t0 = time.perf_counter()
        report = ingest_social(con, home, "bench")
        seconds = time.perf_counter() - t0
    finally:
        con.close()
    lines = report.lines_read
    result = {"files": len(files), "lines": lines, "seconds": round(seconds, 2),
              "lines_per_second": round(lines / seconds) if seconds else None,
              "peak_rss_mib": round(_peak_rss_mib()), "summary": report.summary(),
              "statuses": [f.status for f in report.files]}
    if dump is not None:
        con = duckdb.connect(str(home.work_db), read_only=True)
        try:
            dump.parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"copy ({RAW_SQL}) to '{dump}' (format parquet)")
            con.execute(f"copy ({MALFORMED_SQL}) to '{dump.with_suffix('.malformed.parquet')}' (format parquet)")
        finally:
            con.close()
    return result


def compare(a: Path, b: Path) -> dict:
    """Rows of two dumps that differ, by column (texts that differ are listed, up to 20)."""
    import duckdb

    con = duckdb.connect()
    out = {}
    for suffix in ("", ".malformed"):
        pa_, pb = a.with_suffix(suffix + ".parquet"), b.with_suffix(suffix + ".parquet")
        na = con.execute(f"select count(*) from '{pa_}'").fetchall()[0][0]
        nb = con.execute(f"select count(*) from '{pb}'").fetchall()[0][0]
        only_a = con.execute(f"select count(*) from (select * from '{pa_}' except all select * from '{pb}')").fetchall()[0][0]
        only_b = con.execute(f"select count(*) from (select * from '{pb}' except all select * from '{pa_}')").fetchall()[0][0]
        out["raw" + suffix] = {"rows_a": na, "rows_b": nb, "only_a": only_a, "only_b": only_b}
    cols = [r[0] for r in con.execute(f"describe select * from '{a}'").fetchall()]
    keys = ("_delivery_key", "line_number")
    diff_cols = {}
    for c in cols:
        if c in keys:
            continue
        n = con.execute(f"""select count(*) from '{a}' x join '{b}' y using (_delivery_key, line_number)
                            where x."{c}" is distinct from y."{c}" """).fetchall()[0][0]
        if n:
            diff_cols[c] = n
    out["differing_columns"] = diff_cols
    examples = con.execute(f"""select x.line_number, x.text_masked, y.text_masked from '{a}' x
                               join '{b}' y using (_delivery_key, line_number)
                               where x.text_masked is distinct from y.text_masked
                                  or x.title_masked is distinct from y.title_masked
                               order by 1 limit 20""").fetchall()
    out["text_examples"] = [{"line": n, "a": ta, "b": tb} for n, ta, tb in examples]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.bench.ingest_social", description=__doc__)
    p.add_argument("--posts", type=int, default=1_000_000)
    p.add_argument("--sample", action="store_true", help="load the calibrated sample instead")
    p.add_argument("--workdir", type=Path, default=Path("/tmp/voice-monitor-ingest-bench"))
    p.add_argument("--dump", type=Path, help="write the raw rows as Parquet")
    p.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"))
    args = p.parse_args(argv)
    if args.compare:
        print(json.dumps(compare(*args.compare), indent=2, ensure_ascii=False, default=str))
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.sample:
        from tools.sample.social import write_social_sample

        files = write_social_sample(args.workdir / "sample")
    else:
        files = [export_file(args.workdir, args.posts)]
    label = "sample" if args.sample else str(args.posts)
    result = ingest(files, args.workdir / f"home-{label}-{os.getpid()}", args.dump)
    shutil.rmtree(args.workdir / f"home-{label}-{os.getpid()}", ignore_errors=True)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
