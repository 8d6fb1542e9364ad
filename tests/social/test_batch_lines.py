"""Each DuckDB batch of the per-version social models names its segments as literal line ranges
(macros/batched_incremental.sql, `batched_incremental_lines`), so a scan of the raw lines or the
term hits skips the history's row groups. The ranges must keep exactly the batch's rows: checked
here by rendering the macro and applying it to generated lines of several deliveries, against the
segment rule itself (segment = floor((line - 1) / segment size))."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import jinja2
import pytest

MACROS = Path(__file__).resolve().parents[2] / "macros"


def _macro(text: str, name: str) -> str:
    body = re.search(r"{% macro " + name + r"\(.*?{%- endmacro %}", text, re.S)
    assert body, f"{name} not found"
    return body.group(0)


def _macros(segment_size: int):
    """The materialization's batch macros, rendered by plain Jinja with the project's marker
    macro and a stub for ``ref``."""
    batched = (MACROS / "batched_incremental.sql").read_text(encoding="utf-8")
    incremental = (MACROS / "social_incremental.sql").read_text(encoding="utf-8")
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    env.globals["ref"] = lambda name: f'"{name}"'
    source = ("{% macro social_segment_size() %}" + str(segment_size) + "{% endmacro %}"
              + _macro(incremental, "social_batch_lines_marker")
              + "".join(_macro(batched, name) for name in
                        ("batched_incremental_sql", "batched_incremental_values", "batched_incremental_lines")))
    return env.from_string(source).module


def _lines_macro(segment_size: int):
    return _macros(segment_size).batched_incremental_lines


def test_a_batch_replaces_the_pending_segments_and_every_marker():
    """The SQL a batch runs: its segments in place of the pending-segments subquery, and its line
    ranges in place of each alias's marker (a marker left as `true` would make every batch scan
    the whole history again, silently)."""
    pending = "(select * from pending) /* social_pending_segments */"
    sql = (f"select * from stg as p where exists (select 1 from {pending} as ps where ps.segment = p.segment) "
           "and true /* social_batch_lines(p) */ union all "
           f"select * from hits as h where exists (select 1 from {pending} as ps where ps.segment = h.segment) "
           "and true /* social_batch_lines(h) */ and true /* social_batch_lines(p) */")
    out = str(_macros(100).batched_incremental_sql(sql, pending, [["d1", 0], ["d1", 1]]))
    assert "social_batch_lines" not in out and "social_pending_segments" not in out
    assert out.count("(values ('d1', 0), ('d1', 1)) as b(delivery_id, segment)") == 2
    assert out.count("(p.delivery_id = 'd1' and p.line_number between 1 and 200)") == 2
    assert out.count("(h.delivery_id = 'd1' and h.line_number between 1 and 200)") == 1


@pytest.mark.parametrize("batch", [
    [["a", 0]],
    [["a", 0], ["a", 1], ["a", 2]],                  # one run of consecutive segments
    [["a", 0], ["a", 2], ["a", 3]],                  # a gap: two ranges
    [["a", 4], ["b", 0], ["b", 1]],                  # the end of one delivery, the start of the next
    [["b", 1], ["c", 0], ["c", 5], ["c", 6]],
])
def test_batch_line_ranges_keep_exactly_the_batch_rows(batch):
    size = 7
    predicate = str(_lines_macro(size)("r", batch))
    con = duckdb.connect()
    con.execute("""create table r as
                   select d.delivery_id, l.line_number
                   from (values ('a'), ('b'), ('c')) as d(delivery_id), range(1, 60) as l(line_number)""")
    con.execute("create table batch (delivery_id varchar, segment bigint)")
    con.executemany("insert into batch values (?, ?)", batch)
    selected = con.execute(f"select delivery_id, line_number from r where {predicate} order by 1, 2").fetchall()
    expected = con.execute(f"""select delivery_id, line_number from r
                               where (delivery_id, cast(floor((line_number - 1) / {size}) as bigint))
                                     in (select (delivery_id, segment) from batch)
                               order by 1, 2""").fetchall()
    assert selected == expected and selected
