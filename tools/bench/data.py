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
SCALE_INCREMENT_SEED = 2027         # the monthly export that arrives after the history (other post ids)
SCALE_INCREMENT_NAME = "posts_2026-02.jsonl"
REEXPORT_SHARE = 0.02               # of the new export's lines: later versions of posts of the history


def _done(folder: Path, spec: dict) -> bool:
    marker = folder / ".bench.json"
    return marker.exists() and json.loads(marker.read_text()) == spec


def _mark(folder: Path, spec: dict) -> None:
    (folder / ".bench.json").write_text(json.dumps(spec))


def survey_files(root: Path, respondents: int) -> list[Path]:
    """``respondents`` per wave × 4 waves (Parquet above 100k per wave), via write_survey_sample."""
    from tools.sample.survey_files import write_survey_sample

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
    from tools.sample.social import write_benchmark_export

    folder = root / f"social_{posts}"
    spec = {"kind": "social", "posts": posts, "seed": SOCIAL_SEED}
    target = folder / "posts_2025-01.jsonl"
    if not _done(folder, spec) or not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_benchmark_export(target, n_posts=posts, seed=SOCIAL_SEED)
        _mark(folder, spec)
    return [target]


def scale_increment_file(root: Path, posts: int, history: Path) -> Path:
    """A new monthly export of ``posts`` new posts (write_benchmark_export with other ids), plus
    re-exports of posts of the ``history`` export (its first valid lines, ``REEXPORT_SHARE`` of
    ``posts``) with a later collected_at and an edited text: they supersede the versions loaded
    before, in an earlier month's file."""
    import json

    from tools.sample.social import write_benchmark_export

    folder = root / f"social_increment_{posts}"
    n_reexports = int(posts * REEXPORT_SHARE)
    spec = {"kind": "social_increment", "posts": posts, "seed": SCALE_INCREMENT_SEED,
            "history": history.name, "history_bytes": history.stat().st_size, "reexports": n_reexports}
    target = folder / SCALE_INCREMENT_NAME
    if not _done(folder, spec) or not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write_benchmark_export(target, n_posts=posts, seed=SCALE_INCREMENT_SEED)
        lines = []
        with open(history, encoding="utf-8") as fh:
            for raw in fh:
                try:
                    post = json.loads(raw)
                except ValueError:
                    continue
                if not isinstance(post, dict) or not isinstance(post.get("text"), str):
                    continue
                post["collected_at"] = "2026-03-01T06:00:00+01:00"
                post["text"] += " Update: nog steeds geen reactie."
                lines.append(json.dumps(post, ensure_ascii=False))
                if len(lines) >= n_reexports:
                    break
        with open(target, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        _mark(folder, spec)
    return target


def increment_file(root: Path) -> Path:
    """A new monthly export (about one demo month of posts) for the incremental scenario."""
    from tools.sample.social import write_benchmark_export

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


IMMUTABLE_FOLDERS = ("landing", "archive")     # delivered files: written once, never changed in place


def copy_home(source: Path, target: Path) -> Path:
    """A copy of a home at ``target``: the databases are written in place, so they are copied; the
    delivered files (landing zone, archive) are hard-linked, which keeps a 10M-post history copy
    from costing twice its 4.5 GB export again (a run only adds, renames or removes such files)."""
    if target.exists():
        shutil.rmtree(target)
    source = Path(source)
    immutable = tuple(str(source / name) + os.sep for name in IMMUTABLE_FOLDERS)

    def copy(src: str, dst: str) -> str:
        # archive blobs are read-only, and the manifest is replaced (os.replace), never rewritten
        if src.startswith(immutable):
            try:
                os.link(src, dst)
                return dst
            except OSError:
                pass
        return shutil.copy2(src, dst)

    shutil.copytree(source, target, symlinks=True, copy_function=copy)
    return target


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
