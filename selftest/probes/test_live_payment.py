"""The live Rs 1 payment: the bounded waits (on a fake clock), each link of the chain judged, the
reconciliation table, the QR code, and settling a payment link (refund if paid, else cancel)."""

from __future__ import annotations


import httpx
import pytest
import respx

from golive.cleanup import Replayer, Target
from golive.http import HttpClient
from golive.ledger import SETTLE_PAYMENT_LINK, Intent, Ledger, Sweep, Undo
from golive.probes.findings import names
from golive.probes.live_payment import (
    ChainRecord,
    chain_findings,
    checkout_chain_findings,
    event_findings,
    link_payment_id,
    poll,
    qr_code,
    reconciliation_markdown,
    reconciliation_rows,
)
from golive.profile_integrations import Razorpay
from golive.providers.razorpay import RazorpayClient, link_lister

API = "https://api.razorpay.com/v1"


class FakeClock:
    """Time that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now, self.sleeps = 0.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_poll_returns_as_soon_as_the_state_is_reached():
    clock, reads = FakeClock(), iter([{"status": "created"}, {"status": "created"}, {"status": "paid"}])
    polled = poll(lambda: next(reads), lambda link: link["status"] == "paid", 600, 2, clock=clock, sleep=clock.sleep)
    assert polled.reached and polled.value == {"status": "paid"} and clock.sleeps == [2, 2]


def test_poll_gives_up_at_the_window_with_the_last_value_read():
    clock = FakeClock()
    polled = poll(lambda: {"status": "created"}, lambda link: False, 5, 2, clock=clock, sleep=clock.sleep)
    assert not polled.reached and polled.waited_s == 5 and clock.sleeps == [2, 2, 1]


def test_a_link_is_paid_once_a_payment_is_on_it():
    assert link_payment_id({"status": "created", "payments": None}) is None
    assert link_payment_id({"status": "paid", "payments": [{"payment_id": "pay_1", "status": "captured"}]}) == "pay_1"


def test_events_are_judged_applied_exactly_once():
    assert event_findings([{"id": "evt_1", "event": "payment.captured"}], "payment.captured") == []
    assert names(event_findings([], "refund.processed")) == ["refund.processed-not-processed"]
    twice = event_findings([{"id": "evt_1", "event": "payment.captured"}] * 2, "payment.captured")
    assert names(twice) == ["payment.captured-processed-2-times"] and "evt_1, evt_1" in twice[0].found


def healthy_record(**changes) -> ChainRecord:  # type: ignore[no-untyped-def]
    events = [{"id": "evt_c", "event": "payment.captured", "received_at": 1764770000},
              {"id": "evt_r", "event": "refund.processed", "received_at": 1764770009}]
    notes = [{"channel": c, "template": "order_paid", "status": "accepted",
              "provider_message_id": "wamid.X" if c == "whatsapp" else "m1"} for c in ("email", "whatsapp")]
    record = ChainRecord(
        checkout={"razorpay_order_id": "order_Sys", "amount": 100},
        link={"id": "plink_1", "amount": 100, "status": "paid", "created_at": 1764769990},
        payment_id="pay_1",
        captured_at_razorpay={"id": "pay_1", "status": "captured", "captured": True, "amount": 100},
        order_after_payment={"id": 7, "status": "paid", "total_paise": 100},
        system_refund_status=200, refunded_directly={},
        order_final={"id": 7, "status": "refunded", "total_paise": 100},
        system_payment_final={"razorpay_payment_id": "pay_1", "amount": 100, "status": "refunded",
                              "refund_id": "rfnd_1", "webhook_events": events},
        razorpay_payment_final={"id": "pay_1", "status": "refunded", "amount": 100, "amount_refunded": 100,
                                "created_at": 1764769995},
        notifications=notes)
    for name, value in changes.items():
        setattr(record, name, value)
    return record


def broken_links(record: ChainRecord) -> list[str]:
    return [link for link, findings in chain_findings(record, 100, ["email", "whatsapp"]) if findings]


def test_a_healthy_chain_has_no_broken_link():
    assert broken_links(healthy_record()) == []


def test_each_broken_link_is_named_in_the_order_money_moves():
    assert broken_links(healthy_record(captured_at_razorpay={"id": "pay_1", "status": "authorized", "amount": 100,
                                                             "captured": False})) == ["capture seen at Razorpay"]
    assert broken_links(healthy_record(order_after_payment={"id": 7, "status": "created"})) == [
        "the order paid in the system"]
    assert broken_links(healthy_record(notifications=[])) == ["the customer notified"]
    refused = healthy_record(system_refund_status=502, refunded_directly={"id": "rfnd_golive", "amount": 100})
    assert broken_links(refused) == ["the refund issued through the system"]
    assert "refunded at Razorpay by golive instead: rfnd_golive" in chain_findings(refused, 100, ["email"])[4][1][0].found
    record = healthy_record()
    record.system_payment_final = {**record.system_payment_final,
                                   "webhook_events": record.system_payment_final["webhook_events"][:1]}
    assert broken_links(record) == ["refund.processed received"]


def test_the_reconciliation_table_lays_every_record_side_by_side():
    rows = reconciliation_rows(healthy_record(refunded_directly={"id": "rfnd_golive", "amount": 100,
                                                                 "status": "processed"}))
    assert [row[0] for row in rows] == ["order (system)", "Razorpay order (system checkout)", "payment link",
                                        "payment (Razorpay)", "payment (system)", "refund (system)",
                                        "refund (golive, at Razorpay)", "webhook payment.captured",
                                        "webhook refund.processed"]
    assert rows[3] == ("payment (Razorpay)", "pay_1", "1.00", "refunded", "2025-12-03 13:53:15 UTC")
    table = reconciliation_markdown(rows)
    assert table.startswith("| record | id | amount (Rs) | status | time |\n|---|---|---|---|---|\n")
    assert "| webhook refund.processed | evt_r |  | processed |" in table


def test_rows_of_steps_that_never_happened_are_left_out():
    record = ChainRecord({"razorpay_order_id": "order_Sys", "amount": 100}, {"id": "plink_1", "amount": 100}, "pay_1")
    assert [row[0] for row in reconciliation_rows(record)] == ["Razorpay order (system checkout)", "payment link"]


def test_the_link_is_drawn_as_a_qr_code_for_the_terminal_and_the_report():
    terminal_code, svg = qr_code("https://rzp.io/i/abc")
    assert any(block in terminal_code for block in "█▀▄") and svg.lstrip().startswith("<?xml")


# --- settling a payment link: the ledger's undo -------------------------------------------------------

def razorpay_client(http: HttpClient) -> RazorpayClient:
    return RazorpayClient(http, Razorpay(base_url=API, key_id="rzp_live_k", key_secret="s3cret"))


@respx.mock
def test_an_unpaid_link_is_cancelled():
    respx.get(f"{API}/payment_links/plink_1").mock(return_value=httpx.Response(200, json={
        "id": "plink_1", "status": "created", "payments": None}))
    cancel = respx.post(f"{API}/payment_links/plink_1/cancel").mock(return_value=httpx.Response(200, json={}))
    with HttpClient(safety="money", retries=0) as http:
        assert razorpay_client(http).settle_payment_link("plink_1", "golive-x") == 200
    assert cancel.called


@respx.mock
def test_a_paid_link_is_refunded_for_what_is_left():
    respx.get(f"{API}/payment_links/plink_1").mock(return_value=httpx.Response(200, json={
        "id": "plink_1", "status": "paid", "payments": [{"payment_id": "pay_1"}]}))
    respx.get(f"{API}/payments/pay_1").mock(return_value=httpx.Response(200, json={
        "id": "pay_1", "status": "captured", "amount": 100, "amount_refunded": 0}))
    refund = respx.post(f"{API}/payments/pay_1/refund").mock(return_value=httpx.Response(200, json={"id": "rfnd_1"}))
    with HttpClient(safety="money", retries=0) as http:
        assert razorpay_client(http).settle_payment_link("plink_1", "golive-x") == 200
    assert httpx.Response(200, content=refund.calls.last.request.content).json()["amount"] == 100


@respx.mock
def test_a_link_paid_while_it_was_being_cancelled_is_refunded():
    reads = iter([{"id": "plink_1", "status": "created", "payments": None},
                  {"id": "plink_1", "status": "paid", "payments": [{"payment_id": "pay_1"}]}])
    respx.get(f"{API}/payment_links/plink_1").mock(side_effect=lambda request: httpx.Response(200, json=next(reads)))
    respx.post(f"{API}/payment_links/plink_1/cancel").mock(return_value=httpx.Response(400, json={}))
    respx.get(f"{API}/payments/pay_1").mock(return_value=httpx.Response(200, json={
        "id": "pay_1", "status": "captured", "amount": 100, "amount_refunded": 0}))
    refund = respx.post(f"{API}/payments/pay_1/refund").mock(return_value=httpx.Response(200, json={"id": "rfnd_1"}))
    with HttpClient(safety="money", retries=0) as http:
        assert razorpay_client(http).settle_payment_link("plink_1", "golive-x") == 200
    assert refund.called


@respx.mock
def test_a_refused_refund_is_the_settlements_status():
    respx.get(f"{API}/payment_links/plink_1").mock(return_value=httpx.Response(200, json={
        "id": "plink_1", "status": "paid", "payments": [{"payment_id": "pay_1"}]}))
    respx.get(f"{API}/payments/pay_1").mock(return_value=httpx.Response(200, json={
        "id": "pay_1", "status": "captured", "amount": 100, "amount_refunded": 0}))
    respx.post(f"{API}/payments/pay_1/refund").mock(return_value=httpx.Response(400, json={}))
    with HttpClient(safety="money", retries=0) as http:
        assert razorpay_client(http).settle_payment_link("plink_1", "golive-x") == 400


def test_cleanup_settles_a_payment_link_only_at_the_envs_own_razorpay(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    target = Target("prod", {"api": "https://shop.example", "razorpay-api": API})
    url = f"{API}/payment_links/plink_1"
    link = Undo("refund or cancel payment link plink_1", SETTLE_PAYMENT_LINK, url, env="prod", service="razorpay-api")
    ledger.intent(Intent(link.description, "prod", "razorpay-api", undo=link, id=link.id))
    settled: list[str] = []

    def never_send(method, url, headers, body):  # type: ignore[no-untyped-def]
        raise AssertionError("a payment link is settled, never sent as a request")

    replayer = Replayer(target, never_send, lambda role: {}, settle_link=lambda u: settled.append(u) or 200)
    assert replayer.run(ledger, ledger.pending()) == [] and settled == [url] and ledger.pending() == []

    elsewhere = Undo("refund or cancel payment link plink_2", SETTLE_PAYMENT_LINK,
                     "https://api.razorpay.example/v1/payment_links/plink_2", env="prod", service="razorpay-api")
    ledger.intent(Intent(elsewhere.description, "prod", "razorpay-api", undo=elsewhere, id=elsewhere.id))
    problems = replayer.run(ledger, ledger.pending())
    assert settled == [url] and "is not on service razorpay-api" in problems[0]


@pytest.mark.parametrize("status", ["cancelled", "expired"])
@respx.mock
def test_a_link_nobody_can_pay_any_more_is_settled(status):
    respx.get(f"{API}/payment_links/plink_1").mock(return_value=httpx.Response(200, json={
        "id": "plink_1", "status": status, "payments": None}))
    with HttpClient(safety="money", retries=0) as http:
        assert razorpay_client(http).settle_payment_link("plink_1", "golive-x") == 200


def test_a_link_whose_answer_was_lost_is_found_by_its_reference_and_settled(tmp_path):
    ledger = Ledger(tmp_path / "ledger.jsonl")
    target = Target("prod", {"api": "https://shop.example", "razorpay-api": API})
    listing = f"{API}/payment_links?reference_id=golive-x-1"
    sweep = Sweep(listing, SETTLE_PAYMENT_LINK, f"{API}/payment_links/{{id}}")
    ledger.intent(Intent("payment link for test order 7", "prod", "razorpay-api", tag="golive-x", sweep=sweep))
    listed, settled = [], []

    def list_links(url):  # type: ignore[no-untyped-def]
        listed.append(url)
        return [{"id": "plink_1", "reference_id": "golive-x-1"}]

    def never_send(method, url, headers, body):  # type: ignore[no-untyped-def]
        raise AssertionError("payment links are listed and settled with the env's Razorpay key, never sent as is")

    replayer = Replayer(target, never_send, lambda role: {}, settle_link=lambda u: settled.append(u) or 200,
                        list_links=list_links)
    assert replayer.run(ledger, ledger.pending()) == []
    assert listed == [listing] and settled == [f"{API}/payment_links/plink_1"] and ledger.pending() == []


@respx.mock
def test_payment_links_are_listed_by_reference_with_the_key():
    route = respx.get(f"{API}/payment_links", params={"reference_id": "golive-x-1"}).mock(
        return_value=httpx.Response(200, json={"payment_links": [{"id": "plink_1"}], "count": 1}))
    with HttpClient(safety="money", retries=0) as http:
        client = razorpay_client(http)
        url = client.payment_links_url("golive-x-1")
        assert link_lister(http, client.config)(url) == [{"id": "plink_1"}]
    assert route.calls.last.request.headers["authorization"].startswith("Basic ")


def shop_record(**changes) -> ChainRecord:  # type: ignore[no-untyped-def]
    """The shop's own checkout: its order carries the payment, the invoices and the events; no notifications."""
    record = healthy_record(notifications=None, **changes)
    paid = {"id": "co_1", "status": "paid", "amount": 100, "payments": [{"id": "pay_1", "amount": 100}],
            "invoices": [{"kind": "invoice"}]}
    if "order_after_payment" not in changes:
        record.order_after_payment = paid
    if "order_final" not in changes:
        record.order_final = {**paid, "status": "refunded", "invoices": [{"kind": "invoice"}, {"kind": "credit_note"}]}
    return record


def shop_broken_links(record: ChainRecord) -> list[str]:
    return [link for link, findings in checkout_chain_findings(record, 100, "paid", "refunded") if findings]


def test_the_shops_chain_judges_its_records_booked_once_and_asks_no_notification():
    assert [link for link, _ in checkout_chain_findings(shop_record(), 100, "paid", "refunded")] == [
        "capture seen at Razorpay", "the system's webhook processed once", "the order paid in the system",
        "the payment and its invoice booked once", "the refund issued through the system",
        "the refund and its credit note booked once", "refund.processed received"]
    assert shop_broken_links(shop_record()) == []


def test_each_broken_link_of_the_shops_chain_is_named():
    twice = {"id": "co_1", "status": "paid", "amount": 100, "invoices": [{"kind": "invoice"}] * 2,
             "payments": [{"id": "pay_1", "amount": 100}] * 2}
    assert shop_broken_links(shop_record(order_after_payment=twice)) == ["the payment and its invoice booked once"]
    no_note = {"id": "co_1", "status": "refunded", "amount": 100, "invoices": [{"kind": "invoice"}],
               "payments": [{"id": "pay_1", "amount": 100}]}
    assert shop_broken_links(shop_record(order_final=no_note)) == ["the refund and its credit note booked once"]
    assert shop_broken_links(shop_record(captured_at_razorpay={"status": "authorized", "amount": 100})) == [
        "capture seen at Razorpay"]


def test_the_order_is_judged_paid_by_the_systems_own_paid_status():
    record = healthy_record(order_after_payment={"id": 7, "status": "completed"})
    assert [link for link, findings in chain_findings(record, 100, ["email", "whatsapp"], "completed") if findings] == []
    assert broken_links(record) == ["the order paid in the system"]
