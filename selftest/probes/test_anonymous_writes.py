"""golive.probes.anonymous_writes: which anonymous answers to an unparseable write are evidence."""

from golive.probes.anonymous_writes import AnonymousWrite, declared_public, evaluate_anonymous_write
from golive.probes.findings import Finding


def test_the_guard_refusing_is_no_finding():
    assert evaluate_anonymous_write(AnonymousWrite("POST /api/orders", True, 401)) is None


def test_a_2xx_to_an_unparseable_anonymous_write_is_a_finding():
    finding = evaluate_anonymous_write(AnonymousWrite("POST /api/orders", False, 201))
    assert isinstance(finding, Finding) and finding.name == "POST /api/orders accepts an anonymous write"


def test_validation_is_evidence_only_where_the_description_documents_no_credential():
    documented_open = evaluate_anonymous_write(AnonymousWrite("POST /api/orders", True, 422))
    assert isinstance(documented_open, Finding) and "reached validation (HTTP 422)" in documented_open.found
    # a secured operation that judges the body first answers the same: proves nothing
    assert evaluate_anonymous_write(AnonymousWrite("POST /api/orders", False, 422)) == \
        "POST /api/orders: HTTP 422 — the body is judged before the credential"


def test_rate_limits_and_missing_routes_prove_nothing():
    assert isinstance(evaluate_anonymous_write(AnonymousWrite("POST /x", True, 429)), str)
    assert isinstance(evaluate_anonymous_write(AnonymousWrite("POST /x", True, 404)), str)


def test_public_writes_match_by_label_path_or_pattern():
    public = ["POST /api/signup", "/webhooks/*"]
    assert declared_public("POST /api/signup", public)
    assert not declared_public("PUT /api/signup", public)
    assert declared_public("POST /webhooks/razorpay", public)
    assert not declared_public("POST /api/orders", public)
