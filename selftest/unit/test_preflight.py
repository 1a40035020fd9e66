"""golive.preflight: every role logs in once before the first check; a failed login stops the run as
one root cause; the credentials reach xdist workers as plain data and come back whole."""

from __future__ import annotations

import json
from dataclasses import astuple

import httpx

from golive.http import HttpClient
from golive.preflight import Preflight, preflight
from golive.profile import Auth
from golive.redaction import Redactor

API = "http://app.test"


def django_like_session_login(request: httpx.Request) -> httpx.Response:
    """A session login: 302 with the session cookie for the right password, the form again (200) otherwise."""
    if request.method == "GET":
        return httpx.Response(200, text="<form><input name='csrfmiddlewaretoken' value='c1'></form>",
                              headers={"set-cookie": "csrftoken=c1; Path=/"})
    if b"password=pw-admin-1" in request.content:
        return httpx.Response(302, headers={"location": "/", "set-cookie": "sessionid=s-admin-77; HttpOnly; Path=/"})
    return httpx.Response(200, text="<form>Please enter a correct username and password.</form>")


def session_auth() -> Auth:
    return Auth.model_validate({
        "login": {"service": "api", "strategy": "session", "path": "/accounts/login/"},
        "credential": {"location": "cookie", "name": "sessionid", "scheme": ""},
        "roles": {"admin": {"username": "admin", "password": "pw-admin-1"},
                  "viewer": {"username": "viewer", "password": "not-the-viewer-password"}},
    })


def run_preflight() -> tuple[Preflight, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return django_like_session_login(request)

    with HttpClient(transport=httpx.MockTransport(handle), redactor=Redactor(), retries=0, safety="readonly") as http:
        return preflight(http, session_auth(), API), sent


def test_every_role_logs_in_once_and_a_failure_is_the_runs_one_root_cause():
    result, sent = run_preflight()
    assert sorted(result.credentials) == ["admin"] and sorted(result.failed) == ["viewer"]
    assert [request.method for request in sent].count("POST") == 2  # one attempt per role, never retried
    assert len(result.login_times) == 2
    stop = result.stop
    assert stop is not None and stop.name == "preflight"
    assert stop.found == result.failed["viewer"].summary and stop.found.startswith("login as viewer failed (")
    assert "--no-preflight" in stop.fix
    table = result.table()
    assert table[0] == "  ✓ login as admin (session): an opaque session cookie"
    assert table[1].startswith("  ✗ login as viewer failed (")
    assert "not-the-viewer-password" not in json.dumps([table, stop.as_json()])


def test_a_preflight_without_failures_stops_nothing_and_seeds_the_checks_cache():
    result = Preflight()
    assert result.stop is None and result.issued() == {}


def test_credentials_travel_to_workers_as_plain_data_and_come_back_whole():
    result, _ = run_preflight()
    wire = json.loads(json.dumps(result.to_wire()))  # what a worker's start-up message can carry
    back = Preflight.from_wire(wire)
    assert astuple(back.credentials["admin"]) == astuple(result.credentials["admin"])  # eq=False: compare fields
    assert back.failed == result.failed and back.login_times == result.login_times
    request = httpx.Request("GET", f"{API}/api/notes/")
    sent = next(back.credentials["admin"].auth_flow(request))
    assert "sessionid=s-admin-77" in sent.headers["cookie"]


def test_each_worker_counts_its_share_of_the_preflights_logins():
    result = Preflight(login_times=[1.0, 2.0, 3.0, 4.0, 5.0])
    assert result.login_times_for_one_of(1) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert result.login_times_for_one_of(2) == [3.0, 4.0, 5.0]
    assert Preflight().login_times_for_one_of(4) == []
