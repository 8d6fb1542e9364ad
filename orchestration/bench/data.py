"""Benchmark inputs, made with the project's own sample generators and kept between runs
(generation is deterministic: same sizes, same bytes)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

SURVEY_WAVES = (2023, 2024, 2025, 2026)
SOCIAL_SEED = 7
INCREMENT_SEED = 2026
INCREMENT_POSTS = 250          # about one month of the demo's social exports
INCREMENT_NAME = "posts_2026-01.jsonl"


def _done(folder: Path, spec: dict) -> bool:
    marker = folder / ".bench.json"
    return marker.exists() and json.loads(marker.read_text()) == spec


def _mark(folder: Path, spec: dict) -> None:
    (folder / ".bench.json").write_text(json.dumps(spec))


def survey_files(root: Path, respondents: int) -> list[Path]:
    """``respondents`` per wave × 4 waves (Parquet above 100k per wave), via write_survey_sample."""
    from orchestration.survey.sample import write_survey_sample

    folder = root / f"survey_{respondents}"
    spec = {"kind": "survey", "respondents": respondents, "waves": list(SURVEY_WAVES)}
    if not _done(folder, spec):
        folder.mkdir(parents=True, exist_ok=True)
        write_survey_sample(folder, n_per_wave={w: respondents for w in SURVEY_WAVES})
        _mark(folder, spec)
    return sorted(p for p in folder.iterdir() if p.name.startswith("voice_monitor_"))


def social_files(root: Path, posts: int) -> list[Path]:
    """One export of ``posts`` unique Dutch posts (+ ~2% re-exported versions, ~1% foreign posts,
    a malformed line per 200k), via write_benchmark_export."""
    from orchestration.social.sample import write_benchmark_export

    folder = root / f"social_{posts}"
    spec = {"kind": "social", "posts": posts, "seed": SOCIAL_SEED}
    target = folder / "posts_2025-01.jsonl"
    if not _done(folder, spec) or not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_benchmark_export(target, n_posts=posts, seed=SOCIAL_SEED)
        _mark(folder, spec)
    return [target]


def increment_file(root: Path) -> Path:
    """A new monthly export (about one demo month of posts) for the incremental scenario."""
    from orchestration.social.sample import write_benchmark_export

    folder = root / "increment"
    spec = {"kind": "increment", "posts": INCREMENT_POSTS, "seed": INCREMENT_SEED}
    target = folder / INCREMENT_NAME
    if not _done(folder, spec) or not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_benchmark_export(target, n_posts=INCREMENT_POSTS, seed=INCREMENT_SEED)
        _mark(folder, spec)
    return target


def link_into(files: list[Path], folder: Path) -> None:
    """Put ``files`` into a landing folder without copying gigabytes (hard link, else copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        dest = folder / f.name
        if dest.exists():
            dest.unlink()
        try:
            os.link(f, dest)
        except OSError:
            shutil.copy2(f, dest)


def fresh_home(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def published_with_posts(source: Path, target: Path, posts: int) -> Path:
    """A published database like ``source`` (the demo's) with ``posts`` rows in
    marts.fct_social_posts: the demo's posts repeated under new keys (post_id suffixed by the
    copy number), so texts, themes and timestamps are real ones. What the BI sync of a publish
    at that scale copies, without running the social pipeline at that scale."""
    import duckdb

    spec = {"kind": "published", "posts": posts, "source_bytes": source.stat().st_size}
    marker = target.with_name(target.name + ".bench.json")
    if target.exists() and marker.exists() and json.loads(marker.read_text()) == spec:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    shutil.copy2(source, tmp)
    con = duckdb.connect(str(tmp))
    try:
        demo = con.execute("select count(*) from marts.fct_social_posts").fetchone()[0]
        columns = con.execute(
            """select column_name, comment from duckdb_columns() where schema_name = 'marts'
               and table_name = 'fct_social_posts' order by column_index""").fetchall()
        select = ", ".join("post_id || '-' || copy as post_id" if c == "post_id" else f'"{c}"' for c, _ in columns)
        comment = con.execute("select comment from duckdb_tables() where schema_name = 'marts' "
                              "and table_name = 'fct_social_posts'").fetchone()[0]
        con.execute(f"""create table marts.fct_social_posts_grown as
                        select {select} from marts.fct_social_posts, range({-(-posts // demo)}) as copies(copy)
                        order by copy, platform, post_id limit {posts}""")
        con.execute("drop table marts.fct_social_posts")
        con.execute("alter table marts.fct_social_posts_grown rename to fct_social_posts")
        quote = lambda text: "'" + (text or "").replace("'", "''") + "'"        # noqa: E731
        con.execute(f"comment on table marts.fct_social_posts is {quote(comment)}")
        for column, text in columns:
            con.execute(f'comment on column marts.fct_social_posts."{column}" is {quote(text)}')
        con.execute("update audit.publish_info set published_at = now()")
        con.execute("checkpoint")
    finally:
        con.close()
    tmp.replace(target)
    marker.write_text(json.dumps(spec))
    return target
