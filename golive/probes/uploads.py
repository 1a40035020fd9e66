"""An oversize upload that is never sent in full: headers declare the size, the body trickles.

A server that enforces its limit answers 413 from the headers (or after the first bytes) and
closes; the HTTP client then stops writing and reads the 413. A server that reads on keeps
accepting bytes until ``max_bytes``, where the body stops with :class:`BodyNotRefused`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from golive.probes.findings import Finding

CHUNK = 64 * 1024


class BodyNotRefused(Exception):
    """The target kept reading the oversize body up to the probe's cap."""


@dataclass
class TrickleBody:
    """An iterable body of up to ``max_bytes`` zero bytes, in chunks spaced ``pause_s`` apart."""

    max_bytes: int
    pause_s: float = 0.005
    # before the first byte: a server that answers from the headers has done so by then, and
    # closes a connection with nothing unread (a clean close, not a reset that loses its answer)
    first_pause_s: float = 0.05
    sent: int = field(default=0, init=False)

    def __iter__(self) -> Iterator[bytes]:
        time.sleep(self.first_pause_s)
        while self.sent < self.max_bytes:
            chunk = min(CHUNK, self.max_bytes - self.sent)
            self.sent += chunk
            yield b"\0" * chunk
            # pacing leaves the server time to answer before the cap is reached
            time.sleep(self.pause_s)
        raise BodyNotRefused(f"the target read {self.sent} bytes without answering")


def declared_size(limit_mb: int) -> int:
    """Just over the limit: a target that rounds or allows a margin still has to refuse it."""
    return limit_mb * 1024 * 1024 + 1024 * 1024


def evaluate_upload(status_code: int | None, sent_bytes: int, declared: int, limit_mb: int,
                    *, closed_early: bool = False) -> list[Finding]:
    """``status_code`` None: no answer before the cap; ``closed_early``: the connection was closed
    while sending, every time, without a readable answer."""
    expected = f"413 for a declared {declared // (1024 * 1024)} MB upload (limit {limit_mb} MB), before the body"
    if closed_early:
        return [Finding("upload-refused-without-413", expected,
                        f"the connection was closed after {sent_bytes // 1024} KB without a readable answer",
                        "answer 413 Payload Too Large before closing the connection")]
    if status_code is None:
        return [Finding("upload-limit-not-enforced", expected,
                        f"no answer after {sent_bytes // 1024} KB sent: the target keeps reading",
                        "refuse from Content-Length before reading the body (client_max_body_size, "
                        "MaxRequestBodySize, multer limits) and count chunked bodies as they arrive")]
    if status_code == 413:
        return []
    return [Finding("upload-limit-wrong-status", expected, f"HTTP {status_code} after {sent_bytes // 1024} KB sent",
                    "answer 413 Payload Too Large for bodies over the limit")]
