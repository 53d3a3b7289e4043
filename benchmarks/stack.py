"""The stack the benchmark measures: gunicorn and a Celery worker on 127.0.0.1, signed-in
sessions, and the timing of one page (``benchmarks.run`` drives them)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

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
#: How long a page's figures may take to be worked out by the worker before it is timed anyway.
READY_SECONDS = 600
REDIS_DB_URL = "redis://127.0.0.1:6379/8"


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


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


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


def wait_until_ready(session: requests.Session, url: str, pending: str, *, seconds: int = READY_SECONDS) -> float:
    """GET ``url`` every 2 s until it no longer shows ``pending`` (or ``seconds`` pass): the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if pending not in session.get(url, timeout=PAGE_TIMEOUT, allow_redirects=False).text:
                break
        except requests.RequestException:
            pass
        time.sleep(2)
    waited = time.monotonic() - started
    log(f"  {url}: ready after {waited:.0f} s")
    return waited


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
