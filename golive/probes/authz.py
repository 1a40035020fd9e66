"""Authorization seen from outside: role matrix cells, exposed sensitive fields, privileged fields."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .findings import Finding
from .login_answer import lookup

# values that are password hashes whatever the key is called
_HASH_PREFIXES = ("scrypt$", "$2a$", "$2b$", "$2y$", "$argon2", "pbkdf2_sha256$", "pbkdf2:", "$6$", "$5$")


def evaluate_matrix_cell(role: str, endpoint: str, allowed: bool, status: int) -> list[Finding]:
    """Allowed roles get 2xx, others 403 (401 would mean the valid token was not recognised)."""
    if allowed and not 200 <= status < 300:
        return [Finding("role-refused-allowed-endpoint", f"2xx for {role} on {endpoint}", f"HTTP {status}",
                        "grant the role this endpoint, or correct auth.protected[].roles in the profile")]
    if not allowed and 200 <= status < 300:
        return [Finding("role-reaches-forbidden-endpoint", f"403 for {role} on {endpoint}", f"HTTP {status}",
                        f"add the role guard to {endpoint}: {role} must not reach it")]
    if not allowed and status != 403:
        return [Finding("forbidden-answer-not-403", f"403 for {role} on {endpoint}", f"HTTP {status}",
                        "answer an authenticated caller without the role with 403 Forbidden")]
    return []


def _walk(value: Any, path: str = "$") -> Iterator[tuple[str, str, Any]]:
    """(json path, key, value) of every object member, depth first."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            here = f"{path}.{key}"
            yield here, str(key), item
            yield from _walk(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def find_sensitive_fields(body: Any, names: Iterable[str]) -> list[Finding]:
    """Members named like secrets (password_hash, secret, ...) or holding password hashes."""
    wanted = {name.lower() for name in names}
    hits: list[str] = []
    for path, key, value in _walk(body):
        if key.lower() in wanted and value not in (None, "", [], {}):
            hits.append(path)
        elif isinstance(value, str) and value.startswith(_HASH_PREFIXES):
            hits.append(f"{path} (a password hash)")
    if not hits:
        return []
    shown = ", ".join(hits[:8]) + (f" and {len(hits) - 8} more" if len(hits) > 8 else "")
    return [Finding("sensitive-field-exposed", "no secrets, password hashes or tokens in API responses",
                    shown, "serialise responses through an explicit allow-list of fields (a response schema)")]


def privileged_fields_taken(sent: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Finding]:
    """Privileged fields whose value changed to what the caller sent (mass assignment)."""
    taken = [name for name, value in sent.items() if name in after and after[name] == value and before.get(name) != value]
    if not taken:
        return []
    return [Finding("privileged-field-assignable", "privileged fields ignored or refused on self-service updates",
                    f"the update set {', '.join(f'{n}={sent[n]!r}' for n in taken)}",
                    "bind request bodies to an explicit allow-list of user-editable fields")]


def listed_items(body: Any, items_path: str | None = None) -> list[Any] | None:
    """The entries of a list answer: at ``items_path`` (dotted: ``data``, ``page.results``) when the
    profile names one, else a bare JSON list or the common envelope ``{"items": [...]}`` (None when
    the body is none of these, so the caller can say the list did not parse)."""
    if items_path:
        found = lookup(body, items_path)
        return list(found) if isinstance(found, list) else None
    if isinstance(body, list):
        return body
    if isinstance(body, Mapping) and isinstance(body.get("items"), list):
        return list(body["items"])
    return None


def object_changes(before: Mapping[str, Any], after: Mapping[str, Any] | None) -> list[str]:
    """Fields that differ between two reads of one object (['<deleted>'] when it is gone)."""
    if after is None:
        return ["<deleted>"]
    return sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))


# --- allowed writes proven without writing ----------------------------------------------------

#: a body no endpoint can parse: a write endpoint must refuse it before any of its logic runs
UNPARSEABLE_JSON_BODY = b'{"golive_authz_probe": '
#: answers that mean "your request reached validation" (bad request, too large, wrong media type)
VALIDATION_STATUSES = frozenset({400, 413, 415, 422})


def validation_proves_authorization(anonymous_status: int) -> bool:
    """A validation answer proves authorization passed only if the endpoint authenticates first:
    the same unparseable body sent anonymously must be refused with 401/403 (or be accepted, a
    finding of its own), not answered with a validation error."""
    return anonymous_status in (401, 403) or 200 <= anonymous_status < 300


def evaluate_write_cell_by_validation(role: str, endpoint: str, anonymous_status: int,
                                      role_status: int) -> list[Finding]:
    """An allowed role's write cell, sent an unparseable body: 4xx validation means it was let in."""
    findings: list[Finding] = []
    if 200 <= anonymous_status < 300:
        findings.append(Finding("anonymous-reaches-write-endpoint", f"401 for an anonymous caller on {endpoint}",
                                f"HTTP {anonymous_status}", f"put the role guard in front of {endpoint}"))
    if role_status in VALIDATION_STATUSES:
        return findings
    if role_status in (401, 403):
        findings.append(Finding("role-refused-allowed-endpoint", f"{role} let through to validation on {endpoint} "
                                "(400/422 for an unparseable body)", f"HTTP {role_status}",
                                "grant the role this endpoint, or correct auth.protected[].roles in the profile"))
    elif 200 <= role_status < 300:
        findings.append(Finding("unparseable-body-accepted", f"400/422 for an unparseable JSON body on {endpoint}",
                                f"HTTP {role_status} (the write may have run on garbage)",
                                "parse and validate the body before acting on it; refuse what does not parse"))
    else:
        findings.append(Finding("write-cell-unexpected-answer", f"400/422 for {role} on {endpoint}",
                                f"HTTP {role_status}", "check the endpoint's method and path in auth.protected"))
    return findings
