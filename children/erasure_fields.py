"""What anonymising a child's record does to each field that could identify them, and which
fields it keeps and why (docs/rules.md#retention; ``erasure.py`` carries it out).

A test fails for any free-text field of a model about a child that neither ``ANONYMISE`` nor
``KEPT`` lists, so a new field cannot be forgotten.
"""

from __future__ import annotations

from django.db.models import Case, CharField, DateField, Value, When
from django.db.models.functions import Cast, Concat, Substr, TruncMonth

#: Text that replaces a required free-text field (a check constraint refuses it empty).
REMOVED = "Removed when the record was anonymised (retention)."


def _first_of_month(name: str):
    return TruncMonth(name, output_field=DateField())


#: Anonymising: for each model (its history copies too), what replaces each field that could
#: identify the child. Dates of birth become the 1st of the month (ages stay right to the month);
#: everything a person typed is removed. Every other field stays: dates, codes and statuses feed
#: the statistics, and published figures must still add up.
ANONYMISE: dict[str, dict[str, object]] = {
    "children.Child": {
        "local_reference": Concat(Value("ANON-"), Cast("id", CharField())),
        "first_name": Value("Anonymised"),
        "last_name": Value("record"),
        "preferred_name": Value(""),
        "date_of_birth": _first_of_month("date_of_birth"),
        "upn": Value(""),
        "uasc_ceased_on": _first_of_month("uasc_ceased_on"),
        "mother_child_dob": _first_of_month("mother_child_dob"),
        "previous_permanence_date": Case(
            When(previous_permanence_date="", then=Value("")),
            default=Concat(Value("zz"), Substr("previous_permanence_date", 3)),
        ),
        "sibling_group": Value(None),
        "name_to_be_entered": Value(False),
        # What Child.save() makes of the names and reference above (children/search.py), so
        # the record is found as "anonymised" or by its new reference, and by nothing it held.
        "search_text": Concat(
            Value("anonymised record anon "), Cast("id", CharField()), Value(" anon"), Cast("id", CharField())
        ),
    },
    "children.CareEpisode": {"placement_postcode": Value(""), "home_postcode": Value(""), "urn": Value("")},
    "children.IROAllocation": {"reason": Value("")},
    "children.SignificantChange": {"description": Value(""), "iro_response": Value("")},
    # The people around the child: who they were to the child and when stay; who they are goes.
    "children.Contact": {
        "name": Value(REMOVED),
        "organisation": Value(""),
        "email": Value(""),
        "phone": Value(""),
        "address": Value(""),
        "notes": Value(""),
    },
    "reviews.Review": {
        "venue": Value(""),
        "others_present": Value(""),
        "wishes_and_feelings": Value(""),
        "child_friendly_summary": Value(""),
        "discussion": Value(""),
        "parents_not_invited_reason": Value(""),
    },
    "reviews.Action": {"description": Value(""), "owner": Value("")},
    "reviews.ReviewDateChange": {"reason": Value(REMOVED)},
    "reviews.Visit": {"notes": Value("")},
    "reviews.MidwayReview": {"notes": Value("")},
    "reviews.ActionProgress": {"note": Value("")},
    "reviews.CaseNote": {"text": Value("")},
    "reviews.Invitation": {"name": Value(REMOVED), "email": Value("")},
    "reviews.DocumentSent": {
        "name": Value(REMOVED),
        "not_sent_reason": Case(When(not_sent_reason="", then=Value("")), default=Value(REMOVED)),
    },
    "disputes.Dispute": {
        "issue": Value(""),
        "impact_on_child": Value(""),
        "what_must_change": Value(""),
        "change_by_whom": Value(""),
        "urgent_reason": Value(""),
        "outcome_note": Value(""),
    },
    "disputes.DisputeStep": {
        "recipient_name": Value(""),
        "recipient_role": Value(""),
        "response": Value(""),
        "attendees": Value(""),
        "minutes": Value(""),
        "bypass_reason": Value(""),
    },
    "disputes.CafcassReferral": {
        "stages_exhausted_evidence": Value(REMOVED),
        "human_rights_risk_evidence": Value(REMOVED),
        "no_other_adult_evidence": Value(REMOVED),
        "outcome_note": Value(""),
    },
    # Child protection work (docs/rules.md#child-protection): the child's place at each
    # conference, their plans, core group and plan actions keep their dates, categories,
    # decisions and codes; what people wrote and who the people were goes.
    "conferences.ConferenceChild": {"childs_views": Value("")},
    "conferences.ProtectionPlan": {"end_reason_detail": Value("")},
    "conferences.CoreGroupMember": {"name": Value(REMOVED), "role": Value("")},
    "conferences.PlanAction": {"description": Value(REMOVED), "owner": Value(REMOVED)},
    # Who was sent the minutes: the person's name and role go; the method and the dates stay.
    "conferences.MinutesSent": {
        "name": Value(REMOVED),
        "role": Value(""),
        "not_sent_reason": Case(When(not_sent_reason="", then=Value("")), default=Value(REMOVED)),
    },
    # A conference is held for a family, so it is shared by brothers and sisters and the walk
    # above never reaches it (no foreign key from it to a child). ``conferences.erasure`` blanks
    # these fields of a family's conference, and its invitees, only once none of its children
    # keeps a record that is not anonymised: while a sibling's record stays, the conference is
    # theirs too (the minutes and the family name are about them as well).
    "conferences.Conference": {
        "family_name": Value("Anonymised"),
        "social_worker": Value(""),
        "social_work_team": Value(""),
        "venue": Value(""),
        "minutes": Value(""),
        "cancel_reason": Value(""),
    },
    "conferences.ConferenceAttendee": {"name": Value(REMOVED), "role": Value("")},
}

#: Free-text, JSON and (on the child) date fields anonymising keeps, with the reason.
KEPT: dict[str, dict[str, str]] = {
    "children.Child": {
        "previous_permanence_la": "a local authority's code",
        "archived_at": "when the record was archived: not about the person",
        "anonymised_at": "when the record was anonymised",
        "created_at": "when the record was made",
        "updated_at": "when the record was last changed",
        "reviews_known_from": "the start of an imported return's year: not about the person",
    },
    "reviews.Review": {"invited": "role codes", "attended": "role codes"},
    "reviews.Invitation": {"role": "a role code"},
    "reviews.ReviewDue": {
        "rule": "a rule code",
        "reason": "the rule's wording with dates; the name is a {name} placeholder",
    },
    "reviews.ReviewSchedule": {
        "next_rule": "a rule code",
        "next_reason": "the rule's wording with dates; the name is a {name} placeholder",
    },
    "reviews.DeadlineFlag": {"key": "a machine key of kinds, ids and dates"},
    "conferences.ProtectionPlan": {
        "initial_category": "a CIN census category code",
        "latest_category": "a CIN census category code",
        "next_review_rule": "a rule code",
        "next_review_reason": "the rule's wording with dates; no name",
    },
    "conferences.Conference": {
        "due_rule": "a rule code",
        "due_reason": "the rule's wording with dates; no name",
    },
}

# --- The child's voice (docs/rules.md#the-childs-voice) ------------------------------------------
# A link loses who it went to and where; an answer keeps its choices and loses its text answers
# (``voice.erasure``, a CHILD_SHARED_ROW_STEPS step, since one JSON value holds both); a quote
# chosen for a report loses its words. Destroying removes them with the rest of the record.
ANONYMISE.update(
    {
        "voice.VoiceLink": {
            "name": Value(REMOVED),
            "sent_to": Value(""),
            "delivery_reference": Value(""),
            "delivery_error": Value(""),
        },
        "voice.FeedbackQuote": {"text": Value(REMOVED), "attribution": Value("")},
    }
)
KEPT.update(
    {
        "voice.VoiceLink": {
            "token_hash": "the hash of a random token: it names nobody, and the link is closed",
            "revoked_reason": "fixed wording (revoked by the IRO, replaced by a new link)",
        },
        "voice.VoiceResponse": {
            "answers": "the choice answers the annual report counts; voice.erasure drops every text answer",
        },
        "voice.FeedbackQuote": {"year_label": "a reporting year's label"},
    }
)
