"""Rate limits: per client IP, login and /api/* windows, memory and Redis counters."""

from __future__ import annotations

import asyncio
import socket
import uuid

import pytest

from sandbox.ratelimit import MemoryBackend, RateLimiter, RedisBackend
from sandbox.settings import ConfigError, RateLimit


def _redis_up() -> bool:
    try:
        import redis  # noqa: F401
    except ImportError:
        return False
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30/minute", RateLimit(30, 60)), ("600/minute", RateLimit(600, 60)), ("5/second", RateLimit(5, 1)),
     ("100/10minutes", RateLimit(100, 600)), ("1000/hour", RateLimit(1000, 3600))],
)
def test_rate_parse(text, expected):
    assert RateLimit.parse(text, "X") == expected


@pytest.mark.parametrize("text", ["30", "0/minute", "many/minute", "30/fortnight"])
def test_rate_parse_rejects(text):
    with pytest.raises(ConfigError):
        RateLimit.parse(text, "X")


def test_login_limit_answers_429_with_headers(make_client, kit):
    client = make_client(env={"SANDBOX_LOGIN_RATE_LIMIT": "3/minute"})
    statuses = []
    for _ in range(4):
        response = client.post("/api/auth/login", json={"username": "admin", "password": "wrong"})
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 429]
    assert response.json() == {"detail": "Too Many Requests"}
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.headers["ratelimit-limit"] == "3"
    assert response.headers["ratelimit-remaining"] == "0"
    assert 1 <= int(response.headers["ratelimit-reset"]) <= 60
    # a 429 still carries the security headers and a request id
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]
    # the correct password does not get through either
    correct = {"username": "admin", "password": kit.passwords["admin"]}
    assert client.post("/api/auth/login", json=correct).status_code == 429
    # the login limit does not block the rest of the API
    assert client.get("/api/health").status_code == 200


def test_ratelimit_headers_count_down(make_client):
    client = make_client(env={"SANDBOX_API_RATE_LIMIT": "5/minute"})
    remaining = [int(client.get("/api/health").headers["ratelimit-remaining"]) for _ in range(5)]
    assert remaining == [4, 3, 2, 1, 0]
    response = client.get("/api/health")
    assert response.status_code == 429
    assert response.headers["ratelimit-limit"] == "5"
    # health endpoints outside /api/ are not limited (load balancers poll them)
    assert client.get("/health/live").status_code == 200


def test_cors_preflight_is_not_counted(make_client, kit):
    client = make_client(env={"SANDBOX_API_RATE_LIMIT": "2/minute"})
    for _ in range(5):
        response = client.options(
            "/api/me", headers={"Origin": kit.admin_origin, "Access-Control-Request-Method": "GET"}
        )
        assert response.status_code == 204
    assert client.get("/api/health").status_code == 200


def test_memory_backend_window():
    limiter = RateLimiter(MemoryBackend(), "t")

    async def run() -> list[bool]:
        return [(await limiter.hit("b", "1.2.3.4", RateLimit(2, 60))).allowed for _ in range(3)]

    assert asyncio.run(run()) == [True, True, False]


@pytest.mark.skipif(not _redis_up(), reason="Redis on 127.0.0.1:6379 not reachable (or redis not installed)")
def test_redis_backend_counts_and_isolates_instances():
    async def run() -> tuple[list[bool], bool]:
        prefix = uuid.uuid4().hex
        first = RateLimiter(RedisBackend("redis://127.0.0.1:6379/0"), prefix)
        other = RateLimiter(RedisBackend("redis://127.0.0.1:6379/0"), prefix + "-other")
        try:
            allowed = [(await first.hit("login", "9.9.9.9", RateLimit(2, 60))).allowed for _ in range(3)]
            other_allowed = (await other.hit("login", "9.9.9.9", RateLimit(2, 60))).allowed
        finally:
            await first.close()
            await other.close()
        return allowed, other_allowed

    allowed, other_allowed = asyncio.run(run())
    assert allowed == [True, True, False]
    assert other_allowed is True  # a parallel sandbox has its own counters


@pytest.mark.skipif(not _redis_up(), reason="Redis on 127.0.0.1:6379 not reachable (or redis not installed)")
def test_redis_backed_app(make_client):
    client = make_client(env={"SANDBOX_REDIS_URL": "redis://127.0.0.1:6379/0", "SANDBOX_API_RATE_LIMIT": "2/minute"})
    assert [client.get("/api/health").status_code for _ in range(3)] == [200, 200, 429]


def test_unreachable_redis_fails_open(make_client, sandbox_logs):
    # port 1 refuses connections: the API must stay up, and the outage is logged
    client = make_client(env={"SANDBOX_REDIS_URL": "redis://127.0.0.1:1/0", "SANDBOX_API_RATE_LIMIT": "1/minute"})
    assert [client.get("/api/health").status_code for _ in range(2)] == [200, 200]
    assert any("rate limit store unavailable" in line for line in sandbox_logs.lines)
