"""The codes of child protection work (docs/rules.md#child-protection; Working Together to
Safeguard Children; the DfE's CIN census for the abuse categories)."""

from __future__ import annotations

from django.db import models

from reviews.codes import ParentParticipation as _ReviewParentParticipation


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    REVIEW = "review", "Review child protection conference"


class ConferenceStatus(models.TextChoices):
    #: An initial conference the social work team asked for; no chair or date yet.
    REQUESTED = "requested", "Requested"
    BOOKED = "booked", "Booked"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class AbuseCategory(models.TextChoices):
    """The categories of abuse of a child protection plan, valued as the CIN census codes them
    (``MUL``, multiple, is what the census reports when a service records more than one)."""

    EMOTIONAL = "EMO", "Emotional abuse"
    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"


#: The CIN census code for more than one category.
MULTIPLE_CATEGORIES = "MUL"

#: ``ConferenceChild`` field per category.
CATEGORY_FIELDS = {
    AbuseCategory.EMOTIONAL: "category_emotional",
    AbuseCategory.NEGLECT: "category_neglect",
    AbuseCategory.PHYSICAL: "category_physical",
    AbuseCategory.SEXUAL: "category_sexual",
}


class Outcome(models.TextChoices):
    """What a conference decided for one child: at an initial conference, a plan or not; at a
    review conference, the plan continues or ends."""

    PLAN = "plan", "Child protection plan"
    NO_PLAN = "no_plan", "No child protection plan"
    CONTINUES = "continues", "Plan continues"
    ENDS = "ends", "Plan ends"


INITIAL_OUTCOMES = (Outcome.PLAN, Outcome.NO_PLAN)
REVIEW_OUTCOMES = (Outcome.CONTINUES, Outcome.ENDS)


class PlanEndReason(models.TextChoices):
    STEP_DOWN = "step_down", "Stepped down to child in need"
    INTO_CARE = "into_care", "Became looked after"
    MOVED_AWAY = "moved_away", "Moved to another local authority"
    NO_FURTHER_ACTION = "no_further_action", "No further action needed"
    ADULT = "adult", "Turned 18"
    OTHER = "other", "Other (reason recorded)"


class Agency(models.TextChoices):
    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    SCHOOL = "school", "School or education"
    PARENT = "parent", "Parent or carer"
    CHILD = "child", "The child"
    ADVOCATE = "advocate", "Advocate"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class ChildParticipation(models.TextChoices):
    """How the child took part in a conference (the annual report counts these)."""

    ATTENDED = "attended", "Attended and spoke for themselves"
    ADVOCATE = "advocate", "An advocate spoke for them"
    VIEWS_CONVEYED = "views_conveyed", "Did not attend; views conveyed another way"
    NOT_CONVEYED = "not_conveyed", "Did not attend; views not conveyed"
    TOO_YOUNG = "too_young", "Too young to take part"


#: Parents' participation uses a looked-after review's words and codes.
ParentParticipation = _ReviewParentParticipation
