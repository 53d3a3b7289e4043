"""Every change to links and answers (docs/rules.md#the-childs-voice)."""

from .links import (
    LinkClosed,
    NewLink,
    link_create,
    link_for_token,
    link_opened,
    link_revoke,
    purpose_fits,
    response_mark_read,
    response_submit,
)
from .sending import (
    WAYS,
    Person,
    Sent,
    invitation_send,
    link_state,
    mark_printed,
    people_to_ask,
)

__all__ = [
    "WAYS",
    "LinkClosed",
    "NewLink",
    "Person",
    "Sent",
    "invitation_send",
    "link_create",
    "link_for_token",
    "link_opened",
    "link_revoke",
    "link_state",
    "mark_printed",
    "people_to_ask",
    "purpose_fits",
    "response_mark_read",
    "response_submit",
]
