"""Raking (spec §3) against independent implementations: weightipy and ipfn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from independent import age_band
from orchestration.survey.weighting import (
    LOWER, UPPER, MARGINS, WeightingError, gender_targets, load_targets, rake)

TARGETS_2026 = load_targets().for_wave(2026)


def skewed_panel(n: int, seed: int, young: float = 0.17, low_edu: float = 0.18) -> dict[str, np.ndarray]:
    """An online-panel-like sample: too few young and low-educated respondents."""
    rng = np.random.default_rng(seed)
    age = np.where(rng.random(n) < young, rng.integers(18, 35, n),
                   np.where(rng.random(n) < 0.42, rng.integers(35, 55, n), rng.integers(55, 95, n)))
    edu = rng.choice([1, 2, 3], n, p=[low_edu, 0.38, 1 - low_edu - 0.38])
    # education correlates with age a little, so margins interact and raking needs several sweeps
    edu = np.where((age < 35) & (rng.random(n) < 0.3), 3, edu)
    return {
        "GESLACHT": rng.choice([1, 2, 3], n, p=[0.47, 0.51, 0.02]),
        "LEEFTIJD_BAND": age_band(age),
        "REGIO": rng.choice([1, 2, 3, 4], n, p=[0.12, 0.24, 0.20, 0.44]),
        "OPLEIDING": edu,
    }


def _frame(codes):
    return pd.DataFrame({k: np.asarray(v) for k, v in codes.items()})


def _weightipy(codes, targets):
    import weightipy as wp

    frame = _frame(codes)
    gender = gender_targets(targets["GESLACHT"], frame["GESLACHT"].to_numpy())
    scheme = {name: {int(c): 100.0 * s / sum(t.values()) for c, s in t.items()}
              for name, t in {**targets, "GESLACHT": gender}.items()}
    rim = wp.scheme_from_dict(scheme, rim_params={"convcrit": 0.0, "max_iterations": 20000})
    weights = wp.weight(frame, rim).to_numpy(dtype=float)
    return weights * len(weights) / weights.sum()


def _ipfn(codes, targets, start=None):
    from ipfn import ipfn

    frame = _frame(codes)
    frame["total"] = 1.0 if start is None else start
    n = len(frame)
    gender = gender_targets(targets["GESLACHT"], frame["GESLACHT"].to_numpy())
    aggregates, dimensions = [], []
    for name in MARGINS:
        t = gender if name == "GESLACHT" else targets[name]
        total = sum(t.values())
        aggregates.append(pd.Series({c: n * s / total for c, s in t.items()}).rename_axis(name))
        dimensions.append([name])
    fitted = ipfn.ipfn(frame, aggregates, dimensions, weight_col="total",
                       convergence_rate=1e-15, max_iteration=20000, rate_tolerance=0.0).iteration()
    weights = fitted["total"].to_numpy(dtype=float)
    return weights * n / weights.sum()


def _margin_deviation(weights, codes, targets):
    gender = gender_targets(targets["GESLACHT"], np.asarray(codes["GESLACHT"]))
    worst = 0.0
    for name in MARGINS:
        t = gender if name == "GESLACHT" else targets[name]
        total = sum(t.values())
        for code, share in t.items():
            observed = weights[np.asarray(codes[name]) == code].sum() / weights.sum()
            worst = max(worst, abs(observed - share / total))
    return worst


@pytest.fixture(scope="module")
def panel():
    return skewed_panel(1500, seed=7)


def test_matches_weightipy_when_no_bound_binds(panel):
    result = rake(2026, panel, TARGETS_2026)
    assert result.weights.min() > LOWER and result.weights.max() < UPPER  # no bound binds here
    assert result.cycles == 1
    reference = _weightipy(panel, TARGETS_2026)
    np.testing.assert_allclose(result.weights, reference, rtol=0, atol=1e-9)


def test_matches_ipfn_when_no_bound_binds(panel):
    result = rake(2026, panel, TARGETS_2026)
    reference = _ipfn(panel, TARGETS_2026)
    np.testing.assert_allclose(result.weights, reference, rtol=0, atol=1e-9)


def test_weights_meet_margins_and_normalisation(panel):
    result = rake(2026, panel, TARGETS_2026)
    w = result.weights
    assert abs(w.mean() - 1) < 1e-12
    assert _margin_deviation(w, panel, TARGETS_2026) <= 1e-10
    d = result.diagnostics()
    assert d["n"] == 1500 and abs(d["sum_w"] - 1500) < 1e-9
    assert d["deff"] == pytest.approx(len(w) * (w ** 2).sum() / w.sum() ** 2, rel=1e-12)
    assert d["n_eff"] == pytest.approx(w.sum() ** 2 / (w ** 2).sum(), rel=1e-12)
    assert d["efficiency"] == pytest.approx(d["n_eff"] / d["n"], rel=1e-12)
    assert d["deff"] == pytest.approx(1 + w.std(ddof=0) ** 2 / w.mean() ** 2, rel=1e-9)
    assert d["max_margin_deviation"] <= 1e-10
    assert d["iterations"] == result.sweeps >= 2


def test_gender_category_three_keeps_its_unweighted_share(panel):
    result = rake(2026, panel, TARGETS_2026)
    g = np.asarray(panel["GESLACHT"])
    s3 = np.mean(g == 3)
    assert result.weights[g == 3].sum() / result.weights.sum() == pytest.approx(s3, abs=1e-10)
    men = result.weights[g == 1].sum() / result.weights.sum()
    assert men == pytest.approx(0.494 * (1 - s3), abs=1e-10)


def _trimmed_reference(codes, targets):
    """The contract's cycle (rake to convergence, mean 1, clip) with ipfn as the raker."""
    w = np.ones(len(codes["GESLACHT"]))
    for _ in range(100):
        w = _ipfn(codes, targets, start=w)
        w = np.clip(w * len(w) / w.sum(), LOWER, UPPER)
        if _margin_deviation(w, codes, targets) <= 1e-10:
            return w
    raise AssertionError("reference did not converge")


def test_trimming_when_bounds_bind():
    # few young, low-educated respondents: their unbounded raking weights exceed 5
    codes = skewed_panel(1200, seed=3, young=0.08, low_edu=0.08)
    unbounded = rake(2026, codes, TARGETS_2026, lower=0.0, upper=1e9)
    assert unbounded.weights.max() > UPPER or unbounded.weights.min() < LOWER
    result = rake(2026, codes, TARGETS_2026)
    w = result.weights
    assert result.cycles > 1
    assert w.min() >= LOWER - 1e-9 and w.max() <= UPPER + 1e-9
    assert np.isclose(w.max(), UPPER) or np.isclose(w.min(), LOWER)  # a bound is actually in use
    assert _margin_deviation(w, codes, TARGETS_2026) <= 1e-10
    assert abs(w.sum() - len(w)) < 1e-6
    np.testing.assert_allclose(w, _trimmed_reference(codes, TARGETS_2026), rtol=0, atol=1e-6)


def test_fails_after_100_cycles_when_bounds_make_margins_impossible():
    codes = skewed_panel(1000, seed=5)
    targets = dict(TARGETS_2026)
    targets["REGIO"] = {1: 0.97, 2: 0.01, 3: 0.01, 4: 0.01}   # the north is 12% of the panel
    with pytest.raises(WeightingError, match=r"Wave 2026 cannot be weighted: after 100 raking cycles"):
        rake(2026, codes, targets)


def test_missing_category_with_positive_target_names_the_margin():
    codes = skewed_panel(500, seed=1)
    codes["REGIO"] = np.full(500, 4)   # nobody outside the West
    with pytest.raises(WeightingError, match=r"Wave 2026 .* margin REGIO category 1, 2, 3 has a positive"):
        rake(2026, codes, TARGETS_2026)


def test_wave_without_targets_fails_naming_the_wave():
    with pytest.raises(WeightingError, match="no population targets for wave 2031"):
        load_targets().for_wave(2031)


def test_override_targets_file_is_used(tmp_path):
    override = tmp_path / "population_targets.csv"
    override.write_text("wave,variable,code,category,share\n"
                        + "\n".join(f"2040,{m},{c},x,{s}" for m, cs in TARGETS_2026.items() for c, s in cs.items()),
                        encoding="utf-8")
    targets = load_targets(override)
    assert targets.source == str(override)
    assert targets.for_wave(2040) == TARGETS_2026
