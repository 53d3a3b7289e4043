"""``python manage.py import_903 DIR [--commit] [--user USERNAME]``

Reads the SSDA903 CSV tables in DIR (Header and Episodes, and Reviews, UASC and PrevPerm
when present; each recognised by its columns, as the DfE validator does), checks every row
and prints what would be created and updated, and every bad row by file, line, column and
reason. It writes nothing unless given ``--commit``, and nothing at all when any row is bad
(STYLE.md: bulk jobs dry-run by default). Importing the same files twice changes nothing
the second time. ``--user`` names the manager the import is recorded against.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from interchange import services


class Command(BaseCommand):
    help = "Check (and with --commit, import) an SSDA903 return: Header, Episodes, Reviews, UASC, PrevPerm CSVs."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Directory holding the return's CSV files.")
        parser.add_argument("--commit", action="store_true", help="Write the import (default: dry run).")
        parser.add_argument("--user", help="Username of the IRO manager the import is recorded against.")

    def handle(self, *args, directory: Path, commit: bool, user: str | None, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        files = [(p.name, p.read_bytes()) for p in sorted(directory.iterdir()) if p.suffix.lower() == ".csv"]
        if not files:
            raise CommandError(f"{directory} holds no .csv files")
        by = None
        if user:
            by = get_user_model().objects.filter(username=user, is_active=True).first()
            if by is None:
                raise CommandError(f"No active user {user!r}")
        started = time.perf_counter()
        try:
            # The plan's changes are counted, not listed: a large return's are never all in memory.
            plan = services.ssda903_import(files=files, by=by, commit=commit, keep_changes=False)
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        for file_name, table in plan.read.ignored:
            self.stdout.write(f"Ignored {file_name}: the {table} table holds nothing this system records.")
        if plan.problems:
            for p in plan.problems:
                where = f"{p.file}, line {p.line}" + (f", {p.column}" if p.column else "")
                value = f" (value {p.value!r})" if p.value else ""
                self.stderr.write(f"{where}: {p.reason}{value}")
            raise CommandError(f"{len(plan.problems)} problems found: nothing was imported.")
        s = plan.summary
        verb = "Imported" if commit else "Would import (dry run; add --commit to write)"
        self.stdout.write(
            f"{verb}: children {s['create_child']} new, {s['update_child']} updated; "
            f"episodes {s['create_episode']} new, {s['update_episode']} updated; "
            f"reviews {s['create_review']} new, {s['update_review']} updated; "
            f"{plan.unchanged} records unchanged. {seconds:.1f} s."
        )
        if commit and plan.reviews_without_due_date:
            self.stdout.write(
                f"{plan.reviews_without_due_date} imported reviews have no due date: "
                "the reviews before them in that period of care are not in the return."
            )
