"""Helpers for dispute tests."""

from __future__ import annotations

import datetime as dt

from disputes import services

TODAY = dt.date(2026, 11, 23)


def raise_dispute(child, by, *, start_stage=1, raised_on=dt.date(2026, 11, 2), **overrides):
    fields = {
        "child": child,
        "by": by,
        "category": "drift",
        "issue": "The permanence plan has not progressed since the last review.",
        "impact_on_child": "Uncertainty about where the child will grow up.",
        "what_must_change": "Family finding to start.",
        "change_by_whom": "Team manager",
        "change_by_when": dt.date(2026, 12, 18),
        "start_stage": start_stage,
        "raised_on": raised_on,
        "today": TODAY,
    }
    fields.update(overrides)
    return services.dispute_raise(**fields)
