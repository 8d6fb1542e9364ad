"""Classification sanity: the published classification (the classifier over the rule layer's
features) gets sentences written for these tests right, the export's company field and the
vocabulary decide the sector, and a Trustpilot rating decides the sentiment. The classifier's
measured quality is in docs/social_quality.md (held-out writers, `python -m tools.classifier.evaluate`)."""

import pytest

from conftest import Build, make_home, post, write_lines, ingest_and_build  # noqa: E402

PROBES = [
    # text, expected themes (subset), forbidden themes, sentiment or None
    ("Ik wil gewoon een medewerker spreken, maar de chatbot verbindt me nooit door.",
     {"geen_medewerker"}, {"opgelost"}, "negatief"),
    ("De chatbot stelt steeds opnieuw dezelfde vragen, ik draai rondjes.", {"chatbot_loop"}, set(), "negatief"),
    ("De assistent gaf me verkeerde informatie over de kosten en verzon een regeling.",
     {"onjuist_antwoord"}, set(), "negatief"),
    ("De chatbot stuurt alleen linkjes naar de veelgestelde vragen, mijn probleem past er niet in.",
     {"alleen_faq"}, set(), "negatief"),
    ("Sorry, dat begrijp ik niet, zegt de chatbot. Voor de vijfde keer.", {"niet_begrepen"}, set(), "negatief"),
    ("Ik heb 45 minuten in de wacht gehangen bij de klantenservice.", {"wachttijd"}, set(), "negatief"),
    ("De klantenservice is alleen op werkdagen bereikbaar en het nummer op de site werkt niet.",
     {"bereikbaarheid"}, set(), "negatief"),
    ("Ik weet nog steeds niet of ik met een bot of met een echt persoon sprak.", {"bot_of_mens"}, set(), None),
    ("De chatbot heeft mijn probleem binnen twee minuten opgelost, top!", {"opgelost"},
     {"geen_medewerker"}, "positief"),
    ("De medewerker heeft het uiteindelijk opgelost, de chatbot kon niets.", set(), {"opgelost"}, None),
    ("Het probleem is nog steeds niet opgelost door de chatbot.", set(), {"opgelost"}, "negatief"),
    ("Gelukkig hoefde ik niet lang te wachten aan de telefoon.", set(), {"wachttijd"}, None),
    ("Ik wacht al drie weken op mijn pakket.", set(), {"wachttijd"}, "negatief"),
    ("Weet iemand hoe ik bij mijn energieleverancier een medewerker kan spreken?", {"geen_medewerker"},
     set(), "neutraal"),
    ("Bestelling keurig op tijd geleverd, prima verpakt.", set(), {"opgelost", "geen_medewerker"}, "positief"),
]

SECTOR_PROBES = [
    ("Mijn pakket van PostNL is kwijt en de chatbot helpt niet.", None, "bezorgdiensten"),
    ("De huisarts is telefonisch onbereikbaar.", None, "zorg"),
    ("Mijn jaarafrekening klopt niet.", None, "nutsbedrijven"),
    ("De chatbot begrijpt mijn vraag niet.", "Ziggo", "telecom"),
    ("De chatbot begrijpt mijn vraag niet.", "Gemeente Utrecht", "overheid"),
    ("De chatbot begrijpt mijn vraag niet.", "Zilveren Kruis", "zorg"),
    ("De chatbot begrijpt mijn vraag niet.", "Centraal Beheer", "banken_verzekeraars"),
    ("Bol stuurde het verkeerde artikel en de chat verwijst naar de verkoper.", None, "online_retailers"),
    ("De NS-app geeft een storing en de chat snapt mijn vraag niet.", None, "overig"),
    ("Alle chatbots zijn hetzelfde: je komt nergens.", None, "overig"),
    # brands no seed lists, or no brand at all: the sector comes from what the post is about
    ("Mijn spaarrekening bij Groeibank is geblokkeerd en de chat snapt het niet.", None, "banken_verzekeraars"),
    ("De monteur voor de glasvezel kwam niet en de chatbot bleef vragen of mijn modem aan stond.", None, "telecom"),
    ("Mijn zorgverzekeraar vergoedt de fysio niet en de chatbot stuurt alleen linkjes.", None, "zorg"),
    ("Retour van de jas die ik online bestelde is nog steeds niet terugbetaald, de chat helpt niet.",
     "Modehuis Lente", "online_retailers"),
    ("Terugleververgoeding voor mijn zonnepanelen klopt niet en de chatbot weet van niks.", "Zonnig Stroom",
     "nutsbedrijven"),
]


@pytest.fixture(scope="module")
def probe_build(tmp_path_factory) -> Build:
    home = make_home(tmp_path_factory.mktemp("social-probes"))
    lines = [post(f"t{i}", text) for i, (text, *_rest) in enumerate(PROBES)]
    lines += [post(f"s{i}", text, company=company) for i, (text, company, _) in enumerate(SECTOR_PROBES)]
    write_lines(home.landing_social / "posts_2025-03.jsonl", lines)
    return ingest_and_build(home)


@pytest.mark.parametrize("i", range(len(PROBES)))
def test_theme_probes(probe_build, i):
    text, expected, forbidden, sentiment = PROBES[i]
    themes, got_sentiment = probe_build.query(
        "select themes, sentiment from marts.fct_social_posts where post_id = ?", [f"t{i}"])[0]
    assert expected <= set(themes), (text, themes)
    assert not (forbidden & set(themes)), (text, themes)
    if sentiment:
        assert got_sentiment == sentiment, (text, got_sentiment)


@pytest.mark.parametrize("i", range(len(SECTOR_PROBES)))
def test_sector_probes(probe_build, i):
    text, company, sector = SECTOR_PROBES[i]
    got = probe_build.query("select sector from marts.fct_social_posts where post_id = ?", [f"s{i}"])
    assert got == [(sector,)], (text, company, got)


def test_channels(probe_build):
    channels = dict(probe_build.query("select post_id, channels from marts.fct_social_posts"))
    assert "chatbot" in channels["t0"]
    assert "telefoon" in channels["t5"]


@pytest.mark.slow       # a dbt build
def test_trustpilot_rating_informs_sentiment(tmp_path):
    home = make_home(tmp_path)
    write_lines(home.landing_social / "posts_2025-03.jsonl", [
        post("r1", "De chatbot heeft het keurig opgelost.", platform="trustpilot", rating=1),
        post("r5", "Ik heb drie keer moeten bellen.", platform="trustpilot", rating=5),
    ])
    build = ingest_and_build(home)
    assert dict(build.query("select post_id, sentiment from marts.fct_social_posts")) == \
        {"r1": "negatief", "r5": "positief"}
