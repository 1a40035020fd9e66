"""Observation windows: durations, the samples of a watched signal, the window's judgement, and the
signal's timeline as an SVG chart. Pure: no I/O, no clock (times are given as seconds into the window).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Literal

Outcome = Literal["ok", "breach", "inconclusive"]
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


class DurationError(ValueError):
    pass


def parse_duration(text: str) -> float:
    """``90s``, ``10m``, ``24h`` (a bare number is seconds) as seconds; zero or garbage is an error."""
    found = DURATION.match(text or "")
    if not found:
        raise DurationError(f"{text!r} is not a duration: write 90s, 10m or 24h")
    seconds = float(found.group(1)) * UNIT_SECONDS[found.group(2) or "s"]
    if seconds <= 0:
        raise DurationError(f"{text!r}: a duration must be longer than zero")
    return seconds


def format_duration(seconds: float) -> str:
    """The shortest honest spelling: 45s, 4m, 4m30s, 2h, 1h30m."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h" + (f"{minutes}m" if minutes else "")
    if minutes:
        return f"{minutes}m" + (f"{secs}s" if secs else "")
    return f"{secs}s"


@dataclass(frozen=True)
class Sample:
    at_s: float  # seconds since the window started
    outcome: Outcome
    detail: str = ""  # the first line of what the check said (for a breach: the defect)
    clock: str = ""  # wall-clock time of the sample, UTC, for the evidence (HH:MM:SS)


@dataclass(frozen=True)
class Window:
    asked_s: float
    observed_s: float
    every_s: float
    interrupted: bool = False

    @property
    def short(self) -> bool:
        return self.observed_s < self.asked_s

    def describe(self) -> str:
        text = f"observed {format_duration(self.observed_s)} of {format_duration(self.asked_s)}"
        return text + (" (interrupted)" if self.interrupted else "")


def breaches(samples: list[Sample]) -> list[Sample]:
    return [sample for sample in samples if sample.outcome == "breach"]


def breach_finding(signal: str, samples: list[Sample], window: Window) -> dict[str, str] | None:
    """One finding naming every breach time of a signal in the window, or None when there was none."""
    bad = breaches(samples)
    if not bad:
        return None
    times = ", ".join(f"{s.clock or format_duration(s.at_s)} ({s.detail})" for s in bad[:10])
    more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
    return {
        "name": f"{signal} breached during the observation window",
        "expected": f"every sample of {signal} passing over the window ({window.describe()}, one every "
                    f"{format_duration(window.every_s)})",
        "found": f"{len(bad)} of {len(samples)} samples breached: {times}{more}",
        "where": signal,
        "fix": "a signal that fails for part of the time is a flapping instance, dependency or limit: look at the "
               "target's logs at the breach times",
    }


def item_window_note(asked_by_item_s: float, window: Window | None) -> str:
    """What a run says about a checklist item that asks for a window (``first 30 min``)."""
    asked = format_duration(asked_by_item_s)
    if window is None:
        return f"not observed: a one-off sample; the checklist asks for {asked} (use --observe {asked})"
    if window.observed_s + 0.5 < asked_by_item_s:
        return f"unverified as a window: {window.describe()} — the checklist asks for {asked}"
    return f"observed for {format_duration(window.observed_s)} (the checklist asks for {asked})"


COLOURS = {"ok": "#2e7d32", "breach": "#c62828", "inconclusive": "#9e9e9e"}


def timeline_svg(signals: dict[str, list[Sample]], window: Window, title: str = "") -> str:
    """One row per signal: a mark per sample over the window (green ok, red breach, grey inconclusive)."""
    label_w, plot_w, row_h, top, bottom = 260, 560, 26, 34, 28
    span = max(window.asked_s, window.observed_s, 1.0)
    height = top + row_h * max(len(signals), 1) + bottom
    width = label_w + plot_w + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="8" y="18" font-weight="bold">{escape(title or "Observation window")}: '
        f'{escape(window.describe())}, every {escape(format_duration(window.every_s))}</text>',
    ]
    observed_x = label_w + plot_w * min(window.observed_s / span, 1.0)
    if window.short:  # the part of the window that was asked for but not observed
        parts.append(f'<rect x="{observed_x:.1f}" y="{top - 6}" width="{label_w + plot_w - observed_x:.1f}" '
                     f'height="{row_h * max(len(signals), 1) + 6}" fill="#eeeeee"/>')
    for row, (name, samples) in enumerate(signals.items()):
        y = top + row * row_h
        mid = y + row_h / 2
        parts.append(f'<text x="8" y="{mid + 4:.1f}">{escape(name[:40])}</text>')
        parts.append(f'<line x1="{label_w}" y1="{mid:.1f}" x2="{label_w + plot_w}" y2="{mid:.1f}" stroke="#bdbdbd"/>')
        for sample in samples:
            x = label_w + plot_w * min(sample.at_s / span, 1.0)
            tall = 9 if sample.outcome == "breach" else 6
            parts.append(f'<rect x="{x - 2:.1f}" y="{mid - tall:.1f}" width="4" height="{2 * tall}" '
                         f'fill="{COLOURS[sample.outcome]}"><title>{escape(sample.clock)} {sample.outcome} '
                         f'{escape(sample.detail[:120])}</title></rect>')
    axis_y = top + row_h * max(len(signals), 1) + 14
    for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + plot_w * fraction
        parts.append(f'<text x="{x:.1f}" y="{axis_y}" text-anchor="middle" fill="#616161">'
                     f'{escape(format_duration(span * fraction))}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
