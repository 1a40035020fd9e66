"""Operations that create or change data and accept anonymous callers.

An API description says which operations need no credential; the system says which ones it
really lets through. Each write is probed anonymously with a body that cannot parse (nothing is
ever written): a 401/403 is the guard; a 2xx took an anonymous write; a validation answer
reached the handler. Only where the description itself documents the operation as anonymous is a
validation answer evidence — a secured operation that validates the body first answers the same.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from .control import RATE_LIMITED_STATUSES, VALIDATION_ANSWERS
from .findings import Finding

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class AnonymousWrite:
    label: str  # "POST /api/orders"
    documented_anonymous: bool  # the description lists no security requirement for it
    status: int  # what the anonymous, unparseable request got


def declared_public(label: str, public: list[str]) -> bool:
    """``public`` entries are "METHOD /path" or a bare "/path" (every method); ``*`` matches within a
    path ("/webhooks/*")."""
    _, _, path = label.partition(" ")
    return any(fnmatch.fnmatchcase(label, entry) or fnmatch.fnmatchcase(path, entry) for entry in public)


def evaluate_anonymous_write(write: AnonymousWrite) -> Finding | None | str:
    """A finding, None when refused, or a string saying why this answer proves nothing."""
    status = write.status
    if status in (401, 403):
        return None
    if status in RATE_LIMITED_STATUSES:
        return f"{write.label}: HTTP {status} (rate limited)"
    if 200 <= status < 300:
        return Finding(f"{write.label} accepts an anonymous write", "401 or 403 for a caller without credentials",
                       f"HTTP {status} to an anonymous request with an unparseable body",
                       "put the authentication guard in front of the handler, or declare the operation public "
                       "in the profile (openapi.public_writes) if it is meant to be")
    if status in VALIDATION_ANSWERS and write.documented_anonymous:
        return Finding(f"{write.label} is open to anonymous callers",
                       "a refusal (401/403), or the operation declared public in the profile",
                       f"the API description requires no credential and an anonymous request reached validation "
                       f"(HTTP {status})",
                       "require a credential, or list it in openapi.public_writes (sign-up, password reset, webhooks)")
    if status in VALIDATION_ANSWERS:
        return f"{write.label}: HTTP {status} — the body is judged before the credential"
    return f"{write.label}: HTTP {status}"
