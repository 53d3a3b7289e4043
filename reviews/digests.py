"""The daily digest emails of open deadline flags (docs/rules.md#review-timescales and #after-the-review).

Each IRO with open flags gets one email listing the flags on their own caseload, grouped by
kind; each active "IRO manager" gets one email of the whole service's open flags, counted by
kind and by IRO. A person is sent at most one digest a day: the ``DigestSent`` row (unique per
recipient and day) is written in the same transaction as the emails are handed to the mail
backend, so a run that fails to send leaves no row and the retry sends again, and a second run
the same day finds the rows and sends nothing.

Dispute flags (``disputes.flags``) are listed like the others, under their kind. ``reviews``
cannot read the dispute, so their line is written from the flag alone: its date and the parts
its key names (``dispute_resp_overdue:dispute=..:step=..:stage=2:due=..`` gives "stage 2
response due 9 November 2026"; an open-too-long flag's date is the day the dispute opened),
and the link is the child's record, whose disputes panel links to the dispute. Child
protection flags (``conferences.flags``) are written the same way ("review conference due
3 March 2027; plan 12"), and go to the child's conference chair, whom the flag names.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from iro_service import roles

from .codes import FlagKind
from .models import DeadlineFlag, DigestSent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

NO_IRO = "No IRO allocated"


@dataclass(frozen=True)
class DigestLine:
    """One open flag as a digest shows it."""

    kind: str
    child_name: str
    child_reference: str
    due_on: date
    path: str
    detail: str
    iro_id: int | None
    iro_name: str
    #: The words before the date: "due", or for dispute flags "stage 2 response due", "open since".
    due_label: str = "due"


@dataclass(frozen=True)
class DigestGroup:
    label: str
    lines: list[DigestLine]


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def key_parts(key: str) -> dict[str, str]:
    """The named parts of a flag's key, ``<kind>:<name>=<value>:...`` (``reviews.flags.flag_key``)."""
    return dict(part.split("=", 1) for part in key.split(":")[1:] if "=" in part)


#: The words before the date of the child protection flags (``conferences.flags``), whose date is
#: the due date, or for the two plan flags the day the plan started.
CP_DUE_LABELS = {
    FlagKind.ICPC_OVERDUE: "initial conference due",
    FlagKind.RCPC_OVERDUE: "review conference due",
    FlagKind.CP_MINUTES_LATE: "minutes due",
    FlagKind.CP_PLAN_LONG: "on a plan since",
    FlagKind.CP_PLAN_REPEAT: "on a plan since",
}


def _cp_detail(flag: DeadlineFlag) -> str:
    """The conference or plan a child protection flag's key names (ids only, never a name)."""
    parts = key_parts(flag.key)
    if "conference" in parts:
        what = "minutes of conference" if flag.kind == FlagKind.CP_MINUTES_LATE else "conference"
        return f"{what} {parts['conference']}"
    if flag.kind == FlagKind.CP_PLAN_REPEAT and "sequence" in parts:
        return f"plan {parts['plan']}, the child's plan number {parts['sequence']}"
    return f"plan {parts['plan']}" if "plan" in parts else ""


def _due_label(flag: DeadlineFlag) -> str:
    if flag.kind in CP_DUE_LABELS:
        return CP_DUE_LABELS[FlagKind(flag.kind)]
    if flag.kind == FlagKind.DISPUTE_RESPONSE_OVERDUE:
        stage = key_parts(flag.key).get("stage")
        return f"stage {stage} response due" if stage else "response due"
    if flag.kind == FlagKind.DISPUTE_OPEN_TOO_LONG:
        return "open since"
    return "due"


def _line(flag: DeadlineFlag) -> DigestLine:
    # Email leaves the case system: initials, references, ids and links only, never a name, a
    # date of birth or free text such as an action's description or owner, which name children
    # and their health (data minimisation, docs/rules.md#data-protection). The link opens the record
    # for those allowed to see it.
    path = reverse("children:detail", args=[flag.child_id])
    if flag.kind == FlagKind.ACTION_OVERDUE and flag.action is not None:
        detail = f"action {flag.action_id} of review {flag.action.review_id}"
        path = f"{reverse('reviews:detail', args=[flag.action.review_id])}#status-{flag.action_id}"
    elif flag.kind == FlagKind.RECORD_OVERDUE and flag.review is not None:
        detail = f"record of review {flag.review_id}, held on {flag.review.held_on:%-d %B %Y}"
        path = reverse("reviews:detail", args=[flag.review_id])
    elif flag.kind in CP_DUE_LABELS:
        detail = _cp_detail(flag)
    else:
        detail = ""
    return DigestLine(
        kind=flag.kind,
        child_name=f"{flag.child.first_name[:1]}. {flag.child.last_name[:1]}.",
        child_reference=flag.child.local_reference,
        due_on=flag.due_on,
        path=path,
        detail=detail,
        iro_id=flag.iro_id,
        iro_name=_name(flag.iro) if flag.iro is not None else NO_IRO,
        due_label=_due_label(flag),
    )


def _groups(lines: list[DigestLine]) -> list[DigestGroup]:
    """Lines grouped by kind, in the order ``FlagKind`` declares the kinds."""
    by_kind: dict[str, list[DigestLine]] = defaultdict(list)
    for line in lines:
        by_kind[line.kind].append(line)
    return [DigestGroup(kind.label, by_kind[kind.value]) for kind in FlagKind if by_kind[kind.value]]


def _by_iro(lines: list[DigestLine]) -> list[dict[str, Any]]:
    """For the manager: each IRO's open flags counted by kind (unallocated children last)."""
    counts: dict[tuple[bool, str, int | None], Counter] = defaultdict(Counter)
    for line in lines:
        counts[(line.iro_id is None, line.iro_name, line.iro_id)][line.kind] += 1
    return [
        {
            "name": name,
            "total": sum(counter.values()),
            "by_kind": [(kind.label, counter[kind.value]) for kind in FlagKind if counter[kind.value]],
        }
        for (_, name, _), counter in sorted(counts.items(), key=lambda item: item[0][:2])
    ]


def _subject(kind: str, count: int, today: date) -> str:
    flags = "deadline" if count == 1 else "deadlines"
    return f"{kind}: {count} {flags} to act on, {today:%-d %B %Y}"


def _open_flags() -> list[DeadlineFlag]:
    return list(
        DeadlineFlag.objects.open()
        .select_related("child", "iro", "review", "action")
        .order_by("due_on", "child__last_name", "child__first_name", "pk")
    )


def _managers() -> list[User]:
    """Active "IRO manager" accounts with an email address."""
    return list(
        get_user_model()
        .objects.filter(groups__name=roles.IRO_MANAGER, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _own_lines(
    flags: list[DeadlineFlag], lines: list[DigestLine]
) -> tuple[dict[int, list[DigestLine]], dict[int, User]]:
    """Each reachable IRO's own lines (active, with an email address), and the IROs by id."""
    own: dict[int, list[DigestLine]] = defaultdict(list)
    iros: dict[int, User] = {}
    for flag, line in zip(flags, lines, strict=True):
        if flag.iro is not None and flag.iro.is_active and flag.iro.email:
            own[flag.iro.pk].append(line)
            iros[flag.iro.pk] = flag.iro
    return own, iros


@dataclass
class _Outbox:
    """The emails to send today and the ``DigestSent`` rows that record them."""

    today: date
    messages: list[EmailMessage] = field(default_factory=list)
    records: list[DigestSent] = field(default_factory=list)

    def add(self, recipient: User, *, template: str, subject: str, listed: int, **context: Any) -> None:
        body = render_to_string(template, {"recipient": recipient, "today": self.today, **context})
        self.messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email]))
        self.records.append(DigestSent(recipient=recipient, sent_on=self.today, flag_count=listed))


def _outbox(flags: list[DeadlineFlag], *, today: date) -> _Outbox:
    """The digests due today: one to each manager (the whole service) and one to each IRO who
    is not a manager (their own caseload), leaving out whoever already had one today."""
    lines = [_line(flag) for flag in flags]
    managers = _managers()
    already_sent = set(DigestSent.objects.filter(sent_on=today).values_list("recipient_id", flat=True))
    own, iros = _own_lines(flags, lines)
    outbox = _Outbox(today)
    for manager in managers:
        if manager.pk in already_sent:
            continue
        outbox.add(
            manager,
            template="emails/deadline_digest_manager.txt",
            subject=_subject("IRO service deadlines", len(lines), today),
            listed=len(lines),
            total=len(lines),
            by_kind=[(group.label, len(group.lines)) for group in _groups(lines)],
            by_iro=_by_iro(lines),
            groups=_groups(lines),
            own_groups=_groups(own.get(manager.pk, [])),
        )
    manager_ids = {manager.pk for manager in managers}
    for iro_id, mine in own.items():
        if iro_id in already_sent or iro_id in manager_ids:
            continue
        outbox.add(
            iros[iro_id],
            template="emails/deadline_digest_iro.txt",
            subject=_subject("Your caseload", len(mine), today),
            listed=len(mine),
            total=len(mine),
            groups=_groups(mine),
        )
    return outbox


def _send(outbox: _Outbox) -> int:
    try:
        with transaction.atomic():
            DigestSent.objects.bulk_create(outbox.records)
            # Inside the transaction: if the mail server refuses, no row is kept and the
            # retry sends again (a person may then get a second copy, never none).
            return get_connection().send_messages(outbox.messages) or 0
    except IntegrityError:
        # Another run recorded a digest for one of these people today after we looked: it
        # sends them, this run sends nobody (one digest per person per day).
        logger.warning("Digests for %s were sent by another run; this run sent none.", outbox.today)
        return 0


def digests_send(*, today: date) -> int:
    """Send today's digests to everyone who has not had one today; return how many were sent.

    Four queries whatever the number of flags, IROs or managers: open flags with their child,
    IRO, review and action; managers; today's digests already sent; the ``DigestSent`` rows
    (on SQLite, one insert per 199 recipients). People without an email address, inactive accounts and IROs without open
    flags get nothing; managers get nothing when the service has no open flags.
    """
    flags = _open_flags()
    if not flags:
        return 0
    outbox = _outbox(flags, today=today)
    if not outbox.messages:
        return 0
    return _send(outbox)
