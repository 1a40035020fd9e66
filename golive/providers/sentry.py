"""Sentry as golive talks to it: DSN parsing, envelope building, and the web API's event reads.

Ingest follows the SDK protocol (``POST {scheme}://{host}{path}/api/{project_id}/envelope/`` with
``sentry_key`` and ``sentry_version=7``); reads use the web API with an auth token
(``/api/0/projects/{org}/{project}/events/``), cursor-paged through the ``Link`` header.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from golive.http import HttpClient

SDK = {"name": "golive.probe", "version": "0.1.0"}
MAX_PAGES = 50  # 5,000 events: more than that since a deploy is an answer in itself
_NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="next";\s*results="true"')


class DsnError(ValueError):
    """The DSN is not ``{scheme}://{public_key}@{host}[/path]/{project_id}``."""


@dataclass(frozen=True)
class Dsn:
    scheme: str
    public_key: str
    host: str  # host[:port]
    path: str  # prefix before the project id, '' on sentry.io
    project_id: str

    @classmethod
    def parse(cls, dsn: str) -> "Dsn":
        parts = urlsplit(dsn.strip())
        prefix, _, project_id = parts.path.rstrip("/").rpartition("/")
        if parts.scheme not in ("http", "https") or not parts.username or not parts.hostname or not project_id.isdigit():
            raise DsnError("a DSN looks like https://<public_key>@<host>/<project_id>")
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        return cls(parts.scheme, parts.username, host, prefix, project_id)

    @property
    def envelope_url(self) -> str:
        return f"{self.scheme}://{self.host}{self.path}/api/{self.project_id}/envelope/"

    @property
    def public(self) -> str:
        """The DSN without secrets (the public key is not secret, but it identifies the project)."""
        return f"{self.scheme}://{self.public_key}@{self.host}{self.path}/{self.project_id}"


def build_envelope(dsn: Dsn, event: dict[str, Any]) -> bytes:
    """An envelope with one event item, its length given so the payload may contain newlines."""
    payload = json.dumps(event, separators=(",", ":")).encode()
    header = {"event_id": event["event_id"], "dsn": dsn.public, "sent_at": datetime.now(UTC).isoformat(), "sdk": SDK}
    item = {"type": "event", "length": len(payload), "content_type": "application/json"}
    return b"\n".join([json.dumps(header).encode(), json.dumps(item).encode(), payload]) + b"\n"


def synthetic_event(marker: str, *, level: str = "info", tags: dict[str, str] | None = None) -> dict[str, Any]:
    """A tagged, harmless message event (info level: it must not count as an error after a deploy)."""
    return {
        "event_id": uuid.uuid4().hex,
        "timestamp": datetime.now(UTC).isoformat(),
        "platform": "python",
        "level": level,
        "logger": "golive",
        "message": {"formatted": f"go-live probe {marker}"},
        "tags": {"golive_probe": marker, **(tags or {})},
        "sdk": SDK,
    }


def send_event(http: HttpClient, dsn: Dsn, event: dict[str, Any]) -> httpx.Response:
    auth = f"Sentry sentry_version=7, sentry_client={SDK['name']}/{SDK['version']}, sentry_key={dsn.public_key}"
    return http.post(dsn.envelope_url, content=build_envelope(dsn, event),
                     headers={"Content-Type": "application/x-sentry-envelope", "X-Sentry-Auth": auth})


@dataclass(frozen=True)
class SentryApi:
    http: HttpClient
    api_url: str
    token: str
    org: str
    project: str

    @property
    def _events_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/api/0/projects/{self.org}/{self.project}/events/"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def event(self, event_id: str) -> httpx.Response:
        return self.http.get(f"{self._events_url}{event_id}/", headers=self._headers())

    def events(self, *, start: datetime, end: datetime, query: str) -> tuple[httpx.Response, list[dict[str, Any]]]:
        """Every event in [start, end] matching the query; the first response for evidence and errors."""
        params = {"start": start.isoformat(), "end": end.isoformat(), "query": query, "full": "true"}
        first = response = self.http.get(self._events_url, params=params, headers=self._headers())
        events: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            if response.status_code != 200:
                break
            events += response.json()
            following = _NEXT_LINK.search(response.headers.get("link", ""))
            if not following:
                break
            response = self.http.get(following.group(1), headers=self._headers())
        return first, events
