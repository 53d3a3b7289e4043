"""The local authority's working-day calendar: England's bank holidays plus closure days."""

from __future__ import annotations

from datetime import date, timedelta

from .deadlines import england_bank_holidays
from .models import ClosureDay

#: How far past the last date a calculation needs non-working days (first review: 20 working
#: days, record: 20 working days; 3 months of calendar days is ample).
HORIZON = timedelta(days=120)


def non_working_days(start: date, end: date) -> frozenset[date]:
    """Bank holidays in England and the authority's closure days from ``start`` to ``end + HORIZON``."""
    end = end + HORIZON
    closures = ClosureDay.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True)
    return england_bank_holidays(start, end) | frozenset(closures)


def statutory_non_working_days(start: date, end: date) -> frozenset[date]:
    """reg 2: Saturdays, Sundays, Christmas Day, Good Friday and bank holidays in England, from
    ``start`` to ``end + HORIZON``. The authority's closure days never move a statutory date
    (docs/rules.md#review-timescales)."""
    return england_bank_holidays(start, end + HORIZON)


def local_non_working_days(start: date, end: date) -> frozenset[date]:
    """Non-working days for the authority's own local targets (record distribution, dispute
    responses): bank holidays, plus its closure days when ``CLOSURE_DAYS_MOVE_LOCAL_TARGETS`` is on."""
    from django.conf import settings

    if getattr(settings, "CLOSURE_DAYS_MOVE_LOCAL_TARGETS", False):
        return non_working_days(start, end)
    return statutory_non_working_days(start, end)
