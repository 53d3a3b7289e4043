"""Every change to links and answers (docs/rules.md#the-childs-voice)."""

from .links import (
    LinkClosed,
    NewLink,
    link_create,
    link_for_token,
    link_opened,
    link_revoke,
    response_mark_read,
    response_submit,
)

__all__ = [
    "LinkClosed",
    "NewLink",
    "link_create",
    "link_for_token",
    "link_opened",
    "link_revoke",
    "response_mark_read",
    "response_submit",
]
