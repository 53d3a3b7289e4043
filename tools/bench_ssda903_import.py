"""Benchmark: import an SSDA903 return of N children (default 10,000) into an empty database.

    .venv/bin/python tools/bench_ssda903_import.py [--children 10000] [--runs 3] [--postgres]

Writes a synthetic return (tools/synthetic_903.py: full histories, about 2 episodes and 6
reviews per child), then for each run builds an empty database (SQLite file; with
--postgres also a PostgreSQL database on 127.0.0.1), times ``import_903 --commit`` and a
second, idempotent import of the same files, and prints the medians. The target (issue 6)
is under a minute for 10,000 children. Uses the production-like DEBUG=false.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from synthetic_903 import write  # noqa: E402


def _run(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True)  # noqa: S603
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    reported = re.search(r"([\d.]+) s\.", done.stdout)
    print("   ", done.stdout.strip().splitlines()[0][:150])
    return float(reported.group(1)) if reported else seconds


def _database(backend: str, run: int, workdir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / f'bench-{run}.sqlite3'}"
    name = f"iro_bench_{run}"
    for command in (["dropdb", "--if-exists", name], ["createdb", name]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres"], check=True)  # noqa: S603
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        counts = write(options.children, workdir / "return")
        print(f"Return: {', '.join(f'{n}: {c} rows' for n, c in counts.items())}")
        for backend in ["sqlite"] + (["postgres"] if options.postgres else []):
            first, second = [], []
            for run in range(options.runs):
                env = {
                    **os.environ,
                    "DJANGO_SETTINGS_MODULE": "iro_service.settings.local",
                    "DEBUG": "false",
                    "DATABASE_URL": _database(backend, run, workdir),
                }
                subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)  # noqa: S603
                print(f"  {backend} run {run + 1}:")
                first.append(_run(["import_903", str(workdir / "return"), "--commit"], env))
                second.append(_run(["import_903", str(workdir / "return"), "--commit"], env))
            print(
                f"{backend}: import of {options.children} children: median {statistics.median(first):.1f} s "
                f"(runs {', '.join(f'{s:.1f}' for s in first)}); the same return again: median "
                f"{statistics.median(second):.1f} s (runs {', '.join(f'{s:.1f}' for s in second)})"
            )


if __name__ == "__main__":
    main()
