"""The sample's calibration report: published figures against the weighted sample
(docs/sample_data.md; ``python -m tools.sample.survey_report``)."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from orchestration.paths import SEEDS_DIR
from orchestration.survey.weighting import load_targets, rake
from tools.sample.survey import _band_of, generate_wave
from tools.sample.survey_profiles import DEFAULT_SEED, DEFAULT_SIZES


_CHANNEL_SNAKE = {"telefoon": 1, "email": 2, "live_chat": 3, "face_to_face": 4, "whatsapp": 5,
                  "social_media": 6, "chatbot": 7, "sms": 8, "weet_niet": 99}
_CONTACT_TYPE_VAR = {"advies": "Q1_1", "bestelling_betaling": "Q1_2", "bezorging_retour": "Q1_3",
                     "gebruik_onderhoud": "Q1_4", "praktisch": "Q1_5"}
_GROUPS = {"primary": (1, 2), "secondary": (3, 4, 5), "tertiary": (6, 7, 8)}
_SECTOR_SNAKE = {"banken_verzekeraars": 1, "bezorgdiensten": 2, "nutsbedrijven": 3,
                 "online_retailers": 4, "overheid": 5, "telecom": 6, "zorg": 7}
_PERSONA_SNAKE = {"jurre": 1, "juna": 2, "janny": 3, "janus": 4}


def _figure(df: pd.DataFrame, w: np.ndarray, figure: str, where: dict[str, str]) -> float | None:
    """One published figure on a weighted wave (definitions of spec §4/§5)."""
    def pct(hit, base):
        base = np.asarray(base, dtype=bool)
        hit = np.asarray(hit, dtype=bool) & base
        return 100.0 * w[hit].sum() / w[base].sum()

    col = df.get
    if figure == "channel_by_contact_type":
        v = df[_CONTACT_TYPE_VAR[where["contact_type"]]]
        return pct(v == _CHANNEL_SNAKE[where["channel"]], v.notna())
    if figure == "persona_share":
        return pct(df["Q5"] == _PERSONA_SNAKE[where["persona"]], df["Q5"].notna())
    if figure == "frustration_share":
        return pct(df["Q3_1"] == 1, df["Q3_1"].notna())
    if figure == "open_to_automation":
        return pct(df["Q6"] == 1, df["Q6"].notna())
    if figure == "importance_understood":
        return pct(df["Q4_1"].isin([4, 5]), df["Q4_1"].notna())
    if figure == "disadvantage_no_handover":
        return pct(df["Q7_1"] == 1, df["Q7_1"].notna())
    if figure == "chatbot_correct":
        return pct(df["Q10_CORRECT"] == 1, (df["Q10_GEBRUIK"] == 1) & df["Q10_CORRECT"].notna())
    if figure == "channel_group_share":
        return pct(df["Q2_R1"].isin(_GROUPS[where["channel_group"]]), df["Q2_R1"].notna())
    if figure in ("sector_positive_attitude", "sector_any_automated_contact", "sector_kpi"):
        s = _SECTOR_SNAKE[where["sector"]]
        chat, voice = col(f"S{s}_CHATBOT"), col(f"S{s}_SPRAAK")
        if where["kpi"] == "positive_attitude":
            return pct(df[f"S{s}_HOUDING"] >= 6, df[f"S{s}_HOUDING"].notna())
        if where["kpi"] == "any_automated_contact":
            return pct((chat == 1) | (voice == 1), chat.notna() | voice.notna())
        if where["kpi"] == "chatbot_contact":
            return pct(chat == 1, chat.notna())
        if where["kpi"] == "voice_contact":
            return pct(voice == 1, voice.notna())
    return None


def calibration_report(seed: int = DEFAULT_SEED, sizes: dict[int, int] | None = None):
    """(rows, diagnostics): every published survey figure against the weighted sample.

    Rows are dicts (figure, wave, where, precision, published, target, sample, diff_pp);
    ``target`` is the published value, with the persona tables scaled to sum to 100.
    """
    sizes = dict(DEFAULT_SIZES if sizes is None else sizes)
    targets = load_targets()
    frames, weights, diagnostics = {}, {}, {}
    for wave, n in sorted(sizes.items()):
        df = generate_wave(wave, n, seed)
        codes = {"GESLACHT": df["GESLACHT"].to_numpy(), "LEEFTIJD_BAND": _band_of(df["LEEFTIJD"].to_numpy()),
                 "REGIO": df["REGIO"].to_numpy(), "OPLEIDING": df["OPLEIDING"].to_numpy()}
        result = rake(wave, codes, targets.for_wave(wave))
        frames[wave], weights[wave], diagnostics[wave] = df, result.weights, result.diagnostics()
    with open(SEEDS_DIR / "published_2026.csv", newline="", encoding="utf-8") as fh:
        published = list(csv.DictReader(fh))
    persona_totals: dict[str, float] = {}
    for r in published:
        if r["figure"] == "persona_share":
            persona_totals[r["wave"]] = persona_totals.get(r["wave"], 0.0) + float(r["value"])
    rows = []
    for r in published:
        wave = int(r["wave"])
        if r["precision"] == "count" or wave not in frames:
            continue
        where = dict(part.split("=", 1) for part in r["where"].split(";") if "=" in part)
        value = _figure(frames[wave], weights[wave], r["figure"], where)
        if value is None:
            continue
        target = float(r["value"])
        if r["figure"] == "persona_share":
            target = target * 100.0 / persona_totals[r["wave"]]
        rows.append({"figure": r["figure"], "wave": wave, "where": r["where"], "precision": r["precision"],
                     "published": float(r["value"]), "target": target, "sample": value,
                     "diff_pp": value - target})
    return rows, diagnostics


def _markdown_report(seed: int = DEFAULT_SEED) -> str:
    rows, diagnostics = calibration_report(seed)
    lines = ["| wave | n | min w | max w | deff | n_eff | efficiency |", "|---|---|---|---|---|---|---|"]
    for wave, d in diagnostics.items():
        lines.append(f"| {wave} | {d['n']} | {d['min_w']:.3f} | {d['max_w']:.3f} | {d['deff']:.3f} "
                     f"| {d['n_eff']:.1f} | {d['efficiency']:.3f} |")
    lines += ["", "| figure | wave | where | precision | published | sample (weighted) | diff pp |",
              "|---|---|---|---|---|---|---|"]
    for r in rows:
        published = f"{r['published']:g}" + (f" (→ {r['target']:.2f})" if r["target"] != r["published"] else "")
        lines.append(f"| {r['figure']} | {r['wave']} | {r['where']} | {r['precision']} | {published} "
                     f"| {r['sample']:.2f} | {r['diff_pp']:+.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":   # python -m tools.sample.survey_report
    print(_markdown_report())
