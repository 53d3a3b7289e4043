"""Finding a child from the children list's search box (``?q=``), on SQLite and PostgreSQL
(run with DATABASE_URL=postgres://... for the second): by full name in either order, by a
preferred name, either name alone, a local reference or a UPN, whatever the case or accents
(children/search.py). Every word must match: a word of another child's name adds nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from children import services
from children.erasure_fields import ANONYMISE
from children.models import Child
from children.search import SEARCHED_FIELDS, fold, search_text, search_words
from tests.factories import ChildFactory, make_child_in_care

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(iro):
    """Four children in care with the IRO; the others share a first name or a surname with Katherine."""
    return {
        "katherine": make_child_in_care(
            iro=iro,
            first_name="Katherine",
            last_name="Rowanfield",
            preferred_name="Kit",
            local_reference="LA-0042",
            upn="A123456789012",
        ),
        "other_katherine": make_child_in_care(
            iro=iro, first_name="Katherine", last_name="Marsh", local_reference="LA-1001"
        ),
        "zoe": make_child_in_care(iro=iro, first_name="Zoë", last_name="Rowanfield", local_reference="LA-1002"),
        "sian": make_child_in_care(iro=iro, first_name="Siân", last_name="O’Brien-Łukasz", local_reference="LA-1003"),
    }


FOUND = [
    ("Katherine Rowanfield", {"katherine"}),
    ("rowanfield katherine", {"katherine"}),
    ("  KATHERINE   rowanfield  ", {"katherine"}),
    ("Kath Rowan", {"katherine"}),
    ("Katherine", {"katherine", "other_katherine"}),
    ("Rowanfield", {"katherine", "zoe"}),
    ("Kit", {"katherine"}),
    ("Kit Rowanfield", {"katherine"}),
    ("LA-0042", {"katherine"}),
    ("la0042", {"katherine"}),
    ("0042", {"katherine"}),
    ("A123456789012", {"katherine"}),
    ("a123456789012", {"katherine"}),
    ("zoe", {"zoe"}),
    ("ZOE", {"zoe"}),
    ("Zoë", {"zoe"}),
    ("ZOË ROWANFIELD", {"zoe"}),
    ("sian", {"sian"}),
    ("Siân", {"sian"}),
    ("obrien", {"sian"}),
    ("O'Brien", {"sian"}),
    ("lukasz", {"sian"}),
    ("Katherine Marsh", {"other_katherine"}),
    ("Katherine Zoe", set()),
    ("Rowanfield Marsh", set()),
    ("Nobody", set()),
]


@pytest.mark.parametrize(("query", "expected"), FOUND, ids=[q for q, _ in FOUND])
def test_the_search_finds_the_children_every_word_matches(children, query, expected):
    found = set(Child.objects.matching(query).values_list("pk", flat=True))
    assert found == {children[name].pk for name in expected}


@pytest.mark.parametrize("query", ["", "   ", "-", "’", "%", "_", "%_%"])
def test_a_search_of_nothing_finds_every_child(children, query):
    """No letter or digit: nothing to search for (and no LIKE wildcard ever reaches the SQL)."""
    assert Child.objects.matching(query).count() == len(children)


@pytest.mark.parametrize(("query", "expected"), FOUND[:12], ids=[q for q, _ in FOUND[:12]])
def test_the_children_list_finds_them_by_the_search_box(children, client_for, iro, query, expected):
    response = client_for(iro).get(reverse("children:list"), {"q": query})
    assert response.status_code == 200
    listed = {child.pk for child in response.context["page"].object_list}
    assert listed == {children[name].pk for name in expected}


def test_the_search_finds_only_the_children_the_user_may_see(children, client_for, other_iro):
    hidden = children["katherine"]
    mine = make_child_in_care(iro=other_iro, first_name="Katherine", last_name="Rowanfield-Hale")
    response = client_for(other_iro).get(reverse("children:list"), {"q": "Katherine Rowanfield"})
    assert [c.pk for c in response.context["page"].object_list] == [mine.pk]
    assert hidden.display_name not in response.content.decode()


FOLDED = [
    ("Zoë", "zoe"),
    ("SIÂN", "sian"),
    ("Øyvind Straße", "oyvind strasse"),
    ("O’Brien-Smith", "obrien smith"),
    ("Æsa Łukasz", "aesa lukasz"),
    ("  two   spaces ", "two spaces"),
    ("ﬁona", "fiona"),  # the ligature, as NFKD spells it
]


@pytest.mark.parametrize(("text", "folded"), FOLDED)
def test_folding_drops_case_accents_and_punctuation(text, folded):
    assert fold(text) == folded


def test_search_words_are_folded_once_each():
    assert search_words("Rowanfield KATHERINE rowanfield") == ["rowanfield", "katherine"]


def test_saving_a_child_writes_their_search_text(manager, iro, today):
    child = ChildFactory(first_name="Zoë", last_name="Smith", local_reference="LA-7")
    assert child.search_text == "zoe smith la 7 la7"

    services.child_update(child=child, by=manager, expected_version=child.version, preferred_name="Zed")
    child.refresh_from_db()
    assert child.search_text == "zoe smith zed la 7 la7"
    assert set(Child.objects.matching("zed smith")) == {child}


def test_a_save_of_some_fields_writes_the_search_text_with_them():
    child = ChildFactory(first_name="Ann", last_name="Lee")
    child.last_name = "Léon"
    child.save(update_fields=["last_name"])
    assert Child.objects.get(pk=child.pk).search_text.startswith("ann leon ")


def test_anonymising_leaves_nothing_of_the_names_to_find():
    """The child's row as ``children.erasure.anonymise`` rewrites it (``ANONYMISE``), in bulk."""
    child = ChildFactory(first_name="Katherine", last_name="Rowanfield", local_reference="LA-0042", upn="A123456789012")
    rewritten = ("first_name", "last_name", "preferred_name", "local_reference", "upn", "search_text")
    Child.objects.filter(pk=child.pk).update(**{name: ANONYMISE["children.Child"][name] for name in rewritten})
    child = Child.objects.get(pk=child.pk)
    assert child.search_text == search_text(
        first_name=child.first_name,
        last_name=child.last_name,
        preferred_name=child.preferred_name,
        local_reference=child.local_reference,
        upn=child.upn,
    )
    for query in ("Katherine", "Rowanfield", "0042", "A123456789012"):
        assert not Child.objects.matching(query).exists()
    assert list(Child.objects.matching(f"anon-{child.pk}")) == [child]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_postgresql_reads_the_trigram_index_for_a_search(children):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = Child.objects.matching("Katherine Rowanfield").explain()
        cursor.execute("RESET enable_seqscan")
    assert "child_search_text_trgm" in plan


# --- The search box in the menu bar ------------------------------------------------------------

SEARCH_FORM = f'<form method="get" action="{reverse("children:list")}" role="search"'
SEARCH_LABEL = '<label class="govuk-label govuk-visually-hidden" for="child-search">Search children</label>'


@pytest.mark.parametrize("role", ["iro", "manager"])
def test_those_who_read_children_have_the_search_box_on_every_page(client_for, request, role):
    client = client_for(request.getfixturevalue(role))
    for url in (reverse("home"), reverse("children:list"), reverse("accessibility")):
        page = client.get(url, follow=True).text
        assert SEARCH_FORM in page, url
        assert SEARCH_LABEL in page, url
        assert 'id="child-search" name="q" type="search"' in page, url


@pytest.mark.parametrize("role", ["committee", "administrator"])
def test_the_committee_and_the_administrator_have_no_search_box(client_for, request, role):
    page = client_for(request.getfixturevalue(role)).get(reverse("home"), follow=True)
    assert page.status_code == 200
    assert "Search children" not in page.text
    assert 'role="search"' not in page.text


def test_a_visitor_who_has_not_signed_in_has_no_search_box(client):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Search children" not in page.text


def test_the_search_box_takes_the_user_to_the_children_found(children, client_for, iro):
    """The form is a plain GET of the children list with ``q``: no JavaScript needed."""
    response = client_for(iro).get(reverse("children:list"), {"q": "rowanfield katherine"})
    assert [c.pk for c in response.context["page"].object_list] == [children["katherine"].pk]
    assert "Katherine Rowanfield (Kit)" in response.text


def test_markup_in_a_name_is_shown_as_text_in_the_results(client_for, iro):
    make_child_in_care(iro=iro, first_name="<script>alert(1)</script>", last_name="Rowanfield")
    response = client_for(iro).get(reverse("children:list"), {"q": "rowanfield"})
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Rowanfield" in response.text


# --- Children written in bulk by the SSDA903 import ---------------------------------------------


def test_children_imported_in_bulk_are_found_by_reference_and_upn_and_a_corrected_upn_too(manager):
    from interchange import services as interchange_services
    from tests.interchange.helpers import as_files, hand_made_files, hand_made_texts, with_cell

    today = dt.date(2026, 11, 23)
    interchange_services.ssda903_import(files=hand_made_files(), by=manager, commit=True, today=today)
    assert [c.local_reference for c in Child.objects.matching("hm001")] == ["HM001"]
    assert [c.local_reference for c in Child.objects.matching("A123456789012")] == ["HM001"]

    texts = with_cell(hand_made_texts(), "header.csv", 4, "UPN", "B987654321098")
    interchange_services.ssda903_import(files=as_files(texts), by=manager, commit=True, today=today)
    assert [c.local_reference for c in Child.objects.matching("b987654321098")] == ["HM003"]
    for child in Child.objects.all():
        assert child.search_text == search_text(**{name: getattr(child, name) for name in SEARCHED_FIELDS})
