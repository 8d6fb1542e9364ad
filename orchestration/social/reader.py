"""Reading a social export block by block, with memory bounded by the block (spec §6 parsing).

``read_blocks`` yields the file's lines in blocks: their physical line numbers (from 1, counted
on ``\\n``) and an Arrow binary array of their content, split and cleaned with numpy (line ends
``\\n``/``\\r\\n`` and a leading UTF-8 BOM cut off; blank lines, only white space, dropped: they are
skipped and not counted). A line longer than ``max_line_bytes`` (``$VOICE_MONITOR_MAX_LINE_BYTES``,
default 1 MB) is never parsed: the reader only notes its number and reads on to its end,
discarding it, so memory stays at about one block plus ``max_line_bytes`` whatever the line's
length (one 50 MB line used to keep dbt busy for 13 minutes at 3.7 GB).

``sniff_not_text`` tells a file that is not UTF-8 text at all (gzip, ZIP, UTF-16/32, other
binary) from its first bytes, so it can be rejected whole instead of as a million bad lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

BLOCK_BYTES = 32 << 20          # read size; a block holds ~100k lines of a typical export
MAX_LINE_BYTES_ENV = "VOICE_MONITOR_MAX_LINE_BYTES"
DEFAULT_MAX_LINE_BYTES = 1 << 20
_WHITESPACE = np.array([32, 9, 10, 11, 12, 13], dtype=np.uint8)
SNIFF_BYTES = 64 << 10


@dataclass
class Block:
    numbers: np.ndarray          # physical line numbers of ``values``
    values: pa.Array             # large_binary: the lines' content
    oversize: list[int]          # line numbers of lines longer than the limit (not in values)


def max_line_bytes() -> int:
    """The line-size limit: ``$VOICE_MONITOR_MAX_LINE_BYTES`` (bytes, > 0) or 1 MB."""
    from orchestration.settings import positive_number

    return positive_number(MAX_LINE_BYTES_ENV, DEFAULT_MAX_LINE_BYTES, int, "whole number of bytes", "bytes")


def _only_whitespace(a: np.ndarray) -> bool:
    return bool(np.isin(a, _WHITESPACE).all())


def read_blocks(path: Path, block_bytes: int | None = None, line_limit: int | None = None,
                start: int = 0, stop: int | None = None, first_line: int = 1):
    """Yield a ``Block`` per read of the file (see module docstring), or of its bytes
    [start, stop) when both are line starts, ``first_line`` the physical number of the line at
    ``start`` (the Spark ingestion reads a file in ranges, orchestration/spark/ingest.py)."""
    block_bytes = block_bytes or BLOCK_BYTES
    line_limit = line_limit or max_line_bytes()
    line_no = first_line
    left = None if stop is None else stop - start
    carry = b""                   # the start of an unfinished line, at most line_limit bytes
    skipping: bool | None = None  # inside an over-long line: is it only white space so far?
    pending: list[int] = []       # over-long lines not yet reported
    with open(path, "rb") as fh:
        fh.seek(start)
        while True:
            data = fh.read(block_bytes if left is None else min(block_bytes, left))
            if left is not None:
                left -= len(data)
            eof = not data
            if skipping is not None:
                nl = data.find(b"\n")
                part = data if nl < 0 else data[:nl]
                skipping = skipping and _only_whitespace(np.frombuffer(part, dtype=np.uint8))
                if nl < 0 and not eof:
                    continue                             # still inside the long line
                if not skipping:
                    pending.append(line_no)
                line_no += 1
                skipping = None
                data = b"" if nl < 0 else data[nl + 1:]
            buf = carry + data if carry else data
            carry = b""
            if not buf:
                if pending:
                    yield Block(np.zeros(0, np.int64), pa.array([], pa.large_binary()), pending)
                    pending = []
                if eof:
                    break
                continue
            a = np.frombuffer(buf, dtype=np.uint8)
            nl = np.flatnonzero(a == 10)
            if eof:
                ends = nl if (len(nl) and nl[-1] == len(a) - 1) else np.concatenate((nl, [len(a)]))
                cut = len(a)
            else:
                ends = nl
                cut = int(nl[-1]) + 1 if len(nl) else 0
                tail = buf[cut:]
                if len(tail) > line_limit:               # an over-long line starts here: drop it
                    skipping = _only_whitespace(np.frombuffer(tail, dtype=np.uint8))
                else:
                    carry = tail
            block = _split(a, ends.astype(np.int64), line_no, line_limit)
            line_no += len(ends)
            block.oversize = pending + block.oversize
            pending = []
            if len(block.numbers) or block.oversize:
                yield block
            if eof:
                break


def _split(a: np.ndarray, ends: np.ndarray, first_line: int, line_limit: int) -> Block:
    """The complete lines of ``a`` ending at ``ends`` (exclusive), cleaned, set-based."""
    n = len(ends)
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64) if n else np.zeros(0, np.int64)
    numbers = np.arange(first_line, first_line + n, dtype=np.int64)
    if not n:
        return Block(numbers, pa.array([], pa.large_binary()), [])
    last = len(a) - 1
    # content = [cs, ce): without a trailing '\r' and a leading BOM
    cr = (ends > starts) & (a[np.clip(ends - 1, 0, last)] == 13)
    ce = ends - cr
    bom = ((ce - starts) >= 3) & (a[np.minimum(starts, last)] == 0xEF) \
        & (a[np.minimum(starts + 1, last)] == 0xBB) & (a[np.minimum(starts + 2, last)] == 0xBF)
    cs = starts + 3 * bom
    keep = ce > cs
    # blank = only white space; only lines starting with white space need a look
    ws_first = keep & np.isin(a[np.minimum(cs, last)], _WHITESPACE)
    for i in np.flatnonzero(ws_first):
        if _only_whitespace(a[cs[i]:ce[i]]):
            keep[i] = False
    too_long = keep & ((ends - starts) > line_limit)
    oversize = numbers[too_long].tolist()
    keep &= ~too_long
    for i in np.flatnonzero(too_long):        # an over-long line of white space is blank
        if _only_whitespace(a[cs[i]:ce[i]]):
            oversize.remove(int(numbers[i]))
    if not keep.any():
        return Block(numbers[keep], pa.array([], pa.large_binary()), oversize)
    # the kept content bytes, set-based: everything but line ends, BOMs, dropped lines and the
    # unfinished line after the last end
    mask = np.ones(len(a), dtype=bool)
    mask[int(ends[-1]):] = False
    mask[ends[ends < len(a)]] = False                  # '\n'
    mask[(ends - 1)[cr]] = False                        # '\r' before it
    for k in range(3):
        mask[(starts + k)[bom]] = False                 # BOM
    for i in np.flatnonzero(~keep):                     # blank and over-long lines (rare)
        mask[starts[i]:ends[i]] = False
    cs, ce, numbers = cs[keep], ce[keep], numbers[keep]
    body = a[mask]
    offsets = np.concatenate(([0], np.cumsum(ce - cs))).astype(np.int64)
    values = pa.Array.from_buffers(pa.large_binary(), len(numbers),
                                   [None, pa.py_buffer(offsets), pa.py_buffer(body)])
    return Block(numbers, values, oversize)


# --- whole-file checks ------------------------------------------------------------------------

_MAGIC = (
    (b"\x1f\x8b", "it is gzip-compressed"),
    (b"PK\x03\x04", "it is a ZIP archive"),
    (b"BZh91AY&SY", "it is bzip2-compressed"),
    (b"\xfd7zXZ\x00", "it is xz-compressed"),
    (b"\x28\xb5\x2f\xfd", "it is zstd-compressed"),
    (b"\xff\xfe\x00\x00", "it is UTF-32 text"),
    (b"\x00\x00\xfe\xff", "it is UTF-32 text"),
    (b"\xff\xfe", "it is UTF-16 text"),
    (b"\xfe\xff", "it is UTF-16 text"),
)


def sniff_not_text(path: Path) -> str | None:
    """Why the file is not UTF-8 text (from its first bytes), or None when it may well be."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    for magic, why in _MAGIC:
        if head.startswith(magic):
            return why
    if b"\x00" in head:
        return "it contains NUL bytes (binary data, or UTF-16/32 text without a byte-order mark)"
    return None
