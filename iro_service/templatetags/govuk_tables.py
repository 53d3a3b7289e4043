"""The head of a GOV.UK table: ``{% table_head "When" "Who" "What" %}`` writes the row of column headers."""

from django import template

register = template.Library()


@register.inclusion_tag("components/_table_head.html")
def table_head(*headers: str) -> dict[str, tuple[str, ...]]:
    return {"headers": headers}
