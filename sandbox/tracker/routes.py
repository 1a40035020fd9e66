"""The WhatsApp tracker's HTTP surface (SANDBOX_FLAVOR=whatsapp_tracker).

- ``GET/POST /webhook``: Meta's verify-token handshake and signed (X-Hub-Signature-256) messages
  that drive the bot; replies go to the Cloud API (kept in the outbox).
- ``POST /razorpay/webhook``: signed payment-link events (official razorpay SDK verifies).
- ``/internal/*``: tracker links, reports, outbox (INTERNAL_REPORT_TOKEN), reminder runs
  (REMINDER_TOKEN); the token comes in ``X-Internal-Token`` / ``X-Reminder-Token`` or ``?token=``.
- ``/mytracker/<signed token>``: the family's calendar (save, reset, export, delete).
- ``POST /api/onboarding/validate``: the sign-up form's dry-run validation (stores nothing).
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import re
import time
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sandbox.provider_webhooks import (
    b64url as _b64url,
    event_object,
    handshake_response,
    meta_signature_ok,
    razorpay_signature_ok,
    refuse as _refuse,
    unb64url as _unb64url,
    verify_token_matches,
)
from sandbox.runtime import state_of
from sandbox.settings import RateLimit, Settings
from sandbox.tracker import bot, pdf
from sandbox.tracker.models import (
    TrackerAttendance,
    TrackerOutbox,
    TrackerPayment,
    TrackerUser,
    TrackerWebhookEvent,
    tracker_session,
    user_rows,
)

LINK_TTL_S = 7 * 24 * 3600
# runbook section 3: WEBHOOK_RATE_LIMIT_PER_MIN=120 (per sender), RAZORPAY_RATE_LIMIT_PER_MIN=60
# (per client), TRACKER_WRITE_RATE_LIMIT_PER_MIN=90 (per tracker link)
WEBHOOK_PER_MIN, RAZORPAY_PER_MIN, WRITES_PER_MIN = 120, 60, 90
E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    env = settings.feature_env
    router = APIRouter(tags=["tracker"])

    def today() -> date:
        return datetime.now(UTC).date()

    async def throttled(request: Request, bucket: str, key: str, per_minute: int) -> JSONResponse | None:
        """429 with Retry-After once ``key`` made more than ``per_minute`` requests in its window."""
        if faults.active(f"tracker_{bucket}_rate_limit_missing"):
            return None
        decision = await state_of(request).limiter.hit(f"tracker-{bucket}", key, RateLimit(per_minute, 60))
        if decision.allowed:
            return None
        return JSONResponse({"detail": "Too Many Requests"}, status_code=429,
                            headers={"Retry-After": str(decision.reset_seconds)})

    def client_ip(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    # --- tokens --------------------------------------------------------------------------------

    def token_ok(request: Request, header: str, variable: str) -> bool:
        expected = env.get(variable, "")
        presented = request.headers.get(header) or request.query_params.get("token") or ""
        if not expected or not presented:
            return False
        return hmac.compare_digest(presented.encode(), expected.encode())

    def internal_ok(request: Request) -> bool:
        if faults.active("tracker_internal_report_open"):
            return True  # "the report URL is only shared with the team"
        return token_ok(request, "x-internal-token", "SANDBOX_TRACKER_INTERNAL_REPORT_TOKEN")

    def reminder_ok(request: Request) -> bool:
        if faults.active("tracker_reminder_token_ignored"):
            return bool(request.headers.get("x-reminder-token") or request.query_params.get("token"))
        return token_ok(request, "x-reminder-token", "SANDBOX_TRACKER_REMINDER_TOKEN")

    # --- signed tracker links --------------------------------------------------------------------

    def sign(payload: bytes) -> str:
        secret = env.get("SANDBOX_TRACKER_SHARE_SECRET", "")
        body = _b64url(payload)
        return body + "." + _b64url(hmac.new(secret.encode(), body.encode("ascii"), hashlib.sha256).digest())

    def link_for(phone: str) -> str:
        claims = {"sub": phone[:64], "exp": int(time.time()) + LINK_TTL_S}
        return "/mytracker/" + sign(json.dumps(claims, separators=(",", ":")).encode())

    def open_link(token: str) -> str | None:
        """The link's subject (a phone) when the token is genuine and fresh."""
        if not env.get("SANDBOX_TRACKER_SHARE_SECRET"):
            return None
        body, _, signature = token.partition(".")
        if not faults.active("tracker_share_link_unsigned"):
            expected = sign(_unb64url(body)).partition(".")[2] if body and signature else ""
            if not expected or not hmac.compare_digest(expected.encode(), signature.encode()):
                return None
        try:
            claims = json.loads(_unb64url(body))
        except (ValueError, binascii.Error):
            return None
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int) or claims["exp"] < time.time():
            return None
        return str(claims.get("sub", ""))

    @router.get("/internal/tracker-link")
    def tracker_link(request: Request, subject: str) -> JSONResponse:
        if not internal_ok(request):
            return _refuse(401, "internal token required")
        if not env.get("SANDBOX_TRACKER_SHARE_SECRET"):
            return _refuse(503, "TRACKER_SHARE_SECRET is not configured")
        url = link_for(subject)
        return JSONResponse({"url": url, "expires_in": LINK_TTL_S})

    # --- WhatsApp Cloud API webhook ----------------------------------------------------------------

    @router.get("/webhook")
    def whatsapp_handshake(request: Request) -> Response:
        query = request.query_params
        expected = env.get("SANDBOX_WHATSAPP_VERIFY_TOKEN", "")
        presented = query.get("hub.verify_token") or ""
        token_matches = verify_token_matches(presented, expected)
        if faults.active("tracker_verify_token_prefix_match"):
            # "startswith" instead of equality: an empty or truncated token subscribes any callback
            token_matches = bool(expected) and expected.startswith(presented)
        return handshake_response(query, token_matches)

    def signed_by_meta(raw: bytes, header: str) -> bool:
        secret = env.get("SANDBOX_WHATSAPP_APP_SECRET", "")
        if not header and faults.active("tracker_webhook_unsigned_accepted"):
            return True  # verification runs only when the header is present ("Meta always signs")
        return meta_signature_ok(raw, header, secret)

    @router.post("/webhook")
    async def whatsapp_event(request: Request) -> JSONResponse:
        raw = await request.body()
        if not signed_by_meta(raw, request.headers.get("x-hub-signature-256", "")):
            return _refuse(401, "invalid signature")
        try:
            event = json.loads(raw)
        except ValueError:
            return _refuse(400, "malformed event")
        for sender in sorted({str(message.get("from", "")) for message, _ in inbound_messages(event)}):
            if refused := await throttled(request, "webhook", sender, WEBHOOK_PER_MIN):
                return refused
        handled = sum(1 for message, name in inbound_messages(event) if handle_inbound(request, message, name))
        return JSONResponse({"status": "received", "handled": handled})

    def inbound_messages(event: Any) -> list[tuple[dict[str, Any], str]]:
        """(message, the sender's profile name) of every message in a Cloud API delivery."""
        found = []
        for entry in event.get("entry", []) if isinstance(event, dict) else []:
            for change in entry.get("changes", []) if isinstance(entry, dict) else []:
                value = change.get("value", {}) if isinstance(change, dict) else {}
                if not isinstance(value, dict):
                    continue
                contacts = value.get("contacts") or [{}]
                first = contacts[0] if isinstance(contacts, list) and isinstance(contacts[0], dict) else {}
                name = str((first.get("profile") or {}).get("name", ""))
                found += [(message, name) for message in value.get("messages") or [] if isinstance(message, dict)]
        return found

    def handle_inbound(request: Request, message: dict[str, Any], name: str) -> bool:
        phone = bot.normalise_phone(str(message.get("from", "")))
        if phone is None:
            return False
        try:
            with tracker_session(request) as session:
                message_id = str(message.get("id", ""))[:80]
                if message_id:
                    if session.get(TrackerWebhookEvent, message_id) is not None:
                        return False  # Meta retried a message we already answered
                    session.add(TrackerWebhookEvent(event_id=message_id, source="whatsapp", phone=phone))
                bot.handle(bot.BotContext(session, faults, today(), link_for), phone, name, message)
        except IntegrityError:
            return False
        return True

    # --- Razorpay payment webhook -----------------------------------------------------------------

    @router.post("/razorpay/webhook")
    async def razorpay_webhook(request: Request) -> JSONResponse:
        if refused := await throttled(request, "razorpay", client_ip(request), RAZORPAY_PER_MIN):
            return refused
        raw = await request.body()
        if not razorpay_signature_ok(raw, request.headers.get("x-razorpay-signature", ""),
                                     env.get("SANDBOX_RAZORPAY_WEBHOOK_SECRET", "")):
            return _refuse(400, "invalid signature")
        event = event_object(raw)
        if event is None:
            return _refuse(400, "malformed event")
        return JSONResponse({"status": apply_payment(request, event, request.headers.get("x-razorpay-event-id"))})

    def apply_payment(request: Request, event: dict[str, Any], event_id: str | None) -> str:
        payload = event.get("payload") or {}
        link = ((payload.get("payment_link") or {}).get("entity") or {}) if isinstance(payload, dict) else {}
        if event.get("event") != "payment_link.paid" or not isinstance(link.get("id"), str):
            return "ignored"
        try:
            with tracker_session(request) as session:
                if event_id:
                    if session.get(TrackerWebhookEvent, event_id) is not None:
                        return "duplicate_event"
                    processed = TrackerWebhookEvent(event_id=event_id[:80], source="razorpay")
                    session.add(processed)
                payment = session.get(TrackerPayment, link["id"])
                if payment is None:
                    return "unknown_payment"
                if event_id:
                    processed.phone = payment.phone
                if faults.active("tracker_payment_webhook_ignored"):
                    return "processed"  # the handler listens for payment.captured only
                payment.status = "paid"
                user = session.get(TrackerUser, payment.phone)
                if user is not None:
                    user.plan = "pro"
        except IntegrityError:
            return "duplicate_event"
        return "processed"

    # --- internal endpoints -------------------------------------------------------------------------

    @router.get("/internal/report")
    def report(request: Request, phone: str, month: str | None = None) -> Response:
        if not internal_ok(request):
            return _refuse(401, "internal token required")
        month = month or today().strftime("%Y-%m")
        with tracker_session(request) as session:
            rows = session.scalars(select(TrackerAttendance).where(
                TrackerAttendance.phone == phone, TrackerAttendance.day.like(f"{month}-%"))
                .order_by(TrackerAttendance.day)).all()
            lines = [f"Therapy attendance report {month}", f"Family: {phone}",
                     *(f"{row.day}  {row.status}" for row in rows)]
        document = pdf.render(lines)
        return Response(document, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="report-{month}.pdf"'})

    @router.get("/internal/outbox")
    def outbox(request: Request, to: str, after: int = 0) -> JSONResponse:
        if not internal_ok(request):
            return _refuse(401, "internal token required")
        with tracker_session(request) as session:
            rows = session.scalars(select(TrackerOutbox).where(TrackerOutbox.to_phone == to, TrackerOutbox.id > after)
                                   .order_by(TrackerOutbox.id)).all()
            return JSONResponse({"data": [{"seq": row.id, **row.as_cloud_message()} for row in rows]})

    @router.post("/internal/reminders/run")
    def reminders(request: Request, kind: str = "daily", phone: str | None = None) -> JSONResponse:
        if not reminder_ok(request):
            return _refuse(401, "reminder token required")
        if kind not in ("daily", "weekly_digest"):
            return _refuse(400, "kind is daily or weekly_digest")
        with tracker_session(request) as session:
            query = select(TrackerUser)
            if phone:
                query = query.where(TrackerUser.phone == phone)
            users = session.scalars(query).all()
            for user in users:
                if kind == "weekly_digest":
                    if not faults.active("tracker_weekly_digest_not_sent"):
                        bot.send(session, user.phone, bot.weekly_digest(session, user.phone, today()))
                else:
                    bot.send(session, user.phone, "Reminder: log today's session with 'attended' or 'missed'.")
            return JSONResponse({"kind": kind, "sent": len(users)})

    # --- the web tracker (/mytracker/<signed token>) ---------------------------------------------------

    def calendar(session: Any, phone: str, month: str) -> dict[str, Any]:
        user = session.get(TrackerUser, phone)
        rows = session.scalars(select(TrackerAttendance).where(
            TrackerAttendance.phone == phone, TrackerAttendance.day.like(f"{month}-%"))).all()
        return {"month": month, "theme": user.theme if user else "sunrise",
                "days": {row.day: row.status for row in sorted(rows, key=lambda r: r.day)}}

    @router.get("/mytracker/{token}")
    def my_tracker(request: Request, token: str, month: str | None = None) -> JSONResponse:
        phone = open_link(token)
        if phone is None:
            return _refuse(403, "invalid or expired link")
        with tracker_session(request) as session:
            return JSONResponse(calendar(session, phone, month or today().strftime("%Y-%m")))

    @router.post("/mytracker/{token}/save")
    async def save_day(request: Request, token: str) -> JSONResponse:
        phone = open_link(token)
        if phone is None:
            return _refuse(403, "invalid or expired link")
        if refused := await throttled(request, "write", phone, WRITES_PER_MIN):
            return refused
        try:
            body = await request.json()
            day = date.fromisoformat(str(body["day"]))
            status = str(body["status"])
        except (ValueError, KeyError, TypeError):
            return _refuse(422, "expected {day: YYYY-MM-DD, status: attended|missed}")
        if status not in ("attended", "missed"):
            return _refuse(422, "status is attended or missed")
        with tracker_session(request) as session:
            if session.get(TrackerUser, phone) is None:
                return _refuse(404, "no tracker for this link")
            if not faults.active("tracker_web_save_not_persisted"):
                bot.log_days(session, phone, [day], status, "web")
            return JSONResponse({"saved": {day.isoformat(): status}}, status_code=200)

    @router.post("/mytracker/{token}/reset")
    async def reset(request: Request, token: str) -> JSONResponse:
        phone = open_link(token)
        if phone is None:
            return _refuse(403, "invalid or expired link")
        if refused := await throttled(request, "write", phone, WRITES_PER_MIN):
            return refused
        try:
            month = str((await request.json())["month"])
            datetime.strptime(month, "%Y-%m")
        except (ValueError, KeyError, TypeError):
            return _refuse(422, "expected {month: YYYY-MM}")
        with tracker_session(request) as session:
            cleared = bot.reset_month(session, phone, month, faults)
            return JSONResponse({"month": month, "cleared": cleared})

    @router.get("/mytracker/{token}/export")
    def export(request: Request, token: str) -> JSONResponse:
        phone = open_link(token)
        if phone is None:
            return _refuse(403, "invalid or expired link")
        with tracker_session(request) as session:
            user = session.get(TrackerUser, phone)
            if user is None:
                return _refuse(404, "no data for this link")
            return JSONResponse({"user": user.as_json(), **user_rows(session, phone)},
                                headers={"Cache-Control": "no-store"})

    @router.delete("/mytracker/{token}/data")
    def delete_data(request: Request, token: str) -> Response:
        phone = open_link(token)
        if phone is None:
            return _refuse(403, "invalid or expired link")
        with tracker_session(request) as session:
            user = session.get(TrackerUser, phone)
            if faults.active("tracker_delete_keeps_attendance") and user is not None:
                # deletes the profile row only: the ON DELETE CASCADE was never added
                session.delete(user)
                removed = 1
            else:
                removed = bot.delete_family(session, phone)
        return Response(status_code=204) if removed else _refuse(404, "no data for this link")

    # --- sign-up form: dry-run validation ------------------------------------------------------------

    @router.post("/api/onboarding/validate")
    async def validate_onboarding(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return _refuse(400, "malformed JSON")
        if not isinstance(body, dict):
            return _refuse(422, "expected a JSON object")
        errors = []
        name, phone = body.get("name"), body.get("phone")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 80:
            errors.append({"field": "name", "msg": "1 to 80 characters"})
        phone_valid = isinstance(phone, str) and (
            bool(re.match(r"^\+?\d{6,20}$", phone)) if faults.active("tracker_phone_not_e164")
            else bool(E164.match(phone)))
        if not phone_valid:
            errors.append({"field": "phone", "msg": "an E.164 WhatsApp number like +919812345678"})
        if errors:
            return JSONResponse({"detail": errors}, status_code=422)
        return JSONResponse({"valid": True})

    return router
