"""Selftest-wide hooks: the fault matrix's detection figure in the terminal summary."""

from __future__ import annotations

from typing import Any

import pytest


_matrix: dict[str, bool] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == "fault_matrix":
            _matrix[value] = report.passed


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _matrix:
        return
    caught = sum(_matrix.values())
    figure = 100 * caught / len(_matrix)
    missed = sorted(fault for fault, ok in _matrix.items() if not ok)
    terminalreporter.write_sep("=", f"fault matrix: caught {caught}/{len(_matrix)} faults ({figure:.0f} %)",
                               green=not missed, red=bool(missed), bold=True)
    for fault in missed:
        terminalreporter.write_line(f"  missed: {fault}", red=True)
