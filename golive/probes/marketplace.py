"""Reconciling a marketplace order with what the buyer was shown, paid and told."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from golive.probes.findings import Finding

WHATSAPP_MESSAGE_ID_PREFIX = "wamid."


def order_findings(order: Mapping[str, Any], product: Mapping[str, Any], quantity: int, status: str) -> list[Finding]:
    """The order read back carries the catalog price, the quantity, their product as total, and the status."""
    findings = []
    lines = order.get("items") or []
    line = lines[0] if lines else {}
    if len(lines) != 1 or line.get("product_id") != product["id"] or line.get("quantity") != quantity:
        findings.append(Finding("order-items-differ", f"one line: product {product['id']} x {quantity}",
                                f"{lines!r}", "the order must store exactly what the buyer ordered"))
    if line.get("unit_price_paise") != product["price_paise"]:
        findings.append(Finding("order-price-differs-from-catalog", f"unit price {product['price_paise']} paise",
                                f"{line.get('unit_price_paise')!r}", "price orders from the live catalog, not a cache"))
    expected_total = product["price_paise"] * quantity
    if order.get("total_paise") != expected_total:
        findings.append(Finding("order-total-not-line-sum", f"total {expected_total} paise (price x quantity)",
                                f"{order.get('total_paise')!r}", "the order total must equal the sum of its lines"))
    if order.get("status") != status:
        findings.append(Finding("order-status-wrong", f"status {status}", f"{order.get('status')!r}",
                                "the order's state machine must follow the payment"))
    return findings


def notification_findings(notifications: Iterable[Mapping[str, Any]], channels: Iterable[str],
                          template: str) -> list[Finding]:
    """Each channel has exactly one accepted notification of ``template`` with a provider message id."""
    findings = []
    for channel in channels:
        sent = [n for n in notifications if n.get("channel") == channel and n.get("template") == template]
        if len(sent) != 1:
            findings.append(Finding(f"{channel}-notification-missing" if not sent else f"{channel}-notification-repeated",
                                    f"one {channel} message '{template}'", f"{len(sent)}",
                                    f"check the {channel} provider's credentials, templates and the notification queue"))
            continue
        message_id = str(sent[0].get("provider_message_id") or "")
        if sent[0].get("status") not in {"accepted", "sent", "delivered", "read"} or not message_id or (
                channel == "whatsapp" and not message_id.startswith(WHATSAPP_MESSAGE_ID_PREFIX)):
            findings.append(Finding(f"{channel}-notification-not-accepted",
                                    f"status accepted/sent/delivered with the provider's message id",
                                    f"status {sent[0].get('status')!r}, id {message_id!r}",
                                    f"the {channel} provider did not take the message: look at its response"))
    return findings


def refund_findings(order: Mapping[str, Any], payment: Mapping[str, Any], amount_paise: int) -> list[Finding]:
    """A refunded order: order and payment agree, the refund has the provider's id, the amount matches."""
    findings = []
    if payment.get("amount") != amount_paise:
        findings.append(Finding("payment-amount-differs", f"{amount_paise} paise", f"{payment.get('amount')!r}",
                                "the Razorpay order must be created for the order total"))
    if payment.get("status") != "refunded" or not str(payment.get("refund_id") or "").startswith("rfnd_"):
        findings.append(Finding("payment-not-refunded", "payment refunded with a Razorpay refund id (rfnd_...)",
                                f"status {payment.get('status')!r}, refund {payment.get('refund_id')!r}",
                                "the cancellation must refund through Razorpay"))
    if order.get("status") != "refunded":
        findings.append(Finding("order-payment-disagree", "order status refunded (like its payment)",
                                f"{order.get('status')!r}", "update the order when its refund is processed"))
    return findings
