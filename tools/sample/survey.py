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

import numpy as np
import pandas as pd

from orchestration.codebook import sector_first_waves, variables_for_wave
from orchestration.survey.weighting import load_targets, rake
from tools.sample.cuts import (
    _channel_trend, _exact_draw, _grade_dist, _interp, _multi_at_least_one, _multi_max3,
    _profile_wave, _single, _single_dk, _top, _weighted_cut,
)
from tools.sample.open_answers import _open_answers
from tools.sample.survey_profiles import (
    _AGE_BAND_P, _AGE_BAND_STARTS, _CHANNEL_CODES, _EDU_GIVEN_AGE, _FOLLOWUPS, _GENDER_P, _NR,
    _PERSONAS, _PROFILE_WAVES, _Q10_GEBRUIK, _Q11_GEBRUIK, _Q12, _Q13, _Q1_2026, _Q1_CODES,
    _Q2_2026, _Q3, _Q3_LEAN, _Q4, _Q4_LEAN, _Q6, _Q7, _Q8, _Q9_PASS, _REGION_P, _S_CONTACT_2026,
    _S_ERVARING, _S_KANAAL_2026, _S_POSITIVE, CHANNEL_ORDER, DEFAULT_SEED, GEWICHT_WAVES,
)


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
