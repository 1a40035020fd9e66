"""golive.probes.login_answer: why a login gave no credential, from its answer alone."""

import json

from golive.probes.login_answer import diagnose, lookup, missing_fields

FIELDS = dict(token_field="access_token", username_field="username", password_field="password")


def answer(strategy, status, body="", content_type="application/json", cookies=(), location=""):  # type: ignore[no-untyped-def]
    return diagnose(strategy, status, body_text=body, content_type=content_type, set_cookies=list(cookies),
                    location=location, **FIELDS)


def test_fastapi_form_fields_missing_for_a_json_body_asks_for_a_form():
    body = json.dumps({"detail": [{"type": "missing", "loc": ["body", "username"], "msg": "Field required"},
                                  {"type": "missing", "loc": ["body", "password"], "msg": "Field required"}]})
    diagnosis = answer("json", 422, body)
    assert diagnosis.summary == "HTTP 422: body fields missing (username, password) — does the endpoint want a form?"
    assert "strategy: form" in diagnosis.fix


def test_drf_required_fields_are_named():
    assert missing_fields(json.dumps({"email": ["This field is required."]})) == ["email"]


def test_a_302_with_a_cookie_suggests_the_session_strategy():
    diagnosis = answer("form", 302, cookies=["sessionid=abc; HttpOnly"], location="/dashboard")
    assert diagnosis.summary == "HTTP 302 to /dashboard with a session cookie (sessionid)"
    assert "strategy: session" in diagnosis.fix


def test_401_is_the_credentials():
    assert answer("json", 401, '{"detail":"bad"}').summary == "HTTP 401: the credentials were refused"


def test_csrf_refusal_is_recognised():
    assert answer("session", 403, "<p>CSRF verification failed.</p>", "text/html").summary == \
        "HTTP 403: CSRF verification failed"


def test_a_200_without_the_token_names_the_keys_it_has():
    diagnosis = answer("json", 200, json.dumps({"data": {"access_token": "x", "expires": 1}}))
    assert diagnosis.summary == "HTTP 200 without 'access_token' in the answer (keys: data.{access_token, expires})"
    assert "data.access_token" in diagnosis.fix


def test_a_page_instead_of_a_token():
    assert "not a JSON token answer" in answer("json", 200, "<html>", "text/html").summary


def test_lookup_follows_dotted_paths():
    assert lookup({"data": {"access_token": "t"}}, "data.access_token") == "t"
    assert lookup({"data": []}, "data.access_token") is None
    assert lookup({"items": [{"id": 7}]}, "items.0.id") == 7
