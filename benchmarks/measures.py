"""What the benchmark measures besides a page's timings: its queries and their SQL floor, the
jobs (wall time and peak memory) and the throughput under locust (``benchmarks.run``)."""

import csv
import json
import os
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2  # type: ignore[import-untyped]  # no stubs installed in .venv

from . import build
from .stack import BENCH, BIN, ROOT, log, sign_in

JOB_TIMEOUT = 3600
_SKIPPED = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|BEGIN|COMMIT|ROLLBACK)\b", re.IGNORECASE)


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
