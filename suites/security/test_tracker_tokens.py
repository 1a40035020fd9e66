"""The WhatsApp tracker's internal endpoints (runbook section 2): the report endpoint demands
INTERNAL_REPORT_TOKEN and the reminder endpoint REMINDER_TOKEN; a missing or wrong token is refused."""

import secrets

from golive import check, expect

CALLERS = {"no token": None, "a wrong token": "golive-wrong-token", "the other endpoint's token": "swap"}


def refused_callers(endpoint, other_token):
    """(caller, headers) of every caller that must be refused."""
    answers = []
    for caller, token in CALLERS.items():
        if token == "swap":
            token = other_token
        elif token:
            token = f"{token}-{secrets.token_hex(6)}"
        headers = {endpoint.header: token} if token else {}
        answers.append((caller, headers))
    return answers


@check("TRK-TOKEN-001", "The internal report and reminder endpoints refuse a missing or wrong token",
       critical=True, safety="probe", items=["whatsapp_tracker:ENV-08", "whatsapp_tracker:ENV-09"])
def test_internal_tokens(tracker_config, tracker_driver, http):
    report, reminder = tracker_config.report, tracker_config.reminder
    for endpoint, other in ((report, reminder.token), (reminder, report.token)):
        url = tracker_driver.url(endpoint.path)
        for caller, headers in refused_callers(endpoint, other):
            # the reminder probes name a phone no family has: even a wrongly accepted call messages nobody
            response = http.request(endpoint.method, url, headers=headers, intent="probe",
                                    params={**endpoint.params, "phone": tracker_driver.test_phone()})
            expect.true(response.status_code in (401, 403), f"{endpoint.method} {endpoint.path} answers {caller}",
                        expected="401 or 403", found=f"HTTP {response.status_code}", where=expect.where(response),
                        fix=f"compare {endpoint.header} with the configured token (constant time) on every call")
    genuine = tracker_driver.internal(report)
    expect.status(genuine, 200, f"{report.path} refuses INTERNAL_REPORT_TOKEN",
                  fix="the env's INTERNAL_REPORT_TOKEN must be the one the service runs with")
