"""Flavors shape the sandbox like one seed system: which routers (and so which paths) exist.

Adding a flavor: one entry in FLAVORS whose ``routers`` builds that system's routers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter

from sandbox import web
from sandbox.routes import account, api, auth, health, internal, mfa, orders
from sandbox.routes import exposure, rate_probe, runtime_config
from sandbox.routes import inputs, webhooks
from sandbox.settings import ConfigError, Settings


@dataclass(frozen=True)
class Flavor:
    name: str
    description: str
    routers: Callable[[Settings], list[APIRouter]]


def _commerce(settings: Settings) -> list[APIRouter]:
    return [
        health.build_router(settings),
        auth.build_router(settings),
        api.build_router(settings),
        mfa.build_router(settings),
        orders.build_router(settings),
        account.build_router(settings),
        internal.build_router(settings),
        rate_probe.build_router(settings),
        runtime_config.build_router(settings),
        inputs.build_router(settings),
        webhooks.build_router(settings),
        exposure.build_router(settings),  # before web: under faults it replaces the admin bundle
        web.build_router(settings),
    ]


FLAVORS: dict[str, Flavor] = {
    flavor.name: flavor
    for flavor in (
        Flavor("commerce", "One service: health, JWT login, RBAC API, products, admin page.", _commerce),
    )
}


def get_flavor(name: str) -> Flavor:
    try:
        return FLAVORS[name]
    except KeyError:
        known = ", ".join(sorted(FLAVORS))
        raise ConfigError(f"SANDBOX_FLAVOR={name!r}: unknown flavor. Known flavors: {known}") from None
