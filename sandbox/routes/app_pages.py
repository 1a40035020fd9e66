"""The front-end apps' own pages, each on an origin of its own: Arogya's web shop and POS, RealServ's
web app. A sign-in page, then a signed-in page (the shop's catalog and cart, the POS till), all
driven by one static script (sandbox/web/static/journeys.js) calling the API cross-origin.

The apps are opened on http://<app>.localhost:<port> (runtime.frontend_origins); the API is
http://127.0.0.1:<port>. The Next.js bundles at /web/ and /pos/ (routes/frontends.py) stay what
the release checks read.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sandbox.runtime import api_base, own_port
from sandbox.settings import Settings

SCRIPT_PATH = "/assets/journeys.js"


@dataclass(frozen=True)
class App:
    """One front-end app: where its pages are and which API paths its script calls."""

    name: str
    title: str
    prefix: str  # its pages: <prefix>/login and <prefix><home>
    home: str
    login_path: str
    token_field: str = "access_token"
    login_extra: dict[str, object] = field(default_factory=dict)
    me_path: str = "/api/me"
    products_path: str = ""
    order_path: str = ""  # with payment_path: the shop has a cart and a checkout
    payment_path: str = ""
    bill_path: str = ""  # a POS till

    @property
    def login_page(self) -> str:
        return f"{self.prefix}/login"

    @property
    def home_page(self) -> str:
        return f"{self.prefix}{self.home}"


def flavor_apps(settings: Settings) -> tuple[App, ...]:
    if settings.flavor == "arogya":
        return (App("shop", "Arogya Amritam", "/web", "/shop", "/api/auth/login", products_path="/api/products"),
                App("pos", "Arogya Amritam POS", "/pos", "/till", "/api/pos/login", bill_path="/api/pos/bills"))
    if settings.flavor == "realserv":
        # the browser reaches the services through the API Gateway's web stage
        return (App("web", "RealServ", "/web", "/shop",
                    f"/firebase/v1/accounts:signInWithPassword?key={settings.firebase_api_key or ''}",
                    token_field="idToken", login_extra={"returnSecureToken": True},
                    me_path="/gateway/identity/api/users/me", products_path="/gateway/catalog/api/products",
                    order_path="/gateway/order/api/orders", payment_path="/gateway/payment/api/checkout/orders"),)
    return ()


_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
{metas}
  <title>{title}</title>
  <script src="{script}" defer></script>
</head>
<body data-page="{page}">
  <main>
    <h1>{title}</h1>
{body}
    <p id="error" role="alert" hidden></p>
  </main>
</body>
</html>
"""

_LOGIN = """    <form id="login-form" method="post">
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit">Sign in</button>
    </form>"""

_SIGNED_IN = """    <section data-testid="signed-in" hidden>
      <p id="whoami"></p>
{greeting}    </section>"""
GREETING = """      <p id="greeting"></p>\n"""

_CATALOG = """    <ul id="catalog" data-testid="catalog" hidden></ul>"""

_CART = """    <section id="cart" data-testid="cart" hidden>
      <p>Cart: <span id="cart-count">0</span> item(s)</p>
      <label for="order-note">Order note</label>
      <input id="order-note" name="note" maxlength="64">
      <button id="{checkout_id}" type="button">Checkout</button>
    </section>"""

_TILL = """    <section id="till" data-testid="till" hidden>
      <p id="store" data-testid="store"></p>
      <label for="item-code">Barcode or SKU</label>
      <input id="item-code" name="code">
      <label for="quantity">Quantity</label>
      <input id="quantity" name="quantity" type="number" min="1" value="1">
      <label for="bill-reference">Bill reference</label>
      <input id="bill-reference" name="reference" maxlength="64">
      <button id="bill" type="button">Bill</button>
      <p id="receipt" data-testid="receipt" hidden></p>
    </section>"""

_FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" fill="#27a"/></svg>'


def _script() -> str:
    return resources.files("sandbox.web").joinpath("static", "journeys.js").read_text(encoding="utf-8")


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["front-end apps"])
    script = _script()

    def metas(app: App, base: str) -> str:
        values = {"api-base": base, "app": app.name, "login-page": app.login_page, "home-page": app.home_page,
                  "login-path": app.login_path, "token-field": app.token_field,
                  "login-extra": json.dumps(app.login_extra), "me-path": app.me_path,
                  "products-path": app.products_path, "order-path": app.order_path,
                  "payment-path": app.payment_path, "bill-path": app.bill_path,
                  "checkout-url": f"{base}/_emulators/razorpay/v1/checkout/embedded"}
        return "\n".join(f'  <meta name="{name}" content="{html.escape(value)}">' for name, value in values.items())

    def home_body(app: App) -> str:
        # web_page_script_error: a template change dropped the element the greeting widget writes to
        greeting = "" if app.name == "web" and faults.active("web_page_script_error") else GREETING
        parts = [_SIGNED_IN.format(greeting=greeting)]
        if app.products_path:
            parts.append(_CATALOG)
        if app.order_path:
            # shop_checkout_button_dead: the button was renamed in the template, the script still
            # binds the old id: clicking it does nothing, no order reaches the API
            checkout_id = "place-order" if faults.active("shop_checkout_button_dead") else "checkout"
            parts.append(_CART.format(checkout_id=checkout_id))
        if app.bill_path:
            parts.append(_TILL)
        return "\n".join(parts)

    def page(app: App, request: Request, name: str, title: str, body: str) -> HTMLResponse:
        base = api_base(own_port(request.scope, settings))
        return HTMLResponse(_PAGE.format(metas=metas(app, base), title=html.escape(f"{title} - {app.title}"),
                                         script=SCRIPT_PATH, page=name, body=body))

    def add_pages(app: App) -> None:
        def login(request: Request) -> HTMLResponse:
            return page(app, request, "login", "Sign in", _LOGIN)

        def home(request: Request) -> HTMLResponse:
            return page(app, request, "home", "Home", home_body(app))

        router.add_api_route(app.login_page, login, methods=["GET"], response_class=HTMLResponse)
        router.add_api_route(app.home_page, home, methods=["GET"], response_class=HTMLResponse)

    for app in flavor_apps(settings):
        add_pages(app)

    @router.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        # browsers ask for it unprompted; a 404 shows up as a console error on every page
        return Response(_FAVICON, media_type="image/svg+xml")

    @router.get(SCRIPT_PATH)
    def journeys_script() -> Response:
        return Response(script, media_type="text/javascript; charset=utf-8")

    return router
