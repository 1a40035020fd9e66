"""Profile answers drawn from OpenAPI documents: login strategy, credential placement, objects, inputs."""

from __future__ import annotations

from typing import Any

import pytest

from golive.probes.api_draft import Credential, draft

LOGIN_BODY = {"content": {"application/json": {"schema": {
    "type": "object", "properties": {"email": {"type": "string", "format": "email"}, "password": {"type": "string"}}}}}}


def document(schemes: dict[str, Any], paths: dict[str, Any] | None = None, security: str | None = None) -> dict:
    name = security or next(iter(schemes), "none")
    secured = {"security": [{name: []}]}
    return {
        "openapi": "3.1.0",
        "components": {"securitySchemes": schemes},
        "paths": paths if paths is not None else {
            "/api/items": {"get": secured},
            "/api/items/{itemId}": {"get": {**secured, "parameters": [
                {"name": "itemId", "in": "path", "required": True, "schema": {"type": "integer"}}]}},
            "/healthz": {"get": {}},
        },
    }


def test_oauth2_password_flow_is_a_form_login_at_its_token_url():
    doc = document({"oauth": {"type": "oauth2", "flows": {"password": {
        "tokenUrl": "https://auth.example.com/oauth/token", "scopes": {}}}}})
    login = draft(doc).login
    assert (login.strategy, login.path, login.extra_fields) == ("form", "/oauth/token", {"grant_type": "password"})
    assert login.credential == Credential("header", "Authorization", "Bearer")


def test_bearer_with_a_login_operation_is_a_json_login_with_its_field_names():
    doc = document({"jwt": {"type": "http", "scheme": "bearer"}})
    doc["paths"]["/api/auth/sign-in"] = {"post": {"security": [], "requestBody": LOGIN_BODY}}
    login = draft(doc).login
    assert (login.strategy, login.path, login.username_field, login.password_field) == (
        "json", "/api/auth/sign-in", "email", "password")


def test_bearer_without_a_login_operation_needs_a_pre_issued_token():
    result = draft(document({"jwt": {"type": "http", "scheme": "bearer"}}))
    assert (result.login.strategy, result.login.path) == ("token", "/api/items")
    assert "no login operation" in result.login_notes[0]


@pytest.mark.parametrize("location,name,scheme", [("header", "X-API-Key", ""), ("query", "api_key", ""),
                                                  ("header", "Authorization", "Bearer")])
def test_api_key_is_a_token_sent_where_the_scheme_says(location: str, name: str, scheme: str):
    login = draft(document({"key": {"type": "apiKey", "in": location, "name": name}})).login
    assert (login.strategy, login.credential) == ("token", Credential(location, name, scheme))


def test_session_cookie_is_a_session_login():
    doc = document({"cookie": {"type": "apiKey", "in": "cookie", "name": "sessionid"}})
    doc["paths"]["/accounts/login"] = {"post": {"security": [], "requestBody": LOGIN_BODY}}
    login = draft(doc).login
    assert (login.strategy, login.session_cookie, login.path) == ("session", "sessionid", "/accounts/login")
    assert login.credential == Credential("cookie", "sessionid")


def test_http_basic_is_a_basic_login_verified_on_a_protected_path():
    login = draft(document({"basic": {"type": "http", "scheme": "basic"}})).login
    assert (login.strategy, login.path, login.credential.scheme) == ("basic", "/api/items", "Basic")


def test_the_most_used_scheme_is_the_login_and_a_second_header_key_a_service_credential():
    doc = document({"svc": {"type": "apiKey", "in": "header", "name": "X-Service-Token"},
                    "jwt": {"type": "http", "scheme": "bearer"}}, security="jwt")
    doc["paths"]["/internal/sync"] = {"get": {"security": [{"svc": []}]}}
    result = draft(doc)
    assert result.login.scheme == "jwt"
    assert [(key.header, key.paths) for key in result.service_keys] == [("X-Service-Token", ("/internal/sync",))]
    assert [op.label for op in result.protected] == ["GET /api/items"]  # /internal/sync is the service key's


def test_no_security_schemes_means_no_login_and_says_so():
    result = draft(document({}, paths={"/a": {"get": {}}}))
    assert result.login is None and "no securitySchemes" in result.login_notes[0]


def test_owned_objects_health_and_docs():
    doc = document({"jwt": {"type": "http", "scheme": "bearer"}})
    doc["paths"].update({"/openapi.json": {"get": {}}, "/health/ready": {"get": {}}, "/api/health/db": {"get": {}}})
    result = draft(doc)
    assert [(o.name, o.list_path, o.item_path) for o in result.owned] == [("items", "/api/items", "/api/items/{id}")]
    assert result.health == {"live": "/healthz", "ready": "/health/ready", "db": "/api/health/db"}
    assert [op.path for op in result.docs] == ["/openapi.json"]
    assert [op.label for op in result.protected_with_ids] == ["GET /api/items/{itemId}"]


def test_inputs_by_name_and_format():
    phone = {"type": "string", "pattern": r"^\+[1-9]\d{1,14}$"}
    doc = document({"jwt": {"type": "http", "scheme": "bearer"}}, paths={
        "/search": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}},
                                           {"name": "sku", "in": "query", "schema": {"type": "string",
                                                                                     "pattern": "^[A-Z]{3}-[0-9]+$"}}]}},
        "/go": {"get": {"parameters": [{"name": "target", "in": "query",
                                        "schema": {"type": "string", "format": "uri"}}]}},
        "/api/contacts": {"post": {"security": [{"jwt": []}], "requestBody": {"content": {"application/json": {
            "schema": {"type": "object", "properties": {"mail": {"type": "string", "format": "email"},
                                                        "contact": phone, "note": {"type": "string"}}}}}}}},
        "/api/files": {"post": {"security": [{"jwt": []}], "requestBody": {"content": {"multipart/form-data": {
            "schema": {"type": "object"}}}}}},
    })
    result = draft(doc)
    assert [(u.path, u.param) for u in result.reflection] == [("/search", "q")]
    assert [(u.path, u.param) for u in result.redirects] == [("/go", "target")]
    assert [(u.path, u.param) for u in result.redos] == [("/search", "sku")]
    assert [op.path for op in result.injection] == ["/search"]
    assert [(f.field, f.kind, f.secured) for f in result.contact_fields] == [("mail", "email", True),
                                                                            ("contact", "phone", True)]
    assert [op.label for op in result.uploads] == ["POST /api/files"]


def test_a_swagger_2_document_is_refused():
    with pytest.raises(ValueError, match="not an OpenAPI 3 document"):
        draft({"swagger": "2.0", "paths": {}})


def test_protected_lists_only_reads_the_role_checks_can_call_as_they_are():
    secured = {"security": [{"jwt": []}]}
    json_body = {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}
    doc = document({"jwt": {"type": "http", "scheme": "bearer"}}, paths={
        "/api/me": {"get": secured, "patch": {**secured, **json_body}, "delete": secured},
        "/api/link": {"get": {**secured, "parameters": [{"name": "subject", "in": "query", "required": True}]}},
        "/api/uploads": {"post": {**secured, "requestBody": {"content": {"application/octet-stream": {}}}}},
        "/api/admin/openapi.json": {"get": secured},
    })
    result = draft(doc)
    assert [op.label for op in result.protected] == ["GET /api/me"]
    assert sorted(op.label for op in result.protected_unsafe) == ["DELETE /api/me", "GET /api/link", "PATCH /api/me",
                                                                   "POST /api/uploads"]
    assert [op.path for op in result.docs] == ["/api/admin/openapi.json"]  # a document, not data to scan


def test_django_style_item_paths_with_a_trailing_slash_are_owned_objects():
    secured = {"security": [{"session": []}]}
    doc = document({"session": {"type": "apiKey", "in": "cookie", "name": "sessionid"}}, paths={
        "/api/notes/": {"get": secured},
        "/api/notes/{id}/": {"get": {**secured, "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]}},
    })
    assert [(o.name, o.list_path, o.item_path) for o in draft(doc).owned] == [
        ("notes", "/api/notes/", "/api/notes/{id}/")]


def test_an_api_key_in_the_authorization_header_is_a_user_token_not_a_service_key():
    doc = document({"jwt": {"type": "http", "scheme": "bearer"},
                    "tokenAuth": {"type": "apiKey", "in": "header", "name": "Authorization"},
                    "internal": {"type": "apiKey", "in": "header", "name": "X-Service-Key"}},
                   paths={"/api/items": {"get": {"security": [{"jwt": []}, {"tokenAuth": []}]}},
                          "/internal/stats": {"get": {"security": [{"internal": []}]}}})
    assert [(key.scheme, key.header) for key in draft(doc).service_keys] == [("internal", "X-Service-Key")]


def test_the_token_field_comes_from_the_login_answer():
    doc = document({"jwt": {"type": "http", "scheme": "bearer"}})
    doc["paths"]["/-/sec/login"] = {"post": {"security": [], "requestBody": LOGIN_BODY, "responses": {"200": {
        "description": "signed in", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"token": {"type": "string"}, "username": {"type": "string"}}}}}}}}}
    login = draft(doc).login
    assert (login.strategy, login.path, login.access_token_field) == ("json", "/-/sec/login", "token")


def test_sections_without_operations_in_the_description_are_absent():
    absent = draft(document({"jwt": {"type": "http", "scheme": "bearer"}})).absent
    assert set(absent) == {"inventory", "marketplace", "commercial", "tracker", "flows", "webhooks", "share_links"}
    doc = document({"jwt": {"type": "http", "scheme": "bearer"}}, paths={
        "/api/orders": {"get": {}}, "/hooks/stripe": {"post": {}},
        "/files/{id}": {"get": {"parameters": [{"name": "sig", "in": "query", "schema": {"type": "string"}}]}}})
    assert draft(doc).absent == {}


def test_a_paginated_list_says_where_its_entries_are():
    secured = {"security": [{"jwt": []}]}
    page = {"type": "object", "properties": {"count": {"type": "integer"}, "next": {"type": "string"},
                                             "results": {"type": "array", "items": {"type": "object"}}}}
    doc = document({"jwt": {"type": "http", "scheme": "bearer"}}, paths={
        "/api/notes/": {"get": {**secured, "responses": {"200": {"description": "a page", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}}},
        "/api/notes/{id}/": {"get": secured},
        "/api/tags": {"get": {**secured, "responses": {"200": {"description": "tags", "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}}}}},
        "/api/tags/{name}": {"get": secured},
    })
    doc["components"]["schemas"] = {"Page": page}
    assert {o.name: o.items for o in draft(doc).owned} == {"notes": "$.results[*]", "tags": None}
