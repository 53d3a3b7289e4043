"""The disputes panels other apps show through settings: "Disputes since the last review" on the
review record form (REVIEW_FORM_SECTIONS) and "Disputes" on the child's record
(CHILD_RECORD_SECTIONS), each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes import services
from disputes.sections import child_disputes, disputes_since_last_review
from tests.disputes.factories import TODAY, raise_dispute
from tests.factories import make_child_in_care
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(iro):
    return make_child_in_care(iro=iro, looked_after_on=dt.date(2025, 1, 6), first_name="Kit", last_name="Marsh")


def resolve(dispute, by, on: dt.date):
    return services.dispute_resolve(dispute=dispute, by=by, closed_on=on, outcome_note="Plan agreed.", today=TODAY)


@pytest.fixture
def history(child, iro, other_iro):
    """The last review held on 1 June 2026; four disputes about Kit, one about another child."""
    held_review(child, iro=iro, held_on=dt.date(2026, 6, 1))
    before = raise_dispute(child, iro, category="drift", raised_on=dt.date(2026, 3, 2))
    resolve(before, iro, dt.date(2026, 4, 1))  # all before the review: not reported
    escalated = raise_dispute(child, iro, category="health", raised_on=dt.date(2026, 3, 2))
    services.dispute_escalate(dispute=escalated, by=iro, to_stage=2, raised_on=dt.date(2026, 7, 1), today=TODAY)
    resolved_since = raise_dispute(child, iro, category="education", raised_on=dt.date(2026, 5, 4))
    resolve(resolved_since, iro, dt.date(2026, 6, 15))
    new = raise_dispute(child, iro, category="placement", raised_on=dt.date(2026, 11, 2))
    other = make_child_in_care(iro=other_iro, looked_after_on=dt.date(2025, 1, 6))
    raise_dispute(other, other_iro, category="assessments", raised_on=dt.date(2026, 11, 2))
    return {"before": before, "escalated": escalated, "resolved_since": resolved_since, "new": new}


# Disputes since the last review -------------------------------------------------------------


def test_the_section_lists_what_happened_to_each_dispute_since_the_last_review(child, iro, history):
    section = disputes_since_last_review(child=child, user=iro, today=TODAY)

    assert section["template"] == "disputes/_since_last_review.html"
    assert (section["since"], section["since_what"]) == (dt.date(2026, 6, 1), "last review")
    assert [(row.dispute, row.stage, row.events) for row in section["rows"]] == [
        (history["escalated"], "Stage 2: Team manager", ["Escalated to stage 2 on 1 July 2026"]),
        (
            history["resolved_since"],
            "Stage 1: Social worker",
            ["Resolved to the IRO's satisfaction on 15 June 2026"],
        ),
        (history["new"], "Stage 1: Social worker", ["Raised at stage 1 on 2 November 2026"]),
    ]


def test_a_bypassed_stage_is_reported_with_its_reason(child, iro):
    held_review(child, iro=iro, held_on=dt.date(2026, 6, 1))
    dispute = raise_dispute(child, iro, category="health", raised_on=dt.date(2026, 11, 2))
    services.dispute_escalate(
        dispute=dispute,
        by=iro,
        to_stage=3,
        bypass_reason="The team manager is away until January.",
        raised_on=dt.date(2026, 11, 4),
        today=TODAY,
    )
    (row,) = disputes_since_last_review(child=child, user=iro, today=TODAY)["rows"]
    assert row.events == [
        "Raised at stage 1 on 2 November 2026",
        "Escalated from stage 1 to stage 3 on 4 November 2026, bypassing stages: The team manager is away until "
        "January.",
    ]


def test_the_review_form_shows_the_disputes_since_the_last_review_and_not_older_ones(client_for, child, iro, history):
    page = client_for(iro).get(reverse("reviews:record", args=[child.pk])).text

    heading = page.index("Disputes since the last review")
    assert heading < page.index("Decisions and actions")
    assert "since the last review on 1 June 2026" in page
    for shown in ("Health provision", "Education provision", "Placement choice or standard of care"):
        assert shown in page
    assert "Escalated to stage 2 on 1 July 2026" in page
    assert "Raised at stage 1 on 2 November 2026" in page
    assert "Resolved to the IRO&#x27;s satisfaction on 15 June 2026" in page
    assert "Drift in the care plan" not in page  # raised and resolved before the review
    assert "Assessments" not in page  # another child's


def test_before_the_first_review_it_counts_from_the_start_of_the_period_of_care(client_for, child, iro):
    raise_dispute(child, iro, category="health", raised_on=dt.date(2025, 2, 3))
    page = client_for(iro).get(reverse("reviews:record", args=[child.pk])).text

    assert "since the start of this period of care on 6 January 2025" in page
    assert "Health provision" in page
    assert "Raised at stage 1 on 3 February 2025" in page


def test_with_no_disputes_the_section_says_none(client_for, child, iro):
    held_review(child, iro=iro, held_on=dt.date(2026, 6, 1))
    page = client_for(iro).get(reverse("reviews:record", args=[child.pk])).text

    section = page[page.index("Disputes since the last review") : page.index("Decisions and actions")]
    assert '<p class="govuk-body">None.</p>' in section
    assert "govuk-table" not in section


def test_the_changed_record_form_shows_the_section_too(client_for, child, iro, history):
    review = child.reviews.get()
    page = client_for(iro).get(reverse("reviews:edit", args=[review.pk])).text
    assert "Disputes since the last review" in page


def test_the_section_takes_three_queries_whatever_the_number_of_disputes(child, iro, history):
    iro.has_perm("disputes.raise_dispute")  # the permissions are read once per request already
    with CaptureQueriesContext(connection) as few:
        disputes_since_last_review(child=child, user=iro, today=TODAY)
    for n in range(6):
        dispute = raise_dispute(child, iro, raised_on=dt.date(2026, 10, 1 + n))
        services.dispute_escalate(dispute=dispute, by=iro, to_stage=2, raised_on=dt.date(2026, 10, 9), today=TODAY)
    with CaptureQueriesContext(connection) as many:
        section = disputes_since_last_review(child=child, user=iro, today=TODAY)

    assert len(section["rows"]) == 9
    assert len(many) == len(few) == 3, [q["sql"] for q in many.captured_queries]


def test_the_review_form_takes_the_same_number_of_queries_for_1_and_for_10_disputes(client_for, child, iro):
    held_review(child, iro=iro, held_on=dt.date(2026, 6, 1))
    raise_dispute(child, iro, raised_on=dt.date(2026, 7, 1))
    client = client_for(iro)
    url = reverse("reviews:record", args=[child.pk])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(9):
        dispute = raise_dispute(child, iro, raised_on=dt.date(2026, 10, 1 + n))
        services.dispute_escalate(dispute=dispute, by=iro, to_stage=2, raised_on=dt.date(2026, 10, 12), today=TODAY)
    with CaptureQueriesContext(connection) as ten:
        page = client.get(url).text

    assert page.count("Escalated to stage 2 on 12 October 2026") == 9
    assert len(ten) == len(one)


# The disputes panel of the child's record -----------------------------------------------------


def test_the_child_record_shows_the_disputes_with_links_and_the_raise_link(client_for, child, iro, history):
    page = client_for(iro).get(reverse("children:detail", args=[child.pk])).text

    assert '<h2 class="govuk-heading-m">Disputes</h2>' in page
    assert "2 open, 2 closed." in page
    for open_dispute in (history["escalated"], history["new"]):
        assert f'href="{reverse("disputes:detail", args=[open_dispute.pk])}"' in page
    for closed in (history["before"], history["resolved_since"]):
        assert f'href="{reverse("disputes:detail", args=[closed.pk])}"' not in page
    assert "Stage 2: Team manager" in page
    assert f'href="{reverse("disputes:raise", args=[child.pk])}"' in page
    assert page.index('<h2 class="govuk-heading-m">Reviews</h2>') < page.index(
        '<h2 class="govuk-heading-m">Disputes</h2>'
    )


def test_a_manager_sees_the_disputes_but_no_raise_link(client_for, child, manager, history):
    page = client_for(manager).get(reverse("children:detail", args=[child.pk])).text

    assert "2 open, 2 closed." in page
    assert f'href="{reverse("disputes:detail", args=[history["new"].pk])}"' in page
    assert reverse("disputes:raise", args=[child.pk]) not in page


def test_the_panel_marks_a_response_past_its_date(child, iro):
    dispute = raise_dispute(child, iro)  # stage 1 response due 9 November 2026
    answered = raise_dispute(child, iro, category="health")
    services.dispute_record_response(
        dispute=answered, by=iro, responded_on=dt.date(2026, 11, 5), response="Done.", today=TODAY
    )

    section = child_disputes(child=child, user=iro, today=dt.date(2026, 11, 10))

    rows = {row.dispute.pk: row for row in section["open_rows"]}
    assert (rows[dispute.pk].response_due_on, rows[dispute.pk].response_overdue) == (dt.date(2026, 11, 9), True)
    assert (rows[answered.pk].responded_on, rows[answered.pk].response_overdue) == (dt.date(2026, 11, 5), False)
    assert (section["open_count"], section["closed_count"]) == (2, 0)


def test_the_panel_takes_two_queries_and_the_record_page_a_fixed_number(client_for, child, iro, history):
    iro.has_perm("disputes.raise_dispute")
    with CaptureQueriesContext(connection) as few:
        child_disputes(child=child, user=iro, today=TODAY)
    client = client_for(iro)
    url = reverse("children:detail", args=[child.pk])
    with CaptureQueriesContext(connection) as page_few:
        client.get(url)
    for n in range(8):
        raise_dispute(child, iro, raised_on=dt.date(2026, 10, 1 + n))
    with CaptureQueriesContext(connection) as many:
        section = child_disputes(child=child, user=iro, today=TODAY)
    with CaptureQueriesContext(connection) as page_many:
        page = client.get(url).text

    assert len(section["open_rows"]) == 10
    assert "10 open, 2 closed." in page
    assert len(many) == len(few) == 2
    assert len(page_many) == len(page_few)
