"""golive.probes.control: a probe is accepted, refused or inconclusive only against its control."""

import pytest

from golive.probes.control import Outcome, judge, judge_write


@pytest.mark.parametrize("control, probe, outcome", [
    (200, 401, Outcome.REFUSED),
    (200, 403, Outcome.REFUSED),
    (200, 404, Outcome.REFUSED),  # another user's object answered "not found" is a refusal
    (200, 302, Outcome.REFUSED),  # a session app sends the stranger to its login page
    (200, 200, Outcome.ACCEPTED),
    (204, 201, Outcome.ACCEPTED),  # the success class counts, not the exact status
    (400, 400, Outcome.INCONCLUSIVE),  # the missing body talking, not the guard
    (422, 401, Outcome.INCONCLUSIVE),  # a refusal proves nothing when the control failed too
    (401, 200, Outcome.INCONCLUSIVE),
    (200, 429, Outcome.RATE_LIMITED),  # 429 is evidence of nothing about the property
    (503, 401, Outcome.RATE_LIMITED),
])
def test_judge(control, probe, outcome):
    assert judge(control, probe).outcome is outcome


def test_a_write_is_judged_only_when_the_anonymous_caller_is_stopped_at_the_guard():
    # body-first validation: anonymous and signed-in alike answer 400, so nothing can be told apart
    assert judge_write(control=400, anonymous=400, probe=400).outcome is Outcome.INCONCLUSIVE
    # ... but a probe stopped at the guard where the real credential got past it is refused all the same
    assert judge_write(control=400, anonymous=400, probe=401).outcome is Outcome.REFUSED
    # guard first: the real credential reaches validation, a forged one is stopped
    assert judge_write(control=422, anonymous=401, probe=401).outcome is Outcome.REFUSED
    # ... or the forged one reaches validation too: the guard let it through
    assert judge_write(control=422, anonymous=401, probe=422).outcome is Outcome.ACCEPTED


def test_reasons_name_both_answers():
    assert judge(200, 200).reason == "HTTP 200, as the control (HTTP 200)"
    assert judge(400, 401).reason == "the control request answered HTTP 400, so the probe's HTTP 401 proves nothing"


def test_a_body_first_write_probed_with_a_valid_body_is_judged_by_the_guard():
    from golive.probes.control import judge_write_with_body

    # the valid body passed validation, so the 401 is the guard's; the real credential got past it
    assert judge_write_with_body(control=422, probe=401).outcome is Outcome.REFUSED
    assert judge_write_with_body(control=422, probe=201).outcome is Outcome.ACCEPTED
    # the "valid" body was judged invalid after all: still nothing to tell apart
    assert judge_write_with_body(control=422, probe=422).outcome is Outcome.INCONCLUSIVE
    # the real credential itself was refused: no probe answer proves anything
    assert judge_write_with_body(control=401, probe=401).outcome is Outcome.INCONCLUSIVE
    assert judge_write_with_body(control=422, probe=429).outcome is Outcome.RATE_LIMITED
