"""Two people editing the same record: the second save is refused and merged three ways
(what they started from, what they typed, what is saved now). Every field that differs is
listed; a field only the other person changed takes their value, so saving again keeps it; a
field both changed needs a choice before anything is saved. Each optimistically locked form
is driven as a browser would: the page's own form fields, hidden ones included, are posted."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from disputes import services as dispute_services
from disputes.models import Dispute
from iro_service import roles
from iro_service.locked_forms import BASE_FIELD
from iro_service.merge import (
    CONFLICT,
    ONLY_MINE,
    ONLY_THEIRS,
    SAME,
    UNCHANGED,
    three_way_merge,
)
from reporting.models import ReportNarrative
from reviews.models import Action, Review
from tests.disputes.factories import child_in_care_a_year, open_dispute, raise_dispute
from tests.factories import UserFactory, make_child_in_care, make_cover
from tests.reviews.factories import held_review

# --- The merge itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "outcome", "value"),
    [
        ("Library", "Library", "Library", UNCHANGED, "Library"),
        ("Library", "School", "Library", ONLY_MINE, "School"),
        ("Library", "Library", "Town hall", ONLY_THEIRS, "Town hall"),
        ("Library", "Town hall", "Town hall", SAME, "Town hall"),
        ("Library", "School", "Town hall", CONFLICT, "School"),
        # Compared as people read them: surrounding space, CR/LF and empty values do not count.
        ("Two\nlines", " Two\r\nlines ", "Two\nlines", UNCHANGED, "Two\nlines"),
        ("", None, "", UNCHANGED, ""),
        # Participants are a set: the order they were ticked in does not matter.
        (
            ["child", "carer"],
            ["carer", "child"],
            ["child", "carer", "parent"],
            ONLY_THEIRS,
            ["child", "carer", "parent"],
        ),
        (dt.date(2026, 1, 5), dt.date(2026, 1, 6), dt.date(2026, 1, 7), CONFLICT, dt.date(2026, 1, 6)),
    ],
)
def test_three_way_merge_field_by_field(base, mine, theirs, outcome, value):
    merged = three_way_merge({"venue": base}, {"venue": mine}, {"venue": theirs})
    assert merged["venue"].outcome == outcome
    assert merged["venue"].value == value


def test_a_row_only_they_added_is_taken_and_rows_merge_one_by_one():
    row = {"description": "Book dentist", "owner": "Carer", "status": "open"}
    done = {**row, "status": "done"}
    merged = three_way_merge(
        {"actions_1": row, "actions_2": row},
        {"actions_1": {**row, "owner": "Social worker"}, "actions_2": row},
        {"actions_1": row, "actions_2": done, "actions_3": row},
    )
    assert {name: m.outcome for name, m in merged.items()} == {
        "actions_1": ONLY_MINE,
        "actions_2": ONLY_THEIRS,
        "actions_3": ONLY_THEIRS,
    }
    assert merged["actions_2"].value == done


def test_with_the_starting_point_unknown_every_difference_must_be_chosen():
    merged = three_way_merge(
        None, {"venue": "School", "discussion": "Same"}, {"venue": "Library", "discussion": "Same"}
    )
    assert (merged["venue"].outcome, merged["discussion"].outcome) == (CONFLICT, UNCHANGED)


# --- Driving a form as the browser does ---------------------------------------------------------


class _FormFields(HTMLParser):
    """The successful controls of the page's POST form that carries a ``version``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
            self.forms.append([])
        if not self._in_form:
            return
        fields = self.forms[-1]
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind in ("submit", "button"):
                return
            fields.append((a["name"], a.get("value", "on" if kind in ("radio", "checkbox") else "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.forms[-1].append((self._textarea, text))
            self._textarea = None
        elif tag == "select" and self._select:
            # A browser sends the selected option, or the first one when none is selected.
            chosen = [value for value, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self.forms[-1].extend((self._select, value) for value in chosen)
            self._select = None


def form_data(html: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(html)
    (fields,) = [f for f in parser.forms if any(name == "version" for name, _ in f)]
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def put(data: dict, name: str, value) -> dict:
    """``data`` with the field ``name`` set as a person would type or tick it."""
    data = dict(data)
    if isinstance(value, dt.date):
        for suffix, part in zip(("_0", "_1", "_2"), (value.day, value.month, value.year), strict=True):
            data[f"{name}{suffix}"] = [str(part)]
    elif isinstance(value, list):
        data[name] = value
    else:
        data[name] = [str(value)]
    return data


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Case:
    """One optimistically locked form, two people who may both edit the record, two of its
    fields (``first`` for A, ``second`` for B) and their new values, and how to read them back."""

    url: str
    a: Any
    b: Any
    first: str
    a_value: Any
    b_value_for_first: Any
    second: str
    b_value: Any
    read: Callable[[str], Any]
    label: str  # how the panel names ``first``


@pytest.fixture
def covering(iro, other_iro, manager, today):
    """The child's IRO (A) and the IRO covering for them (B) can both edit the child's records."""

    def cover(child):
        make_cover(absent_iro=iro, covering_iro=other_iro, starts_on=today, by=manager)
        return child

    return cover


@pytest.fixture
def other_manager(db):
    return UserFactory(username="mgr2", first_name="Sam", last_name="Patel", role=roles.IRO_MANAGER)


def _review(iro, today, **fields):
    child = make_child_in_care(iro=iro, first_name="Mia", looked_after_on=today - dt.timedelta(days=200))
    defaults = {
        "venue": "Carer's home",
        "invited": ["child", "carer"],
        "attended": ["child"],
        "parents_participation": "views_given",
        "wishes_and_feelings": "Mia wants to keep her hamster.",
        "child_friendly_summary": "Dear Mia, we agreed your hamster stays.",
        "discussion": "",
        "record_due_on": today + dt.timedelta(days=10),
    }
    return held_review(child, iro=iro, held_on=today - dt.timedelta(days=10), **{**defaults, **fields})


@pytest.fixture
def covered_review(iro, covering, today):
    """A review record of Mia's that both A (her IRO) and B (covering for A) can edit."""
    review = _review(iro, today)
    covering(review.child)
    return review


@pytest.fixture
def dentist_action(covered_review, today):
    return Action.objects.create(
        review=covered_review, child=covered_review.child, description="Book dentist", owner="Carer", due_on=today
    )


@pytest.fixture
def covered_dispute(iro, covering, today):
    """An open dispute at stage 1, raised a week ago, that both A and B can act on."""
    child = child_in_care_a_year(iro=iro, today=today)
    dispute = open_dispute(child, iro, today)
    covering(child)
    return dispute


@pytest.fixture
def a_and_b(iro, other_iro) -> tuple[Client, Client]:
    """Signed-in clients for A (the child's IRO) and B (the IRO covering)."""
    return client_as(iro), client_as(other_iro)


def _review_form_case(url_name: str, review: Review, *, iro, other_iro, covering, **fields) -> Case:
    """A form of ``review`` that both A (the child's IRO) and B (covering for A) can save; the
    fields are read back from the review."""
    covering(review.child)
    return Case(
        url=reverse(url_name, args=[review.pk]),
        a=iro,
        b=other_iro,
        read=lambda name: getattr(Review.objects.get(pk=review.pk), name),
        **fields,
    )


def review_case(iro, other_iro, covering, today, **_):
    return _review_form_case(
        "reviews:edit",
        _review(iro, today),
        iro=iro,
        other_iro=other_iro,
        covering=covering,
        first="venue",
        a_value="Town hall",
        b_value_for_first="Library",
        second="discussion",
        b_value="Contact with her brother was discussed.",
        label="Venue",
    )


def child_case(iro, manager, other_manager, **_):
    child = make_child_in_care(iro=iro, first_name="Kai", last_name="Morgan")
    return Case(
        url=reverse("children:edit", args=[child.pk]),
        a=manager,
        b=other_manager,
        first="preferred_name",
        a_value="KJ",
        b_value_for_first="Kaiden",
        second="last_name",
        b_value="Morgan-Reid",
        read=lambda name: getattr(type(child).objects.get(pk=child.pk), name),
        label="Preferred name",
    )


def narrative_case(iro, manager, other_manager, **_):
    make_child_in_care(iro=iro, looked_after_on=dt.date(2024, 6, 3))
    return Case(
        url=reverse("reporting:narrative", args=["2025-26"]),
        a=manager,
        b=other_manager,
        first="introduction",
        a_value="Our year, by Maria.",
        b_value_for_first="Our year, by Sam.",
        second="childrens_feedback",
        b_value="They liked their reviews.",
        read=lambda name: getattr(ReportNarrative.objects.get(start_year=2025), name, None),
        label="Introduction",
    )


def meeting_case(iro, other_iro, covering, today, **_):
    child = child_in_care_a_year(iro=iro, today=today)
    dispute = raise_dispute(
        child,
        iro,
        start_stage=3,
        urgent_reason="Placement breaking down.",
        raised_on=today - dt.timedelta(days=7),
        change_by_when=today + dt.timedelta(days=30),
        today=today,
    )
    dispute_services.dispute_escalate(dispute=dispute, by=iro, to_stage=4, raised_on=today, today=today)
    covering(child)

    def read(name):
        return getattr(Dispute.objects.get(pk=dispute.pk).steps.get(ended_on__isnull=True), name)

    return Case(
        url=reverse("disputes:meeting", args=[dispute.pk]),
        a=iro,
        b=other_iro,
        first="attendees",
        a_value="Head of service",
        b_value_for_first="Director of children's services",
        second="minutes",
        b_value="Agreed to start family finding.",
        read=read,
        label="Who attended (or is invited)",
    )


CASES = {
    "review record": review_case,
    "child details": child_case,
    "report narrative": narrative_case,
    "dispute meeting": meeting_case,
}


def with_defaults(case: Case, data: dict, today) -> dict:
    """Fill what every save of the form needs (a meeting's date)."""
    if "meeting" in case.url:
        data = put(data, "meeting_on", today)
    return data


@pytest.fixture(params=sorted(CASES))
def case(request, iro, other_iro, manager, other_manager, covering, today):
    return CASES[request.param](
        iro=iro, other_iro=other_iro, manager=manager, other_manager=other_manager, covering=covering, today=today
    )


def load(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.text)


def test_a_change_only_the_other_person_made_is_listed_taken_and_kept(case, today):
    a, b = client_as(case.a), client_as(case.b)
    a_page, b_page = load(a, case.url), load(b, case.url)
    assert BASE_FIELD in b_page  # the form carries what B started from

    saved = a.post(case.url, with_defaults(case, put(a_page, case.first, case.a_value), today))
    assert saved.status_code == 302, saved.content.decode()[:2000]

    refused = b.post(case.url, with_defaults(case, put(b_page, case.second, case.b_value), today))

    assert refused.status_code == 200
    html = refused.text
    assert "while you were editing it" in html
    assert case.read(case.second) != case.b_value  # nothing of B's is saved yet
    conflict = refused.context["conflict"]
    outcomes = {d.name: d.outcome for d in conflict.differences}
    assert outcomes[case.first] == ONLY_THEIRS
    assert outcomes[case.second] == ONLY_MINE
    assert f'id="conflict-{case.first}"' in html and case.label in html
    first = next(d for d in conflict.differences if d.name == case.first)
    assert first.changed_by == case.a.get_full_name() and first.when is not None
    assert conflict.to_choose == []

    again = b.post(case.url, form_data(html))  # B saves the page as it is now

    assert again.status_code == 302, again.content.decode()[:3000]
    assert case.read(case.first) == case.a_value  # A's change is not reverted
    assert case.read(case.second) == case.b_value


@pytest.mark.parametrize("choice", ["mine", "theirs"])
def test_a_field_both_changed_is_saved_only_once_a_choice_is_made(case, today, choice):
    a, b = client_as(case.a), client_as(case.b)
    a_page, b_page = load(a, case.url), load(b, case.url)
    assert a.post(case.url, with_defaults(case, put(a_page, case.first, case.a_value), today)).status_code == 302
    b_data = put(put(b_page, case.first, case.b_value_for_first), case.second, case.b_value)

    refused = b.post(case.url, with_defaults(case, b_data, today))

    assert refused.status_code == 200
    conflict = refused.context["conflict"]
    assert [d.name for d in conflict.to_choose] == [case.first]
    page = form_data(refused.text)
    assert f"resolve_{case.first}" not in page  # no choice is made for B
    assert refused.text.count(f'name="resolve_{case.first}"') == 2  # keep theirs, or use mine
    assert "What happens</dt>" in refused.text and "You both changed this. Choose which to keep" in refused.text

    # Saving again without choosing is refused, and names the field.
    unchosen = b.post(case.url, page)
    assert unchosen.status_code == 200
    assert "both changed “" + case.label + "”: choose which to keep" in unchosen.text
    assert case.read(case.first) == case.a_value and case.read(case.second) != case.b_value

    chosen = b.post(case.url, {**form_data(unchosen.text), f"resolve_{case.first}": [choice]})

    assert chosen.status_code == 302, chosen.content.decode()[:3000]
    assert case.read(case.first) == (case.b_value_for_first if choice == "mine" else case.a_value)
    assert case.read(case.second) == case.b_value


# --- The review record's participants and actions ---------------------------------------------


def test_the_panel_lists_venue_participants_discussion_and_actions_and_the_resave_keeps_them(
    today, covered_review, dentist_action, a_and_b
):
    review, action = covered_review, dentist_action
    url = reverse("reviews:edit", args=[review.pk])
    a, b = a_and_b
    a_page, b_page = load(a, url), load(b, url)

    a_data = put(a_page, "venue", "Town hall")
    a_data = put(a_data, "attended", ["child", "carer"])
    a_data = put(a_data, "discussion", "Her brother's contact.")
    a_data = put(a_data, "actions-0-owner", "Social worker")
    a_data = put(a_data, "actions-1-description", "Life story work")
    a_data = put(a_data, "actions-1-owner", "Social worker")
    a_data = put(a_data, "actions-1-due_on", today + dt.timedelta(days=30))
    assert a.post(url, a_data).status_code == 302
    added = Action.objects.exclude(pk=action.pk).get(review=review)

    refused = b.post(url, put(b_page, "wishes_and_feelings", "Mia wants to see her brother."))

    assert refused.status_code == 200
    listed = {d.name: d for d in refused.context["conflict"].differences}
    assert set(listed) == {
        "venue",
        "attended",
        "discussion",
        f"actions_{action.pk}",
        f"actions_{added.pk}",
        "wishes_and_feelings",
    }
    assert (listed["attended"].started, listed["attended"].saved) == ("Child", "Child, Carer")
    assert "Who will do it: Social worker" in listed[f"actions_{action.pk}"].saved
    assert listed[f"actions_{added.pk}"].started == "(not in the record)"
    html = refused.text
    for label in ("Venue", "Who took part", "Summary of the discussion", "Action: Book dentist", "Life story work"):
        assert label in html

    assert b.post(url, form_data(html)).status_code == 302

    review.refresh_from_db()
    assert review.venue == "Town hall"
    assert sorted(review.attended) == ["carer", "child"]
    assert review.discussion == "Her brother's contact."
    assert review.wishes_and_feelings == "Mia wants to see her brother."
    assert Action.objects.get(pk=action.pk).owner == "Social worker"
    assert Action.objects.filter(review=review).count() == 2  # A's new action is neither lost nor doubled


def test_an_action_marked_done_elsewhere_is_not_reverted_by_an_open_review_form(
    iro, other_iro, covered_review, dentist_action
):
    review, action = covered_review, dentist_action
    url = reverse("reviews:edit", args=[review.pk])
    b = client_as(other_iro)
    b_page = load(b, url)

    client_as(iro).post(reverse("reviews:action_update", args=[action.pk]), {"status": "done"})

    refused = b.post(url, put(b_page, "discussion", "Dentist booked."))
    assert refused.status_code == 200
    assert [d.name for d in refused.context["conflict"].differences] == ["discussion", f"actions_{action.pk}"]
    assert b.post(url, form_data(refused.text)).status_code == 302
    assert Action.objects.get(pk=action.pk).status == "done"
    assert Review.objects.get(pk=review.pk).discussion == "Dentist booked."


def test_a_tampered_starting_point_counts_as_unknown(covered_review, a_and_b):
    review = covered_review
    url = reverse("reviews:edit", args=[review.pk])
    a, b = a_and_b
    a_page, b_page = load(a, url), load(b, url)
    assert a.post(url, put(a_page, "venue", "Town hall")).status_code == 302
    # B's page claims to have started from A's venue, so that B's would silently win.
    forged = put(b_page, "venue", "Library")
    forged[BASE_FIELD] = [b_page[BASE_FIELD][0][:-4] + "AAAA"]

    refused = b.post(url, forged)

    assert [d.name for d in refused.context["conflict"].to_choose] == ["venue"]
    assert Review.objects.get(pk=review.pk).venue == "Town hall"


# --- Disputes: what moved on is listed as facts --------------------------------------------------


def test_a_response_recorded_meanwhile_is_listed_before_the_dispute_is_resolved(iro, other_iro, today, covered_dispute):
    dispute = covered_dispute
    url = reverse("disputes:resolve", args=[dispute.pk])
    b = client_as(other_iro)
    b_page = load(b, url)
    dispute_services.dispute_record_response(
        dispute=dispute, by=iro, responded_on=today, response="Family finding starts in May.", today=today
    )

    refused = b.post(url, put(b_page, "outcome_note", "Family finding agreed."))

    assert refused.status_code == 200
    differences = refused.context["conflict"].differences
    assert {d.name: d.outcome for d in differences} == {"closed_on": "mine", "outcome_note": "mine", "response": "fact"}
    (response,) = [d for d in differences if d.is_fact]
    assert (response.label, response.outcome, response.started) == ("Response", "fact", "None yet")
    assert "Family finding starts in May." in response.saved
    assert "It cannot be changed on this page" in refused.text
    assert Dispute.objects.get(pk=dispute.pk).status == "open"

    assert b.post(url, form_data(refused.text)).status_code == 302
    assert Dispute.objects.get(pk=dispute.pk).outcome_note == "Family finding agreed."


def test_two_responses_to_the_same_stage_need_a_choice(covered_dispute, a_and_b):
    dispute = covered_dispute
    url = reverse("disputes:respond", args=[dispute.pk])
    a, b = a_and_b
    a_page, b_page = load(a, url), load(b, url)
    assert a.post(url, put(a_page, "response", "First answer.")).status_code == 302

    refused = b.post(url, put(b_page, "response", "Second answer."))

    assert [d.name for d in refused.context["conflict"].to_choose] == ["response"]
    page = form_data(refused.text)
    assert b.post(url, page).status_code == 200  # no choice: refused again
    assert b.post(url, {**page, "resolve_response": ["theirs"]}).status_code == 302
    assert dispute.steps.get().response == "First answer."


def test_words_from_the_record_are_escaped_in_the_choice_and_the_panel(covered_review, dentist_action, a_and_b):
    review, action = covered_review, dentist_action
    url = reverse("reviews:edit", args=[review.pk])
    a, b = a_and_b
    a_page, b_page = load(a, url), load(b, url)
    payload = '<script>document.title="owned"</script>'
    assert a.post(url, put(a_page, "actions-0-description", payload)).status_code == 302

    refused = b.post(url, put(b_page, "actions-0-owner", "Social worker"))

    assert [d.name for d in refused.context["conflict"].to_choose] == [f"actions_{action.pk}"]
    assert payload not in refused.text
    assert "&lt;script&gt;" in refused.text


def test_a_choice_made_while_someone_saves_again_is_merged_again_not_lost(covered_review, a_and_b):
    review = covered_review
    url = reverse("reviews:edit", args=[review.pk])
    a, b = a_and_b
    b_page = load(b, url)
    assert a.post(url, put(load(a, url), "venue", "Town hall")).status_code == 302
    refused = b.post(url, put(b_page, "venue", "Library"))
    assert [d.name for d in refused.context["conflict"].to_choose] == ["venue"]

    # Before B chooses, A saves again: B's choice meets a newer record and is merged again.
    assert a.post(url, put(load(a, url), "discussion", "Second thoughts.")).status_code == 302
    again = b.post(url, {**form_data(refused.text), "resolve_venue": ["mine"]})

    assert again.status_code == 200
    conflict = again.context["conflict"]
    assert {d.name: d.outcome for d in conflict.differences} == {"venue": ONLY_MINE, "discussion": ONLY_THEIRS}
    assert 'name="resolve_venue"' not in again.text
    assert b.post(url, form_data(again.text)).status_code == 302
    review.refresh_from_db()
    assert (review.venue, review.discussion) == ("Library", "Second thoughts.")


def test_two_escalations_at_once_list_the_new_stage_and_the_second_must_choose_again(covered_dispute, a_and_b):
    dispute = covered_dispute
    url = reverse("disputes:escalate", args=[dispute.pk])
    a, b = a_and_b
    a_page, b_page = load(a, url), load(b, url)
    assert a.post(url, a_page).status_code == 302

    refused = b.post(url, b_page)

    assert refused.status_code == 200
    (stage,) = refused.context["conflict"].differences
    assert (stage.label, stage.outcome, stage.changed_by) == ("Current stage", "fact", "Ada Okafor")
    assert stage.started.startswith("Stage 1") and stage.saved.startswith("Stage 2")
    # Stage 2 is no longer a stage to escalate to: the stages offered now start at stage 3, none chosen.
    assert re.findall(r'name="to_stage"[^>]*value="(\d)"', refused.text)[0] == "3"
    again = b.post(url, form_data(refused.text))
    assert again.status_code == 200
    assert "Choose the stage to escalate to" in again.text
    assert Dispute.objects.get(pk=dispute.pk).steps.count() == 2  # escalated once, not twice
