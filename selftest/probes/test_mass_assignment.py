"""golive.probes.mass_assignment: which creates are probed, the created id, what counts as stored."""

from __future__ import annotations

from golive.probes.mass_assignment import create_targets, created_id, found_again_by, privileged_fields_stored
from golive.probes.openapi import inventory

PRIVILEGED = {"role": "admin", "is_admin": True, "balance": 10_000_000, "price": 1}

ACCOUNT = {"type": "object", "properties": {"id": {"type": "integer"}, "username": {"type": "string"},
                                            "role": {"type": "string"}}}
DOCUMENT = {
    "openapi": "3.1.0",
    "components": {"schemas": {"Account": ACCOUNT}},
    "paths": {
        # sign-up: the request names no privileged field, the answer does
        "/api/accounts": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"username": {"type": "string"}}, "required": ["username"]}}}},
            "responses": {201: {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}}}}},
        "/api/accounts/{account_id}": {"get": {}, "delete": {}},
        # admins list the accounts, filtered by username
        "/api/accounts/": {"get": {"parameters": [{"name": "username", "in": "query", "schema": {"type": "string"}}]}},
        # the request names one; no DELETE of the created object
        "/api/wallets": {"post": {"requestBody": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"owner": {"type": "string"}, "balance": {"type": "integer"}}}}}}}},
        # a signed-in seller's request documents the price: theirs to choose by design
        "/api/listings": {"post": {"security": [{"bearer": []}], "requestBody": {"content": {"application/json": {
            "schema": {"type": "object", "properties": {"title": {"type": "string"}, "price": {"type": "integer"}}}}}},
            "responses": {"201": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"id": {"type": "integer"}, "price": {"type": "integer"}}}}}}}}},
        "/api/listings/{id}": {"delete": {"security": [{"bearer": []}]}},
        # no privileged field anywhere
        "/api/notes": {"post": {"requestBody": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"text": {"type": "string"}}}}}}}},
        "/api/notes/{id}": {"delete": {}},
        # an action on one object (nothing to delete afterwards: left out like any create golive cannot undo)
        "/api/accounts/{account_id}/promote": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"type": "object", "properties": {"role": {"type": "string"}}}}}}}},
    },
}


def test_creates_whose_privileged_fields_the_caller_should_not_choose_are_probed_when_they_can_be_undone():
    targets, left_out = create_targets(inventory(DOCUMENT), PRIVILEGED)
    [signup] = targets
    assert signup.label == "POST /api/accounts"
    assert (signup.item_path, signup.id_name, signup.readable) == ("/api/accounts/{account_id}", "account_id", True)
    assert signup.privileged == {"role": "admin"}  # only the fields the schemas name
    # the anonymous wallet create's request names balance: nobody anonymous may choose it (left out:
    # no DELETE); the seller's listing is no target at all
    assert [reason.split(":")[0] for reason in left_out] == ["POST /api/accounts/{account_id}/promote",
                                                            "POST /api/wallets"]
    assert all("documents no DELETE of the created object" in reason for reason in left_out)


def test_the_created_id_comes_from_the_answer_or_the_location_header():
    assert created_id({"account_id": 7, "id": 1}, None, "account_id") == "7"
    assert created_id({"id": "a1b2"}, None, "account_id") == "a1b2"
    assert created_id({"id": True}, "/api/accounts/9?x=1", "account_id") == "9"
    assert created_id([], None, "id") is None


def test_a_privileged_value_counts_only_when_stored_as_sent_and_absent_from_the_control():
    sent = {"role": "admin"}
    assert privileged_fields_stored("POST /a", sent, {"role": "customer"}, {"role": "customer"}) == []
    assert privileged_fields_stored("POST /a", sent, {"role": "customer"}, {}) == []
    # the system gives every new object that value anyway: the caller chose nothing
    assert privileged_fields_stored("POST /a", sent, {"role": "admin"}, {"role": "admin"}) == []
    [finding] = privileged_fields_stored("POST /a", sent, {"role": "customer"}, {"role": "admin"})
    assert "role='admin'" in finding.found and "role='customer'" in finding.found


def test_a_create_is_found_again_by_the_value_its_body_gave_a_field_the_list_filters_by():
    targets, _ = create_targets(inventory(DOCUMENT), PRIVILEGED)
    [signup] = targets
    assert signup.listed_by == ("username",)
    assert found_again_by(signup, {"username": "golive-7f3a", "display_name": "x"}) == ("username", "golive-7f3a")
    assert found_again_by(signup, {"display_name": "x"}) is None  # the body gave the filter nothing
