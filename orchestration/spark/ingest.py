"""Social ingestion on Spark: the exports read by Spark executors, every rule applied by the
ingestion's own per-block function (``orchestration.social.ingest.process_block``), so line
validation, masking, pseudonyms and language have one definition for both engines.

A file is cut into byte ranges. A first Spark job counts the line ends of every range, which
gives the physical number of each range's first line; a second one (``mapInArrow``) has every
task read the lines that start in its range, block by block (``reader.read_blocks``, the same line
splitting, BOM and blank-line rules), and run ``process_block`` on each block. The rows are
written by Spark as Parquet, one folder per delivery (path and content hash) under
``$VOICE_MONITOR_SPARK_DATA/raw/``; the delivery is then staged in the build database exactly as
the DuckDB loader does (``state.stage_delivery``), so re-exports, superseded and withdrawn
deliveries and the quarantine behave the same. Rows are visible only through a live delivery
(the staging models join the active deliveries), so a folder written by a killed load is never
read as data; it is replaced by the next load of that content, or removed by ``collect_garbage``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa

from orchestration.social import ingest as social_ingest
from orchestration.social import reader
from orchestration.spark import settings
from orchestration.spark.session import spark_session
from orchestration.warehouse import state

RANGE_BYTES_ENV = "VOICE_MONITOR_SPARK_RANGE_BYTES"
RANGE_BYTES = 64 << 20            # bytes of a file per Spark task

_TS = pa.timestamp("us", tz="UTC")
POSTS_SCHEMA = pa.schema([
    ("_delivery_key", pa.string()), ("_content_hash", pa.string()), ("_source_file", pa.string()),
    ("_loaded_at", _TS), ("line_number", pa.int64()), ("platform", pa.string()), ("post_id", pa.string()),
    ("created_at", _TS), ("collected_at", _TS), ("author_pseudonym", pa.string()),
    ("title_masked", pa.string()), ("text_masked", pa.string()), ("rating", pa.int32()),
    ("company", pa.string()), ("lang", pa.string()), ("lang_method", pa.string()),
])
MALFORMED_SCHEMA = pa.schema([
    ("_delivery_key", pa.string()), ("_content_hash", pa.string()), ("_source_file", pa.string()),
    ("_loaded_at", _TS), ("line_number", pa.int64()), ("reason", pa.string()),
])
# one output of the per-range tasks: a row is a valid line (reason null) or a malformed one
LINES_SCHEMA = pa.schema(list(POSTS_SCHEMA) + [("reason", pa.string())])


def delivery_folder(rel: str, digest: str) -> str:
    return hashlib.sha256(f"{rel}\0{digest}".encode()).hexdigest()[:32]


def _range_bytes() -> int:
    raw = os.environ.get(RANGE_BYTES_ENV, "").strip()
    return int(raw) if raw else RANGE_BYTES


def _count_line_ends(path: str, start: int, stop: int) -> int:
    n = 0
    with open(path, "rb") as fh:
        fh.seek(start)
        left = stop - start
        while left > 0:
            data = fh.read(min(left, 16 << 20))
            if not data:
                break
            left -= len(data)
            n += int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 10))
    return n


def _next_line_start(fh, pos: int, size: int) -> int:
    """The first line start at or after ``pos`` (a line starts at 0 or after a '\\n')."""
    if pos <= 0:
        return 0
    if pos >= size:
        return size
    fh.seek(pos - 1)
    while True:
        data = fh.read(1 << 16)
        if not data:
            return size
        i = data.find(b"\n")
        if i >= 0:
            return fh.tell() - len(data) + i + 1
        

def _lines_of_range(path: str, start: int, stop: int, line_ends_before: int, size: int):
    """(first line start, end, physical number of that line) of the lines starting in [start, stop)."""
    with open(path, "rb") as fh:
        first = _next_line_start(fh, start, size)
        end = _next_line_start(fh, stop, size) if stop < size else size
    number = line_ends_before + 1 + (1 if first > start else 0)
    return first, max(first, end), number


def _tasks(path: str, rel: str, digest: str, loaded_at, key: bytes, size: int):
    """The mapInArrow function: per task row (start, stop, line ends before start), the rows of
    its lines (runs on the executors; only the standard library, numpy, pyarrow, DuckDB and the
    project's own modules)."""

    def run(batches):
        for batch in batches:
            for start, stop, before in zip(*(batch.column(i).to_pylist() for i in range(3))):
                first, end, number = _lines_of_range(path, start, stop, before, size)
                if end <= first:
                    continue
                for block in reader.read_blocks(Path(path), start=first, stop=end, first_line=number):
                    posts, bad = social_ingest.process_block(block, rel, digest, loaded_at, key)
                    posts = posts.cast(POSTS_SCHEMA).append_column("reason", pa.nulls(posts.num_rows, pa.string()))
                    bad = bad.cast(MALFORMED_SCHEMA)
                    filler = {f.name: pa.nulls(bad.num_rows, f.type) for f in POSTS_SCHEMA if f.name not in bad.column_names}
                    bad = pa.table({f.name: (bad.column(f.name) if f.name in bad.column_names else filler[f.name])
                                    for f in LINES_SCHEMA}, schema=LINES_SCHEMA)
                    for table in (posts, bad):
                        if table.num_rows:
                            yield from table.to_batches()

    return run


def load_file(con, path: Path, rel: str, partition: str, digest: str, run_id: str, key: bytes):
    """The Spark engine's ``load_file`` for ``social.ingest.ingest_social`` (module docstring)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StructField, StructType

    paths = settings.paths_from_env()
    spark = spark_session()
    result = social_ingest.SocialFileResult(rel, partition, digest, "staged")
    loaded_at = state.now()
    folder = delivery_folder(rel, digest)
    targets = (f"{paths.raw_posts}/{folder}", f"{paths.raw_malformed}/{folder}")
    _remove(targets)                        # an earlier, killed load of this content
    size = path.stat().st_size
    step = _range_bytes()
    ranges = [(s, min(s + step, size)) for s in range(0, size, step)]
    try:
        sc = spark.sparkContext
        file = str(path.resolve())
        ends = sc.parallelize(ranges, max(1, len(ranges))).map(lambda r: _count_line_ends(file, *r)).collect()
        before = np.concatenate(([0], np.cumsum(ends)[:-1])).astype(int).tolist() if ends else []
        task_schema = StructType([StructField(n, LongType()) for n in ("start", "stop", "before")])
        tasks = spark.createDataFrame([(s, e, b) for (s, e), b in zip(ranges, before)], task_schema) \
            .repartition(max(1, len(ranges)))
        from pyspark.sql.pandas.types import from_arrow_schema

        lines = tasks.mapInArrow(_tasks(file, rel, digest, loaded_at, key, size),
                                 from_arrow_schema(LINES_SCHEMA)).persist()
        lines.where(F.col("reason").isNull()).select(*POSTS_SCHEMA.names) \
            .write.mode("overwrite").parquet(targets[0])
        lines.where(F.col("reason").isNotNull()).select(*MALFORMED_SCHEMA.names) \
            .write.mode("overwrite").parquet(targets[1])
        counts = lines.agg(F.count(F.lit(1)), F.count("reason")).collect()[0]
        lines.unpersist()
        result.lines_read, result.malformed_lines = int(counts[0]), int(counts[1])
        result.valid_lines = result.lines_read - result.malformed_lines
        con.execute("begin")
        try:
            state.stage_delivery(con, social_ingest.KIND, key=rel, partition=partition, path=rel,
                                 content_hash=digest, run_id=run_id)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    except BaseException:
        _remove(targets)
        raise
    return result


def has_rows(con, kind: str, key: str, content_hash: str) -> bool:
    """As ``state.has_rows``, and the rows are in the Spark data (a home that was loaded by the
    DuckDB engine has them only in the build database)."""
    paths = settings.paths_from_env()
    folder = delivery_folder(key, content_hash)
    return state.has_rows(con, kind, key, content_hash) and Path(f"{paths.raw_posts}/{folder}").is_dir()


def collect_garbage(con, paths: settings.SparkPaths) -> int:
    """Remove the raw folders no delivery points at (superseded, withdrawn, killed loads)."""
    keep = {delivery_folder(k, h) for k, h in con.execute(
        "select key, content_hash from ops.deliveries where kind = 'social'").fetchall()}
    removed = 0
    for root in (paths.raw_posts, paths.raw_malformed):
        base = Path(root)
        if not base.is_dir():
            continue
        for child in base.iterdir():
            if child.is_dir() and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)
                removed += 1
    return removed


def _remove(folders) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
