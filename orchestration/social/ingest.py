"""Ingest the social exports of the landing zone into the build database (spec §6).

``ingest_social(con, home, run_id, log=None)`` scans ``home.landing_social`` for
``posts_<YYYY>-<MM>[_<suffix>].jsonl``. A file is *new* when its content hash differs from the
live delivery of its path (``state.active_hash``) and that (path, hash) was not already
rejected, ignored or failed. For each new file its lines go to ``raw.social_posts`` (valid
lines, one row per line) and ``raw.social_malformed_lines`` (file, physical line number, reason —
never the line itself), block by block, and then the delivery is staged *pending*
(``state.stage_delivery``). Rows are visible only through a delivery (staging joins the active
deliveries on path and content hash), so the file's rows appear together with its delivery or not
at all. Each block is committed on its own: one transaction for a whole 10M-line export kept
every uncommitted row in memory (~0.9 GB per million lines, outside DuckDB's memory limit). A
failed load deletes its rows; rows a crash leaves behind belong to no delivery, are never taken
for a complete load (``state.has_rows`` asks the deliveries) and go with the next garbage collection
(``state.stage_delivery``). Files with another name are recorded ``ignored`` once per (path, hash).

Whole-file rejects: a file that is not UTF-8 text (gzip, ZIP, UTF-16, binary: ``reader.sniff_not_text``)
or that has no valid line at all (empty, or every line malformed) is *rejected*: moved to
``quarantine/`` with ``<file>.errors.json`` (the survey's conventions), recorded ``rejected``,
nothing of it loaded; the run then exits 2 naming it.

What happens per line is decided here and in ``parse.py``; which version of a post wins, the
counts, language filter and classification are dbt models over these rows.

Scale: the file is read in blocks (``reader.py``); UTF-8 decoding, JSON parsing, every
validation rule and the masking patterns (``privacy.plain_sql``, RE2) run set-based in DuckDB, on
both cores. Python only sees the rows that need it: texts that still hold enough digits for a
phone number or a BSN (``privacy.finish``), and posts the function-word rule cannot call Dutch
(lingua). While Python works on one block, a worker thread has DuckDB parse and mask the next.
Authors are pseudonymised in SQL with the same keyed HMAC-SHA256 as ``privacy.pseudonymise``.
Raw personal data is never written.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration import privacy
from orchestration.paths import Home
from orchestration.social import language, reader
from orchestration.social.parse import line_too_long_reason, parse_block
from orchestration.warehouse import archive, blame, state

KIND = "social"
FILE_RE = re.compile(r"^posts_(?P<year>\d{4})-(?P<month>\d{2})(?:_(?P<suffix>[^/\\]+))?\.jsonl$")
EXPECTED_NAME = "posts_<YYYY>-<MM>[_<suffix>].jsonl, with MM 01-12"


@dataclass
class SocialFileResult:
    path: str                    # relative to the home
    partition: str | None        # YYYY-MM
    content_hash: str
    status: str                  # staged | restaged | ignored | failed | rejected
    lines_read: int = 0          # non-blank lines
    valid_lines: int = 0
    malformed_lines: int = 0
    seconds: float = 0.0
    message: str | None = None
    report: str | None = None    # quarantine report of a rejected file, relative to the home


@dataclass
class SocialIngestReport:
    files: list[SocialFileResult] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)   # already live, or seen and set aside
    messages: list[str] = field(default_factory=list)

    def _with(self, status: str) -> list[SocialFileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def staged(self) -> list[SocialFileResult]:
        return self._with("staged") + self._with("restaged")

    @property
    def ignored(self) -> list[SocialFileResult]:
        return self._with("ignored")

    @property
    def failed(self) -> list[SocialFileResult]:
        return self._with("failed")

    @property
    def rejected(self) -> list[SocialFileResult]:
        return self._with("rejected")

    @property
    def lines_read(self) -> int:
        return sum(f.lines_read for f in self.staged)

    def summary(self) -> str:
        return (f"social: {len(self.staged)} file(s) staged ({self.lines_read} lines, "
                f"{sum(f.malformed_lines for f in self.staged)} malformed), "
                f"{len(self.rejected)} rejected, {len(self.ignored)} ignored, {len(self.failed)} failed, "
                f"{len(self.unchanged)} unchanged")


def parse_file_name(name: str) -> str | None:
    """'YYYY-MM' for a valid export name, else None."""
    m = FILE_RE.match(name)
    if not m or not 1 <= int(m["month"]) <= 12:
        return None
    return f"{m['year']}-{m['month']}"


def misnamed_message(name: str) -> str:
    return f"{name} is not a social export name (expected {EXPECTED_NAME}); it was not read."


def ingest_social(con: duckdb.DuckDBPyConnection, home: Home, run_id: str, log=None,
                  months: set[str] | None = None, load_file=None, has_rows=None) -> SocialIngestReport:
    """Stage every new or changed social export of the landing zone (see module docstring);
    ``months`` restricts it to those partitions (YYYY-MM); files with other names are recorded
    ``ignored`` in any case (``months=set()`` does only that). ``load_file`` / ``has_rows``
    replace where the rows go (the Spark engine: orchestration/spark/ingest.py); the
    bookkeeping is the same."""
    load_file = load_file or _load_file
    has_rows = has_rows or state.has_rows
    from orchestration.warehouse.landing import landing_files, skip_statuses

    report = SocialIngestReport()
    key: bytes | None = None
    skip = skip_statuses()
    for path in landing_files(home.landing_social):
        rel = home.relative(path)
        try:
            digest = state.file_hash(con, home, path)
        except OSError as exc:       # vanished or unreadable between listing and reading
            report.messages.append(f"{rel}: cannot read ({exc})")
            continue
        partition = parse_file_name(path.name)
        if partition is None:
            if state.file_status(con, rel, digest) is None:
                msg = misnamed_message(path.name)
                state.record_file(con, rel, KIND, None, digest, "ignored", msg)
                report.files.append(SocialFileResult(rel, None, digest, "ignored", message=msg))
                report.messages.append(msg)
                _info(log, msg)
            else:
                report.unchanged.append(rel)
            continue
        if months is not None and partition not in months:
            continue
        if digest == state.active_hash(con, KIND, rel) or state.file_status(con, rel, digest) in skip:
            report.unchanged.append(rel)
            continue
        if has_rows(con, KIND, rel, digest):
            con.execute("begin")
            try:
                state.stage_delivery(con, KIND, key=rel, partition=partition, path=rel,
                                     content_hash=digest, run_id=run_id)
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
            report.files.append(SocialFileResult(rel, partition, digest, "restaged",
                                                 message="rows of this content already loaded"))
            _info(log, f"{rel}: content loaded before, staged again")
            continue
        not_text = reader.sniff_not_text(path)
        if not_text is not None:
            report.files.append(_reject(con, home, path, partition, digest, [_finding(
                "not_utf8_text", f"{path.name} is not UTF-8 text: {not_text}; deliver the export "
                                 "as plain UTF-8 JSON Lines, one post per line.", 1)], log))
            continue
        if key is None:
            key = privacy.load_or_create_key(home, con)
            _limit_memory(con)
        t0 = time.perf_counter()
        try:
            archived = archive.store(home, path, digest, rel)   # rows are read from the archived bytes
            result = load_file(con, archived, rel, partition, digest, run_id, key)
        except archive.FileChanged as exc:
            report.messages.append(str(exc))
            _info(log, str(exc))
            continue
        except Exception as exc:
            if blame.is_environment_error(exc):
                raise                # the machine's fault (disk full): nothing recorded, retried next run
            msg = f"{rel}: load failed: {type(exc).__name__}: {exc}"
            state.record_file(con, rel, KIND, partition, digest, "failed", msg[:2000])
            report.files.append(SocialFileResult(rel, partition, digest, "failed", message=msg))
            report.messages.append(msg)
            if log is not None:
                log.error(msg)
            continue
        result.seconds = time.perf_counter() - t0
        if result.valid_lines == 0:
            errors = _no_valid_line_findings(con, path.name, rel, digest, result.lines_read)
            _delete_rows(con, rel, digest)
            report.files.append(_reject(con, home, path, partition, digest, errors, log))
            continue
        report.files.append(result)
        _info(log, f"{rel}: {result.lines_read} lines, {result.valid_lines} valid, "
                   f"{result.malformed_lines} malformed ({result.seconds:.1f}s)")
    if report.files:
        _info(log, report.summary())
    return report


def _limit_memory(con) -> None:
    """The same explicit DuckDB memory limit as dbt's (``VOICE_MONITOR_DUCKDB_MEMORY_LIMIT``,
    default 4GB; empty = DuckDB's default of 80% of RAM): a large export's one transaction
    otherwise lets DuckDB hold gigabytes of buffers (10M posts: ~10 GB of RSS)."""
    import os

    limit = os.environ.get("VOICE_MONITOR_DUCKDB_MEMORY_LIMIT", "4GB").strip()
    if limit:
        con.execute(f"set memory_limit = '{limit.replace(chr(39), '')}'")


def _info(log, msg: str) -> None:
    if log is not None:
        log.info(msg)


# --- whole-file rejects ----------------------------------------------------------------------

def _finding(rule: str, message: str, count: int, rows: list[int] | None = None):
    from orchestration.warehouse.landing import Finding

    return Finding(rule, message, count, rows or [])


def _no_valid_line_findings(con, name: str, rel: str, digest: str, lines: int) -> list:
    """Why a file has no valid line: empty, or every line malformed (per reason, first lines)."""
    if lines == 0:
        return [_finding("empty_file", f"{name} has no lines (it is empty or holds only blank lines).", 1)]
    from orchestration.warehouse.landing import EXAMPLES_CAP

    per_reason = con.execute(
        f"""select reason, count(*), list(line_number order by line_number)[1:{EXAMPLES_CAP}]
            from raw.social_malformed_lines where _delivery_key = ? and _content_hash = ?
            group by reason order by count(*) desc, reason""", [rel, digest]).fetchall()
    first = con.execute(
        f"""select list(line_number order by line_number)[1:{EXAMPLES_CAP}] from raw.social_malformed_lines
            where _delivery_key = ? and _content_hash = ?""", [rel, digest]).fetchall()[0][0] or []
    return [_finding("no_valid_lines", f"{name} has no valid line: all {lines:,} lines are malformed.",
                     lines, first)] + [
        _finding("malformed_line", f"{reason} ({n:,} line{'s' if n != 1 else ''})", n, rows)
        for reason, n, rows in per_reason]


def _reject(con, home: Home, path: Path, partition: str | None, digest: str, errors: list,
            log) -> SocialFileResult:
    """Move the file to quarantine with its report, record it ``rejected``, say so."""
    from orchestration.warehouse.landing import quarantine_file, rejection_message

    rel = home.relative(path)
    report = home.relative(quarantine_file(home, path, digest, errors, month=partition))
    msg = rejection_message(path.name, errors, report)
    state.record_file(con, rel, KIND, partition, digest, "rejected", msg)
    if log is not None:
        log.error(msg)
    return SocialFileResult(rel, partition, digest, "rejected", message=msg, report=report)


# --- one file ------------------------------------------------------------------------------

def _load_file(con, path: Path, rel: str, partition: str, digest: str, run_id: str,
               key: bytes) -> SocialFileResult:
    """Load one export, one transaction per block, then stage its delivery (module docstring).
    Blocks are pipelined: while Python finishes the masking and detects the language of block k,
    a worker thread has DuckDB insert block k - 1, commit it, and parse, validate and mask block
    k + 1. All database work happens in that one thread, in order (DuckDB releases the GIL
    while it works), so the connection is never used by two threads at once."""
    result = SocialFileResult(rel, partition, digest, "staged")
    loaded_at = state.now()
    ipad, opad = privacy.hmac_sql_parts(key)
    limit = reader.max_line_bytes()
    blocks = iter(reader.read_blocks(path, line_limit=limit))
    ctx = (rel, digest, loaded_at)

    def finish(done) -> None:
        if done is not None:
            _finish_block(con, *done, *ctx, ipad, opad)
            con.execute("commit")
            con.execute("begin")

    def step(done, slot: int):
        """Insert and commit the finished block ``done`` (slot, Python result), then prepare the
        next block into ``slot``; None at the end of the file."""
        finish(done)
        try:
            block = next(blocks)
        except StopIteration:
            return None
        return slot, _prepare_block(con, slot, block, line_too_long_reason(limit), *ctx)

    _delete_rows(con, rel, digest)     # blocks of an earlier, killed load of this content
    con.execute("begin")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="social-load")
    try:
        current, done = step(None, 0), None
        while current is not None:
            slot, (todo, n_lines, n_bad) = current
            upcoming = pool.submit(step, done, 1 - slot)
            py = _python_work(todo)
            current, done = upcoming.result(), (slot, py)
            result.lines_read += n_lines
            result.valid_lines += n_lines - n_bad
            result.malformed_lines += n_bad
        finish(done)
        if result.valid_lines:
            state.stage_delivery(con, KIND, key=rel, partition=partition, path=rel,
                                 content_hash=digest, run_id=run_id)
        con.execute("commit")
    except BaseException:
        con.interrupt()           # a block query running in the worker (a time limit, Ctrl-C) stops now
        pool.shutdown(wait=True)
        try:
            con.execute("rollback")
        except duckdb.Error:          # failed outside a transaction (e.g. in commit)
            pass
        _delete_rows(con, rel, digest)
        raise
    finally:
        pool.shutdown(wait=True)
        for slot in (0, 1):
            for name in (f"_social_block_{slot}", f"_social_py_{slot}"):
                try:
                    con.unregister(name)
                except Exception:
                    pass
            for table in ("parsed", "flags"):
                con.execute(f"drop table if exists _social_{table}_{slot}")
    return result


def _delete_rows(con, rel: str, digest: str) -> None:
    """Remove the rows of this content that no delivery points at: the committed blocks of a
    load that failed, or of one that was killed, or of a file rejected after its lines were read."""
    con.execute("begin")
    for table in state.RAW_TABLES[KIND]:
        con.execute(f"delete from {table} where _delivery_key = ? and _content_hash = ?", [rel, digest])
    con.execute("commit")


def _prepare_block(con, slot: int, block: reader.Block, too_long: str, rel: str, digest: str,
                   loaded_at) -> tuple[list, int, int]:
    """SQL part 1: parse and validate the block, quarantine its malformed lines, mask the texts
    (plain rules), flag the rows Python must see; returns (those rows, lines, malformed lines)."""
    if block.oversize:
        con.execute("""insert into raw.social_malformed_lines
                       select ?, ?, ?, ?, unnest(?::bigint[]), ?""",
                    [rel, digest, rel, loaded_at, block.oversize, too_long])
    if not len(block.numbers):
        con.execute(f"create or replace temp table _social_parsed_{slot} (line_number bigint, reason varchar)")
        con.execute(f"create or replace temp table _social_flags_{slot} (line_number bigint)")
        return [], len(block.oversize), len(block.oversize)
    parsed = parse_block(con, slot, block.numbers, block.values, loaded_at)
    con.execute(
        f"""insert into raw.social_malformed_lines
            select ?, ?, ?, ?, line_number, reason from {parsed} where reason is not null""",
        [rel, digest, rel, loaded_at])

    # masked texts (plain rules, RE2) and the function-word language rule on the raw text
    source = (f"(select *, {language.dutch_words_sql('low')} as n_nl from "
              f"(select line_number, title, text, lower(coalesce(title, '') || ' ' || text) as low "
              f"from {parsed} where reason is null))")
    con.execute(f"""
        create or replace temp table _social_flags_{slot} as
        select line_number, title_m, text_m, needs_py,
               case when n_nl >= 8 then 'nl'
                    when n_nl >= 3 and not {language.foreign_words_sql('low')} then 'nl' end as fast_lang
        from ({privacy.masked_sql(source, ["title", "text"])})""")
    todo = con.execute(f"""
        select f.line_number, f.needs_py, f.fast_lang, f.title_m, f.text_m,
               case when f.fast_lang is null then p.title end, case when f.fast_lang is null then p.text end
        from _social_flags_{slot} f join {parsed} p using (line_number)
        where f.needs_py or f.fast_lang is null""").fetchall()
    n_lines, n_bad = con.execute(
        f"select count(*), count(*) filter (where reason is not null) from {parsed}").fetchall()[0]
    return todo, n_lines + len(block.oversize), n_bad + len(block.oversize)


def _python_work(todo: list) -> pa.Table:
    """Python part: the checked masking rules (phones, BSNs) on the flagged texts and lingua for
    the posts the function-word rule left undecided. Touches no database."""
    nums = [r[0] for r in todo]
    titles = [privacy.finish(r[3]) if r[1] else r[3] for r in todo]
    texts = [privacy.finish(r[4]) if r[1] else r[4] for r in todo]
    langs = [r[2] for r in todo]
    need_lang = [i for i, r in enumerate(todo) if r[2] is None]
    lang_texts = [((todo[i][5] or "") + " " + todo[i][6]).strip() for i in need_lang]
    distinct = list(dict.fromkeys(lang_texts))      # the same text gets the same answer: ask once
    detected = dict(zip(distinct, language.lingua_languages(distinct)))
    for i, text in zip(need_lang, lang_texts):
        langs[i] = detected[text]
    return pa.table({"line_number": pa.array(nums, pa.int64()),
                     "title_masked": pa.array(titles, pa.string()),
                     "text_masked": pa.array(texts, pa.string()),
                     "lang": pa.array(langs, pa.string())})


def _finish_block(con, slot: int, py: pa.Table, rel: str, digest: str, loaded_at,
                  ipad: bytes, opad: bytes) -> None:
    """SQL part 2: insert the block's valid lines, masked, pseudonymised (HMAC in SQL) and
    language-tagged."""
    if not con.execute(f"select count(*) from _social_flags_{slot}").fetchall()[0][0]:
        con.execute(f"drop table if exists _social_flags_{slot}")
        con.execute(f"drop table if exists _social_parsed_{slot}")
        return
    con.register(f"_social_py_{slot}", py)
    con.execute(
        f"""insert into raw.social_posts
            select ?, ?, ?, ?, p.line_number, p.platform, p.post_id, p.created_at, p.collected_at,
                   case when p.author is not null then
                        left(sha256(?::blob || unhex(sha256(?::blob || encode(p.platform || ':' || p.author)))), ?)
                   end,
                   case when f.needs_py then y.title_masked else f.title_m end,
                   case when f.needs_py then y.text_masked else f.text_m end,
                   p.rating, p.company,
                   coalesce(f.fast_lang, y.lang),
                   case when f.fast_lang is not null then 'function_words' else 'lingua' end
            from _social_parsed_{slot} p
            join _social_flags_{slot} f using (line_number)
            left join _social_py_{slot} y using (line_number)
            where p.reason is null""",
        [rel, digest, rel, loaded_at, opad, ipad, privacy.PSEUDONYM_CHARS])
    con.unregister(f"_social_py_{slot}")
    con.execute(f"drop table if exists _social_flags_{slot}")
    con.execute(f"drop table if exists _social_parsed_{slot}")


def process_block(block: reader.Block, rel: str, digest: str, loaded_at,
                  key: bytes) -> tuple[pa.Table, pa.Table]:
    """One block of lines → (its valid lines as ``raw.social_posts`` rows, its malformed lines as
    ``raw.social_malformed_lines`` rows), by the same SQL and Python steps as a load into the
    build database, in an in-memory DuckDB: the per-block function the Spark ingestion runs on
    its executors (orchestration/spark/ingest.py), so every rule has one definition."""
    from orchestration.warehouse import raw_schema

    con = duckdb.connect()
    try:
        con.execute("create schema raw")
        raw_schema.ensure_social(con)
        todo, _, _ = _prepare_block(con, 0, block, line_too_long_reason(reader.max_line_bytes()),
                                    rel, digest, loaded_at)
        ipad, opad = privacy.hmac_sql_parts(key)
        _finish_block(con, 0, _python_work(todo), rel, digest, loaded_at, ipad, opad)
        return (con.sql("select * from raw.social_posts order by line_number").to_arrow_table(),
                con.sql("select * from raw.social_malformed_lines order by line_number").to_arrow_table())
    finally:
        con.close()
