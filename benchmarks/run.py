"""``python -m benchmarks.run --children N``: measure the real stack against ``iro_bench_<N>``.

1. Builds the database if needed (``benchmarks.build``), migrates it (a branch's new migrations
   apply) and collects the static files.
2. Starts gunicorn (3 workers, DEBUG off, ``benchmarks.settings``) on 127.0.0.1 at a free port
   and a Celery worker on Redis db 8.
3. Each page: 30 sequential requests as the right user, signed in through the real sign-in
   form (p50, p95, errors); its query count in this process (Django's test client against the
   same database, ``CaptureQueriesContext``); the SQL floor (those statements re-run directly with
   psycopg2, summed, median of three rounds, in a transaction rolled back); the ratio of its p50
   to the bare view's.
4. Jobs, each in its own process (wall time and peak RSS): the daily sweep (``flag_deadlines``),
   the annual report of the last complete year, ``export_903`` and ``import_903`` (dry run) of
   that export.
5. Throughput: locust headless, 50 IRO sessions for 60 s on a mix of their pages; and the bare view.

Writes ``benchmarks/results/<N>.json`` and regenerates the table in ``benchmarks/README.md``.
A page that answers an error or takes longer than the timeout is counted as an error; after
three failures in a row its measuring stops. Every loop is bounded; everything talks to 127.0.0.1.
"""

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote_plus

import psycopg2  # type: ignore[import-untyped]  # no stubs installed in .venv
import requests

from iro_service.periods import ReportingYear

from . import build, stats
from .measures import captured_queries, locust, run_job, setup_django, sql_floor_ms, sweep_query_count
from .stack import BENCH, ROOT, _round, bench_env, free_port, log, manage, server, sign_in, time_page, wait_until_ready


@dataclass(frozen=True)
class Page:
    name: str
    user: str
    path: str
    #: Words the page shows while its figures are first worked out by the worker: the page is
    #: timed once they are gone (the steady state), and the wait is noted.
    pending: str = ""


def choose_pages(dbname: str) -> list[Page]:
    """The pages of issues 13, 14 and 15, with the child of the first IRO with the longest history."""
    with closing(psycopg2.connect(dbname=dbname, **build.PG)) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT a.child_id FROM children_iroallocation a JOIN auth_user u ON u.id = a.iro_id "
            "JOIN children_careepisode e ON e.child_id = a.child_id AND e.ended_on IS NULL "
            "WHERE u.username = 'bench-iro-1' AND a.ended_on IS NULL "
            "ORDER BY (SELECT count(*) FROM reviews_review r WHERE r.child_id = a.child_id) DESC, a.child_id LIMIT 1"
        )
        child = cur.fetchone()[0]
        cur.execute("SELECT first_name, last_name FROM children_child WHERE id = %s", [child])
        full_name = quote_plus(" ".join(cur.fetchone()))
        cur.execute(
            "SELECT id FROM reviews_review WHERE child_id = %s AND status = 'held' ORDER BY held_on DESC LIMIT 1",
            [child],
        )
        held = cur.fetchone()[0]
        # A child on a plan whose conferences the same IRO chairs (issue 15), and their latest conference.
        cur.execute(
            "SELECT a.child_id, (SELECT max(cc.conference_id) FROM conferences_conferencechild cc "
            "WHERE cc.child_id = a.child_id) FROM children_iroallocation a JOIN auth_user u ON u.id = a.iro_id "
            "JOIN conferences_protectionplan p ON p.child_id = a.child_id AND p.ended_on IS NULL "
            "WHERE u.username = 'bench-iro-1' AND a.ended_on IS NULL AND a.work = 'child_protection' "
            "ORDER BY a.child_id LIMIT 1"
        )
        cp_child, conference = cur.fetchone()
        # The reporting year of the latest feedback answer (issue 16): the manager's comments page.
        cur.execute(
            "SELECT max(r.held_on) FROM voice_voiceresponse v JOIN reviews_review r ON r.id = v.review_id "
            "WHERE v.purpose = 'feedback'"
        )
        feedback_year = ReportingYear.containing(cur.fetchone()[0]).label
    iro, manager = "bench-iro-1", "bench-manager"
    return [
        Page("bare view (framework floor)", iro, "/bench/bare/"),
        Page("IRO home /reviews/", iro, "/reviews/"),
        Page("IRO caseload /children/", iro, "/children/"),
        Page("IRO children list, filtered", iro, "/children/?status=in_care&legal_status=C2"),
        Page("child record (5 years of history)", iro, f"/children/{child}/"),
        Page("review form", iro, f"/reviews/child/{child}/record/"),
        Page("children list (manager)", manager, "/children/"),
        Page("children list, filtered (manager)", manager, "/children/?status=in_care&legal_status=C2"),
        Page("children list, name search (manager)", manager, "/children/?q=son"),
        Page("manager caseload table", manager, "/children/caseloads/"),
        Page("service deadlines /reviews/service/", manager, "/reviews/service/"),
        # Issue 14: the IRO's day.
        Page("people around the child", iro, f"/children/{child}/people/"),
        Page("IRO calendar, month", iro, "/reviews/calendar/?view=month"),
        Page("review record PDF", iro, f"/reviews/{held}/record.pdf"),
        Page("IRO children list as CSV", iro, "/children/export.csv"),
        Page("children search, full name (manager)", manager, f"/children/?q={full_name}"),
        Page("service calendar, month (manager)", manager, "/reviews/service/calendar/?view=month"),
        Page("child protection conferences (manager)", manager, "/conferences/"),
        Page("My conferences (chair)", iro, "/conferences/mine/"),
        Page("child record on a child protection plan", iro, f"/children/{cp_child}/"),
        Page("a family's conference", iro, f"/conferences/{conference}/"),
        # Issue 16: the child's voice.
        Page("IRO's answers /voice/answers/", iro, "/voice/answers/"),
        Page("review page with its voice panel", iro, f"/reviews/{held}/"),
        Page("feedback comments (manager)", manager, f"/reporting/annual/{feedback_year}/feedback/comments/"),
        Page("disputes dashboard", manager, "/disputes/dashboard/"),
        Page("disputes list", manager, "/disputes/"),
        Page(
            "service dashboard /reporting/dashboard/",
            manager,
            "/reporting/dashboard/",
            pending="are being worked out for the first time",
        ),
    ]


def machine() -> str:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    with closing(psycopg2.connect(dbname="postgres", **build.PG)) as conn, conn.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    return (
        f"{os.cpu_count()} CPUs (`nproc`), {mem_kb / 1024 / 1024:.0f} GB RAM, PostgreSQL {pg}, "
        f"Python {platform.python_version()}"
    )


def write_readme() -> None:
    results = {}
    for path in sorted((BENCH / "results").glob("*.json")):
        rows = json.loads(path.read_text())
        if rows:
            results[rows[0]["size"]] = rows
    readme = BENCH / "README.md"
    dates = sorted({row.get("measured_at", "")[:10] for rows in results.values() for row in rows} - {""})
    commits = sorted({row.get("commit", "") for rows in results.values() for row in rows} - {""})
    header = f"Measured {', '.join(dates)} at commit {', '.join(commits)} on {machine()}.\n\n"
    readme.write_text(stats.replace_table(readme.read_text() if readme.exists() else "", header + stats.table(results)))


def git_commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S607
    return out.stdout.strip()


def run(children: int, *, skip_pages: bool = False, skip_jobs: bool = False, skip_load: bool = False) -> list[dict]:
    subprocess.run([sys.executable, "-m", "benchmarks.build", "--children", str(children)], cwd=ROOT, check=True)  # noqa: S603
    built = build.marker(build.db_name(children)) or {}
    env = bench_env(children, secrets.token_urlsafe(48))
    dbname = build.db_name(children)
    log(f"{dbname}: migrate, collectstatic")
    manage(env, "migrate", "--noinput", "-v", "0", timeout=3600)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    setup_django(env)
    extra = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "in_care": built.get("in_care"),
        "build_seconds": built.get("seconds"),
    }
    rows: list[dict] = []
    logdir = Path(tempfile.mkdtemp(prefix=f"iro-bench-{children}-"))
    log(f"logs in {logdir}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with server(env, port, logdir):
        if not skip_pages:
            rows += page_rows(base, dbname, children, extra)
        if not skip_jobs:
            rows += job_rows(env, logdir, children, extra)
        if not skip_load:
            rows += load_rows(env, base, logdir, children, extra)
    problems = stats.check_rows(rows)
    if problems:
        raise RuntimeError("; ".join(problems))
    out = BENCH / "results" / f"{children}.json"
    if (skip_pages or skip_jobs or skip_load) and out.exists():
        rows = stats.merge_rows(json.loads(out.read_text()), rows)
    out.write_text(json.dumps(rows, indent=1) + "\n")
    write_readme()
    log(f"wrote {out.relative_to(ROOT)} and the table in benchmarks/README.md")
    return rows


def page_rows(base: str, dbname: str, children: int, extra: dict) -> list[dict]:
    """Each page of ``choose_pages``: its timings, query count, SQL floor and ratio to the bare view."""
    rows = []
    sessions: dict[str, requests.Session] = {}
    bare_p50 = None
    for page in choose_pages(dbname):
        session = sessions.get(page.user) or sessions.setdefault(page.user, sign_in(base, page.user))
        waited = wait_until_ready(session, base + page.path, page.pending) if page.pending else None
        timing = time_page(session, base + page.path)
        if waited is not None:
            timing["note"] = f"timed once the worker had the figures ready, {waited:.0f} s after the first look"
        # A page that never answered in time is not run again in this process (it would take
        # minutes and answer nothing the timings did not); a slow one is run once, not twice.
        answered = timing["p50_ms"] is not None
        slow = not answered or timing["p50_ms"] > 5000
        statements = captured_queries(page.user, page.path, warm=not slow) if answered else None
        floor = sql_floor_ms(dbname, statements, rounds=1 if slow else 3) if statements is not None else None
        if page.path == "/bench/bare/":
            bare_p50 = timing["p50_ms"]
        ratio = round(timing["p50_ms"] / bare_p50, 1) if timing["p50_ms"] and bare_p50 else None
        row = stats.result_row(
            page.name,
            children,
            queries=len(statements) if statements is not None else None,
            sql_floor_ms=_round(floor, 2),
            bare_ratio=ratio,
            user=page.user,
            path=page.path,
            **timing,
            **extra,
        )
        rows.append(row)
        log(
            f"  {page.name}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, {row['queries']} queries, "
            f"floor {row['sql_floor_ms']} ms, errors {row['errors']}, {row['bytes']} bytes"
        )
    return rows


def job_rows(env: dict, logdir: Path, children: int, extra: dict) -> list[dict]:
    """The daily sweep, the annual report of the last complete year, and that year's export and import."""
    from iro_service.periods import ReportingYear

    year = ReportingYear.containing(datetime.now(UTC).date()).previous(1)[0].label
    outdir = logdir / "ssda903"
    outdir.mkdir()
    jobs = [
        ("daily sweep (flag_deadlines)", "flag_deadlines", ["flag_deadlines"]),
        (
            f"annual report {year}",
            "annual_report",
            ["annual_report", "--year", year, "--out", str(logdir / "report.pdf")],
        ),
        (f"export_903 {year}", "export_903", ["export_903", str(outdir), "--year", year]),
        ("import_903 dry run of that export", "import_903", ["import_903", str(outdir)]),
    ]
    rows = []
    for name, short, args in jobs:
        row = stats.result_row(name, children, **run_job(env, args, logdir, short), **extra)
        if short == "flag_deadlines":
            row["queries"] = sweep_query_count()
            row["note"] = "queries counted in a second, rolled-back run without digests"
        rows.append(row)
    return rows


def load_rows(env: dict, base: str, logdir: Path, children: int, extra: dict) -> list[dict]:
    """Throughput under locust: the IROs' page mix, then the bare view."""
    iro_users = [f"bench-iro-{n}" for n in range(1, 5 * (children // build.TEMPLATE_IN_CARE) + 1)]
    rows = []
    for name, user_class, seconds in (
        ("IRO mix, 50 sessions, 60 s (locust)", "IROUser", 60),
        ("bare view, 50 sessions, 20 s (locust)", "BareUser", 20),
    ):
        log(f"  throughput: {name}")
        measured = locust(env, base, user_class, 50, seconds, logdir, iro_users)
        rows.append(stats.result_row(name, children, **measured, **extra))
        log(f"    {rows[-1]['rps']} req/s, {rows[-1]['errors']} errors, p95 {rows[-1]['p95_ms']} ms")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Measure the stack against iro_bench_<N>.")
    parser.add_argument("--children", type=int, required=True)
    parser.add_argument("--skip-pages", action="store_true", help="Leave out the pages (jobs and throughput only).")
    parser.add_argument("--skip-jobs", action="store_true", help="Measure pages and throughput only.")
    parser.add_argument("--skip-load", action="store_true", help="Leave out the locust throughput runs.")
    args = parser.parse_args(argv)
    run(args.children, skip_pages=args.skip_pages, skip_jobs=args.skip_jobs, skip_load=args.skip_load)


if __name__ == "__main__":
    main()
