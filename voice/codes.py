"""The codes of consultation and feedback (docs/rules.md#the-childs-voice)."""

from __future__ import annotations

from django.db import models


class Purpose(models.TextChoices):
    #: Before the review: how things are going and what the review should talk about.
    CONSULTATION = "consultation", "Consultation before the review"
    #: After the review: how it felt and whether the plan will help (Thurrock's questions).
    FEEDBACK = "feedback", "Feedback after the review"


class Respondent(models.TextChoices):
    CHILD = "child", "The child"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SOCIAL_WORKER = "social_worker", "Social worker"


class FormKind(models.TextChoices):
    """One form of questions (``voice.questions.FORMS``): the purpose, who answers and, for the
    child, the version for their age (``VOICE_YOUNG_PERSON_AGE``)."""

    CONSULT_CHILD = "consult-child", "Consultation: younger child"
    CONSULT_YOUNG = "consult-young", "Consultation: young person"
    CONSULT_PARENT = "consult-parent", "Consultation: parent"
    CONSULT_CARER = "consult-carer", "Consultation: carer"
    CONSULT_SOCIAL_WORKER = "consult-sw", "Consultation: social worker"
    FEEDBACK_CHILD = "feedback-child", "Feedback: younger child"
    FEEDBACK_YOUNG = "feedback-young", "Feedback: young person"
    FEEDBACK_PARENT = "feedback-parent", "Feedback: parent"
    FEEDBACK_CARER = "feedback-carer", "Feedback: carer"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    #: A printed letter with the link and its QR code (the IRO posts it or hands it over).
    LETTER = "letter", "Letter with a QR code"


class YesNoSortOf(models.TextChoices):
    """Thurrock's answers (docs/sources.md#thurrock-2021-22, section 11)."""

    YES = "yes", "Yes"
    NO = "no", "No"
    SORT_OF = "sort_of", "Sort of"


class HowGoing(models.TextChoices):
    GOOD = "good", "Good"
    OK = "ok", "OK"
    NOT_GOOD = "not_good", "Not good"


class Attend(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure yet"


class FeedbackAgeBand(models.TextChoices):
    """The age bands the annual report splits children's feedback by (the child's age on the
    review date)."""

    UNDER_11 = "under_11", "Under 11"
    FROM_11_TO_15 = "11_15", "11 to 15"
    FROM_16 = "16_plus", "16 and over"


def feedback_age_band(age: int | None) -> str:
    if age is None:
        return ""
    if age < 11:
        return FeedbackAgeBand.UNDER_11
    if age < 16:
        return FeedbackAgeBand.FROM_11_TO_15
    return FeedbackAgeBand.FROM_16


#: The form each respondent gets, by purpose; the child's depends on their age (``form_for``).
_FORMS: dict[tuple[str, str], str] = {
    (Purpose.CONSULTATION, Respondent.PARENT): FormKind.CONSULT_PARENT,
    (Purpose.CONSULTATION, Respondent.CARER): FormKind.CONSULT_CARER,
    (Purpose.CONSULTATION, Respondent.SOCIAL_WORKER): FormKind.CONSULT_SOCIAL_WORKER,
    (Purpose.FEEDBACK, Respondent.PARENT): FormKind.FEEDBACK_PARENT,
    (Purpose.FEEDBACK, Respondent.CARER): FormKind.FEEDBACK_CARER,
}


def form_for(purpose: str, respondent: str, *, age: int | None, young_person_age: int) -> str:
    """The form a respondent is sent: a child of ``young_person_age`` or more gets the young
    person's version. Feedback is not asked of social workers (they are the service)."""
    if respondent == Respondent.CHILD:
        young = age is not None and age >= young_person_age
        if purpose == Purpose.CONSULTATION:
            return FormKind.CONSULT_YOUNG if young else FormKind.CONSULT_CHILD
        return FormKind.FEEDBACK_YOUNG if young else FormKind.FEEDBACK_CHILD
    try:
        return _FORMS[(purpose, respondent)]
    except KeyError:
        raise ValueError(f"No {purpose} form for {respondent}") from None


def purpose_of(form_kind: str) -> str:
    return Purpose.CONSULTATION if form_kind.startswith("consult") else Purpose.FEEDBACK
