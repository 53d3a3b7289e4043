"""A child's whole review chain, with the reason for every date, as one pure function.

``review_chain(facts, non_working=..., short_breaks_reg48=...)`` takes the facts (date of
birth, care episodes, the dates of reviews held) and returns each period of care with the due
date of every review held in it, whether it was on time, and the review still outstanding.
Every date comes with the rule that gave it and a sentence saying why, made by the same code
that computed the date, so the two cannot disagree (``reviews.due_reasons``: which rule gives each
date, and its sentence; ``Rule`` and ``Due`` are theirs). It imports nothing from Django and reads no
clock: the stored dates (``Review.due_on``, ``ReviewSchedule``, ``ReviewDue``) are caches of
its answer, refreshed by ``reviews.schedule.schedule_refresh`` whenever a fact changes.

The rules, from docs/rules.md#review-timescales:

* reg 33: the first review within 20 working days of the day the child became looked after
  (that day is day 0), the second within 3 months of the first, each later one within 6 months
  of the previous. The clock runs from the date each review was actually held.
* reg 2: a working day is any day but a Saturday, a Sunday, Christmas Day, Good Friday or a
  bank holiday in England. The authority's own closure days never move a statutory date, so the
  caller passes bank holidays only (``reviews.calendar.statutory_non_working_days``).
* A period of care starts with an episode whose reason for new episode is S. One that starts
  on the very day the previous episode ended is continuous care (DfE rule 431), so the clock does
  not restart; after any gap it does.
* Short breaks (legal status V3, V4) follow reg 48: the first review within 3 months of the
  start of the first placement of the series, then at most every 6 months. The breaks of one
  series are one period even with days at home between them. A short-break child who becomes
  looked after under another legal status starts a reg 33 period on that day.
* A person stops being looked after on their 18th birthday: no review falls due on or after it,
  and a review held on or after it is not a reg 33 review (it is left out of the chain).
* Imported data may begin part-way through a period of care (the earliest episode held is a
  change of placement, not reason S). The period then runs from the earliest episode held, the
  first review's due date is "not known", and later dates run from the reviews held.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from children.ages import eighteenth_birthday

from .due_reasons import Due, Rule, first_due, next_due, settle_assumed

#: Legal statuses of children accommodated under an agreed series of short breaks (reg 48).
SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})
#: The reason for a new episode that starts a period of care (SSDA903 RNE).
STARTED_CARE = "S"


@dataclass(frozen=True)
class Episode:
    started_on: date
    ended_on: date | None
    reason_new_episode: str
    legal_status: str


@dataclass(frozen=True)
class Held:
    """A review held: its id (for writing the answer back) and date."""

    review_id: int | None
    held_on: date


@dataclass(frozen=True)
class ChainReview:
    review_id: int | None
    held_on: date
    #: 1 for the first review of the period, 2 for the second, and so on.
    number: int
    due: Due
    #: False when reviews before it may be missing from the records held (an import).
    complete: bool = True

    @property
    def on_time(self) -> bool | None:
        return None if self.due.due_on is None else self.held_on <= self.due.due_on

    @property
    def review_type(self) -> str:
        """``reviews.codes.ReviewType`` value by order in the period (reg 48 has no second);
        empty when the reviews before it are not known."""
        if self.due.rule in (Rule.FIRST_NOT_KNOWN, Rule.SECOND_ASSUMED) or not self.complete:
            return ""
        if self.number == 1:
            return "first"
        if self.number == 2 and self.due.rule == Rule.REG33_SECOND:
            return "second"
        return "subsequent"


@dataclass(frozen=True)
class Period:
    """One period of care (or one series of short breaks)."""

    start: date
    #: False when the data begins part-way through the period (imported, no episode with reason S).
    start_known: bool
    short_breaks: bool
    #: The day care ended, or ``None`` while it continues.
    ended_on: date | None
    #: The 18th birthday: nothing falls due on or after it.
    adult_on: date
    reviews: tuple[ChainReview, ...]
    #: The next review due after the last one held, when it fell (or falls) due before care
    #: ended and before the 18th birthday; ``None`` otherwise.
    outstanding: Due | None

    @property
    def open(self) -> bool:
        return self.ended_on is None

    @property
    def stops_on(self) -> date:
        """The day the period stops counting: the end of care or the 18th birthday."""
        return min(self.ended_on, self.adult_on) if self.ended_on else self.adult_on

    @property
    def next_due(self) -> Due | None:
        """The review the child is waiting for now (only in an open period)."""
        return self.outstanding if self.open else None

    @property
    def first_due_not_known(self) -> bool:
        return self.outstanding is not None and self.outstanding.due_on is None


@dataclass(frozen=True)
class Chain:
    periods: tuple[Period, ...] = field(default_factory=tuple)
    #: Reviews held outside every period (before care, after 18): not reg 33 reviews.
    outside: tuple[Held, ...] = field(default_factory=tuple)

    @property
    def current(self) -> Period | None:
        return self.periods[-1] if self.periods and self.periods[-1].open else None

    def review(self, review_id: int) -> ChainReview | None:
        for period in self.periods:
            for item in period.reviews:
                if item.review_id == review_id:
                    return item
        return None


@dataclass
class _Building:
    start: date
    start_known: bool
    short_breaks: bool
    ended_on: date | None


def _periods(episodes: Sequence[Episode], *, short_breaks_reg48: bool) -> list[_Building]:
    """Group episodes into periods of care (see the module docstring)."""
    periods: list[_Building] = []
    for episode in sorted(episodes, key=lambda e: (e.started_on, e.ended_on or date.max)):
        short = short_breaks_reg48 and episode.legal_status in SHORT_BREAK_STATUSES
        current = periods[-1] if periods else None
        if current is None:
            starts, known = True, episode.reason_new_episode == STARTED_CARE or short
        elif current.short_breaks and short:
            starts, known = False, True  # the next break of the same series
        elif current.short_breaks != short:
            starts, known = True, True  # into or out of short breaks
        elif current.ended_on is not None and episode.started_on > current.ended_on:
            starts, known = True, True  # back in care after a gap
        else:
            # Continuous care: a change of placement or legal status, or S on the day the last
            # episode ended (rule 431), which the services refuse but old data may hold.
            starts, known = False, True
        if starts:
            periods.append(_Building(episode.started_on, known, short, episode.ended_on))
        elif current is not None and current.ended_on is not None:
            current.ended_on = None if episode.ended_on is None else max(current.ended_on, episode.ended_on)
    return periods


def _period(
    period: _Building,
    *,
    upper: date,
    adult_on: date,
    held: Sequence[Held],
    placed: set[int],
    non_working: Collection[date],
    name: str,
    known_from: date | None,
) -> Period:
    """One period of care with its reviews: those in ``held`` dated from its start to before
    ``upper`` and not yet ``placed`` (their positions are added to ``placed``)."""
    items: list[ChainReview] = []
    due = first_due(
        period.start,
        start_known=period.start_known,
        short_breaks=period.short_breaks,
        non_working=non_working,
        name=name,
        known_from=known_from,
    )
    complete = due.rule != Rule.FIRST_NOT_KNOWN
    for position, review in enumerate(held):
        if position in placed or not (period.start <= review.held_on < upper):
            continue
        placed.add(position)
        held_against = settle_assumed(due, review.held_on, name=name)
        item = ChainReview(review.review_id, review.held_on, len(items) + 1, held_against, complete)
        items.append(item)
        due = next_due(
            item.held_on, number=item.number, complete=item.complete, short_breaks=period.short_breaks, name=name
        )
    stops = min(period.ended_on, adult_on) if period.ended_on else adult_on
    outstanding = due if due.due_on is None or due.due_on < stops else None
    if due.due_on is None and period.ended_on is not None:
        outstanding = None  # not known, and care ended: nothing can be said
    return Period(
        start=period.start,
        start_known=period.start_known,
        short_breaks=period.short_breaks,
        ended_on=period.ended_on,
        adult_on=adult_on,
        reviews=tuple(items),
        outstanding=outstanding,
    )


def review_chain(
    *,
    date_of_birth: date,
    episodes: Iterable[Episode],
    reviews_held: Iterable[Held],
    non_working: Collection[date],
    short_breaks_reg48: bool = True,
    name: str = "the child",
    reviews_known_from: date | None = None,
) -> Chain:
    """Every period of care with the due date of each review held and of the one outstanding.

    ``reviews_known_from``: for a child whose records came from an import, the first day its
    reviews are known from (a return lists only its own year's reviews); a period that began
    before it may have had reviews that are not held here.

    ``non_working`` must hold England's bank holidays from the earliest start to at least four
    months past the latest date (``reviews.calendar.statutory_non_working_days``)."""
    adult_on = eighteenth_birthday(date_of_birth)
    building = _periods(list(episodes), short_breaks_reg48=short_breaks_reg48)
    held = sorted(reviews_held, key=lambda h: (h.held_on, h.review_id or 0))
    periods: list[Period] = []
    placed: set[int] = set()
    for index, period in enumerate(building):
        next_start = building[index + 1].start if index + 1 < len(building) else None
        # A review belongs to the period that includes its date; one held after care ended (but
        # before the next period) still counts in the period it closes, as services refuse it.
        upper = min(d for d in (next_start, adult_on) if d is not None)
        periods.append(
            _period(
                period,
                upper=upper,
                adult_on=adult_on,
                held=held,
                placed=placed,
                non_working=non_working,
                name=name,
                known_from=reviews_known_from,
            )
        )
    outside = tuple(review for position, review in enumerate(held) if position not in placed)
    return Chain(periods=tuple(periods), outside=outside)
