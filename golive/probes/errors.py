"""Error answers that tell an attacker too much: stack traces, SQL, debuggers, internal paths.

``evaluate_error_body`` looks at the text of one answer; checks run it over every error answer
they provoke. The patterns are specific enough not to match ordinary JSON error messages.
"""

from __future__ import annotations

import re

from golive.probes.findings import Finding

# (finding name, what it reveals, pattern)
LEAK_PATTERNS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("error-shows-stack-trace", "a stack trace", re.compile(
        r"Traceback \(most recent call last\)"           # Python
        r"|File &quot;[^&]+&quot;, line \d+|File \"[^\"]+\", line \d+"
        r"|\bat [\w$.<>]+\([\w$]+\.java:\d+\)"           # Java
        r"|Exception in thread \""
        r"|\n\s+at .+ \(.+\.(?:js|ts|mjs|cjs):\d+:\d+\)"  # Node
        r"|\bat [\w.`<>]+\(.*\) in .+:line \d+"           # .NET
        r"|Stack trace:\s*\n?#0 ",                       # PHP
        re.IGNORECASE)),
    ("error-shows-sql", "SQL or a database driver's error", re.compile(
        r"SQLSTATE\[|\bsqlite3?\.\w*Error|\bOperationalError\b|\bProgrammingError\b|\bIntegrityError\b"
        r"|unrecognized token:|syntax error at or near|near \"[^\"]*\": syntax error"
        r"|You have an error in your SQL syntax|\bORA-\d{5}\b|\bPG::\w+Error|psycopg2?\.errors"
        r"|Unclosed quotation mark after the character string|\[SQL: |SqlException"
        r"|\bSELECT\b[^\n]{1,200}\bFROM\b[^\n]{1,200}\bWHERE\b",
        re.IGNORECASE)),
    ("error-shows-debugger", "a framework debug page", re.compile(
        r"Werkzeug Debugger|The debugger caught an exception|You're seeing this error because you have "
        r"<code>DEBUG = True</code>|DEBUG = True|Whoops!? There was an error|Action Controller: Exception caught"
        r"|Server Error in '/' Application|laravel\.log|Symfony\\Component\\Debug|__debugger__",
        re.IGNORECASE)),
    ("error-shows-internal-path", "an internal file path", re.compile(
        r"(?:/home/[\w.-]+/|/usr/(?:local/)?lib/python\d|/site-packages/|/var/www/|/opt/[\w.-]+/[\w.-]+\.(?:py|js|rb|php)"
        r"|node_modules/|[A-Z]:\\\\?(?:Users|inetpub|Program Files|Windows)\\\\?|/app/[\w./-]+\.(?:py|js|ts|rb|php))",
        re.IGNORECASE)),
)

MAX_EVIDENCE = 120
FIX = ("answer errors with a generic message and a request id; log the details server-side; "
       "turn off debug mode in production")


def _evidence(text: str, match: re.Match[str]) -> str:
    start = max(0, match.start() - 30)
    excerpt = text[start:match.end() + 60].replace("\n", " ")
    return excerpt[:MAX_EVIDENCE]


def evaluate_error_body(status_code: int, text: str, *, where: str = "") -> list[Finding]:
    """Findings for one answer: any status may leak, but only the body of an error is examined
    (a successful answer is the target's data). ``where`` prefixes the evidence."""
    if status_code < 400 or not text:
        return []
    findings = []
    for name, what, pattern in LEAK_PATTERNS:
        match = pattern.search(text)
        if match:
            prefix = f"{where}: " if where else ""
            findings.append(Finding(name, f"an error answer without {what}",
                                    f"{prefix}HTTP {status_code} with …{_evidence(text, match)}…", FIX))
    return findings
