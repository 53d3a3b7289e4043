"""The cache when Redis is set (``REDIS_URL``): Django's Redis backend that degrades to no cache.

The cache only ever saves work (drawn charts), so a Redis that is down or unreachable must
not take a page down with it. ``ResilientRedisCache`` answers every call as a cache with
nothing in it would (a miss on read, nothing stored on write, the value computed by
``get_or_set``) and logs a warning. Short socket timeouts make each failed call cost
milliseconds, and after a failure Redis is not tried again for ``RETRY_AFTER_SECONDS``
(shared by every thread of the process), so a page that asks the cache twenty times pays
for one timeout at most.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: What a Redis that is down, restarting, unreachable or not Redis at all raises: connection
#: and timeout errors, and the protocol and response errors of whatever answered instead.
#: Errors of the cache's callers (a value that cannot be pickled, say) are not among them.
UNAVAILABLE = (RedisError, OSError)

#: Connect and read timeouts, in seconds, of the cache's Redis connections.
SOCKET_TIMEOUT = 0.5
#: After a failure, calls skip Redis (answering as an empty cache) for this long.
RETRY_AFTER_SECONDS = 10.0

_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


def redis_caches(url: str) -> dict:
    """The ``CACHES`` setting for a Redis at ``url`` (base settings and the Redis-down tests)."""
    return {
        "default": {
            "BACKEND": "iro_service.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": SOCKET_TIMEOUT,
                "socket_timeout": SOCKET_TIMEOUT,
                "retry_on_timeout": False,
            },
        }
    }


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that behaves as an empty cache while Redis cannot be reached."""

    _servers: list[str]  # set by RedisCache.__init__; django-stubs does not declare it

    def _call(self, method: str, fallback, *args, **kwargs):
        location = ",".join(self._servers)
        if _down_until.get(location, 0.0) > time.monotonic():
            return fallback()
        try:
            return getattr(super(), method)(*args, **kwargs)
        except UNAVAILABLE as error:
            with _down_lock:
                first = _down_until.get(location, 0.0) <= time.monotonic()
                _down_until[location] = time.monotonic() + RETRY_AFTER_SECONDS
            if first:
                logger.warning(
                    "Cache unavailable (%s: %s): working without it for %.0f s",
                    type(error).__name__,
                    error,
                    RETRY_AFTER_SECONDS,
                )
            return fallback()

    # Reads answer as a miss; writes as "not stored". ``get_or_set``, ``decr`` and the
    # version helpers of BaseCache are built on these, so they degrade too.
    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")

        return self._call("incr", missing, key, delta, version)

    def clear(self):
        return self._call("clear", lambda: False)
