"""A Sentry emulator: envelope ingest with DSN keys, and the web API's event read side.

Ingest: ``POST /_emulators/sentry/api/<project_id>/envelope/`` authenticated by the DSN's public
key (``?sentry_key=`` or ``X-Sentry-Auth: Sentry sentry_key=...``), so a DSN
``http://<key>@<host>/_emulators/sentry/<project_id>`` works like one of sentry.io.
Read side (Bearer auth token): ``GET /_emulators/sentry/api/0/projects/<org>/<project>/events/``
(``start``/``end`` ISO times, ``query=level:error`` or ``level:[error,fatal]``, cursor paging with
a ``Link`` header) and ``.../events/<event_id>/``.

The project is seeded with history: a few errors well before the sandbox started (the pre-deploy
baseline) and warnings since. The app itself reports through :func:`report_from_app`.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from sandbox.settings import Settings

PREFIX = "/_emulators/sentry"
ORG = "golive"
PROJECT_SLUG = "sandbox-api"
PROJECT_ID = 4507
#: demo credentials of the emulated account (the env files give the same values to golive)
DEFAULT_PUBLIC_KEY = "5e1f0c2a9b7d4e3f8a6b1c0d2e4f6a8b"
DEFAULT_AUTH_TOKEN = "sntrys_local_sandbox_auth_token_3c7e91"
PAGE_SIZE = 100
LEVELS = ("debug", "info", "warning", "error", "fatal")
_LEVEL_QUERY = re.compile(r"level:(\[[a-z,\s]+\]|[a-z]+)")
_AUTH_KEY = re.compile(r"sentry_key=([^,\s]+)")


@dataclass
class StoredEvent:
    event_id: str
    level: str
    message: str
    received: datetime
    tags: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)
    platform: str = "python"

    def as_api(self) -> dict[str, Any]:
        """The event as the web API shows it: tags as key/value pairs, request data as an entry."""
        entries: list[dict[str, Any]] = [{"type": "message", "data": {"formatted": self.message}}]
        if self.request:
            entries.append({"type": "request", "data": self.request})
        return {
            "id": self.event_id,
            "eventID": self.event_id,
            "groupID": str(abs(hash(self.message)) % 10**9),
            "title": self.message[:120],
            "message": self.message,
            "platform": self.platform,
            "dateCreated": self.received.isoformat().replace("+00:00", "Z"),
            "dateReceived": self.received.isoformat().replace("+00:00", "Z"),
            "tags": [{"key": "level", "value": self.level}, *({"key": k, "value": v} for k, v in self.tags.items())],
            "context": self.extra,
            "entries": entries,
        }


@dataclass
class SentryProject:
    public_key: str
    #: the project was deleted on the provider's side: ingest and reads refuse it
    deleted: bool = False
    events: list[StoredEvent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, event: StoredEvent) -> None:
        with self.lock:
            self.events.append(event)


#: instance id -> project, so the app's own error reporting reaches the emulator of its process
_PROJECTS: dict[str, SentryProject] = {}


def _seed(project: SentryProject, settings: Settings) -> None:
    now = datetime.now(UTC)
    # before the deploy: the old release's errors (the baseline an error-rate comparison uses)
    for minutes_ago in (50, 44, 38):
        project.add(StoredEvent(uuid.uuid4().hex, "error", "TimeoutError: upstream inventory sync timed out",
                                now - timedelta(minutes=minutes_ago), tags={"release": "previous"}))
    project.add(StoredEvent(uuid.uuid4().hex, "warning", "slow query: products list took 1.2 s",
                            now - timedelta(minutes=2), tags={"release": "current"}))
    if settings.faults.active("sentry_fatal_burst_after_deploy"):
        # the new release crashes on a hot path: a burst of fatal events right after the deploy
        for seconds_ago in range(40, 0, -2):
            project.add(StoredEvent(uuid.uuid4().hex, "fatal", "KeyError: 'tax_rate' in checkout total",
                                    now - timedelta(seconds=seconds_ago), tags={"release": "current"}))


def project_for(settings: Settings) -> SentryProject:
    project = _PROJECTS.get(settings.instance_id)
    if project is None:
        project = SentryProject(
            public_key=settings.feature_env.get("SANDBOX_SENTRY_PUBLIC_KEY", DEFAULT_PUBLIC_KEY),
            deleted=settings.faults.active("sentry_project_deleted"),
        )
        _seed(project, settings)
        _PROJECTS[settings.instance_id] = project
    return project


def report_from_app(settings: Settings, *, level: str, message: str, tags: dict[str, str],
                    request: dict[str, Any], extra: dict[str, Any]) -> str | None:
    """What the app's Sentry SDK would deliver; None when the project refuses events."""
    project = project_for(settings)
    if project.deleted:
        return None
    event = StoredEvent(uuid.uuid4().hex, level, message, datetime.now(UTC), tags, extra, request)
    project.add(event)
    return event.event_id


def parse_envelope(body: bytes) -> tuple[dict[str, Any], list[tuple[dict[str, Any], dict[str, Any]]]]:
    """(envelope header, [(item header, item payload)]); payloads are read by ``length`` when given."""
    header_line, _, rest = body.partition(b"\n")
    header = json.loads(header_line)
    items: list[tuple[dict[str, Any], dict[str, Any]]] = []
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item_header = json.loads(item_line)
        length = item_header.get("length")
        if isinstance(length, int):
            payload, rest = rest[:length], rest[length:].lstrip(b"\n")
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((item_header, json.loads(payload) if payload.strip() else {}))
    return header, items


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _levels_of(query: str | None) -> set[str] | None:
    match = _LEVEL_QUERY.search(query or "")
    if not match:
        return None
    return {level.strip() for level in match.group(1).strip("[]").split(",") if level.strip()}


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    auth_token = settings.feature_env.get("SANDBOX_SENTRY_AUTH_TOKEN", DEFAULT_AUTH_TOKEN)

    def refused(status: int, detail: str) -> JSONResponse:
        return JSONResponse({"detail": detail}, status_code=status)

    def readable(org: str, slug: str, authorization: str | None) -> JSONResponse | SentryProject:
        if not authorization or not secrets.compare_digest(authorization, f"Bearer {auth_token}"):
            return refused(401, "Invalid token")
        project = project_for(settings)
        if org != ORG or slug != PROJECT_SLUG or project.deleted:
            return refused(404, "The requested resource does not exist")
        return project

    @router.post(PREFIX + "/api/{project_id}/envelope/")
    async def ingest(project_id: int, request: Request, sentry_key: str | None = Query(default=None),
                     x_sentry_auth: str | None = Header(default=None)) -> JSONResponse:
        key = sentry_key
        if key is None and x_sentry_auth:
            found = _AUTH_KEY.search(x_sentry_auth)
            key = found.group(1) if found else None
        project = project_for(settings)
        if key is None:
            return refused(401, "missing authorization information")
        if project_id != PROJECT_ID or project.deleted:
            # what sentry.io answers for the key of a deleted project
            return refused(403, "event submission rejected with_reason: ProjectId")
        if not secrets.compare_digest(key, project.public_key):
            return refused(401, "invalid api key")
        try:
            header, items = parse_envelope(await request.body())
        except (ValueError, UnicodeDecodeError):
            return refused(400, "invalid envelope")
        event_id = str(header.get("event_id") or "")
        for item_header, payload in items:
            if item_header.get("type") != "event":
                continue
            event_id = str(payload.get("event_id") or event_id or uuid.uuid4().hex).replace("-", "")
            level = str(payload.get("level") or "error")
            message = payload.get("message")
            if isinstance(message, dict):
                message = message.get("formatted") or message.get("message")
            if not message:
                exception = (payload.get("exception") or {}).get("values") or [{}]
                message = f"{exception[-1].get('type', 'Error')}: {exception[-1].get('value', '')}"
            tags = payload.get("tags") or {}
            if isinstance(tags, list):
                tags = {str(k): str(v) for k, v in tags}
            project.add(StoredEvent(event_id, level if level in LEVELS else "error", str(message), datetime.now(UTC),
                                    {str(k): str(v) for k, v in tags.items()}, payload.get("extra") or {},
                                    payload.get("request") or {}, str(payload.get("platform") or "other")))
        return JSONResponse({"id": event_id})

    @router.get(PREFIX + "/api/0/projects/{org}/{slug}/events/{event_id}/")
    def event_detail(org: str, slug: str, event_id: str,
                     authorization: str | None = Header(default=None)) -> JSONResponse:
        project = readable(org, slug, authorization)
        if isinstance(project, JSONResponse):
            return project
        wanted = event_id.replace("-", "")
        for event in project.events:
            if event.event_id == wanted:
                return JSONResponse(event.as_api())
        return refused(404, "Event not found")

    @router.get(PREFIX + "/api/0/projects/{org}/{slug}/events/")
    def event_list(request: Request, org: str, slug: str, start: str | None = None, end: str | None = None,
                   query: str | None = None, cursor: str | None = None,
                   authorization: str | None = Header(default=None)) -> JSONResponse:
        project = readable(org, slug, authorization)
        if isinstance(project, JSONResponse):
            return project
        try:
            since, until = _parse_time(start), _parse_time(end)
        except ValueError:
            return refused(400, "start and end must be ISO 8601 times")
        levels = _levels_of(query)
        matching = [
            event for event in sorted(project.events, key=lambda e: e.received, reverse=True)
            if (since is None or event.received >= since) and (until is None or event.received <= until)
            and (levels is None or event.level in levels)
        ]
        offset = int(cursor.split(":")[1]) if cursor and cursor.count(":") == 2 else 0
        page = matching[offset:offset + PAGE_SIZE]
        more = offset + PAGE_SIZE < len(matching)
        next_cursor = f"0:{offset + PAGE_SIZE}:0"
        next_url = request.url.include_query_params(cursor=next_cursor)
        link = f'<{next_url}>; rel="next"; results="{"true" if more else "false"}"; cursor="{next_cursor}"'
        return JSONResponse([event.as_api() for event in page], headers={"Link": link})

    return router
