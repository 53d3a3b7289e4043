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
