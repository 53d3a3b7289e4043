"""Reviews due in the year, counted by due date whether held or not (issue 11 item 2): the
annual report's tables, the service dashboard, the deadlines pages and the records behind the
"not held" figure, from one function (``ReviewDue.objects.timeliness``).

Every fact is entered through the services (``children.services``, ``reviews.services``), as
on 30 April 2025 (TODAY), and every figure is worked out by hand below. Report year 2024-25.
Bank holidays that matter: 25 and 26 December 2024, 1 January 2025. Due dates follow
docs/rules.md#review-timescales ("Counting, exactly": the day the child became looked after is day 0).

Amira (born 1 Jan 2014), looked after from Mon 3 Jun 2024, IRO Ada; Ben from 1 Sep 2024.
  Reviews recorded on 1 Jul 2024 (by Ada) and 1 Oct 2024 (by Ben): both in time (due 1 Jul; 1 Oct).
  The first is then CORRECTED to 20 Jun 2024: the second falls due 3 months after it, on
  20 Sep 2024, and becomes 11 days late (20 Sep -> 1 Oct: 10 + 1). The third is due 1 Apr 2025
  (6 months after 1 Oct): in 2025-26, not in 2024-25.
Billy (born 5 May 2012), looked after from Mon 2 Dec 2024, IRO Ben. No review ever held.
  First due Thu 2 Jan 2025: 20 working days (3-6, 9-13, 16-20, 23, 24, 27, 30, 31 Dec, 2 Jan;
  25, 26 Dec and 1 Jan are bank holidays). Not held: 88 days overdue on 31 Mar 2025 (29 + 28 + 31).
Cara (born 3 Mar 2013), looked after from Mon 6 Jan 2025, IRO Ada. First due Mon 3 Feb 2025
  (20 working days: 7-10, 13-17, 20-24, 27-31 Jan, 3 Feb). Held on Mon 14 Apr 2025, AFTER the
  year end: not held by 31 Mar 2025, 56 days overdue then (25 + 31).
Dev (born 20 Sep 2006), looked after from Mon 3 Jun 2024 aged 17, IRO Ada. First review held
  1 Jul 2024, on its due date. The second would be due 1 Oct 2024, but he turned 18 on 20 Sep
  2024: no review falls due on or after the 18th birthday, so it is due nowhere.
Ella (born 7 Jul 2011), looked after from Mon 1 Jul 2024, IRO Ada. First due Mon 29 Jul 2024
  (2-5, 8-12, 15-19, 22-26, 29 Jul), held that day. Second due 29 Oct 2024, never held; she LEFT
  CARE on 15 Nov 2024: 17 days overdue, counted to the day she left (2 + 15), not to 31 Mar.
Finn (born 10 Oct 2010), looked after from Mon 5 Feb 2024, IRO Ada. First due Mon 4 Mar 2024
  (6-9, 12-16, 19-23, 26-29 Feb, 1 and 4 Mar), held 10 Apr 2024: due in 2023-24 and not held by
  31 Mar 2024 (27 days overdue then); held 37 days late, in April 2024. Second due 10 Jul 2024,
  held that day. Third due 10 Jan 2025, held 8 Jan 2025.

2024-25, by due date: 9 reviews due (Amira 2, Billy, Cara, Dev, Ella 2, Finn 2).
  On time 5 (Amira's first, Dev, Ella's first, Finn's second and third): 5 of 9 = 55.6%.
  Late 1 (Amira's second, 11 days). Not held by 31 Mar 2025: 3 (Ella 17, Billy 88, Cara 56 days:
  161 in all, 53.7 on average, 88 at most).
  Children with a review due 6; all on time 2 (Dev, Finn): 33.3%.
2023-24: 1 due (Finn's first), not held by 31 Mar 2024; 1 child, none all on time.
2024-25, by date held (the existing tables, unchanged): 7 held (Finn 10 Apr late, Amira 20 Jun,
  Dev 1 Jul, Finn 10 Jul, Ella 29 Jul, Amira 1 Oct late, Finn 8 Jan); 5 in time.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children import services as child_services
from children.models import CareEpisode
from iro_service.models import AuditAction, AuditEvent
from iro_service.periods import ReportingYear
from reporting.figures import Scope, Section, reviews
from reporting.figures.report import report_years
from reviews.models import Review, ReviewDue
from reviews.querysets import DueWindow
from tests.factories import TeamFactory, create_child, make_child_in_care, make_iro
from tests.reporting.report_samples import rows, tables
from tests.reporting.test_pdf import poppler, render_version_1
from tests.reviews.factories import correct_review, record_review

pytestmark = [pytest.mark.django_db]

D = dt.date
TODAY = D(2025, 4, 30)
YEAR = ReportingYear(2024)
YEARS = report_years(YEAR)


def add_child(manager, iro, name, *, born, looked_after_on):
    return create_child(
        by=manager,
        iro=iro,
        today=TODAY,
        local_reference=f"LA-{name}",
        first_name=name,
        last_name="Test",
        date_of_birth=born,
        looked_after_on=looked_after_on,
    )


def record(child, by, held_on) -> Review:
    return record_review(
        child,
        by,
        held_on,
        today=TODAY,
        wishes_and_feelings="Wants to stay.",
        child_friendly_summary="We agreed you will stay.",
    )


def correct(review, by, *, held_on) -> Review:
    return correct_review(review, by, today=TODAY, held_on=held_on)


@pytest.fixture
def year_2024(manager, iro, other_iro):
    """The children of the module docstring; ``iro`` is Ada Okafor, ``other_iro`` Ben Harris."""
    ada, ben = iro, other_iro
    amira = add_child(manager, ada, "Amira", born=D(2014, 1, 1), looked_after_on=D(2024, 6, 3))
    first = record(amira, ada, D(2024, 7, 1))
    child_services.allocation_change(
        child=amira, by=manager, iro=ben, starts_on=D(2024, 9, 1), reason="Caseloads balanced", today=TODAY
    )
    second = record(amira, ben, D(2024, 10, 1))
    second.refresh_from_db()
    assert (second.due_on, second.held_in_time) == (D(2024, 10, 1), True)  # before the correction
    correct(first, ben, held_on=D(2024, 6, 20))

    billy = add_child(manager, ben, "Billy", born=D(2012, 5, 5), looked_after_on=D(2024, 12, 2))

    cara = add_child(manager, ada, "Cara", born=D(2013, 3, 3), looked_after_on=D(2025, 1, 6))
    record(cara, ada, D(2025, 4, 14))

    dev = add_child(manager, ada, "Dev", born=D(2006, 9, 20), looked_after_on=D(2024, 6, 3))
    record(dev, ada, D(2024, 7, 1))

    ella = add_child(manager, ada, "Ella", born=D(2011, 7, 7), looked_after_on=D(2024, 7, 1))
    record(ella, ada, D(2024, 7, 29))
    child_services.care_period_end(child=ella, by=manager, ended_on=D(2024, 11, 15), reason_ceased="E13", today=TODAY)

    finn = add_child(manager, ada, "Finn", born=D(2010, 10, 10), looked_after_on=D(2024, 2, 5))
    for held_on in (D(2024, 4, 10), D(2024, 7, 10), D(2025, 1, 8)):
        record(finn, ada, held_on)
    return {"amira": amira, "billy": billy, "cara": cara, "dev": dev, "ella": ella, "finn": finn}


def run(scope: Scope | None = None) -> dict[str, Section]:
    return {s.key: s for s in reviews.sections(YEARS, scope=scope or Scope(today=TODAY))}


def test_the_reviews_due_are_the_hand_calculated_ones(year_2024):
    def due(child):
        return list(ReviewDue.objects.filter(child=child).values_list("due_on", "held_on", "stops_on"))

    c = year_2024
    assert due(c["amira"]) == [
        (D(2024, 7, 1), D(2024, 6, 20), D(2032, 1, 1)),
        (D(2024, 9, 20), D(2024, 10, 1), D(2032, 1, 1)),  # moved by the correction
        (D(2025, 4, 1), None, D(2032, 1, 1)),
    ]
    assert due(c["billy"]) == [(D(2025, 1, 2), None, D(2030, 5, 5))]
    assert due(c["cara"])[0] == (D(2025, 2, 3), D(2025, 4, 14), D(2031, 3, 3))
    assert due(c["dev"]) == [(D(2024, 7, 1), D(2024, 7, 1), D(2024, 9, 20))]  # nothing due at 18
    assert due(c["ella"]) == [
        (D(2024, 7, 29), D(2024, 7, 29), D(2024, 11, 15)),
        (D(2024, 10, 29), None, D(2024, 11, 15)),  # missed, then she left care
    ]
    assert due(c["finn"]) == [
        (D(2024, 3, 4), D(2024, 4, 10), D(2028, 10, 10)),
        (D(2024, 7, 10), D(2024, 7, 10), D(2028, 10, 10)),
        (D(2025, 1, 10), D(2025, 1, 8), D(2028, 10, 10)),
        (D(2025, 7, 8), None, D(2028, 10, 10)),
    ]


def test_the_reviews_due_in_the_year_held_on_time_late_and_not_held(year_2024):
    section = run()["reviews"]
    t = tables(section)

    trend = t["reviews_due_trend"]
    assert trend.columns == ["Measure", "2023-24", "2024-25"]
    assert trend.rows == [
        ["Reviews due", 1, 9],
        ["Held on time", 0, 5],
        ["% held on time", 0.0, 55.6],  # 5 / 9
        ["Held late", 0, 1],  # Amira's corrected second review
        ["Not held by the end of the year", 1, 3],  # 2023-24: Finn; 2024-25: Ella, Billy, Cara
        ["Children with a review due", 1, 6],
        ["Children whose reviews due were all held on time", 0, 2],  # Dev, Finn
        ["% of children with every review on time", 0.0, 33.3],  # 2 / 6
    ]
    assert trend.links == {
        "Not held by the end of the year": "/reporting/records/?kind=not_held&year=2024-25",
    }

    by_month = t["reviews_due_by_month"]
    assert by_month.title == "Reviews due by month of the due date, 2024-25"
    assert by_month.columns == [
        "Month due",
        "Reviews due",
        "Held on time",
        "Held late",
        "Not held by 31 March 2025",
        "% held on time",
    ]
    assert by_month.rows == [
        ["April 2024", 0, 0, 0, 0, None],
        ["May 2024", 0, 0, 0, 0, None],
        ["June 2024", 0, 0, 0, 0, None],
        ["July 2024", 4, 4, 0, 0, 100.0],  # Amira 1st, Dev, Finn 2nd, Ella 1st
        ["August 2024", 0, 0, 0, 0, None],
        ["September 2024", 1, 0, 1, 0, 0.0],  # Amira 2nd, due 20 Sep, held 1 Oct
        ["October 2024", 1, 0, 0, 1, 0.0],  # Ella 2nd
        ["November 2024", 0, 0, 0, 0, None],
        ["December 2024", 0, 0, 0, 0, None],
        ["January 2025", 2, 1, 0, 1, 50.0],  # Billy (missed), Finn 3rd (on time)
        ["February 2025", 1, 0, 0, 1, 0.0],  # Cara, held after the year end
        ["March 2025", 0, 0, 0, 0, None],
        ["Total", 9, 5, 1, 3, 55.6],
    ]
    base = "/reporting/records/?kind=not_held&year=2024-25"
    assert by_month.links == {
        "October 2024": f"{base}&month=10",
        "January 2025": f"{base}&month=1",
        "February 2025": f"{base}&month=2",
        "Total": base,
    }

    days = t["reviews_due_days"]
    assert days.columns == ["Reviews due", "Reviews", "Total days", "Average days", "Most days"]
    assert days.rows == [
        ["Held late (days late)", 1, 11, 11.0, 11],
        # Ella 17 (to the day she left care) + Billy 88 + Cara 56 = 161; 161 / 3 = 53.7
        ["Not held by 31 March 2025 (days overdue)", 3, 161, 53.7, 88],
    ]
    assert section.headline[4:] == [
        ("Reviews due in the year held on time", "55.6%"),
        ("Reviews due in the year not held by 31 March 2025", "3"),
        ("Children whose reviews due were all held on time", "33.3%"),
    ]


def test_the_reviews_held_by_month_still_count_by_the_date_held(year_2024):
    t = tables(run()["reviews"])
    assert t["reviews_trend"].rows[:4] == [
        ["Reviews held", 7],
        ["Held within timescale", 5],
        ["% held within timescale", 71.4],
        ["Held out of timescale", 2],  # Finn's first (10 Apr, 37 days) and Amira's second (11 days)
    ]
    held = rows(t["reviews_by_month"])
    assert held["April 2024"] == [1, 0, 0.0]  # Finn's first review, due in 2023-24
    assert held["July 2024"] == [3, 3, 100.0]  # Dev, Finn, Ella
    assert held["October 2024"] == [1, 0, 0.0]
    assert held["Total"] == [7, 5, 71.4]
    assert rows(t["late_reviews"])["Total"][:4] == [2, 48, 24.0, 37]


def test_scoped_by_the_iro_allocated_to_the_child_on_the_due_date(year_2024, iro, other_iro, team):
    """Ada held Amira on 1 Jul 2024 and Ben on 20 Sep 2024; Ben chaired Amira's second review."""
    ada = tables(run(Scope(iro_id=iro.pk, today=TODAY))["reviews"])
    assert ada["reviews_due_trend"].rows == [
        ["Reviews due", 1, 7],  # Amira 1st, Cara, Dev, Ella 2, Finn 2
        ["Held on time", 0, 5],
        ["% held on time", 0.0, 71.4],
        ["Held late", 0, 0],
        ["Not held by the end of the year", 1, 2],  # Ella (17 days), Cara (56)
        ["Children with a review due", 1, 5],
        ["Children whose reviews due were all held on time", 0, 3],  # Amira (her first), Dev, Finn
        ["% of children with every review on time", 0.0, 60.0],
    ]
    assert ada["reviews_due_days"].rows[1] == ["Not held by 31 March 2025 (days overdue)", 2, 73, 36.5, 56]
    assert ada["reviews_due_trend"].links == {
        "Not held by the end of the year": f"/reporting/records/?kind=not_held&year=2024-25&iro={iro.pk}"
    }

    ben = tables(run(Scope(iro_id=other_iro.pk, today=TODAY))["reviews"])
    assert ben["reviews_due_trend"].columns == ["Measure", "2024-25"]
    assert rows(ben["reviews_due_trend"]) == {
        "Reviews due": [2],  # Amira's second, Billy
        "Held on time": [0],
        "% held on time": [0.0],
        "Held late": [1],
        "Not held by the end of the year": [1],
        "Children with a review due": [2],
        "Children whose reviews due were all held on time": [0],
        "% of children with every review on time": [0.0],
    }
    whole_team = tables(run(Scope(team_id=team.pk, today=TODAY))["reviews"])["reviews_due_trend"]
    assert whole_team.rows == tables(run()["reviews"])["reviews_due_trend"].rows
    south = TeamFactory(name="South team")
    make_iro(username="iro_s", first_name="Sam", last_name="South", team=south)
    nobody = tables(run(Scope(team_id=south.pk, today=TODAY))["reviews"])["reviews_due_trend"]
    assert nobody.rows[0] == ["Reviews due", 0]


def test_a_year_in_progress_counts_the_reviews_due_before_today_judged_today(year_2024):
    """On 15 November 2024: the reviews due from 1 April to 14 November 2024. Amira 1st (on time)
    and 2nd (held 1 Oct, late), Dev, Ella 1st, Finn 2nd on time; Ella's second (due 29 Oct) is
    not held, 17 days overdue (to 15 November, the day she left care too)."""
    t = tables(run(Scope(today=D(2024, 11, 15)))["reviews"])
    assert t["reviews_due_trend"].rows[:5] == [
        ["Reviews due", 1, 6],
        ["Held on time", 0, 4],
        ["% held on time", 0.0, 66.7],
        ["Held late", 0, 1],
        ["Not held by the end of the year", 1, 1],
    ]
    assert "2024-25 is to 15 November 2024" in t["reviews_due_trend"].note
    by_month = t["reviews_due_by_month"]
    assert by_month.columns[4] == "Not held by 15 November 2024"
    assert by_month.rows[6:] == [
        ["October 2024", 1, 0, 0, 1, 0.0],
        ["November 2024", 0, 0, 0, 0, None],
        ["December 2024", None, None, None, None, None],
        ["January 2025", None, None, None, None, None],
        ["February 2025", None, None, None, None, None],
        ["March 2025", None, None, None, None, None],
        ["Year to date", 6, 4, 1, 1, 66.7],
    ]
    assert t["reviews_due_days"].rows == [
        ["Held late (days late)", 1, 11, 11.0, 11],
        ["Not held by 15 November 2024 (days overdue)", 1, 17, 17.0, 17],
    ]


def test_a_review_due_today_is_not_yet_counted_in_a_year_in_progress(year_2024):
    """Ella's second review is due 29 October 2024: on that day it can still be held in time."""
    on_the_day = rows(tables(run(Scope(today=D(2024, 10, 29)))["reviews"])["reviews_due_trend"])
    day_after = rows(tables(run(Scope(today=D(2024, 10, 30)))["reviews"])["reviews_due_trend"])
    assert on_the_day["Not held by the end of the year"] == [1, 0]
    assert day_after["Not held by the end of the year"] == [1, 1]
    assert day_after["Reviews due"][1] == on_the_day["Reviews due"][1] + 1


@pytest.mark.parametrize(
    ("today", "last", "judged_on"),
    [
        (D(2024, 11, 15), D(2024, 11, 14), D(2024, 11, 15)),  # in progress: due before today
        (D(2025, 3, 31), D(2025, 3, 30), D(2025, 3, 31)),  # the last day: still in progress
        (D(2025, 4, 1), D(2025, 3, 31), D(2025, 3, 31)),  # complete: judged at the year end
        (D(2024, 4, 1), D(2024, 3, 31), D(2024, 4, 1)),  # the first day: nothing has fallen due yet
    ],
)
def test_the_window_of_due_dates_of_a_reporting_year(today, last, judged_on):
    assert DueWindow.for_year(YEAR.start, YEAR.end, today=today) == DueWindow(YEAR.start, last, judged_on)


def test_a_review_whose_due_date_is_not_known_is_counted_apart(year_2024, manager, iro):
    """Gus's records begin part-way through his care (his earliest episode is a change of
    placement, as after a one-year SSDA903 import): his first review's due date is not known. It
    is counted apart, in no other figure."""
    gus = add_child(manager, iro, "Gus", born=D(2012, 2, 2), looked_after_on=D(2024, 9, 2))
    episode = CareEpisode.objects.get(child=gus)
    episode.reason_new_episode = "P"  # a correction of the fact, as the import would hold it
    episode.save()
    assert ReviewDue.objects.get(child=gus).due_on is None

    t = tables(run()["reviews"])
    trend = rows(t["reviews_due_trend"])
    assert trend["Reviews due"] == [1, 9]
    assert trend["Due date not known (counted apart)"] == [0, 1]
    assert "counted apart" in t["reviews_due_trend"].note
    assert "Due dates not known: 1, counted apart." in t["reviews_due_by_month"].note
    assert rows(t["reviews_due_by_month"])["Total"] == [9, 5, 1, 3, 55.6]


def _more_missed(iro, count: int) -> None:
    """``count`` children looked after from Mon 2 Sep 2024 with no review: each first review was
    due Mon 30 Sep 2024 and is not held, 182 days overdue on 31 Mar 2025 (31+30+31+31+28+31)."""
    for n in range(count):
        make_child_in_care(iro=iro, looked_after_on=D(2024, 9, 2), first_name=f"More{n}")


@pytest.mark.parametrize("scope", ["service", "iro", "team"])
def test_a_fixed_number_of_queries_whatever_the_number_of_reviews_due(
    year_2024, iro, team, scope, django_assert_max_num_queries
):
    scope = {
        "service": Scope(today=TODAY),
        "iro": Scope(iro_id=iro.pk, today=TODAY),
        "team": Scope(team_id=team.pk, today=TODAY),
    }[scope]
    with django_assert_max_num_queries(11) as small:
        before = reviews.sections(YEARS, scope=scope)
    _more_missed(iro, 30)
    with CaptureQueriesContext(connection) as large:
        after = reviews.sections(YEARS, scope=scope)
    assert len(small) == len(large) == 11  # 9 for the reviews held, 2 for the reviews due
    days_before = rows(tables(before[0])["reviews_due_days"])
    days_after = rows(tables(after[0])["reviews_due_days"])
    label = "Not held by 31 March 2025 (days overdue)"
    assert days_after[label][:2] == [days_before[label][0] + 30, days_before[label][1] + 30 * 182]


def test_the_one_function_counts_a_window_as_the_report_does(year_2024):
    """``ReviewDue.objects.timeliness``, which the deadlines pages call, gives the report's figures."""
    window = DueWindow.for_year(YEAR.start, YEAR.end, today=TODAY)
    (figures,) = ReviewDue.objects.timeliness([window])
    assert (figures.due, figures.on_time, figures.late, figures.not_held) == (9, 5, 1, 3)
    assert (figures.days_overdue, figures.most_days_overdue, figures.average_days_overdue) == (161, 88, 53.7)
    assert (figures.children, figures.children_all_on_time, figures.pct_children_all_on_time) == (6, 2, 33.3)


# --- the live pages: the same numbers ---------------------------------------------------------


@pytest.fixture
def on_15_november_2024(monkeypatch):
    """The pages' clock on Friday 15 November 2024 (the facts were entered as on TODAY)."""
    real = timezone.localdate

    def localdate(*args, **kwargs):
        return real(*args, **kwargs) if args or kwargs else D(2024, 11, 15)

    monkeypatch.setattr(timezone, "localdate", localdate)
    return D(2024, 11, 15)


def shown_due(response) -> tuple:
    figures = response.context["due_so_far"].figures
    return figures.due, figures.on_time, figures.late, figures.not_held


def test_the_deadlines_pages_and_the_dashboard_show_the_reports_numbers(
    year_2024, on_15_november_2024, client_for, manager, iro, other_iro
):
    report = tables(run(Scope(today=on_15_november_2024))["reviews"])
    total = rows(report["reviews_due_by_month"])["Year to date"]
    assert total == [6, 4, 1, 1, 66.7]

    service = client_for(manager).get(reverse("reviews:service"))
    assert shown_due(service) == tuple(total[:4])
    text = " ".join(service.text.split())  # as read: the template wraps its lines where whitespace shows as one space
    assert "Reviews due in 2024-25 so far" in text
    assert "from 1 April 2024 to 14 November 2024 for every child" in text
    assert f'href="{reverse("reporting:records")}?kind=not_held&amp;year=2024-25"' in text

    dashboard = client_for(manager).get(reverse("reporting:dashboard"))
    (section,) = [s["section"] for s in dashboard.context["sections"] if s["section"].key == "reviews"]
    assert rows(tables(section)["reviews_due_by_month"])["Year to date"] == total
    assert "Not held by 15 November 2024" in dashboard.text

    # An IRO's page counts the children they may see now (Child.objects.visible_to): Ada holds
    # Cara, Dev and Finn (Amira moved to Ben; Ella left care): Dev 1 Jul and Finn 10 Jul, on time.
    ada = client_for(iro).get(reverse("reviews:home"))
    assert shown_due(ada) == (2, 2, 0, 0)
    assert "for the children you hold or cover" in ada.text
    assert "Not held (overdue now, or missed before the child left care)" in ada.text
    assert "kind=not_held" not in ada.text  # the records page is for managers
    ben = client_for(other_iro).get(reverse("reviews:home"))  # Amira (and Billy, not yet in care)
    assert shown_due(ben) == (2, 1, 1, 0)


# --- the records behind "not held" ---------------------------------------------------------------


def listed(client, **params) -> list[tuple]:
    response = client.get(reverse("reporting:records"), {"kind": "not_held", "year": "2024-25", **params})
    assert response.status_code == 200
    return [(row.child.first_name, row.due_on, row.days_overdue.days) for row in response.context["page"].object_list]


def test_the_records_page_lists_the_reviews_not_held_and_is_audited(year_2024, client_for, manager, iro):
    client = client_for(manager)
    assert listed(client) == [("Ella", D(2024, 10, 29), 17), ("Billy", D(2025, 1, 2), 88), ("Cara", D(2025, 2, 3), 56)]
    assert listed(client, month="1") == [("Billy", D(2025, 1, 2), 88)]
    assert listed(client, iro=str(iro.pk)) == [("Ella", D(2024, 10, 29), 17), ("Cara", D(2025, 2, 3), 56)]
    assert listed(client, year="2023-24") == [("Finn", D(2024, 3, 4), 27)]

    whole_year = client.get(reverse("reporting:records"), {"kind": "not_held", "year": "2024-25"}).text
    assert "to 15 Nov 2024, when care ended or at 18" in whole_year  # Ella's 17 days
    assert whole_year.count("when care ended or at 18") == 1

    response = client.get(reverse("reporting:records"), {"kind": "not_held", "year": "2024-25", "month": "2"})
    text = response.text
    assert "1 review found" in text
    assert "Cara Test" in text and "3 Feb 2025" in text and "14 Apr 2025, after the end of the year" in text
    assert "20 working days after 6 January 2025, when Cara became looked after" in text
    assert reverse("reviews:child", args=[year_2024["cara"].pk]) in text
    event = AuditEvent.objects.filter(action=AuditAction.LISTED, actor=manager).latest("pk")
    assert event.changes["child_ids"] == [year_2024["cara"].pk]
    assert "Reviews due but not held behind a report figure: 1 found" in event.summary


def test_the_records_page_of_reviews_not_held_takes_a_fixed_number_of_queries(
    year_2024, client_for, manager, iro, django_assert_max_num_queries
):
    client = client_for(manager)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("reporting:records"), {"kind": "not_held", "year": "2024-25"})
    _more_missed(iro, 20)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("reporting:records"), {"kind": "not_held", "year": "2024-25"})
    assert response.context["page"].paginator.count == 23
    assert len(small) == len(large)


# --- the printed report --------------------------------------------------------------------------


def test_the_pdf_prints_the_reviews_due_tables_with_captions_inside_the_page(year_2024, tmp_path):
    """Rendered and read back with poppler, as the committee's PDF reader shows it: each new
    table has its numbered caption and its figures, and no word runs past the right margin."""
    sections = reviews.sections(YEARS, scope=Scope(today=TODAY))[:1]
    pdf = render_version_1(YEAR, sections, generated_at=dt.datetime(2025, 4, 30, 9, 0, tzinfo=dt.UTC))
    text = re.sub(r"\s+", " ", poppler("pdftotext", pdf, "-layout", tmp=tmp_path))
    for words in (
        "Table 3.7: Reviews due in the year, held on time, late or not held",
        "Reviews due 1 9 Held on time 0 5 % held on time 0 55.6 Held late 0 1 Not held by the end of the year 1 3",
        "% of children with every review on time 0 33.3",
        "Table 3.8: Reviews due by month of the due date, 2024-25",
        "Not held by 31 March 2025",
        "January 2025 2 1 0 1 50",
        "Total 9 5 1 3 55.6",
        "Table 3.9: Reviews due in 2024-25 held late or not held: days",
        "Held late (days late) 1 11 11 11",
        "Not held by 31 March 2025 (days overdue) 3 161 53.7 88",
        "0 55.6% 3 Booked reviews cancelled Reviews due in the year held",  # key figures, side by side
    ):
        assert words.lower() in text.lower(), words
    # Every word's box (pdftotext -bbox, in points) ends inside the page's right margin (2 cm).
    boxes = poppler("pdftotext", pdf, "-bbox", tmp=tmp_path)
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert max(right_edges) <= page_width - 2 / 2.54 * 72 + 1
