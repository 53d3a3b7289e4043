"""PN6 from a consultation (docs/rules.md#the-childs-voice): a child who answered the
consultation form before the review and did not attend is recorded as PN6 ("conveys views by
another medium") unless the IRO chooses another code; the record form offers it and says why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from tests.forms import date_fields
from voice import services

from .factories import child_link, child_with_booked_review

pytestmark = pytest.mark.django_db


def _answered(iro, **kwargs):
    """A child whose review is booked for today and who answered the consultation."""
    child, review = child_with_booked_review(iro, in_days=0, **kwargs)
    made = child_link(review, by=iro)
    response = services.response_submit(raw=made.raw, data={"talk_about": "School", "attend": "no"})
    return child, review, response


def _post(code: str) -> dict:
    return {
        **date_fields("held_on", timezone.localdate()),
        "participation_code": code,
        "parents_participation": "views_given",
        "wishes_and_feelings": "Tia wants to stay at her school.",
        "child_friendly_summary": "Dear Tia, we agreed.",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "30",
    }


def test_pn6_is_offered_with_the_reason_when_the_child_answered(client_for, iro):
    child, _, response = _answered(iro)
    page = client_for(iro).get(reverse("reviews:record", args=[child.pk]))
    form = page.context["form"]
    assert form.initial["participation_code"] == "PN6"
    day = timezone.localtime(response.submitted_at).date()
    hint = f"PN6 because Tia answered the consultation form on {day:%-d %B %Y}; choose another code if Tia attended."
    assert hint in page.content.decode()


def test_pn6_is_saved_when_the_iro_keeps_it(client_for, iro):
    child, booked, _ = _answered(iro)
    client = client_for(iro)
    offered = client.get(reverse("reviews:record", args=[child.pk])).context["form"].initial["participation_code"]
    page = client.post(reverse("reviews:record", args=[child.pk]), _post(offered))
    assert page.status_code == 302
    booked.refresh_from_db()
    assert booked.status == "held" and booked.participation_code == "PN6"


def test_another_code_is_kept_when_the_iro_chooses_it(client_for, iro):
    child, booked, _ = _answered(iro)
    page = client_for(iro).post(reverse("reviews:record", args=[child.pk]), _post("PN1"))
    assert page.status_code == 302
    booked.refresh_from_db()
    assert booked.participation_code == "PN1"


def test_no_pn6_is_offered_without_an_answer(client_for, iro):
    child, review = child_with_booked_review(iro, in_days=0)
    child_link(review, by=iro)  # asked, but no answer yet
    page = client_for(iro).get(reverse("reviews:record", args=[child.pk]))
    assert "participation_code" not in page.context["form"].initial
    assert "PN6 because" not in page.content.decode()


def test_the_parents_answer_does_not_make_pn6(client_for, iro):
    from voice.codes import Channel, Purpose, Respondent

    from .factories import contact

    child, review = child_with_booked_review(iro, in_days=0)
    made = services.link_create(
        review=review,
        purpose=Purpose.CONSULTATION,
        respondent=Respondent.PARENT,
        contact=contact(child),
        channel=Channel.EMAIL,
        by=iro,
    )
    services.response_submit(raw=made.raw, data={"plan": "Fine"})
    page = client_for(iro).get(reverse("reviews:record", args=[child.pk]))
    assert "participation_code" not in page.context["form"].initial


def test_a_child_under_4_who_answered_is_still_pn0(client_for, iro):
    born = timezone.localdate() - dt.timedelta(days=3 * 365)
    child, booked, _ = _answered(iro, born=born)
    client = client_for(iro)
    page = client.get(reverse("reviews:record", args=[child.pk]))
    assert "participation_code" not in page.context["form"].initial
    assert "PN6 because" not in page.content.decode()
    assert client.post(reverse("reviews:record", args=[child.pk]), _post("PN0")).status_code == 302
    assert Review.objects.get(pk=booked.pk).participation_code == "PN0"


def test_without_the_hook_the_form_offers_nothing(client_for, iro, settings):
    settings.REVIEW_VIEWS_CONVEYED = ""
    child, _, _ = _answered(iro)
    page = client_for(iro).get(reverse("reviews:record", args=[child.pk]))
    assert "participation_code" not in page.context["form"].initial


def test_a_script_in_the_childs_name_is_escaped_in_the_pn6_hint(client_for, iro):
    """The hint names the child, and crispy-forms-gds prints a field's help text as HTML: the name
    must reach it escaped."""
    child, _, _ = _answered(iro, first_name="<script>alert(1)</script>")
    page = client_for(iro).get(reverse("reviews:record", args=[child.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "PN6 because &lt;script&gt;alert(1)&lt;/script&gt; answered the consultation form" in page
