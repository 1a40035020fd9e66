"""Flavors shape the sandbox like one seed system: which routers (and so which paths) exist.

Adding a flavor: one entry in FLAVORS whose ``routers`` builds that system's routers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter

from sandbox import emulators, web
from sandbox.routes import account, api, auth, health, internal, mfa, orders, signup
from sandbox.routes import exposure, rate_probe, runtime_config
from sandbox.routes import inputs, webhooks
from sandbox.routes import arogya_inventory, flavor_admin, flavor_paths
from sandbox.routes import observability
from sandbox.routes import flavor_config, flavor_inputs, flavor_objects, flavor_payments
from sandbox.routes import arogya_commercial
from sandbox.routes import stock_flows
from sandbox.routes import app_pages, frontends, gateway, realserv_tracing
from sandbox.routes import cdn_edge
from sandbox import exposed_ports
from sandbox import tracker
from sandbox import checkout
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
        signup.build_router(settings),
        internal.build_router(settings),
        rate_probe.build_router(settings),
        runtime_config.build_router(settings),
        inputs.build_router(settings),
        webhooks.build_router(settings),
        observability.build_router(settings),
        exposure.build_router(settings),  # before web: under faults it replaces the admin bundle
        web.build_router(settings),
    ]


def _tracker(settings: Settings) -> list[APIRouter]:
    # the tracker's readiness contract (/health/live, /health/ready, /health/db); no logins; its
    # hardening flags (/health/config); the bot, payments, web tracker and Supabase REST
    return [health.build_router(settings), runtime_config.build_router(settings), *tracker.build_routers(settings)]


def _node_api(settings: Settings) -> list[APIRouter]:
    # /api/health and /api/health/db, e-mail login, the system's protected routes
    return [health.build_router(settings), flavor_paths.node_api(settings),
            *flavor_payments.node_payment_routers(settings),  # Razorpay orders and webhook (arogya, consolidated)
            *flavor_config.build_routers(settings),  # /api/health/config: provider modes and flags
            *flavor_inputs.node_input_routers(settings),  # dry-run form validation, upload limit
            *flavor_objects.node_object_routers(settings),  # customers' own orders, PATCH /api/me (consolidated)
            *checkout.checkout_routers(settings),  # Razorpay checkout, invoices, refunds (consolidated)
            observability.build_router(settings)]  # test-error trigger, catalog search


def _consolidated(settings: Settings) -> list[APIRouter]:
    # the Node API, and the CDN distribution serving its front-end's fingerprinted build
    return [*_node_api(settings), cdn_edge.build_router(settings)]


def _arogya(settings: Settings) -> list[APIRouter]:
    return [*_node_api(settings), arogya_inventory.build_router(settings), arogya_commercial.build_router(settings),
            flavor_admin.build_router(settings), frontends.build_router(settings),
            app_pages.build_router(settings),  # the web shop's and the POS's own pages, on origins of their own
            stock_flows.arogya_router(settings)]


def _inventory(settings: Settings) -> list[APIRouter]:
    # the stock routes first: their POST /api/inventory/adjust replaces node_api's demo route
    return [stock_flows.inventory_router(settings), *_node_api(settings)]


def _realserv(settings: Settings) -> list[APIRouter]:
    # /health/live stays: golive's start-up probe and `python -m sandbox` users look for it
    return [health.build_router(settings), flavor_paths.realserv(settings),
            observability.build_router(settings, prefix="/catalog"),  # the catalog service's search and test-error trigger
            gateway.build_router(settings),  # AWS API Gateway in front of the seven services (/gateway/...)
            realserv_tracing.build_router(settings),  # order -> payment call, traced (X-Ray segments)
            frontends.build_router(settings),  # the web app's Next.js build (/web/)
            app_pages.build_router(settings),  # the web app's sign-in, catalog and cart, on its own origin
            exposed_ports.build_router(settings)]  # ports a security-group fault opens to the public


FLAVORS: dict[str, Flavor] = {
    flavor.name: flavor
    for flavor in (
        Flavor("commerce", "One service: health, JWT login, RBAC API, products, admin page.", _commerce),
        Flavor("whatsapp_tracker", "The WhatsApp tracker: health, signed WhatsApp/Razorpay webhooks driving the "
               "bot, /mytracker signed links, internal report/reminder endpoints, Supabase REST; no login.",
               _tracker),
        Flavor("consolidated", "The Node shop: /api/health(/db), e-mail login, admin and customer routes.",
               _consolidated),
        Flavor("arogya", "Arogya's API (super_admin, store_user) and its admin front-end (/login, /dashboard).",
               _arogya),
        Flavor("inventory", "Inventory: /api/health(/db), e-mail login, the admin-only adjustment API.",
               _inventory),
        Flavor("realserv", "RealServ: seven services under /<service>/, Firebase-like RS256 sign-in.",
               _realserv),
    )
}


def routers_for(flavor: Flavor, settings: Settings) -> list[APIRouter]:
    """The flavor's own routers, then the provider emulators every flavor carries."""
    return [*flavor.routers(settings), *emulators.build_routers(settings)]


def get_flavor(name: str) -> Flavor:
    try:
        return FLAVORS[name]
    except KeyError:
        known = ", ".join(sorted(FLAVORS))
        raise ConfigError(f"SANDBOX_FLAVOR={name!r}: unknown flavor. Known flavors: {known}") from None
