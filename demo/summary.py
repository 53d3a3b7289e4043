"""Figures about the demo authority as built, for ``seed_demo`` to print."""

from __future__ import annotations

from datetime import date

from children.models import CareEpisode, Child, CoverArrangement, IROAllocation, IROProfile, SiblingGroup
from children.querysets import years_before

from .placements import ADOPTION, FOSTER
from .shape import HISTORY_YEARS


def summary(*, today: date) -> dict:
    """Figures about the demo authority on ``today``, for the command to print."""
    in_care = list(Child.objects.in_care().order_by("pk"))
    open_episodes = {e.child_id: e for e in CareEpisode.objects.open()}
    window_start = years_before(today, HISTORY_YEARS)
    year_start = years_before(today, 1)
    episodes_by_child: dict[int, list[CareEpisode]] = {}
    for e in CareEpisode.objects.order_by("child_id", "started_on", "pk"):
        episodes_by_child.setdefault(e.child_id, []).append(e)
    three_or_more = _three_or_more_placements(in_care, episodes_by_child, year_start=year_start)
    bands = {"under 1": (0, 0), "1-4": (1, 4), "5-9": (5, 9), "10-15": (10, 15), "16-17": (16, 17)}
    ages = [c.age_on(today) for c in in_care]
    legal, placement_groups = _legal_statuses_and_placements(in_care, open_episodes)
    return {
        "children": Child.objects.count(),
        "in_care": len(in_care),
        "left_care": CareEpisode.objects.exclude(reason_ceased__in=["", "X1"])
        .filter(ended_on__gte=window_start)
        .count(),
        "reentered": sum(1 for eps in episodes_by_child.values() if sum(e.reason_new_episode == "S" for e in eps) > 1),
        "uasc": sum(c.is_uasc for c in in_care),
        "boys": sum(c.sex == "M" for c in in_care),
        "ages": {name: sum(lo <= a <= hi for a in ages) for name, (lo, hi) in bands.items()},
        "legal": dict(sorted(legal.items(), key=lambda kv: -kv[1])),
        "placements": dict(sorted(placement_groups.items(), key=lambda kv: -kv[1])),
        "far_from_home": sum(open_episodes[c.pk].is_far_from_home for c in in_care),
        "three_or_more_placements": three_or_more,
        "sibling_groups": SiblingGroup.objects.count(),
        "in_sibling_groups": Child.objects.filter(sibling_group__isnull=False).count(),
        "episodes": CareEpisode.objects.count(),
        "allocations": IROAllocation.objects.looked_after().count(),
        "reallocations": IROAllocation.objects.looked_after().exclude(reason="Became looked after").count(),
        "cover_from": CoverArrangement.objects.active(on=today).order_by("starts_on").last().starts_on,
        "caseloads": [
            (p.user.username, p.user.get_full_name(), p.fte, p.caseload, p.band)
            for p in IROProfile.objects.with_caseload(on=today).order_by("user__username")
        ],
    }


def _three_or_more_placements(in_care: list[Child], episodes_by_child: dict, *, year_start: date) -> int:
    """Children in care today with three or more placements in the last 12 months."""
    three_or_more = 0
    for child in in_care:
        in_year = [e for e in episodes_by_child[child.pk] if e.ended_on is None or e.ended_on > year_start]
        placements = len(in_year) - sum(1 for e in in_year if e.started_on > year_start and e.reason_new_episode == "L")
        three_or_more += placements >= 3
    return three_or_more


def _legal_statuses_and_placements(in_care: list[Child], open_episodes: dict) -> tuple[dict, dict]:
    """Children in care today by legal status and by kind of placement."""
    legal: dict[str, int] = {}
    placement_groups: dict[str, int] = {}
    for child in in_care:
        e = open_episodes[child.pk]
        key = {"C1": "care order", "C2": "care order", "V2": "section 20", "E1": "placement order"}.get(
            e.legal_status, e.legal_status
        )
        legal[key] = legal.get(key, 0) + 1
        group = (
            "foster care"
            if e.placement_type in FOSTER
            else ("placed for adoption" if e.placement_type in ADOPTION else e.placement_type)
        )
        placement_groups[group] = placement_groups.get(group, 0) + 1
    return legal, placement_groups
