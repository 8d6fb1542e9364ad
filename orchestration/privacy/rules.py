"""The masking rules for free text: defined once, run by DuckDB (RE2) and by Python (``re``).

Each plain rule is a regular expression and a replacement, written in the part of the regex
language that RE2 and Python's ``re`` (compiled with ``re.ASCII``) read the same way: no
look-arounds or back-references, ``\\b``/``\\w`` ASCII-based, explicit character classes for
letter case (RE2's case folding would also fold e.g. the Kelvin sign), ``\\z`` for the end of the
text (rendered ``\\Z`` for Python, see ``python_pattern``), and never a pattern that can match the
empty string. Applied one after the other, leftmost-first and non-overlapping, both engines give
the same text; ``tests/social/test_privacy_agreement.py`` proves it on thousands of texts.

Where a regex alone cannot decide (is this a valid phone number, does this 9-digit number pass
the BSN 11-test) the rule is *checked*: it runs in Python only (``checked.py``), on the texts
that still hold ``CHECKED_MIN_DIGITS`` or more digits after the plain rules.

Look-behinds are written as a captured preceding character that the replacement puts back
(``(^|[^...])@name`` → ``\\1[handle]``); a rule's match never ends in a character its own
"preceding character" class accepts, so consecutive matches are found as with a look-behind.
A negative look-ahead on a list of words (a company after "ik ben") is written as a *protect*
rule that puts ``MARKER`` in front of those words, so the name rules cannot match there; the last
rule removes the markers.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from orchestration.paths import SEEDS_DIR

# --- placeholders (also in macros/social_text.sql, so they never become classification tokens)

EMAIL = "[email]"
URL = "[url]"
HANDLE = "[handle]"
PHONE = "[telefoon]"
IBAN = "[iban]"
BSN = "[bsn]"
ADDRESS = "[adres]"
POSTCODE = "[postcode]"
NUMBER = "[nummer]"
NAME = "[naam]"
PLACEHOLDERS = (EMAIL, URL, HANDLE, PHONE, IBAN, BSN, ADDRESS, POSTCODE, NUMBER, NAME)

# two private-use characters: "the next word is not a name" (removed by the last rule)
MARKER = "\ue000\ue001"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: str          # common subset of RE2 and Python re (see module docstring)
    replacement: str      # \1 .. \9 refer to groups; nothing else is special


def ci(word: str) -> str:
    """Case-insensitive ASCII literal without RE2's Unicode case folding: 'Bsn' → '[bB][sS][nN]'."""
    out = []
    for ch in word:
        if ch.isascii() and ch.isalpha():
            out.append(f"[{ch.lower()}{ch.upper()}]")
        elif ch == " ":
            out.append("[ ]+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _alt(items) -> str:
    return "(?:" + "|".join(items) + ")"


# --- building blocks ----------------------------------------------------------------------

SP = "[ \\t\\xa0]"                    # a space inside a line (also the no-break space)
WS = "[ \\t\\n\\r\\f\\v\\xa0]"        # any white space
NOT_WS = "[^ \\t\\n\\r\\f\\v\\xa0<>\"'\\[\\]]"    # a character of a link
UP = "[A-ZÀ-ÖØ-ÞĀ-ſ]"                  # an upper-case letter (Latin-1; Latin Extended-A mixes cases)
LOW = "[a-zß-öø-ÿĀ-ſ]"                # a lower-case letter
NO_LETTER_NEXT = "(?:[^A-Za-z0-9_À-ÖØ-öø-ÿĀ-ſ]|" + "\\z" + ")"   # \b for words with non-ASCII letters
END = "\\z"                           # the end of the text (Python: \Z)

_TLDS = _alt(ci(t) for t in ("nl", "com", "be", "de", "org", "net", "eu", "io", "app", "info",
                              "co.uk", "uk", "fr", "shop", "online", "nu", "me", "ly", "gl", "to"))

# a house number: 12, 12a, 12-2, 12/2, 12-hs, 12 A
HOUSE_NUMBER = "[1-9][0-9]{0,4}(?:[-/][0-9]{1,4}\\b|-?[a-zA-Z]{1,2}\\b|\\b)"
# a postcode: 1234 AB / 1234AB / 1234ab (lower case only when written together)
_UNITS = ("KB", "MB", "GB", "TB", "PB", "KM", "CM", "MM", "DM", "ML", "CL", "DL", "KG", "MG", "GR",
          "PK", "KW", "MW", "GW", "WH", "HZ", "PM", "AM", "BC", "CC", "HP", "PS", "EU", "XL", "XS",
          "HD", "TV", "ST", "MP", "GT", "SE", "TI", "XT", "DX", "EX", "LX", "GX", "RS", "SL", "GL",
          "PC", "CD", "DJ", "OK", "KO", "UV", "LED", "VA", "DB")
_MEASURES = ("KB", "MB", "GB", "TB", "KM", "CM", "MM", "ML", "KG", "MG", "KW", "MW", "GW", "HZ", "PK")
_DUTCH_WORDS_2 = ("EN", "OF", "IN", "OP", "IS", "AL", "ZO", "DE", "JA", "NU", "TE", "ME", "JE",
                  "WE", "ZE", "ER", "EN", "NA", "OM", "BY", "AN", "IK", "AF", "UW", "DAT")


def _two_letters_except(excluded: tuple[str, ...], upper: bool) -> str:
    """Two letters of one case that do not form one of ``excluded``, as a plain class alternation."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if not upper:
        letters = letters.lower()
        excluded = tuple(e.lower() for e in excluded)
    ex = {e for e in excluded if len(e) == 2}
    alts = []
    for first in letters:
        seconds = "".join(c for c in letters if first + c not in ex)
        if seconds == letters:
            alts.append(first)
        elif seconds:
            alts.append(f"{first}[{seconds}]")
    full = "".join(a for a in alts if len(a) == 1)
    parts = ([f"[{full}][{letters[0]}-{letters[-1]}]"] if full else []) + [a for a in alts if len(a) > 1]
    return _alt(parts)


_PC_DIGITS = "\\b[1-9][0-9]{3}"
POSTCODE_NEAR_NUMBER = (_PC_DIGITS + "(?:" + SP + "?" + _two_letters_except(_MEASURES, True) + "|"
                        + _two_letters_except(_MEASURES, False) + ")")
POSTCODE_ALONE = (_PC_DIGITS + "(?:" + SP + "?" + _two_letters_except(_UNITS + _DUTCH_WORDS_2, True) + "|"
                  + _two_letters_except(_UNITS + _DUTCH_WORDS_2, False) + ")\\b")

# street names: ... + a street word; a few prefixes make any capitalised name a street
_STREET_SUFFIXES = ("straat", "straatweg", "laan", "weg", "plein", "gracht", "kade", "singel", "dreef",
                    "steeg", "dijk", "pad", "plantsoen", "boulevard", "allee", "hof", "wal", "burgwal")
_LOWER_STREET_SUFFIXES = ("straat", "laan", "gracht", "plein", "kade", "singel", "steeg", "dreef")
_STREET_PREFIXES = ("Lange", "Korte", "Oude", "Nieuwe", "Hoge", "Lage", "Grote", "Groote", "Kleine",
                    "Achter", "Binnen", "Buiten", "Noord", "Zuid", "Oost", "West", "Sint", "St.",
                    "Prins", "Prinses", "Koning", "Koningin", "Burgemeester", "Burg.", "Dokter", "Dr.",
                    "Professor", "Prof.", "President", "Generaal", "Gen.", "Jonkheer", "Mr.", "Pastoor",
                    "Kapitein", "Admiraal", "Graaf", "Hertog")
_PARTICLES = ("van", "de", "der", "den", "het", "'t", "ter", "ten", "la", "le", "du", "da", "di", "von",
              "el", "al")
_PARTICLE = _alt(re.escape(p) for p in _PARTICLES)
_STREET_PARTICLE = _alt(re.escape(p) for p in ("van", "de", "der", "den", "het", "'t", "ter", "ten", "la", "le"))
_CAP_WORD = UP + LOW + "*\\.?"        # a capitalised word or abbreviation (Burg.)
_STREET_WORD = "(?:" + UP + LOW + "*-)*" + UP + LOW + "+" + _alt(_STREET_SUFFIXES) + "\\b"
_LOWER_STREET_WORD = "\\b[a-z]" + LOW + "+" + _alt(_LOWER_STREET_SUFFIXES) + "\\b"
_STREET_NAME = ("(?:" + _CAP_WORD + SP + "(?:" + _STREET_PARTICLE + SP + "){0,2}){0,3}" + _STREET_WORD
                + "|" + _LOWER_STREET_WORD
                + "|" + _alt(re.escape(p) for p in _STREET_PREFIXES) + SP + "(?:" + _STREET_PARTICLE + SP + "){0,2}"
                + UP + LOW + "+(?:" + SP + UP + LOW + "+)?")
_NUMBER_WORD = "(?:" + ci("nr") + "\\.?|" + ci("nummer") + ")"

# names people give for themselves
_NAME_WORD = UP + "(?:" + LOW + "+|['’]" + UP + LOW + "+)(?:-" + UP + LOW + "+)*"
_INITIALS = "(?:" + UP + "\\." + SP + "?){1,4}"
PERSON_NAME = ("(?:" + _INITIALS + "(?:" + _PARTICLE + SP + "){0,3}" + _NAME_WORD
               + "|" + _NAME_WORD + "(?:" + SP + "(?:" + _PARTICLE + SP + "){0,3}" + _NAME_WORD + "){0,3})")
_SELF_INTRO = _alt([
    "\\b[iI]k" + SP + "+ben", "\\b[iI]k" + SP + "+heet", "\\b[mM]ijn" + SP + "+naam" + SP + "+is",
    "\\b[mM]ijn" + SP + "+naam" + SP + "*:", "\\b[nN]aam" + SP + "*:", "\\b" + ci("my name is"),
])
_GREETINGS = _alt(["[hH]allo", "[hH]oi", "[hH]ey", "[hH]i", "[dD]ag", "[gG]oede(?:morgen|middag|navond)",
                   "[gG]oeie(?:morgen|middag|navond|dag)", "[gG]oedendag"])
_GREETING_MET = "\\b" + _GREETINGS + "[,!]?" + SP + "*[mM]et"
_SIGN_OFFS = _alt([
    "[mM]et" + SP + "+vriendelijke" + SP + "+groet(?:en)?", "[vV]riendelijke" + SP + "+groet(?:en)?",
    "[hH]artelijke" + SP + "+groet(?:en)?", "[gG]roet(?:en|jes)?", "[gG]r\\.?", "[mM]vg\\.?", "MVG\\.?",
    "[gG]roeten", "[dD]oei", "[cC]heers", "[kK]ind" + SP + "+regards", "[bB]est" + SP + "+regards",
    "[rR]egards", "[tT]hanks", "[bB]edankt", "[aA]lvast" + SP + "+bedankt", "[dD]ank" + SP + "+je",
])
# capitalised words after such an intro that are not a person's name
_NOT_NAMES = ("Nederlander", "Nederlandse", "Nederlands", "Belg", "Duitser", "Marokkaan", "Turk",
              "Surinamer", "Christen", "Moslim", "Klant", "Klantenservice", "Team", "Afdeling",
              "Eigenaar", "Gebruiker", "Abonnee", "Lid", "Student", "Ondernemer", "Zzp", "Mantelzorger",
              "Gepensioneerd", "Ouder", "Moeder", "Vader", "Oma", "Opa", "Mevrouw", "Meneer",
              "Maandag", "Dinsdag", "Woensdag", "Donderdag", "Vrijdag", "Zaterdag", "Zondag",
              "Januari", "Februari", "Maart", "April", "Mei", "Juni", "Juli", "Augustus", "September",
              "Oktober", "November", "December", "Niet", "Nog", "Echt", "Heel", "Erg", "Zo", "Ook")
# a bot introducing itself is not a person giving a name: "ik ben Max, de digitale assistent"
_BOT_INTRO = (",?" + SP + "*(?:" + _alt(ci(w) for w in ("de", "je", "jouw", "uw", "een", "the", "your")) + SP + "+)?"
              + "(?:" + _alt(ci(w) for w in ("digitale", "virtuele", "slimme", "AI", "AI-")) + SP + "*)?"
              + _alt(ci(w) for w in ("assistent", "chatbot", "chatassistent", "bot", "assistant", "hulp")))
_CUSTOMER_WORDS = ("klant", "abonnee", "gebruiker", "lid", "medewerker", "fan", "huurder", "cliënt",
                   "client", "patiënt", "patient", "customer", "user", "member")


@lru_cache(maxsize=1)
def _company_names() -> tuple[str, ...]:
    """Organisation names of the classification's seed that look like a person's name (those it
    looks for in the text; ``match_in_text=false`` marks names that are also ordinary words, e.g. Ben)."""
    path = SEEDS_DIR / "social_company_sectors.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        names = {row["company"].strip() for row in csv.DictReader(fh)
                 if row.get("match_in_text", "true").strip().lower() != "false"}
    return tuple(sorted((n for n in names if re.fullmatch(PERSON_NAME, n)), key=lambda n: (-len(n), n)))


# --- labelled numbers -----------------------------------------------------------------------

_LABEL_STEMS = ("klant", "order", "bestel", "factuur", "zaak", "dossier", "polis", "contract", "relatie",
                "ticket", "referentie", "aanvraag", "melding", "meldings", "registratie", "lid",
                "abonnement", "abonnements", "pas", "klantenpas", "boekings", "reserverings", "account",
                "cliënt", "client", "storings", "retour", "zending", "zendings", "verzend", "pakket",
                "rekening", "schade", "claim", "aansluit", "aansluitings", "klachten",
                "klacht", "cliënten", "dienst", "verzekerings", "machtigings", "betalings", "transactie",
                "huur", "burgerservice", "sofi", "personeels", "debiteuren", "debiteur", "kenteken")
_LABEL_SUFFIXES = ("nummer", "nr", "nr.", "no", "no.", "id", "-id", " id", " nummer", "-nummer", " nr",
                   " nr.", "#", " #", "code", "-code", " code", "kenmerk")
_LABEL_WORDS = ("referentie", "kenmerk", "ons kenmerk", "uw kenmerk", "ref.", "ref", "kenteken",
                "customer number", "customer no", "customer id", "order number", "order no", "order id",
                "order #", "case number", "case no", "case id", "ticket number", "ticket no", "ticket id",
                "reference", "reference number", "booking reference", "policy number", "policy no",
                "invoice number", "invoice no", "contract number", "client number", "account number",
                "membership number", "tracking number", "claim number", "ean-code", "ean code", "eancode")
_BSN_LABELS = ("bsn", "bsn-nummer", "bsn nummer", "burgerservicenummer", "burger service nummer",
               "sofinummer", "sofi-nummer", "sofi nummer")


def _label_regex() -> str:
    stems = _alt(ci(s) for s in sorted(_LABEL_STEMS, key=lambda w: (-len(w), w)))
    suffixes = _alt(ci(s) for s in sorted(_LABEL_SUFFIXES, key=lambda w: (-len(w), w)))
    words = _alt(ci(w) for w in sorted(set(_LABEL_WORDS), key=lambda w: (-len(w), w)))
    return _alt([stems + suffixes, words])


_LABEL_SEP = ("\\.?(?:" + SP + "*\\([^()\\n]{1,30}\\))?(?:" + SP + "*(?:" + ci("is") + "|" + ci("was") + "|" + ci("luidt") + "|" + ci("nummer") + "|"
              + ci("nr") + "\\.?))?" + SP + "*[:#=(]?" + SP + "*#?")
# an identifier: letters/digits with - / . inside, at least two digits in its first letter-digit run
LABELLED_VALUE = ("(?:[A-Za-z]+[-/.])*[A-Za-z]*[0-9][A-Za-z]*[0-9][A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*\\b")
_BSN_VALUE = "[0-9](?:[0-9]|" + SP + "|[-.]){7,12}[0-9]\\b"


def _rules() -> tuple[Rule, ...]:
    companies = _company_names()
    not_names = _alt([re.escape(n) for n in companies + _NOT_NAMES]
                     + [_NAME_WORD + "[- ]?" + _alt(_CUSTOMER_WORDS),         # Ziggo-klant
                        _NAME_WORD + _BOT_INTRO]) + NO_LETTER_NEXT            # Max, de digitale assistent
    # after an intro, or after a name particle (ik ben Stijn van <company>)
    intro_any = _alt([_SELF_INTRO, _GREETING_MET, "\\b[mM]et", "\\b" + _SIGN_OFFS + "[,.!]?" + WS + "*",
                      "\\b" + _PARTICLE + SP])
    return (
        # e-mail first: its domain is not a link, and a link's user@ part is an address
        Rule("email", "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}", EMAIL),
        # links; punctuation that ends a sentence stays outside ("zie www.x.nl/abc.")
        Rule("url", "(?:\\b(?:" + ci("http") + "[sS]?|" + ci("ftp") + ")://|\\b" + ci("www") + "\\.|"
             "\\b[A-Za-z0-9][A-Za-z0-9-]*(?:\\.[A-Za-z0-9-]+)*\\." + _TLDS + "/)"
             "(?:(?:" + NOT_WS + "|\\[email\\])*(?:[^ \\t\\n\\r\\f\\v\\xa0<>\"'\\[\\].,;:!?)]|\\[email\\]))?",
             URL),
        Rule("handle", "(^|[^A-Za-z0-9_@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,48}[A-Za-z0-9_])?", "\\1" + HANDLE),
        Rule("reddit_user", "(^|[^A-Za-z0-9_/])/?[uU]/[A-Za-z0-9_-]{3,30}\\b", "\\1" + HANDLE),
        Rule("iban", "\\b[A-Za-z]{2}[0-9]{2}" + SP + "?[A-Za-z]{4}(?:" + SP + "?[0-9]){10}\\b", IBAN),
        # a BSN after its label, whatever its digits (the 11-test is for unlabelled numbers)
        Rule("bsn_labelled", "(\\b" + _alt(ci(w) for w in _BSN_LABELS) + _LABEL_SEP + ")" + _BSN_VALUE,
             "\\1" + BSN),
        # customer / order / case / ... numbers after their label: the label stays
        Rule("labelled_number", "(\\b" + _label_regex() + _LABEL_SEP + ")" + LABELLED_VALUE, "\\1" + NUMBER),
        Rule("postcode_number", POSTCODE_NEAR_NUMBER + "(?:" + SP + "?," + SP + "?|" + SP + "|-)"
             + "(?:" + _NUMBER_WORD + SP + "?)?" + HOUSE_NUMBER, ADDRESS),
        Rule("street_number", "(?:" + _STREET_NAME + ")" + SP + "(?:" + _NUMBER_WORD + SP + "?)?" + HOUSE_NUMBER,
             ADDRESS),
        Rule("postcode", POSTCODE_ALONE, POSTCODE),
        # names: organisations and other words after an intro are protected first
        Rule("not_a_name", "(" + intro_any + SP + "*)(" + not_names + ")", "\\1" + MARKER + "\\2"),
        Rule("self_named", "(" + _SELF_INTRO + SP + "+)" + PERSON_NAME, "\\1" + NAME),
        Rule("met_named", "(" + _GREETING_MET + SP + "+)" + PERSON_NAME, "\\1" + NAME),
        Rule("met_spreekt", "(\\b[mM]et" + SP + "+)" + PERSON_NAME + "(" + SP + "+spreekt\\b)", "\\1" + NAME + "\\2"),
        Rule("signature", "(\\b" + _SIGN_OFFS + "[,.!]?" + WS + "*)" + PERSON_NAME
             + "(" + SP + "*(?:\\r?\\n|[.!]?" + WS + "*" + END + "))", "\\1" + NAME + "\\2"),
        Rule("markers", MARKER, ""),
    )


RULES: tuple[Rule, ...] = _rules()

# Texts with at least this many digits left after the plain rules go to the checked rules
# (phone numbers, the BSN 11-test): any of their candidates has 7 or more digits.
CHECKED_MIN_DIGITS = 7
CHECKED_TRIGGER = "[0-9](?:[^0-9]*[0-9]){%d}" % (CHECKED_MIN_DIGITS - 1)

# A text no plain rule pattern matches is left as it is by all of them (the first rule to change a
# text must match it as it was): the union of the patterns is an exact pre-selection, one RE2 pass.
PLAIN_TRIGGER = "|".join("(?:" + r.pattern + ")" for r in RULES)
# ... and with the checked rules' condition: False means nothing is masked at all
MASK_TRIGGER = PLAIN_TRIGGER + "|" + CHECKED_TRIGGER


def python_pattern(pattern: str) -> str:
    """The same pattern for Python's ``re``: RE2's end of text ``\\z`` is Python's ``\\Z``."""
    return pattern.replace("\\z", "\\Z")


__all__ = ["Rule", "RULES", "PLACEHOLDERS", "CHECKED_TRIGGER", "CHECKED_MIN_DIGITS", "MASK_TRIGGER", "PLAIN_TRIGGER",
           "EMAIL", "URL", "HANDLE", "PHONE", "IBAN", "BSN", "ADDRESS", "POSTCODE", "NUMBER", "NAME",
           "MARKER", "ci", "python_pattern"]
