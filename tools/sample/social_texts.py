"""Fragments the sample generator composes posts from (written for the generator; no real posts).

Companies are fictional (so no real organisation gets invented complaints), except public
bodies named generically. ``{c}`` in a fragment is replaced by the post's company.
"""

from __future__ import annotations

SECTORS = ("banken_verzekeraars", "bezorgdiensten", "nutsbedrijven", "online_retailers",
           "overheid", "telecom", "zorg")

# sector -> (share of posts, companies as the export's `company` field)
SECTOR_WEIGHTS = {
    "bezorgdiensten": 0.22, "online_retailers": 0.16, "telecom": 0.16, "nutsbedrijven": 0.13,
    "banken_verzekeraars": 0.13, "overheid": 0.12, "zorg": 0.08,
}
COMPANIES = {
    "banken_verzekeraars": ["Spaarbank Noord", "Geldhuis", "Polisplan Verzekeringen", "Kroonbank", "ZekerDirect"],
    "bezorgdiensten": ["PakketPunt", "SnelPost", "Bezorgbaas", "VrachtFlits", "DoosExpress"],
    "nutsbedrijven": ["StroomNet Energie", "Warmtewijk", "Waterbedrijf Delta", "GroenGas", "Energiek"],
    "online_retailers": ["Winkelwagen.nl", "KoopKist", "ModeMeteen", "TechTuin", "HuisHandel"],
    "overheid": ["Belastingdienst", "gemeente Zuiderveen", "Dienst Toeslagen", "gemeente Oosterburg", "RDW"],
    "telecom": ["Belnet", "TeleMobiel", "GlasLijn", "Simpel Mobiel", "NetVerbind"],
    "zorg": ["Apotheek De Linde", "Huisartsenpost Centrum", "Ziekenhuis Rivierland", "ZorgPunt", "Fysio Plus"],
}

# What the post is about, per sector (opening sentences).
CONTEXTS = {
    "banken_verzekeraars": [
        "Mijn betaalpas is geblokkeerd en ik kan niet meer pinnen bij {c}.",
        "Ik heb drie weken geleden een schadeclaim ingediend bij {c} voor mijn fiets.",
        "Er is twee keer hetzelfde bedrag van mijn rekening afgeschreven.",
        "Ik wilde bij {c} mijn polis aanpassen na de verhuizing.",
        "Mijn overboeking naar de verhuurder is niet aangekomen.",
        "De app van {c} laat mijn saldo niet meer zien sinds de update.",
        "Ik probeer al een tijd mijn hypotheekrente bij {c} opnieuw vast te zetten.",
        "Bij het afsluiten van een reisverzekering ging iets mis met de premie.",
    ],
    "bezorgdiensten": [
        "Mijn pakket zou gisteren bezorgd worden, maar de track & trace staat al dagen op onderweg.",
        "Volgens {c} is mijn pakket bezorgd, maar er ligt helemaal niets.",
        "De bezorger van {c} heeft niet eens aangebeld en een briefje achtergelaten.",
        "Mijn zending ligt bij een afhaalpunt aan de andere kant van de stad.",
        "Het pakket is teruggestuurd naar de afzender zonder dat iemand het heeft geprobeerd te bezorgen.",
        "Twee pakketten van {c} deze week, allebei kwijt.",
        "Mijn retourzending is volgens {c} nooit aangekomen.",
        "De bezorging is al drie keer verschoven.",
    ],
    "nutsbedrijven": [
        "Mijn jaarafrekening van {c} klopt niet, het termijnbedrag is ineens verdubbeld.",
        "Ik heb mijn meterstanden doorgegeven maar {c} rekent met een schatting.",
        "Sinds vanochtend hebben we geen stroom en er staat niets over een storing.",
        "De warmtemeter staat al maanden stil en niemand komt hem repareren.",
        "Ik wil mijn energiecontract bij {c} opzeggen omdat ik ga verhuizen.",
        "Mijn voorschot is verhoogd zonder enige uitleg.",
        "De monteur van {c} is niet komen opdagen voor de slimme meter.",
        "Er is een storing in het water in onze straat.",
    ],
    "online_retailers": [
        "Ik heb bij {c} een wasmachine besteld die nooit is geleverd.",
        "Mijn retour bij {c} is al vier weken binnen maar ik heb mijn geld nog niet terug.",
        "Er zat een verkeerd artikel in mijn bestelling.",
        "De webshop heeft mijn bestelling geannuleerd zonder reden.",
        "Ik wil een defecte laptop die ik bij {c} kocht laten repareren onder garantie.",
        "Mijn bestelling van {c} werd beschadigd afgeleverd.",
        "De terugbetaling van mijn geannuleerde order laat al weken op zich wachten.",
        "Ik ben twee keer gefactureerd voor dezelfde bestelling.",
    ],
    "overheid": [
        "Ik heb een vraag over mijn toeslag die is stopgezet.",
        "Mijn aangifte inkomstenbelasting is vastgelopen in het systeem van de {c}.",
        "Ik wilde een afspraak maken bij de {c} voor een nieuw paspoort.",
        "Mijn DigiD werkt niet meer en daardoor kan ik niets regelen.",
        "Het uittreksel uit het bevolkingsregister bevat een verkeerde geboortedatum.",
        "Ik heb een aanslag gekregen van de {c} die ik niet begrijp.",
        "De vergunning voor onze dakkapel ligt al maanden bij de {c}.",
        "Ik moet een verhuizing doorgeven bij de {c} maar het formulier werkt niet.",
    ],
    "telecom": [
        "Ons internet van {c} ligt er al drie dagen uit.",
        "Ik wil mijn abonnement bij {c} opzeggen na het overlijden van mijn vader.",
        "Mijn factuur van {c} is veel hoger dan afgesproken.",
        "De nieuwe simkaart die {c} stuurde werkt niet.",
        "Sinds de overstap naar glasvezel valt de wifi steeds weg.",
        "Ik heb geen bereik meer op mijn mobiel sinds de storing.",
        "Het nummerbehoud bij de overstap naar {c} is mislukt.",
        "De monteur voor de aansluiting is twee keer niet gekomen.",
    ],
    "zorg": [
        "Ik probeer al dagen een afspraak te maken bij de huisarts.",
        "Mijn herhaalrecept bij {c} is nog steeds niet klaar.",
        "Ik wilde mijn afspraak in {c} verzetten via de website.",
        "De apotheek heeft mijn medicijnen niet op voorraad en geeft geen alternatief.",
        "Ik heb een vraag over de uitslag van mijn bloedonderzoek.",
        "Het ziekenhuis heeft mijn verwijzing kwijtgemaakt.",
        "Bij {c} kan ik mijn behandeling niet inplannen via het patiëntenportaal.",
        "Ik moest een spoedafspraak voor mijn dochter bij de huisartsenpraktijk.",
    ],
}

THEME_WEIGHTS = {
    "geen_medewerker": 0.24, "chatbot_loop": 0.12, "onjuist_antwoord": 0.10, "alleen_faq": 0.10,
    "niet_begrepen": 0.12, "wachttijd": 0.12, "bereikbaarheid": 0.10, "bot_of_mens": 0.04,
    "opgelost": 0.06,
}

THEME_SENTENCES = {
    "geen_medewerker": [
        "Ik wil gewoon een medewerker spreken, maar dat kan nergens.",
        "Een echt mens spreken is onmogelijk, je krijgt alleen die chatbot.",
        "De chatbot belooft me door te verbinden met een medewerker, maar dat gebeurt nooit.",
        "Er is geen enkele optie om met een persoon te chatten of te bellen.",
        "Na een half uur typen heb ik nog steeds geen mens gesproken.",
        "Zelfs als je 'medewerker' typt, word je niet doorgeschakeld.",
        "Nergens een telefoonnummer te vinden, alleen een digitale assistent die niets kan.",
        "Bij {c} kom je gewoon niet bij een medewerker terecht.",
    ],
    "chatbot_loop": [
        "De chatbot stelt steeds opnieuw dezelfde vragen.",
        "Ik zit in een eindeloze loop: na elk antwoord begint de bot weer van voren af aan.",
        "Elke keer krijg ik precies hetzelfde antwoord terug, rondjes draaien.",
        "Vijf keer dezelfde gegevens ingevuld en de assistent vraagt ze gewoon weer opnieuw.",
        "De bot blijft maar herhalen dat ik mijn klantnummer moet invullen.",
        "Het gesprek met de chatbot draait in een cirkel en komt nergens.",
    ],
    "onjuist_antwoord": [
        "De chatbot gaf me informatie die gewoon niet klopt.",
        "Volgens de assistent was alles al geregeld, maar dat bleek helemaal niet waar.",
        "De bot verzint maar wat: hij noemde een regeling die helemaal niet bestaat.",
        "Het antwoord van de chatbot was onvolledig en deels fout.",
        "De virtuele assistent beweerde dat mijn aanvraag was goedgekeurd, wat onjuist bleek.",
        "Ik kreeg van de bot een verkeerd antwoord over de kosten.",
    ],
    "alleen_faq": [
        "Ik krijg alleen maar links naar de veelgestelde vragen.",
        "De bot kan alleen standaardvragen beantwoorden, voor mijn probleem is geen optie.",
        "Alles wat de chatbot doet is verwijzen naar de FAQ op de website.",
        "Mijn situatie past niet in de keuzes die de assistent aanbiedt.",
        "Je krijgt standaard antwoorden die niets met je vraag te maken hebben.",
        "Voor een simpele vraag werkt het, maar zodra het afwijkt kan de bot niets.",
    ],
    "niet_begrepen": [
        "'Dat begrijp ik niet helemaal', zegt de chatbot elke keer.",
        "De chatbot snapt mijn vraag gewoon niet.",
        "Wat ik ook typ, de assistent begrijpt er niets van.",
        "De spraakcomputer verstaat mijn antwoorden niet en vraagt alles opnieuw.",
        "Ik heb het op vijf manieren geformuleerd maar de bot begrijpt me niet.",
        "Die chatbot is echt dom, hij heeft geen idee wat ik bedoel.",
    ],
    "wachttijd": [
        "Ik heb {n} minuten in de wacht gehangen.",
        "De wachttijd aan de telefoon was meer dan een uur.",
        "Je staat eindeloos in de wachtrij met hetzelfde muziekje.",
        "Op mijn mail is na {n} dagen nog steeds geen reactie gekomen.",
        "Bij de chat ben ik nummer {n} in de rij en het schiet niet op.",
        "Na {n} minuten wachten werd de verbinding verbroken.",
    ],
    "bereikbaarheid": [
        "De klantenservice is alleen op werkdagen tot vijf uur bereikbaar.",
        "Ik word van het kastje naar de muur gestuurd: de chat verwijst naar de mail en de mail naar de telefoon.",
        "Het nummer dat de chatbot gaf bleek helemaal niet te bestaan.",
        "In het weekend is er niemand bereikbaar, ook niet via de chat.",
        "Het telefoonnummer op de website is afgesloten.",
        "De livechat is al dagen offline en bellen kan niet meer.",
    ],
    "bot_of_mens": [
        "Ik weet nog steeds niet of ik met een robot of met een echt persoon sprak.",
        "Is dit nou een bot of een mens? Dat wordt nergens duidelijk gemaakt.",
        "De stem aan de telefoon klonk heel menselijk, maar het bleek een computer te zijn.",
        "Pas na tien minuten had ik door dat ik met een chatbot zat te praten in plaats van een medewerker.",
    ],
    "opgelost": [
        "De chatbot heeft mijn probleem in een paar minuten opgelost.",
        "Tot mijn verbazing regelde de digitale assistent het meteen.",
        "Via de chat met de bot was het binnen vijf minuten geregeld.",
        "De virtuele assistent wist precies wat ik nodig had en heeft het direct opgelost.",
        "Ik had weinig verwachtingen van de chatbot, maar hij heeft me echt goed geholpen.",
    ],
}
# a sentence without a customer-contact theme (about the product or delivery itself)
NO_THEME_SENTENCES = [
    "Verder is het product zelf prima, daar ligt het niet aan.",
    "Dit is al de tweede keer dit jaar.",
    "Ik ben al tien jaar klant.",
    "Het gaat om een bedrag van {n} euro.",
]

CLOSINGS = {
    "negatief": [
        "Echt belachelijk.", "Nooit meer.", "Wat een klantonvriendelijk bedrijf.",
        "Dit kan toch niet de bedoeling zijn?", "Ik ben er helemaal klaar mee.",
        "Slechtste klantenservice ooit.", "Zeer teleurgesteld.", "Schandalig gewoon.",
        "Ik ga een klacht indienen.", "Om moedeloos van te worden.",
    ],
    "neutraal": [
        "Heeft iemand een tip hoe ik dit moet aanpakken?", "Weet iemand of dit normaal is?",
        "Benieuwd of anderen dit ook hebben.", "Ik wacht maar af wat er gebeurt.",
        "Iemand ervaring mee?", "Ben benieuwd hoe dit afloopt.",
    ],
    "positief": [
        "Complimenten!", "Zo kan het dus ook.", "Top service, dank jullie wel!",
        "Eerlijk is eerlijk: dit ging goed.", "Heel tevreden.", "Prima geholpen, aanrader.",
    ],
}

TITLES = {
    "negatief": ["Slechte service", "Onbereikbaar", "Nooit meer", "Waardeloze chatbot",
                 "Klantonvriendelijk", "Zeer teleurgesteld", "Geen hulp", "Frustrerend"],
    "neutraal": ["Vraag over klantenservice", "Ervaringen?", "Hoe bereik ik iemand?", "Tip gezocht"],
    "positief": ["Snel geholpen", "Top", "Goede service", "Positief verrast"],
}

UPDATES = [
    "Update: inmiddels een week verder en nog steeds niets gehoord.",
    "Update: na drie keer bellen eindelijk iemand gesproken, maar nog geen oplossing.",
    "Aanvulling: ook mijn tweede mail is niet beantwoord.",
    "Edit: het probleem speelt nog steeds.",
]

# personal data placed in texts (masked at ingestion; tests check none reaches the marts)
PII_SENTENCES = [
    "Bel me gerust terug op {phone}.",
    "Mail mij op {email} als er nieuws is.",
    "Mijn nummer is {phone}, graag contact.",
    "Zie ook mijn eerdere post: {url}",
    "{handle} lees je dit wel?",
    "Mijn vriendin {handle} had precies hetzelfde.",
]
PHONES = ["06-12345678", "+31 (0)6 2345 6789", "06 34 56 78 90", "020 - 123 45 67", "0800-1234",
          "+31 6 87654321", "010-7654321", "+31(0)6-11223344", "0031 6 5566 7788", "(030) 234 5678"]
EMAILS = ["j.devries1978@gmail.com", "sanne.bakker@hotmail.com", "p.jansen@ziggo.nl",
          "mark_vd_berg@outlook.com", "info.kees@kpnmail.nl", "lotte99@live.nl"]
HANDLES = ["@jan_de_vries", "@sannebakker", "@pietjansen88", "@lotte_k", "@m.vandijk"]
URLS = ["https://www.reddit.com/r/thenetherlands/comments/abc123/mijn_pakket/",
        "https://x.com/janvdb/status/1234567890", "www.mijnklacht.nl/dossier/883311",
        "https://forum.example.nl/topic/98765?user=sanne"]

FIRST_NAMES = ["Jan", "Sanne", "Piet", "Lotte", "Mark", "Fatima", "Kees", "Anouk", "Mohamed", "Inge",
               "Daan", "Emma", "Ruud", "Yara", "Bram", "Ilse"]
LAST_NAMES = ["de Vries", "Bakker", "Jansen", "van den Berg", "Visser", "el Amrani", "Smit", "de Boer",
              "Mulder", "Bos", "Yilmaz", "Dekker"]

ENGLISH = [
    "The chatbot keeps asking the same questions and I still cannot reach a human. Terrible service.",
    "Ordered a phone three weeks ago and the delivery never arrived. Customer service is a bot that does not understand anything.",
    "Waited over an hour on the phone just to be told to send an email. Unbelievable.",
    "Finally got my refund after the assistant sorted it out in five minutes. Pleasantly surprised.",
    "Is there any way to talk to an actual person at this company? The website only offers a useless chat.",
]
GERMAN = [
    "Der Chatbot versteht meine Frage nicht und es gibt keine Möglichkeit, einen Mitarbeiter zu erreichen.",
    "Mein Paket ist seit einer Woche verschwunden und niemand beim Kundenservice hilft mir weiter.",
    "Ich habe eine Stunde in der Warteschleife gehangen, das ist wirklich eine Frechheit.",
    "Die Rechnung ist falsch und der Assistent wiederholt immer nur dieselbe Antwort.",
]
