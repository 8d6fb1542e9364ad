"""Read a survey delivery (CSV, Parquet, SPSS .sav) into one uniform pandas frame.

Every reader returns the delivered columns with the original header names, holding the
delivered values: *object* columns with either ``None`` (empty cell) or the value (str, int or
float), except that numeric columns of typed formats (Parquet, SPSS) stay numpy int/float
columns with NaN for an empty cell (``numeric_view`` and ``as_object_cells`` read both).
Validation then treats all formats the same way; no reader decides what a value means.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd


class UnreadableFile(Exception):
    """The file cannot be read in its format. ``rule`` is the contract rule it breaks."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


SUPPORTED = (".csv", ".parquet", ".sav")


def read_delivery(path: Path) -> pd.DataFrame:
    ext = path.suffix.lower()
    if path.stat().st_size == 0:
        raise UnreadableFile("empty_file", f"{path.name} is empty (0 bytes).")
    if ext == ".csv":
        frame = _read_csv(path)
    elif ext == ".parquet":
        frame = _read_parquet(path)
    elif ext == ".sav":
        frame = _read_sav(path)
    else:
        raise UnreadableFile("unsupported_format", f"{path.name}: only .csv, .parquet and .sav are accepted.")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _is_numeric(s: pd.Series) -> bool:
    """A column of plain numpy numbers (Parquet or SPSS numeric columns): kept as it is."""
    return isinstance(s.dtype, np.dtype) and s.dtype.kind in "iuf"


def _to_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns holding the delivered values: numeric columns (int or float as delivered) stay
    numpy arrays, NaN being an empty cell; every other column becomes object with None for
    missing values. Converting a million numbers into Python objects only to parse them back
    would cost seconds per column."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if _is_numeric(s):
            out[col] = s.reset_index(drop=True)
            continue
        if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s):
            values = s.dt.strftime("%Y-%m-%d").astype(object)
        else:
            values = s.astype(object)
        values = values.where(pd.notna(values), None)
        out[col] = values
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)), columns=list(frame.columns))


def as_object_cells(cells: pd.Series) -> pd.Series:
    """The column as object cells (None for empty), whatever ``_to_cells`` kept it as."""
    if _is_numeric(cells):
        return cells.astype(object).where(cells.notna(), None)
    return cells


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            "not_utf8", f"{path.name} is not valid UTF-8 (first bad byte on line {line}); "
                        "save it as UTF-8 and deliver it again.") from None
    if not text.strip():
        raise UnreadableFile("empty_file", f"{path.name} has no header and no data.")
    header = text.split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        raise UnreadableFile("unreadable_file", f"{path.name} is not a readable CSV file: {exc}") from None
    # empty strings are empty cells
    frame = frame.apply(lambda s: s.str.strip()).replace("", None)
    return _to_cells(frame)


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise UnreadableFile("unreadable_file", f"{path.name} is not a readable Parquet file: {exc}") from None
    frame = table.to_pandas()
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            frame[col] = _strip_strings(frame[col])
    return _to_cells(frame)


def _strip_strings(s: pd.Series) -> pd.Series:
    """Strings stripped, empty strings empty cells; other values as they are."""
    values = s.to_numpy(dtype=object, na_value=None)
    is_str = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    if is_str.all():
        stripped = pd.Series(values, dtype=object).str.strip()
    else:
        stripped = pd.Series(values, dtype=object)
        stripped[is_str] = pd.Series(values[is_str], dtype=object).str.strip().to_numpy(dtype=object)
    return stripped.replace("", None)


def _read_sav(path: Path) -> pd.DataFrame:
    import pyreadstat

    try:
        frame, _meta = pyreadstat.read_sav(str(path), user_missing=True, apply_value_formats=False)
    except Exception as exc:
        raise UnreadableFile("unreadable_file", f"{path.name} is not a readable SPSS .sav file: {exc}") from None
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = _strip_strings(frame[col])
    return _to_cells(frame)


def numeric_view(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values as float, empty mask, not-a-number mask) for one delivered column."""
    if _is_numeric(cells):
        values = cells.to_numpy(dtype=float)
        empty = np.isnan(values)
        return values, empty, np.zeros(len(values), dtype=bool)
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    empty = cells.isna().to_numpy()
    bad = ~empty & np.isnan(values)
    return values, empty, bad
