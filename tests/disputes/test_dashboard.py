"""The manager's dispute dashboard and its CSV export.

Today is pinned to Monday 23 November 2026: this month is November 2026, this reporting year
1 April 2026 to 31 March 2027, last reporting year 1 April 2025 to 31 March 2026.

The hand-built fixture (``known``), with the working days from raising to closing worked out by
hand (a working day is any weekday but a bank holiday in England; the day raised is day 0):

D1 Ada, drift, raised Mon 2 Nov 2026 at stage 1, open: its response was due 9 Nov, overdue now.
D2 Ada, health, raised Mon 16 Nov 2026 at stage 2, open: response due 23 Nov (today), not late yet.
D3 Ben, drift, Mon 24 Aug to Mon 7 Sep 2026, resolved at stage 2:
   25-28 Aug (4) + 1-4 Sep (4) + 7 Sep (1); Mon 31 Aug is a bank holiday = 9.
D4 Ben, education, Mon 11 May to Mon 18 May 2026, resolved at stage 1: 12-15 May (4) + 18 May = 5.
D5 Ada, drift, Mon 13 Apr to Mon 8 Jun 2026, referred to CAFCASS:
   exactly 8 weeks = 40, less the 4 May and 25 May bank holidays = 38.
D6 Ada, placement, Mon 2 Mar to Tue 14 Apr 2026, withdrawn at stage 2: 6 weeks to Mon 13 Apr = 30,
   + 14 Apr = 31, less Good Friday 3 Apr and Easter Monday 6 Apr = 29. Raised last year, closed this.
D7 Ben, health, Mon 2 Jun to Mon 9 Jun 2025, resolved at stage 1: one week = 5. Last year only.
D8 Ben, assessments, Mon 26 Oct to Tue 10 Nov 2026, resolved at stage 1:
   27-30 Oct (4) + 2-6 Nov (5) + 9-10 Nov (2) = 11.

Priya (a part-time IRO) raised none: she still has a row, with zeros.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools

import pytest
import time_machine
from django.urls import reverse

from disputes import dashboard
from disputes.models import Dispute, DisputeStep, EscalationStage
from iro_service.models import AuditEvent
from tests.factories import make_child_in_care, make_iro

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
URL = "/disputes/dashboard/"
CSV_URL = "/disputes/dashboard.csv"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel("2026-11-23 10:00 +0000", tick=False):
        yield


def stage(number: int) -> EscalationStage:
    return EscalationStage.objects.get(number=number)


def unsaved_dispute(child, iro, *, category, opened_on, stage, status="open", closed_on=None) -> Dispute:
    return Dispute(
        child=child,
        raised_by=iro,
        category=category,
        issue="The plan has drifted.",
        impact_on_child="Uncertainty.",
        what_must_change="A plan.",
        change_by_whom="Team manager",
        change_by_when=opened_on + dt.timedelta(days=28),
        opened_on=opened_on,
        current_stage=stage,
        status=status,
        closed_on=closed_on,
    )


def unsaved_first_step(dispute: Dispute, *, due) -> DisputeStep:
    return DisputeStep(
        dispute=dispute,
        stage=dispute.current_stage,
        raised_on=dispute.opened_on,
        raised_by=dispute.raised_by,
        recipient_role="Social worker",
        response_due_on=due,
        ended_on=dispute.closed_on,
    )


def make_dispute(child, iro, *, category, opened_on, stage_number, status="open", closed_on=None, due=None):
    dispute = unsaved_dispute(
        child,
        iro,
        category=category,
        opened_on=opened_on,
        stage=stage(stage_number),
        status=status,
        closed_on=closed_on,
    )
    dispute.save()
    unsaved_first_step(dispute, due=due).save()
    return dispute


# The disputes of the module docstring: (child, category, raised, stage, status, closed, response due).
d = dt.date
KNOWN = {
    "D1": ("ada", "drift", d(2026, 11, 2), 1, "open", None, d(2026, 11, 9)),
    "D2": ("ada", "health", d(2026, 11, 16), 2, "open", None, d(2026, 11, 23)),
    "D3": ("ben", "drift", d(2026, 8, 24), 2, "resolved", d(2026, 9, 7), None),
    "D4": ("ben", "education", d(2026, 5, 11), 1, "resolved", d(2026, 5, 18), None),
    "D5": ("ada", "drift", d(2026, 4, 13), 7, "referred", d(2026, 6, 8), None),
    "D6": ("ada", "placement", d(2026, 3, 2), 2, "withdrawn", d(2026, 4, 14), None),
    "D7": ("ben", "health", d(2025, 6, 2), 1, "resolved", d(2025, 6, 9), None),
    "D8": ("ben", "assessments", d(2026, 10, 26), 1, "resolved", d(2026, 11, 10), None),
}
del d


@pytest.fixture
def known(iro, other_iro, part_time_iro):
    """The eight disputes of the module docstring, by name."""
    raisers = {
        "ada": (make_child_in_care(iro=iro, local_reference="ADA001", looked_after_on=dt.date(2024, 1, 8)), iro),
        "ben": (
            make_child_in_care(iro=other_iro, local_reference="BEN001", looked_after_on=dt.date(2024, 1, 8)),
            other_iro,
        ),
    }
    return {
        name: make_dispute(
            *raisers[who],
            category=category,
            opened_on=opened_on,
            stage_number=stage_number,
            status=status,
            closed_on=closed_on,
            due=due,
        )
        for name, (who, category, opened_on, stage_number, status, closed_on, due) in KNOWN.items()
    }


def get(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200
    return response


def stage_rows(response) -> dict[str, tuple]:
    """{stage label: (open now, overdue, closed in period, median, longest)} for non-empty rows."""
    return {
        row["label"]: (row["open_now"], row["overdue"], row["closed"], row["median"], row["longest"])
        for row in response.context["stages"]["rows"]
        if row["open_now"] or row["closed"]
    }


def stage_total(response) -> tuple:
    total = response.context["stages"]["total"]
    return (total["open_now"], total["overdue"], total["closed"], total["median"], total["longest"])


def iro_rows(response) -> dict[str, tuple]:
    return {
        row["name"]: (row["raised"], row["open_now"], row["resolved"], row["referred"], row["median"])
        for row in response.context["iros"]
    }


def category_rows(response) -> dict[str, list[int]]:
    """{category: [counts per column..., total]} for categories with any dispute."""
    return {r["label"]: [*r["counts"], r["total"]] for r in response.context["categories"]["rows"] if r["total"]}


def summary(response) -> dict[str, list[int]]:
    return {row["label"]: row["counts"] for row in response.context["summary"]}


# --- The figures, worked out by hand ---------------------------------------------------------


def test_this_reporting_year_by_default(client_for, manager, known):
    response = get(client_for(manager))
    assert response.context["period"] == dashboard.reporting_year(TODAY)
    # Raised, open or closed since 1 April 2026: all but D7.
    assert response.context["headline"] == {"open_now": 2, "overdue_now": 1, "referred": 1}
    # Columns: November 2026, then April 2026 to March 2027.
    assert summary(response) == {
        "Raised": [2, 6],  # D1, D2 | D1, D2, D3, D4, D5, D8
        "Resolved": [1, 3],  # D8 | D3, D4, D8
        "Withdrawn": [0, 1],  # D6 closed 14 April 2026
        "Referred to CAFCASS": [0, 1],  # D5
    }
    # Closed in the year by closing stage: stage 1 D4 5 and D8 11 (even: median 8); stage 2 D3 9
    # and D6 29 (median 19); CAFCASS D5 38; all five 5, 9, 11, 29, 38 (odd: median 11).
    assert stage_rows(response) == {
        "Stage 1: Social worker": (1, 1, 2, 8, 11),
        "Stage 2: Team manager": (1, 0, 2, 19, 29),
        "CAFCASS referral": (0, 0, 1, 38, 38),
    }
    assert stage_total(response) == (2, 1, 5, 11, 38)
    # Raised in the year by reporting quarter, up to today (no empty January to March column).
    assert response.context["categories"]["columns"] == ["Apr to Jun 2026", "Jul to Sep 2026", "Oct to Dec 2026"]
    assert category_rows(response) == {
        "Assessments": [0, 0, 1, 1],  # D8
        "Drift in the care plan": [1, 1, 1, 3],  # D5, D3, D1
        "Health provision": [0, 0, 1, 1],  # D2
        "Education provision": [1, 0, 0, 1],  # D4
    }
    assert response.context["categories"]["totals"] == [2, 1, 3]
    # Ada: raised D1, D2, D5 (D6 was raised last year); open D1, D2; referred D5; closed in the
    # year D5 38 and D6 29: median 33.5. Ben: raised and resolved D3, D4, D8: 9, 5, 11, median 9.
    assert iro_rows(response) == {
        "Ben Harris": (3, 0, 3, 0, 9),
        "Ada Okafor": (3, 2, 0, 1, 33.5),
        "Priya Shah": (0, 0, 0, 0, None),
    }
    assert list(iro_rows(response)) == ["Ben Harris", "Ada Okafor", "Priya Shah"]  # by surname
    html = response.content.decode()
    assert "Dispute dashboard" in html
    assert "33.5" in html
    caption = '<caption id="raised-and-closed-caption" class="govuk-table__caption govuk-table__caption--m">'
    assert f"{caption}Disputes raised and closed" in html


def test_last_reporting_year(client_for, manager, known):
    response = get(client_for(manager), period="last_year")
    # Raised by 31 March 2026 and open on or after 1 April 2025: D6 and D7.
    assert response.context["headline"] == {"open_now": 0, "overdue_now": 0, "referred": 0}
    assert summary(response)["Raised"] == [2, 6, 2]  # November, this year, then last year: D6, D7
    assert summary(response)["Resolved"] == [1, 3, 1]  # D7
    # Only D7 closed in last year (D6 closed on 14 April 2026, in this year).
    assert stage_rows(response) == {"Stage 1: Social worker": (0, 0, 1, 5, 5)}
    assert response.context["categories"]["columns"] == [
        "Apr to Jun 2025",
        "Jul to Sep 2025",
        "Oct to Dec 2025",
        "Jan to Mar 2026",
    ]
    assert category_rows(response) == {
        "Health provision": [1, 0, 0, 0, 1],
        "Placement choice or standard of care": [0, 0, 0, 1, 1],
    }
    assert iro_rows(response)["Ada Okafor"] == (1, 0, 0, 0, None)  # D6 raised; withdrawn after the year
    assert iro_rows(response)["Ben Harris"] == (1, 0, 1, 0, 5)  # D7


def test_this_month_counts_by_month(client_for, manager, known):
    response = get(client_for(manager), period="this_month")
    # Raised by 30 November and open on or after 1 November: D1, D2, D8.
    assert response.context["categories"]["columns"] == ["Nov 2026"]
    assert category_rows(response) == {"Drift in the care plan": [1, 1], "Health provision": [1, 1]}  # D8: October
    assert stage_rows(response) == {
        "Stage 1: Social worker": (1, 1, 1, 11, 11),  # D1 open; D8 closed 10 Nov after 11 working days
        "Stage 2: Team manager": (1, 0, 0, None, None),
    }
    assert len(response.context["summary_periods"]) == 2  # the period is this month's column


def test_custom_period_counts_by_month(client_for, manager, known):
    response = get(client_for(manager), period="custom", from_date="2026-05-01", to_date="2026-08-31")
    # Raised by 31 August, open on or after 1 May: D3, D4, D5. Closed in it: D4 (5), D5 (38).
    assert response.context["period"] == dashboard.between(dt.date(2026, 5, 1), dt.date(2026, 8, 31))
    assert stage_total(response) == (0, 0, 2, 21.5, 38)
    assert response.context["categories"]["columns"] == ["May 2026", "Jun 2026", "Jul 2026", "Aug 2026"]
    assert category_rows(response) == {
        "Drift in the care plan": [0, 0, 0, 1, 1],
        "Education provision": [1, 0, 0, 0, 1],
    }
    assert summary(response)["Raised"] == [2, 6, 2]  # D3 and D4 in the period
    assert "1 May 2026 to 31 August 2026" in response.content.decode()


def test_a_custom_period_without_dates_is_an_error_and_shows_this_year(client_for, manager, known):
    response = get(client_for(manager), period="custom", from_date="2026-05-01")
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the last day of the period" in html
    assert "<title>Dispute dashboard (error)" in html
    assert response.context["period"] == dashboard.reporting_year(TODAY)
    assert stage_total(response) == (2, 1, 5, 11, 38)


def test_dates_in_the_wrong_order_are_an_error(client_for, manager, known):
    response = get(client_for(manager), period="custom", from_date="2026-08-31", to_date="2026-05-01")
    assert "The last day must be the same as or after the first day" in response.content.decode()


def test_filtering_by_iro(client_for, manager, known, other_iro):
    response = get(client_for(manager), iro=other_iro.pk)
    assert response.context["headline"] == {"open_now": 0, "overdue_now": 0, "referred": 0}
    assert summary(response) == {
        "Raised": [0, 3],
        "Resolved": [1, 3],
        "Withdrawn": [0, 0],
        "Referred to CAFCASS": [0, 0],
    }
    assert stage_total(response) == (0, 0, 3, 9, 11)  # D4 5, D3 9, D8 11
    assert iro_rows(response) == {"Ben Harris": (3, 0, 3, 0, 9)}
    assert category_rows(response) == {
        "Assessments": [0, 0, 1, 1],
        "Drift in the care plan": [0, 1, 0, 1],
        "Education provision": [1, 0, 0, 1],
    }


def test_filtering_by_category(client_for, manager, known):
    response = get(client_for(manager), category="drift")
    # D1 (open, overdue), D3 (9 working days, stage 2), D5 (38, CAFCASS): median of two = 23.5.
    assert stage_rows(response) == {
        "Stage 1: Social worker": (1, 1, 0, None, None),
        "Stage 2: Team manager": (0, 0, 1, 9, 9),
        "CAFCASS referral": (0, 0, 1, 38, 38),
    }
    assert stage_total(response) == (1, 1, 2, 23.5, 38)
    assert summary(response)["Raised"] == [1, 3]
    assert iro_rows(response) == {
        "Ben Harris": (1, 0, 1, 0, 9),
        "Ada Okafor": (2, 1, 0, 1, 38),
        "Priya Shah": (0, 0, 0, 0, None),
    }
    # The open-disputes link keeps the category, so the list shows the same disputes.
    stage1 = next(r for r in response.context["stages"]["rows"] if r["label"].startswith("Stage 1"))
    assert stage1["url"] == f"{reverse('disputes:list')}?stage={stage(1).pk}&status=open&category=drift"


def test_filtering_by_stage_and_outcome(client_for, manager, known):
    response = get(client_for(manager), stage=stage(2).pk)
    assert stage_rows(response) == {"Stage 2: Team manager": (1, 0, 2, 19, 29)}  # D2 open; D3, D6 closed
    response = get(client_for(manager), status="resolved")
    assert stage_total(response) == (0, 0, 3, 9, 11)  # D4 5, D3 9, D8 11
    assert summary(response)["Withdrawn"] == [0, 0]


def test_open_counts_link_to_the_dispute_list(client_for, manager, known):
    response = get(client_for(manager))
    href = f"{reverse('disputes:list')}?stage={stage(1).pk}&amp;status=open"
    assert f'<a class="govuk-link" href="{href}">1<span class="govuk-visually-hidden"> open at Stage 1' in (
        response.content.decode()
    )


def test_the_csv_link_keeps_the_filters(client_for, manager, known, other_iro):
    response = get(client_for(manager), iro=other_iro.pk, category="drift")
    assert f'href="{CSV_URL}?iro={other_iro.pk}&amp;category=drift&amp;period=this_year"' in response.content.decode()


def test_an_empty_service_shows_zeros(client_for, manager):
    response = get(client_for(manager))
    assert stage_total(response) == (0, 0, 0, None, None)
    assert response.context["categories"]["total"] == 0
    assert "No IROs to show." in response.content.decode()


# --- Who may see it --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, CSV_URL])
@pytest.mark.parametrize(
    ("who", "status"), [("manager", 200), ("iro", 403), ("committee", 403), ("administrator", 403)]
)
def test_only_managers_see_the_dashboard(client_for, request, url, who, status):
    response = client_for(request.getfixturevalue(who)).get(url)
    assert response.status_code == status


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


# --- The CSV export --------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def resolved_by_ben(dispute_id, category, raised, stage_number, stage_label, closed, working_days) -> list[str]:
    """One CSV row, as text, for a dispute of Ben's child that was resolved."""
    outcome = "Resolved to the IRO's satisfaction"
    return [
        str(dispute_id),
        "BEN001",
        category,
        raised,
        stage_number,
        stage_label,
        outcome,
        closed,
        working_days,
        "Ben Harris",
    ]


def test_csv_has_one_row_per_filtered_dispute_and_is_audited(client_for, manager, known, other_iro):
    response = client_for(manager).get(CSV_URL, {"iro": other_iro.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="disputes-2026-11-23.csv"'
    rows = read_csv(response)
    assert rows[0] == dashboard.EXPORT_HEADER
    d3, d4, d8 = known["D3"].pk, known["D4"].pk, known["D8"].pk
    assert rows[1:] == [  # newest first; D7 was closed last year
        resolved_by_ben(d8, "Assessments", "2026-10-26", "1", "Stage 1: Social worker", "2026-11-10", "11"),
        resolved_by_ben(d3, "Drift in the care plan", "2026-08-24", "2", "Stage 2: Team manager", "2026-09-07", "9"),
        resolved_by_ben(d4, "Education provision", "2026-05-11", "1", "Stage 1: Social worker", "2026-05-18", "5"),
    ]
    event = AuditEvent.objects.get(summary="Dispute dashboard CSV exported")
    assert (event.actor, event.action, event.child_id) == (manager, "listed", None)
    assert event.changes["dispute_ids"] == [d8, d3, d4]


def test_csv_counts_open_disputes_to_today(client_for, manager, known):
    rows = read_csv(client_for(manager).get(CSV_URL, {"status": "open"}))
    # D2 raised Mon 16 Nov: 5 working days to Mon 23 Nov; D1 raised Mon 2 Nov: 15.
    assert [(r[0], r[7], r[8]) for r in rows[1:]] == [(str(known["D2"].pk), "", "5"), (str(known["D1"].pk), "", "15")]


def test_csv_neutralises_spreadsheet_formulas(client_for, manager, iro):
    child = make_child_in_care(iro=iro, local_reference="=HYPERLINK(1)")
    make_dispute(child, iro, category="drift", opened_on=dt.date(2026, 11, 2), stage_number=1)
    rows = read_csv(client_for(manager).get(CSV_URL))
    assert rows[1][1] == "'=HYPERLINK(1)"


# --- Periods and columns ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (dt.date(2026, 3, 31), dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
        (dt.date(2027, 1, 15), dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
    ],
)
def test_the_reporting_year_runs_from_1_april_to_31_march(today, start, end):
    assert dashboard.reporting_year(today).range == (start, end)
    assert dashboard.reporting_year(today, years_back=1).range == (
        start.replace(year=start.year - 1),
        end.replace(year=end.year - 1),
    )


@pytest.mark.parametrize(
    ("start", "end", "kind", "columns"),
    [
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28), "month", 1),
        (dt.date(2026, 1, 10), dt.date(2026, 6, 30), "month", 6),
        (dt.date(2026, 1, 10), dt.date(2026, 7, 1), "quarter", 3),  # Jan-Mar, Apr-Jun, Jul-Sep
        (dt.date(2023, 4, 1), dt.date(2026, 3, 31), "quarter", 12),
        (dt.date(2022, 4, 1), dt.date(2026, 3, 31), "reporting year", 4),
    ],
)
def test_the_categories_table_uses_months_quarters_or_years(start, end, kind, columns):
    period = dashboard.between(start, end)
    result = dashboard.categories_over_time(Dispute.objects.none(), period=period, today=TODAY)
    assert (result["kind"], len(result["columns"])) == (kind, columns)


# --- A fixed number of queries ---------------------------------------------------------------


def bulk_disputes(iros, count: int) -> None:
    """``count`` disputes over five children and three IROs, in every status, across the year."""
    children = [make_child_in_care(iro=iros[i % 3], looked_after_on=dt.date(2024, 1, 8)) for i in range(5)]
    stages = {s.number: s for s in EscalationStage.objects.all()}
    categories = itertools.cycle(["drift", "health", "education", "placement", "assessments"])
    statuses = itertools.cycle(["open", "resolved", "withdrawn", "referred"])
    disputes = []
    for i in range(count):
        status = next(statuses)
        opened = TODAY - dt.timedelta(days=5 + i % 300)
        closed = None if status == "open" else min(opened + dt.timedelta(days=3 + i % 40), TODAY)
        stage_now = stages[7 if status == "referred" else 1 + i % 3]
        disputes.append(
            unsaved_dispute(
                children[i % 5],
                iros[i % 3],
                category=next(categories),
                opened_on=opened,
                stage=stage_now,
                status=status,
                closed_on=closed,
            )
        )
    created = Dispute.objects.bulk_create(disputes)
    DisputeStep.objects.bulk_create(unsaved_first_step(d, due=d.opened_on + dt.timedelta(days=7)) for d in created)


@pytest.mark.parametrize("size", [10, 1000])
@pytest.mark.parametrize(("url", "query", "max_queries"), [(URL, {}, 16), (URL, {"iro": "iro"}, 16), (CSV_URL, {}, 7)])
def test_a_fixed_number_of_queries_whatever_the_number_of_disputes(
    client_for,
    django_assert_max_num_queries,
    request,
    manager,
    iro,
    other_iro,
    part_time_iro,
    url,
    query,
    max_queries,
    size,
):
    bulk_disputes([iro, other_iro, part_time_iro], size)
    assert Dispute.objects.count() == size
    query = {k: (iro.pk if v == "iro" else v) for k, v in query.items()}
    client = client_for(manager)
    client.get(url, query)  # warm up anything cached per process (the bank holidays)
    with django_assert_max_num_queries(max_queries) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    request.node.user_properties.append(("queries", len(captured)))
    if url == CSV_URL:
        in_year = dashboard.active_between(Dispute.objects.all(), dashboard.reporting_year(TODAY)).count()
        assert len(read_csv(response)) == 1 + in_year


def test_the_per_iro_table_shows_fifty_iros_a_page_keeping_the_filters(client_for, manager, team):
    """Every IRO has a row, even with no dispute; a hosted service's hundreds come a page at a time."""
    for n in range(52):
        make_iro(username=f"iro_{n:02d}", first_name="Iro", last_name=f"{n:02d}", team=team)
    client = client_for(manager)

    first = client.get(URL, {"period": "last_year"})
    second = client.get(URL, {"period": "last_year", "iros_page": 2})

    assert [row["name"] for row in first.context["iros"]] == [f"Iro {n:02d}" for n in range(50)]
    assert [row["name"] for row in second.context["iros"]] == ["Iro 50", "Iro 51"]
    page = first.content.decode()
    assert "IROs 1 to 50 of 52, by name." in page
    assert 'href="?period=last_year&amp;iros_page=2#by-iro"' in page
    assert 'href="?period=last_year&amp;iros_page=1#by-iro"' in second.content.decode()  # no page number twice
