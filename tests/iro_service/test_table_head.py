"""``{% table_head %}`` and its header marks ``|numeric`` and ``|visually_hidden``."""

from django.template import Context, Template


def render(tag: str) -> str:
    return " ".join(Template("{% load govuk_tables %}" + tag).render(Context()).split())


def test_each_header_is_a_column_header():
    assert render('{% table_head "When" "Who" %}') == (
        '<thead class="govuk-table__head"><tr class="govuk-table__row"> '
        '<th scope="col" class="govuk-table__header">When</th>'
        '<th scope="col" class="govuk-table__header">Who</th> </tr></thead>'
    )


def test_a_numeric_header_is_aligned_as_numbers():
    assert '<th scope="col" class="govuk-table__header app-numeric">Children</th>' in render(
        '{% table_head "IRO" "Children"|numeric %}'
    )


def test_a_visually_hidden_header_is_for_screen_readers_only():
    html = render('{% table_head "Reason" "Actions"|visually_hidden %}')

    assert '<th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>' in html


def test_the_marks_combine_and_the_text_is_escaped():
    html = render('{% table_head "<b>"|numeric|visually_hidden %}')

    assert 'class="govuk-table__header app-numeric"><span class="govuk-visually-hidden">&lt;b&gt;</span>' in html
