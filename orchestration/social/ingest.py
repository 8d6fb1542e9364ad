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

What happens per line is decided here; which version of a post wins, the counts, language
filter and classification are dbt models over these rows.

Scale: the file is read in blocks; lines are split with numpy into an Arrow binary array
(zero-copy), and UTF-8 decoding, JSON parsing and every validation rule run set-based in
DuckDB. Python only sees the rows that need it: lines whose text may contain personal data
(pre-selected with ``privacy.MASK_TRIGGER``) for ``privacy.mask_text``, and posts the
function-word rule cannot call Dutch for lingua. Authors are pseudonymised in SQL with the
same keyed HMAC-SHA256 as ``privacy.pseudonymise``. Raw personal data is never written.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from orchestration import privacy
from orchestration.paths import Home
from orchestration.social import language
from orchestration.warehouse import archive, blame, state

KIND = "social"
FILE_RE = re.compile(r"^posts_(?P<year>\d{4})-(?P<month>\d{2})(?:_(?P<suffix>[^/\\]+))?\.jsonl$")
BLOCK_BYTES = 32 << 20          # read size; a block holds ~100k lines of a typical export
PLATFORMS = ("trustpilot", "reddit", "x")
# ISO-8601 date-time with a UTC offset (Z, ±hh, ±hhmm, ±hh:mm); the cast does the calendar check
TIMESTAMP_RE = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)$"


@dataclass
class SocialFileResult:
    path: str                    # relative to the home
    partition: str | None        # YYYY-MM
    content_hash: str
    status: str                  # staged | restaged | ignored | failed
    lines_read: int = 0          # non-blank lines
    valid_lines: int = 0
    malformed_lines: int = 0
    seconds: float = 0.0
    message: str | None = None


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
    def lines_read(self) -> int:
        return sum(f.lines_read for f in self.files)

    def summary(self) -> str:
        return (f"social: {len(self.staged)} file(s) staged ({self.lines_read} lines, "
                f"{sum(f.malformed_lines for f in self.files)} malformed), "
                f"{len(self.ignored)} ignored, {len(self.failed)} failed, {len(self.unchanged)} unchanged")


def parse_file_name(name: str) -> str | None:
    """'YYYY-MM' for a valid export name, else None."""
    m = FILE_RE.match(name)
    if not m or not 1 <= int(m["month"]) <= 12:
        return None
    return f"{m['year']}-{m['month']}"


def ingest_social(con: duckdb.DuckDBPyConnection, home: Home, run_id: str, log=None,
                  months: set[str] | None = None, load_file=None, has_rows=None) -> SocialIngestReport:
    """Stage every new or changed social export of the landing zone (see module docstring);
    ``months`` restricts it to those partitions (YYYY-MM); files with other names are recorded
    ``ignored`` in any case (``months=set()`` does only that). ``load_file`` / ``has_rows``
    replace where the rows go (the Spark engine: orchestration/spark/ingest.py); the
    bookkeeping is the same."""
    load_file = load_file or _load_file
    has_rows = has_rows or state.has_rows
    from orchestration.survey.ingest import landing_files, skip_statuses

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
                msg = (f"{path.name} is not a social export name "
                       f"(expected posts_<YYYY>-<MM>[_<suffix>].jsonl); ignored")
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


# --- one file ------------------------------------------------------------------------------

def _load_file(con, path: Path, rel: str, partition: str, digest: str, run_id: str,
               key: bytes) -> SocialFileResult:
    """Load one export, one transaction per block, then stage its delivery (module docstring).
    Blocks are pipelined: while Python masks and detects the language of block k, a worker
    thread has DuckDB parse and validate block k + 1 (the connection is used by one thread at a
    time; DuckDB releases the GIL while it works). Commits happen only while the worker is idle."""
    result = SocialFileResult(rel, partition, digest, "staged")
    loaded_at = state.now()
    ipad, opad = privacy.hmac_sql_parts(key)
    blocks = iter(_blocks(path))
    ctx = (rel, digest, loaded_at)

    def prepare(slot: int):
        try:
            numbers, values = next(blocks)
        except StopIteration:
            return None
        return slot, _prepare_block(con, slot, numbers, values, *ctx)

    _delete_rows(con, rel, digest)     # blocks of an earlier, killed load of this content
    con.execute("begin")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="social-parse")
    try:
        current = prepare(0)
        while current is not None:
            slot, (todo, n_lines, n_bad) = current
            upcoming = pool.submit(prepare, 1 - slot)
            py = _python_work(todo)
            current = upcoming.result()
            _finish_block(con, slot, py, *ctx, ipad, opad)
            con.execute("commit")
            con.execute("begin")
            result.lines_read += n_lines
            result.valid_lines += n_lines - n_bad
            result.malformed_lines += n_bad
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
            con.execute(f"drop table if exists _social_parsed_{slot}")
            con.execute(f"drop table if exists _social_flags_{slot}")
    return result


def _delete_rows(con, rel: str, digest: str) -> None:
    """Remove the rows of this content that no delivery points at: the committed blocks of a
    load that failed, or of one that was killed."""
    con.execute("begin")
    for table in state.RAW_TABLES[KIND]:
        con.execute(f"delete from {table} where _delivery_key = ? and _content_hash = ?", [rel, digest])
    con.execute("commit")


_WHITESPACE = np.array([32, 9, 10, 11, 12, 13], dtype=np.uint8)


def _blocks(path: Path, block_bytes: int | None = None, start: int = 0, stop: int | None = None,
            first_line: int = 1):
    """Yield (physical line numbers, Arrow binary array of those lines) per block of the file,
    or of its bytes [start, stop) when they begin at a line start, ``first_line`` the physical
    number of the line at ``start`` (the Spark ingestion reads a file in ranges).

    Lines are split on '\\n' and cleaned with numpy, set-based: the line end ('\\n' or '\\r\\n')
    and a leading UTF-8 BOM are cut off, and blank lines (only whitespace) are dropped — they
    are skipped and not counted (spec §6). Line numbers stay the physical ones, from 1.
    """
    block_bytes = block_bytes or BLOCK_BYTES      # read at call time (tests set tiny blocks)
    line_no = first_line
    carry = b""
    left = None if stop is None else stop - start
    with open(path, "rb") as fh:
        fh.seek(start)
        while True:
            data = fh.read(block_bytes if left is None else min(block_bytes, left))
            if left is not None:
                left -= len(data)
            eof = not data
            buf = carry + data if carry else data
            if not buf:
                break
            a = np.frombuffer(buf, dtype=np.uint8)
            nl = np.flatnonzero(a == 10)
            if eof:
                ends = nl if (len(nl) and nl[-1] == len(a) - 1) else np.concatenate((nl, [len(a)]))
                cut = len(a)
            elif len(nl) == 0:                          # one very long line: read on
                carry = buf
                continue
            else:
                ends = nl
                cut = int(nl[-1]) + 1
            carry = buf[cut:]
            n = len(ends)
            starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
            ends = ends.astype(np.int64)
            numbers = np.arange(line_no, line_no + n, dtype=np.int64)
            line_no += n
            # content = [cs, ce): without a trailing '\\r' and a leading BOM
            cr = (ends > starts) & (a[np.maximum(ends - 1, 0)] == 13)
            ce = ends - cr
            last = len(a) - 1
            bom = ((ce - starts) >= 3) & (a[np.minimum(starts, last)] == 0xEF) \
                & (a[np.minimum(starts + 1, last)] == 0xBB) & (a[np.minimum(starts + 2, last)] == 0xBF)
            cs = starts + 3 * bom
            # blank = empty or only whitespace; only lines starting with whitespace need a look
            keep = ce > cs
            ws_first = keep & np.isin(a[np.minimum(cs, last)], _WHITESPACE)
            for i in np.flatnonzero(ws_first):
                if not bytes(a[cs[i]:ce[i]]).strip(b" \t\r\n\x0b\x0c"):
                    keep[i] = False
            mask = np.ones(len(a), dtype=bool)
            mask[ends[ends < len(a)]] = False                  # '\\n'
            mask[(ends - 1)[cr]] = False                        # '\\r' before it
            for k in range(3):
                mask[(starts + k)[bom]] = False                 # BOM
            for i in np.flatnonzero(~keep):                     # blank lines (rare)
                mask[starts[i]:ends[i]] = False
            cs, ce, numbers = cs[keep], ce[keep], numbers[keep]
            if len(numbers):
                body = a[mask]
                offsets = np.concatenate(([0], np.cumsum(ce - cs))).astype(np.int64)
                values = pa.Array.from_buffers(pa.large_binary(), len(numbers),
                                               [None, pa.py_buffer(offsets), pa.py_buffer(body)])
                yield numbers, values
            if eof:
                break


_FIELDS = ('{"id":"JSON","platform":"JSON","created_at":"JSON","collected_at":"JSON",'
           '"author":"JSON","title":"JSON","text":"JSON","rating":"JSON","company":"JSON","url":"JSON"}')

_PARSE_SQL = f"""
create or replace temp table _social_parsed_{{slot}} as
with nonblank as (
    select line_number, s0 is null as bad_utf8, s0 as s
    from (select line_number, try(decode(raw)) as s0 from _social_block_{{slot}})
), j as (
    select line_number, bad_utf8, s,
           (not bad_utf8) and json_valid(s) as ok_json,
           case when (not bad_utf8) and json_valid(s) then json_type(s::json) end as jtype
    from nonblank
), f as (
    select line_number, bad_utf8, ok_json, jtype,
           ok_json and regexp_matches(s, ',\\s*[}}\\]]') as maybe_lenient,
           case when jtype = 'OBJECT' then json_transform(s, '{_FIELDS}') end as o
    from j
), typed as (
    select line_number, bad_utf8, ok_json, jtype, maybe_lenient,
           json_type(o.id) as id_t, o.id->>'$' as id_v,
           json_type(o.platform) as platform_t, lower(trim(o.platform->>'$')) as platform_v,
           json_type(o.text) as text_t, o.text->>'$' as text_v,
           json_type(o.title) as title_t, o.title->>'$' as title_v,
           json_type(o.created_at) as created_t, o.created_at->>'$' as created_v,
           json_type(o.collected_at) as collected_t, o.collected_at->>'$' as collected_v,
           json_type(o.rating) as rating_t, o.rating->>'$' as rating_v,
           json_type(o.author) as author_t, o.author->>'$' as author_v,
           json_type(o.company) as company_t, trim(o.company->>'$') as company_v,
           json_type(o.url) as url_t
    from f
), checked as (
    select *,
        case when created_t = 'VARCHAR' and regexp_matches(created_v, '{TIMESTAMP_RE}')
             then try_cast(upper(created_v) as timestamptz) end as created_ts,
        case when collected_t = 'VARCHAR' and regexp_matches(collected_v, '{TIMESTAMP_RE}')
             then try_cast(upper(collected_v) as timestamptz) end as collected_ts,
        case when rating_t in ('BIGINT', 'UBIGINT') then try_cast(rating_v as bigint)
             when rating_t = 'DOUBLE' and try_cast(rating_v as double) = floor(try_cast(rating_v as double))
                  and abs(try_cast(rating_v as double)) < 1e9
             then try_cast(try_cast(rating_v as double) as bigint) end as rating_i
    from typed
)
select line_number, maybe_lenient,
    case
        when bad_utf8 then 'invalid UTF-8'
        when not ok_json then 'invalid JSON'
        when jtype <> 'OBJECT' then 'not a JSON object'
        when id_t is null or (id_t = 'VARCHAR' and trim(id_v) = '') then 'missing id'
        when id_t not in ('VARCHAR', 'BIGINT', 'UBIGINT') then 'id is not a string or integer'
        when platform_t is null or (platform_t = 'VARCHAR' and platform_v = '') then 'missing platform'
        when platform_t <> 'VARCHAR' or platform_v not in {PLATFORMS} then 'unknown platform'
        when text_t is null or (text_t = 'VARCHAR' and trim(text_v) = '') then 'missing text'
        when text_t <> 'VARCHAR' then 'text is not a string'
        when created_t is null or (created_t = 'VARCHAR' and trim(created_v) = '') then 'missing created_at'
        when created_ts is null then 'created_at is not an ISO-8601 timestamp with offset'
        when collected_t is not null and not (collected_t = 'VARCHAR' and trim(collected_v) = '')
             and collected_ts is null then 'collected_at is not an ISO-8601 timestamp with offset'
        when rating_t is not null and platform_v <> 'trustpilot' then 'rating on a non-Trustpilot post'
        when rating_t is not null and rating_i is null then 'rating is not an integer'
        when rating_t is not null and rating_i not between 1 and 5 then 'rating out of range 1-5'
        when title_t is not null and title_t <> 'VARCHAR' then 'title is not a string'
        when author_t is not null and author_t <> 'VARCHAR' then 'author is not a string'
        when company_t is not null and company_t <> 'VARCHAR' then 'company is not a string'
        when url_t is not null and url_t <> 'VARCHAR' then 'url is not a string'
    end as reason,
    platform_v as platform, id_v as post_id, created_ts as created_at, collected_ts as collected_at,
    nullif(author_v, '') as author, title_v as title, text_v as text, rating_i::integer as rating,
    nullif(company_v, '') as company
from checked
"""


def _prepare_block(con, slot: int, numbers: np.ndarray, values: pa.Array, rel: str, digest: str,
                   loaded_at) -> tuple[list, int, int]:
    """SQL part 1: parse and validate the block, quarantine its malformed lines, flag the rows
    Python must see; returns (those rows, lines, malformed lines)."""
    con.register(f"_social_block_{slot}", pa.table({"line_number": pa.array(numbers), "raw": values}))
    con.execute(_PARSE_SQL.replace("{slot}", str(slot)))
    con.unregister(f"_social_block_{slot}")
    parsed = f"_social_parsed_{slot}"

    # DuckDB's JSON reader tolerates trailing commas; strict JSON does not (json.loads decides)
    _strict_json_check(con, parsed, numbers, values)

    con.execute(
        f"""insert into raw.social_malformed_lines
            select ?, ?, ?, ?, line_number, reason from {parsed} where reason is not null""",
        [rel, digest, rel, loaded_at])

    # rows Python must see: text/title with possible personal data, or language not decided
    trigger = privacy.MASK_TRIGGER.replace("'", "''")
    con.execute(f"""
        create or replace temp table _social_flags_{slot} as
        select line_number, needs_mask,
               case when n_nl >= 8 then 'nl'
                    when n_nl >= 3 and not {language.foreign_words_sql('low')} then 'nl' end as fast_lang
        from (select line_number, low,
                     regexp_matches(t, '{trigger}') as needs_mask,
                     {language.dutch_words_sql('low')} as n_nl
              from (select line_number, coalesce(title, '') || ' ' || text as t,
                           lower(coalesce(title, '') || ' ' || text) as low
                    from {parsed} where reason is null))""")
    todo = con.execute(f"""
        select f.line_number, f.needs_mask, f.fast_lang, p.title, p.text
        from _social_flags_{slot} f join {parsed} p using (line_number)
        where f.needs_mask or f.fast_lang is null""").fetchall()
    n_lines, n_bad = con.execute(
        f"select count(*), count(*) filter (where reason is not null) from {parsed}").fetchall()[0]
    return todo, n_lines, n_bad


def _python_work(todo: list) -> pa.Table:
    """Python part: mask the flagged texts (privacy.mask_text) and ask lingua for the posts the
    function-word rule left undecided. Touches no database."""
    nums = [r[0] for r in todo]
    titles = [privacy.mask_text(r[3]) if r[1] else r[3] for r in todo]
    texts = [privacy.mask_text(r[4]) if r[1] else r[4] for r in todo]
    langs = [r[2] for r in todo]
    need_lang = [i for i, r in enumerate(todo) if r[2] is None]
    detected = language.lingua_languages([((todo[i][3] or "") + " " + todo[i][4]).strip() for i in need_lang])
    for i, lang in zip(need_lang, detected):
        langs[i] = lang
    return pa.table({"line_number": pa.array(nums, pa.int64()),
                     "title_masked": pa.array(titles, pa.string()),
                     "text_masked": pa.array(texts, pa.string()),
                     "lang": pa.array(langs, pa.string())})


def _finish_block(con, slot: int, py: pa.Table, rel: str, digest: str, loaded_at,
                  ipad: bytes, opad: bytes) -> None:
    """SQL part 2: insert the block's valid lines, masked, pseudonymised (HMAC in SQL) and
    language-tagged."""
    con.register(f"_social_py_{slot}", py)
    con.execute(
        f"""insert into raw.social_posts
            select ?, ?, ?, ?, p.line_number, p.platform, p.post_id, p.created_at, p.collected_at,
                   case when p.author is not null then
                        left(sha256(?::blob || unhex(sha256(?::blob || encode(p.platform || ':' || p.author)))), ?)
                   end,
                   case when f.needs_mask then y.title_masked else p.title end,
                   case when f.needs_mask then y.text_masked else p.text end,
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


def process_block(numbers: np.ndarray, values: pa.Array, rel: str, digest: str, loaded_at,
                  key: bytes) -> tuple[pa.Table, pa.Table]:
    """One block of lines → (its valid lines as ``raw.social_posts`` rows, its malformed lines as
    ``raw.social_malformed_lines`` rows), by the same SQL and Python steps as a load into the
    build database, in an in-memory DuckDB: the per-block function the Spark ingestion runs on
    its executors (orchestration/spark/ingest.py), so every rule has one definition."""
    from orchestration.social import schema as social_schema

    con = duckdb.connect()
    try:
        con.execute("create schema raw")
        social_schema.ensure(con)
        todo, _, _ = _prepare_block(con, 0, numbers, values, rel, digest, loaded_at)
        ipad, opad = privacy.hmac_sql_parts(key)
        _finish_block(con, 0, _python_work(todo), rel, digest, loaded_at, ipad, opad)
        return (con.sql("select * from raw.social_posts order by line_number").to_arrow_table(),
                con.sql("select * from raw.social_malformed_lines order by line_number").to_arrow_table())
    finally:
        con.close()


def _strict_json_check(con, parsed: str, numbers: np.ndarray, values: pa.Array) -> None:
    """Lines DuckDB accepted but that contain ``,}`` / ``,]``: strict JSON (json.loads) decides."""
    import json

    rows = con.execute(f"select line_number from {parsed} where maybe_lenient").fetchall()
    bad = []
    for (line_number,) in rows:
        raw = values[int(np.searchsorted(numbers, line_number))].as_py()
        try:
            json.loads(raw.decode("utf-8"))
        except ValueError:
            bad.append(line_number)
    if bad:
        con.execute(f"update {parsed} set reason = 'invalid JSON' where line_number in "
                    "(select unnest(?::bigint[]))", [bad])

