"""The review record's distribution list, per person (docs/rules.md#after-the-review): the page
proposes who should receive the record and the child's letter from the child's age and their
current contacts; the record counts as distributed (``Review.record_distributed_on``) on the
latest date it was sent, once everyone who should receive it was sent it or recorded as
deliberately not sent with a reason; the managers' late records say who is still waiting."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from children.codes import ContactRole
from iro_service.models import AuditAction, AuditEvent
from reviews import distribution, services
from reviews.codes import DistributedDocument, DistributionMethod, FlagKind
from reviews.flags import flags_sweep
from reviews.models import DeadlineFlag, DocumentSent, Review
from reviews.views import reviews as review_views
from tests.factories import ContactFactory, make_child_in_care, make_cover
from tests.forms import date_fields, error_summary_links
from tests.reviews.factories import held_review

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HELD_ON = TODAY - dt.timedelta(days=40)
SCRIPT = "<script>alert(1)</script>"
RECORD, LETTER = DistributedDocument.RECORD, DistributedDocument.LETTER


def _child(iro, *, age: int, **fields):
    """A child in care who was ``age`` on the review date."""
    born = HELD_ON.replace(year=HELD_ON.year - age, day=min(HELD_ON.day, 28))
    return make_child_in_care(
        iro=iro, looked_after_on=TODAY - dt.timedelta(days=200), date_of_birth=born, first_name="Mia", **fields
    )


def _contact(child, role, name, **fields):
    return ContactFactory(child=child, role=role, name=name, **fields)


@pytest.fixture
def family(iro):
    """Mia, 14 at her review 40 days ago, its record late; her mother, father, carer, social
    worker (sent the record), team manager and school (not), and a social worker who left."""
    child = _child(iro, age=14, last_name="Rowe")
    people = {
        "mother": _contact(child, ContactRole.MOTHER, "Jo Rowe"),
        "father": _contact(child, ContactRole.FATHER, "Sam Rowe"),
        "carer": _contact(child, ContactRole.CARER, "Pat Green"),
        "sw": _contact(child, ContactRole.SOCIAL_WORKER, "Kim Lee"),
        "manager": _contact(child, ContactRole.TEAM_MANAGER, "Ali Khan"),
        "school": _contact(child, ContactRole.SCHOOL, "Hill School"),
        "old_sw": _contact(child, ContactRole.SOCIAL_WORKER, "Lou Gone", ended_on=TODAY - dt.timedelta(days=90)),
    }
    review = held_review(child, iro=iro, held_on=HELD_ON, record_due_on=TODAY - dt.timedelta(days=10))
    return review, people


def url(review):
    return reverse("reviews:distribution", args=[review.pk])


def _page(client, review):
    response = client.get(url(review))
    assert response.status_code == 200
    return response


def _post(client, review, rows: dict[str, dict], *, completed_on=HELD_ON + dt.timedelta(days=2), other=None):
    """Post the page as the chair would: ``rows`` maps a listed (recipient key, document) as
    ``"key|document"`` to what was done; every other listed row is left blank."""
    page = _page(client, review)
    lines = page.context["listing"].lines
    form = page.context["form"]
    data = {
        "version": form.initial["version"],
        "edit_base": form.initial["edit_base"],
        "copies-TOTAL_FORMS": len(lines) + 1,
        "copies-INITIAL_FORMS": len(lines),
        "copies-MIN_NUM_FORMS": 0,
        "copies-MAX_NUM_FORMS": 200,
    }
    if completed_on:
        data.update(date_fields("record_completed_on", completed_on))
    for index, line in enumerate(lines):
        prefix = f"copies-{index}"
        data[f"{prefix}-recipient"] = line.recipient.key
        data[f"{prefix}-document"] = line.recipient.document
        data.update(_row(prefix, rows.get(f"{line.recipient.key}|{line.recipient.document}", {})))
    data.update(_row(f"copies-{len(lines)}", other or {}))
    data.setdefault(f"copies-{len(lines)}-document", RECORD)
    return client.post(url(review), data), lines


def _row(prefix, values):
    data = {}
    for name, value in values.items():
        if isinstance(value, dt.date):
            data.update(date_fields(f"{prefix}-{name}", value))
        else:
            data[f"{prefix}-{name}"] = value
    return data


def key(contact):
    return distribution.contact_key(contact.pk)


def sent(day, method=DistributionMethod.EMAIL):
    return {"method": method, "sent_on": day}


def test_the_page_proposes_the_child_and_the_people_whose_role_is_sent_the_record(client_for, iro, family):
    review, people = family

    response = _page(client_for(iro), review)

    lines = [(line.recipient.key, line.recipient.document) for line in response.context["listing"].lines]
    contacts_sent_record = sorted(key(people[p]) for p in ("mother", "father", "carer", "sw"))
    assert lines[:2] == [("child", LETTER), ("child", RECORD)]  # 14 on the review date
    assert sorted(k for k, _ in lines[2:]) == contacts_sent_record
    assert {d for _, d in lines[2:]} == {RECORD}
    others = dict(response.context["listing"].others)
    assert set(others) == {key(people["manager"]), key(people["school"])}  # the leaver is not offered
    text = response.text
    assert "Who was sent the review record" in text
    assert "Other person with parental responsibility" not in text
    for label in ("Mother", "Father", "Carer", "Social worker", "The letter to the child", "The review record"):
        assert label in text
    assert "Lou Gone" not in text
    event = AuditEvent.objects.filter(action=AuditAction.VIEWED).latest("pk")
    assert (event.actor, event.child_id, event.summary) == (
        iro,
        review.child_id,
        "Review record distribution page viewed",
    )


@pytest.mark.parametrize(("age", "child_gets_record"), [(11, False), (distribution.RECORD_TO_CHILD_FROM_AGE, True)])
def test_the_child_is_sent_the_record_from_the_age_the_rule_names(iro, age, child_gets_record):
    child = _child(iro, age=age)
    review = held_review(child, iro=iro, held_on=HELD_ON)

    from reviews.selectors import distribution_list

    lines = {(line.recipient.key, line.recipient.document) for line in distribution_list(review, today=TODAY).lines}

    assert ("child", LETTER) in lines
    assert (("child", RECORD) in lines) is child_gets_record


def test_a_partial_distribution_leaves_the_date_empty_and_the_sweep_still_flags_the_record_late(
    client_for, iro, family
):
    review, people = family
    client = client_for(iro)

    response, _ = _post(
        client,
        review,
        {f"{key(people['sw'])}|record": sent(HELD_ON + dt.timedelta(days=3)), "child|letter": sent(HELD_ON)},
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.record_distributed_on is None
    assert DocumentSent.objects.filter(review=review).count() == 2
    flags_sweep(today=TODAY, child_ids=[review.child_id])
    assert DeadlineFlag.objects.filter(review=review, kind=FlagKind.RECORD_OVERDUE, resolved_on__isnull=True).exists()
    page = client.get(reverse("reviews:detail", args=[review.pk])).text
    assert "Sent by email on" in page and "Not recorded yet" in page


def test_the_last_person_recorded_sets_the_date_to_the_latest_sent_and_a_reason_counts(client_for, iro, family):
    review, people = family
    client = client_for(iro)
    latest = HELD_ON + dt.timedelta(days=35)  # after the record was due
    rows = {
        "child|letter": sent(HELD_ON + dt.timedelta(days=3), DistributionMethod.HANDED),
        "child|record": sent(HELD_ON + dt.timedelta(days=3), DistributionMethod.HANDED),
        f"{key(people['mother'])}|record": sent(latest, DistributionMethod.POST),
        f"{key(people['father'])}|record": {"method": "not_sent", "not_sent_reason": "Contact would put Mia at risk"},
        f"{key(people['carer'])}|record": sent(HELD_ON + dt.timedelta(days=5), DistributionMethod.PORTAL),
        f"{key(people['sw'])}|record": sent(HELD_ON + dt.timedelta(days=4)),
    }

    response, _ = _post(client, review, rows, other={"recipient": key(people["school"]), **sent(latest)})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.record_distributed_on == latest
    assert review.record_completed_on == HELD_ON + dt.timedelta(days=2)
    father = DocumentSent.objects.get(review=review, contact=people["father"])
    assert (father.sent_on, father.method, father.not_sent_reason) == (None, "", "Contact would put Mia at risk")
    school = DocumentSent.objects.get(review=review, contact=people["school"])
    assert (school.name, school.role, school.document) == ("Hill School", ContactRole.SCHOOL, RECORD)
    flags_sweep(today=TODAY, child_ids=[review.child_id])
    assert not DeadlineFlag.objects.filter(review=review, kind=FlagKind.RECORD_OVERDUE, resolved_on=None).exists()
    # Audited: one event per copy, and the review's date.
    created = AuditEvent.objects.filter(action=AuditAction.CREATED, object_type="reviews.DocumentSent")
    assert created.count() == 7
    assert all((e.actor, e.child_id) == (iro, review.child_id) for e in created)
    event = AuditEvent.objects.filter(action=AuditAction.UPDATED, object_id=str(review.pk)).latest("pk")
    assert event.summary == f"Review record distributed on {latest:%-d %B %Y} (late)"
    assert event.changes["record_distributed_on"] == [None, latest.isoformat()]
    detail = client.get(reverse("reviews:detail", args=[review.pk])).text
    assert "Sent by secure portal on" in detail
    assert "Not sent: Contact would put Mia at risk" in detail
    assert "The letter to the child" in detail
    assert "portal" not in detail.replace("secure portal", "")  # labels, not codes


def test_a_copy_changed_later_recomputes_the_date_keeps_the_copied_name_and_is_audited(iro, family):
    review, people = family
    first = [
        services.SentInput(recipient=k, document=RECORD, method="email", sent_on=HELD_ON + dt.timedelta(days=d))
        for k, d in [("child", 3), (key(people["mother"]), 4), (key(people["father"]), 5)]
        + [(key(people["carer"]), 6), (key(people["sw"]), 7)]
    ]
    review = services.review_distribution_record(
        review=review, by=iro, expected_version=review.version, record_completed_on=HELD_ON, sent=first, today=TODAY
    )
    assert review.record_distributed_on == HELD_ON + dt.timedelta(days=7)
    people["sw"].name = "Kim Lee-Smith"
    people["sw"].save()

    review = services.review_distribution_record(
        review=review,
        by=iro,
        expected_version=review.version,
        record_completed_on=HELD_ON,
        sent=[services.SentInput(recipient=key(people["sw"]), document=RECORD, method="post", sent_on=HELD_ON)],
        today=TODAY,
    )

    assert review.record_distributed_on == HELD_ON + dt.timedelta(days=6)
    copy = DocumentSent.objects.get(review=review, contact=people["sw"])
    assert (copy.name, copy.method, copy.sent_on) == ("Kim Lee", "post", HELD_ON)
    assert copy.history.count() == 2
    changed = AuditEvent.objects.get(action=AuditAction.UPDATED, object_type="reviews.DocumentSent")
    assert changed.changes["copy"] == [
        f"sent by email on {HELD_ON + dt.timedelta(days=7):%-d %B %Y}",
        f"sent by post on {HELD_ON:%-d %B %Y}",
    ]


def test_not_sent_without_a_reason_is_an_error_naming_the_field_and_nothing_is_written(client_for, iro, family):
    review, people = family
    client = client_for(iro)

    response, lines = _post(
        client,
        review,
        {f"{key(people['father'])}|record": {"method": "not_sent"}, "child|letter": sent(HELD_ON)},
    )

    assert response.status_code == 200
    index = next(i for i, line in enumerate(lines) if line.recipient.key == key(people["father"]))
    assert error_summary_links(response) == [
        (f"#id_copies-{index}-not_sent_reason", "The review record to Sam Rowe: Enter why it was not sent")
    ]
    assert not DocumentSent.objects.filter(review=review).exists()
    assert Review.objects.get(pk=review.pk).record_completed_on is None


def test_a_date_sent_before_the_review_is_refused_naming_the_field_and_nothing_is_written(client_for, iro, family):
    review, people = family
    client = client_for(iro)

    response, lines = _post(
        client,
        review,
        {"child|letter": sent(HELD_ON), f"{key(people['mother'])}|record": sent(HELD_ON - dt.timedelta(days=1))},
    )

    assert response.status_code == 200
    index = next(i for i, line in enumerate(lines) if line.recipient.key == key(people["mother"]))
    assert error_summary_links(response) == [
        (
            f"#id_copies-{index}-sent_on_0",
            f"The review record to Jo Rowe: The date sent cannot be before the review on {HELD_ON:%-d %B %Y}.",
        )
    ]
    assert not DocumentSent.objects.filter(review=review).exists()
    assert not AuditEvent.objects.filter(action__in=[AuditAction.CREATED, AuditAction.UPDATED]).exists()


def test_another_iro_gets_404_and_a_committee_member_is_refused(client_for, other_iro, committee, family):
    review, people = family

    for user, status in ((other_iro, 404), (committee, 403)):
        client = client_for(user)
        assert client.get(url(review)).status_code == status
        assert client.post(url(review), {"version": review.version}).status_code == status
        assert client.get(reverse("reviews:detail", args=[review.pk])).status_code in (403, 404)
        client.logout()
    assert not DocumentSent.objects.exists()
    assert not AuditEvent.objects.filter(child_id=review.child_id, actor__in=[other_iro, committee]).exists()


def test_another_iro_cannot_record_through_the_service(other_iro, family):
    review, people = family

    with pytest.raises(PermissionDenied):
        services.review_distribution_record(
            review=review,
            by=other_iro,
            expected_version=review.version,
            record_completed_on=None,
            sent=[services.SentInput(recipient="child", document=LETTER, method="post", sent_on=HELD_ON)],
        )
    assert not DocumentSent.objects.exists()


def test_a_contact_of_another_child_cannot_be_posted(client_for, iro, family):
    review, people = family
    stranger = _contact(_child(iro, age=9, last_name="Other"), ContactRole.MOTHER, "Not Hers")
    client = client_for(iro)

    as_someone_else, _ = _post(
        client, review, {"child|letter": sent(HELD_ON)}, other={"recipient": key(stranger), **sent(HELD_ON)}
    )
    page = _page(client, review)
    data = {k: v for k, v in page.context["formset"].management_form.initial.items()}
    assert as_someone_else.status_code == 200
    assert "There is a problem" in as_someone_else.text
    assert data  # the page still works
    assert not DocumentSent.objects.filter(review=review).exists()

    with pytest.raises(ValidationError, match="not one of Mia's people"):
        services.review_distribution_record(
            review=review,
            by=iro,
            expected_version=Review.objects.get(pk=review.pk).version,
            record_completed_on=HELD_ON,
            sent=[
                services.SentInput(recipient="child", document=LETTER, method="post", sent_on=HELD_ON),
                services.SentInput(recipient=key(stranger), document=RECORD, method="post", sent_on=HELD_ON),
            ],
            today=TODAY,
        )
    assert not DocumentSent.objects.exists()


def test_a_tampered_hidden_row_naming_another_childs_contact_is_refused(client_for, iro, family):
    review, people = family
    stranger = _contact(_child(iro, age=9, last_name="Other"), ContactRole.MOTHER, "Not Hers")
    client = client_for(iro)
    page = _page(client, review)
    lines = page.context["listing"].lines
    index = next(i for i, line in enumerate(lines) if line.recipient.key == key(people["mother"]))
    form = page.context["form"]
    data = {
        "version": form.initial["version"],
        "edit_base": form.initial["edit_base"],
        "copies-TOTAL_FORMS": len(lines),
        "copies-INITIAL_FORMS": len(lines),
        **{f"copies-{i}-recipient": line.recipient.key for i, line in enumerate(lines)},
        **{f"copies-{i}-document": line.recipient.document for i, line in enumerate(lines)},
        f"copies-{index}-recipient": key(stranger),
        **_row(f"copies-{index}", sent(HELD_ON)),
    }

    response = client.post(url(review), data)

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert not DocumentSent.objects.exists()


def test_script_in_names_and_reasons_is_escaped_on_every_page(client_for, iro, manager, family):
    review, people = family
    people["mother"].name = SCRIPT
    people["mother"].save()
    services.review_distribution_record(
        review=review,
        by=iro,
        expected_version=review.version,
        record_completed_on=HELD_ON,
        sent=[
            services.SentInput(recipient=key(people["father"]), document=RECORD, not_sent_reason=SCRIPT),
            services.SentInput(recipient="child", document=LETTER, method="post", sent_on=HELD_ON),
        ],
        today=TODAY,
    )

    pages = [
        client_for(iro).get(url(review)).text,
        client_for(iro).get(reverse("reviews:detail", args=[review.pk])).text,
        client_for(manager).get(reverse("reviews:service")).text,
    ]

    for text in pages:
        assert SCRIPT not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_late_records_say_who_is_still_waiting(client_for, iro, manager, family):
    review, people = family
    services.review_distribution_record(
        review=review,
        by=iro,
        expected_version=review.version,
        record_completed_on=HELD_ON,
        sent=[
            services.SentInput(recipient=key(people["sw"]), document=RECORD, method="email", sent_on=HELD_ON),
            services.SentInput(recipient="child", document=RECORD, method="post", sent_on=HELD_ON),
        ],
        today=TODAY,
    )

    response = client_for(manager).get(reverse("reviews:service"))

    (late,) = response.context["records_overdue"]
    assert [(p.name, p.role_label) for p in late.waiting] == [
        ("Pat Green", "Carer"),
        ("Sam Rowe", "Father"),
        ("Jo Rowe", "Mother"),
    ]
    assert "Jo Rowe (mother)" in response.text
    assert "Kim Lee" not in response.text


def _late_records(iro, size):
    for n in range(size):
        child = _child(iro, age=13, last_name=f"Late{n}")
        for role in (ContactRole.MOTHER, ContactRole.SOCIAL_WORKER, ContactRole.SCHOOL):
            _contact(child, role, f"{role} {n}")
        review = held_review(child, iro=iro, held_on=HELD_ON, record_due_on=TODAY - dt.timedelta(days=5))
        DocumentSent.objects.create(
            review=review,
            document=RECORD,
            to_child=True,
            name=child.full_name,
            method="post",
            sent_on=HELD_ON,
            recorded_by=iro,
        )


@pytest.mark.parametrize("size", [2, 12])
def test_the_late_records_and_who_waits_cost_the_same_queries_at_any_size(
    client_for, django_assert_max_num_queries, monkeypatch, iro, manager, size
):
    monkeypatch.setattr(review_views, "PAGE_SIZE", 10)
    _late_records(iro, size)
    client = client_for(manager)
    client.get(reverse("reviews:service"))

    with django_assert_max_num_queries(15):
        response = client.get(reverse("reviews:service"))

    records = response.context["records_overdue"]
    assert len(records) == min(size, 10)
    assert all([p.role_label for p in r.waiting] == ["Mother", "Social worker"] for r in records)


def test_a_save_over_someone_elses_is_refused_shows_what_they_recorded_and_then_keeps_both(
    client_for, iro, other_iro, manager, family
):
    review, people = family
    make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=TODAY, by=manager)
    a, b = Client(), Client()
    a.force_login(iro)
    b.force_login(other_iro)
    b_page = _page(b, review)  # B opens the page before A saves

    assert _post(a, review, {"child|letter": sent(HELD_ON)})[0].status_code == 302

    lines = b_page.context["listing"].lines
    form = b_page.context["form"]
    sw = next(i for i, line in enumerate(lines) if line.recipient.key == key(people["sw"]))
    stale = {
        "version": form.initial["version"],
        "edit_base": form.initial["edit_base"],
        "copies-TOTAL_FORMS": len(lines),
        "copies-INITIAL_FORMS": len(lines),
        **{f"copies-{i}-recipient": line.recipient.key for i, line in enumerate(lines)},
        **{f"copies-{i}-document": line.recipient.document for i, line in enumerate(lines)},
        **_row(f"copies-{sw}", sent(HELD_ON + dt.timedelta(days=3))),
        **date_fields("record_completed_on", HELD_ON + dt.timedelta(days=2)),  # as A saved it
    }
    refused = b.post(url(review), stale)

    assert refused.status_code == 200
    assert "while you were editing it" in refused.text
    assert "Who was sent what" in refused.text and "The letter to the child to Mia Rowe" in refused.text
    assert list(DocumentSent.objects.values_list("name", flat=True)) == ["Mia Rowe"]

    resent = {**stale, "version": refused.context["form"].data["version"]}
    resent["edit_base"] = refused.context["form"].data["edit_base"]
    assert b.post(url(review), resent).status_code == 302
    assert sorted(DocumentSent.objects.values_list("name", flat=True)) == ["Kim Lee", "Mia Rowe"]


def test_the_letter_goes_to_the_child_alone(iro, family):
    review, people = family

    with pytest.raises(ValidationError, match="goes to the child alone"):
        services.review_distribution_record(
            review=review,
            by=iro,
            expected_version=review.version,
            record_completed_on=HELD_ON,
            sent=[services.SentInput(recipient=key(people["mother"]), document=LETTER, method="post", sent_on=HELD_ON)],
            today=TODAY,
        )
    assert not DocumentSent.objects.exists()


D1, D2 = HELD_ON + dt.timedelta(days=1), HELD_ON + dt.timedelta(days=9)
EXPECTED = [
    distribution.Recipient("child", LETTER, "Mia", "The child"),
    distribution.Recipient("contact:1", RECORD, "Jo", "Mother"),
    distribution.Recipient("contact:2", RECORD, "Kim", "Social worker"),
]


@pytest.mark.parametrize(
    ("rows", "distributed_on"),
    [
        ([], None),
        ([("contact:1", RECORD, D2)], None),  # the social worker is still waiting
        ([("contact:1", RECORD, D2), ("contact:2", RECORD, D1)], D2),  # the latest date sent
        ([("contact:1", RECORD, None), ("contact:2", RECORD, D1)], D1),  # a reason counts
        ([("contact:1", RECORD, None), ("contact:2", RECORD, None)], None),  # sent to nobody
        ([("contact:1", RECORD, D1), ("contact:2", RECORD, D1), ("contact:9", RECORD, D2)], D2),  # someone added
        ([("contact:1", RECORD, D1), ("contact:2", RECORD, D1), ("child", LETTER, D2)], D1),  # the letter not
    ],
)
def test_the_record_counts_as_distributed_once_nobody_waits(rows, distributed_on):
    assert distribution.record_distributed_on(EXPECTED, rows) == distributed_on


def test_with_no_one_else_to_add_the_page_still_sends_the_empty_row_and_saves(client_for, iro):
    """The "someone else" row has nobody to choose when everyone is listed; its hidden fields are
    still on the page, so the list saves instead of saying the page is out of date."""
    child = _child(iro, age=9, last_name="Rowe")
    worker = _contact(child, ContactRole.SOCIAL_WORKER, "Kim Lee")
    review = held_review(child, iro=iro, held_on=HELD_ON, record_due_on=TODAY - dt.timedelta(days=10))
    client = client_for(iro)
    page = _page(client, review)
    listing = page.context["listing"]
    assert not listing.others
    empty_row = len(listing.lines)
    assert re.search(rf'<input type="hidden" name="copies-{empty_row}-document" value="{RECORD}"', page.text)

    rows = {
        "child|letter": sent(HELD_ON + dt.timedelta(days=3), DistributionMethod.HANDED),
        f"{key(worker)}|record": sent(HELD_ON + dt.timedelta(days=4)),
    }
    response, _ = _post(client, review, rows)

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.record_distributed_on == HELD_ON + dt.timedelta(days=4)
