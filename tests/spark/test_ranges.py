"""The Spark ingestion reads an export in byte ranges (one Spark task each): every line must be
read exactly once, with its physical line number, whatever the range size — the same lines, numbers
and bytes as the DuckDB loader's one pass over the file (``reader.read_blocks``), over-long lines included."""

from __future__ import annotations

import random

import numpy as np
import pytest

from orchestration.social import reader
from orchestration.spark import ingest as spark_ingest

LINE_LIMIT = 2500      # some of the long lines below are over it: read past, noted once


def _whole(path):
    numbers, values, oversize = [], [], []
    for b in reader.read_blocks(path, line_limit=LINE_LIMIT):
        numbers += b.numbers.tolist()
        values += b.values.to_pylist()
        oversize += b.oversize
    return numbers, values, sorted(oversize)


def _by_ranges(path, step: int, block_bytes: int):
    size = path.stat().st_size
    ranges = [(s, min(s + step, size)) for s in range(0, size, step)]
    ends = [spark_ingest._count_line_ends(str(path), s, e) for s, e in ranges]
    before = np.concatenate(([0], np.cumsum(ends)[:-1])).astype(int).tolist() if ends else []
    numbers, values, oversize = [], [], []
    for (s, e), b in zip(ranges, before):
        first, end, number = spark_ingest._lines_of_range(str(path), s, e, b, size)
        if end <= first:
            continue
        for blk in reader.read_blocks(path, block_bytes, line_limit=LINE_LIMIT, start=first, stop=end,
                                      first_line=number):
            numbers += blk.numbers.tolist()
            values += blk.values.to_pylist()
            oversize += blk.oversize
    return numbers, values, sorted(oversize)


def _export(rng: random.Random) -> bytes:
    lines = []
    for i in range(rng.randint(0, 60)):
        kind = rng.random()
        if kind < 0.1:
            lines.append(b"")                                        # blank
        elif kind < 0.15:
            lines.append(b"   \t ")                                  # whitespace only
        elif kind < 0.2:
            lines.append(b'{"id": "%d", "text": "%s"}' % (i, b"x" * rng.randint(200, 3000)))   # long
        else:
            lines.append(b'{"id": "%d", "text": "tekst met \\u00e9\xc3\xa9 %d"}' % (i, rng.randint(0, 10**6)))
    body = b"".join(line + (b"\r\n" if rng.random() < 0.3 else b"\n") for line in lines)
    if rng.random() < 0.3:
        body = b"\xef\xbb\xbf" + body                               # BOM
    if body and rng.random() < 0.4:
        body = body.rstrip(b"\r\n")                                 # no final line end
    return body


@pytest.mark.parametrize("seed", range(12))
def test_ranges_read_every_line_once_with_its_number(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "posts_2025-01.jsonl"
    path.write_bytes(_export(rng))
    want = _whole(path)
    for step in (1, 7, 64, 333, 4096, 1 << 20):
        assert _by_ranges(path, step, block_bytes=rng.choice([16, 512, 1 << 16])) == want, step
