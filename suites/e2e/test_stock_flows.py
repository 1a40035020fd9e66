"""Stock and order flows, for any system with a ``flows:`` profile section (inventory system,
Arogya runbook S4): stock reads and reconciliation, adjustments with their audit trail, transfers,
purchases, cancellations and returns, order totals and the ledger, POS billing, and concurrent
orders for the last units. The profile's adapter (golive/adapters) speaks the system's payloads.

Mutating checks tag what they create with the run tag and undo it through ``compensate``: cancel
orders (restock), reverse transfers and adjustments (by their reference where the system has a
compensating request, flows.paths.reverse).
"""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx

from golive import check, expect, not_applicable, redaction, required, unverified
from golive.adapters.stock import Call, StockAdapter, StockRow
from golive.expect import where
from golive.http import HttpClient
from golive.ledger import Sweep
from golive.probes.stock import (
    AuditEntry,
    Entry,
    Key,
    Level,
    Movement,
    PricedLine,
    Ref,
    anonymous_read,
    audit_matches,
    ledger_balance,
    negative_stock,
    order_totals,
    orphans,
    oversell,
    stock_changes,
    totals_mismatch,
)

REFUSED = (400, 409, 422)
CREATED = (200, 201)
# undoing an order that is cancelled already is fine: 409 says "nothing left to cancel"
CANCEL_OK = (200, 201, 202, 204, 404, 409)
AUDIT_ITEMS = ["inventory:PRE-TEST-05", "inventory:POST-IMM-03", "inventory:SUCCESS-06", "inventory:PRE-DB-01",
               "inventory:PRE-DB-05", "inventory:PRE-DB-06"]
LEVEL_ITEMS = ["inventory:PRE-TEST-03", "inventory:POST-IMM-04"]


def levels(rows: list[StockRow]) -> list[Level]:
    return [Level(row.sku, row.location, row.quantity, row.batch) for row in rows]


def snapshot(stock: StockAdapter, *keys: Key) -> dict[Key, int]:
    rows = stock.stock()
    return {key: sum(row.quantity for row in rows if (row.sku, row.location) == key) for key in keys}


def send(stock: StockAdapter, call: Call, expected: tuple[int, ...], title: str, fix: str) -> httpx.Response:
    response = stock.send(call)
    expect.status(response, expected, title, fix=fix)
    return response


def announce(compensate, call: Call, sweep: Sweep | None = None):  # type: ignore[no-untyped-def]
    """Tell the ledger what ``call`` is about to change, before it is sent (its inverse is known
    only once it went through: an inverse of a change that never happened would corrupt stock);
    ``sweep``: how cleanup finds it by its reference if its answer never comes back."""
    return compensate.intent(f"undo {call.description} ({compensate.tag})", call.url, sweep=sweep)


def order_sweep(stock: StockAdapter, call: Call, role: str | None = None) -> Sweep | None:
    """Orders placed by ``call`` are found by the reference it carries, and cancelled (restocked)."""
    return stock.order_sweep(str((call.json or {})["reference"]), role or call.role, CANCEL_OK)


def sent(stock: StockAdapter, compensate, call: Call, sweep: Sweep | None = None,  # type: ignore[no-untyped-def]
         **kwargs):
    """``call`` announced to the ledger, then sent; an error answer settles the announcement."""
    intent = announce(compensate, call, sweep)
    response = stock.send(call, **kwargs)
    compensate.refused(intent, response.status_code)
    return intent, response


def change_stock(stock: StockAdapter, compensate, call: Call, inverse: Call,  # type: ignore[no-untyped-def]
                 **kwargs) -> httpx.Response:
    """Send a stock change booked under its reference, its undo in the ledger first. Where the system
    reverses by reference (flows.paths.reverse), the undo is that reversal: known before the request,
    and applied once however often cleanup replays it, so a change whose answer a crash lost is still
    reversed. Otherwise ``inverse`` is recorded once the change went through (the inverse of a change
    that never happened would corrupt stock)."""
    reversal = stock.reversal_call(str((call.json or {})["reference"]))
    if reversal is None:
        intent, response = sent(stock, compensate, call, **kwargs)
        if response.status_code < 300:
            undo_later(compensate, inverse, intent=intent)
        return response
    undo = compensate.undo(reversal.description, reversal.method, reversal.url, role=reversal.role)
    response = stock.send(call, **kwargs)
    if 400 <= response.status_code < 500:  # refused: nothing to reverse (a 5xx may still have booked it)
        compensate.not_created(undo.id, f"HTTP {response.status_code}")
    elif response.status_code < 300:
        compensate.went_through(undo)
    return response


def undo_later(compensate, call: Call, *, role: str | None = None,  # type: ignore[no-untyped-def]
               ok: tuple[int, ...] | None = None, intent=None) -> None:
    """Hand ``call`` to the compensation ledger: it runs at teardown, newest first."""
    extra = {"ok": ok} if ok else {}
    compensate.undo(call.description, call.method, call.url, role=role or call.role, json=call.json,
                    intent=intent, **extra)


def purchase(stock: StockAdapter, compensate,  # type: ignore[no-untyped-def]
             lines: list[tuple[str, int]], location: str):
    """Place a tagged order and register its cancellation (which restocks) before going on."""
    call = stock.purchase_call(lines, location, reference_of(compensate))
    intent, response = sent(stock, compensate, call, order_sweep(stock, call))
    expect.status(response, CREATED, "a sample order was refused",
                  fix="check the order route, the buyer's role and the sample's stock")
    order = stock.order_from(response)
    undo_later(compensate, stock.cancel_call(order.id), ok=CANCEL_OK, intent=intent)
    return order


def reference_of(compensate) -> str:  # type: ignore[no-untyped-def]
    """The run's tag plus a suffix of this check: its audit rows are told apart from other checks'."""
    return f"{compensate.tag}-{secrets.token_hex(3)}"


def sample_code(flows) -> str:  # type: ignore[no-untyped-def]
    """What a till or storefront sends for the sample: the scanned barcode when the profile has one."""
    return flows.sample.scan_code or flows.sample.sku


def admin_actor(profile, flows) -> str:  # type: ignore[no-untyped-def]
    return profile.auth.roles[flows.admin_role].username.strip().lower()


def audit_of(stock: StockAdapter, reference: str) -> list[AuditEntry]:
    return [AuditEntry(row.sku, row.location, row.delta, row.reason, row.actor.strip().lower())
            for row in stock.audit_rows(reference)]


# --- read-only: the stock as it is --------------------------------------------------------------


@check("FLOW-SMOKE-001", "Every profiled stock API answers with the expected shape", critical=True,
       items=["inventory:PRE-TEST-01", "inventory:RB-CODE-03", "inventory:SIGNOFF-GOLIVE-02",
              # the smoke set on production URLs: this, liveness, database ping and every role's login
              "inventory:SUCCESS-01", "arogya:S7-TASK-03", "arogya:S7-EXIT-01"])
def test_stock_apis_answer(flows, stock):
    expect.true(bool(stock.stock()), "the stock list is empty", expected="stock rows", found="none",
                where=stock.url(flows.paths.stock), fix="load the opening stock before go-live")
    if flows.paths.products:
        expect.true(bool(stock.known_products()), "the product list is empty", expected="products", found="none",
                    where=stock.url(flows.paths.products))
    if flows.paths.locations:
        expect.true(bool(stock.known_locations()), "the location list is empty", expected="locations",
                    found="none", where=stock.url(flows.paths.locations))
    if flows.paths.totals:
        stock.product_totals()
    stock.references()  # stock, audit and transfer records, each naming its product and locations


@check("FLOW-STOCK-001", "No product, location or batch has negative stock", critical=True,
       items=["arogya:S4-EXIT-01", "inventory:POST-IMM-05", "inventory:MAINT-WEEK-02"], gates=["S4"])
def test_no_negative_stock(flows, stock):
    expect.no_findings(negative_stock(levels(stock.stock())), "stock is negative", where=stock.url(flows.paths.stock))


@check("FLOW-STOCK-002", "Each product's total equals the sum of its stock over locations and batches",
       items=["inventory:POST-DATA-01", "inventory:POST-DATA-03"])
def test_totals_reconcile(flows, stock):
    required(flows.paths.totals, "a path listing each product's total (flows.paths.totals)")
    expect.no_findings(totals_mismatch(stock.product_totals(), levels(stock.stock())),
                       "product totals do not reconcile with the stock rows", where=stock.url(flows.paths.totals))


@check("FLOW-STOCK-003", "Every stock, transfer and audit record names an existing product and location",
       critical=True, items=["inventory:PRE-DB-02"])
def test_no_orphan_records(flows, stock):
    required(flows.paths.products, "the product list path (flows.paths.products)")
    required(flows.paths.locations, "the location list path (flows.paths.locations)")
    refs = [Ref(r.kind, r.id, r.sku, r.locations) for r in stock.references()]
    expect.no_findings(orphans(refs, stock.known_products(), stock.known_locations()),
                       "records point at products or locations that do not exist", where=stock.url(flows.paths.stock))


@check("FLOW-SEC-001", "Stock APIs refuse callers without a token, and the refusal shows no stock data",
       critical=False, safety="probe", items=["inventory:SECURITY-02"])
def test_stock_apis_refuse_anonymous(http, flows, stock):
    reads = {flows.paths.stock, flows.paths.products, flows.paths.locations, flows.paths.totals,
             flows.paths.transfers, flows.paths.audit} - {None, False}
    findings = []
    for path in sorted(reads):  # type: ignore[type-var]
        response = http.get(stock.url(str(path)), intent="probe")
        findings += anonymous_read(str(path), response.status_code, response.text,
                                   [flows.sample.sku, flows.sample.location])
    expect.no_findings(findings, "stock APIs answer anonymous callers", where=stock.url(flows.paths.stock))


# --- adjustments and transfers ------------------------------------------------------------------


@check("FLOW-ADJUST-001", "Invalid adjustments and adjustments below zero are refused with 400", critical=True,
       safety="mutating", items=["inventory:PRE-ENV-01", "inventory:PRE-ENV-05", "inventory:PRE-CODE-01"])
def test_adjustment_refuses_invalid_and_negative(flows, stock, compensate):
    # mutating, not probe: an accepted probe changed real stock, and only a write can put it back
    required(flows.paths.adjust, "the adjustment path (flows.paths.adjust)")
    sku, location = flows.sample.sku, flows.sample.location
    before = snapshot(stock, (sku, location))
    on_hand, reference = before[(sku, location)], reference_of(compensate)
    attempts = {
        f"{-(on_hand + 1)} (below zero)": stock.adjust_call(sku, location, -(on_hand + 1), "golive: below zero",
                                                           reference),
        "0 (no change)": stock.adjust_call(sku, location, 0, "golive: zero", reference),
        "+1 without a reason": stock.adjust_call(sku, location, 1, "", reference),
    }
    accepted = []
    for label, call in attempts.items():
        inverse = stock.adjust_call(sku, location, -int(call.json["quantity"]), "golive compensation",  # type: ignore[index]
                                    reference)
        response = change_stock(stock, compensate, call, inverse, intent="write")
        if response.status_code < 300:
            accepted.append(f"{label}: HTTP {response.status_code}")
        elif response.status_code != 400:
            accepted.append(f"{label}: HTTP {response.status_code} (not 400)")
    expect.true(not accepted, "the adjustment API accepts adjustments it must refuse", expected="HTTP 400 for each",
                found="; ".join(accepted), where=stock.url(str(flows.paths.adjust)),
                fix="validate the body and keep ALLOW_NEGATIVE_STOCK=false in production")
    expect.no_findings(stock_changes(before, snapshot(stock, (sku, location)), {}, operation="a refused adjustment"),
                       "a refused adjustment changed stock", where=stock.url(flows.paths.stock))


@check("FLOW-ADJUST-002", "Adjustments and inward receipts change stock exactly as requested, each with one audit row",
       critical=True, safety="mutating",
       items=["inventory:SUCCESS-03", *AUDIT_ITEMS, *LEVEL_ITEMS, "arogya:S4-TASK-02"], gates=["S4"])
def test_adjustment_changes_stock_and_is_audited(profile, flows, stock, compensate):
    required(flows.paths.adjust, "the adjustment path (flows.paths.adjust)")
    required(flows.paths.audit, "the audit trail path (flows.paths.audit)")
    key, reference = (flows.sample.sku, flows.sample.location), reference_of(compensate)
    moves = [Movement(*key, 3)]
    before = snapshot(stock, key)
    response = change_stock(stock, compensate, stock.adjust_call(*key, 3, "golive: adjustment scenario", reference),
                            stock.adjust_call(*key, -3, "golive compensation", reference))
    expect.status(response, CREATED, "an adjustment of +3 was refused", fix="check the adjustment route and the admin role")
    if flows.paths.inward:
        receive, write_off = stock.inward_call(*key, 5, reference)
        response = change_stock(stock, compensate, receive, write_off)
        expect.status(response, CREATED, "an inward receipt of 5 was refused", fix="check the inward route")
        moves.append(Movement(*key, 5))
    expected = {key: sum(move.delta for move in moves)}
    expect.no_findings(stock_changes(before, snapshot(stock, key), expected, operation="adjustment and inward"),
                       "stock did not change as requested", where=stock.url(flows.paths.stock))
    expect.no_findings(audit_matches(audit_of(stock, reference), moves, actor=admin_actor(profile, flows)),
                       "the audit trail does not record each change", where=stock.url(flows.paths.audit))


@check("FLOW-TRANSFER-001", "A transfer between locations moves exactly the quantity, audited on both sides",
       critical=True, safety="mutating", items=["inventory:PRE-TEST-04", "inventory:SUCCESS-05", *LEVEL_ITEMS])
def test_transfer_moves_exact_quantity(profile, flows, stock, compensate):
    required(flows.paths.transfer, "the transfer path (flows.paths.transfer)",
             absent="the profile says the system has no transfers between locations")
    target = required(flows.sample.other_location, "a second location for the transfer (flows.sample.other_location)")
    sku, source, reference = flows.sample.sku, flows.sample.location, reference_of(compensate)
    before = snapshot(stock, (sku, source), (sku, target))
    response = change_stock(stock, compensate, stock.transfer_call(sku, source, target, 2, reference),
                            stock.transfer_call(sku, target, source, 2, reference))
    expect.status(response, CREATED, "a transfer of 2 units was refused",
                  fix="check the transfer route and the sample's stock at the source")
    expect.no_findings(stock_changes(before, snapshot(stock, (sku, source), (sku, target)),
                                     {(sku, source): -2, (sku, target): 2}, operation="a transfer of 2"),
                       "the transfer did not move exactly its quantity", where=stock.url(flows.paths.stock))
    if flows.paths.audit:
        moves = [Movement(sku, source, -2), Movement(sku, target, 2)]
        expect.no_findings(audit_matches(audit_of(stock, reference), moves, actor=admin_actor(profile, flows)),
                           "the transfer is not in the audit trail", where=stock.url(flows.paths.audit))


# --- orders -------------------------------------------------------------------------------------


@check("FLOW-ORDER-001", "Product scan, order, stock deducted exactly once, status updates", critical=True,
       safety="mutating", items=["inventory:PRE-TEST-02", "inventory:SUCCESS-04", *LEVEL_ITEMS, "arogya:S4-TASK-01"],
       gates=["S4"])
def test_order_deducts_stock_once(flows, stock, compensate):
    required(flows.paths.purchase, "the order / checkout path (flows.paths.purchase)")
    key = (flows.sample.sku, flows.sample.location)
    if flows.paths.scan and flows.sample.scan_code:
        scanned = stock.scan(flows.sample.scan_code)
        expect.true(scanned == flows.sample.sku, "the product scan finds the wrong product",
                    expected=flows.sample.sku, found=scanned, where=stock.url(flows.paths.scan),
                    fix="look products up by GTIN (barcode) and SKU")
    before = snapshot(stock, key)
    order = purchase(stock, compensate, [(sample_code(flows), 2)], flows.sample.location)
    expect.no_findings(stock_changes(before, snapshot(stock, key), {key: -2}, operation=f"order {order.id} of 2"),
                       "the order did not deduct its quantity exactly once", where=stock.url(flows.paths.stock))
    for status in flows.statuses:
        response = send(stock, stock.status_call(order.id, status), CREATED,
                        f"order {order.id} cannot move to {status}",
                        "check the order status route and its allowed transitions")
        moved = stock.order_from(response).status
        expect.true(moved == status, f"order {order.id} did not move to {status}", expected=status, found=moved,
                    where=where(response))
    if flows.statuses and flows.paths.order:
        stored = stock.order(order.id).status
        expect.true(stored == flows.statuses[-1], f"order {order.id} read back has another status",
                    expected=flows.statuses[-1], found=stored, where=stock.url(flows.paths.order, id=order.id),
                    fix="persist the status change in the same transaction that answers it")


@check("FLOW-ORDER-002", "Returns and cancellations restock exactly once", critical=True, safety="mutating",
       items=["arogya:S4-TASK-03"], gates=["S4"])
def test_returns_and_cancellations_restock_once(flows, stock, compensate):
    required(flows.paths.purchase, "the order / checkout path (flows.paths.purchase)")
    required(flows.paths.cancel, "the cancellation path (flows.paths.cancel)")
    key = (flows.sample.sku, flows.sample.location)
    before = snapshot(stock, key)
    order = purchase(stock, compensate, [(sample_code(flows), 3)], flows.sample.location)
    sold = -3
    if flows.paths.returns:
        send(stock, stock.return_call(order.id, [(sample_code(flows), 1)]), CREATED,
             f"returning 1 unit of order {order.id} was refused", "check the returns route")
        sold = -2
        expect.no_findings(stock_changes(before, snapshot(stock, key), {key: sold},
                                         operation="order of 3, return of 1"),
                           "the return did not restock exactly once", where=stock.url(flows.paths.stock))
    send(stock, stock.cancel_call(order.id), CREATED, f"cancelling order {order.id} was refused",
         "check the cancellation route")
    expect.no_findings(stock_changes(before, snapshot(stock, key), {}, operation="order cancelled"),
                       "the cancellation did not restock exactly what was still sold",
                       where=stock.url(flows.paths.stock))
    again = stock.send(stock.cancel_call(order.id))
    expect.no_findings(stock_changes(before, snapshot(stock, key), {}, operation="a second cancellation"),
                       f"cancelling again (HTTP {again.status_code}) restocked again", where=where(again))


@check("FLOW-ORDER-003", "The checkout page loads and checkout refuses a quantity above stock", critical=True,
       safety="mutating", items=["inventory:PRE-CODE-02"])
def test_checkout_refuses_more_than_stock(http, flows, stock, compensate):
    required(flows.paths.purchase, "the order / checkout path (flows.paths.purchase)")
    if flows.paths.checkout_page:
        page = http.get(stock.url(flows.paths.checkout_page))
        expect.status(page, 200, "the checkout page does not load", fix="deploy the checkout page")
    key = (flows.sample.sku, flows.sample.location)
    before = snapshot(stock, key)
    call = stock.purchase_call([(sample_code(flows), before[key] + 1)], flows.sample.location, reference_of(compensate))
    intent, response = sent(stock, compensate, call, order_sweep(stock, call))
    if response.status_code in CREATED:
        undo_later(compensate, stock.cancel_call(stock.order_from(response).id), ok=CANCEL_OK, intent=intent)
    expect.status(response, REFUSED, f"an order of {before[key] + 1} (stock {before[key]}) was not refused",
                  fix="check stock on hand inside the transaction that places the order")
    expect.no_findings(stock_changes(before, snapshot(stock, key), {}, operation="a refused order"),
                       "a refused order changed stock", where=stock.url(flows.paths.stock))


@check("FLOW-ORDER-004", "Order totals equal their line sums and the ledger balances", critical=True,
       safety="mutating", items=["arogya:S4-EXIT-02"], gates=["S4"])
def test_order_totals_and_ledger(flows, stock, compensate):
    required(flows.paths.purchase, "the order / checkout path (flows.paths.purchase)")
    lines = [(sample_code(flows), 2)] + ([(flows.sample.second_sku, 1)] if flows.sample.second_sku else [])
    order = purchase(stock, compensate, lines, flows.sample.location)
    priced = [PricedLine(line.sku, line.quantity, line.unit_price, line.line_total) for line in order.lines]
    expect.no_findings(order_totals(order.total, priced), f"order {order.id}'s total is wrong",
                       where=f"order {order.id}")
    if flows.paths.ledger:
        entries = [Entry(e.account, e.debit, e.credit) for e in stock.ledger(order.id)]
        booked = sum((line.line_total for line in order.lines), Decimal(0))
        expect.no_findings(ledger_balance(entries, booked=booked), f"the ledger of order {order.id} is wrong",
                           where=stock.url(flows.paths.ledger))


@check("FLOW-POS-001", "A store user mapped to a store signs in to the POS and bills a sale", critical=True,
       safety="mutating", items=["arogya:S4-TASK-04"], gates=["S4"])
def test_pos_login_and_billing(profile, http, flows, stock, compensate):
    pos = required(flows.pos, "the POS login and billing paths (flows.pos)",
                   absent="the profile says the system has no point of sale")
    credentials = profile.auth.roles[pos.role]
    service = profile.service(pos.service)
    login = http.post(service.url(pos.login_path), intent="login",
                      json={pos.username_field: credentials.username, "password": credentials.password})
    expect.status(login, 200, f"{pos.role} cannot sign in to the POS",
                  fix="map every store user to a store before go-live (runbook S1 user import)")
    body = expect.json_body(login, "the POS login answer")
    store = (body.get(pos.store_field) or {}).get("entity_code") if isinstance(body, dict) else None
    expect.true(bool(store), "the POS login names no store", expected=f"{pos.store_field}.entity_code",
                found=str(body)[:200] if isinstance(body, dict) else "no object", where=where(login))
    key = (flows.sample.sku, str(store))
    before = snapshot(stock, key)
    token = body.get("access_token") or body.get("token")
    reference = reference_of(compensate)
    bills = stock.order_sweep(reference, pos.role, CANCEL_OK)  # a POS bill is an order of the store's
    intent = compensate.intent(f"cancel POS bill {reference}", service.url(pos.bill_path), sweep=bills)
    bill = http.post(service.url(pos.bill_path), headers={"Authorization": f"Bearer {token}"},
                     json={"items": [{"code": sample_code(flows), "quantity": 1}], "reference": reference})
    compensate.refused(intent, bill.status_code)
    expect.status(bill, CREATED, "the POS did not bill a sale", fix="check the POS billing route and the store's stock")
    order = stock.order_from(bill)
    undo_later(compensate, stock.cancel_call(order.id), role=pos.role, ok=CANCEL_OK, intent=intent)
    expect.no_findings(stock_changes(before, snapshot(stock, key), {key: -1}, operation=f"POS bill {order.id}"),
                       "the POS bill did not deduct the store's stock", where=where(bill))
    priced = [PricedLine(line.sku, line.quantity, line.unit_price, line.line_total) for line in order.lines]
    expect.no_findings(order_totals(order.total, priced), f"POS bill {order.id}'s total is wrong", where=where(bill))


@check("FLOW-CONC-001", "Concurrent orders for the last units never oversell", critical=True, safety="mutating",
       items=["arogya:S4-EXIT-01", "inventory:POST-IMM-05"], gates=["S4"])
def test_concurrent_orders_never_oversell(profile, flows, stock, compensate, reachability, request_budget):
    required(flows.paths.purchase, "the order / checkout path (flows.paths.purchase)")
    location = flows.sample.race_location or flows.sample.location
    key = (flows.sample.sku, location)
    on_hand = snapshot(stock, key)[key]
    if on_hand <= 0:
        unverified(f"{flows.sample.sku} has no stock at {location} to race for")
    if on_hand > 50:
        not_applicable(f"{on_hand} units of {flows.sample.sku} at {location}: pick a flows.sample.race_location "
                       "with a few units, so that the race buys little")
    call = stock.purchase_call([(sample_code(flows), on_hand)], location, reference_of(compensate))
    # each buyer wants every unit left: at most one may succeed
    with HttpClient(timeout=profile.http_timeout_s, redactor=redaction.current(), reachability=reachability,
                    budget=request_budget, safety="mutating", retries=0) as racing:
        headers = stock.headers(call.role)
        # all before the race starts; the buyers share one reference: a sweep finds (and cancels) each
        intents = [announce(compensate, call, order_sweep(stock, call)) for _ in range(flows.concurrency)]
        with ThreadPoolExecutor(max_workers=flows.concurrency) as pool:
            responses = list(pool.map(lambda _: racing.post(call.url, json=call.json, headers=headers),
                                      range(flows.concurrency)))
    accepted = [response for response in responses if response.status_code in CREATED]
    for intent, response in zip(intents, responses, strict=True):
        if response.status_code in CREATED:
            undo_later(compensate, stock.cancel_call(stock.order_from(response).id), ok=CANCEL_OK, intent=intent)
        else:
            compensate.refused(intent, response.status_code)
    unexpected = sorted({r.status_code for r in responses if r.status_code not in (*CREATED, *REFUSED)})
    expect.true(not unexpected, "concurrent orders got errors instead of answers", expected="2xx or a refusal",
                found=f"HTTP {unexpected}", where=call.url, fix="serialise stock updates instead of failing them")
    expect.no_findings(oversell(on_hand=on_hand, each=on_hand, accepted=len(accepted), after=snapshot(stock, key)[key]),
                       f"{flows.concurrency} concurrent orders for the last {on_hand} units", where=call.url)
