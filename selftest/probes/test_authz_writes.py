"""golive.probes.authz: an allowed write cell proven by reaching validation, without writing."""

from __future__ import annotations

import json

import pytest

from golive.probes.authz import (
    UNPARSEABLE_JSON_BODY,
    evaluate_write_cell_by_validation,
    validation_proves_authorization,
)
from golive.probes.findings import names

ENDPOINT = "POST /api/inventory/adjust"


def test_the_probe_body_can_never_parse() -> None:
    with pytest.raises(ValueError):
        json.loads(UNPARSEABLE_JSON_BODY)


@pytest.mark.parametrize(("anonymous", "proves"), [(401, True), (403, True), (202, True), (400, False),
                                                   (422, False), (404, False)])
def test_validation_proves_authorization_only_when_authentication_comes_first(anonymous: int, proves: bool) -> None:
    assert validation_proves_authorization(anonymous) is proves


@pytest.mark.parametrize(("anonymous", "role_status", "expected"), [
    (401, 400, []),
    (401, 422, []),
    (403, 415, []),
    (401, 403, ["role-refused-allowed-endpoint"]),
    (401, 401, ["role-refused-allowed-endpoint"]),
    (401, 202, ["unparseable-body-accepted"]),
    (401, 500, ["write-cell-unexpected-answer"]),
    (401, 404, ["write-cell-unexpected-answer"]),
    (200, 400, ["anonymous-reaches-write-endpoint"]),
])
def test_write_cell_findings(anonymous: int, role_status: int, expected: list[str]) -> None:
    assert names(evaluate_write_cell_by_validation("admin", ENDPOINT, anonymous, role_status)) == expected
