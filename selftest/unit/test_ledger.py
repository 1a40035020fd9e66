"""The compensation ledger: what is recorded, what counts as undone, what cleanup replays."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from golive.http import HttpClient
from golive.ledger import Ledger, Undo, run_tag, run_undos
from golive.redaction import MASK, Redactor


def client(handler) -> HttpClient:  # type: ignore[no-untyped-def]
    return HttpClient(transport=httpx.MockTransport(handler), safety="mutating", retries=0)


def test_pending_is_what_was_created_and_not_undone_newest_first(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    first, second, third = (Undo(f"delete order {n}", "DELETE", f"http://127.0.0.1:9/orders/{n}") for n in (1, 2, 3))
    for undo in (first, second, third):
        ledger.created(undo)
    ledger.settled(second, done=True, outcome="HTTP 204")
    ledger.settled(third, done=False, outcome="HTTP 500")
    assert [undo.description for undo in ledger.pending()] == ["delete order 3", "delete order 1"]


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
    assert [undo.description for undo in ledger.pending()] == ["cancel order 2"]


def test_an_unreachable_target_is_a_problem_not_a_crash(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    undo = Undo("restock", "POST", "http://127.0.0.1:9/stock")
    ledger.created(undo)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with client(refuse) as http:
        problems = run_undos(ledger, [undo], lambda u: http.request(u.method, u.url, intent="write").status_code)
    assert len(problems) == 1 and problems[0].startswith("restock: POST http://127.0.0.1:9/stock failed")
    assert ledger.pending() == [undo]


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
    problems = run_undos(ledger, ledger.pending(), lambda undo: sent.append(undo) or 204, masked=MASK)
    assert sent == [] and problems[0].startswith("delete test family: its request held a credential")
    assert len(ledger.pending()) == 1
