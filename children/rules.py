"""Rules about a child's details and their periods of care that every writer applies: the forms,
the services (directly, or through ``Child.clean``), the SSDA903 import and the demo. Each rule is
written once, here, as a pure function returning what it finds ``Broken``; each caller words the
answer for its reader (a form names the field; a service names the child; the import names the
SSDA903 column).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from . import codes
from .ages import eighteenth_birthday


@dataclass(frozen=True)
class Broken:
    """One rule a set of facts breaks: the field it belongs to, a code, and the form's words."""

    field: str
    code: str
    message: str


def motherhood_broken(
    *, sex: str | None, is_mother: bool | None, mother_child_dob: date | None, date_of_birth: date | None
) -> list[Broken]:
    """SSDA903 MOTHER and MC_DOB (docs/rules.md#ssda903): the question is asked of girls, so a
    boy's answer stays not known; her child's date of birth is given only for a mother, and her
    child is born after her."""
    broken = []
    if sex == codes.Sex.MALE and is_mother is not None:
        broken.append(Broken("is_mother", "boy", "Choose not known for a boy: the question is asked of girls"))
    if mother_child_dob and is_mother is not True:
        broken.append(
            Broken("mother_child_dob", "not-a-mother", "Give her child's date of birth only if she is a mother")
        )
    if mother_child_dob and date_of_birth and mother_child_dob <= date_of_birth:
        broken.append(
            Broken("mother_child_dob", "born-before-mother", "Her child's date of birth must be after her own")
        )
    return broken


def episode_start_broken(*, date_of_birth: date, started_on: date) -> list[Broken]:
    """An episode of care, a new period or a change within one, starts on or after the child's
    birth and before their 18th birthday (docs/rules.md#turning-18: a person stops being looked
    after at 18, and nobody starts to be looked after at 18 or over, DfE rule 352)."""
    if started_on < date_of_birth:
        return [Broken("started_on", "before-birth", "The episode cannot start before the child's date of birth")]
    birthday = eighteenth_birthday(date_of_birth)
    if started_on >= birthday:
        return [Broken("started_on", "at-18", f"The child turned 18 on {birthday:%-d %B %Y}: care has ended")]
    return []


def episode_end_broken(*, date_of_birth: date, ended_on: date) -> list[Broken]:
    """Care ends on the 18th birthday at the latest (docs/rules.md#turning-18)."""
    birthday = eighteenth_birthday(date_of_birth)
    if ended_on > birthday:
        return [Broken("ended_on", "after-18", f"Care ends on the 18th birthday ({birthday:%-d %B %Y}) at the latest")]
    return []


def new_period_broken(*, started_on: date, previous_ended_on: date | None) -> list[Broken]:
    """A new period of care (reason S) starts after the previous one ended. Starting again the day
    it ended is continuous care, not a new period (DfE rule 431; docs/rules.md#periods-of-care),
    so the review clock does not restart."""
    if previous_ended_on is None or started_on > previous_ended_on:
        return []
    if started_on < previous_ended_on:
        return [Broken("started_on", "before-previous-end", "The new period starts before the last one ended")]
    return [Broken("started_on", "continuous-care", "Starting again the same day is continuous care, not a new period")]


def cover_broken(
    *, absent_iro_id: int | None, covering_iro_id: int | None, starts_on: date | None, ends_on: date | None
) -> list[Broken]:
    """Cover ends on or after the day it starts, and an IRO covers another IRO's caseload, not
    their own (docs/rules.md#people; the database refuses both too). A fact not known yet (None)
    breaks nothing."""
    broken = []
    if starts_on and ends_on and ends_on < starts_on:
        broken.append(Broken("ends_on", "ends-before-start", "Cover must end on or after the day it starts"))
    if absent_iro_id is not None and absent_iro_id == covering_iro_id:
        broken.append(Broken("covering_iro", "own-caseload", "An IRO cannot cover their own caseload"))
    return broken
