"""``{% table_scroll %}``: every GOV.UK table scrolls sideways in a focusable region of its own,
named by its caption, so a narrow screen scrolls the table and not the page (issue 14)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError

TEMPLATES = Path(settings.BASE_DIR) / "templates"
TABLE = re.compile(
    r"(\{% table_scroll (?P<args>[^%]+) %\})?\s*<table class=\"govuk-table[^>]*>(?P<body>.*?)</table>", re.S
)


def render(source: str, **context) -> str:
    return Template("{% load govuk_tables %}" + source).render(Context(context))


def test_the_table_is_wrapped_in_a_focusable_region_named_by_its_caption():
    html = render('{% table_scroll "cover-caption" %}<table></table>{% endtable_scroll %}')

    assert html == (
        '<div class="app-table-scroll" role="region" aria-labelledby="cover-caption" tabindex="0"><table></table></div>'
    )


def test_the_id_may_be_joined_from_values_and_is_escaped():
    html = render('{% table_scroll key "-caption" %}<table></table>{% endtable_scroll %}', key='a"><script>')

    assert 'aria-labelledby="a&quot;&gt;&lt;script&gt;-caption"' in html


def test_the_id_is_required():
    with pytest.raises(TemplateSyntaxError, match="the id of the table's caption"):
        render("{% table_scroll %}<table></table>{% endtable_scroll %}")


def test_every_govuk_table_in_the_templates_scrolls_in_a_region_labelled_by_its_caption():
    found, unwrapped = 0, []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for match in TABLE.finditer(path.read_text(encoding="utf-8")):
            found += 1
            caption = re.search(r'<caption id="([^"]+)"', match["body"])
            args = match["args"]
            if args is None or caption is None:
                unwrapped.append(f"{path.relative_to(TEMPLATES)}: a table without a scroll region or caption id")
            elif re.fullmatch(r'"[^"]*"', args.strip()) and args.strip() != f'"{caption[1]}"':
                unwrapped.append(f"{path.relative_to(TEMPLATES)}: region {args} labelled by a caption id {caption[1]}")
    assert found >= 34
    assert unwrapped == []
