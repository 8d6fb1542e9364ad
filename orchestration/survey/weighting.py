"""Raking (iterative proportional fitting) of a wave to population margins, spec §3.

Vectorised with numpy on the raking cells (respondents grouped by their categories of the four
margins, a few hundred at most): a weight is a function of the cell, so a sweep over a margin is
a ``bincount`` over the cells, and a million respondents rake in milliseconds. The cycle structure (rake to
convergence, normalise to mean 1, clip to the bounds, repeat) is the contract's, so that
with no binding bound the answer is the unique raking solution any correct library gives.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.errors import UserError
from orchestration.paths import SEEDS_DIR

# The weighting design, in one place (the weighting guard, expectations/weighting.py, reads it
# from here): the raking margins — columns of staging.stg_survey__responses, where dbt derives
# LEEFTIJD_BAND — and the bounds the weights are trimmed to (spec §3).
MARGINS = ("GESLACHT", "LEEFTIJD_BAND", "REGIO", "OPLEIDING")
LOWER, UPPER = 0.2, 5.0
INNER_TOL = 1e-12        # a cycle rakes until the largest margin deviation is <= this
MARGIN_TOL = 1e-10       # a wave is weighted when every margin is within this
BOUND_TOL = 1e-9
MAX_CYCLES = 100
MAX_SWEEPS_PER_CYCLE = 10_000


class WeightingError(UserError):
    """A wave that cannot be weighted, or a targets file that cannot be used; the message names
    the wave and the margin, or the file and the line."""


# every "cannot be weighted" message below starts "Wave <YYYY> cannot be weighted": a failed run
# blames that wave's delivery only (orchestration.warehouse.blame.failing_waves)


@dataclass(frozen=True)
class Targets:
    """Population shares per wave: ``{wave: {margin: {code: share}}}``, plus provenance."""

    shares: dict[int, dict[str, dict[int, float]]]
    source: str
    content_hash: str

    def for_wave(self, wave: int) -> dict[str, dict[int, float]]:
        if wave not in self.shares:
            raise WeightingError(
                f"Wave {wave} cannot be weighted: {self.source} has no population targets "
                f"for wave {wave} (it covers {', '.join(map(str, sorted(self.shares))) or 'no wave'})."
            )
        margins = self.shares[wave]
        missing = [m for m in MARGINS if m not in margins]
        if missing:
            raise WeightingError(
                f"Wave {wave} cannot be weighted: {self.source} has no targets for the "
                f"margin(s) {', '.join(missing)} in wave {wave}."
            )
        return margins


def load_targets(override: Path | None = None) -> Targets:
    """Read the override file when present, else the bundled seed. A file with a repeated
    category row or shares that look like percentages is refused as a whole (every problem
    named with its line): silently keeping one of two rows, or normalising 49/51 as if they
    were fractions, would weight the survey to targets nobody wrote."""
    path = override if override is not None and override.exists() else SEEDS_DIR / "population_targets.csv"
    raw = path.read_bytes()
    shares: dict[int, dict[str, dict[int, float]]] = {}
    lines: dict[tuple[int, str, int], int] = {}       # (wave, variable, code) -> line it is on
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WeightingError(f"{path} is not a UTF-8 text file (a population-targets CSV).") from None
    reader = csv.DictReader(text.splitlines())
    needed = {"wave", "variable", "code", "share"}
    if reader.fieldnames is None or not needed <= {f.strip().lower() for f in reader.fieldnames if f}:
        raise WeightingError(
            f"{path} is not a population-targets file: it needs the columns wave, variable, code, share."
        )
    problems: list[str] = []
    for lineno, row in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue                                   # a blank line
        try:
            wave, code, share = int(row["wave"]), int(float(row["code"])), float(row["share"])
        except ValueError:
            problems.append(f"line {lineno}: wave, code and share must be numbers "
                            f"(got wave {row['wave']!r}, code {row['code']!r}, share {row['share']!r}).")
            continue
        variable = row["variable"].upper()
        if share < 0:
            problems.append(f"line {lineno}: a share cannot be negative (wave {wave}, {variable} code {code}: {share:g}).")
            continue
        first = lines.setdefault((wave, variable, code), lineno)
        if first != lineno:
            problems.append(f"line {lineno}: wave {wave}, {variable} code {code} is given twice "
                            f"(first on line {first}); each category has exactly one row.")
            continue
        shares.setdefault(wave, {}).setdefault(variable, {})[code] = share
    problems.extend(_percentage_problems(shares, lines))
    if problems:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise WeightingError(f"{path} cannot be used as population targets:\n" + "\n".join(f"  {p}" for p in shown))
    return Targets(shares, str(path), hashlib.sha256(raw).hexdigest())


def _percentage_problems(shares: dict[int, dict[str, dict[int, float]]],
                         lines: dict[tuple[int, str, int], int]) -> list[str]:
    """Shares are fractions of 1. A margin summing to about 100 was typed in percent; a single
    share above 1 among fractions is one typed in percent."""
    problems = []
    for wave, margins in sorted(shares.items()):
        for variable, codes in sorted(margins.items()):
            total = sum(codes.values())
            where = sorted(lines[(wave, variable, c)] for c in codes)
            if 90 <= total <= 110:
                example = next(iter(codes.values()))
                problems.append(
                    f"lines {where[0]}-{where[-1]}: the shares of wave {wave}, {variable} sum to {total:g}: "
                    f"they look like percentages. Write them as fractions of 1 ({example:g} % -> {example / 100:g}).")
                continue
            for code, share in sorted(codes.items()):
                if share > 1:
                    problems.append(
                        f"line {lines[(wave, variable, code)]}: the share {share:g} of wave {wave}, {variable} code "
                        f"{code} is above 1: it looks like a percentage. Write it as a fraction of 1 "
                        f"({share:g} % -> {share / 100:g}).")
    return problems


def raking_targets(margin: str, shares: dict[int, float], codes: np.ndarray) -> dict[int, float]:
    """The share each category of ``margin`` is raked to (spec §3): the population shares
    normalised to sum to 1, gender with the category-3 rule (``codes``: the wave's respondents'
    categories of the margin). Empty when the shares sum to 0."""
    t = gender_targets(shares, codes) if margin == "GESLACHT" else dict(shares)
    total = sum(t.values())
    return {c: s / total for c, s in t.items()} if total > 0 else {}


def gender_targets(targets: dict[int, float], gender: np.ndarray) -> dict[int, float]:
    """The contract's rule for category 3: t1·(1 − s3), t2·(1 − s3), s3 (s3 unweighted)."""
    if 3 in targets:  # a targets file that does give category 3 is taken as it is
        return targets
    s3 = float(np.mean(gender == 3)) if gender.size else 0.0
    t_sum = targets.get(1, 0.0) + targets.get(2, 0.0)
    return {1: targets.get(1, 0.0) / t_sum * (1 - s3),
            2: targets.get(2, 0.0) / t_sum * (1 - s3),
            3: s3}


@dataclass(frozen=True)
class _Margin:
    name: str
    index: np.ndarray       # category index per respondent (0..k-1)
    target: np.ndarray      # target share per category index (sums to 1)
    codes: tuple[int, ...]


@dataclass(frozen=True)
class WeightingResult:
    weights: np.ndarray
    sweeps: int
    cycles: int
    max_margin_deviation: float

    def diagnostics(self) -> dict[str, float]:
        w = self.weights
        n = int(w.size)
        sum_w = float(w.sum())
        sum_w2 = float(np.dot(w, w))
        n_eff = sum_w * sum_w / sum_w2
        return {
            "n": n, "sum_w": sum_w, "min_w": float(w.min()), "max_w": float(w.max()),
            "deff": n * sum_w2 / (sum_w * sum_w), "n_eff": n_eff, "efficiency": n_eff / n,
            "max_margin_deviation": self.max_margin_deviation, "iterations": self.sweeps,
        }


def _prepare(wave: int, codes: dict[str, np.ndarray], targets: dict[str, dict[int, float]]) -> list[_Margin]:
    margins = []
    for name in MARGINS:
        values = np.asarray(codes[name]).astype(np.int64)
        t = raking_targets(name, targets[name], values)
        if not t:
            raise WeightingError(f"Wave {wave} cannot be weighted: the targets of margin {name} sum to 0.")
        cats = tuple(sorted(t))
        unknown = np.setdiff1d(np.unique(values), np.array(cats))
        if unknown.size:
            raise WeightingError(
                f"Wave {wave} cannot be weighted: margin {name} has respondents in categor"
                f"{'y' if unknown.size == 1 else 'ies'} {', '.join(map(str, unknown))} without a target."
            )
        lookup = {c: i for i, c in enumerate(cats)}
        index = np.searchsorted(np.array(cats), values)
        target = np.array([t[c] for c in cats])
        counts = np.bincount(index, minlength=len(cats))
        empty = [cats[i] for i in range(len(cats)) if target[i] > 0 and counts[i] == 0]
        if empty:
            raise WeightingError(
                f"Wave {wave} cannot be weighted: margin {name} category "
                f"{', '.join(map(str, empty))} has a positive population target but no respondents."
            )
        assert len(lookup) == len(cats)
        margins.append(_Margin(name, index, target, cats))
    return margins


@dataclass(frozen=True)
class _Cells:
    """Respondents grouped by their raking cell (one category of every margin).

    A raking weight is a function of the cell: every sweep multiplies it by one factor per
    margin category. So the algorithm runs on the few hundred cells with their respondent
    counts as frequency weights — the same sums, the same cycles, the same answer — and the
    weights are handed out per respondent at the end.
    """

    counts: np.ndarray                  # respondents per cell
    index: list[np.ndarray]             # per margin: category index per cell
    inverse: np.ndarray                 # cell per respondent


def _cells(margins: list[_Margin]) -> _Cells:
    key = np.zeros(margins[0].index.size, dtype=np.int64)
    for m in margins:
        key = key * m.target.size + m.index
    size = int(np.prod([m.target.size for m in margins]))
    counts = np.bincount(key, minlength=size)
    present = np.flatnonzero(counts)
    position = np.zeros(size, dtype=np.int64)
    position[present] = np.arange(present.size)
    index, rest = [], present.copy()
    for m in reversed(margins):
        index.append(rest % m.target.size)
        rest //= m.target.size
    return _Cells(counts[present].astype(float), index[::-1], position[key])


def _max_deviation(w: np.ndarray, margins: list[_Margin], cells: _Cells) -> float:
    fw = cells.counts * w
    total = fw.sum()
    return max(float(np.max(np.abs(np.bincount(i, weights=fw, minlength=m.target.size) / total - m.target)))
               for m, i in zip(margins, cells.index))


def _rake_to_convergence(w: np.ndarray, margins: list[_Margin], cells: _Cells) -> tuple[np.ndarray, int, float]:
    sweeps = 0
    best = _max_deviation(w, margins, cells)
    while best > INNER_TOL and sweeps < MAX_SWEEPS_PER_CYCLE:
        for m, i in zip(margins, cells.index):
            fw = cells.counts * w
            totals = np.bincount(i, weights=fw, minlength=m.target.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(totals > 0, m.target * fw.sum() / totals, 0.0)
            w = w * factor[i]
        sweeps += 1
        dev = _max_deviation(w, margins, cells)
        if dev >= best:      # no further progress: floating point floor reached
            best = min(best, dev)
            break
        best = dev
    return w, sweeps, best


def rake(wave: int, codes: dict[str, np.ndarray], targets: dict[str, dict[int, float]],
         lower: float = LOWER, upper: float = UPPER) -> WeightingResult:
    """Weights (mean 1) for one wave; raises WeightingError when the contract says it cannot be done."""
    margins = _prepare(wave, codes, targets)
    n = margins[0].index.size
    if n == 0:
        raise WeightingError(f"Wave {wave} cannot be weighted: it has no respondents.")
    cells = _cells(margins)
    w = np.ones(cells.counts.size)
    sweeps = 0
    for cycle in range(1, MAX_CYCLES + 1):
        w, s, _ = _rake_to_convergence(w, margins, cells)
        sweeps += s
        w = w * (n / (cells.counts * w).sum())
        w = np.clip(w, lower, upper)
        dev = _max_deviation(w, margins, cells)
        if dev <= MARGIN_TOL and w.min() >= lower - BOUND_TOL and w.max() <= upper + BOUND_TOL:
            return WeightingResult(w[cells.inverse], sweeps, cycle, dev)
    raise WeightingError(
        f"Wave {wave} cannot be weighted: after {MAX_CYCLES} raking cycles with weights clipped to "
        f"[{lower}, {upper}] the margins are still {dev:.3g} away from their targets "
        f"(the panel is too far from the population)."
    )


# The respondents of the live waves with their margins, in delivery order: dbt's
# stg_survey__responses, built before this step (staging → weights → marts).
LIVE_ROWS = "staging.stg_survey__responses"
RESPONDENTS_SQL = f"""
select wave, respid, {", ".join(MARGINS)}
from {LIVE_ROWS}
order by wave, source_row_number
"""


def weight_active_waves(con, targets: Targets) -> dict[int, dict[str, float]]:
    """Rake every live wave and replace weights and diagnostics in the build database.

    All waves are re-weighted every time: it costs milliseconds per wave and means a change
    of targets or a re-delivered wave can never leave a stale weight behind.
    """
    from orchestration.warehouse import state

    frame = con.execute(RESPONDENTS_SQL).df()
    results: dict[int, dict[str, float]] = {}
    weight_frames = []
    for wave, group in frame.groupby("wave", sort=True):
        codes = {margin: group[margin].to_numpy(dtype=np.int64) for margin in MARGINS}
        result = rake(int(wave), codes, targets.for_wave(int(wave)))
        results[int(wave)] = result.diagnostics()
        weight_frames.append(pd.DataFrame({"wave": int(wave), "respid": group["respid"].to_numpy(),
                                           "weight": result.weights}))
    weights = pd.concat(weight_frames, ignore_index=True) if weight_frames else pd.DataFrame(
        {"wave": pd.Series(dtype="int32"), "respid": pd.Series(dtype=str), "weight": pd.Series(dtype=float)})
    diag = pd.DataFrame([{"wave": w, **d} for w, d in results.items()],
                        columns=["wave", "n", "sum_w", "min_w", "max_w", "deff", "n_eff", "efficiency",
                                 "max_margin_deviation", "iterations"])
    target_rows = []
    for wave in results:
        wave_targets = targets.for_wave(wave)
        gender = frame.loc[frame["wave"] == wave, "GESLACHT"].to_numpy(dtype=np.int64)
        for variable, shares in wave_targets.items():
            if variable not in MARGINS:
                continue
            raking = raking_targets(variable, shares, gender)
            for code in sorted(set(shares) | set(raking)):
                target_rows.append((wave, variable, code, shares.get(code), raking.get(code)))
    # the weights table is replaced, not emptied: deleting a million keys and inserting them
    # again in one transaction makes DuckDB reconcile its primary-key index at commit (minutes
    # at 1M respondents × 4 waves); dropping and re-creating it from its own DDL costs nothing
    ddl = state.first_row(con.execute(
        "select sql from duckdb_tables() where schema_name = 'weights' and table_name = 'survey_weights'"))[0]
    con.execute("begin")
    try:
        con.execute("drop table weights.survey_weights")
        con.execute(ddl)
        con.execute("delete from ops.survey_weighting")
        con.execute("delete from ops.population_targets")
        con.register("_weights", weights)
        con.execute("insert into weights.survey_weights select wave, respid, weight from _weights")
        con.unregister("_weights")
        con.register("_diag", diag)
        con.execute("insert into ops.survey_weighting by name select * from _diag")
        con.unregister("_diag")
        if target_rows:
            con.executemany("insert into ops.population_targets values (?, ?, ?, ?, ?)", target_rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return results
