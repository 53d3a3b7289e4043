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

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg2  # type: ignore[import-untyped]  # no stubs installed in .venv
import requests

from . import build, stats

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
BIN = Path(sys.executable).parent
REQUESTS = 30
WARMUP = 2
#: gunicorn kills a worker after 30 s; the client waits a little longer to see it.
PAGE_TIMEOUT = 35
MAX_FAILURES_IN_A_ROW = 3
PAGE_BUDGET_SECONDS = 300
JOB_TIMEOUT = 3600
REDIS_DB_URL = "redis://127.0.0.1:6379/8"


@dataclass(frozen=True)
class Page:
    name: str
    user: str
    path: str


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(children: int, secret: str) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": build.db_url(build.db_name(children)),
        "SECRET_KEY": secret,
        "REDIS_URL": REDIS_DB_URL,
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict, *args: str, timeout: int = 900) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=timeout)  # noqa: S603


# --------------------------------------------------------------------------- processes


@contextmanager
def server(env: dict, port: int, logdir: Path):
    """gunicorn and a Celery worker, stopped (by their own process ids) on the way out."""
    import redis

    redis.Redis.from_url(REDIS_DB_URL).flushdb()
    with open(logdir / "gunicorn.log", "w") as gunicorn_log, open(logdir / "celery.log", "w") as celery_log:
        yield from _serve(env, port, logdir, gunicorn_log, celery_log)


def _serve(env: dict, port: int, logdir: Path, gunicorn_log, celery_log):
    procs = [
        subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "iro_service.wsgi:application",
                "--workers",
                "3",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=gunicorn_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        subprocess.Popen(  # noqa: S603
            [str(BIN / "celery"), "-A", "iro_service", "worker", "--pool", "solo", "--loglevel", "warning"],
            cwd=ROOT,
            env=env,
            stdout=celery_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError(f"gunicorn did not answer on port {port} within 60 s (see {logdir}/gunicorn.log)")
        yield
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/accounts/login/", timeout=PAGE_TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": build.BENCH_PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        allow_redirects=False,
        timeout=PAGE_TIMEOUT,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in of {username} answered {answer.status_code}")
    return session


def time_page(session: requests.Session, url: str) -> dict:
    """``REQUESTS`` sequential GETs after ``WARMUP``; failures (status other than 200, timeouts,
    dropped connections) counted as errors and left out of the percentiles."""
    times: list[float] = []
    errors = failures_in_a_row = 0
    statuses: dict[str, int] = {}
    started = time.monotonic()
    for attempt in range(WARMUP + REQUESTS):
        if failures_in_a_row >= MAX_FAILURES_IN_A_ROW or time.monotonic() - started > PAGE_BUDGET_SECONDS:
            break
        t0 = time.perf_counter()
        try:
            response = session.get(url, timeout=PAGE_TIMEOUT, allow_redirects=False)
            status = str(response.status_code)
            ok = response.status_code == 200
            size = len(response.content)
        except requests.RequestException as error:
            status, ok, size = type(error).__name__, False, 0
        elapsed = (time.perf_counter() - t0) * 1000
        failures_in_a_row = 0 if ok else failures_in_a_row + 1
        if attempt < WARMUP and ok:
            continue
        statuses[status] = statuses.get(status, 0) + 1
        if ok:
            times.append(elapsed)
        else:
            errors += 1
    return {
        "p50_ms": _round(stats.percentile(times, 50)),
        "p95_ms": _round(stats.percentile(times, 95)),
        "errors": errors,
        "requests": len(times) + errors,
        "statuses": statuses,
        "bytes": size,
    }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# --------------------------------------------------------------------------- in-process: queries


def setup_django(env: dict) -> None:
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "REDIS_URL"):
        os.environ[key] = env[key]
    import django

    django.setup()


def captured_queries(username: str, path: str, *, warm: bool = True) -> list[str] | None:
    """The SQL of one GET of ``path`` by ``username`` (after a first GET that warms caches, when
    ``warm``), through Django's test client signed in with the real form."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.post("/accounts/login/", {"username": username, "password": build.BENCH_PASSWORD})
    try:
        if warm:
            client.get(path)
        with CaptureQueriesContext(connection) as context:
            response = client.get(path)
    except Exception as error:  # noqa: BLE001 (a failing page is recorded, not fatal)
        log(f"  queries of {path}: {type(error).__name__}: {error}")
        return None
    if response.status_code != 200:
        log(f"  queries of {path}: answered {response.status_code}")
    return [q["sql"] for q in context.captured_queries]


_SKIPPED = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)


def sql_floor_ms(dbname: str, statements: list[str], rounds: int = 3) -> float:
    """The statements run directly, each in a savepoint, the whole rolled back; the median of
    ``rounds`` sums of their times in ms (client-side, so the loopback round trips count)."""
    sums = []
    conn = psycopg2.connect(dbname=dbname, **build.PG)
    try:
        for _ in range(rounds):
            total = 0.0
            with conn.cursor() as cur:
                for statement in statements:
                    if _SKIPPED.match(statement):
                        continue
                    cur.execute("SAVEPOINT bench")
                    t0 = time.perf_counter()
                    try:
                        cur.execute(statement)
                        if cur.description:
                            cur.fetchall()
                    except psycopg2.Error:
                        cur.execute("ROLLBACK TO SAVEPOINT bench")
                    total += time.perf_counter() - t0
                    cur.execute("RELEASE SAVEPOINT bench")
            conn.rollback()
            sums.append(total * 1000)
    finally:
        conn.close()
    return statistics.median(sums)


def sweep_query_count() -> int:
    """Queries of the daily sweep over everyone, in a transaction rolled back (no digests)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reviews.flags import deadlines_daily

    with CaptureQueriesContext(connection) as context, transaction.atomic():
        deadlines_daily(today=timezone.localdate(), send_digests=False)
        transaction.set_rollback(True)
    return len(context.captured_queries)


# --------------------------------------------------------------------------- pages and jobs


def choose_pages(dbname: str) -> list[Page]:
    """The pages of issue 13, with the child of the first IRO with the longest history."""
    with closing(psycopg2.connect(dbname=dbname, **build.PG)) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT a.child_id FROM children_iroallocation a JOIN auth_user u ON u.id = a.iro_id "
            "JOIN children_careepisode e ON e.child_id = a.child_id AND e.ended_on IS NULL "
            "WHERE u.username = 'bench-iro-1' AND a.ended_on IS NULL "
            "ORDER BY (SELECT count(*) FROM reviews_review r WHERE r.child_id = a.child_id) DESC, a.child_id LIMIT 1"
        )
        child = cur.fetchone()[0]
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
        Page("disputes dashboard", manager, "/disputes/dashboard/"),
        Page("disputes list", manager, "/disputes/"),
        Page("service dashboard /reporting/dashboard/", manager, "/reporting/dashboard/"),
    ]


def run_job(env: dict, args: list[str], logdir: Path, name: str) -> dict:
    """One management command in its own process: wall time and peak RSS (``wait4``)."""
    with open(logdir / f"{name}.log", "w") as out:
        t0 = time.perf_counter()
        command = [sys.executable, "manage.py", *args]
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + JOB_TIMEOUT
        while time.monotonic() < deadline:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.2)
        else:
            proc.kill()
            _, status, rusage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
    ok = proc.returncode == 0
    log(f"  {name}: {seconds:.1f}s, exit {proc.returncode}, peak RSS {rusage.ru_maxrss / 1024:.0f} MB")
    return {
        "p50_ms": round(seconds * 1000),
        "errors": 0 if ok else 1,
        "peak_rss_mb": round(rusage.ru_maxrss / 1024, 1),
        "exit_code": proc.returncode,
    }


def locust(env: dict, base: str, user_class: str, users: int, seconds: int, logdir: Path, iro_users: list[str]) -> dict:
    prefix = logdir / f"locust-{user_class}"
    usernames = [iro_users[n % len(iro_users)] for n in range(users)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        cookies = [s.cookies.get_dict() for s in pool.map(lambda u: sign_in(base, u), usernames)]
    env = env | {"BENCH_SESSION_COOKIES": json.dumps(cookies)}
    with open(f"{prefix}.log", "w") as out:
        subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(BENCH / "locustfile.py"),
                user_class,
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            timeout=seconds + 120,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    with open(f"{prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    work = [r for r in rows if r["Name"] != "Aggregated"]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests_done = sum(int(r["Request Count"]) for r in work)
    return {
        "rps": round(sum(float(r["Requests/s"]) for r in work), 1),
        "errors": sum(int(r["Failure Count"]) for r in rows),
        "p50_ms": float(total["50%"]) if total["50%"] not in ("", "N/A") else None,
        "p95_ms": float(total["95%"]) if total["95%"] not in ("", "N/A") else None,
        "requests": requests_done,
        "note": f"{users} sessions signed in beforehand, {seconds} s",
    }


# --------------------------------------------------------------------------- README


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


# --------------------------------------------------------------------------- main


def run(children: int, *, skip_pages: bool = False, skip_jobs: bool = False, skip_load: bool = False) -> list[dict]:
    subprocess.run([sys.executable, "-m", "benchmarks.build", "--children", str(children)], cwd=ROOT, check=True)  # noqa: S603
    built = build.marker(build.db_name(children)) or {}
    secret = secrets.token_urlsafe(48)
    env = bench_env(children, secret)
    dbname = build.db_name(children)
    log(f"{dbname}: migrate, collectstatic")
    manage(env, "migrate", "--noinput", "-v", "0", timeout=3600)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    setup_django(env)
    pages = choose_pages(dbname)
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
        sessions: dict[str, requests.Session] = {}
        bare_p50 = None
        for page in [] if skip_pages else pages:
            session = sessions.get(page.user) or sessions.setdefault(page.user, sign_in(base, page.user))
            timing = time_page(session, base + page.path)
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
        if not skip_jobs:
            from iro_service.periods import ReportingYear

            today = datetime.now(UTC).date()
            year = ReportingYear.containing(today).previous(1)[0].label
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
            for name, short, args in jobs:
                row = stats.result_row(name, children, **run_job(env, args, logdir, short), **extra)
                if short == "flag_deadlines":
                    row["queries"] = sweep_query_count()
                    row["note"] = "queries counted in a second, rolled-back run without digests"
                rows.append(row)
        if not skip_load:
            iro_users = [f"bench-iro-{n}" for n in range(1, 5 * (children // build.TEMPLATE_IN_CARE) + 1)]
            log("  throughput: 50 IRO sessions, 60 s")
            rows.append(
                stats.result_row(
                    "IRO mix, 50 sessions, 60 s (locust)",
                    children,
                    **locust(env, base, "IROUser", 50, 60, logdir, iro_users),
                    **extra,
                )
            )
            log(f"    {rows[-1]['rps']} req/s, {rows[-1]['errors']} errors, p95 {rows[-1]['p95_ms']} ms")
            rows.append(
                stats.result_row(
                    "bare view, 50 sessions, 20 s (locust)",
                    children,
                    **locust(env, base, "BareUser", 50, 20, logdir, iro_users),
                    **extra,
                )
            )
            log(f"    bare: {rows[-1]['rps']} req/s, {rows[-1]['errors']} errors")
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
