"""Input probes against fixed vectors: validation, reflection, redirects, ReDoS, SQL, errors, uploads."""

import socket
import threading

import httpx
import pytest

from golive.probes import errors, injection, inputs, share_links, uploads
from golive.probes.findings import names


def test_validation_cases_cover_valid_and_invalid_values():
    cases = inputs.validation_cases(["phone"], ["email"])
    assert {c.value for c in cases if c.should_accept} == {*inputs.VALID_PHONES, *inputs.VALID_EMAILS}
    assert all(c.field == "phone" for c in cases if c.value in inputs.INVALID_PHONES)


@pytest.mark.parametrize("accept, status, expected", [
    (True, 200, []), (True, 422, ["validation-rejects-valid-value"]),
    (False, 422, []), (False, 400, []), (False, 200, ["validation-accepts-invalid-value"]),
    (False, 500, ["validation-server-error"]),
])
def test_evaluate_validation(accept, status, expected):
    case = inputs.ValidationCase("phone", "+919876543210" if accept else "12345", accept)
    assert names(inputs.evaluate_validation(case, status)) == expected


def test_reflection_only_counts_raw_payloads_in_html():
    payload = inputs.xss_payloads("m1")[0]
    assert names(inputs.evaluate_reflection(payload, 200, "text/html; charset=utf-8", f"<h1>{payload}</h1>")) == [
        "xss-reflected"]
    encoded = payload.replace("<", "&lt;").replace(">", "&gt;")
    assert inputs.evaluate_reflection(payload, 200, "text/html", f"<h1>{encoded}</h1>") == []
    assert inputs.evaluate_reflection(payload, 200, "application/json", f'{{"q": "{payload}"}}') == []


@pytest.mark.parametrize("location, expected", [
    ("/admin/", []), ("https://shop.example/x", []), (None, []),
    ("https://golive-redirect.example/", ["open-redirect"]), ("//golive-redirect.example/", ["open-redirect"]),
    ("/\\golive-redirect.example/", ["open-redirect"]), ("javascript:alert(1)", ["open-redirect"]),
])
def test_evaluate_redirect(location, expected):
    request_url = "https://shop.example/auth/redirect?next=x"
    assert names(inputs.evaluate_redirect(request_url, "x", 302, location)) == expected


def test_redirect_payloads_name_a_foreign_host():
    assert all(inputs.EVIL_HOST in p for p in inputs.redirect_payloads("shop.example"))


def test_redos_inputs_grow_and_near_miss():
    values = inputs.redos_inputs(range(12, 15))
    assert values[:3] == ["A" * 12 + "!", "A" * 13 + "!", "A" * 14 + "!"]
    assert names(inputs.evaluate_duration("A!", 1500, 1000)) == ["slow-pathological-input"]
    assert inputs.evaluate_duration("A!", 20, 1000) == []


# --- error bodies ----------------------------------------------------------------------------------

LEAKS = {
    "error-shows-stack-trace": 'Traceback (most recent call last):\n  File "/srv/app.py", line 3, in f',
    "error-shows-sql": '{"detail": "OperationalError: near \\"x\\": syntax error"}',
    "error-shows-debugger": "<title>Werkzeug Debugger</title>",
    "error-shows-internal-path": "error in /usr/lib/python3.11/json/decoder.py",
}


@pytest.mark.parametrize("name", LEAKS)
def test_leaks_are_named(name):
    assert name in names(errors.evaluate_error_body(500, LEAKS[name]))


def test_ordinary_errors_and_successes_are_clean():
    assert errors.evaluate_error_body(422, '{"detail":[{"loc":["body","phone"],"msg":"phone must be E.164"}]}') == []
    assert errors.evaluate_error_body(500, '{"detail":"Internal Server Error"}') == []
    assert errors.evaluate_error_body(200, LEAKS["error-shows-sql"]) == []  # data, not an error page


def test_java_and_node_traces():
    java = "java.lang.NullPointerException\n\tat com.shop.OrderService.find(OrderService.java:42)"
    node = "TypeError: x is undefined\n    at Object.<anonymous> (/srv/app/index.js:10:5)"
    assert "error-shows-stack-trace" in names(errors.evaluate_error_body(500, java))
    assert "error-shows-stack-trace" in names(errors.evaluate_error_body(500, node))


# --- SQL injection ---------------------------------------------------------------------------------

def seen(status=200, text="[]", elapsed=0.01):
    return injection.Observation(status, text, elapsed, "GET /search")


def test_error_probe():
    assert injection.evaluate_error_probe("'", seen()) == []
    leaked = seen(500, '{"detail":"OperationalError: unrecognized token: \\"\'\\""}')
    assert names(injection.evaluate_error_probe("'", leaked)) == ["error-shows-sql", "sql-injection-server-error"]


def test_boolean_probe_compares_data_not_formatting():
    true_payload, false_payload = injection.BOOLEAN_PAIRS[0]
    assert injection.evaluate_boolean_probe(true_payload, false_payload, seen(text="[]"), seen(text=" [ ] ")) == []
    differs = injection.evaluate_boolean_probe(true_payload, false_payload, seen(text='[{"sku":"A"}]'), seen())
    assert names(differs) == ["sql-injection-boolean"]


def test_time_probe_against_baseline():
    payload = injection.TIME_PAYLOADS[0]
    assert injection.evaluate_time_probe(payload, seen(elapsed=0.4), baseline_s=0.3) == []
    assert names(injection.evaluate_time_probe(payload, seen(elapsed=2.3), baseline_s=0.2)) == ["sql-injection-time"]


def test_payload_packs_are_bounded():
    assert injection.SLEEP_S <= 3
    assert all(str(injection.SLEEP_S) in p or "RANDOMBLOB" in p for p in injection.TIME_PAYLOADS)
    assert all(t != f for t, f in injection.BOOLEAN_PAIRS)


# --- uploads -----------------------------------------------------------------------------------------

def test_trickle_body_stops_at_its_cap():
    body = uploads.TrickleBody(max_bytes=200 * 1024, pause_s=0)
    with pytest.raises(uploads.BodyNotRefused):
        list(body)
    assert body.sent == 200 * 1024


@pytest.fixture
def refusing_server():
    """A 127.0.0.1 server that answers 413 from the request headers and closes, like nginx's
    client_max_body_size; ``reading=True`` makes it read the body forever instead."""
    servers = []

    def start(reading=False):
        listener = socket.create_server(("127.0.0.1", 0))
        servers.append(listener)

        def serve():
            connection, _ = listener.accept()
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += connection.recv(4096)
                if reading:
                    while connection.recv(65536):
                        pass
                    return
                connection.sendall(b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}/upload"

    yield start
    for listener in servers:
        listener.close()


def test_an_early_413_is_read_without_sending_the_body(refusing_server):
    url = refusing_server()
    body = uploads.TrickleBody(max_bytes=8 << 20)
    with httpx.Client(timeout=10) as client:
        response = client.post(url, content=body, headers={"Content-Length": str(uploads.declared_size(100))})
    assert response.status_code == 413
    assert body.sent < 8 << 20
    assert uploads.evaluate_upload(response.status_code, body.sent, uploads.declared_size(100), 100) == []


def test_a_server_that_keeps_reading_hits_the_cap(refusing_server):
    url = refusing_server(reading=True)
    body = uploads.TrickleBody(max_bytes=1 << 20, pause_s=0)
    with httpx.Client(timeout=10) as client, pytest.raises(uploads.BodyNotRefused):
        client.post(url, content=body, headers={"Content-Length": str(uploads.declared_size(100))})
    assert body.sent == 1 << 20


def test_evaluate_upload():
    declared = uploads.declared_size(100)
    assert declared > 100 * 1024 * 1024
    assert names(uploads.evaluate_upload(None, 8 << 20, declared, 100)) == ["upload-limit-not-enforced"]
    assert names(uploads.evaluate_upload(200, 8 << 20, declared, 100)) == ["upload-limit-wrong-status"]


# --- share links -------------------------------------------------------------------------------------

def test_share_link_token_format_fixed_vector():
    token = share_links.sign_link_token("s3cret", "p1", 1_900_000_000)
    assert token == ("eyJzdWIiOiJwMSIsImV4cCI6MTkwMDAwMDAwMH0."
                     "by0SXg9F3KqrmkEZWYUqM-3NC1IUTUweLjTe3wxNTqM")  # openssl dgst -sha256 -hmac


def test_forgeries_and_their_judgement():
    token = share_links.sign_link_token("s3cret", "p1", 1_900_000_000)
    forged = share_links.forgeries(token, "s3cret", now=1_800_000_000)
    assert set(forged) == {"unsigned", "empty-signature", "tampered", "truncated-signature", "expired"}
    assert all(value != token for value in forged.values())
    assert "expired" not in share_links.forgeries(token, None)
    assert names(share_links.evaluate_forgery("expired", 200)) == ["share-link-never-expires"]
    assert names(share_links.evaluate_forgery("tampered", 200)) == ["share-link-signature-not-checked"]
    assert share_links.evaluate_forgery("tampered", 403) == []


def test_token_in_url():
    assert share_links.token_of("https://x.example/t/abc.def") == "abc.def"
    assert share_links.with_token("https://x.example/t/abc.def", "zzz") == "https://x.example/t/zzz"


@pytest.mark.parametrize(("location", "method_body", "expected"), [
    ("query", None, {"params": {"page": "2", "q": "X"}}),
    ("path", None, {"params": {"page": "2"}}),
    ("header", None, {"params": {"page": "2"}, "headers": {"q": "X"}}),
    ("body", {"name": "Asha", "q": "tea"}, {"params": {"page": "2"}, "json": {"name": "Asha", "q": "X"}}),
    ("form", {"name": "Asha"}, {"params": {"page": "2"}, "data": {"name": "Asha", "q": "X"}}),
    ("body", None, {"params": {"page": "2"}, "json": {"q": "X"}}),  # a body of just the probed field
])
def test_place_value_sets_one_parameter_where_it_travels(location, method_body, expected):
    parts = inputs.place_value("/orgs/{org}/items/{q}", location, "q", "X", path_values={"org": "acme", "q": "1"},
                               query={"page": "2"}, body=method_body)
    assert parts.path == ("/orgs/acme/items/X" if location == "path" else "/orgs/acme/items/1")
    assert parts.as_kwargs() == expected


def test_place_value_keeps_the_sample_body_a_form_when_the_target_posts_forms():
    parts = inputs.place_value("/login", "query", "next", "/x", body={"user": "a"}, form=True)
    assert parts.as_kwargs() == {"params": {"next": "/x"}, "data": {"user": "a"}}
    with pytest.raises(ValueError, match="unknown parameter location"):
        inputs.place_value("/x", "cookie", "q", "X")


@pytest.mark.parametrize(("status", "proves"), [(200, True), (204, True), (302, True), (400, False), (401, False),
                                                (404, False), (422, False), (500, False)])
def test_a_probe_counts_only_beside_a_normal_control(status, proves):
    problem = inputs.control_failure("GET /search query q", "golive", status)
    assert (problem is None) is proves
    if problem:
        assert f"HTTP {status}" in problem and "'golive'" in problem and "prove nothing" in problem
