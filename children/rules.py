"""Rules about a child's own details and care that every writer applies: the forms, the services
(some through ``Child.clean``), the SSDA903 import and the demo. Each rule is written once, here, and each
caller words the answer for its reader (a form names the field; the import names the SSDA903
column).
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


def too_old_to_start(*, date_of_birth: date, started_on: date) -> bool:
    """Nobody starts to be looked after, or starts an episode of care, on or after their 18th
    birthday (docs/rules.md#turning-18; the DfE rejects it as rule 352)."""
    return started_on >= eighteenth_birthday(date_of_birth)


def ends_after_eighteen(*, date_of_birth: date, ended_on: date | None) -> bool:
    """Care ends on the 18th birthday at the latest (docs/rules.md#turning-18)."""
    return ended_on is not None and ended_on > eighteenth_birthday(date_of_birth)


def restarts_same_day(*, previous_ended_on: date | None, started_on: date) -> bool:
    """A new period of care (RNE S) that starts on the day the previous episode ceased is
    continuous care, not a new period (docs/rules.md#periods-of-care; DfE rule 431)."""
    return previous_ended_on is not None and started_on == previous_ended_on
