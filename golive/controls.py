"""Probes with their controls: the request a negative probe is judged against.

Every probe (a forged credential, none at all) is sent beside a control that differs only in the
property under test: the same method and URL with the role's real credential. Reads are sent as
they are; writes are proven without writing, with a body that cannot parse, beside an anonymous
baseline that shows whether the endpoint checks the credential before the body. Where it judges
the body first, the probe is sent again with a valid body (the profile's sample, or one generated
from the API description's schema: ``body=``) so that the guard answers it. Controls are cached per
worker, so a sweep of twenty forgeries on one endpoint sends its control once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from golive import expect
from golive.http import HttpClient
from golive.outcomes import CheckFailed, inconclusive
from golive.probes.authz import UNPARSEABLE_JSON_BODY
from golive.probes.control import Judgement, Outcome, judge, judge_write, judge_write_with_body

READS = frozenset({"GET", "HEAD", "OPTIONS"})
#: makes a valid body for one write request (fresh unique values each call); None when there is none
ValidBody = Callable[[], dict[str, Any] | None]


def request_shape(method: str) -> dict[str, Any]:
    """What a probe of ``method`` carries: nothing for a read, an unparseable JSON body for a write."""
    if method.upper() in READS:
        return {}
    return {"content": UNPARSEABLE_JSON_BODY, "headers": {"Content-Type": "application/json"}}


@dataclass
class Controls:
    """Control answers by (role, method, URL) for this worker; role "" is the anonymous baseline."""

    answers: dict[tuple[str, str, str], httpx.Response] = field(default_factory=dict)

    def send(self, http: HttpClient, method: str, url: str, credential: httpx.Auth | None) -> httpx.Response:
        key = (getattr(credential, "role", "") if credential else "", method.upper(), url)
        if key not in self.answers:
            self.answers[key] = http.request(method, url, auth=credential, intent="probe", **request_shape(method))
        return self.answers[key]

    def pair(self, http: HttpClient, method: str, url: str, *, genuine: httpx.Auth,
             probe: httpx.Auth | None, body: ValidBody | None = None,
             ) -> tuple[Judgement, httpx.Response, httpx.Response]:
        """Send the probe (None: no credential) beside its control; (judgement, control, probe answer).
        ``body`` makes a valid body for a write (None when it has none), sent with the probe only where
        the endpoint judges the unparseable one before the credential."""
        control = self.send(http, method, url, genuine)
        anonymous = self.send(http, method, url, None) if method.upper() not in READS else None
        if probe is None and anonymous is not None:
            answer = anonymous
        else:
            answer = http.request(method, url, auth=probe, intent="probe", **request_shape(method))
        if anonymous is not None:
            judgement = judge_write(control.status_code, anonymous.status_code, answer.status_code)
            valid = body() if body is not None and judgement.outcome is Outcome.INCONCLUSIVE \
                and anonymous.status_code not in (401, 403) else None
            if valid is not None:
                # body first: a body that passes validation makes the guard answer the probe
                answer = http.request(method, url, auth=probe, intent="probe", json=valid)
                judgement = judge_write_with_body(control.status_code, answer.status_code)
            return judgement, control, answer
        judgement = judge(control.status_code, answer.status_code)
        if probe is not None and judgement.outcome is Outcome.ACCEPTED:
            # a read open to anyone accepts any credential: that is the missing-credential finding
            # (SEC-AUTH-002), reported once there, not once per forgery here
            open_read = self.send(http, method, url, None)
            if judge(control.status_code, open_read.status_code).outcome is Outcome.ACCEPTED:
                return Judgement(Outcome.INCONCLUSIVE, f"the endpoint answers HTTP {open_read.status_code} without "
                                 "any credential, so a forged one proves nothing more (the open endpoint is "
                                 "SEC-AUTH-002's finding)"), control, answer
        return judgement, control, answer

    def expect_refused(self, http: HttpClient, method: str, url: str, *, genuine: httpx.Auth,
                       probe: httpx.Auth | None, title: str, tested: str, fix: str = "",
                       body: ValidBody | None = None) -> httpx.Response:
        """``probe`` must be refused where ``genuine`` is accepted on the same request."""
        judgement, control, answer = self.pair(http, method, url, genuine=genuine, probe=probe, body=body)
        expect.settle(judgement, control, answer, title, tested=tested, fix=fix)
        return answer

    def sweep_refused(self, http: HttpClient, requests: list[tuple[str, str, str]], *, genuine: httpx.Auth,
                      probe: httpx.Auth | None, title: str, tested: str, fix: str = "") -> None:
        """Many (method, URL, label) probed alike: every conclusive one must be refused; operations whose
        control was not accepted (an example id that does not exist) are left out, and if none is
        conclusive the sweep is inconclusive."""
        accepted: list[tuple[str, httpx.Response]] = []
        skipped: list[str] = []
        for method, url, label in requests:
            judgement, control, answer = self.pair(http, method, url, genuine=genuine, probe=probe)
            if judgement.outcome is Outcome.RATE_LIMITED:
                expect.settle(judgement, control, answer, title, tested=tested, fix=fix)
            if judgement.outcome is Outcome.INCONCLUSIVE:
                skipped.append(f"{label}: control HTTP {control.status_code}")
            elif judgement.outcome is Outcome.ACCEPTED:
                accepted.append((label, answer))
        if accepted:
            findings = [{"name": f"{label} accepts {tested}", "expected": f"a refusal of the request with {tested}",
                         "found": f"HTTP {answer.status_code}, as the control", "where": expect.where(answer),
                         "fix": fix} for label, answer in accepted]
            raise CheckFailed(f"{title}: {', '.join(label for label, _ in accepted)}",
                              expected=f"a refusal (401, 403 or 404) of every request with {tested}",
                              found="; ".join(f"{label}: HTTP {answer.status_code}" for label, answer in accepted),
                              where=expect.where(accepted[0][1]), fix=fix, findings=findings)
        if len(skipped) == len(requests):
            inconclusive(f"no request's control was accepted with the real credential ({'; '.join(skipped[:5])}"
                         f"{' …' if len(skipped) > 5 else ''}), so no refusal proves anything")
