"""Step 6: the Rs 1 test payment, captured, refunded and reconciled: through the marketplace's
payment service (MKT-REFUND-001; the system's own Razorpay checkout is test_06_rs1_checkout.py).

With a test key golive pays the checkout itself. With a live key no code can pay: a person pays a
Razorpay payment link golive shows (QR code in the terminal and the report) within the payment
window, and golive proves the chain link by link; nobody paying leaves the check unverified, the
order and the link cancelled.

``money``: in production it needs --allow-writes --confirm-live-payment. The payment is refunded
(through the system, or directly at Razorpay when the system does not).
"""

from __future__ import annotations

from golive import check, expect
from golive.probes.live_payment import chain_findings
from golive.probes.marketplace import notification_findings, refund_findings

TEST_PAYMENT_PAISE = 100  # the checklist's Rs 1 test payment


@check("MKT-REFUND-001", "A Rs 1 payment is captured, refunded and reconciled", critical=True, safety="money",
       items=["realserv:DEP-POST-04", "realserv:TEST-E2E-05", "realserv:DEP-STG-03"])
def test_rs1_payment_is_refunded_and_reconciled(marketplace_flows, request):
    marketplace = marketplace_flows
    vendor, buyer = marketplace.existing(marketplace.spec.vendor_role), marketplace.existing(marketplace.spec.customer_role)
    product = marketplace.list_product(vendor, price_paise=TEST_PAYMENT_PAISE)
    order = marketplace.place_order(buyer, product, quantity=1)
    if marketplace.live_key:
        return paid_by_a_person(marketplace, request.getfixturevalue("assisted_payment"), buyer, order)
    marketplace.pay(buyer, order)
    marketplace.cancel(order)
    expect.no_findings(refund_findings(marketplace.order(buyer, order["id"]), marketplace.payment_of(buyer, order["id"]),
                                       TEST_PAYMENT_PAISE),
                       "the refund does not reconcile", where=f"order {order['id']}")
    expect.no_findings(notification_findings(marketplace.notifications(buyer, order["id"]),
                                             marketplace.spec.checkout.notification_channels, "refund_processed"),
                       "the buyer was not told about the refund", where=f"order {order['id']}")


def paid_by_a_person(marketplace, payer, buyer, order):
    """Live key: the order through the system's checkout, a payment link a person pays, then the chain."""
    record = payer.paid_by_a_person(marketplace, buyer, order, marketplace.open_checkout(buyer, order))
    for link_name, findings in chain_findings(record, TEST_PAYMENT_PAISE, marketplace.spec.checkout.notification_channels):
        expect.no_findings(findings, f"the live Rs 1 payment chain breaks at: {link_name}",
                           where=f"order {order['id']}, payment {record.payment_id}")
