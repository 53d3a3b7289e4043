"""A synthetic local authority for demonstrations: "Demoshire County Council".

All the people are invented: children's names come from fixed lists (surnames are made up
from English-sounding parts), UPNs use the non-existent LA number 999, and Ofsted URNs are
made up. The postcodes are not: they are real public ONS postcodes, borrowed from one real
county (Lincolnshire, ``DEMO_LA_CODE``; see children/demo_postcodes.py) so that the DfE
SSDA903 checks, which look every postcode up, can run on the demo's return. No child, carer
or address behind a postcode is real. Distances from home are computed from the postcodes'
grid references with the DfE's formula, as the validator computes them.

The shape follows the public IRO annual reports (docs/rules.md#annual-report): about 300
children looked after, about 60% boys, about 10% unaccompanied asylum-seeking children,
most of them on care orders and in foster care, with four years of history behind them
(children who left care, changes of placement and legal status, changes of IRO). The
SSDA903 details follow the DfE validator's rules for 2022/23 to 2025/26 (section 9).

Planning is pure: ``plan_children`` takes a ``random.Random`` and the pinned ``today`` and
returns plans. ``build`` then writes staff directly (there are no services for users,
teams or IRO profiles) and every child's record through ``children.services``, in a fixed
order, so the same seed and ``today`` give the same data. The services do not yet take the
SSDA903-only details (a reason for each change of placement, URNs, the date UASC status
ceases, motherhood, previous permanence), so ``record_ssda903_details`` writes those
directly once the services have recorded every child.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from iro_service import role_grants, roles

from . import demo_postcodes, services
from .ages import age_on
from .models import CareEpisode, Child, CoverArrangement, IROAllocation, IROProfile, SiblingGroup, Team
from .querysets import years_before

User = get_user_model()

LA_NAME = "Demoshire County Council (synthetic data)"
#: The ONS code of the real authority whose postcodes Demoshire borrows (Lincolnshire): pass it
#: to the SSDA903 validator as the local authority.
DEMO_LA_CODE = demo_postcodes.LA_CODE
#: The DfE's three-digit number of the same authority.
DEMO_LA_NUMBER = demo_postcodes.LA_NUMBER
#: Every demo account signs in with this password. It is published: never use it on real data.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (a published demo password, not a secret)
DEFAULT_SEED = 2026
DEFAULT_CHILDREN_IN_CARE = 300
HISTORY_YEARS = 4

#: Leavers over the four years, per child in care today (about a third leave each year).
LEAVERS_PER_CHILD_IN_CARE = 1.4
#: Supported accommodation for 16 and 17 year olds ("SUP" below) is H5 until 31 March 2025 and K3
#: (registered supported accommodation) from 1 April 2025. The DfE validator 0.1.17 rejects K3
#: in 2023/24 (not in its list) and in 2024/25 (its list spells it "k3"), and rejects H5 from
#: 2025/26, so the demo records K3 only from the 2025/26 year.
K3_FROM = date(2025, 4, 1)
#: H5 stays that begin in the 2023/24 year or later carry the provider's Ofsted URN (providers had
#: to register by 28 October 2023; validator rule 230 wants a URN on any H5 episode open on or
#: after 29 October 2023, and its 2022/23 rule 222 refuses one on H5).
H5_URN_FROM = date(2023, 4, 1)
#: A supported accommodation stay may not start before the first date of a pair and still be
#: open on the second: no H5 episode could be valid in both returns across those changes.
SUPPORTED_ACCOMMODATION_BREAKS = ((H5_URN_FROM, date(2023, 10, 29)), (K3_FROM, K3_FROM))


# --------------------------------------------------------------------------- staff


@dataclass(frozen=True)
class StaffMember:
    username: str
    first_name: str
    last_name: str
    role: str
    fte: Decimal | None = None
    team: str = ""
    is_staff: bool = False


NORTH_TEAM = "Demoshire North IRO team"
SOUTH_TEAM = "Demoshire South IRO team"

STAFF: tuple[StaffMember, ...] = (
    StaffMember("iro1", "Ruth", "Sampleton", roles.IRO, Decimal("1.00"), NORTH_TEAM),
    StaffMember("iro2", "Daniel", "Exampleby", roles.IRO, Decimal("1.00"), NORTH_TEAM),
    StaffMember("iro3", "Amira", "Testwood", roles.IRO, Decimal("1.00"), NORTH_TEAM),
    StaffMember("iro4", "Grace", "Demoford", roles.IRO, Decimal("1.00"), SOUTH_TEAM),
    StaffMember("iro5", "Kwame", "Mockridge", roles.IRO, Decimal("0.60"), SOUTH_TEAM),
    StaffMember("manager", "Helen", "Trialsworth", roles.IRO_MANAGER),
    StaffMember("committee", "Margaret", "Specimen", roles.COMMITTEE),
    StaffMember("admin", "Sam", "Fixture", roles.ADMINISTRATOR, is_staff=True),
)
IRO_STAFF = tuple(s for s in STAFF if s.role == roles.IRO)
MANAGER_USERNAME = "manager"

#: The cover in place today: iro2 holds iro4's caseload while iro4 is on leave.
COVER_ABSENT, COVER_COVERING = "iro4", "iro2"


# --------------------------------------------------------------------------- names


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BOYS = _words(
    "Oliver Harry Jack Charlie Leo Alfie Freddie Archie Theo Oscar Noah Jacob Riley Mason Tyler Kai "
    "Logan Ethan Lewis Connor Callum Kian Reece Liam Dylan Ryan Max Finley Toby Ellis Tommy Frankie "
    "Ronnie Arlo Louie Harley Jamie Bailey Thomas Alexander Samuel Joseph Daniel Kyle Brandon Aaron "
    "Zachary Elijah Corey Jenson"
)
GIRLS = _words(
    "Olivia Amelia Isla Ava Mia Ivy Lily Freya Ella Grace Poppy Evie Sophie Daisy Ruby Willow Millie "
    "Maisie Layla Chloe Jessica Lacey Kayla Megan Paige Skye Leah Holly Niamh Amber Esme Phoebe "
    "Darcie Summer Rosie Harper Scarlett Lola Elsie Elizabeth Katherine Courtney Demi Tia Keira "
    "Bethany Isabelle Macy Aria Hollie"
)
ASIAN_BOYS = ("Ayaan", "Zayn", "Hamza", "Ibrahim", "Arjun", "Rayan", "Yusuf", "Imran", "Aarav", "Bilal")
ASIAN_GIRLS = ("Aisha", "Zara", "Maryam", "Inaya", "Priya", "Amira", "Hafsa", "Noor", "Anaya", "Safa")
BLACK_BOYS = ("Malachi", "Tobi", "Kofi", "Marcus", "Joshua", "Isaiah", "Jayden", "Femi", "Kwesi", "Andre")
BLACK_GIRLS = ("Amara", "Nia", "Precious", "Kemi", "Tiana", "Abigail", "Chantelle", "Ama", "Imani", "Zuri")
UASC_BOYS = _words(
    "Ahmad Mohammad Abdul Hamid Omar Ali Yonas Dawit Filmon Bereket Hussein Karwan Rebin Arman Elton "
    "Klevis Yusuf Mustafa Abdullah Tesfay"
)
UASC_GIRLS = ("Helen", "Selam", "Ruta", "Maryam", "Zahra", "Fatima", "Senait", "Hawa")
UASC_SURNAMES = _words(
    "Ahmadi Rahimi Haile Tesfai Abdi Hassan Karimi Mohammadi Osman Yohannes Berhane Aziz Rashid "
    "Hussaini Gebre Salih Nuri Hoxha Krasniqi Amini"
)
#: Invented English-sounding surnames: a prefix and a suffix (e.g. "Brackthwaite").
SURNAME_PREFIXES = _words(
    "Brack Cobble Dapple Ember Fenn Gorse Heather Kestle Lark Marram Nettle Pebble Quill Rowan Sedge Teasel Wren Yarrow"
)
SURNAME_SUFFIXES = _words("by combe dale field ford ham hurst ley more stone thwaite well wick worth")
SURNAMES = tuple(p + s for p in SURNAME_PREFIXES for s in SURNAME_SUFFIXES)
PREFERRED_NAMES = {
    "Thomas": "Tom",
    "Alexander": "Alex",
    "Samuel": "Sam",
    "Joseph": "Joe",
    "Daniel": "Danny",
    "Zachary": "Zac",
    "Elizabeth": "Libby",
    "Katherine": "Katie",
    "Jessica": "Jess",
    "Isabelle": "Izzy",
}


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

# --------------------------------------------------------------------------- placements

FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
ADOPTION = ("A5", "A6")
#: Placements open only from a minimum age, or up to a maximum age (in whole years at the start).
MIN_AGE = {"K1": 10, "K2": 8, "S1": 8, "R1": 5, "SUP": 16, "H5": 16, "K3": 16}
MAX_AGE = {"U2": 1, "U5": 1, "R3": 0}
#: Placements that need a particular legal status.
LEGAL_STATUS_NEEDED = {"A5": {"E1"}, "A6": {"E1"}, "P1": {"C1", "C2"}}
NOT_FOR_UASC = {"P1", "U1", "U2", "U3", "U5", "R3", "A5", "A6"}
#: Changes of placement with the same carer (reason P, or T with a change of legal status).
SAME_CARER_BEFORE = {"U4": "U6", "U1": "U3", "A5": "U6"}

PROVIDERS = {
    "U1": {"PR1": 1},
    "U2": {"PR1": 1},
    "U3": {"PR1": 1},
    "U4": {"PR1": 55, "PR4": 40, "PR5": 5},
    "U5": {"PR1": 70, "PR4": 25, "PR5": 5},
    "U6": {"PR1": 55, "PR4": 40, "PR5": 5},
    "A5": {"PR1": 70, "PR5": 20, "PR2": 10},
    "A6": {"PR1": 70, "PR5": 20, "PR2": 10},
    "K1": {"PR2": 60, "PR1": 40},
    "K2": {"PR4": 72, "PR1": 22, "PR5": 6},
    "H5": {"PR4": 60, "PR5": 25, "PR1": 15},
    "K3": {"PR4": 60, "PR5": 25, "PR1": 15},
    "P1": {"PR0": 1},
    "R1": {"PR3": 50, "PR4": 50},
    "R3": {"PR4": 50, "PR5": 50},
    "S1": {"PR4": 60, "PR3": 20, "PR5": 20},
}
#: Chance that a placement of this type and provider is more than 20 miles from home.
FAR_CHANCE = {
    ("K2", "PR4"): 0.55,
    ("K2", "PR5"): 0.4,
    ("K2", "PR1"): 0.1,
    ("U4", "PR4"): 0.25,
    ("U5", "PR4"): 0.25,
    ("U6", "PR4"): 0.25,
}
FAR_CHANCE_BY_TYPE = {
    "A5": 0.35,
    "A6": 0.35,
    "S1": 0.6,
    "R1": 0.6,
    "R3": 0.5,
    "K1": 0.8,
    "H5": 0.2,
    "K3": 0.2,
    "U1": 0.15,
    "U3": 0.15,
    "P1": 0.0,
}
#: Near placements are 0.3 to 19.9 miles from home, mostly a few miles; far ones 20.5 to 160.
NEAR_MILES = (0.3, 19.9, 4.0)
FAR_MILES = (20.5, 160.0, 35.0)
SUPPORTED_ACCOMMODATION = ("H5", "K3")

#: Ofsted URNs (invented). Foster placements give the fostering service's URN: the council's own
#: for its carers, an independent agency's otherwise. Adoption placements go through the regional
#: adoption agency, which has none: XXXXXXX (validator rule 242). Placements with parents (P1)
#: and in residential care homes (R1) take no URN (rules 218 and 222); each children's home,
#: secure home, family centre, residential school and supported accommodation provider has its own.
OWN_FOSTERING_URN = "SC048317"
AGENCY_FOSTERING_URNS = ("SC036214", "SC041877", "SC059320", "SC063148", "SC067703", "SC379201", "SC413556")
NO_URN = ("P1", "R1")

#: Why a placement changed (REASON_PLACE_CHANGE, asked of the episode that ends with the move).
#: CUSTOD is left out: no demo child goes into custody.
MOVE_REASONS = {
    "CARPL": 38,
    "CREQB": 12,
    "CREQO": 9,
    "CHILD": 9,
    "STAND": 4,
    "ALLEG": 3,
    "CLOSE": 5,
    "APPRR": 2,
    "LAREQ": 6,
    "OTHER": 6,
}
#: A change of placement type with the same carer (T, U): mostly the placement's status only.
SAME_CARER_REASONS = {"PLACE": 70, "CARPL": 30}

#: Girls who were 15 or older when they first came into care and are already mothers.
MOTHER_SHARE = 0.15
#: Previous permanence (PrevPerm) of children with one period of care who came in aged 3 or
#: more: adoption, special guardianship or a child arrangements order that broke down.
PREVIOUS_PERMANENCE_SHARE = {"P1": 0.01, "P2": 0.02, "P3": 0.01}
#: The authorities that made those orders: Demoshire itself and its neighbours (DfE numbers).
PERMANENCE_LAS = {DEMO_LA_NUMBER: 6, "926": 1, "891": 1, "855": 1, "874": 1, "873": 1, "812": 1, "813": 1}

REALLOCATION_REASONS = (
    "Caseload balancing across the team",
    "Caseloads rebalanced after the team restructure",
    "IRO returned from extended leave",
    "Potential conflict of interest identified",
    "Young person asked for a different IRO",
)


# --------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class Placement:
    type: str
    provider: str
    postcode: str
    distance: Decimal | None
    urn: str = ""


@dataclass
class EpisodePlan:
    start: date
    reason: str
    legal_status: str
    placement: Placement
    #: Why the placement changed at the end of this episode (when the next one is P, B, T or U).
    reason_place_change: str = ""


@dataclass
class AllocationPlan:
    start: date
    iro: int
    reason: str


@dataclass
class PeriodPlan:
    start: date
    end: date | None
    reason_ceased: str
    category_of_need: str
    home_postcode: str
    episodes: list[EpisodePlan]
    allocations: list[AllocationPlan] = field(default_factory=list)


@dataclass
class ChildPlan:
    key: int
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    sex: str
    ethnicity: str
    upn: str
    is_uasc: bool
    sibling_group: str | None
    periods: list[PeriodPlan]
    local_reference: str = ""
    uasc_ceased_on: date | None = None
    is_mother: bool | None = None
    mother_child_dob: date | None = None
    previous_permanence: str = "Z1"
    previous_permanence_la: str = ""
    previous_permanence_date: str = ""

    @property
    def in_care(self) -> bool:
        return self.periods[-1].end is None


@dataclass
class _Draft:
    """A child in care today while their plan is being worked out."""

    key: int
    uasc: bool
    age: int
    sex: str = ""
    dob: date | None = None
    legal_status: str = ""
    start: date | None = None
    ethnicity: str = ""
    surname: str = ""
    home_postcode: str = ""
    group: int | None = None
    iro: int = 0
    periods: list[PeriodPlan] = field(default_factory=list)


# --------------------------------------------------------------------------- small helpers


def birthday(dob: date, years: int) -> date:
    """The day a child born on ``dob`` turns ``years`` (29 February birthdays fall on 1 March)."""
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return date(dob.year + years, 3, 1)


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def quota_counts(n: int, weights: dict) -> dict:
    """How many of ``n`` fall to each key in the proportions of ``weights`` (largest remainder)."""
    total = sum(weights.values())
    exact = {k: n * w / total for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    by_remainder = sorted(weights, key=lambda k: exact[k] - counts[k], reverse=True)
    for k in by_remainder[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def quota(rng: random.Random, n: int, weights: dict) -> list:
    """``n`` values in the proportions of ``weights``, in random order."""
    counts = quota_counts(n, weights)
    values = [k for k in weights for _ in range(counts[k])]
    rng.shuffle(values)
    return values


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _sample_days(rng: random.Random, buckets, lo: int, hi: int) -> int:
    """A number of days from ``buckets`` ((low, high, weight), ...) kept within [lo, hi]."""
    feasible = [(max(a, lo), min(b, hi), w) for a, b, w in buckets if max(a, lo) <= min(b, hi)]
    if not feasible:
        return max(0, min(lo, hi))
    a, b, _ = rng.choices(feasible, weights=[w for _, _, w in feasible])[0]
    return rng.randint(a, b)


def _dob_for_age(rng: random.Random, on: date, age: int, *, min_days: int = 7) -> date:
    """A date of birth for a child who is ``age`` on ``on``."""
    latest = years_before(on, age) if age else on - _days(min_days)
    earliest = years_before(on, age + 1) + _days(1)
    return earliest + _days(rng.randint(0, (latest - earliest).days))


#: Grid reference (easting, northing) of every postcode the demo uses.
GRID = {
    postcode: (easting, northing)
    for postcode, easting, northing, *_ in (
        demo_postcodes.HOME_POSTCODES + demo_postcodes.IN_AREA_POSTCODES + demo_postcodes.ELSEWHERE_POSTCODES
    )
}
IN_AREA = tuple(pc for pc, *_ in demo_postcodes.IN_AREA_POSTCODES)
ELSEWHERE = tuple(pc for pc, *_ in demo_postcodes.ELSEWHERE_POSTCODES)
PLACEMENT_AREAS = {"in": IN_AREA, "out": ELSEWHERE, "any": IN_AREA + ELSEWHERE}


def home_postcode(rng: random.Random) -> str:
    return rng.choice(demo_postcodes.HOME_POSTCODES)[0]


def miles_between(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Straight-line miles between two grid references, by the DfE's formula (as the validator)."""
    return math.hypot(a[0] - b[0], a[1] - b[1]) / 1000 / 1.6093


def upn(rng: random.Random, *, year_allocated: int) -> str:
    """A 13-character UPN with a correct check letter (DfE algorithm), from the fictional LA 999."""
    body = f"999{rng.randint(2000, 3999)}{year_allocated % 100:02d}{rng.randint(0, 999):03d}"
    total = sum(int(ch) * weight for ch, weight in zip(body, range(2, 14), strict=True))
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] + body


def under_school_age(dob: date, on: date) -> bool:
    """Whether a child born on ``dob`` may still be returned as UN1 (under school age, no UPN) in
    the collection year containing ``on``: validator rule 209 refuses UN1 once the child was 4 on
    31 August before the year began."""
    year_start = date(on.year if on.month >= 4 else on.year - 1, 4, 1)
    return birthday(dob, 4) > date(year_start.year - 1, 8, 31)


def _upn_for(rng: random.Random, *, dob: date, on: date, uasc: bool, used: set[str]) -> str:
    """A UPN, or the DfE's code for why there is none (the return may not leave it blank, rule 442).

    UN1: under school age. UN2: has never attended school in England (newly arrived
    unaccompanied children). UN5: the sources that collate UPNs hold none for the child. UN4
    (newly looked after in the last week of March) is not used: validator rule 210 refuses it
    for exactly those children. ``on`` is the last day the child is looked after (or today), so
    the code holds in every year's return the child is in.
    """
    if uasc:
        kind = _weighted(rng, {"upn": 35, "UN2": 50, "UN5": 15})
    elif under_school_age(dob, on):
        kind = "UN1"
    else:
        kind = _weighted(rng, {"upn": 90, "UN5": 10})
    if kind != "upn":
        return kind
    while True:
        value = upn(rng, year_allocated=birthday(dob, 4).year if not uasc else on.year)
        if value not in used:
            used.add(value)
            return value


def _first_name(rng: random.Random, *, sex: str, ethnicity: str, uasc: bool) -> tuple[str, str]:
    boy = sex == "M"
    if uasc:
        names = UASC_BOYS if boy else UASC_GIRLS
    elif ethnicity in ("AIND", "APKN", "ABAN", "AOTH") or (ethnicity == "MWAS" and rng.random() < 0.4):
        names = ASIAN_BOYS if boy else ASIAN_GIRLS
    elif ethnicity in ("BCRB", "BAFR", "BOTH") or (ethnicity in ("MWBC", "MWBA") and rng.random() < 0.4):
        names = BLACK_BOYS if boy else BLACK_GIRLS
    else:
        names = BOYS if boy else GIRLS
    first = rng.choice(names)
    preferred = PREFERRED_NAMES[first] if first in PREFERRED_NAMES and rng.random() < 0.5 else ""
    return first, preferred


# --------------------------------------------------------------------------- placements


def resolve_placement_code(code: str, on: date) -> str:
    """``SUP`` (supported accommodation for 16 and 17 year olds) is H5 before 2023/24 and K3 from then."""
    if code == "SUP":
        return "K3" if on >= K3_FROM else "H5"
    return code


def supported_accommodation_spans_a_break(start: date, end: date) -> bool:
    """Whether an H5 stay from ``start`` to ``end`` would cross one of ``SUPPORTED_ACCOMMODATION_BREAKS``."""
    return any(start < first and end >= second for first, second in SUPPORTED_ACCOMMODATION_BREAKS)


def placement_valid(code: str, *, legal_status: str, age: int, uasc: bool, on: date) -> bool:
    """Whether a child of ``age`` on ``legal_status`` could start placement ``code`` on ``on``."""
    if age < MIN_AGE.get(code, 0) or age > MAX_AGE.get(code, 99):
        return False
    if code in LEGAL_STATUS_NEEDED and legal_status not in LEGAL_STATUS_NEEDED[code]:
        return False
    if uasc and code in NOT_FOR_UASC:
        return False
    if code == "K3" and on < K3_FROM:
        return False
    return not (code == "H5" and on >= K3_FROM)


def placement_weights(*, age: int, legal_status: str, uasc: bool) -> dict[str, float]:
    """How likely each placement is for a child of ``age`` on ``legal_status``."""
    if legal_status == "E1":
        return {"A5": 30, "A6": 35, "U5": 8, "U4": 10, "U6": 17}
    if uasc:
        if age >= 16:
            return {"SUP": 48, "U6": 27, "U4": 17, "K2": 8}
        return {"U6": 55, "U4": 33, "K2": 12}
    if age < 1:
        return {"U6": 48, "U4": 4, "U3": 16, "U5": 12, "U2": 3, "P1": 9, "R3": 8}
    if age < 5:
        return {"U6": 40, "U4": 20, "U1": 8, "U3": 15, "U5": 3, "P1": 14}
    if age < 10:
        return {"U6": 27, "U4": 36, "U1": 12, "U3": 10, "P1": 10, "K2": 3, "R1": 1, "S1": 1}
    if age < 16:
        return {"U6": 20, "U4": 36, "U1": 8, "U3": 6, "P1": 6, "K2": 19, "S1": 2, "R1": 1, "K1": 0.5}
    return {"U6": 12, "U4": 30, "U1": 6, "U3": 3, "P1": 4, "K2": 15, "SUP": 27, "S1": 1, "R1": 1}


def _choose_placement_code(
    rng: random.Random,
    *,
    weights: dict[str, float] | None,
    dob: date,
    on: date,
    legal_status: str,
    uasc: bool,
    allow_adoption: bool = True,
    until: date | None = None,
    instead_of: str = "",
) -> str:
    """A placement for a child from ``on``: not supported accommodation if a stay from ``on`` to
    ``until`` would cross one of ``SUPPORTED_ACCOMMODATION_BREAKS``, and not back home (P1) when
    the move is ``instead_of`` a placement at home."""
    age = age_on(dob, on)
    excluded = {"P1"} if instead_of == "P1" else set()
    if until is not None and supported_accommodation_spans_a_break(on, until):
        excluded.add("SUP")
    for pool in (weights, placement_weights(age=age, legal_status=legal_status, uasc=uasc)):
        if not pool:
            continue
        valid = {
            code: w
            for code, w in pool.items()
            if (allow_adoption or code not in ADOPTION)
            and code not in excluded
            and placement_valid(resolve_placement_code(code, on), legal_status=legal_status, age=age, uasc=uasc, on=on)
        }
        if valid:
            return _weighted(rng, valid)
    return "U6"


def _far_chance(ptype: str, provider: str) -> float:
    if (ptype, provider) in FAR_CHANCE:
        return FAR_CHANCE[(ptype, provider)]
    return FAR_CHANCE_BY_TYPE.get(ptype, 0.05)


def _miles(value: float) -> Decimal:
    return Decimal(f"{value:.1f}")


def placement_area(ptype: str, provider: str) -> str:
    """Where a placement may be: "in" Demoshire, "out" of it, or "any".

    The authority's own provision other than fostering and adoption is inside it (validator rule
    1015), another authority's provision outside it, and supported accommodation inside it (from
    2025/26 rule 241 wants a K3 provider's placements in the authority).
    """
    if ptype in SUPPORTED_ACCOMMODATION:
        return "in"
    if provider == "PR2":
        return "out"
    if provider == "PR1" and ptype not in FOSTER + ADOPTION:
        return "in"
    return "any"


#: (home postcode, area) → the area's postcodes by distance from home; filled as needed.
_DISTANCES: dict[tuple[str, str], tuple[list[float], list[str]]] = {}


def _distances_from(home: str, area: str) -> tuple[list[float], list[str]]:
    """The postcodes of ``area`` and their miles from ``home`` (or the middle of the county),
    nearest first. Worked out once per home and area: the lists are constants."""
    key = (home, area)
    if key not in _DISTANCES:
        origin = GRID[home] if home else demo_postcodes.CENTRE
        pairs = sorted((miles_between(origin, GRID[postcode]), postcode) for postcode in PLACEMENT_AREAS[area])
        _DISTANCES[key] = ([d for d, _ in pairs], [postcode for _, postcode in pairs])
    return _DISTANCES[key]


def placement_postcode(rng: random.Random, *, home: str, far: bool, area: str, avoid: tuple[str, ...] = ()) -> str:
    """A placement postcode in ``area``, more than 20 miles from home if ``far``, else within 20.

    The distance aimed at is drawn from ``FAR_MILES`` or ``NEAR_MILES``; the postcode is one of
    the three whose distance comes closest to it on the right side of 20 miles (or closest at all
    where the area has none there), never home or one in ``avoid``. Children with no home
    postcode are placed relative to the middle of the county.
    """
    target = rng.triangular(*(FAR_MILES if far else NEAR_MILES))
    distances, postcodes = _distances_from(home, area)
    split = bisect.bisect_right(distances, 20.0)
    for low, high in ((split, len(distances)) if far else (0, split), (0, len(distances))):
        chosen: list[str] = []
        right = bisect.bisect_left(distances, target, low, high)
        left = right - 1
        while len(chosen) < 3 and (left >= low or right < high):
            if right >= high or (left >= low and target - distances[left] <= distances[right] - target):
                postcode, left = postcodes[left], left - 1
            else:
                postcode, right = postcodes[right], right + 1
            if postcode != home and postcode not in avoid:
                chosen.append(postcode)
        if chosen:
            return rng.choice(chosen)
    raise ValueError(f"no placement postcode in {area!r}")


def _stable_number(*parts: str, digits: int) -> int:
    """A number of ``digits`` digits that depends only on ``parts`` (no random draw)."""
    value = int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "big")
    return 10 ** (digits - 1) + value % (9 * 10 ** (digits - 1))


def placement_urn(ptype: str, provider: str, postcode: str, *, since: date) -> str:
    """The Ofsted URN returned for a placement that began on ``since`` (see ``OWN_FOSTERING_URN``)."""
    if ptype in NO_URN or (ptype == "H5" and since < H5_URN_FROM):
        return ""
    if ptype in ADOPTION:
        return "XXXXXXX"
    if ptype in FOSTER:
        if provider == "PR1":
            return OWN_FOSTERING_URN
        return AGENCY_FOSTERING_URNS[_stable_number(provider, postcode, digits=6) % len(AGENCY_FOSTERING_URNS)]
    if ptype in SUPPORTED_ACCOMMODATION:
        return str(_stable_number("supported", postcode, digits=7))  # registered from 2023: 7 digits
    return f"SC{_stable_number(ptype, postcode, digits=6)}"


def new_placement(
    rng: random.Random,
    code: str,
    *,
    on: date,
    home: str,
    provider: str | None = None,
    place: Placement | None = None,
    moving_from: str = "",
) -> Placement:
    """A placement of ``code`` from ``on``; with ``place``, at the same carer's address; never at
    ``moving_from``, the postcode of the placement the child moves from (or to)."""
    ptype = resolve_placement_code(code, on)
    if ptype == "P1":
        return Placement("P1", "PR0", home, Decimal("0.0") if home else None)
    provider = provider or _weighted(rng, PROVIDERS[ptype])
    if place is not None:
        return Placement(ptype, provider, place.postcode, place.distance)
    far = rng.random() < _far_chance(ptype, provider)
    postcode = placement_postcode(
        rng, home=home, far=far, area=placement_area(ptype, provider), avoid=(home, moving_from)
    )
    distance = _miles(miles_between(GRID[home], GRID[postcode])) if home else None
    return Placement(ptype, provider, postcode, distance)


def _with_reasons_and_urns(rng: random.Random, episodes: list[EpisodePlan]) -> list[EpisodePlan]:
    """Give each episode followed by a change of placement its reason, and each stay its URN.

    A stay is one placement across the episodes that share it (changes of legal status only);
    its URN depends on when it began (``placement_urn``).
    """
    urns: dict[int, Placement] = {}
    for e in episodes:
        p = e.placement
        if id(p) not in urns:
            urns[id(p)] = replace(p, urn=placement_urn(p.type, p.provider, p.postcode, since=e.start))
    for e, following in zip(episodes, episodes[1:], strict=False):
        if following.reason in ("T", "U"):
            e.reason_place_change = _weighted(rng, SAME_CARER_REASONS)
        elif following.reason in ("P", "B"):
            into_adoption = following.placement.type in ADOPTION
            e.reason_place_change = "CARPL" if into_adoption else _weighted(rng, MOVE_REASONS)
    for e in episodes:
        e.placement = urns[id(e.placement)]
    return episodes


# --------------------------------------------------------------------------- one period of care


def legal_path(rng: random.Random, final: str) -> list[str]:
    """The legal statuses a period of care goes through to reach ``final``."""
    if final == "C1":
        options = {("C1",): 70, ("V2", "C1"): 30}
    elif final == "C2":
        options = {("C1", "C2"): 60, ("V2", "C1", "C2"): 15, ("V2", "C2"): 10, ("C2",): 15}
    elif final == "E1":
        options = {("C1", "E1"): 50, ("C1", "C2", "E1"): 30, ("V2", "C1", "E1"): 20}
    else:
        options = {(final,): 1}
    return list(_weighted(rng, options))


def legal_timeline(rng: random.Random, path: list[str], *, start: date, stop: date) -> list[tuple[date, str]]:
    """(date, legal status) for each status of ``path`` that fits between ``start`` and ``stop``."""
    span = (stop - start).days
    durations = [rng.randint(*STAGE_DAYS[status]) for status in path[:-1]]
    while durations and sum(durations) > span - 1:
        if len(durations) > 1 or span < 3:
            path, durations = path[1:], durations[1:]
        else:
            durations = [max(1, int((span - 1) * rng.uniform(0.4, 0.8)))]
    timeline, day = [(start, path[0])], start
    for status, days in zip(path[1:], durations, strict=True):
        day += _days(days)
        timeline.append((day, status))
    return timeline


def _move_rate(age: int) -> float:
    """Changes of placement a year: young children are more settled than teenagers."""
    return 0.3 if age < 5 else 0.4 if age < 10 else 0.6


def _free_day(rng: random.Random, low: date, high: date, taken: set[date]) -> date | None:
    if low > high:
        return None
    for _ in range(20):
        day = low + _days(rng.randint(0, (high - low).days))
        if day not in taken:
            taken.add(day)
            return day
    return None


def plan_episodes(
    rng: random.Random,
    *,
    dob: date,
    start: date,
    stop: date,
    uasc: bool,
    final_legal_status: str,
    home: str,
    final_weights: dict[str, float] | None = None,
    legal: list[tuple[date, str]] | None = None,
) -> list[EpisodePlan]:
    """Episodes from ``start`` to ``stop`` (today for a child still in care, else the day care ended).

    Works backwards from the placement at ``stop``: each earlier episode either keeps the
    placement (a change of legal status only, L) or had a different one (P, B, T, U).
    """
    legal = legal or legal_timeline(rng, legal_path(rng, final_legal_status), start=start, stop=stop)
    latest = max(start, stop - _days(1))
    taken = {day for day, _ in legal}
    events: dict[date, str] = {day: "legal" for day, _ in legal[1:]}

    # Changes of placement: an early move from an emergency placement, then moves at the child's rate.
    years = (stop - start).days / 365.25
    moves = _poisson(rng, _move_rate(age_on(dob, start)) * min(years, 3.0))
    if (stop - start).days > 30 and rng.random() < 0.25:
        day = _free_day(rng, start + _days(1), min(start + _days(60), latest), taken)
        if day:
            events[day] = "move"
    for _ in range(moves):
        day = _free_day(rng, start + _days(1), latest, taken)
        if day:
            events[day] = "move"

    # The placement at the end, and a move into it if the child was too young for it (or not
    # yet under a placement order) when the last episode would otherwise have started.
    code = _choose_placement_code(
        rng, weights=final_weights, dob=dob, on=latest, legal_status=final_legal_status, uasc=uasc
    )
    last_change = max(events, default=start)
    lower = birthday(dob, MIN_AGE[code]) if code in MIN_AGE else start
    if code in ADOPTION:
        lower = max(lower, legal[-1][0] + _days(1))
    if code == "SUP":
        # e.g. an H5 stay still open on 1 April 2025: the move is into K3 from then instead
        lower = max([lower, *(first for first, second in SUPPORTED_ACCOMMODATION_BREAKS if stop >= second)])
    if lower > last_change:
        day = _free_day(rng, max(lower, last_change + _days(1)), latest, taken)
        if day:
            events[day] = "move"
        else:
            code = _choose_placement_code(
                rng,
                weights=None,
                dob=dob,
                on=last_change,
                legal_status=final_legal_status,
                uasc=uasc,
                allow_adoption=False,
                until=stop,
            )

    starts = [start, *sorted(events)]
    statuses, status_at = [], dict(legal)
    current = legal[0][1]
    for day in starts:
        current = status_at.get(day, current)
        statuses.append(current)

    placements: list[Placement] = [new_placement(rng, code, on=starts[-1], home=home)]
    reasons = ["S"]
    stay_ends = {id(placements[0]): stop}  # the day each placement ends
    for j in range(len(starts) - 2, -1, -1):
        after, on, status, until = placements[0], starts[j], statuses[j], starts[j + 1]
        age = age_on(dob, on)
        kind = events[until]
        before_code = SAME_CARER_BEFORE.get(after.type)
        same_carer_ok = before_code is not None and placement_valid(
            before_code, legal_status=status, age=age, uasc=uasc, on=on
        )

        def moved(after=after, on=on, status=status, until=until) -> Placement:
            """A placement with another carer, from which the child moved to ``after``."""
            pick = _choose_placement_code(
                rng,
                weights=None,
                dob=dob,
                on=on,
                legal_status=status,
                uasc=uasc,
                allow_adoption=False,
                until=until,
                instead_of=after.type,
            )
            return new_placement(rng, pick, on=on, home=home, moving_from=after.postcode)

        if kind == "legal":
            keep = placement_valid(after.type, legal_status=status, age=age, uasc=uasc, on=on) and not (
                after.type in SUPPORTED_ACCOMMODATION
                and supported_accommodation_spans_a_break(on, stay_ends[id(after)])
            )
            if keep and same_carer_ok and after.type != "A5" and rng.random() < 0.3:
                # e.g. the foster placement became long-term when the final care order was made
                before, reason = (
                    new_placement(rng, before_code, on=on, home=home, provider=after.provider, place=after),
                    "U",
                )
            elif keep and rng.random() >= 0.15:
                before, reason = after, "L"
            else:
                before, reason = moved(), "B"
        elif same_carer_ok and (after.type == "A5" or rng.random() < 0.35):
            provider = after.provider if after.type in FOSTER else None
            before, reason = new_placement(rng, before_code, on=on, home=home, provider=provider, place=after), "T"
        else:
            before, reason = moved(), "P"
        stay_ends.setdefault(id(before), until)
        placements.insert(0, before)
        reasons.insert(1, reason)
    return _with_reasons_and_urns(
        rng,
        [
            EpisodePlan(start=day, reason=reason, legal_status=status, placement=placement)
            for day, reason, status, placement in zip(starts, reasons, statuses, placements, strict=True)
        ],
    )


def plan_allocations(
    rng: random.Random, *, start: date, stop: date, final_iro: int, ftes: Sequence[float]
) -> list[AllocationPlan]:
    """The child's IROs in a period: mostly one throughout, sometimes a change or two."""
    span = (stop - start).days
    changes = 0
    if span > 240:
        r = rng.random()
        changes = 2 if r < 0.07 else 1 if r < 0.32 else 0
    taken: set[date] = set()
    days = sorted(d for d in (_free_day(rng, start + _days(60), stop - _days(1), taken) for _ in range(changes)) if d)
    iros = [final_iro]
    for _ in days:
        others = {i: ftes[i] for i in range(len(ftes)) if i != iros[0]}
        iros.insert(0, _weighted(rng, others))
    plans = [AllocationPlan(start, iros[0], "Became looked after")]
    plans += [
        AllocationPlan(day, iro, rng.choice(REALLOCATION_REASONS)) for day, iro in zip(days, iros[1:], strict=True)
    ]
    return plans


def _need(rng: random.Random, *, uasc: bool, episodes: list[EpisodePlan]) -> str:
    if uasc:
        return "N8" if rng.random() < 0.9 else "N4"
    if episodes[-1].placement.type in ("R1", "S1"):
        return "N2"
    return _weighted(rng, NEED_WEIGHTS)


def plan_previous_period(
    rng: random.Random, *, dob: date, before: date, home: str, iro: int, ftes: Sequence[float]
) -> PeriodPlan | None:
    """An earlier period of care that ended with the child going home, before ``before``."""
    room = (before - dob).days
    if room < 240:
        return None
    end = before - _days(rng.randint(45, min(540, room - 120)))
    start = end - _days(rng.randint(14, min(420, (end - dob).days - 1)))
    reason = _weighted(rng, {"E4A": 70, "E4B": 12, "E41": 10, "E8": 8})
    status = _weighted(rng, {"V2": 55, "C2": 30, "C1": 15})
    weights = {"P1": 1} if status != "V2" and rng.random() < 0.6 else None
    episodes = plan_episodes(
        rng, dob=dob, start=start, stop=end, uasc=False, final_legal_status=status, home=home, final_weights=weights
    )
    final_iro = iro if rng.random() < 0.5 else _weighted(rng, dict(enumerate(ftes)))
    return PeriodPlan(
        start=start,
        end=end,
        reason_ceased=reason,
        category_of_need=_need(rng, uasc=False, episodes=episodes),
        home_postcode=home,
        episodes=episodes,
        allocations=plan_allocations(rng, start=start, stop=end, final_iro=final_iro, ftes=ftes),
    )


# --------------------------------------------------------------------------- children in care today


def _pick_weighted(rng: random.Random, drafts: list[_Draft], n: int, weight) -> list[_Draft]:
    """``n`` drafts picked without replacement, each with probability in proportion to ``weight``."""
    pool = [d for d in drafts if weight(d) > 0]
    chosen = []
    for _ in range(min(n, len(pool))):
        d = rng.choices(pool, weights=[weight(x) for x in pool])[0]
        pool.remove(d)
        chosen.append(d)
    return chosen


def _e1_weight(d: _Draft) -> float:
    return {0: 1, 1: 4, 2: 5, 3: 4, 4: 3, 5: 1.5, 6: 0.7, 7: 0.3}.get(d.age, 0)


def _s20_weight(d: _Draft) -> float:
    return 1.5 if d.age == 0 else 0.5 if d.age < 5 else 0.6 if d.age < 10 else 1.0 if d.age < 16 else 2.0


def _ico_weight(d: _Draft) -> float:
    return 3 if d.age == 0 else 1.5 if d.age < 5 else 1 if d.age < 16 else 0.5


def plan_in_care(rng: random.Random, *, today: date, n: int, ftes: Sequence[float], upns: set[str]) -> list[ChildPlan]:
    """``n`` children looked after on ``today``, with their history."""
    n_uasc = round(n * UASC_SHARE)
    drafts = [_Draft(key=i, uasc=True, age=a) for i, a in enumerate(quota(rng, n_uasc, UASC_AGE_WEIGHTS))]
    bands = quota_counts(n, AGE_BAND_WEIGHTS)
    for d in drafts:
        band = next(b for b in bands if b[0] <= d.age <= b[1])
        bands[band] = max(0, bands[band] - 1)
    ages = []
    for (low, high), count in bands.items():
        weights = {a: (1 + (a - 10) * 0.08 if low == 10 else 1) for a in range(low, high + 1)}
        ages += [_weighted(rng, weights) for _ in range(count)]
    drafts += [_Draft(key=n_uasc + i, uasc=False, age=a) for i, a in enumerate(ages)]
    n = len(drafts)

    uasc = [d for d in drafts if d.uasc]
    others = [d for d in drafts if not d.uasc]
    uasc_boys = round(len(uasc) * UASC_BOYS_SHARE)
    for d, sex in zip(uasc, quota(rng, len(uasc), {"M": uasc_boys, "F": len(uasc) - uasc_boys}), strict=True):
        d.sex = sex
    other_boys = min(len(others), max(0, round(n * BOYS_SHARE) - uasc_boys))
    for d, sex in zip(others, quota(rng, len(others), {"M": other_boys, "F": len(others) - other_boys}), strict=True):
        d.sex = sex
    for d in drafts:
        d.dob = _dob_for_age(rng, today, d.age)

    # Legal status: UASC are accommodated under s20; placement orders for the youngest; the rest care orders.
    for d in uasc:
        d.legal_status = "V2"
    undecided = list(others)
    for status, weight in (("E1", _e1_weight), ("V2", _s20_weight), ("C1", _ico_weight)):
        wanted = round(n * LEGAL_STATUS_SHARE[status]) - (len(uasc) if status == "V2" else 0)
        for d in _pick_weighted(rng, undecided, wanted, weight):
            d.legal_status = status
            undecided.remove(d)
    for d in undecided:
        # A final care order takes months of proceedings: the youngest babies are still on interim orders.
        d.legal_status = "C2" if (today - d.dob).days >= 180 else "C1"

    for d in drafts:
        since_birth = (today - d.dob).days
        if d.uasc:
            days = _sample_days(rng, UASC_DURATIONS, 1, max(1, (today - birthday(d.dob, 13)).days))
        elif d.legal_status == "C1":
            days = _sample_days(rng, ((3, 500, 1),), 3, since_birth)
        elif d.legal_status == "E1":
            days = _sample_days(rng, ((200, 1100, 1),), 200, since_birth)
        elif d.legal_status == "V2":
            days = _sample_days(rng, S20_DURATIONS, 1, since_birth)
        else:
            days = _sample_days(rng, CARE_ORDER_DURATIONS, 150, since_birth)
        d.start = today - _days(min(days, since_birth))

    for d, ethnicity in zip(others, quota(rng, len(others), ETHNICITY_WEIGHTS), strict=True):
        d.ethnicity = ethnicity
    for d in uasc:
        d.ethnicity = _weighted(rng, UASC_ETHNICITY_WEIGHTS)
    for d in drafts:
        d.surname = rng.choice(UASC_SURNAMES if d.uasc else SURNAMES)
        d.home_postcode = "" if d.uasc else home_postcode(rng)

    groups = _form_sibling_groups(rng, others)
    units = [groups[g] for g in sorted(groups)] + [[d] for d in drafts if d.group is None]
    _assign_caseloads(rng, units, ftes)

    plans = []
    for unit in units:
        lead = unit[0]
        lead_period = _plan_open_period(rng, lead, today=today, ftes=ftes)
        for d in unit:
            d.periods = [lead_period if d is lead else _plan_sibling_period(rng, d, lead, lead_period, today=today)]
            if d.group is None and not d.uasc and rng.random() < 0.06:
                previous = plan_previous_period(
                    rng, dob=d.dob, before=d.start, home=d.home_postcode, iro=d.iro, ftes=ftes
                )
                if previous:
                    d.periods.insert(0, previous)
            plans.append(d)
    return [_child_plan(rng, d, today=today, upns=upns) for d in sorted(plans, key=lambda d: d.key)]


def _form_sibling_groups(rng: random.Random, drafts: list[_Draft]) -> dict[int, list[_Draft]]:
    """Brothers and sisters: same surname, home, start date and legal status."""
    groups: dict[int, list[_Draft]] = {}
    surnames_taken: set[str] = set()
    order = list(drafts)
    rng.shuffle(order)
    for lead in order:
        if lead.group is not None or rng.random() > 0.16:
            continue
        size = _weighted(rng, {2: 60, 3: 30, 4: 10})
        members = [lead]
        candidates = [
            d
            for d in drafts
            if d is not lead
            and d.group is None
            and d.legal_status == lead.legal_status
            and d.ethnicity == lead.ethnicity
            and d.dob <= lead.start
            and abs((d.dob - lead.dob).days) < 3650
        ]
        rng.shuffle(candidates)
        for d in candidates:
            # Brothers and sisters are born at least 11 months apart (no twins in Demoshire).
            if len(members) < size and all(abs((d.dob - m.dob).days) >= 330 for m in members):
                members.append(d)
        if len(members) < 2:
            continue
        # Each group has its own surname, so two families never share a group's name.
        if lead.surname in surnames_taken:
            lead.surname = rng.choice([s for s in SURNAMES if s not in surnames_taken])
        surnames_taken.add(lead.surname)
        for d in members:
            d.group = lead.key
            d.surname = lead.surname
            d.home_postcode = lead.home_postcode
            d.start = lead.start
        groups[lead.key] = members
    return groups


def _assign_caseloads(rng: random.Random, units: list[list[_Draft]], ftes: Sequence[float]) -> None:
    """Give each child (a sibling group together) an IRO, pro rata to FTE with a little variation."""
    total = sum(len(u) for u in units)
    targets = [total * f / sum(ftes) * rng.uniform(0.95, 1.05) for f in ftes]
    loads = [0] * len(ftes)
    order = list(units)
    rng.shuffle(order)
    order.sort(key=len, reverse=True)
    for unit in order:
        i = max(range(len(ftes)), key=lambda k: targets[k] - loads[k])
        loads[i] += len(unit)
        for d in unit:
            d.iro = i


def _plan_open_period(rng: random.Random, d: _Draft, *, today: date, ftes: Sequence[float]) -> PeriodPlan:
    episodes = plan_episodes(
        rng, dob=d.dob, start=d.start, stop=today, uasc=d.uasc, final_legal_status=d.legal_status, home=d.home_postcode
    )
    return PeriodPlan(
        start=d.start,
        end=None,
        reason_ceased="",
        category_of_need=_need(rng, uasc=d.uasc, episodes=episodes),
        home_postcode=d.home_postcode,
        episodes=episodes,
        allocations=plan_allocations(rng, start=d.start, stop=today, final_iro=d.iro, ftes=ftes),
    )


def _plan_sibling_period(rng: random.Random, d: _Draft, lead: _Draft, lead_period: PeriodPlan, *, today: date):
    """Placed with the lead sibling where their ages allow it, otherwise apart; same legal history."""
    together = rng.random() < 0.6 and all(
        placement_valid(
            e.placement.type, legal_status=e.legal_status, age=age_on(d.dob, e.start), uasc=False, on=e.start
        )
        for e in lead_period.episodes
    )
    if together:
        episodes = [replace(e) for e in lead_period.episodes]
    else:
        legal = [(e.start, e.legal_status) for e in lead_period.episodes if e.reason in ("S", "L", "U", "B")]
        episodes = plan_episodes(
            rng,
            dob=d.dob,
            start=d.start,
            stop=today,
            uasc=False,
            final_legal_status=d.legal_status,
            home=d.home_postcode,
            legal=legal,
        )
    return PeriodPlan(
        start=d.start,
        end=None,
        reason_ceased="",
        category_of_need=lead_period.category_of_need,
        home_postcode=d.home_postcode,
        episodes=episodes,
        allocations=[AllocationPlan(a.start, a.iro, a.reason) for a in lead_period.allocations],
    )


def _child_plan(rng: random.Random, d: _Draft, *, today: date, upns: set[str]) -> ChildPlan:
    return _finish_plan(
        rng,
        key=d.key,
        sex=d.sex,
        dob=d.dob,
        ethnicity=d.ethnicity,
        surname=d.surname,
        uasc=d.uasc,
        sibling_group=f"{d.surname} family" if d.group is not None else None,
        periods=d.periods,
        today=today,
        upns=upns,
    )


def _finish_plan(
    rng: random.Random, *, key, sex, dob, ethnicity, surname, uasc, sibling_group, periods, today, upns
) -> ChildPlan:
    first, preferred = _first_name(rng, sex=sex, ethnicity=ethnicity, uasc=uasc)
    on = periods[-1].end or today
    is_mother, mother_child_dob = _motherhood(rng, sex=sex, dob=dob, uasc=uasc, first_start=periods[0].start)
    permanence, permanence_la, permanence_date = _previous_permanence(rng, dob=dob, uasc=uasc, periods=periods)
    return ChildPlan(
        key=key,
        first_name=first,
        last_name=surname,
        preferred_name=preferred,
        date_of_birth=dob,
        sex=sex,
        ethnicity=ethnicity,
        upn=_upn_for(rng, dob=dob, on=on, uasc=uasc, used=upns),
        is_uasc=uasc,
        sibling_group=sibling_group,
        periods=periods,
        uasc_ceased_on=uasc_ceased_on(dob) if uasc and uasc_ceased_on(dob) <= today else None,
        is_mother=is_mother,
        mother_child_dob=mother_child_dob,
        previous_permanence=permanence,
        previous_permanence_la=permanence_la,
        previous_permanence_date=permanence_date,
    )


def uasc_ceased_on(dob: date) -> date:
    """SSDA903 DUC: an unaccompanied asylum-seeking child's status ceases on their 18th birthday
    (validator rules 205B and 304; a 29 February birthday counts as 28 February, as there). The
    demo records it once the birthday has passed: the importer refuses a date in the future."""
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:
        return date(dob.year + 18, 2, 28)


def _motherhood(
    rng: random.Random, *, sex: str, dob: date, uasc: bool, first_start: date
) -> tuple[bool | None, date | None]:
    """SSDA903 MOTHER and MC_DOB: asked of every girl; a few who came into care at 15 or older
    already have a baby. Boys are not asked (None).

    The record holds one answer for every year's return, and validator rule 625 refuses a
    child's date of birth after the end of the year (or after the last episode that ended in
    it), so the babies here were born before their mother first came into care.
    """
    if sex != "F":
        return None, None
    if uasc or age_on(dob, first_start) < 15 or rng.random() >= MOTHER_SHARE:
        return False, None
    earliest = max(birthday(dob, 15), first_start - _days(730))
    latest = first_start - _days(1)
    if earliest > latest:
        return False, None
    return True, earliest + _days(rng.randint(0, (latest - earliest).days))


def _previous_permanence(
    rng: random.Random, *, dob: date, uasc: bool, periods: list[PeriodPlan]
) -> tuple[str, str, str]:
    """SSDA903 PrevPerm (code, DfE number of the authority, date of the order as dd/mm/yyyy).

    Mostly Z1 (none). A few children came into care once, aged 3 or more, after an adoption,
    special guardianship order or child arrangements order broke down: the order was made
    between their first birthday and six months before they came in; sometimes only its month
    is known (zz for the day). The record holds one answer, so children with more than one
    period of care keep Z1 (rule 632 wants the order before the first episode of each return).
    """
    start = periods[0].start
    if uasc or len(periods) > 1 or age_on(dob, start) < 3:
        return "Z1", "", ""
    draw, code = rng.random(), "Z1"
    for option, share in PREVIOUS_PERMANENCE_SHARE.items():
        if draw < share:
            code = option
            break
        draw -= share
    if code == "Z1":
        return "Z1", "", ""
    earliest, latest = birthday(dob, 1), start - _days(182)
    made = earliest + _days(rng.randint(0, max(0, (latest - earliest).days)))
    day = "zz" if rng.random() < 0.25 else f"{made.day:02d}"
    return code, _weighted(rng, PERMANENCE_LAS), f"{day}/{made.month:02d}/{made.year}"


# --------------------------------------------------------------------------- children who left care


def plan_leaver(rng: random.Random, *, key: int, today: date, ftes: Sequence[float], upns: set[str]) -> ChildPlan:
    """A child whose (last) period of care ended in the four years before ``today``."""
    uasc = rng.random() < UASC_LEAVER_SHARE
    reason = _weighted(rng, UASC_EXIT_WEIGHTS if uasc else EXIT_WEIGHTS)
    group = "SGO" if reason in ("E45", "E46", "E47", "E48") else reason
    end = today - _days(rng.randint(1, HISTORY_YEARS * 365 + 1))
    at_eighteen = reason in AT_EIGHTEEN or (reason == "E8" and (uasc or rng.random() < 0.5))
    if at_eighteen:
        dob = years_before(end, 18)
        end = birthday(dob, 18)
    elif uasc:
        dob = _dob_for_age(rng, end, _weighted(rng, UASC_EXIT_AGE_WEIGHTS.get(group, {14: 1, 15: 2, 16: 3, 17: 3})))
    else:
        dob = _dob_for_age(rng, end, _weighted(rng, EXIT_AGE_WEIGHTS[group]))
    since_birth = (end - dob).days
    if uasc and at_eighteen:
        days = max(1, (end - birthday(dob, 14) - _days(rng.randint(0, 3 * 365))).days)
    elif uasc:
        days = _sample_days(rng, UASC_EXIT_DURATIONS[group], 1, max(1, (end - birthday(dob, 13)).days))
    elif at_eighteen:
        days = _sample_days(rng, IN_CARE_DURATIONS, 30, since_birth)
    elif reason in ("E11", "E12"):
        # adopted: in care long enough for a placement order and an adoptive placement
        days = _sample_days(rng, EXIT_DURATIONS[group], min(since_birth, 450), since_birth)
    else:
        days = _sample_days(rng, EXIT_DURATIONS[group], 1, since_birth)
    start = max(dob, end - _days(days))
    if start >= end:
        start = end - _days(1)

    if uasc:
        status = "V2"
    else:
        status = _weighted(rng, EXIT_LEGAL_STATUS.get("AT18" if at_eighteen else group, {"C2": 50, "V2": 50}))
    weights = EXIT_PLACEMENTS.get(reason)
    if reason in ("E4A", "E4B") and status in ("C1", "C2") and rng.random() < 0.6:
        weights = {"P1": 1}
    home = "" if uasc else home_postcode(rng)
    for _ in range(5):
        episodes = plan_episodes(
            rng, dob=dob, start=start, stop=end, uasc=uasc, final_legal_status=status, home=home, final_weights=weights
        )
        # an adopted child's last placement is for adoption (validator rule 390): plan again if not
        if reason not in ("E11", "E12") or episodes[-1].placement.type in ADOPTION:
            break
    iro = _weighted(rng, dict(enumerate(ftes)))
    periods = [
        PeriodPlan(
            start=start,
            end=end,
            reason_ceased=reason,
            category_of_need=_need(rng, uasc=uasc, episodes=episodes),
            home_postcode=home,
            episodes=episodes,
            allocations=plan_allocations(rng, start=start, stop=end, final_iro=iro, ftes=ftes),
        )
    ]
    if not uasc and rng.random() < 0.04:
        previous = plan_previous_period(rng, dob=dob, before=start, home=home, iro=iro, ftes=ftes)
        if previous:
            periods.insert(0, previous)
    if uasc:
        sex = "M" if rng.random() < UASC_BOYS_SHARE else "F"
        ethnicity = _weighted(rng, UASC_ETHNICITY_WEIGHTS)
        surname = rng.choice(UASC_SURNAMES)
    else:
        sex = "M" if rng.random() < 0.56 else "F"
        ethnicity = _weighted(rng, ETHNICITY_WEIGHTS)
        surname = rng.choice(SURNAMES)
    return _finish_plan(
        rng,
        key=key,
        sex=sex,
        dob=dob,
        ethnicity=ethnicity,
        surname=surname,
        uasc=uasc,
        sibling_group=None,
        periods=periods,
        today=today,
        upns=upns,
    )


# --------------------------------------------------------------------------- the whole authority


def plan_children(
    rng: random.Random, *, today: date, children_in_care: int = DEFAULT_CHILDREN_IN_CARE, ftes: Sequence[float]
) -> list[ChildPlan]:
    """Every child of the demo authority, in the order their records were opened, with references."""
    upns: set[str] = set()
    plans = plan_in_care(rng, today=today, n=children_in_care, ftes=ftes, upns=upns)
    offset = len(plans)
    plans += [
        plan_leaver(rng, key=offset + i, today=today, ftes=ftes, upns=upns)
        for i in range(round(children_in_care * LEAVERS_PER_CHILD_IN_CARE))
    ]
    plans.sort(key=lambda p: (p.periods[0].start, p.key))
    for number, plan in enumerate(plans, start=1):
        plan.local_reference = f"DEMO{number:04d}"
    return plans


def demo_data_present() -> bool:
    return User.objects.filter(username__in=[s.username for s in STAFF]).exists() or Child.objects.exists()


def create_staff() -> dict[str, object]:
    """The demo accounts, teams and IRO profiles. Accounts and profiles are written directly; each
    role is given through the server operator's path (``role_grants.role_grant_bootstrap``), as
    ``manage.py grant_role`` would, so the demo's roles are in the audit trail too."""
    roles.ensure_roles()
    password = make_password(DEMO_PASSWORD)  # one hash for all: the password is published anyway
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in (NORTH_TEAM, SOUTH_TEAM)}
    users = {}
    for member in STAFF:
        user = User.objects.create(
            username=member.username,
            first_name=member.first_name,
            last_name=member.last_name,
            email=f"{member.username}@demoshire.example",
            password=password,
            is_staff=member.is_staff,
            is_superuser=False,
        )
        role_grants.role_grant_bootstrap(user=user, role=member.role, reason="Demo account (seed_demo)")
        if member.fte is not None:
            IROProfile.objects.create(user=user, fte=member.fte, team=teams[member.team])
        users[member.username] = user
    return users


def write_child(plan: ChildPlan, *, by, iros: Sequence, today: date, sibling_groups: dict[str, SiblingGroup]) -> Child:
    """Record one planned child through the services, event by event in date order."""
    group = None
    if plan.sibling_group:
        group = sibling_groups.get(plan.sibling_group)
        if group is None:
            group = sibling_groups[plan.sibling_group] = SiblingGroup.objects.create(name=plan.sibling_group)
    child = None
    for period in plan.periods:
        first = period.episodes[0]
        facts = _episode_facts(first, period)
        if child is None:
            child = services.child_create(
                by=by,
                local_reference=plan.local_reference,
                first_name=plan.first_name,
                last_name=plan.last_name,
                preferred_name=plan.preferred_name,
                date_of_birth=plan.date_of_birth,
                sex=plan.sex,
                ethnicity=plan.ethnicity,
                upn=plan.upn,
                is_uasc=plan.is_uasc,
                sibling_group=group,
                looked_after_on=period.start,
                iro=iros[period.allocations[0].iro],
                today=today,
                **facts,
            )
        else:
            services.care_period_start(
                child=child, by=by, started_on=period.start, iro=iros[period.allocations[0].iro], today=today, **facts
            )
        events = [(e.start, 0, e) for e in period.episodes[1:]] + [(a.start, 1, a) for a in period.allocations[1:]]
        for _, kind, event in sorted(events, key=lambda x: (x[0], x[1])):
            if kind == 0:
                services.episode_change(
                    child=child,
                    by=by,
                    changed_on=event.start,
                    reason_new_episode=event.reason,
                    today=today,
                    **_episode_facts(event, period),
                )
            else:
                services.allocation_change(
                    child=child, by=by, iro=iros[event.iro], starts_on=event.start, reason=event.reason, today=today
                )
        if period.end is not None:
            services.care_period_end(
                child=child, by=by, ended_on=period.end, reason_ceased=period.reason_ceased, today=today
            )
    return child


def record_ssda903_details(written: dict[int, ChildPlan]) -> None:
    """The SSDA903 details the services do not take yet, for every child written (id → plan),
    straight to the rows: the date an unaccompanied child's UASC status ceases, each child's
    motherhood and previous permanence, each episode's URN and the reason for the change of
    placement that ended it."""
    children = list(Child.objects.filter(pk__in=written))
    for child in children:
        plan = written[child.pk]
        child.uasc_ceased_on = plan.uasc_ceased_on
        child.is_mother = plan.is_mother
        child.mother_child_dob = plan.mother_child_dob
        child.previous_permanence = plan.previous_permanence
        child.previous_permanence_la = plan.previous_permanence_la
        child.previous_permanence_date = plan.previous_permanence_date
    Child.objects.bulk_update(
        children,
        [
            "uasc_ceased_on",
            "is_mother",
            "mother_child_dob",
            "previous_permanence",
            "previous_permanence_la",
            "previous_permanence_date",
        ],
        batch_size=500,
    )
    rows: dict[int, list[CareEpisode]] = {}
    for row in CareEpisode.objects.filter(child_id__in=written).order_by("child_id", "started_on", "pk"):
        rows.setdefault(row.child_id, []).append(row)
    for child_id, episodes in rows.items():
        planned = [e for period in written[child_id].periods for e in period.episodes]
        for row, e in zip(episodes, planned, strict=True):
            row.urn = e.placement.urn
            row.reason_place_change = e.reason_place_change
    CareEpisode.objects.bulk_update(
        [row for episodes in rows.values() for row in episodes], ["urn", "reason_place_change"], batch_size=500
    )


def _episode_facts(episode: EpisodePlan, period: PeriodPlan) -> dict:
    return {
        "legal_status": episode.legal_status,
        "placement_type": episode.placement.type,
        "placement_provider": episode.placement.provider,
        "category_of_need": period.category_of_need,
        "placement_postcode": episode.placement.postcode,
        "home_postcode": period.home_postcode,
        "distance_from_home_miles": episode.placement.distance,
    }


@dataclass
class DemoResult:
    users: dict
    children: int


def build(*, rng: random.Random, today: date, children_in_care: int = DEFAULT_CHILDREN_IN_CARE) -> DemoResult:
    """Create the whole demo authority. Call inside ``transaction.atomic()`` on an empty database."""
    users = create_staff()
    iros = [users[s.username] for s in IRO_STAFF]
    ftes = [float(s.fte) for s in IRO_STAFF]
    manager = users[MANAGER_USERNAME]
    plans = plan_children(rng, today=today, children_in_care=children_in_care, ftes=ftes)
    sibling_groups: dict[str, SiblingGroup] = {}
    written = {
        write_child(plan, by=manager, iros=iros, today=today, sibling_groups=sibling_groups).pk: plan for plan in plans
    }
    record_ssda903_details(written)
    # A fortnight's leave last year, and the cover in place today (return date not yet known).
    services.cover_grant(
        by=manager,
        absent_iro=users["iro1"],
        covering_iro=users["iro3"],
        starts_on=today - _days(200),
        ends_on=today - _days(187),
        reason="Annual leave",
    )
    services.cover_grant(
        by=manager,
        absent_iro=users[COVER_ABSENT],
        covering_iro=users[COVER_COVERING],
        starts_on=today - _days(6),
        ends_on=None,
        reason="Leave; return date to be confirmed",
    )
    return DemoResult(users=users, children=len(plans))


# --------------------------------------------------------------------------- what was built


def summary(*, today: date) -> dict:
    """Figures about the demo authority on ``today``, for the command to print."""
    in_care = list(Child.objects.in_care().order_by("pk"))
    open_episodes = {e.child_id: e for e in CareEpisode.objects.open()}
    window_start = years_before(today, HISTORY_YEARS)
    year_start = years_before(today, 1)
    episodes_by_child: dict[int, list[CareEpisode]] = {}
    for e in CareEpisode.objects.order_by("child_id", "started_on", "pk"):
        episodes_by_child.setdefault(e.child_id, []).append(e)
    three_or_more = 0
    for child in in_care:
        in_year = [e for e in episodes_by_child[child.pk] if e.ended_on is None or e.ended_on > year_start]
        placements = len(in_year) - sum(1 for e in in_year if e.started_on > year_start and e.reason_new_episode == "L")
        three_or_more += placements >= 3
    bands = {"under 1": (0, 0), "1-4": (1, 4), "5-9": (5, 9), "10-15": (10, 15), "16-17": (16, 17)}
    ages = [c.age_on(today) for c in in_care]
    legal: dict[str, int] = {}
    placement_groups: dict[str, int] = {}
    for child in in_care:
        e = open_episodes[child.pk]
        key = {"C1": "care order", "C2": "care order", "V2": "section 20", "E1": "placement order"}.get(
            e.legal_status, e.legal_status
        )
        legal[key] = legal.get(key, 0) + 1
        group = (
            "foster care"
            if e.placement_type in FOSTER
            else ("placed for adoption" if e.placement_type in ADOPTION else e.placement_type)
        )
        placement_groups[group] = placement_groups.get(group, 0) + 1
    return {
        "children": Child.objects.count(),
        "in_care": len(in_care),
        "left_care": CareEpisode.objects.exclude(reason_ceased__in=["", "X1"])
        .filter(ended_on__gte=window_start)
        .count(),
        "reentered": sum(1 for eps in episodes_by_child.values() if sum(e.reason_new_episode == "S" for e in eps) > 1),
        "uasc": sum(c.is_uasc for c in in_care),
        "boys": sum(c.sex == "M" for c in in_care),
        "ages": {name: sum(lo <= a <= hi for a in ages) for name, (lo, hi) in bands.items()},
        "legal": dict(sorted(legal.items(), key=lambda kv: -kv[1])),
        "placements": dict(sorted(placement_groups.items(), key=lambda kv: -kv[1])),
        "far_from_home": sum(open_episodes[c.pk].is_far_from_home for c in in_care),
        "three_or_more_placements": three_or_more,
        "sibling_groups": SiblingGroup.objects.count(),
        "in_sibling_groups": Child.objects.filter(sibling_group__isnull=False).count(),
        "episodes": CareEpisode.objects.count(),
        "allocations": IROAllocation.objects.count(),
        "reallocations": IROAllocation.objects.exclude(reason="Became looked after").count(),
        "cover_from": CoverArrangement.objects.active(on=today).order_by("starts_on").last().starts_on,
        "caseloads": [
            (p.user.username, p.user.get_full_name(), p.fte, p.caseload, p.band)
            for p in IROProfile.objects.with_caseload(on=today).order_by("user__username")
        ],
    }
