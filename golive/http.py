"""The HTTP layer every check uses: httpx with timeouts, request ids, safe retries, redaction.

- every call has a timeout; a target that refuses or black-holes connections is marked
  unreachable once and later calls fail fast, so a dead target costs seconds, not minutes;
- every request carries an ``X-Request-ID``;
- only idempotent requests are retried, and only when the connection could not be made;
- a rate limit is never evidence: a 429, or a 503 with Retry-After, is waited out and the request
  sent again (within the request budget and ``rate_limit_wait_s``); if the target still refuses,
  the check ends broken for an environment reason (:class:`RateLimited`). Checks that test the
  rate limit itself opt out with ``expect_rate_limit=True`` and see the 429;
- requests to endpoints whose rate limit the profile declares are paced (:class:`Pacer`) so a run
  does not trip the limits it is testing;
- every exchange is handed to ``on_exchange`` (the report) as text with secrets redacted;
- the check's safety class is enforced per request.
"""

from __future__ import annotations

import ssl
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from golive.outcomes import TargetUnreachable
from golive.probes.ratelimit import retry_after_seconds
from golive.redaction import Redactor
from golive.safety import Intent, guard, intent_of

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
CONNECT_FAILURES = (httpx.ConnectError, httpx.ConnectTimeout)
MAX_ATTACHED_BODY = 16_000
USER_AGENT = "golive/0.1 (+go-live checks)"
# Longest a request waits out rate limiting in total before its check ends broken.
MAX_RATE_LIMIT_WAIT_S = 65.0  # one typical per-minute window: a limit another check tripped on purpose clears
# Re-sends after a rate-limited answer: enough to ride out one window, few enough to stay polite.
RATE_LIMIT_RETRIES = 3
# A 429 without Retry-After: wait this long, doubling per re-send.
RATE_LIMIT_BACKOFF_S = 1.0
# Intents whose requests may be sent again after a 429 or 503 even with POST or PATCH. A 429 or 503
# means the request was not processed (RFC 6585 §4, RFC 9110 §15.6.4); a probe is built to change
# nothing and a login only opens a session, so repeating them cannot do anything twice. A write is
# not repeated: it went through the ledger once, and a second send would be a second create.
REPEATABLE_INTENTS = frozenset({"read", "login", "probe"})


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class RequestBudgetExceeded(Exception):
    """A check would send more requests to one endpoint than the profile allows for a run."""


@dataclass
class RequestBudget:
    """Requests sent per endpoint (method and URL without query) in this process, against a ceiling.

    Sweeping checks must stay polite to a production target: the profile sets the ceiling.
    """

    per_endpoint: int = 100
    sent: dict[str, int] = field(default_factory=dict)

    def spend(self, method: str, url: str) -> None:
        endpoint = f"{method} {url.split('?', 1)[0]}"
        count = self.sent.get(endpoint, 0) + 1
        if count > self.per_endpoint:
            raise RequestBudgetExceeded(
                f"request budget exceeded: {endpoint} would get request {count} of at most {self.per_endpoint} "
                "(raise request_budget in the profile if the target can take it)"
            )
        self.sent[endpoint] = count


class RateLimited(TargetUnreachable):
    """The target kept answering 429 (or 503 with Retry-After): an environment problem, never evidence."""


@dataclass
class Clock:
    """Wall time (for Retry-After dates), monotonic time (for pacing) and sleeping: the seam for tests."""

    wall: Callable[[], float] = time.time
    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


def _without_query(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0].rstrip("/")


@dataclass(frozen=True)
class PaceRule:
    """At most ``limit`` requests to ``url`` (any query; ``method`` only, when given) in any ``window_s`` seconds."""

    url: str
    limit: int
    window_s: float
    method: str | None = None


class Pacer:
    """Keeps golive's own requests to rate-limited endpoints below the limits the profile declares.

    A sliding log per endpoint: a request waits until fewer than its share of the limit were sent
    in the last window (plus a little slack for the trip to the server). That holds in every window,
    so also in the target's fixed windows. ``workers`` processes (xdist) share one client address,
    so each gets ``limit // workers``.
    """

    SLACK_S = 0.1

    def __init__(self, rules: Iterable[PaceRule] = (), *, workers: int = 1, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self._rules = {_without_query(rule.url): rule for rule in rules}
        self._share = {url: max(1, rule.limit // max(1, workers)) for url, rule in self._rules.items()}
        self._sent: dict[str, deque[float]] = {url: deque() for url in self._rules}

    def count_sent(self, url: str, method: str, wall_times: Iterable[float]) -> None:
        """Count requests another process sent to ``url`` (at these wall-clock times) against its limit."""
        endpoint = _without_query(url)
        rule = self._rules.get(endpoint)
        if rule is None or (rule.method is not None and rule.method != method.upper()):
            return
        now_wall, now = self.clock.wall(), self.clock.monotonic()
        self._sent[endpoint].extend(sorted(now - max(0.0, now_wall - sent) for sent in wall_times))

    def wait_turn(self, url: str, method: str = "GET") -> float:
        """Sleep until ``url`` may be requested, record the request; returns the seconds waited."""
        endpoint = _without_query(url)
        rule = self._rules.get(endpoint)
        if rule is None or (rule.method is not None and rule.method != method.upper()):
            return 0.0
        sent, share, window = self._sent[endpoint], self._share[endpoint], rule.window_s + self.SLACK_S
        waited = 0.0
        now = self.clock.monotonic()
        while sent and now - sent[0] >= window:
            sent.popleft()
        if len(sent) >= share:
            pause = sent[len(sent) - share] + window - now
            if pause > 0:
                self.clock.sleep(pause)
                waited = pause
            now = self.clock.monotonic()
            while sent and now - sent[0] >= window:
                sent.popleft()
        sent.append(now)
        return waited


def retry_delay(response: httpx.Response, attempt: int, now: float) -> float | None:
    """How long to wait before sending again after a rate-limited answer (None: it said nothing usable)."""
    header = response.headers.get("retry-after")
    if header is None:
        return RATE_LIMIT_BACKOFF_S * 2 ** (attempt - 1) if response.status_code == 429 else None
    return retry_after_seconds(header, now=now)


def is_rate_limited(response: httpx.Response) -> bool:
    """A 429, or a 503 that says when to come back: the target throttles; it says nothing about the check.

    A 503 without Retry-After is the service saying it is down, which a health check must see.
    """
    return response.status_code == 429 or (response.status_code == 503 and "retry-after" in response.headers)


DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_NAMES = {"localhost": "127.0.0.1", "::1": "127.0.0.1"}


def endpoint_of(url: str) -> str:
    """The TCP endpoint behind a URL: a dead port is dead for http, https and the browser alike."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{LOOPBACK_NAMES.get(host, host)}:{parts.port or DEFAULT_PORTS.get(parts.scheme, 0)}"


NO_ANSWER = "no answer within"


def loopback_origin(url: str) -> str:
    """The URL's origin, with localhost spelled 127.0.0.1: one endpoint, one name in every message."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in LOOPBACK_NAMES:
        return origin_of(url)
    return f"{parts.scheme}://{LOOPBACK_NAMES[host]}" + (f":{parts.port}" if parts.port else "")


def unreachable_message(origin: str, reason: str) -> str:
    """A dead target ("connection refused") and a slow or hung one ("no answer within 10 s") read differently."""
    if reason.startswith(NO_ANSWER):
        return f"{reason}: {origin} accepts connections but did not answer (slow or hung, not down)"
    return f"unreachable: {origin} ({reason})"


@dataclass
class Reachability:
    """Endpoints found unreachable in this process: later requests to them fail at once.

    Shared by the HTTP client, the browser and the TLS scan, so a dead or black-holed target
    costs one timeout per run and worker, not one per check, and every check it breaks says so in
    the same words (the verdict lists the cause once).
    """

    down: dict[str, str] = field(default_factory=dict)  # endpoint -> reason
    origins: dict[str, str] = field(default_factory=dict)  # endpoint -> the origin that found it down

    def check(self, url: str) -> None:
        message = self.message(url)
        if message:
            raise TargetUnreachable(message)

    def mark(self, url: str, reason: str) -> str:
        """Record the endpoint as down (the first reason stays); returns the message checks report."""
        endpoint = endpoint_of(url)
        self.down.setdefault(endpoint, reason)
        self.origins.setdefault(endpoint, loopback_origin(url))
        return self.message(url)

    def message(self, url: str) -> str:
        endpoint = endpoint_of(url)
        if endpoint not in self.down:
            return ""
        return unreachable_message(self.origins.get(endpoint, loopback_origin(url)), self.down[endpoint])


def describe_connect_failure(error: Exception) -> str:
    if isinstance(error, httpx.ConnectTimeout):
        return "connection timed out"
    text = str(error).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename nor servname" in text or "name resolution" in text:
        return "DNS name not found"
    return f"cannot connect: {error}"


def format_exchange(request: httpx.Request, response: httpx.Response | None, redactor: Redactor) -> str:
    lines = [f"{request.method} {redactor.text(str(request.url))}"]
    lines += [f"{name}: {value}" for name, value in redactor.headers(request.headers.multi_items())]
    try:
        content = request.content
    except httpx.RequestNotRead:  # a streamed body (the upload-limit probe) is not attached
        content = b""
    if content:
        body = content.decode("utf-8", "replace")
        lines += ["", redactor.body(body, request.headers.get("content-type", ""))[:MAX_ATTACHED_BODY]]
    if response is None:
        return "\n".join(lines)
    elapsed = ""
    if response.is_closed:
        try:
            elapsed = f"{response.elapsed.total_seconds() * 1000:.0f} ms"
        except RuntimeError:  # an answer built in memory (a test transport) has no timing
            pass
    lines += ["", f"HTTP {response.status_code} {response.reason_phrase}  ({elapsed})"]
    lines += [f"{name}: {value}" for name, value in redactor.headers(response.headers.multi_items())]
    text = response.text if response.is_closed else ""
    if text:
        lines += ["", redactor.body(text, response.headers.get("content-type", ""))[:MAX_ATTACHED_BODY]]
    return "\n".join(lines)


ExchangeSink = Callable[[str, str], None]  # (title, redacted text)


class HttpClient:
    """An httpx client shaped for go-live checks. ``transport`` is the seam for tests."""

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        redactor: Redactor | None = None,
        on_exchange: ExchangeSink | None = None,
        reachability: Reachability | None = None,
        budget: RequestBudget | None = None,
        safety: str = "readonly",
        retries: int = 2,
        retry_backoff_s: float = 0.25,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
        pacer: Pacer | None = None,
        rate_limit_wait_s: float = MAX_RATE_LIMIT_WAIT_S,
        clock: Clock | None = None,
    ) -> None:
        self.redactor = redactor or Redactor()
        self.on_exchange = on_exchange
        self.reachability = reachability or Reachability()
        self.budget = budget or RequestBudget()
        self.safety = safety
        self.retries = retries
        self.retry_backoff_s = retry_backoff_s
        self.timeout_s = timeout
        self.clock = clock or Clock()
        self.pacer = pacer or Pacer(clock=self.clock)
        self.rate_limit_wait_s = rate_limit_wait_s
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            verify=verify,  # an SSLContext trusting the profile's CA bundle, for private CAs
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def request(self, method: str, url: str, *, intent: Intent | None = None, expect_rate_limit: bool = False,
                **kwargs: Any) -> httpx.Response:
        """Send one request. ``expect_rate_limit``: the check tests the rate limit itself, so the request
        is neither paced nor retried and a 429 is returned to it like any answer."""
        method = method.upper()
        guard(self.safety, method, url, intent)
        self.reachability.check(url)
        self.budget.spend(method, url)
        headers = httpx.Headers(kwargs.pop("headers", None))
        headers.setdefault("X-Request-ID", f"golive-{uuid.uuid4().hex[:20]}")
        # a role's credential (golive.auth.Credential) puts itself where the system reads it
        auth = kwargs.pop("auth", None)
        request = self._client.build_request(method, url, headers=headers, **kwargs)
        if expect_rate_limit:
            return self._send(request, method, url, auth)
        self.pacer.wait_turn(url, method)
        response = self._send(request, method, url, auth)
        repeatable = method in IDEMPOTENT or intent_of(method, intent) in REPEATABLE_INTENTS
        waited = 0.0
        for attempt in range(1, RATE_LIMIT_RETRIES + 2):
            if not is_rate_limited(response):
                return response
            delay = retry_delay(response, attempt, self.clock.wall())
            stop = self._why_not_again(repeatable, delay, attempt, waited)
            if stop is None:
                try:
                    self.budget.spend(method, url)
                except RequestBudgetExceeded:
                    stop = "the request budget for this endpoint is spent"
            if stop is not None or delay is None:
                break
            self.clock.sleep(delay)
            waited += delay
            self.pacer.wait_turn(url, method)
            response = self._send(request, method, url, auth)
        raise RateLimited(self._rate_limited_message(method, url, response, stop or ""))

    def _why_not_again(self, repeatable: bool, delay: float | None, attempt: int, waited: float) -> str | None:
        """Why a rate-limited request is not sent again (None: wait ``delay`` and send it again)."""
        if not repeatable:
            return "a write is not sent twice"
        if delay is None:
            return "its Retry-After is neither seconds nor a date"
        if attempt > RATE_LIMIT_RETRIES:
            return f"still refused after {RATE_LIMIT_RETRIES} waits, {waited:g} s in all"
        if waited + delay > self.rate_limit_wait_s:
            already = f" after {waited:g} s" if waited else ""
            return f"waiting {delay:g} s more{already} is beyond golive's {self.rate_limit_wait_s:g} s"
        return None

    def _rate_limited_message(self, method: str, url: str, response: httpx.Response, stop: str) -> str:
        where = f"HTTP {response.status_code} on {method} {self.redactor.text(_without_query(url))}"
        retry_after = response.headers.get("retry-after")
        said = f"Retry-After: {retry_after}" if retry_after is not None else "no Retry-After"
        if response.status_code == 429:
            return f"rate limited by the target: {where} ({said}; {stop}); retry later or raise the limit"
        return f"the target is overloaded or in maintenance: {where} ({said}; {stop}); retry when it is back"

    def _send(self, request: httpx.Request, method: str, url: str, auth: httpx.Auth | None = None) -> httpx.Response:
        """One exchange, retried only when an idempotent request could not connect; reported either way."""
        attempts = 1 + (self.retries if method in IDEMPOTENT else 0)
        for attempt in range(1, attempts + 1):
            try:
                response = self._client.send(request, auth=auth) if auth is not None else self._client.send(request)
                # Nothing rides along implicitly: a session cookie a login set must not make the next
                # (anonymous or other-role) request of the same check authenticated.
                self._client.cookies.clear()
                break
            except CONNECT_FAILURES as error:
                if attempt < attempts:
                    self.clock.sleep(self.retry_backoff_s * attempt)
                    continue
                reason = describe_connect_failure(error)
                message = self.reachability.mark(url, reason)
                self._report(request, None, f"{method} {url} → {reason}")
                raise TargetUnreachable(message) from None
            except httpx.TimeoutException:
                # A target that accepts connections but never answers would cost every later check
                # a full timeout; after one, the origin counts as not answering.
                reason = f"{NO_ANSWER} {self._client.timeout.read:g} s"
                message = self.reachability.mark(url, reason)
                self._report(request, None, f"{method} {url} → {reason}")
                raise TargetUnreachable(message) from None
        self._report(request, response, f"{method} {request.url.path} → {response.status_code}")
        return response

    def _report(self, request: httpx.Request, response: httpx.Response | None, title: str) -> None:
        if self.on_exchange:
            self.on_exchange(self.redactor.text(title), format_exchange(request, response, self.redactor))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("HEAD", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("OPTIONS", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)
