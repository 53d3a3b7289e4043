"""``python -m benchmarks.build --children N``: the PostgreSQL database ``iro_bench_<N>``, migrated
and filled with a looked-after-children service of N children in care, five years of history each,
in the demo's proportions.

How: the demo authority (``seed_demo``: 300 children in care, leavers, episodes, IRO allocations
with changes of IRO, cover, reviews with participation codes and record distribution dates,
actions, visits, midway reviews, case notes, significant changes, disputes with their stages,
the cached review chains and deadline flags, all written by the services; and the child
protection work: conferences, plans, chairs; the child's voice: links, answers, quotes) is seeded
once into
a template database. ``iro_bench_<N>`` is created from that template and the template's service
is copied N/300 times over in SQL (``INSERT ... SELECT ... CROSS JOIN`` the copy numbers), each
copy with its own IROs, team, children and everything about them; ids are shifted by a stride
per table, every foreign key with its target's stride. The remainder (N not a multiple of 300)
is one partial copy of the first children in care and leavers in the same ratio. Because every
row is a copy of a row the services wrote, every constraint and every cached due date holds in
the copies as in the template (``--check`` runs ``recompute_review_dates`` as a dry run to
prove it).

Logins: the IROs are ``bench-iro-1`` .. ``bench-iro-<M>`` (five per copy; the first five hold
full caseloads), plus ``bench-manager``, ``bench-committee`` and ``bench-admin``, all with the
password ``BENCH_PASSWORD``. A database already built with this builder's ``VERSION`` is reused.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg2  # type: ignore[import-untyped]  # no stubs installed in .venv
from psycopg2 import sql

from .copies import CHAIRS, copy_specs, copy_sql

#: Bump when the data the builder writes changes: a database built by another version is rebuilt.
VERSION = "bench-3"
#: The bench accounts' password (a local benchmark on synthetic data, published here on purpose).
BENCH_PASSWORD = "bench-password-2026"  # noqa: S105
TEMPLATE_IN_CARE = 300
TEMPLATE_SEED = 2026
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def db_name(children: int) -> str:
    return f"iro_bench_{children}"


def db_url(name: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def connect(dbname: str = "postgres"):
    connection = psycopg2.connect(dbname=dbname, **PG)
    connection.autocommit = True
    return connection


def execute(statement, params=None, *, dbname: str = "postgres") -> list[tuple]:
    """Run one statement outside any transaction (CREATE/DROP DATABASE need that); return its rows."""
    conn = connect(dbname)
    try:
        with conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def database_exists(name: str) -> bool:
    return bool(execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]))


def marker(name: str) -> dict | None:
    """The builder's marker row of a complete database, or None."""
    if not database_exists(name):
        return None
    conn = connect(name)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('bench_build') IS NOT NULL")
            if not cur.fetchone()[0]:
                return None
            cur.execute("SELECT version, children, in_care, built_on, seconds FROM bench_build ORDER BY built_at DESC")
            row = cur.fetchone()
    finally:
        conn.close()
    if row is None or row[0] != VERSION:
        return None
    return dict(zip(("version", "children", "in_care", "built_on", "seconds"), row, strict=True))


def drop_database(name: str) -> None:
    execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def write_marker(name: str, *, children: int, in_care: int, built_on: date, seconds: float) -> None:
    conn = connect(name)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS bench_build (version text, children int, in_care int, "
                "built_on date, seconds double precision, built_at timestamptz DEFAULT now())"
            )
            cur.execute(
                "INSERT INTO bench_build (version, children, in_care, built_on, seconds) VALUES (%s, %s, %s, %s, %s)",
                [VERSION, children, in_care, built_on, seconds],
            )
    finally:
        conn.close()


# --------------------------------------------------------------------------- the template


def ensure_template(today: date) -> str:
    """The seeded demo authority, five years of history; rebuilt when its version or day differs."""
    name = "iro_bench_template"
    found = marker(name)
    if found is not None and found["built_on"] == today:
        return name
    drop_database(name)
    execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    started = time.perf_counter()
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "iro_service.settings.local", "DATABASE_URL": db_url(name)}
    env.pop("REDIS_URL", None)
    subprocess.run(  # noqa: S603
        [PYTHON, "-m", "benchmarks.template", today.isoformat(), str(TEMPLATE_SEED)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=1800,
    )
    write_marker(
        name, children=TEMPLATE_IN_CARE, in_care=TEMPLATE_IN_CARE, built_on=today, seconds=time.perf_counter() - started
    )
    return name


# --------------------------------------------------------------------------- the copies (benchmarks.copies)


def fill(name: str, *, children: int) -> int:
    """Copy the template's service within ``name`` until ``children`` are in care; return the count."""
    import django

    os.environ["DATABASE_URL"] = db_url(name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    user_model = get_user_model()
    specs = copy_specs()
    full, remainder = divmod(children, TEMPLATE_IN_CARE)
    if full < 1:
        raise SystemExit(f"--children must be at least {TEMPLATE_IN_CARE} (one whole demo authority).")
    with transaction.atomic(), connection.cursor() as cur:
        strides = {}
        for spec in specs:
            cur.execute(f'SELECT COALESCE(max(id), 0) FROM "{spec.model._meta.db_table}"')  # noqa: S608
            strides[spec.model] = cur.fetchone()[0]
        _plan_copies(cur, full=full, remainder=remainder)
        _id_functions(cur, strides=strides, user_model=user_model)
        for spec in specs:
            started = time.perf_counter()
            rows = 0
            for statement in copy_sql(spec, strides=strides, user_model=user_model, template_max=strides[spec.model]):
                cur.execute(statement)
                rows += cur.rowcount
            print(f"  {spec.model._meta.db_table}: +{rows} rows in {time.perf_counter() - started:.1f}s", flush=True)
        for spec in specs:
            table = spec.model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"  # noqa: S608
            )
        _known_logins_and_population(cur, children=children)
        cur.execute("SELECT count(DISTINCT child_id) FROM children_careepisode WHERE ended_on IS NULL")
        return cur.fetchone()[0]


def _plan_copies(cur, *, full: int, remainder: int) -> None:
    """The copy numbers (``bench_copy``), and the template's children the partial copy takes
    (``bench_partial_child``): the first children in care, and leavers in the template's ratio."""
    cur.execute("CREATE TEMP TABLE bench_copy (k int PRIMARY KEY, partial bool NOT NULL)")
    copies = [(k, False) for k in range(1, full)] + ([(full, True)] if remainder else [])
    cur.executemany("INSERT INTO bench_copy VALUES (%s, %s)", copies)
    cur.execute(
        "CREATE TEMP TABLE bench_partial_child AS "
        "WITH s AS (SELECT c.id, EXISTS (SELECT 1 FROM children_careepisode e WHERE e.child_id = c.id "
        "AND e.ended_on IS NULL) AS in_care FROM children_child c), "
        "r AS (SELECT id, in_care, row_number() OVER (PARTITION BY in_care ORDER BY id) AS n FROM s) "
        "SELECT id AS child_id FROM r WHERE n <= CASE WHEN in_care THEN %s "
        "ELSE round(%s * (SELECT count(*) FROM s WHERE NOT in_care)::numeric / %s) END",
        [remainder, remainder, TEMPLATE_IN_CARE],
    )
    cur.execute("CREATE INDEX ON bench_partial_child (child_id)")


def _id_functions(cur, *, strides: dict, user_model) -> None:
    """``pg_temp.bench_user`` (an IRO's id in copy k; other users are the service's, shared) and
    ``pg_temp.bench_remap_key`` (a deadline flag's key names the ids it is about, ``review_overdue:
    child=12:due=...``: shift them)."""
    cur.execute(f"SELECT array_agg(user_id) FROM ({CHAIRS}) chairs")  # noqa: S608 (a constant)
    iro_ids = cur.fetchone()[0]
    cur.execute(
        "CREATE FUNCTION pg_temp.bench_user(u bigint, k int) RETURNS bigint LANGUAGE sql IMMUTABLE AS "
        f"$$ SELECT CASE WHEN u = ANY('{{{','.join(map(str, iro_ids))}}}'::bigint[]) "
        f"THEN u + k * {strides[user_model]} ELSE u END $$"
    )
    from children.models import Child
    from conferences.models import Conference, ProtectionPlan
    from disputes.models import Dispute, DisputeStep
    from reviews.models import Action, Review

    stride_of = {
        "child": Child,
        "review": Review,
        "action": Action,
        "dispute": Dispute,
        "step": DisputeStep,
        "conference": Conference,
        "plan": ProtectionPlan,
    }
    cases = " ".join(f"WHEN '{k}' THEN {strides[m]}" for k, m in stride_of.items())
    cur.execute(
        "CREATE FUNCTION pg_temp.bench_remap_key(key text, k int) RETURNS text LANGUAGE sql IMMUTABLE "  # noqa: S608
        "AS $$ "
        f"SELECT string_agg(CASE WHEN part ~ '^({'|'.join(stride_of)})=[0-9]+$' "
        "THEN split_part(part, '=', 1) || '=' || (split_part(part, '=', 2)::bigint + k * "
        f"CASE split_part(part, '=', 1) {cases} END)::text ELSE part END, ':' ORDER BY ord) "
        "FROM unnest(string_to_array(key, ':')) WITH ORDINALITY AS p(part, ord) $$"
    )


def _known_logins_and_population(cur, *, children: int) -> None:
    """Known logins (IROs by id, then the service's manager, committee member and administrator,
    one password), and the population the report's rate per 10,000 children needs."""
    from django.contrib.auth.hashers import make_password

    cur.execute(
        "UPDATE auth_user u SET username = 'bench-iro-' || n.rank, "
        "email = 'bench-iro-' || n.rank || '@bench.example' "
        "FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM auth_user "
        "WHERE id IN (SELECT user_id FROM children_iroprofile)) n WHERE u.id = n.id"
    )
    for old, new in (("manager", "bench-manager"), ("committee", "bench-committee"), ("admin", "bench-admin")):
        cur.execute("UPDATE auth_user SET username = %s WHERE username = %s", [new, old])
    cur.execute("UPDATE auth_user SET password = %s", [make_password(BENCH_PASSWORD)])
    cur.execute(
        "UPDATE reporting_childpopulation SET children_under_18 = (children_under_18::bigint * %s / %s)::int",
        [children, TEMPLATE_IN_CARE],
    )


def vacuum_analyze(name: str) -> None:
    execute("VACUUM ANALYZE", dbname=name)


def build(children: int, *, rebuild: bool = False, check: bool = False) -> dict:
    name = db_name(children)
    found = None if rebuild else marker(name)
    if found is not None:
        print(f"{name}: reusing ({found['in_care']} in care, built {found['built_on']} in {found['seconds']:.0f}s)")
        return found
    today = datetime.now(ZoneInfo("Europe/London")).date()
    started = time.perf_counter()
    template = ensure_template(today)
    seeded = time.perf_counter()
    print(f"template {template}: ready in {seeded - started:.0f}s", flush=True)
    drop_database(name)
    execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
    execute("DROP TABLE bench_build", dbname=name)
    in_care = fill(name, children=children)
    copied = time.perf_counter()
    vacuum_analyze(name)
    if check:
        env = os.environ | {"DJANGO_SETTINGS_MODULE": "benchmarks.settings", "DATABASE_URL": db_url(name)}
        subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", "recompute_review_dates", "--show", "5"], cwd=ROOT, env=env, check=True, timeout=3600
        )
    seconds = time.perf_counter() - started
    print(
        f"{name}: {in_care} children in care; template {seeded - started:.0f}s, copies {copied - seeded:.0f}s, "
        f"total {seconds:.0f}s"
    )
    write_marker(name, children=children, in_care=in_care, built_on=today, seconds=seconds)
    return marker(name) or {}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, required=True, help="Children in care (at least 300).")
    parser.add_argument("--rebuild", action="store_true", help="Rebuild even when a complete database exists.")
    parser.add_argument(
        "--check", action="store_true", help="Recompute every review chain (dry run) and report any difference."
    )
    args = parser.parse_args(argv)
    build(args.children, rebuild=args.rebuild, check=args.check)


if __name__ == "__main__":
    main()
