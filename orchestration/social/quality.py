"""Quality of the social classification, measured on the hand-labelled posts.

``python -m orchestration.social.quality`` loads ``tests/fixtures/social/labelled_posts.jsonl``
as a one-off social export into a temporary build database, through the same path as
production (``ingest_social`` for parsing, masking and language, then the dbt models tagged
``social`` for dedup, sector, themes and sentiment), compares the result with the labels and
writes ``docs/social_quality.md``: language accuracy, precision / recall / F1 per theme,
sector and sentiment, macro-F1s and the main confusions.

The labelled set is for measuring only (tests/fixtures/social/LABELLING.md): the rules in the
seeds were written from the contract and the labelling guidelines, not from these posts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.paths import PROJECT_DIR, Home

LABELLED = PROJECT_DIR / "tests" / "fixtures" / "social" / "labelled_posts.jsonl"
REPORT = PROJECT_DIR / "docs" / "social_quality.md"
THEMES = ("geen_medewerker", "chatbot_loop", "onjuist_antwoord", "alleen_faq", "niet_begrepen",
          "wachttijd", "bereikbaarheid", "bot_of_mens", "opgelost")
SECTORS = ("banken_verzekeraars", "bezorgdiensten", "nutsbedrijven", "online_retailers", "overheid",
           "telecom", "zorg", "overig")
SENTIMENTS = ("negatief", "neutraal", "positief")
EXPORT_FIELDS = ("id", "platform", "created_at", "collected_at", "author", "title", "text", "rating",
                 "company", "url")


def dbt_executable() -> str:
    local = Path(sys.executable).parent / "dbt"
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


def build_social_models(home: Home, tests: bool = False, select: str = "tag:social",
                        dbt_vars: str | None = None, target: str = "dbt_target",
                        full_refresh: bool = False) -> subprocess.CompletedProcess:
    """Run the social dbt models (and seeds) against ``home``'s build database. ``dbt_vars``: a
    YAML mapping for ``--vars``; ``target``: the folder under ``home.state`` for dbt's target (a
    separate one for other vars keeps the partial parse of the usual one); ``full_refresh``:
    rebuild the incremental models from all live data."""
    env = dict(os.environ)
    env["VOICE_MONITOR_HOME"] = str(home.root)
    env["VOICE_MONITOR_WORK_DB"] = str(home.work_db)
    env.setdefault("DO_NOT_TRACK", "1")
    cmd = [dbt_executable(), "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
           "--select", select, "--target-path", str(home.state / target),
           "--log-path", str(home.state / "dbt_logs")]
    if dbt_vars is not None:
        cmd += ["--vars", dbt_vars]
    if not tests:
        cmd += ["--exclude", "resource_type:test"]
    if full_refresh:
        cmd.append("--full-refresh")
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=str(PROJECT_DIR))
    if result.returncode != 0:
        raise RuntimeError(f"dbt build failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return result


def load_into(home: Home, posts: list[dict], name: str = "posts_2025-01_labelled.jsonl") -> None:
    """Write ``posts`` (export fields only) as one export into ``home``'s landing zone and ingest it."""
    from orchestration.social.ingest import ingest_social
    from orchestration.warehouse import state

    home.ensure()
    with open(home.landing_social / name, "w", encoding="utf-8") as fh:
        for p in posts:
            fh.write(json.dumps({k: p.get(k) for k in EXPORT_FIELDS}, ensure_ascii=False) + "\n")
    con = state.connect(home)
    try:
        report = ingest_social(con, home, "quality")
        if report.failed:
            raise RuntimeError(report.failed[0].message)
    finally:
        con.close()


def classify_labelled(labelled: Path = LABELLED, workdir: Path | None = None) -> tuple[list[dict], dict]:
    """(labelled posts, predictions by id) — predictions: lang (every post) and, for posts that
    were published (Dutch), sector, themes, sentiment, channels."""
    import duckdb

    posts = [json.loads(line) for line in labelled.read_text(encoding="utf-8").splitlines() if line.strip()]
    tmp = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="social-quality-"))
    home = Home.from_env(tmp)
    try:
        load_into(home, posts)
        build_social_models(home)
        con = duckdb.connect(str(home.work_db), read_only=True)
        try:
            pred: dict[str, dict] = {}
            for pid, lang in con.execute("select post_id, lang from intermediate.int_social__posts").fetchall():
                pred[pid] = {"lang": lang}
            for pid, sector, themes, sentiment, channels in con.execute(
                    "select post_id, sector, themes, sentiment, channels from marts.fct_social_posts").fetchall():
                pred[pid].update(sector=sector, themes=list(themes), sentiment=sentiment, channels=list(channels))
        finally:
            con.close()
    finally:
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return posts, pred


# --- metrics ------------------------------------------------------------------------------

@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


@dataclass
class Evaluation:
    n_posts: int
    n_dutch_labelled: int
    language_accuracy: float           # Dutch vs not Dutch, over all posts
    language_code_accuracy: float      # exact ISO code, over all posts
    language_errors: list[tuple[str, str, str]]     # id, label, predicted
    n_evaluated: int                   # labelled Dutch and published
    sector: dict[str, PRF] = field(default_factory=dict)
    themes: dict[str, PRF] = field(default_factory=dict)
    sentiment: dict[str, PRF] = field(default_factory=dict)
    sector_accuracy: float = 0.0
    sentiment_accuracy: float = 0.0
    themes_exact: float = 0.0
    no_theme: PRF = field(default_factory=PRF)
    sector_confusion: Counter = field(default_factory=Counter)
    sentiment_confusion: Counter = field(default_factory=Counter)
    sentiment_rated_accuracy: float = 0.0
    sentiment_unrated_accuracy: float = 0.0

    @staticmethod
    def macro(d: dict[str, PRF]) -> float:
        return sum(v.f1 for v in d.values()) / len(d) if d else 0.0

    @property
    def theme_micro_f1(self) -> float:
        tot = PRF(sum(v.tp for v in self.themes.values()), sum(v.fp for v in self.themes.values()),
                  sum(v.fn for v in self.themes.values()))
        return tot.f1


def evaluate(posts: list[dict], pred: dict[str, dict]) -> Evaluation:
    n = len(posts)
    lang_ok = sum((pred.get(p["id"], {}).get("lang") == "nl") == (p["label_lang"] == "nl") for p in posts)
    code_ok = sum(pred.get(p["id"], {}).get("lang") == p["label_lang"] for p in posts)
    lang_err = [(p["id"], p["label_lang"], pred.get(p["id"], {}).get("lang", "-")) for p in posts
                if (pred.get(p["id"], {}).get("lang") == "nl") != (p["label_lang"] == "nl")]
    dutch = [p for p in posts if p["label_lang"] == "nl"]
    ev = [p for p in dutch if "sector" in pred.get(p["id"], {})]
    e = Evaluation(n, len(dutch), lang_ok / n, code_ok / n, lang_err, len(ev))
    e.sector = {s: PRF() for s in SECTORS}
    e.sentiment = {s: PRF() for s in SENTIMENTS}
    e.themes = {t: PRF() for t in THEMES}
    sec_ok = sent_ok = exact = 0
    rated = [0, 0]
    unrated = [0, 0]
    for p in ev:
        q = pred[p["id"]]
        for dim, gold, guess, ok_counter in (("sector", p["label_sector"], q["sector"], None),
                                             ("sentiment", p["label_sentiment"], q["sentiment"], None)):
            table = e.sector if dim == "sector" else e.sentiment
            if gold == guess:
                table[gold].tp += 1
            else:
                table.setdefault(gold, PRF()).fn += 1
                table.setdefault(guess, PRF()).fp += 1
        sec_ok += p["label_sector"] == q["sector"]
        sent_ok += p["label_sentiment"] == q["sentiment"]
        bucket = rated if p.get("rating") is not None else unrated
        bucket[0] += p["label_sentiment"] == q["sentiment"]
        bucket[1] += 1
        e.sector_confusion[(p["label_sector"], q["sector"])] += 1
        e.sentiment_confusion[(p["label_sentiment"], q["sentiment"])] += 1
        gold_t, guess_t = set(p["label_themes"]), set(q["themes"])
        exact += gold_t == guess_t
        for t in THEMES:
            if t in gold_t and t in guess_t:
                e.themes[t].tp += 1
            elif t in guess_t:
                e.themes[t].fp += 1
            elif t in gold_t:
                e.themes[t].fn += 1
        if not gold_t and not guess_t:
            e.no_theme.tp += 1
        elif not guess_t:
            e.no_theme.fp += 1
        elif not gold_t:
            e.no_theme.fn += 1
    k = max(1, len(ev))
    e.sector_accuracy, e.sentiment_accuracy, e.themes_exact = sec_ok / k, sent_ok / k, exact / k
    e.sentiment_rated_accuracy = rated[0] / max(1, rated[1])
    e.sentiment_unrated_accuracy = unrated[0] / max(1, unrated[1])
    return e


# --- report ---------------------------------------------------------------------------------

def _table(d: dict[str, PRF]) -> list[str]:
    lines = ["| code | support | precision | recall | F1 |", "| --- | ---: | ---: | ---: | ---: |"]
    for code, v in d.items():
        lines.append(f"| `{code}` | {v.support} | {v.precision:.2f} | {v.recall:.2f} | {v.f1:.2f} |")
    return lines


def _confusions(c: Counter, top: int = 8) -> list[str]:
    off = [(k, v) for k, v in c.most_common() if k[0] != k[1]][:top]
    return [f"* labelled `{g}`, classified `{p}`: {v}" for (g, p), v in off] or ["* none"]


def render(e: Evaluation, labelled: Path, extra: list[str] | None = None) -> str:
    theme_macro, sector_macro, sent_macro = Evaluation.macro(e.themes), Evaluation.macro(e.sector), \
        Evaluation.macro(e.sentiment)

    def aim(value: float, target: float) -> str:
        return "meets the aim" if value >= target else f"**below the aim of {target:.2f}**"

    out = [
        "# Social classification: quality on the hand-labelled posts",
        "",
        f"Measured on {dt.date.today().isoformat()} with `python -m orchestration.social.quality` "
        f"(this file is written by that command).",
        "",
        f"Labelled set: `{labelled.relative_to(PROJECT_DIR) if labelled.is_relative_to(PROJECT_DIR) else labelled}` "
        f"— {e.n_posts} posts, {e.n_dutch_labelled} labelled Dutch; written and labelled by hand, "
        "independently of the rules (see its LABELLING.md). The posts go through the production "
        "path: `ingest_social` (parsing, masking, language) into a temporary build database, then "
        "the dbt models tagged `social` (dedup, sector, themes, sentiment).",
        "",
        "## Summary",
        "",
        "| measure | value | aim |",
        "| --- | ---: | --- |",
        f"| language accuracy (Dutch vs not Dutch, all posts) | {e.language_accuracy:.3f} | {aim(e.language_accuracy, 0.98)} |",
        f"| language accuracy (exact ISO code) | {e.language_code_accuracy:.3f} | |",
        f"| themes macro-F1 (9 themes) | {theme_macro:.3f} | {aim(theme_macro, 0.80)} |",
        f"| themes micro-F1 | {e.theme_micro_f1:.3f} | |",
        f"| themes exact set match | {e.themes_exact:.3f} | |",
        f"| sector macro-F1 (8 codes) | {sector_macro:.3f} | {aim(sector_macro, 0.90)} |",
        f"| sector accuracy | {e.sector_accuracy:.3f} | |",
        f"| sentiment macro-F1 | {sent_macro:.3f} | |",
        f"| sentiment accuracy (all / with a Trustpilot rating / without) | {e.sentiment_accuracy:.3f} / "
        f"{e.sentiment_rated_accuracy:.3f} / {e.sentiment_unrated_accuracy:.3f} | |",
        "",
        f"Sector, theme and sentiment figures are over the {e.n_evaluated} posts labelled Dutch that "
        f"the pipeline published (a labelled-Dutch post detected as another language is not classified "
        f"and counts only in the language figure).",
        "",
        "## Language",
        "",
        f"{len(e.language_errors)} post(s) on the wrong side of Dutch / not Dutch:",
        "",
    ]
    out += [f"* `{i}`: labelled `{g}`, detected `{p}`" for i, g, p in e.language_errors] or ["* none"]
    out += ["", "## Themes", ""] + _table(e.themes)
    out += ["", f"Posts without any theme: precision {e.no_theme.precision:.2f}, recall "
                f"{e.no_theme.recall:.2f} (support {e.no_theme.support}).", ""]
    out += ["## Sector", ""] + _table(e.sector) + ["", "Most frequent confusions:", ""] + _confusions(e.sector_confusion)
    out += ["", "## Sentiment", ""] + _table(e.sentiment) + ["", "Most frequent confusions:", ""] + \
        _confusions(e.sentiment_confusion)
    if extra:
        out += [""] + extra
    return "\n".join(out) + "\n"


NOTES = """## How these figures came about (read before comparing)

* **Blind measurement.** The rules in the seeds were first written from contract §6, the
  labelling guidelines (LABELLING.md: definitions and borderline decisions, no posts) and
  knowledge of how Dutch consumers write, and measured once on the labelled set:
  themes macro-F1 **0.590**, sector macro-F1 0.986, sentiment macro-F1 0.606, language 0.990.
  That is the fair estimate for unseen posts.
* **Development.** The rules were then developed on a separate development set written for
  that purpose (`tests/social/dev_posts.jsonl`, 125 posts in two batches of different style;
  not labelled-set posts) and on the sample generator's texts, tuning for synonyms,
  inflections and general Dutch phrasing. Individual labelled posts were never read; the
  labelled set was re-measured in aggregate during that work (themes 0.614, 0.611, 0.633,
  then this final run), so the figures above are slightly optimistic. On the development set itself
  the rules reach ~0.89 (they were tuned on it), on its second, unseen batch they first scored
  far lower, which is the same gap as on the labelled set.
* **Where themes fall short.** Recall, not precision, is the limit: many posts express a theme
  implicitly (a contradiction told as a story, "Dus wat is het nou?", sarcasm, a repeated
  bot quote) where keyword-and-window rules have nothing to anchor on. `onjuist_antwoord`,
  `alleen_faq` and `chatbot_loop` suffer most; `niet_begrepen` and `wachttijd` do best.
  The rules alone reached 0.635; a learned lexicon (logistic regression on a separate,
  hand-written training set of 900 posts, exported as editable seeds — see docs/social.md)
  lifts the blind figure to what the table above shows. 0.80 is still not reached.
* **Sentiment.** Trustpilot ratings decide it where present (accuracy ~0.95 there); without a
  rating the cue words are weaker, and `neutraal` (questions, mixed verdicts) is the hard
  class.
* **Language.** The function-word fast path plus lingua misses a few very short or mixed posts
  and Afrikaans (the guidelines' hard case).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    parser.add_argument("--out", type=Path, default=REPORT)
    parser.add_argument("--notes", type=Path, default=None,
                        help="Markdown appended to the report (history, confusion notes)")
    args = parser.parse_args(argv)
    posts, pred = classify_labelled(args.labelled)
    e = evaluate(posts, pred)
    extra = [NOTES] + ([args.notes.read_text(encoding="utf-8")] if args.notes and args.notes.exists() else [])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(e, args.labelled, extra), encoding="utf-8")
    print(f"language {e.language_accuracy:.3f}  themes macro-F1 {Evaluation.macro(e.themes):.3f}  "
          f"sector macro-F1 {Evaluation.macro(e.sector):.3f}  sentiment macro-F1 {Evaluation.macro(e.sentiment):.3f}"
          f"  → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
