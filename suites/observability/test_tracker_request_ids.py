"""REQUEST_LOGGING=true (runbook sections 3 and 8): every answer carries a request id, echoing the
caller's, so a failed request can be found in the incident log by its x-request-id."""

import secrets

from golive import check, expect, required


@check("TRK-OBS-001", "Every answer, failed ones included, carries x-request-id and echoes the caller's",
       safety="probe", items=["whatsapp_tracker:HARD-01", "whatsapp_tracker:ROLLBACK-04"])
def test_request_ids_echoed(tracker_config, tracker_driver, http):
    header = required(tracker_config.request_id_header, "the request id header (tracker.request_id_header)")
    service = tracker_driver.service
    live = required(service.health.live, f"a liveness path for {service.name}")
    calls = {
        "a healthy GET": lambda headers: http.get(service.url(live), headers=headers),
        # a failed request is what the incident log needs the id for: an unsigned delivery is refused
        "a refused webhook delivery": lambda headers: http.post(
            tracker_driver.url(tracker_driver.whatsapp.path), content=b'{"object":"whatsapp_business_account"}',
            headers={**headers, "Content-Type": "application/json"}, intent="probe"),
    }
    for what, call in calls.items():
        sent = f"golive-{secrets.token_hex(12)}"
        response = call({header: sent})
        echoed = response.headers.get(header)
        expect.true(echoed == sent, f"{what} does not echo {header}", expected=f"{header}: {sent}",
                    found=f"HTTP {response.status_code}, {header}: {echoed}", where=expect.where(response),
                    fix="set REQUEST_LOGGING=true: accept a sane caller id, else make one; return it on every answer")
