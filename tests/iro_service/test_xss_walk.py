"""Stored text is shown as text everywhere: a walk of every URL pattern with a script in every
free-text field.

The data: one of everything a page can show (children in and out of care, reviews booked and
held, actions and their progress, visits, midway reviews, case notes, significant changes,
cover, disputes open and referred to CAFCASS, report versions, a narrative, an SSDA903 upload,
reference data), then EVERY free-text column of every model of children, reviews, disputes and
reporting (found through ``_meta``; codes and choices left alone), every user's names and
username, and the audit trail hold a payload that breaks out of text, attributes and scripts.
The long payload also starts with ``=``, so the CSVs are checked for formula injection too.

The walk: every pattern of the URL resolver, nested includes and the admin included, as every
role (signed out, the child's IRO, a manager, a committee member, the administrator; the admin
also as a superuser). A pattern whose arguments the walk cannot fill fails the test, so a new
page is walked from the day it is added. HTML and JSON must never hold the payload unescaped;
CSV cells (zips of CSV included) must never start a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_filters import FilterSet
from django_otp.plugins.otp_totp.models import TOTPDevice
from icalendar import Calendar

from children import retention_services
from children import services as child_services
from children.models import SiblingGroup
from disputes import services as dispute_services
from interchange import services as ssda903_services
from iro_service import role_grants, roles
from iro_service.admin import ACCOUNT_ACTIONS
from iro_service.csv import FORMULA_STARTS
from iro_service.forms import TextBoundField
from iro_service.models import AuditAction, AuditEvent
from iro_service.periods import ReportingYear
from reporting import pdf
from reporting.charts import chart_svg
from reporting.figures import Table
from reporting.figures.report import annual_report_sections
from reporting.models import ChildPopulation, ReportNarrative, ReportVersion, SSDA903Upload
from reviews import services as review_services
from reviews.feeds import calendar_feed_token_create
from reviews.flags import deadlines_daily
from reviews.models import ClosureDay
from tests.conferences.factories import make_icpc
from tests.disputes.factories import CAFCASS_EVIDENCE, raise_dispute
from tests.factories import (
    ChildFactory,
    ContactFactory,
    TeamFactory,
    UserFactory,
    make_care_episode,
    make_child_in_care,
    make_iro,
)
from tests.interchange.helpers import hand_made_texts
from tests.iro_service.url_world import OUR_PACKAGES, dashboard_charts
from tests.reviews.factories import date_change, record_review

pytestmark = pytest.mark.django_db

MARKER = "XSS-1234"
#: Breaks out of an attribute (either quote), opens a script and an image with a handler, and
#: a custom tag any unescaped copy keeps; starts with "=" so a CSV cell would be a formula.
PAYLOAD = f'=HYPERLINK("//x.example","{MARKER}")<script>alert(1)</script>"\'><img src=x onerror=alert(2)><xss>'
#: For columns too short for the whole payload (postcodes, URNs, references).
SHORT_PAYLOAD = "\"'><xss>"
#: What an unescaped copy of either payload leaves in a page (compared lower-cased).
RAW = ("<xss", "<script>alert(1)", "<img src=x", "\"'><")
#: What an escaped copy leaves: the proof that the walked page shows the stored text at all.
ESCAPED = "&lt;xss&gt;"

APPS = ("children", "reviews", "conferences", "disputes", "reporting", "voice")
#: Free-text columns left alone, with the reason.
NOT_FREE_TEXT = {
    ("reviews", "DeadlineFlag", "key"): "a machine key built by reviews.flags.flag_key, never shown",
}
MIN_PAYLOAD_LENGTH = len(SHORT_PAYLOAD)


@dataclass
class World:
    today: dt.date
    users: dict[str, object]
    child: object
    child_left: object
    child_unallocated: object
    held: object
    booked: object
    action: object
    change: object
    cover: object
    dispute: object
    meeting: object
    referred: object
    versions: dict[str, ReportVersion]
    upload: SSDA903Upload
    year: ReportingYear
    grant: object
    device: object
    proposal: object
    #: People around the child: one now, one former (every text field poisoned like the rest).
    contacts: list = field(default_factory=list)
    #: Child protection conferences (issue 15), by name: "requested", "on_plan".
    conferences: dict = field(default_factory=dict)
    #: The child's voice, sending (issue 16): a live feedback link to the carer, to revoke.
    voice_sending: dict = field(default_factory=dict)
    #: The child's voice (issue 16): "consultation" and "feedback" answers.
    voice: dict = field(default_factory=dict)
    poisoned: list[str] = field(default_factory=list)


def _build() -> World:
    today = timezone.localdate()
    team = TeamFactory(name="Walk team")
    iro = make_iro(username="walk_iro", team=team)
    other_iro = make_iro(username="walk_cover", team=team)
    manager = UserFactory(username="walk_mgr", role=roles.IRO_MANAGER)
    users = {
        "iro": iro,
        "manager": manager,
        "committee": UserFactory(username="walk_cllr", role=roles.COMMITTEE),
        "administrator": UserFactory(username="walk_admin", role=roles.ADMINISTRATOR, is_staff=True),
        "superuser": UserFactory(username="walk_root", is_staff=True, is_superuser=True),
    }
    looked_after = today - dt.timedelta(days=400)
    child = make_child_in_care(iro=iro, looked_after_on=looked_after, local_reference="W0001")
    child.sibling_group = SiblingGroup.objects.create(name="Walk siblings")
    child.preferred_name = "Walky"
    child.save()
    child_left = make_child_in_care(iro=iro, looked_after_on=looked_after, local_reference="W0002")
    child_services.care_period_end(
        child=child_left, by=manager, ended_on=today - dt.timedelta(days=10), reason_ceased="E8", today=today
    )
    child_unallocated = ChildFactory(local_reference="W0003")
    make_care_episode(child_unallocated, started_on=today - dt.timedelta(days=20))

    held = record_review(
        child,
        iro,
        today - dt.timedelta(days=100),
        wishes_and_feelings="wishes",
        child_friendly_summary="summary",
        discussion="discussion",
        venue="venue",
        others_present="others",
        actions=[
            review_services.ActionInput(description="open", owner="owner", due_on=today + dt.timedelta(days=30)),
            review_services.ActionInput(description="late", owner="owner", due_on=today - dt.timedelta(days=30)),
        ],
        today=today,
    )
    action = held.actions.order_by("pk").first()
    booked = review_services.review_book(child=child, by=iro, booked_for=today + dt.timedelta(days=20), today=today)
    date_change(
        booked,
        kind="postponed",
        from_date=today + dt.timedelta(days=10),
        to_date=today + dt.timedelta(days=20),
        reason="reason",
        by=iro,
    )
    review_services.visit_record(
        child=child, by=iro, visited_on=today - dt.timedelta(days=5), seen_alone=True, notes="n", today=today
    )
    review_services.midway_review_record(
        child=child,
        by=iro,
        held_on=today - dt.timedelta(days=4),
        notes="n",
        progress=[
            review_services.ProgressInput(action_id=a.pk, status="open", note="note") for a in held.actions.all()
        ],
        today=today,
    )
    review_services.case_note_add(
        child=child, by=iro, written_on=today - dt.timedelta(days=3), text="note", today=today
    )
    change = child_services.significant_change_record(
        child=child,
        by=manager,
        category="missing",
        occurred_on=today - dt.timedelta(days=2),
        description="d",
        today=today,
    )
    cover = child_services.cover_grant(
        by=manager,
        absent_iro=iro,
        covering_iro=other_iro,
        starts_on=today,
        ends_on=today + dt.timedelta(days=14),
        reason="leave",
    )
    ClosureDay.objects.create(day=today + dt.timedelta(days=60), reason="closure")

    dates = {"raised_on": today - dt.timedelta(days=7), "change_by_when": today + dt.timedelta(days=30), "today": today}
    dispute = raise_dispute(child, iro, recipient_name="name", recipient_role="role", urgent_reason="u", **dates)
    dispute = dispute_services.dispute_record_response(
        dispute=dispute, by=iro, responded_on=today - dt.timedelta(days=6), response="r", today=today
    )
    meeting = raise_dispute(child, iro, category="education", start_stage=3, urgent_reason="u", **dates)
    meeting = dispute_services.dispute_escalate(
        dispute=meeting, by=iro, to_stage=4, raised_on=today - dt.timedelta(days=6), today=today
    )
    meeting = dispute_services.dispute_record_meeting(
        dispute=meeting, by=iro, meeting_on=today - dt.timedelta(days=5), attendees="a", minutes="m", today=today
    )
    referred = raise_dispute(child, iro, category="health", **dates)
    dispute_services.dispute_refer_to_cafcass(
        dispute=referred,
        by=iro,
        referred_on=today,
        **CAFCASS_EVIDENCE,
        today=today,
    )
    deadlines_daily(today=today, send_digests=False)

    year = ReportingYear.containing(today)
    ReportNarrative.objects.create(start_year=year.start_year, introduction="i", changed_by=manager)
    ready = ReportVersion.objects.create(
        start_year=year.start_year, number=1, status="ready", requested_by=manager, generated_at=timezone.now()
    )
    ready.pdf.save("walk.pdf", ContentFile(b"%PDF-1.7\n%walk\n"), save=True)
    versions = {
        "ready": ready,
        "failed": ReportVersion.objects.create(
            start_year=year.start_year, number=2, status="failed", requested_by=manager
        ),
        "running": ReportVersion.objects.create(
            start_year=year.start_year, number=3, status="running", progress=40, requested_by=manager
        ),
        # published before the year ended, with the manager's reason; and one withdrawn since, with theirs
        "published": ReportVersion.objects.create(
            start_year=year.start_year,
            number=4,
            status="ready",
            requested_by=manager,
            generated_at=timezone.now(),
            published_at=timezone.now(),
            published_by=manager,
            publish_reason=PAYLOAD,
        ),
        "withdrawn": ReportVersion.objects.create(
            start_year=year.start_year,
            number=5,
            status="ready",
            requested_by=manager,
            generated_at=timezone.now(),
            published_at=timezone.now(),
            published_by=manager,
            withdrawn_at=timezone.now(),
            withdrawn_by=manager,
            withdrawn_reason=PAYLOAD,
        ),
    }
    ChildPopulation.objects.create(start_year=year.start_year, children_under_18=1000, source="s")
    texts = hand_made_texts()
    header = texts.pop("header.csv")
    first_child = header.splitlines()[1].split(",")[0]
    texts[f"{PAYLOAD[:40]}<xss>.csv"] = header.replace(first_child, f"@SUM(1){SHORT_PAYLOAD}", 1)
    upload = SSDA903Upload.objects.create(uploaded_by=manager, files=texts)
    ssda903_services.ssda903_upload_check(upload_id=upload.pk)  # the check a task runs
    upload.refresh_from_db()

    world = World(
        today=today,
        users=users,
        child=child,
        child_left=child_left,
        child_unallocated=child_unallocated,
        held=held,
        booked=booked,
        action=action,
        change=change,
        cover=cover,
        dispute=dispute,
        meeting=meeting,
        referred=referred,
        versions=versions,
        upload=upload,
        year=year,
        # A role request the managers' page lists, with a script in its reason.
        device=_sign_in_records(users),
        grant=role_grants.role_grant_request(
            user=UserFactory(username="walk_candidate"), role=roles.IRO, by=users["administrator"], reason=PAYLOAD
        ),
        proposal=None,
    )
    world.proposal = _retention_proposal(today)
    on_plan = _conference(child, iro, today=today)
    world.contacts = [
        ContactFactory(child=child, role="carer", phone="01632 960 001", address="a", notes="n", created_by=iro),
        ContactFactory(child=child, role="school", organisation="o", ended_on=today, created_by=iro),
    ]
    world.conferences = {
        "on_plan": on_plan,
        "requested": make_icpc([child], strategy_on=today - dt.timedelta(days=2), chair=iro),
    }
    world.voice_sending = _voice_sending(world)
    world.voice = _voice(world)
    _poison(world)
    _poison_answers()
    return world


def _voice_sending(world: World) -> dict:
    """A live feedback link to the carer (its name, and its maker's, poisoned with the rest)."""
    from voice import services as voice_services
    from voice.codes import Channel, Purpose, Respondent

    made = voice_services.link_create(
        review=world.held,
        purpose=Purpose.FEEDBACK,
        respondent=Respondent.CARER,
        contact=world.contacts[0],
        channel=Channel.EMAIL,
        sent_to="carer@example.test",
        by=world.users["iro"],
    )
    return {"link": made.link}


def _voice(world: World) -> dict:
    """The child's voice (issue 16): the carer answered the consultation before the booked review,
    and the child gave feedback, with their name, after the held one. Every text answer holds the
    payload (``_poison_answers``). The child's own consultation link stays unasked, for the walk
    of the public form."""
    from voice import services as voice_services
    from voice.codes import Channel, Purpose, Respondent

    iro = world.users["iro"]

    def made(review, purpose, respondent=Respondent.CHILD, contact=None):
        return voice_services.link_create(
            review=review, purpose=purpose, respondent=respondent, contact=contact, channel=Channel.EMAIL, by=iro
        )

    carer = made(world.booked, Purpose.CONSULTATION, Respondent.CARER, world.contacts[0])
    consulted = voice_services.response_submit(raw=carer.raw, data={"home": "good", "talk_about": "t", "private": "p"})
    fed_back = voice_services.response_submit(
        raw=made(world.held, Purpose.FEEDBACK).raw, data={"know_plan": "yes", "comment": "c", "share_name": "on"}
    )
    return {"consultation": consulted, "feedback": fed_back}


def _poison_answers() -> None:
    """Every text answer of every form, and the text of every answer given, hold the payload."""
    from voice.models import VoiceResponse
    from voice.questions import CHOICE, CONSENT, FORMS

    for response in VoiceResponse.objects.all():
        texts = {q.id: PAYLOAD for q in FORMS[response.form_kind].questions if q.kind not in (CHOICE, CONSENT)}
        VoiceResponse.objects.filter(pk=response.pk).update(answers={**response.answers, **texts})


def _retention_proposal(today: dt.date):
    """A child who died aged 10, twenty years ago (past the retention date), and another
    manager's proposal to destroy the record, which the walk's manager may decide."""
    died_on = today - dt.timedelta(days=20 * 366)
    retired = ChildFactory(local_reference="W0004", date_of_birth=died_on - dt.timedelta(days=10 * 366))
    make_care_episode(retired, started_on=died_on - dt.timedelta(days=400), ended_on=died_on, reason_ceased="E2")
    proposer = UserFactory(username="walk_mgr_2", role=roles.IRO_MANAGER)
    return retention_services.retention_request_propose(
        child=retired, by=proposer, action="destroy", reason="reason", today=today
    )


def _sign_in_records(users) -> object:
    """What the sign-in machinery stores (lockout counts, logs, a second-factor device), with a
    script where a person can type one: the username tried, the browser's user agent."""
    typed = {
        "username": PAYLOAD[:150],
        "user_agent": PAYLOAD,
        "ip_address": "127.0.0.1",
        "path_info": "/accounts/login/",
    }
    AccessAttempt.objects.create(**typed, http_accept="text/html", get_data="", post_data="", failures_since_start=3)
    AccessLog.objects.create(**typed, http_accept="text/html")
    AccessFailureLog.objects.create(**typed, http_accept="text/html")
    return TOTPDevice.objects.create(user=UserFactory(username="walk_with_device"), name=PAYLOAD[:64], confirmed=True)


def _payload_for(column: models.Field, n: int) -> str | None:
    """The payload that fits the column; unique columns get a number; None if nothing fits."""
    size = column.max_length or 10_000
    suffix = str(n) if column.unique else ""
    for text in (PAYLOAD, SHORT_PAYLOAD):
        if len(text) + len(suffix) <= size:
            return text[: size - len(suffix)] + suffix if text is PAYLOAD else text + suffix
    return None


def _free_text_columns(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.EmailField)
        and not f.choices
        and (model._meta.app_label, model.__name__, f.name) not in NOT_FREE_TEXT
    ]


def _poison(world: World) -> None:
    """Every free-text column of every row of the four apps, and every user's names."""
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            for column in _free_text_columns(model):
                for n, pk in enumerate(model._base_manager.values_list("pk", flat=True), start=1):
                    value = _payload_for(column, n)
                    if value is None:  # e.g. a three-letter LA code: too short for any tag
                        continue
                    model._base_manager.filter(pk=pk).update(**{column.name: value})
                    world.poisoned.append(f"{model._meta.label}.{column.name}")
    User = get_user_model()
    for n, user in enumerate(User.objects.all(), start=1):
        User.objects.filter(pk=user.pk).update(
            first_name=PAYLOAD, last_name=SHORT_PAYLOAD, username=f"{PAYLOAD[:100]}{n}"
        )
    for action in (AuditAction.VIEWED, AuditAction.UPDATED):
        AuditEvent.objects.create(
            actor=world.users["manager"],
            action=action,
            child_id=world.child.pk,
            object_type=SHORT_PAYLOAD,
            object_id=SHORT_PAYLOAD,
            summary=PAYLOAD,
            path=f"/{PAYLOAD}",
        )


def _conference(child, iro, *, today: dt.date):
    """The IRO also chairs the child's conferences: an initial conference held, with a plan, an
    action, a core group member and a person invited (their text poisoned like the rest)."""
    from conferences.models import ConferenceAttendee, CoreGroupMember, MinutesSent, PlanAction
    from tests.conferences.factories import make_icpc

    conference = make_icpc(
        [child], strategy_on=today - dt.timedelta(days=30), chair=iro, held_on=today - dt.timedelta(days=10)
    )
    plan = conference.plans_started.get()
    PlanAction.objects.create(plan=plan, conference=conference, child=child, description="d", owner="o", due_on=today)
    CoreGroupMember.objects.create(plan=plan, name="n", agency="health", role="r", joined_on=plan.started_on)
    attendee = ConferenceAttendee.objects.create(
        conference=conference, name="n", agency="police", role="r", attended=True
    )
    MinutesSent.objects.create(
        conference=conference, child=child, attendee=attendee, name="n", role="r", not_sent_reason="w", recorded_by=iro
    )
    return conference


def _conference_fills(world: World) -> dict[str, list[dict]]:
    from conferences.models import CoreGroupMember, PlanAction, ProtectionPlan

    conference = {"pk": world.conferences["on_plan"].pk}
    return {
        **{
            f"conferences:{name}": [conference]
            for name in ("chair_detail", "record", "minutes", "minutes_sent", "minutes_pdf")
        },
        "conferences:plan": [{"pk": ProtectionPlan.objects.get().pk}],
        "conferences:plan_action_update": [{"pk": PlanAction.objects.get().pk}],
        "conferences:core_group_leave": [{"pk": CoreGroupMember.objects.get().pk}],
    }


# --- Filling the URL patterns ------------------------------------------------------------


def _feedback_fills(world: World) -> dict[str, list[dict]]:
    """The manager's feedback comments (issue 16, reporting.feedback_views): a child's feedback on
    the held review whose comment is the payload, and a quote of it (text and attribution too)."""
    from voice.models import FeedbackQuote
    from voice.services.quotes import quote_year

    # The child's named feedback on the held review (``_voice``), its comment the payload.
    feedback = world.voice["feedback"]
    label = quote_year(feedback).label
    chosen = FeedbackQuote.objects.create(
        response=feedback, year_label=label, text=PAYLOAD, attribution=SHORT_PAYLOAD, chosen_by=world.users["manager"]
    )
    return {
        "reporting:feedback_comments": [{"year": label}],
        "reporting:feedback_quote": [{"year": label, "pk": feedback.pk}],
        "reporting:feedback_quote_withdraw": [{"pk": chosen.pk}],
    }


def _fills(world: World) -> dict[str, list[dict]]:
    """Arguments for each named pattern that takes any: a list of kwargs, each walked."""
    child, pk = {"pk": world.child.pk}, {"child_pk": world.child.pk}
    held, booked = {"pk": world.held.pk}, {"pk": world.booked.pk}
    dispute = {"pk": world.dispute.pk}
    ready = {"pk": world.versions["ready"].pk}
    upload = {"pk": world.upload.pk}
    year = {"year": world.year.label}
    return {
        "children:cover_end": [{"pk": world.cover.pk}],
        "children:detail": [child, {"pk": world.child_left.pk}, {"pk": world.child_unallocated.pk}],
        "children:edit": [child],
        "children:reallocate": [child],
        "children:episode_change": [child],
        "children:leave_care": [child],
        "children:return_to_care": [{"pk": world.child_left.pk}],
        "children:archive": [{"pk": world.child_left.pk}],
        "children:audit": [child],
        "children:significant_change_create": [child],
        "children:significant_change_acknowledge": [{"pk": world.change.pk}],
        "children:contacts": [child],
        "children:contact_add": [child],
        "children:contact_edit": [{"pk": c.pk} for c in world.contacts],
        "children:contact_end": [{"pk": world.contacts[0].pk}],
        "reviews:child": [pk],
        "reviews:book": [{"child_pk": world.child_unallocated.pk}, pk],
        "reviews:record": [pk],
        "reviews:detail": [held, booked],
        "reviews:edit": [held],
        "reviews:distribution": [held],
        "reviews:reschedule": [booked],
        "reviews:cancel": [booked],
        "reviews:invitations": [booked],
        "reviews:calendar_file": [booked],
        "reviews:action_update": [{"pk": world.action.pk}],
        "reviews:timeline": [pk],
        "reviews:visit_create": [pk],
        "reviews:midway_create": [pk],
        "reviews:case_note_create": [pk],
        "reviews:record_pdf": [held, booked],
        "reviews:letter_pdf": [held, booked],
        "disputes:raise": [pk],
        "disputes:detail": [dispute, {"pk": world.meeting.pk}, {"pk": world.referred.pk}],
        "disputes:respond": [dispute],
        "disputes:meeting": [{"pk": world.meeting.pk}],
        "disputes:escalate": [dispute],
        "disputes:resolve": [dispute],
        "disputes:withdraw": [dispute],
        "disputes:refer": [dispute],
        "disputes:cafcass_outcome": [{"pk": world.referred.pk}],
        "reporting:narrative": [year],
        "reporting:generate": [year],
        "reporting:progress": [{"pk": v.pk} for v in world.versions.values()],
        "reporting:download": [ready],
        "reporting:publish": [ready],
        "reporting:withdraw": [{"pk": world.versions["published"].pk}],
        "reporting:tables_csv": [ready],
        "reporting:dashboard_chart": dashboard_charts(),
        "interchange:ssda903_export": [{"?": f"year={world.year.label}"}],
        "interchange:ssda903_upload": [upload],
        "interchange:ssda903_upload_report": [upload],
        "interchange:ssda903_upload_import": [upload],
        "interchange:cin_census_download": [
            {"?": f"year={world.year.label}&file_format={file_format}"} for file_format in ("xml", "csv")
        ],
        "admin:auth_user_password_change": [{"id": world.users["iro"].pk}],
        "children:significant_change_seen": [{"pk": world.change.pk}],
        "admin:otp_totp_totpdevice_config": [{"pk": world.device.pk}],
        "admin:otp_totp_totpdevice_qrcode": [{"pk": world.device.pk}],
        **{
            f"admin:iro_service_auditevent_{view}": [
                {"object_id": AuditEvent.objects.filter(action__in=ACCOUNT_ACTIONS).order_by("pk").first().pk}
            ]
            for view in ("change", "history")
        },
        "reporting:retry": [{"pk": v.pk} for v in world.versions.values()],
        **{
            f"conferences:{name}": [{"pk": world.conferences["requested"].pk}]
            for name in ("allocate_chair", "book", "move", "cancel")
        },
        "conferences:review_book": [{"pk": world.conferences["on_plan"].pk}],
        "interchange:ssda903_upload_retry": [upload],
        **_conference_fills(world),
        # the child's voice, sending (issue 16)
        "voice:consultation_send": [booked],
        "voice:feedback_send": [held],
        "voice:link_revoke": [{"pk": world.voice_sending["link"].pk}],
        **_feedback_fills(world),
        "role_request_approve": [{"pk": world.grant.pk}],
        "role_request_refuse": [{"pk": world.grant.pk}],
        "role_remove": [{"user_pk": world.users["committee"].pk}],
        "password_reset_confirm": [
            {
                "uidb64": urlsafe_base64_encode(force_bytes(world.users["iro"].pk)),
                "token": default_token_generator.make_token(world.users["iro"]),
            }
        ],
        "children:retention_propose": [child, {"pk": world.child_left.pk}, {"pk": world.proposal.child_id}],
        "children:retention_request": [{"pk": world.proposal.pk}],
        "admin:view_on_site": [
            {"content_type_id": ContentType.objects.get_for_model(world.child).pk, "object_id": world.child.pk}
        ],
        **{
            f"reviews:{name}": [{}, {"?": f"view=month&month={world.booked.booked_for:%Y-%m}"}]
            for name in ("calendar", "service_calendar")
        },
        "reviews:calendar_feed_ics": [{"token": calendar_feed_token_create(by=world.users["iro"]).raw}],
        "voice:form": [{"token": _voice_link(world)}],  # the child's voice (issue 16): the public form
        # the child's voice: the IRO's answers (issue 16)
        "voice:answer": [{"pk": world.voice["consultation"].pk}, {"pk": world.voice["feedback"].pk}],
        "voice:answer_copy": [{"pk": world.voice["consultation"].pk}],
    }


def _voice_link(world: World) -> str:
    """A live link to the child's consultation before the booked review (its form shows the
    child's poisoned first name)."""
    from voice import services as voice_services  # noqa: PLC0415
    from voice.codes import Channel, Purpose, Respondent  # noqa: PLC0415

    made = voice_services.link_create(
        review=world.booked,
        purpose=Purpose.CONSULTATION,
        respondent=Respondent.CHILD,
        channel=Channel.EMAIL,
        by=world.users["iro"],
    )
    return made.raw


#: Regex patterns (the admin's) walked at a fixed path.
REGEX_PATHS = {
    r"^(?P<app_label>": lambda: [
        f"/admin/{label}/" for label in sorted({m._meta.app_label for m in admin.site._registry})
    ],
    r"(?P<url>.*)$": lambda: ["/admin/xss-walk-no-such-page/"],
}

#: Patterns that no role gets a page from, and what every role gets instead.
NOT_PAGES = {
    "logout": "POST only (Django's LogoutView answers a GET with 405)",
    "reporting:generate": "POST only: queues a report",
    "interchange:ssda903_upload_import": "POST only: imports an upload",
    "children:cover_end": "POST only: ends a cover arrangement",
    "reviews:action_update": "POST only: the status buttons on the review page",
    "voice:link_revoke": "POST only: the revoke button on the pages that send links",
    "conferences:plan_action_update": "POST only: the status buttons on the plan page",
    "conferences:core_group_leave": "POST only: the leaving date on the plan page",
    "interchange:ssda903_upload_create": "POST only: the upload form is on the SSDA903 page",
    "reporting:retry": "POST only: queues a report version again",
    "reporting:feedback_quote_withdraw": "POST only: the Withdraw button on the feedback comments page",
    "interchange:ssda903_upload_retry": "POST only: queues an upload's check again",
    "children:significant_change_seen": "POST only: a manager records that they have seen a change",
    "role_request_approve": "POST only: a manager approves a role request",
    "role_request_refuse": "POST only: a manager refuses a role request",
    "role_remove": "POST only: removes a role",
    "admin:logout": "POST only",
    "favicon": "a redirect to the static icon",
    "two_factor_verify": "only a session that still owes its code gets the page; it names no one",
    "admin:password_change": "a redirect to the service's own password page (/accounts/password/change/)",
    "admin:auth_user_password_change": "refused to everyone: administrators send a reset, never set a password",
    "admin:view_on_site": "a redirect to the object's page",
    "admin:?": "the admin's redirects (object id without /change/) and its catch-all 404",
    "admin:autocomplete": "needs an app, model and field in the query; answers 403 without",
    "voice:answer_copy": "POST only: the copy button on an answer's page",
}

ROLES = ("anonymous", "iro", "manager", "committee", "administrator")
ADMIN_ROLES = ("anonymous", "administrator", "superuser")


def _patterns(patterns, prefix="", namespace=""):
    """(full route, full name, pattern) for every pattern, includes flattened."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name or '?'}" if namespace else (p.name or "?")
            yield prefix + str(p.pattern), name, p


def _paths(route: str, name: str, pattern: URLPattern, world: World, fills: dict) -> list[str] | str:
    """The paths to walk for a pattern, or a reason it cannot be filled."""
    if isinstance(pattern.pattern, RegexPattern) or route.startswith("^") or "(?P<" in route:
        for start, paths in REGEX_PATHS.items():
            if str(pattern.pattern).startswith(start):
                return paths()
        return f"cannot fill the regex pattern {route!r} ({name}): add it to REGEX_PATHS"
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if not names and name not in fills:
        return ["/" + route]
    if name in fills:
        kwarg_sets = fills[name]
    elif names == ["object_id"] and getattr(pattern.callback, "model_admin", None):
        model = pattern.callback.model_admin.model
        first = model._base_manager.order_by("pk").first()
        if first is None:
            return f"cannot fill {route!r} ({name}): no {model._meta.label} in the walk's data"
        kwarg_sets = [{"object_id": first.pk}]
    else:
        return f"cannot fill {route!r} ({name}): add its arguments to _fills()"
    paths = []
    for kwargs in kwarg_sets:
        query = kwargs.get("?", "")
        kwargs = {k: v for k, v in kwargs.items() if k != "?"}
        if set(kwargs) != set(names):
            return f"{name}: the walk fills {sorted(kwargs)} but the pattern takes {names}"
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, kw=kwargs: str(kw[m.group(1)]), route)
        paths.append(f"{path}?{query}" if query else path)
    return paths


def _refused_by_the_admin(pattern: URLPattern, superuser) -> bool:
    """An add or delete page the ModelAdmin refuses even to a superuser (records that are
    never deleted, the append-only audit trail, a one-row settings table)."""
    model_admin = getattr(pattern.callback, "model_admin", None)
    if model_admin is None or not (pattern.name or "").endswith(("_add", "_delete")):
        return False
    request = RequestFactory().get("/admin/")
    request.user = superuser
    can = model_admin.has_add_permission if pattern.name.endswith("_add") else model_admin.has_delete_permission
    return not can(request)


# --- Checking what came back -------------------------------------------------------------


def _formula_cells(text: str) -> list[str]:
    """CSV cells that a spreadsheet would run (numbers, negative ones included, are fine)."""
    cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
    return [c for c in cells if c.startswith(FORMULA_STARTS) and not re.fullmatch(r"-?\d+(\.\d+)?", c)]


#: The only properties a calendar feed's event has (reviews.feeds): typed text that broke out of
#: its iCalendar TEXT value would add others.
FEED_EVENT_PROPERTIES = {"UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL"}
#: A review's own invitation (reviews/ics.py) carries its times, venue, status and organiser too.
INVITATION_EVENT_PROPERTIES = FEED_EVENT_PROPERTIES | {
    "SEQUENCE",
    "DTEND",
    "LOCATION",
    "STATUS",
    "ORGANIZER",
    "ATTENDEE",
}


def _calendar_problems(body: bytes) -> list[str]:
    """An iCalendar file is not markup: typed text in it must stay inside its TEXT value
    (backslash-escaped), so the file parses, no line break in stored text starts a property of its
    own (unfolded, every line is NAME;params:value or NAME:value), and its events hold only the
    properties the feed or an invitation writes."""
    try:
        events = Calendar.from_ical(body).walk("VEVENT")
    except ValueError as error:
        return [f"the calendar does not parse: {error}"]
    lines = body.decode("utf-8").replace("\r\n ", "").split("\r\n")
    loose = [f"calendar line {line[:40]!r}" for line in lines if line and not re.match(r"[A-Z][A-Z0-9-]*[;:]", line)]
    return loose + [f"an event with properties {sorted(e)}" for e in events if set(e) - INVITATION_EVENT_PROPERTIES]


def _problems_in(response) -> tuple[list[str], bool]:
    """What is wrong with the body, and whether it shows the payload (escaped) at all."""
    kind = response.get("Content-Type", "").split(";")[0]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind == "application/pdf":
        # The annual report's HTML is checked below; a review's documents, read back as text, in
        # tests/reviews/test_review_documents.py.
        return [], False
    if kind == "application/zip":
        problems = []
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for name in archive.namelist():
                problems += [f"{name}: {c[:40]!r}" for c in _formula_cells(archive.read(name).decode("utf-8-sig"))]
        return problems, False
    text = body.decode("utf-8", errors="replace")
    if kind == "text/calendar":
        return _calendar_problems(body), "xss" in text.lower()
    if kind == "text/csv":
        return [f"formula cell {c[:40]!r}" for c in _formula_cells(text)], "'=HYPERLINK" in text
    lowered = text.lower()
    return [f"unescaped {raw!r}" for raw in RAW if raw in lowered], ESCAPED in text


#: Pages that must show the payload (escaped), for the role given: proof the walk sees the data.
MUST_SHOW = {
    ("reviews:midway_create", "iro"),
    ("children:detail", "iro"),
    ("children:audit", "manager"),
    ("reviews:detail", "iro"),
    ("reviews:edit", "iro"),
    ("reviews:timeline", "iro"),
    ("disputes:detail", "iro"),
    ("disputes:refer", "iro"),
    ("disputes:dashboard", "manager"),
    ("disputes:dashboard_csv", "manager"),
    ("children:significant_change_acknowledge", "iro"),
    ("children:contacts", "iro"),
    ("children:contact_edit", "iro"),
    ("children:contact_end", "iro"),
    ("children:cover_list", "manager"),
    ("children:retention_list", "manager"),
    ("children:retention_request", "manager"),
    ("reporting:narrative", "manager"),
    ("reporting:progress", "manager"),
    ("interchange:ssda903_upload", "manager"),
    ("interchange:ssda903_upload_report", "manager"),
    ("reporting:dashboard", "manager"),
    ("admin:iro_service_auditevent_changelist", "superuser"),
    ("admin:children_team_change", "superuser"),
}


def test_stored_text_is_text_on_every_page_and_in_the_report_pdf():
    world = _build()
    problems, walked = _walk(world)
    assert not problems, f"{len(problems)} problems in {walked} requests:\n" + "\n".join(problems)
    assert walked > 300 and len(world.poisoned) > 60

    # The annual report's PDF is laid out by WeasyPrint from HTML: what people typed (the
    # narrative, names in the figures, a chart's labels) must not become markup there either.
    sections = annual_report_sections(world.year)
    narrative = ReportNarrative.objects.get(start_year=world.year.start_year)
    parts = pdf.report_parts(year=world.year, sections=sections, narrative=narrative)
    charted = Table(key="walk", title=PAYLOAD, columns=[PAYLOAD, SHORT_PAYLOAD], rows=[[PAYLOAD, 3]], chart="bar")
    parts[0].tables = [pdf._table_block(charted, "1.1")]
    parts[0].tables[0].svg = chart_svg(charted)
    html = render_to_string(
        pdf.TEMPLATE,
        {
            "title": pdf.REPORT_TITLE,
            "authority_name": PAYLOAD,
            "year": world.year,
            "next_year": ReportingYear(world.year.start_year + 1),
            "generated_at": timezone.now(),
            "version_label": "Version 1",
            "parts": parts,
        },
    )
    assert ESCAPED in html and ESCAPED in parts[0].tables[0].svg
    assert [raw for raw in RAW if raw in html.lower()] == []


def _walk(world: World) -> tuple[list[str], int]:
    """GET every path of every pattern as every role; what went wrong, and how many requests."""
    fills = _fills(world)
    clients = {"anonymous": Client()}
    for role, user in world.users.items():
        clients[role] = Client()
        clients[role].force_login(user)

    problems: list[str] = []
    rendered: dict[str, set[int]] = {}
    refused = set()
    shown: set[tuple[str, str]] = set()
    walked = 0
    for route, name, pattern in _patterns(get_resolver().url_patterns):
        if _refused_by_the_admin(pattern, world.users["superuser"]):
            refused.add(name)
        paths = _paths(route, name, pattern, world, fills)
        if isinstance(paths, str):
            problems.append(paths)
            continue
        for path in paths:
            if resolve(path.split("?")[0]).func is not pattern.callback:
                problems.append(f"{path} does not resolve to {name}")
                continue
            for role in ADMIN_ROLES if name.startswith("admin:") else ROLES:
                try:
                    response = clients[role].get(path)
                except Exception as error:  # noqa: BLE001 - every failing page is listed, not only the first
                    problems.append(f"GET {path} as {role}: {type(error).__name__}: {error}")
                    continue
                walked += 1
                rendered.setdefault(name, set()).add(response.status_code)
                found, escaped = _problems_in(response)
                problems += [f"GET {path} as {role}: {p}" for p in found]
                if escaped:
                    shown.add((name, role))

    for name, statuses in sorted(rendered.items()):
        if 200 not in statuses and name not in NOT_PAGES and name not in refused:
            problems.append(f"{name}: no role got a page ({sorted(statuses)}); fix the walk's data or add to NOT_PAGES")
    problems += [f"{name} as {role} does not show the stored text at all" for name, role in sorted(MUST_SHOW - shown)]
    return problems, walked


# --- Nothing prints stored text as markup ---------------------------------------------------

FORM_MODULES = (
    "iro_service.forms",
    "children.forms",
    "children.filters",
    "reviews.forms.reviews",
    "reviews.forms.footprint",
    "disputes.forms",
    "disputes.filters",
    "reporting.forms",
    "interchange.forms",
)
#: The only places text is marked safe, each reviewed.
MARKED_SAFE = {
    "reviews/templatetags/review_dates.py": "mark_safe of the four due tags, fixed text written in the module",
    "templates/reporting/pdf/annual_report.html": "|safe of the same SVG in the PDF",
    "templates/emails/deadline_digest_iro.txt": "autoescape off: a plain-text email, not HTML",
    "templates/emails/deadline_digest_manager.txt": "autoescape off: a plain-text email, not HTML",
    "templates/registration/password_reset_email.txt": "autoescape off: a plain-text email, not HTML",
    "templates/two_factor/setup.html": "|safe of segno's QR SVG: path data and a fixed title, no user text",
    "voice/letters.py": "mark_safe of segno's QR SVG of our own link: path data and a fixed title",
    "templates/voice/messages/email.txt": "autoescape off: a plain-text email, not HTML",
    "templates/voice/messages/sms.txt": "autoescape off: a plain-text text message, not HTML",
    "templates/voice/messages/letter.txt": "autoescape off: plain text (Notify's letter or the console)",
}
MARKS_SAFE = {
    ".py": re.compile(r"mark_safe\(|SafeString\(|format_html\(f|html_safe\b"),
    ".html": re.compile(r"\|\s*safe(seq)?\b|autoescape\s+off"),
    ".txt": re.compile(r"\|\s*safe(seq)?\b|autoescape\s+off"),
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_draws_labels_and_hints_as_text_and_nothing_else_is_marked_safe():
    """crispy-forms-gds prints labels, legends and hints with ``|safe``: every form of ours
    (django-filter's forms and formset rows included) binds its fields through TextBoundField,
    which escapes them. And text is marked safe only in the places listed above."""
    for module in FORM_MODULES:
        importlib.import_module(module)
    ours = [f for f in _subclasses(forms.BaseForm) if f.__module__.split(".")[0] in OUR_PACKAGES]
    ours += [f._meta.form for f in _subclasses(FilterSet) if f.__module__.split(".")[0] in OUR_PACKAGES]
    assert len(ours) > 30
    plain = [
        f"{f.__module__}.{f.__qualname__}"
        for f in ours
        if not issubclass(f.bound_field_class or object, TextBoundField)
    ]
    assert plain == [], "forms whose labels and hints crispy-forms-gds would print as HTML"

    root = Path(__file__).resolve().parents[2]
    files = [p for package in OUR_PACKAGES for p in (root / package).rglob("*.py") if "migrations" not in p.parts]
    files += list((root / "templates").rglob("*.*"))
    marked = sorted(
        str(p.relative_to(root))
        for p in files
        if p.suffix in MARKS_SAFE and MARKS_SAFE[p.suffix].search(p.read_text(encoding="utf-8"))
    )
    assert marked == sorted(MARKED_SAFE)
