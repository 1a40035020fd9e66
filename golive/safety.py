"""Safety classes: what a check may do to the target, and which flags production requires.

| class     | may do                                         | production without flags |
| readonly  | GET/HEAD/OPTIONS, TLS handshakes, DNS          | runs                     |
| probe     | requests built to be refused                   | runs (acceptance is a finding) |
| mutating  | creates or changes data                        | needs --allow-writes     |
| money     | moves real money                               | needs --allow-writes --confirm-live-payment |
| load      | generates load                                 | needs --allow-load       |
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from golive.outcomes import unverified

Intent = Literal["read", "login", "probe", "write"]
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Which request intents each class may send at all (anywhere: a violation is a bug in the check).
ALLOWED_INTENTS: dict[str, frozenset[str]] = {
    "readonly": frozenset({"read", "login"}),
    "probe": frozenset({"read", "login", "probe"}),
    "mutating": frozenset({"read", "login", "probe", "write"}),
    "money": frozenset({"read", "login", "probe", "write"}),
    "load": frozenset({"read", "login", "probe", "write"}),
}


class SafetyViolation(Exception):
    """A check tried to send a request its safety class does not allow."""


@dataclass(frozen=True)
class Flags:
    allow_writes: bool = False
    allow_load: bool = False
    confirm_live_payment: bool = False


def missing_flags(safety: str, *, production: bool, flags: Flags) -> list[str]:
    """The command-line flags a check of this class still needs before it may run here."""
    if not production:
        return []
    needed = {
        "mutating": [("--allow-writes", flags.allow_writes)],
        "money": [("--allow-writes", flags.allow_writes), ("--confirm-live-payment", flags.confirm_live_payment)],
        "load": [("--allow-load", flags.allow_load)],
    }.get(safety, [])
    return [flag for flag, given in needed if not given]


def intent_of(method: str, declared: Intent | None) -> Intent:
    if declared:
        return declared
    return "read" if method.upper() in READ_METHODS else "write"


# Why the running check may not write (the production flag it lacks), or None. A check without its
# flag still sets up its fixtures, so one whose feature the profile says is absent ends not
# applicable; any write a fixture attempts meanwhile is refused here and the check is unverified.
_writes_refused: str | None = None


@contextmanager
def writes_refused(reason: str) -> Iterator[None]:
    global _writes_refused
    _writes_refused = reason
    try:
        yield
    finally:
        _writes_refused = None


def guard(safety: str, method: str, url: str, declared: Intent | None) -> None:
    intent = intent_of(method, declared)
    if _writes_refused and intent == "write":
        unverified(_writes_refused)
    if intent not in ALLOWED_INTENTS[safety]:
        raise SafetyViolation(
            f"a {safety} check may not send {method.upper()} {url} (intent {intent}); "
            "declare the check's safety class to match what it does"
        )
