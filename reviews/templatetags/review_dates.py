"""``{% reason_for due child %}``: why a review is due when it is, with the child's first name
(stored reasons say ``{name}``, since a name can change). The output is escaped like any
variable: the name is user-written."""

from django import template

register = template.Library()


@register.simple_tag
def reason_for(due, child) -> str:
    if due is None or child is None:
        return ""
    name = child.first_name
    if hasattr(due, "next_reason_for"):
        return due.next_reason_for(name)
    return due.reason_for(name)
