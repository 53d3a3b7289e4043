"""Reporting reads from a PostgreSQL read replica, when ``REPLICA_DATABASE_URL`` is set.

Without ``REPLICA_DATABASE_URL`` none of this is installed (settings add the router and the
middleware only then) and ``reads_from_replica`` changes nothing: every query goes to
``default``. With it, the rules are (docs/scaling.md, "The read replica"):

1. Every write goes to ``default``, always, and so does every read outside
   ``reads_from_replica()``: the replica serves only the code that asks for it, which is the
   reporting entry points (the service dashboard and the records behind its figures, the
   annual report's CSV tables, the report generation task).
2. Inside ``reads_from_replica()`` a read still goes to ``default`` when
   - the request is pinned to the primary: it is not a GET, HEAD, OPTIONS or TRACE, or the
     same browser sent one less than ``REPLICA_PIN_SECONDS`` ago (``PrimaryPinMiddleware``
     sets a cookie after every such request), so a user never reads their own write from the
     replica;
   - a write to the same model happened earlier in the same context (an audit event
     written by the page, then read back);
   - ``default`` is inside a transaction: a service's reads see its own writes and decide
     on current data;
   - the model is sign-in or session state, or the reports' own records (``PRIMARY_ONLY_APPS``);
   - the replica has not replayed everything the primary had committed when the context
     first read from it (``replica_has_caught_up``: one query on each, once a context), or
     cannot be reached. This is what keeps a Celery task, which has no cookie, from reading
     data older than the request that queued it.

State lives in a ``ContextVar``, not a thread-local: each request, task and thread (and each
asyncio task) sees its own, and it is reset when the request or the context ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
#: The cookie that pins a browser's requests to the primary for a few seconds after a write.
PIN_COOKIE = "iro_primary_until"
#: Requests that change nothing (RFC 9110 "safe" methods); any other pins the browser.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: Always read from the primary: the rows that decide who is signed in or locked out, and the
#: reports' own records (versions, narratives, SSDA903 uploads), few and read back by the task
#: a manager has just queued. The replica serves the figures: the records about children.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "otp_totp", "otp_static", "django_otp", "reporting"})


@dataclass
class _Reads:
    replica: bool = False  # inside reads_from_replica()
    pinned: bool = False  # this request, or its browser's last few seconds, wrote
    written: set[str] = field(default_factory=set)  # labels of the models written in this context
    caught_up: bool | None = None  # the replica against the primary, checked once a context


_reads: ContextVar[_Reads | None] = ContextVar("iro_db_reads", default=None)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Send this block's reads to the replica, under the rules above. Also a decorator:
    ``@reads_from_replica()`` on a view or a task (innermost, just above the function)."""
    outer = _reads.get()
    inner = _Reads(replica=True)
    if outer is not None:  # inside a request: keep its pin, share what it has written
        inner.pinned, inner.written = outer.pinned, outer.written
    token = _reads.set(inner)
    try:
        yield
    finally:
        _reads.reset(token)


def replica_has_caught_up() -> bool:
    """Whether the replica has replayed everything the primary has committed by now.

    True when the replica is no standby at all (a promoted one, or the second database that
    tests stand in for it). False, with a warning, when either cannot be asked.
    """
    primary, replica = connections[DEFAULT_DB_ALIAS], connections[REPLICA]
    if primary.vendor != "postgresql" or replica.vendor != "postgresql":
        return True  # no write-ahead log to compare (the SQLite stand-in of the test suite)
    try:
        with primary.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (lsn,) = cursor.fetchone()
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            standby, replayed = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Read replica unavailable (%s): reading from the primary", error)
        return False
    return not standby or bool(replayed)


class PrimaryReplicaRouter:
    """``DATABASE_ROUTERS`` entry when ``REPLICA_DATABASE_URL`` is set (rules in the module doc)."""

    def db_for_read(self, model, **hints) -> str:
        state = _reads.get()
        if (
            state is None
            or not state.replica
            or state.pinned
            or model._meta.label in state.written
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        if state.caught_up is None:
            state.caught_up = replica_has_caught_up()
        return REPLICA if state.caught_up else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        state = _reads.get()
        if state is not None:
            state.written.add(model._meta.label)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        """A row read from the replica is the same row on the primary."""
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        return True if {obj1._state.db, obj2._state.db} <= aliases else None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        """The replica copies the primary's schema; migrations run on the primary only."""
        return False if db == REPLICA else None


class PrimaryPinMiddleware:
    """Pins a request to the primary when it is not a safe method, and for ``REPLICA_PIN_SECONDS``
    after one pins the same browser (a cookie holding the time the pin ends), so the pages a
    user sees after saving show what they saved. Installed only with ``REPLICA_DATABASE_URL``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = time.time()
        writes = request.method not in SAFE_METHODS
        token = _reads.set(_Reads(pinned=writes or _pinned_until(request) > now))
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if writes:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(now) + seconds),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _pinned_until(request) -> float:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, 0))
    except ValueError:
        return 0.0
