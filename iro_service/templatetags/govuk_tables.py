"""The head of a GOV.UK table: ``{% table_head "When" "Who" "What" %}`` writes the row of column headers.

A header may be marked with a filter: ``"Children"|numeric`` aligns a column of numbers to the
right (``app-numeric``), and ``"Actions"|visually_hidden`` names a column for screen readers only.
"""

from django import template

register = template.Library()


class Header(str):
    """A column header's text, with how it is shown."""

    numeric = False
    visually_hidden = False


def _marked(text: str, **how: bool) -> Header:
    header = Header(text)
    header.numeric = getattr(text, "numeric", False)
    header.visually_hidden = getattr(text, "visually_hidden", False)
    for name, value in how.items():
        setattr(header, name, value)
    return header


@register.filter
def numeric(text: str) -> Header:
    return _marked(text, numeric=True)


@register.filter
def visually_hidden(text: str) -> Header:
    return _marked(text, visually_hidden=True)


@register.inclusion_tag("components/_table_head.html")
def table_head(*headers: str) -> dict[str, tuple[str, ...]]:
    return {"headers": headers}
