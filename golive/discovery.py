"""Which checks a suite holds, read from the check declarations without running pytest.

Coverage is a property of the suite, not of one run's selection: ``golive coverage`` and the
verdict both need every check's id and items, with or without an env to run against.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from golive.checks import MARKER, CheckSpec


class DiscoveryError(Exception):
    pass


def _module_name(path: Path, root: Path) -> str:
    return "golive_suite_" + "_".join(path.relative_to(root).with_suffix("").parts)


def discover_checks(suites: Path) -> list[CheckSpec]:
    """Every ``@check`` in ``suites/**/test_*.py``; a module that cannot be imported is an error."""
    specs: dict[str, CheckSpec] = {}
    for path in sorted(suites.rglob("test_*.py")):
        name = _module_name(path, suites)
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise DiscoveryError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as error:  # a broken suite file must be named, whatever it raised
            raise DiscoveryError(f"{path}: {type(error).__name__}: {error}") from error
        for value in vars(module).values():
            for mark in getattr(value, "pytestmark", []):
                if mark.name == MARKER:
                    check: CheckSpec = mark.args[0]
                    specs[check.id] = check
    return sorted(specs.values(), key=lambda check: check.id)
