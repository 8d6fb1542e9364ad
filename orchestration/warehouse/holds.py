"""Loss needs consent: a re-delivery that would withdraw too much published data is held.

Before a build, every pending delivery that replaces a current one is measured against what is
published:

* survey: the wave's n, current delivery against the new one; a change of more than
  ``VOICE_MONITOR_HOLD_WAVE_N_CHANGE_PCT`` % (default 10) is held (a 500-row CSV replacing a
  1,016-row .sav, say);
* social: the published posts (``marts.fct_social_posts`` of the published database) that no
  live line would carry any more once this file replaces its earlier version, per month; more
  than ``VOICE_MONITOR_HOLD_WITHDRAWN_POSTS_PCT`` % (default 5) of a month's published posts is
  held. New files never withdraw anything and are never held.

A held delivery keeps its rows but no build uses it (``state.hold``); the published database is
not touched for it; every run names it and exits 2 until the operator decides:
``voice-monitor run --accept FILE`` (it goes in, the change guard lets its months or wave
through: ``ops.consents``) or ``--drop FILE``. Other files of the same run go through. The
limits are the change guard's (expectations/publish_change.py), which checks the built result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from expectations.publish_change import limits
from orchestration.paths import Home
from orchestration.warehouse import state

PREVIOUS = "previous_publish"


@dataclass(frozen=True)
class Withdrawal:
    partition: str       # month YYYY-MM, or the wave
    before: int          # published before
    withdrawn: int       # no longer carried by any live delivery

    @property
    def after(self) -> int:
        return self.before - self.withdrawn

    @property
    def pct(self) -> float:
        return 100.0 * self.withdrawn / self.before if self.before else 0.0


def _published_posts(con, home: Home) -> str | None:
    """The published posts to measure against: the published database's (attached read-only),
    else the build database's own fact table; None when nothing was published."""
    if home.published_db.exists():
        try:
            con.execute(f"attach '{home.published_db.as_posix().replace(chr(39), chr(39) * 2)}' as {PREVIOUS} "
                        "(read_only)")
            con.execute(f"select 1 from {PREVIOUS}.marts.fct_social_posts limit 0").fetchall()
            return f"{PREVIOUS}.marts.fct_social_posts"
        except duckdb.Error:
            _detach(con)
    try:
        con.execute("select 1 from marts.fct_social_posts limit 0").fetchall()
        return "marts.fct_social_posts"
    except duckdb.Error:
        return None


def _detach(con) -> None:
    try:
        con.execute(f"detach {PREVIOUS}")
    except duckdb.Error:
        pass


def _line_keys(home: Home) -> str:
    """The raw social lines to measure with: the build database's, and the Spark engine's
    Parquet folders when there are any (a delivery loaded by the Spark engine has its rows only
    there; one loaded by both engines has the same rows in both, which ``distinct`` absorbs)."""
    from pathlib import Path

    from orchestration.settings import spark_raw_posts_dir

    keys = "select _delivery_key, _content_hash, platform, post_id from raw.social_posts"
    folder = spark_raw_posts_dir(home)
    if "://" not in folder and any(Path(folder).glob("*/*.parquet")):
        keys += (" union all select _delivery_key, _content_hash, platform, post_id from "
                 f"read_parquet('{folder.replace(chr(39), chr(39) * 2)}/*/*.parquet')")
    return f"({keys})"


def social_withdrawals(con, home: Home, key: str, replacement: str | None) -> list[Withdrawal]:
    """Per month, published posts that would be withdrawn if the social delivery ``key`` were
    replaced by the content ``replacement`` (None: dropped). Other files count as they stand
    (current; new files pending with them), so a file is measured on its own change."""
    source = _published_posts(con, home)
    if source is None:
        return []
    try:
        rows = con.execute(f"""
            with after as (
                select distinct r.platform, r.post_id
                from {_line_keys(home)} r
                join ops.deliveries d
                  on d.kind = 'social' and d.key = r._delivery_key and d.content_hash = r._content_hash
                where (d.key = $key and d.role = 'pending' and d.content_hash = $replacement)
                   or (d.key <> $key and d.role = 'current')
                   or (d.key <> $key and d.role = 'pending' and not exists (
                           select 1 from ops.deliveries c
                           where c.kind = 'social' and c.key = d.key and c.role = 'current'))
            )
            select strftime(p.month, '%Y-%m') as month, count(*) as published,
                   count(*) filter (where a.post_id is null) as withdrawn
            from {source} p
            left join after a on a.platform = p.platform and a.post_id = p.post_id
            group by 1 having count(*) filter (where a.post_id is null) > 0 order by 1""",
            {"key": key, "replacement": replacement}).fetchall()
    finally:
        if source.startswith(PREVIOUS):
            _detach(con)
    return [Withdrawal(m, int(p), int(w)) for m, p, w in rows]


def survey_change(con, delivery: state.Delivery) -> Withdrawal | None:
    """(n of the current delivery of the wave, n of this one); None for a new wave."""
    current = state.current_delivery(con, "survey", delivery.key)
    if current is None:
        return None
    counts = dict(con.execute(
        """select _content_hash, count(*) from raw.survey_responses
           where _delivery_key = ? and _content_hash in (?, ?) group by 1""",
        [delivery.key, current.content_hash, delivery.content_hash]).fetchall())
    before, after = counts.get(current.content_hash, 0), counts.get(delivery.content_hash, 0)
    return Withdrawal(delivery.key, before, before - after)


def consented(con, delivery: state.Delivery) -> bool:
    return state.first_row(con.execute(
        "select count(*) from ops.consents where kind = ? and key = ? and content_hash = ? and action = 'accept'",
        [delivery.kind, delivery.key, delivery.content_hash]))[0] > 0


def _decide(con, home: Home, delivery: state.Delivery, lim: dict[str, float]) -> tuple[str, list] | None:
    """(message, details) when the delivery must be held."""
    how = (f"The published database is unchanged. Accept it with `voice-monitor run --accept {delivery.path}`, "
           f"or withdraw it with `voice-monitor run --drop {delivery.path}`.")
    if delivery.kind == "survey":
        change = survey_change(con, delivery)
        if change is None or change.before == 0 or abs(change.pct) <= lim["survey"]:
            return None
        pct = -change.pct
        return (f"Held: {delivery.path} would change wave {delivery.key} from n = {change.before:,} to "
                f"n = {change.after:,} ({pct:+.1f} %; a change of more than {lim['survey']:g} % needs your "
                f"consent). {how}", [{"partition": delivery.key, "before": change.before, "after": change.after}])
    if state.current_delivery(con, "social", delivery.key) is None:
        return None                                   # a new file withdraws nothing
    over = [w for w in social_withdrawals(con, home, delivery.key, delivery.content_hash) if w.pct > lim["social"]]
    if not over:
        return None
    months = "; ".join(f"{w.withdrawn:,} of the {w.before:,} published posts of {w.partition} ({w.pct:.1f} %): "
                       f"{w.before:,} before, {w.after:,} after" for w in over)
    return (f"Held: {delivery.path} would withdraw {months} (withdrawing more than {lim['social']:g} % of a "
            f"month's published posts needs your consent). {how}",
            [{"partition": w.partition, "before": w.before, "after": w.after} for w in over])


def apply(con, home: Home) -> list[state.Delivery]:
    """Hold every pending re-delivery over the limits (see module doc); returns the held ones."""
    lim = limits()
    held = []
    for delivery in state.pending_deliveries(con):
        if consented(con, delivery):
            continue
        decision = _decide(con, home, delivery, lim)
        if decision is not None:
            message, details = decision
            state.hold(con, delivery, message, json.dumps(details))
            held.append(delivery)
    return held


def waiting(con) -> list[dict]:
    """Every held delivery with its reason, for the run summary."""
    return [{"path": p, "kind": k, "partition": part, "status": "held", "message": m, "rows": 0}
            for k, part, p, m in con.execute(
                'select kind, "partition", path, message from ops.holds order by held_at, path').fetchall()]


def message_of(con, delivery: state.Delivery) -> str:
    row = state.first_row(con.execute("select message from ops.holds where kind = ? and key = ?",
                                      [delivery.kind, delivery.key]))
    return row[0] if row else ""


def consent(con, delivery: state.Delivery, action: str, partitions: list[str]) -> None:
    """The operator agreed to this change of published data (until the next publish)."""
    con.execute("insert into ops.consents values (?, ?, ?, ?, ?, ?, ?)",
                [delivery.kind, delivery.key, delivery.path, delivery.content_hash, action,
                 json.dumps(sorted(set(partitions))), state.now()])


def held_partitions(con, delivery: state.Delivery) -> list[str]:
    row = state.first_row(con.execute("select details from ops.holds where kind = ? and key = ?",
                                      [delivery.kind, delivery.key]))
    return [d["partition"] for d in json.loads(row[0] or "[]")] if row else []
