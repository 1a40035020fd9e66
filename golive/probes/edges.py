"""Inputs at the edges of an API description's schemas: boundary, null, type-edge and overlong values.

A real API is described by schemas it rarely tests at their edges. Values are generated from each
parameter's schema with hypothesis-jsonschema (valid values and values of the negated schema, that
is, everything the schema rules out), plus the classic edges a tester tries by hand (negative and
64-bit-overflowing numbers, empty, null, overlong). The system may refuse any of them — that is
what 4xx is for — but a 5xx says an input the description allows or rules out crashed it.
Generation is derandomized: the same description gives the same cases, run after run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from .findings import Finding

# what a person would try first, whatever the schema says
HAND_EDGES: tuple[str, ...] = ("-1", "0", "", "null", str(2**63), "9" * 40, "1e309", "a" * 5000, "\u0000")


SCALAR_TYPES = ("integer", "number", "boolean", "null", "string")


def _as_query_value(value: Any) -> str | None:
    """A generated value as it would travel in a query string (arrays and objects as JSON)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value)


def value_strategy(schema: dict[str, Any] | None) -> st.SearchStrategy[str]:
    """Query-string values for one parameter: valid for its schema, ruled out by it, or a hand edge."""
    schema = {k: v for k, v in (schema or {}).items() if k not in ("title", "description", "example", "examples")}
    options: list[st.SearchStrategy[Any]] = [st.sampled_from(HAND_EDGES)]
    if schema:
        try:
            # what the schema rules out, among values a query string can carry (no objects or arrays)
            options += [from_schema(schema), from_schema({"not": schema, "type": list(SCALAR_TYPES)})]
        except Exception:  # an exotic schema hypothesis-jsonschema cannot read: the hand edges still go
            pass
    return st.one_of(*options).map(_as_query_value).filter(lambda value: value is not None)  # type: ignore[arg-type]


@dataclass(frozen=True)
class EdgeAnswer:
    query: dict[str, str]
    status: int


def generate_queries(parameters: dict[str, dict[str, Any] | None], send: Callable[[dict[str, str]], None], *,
                     cases: int) -> None:
    """Call ``send`` with ``cases`` query dicts (at most), one edge per parameter at a time.

    The whole hypothesis run is derandomized and keeps no database: reproducible and side-effect free.
    """
    if not parameters:
        return
    names = sorted(parameters)
    strategy = st.sampled_from(names).flatmap(
        lambda name: value_strategy(parameters[name]).map(lambda value: {name: value}))

    @settings(max_examples=cases, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(strategy)
    def explore(query: dict[str, str]) -> None:
        send(query)

    explore()


def evaluate_edges(operation: str, answers: list[EdgeAnswer]) -> list[Finding]:
    """One finding per distinct parameter that crashed the operation (5xx)."""
    crashed: dict[str, EdgeAnswer] = {}
    for answer in answers:
        if answer.status >= 500 and answer.status not in (502, 503, 504):
            (name, value), = answer.query.items()
            crashed.setdefault(name, answer)
    return [Finding(f"{operation} crashes on an edge value of {name}",
                    f"a 2xx or a 4xx refusal for {name}={_shown(a.query[name])}",
                    f"HTTP {a.status}", f"validate {name} against its schema and answer 400/422 for what it rules out")
            for name, a in crashed.items()]


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:20] + f"…({len(value)} chars)")
