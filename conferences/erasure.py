"""What anonymising or destroying one child's record does to the conferences of their family
(docs/rules.md#retention, docs/rules.md#child-protection), for ``children.erasure`` through the
``CHILD_SHARED_ROW_STEPS`` setting (children never imports conferences).

The child's own rows (their place at each conference, their plans, core group and plan actions)
are found and changed by the walk of ``children.erasure`` like any other row about the child. A
``Conference`` and its ``ConferenceAttendee`` rows are the family's: brothers and sisters share
them, so the walk never reaches them. The rule:

* while another child of the conference keeps a record that is not anonymised, the conference
  and its invitees stay as they are: they are that child's record too (anonymising one child
  never blanks a sibling's data);
* once none does (every child of it anonymised, or destroyed), the conference's free text and
  who was invited are blanked as ``children.erasure_fields.ANONYMISE`` says, history copies and
  the audit detail about it too; dates, kinds, statuses and decisions stay for the statistics;
* once no child is left at it at all (every one destroyed), the conference, its invitees, its
  history and the audit events about it are deleted.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Value
from simple_history.utils import get_history_model_for_model

from children.erasure_fields import ANONYMISE
from iro_service.models import AuditEvent, SanctionedErasure

from .models import Conference, ConferenceAttendee, ConferenceChild

DESTROY, ANONYMISE_ACTION = "destroy", "anonymise"


def _events(conference_ids: set[int]):
    return AuditEvent.objects.filter(
        object_type=Conference._meta.label, object_id__in=[str(pk) for pk in conference_ids]
    )


def _anonymise(conference_ids: set[int]) -> dict[str, int]:
    if not conference_ids:
        return {}
    history = get_history_model_for_model(Conference)
    values = ANONYMISE["conferences.Conference"]
    return {
        "conferences.Conference": SanctionedErasure.update(
            Conference._base_manager.filter(pk__in=conference_ids), **values
        ),
        "conferences.HistoricalConference": SanctionedErasure.update(
            history._base_manager.filter(id__in=conference_ids), history_change_reason=Value(None), **values
        ),
        "conferences.ConferenceAttendee": SanctionedErasure.update(
            ConferenceAttendee._base_manager.filter(conference_id__in=conference_ids),
            **ANONYMISE["conferences.ConferenceAttendee"],
        ),
        "iro_service.AuditEvent (conferences)": SanctionedErasure.update(
            _events(conference_ids), summary="Detail removed when the record was anonymised", changes={}
        ),
    }


def _delete(conference_ids: set[int]) -> dict[str, int]:
    if not conference_ids:
        return {}
    history = get_history_model_for_model(Conference)
    return {
        "conferences.ConferenceAttendee": SanctionedErasure.delete(
            ConferenceAttendee._base_manager.filter(conference_id__in=conference_ids)
        ),
        "conferences.HistoricalConference": SanctionedErasure.delete(
            history._base_manager.filter(id__in=conference_ids)
        ),
        "iro_service.AuditEvent (conferences)": SanctionedErasure.delete(_events(conference_ids)),
        "conferences.Conference": SanctionedErasure.delete(Conference._base_manager.filter(pk__in=conference_ids)),
    }


def family_conferences(*, child_pk: int, action: str) -> Callable[[], dict[str, int]]:
    """Called before the child's rows change: notes the conferences the child was at, and
    returns what to do to them once the child's rows are anonymised or deleted (the rule above),
    which returns the rows changed, by kind."""
    conference_ids = set(
        ConferenceChild._base_manager.filter(child_id=child_pk).values_list("conference_id", flat=True)
    )

    def finish() -> dict[str, int]:
        places = ConferenceChild._base_manager.filter(conference_id__in=conference_ids).exclude(child_id=child_pk)
        kept = set(places.filter(child__anonymised_at__isnull=True).values_list("conference_id", flat=True))
        left = set(places.values_list("conference_id", flat=True))
        no_record_kept = conference_ids - kept
        outcome = _anonymise(no_record_kept & left if action == DESTROY else no_record_kept)
        if action == DESTROY:
            for label, count in _delete(conference_ids - left).items():
                outcome[label] = outcome.get(label, 0) + count
        return outcome

    return finish
