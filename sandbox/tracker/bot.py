"""The tracker's WhatsApp bot: one inbound message in, replies out (recorded in the outbox).

Commands follow the runbook's beta plan: setup, attended/missed (single and bulk), voice notes,
weekly digest, reset_month, invites, go_pro_199/499, payment_status, reconcile_payment, language,
theme, my_referral, redeem, apply_coupon, streak, mytracker.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sandbox.faults import ActiveFaults
from sandbox.tracker.models import (
    PERSONAL_DATA,
    TrackerAttendance,
    TrackerCouponRedemption,
    TrackerMember,
    TrackerOutbox,
    TrackerPayment,
    TrackerReferral,
    TrackerUser,
    TrackerVoiceNote,
    TrackerWebhookEvent,
)

PLANS: dict[str, int] = {"go_pro_199": 19_900, "go_pro_499": 49_900}  # paise
COUPONS: dict[str, int] = {"BETA50": 50, "FAMILY20": 20}  # percent off
LANGUAGES: dict[str, str] = {"en": "Language set to English.", "hi": "भाषा हिंदी में सेट की गई।",
                             "te": "భాష తెలుగుకు సెట్ చేయబడింది."}
THEMES = ("sunrise", "ocean", "forest")
NOT_SET_UP = "Please send setup first to create your tracker."
_PHONE_RE = re.compile(r"^\+?[1-9]\d{7,14}$")


@dataclass
class BotContext:
    session: Session
    faults: ActiveFaults
    today: date
    #: the signed /mytracker link of a phone (path only)
    link_for: Callable[[str], str]


def send(session: Session, to: str, body: str, kind: str = "text") -> None:
    """What the tracker POSTs to the Cloud API's /{PHONE_NUMBER_ID}/messages, kept in the outbox."""
    session.add(TrackerOutbox(to_phone=to, kind=kind, body=body[:2000], wamid=f"wamid.{secrets.token_hex(12)}"))


def normalise_phone(raw: str) -> str | None:
    digits = raw.strip().replace(" ", "")
    if not _PHONE_RE.match(digits):
        return None
    return digits if digits.startswith("+") else "+" + digits


def month_days(today: date, spec: str) -> list[date] | None:
    """``5`` / ``1,2,5`` (days of this month) or ``2026-11-03``; None when anything is not a date."""
    days: list[date] = []
    for part in re.split(r"[,\s]+", spec.strip()):
        if not part:
            continue
        try:
            days.append(date.fromisoformat(part) if "-" in part else today.replace(day=int(part)))
        except ValueError:
            return None
    return days


def log_days(session: Session, phone: str, days: list[date], status: str, source: str) -> None:
    for day in days:
        row = session.scalar(select(TrackerAttendance).where(
            TrackerAttendance.phone == phone, TrackerAttendance.day == day.isoformat()))
        if row is None:
            session.add(TrackerAttendance(phone=phone, day=day.isoformat(), status=status, source=source))
        else:
            row.status, row.source = status, source
    session.flush()


def reset_month(session: Session, phone: str, month: str, faults: ActiveFaults) -> int:
    """Clears a month (YYYY-MM); returns how many days were cleared."""
    rows = session.scalars(select(TrackerAttendance).where(
        TrackerAttendance.phone == phone, TrackerAttendance.day.like(f"{month}-%"))).all()
    if faults.active("tracker_reset_month_keeps_web_days"):
        # the reset query filters on source='whatsapp': days saved from the calendar survive
        rows = [row for row in rows if row.source == "whatsapp"]
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def streak(session: Session, phone: str, today: date) -> int:
    attended = set(session.scalars(select(TrackerAttendance.day).where(
        TrackerAttendance.phone == phone, TrackerAttendance.status == "attended")))
    count, day = 0, today
    while day.isoformat() in attended:
        count, day = count + 1, day - timedelta(days=1)
    return count


def weekly_digest(session: Session, phone: str, today: date) -> str:
    start = today - timedelta(days=6)
    rows = session.scalars(select(TrackerAttendance).where(
        TrackerAttendance.phone == phone, TrackerAttendance.day >= start.isoformat(),
        TrackerAttendance.day <= today.isoformat())).all()
    attended = sum(1 for row in rows if row.status == "attended")
    missed = sum(1 for row in rows if row.status == "missed")
    return f"Weekly digest {start.isoformat()}..{today.isoformat()}: attended {attended}, missed {missed}."


def handle(ctx: BotContext, phone: str, profile_name: str, message: dict[str, object]) -> None:
    """Answer one inbound WhatsApp message from ``phone``."""
    session = ctx.session
    user = session.get(TrackerUser, phone)
    kind = message.get("type")
    if kind in ("audio", "voice"):
        media = message.get("audio") if isinstance(message.get("audio"), dict) else {}
        session.add(TrackerVoiceNote(phone=phone, media_id=str((media or {}).get("id", ""))[:80]))
        if not ctx.faults.active("tracker_voice_note_dropped"):
            send(session, phone, "Voice notes are not supported yet. Please type 'attended' or 'missed'.")
        return
    text_part = message.get("text") if isinstance(message.get("text"), dict) else {}
    text = str((text_part or {}).get("body", "")).strip()
    command, _, argument = text.partition(" ")
    command = command.lower()

    if command == "setup":
        if user is None:
            # fault: the new row keeps the number as WhatsApp sends it (no '+'): nothing finds the family again
            stored = phone.lstrip("+") if ctx.faults.active("tracker_setup_drops_plus") else phone
            user = TrackerUser(phone=stored, name=profile_name[:80], referral_code=f"REF{secrets.token_hex(3).upper()}")
            session.add(user)
            session.flush()
        send(session, phone, f"Welcome {user.name or 'to the tracker'}! Setup complete. "
                             "Send 'attended' or 'missed' after each session.")
        return
    if command in ("accept_invite", "reject_invite"):
        # invitees answer before (or without) setting up a tracker of their own
        answer_invite(ctx, phone, accepted=command == "accept_invite")
        return
    if user is None:
        send(session, phone, NOT_SET_UP)
        return
    if command in ("attended", "missed"):
        days = month_days(ctx.today, argument) if argument else [ctx.today]
        if not days:
            send(session, phone, "I could not read those dates. Example: attended 3,4,5")
            return
        if ctx.faults.active("tracker_bulk_logs_first_day_only"):
            days = days[:1]  # the bulk parser stops at the first comma
        log_days(session, phone, days, command, "whatsapp")
        send(session, phone, f"Logged {command} for {', '.join(d.isoformat() for d in days)}.")
    elif command == "reset_month":
        cleared = reset_month(session, phone, ctx.today.strftime("%Y-%m"), ctx.faults)
        send(session, phone, f"Month {ctx.today:%Y-%m} reset: {cleared} days cleared.")
    elif command in ("weekly_digest", "digest"):
        send(session, phone, weekly_digest(session, phone, ctx.today))
    elif command in ("invite_parent", "invite_therapist"):
        invite(ctx, user, command.removeprefix("invite_"), argument)
    elif command in PLANS:
        payment_link(ctx, user, command)
    elif command == "payment_status":
        latest = session.scalars(select(TrackerPayment).where(TrackerPayment.phone == phone)
                                 .order_by(TrackerPayment.created_at_ms.desc())).first()
        send(session, phone, "No payments yet." if latest is None else describe_payment(latest))
    elif command == "reconcile_payment":
        payment = session.get(TrackerPayment, argument.strip())
        if payment is None or payment.phone != phone:
            send(session, phone, f"No payment {argument.strip() or '(missing id)'} found.")
        else:
            send(session, phone, "Reconciled: " + describe_payment(payment))
    elif command == "language":
        send(session, phone, f"Current language: {user.language}. Reply lang:en, lang:hi or lang:te.")
    elif command.startswith("lang:"):
        choice = command.removeprefix("lang:")
        if choice not in LANGUAGES:
            send(session, phone, "Unknown language. Reply lang:en, lang:hi or lang:te.")
            return
        user.language = choice
        send(session, phone, LANGUAGES[choice])
    elif command == "theme":
        send(session, phone, f"Current theme: {user.theme}. Reply theme:sunrise, theme:ocean or theme:forest.")
    elif command.startswith("theme:"):
        choice = command.removeprefix("theme:")
        if choice not in THEMES:
            send(session, phone, "Unknown theme. Reply theme:sunrise, theme:ocean or theme:forest.")
            return
        if not ctx.faults.active("tracker_theme_not_saved"):
            user.theme = choice
        send(session, phone, f"Theme set to {choice}.")
    elif command == "my_referral":
        send(session, phone, f"Your referral code: {user.referral_code}")
    elif command == "redeem":
        redeem(ctx, user, argument.strip().upper())
    elif command == "apply_coupon":
        code = argument.strip().upper()
        if code not in COUPONS:
            send(session, phone, f"Invalid coupon {code or '(missing code)'}.")
            return
        session.add(TrackerCouponRedemption(code=code, phone=phone, percent_off=COUPONS[code]))
        send(session, phone, f"Coupon {code} applied: {COUPONS[code]}% off your next payment.")
    elif command == "streak":
        # fault: the streak is counted from yesterday (a UTC date for an IST family), missing today
        counted_to = ctx.today - timedelta(days=1) if ctx.faults.active("tracker_streak_skips_today") else ctx.today
        send(session, phone, f"Current streak: {streak(session, phone, counted_to)} days.")
    elif command in ("mytracker", "/mytracker"):
        send(session, phone, f"Your tracker: {ctx.link_for(phone)}")
    else:
        send(session, phone, "Sorry, I did not understand. Send 'help' for the commands.")


def describe_payment(payment: TrackerPayment) -> str:
    return f"Payment {payment.id} ({payment.plan}, Rs {payment.amount // 100}): {payment.status}."


def invite(ctx: BotContext, user: TrackerUser, role: str, argument: str) -> None:
    member = normalise_phone(argument)
    if member is None:
        send(ctx.session, user.phone, f"Send invite_{role} followed by a WhatsApp number, e.g. +919812345678.")
        return
    ctx.session.add(TrackerMember(owner_phone=user.phone, member_phone=member, role=role))
    send(ctx.session, member, f"{user.name or user.phone} invites you as {role} to their therapy tracker. "
                              "Reply accept_invite or reject_invite.")
    send(ctx.session, user.phone, f"Invite sent to {member} as {role}.")


def answer_invite(ctx: BotContext, phone: str, *, accepted: bool) -> None:
    pending = ctx.session.scalars(select(TrackerMember).where(
        TrackerMember.member_phone == phone, TrackerMember.status == "pending").order_by(TrackerMember.id)).first()
    if pending is None:
        send(ctx.session, phone, "You have no pending invite.")
        return
    if ctx.faults.active("tracker_reject_invite_grants_access"):
        accepted = True  # the handler only checks that an answer arrived
    pending.status = "accepted" if accepted else "rejected"
    send(ctx.session, phone, f"Invite {pending.status}.")


def payment_link(ctx: BotContext, user: TrackerUser, plan: str) -> None:
    amount = PLANS[plan]
    if ctx.faults.active("tracker_pro_link_wrong_amount") and plan == "go_pro_499":
        amount = PLANS["go_pro_199"]  # both buttons were wired to the 199 plan's price
    link_id = f"plink_{secrets.token_hex(7)}"
    short_url = f"https://rzp.io/i/{secrets.token_urlsafe(6)}"
    ctx.session.add(TrackerPayment(id=link_id, phone=user.phone, plan=plan, amount=amount, short_url=short_url))
    ctx.session.flush()
    send(ctx.session, user.phone, f"Upgrade to Pro for Rs {amount // 100}: {short_url} (payment {link_id})")


def redeem(ctx: BotContext, user: TrackerUser, code: str) -> None:
    referrer = ctx.session.scalar(select(TrackerUser).where(TrackerUser.referral_code == code)) if code else None
    if referrer is None or referrer.phone == user.phone:
        send(ctx.session, user.phone, f"Invalid referral code {code or '(missing code)'}.")
        return
    if ctx.session.scalar(select(TrackerReferral).where(TrackerReferral.referred_phone == user.phone)):
        send(ctx.session, user.phone, "You have already redeemed a referral code.")
        return
    ctx.session.add(TrackerReferral(code=code, referrer_phone=referrer.phone, referred_phone=user.phone))
    send(ctx.session, user.phone, f"Referral code {code} redeemed: 1 month of Pro added.")


def delete_family(session: Session, phone: str) -> int:
    """Data deletion: every row of the family (the tables the export reads), then the family;
    returns rows removed."""
    removed = 0
    # row by row through the session (not a bulk DELETE): the sandbox's write journal sees each one
    for model, column in (*PERSONAL_DATA, (TrackerWebhookEvent, "phone")):
        for row in session.scalars(select(model).where(getattr(model, column) == phone)).all():
            session.delete(row)
            removed += 1
    user = session.get(TrackerUser, phone)
    if user is not None:
        session.delete(user)
        removed += 1
    return removed
