"""Children's feedback: Thurrock's three questions, how the review felt, who answered, parents'
and carers' feedback, how children's views reached reviews with PN6, and the quotes the manager
chose (docs/rules.md#the-childs-voice; docs/sources.md#thurrock-2021-22 section 11 prints
"21 (47%) yes, 19 (42%) no, 5 sort of, answered by 45").

How each figure is counted, so that the dashboard, the PDF and the CSV agree:

* An answer (``VoiceResponse``) or a link (``VoiceLink``) counts in the reporting year of its
  review's ``held_on`` (a review held; a year in progress runs to ``scope.today``).
* **The three questions** (``voice.questions.REPORTED_QUESTIONS``) and **how the review felt**:
  the children's feedback answers only (respondent "child", both versions of the form). "Answered
  by" a question is the number of children who chose an answer to it (anyone may skip a question).
  Percentages are of those who answered the question, to one decimal place (``shared.percentage``).
* **Response rate**: children's feedback answers ÷ children's feedback links sent. A link counts
  as sent when it was created, unless it was revoked as "Replaced by a new link" (the new link
  counts instead); a link that expired or was revoked unanswered still counts as sent. By age band
  (``voice.codes.feedback_age_band``) of the child's age on the day the review was held.
* **Parents and carers**: their feedback answers, and how many said yes to each question.
* **Views conveyed**: reviews held with participation code PN6 (the child's views conveyed by
  other means), split by whether the child answered their consultation form for that review.
  **Consultation**: the children's consultation links sent (counted as above) and answered.
* **Quotes**: the comments the manager chose for the report's year (``FeedbackQuote`` not
  withdrawn), in the order chosen, with their attribution. They print in the PDF and on the
  dashboard; the CSV has the tables only. No other free text leaves the manager's comments page.
* **Scope**: ``iro_id`` narrows to reviews that IRO chaired; ``team_id`` to reviews chaired by
  the IROs whose profile is in the team.
* **Years**: every table keeps the report's year and the earlier years with a feedback or
  consultation link or answer.

Queries: four, whatever the number of answers or years.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import LessThan

from iro_service.periods import ReportingYear
from reviews.codes import Participation, ReviewStatus
from voice.codes import FeedbackAgeBand, HowGoing, Purpose, Respondent, YesNoSortOf, feedback_age_band
from voice.models import FeedbackQuote, VoiceLink, VoiceResponse
from voice.questions import BETTER, INVOLVED, KNOW_PLAN, REPORTED_QUESTIONS

from . import Scope, Section, Table
from .shared import Period, fmt, join_notes, percentage, periods_of, person_scope, to_date_note

SECTION_KEY = "childrens_feedback"
#: A link revoked with this reason was replaced by a new one, and is not counted as sent.
REPLACED = "Replaced by a new link"
ADULTS = (Respondent.PARENT, Respondent.CARER)

#: How the tables word Thurrock's questions.
QUESTION_TITLES = {
    KNOW_PLAN: "Children who know what is in their plan",
    INVOLVED: "Children who were involved in making their plan",
    BETTER: "Children who think their plan will make things better",
}
QUESTION_HEADLINE = {
    KNOW_PLAN: "Children who know their plan",
    INVOLVED: "Children involved in making their plan",
    BETTER: "Children who think the plan will help",
}
ADULT_QUESTIONS = (
    ("listened", "Felt listened to: yes"),
    (KNOW_PLAN, "Know the child's plan: yes"),
    (BETTER, "Think the plan will make things better: yes"),
)
FEEDBACK_NOTE = (
    "Children's answers to the feedback form sent after their review, counted in the year the review was "
    "held. Percentages are of the children who answered that question (anyone may skip a question)."
)


# --- the queries ------------------------------------------------------------------------------


def _year_of(periods: list[Period], field: str) -> Case:
    """The index of the period the review's ``field`` falls in (None outside them)."""
    return Case(
        *(
            When(**{f"{field}__gte": p.start, f"{field}__lte": p.end}, then=Value(i))
            for i, p in enumerate(periods)
            if p.end >= p.start
        ),
        default=None,
        output_field=IntegerField(),
    )


def _held_in(periods: list[Period], prefix: str = "review__") -> Q:
    return Q(
        **{
            f"{prefix}status": ReviewStatus.HELD,
            f"{prefix}held_on__gte": periods[0].start,
            f"{prefix}held_on__lte": max(p.end for p in periods),
        }
    )


def _answers(periods: list[Period], scope: Scope) -> dict[tuple[int, str], dict[str, int]]:
    """Per (year, respondent): the feedback answers, and the count of each answer to each
    question. One query."""
    counts = {"total": Count("pk")}
    for question in (*REPORTED_QUESTIONS, "listened"):
        for value in YesNoSortOf.values:
            counts[f"{question}_{value}"] = Count("pk", filter=Q(**{f"answers__{question}": value}))
    for value in HowGoing.values:
        counts[f"felt_{value}"] = Count("pk", filter=Q(answers__felt=value))
    rows = (
        VoiceResponse.objects.filter(person_scope(scope, "review__chair"))
        .filter(_held_in(periods), purpose=Purpose.FEEDBACK)
        .annotate(year=_year_of(periods, "review__held_on"))
        .filter(year__isnull=False)
        .order_by()
        .values("year", "respondent")
        .annotate(**counts)
    )
    return {(row.pop("year"), row.pop("respondent")): row for row in rows}


def _age_on_review():
    """The child's age in whole years on the day the review was held (as ``children.ages.age_on``)."""
    birthday_not_reached = LessThan(
        ExtractMonth("review__held_on") * 100 + ExtractDay("review__held_on"),
        ExtractMonth("child__date_of_birth") * 100 + ExtractDay("child__date_of_birth"),
    )
    return (
        ExtractYear("review__held_on")
        - ExtractYear("child__date_of_birth")
        - Case(When(birthday_not_reached, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def _child_links(periods: list[Period], scope: Scope) -> list[dict]:
    """Per (year, purpose, child's age): the children's links sent and answered. One query."""
    return list(
        VoiceLink.objects.filter(person_scope(scope, "review__chair"))
        .filter(_held_in(periods), respondent=Respondent.CHILD)
        .exclude(revoked_reason=REPLACED)
        .annotate(year=_year_of(periods, "review__held_on"), age=_age_on_review())
        .filter(year__isnull=False)
        .order_by()
        .values("year", "purpose", "age")
        .annotate(sent=Count("pk"), answered=Count("pk", filter=Q(submitted_at__isnull=False)))
    )


def _pn6(periods: list[Period], scope: Scope) -> list[dict]:
    """Per year: the reviews held with PN6, and those whose child answered the consultation
    form for that review. One query."""
    from reviews.models import Review  # noqa: PLC0415 - beside the voice models it is read with

    consulted = VoiceResponse.objects.filter(
        review_id=OuterRef("pk"), purpose=Purpose.CONSULTATION, respondent=Respondent.CHILD
    )
    return list(
        Review.objects.filter(person_scope(scope, "chair"))
        .filter(_held_in(periods, prefix=""), participation_code=Participation.PN6)
        .annotate(year=_year_of(periods, "held_on"))
        .filter(year__isnull=False)
        .order_by()
        .values("year")
        .annotate(pn6=Count("pk"), by_form=Count("pk", filter=Exists(consulted)))
    )


def _quotes(year: ReportingYear, scope: Scope) -> list[tuple[str, str]]:
    """The quotes chosen for ``year``, oldest chosen first, leaving out the words of a child
    whose record was anonymised since (retention removes them). One query."""
    return list(
        FeedbackQuote.objects.filter(person_scope(scope, "response__review__chair"))
        .filter(year_label=year.label, withdrawn_at__isnull=True, response__child__anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("text", "attribution")
    )


# --- the tables -------------------------------------------------------------------------------


class _Figures:
    def __init__(self, periods: list[Period], scope: Scope):
        self.periods = periods
        n = len(periods)
        self.answers = _answers(periods, scope)
        self.links: dict[tuple[str, str], list[list[int]]] = defaultdict(lambda: [[0, 0] for _ in range(n)])
        for row in _child_links(periods, scope):
            band = feedback_age_band(row["age"]) or "unknown"
            for key in ((row["purpose"], band), (row["purpose"], "all")):
                self.links[key][row["year"]][0] += row["sent"]
                self.links[key][row["year"]][1] += row["answered"]
        self.pn6 = {row["year"]: row for row in _pn6(periods, scope)}
        has_data = [
            any(year == i for year, _r in self.answers)
            or any(self.links[(purpose, "all")][i][0] for purpose in Purpose.values)
            for i in range(n)
        ]
        self.kept = [i for i in range(n) if i == n - 1 or has_data[i]]
        self.note_to_date = to_date_note(periods)

    def get(self, i: int, respondent: str, name: str) -> int:
        return self.answers.get((i, respondent), {}).get(name, 0)

    def answered(self, i: int, question: str, respondent: str = Respondent.CHILD) -> int:
        return sum(self.get(i, respondent, f"{question}_{v}") for v in YesNoSortOf.values)

    def table(self, key: str, title: str, heading: str, rows: list[list], *, note: str = "", chart: str = "") -> Table:
        return Table(
            key=key,
            title=title,
            columns=[heading, *(self.periods[i].label for i in self.kept)],
            rows=[[label, *(values[i] for i in self.kept)] for label, *values in rows],
            note=join_notes(note, self.note_to_date),
            chart=chart,
        )

    def each(self, value) -> list:
        return [value(i) for i in range(len(self.periods))]


def question_text(figures: _Figures, i: int, question: str) -> str:
    """Seed 004's words: "21 (46.7%) yes, 19 (42.2%) no, 5 (11.1%) sort of, answered by 45"."""
    answered = figures.answered(i, question)
    if not answered:
        return "no answers"
    parts = []
    for value in YesNoSortOf:
        n = figures.get(i, Respondent.CHILD, f"{question}_{value.value}")
        parts.append(f"{n} ({fmt(percentage(n, answered))}%) {value.label.lower()}")
    return f"{', '.join(parts)}, answered by {answered}"


def _question_table(figures: _Figures, question: str) -> Table:
    rows: list[list] = []
    for value in YesNoSortOf:
        counts = figures.each(lambda i, v=value: figures.get(i, Respondent.CHILD, f"{question}_{v.value}"))
        rows.append([value.label, *counts])
        rows.append(
            [f"{value.label} (%)", *figures.each(lambda i, c=counts: percentage(c[i], figures.answered(i, question)))]
        )
    rows.append(["Answered by", *figures.each(lambda i: figures.answered(i, question))])
    return figures.table(
        f"feedback_{question}", QUESTION_TITLES[question], "Children's answer", rows, note=FEEDBACK_NOTE
    )


def _felt_table(figures: _Figures) -> Table:
    rows = [
        [value.label, *figures.each(lambda i, v=value: figures.get(i, Respondent.CHILD, f"felt_{v.value}"))]
        for value in HowGoing
    ]
    answered = figures.each(lambda i: sum(figures.get(i, Respondent.CHILD, f"felt_{v}") for v in HowGoing.values))
    return figures.table(
        "feedback_felt",
        "How children felt about their review",
        "Children's answer",
        # "Total ..." rows print in the table but are not drawn (reporting.charts).
        [*rows, ["Total who answered", *answered]],
        note='Children\'s answers to "How did your review feel?" on the feedback form.',
        chart="bar",
    )


def _rate_rows(figures: _Figures, purpose: str, bands: list[tuple[str, str]]) -> list[list]:
    rows: list[list] = []
    for band, label in bands:
        sent_answered = figures.links[(purpose, band)]
        rows.append([f"{label}: links sent", *(s for s, _a in sent_answered)])
        rows.append([f"{label}: answered", *(a for _s, a in sent_answered)])
        rows.append([f"{label}: answered (%)", *(percentage(a, s) for s, a in sent_answered)])
    return rows


def _response_rate_table(figures: _Figures) -> Table:
    bands = [(band.value, band.label) for band in FeedbackAgeBand]
    if any(s for s, _a in figures.links[(Purpose.FEEDBACK, "unknown")]):
        bands.append(("unknown", "Age not known"))
    bands.append(("all", "All children"))
    return figures.table(
        "feedback_response_rate",
        "Children's feedback forms sent and answered, by age",
        "Age on the day of the review",
        _rate_rows(figures, Purpose.FEEDBACK, bands),
        note="A link counts as sent when it was created, unless it was replaced by a new link (the new one "
        "counts instead); links that expired or were withdrawn without an answer still count as sent. "
        "Answered (%) is the children's feedback answers divided by the children's feedback links sent.",
    )


def _adults_table(figures: _Figures) -> Table:
    rows: list[list] = []
    for respondent, who in ((Respondent.PARENT, "Parents"), (Respondent.CARER, "Carers")):
        rows.append([f"{who}: answers", *figures.each(lambda i, r=respondent: figures.get(i, r, "total"))])
        for question, label in ADULT_QUESTIONS:
            rows.append(
                [
                    f"{who}: {label.lower()}",
                    *figures.each(lambda i, r=respondent, q=question: figures.get(i, r, f"{q}_yes")),
                ]
            )
    return figures.table(
        "feedback_adults",
        "Parents' and carers' feedback",
        "Measure",
        rows,
        note="Feedback forms answered by parents and carers after the review, and how many answered yes to "
        "each question.",
    )


def _views_conveyed_table(figures: _Figures) -> Table:
    pn6 = figures.each(lambda i: figures.pn6.get(i, {}).get("pn6", 0))
    by_form = figures.each(lambda i: figures.pn6.get(i, {}).get("by_form", 0))
    rows = [
        ["Reviews held with PN6 (views conveyed, child not present)", *pn6],
        ["Views conveyed by the consultation form", *by_form],
        ["Views conveyed by other means", *(p - f for p, f in zip(pn6, by_form, strict=True))],
        *_rate_rows(figures, Purpose.CONSULTATION, [("all", "Children's consultation forms")]),
    ]
    return figures.table(
        "views_conveyed",
        "How children's views were conveyed",
        "Measure",
        rows,
        note="Of the reviews held with participation code PN6, those for which the child answered their "
        "consultation form before the review. Consultation forms: the children's consultation links sent "
        "(counted as for feedback, replaced links left out) and answered.",
    )


def _summary_table(figures: _Figures) -> Table:
    """The report's year in the seed's words, one line per question (text, not figures)."""
    last = len(figures.periods) - 1
    return Table(
        key="feedback_summary",
        title=f"Children's answers to the three questions, {figures.periods[last].label}",
        columns=["Question", "Children's answers"],
        rows=[[QUESTION_TITLES[q], question_text(figures, last, q)] for q in REPORTED_QUESTIONS],
        note=join_notes(FEEDBACK_NOTE, figures.note_to_date),
    )


def _pct(value: float | None) -> str:
    return "none" if value is None else f"{fmt(value)}%"


def sections(years: list[ReportingYear], *, scope: Scope) -> list[Section]:
    """The section "Children's feedback" (see the module docstring for how it counts)."""
    periods = periods_of(years, scope)
    figures = _Figures(periods, scope)
    last = len(periods) - 1
    sent, answered = figures.links[(Purpose.FEEDBACK, "all")][last]
    return [
        Section(
            key=SECTION_KEY,
            title="Children's feedback",
            tables=[
                _summary_table(figures),
                *(_question_table(figures, question) for question in REPORTED_QUESTIONS),
                _felt_table(figures),
                _response_rate_table(figures),
                _adults_table(figures),
                _views_conveyed_table(figures),
            ],
            headline=[
                *(
                    (
                        QUESTION_HEADLINE[q],
                        _pct(percentage(figures.get(last, Respondent.CHILD, f"{q}_yes"), figures.answered(last, q))),
                    )
                    for q in REPORTED_QUESTIONS
                ),
                ("Children's feedback forms answered", _pct(percentage(answered, sent))),
            ],
            quotes=_quotes(periods[-1].year, scope),
        )
    ]
