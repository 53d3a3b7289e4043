"""``{% reason_for due child %}``: why a review is due when it is, with the child's first name
(stored reasons say ``{name}``, since a name can change). The output is escaped like any
variable: the name is user-written. ``{% due_tag state %}``: the GOV.UK tag of where a due date
stands (``reviews.deadlines.DueState``), one of four fixed strings, written without a template
include (the deadline tables draw one a row)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..deadlines import DueStatus
from ..exports import NO_DATE, STATUS_LABELS

register = template.Library()


@register.simple_tag
def reason_for(due, child) -> str:
    if due is None or child is None:
        return ""
    name = child.first_name
    if hasattr(due, "next_reason_for"):
        return due.next_reason_for(name)
    return due.reason_for(name)


def _tag(colour: str, text: str) -> SafeString:
    return mark_safe(f'<strong class="govuk-tag govuk-tag--{colour}">{text}</strong>')  # noqa: S308 (fixed text)


COLOURS = {DueStatus.OVERDUE: "red", DueStatus.DUE_SOON: "yellow", DueStatus.ON_TRACK: "green"}

#: The tag of each status in the words the CSV uses (``reviews.exports``), and of a child with no due date.
DUE_TAGS = {None: _tag("grey", NO_DATE)} | {
    status: _tag(COLOURS[status], label) for status, label in STATUS_LABELS.items()
}


@register.simple_tag
def due_tag(state) -> SafeString:
    return DUE_TAGS[state.status if state else None]
