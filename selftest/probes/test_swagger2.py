"""Swagger 2.0 read as the OpenAPI 3.0 document it corresponds to (the parts golive reads)."""

from __future__ import annotations

from golive.probes import openapi
from golive.probes.swagger2 import is_swagger2, to_openapi3

SWAGGER = {
    "swagger": "2.0", "basePath": "/v1", "consumes": ["application/json"],
    "securityDefinitions": {"basic": {"type": "basic"},
                            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                            "oauth": {"type": "oauth2", "flow": "application", "tokenUrl": "/token", "scopes": {}}},
    "security": [{"basic": []}],
    "parameters": {"limit": {"name": "_limit", "in": "query", "type": "integer"}},
    "paths": {
        "/records": {
            "get": {"parameters": [{"$ref": "#/parameters/limit"}],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/List"}}}},
            "post": {"parameters": [{"name": "body", "in": "body", "schema": {"$ref": "#/definitions/Record"}}]},
        },
        "/upload": {"post": {"security": [], "consumes": ["multipart/form-data"], "parameters": [
            {"name": "file", "in": "formData", "type": "file", "required": True},
            {"name": "note", "in": "formData", "type": "string"}]}},
    },
    "definitions": {"Record": {"type": "object", "properties": {"title": {"type": "string"}}},
                    "List": {"type": "object", "properties": {"data": {"type": "array",
                                                                         "items": {"$ref": "#/definitions/Record"}}}}},
}


def test_paths_parameters_bodies_and_schemes_carry_over():
    assert is_swagger2(SWAGGER) and not is_swagger2({"openapi": "3.0.0"})
    document = to_openapi3(SWAGGER)
    assert document["openapi"].startswith("3.0")
    schemes = document["components"]["securitySchemes"]
    assert schemes["basic"] == {"type": "http", "scheme": "basic"}
    assert schemes["key"] == {"type": "apiKey", "name": "X-Key", "in": "header"}
    assert schemes["oauth"]["flows"] == {"clientCredentials": {"tokenUrl": "/token", "scopes": {}}}
    records = document["paths"]["/v1/records"]
    assert records["get"]["parameters"] == [{"name": "_limit", "in": "query", "schema": {"type": "integer"}}]
    assert records["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/List"}
    assert records["post"]["requestBody"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}
    upload = document["paths"]["/v1/upload"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["properties"]["file"] == {"type": "string", "format": "binary"} and upload["required"] == ["file"]


def test_golive_reads_the_converted_document_as_an_inventory():
    operations = {op.label: op for op in openapi.inventory(to_openapi3(SWAGGER))}
    assert set(operations) == {"GET /v1/records", "POST /v1/records", "POST /v1/upload"}
    assert operations["GET /v1/records"].security == ("basic",)
    assert operations["POST /v1/upload"].security == ()
    assert "title" in operations["POST /v1/records"].body_fields
