"""Codes for the dispute resolution process (docs/rules.md#disputes; docs/sources.md#thurrock-2011 Appendix One)."""

from django.db import models


class DisputeCategory(models.TextChoices):
    """The issues docs/sources.md#thurrock-2011 lists as reasons to start the process."""

    REVIEW_PREPARATION = "review_preparation", "Preparation for the review"
    DECISIONS_TIMESCALE = "decisions_timescale", "Decisions not carried out within timescale"
    ASSESSMENTS = "assessments", "Assessments"
    ANTI_OPPRESSIVE = "anti_oppressive", "Anti-oppressive practice"
    DRIFT = "drift", "Drift in the care plan"
    PERMANENCE = "permanence", "Permanence and family finding"
    HEALTH = "health", "Health provision"
    EDUCATION = "education", "Education provision"
    PLACEMENT = "placement", "Placement choice or standard of care"
    CARE_PLAN = "care_plan", "Endorsing the care plan"


class ResponseKind(models.TextChoices):
    NONE = "none", "No response date set (informal discussion)"
    WRITTEN = "written", "Written response within a number of working days"
    MEETING = "meeting", "Minuted meeting"
    REFERRAL = "referral", "Formal referral"


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved to the IRO's satisfaction"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REFERRED = "referred", "Referred to CAFCASS"


class CafcassOutcome(models.TextChoices):
    PENDING = "pending", "Awaiting CAFCASS"
    NO_ACTION = "no_action", "CAFCASS took no further action"
    RESOLVED_BY_LA = "resolved_by_la", "Resolved by the local authority after referral"
    PROCEEDINGS = "proceedings", "CAFCASS started legal proceedings"
