"""golive/probes/tracker.py against fixed vectors."""

from __future__ import annotations

import json

from golive.probes import tracker

MIGRATIONS = {"database.sql": {"users": ["phone", "plan"]}, "database_voice_notes_hardening.sql": {"voice_notes": ["phone"]}}


def names(findings):
    return [finding.name for finding in findings]


def test_inbound_text_is_a_cloud_api_delivery():
    body = json.loads(tracker.inbound_text("+919812345678", "setup", name="golive-run", message_id="wamid.1"))
    value = body["entry"][0]["changes"][0]["value"]
    assert body["object"] == "whatsapp_business_account"
    assert value["messages"][0] | {"timestamp": "0"} == {"from": "919812345678", "timestamp": "0", "id": "wamid.1",
                                                          "type": "text", "text": {"body": "setup"}}
    assert value["contacts"][0]["profile"]["name"] == "golive-run"


def test_inbound_voice_is_audio():
    body = json.loads(tracker.inbound_voice("+919812345678", name="n", message_id="wamid.2", media_id="m9"))
    message = body["entry"][0]["changes"][0]["value"]["messages"][0]
    assert message["type"] == "audio" and message["audio"]["id"] == "m9" and message["audio"]["voice"] is True


def test_payment_link_paid_event():
    event = json.loads(tracker.payment_link_paid("plink_abc", 19900, payment_id="pay_x"))
    assert event["event"] == "payment_link.paid"
    assert event["payload"]["payment_link"]["entity"] == {"id": "plink_abc", "entity": "payment_link", "amount": 19900,
                                                          "amount_paid": 19900, "currency": "INR", "status": "paid"}


def test_reply_parsing():
    assert tracker.reply_texts([{"type": "text", "text": {"body": "hi"}}, {"type": "document"}]) == ["hi", ""]
    assert tracker.rupees_in("Upgrade for Rs 199: https://rzp.io/i/x") == 19900
    assert tracker.rupees_in("pay ₹1,499 now") == 149900
    assert tracker.rupees_in("no amount") is None
    assert tracker.payment_id_in("link (payment plink_Ab12)") == "plink_Ab12"
    assert tracker.link_in("see https://rzp.io/i/abc).") == "https://rzp.io/i/abc"
    assert tracker.payment_state_in("Payment plink_1 (go_pro_199, Rs 199): paid.") == "paid"
    assert tracker.payment_state_in("Reconciled: Payment plink_2 created.") == "created"
    assert tracker.payment_state_in("nothing") is None
    assert tracker.language_of("भाषा हिंदी") == "hi"
    assert tracker.language_of("భాష తెలుగు") == "te"
    assert tracker.language_of("Language set to English.") == "en"


def test_payment_link_findings():
    good = "Upgrade to Pro for Rs 499: https://rzp.io/i/q (payment plink_9)"
    assert tracker.payment_link_findings("go_pro_499", 49900, good) == []
    assert names(tracker.payment_link_findings("go_pro_499", 49900, good.replace("499", "199"))) == [
        "payment-link-wrong-amount"]
    assert names(tracker.payment_link_findings("go_pro_199", 19900, "Rs 199")) == ["payment-link-missing"]
    assert names(tracker.payment_link_findings("go_pro_199", 19900, None)) == ["payment-link-no-reply"]


def test_schema_findings():
    healthy = {"definitions": {"users": {"properties": {"phone": {}, "plan": {}}},
                               "voice_notes": {"properties": {"phone": {}}}}}
    assert tracker.schema_findings(healthy, MIGRATIONS) == []
    missing_table = {"definitions": {"users": {"properties": {"phone": {}, "plan": {}}}}}
    findings = tracker.schema_findings(missing_table, MIGRATIONS)
    assert names(findings) == ["migration-table-missing"] and "database_voice_notes_hardening.sql" in findings[0].fix
    missing_column = {"definitions": {"users": {"properties": {"phone": {}}}, "voice_notes": {"properties": {"phone": {}}}}}
    assert names(tracker.schema_findings(missing_column, MIGRATIONS)) == ["migration-column-missing"]
    assert names(tracker.schema_findings({"swagger": "2.0"}, MIGRATIONS)) == ["schema-description-unreadable"]


def test_rls_findings():
    assert tracker.rls_findings("users", service_rows=2, anon_status=200, anon_rows=0, write_status=401) == []
    assert tracker.rls_findings("users", service_rows=2, anon_status=401, anon_rows=None, write_status=403) == []
    assert names(tracker.rls_findings("users", service_rows=2, anon_status=200, anon_rows=2, write_status=201)) == [
        "rls-anon-reads-rows", "rls-anon-writes"]
    assert names(tracker.rls_findings("users", service_rows=2, anon_status=200, anon_rows=0, write_status=500)) == [
        "rls-write-error"]


def test_pdf_findings():
    pdf = b"%PDF-1.4\n...\n%%EOF\n"
    assert tracker.pdf_findings("application/pdf", pdf) == []
    assert names(tracker.pdf_findings("text/html", pdf)) == ["report-not-pdf"]
    assert names(tracker.pdf_findings("application/pdf", b"<html>")) == ["report-not-pdf"]


def test_export_findings():
    export = {"user": {"phone": "+911"}, "attendance": [{"day": "2026-11-02", "status": "attended"}]}
    assert tracker.export_findings(export, "+911", {"2026-11-02": "attended"}) == []
    assert names(tracker.export_findings(export, "+912", {"2026-11-02": "attended"})) == ["export-wrong-family"]
    assert names(tracker.export_findings(export, "+911", {"2026-11-03": "missed"})) == ["export-incomplete"]
