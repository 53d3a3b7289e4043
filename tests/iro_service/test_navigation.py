"""The ``{% nav_item %}`` tag that writes each item of the service navigation in ``base.html``."""

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

ITEM = '{% load navigation %}{% nav_item "Annual report" "reporting:published" PERMISSIONS %}'


def render_item(user, *, permissions: str, path: str = "/") -> str:
    request = RequestFactory().get(path)
    request.user = user
    template = Template(ITEM.replace("PERMISSIONS", permissions))
    return template.render(Context({"request": request, "perms": PermWrapper(user)})).strip()


@pytest.mark.django_db
def test_a_user_with_the_permission_sees_the_item(committee):
    html = render_item(committee, permissions='"reporting.view_published_reports"')

    assert f'href="{reverse("reporting:published")}"' in html
    assert ">Annual report</a>" in html
    assert "aria-current" not in html


@pytest.mark.django_db
def test_the_item_is_marked_current_on_its_own_page(committee):
    html = render_item(committee, permissions='"reporting.view_published_reports"', path=reverse("reporting:published"))

    assert "govuk-service-navigation__item--active" in html
    assert 'aria-current="page"' in html


@pytest.mark.django_db
def test_any_one_of_the_permissions_named_shows_the_item(committee):
    html = render_item(committee, permissions='"disputes.raise_dispute" "reporting.view_published_reports"')

    assert ">Annual report</a>" in html


@pytest.mark.django_db
def test_a_user_without_the_permission_sees_nothing(iro):
    assert render_item(iro, permissions='"reporting.view_published_reports"') == ""


@pytest.mark.django_db
def test_an_item_naming_no_permission_shows_to_everyone(iro):
    assert ">Annual report</a>" in render_item(iro, permissions="")
