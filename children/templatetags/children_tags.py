from django import template

from children.ages import age_on
from children.models.staff import load_of

register = template.Library()


@register.filter
def age_at(date_of_birth, on):
    """Whole years of age on ``on``: ``{{ child.date_of_birth|age_at:today }}``."""
    if not date_of_birth or not on:
        return ""
    return age_on(date_of_birth, on)


@register.simple_tag
def caseload_of(row):
    """The ``Caseload`` of a caseload table row (band, weighted count, status), with no query:
    ``{% caseload_of row as load %}``."""
    return load_of(row)
