"""Provider emulators with the real API shapes, mounted under ``/_emulators/<provider>/`` in
every flavor: what golive's provider checks (and the sandbox's own flows) talk to locally.

Adding an emulator: one module here with ``build_router(settings) -> APIRouter`` whose routes
start with ``/_emulators/<provider>``. Modules are discovered, so none of them edits this file.
State lives in the router's closure: one app, one set of provider accounts.
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter

from sandbox.settings import Settings


def build_routers(settings: Settings) -> list[APIRouter]:
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}").build_router(settings) for name in names]
