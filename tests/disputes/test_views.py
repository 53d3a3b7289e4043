"""The IRO's dispute pages: who may see and act, each transition through the views, stale
versions, and a list that runs a fixed number of queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from disputes import services
from disputes.models import CafcassReferral, Dispute, DisputeSettings, EscalationStage
from iro_service.models import AuditAction, AuditEvent
from tests.disputes.factories import CAFCASS_EVIDENCE as EVIDENCE
from tests.disputes.factories import child_in_care_a_year, open_dispute
from tests.forms import date_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(iro, today):
    return child_in_care_a_year(iro=iro, today=today, first_name="Kit", last_name="Marsh")


@pytest.fixture
def dispute(child, iro, today):
    return open_dispute(child, iro, today)


@pytest.fixture
def referred(child, iro, today):
    """A second dispute about the child, already referred to CAFCASS."""
    other = open_dispute(child, iro, today, category="health")
    services.dispute_refer_to_cafcass(dispute=other, by=iro, referred_on=today, **EVIDENCE)
    return other


def reload(dispute):
    return Dispute.objects.select_related("current_stage").get(pk=dispute.pk)


def anchors_resolve(html):
    """Every error summary link points at an element on the page."""
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets
    for target in targets:
        assert f'id="{target}"' in html, f"the error summary links to #{target}, which is not on the page"


# --- Who may see and act -------------------------------------------------------------------

ACT_PAGES = ["respond", "meeting", "escalate", "resolve", "withdraw", "refer"]


def page_urls(child, dispute, referred):
    urls = {
        "list": reverse("disputes:list"),
        "detail": reverse("disputes:detail", args=[dispute.pk]),
        "raise": reverse("disputes:raise", args=[child.pk]),
        "cafcass_outcome": reverse("disputes:cafcass_outcome", args=[referred.pk]),
    }
    urls.update({name: reverse(f"disputes:{name}", args=[dispute.pk]) for name in ACT_PAGES})
    return urls


ALL_PAGES = ["list", "detail", "raise", *ACT_PAGES, "cafcass_outcome"]


def test_the_iro_holding_the_child_opens_every_page(client_for, iro, child, dispute, referred):
    client = client_for(iro)
    for name, url in page_urls(child, dispute, referred).items():
        response = client.get(url)
        assert response.status_code == 200, name
    assert "Kit Marsh" in client.get(reverse("disputes:list")).text


def test_another_iro_gets_404_for_the_dispute_and_the_child(client_for, other_iro, child, dispute, referred):
    client = client_for(other_iro)
    for name, url in page_urls(child, dispute, referred).items():
        if name == "list":
            response = client.get(url)
            assert response.status_code == 200
            assert "Kit Marsh" not in response.text
            assert "0 disputes found" in response.text
        else:
            assert client.get(url).status_code == 404, name
            assert client.post(url, {"version": dispute.version}).status_code == 404, name
    assert reload(dispute).version == dispute.version


def test_a_manager_reads_every_dispute_but_cannot_act(client_for, manager, child, dispute, referred):
    client = client_for(manager)
    urls = page_urls(child, dispute, referred)
    listing = client.get(urls["list"])
    assert listing.status_code == 200
    assert "Kit Marsh" in listing.text
    detail = client.get(urls["detail"])
    assert detail.status_code == 200
    assert "The permanence plan has not progressed" in detail.text
    assert "Record the response" not in detail.text and "Resolve" not in detail.text
    for name in ["raise", *ACT_PAGES, "cafcass_outcome"]:
        assert client.get(urls[name]).status_code == 403, name
        assert client.post(urls[name], {"version": dispute.version, "response": "x"}).status_code == 403, name
    assert reload(dispute).version == dispute.version
    assert not dispute.steps.filter(responded_on__isnull=False).exists()


@pytest.mark.parametrize("role", ["committee", "administrator"])
def test_committee_and_administrator_are_refused_every_page(client_for, request, role, child, dispute, referred):
    client = client_for(request.getfixturevalue(role))
    for name, url in page_urls(child, dispute, referred).items():
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"version": dispute.version}).status_code == 403, name


def test_anonymous_visitors_are_sent_to_sign_in(client, child, dispute, referred):
    for name, url in page_urls(child, dispute, referred).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith("/accounts/login/?next="), name


def test_reading_a_dispute_is_audited(client_for, manager, dispute):
    url = reverse("disputes:detail", args=[dispute.pk])
    client_for(manager).get(url)
    event = AuditEvent.objects.get(action=AuditAction.VIEWED, actor=manager)
    assert (event.child_id, event.object_id, event.path) == (dispute.child_id, str(dispute.pk), url)


def test_the_nav_shows_disputes_to_iros_and_managers_only(client_for, iro, manager, committee):
    assert ">Disputes</a>" in client_for(iro).get(reverse("disputes:list")).text
    assert ">Dispute dashboard</a>" not in client_for(iro).get(reverse("disputes:list")).text
    manager_page = client_for(manager).get(reverse("disputes:list")).text
    assert ">Disputes</a>" in manager_page and ">Dispute dashboard</a>" in manager_page
    assert ">Disputes</a>" not in client_for(committee).get("/").text


# --- Raising -------------------------------------------------------------------------------


def raise_post(today, **overrides):
    data = {
        "category": "drift",
        "issue": "No family finding since the last review.",
        "impact_on_child": "Kit does not know where he will grow up.",
        "what_must_change": "Family finding to start.",
        "change_by_whom": "Team manager",
        **date_fields("change_by_when", today + dt.timedelta(days=20)),
        "start_stage": "1",
        "recipient_name": "Sam Field",
        "recipient_role": "",
    }
    data.update(overrides)
    return data


def test_the_iro_raises_a_dispute_at_stage_1(client_for, iro, child, today):
    client = client_for(iro)
    form = client.get(reverse("disputes:raise", args=[child.pk])).text
    assert "Informal resolution" in form and "Stage 1" in form and "Stage 3" in form
    assert "Stage 2" not in form and "CAFCASS" not in form  # only where a dispute may start
    response = client.post(reverse("disputes:raise", args=[child.pk]), raise_post(today))
    dispute = Dispute.objects.get(child=child)
    assert response.status_code == 302
    assert response.url == reverse("disputes:detail", args=[dispute.pk])
    step = dispute.steps.get()
    assert (dispute.current_stage.number, step.recipient_name, step.recipient_role) == (1, "Sam Field", "Social worker")
    page = client.get(response.url).text
    assert "Dispute raised" in page
    assert "No family finding since the last review." in page
    assert f'href="{reverse("disputes:escalate", args=[dispute.pk])}"' in page


def test_an_empty_raise_form_shows_one_linked_error_summary(client_for, iro, child):
    response = client_for(iro).post(reverse("disputes:raise", args=[child.pk]), {"issue": "Kept text"})
    html = response.text
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "(error)" in html  # in the page title
    assert 'href="#id_category_1"' in html
    assert 'href="#id_change_by_when_0"' in html
    assert "Choose the stage the dispute starts at" in html
    assert "Kept text" in html
    anchors_resolve(html)
    assert not Dispute.objects.exists()


def test_starting_at_stage_3_needs_the_reason_the_service_asks_for(client_for, iro, child, today):
    client = client_for(iro)
    url = reverse("disputes:raise", args=[child.pk])
    response = client.post(url, raise_post(today, start_stage="3"))
    assert response.status_code == 200
    assert "Starting at stage 3 needs a reason" in response.text
    anchors_resolve(response.text)
    assert not Dispute.objects.exists()
    response = client.post(url, raise_post(today, start_stage="3", urgent_reason="Placement ends on Friday."))
    assert response.status_code == 302
    assert Dispute.objects.get().current_stage.number == 3


def test_a_tampered_start_stage_is_refused(client_for, iro, child, today):
    response = client_for(iro).post(reverse("disputes:raise", args=[child.pk]), raise_post(today, start_stage="2"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Dispute.objects.exists()


# --- Moving a dispute up the ladder --------------------------------------------------------


def test_respond_escalate_and_resolve(client_for, iro, dispute, today):
    client = client_for(iro)
    detail = reverse("disputes:detail", args=[dispute.pk])

    response = client.post(
        reverse("disputes:respond", args=[dispute.pk]),
        {"version": dispute.version, **date_fields("responded_on", today), "response": "Family finding next month."},
    )
    assert response.status_code == 302 and response.url == detail
    assert dispute.steps.get().response == "Family finding next month."
    assert "Response recorded" in client.get(detail).text

    dispute = reload(dispute)
    escalate = client.get(reverse("disputes:escalate", args=[dispute.pk])).text
    assert "Escalate the dispute" in escalate
    # Every later stage but CAFCASS is offered; the next one is chosen already.
    offered = re.findall(r'name="to_stage"[^>]*value="(\d)"', escalate)
    assert offered == ["2", "3", "4", "5", "6"]
    assert re.search(r'value="2"\s+checked', escalate)
    assert "Raised with: Service manager. A written response within 5 working days. Skips stage 2" in escalate
    response = client.post(
        reverse("disputes:escalate", args=[dispute.pk]),
        {
            "version": dispute.version,
            "to_stage": 2,
            "recipient_name": "Jo Bright",
            "recipient_role": "",
            **date_fields("raised_on", today),
        },
    )
    assert response.status_code == 302
    dispute = reload(dispute)
    assert dispute.current_stage.number == 2
    assert [s.stage.number for s in dispute.steps.select_related("stage")] == [1, 2]
    page = client.get(detail).text
    assert "Dispute escalated to Stage 2" in page
    assert "Jo Bright, Team manager" in page and "Family finding next month." in page

    response = client.post(
        reverse("disputes:resolve", args=[dispute.pk]),
        {"version": dispute.version, **date_fields("closed_on", today), "outcome_note": "Family finding started."},
    )
    assert response.status_code == 302
    dispute = reload(dispute)
    assert (dispute.status, dispute.closed_on, dispute.outcome_note) == ("resolved", today, "Family finding started.")
    page = client.get(detail).text
    assert "Dispute resolved" in page and "Record the response" not in page
    # A closed dispute offers no forms.
    assert client.get(reverse("disputes:respond", args=[dispute.pk])).url == detail


@pytest.mark.parametrize(
    ("start", "to_stage", "message"),
    [
        (1, 3, "Enter why you are skipping stage 2: escalating from stage 1 to stage 3 bypasses it."),
        (3, 5, "Enter why you are skipping stage 4: escalating from stage 3 to stage 5 bypasses it."),
    ],
)
def test_skipping_a_stage_without_a_reason_names_the_reason_field_and_changes_nothing(
    client_for, iro, child, today, start, to_stage, message
):
    dispute = open_dispute(child, iro, today, start_stage=start, urgent_reason="Urgent." if start == 3 else "")
    before = reload(dispute)
    response = client_for(iro).post(
        reverse("disputes:escalate", args=[dispute.pk]),
        {"version": dispute.version, "to_stage": to_stage, "bypass_reason": " ", **date_fields("raised_on", today)},
    )
    assert response.status_code == 200
    html = response.text
    assert f'<a href="#id_bypass_reason">{message}</a>' in html  # the summary links to the reason
    group = html.split('id="div_id_bypass_reason"', 1)[1].split("</textarea>", 1)[0]
    assert "govuk-form-group--error" in group and "Why you are skipping stages" in group  # the field's label
    assert 'id="id_bypass_reason_1_error" class="govuk-error-message">' in group and message in group
    anchors_resolve(html)
    assert re.search(rf'value="{to_stage}"\s+checked', html)  # the choice made is kept
    after = reload(dispute)
    assert (after.current_stage.number, after.version, after.steps.count()) == (start, before.version, 1)


@pytest.mark.parametrize(
    ("start", "to_stage", "role"), [(1, 3, "Service manager"), (3, 5, "Director of children's services")]
)
def test_skipping_a_stage_with_a_reason_shows_it_on_the_dispute(client_for, iro, child, today, start, to_stage, role):
    dispute = open_dispute(child, iro, today, start_stage=start, urgent_reason="Urgent." if start == 3 else "")
    client = client_for(iro)
    reason = "The manager at the skipped stage wrote the plan in dispute & cannot review it."
    response = client.post(
        reverse("disputes:escalate", args=[dispute.pk]),
        {"version": dispute.version, "to_stage": to_stage, "bypass_reason": reason, **date_fields("raised_on", today)},
    )
    assert response.status_code == 302
    dispute = reload(dispute)
    assert dispute.current_stage.number == to_stage
    step = dispute.steps.get(ended_on__isnull=True)
    assert (step.bypass_reason, step.recipient_role) == (reason, role)
    page = client.get(response.url).text
    assert f"Dispute escalated to Stage {to_stage}" in page
    card = page.split(f">Stage {to_stage} (current)<", 1)[1].split('class="govuk-summary-card"', 1)[0]
    assert "Why stages were skipped" in card and escape(reason) in card


def test_escalating_back_down_is_refused_with_the_services_message(client_for, iro, child, today):
    dispute = open_dispute(child, iro, today, start_stage=3, urgent_reason="Placement breaking down.")
    response = client_for(iro).post(
        reverse("disputes:escalate", args=[dispute.pk]),
        {"version": dispute.version, "to_stage": 2, "bypass_reason": "Back", **date_fields("raised_on", today)},
    )
    assert response.status_code == 200
    assert "A dispute only moves up the ladder: it is at stage 3, so it cannot be escalated to stage 2." in (
        response.text
    )
    anchors_resolve(response.text)
    assert reload(dispute).current_stage.number == 3


def test_withdrawing_needs_a_reason(client_for, iro, dispute, today):
    client = client_for(iro)
    url = reverse("disputes:withdraw", args=[dispute.pk])
    response = client.post(url, {"version": dispute.version, **date_fields("closed_on", today), "reason": ""})
    assert "Enter why the dispute is withdrawn" in response.text
    assert reload(dispute).status == "open"
    response = client.post(
        url, {"version": dispute.version, **date_fields("closed_on", today), "reason": "Plan agreed at review."}
    )
    assert response.status_code == 302
    assert (reload(dispute).status, reload(dispute).outcome_note) == ("withdrawn", "Plan agreed at review.")
    assert "Why it was withdrawn" in client.get(response.url).text


def test_a_meeting_stage_is_answered_by_a_meeting(client_for, iro, child, today):
    dispute = open_dispute(child, iro, today, start_stage=3, urgent_reason="Placement breaking down.")
    services.dispute_escalate(dispute=dispute, by=iro, to_stage=4, raised_on=today)
    client = client_for(iro)
    detail = client.get(reverse("disputes:detail", args=[dispute.pk])).text
    assert "Record the meeting" in detail and f'href="{reverse("disputes:escalate", args=[dispute.pk])}"' in detail
    dispute = reload(dispute)
    response = client.post(
        reverse("disputes:meeting", args=[dispute.pk]),
        {"version": dispute.version, **date_fields("meeting_on", today), "attendees": "Head of service", "minutes": ""},
    )
    assert response.status_code == 302
    step = dispute.steps.get(ended_on__isnull=True)
    assert (step.meeting_on, step.minutes) == (today, "")
    assert "(booked)" in client.get(response.url).text


def test_at_the_last_stage_before_cafcass_the_page_offers_a_referral(client_for, iro, child, today):
    dispute = open_dispute(child, iro, today, start_stage=3, urgent_reason="Placement breaking down.")
    for number in (4, 5, 6):
        services.dispute_escalate(dispute=dispute, by=iro, to_stage=number, raised_on=today)
    client = client_for(iro)
    page = client.get(reverse("disputes:detail", args=[dispute.pk])).text
    assert "Refer to CAFCASS" in page
    assert reverse("disputes:escalate", args=[dispute.pk]) not in page
    dispute = reload(dispute)
    response = client.post(
        reverse("disputes:escalate", args=[dispute.pk]),
        {"version": dispute.version, "to_stage": 7, "recipient_role": "CAFCASS", **date_fields("raised_on", today)},
    )
    assert "use &#x27;Refer to CAFCASS&#x27;" in response.text
    assert reload(dispute).current_stage.number == 6


def test_refer_to_cafcass_needs_evidence_for_each_precondition(client_for, iro, dispute, today):
    client = client_for(iro)
    url = reverse("disputes:refer", args=[dispute.pk])
    form = client.get(url).text
    for label in (
        "Every stage up to the chief executive tried, or the delay has become unreasonable",
        "A continuing risk that the child's human rights are breached",
        "No other suitable adult able and willing to act",
    ):
        assert escape(label) in form  # labels are text: the apostrophe is escaped
    data = {"version": dispute.version, **date_fields("referred_on", today), **EVIDENCE}
    response = client.post(url, {**data, "no_other_adult_evidence": ""})
    assert response.status_code == 200
    assert "Show that no other suitable adult is able and willing to act for the child." in response.text
    assert EVIDENCE["human_rights_risk_evidence"] in response.text  # what was typed is kept
    anchors_resolve(response.text)
    assert not CafcassReferral.objects.exists()
    assert reload(dispute).status == "open"

    response = client.post(url, data)
    assert response.status_code == 302
    dispute = reload(dispute)
    assert (dispute.status, dispute.current_stage.number) == ("referred", 7)
    page = client.get(response.url).text
    assert "Referred to CAFCASS" in page and EVIDENCE["no_other_adult_evidence"] in page

    response = client.post(
        reverse("disputes:cafcass_outcome", args=[dispute.pk]),
        {"outcome": "resolved_by_la", **date_fields("outcome_on", today), "note": "Contact restarted."},
    )
    assert response.status_code == 302
    assert CafcassReferral.objects.get(dispute=dispute).outcome == "resolved_by_la"
    assert "Resolved by the local authority after referral" in client.get(response.url).text


# --- Two people at once -------------------------------------------------------------------


def test_a_stale_version_is_refused_and_the_input_is_kept(client_for, iro, dispute, today):
    client = client_for(iro)
    url = reverse("disputes:respond", args=[dispute.pk])
    loaded = dispute.version
    assert f'name="version" value="{loaded}"' in client.get(url).text
    # Meanwhile someone records a response from the same dispute page.
    services.dispute_record_response(dispute=dispute, by=iro, responded_on=today, response="First answer.")
    response = client.post(
        url, {"version": loaded, **date_fields("responded_on", today), "response": "My own, later answer."}
    )
    assert response.status_code == 200
    html = response.text
    assert "This record was changed by Ada Okafor while you were editing it" in html
    assert "The dispute as it is saved now" in html and "First answer." in html
    assert "My own, later answer." in html
    current = reload(dispute).version
    assert current == loaded + 1
    assert f'name="version" value="{current}"' in html
    assert dispute.steps.get().response == "First answer."
    # Saving again, now on the current version, goes through.
    response = client.post(
        url, {"version": current, **date_fields("responded_on", today), "response": "My own, later answer."}
    )
    assert response.status_code == 302
    assert dispute.steps.get().response == "My own, later answer."


# --- The list ------------------------------------------------------------------------------


def test_the_list_filters_by_status_stage_and_category(client_for, iro, child, dispute, referred, today):
    client = client_for(iro)
    url = reverse("disputes:list")
    assert "2 disputes found" in client.get(url).text
    assert "1 dispute found" in client.get(url, {"status": "referred"}).text
    stage_1 = EscalationStage.objects.get(number=1)
    page = client.get(url, {"stage": stage_1.pk}).text
    assert "1 dispute found" in page and "Drift in the care plan" in page
    assert "0 disputes found" in client.get(url, {"category": "education"}).text
    due = dispute.steps.get().response_due_on
    assert f"{due:%-d %b %Y}" in client.get(url, {"status": "open"}).text


def _many_disputes(iro, today, size):
    for index in range(size):
        child = child_in_care_a_year(iro=iro, today=today, first_name=f"Many{index}")
        open_dispute(child, iro, today)


@pytest.mark.parametrize("size", [5, 100])
@pytest.mark.parametrize("who", ["iro", "manager"])
def test_the_list_runs_a_fixed_number_of_queries(
    client_for, request, django_assert_max_num_queries, iro, manager, today, who, size
):
    _many_disputes(iro, today, size)
    client = client_for(request.getfixturevalue(who))
    url = reverse("disputes:list")
    client.get(url)
    with django_assert_max_num_queries(9) as captured:
        response = client.get(url, {"status": "open"})
    assert response.status_code == 200
    assert f"{size} disputes found" in response.text
    request.node.user_properties.append(("queries", len(captured)))


@pytest.mark.parametrize("escalations", [0, 3])
def test_the_dispute_page_runs_a_fixed_number_of_queries(
    client_for, request, django_assert_max_num_queries, iro, child, today, escalations
):
    dispute = open_dispute(child, iro, today, start_stage=3, urgent_reason="Placement breaking down.")
    for number in range(4, 4 + escalations):
        services.dispute_escalate(dispute=dispute, by=iro, to_stage=number, raised_on=today)
    client = client_for(iro)
    url = reverse("disputes:detail", args=[dispute.pk])
    client.get(url)
    with django_assert_max_num_queries(10) as captured:
        response = client.get(url)
    assert response.text.count('class="govuk-summary-card__title"') == 1 + escalations
    request.node.user_properties.append(("queries", len(captured)))


# --- Admin -------------------------------------------------------------------------------


def test_the_administrator_keeps_the_ladder_and_settings_but_deletes_nothing(client_for, administrator):
    client = client_for(administrator)
    stage = EscalationStage.objects.get(number=2)
    assert client.get(reverse("admin:disputes_escalationstage_changelist")).status_code == 200
    assert client.get(reverse("admin:disputes_escalationstage_change", args=[stage.pk])).status_code == 200
    assert client.get(reverse("admin:disputes_escalationstage_delete", args=[stage.pk])).status_code == 403
    # The one settings row comes from a migration with the Handbook's 20 working days; it is only changed.
    settings_row = DisputeSettings.objects.get()
    assert settings_row.max_open_working_days == 20
    change = reverse("admin:disputes_disputesettings_change", args=[settings_row.pk])
    assert client.post(change, {"max_open_working_days": 25}).status_code == 302
    settings_row.refresh_from_db()
    assert settings_row.max_open_working_days == 25
    assert client.get(reverse("admin:disputes_disputesettings_add")).status_code == 403
    assert client.get(reverse("admin:disputes_disputesettings_delete", args=[settings_row.pk])).status_code == 403


def test_the_admin_does_not_show_disputes_to_an_iro(client_for, iro):
    assert client_for(iro).get(reverse("admin:disputes_escalationstage_changelist")).status_code == 302
