"""``python manage.py seed_demo [--seed N] [--today YYYY-MM-DD] [--children N] [--reset]``

Builds "Demoshire County Council", a clearly synthetic local authority, for demonstrations.
The ``demo`` app does the work: the children through the children's services, then the
review history and the disputes in the same transaction, with the same random generator. It
sits on top of every app, and nothing imports it.

It refuses to run unless the setting ``DEMO_DATA_ALLOWED`` is True (the local and test
settings; production forces it False), because it creates staff accounts with the published
demo password and ``--reset`` empties the whole database.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from demo import children as demo_children
from demo import contacts as demo_contacts
from demo import disputes as disputes_demo
from demo import people, shape
from demo import protection as protection_demo
from demo import reviews as reviews_demo
from demo import voice as voice_demo
from demo.summary import summary
from iro_service import roles
from iro_service.periods import ReportingYear
from reporting.models import ChildPopulation
from reviews.codes import FlagKind


def _date(value: str | date) -> date:
    """``--today`` as a date; argparse reports the ArgumentTypeError as a usage error."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"--today must be a date as YYYY-MM-DD, not {value!r}") from error


def empty_database() -> None:
    """Empty every table of this demo database and restore the role groups and the rows the
    data migrations wrote (the dispute ladder and settings).

    Records refuse to be deleted one by one (HardDeleteForbidden), so this flushes. PostgreSQL
    cannot TRUNCATE while deferred foreign-key checks are pending in the surrounding
    transaction, so they are run first.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    roles.ensure_roles()
    disputes_demo.restore_migrated_rows()


#: The demo authority's population under 18 (synthetic, in the range of a unitary council
#: like Thurrock's, docs/sources.md#thurrock-2021-22, where about 300 children looked after is a
#: rate near 67 per 10,000).
DEMO_CHILD_POPULATION = 44_800


def demo_child_population(*, today: date) -> int:
    """Enter the population for the last five reporting years, as an administrator would, so
    the report's rate per 10,000 children has its denominator."""
    latest = ReportingYear.containing(today).start_year
    for offset, start_year in enumerate(range(latest - 4, latest + 1)):
        ChildPopulation.objects.update_or_create(
            start_year=start_year,
            defaults={
                "children_under_18": DEMO_CHILD_POPULATION - 150 * (4 - offset),
                "source": "Synthetic figure for the demo authority",
            },
        )
    return 5


class Command(BaseCommand):
    help = "Fill an empty (demo) database with a synthetic local authority: staff, children, reviews, years of history."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=shape.DEFAULT_SEED, help="Random seed (default %(default)s).")
        parser.add_argument(
            "--today", type=_date, default=None, help="Build the data as at this date (default: today)."
        )
        parser.add_argument(
            "--children",
            type=int,
            default=shape.DEFAULT_CHILDREN_IN_CARE,
            help="Children looked after today (default %(default)s); leavers scale with it.",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Empty the whole database first (flush). Demo databases only."
        )

    def handle(self, *args, seed: int, today, children: int, reset: bool, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError(
                "seed_demo refuses to run: the setting DEMO_DATA_ALLOWED is not True. This command "
                "creates staff accounts with the published demo password and, with --reset, empties "
                "the whole database, so it runs only on a demo or test database (iro_service.settings.local "
                "or .test). Production settings never allow it, whatever the environment says."
            )
        try:
            today = _date(today) if today else timezone.localdate()  # a string when given to call_command
        except argparse.ArgumentTypeError as error:
            raise CommandError(str(error)) from error
        if children < 10:
            raise CommandError("--children must be at least 10.")
        if not reset and people.demo_data_present():
            self.stdout.write("Demo data already present; use --reset to rebuild.")
            return

        started = time.perf_counter()
        # One transaction: fast on SQLite, and a failed rebuild leaves the database as it was.
        with transaction.atomic():
            if reset:
                empty_database()
            rng = random.Random(seed)
            result = demo_children.build(rng=rng, today=today, children_in_care=children)
            reviews = reviews_demo.build_reviews(rng=rng, today=today)
            disputes = disputes_demo.build_disputes(rng=rng, today=today)
            # Their own generator, so adding them leaves every other figure of a seed as it was.
            contacts = demo_contacts.build_contacts(
                rng=random.Random(seed), today=today, by=result.users[people.MANAGER_USERNAME]
            )
            # Child protection work: its own generator too, for the same reason.
            protection = protection_demo.build_protection(
                rng=random.Random(seed + 15),
                today=today,
                cp_chair=result.users[people.CP_CHAIR_USERNAME],
                by=result.users[people.MANAGER_USERNAME],
            )
            # The child's voice (consultation and feedback): its own generator too.
            voice = voice_demo.build_voice(
                rng=random.Random(seed + 16), today=today, by=result.users[people.MANAGER_USERNAME]
            )
            demo_child_population(today=today)
        elapsed = time.perf_counter() - started
        self._report(
            summary(today=today),
            reviews,
            disputes,
            contacts=contacts,
            protection=protection,
            voice=voice,
            seed=seed,
            today=today,
            elapsed=elapsed,
            users=result.users,
        )

    def _report_children(self, figures: dict) -> None:
        out = self.stdout.write
        in_care = figures["in_care"]

        def pct(n: int) -> str:
            return f"{n} ({100 * n / in_care:.0f}%)" if in_care else str(n)

        out(
            f"  Children: {figures['children']} records; {in_care} looked after today; "
            f"{figures['left_care']} periods of care ended in the last {shape.HISTORY_YEARS} years; "
            f"{figures['reentered']} children came back into care."
        )
        out(
            f"  In care today: boys {pct(figures['boys'])}, UASC {pct(figures['uasc'])}, "
            f"more than 20 miles from home {pct(figures['far_from_home'])}, "
            f"3+ placements in the last 12 months {pct(figures['three_or_more_placements'])}."
        )
        out("  Ages: " + ", ".join(f"{band} {pct(n)}" for band, n in figures["ages"].items()))
        out("  Legal status: " + ", ".join(f"{name} {pct(n)}" for name, n in figures["legal"].items()))
        out("  Placements: " + ", ".join(f"{name} {pct(n)}" for name, n in figures["placements"].items()))
        out(
            f"  Sibling groups: {figures['sibling_groups']} ({figures['in_sibling_groups']} children). "
            f"Episodes: {figures['episodes']}. IRO allocations: {figures['allocations']} "
            f"({figures['reallocations']} changes of IRO)."
        )
        out("  Caseloads today:")
        for username, name, fte, caseload, (low, high) in figures["caseloads"]:
            out(f"    {username:<6} {name:<20} {fte} FTE  {caseload:>3} children (band {low}-{high})")
        out(
            f"  Cover: {people.COVER_COVERING} covers {people.COVER_ABSENT} (on leave) from "
            f"{figures['cover_from']:%Y-%m-%d}."
        )

    def _report_reviews(self, r: reviews_demo.ReviewDemoResult) -> None:
        out = self.stdout.write
        out("  Reviews:")
        out(
            f"    {r.reviews_held} held, {r.in_timescale_pct:.1f}% within timescale "
            f"(last 12 months: {r.held_last_year} held, {r.last_year_in_timescale_pct:.1f}% within timescale)."
        )
        out("    Participation: " + ", ".join(f"{code} {n}" for code, n in r.participation.items()) + ".")
        out(
            f"    Records distributed within 20 working days: {r.records_in_time_pct:.1f}% "
            f"({r.records_outstanding} overdue and not yet distributed)."
        )
        out(
            f"    Actions: {r.actions} ({r.actions_open} open). Visits: {r.visits}. "
            f"Midway reviews: {r.midway_reviews}. Case notes: {r.case_notes}."
        )
        out(
            f"    Booked for the coming weeks: {r.booked} ({r.moved} moved with the IRO's consent). "
            f"Cancelled bookings: {r.cancelled}. Children overdue for review today: {r.overdue_children}."
        )
        out(
            f"    Significant changes in the last 3 months: {r.significant_changes} "
            f"({r.significant_changes_acknowledged} acknowledged)."
        )
        out("    Open deadline flags: " + ", ".join(f"{kind.lower()} {n}" for kind, n in r.open_flags.items()) + ".")

    def _report_disputes(self, d: disputes_demo.DisputeDemoResult) -> None:
        out = self.stdout.write
        stage_names = {0: "informal", 7: "CAFCASS referral"}
        years = list(d.per_year.items())
        shown = []
        for i, (year, n) in enumerate(years):
            note = ""
            if i == 0 and d.first_day is not None:
                note = f" (from {d.first_day:%-d %b %Y})"
            elif i == len(years) - 1 and d.last_day is not None:
                note = f" (to {d.last_day:%-d %b %Y})"
            shown.append(f"{year} {n}{note}")
        out(f"  Disputes: {d.total} raised in {len(years)} reporting years, {d.steps} stages recorded.")
        out("    Raised per reporting year: " + ", ".join(shown) + ".")
        out(
            "    Highest stage reached: "
            + ", ".join(f"{stage_names.get(s, f'stage {s}')} {n}" for s, n in d.by_stage.items())
            + f" ({d.started_at_stage_3} started directly at stage 3 with an urgent reason)."
        )
        median = "n/a" if d.median_days_to_close is None else f"{d.median_days_to_close:g}"
        out(
            "    Outcomes: "
            + ", ".join(f"{status} {n}" for status, n in d.outcomes.items())
            + f". Median {median} working days to close; {d.late_responses} of {d.responses} written responses late."
        )
        out(
            f"    CAFCASS referrals: {d.cafcass_referrals}. Open now: {d.open_now} "
            f"({d.responses_overdue_now} with a response overdue). Open dispute flags: "
            + ", ".join(f"{kind.lower()} {n}" for kind, n in d.open_flags.items())
            + "."
        )

    def _report_protection(self, p: protection_demo.ProtectionDemoResult) -> None:
        out = self.stdout.write

        def pct(n: int, d: int) -> str:
            return f"{100 * n / d:.0f}%" if d else "n/a"

        out(
            f"  Child protection: {p.on_plans} children on plans today in {p.families_open} families "
            f"({p.children} children known over the years); {p.plans} plans ({p.second_plans} second plans)."
        )
        out(
            f"    Initial conferences: {p.initial_held} held, {pct(p.initial_in_time, p.initial_held)} "
            f"within 15 working days; no plan for {p.no_plan} of {p.decisions} children. "
            f"Review conferences: {p.reviews_held} held, "
            f"{pct(p.reviews_in_time, p.reviews_held)} within timescale."
        )
        out("    Plans ended: " + ", ".join(f"{reason} {n}" for reason, n in p.ended.items()) + ".")
        out(
            "    Categories of plans started in the last 12 months: "
            + ", ".join(f"{c} {n}" for c, n in p.categories.items())
            + "."
        )
        out(
            f"    Minutes distributed on time: {pct(p.minutes_in_time, p.minutes_due)}. "
            f"Awaiting a chair: {p.requested}; booked: {p.booked}. Disputes about plans: {p.disputes}."
        )
        flags = ", ".join(f"{FlagKind(kind).label.lower()} {n}" for kind, n in p.flags_open.items()) or "none"
        out(f"    Open child protection flags: {flags}.")

    def _report_voice(self, v: voice_demo.VoiceDemoResult) -> None:
        links, answered = sum(v.links.values()), sum(v.answered.values())
        self.stdout.write(
            f"  The child's voice: links for {v.reviews} reviews of the last two years; {links} links sent, "
            f"{answered} answered ({v.unread} answers left unread on the IROs' home pages)."
        )

    def _report(
        self,
        figures: dict,
        reviews: reviews_demo.ReviewDemoResult,
        disputes: disputes_demo.DisputeDemoResult,
        *,
        contacts: int,
        protection: protection_demo.ProtectionDemoResult,
        voice: voice_demo.VoiceDemoResult,
        seed: int,
        today: date,
        elapsed: float,
        users: dict,
    ) -> None:
        out = self.stdout.write
        out(self.style.SUCCESS(f"{shape.LA_NAME}: built in {elapsed:.1f}s (seed {seed}, today {today:%Y-%m-%d})."))
        out(
            f"  Postcodes: real ONS postcodes borrowed from {shape.DEMO_LA_CODE} (every person is invented); "
            f"check the SSDA903 return as local authority {shape.DEMO_LA_CODE}."
        )
        self._report_children(figures)
        self._report_reviews(reviews)
        self._report_disputes(disputes)
        self._report_protection(protection)
        self._report_voice(voice)
        out(f"  People around the children in care (synthetic contact details): {contacts}.")
        out("")
        out(f"Demo logins (every account's password is {people.DEMO_PASSWORD}):")
        out(f"  {'username':<10} {'role':<22} {'name':<22} password")
        for member in people.STAFF:
            user = users[member.username]
            out(f"  {member.username:<10} {member.role:<22} {user.get_full_name():<22} {people.DEMO_PASSWORD}")
        if voice.try_path:
            # The raw token exists only here: the database keeps its hash (docs/rules.md#the-childs-voice).
            out("")
            out(f"Try the child's form: http://127.0.0.1:8000{voice.try_path}")
