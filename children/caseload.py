"""Caseload bands (IRO Handbook 2010, quoted in docs/rules.md#people and docs/sources.md).

A full-time IRO should hold 50 to 70 children; part-time IROs pro rata to their FTE,
so an IRO on 0.6 FTE has a band of 30 to 42. Pure functions: no Django imports.

An IRO who also chairs child protection conferences (or a child protection chair) holds two
kinds of work; the band weighs both: looked-after children plus ``CP_CASE_WEIGHT`` times the
children on child protection work (docs/rules.md#caseloads, issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

FULL_TIME_BAND = (50, 70)


class CaseloadStatus(StrEnum):
    UNDER = "under"
    WITHIN = "within"
    OVER = "over"


def caseload_band(fte: Decimal | float | str) -> tuple[int, int]:
    """The (lowest, highest) number of children for an IRO on ``fte``, rounded half up."""
    fte = Decimal(str(fte))
    if not Decimal("0") < fte <= Decimal("1"):
        raise ValueError(f"FTE must be more than 0 and at most 1, not {fte}")
    low, high = (int((Decimal(limit) * fte).quantize(Decimal("1"), rounding=ROUND_HALF_UP)) for limit in FULL_TIME_BAND)
    return low, high


def caseload_status(caseload: int | Decimal, fte: Decimal | float | str) -> CaseloadStatus:
    low, high = caseload_band(fte)
    if caseload < low:
        return CaseloadStatus.UNDER
    if caseload > high:
        return CaseloadStatus.OVER
    return CaseloadStatus.WITHIN


def weighted_caseload(looked_after: int, child_protection: int, *, weight: Decimal | str) -> Decimal:
    """Looked-after children plus ``weight`` times the children on child protection work: the
    number compared with the band (docs/rules.md#caseloads)."""
    return Decimal(looked_after) + Decimal(str(weight)) * Decimal(child_protection)


@dataclass(frozen=True)
class Caseload:
    """One person's load: the looked-after children they hold, the children whose conferences
    they chair and the families those children belong to, against the band for ``fte``."""

    looked_after: int
    child_protection: int = 0
    families: int = 0
    fte: Decimal = Decimal("1.00")
    weight: Decimal = Decimal("1.0")

    @property
    def weighted(self) -> Decimal:
        return weighted_caseload(self.looked_after, self.child_protection, weight=self.weight)

    @property
    def band(self) -> tuple[int, int]:
        return caseload_band(self.fte)

    @property
    def status(self) -> CaseloadStatus:
        return caseload_status(self.weighted, self.fte)

    @property
    def weighted_text(self) -> str:
        """``15`` or ``15.5``: the weighted count without trailing zeros."""
        text = f"{self.weighted.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"
        return text.removesuffix(".0")
