"""Observation windows: ``--observe 30m --every 60s`` repeats the checks that watch a signal
(``@check(..., observe=True)``: health, error rate, latency) over the window and decides each on
the whole window: any breach in the window fails the check, with the breach times as evidence.

How it runs: before the ordinary run, the observed checks run in rounds, one round every
``--every``, until the window ends (or Ctrl-C ends it early: the verdict is then on the time
observed, marked as shorter than asked). Each round sets the check's fixtures up and down the way
pytest's runner does, without reporting. Then the ordinary run runs every check once more; for an
observed check that last call is the window's final sample and its result is the window's.

Loaded by golive.plugin (``pytest_plugins``); the verdict files get an ``observation`` section and
``reports/observation.svg``, each observed check an Allure attachment with its own timeline.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from golive import redaction
from golive.checks import spec_of
from golive.outcomes import CheckFailed, TargetUnreachable
from golive.probes.observation import (
    DurationError,
    Outcome,
    Sample,
    Window,
    breach_finding,
    breaches,
    format_duration,
    item_window_note,
    parse_duration,
    timeline_svg,
)

DEFAULT_EVERY = "60s"
# The seeds' items that ask for a window, with the shortest window they ask for: a run observed
# for less leaves them as they are without --observe (a one-off sample, or attested), and says so.
WINDOWED_ITEMS: dict[str, tuple[float, tuple[str, ...]]] = {
    # canary: verify /api/health and logs for 5–10 minutes
    "consolidated:LAUNCH-WINDOW-01": (5 * 60, ("REL-ROLLOUT-001", "INF-HEALTH-001")),
    "realserv:DEP-PROD-14": (30 * 60, ("OBS-SENTRY-002",)),  # monitor error rates (first 30 min)
    "realserv:DEP-PROD-15": (30 * 60, ("PERF-LAT-001",)),  # monitor response times (first 30 min)
    # monitor API response times and error rates (immediate checks, first 24 hours)
    "inventory:POST-IMM-01": (24 * 3600, ("PERF-LAT-001", "OBS-SENTRY-002")),
    # /health/ready stable for 24h: attested; a 24h watch is the evidence the attestation can cite
    "whatsapp_tracker:GATE-02": (24 * 3600, ("INF-HEALTH-002",)),
}
OBSERVATION_FILE = "observation.json"
CHART_FILE = "observation.svg"

observer_key = pytest.StashKey["Observer"]()


@dataclass
class Observer:
    window_s: float
    every_s: float
    samples: dict[str, list[Sample]] = field(default_factory=dict)  # by signal label (check id[param])
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)  # by signal label: id, items
    window: Window | None = None
    started_monotonic: float = 0.0
    started_at: str = ""
    sampling: bool = False

    def record(self, item: pytest.Item, sample: Sample) -> None:
        self.samples.setdefault(signal_of(item), []).append(sample)

    def elapsed(self) -> float:
        return time.monotonic() - self.started_monotonic


def signal_of(item: pytest.Item) -> str:
    spec = spec_of(item)
    callspec = getattr(item, "callspec", None)
    label = spec.id if spec else item.name
    return f"{label}[{callspec.id}]" if callspec else label


def observed(item: pytest.Item) -> bool:
    spec = spec_of(item)
    return bool(spec and spec.observe)


def pytest_configure(config: pytest.Config) -> None:
    window, every = config.option.golive_observe, config.option.golive_every
    if not window:
        if every:
            raise pytest.UsageError("--every needs --observe DURATION (e.g. --observe 30m --every 60s)")
        return
    try:
        window_s, every_s = parse_duration(window), parse_duration(every or DEFAULT_EVERY)
    except DurationError as error:
        raise pytest.UsageError(f"--observe/--every: {error}") from None
    if every_s > window_s:
        raise pytest.UsageError(f"--every {every} is longer than the window --observe {window}")
    if getattr(config.option, "numprocesses", None) or getattr(config.option, "golive_gate", None):
        raise pytest.UsageError("--observe watches in one process, one round after the other: drop -n and --gate")
    config.stash[observer_key] = Observer(window_s, every_s)


def _observer(config: pytest.Config) -> Observer | None:
    return config.stash.get(observer_key, None)


def pytest_runtestloop(session: pytest.Session) -> None:
    """The window, before the ordinary run (golive's own runtestloop has the target serving by now)."""
    observer = _observer(session.config)
    if observer is None or session.config.option.collectonly or session.config.option.golive_list_checks:
        return
    watched = [item for item in session.items if observed(item)]
    if not watched:
        return
    for item in watched:
        spec = spec_of(item)
        observer.checks[signal_of(item)] = {"id": spec.id, "items": list(spec.items)}  # type: ignore[union-attr]
    with _allure_quiet(session.config):
        _watch(session, watched, observer)


@contextmanager
def _allure_quiet(config: pytest.Config) -> Iterator[None]:
    """The window's samples are not test results: Allure's listener is off while they run (it would
    open fixture containers and label calls with no test case to hold them)."""
    listener = config.pluginmanager.get_plugin("allure_listener")
    if listener is None:
        yield
        return
    import allure_commons

    config.pluginmanager.unregister(listener)
    allure_commons.plugin_manager.unregister(listener)
    try:
        yield
    finally:
        config.pluginmanager.register(listener, "allure_listener")
        allure_commons.plugin_manager.register(listener)


def _watch(session: pytest.Session, watched: list[pytest.Item], observer: Observer) -> None:
    observer.started_monotonic = time.monotonic()
    observer.started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    deadline = observer.window_s
    interrupted = False
    observer.sampling = True
    try:
        rounds = 0
        while True:
            for index, item in enumerate(watched):
                observer.record(item, _sample(session, item, _following(session, watched, index), observer))
            rounds += 1
            _progress(session, observer, rounds)
            # the waiting is the product: one round every --every, the last one no later than the window's end
            next_round = min(rounds * observer.every_s, deadline)
            pause = next_round - observer.elapsed()
            if pause > 0:
                time.sleep(pause)
            if observer.elapsed() >= deadline:
                break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        observer.sampling = False
        try:
            session._setupstate.teardown_exact(None)  # noqa: SLF001  the ordinary run starts from nothing
        except Exception:  # a fixture's teardown failing here shows again (and is reported) in the ordinary run
            pass
    observer.window = Window(observer.window_s, min(observer.elapsed(), observer.window_s), observer.every_s,
                             interrupted=interrupted)


def _progress(session: pytest.Session, observer: Observer, rounds: int) -> None:
    """One line per round, flushed: a person watching (and a test interrupting) sees the window move."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    breached = sorted(label for label, samples in observer.samples.items() if samples[-1].outcome == "breach")
    reporter.write_line(f"golive observe: round {rounds} at {format_duration(observer.elapsed())} of "
                        f"{format_duration(observer.window_s)}: " + (f"breach in {', '.join(breached)}" if breached
                                                                    else "no breach"))
    reporter.flush()


def _following(session: pytest.Session, watched: list[pytest.Item], index: int) -> pytest.Item | None:
    """The item the runner would set up next, so that what they share (session, module fixtures) stays up;
    never the item itself (its own fixtures must be set up afresh for each sample)."""
    item = watched[index]
    candidates = [*watched[index + 1:], *watched[:index], *session.items]
    return next((other for other in candidates if other is not item), None)


def _sample(session: pytest.Session, item: pytest.Item, following: pytest.Item | None, observer: Observer) -> Sample:
    """One run of the check, unreported: its fixtures set up and torn down as pytest's runner does."""
    at_s = observer.elapsed()
    clock = datetime.now(timezone.utc).strftime("%H:%M:%S")
    # pytest's runner (runtestprotocol) re-initialises an item's fixture request for each run
    if not item._request:  # type: ignore[attr-defined]  # noqa: SLF001
        item._initrequest()  # type: ignore[attr-defined]  # noqa: SLF001
    try:
        session._setupstate.setup(item)  # noqa: SLF001
        item.runtest()
        sample = Sample(at_s, "ok", "", clock)
    except (KeyboardInterrupt, pytest.exit.Exception):
        raise
    except BaseException as error:  # noqa: BLE001  a sample's outcome, whatever the check raised
        sample = Sample(at_s, *_judged(error), clock)
    finally:
        try:
            session._setupstate.teardown_exact(following)  # noqa: SLF001
        except Exception:  # noqa: BLE001  shows again in the ordinary run, which reports it
            pass
        item._request = False  # type: ignore[attr-defined]  # noqa: SLF001
        item.funcargs = None  # type: ignore[attr-defined]
    return sample


def _judged(error: BaseException) -> tuple[Outcome, str]:
    """(outcome, detail) of a sample that raised: a failed or unreachable signal is a breach; a skip
    (not applicable, unverified) or a check that could not run says nothing about the signal."""
    if isinstance(error, CheckFailed):  # the defect and what was found, on one line
        return "breach", redaction.current().text(f"{error.title}: {error.found}")[:300]
    text = redaction.current().text(str(error)).strip().splitlines()
    first = text[0] if text else type(error).__name__
    if isinstance(error, (AssertionError, TargetUnreachable, pytest.fail.Exception)):
        return "breach", first[:300]
    if isinstance(error, pytest.skip.Exception):
        return "inconclusive", first[:300]
    return "inconclusive", f"could not run: {type(error).__name__}: {first}"[:300]


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Iterator[None]:
    """An observed check's ordinary call is the window's last sample; the check is decided on the window."""
    observer = _observer(pyfuncitem.config)
    if observer is None or observer.sampling or observer.window is None or not observed(pyfuncitem):
        return (yield)
    label = signal_of(pyfuncitem)
    at_s = observer.elapsed()
    clock = datetime.now(timezone.utc).strftime("%H:%M:%S")
    try:
        result = yield
    except BaseException as error:
        if isinstance(error, (KeyboardInterrupt, pytest.exit.Exception)):
            raise
        observer.record(pyfuncitem, Sample(at_s, *_judged(error), clock))
        _attach_timeline(observer, label)
        if breaches(observer.samples[label]):  # a breach seen in the window is evidence, whatever came last
            raise _window_failure(pyfuncitem, observer, label) from None
        raise  # not applicable / unverified / could not run, in the window and now: as without a window
    observer.record(pyfuncitem, Sample(at_s, "ok", "", clock))
    _attach_timeline(observer, label)
    if breaches(observer.samples[label]):
        raise _window_failure(pyfuncitem, observer, label)
    return result


def _window_failure(item: pytest.Item, observer: Observer, label: str) -> CheckFailed:
    spec = spec_of(item)
    assert spec is not None and observer.window is not None
    finding = breach_finding(label, observer.samples[label], observer.window)
    assert finding is not None
    return CheckFailed(f"{spec.title}: breached during the observation window", expected=finding["expected"],
                       found=finding["found"], where=finding["where"], fix=finding["fix"], findings=[finding])


def _attach_timeline(observer: Observer, label: str) -> None:
    import allure

    assert observer.window is not None
    allure.attach(timeline_svg({label: observer.samples[label]}, observer.window, title=label),
                  name=f"timeline {label}", attachment_type=allure.attachment_type.SVG)


# --- the report -------------------------------------------------------------------------------


def observation_document(observer: Observer) -> dict[str, Any]:
    window = observer.window
    assert window is not None
    watched_ids = {check["id"] for check in observer.checks.values()}
    observed_items = {item_id: [c for c in checks if c in watched_ids]
                      for item_id, (_, checks) in WINDOWED_ITEMS.items() if watched_ids & set(checks)}
    return {
        "asked_s": window.asked_s,
        "observed_s": round(window.observed_s, 1),
        "every_s": window.every_s,
        "interrupted": window.interrupted,
        "short": window.short,
        "summary": window.describe(),
        "started_at": observer.started_at,
        "chart": CHART_FILE,
        "signals": [
            {"signal": label, "check": observer.checks.get(label, {}).get("id", label.split("[")[0]),
             "samples": len(samples), "breaches": [asdict(s) for s in breaches(samples)],
             "timeline": [asdict(s) for s in samples]}
            for label, samples in observer.samples.items()
        ],
        "windowed_items": [
            {"item": item_id, "checks": checks, "asks_s": WINDOWED_ITEMS[item_id][0],
             "note": item_window_note(WINDOWED_ITEMS[item_id][0], window)}
            for item_id, checks in sorted(observed_items.items())
        ],
    }


def markdown_section(document: dict[str, Any]) -> str:
    lines = ["", "## Observation window", "",
             f"{document['summary']}, one round every {format_duration(document['every_s'])}"
             + (" — **shorter than asked**" if document["short"] else "") + ".", "",
             f"![timeline of the watched signals]({document['chart']})", "",
             "| signal | samples | breaches |", "|---|---|---|"]
    for signal in document["signals"]:
        times = ", ".join(b["clock"] for b in signal["breaches"][:10]) or "none"
        lines.append(f"| {signal['signal']} | {signal['samples']} | {times} |")
    if document["windowed_items"]:
        lines += ["", "| checklist item asking for a window | checks | this run |", "|---|---|---|"]
        lines += [f"| {i['item']} | {', '.join(i['checks'])} | {i['note']} |" for i in document["windowed_items"]]
    return "\n".join(lines) + "\n"


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """After golive wrote verdict.json and verdict.md: add the window to both, and its chart."""
    observer = _observer(session.config)
    if observer is None or observer.window is None or hasattr(session.config, "workerinput"):
        return
    from golive.plugin import reports_dir_of

    reports = reports_dir_of(session.config)
    reports.mkdir(parents=True, exist_ok=True)
    document = json.loads(redaction.current().text(json.dumps(observation_document(observer), ensure_ascii=False)))
    (reports / CHART_FILE).write_text(timeline_svg(observer.samples, observer.window), encoding="utf-8")
    (reports / OBSERVATION_FILE).write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    verdict = reports / "verdict.json"
    if verdict.is_file():
        data = json.loads(verdict.read_text(encoding="utf-8"))
        data["observation"] = {k: v for k, v in document.items() if k != "signals"} | {
            "signals": [{k: v for k, v in s.items() if k != "timeline"} for s in document["signals"]]}
        verdict.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    markdown = reports / "verdict.md"
    if markdown.is_file():
        with markdown.open("a", encoding="utf-8") as out:
            out.write(markdown_section(document))
    session.config.stash[summary_key] = document


summary_key = pytest.StashKey[dict[str, Any]]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    document = config.stash.get(summary_key, None)
    if not document:
        return
    breached = [s["signal"] for s in document["signals"] if s["breaches"]]
    line = f"golive observe: {document['summary']}" + (" — shorter than asked" if document["short"] else "")
    line += f"; breaches in {', '.join(breached)}" if breached else "; no breach"
    terminalreporter.write_line(line, **({"yellow": True} if document["short"] else {}))
