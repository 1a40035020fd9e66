"""Front-ends as Vercel serves a Next.js build: Arogya's web shop and POS (/web/, /pos/) and
RealServ's web app (/web/, calling the API through the gateway).

Next.js inlines NEXT_PUBLIC_API_URL into the JavaScript chunks at build time; this sandbox
"builds" on request with its own API origin (api_base), the value production would bake in. The
faults ship bundles built with the wrong value: a developer's .env.local, a staging API.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sandbox.release import previous_commit
from sandbox.runtime import api_base, own_port
from sandbox.settings import Settings

#: what a bundle built from a developer's .env.local calls (Next.js's dev API default)
DEV_API_URL = "http://localhost:4000"
#: what a bundle built from the Vercel preview/staging environment calls
STAGING_API_URL = "https://arogya-api-staging.onrender.com"
#: an OrderService task's address, hard-coded "for a quick fix": it bypasses the gateway
HARDCODED_TASK_URL = "http://13.232.10.45:5004"
#: the providers RealServ's web app talks to from the browser (Firebase Auth, Razorpay Checkout)
REALSERV_PROVIDER_URLS = {"NEXT_PUBLIC_FIREBASE_AUTH_URL": "https://identitytoolkit.googleapis.com",
                          "NEXT_PUBLIC_RAZORPAY_CHECKOUT": "https://checkout.razorpay.com/v1/checkout.js"}

_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>
<meta name="viewport" content="width=device-width"/><meta name="release" content="{release}"/><title>{title}</title>
<script src="/_next/static/chunks/webpack-{runtime}.js" defer=""></script>
<script src="/_next/static/chunks/pages/{app}-{chunk}.js" defer=""></script></head>
<body><div id="__next"></div>
<script id="__NEXT_DATA__" type="application/json">{data}</script></body></html>
"""

_RUNTIME = '(()=>{"use strict";self.webpackChunk_N_E=self.webpackChunk_N_E||[]})();\n'

_CHUNK = """(self.webpackChunk_N_E=self.webpackChunk_N_E||[]).push([[{id}],{{{id}:function(e,t,n){{"use strict";
const c={{NEXT_PUBLIC_API_URL:"{api_url}",NEXT_PUBLIC_APP:"{app}"{extra}}};
const s="http://www.w3.org/2000/svg";
async function l(p,o){{const r=await fetch(c.NEXT_PUBLIC_API_URL+p,{{credentials:"include",...o}});
if(!r.ok)throw new Error("API "+r.status);return r.json()}}
t.default=function(){{return l("{first_call}")}};t.icon=function(){{return document.createElementNS(s,"svg")}}}}}}]);
"""

#: flavor -> app -> (title, first API call, webpack chunk id)
FLAVOR_APPS: dict[str, dict[str, tuple[str, str, int]]] = {
    "arogya": {"web": ("Arogya Amritam", "/api/products", 405), "pos": ("Arogya Amritam POS", "/api/pos/session", 871)},
    "realserv": {"web": ("RealServ", "/catalog/api/categories", 512)},
}
#: where each flavor's API is for the browser, below the API origin (RealServ: the gateway)
API_PATH = {"arogya": "", "realserv": "/gateway"}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _page_route(page: Callable[[str, Request], HTMLResponse], app: str) -> Callable[[Request], HTMLResponse]:
    def serve(request: Request) -> HTMLResponse:
        return page(app, request)

    return serve


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["frontends"])
    apps = FLAVOR_APPS[settings.flavor]

    def built_api_url(app: str, request: Request) -> str:
        # the value NEXT_PUBLIC_API_URL had when this app's bundle was built
        if app == "pos" and faults.active("frontend_pos_bundle_localhost_api"):
            return DEV_API_URL
        if app == "web" and faults.active("frontend_web_bundle_staging_api"):
            return STAGING_API_URL
        return api_base(own_port(request.scope, settings)) + API_PATH[settings.flavor]

    def extra_config() -> str:
        urls = dict(REALSERV_PROVIDER_URLS) if settings.flavor == "realserv" else {}
        if settings.flavor == "realserv" and faults.active("realserv_web_bundle_hardcoded_host"):
            urls["ORDERS_URL"] = HARDCODED_TASK_URL
        return "".join(f',{name}:"{url}"' for name, url in urls.items())

    def built_commit(app: str) -> str:
        # the commit the deployed bundle was built from (VERCEL_GIT_COMMIT_SHA at build time)
        if app == "pos" and faults.active("frontend_pos_not_redeployed"):
            return previous_commit(settings.release_commit)
        return settings.release_commit

    def chunk(app: str, request: Request) -> str:
        _title, first_call, chunk_id = apps[app]
        return _CHUNK.format(id=chunk_id, api_url=built_api_url(app, request), app=app, first_call=first_call,
                             extra=extra_config())

    def page(app: str, request: Request) -> HTMLResponse:
        title = apps[app][0]
        body = chunk(app, request)
        data = html.escape(json.dumps({"props": {"pageProps": {}}, "page": f"/{app}", "buildId": _digest(body)[:12]}),
                           quote=False)
        return HTMLResponse(_PAGE.format(title=title, release=html.escape(built_commit(app)),
                                         runtime=_digest(_RUNTIME), app=app, chunk=_digest(body), data=data))

    for name in apps:
        router.add_api_route(f"/{name}/", _page_route(page, name), methods=["GET"], response_class=HTMLResponse)

    @router.get("/_next/static/chunks/webpack-{digest}.js")
    def runtime(digest: str) -> Response:
        if digest != _digest(_RUNTIME):
            return Response("Not Found", status_code=404, media_type="text/plain")
        return Response(_RUNTIME, media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})

    @router.get("/_next/static/chunks/pages/{name}.js")
    def app_chunk(name: str, request: Request) -> Response:
        app, _, digest = name.partition("-")
        if app not in apps or digest != _digest(chunk(app, request)):
            # a content-hashed name from another build is gone after the next deploy
            return Response("Not Found", status_code=404, media_type="text/plain")
        return Response(chunk(app, request), media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})

    return router
