"""The system's own Razorpay checkout, end to end with Rs 1: order, payment, signature callback,
invoice, refund, each booked exactly once, and the refund reaching Razorpay.

``money``: in production it needs --allow-writes --confirm-live-payment. The payment is refunded
(through the system, or directly at Razorpay when the check stops half-way).
"""

from golive import check, expect
from golive.ledger import run_tag
from golive.probes.providers import evaluate_checkout_records


@check("INT-CHECKOUT-001", "Rs 1 payment and refund through the system's checkout: payment, invoice and refund "
       "booked once, the refund reaches Razorpay", safety="money", items=["consolidated:PAY-03"])
def test_rupee_payment_and_refund(profile, checkout_flow, razorpay_config, razorpay_account, http, tokens):
    provider, paid = razorpay_account
    service = profile.service(checkout_flow.service)
    auth = tokens(checkout_flow.role).headers("POST")

    def path(template: str, order_id: str) -> str:
        return service.url(template.replace("{order_id}", order_id))

    created = http.post(service.url(checkout_flow.create_path), headers=auth,
                        json={"amount": razorpay_config.amount, "receipt": run_tag()[:40]})
    expect.status(created, {200, 201}, "the system cannot create a Razorpay order",
                  fix="check the server's Razorpay keys (RAZORPAY_KEY_ID/SECRET)")
    order = expect.json_body(created, "the created order")
    checkout = expect.json_body(provider.pay_test_order(order["razorpay_order_id"], "golive@example.com",
                                                        "9999999999"), "the test payment")
    paid.append(checkout["razorpay_payment_id"])
    for attempt in range(2):  # the checkout callback arrives twice (a client retry): booked once
        verified = http.post(path(checkout_flow.verify_path, order["id"]), headers=auth, json=checkout)
        expect.status(verified, 200, f"the system refuses a genuine checkout callback (attempt {attempt + 1})",
                      fix="verify HMAC-SHA256(key_secret, razorpay_order_id|razorpay_payment_id) over the stored "
                          "order id; answer 200 for a callback already processed")
    after_payment = expect.json_body(http.get(path(checkout_flow.status_path, order["id"]), headers=auth),
                                     "the paid order")
    expect.no_findings(evaluate_checkout_records(after_payment, checkout_flow.paid_status, razorpay_config.amount,
                                                 {"invoice": 1}),
                       "the payment is not booked exactly once", where=checkout_flow.status_path)
    refunded = http.post(path(checkout_flow.refund_path, order["id"]), headers=auth)
    expect.status(refunded, 200, "the system cannot refund the paid order")
    after_refund = expect.json_body(http.get(path(checkout_flow.status_path, order["id"]), headers=auth),
                                    "the refunded order")
    expect.no_findings(evaluate_checkout_records(after_refund, checkout_flow.refunded_status, razorpay_config.amount,
                                                 {"invoice": 1, "credit_note": 1}),
                       "the refund is not booked exactly once", where=checkout_flow.status_path)
    at_razorpay = expect.json_body(provider.payment(checkout["razorpay_payment_id"]), "the payment at Razorpay")
    expect.true(at_razorpay.get("amount_refunded") == razorpay_config.amount,
                "the refund never reached Razorpay", expected=f"amount_refunded {razorpay_config.amount} at Razorpay",
                found=f"amount_refunded {at_razorpay.get('amount_refunded')}, status {at_razorpay.get('status')}",
                where=f"payment {checkout['razorpay_payment_id']}",
                fix="call POST /v1/payments/:id/refund and book the refund only with the refund id Razorpay answers")
