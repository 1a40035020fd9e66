"""RealServ IdentityService's Swagger document (Swashbuckle's /swagger/v1/swagger.json), for admins.

Written out by hand rather than taken from FastAPI: the sandbox's own app serves every flavor's
routes and the emulators, while the real service documents only its own operations, each secured
one with the Firebase bearer scheme.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from sandbox.settings import Settings

BEARER = [{"Bearer": []}]
JSON_OBJECT: dict[str, Any] = {"content": {"application/json": {"schema": {"type": "object"}}}}


def _operation(summary: str, *, secured: bool, path_id: bool = False, body: tuple[str, ...] = ()) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "responses": {"200": {"description": "OK", **JSON_OBJECT}}}
    if secured:
        operation["security"] = BEARER
        operation["responses"]["401"] = {"description": "Unauthorized"}
    if path_id:
        operation["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    if body:
        schema = {"type": "object", "properties": {name: {"type": "string"} for name in body}}
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    return operation


def identity_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.1",
        "info": {"title": "RealServ.IdentityService", "version": "v1"},
        "paths": {
            "/health": {"get": _operation("Health-check report", secured=False)},
            "/api/users/me": {"get": _operation("The signed-in user", secured=True),
                              "patch": _operation("Update the signed-in user's profile", secured=True, body=("name", "phone"))},
            "/api/users/validate": {"post": _operation("Validate a user form (dry run)", secured=True,
                                                      body=("name", "phone", "email"))},
            "/api/addresses": {"get": _operation("The signed-in customer's delivery addresses", secured=True)},
            "/api/addresses/{id}": {
                "get": _operation("One of the customer's addresses", secured=True, path_id=True),
                "patch": _operation("Change one of the customer's addresses", secured=True, path_id=True,
                                     body=("label", "note")),
                "delete": _operation("Delete one of the customer's addresses", secured=True, path_id=True),
            },
        },
        "components": {"securitySchemes": {"Bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
    }


def identity_router(settings: Settings, admin_guard: Any, *, prefix: str = "/identity") -> APIRouter:
    router = APIRouter(prefix=prefix, tags=[f"{settings.flavor}: api description"])

    @router.get("/swagger/v1/swagger.json", dependencies=[Depends(admin_guard)])
    def swagger() -> JSONResponse:
        return JSONResponse(identity_document())

    return router
