"""Marketplace reconciliation findings, on fixed orders, payments and notifications."""

from golive.probes.marketplace import notification_findings, order_findings, refund_findings

PRODUCT = {"id": 7, "price_paise": 38500}


def order(**changes):  # type: ignore[no-untyped-def]
    base = {"id": 1, "status": "paid", "total_paise": 77000,
            "items": [{"product_id": 7, "quantity": 2, "unit_price_paise": 38500}]}
    return {**base, **changes}


def names(findings):  # type: ignore[no-untyped-def]
    return [finding.name for finding in findings]


def test_a_correct_order_has_no_findings():
    assert order_findings(order(), PRODUCT, 2, "paid") == []


def test_order_totals_prices_items_and_status_are_each_named():
    assert names(order_findings(order(total_paise=77100), PRODUCT, 2, "paid")) == ["order-total-not-line-sum"]
    stale = order(items=[{"product_id": 7, "quantity": 2, "unit_price_paise": 38000}])
    assert names(order_findings(stale, PRODUCT, 2, "paid")) == ["order-price-differs-from-catalog"]
    assert names(order_findings(order(items=[]), PRODUCT, 2, "paid"))[0] == "order-items-differ"
    assert names(order_findings(order(status="created"), PRODUCT, 2, "paid")) == ["order-status-wrong"]


def note(channel, template="order_paid", status="accepted", message_id=None):  # type: ignore[no-untyped-def]
    default = "wamid.HBgM0001" if channel == "whatsapp" else "sg-0001"
    return {"channel": channel, "template": template, "status": status, "provider_message_id": message_id or default}


def test_every_channel_needs_one_accepted_message():
    both = [note("email"), note("whatsapp")]
    assert notification_findings(both, ["email", "whatsapp"], "order_paid") == []
    assert names(notification_findings([note("email")], ["email", "whatsapp"], "order_paid")) == [
        "whatsapp-notification-missing"]
    assert names(notification_findings([*both, note("email")], ["email", "whatsapp"], "order_paid")) == [
        "email-notification-repeated"]
    assert names(notification_findings([note("email"), note("whatsapp", message_id="msg-1")], ["email", "whatsapp"],
                                       "order_paid")) == ["whatsapp-notification-not-accepted"]
    assert names(notification_findings([note("email", status="failed"), note("whatsapp")], ["email", "whatsapp"],
                                       "order_paid")) == ["email-notification-not-accepted"]


def test_a_refund_must_reconcile_order_and_payment():
    payment = {"amount": 100, "status": "refunded", "refund_id": "rfnd_abc"}
    assert refund_findings({"status": "refunded"}, payment, 100) == []
    assert names(refund_findings({"status": "cancelled"}, payment, 100)) == ["order-payment-disagree"]
    assert names(refund_findings({"status": "refunded"}, {**payment, "status": "captured"}, 100)) == [
        "payment-not-refunded"]
    assert names(refund_findings({"status": "refunded"}, {**payment, "amount": 200}, 100)) == ["payment-amount-differs"]
