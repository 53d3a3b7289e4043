"""Caseload bands (IRO Handbook 2010, quoted in docs/rules.md#people and docs/sources.md).

A full-time IRO should hold 50 to 70 children; part-time IROs pro rata to their FTE,
so an IRO on 0.6 FTE has a band of 30 to 42. Pure functions: no Django imports.
"""

from __future__ import annotations

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


def caseload_status(caseload: int, fte: Decimal | float | str) -> CaseloadStatus:
    low, high = caseload_band(fte)
    if caseload < low:
        return CaseloadStatus.UNDER
    if caseload > high:
        return CaseloadStatus.OVER
    return CaseloadStatus.WITHIN
