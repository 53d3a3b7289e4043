"""Every change to child protection work goes through these services (docs/rules.md#child-protection).

``requests``: a request for an initial conference, the chair's allocation, booking, moving and
cancelling conferences. ``record``: a conference held, each child's decision and plan, the
core group, the plan's actions, and the minutes.
"""

from .record import (  # noqa: F401
    AttendeeInput,
    PlaceInput,
    PlaceRefused,
    PlanActionInput,
    conference_minutes_complete,
    conference_minutes_distribute,
    conference_record,
    core_group_member_add,
    core_group_member_leave,
    plan_action_update,
)
