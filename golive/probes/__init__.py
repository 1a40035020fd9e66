"""Pure, unit-tested logic over data: a response's headers, a token, a certificate, a body.

Probes import nothing else of golive and never perform I/O themselves (except where a probe's
whole job is I/O, and then through an injected ``httpx.Client``), so each is testable with fixed
vectors.
"""
