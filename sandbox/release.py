"""What the running build says about itself in its health answers: release version, commit, and
whether its database schema is at the release's migration.

The version and commit come from SANDBOX_RELEASE / SANDBOX_RELEASE_COMMIT (what a CI pipeline
stamps into a build); the release faults change what the running build really is: the previous
release, a dirty working-tree build, one old instance among new ones, a skipped migration.
"""

from __future__ import annotations

import itertools
import re
import threading
from typing import Any

from sandbox.settings import Settings

#: the schema migrations this sandbox release ships (applied at start-up by create_all)
RELEASE_MIGRATIONS: tuple[str, ...] = ("0001_initial", "0002_batches", "0003_orders_reference")
#: one instance in this many still runs the previous release under release_mixed_instances
OLD_INSTANCE_EVERY = 3


def previous_version(version: str) -> str:
    """The release before ``version``: its last number one lower (1.4.2 -> 1.4.1, 2026.11.3 -> 2026.11.2)."""
    numbers = list(re.finditer(r"\d+", version))
    for match in reversed(numbers):
        if int(match.group()) > 0:
            return version[: match.start()] + str(int(match.group()) - 1) + version[match.end():]
    return version + "-previous"


def previous_commit(commit: str) -> str:
    # a different SHA of the same length: what the last deploy was built from
    return "".join("0123456789abcdef"[("0123456789abcdef".index(c) + 7) % 16] if c in "0123456789abcdef" else c
                   for c in commit.lower()) if commit != "unknown" else "unknown"


class ReleaseIdentity:
    """The version fields one service's health answers carry (one per router: one 'load balancer')."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._faults = settings.faults
        self._answers = itertools.count(1)
        self._lock = threading.Lock()

    def _is_old_instance(self) -> bool:
        if not self._faults.active("release_mixed_instances"):
            return False
        with self._lock:
            answer = next(self._answers)
        return answer % OLD_INSTANCE_EVERY == 0

    def fields(self) -> dict[str, str]:
        """{"version", "commit"} of the instance that answers this request."""
        version, commit = self._settings.release, self._settings.release_commit
        if self._faults.active("release_stale_version") or self._is_old_instance():
            version, commit = previous_version(version), previous_commit(commit)
        if self._faults.active("release_dirty_build"):
            version, commit = f"{version}-dirty", f"{commit}-dirty"
        return {"version": version, "commit": commit}

    def migrations(self) -> dict[str, Any]:
        """The schema's migration state, as a migration tool's status command reports it."""
        shipped = list(RELEASE_MIGRATIONS)
        applied = shipped[:-1] if self._faults.active("release_migration_pending") else shipped
        pending = shipped[len(applied):]
        return {"current": applied[-1], "head": shipped[-1], "pending": len(pending), "pending_names": pending}
