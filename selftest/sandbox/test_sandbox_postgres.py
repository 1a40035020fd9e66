"""PostgreSQL: a fresh schema per sandbox instance, dropped at shutdown (skipped without a server)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from sandbox.app import create_app

PG_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"


def _postgres_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _postgres_up(), reason="PostgreSQL on 127.0.0.1:5432 not reachable")


def _schemas(prefix: str) -> set[str]:
    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE :p"),
                                {"p": prefix + "%"})
            return {row[0] for row in rows}
    finally:
        engine.dispose()


def test_parallel_instances_get_their_own_schema_and_drop_it(kit):
    first = create_app(kit.make_settings(env={"SANDBOX_DATABASE_URL": PG_URL}))
    second = create_app(kit.make_settings(env={"SANDBOX_DATABASE_URL": "postgresql://root@127.0.0.1:5432/test"}))
    with TestClient(first, base_url=kit.api_base) as a, TestClient(second, base_url=kit.api_base) as b:
        schema_a, schema_b = first.state.sandbox.db.schema, second.state.sandbox.db.schema
        assert schema_a and schema_b and schema_a != schema_b
        assert schema_a.startswith("sandbox_")
        assert {schema_a, schema_b} <= _schemas("sandbox_")
        for client in (a, b):
            ready = client.get("/health/ready").json()
            assert ready["ready"] is True and ready["checks"]["db"] is True and ready["checks"]["env"] is True
            assert client.get("/health/db").json()["status"] == "ok"
        # rotation state lives in each instance's own schema
        tokens = kit.login(a, "admin")
        assert b.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
        assert a.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 200
    assert not {schema_a, schema_b} & _schemas("sandbox_")


def test_named_schema_from_env(kit):
    name = f"sandbox_selftest_{uuid.uuid4().hex[:12]}"
    app = create_app(kit.make_settings(env={"SANDBOX_DATABASE_URL": PG_URL, "SANDBOX_DB_SCHEMA": name}))
    with TestClient(app, base_url=kit.api_base) as client:
        assert app.state.sandbox.db.schema == name
        assert name in _schemas(name)
        assert client.get("/health/ready").status_code == 200
    assert name not in _schemas(name)


def test_database_unreachable_with_postgres_configured(make_client):
    client = make_client("database_unreachable", env={"SANDBOX_DATABASE_URL": PG_URL})
    assert client.get("/health/ready").status_code == 503
    assert client.get("/health/db").json() == {"status": "error", "error": "OperationalError"}


def test_existing_schema_refuses_to_start_without_leaking_sql(kit):
    # never reuse (or later drop!) a schema someone else owns: start-up fails with exit 3
    env = {**os.environ, **kit.env, "SANDBOX_DATABASE_URL": PG_URL, "SANDBOX_DB_SCHEMA": "public"}
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "serve", "--port", "0"],
        check=False, cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 3
    assert '"database setup failed"' in result.stderr and "ProgrammingError" in result.stderr
    assert "CREATE SCHEMA" not in result.stderr
    assert "public" in _schemas("public")
