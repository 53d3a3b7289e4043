"""Children looked after: the cohort at each year end, how it is made up, and who left care.

docs/rules.md#annual-report (the report shows the cohort at year end: number, rate per 10,000
children, UASC, adopted, with gender, age bands, ethnicity, legal status, time in care,
placement stability and placements more than 20 miles from home; exits by special guardianship
and child arrangements orders) and section 9 (SSDA903 codes); docs/sources.md#thurrock-2021-22 sections 8 and 9 print
these tables with a five-year trend.

How each figure is counted, so that the dashboard, the PDF and the CSV agree:

* **Year end.** 31 March; for the year still in progress, ``scope.today`` (or the local date).
* **Looked after on a day ``d``.** The child has a care episode covering ``d``:
  ``started_on <= d`` and the episode is open or ``ended_on > d``. An episode runs up to but not
  including its ``ended_on``, as the services record it: a change of placement or legal status
  closes one episode (X1) and opens the next on the same day, so exactly one episode covers each
  day, and **a child whose care ended on ``d`` is not looked after on ``d``** (a child who leaves
  care on 31 March is not in that year's cohort, but is counted among that year's leavers).
  Every figure "at year end" (legal status, placement, distance) is read from that one episode.
* **Rate per 10,000 children.** Looked after at year end × 10,000 ÷ the population under 18
  that an administrator entered for the year (``reporting.ChildPopulation``), rounded half up to
  a whole number as the DfE publishes it. A year with no population entered has no rate (the
  cell is empty and the note says so): the figure is never estimated. The rate is for the whole
  service, so an IRO or team scope shows none.
* **UASC** is ``Child.is_uasc`` as recorded now (the records keep no history of it).
* **Age** is whole years on the year-end day, banded as ``children.codes.AGE_BAND_YEARS``.
* **Ethnicity** is grouped by the SSDA903 code's first letters (``ETHNICITY_GROUPS``).
* **Time in care** runs from the start of the current period of care: the latest episode with
  reason for new episode S starting on or before the year-end day. A child who left care and
  came back is timed from the return, not from their first period.
* **Placement stability** (``STABILITY_RULE``): a child looked after at year end had three or
  more placements in the year when the placement they were in on 1 April (if looked after that
  day) plus every episode starting after 1 April, up to the year end, that began a placement
  (reason for new episode S, P, T, U or B: every reason but L, a change of legal status only)
  makes three or more. Placements in an earlier period of care in the same year count too.
* **Far from home.** The episode covering the year-end day records ``distance_from_home_miles``
  over 20 (the DfE's "more than 20 miles"; exactly 20 is not counted; not recorded is not
  counted).
* **Leavers.** Children whose episode ended in the year (1 April to the year end, both days
  included) for a reason other than X1. Adopted: E11, E12; special guardianship: E45 to E48;
  child arrangements order: E41 (``children.codes``). A child who left twice in a year counts
  once in each route they left by and once in the total.
* **Short breaks.** Children on a series of short breaks (V3, V4) are in the cohort as recorded;
  the DfE's published figures leave them out, and the legal status table shows how many there are.
* **Scope.** ``iro_id``: children allocated to that IRO on the year-end day (an allocation
  covers a day the same way an episode does); for leavers, the IRO who held the child on the day
  they left (the allocation ends that day). ``team_id``: the same for the IROs whose profile is
  in the team now (the records keep no history of teams).
* **Years.** Each table keeps the report's year and the earlier years the records hold data
  for: the composition tables a year in which anyone was looked after at its end, the numbers
  and leavers tables also a year in which anyone left care (a zero there is then a figure).
* **Links.** Only while the report's year is in progress, and not for a team: the children list
  (``/children/?status=in_care`` with ``iro``, ``age_band``, ``legal_status`` or
  ``placement_type``) shows the children looked after now, which is the last column. A group of
  several codes has no link, because the list filters on one code.

Queries: one per year, one for the leavers and one for the population (none in an IRO or team
scope): seven for a five-year report, whatever the number of children or episodes.
"""

from __future__ import annotations

from iro_service.periods import ReportingYear

from .. import Scope, Section
from ..shared import periods_of
from .counts import ETHNICITY_GROUPS, leavers, populations, scoped, year_end_counts
from .tables import (
    Cohort,
    care_tables,
    exits_table,
    headline,
    numbers_table,
    rate_per_10000,
    stability_table,
    who_tables,
)

__all__ = ["ETHNICITY_GROUPS", "rate_per_10000", "sections"]


def sections(years: list[ReportingYear], *, scope: Scope) -> list[Section]:
    """The section "Children looked after" (see the module docstring for how it counts)."""
    periods = periods_of(years, scope)
    data = Cohort(
        periods=periods,
        scope=scope,
        at_end=[year_end_counts(period, scope) for period in periods],
        left=leavers(periods, scope),
        populations={} if scoped(scope) else populations(periods),
    )
    return [
        Section(
            key="cohort",
            title="Children looked after",
            tables=[
                numbers_table(data),
                *who_tables(data),
                *care_tables(data),
                stability_table(data),
                exits_table(data),
            ],
            headline=headline(data),
        )
    ]
