"""The WhatsApp tracker's closed-beta plan (runbook section 6) and its data gate (section 7).

Each check sets up its own tagged test family through WhatsApp (``setup``), drives the bot with
correctly signed Cloud API deliveries, reads the replies the tracker sent, and deletes the family
through the tracker's own data deletion at teardown.
"""

import secrets
from datetime import UTC, date, datetime

from golive import check, expect
from golive.probes import signatures, tracker

ALL_REPLIES = "the replies"


def this_month_days(count):
    """``count`` days of the current month (UTC, the tracker's clock) other than today."""
    today = datetime.now(UTC).date()
    return [today.replace(day=day) for day in range(1, 29) if day != today.day][:count]


def calendar(http, family, month=None):
    response = http.get(family.link, params={"month": month or f"{datetime.now(UTC).date():%Y-%m}"})
    expect.status(response, 200, "the family's /mytracker calendar does not open")
    return expect.json_body(response, "the calendar").get("days", {})


def expect_days(http, family, expected, title, fix):
    days = calendar(http, family)
    expect.true(days == expected, title, expected=f"calendar {expected}", found=f"calendar {days}",
                where=family.link.split("/mytracker/")[0] + "/mytracker/…", fix=fix)


def expect_reply(replies, title, *, contains=None, fix):
    text = " | ".join(replies)
    ok = bool(replies) and (contains is None or any(word.lower() in text.lower() for word in contains))
    expect.true(ok, title, expected=f"a reply{' mentioning ' + ' or '.join(contains) if contains else ''}",
                found=text[:300] or "no reply", where="the WhatsApp outbox", fix=fix)
    return text


@check("TRK-BOT-001", "New user setup: 'setup' creates the family and the welcome reaches WhatsApp",
       critical=True, safety="mutating", items=["whatsapp_tracker:BETA-CORE-01", "whatsapp_tracker:ENV-06"])
def test_setup_creates_family(test_family, http):
    export = http.get(f"{test_family.link}/export")
    expect.status(export, 200, "the family 'setup' created has no data",
                  fix="create the user row on setup (service-role write to Supabase)")
    user = expect.json_body(export, "the family's export").get("user", {})
    expect.true(user.get("phone") == test_family.phone, "setup stored another family",
                expected=test_family.phone, found=str(user.get("phone")), where=expect.where(export))


@check("TRK-BOT-002", "Attended/missed logging (single, bulk, calendar save) persists; month reset clears it "
       "from WhatsApp and from the web tracker", critical=True, safety="mutating",
       items=["whatsapp_tracker:BETA-CORE-02", "whatsapp_tracker:BETA-CORE-05", "whatsapp_tracker:BETA-LOW-05",
              "whatsapp_tracker:ENV-02"])
def test_attendance_logging_and_reset(test_family, tracker_driver, http):
    today = datetime.now(UTC).date()
    bulk_a, bulk_b, web_day = this_month_days(3)
    tracker_driver.say(test_family.phone, "attended")
    tracker_driver.say(test_family.phone, f"missed {bulk_a.day},{bulk_b.day}")
    saved = http.post(f"{test_family.link}/save", json={"day": web_day.isoformat(), "status": "attended"},
                      intent="write")
    expect.status(saved, 200, "the calendar save is refused", fix="the web tracker saves with the service role")
    expect_days(http, test_family, {today.isoformat(): "attended", bulk_a.isoformat(): "missed",
                                    bulk_b.isoformat(): "missed", web_day.isoformat(): "attended"},
                "single, bulk and calendar logging did not all persist",
                fix="store every day of a bulk message and every calendar tap")

    tracker_driver.say(test_family.phone, "reset_month")
    expect_days(http, test_family, {}, "reset_month from WhatsApp left days in the month",
                fix="delete the month's rows whatever their source (WhatsApp or web)")

    http.post(f"{test_family.link}/save", json={"day": web_day.isoformat(), "status": "missed"}, intent="write")
    reset = http.post(f"{test_family.link}/reset", json={"month": f"{today:%Y-%m}"}, intent="write")
    expect.status(reset, 200, "the web tracker's month reset is refused")
    expect_days(http, test_family, {}, "the web tracker's month reset left days in the month",
                fix="delete the month's rows whatever their source (WhatsApp or web)")


@check("TRK-BOT-003", "A voice note gets the fallback reply", safety="mutating",
       items=["whatsapp_tracker:BETA-CORE-03"])
def test_voice_note_fallback(test_family, tracker_driver):
    tracker_driver.replies(test_family.phone)
    tracker_driver.deliver(tracker.inbound_voice(test_family.phone, name=test_family.name,
                                                 message_id=f"wamid.golive{secrets.token_hex(10)}",
                                                 media_id=f"golive-media-{secrets.token_hex(6)}"))
    expect_reply(tracker_driver.replies(test_family.phone), "a voice note got no fallback reply",
                 fix="answer voice notes with the text fallback (type attended / missed)")


@check("TRK-BOT-004", "The weekly digest is sent and the report endpoint returns a PDF", safety="mutating",
       items=["whatsapp_tracker:BETA-CORE-04"])
def test_weekly_digest_and_report(test_family, tracker_driver, tracker_config):
    tracker_driver.say(test_family.phone, "attended")
    run = tracker_driver.internal(tracker_config.reminder, intent="write", kind="weekly_digest",
                                  phone=test_family.phone)
    expect.status(run, 200, "the weekly digest job does not run", fix="fix tracker.reminder and REMINDER_TOKEN")
    expect_reply(tracker_driver.replies(test_family.phone), "the weekly digest was not sent",
                 contains=["digest", "week"], fix="send each family its digest through the Cloud API")
    report = tracker_driver.internal(tracker_config.report, phone=test_family.phone)
    expect.status(report, 200, "the report endpoint refuses the family's report")
    expect.no_findings(tracker.pdf_findings(report.headers.get("content-type", ""), report.content),
                       "the report is not a PDF", where=expect.where(report))


@check("TRK-BOT-005", "Parent and therapist invites are sent; one accepted and one rejected end as answered",
       safety="mutating", items=["whatsapp_tracker:BETA-ROLE-01", "whatsapp_tracker:BETA-ROLE-02"])
def test_invites(test_family, tracker_driver, http, compensate):
    parent, therapist = tracker_driver.test_phone(), tracker_driver.test_phone()
    for invitee in (parent, therapist):
        compensate.undo_link(f"delete invitee {invitee}", tracker_driver.service.url("/"), invitee, "/data",
                             ok=(200, 202, 204, 404))
    tracker_driver.say(test_family.phone, f"invite_parent {parent}")
    tracker_driver.say(test_family.phone, f"invite_therapist {therapist}")
    for invitee, role in ((parent, "parent"), (therapist, "therapist")):
        expect_reply(tracker_driver.replies(invitee), f"the {role} got no invite", contains=["invite"],
                     fix="message the invitee through the Cloud API")
    tracker_driver.say(parent, "accept_invite")
    tracker_driver.say(therapist, "reject_invite")
    export = expect.json_body(http.get(f"{test_family.link}/export"), "the family's export")
    statuses = {member.get("member"): member.get("status") for member in export.get("members", [])}
    expected = {parent: "accepted", therapist: "rejected"}
    expect.true(statuses == expected, "invite answers did not end with the right membership",
                expected=str(expected), found=str(statuses), where="the family's export",
                fix="record accept as accepted and reject as rejected; a rejected member gets no access")


@check("TRK-PAY-001", "go_pro_199/499 reply with payment links of the right amounts; a signed payment "
       "webhook marks the link paid; payment_status and reconcile_payment report the true state",
       critical=True, safety="mutating", items=["whatsapp_tracker:BETA-PAY-01", "whatsapp_tracker:BETA-PAY-03",
                                                "whatsapp_tracker:ENV-10"])
def test_pro_payment_links(test_family, tracker_driver, tracker_config, tracker_payment_webhook, http):
    hook = tracker_payment_webhook
    links = {}
    for plan, paise in tracker_config.plans.items():
        reply = " ".join(tracker_driver.say(test_family.phone, plan)) or None
        expect.no_findings(tracker.payment_link_findings(plan, paise, reply), f"{plan} link is wrong",
                           where="the WhatsApp outbox")
        links[plan] = (tracker.payment_id_in(reply), paise)
    # the latest link is paid: payment_status reports the latest payment
    paid_plan, (paid_id, paid_amount) = list(links.items())[-1]
    url = tracker_driver.url(hook.path)
    body = tracker.payment_link_paid(paid_id, paid_amount, payment_id=f"pay_golive{secrets.token_hex(5)}")
    headers, sent = signatures.signed_request("razorpay", hook.secret, body, url=url)
    delivered = http.post(url, content=sent, intent="write", headers={
        **headers, "Content-Type": "application/json", "x-razorpay-event-id": f"evt_golive{secrets.token_hex(6)}"})
    expect.no_findings(signatures.evaluate_webhook_response("razorpay", None, delivered.status_code),
                       "a correctly signed payment event is refused", where=expect.where(delivered))
    status = expect_reply(tracker_driver.say(test_family.phone, "payment_status"), "payment_status got no reply",
                          fix="answer payment_status with the latest payment's state")
    expect.true(tracker.payment_state_in(status) == "paid", "payment_status does not show the paid link",
                expected=f"{paid_id}: paid", found=status[:200], where="the WhatsApp outbox",
                fix="mark the payment link paid on payment_link.paid (RAZORPAY_WEBHOOK_SECRET)")
    for plan, (payment_id, _) in links.items():
        expected = "paid" if plan == paid_plan else "created"
        reply = " ".join(tracker_driver.say(test_family.phone, f"reconcile_payment {payment_id}"))
        expect.true(tracker.payment_state_in(reply) == expected, f"reconcile_payment {plan} reports a wrong state",
                    expected=f"{payment_id}: {expected}", found=reply[:200] or "no reply", where="the WhatsApp outbox",
                    fix="reconcile against the payment link's real state")


@check("TRK-BOT-006", "'language', 'lang:en|hi|te', 'theme' and 'theme:sunrise|ocean|forest' switch the "
       "reply language and the tracker theme", safety="mutating",
       items=["whatsapp_tracker:BETA-LOW-01", "whatsapp_tracker:BETA-LOW-02"])
def test_language_and_theme(test_family, tracker_driver, http):
    expect_reply(tracker_driver.say(test_family.phone, "language"), "'language' got no answer",
                 contains=["lang:"], fix="list the languages (lang:en, lang:hi, lang:te)")
    for language in ("hi", "te", "en"):
        reply = " ".join(tracker_driver.say(test_family.phone, f"lang:{language}"))
        expect.true(bool(reply) and tracker.language_of(reply) == language, f"lang:{language} did not switch",
                    expected=f"a reply in {language}", found=reply[:200] or "no reply", where="the WhatsApp outbox",
                    fix="store the language and answer in it")
    expect_reply(tracker_driver.say(test_family.phone, "theme"), "'theme' got no answer", contains=["theme:"],
                 fix="list the themes (theme:sunrise, theme:ocean, theme:forest)")
    for theme in ("ocean", "forest", "sunrise"):
        tracker_driver.say(test_family.phone, f"theme:{theme}")
        shown = expect.json_body(http.get(test_family.link), "the calendar").get("theme")
        expect.true(shown == theme, f"theme:{theme} did not switch the tracker", expected=theme, found=str(shown),
                    where="the family's /mytracker page", fix="store the theme the family chose")


@check("TRK-BOT-007", "'my_referral', 'redeem <code>', 'apply_coupon <code>' answer valid and invalid codes "
       "correctly; 'streak' counts the current streak", safety="mutating",
       items=["whatsapp_tracker:BETA-LOW-03", "whatsapp_tracker:BETA-LOW-04"])
def test_referral_coupon_streak(test_family, tracker_driver, tracker_config, http, compensate):
    code = http.get(f"{test_family.link}/export").json().get("user", {}).get("referral_code", "")
    expect_reply(tracker_driver.say(test_family.phone, "my_referral"), "my_referral does not show the code",
                 contains=[code or "(no code exported)"], fix="reply with the family's referral code")
    friend = tracker_driver.test_phone()
    compensate.undo_link(f"delete test family {friend}", tracker_driver.service.url("/"), friend, "/data",
                         ok=(200, 202, 204, 404))
    tracker_driver.say(friend, "setup", name=compensate.tag)
    invalid = f"GOLIVE{secrets.token_hex(3).upper()}"
    for command, valid in ((f"redeem {code}", True), (f"redeem {invalid}", False),
                           (f"apply_coupon {tracker_config.coupon}", True), (f"apply_coupon {invalid}", False)):
        if tracker_config.coupon is None and command.startswith("apply_coupon") and valid:
            continue
        reply = " ".join(tracker_driver.say(friend, command))
        refused = "invalid" in reply.lower()
        expect.true(bool(reply) and refused != valid, f"'{command.split()[0]}' answers a "
                    f"{'valid' if valid else 'invalid'} code wrongly", expected="accepted" if valid else "refused "
                    "as invalid", found=reply[:200] or "no reply", where="the WhatsApp outbox",
                    fix="look the code up; refuse unknown codes with a clear message")
    yesterday = date.fromordinal(datetime.now(UTC).date().toordinal() - 1)
    tracker_driver.say(test_family.phone, f"attended {yesterday.isoformat()}")
    tracker_driver.say(test_family.phone, "attended")
    reply = " ".join(tracker_driver.say(test_family.phone, "streak"))
    expect.true("2" in reply.split(), "streak does not count today and yesterday", expected="a streak of 2 days",
                found=reply[:200] or "no reply", where="the WhatsApp outbox",
                fix="count consecutive attended days ending today")


@check("TRK-DATA-001", "A family's data export returns their data and deletion removes all of it",
       critical=True, safety="mutating", items=["whatsapp_tracker:GATE-06"])
def test_data_export_and_delete(test_family, tracker_driver, http):
    today = datetime.now(UTC).date().isoformat()
    tracker_driver.say(test_family.phone, "attended")
    export = http.get(f"{test_family.link}/export")
    expect.status(export, 200, "the family's data export fails")
    expect.no_findings(tracker.export_findings(expect.json_body(export, "the export"), test_family.phone,
                                               {today: "attended"}), "the data export is incomplete",
                       where=expect.where(export))
    deleted = http.delete(f"{test_family.link}/data", intent="write")
    expect.status(deleted, {200, 202, 204}, "the family's data deletion fails")
    expect.status(http.get(f"{test_family.link}/export"), 404, "the export still finds the deleted family",
                  fix="delete the family's user row")
    expect_days(http, test_family, {}, "attendance survived the family's deletion",
                fix="delete every table's rows of the family (ON DELETE CASCADE or explicit deletes)")
