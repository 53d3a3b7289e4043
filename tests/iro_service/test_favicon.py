"""The service's own icon: linked from every page, and /favicon.ico is no 404."""

from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static" / "images"


def test_favicon_ico_redirects_to_the_static_icon_for_anyone(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response.url == f"/{settings.STATIC_URL.strip('/')}/images/favicon.ico"


def test_every_page_links_the_services_own_icons_not_the_gov_uk_crown(client):
    page = client.get("/accounts/login/").text

    assert 'rel="icon" sizes="32x32" href="/static/images/favicon.png"' in page
    assert 'href="/static/images/favicon.svg" type="image/svg+xml"' in page
    assert "govuk/assets/images/favicon" not in page


def test_the_icon_files_are_what_the_links_say():
    assert Image.open(STATIC / "favicon.png").size == (32, 32)
    assert (32, 32) in Image.open(STATIC / "favicon.ico").info["sizes"]
    assert (STATIC / "favicon.svg").read_text().startswith("<svg ")
