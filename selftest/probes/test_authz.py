"""golive.probes.authz: matrix cells, sensitive fields, mass assignment, object changes."""

from __future__ import annotations

import pytest

from golive.probes.authz import (
    control_update_body,
    evaluate_matrix_cell,
    find_sensitive_fields,
    foreign_update_body,
    item_id,
    judge_foreign_change,
    json_path_error,
    listed_items,
    object_changes,
    owner_no_op_body,
    privileged_fields_taken,
    refusal_conformance,
)
from golive.probes.control import Outcome
from golive.probes.findings import names

SENSITIVE = ["password", "password_hash", "secret", "refresh_token"]


@pytest.mark.parametrize(("allowed", "status", "expected"), [
    (True, 200, []),
    (True, 204, []),
    (False, 403, []),
    (True, 403, ["role-refused-allowed-endpoint"]),
    (False, 200, ["role-reaches-forbidden-endpoint"]),
    (False, 401, []),  # a refusal is a refusal: which status is SEC-AUTHZ-008's question
    (False, 404, []),
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
    ({"data": [{"uuid": "a"}, {"uuid": "b"}]}, "$.data[*]", [{"uuid": "a"}, {"uuid": "b"}]),
    ({"data": [{"uuid": "a"}]}, "$.data", [{"uuid": "a"}]),               # the matched list stands for its entries
    ({"results": [], "count": 0}, "$.results", []),
    ({"data": {"items": [[1, 2]]}}, "$.data.items[*]", [[1, 2]]),         # [*]: entries that are lists stay entries
    ({"results": [1]}, "$.data[*]", None),                                # nothing there: not a list answer
    ([{"id": 1}], "$[*]", [{"id": 1}]),
])
def test_listed_items_at_a_json_path(body, path, expected):
    assert listed_items(body, path) == expected


@pytest.mark.parametrize(("item", "path", "expected"), [
    ({"id": 7}, "$.id", 7),
    ({"uuid": "5f1c", "id": 3}, "$.uuid", "5f1c"),
    ({"meta": {"pk": 9}}, "$.meta.pk", 9),
    ({"name": "x"}, "$.id", None),
    ({"id": None}, "$.id", None),
    ({"id": {"nested": 1}}, "$.id", None),  # an object is no id to put in a URL
])
def test_item_id(item, path, expected):
    assert item_id(item, path) == expected


def test_json_path_errors_say_why():
    assert json_path_error("$.data[*]") is None
    assert json_path_error("$.data[") and json_path_error('$.a"')


@pytest.mark.parametrize(("status", "wanted", "expected"), [
    (403, 403, []),
    (401, 403, ["GET /x as cashier: rejected with 401, policy wants 403"]),
    (404, 401, ["GET /x as cashier: rejected with 404, policy wants 401"]),
    (200, 403, []),  # not a refusal at all: the matrix check's business, never "rejected"
    (500, 403, []),
])
def test_refusal_conformance_is_titled_by_its_evidence(status, wanted, expected):
    findings = refusal_conformance("GET /x as cashier", status, wanted)
    assert names(findings) == expected
    for finding in findings:
        assert "accept" not in finding.name and finding.found == f"HTTP {status}"


@pytest.mark.parametrize(("attempt", "changed", "owner", "outcome"), [
    (404, [], 200, Outcome.REFUSED),
    (403, [], None, Outcome.REFUSED),
    (401, [], 204, Outcome.REFUSED),
    (200, ["note"], 200, Outcome.ACCEPTED),
    (204, [], None, Outcome.ACCEPTED),            # a 2xx to another user is accepted even if nothing shows
    (403, ["note"], 200, Outcome.ACCEPTED),       # refused on paper, changed in fact
    (404, ["<deleted>"], None, Outcome.ACCEPTED),
    (422, [], 200, Outcome.INCONCLUSIVE),         # the body may have stopped it, not the owner check
    (404, [], 422, Outcome.INCONCLUSIVE),         # the owner's own update was not accepted: no control
    (429, [], 200, Outcome.RATE_LIMITED),
])
def test_judge_foreign_change(attempt, changed, owner, outcome):
    assert judge_foreign_change(attempt, changed, owner_control=owner).outcome is outcome


def test_control_update_changes_nothing():
    current = {"username": "c", "role": "cashier", "display_name": "Asha", "phone": ""}
    privileged = {"role": "admin", "is_admin": True}
    assert control_update_body("PATCH", {"display_name": "x", "nickname": "n"}, current, privileged) == \
        {"display_name": "Asha", "nickname": "n"}  # current values; the sample's only where the read has none
    assert control_update_body("PUT", {"display_name": "x"}, current, privileged) == \
        {"username": "c", "display_name": "Asha", "phone": ""}  # PUT replaces: every unprivileged field
    assert control_update_body("PATCH", None, current, privileged) == {"username": "c", "display_name": "Asha",
                                                                        "phone": ""}


def test_foreign_update_and_its_owner_control():
    current = {"id": 1, "note": "mine", "total": 5}
    assert foreign_update_body("PATCH", {"note": "probe"}, current) == {"note": "probe"}
    assert foreign_update_body("PUT", {"note": "probe"}, current) == {"id": 1, "note": "probe", "total": 5}
    assert owner_no_op_body("PATCH", {"note": "probe"}, current) == {"note": "mine"}
    assert owner_no_op_body("PUT", {"note": "probe"}, current) == current
