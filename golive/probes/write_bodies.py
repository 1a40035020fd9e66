"""Valid bodies for write probes: the profile's sample, or the simplest body the API description's
request schema allows.

A write probe whose control is refused for its body proves nothing, so the control needs a body
the endpoint accepts. The profile's sample wins (``openapi.samples``); otherwise hypothesis-jsonschema
finds the simplest instance of the request schema (derandomized and shrunk: the same schema gives
the same body, run after run). Creates need values nobody has used yet (a sign-up's username and
e-mail): ``{unique}`` in a sample's string, and every free-text string of a generated body, becomes
a fresh value.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

UNIQUE = "{unique}"

#: OpenAPI keywords JSON Schema does not know, or that say nothing about which values are valid
_ANNOTATIONS = ("example", "examples", "discriminator", "xml", "externalDocs", "deprecated", "writeOnly")


def fresh_token() -> str:
    return secrets.token_hex(4)


def json_schema(schema: Any) -> Any:
    """An OpenAPI schema object as plain JSON Schema: ``nullable`` becomes a null type, properties the
    server sets (``readOnly``) are left out of what a client sends, annotations are dropped."""
    if isinstance(schema, list):
        return [json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: json_schema(value) for key, value in schema.items()
                 if key not in _ANNOTATIONS and key != "properties"}
    if converted.pop("nullable", False) is True and isinstance(converted.get("type"), str):
        converted["type"] = [converted["type"], "null"]
    converted.pop("readOnly", None)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        read_only = {name for name, spec in properties.items() if isinstance(spec, dict) and spec.get("readOnly")}
        converted["properties"] = {name: json_schema(spec) for name, spec in properties.items()
                                   if name not in read_only}
        if isinstance(converted.get("required"), list):
            converted["required"] = [name for name in converted["required"] if name not in read_only]
    return converted


def _object_schema(schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """An object schema with its ``allOf`` parts folded in (None for other schemas)."""
    parts = [schema, *[part for part in schema.get("allOf", []) if isinstance(part, dict)]]
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in parts:
        properties.update(part.get("properties") or {})
        required += [name for name in part.get("required") or [] if isinstance(name, str)]
    if schema.get("type") != "object" and not properties:
        return None
    return {"properties": properties, "required": list(dict.fromkeys(required))}


def simplest_instance(schema: Mapping[str, Any]) -> Any:
    """The simplest value ``schema`` allows (None when the schema cannot be read or allows nothing).

    Objects are built here from their required properties (hypothesis-jsonschema's object strategy
    does not run on the installed hypothesis); every other value is hypothesis-jsonschema's simplest
    instance, found with shrinking."""
    converted = json_schema(dict(schema))
    shape = _object_schema(converted)
    if shape is not None:
        built: dict[str, Any] = {}
        for name in shape["required"]:
            spec = shape["properties"].get(name, {})
            value = simplest_instance(spec) if isinstance(spec, dict) else None
            if value is None and not _allows_null(spec):
                return None
            built[name] = value
        return built
    # imported here: hypothesis reads its data files on import, which the fixtures that import this
    # module must not make every run pay for (nor warn about, under pytest)
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis_jsonschema import from_schema

    try:
        return find(from_schema(converted), lambda _: True, settings=settings(
            database=None, derandomize=True, deadline=None, max_examples=200,
            suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink]))
    except Exception:  # an exotic schema hypothesis-jsonschema cannot read, or one nothing satisfies
        return None


def _allows_null(spec: Any) -> bool:
    kind = spec.get("type") if isinstance(spec, dict) else None
    return kind == "null" or (isinstance(kind, list) and "null" in kind)


def _fresh_string(spec: Mapping[str, Any], token: str) -> str | None:
    """A fresh value for a free-text string property (None for enums, patterns and formats other
    than e-mail, which a made-up value could break)."""
    if spec.get("type") not in ("string", None) or any(key in spec for key in ("enum", "const")):
        return None
    low, high = int(spec.get("minLength", 0)), int(spec.get("maxLength", 64))
    if spec.get("format") == "email":
        value = f"golive-{token}@example.com"
        return value if low <= len(value) <= high else None
    if spec.get("format") or ("pattern" in spec and not _fits_word_pattern(spec["pattern"])):
        return None
    value = f"golive-{token}"
    if len(value) > high:
        value = token[:high]
    value = value.ljust(low, "x")
    return value if len(value) <= high else None


def _fits_word_pattern(pattern: str) -> bool:
    """The pattern takes letters, digits and hyphens (usernames, slugs): a fresh word fits it."""
    try:
        return re.search(pattern, "golive-0a1b2c3d") is not None
    except re.error:
        return False


def generated_body(schema: Mapping[str, Any] | None, token: Callable[[], str] = fresh_token) -> dict[str, Any] | None:
    """The simplest object the request schema allows, its free-text strings made fresh (a create can
    be sent twice without colliding on a unique value); None without a usable object schema."""
    if not schema:
        return None
    body = simplest_instance(schema)
    if not isinstance(body, dict):
        return None
    properties = json_schema(dict(schema)).get("properties") or {}
    value = token()
    for name, current in list(body.items()):
        spec = properties.get(name)
        if isinstance(current, str) and isinstance(spec, dict):
            fresh = _fresh_string(spec, value)
            if fresh is not None:
                body[name] = fresh
    return body


def sample_body(sample: Mapping[str, Any], token: Callable[[], str] = fresh_token) -> dict[str, Any]:
    """The profile's sample with ``{unique}`` in its strings replaced by one fresh value."""
    value = token()
    return {name: item.replace(UNIQUE, value) if isinstance(item, str) else item for name, item in sample.items()}


def valid_body(label: str, samples: Mapping[str, Mapping[str, Any]], schema: Mapping[str, Any] | None,
               token: Callable[[], str] = fresh_token) -> tuple[dict[str, Any] | None, str]:
    """(a body for the operation ``label`` is "METHOD /path", where it came from): the profile's
    sample, else one generated from the schema; (None, why) when there is neither."""
    if label in samples:
        return sample_body(samples[label], token), "the profile's sample (openapi.samples)"
    body = generated_body(schema, token)
    if body is None:
        return None, (f"no sample body for {label} in openapi.samples, and the API description documents no "
                      "JSON object schema golive can fill")
    return body, "generated from the API description's request schema"
