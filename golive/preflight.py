"""Before the first check, every role logs in once (the login step of ``golive doctor``).

When a login fails the run stops early: its table is printed, every check ends unverified, blocked
by the preflight, and the verdict names the failed logins once — not a hundred red results for one
wrong password, and not one wrong-password attempt per check or per worker either (an account
lockout in production is a real way a cutover goes wrong). ``--no-preflight`` runs the checks
anyway: those that need a failed role are blocked by its login, the rest run.

When every login succeeds the credentials are handed to the checks (to xdist workers through their
start-up message, never a file), so a run logs in once per role in all.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from golive.auth import Credential, LoginFailed, login
from golive.http import HttpClient
from golive.outcomes import Prerequisite, TargetUnreachable
from golive.profile import Auth, CredentialPlacement

WORKER_INPUT_KEY = "golive_preflight"
#: the login strategies whose POSTs are paced to the profile's login rate limit
PACED_STRATEGIES = ("json", "form", "session")


@dataclass
class Preflight:
    """The logins tried before the first check: a credential or a failed prerequisite per role."""

    credentials: dict[str, Credential] = field(default_factory=dict)
    failed: dict[str, Prerequisite] = field(default_factory=dict)
    # wall-clock times of the login requests sent: workers count them against the login rate limit
    login_times: list[float] = field(default_factory=list)

    @property
    def stop(self) -> Prerequisite | None:
        """The one root cause every check is blocked by when a login failed."""
        if not self.failed:
            return None
        found = "; ".join(prerequisite.summary for prerequisite in self.failed.values())
        fixes = sorted({prerequisite.fix for prerequisite in self.failed.values() if prerequisite.fix})
        return Prerequisite(
            "preflight", "every role logs in before the first check", found,
            "; ".join(sorted({prerequisite.where for prerequisite in self.failed.values() if prerequisite.where})),
            " ".join(fixes) + (" " if fixes else "") + "Then run again (`golive doctor --env NAME` shows the "
            "logins in seconds), or add --no-preflight to run the checks that need no failed login.",
        )

    def issued(self) -> dict[str, Credential | Prerequisite]:
        """The per-role cache the checks' ``tokens`` start from."""
        return {**self.credentials, **self.failed}

    def login_times_for_one_of(self, workers: int) -> list[float]:
        """This worker's share of the logins already sent, so all workers together count each once."""
        share = math.ceil(len(self.login_times) / max(1, workers))
        return self.login_times[-share:] if share else []

    def table(self) -> list[str]:
        lines = [f"  ✓ login as {role} ({credential.strategy}): {credential.kind}"
                 for role, credential in sorted(self.credentials.items())]
        lines += [f"  ✗ {prerequisite.summary} — {prerequisite.fix}" if prerequisite.fix else f"  ✗ {prerequisite.summary}"
                  for prerequisite in self.failed.values()]
        return lines

    def to_wire(self) -> dict[str, Any]:
        """Plain data for an xdist worker's start-up message (sent over its pipe, never written)."""
        return {
            "credentials": {role: {**asdict(credential), "placement": credential.placement.model_dump()}
                            for role, credential in self.credentials.items()},
            "failed": {role: prerequisite.as_json() for role, prerequisite in self.failed.items()},
            "login_times": list(self.login_times),
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Preflight:
        credentials = {}
        for role, fields in data["credentials"].items():
            fields = dict(fields)
            fields["placement"] = CredentialPlacement(**fields["placement"])
            fields["cookies"] = tuple(tuple(cookie) for cookie in fields.get("cookies") or ())
            fields["csrf"] = tuple(fields["csrf"]) if fields.get("csrf") else None
            credentials[role] = Credential(**fields)
        failed = {role: Prerequisite(**fields) for role, fields in data["failed"].items()}
        return cls(credentials, failed, list(data.get("login_times") or []))


def preflight(http: HttpClient, auth: Auth, service_url: str) -> Preflight:
    """Log in once as every role. A login that cannot reach its service is left to the checks: the
    run's reachability reports a dead target once, as its own cause."""
    result = Preflight()
    for role in sorted(auth.roles):
        if auth.login.strategy in PACED_STRATEGIES:
            result.login_times.append(time.time())
        try:
            credential = login(http, auth, service_url, role)
        except LoginFailed as failure:
            result.failed[role] = failure.prerequisite
        except TargetUnreachable:
            break  # the login service is down for every role: the checks report it once, as its own cause
        else:
            result.credentials[role] = credential
    return result
