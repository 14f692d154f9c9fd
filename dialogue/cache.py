"""A Redis cache that a stopped or hung Redis cannot take the site down with.

The database is the truth (DESIGN §7); the cache only saves work. With Redis unreachable, reads
miss, writes are dropped and `incr` behaves as for a missing key, so sessions fall back to the
database (cached_db), the console's counter to the session row, and recording a response or
issuing a notice still works. Each failure is logged.

A Redis that accepts connections but never answers (stopped with SIGSTOP, swapping, a network
black hole) costs each call its socket timeout (settings: 0.1 s). So that a page does not pay it
on every call, the first failure opens a circuit breaker shared by the process: for
`breaker_seconds` (OPTIONS, default 30) every call is answered as a miss without touching Redis;
then the next call tries Redis again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: What an unreachable or stalled server raises; anything else (a bug) still raises.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
BREAKER_SECONDS = 30.0


class Breaker:
    """Open for `seconds` after a failure; shared by the threads of a process."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self) -> None:
        self.open_until = time.monotonic() + self.seconds

    def reset(self) -> None:
        self.open_until = 0.0


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, seconds: float = BREAKER_SECONDS) -> Breaker:
    """The process's breaker for a Redis location (Django makes a cache object per thread)."""
    with _breakers_lock:
        breaker = _breakers.get(location)
        if breaker is None:
            breaker = _breakers[location] = Breaker(seconds)
        breaker.seconds = seconds
        return breaker


def _unavailable(operation: str, exc: Exception) -> None:
    logger.warning("Cache unavailable (%s): %s", operation, exc)


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS") or {})}
        seconds = float(params["OPTIONS"].pop("breaker_seconds", BREAKER_SECONDS))
        super().__init__(server, params)
        self.breaker = breaker_for(server if isinstance(server, str) else ",".join(server), seconds)

    def _guard(self, operation: str, call: Callable[[], Any], fallback: Callable[[], Any]):
        if self.breaker.is_open():
            return fallback()
        try:
            return call()
        except UNAVAILABLE as exc:
            self.breaker.trip()
            _unavailable(operation, exc)
            return fallback()

    def get(self, key, default=None, version=None):
        return self._guard(
            "get",
            lambda: super(ForgivingRedisCache, self).get(key, default, version),
            lambda: default,
        )

    def get_many(self, keys, version=None):
        return self._guard(
            "get_many", lambda: super(ForgivingRedisCache, self).get_many(keys, version), dict
        )

    def has_key(self, key, version=None):
        return self._guard(
            "has_key", lambda: super(ForgivingRedisCache, self).has_key(key, version), lambda: False
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "add",
            lambda: super(ForgivingRedisCache, self).add(key, value, timeout, version),
            lambda: False,
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guard(
            "set",
            lambda: super(ForgivingRedisCache, self).set(key, value, timeout, version),
            lambda: None,
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "set_many",
            lambda: super(ForgivingRedisCache, self).set_many(data, timeout, version),
            lambda: list(data),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "touch",
            lambda: super(ForgivingRedisCache, self).touch(key, timeout, version),
            lambda: False,
        )

    def delete(self, key, version=None):
        return self._guard(
            "delete", lambda: super(ForgivingRedisCache, self).delete(key, version), lambda: False
        )

    def delete_many(self, keys, version=None):
        self._guard(
            "delete_many",
            lambda: super(ForgivingRedisCache, self).delete_many(keys, version),
            lambda: None,
        )

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key {key!r} not found (cache unavailable).")

        return self._guard(
            "incr", lambda: super(ForgivingRedisCache, self).incr(key, delta, version), missing
        )
