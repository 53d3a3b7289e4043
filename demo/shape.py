"""The shape of the demo authority: its name and size, and the distributions its children are
drawn from (ages, sex, legal status, ethnicity, need, time in care, how and when care ends),
after the public IRO annual reports (docs/rules.md#annual-report)."""

from __future__ import annotations

from . import postcodes as demo_postcodes

LA_NAME = "Demoshire County Council (synthetic data)"
#: The ONS code of the real authority whose postcodes Demoshire borrows (Lincolnshire): pass it
#: to the SSDA903 validator as the local authority.
DEMO_LA_CODE = demo_postcodes.LA_CODE
#: The DfE's three-digit number of the same authority.
DEMO_LA_NUMBER = demo_postcodes.LA_NUMBER


DEFAULT_SEED = 2026
DEFAULT_CHILDREN_IN_CARE = 300
HISTORY_YEARS = 4

#: Leavers over the four years, per child in care today (about a third leave each year).
LEAVERS_PER_CHILD_IN_CARE = 1.4


# --------------------------------------------------------------------------- distributions

#: Age at ``today`` of children in care, by SSDA903 band (IRO reports: 10-15 is the largest).
AGE_BAND_WEIGHTS = {(0, 0): 5, (1, 4): 14, (5, 9): 18, (10, 15): 38, (16, 17): 25}
UASC_SHARE = 0.10
UASC_AGE_WEIGHTS = {13: 3, 14: 10, 15: 22, 16: 32, 17: 33}
UASC_BOYS_SHARE = 0.93
BOYS_SHARE = 0.60
#: Legal status of children in care today: care orders about 77%, s20 about 18%, placement orders about 5%.
LEGAL_STATUS_SHARE = {"E1": 0.05, "V2": 0.18, "C1": 0.12}

ETHNICITY_WEIGHTS = {
    "WBRI": 80.0,
    "WIRI": 0.5,
    "WIRT": 0.6,
    "WROM": 1.2,
    "WOTH": 3.5,
    "MWBC": 3.5,
    "MWBA": 1.3,
    "MWAS": 1.5,
    "MOTH": 3.0,
    "AIND": 0.4,
    "APKN": 1.2,
    "ABAN": 0.4,
    "AOTH": 0.4,
    "BCRB": 0.9,
    "BAFR": 1.5,
    "BOTH": 0.5,
    "CHNE": 0.2,
    "OOTH": 0.4,
    "REFU": 0.2,
    "NOBT": 0.3,
}
UASC_ETHNICITY_WEIGHTS = {"AOTH": 30, "BAFR": 25, "OOTH": 25, "WOTH": 12, "BOTH": 8}
NEED_WEIGHTS = {"N1": 62, "N2": 3, "N3": 3, "N4": 9, "N5": 14, "N6": 2, "N7": 0.5, "N8": 6.5}

#: Time in care of children in care today, as (shortest days, longest days, weight).
IN_CARE_DURATIONS = ((1, 364, 30), (365, 729, 17), (730, 1825, 27), (1826, 6570, 26))
S20_DURATIONS = ((1, 364, 45), (365, 729, 25), (730, 1825, 20), (1826, 6570, 10))
CARE_ORDER_DURATIONS = ((150, 364, 18), (365, 729, 20), (730, 1825, 30), (1826, 6570, 32))
UASC_DURATIONS = ((1, 364, 50), (365, 729, 35), (730, 1300, 15))

#: How long a child usually stays on a legal status before the next (pre-proceedings s20,
#: interim care order, full care order before a placement order), in days.
STAGE_DAYS = {"V2": (7, 150), "C1": (60, 400), "C2": (60, 300)}

#: Why children left care over the four years (national shares, roughly).
EXIT_WEIGHTS = {
    "E4A": 24,
    "E4B": 3,
    "E45": 4,
    "E46": 2,
    "E47": 6,
    "E48": 1,
    "E41": 6,
    "E11": 8,
    "E12": 3,
    "E13": 7,
    "E17": 2,
    "E5": 9,
    "E6": 3,
    "E7": 1,
    "E8": 5,
    "E3": 2,
    "E16": 1,
    "E9": 1,
}
UASC_EXIT_WEIGHTS = {"E5": 30, "E6": 8, "E13": 15, "E17": 10, "E8": 10, "E3": 15, "E15": 6, "E16": 3}
UASC_LEAVER_SHARE = 0.15
#: Reasons that end care on the 18th birthday.
AT_EIGHTEEN = {"E13", "E17", "E5", "E6", "E7"}
#: UASC who leave before 18: transferred under the National Transfer Scheme soon after arriving (E3),
#: assessed as adults (E15) or moved abroad (E16).
UASC_EXIT_AGE_WEIGHTS = {"E15": {16: 1, 17: 1}}
UASC_EXIT_DURATIONS = {"E3": ((5, 60, 1),), "E15": ((10, 200, 1),), "E16": ((60, 900, 1),)}
EXIT_AGE_WEIGHTS = {
    "E11": {1: 2, 2: 4, 3: 3, 4: 2, 5: 1, 6: 0.5},
    "E12": {1: 2, 2: 4, 3: 3, 4: 2, 5: 1, 6: 0.5},
    "SGO": {a: (14 - a) + 2 for a in range(1, 15)},
    "E41": dict.fromkeys(range(1, 16), 1),
    "E4A": {a: 1 + (a >= 11) for a in range(18)},
    "E4B": {a: 1 + (a >= 11) for a in range(18)},
    "E3": dict.fromkeys(range(18), 1),
    "E16": dict.fromkeys(range(10, 18), 1),
    "E9": {15: 1, 16: 2, 17: 2},
    "E8": dict.fromkeys(range(10, 18), 1),
    "E15": {16: 1, 17: 1},
}
EXIT_DURATIONS = {
    "E11": ((450, 1100, 1),),
    "E12": ((450, 1100, 1),),
    "SGO": ((200, 1400, 1),),
    "E41": ((60, 900, 1),),
    "E4A": ((7, 60, 35), (61, 365, 40), (366, 1095, 25)),
    "E4B": ((7, 60, 35), (61, 365, 40), (366, 1095, 25)),
    "E3": ((20, 700, 1),),
    "E15": ((10, 200, 1),),
    "E16": ((60, 900, 1),),
    "E9": ((100, 900, 1),),
    "E8": ((30, 1000, 1),),
}
EXIT_LEGAL_STATUS = {
    "E11": {"E1": 1},
    "E12": {"E1": 1},
    "SGO": {"C1": 55, "C2": 45},
    "E41": {"C1": 45, "C2": 30, "V2": 25},
    "E4A": {"V2": 50, "C2": 30, "C1": 20},
    "E4B": {"V2": 50, "C2": 30, "C1": 20},
    "AT18": {"C2": 65, "V2": 35},
    "E3": {"C1": 40, "C2": 30, "V2": 30},
    "E9": {"V2": 50, "C2": 50},
    "E8": {"V2": 50, "C2": 50},
}
EXIT_PLACEMENTS = {
    "E11": {"A5": 40, "A6": 60},
    "E12": {"A5": 40, "A6": 60},
    "E45": {"U1": 50, "U3": 50},
    "E47": {"U1": 40, "U3": 40, "U6": 20},
    "E46": {"U4": 50, "U6": 50},
    "E48": {"U4": 50, "U6": 50},
    "E41": {"U3": 35, "U1": 15, "U6": 25, "P1": 25},
    "E13": {"U4": 60, "U6": 25, "U1": 15},
    "E17": {"SUP": 1},
    "E5": {"SUP": 60, "U4": 15, "U6": 10, "K2": 15},
    "E6": {"SUP": 60, "U4": 15, "U6": 10, "K2": 15},
    "E7": {"R1": 50, "S1": 50},
    "E15": {"SUP": 60, "U6": 40},
}
