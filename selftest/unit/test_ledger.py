"""The compensation ledger: what is recorded, what counts as undone, what cleanup replays."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import httpx

from golive.http import HttpClient
from golive.cleanup import Replayer, Target
from golive.ledger import (LEAVE_VARIABLE, Intent, Ledger, Sweep, Undo, creates_of_run, run_tag, run_undos, s3_target,
                           s3_url, selftest_leaves)
from golive.redaction import MASK, Redactor


def client(handler) -> HttpClient:  # type: ignore[no-untyped-def]
    return HttpClient(transport=httpx.MockTransport(handler), safety="mutating", retries=0)


def test_pending_is_what_was_created_and_not_undone_newest_first(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    first, second, third = (Undo(f"delete order {n}", "DELETE", f"http://127.0.0.1:9/orders/{n}") for n in (1, 2, 3))
    for undo in (first, second, third):
        ledger.created(undo)
    ledger.settled(second.id, done=True, outcome="HTTP 204")
    ledger.settled(third.id, done=False, outcome="HTTP 500")
    assert [item.description for item in ledger.pending()] == ["delete order 3", "delete order 1"]


def test_undos_run_and_failures_are_named(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        return httpx.Response(204 if request.url.path.endswith("/1") else 409)

    undos = [Undo("cancel order 1", "POST", "http://127.0.0.1:9/orders/1"),
             Undo("cancel order 2", "POST", "http://127.0.0.1:9/orders/2")]
    for undo in undos:
        ledger.created(undo)
    with client(handler) as http:
        problems = run_undos(ledger, undos, lambda u: http.request(u.method, u.url, intent="write").status_code)
    assert seen == ["POST /orders/1", "POST /orders/2"]
    assert problems == ["cancel order 2: POST http://127.0.0.1:9/orders/2 answered HTTP 409, "
                        "expected one of [200, 201, 202, 204, 404]"]
    assert [item.description for item in ledger.pending()] == ["cancel order 2"]


def test_an_unreachable_target_is_a_problem_not_a_crash(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    undo = Undo("restock", "POST", "http://127.0.0.1:9/stock")
    ledger.created(undo)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with client(refuse) as http:
        problems = run_undos(ledger, [undo], lambda u: http.request(u.method, u.url, intent="write").status_code)
    assert len(problems) == 1 and problems[0].startswith("restock: POST http://127.0.0.1:9/stock failed")
    assert [item.undo for item in ledger.pending()] == [undo]


def test_concurrent_writers_keep_every_line(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: ledger.created(Undo(f"undo {n}", "DELETE", f"http://127.0.0.1:9/{n}")), range(200)))
    assert len(ledger.pending()) == 200


def test_the_run_tag_is_shared_through_the_environment(monkeypatch):
    monkeypatch.delenv("GOLIVE_RUN_TAG", raising=False)
    tag = run_tag()
    assert tag.startswith("golive-") and run_tag() == tag


def test_the_file_is_redacted_and_a_masked_undo_is_named_not_sent(tmp_path):
    signed = "http://127.0.0.1:9/mytracker/eyJzdWIiOiIrOTE5OTkifQ.c2lnbmF0dXJl/data"
    ledger = Ledger(tmp_path / "ledger.jsonl", redact=Redactor(["eyJzdWIiOiIrOTE5OTkifQ.c2lnbmF0dXJl"]).text)
    ledger.created(Undo("delete test family", "DELETE", signed))
    assert "c2lnbmF0dXJl" not in ledger.path.read_text()
    sent: list[Undo] = []
    problems = run_undos(ledger, [item.undo for item in ledger.pending() if item.undo],
                         lambda undo: sent.append(undo) or 204, masked=MASK)
    assert sent == [] and problems[0].startswith("delete test family: its request held a credential")
    assert len(ledger.pending()) == 1


def test_an_intent_without_its_id_is_swept_and_with_it_the_exact_undo_is_pending(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    sweep = Sweep("http://127.0.0.1:9/orders?receipt=golive-x-1", "DELETE", "http://127.0.0.1:9/orders/{id}", "admin")
    answered = Intent("cancel test order (receipt golive-x-1)", "prod", "api", tag="golive-x", sweep=sweep)
    lost = Intent("cancel test order (receipt golive-x-2)", "prod", "api", tag="golive-x", sweep=sweep)
    for intent in (answered, lost):
        ledger.intent(intent)
    ledger.created(Undo("cancel test order 7", "DELETE", "http://127.0.0.1:9/orders/7", "admin",
                        env="prod", service="api", id=answered.id))
    first, second = ledger.pending()
    assert (first.intent_id, first.sweep, first.undo) == (lost.id, sweep, None)
    assert second.intent_id == answered.id and second.undo and second.undo.url.endswith("/orders/7")
    assert second.sweep is None


def test_an_intent_with_a_known_key_carries_its_undo(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    undo = Undo("delete upload", "DELETE", s3_url("media", "golive-checks/golive-x.pdf"), env="prod", service="storage")
    ledger.intent(Intent(undo.description, "prod", "storage", undo=undo, id=undo.id))
    assert [item.undo for item in ledger.pending()] == [undo]
    assert s3_target(undo.url) == ("media", "golive-checks/golive-x.pdf", None)


def test_undos_go_only_to_the_services_and_bucket_of_the_env_that_recorded_them():
    target = Target("prod", {"api": "https://api.example.com", "admin": "https://example.com:8443/admin"},
                    frozenset({"media"}))
    assert target.refusal("prod", "api", "https://api.example.com:443/orders/1") is None
    assert target.refusal("prod", "admin", "https://example.com:8443/other") is None
    assert target.refusal("prod", "storage", "s3://media/golive-checks/x.pdf") is None
    assert target.refusal("staging", "api", "https://api.example.com/orders/1") == "recorded by env 'staging', not 'prod'"
    assert target.refusal("prod", "api", "http://api.example.com/orders/1") == (
        "http://api.example.com/orders/1 is not on service api of env 'prod' (https://api.example.com:443)")
    assert target.refusal("prod", "api", "https://api.example.com:444/orders/1") is not None
    assert target.refusal("prod", "api", "https://api.example.com.evil.test/orders/1") is not None
    assert target.refusal("prod", "mail", "https://api.example.com/orders/1") == "service 'mail' is not a service of env 'prod'"
    assert target.refusal("prod", "storage", "s3://other-bucket/x") == "bucket 'other-bucket' is not one of env 'prod''s buckets"
    assert target.service_of("https://api.example.com/x") == "api" and target.service_of("https://evil.test/") == ""


def test_a_refused_undo_is_never_sent_and_the_rest_still_runs(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    target = Target("prod", {"api": "http://127.0.0.1:9"})
    ours = Undo("cancel order 1", "DELETE", "http://127.0.0.1:9/orders/1", "admin", env="prod", service="api")
    foreign = Undo("cancel order 2", "DELETE", "http://127.0.0.1:10/orders/2", "admin", env="prod", service="api")
    for undo in (ours, foreign):
        ledger.created(undo)
    sent, logins = [], []

    def send(method, url, headers, body):  # type: ignore[no-untyped-def]
        sent.append((method, url, headers))
        return 204, None

    problems = Replayer(target, send, lambda role: logins.append(role) or {"Authorization": "Bearer token-of-" + role}).run(ledger, ledger.pending())
    assert sent == [("DELETE", "http://127.0.0.1:9/orders/1", {"Authorization": "Bearer token-of-admin"})]
    assert problems == ["cancel order 2: refused, http://127.0.0.1:10/orders/2 is not on service api of env 'prod' "
                        "(http://127.0.0.1:9)"]
    assert [item.description for item in ledger.pending()] == ["cancel order 2"]


def test_a_sweep_undoes_what_its_listing_finds_and_settles_the_intent(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    sweep = Sweep("http://127.0.0.1:9/orders?receipt=golive-x-1", "DELETE", "http://127.0.0.1:9/orders/{id}", "admin")
    ledger.intent(Intent("cancel test order", "prod", "api", tag="golive-x", sweep=sweep))
    sent = []

    def send(method, url, headers, body):  # type: ignore[no-untyped-def]
        sent.append(f"{method} {url}")
        return (200, {"items": [{"id": "order_1"}]}) if method == "GET" else (204, None)

    problems = Replayer(Target("prod", {"api": "http://127.0.0.1:9"}), send, lambda role: {"Authorization": "Bearer t"}).run(ledger, ledger.pending())
    assert problems == []
    assert sent == ["GET http://127.0.0.1:9/orders?receipt=golive-x-1", "DELETE http://127.0.0.1:9/orders/order_1"]
    assert ledger.pending() == []


def test_a_sweep_with_a_match_undoes_only_the_objects_holding_its_values(tmp_path):
    """A list that ignores its filter answers everyone's objects: the sweep removes only its own."""
    ledger = Ledger(tmp_path / "ledger.jsonl")
    sweep = Sweep("http://127.0.0.1:9/accounts?username=golive-x-7", "DELETE", "http://127.0.0.1:9/accounts/{id}",
                  "admin", match=(("username", "golive-x-7"),))
    ledger.intent(Intent("delete the signed-up account", "prod", "api", tag="golive-x", sweep=sweep))
    assert ledger.pending()[0].sweep == sweep  # read back from the file as it was written
    sent = []

    def send(method, url, headers, body):  # type: ignore[no-untyped-def]
        sent.append(f"{method} {url}")
        everyone = [{"id": 1, "username": "asha"}, {"id": 2, "username": "golive-x-7"}, {"id": 3, "username": "ravi"}]
        return (200, everyone) if method == "GET" else (204, None)

    problems = Replayer(Target("prod", {"api": "http://127.0.0.1:9"}), send,
                        lambda role: {"Authorization": "Bearer t"}).run(ledger, ledger.pending())
    assert problems == []
    assert sent == ["GET http://127.0.0.1:9/accounts?username=golive-x-7", "DELETE http://127.0.0.1:9/accounts/2"]


def test_a_signed_link_undo_asks_for_a_fresh_link_and_never_follows_one_outside_the_env(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    target = Target("prod", {"api": "http://127.0.0.1:9"})
    family = Undo("delete test family +919800000042", "DELETE", "/data", env="prod", service="api",
                  subject="+919800000042")
    ledger.intent(Intent(family.description, "prod", "api", undo=family, id=family.id))
    sent = []

    def send(method, url, headers, body):  # type: ignore[no-untyped-def]
        sent.append(f"{method} {url}")
        return 204, None

    links = {"+919800000042": "http://127.0.0.1:9/mytracker/eyJzdWIiOiIrOTE5In0.c2ln"}
    assert Replayer(target, send, lambda role: {"Authorization": "Bearer t"}, link_for=links.__getitem__).run(ledger, ledger.pending()) == []
    assert sent == ["DELETE http://127.0.0.1:9/mytracker/eyJzdWIiOiIrOTE5In0.c2ln/data"]

    ledger.intent(Intent(family.description, "prod", "api", undo=replace(family, id="2" * 32), id="2" * 32))
    elsewhere = {"+919800000042": "http://127.0.0.1:10/mytracker/eyJzdWIiOiIrOTE5In0.c2ln"}
    problems = Replayer(target, send, lambda role: {"Authorization": "Bearer t"}, link_for=elsewhere.__getitem__).run(ledger, ledger.pending())
    assert len(sent) == 1 and "is not on service api of env 'prod'" in problems[0]


def test_a_runs_creates_count_only_its_own_tag(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    undone = Undo("delete product p-1", "DELETE", "http://127.0.0.1:9/products/p-1", tag="run-a")
    ledger.intent(Intent(undone.description, "local", "api", tag="run-a", undo=undone, id=undone.id))
    ledger.settled(undone.id, done=True, outcome="HTTP 204")
    refused = Intent("cancel order of buyer", "local", "api", tag="run-a")
    ledger.intent(refused)
    ledger.settled(refused.id, done=True, outcome="not created: HTTP 422")
    unanswered = Intent("cancel order of vendor", "local", "api", tag="run-a")
    ledger.intent(unanswered)
    ledger.intent(Intent("another run's order", "local", "api", tag="run-b"))
    creates = creates_of_run(ledger, "run-a")
    assert (creates.announced, creates.undone, creates.not_created) == (3, 1, 1)
    assert [item.description for item in creates.left] == ["cancel order of vendor"]
    assert creates.as_json()["left"] == [{"description": "cancel order of vendor", "env": "local", "service": "api",
                                          "answered": False}]
    assert creates.problems("local") == [
        "1 create of this run got no answer, so the target may hold it (cancel order of vendor): run "
        "`golive cleanup --env local`, which looks for them"]


def test_a_create_whose_undo_did_not_go_through_is_left_for_sure(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    undo = Undo("delete product p-2", "DELETE", "http://127.0.0.1:9/products/p-2", tag="run-a", env="local",
                service="api")
    ledger.intent(Intent(undo.description, "local", "api", tag="run-a", undo=undo, id=undo.id))
    ledger.settled(undo.id, done=False, outcome="HTTP 500")
    assert creates_of_run(ledger, "run-a").problems("local") == [
        "this run left 1 thing it created on the target (delete product p-2): run `golive cleanup --env local`"]


def test_the_selftest_leave_switch_keeps_intents_and_drops_what_a_crash_would_not_have_written(tmp_path, monkeypatch):
    sweep = Sweep("http://127.0.0.1:9/orders?receipt=golive-x-1", "DELETE", "http://127.0.0.1:9/orders/{id}", "admin")
    intent = Intent("cancel test order (receipt golive-x-1)", "prod", "api", tag="golive-x", sweep=sweep)
    undo = Undo("cancel test order 7", "DELETE", "http://127.0.0.1:9/orders/7", "admin", env="prod", service="api",
                id=intent.id)
    for leave, events in (("", ["intent", "created"]), ("undos", ["intent", "created"]), ("created", ["intent"])):
        monkeypatch.setenv(LEAVE_VARIABLE, leave)
        ledger = Ledger(tmp_path / f"ledger-{leave}.jsonl")
        ledger.intent(intent)
        ledger.created(undo)
        assert [entry["event"] for entry in ledger.entries()] == events
        assert selftest_leaves("undos") is bool(leave)
