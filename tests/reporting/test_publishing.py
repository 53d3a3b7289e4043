"""Publishing the annual report: a confirmation page; refused for a reporting year not yet
ended or with narrative sections unwritten, unless the manager gives a reason (kept and shown);
withdrawing a published version (kept, marked withdrawn, the committee no longer sees it) and
publishing another in its place. Only the IRO manager publishes or withdraws
(docs/rules.md#annual-report)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from iro_service.models import AuditAction, AuditEvent
from iro_service.periods import ReportingYear
from reporting import services
from reporting.models import ReportNarrative, ReportVersion
from tests.factories import make_child_in_care
from tests.reporting.factories import YEAR, narrative_written, publishable_version, ready_version

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('reason')</script>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def since_2024(iro):
    """A child in care since June 2024: the annual page lists the years from then."""
    return make_child_in_care(iro=iro, looked_after_on=dt.date(2024, 6, 3))


@pytest.fixture
def published(manager):
    return services.report_publish(version=publishable_version(manager), by=manager)


def publish_url(version) -> str:
    return reverse("reporting:publish", args=[version.pk])


def withdraw_url(version) -> str:
    return reverse("reporting:withdraw", args=[version.pk])


def stamps(version) -> tuple:
    version.refresh_from_db()
    return (version.published_at, version.publish_reason, version.withdrawn_at, version.withdrawn_reason)


# --- The confirmation page -----------------------------------------------------------------------


def test_publishing_asks_first_and_a_get_publishes_nothing(client_for, manager):
    version = publishable_version(manager)

    response = client_for(manager).get(publish_url(version))

    assert response.status_code == 200
    assert "Publish the annual report for 2025 to 2026?" in response.text
    assert "The committee will see it." in response.text
    assert "govuk-warning-text" not in response.text and 'name="reason"' not in response.text
    assert stamps(version) == (None, "", None, "")


def test_confirming_publishes_it_and_the_annual_page_offers_to_withdraw_it(client_for, manager, since_2024):
    version = publishable_version(manager)
    client = client_for(manager)
    assert f'href="{publish_url(version)}"' in client.get(reverse("reporting:annual")).text

    response = client.post(publish_url(version), follow=True)

    assert f"{version} published for the committee" in response.text
    assert f'href="{withdraw_url(version)}"' in response.text
    version.refresh_from_db()
    assert (version.published_by, version.publish_reason) == (manager, "")


# --- Refusals, and the reason that overrides them ------------------------------------------------


def test_a_year_still_in_progress_is_refused_without_a_reason(client_for, manager):
    year = ReportingYear.containing(timezone.localdate())
    narrative_written(year=year)
    version = ready_version(manager, year=year)
    client = client_for(manager)

    page = client.get(publish_url(version)).text
    assert f"The {year.label} reporting year has not ended" in page and "govuk-warning-text" in page
    assert 'name="reason"' in page

    response = client.post(publish_url(version), {"reason": "   "})

    assert response.status_code == 400
    assert "There is a problem" in response.text and 'href="#id_reason"' in response.text
    assert "Give a reason to publish it anyway." in response.text
    assert stamps(version) == (None, "", None, "")
    assert not AuditEvent.objects.filter(object_id=str(version.pk), action=AuditAction.UPDATED).exists()


def test_unwritten_narrative_sections_are_named_and_refused_without_a_reason(client_for, manager):
    version = ready_version(manager)  # 2025-26 has ended on the suite's clock
    ReportNarrative.objects.create(start_year=YEAR.start_year, introduction="Written.", independence="Written.")

    response = client_for(manager).post(publish_url(version), {"reason": ""})

    assert response.status_code == 400
    assert "reporting year has not ended" not in response.text
    assert (
        "These sections of the narrative are not written: Children&#x27;s feedback, Last year&#x27;s objectives "
        "reviewed, Next year&#x27;s objectives." in response.text
    )
    assert stamps(version) == (None, "", None, "")


def test_the_service_refuses_both_at_once_and_publishes_with_a_reason(manager):
    version = ready_version(manager)
    before_the_end = YEAR.end

    with pytest.raises(ValidationError) as refused:
        services.report_publish(version=version, by=manager, today=before_the_end)
    assert refused.value.message_dict["reason"] == [
        "The 2025-26 reporting year has not ended: it ends on 31 March 2026, so its figures will still change.",
        "These sections of the narrative are not written: Introduction, Independence of the service and any "
        "barriers, Children's feedback, Last year's objectives reviewed, Next year's objectives.",
        "Give a reason to publish it anyway.",
    ]

    services.report_publish(version=version, by=manager, today=before_the_end, reason="  Committee meets in March. ")

    assert stamps(version)[1] == "Committee meets in March."


def test_a_reason_overrides_the_refusal_and_is_kept_shown_and_audited(client_for, manager, committee, since_2024):
    version = ready_version(manager)

    response = client_for(manager).post(publish_url(version), {"reason": f"The committee asked early. {SCRIPT}"})

    assert response.status_code == 302
    assert stamps(version)[1] == f"The committee asked early. {SCRIPT}"
    event = AuditEvent.objects.get(object_id=str(version.pk), action=AuditAction.UPDATED)
    assert (event.actor, event.summary, event.changes) == (
        manager,
        f"{version} published",
        {"reason": f"The committee asked early. {SCRIPT}"},
    )
    for user, url in ((manager, reverse("reporting:annual")), (committee, reverse("reporting:published"))):
        page = client_for(user).get(url).text
        assert "The committee asked early. &lt;script&gt;alert(&#x27;reason&#x27;)&lt;/script&gt;" in page
        assert SCRIPT not in page


def test_a_reason_too_long_is_refused_naming_the_field(client_for, manager):
    version = ready_version(manager)

    response = client_for(manager).post(publish_url(version), {"reason": "x" * 2001})

    assert response.status_code == 400
    assert "The reason must be 2,000 characters or fewer" in response.text
    assert stamps(version) == (None, "", None, "")


# --- Withdrawing, and publishing again ----------------------------------------------------------


def test_withdrawing_keeps_the_version_marked_with_the_reason_who_and_when(client_for, manager, published, since_2024):
    client = client_for(manager)
    assert "Withdraw the annual report for 2025 to 2026?" in client.get(withdraw_url(published)).text

    response = client.post(withdraw_url(published), {"reason": f"A figure was wrong. {SCRIPT}"}, follow=True)

    assert f"{published} withdrawn: the committee no longer sees it" in response.text
    assert ">Withdrawn</strong>" in response.text
    assert "A figure was wrong. &lt;script&gt;" in response.text and SCRIPT not in response.text
    published.refresh_from_db()
    assert published.published_at is not None  # kept: what the committee was shown, and when
    assert (published.withdrawn_by, published.withdrawn_reason) == (manager, f"A figure was wrong. {SCRIPT}")
    assert published.withdrawn_at is not None
    event = AuditEvent.objects.filter(object_id=str(published.pk), action=AuditAction.UPDATED).latest("pk")
    assert (event.actor, event.summary, event.changes) == (
        manager,
        f"{published} withdrawn",
        {"reason": f"A figure was wrong. {SCRIPT}"},
    )
    assert ReportVersion.objects.filter(pk=published.pk).exists()


def test_withdrawing_needs_a_reason(client_for, manager, published):
    response = client_for(manager).post(withdraw_url(published), {"reason": ""})

    assert response.status_code == 400
    assert 'href="#id_reason"' in response.text and "Enter why you are withdrawing the report" in response.text
    assert stamps(published)[2] is None


def test_only_a_published_version_can_be_withdrawn_once(client_for, manager, published):
    unpublished = ready_version(manager)
    services.report_withdraw(version=published, reason="Wrong figures.", by=manager)
    client = client_for(manager)

    assert client.get(withdraw_url(unpublished)).status_code == 404
    assert client.post(withdraw_url(published), {"reason": "Again."}).status_code == 404
    with pytest.raises(ValidationError, match="is not published, so it cannot be withdrawn"):
        services.report_withdraw(version=published, reason="Again.", by=manager)
    assert stamps(published)[3] == "Wrong figures."


def test_the_committee_no_longer_sees_a_withdrawn_version(client_for, manager, committee, published):
    services.report_withdraw(version=published, reason="Wrong figures.", by=manager)
    client = client_for(committee)

    page = client.get(reverse("reporting:published"))

    assert list(page.context["versions"]) == []
    assert "No annual report has been published yet" in page.text
    assert client.get(reverse("reporting:download", args=[published.pk])).status_code == 404
    assert client.get(reverse("reporting:tables_csv", args=[published.pk])).status_code == 404


def test_a_withdrawn_version_is_replaced_by_publishing_another(client_for, manager, committee, published):
    services.report_withdraw(version=published, reason="Wrong figures.", by=manager)
    replacement = ready_version(manager)
    manager_client = client_for(manager)

    refused = manager_client.post(publish_url(published))
    assert refused.status_code == 400 and "was withdrawn. Generate a new version" in refused.text
    assert manager_client.post(publish_url(replacement)).status_code == 302

    versions = client_for(committee).get(reverse("reporting:published")).context["versions"]
    assert [(v.number, v.is_current) for v in versions] == [(2, True)]


def test_withdrawing_the_current_version_makes_the_earlier_published_one_current(client_for, manager, committee):
    first = services.report_publish(version=publishable_version(manager), by=manager)
    second = services.report_publish(version=ready_version(manager), by=manager)

    services.report_withdraw(version=second, reason="Wrong figures.", by=manager)

    versions = client_for(committee).get(reverse("reporting:published")).context["versions"]
    assert [(v.pk, v.is_current) for v in versions] == [(first.pk, True)]


# --- Who may publish and withdraw ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["iro", "committee"])
def test_an_iro_and_the_committee_can_neither_publish_nor_withdraw(request, client_for, who, manager):
    user = request.getfixturevalue(who)
    published = services.report_publish(version=publishable_version(manager), by=manager)
    ready = ready_version(manager)
    client = client_for(user)

    for url in (publish_url(ready), withdraw_url(published)):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "Because."}).status_code == 403, url
    with pytest.raises(PermissionDenied):
        services.report_publish(version=ready, by=user, reason="Because.")
    with pytest.raises(PermissionDenied):
        services.report_withdraw(version=published, reason="Because.", by=user)

    assert stamps(ready) == (None, "", None, "")
    assert stamps(published)[2] is None
    assert not AuditEvent.objects.filter(actor=user, action=AuditAction.UPDATED).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, manager, published):
    for url in (publish_url(published), withdraw_url(published)):
        response = client.post(url, {"reason": "Because."})
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert stamps(published)[2] is None
