"""The Rs 1 payment a person makes: with a live Razorpay key no code can pay, so golive does the
bookkeeping around a release engineer who pays with a real UPI app or card.

golive creates a Razorpay payment link for the order the system's checkout created (announced in
the ledger first: its undo refunds what was paid through it, else cancels it), shows the link and
its QR code in the terminal and the report, and waits, bounded, for the payment. Every later wait
(capture, webhook, refund) is bounded too; each read has the HTTP client's timeout.

What golive reads and asks of the system is the ``PaidOrders`` seam: the marketplace's journeys
(golive/adapters/marketplace.py) and a shop's own checkout (golive/adapters/shop_checkout.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from golive.adapters.marketplace import Compensates, answer
from golive.ledger import SETTLE_PAYMENT_LINK, Sweep
from golive.outcomes import unverified
from golive.probes.live_payment import (
    ChainRecord,
    Polled,
    link_payment_id,
    poll,
    qr_code,
    reconciliation_markdown,
    reconciliation_rows,
)
from golive.probes.observation import format_duration
from golive.providers.razorpay import RazorpayClient

#: reads of one URL per wait: the run's request budget (100 per endpoint) must outlast a 10-minute window
MAX_READS_PER_WAIT = 40

#: show(text) writes to the person at the terminal; attach(name, body, kind) to the report
Show = Callable[[str], None]
Attach = Callable[[str, str, str], None]


class PaidOrders(Protocol):
    """The system's side of the chain: its order, the payment it booked (``webhook_events``: the
    Razorpay events it applied), its refund, its cancel of an unpaid order, what it told the buyer."""

    def order(self, who: Any, order_id: Any) -> dict[str, Any]: ...

    def payment_of(self, who: Any, order_id: Any) -> dict[str, Any]: ...

    def cancel_response(self, order: dict[str, Any]) -> httpx.Response: ...

    def cancel(self, order: dict[str, Any]) -> Any: ...

    def notifications(self, who: Any, order_id: Any) -> list[dict[str, Any]]: ...


@dataclass
class AssistedPayment:
    razorpay: RazorpayClient
    compensate: Compensates
    show: Show
    attach: Attach
    window_s: float
    settle_s: float
    interval_s: float

    def payment_link(self, checkout: dict[str, Any], order: dict[str, Any]) -> dict[str, Any]:
        """A payment link for the checkout's Razorpay order; its notes name that order for the system."""
        url = self.razorpay.config.url("payment_links")
        description = (f"golive test payment of Rs {int(checkout['amount']) / 100:.2f}, order {order['id']} "
                       f"({self.compensate.tag})")
        reference = str(order.get("reference") or self.compensate.tag)
        # a link whose answer was lost is found by its reference (golive's choice, one per order)
        found = Sweep(self.razorpay.payment_links_url(reference), SETTLE_PAYMENT_LINK,
                      self.razorpay.config.url("payment_links/{id}"))
        intent = self.compensate.intent(f"payment link for test order {order['id']}", url, sweep=found)
        response = self.razorpay.create_payment_link(
            int(checkout["amount"]), description, reference,
            {"razorpay_order_id": str(checkout["razorpay_order_id"]), "order_id": str(order["id"]),
             "golive_run": self.compensate.tag})
        self.compensate.refused(intent, response.status_code)
        link = answer(response, 200, "creating the payment link at Razorpay",
                      "the Payment Links API must be enabled for the account (Dashboard, Payment Links)")
        self.compensate.undo(f"refund or cancel payment link {link['id']} (order {order['id']})", SETTLE_PAYMENT_LINK,
                             self.razorpay.config.url(f"payment_links/{link['id']}"), intent=intent)
        return dict(link)

    def present(self, link: dict[str, Any]) -> None:
        """The link (and its QR code) where the person can see it: the terminal and the report."""
        url = str(link.get("short_url") or "")
        amount = int(link.get("amount", 0)) / 100
        lines = [f"golive: pay Rs {amount:.2f} within {format_duration(self.window_s)} to verify the live payment "
                 f"chain (it is refunded): {url}"]
        terminal_code, svg = qr_code(url)
        lines.append(terminal_code)
        self.attach("payment link QR code", svg, "svg")
        self.attach("payment link", f"{url}\nlink {link.get('id')}, Rs {amount:.2f}\n", "text")
        self.show("\n".join(lines))

    def wait_for_payer(self, link: dict[str, Any]) -> Polled:
        """Poll the link until someone has paid through it, at most the payment window."""
        return poll(lambda: self.link(str(link["id"])), lambda read: link_payment_id(read) is not None,
                    self.window_s, max(self.interval_s, self.window_s / MAX_READS_PER_WAIT))

    def settled(self, read: Callable[[], Any], done: Callable[[Any], bool]) -> Polled:
        """Poll a later link of the chain until it shows, at most ``settle_s``."""
        return poll(read, done, self.settle_s, max(self.interval_s, self.settle_s / MAX_READS_PER_WAIT))

    def pay(self, flows: Any, buyer: Any, order: dict[str, Any]) -> dict[str, Any]:
        """A journey's payment with a live key: a person pays the order's link; the system's payment once
        it shows captured (or as last read). Nobody paying: unverified, the order and the link cancelled."""
        checkout = flows.open_checkout(buyer, order)
        link = self.payment_link(checkout, order)
        self.present(link)
        waited = self.wait_for_payer(link)
        if not waited.reached:
            self.nobody_paid(flows, order, link)
        seen = self.settled(lambda: flows.payment_of(buyer, order["id"]), lambda p: p.get("status") == "captured")
        return dict(seen.value)

    def paid_by_a_person(self, system: PaidOrders, buyer: Any, order: dict[str, Any],
                         checkout: dict[str, Any]) -> ChainRecord:
        """The order's payment link shown, paid by a person within the window, then the chain followed
        through both ends; its reconciliation table attached. Nobody paying: unverified, all cancelled."""
        link = self.payment_link(checkout, order)
        self.present(link)
        waited = self.wait_for_payer(link)
        if not waited.reached:
            self.nobody_paid(system, order, link)
        record = collect_chain(system, self, buyer, order, checkout, waited.value, str(link_payment_id(waited.value)))
        self.attach("Rs 1 reconciliation", reconciliation_markdown(reconciliation_rows(record)), "text")
        return record

    def nobody_paid(self, flows: PaidOrders, order: dict[str, Any], link: dict[str, Any]) -> None:
        self.cancel_link(str(link["id"]))
        flows.cancel(order)
        unverified(f"nobody paid the payment link {link.get('short_url')} (Rs {int(link.get('amount', 0)) / 100:.2f}) "
                   f"within {format_duration(self.window_s)}: unverified; order {order['id']} and link {link['id']} "
                   "are cancelled (a payment made later is refunded by `golive cleanup`)")

    def link(self, link_id: str) -> dict[str, Any]:
        return dict(answer(self.razorpay.payment_link(link_id), 200, "reading the payment link at Razorpay",
                           "the key pair must be able to read its payment links"))

    def payment(self, payment_id: str) -> dict[str, Any]:
        return dict(answer(self.razorpay.payment(payment_id), 200, "reading the payment at Razorpay",
                           "the key pair must be able to read its payments"))

    def cancel_link(self, link_id: str) -> int:
        return self.razorpay.cancel_payment_link(link_id).status_code

    def refund_at_razorpay(self, payment: dict[str, Any]) -> dict[str, Any]:
        """What the system did not refund, refunded directly at Razorpay ({} when nothing is left)."""
        left = int(payment.get("amount", 0)) - int(payment.get("amount_refunded", 0))
        if payment.get("status") != "captured" or left <= 0:
            return {}
        return dict(answer(self.razorpay.refund(str(payment["id"]), left, self.compensate.tag), 200,
                           f"refunding payment {payment['id']} at Razorpay",
                           "refund it in the Razorpay dashboard by hand"))


def collect_chain(flows: PaidOrders, payer: AssistedPayment, buyer: Any, order: dict[str, Any],
                  checkout: dict[str, Any], link: dict[str, Any], payment_id: str) -> ChainRecord:
    """Follow the paid link through both ends: capture, webhook, order, refund, refund.processed.
    Each step waits at most ``settle_s``; the money is returned whatever the system did."""
    record = ChainRecord(checkout, link, payment_id)
    captured = payer.settled(lambda: payer.payment(payment_id), lambda p: p.get("status") == "captured")
    record.captured_at_razorpay = captured.value
    if not captured.reached:
        return record  # nothing was captured: nothing for the system to see or to refund
    seen = payer.settled(lambda: flows.payment_of(buyer, order["id"]),
                         lambda p: any(e.get("event") == "payment.captured" for e in p.get("webhook_events") or []))
    record.order_after_payment = flows.order(buyer, order["id"])
    record.system_refund_status = flows.cancel_response(order).status_code
    record.razorpay_payment_final = payer.payment(payment_id)
    record.refunded_directly = payer.refund_at_razorpay(record.razorpay_payment_final)
    if seen.reached:  # the system knows the payment: it must hear of the refund, whoever made it
        payer.settled(lambda: flows.payment_of(buyer, order["id"]),
                      lambda p: any(e.get("event") == "refund.processed" for e in p.get("webhook_events") or []))
    record.razorpay_payment_final = payer.payment(payment_id)
    record.system_payment_final = flows.payment_of(buyer, order["id"])
    record.order_final = flows.order(buyer, order["id"])
    record.notifications = flows.notifications(buyer, order["id"])
    return record
