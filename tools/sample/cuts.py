"""Calibrated cuts: category assignments whose *weighted* shares hit target shares up to one
respondent's weight (the numeric core of the survey sample, tools.sample.survey)."""

from __future__ import annotations

import numpy as np

from tools.sample.survey_profiles import _GRADE_HIGH, _GRADE_LOW, _MAX_SORT, _PROFILE_WAVES


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
