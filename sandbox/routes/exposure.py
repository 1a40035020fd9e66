"""What a careless deployment leaks: files and consoles that exist only under exposure faults.

The healthy sandbox serves none of these paths (they answer 404 from the framework). Each fault
adds the route a real deployment mistake would add: a copied ``.env``, a deployed ``.git``, a
source map, a key pasted into the admin bundle, a debug console, public API docs, a directory
index on the static folder.
"""

from __future__ import annotations

import json
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from sandbox.settings import Settings

JS = "text/javascript; charset=utf-8"
STATIC_FILES = ("admin.css", "admin.js", "favicon.svg")
# assembled at run time so that no scanner of this repository flags its own fixture
_LIVE_KEY = "rzp_" + "live_" + "Jq3kT8vWm2XbYp"
_LIVE_SECRET = "t7Gx9Qe" + "Lr2VnB4hK8sWzP1dF"
_AWS_KEY = "AKIA" + "Q3EGT7XJ4M2LWN5P"
DOTENV = (
    "NODE_ENV=production\n"
    "DATABASE_URL=postgresql://shop:" + "Pr0d-db-pa55" + "@db.internal:5432/shop\n"
    f"RAZORPAY_KEY_ID={_LIVE_KEY}\nRAZORPAY_KEY_SECRET={_LIVE_SECRET}\n"
    "JWT_SECRET=" + "prod-jwt-" + "9f8e7d6c5b4a\n"
)
GIT_CONFIG = (
    "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
    '[remote "origin"]\n\turl = https://deploy:' + "ghp_" + "x7Yq2Lm9Nw4Rt6Vb8Zc1Kd3Hf5Jg0Ps2" + "@github.com/shop/api.git\n"
)
DEBUG_CONSOLE = (
    "<!doctype html><title>Interactive Console // Werkzeug Debugger</title>"
    "<h1>Interactive Console</h1><p>In this console you can execute Python expressions in the context "
    "of the application.</p><div class=console><div class=inner>&gt;&gt;&gt; </div></div>"
)


def _admin_js() -> str:
    return resources.files("sandbox.web").joinpath("static", "admin.js").read_text(encoding="utf-8")


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["exposure"], include_in_schema=False)

    if faults.active("dotenv_served"):
        @router.get("/.env")
        def dotenv() -> PlainTextResponse:
            return PlainTextResponse(DOTENV)

    if faults.active("git_directory_served"):
        @router.get("/.git/config")
        def git_config() -> PlainTextResponse:
            return PlainTextResponse(GIT_CONFIG)

        @router.get("/.git/HEAD")
        def git_head() -> PlainTextResponse:
            return PlainTextResponse("ref: refs/heads/main\n")

    maps = faults.active("source_maps_served")
    leaked = faults.active("secret_in_js_bundle")
    if maps or leaked:
        bundle = _admin_js()
        if leaked:
            # "temporary" client-side config pasted into the bundle
            bundle = (f'window.SHOP_CONFIG = {{ razorpayKeyId: "{_LIVE_KEY}", razorpayKeySecret: "{_LIVE_SECRET}", '
                      f'awsAccessKeyId: "{_AWS_KEY}" }};\n') + bundle
        if maps:
            bundle += "\n//# sourceMappingURL=admin.js.map\n"

        @router.get("/admin/static/admin.js")
        def admin_js() -> Response:
            headers = {"SourceMap": "/admin/static/admin.js.map"} if maps else {}
            return Response(bundle, media_type=JS, headers=headers)

    if maps:
        @router.get("/admin/static/admin.js.map")
        def admin_js_map() -> Response:
            source_map = {"version": 3, "file": "admin.js", "sources": ["../src/admin.ts", "../src/api/client.ts"],
                          "sourcesContent": [_admin_js(), "export const apiBase = '';\n"], "names": [],
                          "mappings": "AAAA;AACA"}
            return Response(json.dumps(source_map), media_type="application/json")

    if faults.active("debug_console_exposed"):
        @router.get("/console")
        @router.get("/debug")
        def console() -> HTMLResponse:
            return HTMLResponse(DEBUG_CONSOLE)

    if faults.active("api_docs_public"):
        @router.get("/openapi.json")
        def openapi(request: Request) -> JSONResponse:
            return JSONResponse(request.app.openapi())

        @router.get("/docs")
        def docs() -> HTMLResponse:
            return get_swagger_ui_html(openapi_url="/openapi.json", title="golive sandbox - Swagger UI")

    if faults.active("directory_listing"):
        @router.get("/admin/static/")
        def listing() -> HTMLResponse:
            rows = "".join(f'<a href="{name}">{name}</a>\n' for name in STATIC_FILES)
            return HTMLResponse(f"<html><head><title>Index of /admin/static/</title></head><body>"
                                f"<h1>Index of /admin/static/</h1><hr><pre><a href=\"../\">../</a>\n{rows}</pre><hr>"
                                "</body></html>")

    return router
