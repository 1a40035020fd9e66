"""Steps 5-8 of the seeds' post-deployment verification (RealServ): a test buyer account is created,
orders end to end, pays and is notified (e-mail, WhatsApp), and the order reads back as written; a
test vendor account is created and fulfils an order. Everything created is tagged and undone."""

from __future__ import annotations

from golive import check, expect
from golive.probes.marketplace import notification_findings, order_findings

TEST_PAYMENT_PAISE = 100  # the checklist's Rs 1 test payment


@check("MKT-BUY-001", "A new buyer orders from the catalog, pays and is notified", critical=True, safety="money",
       items=["realserv:TEST-E2E-01", "realserv:DEP-POST-01", "realserv:DEP-POST-03", "realserv:DEP-POST-05",
              "realserv:DEP-POST-08", "realserv:OPS-MON-06",
              "realserv:DEP-STG-03"])
def test_buyer_orders_pays_and_is_notified(marketplace):
    buyer = marketplace.sign_up_buyer()
    catalog = marketplace.catalog(buyer)
    expect.true(bool(catalog), "the catalog is empty", expected="products to order", found="none", where="catalog",
                fix="load the launch catalog before go-live")
    product = catalog[0]
    order = marketplace.place_order(buyer, product, quantity=2)
    marketplace.pay(buyer, order)
    expect.no_findings(order_findings(marketplace.order(buyer, order["id"]), product, 2, "paid"),
                       "the paid order read back differs from what was ordered", where=f"order {order['id']}")
    expect.no_findings(notification_findings(marketplace.notifications(buyer, order["id"]),
                                             marketplace.spec.checkout.notification_channels, "order_paid"),
                       "the buyer was not told about the paid order", where=f"order {order['id']}")


@check("MKT-VENDOR-001", "A new vendor registers, passes KYC and fulfils an order", critical=True, safety="money",
       items=["realserv:TEST-E2E-02", "realserv:DEP-POST-02", "realserv:DEP-STG-03"])
def test_vendor_registers_passes_kyc_and_fulfils(marketplace):
    vendor = marketplace.sign_in(*marketplace.create_user("vendor"))
    marketplace.register_vendor(vendor)
    marketplace.submit_kyc(vendor)
    marketplace.approve_kyc(vendor)
    kyc = marketplace.vendor_record(vendor).get("kyc_status")
    expect.true(kyc == "approved", "the approved vendor is not approved", expected="kyc_status approved",
                found=repr(kyc), where=f"vendor {vendor.email}", fix="VendorService must save the admin's KYC decision")
    product = marketplace.list_product(vendor, price_paise=TEST_PAYMENT_PAISE)
    buyer = marketplace.existing(marketplace.spec.customer_role)
    order = marketplace.place_order(buyer, product, quantity=1)
    marketplace.pay(buyer, order)
    shipped = marketplace.ship(vendor, order)
    expect.true(shipped.get("status") == "shipped", "the order did not ship", expected="status shipped",
                found=repr(shipped.get("status")), where=f"order {order['id']}")
