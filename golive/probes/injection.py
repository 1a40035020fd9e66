"""SQL-injection probes: error-, boolean- and time-based payloads, and how to judge the answers.

A parameterized query treats every payload as a literal string, so:
- error-based: a lone quote changes nothing (no 5xx, no SQL error text);
- boolean-based: an always-true and an always-false condition give the same answer (both are
  just strings that match nothing), so a data difference between them means the SQL changed;
- time-based: a bounded sleep (pg_sleep, SLEEP, WAITFOR, a heavy SQLite expression) answers as
  fast as the baseline.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, quote_plus

from golive.probes.errors import evaluate_error_body
from golive.probes.findings import Finding

Kind = Literal["error", "boolean", "time"]

#: seconds each time-based payload asks the database to wait
SLEEP_S = 2
#: a prefix no real data contains, so true/false payloads differ only in their condition
NEEDLE = "golivezq"

ERROR_PAYLOADS = ("'", "\"", "')", "';--", "\\", "%' AND '1", "1'1")
# (always-true variant, always-false variant), one pair per quoting context
BOOLEAN_PAIRS = (
    (f"{NEEDLE}' OR '1'='1' --", f"{NEEDLE}' AND '1'='2' --"),
    (f"{NEEDLE}' OR 1=1 --", f"{NEEDLE}' AND 1=2 --"),
    (f"{NEEDLE}%' OR 1=1 --", f"{NEEDLE}%' AND 1=2 --"),
    (f"{NEEDLE}\" OR 1=1 --", f"{NEEDLE}\" AND 1=2 --"),
    ("1 OR 1=1", "1 AND 1=2"),
)
TIME_PAYLOADS = (
    f"{NEEDLE}'||pg_sleep({SLEEP_S})||'",
    f"{NEEDLE}' AND (SELECT 1 FROM pg_sleep({SLEEP_S})) IS NOT NULL --",
    f"{NEEDLE}' AND SLEEP({SLEEP_S}) --",
    f"{NEEDLE}'; WAITFOR DELAY '0:0:{SLEEP_S}' --",
    # SQLite has no sleep: a bounded, CPU-heavy expression (a second or more on a laptop)
    f"{NEEDLE}' AND 1=LIKE('ABCDEFG',UPPER(HEX(RANDOMBLOB(20000000)))) --",
)


@dataclass(frozen=True)
class Observation:
    """What one request brought back, reduced to what the judges need."""

    status_code: int
    text: str
    elapsed_s: float
    where: str


def evaluate_error_probe(payload: str, seen: Observation) -> list[Finding]:
    findings = evaluate_error_body(seen.status_code, seen.text, where=seen.where)
    if seen.status_code >= 500:
        findings.append(Finding("sql-injection-server-error", f"no 5xx for the input {payload!r}",
                                f"{seen.where}: HTTP {seen.status_code}",
                                "bind parameters (prepared statements, the ORM); never format input into SQL"))
    return findings


def _shape(text: str, payload: str) -> object:
    """The data of an answer without the echoed input (pages that say "results for <input>"):
    JSON decoded (so key order and spacing do not count), else the text."""
    for echoed in (payload, html.escape(payload), html.escape(payload, quote=False), json.dumps(payload)[1:-1],
                   quote_plus(payload), quote(payload)):
        text = text.replace(echoed, "\0")
    try:
        return json.loads(text)
    except ValueError:
        return text.strip()


def evaluate_boolean_probe(true_payload: str, false_payload: str, when_true: Observation,
                           when_false: Observation) -> list[Finding]:
    findings = evaluate_error_probe(true_payload, when_true) + evaluate_error_probe(false_payload, when_false)
    same = (when_true.status_code == when_false.status_code
            and _shape(when_true.text, true_payload) == _shape(when_false.text, false_payload))
    if not same:
        findings.append(Finding(
            "sql-injection-boolean", f"the same answer for {true_payload!r} and {false_payload!r} (both literal strings)",
            f"{when_true.where}: HTTP {when_true.status_code} {len(when_true.text)} bytes vs "
            f"HTTP {when_false.status_code} {len(when_false.text)} bytes",
            "bind parameters: the input's quotes must not end the SQL string"))
    return findings


def evaluate_time_probe(payload: str, seen: Observation, baseline_s: float) -> list[Finding]:
    """Slow by at least most of the requested sleep beyond the baseline: the database slept."""
    findings = evaluate_error_probe(payload, seen)
    if seen.elapsed_s - baseline_s >= SLEEP_S * 0.75:
        findings.append(Finding("sql-injection-time", f"about the baseline ({baseline_s * 1000:.0f} ms) for {payload!r}",
                                f"{seen.where}: {seen.elapsed_s * 1000:.0f} ms",
                                "bind parameters; the payload made the database wait"))
    return findings
