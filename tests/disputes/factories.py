"""Helpers for dispute tests."""

from __future__ import annotations

import datetime as dt

from disputes import services
from tests.factories import make_child_in_care

TODAY = dt.date(2026, 11, 23)

#: What a referral to CAFCASS must show (docs/rules.md#disputes).
CAFCASS_EVIDENCE = {
    "stages_exhausted_evidence": "Stages 1 to 6 tried; the chief executive did not respond in 8 weeks.",
    "human_rights_risk_evidence": "Contact with her brother has stopped: Article 8.",
    "no_other_adult_evidence": "No parent or relative is able to bring proceedings.",
}


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


def open_dispute(child, by, today, **overrides):
    """A dispute at stage 1, raised a week before ``today``, with change asked for within 30 days."""
    fields = {
        "raised_on": today - dt.timedelta(days=7),
        "change_by_when": today + dt.timedelta(days=30),
        "today": today,
    }
    return raise_dispute(child, by, **{**fields, **overrides})


def child_in_care_a_year(*, iro, today, **child_fields):
    """A child looked after for the last 365 days, allocated to ``iro``: old enough for any dispute."""
    return make_child_in_care(iro=iro, looked_after_on=today - dt.timedelta(days=365), **child_fields)
