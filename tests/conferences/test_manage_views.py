"""The manager's conference pages: managers only, GOV.UK error summaries, text escaped, and a
fixed number of queries whatever the number of conferences (docs/rules.md#child-protection)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from children.models import IROAllocation
from conferences import services
from conferences.codes import ConferenceStatus
from conferences.models import Conference
from reviews.deadlines import england_bank_holidays
from tests.conferences.factories import make_cp_chair, make_cp_children, make_icpc, make_iro

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _today():
    return timezone.localdate()


def _working_day_after(day: dt.date, days: int = 1) -> dt.date:
    holidays = england_bank_holidays(day, day + dt.timedelta(days=days + 20))
    day += dt.timedelta(days=days)
    while day.weekday() >= 5 or day in holidays:
        day += dt.timedelta(days=1)
    return day


def _date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _requested(chair=None, *, family="Fox", n=2):
    today = _today()
    return make_icpc(make_cp_children(n, family=family), strategy_on=today - dt.timedelta(days=2), chair=chair)


def _urls(conference, initial):
    return [
        reverse("conferences:manage"),
        reverse("conferences:request"),
        reverse("conferences:allocate_chair", args=[conference.pk]),
        reverse("conferences:book", args=[conference.pk]),
        reverse("conferences:move", args=[conference.pk]),
        reverse("conferences:cancel", args=[conference.pk]),
        reverse("conferences:review_book", args=[initial.pk]),
    ]


def _family_on_plans(chair, *, family="Wren"):
    today = _today()
    held = today - dt.timedelta(days=30)
    return make_icpc(
        make_cp_children(2, family=family), strategy_on=held - dt.timedelta(days=10), chair=chair, held_on=held
    )


@pytest.mark.parametrize("who", ["iro", "cp_chair", "committee", "administrator"])
def test_every_manager_page_is_refused_to_anyone_else(who, request, client_for):
    chair = make_iro()
    user = make_cp_chair() if who == "cp_chair" else request.getfixturevalue(who)
    conference, initial = _requested(chair), _family_on_plans(chair)
    client = client_for(user)
    for url in _urls(conference, initial):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"reason": "x", "version": "1"}).status_code in (403, 404), url
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.REQUESTED


def test_the_chair_of_the_childrens_conferences_is_refused_too(client_for):
    chair = make_cp_chair()
    conference = _requested(chair)
    response = client_for(chair).get(reverse("conferences:book", args=[conference.pk]))
    assert response.status_code == 403


def test_the_pages_are_not_found_when_the_service_does_not_chair_conferences(client_for, manager, settings):
    settings.CHAIRS_CHILD_PROTECTION_CONFERENCES = False
    response = client_for(manager).get(reverse("conferences:manage"))
    assert response.status_code == 404
    assert "Conferences</a>" not in client_for(manager).get("/").content.decode()


def test_the_manager_navigation_links_to_the_list(client_for, manager, iro):
    page = client_for(manager).get(reverse("conferences:manage")).content.decode()
    assert f'href="{reverse("conferences:manage")}"' in page
    assert f'href="{reverse("conferences:manage")}"' not in client_for(iro).get("/").content.decode()


def test_the_list_shows_requested_booked_and_review_conferences_due_with_why(client_for, manager):
    chair = make_iro(first_name="Cara", last_name="Chair")
    _requested(family="Awaiting")
    _requested(chair, family="Dated")
    booked = _requested(chair, family="Booked")
    services.conference_book(
        conference=booked, booked_for=_working_day_after(_today(), 3), by=manager, version=booked.version
    )
    _family_on_plans(chair)
    page = client_for(manager).get(reverse("conferences:manage")).content.decode()
    assert "Awaiting a chair" in page and "Awaiting a date" in page
    assert "Booked</strong>" in page
    assert "Wren" in page and "3 months after the initial conference" in page
    assert "15 working days after the strategy discussion" in page
    assert reverse("conferences:review_book", args=[Conference.objects.get(family_name="Wren").pk]) in page


def test_the_list_filters_by_chair(client_for, manager):
    cara, dev = make_iro(first_name="Cara"), make_iro(first_name="Dev")
    _requested(cara, family="Carasfamily")
    _requested(dev, family="Devsfamily")
    _family_on_plans(dev, family="Devsplans")
    page = client_for(manager).get(reverse("conferences:manage"), {"chair": cara.pk}).content.decode()
    assert "Carasfamily" in page and "Devsfamily" not in page and "Devsplans" not in page


def _fill_list(count: int):
    chair = make_iro()
    for i in range(count):
        _requested(family=f"Asked{i}", n=1)
        _requested(chair, family=f"Booked{i}", n=1)
        _family_on_plans(chair, family=f"Plan{i}")
    for conference in Conference.objects.filter(family_name__startswith="Booked"):
        Conference.objects.filter(pk=conference.pk).update(
            status=ConferenceStatus.BOOKED, booked_for=_working_day_after(_today(), 5)
        )


def test_the_list_costs_the_same_queries_at_two_sizes(client_for, manager, django_assert_max_num_queries):
    client = client_for(manager)
    counts = []
    for size in (1, 8):
        _fill_list(size)
        client.get(reverse("conferences:manage"))
        with django_assert_max_num_queries(17) as captured:
            response = client.get(reverse("conferences:manage"))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert response.content.decode().count("Awaiting a chair") == 9


def test_the_list_is_paginated(client_for, manager, monkeypatch):
    monkeypatch.setattr("conferences.views.manage.PAGE_SIZE", 2)
    for i in range(3):
        _requested(family=f"Paged{i}", n=1)
    client = client_for(manager)
    first = client.get(reverse("conferences:manage")).content.decode()
    assert first.count("Awaiting a chair") == 2 and "requested_page=2" in first
    second = client.get(reverse("conferences:manage"), {"requested_page": 2}).content.decode()
    assert second.count("Awaiting a chair") == 1


def _request_data(references: str, **overrides):
    today = _today()
    data = {
        "children": references,
        "family_name": "Fox",
        "social_worker": "Sam Social",
        "social_work_team": "",
        **_date_fields("requested_on", today),
        **_date_fields("strategy_discussion_on", today - dt.timedelta(days=1)),
        **_date_fields("section_47_started_on", today - dt.timedelta(days=1)),
    }
    return data | overrides


def test_a_manager_requests_a_conference_for_siblings_by_their_references(client_for, manager):
    older, younger = make_cp_children(2)
    response = client_for(manager).post(
        reverse("conferences:request"), _request_data(f"{older.local_reference}, {younger.local_reference}")
    )
    assert response.status_code == 302
    conference = Conference.objects.get()
    assert set(conference.places.values_list("child_id", flat=True)) == {older.pk, younger.pk}


def test_the_request_form_names_the_fields_in_its_error_summary(client_for, manager):
    (child,) = make_cp_children(1)
    client = client_for(manager)
    page = client.post(reverse("conferences:request"), {"family_name": ""}).content.decode()
    assert "govuk-error-summary" in page
    assert "Enter the local references of the children" in page
    assert "Enter the family name" in page
    unknown = client.post(reverse("conferences:request"), _request_data("NOPE1")).content.decode()
    assert "No child has the local reference NOPE1" in unknown and 'href="#id_children"' in unknown
    later = _request_data(
        child.local_reference,
        **_date_fields("strategy_discussion_on", _today()),
        **_date_fields("requested_on", _today() - dt.timedelta(days=3)),
    )
    refused = client.post(reverse("conferences:request"), later).content.decode()
    assert "must be the same as or after the strategy discussion" in refused
    assert not Conference.objects.exists()


def test_the_chair_page_lists_chairs_with_their_load_and_allocates(client_for, manager):
    cp_chair = make_cp_chair(first_name="Chris", last_name="Chair")
    make_icpc(make_cp_children(2, family="Other"), strategy_on=_today(), chair=cp_chair)
    conference = _requested()
    client = client_for(manager)
    url = reverse("conferences:allocate_chair", args=[conference.pk])
    page = client.get(url).content.decode()
    assert "Chris Chair: 2 children on child protection work" in page
    response = client.post(url, {"chair": cp_chair.pk, "reason": "New request", "version": conference.version})
    assert response.status_code == 302
    assert set(
        IROAllocation.objects.child_protection()
        .filter(iro=cp_chair, ended_on__isnull=True)
        .values_list("child_id", flat=True)
    ) >= set(conference.places.values_list("child_id", flat=True))


def test_a_stale_form_is_refused_and_can_be_saved_again(client_for, manager):
    conference = _requested()
    chair = make_iro()
    client = client_for(manager)
    url = reverse("conferences:allocate_chair", args=[conference.pk])
    services.conference_cancel  # noqa: B018  (the service a second manager would use)
    Conference.objects.filter(pk=conference.pk).update(version=5)
    page = client.post(url, {"chair": chair.pk, "reason": "x", "version": 1}).content.decode()
    assert "changed" in page and "while you were editing it" in page
    assert 'name="version" value="5"' in page
    assert client.post(url, {"chair": chair.pk, "reason": "x", "version": 5}).status_code == 302


def test_booking_on_a_weekend_warns_then_books_anyway(client_for, manager):
    conference = _requested(make_iro())
    today = _today()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    client = client_for(manager)
    url = reverse("conferences:book", args=[conference.pk])
    assert "15 working days after the strategy discussion" in client.get(url).content.decode()
    data = {**_date_fields("booked_for", saturday), "version": conference.version, "venue": ""}
    warned = client.post(url, data).content.decode()
    assert "is a Saturday" in warned and "Book anyway" in warned
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.REQUESTED
    key = warned.split('name="warnings_seen" value="')[1].split('"')[0]
    response = client.post(url, {**data, "book_anyway": "on", "warnings_seen": key})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.BOOKED and conference.booked_for == saturday


def test_booking_without_a_chair_is_refused_on_the_page(client_for, manager):
    conference = _requested()
    day = _working_day_after(_today())
    page = (
        client_for(manager)
        .post(reverse("conferences:book", args=[conference.pk]), {**_date_fields("booked_for", day), "version": 1})
        .content.decode()
    )
    assert "govuk-error-summary" in page and "Allocate a chair before booking the conference." in page


def test_the_family_review_conference_is_booked_from_the_list(client_for, manager):
    chair = make_iro()
    initial = _family_on_plans(chair)
    url = reverse("conferences:review_book", args=[initial.pk])
    client = client_for(manager)
    assert "3 months after the initial conference" in client.get(url).content.decode()
    day = _working_day_after(_today())
    assert client.post(url, _date_fields("booked_for", day)).status_code == 302
    review = Conference.objects.get(kind="review")
    assert review.chair == chair and review.places.count() == 2


def test_move_and_cancel_need_a_reason(client_for, manager):
    conference = _requested(make_iro())
    services.conference_book(
        conference=conference, booked_for=_working_day_after(_today()), by=manager, version=conference.version
    )
    conference.refresh_from_db()
    client = client_for(manager)
    move = client.post(
        reverse("conferences:move", args=[conference.pk]),
        {**_date_fields("booked_for", _working_day_after(_today(), 2)), "version": conference.version},
    ).content.decode()
    assert "govuk-error-summary" in move and "Enter the reason for the change" in move
    cancel = client.post(reverse("conferences:cancel", args=[conference.pk]), {"version": conference.version})
    assert "Enter the reason for cancelling" in cancel.content.decode()
    response = client.post(
        reverse("conferences:cancel", args=[conference.pk]), {"version": conference.version, "reason": SCRIPT}
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.CANCELLED and conference.cancel_reason == SCRIPT


def test_script_in_every_text_field_is_shown_as_text(client_for, manager):
    chair = make_iro(first_name=SCRIPT, last_name="Chair")
    older, younger = make_cp_children(2, family=SCRIPT)
    client = client_for(manager)
    data = _request_data(
        f"{older.local_reference} {younger.local_reference}",
        family_name=SCRIPT,
        social_worker=SCRIPT,
        social_work_team=SCRIPT,
    )
    assert client.post(reverse("conferences:request"), data).status_code == 302
    conference = Conference.objects.get()
    services.conference_allocate_chair(conference=conference, chair=chair, by=manager, reason=SCRIPT, version=1)
    services.conference_book(
        conference=conference, booked_for=_working_day_after(_today()), venue=SCRIPT, by=manager, version=2
    )
    _family_on_plans(chair, family=SCRIPT)
    pages = [
        client.get(reverse("conferences:manage")),
        client.get(reverse("conferences:allocate_chair", args=[conference.pk])),
        client.get(reverse("conferences:move", args=[conference.pk])),
        client.post(reverse("conferences:request"), {**data, "children": SCRIPT}),
    ]
    for response in pages:
        page = response.content.decode()
        assert SCRIPT not in page
    assert ESCAPED in pages[0].content.decode()
