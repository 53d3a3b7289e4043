"""Password validators added to Django's (AUTH_PASSWORD_VALIDATORS in settings/base.py).

Django's own refuse passwords shorter than 12 characters, the 20,000 most common, all-digit
ones and ones like the username. These refuse what those let through: too few different
characters (``aaaaaaaaaaaa``), one short group repeated (``abcabcabcabc``), runs of consecutive
characters (``123456789012``, ``qwertyuiopas``), and, where the server may reach it, any password
in the Pwned Passwords breach corpus (NCSC guidance: block passwords known to be compromised).
"""

from __future__ import annotations

import hashlib
import logging
import urllib.request
from urllib.error import URLError

from django.conf import settings
from django.core.exceptions import ValidationError

log = logging.getLogger(__name__)

# Runs of consecutive characters people type: the alphabet, digits (0 follows 9 as on the
# keyboard) and the keyboard's rows. Each is read forwards and backwards.
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
)
STEPS = frozenset((seq[i], seq[i + 1]) for seq in SEQUENCES for i in range(len(seq) - 1)) | frozenset(
    (seq[i + 1], seq[i]) for seq in SEQUENCES for i in range(len(seq) - 1)
)
SHORTEST_RUN = 3


class VariedCharactersValidator:
    """Refuse a password with fewer than ``min_distinct`` different characters."""

    def __init__(self, min_distinct: int = 6):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                f"Your password must contain at least {self.min_distinct} different characters.",
                code="password_too_few_characters",
            )

    def get_help_text(self):
        return f"Your password must contain at least {self.min_distinct} different characters."


def repeated_unit(password: str) -> str | None:
    """The shortest group that, repeated, makes up the whole password (``abc`` for ``abcabcabcab``)."""
    for size in range(1, len(password) // 2 + 1):
        unit = password[:size]
        if (unit * (len(password) // size + 1))[: len(password)] == password:
            return unit
    return None


def sequential_share(password: str) -> float:
    """The share of the password made of runs of at least SHORTEST_RUN consecutive characters."""
    text = password.lower()
    covered = 0
    run = 1
    for previous, current in zip(text, text[1:], strict=False):
        if (previous, current) in STEPS:
            run += 1
            continue
        covered += run if run >= SHORTEST_RUN else 0
        run = 1
    covered += run if run >= SHORTEST_RUN else 0
    return covered / len(text) if text else 0.0


class PatternPasswordValidator:
    """Refuse one short group repeated, or a password that is mostly runs of consecutive characters."""

    message = (
        "Your password must not be a repeated pattern (like abcabcabcabc) or mostly a run of "
        "consecutive characters (like 123456789012 or qwertyuiop)."
    )

    def __init__(self, max_sequential_share: float = 0.5):
        self.max_sequential_share = max_sequential_share

    def validate(self, password, user=None):
        if repeated_unit(password) is not None or sequential_share(password) > self.max_sequential_share:
            raise ValidationError(self.message, code="password_pattern")

    def get_help_text(self):
        return "Your password must not be a repeated pattern or a run of consecutive characters."


class BreachedPasswordValidator:
    """Refuse a password found in the Pwned Passwords corpus, through its range API.

    k-anonymity: only the first 5 hex characters of the password's SHA-1 are sent; the answer
    lists every breached hash with that prefix, and the match is made here. Off unless
    ``PASSWORD_BREACH_API_URL`` is set (production, where the server can reach the internet:
    ``https://api.pwnedpasswords.com/range/``). When the service cannot be reached the password
    is checked by the other validators only, and a warning is logged: an outage must not stop
    people from changing a password.
    """

    message = "This password has appeared in a data breach, so criminals may try it. Choose a different password."

    def validate(self, password, user=None):
        url = settings.PASSWORD_BREACH_API_URL
        if not url:
            return
        digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
        prefix, suffix = digest[:5], digest[5:]
        try:
            times = breach_count(url, prefix, suffix, timeout=settings.PASSWORD_BREACH_API_TIMEOUT)
        except (OSError, URLError, ValueError) as error:
            log.warning("Password breach check unavailable (%s); checked against the local lists only.", error)
            return
        if times:
            raise ValidationError(self.message, code="password_breached")

    def get_help_text(self):
        return "Your password must not be one that has appeared in a known data breach."


def breach_count(url: str, prefix: str, suffix: str, *, timeout: float) -> int:
    """How many times the hash ``prefix + suffix`` appears in the corpus (0 if not at all)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"PASSWORD_BREACH_API_URL must be an http(s) URL, not {url!r}")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url + prefix, headers={"Add-Padding": "true", "User-Agent": "iro-service password check"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        body = response.read().decode("ascii", errors="replace")
    for line in body.splitlines():
        candidate, _, count = line.strip().partition(":")
        if candidate.upper() == suffix:
            return int(count or 0)
    return 0
