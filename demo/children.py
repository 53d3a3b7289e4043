"""A synthetic local authority for demonstrations: "Demoshire County Council".

All the people are invented: children's names come from fixed lists (surnames are made up
from English-sounding parts), UPNs use the non-existent LA number 999, and Ofsted URNs are
made up. The postcodes are not: they are real public ONS postcodes, borrowed from one real
county (Lincolnshire, ``DEMO_LA_CODE``; see demo/postcodes.py and demo/data/postcodes.csv) so
that the DfE SSDA903 checks, which look every postcode up, can run on the demo's return. No child, carer
or address behind a postcode is real. Distances from home are computed from the postcodes'
grid references with the DfE's formula, as the validator computes them.

The shape follows the public IRO annual reports (docs/rules.md#annual-report): about 300
children looked after, about 60% boys, about 10% unaccompanied asylum-seeking children,
most of them on care orders and in foster care, with four years of history behind them
(children who left care, changes of placement and legal status, changes of IRO). The
SSDA903 details follow the DfE validator's rules for 2022/23 to 2025/26 (section 9).

Planning is pure: ``plan_children`` takes a ``random.Random`` and the pinned ``today`` and
returns plans (``demo.in_care`` for the children looked after today, ``demo.leavers`` for those
who left, ``demo.episodes`` for each period of care, ``demo.placements`` and ``demo.places``
for where they lived, ``demo.ssda903`` for the return's own details). ``build`` then writes
staff directly (``demo.people``: there are no services for users, teams or IRO profiles) and
every child's record through ``children.services``, in a fixed order, so the same seed and
``today`` give the same data. The services do not yet take the SSDA903-only details (a reason
for each change of placement, URNs, the date UASC status ceases, motherhood, previous
permanence), so ``record_ssda903_details`` checks them all by the rules the services and the
import apply (``children.rules``, ``iro_service.services``), then writes them in bulk.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from children import services
from children.models import CareEpisode, Child, SiblingGroup
from children.rules import motherhood_broken
from iro_service.services import require_not_future

from .draw import in_days
from .in_care import plan_in_care
from .leavers import plan_leaver
from .people import COVER_ABSENT, COVER_COVERING, IRO_STAFF, MANAGER_USERNAME, create_staff
from .plans import ChildPlan, EpisodePlan, PeriodPlan
from .shape import DEFAULT_CHILDREN_IN_CARE, LEAVERS_PER_CHILD_IN_CARE

# --------------------------------------------------------------------------- the whole authority


def plan_children(
    rng: random.Random, *, today: date, children_in_care: int = DEFAULT_CHILDREN_IN_CARE, ftes: Sequence[float]
) -> list[ChildPlan]:
    """Every child of the demo authority, in the order their records were opened, with references."""
    upns: set[str] = set()
    plans = plan_in_care(rng, today=today, n=children_in_care, ftes=ftes, upns=upns)
    offset = len(plans)
    plans += [
        plan_leaver(rng, key=offset + i, today=today, ftes=ftes, upns=upns)
        for i in range(round(children_in_care * LEAVERS_PER_CHILD_IN_CARE))
    ]
    plans.sort(key=lambda p: (p.periods[0].start, p.key))
    for number, plan in enumerate(plans, start=1):
        plan.local_reference = f"DEMO{number:04d}"
    return plans


def write_child(plan: ChildPlan, *, by, iros: Sequence, today: date, sibling_groups: dict[str, SiblingGroup]) -> Child:
    """Record one planned child through the services, event by event in date order."""
    group = None
    if plan.sibling_group:
        group = sibling_groups.get(plan.sibling_group)
        if group is None:
            group = sibling_groups[plan.sibling_group] = SiblingGroup.objects.create(name=plan.sibling_group)
    child = None
    for period in plan.periods:
        facts = _episode_facts(period.episodes[0], period)
        iro = iros[period.allocations[0].iro]
        if child is None:
            child = services.child_create(
                by=by,
                local_reference=plan.local_reference,
                first_name=plan.first_name,
                last_name=plan.last_name,
                preferred_name=plan.preferred_name,
                date_of_birth=plan.date_of_birth,
                sex=plan.sex,
                ethnicity=plan.ethnicity,
                upn=plan.upn,
                is_uasc=plan.is_uasc,
                sibling_group=group,
                looked_after_on=period.start,
                iro=iro,
                today=today,
                **facts,
            )
        else:
            services.care_period_start(child=child, by=by, started_on=period.start, iro=iro, today=today, **facts)
        _write_period_events(child, period, by=by, iros=iros, today=today)
    return child


def _write_period_events(child: Child, period: PeriodPlan, *, by, iros: Sequence, today: date) -> None:
    """The changes of episode and of IRO in a period, in date order, then its end."""
    events = [(e.start, 0, e) for e in period.episodes[1:]] + [(a.start, 1, a) for a in period.allocations[1:]]
    for _, kind, event in sorted(events, key=lambda x: (x[0], x[1])):
        if kind == 0:
            services.episode_change(
                child=child,
                by=by,
                changed_on=event.start,
                reason_new_episode=event.reason,
                today=today,
                **_episode_facts(event, period),
            )
        else:
            services.allocation_change(
                child=child, by=by, iro=iros[event.iro], starts_on=event.start, reason=event.reason, today=today
            )
    if period.end is not None:
        services.care_period_end(
            child=child, by=by, ended_on=period.end, reason_ceased=period.reason_ceased, today=today
        )


def record_ssda903_details(written: dict[int, ChildPlan], *, today: date) -> None:
    """The SSDA903 details the services do not take yet, for every child written (id → plan),
    straight to the rows: the date an unaccompanied child's UASC status ceases, each child's
    motherhood and previous permanence, each episode's URN and the reason for the change of
    placement that ended it. Checked first, all at once, by the rules every writer applies."""
    _check_ssda903_details(written.values(), today=today)
    children = list(Child.objects.filter(pk__in=written))
    for child in children:
        plan = written[child.pk]
        child.uasc_ceased_on = plan.uasc_ceased_on
        child.is_mother = plan.is_mother
        child.mother_child_dob = plan.mother_child_dob
        child.previous_permanence = plan.previous_permanence
        child.previous_permanence_la = plan.previous_permanence_la
        child.previous_permanence_date = plan.previous_permanence_date
    Child.objects.bulk_update(
        children,
        [
            "uasc_ceased_on",
            "is_mother",
            "mother_child_dob",
            "previous_permanence",
            "previous_permanence_la",
            "previous_permanence_date",
        ],
        batch_size=500,
    )
    rows: dict[int, list[CareEpisode]] = {}
    for row in CareEpisode.objects.filter(child_id__in=written).order_by("child_id", "started_on", "pk"):
        rows.setdefault(row.child_id, []).append(row)
    for child_id, episodes in rows.items():
        planned = [e for period in written[child_id].periods for e in period.episodes]
        for row, e in zip(episodes, planned, strict=True):
            row.urn = e.placement.urn
            row.reason_place_change = e.reason_place_change
    CareEpisode.objects.bulk_update(
        [row for episodes in rows.values() for row in episodes], ["urn", "reason_place_change"], batch_size=500
    )


def _check_ssda903_details(plans: Iterable[ChildPlan], *, today: date) -> None:
    """The rules ``Child.clean`` and the SSDA903 import apply to these details, for every plan
    before any is written: motherhood (``children.rules.motherhood_broken``) and no date of
    UASC status ceasing that has not come yet (``require_not_future``)."""
    for plan in plans:
        broken = motherhood_broken(
            sex=plan.sex,
            is_mother=plan.is_mother,
            mother_child_dob=plan.mother_child_dob,
            date_of_birth=plan.date_of_birth,
        )
        if broken:
            raise ValidationError({b.field: b.message for b in broken})
        if plan.uasc_ceased_on is not None:
            require_not_future(plan.uasc_ceased_on, today=today, field="uasc_ceased_on")


def _episode_facts(episode: EpisodePlan, period: PeriodPlan) -> dict:
    return {
        "legal_status": episode.legal_status,
        "placement_type": episode.placement.type,
        "placement_provider": episode.placement.provider,
        "category_of_need": period.category_of_need,
        "placement_postcode": episode.placement.postcode,
        "home_postcode": period.home_postcode,
        "distance_from_home_miles": episode.placement.distance,
    }


@dataclass
class DemoResult:
    users: dict
    children: int


def build(*, rng: random.Random, today: date, children_in_care: int = DEFAULT_CHILDREN_IN_CARE) -> DemoResult:
    """Create the whole demo authority. Call inside ``transaction.atomic()`` on an empty database."""
    users = create_staff()
    iros = [users[s.username] for s in IRO_STAFF]
    ftes = [float(s.fte) for s in IRO_STAFF]
    manager = users[MANAGER_USERNAME]
    plans = plan_children(rng, today=today, children_in_care=children_in_care, ftes=ftes)
    sibling_groups: dict[str, SiblingGroup] = {}
    written = {
        write_child(plan, by=manager, iros=iros, today=today, sibling_groups=sibling_groups).pk: plan for plan in plans
    }
    record_ssda903_details(written, today=today)
    # A fortnight's leave last year, and the cover in place today (return date not yet known).
    services.cover_grant(
        by=manager,
        absent_iro=users["iro1"],
        covering_iro=users["iro3"],
        starts_on=today - in_days(200),
        ends_on=today - in_days(187),
        reason="Annual leave",
    )
    services.cover_grant(
        by=manager,
        absent_iro=users[COVER_ABSENT],
        covering_iro=users[COVER_COVERING],
        starts_on=today - in_days(6),
        ends_on=None,
        reason="Leave; return date to be confirmed",
    )
    return DemoResult(users=users, children=len(plans))
