"""golive.probes.authz: matrix cells, sensitive fields, mass assignment, object changes."""

from __future__ import annotations

import pytest

from golive.probes.authz import (
    evaluate_matrix_cell,
    find_sensitive_fields,
    listed_items,
    object_changes,
    privileged_fields_taken,
)
from golive.probes.findings import names

SENSITIVE = ["password", "password_hash", "secret", "refresh_token"]


@pytest.mark.parametrize(("allowed", "status", "expected"), [
    (True, 200, []),
    (True, 204, []),
    (False, 403, []),
    (True, 403, ["role-refused-allowed-endpoint"]),
    (False, 200, ["role-reaches-forbidden-endpoint"]),
    (False, 401, ["forbidden-answer-not-403"]),
    (False, 500, ["forbidden-answer-not-403"]),
])
def test_matrix_cell(allowed, status, expected):
    assert names(evaluate_matrix_cell("manager", "GET /api/admin/users", allowed, status)) == expected


def test_clean_bodies_have_no_findings():
    body = [{"username": "admin", "role": "admin", "password_changed_at": "2026-01-01"}, {"secret_santa": None}]
    assert find_sensitive_fields(body, SENSITIVE) == []
    assert find_sensitive_fields({"secret": ""}, SENSITIVE) == []  # empty values disclose nothing


def test_sensitive_keys_found_case_insensitively_and_nested():
    body = {"users": [{"username": "a", "Password_Hash": "x"}], "meta": {"refresh_token": "eyJ..."}}
    [finding] = find_sensitive_fields(body, SENSITIVE)
    assert finding.name == "sensitive-field-exposed"
    assert "$.users[0].Password_Hash" in finding.found and "$.meta.refresh_token" in finding.found


def test_password_hash_values_found_whatever_the_key():
    [finding] = find_sensitive_fields([{"username": "a", "pw": "$2b$12$abcdefghijklmnopqrstuv"}], SENSITIVE)
    assert "$[0].pw (a password hash)" in finding.found


def test_privileged_fields_taken_only_when_they_changed_to_the_sent_value():
    sent = {"role": "admin", "is_admin": True, "balance": 10}
    before = {"username": "c", "role": "cashier"}
    assert privileged_fields_taken(sent, before, {"username": "c", "role": "cashier"}) == []
    assert privileged_fields_taken(sent, before, {}) == []
    [finding] = privileged_fields_taken(sent, before, {"username": "c", "role": "admin"})
    assert "role='admin'" in finding.found and "is_admin" not in finding.found
    # an admin sending role=admin changes nothing: no finding
    assert privileged_fields_taken(sent, {"role": "admin"}, {"role": "admin"}) == []


def test_object_changes():
    before = {"id": 1, "note": "", "status": "pending"}
    assert object_changes(before, dict(before)) == []
    assert object_changes(before, {**before, "note": "x"}) == ["note"]
    assert object_changes(before, None) == ["<deleted>"]


@pytest.mark.parametrize(("body", "expected"), [
    ([{"id": 1}, {"id": 2}], [{"id": 1}, {"id": 2}]),   # a bare list
    ({"items": [{"id": 7}], "total": 1}, [{"id": 7}]),  # the common envelope, extra members ignored
    ({"items": []}, []),
    ([], []),
    ({"items": {"id": 7}}, None),                       # items that are not a list
    ({"data": [{"id": 7}]}, None),                      # another envelope: not guessed at
    ({"id": 7}, None),
    ("orders", None),
    (None, None),
])
def test_listed_items(body, expected):
    assert listed_items(body) == expected


@pytest.mark.parametrize(("body", "path", "expected"), [
    ({"data": [{"id": 7}], "count": 1}, "data", [{"id": 7}]),        # the profile names the envelope
    ({"page": {"results": [{"id": 1}]}}, "page.results", [{"id": 1}]),
    ({"data": {"id": 7}}, "data", None),                             # not a list there
    ([{"id": 7}], "data", None),                                     # a bare list is not at that path
])
def test_listed_items_at_the_profiles_items_path(body, path, expected):
    assert listed_items(body, path) == expected
