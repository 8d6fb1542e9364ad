"""Weighting guard (spec §3), per wave: Σw = n, weights within the bounds, every raking margin
on its target, and a floor on the weighting efficiency.

The frame has one row per wave, computed here from the live respondents
(``staging.stg_survey__responses``, which dbt builds before the weights), ``weights.survey_weights``
and the population shares in ``ops.population_targets``. The raking targets are derived again
from the population shares with the weighting's own rule (``raking_targets``: normalised, gender
with the contract's category-3 rule), not read from the weighting step's bookkeeping; the
margins and the bounds are the weighting's (``orchestration/survey/weighting.py``), so the guard
checks exactly the design the weights were computed for.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from orchestration.survey.weighting import (
    BOUND_TOL, LOWER, MARGIN_TOL, MARGINS, RESPONDENTS_SQL, UPPER, raking_targets,
)


SUITE_NAME = "weighting"
TARGET_COLUMN = "wave"
TARGET_LABEL = "wave {}"
INDEX_COLUMNS = ["wave"]

SUM_TOL = 1e-9            # relative: |Σw / n − 1|
FAIL_BELOW_ENV = "VOICE_MONITOR_EFFICIENCY_FAIL_BELOW"
WARN_BELOW_ENV = "VOICE_MONITOR_EFFICIENCY_WARN_BELOW"
DEFAULT_FAIL_BELOW, DEFAULT_WARN_BELOW = 0.30, 0.50

WEIGHTS_SQL = "select cast(wave as integer) as wave, cast(respid as varchar) as respid, weight from weights.survey_weights"
TARGETS_SQL = "select cast(wave as integer) as wave, upper(variable) as variable, code, share from ops.population_targets"

FRAME_COLUMNS = ["wave", "n", "weight_rows", "weighted_respondents", "sum_w", "mean_w", "min_w", "max_w",
                 "efficiency", "max_margin_deviation", "worst_margin"]


def thresholds() -> tuple[float, float]:
    """(fail below, warn below) for the weighting efficiency, from the environment."""
    fail = float(os.environ.get(FAIL_BELOW_ENV) or DEFAULT_FAIL_BELOW)
    warn = float(os.environ.get(WARN_BELOW_ENV) or DEFAULT_WARN_BELOW)
    return fail, max(warn, fail)


def build_suite(fail_below: float | None = None, warn_below: float | None = None) -> "gx.ExpectationSuite":
    from expectations._gx import CRITICAL, WARNING, gx, gxe, named

    env_fail, env_warn = thresholds()
    fail_below = env_fail if fail_below is None else fail_below
    warn_below = env_warn if warn_below is None else warn_below
    suite = gx.ExpectationSuite(name=SUITE_NAME, meta={
        "notes": "Spec §3. One row per wave of the build; a failed critical expectation stops the run "
                 "before dbt and publish."})
    add = suite.add_expectation
    add(named(gxe.ExpectColumnPairValuesToBeEqual(
        column_A="weighted_respondents", column_B="n", ignore_row_if="neither",
        description="Every respondent of the wave has a weight (respondents with a weight = n)."),
        "every_respondent_weighted"))
    add(named(gxe.ExpectColumnPairValuesToBeEqual(
        column_A="weight_rows", column_B="n", ignore_row_if="neither",
        description="One weight per respondent: the wave has exactly n weights."),
        "one_weight_per_respondent"))
    add(named(gxe.ExpectColumnValuesToBeBetween(
        column="mean_w", min_value=1 - SUM_TOL, max_value=1 + SUM_TOL,
        description=f"Σw = n: the weights of a wave sum to its number of respondents (mean weight 1 ± {SUM_TOL:g})."),
        "sum_of_weights_equals_n", context=["sum_w", "n"]))
    add(named(gxe.ExpectColumnValuesToBeBetween(
        column="min_w", min_value=LOWER - BOUND_TOL,
        description=f"Every weight is at least {LOWER} (− {BOUND_TOL:g})."),
        "weights_at_least_lower_bound"))
    add(named(gxe.ExpectColumnValuesToBeBetween(
        column="max_w", max_value=UPPER + BOUND_TOL,
        description=f"Every weight is at most {UPPER} (+ {BOUND_TOL:g})."),
        "weights_at_most_upper_bound"))
    add(named(gxe.ExpectColumnValuesToBeBetween(
        column="max_margin_deviation", min_value=0, max_value=MARGIN_TOL,
        description=f"Every raking margin's weighted share equals its raking target within {MARGIN_TOL:g} "
                    "(gender category 3 at its unweighted share, Man/Vrouw scaled by 1 − s3)."),
        "margins_on_target", context=["worst_margin"]))
    add(named(gxe.ExpectColumnValuesToBeBetween(
        column="efficiency", min_value=fail_below, severity=CRITICAL,
        description=f"Weighting efficiency n_eff / n is at least {fail_below:.2f} (below it the run fails; "
                    f"{FAIL_BELOW_ENV})."),
        "efficiency_above_floor", context=["n", "min_w", "max_w"]))
    add(named(gxe.ExpectColumnValuesToBeBetween(
        column="efficiency", min_value=warn_below, severity=WARNING,
        description=f"Weighting efficiency n_eff / n is at least {warn_below:.2f} (below it: a warning; "
                    f"{WARN_BELOW_ENV})."),
        "efficiency_above_warning_level", context=["n", "min_w", "max_w"]))
    return suite


def _wave_row(wave: int, resp: pd.DataFrame, wts: pd.DataFrame, targets: pd.DataFrame) -> dict:
    n = len(resp)
    merged = resp.merge(wts[["respid", "weight"]], on="respid", how="left")
    has_w = merged["weight"].notna()
    w = merged.loc[has_w, "weight"].to_numpy(dtype=float)
    row = {"wave": int(wave), "n": n, "weight_rows": len(wts),
           "weighted_respondents": int(merged.loc[has_w, "respid"].nunique()),
           "sum_w": float(w.sum()) if w.size else np.nan}
    row["mean_w"] = row["sum_w"] / n if n and w.size else np.nan
    row["min_w"] = float(w.min()) if w.size else np.nan
    row["max_w"] = float(w.max()) if w.size else np.nan
    sum_w2 = float(np.dot(w, w)) if w.size else 0.0
    row["efficiency"] = row["sum_w"] ** 2 / (n * sum_w2) if n and sum_w2 > 0 else np.nan
    worst, worst_label = np.nan, None
    if w.size:
        scored = merged.loc[has_w]
        total = w.sum()
        for variable in MARGINS:
            codes = resp[variable].to_numpy()
            spec = targets.loc[targets["variable"] == variable]
            shares = {int(c): float(v) for c, v in zip(spec["code"], spec["share"]) if pd.notna(v)}
            target = raking_targets(variable, shares, codes)
            achieved = (scored.groupby(variable)["weight"].sum() / total).to_dict()
            for code in sorted(set(target) | {int(c) for c in achieved}):
                dev = abs(float(achieved.get(code, 0.0)) - target.get(code, 0.0))
                if np.isnan(worst) or dev > worst:
                    worst, worst_label = dev, (f"{variable} {code}: weighted share {achieved.get(code, 0.0):.12f}, "
                                               f"target {target.get(code, 0.0):.12f}")
    row["max_margin_deviation"] = worst
    row["worst_margin"] = worst_label
    return row


def build_frame(respondents: pd.DataFrame, weights: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """One row per wave. ``respondents``: wave, respid and the four margin codes (age as
    LEEFTIJD_BAND); ``weights``: wave, respid, weight; ``targets``: wave, variable, code, share."""
    waves = sorted(set(respondents["wave"].astype(int)) | set(weights["wave"].astype(int)))
    rows = []
    for wave in waves:
        rows.append(_wave_row(wave, respondents.loc[respondents["wave"] == wave],
                              weights.loc[weights["wave"] == wave],
                              targets.loc[targets["wave"] == wave]))
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    return frame.astype({"wave": "int64", "n": "int64", "weight_rows": "int64", "weighted_respondents": "int64"})


def load_frame(con) -> pd.DataFrame:
    return build_frame(con.execute(RESPONDENTS_SQL).df(), con.execute(WEIGHTS_SQL).df(),
                       con.execute(TARGETS_SQL).df())
