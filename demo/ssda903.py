"""The SSDA903-only details of a demo child (docs/rules.md#ssda903): the UPN or the reason for
none, the day UASC status ceases, motherhood and previous permanence."""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING

from children.ages import age_on

from .draw import birthday, in_days, weighted
from .shape import DEMO_LA_NUMBER

if TYPE_CHECKING:
    from .plans import PeriodPlan

#: Girls who were 15 or older when they first came into care and are already mothers.
MOTHER_SHARE = 0.15
#: Previous permanence (PrevPerm) of children with one period of care who came in aged 3 or
#: more: adoption, special guardianship or a child arrangements order that broke down.
PREVIOUS_PERMANENCE_SHARE = {"P1": 0.01, "P2": 0.02, "P3": 0.01}
#: The authorities that made those orders: Demoshire itself and its neighbours (DfE numbers).
PERMANENCE_LAS = {DEMO_LA_NUMBER: 6, "926": 1, "891": 1, "855": 1, "874": 1, "873": 1, "812": 1, "813": 1}


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


def upn_for(rng: random.Random, *, dob: date, on: date, uasc: bool, used: set[str]) -> str:
    """A UPN, or the DfE's code for why there is none (the return may not leave it blank, rule 442).

    UN1: under school age. UN2: has never attended school in England (newly arrived
    unaccompanied children). UN5: the sources that collate UPNs hold none for the child. UN4
    (newly looked after in the last week of March) is not used: validator rule 210 refuses it
    for exactly those children. ``on`` is the last day the child is looked after (or today), so
    the code holds in every year's return the child is in.
    """
    if uasc:
        kind = weighted(rng, {"upn": 35, "UN2": 50, "UN5": 15})
    elif under_school_age(dob, on):
        kind = "UN1"
    else:
        kind = weighted(rng, {"upn": 90, "UN5": 10})
    if kind != "upn":
        return kind
    while True:
        value = upn(rng, year_allocated=birthday(dob, 4).year if not uasc else on.year)
        if value not in used:
            used.add(value)
            return value


def uasc_ceased_on(dob: date) -> date:
    """SSDA903 DUC: an unaccompanied asylum-seeking child's status ceases on their 18th birthday
    (validator rules 205B and 304; a 29 February birthday counts as 28 February, as there). The
    demo records it once the birthday has passed: the importer refuses a date in the future."""
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:
        return date(dob.year + 18, 2, 28)


def motherhood(
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
    earliest = max(birthday(dob, 15), first_start - in_days(730))
    latest = first_start - in_days(1)
    if earliest > latest:
        return False, None
    return True, earliest + in_days(rng.randint(0, (latest - earliest).days))


def permanence_before(rng: random.Random, *, dob: date, uasc: bool, periods: list[PeriodPlan]) -> tuple[str, str, str]:
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
    earliest, latest = birthday(dob, 1), start - in_days(182)
    made = earliest + in_days(rng.randint(0, max(0, (latest - earliest).days)))
    day = "zz" if rng.random() < 0.25 else f"{made.day:02d}"
    return code, weighted(rng, PERMANENCE_LAS), f"{day}/{made.month:02d}/{made.year}"
