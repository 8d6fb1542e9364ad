"""How each survey mart is read off the questionnaire, written out as dbt seeds.

The marts are computed by one generic SQL aggregation (int_survey__shares) driven by a
long mapping table: for every mart row type it names the variable, the codes that count
as the category, the variable that defines the base, and optionally a condition on a
second variable (cross-tabs such as trust by usage, persona profiles). Keeping that
mapping as data means the SQL is written once and the design is reviewable in one place.

The same design is also written as a dbt macro, ``macros/survey_design.sql``: the variables of
the tidy answers and one entry per mart group (the variables its cells look at, its base, the
routing of its base question, whether it is single-choice). dbt reads column lists from it when
it compiles the survey models, so the compiled SQL depends on the project's files only, never
on what a database holds (a macro cannot read a seed's rows while compiling).

Regenerate the seeds and the macro after a codebook or design change with
``python -m orchestration.survey.mart_design``; a test fails when the committed files are out
of date.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from orchestration.paths import PROJECT_DIR, SEEDS_DIR
from orchestration import codebook as cb

CONTACT_TYPES = {"Q1_1": "advies", "Q1_2": "bestelling_betaling", "Q1_3": "bezorging_retour",
                 "Q1_4": "gebruik_onderhoud", "Q1_5": "praktisch", "Q2_R1": "algemeen"}
FRUSTRATIONS = ["lange_wachttijden", "keuzemenus", "slechte_chatbot", "doorverbonden", "verhaal_herhalen",
                "openingstijden", "email_antwoord", "onvriendelijke_medewerker", "niet_doorschakelen"]
DISADVANTAGES = ["niet_doorschakelen", "niet_begrepen", "herhalende_antwoorden", "onjuiste_informatie",
                 "onpersoonlijk", "alleen_standaardvragen", "mens_of_computer", "geen_nadelen"]
VALUES = ["goed_begrepen_worden", "snelheid", "direct_antwoord", "juiste_medewerker", "persoonlijk_contact"]
USE_CASES = ["zelfstandig_afhandelen", "samenvatting_gesprek", "identificatie", "doorverwijzen"]
ASSISTANTS = {"chatbot": "Q10", "spraakassistent": "Q11"}
OUTCOME_MEASURES = {"GEBRUIK": "contact_gehad", "AFGEHANDELD": "afgehandeld", "CORRECT": "correct",
                    "VERVOLG": "vervolgcontact", "MENS": "dacht_mens"}
PROFILE_DIMENSIONS = {"GESLACHT": "geslacht", "LEEFTIJD_BAND": "leeftijd", "REGIO": "regio",
                      "OPLEIDING": "opleiding", "Q2_R1": "voorkeurskanaal", "Q6": "open_voor_automatisering"}
SECTOR_KPIS = [  # (kpi, base group, variable suffix, codes)
    ("positive_attitude", "houding", "HOUDING", tuple(range(6, 11))),
    ("chatbot_contact", "chatbot", "CHATBOT", (1,)),
    ("voice_contact", "spraak", "SPRAAK", (1,)),
    ("any_automated_contact", "chatbot_of_spraak", "CHATBOT", (1,)),
    ("any_automated_contact", "chatbot_of_spraak", "SPRAAK", (1,)),
    ("experience_more_positive", "ervaring", "ERVARING", (1,)),
    ("experience_unchanged", "ervaring", "ERVARING", (2,)),
    ("experience_more_negative", "ervaring", "ERVARING", (3,)),
]

AGE_BAND = "LEEFTIJD_BAND"       # derived in dbt from LEEFTIJD (macros/survey_age_band.sql)

ITEM_COLUMNS = ["mart", "g1", "g2", "category", "variable", "code", "base_variable",
                "by_variable", "by_code", "sort_order"]


def _labels(list_name: str) -> dict[int, str]:
    return {code: row["code_snake"] for (lst, code), row in cb.code_labels().items() if lst == list_name}


def _codes(var: cb.Variable) -> dict[int, str]:
    return _labels(var.list_name)


def mart_items() -> list[dict]:
    """Rows of seeds/survey_mart_items.csv."""
    v = cb.variables_by_name()
    rows: list[dict] = []

    def add(mart, g1, g2, category, variable, codes, base=None, by=None, by_code=None):
        for code in codes:
            rows.append({"mart": mart, "g1": g1, "g2": g2, "category": category, "variable": variable,
                         "code": code, "base_variable": base or variable, "by_variable": by or "",
                         "by_code": "" if by_code is None else by_code, "sort_order": len(rows) + 1})

    channels = _labels("channel")
    for var, ct in CONTACT_TYPES.items():
        for code, ch in _codes(v[var]).items():
            add("mart_channel_preferences", ct, "", ch, var, [code])
    for k in (1, 2, 3):
        for code, ch in _labels("channel_no_dk").items():
            add("mart_channel_top3", "", "", ch, f"Q2_R{k}", [code], base="Q2_R1")
    for i, name in enumerate(FRUSTRATIONS, start=1):
        add("mart_frustrations", name, "", name, f"Q3_{i}", [1])
    for code, persona in _codes(v["Q5"]).items():
        add("mart_personas", "", "", persona, "Q5", [code])
    for s, sector in sorted(_sector_codes().items()):
        for code, ch in channels.items():
            add("mart_sector_channels", sector, "", ch, f"S{s}_KANAAL", [code])
        for kpi, group, suffix, codes in SECTOR_KPIS:
            add("mart_sector_kpis", sector, group, kpi, f"S{s}_{suffix}", codes)
    for code, answer in _codes(v["Q6"]).items():
        add("mart_attitudes", "open_to_automation", "", answer, "Q6", [code])
    add("mart_attitudes", "grade", "", "onvoldoende", "Q9", range(1, 6))
    add("mart_attitudes", "grade", "", "voldoende_goed", "Q9", range(6, 11))
    for i, use_case in enumerate(USE_CASES, start=1):
        for code, stance in _codes(v[f"Q8_{i}"]).items():
            add("mart_ai_use_cases", use_case, "", stance, f"Q8_{i}", [code])
    for i, name in enumerate(DISADVANTAGES, start=1):
        add("mart_disadvantages", name, "", name, f"Q7_{i}", [1])
    for i, name in enumerate(VALUES, start=1):
        add("mart_values", name, "", name, f"Q4_{i}", [4, 5])
    for assistant, prefix in ASSISTANTS.items():
        for suffix, measure in OUTCOME_MEASURES.items():
            name = f"{prefix}_{suffix}"
            if name in v:
                for code, answer in _codes(v[name]).items():
                    add("mart_assistant_outcomes", assistant, measure, answer, name, [code])
    frequencies = _labels("frequency")
    for k, assistant in enumerate(ASSISTANTS, start=1):
        for f_code, frequency in frequencies.items():
            for level in range(1, 6):
                add("mart_trust_by_usage", assistant, frequency, str(level), f"Q12_{k}", [level],
                    by=f"Q13_{k}", by_code=f_code)
    for p_code, persona in _codes(v["Q5"]).items():
        for variable, dimension in PROFILE_DIMENSIONS.items():
            codes = _labels(variable if variable in ("GESLACHT", "LEEFTIJD_BAND", "REGIO", "OPLEIDING", "Q6")
                            else "channel_no_dk")
            for code, category in codes.items():
                add("mart_persona_profiles", persona, dimension, category, variable, [code],
                    by="Q5", by_code=p_code)
    return rows


def _sector_codes() -> dict[int, str]:
    with open(SEEDS_DIR / "sectors.csv", newline="", encoding="utf-8") as fh:
        return {int(r["sector_code"]): r["sector"] for r in csv.DictReader(fh)}


VARIABLE_COLUMNS = ["variable", "template", "block", "type", "list_name", "sector_code", "first_wave",
                    "asked_of", "question_nl", "in_answers"]


def survey_variables() -> list[dict]:
    """Rows of seeds/survey_variables.csv: every concrete variable, sector templates expanded."""
    rows = []
    for var in cb.all_variables():
        template = var.name if var.sector is None else var.name.replace(f"S{var.sector}_", "S{s}_", 1)
        in_answers = var.is_coded and var.name not in ("LEEFTIJD",) and var.type != "weight"
        rows.append({"variable": var.name, "template": template, "block": var.block, "type": var.type,
                     "list_name": var.list_name if var.is_coded else "",
                     "sector_code": var.sector or "", "first_wave": var.first_wave, "asked_of": var.asked_of,
                     "question_nl": var.question_nl,
                     "in_answers": str(in_answers).lower()})
    rows.append({"variable": AGE_BAND, "template": AGE_BAND, "block": "background",
                 "type": "derived", "list_name": AGE_BAND, "sector_code": "", "first_wave": 2023,
                 "asked_of": "all", "question_nl": "Leeftijdsgroep (afgeleid van LEEFTIJD)", "in_answers": "true"})
    return rows


def answer_variables() -> list[str]:
    """The variables of the tidy answers (``in_answers``), sorted."""
    return sorted(r["variable"] for r in survey_variables() if r["in_answers"] == "true")


def _allowed_codes(name: str) -> tuple[int, ...] | None:
    """The codes a variable can take: the codebook's, or the derived age band's code list."""
    if name == AGE_BAND:
        return tuple(sorted(_labels(AGE_BAND)))
    var = cb.variables_by_name().get(name)
    return var.allowed if var is not None and not var.is_multi else None


def _single_choice(items: list[dict]) -> bool:
    """A group is single-choice (spec §4: its shares sum to 100) when its categories read one
    single-choice or scale question, which is also its base, and together give every code of
    that question exactly once."""
    variables = {r["variable"] for r in items}
    if len(variables) != 1 or {r["base_variable"] for r in items} != variables:
        return False
    allowed = _allowed_codes(next(iter(variables)))
    return allowed is not None and sorted(r["code"] for r in items) == sorted(allowed)


def _routing(name: str) -> list[list]:
    """The codebook's routing of a question as [variable, code] pairs (asked of any of them);
    empty when it is asked of everyone."""
    var = cb.variables_by_name().get(name)
    return [[c.variable, c.code] for c in var.routing] if var is not None else []


def mart_groups(items: list[dict] | None = None) -> list[dict]:
    """One entry per mart group (mart, g1, g2), in the design's order:

    * ``set_key``: the variables its cells, base and condition look at (those of the tidy
      answers), sorted and comma-separated — int_survey__answer_cells counts respondents per
      combination of answers to each set;
    * ``bases``: who is in its base — respondents with ``variable`` answered (and, for a
      cross-tab, ``by_variable`` = ``by_code``); a respondent in any of them counts once; with
      the ``routing`` of the base question (spec §4: a routed question's base is the
      respondents routed to it who answered);
    * ``single_choice``: whether its shares sum to 100.
    """
    items = mart_items() if items is None else items
    answers = set(answer_variables())
    grouped: dict[tuple[str, str, str], list[dict]] = {}
    for row in items:
        grouped.setdefault((row["mart"], row["g1"], row["g2"]), []).append(row)
    groups = []
    for (mart, g1, g2), rows in grouped.items():
        used = {r["variable"] for r in rows} | {r["base_variable"] for r in rows} \
            | {r["by_variable"] for r in rows if r["by_variable"]}
        bases = {(r["base_variable"], r["by_variable"] or None, None if r["by_code"] == "" else int(r["by_code"]))
                 for r in rows}
        groups.append({
            "mart": mart, "g1": g1, "g2": g2, "set_key": ",".join(sorted(used & answers)),
            "single_choice": _single_choice(rows),
            "bases": [{"variable": b, "by_variable": by, "by_code": code, "routing": _routing(b)}
                      for b, by, code in sorted(bases, key=lambda t: (t[0], t[1] or "", t[2] or 0))],
        })
    return groups


def render(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


SEEDS = {
    "survey_mart_items.csv": (mart_items, ITEM_COLUMNS),
    "survey_variables.csv": (survey_variables, VARIABLE_COLUMNS),
}
DESIGN_MACRO = PROJECT_DIR / "macros" / "survey_design.sql"


def _jinja(value) -> str:
    """A Python value as a Jinja literal (lists, dicts, strings, ints, booleans, None)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if "'" in value or "\\" in value:
            raise ValueError(f"not a design name: {value!r}")
        return f"'{value}'"
    if isinstance(value, list):
        return "[" + ", ".join(_jinja(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_jinja(k)}: {_jinja(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Jinja literal for {value!r}")


def render_design_macro() -> str:
    """macros/survey_design.sql: the design as macros dbt reads when it compiles."""
    names = answer_variables()
    answers = ",\n".join("        " + ", ".join(_jinja(v) for v in names[i:i + 10]) for i in range(0, len(names), 10))
    groups = "\n".join(f"    {_jinja(g)}," for g in mart_groups())
    return f"""{{#- Generated by `python -m orchestration.survey.mart_design` from the codebook and the mart design
    (orchestration/survey/mart_design.py); do not edit by hand (a test fails when it is out of date).
    The survey models take their column lists from here when dbt compiles, so the compiled SQL
    depends on the project's files only, never on what the database holds. -#}}

{{#- The variables of the tidy answers (stg_survey__answers), sorted: coded questions and
    background variables, with the derived age band. -#}}
{{% macro survey_answer_variables() -%}}
    {{{{ return([
{answers}
    ]) }}}}
{{%- endmacro %}}

{{#- One entry per mart group (mart, g1, g2) of seeds/survey_mart_items.csv: set_key (the variables
    its cells look at), single_choice (its shares sum to 100), bases (who is in its base:
    `variable` answered and, for a cross-tab, `by_variable` = `by_code`; any of them counts once;
    `routing` is the base question's routing from the codebook, [variable, code] pairs of which
    any routes a respondent to it). -#}}
{{% macro survey_mart_groups() -%}}
    {{{{ return([
{groups}
    ]) }}}}
{{%- endmacro %}}
"""


def write_seeds(folder: Path = SEEDS_DIR, macro: Path = DESIGN_MACRO) -> list[Path]:
    """Write the seeds and the design macro (``python -m orchestration.survey.mart_design``)."""
    written = []
    for name, (build, columns) in SEEDS.items():
        path = folder / name
        path.write_text(render(build(), columns), encoding="utf-8")
        written.append(path)
    macro.write_text(render_design_macro(), encoding="utf-8")
    written.append(macro)
    return written


if __name__ == "__main__":
    for p in write_seeds():
        print(f"wrote {p}")
