"""The paths of the non-commerce flavors: e-mail login and each seed system's protected routes.

Node-style APIs (consolidated, arogya, inventory) answer under /api with HS256 tokens; RealServ's
seven services answer under /<service>/ (each its own base URL in the env file) and trust
RS256 ID tokens from a Firebase-Auth-like endpoint under /firebase.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from sandbox import marketplace, realserv_bot, realserv_records, service_health
from sandbox.flavor_auth import ACCESS_TTL_SECONDS, Account, Accounts, FlavorTokens
from sandbox.release import ReleaseIdentity
from sandbox.routes import flavor_inputs, flavor_objects, flavor_openapi, flavor_payments
from sandbox.settings import Settings


@dataclass(frozen=True)
class Protected:
    method: str
    path: str
    roles: tuple[str, ...]


class EmailLogin(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class FirebaseSignIn(EmailLogin):
    returnSecureToken: bool = True  # noqa: N815 (the Firebase REST field name)


#: what each Node-style flavor protects (mirrors profiles/<system>.yaml auth.protected)
NODE_PROTECTED: dict[str, tuple[Protected, ...]] = {
    "consolidated": (
        Protected("GET", "/api/me", ("admin", "customer")),
        Protected("GET", "/api/admin/orders", ("admin",)),
    ),
    "arogya": (
        Protected("GET", "/api/me", ("super_admin", "store_user")),
        Protected("GET", "/api/admin/users", ("super_admin",)),
    ),
    "inventory": (
        Protected("GET", "/api/me", ("admin", "customer")),
        Protected("POST", "/api/inventory/adjust", ("admin",)),
    ),
}

#: RealServ's services and the route each protects
REALSERV_SERVICES: dict[str, Protected] = {
    "identity": Protected("GET", "/api/users/me", ("admin", "vendor", "customer")),
    "vendor": Protected("GET", "/api/vendors/me", ("vendor",)),
    "order": Protected("GET", "/api/orders", ("admin", "vendor", "customer")),
    "catalog": Protected("GET", "/api/admin/categories", ("admin",)),
    "payment": Protected("GET", "/api/payments", ("admin", "customer")),
    "notification": Protected("GET", "/api/notifications", ("admin", "vendor", "customer")),
    "integration": Protected("GET", "/api/admin/integrations", ("admin",)),
}

#: the JWKS path Firebase's verifiers fetch (on www.googleapis.com in production)
FIREBASE_JWKS_PATH = "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com"
#: the same keys as x509 certificates {kid: PEM}, what the Firebase Admin SDKs fetch
FIREBASE_X509_PATH = "/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"

LANDING_PAGE = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{name}</title></head>" \
               "<body><h1>{name}</h1></body></html>"


def _protected_route(router: APIRouter, tokens: FlavorTokens, spec: Protected, what: str) -> None:
    """A demo resource behind the role guard; writes accept any JSON and store nothing."""
    guard = tokens.guard(*spec.roles)

    # The guard is the handler's only dependency and the body is read by hand, so a caller
    # without the right role gets 401/403 before any validation of what it sent.
    async def handler(request: Request) -> JSONResponse:
        account: Account = request.state.account
        if spec.method == "GET":
            if spec.path.endswith("/me"):
                return JSONResponse({"email": account.email, "role": account.role})
            return JSONResponse({"items": [], "resource": what})
        await request.body()
        return JSONResponse({"accepted": True, "resource": what}, status_code=202)

    router.add_api_route(spec.path, handler, methods=[spec.method], dependencies=[Depends(guard)])


def node_api(settings: Settings) -> APIRouter:
    """/api/auth/login with an e-mail, HS256 access and refresh tokens, the flavor's protected routes."""
    accounts = Accounts(settings.users)
    tokens = FlavorTokens.hs256(settings.jwt_secret, flavor=settings.flavor, roles=accounts.roles)
    router = APIRouter(tags=[settings.flavor])

    @router.post("/api/auth/login")
    async def login(body: EmailLogin) -> dict[str, Any]:
        # scrypt in a thread: it must not block the event loop
        account = await run_in_threadpool(accounts.authenticate, body.email, body.password)
        if account is None:
            raise HTTPException(status_code=401, detail="Invalid email or password")
        return {
            "access_token": tokens.issue(account, "access"),
            "refresh_token": tokens.issue(account, "refresh"),
            "token_type": "Bearer",
            "expires_in": ACCESS_TTL_SECONDS,
            "user": {"email": account.email, "role": account.role},
        }

    for spec in NODE_PROTECTED[settings.flavor]:
        _protected_route(router, tokens, spec, spec.path.rsplit("/", 1)[-1])

    @router.get("/", response_class=HTMLResponse)
    def landing() -> HTMLResponse:
        # HTML names the current build's assets: a CDN must revalidate it on every request
        return HTMLResponse(LANDING_PAGE.format(name=settings.flavor), headers={"Cache-Control": "no-cache"})

    return router


def realserv(settings: Settings) -> APIRouter:
    """Seven services under /<name>/, a Firebase-like sign-in under /firebase, and its JWKS."""
    accounts = Accounts(settings.users)
    # fault firebase_staging_project: the deployment signs users in through the staging project
    project = settings.firebase_project + ("-staging" if settings.faults.active("firebase_staging_project") else "")
    tokens = FlavorTokens.firebase(project, roles=accounts.roles,
                                   accept_key_confusion=settings.faults.active("jwt_key_confusion_accepted"))
    tokens.verifies_project = not settings.faults.active("firebase_accepts_other_projects")
    # a second Firebase project (say the team's dev project) with the same test accounts: its ID
    # tokens are signed with the same Google keys, only iss/aud differ
    other_project = settings.feature_env.get("SANDBOX_FIREBASE_OTHER_PROJECT")
    other_api_key = settings.feature_env.get("SANDBOX_FIREBASE_OTHER_API_KEY")
    other_tokens = tokens.for_project(other_project) if other_project and other_api_key else None
    router = APIRouter(tags=["realserv"])
    # the seven services run one release; their health answers say which (sandbox/release.py)
    release = ReleaseIdentity(settings)

    @router.post("/firebase/v1/accounts:signInWithPassword")
    async def sign_in(body: FirebaseSignIn, key: Annotated[str, Query(max_length=256)] = "") -> JSONResponse:
        issuer = other_tokens if other_tokens is not None and key == other_api_key else tokens
        if issuer is tokens and (settings.firebase_api_key is None or key != settings.firebase_api_key):
            return _firebase_error("API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT")
        account = await run_in_threadpool(accounts.authenticate, body.email, body.password)
        if account is None:
            # Firebase with e-mail enumeration protection: one answer for both mistakes
            return _firebase_error("INVALID_LOGIN_CREDENTIALS")
        return JSONResponse({
            "kind": "identitytoolkit#VerifyPasswordResponse",
            "localId": account.email,
            "email": account.email,
            "displayName": "",
            "registered": True,
            "idToken": issuer.issue(account, "access"),
            # Firebase refresh tokens are opaque: only the securetoken endpoint can read them
            "refreshToken": secrets_token(),
            "expiresIn": str(ACCESS_TTL_SECONDS),
        })

    @router.get(FIREBASE_JWKS_PATH)
    def jwks() -> dict[str, Any]:
        return tokens.jwks()

    @router.get(FIREBASE_X509_PATH)
    def x509_certificates() -> dict[str, str]:
        return tokens.x509_certificates()

    # the marketplace flows first: their routes replace the demo handlers of the same paths
    router.include_router(marketplace.build_router(settings, accounts, tokens))
    # IntegrationService's subscriptions and the admin read-back/delete routes (before the demo routes)
    router.include_router(realserv_records.build_router(settings, accounts, tokens))
    for name, spec in REALSERV_SERVICES.items():
        router.add_api_route(f"/{name}/health", _health_of(name, settings, release), methods=["GET"])
        _protected_route(router, tokens, Protected(spec.method, f"/{name}{spec.path}", spec.roles), name)
    # PaymentService takes Razorpay payments; NotificationService receives WhatsApp Cloud API events
    router.include_router(flavor_payments.payments_router(settings, tokens.guard(), prefix="/payment"))
    # ... and answers buyers' messages with its bot (sandbox/realserv_bot.py), replies in an outbox
    router.include_router(flavor_payments.whatsapp_router(settings, prefix="/notification",
                                                          on_delivery=realserv_bot.answer_delivery))
    router.include_router(realserv_bot.outbox_router(settings, prefix="/notification"))
    # IdentityService's FluentValidation rules as a dry run; VendorService's document upload (100 MB)
    router.include_router(flavor_inputs.validation_router(settings, tokens.guard(), "/api/users/validate",
                                                          prefix="/identity"))
    router.include_router(flavor_inputs.upload_router(settings, tokens.guard("vendor"), "/api/vendors/me/documents",
                                                      100, prefix="/vendor"))
    # IdentityService: customers' delivery addresses (object level) and PATCH /api/users/me
    router.include_router(flavor_objects.build_router(settings, tokens, me_path="/api/users/me", prefix="/identity"))
    router.include_router(flavor_openapi.identity_router(settings, tokens.guard("admin")))  # Swagger, admins only
    return router


def secrets_token() -> str:
    return "AMf-" + secrets.token_urlsafe(96)


def _health_of(service: str, settings: Settings, release: ReleaseIdentity) -> Any:
    async def health() -> JSONResponse:
        # ASP.NET Core's health-check report: overall status, the release, every dependency check
        return service_health.report(service, settings, release)

    return health


def _firebase_error(message: str, status: str = "INVALID_ARGUMENT") -> JSONResponse:
    return JSONResponse({"error": {"code": 400, "message": message, "status": status,
                                   "errors": [{"message": message, "domain": "global", "reason": "invalid"}]}},
                        status_code=400)
