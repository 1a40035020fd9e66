"""Step 6, the Rs 1 test payment through the system's own Razorpay checkout, end to end: order,
payment, signature callback, invoice, refund, each booked exactly once, and the refund reaching Razorpay.

With a test key golive pays the order itself. With a live key no code can pay: a person pays a
Razorpay payment link for the order the checkout created (QR code in the terminal and the report)
within the payment window, and golive proves the chain link by link (the payment reaches the shop
by its webhook); nobody paying leaves the check unverified, the order and the link cancelled.

``money``: in production it needs --allow-writes --confirm-live-payment. The payment is refunded
(through the system, or directly at Razorpay when the check stops half-way).
"""

from golive import check, expect
from golive.adapters.marketplace import LIVE_KEY_PREFIX
from golive.probes.live_payment import checkout_chain_findings
from golive.probes.providers import evaluate_checkout_records


@check("INT-CHECKOUT-001", "Rs 1 payment and refund through the system's checkout: payment, invoice and refund "
       "booked once, the refund reaches Razorpay", safety="money", items=["consolidated:PAY-03"])
def test_rupee_payment_and_refund(checkout_flow, razorpay_config, request):
    live_key = razorpay_config.key_id.startswith(LIVE_KEY_PREFIX)
    # decided before anything is created: a person pays a live key's order, golive a test key's. The
    # test payment's refund is set up first so it is torn down last: the shop's own undo refunds first
    provider, paid = (None, None) if live_key else request.getfixturevalue("razorpay_account")
    shop_checkout = request.getfixturevalue("system_checkout")
    payer = request.getfixturevalue("checkout_assisted_payment") if live_key else None
    created = shop_checkout.create_order(razorpay_config.amount)
    expect.status(created, {200, 201}, "the system cannot create a Razorpay order",
                  fix="check the server's Razorpay keys (RAZORPAY_KEY_ID/SECRET)")
    order = expect.json_body(created, "the created order")
    if payer is not None:
        return paid_by_a_person(shop_checkout, payer, order, razorpay_config.amount)
    checkout = expect.json_body(provider.pay_test_order(order["razorpay_order_id"], "golive@example.com",
                                                        "9999999999"), "the test payment")
    paid.append(checkout["razorpay_payment_id"])
    for attempt in range(2):  # the checkout callback arrives twice (a client retry): booked once
        verified = shop_checkout.http.post(shop_checkout.url(checkout_flow.verify_path, order["id"]),
                                           headers=shop_checkout.headers(), json=checkout)
        expect.status(verified, 200, f"the system refuses a genuine checkout callback (attempt {attempt + 1})",
                      fix="verify HMAC-SHA256(key_secret, razorpay_order_id|razorpay_payment_id) over the stored "
                          "order id; answer 200 for a callback already processed")
    expect.no_findings(evaluate_checkout_records(shop_checkout.order(None, order["id"]), checkout_flow.paid_status,
                                                 razorpay_config.amount, {"invoice": 1}),
                       "the payment is not booked exactly once", where=checkout_flow.status_path)
    refunded = shop_checkout.cancel_response(order)
    expect.status(refunded, 200, "the system cannot refund the paid order")
    expect.no_findings(evaluate_checkout_records(shop_checkout.order(None, order["id"]), checkout_flow.refunded_status,
                                                 razorpay_config.amount, {"invoice": 1, "credit_note": 1}),
                       "the refund is not booked exactly once", where=checkout_flow.status_path)
    at_razorpay = expect.json_body(provider.payment(checkout["razorpay_payment_id"]), "the payment at Razorpay")
    expect.true(at_razorpay.get("amount_refunded") == razorpay_config.amount,
                "the refund never reached Razorpay", expected=f"amount_refunded {razorpay_config.amount} at Razorpay",
                found=f"amount_refunded {at_razorpay.get('amount_refunded')}, status {at_razorpay.get('status')}",
                where=f"payment {checkout['razorpay_payment_id']}",
                fix="call POST /v1/payments/:id/refund and book the refund only with the refund id Razorpay answers")


def paid_by_a_person(shop_checkout, payer, order, amount):
    """Live key: a payment link for the checkout's order, a person pays it, then the chain link by link."""
    record = payer.paid_by_a_person(shop_checkout, None, order, order)
    flow = shop_checkout.flow
    for link_name, findings in checkout_chain_findings(record, amount, flow.paid_status, flow.refunded_status):
        expect.no_findings(findings, f"the live Rs 1 payment chain breaks at: {link_name}",
                           where=f"order {order['id']}, payment {record.payment_id}")
