"""Who was sent a conference's minutes (conferences.distribution, conferences.services.distribution,
docs/rules.md#child-protection): the list for a family (each child's parents, carers and social
worker once across brothers and sisters, the child from 12, the professionals who came or sent a
report); each person sent or deliberately not sent; ``minutes_distributed_on`` only once nobody
waits, which resolves the minutes-late flag; the refusals; the page, its escaping and its queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from children.codes import ContactRole
from conferences.codes import Agency
from conferences.distribution import FamilyChild, expected_minutes_recipients
from conferences.flags import conference_flags_sweep
from conferences.models import ConferenceAttendee, MinutesSent
from conferences.services import MinutesSentInput, conference_minutes_sent_record, minutes_distribution_list
from iro_service.models import AuditEvent
from reviews.codes import FlagKind
from reviews.distribution import RECORD_TO_CHILD_FROM_AGE
from reviews.models import DeadlineFlag
from tests.conferences.factories import make_cp_chair, make_icpc
from tests.factories import ChildFactory, ContactFactory
from tests.queries import run_at_two_sizes

pytestmark = pytest.mark.django_db

D = dt.date
HELD = D(2026, 1, 7)  # minutes due 4 February 2026
TODAY = D(2026, 1, 20)
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def chair():
    return make_cp_chair(username="cp_chair", first_name="Cora", last_name="Chair")


@pytest.fixture
def family(chair):
    """Two sisters sharing a mother (a Contact row each); the elder 13, the younger 9 on the day
    held; each with her own social worker row for the same person; a father of the elder only; a
    school contact (not sent); a health visitor who came, a GP who sent a report, a teacher who
    did neither."""
    elder = ChildFactory(first_name="Ada", last_name="Doe", date_of_birth=D(2012, 6, 1))
    younger = ChildFactory(first_name="Bea", last_name="Doe", date_of_birth=D(2016, 6, 1))
    conference = make_icpc([elder, younger], strategy_on=D(2025, 12, 15), chair=chair, held_on=HELD)
    people = {}
    for child in (elder, younger):
        people[child, "mother"] = ContactFactory(child=child, role=ContactRole.MOTHER, name="Mary  Doe")
        people[child, "sw"] = ContactFactory(child=child, role=ContactRole.SOCIAL_WORKER, name="Sam Social")
    people[elder, "father"] = ContactFactory(child=elder, role=ContactRole.FATHER, name="Fred Doe")
    ContactFactory(child=younger, role=ContactRole.SCHOOL, name="Head Teacher")
    ContactFactory(child=younger, role=ContactRole.FAMILY, name="Aunt Pru", ended_on=D(2025, 1, 1))
    health = ConferenceAttendee.objects.create(
        conference=conference, name="Hana Health", agency=Agency.HEALTH, role="Health visitor", attended=True
    )
    gp = ConferenceAttendee.objects.create(conference=conference, name="Dr Gee", agency=Agency.HEALTH, sent_report=True)
    ConferenceAttendee.objects.create(conference=conference, name="Tess Teacher", agency=Agency.SCHOOL)
    ConferenceAttendee.objects.create(
        conference=conference, name="sam social", agency=Agency.SOCIAL_CARE, attended=True
    )
    return {"conference": conference, "elder": elder, "younger": younger, "people": people, "health": health, "gp": gp}


def _keys(listing):
    return [line.recipient.key for line in listing.lines]


def _send(conference, by, key, *, on=TODAY, method="post", reason="", today=TODAY):
    conference.refresh_from_db()
    entry = MinutesSentInput(key, method=method if on else "", sent_on=on, not_sent_reason=reason)
    return conference_minutes_sent_record(
        conference=conference, by=by, version=conference.version, sent=[entry], today=today
    )


# --- The list (pure) --------------------------------------------------------------------------------


def test_the_list_names_a_shared_mother_once_the_child_from_12_and_the_professionals_who_came(family):
    people, elder = family["people"], family["elder"]
    listing = minutes_distribution_list(family["conference"], today=TODAY)
    assert _keys(listing) == [
        f"child:{elder.pk}",
        f"contact:{people[elder, 'father'].pk}",
        f"contact:{people[elder, 'mother'].pk}",
        f"contact:{people[elder, 'sw'].pk}",
        f"attendee:{family['gp'].pk}",
        f"attendee:{family['health'].pk}",
    ]
    mother = listing.lines[2].recipient
    assert mother.children == ("Ada", "Bea") and mother.role_label == "Mother"
    assert listing.lines[4].recipient.professional and "Health visitor" in listing.lines[5].recipient.role_label


def test_the_child_is_on_the_list_from_the_age_of_12_on_the_day_held():
    def children_listed(born):
        child = FamilyChild(1, "Ada", "Ada Doe", born)
        return expected_minutes_recipients(held_on=HELD, children=[child], contacts=[], attendees=[])

    assert RECORD_TO_CHILD_FROM_AGE == 12
    assert [r.key for r in children_listed(D(2014, 1, 7))] == ["child:1"]
    assert children_listed(D(2014, 1, 8)) == []


def test_someone_with_parental_responsibility_in_another_role_is_on_the_list(family):
    younger = family["younger"]
    gran = ContactFactory(child=younger, role=ContactRole.FAMILY, name="Gran", has_parental_responsibility=True)
    assert f"contact:{gran.pk}" in _keys(minutes_distribution_list(family["conference"], today=TODAY))


# --- Recording ----------------------------------------------------------------------------------------


def test_the_date_is_set_only_once_nobody_waits_and_the_flag_then_resolves(family, chair):
    conference = family["conference"]
    assert conference.minutes_due_on == D(2026, 2, 4)
    assert conference_flags_sweep(today=D(2026, 2, 5)).raised[FlagKind.CP_MINUTES_LATE] == 2  # one per child
    keys = _keys(minutes_distribution_list(conference, today=TODAY))
    for index, key in enumerate(keys[:-1]):
        conference = _send(conference, chair, key, on=D(2026, 1, 10 + index), today=D(2026, 2, 6))
        assert conference.minutes_distributed_on is None
    conference = _send(conference, chair, keys[-1], on=None, reason="Moved away, no address", today=D(2026, 2, 6))
    assert conference.minutes_distributed_on == D(2026, 1, 14)  # the last date sent
    assert conference.minutes_completed_on == D(2026, 1, 14)
    assert MinutesSent.objects.filter(conference=conference).count() == len(keys)
    gp_row = MinutesSent.objects.get(attendee=family["gp"])
    assert gp_row.child == family["elder"] and gp_row.name == "Dr Gee"
    assert conference_flags_sweep(today=D(2026, 2, 6)).resolved[FlagKind.CP_MINUTES_LATE] == 2
    assert not DeadlineFlag.objects.filter(kind=FlagKind.CP_MINUTES_LATE, resolved_on__isnull=True).exists()
    assert AuditEvent.objects.filter(summary__startswith="Minutes distributed on 14 January 2026").exists()


def test_a_copy_can_be_changed_and_the_snapshot_keeps_the_name(family, chair):
    conference, mother = family["conference"], family["people"][family["elder"], "mother"]
    key = f"contact:{mother.pk}"
    _send(conference, chair, key, on=D(2026, 1, 9))
    mother.name = "Mary Smith"
    mother.save()
    _send(conference, chair, key, on=None, reason="A risk to the child")
    row = MinutesSent.objects.get(contact=mother)
    assert (row.name, row.sent_on, row.method, row.not_sent_reason) == ("Mary  Doe", None, "", "A risk to the child")


@pytest.mark.parametrize(
    ("on", "reason", "message"),
    [
        (D(2026, 1, 6), "", "before the conference"),
        (D(2026, 1, 21), "", "today or in the past"),
        (None, " ", "why the minutes were not sent"),
    ],
)
def test_a_date_before_the_conference_or_in_the_future_or_no_reason_is_refused(family, chair, on, reason, message):
    key = _keys(minutes_distribution_list(family["conference"], today=TODAY))[0]
    with pytest.raises(ValidationError, match=message):
        _send(family["conference"], chair, key, on=on, reason=reason)
    assert not MinutesSent.objects.exists()


def test_someone_not_on_the_list_is_refused(family, chair):
    younger, school = family["younger"], ContactFactory(child=family["younger"], role=ContactRole.SCHOOL)
    other_child_contact = ContactFactory(role=ContactRole.MOTHER)
    for key in (
        f"contact:{school.pk}",
        f"contact:{other_child_contact.pk}",
        f"child:{younger.pk}",  # 9: not on the list
        "attendee:999999",
        "nonsense",
    ):
        with pytest.raises(ValidationError, match="not on the conference's distribution list"):
            _send(family["conference"], chair, key)
    assert not MinutesSent.objects.exists()


def test_another_chair_is_refused(family):
    other = make_cp_chair(username="other_chair")
    key = _keys(minutes_distribution_list(family["conference"], today=TODAY))[0]
    with pytest.raises(PermissionDenied):
        _send(family["conference"], other, key)


# --- The page -----------------------------------------------------------------------------------------


def _form(key: str, *, method="post", on=TODAY, reason="", version) -> dict:
    prefix = key.replace(":", "-")
    data = {
        "person": key,
        f"{prefix}-recipient": key,
        f"{prefix}-version": version,
        f"{prefix}-method": method,
        f"{prefix}-not_sent_reason": reason,
    }
    if on:
        data |= {f"{prefix}-sent_on_0": on.day, f"{prefix}-sent_on_1": on.month, f"{prefix}-sent_on_2": on.year}
    return data


def test_the_page_lists_who_waits_and_saves_one_person_escaped(client_for, chair, family):
    conference, mother = family["conference"], family["people"][family["elder"], "mother"]
    ConferenceAttendee.objects.create(conference=conference, name=SCRIPT, agency=Agency.POLICE, attended=True)
    client = client_for(chair)
    url = reverse("conferences:minutes_sent", args=[conference.pk])
    page = client.get(url).content.decode()
    assert "Mary  Doe" in page and "Not yet distributed: 7 of 7 still waiting" in page
    assert SCRIPT not in page and ESCAPED in page
    key = f"contact:{mother.pk}"
    response = client.post(url, _form(key, method="not_sent", on=None, reason=SCRIPT, version=conference.version))
    assert response.status_code == 302
    row = MinutesSent.objects.get(contact=mother)
    assert row.not_sent_reason == SCRIPT and row.sent_on is None
    page = client.get(url).content.decode()
    assert "6 of 7 still waiting" in page and SCRIPT not in page


def test_the_page_shows_a_refusal_on_the_persons_form(client_for, chair, family):
    conference = family["conference"]
    key = f"contact:{family['people'][family['elder'], 'father'].pk}"
    url = reverse("conferences:minutes_sent", args=[conference.pk])
    response = client_for(chair).post(url, _form(key, on=HELD - dt.timedelta(days=1), version=conference.version))
    assert response.status_code == 200
    assert "cannot be sent before the conference" in response.content.decode()
    assert not MinutesSent.objects.exists()
    forged = client_for(chair).post(url, _form("contact:999999", version=conference.version))
    assert forged.status_code == 302 and not MinutesSent.objects.exists()


def test_another_chairs_ids_are_refused(client_for, family):
    conference = family["conference"]
    key = f"contact:{family['people'][family['elder'], 'father'].pk}"
    client = client_for(make_cp_chair(username="other_chair"))
    url = reverse("conferences:minutes_sent", args=[conference.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, _form(key, version=conference.version)).status_code in (403, 404)
    assert not MinutesSent.objects.exists()


def test_the_page_takes_the_same_queries_for_a_short_and_a_long_list(client_for, chair, family):
    conference, elder, younger = family["conference"], family["elder"], family["younger"]
    client = client_for(chair)
    url = reverse("conferences:minutes_sent", args=[conference.pk])

    made = []

    def build(n):
        for _ in range(n):
            i = len(made)
            made.append(i)
            child = elder if i % 2 else younger
            contact = ContactFactory(child=child, role=ContactRole.CARER, name=f"Carer {i} {child.pk}")
            attendee = ConferenceAttendee.objects.create(
                conference=conference, name=f"Pro {i} {child.pk}", agency=Agency.POLICE, sent_report=True
            )
            conference.refresh_from_db()
            _send(conference, chair, f"contact:{contact.pk}", today=TODAY)
            _send(conference, chair, f"attendee:{attendee.pk}", on=None, reason="No address", today=TODAY)

    def run():
        response = client.get(url)
        assert response.status_code == 200
        return response

    (_, small), (_, large) = run_at_two_sizes(build, run, sizes=(2, 8))
    assert len(small.captured_queries) == len(large.captured_queries)
