"""What anonymising a child's record does to the answers given about them
(docs/rules.md#retention, docs/rules.md#the-childs-voice), for ``children.erasure`` through the
``CHILD_SHARED_ROW_STEPS`` setting (children never imports voice).

The walk of ``children.erasure`` finds the child's links, answers and chosen quotes like any
other row about the child: destroying removes them with the rest of the record, and anonymising
blanks the fields ``children.erasure_fields.ANONYMISE`` lists (who a link went to and where, the
words of a quote). An answer's ``answers`` is one JSON value holding both kinds of answer, which
no single expression splits on every database: this step, run after the walk, keeps the choice
and consent answers (the annual report counts them, and published figures must still add up)
and drops every text answer, in the answers and in their history copies.
"""

from __future__ import annotations

from collections.abc import Callable

from simple_history.utils import get_history_model_for_model

from iro_service.models import SanctionedErasure

from .models import VoiceResponse
from .questions import CHOICE, CONSENT, FORMS

ANONYMISE_ACTION = "anonymise"


def kept_answers(form_kind: str, answers: dict) -> dict:
    """The answers of ``form_kind`` that are a choice or a tick: never words a person typed."""
    form = FORMS.get(form_kind)
    if form is None or not isinstance(answers, dict):
        return {}
    kinds = {question.id: question.kind for question in form.questions}
    return {key: value for key, value in answers.items() if kinds.get(key) in (CHOICE, CONSENT)}


def _strip(model, rows) -> int:
    changed = 0
    for pk, form_kind, answers in rows:
        kept = kept_answers(form_kind, answers)
        if kept != answers:
            changed += SanctionedErasure.update(model._base_manager.filter(pk=pk), answers=kept)
    return changed


def _anonymise(child_pk: int) -> dict[str, int]:
    history = get_history_model_for_model(VoiceResponse)
    answers = VoiceResponse._base_manager.filter(child_id=child_pk).values_list("pk", "form_kind", "answers")
    copies = history._base_manager.filter(child_id=child_pk).values_list("history_id", "form_kind", "answers")
    return {
        "voice.VoiceResponse (text answers)": _strip(VoiceResponse, answers),
        "voice.HistoricalVoiceResponse (text answers)": _strip(history, copies),
    }


def child_answers(*, child_pk: int, action: str) -> Callable[[], dict[str, int]]:
    """Called before the child's rows change; returns what to run after: on anonymising, drop
    the text answers (destroying needs nothing more: the walk deletes the rows)."""
    if action != ANONYMISE_ACTION:
        return dict
    return lambda: _anonymise(child_pk)
