"""The compensation ledger: everything a run creates on the target, and how it is undone.

Each undo is an HTTP request recorded *before* the check goes on (``created``), run at the check's
teardown (``undone`` or ``undo_failed``), newest first. The ledger is an append-only JSON-lines
file (``reports/ledger.jsonl``): xdist workers append whole lines, and after a crash
``golive cleanup --env NAME`` replays whatever is still pending.

The file is a report like any other: it is written through the run's redactor, so an undo whose
URL carries a credential (a signed link, a presigned URL) is undone from memory at teardown, but
cannot be replayed from the file after a crash; cleanup names it instead of sending a masked URL.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LEDGER_FILE = "ledger.jsonl"
RUN_TAG_VARIABLE = "GOLIVE_RUN_TAG"
DEFAULT_OK = (200, 201, 202, 204, 404)


def run_tag() -> str:
    """A tag for everything this run creates, shared by its xdist workers through the environment."""
    tag = os.environ.get(RUN_TAG_VARIABLE)
    if not tag:
        tag = f"golive-{datetime.now(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
        os.environ[RUN_TAG_VARIABLE] = tag
    return tag


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
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> "Undo":
        fields = {key: entry[key] for key in cls.__dataclass_fields__ if key in entry}
        fields["ok"] = tuple(fields.get("ok", DEFAULT_OK))
        return cls(**fields)


class Ledger:
    def __init__(self, path: Path, redact: Callable[[str], str] = lambda text: text) -> None:
        self.path, self.redact = path, redact

    def _append(self, event: str, **entry: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = json.dumps({"event": event, "at": datetime.now(UTC).isoformat(), **entry}, default=str)
        line = self.redact(record) + "\n"
        # one write of one line in append mode: lines of concurrent workers never interleave
        with self.path.open("a", encoding="utf-8") as ledger:
            ledger.write(line)

    def created(self, undo: Undo) -> None:
        self._append("created", **asdict(undo))

    def settled(self, undo: Undo, *, done: bool, outcome: str) -> None:
        self._append("undone" if done else "undo_failed", id=undo.id, outcome=outcome)

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.is_file():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def pending(self) -> list[Undo]:
        """Undos recorded but never done, newest first (the order to run them in)."""
        entries = self.entries()
        done = {entry["id"] for entry in entries if entry["event"] == "undone"}
        created = [Undo.from_entry(entry) for entry in entries if entry["event"] == "created"]
        return [undo for undo in reversed(created) if undo.id not in done]


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
            ledger.settled(undo, done=False, outcome=f"{type(error).__name__}: {error}")
            problems.append(f"{undo.description}: {undo.method} {undo.url} failed ({type(error).__name__}: {error})")
            continue
        done = status in undo.ok
        ledger.settled(undo, done=done, outcome=f"HTTP {status}")
        if not done:
            problems.append(f"{undo.description}: {undo.method} {undo.url} answered HTTP {status}, "
                            f"expected one of {list(undo.ok)}")
    return problems
