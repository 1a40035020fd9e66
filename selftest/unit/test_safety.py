"""golive.safety: which flags each safety class needs against production, and which intents it may send."""

from __future__ import annotations

import itertools

import pytest

from golive.safety import Flags, SafetyViolation, guard, intent_of, missing_flags

NO_FLAGS = Flags()
WRITES = Flags(allow_writes=True)
WRITES_AND_PAYMENT = Flags(allow_writes=True, confirm_live_payment=True)
PAYMENT_ONLY = Flags(confirm_live_payment=True)
LOAD = Flags(allow_load=True)
ALL = Flags(allow_writes=True, allow_load=True, confirm_live_payment=True)

# (class, flags) -> flags still missing against production
PRODUCTION = {
    ("readonly", NO_FLAGS): [],
    ("readonly", ALL): [],
    ("probe", NO_FLAGS): [],
    ("probe", ALL): [],
    ("mutating", NO_FLAGS): ["--allow-writes"],
    ("mutating", LOAD): ["--allow-writes"],
    ("mutating", PAYMENT_ONLY): ["--allow-writes"],
    ("mutating", WRITES): [],
    ("mutating", ALL): [],
    ("money", NO_FLAGS): ["--allow-writes", "--confirm-live-payment"],
    ("money", WRITES): ["--confirm-live-payment"],
    ("money", PAYMENT_ONLY): ["--allow-writes"],
    ("money", LOAD): ["--allow-writes", "--confirm-live-payment"],
    ("money", WRITES_AND_PAYMENT): [],
    ("money", ALL): [],
    ("load", NO_FLAGS): ["--allow-load"],
    ("load", WRITES_AND_PAYMENT): ["--allow-load"],
    ("load", LOAD): [],
    ("load", ALL): [],
}


@pytest.mark.parametrize("case", list(PRODUCTION), ids=lambda c: f"{c[0]}-{'+'.join(k for k, v in vars(c[1]).items() if v) or 'none'}")
def test_flags_needed_against_production(case):
    safety, flags = case

    assert missing_flags(safety, production=True, flags=flags) == PRODUCTION[case]


@pytest.mark.parametrize(
    "safety, flags",
    list(itertools.product(["readonly", "probe", "mutating", "money", "load"], [NO_FLAGS, WRITES, LOAD, ALL])),
)
def test_nothing_is_needed_outside_production(safety, flags):
    assert missing_flags(safety, production=False, flags=flags) == []


@pytest.mark.parametrize(
    "method, declared, intent",
    [("GET", None, "read"), ("head", None, "read"), ("OPTIONS", None, "read"), ("POST", None, "write"),
     ("DELETE", None, "write"), ("POST", "login", "login"), ("GET", "probe", "probe")],
)
def test_intent_defaults_from_the_method(method, declared, intent):
    assert intent_of(method, declared) == intent


ALLOWED = {
    "readonly": {"read", "login"},
    "probe": {"read", "login", "probe"},
    "mutating": {"read", "login", "probe", "write"},
    "money": {"read", "login", "probe", "write"},
    "load": {"read", "login", "probe", "write"},
}


@pytest.mark.parametrize(
    "safety, intent", list(itertools.product(ALLOWED, ["read", "login", "probe", "write"]))
)
def test_guard_allows_exactly_the_intents_of_each_class(safety, intent):
    method = "GET" if intent == "read" else "POST"
    if intent in ALLOWED[safety]:
        guard(safety, method, "https://api.shop.test/x", intent)  # type: ignore[arg-type]
    else:
        with pytest.raises(SafetyViolation, match=f"a {safety} check may not send POST https://api.shop.test/x \\(intent {intent}\\)"):
            guard(safety, method, "https://api.shop.test/x", intent)  # type: ignore[arg-type]
