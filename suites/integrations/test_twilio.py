"""Twilio Verify with the configured service: a wrong code stays pending, the right one approves."""

from golive import check, expect, required
from golive.probes.providers import evaluate_verification_states
from golive.providers.twilio import TwilioVerifyClient


@check("INT-TWILIO-001", "Twilio Verify: an OTP to the test number stays pending on a wrong code and approves "
       "on the right one", safety="mutating", items=["arogya:S5-TASK-02", "realserv:CFG-EXT-07"], gates=["S5"])
def test_verify_otp(http, twilio_config):
    code = required(twilio_config.test_code, "the fixed code of the Twilio test number (integrations.twilio.test_code)")
    client = TwilioVerifyClient(http, twilio_config)
    sent = client.send()
    expect.status(sent, 201, "Twilio Verify does not send an OTP with the configured service",
                  fix="configure the current TWILIO_VERIFY_SERVICE_SID, account SID and auth token")
    expect.true(expect.json_body(sent, "the verification").get("status") == "pending", "the new OTP is not pending",
                expected="status pending", found=expect.snippet(sent), where=expect.where(sent))
    wrong = "000000" if code != "000000" else "111111"
    after_wrong = client.check(wrong)
    expect.status(after_wrong, 200, "checking a wrong code fails outright")
    after_right = client.check(code)
    expect.status(after_right, 200, "checking the right code fails")
    expect.no_findings(evaluate_verification_states(after_wrong.json().get("status"), after_right.json().get("status")),
                       "Twilio Verify states are wrong", where=expect.where(after_right))
