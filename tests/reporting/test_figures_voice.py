"""reporting.figures.voice: children's feedback counted by hand (docs/rules.md#the-childs-voice).

The fixture is twelve children's feedback answers over two reporting years and three age bands,
with a replaced link, an expired unanswered one, a parent's and a carer's answers, consultation
answers and reviews with PN6; every expected figure below was worked out by hand from it.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from iro_service.periods import ReportingYear
from reporting.csv_export import tables_csv
from reporting.figures import Scope
from reporting.figures.report import SECTION_MODULES, annual_report_sections, report_years
from reporting.figures.voice import sections
from reviews.models import Review
from tests.reviews.factories import child_in_care
from tests.voice.factories import contact
from voice.codes import FormKind, Purpose, Respondent
from voice.models import FeedbackQuote, VoiceLink, VoiceResponse

YEAR = ReportingYear(2025)
TODAY = dt.date(2026, 5, 1)
SCOPE = Scope(today=TODAY)
AT = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)


def _review(child, chair, held_on: dt.date, code: str = "PN1") -> Review:
    return Review.objects.create(
        child=child, chair=chair, created_by=chair, status="held", held_on=held_on, participation_code=code
    )


def link(review, *, by, purpose=Purpose.FEEDBACK, respondent=Respondent.CHILD, who=None, **fields) -> VoiceLink:
    kind = {
        (Purpose.FEEDBACK, Respondent.CHILD): FormKind.FEEDBACK_YOUNG,
        (Purpose.FEEDBACK, Respondent.PARENT): FormKind.FEEDBACK_PARENT,
        (Purpose.FEEDBACK, Respondent.CARER): FormKind.FEEDBACK_CARER,
        (Purpose.CONSULTATION, Respondent.CHILD): FormKind.CONSULT_YOUNG,
    }[(purpose, respondent)]
    fields.setdefault("expires_at", AT)
    return VoiceLink.objects.create(
        review=review,
        child=review.child,
        purpose=purpose,
        form_kind=kind,
        respondent=respondent,
        contact=who,
        name="Someone",
        channel="email",
        token_hash=uuid.uuid4().hex,
        created_by=by,
        **fields,
    )


def answer(review, *, by, answers: dict, purpose=Purpose.FEEDBACK, respondent=Respondent.CHILD, who=None):
    sent = link(review, by=by, purpose=purpose, respondent=respondent, who=who, submitted_at=AT)
    born = review.child.date_of_birth
    held = review.held_on
    age = held.year - born.year - ((held.month, held.day) < (born.month, born.day))
    return VoiceResponse.objects.create(
        link=sent,
        review=review,
        child=review.child,
        purpose=purpose,
        form_kind=sent.form_kind,
        respondent=respondent,
        answers=answers,
        child_age=age,
        submitted_at=AT,
    )


def _said(know, involved, better, felt=None, comment=None) -> dict:
    said = {"know_plan": know, "involved": involved, "better": better, "felt": felt, "comment": comment}
    return {key: value for key, value in said.items() if value}


SCRIPT_COMMENT = "I liked my IRO <script>alert(1)</script>"


def feedback_world(iro, other_iro) -> dict:
    """The hand-worked fixture (see the module docstring)."""
    start = dt.date(2023, 1, 1)
    young = child_in_care(iro, start, first_name="Amara", date_of_birth=dt.date(2017, 6, 1))  # 7 to 8: under 11
    middle = child_in_care(iro, start, first_name="Bilal", date_of_birth=dt.date(2012, 1, 10))  # 12 to 14
    turning = child_in_care(iro, start, first_name="Dana", date_of_birth=dt.date(2014, 9, 1))  # 11 on 1 Sep 2025
    older = child_in_care(iro, start, first_name="Cora", date_of_birth=dt.date(2007, 5, 1))  # 16 to 18
    rows = [
        # 2025-26
        (young, dt.date(2025, 5, 10), iro, "PN1", _said("yes", "yes", "yes", "good", SCRIPT_COMMENT)),
        (young, dt.date(2025, 11, 10), iro, "PN1", _said("no", "sort_of", "yes", "ok")),
        (middle, dt.date(2025, 6, 1), iro, "PN6", _said("yes", "no", "sort_of", "not_good", "Too many people")),
        (middle, dt.date(2025, 12, 1), iro, "PN1", _said("yes", None, "no", "good")),
        (turning, dt.date(2025, 9, 1), iro, "PN1", _said("sort_of", "yes", "yes", "ok")),
        (older, dt.date(2025, 7, 1), iro, "PN6", _said("no", "no", "no")),
        (older, dt.date(2026, 1, 15), iro, "PN1", _said("yes", "yes", "sort_of", "good")),
        (older, dt.date(2026, 3, 31), other_iro, "PN1", _said("yes", "yes", "yes", "good")),
        # 2024-25
        (young, dt.date(2024, 6, 1), iro, "PN1", _said("yes", "yes", "yes", "good")),
        (middle, dt.date(2024, 7, 1), iro, "PN1", _said("no", "yes", "sort_of", "ok")),
        (older, dt.date(2024, 4, 15), iro, "PN1", _said("yes", "no", "no", "not_good")),
        (older, dt.date(2025, 3, 31), iro, "PN1", _said("sort_of", "sort_of", "yes", "good")),
        # 2026-27: after the report's year
        (older, dt.date(2026, 4, 1), iro, "PN1", _said("no", "no", "no", "good")),
    ]
    reviews, responses = [], []
    for child, held_on, chair, code, said in rows:
        review = _review(child, chair, held_on, code)
        reviews.append(review)
        responses.append(answer(review, by=iro, answers=said))
    # The first review's first link was replaced by the one answered: not counted as sent.
    link(reviews[0], by=iro, revoked_at=AT, revoked_reason="Replaced by a new link")
    # A review of Cora's whose feedback link expired unanswered: sent, not answered. PN6 with
    # no consultation form at all.
    expired = _review(older, iro, dt.date(2025, 10, 1), "PN6")
    link(expired, by=iro, expires_at=dt.datetime(2025, 10, 20, tzinfo=dt.UTC))
    # Consultation: Bilal answered his before the PN6 review of 1 June 2025; Cora's link for the
    # PN6 review of 1 July 2025 was replaced once, then expired unanswered.
    answer(reviews[2], by=iro, purpose=Purpose.CONSULTATION, answers={"talk_about": "School"})
    link(reviews[5], by=iro, purpose=Purpose.CONSULTATION, revoked_at=AT, revoked_reason="Replaced by a new link")
    link(reviews[5], by=iro, purpose=Purpose.CONSULTATION, expires_at=dt.datetime(2025, 6, 30, tzinfo=dt.UTC))
    # A parent and a carer after Bilal's review of 1 June 2025.
    mother, carer = contact(middle), contact(middle, role="foster_carer")
    parent_said = {"listened": "yes", "know_plan": "no", "better": "yes", "comment": "My son Bilal is doing well"}
    answer(reviews[2], by=iro, respondent=Respondent.PARENT, who=mother, answers=parent_said)
    carer_said = {"listened": "yes", "know_plan": "yes", "better": "sort_of"}
    answer(reviews[2], by=iro, respondent=Respondent.CARER, who=carer, answers=carer_said)
    return {"responses": responses, "reviews": reviews, "children": [young, middle, turning, older]}


@pytest.fixture
def world(iro, other_iro):
    return feedback_world(iro, other_iro)


def the_section(scope: Scope = SCOPE):
    (section,) = sections(report_years(YEAR), scope=scope)
    return section


def table(section, key: str):
    return next(t for t in section.tables if t.key == key)


@pytest.mark.django_db
def test_the_three_questions_are_counted_by_hand_with_percentages_of_those_who_answered(world):
    section = the_section()
    assert table(section, "feedback_know_plan").columns == ["Children's answer", "2024-25", "2025-26"]
    assert table(section, "feedback_know_plan").rows == [
        ["Yes", 2, 5],
        ["Yes (%)", 50.0, 62.5],
        ["No", 1, 2],
        ["No (%)", 25.0, 25.0],
        ["Sort of", 1, 1],
        ["Sort of (%)", 25.0, 12.5],
        ["Answered by", 4, 8],
    ]
    assert table(section, "feedback_involved").rows == [
        ["Yes", 2, 4],
        ["Yes (%)", 50.0, 57.1],
        ["No", 1, 2],
        ["No (%)", 25.0, 28.6],
        ["Sort of", 1, 1],
        ["Sort of (%)", 25.0, 14.3],
        ["Answered by", 4, 7],
    ]
    assert table(section, "feedback_better").rows == [
        ["Yes", 2, 4],
        ["Yes (%)", 50.0, 50.0],
        ["No", 1, 2],
        ["No (%)", 25.0, 25.0],
        ["Sort of", 1, 2],
        ["Sort of (%)", 25.0, 25.0],
        ["Answered by", 4, 8],
    ]


@pytest.mark.django_db
def test_the_report_year_is_worded_as_the_seed_prints_it_and_the_headline_gives_the_yes_share(world):
    section = the_section()
    summary = table(section, "feedback_summary")
    assert summary.title == "Children's answers to the three questions, 2025-26"
    assert summary.rows == [
        ["Children who know what is in their plan", "5 (62.5%) yes, 2 (25%) no, 1 (12.5%) sort of, answered by 8"],
        [
            "Children who were involved in making their plan",
            "4 (57.1%) yes, 2 (28.6%) no, 1 (14.3%) sort of, answered by 7",
        ],
        [
            "Children who think their plan will make things better",
            "4 (50%) yes, 2 (25%) no, 2 (25%) sort of, answered by 8",
        ],
    ]
    assert section.headline == [
        ("Children who know their plan", "62.5%"),
        ("Children involved in making their plan", "57.1%"),
        ("Children who think the plan will help", "50%"),
        ("Children's feedback forms answered", "88.9%"),
    ]


@pytest.mark.django_db
def test_how_the_review_felt(world):
    assert table(the_section(), "feedback_felt").rows == [
        ["Good", 2, 4],
        ["OK", 1, 2],
        ["Not good", 1, 1],
        ["Total who answered", 4, 7],
    ]


@pytest.mark.django_db
def test_the_response_rate_by_age_band_leaves_out_replaced_links_and_counts_expired_ones(world):
    rows = table(the_section(), "feedback_response_rate").rows
    assert rows == [
        ["Under 11: links sent", 1, 2],
        ["Under 11: answered", 1, 2],
        ["Under 11: answered (%)", 100.0, 100.0],
        # Dana was 11 on the day of her review (1 September 2025, her birthday).
        ["11 to 15: links sent", 1, 3],
        ["11 to 15: answered", 1, 3],
        ["11 to 15: answered (%)", 100.0, 100.0],
        ["16 and over: links sent", 2, 4],
        ["16 and over: answered", 2, 3],
        ["16 and over: answered (%)", 100.0, 75.0],
        ["All children: links sent", 4, 9],
        ["All children: answered", 4, 8],
        ["All children: answered (%)", 100.0, 88.9],
    ]
    note = table(the_section(), "feedback_response_rate").note
    assert "unless it was replaced by a new link" in note
    assert "expired" in note


@pytest.mark.django_db
def test_parents_and_carers_are_counted_apart_from_children(world):
    assert table(the_section(), "feedback_adults").rows == [
        ["Parents: answers", 0, 1],
        ["Parents: felt listened to: yes", 0, 1],
        ["Parents: know the child's plan: yes", 0, 0],
        ["Parents: think the plan will make things better: yes", 0, 1],
        ["Carers: answers", 0, 1],
        ["Carers: felt listened to: yes", 0, 1],
        ["Carers: know the child's plan: yes", 0, 1],
        ["Carers: think the plan will make things better: yes", 0, 0],
    ]


@pytest.mark.django_db
def test_pn6_reviews_are_split_by_whether_the_consultation_form_conveyed_the_views(world):
    assert table(the_section(), "views_conveyed").rows == [
        ["Reviews held with PN6 (views conveyed, child not present)", 0, 3],
        ["Views conveyed by the consultation form", 0, 1],
        ["Views conveyed by other means", 0, 2],
        ["Children's consultation forms: links sent", 0, 2],
        ["Children's consultation forms: answered", 0, 1],
        ["Children's consultation forms: answered (%)", None, 50.0],
    ]


@pytest.mark.django_db
def test_scope_narrows_to_the_reviews_the_iro_chaired(world, other_iro):
    section = the_section(Scope(iro_id=other_iro.pk, today=TODAY))
    assert table(section, "feedback_know_plan").columns == ["Children's answer", "2025-26"]
    assert table(section, "feedback_know_plan").rows[0] == ["Yes", 1]
    assert table(section, "feedback_know_plan").rows[-1] == ["Answered by", 1]


@pytest.mark.django_db
def test_a_year_with_no_feedback_prints_only_the_reports_year(iro):
    section = the_section()
    assert table(section, "feedback_know_plan").columns == ["Children's answer", "2025-26"]
    assert table(section, "feedback_know_plan").rows[-1] == ["Answered by", 0]
    assert table(section, "feedback_summary").rows[0][1] == "no answers"
    assert section.headline[0] == ("Children who know their plan", "none")
    assert section.headline[3] == ("Children's feedback forms answered", "none")


@pytest.mark.django_db
def test_the_section_is_in_the_annual_report_after_disputes_and_the_csv_has_its_tables_not_quotes(world, manager):
    assert SECTION_MODULES[-1] == "voice"
    response = world["responses"][0]
    FeedbackQuote.objects.create(
        response=response,
        year_label="2025-26",
        text="Chosen words",
        attribution="A child aged under 11",
        chosen_by=manager,
    )
    all_sections = annual_report_sections(YEAR, scope=SCOPE)
    assert all_sections[-1].key == "childrens_feedback"
    assert all_sections[-1].quotes == [("Chosen words", "A child aged under 11")]
    zipped = tables_csv(all_sections)
    assert b"Chosen words" not in zipped


@pytest.mark.django_db
def test_withdrawn_quotes_and_other_years_quotes_are_not_printed(world, manager):
    response = world["responses"][0]
    FeedbackQuote.objects.create(
        response=response,
        year_label="2025-26",
        text="Withdrawn",
        attribution="A child",
        chosen_by=manager,
        withdrawn_at=timezone.now(),
    )
    FeedbackQuote.objects.create(
        response=response, year_label="2024-25", text="Old", attribution="A", chosen_by=manager
    )
    assert the_section().quotes == []


@pytest.mark.django_db
def test_the_figures_take_four_queries_whatever_the_number_of_answers(iro, other_iro, django_assert_num_queries):
    with django_assert_num_queries(4):
        the_section()
    feedback_world(iro, other_iro)
    with django_assert_num_queries(4):
        the_section()
