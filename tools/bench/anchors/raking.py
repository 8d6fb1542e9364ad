"""Raking of every wave in the files: the project's numpy raking against weightipy.

Both get the same codes (read once, not timed) and rake to the same population targets:
the project with the contract's cycles (rake, normalise, clip to [0.2, 5], repeat), weightipy
(RIM) to full convergence, as the tests use it as the independent reference.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.survey.weighting import MARGINS, gender_targets, load_targets, rake


def read_codes(files: list[Path]) -> dict[int, dict[str, np.ndarray]]:
    import duckdb

    from tools.bench.anchors.survey_channel import files_view

    con = duckdb.connect()
    files_view(con, files)
    frame = con.execute("select wave, g, a, r, e from files").df()
    con.close()
    out = {}
    for wave, group in frame.groupby("wave", sort=True):
        out[int(wave)] = {name: group[col].to_numpy(np.int64) for name, col in zip(MARGINS, "gare")}
    return out


def _weightipy(codes: dict[str, np.ndarray], targets: dict[str, dict[int, float]]) -> np.ndarray:
    import weightipy as wp

    frame = pd.DataFrame(codes)
    gender = gender_targets(targets["GESLACHT"], codes["GESLACHT"])
    scheme = {name: {int(c): 100.0 * s / sum(t.values()) for c, s in t.items()}
              for name, t in {**targets, "GESLACHT": gender}.items() if name in MARGINS}
    rim = wp.scheme_from_dict(scheme, rim_params={"convcrit": 0.0, "max_iterations": 20000})
    weights = wp.weight(frame, rim).to_numpy(dtype=float)
    return weights * len(weights) / weights.sum()


def run(engine: str, files: list[Path]) -> dict[str, float]:
    t0 = time.perf_counter()
    waves = read_codes(files)
    targets = load_targets()
    timings = {"read": time.perf_counter() - t0}
    total = 0.0
    for wave, codes in waves.items():
        t = time.perf_counter()
        if engine == "project":
            weights = rake(wave, codes, targets.for_wave(wave)).weights
        elif engine == "weightipy":
            weights = _weightipy(codes, targets.for_wave(wave))
        else:
            raise ValueError(f"unknown raking engine {engine!r}")
        seconds = time.perf_counter() - t
        assert abs(weights.mean() - 1) < 1e-9
        timings[f"wave_{wave}"] = seconds
        total += seconds
    timings["rake"] = total
    return timings
