"""Reviews held, the child's participation, review records and the IRO's footprint.

docs/rules.md#review-timescales (timescales), 3 (the record within 20 working days; the footprint),
4 (participation codes PN0 to PN7) and 8; docs/sources.md#thurrock-2021-22 sections 7 to 7.2 print reviews held by month
and quarter with the share in timescale, participation by code over four years and the share of
records completed within timescale.

How each figure is counted, so that the dashboard, the PDF and the CSV agree:

* A review counts in the year and month it was **held** (``status`` held, ``held_on`` in the
  year, or up to today for a year in progress). It was held within timescale when
  ``held_on <= due_on`` (section 2, "Counting, exactly"); ``due_on`` is the statutory date the
  review services stored when it was recorded. A held review with no ``due_on`` is counted apart.
* Days late are calendar days from ``due_on`` to ``held_on``. The reasons for a review out of
  timescale are the reasons of the postponements of its booking (``ReviewDateChange`` of kind
  postponed); a review postponed for two reasons is counted under each; one never postponed is
  "No reason recorded".
* A cancellation counts in the year of ``cancelled_on`` (status cancelled), under the reason
  recorded with it (``ReviewDateChange`` of kind cancelled).
* A record counts with its review. It was distributed within 20 working days when
  ``record_distributed_on <= record_due_on``. Records not yet distributed are overdue when
  ``record_due_on`` is before today, otherwise not yet due. The percentage within timescale is of
  the records whose due date has passed or that have been distributed.
* Footprint: visits by ``visited_on``, midway reviews by ``held_on``, case notes by ``written_on``.
* Scope: ``iro_id`` narrows to reviews chaired by that IRO (``Review.chair``) and to their own
  visits, midway reviews and case notes; ``team_id`` to IROs whose profile is in that team.

Reviews **due** in the year are counted by due date, held or not, from ``reviews.ReviewDue``
(every review that fell due in a period of care, the missed ones too), by the one function the
service dashboard and the deadlines pages also call (``ReviewDue.objects.timeliness``):

* A review is due in the year when its ``due_on`` is in the year. A year in progress counts the
  reviews due before today (one due today can still be held in time) and judges them today.
* Held on time: ``held_on <= due_on``. Held late: held after ``due_on`` and by the year end
  (or today), with days late ``held_on - due_on``. Not held by the year end: never held, or held
  after the year end; days overdue run from ``due_on`` to the year end (or today), or to the
  day the period stopped counting when that is earlier (care ended, or the 18th birthday). A
  review not held stays one review not held: the next falls due only after it is held.
* A review whose due date is not known (imported data beginning part-way through a period of
  care) is counted apart, in the year it was held or, not yet held, in each year its period of
  care was open; it is in none of the other figures.
* Per child (Kirklees): of the children with at least one review due in the year, those whose
  reviews due in the year were all held on time.
* By month: the month of ``due_on`` (Thurrock's "due in month"), beside the months held above.
* Scope: a review due counts for the IRO **allocated to the child on its due date**
  (``IROAllocation``, ``started_on <= due_on < ended_on``), not for its chair: a review never
  held has no chair, and a missed review is the missing of the IRO who held the child then. A
  review whose due date is not known counts for the IRO allocated on the day it was held, or,
  not yet held, now. A due date on which no IRO held the child is in the service's figures only.
  ``team_id`` narrows to those IROs whose profile is in that team.

Links: rows that stand for a list of reviews link to ``reporting:records`` with these GET
parameters:

* ``kind``: ``reviews`` (held reviews), ``late_reviews`` (held out of timescale),
  ``records_late`` (records distributed late or overdue), ``participation`` (held reviews by code),
  ``not_held`` (reviews due in the year and not held by its end: ``month`` is then the month due);
* ``year``: the reporting year, written ``2021-22``;
* ``month``: 1 to 12, the month of ``held_on`` (optional);
* ``code``: a participation code such as ``PN1`` (optional, with ``kind=participation``);
* ``in_time``: ``1`` or ``0`` (optional, with ``kind=reviews``);
* ``iro`` or ``team``: the id of the scope's IRO or team, when the figures are scoped.

Queries: eleven, whatever the number of reviews (two of them for the reviews due).
"""

from __future__ import annotations

from datetime import date

from iro_service.periods import ReportingYear
from reviews.models import ReviewDue
from reviews.querysets import DueWindow

from .. import Scope, Section
from ..shared import Period, periods_of, today_of
from . import queries
from .data import Links, ReviewData
from .footprint import footprint_section
from .held import reviews_section
from .participation import participation_section
from .records import records_section


def sections(years: list[ReportingYear], *, scope: Scope) -> list[Section]:
    """The sections "Reviews", "Participation", "Review records" and "The IRO's footprint".
    Earlier years with no data for a table are left out of it; the report's year is always kept."""
    periods = periods_of(years, scope)
    today = today_of(scope)
    current = periods[-1]
    windows = due_windows(periods, today)
    due = reviews_due(scope)
    data = ReviewData(
        periods=periods,
        today=today,
        yearly=queries.yearly(periods, scope, today),
        monthly=queries.monthly(current, scope, today),
        late_reasons=queries.late_reasons(current, scope),
        cancel_reasons=queries.cancel_reasons(current, scope),
        participation=queries.by_value("participation_code", periods, scope),
        parents=queries.by_value("parents_participation", periods, scope),
        footprint=queries.footprint(periods, scope),
        links=Links(scope),
        due_windows=windows,
        due_yearly=due.timeliness(windows),
        due_monthly=due.timeliness_by_month(windows[-1]),
    )
    return [reviews_section(data), participation_section(data), records_section(data), footprint_section(data)]


def due_windows(periods: list[Period], today: date) -> list[DueWindow]:
    """Each year's window of due dates (``DueWindow.for_year``)."""
    return [DueWindow.for_year(period.start, period.year.end, today=today) for period in periods]


def reviews_due(scope: Scope):
    """The reviews due (``ReviewDue``) in ``scope``: by the IRO allocated on the due date."""
    return ReviewDue.objects.allocated_to(iro_id=scope.iro_id, team_id=scope.team_id)
