"""Anchor: the channel-preference mart from the raw wave files with DuckDB and numpy only.

1. One grouped scan of the files: respondents per wave × raking cell (gender, age band,
   region, education). Raking weights are a function of the cell, so raking runs on a few
   hundred cells with frequency weights instead of a million rows — same algorithm as the
   contract (rake to convergence, normalise to mean 1, clip to [0.2, 5], repeat).
2. One scan of the files joined to the cell weights, unpivoted over Q1_1..Q1_5 and Q2_R1 and
   aggregated (``survey_channel.sql``): shares, Wilson interval, z-test against the previous wave.

No dbt, no Dagster, no staging: the floor for computing this mart on this stack.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd

from tools.bench.anchors import AnchorResult, connect
from orchestration.survey.weighting import (BOUND_TOL, INNER_TOL, LOWER, MARGIN_TOL, MARGINS, MAX_CYCLES,
                                            MAX_SWEEPS_PER_CYCLE, UPPER, load_targets)

SQL = Path(__file__).with_name("survey_channel.sql")
WILSON_Z = 1.959963984540054
SIGNIFICANCE_Z = 1.959964
CELL_COLUMNS = ("g", "a", "r", "e")     # GESLACHT, LEEFTIJD_BAND, REGIO, OPLEIDING (MARGINS order)


_WAVE = re.compile(r"voice_monitor_(\d{4})", re.IGNORECASE)
_COLUMNS = ("geslacht", "leeftijd", "regio", "opleiding", "q1_1", "q1_2", "q1_3", "q1_4", "q1_5", "q2_r1")


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def files_view(con, files: list[Path]) -> None:
    """The view ``files``: wave (from the file name), raking cell and the channel questions of
    every respondent, read by DuckDB's own readers (SPSS .sav through pyreadstat)."""
    parts = []
    for i, f in enumerate(files):
        m = _WAVE.search(f.name)
        if not m:
            raise ValueError(f"{f.name}: not a wave file name")
        ext = f.suffix.lower()
        if ext == ".parquet":
            source = f"read_parquet({_quote(f)})"
        elif ext == ".csv":
            source = f"read_csv({_quote(f)}, header = true)"
        elif ext == ".sav":
            import pyreadstat

            frame, _ = pyreadstat.read_sav(str(f), usecols=None, user_missing=True)
            frame.columns = [c.lower() for c in frame.columns]
            con.register(f"_sav_{i}", frame[list(_COLUMNS)])
            source = f"_sav_{i}"
        else:
            raise ValueError(f"{f.name}: the anchor reads .parquet, .csv and .sav")
        parts.append(f"""
        select {int(m.group(1))} as wave,
               cast(geslacht as integer) as g,
               case when cast(leeftijd as integer) <= 34 then 1 when cast(leeftijd as integer) <= 54 then 2 else 3 end as a,
               cast(regio as integer) as r, cast(opleiding as integer) as e,
               cast(q1_1 as integer) as q1_1, cast(q1_2 as integer) as q1_2, cast(q1_3 as integer) as q1_3,
               cast(q1_4 as integer) as q1_4, cast(q1_5 as integer) as q1_5, cast(q2_r1 as integer) as q2_r1
        from {source}""")
    con.execute("create or replace temp view files as " + " union all ".join(parts))


def rake_cells(counts: np.ndarray, codes: dict[str, np.ndarray], targets: dict[str, dict[int, float]]) -> np.ndarray:
    """Raking weight per cell (cells weighted by their respondent counts), the contract's cycles."""
    n = counts.sum()
    margins = []
    for name in MARGINS:
        values = codes[name]
        t = dict(targets[name])
        if name == "GESLACHT" and 3 not in t:       # the contract's rule for category 3
            s3 = counts[values == 3].sum() / n
            t12 = t.get(1, 0.0) + t.get(2, 0.0)
            t = {1: t.get(1, 0.0) / t12 * (1 - s3), 2: t.get(2, 0.0) / t12 * (1 - s3), 3: s3}
        cats = np.array(sorted(t))
        target = np.array([t[c] for c in cats]) / sum(t.values())
        margins.append((np.searchsorted(cats, values), target))

    def deviation(w):
        fw = counts * w
        total = fw.sum()
        return max(np.abs(np.bincount(i, weights=fw, minlength=t.size) / total - t).max() for i, t in margins)

    w = np.ones(len(counts))
    for _cycle in range(MAX_CYCLES):
        best = deviation(w)
        sweeps = 0
        while best > INNER_TOL and sweeps < MAX_SWEEPS_PER_CYCLE:
            for index, target in margins:
                totals = np.bincount(index, weights=counts * w, minlength=target.size)
                with np.errstate(divide="ignore", invalid="ignore"):
                    factor = np.where(totals > 0, target * (counts * w).sum() / totals, 0.0)
                w = w * factor[index]
            sweeps += 1
            dev = deviation(w)
            if dev >= best:
                break
            best = dev
        w = w * (n / (counts * w).sum())
        w = np.clip(w, LOWER, UPPER)
        if deviation(w) <= MARGIN_TOL and w.min() >= LOWER - BOUND_TOL and w.max() <= UPPER + BOUND_TOL:
            return w
    raise RuntimeError("raking did not converge")


def cell_weights(con, targets_path: Path | None = None) -> pd.DataFrame:
    cells = con.execute("select wave, g, a, r, e, count(*) as n from files group by all order by all").df()
    targets = load_targets(targets_path)
    parts = []
    for wave, group in cells.groupby("wave", sort=True):
        codes = {name: group[col].to_numpy(np.int64) for name, col in zip(MARGINS, CELL_COLUMNS)}
        w = rake_cells(group["n"].to_numpy(float), codes, targets.for_wave(int(wave)))
        parts.append(group.assign(weight=w))
    return pd.concat(parts, ignore_index=True)


def run(files: list[Path], threads: int = 0, memory_limit: str = "") -> AnchorResult:
    timings: dict[str, float] = {}
    con = connect(threads, memory_limit)
    t0 = time.perf_counter()
    files_view(con, files)
    weights = cell_weights(con)
    timings["read_and_rake"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    con.register("_cell_weights", weights)
    con.execute("create temp table cell_weights as select * from _cell_weights")
    frame = con.execute(SQL.read_text(encoding="utf-8"),
                        {"z": WILSON_Z, "zsig": SIGNIFICANCE_Z}).df()
    timings["mart"] = time.perf_counter() - t1
    timings["total"] = time.perf_counter() - t0
    con.close()
    return AnchorResult(frame, timings, {"cells": len(weights)})
