"""Authorization seen from outside: role matrix cells, exposed sensitive fields, privileged fields."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jsonpath_ng.exceptions import JSONPathError
from jsonpath_ng.ext import parse as parse_json_path

from .control import REFUSALS, Judgement, Outcome
from .findings import Finding

# values that are password hashes whatever the key is called
_HASH_PREFIXES = ("scrypt$", "$2a$", "$2b$", "$2y$", "$argon2", "pbkdf2_sha256$", "pbkdf2:", "$6$", "$5$")


def evaluate_matrix_cell(role: str, endpoint: str, allowed: bool, status: int) -> list[Finding]:
    """An allowed role gets 2xx; a forbidden one any refusal (401, 403 or 404: which one a system
    should use is a conformance question of its own, see ``refusal_conformance``)."""
    if allowed and not 200 <= status < 300:
        return [Finding("role-refused-allowed-endpoint", f"2xx for {role} on {endpoint}", f"HTTP {status}",
                        "grant the role this endpoint, or correct auth.protected[].roles in the profile")]
    if not allowed and 200 <= status < 300:
        return [Finding("role-reaches-forbidden-endpoint", f"a refusal (401, 403 or 404) for {role} on {endpoint}",
                        f"HTTP {status}", f"add the role guard to {endpoint}: {role} must not reach it")]
    return []


def refusal_conformance(label: str, status: int, wanted: int) -> list[Finding]:
    """A refusal with another status than the profile's policy names: a conformance finding, never an
    acceptance (the request was refused, just not the way the policy asks)."""
    if status == wanted or status not in REFUSALS:
        return []
    return [Finding(f"{label}: rejected with {status}, policy wants {wanted}", f"HTTP {wanted} (the profile's policy)",
                    f"HTTP {status}", f"answer this refusal with {wanted}, or change the policy in the profile")]


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


def json_path_error(expression: str) -> str | None:
    """Why ``expression`` is not a JSONPath (None when it is one), for the profile's validation."""
    try:
        parse_json_path(expression)
    except JSONPathError as error:
        return str(error) or type(error).__name__
    return None


def listed_items(body: Any, items_path: str | None = None) -> list[Any] | None:
    """The entries of a list answer. Without ``items_path``: a bare JSON list, or the common envelope
    ``{"items": [...]}``. With one (``$.data[*]``, ``$.results``): the values it matches, a single
    matched list standing for its entries. None when the body has no such list, so the caller can say
    the list did not parse."""
    if items_path is None:
        if isinstance(body, list):
            return body
        if isinstance(body, Mapping) and isinstance(body.get("items"), list):
            return list(body["items"])
        return None
    matches = [match.value for match in parse_json_path(items_path).find(body)]
    if not matches:
        return None
    if len(matches) == 1 and isinstance(matches[0], list) and not items_path.rstrip().endswith(("*", "[*]")):
        return list(matches[0])
    return matches


def item_id(item: Any, id_path: str = "$.id") -> Any | None:
    """The id ``id_path`` locates in one listed item (``$.id``, ``$.uuid``, ``$.meta.pk``); None when
    the item has none (or an id that is not a scalar)."""
    matches = [match.value for match in parse_json_path(id_path).find(item)]
    if len(matches) != 1 or isinstance(matches[0], (Mapping, list)) or matches[0] in (None, ""):
        return None
    return matches[0]


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


# --- other users' objects and privileged fields, judged against their controls ------------------

def judge_foreign_change(attempt: int, changed: Collection[str], *, owner_control: int | None = None) -> Judgement:
    """Another user's attempt on an object (an update, a delete, an action), judged by the object as
    its owner reads it back. ``owner_control`` is the owner's own update with the same fields (None
    for deletes and actions, which an owner cannot try without doing them: the owner's reads before
    and after are their control).

    Accepted when the object changed or the attempt got a 2xx; refused on 401, 403 or 404 with the
    object unchanged; otherwise inconclusive: a 400 or 422 may be the body talking, not the owner check.
    """
    if attempt in (429, 503) or owner_control in (429, 503):
        return Judgement(Outcome.RATE_LIMITED, f"HTTP {attempt if attempt in (429, 503) else owner_control}: "
                         "the target is limiting golive's requests")
    if owner_control is not None and not 200 <= owner_control < 300:
        return Judgement(Outcome.INCONCLUSIVE, f"the owner's own update with the same fields answered HTTP "
                         f"{owner_control}, so the other user's HTTP {attempt} proves nothing")
    if changed or 200 <= attempt < 300:
        what = f"changed: {', '.join(changed)}" if changed else "the object unchanged"
        return Judgement(Outcome.ACCEPTED, f"HTTP {attempt}; {what}")
    if attempt in REFUSALS:
        return Judgement(Outcome.REFUSED, f"HTTP {attempt}, the object unchanged")
    return Judgement(Outcome.INCONCLUSIVE, f"HTTP {attempt}, not a refusal (401, 403 or 404): the request may have "
                     "been stopped by its body or method rather than by the owner check")


def control_update_body(method: str, sample: Mapping[str, Any] | None, current: Mapping[str, Any],
                        privileged: Collection[str]) -> dict[str, Any]:
    """An update the user may make that changes nothing: the control a mass-assignment probe is
    judged against. The sample's fields carry their current values (the sample's own value only for
    a field the read does not show); a PUT replaces the whole object, so it carries every current
    field but the privileged ones. Without a sample, the current object minus the privileged fields."""
    unprivileged = {name: value for name, value in current.items() if name not in privileged}
    if sample is None:
        return unprivileged
    chosen = {name: current.get(name, value) for name, value in sample.items()}
    return {**unprivileged, **chosen} if method.upper() == "PUT" else chosen


def foreign_update_body(method: str, update: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """What another user sends to change an object: the harmless change, on top of the whole object
    for a PUT (which replaces it)."""
    return {**current, **update} if method.upper() == "PUT" else dict(update)


def owner_no_op_body(method: str, update: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """The owner's control for ``foreign_update_body``: the same fields with their current values."""
    same = {name: current.get(name, value) for name, value in update.items()}
    return {**current, **same} if method.upper() == "PUT" else same
