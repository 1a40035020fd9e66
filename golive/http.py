"""The HTTP layer every check uses: httpx with timeouts, request ids, safe retries, redaction.

- every call has a timeout; a target that refuses or black-holes connections is marked
  unreachable once and later calls fail fast, so a dead target costs seconds, not minutes;
- every request carries an ``X-Request-ID``;
- only idempotent requests are retried, and only when the connection could not be made;
- every exchange is handed to ``on_exchange`` (the report) as text with secrets redacted;
- the check's safety class is enforced per request.
"""

from __future__ import annotations

import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from golive.outcomes import TargetUnreachable
from golive.redaction import Redactor
from golive.safety import Intent, guard

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
CONNECT_FAILURES = (httpx.ConnectError, httpx.ConnectTimeout)
MAX_ATTACHED_BODY = 16_000
USER_AGENT = "golive/0.1 (+go-live checks)"


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


DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_NAMES = {"localhost": "127.0.0.1", "::1": "127.0.0.1"}


def endpoint_of(url: str) -> str:
    """The TCP endpoint behind a URL: a dead port is dead for http, https and the browser alike."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{LOOPBACK_NAMES.get(host, host)}:{parts.port or DEFAULT_PORTS.get(parts.scheme, 0)}"


@dataclass
class Reachability:
    """Endpoints found unreachable in this process: later requests to them fail at once.

    Shared by the HTTP client, the browser and the TLS scan, so a dead or black-holed target
    costs one timeout per run and worker, not one per check.
    """

    down: dict[str, str] = field(default_factory=dict)

    def check(self, url: str) -> None:
        endpoint = endpoint_of(url)
        if endpoint in self.down:
            raise TargetUnreachable(f"unreachable: {origin_of(url)} ({self.down[endpoint]})")

    def mark(self, url: str, reason: str) -> None:
        self.down.setdefault(endpoint_of(url), reason)


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
    try:
        elapsed = f"{response.elapsed.total_seconds() * 1000:.0f} ms" if response.is_closed else ""
    except RuntimeError:  # a response built in memory (a test transport) was never timed
        elapsed = ""
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
    ) -> None:
        self.redactor = redactor or Redactor()
        self.on_exchange = on_exchange
        self.reachability = reachability or Reachability()
        self.budget = budget or RequestBudget()
        self.safety = safety
        self.retries = retries
        self.retry_backoff_s = retry_backoff_s
        self.timeout_s = timeout
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

    def request(self, method: str, url: str, *, intent: Intent | None = None, **kwargs: Any) -> httpx.Response:
        method = method.upper()
        guard(self.safety, method, url, intent)
        self.reachability.check(url)
        self.budget.spend(method, url)
        headers = httpx.Headers(kwargs.pop("headers", None))
        headers.setdefault("X-Request-ID", f"golive-{uuid.uuid4().hex[:20]}")
        # a role's credential (golive.auth.Credential) puts itself where the system reads it
        auth = kwargs.pop("auth", None)
        request = self._client.build_request(method, url, headers=headers, **kwargs)
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
                    time.sleep(self.retry_backoff_s * attempt)
                    continue
                reason = describe_connect_failure(error)
                self.reachability.mark(url, reason)
                self._report(request, None, f"{method} {url} → {reason}")
                raise TargetUnreachable(f"unreachable: {origin_of(url)} ({reason})") from None
            except httpx.TimeoutException:
                # A target that accepts connections but never answers would cost every later check
                # a full timeout; after one, the origin counts as not answering.
                reason = f"no answer within {self._client.timeout.read:g} s"
                self.reachability.mark(url, reason)
                self._report(request, None, f"{method} {url} → timed out")
                raise TargetUnreachable(f"timed out: {method} {url} ({reason})") from None
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
