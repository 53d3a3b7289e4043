"""What the IRO reads of the answers (docs/rules.md#the-childs-voice): their list, one answer
with the words shown for it, and the answer that tells the review record form a child's views
were conveyed (PN6). Each read is a fixed number of queries, whatever the number of answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone

from .codes import Purpose, Respondent
from .models import VoiceResponse
from .questions import Question, shown_answers
from .services.links import review_day

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from reviews.models import Review

#: The words shown for anonymous feedback, in place of the child's name.
ANONYMOUS = "Anonymous feedback on a review you chaired"


def answers_for_chair(user: User):
    """The answers about the children whose looked-after IRO ``user`` is or covers, unread
    first, then newest, with what each row shows (one query a page)."""
    return (
        VoiceResponse.objects.for_chair(user)
        .select_related("child", "review", "link")
        .order_by(F("read_at").desc(nulls_first=True), "-submitted_at", "-pk")
    )


def unread_for_chair(user: User):
    """The answers still unread by their IRO, newest first (the top of their start page)."""
    return (
        VoiceResponse.objects.for_chair(user)
        .unread()
        .select_related("child", "review", "link")
        .order_by("-submitted_at", "-pk")
    )


def may_read_private(user: User, response: VoiceResponse) -> bool:
    """Whether ``user`` holds or covers the child (looked-after work): only they read the
    private answers, mark an answer read and copy it."""
    return VoiceResponse.objects.for_chair(user).filter(pk=response.pk).exists()


def review_date(response: VoiceResponse) -> date | None:
    return review_day(response.review)


def who_answered(response: VoiceResponse) -> str:
    """The person by name and role, or only the role for anonymous feedback."""
    role = response.get_respondent_display()
    if not response.identified:
        return "Someone who chose not to give their name" + (
            "" if response.respondent == Respondent.CHILD else f" ({role.lower()})"
        )
    if response.respondent == Respondent.CHILD:
        return f"{response.link.name} (the child)"
    return f"{response.link.name} ({role.lower()})"


@dataclass(frozen=True)
class AnswerRow:
    response: VoiceResponse
    who: str
    form: str
    review_on: date | None

    @property
    def anonymous(self) -> bool:
        return not self.response.identified


def answer_rows(responses) -> list[AnswerRow]:
    return [
        AnswerRow(
            response=r,
            who=who_answered(r),
            form=r.get_form_kind_display(),
            review_on=review_date(r),
        )
        for r in responses
    ]


def answers_shown(response: VoiceResponse, *, private: bool) -> list[tuple[Question, str]]:
    return shown_answers(response.form_kind, response.answers, private=private)


def copyable(response: VoiceResponse) -> bool:
    """A consultation answer about a review still booked may be copied into its record, once."""
    from reviews.codes import ReviewStatus  # noqa: PLC0415

    return (
        response.purpose == Purpose.CONSULTATION
        and response.review.status == ReviewStatus.BOOKED
        and response.copied_at is None
    )


def copy_field(response: VoiceResponse) -> str:
    """The review record's field the answers go into: the child's wishes and feelings, or the
    discussion for the adults."""
    return "wishes_and_feelings" if response.respondent == Respondent.CHILD else "discussion"


def plain_text(response: VoiceResponse) -> str:
    """The answers that are not private, as plain text for the review record:
    "Tia's consultation form, 3 December 2026:" and a line for each answer."""
    day = timezone.localtime(response.submitted_at).date()
    form = "consultation" if response.purpose == Purpose.CONSULTATION else "feedback"
    heading = f"{response.link.name}'s {form} form, {day:%-d %B %Y}:"
    lines = [f"- {question.label} {words}" for question, words in answers_shown(response, private=False)]
    return "\n".join([heading, *lines]) if lines else f"{heading} no answers given."


def views_conveyed(review: Review) -> str | None:
    """ "Tia answered the consultation form on 3 December 2026" when the child answered the
    consultation for ``review`` (a booked review), else ``None``: the review record form then
    offers PN6 (docs/rules.md#the-childs-voice). One query."""
    response = (
        VoiceResponse.objects.filter(review=review, purpose=Purpose.CONSULTATION, respondent=Respondent.CHILD)
        .select_related("link")
        .order_by("submitted_at")
        .first()
    )
    if response is None:
        return None
    day = timezone.localtime(response.submitted_at).date()
    return f"{response.link.name} answered the consultation form on {day:%-d %B %Y}"
