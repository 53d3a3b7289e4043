"""Benchmark: import an SSDA903 return of N children (default 10,000) into an empty database.

    .venv/bin/python tools/bench_ssda903_import.py [--children 10000] [--runs 3] [--postgres]
        [--db-prefix iro_bench] [--year 2024-25]

Writes a synthetic return (tools/synthetic_903.py: full histories, about 2 episodes and 6
reviews per child), then for each run builds an empty database (SQLite file; with
--postgres also a PostgreSQL database on 127.0.0.1 named ``<db-prefix>_<run>``), times
``import_903 --commit`` and a second, idempotent import of the same files, then
``export_903`` of the collection year and a dry run of ``import_903`` of that export (the
authority checking its own return), and prints the medians with each step's peak memory
(the largest resident set of its process). Targets: the import of 10,000 children under a
minute (issue 6); at any size ``import_903`` under 3 minutes in under 1 GB, ``export_903``
under a minute at 100,000 (issue 13, docs/decisions/0006-streamed-interchange.md). Uses
the production-like DEBUG=false.
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


def _run(args: list[str], env: dict, peaks: list[float] | None = None) -> float:
    """Run a manage.py command; its time (as it reports it, else the wall clock). Its peak
    resident memory in MB joins ``peaks``."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *args], env=env, stdout=out, stderr=err)  # noqa: S603
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        raise SystemExit(stderr[-2000:])
    peak = usage.ru_maxrss / 1024  # kilobytes on Linux
    if peaks is not None:
        peaks.append(peak)
    reported = re.search(r"([\d.]+) s\.", stdout)
    print("   ", (stdout.strip().splitlines() or [""])[0][:150], f"[{seconds:.1f} s, peak {peak:,.0f} MB]")
    return float(reported.group(1)) if reported else seconds


def _median(values: list[float], unit: str) -> str:
    return f"median {statistics.median(values):,.1f} {unit} (runs {', '.join(f'{v:,.1f}' for v in values)})"


def _database(backend: str, run: int, workdir: Path, prefix: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{workdir / f'bench-{run}.sqlite3'}"
    name = f"{prefix}_{run}"
    for command in (["dropdb", "--if-exists", name], ["createdb", name]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres"], check=True)  # noqa: S603
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--db-prefix", default="iro_bench", help="PostgreSQL databases are named PREFIX_RUN.")
    parser.add_argument("--year", default="2024-25", help="The collection year exported and checked again.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        counts = write(options.children, workdir / "return")
        print(f"Return: {', '.join(f'{n}: {c} rows' for n, c in counts.items())}")
        for backend in ["sqlite"] + (["postgres"] if options.postgres else []):
            steps = ("import", "the same return again", "export", "dry run of the export")
            times: dict[str, list[float]] = {step: [] for step in steps}
            peaks: dict[str, list[float]] = {step: [] for step in steps}
            exported = workdir / "export"
            for run in range(options.runs):
                env = {
                    **os.environ,
                    "DJANGO_SETTINGS_MODULE": "iro_service.settings.local",
                    "DEBUG": "false",
                    "DATABASE_URL": _database(backend, run, workdir, options.db_prefix),
                }
                subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)  # noqa: S603
                print(f"  {backend} run {run + 1}:")
                commands = (
                    ["import_903", str(workdir / "return"), "--commit"],
                    ["import_903", str(workdir / "return"), "--commit"],
                    ["export_903", "--year", options.year, str(exported)],
                    ["import_903", str(exported)],
                )
                for step, command in zip(steps, commands, strict=True):
                    times[step].append(_run(command, env, peaks[step]))
            for step in steps:
                print(
                    f"{backend}: {step} ({options.children} children): {_median(times[step], 's')}; "
                    f"peak memory {_median(peaks[step], 'MB')}"
                )


if __name__ == "__main__":
    main()
