"""A deterministic, calibrated sample of the survey landing zone (spec §2, §3, §7).

``voice-monitor sample`` writes four waves (2023–2026) of respondent-level data that look
like real fieldwork deliveries and pass the strict wave validator. With the bundled
population targets, the 2026 wave reproduces every survey figure of
``seeds/published_2026.csv`` once it is weighted by ``weighting.rake`` (and 2025 reproduces
the persona figures the report quotes).

How it works, per wave:

1. **Demographics with a panel skew.** Age band × education cells, region and gender are
   drawn with *exact* counts (largest remainder, then shuffled), so the skew — too few
   18–34s and low-educated, too many 55+/high-educated, a regional tilt — and therefore the
   weighting efficiency (about 0.82) is stable across seeds and sizes.
2. **Weights first.** The wave is raked with ``rake()`` exactly as the warehouse will, so
   the generator knows every respondent's final weight before it writes a single answer.
3. **Latent traits.** Digital affinity (younger/higher educated), a persona, an attitude
   towards automation and a usage propensity, each with noise. They make answers correlate
   the way the report describes (young people more digital, janus older and phoning,
   trust rising with usage) without dictating them.
4. **Calibrated cuts.** Every coded answer is assigned by ordering the respondents of its
   base on a noisy latent score and cutting the cumulative *weight* line at the target
   shares. The weighted distribution therefore hits the target up to one respondent's
   weight (< 0.5 pp at n ≈ 1,000), whatever the demographics turned out to be.
   Multi-response blocks use layouts that keep the contract's rules while calibrating
   (Q3: at most three mentions; Q7: "geen nadelen" exclusive, everyone else ≥ 1 mention).

Everything is vectorised numpy/pandas; for very large waves the thresholds of a cut are
estimated on an evenly spaced subsample of the base (``_MAX_SORT`` rows) and applied with
``searchsorted``, so one cut stays O(n).

Files (spec §2 formats, deliberately varied so ingestion sees every supported layout):
2023 ``;``-CSV with BOM, 2024 Parquet (lower-case names, float64 codes, shuffled columns),
2025 ``,``-CSV with an unknown extra column ``PANEL_BRON``, 2026 SPSS ``.sav`` with labels and
99 declared user-missing. When any wave has more than ``LARGE_N`` respondents, every wave
is written as Parquet (CSV/SAV writers are too slow to be useful at that size).
Writing is byte-for-byte deterministic and a file whose bytes would not change is left
untouched (its mtime stays), so re-running the command does not trigger sensors.
"""

from __future__ import annotations

import csv
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.paths import SEEDS_DIR
from orchestration.survey.codebook import code_labels, sector_first_waves, variables_for_wave
from orchestration.survey.weighting import load_targets, rake

DEFAULT_SIZES: dict[int, int] = {2023: 1003, 2024: 998, 2025: 1009, 2026: 1016}
DEFAULT_SEED = 2026
LARGE_N = 100_000            # above this every wave is written as Parquet
_MAX_SORT = 50_000           # cut thresholds are estimated on about this many rows
FORMATS: dict[int, str] = {2023: "csv_semicolon", 2024: "parquet", 2025: "csv_comma", 2026: "sav"}
_EXTENSIONS = {"csv_semicolon": "csv", "csv_comma": "csv", "parquet": "parquet", "sav": "sav"}
GEWICHT_WAVES = (2024, 2025, 2026)
EXTRA_COLUMN = "PANEL_BRON"  # unknown column in the 2025 delivery (kept + warned, spec §2)
_PROFILE_WAVES = (2023, 2024, 2025, 2026)

# Channel codes ordered from "traditional" to "digital": cuts on a digital-affinity score
# hand the low end to face-to-face / phone and the high end to chatbot / social media.
CHANNEL_ORDER = (4, 1, 2, 8, 5, 3, 6, 7)
_CHANNEL_CODES = (1, 2, 3, 4, 5, 6, 7, 8)

# --------------------------------------------------------------------------------------
# Wave profiles: target distributions (percent; normalised where used).
# 2026 values come from published_2026.csv where the report states them; the rest are
# plausible values that follow the trends the report describes.
# --------------------------------------------------------------------------------------

# Q1 per contact type, 2026 (published; 99 = the remainder the table does not report).
_Q1_2026 = {
    # tel email live f2f whatsapp social chatbot sms
    "Q1_1": (47, 19, 11, 9, 8, 2, 2, 1),     # advies
    "Q1_2": (42, 25, 13, 6, 7, 1, 2, 3),     # bestelling_betaling
    "Q1_3": (33, 28, 15, 4, 10, 2, 4, 3),    # bezorging_retour
    "Q1_4": (47, 20, 10, 9, 8, 2, 1, 2),     # gebruik_onderhoud
    "Q1_5": (30, 26, 13, 4, 10, 4, 6, 2),    # praktisch
}
_Q1_CODES = (1, 2, 3, 4, 5, 6, 7, 8)

# Q2 first choice, 2026: primary 68 (tel 45 + email 23), secondary 28, tertiary 4.
_Q2_2026 = {1: 45, 2: 23, 3: 10, 4: 8, 5: 10, 6: 1, 7: 2, 8: 1}

_PERSONAS = {  # 1 jurre, 2 juna, 3 janny, 4 janus (2025 and 2026 as published)
    2023: {1: 9, 2: 28, 3: 18, 4: 45},
    2024: {1: 10, 2: 28, 3: 22, 4: 40},
    2025: {1: 10, 2: 27, 3: 26, 4: 37},
    2026: {1: 13, 2: 24, 3: 39, 4: 25},
}

# Q3_1..Q3_9 (% mentioned). Waiting times and menus slowly down, chatbot steadily up.
_Q3 = {
    2023: (60, 42, 30, 28, 30, 18, 22, 15, 25),
    2024: (57, 40, 35, 27, 30, 17, 22, 15, 27),
    2025: (55, 38, 40, 27, 29, 17, 21, 14, 28),
    2026: (52, 36, 45, 26, 29, 16, 21, 14, 30),
}
# How each frustration leans on the usage score (+ = more among chatbot users).
_Q3_LEAN = (-0.5, -0.3, 1.0, -0.2, 0.1, 0.2, 0.4, -0.4, 0.3)

_Q4 = {  # distributions over 1..5, stable over the waves ("consistent patroon")
    "Q4_1": (1.5, 2.5, 6, 34, 56),   # goed begrepen worden: 90% belangrijk
    "Q4_2": (3, 6, 16, 45, 30),      # snelheid
    "Q4_3": (2, 5, 14, 44, 35),      # direct antwoord
    "Q4_4": (3, 7, 18, 42, 30),      # meteen de juiste medewerker
    "Q4_5": (2, 4, 12, 38, 44),      # persoonlijk contact
}
_Q4_LEAN = {"Q4_1": 0.1, "Q4_2": 0.4, "Q4_3": 0.3, "Q4_4": -0.3, "Q4_5": -0.6}

_Q6 = {2023: {1: 46, 2: 41, 99: 13}, 2024: {1: 47, 2: 41, 99: 12},
       2025: {1: 49, 2: 40, 99: 11}, 2026: {1: 52, 2: 38, 99: 10}}

_Q7 = {  # Q7_1..Q7_8; the most-named disadvantages slowly decline; Q7_1 2026 = 40
    2023: (48, 41, 28, 25, 31, 27, 17, 6),
    2024: (46, 39, 27, 24, 30, 26, 16, 6),
    2025: (43, 37, 26, 23, 29, 25, 15, 7),
    2026: (40, 35, 25, 22, 28, 24, 15, 8),
}

_Q8 = {  # stance 1 positief / 2 neutraal / 3 negatief (asked from 2025)
    2025: {"Q8_1": (30, 35, 35), "Q8_2": (55, 30, 15), "Q8_3": (40, 32, 28), "Q8_4": (45, 30, 25)},
    2026: {"Q8_1": (32, 35, 33), "Q8_2": (56, 29, 15), "Q8_3": (36, 33, 31), "Q8_4": (41, 31, 28)},
}

_Q9_PASS = {2023: 60, 2024: 61, 2025: 62, 2026: 63}      # % grade 6 or higher
_GRADE_LOW = (4, 3, 5, 8, 15)                             # shape of 1..5
_GRADE_HIGH = (22, 24, 13, 4, 2)                          # shape of 6..10

_Q10_GEBRUIK = {2023: 55, 2024: 58, 2025: 61, 2026: 62}
_Q11_GEBRUIK = {2023: 35, 2024: 38, 2025: 40, 2026: 42}
_FOLLOWUPS = {  # asked from 2025; 2026: more fully resolved, less follow-up, voice "human"
    2025: {"Q10_AFGEHANDELD": (25, 40, 35), "Q10_CORRECT": {1: 11, 2: 72, 99: 17},
           "Q10_VERVOLG": (60, 40),
           "Q11_AFGEHANDELD": (22, 38, 40), "Q11_CORRECT": {1: 15, 2: 65, 99: 20},
           "Q11_VERVOLG": (62, 38), "Q11_MENS": (12, 70, 18)},
    2026: {"Q10_AFGEHANDELD": (30, 40, 30), "Q10_CORRECT": {1: 12, 2: 70, 99: 18},
           "Q10_VERVOLG": (55, 45),
           "Q11_AFGEHANDELD": (25, 38, 37), "Q11_CORRECT": {1: 16, 2: 63, 99: 21},
           "Q11_VERVOLG": (58, 42), "Q11_MENS": (18, 60, 22)},
}
_Q12 = {"Q12_1": (20, 25, 32, 18, 5), "Q12_2": (14, 22, 34, 23, 7)}  # voice trusted more
_Q13 = {  # frequency 1 nooit .. 4 wekelijks; usage grows towards 2026
    "Q13_1": {2023: (38, 38, 17, 7), 2026: (30, 40, 20, 10)},
    "Q13_2": {2023: (52, 32, 11, 5), 2026: (45, 35, 13, 7)},
}

# Sectors 1..7. KANAAL 2026 over codes (tel, email, live, f2f, whatsapp, social, chatbot, sms, 99).
_S_KANAAL_2026 = {
    1: (42, 25, 9, 5, 8, 1, 3, 1, 6),
    2: (25, 25, 12, 1, 17, 2, 5, 8, 5),       # bezorgdiensten: WhatsApp and SMS bigger
    3: (40, 30, 9, 1, 8, 1, 4, 1, 6),
    4: (22, 33, 20, 2, 11, 2, 5, 1, 4),
    5: (42, 22, 6, 14, 5, 1, 3, 1, 6),
    6: (40, 18, 15, 8, 10, 1, 3, 1, 4),
    7: (55, 14, 4, 14, 6, 0.5, 1.5, 1, 4),
}
_S_POSITIVE = {  # % S_HOUDING >= 6 (banken 2026 = 40 as published)
    1: {2023: 38, 2024: 39, 2025: 40, 2026: 40},
    2: {2023: 41, 2024: 42, 2025: 42, 2026: 39},
    3: {2023: 37, 2024: 38, 2025: 38, 2026: 38},
    4: {2023: 44, 2024: 45, 2025: 45, 2026: 45},
    5: {2023: 34, 2024: 35, 2025: 36, 2026: 38},
    6: {2023: 37, 2024: 37, 2025: 37, 2026: 37},
    7: {2025: 33, 2026: 36},
}
_S_CONTACT_2026 = {  # (any automated contact, chatbot, voice); any as published
    1: (47, 36, 24), 2: (50, 42, 20), 3: (38, 28, 20), 4: (47, 42, 12),
    5: (47, 33, 27), 6: (52, 40, 30), 7: (48, 31, 37),
}
_S_ERVARING = {  # (positiever, niet veranderd, negatiever); telecom/zorg/bezorg worsen
    "stable": {2023: (15, 66, 19), 2024: (15, 65, 20), 2025: (15, 65, 20), 2026: (15, 65, 20)},
    2: {2023: (15, 65, 20), 2024: (14, 65, 21), 2025: (14, 64, 22), 2026: (10, 56, 34)},
    6: {2023: (18, 64, 18), 2024: (16, 63, 21), 2025: (14, 62, 24), 2026: (10, 55, 35)},
    7: {2025: (15, 63, 22), 2026: (11, 58, 31)},
}

# Panel composition (unweighted). Rows: age band 1..3, columns: education 1..3.
_AGE_BAND_P = (0.16, 0.29, 0.55)
# The first age of each band the sample draws ages in (the contract's bands 18–34, 35–54, 55+;
# the warehouse derives the band from LEEFTIJD in dbt, macros/survey_age_band.sql).
_AGE_BAND_STARTS = (18, 35, 55)
_EDU_GIVEN_AGE = ((0.13, 0.37, 0.50), (0.18, 0.37, 0.45), (0.25, 0.37, 0.38))
_REGION_P = (0.125, 0.245, 0.25, 0.38)
_GENDER_P = (0.50, 0.485, 0.015)

# Item non-response rates (share of the base leaving the question empty).
_NR = {"Q1": 0.015, "Q2_R1": 0.004, "Q3": 0.012, "Q4": 0.02, "Q5": 0.01, "Q6": 0.012,
       "Q7": 0.015, "Q8": 0.025, "Q9": 0.02, "USE": 0.008, "FOLLOW": 0.03, "Q12": 0.025,
       "Q13": 0.015, "S_KANAAL": 0.02, "S_HOUDING": 0.03, "S_CONTACT": 0.015, "S_ERVARING": 0.03}


# --------------------------------------------------------------------------------------
# Small numeric helpers
# --------------------------------------------------------------------------------------

def _profile_wave(wave: int) -> int:
    """Waves outside 2023–2026 reuse the nearest profiled wave's distributions."""
    return min(max(wave, _PROFILE_WAVES[0]), _PROFILE_WAVES[-1])


def _exact_counts(n: int, probs) -> np.ndarray:
    """Largest-remainder allocation of n over probs (so the panel skew is not left to chance)."""
    p = np.asarray(probs, dtype=float)
    p = p / p.sum()
    raw = p * n
    counts = np.floor(raw).astype(np.int64)
    rest = n - int(counts.sum())
    counts[np.argsort(-(raw - counts), kind="stable")[:rest]] += 1
    return counts


def _exact_draw(rng: np.random.Generator, n: int, probs) -> np.ndarray:
    """Category index 0..k-1 per row with exact counts, in random order."""
    return rng.permutation(np.repeat(np.arange(len(probs)), _exact_counts(n, probs)))


def _weighted_cut(score: np.ndarray, w: np.ndarray, base: np.ndarray, shares) -> np.ndarray:
    """Category index (0..k-1, -1 outside ``base``) by cutting the weight line at ``shares``.

    Respondents of the base are ordered by ``score``; respondent i falls in the category
    whose cumulative-share interval holds the midpoint of its own weight interval. The
    weighted share of each category is then the target up to half a weight per boundary.
    Thresholds are taken on an evenly spaced subsample when the base is very large.
    """
    out = np.full(score.size, -1, dtype=np.int64)
    idx = np.flatnonzero(base)
    if idx.size == 0:
        return out
    shares = np.asarray(shares, dtype=float)
    s = score[idx]
    step = max(1, idx.size // _MAX_SORT)
    s_sub, w_sub = s[::step], w[idx][::step]
    order = np.argsort(s_sub, kind="stable")
    ss, ws = s_sub[order], w_sub[order]
    cw = np.cumsum(ws)
    mid = (cw - ws / 2) / cw[-1]
    bounds = np.cumsum(shares)[:-1] / shares.sum()
    pos = np.searchsorted(mid, bounds, side="left")
    thresholds = np.where(pos < ss.size, ss[np.minimum(pos, ss.size - 1)], np.inf)
    out[idx] = np.searchsorted(thresholds, s, side="right")
    return out


def _single(score, w, base, codes, shares) -> np.ndarray:
    """Codes (float, NaN outside base); ``codes`` listed in increasing-score order."""
    cat = _weighted_cut(score, w, base, shares)
    out = np.full(score.size, np.nan)
    inside = cat >= 0
    out[inside] = np.asarray(codes, dtype=float)[cat[inside]]
    return out


def _top(score, w, base, share) -> np.ndarray:
    """Boolean: the respondents of ``base`` holding the top ``share`` of its weight."""
    if share <= 0:
        return np.zeros(score.size, dtype=bool)
    return _weighted_cut(score, w, base, (1.0 - share, share)) == 1


def _single_dk(score, dk_score, w, base, dist: dict[int, float], order) -> np.ndarray:
    """Like ``_single`` with 99 (weet niet) first taken from the top of ``dk_score``."""
    total = float(sum(dist.values()))
    dk = _top(dk_score, w, base, dist.get(99, 0.0) / total)
    rest = base & ~dk
    codes = [c for c in order if c != 99]
    out = _single(score, w, rest, codes, [dist.get(c, 0.0) for c in codes])
    out[dk] = 99.0
    return out


def _multi_max3(score_fn, w, base, shares, lean) -> np.ndarray:
    """0/1 matrix (NaN outside base) with weighted item shares ``shares`` and <= 3 mentions.

    Items are packed (first-fit decreasing) into three "passes" of the weight line, each of
    length 1. Within a pass items occupy disjoint arcs, so a respondent gets at most one item
    per pass and hence at most three in all; each pass orders respondents by its own noisy
    score (items placed along it by ``lean``), so mention combinations vary.
    """
    k = len(shares)
    bins: list[list[int]] = [[], [], []]
    fill = [0.0, 0.0, 0.0]
    for i in sorted(range(k), key=lambda j: -shares[j]):
        for b in range(3):
            if fill[b] + shares[i] <= 1.0 + 1e-12:
                bins[b].append(i)
                fill[b] += shares[i]
                break
        else:
            raise ValueError("Q3 shares cannot be laid out in three passes (sum too large).")
    out = np.zeros((w.size, k))
    for b in range(3):
        items = sorted(bins[b], key=lambda j: lean[j])
        if not items:
            continue
        segs = [(lean[j], j, shares[j]) for j in items] + [(0.0, -1, max(0.0, 1.0 - fill[b]))]
        segs.sort(key=lambda t: t[0])
        cat = _weighted_cut(score_fn(), w, base, [t[2] for t in segs])
        for pos, (_, item, _) in enumerate(segs):
            if item >= 0:
                out[cat == pos, item] = 1.0
    out[~base, :] = np.nan
    return out


def _multi_at_least_one(score_fn, w, base, shares) -> np.ndarray:
    """0/1 matrix (NaN outside base) with weighted shares ``shares`` and >= 1 mention each.

    A first pass splits the weight line over all items in proportion to their shares (so
    everybody names one item); each item's remaining share is then cut from the respondents
    who do not have it yet, relative to their weight.
    """
    shares = np.asarray(shares, dtype=float)
    total = float(shares.sum())
    scale = max(total, 1.0)
    first = list(shares / scale) + ([1.0 - total / scale] if total < 1.0 else [])
    cat = _weighted_cut(score_fn(), w, base, first)
    k = shares.size
    out = np.zeros((w.size, k))
    for i in range(k):
        has = cat == i
        out[has, i] = 1.0
        q = shares[i] / scale
        extra = shares[i] - q
        if extra > 1e-12 and q < 1.0:
            more = _top(score_fn(), w, base & ~has, extra / (1.0 - q))
            out[more, i] = 1.0
    out[~base, :] = np.nan
    return out


def _channel_trend(values: dict[int, float], years_back: int, strength: float = 1.0) -> dict[int, float]:
    """Earlier waves: phone a little higher, WhatsApp/email/live chat a little lower."""
    v = dict(values)
    k = years_back * strength
    v[1] = v.get(1, 0) + 1.4 * k
    v[5] = max(0.3, v.get(5, 0) - 0.8 * k)
    v[2] = max(0.3, v.get(2, 0) - 0.3 * k)
    v[3] = max(0.3, v.get(3, 0) - 0.3 * k)
    return v


def _interp(table: dict[int, tuple], wave: int) -> np.ndarray:
    """Linear interpolation between the first and last profiled wave of ``table``."""
    lo, hi = min(table), max(table)
    if wave <= lo:
        return np.asarray(table[lo], dtype=float)
    if wave >= hi:
        return np.asarray(table[hi], dtype=float)
    t = (wave - lo) / (hi - lo)
    return (1 - t) * np.asarray(table[lo], dtype=float) + t * np.asarray(table[hi], dtype=float)


def _grade_dist(pass_pct: float) -> np.ndarray:
    """1..10 distribution with ``pass_pct`` percent at 6 or higher."""
    low = np.asarray(_GRADE_LOW, float)
    high = np.asarray(_GRADE_HIGH, float)
    return np.concatenate([low / low.sum() * (100 - pass_pct), high / high.sum() * pass_pct])


# --------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------

def _demographics(rng: np.random.Generator, wave: int, n: int) -> dict[str, np.ndarray]:
    """Background variables with the online-panel skew (exact counts per category)."""
    joint = (np.asarray(_AGE_BAND_P)[:, None] * np.asarray(_EDU_GIVEN_AGE)).ravel()
    cell = _exact_draw(rng, n, joint)
    band, edu = cell // 3 + 1, cell % 3 + 1
    region = _exact_draw(rng, n, _REGION_P) + 1
    gender = _exact_draw(rng, n, _GENDER_P) + 1
    # Age within band: uniform for 18–34 and 35–54; 55+ thins out towards 99.
    young, middle, old = _AGE_BAND_STARTS
    age = np.where(band == 1, rng.integers(young, middle, n),
                   np.where(band == 2, rng.integers(middle, old, n),
                            old + np.minimum(np.floor(rng.gamma(2.2, 6.5, n)), 44).astype(np.int64)))
    assert np.array_equal(_band_of(age), band)
    return {"GESLACHT": gender.astype(np.int64), "LEEFTIJD": age.astype(np.int64),
            "REGIO": region.astype(np.int64), "OPLEIDING": edu.astype(np.int64),
            "LEEFTIJD_BAND": band.astype(np.int64)}


def _band_of(age: np.ndarray) -> np.ndarray:
    """The band (1, 2, 3) the sample drew an age in."""
    return np.searchsorted(_AGE_BAND_STARTS, age, side="right")


def _targets_for(wave: int):
    targets = load_targets()
    if wave in targets.shares:
        return targets.for_wave(wave)
    nearest = min(targets.shares, key=lambda t: abs(t - wave))
    return targets.for_wave(nearest)


def _agency_weight(demo: dict[str, np.ndarray], targets) -> np.ndarray:
    """The fieldwork agency's own weight: simple age band × education cell weights.

    Cell targets are the product of the two margins (independence), so it deliberately
    differs from the warehouse's raking weight (which also uses gender and region).
    """
    band, edu = demo["LEEFTIJD_BAND"], demo["OPLEIDING"]
    cell = (band - 1) * 3 + (edu - 1)
    t_age = np.array([targets["LEEFTIJD_BAND"][c] for c in (1, 2, 3)])
    t_edu = np.array([targets["OPLEIDING"][c] for c in (1, 2, 3)])
    t_cell = (t_age[:, None] / t_age.sum() * t_edu[None, :] / t_edu.sum()).ravel()
    counts = np.bincount(cell, minlength=9).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(counts > 0, t_cell * cell.size / counts, 0.0)
    gw = factor[cell]
    gw = gw * (gw.size / gw.sum())
    return np.round(gw, 4)


def generate_wave(wave: int, n: int, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """One wave as a wide DataFrame: codebook names, numeric codes, NaN/None = empty.

    Coded answers are float64 (NaN = not asked / not answered); RESPID and LEEFTIJD are
    int64; STARTDATE and OPEN are strings (OPEN None = empty). The same (wave, n, seed)
    always gives the same frame.
    """
    if n < 1:
        raise ValueError(f"wave {wave}: n must be at least 1 (got {n}).")
    if wave < _PROFILE_WAVES[0]:
        raise ValueError(f"wave {wave}: the questionnaire starts with the 2023 edition.")
    pw = _profile_wave(wave)
    back = 2026 - pw                                   # years before the 2026 edition
    rng = np.random.default_rng([seed, wave])
    demo = _demographics(rng, wave, n)
    targets = _targets_for(wave)
    w = rake(wave, {k: demo[k] for k in ("GESLACHT", "LEEFTIJD_BAND", "REGIO", "OPLEIDING")},
             targets).weights
    age, edu, gender = demo["LEEFTIJD"], demo["OPLEIDING"], demo["GESLACHT"]
    everyone = np.ones(n, dtype=bool)
    nr_factor = np.where(age >= 65, 1.5, 0.8)          # older respondents skip a bit more

    def noise(scale: float = 1.0) -> np.ndarray:
        return scale * rng.standard_normal(n)

    def answered(base: np.ndarray, key: str) -> np.ndarray:
        return base & (rng.random(n) >= _NR[key] * nr_factor)

    # ---- latent traits -------------------------------------------------------------
    age_c = (age - 48.0) / 17.0
    digital = -0.55 * age_c + 0.35 * (edu - 2) + 0.1 * (gender == 1) + noise(0.85)
    cols: dict[str, np.ndarray] = {}

    base = answered(everyone, "Q5")
    persona_dist = _PERSONAS[pw]
    cols["Q5"] = _single(digital + noise(0.6), w, base, (4, 3, 2, 1),
                         [persona_dist[c] for c in (4, 3, 2, 1)])
    persona_effect = np.select([cols["Q5"] == 1, cols["Q5"] == 2, cols["Q5"] == 3, cols["Q5"] == 4],
                               [1.3, 0.6, -0.5, -0.9], 0.0)
    attitude = persona_effect + 0.25 * digital + noise(0.8)
    usage = 0.6 * digital + 0.3 * attitude + noise(0.8)

    # ---- channels ------------------------------------------------------------------
    for var, values in _Q1_2026.items():
        dist = dict(zip(_Q1_CODES, values))
        dist[99] = max(0.0, 100.0 - sum(values))
        dist = _channel_trend(dist, back)
        cols[var] = _single_dk(0.7 * digital + 0.2 * attitude + noise(), -0.3 * digital + noise(),
                               w, answered(everyone, "Q1"), dist, CHANNEL_ORDER)

    q2 = _channel_trend(_Q2_2026, back, strength=1.1)
    base = answered(everyone, "Q2_R1")
    r1 = _single(0.7 * digital + 0.2 * attitude + noise(), w, base, CHANNEL_ORDER,
                 [q2[c] for c in CHANNEL_ORDER])
    # R2/R3: Gumbel-max over channel propensities leaning on digital affinity, R1 excluded.
    lean = np.array([-0.2, 0.1, 0.5, -0.6, 0.4, 0.6, 0.7, 0.2])        # codes 1..8
    logits = np.log(np.array([q2[c] for c in _CHANNEL_CODES]) + 2.0)[None, :] \
        + 0.6 * digital[:, None] * lean[None, :] + rng.gumbel(size=(n, 8))
    r1_idx = np.where(np.isnan(r1), 0, r1).astype(np.int64) - 1
    rows = np.arange(n)
    logits[rows, np.maximum(r1_idx, 0)] = -np.inf
    second = np.argmax(logits, axis=1)
    logits[rows, second] = -np.inf
    ranked = np.column_stack([second, np.argmax(logits, axis=1)]) + 1
    has_r2 = base & (rng.random(n) < 0.86)
    has_r3 = has_r2 & (rng.random(n) < 0.74)
    cols["Q2_R1"] = r1
    cols["Q2_R2"] = np.where(has_r2, ranked[:, 0], np.nan)
    cols["Q2_R3"] = np.where(has_r3, ranked[:, 1], np.nan)

    # ---- frustrations (max 3) ----------------------------------------------------
    q3 = np.asarray(_Q3[pw], float) / 100.0
    m3 = _multi_max3(lambda: 0.6 * usage + noise(), w, answered(everyone, "Q3"), list(q3), _Q3_LEAN)
    for i in range(9):
        cols[f"Q3_{i + 1}"] = m3[:, i]

    # ---- values ------------------------------------------------------------------
    for var, values in _Q4.items():
        cols[var] = _single(_Q4_LEAN[var] * attitude + noise(), w, answered(everyone, "Q4"),
                            (1, 2, 3, 4, 5), values)

    # ---- attitudes -----------------------------------------------------------------
    cols["Q6"] = _single_dk(attitude + noise(0.7), noise(), w, answered(everyone, "Q6"),
                            _Q6[pw], (2, 1))

    q7 = np.asarray(_Q7[pw], float) / 100.0
    base = answered(everyone, "Q7")
    none_ = _top(attitude + noise(0.8), w, base, q7[7])
    rest = base & ~none_
    m7 = _multi_at_least_one(lambda: -0.5 * attitude + noise(), w, rest, q7[:7] / (1.0 - q7[7]))
    for i in range(7):
        cols[f"Q7_{i + 1}"] = np.where(base, np.where(none_, 0.0, m7[:, i]), np.nan)
    cols["Q7_8"] = np.where(base, none_.astype(float), np.nan)

    if wave >= 2025:
        for var, values in _Q8[max(pw, 2025)].items():
            cols[var] = _single(attitude + noise(), w, answered(everyone, "Q8"), (3, 2, 1), values[::-1])

    cols["Q9"] = _single(attitude + noise(0.8), w, answered(everyone, "Q9"), tuple(range(1, 11)),
                         _grade_dist(_Q9_PASS[pw]))

    # ---- usage, chatbot and voice assistant ---------------------------------------
    chat_use = usage + noise(0.5)
    voice_use = 0.7 * usage - 0.2 * age_c + noise(0.7)
    cols["Q13_1"] = _single(chat_use + noise(0.3), w, answered(everyone, "Q13"), (1, 2, 3, 4),
                            _interp(_Q13["Q13_1"], pw))
    cols["Q13_2"] = _single(voice_use + noise(0.3), w, answered(everyone, "Q13"), (1, 2, 3, 4),
                            _interp(_Q13["Q13_2"], pw))
    q10_yes, q11_yes = _Q10_GEBRUIK[pw], _Q11_GEBRUIK[pw]
    cols["Q10_GEBRUIK"] = _single(chat_use, w, answered(everyone, "USE"), (2, 1), (100 - q10_yes, q10_yes))
    cols["Q11_GEBRUIK"] = _single(voice_use, w, answered(everyone, "USE"), (2, 1), (100 - q11_yes, q11_yes))

    if wave >= 2025:
        f = _FOLLOWUPS[max(pw, 2025)]
        for tool in ("Q10", "Q11"):
            routed = cols[f"{tool}_GEBRUIK"] == 1
            success = 0.3 * attitude + noise()
            cols[f"{tool}_AFGEHANDELD"] = _single(success + noise(0.6), w, answered(routed, "FOLLOW"),
                                                  (3, 2, 1), f[f"{tool}_AFGEHANDELD"][::-1])
            cols[f"{tool}_CORRECT"] = _single_dk(success + noise(0.6), noise(), w,
                                                 answered(routed, "FOLLOW"), f[f"{tool}_CORRECT"], (2, 1))
            cols[f"{tool}_VERVOLG"] = _single(success + noise(0.6), w, answered(routed, "FOLLOW"),
                                              (1, 2), f[f"{tool}_VERVOLG"])
        mens = f["Q11_MENS"]
        cols["Q11_MENS"] = _single(-0.2 * digital + noise(), w,
                                   answered(cols["Q11_GEBRUIK"] == 1, "FOLLOW"), (2, 3, 1),
                                   (mens[1], mens[2], mens[0]))

    # Trust rises with usage frequency; voice assistants are trusted a bit more.
    for var, freq in (("Q12_1", "Q13_1"), ("Q12_2", "Q13_2")):
        f_c = np.nan_to_num(cols[freq] - 2.0, nan=0.0)
        cols[var] = _single(0.55 * f_c + 0.45 * attitude + noise(), w, answered(everyone, "Q12"),
                            (1, 2, 3, 4, 5), _Q12[var])

    # ---- sectors -------------------------------------------------------------------
    sectors = sector_first_waves()
    for s in sorted(sectors):
        if sectors[s] > wave:
            continue
        dist = dict(zip((1, 2, 3, 4, 5, 6, 7, 8, 99), _S_KANAAL_2026[s]))
        dist = _channel_trend(dist, back, strength=0.8)
        cols[f"S{s}_KANAAL"] = _single_dk(0.7 * digital + noise(), -0.3 * digital + noise(), w,
                                          answered(everyone, "S_KANAAL"), dist, CHANNEL_ORDER)
        positive = _S_POSITIVE[s][max(pw, min(_S_POSITIVE[s]))]
        cols[f"S{s}_HOUDING"] = _single(attitude + noise(), w, answered(everyone, "S_HOUDING"),
                                        tuple(range(1, 11)), _grade_dist(positive))
        any_pct, chat_pct, voice_pct = (v * (1.0 - 0.04 * back) for v in _S_CONTACT_2026[s])
        base = answered(everyone, "S_CONTACT")        # both items empty together
        contact = _top(usage + noise(), w, base, any_pct / 100.0)
        # Within "any": voice only (older end) / both / chatbot only (digital end).
        kind = _weighted_cut(0.5 * digital + noise(), w, contact,
                             (any_pct - chat_pct, chat_pct + voice_pct - any_pct, any_pct - voice_pct))
        chat = (kind == 1) | (kind == 2)
        voice = (kind == 0) | (kind == 1)
        cols[f"S{s}_CHATBOT"] = np.where(base, np.where(chat, 1.0, 2.0), np.nan)
        cols[f"S{s}_SPRAAK"] = np.where(base, np.where(voice, 1.0, 2.0), np.nan)
        table = _S_ERVARING.get(s, _S_ERVARING["stable"])
        erv = table[max(pw, min(table))]
        cols[f"S{s}_ERVARING"] = _single(attitude + noise(), w, answered(contact, "S_ERVARING"),
                                         (3, 2, 1), erv[::-1])

    # ---- ids, dates, agency weight, open answers ----------------------------------
    population = max(900_000, 10 * n)
    respid = np.sort(rng.choice(population, size=n, replace=False)) + 100_000
    day = np.clip(1 + np.floor(rng.gamma(2.0, 3.2, n)), 1, 23).astype(np.int64)
    startdate = np.strings.add(f"{wave - 1}-12-", np.strings.zfill(day.astype(str), 2))
    open_text = _open_answers(rng, n, age, cols["Q5"])

    frame: dict[str, object] = {}
    for var in variables_for_wave(wave):
        name = var.name
        if name == "RESPID":
            frame[name] = respid.astype(np.int64)
        elif name == "STARTDATE":
            frame[name] = startdate.astype(object)
        elif name in ("GESLACHT", "LEEFTIJD", "REGIO", "OPLEIDING"):
            frame[name] = demo[name]
        elif name == "GEWICHT":
            if wave in GEWICHT_WAVES:
                frame[name] = _agency_weight(demo, targets)
        elif name == "OPEN":
            frame[name] = open_text
        else:
            frame[name] = cols[name]
    return pd.DataFrame(frame, copy=False)      # no block consolidation: 1M rows stay fast


# --------------------------------------------------------------------------------------
# OPEN answers: Dutch free text from hand-written fragments, some with personal data
# --------------------------------------------------------------------------------------

_OPEN_CONSTRUCTIVE = (
    "Als de chatbot mijn vraag echt begrijpt en niet alleen op trefwoorden reageert.",
    "Als ik op elk moment met één klik naar een medewerker kan.",
    "Wanneer ik niet steeds mijn verhaal opnieuw hoef te vertellen.",
    "Als het antwoord gewoon klopt en over mijn situatie gaat.",
    "Dat de chatbot ook ingewikkeldere vragen aankan, niet alleen de standaardvragen.",
    "Een duidelijke melding of ik met een computer of met een mens praat.",
    "Als de spraakassistent mij verstaat, ook met mijn accent.",
    "Sneller een oplossing in plaats van steeds een verwijzing naar de FAQ.",
    "Dat de bot mijn klantgegevens al kent, zodat ik niet alles opnieuw hoef in te typen.",
    "Als ik na afloop een samenvatting van het gesprek per mail krijg.",
    "Betrouwbare antwoorden, ook 's avonds en in het weekend.",
    "Als een pakket kwijt is, moet de chatbot meteen een claim kunnen starten.",
    "Dat het gesprek naar een medewerker gaat mét de hele voorgeschiedenis erbij.",
    "Minder keuzemenu's: gewoon zeggen wat je wilt en dan geholpen worden.",
    "Als het net zo goed werkt als ChatGPT.",
    "Eerlijkheid. Zeg het gewoon als de bot het antwoord niet weet.",
    "Als ik zelf kan kiezen wanneer ik naar een mens ga.",
    "Een chatbot die ook via WhatsApp werkt, dat gebruik ik toch al de hele dag.",
    "Duidelijke taal in plaats van vage standaardzinnen.",
    "Als ik mijn probleem in één keer kan uitleggen in plaats van stap voor stap.",
    "Dat het veilig is en mijn gegevens niet zomaar ergens worden opgeslagen.",
    "Dat ik niet eindeloos in een kringetje word rondgestuurd.",
    "Goede uitleg hoe het werkt, voor ouderen is dat lang niet altijd duidelijk.",
    "Als de spraakassistent niet steeds zegt dat hij het niet heeft begrepen.",
    "Als de bot ook echt iets kan regelen, zoals een afspraak verzetten of een retour aanmelden.",
    "Dat de chat niet steeds wegvalt op mijn telefoon.",
    "Meer kennis bij de bot over mijn eigen contract en facturen.",
    "Als ik een foto van het probleem kan sturen en daar een goed antwoord op krijg.",
    "Snellere afhandeling van simpele dingen, zoals een adreswijziging.",
    "Als ik kan zien dat mijn vraag ook echt is doorgezet.",
)
_OPEN_CRITICAL = (
    "Niets, ik wil gewoon een mens aan de lijn.",
    "Eigenlijk niks. Ik bel liever, dan weet ik waar ik aan toe ben.",
    "Geen idee, ik heb er tot nu toe alleen slechte ervaringen mee.",
    "Ik wacht liever even dan dat ik met een computer praat.",
    "Als ze eerst eens gewoon de telefoon opnemen.",
    "Ik gebruik het alleen als het echt niet anders kan.",
    "Misschien als het ooit wél goed werkt, maar dat zie ik nog niet gebeuren.",
    "Bedrijven moeten stoppen met het verstoppen van hun telefoonnummer.",
    "Niks. Die chatbots zijn er om kosten te besparen, niet om mij te helpen.",
    "Ik vertrouw het niet, zeker niet als het over geld gaat.",
    "Een echte medewerker die meedenkt, dat kan een computer niet.",
    "Als er altijd een knop is om meteen een mens te spreken.",
)
_OPEN_SHORT = (
    "Niets", "Weet ik niet", "Geen idee.", "nvt", "Betere chatbots", "Meer menselijk contact",
    "Sneller doorverbinden", "Dat het werkt.", "Niks, ik bel liever", "Goede antwoorden",
    "Minder wachten", "Als het beter wordt.", "Betrouwbaarheid", "Dat ik begrepen word",
)
_OPEN_COMPLAINT = (
    "Nu krijg ik steeds hetzelfde standaardantwoord.",
    "Vorige week bij mijn energieleverancier drie keer dezelfde vraag gekregen.",
    "Bij mijn telecomprovider kwam ik er na een half uur nog niet uit.",
    "De chatbot van de bank stuurde me alleen maar naar de veelgestelde vragen.",
    "Mijn pakket was zoek en de chatbot bleef naar de track & trace verwijzen.",
    "Het voelt nu vaak alsof de bot vooral bedoeld is om mij bij een medewerker weg te houden.",
    "Bij de huisartsenpost kreeg ik een spraakcomputer die mijn naam niet eens verstond.",
    "Vaak snapt hij de vraag gewoon niet.",
    "Daarna moest ik alsnog bellen en alles opnieuw uitleggen.",
    "Soms krijg je gewoon foute informatie, dat is erger dan geen antwoord.",
    "Bij de gemeente kwam ik via de chat weer uit bij het telefoonnummer.",
    "De spraakassistent verbond me door naar de verkeerde afdeling.",
)
# Closing remarks come in two registers; slot j of a constructive answer uses the first
# list, of a critical or short answer the second (so nobody writes "niks" and then
# "dan zou ik het zeker vaker gebruiken").
_OPEN_CLOSER = (
    "Dan zou ik het zeker vaker gebruiken.", "Dan scheelt het mij ook tijd.",
    "Dat zou al veel schelen.", "Dan heb ik er geen bezwaar tegen.", "Dan probeer ik het graag.",
)
_OPEN_CLOSER_CRITICAL = (
    "Anders bel ik toch liever.", "Tot die tijd blijf ik bellen.", "Het kan echt beter.",
    "Jammer, want het idee is goed.", "Dus voorlopig liever niet.",
)
_FIRST_NAMES = ("Jan", "Henk", "Sanne", "Fatima", "Mohammed", "Anouk", "Pieter", "Eva", "Daan",
                "Emma", "Kees", "Ingrid", "Ahmed", "Priya", "Sven", "Joyce", "Wim", "Marloes",
                "Ruud", "Yvonne", "Bram", "Lotte", "Noor", "Gerrit", "Samira", "Thijs")
_LAST_NAMES = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
               "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "El Amrani", "Yilmaz",
               "Kramer", "van den Berg", "Dekker", "Brouwer")
_EMAIL_DOMAINS = ("example.nl", "voorbeeld.nl", "mail.example.nl")
_AREA_CODES = ("020", "010", "030", "070", "040", "050")


def _pick(rng: np.random.Generator, pool, n: int) -> np.ndarray:
    return np.asarray(pool, dtype=object)[rng.integers(0, len(pool), n)]


def _phone_numbers(rng: np.random.Generator, k: int) -> np.ndarray:
    """Dutch phone numbers in the formats people actually type."""
    mob = rng.integers(10_000_000, 70_000_000, k)
    m8 = mob.astype(str).astype(object)
    m_hi = mob // 10_000
    m_lo = np.strings.zfill((mob % 10_000).astype(str), 4).astype(object)
    land = rng.integers(2_000_000, 10_000_000, k)
    l7 = land.astype(str).astype(object)
    l_hi = (land // 10_000).astype(str).astype(object)
    l_lo = np.strings.zfill((land % 10_000).astype(str), 4).astype(object)
    area = _pick(rng, _AREA_CODES, k)
    area_intl = np.array([a[1:] for a in _AREA_CODES], dtype=object)[rng.integers(0, len(_AREA_CODES), k)]
    fmt = rng.integers(0, 6, k)
    options = [
        "06-" + m8,
        "06" + m8,
        "+31 6 " + m_hi.astype(str).astype(object) + " " + m_lo,
        "+31 (0)6 " + m8,
        area + "-" + l7,
        "0031 " + area_intl + " " + l_hi + " " + l_lo,
    ]
    return np.choose(fmt, options)


@lru_cache(maxsize=1)
def _open_combinations() -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """Every main × complaint × closer sentence combination, as written and informally.

    Precomputing the few thousand combinations turns answer generation into one integer
    gather, which keeps a million-respondent wave fast.
    """
    mains = _OPEN_SHORT + _OPEN_CRITICAL + _OPEN_CONSTRUCTIVE
    n_plain = len(_OPEN_SHORT) + len(_OPEN_CRITICAL)
    complaints = ("",) + _OPEN_COMPLAINT
    slots = 1 + len(_OPEN_CLOSER)
    texts = []
    for i, m in enumerate(mains):
        closers = ("",) + (_OPEN_CLOSER if i >= n_plain else _OPEN_CLOSER_CRITICAL)
        texts.extend(" ".join(p for p in (m, c, e) if p) for c in complaints for e in closers)
    formal = np.asarray(texts, dtype=object)
    informal = np.asarray([t.lower().rstrip(".") for t in texts], dtype=object)
    return formal, informal, len(mains), len(complaints), slots


def _open_answers(rng: np.random.Generator, n: int, age: np.ndarray, persona: np.ndarray) -> np.ndarray:
    """Answers to the open question: about half empty, the rest built from varied fragments.

    Critical personas (janny, janus) draw more from the critical pool; short answers stand
    alone, longer ones may add an experience and a closing remark; about one in eight
    answers carries an e-mail address, a phone number or a person's name (which ingestion
    must mask; the names need not be).
    """
    formal, informal, n_main, n_compl, n_close = _open_combinations()
    n_short, n_crit = len(_OPEN_SHORT), len(_OPEN_CRITICAL)
    empty = rng.random(n) < np.where(age >= 65, 0.58, 0.46)
    critical = np.isin(persona, (3.0, 4.0))
    kind = rng.random(n)
    main = np.where(kind < 0.2, rng.integers(0, n_short, n),
                    np.where(critical & (kind < 0.7), n_short + rng.integers(0, n_crit, n),
                             n_short + n_crit + rng.integers(0, n_main - n_short - n_crit, n)))
    long_ = kind >= 0.2
    complaint = np.where(long_ & (rng.random(n) < 0.35), rng.integers(1, n_compl, n), 0)
    closer = np.where(long_ & (rng.random(n) < 0.28), rng.integers(1, n_close, n), 0)
    combo = (main * n_compl + complaint) * n_close + closer
    with_pii = ~empty & long_ & (rng.random(n) < 0.15)
    casual = ~with_pii & (rng.random(n) < 0.12)
    text = np.where(casual, informal[combo], formal[combo])

    idx = np.flatnonzero(with_pii)
    k = idx.size
    if k:
        fi = rng.integers(0, len(_FIRST_NAMES), k)
        li = rng.integers(0, len(_LAST_NAMES), k)
        first = np.asarray(_FIRST_NAMES, dtype=object)[fi]
        full = first + " " + np.asarray(_LAST_NAMES, dtype=object)[li]
        lower_first = np.asarray([x.lower() for x in _FIRST_NAMES], dtype=object)[fi]
        slug = np.asarray([x.lower().replace(" ", "") for x in _LAST_NAMES], dtype=object)[li]
        digits = rng.integers(1, 99, k).astype(str).astype(object)
        local = np.where(rng.random(k) < 0.6, lower_first + "." + slug, lower_first + digits)
        email = local + "@" + _pick(rng, _EMAIL_DOMAINS, k)
        phone = _phone_numbers(rng, k)
        pii = np.choose(rng.integers(0, 8, k), [
            " U mag mij mailen op " + email + ".",
            " Neem gerust contact op via " + email + " of bel " + phone + ".",
            " Bel me maar op " + phone + ", dan leg ik het uit.",
            " Mijn nummer is " + phone,
            " Groet, " + full,
            " Met vriendelijke groet, " + full + " (" + email + ")",
            " Ook " + first + " uit mijn straat heeft precies hetzelfde meegemaakt.",
            " " + first + " van de klantenservice hielp me uiteindelijk wel goed.",
        ])
        text[idx] = text[idx] + pii
    text[empty] = None
    return text


# --------------------------------------------------------------------------------------
# Writing the landing zone
# --------------------------------------------------------------------------------------

def _is_coded(name: str) -> bool:
    return name not in ("RESPID", "STARTDATE", "OPEN", "GEWICHT", "LEEFTIJD", EXTRA_COLUMN)


def _panel_source(seed: int, wave: int, n: int) -> np.ndarray:
    rng = np.random.default_rng([seed, wave, 99])
    return np.asarray(("online_panel_a", "online_panel_b", "partner_panel"), dtype=object)[
        _exact_draw(rng, n, (0.55, 0.35, 0.10))]


def _csv_bytes(df: pd.DataFrame, sep: str, bom: bool) -> bytes:
    out = pd.DataFrame(index=df.index)
    for name in df.columns:
        col = df[name]
        if name == "GEWICHT":
            out[name] = col.map(lambda v: f"{v:.4f}")
        elif _is_coded(name) or name in ("RESPID", "LEEFTIJD"):
            out[name] = col.astype("Int64")
        else:
            out[name] = col
    text = out.to_csv(index=False, sep=sep, lineterminator="\n")
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def _write_csv(df: pd.DataFrame, path: Path, sep: str, bom: bool) -> None:
    path.write_bytes(_csv_bytes(df, sep, bom))


def _write_parquet(df: pd.DataFrame, path: Path, seed: int, wave: int) -> None:
    """Lower-case names, float64 codes (empty = Parquet null), shuffled columns, no metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    order = np.random.default_rng([seed, wave, 7]).permutation(len(df.columns))
    arrays, names = [], []
    for i in order:
        name = df.columns[i]
        col = df[name]
        if name == "RESPID":
            arr = pa.array(col.to_numpy(dtype=np.int64), type=pa.int64())
        elif name in ("STARTDATE", "OPEN", EXTRA_COLUMN):
            values = col.astype(object).where(col.notna(), None).tolist()
            arr = pa.array(values, type=pa.string())
        else:
            # Empty cells are Parquet nulls: a reader that does not know pandas' NaN
            # convention (DuckDB, Spark) must also see "not asked" as NULL.
            arr = pa.array(col.to_numpy(dtype=np.float64), type=pa.float64(), from_pandas=True)
        arrays.append(arr)
        names.append(name.lower())
    table = pa.Table.from_arrays(arrays, names=names)          # no pandas/schema metadata
    pq.write_table(table, path, compression="zstd", store_schema=False,
                   write_statistics=True, use_dictionary=True)


def _value_labels(wave: int) -> tuple[dict, dict, dict, dict, dict]:
    """SPSS metadata from the codebook: variable labels, value labels, 99 user-missing."""
    labels = code_labels()
    with open(SEEDS_DIR / "sectors.csv", newline="", encoding="utf-8") as fh:
        sector_names = {int(r["sector_code"]): r["label_nl"] for r in csv.DictReader(fh)}
    col_labels, value_labels, missing, measure, fmt = {}, {}, {}, {}, {}
    for var in variables_for_wave(wave):
        text = var.question_nl
        if var.sector is not None:
            text = text.replace("sector {s}", sector_names[var.sector]).replace("{s}", str(var.sector))
        col_labels[var.name] = text[:255]
        if var.is_coded:
            vl = {}
            for code in var.allowed:
                row = labels.get((var.list_name, code))
                label = row["label_nl"] if row else var.labels.get(code)
                if label:
                    vl[float(code)] = label[:120]
            if vl:
                value_labels[var.name] = vl
            if 99 in var.allowed:
                missing[var.name] = [99.0]
            measure[var.name] = "ordinal" if var.type in ("scale5", "scale10") else "nominal"
            fmt[var.name] = "F2.0"
        elif var.name in ("LEEFTIJD", "RESPID"):
            measure[var.name] = "scale"
            fmt[var.name] = "F3.0" if var.name == "LEEFTIJD" else "F9.0"
        elif var.name == "GEWICHT":
            measure[var.name] = "scale"
            fmt[var.name] = "F8.4"
    return col_labels, value_labels, missing, measure, fmt


_SAV_DATE = slice(92, 101)   # header 'creation_date' ("dd mmm yy"), after the 8-byte bias
_SAV_TIME = slice(101, 109)  # header 'creation_time' ("hh:mm:ss")


def _sav_stamp(wave: int) -> tuple[bytes, bytes]:
    """Fixed header stamp: the edition is delivered early January of its year."""
    return f"06 Jan {wave % 100:02d}".encode("ascii"), b"09:30:00"


def _write_sav(df: pd.DataFrame, path: Path, wave: int) -> None:
    import pyreadstat

    col_labels, value_labels, missing, measure, fmt = _value_labels(wave)
    out = df.copy()
    for name in out.columns:
        if name in ("STARTDATE", "OPEN"):
            out[name] = out[name].astype(object).where(out[name].notna(), None)
        elif name != "RESPID":
            out[name] = out[name].astype(np.float64)
    cols = list(out.columns)
    pyreadstat.write_sav(
        out, str(path), file_label=f"Nationale Voice Monitor {wave}", row_compress=True,
        column_labels={c: col_labels.get(c) for c in cols},
        variable_value_labels={c: v for c, v in value_labels.items() if c in cols},
        missing_ranges={c: v for c, v in missing.items() if c in cols},
        variable_measure={c: v for c, v in measure.items() if c in cols},
        variable_format={c: v for c, v in fmt.items() if c in cols},
    )
    # pyreadstat stamps the wall-clock creation date/time into the header; pin it.
    with open(path, "r+b") as fh:
        head = bytearray(fh.read(176))
        if head[:4] != b"$FL2" or head[_SAV_DATE][2:3] != b" " or head[_SAV_TIME][2:3] != b":":
            raise RuntimeError(f"{path}: unexpected SAV header layout; cannot pin the creation stamp.")
        date, time = _sav_stamp(wave)
        fh.seek(_SAV_DATE.start)
        fh.write(date)
        fh.seek(_SAV_TIME.start)
        fh.write(time)


def _same_bytes(a: Path, b: Path) -> bool:
    if not b.exists() or a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            ca, cb = fa.read(1 << 20), fb.read(1 << 20)
            if ca != cb:
                return False
            if not ca:
                return True


def _publish(write, final: Path) -> bool:
    """Write via ``write(tmp_path)`` next to ``final``; replace atomically only if different.

    The temporary name starts with a dot and ends in ``.tmp`` so a landing-zone sensor
    never mistakes it for a delivery. Returns True when ``final`` changed.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        if _same_bytes(tmp, final):
            return False
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
        return True
    finally:
        if tmp.exists():
            tmp.unlink()


def wave_format(wave: int, large: bool) -> str:
    """File format of a wave: parquet for everything when ``large``."""
    if large:
        return "parquet"
    return FORMATS.get(wave, "parquet")


def write_survey_sample(target_dir: Path, n_per_wave: dict[int, int] | None = None,
                        seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the sample waves into ``target_dir`` (``$VOICE_MONITOR_HOME/landing/survey``).

    ``n_per_wave`` defines the waves and their sizes (default ``DEFAULT_SIZES``). When any
    wave exceeds ``LARGE_N`` respondents, every wave is written as Parquet. Sample files of
    the same wave in another format (``voice_monitor_<wave>.<other ext>``) are removed, so
    the landing zone holds exactly one delivery per wave. Returns the paths written
    (including those whose bytes were already identical and were left untouched).
    """
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    sizes = dict(DEFAULT_SIZES if n_per_wave is None else n_per_wave)
    large = max(sizes.values(), default=0) > LARGE_N
    paths: list[Path] = []
    for wave in sorted(sizes):
        df = generate_wave(wave, int(sizes[wave]), seed)
        fmt = wave_format(wave, large)
        if wave == 2025 and not large:
            df[EXTRA_COLUMN] = _panel_source(seed, wave, len(df))
        final = target_dir / f"voice_monitor_{wave}.{_EXTENSIONS[fmt]}"
        if fmt == "csv_semicolon":
            writer = lambda p, d=df: _write_csv(d, p, ";", bom=True)          # noqa: E731
        elif fmt == "csv_comma":
            writer = lambda p, d=df: _write_csv(d, p, ",", bom=False)         # noqa: E731
        elif fmt == "sav":
            writer = lambda p, d=df, wv=wave: _write_sav(d, p, wv)            # noqa: E731
        else:
            writer = lambda p, d=df, wv=wave: _write_parquet(d, p, seed, wv)  # noqa: E731
        _publish(writer, final)
        for ext in ("csv", "parquet", "sav"):
            sibling = target_dir / f"voice_monitor_{wave}.{ext}"
            if sibling != final and sibling.exists():
                sibling.unlink()
        paths.append(final)
    return paths


# --------------------------------------------------------------------------------------
# Report: published figures against the weighted sample (docs/sample_data.md)
# --------------------------------------------------------------------------------------

_CHANNEL_SNAKE = {"telefoon": 1, "email": 2, "live_chat": 3, "face_to_face": 4, "whatsapp": 5,
                  "social_media": 6, "chatbot": 7, "sms": 8, "weet_niet": 99}
_CONTACT_TYPE_VAR = {"advies": "Q1_1", "bestelling_betaling": "Q1_2", "bezorging_retour": "Q1_3",
                     "gebruik_onderhoud": "Q1_4", "praktisch": "Q1_5"}
_GROUPS = {"primary": (1, 2), "secondary": (3, 4, 5), "tertiary": (6, 7, 8)}
_SECTOR_SNAKE = {"banken_verzekeraars": 1, "bezorgdiensten": 2, "nutsbedrijven": 3,
                 "online_retailers": 4, "overheid": 5, "telecom": 6, "zorg": 7}
_PERSONA_SNAKE = {"jurre": 1, "juna": 2, "janny": 3, "janus": 4}


def _figure(df: pd.DataFrame, w: np.ndarray, figure: str, where: dict[str, str]) -> float | None:
    """One published figure on a weighted wave (definitions of spec §4/§5)."""
    def pct(hit, base):
        base = np.asarray(base, dtype=bool)
        hit = np.asarray(hit, dtype=bool) & base
        return 100.0 * w[hit].sum() / w[base].sum()

    col = df.get
    if figure == "channel_by_contact_type":
        v = df[_CONTACT_TYPE_VAR[where["contact_type"]]]
        return pct(v == _CHANNEL_SNAKE[where["channel"]], v.notna())
    if figure == "persona_share":
        return pct(df["Q5"] == _PERSONA_SNAKE[where["persona"]], df["Q5"].notna())
    if figure == "frustration_share":
        return pct(df["Q3_1"] == 1, df["Q3_1"].notna())
    if figure == "open_to_automation":
        return pct(df["Q6"] == 1, df["Q6"].notna())
    if figure == "importance_understood":
        return pct(df["Q4_1"].isin([4, 5]), df["Q4_1"].notna())
    if figure == "disadvantage_no_handover":
        return pct(df["Q7_1"] == 1, df["Q7_1"].notna())
    if figure == "chatbot_correct":
        return pct(df["Q10_CORRECT"] == 1, (df["Q10_GEBRUIK"] == 1) & df["Q10_CORRECT"].notna())
    if figure == "channel_group_share":
        return pct(df["Q2_R1"].isin(_GROUPS[where["channel_group"]]), df["Q2_R1"].notna())
    if figure in ("sector_positive_attitude", "sector_any_automated_contact", "sector_kpi"):
        s = _SECTOR_SNAKE[where["sector"]]
        chat, voice = col(f"S{s}_CHATBOT"), col(f"S{s}_SPRAAK")
        if where["kpi"] == "positive_attitude":
            return pct(df[f"S{s}_HOUDING"] >= 6, df[f"S{s}_HOUDING"].notna())
        if where["kpi"] == "any_automated_contact":
            return pct((chat == 1) | (voice == 1), chat.notna() | voice.notna())
        if where["kpi"] == "chatbot_contact":
            return pct(chat == 1, chat.notna())
        if where["kpi"] == "voice_contact":
            return pct(voice == 1, voice.notna())
    return None


def calibration_report(seed: int = DEFAULT_SEED, sizes: dict[int, int] | None = None):
    """(rows, diagnostics): every published survey figure against the weighted sample.

    Rows are dicts (figure, wave, where, precision, published, target, sample, diff_pp);
    ``target`` is the published value, with the persona tables scaled to sum to 100.
    """
    sizes = dict(DEFAULT_SIZES if sizes is None else sizes)
    targets = load_targets()
    frames, weights, diagnostics = {}, {}, {}
    for wave, n in sorted(sizes.items()):
        df = generate_wave(wave, n, seed)
        codes = {"GESLACHT": df["GESLACHT"].to_numpy(), "LEEFTIJD_BAND": _band_of(df["LEEFTIJD"].to_numpy()),
                 "REGIO": df["REGIO"].to_numpy(), "OPLEIDING": df["OPLEIDING"].to_numpy()}
        result = rake(wave, codes, targets.for_wave(wave))
        frames[wave], weights[wave], diagnostics[wave] = df, result.weights, result.diagnostics()
    with open(SEEDS_DIR / "published_2026.csv", newline="", encoding="utf-8") as fh:
        published = list(csv.DictReader(fh))
    persona_totals: dict[str, float] = {}
    for r in published:
        if r["figure"] == "persona_share":
            persona_totals[r["wave"]] = persona_totals.get(r["wave"], 0.0) + float(r["value"])
    rows = []
    for r in published:
        wave = int(r["wave"])
        if r["precision"] == "count" or wave not in frames:
            continue
        where = dict(part.split("=", 1) for part in r["where"].split(";") if "=" in part)
        value = _figure(frames[wave], weights[wave], r["figure"], where)
        if value is None:
            continue
        target = float(r["value"])
        if r["figure"] == "persona_share":
            target = target * 100.0 / persona_totals[r["wave"]]
        rows.append({"figure": r["figure"], "wave": wave, "where": r["where"], "precision": r["precision"],
                     "published": float(r["value"]), "target": target, "sample": value,
                     "diff_pp": value - target})
    return rows, diagnostics


def _markdown_report(seed: int = DEFAULT_SEED) -> str:
    rows, diagnostics = calibration_report(seed)
    lines = ["| wave | n | min w | max w | deff | n_eff | efficiency |", "|---|---|---|---|---|---|---|"]
    for wave, d in diagnostics.items():
        lines.append(f"| {wave} | {d['n']} | {d['min_w']:.3f} | {d['max_w']:.3f} | {d['deff']:.3f} "
                     f"| {d['n_eff']:.1f} | {d['efficiency']:.3f} |")
    lines += ["", "| figure | wave | where | precision | published | sample (weighted) | diff pp |",
              "|---|---|---|---|---|---|---|"]
    for r in rows:
        published = f"{r['published']:g}" + (f" (→ {r['target']:.2f})" if r["target"] != r["published"] else "")
        lines.append(f"| {r['figure']} | {r['wave']} | {r['where']} | {r['precision']} | {published} "
                     f"| {r['sample']:.2f} | {r['diff_pp']:+.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":   # python -m orchestration.survey.sample [target_dir] [--report]
    import sys

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--report" in sys.argv:
        print(_markdown_report())
    else:
        for written in write_survey_sample(Path(args[0]) if args else Path("data/landing/survey")):
            print(written)
