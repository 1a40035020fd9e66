"""Input validation and upload limits of the non-commerce flavors.

RealServ's checklist demands FluentValidation with E.164 phone numbers and RFC 5322 e-mail
addresses, and a 100 MB upload limit; Arogya uploads COA/lab report files and keeps users'
e-mails and phones; the consolidated shop takes customer sign-ups. Each system gets:

- ``POST <validate_path>``: a dry run of its sign-up/user form (validates, stores nothing), so the
  phone and e-mail rules can be probed in production without creating anyone;
- ``POST <upload_path>``: an upload endpoint that refuses a declared size over the limit from the
  headers, before reading the body (413, connection closed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from sandbox.flavor_auth import Account, Accounts, FlavorTokens
from sandbox.routes.inputs import E164, EMAIL, MAX_EMAIL
from sandbox.settings import Settings


@dataclass(frozen=True)
class InputPaths:
    validate_path: str
    upload_path: str
    upload_limit_mb: int = 100


#: the Node-style flavors with input endpoints (RealServ mounts its own under /identity and /vendor)
NODE_INPUT_PATHS: dict[str, InputPaths] = {
    "arogya": InputPaths("/api/users/validate", "/api/qc/coa-files"),
    "consolidated": InputPaths("/api/customers/validate", "/api/uploads"),
}


def _problem(status: int, detail: object) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def validation_router(settings: Settings, guard: Callable[[Request], Account], path: str,
                      *, prefix: str = "") -> APIRouter:
    faults = settings.faults
    router = APIRouter(prefix=prefix, tags=[f"{settings.flavor}: inputs"])

    def phone_errors(value: object) -> list[str]:
        if value is None:
            return []
        if faults.active("flavor_phone_validation_digits_only"):
            # the defect: "at least 10 digits" instead of E.164 (no +, no country code rule)
            ok = isinstance(value, str) and sum(c.isdigit() for c in value) >= 10
        else:
            ok = isinstance(value, str) and bool(E164.match(value))
        return [] if ok else ["phone must be E.164, e.g. +919876543210"]

    def email_errors(value: object) -> list[str]:
        if value is None:
            return []
        ok = isinstance(value, str) and len(value) <= MAX_EMAIL and bool(EMAIL.match(value))
        return [] if ok else ["not a valid email address"]

    @router.post(path, dependencies=[Depends(guard)])
    async def validate(request: Request) -> Response:
        """Dry run of the system's user/customer form: validates, stores nothing."""
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _problem(400, "malformed JSON")
        if not isinstance(body, dict):
            return _problem(422, [{"field": "body", "error": "expected a JSON object"}])
        errors = [{"field": "phone", "error": e} for e in phone_errors(body.get("phone"))]
        errors += [{"field": "email", "error": e} for e in email_errors(body.get("email"))]
        if errors:
            return _problem(422, errors)
        return JSONResponse({"valid": True, "stored": False})

    return router


def upload_router(settings: Settings, guard: Callable[[Request], Account], path: str, limit_mb: int,
                  *, prefix: str = "") -> APIRouter:
    faults = settings.faults
    router = APIRouter(prefix=prefix, tags=[f"{settings.flavor}: uploads"])
    limit = limit_mb * 1024 * 1024

    def too_large() -> JSONResponse:
        refused = _problem(413, f"upload larger than {limit_mb} MB")
        refused.headers["Connection"] = "close"  # the client stops sending; nothing is drained
        return refused

    @router.post(path, dependencies=[Depends(guard)])
    async def upload(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and not declared.isdigit():
            return _problem(400, "bad Content-Length")
        # the defect: the limit lives in the storage client, after the whole body was buffered
        buffered_first = faults.active("flavor_upload_limit_after_buffering")
        if not buffered_first and declared is not None and int(declared) > limit:
            return too_large()
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if not buffered_first and received > limit:  # chunked uploads without a length
                return too_large()
        if received > limit:
            return too_large()
        # nothing is kept: the sandbox only measures
        return JSONResponse({"received_bytes": received, "stored": False})

    return router


def node_input_routers(settings: Settings) -> list[APIRouter]:
    paths = NODE_INPUT_PATHS.get(settings.flavor)
    if paths is None:
        return []
    # the same issuer, audience, key id and secret as flavor_paths.node_api: its tokens pass here
    guard = FlavorTokens.hs256(settings.jwt_secret, flavor=settings.flavor,
                               roles=Accounts(settings.users).roles).guard()
    return [validation_router(settings, guard, paths.validate_path),
            upload_router(settings, guard, paths.upload_path, paths.upload_limit_mb)]
