"""A Swagger 2.0 description as the OpenAPI 3.0 document it corresponds to, for what golive reads.

Several systems still serve Swagger 2.0 (Kinto's ``/v1/__api__``, Jupyter Server's
``/api/spec.yaml``). No maintained Python converter exists, so this follows the OpenAPI 3.0
specification's own mapping for the parts golive's readers use: paths, operations and their
parameters, request bodies (``in: body`` and ``in: formData`` with ``consumes``), responses,
security requirements and schemes (``basic`` → HTTP Basic, ``apiKey`` as is, OAuth2 flows
renamed), and ``#/definitions`` → ``#/components/schemas``. ``basePath`` is prefixed to every
path, because a profile's paths are relative to the service's base URL (its host), not to a
server URL.
"""

from __future__ import annotations

import copy
from typing import Any

SCHEMA_KEYS = ("type", "format", "pattern", "enum", "items", "default", "minimum", "maximum", "minLength",
               "maxLength", "collectionFormat")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
FLOWS = {"password": "password", "application": "clientCredentials", "accessCode": "authorizationCode",
         "implicit": "implicit"}
FORM_MEDIA = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_swagger2(document: Any) -> bool:
    return isinstance(document, dict) and str(document.get("swagger", "")).startswith("2")


def _refs_renamed(node: Any) -> Any:
    if isinstance(node, dict):
        renamed = {key: _refs_renamed(value) for key, value in node.items()}
        ref = renamed.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            renamed["$ref"] = "#/components/schemas/" + ref[len("#/definitions/"):]
        return renamed
    if isinstance(node, list):
        return [_refs_renamed(item) for item in node]
    return node


def _resolved_parameter(document: dict[str, Any], parameter: Any) -> dict[str, Any]:
    """A parameter, its ``#/parameters/…`` reference followed (OpenAPI 3 keeps them elsewhere)."""
    ref = parameter.get("$ref") if isinstance(parameter, dict) else None
    if isinstance(ref, str) and ref.startswith("#/parameters/"):
        parameter = (document.get("parameters") or {}).get(ref[len("#/parameters/"):], {})
    return parameter if isinstance(parameter, dict) else {}


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    converted = {key: parameter[key] for key in ("name", "in", "description", "required") if key in parameter}
    converted["schema"] = {key: parameter[key] for key in SCHEMA_KEYS if key in parameter and key != "collectionFormat"}
    return converted


def _request_body(parameters: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any] | None:
    body = next((p for p in parameters if p.get("in") == "body"), None)
    if body is not None:
        media = [m for m in consumes if m not in FORM_MEDIA] or ["application/json"]
        return {"required": bool(body.get("required")),
                "content": {m: {"schema": body.get("schema", {})} for m in media}}
    form = [p for p in parameters if p.get("in") == "formData"]
    if not form:
        return None
    has_file = any(p.get("type") == "file" for p in form)
    media = [m for m in consumes if m in FORM_MEDIA] or ["application/x-www-form-urlencoded"]
    if has_file:
        media = ["multipart/form-data"]
    properties = {}
    for p in form:
        schema = {key: p[key] for key in SCHEMA_KEYS if key in p and key != "collectionFormat"}
        if p.get("type") == "file":
            schema = {"type": "string", "format": "binary"}
        properties[p["name"]] = schema
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [p["name"] for p in form if p.get("required")]
    if required:
        schema["required"] = required
    return {"content": {m: {"schema": schema} for m in media}}


def _responses(responses: Any, produces: list[str]) -> dict[str, Any]:
    converted = {}
    for status, response in (responses or {}).items() if isinstance(responses, dict) else []:
        if not isinstance(response, dict):
            continue
        out = {"description": response.get("description", "")}
        if "schema" in response:
            out["content"] = {m: {"schema": response["schema"]} for m in produces or ["application/json"]}
        converted[str(status)] = out
    return converted


def _operation(document: dict[str, Any], spec: dict[str, Any], shared: list[Any]) -> dict[str, Any]:
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*shared, *(spec.get("parameters") or [])]:  # an operation's own override the path's
        parameter = _resolved_parameter(document, raw)
        if parameter.get("name"):
            by_key[(parameter["name"], str(parameter.get("in")))] = parameter
    parameters = list(by_key.values())
    operation = {key: spec[key] for key in ("tags", "summary", "description", "operationId", "deprecated", "security")
                 if key in spec}
    operation["parameters"] = [_parameter(p) for p in parameters if p.get("in") in ("path", "query", "header")]
    consumes = spec.get("consumes") or document.get("consumes") or []
    body = _request_body(parameters, list(consumes))
    if body:
        operation["requestBody"] = body
    operation["responses"] = _responses(spec.get("responses"), list(spec.get("produces") or document.get("produces")
                                                                    or []))
    return operation


def _scheme(scheme: dict[str, Any]) -> dict[str, Any]:
    kind = scheme.get("type")
    about = {"description": scheme["description"]} if "description" in scheme else {}
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **about}
    if kind == "oauth2":
        flow = {key: scheme[key] for key in ("authorizationUrl", "tokenUrl") if key in scheme}
        flow["scopes"] = scheme.get("scopes") or {}
        return {"type": "oauth2", "flows": {FLOWS.get(str(scheme.get("flow")), str(scheme.get("flow"))): flow}, **about}
    return {key: scheme[key] for key in ("type", "name", "in", "description") if key in scheme}


def to_openapi3(swagger: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.0 document for a Swagger 2.0 one (see the module's docstring for what is carried)."""
    document = _refs_renamed(copy.deepcopy(swagger))
    base = "/" + str(document.get("basePath") or "").strip("/")
    paths: dict[str, Any] = {}
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        full = (base.rstrip("/") + "/" + str(path).lstrip("/")) if base != "/" else str(path)
        shared = item.get("parameters") or []
        paths[full] = {method: _operation(document, spec, shared)
                       for method, spec in item.items() if method in METHODS and isinstance(spec, dict)}
    result: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": document.get("info") or {"title": "", "version": ""},
        "paths": paths,
        "components": {
            "schemas": document.get("definitions") or {},
            "securitySchemes": {name: _scheme(scheme) for name, scheme in
                                (document.get("securityDefinitions") or {}).items() if isinstance(scheme, dict)},
        },
    }
    if "security" in document:
        result["security"] = document["security"]
    return result
