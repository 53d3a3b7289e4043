"""Reads about children, answered in SQL. One method per question, in domain words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import LessThan
from django.utils import timezone

from iro_service.models import RoleName, UndeletableQuerySet

from .codes import AGE_BAND_YEARS, AgeBand, AllocationWork, ContactRole, ReasonEpisodeCeased
from .retention import ADULT_AGE, retention_cutoffs
from .search import search_words

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def years_before(on: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February becomes 28 February in a common year."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def _model(name: str):
    return apps.get_model("children", name)


def sees_every_child(user: User) -> bool:
    """A manager (or anyone with the capability) sees every child in the service."""
    return user.is_authenticated and user.is_active and user.has_perm("children.view_all_children")


class ChildQuerySet(UndeletableQuerySet):
    def visible_to(self, user: User, *, on: date | None = None, work: str | None = None):
        """The children ``user`` may see: a manager sees all; an IRO (or a child protection
        chair) the children allocated to them and to any IRO they cover on ``on``, for either
        kind of work (``AllocationWork``: the IRO of a child in care and the chair of a child's
        conferences both see the child, docs/decisions/0009); anyone else (committee,
        administrator) none. ``work`` narrows an IRO's children to one kind of allocation: the
        services that act on looked-after work (recording a review) ask for that kind, so a
        conference chair reads a child's reviews but does not record them.

        Every record about a child is visible exactly when the child is: their querysets
        answer ``visible_to`` through this method (``VisibleThroughChild``)."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if sees_every_child(user):
            return self
        if not user.has_perm("children.view_caseload"):
            return self.none()
        return self.held_or_covered_by(user, on=on, work=work)

    def held_or_covered_by(self, user: User, *, on: date | None = None, work: str | None = None):
        """The children allocated now to ``user``, or to an IRO ``user`` covers on ``on`` (for
        ``work`` only, when given): the children whose IRO or conference chair ``user`` is,
        whatever else they may see.

        Written as ``iro IN (user UNION the IROs user covers)``, never as ``iro = user OR iro IN
        (...)``: with the OR, PostgreSQL cannot use the open-allocations index and reads every
        allocation in the service (docs/decisions/0007-visibility-by-iro-list.md)."""
        allocations = _model("IROAllocation").objects.filter(
            child=OuterRef("pk"),
            ended_on__isnull=True,
            iro__in=_model("CoverArrangement").objects.iros_of(user, on=on),
        )
        if work is not None:
            allocations = allocations.filter(work=work)
        return self.filter(Exists(allocations))

    def active(self):
        """Not archived."""
        return self.filter(archived_at__isnull=True)

    def matching(self, query: str):
        """The children found by ``query``: every word of it, folded (children/search.py), is
        part of their ``search_text``; so a full name in either order, a preferred name, either
        name alone, a local reference or a UPN finds them, whatever the case or accents. On
        PostgreSQL each word is a ``LIKE '%word%'`` that the trigram index on ``search_text``
        serves (children/migrations/0014_search_text.py). Nothing to search for: all of them."""
        for word in search_words(query):
            self = self.filter(search_text__contains=word)
        return self

    def awaiting_name(self):
        """Children imported from SSDA903 (which holds no names) whose names are still to enter."""
        return self.filter(name_to_be_entered=True)

    def in_care(self):
        """Looked after now: the child has an open care episode."""
        return self.filter(Exists(_model("CareEpisode").objects.filter(child=OuterRef("pk"), ended_on__isnull=True)))

    def closed(self):
        """Closed records: the child has no open care episode. Only these have a retention date."""
        return self.filter(~Exists(_model("CareEpisode").objects.filter(child=OuterRef("pk"), ended_on__isnull=True)))

    def with_retention(self):
        """Annotate what ``Child.retention`` needs (children/retention.py, docs/rules.md#retention):
        ``has_open_episode``; ``died_on``, the end of the child's last episode that ceased with
        reason E2 (died), since the child has no date-of-death field; and
        ``died_before_adulthood``, whether that was before their 18th birthday."""
        deaths = _model("CareEpisode").objects.filter(
            child=OuterRef("pk"), reason_ceased=ReasonEpisodeCeased.E2, ended_on__isnull=False
        )
        open_episodes = _model("CareEpisode").objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
        died_on = Subquery(deaths.order_by("-ended_on", "-pk").values("ended_on")[:1], output_field=DateField())
        # Age at death in whole years, as children.ages.age_on counts it, from year, month and day.
        birthday_not_reached = LessThan(
            ExtractMonth("died_on") * 100 + ExtractDay("died_on"),
            ExtractMonth("date_of_birth") * 100 + ExtractDay("date_of_birth"),
        )
        age_at_death = (
            ExtractYear("died_on")
            - ExtractYear("date_of_birth")
            - Case(When(birthday_not_reached, then=Value(1)), default=Value(0))
        )
        return self.annotate(has_open_episode=Exists(open_episodes), died_on=died_on).annotate(
            died_before_adulthood=Case(
                When(LessThan(age_at_death, ADULT_AGE), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def past_retention(self, *, on: date):
        """Closed records whose retention date (``children.retention.retention_date``) is on or
        before ``on``, annotated as ``with_retention``: the records a manager may now propose
        to anonymise or destroy. A record already anonymised holds no personal data: not listed."""
        cutoffs = retention_cutoffs(
            on=on,
            years_after_birth=settings.RETENTION_YEARS_AFTER_BIRTH,
            years_after_death=settings.RETENTION_YEARS_AFTER_DEATH,
        )
        return (
            self.with_retention()
            .filter(has_open_episode=False, anonymised_at__isnull=True)
            .filter(
                Q(died_before_adulthood=True, died_on__lte=cutoffs.died_on_or_before)
                | Q(died_before_adulthood=False, date_of_birth__lte=cutoffs.born_on_or_before)
            )
        )

    def with_pending_retention_request(self):
        """Annotate ``pending_retention_request_id`` and ``pending_retention_action``: the
        proposal waiting for a second manager, if any."""
        pending = _model("RetentionRequest").objects.filter(child=OuterRef("pk"), status="pending")
        return self.annotate(
            pending_retention_request_id=Subquery(pending.values("pk")[:1]),
            pending_retention_action=Subquery(pending.values("action")[:1]),
        )

    def without_iro(self):
        """No open IRO allocation, including children never allocated one (an
        ``exclude(allocations__ended_on__isnull=True)`` would drop those)."""
        return self.filter(
            ~Exists(_model("IROAllocation").objects.looked_after().filter(child=OuterRef("pk"), ended_on__isnull=True))
        )

    def allocated_to(self, iro):
        return self.filter(
            Exists(
                _model("IROAllocation")
                .objects.looked_after()
                .filter(child=OuterRef("pk"), ended_on__isnull=True, iro=iro)
            )
        )

    def with_legal_status(self, code: str):
        return self.filter(
            Exists(_model("CareEpisode").objects.filter(child=OuterRef("pk"), ended_on__isnull=True, legal_status=code))
        )

    def with_placement_type(self, code: str):
        return self.filter(
            Exists(
                _model("CareEpisode").objects.filter(child=OuterRef("pk"), ended_on__isnull=True, placement_type=code)
            )
        )

    def aged(self, band: str, *, on: date | None = None):
        """Children whose age on ``on`` falls in the SSDA903 age ``band``."""
        on = on or timezone.localdate()
        youngest, oldest = AGE_BAND_YEARS[AgeBand(band)]
        return self.filter(
            date_of_birth__lte=years_before(on, youngest), date_of_birth__gt=years_before(on, oldest + 1)
        )

    def with_looked_after_since(self):
        """Annotate ``looked_after_since``: the start of the child's latest period of care."""
        starts = _model("CareEpisode").objects.filter(child=OuterRef("pk"), reason_new_episode="S")
        return self.annotate(looked_after_since=Subquery(starts.order_by("-started_on").values("started_on")[:1]))

    def for_list(self):
        """Everything a list of children shows, in three queries whatever the number of rows:
        the children, their latest episode, their open allocation with its IRO."""
        episode = _model("CareEpisode").objects.order_by("child_id", "-started_on", "-pk")
        allocation = _model("IROAllocation").objects.looked_after().filter(ended_on__isnull=True).select_related("iro")
        return self.with_looked_after_since().prefetch_related(
            Prefetch("episodes", queryset=episode, to_attr="_episodes_latest_first"),
            Prefetch("allocations", queryset=allocation, to_attr="_open_allocations"),
        )

    def for_record(self):
        """Everything the child's record page shows, in a fixed number of queries."""
        allocations = (
            _model("IROAllocation").objects.select_related("iro", "allocated_by").order_by("-started_on", "-pk")
        )
        return (
            self.with_looked_after_since()
            .select_related("sibling_group", "archived_by")
            .prefetch_related(
                Prefetch(
                    "episodes",
                    queryset=_model("CareEpisode").objects.order_by("child_id", "-started_on", "-pk"),
                    to_attr="_episodes_latest_first",
                ),
                Prefetch("allocations", queryset=allocations, to_attr="_allocations_latest_first"),
            )
        )


class VisibleThroughChild:
    """For the QuerySet of any record about one child (reviews, actions, visits, notes,
    disputes, significant changes, episodes...): ``visible_to(user)`` is exactly the records
    whose child ``Child.objects.visible_to(user)`` holds. Nothing else (who wrote or raised the
    record, who chaired it) makes a record visible: an IRO who no longer holds the child no
    longer sees anything about them."""

    #: The lookup from the record to its child, e.g. ``"dispute__child"``.
    child_lookup = "child"

    def visible_to(self, user: User, *, on: date | None = None, work: str | None = None):
        if sees_every_child(user):
            return self.all()  # every record has a child: no join to the whole children table
        children = _model("Child").objects.visible_to(user, on=on, work=work)
        return self.filter(**{f"{self.child_lookup}__in": children})


class ChildRecordQuerySet(VisibleThroughChild, UndeletableQuerySet):
    """The QuerySet of a kept (never deleted) record about one child."""


class CareEpisodeQuerySet(ChildRecordQuerySet):
    def open(self):
        return self.filter(ended_on__isnull=True)

    def first_started_on(self) -> date | None:
        """The day the earliest of these episodes began: of one child's, the day they first became
        looked after (``None`` if they never were)."""
        return self.order_by("started_on").values_list("started_on", flat=True).first()


class SignificantChangeQuerySet(ChildRecordQuerySet):
    def unacknowledged(self):
        return self.filter(acknowledged_on__isnull=True)


class IROAllocationQuerySet(ChildRecordQuerySet):
    def open(self):
        return self.filter(ended_on__isnull=True)

    def looked_after(self):
        """Allocations to chair the child's looked-after reviews: the IRO's caseload of children
        in care (every read that means "the child's IRO" goes through this)."""
        return self.filter(work=AllocationWork.LOOKED_AFTER)

    def child_protection(self):
        """Allocations to chair the child's child protection conferences."""
        return self.filter(work=AllocationWork.CHILD_PROTECTION)


class ContactQuerySet(ChildRecordQuerySet):
    def current(self, *, on: date | None = None):
        """The people who hold their role on ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), started_on__lte=on)

    def former(self, *, on: date | None = None):
        """The people who had stopped holding their role before ``on`` (today by default)."""
        return self.filter(ended_on__lt=on or timezone.localdate())

    def in_role_order(self):
        """By role in the order ``ContactRole`` lists them (social worker first), then by name."""
        position = Case(
            *(When(role=value, then=Value(n)) for n, value in enumerate(ContactRole.values)), default=Value(99)
        )
        return self.order_by(position, "name", "pk")


class CoverArrangementQuerySet(UndeletableQuerySet):
    def active(self, *, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def covered_by(self, user: User):
        """The absent IROs whose children ``user`` covers (a values queryset for ``__in``)."""
        return self.filter(covering_iro=user).values("absent_iro")

    def absent_on(self, on: date | None = None):
        """The cover of IROs on leave on ``on``, by the absent IRO's name."""
        return (
            self.active(on=on)
            .select_related("absent_iro", "covering_iro")
            .order_by("absent_iro__last_name", "absent_iro__first_name", "starts_on")
        )

    def iros_of(self, user: User, *, on: date | None = None):
        """``user`` and the absent IROs ``user`` covers on ``on``: the IROs whose children
        ``user`` holds, as one subquery for ``iro__in`` (a UNION, so an index on the IRO serves it)."""
        me = get_user_model().objects.filter(pk=user.pk).values("pk")
        return me.union(self.active(on=on).covered_by(user).order_by())


def _open_allocation_count(iro, *, work: str = AllocationWork.LOOKED_AFTER):
    """How many children ``iro`` holds now for ``work``, read from the open-allocations index alone
    (a join to every allocation, closed ones included, grows with the service's history)."""
    held = _model("IROAllocation").objects.filter(work=work, iro=iro, ended_on__isnull=True).order_by()
    return Coalesce(Subquery(held.values("iro").annotate(n=Count("child")).values("n")), 0)


#: What builds the family of a child protection allocation (an expression in which
#: ``OuterRef("child")`` is the allocation's child, null when the child has no conference yet).
#: The app that knows families (``conferences``, in its ``AppConfig.ready``) registers it, so
#: this app names none of its models (tests/iro_service/test_dependency_direction.py).
_family_key: list[Callable[[], Any]] = []


def register_family_key(build: Callable[[], Any]) -> None:
    """Count families with ``build()`` (``conferences.querysets.family_key``)."""
    _family_key[:] = [build]


def _families_count(iro):
    """How many families ``iro`` chairs conferences for now: the distinct families of their
    children on child protection work (children sharing a conference are one family); a child
    with no conference yet is a family of their own (docs/rules.md#caseloads)."""
    held = _model("IROAllocation").objects.child_protection().filter(iro=iro, ended_on__isnull=True).order_by()
    if not _family_key:
        return _open_allocation_count(iro, work=AllocationWork.CHILD_PROTECTION)
    keyed = held.annotate(family=_family_key[0]())
    count = Count("family", distinct=True) + Count("pk", filter=Q(family__isnull=True))
    return Coalesce(Subquery(keyed.values("iro").annotate(n=count).values("n")), 0)


def _load(iro, *, on: date | None) -> dict[str, Any]:
    """The annotations of a person's load: ``caseload`` (looked-after children held now),
    ``child_protection`` (children whose conferences they chair now), ``families`` (those
    children's families) and ``covering`` (looked-after children of absent IROs they cover)."""
    return {
        "caseload": _open_allocation_count(iro),
        "child_protection": _open_allocation_count(iro, work=AllocationWork.CHILD_PROTECTION),
        "families": _families_count(iro),
        "covering": _covered_children_count(iro, on=on),
    }


def _covered_children_count(iro, *, on: date | None):
    """How many children ``iro`` covers on ``on``: the open allocations of every IRO they cover
    that day, read with one join (no query per IRO)."""
    on = on or timezone.localdate()
    covered = (
        _model("IROAllocation")
        .objects.looked_after()
        .filter(
            Q(iro__covers_given__ends_on__isnull=True) | Q(iro__covers_given__ends_on__gte=on),
            ended_on__isnull=True,
            iro__covers_given__covering_iro=iro,
            iro__covers_given__starts_on__lte=on,
        )
    )
    count = Func(F("child"), function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
    return Coalesce(Subquery(covered.order_by().annotate(n=count).values("n")[:1]), 0)


def iros_with_load(iros, *, on: date | None = None):
    """``iros`` (a queryset of users) with ``caseload`` (looked-after children allocated now),
    ``child_protection`` and ``families`` (their child protection work), ``covering`` (children
    of absent IROs they cover on ``on``) and ``on_leave`` (another IRO covers them on ``on``): one
    query for any number of IROs."""
    absences = _model("CoverArrangement").objects.active(on=on).filter(absent_iro=OuterRef("pk"))
    return iros.annotate(**_load(OuterRef("pk"), on=on), on_leave=Exists(absences))


def _cover_prefetches(on: date | None, prefix: str = "") -> list[Prefetch]:
    cover = _model("CoverArrangement").objects.active(on=on)
    return [
        Prefetch(f"{prefix}covers_given", queryset=cover.select_related("covering_iro"), to_attr="active_cover_given"),
        Prefetch(f"{prefix}covers_taken", queryset=cover.select_related("absent_iro"), to_attr="active_cover_taken"),
    ]


def caseload_staff():
    """Whose caseload the table shows: every active user with an IRO profile, and every active
    child protection chair, with or without one. A chair with no profile counts as full time
    (``fte`` 1.00) with ``has_profile`` false, so the page can say so (docs/rules.md#caseloads)."""
    users = get_user_model().objects.filter(is_active=True)
    chair_ids = get_user_model().objects.filter(groups__name=RoleName.CP_CHAIR.value).values("pk")
    return users.filter(Q(iro_profile__isnull=False) | Q(pk__in=chair_ids)).annotate(
        fte=Coalesce(
            F("iro_profile__fte"), Value(Decimal("1.00")), output_field=DecimalField(max_digits=3, decimal_places=2)
        ),
        has_profile=Exists(_model("IROProfile").objects.filter(user=OuterRef("pk"))),
    )


def staff_with_caseload(staff, *, on: date | None = None):
    """``staff`` (``caseload_staff()``) with their load (``_load``), their team's name and the
    cover they give and receive on ``on``, by team and name: three queries whatever the number of
    people or children."""
    return (
        staff.annotate(**_load(OuterRef("pk"), on=on), team_name=F("iro_profile__team__name"))
        .prefetch_related(*_cover_prefetches(on))
        .order_by("iro_profile__team__name", "last_name", "first_name", "pk")
    )


class IROProfileQuerySet(models.QuerySet):
    def active(self):
        """The IROs who can still sign in: the caseload table's rows and its totals."""
        return self.filter(user__is_active=True)

    def with_caseload(self, *, on: date | None = None):
        """Each active IRO with ``caseload`` (looked-after children allocated now),
        ``child_protection`` and ``families`` (their child protection work), ``covering`` (children
        of absent IROs they cover on ``on``), their team, and the cover they give and receive on
        ``on``: three queries whatever the number of IROs or children."""
        return (
            self.active()
            .select_related("user", "team")
            .annotate(**_load(OuterRef("user"), on=on))
            .prefetch_related(*_cover_prefetches(on, prefix="user__"))
            .order_by("team__name", "user__last_name", "user__first_name")
        )


class RetentionRequestQuerySet(ChildRecordQuerySet):
    def pending(self):
        return self.filter(status="pending")

    def carried_out(self):
        return self.filter(status="carried_out")

    def visible_to(self, user: User, *, on: date | None = None, work: str | None = None):
        """Requests about a child ``user`` may see, and the ones carried out (they name no child;
        the pages that show them need the retention capability)."""
        return self.filter(Q(child__isnull=True) | Q(pk__in=super().visible_to(user, on=on, work=work).values("pk")))

    def for_review(self):
        return self.select_related("child", "proposed_by", "decided_by")
