"""Check identity: the stable id, title, criticality, safety class and checklist items of a check.

A check is a pytest test decorated with :func:`check`. Its id (``INF-HEALTH-001``) never changes
when files move: waivers, checklist mappings, report history and the sandbox's fault catalog all
refer to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Literal, TypeVar

import pytest

Safety = Literal["readonly", "probe", "mutating", "money", "load"]
SAFETY_CLASSES: tuple[Safety, ...] = ("readonly", "probe", "mutating", "money", "load")
CHECK_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d{3}$")
MARKER = "golive_check"

F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    critical: bool = False
    safety: Safety = "readonly"
    items: tuple[str, ...] = ()
    gates: tuple[str, ...] = ()
    fix: str = ""
    tags: tuple[str, ...] = field(default=())
    # Sections besides the folder's, each with the check's step there: a check lives in one folder
    # (one id, one place), but a post-deploy run also re-confirms, say, the health checks of
    # infrastructure/, at the step the seeds give them.
    also: tuple[tuple[str, int], ...] = ()
    # A read-only check that watches a signal (health, error rate, latency): --observe repeats it
    # over a window and decides it on the whole window.
    observe: bool = False

    def __post_init__(self) -> None:
        if not CHECK_ID.match(self.id):
            raise ValueError(f"check id {self.id!r} must look like SEC-CORS-001")
        if self.safety not in SAFETY_CLASSES:
            raise ValueError(f"check {self.id}: safety {self.safety!r} not one of {SAFETY_CLASSES}")


def check(
    id: str,
    title: str,
    *,
    critical: bool = False,
    safety: Safety = "readonly",
    items: tuple[str, ...] | list[str] = (),
    gates: tuple[str, ...] | list[str] = (),
    fix: str = "",
    also: dict[str, int] | None = None,
    observe: bool = False,
) -> Callable[[F], F]:
    """Declare a test function a go-live check.

    ``critical`` marks a blocker item (a profile may promote more); ``safety`` says what the
    check does to the target and decides whether it may run against production; ``items`` are
    the checklist item ids it verifies; ``gates`` the runbook stage gates (``S0`` … ``S7``);
    ``also`` other sections the check belongs to, with its step in each (``{"post_deploy": 1}``:
    a ``-m post_deploy`` run selects it and runs it with the files ``suites/post_deploy/test_01_*``);
    ``observe`` marks a read-only check of a signal that ``--observe`` repeats over a window.
    """
    if observe and safety != "readonly":
        raise ValueError(f"check {id}: only readonly checks can be observed over a window, not {safety}")
    spec = CheckSpec(id, title, critical, safety, tuple(items), tuple(gates), fix,
                     also=tuple(sorted((also or {}).items())), observe=observe)

    def decorate(function: F) -> F:
        marked = pytest.mark.golive_check(spec)(function)
        marked = getattr(pytest.mark, spec.safety)(marked)
        if spec.critical:
            marked = pytest.mark.critical(marked)
        if spec.observe:
            marked = pytest.mark.observed(marked)
        for gate in spec.gates:
            marked = getattr(pytest.mark, f"gate_{gate.lower()}")(marked)
        return marked  # type: ignore[return-value]

    return decorate


def spec_of(item: pytest.Item) -> CheckSpec | None:
    marker = item.get_closest_marker(MARKER)
    return marker.args[0] if marker else None


def safety_of(item: pytest.Item) -> str:
    """The check's safety class; a test that is no check may only read."""
    spec = spec_of(item)
    return spec.safety if spec else "readonly"
