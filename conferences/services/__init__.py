"""Every change to child protection work goes through these services (docs/rules.md#child-protection).

``requests``: a request for an initial conference, the chair's allocation, booking, moving and
cancelling conferences. ``record``: a conference held, each child's decision and plan, the
core group, the plan's actions, and the minutes.
"""

from .distribution import MinutesSentInput, conference_minutes_sent_record, minutes_distribution_list
from .record import (
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
from .requests import (
    chairs,
    conference_allocate_chair,
    conference_book,
    conference_booking_warnings,
    conference_cancel,
    conference_move,
    conference_request,
    family_chair,
    family_plans,
    review_conference_book,
)

__all__ = [
    "MinutesSentInput",
    "conference_minutes_sent_record",
    "minutes_distribution_list",
    "AttendeeInput",
    "PlaceInput",
    "PlaceRefused",
    "PlanActionInput",
    "conference_minutes_complete",
    "conference_minutes_distribute",
    "conference_record",
    "core_group_member_add",
    "core_group_member_leave",
    "plan_action_update",
    "chairs",
    "conference_allocate_chair",
    "conference_book",
    "conference_booking_warnings",
    "conference_cancel",
    "conference_move",
    "conference_request",
    "family_chair",
    "family_plans",
    "review_conference_book",
]
