"""``golive cleanup`` after a crash: what a killed run created is removed, and only on the env that
created it; a ledger line aimed anywhere else is refused and no credential leaves.

Runs are stopped at their create points deterministically: ``GOLIVE_SELFTEST_CRASH_AT`` makes the
run signal itself right after the Nth intent line (the request not yet sent), right before the
Nth created line (the request answered, its id never recorded), or right before the Nth settled
line (an undo sent, its outcome never recorded).

Every create point of every flavor's writing checks is left as a kill would leave it, on SQLite
and (the sandbox profile) PostgreSQL, by ``test_cleanup_every_point.py``, two runs per flavor.
Here real signals stop real runs: the sandbox profile's writing checks with SIGINT right after
the first intent and SIGKILL before the last created line, on both databases; the flavors whose
sweeps list from the database (orders found by their reference) at every create point with
SIGKILL on PostgreSQL; and the creates cleanup finds since stock changes are reversed by their
reference (FLOW-ADJUST-002, FLOW-TRANSFER-001), realserv's payment orders and partner
subscriptions are swept (MKT-DATA-001), and consolidated's, with SIGKILL after the last create
answered and SIGINT after the first undo went out.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from golive.config import parse_env_file, resolve
from golive.sandbox_process import SandboxProcess
from selftest.golive_runs import LOCAL_ENV, ROOT, env_dir_with

#: the writing checks of the sandbox profile (each creates through the ledger)
CREATING_CHECKS = ("INF-S3-007", "SEC-WEBHOOK-003", "SEC-WEBHOOK-004")
PG_URL = "postgresql://root@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Books:
    """A flavor whose sales are kept for the books: an order is undone by its cancellation (which
    restocks and refunds), not deleted, and what a sale and its cancellation write (order lines,
    ledger and audit rows, payments, the messages sent) stays. What a run left there is an order it
    placed that is not cancelled, stock that is not what it was, or any other row it inserted and
    did not delete; read as the flavor's admin."""

    login_path: str
    email: str  # env variables holding the admin's login
    password: str
    orders_table: str
    order_path: str  # with {id}
    undone: frozenset[str]  # the statuses of an order that is undone
    kept: frozenset[str]  # the tables a sale and its cancellation write for the books
    stock_path: str | None = None
    token_field: str = "access_token"
    # (table, the admin's read of one row with {id}, the statuses of a row that is undone): rows kept
    # for the books once settled (a refunded payment); one that reads back 404 was removed
    settled: tuple[tuple[str, str, frozenset[str]], ...] = ()


STOCK_BOOKS = frozenset({"flow_order_lines", "flow_ledger", "InventoryAudit"})
#: arogya's goods receipts: a received batch stays on record, emptied by the receipt's reversal
#: (its stock is what is compared)
BATCH_BOOKS = STOCK_BOOKS | {"arogya_batches"}
#: a transfer stays on record, reversed through its audit rows (the stock is what is compared)
LEVEL_BOOKS = STOCK_BOOKS | {"inventory_transfers"}


@dataclass(frozen=True)
class Flavor:
    env: Path
    checks: tuple[str, ...]
    books: Books | None = None
    flags: tuple[str, ...] = ()  # what a production-kind run of the checks needs besides --allow-writes


#: each flavor's env and its writing checks that cleanup can find by tag or reference after a crash
FLAVORS = {
    # families and invites reached through signed links
    "whatsapp_tracker": Flavor(ROOT / "envs" / "whatsapp_tracker-local.env", ("TRK-BOT-005",)),
    # an API order (walked through its statuses) and a POS bill, each found by its reference
    "arogya": Flavor(ROOT / "envs" / "arogya-local.env", ("FLOW-ORDER-001", "FLOW-POS-001"),
                     Books("/api/auth/login", "AROGYA_SUPER_ADMIN_EMAIL", "AROGYA_SUPER_ADMIN_PASSWORD",
                           "flow_orders", "/api/orders/{id}", frozenset({"cancelled"}), BATCH_BOOKS, "/api/batches")),
    # an online-store checkout, found by its reference
    "inventory": Flavor(ROOT / "envs" / "inventory-local.env", ("FLOW-ORDER-001",),
                        Books("/api/auth/login", "INVENTORY_ADMIN_EMAIL", "INVENTORY_ADMIN_PASSWORD", "flow_orders",
                              "/api/shop/orders/{id}", frozenset({"cancelled"}), LEVEL_BOOKS,
                              "/api/inventory/stock")),
    # a vendor's product (found by its SKU) and a buyer's order of it (by its reference), paid and refunded
    "realserv": Flavor(ROOT / "envs" / "realserv-local.env", ("MKT-REFUND-001",),
                       Books("/firebase/v1/accounts:signInWithPassword?key=${REALSERV_FIREBASE_API_KEY}",
                             "REALSERV_ADMIN_EMAIL", "REALSERV_ADMIN_PASSWORD", "market_orders",
                             "/order/api/orders/{id}", frozenset({"cancelled", "refunded"}),
                             frozenset({"market_notifications"}), token_field="idToken",
                             settled=(("market_payments", "/payment/api/admin/checkout/{id}",
                                       frozenset({"refunded"})),)),
                       ("--confirm-live-payment",)),
}


def _postgres_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


def _clean_environ(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SANDBOX_", "GOLIVE_"))}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def cleanup(envs: Path, env: str, reports: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "golive.cli", "--root", str(ROOT), "cleanup", "--env", env, "--envs-dir", str(envs),
         "--reports-dir", str(reports), *extra],
        cwd=ROOT, env=_clean_environ(), capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def env_values(base: Path) -> dict[str, str]:
    """An env file's values as golive reads them (a reference may name a variable defined further down)."""
    raw = parse_env_file(base)[0]
    return {key: resolve(value, raw, set()) for key, value in raw.items()}


def production_like(tmp_path: Path, changes: dict[str, str],
                    base: Path = LOCAL_ENV) -> Iterator[tuple[SandboxProcess, Path]]:
    """A sandbox that outlives the runs (as a real target does), and a production-kind env for it."""
    values = env_values(base)
    sandbox = SandboxProcess({**values, **changes}, tmp_path / "sandbox.log", cwd=ROOT)
    sandbox.start()
    try:
        envs = env_dir_with(tmp_path, "prodlike", {
            "GOLIVE_ENV_KIND": "production", "GOLIVE_SANDBOX": "off", **sandbox.exported_env(),
        }, base=base)
        yield sandbox, envs
    finally:
        sandbox.stop()


# --- a ledger line pointing outside the env ------------------------------------------------------

class Recorder(BaseHTTPRequestHandler):
    received: list[str] = []

    def _record(self) -> None:
        self.received.append(f"{self.command} {self.path} {dict(self.headers)}")
        self.send_response(204)
        self.end_headers()

    do_GET = do_POST = do_DELETE = do_PUT = _record

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    received: list[str] = []
    handler = type("Handler", (Recorder,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


def ledger_line(**entry: object) -> str:
    base = {"event": "created", "at": "2026-12-01T10:00:00+00:00", "description": "delete order 1",
            "method": "DELETE", "role": "admin", "json": None, "ok": [204, 404], "check": "FLOW-ORDER-001",
            "tag": "golive-20261201100000-abcdef", "id": "1" * 32}
    return json.dumps({**base, **entry}) + "\n"


@pytest.fixture
def sqlite_target(tmp_path: Path) -> Iterator[tuple[SandboxProcess, Path]]:
    yield from production_like(tmp_path, {})


def test_an_undo_outside_the_env_is_refused_and_nothing_is_sent(tmp_path, listener, sqlite_target):
    port, received = listener
    sandbox, envs = sqlite_target
    reports = tmp_path / "reports"
    reports.mkdir()
    foreign = f"http://127.0.0.1:{port}/api/orders/1"
    (reports / "ledger.jsonl").write_text(
        ledger_line(url=foreign, env="prodlike", service="api")
        + ledger_line(url=foreign, id="2" * 32, description="delete order 2")  # no env: never replayed
        + ledger_line(url=foreign, env="staging", service="api", id="3" * 32, description="delete order 3"))
    result = cleanup(envs, "prodlike", reports)
    assert result.returncode != 0, result.stdout + result.stderr
    assert (f"delete order 1: refused, {foreign} is not on service api of env 'prodlike' "
            f"(http://127.0.0.1:{sandbox.port})") in result.stderr
    assert "delete order 2: refused, recorded by env '(none)', not 'prodlike'" in result.stderr
    assert "1 pending entry recorded by env 'staging' left alone" in result.stdout
    assert received == [], "cleanup sent a request to a URL outside the env"
    assert "Traceback" not in result.stderr


# --- runs killed at each create point --------------------------------------------------------------

def writes(log: Path, start: int) -> list[dict[str, str]]:
    text = log.read_text()[start:]
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("msg") == "write"]


def left_behind(journal: list[dict[str, str]]) -> set[tuple[str, str]]:
    inserted = {(entry["table"], entry["key"]) for entry in journal if entry["action"] == "insert"}
    deleted = {(entry["table"], entry["key"]) for entry in journal if entry["action"] == "delete"}
    return inserted - deleted


@pytest.fixture(params=["sqlite", "postgresql"])
def standalone(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[SandboxProcess, Path]]:
    if request.param == "postgresql" and not _postgres_up():
        pytest.skip("PostgreSQL on 127.0.0.1:5432 not reachable")
    yield from production_like(tmp_path, {"SANDBOX_DATABASE_URL": PG_URL} if request.param == "postgresql" else {})


def run_creating_checks(envs: Path, reports: Path, crash_at: str = "", checks: tuple[str, ...] = CREATING_CHECKS,
                        flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    selection = [argument for check in checks for argument in ("--check", check)]
    return subprocess.run(
        [sys.executable, "-m", "pytest", f"--reports-dir={reports}", "-p", "no:cacheprovider", "--env", "prodlike",
         f"--envs-dir={envs}", "--allow-writes", *flags, *selection],
        cwd=ROOT, env=_clean_environ(**({"GOLIVE_SELFTEST_CRASH_AT": crash_at} if crash_at else {})),
        capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL)


def intents_and_creates(ledger: Path) -> tuple[int, int]:
    events = [json.loads(line)["event"] for line in ledger.read_text().splitlines()]
    return events.count("intent"), events.count("created")


@pytest.mark.timeout(1200)
def test_a_run_killed_by_a_signal_at_a_create_point_leaves_nothing_after_cleanup(standalone, tmp_path):
    sandbox, envs = standalone
    # a whole run first: it creates, undoes everything itself, and tells how many create points there are
    start = sandbox.log_path.stat().st_size
    whole = run_creating_checks(envs, tmp_path / "whole")
    assert whole.returncode == 0, whole.stdout[-3000:]
    intents, creates = intents_and_creates(tmp_path / "whole" / "ledger.jsonl")
    journal = writes(sandbox.log_path, start)
    assert {entry["table"] for entry in journal if entry["action"] == "insert"} >= {
        "payment_orders", "webhook_events", "s3:sandbox-media-prod"}, "the checks really create"
    assert left_behind(journal) == set()
    assert intents == len(CREATING_CHECKS) and creates >= 2
    # every create point of these checks is left as a kill leaves it by test_cleanup_every_point.py:
    # here a real signal at each end, before any request and after the last answer
    kill_at(sandbox, envs, tmp_path, ["intent:1:INT", f"created:{creates}:KILL"], CREATING_CHECKS)


class Ledgered:
    """What a run left on a flavor: rows inserted and never deleted, or (a flavor keeping its books)
    orders not cancelled and stock changed since ``before``."""

    def __init__(self, sandbox: SandboxProcess, base: Path, books: Books | None) -> None:
        self.sandbox, self.books = sandbox, books
        self.values = env_values(base)
        self._headers: dict[str, str] = {}

    def _admin(self, client: httpx.Client) -> dict[str, str]:
        # one login for the whole test: the target limits logins, and golive's runs log in as well
        assert self.books is not None
        if self._headers:
            return self._headers
        path = resolve(self.books.login_path, self.values, set())
        login = client.post(path, json={"email": self.values[self.books.email],
                                        "password": self.values[self.books.password], "returnSecureToken": True})
        assert login.status_code == 200, login.text
        self._headers = {"Authorization": f"Bearer {login.json()[self.books.token_field]}"}
        return self._headers

    def stock(self) -> list[dict[str, object]]:
        if self.books is None or self.books.stock_path is None:
            return []
        with httpx.Client(base_url=self.sandbox.url, timeout=10) as client:
            answer = client.get(self.books.stock_path, headers=self._admin(client))
            assert answer.status_code == 200, answer.text
            # an empty row is no stock (a batch received and reversed again reads 0)
            return sorted((row for row in answer.json()["items"] if row.get("quantity") != 0),
                          key=lambda row: json.dumps(row, sort_keys=True))

    def left(self, start: int, before: list[dict[str, object]]) -> set[tuple[str, str]]:
        journal = writes(self.sandbox.log_path, start)
        books = self.books
        if books is None:
            return left_behind(journal)
        settled = ((books.orders_table, books.order_path, books.undone), *books.settled)
        left = left_behind([entry for entry in journal
                            if entry["table"] not in {*books.kept, *(table for table, _, _ in settled)}])
        with httpx.Client(base_url=self.sandbox.url, timeout=10) as client:
            headers = self._admin(client)
            for table, path, undone in settled:
                for row_id in sorted(key for _, key in left_behind([e for e in journal if e["table"] == table])):
                    answer = client.get(path.replace("{id}", row_id), headers=headers)
                    if answer.status_code == 404 and table != books.orders_table:
                        continue  # removed (orders are never deleted: one that is gone is a defect)
                    assert answer.status_code == 200, answer.text
                    if answer.json()["status"] not in undone:
                        left.add((table, f"{row_id} ({answer.json()['status']})"))
        if self.stock() != before:
            left.add(("stock", "changed"))
        return left


#: on PostgreSQL, the flavors whose orders are found by their reference (the SQL the sweep's list
#: runs differs by database), SIGKILL only: how the run stops is golive's side (the signals are
#: proven on the sandbox profile above), the database decides only what the sweep finds. On the
#: default database every flavor's create points are covered by test_cleanup_every_point.py.
FLAVOR_RUNS = [(name, "postgresql") for name in sorted(FLAVORS) if FLAVORS[name].books is not None]


@pytest.fixture(params=FLAVOR_RUNS, ids=[f"{name}-{database}" for name, database in FLAVOR_RUNS])
def flavor(request: pytest.FixtureRequest,
           tmp_path: Path) -> Iterator[tuple[SandboxProcess, Path, Flavor, tuple[str, ...]]]:
    name, database = request.param
    if database == "postgresql" and not _postgres_up():
        pytest.skip("PostgreSQL on 127.0.0.1:5432 not reachable")
    chosen = FLAVORS[name]
    signals = ("KILL",) if database == "postgresql" else ("KILL", "INT")
    database_env = {"SANDBOX_DATABASE_URL": PG_URL} if database == "postgresql" else {}
    for sandbox, envs in production_like(tmp_path, database_env, chosen.env):
        yield sandbox, envs, chosen, signals


@pytest.mark.timeout(1200)
def test_a_flavor_run_killed_at_any_create_point_leaves_nothing_after_cleanup(flavor, tmp_path):
    sandbox, envs, chosen, signals = flavor
    ledgered = Ledgered(sandbox, chosen.env, chosen.books)
    # a first run lets the target seed what it seeds on first use (the tracker's demo family)
    run_creating_checks(envs, tmp_path / "first", checks=chosen.checks, flags=chosen.flags)
    start, before = sandbox.log_path.stat().st_size, ledgered.stock()
    whole = run_creating_checks(envs, tmp_path / "whole", checks=chosen.checks, flags=chosen.flags)
    verdict = json.loads((tmp_path / "whole" / "verdict.json").read_text())
    # a production-kind flavor env is NO-GO on its missing sign-offs; the checks themselves pass
    assert {check["status"] for check in verdict["checks"]} == {"passed"}, whole.stdout[-3000:]
    journal = writes(sandbox.log_path, start)
    assert any(entry["action"] == "insert" for entry in journal), "the checks really create"
    assert ledgered.left(start, before) == set()
    kill_at_every_create_point(sandbox, envs, tmp_path, *intents_and_creates(tmp_path / "whole" / "ledger.jsonl"),
                               chosen.checks, ledgered, signals, chosen.flags)


def kill_at_every_create_point(sandbox: SandboxProcess, envs: Path, tmp_path: Path, intents: int, creates: int,
                               checks: tuple[str, ...], ledgered: Ledgered | None = None,
                               signals: tuple[str, ...] = ("KILL", "INT"), flags: tuple[str, ...] = ()) -> None:
    points = [f"intent:{n}" for n in range(1, intents + 1)] + [f"created:{n}" for n in range(1, creates + 1)]
    kill_at(sandbox, envs, tmp_path, [f"{point}:{signal}" for signal in signals for point in points], checks,
            ledgered, flags)


def kill_at(sandbox: SandboxProcess, envs: Path, tmp_path: Path, crashes: list[str], checks: tuple[str, ...],
            ledgered: Ledgered | None = None, flags: tuple[str, ...] = ()) -> None:
    """Each of ``crashes`` (``created:2:KILL``) stops a run of ``checks``; cleanup leaves nothing behind."""
    for crash in crashes:
        reports = tmp_path / crash.replace(":", "-")
        start = sandbox.log_path.stat().st_size
        before = ledgered.stock() if ledgered else []
        killed = run_creating_checks(envs, reports, crash, checks, flags)
        assert killed.returncode != 0, f"{crash} did not stop the run"
        swept = cleanup(envs, "prodlike", reports)
        assert swept.returncode == 0, f"{crash}: {swept.stdout}{swept.stderr}"
        left = ledgered.left(start, before) if ledgered else left_behind(writes(sandbox.log_path, start))
        assert left == set(), f"{crash} left data behind"
        assert "nothing pending" in cleanup(envs, "prodlike", reports).stdout


SETTLED = ("undone", "undo_failed")


def create_points(ledger: Path, about: str) -> list[str]:
    """The crash points (``intent:N``, ``created:N``, ``settled:N``) of a whole run's ledger whose create
    is described by ``about`` (a regular expression): N counts every line of that kind, as the run does."""
    entries = [json.loads(line) for line in ledger.read_text().splitlines()]
    described = {entry["id"]: entry["description"] for entry in entries if entry["event"] in ("intent", "created")}
    counts: dict[str, int] = {}
    points = []
    for entry in entries:
        kind = "settled" if entry["event"] in SETTLED else entry["event"]
        counts[kind] = counts.get(kind, 0) + 1
        description = entry.get("description") or described.get(entry["id"].split(":")[0], "")
        if re.search(about, description) and not str(entry.get("outcome", "")).startswith("not created"):
            points.append(f"{kind}:{counts[kind]}")
    return points


#: the creates cleanup finds since stock changes are reversed by their reference and RealServ's
#: payment orders and subscriptions are swept, and consolidated's (the sandbox profile's checks, on
#: its own providers). Each flavor is killed twice, on the default database: with SIGKILL at its last
#: create point (the answer came, its record did not: found by reference, order id or name), and
#: with SIGINT after the first of their undos went out (cleanup sends it again: a reversal or a
#: settlement is applied once). Every create point of these checks' kind (intent first, then the
#: created id) is killed with both signals on both databases by the tests above.
SWEPT_SINCE = {
    "inventory": (("FLOW-ADJUST-002", "FLOW-TRANSFER-001"), "reverse the stock changes"),
    "arogya": (("FLOW-ADJUST-002",), "reverse the stock changes"),
    "realserv": (("MKT-DATA-001",), "payment order|subscription"),
    "consolidated": (CREATING_CHECKS, "."),
}
CONSOLIDATED = Flavor(ROOT / "envs" / "consolidated-local.env", CREATING_CHECKS)


@pytest.fixture(params=sorted(SWEPT_SINCE))
def swept_flavor(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[SandboxProcess, Path, str]]:
    chosen = FLAVORS.get(request.param, CONSOLIDATED)
    for sandbox, envs in production_like(tmp_path, {}, chosen.env):
        yield sandbox, envs, request.param


@pytest.mark.timeout(600)
def test_a_run_killed_at_a_create_cleanup_now_finds_leaves_nothing(swept_flavor, tmp_path):
    sandbox, envs, name = swept_flavor
    chosen, (checks, about) = FLAVORS.get(name, CONSOLIDATED), SWEPT_SINCE[name]
    ledgered = Ledgered(sandbox, chosen.env, chosen.books)
    start, before = sandbox.log_path.stat().st_size, ledgered.stock()
    whole = run_creating_checks(envs, tmp_path / "whole", checks=checks, flags=chosen.flags)
    verdict = json.loads((tmp_path / "whole" / "verdict.json").read_text())
    assert {check["status"] for check in verdict["checks"]} == {"passed"}, whole.stdout[-3000:]
    assert ledgered.left(start, before) == set()
    points = create_points(tmp_path / "whole" / "ledger.jsonl", about)
    creates = [point for point in points if point.startswith("created")]
    undos = [point for point in points if point.startswith("settled")]
    assert creates and undos, points
    kill_at(sandbox, envs, tmp_path, [f"{creates[-1]}:KILL", f"{undos[0]}:INT"], checks, ledgered, chosen.flags)
