"""OPEN answers of the survey sample: Dutch free text from hand-written fragments, some with
personal data (names, e-mail addresses, phone numbers) that the warehouse must mask."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


_OPEN_CONSTRUCTIVE = (
    "Als de chatbot mijn vraag echt begrijpt en niet alleen op trefwoorden reageert.",
    "Als ik op elk moment met één klik naar een medewerker kan.",
    "Wanneer ik niet steeds mijn verhaal opnieuw hoef te vertellen.",
    "Als het antwoord gewoon klopt en over mijn situatie gaat.",
    "Dat de chatbot ook ingewikkeldere vragen aankan, niet alleen de standaardvragen.",
    "Een duidelijke melding of ik met een computer of met een mens praat.",
    "Als de spraakassistent mij verstaat, ook met mijn accent.",
    "Sneller een oplossing in plaats van steeds een verwijzing naar de FAQ.",
    "Dat de bot mijn klantgegevens al kent, zodat ik niet alles opnieuw hoef in te typen.",
    "Als ik na afloop een samenvatting van het gesprek per mail krijg.",
    "Betrouwbare antwoorden, ook 's avonds en in het weekend.",
    "Als een pakket kwijt is, moet de chatbot meteen een claim kunnen starten.",
    "Dat het gesprek naar een medewerker gaat mét de hele voorgeschiedenis erbij.",
    "Minder keuzemenu's: gewoon zeggen wat je wilt en dan geholpen worden.",
    "Als het net zo goed werkt als ChatGPT.",
    "Eerlijkheid. Zeg het gewoon als de bot het antwoord niet weet.",
    "Als ik zelf kan kiezen wanneer ik naar een mens ga.",
    "Een chatbot die ook via WhatsApp werkt, dat gebruik ik toch al de hele dag.",
    "Duidelijke taal in plaats van vage standaardzinnen.",
    "Als ik mijn probleem in één keer kan uitleggen in plaats van stap voor stap.",
    "Dat het veilig is en mijn gegevens niet zomaar ergens worden opgeslagen.",
    "Dat ik niet eindeloos in een kringetje word rondgestuurd.",
    "Goede uitleg hoe het werkt, voor ouderen is dat lang niet altijd duidelijk.",
    "Als de spraakassistent niet steeds zegt dat hij het niet heeft begrepen.",
    "Als de bot ook echt iets kan regelen, zoals een afspraak verzetten of een retour aanmelden.",
    "Dat de chat niet steeds wegvalt op mijn telefoon.",
    "Meer kennis bij de bot over mijn eigen contract en facturen.",
    "Als ik een foto van het probleem kan sturen en daar een goed antwoord op krijg.",
    "Snellere afhandeling van simpele dingen, zoals een adreswijziging.",
    "Als ik kan zien dat mijn vraag ook echt is doorgezet.",
)
_OPEN_CRITICAL = (
    "Niets, ik wil gewoon een mens aan de lijn.",
    "Eigenlijk niks. Ik bel liever, dan weet ik waar ik aan toe ben.",
    "Geen idee, ik heb er tot nu toe alleen slechte ervaringen mee.",
    "Ik wacht liever even dan dat ik met een computer praat.",
    "Als ze eerst eens gewoon de telefoon opnemen.",
    "Ik gebruik het alleen als het echt niet anders kan.",
    "Misschien als het ooit wél goed werkt, maar dat zie ik nog niet gebeuren.",
    "Bedrijven moeten stoppen met het verstoppen van hun telefoonnummer.",
    "Niks. Die chatbots zijn er om kosten te besparen, niet om mij te helpen.",
    "Ik vertrouw het niet, zeker niet als het over geld gaat.",
    "Een echte medewerker die meedenkt, dat kan een computer niet.",
    "Als er altijd een knop is om meteen een mens te spreken.",
)
_OPEN_SHORT = (
    "Niets", "Weet ik niet", "Geen idee.", "nvt", "Betere chatbots", "Meer menselijk contact",
    "Sneller doorverbinden", "Dat het werkt.", "Niks, ik bel liever", "Goede antwoorden",
    "Minder wachten", "Als het beter wordt.", "Betrouwbaarheid", "Dat ik begrepen word",
)
_OPEN_COMPLAINT = (
    "Nu krijg ik steeds hetzelfde standaardantwoord.",
    "Vorige week bij mijn energieleverancier drie keer dezelfde vraag gekregen.",
    "Bij mijn telecomprovider kwam ik er na een half uur nog niet uit.",
    "De chatbot van de bank stuurde me alleen maar naar de veelgestelde vragen.",
    "Mijn pakket was zoek en de chatbot bleef naar de track & trace verwijzen.",
    "Het voelt nu vaak alsof de bot vooral bedoeld is om mij bij een medewerker weg te houden.",
    "Bij de huisartsenpost kreeg ik een spraakcomputer die mijn naam niet eens verstond.",
    "Vaak snapt hij de vraag gewoon niet.",
    "Daarna moest ik alsnog bellen en alles opnieuw uitleggen.",
    "Soms krijg je gewoon foute informatie, dat is erger dan geen antwoord.",
    "Bij de gemeente kwam ik via de chat weer uit bij het telefoonnummer.",
    "De spraakassistent verbond me door naar de verkeerde afdeling.",
)
# Closing remarks come in two registers; slot j of a constructive answer uses the first
# list, of a critical or short answer the second (so nobody writes "niks" and then
# "dan zou ik het zeker vaker gebruiken").
_OPEN_CLOSER = (
    "Dan zou ik het zeker vaker gebruiken.", "Dan scheelt het mij ook tijd.",
    "Dat zou al veel schelen.", "Dan heb ik er geen bezwaar tegen.", "Dan probeer ik het graag.",
)
_OPEN_CLOSER_CRITICAL = (
    "Anders bel ik toch liever.", "Tot die tijd blijf ik bellen.", "Het kan echt beter.",
    "Jammer, want het idee is goed.", "Dus voorlopig liever niet.",
)
_FIRST_NAMES = ("Jan", "Henk", "Sanne", "Fatima", "Mohammed", "Anouk", "Pieter", "Eva", "Daan",
                "Emma", "Kees", "Ingrid", "Ahmed", "Priya", "Sven", "Joyce", "Wim", "Marloes",
                "Ruud", "Yvonne", "Bram", "Lotte", "Noor", "Gerrit", "Samira", "Thijs")
_LAST_NAMES = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
               "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "El Amrani", "Yilmaz",
               "Kramer", "van den Berg", "Dekker", "Brouwer")
_EMAIL_DOMAINS = ("example.nl", "voorbeeld.nl", "mail.example.nl")
_AREA_CODES = ("020", "010", "030", "070", "040", "050")


def _pick(rng: np.random.Generator, pool, n: int) -> np.ndarray:
    return np.asarray(pool, dtype=object)[rng.integers(0, len(pool), n)]


def _phone_numbers(rng: np.random.Generator, k: int) -> np.ndarray:
    """Dutch phone numbers in the formats people actually type."""
    mob = rng.integers(10_000_000, 70_000_000, k)
    m8 = mob.astype(str).astype(object)
    m_hi = mob // 10_000
    m_lo = np.strings.zfill((mob % 10_000).astype(str), 4).astype(object)
    land = rng.integers(2_000_000, 10_000_000, k)
    l7 = land.astype(str).astype(object)
    l_hi = (land // 10_000).astype(str).astype(object)
    l_lo = np.strings.zfill((land % 10_000).astype(str), 4).astype(object)
    area = _pick(rng, _AREA_CODES, k)
    area_intl = np.array([a[1:] for a in _AREA_CODES], dtype=object)[rng.integers(0, len(_AREA_CODES), k)]
    fmt = rng.integers(0, 6, k)
    options = [
        "06-" + m8,
        "06" + m8,
        "+31 6 " + m_hi.astype(str).astype(object) + " " + m_lo,
        "+31 (0)6 " + m8,
        area + "-" + l7,
        "0031 " + area_intl + " " + l_hi + " " + l_lo,
    ]
    return np.choose(fmt, options)


@lru_cache(maxsize=1)
def _open_combinations() -> tuple[np.ndarray, np.ndarray, int, int, int]:
    """Every main × complaint × closer sentence combination, as written and informally.

    Precomputing the few thousand combinations turns answer generation into one integer
    gather, which keeps a million-respondent wave fast.
    """
    mains = _OPEN_SHORT + _OPEN_CRITICAL + _OPEN_CONSTRUCTIVE
    n_plain = len(_OPEN_SHORT) + len(_OPEN_CRITICAL)
    complaints = ("",) + _OPEN_COMPLAINT
    slots = 1 + len(_OPEN_CLOSER)
    texts = []
    for i, m in enumerate(mains):
        closers = ("",) + (_OPEN_CLOSER if i >= n_plain else _OPEN_CLOSER_CRITICAL)
        texts.extend(" ".join(p for p in (m, c, e) if p) for c in complaints for e in closers)
    formal = np.asarray(texts, dtype=object)
    informal = np.asarray([t.lower().rstrip(".") for t in texts], dtype=object)
    return formal, informal, len(mains), len(complaints), slots


def _open_answers(rng: np.random.Generator, n: int, age: np.ndarray, persona: np.ndarray) -> np.ndarray:
    """Answers to the open question: about half empty, the rest built from varied fragments.

    Critical personas (janny, janus) draw more from the critical pool; short answers stand
    alone, longer ones may add an experience and a closing remark; about one in eight
    answers carries an e-mail address, a phone number or a person's name (which ingestion
    must mask; the names need not be).
    """
    formal, informal, n_main, n_compl, n_close = _open_combinations()
    n_short, n_crit = len(_OPEN_SHORT), len(_OPEN_CRITICAL)
    empty = rng.random(n) < np.where(age >= 65, 0.58, 0.46)
    critical = np.isin(persona, (3.0, 4.0))
    kind = rng.random(n)
    main = np.where(kind < 0.2, rng.integers(0, n_short, n),
                    np.where(critical & (kind < 0.7), n_short + rng.integers(0, n_crit, n),
                             n_short + n_crit + rng.integers(0, n_main - n_short - n_crit, n)))
    long_ = kind >= 0.2
    complaint = np.where(long_ & (rng.random(n) < 0.35), rng.integers(1, n_compl, n), 0)
    closer = np.where(long_ & (rng.random(n) < 0.28), rng.integers(1, n_close, n), 0)
    combo = (main * n_compl + complaint) * n_close + closer
    with_pii = ~empty & long_ & (rng.random(n) < 0.15)
    casual = ~with_pii & (rng.random(n) < 0.12)
    text = np.where(casual, informal[combo], formal[combo])

    idx = np.flatnonzero(with_pii)
    k = idx.size
    if k:
        fi = rng.integers(0, len(_FIRST_NAMES), k)
        li = rng.integers(0, len(_LAST_NAMES), k)
        first = np.asarray(_FIRST_NAMES, dtype=object)[fi]
        full = first + " " + np.asarray(_LAST_NAMES, dtype=object)[li]
        lower_first = np.asarray([x.lower() for x in _FIRST_NAMES], dtype=object)[fi]
        slug = np.asarray([x.lower().replace(" ", "") for x in _LAST_NAMES], dtype=object)[li]
        digits = rng.integers(1, 99, k).astype(str).astype(object)
        local = np.where(rng.random(k) < 0.6, lower_first + "." + slug, lower_first + digits)
        email = local + "@" + _pick(rng, _EMAIL_DOMAINS, k)
        phone = _phone_numbers(rng, k)
        pii = np.choose(rng.integers(0, 8, k), [
            " U mag mij mailen op " + email + ".",
            " Neem gerust contact op via " + email + " of bel " + phone + ".",
            " Bel me maar op " + phone + ", dan leg ik het uit.",
            " Mijn nummer is " + phone,
            " Groet, " + full,
            " Met vriendelijke groet, " + full + " (" + email + ")",
            " Ook " + first + " uit mijn straat heeft precies hetzelfde meegemaakt.",
            " " + first + " van de klantenservice hielp me uiteindelijk wel goed.",
        ])
        text[idx] = text[idx] + pii
    text[empty] = None
    return text
