"""golive.probes.write_bodies: the profile's sample, or the simplest body a request schema allows."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from golive.profile_inputs import OpenApi
from golive.probes.write_bodies import generated_body, json_schema, sample_body, simplest_instance, valid_body

SIGN_UP = {
    "type": "object", "required": ["username", "email", "age", "id"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "username": {"type": "string", "minLength": 3, "maxLength": 32, "pattern": "^[A-Za-z0-9_.-]+$"},
        "email": {"type": "string", "format": "email"},
        "age": {"type": "integer", "minimum": 18},
        "plan": {"enum": ["free", "pro"]},
        "nickname": {"type": "string", "nullable": True},
    },
}


def token() -> str:
    return "0a1b2c3d"


def test_openapi_schemas_become_json_schema():
    converted = json_schema(SIGN_UP)
    assert "id" not in converted["properties"] and "id" not in converted["required"]  # the server sets it
    assert converted["properties"]["nickname"]["type"] == ["string", "null"]


def test_the_simplest_instance_has_the_required_fields_only_and_is_valid():
    body = simplest_instance(SIGN_UP)
    assert sorted(body) == ["age", "email", "username"]
    assert body["age"] == 18 and re.fullmatch(SIGN_UP["properties"]["username"]["pattern"], body["username"])
    assert simplest_instance(SIGN_UP) == body  # derandomized: the same schema, the same body


def test_free_text_strings_are_made_fresh_so_a_create_can_be_sent_twice():
    body = generated_body(SIGN_UP, token)
    assert body == {"username": "golive-0a1b2c3d", "email": "golive-0a1b2c3d@example.com", "age": 18}
    short = {"type": "object", "required": ["code"], "properties": {"code": {"type": "string", "maxLength": 4}}}
    assert generated_body(short, token) == {"code": "0a1b"}
    assert generated_body({"type": "string"}, token) is None  # not an object: no body to send
    assert generated_body(None, token) is None


def test_the_profile_sample_wins_and_its_unique_placeholders_are_filled():
    samples = {"POST /api/accounts": {"username": "golive-{unique}", "newsletter": False}}
    body, source = valid_body("POST /api/accounts", samples, SIGN_UP, token)
    assert body == {"username": "golive-0a1b2c3d", "newsletter": False} and "openapi.samples" in source
    body, source = valid_body("POST /api/users", samples, SIGN_UP, token)
    assert body is not None and "generated" in source
    body, why = valid_body("POST /api/upload", samples, None, token)
    assert body is None and "openapi.samples" in why
    assert sample_body({"n": 1, "s": "{unique}-{unique}"}, token) == {"n": 1, "s": "0a1b2c3d-0a1b2c3d"}


def test_profile_samples_are_keyed_by_the_operation_they_fill():
    spec = OpenApi(service="api", source="/openapi.json",
                   samples={"POST /api/accounts": {"username": "golive-{unique}", "newsletter": False}})
    assert spec.samples["POST /api/accounts"]["newsletter"] is False
    with pytest.raises(ValidationError, match="METHOD /path"):
        OpenApi(service="api", source="/openapi.json", samples={"/api/accounts": {"username": "x"}})
