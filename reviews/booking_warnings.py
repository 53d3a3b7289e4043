"""What an IRO should know before booking a review on a date: warnings, never refusals.

A review booked after its due date is late (docs/rules.md#review-timescales); a weekend, a bank
holiday or one of the authority's closure days is not a working day (docs/rules.md#working-days);
and the chair may already have a review that day. The IRO may still book (a carer's only free
day may be a Saturday), so the booking page shows these and asks them to confirm.

Pure functions: nothing here reads the database or the clock. The booking page gathers the facts
(``reviews.services.booking.booking_facts``) and passes them in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

#: How long a review lasts when no length is given (``Review.duration_minutes``).
DEFAULT_MINUTES = 90


@dataclass(frozen=True)
class OtherBooking:
    """Another booked review of the same chair: only its day and time, never whose it is (the
    person booking may be covering, and may not see the chair's other children)."""

    day: date
    starts_at: time | None = None
    duration_minutes: int = DEFAULT_MINUTES


@dataclass(frozen=True)
class BookingWarning:
    kind: str  # "late", "weekend", "bank_holiday", "closure", "clash"
    text: str


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _overlaps(start: time, minutes: int, other_start: time, other_minutes: int) -> bool:
    """Two meetings on one day overlap when each starts before the other ends."""
    a, b = _minutes(start), _minutes(other_start)
    return a < b + other_minutes and b < a + minutes


def _span(start: time, minutes: int) -> str:
    end = (datetime.combine(date.min, start) + timedelta(minutes=minutes)).time()
    return f"{start:%H:%M} to {end:%H:%M}"


def booking_warnings(
    day: date,
    *,
    due_on: date | None,
    bank_holidays: Collection[date] = (),
    closures: Mapping[date, str] | None = None,
    starts_at: time | None = None,
    duration_minutes: int = DEFAULT_MINUTES,
    others: Sequence[OtherBooking] = (),
) -> list[BookingWarning]:
    """The warnings for booking a review on ``day``: after ``due_on``; on a Saturday or Sunday;
    on a bank holiday in England (``bank_holidays``) or a closure day (``closures``, day to
    reason); on a day the chair has another review (``others``), and at an overlapping time
    when both reviews have a start time."""
    closures = closures or {}
    warnings = []
    if due_on is not None and day > due_on:
        late = (day - due_on).days
        warnings.append(
            BookingWarning(
                "late",
                f"{day:%-d %B %Y} is after the review is due ({due_on:%-d %B %Y}): "
                f"it would be {late} day{'s' if late != 1 else ''} late.",
            )
        )
    if day.weekday() >= 5:
        warnings.append(BookingWarning("weekend", f"{day:%-d %B %Y} is a {day:%A}."))
    if day in bank_holidays:
        warnings.append(BookingWarning("bank_holiday", f"{day:%-d %B %Y} is a bank holiday."))
    if day in closures:
        warnings.append(BookingWarning("closure", f"The service is closed on {day:%-d %B %Y}: {closures[day]}."))
    for other in others:
        if other.day != day:
            continue
        if starts_at is not None and other.starts_at is not None:
            if _overlaps(starts_at, duration_minutes, other.starts_at, other.duration_minutes):
                span = _span(other.starts_at, other.duration_minutes)
                warnings.append(BookingWarning("clash", f"The chair has another review at the same time ({span})."))
        else:
            when = f" ({_span(other.starts_at, other.duration_minutes)})" if other.starts_at else ""
            warnings.append(BookingWarning("clash", f"The chair has another review booked that day{when}."))
    return warnings


def is_early_after_change(day: date, *, due_on: date | None, changes_since_last_review: int) -> bool:
    """A review booked before its due date while there is a significant change since the last
    review (or one not yet acknowledged) is an early review after a significant change
    (docs/rules.md#significant-changes: the IRO may bring the next review forward)."""
    return changes_since_last_review > 0 and (due_on is None or day < due_on)
