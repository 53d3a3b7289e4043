import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disputes import services
from disputes.models import CafcassReferral, Dispute, DisputeStep, EscalationStage
from iro_service.models import AuditEvent
from tests.disputes.factories import CAFCASS_EVIDENCE, TODAY, raise_dispute
from tests.factories import make_child_in_care

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(iro):
    return make_child_in_care(iro=iro, looked_after_on=dt.date(2025, 1, 6), first_name="Kit")


def test_the_default_ladder_is_the_eight_steps_of_section_5():
    ladder = list(
        EscalationStage.objects.active().values_list("number", "raised_with", "response_kind", "response_working_days")
    )
    assert ladder == [
        (0, "Social worker or team manager", "none", None),
        (1, "Social worker", "written", 5),
        (2, "Team manager", "written", 5),
        (3, "Service manager", "written", 5),
        (4, "Head of service", "meeting", None),
        (5, "Director of children's services", "meeting", None),
        (6, "Chief executive", "meeting", None),
        (7, "CAFCASS", "referral", None),
    ]


def test_raising_at_stage_1_sets_a_response_due_in_five_working_days(child, iro):
    dispute = raise_dispute(child, iro, raised_on=dt.date(2026, 11, 2))
    step = DisputeStep.objects.get(dispute=dispute)
    assert (dispute.current_stage.number, step.recipient_role, step.response_due_on) == (
        1,
        "Social worker",
        dt.date(2026, 11, 9),
    )
    assert AuditEvent.objects.filter(child_id=child.pk, summary__startswith="Dispute raised at Stage 1").exists()


@pytest.mark.parametrize(
    ("raised_on", "due"),
    [
        (dt.date(2026, 12, 22), dt.date(2026, 12, 31)),  # Christmas and Boxing Day (observed 28 Dec) skipped
        (dt.date(2027, 3, 24), dt.date(2027, 4, 2)),  # Good Friday 26 March and Easter Monday 29 March 2027
        (dt.date(2026, 8, 27), dt.date(2026, 9, 4)),  # Late summer bank holiday 31 August 2026
    ],
)
def test_response_due_dates_skip_bank_holidays(child, iro, raised_on, due):
    dispute = raise_dispute(
        child, iro, raised_on=raised_on, change_by_when=dt.date(2027, 6, 1), today=dt.date(2027, 4, 1)
    )
    assert dispute.steps.get().response_due_on == due


def test_raising_at_stage_3_needs_a_reason_and_stage_2_is_refused(child, iro):
    with pytest.raises(ValidationError, match="needs a reason"):
        raise_dispute(child, iro, start_stage=3)
    with pytest.raises(ValidationError, match="starts at informal resolution or stage 1"):
        raise_dispute(child, iro, start_stage=2)
    dispute = raise_dispute(child, iro, start_stage=3, urgent_reason="Placement ends on Friday with no plan.")
    assert dispute.current_stage.number == 3
    assert Dispute.objects.count() == 1


def test_only_an_iro_who_holds_or_covers_the_child_can_raise(child, other_iro, manager):
    for user in (other_iro, manager):
        with pytest.raises(PermissionDenied):
            raise_dispute(child, user)
    assert not Dispute.objects.exists()


def test_escalation_moves_one_stage_and_keeps_every_step(child, iro):
    dispute = raise_dispute(child, iro)
    services.dispute_record_response(
        dispute=dispute,
        by=iro,
        responded_on=dt.date(2026, 11, 6),
        response="Family finding will start in January.",
        today=TODAY,
    )
    services.dispute_escalate(
        dispute=dispute, by=iro, to_stage=2, recipient_name="Jo Bloggs", raised_on=dt.date(2026, 11, 10), today=TODAY
    )
    steps = list(dispute.steps.order_by("pk").values_list("stage__number", "raised_on", "ended_on", "responded_on"))
    assert steps == [
        (1, dt.date(2026, 11, 2), dt.date(2026, 11, 10), dt.date(2026, 11, 6)),
        (2, dt.date(2026, 11, 10), None, None),
    ]
    dispute.refresh_from_db()
    assert dispute.current_stage.number == 2


def _escalate(dispute, by, to_stage, *, on=dt.date(2026, 11, 10), **kwargs):
    return services.dispute_escalate(dispute=dispute, by=by, to_stage=to_stage, raised_on=on, today=TODAY, **kwargs)


def test_stage_1_to_3_without_a_reason_is_refused_on_the_reason_field_and_changes_nothing(child, iro):
    dispute = raise_dispute(child, iro)
    with pytest.raises(ValidationError) as refused:
        _escalate(dispute, iro, 3)
    assert refused.value.message_dict == {
        "bypass_reason": ["Enter why you are skipping stage 2: escalating from stage 1 to stage 3 bypasses it."]
    }
    dispute.refresh_from_db()
    assert (dispute.current_stage.number, dispute.version, dispute.steps.count()) == (1, 1, 1)
    assert not AuditEvent.objects.filter(summary__startswith="Escalated").exists()


def test_stage_1_to_3_with_a_reason_keeps_the_reason_on_the_step_and_in_the_audit_event(child, iro):
    dispute = raise_dispute(child, iro)
    reason = "The team manager is the subject of the concern; the service manager must decide."
    _escalate(dispute, iro, 3, bypass_reason=f"  {reason}\n")
    dispute.refresh_from_db()
    assert dispute.current_stage.number == 3
    steps = list(dispute.steps.order_by("pk").values_list("stage__number", "ended_on", "bypass_reason"))
    assert steps == [(1, dt.date(2026, 11, 10), ""), (3, None, reason)]
    # Stage 3 is a written stage: its own response date, 5 working days on.
    assert dispute.steps.get(ended_on__isnull=True).response_due_on == dt.date(2026, 11, 17)
    event = AuditEvent.objects.get(summary__startswith="Escalated")
    assert event.summary == (
        f"Escalated from Stage 1: Social worker to Stage 3: Service manager, skipping stage 2: {reason}"
    )
    assert event.changes == {"stage": [1, 3], "skipped_stages": [2], "bypass_reason": reason}
    assert event.child_id == child.pk


def test_stage_3_to_5_needs_a_reason_naming_stage_4_and_is_allowed_with_one(child, iro):
    dispute = raise_dispute(child, iro, start_stage=3, urgent_reason="Placement ends on Friday with no plan.")
    with pytest.raises(ValidationError, match="Enter why you are skipping stage 4") as refused:
        _escalate(dispute, iro, 5)
    assert list(refused.value.message_dict) == ["bypass_reason"]
    _escalate(dispute, iro, 5, bypass_reason="The head of service is on leave for a month.")
    dispute.refresh_from_db()
    assert dispute.current_stage.number == 5
    assert dispute.steps.get(ended_on__isnull=True).bypass_reason == "The head of service is on leave for a month."
    assert AuditEvent.objects.get(summary__startswith="Escalated").changes["skipped_stages"] == [4]


def test_a_reason_is_kept_only_when_stages_are_skipped(child, iro):
    dispute = raise_dispute(child, iro)
    _escalate(dispute, iro, 2, bypass_reason="Typed by mistake.")
    step = dispute.steps.get(ended_on__isnull=True)
    assert (step.stage.number, step.bypass_reason) == (2, "")
    event = AuditEvent.objects.get(summary__startswith="Escalated")
    assert event.changes == {"stage": [1, 2]}
    assert "skipping" not in event.summary


@pytest.mark.parametrize("to_stage", [2, 1, 0])
def test_escalating_back_down_or_to_the_same_stage_is_refused(child, iro, to_stage):
    dispute = raise_dispute(child, iro)
    _escalate(dispute, iro, 2)
    with pytest.raises(ValidationError, match="only moves up the ladder") as refused:
        _escalate(dispute, iro, to_stage, on=dt.date(2026, 11, 11), bypass_reason="Going back.")
    assert list(refused.value.message_dict) == ["to_stage"]
    dispute.refresh_from_db()
    assert (dispute.current_stage.number, dispute.steps.count()) == (2, 2)


def test_skipping_straight_to_cafcass_is_still_only_by_referral(child, iro):
    dispute = raise_dispute(child, iro, start_stage=3, urgent_reason="Urgent")
    with pytest.raises(ValidationError, match="Refer to CAFCASS"):
        _escalate(dispute, iro, 7, bypass_reason="Delay is unreasonable.")
    dispute.refresh_from_db()
    assert dispute.current_stage.number == 3


def test_by_default_a_closure_day_does_not_move_a_stage_response_date(child, iro):
    # docs/rules.md#review-timescales: closure days move a local target only where a setting says so.
    from reviews.models import ClosureDay

    ClosureDay.objects.create(day=dt.date(2026, 11, 4), reason="Staff training day")
    dispute = raise_dispute(child, iro, raised_on=dt.date(2026, 11, 2))
    assert dispute.steps.get().response_due_on == dt.date(2026, 11, 9)
    _escalate(dispute, iro, 2, on=dt.date(2026, 11, 3))
    assert dispute.steps.get(ended_on__isnull=True).response_due_on == dt.date(2026, 11, 10)


def test_a_closure_day_moves_a_stage_response_date_where_the_setting_says_so(child, iro, settings):
    from reviews.models import ClosureDay

    settings.CLOSURE_DAYS_MOVE_LOCAL_TARGETS = True
    ClosureDay.objects.create(day=dt.date(2026, 11, 4), reason="Staff training day")
    dispute = raise_dispute(child, iro, raised_on=dt.date(2026, 11, 2))
    assert dispute.steps.get().response_due_on == dt.date(2026, 11, 10)
    _escalate(dispute, iro, 2, on=dt.date(2026, 11, 3))
    assert dispute.steps.get(ended_on__isnull=True).response_due_on == dt.date(2026, 11, 11)


def test_meeting_stages_are_answered_by_a_minuted_meeting(child, iro):
    dispute = raise_dispute(child, iro, start_stage=3, urgent_reason="Urgent")
    services.dispute_escalate(dispute=dispute, by=iro, to_stage=4, raised_on=dt.date(2026, 11, 9), today=TODAY)
    with pytest.raises(ValidationError, match="minuted meeting"):
        services.dispute_record_response(
            dispute=dispute, by=iro, responded_on=dt.date(2026, 11, 12), response="x", today=TODAY
        )
    services.dispute_record_meeting(
        dispute=dispute,
        by=iro,
        meeting_on=dt.date(2026, 11, 16),
        attendees="Head of service, IRO",
        minutes="Agreed a plan.",
        today=TODAY,
    )
    step = dispute.steps.get(ended_on__isnull=True)
    assert (step.meeting_on, step.responded_on, step.minutes) == (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 16),
        "Agreed a plan.",
    )


def test_a_closed_dispute_cannot_change(child, iro):
    dispute = raise_dispute(child, iro)
    services.dispute_resolve(
        dispute=dispute, by=iro, closed_on=dt.date(2026, 11, 12), outcome_note="Plan agreed", today=TODAY
    )
    for call in (
        lambda: services.dispute_escalate(dispute=dispute, by=iro, to_stage=2, today=TODAY),
        lambda: services.dispute_withdraw(dispute=dispute, by=iro, closed_on=TODAY, reason="x", today=TODAY),
        lambda: services.dispute_record_response(
            dispute=dispute, by=iro, responded_on=TODAY, response="x", today=TODAY
        ),
    ):
        with pytest.raises(ValidationError, match="closed"):
            call()
    dispute.refresh_from_db()
    assert (dispute.status, dispute.closed_on) == ("resolved", dt.date(2026, 11, 12))


def test_withdrawing_needs_a_reason(child, iro):
    dispute = raise_dispute(child, iro)
    with pytest.raises(ValidationError, match="Enter why"):
        services.dispute_withdraw(dispute=dispute, by=iro, closed_on=TODAY, reason=" ", today=TODAY)
    services.dispute_withdraw(dispute=dispute, by=iro, closed_on=TODAY, reason="Child moved away", today=TODAY)
    dispute.refresh_from_db()
    assert dispute.status == "withdrawn"


def test_escalating_to_cafcass_is_only_by_referral(child, iro):
    dispute = raise_dispute(child, iro, start_stage=3, urgent_reason="Urgent")
    for stage, day in ((4, 10), (5, 11), (6, 12)):
        services.dispute_escalate(
            dispute=dispute, by=iro, to_stage=stage, raised_on=dt.date(2026, 11, day), today=TODAY
        )
    with pytest.raises(ValidationError, match="Refer to CAFCASS"):
        services.dispute_escalate(dispute=dispute, by=iro, to_stage=7, today=TODAY)


@pytest.mark.parametrize(
    "missing", ["stages_exhausted_evidence", "human_rights_risk_evidence", "no_other_adult_evidence"]
)
def test_a_cafcass_referral_needs_evidence_for_each_precondition(child, iro, missing):
    dispute = raise_dispute(child, iro)
    evidence = {
        "stages_exhausted_evidence": "Chief executive meeting 12 Nov did not resolve it.",
        "human_rights_risk_evidence": "No contact with siblings for a year (Article 8).",
        "no_other_adult_evidence": "Parents do not engage; no guardian appointed.",
    }
    evidence[missing] = "  "
    with pytest.raises(ValidationError) as error:
        services.dispute_refer_to_cafcass(dispute=dispute, by=iro, referred_on=TODAY, today=TODAY, **evidence)
    assert list(error.value.message_dict) == [missing]
    assert not CafcassReferral.objects.exists()


def test_a_cafcass_referral_closes_the_dispute_and_records_the_outcome(child, iro):
    dispute = raise_dispute(child, iro)
    referral = services.dispute_refer_to_cafcass(
        dispute=dispute,
        by=iro,
        referred_on=dt.date(2026, 11, 20),
        today=TODAY,
        **CAFCASS_EVIDENCE,
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.current_stage.number, dispute.closed_on) == ("referred", 7, dt.date(2026, 11, 20))
    services.cafcass_outcome_record(
        referral=referral, by=iro, outcome="resolved_by_la", outcome_on=dt.date(2026, 11, 23), today=TODAY
    )
    referral.refresh_from_db()
    assert referral.outcome == "resolved_by_la"


def test_second_editor_of_a_dispute_is_refused(child, iro):
    from iro_service.concurrency import StaleEditError

    dispute = raise_dispute(child, iro)
    version = dispute.version
    services.dispute_record_response(
        dispute=dispute, by=iro, responded_on=TODAY, response="Agreed", expected_version=version, today=TODAY
    )
    with pytest.raises(StaleEditError):
        services.dispute_resolve(
            dispute=dispute, by=iro, closed_on=TODAY, outcome_note="Done", expected_version=version, today=TODAY
        )
    dispute.refresh_from_db()
    assert dispute.status == "open"
