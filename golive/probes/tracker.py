"""The WhatsApp tracker: inbound messages golive sends, and what its answers must show.

Pure functions: WhatsApp Cloud API inbound envelopes and Razorpay payment-link events (bytes to
sign and send), and evaluations of the Supabase schema, row-level security, bot replies, the
report PDF and the data export.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

from golive.probes.findings import Finding

_RUPEES = re.compile(r"(?:Rs\.?|INR|₹)\s*([0-9][0-9,]*)", re.IGNORECASE)
_PAYMENT_ID = re.compile(r"\b(plink_[A-Za-z0-9]+|pay_[A-Za-z0-9]+)\b")
_LINK = re.compile(r"https://\S+")


# --- what golive sends -----------------------------------------------------------------------------

def _envelope(phone: str, name: str, message: dict[str, Any]) -> bytes:
    wa_id = phone.lstrip("+")
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "0", "phone_number_id": "0"},
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": [{"from": wa_id, "timestamp": str(int(time.time())), **message}]}}]}]},
        separators=(",", ":")).encode()


def inbound_text(phone: str, text: str, *, name: str, message_id: str) -> bytes:
    """A text message from ``phone`` as the Cloud API delivers it to the webhook."""
    return _envelope(phone, name, {"id": message_id, "type": "text", "text": {"body": text}})


def inbound_voice(phone: str, *, name: str, message_id: str, media_id: str) -> bytes:
    """A voice note (type audio, voice true) from ``phone``."""
    return _envelope(phone, name, {"id": message_id, "type": "audio",
                                   "audio": {"id": media_id, "mime_type": "audio/ogg; codecs=opus", "voice": True}})


def payment_link_paid(link_id: str, amount: int, *, payment_id: str) -> bytes:
    """Razorpay's ``payment_link.paid`` event for a link (amounts in paise)."""
    return json.dumps({
        "entity": "event", "account_id": "acc_golive", "event": "payment_link.paid",
        "contains": ["payment_link", "order", "payment"], "created_at": int(time.time()),
        "payload": {
            "payment_link": {"entity": {"id": link_id, "entity": "payment_link", "amount": amount,
                                        "amount_paid": amount, "currency": "INR", "status": "paid"}},
            "payment": {"entity": {"id": payment_id, "entity": "payment", "amount": amount, "currency": "INR",
                                   "status": "captured", "captured": True, "method": "upi"}},
        }}, separators=(",", ":")).encode()


# --- reading replies -----------------------------------------------------------------------------

def reply_texts(messages: Iterable[Mapping[str, Any]]) -> list[str]:
    """The bodies of Cloud API message objects (``{"type": "text", "text": {"body": ...}}``)."""
    texts = []
    for message in messages:
        kind = message.get("type", "text")
        part = message.get(kind) if isinstance(message.get(kind), Mapping) else {}
        texts.append(str((part or {}).get("body", "")))
    return texts


def rupees_in(text: str) -> int | None:
    """The first rupee amount in a reply (``Rs 199``, ``₹499``, ``INR 1,999``), in paise."""
    match = _RUPEES.search(text)
    return int(match.group(1).replace(",", "")) * 100 if match else None


def payment_id_in(text: str) -> str | None:
    match = _PAYMENT_ID.search(text)
    return match.group(1) if match else None


def link_in(text: str) -> str | None:
    match = _LINK.search(text)
    return match.group(0).rstrip(").,") if match else None


def payment_link_findings(plan: str, expected_paise: int, reply: str | None) -> list[Finding]:
    """A go_pro_* reply must carry an https payment link, its id and the plan's price."""
    if reply is None:
        return [Finding("payment-link-no-reply", f"a reply to {plan} with a payment link", "no reply",
                        "send the Razorpay payment link back through the Cloud API")]
    findings = []
    if link_in(reply) is None or payment_id_in(reply) is None:
        findings.append(Finding("payment-link-missing", f"an https payment link and its id in the {plan} reply",
                                reply[:200], "create a Razorpay payment link and reply with its short_url"))
    amount = rupees_in(reply)
    if amount != expected_paise:
        findings.append(Finding("payment-link-wrong-amount", f"{plan}: Rs {expected_paise // 100}",
                                f"Rs {amount // 100}" if amount is not None else f"no amount in {reply[:200]!r}",
                                f"create the {plan} link for {expected_paise} paise"))
    return findings


# --- Supabase schema and row-level security ------------------------------------------------------

def schema_findings(description: Mapping[str, Any], migrations: Mapping[str, Mapping[str, list[str]]]) -> list[Finding]:
    """Every migration's tables and columns in PostgREST's OpenAPI description (``definitions``)."""
    definitions = description.get("definitions")
    if not isinstance(definitions, Mapping):
        return [Finding("schema-description-unreadable", "an OpenAPI description with definitions",
                        f"keys {sorted(description)[:8]}", "point tracker.supabase.rest_url at <SUPABASE_URL>/rest/v1")]
    findings = []
    for migration, tables in migrations.items():
        for table, columns in tables.items():
            definition = definitions.get(table)
            if not isinstance(definition, Mapping):
                findings.append(Finding("migration-table-missing", f"table {table} (created by {migration})",
                                        "not in the schema", f"apply {migration} to this Supabase project"))
                continue
            present = set((definition.get("properties") or {}).keys())
            missing = [column for column in columns if column not in present]
            if missing:
                findings.append(Finding("migration-column-missing", f"{table}.{', '.join(columns)} ({migration})",
                                        f"missing {', '.join(missing)}", f"apply {migration} (or the migration "
                                        "that adds these columns) to this Supabase project"))
    return findings


def rls_findings(table: str, *, service_rows: int | None, anon_status: int, anon_rows: int | None,
                 write_status: int) -> list[Finding]:
    """Row-level security: the anon key reads nothing and may not insert."""
    findings = []
    if anon_status == 200 and anon_rows:
        findings.append(Finding("rls-anon-reads-rows", f"no rows of {table} for the anon key",
                                f"{anon_rows} rows (the service role sees {service_rows})",
                                "apply database_rls_hardening.sql: enable RLS and grant anon nothing"))
    if 200 <= write_status < 300:
        findings.append(Finding("rls-anon-writes", f"an anon insert into {table} refused (401/403)",
                                f"HTTP {write_status}", "enable RLS on the table and define no anon insert policy"))
    elif write_status >= 500:
        findings.append(Finding("rls-write-error", f"an anon insert into {table} refused (401/403)",
                                f"HTTP {write_status}", "refuse with the RLS policy, not a server error"))
    return findings


# --- report and data export ----------------------------------------------------------------------

def pdf_findings(content_type: str, body: bytes) -> list[Finding]:
    if "application/pdf" not in content_type.lower() or not body.startswith(b"%PDF-") or b"%%EOF" not in body[-1024:]:
        return [Finding("report-not-pdf", "application/pdf starting with %PDF- and ending with %%EOF",
                        f"{content_type or 'no content type'}, {body[:8]!r}… ({len(body)} bytes)",
                        "render the report as a PDF and send it with Content-Type application/pdf")]
    return []


def export_findings(export: Mapping[str, Any], phone: str, days: Mapping[str, str]) -> list[Finding]:
    """A family's export names the family and carries the attendance golive logged."""
    findings = []
    user = export.get("user") if isinstance(export.get("user"), Mapping) else {}
    if (user or {}).get("phone") != phone:
        findings.append(Finding("export-wrong-family", f"the export of {phone}",
                                f"user {(user or {}).get('phone')!r}", "export the family the link names"))
    exported = {row.get("day"): row.get("status") for row in export.get("attendance") or [] if isinstance(row, Mapping)}
    missing = {day: status for day, status in days.items() if exported.get(day) != status}
    if missing:
        findings.append(Finding("export-incomplete", f"attendance {dict(sorted(days.items()))}",
                                f"exported {dict(sorted(exported.items()))}", "export every table the family has rows in"))
    return findings


_PAYMENT_STATES = re.compile(r"\b(created|issued|partially_paid|paid|expired|cancelled|failed)\b", re.IGNORECASE)
_SCRIPTS = {"hi": re.compile(r"[\u0900-\u097F]"), "te": re.compile(r"[\u0C00-\u0C7F]")}


def payment_state_in(text: str) -> str | None:
    """The payment state a payment_status / reconcile reply reports (its last state word)."""
    states = _PAYMENT_STATES.findall(text)
    return states[-1].lower() if states else None


def language_of(text: str) -> str:
    """``hi`` (Devanagari), ``te`` (Telugu) or ``en`` (neither): what script a reply is written in."""
    for language, pattern in _SCRIPTS.items():
        if pattern.search(text):
            return language
    return "en"
