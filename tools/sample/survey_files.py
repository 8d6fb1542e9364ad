"""Writing the survey sample landing zone: one file per wave in the formats of spec §2 (CSV,
Parquet, SPSS), byte-for-byte deterministic; a file whose bytes would not change is left
untouched so re-running does not trigger sensors."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.paths import SEEDS_DIR
from orchestration.codebook import code_labels, variables_for_wave
from tools.sample.cuts import _exact_draw
from tools.sample.survey import generate_wave
from tools.sample.survey_profiles import (
    _EXTENSIONS, DEFAULT_SEED, DEFAULT_SIZES, EXTRA_COLUMN, FORMATS, LARGE_N,
)


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


if __name__ == "__main__":   # python -m tools.sample.survey_files [target_dir]
    import sys

    for written in write_survey_sample(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/landing/survey")):
        print(written)
