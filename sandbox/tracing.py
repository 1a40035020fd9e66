"""X-Ray-style trace segments the RealServ services record, kept per app (app.state) so the X-Ray
emulator (sandbox/emulators/xray.py) can answer BatchGetTraces for them.

A service continues the caller's trace when the request carries ``X-Amzn-Trace-Id: Root=...``
(what API Gateway and the AWS SDKs send) and starts a new one otherwise.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request


@dataclass
class TraceStore:
    segments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: oldest traces are dropped beyond this many (a long-running sandbox must not grow forever)
    capacity: int = 2000

    def add(self, document: dict[str, Any]) -> None:
        with self.lock:
            self.segments.setdefault(document["trace_id"], []).append(document)
            while len(self.segments) > self.capacity:
                self.segments.pop(next(iter(self.segments)))

    def get(self, trace_id: str) -> list[dict[str, Any]] | None:
        with self.lock:
            found = self.segments.get(trace_id)
            return list(found) if found is not None else None


def store_of(request: Request) -> TraceStore:
    state = request.app.state
    if not hasattr(state, "xray_traces"):
        state.xray_traces = TraceStore()
    return state.xray_traces


def new_root() -> str:
    return f"1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def parse_header(value: str | None) -> dict[str, str]:
    """``Root=1-...;Parent=...;Sampled=1`` -> {"Root": ..., "Parent": ..., "Sampled": ...}."""
    parts = {}
    for item in (value or "").split(";"):
        key, _, val = item.strip().partition("=")
        if key and val:
            parts[key] = val
    return parts


@dataclass(frozen=True)
class Segment:
    root: str
    id: str

    def header(self) -> str:
        """The X-Amzn-Trace-Id a downstream call carries: same root, this segment as parent."""
        return f"Root={self.root};Parent={self.id};Sampled=1"


def record(request: Request, name: str, *, status: int | None = None, trace_header: str | None = None) -> Segment:
    """Record this service's segment for ``request``: in the caller's trace, or a new one."""
    incoming = parse_header(trace_header if trace_header is not None else request.headers.get("x-amzn-trace-id"))
    segment = Segment(incoming.get("Root") or new_root(), secrets.token_hex(8))
    now = time.time()
    document: dict[str, Any] = {
        "name": name, "id": segment.id, "trace_id": segment.root, "start_time": now, "end_time": now,
        "http": {"request": {"method": request.method, "url": str(request.url.path)},
                 **({"response": {"status": status}} if status is not None else {})},
        # the correlation id this service saw (X-Request-ID as its middleware accepted it)
        "annotations": {"request_id": request.scope.get("state", {}).get("request_id", "")},
    }
    if incoming.get("Parent"):
        document["parent_id"] = incoming["Parent"]
    store_of(request).add(document)
    return segment


def as_batch_trace(trace_id: str, documents: list[dict[str, Any]]) -> dict[str, Any]:
    """One entry of BatchGetTraces' ``Traces``: segments with their documents as JSON strings."""
    duration = max(d["end_time"] for d in documents) - min(d["start_time"] for d in documents)
    return {"Id": trace_id, "Duration": round(duration, 3), "LimitExceeded": False,
            "Segments": [{"Id": d["id"], "Document": json.dumps(d)} for d in documents]}
