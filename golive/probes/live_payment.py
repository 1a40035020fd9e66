"""The Rs 1 payment with a live key: a person pays a link, golive waits (bounded) and proves the
chain link by link, then lays order, payment, refund and webhook events side by side.

Pure: the waits take the read, the clock and the sleep as arguments; the QR code is drawn by
``segno``.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypeVar

import segno

from golive.probes.findings import Finding
from golive.probes.marketplace import notification_findings
from golive.probes.providers import evaluate_checkout_records

T = TypeVar("T")

#: a payment link's states once a person has paid through it (Payment Links API)
LINK_PAID = frozenset({"paid", "partially_paid"})


@dataclass(frozen=True)
class Polled:
    """The last value read, and whether it reached the wanted state before the time ran out."""

    value: Any
    reached: bool
    waited_s: float


def poll(read: Callable[[], T], done: Callable[[T], bool], timeout_s: float, interval_s: float, *,
         clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> Polled:
    """Read until ``done(value)`` or ``timeout_s`` has passed (read at least once, and once more at the end)."""
    start = clock()
    deadline = start + timeout_s
    while True:
        value = read()
        if done(value):
            return Polled(value, True, clock() - start)
        left = deadline - clock()
        if left <= 0:
            return Polled(value, False, clock() - start)
        sleep(min(interval_s, left))


def link_payment_id(link: Mapping[str, Any] | None) -> str | None:
    """The payment a person made through the link (None: nobody has paid yet)."""
    payments = (link or {}).get("payments") or []
    return str(payments[0].get("payment_id")) if payments and payments[0].get("payment_id") else None


def capture_findings(payment: Mapping[str, Any], amount: int) -> list[Finding]:
    """Razorpay's Payments API shows the payment captured for the amount asked."""
    if payment.get("status") in ("captured", "refunded") and payment.get("captured", True) \
            and payment.get("amount") == amount:
        return []
    return [Finding("payment-not-captured", f"payment captured at Razorpay for {amount} paise",
                    f"status {payment.get('status')!r}, amount {payment.get('amount')!r}",
                    "enable automatic capture for the account (or capture authorized payments): an authorized "
                    "payment is refunded by Razorpay after a few days")]


def event_findings(events: Iterable[Mapping[str, Any]], event: str) -> list[Finding]:
    """The system applied exactly one ``event`` (delivery is at least once: retries carry the same event id)."""
    applied = [e for e in events if e.get("event") == event]
    if len(applied) == 1:
        return []
    if not applied:
        return [Finding(f"{event}-not-processed", f"one {event} webhook processed", "none",
                        f"subscribe the webhook to {event} and apply it to the payment it names")]
    return [Finding(f"{event}-processed-{len(applied)}-times", f"one {event} webhook processed",
                    f"{len(applied)} ({', '.join(str(e.get('id')) for e in applied)})",
                    "dedupe webhooks on x-razorpay-event-id: Razorpay retries a delivery with the same id")]


@dataclass
class ChainRecord:
    """What each end showed at each step of the live Rs 1 payment ({} / None where a step never happened)."""

    checkout: dict[str, Any]
    link: dict[str, Any]
    payment_id: str
    captured_at_razorpay: dict[str, Any] | None = None  # the payment once captured (or as last read)
    order_after_payment: dict[str, Any] | None = None
    system_refund_status: int | None = None  # the system's refund (the admin's cancel), its HTTP status
    refunded_directly: dict[str, Any] | None = None  # what golive had to refund at Razorpay itself
    order_final: dict[str, Any] | None = None
    system_payment_final: dict[str, Any] | None = None
    razorpay_payment_final: dict[str, Any] | None = None
    notifications: list[dict[str, Any]] | None = None


def chain_findings(record: ChainRecord, amount: int, channels: Iterable[str],
                   paid_status: str = "paid") -> list[tuple[str, list[Finding]]]:
    """Each link of the chain, in the order money moves, with what is wrong with it (no notification
    link where the system tells the customer through no channel)."""
    links: list[tuple[str, list[Finding]]] = [
        ("capture seen at Razorpay", capture_findings(record.captured_at_razorpay or {}, amount))]
    if links[0][1]:
        return links
    final = record.system_payment_final or {}
    events = final.get("webhook_events") or []
    links.append(("the system's webhook processed once", event_findings(events, "payment.captured")))
    order = record.order_after_payment or {}
    paid = [] if order.get("status") == paid_status else [
        Finding("order-not-paid", f"order status {paid_status} once the payment is captured", f"{order.get('status')!r}",
                "mark the order paid when payment.captured (or order.paid) arrives")]
    links.append(("the order paid in the system", paid))
    channels = list(channels)
    if channels:
        links.append(("the customer notified", notification_findings(record.notifications or [], channels, "order_paid")))
    links.append(("the refund issued through the system", refund_through_system_findings(record, amount)))
    links.append(("refund.processed received", event_findings(events, "refund.processed")))
    return links


def checkout_chain_findings(record: ChainRecord, amount: int, paid_status: str,
                            refunded_status: str) -> list[tuple[str, list[Finding]]]:
    """The shop's own checkout (no notifications): the chain, with its records booked once after the
    payment (one payment, one invoice) and after the refund (and one credit note)."""
    links = chain_findings(record, amount, (), paid_status)
    if len(links) == 1:
        return links
    names = [name for name, _ in links]
    links.insert(names.index("the order paid in the system") + 1, (
        "the payment and its invoice booked once",
        evaluate_checkout_records(record.order_after_payment or {}, paid_status, amount, {"invoice": 1})))
    links.insert(names.index("the refund issued through the system") + 2, (
        "the refund and its credit note booked once",
        evaluate_checkout_records(record.order_final or {}, refunded_status, amount, {"invoice": 1, "credit_note": 1})))
    return links


def refund_through_system_findings(record: ChainRecord, amount: int) -> list[Finding]:
    """The system's refund answered, reached Razorpay in full, and golive had nothing left to refund."""
    at_razorpay = record.razorpay_payment_final or {}
    if record.system_refund_status == 200 and not record.refunded_directly \
            and at_razorpay.get("amount_refunded") == amount:
        return []
    direct = record.refunded_directly or {}
    return [Finding("refund-not-issued-by-system", f"the system's refund answers 200 and refunds {amount} paise at "
                    "Razorpay", f"HTTP {record.system_refund_status}; refunded at Razorpay by golive instead: "
                    f"{direct.get('id', 'nothing')}" if direct else f"HTTP {record.system_refund_status}; "
                    f"amount_refunded {at_razorpay.get('amount_refunded')!r} at Razorpay",
                    "refund through POST /v1/payments/:id/refund and book the refund id Razorpay answers")]


def _time(epoch: Any) -> str:
    if not isinstance(epoch, int | float) or epoch <= 0:
        return ""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _paise(amount: Any) -> str:
    return f"{amount / 100:.2f}" if isinstance(amount, int) else ""


RECONCILIATION_HEADER = ("record", "id", "amount (Rs)", "status", "time")


def reconciliation_rows(record: ChainRecord) -> list[tuple[str, str, str, str, str]]:
    """One row per record, in the order money moved: order, Razorpay order, link, payment, refund, events."""
    order = record.order_final or record.order_after_payment or {}
    paid = record.razorpay_payment_final or record.captured_at_razorpay or {}
    mine, direct, link = record.system_payment_final or {}, record.refunded_directly or {}, record.link
    refunded = paid.get("amount_refunded")
    rows = [
        ("order (system)", str(order.get("id", "")), _paise(order.get("total_paise", order.get("amount"))),
         str(order.get("status", "")), ""),
        ("Razorpay order (system checkout)", str(record.checkout.get("razorpay_order_id", "")),
         _paise(record.checkout.get("amount")), "", ""),
        ("payment link", str(link.get("id", "")), _paise(link.get("amount")), str(link.get("status", "")),
         _time(link.get("created_at"))),
        ("payment (Razorpay)", str(paid.get("id", "")), _paise(paid.get("amount")), str(paid.get("status", "")),
         _time(paid.get("created_at"))),
        ("payment (system)", str(mine.get("razorpay_payment_id") or ""), _paise(mine.get("amount")),
         str(mine.get("status", "")), ""),
        ("refund (system)", str(mine.get("refund_id") or ""), _paise(refunded) if not direct else "",
         f"HTTP {record.system_refund_status}" if record.system_refund_status else "", ""),
        ("refund (golive, at Razorpay)", str(direct.get("id", "")), _paise(direct.get("amount")),
         str(direct.get("status", "")), _time(direct.get("created_at"))),
    ]
    rows += [(f"webhook {e.get('event')}", str(e.get("id", "")), "", "processed", _time(e.get("received_at")))
             for e in mine.get("webhook_events") or []]
    return [row for row in rows if row[1]]


def reconciliation_markdown(rows: Iterable[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(RECONCILIATION_HEADER) + " |", "|" + "---|" * len(RECONCILIATION_HEADER)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def qr_code(url: str) -> tuple[str, str]:
    """The link as a QR code a phone's camera reads: (terminal text, SVG)."""
    code = segno.make(url, error="m")
    text, svg = io.StringIO(), io.BytesIO()
    code.terminal(out=text, compact=True)
    code.save(svg, kind="svg", scale=4)
    return text.getvalue(), svg.getvalue().decode()
