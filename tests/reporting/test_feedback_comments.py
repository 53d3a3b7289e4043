"""The manager's feedback comments page and the quotes chosen from it
(docs/rules.md#the-childs-voice): the committee never sees a comment; the report prints only the
chosen quotes, with words that name nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from iro_service.models import AuditEvent
from iro_service.periods import ReportingYear
from reporting.figures.report import annual_report_sections
from reporting.pdf import render_annual_report_pdf
from tests.reporting.test_figures_voice import SCOPE, SCRIPT_COMMENT, YEAR, _review, answer, feedback_world
from tests.reporting.test_pdf import poppler
from tests.reviews.factories import child_in_care
from voice.models import FeedbackQuote
from voice.services.quotes import QUOTE_LIMIT, feedback_quote_choose, feedback_quote_withdraw, quote_attribution

COMMENTS = reverse("reporting:feedback_comments", kwargs={"year": "2025-26"})


@pytest.fixture
def world(iro, other_iro):
    return feedback_world(iro, other_iro)


def quote_url(response) -> str:
    return reverse("reporting:feedback_quote", kwargs={"year": "2025-26", "pk": response.pk})


@pytest.mark.django_db
def test_the_manager_sees_the_years_comments_newest_first_without_names_and_escaped(world, manager, client_for):
    page = client_for(manager).get(COMMENTS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Too many people" in html
    assert "My son Bilal is doing well" in html  # the manager reads it all, and edits what to quote
    for child in world["children"]:
        assert f">{child.first_name}" not in html and child.last_name not in html
    assert "A child aged under 11" in html
    assert "A young person aged 11 to 15" in html
    assert "A parent" in html
    assert "Comments (3)" in html  # only comments of reviews held in 2025-26


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["committee", "iro", "administrator"])
def test_nobody_but_the_manager_sees_the_comments(world, who, request, client_for):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(COMMENTS).status_code == 403
    assert client.get(quote_url(world["responses"][0])).status_code == 403
    assert client.post(quote_url(world["responses"][0]), {"text": "x"}).status_code == 403
    assert not FeedbackQuote.objects.exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(world, client):
    assert client.get(COMMENTS).status_code == 302


@pytest.mark.django_db
def test_using_a_comment_as_a_quote_saves_the_edited_words_with_an_attribution_and_audits_it(
    world, manager, client_for
):
    response = world["responses"][2]
    client = client_for(manager)
    form = client.get(quote_url(response))
    assert form.status_code == 200
    assert "Too many people" in form.content.decode()
    done = client.post(quote_url(response), {"text": "  Too many people came.  "})
    assert done.status_code == 302
    quote = FeedbackQuote.objects.get()
    assert (quote.text, quote.attribution, quote.year_label) == (
        "Too many people came.",
        "A young person aged 11 to 15",
        "2025-26",
    )
    assert quote.chosen_by == manager
    event = AuditEvent.objects.filter(summary__startswith="Feedback comment quoted").get()
    assert event.child_id == response.child_id
    page = client.get(COMMENTS).content.decode()
    assert "Too many people came." in page and "Quoted" in page


@pytest.mark.django_db
def test_a_quote_too_long_or_empty_is_refused_naming_the_field(world, manager, client_for):
    client = client_for(manager)
    refused = client.post(quote_url(world["responses"][2]), {"text": "x" * (QUOTE_LIMIT + 1)})
    assert refused.status_code == 400
    assert f"{QUOTE_LIMIT} characters or fewer" in refused.content.decode()
    assert client.post(quote_url(world["responses"][2]), {"text": ""}).status_code == 400
    assert not FeedbackQuote.objects.exists()


@pytest.mark.django_db
def test_a_comment_quoted_once_is_not_quoted_twice_until_withdrawn(world, manager, client_for):
    response = world["responses"][0]
    first = feedback_quote_choose(response=response, text="I liked my IRO", by=manager)
    with pytest.raises(ValidationError):
        feedback_quote_choose(response=response, text="Again", by=manager)
    withdraw = reverse("reporting:feedback_quote_withdraw", kwargs={"pk": first.pk})
    assert client_for(manager).post(withdraw).status_code == 302
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert feedback_quote_choose(response=response, text="Again", by=manager).text == "Again"


@pytest.mark.django_db
def test_only_the_manager_chooses_or_withdraws_quotes(world, manager, iro, committee, client_for):
    with pytest.raises(PermissionDenied):
        feedback_quote_choose(response=world["responses"][0], text="x", by=iro)
    quote = feedback_quote_choose(response=world["responses"][0], text="x", by=manager)
    with pytest.raises(PermissionDenied):
        feedback_quote_withdraw(quote=quote, by=committee)
    withdraw = reverse("reporting:feedback_quote_withdraw", kwargs={"pk": quote.pk})
    assert client_for(committee).post(withdraw).status_code == 403


@pytest.mark.django_db
def test_an_answer_with_no_comment_cannot_be_quoted(world, manager):
    with pytest.raises(ValidationError):
        feedback_quote_choose(response=world["responses"][1], text="Made up", by=manager)


@pytest.mark.django_db
def test_attribution_names_the_age_band_or_the_adult_never_the_person(world):
    responses = world["responses"]
    assert quote_attribution(responses[0]) == "A child aged under 11"
    assert quote_attribution(responses[4]) == "A young person aged 11 to 15"
    assert quote_attribution(responses[5]) == "A young person aged 16 or over"


@pytest.mark.django_db
def test_the_comments_page_takes_the_same_queries_at_two_sizes(iro, manager, client_for, django_assert_max_num_queries):
    client = client_for(manager)
    child = child_in_care(iro, dt.date(2023, 1, 1), date_of_birth=dt.date(2012, 1, 1))

    def add(n):
        for day in range(n):
            review = _review(child, iro, dt.date(2025, 5, 1) + dt.timedelta(days=len(added) + day))
            answer(review, by=iro, answers={"know_plan": "yes", "comment": f"Comment {day}"})
        added.extend(range(n))

    added: list[int] = []
    add(2)
    client.get(COMMENTS)  # warm the session and the caches
    with django_assert_max_num_queries(14) as small:
        page = client.get(COMMENTS)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Comment 1") < html.index("Comment 0")  # newest first
    add(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(COMMENTS).status_code == 200


@pytest.mark.django_db
def test_the_pdf_prints_the_figures_and_the_chosen_quotes_and_no_other_comment(world, manager, tmp_path):
    feedback_quote_choose(response=world["responses"][0], text=SCRIPT_COMMENT, by=manager)
    sections = annual_report_sections(YEAR, scope=SCOPE)
    pdf = render_annual_report_pdf(
        year=YEAR,
        sections=sections,
        narrative=None,
        authority_name="Testshire Council",
        generated_at=dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC),
        version_label="Version 1",
    )
    text = " ".join(poppler("pdftotext", pdf, "-layout", tmp=tmp_path).split())
    assert "Children who know what is in their plan" in text
    assert "5 (62.5%) yes, 2 (25%) no, 1 (12.5%) sort of, answered by 8" in text
    assert "Children's feedback forms sent and answered, by age" in text
    assert "How children's views were conveyed" in text
    # The chosen quote, as written (escaped in the HTML, so printed as text), with its attribution.
    assert "I liked my IRO <script>alert(1)</script>" in text
    assert "A child aged under 11" in text
    # No comment that was not chosen.
    assert "Too many people" not in text
    assert "My son Bilal" not in text
    # One section: the figures print in the manager's "Children's feedback" part.
    assert text.count("Children's feedback") >= 1
    assert "Children's feedback forms answered" in text


@pytest.mark.django_db
def test_the_dashboard_prints_the_chosen_quotes_of_the_year_in_progress(world, manager, client_for):
    this_year = ReportingYear.containing(timezone.localdate()).label  # the dashboard's year
    FeedbackQuote.objects.create(
        response=world["responses"][0], year_label=this_year, text=SCRIPT_COMMENT, attribution="A", chosen_by=manager
    )
    page = client_for(manager).get(reverse("reporting:dashboard"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Children&#x27;s feedback" in html or "Children's feedback" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Too many people" not in html
