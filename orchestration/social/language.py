"""Offline language detection of posts: a set-based fast path for clear Dutch, lingua for the rest.

1. Fast path (SQL, vectorised in DuckDB, or the same rule in Python): count the distinct
   *exclusively Dutch* function words of a post (``het``, ``een``, ``niet``, ``mijn`` …) and look
   for function words of the other likely languages that never occur in Dutch (``the``,
   ``und``, ``pour`` …). A post with at least 8 distinct Dutch ones, or at least 3 and no
   foreign one, is Dutch. That decides most posts without leaving the database.
2. Everything else (short posts, mixed language, non-Dutch) goes to lingua-language-detector
   (its models ship in the package, nothing is downloaded), restricted to the languages likely
   in Dutch social media, built once per process: the full models for texts under 120
   characters, the faster low-accuracy mode (as accurate on longer texts) for the rest.

Languages are ISO 639-1 codes; ``und`` when lingua cannot decide.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

# Function words (and a few everyday words) that are Dutch and not words of English, German,
# French, Spanish, Italian, Portuguese or Turkish. Shared words ("de", "en", "die", "is",
# "in", "was", "of", "je", "als", "echt", "er", "me", "we") are left out on purpose.
DUTCH_WORDS = frozenset("""
het een niet ik mijn maar geen ook naar bij nog heb heeft hebben dat zijn wordt werd wel uit
wat omdat weer moet moeten deze nooit krijg kreeg krijgen gewoon alleen keer jullie zelfs voor
hoe waarom veel graag helemaal eindelijk inmiddels steeds dus toch hij zij mij mee kon zou
sinds tegen zonder iets niets niks iemand niemand ben nu zo om op ze dan
klantenservice bellen gebeld besteld bezorgd pakket gaat doen gedaan weet wachten maanden
dagen weken vandaag gisteren morgen erg goed slecht duurt kunnen wil willen daar
""".split())

# ASCII function words of the other likely languages (English, German, French, Spanish,
# Italian, Portuguese, Turkish, Scandinavian) that are not Dutch words.
FOREIGN_WORDS = frozenset("""
the and with this that have for you they but would after their there about from will still
get got my not it what when can cannot could should why how any only again never which are
were has your our them then than very really did didn does doesn
und ich nicht ist mit mein meine kein keine auch nach noch wird wurde sich sie eine einen dem
zu auf aber habe hat wieder schon nur immer dass sehr warum bin wir mir mich seit ein kann
oder weil bitte danke
le est pas une et pour que avec mais mon qui nous vous il elle sur
el por pero muy mi con para una del lo se di che sono della uma com muito
bir ve bu icin ama og det jeg ikke och inte jag att
""".split()) - DUTCH_WORDS

_NL_RE = re.compile(r"\b(" + "|".join(sorted(DUTCH_WORDS)) + r")\b", re.ASCII)
_FOREIGN_RE = re.compile(r"\b(" + "|".join(sorted(FOREIGN_WORDS)) + r")\b", re.ASCII)


def fast_language(text: str | None) -> str | None:
    """'nl' when the function-word rule is sure the text is Dutch, else None (ask lingua):
    at least 8 distinct Dutch function words, or at least 3 and no foreign one."""
    if not text:
        return None
    low = text.lower()
    nl = len(set(_NL_RE.findall(low)))
    if nl >= 8 or (nl >= 3 and _FOREIGN_RE.search(low) is None):
        return "nl"
    return None


def dutch_words_sql(expr: str) -> str:
    """DuckDB expression: number of distinct Dutch function words in ``expr`` (lower-cased)."""
    # the whole match (group 0) of a non-capturing alternation: RE2 finds it without tracking groups
    return (f"len(list_distinct(regexp_extract_all({expr}, "
            f"'\\b(?:" + "|".join(sorted(DUTCH_WORDS)) + ")\\b')))")


def foreign_words_sql(expr: str) -> str:
    """DuckDB expression: ``expr`` (lower-cased) contains a foreign function word."""
    return f"regexp_matches({expr}, '\\b(" + "|".join(sorted(FOREIGN_WORDS)) + ")\\b')"


def fast_language_sql(lowered: str) -> str:
    """The same rule as ``fast_language`` over an already lower-cased text column; RE2's ``\\b``
    is ASCII-based like ``re.ASCII``. Put the text in a column first: it is scanned twice."""
    n = dutch_words_sql(lowered)
    return (f"(case when {n} >= 8 then 'nl' "
            f"when {n} >= 3 and not {foreign_words_sql(lowered)} then 'nl' end)")


# --- lingua --------------------------------------------------------------------------------

LINGUA_LANGUAGES = ("DUTCH", "ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE",
                    "TURKISH", "POLISH", "ARABIC", "DANISH", "SWEDISH", "INDONESIAN")


# lingua's low-accuracy mode (trigrams only) is as good as the full models on longer texts and
# about three times faster; short texts get the full models.
LOW_ACCURACY_MIN_CHARS = 120


@lru_cache(maxsize=2)
def _detector(low_accuracy: bool = False):
    from lingua import Language, LanguageDetectorBuilder

    langs = [getattr(Language, name) for name in LINGUA_LANGUAGES]
    builder = LanguageDetectorBuilder.from_languages(*langs)
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def lingua_languages(texts: Sequence[str]) -> list[str]:
    """lingua's decision for each text (multi-threaded in lingua's Rust core)."""
    out: list[str] = ["und"] * len(texts)
    for low in (False, True):
        idx = [i for i, t in enumerate(texts) if (len(t) >= LOW_ACCURACY_MIN_CHARS) == low]
        if not idx:
            continue
        results = _detector(low).detect_languages_in_parallel_of([texts[i] for i in idx])
        for i, r in zip(idx, results):
            out[i] = r.iso_code_639_1.name.lower() if r is not None else "und"
    return out


def detect_languages(texts: Sequence[str | None]) -> list[str]:
    """Fast path where it decides, lingua for the rest."""
    out: list[str | None] = [fast_language(t) for t in texts]
    todo = [i for i, v in enumerate(out) if v is None]
    for i, lang in zip(todo, lingua_languages([texts[i] or "" for i in todo])):
        out[i] = lang
    return [v or "und" for v in out]


def detect_language(text: str | None) -> str:
    return detect_languages([text])[0]
