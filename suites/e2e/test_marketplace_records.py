"""Database operations through every service's API (RealServ's integration tests): each of the
seven services stores a tagged test record, returns it as sent, and deletes it. Everything is
also registered for undo, so a failed step leaves nothing behind."""

from __future__ import annotations

from golive import check, expect
from golive.outcomes import required
from golive.probes.records import record_trip_findings

TEST_PRICE_PAISE = 100


@check("MKT-DATA-001", "Every service stores, returns and deletes a tagged record", safety="mutating",
       items=["realserv:TEST-INT-01"])
def test_every_service_round_trips_a_tagged_record(marketplace):
    required(marketplace.spec.services.integration, "the IntegrationService (marketplace.services.integration)")
    vendor = marketplace.existing(marketplace.spec.vendor_role)
    buyer = marketplace.existing(marketplace.spec.customer_role)

    product, listed = marketplace.stored_product(vendor, TEST_PRICE_PAISE)
    order, placed = marketplace.stored_order(buyer, listed)
    records = [marketplace.stored_user(), marketplace.stored_vendor(), product, order,
               marketplace.stored_payment_order(buyer, placed), marketplace.stored_order_confirmation(buyer, placed),
               marketplace.stored_subscription()]

    # newest first, so no record is deleted while another still refers to it
    trips = [record.round_trip() for record in reversed(records)]
    expect.no_findings(record_trip_findings(trips), "a service does not store, return and delete its records",
                       where=", ".join(f"{trip.service}: {trip.record}" for trip in reversed(trips)))
