"""A generated corpus of realistic Dutch (and some English) texts with personal data to mask, and
near misses that must stay as they are (issue 17 item 1). Deterministic for a seed.

``positives(seed)`` yields ``Case(text, secrets, placeholder)``: after masking, none of the
``secrets`` may be left and ``placeholder`` must be there. ``near_misses(seed)`` yields texts that
masking must leave unchanged. ``mixed_texts(n, seed)`` builds longer posts mixing both, for the
SQL-equals-Python test. Written for these tests, independent of the rules' own word lists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    text: str
    secrets: tuple[str, ...]
    placeholder: str


FIRST = ["Jan", "Sanne", "Piet", "Lotte", "Mark", "Fatima", "Kees", "Anouk", "Mohamed", "Inge", "Daan",
         "Emma", "Ruud", "Yara", "Bram", "Ilse", "Özlem", "Zoë", "Chloé", "Anne-Marie", "Jean-Pierre",
         "Sevda", "Thijs", "Noor", "Priya", "Wouter", "Ayşe", "Joël", "Esmée", "Stijn"]
LAST = ["de Vries", "Bakker", "Jansen", "van den Berg", "Visser", "el Amrani", "Smit", "de Boer",
        "Mulder", "Bos", "Yilmaz", "Dekker", "van der Heijden", "Kramer", "Verhoeven", "ter Horst",
        "van 't Hof", "Brouwer", "de Graaf", "Öztürk"]
INITIALS = ["J.", "P.", "A.M.", "J.P.", "S.", "K.", "H.J."]
STREETS = ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenlaan", "Van Goghstraat", "Burg. de Bruinlaan",
           "Prins Hendrikkade", "Oudegracht", "Nieuwe Binnenweg", "Lange Voorhout", "Korte Nieuwstraat",
           "Julianaplein", "Vondelstraat", "Dr. Jan van Breemenstraat", "Sint-Jansstraat", "Zeedijk",
           "Koningin Wilhelminalaan", "Hoofdstraat", "Parkweg", "Beatrixsingel", "Jaagpad",
           "kerkstraat", "stationsplein", "Oude Gracht", "Grote Markt"]
HOUSE = ["12", "3a", "104-2", "7", "1", "221B", "45-hs", "18/2", "9c", "300", "14-3", "2"]
CITIES = ["Amsterdam", "Utrecht", "Den Haag", "Zwolle", "Groningen", "Eindhoven", "Tilburg"]
LABELS = ["klantnummer", "Klantnummer", "klantnr.", "klant-nummer", "ordernummer", "Ordernummer", "ordernr",
          "bestelnummer", "factuurnummer", "factuurnr.", "zaaknummer", "dossiernummer", "polisnummer",
          "Polisnummer", "contractnummer", "relatienummer", "ticketnummer", "referentienummer",
          "referentie", "kenmerk", "Ons kenmerk", "aanvraagnummer", "meldingsnummer", "lidnummer",
          "pakketnummer", "abonnementsnummer", "customer number", "order number", "order no.", "case id",
          "ticket #", "invoice number", "policy number", "reference", "klantnummer (KPN)"]
VALUES = ["12345678", "2025-000123", "ZK-4471-2025", "AB123456", "#87654", "2025/1234", "10043378",
          "NL-778-221", "C-2025-0912", "A1B2C3", "99887766", "ORD-55120", "12-ABC-3"]
SEPARATORS = [" ", ": ", " is ", " is: ", " nr. ", " (", " #"]


def _bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        if digits[0] == 0:
            continue
        total = sum(w * d for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2), digits))
        check = total % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def _bsn_formats(d: str) -> list[str]:
    return [d, f"{d[:3]}.{d[3:6]}.{d[6:]}", f"{d[:4]}.{d[4:6]}.{d[6:]}", f"{d[:3]} {d[3:6]} {d[6:]}",
            f"{d[:3]}-{d[3:6]}-{d[6:]}"]


def _postcode(rng: random.Random, spaced: bool | None = None) -> str:
    letters = rng.choice(["AB", "CD", "KL", "RT", "XZ", "GH", "NP", "VW", "JB", "AE"])
    digits = str(rng.randrange(1000, 10000))
    spaced = rng.random() < 0.5 if spaced is None else spaced
    return f"{digits} {letters}" if spaced else f"{digits}{rng.choice([letters, letters.lower()])}"


def positives(seed: int = 17) -> list[Case]:
    rng = random.Random(seed)
    cases: list[Case] = []
    # BSN: labelled (any digits) and unlabelled (11-test)
    for _ in range(12):
        for fmt in _bsn_formats(_bsn(rng)):
            for tpl in ("Mijn BSN is {x}, kunnen jullie dat aanpassen?", "bsn: {x}", "Ze vroegen om mijn burgerservicenummer {x}.",
                        "Ik heb {x} al drie keer doorgegeven.", "Dit nummer ({x}) staat op mijn brief."):
                cases.append(Case(tpl.format(x=fmt), (fmt,), "[bsn]"))
    # addresses: postcode + house number, street + house number
    for _ in range(40):
        pc, hn = _postcode(rng), rng.choice(HOUSE[:9])
        x = rng.choice([f"{pc} {hn}", f"{pc}, {hn}", f"{pc}-{hn}"])
        tpl = rng.choice(["Ik woon op {x} en het pakket kwam nooit aan.", "Bezorgadres: {x} in {c}.",
                          "Stuur het naar {x}, alsjeblieft.", "Postcode en huisnummer {x} klopt gewoon."])
        cases.append(Case(tpl.format(x=x, c=rng.choice(CITIES)), (x,), "[adres]"))
    for street in STREETS:
        for _ in range(3):
            x = f"{street} {rng.choice(HOUSE)}"
            tpl = rng.choice(["Ik woon aan de {x} in {c}.", "Mijn adres is {x}, {c}.", "De monteur stond op {x} maar niemand belde aan.",
                              "Bezorgd op {x} terwijl ik ergens anders woon.", "Afleveradres {x}."])
            cases.append(Case(tpl.format(x=x, c=rng.choice(CITIES)), (x,), "[adres]"))
    # labelled customer / order / case ... numbers
    for label in LABELS:
        for _ in range(4):
            value, sep = rng.choice(VALUES), rng.choice(SEPARATORS)
            x = f"{label}{sep}{value}" + (")" if sep == " (" else "")
            tpl = rng.choice(["Mijn {x} staat gewoon in de mail.", "Onder {x} is niets bekend, zeggen ze.",
                              "{x}. Graag een reactie.", "Ik heb het {x} al drie keer genoemd"])
            cases.append(Case(tpl.format(x=x), (value.lstrip("#"),), "[nummer]"))
    # names people give for themselves
    for _ in range(60):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        full = rng.choice([first, f"{first} {last}", f"{rng.choice(INITIALS)} {last}"])
        secret = full.split(" ")[-1] if " " in full else full
        tpl = rng.choice(["Hoi, ik ben {n} en ik wacht al weken op mijn pakket.", "Mijn naam is {n}, ik bel namens mijn moeder.",
                          "Ik heet {n}. De chatbot snapt er niks van.", "Goedemiddag, met {n}. Ik bel over mijn factuur.",
                          "Hallo met {n}, ik heb een vraag.", "met {n} spreekt u, waarmee kan ik helpen?",
                          "De chatbot begrijpt me niet.\nGroet, {n}", "Niemand belt terug. Mvg, {n}",
                          "Ik wacht nog steeds op antwoord.\n\nMet vriendelijke groet,\n{n}\n", "Bedankt voor niks.\nGroetjes {n}",
                          "Naam: {n}\nVraag: waarom duurt het zo lang?", "My name is {n} and nobody helps me."])
        cases.append(Case(tpl.format(n=full), (secret,), "[naam]"))
    # e-mail, links, handles, IBAN, phone numbers (the rules issue 17 found working: kept working)
    for _ in range(20):
        user = rng.choice(["j.devries1978", "sanne_b", "piet.jansen", "info", "lotte99"])
        dom = rng.choice(["gmail.com", "hotmail.com", "ziggo.nl", "example.nl", "kpnmail.nl"])
        cases.append(Case(f"Mail me op {user}@{dom} als er nieuws is.", (f"{user}@{dom}",), "[email]"))
        phone = rng.choice(["06-12345678", "+31 6 12345678", "020 - 123 45 67", "0800-1234", "(030) 234 5678",
                            "+31 (0)6 2345 6789", "0031 6 5566 7788", "06 34 56 78 90"])
        cases.append(Case(f"Bel me terug op {phone}, graag na vijf uur.", (phone,), "[telefoon]"))
    for url in ("https://www.example.nl/klacht?id=3", "www.mijnklacht.nl/dossier/883311", "example.nl/u/jan"):
        cases.append(Case(f"Zie {url} voor het hele verhaal.", (url,), "[url]"))
    for handle in ("@jan_de_vries", "@sannebakker", "u/piet-88"):
        cases.append(Case(f"Vraag het maar aan {handle} hier.", (handle.lstrip("@u/"),), "[handle]"))
    cases.append(Case("Mijn IBAN is NL91 ABNA 0417 1643 00, stort het maar terug.", ("0417 1643",), "[iban]"))
    return cases


NEAR_MISSES = [
    # amounts
    "Ik heb € 1.234,56 betaald en nog niets gekregen.", "Het kost €49,95 per maand.", "EUR 1.299,00 voor een wasmachine.",
    "Er is € 123.456.789,00 geïnvesteerd, lees ik.", "Twee keer 12,50 euro afgeschreven.",
    # dates, times, years
    "Op 01-02-2025 om 10:30 gebeld.", "Besteld op 2025-03-01, nog niks.", "Sinds 12 maart 2024 wacht ik al.",
    "Om 14:45 uur kreeg ik eindelijk iemand.", "Klant sinds 2010 en nu dit.", "In 2025 is het nog erger geworden.",
    "Afspraak op 3/4 om 9.15 uur.", "Van 2019 tot 2023 ging het goed.",
    # counts, ages, feelings after "ik ben"
    "Ik ben 3 keer gebeld en niemand wist iets.", "ik ben boos en teleurgesteld", "Ik ben klant sinds 2010.",
    "Ik ben 65 en snap die app niet.", "Ik ben er helemaal klaar mee.", "Ik ben Nederlander en spreek geen Engels.",
    "Ik ben al 45 minuten in de wacht.", "ik ben het zat", "Ik ben Ziggo-klant sinds jaar en dag.",
    "Ik ben KPN klant en heb al 2 weken geen internet.", "Ik ben zo blij dat het gelukt is.",
    # "met" and sign-offs that are not names
    "Ik heb met Ziggo gebeld en met Coolblue gechat.", "Met de chatbot kom je nergens.", "Met KPN is het altijd hetzelfde.",
    "Groeten uit Utrecht", "Bedankt voor niks.", "Groetjes", "Mvg", "Met vriendelijke groet", "Bedankt Coolblue!",
    # percentages, readings, codes and model numbers
    "De prijs ging 45% omhoog.", "Nog maar 12,5 % korting.", "Meterstand 12345 kWh, ze rekenen met 14500 kWh.",
    "Ik verbruik 3.500 kWh per jaar.", "Mijn iPhone 15 en de Galaxy S24 doen het allebei niet.",
    "De koptelefoon WH-1000XM5 is kapot.", "Een RTX 4090 TI besteld.", "Windows 11 update mislukt.",
    "Artikel 123456789012 is uitverkocht.", "Pakket 3SABC1234567 ligt bij de buren.", "Bel 14 020 of 1400 voor de gemeente.",
    "Ik heb 2000 MB data en 1000 km gereden.", "Een tv van 55 inch en 4K.",
    # tracking talk and labels without a number
    "Mijn track & trace code werkt niet.", "Het trackingnummer klopt niet.", "Mijn ordernummer staat nergens.",
    "Welk klantnummer bedoelen ze?", "Het kenmerk van de brief is onleesbaar.", "Zonder referentie kan ik niks.",
    # streets and places without a number
    "Ik woon in de Kerkstraat.", "Er is een storing in de Stationsweg.", "Amsterdam 3 keer per week.",
    "Bij de Mediamarkt 2 keer geweest.", "Op de snelweg 2 uur vast gestaan.",
    # plain complaints
    "De chatbot stelt steeds dezelfde vragen en ik krijg geen medewerker.", "Bol.com en PostNL: niemand weet iets.",
]


def near_misses() -> list[str]:
    return list(NEAR_MISSES)


FILLERS = ["De chatbot begrijpt mijn vraag niet.", "Ik hang al een uur in de wacht.", "Niemand neemt op.",
           "Het pakket is nog steeds niet bezorgd.", "Eindelijk iemand aan de lijn, en die wist het ook niet.",
           "Ik word van het kastje naar de muur gestuurd.", "Echt belachelijk dit.", "Top geholpen door een medewerker!",
           "", "\n", "  ", "Dit is toch niet normaal?", "Ik ben er klaar mee."]


def mixed_texts(n: int, seed: int = 7) -> list[str | None]:
    """``n`` posts built from fillers, positives and near misses in random order, with odd
    spacing, line breaks, capitals and some non-Latin text: the SQL-equals-Python corpus."""
    rng = random.Random(seed)
    pos = [c.text for c in positives(seed)]
    near = near_misses()
    extra = ["Привет, меня зовут Иван.", "😡😡 geen antwoord 👎", "Ünïcödé test: Ærø 1234 ÅB 12", "ik ben\tJan",
             "ik ben Jan\u00a0de Vries", "Tel.: 06-1234 5678\r\nGroet,\r\nJan", "a@b", "@", "www.", "Groet, Jan\n\n",
             "Ik ben Ｊａｎ", "０６１２３４５６７８", "klantnummer:\n12345678", "BSN123456782", "1234AB12", "x" * 300]
    out: list[str | None] = [None, ""]
    for _ in range(n - 2):
        k = rng.randint(1, 5)
        parts = [rng.choice(rng.choice([pos, near, FILLERS, FILLERS, extra])) for _ in range(k)]
        sep = rng.choice([" ", "\n", "  ", ". ", "\n\n"])
        text = sep.join(parts)
        if rng.random() < 0.1:
            text = text.upper()
        elif rng.random() < 0.1:
            text = text.lower()
        out.append(text)
    return out
