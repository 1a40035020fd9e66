"""The WhatsApp tracker's tables (its Supabase schema), one group per runbook migration.

Sandbox table names carry a ``tracker_`` prefix (one database serves every flavor); the Supabase
REST schema (sandbox/tracker/rest.py) shows them under the names the migrations create.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from sandbox.db import Base, Database
from sandbox.runtime import state_of

#: the demo family every deployment has (the runbook's closed beta): RLS checks need rows to hide
DEMO_PHONE = "+919800000001"


def now() -> int:
    return int(time.time())


# --- database.sql ---------------------------------------------------------------------------------

class TrackerUser(Base):
    __tablename__ = "tracker_users"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    language: Mapped[str] = mapped_column(String(4), default="en")
    theme: Mapped[str] = mapped_column(String(16), default="sunrise")
    plan: Mapped[str] = mapped_column(String(16), default="free")
    referral_code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[int] = mapped_column(Integer, default=now)

    def as_json(self) -> dict[str, Any]:
        return {"phone": self.phone, "name": self.name, "language": self.language, "theme": self.theme,
                "plan": self.plan, "referral_code": self.referral_code, "created_at": self.created_at}


class TrackerAttendance(Base):
    __tablename__ = "tracker_attendance"
    __table_args__ = (UniqueConstraint("phone", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD
    status: Mapped[str] = mapped_column(String(10))  # attended | missed
    source: Mapped[str] = mapped_column(String(10))  # whatsapp | web

    def as_json(self) -> dict[str, Any]:
        return {"day": self.day, "status": self.status, "source": self.source}


class TrackerMember(Base):
    __tablename__ = "tracker_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner_phone: Mapped[str] = mapped_column(String(20), index=True)
    member_phone: Mapped[str] = mapped_column(String(20), index=True)
    role: Mapped[str] = mapped_column(String(12))  # parent | therapist
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | accepted | rejected

    def as_json(self) -> dict[str, Any]:
        return {"owner": self.owner_phone, "member": self.member_phone, "role": self.role, "status": self.status}


class TrackerPayment(Base):
    __tablename__ = "tracker_payments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # plink_...
    phone: Mapped[str] = mapped_column(String(20), index=True)
    plan: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)  # paise
    status: Mapped[str] = mapped_column(String(12), default="created")  # created | paid
    short_url: Mapped[str] = mapped_column(String(80))
    # milliseconds: payment_status reports the latest link, and two links can come in one second
    created_at_ms: Mapped[int] = mapped_column(BigInteger, default=lambda: time.time_ns() // 1_000_000)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "plan": self.plan, "amount": self.amount, "status": self.status,
                "short_url": self.short_url}


class TrackerOutbox(Base):
    """Every reply the bot sent through the WhatsApp Cloud API (the sandbox's stand-in for delivery)."""

    __tablename__ = "tracker_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    to_phone: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="text")  # text | document
    body: Mapped[str] = mapped_column(String(2000))
    wamid: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[int] = mapped_column(Integer, default=now)

    def as_cloud_message(self) -> dict[str, Any]:
        """The body the tracker POSTed to /{PHONE_NUMBER_ID}/messages, with the id Meta answered."""
        return {"id": self.wamid, "messaging_product": "whatsapp", "to": self.to_phone, "type": self.kind,
                self.kind: {"body": self.body}, "timestamp": self.sent_at}


# --- database_hardening.sql -----------------------------------------------------------------------

class TrackerWebhookEvent(Base):
    """Processed webhook ids (WhatsApp message ids, Razorpay event ids): duplicates are ignored."""

    __tablename__ = "tracker_webhook_events"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    source: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[int] = mapped_column(Integer, default=now)
    # the family the event was about: deleting the family's data forgets its events too
    phone: Mapped[str] = mapped_column(String(20), default="", index=True)


class TrackerAuditLog(Base):
    __tablename__ = "tracker_audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    action: Mapped[str] = mapped_column(String(40))
    request_id: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[int] = mapped_column(Integer, default=now)


# --- database_voice_notes_hardening.sql -----------------------------------------------------------

class TrackerVoiceNote(Base):
    __tablename__ = "tracker_voice_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    media_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default="fallback")  # fallback | transcribed
    received_at: Mapped[int] = mapped_column(Integer, default=now)


# --- database_low_priority.sql ----------------------------------------------------------------------

class TrackerReferral(Base):
    __tablename__ = "tracker_referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), index=True)
    referrer_phone: Mapped[str] = mapped_column(String(20))
    referred_phone: Mapped[str] = mapped_column(String(20), unique=True)
    redeemed_at: Mapped[int] = mapped_column(Integer, default=now)


class TrackerCouponRedemption(Base):
    __tablename__ = "tracker_coupon_redemptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    percent_off: Mapped[int] = mapped_column(Integer)
    redeemed_at: Mapped[int] = mapped_column(Integer, default=now)


#: migration file -> the tables it creates (the REST schema lists the tables of applied migrations)
MIGRATIONS: dict[str, tuple[type[Base], ...]] = {
    "database.sql": (TrackerUser, TrackerAttendance, TrackerMember, TrackerPayment, TrackerOutbox),
    "database_hardening.sql": (TrackerWebhookEvent, TrackerAuditLog),
    "database_voice_notes_hardening.sql": (TrackerVoiceNote,),
    "database_low_priority.sql": (TrackerReferral, TrackerCouponRedemption),
}

#: everything a family's data export holds and its deletion removes (model, phone column)
PERSONAL_DATA: tuple[tuple[type[Base], str], ...] = (
    (TrackerAttendance, "phone"), (TrackerMember, "owner_phone"), (TrackerMember, "member_phone"),
    (TrackerPayment, "phone"), (TrackerOutbox, "to_phone"), (TrackerVoiceNote, "phone"),
    (TrackerReferral, "referred_phone"), (TrackerCouponRedemption, "phone"), (TrackerAuditLog, "phone"),
)


def rest_name(model: type[Base]) -> str:
    return str(model.__tablename__).removeprefix("tracker_")


def seed_demo_family(session: Session) -> None:
    """The beta's first family, so row-level security has something to hide."""
    if session.get(TrackerUser, DEMO_PHONE) is not None:
        return
    session.add(TrackerUser(phone=DEMO_PHONE, name="Demo Family", referral_code="REFDEMO1"))
    session.add(TrackerAttendance(phone=DEMO_PHONE, day="2026-01-05", status="attended", source="whatsapp"))
    session.flush()


def user_rows(session: Session, phone: str) -> dict[str, list[dict[str, Any]]]:
    """A family's data, table by table (the data export)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for model, column in PERSONAL_DATA:
        rows = session.scalars(select(model).where(getattr(model, column) == phone)).all()
        found.setdefault(rest_name(model), []).extend(
            row.as_json() if hasattr(row, "as_json") else {c.name: getattr(row, c.key)
                                                             for c in model.__table__.columns}
            for row in rows)
    return found


_SEEDED: "weakref.WeakSet[Database]" = weakref.WeakSet()


@contextmanager
def tracker_session(request: Request) -> Iterator[Session]:
    """A session on the sandbox database; the demo family is there from the first request on."""
    database = state_of(request).db
    if database not in _SEEDED:
        with database.session() as session:
            seed_demo_family(session)
        _SEEDED.add(database)
    with database.session() as session:
        yield session
