"""The classifier's features of one post, computed in Python exactly as the scoring SQL does.

Why these features: they carry over between writers of Dutch (docs/social_quality.md). A post's
features are

* ``w:<word>``: its distinct words (title and text normalised like ``social_normalise``);
* ``b:<word> <word>``: its distinct pairs of adjacent words (not across title and text);
* ``c:<n-gram>``: character n-grams inside words (Dutch glues words into compounds:
  *klantenservicemedewerker*, *zorgverzekering*). A word is wrapped in ``<`` and ``>`` and every
  n-gram of every distinct word counts once per position, so the sum over a post's n-gram
  weights is the sum over its distinct words of one weight per word: the SQL computes that
  weight once per distinct word of the batch, at the cost of a word feature;
* ``o:<word>`` and ``d:<n-gram>``: the same for the export's ``company`` field;
* ``repeat:4``: some run of four consecutive words (not across title and text) occurs at
  least twice in the post (twice in the text, or in the title and again in the text). Posters
  show a loop rather than name it: they quote the bot's same reply again ("'Kies een nieuwe
  datum: dinsdag 25 maart'. kan niet. 'Kies een nieuwe datum: …'"); a writer-independent mark
  that words and n-grams cannot express;
* ``platform:<p>``, ``rating:<r>``;
* the rule layer's concepts and outcomes (``concept:…``, ``cue:…``, ``channel:…``,
  ``rule:<theme>``, ``rule_sentiment:…``), the sector vocabulary and company seeds
  (``sector_kw:<sector>``, ``company_field:<sector>``, ``company_text:<sector>``) and the rules'
  sector (``rule_sector:<sector>``): computed by the dbt models (macro ``social_rule_features``)
  and read back as an input (``production.read_processed``).

All features are binary except the n-gram counts. For training the counts are multiplied by
``CHAR_SCALE`` (how much one n-gram weighs against a word under the same penalty); the weight
seeds store the per-occurrence weight (coefficient × ``CHAR_SCALE``), so scoring multiplies
the seed weight by the plain count.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from orchestration.privacy import PLACEHOLDERS

# every masking placeholder, from the masking rules' own list (one definition)
_PLACEHOLDERS = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))
# the emoji social_normalise maps (macros/social_text.sql)
_EMONEG = re.compile("[🙄😡🤬😤😠👎💩😩😫😭😢🤮😒😑🤦]")
_EMOPOS = re.compile("[👍😊🙂😀😁😄😃❤💚💙🙏👏🥰😍💯]")
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r" {2,}")

TITLE_MARKER = "xxtitelxx"
CHAR_N = (3, 4, 5)              # n-gram lengths inside words
CHAR_SCALE = 0.25               # value of one n-gram occurrence (binary features are 1)
MAX_CHAR_WORD = 30              # longer tokens (numbers, garbage) get no n-grams
REPEAT_RUN = 4                  # words in the run whose repetition marks a loop; fixed, since the
REPEAT_FEATURE = "repeat:4"     # SQL (clf_repeats: two pairs two apart) builds runs of exactly four


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def normalise(text: str | None) -> str:
    """``social_normalise`` of macros/social_text.sql: placeholders dropped, emoji mapped, lower
    case, accents stripped, anything but a-z 0-9 a separator, single spaces, trimmed."""
    s = _PLACEHOLDERS.sub(" ", text or "")
    s = _EMONEG.sub(" emoneg ", s)
    s = _EMOPOS.sub(" emopos ", s)
    s = strip_accents(s).lower()
    s = _SPACES.sub(" ", _NOT_WORD.sub(" ", s))
    return s.strip(" ")


def post_words(title: str | None, text: str | None) -> list[str]:
    """The token list the scoring SQL splits: title, the title marker, text."""
    return normalise((title or "") + f" {TITLE_MARKER} " + (text or "")).split(" ")


def char_word(token: str) -> bool:
    """Does ``token`` get character n-grams (not too long: long tokens are numbers or garbage)?"""
    return 0 < len(token) <= MAX_CHAR_WORD


def char_ngrams(token: str) -> Counter:
    """The n-grams of ``<token>`` with their number of positions."""
    padded = f"<{token}>"
    return Counter(padded[i:i + n] for n in CHAR_N for i in range(len(padded) - n + 1))


def repeats_a_run(words: list[str]) -> bool:
    """Does some run of REPEAT_RUN consecutive words (none empty, none the title marker) occur twice?"""
    n = REPEAT_RUN
    runs = Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1)
                   if all(w and w != TITLE_MARKER for w in words[i:i + n]))
    return any(count >= 2 for count in runs.values())


def lexical_features(title: str | None, text: str | None, company: str | None, platform: str | None,
                     rating: int | None) -> dict[str, int]:
    words = post_words(title, text)
    feats: dict[str, int] = {}
    distinct = {w for w in words if w and w != TITLE_MARKER}
    for w in distinct:
        feats["w:" + w] = 1
    for a, b in zip(words, words[1:]):
        if a and b and TITLE_MARKER not in (a, b):
            feats[f"b:{a} {b}"] = 1
    if repeats_a_run(words):
        feats[REPEAT_FEATURE] = 1
    for w in distinct:
        if char_word(w):
            for g, n in char_ngrams(w).items():
                feats["c:" + g] = feats.get("c:" + g, 0) + n
    company_words = {w for w in normalise(company).split(" ") if w}
    for w in company_words:
        feats["o:" + w] = 1
        if char_word(w):
            for g, n in char_ngrams(w).items():
                feats["d:" + g] = feats.get("d:" + g, 0) + n
    if platform:
        feats["platform:" + platform] = 1
    if rating is not None:
        feats[f"rating:{rating}"] = 1
    return feats


def post_features(title, text, company, platform, rating, rule_features=()) -> dict[str, int]:
    feats = lexical_features(title, text, company, platform, rating)
    for f in rule_features:
        feats[f] = 1
    return feats


def is_char_feature(name: str) -> bool:
    return name.startswith(("c:", "d:"))
