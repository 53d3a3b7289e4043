from django import template

from children.ages import age_on

register = template.Library()


@register.filter
def age_at(date_of_birth, on):
    """Whole years of age on ``on``: ``{{ child.date_of_birth|age_at:today }}``."""
    if not date_of_birth or not on:
        return ""
    return age_on(date_of_birth, on)
