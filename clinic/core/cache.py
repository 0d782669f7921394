"""A Redis cache that fails open: when Redis cannot be reached, this process
carries on with a local in-memory cache instead of answering 500.

What lives in the cache here is only ever counters and hints (the API's rate
limits); sessions are in the database and the sign-in lockout counts in the
database (django-axes' database handler). Losing Redis for a while therefore
costs only this: each web process counts requests on its own until Redis is
back. That is the trade we want for a clinic: the front desk keeps signing in
and booking, and the operator sees it in the log and on ``/healthz``.

After a failure the process stops asking Redis for ``RETRY_SECONDS`` (a
circuit breaker: a dead Redis behind a firewall would otherwise cost every
request a connect timeout), logs one warning per such interval, and tries
Redis again when the interval is over.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Connect and read timeouts (seconds) unless OPTIONS say otherwise: a cache
# that takes longer than this to answer is treated as down.
DEFAULT_SOCKET_TIMEOUT = 0.5
DEFAULT_RETRY_SECONDS = 30.0


class _Breaker:
    """Whether Redis at one location is to be left alone for now; shared by
    every thread's cache object in this process, so the process logs once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.down = False


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(location: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, _Breaker())


class FailOpenRedisCache(BaseCache):
    """Django's ``RedisCache``, with a per-process ``LocMemCache`` taking over
    while Redis is unreachable.

    ``OPTIONS`` are those of ``RedisCache`` plus ``RETRY_SECONDS`` (how long to
    stay on the local cache after a failure before trying Redis again).
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        self.location = server
        self.primary = RedisCache(server, {**params, "OPTIONS": options})
        self.fallback = LocMemCache(f"fail-open:{server}", params)
        self._breaker = _breaker_for(server)

    # --- the breaker ----------------------------------------------------------

    def _run(self, name: str, call: Callable[[BaseCache], T]) -> T:
        breaker = self._breaker
        if time.monotonic() < breaker.down_until:
            return call(self.fallback)
        try:
            result = call(self.primary)
        except RedisError as exc:
            self._trip(name, exc)
            return call(self.fallback)
        if breaker.down:
            with breaker.lock:
                was_down, breaker.down = breaker.down, False
            if was_down:
                logger.info("cache: Redis at %s answers again", self._safe_location)
        return result

    def _trip(self, name: str, exc: Exception) -> None:
        breaker = self._breaker
        with breaker.lock:
            if time.monotonic() < breaker.down_until:
                return  # another thread tripped it a moment ago and said so
            breaker.down_until = time.monotonic() + self.retry_seconds
            breaker.down = True
        # Once per interval: the breaker keeps Redis out of the way until then.
        logger.warning(
            "cache: Redis at %s is unreachable (%s on %s: %s); this process uses its "
            "own local cache for the next %.0f s (rate limits count per process)",
            self._safe_location,
            exc.__class__.__name__,
            name,
            exc,
            self.retry_seconds,
        )

    @property
    def _safe_location(self) -> str:
        # Never log a password from the URL.
        scheme, _, rest = self.location.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}" if rest else self.location

    @property
    def is_degraded(self) -> bool:
        """Whether this process is on its local cache right now."""
        return time.monotonic() < self._breaker.down_until

    def check(self) -> dict[str, Any]:
        """Ask Redis itself (not the breaker) whether it answers: for /healthz."""
        try:
            redis_client: Any = self.primary._cache  # type: ignore[attr-defined]
            client = redis_client.get_client(None, write=True)
            client.ping()
        except RedisError as exc:
            return {"ok": False, "backend": "redis", "error": exc.__class__.__name__}
        return {"ok": True, "backend": "redis"}

    # --- the cache API ----------------------------------------------------------

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._run("add", lambda c: c.add(key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._run("get", lambda c: c.get(key, default, version))

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._run("set", lambda c: c.set(key, value, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._run("touch", lambda c: c.touch(key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._run("delete", lambda c: c.delete(key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._run("get_many", lambda c: c.get_many(keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._run("has_key", lambda c: c.has_key(key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._run("incr", lambda c: c.incr(key, delta, version))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._run("set_many", lambda c: c.set_many(data, timeout, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._run("delete_many", lambda c: c.delete_many(keys, version))

    def clear(self) -> None:
        self.fallback.clear()
        self._run("clear", lambda c: c.clear())

    def close(self, **kwargs: Any) -> None:
        self.primary.close(**kwargs)
