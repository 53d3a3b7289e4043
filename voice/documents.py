"""The feedback link a review's printed documents carry (docs/rules.md#the-childs-voice), through
``REVIEW_DOCUMENT_EXTRAS`` (reviews never imports voice).

- The letter to the child: each download makes a new feedback link for the child (it replaces
  their earlier one if they have not answered it), printed as its full address and a QR code.
- The review record goes to several people, so it carries a link only in the copy made for one
  of them (``?for=contact:<id>``, a current parent or carer of the child): that person's own
  link. Any other copy says that each person is sent their own link.

A link is made only by the IRO who holds or covers the child, and only for a held review; a
person who has answered already gets no new link. Each link made is audited by ``link_create``,
and its printing by ``mark_printed``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from children.models import Contact
from reviews.codes import ReviewStatus

from .codes import Channel, Purpose, Respondent
from .letters import letter_context
from .services import link_create, mark_printed
from .services.links import ASKED
from .services.sending import RESPONDENT_FOR_ROLE

BLOCK_TEMPLATE = "voice/letters/_feedback_block.html"
EACH_THEIR_OWN = (
    "Each person this record is sent to is sent their own link to tell us how the review went. "
    "Ask the Independent Reviewing Officer if yours has not arrived."
)
LETTER, RECORD = "letter", "record"


def review_feedback_link(*, review, document: str, user, request, recipient: str = "") -> dict | None:
    """The context of the feedback block for ``document`` ("letter" or "record") of ``review``,
    or ``None`` for no block. Called by ``reviews.views.documents`` for each download."""
    if review.status != ReviewStatus.HELD:
        return None
    contact = None
    if document == RECORD:
        contact = _recipient(review, recipient)
        if contact is None:
            return {"template": BLOCK_TEMPLATE, "sentence": EACH_THEIR_OWN}
    elif document != LETTER:
        return None
    try:
        new = link_create(
            review=review,
            purpose=Purpose.FEEDBACK,
            respondent=Respondent.CHILD if contact is None else RESPONDENT_FOR_ROLE[contact.role],
            contact=contact,
            channel=Channel.LETTER,
            by=user,
        )
    except (PermissionDenied, ValidationError):
        # Not the child's IRO (a manager printing a copy), or they have answered already.
        return None if document == LETTER else {"template": BLOCK_TEMPLATE, "sentence": EACH_THEIR_OWN}
    what = "printed on the letter to the child" if contact is None else "printed on the review record"
    mark_printed(new.link, by=user, what=what)
    return {"template": BLOCK_TEMPLATE, **letter_context(link=new.link, url=request.build_absolute_uri(new.path))}


def _recipient(review, recipient: str) -> Contact | None:
    """The current parent or carer of the child that ``recipient`` ("contact:<id>") names."""
    kind, _, pk = (recipient or "").partition(":")
    if kind != "contact" or not pk.isdigit():
        return None
    roles = [role for role, respondent in RESPONDENT_FOR_ROLE.items() if respondent in ASKED[Purpose.FEEDBACK]]
    return Contact.objects.filter(child_id=review.child_id, role__in=roles, pk=int(pk)).current().first()
