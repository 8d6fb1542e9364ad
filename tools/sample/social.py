"""Sample social-listening exports (spec §6): ``posts_2025-MM.jsonl`` plus re-export files.

``write_social_sample(target_dir, n_posts=2200)`` writes monthly JSONL exports for 2025 so that
exactly ``n_posts`` unique Dutch posts get published, with what real exports contain:
re-exports of the same post with a later ``collected_at`` and edited text, identical repeats in
the next month's export, a re-export that is *older* than what was loaded before, mixed UTC
offsets, a missing ``collected_at``, English and German posts, malformed lines, blank lines, a
UTF-8 BOM with CRLF line ends in one file, an integer ``id``, and personal data (authors,
e-mail addresses, phone numbers, @handles, URLs) for the masking to remove.

Texts are composed from the fragments in ``social_texts`` (sector context + theme sentence(s) +
closing), vectorised with numpy so that ``write_benchmark_export`` can stream millions of posts.
Deterministic: the same arguments give the same bytes; files whose bytes are unchanged are not
rewritten (their mtime stays).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tools.sample import social_texts as T

YEAR = 2025
PLATFORMS = np.array(["trustpilot", "reddit", "x"], dtype=object)
PLATFORM_WEIGHTS = np.array([0.45, 0.25, 0.30])
MONTH_WEIGHTS = np.array([7, 7, 7.5, 7.5, 8, 7.5, 7.5, 8, 8.5, 9, 10.5, 12.5], dtype=float)
SENTIMENTS = ("negatief", "neutraal", "positief")
THEMES = tuple(T.THEME_WEIGHTS)

# DST in Europe/Amsterdam, 2025-2026 (UTC instants of the switches)
_DST = [(np.datetime64("2025-03-30T01:00:00"), np.datetime64("2025-10-26T01:00:00")),
        (np.datetime64("2026-03-29T01:00:00"), np.datetime64("2026-10-25T01:00:00"))]


def _esc(s: str) -> str:
    """JSON string body (without quotes)."""
    return json.dumps(s, ensure_ascii=False)[1:-1]


def _q(s: str | None) -> str:
    return "null" if s is None else '"' + _esc(s) + '"'


# --- pre-rendered fragment tables --------------------------------------------------------

_SECTOR_LIST = list(T.SECTORS)
_COMPANIES = [c for s in _SECTOR_LIST for c in T.COMPANIES[s]]
_N_COMP = len(T.COMPANIES[_SECTOR_LIST[0]])
_NUMS = {"n": ["20", "35", "45", "50", "90"]}


def _render(template: str, company: str, variant: int) -> str:
    return template.replace("{c}", company).replace("{n}", _NUMS["n"][variant % len(_NUMS["n"])])


def _table(templates: list[str], companies: list[str], variants: int) -> np.ndarray:
    """Escaped renderings, indexed [template, company, variant]."""
    out = np.empty((len(templates), len(companies), variants), dtype=object)
    for i, t in enumerate(templates):
        for j, c in enumerate(companies):
            for v in range(variants):
                out[i, j, v] = _esc(_render(t, c, v))
    return out


_VARIANTS = 5
_CTX = {s: _table(T.CONTEXTS[s], T.COMPANIES[s], 1) for s in _SECTOR_LIST}
_THEME_TAB = {t: _table(T.THEME_SENTENCES[t], _COMPANIES, _VARIANTS) for t in THEMES}
_NOTHEME_TAB = _table(T.NO_THEME_SENTENCES, ["x"], _VARIANTS)
_CLOSE = {s: np.array([_esc(x) for x in T.CLOSINGS[s]], dtype=object) for s in SENTIMENTS}
_TITLE = {s: np.array([_q(x) for x in T.TITLES[s]], dtype=object) for s in SENTIMENTS}
_PII = np.array([_esc(t.format(phone=p, email=e, handle=h, url=u))
                 for t in T.PII_SENTENCES
                 for (p, e, h, u) in zip(T.PHONES, T.EMAILS * 2, T.HANDLES * 2, T.URLS * 3)],
                dtype=object)
_UPDATES = [_esc(x) for x in T.UPDATES]


def personal_data_strings() -> list[str]:
    """Every personal-data string the generator can write into a text, title or author
    (tests check that none of them reaches the marts or the published database)."""
    out = list(T.PHONES) + list(T.EMAILS) + list(T.HANDLES) + list(T.URLS)
    out += [f"{f} {l}" for f in T.FIRST_NAMES for l in T.LAST_NAMES]
    return out


# --- the vectorised core -----------------------------------------------------------------

@dataclass
class _Block:
    n: int
    id_json: np.ndarray        # JSON value of id (string, or a bare integer for a few X posts)
    platform: np.ndarray
    created_utc: np.ndarray    # datetime64[s]
    text: np.ndarray           # escaped text body
    title_json: np.ndarray
    author_json: np.ndarray
    rating_json: np.ndarray
    company_json: np.ndarray
    url_json: np.ndarray
    lang: np.ndarray           # 'nl', 'en', 'de'


def _choice(rng, items, n, p=None):
    return np.asarray(items, dtype=object)[rng.choice(len(items), size=n, p=p)]


def _month_bounds_utc(month: int) -> tuple[np.datetime64, np.datetime64]:
    start = np.datetime64(f"{YEAR}-{month:02d}-01T00:00:00")
    end = np.datetime64(f"{YEAR + (month == 12)}-{(month % 12) + 1:02d}-01T00:00:00")
    return start - _offset_hours(start) * 3600, end - _offset_hours(end) * 3600


def _offset_hours(utc) -> np.ndarray | int:
    arr = np.asarray(utc, dtype="datetime64[s]")
    summer = np.zeros(arr.shape, dtype=bool)
    for a, b in _DST:
        summer |= (arr >= a) & (arr < b)
    off = np.where(summer, 2, 1)
    return off if off.shape else int(off)


def _fmt(utc: np.ndarray, style: np.ndarray) -> np.ndarray:
    """ISO-8601 with offset: style 0 = local with +01:00/+02:00, 1 = UTC 'Z', 2 = UTC '+00:00'."""
    utc = np.asarray(utc, dtype="datetime64[s]")
    off = _offset_hours(utc)
    local = utc + off.astype("timedelta64[h]")
    local_s = np.datetime_as_string(local, unit="s").astype(object)
    utc_s = np.datetime_as_string(utc, unit="s").astype(object)
    suffix = np.where(off == 2, "+02:00", "+01:00").astype(object)
    return np.where(style == 0, local_s + suffix, np.where(style == 1, utc_s + "Z", utc_s + "+00:00"))


def _b36(values: np.ndarray, width: int) -> np.ndarray:
    digits = np.array(list("0123456789abcdefghijklmnopqrstuvwxyz"), dtype=object)
    v = values.astype(np.int64).copy()
    out = np.full(v.shape, "", dtype=object)
    for _ in range(width):
        out = digits[v % 36] + out
        v //= 36
    return out


def _ids(platform: np.ndarray, index: np.ndarray, seed: int) -> np.ndarray:
    idx = index.astype(np.int64)
    hi = np.char.mod("%012x", (idx * 2654435761 + seed * 97 + 0x5F3A1C2B3D4E) % (1 << 48))
    lo = np.char.mod("%012x", (idx * 40503 + 0x9C0FFEE + seed) % (1 << 48))
    tp = np.char.add(hi, lo).astype(object)
    rd = "1" + _b36(idx * 7 + seed, 6)
    xx = np.char.mod("%d", 1_870_000_000_000_000_000 + idx * 104_729 + seed).astype(object)
    ids = np.where(platform == "trustpilot", tp, np.where(platform == "reddit", rd, xx))
    return '"' + ids + '"'


def _dutch_block(rng: np.random.Generator, n: int, months: np.ndarray, index: np.ndarray,
                 seed: int) -> _Block:
    platform = PLATFORMS[rng.choice(3, size=n, p=PLATFORM_WEIGHTS)]
    sector_i = rng.choice(len(_SECTOR_LIST), size=n, p=[T.SECTOR_WEIGHTS[s] for s in _SECTOR_LIST])
    comp_local = rng.integers(0, _N_COMP, size=n)
    comp_global = sector_i * _N_COMP + comp_local
    theme_p = np.array([T.THEME_WEIGHTS[t] for t in THEMES])
    theme_p = theme_p / theme_p.sum()
    theme1 = rng.choice(len(THEMES), size=n, p=theme_p)
    no_theme = rng.random(n) < 0.05
    solved = (np.asarray(THEMES, dtype=object)[theme1] == "opgelost") & ~no_theme
    second = (rng.random(n) < 0.30) & ~solved & ~no_theme
    theme2 = rng.choice(len(THEMES) - 1, size=n, p=theme_p[:-1] / theme_p[:-1].sum())
    second &= theme2 != theme1
    r = rng.random(n)
    sentiment = np.where(solved, np.where(r < 0.85, "positief", "neutraal"),
                         np.where(r < 0.88, "negatief", "neutraal")).astype(object)
    variant = rng.integers(0, _VARIANTS, size=n)
    pii = rng.random(n) < 0.12
    pii_i = rng.integers(0, len(_PII), size=n)
    extra = rng.random(n) < 0.15

    texts = np.empty(n, dtype=object)
    for s_i, s in enumerate(_SECTOR_LIST):
        m = sector_i == s_i
        if m.any():
            k = rng.integers(0, _CTX[s].shape[0], size=int(m.sum()))
            texts[m] = _CTX[s][k, comp_local[m], 0]
    body = texts
    for t_i, t in enumerate(THEMES):
        tab = _THEME_TAB[t]
        for which, mask in (("1", (theme1 == t_i) & ~no_theme), ("2", second & (theme2 == t_i))):
            if mask.any():
                k = rng.integers(0, tab.shape[0], size=int(mask.sum()))
                body[mask] = body[mask] + " " + tab[k, comp_global[mask], variant[mask]]
    if no_theme.any() or extra.any():
        mask = no_theme | (extra & ~solved)
        k = rng.integers(0, _NOTHEME_TAB.shape[0], size=int(mask.sum()))
        body[mask] = body[mask] + " " + _NOTHEME_TAB[k, 0, variant[mask]]
    body[pii] = body[pii] + " " + _PII[pii_i[pii]]
    for s in SENTIMENTS:
        m = sentiment == s
        if m.any():
            body[m] = body[m] + " " + _CLOSE[s][rng.integers(0, len(_CLOSE[s]), size=int(m.sum()))]

    title = np.full(n, "null", dtype=object)
    has_title = (platform == "trustpilot") | ((platform == "reddit") & (rng.random(n) < 0.7))
    for s in SENTIMENTS:
        m = has_title & (sentiment == s)
        if m.any():
            title[m] = _TITLE[s][rng.integers(0, len(_TITLE[s]), size=int(m.sum()))]

    rating = np.full(n, "null", dtype=object)
    tp = platform == "trustpilot"
    rr = rng.random(n)
    rating[tp & (sentiment == "negatief")] = np.where(rr[tp & (sentiment == "negatief")] < 0.7, "1", "2")
    rating[tp & (sentiment == "neutraal")] = np.where(rr[tp & (sentiment == "neutraal")] < 0.5, "2", "3")
    rating[tp & (sentiment == "positief")] = np.where(rr[tp & (sentiment == "positief")] < 0.4, "4", "5")

    company = np.asarray(_COMPANIES, dtype=object)[comp_global]
    company_known = tp | (rng.random(n) < 0.5)
    company_json = np.where(company_known, '"' + company + '"', "null").astype(object)

    return _finish_block(rng, n, months, index, seed, platform, body, title, rating, company_json,
                         np.full(n, "nl", dtype=object))


def _foreign_block(rng, n, months, index, seed) -> _Block:
    lang = np.where(rng.random(n) < 0.6, "en", "de").astype(object)
    platform = PLATFORMS[rng.choice(3, size=n, p=PLATFORM_WEIGHTS)]
    text = np.where(lang == "en", _choice(rng, [_esc(x) for x in T.ENGLISH], n),
                    _choice(rng, [_esc(x) for x in T.GERMAN], n)).astype(object)
    title = np.full(n, "null", dtype=object)
    rating = np.where(platform == "trustpilot", "1", "null").astype(object)
    company = _choice(rng, _COMPANIES, n)
    company_json = np.where(platform == "trustpilot", '"' + company + '"', "null").astype(object)
    return _finish_block(rng, n, months, index, seed, platform, text, title, rating, company_json, lang)


def _finish_block(rng, n, months, index, seed, platform, text, title, rating, company_json, lang) -> _Block:
    created = np.empty(n, dtype="datetime64[s]")
    for m in np.unique(months):
        mask = months == m
        a, b = _month_bounds_utc(int(m))
        span = int((b - a) / np.timedelta64(1, "s"))
        created[mask] = a + rng.integers(0, span, size=int(mask.sum())).astype("timedelta64[s]")
    first = _choice(rng, T.FIRST_NAMES, n)
    last = _choice(rng, T.LAST_NAMES, n)
    num = np.char.mod("%d", rng.integers(60, 2005, size=n)).astype(object)
    handle = np.char.lower((first + "_" + num).astype(str)).astype(object)
    author = np.where(platform == "trustpilot", first + " " + last, handle).astype(object)
    author_json = np.where(rng.random(n) < 0.03, "null", '"' + author + '"').astype(object)
    ids = _ids(platform, index, seed)
    raw_id = np.char.strip(ids.astype(str), '"').astype(object)
    url = np.where(platform == "trustpilot", "https://nl.trustpilot.com/reviews/" + raw_id,
                   np.where(platform == "reddit",
                            "https://www.reddit.com/r/klantenservice/comments/" + raw_id + "/",
                            "https://x.com/" + handle + "/status/" + raw_id)).astype(object)
    url_json = np.where(rng.random(n) < 0.9, '"' + url + '"', "null").astype(object)
    return _Block(n, ids, platform, created, text, title, author_json, rating, company_json,
                  url_json, lang)


def _lines(b: _Block, collected: np.ndarray, coll_style: np.ndarray, created_style: np.ndarray,
           text_override: np.ndarray | None = None, idx: np.ndarray | None = None) -> list[str]:
    """JSON lines (without line ends) for rows idx of block b."""
    idx = np.arange(b.n) if idx is None else idx
    created = _fmt(b.created_utc[idx], created_style)
    coll = np.where(np.isnat(collected), "null",
                    '"' + _fmt(np.where(np.isnat(collected), b.created_utc[idx], collected), coll_style) + '"')
    text = b.text[idx] if text_override is None else text_override
    parts = zip(b.id_json[idx], b.platform[idx], created, coll, b.author_json[idx], b.title_json[idx],
                text, b.rating_json[idx], b.company_json[idx], b.url_json[idx])
    return [f'{{"id":{i},"platform":"{p}","created_at":"{c}","collected_at":{k},"author":{a},'
            f'"title":{t},"text":"{x}","rating":{r},"company":{co},"url":{u}}}'
            for i, p, c, k, a, t, x, r, co, u in parts]


def _export_base(month: int) -> np.datetime64:
    y, m = (YEAR + 1, 1) if month == 12 else (YEAR, month + 1)
    return np.datetime64(f"{y}-{m:02d}-02T05:00:00")


def _export_time(month: int, rng, n) -> np.ndarray:
    """collected_at of the regular monthly export: the first days of the next month."""
    return _export_base(month) + rng.integers(0, 36 * 3600, size=n).astype("timedelta64[s]")


# --- the calibrated sample ---------------------------------------------------------------

MALFORMED = [  # (month, line content) — each one is a malformed line for a reason of §6
    (2, '{"id":"broken-1","platform":"reddit","created_at":"2025-02-11T10:00:00+01:00","text":"Mijn pakket'),
    (3, '{"platform":"trustpilot","created_at":"2025-03-04T09:12:00+01:00","text":"Geen id in deze regel.","rating":1}'),
    (4, '{"id":"x-no-text","platform":"x","created_at":"2025-04-02T10:00:00+02:00","text":""}'),
    (5, '{"id":"1rating9","platform":"reddit","created_at":"2025-05-06T12:00:00+02:00","text":"Reddit post met een cijfer.","rating":4}'),
    (6, '{"id":"tp-rating-7","platform":"trustpilot","created_at":"2025-06-10T12:00:00+02:00","text":"Cijfer buiten bereik.","rating":7}'),
    (7, '{"id":"tp-no-offset","platform":"trustpilot","created_at":"2025-07-01T12:00:00","text":"Tijd zonder offset.","rating":2}'),
    (8, '{"id":"fb-1","platform":"facebook","created_at":"2025-08-03T08:00:00+02:00","text":"Onbekend platform."}'),
    (9, '["dit", "is", "geen", "object"]'),
    (10, '{"id":"x-no-created","platform":"x","text":"Geen datum bij deze post."}'),
    (11, '{"id":"tp-half","platform":"trustpilot","created_at":"2025-11-20T10:00:00+01:00","text":"Halve ster.","rating":2.5}'),
    (12, 'Dit is geen JSON maar een losse zin'),
]


def write_social_sample(target_dir: Path, n_posts: int = 2200, seed: int = 2025) -> list[Path]:
    """Write the 2025 monthly exports (plus re-export files) into ``target_dir``; return the
    paths. Exactly ``n_posts`` unique Dutch posts of 2025 are published from them."""
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)

    months = np.sort(rng.choice(np.arange(1, 13), size=n_posts, p=MONTH_WEIGHTS / MONTH_WEIGHTS.sum()))
    nl = _dutch_block(rng, n_posts, months, np.arange(n_posts), seed)
    n_foreign = max(2, round(n_posts * 0.03))
    f_months = rng.choice(np.arange(1, 13), size=n_foreign)
    fb = _foreign_block(rng, n_foreign, f_months, np.arange(n_posts, n_posts + n_foreign), seed)
    # one X post's id as a JSON integer (read as text)
    x_rows = np.flatnonzero(nl.platform == "x")
    if len(x_rows):
        nl.id_json[x_rows[0]] = nl.id_json[x_rows[0]].strip('"')

    files: dict[str, list[str]] = {}

    def add(name: str, lines: list[str]):
        files.setdefault(name, []).extend(lines)

    created_style = rng.choice(3, size=n_posts, p=[0.6, 0.3, 0.1])
    coll_style = rng.choice(3, size=n_posts, p=[0.5, 0.4, 0.1])
    collected = np.empty(n_posts, dtype="datetime64[s]")
    for m in range(1, 13):
        mask = months == m
        collected[mask] = _export_time(m, rng, int(mask.sum()))
    # a few posts whose first export has no collected_at (counts as the oldest)
    no_coll = rng.choice(n_posts, size=max(1, n_posts // 400), replace=False)
    collected_first = collected.copy()
    collected_first[no_coll] = np.datetime64("NaT")
    for m in range(1, 13):
        idx = np.flatnonzero(months == m)
        add(f"posts_{YEAR}-{m:02d}.jsonl", _lines(nl, collected_first[idx], coll_style[idx],
                                                  created_style[idx], idx=idx))
    f_created_style = np.zeros(n_foreign, dtype=int)
    for m in range(1, 13):
        idx = np.flatnonzero(f_months == m)
        if len(idx):
            add(f"posts_{YEAR}-{m:02d}.jsonl", _lines(fb, _export_time(m, rng, len(idx)),
                                                      np.ones(len(idx), int), f_created_style[idx], idx=idx))

    # identical repeats: ~2% of a month's posts come again in the next month's export
    rep = np.flatnonzero((rng.random(n_posts) < 0.02) & (months < 12))
    for m in range(1, 12):
        idx = rep[months[rep] == m]
        if len(idx):
            add(f"posts_{YEAR}-{m + 1:02d}.jsonl", _lines(nl, collected_first[idx], coll_style[idx],
                                                          created_style[idx], idx=idx))

    # re-exports with edited text and a later collected_at (a correction export per quarter)
    re_idx = np.flatnonzero(rng.random(n_posts) < 0.04)
    upd = np.asarray(_UPDATES, dtype=object)[rng.integers(0, len(_UPDATES), size=len(re_idx))]
    later = collected[re_idx] + rng.integers(20, 60, size=len(re_idx)).astype("timedelta64[D]")
    quarter_file = {1: "03", 2: "06", 3: "09", 4: "12"}
    for q in range(1, 5):
        sel = ((months[re_idx] - 1) // 3 + 1) == q
        if sel.any():
            ii = re_idx[sel]
            add(f"posts_{YEAR}-{quarter_file[q]}_reexport.jsonl",
                _lines(nl, later[sel], np.ones(int(sel.sum()), int), created_style[ii],
                       text_override=nl.text[ii] + " " + upd[sel], idx=ii))
    # a stale copy in a later file: older collected_at than the monthly export, so it loses
    others = np.setdiff1d(np.arange(n_posts), np.concatenate([re_idx, no_coll]))
    stale = others[months[others] <= 6][:3]
    if len(stale):
        add(f"posts_{YEAR}-06_reexport.jsonl",
            _lines(nl, nl.created_utc[stale] + np.timedelta64(2, "h"), np.zeros(len(stale), int),
                   created_style[stale], text_override=nl.text[stale] + " " + _UPDATES[3], idx=stale))
    # mixed offsets: a version in the *earlier* file name wins because, as a timestamp, it is later
    mix = others[months[others] == 9][:1]
    if len(mix):
        t0 = collected[mix]
        add(f"posts_{YEAR}-10.jsonl",   # the later export carries the edited text ...
            _lines(nl, t0 + np.timedelta64(20, "D"), np.zeros(1, int), created_style[mix],
                   text_override=nl.text[mix] + " " + _UPDATES[0], idx=mix))
        add(f"posts_{YEAR}-09_reexport.jsonl",  # ... and this one, +00:00, is 30 minutes later
            _lines(nl, t0 + np.timedelta64(20, "D") + np.timedelta64(30, "m"), np.full(1, 2),
                   created_style[mix], text_override=nl.text[mix] + " " + _UPDATES[2], idx=mix))

    for month, line in MALFORMED:
        add(f"posts_{YEAR}-{month:02d}.jsonl", [line])

    written = []
    for name in sorted(files):
        lines = files[name]
        # a deterministic shuffle within the file, and two blank lines in one file
        order = np.random.default_rng([seed, zlib.crc32(name.encode())]).permutation(len(lines))
        lines = [lines[i] for i in order]
        if name == f"posts_{YEAR}-04.jsonl":
            lines.insert(len(lines) // 2, "")
            lines.append("   ")
        if name == f"posts_{YEAR}-06.jsonl":       # exported on Windows: BOM and CRLF
            data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
        else:
            data = ("\n".join(lines) + "\n").encode("utf-8")
        written.append(_write_if_changed(target_dir / name, data))
    return written


def _write_if_changed(path: Path, data: bytes) -> Path:
    if path.exists() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return path
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


# --- the benchmark export ---------------------------------------------------------------

def write_benchmark_export(path: Path, n_posts: int = 1_000_000, seed: int = 7,
                           chunk: int = 200_000) -> Path:
    """One big export (streamed in chunks) for load tests: ``n_posts`` unique Dutch posts, plus
    ~2% re-exported versions, ~1% English/German posts and a malformed line per chunk."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for start in range(0, n_posts, chunk):
            n = min(chunk, n_posts - start)
            months = np.sort(rng.choice(np.arange(1, 13), size=n))
            b = _dutch_block(rng, n, months, np.arange(start, start + n), seed)
            coll = np.empty(n, dtype="datetime64[s]")
            for m in range(1, 13):
                mask = months == m
                coll[mask] = _export_time(m, rng, int(mask.sum()))
            style = rng.choice(3, size=n)
            lines = _lines(b, coll, style, style)
            dup = np.flatnonzero(rng.random(n) < 0.02)
            lines += _lines(b, coll[dup] + np.timedelta64(3, "D"), style[dup], style[dup],
                            text_override=b.text[dup] + " " + _UPDATES[0], idx=dup)
            nf = max(1, n // 100)
            f_months = rng.choice(np.arange(1, 13), size=nf)
            fb = _foreign_block(rng, nf, f_months, np.arange(n_posts + start, n_posts + start + nf), seed)
            # exported after the month they were posted in (the same draws as before, moved to
            # that month's export: a post collected before it was created is quarantined)
            f_coll = _export_time(1, rng, nf) + (np.array([_export_base(int(m)) for m in f_months])
                                                 - _export_base(1))
            lines += _lines(fb, f_coll, np.ones(nf, int), np.zeros(nf, int))
            lines.append(MALFORMED[0][1])
            fh.write("\n".join(lines))
            fh.write("\n")
    tmp.replace(path)
    return path
