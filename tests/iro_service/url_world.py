"""One data set for the tests that walk every URL (the role-by-URL matrix and the audit
coverage test): a user for every role, a child held by the first IRO with one record of
every kind, and the URL kwargs that name those records.

The other IRO raised the child's dispute while they held the child, before the child was
reallocated to the first IRO: exactly the record that used to stay visible to them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from children import retention_services
from children import services as children_services
from children.models import CareEpisode, Child, Contact, CoverArrangement, RetentionRequest, SignificantChange
from disputes import services as disputes_services
from disputes.models import Dispute
from iro_service import role_grants
from iro_service.periods import ReportingYear
from reporting import services as reporting_services
from reporting.charts import has_chart
from reporting.dashboard import chart_digest, dashboard_summary_refresh, sections_from_json
from reporting.models import ReportVersion, SSDA903Upload
from reviews import services as reviews_services
from reviews.feeds import calendar_feed_token_create
from reviews.models import Action, Review
from tests.conferences.factories import make_icpc
from tests.disputes.factories import CAFCASS_EVIDENCE, raise_dispute
from tests.factories import ContactFactory, UserFactory, make_child_in_care, make_cover, make_iro
from tests.interchange.helpers import hand_made_texts
from tests.reporting.factories import ready_version
from tests.reviews.factories import held_review

#: The roles every URL is tried as.
ANONYMOUS = "anonymous"
HOLDER = "iro holding the child"
OTHER_IRO = "another iro"
MANAGER = "iro manager"
COMMITTEE = "committee member"
ADMINISTRATOR = "administrator"
NO_ROLE = "user with no role"
ROLES = (ANONYMOUS, HOLDER, OTHER_IRO, MANAGER, COMMITTEE, ADMINISTRATOR, NO_ROLE)

#: Names that appear nowhere else: a response that shows them shows the child's record.
CHILD_FIRST_NAME = "Quenby"
CHILD_LAST_NAME = "Zarkovic"

#: The project's own packages (the demo aside): the code the walks look through.
OUR_PACKAGES = ("iro_service", "children", "reviews", "conferences", "voice", "disputes", "reporting", "interchange")

#: URL namespaces tested elsewhere (the admin helper's tests cover the Django admin).
EXCLUDED_NAMESPACES = ("admin",)


@dataclass
class World:
    users: dict[str, object]
    child: Child
    other_child: Child
    held: Review
    booked: Review
    action: Action
    change: SignificantChange
    dispute: Dispute
    referred: Dispute
    cover: CoverArrangement
    version: ReportVersion
    upload: SSDA903Upload
    year: str
    #: A proposal, by a manager outside the matrix, to destroy the record of a child who died
    #: long ago (past its retention date): the matrix's manager may decide it.
    proposal: RetentionRequest
    #: A person around the child (their carer).
    contact: Contact | None = None
    #: The child's voice (issue 16): ``_voice_records`` below.
    voice: dict[str, object] = field(default_factory=dict)
    kwargs: dict[str, dict] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str
    callback: object
    kwarg_names: tuple[str, ...]


def routes() -> list[Route]:
    """Every named URL pattern of the project except the excluded namespaces."""
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str, kwargs: tuple[str, ...]):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in EXCLUDED_NAMESPACES:
                    continue
                child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                names = kwargs + tuple(entry.pattern.regex.groupindex)
                walk(entry.url_patterns, prefix + str(entry.pattern), child_ns, names)
            elif isinstance(entry, URLPattern):
                names = kwargs + tuple(entry.pattern.regex.groupindex)
                found.append(Route(f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback, names))

    walk(get_resolver().url_patterns, "", "", ())
    return found


def _ready_version(manager) -> ReportVersion:
    year = ReportingYear.containing(timezone.localdate())
    version = ready_version(manager, year=year, content=b"%PDF-1.7 matrix report")
    return reporting_services.report_publish(
        version=version, by=manager, reason="The year in progress, for the matrix."
    )


def dashboard_charts() -> list[dict]:
    """Every chart of the whole service's dashboard, stored as the dashboard stores it: the
    ``pk``, ``key`` and ``digest`` of each chart's URL."""
    summary = dashboard_summary_refresh(start_year=ReportingYear.containing(timezone.localdate()).start_year)
    tables = [table for section in sections_from_json(summary.sections) for table in section.tables]
    return [{"pk": summary.pk, "key": t.key, "digest": chart_digest(t)} for t in tables if has_chart(t)]


def build_world() -> World:
    today = timezone.localdate()
    holder = make_iro(username="matrix_iro_a", first_name="Ada", last_name="Okafor")
    other = make_iro(username="matrix_iro_b", first_name="Ben", last_name="Harris")
    manager = UserFactory(username="matrix_mgr", first_name="Maria", last_name="Lopez", role="IRO manager")
    users = {
        ANONYMOUS: AnonymousUser(),
        HOLDER: holder,
        OTHER_IRO: other,
        MANAGER: manager,
        COMMITTEE: UserFactory(username="matrix_cllr", role="Committee member"),
        ADMINISTRATOR: UserFactory(username="matrix_admin", role="Administrator", is_staff=True),
        NO_ROLE: UserFactory(username="matrix_nobody"),
    }
    started = today - dt.timedelta(days=400)
    # The child was the other IRO's: they raised a dispute, then the child was reallocated.
    child = make_child_in_care(
        iro=other, looked_after_on=started, first_name=CHILD_FIRST_NAME, last_name=CHILD_LAST_NAME
    )
    dispute = raise_dispute(
        child,
        other,
        raised_on=today - dt.timedelta(days=20),
        change_by_when=today + dt.timedelta(days=30),
        today=today,
    )
    children_services.allocation_change(
        child=child, by=manager, iro=holder, starts_on=today - dt.timedelta(days=10), reason="Caseload balance"
    )
    other_child = make_child_in_care(iro=other, looked_after_on=started, first_name="Tamsin", last_name="Ode")

    year = ReportingYear.containing(today)
    held = held_review(
        child,
        iro=holder,
        held_on=max(year.start, today - dt.timedelta(days=30)),
        review_type="subsequent",
        record_due_on=today + dt.timedelta(days=5),
    )
    action = Action.objects.create(
        review=held, child=child, description="Book the health assessment", owner="Nurse", due_on=today
    )
    booked = reviews_services.review_book(child=child, by=holder, booked_for=today + dt.timedelta(days=30))
    change = children_services.significant_change_record(
        child=child, by=manager, category="exclusion", occurred_on=today, description="Excluded", today=today
    )
    referred = raise_dispute(
        child,
        holder,
        category="health",
        raised_on=today - dt.timedelta(days=5),
        change_by_when=today + dt.timedelta(days=30),
        today=today,
    )
    disputes_services.dispute_refer_to_cafcass(
        dispute=referred,
        by=holder,
        referred_on=today,
        **CAFCASS_EVIDENCE,
        today=today,
    )
    # A cover that has ended: it gives the other IRO no sight of the child today.
    cover = make_cover(
        absent_iro=holder,
        covering_iro=other,
        starts_on=today - dt.timedelta(days=9),
        ends_on=today - dt.timedelta(days=2),
        by=manager,
    )
    world = World(
        users=users,
        child=child,
        other_child=other_child,
        held=held,
        booked=booked,
        action=action,
        change=change,
        dispute=dispute,
        referred=referred,
        cover=cover,
        version=_ready_version(manager),
        upload=SSDA903Upload.objects.create(uploaded_by=manager, files=hand_made_texts()),
        year=year.label,
        proposal=_retention_proposal(other, today=today),
    )
    # Child protection work (issue 15): the child's plan made at an initial conference, and a
    # requested initial conference (rows, as the factories make them), both chaired by their IRO.
    on_plan = make_icpc(
        [child], strategy_on=today - dt.timedelta(days=40), chair=holder, held_on=today - dt.timedelta(days=20)
    )
    requested = make_icpc([child], strategy_on=today - dt.timedelta(days=2), chair=holder)
    world.contact = ContactFactory(child=child, role="carer", name="Matrix Carer", created_by=holder)
    child_pk = {"pk": child.pk}
    world.kwargs = {
        **{
            f"children:{name}": child_pk
            for name in (
                "detail",
                "edit",
                "reallocate",
                "episode_change",
                "leave_care",
                "return_to_care",
                "archive",
                "audit",
                "significant_change_create",
                "contacts",
                "contact_add",
            )
        },
        "children:contact_edit": {"pk": world.contact.pk},
        "children:contact_end": {"pk": world.contact.pk},
        "children:cover_end": {"pk": cover.pk},
        "children:significant_change_acknowledge": {"pk": change.pk},
        "children:significant_change_seen": {"pk": change.pk},
        **{
            f"reviews:{name}": {"child_pk": child.pk}
            for name in ("child", "book", "record", "timeline", "visit_create", "midway_create", "case_note_create")
        },
        **{
            f"reviews:{name}": {"pk": held.pk}
            for name in ("detail", "edit", "distribution", "record_pdf", "letter_pdf")
        },
        **{f"reviews:{name}": {"pk": booked.pk} for name in ("reschedule", "cancel", "invitations", "calendar_file")},
        "reviews:action_update": {"pk": action.pk},
        "disputes:raise": {"child_pk": child.pk},
        **{
            f"disputes:{name}": {"pk": dispute.pk}
            for name in ("detail", "respond", "meeting", "escalate", "resolve", "withdraw", "refer")
        },
        "disputes:cafcass_outcome": {"pk": referred.pk},
        **{f"reporting:{name}": {"year": year.label} for name in ("narrative", "generate")},
        **{
            f"reporting:{name}": {"pk": world.version.pk}
            for name in ("progress", "retry", "download", "publish", "withdraw", "tables_csv")
        },
        **{
            f"interchange:{name}": {"pk": world.upload.pk}
            for name in ("ssda903_upload", "ssda903_upload_report", "ssda903_upload_import", "ssda903_upload_retry")
        },
        **_account_kwargs(users),
        "children:retention_propose": child_pk,
        "children:retention_request": {"pk": world.proposal.pk},
        "reporting:dashboard_chart": dashboard_charts()[0],
        "reviews:calendar_feed_ics": {"token": calendar_feed_token_create(by=holder).raw},
        **{f"conferences:{name}": {"pk": requested.pk} for name in ("allocate_chair", "book", "move", "cancel")},
        "conferences:review_book": {"pk": on_plan.pk},
        **_conference_kwargs(child, on_plan, today=today),
    }
    world.voice = _voice_records(world, holder)
    # The child's voice, the public forms (issue 16): the carer's live link opens its form.
    world.kwargs["voice:form"] = {"token": world.voice["carer_raw"]}
    world.kwargs |= _voice_sending_kwargs(world, holder)
    world.kwargs.update(_feedback_quote_kwargs(world))
    # The IRO's answers (issue 16, voice/views/iro.py): the child's consultation answer.
    world.kwargs |= {name: {"pk": world.voice["consultation"].pk} for name in ("voice:answer", "voice:answer_copy")}
    return world


def _voice_sending_kwargs(world: World, holder) -> dict[str, dict]:
    """Sending links (issue 16, voice.views.send): the booked review's consultation page, the
    held review's feedback page, and a live feedback link to the carer to revoke (its own, so a
    revoke in the walk leaves ``world.voice``'s carer link live for the public form)."""
    from voice import services as voice_services
    from voice.codes import Channel, Purpose, Respondent

    to_revoke = voice_services.link_create(
        review=world.held,
        purpose=Purpose.FEEDBACK,
        respondent=Respondent.CARER,
        contact=world.contact,
        channel=Channel.LETTER,
        by=holder,
    )
    world.voice["revoke_link"] = to_revoke.link
    return {
        "voice:consultation_send": {"pk": world.booked.pk},
        "voice:feedback_send": {"pk": world.held.pk},
        "voice:link_revoke": {"pk": to_revoke.link.pk},
    }


def _feedback_quote_kwargs(world: World) -> dict[str, dict]:
    """The manager's feedback comments (issue 16, reporting.feedback_views): the year of the
    child's feedback, the feedback itself, and a quote the manager chose from it."""
    from voice.services.quotes import feedback_quote_choose, quote_year

    feedback = world.voice["feedback"]
    label = quote_year(feedback).label
    chosen = feedback_quote_choose(response=feedback, text="Good meeting", by=world.users[MANAGER])
    return {
        "reporting:feedback_comments": {"year": label},
        "reporting:feedback_quote": {"year": label, "pk": feedback.pk},
        "reporting:feedback_quote_withdraw": {"pk": chosen.pk},
    }


def _voice_records(world: World, holder) -> dict[str, object]:
    """The child's voice (issue 16): before the booked review, the child answered their
    consultation and their carer's link is live (``carer_raw`` opens it); after the held review,
    the child gave feedback with a comment. The pages of ``voice`` name these in their kwargs."""
    from voice import services as voice_services
    from voice.codes import Channel, Purpose, Respondent

    def made(review, purpose, respondent, contact=None):
        return voice_services.link_create(
            review=review, purpose=purpose, respondent=respondent, contact=contact, channel=Channel.EMAIL, by=holder
        )

    consulted = made(world.booked, Purpose.CONSULTATION, Respondent.CHILD)
    consultation = voice_services.response_submit(
        raw=consulted.raw, data={"home": "good", "talk_about": "Seeing my sister", "attend": "no"}
    )
    carer = made(world.booked, Purpose.CONSULTATION, Respondent.CARER, world.contact)
    fed_back = made(world.held, Purpose.FEEDBACK, Respondent.CHILD)
    feedback = voice_services.response_submit(
        raw=fed_back.raw, data={"know_plan": "yes", "involved": "sort_of", "better": "yes", "comment": "Good meeting"}
    )
    return {
        "carer_raw": carer.raw,
        "carer_link": carer.link,
        "consultation": consultation,
        "feedback": feedback,
    }


def _conference_kwargs(child, conference, *, today: dt.date) -> dict[str, dict]:
    """The first IRO also chairs the child's child protection conferences: the initial conference
    held (its plan, with an action and a core group member) for the chair's pages."""
    from conferences.models import CoreGroupMember, PlanAction

    plan = conference.plans_started.get()
    action = PlanAction.objects.create(
        plan=plan, conference=conference, child=child, description="Visit", owner="HV", due_on=today
    )
    member = CoreGroupMember.objects.create(plan=plan, name="Core", agency="health", joined_on=plan.started_on)
    return {
        **{
            f"conferences:{name}": {"pk": conference.pk}
            for name in ("chair_detail", "record", "minutes", "minutes_sent", "minutes_pdf")
        },
        "conferences:plan": {"pk": plan.pk},
        "conferences:plan_action_update": {"pk": action.pk},
        "conferences:core_group_leave": {"pk": member.pk},
    }


def _retention_proposal(iro, *, today: dt.date) -> RetentionRequest:
    """A child who died aged 10, twenty years ago, and a proposal to destroy their record."""
    died_on = today - dt.timedelta(days=20 * 366)
    retired = make_child_in_care(
        iro=iro,
        looked_after_on=died_on - dt.timedelta(days=400),
        date_of_birth=died_on - dt.timedelta(days=10 * 366),
        first_name="Olwen",
        last_name="Past",
    )
    CareEpisode.objects.filter(child=retired).update(ended_on=died_on, reason_ceased="E2")
    retired.allocations.update(ended_on=died_on)
    proposer = UserFactory(username="matrix_mgr_2", role="IRO manager")
    return retention_services.retention_request_propose(
        child=retired, by=proposer, action="destroy", reason="Past its retention date", today=today
    )


def _account_kwargs(users) -> dict[str, dict]:
    """Staff accounts the role-grant and password-reset URLs name (none of them a role in the matrix)."""
    admin = users[ADMINISTRATOR]
    to_approve, to_refuse = (UserFactory(username=f"matrix_candidate_{n}") for n in (1, 2))
    holder = UserFactory(username="matrix_holder", role="Committee member")
    resetting = UserFactory(username="matrix_resetting", email="resetting@example.org")
    return {
        "role_request_approve": {"pk": role_grants.role_grant_request(user=to_approve, role="IRO", by=admin).pk},
        "role_request_refuse": {"pk": role_grants.role_grant_request(user=to_refuse, role="IRO", by=admin).pk},
        "role_remove": {"user_pk": holder.pk},
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(resetting.pk)),
            "token": default_token_generator.make_token(resetting),
        },
    }


#: The child each audited page names, by URL name (None: a record about no one child).
def expected_child(world: World, name: str) -> int | None:
    if name in ("reporting:feedback_quote", "reporting:feedback_quote_withdraw"):
        return world.voice["feedback"].child_id  # one child's comment, quoted (issue 16)
    if name.startswith(("reporting:", "interchange:")):
        return None
    if name == "children:retention_request":
        return world.proposal.child_id
    return world.child.pk


#: Query strings some pages need to show their data.
QUERY = {
    "interchange:ssda903_export": "?year={year}",
    # The calendars' month of the booked review (booked 30 days ahead in build_world).
    **{
        f"reviews:{name}": f"?view=month&month={timezone.localdate() + dt.timedelta(days=30):%Y-%m}"
        for name in ("calendar", "service_calendar")
    },
}
