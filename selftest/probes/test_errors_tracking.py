"""Error-tracking probes and the Sentry client's DSN and envelope handling, against fixed vectors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from golive.probes.errors_tracking import Windows, error_rate_findings, leaked_secrets, real_errors, tags_of
from golive.probes.findings import names
from golive.providers.sentry import Dsn, DsnError, build_envelope, synthetic_event


def test_dsn_of_sentry_io_and_of_a_path_prefixed_host():
    dsn = Dsn.parse("https://abc123@o42.ingest.sentry.io/4507")
    assert dsn.envelope_url == "https://o42.ingest.sentry.io/api/4507/envelope/"
    local = Dsn.parse("http://key@127.0.0.1:8000/_emulators/sentry/4507")
    assert (local.public_key, local.envelope_url) == ("key", "http://127.0.0.1:8000/_emulators/sentry/api/4507/envelope/")


@pytest.mark.parametrize("bad", ["https://o42.ingest.sentry.io/4507", "https://k@host/project", "ftp://k@h/1", ""])
def test_malformed_dsns_are_refused(bad):
    with pytest.raises(DsnError):
        Dsn.parse(bad)


def test_envelope_is_header_item_header_and_sized_payload():
    event = synthetic_event("m1")
    lines = build_envelope(Dsn.parse("https://k@h/1"), event).split(b"\n")
    header, item = json.loads(lines[0]), json.loads(lines[1])
    assert header["event_id"] == event["event_id"] and header["dsn"] == "https://k@h/1"
    assert item["type"] == "event" and item["length"] == len(lines[2])
    assert json.loads(lines[2])["tags"]["golive_probe"] == "m1"
    assert event["level"] == "info"  # a probe is never counted as an error


def test_the_sandbox_emulator_reads_golive_envelopes():
    from sandbox.emulators.sentry import parse_envelope  # the independent parser, only in this test

    event = synthetic_event("m2")
    event["extra"] = {"multi": "line\nvalue"}
    header, items = parse_envelope(build_envelope(Dsn.parse("https://k@h/1"), event))
    assert header["event_id"] == event["event_id"] and items[0][1]["extra"]["multi"] == "line\nvalue"


API_EVENT = {
    "eventID": "e1",
    "tags": [{"key": "level", "value": "error"}, {"key": "golive_probe", "value": "m"}],
    "entries": [{"type": "request", "data": {"data": {"password": "[Filtered]", "token": "tok-XYZ"}}}],
}


def test_leaked_secrets_names_each_field_whose_value_survived():
    found = leaked_secrets(API_EVENT, {"password": "pw-ABC", "token": "tok-XYZ"})
    assert names(found) == ["token-not-redacted"]
    assert leaked_secrets(API_EVENT, {"password": "pw-ABC"}) == []


def test_probe_events_do_not_count_as_errors():
    plain = {"eventID": "e2", "tags": [{"key": "level", "value": "fatal"}]}
    assert tags_of(API_EVENT)["golive_probe"] == "m"
    assert real_errors([API_EVENT, plain]) == [plain]


def test_error_rate_against_budget_and_baseline():
    assert error_rate_findings(0, 3, max_events=0, levels="error/fatal") == []
    assert names(error_rate_findings(2, 3, max_events=0, levels="error")) == ["errors-since-deploy-above-threshold"]
    assert names(error_rate_findings(5, 3, max_events=4, levels="error")) == [
        "errors-since-deploy-above-threshold", "error-rate-increased"]
    assert names(error_rate_findings(5, 3, max_events=10, levels="error")) == []
    assert error_rate_findings(4, None, max_events=4, levels="error") == []


def test_baseline_window_mirrors_the_time_since_the_deploy():
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    windows = Windows.of(now, datetime(2026, 11, 21, 8, 40, tzinfo=UTC), 30)
    assert windows.baseline_start == datetime(2026, 11, 21, 8, 20, tzinfo=UTC)
    assert Windows.of(now, None, 30).deployed_at == datetime(2026, 11, 21, 8, 30, tzinfo=UTC)
