"""The observation window's pure logic: durations, the window's judgement, item notes, the timeline chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from golive.probes.observation import (
    DurationError,
    Sample,
    Window,
    breach_finding,
    format_duration,
    item_window_note,
    parse_duration,
    timeline_svg,
)


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("10m", 600), ("24h", 86400), ("45", 45), ("1.5m", 90)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0s", "ten minutes", "10d", "-5m", "m"])
def test_not_durations(text):
    with pytest.raises(DurationError):
        parse_duration(text)


@pytest.mark.parametrize(("seconds", "text"), [(45, "45s"), (240, "4m"), (270, "4m30s"), (7200, "2h"), (5400, "1h30m")])
def test_duration_spelling(seconds, text):
    assert format_duration(seconds) == text


def test_a_window_without_breach_has_no_finding():
    window = Window(asked_s=20, observed_s=20, every_s=2)
    assert breach_finding("INF-HEALTH-001[api]", [Sample(0, "ok"), Sample(2, "inconclusive", "skipped")], window) is None


def test_every_breach_time_is_evidence():
    window = Window(asked_s=20, observed_s=20, every_s=2)
    samples = [Sample(0, "ok", "", "10:00:00"), Sample(2, "breach", "api is not alive: HTTP 503", "10:00:02"),
               Sample(4, "ok", "", "10:00:04"), Sample(6, "breach", "api is not alive: HTTP 503", "10:00:06")]
    finding = breach_finding("INF-HEALTH-001[api]", samples, window)
    assert finding is not None
    assert finding["found"].startswith("2 of 4 samples breached: 10:00:02 (api is not alive: HTTP 503), 10:00:06")
    assert "observed 20s of 20s" in finding["expected"] and "every 2s" in finding["expected"]


def test_a_short_window_does_not_verify_an_item_asking_for_longer():
    assert item_window_note(1800, Window(1800, 60, 10)).startswith("unverified as a window: observed 1m of 30m")
    assert item_window_note(1800, Window(60, 60, 10)) == (
        "unverified as a window: observed 1m of 1m — the checklist asks for 30m")
    assert item_window_note(300, Window(600, 600, 60)).startswith("observed for 10m")
    assert item_window_note(300, None).startswith("not observed: a one-off sample")


def test_an_interrupted_window_says_so():
    window = Window(asked_s=1800, observed_s=240, every_s=60, interrupted=True)
    assert window.short and window.describe() == "observed 4m of 30m (interrupted)"


def test_timeline_is_svg_with_a_mark_per_sample_and_breaches_in_red():
    window = Window(asked_s=20, observed_s=8, every_s=2, interrupted=True)
    signals = {"INF-HEALTH-001[api]": [Sample(0, "ok"), Sample(2, "breach", "<503> & down"), Sample(4, "ok")],
               "PERF-LAT-001": [Sample(1, "inconclusive"), Sample(3, "ok")]}
    svg = ET.fromstring(timeline_svg(signals, window))
    rects = svg.findall("{http://www.w3.org/2000/svg}rect")
    fills = [r.get("fill") for r in rects]
    assert fills.count("#c62828") == 1 and fills.count("#2e7d32") == 3 and fills.count("#9e9e9e") == 1
    assert "#eeeeee" in fills  # the part of the window asked for but not observed
    assert "observed 8s of 20s (interrupted)" in "".join(svg.itertext())
