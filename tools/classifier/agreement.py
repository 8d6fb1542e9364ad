"""Agreement of the two blind labellers (Cohen's kappa per field) → ``corpus/agreement.md``.

``python -m tools.classifier.agreement`` compares ``labeller_a.jsonl`` with ``labeller_b.jsonl``
over the posts both labelled: language, sector and sentiment as one code each, every theme as
given / not given. Kappa corrects the raw agreement for what two labellers would agree on by
chance with their own label frequencies.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from tools.classifier.corpus import CORPUS_DIR, THEMES, read_jsonl
from tools.classifier.metrics import kappa


def kappas(corpus_dir: Path = CORPUS_DIR) -> dict:
    a = {r["id"]: r for r in read_jsonl(corpus_dir / "labeller_a.jsonl")}
    b = {r["id"]: r for r in read_jsonl(corpus_dir / "labeller_b.jsonl")}
    ids = sorted(set(a) & set(b))
    out = {"posts": len(ids), "fields": {}}
    for field in ("lang", "sector", "sentiment"):
        x, y = [a[i][f"label_{field}"] for i in ids], [b[i][f"label_{field}"] for i in ids]
        out["fields"][field] = (kappa(x, y), float(np.mean([u == v for u, v in zip(x, y)])))
    for t in THEMES:
        x, y = [t in a[i]["label_themes"] for i in ids], [t in b[i]["label_themes"] for i in ids]
        out["fields"][f"theme {t}"] = (kappa(x, y), float(np.mean([u == v for u, v in zip(x, y)])))
    same_set = [set(a[i]["label_themes"]) == set(b[i]["label_themes"]) for i in ids]
    out["themes_exact"] = float(np.mean(same_set))
    return out


def render(k: dict) -> list[str]:
    lines = [f"Two labellers labelled all {k['posts']} posts of the twelve writers blind (LABELLING.md), "
             "each on their own; disagreements were adjudicated into `gold.jsonl`.", "",
             "| field | Cohen's kappa | raw agreement |", "| --- | ---: | ---: |"]
    lines += [f"| {name} | {kv:.3f} | {raw:.3f} |" for name, (kv, raw) in k["fields"].items()]
    theme_k = [kv for name, (kv, _) in k["fields"].items() if name.startswith("theme ")]
    lines += ["", f"Mean kappa over the nine themes: {np.mean(theme_k):.3f}; both labellers gave the same "
                  f"theme set to {k['themes_exact']:.1%} of the posts."]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    args = parser.parse_args(argv)
    text = "\n".join(["# Labelling agreement", "",
                      "Written by `python -m tools.classifier.agreement`.", ""] + render(kappas(args.corpus))) + "\n"
    (args.corpus / "agreement.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
