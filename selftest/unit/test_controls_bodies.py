"""golive.controls: a write endpoint that judges the body before the credential is probed again
with a valid body, and only then; the control itself is never sent with it (that would write).
HTTP is an httpx.MockTransport playing a Flask-style API."""

from __future__ import annotations

import json

import httpx

from golive.auth import Credential
from golive.controls import Controls
from golive.http import HttpClient
from golive.probes.control import Outcome
from golive.redaction import Redactor

URL = "http://app.test/api/orders"
GENUINE = Credential.bearer("cashier", "real-token")
FORGED = Credential.bearer("cashier", "forged-token")


class BodyFirstApi:
    """Validates the JSON body first (422), then the token (401), then writes (201)."""

    def __init__(self, *, guard: bool = True, validates_first: bool = True) -> None:
        self.guard, self.validates_first, self.requests = guard, validates_first, []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        authorized = request.headers.get("authorization") == "Bearer real-token" or not self.guard
        if not self.validates_first and not authorized:
            return httpx.Response(401)
        try:
            body = json.loads(request.content)
        except ValueError:
            return httpx.Response(422, json={"detail": "invalid JSON"})
        if not isinstance(body, dict) or "sku" not in body:
            return httpx.Response(422, json={"detail": "sku is required"})
        return httpx.Response(201 if authorized else 401, json={"id": 1} if authorized else {})

    def client(self) -> HttpClient:
        return HttpClient(transport=httpx.MockTransport(self.handle), redactor=Redactor(), retries=0, safety="probe")


def valid() -> dict[str, object]:
    return {"sku": "ASH-250", "quantity": 1}


def sent_bodies(api: BodyFirstApi) -> list[tuple[str | None, bytes]]:
    return [(request.headers.get("authorization"), request.content) for request in api.requests]


def test_without_a_valid_body_a_body_first_endpoint_stays_inconclusive():
    api = BodyFirstApi()
    with api.client() as http:
        judgement, _, _ = Controls().pair(http, "POST", URL, genuine=GENUINE, probe=FORGED)
    assert judgement.outcome is Outcome.INCONCLUSIVE


def test_a_forged_token_with_a_valid_body_is_refused_by_the_guard():
    api = BodyFirstApi()
    with api.client() as http:
        judgement, control, answer = Controls().pair(http, "POST", URL, genuine=GENUINE, probe=FORGED, body=valid)
    assert judgement.outcome is Outcome.REFUSED and answer.status_code == 401 and control.status_code == 422
    # the real credential only ever sent the unparseable body: nothing was written
    assert all(b"ASH-250" not in content for header, content in sent_bodies(api) if header == "Bearer real-token")


def test_a_missing_guard_shows_as_an_accepted_write_with_a_valid_body():
    api = BodyFirstApi(guard=False)
    with api.client() as http:
        judgement, _, answer = Controls().pair(http, "POST", URL, genuine=GENUINE, probe=None, body=valid)
    assert judgement.outcome is Outcome.ACCEPTED and answer.status_code == 201


def test_a_guard_first_endpoint_never_gets_the_valid_body():
    api = BodyFirstApi(validates_first=False)
    made: list[int] = []

    def counted() -> dict[str, object]:
        made.append(1)
        return valid()

    with api.client() as http:
        judgement, _, _ = Controls().pair(http, "POST", URL, genuine=GENUINE, probe=FORGED, body=counted)
    assert judgement.outcome is Outcome.REFUSED and made == []
    assert all(b"ASH-250" not in content for _, content in sent_bodies(api))
