"""The chair's pages: "My conferences", a conference, the record form, the minutes and their PDF,
the plan; who may see them, the escaping of what people type, and fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences.codes import ConferenceStatus, Outcome
from conferences.models import (
    Conference,
    ConferenceAttendee,
    ConferenceChild,
    CoreGroupMember,
    PlanAction,
    ProtectionPlan,
)
from tests.conferences.factories import make_cp_chair, make_cp_children, make_icpc
from tests.factories import make_cover
from tests.reporting.test_pdf import poppler

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def chair():
    return make_cp_chair(username="chair_c", first_name="Cara", last_name="Chair")


@pytest.fixture
def day():
    return timezone.localdate()


def _booked(chair, day, *, family="Doe", n=2):
    children = make_cp_children(n, family=family)
    conference = make_icpc(
        children, strategy_on=day - dt.timedelta(days=20), chair=chair, booked_for=day - dt.timedelta(days=2)
    )
    return conference, children


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _post(conference, day, *, outcomes, text="Plain words", add=None):
    conference.refresh_from_db()
    places = list(ConferenceChild.objects.filter(conference=conference).order_by("pk"))
    data = {
        **_date("held_on", day - dt.timedelta(days=2)),
        "minutes": text,
        "version": conference.version,
        "attendees-TOTAL_FORMS": 1,
        "attendees-INITIAL_FORMS": 0,
        "attendees-0-name": text,
        "attendees-0-agency": "police",
        "attendees-0-role": text,
        "attendees-0-attended": "on",
    }
    for place, outcome in zip(places, outcomes, strict=True):
        p = f"child-{place.pk}"
        data.update(
            {
                f"{p}-outcome": outcome,
                f"{p}-child_participation": "views_conveyed",
                f"{p}-parents_participation": "attended",
                f"{p}-childs_views": text,
            }
        )
        if outcome == Outcome.PLAN:
            data[f"{p}-categories"] = ["NEG"]
        a = f"actions-{place.pk}"
        data.update({f"{a}-TOTAL_FORMS": 1, f"{a}-INITIAL_FORMS": 0})
        if outcome == Outcome.PLAN:
            data.update(
                {
                    f"{a}-0-description": text,
                    f"{a}-0-owner": text,
                    **_date(f"{a}-0-due_on", day + dt.timedelta(days=30)),
                }
            )
    if add:
        data.update(add)
    return data


def test_my_conferences_lists_own_and_covered_not_others(client_for, chair, day):
    mine, _ = _booked(chair, day, family="Mine")
    away = make_cp_chair(username="away")
    covered, _ = _booked(away, day, family="Covered")
    stranger = make_cp_chair(username="stranger")
    _booked(stranger, day, family="Elsewhere")
    make_cover(absent_iro=away, covering_iro=chair, starts_on=day - dt.timedelta(days=30), by=away)
    page = client_for(chair).get(reverse("conferences:mine")).content.decode()
    assert "Mine" in page and "Covered" in page and "Elsewhere" not in page
    assert "My conferences" in page  # in the navigation


def test_my_conferences_costs_the_same_for_more_conferences(client_for, chair, day, django_assert_max_num_queries):
    client = client_for(chair)
    _booked(chair, day, family="First")
    client.get(reverse("conferences:mine"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("conferences:mine"))
    for i in range(5):
        _booked(chair, day, family=f"More{i}", n=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("conferences:mine")).content.decode()
    assert "More4" in page


def test_the_conference_page_says_when_it_is_due_and_why(client_for, chair, day):
    conference, children = _booked(chair, day)
    page = client_for(chair).get(reverse("conferences:chair_detail", args=[conference.pk])).content.decode()
    assert "15 working days after the strategy discussion" in page
    assert children[0].full_name in page and "Record the conference" in page


def test_recording_through_the_form_makes_a_plan_for_one_child_only(client_for, chair, day):
    conference, (older, younger) = _booked(chair, day)
    client = client_for(chair)
    response = client.post(
        reverse("conferences:record", args=[conference.pk]), _post(conference, day, outcomes=["plan", "no_plan"])
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    assert ProtectionPlan.objects.get().child == older
    assert PlanAction.objects.count() == 1 and ConferenceAttendee.objects.count() == 1


def test_the_error_summary_names_the_child_and_the_field(client_for, chair, day):
    conference, (older, _) = _booked(chair, day)
    data = _post(conference, day, outcomes=["plan", "no_plan"])
    place = ConferenceChild.objects.filter(conference=conference).order_by("pk").first()
    del data[f"child-{place.pk}-outcome"]
    page = client_for(chair).post(reverse("conferences:record", args=[conference.pk]), data).content.decode()
    assert "There is a problem" in page
    assert f"{older.first_name}: Choose the conference" in page
    assert f'href="#id_child-{place.pk}-outcome_1"' in page


def test_a_plan_without_a_category_is_refused_on_the_childs_section(client_for, chair, day):
    conference, (older, _) = _booked(chair, day)
    data = _post(conference, day, outcomes=["plan", "no_plan"])
    place = ConferenceChild.objects.filter(conference=conference).order_by("pk").first()
    del data[f"child-{place.pk}-categories"]
    page = client_for(chair).post(reverse("conferences:record", args=[conference.pk]), data).content.decode()
    assert "Choose the category of abuse the plan is under." in page
    assert not ProtectionPlan.objects.exists()


def test_add_another_action_and_person_without_javascript(client_for, chair, day):
    conference, _ = _booked(chair, day)
    place = ConferenceChild.objects.filter(conference=conference).order_by("pk").first()
    data = _post(conference, day, outcomes=["plan", "no_plan"], add={"add_action": str(place.pk)})
    page = client_for(chair).post(reverse("conferences:record", args=[conference.pk]), data).content.decode()
    assert f'id="action-{place.pk}-1"' in page and "There is a problem" not in page
    data = _post(conference, day, outcomes=["plan", "no_plan"], add={"add_attendee": "1"})
    page = client_for(chair).post(reverse("conferences:record", args=[conference.pk]), data).content.decode()
    assert 'id="attendee-1"' in page
    assert not ProtectionPlan.objects.exists()


def _held_with_script(client_for, chair, day):
    conference, children = _booked(chair, day, family=SCRIPT)
    Conference.objects.filter(pk=conference.pk).update(venue=SCRIPT, social_worker=SCRIPT)
    client = client_for(chair)
    response = client.post(
        reverse("conferences:record", args=[conference.pk]),
        _post(conference, day, outcomes=["plan", "no_plan"], text=SCRIPT),
    )
    assert response.status_code == 302
    plan = ProtectionPlan.objects.get()
    CoreGroupMember.objects.create(plan=plan, name=SCRIPT, agency="health", role=SCRIPT, joined_on=day)
    return client, conference, plan, children


def test_every_text_field_is_escaped_in_the_pages(client_for, chair, day):
    client, conference, plan, _ = _held_with_script(client_for, chair, day)
    for url in (
        reverse("conferences:mine"),
        reverse("conferences:chair_detail", args=[conference.pk]),
        reverse("conferences:record", args=[conference.pk]),
        reverse("conferences:minutes", args=[conference.pk]),
        reverse("conferences:plan", args=[plan.pk]),
    ):
        page = client.get(url).content.decode()
        assert SCRIPT not in page, url
        assert ESCAPED in page, url


def test_the_minutes_pdf_has_a_section_per_child_escaped_and_named_by_references(client_for, chair, day, tmp_path):
    client, conference, _, (older, younger) = _held_with_script(client_for, chair, day)
    response = client.get(reverse("conferences:minutes_pdf", args=[conference.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert older.local_reference in disposition and older.first_name not in disposition
    text = poppler("pdftotext", response.content, tmp=tmp_path)
    assert SCRIPT in text  # shown as the words typed, never run
    assert older.local_reference in text and younger.local_reference in text
    assert "Child protection plan" in text and "No child protection plan" in text


def test_the_minutes_are_sent(client_for, chair, day):
    client, conference, _, _ = _held_with_script(client_for, chair, day)
    conference.refresh_from_db()
    response = client.post(
        reverse("conferences:minutes", args=[conference.pk]),
        {**_date("distributed_on", day), "version": conference.version},
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.minutes_distributed_on == day
    assert "Doe" not in client.get(reverse("conferences:mine")).content.decode()


def test_a_plan_action_status_and_a_core_group_member_leaving(client_for, chair, day):
    client, _, plan, _ = _held_with_script(client_for, chair, day)
    action = PlanAction.objects.get()
    client.post(reverse("conferences:plan_action_update", args=[action.pk]), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done"
    member = CoreGroupMember.objects.get()
    client.post(reverse("conferences:core_group_leave", args=[member.pk]), _date("left_on", day))
    member.refresh_from_db()
    assert member.left_on == day


def test_another_chairs_ids_in_every_url_are_refused(client_for, chair, day):
    _, conference, plan, _ = _held_with_script(client_for, chair, day)
    action, member = PlanAction.objects.get(), CoreGroupMember.objects.get()
    other = make_cp_chair(username="other")
    client = client_for(other)
    for url in (
        reverse("conferences:chair_detail", args=[conference.pk]),
        reverse("conferences:record", args=[conference.pk]),
        reverse("conferences:minutes", args=[conference.pk]),
        reverse("conferences:minutes_pdf", args=[conference.pk]),
        reverse("conferences:plan", args=[plan.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(reverse("conferences:plan_action_update", args=[action.pk]), {"status": "done"}).status_code in (
        403,
        404,
    )
    left = client.post(reverse("conferences:core_group_leave", args=[member.pk]), _date("left_on", day))
    assert left.status_code in (403, 404)
    action.refresh_from_db()
    member.refresh_from_db()
    assert action.status == "open" and member.left_on is None


def test_committee_and_administrator_are_denied(client_for, committee, administrator, chair, day):
    conference, _ = _booked(chair, day)
    for user in (committee, administrator):
        client = client_for(user)
        assert client.get(reverse("conferences:mine")).status_code == 403
        assert client.get(reverse("conferences:record", args=[conference.pk])).status_code == 403


def test_the_iro_of_a_child_in_care_sees_but_does_not_record_their_conference(client_for, iro, chair, day):
    from children.models import IROAllocation

    conference, (older, _) = _booked(chair, day)
    IROAllocation.objects.create(child=older, iro=iro, started_on=day - dt.timedelta(days=100))
    client = client_for(iro)
    assert client.get(reverse("conferences:chair_detail", args=[conference.pk])).status_code == 200
    assert client.get(reverse("conferences:record", args=[conference.pk])).status_code == 403


def test_a_child_protection_chair_cannot_open_a_looked_after_review_form(client_for, chair, day):
    _, (older, _) = _booked(chair, day)
    assert client_for(chair).get(reverse("reviews:record", args=[older.pk])).status_code == 403


def test_a_family_conference_page_writes_one_audit_event_for_each_child(client_for, chair, day):
    """Each child's access log finds the page of their family's conference."""
    from iro_service.models import AuditEvent

    booked, family = _booked(chair, day)
    before = AuditEvent.objects.count()
    assert client_for(chair).get(reverse("conferences:chair_detail", args=[booked.pk])).status_code == 200
    events = AuditEvent.objects.order_by("pk")[before:]
    events = [e for e in events if e.action == "viewed"]
    assert sorted(e.child_id for e in events) == sorted(child.pk for child in family)
    assert {(e.object_type, e.object_id) for e in events} == {("conferences.Conference", str(booked.pk))}
