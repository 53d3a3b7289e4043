"""Locust users for ``benchmarks.run``: IROs going round their own pages, and a user of the bare
view (the framework floor), each in a session the runner signed in through the real form.

``BENCH_SESSION_COOKIES`` is a JSON list of cookie dicts, one a session. Talks only to the
``--host`` it is given (127.0.0.1).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, constant, task

#: The signed-in sessions' cookies, one a locust user, round-robin: the runner signs every session
#: in through the real form before the measuring starts, so the window measures the pages, not
#: 50 password hashes at once.
_SESSIONS = itertools.cycle(json.loads(os.environ.get("BENCH_SESSION_COOKIES", "[{}]")))
_CHILD = re.compile(r'href="/children/(\d+)/"')


class SignedIn(HttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self):
        self.client.cookies.update(next(_SESSIONS))


class IROUser(SignedIn):
    """An IRO's working mix: home page, caseload, a filtered list, their children's records and
    the review form."""

    def on_start(self):
        super().on_start()
        page = self.client.get("/children/", name="/children/ (caseload)")
        self.children = sorted(set(_CHILD.findall(page.text))) or ["0"]

    @task(3)
    def home(self):
        self.client.get("/reviews/", name="/reviews/ (home)")

    @task(2)
    def caseload(self):
        self.client.get("/children/", name="/children/ (caseload)")

    @task(1)
    def filtered(self):
        self.client.get("/children/?status=in_care&legal_status=C2", name="/children/?filtered")

    @task(3)
    def record(self):
        self.client.get(f"/children/{random.choice(self.children)}/", name="/children/<pk>/")  # noqa: S311

    @task(1)
    def review_form(self):
        self.client.get(f"/reviews/child/{random.choice(self.children)}/record/", name="/reviews/child/<pk>/record/")  # noqa: S311


class BareUser(SignedIn):
    @task
    def bare(self):
        self.client.get("/bench/bare/", name="/bench/bare/")
