"""Judging a negative probe against its control.

A probe (a forged token, no credential, another user's object, a bad signature) means nothing on
its own: a 400 may be the missing body talking, not the guard. So each probe is paired with a
control request that differs only in the property under test, and the control must be accepted
first. Then:

- **accepted**: the probe got what the control got (its success class) — the property is not enforced;
- **refused**: the control was accepted and the probe was not (401, 403, 404, a redirect to a login
  page: a refusal is a refusal, whatever status the system prefers);
- **inconclusive**: the control itself was not accepted, so the probe's answer proves nothing;
- **rate limited**: a 429/503 is evidence of nothing about the property.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum

REFUSALS = frozenset({401, 403, 404})
RATE_LIMITED_STATUSES = frozenset({429, 503})
# Past the guard for a write proven without writing: the body (deliberately unparseable) was judged.
VALIDATION_ANSWERS = frozenset({400, 415, 422})


class Outcome(str, Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    INCONCLUSIVE = "inconclusive"
    RATE_LIMITED = "rate limited"


@dataclass(frozen=True)
class Judgement:
    outcome: Outcome
    reason: str


def success(status: int) -> bool:
    return 200 <= status < 300


def judge(control: int, probe: int, *, accepted: Collection[int] | None = None) -> Judgement:
    """``control`` and ``probe`` are the two answers' statuses; ``accepted`` the statuses that mean
    the control got through (default: any 2xx)."""
    through = (lambda status: status in accepted) if accepted is not None else success
    if control in RATE_LIMITED_STATUSES or probe in RATE_LIMITED_STATUSES:
        which = "control" if control in RATE_LIMITED_STATUSES else "probe"
        return Judgement(Outcome.RATE_LIMITED, f"the {which} was answered HTTP "
                         f"{control if which == 'control' else probe}: the target is limiting golive's requests")
    if not through(control):
        return Judgement(Outcome.INCONCLUSIVE, f"the control request answered HTTP {control}, so the probe's "
                         f"HTTP {probe} proves nothing")
    if through(probe):
        return Judgement(Outcome.ACCEPTED, f"HTTP {probe}, as the control (HTTP {control})")
    return Judgement(Outcome.REFUSED, f"HTTP {probe} where the control got HTTP {control}")


def judge_write(control: int, anonymous: int, probe: int) -> Judgement:
    """A write endpoint probed without writing: an unparseable body with the real credential
    (control), without any (anonymous baseline), and with the probe's.

    The control reaching validation shows the credential got past the guard, but only if the
    anonymous caller is stopped at the guard; a system that validates the body first answers both
    alike, and then no answer tells a refusal from a validation error.
    """
    if anonymous in RATE_LIMITED_STATUSES:
        return Judgement(Outcome.RATE_LIMITED, f"the anonymous baseline was answered HTTP {anonymous}")
    if probe in REFUSALS and control in VALIDATION_ANSWERS | {200, 201, 202, 204}:
        # the probe was stopped at the guard where the real credential got past it: a refusal, whatever
        # the endpoint does with an anonymous body
        return Judgement(Outcome.REFUSED, f"HTTP {probe} where the control got HTTP {control}")
    if anonymous not in (401, 403):
        return Judgement(Outcome.INCONCLUSIVE, f"an anonymous caller with the same body gets HTTP {anonymous}, "
                         "not 401/403: the endpoint judges the body before the credential, so a refusal cannot "
                         "be told from a validation error without writing")
    return judge(control, probe, accepted=VALIDATION_ANSWERS | {200, 201, 202, 204})


def judge_write_with_body(control: int, probe: int) -> Judgement:
    """A write endpoint that judges the body before the credential, probed with a valid body (the
    profile's sample, or one generated from the request schema): that body passes validation, so
    what answers it is the guard. ``control`` is the real credential's answer to the unparseable
    body, which must have got past the guard (a validation answer or a 2xx); the control is never
    sent with the valid body, which would write.
    """
    if probe in RATE_LIMITED_STATUSES:
        return Judgement(Outcome.RATE_LIMITED, f"the probe with a valid body was answered HTTP {probe}")
    if control not in VALIDATION_ANSWERS and not success(control):
        return Judgement(Outcome.INCONCLUSIVE, f"the control request answered HTTP {control}, so the probe's "
                         f"HTTP {probe} proves nothing")
    if success(probe):
        return Judgement(Outcome.ACCEPTED, f"HTTP {probe} to a valid body, as the control got past the guard "
                         f"(HTTP {control}): the write went through")
    if probe in REFUSALS:
        return Judgement(Outcome.REFUSED, f"HTTP {probe} to a valid body (past validation, so the guard's answer) "
                         f"where the control got HTTP {control}")
    if probe in VALIDATION_ANSWERS:
        return Judgement(Outcome.INCONCLUSIVE, f"the body sent as valid was answered HTTP {probe}: the endpoint "
                         "judged it invalid, so no answer tells a refusal from a validation error (give a body it "
                         "accepts in openapi.samples)")
    return Judgement(Outcome.INCONCLUSIVE, f"HTTP {probe} to a valid body, not a refusal (401, 403 or 404)")
