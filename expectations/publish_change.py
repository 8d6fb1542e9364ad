"""Change guard: loss of published data needs the operator's consent (issue 17, item 2).

Compared with the previous publish (``ops.published_totals``, recorded by every publish):

* a survey wave's n may change by at most ``VOICE_MONITOR_HOLD_WAVE_N_CHANGE_PCT`` % (default 10);
* a month's published social posts (``marts.fct_social_posts``, by ``month``) may drop by at most
  ``VOICE_MONITOR_HOLD_WITHDRAWN_POSTS_PCT`` % (default 5);

unless the operator consented since that publish (``voice-monitor run --accept FILE`` or
``--drop FILE``, ``ops.consents``). The re-deliveries that would break these limits are held
before the build (orchestration.warehouse.holds, same limits, this module's ``limits``); this
suite checks the built result, so any other way of losing published data (a code change, say)
stops the publish too, and the rule is visible in the Data Docs.

The frame has one row per survey wave and social month published before or now: ``before``,
``after``, the change in percent, and whether the operator consented for it.
"""

from __future__ import annotations

import json
import os

import pandas as pd

SUITE_NAME = "publish_change"
TARGET_COLUMN = "kind"
TARGET_LABEL = "{} totals"
INDEX_COLUMNS = ["kind", "partition"]
FRAME_COLUMNS = ["kind", "partition", "before", "after", "change_pct", "abs_change_pct", "decrease_pct",
                 "consented", "survey_checked", "social_checked"]

SURVEY_LIMIT_ENV = "VOICE_MONITOR_HOLD_WAVE_N_CHANGE_PCT"
SOCIAL_LIMIT_ENV = "VOICE_MONITOR_HOLD_WITHDRAWN_POSTS_PCT"
DEFAULT_SURVEY_LIMIT, DEFAULT_SOCIAL_LIMIT = 10.0, 5.0

# what "published totals" are: n per wave, published posts per month (as text partitions)
TOTALS_SQL = {
    "survey": "select cast(wave as varchar) as \"partition\", cast(n as bigint) as total from ops.survey_weighting",
    "social": "select strftime(month, '%Y-%m') as \"partition\", count(*) as total "
              "from marts.fct_social_posts group by 1",
}


def limits() -> dict[str, float]:
    """kind -> the largest change in percent that goes through without consent."""
    from orchestration.errors import UserError

    out = {}
    for kind, env, default in (("survey", SURVEY_LIMIT_ENV, DEFAULT_SURVEY_LIMIT),
                               ("social", SOCIAL_LIMIT_ENV, DEFAULT_SOCIAL_LIMIT)):
        value = os.environ.get(env, "").strip()
        try:
            out[kind] = float(value) if value else default
        except ValueError:
            raise UserError(f"{env}={value!r} is not a percentage (e.g. {default:g}).") from None
        if out[kind] < 0:
            raise UserError(f"{env}={value!r}: a percentage cannot be negative.")
    return out


def build_suite() -> "gx.ExpectationSuite":
    from expectations._gx import gx, gxe, named, only_where

    lim = limits()
    suite = gx.ExpectationSuite(name=SUITE_NAME, meta={
        "notes": "Issue 17 item 2: published totals against the previous publish. Deliveries that would "
                 "break these limits are held until `voice-monitor run --accept FILE`."})
    rules = (
        ("survey", "abs_change_pct", "wave_n_change_within_limit",
         f"A survey wave's n changes by at most {lim['survey']:g} % against the previous publish", SURVEY_LIMIT_ENV),
        ("social", "decrease_pct", "month_posts_decrease_within_limit",
         f"A month loses at most {lim['social']:g} % of its published social posts against the previous publish",
         SOCIAL_LIMIT_ENV),
    )
    for kind, column, name, rule, env in rules:
        suite.add_expectation(named(gxe.ExpectColumnValuesToBeBetween(
            column=column, max_value=lim[kind], row_condition=only_where(f"{kind}_checked"),
            description=f"{rule}, unless the operator accepted the delivery (voice-monitor run --accept FILE) "
                        f"or dropped it ({env})."),
            name, applies_to=f"{kind}_checked", context=["before", "after"]))
    return suite


def build_frame(before: pd.DataFrame, after: pd.DataFrame, consented: set[tuple[str, str]]) -> pd.DataFrame:
    """``before``/``after``: kind, partition, total; ``consented``: (kind, partition) pairs."""
    merged = before.rename(columns={"total": "before"}).merge(
        after.rename(columns={"total": "after"}), on=["kind", "partition"], how="outer")
    if merged.empty:
        return pd.DataFrame(columns=FRAME_COLUMNS)
    b = merged["before"].astype(float)
    a = merged["after"].astype(float).fillna(0.0)
    merged["after"] = a
    change = (a - b) / b.where(b > 0) * 100
    merged["change_pct"] = change
    merged["abs_change_pct"] = change.abs()
    merged["decrease_pct"] = (-change).clip(lower=0)
    merged["consented"] = [(k, p) in consented for k, p in zip(merged["kind"], merged["partition"])]
    checked = b.notna() & (b > 0) & ~merged["consented"]
    merged["survey_checked"] = checked & (merged["kind"] == "survey")
    merged["social_checked"] = checked & (merged["kind"] == "social")
    return merged[FRAME_COLUMNS].sort_values(["kind", "partition"]).reset_index(drop=True)


def totals(con, kinds=("survey", "social")) -> pd.DataFrame:
    """The published totals as the build database holds them now: kind, partition, total."""
    import duckdb

    frames = []
    for kind in kinds:
        try:
            frame = con.execute(TOTALS_SQL[kind]).df()
        except duckdb.CatalogException:          # not built yet
            continue
        frame.insert(0, "kind", kind)
        frames.append(frame)
    if not frames:
        return pd.DataFrame({"kind": pd.Series(dtype=str), "partition": pd.Series(dtype=str),
                             "total": pd.Series(dtype="int64")})
    return pd.concat(frames, ignore_index=True)


def record_totals(con) -> None:
    """At publish: these totals are the baseline of the next change check; consents given for
    this publish are used up."""
    now = totals(con)
    con.execute("begin")
    try:
        con.execute("delete from ops.published_totals")
        con.register("_published_totals", now)
        con.execute('insert into ops.published_totals select kind, "partition", total from _published_totals')
        con.unregister("_published_totals")
        con.execute("delete from ops.consents")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def consented_partitions(con) -> set[tuple[str, str]]:
    out = set()
    for kind, partitions in con.execute("select kind, partitions from ops.consents").fetchall():
        out |= {(kind, str(p)) for p in json.loads(partitions)}
    return out


def load_frame(con, kinds=("survey", "social")) -> pd.DataFrame:
    before = con.execute('select kind, "partition", total from ops.published_totals').df()
    before = before[before["kind"].isin(kinds)]
    return build_frame(before, totals(con, kinds), consented_partitions(con))
