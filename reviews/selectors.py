"""Reads for the review pages, in a fixed number of queries whatever the caseload."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    Window,
)
from django.db.models.functions import Concat, Trim

from children.codes import LegalStatus, PlacementType
from children.models import CareEpisode, Child, Contact, IROAllocation
from children.querysets import ChildQuerySet
from children.selectors import unacknowledged_significant_changes
from iro_service.periods import ReportingYear

from . import deadlines, distribution
from .calendar import local_non_working_days
from .codes import DistributedDocument
from .models import Action, DocumentSent, Review, ReviewDateChange, ReviewDue, ReviewSchedule
from .querysets import DueFigures, DueWindow

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class DeadlineStatus(TextChoices):
    """Where a child's next review stands, as ``reviews.deadlines.due_status`` judges it from the
    cached due date; ``deadline_conditions`` asks the same in SQL."""

    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due within 15 working days"
    NOT_KNOWN = "not_known", "First review date not known"


def deadline_conditions(*, today: date, due_soon_until: date) -> dict[str, Q]:
    """Each ``DeadlineStatus`` as a condition on a Child queryset, over the same cached columns
    (``ReviewSchedule.next_due_on``, ``first_due_unknown``) that ``caseload_rows`` judges in
    Python: overdue once ``today`` is after the due date; due soon from ``today`` to
    ``due_soon_until`` (``reviews.deadlines.due_soon_until``, the one rule for "due soon")."""
    return {
        DeadlineStatus.OVERDUE: Q(review_schedule__next_due_on__lt=today),
        DeadlineStatus.DUE_SOON: Q(
            review_schedule__next_due_on__gte=today, review_schedule__next_due_on__lte=due_soon_until
        ),
        DeadlineStatus.NOT_KNOWN: Q(review_schedule__first_due_unknown=True),
    }


#: The children at the head of the deadline order: a due date, or a first review date not
#: known (they come first). The rest (no date, or no schedule yet) follow, by name.
DATED = Q(review_schedule__first_due_unknown=True) | Q(review_schedule__next_due_on__isnull=False)
#: Within a date, children by name; the primary key breaks ties.
NAME_ORDER = ("last_name", "first_name", "pk")


@dataclass(frozen=True)
class DeadlineCounts:
    children: int
    overdue: int
    due_soon: int
    not_known: int
    #: How many have a due date or an unknown first date (``DATED``): where ``DeadlineOrder``
    #: passes from the dated part to the rest.
    dated: int


def deadline_counts(children: QuerySet[Child], *, conditions: dict[str, Q]) -> DeadlineCounts:
    """How many of ``children`` there are, and how many are overdue, due soon or whose first
    review date is not known: one aggregate query, whatever the number of children."""
    figures = children.aggregate(
        children=Count("pk"),
        dated=Count("pk", filter=DATED),
        **{str(status): Count("pk", filter=condition) for status, condition in conditions.items()},
    )
    return DeadlineCounts(**figures)


def _with_row_facts(children: ChildQuerySet) -> ChildQuerySet:
    """The schedule (one join), and the open episode's legal status and placement, the IRO's
    name and the start of care (each a subquery, computed for the rows fetched only)."""
    episode = CareEpisode.objects.open().filter(child=OuterRef("pk")).order_by("-started_on", "-pk")
    allocation = IROAllocation.objects.looked_after().open().filter(child=OuterRef("pk")).order_by("-started_on", "-pk")
    iro_name = Trim(Concat("iro__first_name", Value(" "), "iro__last_name", output_field=CharField()))
    return (
        children.with_looked_after_since()
        .select_related("review_schedule")
        .annotate(
            open_legal_status=Subquery(episode.values("legal_status")[:1]),
            open_placement_type=Subquery(episode.values("placement_type")[:1]),
            iro_name=Subquery(allocation.values(name=iro_name)[:1]),
        )
    )


class DeadlineOrder:
    """``children`` in the order of the deadlines pages: a child whose first review's date is not
    known first of all (so that an import that began part-way through care never hides them at
    the bottom), then the soonest due, those with no date last, then by name, with the primary
    key as the tiebreaker; each with what a row shows (``_with_row_facts``).

    A list that fetches only the slice asked for, in two parts that each read in index order
    instead of sorting every child of the service:

    1. the ``dated`` children (``DATED``: every child with a schedule that has a due date or an
       unknown first date), in the order of the index ``schedule_deadline_order``
       (``first_due_unknown`` descending, then ``next_due_on``), with the names sorted within
       each date as the rows are read;
    2. after them, the children with no date, by name.

    In that order a dated child always comes before one with no date, so the two parts joined are
    the one order (tests/reviews/test_deadline_order.py compares them with one ordered query).
    ``dated`` is ``DeadlineCounts.dated``, counted by the page's one aggregate."""

    def __init__(self, children: ChildQuerySet, *, count: int, dated: int):
        self.children, self.total, self.dated = children, count, dated

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def _dated(self) -> ChildQuerySet:
        return _with_row_facts(self.children.filter(DATED)).order_by(
            F("review_schedule__first_due_unknown").desc(),
            F("review_schedule__next_due_on").asc(nulls_last=True),  # PostgreSQL's own for ASC: the index's
            *NAME_ORDER,
        )

    def _undated(self) -> ChildQuerySet:
        return _with_row_facts(self.children.exclude(DATED)).order_by(*NAME_ORDER)

    def __getitem__(self, window: slice) -> list[Child]:
        start, stop = window.start or 0, self.total if window.stop is None else window.stop
        rows: list[Child] = []
        if start < self.dated:
            rows += self._dated()[start : min(stop, self.dated)]
        if stop > self.dated:
            rows += self._undated()[max(start - self.dated, 0) : stop - self.dated]
        return rows

    def streamed(self, *, chunk_size: int) -> Iterator[Child]:
        """Every child, in this order, read ``chunk_size`` at a time from each part (an export)."""
        yield from self._dated().iterator(chunk_size=chunk_size)
        yield from self._undated().iterator(chunk_size=chunk_size)


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    next_due_on: date | None
    booked_for: date | None
    state: deadlines.DueState | None
    #: Why it is due then, in words (docs/rules.md#review-timescales), or why the date is not known.
    reason: str = ""
    first_due_unknown: bool = False
    legal_status: str = ""
    legal_status_label: str = ""
    placement_type: str = ""
    placement_type_label: str = ""
    iro_name: str = ""


LEGAL_STATUSES = dict(LegalStatus.choices)
PLACEMENT_TYPES = dict(PlacementType.choices)


def caseload_rows(children: Iterable[Child], *, today: date) -> list[CaseloadRow]:
    """Each child (fetched through ``DeadlineOrder``, in that order) with their next review
    due, the booked date and the deadline status. No query, unless the authority's closure days
    move local targets (then one, for the calendar)."""
    children = list(children)
    schedules = [getattr(child, "review_schedule", None) for child in children]
    due_dates = [s.next_due_on for s in schedules if s and s.next_due_on]
    calendar = local_non_working_days(min([today, *due_dates]), today)
    result = []
    for child, schedule in zip(children, schedules, strict=True):
        due = schedule.next_due_on if schedule else None
        # What ``_with_row_facts`` annotated: the open episode's codes and the IRO's name.
        facts: Any = child
        legal_status, placement_type = facts.open_legal_status or "", facts.open_placement_type or ""
        result.append(
            CaseloadRow(
                child=child,
                next_due_on=due,
                booked_for=schedule.booked_for if schedule else None,
                state=deadlines.due_status(due, today=today, non_working=calendar) if due else None,
                reason=schedule.next_reason_for(child.first_name) if schedule else "",
                first_due_unknown=bool(schedule and schedule.first_due_unknown),
                legal_status=legal_status,
                legal_status_label=LEGAL_STATUSES.get(legal_status, legal_status),
                placement_type=placement_type,
                placement_type_label=PLACEMENT_TYPES.get(placement_type, placement_type),
                iro_name=facts.iro_name or "",
            )
        )
    return result


def deadline_rows_streamed(children: ChildQuerySet, *, today: date, chunk_size: int) -> Iterator[CaseloadRow]:
    """Every one of ``children`` as a ``caseload_rows`` row, in the deadlines pages' order
    (``DeadlineOrder``), read and judged ``chunk_size`` children at a time: a fixed number of
    queries per chunk, and never the whole service in memory (the service page's CSV)."""
    batch: list[Child] = []
    for child in DeadlineOrder(children, count=0, dated=0).streamed(chunk_size=chunk_size):
        batch.append(child)
        if len(batch) == chunk_size:
            yield from caseload_rows(batch, today=today)
            batch = []
    if batch:
        yield from caseload_rows(batch, today=today)


class KnownCountPaginator(Paginator):
    """A paginator told how many rows there are, so that it asks no ``COUNT(*)`` of its own."""

    def __init__(self, object_list, per_page: int, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def _page_number(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def counted_page(queryset: QuerySet, number: str | None, *, per_page: int | None, count: int | None = None) -> Page:
    """Page ``number`` of ``queryset`` (all of it when ``per_page`` is None), fetched as a list,
    and how many rows there are in all: ``count`` when the caller knows it, else from the same
    query (``COUNT(*) OVER ()`` beside the rows). A page past the end (an old link) shows the
    last page, at the cost of a count when the number was not known."""
    if per_page is None:
        rows = list(queryset[0:count] if count is not None else queryset)
        return KnownCountPaginator(rows, max(len(rows), 1), count=len(rows)).page(1)
    wanted = _page_number(number)
    if count is None:
        rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[(wanted - 1) * per_page : wanted * per_page])
        if rows or wanted == 1:
            return Page(rows, wanted, KnownCountPaginator(queryset, per_page, count=rows[0].rows_in_all if rows else 0))
        count = queryset.count()
    page = KnownCountPaginator(queryset, per_page, count=count).get_page(wanted)
    page.object_list = list(page.object_list)
    return page


@dataclass(frozen=True)
class DeadlineListing:
    """What a deadlines page shows of ``children``: the counts, a page of children in deadline
    order, and a page each of late review records, overdue actions and significant changes to
    acknowledge (each page knows how many there are in all)."""

    counts: DeadlineCounts
    children: Page
    rows: list[CaseloadRow]
    records_overdue: Page
    actions_overdue: Page
    changes: Page


#: The query parameter of each section's page number.
PAGE_PARAMETERS = {"children": "page", "records": "records_page", "actions": "actions_page", "changes": "changes_page"}


def deadline_listing(
    children: ChildQuerySet,
    *,
    user: User,
    today: date,
    due_soon_until: date,
    per_page: int | None,
    pages: Mapping[str, str],
) -> DeadlineListing:
    """The deadlines of ``children`` (already narrowed to those ``user`` may see), a page of
    ``per_page`` rows per section (every row when None), the page numbers read from ``pages``
    (``PAGE_PARAMETERS``): six queries whatever the number of children."""
    counts = deadline_counts(children, conditions=deadline_conditions(today=today, due_soon_until=due_soon_until))
    page = counted_page(
        DeadlineOrder(children, count=counts.children, dated=counts.dated),  # type: ignore[arg-type]
        pages.get(PAGE_PARAMETERS["children"]),
        per_page=per_page,
        count=counts.children,
    )
    changes = unacknowledged_significant_changes(user).filter(child__in=children).order_by("occurred_on", "pk")
    records = counted_page(
        records_overdue(children, today=today), pages.get(PAGE_PARAMETERS["records"]), per_page=per_page
    )
    waiting_for_records(records.object_list)
    return DeadlineListing(
        counts=counts,
        children=page,
        rows=caseload_rows(page.object_list, today=today),
        records_overdue=records,
        actions_overdue=counted_page(
            actions_overdue(children, today=today), pages.get(PAGE_PARAMETERS["actions"]), per_page=per_page
        ),
        changes=counted_page(changes, pages.get(PAGE_PARAMETERS["changes"]), per_page=per_page),
    )


def next_due_text(child: Child) -> str:
    """``Next review due by 31 December 2025: 20 working days after ...`` (one query)."""
    schedule = ReviewSchedule.objects.filter(child=child).first()
    if schedule is None or not schedule.next_rule:
        return ""
    when = f"by {schedule.next_due_on:%-d %B %Y}" if schedule.next_due_on else "on a date not known"
    return f"Next review due {when}: {schedule.next_reason_for(child.first_name)}."


@dataclass(frozen=True)
class DueSoFar:
    """The reviews due in the reporting year so far, for the deadlines pages."""

    year_label: str
    window: DueWindow
    figures: DueFigures


def reviews_due_so_far(user: User, *, today: date) -> DueSoFar:
    """The reviews due in the current reporting year before ``today`` for the children ``user``
    may see, held on time, late or not held (overdue now): the same function and the same
    counting as the annual report and the service dashboard (``ReviewDue.objects.timeliness``).
    One query."""
    year = ReportingYear.containing(today)
    window = DueWindow.for_year(year.start, year.end, today=today)
    (figures,) = ReviewDue.objects.visible_to(user).timeliness([window])
    return DueSoFar(year.label, window, figures)


def records_overdue(children: QuerySet[Child], *, today: date) -> QuerySet[Review]:
    """The late records of ``children``, with what ``waiting_for_records`` needs to say who is
    still waiting for each: the copies of the record written and the child's current contacts
    whose role is sent it (two prefetches, whatever the number of records)."""
    return (
        Review.objects.records_overdue(on=today)
        .filter(child__in=children)
        .select_related("child", "chair")
        .prefetch_related(
            Prefetch(
                "documents_sent",
                queryset=DocumentSent.objects.filter(document=DistributedDocument.RECORD),
                to_attr="record_copies",
            ),
            Prefetch(
                "child__contacts",
                queryset=Contact.objects.current(on=today)
                .filter(role__in=distribution.RECORD_ROLES)
                .order_by("role", "name", "pk"),
                to_attr="record_contacts",
            ),
        )
        .order_by("record_due_on", "pk")
    )


def waiting_for_records(reviews: Iterable[Review]) -> None:
    """Set ``waiting`` on each of ``reviews`` (read by ``records_overdue``, so no query): the
    people who should receive its record and have neither been sent it nor recorded as not sent."""
    for review in reviews:
        expected = expected_for(review, review.child.record_contacts)  # type: ignore[attr-defined]
        copies = review.record_copies  # type: ignore[attr-defined]
        review.waiting = distribution.waiting_for_record(  # type: ignore[attr-defined]
            expected, [(row.recipient_key, row.document) for row in copies]
        )


def actions_overdue(children: QuerySet[Child], *, today: date) -> QuerySet[Action]:
    return (
        Action.objects.overdue(on=today)
        .filter(child__in=children)
        .select_related("child", "review")
        .order_by("due_on", "pk")
    )


def child_reviews_queryset() -> QuerySet[Review]:
    """Reviews with what their pages show: the child, the chair, actions and date changes."""
    return Review.objects.select_related("child", "chair", "due").prefetch_related(
        Prefetch("actions", queryset=Action.objects.order_by("due_on", "pk")),
        Prefetch("date_changes", queryset=ReviewDateChange.objects.select_related("changed_by").order_by("pk")),
    )


def child_reviews(child: Child) -> QuerySet[Review]:
    """The child's reviews, newest first (a booked review, not yet held, above them all, on every
    database), with their actions and date changes: three queries."""
    return (
        Review.objects.filter(child=child)
        .select_related("chair", "due")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.order_by("due_on", "pk")),
            "date_changes",
        )
        .order_by(F("held_on").desc(nulls_first=True), F("booked_for").desc(nulls_last=True), "-pk")
    )


def current_contacts(review: Review, *, on: date) -> QuerySet[Contact]:
    """The people around the review's child who hold their role on ``on``."""
    return Contact.objects.filter(child_id=review.child_id).current(on=on).order_by("role", "name", "pk")


def expected_for(review: Review, contacts: Iterable[Contact]) -> list[distribution.Recipient]:
    """Who should receive the review's documents, of the child's current ``contacts``
    (docs/rules.md#after-the-review). Only a review that was held has documents to send."""
    if review.held_on is None:
        return []
    child = review.child
    return distribution.expected_recipients(
        child_name=child.full_name, date_of_birth=child.date_of_birth, held_on=review.held_on, contacts=contacts
    )


@dataclass(frozen=True)
class DistributionLine:
    """One person and one document on the distribution list, and the copy recorded, if any."""

    recipient: distribution.Recipient
    copy: DocumentSent | None


@dataclass(frozen=True)
class DistributionList:
    """A review's distribution list: the copies that should go out (``expected``), then those
    the IRO added or whose person no longer holds their role; the child's other current contacts
    who may be added; and every person a posted row may name (key to label)."""

    lines: list[DistributionLine]
    others: list[tuple[str, str]]
    recipients: dict[str, str]
    #: The date was recorded before the per-person list (no copies): it stands as it is.
    recorded_before_list: bool

    @cached_property
    def waiting(self) -> list[distribution.Recipient]:
        return [
            line.recipient
            for line in self.lines
            if line.copy is None and line.recipient.document == DistributedDocument.RECORD
        ]


def _label(name: str, role: str) -> str:
    return f"{name} ({role})"


def distribution_list(review: Review, *, today: date) -> DistributionList:
    """What the distribution page and the review's page show: two queries."""
    contacts = list(current_contacts(review, on=today))
    copies = list(review.documents_sent.order_by("pk"))
    by_key = {(c.recipient_key, c.document): c for c in copies}
    expected = expected_for(review, contacts)
    lines = [DistributionLine(r, by_key.pop((r.key, r.document), None)) for r in expected]
    lines += [
        DistributionLine(
            distribution.Recipient(
                c.recipient_key, c.document, c.name, c.get_role_display() or "The child", expected=False
            ),
            c,
        )
        for c in by_key.values()
    ]
    listed = {(line.recipient.key, line.recipient.document) for line in lines}
    others = [
        (distribution.contact_key(c.pk), _label(c.name, c.get_role_display()))
        for c in contacts
        if (distribution.contact_key(c.pk), DistributedDocument.RECORD) not in listed
    ]
    recipients = {distribution.CHILD_KEY: _label(review.child.full_name, "the child")}
    recipients.update({line.recipient.key: _label(line.recipient.name, line.recipient.role_label) for line in lines})
    recipients.update(others)
    return DistributionList(
        lines=lines,
        others=others,
        recipients=recipients,
        recorded_before_list=review.record_distributed_on is not None and not copies,
    )
