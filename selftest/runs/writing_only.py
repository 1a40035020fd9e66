"""A pytest plugin for golive's own selftest: run only the checks that create through the ledger
(those that use the ``compensate`` fixture, directly or through another fixture), and write when
each one ran (setup to teardown) to ``check_windows.jsonl`` in the reports folder, so that what the
target journaled can be told apart by check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from golive.checks import spec_of
from golive.plugin import reports_dir_of

WINDOWS_FILE = "check_windows.jsonl"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reading = [item for item in items if "compensate" not in getattr(item, "fixturenames", ())]
    if reading:
        config.hook.pytest_deselected(items=reading)
        items[:] = [item for item in items if item not in reading]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    started = datetime.now(UTC).isoformat()
    yield
    spec = spec_of(item)
    window = {"check": spec.id if spec else item.nodeid, "start": started, "stop": datetime.now(UTC).isoformat()}
    with (reports_dir_of(item.config) / WINDOWS_FILE).open("a", encoding="utf-8") as windows:
        windows.write(json.dumps(window) + "\n")
