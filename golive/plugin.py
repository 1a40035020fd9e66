"""The golive pytest plugin: options, markers, check identity, safety, results and the verdict.

This is the one module that knows pytest's hooks. Everything it decides is delegated to plain
modules (config, safety, verdict, report) that are tested without running pytest.
"""

from __future__ import annotations

import configparser
import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from golive import redaction
from golive.auth import forgery_context, forgeries_with_key_set
from golive.probes.observation import DurationError, parse_duration
from golive.probes.tokens import available_forgeries
from golive.checklists import Checklist, ChecklistError, load_checklists
from golive.checks import spec_of
from golive.coverage import CheckOutcome, required_attestations, run_coverage_of
from golive.discovery import DiscoveryError, discover_checks
from golive.gates import GateError, GateTracker, stage_of, stage_summary, staged_checklist, stages_up_to
from golive.config import ConfigurationError, Settings, UsageError, available_envs, load_settings, peek_env
from golive.outcomes import Blocked, CheckFailed, Status, TargetUnreachable, blocked, unverified, worst
from golive.report import allure as allure_report
from golive.report.files import (
    ReportsBusy,
    ReportsLock,
    in_progress_document,
    lock_reports,
    replace_file,
    verdict_document,
    write_json,
    write_markdown,
)
from golive.report.terminal import colour_of, panel_lines
from golive.safety import Flags, missing_flags, writes_refused
from golive.sandbox_process import FRONTEND_APPS, SandboxError, SandboxProcess
from golive.signoffs import Signoffs, load_signoffs
from golive.ledger import LEDGER_FILE, Ledger, creates_of_run, run_tag
from golive.http import HttpClient, Reachability
from golive.preflight import WORKER_INPUT_KEY, Preflight, preflight
from golive.verdict import NO_GO, CheckResult, decide

# --observe and its window live in their own plugin module (options, loop, report section)
pytest_plugins = ["golive.observe"]

EXIT_CONFIGURATION_ERROR = 6
EXIT_REPORTS_LOCKED = 7
VERDICT_FILES = ("verdict.json", "verdict.md")
SECTIONS = (
    "security", "infrastructure", "integrations", "e2e", "post_deploy", "browser",
    "observability", "load", "data_integrity", "signoff",
)  # fmt: skip
PLACEHOLDER_SANDBOX = {
    "SANDBOX_URL": "http://127.0.0.1:9", "SANDBOX_ADMIN_URL": "http://localhost:9", "SANDBOX_HOSTPORT": "127.0.0.1:9",
    "SANDBOX_TLS_URL": "https://localhost:9", "SANDBOX_HTTP_REDIRECT_URL": "http://localhost:9",
    "SANDBOX_TLS_CA_FILE": "/nonexistent/ca.pem", "SANDBOX_REPO_DIR": "/nonexistent/repo",
    "SANDBOX_TLS_PORT": "9", "SANDBOX_DB_PUBLIC_PORT": "9", "SANDBOX_REDIS_PUBLIC_PORT": "9",
    **{f"SANDBOX_{app.upper()}_URL": f"http://{app}.localhost:9" for app in FRONTEND_APPS},
}
NOT_APPLICABLE_PREFIX = "not applicable: "
UNVERIFIED_PREFIX = "unverified: "

state_key = pytest.StashKey["RunState"]()
critical_key = pytest.StashKey[bool]()


@dataclass
class RunState:
    root: Path
    reports_dir: Path
    settings: Settings | None = None
    flags: Flags = field(default_factory=Flags)
    signoffs: Signoffs = field(default_factory=Signoffs)
    sandbox: SandboxProcess | None = None
    sandbox_ready: bool = False
    preflight: Preflight | None = None
    # one per process: a target the preflight found dead is not waited for again by the checks
    reachability: Reachability = field(default_factory=Reachability)
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    started_monotonic: float = field(default_factory=time.monotonic)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    run_problems: list[str] = field(default_factory=list)
    document: dict[str, Any] | None = None
    gate: GateTracker | None = None
    gate_checklist: Checklist | None = None
    lock: ReportsLock | None = None
    # verdict files as they were before this run (None: absent), put back when the run is refused
    previous_reports: dict[str, str | None] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.settings is not None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("golive", "golive go-live checks")
    group.addoption("--env", dest="golive_env", metavar="NAME",
                    help="environment to check: loads envs/NAME.env (e.g. local, staging, prod)")
    group.addoption("--envs-dir", dest="golive_envs_dir", metavar="DIR", help="where env files live (default: envs/)")
    group.addoption("--signoffs-dir", dest="golive_signoffs_dir", metavar="DIR",
                    help="where <env>/waivers.yaml and <env>/attestations.yaml live (default: signoffs/)")
    group.addoption("--reports-dir", dest="golive_reports_dir", metavar="DIR",
                    help="where verdict.json, verdict.md and allure-results go (default: reports/)")
    group.addoption("--allow-writes", action="store_true", dest="golive_allow_writes",
                    help="let mutating checks run against a production environment")
    group.addoption("--allow-load", action="store_true", dest="golive_allow_load",
                    help="let load checks run against a production environment")
    group.addoption("--confirm-live-payment", action="store_true", dest="golive_confirm_live_payment",
                    help="with --allow-writes: let money checks move real money in production")
    group.addoption("--check", action="append", dest="golive_checks", metavar="ID", default=[],
                    help="run only these check ids (repeatable, e.g. --check SEC-CORS-002)")
    group.addoption("--gate", dest="golive_gate", metavar="STAGE",
                    help="staged runbooks: run stages S0 through STAGE in order; a failed blocker stage blocks the rest")
    group.addoption("--no-preflight", action="store_true", dest="golive_no_preflight",
                    help="don't stop early when a role's login fails before the first check: run the checks "
                         "that need no failed login (the others end blocked by it)")
    group.addoption("--list-checks", action="store_true", dest="golive_list_checks",
                    help="list the selected checks (id, criticality, safety, items) as JSON and run nothing")
    # the observation window (golive/observe.py); declared here, with the other options, so that pytest
    # knows them when it first reads the command line (a value like 20s is no test path)
    group.addoption("--observe", dest="golive_observe", metavar="DURATION",
                    help="repeat the checks that watch a signal (health, error rate, latency) over this window "
                         "(90s, 10m, 24h) and decide them on the whole window")
    group.addoption("--every", dest="golive_every", metavar="DURATION", default=None,
                    help="with --observe: how often each watched check runs (default 60s)")
    group.addoption("--payment-window", dest="golive_payment_window", metavar="DURATION", default=None,
                    help="live Razorpay key: how long to wait for a person to pay the Rs 1 payment link "
                         "(default: the profile's marketplace.checkout.payment_window_s, 10m)")


# --- configuration --------------------------------------------------------------------------


def _register_markers(config: pytest.Config) -> None:
    registry = configparser.ConfigParser(interpolation=None)
    registry.optionxform = str  # type: ignore[assignment,method-assign]
    registry.read(Path(__file__).resolve().parent.parent / "markers.ini", encoding="utf-8")
    if registry.has_section("markers"):
        for name, description in registry.items("markers"):
            config.addinivalue_line("markers", f"{name}: {description}")


def _fail_configuration(state: RunState, problems: list[str], heading: str) -> None:
    if state.sandbox:
        state.sandbox.stop()
    message = "\n".join([heading, *(f"  - {redaction.current().text(p)}" for p in problems)])
    pytest.exit(message, returncode=EXIT_CONFIGURATION_ERROR)


def _refuse_unknown_promotions(state: RunState, promoted: set[str], collected: set[str], root: Path) -> None:
    """A profile's ``critical: [...]`` naming no check is a typo that silently promotes nothing, so a
    blocker would run as non-critical: a configuration error, listed before any test runs."""
    import difflib

    unknown = promoted - collected
    if not unknown:
        return
    # the run may collect a subset of the suite (a file, a folder): ask the whole suite first
    try:
        known = collected | {spec.id for spec in discover_checks(root / "suites")}
    except DiscoveryError:
        return  # a suite that cannot be imported is reported by coverage; nothing to compare against
    problems = []
    for check_id in sorted(unknown - known):
        close = difflib.get_close_matches(check_id, sorted(known), n=1)
        problems.append(f"critical: {check_id} is not a check id" + (f" (did you mean {close[0]}?)" if close else ""))
    if problems:
        profile_name = state.settings.profile.name  # type: ignore[union-attr]
        _fail_configuration(state, problems, f"golive: the profile {profile_name!r} promotes checks that do not exist")


def _load(config: pytest.Config, state: RunState, env_name: str) -> None:
    root = state.root
    envs_dir = Path(config.option.golive_envs_dir) if config.option.golive_envs_dir else None
    is_worker = hasattr(config, "workerinput")
    try:
        raw_env = peek_env(env_name, root, envs_dir)
        redaction.install(redaction.Redactor(redaction.secrets_from_env(raw_env)))
        wants_sandbox = raw_env.get("GOLIVE_SANDBOX", "off").lower() == "start"
        # Validate everything before spending time on a sandbox; its URLs are placeholders here.
        extra = PLACEHOLDER_SANDBOX if wants_sandbox and "SANDBOX_URL" not in os.environ else {}
        settings = load_settings(env_name, root, envs_dir=envs_dir, extra=extra)
    except UsageError as error:
        raise pytest.UsageError(str(error)) from None
    except ConfigurationError as error:
        settings, problems = None, error.problems
    else:
        problems = []
    # every problem at once: the sign-offs' along with the env's and the profile's
    signoffs_root = Path(config.option.golive_signoffs_dir) if config.option.golive_signoffs_dir else root / "signoffs"
    signoffs, signoff_problems = load_signoffs(signoffs_root / env_name)
    problems += signoff_problems
    if problems or settings is None:
        _fail_configuration(state, problems, f"golive: configuration errors in env {env_name!r}:")
        return
    listing = config.option.golive_list_checks
    if settings.sandbox and not is_worker and not listing and "SANDBOX_URL" not in os.environ:
        sandbox = SandboxProcess(settings.values, state.reports_dir / "sandbox.log", cwd=root)
        try:
            sandbox.launch()  # serving is awaited before the first check runs (pytest_runtestloop)
        except (SandboxError, OSError) as error:
            _fail_configuration(state, [str(error)], "golive: the sandbox could not start:")
        state.sandbox = sandbox
        # xdist workers inherit the environment, so they find the same sandbox.
        os.environ.update(sandbox.exported_env())
        settings = load_settings(env_name, root, envs_dir=envs_dir)
    redaction.install(redaction.Redactor(redaction.secrets_from_env(settings.values)))
    state.settings, state.signoffs = settings, signoffs


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    _register_markers(config)
    root = Path(config.rootpath)
    reports = Path(config.option.golive_reports_dir or root / "reports").resolve()
    state = RunState(root=root, reports_dir=reports)
    config.stash[state_key] = state
    state.flags = Flags(
        allow_writes=config.option.golive_allow_writes,
        allow_load=config.option.golive_allow_load,
        confirm_live_payment=config.option.golive_confirm_live_payment,
    )
    if config.option.golive_payment_window:  # a usage error before any check runs, like --observe's
        try:
            parse_duration(config.option.golive_payment_window)
        except DurationError as error:
            raise pytest.UsageError(f"--payment-window: {error}") from None
    env_name = config.option.golive_env or os.environ.get("GOLIVE_ENV")
    if not env_name:
        return
    if not hasattr(config, "workerinput"):  # the controller holds the lock for its xdist workers
        _refuse_unknown_check_ids_before_workers(config, root)
        _lock_reports(state)
    _load(config, state, env_name)
    run_tag()  # before xdist starts its workers: they inherit the tag and share one run
    if config.option.golive_gate:
        _plan_gates(config, state)
    config.pluginmanager.register(ResultCollector(state), "golive-results")
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(PreflightToWorkers(state), "golive-preflight")
    if getattr(config.option, "allure_report_dir", "missing") is None:
        config.option.allure_report_dir = str(reports / "allure-results")
        # the controller empties it; an xdist worker that did would also delete what the controller
        # and the other workers have written (the in-progress decision, earlier results)
        config.option.clean_alluredir = not hasattr(config, "workerinput")


def _refuse_unknown_check_ids_before_workers(config: pytest.Config, root: Path) -> None:
    """Under xdist the controller collects nothing, and a worker refusing an unknown --check id
    crashes the run (INTERNALERROR, a verdict after all). Refuse it here, before anything is written:
    an id that appears in no suite source cannot be collected. (Without xdist, collection refuses it.)"""
    wanted = set(config.option.golive_checks)
    if not wanted or not getattr(config.option, "numprocesses", None) or not (root / "suites").is_dir():
        return
    sources = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in (root / "suites").rglob("*.py"))
    unknown = sorted(check for check in wanted if f'"{check}"' not in sources and f"'{check}'" not in sources)
    if unknown:
        raise pytest.UsageError(f"--check names unknown check ids: {', '.join(unknown)}")


def _lock_reports(state: RunState) -> None:
    """One run per reports folder: two would overwrite each other's verdict and mix their Allure results."""
    try:
        state.lock = lock_reports(state.reports_dir)
    except ReportsBusy as busy:
        holder = f" ({busy.holder})" if busy.holder else ""
        pytest.exit(
            f"golive: another golive run{holder} is using the reports folder {state.reports_dir}; "
            "wait for it to finish, or give this run a folder of its own with --reports-dir=DIR",
            returncode=EXIT_REPORTS_LOCKED,
        )


class _ListingReporter(pytest.TerminalReporter):  # type: ignore[misc]
    """pytest's reporter, writing to stderr: ``--list-checks`` keeps stdout for its JSON alone."""


def pytest_plugin_registered(plugin: object, plugin_name: str, manager: pytest.PytestPluginManager) -> None:
    # --list-checks is for machines (json.loads of the whole stdout): pytest's header, summary and
    # warnings go to stderr. The reporter is swapped as it is registered, before it prints anything.
    if (plugin_name == "terminalreporter" and type(plugin) is pytest.TerminalReporter
            and plugin.config.option.golive_list_checks):
        manager.unregister(plugin)
        manager.register(_ListingReporter(plugin.config, sys.stderr), "terminalreporter")


def _plan_gates(config: pytest.Config, state: RunState) -> None:
    if getattr(config.option, "numprocesses", None) or getattr(config.option, "dist", "no") != "no":
        raise pytest.UsageError("--gate runs the stages in order, one after the other: drop -n/--dist")
    try:
        checklist = staged_checklist(load_checklists(state.root / "checklists"), state.settings.profile.checklists)  # type: ignore[union-attr]
        state.gate = GateTracker(stages_up_to(checklist, config.option.golive_gate))
    except (GateError, ChecklistError) as error:
        raise pytest.UsageError(str(error)) from None
    state.gate_checklist = checklist


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(state_key, None)
    if state and state.sandbox:
        state.sandbox.stop()
        _sweep_file(state.sandbox.log_path)
    if state and state.lock:
        state.lock.release()
        state.lock = None


@pytest.hookimpl(trylast=True)  # after allure-pytest has emptied its results folder
def pytest_sessionstart(session: pytest.Session) -> None:
    """Mark the reports as in progress before any check runs: a run killed halfway leaves a verdict
    that says it did not complete (NO-GO), never the previous run's decision."""
    config = session.config
    state = config.stash[state_key]
    if not state.active or hasattr(config, "workerinput") or config.option.golive_list_checks:
        return
    for name in VERDICT_FILES:
        path = state.reports_dir / name
        state.previous_reports[name] = path.read_text(encoding="utf-8") if path.is_file() else None
    document = in_progress_document(_run_facts(config, state, datetime.now(timezone.utc)))
    write_json(document, state.reports_dir / "verdict.json")
    write_markdown(document, state.reports_dir / "verdict.md")
    results_dir = getattr(config.option, "allure_report_dir", None)
    if results_dir:
        directory = Path(results_dir)
        directory.mkdir(parents=True, exist_ok=True)
        allure_report.remove_decisions(directory)
        allure_report.write_decision(directory, document, _started_ms(document))


def _restore_previous_reports(config: pytest.Config, state: RunState) -> None:
    """A run refused before its first check leaves the reports as it found them."""
    for name, text in state.previous_reports.items():
        path = state.reports_dir / name
        if text is None:
            path.unlink(missing_ok=True)
        else:
            replace_file(path, text)
    results_dir = getattr(config.option, "allure_report_dir", None)
    if state.previous_reports and results_dir and Path(results_dir).is_dir():
        allure_report.remove_decisions(Path(results_dir))


def _sweep_file(path: Path) -> None:
    if path.is_file():
        text = path.read_text(encoding="utf-8", errors="replace")
        cleaned = redaction.current().text(text)
        if cleaned != text:
            path.write_text(cleaned, encoding="utf-8")


def settings_of(config: pytest.Config) -> Settings:
    state = config.stash[state_key]
    if state.settings is None:
        raise pytest.UsageError(_env_required_message(state.root))
    return state.settings


def reports_dir_of(config: pytest.Config) -> Path:
    return config.stash[state_key].reports_dir


def flags_of(config: pytest.Config) -> Flags:
    return config.stash[state_key].flags


def _env_required_message(root: Path) -> str:
    known = ", ".join(available_envs(root / "envs")) or "none"
    return f"golive checks need --env NAME (envs that exist: {known}); e.g. pytest -m critical --env local"


# --- collection -----------------------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Checks that take ``service``, ``frontend``, ``role`` or ``protected_endpoint`` run once per profile entry."""
    state = metafunc.config.stash[state_key]
    if not state.active:
        return
    profile = state.settings.profile  # type: ignore[union-attr]
    if "service" in metafunc.fixturenames:
        metafunc.parametrize("service", profile.services, ids=[s.name for s in profile.services])
    if "frontend" in metafunc.fixturenames:
        # no front-ends (false) or unsaid (None): one run whose fixture says why
        frontends = profile.browser.frontends
        metafunc.parametrize("frontend", list(frontends) if frontends else [frontends],
                             ids=[f.name for f in frontends] if frontends else ["no-frontends"], indirect=True)
    auth = profile.auth or None
    # Without an auth section the check still runs once (parameter None): its auth_config fixture
    # then says why, not applicable for ``auth: false``, unverified when the section is missing;
    # an empty parameter set would only say "got empty parameter set".
    def per_entry(name: str, values: list[Any], ids: list[str]) -> None:
        metafunc.parametrize(name, values if auth else [None], ids=ids if auth else ["no-auth"])

    if "role" in metafunc.fixturenames:
        roles = sorted(auth.roles) if auth else []
        per_entry("role", roles, roles)
    if "protected_endpoint" in metafunc.fixturenames:
        endpoints = auth.protected if auth else []
        per_entry("protected_endpoint", endpoints, [e.label for e in endpoints])
    if "forgery" in metafunc.fixturenames:
        # One forged-token check per forgery the profile's keys make possible.
        # Published keys (auth.jwks_url) are fetched by the check, never here: collection is offline.
        forgeries = forgeries_with_key_set(auth, available_forgeries(forgery_context(auth))) if auth else []
        per_entry("forgery", forgeries, forgeries)


def _section_of(item: pytest.Item, root: Path) -> str:
    try:
        parts = Path(str(item.path)).resolve().relative_to(root / "suites").parts
    except ValueError:
        return ""
    return parts[0] if len(parts) > 1 and parts[0] in SECTIONS else ""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash[state_key]
    root = state.root
    checks = [item for item in items if spec_of(item)]
    if not checks:
        return
    if not state.active:
        raise pytest.UsageError(_env_required_message(root))
    suites = root / "suites"
    unidentified = [i.nodeid for i in items if not spec_of(i) and str(i.path).startswith(str(suites))]
    if unidentified:
        raise pytest.UsageError("every check needs @check(id, title): " + ", ".join(unidentified[:10]))
    owners: dict[str, str] = {}
    clashes = []
    for item in checks:
        spec = spec_of(item)
        assert spec is not None
        owner = f"{item.path}::{getattr(item, 'originalname', item.name)}"
        if owners.setdefault(spec.id, owner) != owner:
            clashes.append(f"{spec.id} is used by {owners[spec.id]} and {owner}")
    if clashes:
        raise pytest.UsageError("check ids must be unique:\n  " + "\n  ".join(sorted(set(clashes))))
    if state.gate:
        _order_by_stage(config, state, items)
        checks = [item for item in items if spec_of(item)]
    promoted = set(state.settings.profile.critical)  # type: ignore[union-attr]
    _refuse_unknown_promotions(state, promoted, {spec_of(i).id for i in checks}, root)  # type: ignore[union-attr]
    for item in checks:
        spec = spec_of(item)
        assert spec is not None
        section = _section_of(item, root)
        if section:
            item.add_marker(section)
        _join_sections(item, spec)
        critical = spec.critical or spec.id in promoted
        if critical and not spec.critical:
            item.add_marker("critical")
        item.stash[critical_key] = critical
    _order_post_deploy(config, items, root)
    wanted = set(config.option.golive_checks)
    if wanted:
        unknown = wanted - {spec_of(i).id for i in checks}  # type: ignore[union-attr]
        if unknown:
            raise pytest.UsageError(f"--check names unknown check ids: {', '.join(sorted(unknown))}")
        deselected = [i for i in items if not (spec_of(i) and spec_of(i).id in wanted)]  # type: ignore[union-attr]
        items[:] = [i for i in items if i not in deselected]
        config.hook.pytest_deselected(items=deselected)


def _join_sections(item: pytest.Item, spec: Any) -> None:
    """A check declared ``also={"post_deploy": 1}`` carries that section's marker too (one folder, one id)."""
    for section, _step in spec.also:
        if section not in SECTIONS:
            raise pytest.UsageError(f"{spec.id}: also names {section!r}, not a section ({', '.join(SECTIONS)})")
        item.add_marker(section)


STEP_OF_FILE = re.compile(r"^test_(\d+)_")


def _post_deploy_step(item: pytest.Item, root: Path) -> int | None:
    """A post-deploy check's step in the seeds' order: the number of its file in suites/post_deploy/
    (test_03_*.py is step 3), or the step it declares with ``also={"post_deploy": N}``."""
    spec = spec_of(item)
    if spec is None:
        return None
    if _section_of(item, root) == "post_deploy":
        found = STEP_OF_FILE.match(Path(str(item.path)).name)
        return int(found.group(1)) if found else 99
    return dict(spec.also).get("post_deploy")


def _order_post_deploy(config: pytest.Config, items: list[pytest.Item], root: Path) -> None:
    """A run that selects post_deploy runs it in the seeds' order, joined checks at their step (stable:
    within a step, pytest's order, joined checks of other folders before the step's own file)."""
    if "post_deploy" not in (config.option.markexpr or "") or config.option.golive_gate:
        return
    def key(item: pytest.Item) -> tuple[int, int]:
        step = _post_deploy_step(item, root)
        if step is None:
            return (-1, 0)
        return (step, 1 if _section_of(item, root) == "post_deploy" else 0)
    items.sort(key=key)


stage_key = pytest.StashKey[Any]()


def _order_by_stage(config: pytest.Config, state: RunState, items: list[pytest.Item]) -> None:
    """Keep the checks of the gated stages, ordered stage by stage (stable within a stage)."""
    assert state.gate and state.gate_checklist
    wanted = {stage.id for stage in state.gate.stages}
    kept, dropped = [], []
    for item in items:
        spec = spec_of(item)
        stage = stage_of(spec, state.gate_checklist) if spec else None
        if stage is None or stage.id not in wanted:
            dropped.append(item)
            continue
        item.stash[stage_key] = stage
        kept.append(item)
    kept.sort(key=lambda item: item.stash[stage_key].order)
    items[:] = kept
    if dropped:
        config.hook.pytest_deselected(items=dropped)


def _check_listing(items: list[pytest.Item]) -> list[dict[str, Any]]:
    listing: dict[str, dict[str, Any]] = {}
    for item in items:
        spec = spec_of(item)
        if spec is None:
            continue
        entry = listing.setdefault(spec.id, {
            "id": spec.id, "title": spec.title, "critical": item.stash.get(critical_key, spec.critical),
            "safety": spec.safety, "items": list(spec.items), "gates": list(spec.gates),
            "section": str(Path(str(item.path)).parent.name), "instances": [],
        })  # fmt: skip
        entry["instances"].append(_param_of(item))
    return sorted(listing.values(), key=lambda entry: entry["id"])


def _wait_for_sandbox(state: RunState) -> None:
    if state.sandbox and not state.sandbox_ready:
        try:
            state.sandbox.wait_until_serving()
        except SandboxError as error:
            _fail_configuration(state, [str(error)], "golive: the sandbox could not start:")
        state.sandbox_ready = True


def _run_preflight(config: pytest.Config, state: RunState) -> None:
    """Once, in the controller, before any check runs: every role logs in (golive/preflight.py)."""
    if state.preflight is not None or not state.active or config.option.golive_list_checks:
        return
    settings = state.settings
    assert settings is not None
    auth = settings.profile.auth
    if config.option.golive_no_preflight or config.option.golive_checks or not auth:
        return  # a run of named checks may need no login at all: each check logs in when it needs to
    _wait_for_sandbox(state)
    with HttpClient(timeout=settings.profile.http_timeout_s, redactor=redaction.current(), safety="readonly",
                    retries=0, reachability=state.reachability) as http:
        state.preflight = preflight(http, auth, str(settings.profile.service(auth.login.service).base_url))
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("golive preflight: every role logs in once before the first check")
        for line in state.preflight.table():
            reporter.write_line(redaction.current().text(line))
        if state.preflight.stop:
            reporter.write_line("golive preflight: a login failed, so the run stops early: every check is "
                                "unverified, blocked by it (--no-preflight runs the checks that need no failed login)")


def reachability_of(config: pytest.Config) -> Reachability:
    state = config.stash.get(state_key, None)
    return state.reachability if state is not None else Reachability()


def preflight_of(config: pytest.Config) -> Preflight | None:
    """The preflight's logins, in the controller and in every xdist worker."""
    state = config.stash[state_key]
    if state.preflight is None and hasattr(config, "workerinput") and WORKER_INPUT_KEY in config.workerinput:
        state.preflight = Preflight.from_wire(config.workerinput[WORKER_INPUT_KEY])
    return state.preflight


class PreflightToWorkers:
    """Registered only where xdist is: hands each worker the preflight's logins at its start."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    def pytest_configure_node(self, node: Any) -> None:
        _run_preflight(node.config, self.state)
        if self.state.preflight is not None:
            node.workerinput[WORKER_INPUT_KEY] = self.state.preflight.to_wire()


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    state = session.config.stash.get(state_key, None)
    if state:
        _wait_for_sandbox(state)
        if not hasattr(session.config, "workerinput"):
            _run_preflight(session.config, state)
    if not session.config.option.golive_list_checks:
        return None
    print(json.dumps(_check_listing(session.items), indent=2))
    return True


# --- running --------------------------------------------------------------------------------


def _flag_refusal(item: pytest.Item) -> str:
    """Why this check may not change the target: the production flag it lacks (empty: it may)."""
    spec = spec_of(item)
    state = item.config.stash[state_key]
    if spec is None or not state.active:
        return ""
    needed = missing_flags(spec.safety, production=state.settings.is_production, flags=state.flags)  # type: ignore[union-attr]
    return f"a {spec.safety} check against production needs {' '.join(needed)}" if needed else ""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """A check without its production flag runs none of its writes, from setup to teardown."""
    refusal = _flag_refusal(item)
    if not refusal:
        return (yield)
    with writes_refused(refusal):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    spec = spec_of(item)
    state = item.config.stash[state_key]
    if spec is None or not state.active:
        return (yield)
    stopped = preflight_of(item.config)
    if stopped is not None and stopped.stop is not None:
        blocked(stopped.stop)
    stage = item.stash.get(stage_key, None)
    blocked_stage = state.gate.blocked_by(stage) if state.gate and stage else None
    if blocked_stage:
        unverified(blocked_stage)
    # The flag requirement is settled after the fixtures: a check whose feature the profile says is
    # absent is not applicable, whatever flags it would need (its fixtures say so); any write a
    # fixture attempts meanwhile is refused (writes_refused) and makes the check unverified.
    result = yield
    refusal = _flag_refusal(item)
    if refusal:
        unverified(refusal)
    return result


@pytest.fixture(autouse=True)
def _golive_labels(request: pytest.FixtureRequest) -> None:
    """Allure labels from the check's identity, set while the test case is open."""
    spec = spec_of(request.node)
    if spec is None:
        return
    import allure

    critical = request.node.stash.get(critical_key, spec.critical)
    section = _section_of(request.node, request.config.stash[state_key].root)
    allure.dynamic.label(allure_report.NODEID_LABEL, request.node.nodeid)
    allure.dynamic.label("golive_check", spec.id)
    allure.dynamic.severity(allure.severity_level.BLOCKER if critical else allure.severity_level.NORMAL)
    allure.dynamic.epic(section.replace("_", " ").title() or "Checks")
    allure.dynamic.feature(Path(str(request.node.path)).stem.removeprefix("test_").replace("_", " ").capitalize())
    # One story per result keeps the report tree's counts honest; every item is a link.
    if spec.items:
        allure.dynamic.story(spec.items[0])
    for checklist_item in spec.items:
        allure.dynamic.link(f"checklists/{checklist_item.split(':')[0]}.yaml#{checklist_item}", name=checklist_item)
    allure.dynamic.tag(f"safety:{spec.safety}")
    for gate in spec.gates:
        allure.dynamic.tag(f"gate:{gate}")
    allure.dynamic.title(f"{spec.id} {spec.title}" + (f" [{_param_of(request.node)}]" if _param_of(request.node) else ""))
    allure.dynamic.parameter("check id", spec.id)


def _param_of(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    return callspec.id if callspec else ""


def _classify(report: pytest.TestReport, call: pytest.CallInfo[None]) -> tuple[Status, str, bool]:
    """(status, message, environment problem) for one phase of a check."""
    if report.passed:
        return Status.PASSED, "", False
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        # "Skipped: …", or "golive.outcomes.Unverified: …" when raised from a hook or fixture.
        reason = re.sub(r"^[\w.]+: (?=(not applicable|unverified): )|^Skipped: ", "", reason)
        if reason.startswith(NOT_APPLICABLE_PREFIX):
            return Status.NOT_APPLICABLE, reason.removeprefix(NOT_APPLICABLE_PREFIX), False
        return Status.UNVERIFIED, reason.removeprefix(UNVERIFIED_PREFIX), False
    excinfo = call.excinfo
    if excinfo is not None and excinfo.errisinstance(TargetUnreachable):
        return Status.BROKEN, str(excinfo.value), True
    if excinfo is not None and report.when == "call" and excinfo.errisinstance(AssertionError):
        return Status.FAILED, str(excinfo.value) or "assertion failed", False
    if excinfo is not None:
        kind = excinfo.typename
        text = str(excinfo.value).strip()
        phase = "" if report.when == "call" else f" in {report.when}"
        return Status.BROKEN, f"could not run{phase}: {kind}: {text}"[:2000], False
    return Status.BROKEN, report.longreprtext[:2000], False


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    if call.excinfo is not None and isinstance(call.excinfo.value, TargetUnreachable):
        # only where golive met the target: pytest renders every frame of a failure's stack from its
        # source, which for a hundred checks against a dead target is most of the run's time
        call.excinfo.traceback = call.excinfo.traceback[-1:]
    report: pytest.TestReport = yield
    spec = spec_of(item)
    state = item.config.stash[state_key]
    if spec is None or not state.active:
        return report
    redactor = redaction.current()
    status, message, environment_problem = _classify(report, call)
    message = redactor.text(message)
    if environment_problem and report.failed:
        # a dead or slow target: what was met, and where, is the whole story; golive's own stack is
        # noise (and formatting a hundred of them is most of a dead target's run time)
        report.longrepr = message
    elif report.longrepr is not None and not isinstance(report.longrepr, tuple):
        text = str(report.longrepr)
        if redactor.text(text) != text:
            report.longrepr = redactor.text(text)
    report.sections = [(name, redactor.text(content)) for name, content in report.sections]
    record = {
        "id": spec.id,
        "title": spec.title,
        "critical": item.stash.get(critical_key, spec.critical),
        "items": list(spec.items),
        "safety": spec.safety,
        "section": _section_of(item, state.root),
        "param": _param_of(item),
        "phase": report.when,
        "stage": item.stash[stage_key].id if stage_key in item.stash else "",
        "status": status.value,
        "message": message,
        "environment_problem": environment_problem,
        "duration_s": report.duration,
        **_evidence_of(call),
    }
    report.user_properties = [*report.user_properties, ("golive", record)]
    return report


def _evidence_of(call: pytest.CallInfo[None]) -> dict[str, Any]:
    """The result as data: the findings of a failure, the prerequisite a blocked check needed."""
    error = call.excinfo.value if call.excinfo is not None else None
    redactor = redaction.current()
    findings = [redactor.data(dict(f)) for f in error.findings] if isinstance(error, CheckFailed) else []
    blocked_by = redactor.data(error.prerequisite.as_json()) if isinstance(error, Blocked) else None
    return {"findings": findings, "blocked_by": blocked_by}


class ResultCollector:
    """Gathers each check's phases (setup, call, teardown) into one result, also from xdist workers."""

    def __init__(self, state: RunState) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = dict(report.user_properties).get("golive")
        if not record:
            return
        results = self.state.results
        previous = results.get(report.nodeid)
        if previous is None:
            results[report.nodeid] = {**record, "nodeid": report.nodeid}
            self._track_gate(record, report.nodeid)
            return
        self._track_gate(record, report.nodeid)
        merged = worst(Status(previous["status"]), Status(record["status"]))
        if merged.value != previous["status"]:
            previous.update({key: record[key] for key in ("status", "message", "environment_problem", "findings",
                                                          "blocked_by")})
        previous["duration_s"] += record["duration_s"]

    def _track_gate(self, record: dict[str, Any], nodeid: str) -> None:
        gate, checklist = self.state.gate, self.state.gate_checklist
        if not gate or not checklist or not record["stage"] or record["message"].startswith("blocked:"):
            return
        waiver = self.state.signoffs.waiver_for(record["id"])
        valid_waiver = waiver is not None and not waiver.expired(_today())
        label = f"{record['id']}[{record['param']}]" if record["param"] else record["id"]
        gate.record(checklist.stage(record["stage"]), label, record["status"], waived=valid_waiver)


# --- the decision ---------------------------------------------------------------------------


def _commit(root: Path) -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _today() -> date:
    # A fixed date for reproducing a past decision (waiver expiry); not for everyday use.
    override = os.environ.get("GOLIVE_TODAY")
    return date.fromisoformat(override) if override else date.today()


def _run_facts(config: pytest.Config, state: RunState, finished: datetime) -> dict[str, Any]:
    """Which run this is: env, profile, times, commit, flags and selection."""
    settings = state.settings
    assert settings is not None
    return {
        "env": settings.env_name,
        "env_kind": settings.kind,
        "profile": settings.profile_name,
        "started_at": state.started_at.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - state.started_monotonic, 2),
        "commit": _commit(state.root),
        "golive_version": "0.1.0",
        "flags": {
            "allow_writes": state.flags.allow_writes,
            "allow_load": state.flags.allow_load,
            "confirm_live_payment": state.flags.confirm_live_payment,
        },
        "selection": {"markexpr": config.option.markexpr or "", "checks": list(config.option.golive_checks)},
        "sandbox_faults": os.environ.get("SANDBOX_FAULTS", "") if settings.sandbox else "",
    }


def _started_ms(document: dict[str, Any]) -> int:
    # one millisecond before the run's start sorts the decision first in the report
    return int(datetime.fromisoformat(document["started_at"]).timestamp() * 1000) - 1


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash[state_key]
    if not state.active or hasattr(config, "workerinput") or config.option.golive_list_checks:
        return
    if exitstatus in (EXIT_CONFIGURATION_ERROR, pytest.ExitCode.USAGE_ERROR):
        # refused before the first check (an unknown --check id, a bad promotion): no verdict, no
        # panel, and the exit code stays the refusal's
        _restore_previous_reports(config, state)
        return
    settings = state.settings
    assert settings is not None
    if session.testsfailed and not state.results:
        state.run_problems.append("no check produced a result")
    completed = exitstatus not in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR)
    if not completed:
        state.run_problems.append(f"the run did not complete (pytest exit status {int(exitstatus)})")
    results = [
        CheckResult(
            id=r["id"], title=r["title"], status=Status(r["status"]), critical=r["critical"],
            items=tuple(r["items"]), safety=r["safety"], message=r["message"], section=r["section"],
            param=r["param"], nodeid=r["nodeid"], duration_s=round(r["duration_s"], 3),
            environment_problem=r["environment_problem"], findings=tuple(r.get("findings") or ()),
            blocked_by=r.get("blocked_by"),
        )  # fmt: skip
        for r in state.results.values()
    ]
    results.sort(key=lambda r: (not r.critical, r.section, r.id, r.param))
    creates = creates_of_run(Ledger(state.reports_dir / LEDGER_FILE), run_tag())
    checklist_coverage, attestations_needed = _checklist_coverage(state)
    verdict = decide(
        results,
        state.signoffs,
        required_attestations=[*settings.profile.attestations_required, *attestations_needed],
        today=_today(),
        run_problems=state.run_problems,
    )
    # after the checks' own reasons: on a dead target the cause comes first, what it left after it
    leftovers = creates.problems(settings.env_name)
    if leftovers:
        verdict.reasons.extend(leftovers)
        verdict.decision = NO_GO
    document = verdict_document(verdict, _run_facts(config, state, datetime.now(timezone.utc)))
    document["complete"] = completed
    document["creates"] = creates.as_json()
    document["coverage"] = {"checklists": checklist_coverage}
    if state.gate:
        stage_by_nodeid = {nodeid: r["stage"] for nodeid, r in state.results.items()}
        for check in document["checks"]:
            check["stage"] = stage_by_nodeid.get(check["nodeid"], "")
        document["stages"] = stage_summary(state.gate.stages, document["checks"])
        document["gate"] = config.option.golive_gate
    document = json.loads(redaction.current().text(json.dumps(document, ensure_ascii=False)))
    state.document = document
    reports = state.reports_dir
    write_json(document, reports / "verdict.json")
    write_markdown(document, reports / "verdict.md")
    _finish_allure(config, document)
    session.exitstatus = verdict.exit_code


def _checklist_coverage(state: RunState) -> tuple[list[dict[str, Any]], list[str]]:
    """Coverage of every catalog in this run; the profile's own checklists gate the decision."""
    profile = state.settings.profile  # type: ignore[union-attr]
    try:
        checklists = load_checklists(state.root / "checklists") if (state.root / "checklists").is_dir() else []
        checks = discover_checks(state.root / "suites") if (state.root / "suites").is_dir() else []
    except (ChecklistError, DiscoveryError) as error:
        state.run_problems.append(f"checklist coverage could not be computed: {error}")
        return [], []
    known = {checklist.name for checklist in checklists}
    for name in sorted(set(profile.checklists) - known):
        state.run_problems.append(f"profile names checklist {name!r}, which checklists/ does not have")
    known_items = {item.id for checklist in checklists for item in checklist.items}
    for item in sorted(set(profile.not_applicable_items) - known_items):
        state.run_problems.append(f"profile not_applicable_items names {item!r}, which no checklist has")
    gating = [checklist for checklist in checklists if checklist.name in profile.checklists]
    if state.gate and state.gate_checklist:
        # A staged run up to S3 answers for the items of S0-S3 (and the unstaged ones), not for S7's.
        stage_ids = {stage.id for stage in state.gate.stages}
        gated = state.gate_checklist
        scoped = gated.model_copy(update={"items": [i for i in gated.items if not i.stage or i.stage in stage_ids]})
        checklists = [scoped if c.name == gated.name else c for c in checklists]
        gating = [scoped if c.name == gated.name else c for c in gating]
    outcomes = [CheckOutcome(r["id"], r["status"], r["message"]) for r in state.results.values()]
    rows = []
    for checklist in checklists:
        row = run_coverage_of(checklist, checks, outcomes, profile.not_applicable_items)
        gates = checklist.name in profile.checklists
        unmapped = row["unmapped_critical"]
        if gates and unmapped:
            state.run_problems.append(
                f"checklist {checklist.name}: {len(unmapped)} critical items neither automated nor attested "
                f"({', '.join(unmapped[:5])}{', …' if len(unmapped) > 5 else ''})"
            )
        if gates:
            for absent in row["absent_required"]:
                waiver = state.signoffs.waiver_for(absent["item"])
                if waiver is not None and not waiver.expired(_today()):
                    continue
                if state.signoffs.attestation_for(absent["item"]) is not None:
                    continue  # a person vouches for what no check could verify on this system
                state.run_problems.append(
                    f"{absent['item']} (critical) is required by the checklist, but {absent['check']}: "
                    f"{absent['reason']} — meet it, attest it, waive it, or declare it not applicable for this "
                    f"system (profile not_applicable_items) with the reason"
                )
        rows.append({**row, "gating": gates})
    return rows, required_attestations(gating, checks)


def _finish_allure(config: pytest.Config, document: dict[str, Any]) -> None:
    results_dir = getattr(config.option, "allure_report_dir", None)
    if not results_dir:
        return
    directory = Path(results_dir)
    directory.mkdir(parents=True, exist_ok=True)
    allure_report.align_results(directory, {check["nodeid"]: check for check in document["checks"]})
    allure_report.remove_decisions(directory)  # the in-progress one, and any earlier run's
    allure_report.write_decision(directory, document, _started_ms(document))
    allure_report.write_attestations(directory, document["attestations"])
    allure_report.write_prerequisites(directory, document)
    allure_report.write_coverage(directory, document["coverage"]["checklists"])
    allure_report.write_environment(
        directory,
        document,
        {
            "name": "golive",
            "type": "pytest",
            "buildName": f"golive {document['env']} {document['started_at']}",
            "reportName": f"golive: {document['decision']} ({document['env']})",
            "buildUrl": os.environ.get("GITHUB_SERVER_URL", "") and (
                f"{os.environ['GITHUB_SERVER_URL']}/{os.environ.get('GITHUB_REPOSITORY', '')}"
                f"/actions/runs/{os.environ.get('GITHUB_RUN_ID', '')}"
            ),
            "host": platform.node(),
        },
    )
    redaction.current().sweep(directory)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(state_key, None)
    if not state or not state.document:
        return
    document = state.document
    colour = colour_of(document["decision"])
    outputs = [str(state.reports_dir / "verdict.json"), str(state.reports_dir / "verdict.md")]
    if getattr(config.option, "allure_report_dir", None):
        outputs.append(str(config.option.allure_report_dir))
    terminalreporter.write_sep("=", f"golive verdict: {document['decision']}", **{colour: True, "bold": True})
    for line in panel_lines(document, outputs=outputs):
        terminalreporter.write_line(line, **({colour: True} if line.startswith("  ✗") else {}))
    terminalreporter.write_sep("=", f"{document['decision']}", **{colour: True, "bold": True})
