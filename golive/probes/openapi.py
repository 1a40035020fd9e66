"""An endpoint inventory from an OpenAPI 3 document: operations, parameters, body fields, security.

Sweeping checks take their endpoints from here when the profile names the target's API
description. Only what a probe needs is kept; ``$ref``s to components are resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path | query | header | cookie
    required: bool = False
    type: str = "string"
    example: object = None
    format: str = ""  # the schema's format (email, uri, date-time, ...)
    pattern: str = ""  # the schema's pattern, when it declares one
    # the parameter's JSON schema as the description gives it ($refs resolved one level)
    schema: dict[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    parameters: tuple[Parameter, ...] = ()
    body_fields: tuple[str, ...] = ()
    body_required: tuple[str, ...] = ()
    # security requirement names; () = public, None = inherits nothing said
    security: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default=())
    # the JSON request body's schema with every local $ref inlined (for generating a valid body)
    body_schema: dict[str, Any] | None = field(default=None, compare=False)
    # property names of the first 2xx JSON answer's schema (what a create says it stores)
    response_fields: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    def params_in(self, location: str) -> list[Parameter]:
        return [p for p in self.parameters if p.location == location]


def _resolve(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """Follow local ``$ref``s (``#/components/...``); cycles stop after a few hops."""
    while isinstance(node, dict) and "$ref" in node and depth < 16:
        reference = node["$ref"]
        if not isinstance(reference, str) or not reference.startswith("#/"):
            return {}
        target: Any = document
        for part in reference[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        node, depth = target, depth + 1
    return node


def resolve(document: dict[str, Any], node: Any) -> Any:
    """``node`` with its local ``$ref``s followed (public for callers that read more of the document)."""
    return _resolve(document, node)


def _parameter(document: dict[str, Any], raw: Any) -> Parameter | None:
    spec = _resolve(document, raw)
    if not isinstance(spec, dict) or "name" not in spec or "in" not in spec:
        return None
    schema = _resolve(document, spec.get("schema", {}))
    kind = schema.get("type", "string") if isinstance(schema, dict) else "string"
    example = spec.get("example", schema.get("example") if isinstance(schema, dict) else None)
    if example is None and isinstance(schema, dict) and isinstance(schema.get("examples"), list) and schema["examples"]:
        example = schema["examples"][0]  # JSON Schema's (OpenAPI 3.1) list of examples
    detail = schema if isinstance(schema, dict) else {}
    return Parameter(str(spec["name"]), str(spec["in"]), bool(spec.get("required", spec["in"] == "path")),
                     str(kind), example, str(detail.get("format", "")), str(detail.get("pattern", "")),
                     schema=detail or None)


def inline(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """``node`` with every local ``$ref`` replaced by its target, recursively (a schema a generator
    can read on its own); a reference deeper than a few levels (a recursive schema) becomes ``{}``."""
    if depth > 8:
        return {}
    node = _resolve(document, node)
    if isinstance(node, dict):
        return {key: inline(document, value, depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [inline(document, item, depth + 1) for item in node]
    return node


def _media_schema(document: dict[str, Any], content: Any) -> dict[str, Any] | None:
    """The schema of a ``content`` map: its JSON media type's, else the first one's."""
    if not isinstance(content, dict) or not content:
        return None
    media = content.get("application/json") or next(iter(content.values()), {})
    schema = _resolve(document, media.get("schema", {}) if isinstance(media, dict) else {})
    return schema if isinstance(schema, dict) else None


def _body(document: dict[str, Any], raw: Any) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, Any] | None]:
    body = _resolve(document, raw)
    schema = _media_schema(document, body.get("content", {})) if isinstance(body, dict) else None
    if schema is None:
        return (), (), None
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    return (tuple(properties) if isinstance(properties, dict) else (),
            tuple(r for r in required if isinstance(r, str)) if isinstance(required, list) else (),
            inline(document, schema))


def _response_fields(document: dict[str, Any], responses: Any) -> tuple[str, ...]:
    if not isinstance(responses, dict):
        return ()
    # YAML reads 201: as an integer key
    for status, raw in sorted(responses.items(), key=lambda item: str(item[0])):
        if str(status).startswith("2"):
            answer = _resolve(document, raw)
            schema = _media_schema(document, answer.get("content")) if isinstance(answer, dict) else None
            properties = schema.get("properties") if schema else None
            if isinstance(properties, dict):
                return tuple(properties)
    return ()


def _security(requirements: Any) -> tuple[str, ...]:
    if not isinstance(requirements, list):
        return ()
    return tuple(sorted({name for requirement in requirements if isinstance(requirement, dict) for name in requirement}))


def inventory(document: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI 3 document, in path order. Raises ValueError for other documents."""
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise ValueError(f"not an OpenAPI 3 document (openapi: {version!r})")
    default_security = _security(document.get("security"))
    operations = []
    for path, item in sorted((document.get("paths") or {}).items()):
        item = _resolve(document, item)
        if not isinstance(item, dict):
            continue
        shared = [p for p in (_parameter(document, raw) for raw in item.get("parameters", [])) if p]
        for method in METHODS:
            spec = item.get(method)
            if not isinstance(spec, dict):
                continue
            own = [p for p in (_parameter(document, raw) for raw in spec.get("parameters", [])) if p]
            merged = {(p.name, p.location): p for p in shared + own}  # operation-level wins
            fields, required, body_schema = _body(document, spec.get("requestBody"))
            security = _security(spec["security"]) if "security" in spec else default_security
            operations.append(Operation(method.upper(), path, tuple(merged.values()), fields, required,
                                        security, tuple(t for t in spec.get("tags", []) if isinstance(t, str)),
                                        body_schema, _response_fields(document, spec.get("responses"))))
    return operations


def injectable(operations: list[Operation], *, methods: tuple[str, ...] = ("GET",)) -> list[Operation]:
    """Operations a read-only sweep may probe: the given methods, with a string query or path parameter."""
    return [op for op in operations if op.method in methods
            and any(p.location in ("query", "path") and p.type == "string" for p in op.parameters)]


#: methods whose documented JSON body a malformed-input sweep may send an unparseable body to
BODY_METHODS = ("POST", "PUT", "PATCH")


def json_body_operations(operations: list[Operation], *, known: set[str] | frozenset[str] = frozenset(),
                         limit: int = 20) -> list[Operation]:
    """Write operations documenting a JSON body (named fields), minus those already ``known`` by label.

    Only an unparseable body is ever sent to them: it cannot be mistaken for a valid write, so the
    sweep stays a probe even on endpoints nobody vetted for it."""
    return [op for op in operations
            if op.method in BODY_METHODS and op.body_fields and op.label not in known][:limit]
