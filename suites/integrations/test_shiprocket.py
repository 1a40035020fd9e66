"""Shiprocket with the configured seller account: login, create a shipment, track it, cancel it.

Shiprocket has no sandbox: the order is real, so it is cancelled at once (also when the check fails).
"""

import pytest

from golive import check, expect
from golive.ledger import run_tag
from golive.providers.shiprocket import ShiprocketClient


@pytest.fixture
def shiprocket(http, shiprocket_config):
    client = ShiprocketClient(http, shiprocket_config)
    created: list[int] = []
    yield client, created
    for order_id in created:  # compensation: a cancel of an already cancelled order is harmless
        client.cancel(order_id)


@check("INT-SHIPROCKET-001", "Shiprocket: login, create a shipment, assign an AWB, track it and cancel it",
       safety="mutating", items=["arogya:S5-TASK-04"], gates=["S5"])
def test_shipment_lifecycle(shiprocket):
    client, created = shiprocket
    expect.status(client.login(), 200, "Shiprocket refuses the configured login",
                  fix="configure the API user's e-mail and password (Settings > API)")
    response = client.create_order(run_tag()[:50])
    expect.status(response, 200, "Shiprocket refuses to create a shipment",
                  fix="configure a pickup location that exists and is verified in the Shiprocket panel")
    order = expect.json_body(response, "the created order")
    created.append(order["order_id"])
    assigned = client.assign_awb(order["shipment_id"])
    expect.status(assigned, 200, "no AWB could be assigned to the shipment")
    awb = ((expect.json_body(assigned, "the AWB assignment").get("response") or {}).get("data") or {}).get("awb_code")
    tracked = client.track(str(awb))
    expect.status(tracked, 200, "the shipment cannot be tracked")
    tracking = expect.json_body(tracked, "the tracking").get("tracking_data") or {}
    expect.true(tracking.get("track_status") == 1, "Shiprocket does not track the new shipment",
                expected="tracking_data.track_status 1", found=expect.snippet(tracked), where=expect.where(tracked))
    expect.status(client.cancel(order["order_id"]), 200, "the test shipment cannot be cancelled",
                  fix="cancel it by hand in the Shiprocket panel")
    shown = expect.json_body(client.show(order["order_id"]), "the cancelled order").get("data") or {}
    expect.true(shown.get("status") == "CANCELED", "the test shipment is not cancelled", expected="status CANCELED",
                found=f"status {shown.get('status')}", where=f"order {order['order_id']}")
