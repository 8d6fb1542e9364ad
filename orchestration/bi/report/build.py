"""The Voice Monitor report as one static HTML file, read from the published database only.

Sections mirror the printed Nationale Voice Monitor: preferred channels by type of contact
(the report's table), channel groups and top 3, frustrations across waves, personas this wave
vs the previous one, disadvantages and values, attitudes and AI use cases, chatbot vs voice
assistant outcomes, the A–D panels of all seven sectors and social listening (themes and
masked example quotes) when the social marts are published.

Every figure comes from a mart row; percentages are rounded half up to whole numbers as in
the report, and a significant change against the previous wave (the mart's
``significant_vs_prev``) is printed in bold. Each chart states its base (n) and effective base
(n_eff). Table cells carry ``data-*`` attributes with the unrounded value so a test (or a
curious reader) can check them against the marts.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import duckdb

from orchestration.bi.report.svg import Bar, hbars, lines, pct, stacked
from orchestration.bi.report.template import render
from orchestration.errors import UserError
from orchestration.paths import Home
from orchestration.survey import mart_design as design

WAVE_COLORS = ["#0b6e79", "#7fb7be", "#c9dfe2", "#e8d7b8", "#bfa37a"]  # newest first
STANCE_COLORS = [("positief", "#2a9d8f"), ("neutraal", "#b8c4cc"), ("negatief", "#d1495b")]
EXPERIENCE = [("experience_more_positive", "Positiever", "#2a9d8f"),
              ("experience_unchanged", "Niet veranderd", "#b8c4cc"),
              ("experience_more_negative", "Negatiever", "#d1495b")]
CONTACT_TYPES = {"advies": "Advies over product", "bestelling_betaling": "Bestelling/ betaling",
                 "bezorging_retour": "Bezorging/ retour", "gebruik_onderhoud": "Gebruik/ onderhoud/ reparaties",
                 "praktisch": "Praktisch (openingstijden/ inloggen)", "algemeen": "Algemeen (eerste keuze)"}
GROUPS = {"primary": "Primaire kanalen (telefoon, e-mail)",
          "secondary": "Secundaire kanalen (live chat, WhatsApp, face-to-face)",
          "tertiary": "Tertiaire kanalen (SMS, social media, chatbot)"}
THEMES = {"geen_medewerker": "Geen medewerker bereikbaar / niet doorverbonden",
          "chatbot_loop": "Chatbot-loop (steeds dezelfde vragen)",
          "onjuist_antwoord": "Onjuist of onvolledig antwoord", "alleen_faq": "Alleen standaardantwoorden (FAQ)",
          "niet_begrepen": "Vraag niet begrepen", "wachttijd": "Lange wachttijd",
          "bereikbaarheid": "Bereikbaarheid (openingstijden, kanaal-hoppen)",
          "bot_of_mens": "Onduidelijk: bot of mens?", "opgelost": "Opgelost door geautomatiseerd contact"}
MEASURES = {"contact_gehad": "Contact gehad (afgelopen 12 maanden)", "afgehandeld": "Vraag afgehandeld",
            "correct": "Vraag correct beantwoord", "vervolgcontact": "Vervolgcontact nodig",
            "dacht_mens": "Dacht met een mens te praten"}
KPIS = {"positive_attitude": "Positieve houding (6 of hoger)", "chatbot_contact": "Contact met een chatbot",
        "voice_contact": "Contact met een spraakassistent",
        "any_automated_contact": "Contact met chatbot of spraakassistent"}
ANSWER_ORDER = ["ja", "volledig_afgehandeld", "deels_afgehandeld", "niet_afgehandeld", "nee", "twijfelde", "weet_niet"]
ANSWER_LISTS = {"contact_gehad": "Q10_GEBRUIK", "afgehandeld": "Q10_AFGEHANDELD", "correct": "Q10_CORRECT",
                "vervolgcontact": "Q10_VERVOLG", "dacht_mens": "Q11_MENS"}
MONTHS_NL = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _n(value) -> str:
    return f"{int(round(value)):,}".replace(",", ".")


@dataclass
class Section:
    id: str
    title: str
    lead: str = ""
    parts: list[str] = field(default_factory=list)


class WaveNotPublished(UserError, ValueError):
    """The report was asked for a wave the published database does not have (plain words in the CLI)."""


class Report:
    def __init__(self, con: duckdb.DuckDBPyConnection, wave: int):
        self.con = con
        self.wave = wave
        waves = [r[0] for r in con.execute("select wave from marts.dim_wave order by wave").fetchall()]
        if wave not in waves:
            raise WaveNotPublished(f"wave {wave} is not in the published database "
                                   f"(waves: {', '.join(map(str, waves)) or 'none yet'})")
        self.waves = [w for w in waves if w <= wave]
        self.prev = self.waves[-2] if len(self.waves) > 1 else None
        self.tables = {f"{s}.{t}" for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables()").fetchall()}
        self.labels: dict[tuple[str, str], str] = {}
        for list_name, code, label in con.execute("select code_list, category, label_nl from marts.dim_category"
                                                  ).fetchall():
            self.labels[(list_name, code)] = label
        self.channels = con.execute("select channel, label_nl from marts.dim_channel order by sort_order").fetchall()
        self.sectors = con.execute("select sector, label_nl from marts.dim_sector order by sector_code").fetchall()
        self.persona_labels = con.execute("select persona, label_nl from marts.dim_persona order by sort_order").fetchall()
        questions = dict(con.execute("select variable, question_nl from marts.dim_question").fetchall())

        def item(prefix, i, code):
            text = questions.get(f"{prefix}_{i}", "")
            return text.split(": ", 1)[1] if ": " in text else code.replace("_", " ")

        self.items = {}
        for group, prefix in ((design.FRUSTRATIONS, "Q3"), (design.DISADVANTAGES, "Q7"), (design.VALUES, "Q4"),
                              (design.USE_CASES, "Q8")):
            for i, code in enumerate(group, start=1):
                self.items[code] = item(prefix, i, code)
        self.items["doorverwijzen"] = self.items.get("doorverwijzen", "doorverwijzen")

    # -- data ----------------------------------------------------------------------------------
    def rows(self, mart: str, where: str = "", params: list | None = None) -> list[dict]:
        cur = self.con.execute(f"select * from marts.{mart} {('where ' + where) if where else ''}", params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def base_note(self, rows: list[dict], waves: list[int] | None = None, extra: str = "") -> str:
        waves = waves or [self.wave]
        parts = []
        for w in sorted(waves, reverse=True):
            sel = [r for r in rows if r["wave"] == w]
            if not sel:
                continue
            n = sorted({r["base_unweighted"] for r in sel})
            e = sorted({r["base_effective"] for r in sel})
            n_txt = _n(n[0]) if len(n) == 1 or _n(n[0]) == _n(n[-1]) else f"{_n(n[0])}–{_n(n[-1])}"
            e_txt = _n(e[0]) if _n(e[0]) == _n(e[-1]) else f"{_n(e[0])}–{_n(e[-1])}"
            parts.append(f"{w}: n = {n_txt}, n_eff = {e_txt}")
        sig = (f" Vetgedrukt: significant verschil t.o.v. {self.prev} (95%, z-toets op effectieve basis)."
               if self.prev else "")
        return f'<p class="base">Basis — {"; ".join(parts)}.{sig}{(" " + extra) if extra else ""}</p>'

    def bar(self, row: dict | None, prev: bool = False) -> Bar | None:
        if row is None:
            return None
        if prev:
            return Bar(row["prev_share_pct"], False, f"{self.prev}: {pct(row['prev_share_pct'])}")
        title = (f"{row['wave']}: {row['share_pct']:.1f}% (95%-interval {row['ci_low_pct']:.1f}–"
                 f"{row['ci_high_pct']:.1f}; n = {row['base_unweighted']}, n_eff = {row['base_effective']:.0f})")
        return Bar(row["share_pct"], bool(row["significant_vs_prev"]), title)

    def series(self, n: int) -> list[tuple[str, str]]:
        return [(str(w), WAVE_COLORS[i % len(WAVE_COLORS)]) for i, w in enumerate(sorted(self.waves, reverse=True)[:n])]

    def cell(self, mart: str, key: str, row: dict | None) -> str:
        if row is None:
            return '<td class="num na">–</td>'
        sig = bool(row["significant_vs_prev"])
        value = pct(row["share_pct"])
        change = "" if row["change_pp"] is None else f"; {row['change_pp']:+.1f} pp t.o.v. {self.prev}"
        title = f"{row['share_pct']:.2f}% (95%-interval {row['ci_low_pct']:.1f}–{row['ci_high_pct']:.1f}{change})"
        shown = f"<strong>{value}</strong>" if sig else value
        return (f'<td class="num{" sig" if sig else ""}" data-mart="{mart}" data-wave="{row["wave"]}" '
                f'data-key="{escape(key)}" data-value="{row["share_pct"]!r}" '
                f'data-significant="{str(sig).lower()}" title="{escape(title)}">{shown}</td>')

    # -- sections ------------------------------------------------------------------------------
    def channels_by_contact_type(self) -> Section:
        rows = self.rows("mart_channel_preferences", "wave = ?", [self.wave])
        by = {(r["contact_type"], r["channel"]): r for r in rows}
        types = [t for t in CONTACT_TYPES if any(k[0] == t for k in by)]
        head = "".join(f"<th>{escape(CONTACT_TYPES[t])}</th>" for t in types)
        body = []
        for channel, label in self.channels:
            cells = "".join(self.cell("mart_channel_preferences", f"{t}|{channel}", by.get((t, channel)))
                            for t in types)
            body.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
        base = lambda t, k: next((r[k] for r in rows if r["contact_type"] == t), None)  # noqa: E731
        body.append('<tr class="n"><th scope="row">n</th>' + "".join(
            f'<td class="num">{_n(base(t, "base_unweighted"))}</td>' for t in types) + "</tr>")
        body.append('<tr class="n"><th scope="row">n_eff</th>' + "".join(
            f'<td class="num">{_n(base(t, "base_effective"))}</td>' for t in types) + "</tr>")
        table = (f'<table class="grid" id="table-channel-preferences"><thead><tr><th>Kanaal</th>{head}</tr></thead>'
                 f'<tbody>{"".join(body)}</tbody></table>')
        return Section("voorkeurskanalen", "Voorkeurskanalen naar type contact",
                       "Welk kanaal heeft de voorkeur bij welk soort vraag? Kolommen tellen op tot 100% "
                       "(inclusief ‘weet niet / geen voorkeur’).", [table, self.base_note(rows)])

    def channel_groups(self) -> Section:
        rows = self.rows("mart_channel_preferences", "contact_type = 'algemeen' and wave <= ?", [self.wave])
        sums: dict[tuple[str, int], float] = {}
        for r in rows:
            if r["channel_group"]:
                sums[(r["channel_group"], r["wave"])] = sums.get((r["channel_group"], r["wave"]), 0) + r["share_pct"]
        waves = sorted(self.waves, reverse=True)
        groups = [(GROUPS[g], [Bar(sums.get((g, w)), False, f"{w}: {pct(sums.get((g, w)))}") for w in waves])
                  for g in GROUPS]
        chart = hbars(groups, self.series(len(waves)), "Kanaalgroepen (eerste voorkeur), per meting")
        top3 = self.rows("mart_channel_top3", "wave = ?", [self.wave])
        labels = dict(self.channels)
        top3.sort(key=lambda r: -r["share_pct"])
        chart3 = hbars([(labels.get(r["channel"], r["channel"]), [self.bar(r), self.bar(r, prev=True)])
                        for r in top3], self.series(2), "Top 3 voorkeurskanalen: genoemd in de top 3")
        return Section("kanaalgroepen", "Kanaalgroepen en top 3",
                       "Primaire, secundaire en tertiaire kanalen als eerste voorkeur (som van de kanalen, "
                       "zonder significantietoets), en het aandeel dat een kanaal ergens in de top 3 noemt.",
                       [chart, self.base_note(rows, waves, "Groepen: som van de kanaalaandelen; geen toets."),
                        chart3, self.base_note(top3)])

    def trend(self, mart: str, dim: str, sid: str, title: str, lead: str) -> Section:
        rows = self.rows(mart, "wave <= ?", [self.wave])
        waves = sorted({r["wave"] for r in rows}, reverse=True)
        by = {(r[dim], r["wave"]): r for r in rows}
        codes = sorted({r[dim] for r in rows}, key=lambda c: -(by.get((c, self.wave)) or {"share_pct": 0})["share_pct"])
        groups = []
        for code in codes:
            bars = []
            for w in waves:
                r = by.get((code, w))
                bars.append(None if r is None else (self.bar(r) if w == self.wave else
                                                    Bar(r["share_pct"], False, f"{w}: {pct(r['share_pct'])}")))
            groups.append((self.items.get(code, code.replace("_", " ")), bars))
        chart = hbars(groups, self.series(len(waves)), title)
        return Section(sid, title, lead, [chart, self.base_note(rows, waves)])

    def personas(self) -> Section:
        rows = self.rows("mart_personas", "wave = ?", [self.wave])
        by = {r["persona"]: r for r in rows}
        groups = [(label, [self.bar(by.get(p)), self.bar(by.get(p), prev=True) if self.prev else None])
                  for p, label in self.persona_labels if p in by]
        chart = hbars(groups, self.series(2 if self.prev else 1), f"Persona's {self.wave} en {self.prev}")
        table = ['<table class="grid" id="table-personas"><thead><tr><th>Persona</th>'
                 f"<th>{self.wave}</th><th>{self.prev or ''}</th><th>verschil (pp)</th></tr></thead><tbody>"]
        for p, label in self.persona_labels:
            r = by.get(p)
            if r is None:
                continue
            change = "" if r["change_pp"] is None else f"{r['change_pp']:+.1f}"
            table.append(f'<tr><th scope="row">{escape(label)}</th>{self.cell("mart_personas", p, r)}'
                         f'<td class="num">{pct(r["prev_share_pct"])}</td><td class="num">{change}</td></tr>')
        table.append("</tbody></table>")
        return Section("personas", "Persona's",
                       "Welke uitspraak past het best? Jurre (digitale zelfdoener), Juna (sociale ontdekker), "
                       "Janny (kritische klant) en Janus (traditionele beller).",
                       [chart, "".join(table), self.base_note(rows)])

    def attitudes(self) -> Section:
        parts = []
        att = self.rows("mart_attitudes", "wave = ?", [self.wave])
        for question, answers, title in (
                ("open_to_automation", [("ja", "Ja", "#2a9d8f"), ("weet_niet", "Weet niet", "#b8c4cc"),
                                        ("nee", "Nee", "#d1495b")], "Open voor geautomatiseerd klantcontact?"),
                ("grade", [("voldoende_goed", "Voldoende/goed (6–10)", "#2a9d8f"),
                           ("onvoldoende", "Onvoldoende (1–5)", "#d1495b")], "Rapportcijfer geautomatiseerd contact")):
            sel = {r["answer"]: r for r in att if r["question"] == question}
            if not sel:
                continue
            rows = [(f"{self.wave}", [self.bar(sel.get(a)) or Bar(None) for a, _, _ in answers])]
            if self.prev:
                rows.append((f"{self.prev}", [self.bar(sel.get(a), prev=True) or Bar(None) for a, _, _ in answers]))
            parts.append(stacked(rows, [(label, color) for _, label, color in answers], title))
            parts.append(self.base_note(list(sel.values())))
        uses = self.rows("mart_ai_use_cases", "wave = ?", [self.wave])
        if uses:
            by = {(r["use_case"], r["stance"]): r for r in uses}
            rows = []
            for code in design.USE_CASES:
                if not any(k[0] == code for k in by):
                    continue
                label = self.items.get(code, code)
                label = label.replace("chatbot/spraakassistent ", "")
                rows.append((f"{label} ({self.wave})", [self.bar(by.get((code, s))) or Bar(None)
                                                            for s, _ in STANCE_COLORS]))
                if self.prev and by.get((code, "positief"), {}).get("prev_share_pct") is not None:
                    rows.append((f"{self.prev}", [self.bar(by.get((code, s)), prev=True) or Bar(None)
                                                  for s, _ in STANCE_COLORS]))
            parts.append(stacked(rows, [(s.capitalize(), c) for s, c in STANCE_COLORS],
                                 "Houding tegenover AI-toepassingen in klantcontact", label_width=330))
            parts.append(self.base_note(uses))
        return Section("houding-ai", "Houding tegenover geautomatiseerd contact en AI-toepassingen",
                       "Staat de consument open voor geautomatiseerd contact, welk rapportcijfer krijgt het, en hoe "
                       "staat men tegenover concrete toepassingen van chatbots en spraakassistenten?", parts)

    def assistants(self) -> Section:
        rows = self.rows("mart_assistant_outcomes", "wave = ?", [self.wave])
        by = {(r["assistant"], r["measure"], r["answer"]): r for r in rows}
        key_rows = [("contact_gehad", "ja", "Contact gehad (afgelopen 12 maanden)"),
                    ("afgehandeld", "volledig_afgehandeld", "Vraag volledig afgehandeld"),
                    ("correct", "ja", "Vraag correct beantwoord"),
                    ("vervolgcontact", "ja", "Vervolgcontact nodig"),
                    ("dacht_mens", "ja", "Dacht met een mens te praten")]
        groups = [(label, [self.bar(by.get(("chatbot", m, a))), self.bar(by.get(("spraakassistent", m, a)))])
                  for m, a, label in key_rows]
        chart = hbars(groups, [("Chatbot", "#0b6e79"), ("Spraakassistent", "#e09f3e")],
                      f"Chatbot en spraakassistent: uitkomsten laatste contact ({self.wave})")
        table = [f'<table class="grid" id="table-assistants"><thead><tr><th>Uitkomst</th><th>Antwoord</th>'
                 f"<th>Chatbot {self.wave}</th><th>{self.prev or ''}</th><th>Spraakassistent {self.wave}</th>"
                 f"<th>{self.prev or ''}</th></tr></thead><tbody>"]
        for measure, label in MEASURES.items():
            answers = sorted({k[2] for k in by if k[1] == measure}, key=ANSWER_ORDER.index)
            for answer in answers:
                cb, va = by.get(("chatbot", measure, answer)), by.get(("spraakassistent", measure, answer))
                alabel = self.labels.get((ANSWER_LISTS[measure], answer)) or answer.replace("_", " ")
                table.append(f"<tr><th scope=\"row\">{escape(label)}</th><td>{escape(alabel)}</td>"
                             f"{self.cell('mart_assistant_outcomes', f'chatbot|{measure}|{answer}', cb)}"
                             f"<td class=\"num\">{pct(cb['prev_share_pct']) if cb else '–'}</td>"
                             f"{self.cell('mart_assistant_outcomes', f'spraakassistent|{measure}|{answer}', va)}"
                             f"<td class=\"num\">{pct(va['prev_share_pct']) if va else '–'}</td></tr>")
        table.append("</tbody></table>")
        notes = [self.base_note([r for r in rows if r["assistant"] == a], extra=f"({a})")
                 for a in ("chatbot", "spraakassistent")]
        return Section("chatbot-spraakassistent", "Chatbot versus spraakassistent",
                       "Uitkomsten van het laatste contact, onder wie afgelopen jaar contact had (vervolgvragen "
                       "vanaf 2025).", [chart, *notes, "".join(table)])

    def sectors_section(self) -> Section:
        chan = self.rows("mart_sector_channels", "wave = ?", [self.wave])
        kpis = self.rows("mart_sector_kpis", "wave <= ?", [self.wave])
        labels = dict(self.channels)
        parts = []
        for sector, label in self.sectors:
            sc = sorted([r for r in chan if r["sector"] == sector], key=lambda r: -r["share_pct"])
            sk = [r for r in kpis if r["sector"] == sector]
            now = {r["kpi"]: r for r in sk if r["wave"] == self.wave}
            if not sc and not now:
                continue
            panel = [f'<section class="sector" id="sector-{sector}"><h3>{escape(label)}</h3><div class="panels">']
            a = hbars([(labels.get(r["channel"], r["channel"]), [self.bar(r), self.bar(r, prev=True)]) for r in sc],
                      self.series(2), f"{label}: voorkeurskanalen", width=560, label_width=190)
            panel.append(f'<div class="panel"><h4><span class="tag">A</span> Voorkeurskanalen</h4>{a}'
                         f"{self.base_note(sc)}</div>")
            pos = now.get("positive_attitude")
            b = hbars([("Positieve houding (6 of hoger)", [self.bar(pos), self.bar(pos, prev=True)])],
                      self.series(2), f"{label}: positieve houding", width=560, label_width=190)
            panel.append(f'<div class="panel"><h4><span class="tag">B</span> Houding t.o.v. geautomatiseerd '
                         f"contact</h4>{b}{self.base_note([pos] if pos else [])}</div>")
            ckeys = ["chatbot_contact", "voice_contact", "any_automated_contact"]
            c = hbars([(KPIS[k], [self.bar(now.get(k)), self.bar(now.get(k), prev=True)]) for k in ckeys
                       if k in now], self.series(2), f"{label}: contact met chatbot of spraakassistent",
                      width=560, label_width=190)
            panel.append(f'<div class="panel"><h4><span class="tag">C</span> Contact afgelopen jaar</h4>{c}'
                         f"{self.base_note([now[k] for k in ckeys if k in now])}</div>")
            waves = sorted({r["wave"] for r in sk if r["kpi"].startswith("experience")}, reverse=True)
            exp = {(r["kpi"], r["wave"]): r for r in sk}
            d = stacked([(str(w), [self.bar(exp.get((k, w))) if w == self.wave else
                                   Bar(exp[(k, w)]["share_pct"]) if (k, w) in exp else Bar(None)
                                   for k, _, _ in EXPERIENCE]) for w in waves],
                        [(name, color) for _, name, color in EXPERIENCE], f"{label}: ervaring veranderd?",
                        width=560, label_width=80)
            panel.append(f'<div class="panel"><h4><span class="tag">D</span> Ervaringen afgelopen jaar</h4>{d}'
                         f"{self.base_note([r for r in sk if r['kpi'].startswith('experience')], waves)}</div>")
            panel.append("</div></section>")
            parts.append("".join(panel))
        return Section("sectoren", "Voorkeuren per sector",
                       "Per sector: A voorkeurskanalen, B positieve houding, C contact met een chatbot of "
                       "spraakassistent, D of de ervaringen positiever of negatiever werden.", parts)

    def social(self) -> Section | None:
        if not {"marts.mart_social_themes", "marts.mart_social_volume"} <= self.tables:
            return None
        year = self.wave - 1
        months = [r[0] for r in self.con.execute(
            "select distinct month from marts.mart_social_volume where year(month) = ? order by 1", [year]).fetchall()]
        if not months:
            months = [r[0] for r in self.con.execute(
                "select distinct month from marts.mart_social_volume order by 1").fetchall()]
        if not months:
            return None
        lo, hi = months[0], months[-1]
        total = self.con.execute("select sum(posts) from marts.mart_social_volume where month between ? and ?",
                                 [lo, hi]).fetchall()[0][0] or 0
        negative = self.con.execute("select sum(negative_posts) from marts.mart_social_volume "
                                    "where month between ? and ?", [lo, hi]).fetchall()[0][0] or 0
        themes = self.con.execute(
            "select theme, sum(posts) from marts.mart_social_themes where month between ? and ? group by 1 "
            "order by 2 desc, 1", [lo, hi]).fetchall()
        groups = [(THEMES.get(t, t), [Bar(100.0 * p / total if total else None, False, f"{p} van {total} posts")])
                  for t, p in themes]
        chart = hbars(groups, [("aandeel posts", "#6a4c93")], "Social listening: thema's in online posts",
                      label_width=330)
        per_month = dict(self.con.execute("select month, sum(posts) from marts.mart_social_volume "
                                          "where month between ? and ? group by 1", [lo, hi]).fetchall())
        monthly = {}
        for month, theme, posts in self.con.execute(
                "select month, theme, sum(posts) from marts.mart_social_themes where month between ? and ? "
                "group by 1, 2", [lo, hi]).fetchall():
            monthly[(theme, month)] = 100.0 * posts / per_month[month] if per_month.get(month) else None
        palette = ["#6a4c93", "#d1495b", "#0b6e79", "#e09f3e"]
        trend = lines([MONTHS_NL[m.month - 1] for m in months],
                      [(THEMES.get(t, t).split(" (")[0], palette[i], [monthly.get((t, m), 0.0) for m in months])
                       for i, (t, _) in enumerate(themes[:4])], "Top-4 thema's per maand (aandeel posts)")
        note = (f'<p class="base">Basis — {_n(total)} Nederlandstalige posts ({MONTHS_NL[lo.month - 1]} {lo.year} – '
                f"{MONTHS_NL[hi.month - 1]} {hi.year}; Trustpilot, Reddit, X), {pct(100.0 * negative / total) if total else '–'} "
                "negatief. Ongewogen en niet representatief: n_eff = n. Een post kan meer thema's hebben.</p>")
        parts = [chart, note, trend, note]
        if "marts.mart_social_quotes" in self.tables:
            quotes = self.con.execute(
                "select theme, platform, month, sector, sentiment, title_masked, quote from marts.mart_social_quotes "
                "where quote_rank <= 2 order by theme, quote_rank").fetchall()
            order = [t for t, _ in themes]
            quotes.sort(key=lambda q: order.index(q[0]) if q[0] in order else 99)
            sectors = dict(self.sectors)
            items = []
            for theme, platform, month, sector, sentiment, title, text in quotes:
                head = f"<strong>{escape(title)}</strong><br>" if title else ""
                items.append(f'<figure class="quote" data-theme="{theme}"><blockquote>{head}{escape(text)}</blockquote>'
                             f"<figcaption>{escape(THEMES.get(theme, theme))} · {escape(platform)} · "
                             f"{MONTHS_NL[month.month - 1]} {month.year} · {escape(sectors.get(sector, sector))} · "
                             f"{escape(sentiment)}</figcaption></figure>")
            parts.append('<h3>Voorbeelden uit de posts (persoonsgegevens gemaskeerd)</h3>'
                         f'<div class="quotes">{"".join(items)}</div>')
        return Section("social-listening", "Social listening",
                       "Wat schrijven consumenten online over geautomatiseerd klantcontact? Thema's zijn per post "
                       "gecodeerd; e-mailadressen, telefoonnummers, @handles en links zijn gemaskeerd.", parts)

    def build(self) -> dict:
        wave_row = self.con.execute("select respondents, fieldwork_month, weighting_efficiency from marts.dim_wave "
                                    "where wave = ?", [self.wave]).fetchall()[0]
        sections = [self.channels_by_contact_type(), self.channel_groups(),
                    self.trend("mart_frustrations", "frustration", "ergernissen", "Grootste ergernissen in klantcontact",
                               "Maximaal drie ergernissen per respondent; per meting."),
                    self.personas(),
                    self.trend("mart_disadvantages", "disadvantage", "nadelen",
                               "Nadelen van geautomatiseerd contact", "Meerdere antwoorden mogelijk; per meting."),
                    self.trend("mart_values", "value", "belang", "Wat is belangrijk bij geautomatiseerd contact",
                               "Aandeel dat het aspect (zeer) belangrijk vindt (4 of 5 op een 5-puntsschaal)."),
                    self.attitudes(), self.assistants(), self.sectors_section()]
        social = self.social()
        if social is not None:
            sections.append(social)
        fieldwork = wave_row[1]
        return {
            "wave": self.wave, "prev": self.prev, "n": _n(wave_row[0]),
            "fieldwork": f"{['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'][fieldwork.month - 1]} {fieldwork.year}" if fieldwork else "",
            "efficiency": f"{wave_row[2]:.2f}".replace(".", ","), "sections": sections,
            "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "waves": ", ".join(str(w) for w in self.waves),
            "publish": self.con.execute("select published_at from audit.publish_info").fetchall()[0][0]
            if "audit.publish_info" in self.tables else "",
        }


def write_report(home: Home, wave: int | None = None) -> Path:
    """Render the report for ``wave`` (default: the latest) to $VOICE_MONITOR_HOME/reports/."""
    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        if wave is None:
            wave = con.execute("select max(wave) from marts.dim_wave").fetchall()[0][0]
            if wave is None:
                raise WaveNotPublished("the published database has no survey waves yet")
        context = Report(con, int(wave)).build()
    finally:
        con.close()
    html = render(context)
    home.reports.mkdir(parents=True, exist_ok=True)
    target = home.reports / f"voice_monitor_{wave}.html"
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target
