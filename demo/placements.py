"""Placements: which a child may have (age, legal status, the SSDA903 codes in force on the
day), how likely each is, where, with which provider and Ofsted URN, and why it changed
(docs/rules.md#ssda903)."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

from children.ages import age_on

from .draw import weighted
from .places import GRID, miles, miles_between, placement_postcode
from .plans import EpisodePlan, Placement

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


def choose_placement_code(
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
            return weighted(rng, valid)
    return "U6"


def _far_chance(ptype: str, provider: str) -> float:
    if (ptype, provider) in FAR_CHANCE:
        return FAR_CHANCE[(ptype, provider)]
    return FAR_CHANCE_BY_TYPE.get(ptype, 0.05)


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
    provider = provider or weighted(rng, PROVIDERS[ptype])
    if place is not None:
        return Placement(ptype, provider, place.postcode, place.distance)
    far = rng.random() < _far_chance(ptype, provider)
    postcode = placement_postcode(
        rng, home=home, far=far, area=placement_area(ptype, provider), avoid=(home, moving_from)
    )
    distance = miles(miles_between(GRID[home], GRID[postcode])) if home else None
    return Placement(ptype, provider, postcode, distance)


def with_reasons_and_urns(rng: random.Random, episodes: list[EpisodePlan]) -> list[EpisodePlan]:
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
            e.reason_place_change = weighted(rng, SAME_CARER_REASONS)
        elif following.reason in ("P", "B"):
            into_adoption = following.placement.type in ADOPTION
            e.reason_place_change = "CARPL" if into_adoption else weighted(rng, MOVE_REASONS)
    for e in episodes:
        e.placement = urns[id(e.placement)]
    return episodes
