"""``manage.py seed_demo``: a synthetic local authority shaped like the public IRO reports.

The full-size authority (about 300 children in care, 700 records) is built once for the
package (``demo_town`` in conftest.py), inside a transaction rolled back at the end; the
determinism test uses a small town. Its reviews are tested in test_seed_demo_reviews.py and
its disputes in test_seed_demo_disputes.py.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory

import demo.children
import demo.people
import demo.shape
from children import codes
from children.ages import age_on
from children.models import (
    CareEpisode,
    Child,
    CoverArrangement,
    IROAllocation,
    IROProfile,
    SiblingGroup,
    SignificantChange,
    Team,
    upn_validator,
)
from demo.management.commands.seed_demo import empty_database
from disputes.models import CafcassReferral, Dispute, DisputeStep
from iro_service import roles
from iro_service.models import AuditEvent
from reviews.models import (
    Action,
    ActionProgress,
    CaseNote,
    DeadlineFlag,
    MidwayReview,
    Review,
    ReviewDateChange,
    ReviewSchedule,
    Visit,
)
from tests.demo.seed_demo.seeding import SEED_ARGS, TODAY, seed

User = get_user_model()


def digest() -> str:
    """A fingerprint of everything the seeder writes, without primary keys or timestamps."""
    rows = [
        sorted(
            (
                u.username,
                u.first_name,
                u.last_name,
                u.email,
                u.is_staff,
                u.is_superuser,
                tuple(sorted(g.name for g in u.groups.all())),
            )
            for u in User.objects.prefetch_related("groups")
        ),
        sorted((p.user.username, str(p.fte), p.team.name) for p in IROProfile.objects.select_related("user", "team")),
        sorted(
            (
                c.local_reference,
                c.first_name,
                c.last_name,
                c.preferred_name,
                c.date_of_birth,
                c.sex,
                c.ethnicity,
                c.upn,
                c.is_uasc,
                c.sibling_group.name if c.sibling_group else "",
                c.uasc_ceased_on,
                c.is_mother,
                c.mother_child_dob,
                c.previous_permanence,
                c.previous_permanence_la,
                c.previous_permanence_date,
            )
            for c in Child.objects.select_related("sibling_group")
        ),
        sorted(
            (
                e.child.local_reference,
                e.started_on,
                e.ended_on or date.max,
                e.reason_new_episode,
                e.legal_status,
                e.category_of_need,
                e.placement_type,
                e.placement_provider,
                e.placement_postcode,
                e.home_postcode,
                str(e.distance_from_home_miles),
                e.reason_ceased,
                e.reason_place_change,
                e.urn,
            )
            for e in CareEpisode.objects.select_related("child")
        ),
        sorted(
            (a.child.local_reference, a.iro.username, a.started_on, a.ended_on or date.max, a.reason)
            for a in IROAllocation.objects.select_related("child", "iro")
        ),
        sorted(
            (c.absent_iro.username, c.covering_iro.username, c.starts_on, c.ends_on or date.max, c.reason)
            for c in CoverArrangement.objects.select_related("absent_iro", "covering_iro")
        ),
        *review_rows(),
        *dispute_rows(),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def dispute_rows() -> list[list[tuple]]:
    """The disputes (demo/disputes.py), their steps and CAFCASS referrals, keyed by child
    reference and dates, not keys."""

    def key(d: Dispute) -> tuple:
        return (d.child.local_reference, d.opened_on, d.category)

    return [
        sorted(
            (
                *key(d),
                d.raised_by.username,
                d.issue,
                d.impact_on_child,
                d.what_must_change,
                d.change_by_whom,
                d.change_by_when,
                d.urgent_reason,
                d.current_stage.number,
                d.status,
                d.closed_on or date.max,
                d.outcome_note,
            )
            for d in Dispute.objects.select_related("child", "raised_by", "current_stage")
        ),
        sorted(
            (
                *key(s.dispute),
                s.stage.number,
                s.raised_on,
                s.raised_by.username,
                s.recipient_name,
                s.recipient_role,
                s.response_due_on or date.max,
                s.responded_on or date.max,
                s.response,
                s.meeting_on or date.max,
                s.attendees,
                s.minutes,
                s.ended_on or date.max,
            )
            for s in DisputeStep.objects.select_related("dispute__child", "stage", "raised_by")
        ),
        sorted(
            (
                *key(r.dispute),
                r.referred_on,
                r.referred_by.username,
                r.stages_exhausted_evidence,
                r.human_rights_risk_evidence,
                r.no_other_adult_evidence,
                r.outcome,
                r.outcome_on or date.max,
                r.outcome_note,
            )
            for r in CafcassReferral.objects.select_related("dispute__child", "referred_by")
        ),
    ]


def review_rows() -> list[list[tuple]]:
    """The review history (demo/reviews.py), keyed by child reference and dates, not keys."""

    def ref(obj) -> str:
        return obj.child.local_reference

    return [
        sorted(
            (
                ref(r),
                r.status,
                r.review_type,
                r.held_on or date.max,
                r.booked_for or date.max,
                r.due_on or date.max,
                r.chair.username,
                r.created_by.username,
                r.venue,
                tuple(r.invited),
                tuple(r.attended),
                r.others_present,
                r.participation_code,
                r.parents_participation,
                r.wishes_and_feelings,
                r.child_friendly_summary,
                r.discussion,
                r.record_due_on or date.max,
                r.record_completed_on or date.max,
                r.record_distributed_on or date.max,
                r.cancelled_on or date.max,
            )
            for r in Review.objects.select_related("child", "chair", "created_by")
        ),
        sorted(
            (ref(a), a.review.held_on, a.description, a.owner, a.due_on, a.status, a.completed_on or date.max)
            for a in Action.objects.select_related("child", "review")
        ),
        sorted(
            (
                ref(c.review),
                c.review.booked_for,
                c.kind,
                c.from_date,
                c.to_date or date.max,
                c.reason,
                c.changed_by.username,
            )
            for c in ReviewDateChange.objects.select_related("review__child", "changed_by")
        ),
        sorted(
            (ref(v), v.iro.username, v.visited_on, v.seen_alone, v.notes)
            for v in Visit.objects.select_related("child", "iro")
        ),
        sorted(
            (ref(m), m.iro.username, m.held_on, m.notes) for m in MidwayReview.objects.select_related("child", "iro")
        ),
        sorted(
            (p.midway_review.child.local_reference, p.midway_review.held_on, p.action.description, p.status, p.note)
            for p in ActionProgress.objects.select_related("midway_review__child", "action")
        ),
        sorted(
            (ref(n), n.author.username, n.written_on, n.text)
            for n in CaseNote.objects.select_related("child", "author")
        ),
        sorted(
            (
                ref(s),
                s.category,
                s.occurred_on,
                s.description,
                s.recorded_by.username,
                s.iro.username if s.iro else "",
                s.acknowledged_on or date.max,
                s.acknowledged_by.username if s.acknowledged_by else "",
                s.iro_response,
            )
            for s in SignificantChange.objects.select_related("child", "recorded_by", "iro", "acknowledged_by")
        ),
        sorted(
            (ref(s), s.period_start, s.reviews_in_period, s.last_review_on or date.max, s.next_due_on or date.max)
            for s in ReviewSchedule.objects.select_related("child")
        ),
        sorted(
            (ref(f), f.kind, f.due_on, f.raised_on, f.resolved_on or date.max, f.iro.username if f.iro else "")
            for f in DeadlineFlag.objects.select_related("child", "iro")
        ),
    ]


def row_counts() -> dict[str, int]:
    models = (
        User,
        Team,
        IROProfile,
        Child,
        Child.history.model,
        SiblingGroup,
        CareEpisode,
        IROAllocation,
        CoverArrangement,
        AuditEvent,
        Review,
        Action,
        ReviewDateChange,
        Visit,
        MidwayReview,
        ActionProgress,
        CaseNote,
        SignificantChange,
        ReviewSchedule,
        DeadlineFlag,
        Dispute,
        DisputeStep,
        CafcassReferral,
    )
    return {m._meta.label: m._base_manager.count() for m in models}


@pytest.fixture
def forget_flushed_content_types():
    """A flush (``--reset``) recreates content types inside the test's transaction; after the
    rollback their cached ids must not outlive it."""
    yield
    ContentType.objects.clear_cache()


def in_care_episodes() -> dict[int, CareEpisode]:
    return {e.child_id: e for e in CareEpisode.objects.open().select_related("child")}


@pytest.mark.django_db
def test_the_staff_sign_in_with_the_demo_password_and_have_their_roles(demo_town):
    expected = {
        "iro1": roles.IRO,
        "iro2": roles.IRO,
        "iro3": roles.IRO,
        "iro4": roles.IRO,
        "iro5": roles.IRO,
        "manager": roles.IRO_MANAGER,
        "cpchair": roles.CP_CHAIR,
        "committee": roles.COMMITTEE,
        "admin": roles.ADMINISTRATOR,
    }
    for username, role in expected.items():
        # The lockout backend (django-axes) needs the request, as the sign-in page passes it.
        user = authenticate(
            RequestFactory().post("/accounts/login/"), username=username, password=demo.people.DEMO_PASSWORD
        )
        assert user is not None, username
        assert [g.name for g in user.groups.all()] == [role]
        assert not user.is_superuser
        assert user.is_staff == (username == "admin")
        assert username in demo_town
    profiles = {p.user.username: p for p in IROProfile.objects.select_related("user", "team")}
    assert sorted(profiles) == ["iro1", "iro2", "iro3", "iro4", "iro5"]
    assert profiles["iro5"].fte == Decimal("0.60")
    assert {p.fte for name, p in profiles.items() if name != "iro5"} == {Decimal("1.00")}
    assert 1 <= Team.objects.count() <= 2
    assert all(p.team is not None for p in profiles.values())
    assert demo.people.DEMO_PASSWORD in demo_town
    assert demo.shape.LA_NAME in demo_town


@pytest.mark.django_db
def test_the_children_in_care_look_like_the_public_reports(demo_town):
    open_episodes = in_care_episodes()
    children = [e.child for e in open_episodes.values()]
    n = len(children)
    assert 270 <= n <= 330
    assert f"{n} looked after today" in demo_town

    assert 0.55 <= sum(c.sex == "M" for c in children) / n <= 0.65
    uasc = [c for c in children if c.is_uasc]
    assert 0.07 <= len(uasc) / n <= 0.13
    assert sum(c.sex == "M" for c in uasc) / len(uasc) >= 0.8
    assert all(13 <= c.age_on(TODAY) <= 17 for c in uasc)
    assert {open_episodes[c.pk].legal_status for c in uasc} == {"V2"}
    assert len({c.ethnicity for c in uasc}) >= 3
    assert 0.65 <= sum(c.ethnicity == "WBRI" for c in children) / n <= 0.80
    assert len({c.ethnicity for c in children}) >= 10

    legal = Counter(e.legal_status for e in open_episodes.values())
    assert 0.70 <= (legal["C1"] + legal["C2"]) / n <= 0.85
    assert 0.12 <= legal["V2"] / n <= 0.24
    assert 0.02 <= legal["E1"] / n <= 0.08

    bands = Counter(
        next(band for band, (low, high) in codes.AGE_BAND_YEARS.items() if low <= c.age_on(TODAY) <= high)
        for c in children
    )
    assert bands.most_common(1)[0][0] == codes.AgeBand.TEN_TO_FIFTEEN
    assert all(0 <= c.age_on(TODAY) <= 17 for c in children)
    assert bands[codes.AgeBand.UNDER_1] > 0

    placements = Counter(e.placement_type for e in open_episodes.values())
    foster = sum(placements[code] for code in codes.PLACEMENT_GROUPS["Foster care"])
    assert 0.60 <= foster / n <= 0.80
    assert placements["K2"] > 0 and placements["P1"] > 0
    assert placements["A5"] + placements["A6"] > 0
    assert placements["K3"] > 0
    far = sum(e.is_far_from_home for e in open_episodes.values())
    assert 0.05 <= far / n <= 0.35


@pytest.mark.django_db
def test_four_years_of_history_are_recorded_through_the_services(demo_town):
    window_start = TODAY.replace(year=TODAY.year - demo.shape.HISTORY_YEARS)
    exits = Counter(
        CareEpisode.objects.exclude(reason_ceased__in=["", "X1"])
        .filter(ended_on__gte=window_start)
        .values_list("reason_ceased", flat=True)
    )
    assert sum(exits.values()) >= 200
    assert exits["E11"] + exits["E12"] > 0
    assert sum(exits[code] for code in codes.SPECIAL_GUARDIANSHIP_EXITS) > 0
    assert exits["E41"] > 0 and exits["E4A"] > 0
    assert exits["E13"] + exits["E17"] > 0
    assert CareEpisode.objects.filter(started_on__lt=window_start).exists()  # long-stayers from before

    episodes_by_child: dict[int, list[CareEpisode]] = {}
    for e in CareEpisode.objects.order_by("child_id", "started_on", "pk"):
        episodes_by_child.setdefault(e.child_id, []).append(e)
    assert any(sum(e.reason_new_episode == "S" for e in eps) > 1 for eps in episodes_by_child.values())
    assert set(CareEpisode.objects.values_list("reason_new_episode", flat=True)) == {"S", "L", "P", "B", "T", "U"}
    year_start = TODAY.replace(year=TODAY.year - 1)
    assert any(
        sum(e.started_on > year_start and e.reason_new_episode in "PBTU" for e in eps) >= 2
        for eps in episodes_by_child.values()
    )
    children = {c.pk: c for c in Child.objects.all()}
    for child_id, eps in episodes_by_child.items():
        child = children[child_id]
        assert eps[0].reason_new_episode == "S"
        for earlier, later in zip(eps, eps[1:], strict=False):
            if earlier.reason_ceased == "X1":
                assert later.started_on == earlier.ended_on and later.reason_new_episode != "S"
            else:
                assert later.reason_new_episode == "S" and later.started_on >= earlier.ended_on
        for e in eps:
            assert child.date_of_birth <= e.started_on <= TODAY
            assert e.ended_on is None or e.started_on < e.ended_on <= TODAY
            assert (e.placement_type == "P1") == (e.placement_provider == "PR0")
            if e.placement_type in ("A5", "A6"):
                assert e.legal_status == "E1"
            if e.placement_type in ("H5", "K3"):
                assert age_on(child.date_of_birth, e.started_on) >= 16
            if e.reason_ceased in ("E13", "E17"):
                assert age_on(child.date_of_birth, e.ended_on) == 18
        if child.upn:
            upn_validator(child.upn)
    assert Child.objects.filter(local_reference__regex=r"^DEMO\d{4}$").count() == len(children)
    # Every child looked after was written through the services (the child protection work is bulk).
    assert AuditEvent.objects.filter(actor__username="manager").count() > len(episodes_by_child)


@pytest.mark.django_db
def test_every_child_in_care_has_one_iro_with_caseloads_pro_rata(demo_town):
    in_care = set(in_care_episodes())
    # The looked-after allocations; conference chairs are child protection allocations
    # (test_seed_demo_child_protection.py).
    open_allocations = Counter(IROAllocation.objects.looked_after().open().values_list("child_id", flat=True))
    assert set(open_allocations) == in_care
    assert set(open_allocations.values()) == {1}
    assert not IROAllocation.objects.filter(started_on__gt=TODAY).exists()
    assert IROAllocation.objects.looked_after().exclude(reason="Became looked after").count() > 50  # changes of IRO

    caseloads = {p.user.username: p.caseload for p in IROProfile.objects.with_caseload(on=TODAY)}
    for username in ("iro1", "iro2", "iro3", "iro4"):
        assert 50 <= caseloads[username] <= 70, caseloads
    assert 30 <= caseloads["iro5"] <= 42
    assert caseloads["iro5"] < min(caseloads[u] for u in ("iro1", "iro2", "iro3", "iro4"))

    cover = CoverArrangement.objects.active(on=TODAY).select_related("absent_iro", "covering_iro").get()
    assert (cover.absent_iro.username, cover.covering_iro.username) == ("iro4", "iro2")

    groups = SiblingGroup.objects.prefetch_related("children")
    assert groups.count() >= 5
    for group in groups:
        members = list(group.children.all())
        assert len(members) >= 2
        assert len({c.last_name for c in members}) == 1
        iros = set(IROAllocation.objects.looked_after().open().filter(child__in=members).values_list("iro", flat=True))
        assert len(iros) == 1


@pytest.mark.django_db
def test_running_again_without_reset_writes_nothing(demo_town):
    before, fingerprint = row_counts(), digest()

    output = seed(*SEED_ARGS)

    assert output.strip() == "Demo data already present; use --reset to rebuild."
    assert row_counts() == before
    assert digest() == fingerprint


@pytest.mark.django_db
def test_an_existing_demo_user_is_enough_to_refuse(forget_flushed_content_types):
    empty_database()  # the module's demo town lives in the same database
    User.objects.create_user(username="iro1", password="whatever-it-is-42")

    output = seed("--children=20", *SEED_ARGS)

    assert "Demo data already present" in output
    assert not Child.objects.exists()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_same_seed_and_today_give_the_same_data_and_another_seed_does_not(forget_flushed_content_types):
    small = ("--children=20", "--today=2026-11-23")
    seed("--reset", "--seed=7", *small)
    first = digest()
    assert Child.objects.exists()

    seed("--reset", "--seed=7", *small)
    assert digest() == first

    seed("--reset", "--seed=8", *small)
    assert digest() != first
    assert [g.name for g in User.objects.get(username="iro1").groups.all()] == [roles.IRO]


def test_planning_is_pure_and_deterministic():
    def plan(seed_value: int):
        return demo.children.plan_children(
            random.Random(seed_value), today=TODAY, children_in_care=60, ftes=[1.0, 1.0, 1.0, 1.0, 0.6]
        )

    first = plan(3)
    assert first == plan(3)
    assert first != plan(4)
    assert [p.local_reference for p in first] == [f"DEMO{i:04d}" for i in range(1, len(first) + 1)]
    assert sum(p.in_care for p in first) == 60


@pytest.mark.django_db
def test_the_child_population_is_entered_so_the_report_has_a_rate_per_10000(demo_town):
    from iro_service.periods import ReportingYear
    from reporting.figures import Scope
    from reporting.figures.cohort import sections
    from reporting.models import ChildPopulation

    assert list(ChildPopulation.objects.order_by("start_year").values_list("start_year", "children_under_18")) == [
        (2022, 44_200),
        (2023, 44_350),
        (2024, 44_500),
        (2025, 44_650),
        (2026, 44_800),
    ]
    year = ReportingYear(2025)
    (cohort, *_) = sections([*year.previous(4), year], scope=Scope(today=TODAY))
    numbers = {row[0]: row[-1] for row in cohort.tables[0].rows}
    rate = next(value for label, value in numbers.items() if "10,000" in label)
    looked_after = next(value for label, value in numbers.items() if label.startswith("Children looked after"))
    assert rate == math.floor(looked_after * 10_000 / 44_650 + 0.5)  # a whole number, rounded half up
