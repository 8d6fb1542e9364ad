"""The questionnaire as data: concrete variables per wave, their code lists and routing.

Everything is derived from the bundled ``seeds/codebook.csv`` (a verbatim copy of the
contract's codebook) and ``seeds/code_labels.csv`` / ``seeds/sectors.csv``, so that the
validator, the sample generator and the dbt models all read one definition.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from orchestration.paths import SEEDS_DIR

BACKGROUND_REQUIRED = ("GESLACHT", "LEEFTIJD", "REGIO", "OPLEIDING")
OPTIONAL_VARIABLES = ("GEWICHT", "STARTDATE", "OPEN")
AGE_MIN, AGE_MAX = 18, 99

# Named code lists of the contract (spec §2, "Code lists").
_NAMED_LISTS = {
    "@channel": (1, 2, 3, 4, 5, 6, 7, 8, 99),
    "@channel_no_dk": (1, 2, 3, 4, 5, 6, 7, 8),
    "@importance": (1, 2, 3, 4, 5),
    "@stance": (1, 2, 3),
    "@frequency": (1, 2, 3, 4),
}
_TYPE_RANGES = {
    "scale5": tuple(range(1, 6)),
    "scale10": tuple(range(1, 11)),
    "multi": (0, 1),
    "multi_exclusive": (0, 1),
}


@dataclass(frozen=True)
class Condition:
    """One ``VAR=code`` term of an ``asked_of`` routing rule."""

    variable: str
    code: int


@dataclass(frozen=True)
class Variable:
    name: str
    block: str
    type: str
    question_nl: str
    codes_spec: str
    asked_of: str
    first_wave: int
    sector: int | None = None
    allowed: tuple[int, ...] | None = None          # valid integer codes; None = not coded
    labels: dict[int, str] = field(default_factory=dict, compare=False, hash=False)
    routing: tuple[Condition, ...] = ()              # OR of conditions; empty = asked of all

    @property
    def is_numeric(self) -> bool:
        return self.type not in ("id", "date", "text")

    @property
    def is_coded(self) -> bool:
        return self.allowed is not None

    @property
    def is_multi(self) -> bool:
        return self.type in ("multi", "multi_exclusive")

    @property
    def list_name(self) -> str:
        """Name of the code list in ``code_labels.csv`` for this variable."""
        if self.codes_spec.startswith("@"):
            return self.codes_spec[1:]
        if self.is_multi:
            return "multi"
        if self.sector is not None:
            return re.sub(r"^S\d+_", "S_", self.name)
        return self.name


def _parse_inline_codes(spec: str) -> dict[int, str]:
    labels: dict[int, str] = {}
    for part in spec.split("|"):
        code, _, label = part.partition("=")
        labels[int(code)] = label.strip()
    return labels


def _parse_routing(asked_of: str) -> tuple[Condition, ...]:
    if asked_of.strip().lower() == "all":
        return ()
    terms = []
    for term in re.split(r"\s+or\s+", asked_of.strip()):
        var, _, code = term.partition("=")
        terms.append(Condition(var.strip().upper(), int(code)))
    return tuple(terms)


@lru_cache(maxsize=1)
def sector_first_waves(seeds_dir: Path = SEEDS_DIR) -> dict[int, int]:
    with open(seeds_dir / "sectors.csv", newline="", encoding="utf-8") as fh:
        return {int(r["sector_code"]): int(r["first_wave"]) for r in csv.DictReader(fh)}


def _sector_labels(seeds_dir: Path) -> dict[int, str]:
    with open(seeds_dir / "sectors.csv", newline="", encoding="utf-8") as fh:
        return {int(r["sector_code"]): r["label_nl"] for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def all_variables(seeds_dir: Path = SEEDS_DIR) -> tuple[Variable, ...]:
    """Every concrete variable of the codebook, sector templates expanded (s = 1..7)."""
    sectors = sector_first_waves(seeds_dir)
    sector_labels = _sector_labels(seeds_dir)
    out: list[Variable] = []
    with open(seeds_dir / "codebook.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        names: list[tuple[str, int | None, int, str]] = []
        if "{s}" in row["variable"]:
            for s, first in sectors.items():
                names.append((row["variable"].replace("{s}", str(s)), s, first,
                              row["asked_of"].replace("{s}", str(s))))
        else:
            names.append((row["variable"], None, int(row["first_wave"]), row["asked_of"]))
        codes_spec = row["codes"].strip()
        labels: dict[int, str] = {}
        if codes_spec.startswith("@"):
            allowed = _NAMED_LISTS[codes_spec]
        elif codes_spec:
            labels = _parse_inline_codes(codes_spec)
            allowed = tuple(labels)
        else:
            allowed = _TYPE_RANGES.get(row["type"])
        for name, sector, first_wave, asked_of in names:
            out.append(Variable(
                name=name.upper(), block=row["block"], type=row["type"],
                question_nl=row["question_nl"].replace("{s}", sector_labels.get(sector, "")),
                codes_spec=codes_spec, asked_of=asked_of,
                first_wave=first_wave, sector=sector, allowed=allowed, labels=labels,
                routing=_parse_routing(asked_of),
            ))
    return tuple(out)


def variables_by_name() -> dict[str, Variable]:
    return {v.name: v for v in all_variables()}


def variables_for_wave(wave: int) -> tuple[Variable, ...]:
    """Variables asked in ``wave`` (first_wave <= wave)."""
    return tuple(v for v in all_variables() if v.first_wave <= wave)


def required_for_wave(wave: int) -> tuple[Variable, ...]:
    return tuple(v for v in variables_for_wave(wave) if v.name not in OPTIONAL_VARIABLES)


def answer_variables() -> tuple[Variable, ...]:
    """Coded question variables that go into the tidy answers table (not background/id/text)."""
    return tuple(v for v in all_variables()
                 if v.block != "background" and v.is_coded)


@lru_cache(maxsize=1)
def code_labels(seeds_dir: Path = SEEDS_DIR) -> dict[tuple[str, int], dict[str, str]]:
    with open(seeds_dir / "code_labels.csv", newline="", encoding="utf-8") as fh:
        return {(r["list"], int(r["code"])): r for r in csv.DictReader(fh)}

