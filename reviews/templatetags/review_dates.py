"""``{% reason_for due child %}``: why a review is due when it is, with the child's first name
(stored reasons say ``{name}``, since a name can change). The output is escaped like any
variable: the name is user-written. ``|role_labels``: the labels of the roles a review invited
or saw take part."""

from django import template

from ..codes import role_labels as _role_labels

register = template.Library()


@register.simple_tag
def reason_for(due, child) -> str:
    if due is None or child is None:
        return ""
    name = child.first_name
    if hasattr(due, "next_reason_for"):
        return due.next_reason_for(name)
    return due.reason_for(name)


@register.filter
def role_labels(codes) -> list[str]:
    """``{{ review.invited|role_labels|join:", " }}``: the roles' labels, not their codes."""
    return _role_labels(codes or [])
