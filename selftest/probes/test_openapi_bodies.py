"""golive.probes.openapi: the write operations a malformed-body sweep may take from a description."""

from __future__ import annotations

from golive.probes.openapi import inventory, json_body_operations

DOCUMENT = {
    "openapi": "3.0.1",
    "components": {"schemas": {"Profile": {"type": "object", "properties": {"name": {"type": "string"}}}}},
    "paths": {
        "/api/users/me": {
            "get": {"responses": {}},
            "patch": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}}}},
        },
        "/api/users/validate": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"type": "object", "properties": {"phone": {}, "email": {}}, "required": ["phone"]}}}}}},
        "/api/upload": {"post": {"requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string"}}}}}},
        "/api/ping": {"post": {"responses": {}}},
        "/api/addresses/{id}": {"delete": {"parameters": [{"name": "id", "in": "path"}]}},
    },
}


def test_only_write_operations_with_documented_json_fields_are_swept() -> None:
    labels = [op.label for op in json_body_operations(inventory(DOCUMENT))]
    assert labels == ["PATCH /api/users/me", "POST /api/users/validate"]


def test_operations_the_profile_already_names_and_the_limit_are_respected() -> None:
    operations = inventory(DOCUMENT)
    assert [op.label for op in json_body_operations(operations, known={"PATCH /api/users/me"})] == [
        "POST /api/users/validate"]
    assert len(json_body_operations(operations, limit=1)) == 1
