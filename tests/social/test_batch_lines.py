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


def _lines_macro(segment_size: int):
    text = (MACROS / "batched_incremental.sql").read_text(encoding="utf-8")
    body = re.search(r"{% macro batched_incremental_lines\(alias, batch\) -%}.*?{%- endmacro %}", text, re.S)
    assert body, "batched_incremental_lines not found"
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    template = env.from_string("{% macro social_segment_size() %}" + str(segment_size) + "{% endmacro %}"
                               + body.group(0))
    return template.module.batched_incremental_lines


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
