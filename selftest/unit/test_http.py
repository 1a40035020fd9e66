"""golive.http.HttpClient: request ids, timeouts, safe retries, fail-fast on dead targets, redacted
exchanges, the safety class enforced per request, rate limits waited out or paced. HTTP is mocked with
respx or httpx.MockTransport, time with a fake clock; one test uses a real closed port on 127.0.0.1."""

from __future__ import annotations

import json
import re
import socket
import time
from datetime import datetime, timezone
from email.utils import format_datetime

import httpx
import pytest

from golive.http import Clock, HttpClient, Pacer, PaceRule, RateLimited, Reachability, RequestBudget
from golive.outcomes import TargetUnreachable
from golive.redaction import MASK, Redactor
from golive.safety import SafetyViolation

API = "https://api.shop.test"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJhZG1pbiIsImV4cCI6MTcwMDAwMDAwMH0"
    ".Qx8z2Vb1S4l0dWn4c2lnbmF0dXJlYnl0ZXNoZXJl"
)
REFUSED = httpx.ConnectError("[Errno 111] Connection refused")


class Recorder:
    """An httpx.MockTransport that answers 200 and remembers every request it saw."""

    def __init__(self, response: httpx.Response | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.response = response or httpx.Response(200, json={"ok": True})
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.response.status_code, headers=self.response.headers, content=self.response.content)


def client(**kwargs) -> HttpClient:
    kwargs.setdefault("retry_backoff_s", 0)
    return HttpClient(**kwargs)


# --- request ids and timeouts ---------------------------------------------------------------


def test_every_request_carries_a_distinct_request_id(respx_mock):
    route = respx_mock.route(host="api.shop.test").mock(return_value=httpx.Response(204))

    with client() as http:
        http.get(f"{API}/health/live")
        http.head(f"{API}/health/live")
        http.options(f"{API}/api/products")

    ids = [call.request.headers["x-request-id"] for call in route.calls]
    assert len(ids) == 3
    assert all(re.fullmatch(r"golive-[0-9a-f]{20}", i) for i in ids)
    assert len(set(ids)) == 3
    assert all(call.request.headers["user-agent"].startswith("golive/") for call in route.calls)


def test_a_request_id_given_by_the_check_is_kept(respx_mock):
    route = respx_mock.get(f"{API}/api/me").mock(return_value=httpx.Response(200))

    with client() as http:
        http.get(f"{API}/api/me", headers={"X-Request-ID": "trace-me-42"})

    assert route.calls.last.request.headers.get_list("x-request-id") == ["trace-me-42"]


@pytest.mark.parametrize(
    "timeout, expected",
    [
        (7.5, {"connect": 5.0, "read": 7.5, "write": 7.5, "pool": 7.5}),
        (2.0, {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}),
    ],
)
def test_every_request_has_a_timeout_with_connect_capped_at_five_seconds(timeout, expected):
    recorder = Recorder()

    with client(timeout=timeout, transport=recorder.transport) as http:
        http.get(f"{API}/")

    assert recorder.requests[0].extensions["timeout"] == expected


def test_redirects_are_not_followed():
    recorder = Recorder(httpx.Response(302, headers={"Location": "https://evil.example/"}))

    with client(transport=recorder.transport) as http:
        response = http.get(f"{API}/login")

    assert response.status_code == 302
    assert len(recorder.requests) == 1


# --- retries and reachability ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
def test_idempotent_requests_are_retried_on_connect_errors_then_unreachable(respx_mock, method):
    route = respx_mock.route(method=method, url=f"{API}/api/items/1").mock(side_effect=REFUSED)

    with client(retries=2, safety="mutating") as http, pytest.raises(TargetUnreachable) as raised:
        http.request(method, f"{API}/api/items/1")

    assert route.call_count == 3
    assert str(raised.value) == "unreachable: https://api.shop.test (connection refused)"


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_non_idempotent_requests_are_never_retried(respx_mock, method):
    route = respx_mock.route(method=method, url=f"{API}/api/orders").mock(side_effect=REFUSED)

    with client(retries=2, safety="mutating") as http, pytest.raises(TargetUnreachable):
        http.request(method, f"{API}/api/orders", json={"sku": "A-1"})

    assert route.call_count == 1


def test_a_connect_error_followed_by_success_returns_the_response(respx_mock):
    route = respx_mock.get(f"{API}/health/live").mock(side_effect=[REFUSED, httpx.Response(200, json={"live": True})])

    with client(retries=2) as http:
        response = http.get(f"{API}/health/live")

    assert response.json() == {"live": True}
    assert route.call_count == 2


def test_http_500_is_an_answer_and_is_not_retried(respx_mock):
    route = respx_mock.get(f"{API}/health/ready").mock(return_value=httpx.Response(500, text="db down"))

    with client(retries=2) as http:
        response = http.get(f"{API}/health/ready")

    assert response.status_code == 500
    assert route.call_count == 1


def test_an_unreachable_origin_fails_fast_afterwards_and_others_still_work(respx_mock):
    dead = respx_mock.route(host="api.shop.test").mock(side_effect=REFUSED)
    alive = respx_mock.get("https://admin.shop.test/").mock(return_value=httpx.Response(200))

    with client(retries=1) as http:
        with pytest.raises(TargetUnreachable):
            http.get(f"{API}/health/live")
        with pytest.raises(TargetUnreachable, match=r"^unreachable: https://api.shop.test \(connection refused\)$"):
            http.get(f"{API}/api/products?page=2")
        assert http.get("https://admin.shop.test/").status_code == 200

    assert dead.call_count == 2  # the first request and its one retry; the second never left
    assert alive.call_count == 1


def test_reachability_can_be_shared_between_clients(respx_mock):
    route = respx_mock.route(host="api.shop.test").mock(side_effect=REFUSED)
    shared = Reachability()

    with client(retries=0, reachability=shared) as first, pytest.raises(TargetUnreachable):
        first.get(f"{API}/a")
    with client(retries=0, reachability=shared) as second, pytest.raises(TargetUnreachable):
        second.get(f"{API}/b")

    assert route.call_count == 1
    assert shared.down == {"api.shop.test:443": "connection refused"}  # keyed by TCP endpoint, not scheme


@pytest.mark.parametrize(
    "error, reason",
    [
        (httpx.ConnectTimeout("timed out"), "connection timed out"),
        (httpx.ConnectError("[Errno -2] Name or service not known"), "DNS name not found"),
        (httpx.ConnectError("[Errno 101] Network is unreachable"), "cannot connect: [Errno 101] Network is unreachable"),
    ],
    ids=["connect-timeout", "dns", "other"],
)
def test_connect_failures_are_described(respx_mock, error, reason):
    respx_mock.get(f"{API}/").mock(side_effect=error)

    with client(retries=0) as http, pytest.raises(TargetUnreachable) as raised:
        http.get(f"{API}/")

    assert str(raised.value) == f"unreachable: {API} ({reason})"


def test_a_read_timeout_is_not_retried_and_marks_the_origin_as_not_answering(respx_mock):
    route = respx_mock.route(host="api.shop.test").mock(side_effect=httpx.ReadTimeout("read timed out"))

    with client(retries=2, timeout=3) as http:
        with pytest.raises(TargetUnreachable) as raised:
            http.get(f"{API}/slow")
        with pytest.raises(TargetUnreachable) as later:
            http.get(f"{API}/other")

    # slow or hung, said so: not "unreachable", which a refused connection is
    assert str(raised.value) == f"no answer within 3 s: {API} accepts connections but did not answer (slow or hung, not down)"
    assert str(later.value) == str(raised.value), "one cause, in the same words for every check it breaks"
    assert route.call_count == 1


def test_every_check_meeting_a_dead_endpoint_reports_it_in_the_same_words():
    shared = Reachability()
    first = shared.mark("http://localhost:8443/health", "connection refused")
    assert first == "unreachable: http://127.0.0.1:8443 (connection refused)"
    for url in ("https://localhost:8443/", "http://127.0.0.1:8443/admin/login", "http://[::1]:8443/x"):
        with pytest.raises(TargetUnreachable) as raised:
            shared.check(url)
        assert str(raised.value) == first
    assert shared.mark("http://127.0.0.1:8443/", "no answer within 5 s") == first, "the first cause stays"


@pytest.mark.parametrize("playwright_error, reason", [
    ("Page.goto: net::ERR_CONNECTION_REFUSED at http://localhost:1/admin/login\nCall log: ...", "connection refused"),
    ("Page.goto: Timeout 15000ms exceeded.\nCall log:\n  - navigating to ...", "no answer within 15 s"),
    ("Page.goto: net::ERR_NAME_NOT_RESOLVED at https://admin.shop.invalid/", "DNS name not found"),
    ("Page.goto: net::ERR_CERT_AUTHORITY_INVALID at https://x/", "net::ERR_CERT_AUTHORITY_INVALID"),
    ("Page.goto: Target page, context or browser has been closed", ""),
])
def test_a_browser_navigation_failure_reads_like_the_http_layers(playwright_error, reason):
    from golive.browser import navigation_failure

    assert navigation_failure(playwright_error) == reason


def _closed_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_closed_loopback_port_is_unreachable_quickly_and_not_tried_again():
    port = _closed_loopback_port()
    url = f"http://127.0.0.1:{port}/health/live"

    with HttpClient(timeout=5, retries=2, retry_backoff_s=0.01) as http:
        started = time.monotonic()
        with pytest.raises(TargetUnreachable) as raised:
            http.get(url)
        assert time.monotonic() - started < 2.0
        assert str(raised.value) == f"unreachable: http://127.0.0.1:{port} (connection refused)"

        # Something listens on the port now: a new connection attempt would reach it.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", port))
            listener.listen(8)
            listener.setblocking(False)
            started = time.monotonic()
            with pytest.raises(TargetUnreachable, match=r"\(connection refused\)"):
                http.get(f"http://127.0.0.1:{port}/health/ready")
            assert time.monotonic() - started < 0.5
            with pytest.raises(BlockingIOError):
                listener.accept()  # nobody connected


# --- exchanges handed to the report ---------------------------------------------------------


def test_on_exchange_receives_redacted_request_and_response(respx_mock):
    respx_mock.post(f"{API}/api/auth/login").mock(
        return_value=httpx.Response(
            200,
            json={"access_token": JWT, "refresh_token": "opaque-refresh-0123456789", "user": "admin"},
            headers={"Set-Cookie": "session=s3ss10n-value; HttpOnly"},
        )
    )
    exchanges: list[tuple[str, str]] = []

    with client(on_exchange=lambda title, text: exchanges.append((title, text))) as http:
        response = http.post(
            f"{API}/api/auth/login",
            intent="login",
            json={"username": "admin", "password": "hunter2-local-Pw"},
            headers={"Authorization": "Bearer previous-token-abcdef123"},
        )

    assert response.json()["access_token"] == JWT  # the check itself sees the real answer
    [(title, text)] = exchanges
    assert title == "POST /api/auth/login → 200"
    for secret in ("hunter2-local-Pw", "previous-token-abcdef123", JWT, "opaque-refresh-0123456789", "s3ss10n-value"):
        assert secret not in text
    assert text.startswith(f"POST {API}/api/auth/login\n")
    assert f"authorization: {MASK}" in text.lower()
    assert "HTTP 200 OK" in text
    assert re.search(r"x-request-id: golive-[0-9a-f]{20}", text)
    request_body = text.split("\n\n")[1]
    assert json.loads(request_body) == {"username": "admin", "password": MASK}
    assert '"user": "admin"' in text


def test_on_exchange_masks_env_secrets_in_urls_and_titles(respx_mock):
    respx_mock.get(url__startswith=f"{API}/hooks").mock(return_value=httpx.Response(200))
    exchanges: list[tuple[str, str]] = []
    redactor = Redactor(["wh-secret-5566"])

    with client(redactor=redactor, on_exchange=lambda title, text: exchanges.append((title, text))) as http:
        http.get(f"{API}/hooks/wh-secret-5566?sig=wh-secret-5566")

    [(title, text)] = exchanges
    assert "wh-secret-5566" not in title
    assert "wh-secret-5566" not in text


def test_on_exchange_reports_an_unreachable_target_once(respx_mock):
    respx_mock.get(f"{API}/health/live").mock(side_effect=REFUSED)
    exchanges: list[tuple[str, str]] = []

    with client(retries=2, on_exchange=lambda title, text: exchanges.append((title, text))) as http:
        with pytest.raises(TargetUnreachable):
            http.get(f"{API}/health/live")

    [(title, text)] = exchanges
    assert title == f"GET {API}/health/live → connection refused"
    assert "HTTP " not in text


# --- safety class per request ---------------------------------------------------------------


def test_readonly_client_refuses_a_post_without_intent_and_sends_nothing():
    recorder = Recorder()

    with client(transport=recorder.transport) as http, pytest.raises(SafetyViolation, match="a readonly check may not send POST"):
        http.post(f"{API}/api/orders", json={"sku": "A-1"})

    assert recorder.requests == []


def test_readonly_client_may_log_in():
    recorder = Recorder()

    with client(transport=recorder.transport) as http:
        http.post(f"{API}/api/auth/login", intent="login", json={"username": "u", "password": "p"})

    assert [r.method for r in recorder.requests] == ["POST"]


def test_probe_intent_is_refused_for_readonly_and_allowed_for_probe():
    recorder = Recorder()

    with client(transport=recorder.transport) as http, pytest.raises(SafetyViolation, match="intent probe"):
        http.post(f"{API}/webhooks/razorpay", intent="probe", content=b"{}")
    assert recorder.requests == []

    with client(transport=recorder.transport, safety="probe") as http:
        http.post(f"{API}/webhooks/razorpay", intent="probe", content=b"{}")
    assert len(recorder.requests) == 1


def test_probe_client_may_not_write():
    recorder = Recorder()

    with client(transport=recorder.transport, safety="probe") as http, pytest.raises(SafetyViolation):
        http.delete(f"{API}/api/products/1")

    assert recorder.requests == []


def test_safety_violation_is_raised_even_for_an_unreachable_origin(respx_mock):
    respx_mock.get(f"{API}/").mock(side_effect=REFUSED)

    with client(retries=0) as http:
        with pytest.raises(TargetUnreachable):
            http.get(f"{API}/")
        with pytest.raises(SafetyViolation):
            http.put(f"{API}/api/products/1", json={})


def test_request_budget_stops_a_check_before_it_floods_one_endpoint(respx_mock):
    from golive.http import RequestBudgetExceeded

    respx_mock.get(host="shop.test").mock(return_value=httpx.Response(200))
    with HttpClient(budget=RequestBudget(per_endpoint=3)) as client:
        for _ in range(3):
            client.get("https://shop.test/api/login?attempt=1")
        with pytest.raises(RequestBudgetExceeded, match="GET https://shop.test/api/login would get request 4 of at most 3"):
            client.get("https://shop.test/api/login?attempt=2")
        assert client.get("https://shop.test/api/other").status_code == 200


def test_one_dead_endpoint_is_dead_for_every_scheme_and_loopback_name():
    shared = Reachability()
    shared.mark("http://127.0.0.1:8443/health", "no answer within 5 s")
    for url in ("https://localhost:8443/", "http://localhost:8443/admin/login", "http://[::1]:8443/x"):
        with pytest.raises(TargetUnreachable, match="no answer within 5 s"):
            shared.check(url)
    shared.check("http://127.0.0.1:8444/")  # another port is another endpoint


def test_the_one_time_code_and_challenge_of_a_second_factor_never_reach_the_report(respx_mock):
    import pyotp

    from golive.auth import complete_mfa
    from golive.profile import Auth

    seed = pyotp.random_base32()
    auth = Auth.model_validate({
        "login": {"service": "api", "path": "/login"},
        "roles": {"boss": {"username": "boss", "password": "pw-123456"}},
        "mfa": {"roles": ["boss"], "path": "/otp", "totp_secrets": {"boss": seed}},
    })
    respx_mock.post("https://shop.test/otp").mock(return_value=httpx.Response(200, json={"ok": True}))
    attached: list[str] = []
    with HttpClient(redactor=Redactor(), on_exchange=lambda title, text: attached.append(text)) as client:
        complete_mfa(client, auth, "https://shop.test", "boss", "challenge-7f3a9c2e")
    code = pyotp.TOTP(seed).now()
    assert attached and code not in attached[0] and "challenge-7f3a9c2e" not in attached[0]


# --- rate limiting is never evidence ----------------------------------------------------------

EPOCH = 1_796_000_000.0  # the fake wall clock's start


class FakeClock:
    """Time that moves only when the client sleeps: waits are recorded, never spent."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds

    def clock(self) -> Clock:
        return Clock(wall=lambda: EPOCH + self.now, monotonic=lambda: self.now, sleep=self.sleep)


class Answers:
    """A transport answering from a list of responses (the last one repeats), recording send times."""

    def __init__(self, clock: FakeClock, *responses: httpx.Response) -> None:
        self.clock, self.responses, self.sent = clock, list(responses), []
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, str(request.url), self.clock.now))
        answer = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


def too_many(retry_after: str | None = None, status: int = 429) -> httpx.Response:
    return httpx.Response(status, headers={"Retry-After": retry_after} if retry_after is not None else {},
                          json={"detail": "Too Many Requests"})


def limited_client(answers: Answers, clock: FakeClock, **kwargs) -> HttpClient:
    kwargs.setdefault("safety", "probe")
    return HttpClient(transport=answers.transport, clock=clock.clock(), retry_backoff_s=0, **kwargs)


def test_a_probe_answered_429_is_sent_again_after_retry_after_and_the_check_sees_the_real_answer():
    clock = FakeClock()
    answers = Answers(clock, too_many("2"), httpx.Response(401, json={"detail": "bad token"}))
    exchanges: list[str] = []

    with limited_client(answers, clock, on_exchange=lambda title, text: exchanges.append(title)) as http:
        response = http.post(f"{API}/api/orders", intent="probe", json={"forged": True})

    assert response.status_code == 401
    assert clock.sleeps == [2.0]
    assert [(method, at) for method, _, at in answers.sent] == [("POST", 0.0), ("POST", 2.0)]
    assert exchanges == ["POST /api/orders → 429", "POST /api/orders → 401"]  # both are in the report


def test_retry_after_as_an_http_date_is_honoured():
    clock = FakeClock()
    date = format_datetime(datetime.fromtimestamp(EPOCH + 5, tz=timezone.utc), usegmt=True)
    answers = Answers(clock, too_many(date), httpx.Response(200))

    with limited_client(answers, clock) as http:
        assert http.get(f"{API}/api/products").status_code == 200

    assert clock.sleeps == [5.0]


def test_a_429_without_retry_after_backs_off_and_a_target_that_keeps_refusing_breaks_the_check():
    clock = FakeClock()
    answers = Answers(clock, too_many())

    with limited_client(answers, clock) as http, pytest.raises(RateLimited) as raised:
        http.post(f"{API}/api/auth/login?next=/x", intent="login", json={"username": "u", "password": "p"})

    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert len(answers.sent) == 4
    assert isinstance(raised.value, TargetUnreachable)  # the plugin's _classify: broken, environment problem
    assert str(raised.value) == (
        f"rate limited by the target: HTTP 429 on POST {API}/api/auth/login "
        "(no Retry-After; still refused after 3 waits, 7 s in all); retry later or raise the limit")


def test_a_retry_after_beyond_the_longest_wait_breaks_the_check_at_once():
    clock = FakeClock()
    answers = Answers(clock, too_many("3600"))

    with limited_client(answers, clock, rate_limit_wait_s=30) as http, pytest.raises(RateLimited) as raised:
        http.get(f"{API}/api/products")

    assert clock.sleeps == [] and len(answers.sent) == 1
    assert "(Retry-After: 3600; waiting 3600 s more is beyond golive's 30 s)" in str(raised.value)


def test_waits_add_up_to_at_most_the_longest_wait():
    clock = FakeClock()
    answers = Answers(clock, too_many("20"))

    with limited_client(answers, clock, rate_limit_wait_s=30) as http, pytest.raises(RateLimited) as raised:
        http.get(f"{API}/api/products")

    assert clock.sleeps == [20.0] and len(answers.sent) == 2
    assert "waiting 20 s more after 20 s is beyond golive's 30 s" in str(raised.value)


def test_a_write_answered_429_is_not_sent_twice():
    clock = FakeClock()
    answers = Answers(clock, too_many("1"), httpx.Response(201))

    with limited_client(answers, clock, safety="mutating") as http, pytest.raises(RateLimited) as raised:
        http.post(f"{API}/api/orders", json={"sku": "A-1"})

    assert len(answers.sent) == 1 and clock.sleeps == []
    assert "a write is not sent twice" in str(raised.value)


def test_a_retry_after_golive_cannot_read_breaks_the_check_without_waiting():
    clock = FakeClock()
    answers = Answers(clock, too_many("soon"))

    with limited_client(answers, clock) as http, pytest.raises(RateLimited) as raised:
        http.get(f"{API}/api/products")

    assert clock.sleeps == [] and "(Retry-After: soon; its Retry-After is neither seconds nor a date)" in str(raised.value)


def test_a_check_of_the_rate_limit_itself_sees_the_429_unpaced_and_unretried():
    clock = FakeClock()
    answers = Answers(clock, too_many("1"))
    pacer = Pacer([PaceRule(f"{API}/api/rate-probe", limit=1, window_s=10)], clock=clock.clock())

    with limited_client(answers, clock, pacer=pacer) as http:
        statuses = [http.get(f"{API}/api/rate-probe", expect_rate_limit=True).status_code for _ in range(3)]

    assert statuses == [429, 429, 429]
    assert clock.sleeps == []


def test_a_503_is_evidence_unless_it_says_when_to_come_back():
    clock = FakeClock()
    down = Answers(clock, httpx.Response(503, json={"status": "down"}))
    with limited_client(down, clock) as http:
        assert http.get(f"{API}/health/live").status_code == 503  # the liveness check must see this
    assert len(down.sent) == 1

    busy = Answers(clock, too_many("4", status=503), httpx.Response(200))
    with limited_client(busy, clock) as http:
        assert http.get(f"{API}/api/products").status_code == 200
    assert clock.sleeps == [4.0]

    maintenance = Answers(clock, too_many("600", status=503))
    with limited_client(maintenance, clock) as http, pytest.raises(RateLimited) as raised:
        http.get(f"{API}/api/products")
    assert str(raised.value) == (f"the target is overloaded or in maintenance: HTTP 503 on GET {API}/api/products "
                                 "(Retry-After: 600; waiting 600 s more is beyond golive's 65 s); retry when it is back")


def test_re_sends_spend_the_request_budget_and_stop_when_it_is_spent():
    clock = FakeClock()
    answers = Answers(clock, too_many("1"))

    with limited_client(answers, clock, budget=RequestBudget(per_endpoint=2)) as http, pytest.raises(RateLimited) as raised:
        http.get(f"{API}/api/products")

    assert len(answers.sent) == 2 and clock.sleeps == [1.0]
    assert "the request budget for this endpoint is spent" in str(raised.value)


def test_requests_to_a_declared_rate_limited_endpoint_are_paced_below_the_limit():
    clock = FakeClock()
    answers = Answers(clock, httpx.Response(200))
    pacer = Pacer([PaceRule(f"{API}/api/auth/login", limit=3, window_s=2)], clock=clock.clock())

    with limited_client(answers, clock, pacer=pacer) as http:
        for attempt in range(7):
            http.post(f"{API}/api/auth/login?attempt={attempt}", intent="login", json={})
            http.get(f"{API}/api/products")  # not declared: never waits

    login_times = [at for method, url, at in answers.sent if "/login" in url]
    window = 2 + Pacer.SLACK_S
    assert all(sum(1 for t in login_times if start <= t < start + window) <= 3 for start in login_times)
    assert login_times[:3] == [0.0, 0.0, 0.0] and login_times[3] == pytest.approx(window)


def test_worker_processes_share_the_limit_and_undeclared_paths_are_not_paced():
    clock = FakeClock()
    pacer = Pacer([PaceRule(f"{API}/api/rate-probe/", limit=5, window_s=2)], workers=2, clock=clock.clock())

    waits = [pacer.wait_turn(f"{API}/api/rate-probe?n={n}") for n in range(3)]
    assert waits[:2] == [0.0, 0.0] and waits[2] == pytest.approx(2.1)  # 5 // 2 workers = 2 per window each
    assert pacer.wait_turn(f"{API}/api/rate-probe/other") == 0.0


def test_a_rule_for_one_method_leaves_the_others_unpaced():
    from golive.http import PaceRule, Pacer

    class Clock:
        now = 0.0

        def monotonic(self):  # type: ignore[no-untyped-def]
            return self.now

        def sleep(self, seconds):  # type: ignore[no-untyped-def]
            self.now += seconds

    clock = Clock()
    pacer = Pacer([PaceRule("http://app.test/login", 1, 60, method="POST")], clock=clock)  # type: ignore[arg-type]
    assert [pacer.wait_turn("http://app.test/login", "GET") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.wait_turn("http://app.test/login", "POST") == 0.0
    assert pacer.wait_turn("http://app.test/login", "POST") > 59  # the login's own attempts are paced


def test_logins_another_process_sent_count_against_the_limit():
    """The preflight logs in before the workers start: its POSTs still fill the window they pace in."""
    clock = FakeClock()
    clock.now = 100.0
    login_url = f"{API}/api/auth/login"
    pacer = Pacer([PaceRule(login_url, limit=3, window_s=10, method="POST")], clock=clock.clock())
    pacer.count_sent(login_url, "POST", [EPOCH + 96.0, EPOCH + 99.0])   # 4 s and 1 s ago
    pacer.count_sent(f"{API}/api/other", "POST", [EPOCH + 99.0])          # not paced: ignored
    assert pacer.wait_turn(login_url, "POST") == 0.0                      # the third of three
    waited = pacer.wait_turn(login_url, "POST")                           # the window is full
    assert waited == pytest.approx(10 + Pacer.SLACK_S - 4.0)              # until the first one leaves it
