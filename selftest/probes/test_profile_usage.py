"""Which checks read which profile section, followed through fixtures and helpers."""

from __future__ import annotations

from golive.probes.profile_usage import CheckUse, checks_by_section, describe

FIXTURES = '''
import pytest

@pytest.fixture
def settings(request): ...

@pytest.fixture
def tokens(settings):
    return login(settings.profile.auth)

@pytest.fixture
def cors_policy(profile):
    return required(profile.cors, "a CORS policy")
'''

SUITE = '''
from golive import check

def helper(profile):
    return profile.inputs

@check("SEC-CORS-001", "Preflight", critical=True)
def test_preflight(cors_policy, http):
    pass

@check("SEC-INPUT-001", "Reflection")
def test_reflection(profile, tokens):
    helper(profile)

@check("INF-X-001", "Reads nothing")
def test_nothing(http):
    pass
'''

OTHER_SUITE = '''
from golive import check

def helper(profile):  # same name, another module: not what SEC-INPUT-001 calls
    return profile.webhooks
'''


def test_sections_are_followed_through_fixtures_and_same_module_helpers():
    uses = checks_by_section([FIXTURES, SUITE, OTHER_SUITE], {"cors", "inputs", "auth", "webhooks"})
    assert uses == {
        "auth": [CheckUse("SEC-INPUT-001", False)],
        "cors": [CheckUse("SEC-CORS-001", True)],
        "inputs": [CheckUse("SEC-INPUT-001", False)],
    }


def test_describe_marks_critical_checks_and_shortens():
    uses = {"cors": [CheckUse(f"SEC-CORS-00{n}", n == 2) for n in range(1, 5)]}
    assert describe(uses, "cors", limit=2) == "SEC-CORS-002*, SEC-CORS-001 and 2 more (* critical)"
    assert describe(uses, "headers") == ""
