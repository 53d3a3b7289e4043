"""Destroying and anonymising a record past its retention date (children/retention_services.py,
children/erasure.py; docs/rules.md#data-protection): the one sanctioned deletion, approved by a
second manager, leaving no row that names or refers to the child (destroy) or no personal data
(anonymise), published reports as they were, and an audit event without personal data."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from children import erasure
from children.models import CareEpisode, Child, Contact, RetentionRequest, SiblingGroup
from children.retention_services import (
    retention_request_approve,
    retention_request_propose,
    retention_request_refuse,
)
from disputes.models import Dispute
from interchange.erasure import blank_child_rows
from iro_service.models import AuditAction, AuditEvent, HardDeleteForbidden, SanctionedErasure
from iro_service.periods import ReportingYear
from reporting import services as reporting_services
from reporting.figures.report import annual_report_sections
from reporting.models import ReportVersion, SSDA903PlanLine, SSDA903Upload
from reviews.models import Review
from tests.children.retention_records import BORN, FIRST_NAME, LAST_NAME, MARK, REFERENCE, child_who_died, full_record
from tests.factories import UserFactory
from tests.interchange.helpers import hand_made_texts

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def second_manager(db):
    return UserFactory(username="mgr2", first_name="Sam", last_name="Second", role="IRO manager")


@pytest.fixture
def record(iro, manager):
    return full_record(iro=iro, manager=manager)


def _propose(child, manager, action):
    return retention_request_propose(
        child=child, by=manager, action=action, reason=f"Past the date; {MARK} has no claim open", today=TODAY
    )


def _text_columns():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                yield model, field


def _rows_naming(*needles: str) -> list[str]:
    """Every row of every table with one of ``needles`` in a text or JSON column."""
    found = []
    for model, field in _text_columns():
        rows = model._base_manager.annotate(_text=Cast(field.name, TextField()))
        for needle in needles:
            pks = rows.filter(_text__icontains=needle).values_list("pk", flat=True)
            found += [f"{model._meta.label}.{field.name} #{pk} holds {needle!r}" for pk in pks]
    return found


def _rows_referring_to(child_pk: int) -> list[str]:
    """Every row, in every table, that refers to the child by a foreign key, by id or in a listing."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Child:
                count = model._base_manager.filter(**{field.attname: child_pk}).count()
                if count:
                    found.append(f"{model._meta.label}.{field.name}: {count}")
    history = Child.history.model
    if history.objects.filter(id=child_pk).exists():
        found.append("children.HistoricalChild.id")
    if AuditEvent.objects.filter(child_id=child_pk).exists():
        found.append("iro_service.AuditEvent.child_id")
    listings = [
        e.pk for e in AuditEvent.objects.filter(changes__has_key="child_ids") if child_pk in e.changes["child_ids"]
    ]
    if listings:
        found.append(f"listings {listings}")
    return found


# --- The walk finds every model ----------------------------------------------------------------


def test_the_walk_finds_every_model_about_a_child_and_the_record_has_a_row_of_each(record):
    labels = {m._meta.label for m in erasure.models_holding_rows_about_a_child()}
    assert {
        "children.Child",
        "children.HistoricalChild",
        "children.CareEpisode",
        "children.IROAllocation",
        "children.SignificantChange",
        "children.Contact",
        "children.HistoricalContact",
        "reviews.Review",
        "reviews.HistoricalReview",
        "reviews.Action",
        "reviews.ActionProgress",
        "reviews.ReviewDateChange",
        "reviews.Visit",
        "reviews.MidwayReview",
        "reviews.CaseNote",
        "reviews.ReviewSchedule",
        "reviews.DeadlineFlag",
        "disputes.Dispute",
        "disputes.DisputeStep",
        "disputes.CafcassReferral",
        "disputes.HistoricalCafcassReferral",
        "conferences.ProtectionPlan",
        "conferences.HistoricalProtectionPlan",
        "conferences.ConferenceChild",
        "conferences.HistoricalConferenceChild",
        "conferences.CoreGroupMember",
        "conferences.PlanAction",
        "conferences.HistoricalPlanAction",
        "conferences.MinutesSent",
        "conferences.HistoricalMinutesSent",
        # the child's voice (issue 16)
        "voice.VoiceLink",
        "voice.HistoricalVoiceLink",
        "voice.VoiceResponse",
        "voice.HistoricalVoiceResponse",
        "voice.FeedbackQuote",
        "voice.HistoricalFeedbackQuote",
    } <= labels
    # A family's conference is shared with brothers and sisters: the walk does not reach it
    # (conferences/erasure.py decides what happens to it).
    assert not labels & {"conferences.Conference", "conferences.ConferenceAttendee"}
    assert "children.RetentionRequest" not in labels
    # The test record holds a row of every one of them, so the tests below cover them all.
    assert {m._meta.label for m in erasure.rows_about(record.child)} == labels


def test_anonymising_says_what_happens_to_every_free_text_field_of_every_model_about_a_child():
    assert erasure.unclassified_fields(erasure.models_holding_rows_about_a_child()) == []


# --- Destroying -----------------------------------------------------------------------------------


def test_destroying_removes_every_row_about_the_child_and_keeps_their_siblings(record, manager, second_manager):
    child_pk, sibling = record.child.pk, record.sibling
    assert _rows_referring_to(child_pk) and _rows_naming(MARK, REFERENCE)  # the checks can fail

    request = retention_request_approve(
        request=_propose(record.child, manager, "destroy"), by=second_manager, today=TODAY
    )

    assert _rows_referring_to(child_pk) == []
    assert _rows_naming(MARK, REFERENCE, FIRST_NAME, LAST_NAME) == []
    assert not Child.objects.filter(pk=child_pk).exists()
    # The sibling, their group and the listing that named them both are kept.
    sibling.refresh_from_db()
    assert sibling.sibling_group_id == record.sibling_group.pk
    listing = AuditEvent.objects.get(action=AuditAction.LISTED, summary="Listed 2 children")
    assert listing.changes["child_ids"] == [sibling.pk]
    assert request.outcome["children.Child"] == 1 and request.outcome["reviews.Review"] == 1
    assert request.outcome["children.HistoricalChild"] == 3


def test_after_destroying_the_request_and_the_audit_event_keep_no_personal_data(record, manager, second_manager):
    child_pk = record.child.pk
    request = retention_request_approve(
        request=_propose(record.child, manager, "destroy"), by=second_manager, today=TODAY
    )

    request.refresh_from_db()
    assert (request.child_id, request.reason, request.status) == (None, "", "carried_out")
    assert (request.proposed_by, request.decided_by) == (manager, second_manager)
    (event,) = AuditEvent.objects.filter(action=AuditAction.RECORD_DESTROYED)
    assert event.summary == "1 record destroyed under the retention rule, proposed by mgr, approved by mgr2"
    assert (event.child_id, event.object_type, event.object_id) == (None, "children.RetentionRequest", str(request.pk))
    stored = f"{event.summary} {event.changes} {event.path}"
    for personal in (FIRST_NAME, LAST_NAME, REFERENCE, str(BORN), BORN.strftime("%d/%m/%Y"), MARK):
        assert personal not in stored
    assert f"child_id': {child_pk}" not in stored and event.changes["approved_by"] == "mgr2"
    # The proposal's own event was on the child's trail, and went with it.
    assert not AuditEvent.objects.filter(action=AuditAction.RETENTION_PROPOSED).exists()


def test_a_sibling_group_named_after_the_family_goes_when_no_child_is_left_in_it(iro, manager, second_manager):
    group = SiblingGroup.objects.create(name=f"{MARK} family")
    child = child_who_died(iro=iro, sibling_group=group)
    retention_request_approve(request=_propose(child, manager, "destroy"), by=second_manager, today=TODAY)
    assert not SiblingGroup.objects.filter(pk=group.pk).exists()


def test_destroying_removes_the_people_around_the_child_and_their_history(record, manager, second_manager):
    contact = Contact.objects.get(child=record.child)
    assert contact.history.count() == 2

    request = retention_request_approve(
        request=_propose(record.child, manager, "destroy"), by=second_manager, today=TODAY
    )

    assert not Contact._base_manager.filter(pk=contact.pk).exists()
    assert not Contact.history.filter(id=contact.pk).exists()
    assert (request.outcome["children.Contact"], request.outcome["children.HistoricalContact"]) == (1, 2)
    assert _rows_naming("01632 960 042", "07700 900 042", "zephyrine.mother") == []


# --- Published reports stay as published ---------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_report_generated_before_destroying_keeps_its_stored_file_and_figures(record, manager, second_manager, media):
    year = ReportingYear(2004)  # 2004-05: the child was in care, and the review was held in 2003-04
    version = reporting_services.report_request(year=year, by=manager, today=TODAY)
    version = reporting_services.report_generate(version_id=version.pk)
    version = reporting_services.report_publish(
        version=version, by=manager, reason="The narrative is not part of this test", today=TODAY
    )
    stored = Path(version.pdf.path).read_bytes()
    figures_before = annual_report_sections(year)

    retention_request_approve(request=_propose(record.child, manager, "destroy"), by=second_manager, today=TODAY)

    version.refresh_from_db()
    assert (version.status, version.sha256) == ("ready", reporting_services.hashlib.sha256(stored).hexdigest())
    assert Path(version.pdf.path).read_bytes() == stored
    assert ReportVersion.objects.published().get() == version
    # Counting again now would give other figures: the stored report is what keeps them.
    assert annual_report_sections(year) != figures_before


# --- Anonymising ---------------------------------------------------------------------------------


def _figures(year):
    """The annual report's figures: every section's tables, without the quotes a manager chose
    (a child's own words, which go with their record: docs/rules.md#retention)."""
    return [dataclasses.replace(section, quotes=[]) for section in annual_report_sections(year)]


def test_anonymising_removes_every_personal_field_and_its_history_copies_and_keeps_the_figures(
    record, manager, second_manager
):
    year = ReportingYear(2003)
    figures_before = _figures(year)
    child_pk = record.child.pk

    request = retention_request_approve(
        request=_propose(record.child, manager, "anonymise"), by=second_manager, today=TODAY
    )

    assert _rows_naming(MARK, REFERENCE, FIRST_NAME, LAST_NAME, "ZZ1 1ZZ", "A123456789012") == []
    child = Child.objects.get(pk=child_pk)
    assert (child.local_reference, child.full_name, child.date_of_birth, child.upn, child.sibling_group) == (
        f"ANON-{child_pk}",
        "Anonymised record",
        dt.date(1993, 4, 1),
        "",
        None,
    )
    assert child.anonymised_at is not None and (child.archived_at, child.archived_by) == (
        child.anonymised_at,
        second_manager,
    )
    assert not Child.objects.past_retention(on=TODAY).filter(pk=child_pk).exists()  # not listed again
    assert {h.date_of_birth for h in Child.history.filter(id=child_pk)} == {dt.date(1993, 4, 1)}
    assert {h.first_name for h in Child.history.filter(id=child_pk)} == {"Anonymised"}
    # What the statistics count stays.
    assert list(CareEpisode.objects.filter(child=child).values_list("started_on", "ended_on", "reason_ceased")) == [
        (dt.date(2003, 9, 1), dt.date(2006, 1, 9), "X1"),
        (dt.date(2006, 1, 9), dt.date(2008, 6, 20), "E2"),
    ]
    review = Review.objects.get(child=child)
    assert (review.held_on, review.participation_code, review.wishes_and_feelings) == (dt.date(2004, 3, 1), "PN1", "")
    assert Dispute.objects.get(child=child).status == "referred"
    assert _figures(year) == figures_before
    # The audit trail keeps who did what and when, without the detail.
    events = AuditEvent.objects.filter(child_id=child_pk)
    assert events.count() == 4  # updated, viewed (the review, the conference), and the proposal
    assert {(e.summary, str(e.changes)) for e in events} == {("Detail removed when the record was anonymised", "{}")}
    (done,) = AuditEvent.objects.filter(action=AuditAction.RECORD_ANONYMISED)
    assert done.child_id is None and done.summary.startswith("1 record anonymised under the retention rule")
    assert request.outcome["children.HistoricalChild"] == 3


def test_anonymising_blanks_who_the_people_around_the_child_are_and_keeps_their_roles_and_dates(
    record, manager, second_manager
):
    contact = Contact.objects.get(child=record.child)

    request = retention_request_approve(
        request=_propose(record.child, manager, "anonymise"), by=second_manager, today=TODAY
    )

    kept = Contact.objects.get(pk=contact.pk)
    assert (kept.role, kept.has_parental_responsibility, kept.started_on, kept.ended_on) == (
        "mother",
        True,
        contact.started_on,
        contact.ended_on,
    )
    blanked = ("organisation", "email", "phone", "address", "notes")
    assert kept.name == "Removed when the record was anonymised (retention)."
    assert [getattr(kept, name) for name in blanked] == [""] * len(blanked)
    for row in Contact.history.filter(id=contact.pk):  # the corrected phone number's first copy too
        assert [getattr(row, name) for name in blanked] == [""] * len(blanked)
        assert row.name == kept.name
    assert request.outcome["children.HistoricalContact"] == 2
    assert _rows_naming("01632 960 042", "07700 900 042", "zephyrine.mother", MARK) == []


# --- SSDA903 returns uploaded ---------------------------------------------------------------------


def test_the_childs_rows_in_uploaded_returns_are_blanked_and_the_plan_lines_naming_them_go(
    iro, manager, second_manager
):
    child = child_who_died(iro=iro)
    texts = {name: text.replace("HM001,", f"{REFERENCE},") for name, text in hand_made_texts().items()}
    upload = SSDA903Upload.objects.create(uploaded_by=manager, files=texts)
    naming = SSDA903PlanLine.objects.create(upload=upload, position=0, outcome="create", reference=REFERENCE, text="x")
    problem = SSDA903PlanLine.objects.create(
        upload=upload, position=1, outcome="problem", file="header.csv", line=2, column="DOB", text="bad date"
    )
    other = SSDA903PlanLine.objects.create(upload=upload, position=2, outcome="create", reference="HM002", text="y")

    retention_request_approve(request=_propose(child, manager, "destroy"), by=second_manager, today=TODAY)

    upload.refresh_from_db()
    for name, text in texts.items():
        kept = upload.files[name]
        assert REFERENCE not in kept
        assert len(kept.splitlines()) == len(text.splitlines())  # later rows keep their line numbers
        assert [line for line in kept.splitlines() if "HM002" in line] == [
            line for line in text.splitlines() if "HM002" in line
        ]
    assert list(SSDA903PlanLine.objects.values_list("pk", flat=True)) == [other.pk]
    assert not SSDA903PlanLine.objects.filter(pk__in=[naming.pk, problem.pk]).exists()


# --- Who may do it -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["iro", "administrator", "committee"])
def test_only_a_manager_proposes_approves_or_refuses(request, who, iro, manager):
    user = request.getfixturevalue(who)
    child = child_who_died(iro=iro)
    with pytest.raises(PermissionDenied):
        _propose(child, user, "destroy")
    proposal = _propose(child, manager, "destroy")
    for service in (retention_request_approve, retention_request_refuse):
        with pytest.raises(PermissionDenied):
            service(request=proposal, by=user)
    proposal.refresh_from_db()
    assert proposal.status == "pending" and Child.objects.filter(pk=child.pk).exists()


def test_a_manager_cannot_approve_their_own_proposal(iro, manager):
    child = child_who_died(iro=iro)
    proposal = _propose(child, manager, "destroy")
    with pytest.raises(PermissionDenied, match="another manager must approve"):
        retention_request_approve(request=proposal, by=manager, today=TODAY)
    proposal.refresh_from_db()
    assert proposal.status == "pending" and Child.objects.filter(pk=child.pk).exists()


def test_a_deactivated_manager_cannot_approve(iro, manager, second_manager):
    child = child_who_died(iro=iro)
    proposal = _propose(child, manager, "destroy")
    second_manager.is_active = False
    second_manager.save()
    with pytest.raises(PermissionDenied):
        retention_request_approve(request=proposal, by=second_manager, today=TODAY)
    assert Child.objects.filter(pk=child.pk).exists()


def test_the_database_refuses_a_request_carried_out_by_its_proposer(iro, manager):
    proposal = _propose(child_who_died(iro=iro), manager, "destroy")
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionRequest.objects.filter(pk=proposal.pk).update(
            child=None, reason="", status="carried_out", decided_by=manager, decided_at=timezone.now()
        )


def test_the_database_refuses_a_carried_out_request_that_keeps_the_child_or_the_reason(iro, manager, second_manager):
    proposal = _propose(child_who_died(iro=iro), manager, "destroy")
    changes = {"status": "carried_out", "decided_by": second_manager, "decided_at": timezone.now()}
    for kept in ({"reason": ""}, {"child": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            RetentionRequest.objects.filter(pk=proposal.pk).update(**changes, **kept)


def test_the_proposer_may_withdraw_and_the_record_is_kept(iro, manager):
    child = child_who_died(iro=iro)
    proposal = retention_request_refuse(request=_propose(child, manager, "destroy"), by=manager)
    assert (proposal.status, proposal.decided_by) == ("refused", manager)
    assert Child.objects.filter(pk=child.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_REFUSED)
    assert (event.child_id, event.summary) == (child.pk, "Destroy withdrawn by mgr: the record is kept")
    with pytest.raises(ValidationError, match="already been refused"):
        retention_request_refuse(request=proposal, by=manager)


# --- Only records past their date, checked again on approval -------------------------------------


def test_a_record_not_yet_past_its_date_or_in_care_cannot_be_proposed(iro, manager):
    child = child_who_died(iro=iro)
    with pytest.raises(ValidationError, match="kept until 20 June 2023"):
        retention_request_propose(child=child, by=manager, action="destroy", reason="r", today=dt.date(2023, 6, 19))
    in_care = child_who_died(iro=iro, reference="RET-0043")
    CareEpisode.objects.filter(child=in_care, reason_ceased="E2").update(ended_on=None, reason_ceased="")
    with pytest.raises(ValidationError, match="looked after now"):
        _propose(in_care, manager, "destroy")
    assert not RetentionRequest.objects.exists()


def test_only_one_proposal_waits_per_record_and_a_reason_is_needed(iro, manager):
    child = child_who_died(iro=iro)
    with pytest.raises(ValidationError) as error:
        retention_request_propose(child=child, by=manager, action="destroy", reason=" ", today=TODAY)
    assert "reason" in error.value.message_dict
    _propose(child, manager, "destroy")
    with pytest.raises(ValidationError, match="already waiting"):
        _propose(child, manager, "anonymise")


def test_approval_checks_the_date_again(iro, manager, second_manager):
    """The record was past its date when proposed, then its date of death was corrected."""
    child = child_who_died(iro=iro)
    proposal = _propose(child, manager, "destroy")
    CareEpisode.objects.filter(child=child, reason_ceased="E2").update(ended_on=dt.date(2011, 1, 1))
    with pytest.raises(ValidationError, match="kept until 1 January 2026"):
        retention_request_approve(request=proposal, by=second_manager, today=TODAY)
    assert Child.objects.filter(pk=child.pk).exists()
    assert RetentionRequest.objects.get(pk=proposal.pk).status == "pending"


# --- Everything else stays undeletable --------------------------------------------------------------


def test_ordinary_deletes_are_still_refused(record):
    child = record.child
    for attempt in (
        child.delete,
        Child.objects.filter(pk=child.pk).delete,
        record.review.delete,
        Review.objects.all().delete,
        AuditEvent.objects.all().delete,
        AuditEvent.objects.first().delete,
        lambda: AuditEvent.objects.update(summary="x"),
        RetentionRequest.objects.all().delete,
    ):
        with pytest.raises(HardDeleteForbidden):
            attempt()
    assert Child.objects.filter(pk=child.pk).exists()


def test_only_the_retention_service_uses_the_sanctioned_path():
    root = Path(__file__).resolve().parents[2]
    users = sorted(
        str(path.relative_to(root))
        for package in (
            "iro_service",
            "children",
            "reviews",
            "conferences",
            "voice",
            "disputes",
            "reporting",
            "interchange",
        )
        for path in (root / package).rglob("*.py")
        if "SanctionedErasure" in path.read_text(encoding="utf-8")
    )
    # conferences/erasure.py and voice/erasure.py are called only by children/erasure.py
    # (CHILD_SHARED_ROW_STEPS).
    assert users == ["children/erasure.py", "conferences/erasure.py", "iro_service/models.py", "voice/erasure.py"]


def test_the_sanctioned_path_refuses_outside_a_transaction(monkeypatch, record):
    from django.db import connections

    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(HardDeleteForbidden, match="only inside"):
        SanctionedErasure.delete(Child.objects.filter(pk=record.child.pk))
    with pytest.raises(HardDeleteForbidden, match="only inside"):
        SanctionedErasure.update(AuditEvent.objects.all(), summary="x")


@pytest.mark.parametrize(
    ("text", "expected", "rows"),
    [
        (
            "CHILD,DOB\nA1,01/01/2000\nRET-0042,02/02/2002\nB2,03/03/2003\n",
            "CHILD,DOB\nA1,01/01/2000\n,\nB2,03/03/2003\n",
            [3],
        ),
        ("CHILD,DOB\r\nRET-0042,02/02/2002\r\nB2,=1+1\r\n", "CHILD,DOB\r\n,\r\nB2,=1+1\r\n", [2]),
        # A quoted cell over two lines is one row: it is blanked on one line, and the next row keeps its number.
        ('\ufeffCHILD,NOTE\nRET-0042,"two\nlines"\nB2,x', "\ufeffCHILD,NOTE\n,\nB2,x", [2]),
        ('CHILD,NOTE\nA1,"RET-0042 is a sibling"\n', 'CHILD,NOTE\nA1,"RET-0042 is a sibling"\n', []),
        ("SEX,DOB\n1,RET-0042\n", "SEX,DOB\n1,RET-0042\n", []),  # no CHILD column: not a table of children
    ],
)
def test_a_childs_rows_are_blanked_in_place_and_every_other_line_stays_as_it_came(text, expected, rows):
    assert blank_child_rows(text, {REFERENCE}) == (expected, rows)


def test_an_earlier_refused_proposal_loses_its_link_and_reason_when_a_later_one_is_carried_out(
    iro, manager, second_manager
):
    child = child_who_died(iro=iro)
    refused = retention_request_refuse(request=_propose(child, manager, "destroy"), by=second_manager)
    assert (refused.child, refused.reason) == (child, f"Past the date; {MARK} has no claim open")
    retention_request_approve(request=_propose(child, manager, "anonymise"), by=second_manager, today=TODAY)
    refused.refresh_from_db()
    assert (refused.child, refused.reason, refused.status) == (None, "", "refused")
