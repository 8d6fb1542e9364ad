"""Read a survey delivery (CSV, Parquet, SPSS .sav) into one uniform pandas frame.

Every reader returns the delivered columns as *object* columns holding either ``None``
(empty cell) or the delivered value (str, int or float), with the original header names.
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


def _to_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns with None for missing values, whatever the reader produced."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s):
            values = s.dt.strftime("%Y-%m-%d").astype(object)
        else:
            values = s.astype(object)
        values = values.where(pd.notna(values), None)
        out[col] = values
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)), columns=list(frame.columns))


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
            frame[col] = frame[col].map(lambda v: v.strip() if isinstance(v, str) else v).replace("", None)
    return _to_cells(frame)


def _read_sav(path: Path) -> pd.DataFrame:
    import pyreadstat

    try:
        frame, _meta = pyreadstat.read_sav(str(path), user_missing=True, apply_value_formats=False)
    except Exception as exc:
        raise UnreadableFile("unreadable_file", f"{path.name} is not a readable SPSS .sav file: {exc}") from None
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].map(lambda v: v.strip() if isinstance(v, str) else v).replace("", None)
    return _to_cells(frame)


def numeric_view(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values as float, empty mask, not-a-number mask) for one delivered column."""
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    empty = cells.isna().to_numpy()
    bad = ~empty & np.isnan(values)
    return values, empty, bad
