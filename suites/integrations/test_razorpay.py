"""Razorpay with the configured account: order -> payment -> checkout signature -> refund.

``money``: in production it needs --allow-writes --confirm-live-payment. Every captured payment
the check makes is refunded in full, also when the check fails half-way.
"""

from golive import check, expect
from golive.ledger import run_tag
from golive.probes.providers import evaluate_checkout_signature, evaluate_refund


@check("INT-RAZORPAY-001", "Razorpay: order, payment, checkout signature and refund with the configured account",
       safety="money", items=["arogya:S5-TASK-01", "realserv:TEST-INT-03"], gates=["S5"])
def test_order_payment_signature_refund(razorpay_account, razorpay_config):
    client, captured = razorpay_account
    tag = run_tag()
    created = client.create_order(tag, {"purpose": "golive controlled payment", "run": tag})
    expect.status(created, 200, "Razorpay refuses to create an order with the configured keys",
                  fix="configure the current key id and secret of the Razorpay account")
    order = expect.json_body(created, "the Razorpay order")
    paid = client.pay_test_order(order["id"], "golive@example.com", "9999999999")
    expect.status(paid, 200, "the test payment of the order failed")
    checkout = expect.json_body(paid, "the checkout answer")
    captured.append(checkout["razorpay_payment_id"])
    expect.no_findings(evaluate_checkout_signature(razorpay_config.key_secret, order["id"],
                                                   checkout["razorpay_payment_id"],
                                                   checkout.get("razorpay_signature", "")),
                       "the checkout signature does not verify with the configured key secret",
                       where=expect.where(paid))
    payment = expect.json_body(client.payment(checkout["razorpay_payment_id"]), "the payment")
    expect.true(payment.get("status") == "captured" and payment.get("amount") == razorpay_config.amount,
                "the payment is not captured for the order's amount",
                expected=f"status captured, amount {razorpay_config.amount}",
                found=f"status {payment.get('status')}, amount {payment.get('amount')}",
                where=f"payment {checkout['razorpay_payment_id']}", fix="enable auto-capture for orders")
    refunded = client.refund(payment["id"], razorpay_config.amount, tag)
    expect.status(refunded, 200, "Razorpay refuses the refund", fix="check the account's refund settings and balance")
    after = expect.json_body(client.payment(payment["id"]), "the refunded payment")
    expect.no_findings(evaluate_refund(after, expect.json_body(refunded, "the refund"), razorpay_config.amount),
                       "the refund did not go through", where=expect.where(refunded))
