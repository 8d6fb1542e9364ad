"""An independent computation of spec §3–§4 straight from the landing files.

Nothing here uses the warehouse's code or seeds: files are read with pandas / pyarrow /
pyreadstat, weights come from weightipy (raking to full convergence), intervals from
statsmodels' Wilson interval and changes from statsmodels' two-proportion z-test. The
mart definitions are written out again from the contract's text.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

CHANNELS = {1: "telefoon", 2: "email", 3: "live_chat", 4: "face_to_face", 5: "whatsapp",
            6: "social_media", 7: "chatbot", 8: "sms", 99: "weet_niet"}
SECTORS = {1: "banken_verzekeraars", 2: "bezorgdiensten", 3: "nutsbedrijven", 4: "online_retailers",
           5: "overheid", 6: "telecom", 7: "zorg"}
CONTACT = {"Q1_1": "advies", "Q1_2": "bestelling_betaling", "Q1_3": "bezorging_retour",
           "Q1_4": "gebruik_onderhoud", "Q1_5": "praktisch"}
FRUSTRATIONS = ["lange_wachttijden", "keuzemenus", "slechte_chatbot", "doorverbonden", "verhaal_herhalen",
                "openingstijden", "email_antwoord", "onvriendelijke_medewerker", "niet_doorschakelen"]
PERSONAS = {1: "jurre", 2: "juna", 3: "janny", 4: "janus"}


def read_file(path: Path) -> pd.DataFrame:
    ext = path.suffix.lower()
    if ext == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        sep = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
        frame = pd.read_csv(io.StringIO(text), sep=sep)
    elif ext == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame, _ = pyreadstat.read_sav(str(path), user_missing=True)
    frame.columns = [c.upper() for c in frame.columns]
    return frame


def age_band(age) -> np.ndarray:
    """The contract's age bands (spec §3): 1 = 18–34, 2 = 35–54, 3 = 55+."""
    return np.asarray(pd.cut(np.asarray(age), [0, 34, 54, 200], labels=[1, 2, 3]), dtype=np.int64)


def weights_for(frame: pd.DataFrame, targets: pd.DataFrame, wave: int) -> np.ndarray:
    import weightipy as wp

    data = pd.DataFrame({
        "GESLACHT": frame["GESLACHT"].astype(int),
        "LEEFTIJD_BAND": age_band(frame["LEEFTIJD"]),
        "REGIO": frame["REGIO"].astype(int),
        "OPLEIDING": frame["OPLEIDING"].astype(int),
    })
    t = targets[targets.wave == wave]
    scheme = {}
    for var, group in t.groupby("variable"):
        shares = dict(zip(group.code.astype(int), group.share / group.share.sum()))
        if var == "GESLACHT":
            s3 = float((data.GESLACHT == 3).mean())
            shares = {1: shares[1] / (shares[1] + shares[2]) * (1 - s3),
                      2: shares[2] / (shares[1] + shares[2]) * (1 - s3), 3: s3}
        scheme[var] = {k: 100 * v for k, v in shares.items()}
    rim = wp.scheme_from_dict(scheme, rim_params={"convcrit": 0.0, "max_iterations": 20000})
    w = wp.weight(data, rim).to_numpy(dtype=float)
    w = w * len(w) / w.sum()
    assert w.min() > 0.2 and w.max() < 5.0, "independent check assumes no bound binds"
    return w


def cell(wave, dims: dict, hit: np.ndarray, base: np.ndarray, w: np.ndarray) -> dict:
    bw = w[base]
    sw, sw2 = bw.sum(), (bw ** 2).sum()
    p = w[base & hit].sum() / sw
    neff = sw * sw / sw2
    low, high = proportion_confint(p * neff, neff, alpha=0.05, method="wilson")
    return {"wave": wave, **dims, "share_pct": 100 * p, "n_unweighted": int((base & hit).sum()),
            "base_unweighted": int(base.sum()), "base_weighted": sw, "base_effective": neff,
            "ci_low_pct": 100 * low, "ci_high_pct": 100 * high}


def _num(frame, col):
    return frame[col].to_numpy(dtype=float) if col in frame.columns else np.full(len(frame), np.nan)


def mart_cells(frame: pd.DataFrame, wave: int, w: np.ndarray) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {k: [] for k in (
        "mart_channel_preferences", "mart_channel_top3", "mart_frustrations", "mart_personas",
        "mart_sector_kpis", "mart_attitudes", "mart_trust_by_usage")}
    for var, ct in CONTACT.items():
        v = _num(frame, var)
        if (~np.isnan(v)).any():
            for code, ch in CHANNELS.items():
                out["mart_channel_preferences"].append(
                    cell(wave, {"contact_type": ct, "channel": ch}, v == code, ~np.isnan(v), w))
    r = [_num(frame, f"Q2_R{k}") for k in (1, 2, 3)]
    for code, ch in CHANNELS.items():
        if code == 99:
            continue
        out["mart_channel_preferences"].append(
            cell(wave, {"contact_type": "algemeen", "channel": ch}, r[0] == code, ~np.isnan(r[0]), w))
        out["mart_channel_top3"].append(
            cell(wave, {"channel": ch}, (r[0] == code) | (r[1] == code) | (r[2] == code), ~np.isnan(r[0]), w))
    for i, name in enumerate(FRUSTRATIONS, start=1):
        v = _num(frame, f"Q3_{i}")
        out["mart_frustrations"].append(cell(wave, {"frustration": name}, v == 1, ~np.isnan(v), w))
    q5 = _num(frame, "Q5")
    for code, name in PERSONAS.items():
        out["mart_personas"].append(cell(wave, {"persona": name}, q5 == code, ~np.isnan(q5), w))
    for s, sector in SECTORS.items():
        if f"S{s}_KANAAL" not in frame.columns:
            continue
        houding, chat, spraak, erv = (_num(frame, f"S{s}_{x}") for x in ("HOUDING", "CHATBOT", "SPRAAK", "ERVARING"))
        kpis = {
            "positive_attitude": (houding >= 6, ~np.isnan(houding)),
            "chatbot_contact": (chat == 1, ~np.isnan(chat)),
            "voice_contact": (spraak == 1, ~np.isnan(spraak)),
            "any_automated_contact": ((chat == 1) | (spraak == 1), ~np.isnan(chat) | ~np.isnan(spraak)),
            "experience_more_positive": (erv == 1, ~np.isnan(erv)),
            "experience_unchanged": (erv == 2, ~np.isnan(erv)),
            "experience_more_negative": (erv == 3, ~np.isnan(erv)),
        }
        for kpi, (hit, base) in kpis.items():
            if base.any():
                out["mart_sector_kpis"].append(cell(wave, {"sector": sector, "kpi": kpi}, hit, base, w))
    q9 = _num(frame, "Q9")
    out["mart_attitudes"].append(cell(wave, {"question": "grade", "answer": "onvoldoende"}, q9 <= 5, ~np.isnan(q9), w))
    out["mart_attitudes"].append(cell(wave, {"question": "grade", "answer": "voldoende_goed"}, q9 >= 6, ~np.isnan(q9), w))
    q6 = _num(frame, "Q6")
    for code, ans in {1: "ja", 2: "nee", 99: "weet_niet"}.items():
        out["mart_attitudes"].append(cell(wave, {"question": "open_to_automation", "answer": ans}, q6 == code,
                                          ~np.isnan(q6), w))
    freq = {1: "nooit", 2: "minder_dan_1x_per_maand", 3: "maandelijks", 4: "wekelijks_of_vaker"}
    for k, assistant in ((1, "chatbot"), (2, "spraakassistent")):
        trust, usage = _num(frame, f"Q12_{k}"), _num(frame, f"Q13_{k}")
        for f_code, f_name in freq.items():
            base = ~np.isnan(trust) & (usage == f_code)
            if base.any():
                for level in range(1, 6):
                    out["mart_trust_by_usage"].append(cell(
                        wave, {"assistant": assistant, "frequency": f_name, "trust_level": str(level)},
                        trust == level, base, w))
    return out


def compute(landing: Path, targets_csv: Path) -> dict[str, pd.DataFrame]:
    """Every checked mart, with prev/change/significance, from the files in ``landing``."""
    targets = pd.read_csv(targets_csv)
    cells: dict[str, list[dict]] = {}
    for path in sorted(landing.iterdir()):
        wave = int(path.stem.split("_")[2][:4])
        frame = read_file(path)
        w = weights_for(frame, targets, wave)
        for mart, rows in mart_cells(frame, wave, w).items():
            cells.setdefault(mart, []).extend(rows)
    out = {}
    for mart, rows in cells.items():
        df = pd.DataFrame(rows).sort_values("wave")
        dims = [c for c in df.columns if c not in ("wave", "share_pct", "n_unweighted", "base_unweighted",
                                                     "base_weighted", "base_effective", "ci_low_pct", "ci_high_pct")]
        prev = df.groupby(dims, sort=False)[["share_pct", "base_effective"]].shift(1)
        df["prev_share_pct"] = prev["share_pct"]
        df["change_pp"] = df["share_pct"] - df["prev_share_pct"]
        sig = []
        for p1, n1, p0, n0 in zip(df.share_pct / 100, df.base_effective, df.prev_share_pct / 100, prev.base_effective):
            if np.isnan(p0):
                sig.append(None)
                continue
            pooled = (p1 * n1 + p0 * n0) / (n1 + n0)
            if pooled * (1 - pooled) == 0:
                sig.append(False)
                continue
            z, _ = proportions_ztest([p1 * n1, p0 * n0], [n1, n0])
            sig.append(bool(abs(z) > 1.959964))
        df["significant_vs_prev"] = sig
        out[mart] = df.reset_index(drop=True)
    return out
