"""A closed record past its retention date with one row of every kind about the child, for the
retention tests. Every piece of personal data carries a marker so that a scan of every text
column of the database can prove it is gone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from children.codes import AllocationWork
from children.models import Child, Contact, IROAllocation, SiblingGroup, SignificantChange
from conferences.models import (
    Conference,
    ConferenceAttendee,
    ConferenceChild,
    CoreGroupMember,
    MinutesSent,
    PlanAction,
    ProtectionPlan,
)
from disputes.models import CafcassReferral, Dispute, DisputeStep, EscalationStage
from iro_service.audit import audit_record
from iro_service.models import AuditAction
from reviews.models import (
    Action,
    ActionProgress,
    CaseNote,
    DeadlineFlag,
    MidwayReview,
    Review,
    ReviewSchedule,
    Visit,
)
from tests.factories import ChildFactory, make_care_episode
from tests.reviews.factories import date_change

#: In every free-text field of the record: a scan for it finds any copy left behind.
MARK = "Zephyrine"
FIRST_NAME = f"{MARK}a"
LAST_NAME = f"{MARK}-Quill"
REFERENCE = "RET-0042"
BORN = dt.date(1993, 4, 12)
LOOKED_AFTER = dt.date(2003, 9, 1)
DIED = dt.date(2008, 6, 20)  # aged 15: the record may go 15 years later, on 20 June 2023


@dataclass
class Record:
    child: Child
    review: Review
    dispute: Dispute
    sibling_group: SiblingGroup
    sibling: Child


def child_who_died(*, iro, reference: str = REFERENCE, **fields) -> Child:
    """A child looked after from 2003 who died in 2008, aged 15 (episode ended with E2)."""
    fields = {"first_name": FIRST_NAME, "last_name": LAST_NAME, "date_of_birth": BORN, **fields}
    child = ChildFactory(local_reference=reference, **fields)
    make_care_episode(
        child,
        started_on=LOOKED_AFTER,
        ended_on=dt.date(2006, 1, 9),
        reason_ceased="X1",
        home_postcode="ZZ1 1ZZ",
        placement_postcode="ZZ2 2ZZ",
        urn="SC123456",
    )
    make_care_episode(
        child,
        started_on=dt.date(2006, 1, 9),
        ended_on=DIED,
        reason_new_episode="P",
        placement_type="K2",
        reason_ceased="E2",
        home_postcode="ZZ1 1ZZ",
        placement_postcode="ZZ3 3ZZ",
    )
    IROAllocation.objects.create(child=child, iro=iro, started_on=LOOKED_AFTER, ended_on=DIED, reason=f"{MARK} moved")
    return child


def full_record(*, iro, manager, reference: str = REFERENCE) -> Record:
    """``child_who_died`` with a review, its action and progress, a date change, a visit, a midway
    review, a case note, a schedule and a flag, a significant change, a dispute with a step and a
    CAFCASS referral, a person around the child (changed once, so with two history rows), a sibling,
    a corrected name in the history, and audit events about it."""
    group = SiblingGroup.objects.create(name="Ling family")  # the sibling's too: it stays
    child = child_who_died(iro=iro, reference=reference, sibling_group=group, upn="A123456789012")
    sibling = ChildFactory(
        first_name="Sib", last_name="Ling", sibling_group=group, local_reference=f"SIB-{reference[-4:]}"
    )
    child.first_name = f"{MARK}ina"  # a correction: the history keeps the first spelling
    child.save()
    child.first_name = FIRST_NAME
    child.save()

    review = Review.objects.create(
        child=child,
        chair=iro,
        status="held",
        held_on=dt.date(2004, 3, 1),
        due_on=dt.date(2004, 3, 1),
        participation_code="PN1",
        review_type="subsequent",
        venue=f"{MARK} house",
        others_present=f"{MARK} aunt",
        wishes_and_feelings=f"{MARK} wants to stay",
        child_friendly_summary=f"{MARK}, we agreed",
        discussion=f"{MARK} discussed",
        created_by=iro,
    )
    action = Action.objects.create(
        review=review, child=child, description=f"{MARK}'s dentist", owner=f"{MARK} carer", due_on=dt.date(2004, 4, 1)
    )
    date_change(
        review,
        kind="postponed",
        from_date=dt.date(2004, 2, 20),
        to_date=dt.date(2004, 3, 1),
        reason=f"{MARK} was ill",
        by=iro,
    )
    Visit.objects.create(child=child, iro=iro, visited_on=dt.date(2004, 5, 1), notes=f"Saw {MARK}")
    midway = MidwayReview.objects.create(child=child, iro=iro, held_on=dt.date(2004, 6, 1), notes=f"{MARK} ok")
    ActionProgress.objects.create(midway_review=midway, action=action, status="open", note=f"{MARK} waiting")
    CaseNote.objects.create(child=child, author=iro, written_on=dt.date(2004, 7, 1), text=f"{MARK} note")
    # The episodes made one already.
    ReviewSchedule.objects.update_or_create(child=child, defaults={"period_start": LOOKED_AFTER})
    DeadlineFlag.objects.create(
        kind="record_overdue",
        key=f"record_overdue:review={review.pk}",
        child=child,
        review=review,
        action=action,
        due_on=dt.date(2004, 3, 21),
        raised_on=dt.date(2004, 3, 22),
    )
    SignificantChange.objects.create(
        child=child,
        category="missing",
        occurred_on=dt.date(2005, 1, 1),
        description=f"{MARK} went missing",
        recorded_by=manager,
        iro=iro,
        iro_response=f"{MARK} found",
    )
    contact = Contact.objects.create(
        child=child,
        role="mother",
        name=f"{MARK} Mother",
        organisation=f"{MARK} family centre",
        has_parental_responsibility=True,
        email="zephyrine.mother@example.test",
        phone="01632 960 042",
        address=f"1 {MARK} Road",
        notes=f"{MARK} must not be told the placement",
        started_on=LOOKED_AFTER,
        ended_on=DIED,
        created_by=iro,
    )
    contact.phone = "07700 900 042"  # a correction: the history keeps the first number
    contact.save()
    stage = EscalationStage.objects.get(number=1)
    dispute = Dispute.objects.create(
        child=child,
        raised_by=iro,
        category="drift",
        issue=f"{MARK}'s plan",
        impact_on_child=f"{MARK} unsettled",
        what_must_change="A plan",
        change_by_whom=f"{MARK}'s social worker",
        change_by_when=dt.date(2005, 3, 1),
        opened_on=dt.date(2005, 2, 1),
        current_stage=stage,
        status="referred",
        closed_on=dt.date(2005, 4, 1),
        outcome_note=f"{MARK} outcome",
    )
    DisputeStep.objects.create(
        dispute=dispute,
        stage=stage,
        raised_on=dt.date(2005, 2, 1),
        raised_by=iro,
        recipient_name=f"{MARK} SW",
        recipient_role="Social worker",
        response=f"{MARK} reply",
        attendees=f"{MARK} and others",
        minutes=f"{MARK} minutes",
        ended_on=dt.date(2005, 4, 1),
    )
    CafcassReferral.objects.create(
        dispute=dispute,
        referred_on=dt.date(2005, 4, 1),
        referred_by=iro,
        stages_exhausted_evidence=f"{MARK} e1",
        human_rights_risk_evidence=f"{MARK} e2",
        no_other_adult_evidence=f"{MARK} e3",
    )
    conference = child_protection_work(child, chair=iro)
    child_voice(child, review, contact=contact, iro=iro, manager=manager)
    audit_record(actor=iro, action=AuditAction.VIEWED, child_id=child.pk, obj=conference, summary="Conference viewed")
    audit_record(
        actor=manager,
        action=AuditAction.UPDATED,
        child_id=child.pk,
        obj=child,
        summary=f"Details of {FIRST_NAME} changed",
        changes={"first_name": [f"{MARK}ina", FIRST_NAME], "date_of_birth": [str(BORN), str(BORN)]},
    )
    audit_record(actor=iro, action=AuditAction.VIEWED, child_id=child.pk, obj=review, summary="Review viewed")
    audit_record(
        actor=manager,
        action=AuditAction.LISTED,
        child_id=None,
        summary="Listed 2 children",
        changes={"child_ids": [sibling.pk, child.pk], "query": ""},
    )
    return Record(child=child, review=review, dispute=dispute, sibling_group=group, sibling=sibling)


def child_protection_work(child: Child, *, chair) -> Conference:
    """Before care, a plan made at an initial conference for ``child`` alone (with an invitee,
    the child's views, a core group member and a plan action), ended by a review conference when
    the child came into care; changed once, so with history rows."""
    IROAllocation.objects.create(
        child=child,
        iro=chair,
        started_on=dt.date(2003, 1, 6),
        ended_on=dt.date(2003, 9, 1),
        work=AllocationWork.CHILD_PROTECTION,
    )
    icpc = Conference.objects.create(
        kind="initial",
        status="held",
        family_name=LAST_NAME,
        requested_on=dt.date(2003, 1, 6),
        strategy_discussion_on=dt.date(2003, 1, 6),
        section_47_started_on=dt.date(2003, 1, 6),
        social_worker=f"{MARK} SW",
        social_work_team=f"{MARK} team",
        chair=chair,
        booked_for=dt.date(2003, 1, 20),
        venue=f"{MARK} centre",
        held_on=dt.date(2003, 1, 20),
        minutes=f"{MARK} was discussed",
    )
    icpc.cancel_reason = ""
    icpc.save()  # a second history row
    plan = ProtectionPlan.objects.create(
        child=child,
        initial_conference=icpc,
        started_on=dt.date(2003, 1, 20),
        initial_category="NEG",
        latest_category="NEG",
    )
    ConferenceChild.objects.create(
        conference=icpc,
        child=child,
        plan=plan,
        outcome="plan",
        category_neglect=True,
        child_participation="views_conveyed",
        childs_views=f"{MARK} wants to go home",
    )
    teacher = ConferenceAttendee.objects.create(
        conference=icpc, name=f"{MARK} Teacher", agency="school", role=f"{MARK}'s tutor", attended=True
    )
    # Who was sent the minutes: the teacher by email; the mother deliberately not.
    MinutesSent.objects.create(
        conference=icpc,
        child=child,
        attendee=teacher,
        name=teacher.name,
        role=f"School: {MARK}'s tutor",
        method="email",
        sent_on=dt.date(2003, 1, 27),
        recorded_by=chair,
    )
    mother = Contact.objects.filter(child=child, role="mother").first()
    if mother is not None:
        MinutesSent.objects.create(
            conference=icpc,
            child=child,
            contact=mother,
            name=mother.name,
            role="Mother",
            not_sent_reason=f"{MARK} would be put at risk",
            recorded_by=chair,
        )
    CoreGroupMember.objects.create(
        plan=plan, name=f"{MARK} HV", agency="health", role=f"{MARK}'s health visitor", joined_on=dt.date(2003, 1, 20)
    )
    PlanAction.objects.create(
        plan=plan,
        conference=icpc,
        child=child,
        description=f"{MARK} to see the dentist",
        owner=f"{MARK} Mother",
        due_on=dt.date(2003, 3, 1),
    )
    rcpc = Conference.objects.create(
        kind="review",
        status="held",
        family_name=LAST_NAME,
        chair=chair,
        booked_for=dt.date(2003, 9, 1),
        held_on=dt.date(2003, 9, 1),
        minutes=f"{MARK} came into care",
    )
    ConferenceChild.objects.create(
        conference=rcpc, child=child, plan=plan, outcome="ends", end_reason="into_care", category_neglect=True
    )
    plan.ended_on, plan.end_reason, plan.ending_conference = dt.date(2003, 9, 1), "into_care", rcpc
    plan.end_reason_detail = f"{MARK} became looked after"
    plan.care_episode = child.episodes.order_by("started_on").first()
    plan.save()
    return icpc


def child_voice(child: Child, review: Review, *, contact: Contact, iro, manager) -> None:
    """The child's voice (issue 16): the child answered the consultation before the review, with
    a private answer; the mother's link went by email; the child's feedback afterwards carries a
    comment the manager quoted."""
    from voice.models import FeedbackQuote, VoiceLink, VoiceResponse

    def link(purpose, form_kind, respondent, *, person=None, name=FIRST_NAME, sent_to="", hash_of="a"):
        return VoiceLink.objects.create(
            review=review,
            child=child,
            purpose=purpose,
            form_kind=form_kind,
            respondent=respondent,
            contact=person,
            name=name,
            channel="email",
            sent_to=sent_to,
            token_hash=hash_of * 64,
            expires_at=dt.datetime(2004, 3, 1, tzinfo=dt.UTC),
            sent_at=dt.datetime(2004, 2, 1, tzinfo=dt.UTC),
            delivery_reference=f"{MARK}-message",
            delivery_error=f"{MARK} mailbox full",
            submitted_at=dt.datetime(2004, 2, 2, tzinfo=dt.UTC),
            created_by=iro,
        )

    def answered(made, answers):
        return VoiceResponse.objects.create(
            link=made,
            review=review,
            child=child,
            purpose=made.purpose,
            form_kind=made.form_kind,
            respondent=made.respondent,
            answers=answers,
            child_age=10,
            submitted_at=made.submitted_at,
        )

    consulted = link("consultation", "consult-child", "child", sent_to="zephyrine@example.test")
    answered(
        consulted,
        {"home": "good", "home_more": f"{MARK} likes it", "attend": "no", "private": f"{MARK} is scared"},
    )
    mother = link(
        "consultation",
        "consult-parent",
        "parent",
        person=contact,
        name=contact.name,
        sent_to=contact.email,
        hash_of="b",
    )
    answered(mother, {"going": "ok", "plan": f"{MARK}'s plan is fine"})
    fed_back = link("feedback", "feedback-child", "child", hash_of="c")
    response = answered(fed_back, {"know_plan": "yes", "better": "sort_of", "comment": f"{MARK} liked it"})
    response.read_at = dt.datetime(2004, 3, 2, tzinfo=dt.UTC)
    response.save()  # a second history row
    FeedbackQuote.objects.create(
        response=response,
        year_label="2003-04",
        text=f"{MARK} liked it",
        attribution=f"{MARK}, aged 10",
        chosen_by=manager,
    )
