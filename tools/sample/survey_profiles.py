"""The target distributions of the survey sample per wave: sizes, formats, the published 2026
figures and the trends the report describes (tools.sample.survey cuts answers to these)."""

from __future__ import annotations

DEFAULT_SIZES: dict[int, int] = {2023: 1003, 2024: 998, 2025: 1009, 2026: 1016}
DEFAULT_SEED = 2026
LARGE_N = 100_000            # above this every wave is written as Parquet
_MAX_SORT = 50_000           # cut thresholds are estimated on about this many rows
FORMATS: dict[int, str] = {2023: "csv_semicolon", 2024: "parquet", 2025: "csv_comma", 2026: "sav"}
_EXTENSIONS = {"csv_semicolon": "csv", "csv_comma": "csv", "parquet": "parquet", "sav": "sav"}
GEWICHT_WAVES = (2024, 2025, 2026)
EXTRA_COLUMN = "PANEL_BRON"  # unknown column in the 2025 delivery (kept + warned, spec §2)
_PROFILE_WAVES = (2023, 2024, 2025, 2026)

# Channel codes ordered from "traditional" to "digital": cuts on a digital-affinity score
# hand the low end to face-to-face / phone and the high end to chatbot / social media.
CHANNEL_ORDER = (4, 1, 2, 8, 5, 3, 6, 7)
_CHANNEL_CODES = (1, 2, 3, 4, 5, 6, 7, 8)

# --------------------------------------------------------------------------------------
# Wave profiles: target distributions (percent; normalised where used).
# 2026 values come from published_2026.csv where the report states them; the rest are
# plausible values that follow the trends the report describes.
# --------------------------------------------------------------------------------------

# Q1 per contact type, 2026 (published; 99 = the remainder the table does not report).
_Q1_2026 = {
    # tel email live f2f whatsapp social chatbot sms
    "Q1_1": (47, 19, 11, 9, 8, 2, 2, 1),     # advies
    "Q1_2": (42, 25, 13, 6, 7, 1, 2, 3),     # bestelling_betaling
    "Q1_3": (33, 28, 15, 4, 10, 2, 4, 3),    # bezorging_retour
    "Q1_4": (47, 20, 10, 9, 8, 2, 1, 2),     # gebruik_onderhoud
    "Q1_5": (30, 26, 13, 4, 10, 4, 6, 2),    # praktisch
}
_Q1_CODES = (1, 2, 3, 4, 5, 6, 7, 8)

# Q2 first choice, 2026: primary 68 (tel 45 + email 23), secondary 28, tertiary 4.
_Q2_2026 = {1: 45, 2: 23, 3: 10, 4: 8, 5: 10, 6: 1, 7: 2, 8: 1}

_PERSONAS = {  # 1 jurre, 2 juna, 3 janny, 4 janus (2025 and 2026 as published)
    2023: {1: 9, 2: 28, 3: 18, 4: 45},
    2024: {1: 10, 2: 28, 3: 22, 4: 40},
    2025: {1: 10, 2: 27, 3: 26, 4: 37},
    2026: {1: 13, 2: 24, 3: 39, 4: 25},
}

# Q3_1..Q3_9 (% mentioned). Waiting times and menus slowly down, chatbot steadily up.
_Q3 = {
    2023: (60, 42, 30, 28, 30, 18, 22, 15, 25),
    2024: (57, 40, 35, 27, 30, 17, 22, 15, 27),
    2025: (55, 38, 40, 27, 29, 17, 21, 14, 28),
    2026: (52, 36, 45, 26, 29, 16, 21, 14, 30),
}
# How each frustration leans on the usage score (+ = more among chatbot users).
_Q3_LEAN = (-0.5, -0.3, 1.0, -0.2, 0.1, 0.2, 0.4, -0.4, 0.3)

_Q4 = {  # distributions over 1..5, stable over the waves ("consistent patroon")
    "Q4_1": (1.5, 2.5, 6, 34, 56),   # goed begrepen worden: 90% belangrijk
    "Q4_2": (3, 6, 16, 45, 30),      # snelheid
    "Q4_3": (2, 5, 14, 44, 35),      # direct antwoord
    "Q4_4": (3, 7, 18, 42, 30),      # meteen de juiste medewerker
    "Q4_5": (2, 4, 12, 38, 44),      # persoonlijk contact
}
_Q4_LEAN = {"Q4_1": 0.1, "Q4_2": 0.4, "Q4_3": 0.3, "Q4_4": -0.3, "Q4_5": -0.6}

_Q6 = {2023: {1: 46, 2: 41, 99: 13}, 2024: {1: 47, 2: 41, 99: 12},
       2025: {1: 49, 2: 40, 99: 11}, 2026: {1: 52, 2: 38, 99: 10}}

_Q7 = {  # Q7_1..Q7_8; the most-named disadvantages slowly decline; Q7_1 2026 = 40
    2023: (48, 41, 28, 25, 31, 27, 17, 6),
    2024: (46, 39, 27, 24, 30, 26, 16, 6),
    2025: (43, 37, 26, 23, 29, 25, 15, 7),
    2026: (40, 35, 25, 22, 28, 24, 15, 8),
}

_Q8 = {  # stance 1 positief / 2 neutraal / 3 negatief (asked from 2025)
    2025: {"Q8_1": (30, 35, 35), "Q8_2": (55, 30, 15), "Q8_3": (40, 32, 28), "Q8_4": (45, 30, 25)},
    2026: {"Q8_1": (32, 35, 33), "Q8_2": (56, 29, 15), "Q8_3": (36, 33, 31), "Q8_4": (41, 31, 28)},
}

_Q9_PASS = {2023: 60, 2024: 61, 2025: 62, 2026: 63}      # % grade 6 or higher
_GRADE_LOW = (4, 3, 5, 8, 15)                             # shape of 1..5
_GRADE_HIGH = (22, 24, 13, 4, 2)                          # shape of 6..10

_Q10_GEBRUIK = {2023: 55, 2024: 58, 2025: 61, 2026: 62}
_Q11_GEBRUIK = {2023: 35, 2024: 38, 2025: 40, 2026: 42}
_FOLLOWUPS = {  # asked from 2025; 2026: more fully resolved, less follow-up, voice "human"
    2025: {"Q10_AFGEHANDELD": (25, 40, 35), "Q10_CORRECT": {1: 11, 2: 72, 99: 17},
           "Q10_VERVOLG": (60, 40),
           "Q11_AFGEHANDELD": (22, 38, 40), "Q11_CORRECT": {1: 15, 2: 65, 99: 20},
           "Q11_VERVOLG": (62, 38), "Q11_MENS": (12, 70, 18)},
    2026: {"Q10_AFGEHANDELD": (30, 40, 30), "Q10_CORRECT": {1: 12, 2: 70, 99: 18},
           "Q10_VERVOLG": (55, 45),
           "Q11_AFGEHANDELD": (25, 38, 37), "Q11_CORRECT": {1: 16, 2: 63, 99: 21},
           "Q11_VERVOLG": (58, 42), "Q11_MENS": (18, 60, 22)},
}
_Q12 = {"Q12_1": (20, 25, 32, 18, 5), "Q12_2": (14, 22, 34, 23, 7)}  # voice trusted more
_Q13 = {  # frequency 1 nooit .. 4 wekelijks; usage grows towards 2026
    "Q13_1": {2023: (38, 38, 17, 7), 2026: (30, 40, 20, 10)},
    "Q13_2": {2023: (52, 32, 11, 5), 2026: (45, 35, 13, 7)},
}

# Sectors 1..7. KANAAL 2026 over codes (tel, email, live, f2f, whatsapp, social, chatbot, sms, 99).
_S_KANAAL_2026 = {
    1: (42, 25, 9, 5, 8, 1, 3, 1, 6),
    2: (25, 25, 12, 1, 17, 2, 5, 8, 5),       # bezorgdiensten: WhatsApp and SMS bigger
    3: (40, 30, 9, 1, 8, 1, 4, 1, 6),
    4: (22, 33, 20, 2, 11, 2, 5, 1, 4),
    5: (42, 22, 6, 14, 5, 1, 3, 1, 6),
    6: (40, 18, 15, 8, 10, 1, 3, 1, 4),
    7: (55, 14, 4, 14, 6, 0.5, 1.5, 1, 4),
}
_S_POSITIVE = {  # % S_HOUDING >= 6 (banken 2026 = 40 as published)
    1: {2023: 38, 2024: 39, 2025: 40, 2026: 40},
    2: {2023: 41, 2024: 42, 2025: 42, 2026: 39},
    3: {2023: 37, 2024: 38, 2025: 38, 2026: 38},
    4: {2023: 44, 2024: 45, 2025: 45, 2026: 45},
    5: {2023: 34, 2024: 35, 2025: 36, 2026: 38},
    6: {2023: 37, 2024: 37, 2025: 37, 2026: 37},
    7: {2025: 33, 2026: 36},
}
_S_CONTACT_2026 = {  # (any automated contact, chatbot, voice); any as published
    1: (47, 36, 24), 2: (50, 42, 20), 3: (38, 28, 20), 4: (47, 42, 12),
    5: (47, 33, 27), 6: (52, 40, 30), 7: (48, 31, 37),
}
_S_ERVARING = {  # (positiever, niet veranderd, negatiever); telecom/zorg/bezorg worsen
    "stable": {2023: (15, 66, 19), 2024: (15, 65, 20), 2025: (15, 65, 20), 2026: (15, 65, 20)},
    2: {2023: (15, 65, 20), 2024: (14, 65, 21), 2025: (14, 64, 22), 2026: (10, 56, 34)},
    6: {2023: (18, 64, 18), 2024: (16, 63, 21), 2025: (14, 62, 24), 2026: (10, 55, 35)},
    7: {2025: (15, 63, 22), 2026: (11, 58, 31)},
}

# Panel composition (unweighted). Rows: age band 1..3, columns: education 1..3.
_AGE_BAND_P = (0.16, 0.29, 0.55)
# The first age of each band the sample draws ages in (the contract's bands 18–34, 35–54, 55+;
# the warehouse derives the band from LEEFTIJD in dbt, macros/survey_age_band.sql).
_AGE_BAND_STARTS = (18, 35, 55)
_EDU_GIVEN_AGE = ((0.13, 0.37, 0.50), (0.18, 0.37, 0.45), (0.25, 0.37, 0.38))
_REGION_P = (0.125, 0.245, 0.25, 0.38)
_GENDER_P = (0.50, 0.485, 0.015)

# Item non-response rates (share of the base leaving the question empty).
_NR = {"Q1": 0.015, "Q2_R1": 0.004, "Q3": 0.012, "Q4": 0.02, "Q5": 0.01, "Q6": 0.012,
       "Q7": 0.015, "Q8": 0.025, "Q9": 0.02, "USE": 0.008, "FOLLOW": 0.03, "Q12": 0.025,
       "Q13": 0.015, "S_KANAAL": 0.02, "S_HOUDING": 0.03, "S_CONTACT": 0.015, "S_ERVARING": 0.03}
