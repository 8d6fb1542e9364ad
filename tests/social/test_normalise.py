"""The text normalisation macro (macros/social_text.sql) replaces runs of separators in two steps
for speed; it must give exactly the string of the one-step rule every token position and the
learned seeds were defined with: each maximal run of characters other than [a-z0-9] → one space."""

from __future__ import annotations

import re

import duckdb
import jinja2

from orchestration.paths import PROJECT_DIR

CASES = [
    "", " ", "   ", "a", " a ", "a  b", "a ,b", "a , b", "a  ,  b", "a,,  ,b", "  ,a", "a,  ", "\t a\n\nb \r\n",
    "Wacht-rij:  45 min!!", "De chatbot… snapt   het niet?!", "café naïef Ünïcödé ß", "tel [telefoon] , mail [email].",
    "top 👍👍 service 😡 , niet", "x—y–z", "a\u00a0b", "Один два", "  !!  ", "a . . . b", "xxtitelxx  ,  tekst",
]


def _macro():
    """social_normalise as DuckDB renders it: the macro with the dialect macros it calls
    (macros/social_dialect.sql), `adapter.dispatch` picking their `default__` (DuckDB) forms."""
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    source = "\n".join((PROJECT_DIR / "macros" / name).read_text(encoding="utf-8")
                       for name in ("social_dialect.sql", "social_text.sql"))
    holder = {}

    class Adapter:
        @staticmethod
        def dispatch(name, package=None):
            return getattr(holder["module"], "default__" + name)

    env.globals.update(adapter=Adapter(), **{"return": lambda value: value})
    holder["module"] = env.from_string(source).module
    return holder["module"].social_normalise


def test_two_step_separator_rule_equals_the_one_step_rule():
    expr = str(_macro()("t"))
    one_step = expr.replace(
        "trim(regexp_replace(regexp_replace(", "trim(regexp_replace(", 1).replace(
        "'[^a-z0-9 ]+', ' ', 'g'), ' {2,}', ' ', 'g'))", "'[^a-z0-9]+', ' ', 'g'))")
    assert one_step != expr
    con = duckdb.connect()
    con.execute("create table c (i integer, t varchar)")
    con.executemany("insert into c values (?, ?)", list(enumerate(CASES)))
    rows = con.execute(f"select i, {expr}, {one_step} from c order by i").fetchall()
    for i, two, one in rows:
        assert two == one, (CASES[i], two, one)
        assert not re.search(r"[^a-z0-9 ]|  |^ | $", two), (CASES[i], two)
    assert dict((i, two) for i, two, _ in rows)[13] == "wacht rij 45 min"
