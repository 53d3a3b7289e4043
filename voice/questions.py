"""The questions of each form (``codes.FormKind``), and the one check of a submission's answers.

The forms are data, so the public pages (``voice.views.public``), the IRO's pages and the annual
report read the same questions. Every answer is optional except where ``required`` says: a
person may skip anything. Words for the child's versions aim at a reading age of about 9: short
sentences, everyday words, "you" and "your meeting" (docs/rules.md#the-childs-voice).

``clean_answers`` is the only way answers reach the database: it keeps the questions of the
link's own form, refuses unknown choices and over-long text, and drops everything else, so a
submission can never carry more than its own answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .codes import Attend, FormKind, HowGoing, YesNoSortOf

#: The longest free-text answer kept (characters); the form says so.
TEXT_LIMIT = 2000
#: The longest short-text answer (who they would like at the meeting).
SHORT_TEXT_LIMIT = 300

CHOICE = "choice"
TEXT = "text"
SHORT_TEXT = "short_text"
CONSENT = "consent"


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    kind: str
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    #: Shown only to the IRO who holds the child (never copied, never in a report).
    private: bool = False
    required: bool = False

    @property
    def limit(self) -> int:
        return SHORT_TEXT_LIMIT if self.kind == SHORT_TEXT else TEXT_LIMIT

    def label_of(self, value: str) -> str:
        return dict(self.choices).get(value, value)


@dataclass(frozen=True)
class Form:
    kind: str
    title: str
    intro: str
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def question(self, qid: str) -> Question:
        for question in self.questions:
            if question.id == qid:
                return question
        raise KeyError(qid)


HOW_GOING = tuple(HowGoing.choices)
YES_NO_SORT_OF = tuple(YesNoSortOf.choices)
ATTEND = tuple(Attend.choices)


def _going(qid: str, label: str, hint: str = "") -> tuple[Question, Question]:
    return (
        Question(qid, label, CHOICE, hint=hint, choices=HOW_GOING),
        Question(f"{qid}_more", "Tell us more if you want to", TEXT),
    )


#: The child's consultation, younger version.
CONSULT_CHILD = Form(
    FormKind.CONSULT_CHILD,
    "Your meeting is coming up",
    "Your IRO wants to know what you think before your meeting. You do not have to answer everything.",
    (
        *_going("home", "How are things where you live?"),
        *_going("school", "How are things at school?"),
        *_going("health", "How are you feeling?", hint="Are you well? Are you sleeping and eating well?"),
        *_going("friends", "How are things with your friends and family?"),
        Question("talk_about", "What do you want to talk about at your meeting?", TEXT),
        Question("attend", "Do you want to come to your meeting?", CHOICE, choices=ATTEND),
        Question("who", "Who would you like to be at your meeting?", SHORT_TEXT),
        Question(
            "private",
            "Is there anything you want only your IRO to know?",
            TEXT,
            hint="Your IRO will read this. They will not share it unless they are worried you are not safe.",
            private=True,
        ),
    ),
)

#: The child's consultation, young person's version.
CONSULT_YOUNG = Form(
    FormKind.CONSULT_YOUNG,
    "Your review is coming up",
    "Your Independent Reviewing Officer (IRO) wants to hear your views before your review. "
    "Answer as much or as little as you like.",
    (
        *_going("home", "How are things where you are living?"),
        *_going("school", "How are things at school, college or work?"),
        *_going("health", "How are you feeling, in your body and your mind?"),
        *_going("friends", "How are things with your friends and family?"),
        Question("talk_about", "What do you want your review to talk about?", TEXT),
        Question("attend", "Do you want to come to your review?", CHOICE, choices=ATTEND),
        Question("who", "Who would you like to be at your review?", SHORT_TEXT),
        Question(
            "private",
            "Is there anything you want only your IRO to know?",
            TEXT,
            hint="Your IRO will read this. They will only share it if they are worried about your safety.",
            private=True,
        ),
    ),
)

CONSULT_PARENT = Form(
    FormKind.CONSULT_PARENT,
    "Before the review",
    "The Independent Reviewing Officer (IRO) who chairs the review would like your views before it.",
    (
        *_going("going", "How do you think things are going for your child?"),
        Question("plan", "What do you think of the plan for your child?", TEXT),
        Question("talk_about", "What would you like the review to talk about?", TEXT),
        Question("attend", "Do you want to come to the review?", CHOICE, choices=ATTEND),
        Question("private", "Is there anything you want only the IRO to know?", TEXT, private=True),
    ),
)

CONSULT_CARER = Form(
    FormKind.CONSULT_CARER,
    "Before the review",
    "The Independent Reviewing Officer (IRO) who chairs the review would like your views before it.",
    (
        *_going("home", "How is the child getting on at home?"),
        *_going("school", "How is the child getting on at school or nursery?"),
        *_going("health", "How is the child's health?"),
        Question("talk_about", "What would you like the review to talk about?", TEXT),
        Question("attend", "Are you coming to the review?", CHOICE, choices=ATTEND),
        Question("private", "Is there anything you want only the IRO to know?", TEXT, private=True),
    ),
)

CONSULT_SOCIAL_WORKER = Form(
    FormKind.CONSULT_SOCIAL_WORKER,
    "Before the review",
    "The IRO would like your view of the care plan before the review. Your full report still goes "
    "to the IRO in the usual way.",
    (
        *_going("plan", "How is the care plan progressing?"),
        Question("talk_about", "What should the review focus on?", TEXT),
        Question("child_seen", "Have you talked with the child about the review?", CHOICE, choices=YES_NO_SORT_OF),
        Question("attend", "Are you coming to the review?", CHOICE, choices=ATTEND),
        Question("private", "Is there anything only the IRO should know?", TEXT, private=True),
    ),
)

#: Thurrock's three questions (docs/sources.md#thurrock-2021-22, section 11), asked of every child; the annual report
#: counts them (``reporting.figures.voice``).
KNOW_PLAN, INVOLVED, BETTER = "know_plan", "involved", "better"
REPORTED_QUESTIONS = (KNOW_PLAN, INVOLVED, BETTER)

SHARE_NAME = Question(
    "share_name",
    "Can your IRO know this is from you?",
    CONSENT,
    hint="If you do not tick this, your IRO will not be told who wrote it.",
)


def _feedback_child(kind: str, title: str, words: dict[str, str]) -> Form:
    return Form(
        kind,
        title,
        words["intro"],
        (
            Question(KNOW_PLAN, words[KNOW_PLAN], CHOICE, choices=YES_NO_SORT_OF),
            Question(INVOLVED, words[INVOLVED], CHOICE, choices=YES_NO_SORT_OF),
            Question(BETTER, words[BETTER], CHOICE, choices=YES_NO_SORT_OF),
            Question("felt", words["felt"], CHOICE, choices=HOW_GOING),
            Question("comment", words["comment"], TEXT),
            SHARE_NAME,
        ),
    )


FEEDBACK_CHILD = _feedback_child(
    FormKind.FEEDBACK_CHILD,
    "How was your meeting?",
    {
        "intro": "Tell us what you thought of your meeting. It helps us make meetings better.",
        KNOW_PLAN: "Do you know what is in the plan for you?",
        INVOLVED: "Did you help to make the plan?",
        BETTER: "Will the plan make things better for you?",
        "felt": "How did the meeting feel?",
        "comment": "Is there anything else you want to tell us?",
    },
)

FEEDBACK_YOUNG = _feedback_child(
    FormKind.FEEDBACK_YOUNG,
    "How was your review?",
    {
        "intro": "Tell us what you thought of your review. We use what young people say to improve reviews.",
        KNOW_PLAN: "Do you know what is in the plan for you and your family?",
        INVOLVED: "Were you involved in making the plan?",
        BETTER: "Do you think the plan will make things better for you?",
        "felt": "How did your review feel?",
        "comment": "Is there anything else you want to tell us about your review or your IRO?",
    },
)


def _feedback_adult(kind: str, about: str) -> Form:
    return Form(
        kind,
        "How was the review?",
        "Tell us what you thought of the review. We use what people say to improve reviews.",
        (
            Question("listened", f"Did you feel listened to as {about}?", CHOICE, choices=YES_NO_SORT_OF),
            Question(KNOW_PLAN, "Do you know what is in the child's plan?", CHOICE, choices=YES_NO_SORT_OF),
            Question(
                BETTER, "Do you think the plan will make things better for the child?", CHOICE, choices=YES_NO_SORT_OF
            ),
            Question("comment", "Is there anything else you want to tell us?", TEXT),
            Question(
                "share_name",
                "Can the IRO know this is from you?",
                CONSENT,
                hint="If you do not tick this, the IRO will not be told who wrote it.",
            ),
        ),
    )


FEEDBACK_PARENT = _feedback_adult(FormKind.FEEDBACK_PARENT, "a parent")
FEEDBACK_CARER = _feedback_adult(FormKind.FEEDBACK_CARER, "a carer")

FORMS: dict[str, Form] = {
    form.kind: form
    for form in (
        CONSULT_CHILD,
        CONSULT_YOUNG,
        CONSULT_PARENT,
        CONSULT_CARER,
        CONSULT_SOCIAL_WORKER,
        FEEDBACK_CHILD,
        FEEDBACK_YOUNG,
        FEEDBACK_PARENT,
        FEEDBACK_CARER,
    )
}


def clean_answers(form_kind: str, data: dict[str, object]) -> dict[str, object]:
    """The answers of ``form_kind`` in ``data``, checked: a choice must be one of the question's,
    text at most its limit (stripped), a consent a boolean; blank answers and keys that are not
    the form's questions are dropped. Raises ``ValidationError`` naming each bad question."""
    form = FORMS[form_kind]
    answers: dict[str, object] = {}
    errors: dict[str, str] = {}
    for question in form.questions:
        value = data.get(question.id)
        if question.kind == CONSENT:
            if value not in (None, "", False, True, "on", "yes", "true"):
                errors[question.id] = "Tick the box or leave it empty."
            elif value in (True, "on", "yes", "true"):
                answers[question.id] = True
            continue
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[question.id] = "Give your answer as text."
            continue
        value = value.strip()
        if not value:
            if question.required:
                errors[question.id] = f"Answer: {question.label}"
            continue
        if question.kind == CHOICE:
            if value not in dict(question.choices):
                errors[question.id] = f"Choose one of the answers to: {question.label}"
                continue
        elif len(value) > question.limit:
            errors[question.id] = f"Your answer must be {question.limit:,} characters or fewer."
            continue
        answers[question.id] = value
    if errors:
        raise ValidationError(errors)
    return answers


def shown_answers(form_kind: str, answers: dict[str, object], *, private: bool) -> list[tuple[Question, str]]:
    """The answers given, in the form's order, each with its question and the words shown
    (a choice's label); the private ones only if ``private``."""
    form = FORMS[form_kind]
    rows: list[tuple[Question, str]] = []
    for question in form.questions:
        if question.id not in answers or (question.private and not private):
            continue
        value = answers[question.id]
        if question.kind == CONSENT:
            rows.append((question, "Yes" if value else "No"))
        else:
            rows.append((question, question.label_of(str(value))))
    return rows
