"""How often the public forms may be asked for (docs/rules.md#the-childs-voice).

Each request to a form a link opens (a look or a send) counts once against its link (the
token's hash: the token itself is never a cache key) and once against the client's address
(read as axes and the audit trail read it, ``iro_service.signin.client_address``), in a window
of one minute kept in Django's cache. More than ``VOICE_RATE_LIMIT_PER_MINUTE`` for one link, or
``ADDRESS_FACTOR`` times that from one address, and the page says "Too many tries" (429) until
the minute is over. An address has the larger allowance because a school, a children's home or
a council office puts many people behind one address.

What it limits is abuse of a known link (a script posting to it, a page reloaded in a loop),
not guessing: a token is 256 random bits, so there is nothing to guess. It therefore **fails
open**: with the cache unavailable (``iro_service.cache.ResilientRedisCache`` answers as an
empty cache while Redis is down) every request is let through rather than refused, and the
page never fails because of the limiter.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache

from iro_service.signin import client_address

from . import tokens

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
#: An address may make this many times the per-link allowance (people sharing one address).
ADDRESS_FACTOR = 10


def _count(key: str) -> int:
    """Add one to ``key``'s count in this window and return it; 0 if the cache cannot count."""
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
        return int(cache.incr(key))
    except ValueError:  # the key is missing: the cache is down (ResilientRedisCache has logged it)
        return 0
    except Exception:  # noqa: BLE001 - fail open: any other cache trouble lets the request through
        logger.warning("Rate limit not applied: the cache could not count", exc_info=True)
        return 0


def _keys(request, raw: str, *, window: int) -> list[tuple[str, int]]:
    per_link = settings.VOICE_RATE_LIMIT_PER_MINUTE
    keys = [(f"voice:rl:link:{tokens.token_hash(raw)}:{window}", per_link)]
    address = client_address(request)
    if address:
        keys.append((f"voice:rl:addr:{address}:{window}", per_link * ADDRESS_FACTOR))
    return keys


def over_limit(request, raw: str, *, now: float | None = None) -> bool:
    """Count this request for its link and its address; whether either is now over its limit."""
    window = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    over = False
    for key, limit in _keys(request, raw, window=window):
        if _count(key) > limit:
            over = True
    return over


def reset(request, raw: str, *, now: float | None = None) -> None:
    """Forget this window's counts for the link and the address (tests, and support staff)."""
    window = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    for key, _limit in _keys(request, raw, window=window):
        try:
            cache.delete(key)
        except Exception:  # noqa: BLE001
            logger.warning("Rate limit not reset: the cache is unavailable", exc_info=True)
