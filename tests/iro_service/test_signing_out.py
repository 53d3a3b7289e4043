"""Signing out: the person lands on the sign-in page, which says they have been signed out."""

import pytest
from django.contrib.auth import SESSION_KEY

pytestmark = pytest.mark.django_db


def test_signing_out_lands_on_the_sign_in_page_saying_you_have_been_signed_out(client_for, iro):
    client = client_for(iro)

    response = client.post("/accounts/logout/", follow=True)

    assert response.redirect_chain == [("/accounts/login/?signed-out=you", 302)]
    assert SESSION_KEY not in client.session
    page = response.text
    assert 'class="govuk-notification-banner"' in page
    assert "You have been signed out." in page
    assert "Anything you had not saved was not kept" not in page


def test_the_sign_in_page_says_nothing_about_signing_out_when_nobody_did(client):
    page = client.get("/accounts/login/").text

    assert "signed out" not in page
    assert "govuk-notification-banner" not in page


def test_an_unknown_signed_out_reason_shows_no_banner(client):
    page = client.get("/accounts/login/?signed-out=<script>alert(1)</script>").text

    assert "govuk-notification-banner" not in page
    assert "<script>alert(1)" not in page
