"""Codes for reviews: SSDA903 REVIEW_CODE participation (docs/rules.md#participation)."""

from django.db import models


class Participation(models.TextChoices):
    PN0 = "PN0", "Child aged under 4 at the time of the review"
    PN1 = "PN1", "Child physically attends and speaks for themselves"
    PN2 = "PN2", "Child physically attends and an advocate speaks on their behalf"
    PN3 = "PN3", "Child attends and conveys their view symbolically (non-verbally)"
    PN4 = "PN4", "Child physically attends but does not speak, convey views symbolically or ask an advocate to speak"
    PN5 = "PN5", "Child does not attend but briefs an advocate to speak for them"
    PN6 = "PN6", "Child does not attend but conveys their views by another medium (views sent, app, carer, letter)"
    PN7 = "PN7", "Child does not attend and their views are not conveyed"


#: PN0 is valid only for a child under 4 on the review date, and a child under 4 must have PN0.
PN0_AGE_LIMIT = 4


class ReviewType(models.TextChoices):
    FIRST = "first", "First review"
    SECOND = "second", "Second review"
    SUBSEQUENT = "subsequent", "Subsequent review"
    ADDITIONAL = "additional", "Additional or early review"


class ReviewStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class ReviewSource(models.TextChoices):
    RECORDED = "recorded", "Recorded here"
    SSDA903 = "ssda903", "Imported from the SSDA903 return"


class ParticipantRole(models.TextChoices):
    CHILD = "child", "Child"
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Other person with parental responsibility"
    CARER = "carer", "Carer"
    SOCIAL_WORKER = "social_worker", "Social worker"
    ADVOCATE = "advocate", "Advocate"
    OTHER = "other", "Other"


def role_labels(codes: list[str]) -> list[str]:
    """The ``ParticipantRole`` labels of ``codes`` (``Review.invited``, ``attended``): "Social
    worker", never ``social_worker``."""
    labels = dict(ParticipantRole.choices)
    return [str(labels.get(code, code.replace("_", " ").capitalize())) for code in codes]


class ParentParticipation(models.TextChoices):
    """How the parents took part (docs/sources.md#thurrock-2021-22: parents are invited, consulted
    and receive the record)."""

    ATTENDED = "attended", "Attended and gave their views"
    VIEWS_GIVEN = "views_given", "Did not attend but gave their views"
    INVITED_NO_VIEWS = "invited_no_views", "Invited but did not attend or give views"
    NOT_INVITED = "not_invited", "Not invited (reason recorded)"
    NOT_APPLICABLE = "not_applicable", "Not applicable (for example, parents deceased)"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Not yet done"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done by the due date"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"


class DateChangeKind(models.TextChoices):
    POSTPONED = "postponed", "Postponed"
    BROUGHT_FORWARD = "brought_forward", "Brought forward"
    CANCELLED = "cancelled", "Cancelled"


class FlagKind(models.TextChoices):
    REVIEW_DUE_SOON = "review_due_soon", "Review due within 15 working days"
    REVIEW_OVERDUE = "review_overdue", "Review overdue"
    RECORD_OVERDUE = "record_overdue", "Review record not distributed in time"
    ACTION_OVERDUE = "action_overdue", "Action past its due date"
    # Swept by ``disputes.flags`` through the ``DEADLINE_SWEEPS`` setting (docs/rules.md#disputes).
    # Naming the kinds here imports nothing from ``disputes``. Values fit ``DeadlineFlag.kind``
    # (20 characters).
    DISPUTE_RESPONSE_OVERDUE = "dispute_resp_overdue", "Dispute response overdue"
    DISPUTE_OPEN_TOO_LONG = "dispute_too_long", "Dispute open too long"
    # Swept by ``conferences.flags`` (docs/rules.md#child-protection); the flag names the child's
    # conference chair, not their looked-after IRO. Labels no longer than the longest above, so
    # ``flag_deadlines`` prints its table as before.
    ICPC_OVERDUE = "cp_icpc_overdue", "Initial CP conference overdue"
    RCPC_OVERDUE = "cp_rcpc_overdue", "Review CP conference overdue"
    CP_MINUTES_LATE = "cp_minutes_late", "CP conference minutes late"
    CP_PLAN_LONG = "cp_plan_15_months", "CP plan of 15 months or more"
    CP_PLAN_REPEAT = "cp_plan_repeat", "Second or later CP plan"


class DistributedDocument(models.TextChoices):
    """The documents of a review sent out afterwards (docs/rules.md#after-the-review)."""

    RECORD = "record", "The review record"
    LETTER = "letter", "The letter to the child"


class DistributionMethod(models.TextChoices):
    POST = "post", "Post"
    EMAIL = "email", "Email"
    HANDED = "handed", "Handed over"
    PORTAL = "portal", "Secure portal"
