"""The OpenAPI inventory against a fixed OpenAPI 3 document."""

import pytest

from golive.probes.openapi import inventory, injectable

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "shop", "version": "1"},
    "security": [{"bearer": []}],
    "components": {
        "parameters": {"Sku": {"name": "sku", "in": "path", "required": True,
                               "schema": {"type": "string", "example": "ASH-250"}}},
        "schemas": {"Customer": {"type": "object", "required": ["phone"],
                                 "properties": {"name": {"type": "string"}, "phone": {"type": "string"},
                                                "email": {"type": "string"}}}},
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
    "paths": {
        "/api/products/search": {"get": {"tags": ["products"], "parameters": [
            {"name": "q", "in": "query", "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer"}}]}},
        "/api/products/sku/{sku}": {
            "parameters": [{"$ref": "#/components/parameters/Sku"}],
            "get": {"security": []},
        },
        "/api/customers": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Customer"}}}}}},
        "/api/health": {"get": {"security": []}, "x-internal": True},
    },
}


def by_label(operations):
    return {operation.label: operation for operation in operations}


def test_operations_parameters_and_security():
    operations = by_label(inventory(DOCUMENT))
    assert sorted(operations) == ["GET /api/health", "GET /api/products/search", "GET /api/products/sku/{sku}",
                                  "POST /api/customers"]
    search = operations["GET /api/products/search"]
    assert [(p.name, p.location, p.type) for p in search.parameters] == [("q", "query", "string"),
                                                                          ("limit", "query", "integer")]
    assert search.security == ("bearer",) and search.tags == ("products",)
    sku = operations["GET /api/products/sku/{sku}"]
    assert [(p.name, p.location, p.required, p.example) for p in sku.parameters] == [("sku", "path", True, "ASH-250")]
    assert sku.security == ()  # an explicit empty list makes the operation public


def test_request_body_fields_come_from_the_referenced_schema():
    customers = by_label(inventory(DOCUMENT))["POST /api/customers"]
    assert customers.body_fields == ("name", "phone", "email")
    assert customers.body_required == ("phone",)


def test_injectable_operations_have_string_query_or_path_parameters():
    assert [op.label for op in injectable(inventory(DOCUMENT))] == ["GET /api/products/search",
                                                                    "GET /api/products/sku/{sku}"]


def test_operation_parameters_override_path_parameters():
    document = {"openapi": "3.1.0", "paths": {"/a/{id}": {
        "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
        "get": {"parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}}]}}}}
    (operation,) = inventory(document)
    assert [(p.name, p.type) for p in operation.parameters] == [("id", "integer")]


def test_cyclic_references_do_not_hang():
    document = {"openapi": "3.0.0", "components": {"parameters": {"A": {"$ref": "#/components/parameters/A"}}},
                "paths": {"/x": {"get": {"parameters": [{"$ref": "#/components/parameters/A"}]}}}}
    (operation,) = inventory(document)
    assert operation.parameters == ()


@pytest.mark.parametrize("document", [{"swagger": "2.0", "paths": {}}, {"openapi": 3}, {}])
def test_other_documents_are_refused(document):
    with pytest.raises(ValueError, match="not an OpenAPI 3 document"):
        inventory(document)
