"""Benchmark: what a dead Redis costs a request (timings, not tests).

    .venv/bin/python tools/bench_redis_down.py [--redis redis://127.0.0.1:1/0] [--runs 5] [--budget 3]

Builds an empty SQLite database with one IRO manager, points REDIS_URL (the cache and the
Celery broker) at a Redis that is not there (by default a closed port; give an address that
drops packets, such as redis://10.255.255.1:6379/0, to see the connect timeouts at work),
and times the service dashboard and a request to generate the annual report. Before the
fix these were a 500 and a 500 after 19 s. Exits non-zero when a median exceeds --budget.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:1/0")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=3.0, help="seconds a request may take at most (median)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            DJANGO_SETTINGS_MODULE="iro_service.settings.local",
            DEBUG="false",
            DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            REDIS_URL=options.redis,
            ALLOWED_HOSTS="testserver",
        )
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.contrib.auth.models import Group, User
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from iro_service import roles
        from iro_service.periods import ReportingYear
        from reporting.models import ReportVersion

        call_command("migrate", verbosity=0)
        manager = User.objects.create(username="bench-manager")
        manager.groups.add(Group.objects.get(name=roles.IRO_MANAGER))
        client = Client()
        client.force_login(manager)
        year = ReportingYear.containing(timezone.localdate()).label

        requests = {
            "dashboard (GET)": lambda: client.get(reverse("reporting:dashboard")),
            "generate the annual report (POST)": lambda: client.post(reverse("reporting:generate", args=[year])),
        }
        timings = _timings(requests, runs=options.runs)
        stuck = ReportVersion.objects.filter(status="queued").count()
        print(f"Redis at {options.redis} (not there); {options.runs} runs each:")
        slow = False
        for name, seconds in timings.items():
            median = statistics.median(seconds)
            slow |= median > options.budget
            print(f"  {name}: median {median * 1000:.0f} ms (runs {', '.join(f'{s * 1000:.0f}' for s in seconds)} ms)")
        print(f"  versions left queued: {stuck} (of {ReportVersion.objects.count()} requested)")
        if slow or stuck:
            raise SystemExit(f"over the {options.budget} s budget, or a version was left queued")


def _timings(requests: dict, *, runs: int) -> dict[str, list[float]]:
    """Seconds each request took, ``runs`` times each (in turn); stops at a failed request."""
    timings: dict[str, list[float]] = {name: [] for name in requests}
    for _ in range(runs):
        for name, request in requests.items():
            started = time.perf_counter()
            response = request()
            timings[name].append(time.perf_counter() - started)
            if response.status_code not in (200, 302):
                raise SystemExit(f"{name}: HTTP {response.status_code}")
    return timings


if __name__ == "__main__":
    main()
