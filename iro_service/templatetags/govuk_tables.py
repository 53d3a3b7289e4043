"""The head of a GOV.UK table: ``{% table_head "When" "Who" "What" %}`` writes the row of column headers;
``{% table_scroll "caption-id" %}...{% endtable_scroll %}`` wraps a table in a scroll region of its own.

A header may be marked with a filter: ``"Children"|numeric`` aligns a column of numbers to the
right (``app-numeric``), and ``"Actions"|visually_hidden`` names a column for screen readers only.
"""

from django import template
from django.utils.html import format_html

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


class TableScrollNode(template.Node):
    def __init__(self, parts: list[template.base.FilterExpression], nodelist: template.NodeList):
        self.parts, self.nodelist = parts, nodelist

    def render(self, context) -> str:
        return format_html(
            '<div class="app-table-scroll" role="region" aria-labelledby="{}" tabindex="0">{}</div>',
            "".join(str(part.resolve(context)) for part in self.parts),
            self.nodelist.render(context),  # the template's own output: safe already, not escaped again
        )


@register.tag
def table_scroll(parser, token) -> TableScrollNode:
    """``{% table_scroll "caption-id" %}<table ...>...</table>{% endtable_scroll %}``: a wide
    table scrolls sideways inside its own region on a narrow screen, not the whole page. The
    region can take keyboard focus (to scroll it with the arrow keys) and is named by the table's
    caption, whose id is given: one value, or several joined (``{% table_scroll key "-caption" %}``)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("table_scroll takes the id of the table's caption")
    nodelist = parser.parse(("endtable_scroll",))
    parser.delete_first_token()
    return TableScrollNode([parser.compile_filter(bit) for bit in bits[1:]], nodelist)
