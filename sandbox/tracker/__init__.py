"""The WhatsApp tracker flavor's own routes: bot webhook, payments, web tracker, Supabase REST."""

from __future__ import annotations

from fastapi import APIRouter

from sandbox.settings import Settings
from sandbox.tracker import rest, routes


def build_routers(settings: Settings) -> list[APIRouter]:
    return [routes.build_router(settings), rest.build_router(settings)]
