"""Database: models, per-instance storage (temp SQLite file or a fresh Postgres schema), seed."""

from __future__ import annotations

import atexit
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, Integer, String, create_engine, event, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from sandbox.logs import get_logger, log
from sandbox.passwords import hash_password
from sandbox.settings import OPTIONAL_USERS, ROLES, ConfigError, Settings

#: Session state, not business data: logging in and rotating tokens is no "write" to the shop.
NOT_JOURNALED = frozenset({"refresh_tokens", "mfa_challenges"})

#: fault weak_account_password: the password an installer gives an account until someone rotates it
WEAK_INSTALLER_PASSWORD = "changethis"

#: fault default_admin_password: (username, password) of a vendor-default admin account
DEFAULT_ADMIN = ("administrator", "admin")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))


class RefreshToken(Base):
    """Issued refresh tokens by jti, so that each one can be used exactly once (rotation)."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    # epoch seconds: avoids SQLite's timezone-less DATETIME
    issued_at: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[int] = mapped_column(Integer)
    revoked_at: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Product(Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    price_paise: Mapped[int] = mapped_column(Integer)
    hsn: Mapped[str] = mapped_column(String(8))
    gtin: Mapped[str] = mapped_column(String(14))


# GTIN-13s with valid check digits (India's GS1 prefix 890), HSN codes of the goods.
_SEED_ROWS = (
    # sku,     name,                        price_paise, hsn,        gtin
    ("ASH-250", "Ashwagandha Churna 250 g", 24900, "30049011", "8901234567890"),
    ("TUL-100", "Tulsi Drops 100 ml", 18500, "30049011", "8901234567906"),
    ("CHY-500", "Chyawanprash 500 g", 32000, "21069099", "8901234567913"),
    ("TRI-060", "Triphala Tablets x60", 14000, "30049011", "8901234567920"),
)
SEED_PRODUCTS: tuple[dict[str, object], ...] = tuple(
    dict(zip(("sku", "name", "price_paise", "hsn", "gtin"), row, strict=True)) for row in _SEED_ROWS
)


def _normalise_url(url: str) -> str:
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if parsed.get_backend_name() == "postgresql":
        # only psycopg 3 is installed; plain postgresql:// would ask for psycopg2
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.get_backend_name() == "sqlite":
        return parsed.render_as_string(hide_password=False)
    raise ConfigError(f"SANDBOX_DATABASE_URL: unsupported database {parsed.get_backend_name()!r} (sqlite, postgresql)")


class Database:
    """One sandbox instance's database. ``open()`` at start-up, ``close()`` at shutdown."""

    def __init__(self, settings: Settings, logger: logging.Logger | None = None) -> None:
        """Validates the configuration only; nothing is created before ``open()``."""
        self._settings = settings
        self._log = logger or get_logger("db")
        self._url = _normalise_url(settings.database_url) if settings.database_url else None
        self.kind = "postgresql" if self._url and make_url(self._url).get_backend_name() == "postgresql" else "sqlite"
        self._temp_path: str | None = None
        self._schema: str | None = None  # set only once we created it (and so may drop it)
        self._engine: Engine | None = None
        self.sessions: sessionmaker[Session] = sessionmaker(expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("database not opened")
        return self._engine

    def _create_engine(self) -> Engine:
        if self._settings.faults.active("database_unreachable"):
            # The classic: the app is deployed with a database location it cannot reach.
            dead = os.path.join(tempfile.gettempdir(), f"sandbox-missing-{secrets.token_hex(8)}", "db.sqlite3")
            return create_engine(f"sqlite:///{dead}")
        if self._url is None:
            fd, self._temp_path = tempfile.mkstemp(prefix="sandbox-", suffix=".sqlite3")
            os.close(fd)
            atexit.register(self._remove_temp_file)  # in case shutdown never runs
            return self._sqlite_engine(f"sqlite:///{self._temp_path}")
        if self.kind == "sqlite":
            return self._sqlite_engine(self._url)
        return create_engine(
            self._url,
            pool_pre_ping=True,
            connect_args={"options": f"-csearch_path={self._settings.schema_name}", "connect_timeout": 5},
        )

    @staticmethod
    def _sqlite_engine(url: str) -> Engine:
        # the route handlers run in a thread pool; timeout waits for a concurrent writer
        return create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

    @property
    def schema(self) -> str | None:
        return self._schema

    def open(self) -> bool:
        """Create tables and seed. Returns False (and logs) when the database is unreachable:
        the process keeps serving so that /health/ready can report it."""
        self._engine = self._create_engine()
        self.sessions.configure(bind=self._engine)
        try:
            if self.kind == "postgresql" and not self._settings.faults.active("database_unreachable"):
                self._create_schema(self._settings.schema_name)
            Base.metadata.create_all(self.engine)
            self._seed()
            # From here on every accepted change to business data is one "write" log line: the
            # journal that proves a production-kind run of golive changed nothing.
            event.listen(self.sessions, "after_flush", self._journal)
        except OperationalError as exc:
            log(self._log, logging.ERROR, "database bootstrap failed", error=type(exc).__name__, database=self.kind)
            return False
        return True

    def _create_schema(self, schema: str) -> None:
        # a fresh schema per instance, so that parallel sandboxes on one database never collide;
        # an existing schema is an error (ProgrammingError), never silently reused or dropped
        with self.engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self._schema = schema
        atexit.register(self._drop_schema)

    def _journal(self, session: Session, _context: object) -> None:
        for action, objects in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
            for obj in objects:
                table = getattr(obj, "__tablename__", type(obj).__name__)
                if table in NOT_JOURNALED or (action == "update" and not session.is_modified(obj)):
                    continue
                key = inspect(obj).mapper.primary_key_from_instance(obj)
                log(self._log, logging.INFO, "write", table=table, action=action,
                    key="/".join(str(part) for part in key))

    def _seed(self) -> None:
        with self.sessions.begin() as session:
            for username in dict.fromkeys((*ROLES, *OPTIONAL_USERS)):
                role = OPTIONAL_USERS.get(username, username)
                password = self._settings.passwords.get(username)
                if username == "cashier" and self._settings.faults.active("weak_account_password"):
                    password = WEAK_INSTALLER_PASSWORD  # the installer's default, never rotated
                if username in OPTIONAL_USERS and password is None:
                    continue
                password_hash = hash_password(password)
                user = session.scalar(select(User).where(User.username == username))
                if user is None:
                    session.add(User(username=username, role=role, password_hash=password_hash))
                else:  # a persistent database: the environment's passwords win
                    user.role, user.password_hash = role, password_hash
            if self._settings.faults.active("default_admin_password") and session.scalar(
                    select(User).where(User.username == DEFAULT_ADMIN[0])) is None:
                # the installer's setup account, never disabled after go-live
                session.add(User(username=DEFAULT_ADMIN[0], role="admin", password_hash=hash_password(DEFAULT_ADMIN[1])))
            existing = set(session.scalars(select(Product.sku)))
            session.add_all(Product(**p) for p in SEED_PRODUCTS if p["sku"] not in existing)
            session.flush()
            from sandbox.orders import seed_orders  # late: sandbox.orders imports Base from here

            seed_orders(session)
            if self._settings.flavor == "realserv":
                from sandbox.marketplace import seed_marketplace  # late: it imports Base from here

                seed_marketplace(session, next((u.email for u in self._settings.users if u.role == "vendor"), None))
            if self._settings.flavor == "arogya":
                from sandbox.arogya_models import seed_inventory  # late: it imports Base from here

                seed_inventory(session, self._settings.faults)
                from sandbox.arogya_commercial import seed_commercial  # late: it imports Base from here

                seed_commercial(session, self._settings.faults)
            if self._settings.flavor in ("inventory", "arogya"):
                from sandbox.stock_flows import seed_stock_flows  # late: it imports Base from here

                seed_stock_flows(session, self._settings)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session

    def ping(self) -> float:
        """``SELECT 1``; returns the round trip in milliseconds (raises on failure)."""
        started = time.perf_counter()
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return (time.perf_counter() - started) * 1000

    def ready_query(self) -> None:
        """A real query against our own schema (raises on failure): proves tables exist too."""
        with self.engine.connect() as conn:
            conn.execute(select(User.id).limit(1)).all()

    def close(self) -> None:
        try:
            self._drop_schema()
        finally:
            if self._engine is not None:
                self._engine.dispose()
            self._remove_temp_file()

    def _drop_schema(self) -> None:
        if self._schema is None:
            return
        schema, self._schema = self._schema, None
        atexit.unregister(self._drop_schema)
        try:
            self.engine.dispose()  # pooled connections would block the DROP
            with self.engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        except OperationalError as exc:
            log(self._log, logging.WARNING, "could not drop schema", schema=schema, error=type(exc).__name__)

    def _remove_temp_file(self) -> None:
        if self._temp_path is None:
            return
        path, self._temp_path = self._temp_path, None
        atexit.unregister(self._remove_temp_file)
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.remove(path + suffix)
            except FileNotFoundError:
                pass
