"""Fixed-window rate limiting, counters in process memory or in Redis (SANDBOX_REDIS_URL).

A client's window opens with its first request (not at a wall-clock boundary), so N+1 requests
within one window length are always refused once, wherever they fall on the clock.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Protocol

from sandbox.logs import get_logger, log
from sandbox.settings import ConfigError, RateLimit


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the current window ends


class CounterBackend(Protocol):
    name: str

    async def incr(self, key: str, ttl_seconds: int) -> tuple[int, float]:
        """Count one hit; returns (hits in the current window, seconds until it closes)."""
        ...

    async def close(self) -> None: ...


class MemoryBackend:
    name = "memory"

    def __init__(self) -> None:
        # key -> (count, expires at monotonic time)
        self._counts: dict[str, tuple[int, float]] = {}

    async def incr(self, key: str, ttl_seconds: int) -> tuple[int, float]:
        # single event loop, no await between read and write: no lock needed
        now = time.monotonic()
        if len(self._counts) > 10_000:
            self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
        count, expires = self._counts.get(key, (0, now + ttl_seconds))
        if expires <= now:
            count, expires = 0, now + ttl_seconds
        self._counts[key] = (count + 1, expires)
        return count + 1, expires - now

    async def close(self) -> None:
        self._counts.clear()


class RedisBackend:
    name = "redis"

    def __init__(self, url: str) -> None:
        try:
            import redis.asyncio  # optional dependency, only needed with SANDBOX_REDIS_URL
        except ImportError as exc:
            raise ConfigError("SANDBOX_REDIS_URL is set but the 'redis' package is not installed") from exc
        self._client = redis.asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    async def incr(self, key: str, ttl_seconds: int) -> tuple[int, float]:
        # SET NX EX first, so the expiry exists before the first increment (works on any Redis)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=ttl_seconds, nx=True)
            pipe.incr(key)
            pipe.pttl(key)
            _, count, pttl = await pipe.execute()
        return int(count), max(int(pttl), 0) / 1000

    async def close(self) -> None:
        await self._client.aclose()


class RateLimiter:
    def __init__(self, backend: CounterBackend, prefix: str) -> None:
        self.backend = backend
        # per sandbox instance, so parallel sandboxes sharing one Redis never share counters
        self._prefix = prefix
        self._log = get_logger("ratelimit")

    async def hit(self, bucket: str, client: str, rate: RateLimit) -> Decision:
        key = f"sandbox:{self._prefix}:rl:{bucket}:{client}"
        try:
            count, seconds_left = await self.backend.incr(key, rate.window_seconds)
        except Exception as exc:  # a counter store outage must not take the API down
            log(self._log, logging.ERROR, "rate limit store unavailable; request allowed",
                backend=self.backend.name, error=type(exc).__name__)
            return Decision(True, rate.limit, rate.limit, rate.window_seconds)
        reset = max(1, math.ceil(seconds_left))
        return Decision(count <= rate.limit, rate.limit, max(0, rate.limit - count), reset)

    async def close(self) -> None:
        await self.backend.close()


def build_limiter(redis_url: str | None, prefix: str) -> RateLimiter:
    backend: CounterBackend = RedisBackend(redis_url) if redis_url else MemoryBackend()
    return RateLimiter(backend, prefix)
