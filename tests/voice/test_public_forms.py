"""The forms a link opens, for people with no account (docs/rules.md#the-childs-voice): one
closed page whatever the reason, the child's first name and review date and nothing else about
them, answers landing only on the link's own child, errors redrawn escaped, the body limited,
private headers, audit events with no actor, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children.codes import ContactRole
from iro_service.models import AuditAction, AuditEvent
from voice import services
from voice.codes import FormKind, Purpose
from voice.forms import NOTHING_ANSWERED
from voice.models import VoiceResponse
from voice.questions import TEXT_LIMIT
from voice.views.public import MAX_BODY_BYTES

from .factories import child_link, child_with_booked_review, child_with_held_review, contact, parent_link

pytestmark = pytest.mark.django_db

#: A child young enough for the younger child's forms.
YOUNGER = dt.date(2018, 5, 1)


@pytest.fixture(autouse=True)
def empty_cache():
    """The rate limit counts in the cache: each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


def url(raw: str) -> str:
    return reverse("voice:form", kwargs={"token": raw})


def body(response) -> str:
    return response.content.decode()


def _csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


# --- Opening a link -------------------------------------------------------------------------------


def test_a_live_link_shows_its_form_with_the_childs_first_name_and_review_date_only(client, iro):
    child, review = child_with_booked_review(iro, first_name="Tia", born=YOUNGER)
    made = child_link(review, by=iro)
    assert made.link.form_kind == FormKind.CONSULT_CHILD
    response = client.get(url(made.raw))
    assert response.status_code == 200
    page = body(response)
    assert "Your meeting is coming up" in page
    assert "Hello Tia." in page
    assert f"Your meeting is on {review.booked_for:%-d %B %Y}" in page
    assert child.last_name not in page
    assert iro.last_name not in page and iro.first_name not in page
    assert "How are things at school?" in page
    assert "Send my answers" in page
    assert "call 999" in page and "0800 1111" in page
    assert 'href="/"' not in page and "Sign out" not in page and "Menu" not in page


def test_a_feedback_form_shows_the_day_the_review_was_held_and_says_who_is_told(client, iro):
    _, review = child_with_held_review(iro, first_name="Tia", days_ago=3)
    made = child_link(review, by=iro, purpose=Purpose.FEEDBACK)
    page = body(client.get(url(made.raw)))
    assert f"Your meeting was on {review.held_on:%-d %B %Y}" in page
    assert "They will not be told who wrote them, unless you tick the box" in page
    assert "Can your IRO know this is from you?" in page


def test_a_parents_form_shows_the_adult_safety_words(client, iro):
    child, review = child_with_held_review(iro, first_name="Tia")
    mother = contact(child, ContactRole.MOTHER, name="Jo Bloggs")
    made = parent_link(review, mother, by=iro)
    page = body(client.get(url(made.raw)))
    assert "Did you feel listened to as a parent?" in page
    assert "This is about Tia’s review" in page
    assert "0808 800 5000" in page and "call 999" in page
    assert "Childline" not in page


def _closed_reasons(iro) -> dict[str, str]:
    """A token for each reason a link does not open."""
    now = timezone.now()
    reasons = {}
    _, review = child_with_booked_review(iro, first_name="Ann")
    answered = child_link(review, by=iro)
    services.response_submit(raw=answered.raw, data={"home": "good"})
    reasons["answered"] = answered.raw
    _, review = child_with_booked_review(iro, first_name="Bea")
    reasons["expired"] = child_link(review, by=iro, now=now - dt.timedelta(days=60)).raw
    _, review = child_with_booked_review(iro, first_name="Cal")
    revoked = child_link(review, by=iro)
    services.link_revoke(link=revoked.link, by=iro)
    reasons["revoked"] = revoked.raw
    _, review = child_with_booked_review(iro, first_name="Dee")
    reasons["replaced"] = child_link(review, by=iro).raw
    child_link(review, by=iro)
    reasons["unknown"] = "A" * 43
    reasons["malformed"] = "not-a-token"
    reasons["hash"] = answered.link.token_hash
    return reasons


def test_the_closed_page_is_the_same_whatever_the_reason(client, iro):
    pages = {}
    for reason, raw in _closed_reasons(iro).items():
        response = client.get(url(raw))
        assert response.status_code == 404, reason
        pages[reason] = body(response)
    assert len(set(pages.values())) == 1, "the closed page differs by reason"
    page = next(iter(pages.values()))
    assert "This link has closed" in page
    for name in ("Ann", "Bea", "Cal", "Dee"):
        assert name not in page


def test_posting_to_a_closed_link_gets_the_same_closed_page(client, iro):
    reasons = _closed_reasons(iro)
    closed = body(client.get(url(reasons["unknown"])))
    for reason, raw in reasons.items():
        response = client.post(url(raw), {"home": "good"})
        assert response.status_code == 404, reason
        assert body(response) == closed, reason


def test_a_token_never_shows_another_childs_form(client, iro):
    tia_child, tia_review = child_with_booked_review(iro, first_name="Tia")
    sam_child, sam_review = child_with_booked_review(iro, first_name="Sam")
    tia = child_link(tia_review, by=iro)
    sam = child_link(sam_review, by=iro)
    tia_page, sam_page = body(client.get(url(tia.raw))), body(client.get(url(sam.raw)))
    assert "Tia" in tia_page and "Sam" not in tia_page
    assert "Sam" in sam_page and "Tia" not in sam_page


def test_posted_review_child_or_form_fields_change_nothing(client, iro):
    _, tia_review = child_with_booked_review(iro, first_name="Tia")
    sam_child, sam_review = child_with_booked_review(iro, first_name="Sam")
    tia = child_link(tia_review, by=iro)
    response = client.post(
        url(tia.raw),
        {
            "home": "good",
            "review": sam_review.pk,
            "child": sam_child.pk,
            "form_kind": FormKind.FEEDBACK_YOUNG,
            "link": "1",
        },
    )
    assert response.status_code == 302
    answer = VoiceResponse.objects.get()
    assert (answer.review_id, answer.child_id, answer.form_kind) == (
        tia_review.pk,
        tia_review.child_id,
        tia.link.form_kind,
    )
    assert answer.answers == {"home": "good"}
    assert not VoiceResponse.objects.filter(child=sam_child).exists()


# --- Sending answers --------------------------------------------------------------------------------


def test_sending_answers_redirects_to_a_thank_you_page_with_no_token_or_child(client, iro):
    child, review = child_with_booked_review(iro, first_name="Tia")
    made = child_link(review, by=iro)
    response = client.post(url(made.raw), {"home": "ok", "talk_about": "Seeing my brother", "attend": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("voice:thanks")
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    page = body(thanks)
    assert "Thank you" in page and "Tia" not in page and made.raw not in page
    assert VoiceResponse.objects.get().answers == {"home": "ok", "talk_about": "Seeing my brother", "attend": "yes"}
    assert client.get(url(made.raw)).status_code == 404


def test_an_empty_form_is_refused_and_the_link_stays_open(client, iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    response = client.post(url(made.raw), {"share_name": "on"})
    assert response.status_code == 200
    assert NOTHING_ANSWERED in body(response)
    assert not VoiceResponse.objects.exists()
    assert services.link_for_token(made.raw) is not None


def test_an_over_long_answer_is_named_in_the_error_summary_and_what_was_typed_is_kept(client, iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    too_long = "a" * (TEXT_LIMIT + 1)
    response = client.post(url(made.raw), {"home": "good", "talk_about": too_long})
    assert response.status_code == 200
    page = body(response)
    assert "govuk-error-summary" in page
    assert f'<a href="#id_talk_about">Your answer must be {TEXT_LIMIT:,} characters or fewer.</a>' in page
    assert 'id="id_talk_about"' in page
    assert too_long in page
    assert re.search(r'value="good"[^>]*checked', page)
    assert not VoiceResponse.objects.exists()


def test_an_unknown_choice_is_named_in_the_error_summary(client, iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    response = client.post(url(made.raw), {"home": "brilliant"})
    page = body(response)
    assert '<a href="#id_home_1">Choose one of the answers to: How are things where you are living?</a>' in page


def test_answers_with_markup_are_shown_again_escaped_after_an_error(client, iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    script = "<script>alert(1)</script>"
    response = client.post(url(made.raw), {"who": script, "talk_about": script + "x" * TEXT_LIMIT})
    page = body(response)
    assert response.status_code == 200
    assert script not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_body_over_the_limit_gets_413_and_nothing_is_kept(client, iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    response = client.post(url(made.raw), {"talk_about": "a" * (MAX_BODY_BYTES + 10)})
    assert response.status_code == 413
    assert "too long" in body(response)
    assert not VoiceResponse.objects.exists()
    assert services.link_for_token(made.raw) is not None


def test_a_body_over_djangos_own_limit_is_still_a_413_not_an_error(iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    response = _csrf_client().post(url(made.raw), {"talk_about": "a" * (3 * 1024 * 1024)})
    assert response.status_code == 413


def test_the_form_works_for_an_anonymous_person_with_the_csrf_cookie(iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    browser = _csrf_client()
    page = body(browser.get(url(made.raw)))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(url(made.raw), {"home": "good"}).status_code == 403
    assert not VoiceResponse.objects.exists()
    response = browser.post(url(made.raw), {"home": "good", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert VoiceResponse.objects.count() == 1


# --- Headers, audit and queries ---------------------------------------------------------------------


def _private(response) -> None:
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"  # never to another site; see REFERRER_POLICY
    assert "noindex" in response["X-Robots-Tag"]


def test_every_public_page_is_private_to_caches_referrers_and_search_engines(client, iro, settings):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    _private(client.get(url(made.raw)))
    _private(client.post(url(made.raw), {}))
    _private(client.post(url(made.raw), {"talk_about": "a" * (MAX_BODY_BYTES + 1)}))
    _private(client.get(url("A" * 43)))
    _private(client.put(url(made.raw)))
    redirect = client.post(url(made.raw), {"home": "good"})
    _private(redirect)
    _private(client.get(redirect["Location"]))
    settings.VOICE_RATE_LIMIT_PER_MINUTE = 0
    _private(client.get(url(made.raw)))


def test_the_pages_pass_the_content_security_policy_with_no_inline_script(client, iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    response = client.get(url(made.raw))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    page = body(response)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "an inline script"
    assert " style=" not in page and "<style" not in page
    assert not re.search(r"\son[a-z]+=", page), "an inline event handler"


def test_opening_and_sending_write_audit_events_with_no_actor(client, iro):
    child, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    before = AuditEvent.objects.count()
    client.get(url(made.raw))
    opened = AuditEvent.objects.order_by("pk")[before:]
    assert [(e.actor_id, e.action, e.child_id) for e in opened] == [(None, AuditAction.VIEWED, child.pk)]
    assert opened[0].path == "/v/…/"
    client.post(url(made.raw), {"home": "good"})
    sent = AuditEvent.objects.filter(action=AuditAction.CREATED, child_id=child.pk, actor=None).order_by("-pk")
    assert sent.exists() and "answered through its link" in sent[0].summary
    assert sent[0].path == "/v/…/"
    # The token is kept nowhere: not in any event's path, summary or changes.
    for event in AuditEvent.objects.all():
        assert made.raw not in f"{event.path} {event.summary} {event.changes}"


def test_a_closed_link_writes_no_audit_event(client, iro):
    _, review = child_with_booked_review(iro)
    made = child_link(review, by=iro)
    services.link_revoke(link=made.link, by=iro)
    before = AuditEvent.objects.count()
    client.get(url(made.raw))
    assert AuditEvent.objects.count() == before


def _queries(django_assert_num_queries, client, path, count: int, **post) -> None:
    with django_assert_num_queries(count):
        response = client.post(path, post) if post else client.get(path)
    assert response.status_code in (200, 302)


def test_opening_and_sending_take_a_fixed_number_of_queries(client, iro, django_assert_num_queries):
    counts = {}
    for name in ("Tia", "Sam"):
        _, review = child_with_booked_review(iro, first_name=name)
        made = child_link(review, by=iro)
        with CaptureQueriesContext(connection) as opened:
            client.get(url(made.raw))
        with CaptureQueriesContext(connection) as sent:
            client.post(url(made.raw), {"home": "good", "talk_about": "x" * 50})
        counts[name] = (len(opened), len(sent))
    assert counts["Tia"] == counts["Sam"]
    opened_count, sent_count = counts["Tia"]
    assert opened_count <= 6 and sent_count <= 30
    _, review = child_with_booked_review(iro, first_name="Ray")
    made = child_link(review, by=iro)
    _queries(django_assert_num_queries, client, url(made.raw), opened_count)
    _queries(django_assert_num_queries, client, url(made.raw), sent_count, home="ok")
