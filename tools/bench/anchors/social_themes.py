"""Anchor: posts per theme, month and platform straight from the JSONL exports, with DuckDB.

Same work as the product, written for speed in one DuckDB session (``social_themes.sql``):
read the exports with DuckDB's JSON reader (malformed lines skipped), keep the latest version
of each post, call it Dutch with the product's function-word rule (lingua only for the posts
the rule leaves open, as the product does), mask personal data with SQL regular expressions,
normalise and tokenise like the product's classification, find the theme lexicon's terms and
fire the theme rules of the project's seeds, and count. Classification runs in batches of
posts so memory stays bounded. No raw layer, no dbt, no Dagster, no sector or sentiment.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from tools.bench.anchors import AnchorResult, connect
from orchestration.paths import SEEDS_DIR

SQL = Path(__file__).with_name("social_themes.sql")
BATCH_POSTS = 250_000

# Personal data, as regular expressions DuckDB (RE2) runs: links, e-mail addresses, handles,
# IBANs and phone-like digit runs become a space (the classification drops the product's
# placeholders the same way).
_TLDS = r"(nl|com|be|de|org|net|eu|io|app|info|co\.uk|uk|fr|shop|online|nu|me|ly|gl|to)"
MASKS = (
    r"((https?|ftp)://|www\.)[^\s<>" + '"' + r"'\]\[]+",
    r"[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\." + _TLDS + r"/[^\s<>" + '"' + r"'\]\[]*",
    r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}",
    r"@[a-z0-9_]([a-z0-9_.]{0,48}[a-z0-9_])?",
    r"/?\bu/[a-z0-9_-]{3,30}\b",
    r"\b[a-z]{2}\d{2} ?[a-z]{4}( ?\d){10}\b",
    r"((\+|00)\s?\d{1,3}[\s.\-]*(\(0\)[\s.\-]*)?|\(0\d{1,3}\)[\s.\-]*|\b0)\d([\s./-]{0,3}\d){5,12}",
)


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _mask_expr(column: str) -> str:
    expr = column
    for pattern in MASKS:
        expr = f"regexp_replace({expr}, {_lit(pattern)}, ' ', 'gi')"
    return expr


def statements(files: list[Path], lo: int = 0, hi: int = 0) -> list[str]:
    from orchestration import privacy
    from orchestration.social import language

    text = SQL.read_text(encoding="utf-8")
    values = {
        "files": "[" + ", ".join(_lit(str(f)) for f in files) + "]",
        "lexicon": _lit(str(SEEDS_DIR / "social_theme_lexicon.csv")),
        "rules": _lit(str(SEEDS_DIR / "social_theme_rules.csv")),
        "dutch_words": language.dutch_words_sql("low"),
        "foreign_words": language.foreign_words_sql("low"),
        "mask_trigger": _lit(privacy.MASK_TRIGGER),
        "mask_expr": _mask_expr("t"),
        "lo": str(lo), "hi": str(hi),
    }
    out = []
    for stmt in text.split("\n;;\n"):
        for key, value in values.items():
            stmt = stmt.replace("{" + key + "}", value)
        out.append(stmt.replace("{{", "{").replace("}}", "}"))
    return out


def run(files: list[Path], threads: int = 0, memory_limit: str = "", batch: int = BATCH_POSTS) -> AnchorResult:
    from orchestration.social import language

    timings: dict[str, float] = {}
    con = connect(threads, memory_limit)
    con.execute("set preserve_insertion_order = false")
    read, lang, lexicon, rules, hits_table, *per_batch, aggregate = statements(files)
    t0 = time.perf_counter()
    con.execute(read)
    timings["read_dedup"] = time.perf_counter() - t0

    t = time.perf_counter()
    con.execute(lang)
    todo = con.execute("""select p.post_sk, trim(coalesce(p.title, '') || ' ' || p.text)
                          from lang as l join posts as p using (post_sk) where l.lang is null""").fetchall()
    if todo:
        detected = language.lingua_languages([r[1] for r in todo])
        con.register("_lingua", pd.DataFrame({"post_sk": [r[0] for r in todo], "lang": detected}))
        con.execute("update lang set lang = y.lang from _lingua as y where y.post_sk = lang.post_sk")
        con.unregister("_lingua")
    timings["language"] = time.perf_counter() - t

    t = time.perf_counter()
    for stmt in (lexicon, rules, hits_table):
        con.execute(stmt)
    n_posts = con.execute("select count(*), max(post_sk) from posts").fetchall()[0]
    for lo in range(1, (n_posts[1] or 0) + 1, batch):
        for stmt in statements(files, lo, lo + batch - 1)[5:-1]:
            con.execute(stmt)
    timings["classify"] = time.perf_counter() - t

    t = time.perf_counter()
    frame = con.execute(aggregate).df()
    timings["aggregate"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0
    counts = {"posts": n_posts[0], "lingua": len(todo),
              "dutch": con.execute("select count(*) from lang where lang = 'nl'").fetchall()[0][0]}
    con.close()
    return AnchorResult(frame, timings, counts)
