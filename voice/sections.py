"""What the child's voice adds to the pages of ``reviews``, which never imports it
(docs/rules.md#the-childs-voice):

* ``home_unread`` at the top of the IRO's start page (``HOME_TOP_SECTIONS``): every answer not
  yet read, until it is read. A free-text answer may hold a safeguarding concern the system
  cannot judge, so each one is put in front of the IRO; its words stay on the answer's page;
* ``review_voice`` on a review's page (``REVIEW_DETAIL_SECTIONS``): before a booked review, who
  was asked, the state of each link and the answers received; after a held one, how much
  feedback came (anonymous answers never named);
* ``views_conveyed`` for the review record form (``REVIEW_VIEWS_CONVEYED``): the child answered
  the consultation, so the form offers PN6.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from reviews.codes import ReviewStatus

from . import selectors
from .codes import Purpose, Respondent
from .models import VoiceLink

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from reviews.models import Review

#: The most unread answers listed on the start page; the rest are on the list of answers.
HOME_LIMIT = 25

STATE_WORDS = {
    "submitted": "Answered",
    "revoked": "Stopped",
    "expired": "Expired",
    "live": "Sent, not opened",
    "opened": "Opened, not answered",
}


def home_unread(*, user: User, today: date) -> dict[str, Any]:
    """The IRO's unread answers, newest first, up to ``HOME_LIMIT`` and how many there are: one
    query (two beyond the limit), whatever the number. Nothing for a user who chairs no reviews."""
    section: dict[str, Any] = {"template": "voice/_home_unread.html", "child_ids": [], "shown": False}
    if not user.has_perm("reviews.chair_review"):
        return section
    rows = selectors.answer_rows(selectors.unread_for_chair(user)[: HOME_LIMIT + 1])
    more = len(rows) > HOME_LIMIT
    rows = rows[:HOME_LIMIT]
    count = selectors.unread_for_chair(user).count() if more else len(rows)
    return section | {
        "shown": bool(rows),
        "rows": rows,
        "count": count,
        "more": more,
        "anonymous": selectors.ANONYMOUS,
        "child_ids": sorted({row.response.child_id for row in rows if not row.anonymous}),
    }


@dataclass(frozen=True)
class Asked:
    link: VoiceLink
    state: str
    who: str


def review_voice(*, review: Review, user: User, today: date) -> dict[str, Any]:
    """The voice panel of a review's page: one query for the links with their answers."""
    section: dict[str, Any] = {"template": "voice/_review_voice.html", "review": review, "shown": False}
    if review.status not in (ReviewStatus.BOOKED, ReviewStatus.HELD):
        return section
    purpose = Purpose.CONSULTATION if review.status == ReviewStatus.BOOKED else Purpose.FEEDBACK
    links = list(
        VoiceLink.objects.visible_to(user)
        .filter(review=review, purpose=purpose)
        .select_related("response")
        .order_by("-respondent", "name", "-created_at", "-pk")
    )
    now = timezone.now()
    chair = user.has_perm("reviews.chair_review")
    section |= {"shown": True, "purpose": purpose, "chair": chair}
    if purpose == Purpose.CONSULTATION:
        # The newest link of each person: a replaced one is history.
        latest: dict[str, VoiceLink] = {}
        for link in links:
            latest.setdefault(link.recipient_key, link)
        asked = [
            Asked(
                link=link,
                state=STATE_WORDS[link.state(now)],
                who=f"{link.name} (the child)"
                if link.respondent == Respondent.CHILD
                else f"{link.name} ({link.get_respondent_display().lower()})",
            )
            for link in latest.values()
        ]
        return section | {
            "asked": asked,
            "send_url": reverse("voice:consultation_send", kwargs={"pk": review.pk}) if chair else "",
        }
    answered = [link.response for link in links if link.submitted_at is not None and hasattr(link, "response")]
    return section | {
        "asked_count": len({link.recipient_key for link in links}),
        "answered_count": len(answered),
        "anonymous_count": sum(1 for response in answered if not response.identified),
        "named": [(response, selectors.who_answered(response)) for response in answered if response.identified],
        "send_url": reverse("voice:feedback_send", kwargs={"pk": review.pk}) if chair else "",
    }


def views_conveyed(*, review: Review) -> str | None:
    """The hook of the review record form (``REVIEW_VIEWS_CONVEYED``): see ``selectors.views_conveyed``."""
    return selectors.views_conveyed(review)
