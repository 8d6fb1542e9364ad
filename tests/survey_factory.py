"""Small, valid survey waves for tests, written independently of the sample generator.

Answers are plain random draws within the codebook's rules (no calibration), so tests
exercise the contract rather than the sample's shape. ``write_wave`` writes any of the
three delivery formats.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from orchestration import codebook as cb


def make_wave(wave: int, n: int = 300, seed: int = 0, skew: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed + wave)
    cols: dict[str, np.ndarray] = {}
    cols["RESPID"] = np.arange(1, n + 1) + wave * 100000
    cols["STARTDATE"] = np.array([f"{wave - 1}-12-{d:02d}" for d in rng.integers(1, 29, n)], dtype=object)
    cols["GESLACHT"] = rng.choice([1, 2, 3], n, p=[0.49, 0.49, 0.02]).astype(float)
    if skew:  # an online panel: too few young and low-educated respondents
        cols["LEEFTIJD"] = np.where(rng.random(n) < 0.17, rng.integers(18, 35, n),
                                    np.where(rng.random(n) < 0.4, rng.integers(35, 55, n), rng.integers(55, 90, n)))
        cols["OPLEIDING"] = rng.choice([1, 2, 3], n, p=[0.2, 0.37, 0.43]).astype(float)
    else:
        cols["LEEFTIJD"] = rng.integers(18, 90, n)
        cols["OPLEIDING"] = rng.choice([1, 2, 3], n).astype(float)
    cols["LEEFTIJD"] = cols["LEEFTIJD"].astype(float)
    cols["REGIO"] = rng.choice([1, 2, 3, 4], n, p=[0.11, 0.22, 0.22, 0.45]).astype(float)
    cols["GEWICHT"] = np.round(rng.uniform(0.5, 2.0, n), 4)
    variables = cb.variables_for_wave(wave)
    for var in variables:
        if var.name in cols or var.name in ("OPEN",) or not var.is_coded:
            continue
        if var.block == "background":
            continue
        allowed = np.array(var.allowed, dtype=float)
        values = rng.choice(allowed, n)
        values[rng.random(n) < 0.03] = np.nan          # item non-response
        cols[var.name] = values
    # Q2 ranks: distinct, R3 only with R2
    ranks = np.array([rng.permutation(8)[:3] + 1 for _ in range(n)], dtype=float)
    depth = rng.choice([1, 2, 3], n, p=[0.2, 0.3, 0.5])
    ranks[depth < 2, 1] = np.nan
    ranks[depth < 3, 2] = np.nan
    ranks[rng.random(n) < 0.02, :] = np.nan
    cols["Q2_R1"], cols["Q2_R2"], cols["Q2_R3"] = ranks[:, 0], ranks[:, 1], ranks[:, 2]
    # Q3: at most three mentions
    q3 = np.zeros((n, 9))
    for i in range(n):
        q3[i, rng.choice(9, rng.integers(0, 4), replace=False)] = 1
    for j in range(9):
        cols[f"Q3_{j + 1}"] = q3[:, j]
    # Q7: geen nadelen is exclusive
    q7 = (rng.random((n, 8)) < 0.3).astype(float)
    none = rng.random(n) < 0.1
    q7[none, :7] = 0
    q7[:, 7] = none.astype(float)
    for j in range(8):
        cols[f"Q7_{j + 1}"] = q7[:, j]
    # routing
    for filt, follow in (("Q10_GEBRUIK", "Q10_"), ("Q11_GEBRUIK", "Q11_")):
        not_asked = cols[filt] != 1
        for name in list(cols):
            if name.startswith(follow) and name != filt:
                cols[name][not_asked] = np.nan
    for s in range(1, 8):
        if f"S{s}_ERVARING" in cols:
            asked = (cols[f"S{s}_CHATBOT"] == 1) | (cols[f"S{s}_SPRAAK"] == 1)
            cols[f"S{s}_ERVARING"][~asked] = np.nan
    texts = np.array([None, "Sneller doorverbinden met een mens.", "Bel me op 06-12345678",
                      "mail naar jan.jansen@example.nl graag", "Als de chatbot me echt begrijpt"], dtype=object)
    cols["OPEN"] = texts[rng.integers(0, len(texts), n)]
    frame = pd.DataFrame(cols)
    return frame


def write_wave(frame: pd.DataFrame, path: Path, sep: str = ",", bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ext = path.suffix.lower()
    if ext == ".csv":
        def fmt(v):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                return ""
            if isinstance(v, float) and v.is_integer():
                return str(int(v))
            return str(v)
        text = frame.map(fmt).to_csv(index=False, sep=sep, lineterminator="\n")
        path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    elif ext == ".parquet":
        frame.to_parquet(path, index=False)
    elif ext == ".sav":
        import pyreadstat

        out = frame.copy()
        for col in out.columns:
            if out[col].dtype == object:
                out[col] = out[col].fillna("")
        pyreadstat.write_sav(out, str(path))
    else:
        raise ValueError(ext)
    return path
