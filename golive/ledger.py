"""The compensation ledger: everything a run creates on the target, and how it is undone.

Intent first: before a create request is sent, an ``intent`` line names what is about to be
created, the env and service it goes to, the run tag it carries, and how to remove it without the
created id (the undo itself when the key is chosen by golive, such as an S3 key; otherwise a
``sweep``: list by run tag, undo each). Once the target answers, a ``created`` line holds the exact
undo. Undos run at the check's teardown (``undone`` or ``undo_failed``), newest first. The ledger
is an append-only JSON-lines file (``reports/ledger.jsonl``): xdist workers append whole lines,
and after a crash ``golive cleanup --env NAME`` replays whatever that env left pending.

The file is a report like any other: it is written through the run's redactor, so no undo may
depend on a secret kept in the file. Undos as a role log in again at replay; S3 undos keep the
bucket and key (cleanup signs with the env's own storage key). An undo read back with a masked
request is named, never sent.

``GOLIVE_SELFTEST_CRASH_AT`` (``intent:N:KILL``, ``created:N:INT``, ``settled:N:KILL``, …) makes the
process signal itself right after the Nth intent line, right before the Nth created line (the
request went out, its id was never recorded), or right before the Nth settled line (an undo went
out, its outcome was never recorded: cleanup sends it again): golive's own selftest uses it to stop
a run at a create point.

``GOLIVE_SELFTEST_LEAVE`` stops a run at every create point at once, for golive's own selftest:
``undos`` -- no check undoes what it created at teardown (as if each run was killed right after
its last answer was recorded); ``created`` -- besides, no ``created`` line and no outcome of a
create is written (as if killed after each create request went out, before its id was recorded):
cleanup then has only the intents to go by. Unset, it changes nothing.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LEDGER_FILE = "ledger.jsonl"
RUN_TAG_VARIABLE = "GOLIVE_RUN_TAG"
CRASH_VARIABLE = "GOLIVE_SELFTEST_CRASH_AT"
LEAVE_VARIABLE = "GOLIVE_SELFTEST_LEAVE"
DEFAULT_OK = (200, 201, 202, 204, 404)
#: the service name of undos that go to the profile's object store (``s3://bucket/key`` URLs)
STORAGE_SERVICE = "storage"
#: the service name of undos that go to the profile's Razorpay account (payment links a person may pay)
PAYMENT_SERVICE = "razorpay-api"
#: the undo verb of a payment link: refund what was paid through it, else cancel it
SETTLE_PAYMENT_LINK = "SETTLE"


def run_tag() -> str:
    """A tag for everything this run creates, shared by its xdist workers through the environment."""
    tag = os.environ.get(RUN_TAG_VARIABLE)
    if not tag:
        tag = f"golive-{datetime.now(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
        os.environ[RUN_TAG_VARIABLE] = tag
    return tag


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of ``url`` (the default port made explicit): what must match a service."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


def s3_url(bucket: str, key: str, version: str | None = None) -> str:
    return f"s3://{bucket}/{key}" + (f"?versionId={version}" if version else "")


def s3_target(url: str) -> tuple[str, str, str | None]:
    """Bucket, key and version of an ``s3://`` undo URL."""
    parts = urlsplit(url)
    version = parts.query.removeprefix("versionId=") if parts.query.startswith("versionId=") else None
    return parts.netloc, parts.path.lstrip("/"), version


@dataclass(frozen=True)
class Undo:
    description: str
    method: str
    url: str
    role: str | None = None
    json: Any = None
    ok: tuple[int, ...] = DEFAULT_OK
    check: str = ""
    tag: str = ""
    env: str = ""
    service: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # a signed link's undo: ``url`` is a suffix of the link issued for ``subject`` at replay (the
    # link itself is a credential the ledger file does not keep)
    subject: str | None = None

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Undo:
        fields = {key: entry[key] for key in cls.__dataclass_fields__ if key in entry}
        fields["ok"] = tuple(fields.get("ok", DEFAULT_OK))
        return cls(**fields)


@dataclass(frozen=True)
class Sweep:
    """How to find what an intent may have created without its id: list by run tag, undo each.
    ``list_url`` answers a JSON list (or an object with ``items``) of objects with ``id_field``;
    ``undo_url`` holds ``{id}``."""

    list_url: str
    undo_method: str
    undo_url: str
    role: str | None = None
    id_field: str = "id"
    ok: tuple[int, ...] = DEFAULT_OK
    # only the listed objects whose fields hold these values are undone: a list that ignores its
    # filter (an unknown query parameter) never makes a sweep remove anything else
    match: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Sweep:
        fields = {key: entry[key] for key in cls.__dataclass_fields__ if key in entry}
        fields["ok"] = tuple(fields.get("ok", DEFAULT_OK))
        fields["match"] = tuple((str(name), str(value)) for name, value in fields.get("match") or ())
        return cls(**fields)

    def matches(self, row: dict[str, Any]) -> bool:
        return all(str(row.get(name)) == value for name, value in self.match)


@dataclass(frozen=True)
class Intent:
    """About to create ``description`` on ``service`` of ``env``; ``undo`` when its key is known
    before the request, else ``sweep`` finds it by the run tag."""

    description: str
    env: str
    service: str
    check: str = ""
    tag: str = ""
    undo: Undo | None = None
    sweep: Sweep | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Intent:
        return cls(entry["description"], entry.get("env", ""), entry.get("service", ""), entry.get("check", ""),
                   entry.get("tag", ""), Undo.from_entry(entry["undo"]) if entry.get("undo") else None,
                   Sweep.from_entry(entry["sweep"]) if entry.get("sweep") else None, entry["id"])


@dataclass(frozen=True)
class Pending:
    """What cleanup must still do for one create: replay ``undo``, or run ``sweep``, or (neither
    known) report that ``intent`` may have left data behind."""

    intent_id: str
    description: str
    env: str
    service: str
    tag: str
    undo: Undo | None = None
    sweep: Sweep | None = None


_crash_counts: dict[str, int] = {}


def _maybe_crash(point: str) -> None:
    """Selftest only: signal this process at the configured create point (see the module doc)."""
    wanted = os.environ.get(CRASH_VARIABLE, "")
    if not wanted:
        return
    where, _, rest = wanted.partition(":")
    count, _, name = rest.partition(":")
    if where != point:
        return
    _crash_counts[point] = _crash_counts.get(point, 0) + 1
    if _crash_counts[point] == int(count or 1):
        os.kill(os.getpid(), getattr(signal, f"SIG{name or 'KILL'}"))


def selftest_leaves(what: str) -> bool:
    """Selftest only: does this run leave ``what`` (``undos`` or ``created``) undone (see the module doc)?
    Leaving the created lines leaves the undos too."""
    leave = os.environ.get(LEAVE_VARIABLE, "")
    return leave == what or (what == "undos" and leave == "created")


class Ledger:
    def __init__(self, path: Path, redact: Callable[[str], str] = lambda text: text) -> None:
        self.path, self.redact = path, redact

    def _append(self, event: str, **entry: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = json.dumps({"event": event, "at": datetime.now(UTC).isoformat(), **entry}, default=str)
        line = self.redact(record) + "\n"
        # one write of one line in append mode, flushed before the request it announces is sent:
        # lines of concurrent workers never interleave, and a killed run leaves every line written
        with self.path.open("a", encoding="utf-8") as ledger:
            ledger.write(line)

    def intent(self, intent: Intent) -> None:
        entry = asdict(intent)
        self._append("intent", **entry)
        _maybe_crash("intent")

    def created(self, undo: Undo) -> None:
        _maybe_crash("created")
        if selftest_leaves("created"):
            return
        self._append("created", **asdict(undo))

    def settled(self, undo_id: str, *, done: bool, outcome: str) -> None:
        _maybe_crash("settled")
        self._append("undone" if done else "undo_failed", id=undo_id, outcome=outcome)

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.is_file():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def pending(self) -> list[Pending]:
        """Creates never undone, newest first (the order to undo them in)."""
        entries = self.entries()
        done = {entry["id"] for entry in entries if entry["event"] == "undone"}
        created = {entry["id"]: Undo.from_entry(entry) for entry in entries if entry["event"] == "created"}
        intents = {entry["id"]: Intent.from_entry(entry) for entry in entries if entry["event"] == "intent"}
        order = list(dict.fromkeys(entry["id"] for entry in entries if entry["event"] in ("intent", "created")))
        pending = []
        for entry_id in reversed(order):
            if entry_id in done:
                continue
            undo, intent = created.get(entry_id), intents.get(entry_id)
            if undo is not None:
                pending.append(Pending(entry_id, undo.description, undo.env, undo.service, undo.tag, undo=undo))
            elif intent is not None:
                pending.append(Pending(entry_id, intent.description, intent.env, intent.service, intent.tag,
                                       undo=intent.undo, sweep=None if intent.undo else intent.sweep))
        return pending

    def sweeps(self, env: str) -> list[Pending]:
        """Every sweep ``env`` recorded, settled or not: ``cleanup --sweep`` looks for leftovers by tag."""
        found = {}
        for entry in self.entries():
            if entry["event"] == "intent" and entry.get("sweep") and entry.get("env") == env:
                intent = Intent.from_entry(entry)
                assert intent.sweep is not None
                found[(intent.tag, intent.sweep.list_url)] = Pending(
                    intent.id, intent.description, intent.env, intent.service, intent.tag, sweep=intent.sweep)
        return list(found.values())


Send = Callable[[Undo], int]


def run_undos(ledger: Ledger, undos: Iterable[Undo], send: Send, *, masked: str | None = None) -> list[str]:
    """Run each undo with ``send`` (returns the HTTP status); the problems, one line each.
    ``masked``: the redaction mark; an undo read back with it in its request cannot be replayed."""
    problems = []
    for undo in undos:
        if masked and masked in json.dumps([undo.url, undo.json], default=str, ensure_ascii=False):
            problems.append(f"{undo.description}: its request held a credential the ledger does not keep "
                            f"({undo.method} {undo.url}); undo it by hand")
            continue
        try:
            status = send(undo)
        except Exception as error:  # a dead target must not stop the other undos
            ledger.settled(undo.id, done=False, outcome=f"{type(error).__name__}: {error}")
            problems.append(f"{undo.description}: {undo.method} {undo.url} failed ({type(error).__name__}: {error})")
            continue
        done = status in undo.ok
        ledger.settled(undo.id, done=done, outcome=f"HTTP {status}")
        if not done:
            problems.append(f"{undo.description}: {undo.method} {undo.url} answered HTTP {status}, "
                            f"expected one of {list(undo.ok)}")
    return problems


@dataclass(frozen=True)
class RunCreates:
    """What one run (one tag) announced it would create, and what is still on the target: the
    verdict's answer to the post-deploy step "everything created is undone"."""

    tag: str
    announced: int
    undone: int
    not_created: int
    left: tuple[Pending, ...]

    @property
    def unanswered(self) -> tuple[Pending, ...]:
        """Creates whose answer never came (no id, no undo of its own): the target may or may not hold them."""
        return tuple(item for item in self.left if item.undo is None)

    def problems(self, env: str) -> list[str]:
        """The verdict's reasons, one per kind: what is on the target for sure, what may be."""
        def listed(items: tuple[Pending, ...]) -> str:
            return "; ".join(item.description for item in items[:3]) + ("; …" if len(items) > 3 else "")
        known = tuple(item for item in self.left if item.undo is not None)
        command = f"run `golive cleanup --env {env}`"
        reasons = []
        if known:
            reasons.append(f"this run left {len(known)} thing{'s' if len(known) != 1 else ''} it created on the "
                           f"target ({listed(known)}): {command}")
        if self.unanswered:
            count = len(self.unanswered)
            reasons.append(f"{count} create{'s' if count != 1 else ''} of this run got no answer, so the target may "
                           f"hold {'them' if count != 1 else 'it'} ({listed(self.unanswered)}): {command}, which "
                           "looks for them")
        return reasons

    def as_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "announced": self.announced, "undone": self.undone,
                "not_created": self.not_created,
                "left": [{"description": item.description, "env": item.env, "service": item.service,
                          "answered": item.undo is not None} for item in self.left]}


def creates_of_run(ledger: Ledger, tag: str) -> RunCreates:
    entries = ledger.entries()
    announced = {entry["id"] for entry in entries if entry["event"] == "intent" and entry.get("tag") == tag}
    settled = {entry["id"]: entry.get("outcome", "") for entry in entries
               if entry["event"] == "undone" and entry["id"] in announced}
    not_created = sum(1 for outcome in settled.values() if outcome.startswith("not created"))
    left = tuple(item for item in ledger.pending() if item.tag == tag)
    return RunCreates(tag, len(announced), len(settled) - not_created, not_created, left)
