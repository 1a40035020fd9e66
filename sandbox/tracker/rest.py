"""A Supabase-like REST endpoint (PostgREST) over the tracker's tables: ``/rest/v1/``.

``GET /rest/v1/`` answers PostgREST's OpenAPI (Swagger 2.0) description: one path and one
definition per table of the applied migrations. Table reads and writes follow row-level security
(database_rls_hardening.sql): the anon key sees no rows and may not write; the service role
bypasses RLS. Every request needs a known key in ``apikey``.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from sandbox.settings import Settings
from sandbox.tracker.models import MIGRATIONS, rest_name, tracker_session

_TYPES = {"INTEGER": ("integer", "integer"), "VARCHAR": ("string", "character varying")}


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    env = settings.feature_env
    router = APIRouter(prefix="/rest/v1", tags=["supabase"])

    def applied_tables() -> dict[str, Any]:
        tables: dict[str, Any] = {}
        for migration, models in MIGRATIONS.items():
            if migration == "database_voice_notes_hardening.sql" and faults.active(
                    "tracker_voice_notes_migration_missing"):
                continue  # the migration was never run against this project
            tables.update({rest_name(model): model for model in models})
        return tables

    def role_of(request: Request) -> str | None:
        presented = request.headers.get("apikey", "")
        for role, variable in (("service_role", "SANDBOX_SUPABASE_SERVICE_ROLE"), ("anon", "SANDBOX_SUPABASE_ANON_KEY")):
            expected = env.get(variable, "")
            if expected and presented and hmac.compare_digest(presented.encode(), expected.encode()):
                return role
        return None

    def invalid_key() -> JSONResponse:
        return JSONResponse({"message": "Invalid API key", "hint": "Double check your Supabase `anon` or "
                             "`service_role` API key."}, status_code=401)

    @router.get("/")
    def describe(request: Request) -> JSONResponse:
        if role_of(request) is None:
            return invalid_key()
        paths: dict[str, Any] = {"/": {"get": {"tags": ["Introspection"], "summary": "OpenAPI description"}}}
        definitions: dict[str, Any] = {}
        for name, model in sorted(applied_tables().items()):
            paths[f"/{name}"] = {method: {"tags": [name], "responses": {"200": {"description": "OK"}}}
                                 for method in ("get", "post", "patch", "delete")}
            properties = {}
            for column in model.__table__.columns:
                kind, fmt = _TYPES.get(type(column.type).__name__.upper(), ("string", "text"))
                properties[column.name] = {"type": kind, "format": fmt}
            definitions[name] = {"type": "object", "properties": properties,
                                 "required": [c.name for c in model.__table__.columns if not c.nullable]}
        return JSONResponse({"swagger": "2.0", "info": {"title": "PostgREST API", "version": "12.0.2"},
                             "basePath": "/", "schemes": ["https"], "consumes": ["application/json"],
                             "produces": ["application/json"], "paths": paths, "definitions": definitions})

    @router.get("/{table}")
    def read(request: Request, table: str) -> JSONResponse:
        role = role_of(request)
        if role is None:
            return invalid_key()
        model = applied_tables().get(table)
        if model is None:
            return JSONResponse({"code": "42P01", "message": f'relation "public.{table}" does not exist'},
                                status_code=404)
        if role == "anon" and not faults.active("tracker_rls_not_enabled"):
            return JSONResponse([])  # RLS: no policy grants anon any row
        with tracker_session(request) as session:
            rows = session.scalars(select(model).limit(100)).all()
            return JSONResponse([{c.name: getattr(row, c.key) for c in model.__table__.columns} for row in rows])

    @router.post("/{table}")
    async def write(request: Request, table: str) -> JSONResponse:
        role = role_of(request)
        if role is None:
            return invalid_key()
        if applied_tables().get(table) is None:
            return JSONResponse({"code": "42P01", "message": f'relation "public.{table}" does not exist'},
                                status_code=404)
        if role == "anon" and not faults.active("tracker_rls_not_enabled"):
            return JSONResponse({"code": "42501", "message": f'new row violates row-level security policy for '
                                 f'table "{table}"'}, status_code=401)
        # the sandbox keeps its REST side read-only: a write that got through is answered as stored
        return JSONResponse([], status_code=201)

    return router
