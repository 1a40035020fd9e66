"""Mass assignment on create endpoints (sign-up, POST on a collection), from the API description.

A create whose request or answer schema names a privileged field (role, is_admin, balance, …) is
sent twice: without the privileged fields (the control: it must be accepted, else nothing is
proven) and with them. Each created object is read back; the privileged value stored where the
control's object did not have it is the finding. Both creates are undone by a documented DELETE
of the created object, so only creates with one are tried.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .findings import Finding
from .openapi import Operation


@dataclass(frozen=True)
class CreateTarget:
    operation: Operation  # the POST on the collection
    item_path: str  # the created object's path, "/api/accounts/{account_id}"
    id_name: str  # the path parameter holding its id
    privileged: dict[str, Any]  # privileged field -> the value an attacker sends
    readable: bool  # the description documents a GET of the created object
    # query parameters of the collection's documented list: a create whose answer is lost (a crash)
    # is found again by the unique value its body gave one of them
    listed_by: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.operation.label


def _item_of(collection: str, operations: Iterable[Operation], method: str) -> tuple[str, str] | None:
    """(item path, id parameter) of ``method`` on one object of ``collection`` ("/x" -> "/x/{id}")."""
    for operation in operations:
        match = re.fullmatch(re.escape(collection.rstrip("/")) + r"/\{([^/{}]+)\}/?", operation.path)
        if operation.method == method and match:
            return operation.path, match.group(1)
    return None


def server_set(operation: Operation, name: str) -> bool:
    """Is ``name`` a field the caller of this create should not choose? One its answer documents but its
    request does not (the server sets it), or any field an anonymous create (sign-up) names: a field a
    signed-in caller's request documents is theirs to set by design (a seller's price)."""
    if name in operation.body_fields:
        return not operation.security
    return name in operation.response_fields


def create_targets(operations: list[Operation], privileged: Mapping[str, Any]) -> tuple[list[CreateTarget], list[str]]:
    """Creates to probe, and why others naming privileged fields are left out. A create is a POST on
    a collection (its path does not end in a parameter) whose schemas name a privileged field the
    caller should not choose (``server_set``); it is probed only when the created object can be
    deleted again."""
    targets: list[CreateTarget] = []
    left_out: list[str] = []
    for operation in operations:
        if operation.method != "POST" or operation.path.rstrip("/").endswith("}"):
            continue
        fields = {name: value for name, value in privileged.items() if server_set(operation, name)}
        if not fields:
            continue
        delete = _item_of(operation.path, operations, "DELETE")
        if delete is None:
            left_out.append(f"{operation.label}: the description documents no DELETE of the created object, so "
                            "golive could not undo the create")
            continue
        listed_by = tuple(parameter.name for listing in operations
                          if listing.method == "GET" and listing.path.rstrip("/") == operation.path.rstrip("/")
                          for parameter in listing.params_in("query"))
        targets.append(CreateTarget(operation, delete[0], delete[1], fields,
                                    _item_of(operation.path, operations, "GET") is not None, listed_by))
    return targets, left_out


def found_again_by(target: CreateTarget, body: Mapping[str, Any]) -> tuple[str, str] | None:
    """(list parameter, value): the string this create's body gives a field the collection's list
    filters by, so cleanup finds the object if the create's answer never came back; None if none."""
    for name in target.listed_by:
        value = body.get(name)
        if isinstance(value, str) and value:
            return name, value
    return None


def created_id(answer: Any, location: str | None, id_name: str) -> str | None:
    """The created object's id: the answer's ``id_name`` or ``id`` member, else the last segment of
    the ``Location`` header; None when the create says neither."""
    if isinstance(answer, Mapping):
        for name in (id_name, "id"):
            value = answer.get(name)
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
                return str(value)
    if location:
        segment = location.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
        return segment or None
    return None


def privileged_fields_stored(label: str, sent: Mapping[str, Any], control: Mapping[str, Any],
                             created: Mapping[str, Any]) -> list[Finding]:
    """Privileged fields the create stored with the sent value, where the control's object (created
    without them) does not have that value: the caller chose them."""
    taken = [name for name, value in sent.items()
             if name in created and created[name] == value and control.get(name) != value]
    if not taken:
        return []
    return [Finding(f"{label} stores the caller's {', '.join(taken)}",
                    "privileged fields ignored or refused when an object is created",
                    f"the created object has {', '.join(f'{name}={created[name]!r}' for name in taken)} "
                    f"(created without them: {', '.join(f'{name}={control.get(name)!r}' for name in taken)})",
                    "bind create bodies to an explicit allow-list of fields the caller may choose")]
