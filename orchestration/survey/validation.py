"""The survey file contract (spec §2) as vectorised checks, one rule per failure kind.

Every rule yields one report entry per variable it fails on, with the complete count and
the first rows / RESPIDs as examples, so that the quarantine report tells the fieldwork
agency exactly what to fix. Row numbers count from 1 for the first data row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration import codebook as cb
from orchestration.survey.readers import _is_numeric, as_object_cells, numeric_view
from orchestration.warehouse.landing import EXAMPLES_CAP, Finding

# Plain-words descriptions of each rule (used in messages and docs/survey_contract.md).
RULES = {
    "empty_file": "the file is empty",
    "not_utf8": "a CSV file must be UTF-8",
    "unreadable_file": "the file cannot be read in its format",
    "unsupported_format": "only .csv, .parquet and .sav files are accepted",
    "no_respondents": "the file has a header but no respondents",
    "duplicate_column": "a column appears twice (names match case-insensitively)",
    "missing_required_column": "a variable asked in this wave is missing",
    "respid_missing": "RESPID is empty",
    "respid_duplicate": "RESPID is not unique within the wave",
    "background_missing": "a background variable (GESLACHT, LEEFTIJD, REGIO, OPLEIDING) is empty",
    "invalid_number": "the value is not a number",
    "not_integer": "a code or age must be a whole number (3.0 is fine, 3.5 is not)",
    "age_out_of_range": "LEEFTIJD must be between 18 and 99",
    "invalid_code": "the value is not in the variable's code list or scale",
    "routing_violation": "an answer is present where the routing says the question was not asked",
    "q3_too_many_mentions": "Q3 allows at most 3 mentions",
    "q7_exclusive_violation": "Q7_8 'geen nadelen' excludes the other Q7 answers",
    "q2_rank_order": "Q2: R2 requires R1 and R3 requires R2",
    "q2_duplicate_rank": "Q2 ranks must name distinct channels",
}


@dataclass
class ValidationResult:
    wave: int
    errors: list[Finding]
    warnings: list[Finding]
    typed: pd.DataFrame | None           # rows ready for raw.survey_responses (None when rejected)
    n_rows: int = 0
    dropped_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class _Checker:
    def __init__(self, frame: pd.DataFrame, wave: int):
        self.frame = frame
        self.wave = wave
        self.n = len(frame)
        self.errors: list[Finding] = []
        self.warnings: list[Finding] = []
        self.bad_rows = np.zeros(self.n, dtype=bool)
        self.respids = np.array([""] * self.n, dtype=object)

    def fail(self, rule: str, mask: np.ndarray, variable: str | None, detail: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        count = int(mask.sum())
        if not count:
            return
        idx = np.flatnonzero(mask)
        self.bad_rows |= mask
        where = f"{variable}: " if variable else ""
        self.errors.append(Finding(
            rule, f"{where}{detail} ({count} row{'s' if count != 1 else ''}).", count,
            (idx[:EXAMPLES_CAP] + 1).tolist(),
            [r for r in self.respids[idx[:EXAMPLES_CAP]] if r not in ("", None)], variable))


def _examples(values, mask: np.ndarray, k: int = 5) -> str:
    if not mask.any():
        return ""
    uniq = pd.unique(pd.Series(np.asarray(values[mask], dtype=object)).astype(str))[:k]
    return ", ".join(uniq)


def _fmt_codes(codes: tuple[int, ...]) -> str:
    codes = tuple(sorted(codes))
    if len(codes) > 3 and codes[: -1] == tuple(range(codes[0], codes[-2] + 1)) and codes[-1] == 99:
        return f"{codes[0]}–{codes[-2]} or 99"
    if codes == tuple(range(codes[0], codes[-1] + 1)):
        return f"{codes[0]}–{codes[-1]}"
    return ", ".join(map(str, codes))


def validate(frame: pd.DataFrame, wave: int, max_bad_rows: int = 0) -> ValidationResult:
    """Check one delivered frame against the contract for ``wave`` and type it for the raw layer."""
    ck = _Checker(frame, wave)
    if ck.n == 0:
        ck.errors.append(Finding("no_respondents", "The file has a header but no respondents.", 0))
        return ValidationResult(wave, ck.errors, ck.warnings, None)

    # --- columns ---------------------------------------------------------------------
    by_upper: dict[str, list[str]] = {}
    for col in frame.columns:
        by_upper.setdefault(col.upper(), []).append(col)
    for upper, cols in by_upper.items():
        if len(cols) > 1:
            ck.errors.append(Finding("duplicate_column",
                                     f"Column {upper} appears {len(cols)} times ({', '.join(cols)}).",
                                     len(cols), variable=upper))
    column = {upper: cols[0] for upper, cols in by_upper.items()}
    known = cb.variables_by_name()
    in_wave = {v.name for v in cb.variables_for_wave(wave)}
    missing = [v.name for v in cb.required_for_wave(wave) if v.name not in column]
    if missing:
        ck.errors.append(Finding(
            "missing_required_column",
            f"{len(missing)} variable(s) asked in wave {wave} are missing: {', '.join(missing)}.",
            len(missing), variable=",".join(missing)))
    extra = [column[u] for u in column if u not in known]
    later = [column[u] for u in column if u in known and u not in in_wave]
    if extra:
        ck.warnings.append(Finding("unknown_column",
                                   f"Unknown column(s) kept in the raw layer only: {', '.join(extra)}.",
                                   len(extra)))
    if later:
        ck.warnings.append(Finding("variable_not_in_wave",
                                   f"Variable(s) first asked after wave {wave} are ignored: {', '.join(later)}.",
                                   len(later)))

    # --- RESPID -------------------------------------------------------------------------
    if "RESPID" in column:
        cells = frame[column["RESPID"]]
        values, empty, _ = numeric_view(cells)
        integral = ~empty & np.isfinite(values) & (values == np.floor(values))
        # numeric ids delivered as 12.0 are the id 12
        if _is_numeric(cells):
            as_text = _numeric_ids(values, empty, integral)
        else:
            as_text = cells.map(lambda v: None if v is None else str(v).strip())
            as_text = as_text.where(~integral, pd.Series(values, dtype=float).map(
                lambda x: str(int(x)) if np.isfinite(x) else None))
        ck.respids = as_text.fillna("").to_numpy(dtype=object)
        ck.fail("respid_missing", empty, "RESPID", "RESPID is empty")
        dup = as_text.duplicated(keep=False).to_numpy() & ~empty
        ck.fail("respid_duplicate", dup, "RESPID",
                f"RESPID is not unique within the wave (e.g. {_examples(ck.respids, dup)})")

    # --- values -------------------------------------------------------------------------
    numbers: dict[str, np.ndarray] = {}
    for var in cb.variables_for_wave(wave):
        if var.name not in column or not var.is_numeric or var.name == "RESPID":
            continue
        cells = frame[column[var.name]]
        values, empty, bad = numeric_view(cells)
        if var.name == "GEWICHT":
            if bad.any():
                ck.warnings.append(Finding("invalid_weight",
                                           f"GEWICHT: {int(bad.sum())} non-numeric value(s) set to empty.",
                                           int(bad.sum()), (np.flatnonzero(bad)[:EXAMPLES_CAP] + 1).tolist()))
            numbers[var.name] = np.where(bad, np.nan, values)
            continue
        raw = cells                  # examples only (converted when there is an error)
        ck.fail("invalid_number", bad, var.name, f"value(s) that are not numbers (e.g. {_examples(raw, bad)})")
        finite = ~empty & ~bad
        fractional = finite & (values != np.floor(np.where(finite, values, 0)))
        ck.fail("not_integer", fractional, var.name,
                f"value(s) that are not whole numbers (e.g. {_examples(raw, fractional)})")
        whole = finite & ~fractional
        if var.name in cb.BACKGROUND_REQUIRED:
            ck.fail("background_missing", empty, var.name, "background variable is empty")
        if var.name == "LEEFTIJD":
            out = whole & ((values < cb.AGE_MIN) | (values > cb.AGE_MAX))
            ck.fail("age_out_of_range", out, var.name,
                    f"age outside {cb.AGE_MIN}–{cb.AGE_MAX} (e.g. {_examples(raw, out)})")
        elif var.allowed is not None:
            out = whole & ~np.isin(values, np.array(var.allowed, dtype=float))
            ck.fail("invalid_code", out, var.name,
                    f"value(s) outside the allowed codes {_fmt_codes(var.allowed)} (e.g. {_examples(raw, out)})")
        numbers[var.name] = np.where(finite & ~fractional, values, np.nan)

    # --- routing ----------------------------------------------------------------------
    for var in cb.variables_for_wave(wave):
        if not var.routing or var.name not in numbers:
            continue
        asked = np.zeros(ck.n, dtype=bool)
        for cond in var.routing:
            if cond.variable in numbers:
                asked |= numbers[cond.variable] == cond.code
        answered = ~np.isnan(numbers[var.name])
        rule_text = " or ".join(f"{c.variable}={c.code}" for c in var.routing)
        ck.fail("routing_violation", answered & ~asked, var.name,
                f"answered although only asked when {rule_text}")

    # --- multi-response blocks and ranks ----------------------------------------------
    q3 = [n for n in numbers if n.startswith("Q3_")]
    if q3:
        mentions = np.nansum(np.column_stack([numbers[n] == 1 for n in q3]), axis=1)
        ck.fail("q3_too_many_mentions", mentions > 3, "Q3", "more than 3 frustrations mentioned")
    if "Q7_8" in numbers:
        others = [n for n in numbers if n.startswith("Q7_") and n != "Q7_8"]
        any_other = np.any(np.column_stack([numbers[n] == 1 for n in others]), axis=1) if others else False
        ck.fail("q7_exclusive_violation", (numbers["Q7_8"] == 1) & any_other, "Q7_8",
                "'geen nadelen' combined with a disadvantage")
    ranks = [numbers.get(f"Q2_R{k}") for k in (1, 2, 3)]
    if all(r is not None for r in ranks):
        r1, r2, r3 = (~np.isnan(r) for r in ranks)
        ck.fail("q2_rank_order", (r2 & ~r1) | (r3 & ~r2), "Q2", "a lower rank is filled while a higher rank is empty")
        dup = ((r1 & r2 & (ranks[0] == ranks[1])) | (r1 & r3 & (ranks[0] == ranks[2]))
               | (r2 & r3 & (ranks[1] == ranks[2])))
        ck.fail("q2_duplicate_rank", dup, "Q2", "the same channel is ranked twice")

    # --- tolerance for a few bad rows (configurable, default zero) -----------------------
    keep = np.ones(ck.n, dtype=bool)
    dropped = 0
    file_level = {"duplicate_column", "missing_required_column"}
    if ck.errors and max_bad_rows > 0 and not any(e.rule in file_level for e in ck.errors):
        n_bad = int(ck.bad_rows.sum())
        if n_bad <= max_bad_rows:
            for e in ck.errors:
                e.message = "Row dropped (tolerated): " + e.message
            ck.warnings.extend(ck.errors)
            ck.errors = []
            keep = ~ck.bad_rows
            dropped = n_bad
    if ck.errors:
        return ValidationResult(wave, ck.errors, ck.warnings, None, ck.n)

    typed = _typed(frame, column, numbers, ck.respids, wave, extra + later)
    if not keep.all():
        typed = typed[keep].reset_index(drop=True)
    return ValidationResult(wave, [], ck.warnings, typed, ck.n, dropped)


def _numeric_ids(values: np.ndarray, empty: np.ndarray, integral: np.ndarray) -> pd.Series:
    """RESPIDs of a numeric column as text, as the object path gives them: a whole number as
    its integer digits (12.0 is "12"), anything else as ``str`` of the value, empty as None."""
    text = np.full(len(values), None, dtype=object)
    small = integral & (np.abs(values) < 2.0 ** 62)
    text[small] = values[small].astype(np.int64).astype(str).tolist()
    for i in np.flatnonzero(~empty & ~small):
        text[i] = str(int(values[i])) if integral[i] else str(float(values[i]))
    return pd.Series(text, dtype=object)


def _masked_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """The text cells of unknown columns masked like OPEN (``privacy.mask_texts``, once per
    distinct text over all the columns); other cells as they are."""
    from orchestration.privacy import mask_texts

    texts = sorted({v for col in frame.columns for v in frame[col] if isinstance(v, str)})
    if not texts:
        return frame
    masked = dict(zip(texts, mask_texts(texts)))
    return frame.apply(lambda s: s.map(lambda v: masked.get(v, v) if isinstance(v, str) else v))


def _typed(frame, column, numbers, respids, wave, extra_cols) -> pd.DataFrame:
    n = len(frame)
    out: dict[str, object] = {"wave": np.full(n, wave, dtype=np.int32), "RESPID": respids.astype(str)}
    for var in cb.all_variables():
        name = var.name
        if name == "RESPID":
            continue
        if name in numbers:
            if name == "GEWICHT":
                out[name] = numbers[name]
            else:
                missing = np.isnan(numbers[name])
                out[name] = pd.arrays.IntegerArray(
                    np.where(missing, 0, numbers[name]).astype(np.int64), missing)
        elif name in column and not var.is_numeric and var.first_wave <= wave:
            out[name] = as_object_cells(frame[column[name]]).map(
                lambda v: None if v is None else str(v)).to_numpy(dtype=object)
        else:
            out[name] = pd.array([pd.NA] * n, dtype="Float64" if name == "GEWICHT" else (
                "Int64" if var.is_numeric else "string"))
    if extra_cols:
        sub = _masked_strings(frame[extra_cols].astype(object).where(frame[extra_cols].notna(), None))
        out["_extra_columns"] = [json.dumps(rec, ensure_ascii=False, default=str)
                                 for rec in sub.to_dict(orient="records")]
    else:
        out["_extra_columns"] = [None] * n
    out["_row_number"] = np.arange(1, n + 1, dtype=np.int64)
    return pd.DataFrame(out)
