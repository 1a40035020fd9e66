"""golive.probes.edges: edge values from a parameter's schema, reproducible, and 5xx as the only finding."""

from golive.probes.edges import HAND_EDGES, EdgeAnswer, evaluate_edges, generate_queries

SCHEMA = {"limit": {"type": "integer", "minimum": 1, "maximum": 100}, "q": {"type": "string", "maxLength": 8}}


def generated(cases=30):  # type: ignore[no-untyped-def]
    queries: list[dict[str, str]] = []
    generate_queries(SCHEMA, queries.append, cases=cases)
    return queries


def test_generation_is_reproducible_bounded_and_one_parameter_at_a_time():
    first, second = generated(), generated()
    assert first == second and 0 < len(first) <= 30
    assert all(len(query) == 1 and set(query) <= set(SCHEMA) for query in first)
    assert all(isinstance(value, str) for query in first for value in query.values())


def test_values_the_schema_rules_out_and_hand_edges_are_among_them():
    limits = {query["limit"] for query in generated(60) if "limit" in query}
    assert limits & set(HAND_EDGES)  # -1, 0, 2**63 ...
    outside = [v for v in limits if not (v.lstrip("-").isdigit() and 1 <= int(v) <= 100)]
    assert outside and len(outside) < len(limits)  # ruled-out values beside valid ones


def test_only_a_server_error_is_a_finding_one_per_parameter():
    answers = [EdgeAnswer({"limit": "-1"}, 422), EdgeAnswer({"limit": str(2**63)}, 500),
               EdgeAnswer({"limit": "9" * 40}, 500), EdgeAnswer({"q": "x"}, 200), EdgeAnswer({"q": "y"}, 503)]
    findings = evaluate_edges("GET /api/products/search", answers)
    assert [f.name for f in findings] == ["GET /api/products/search crashes on an edge value of limit"]
    assert findings[0].expected == "a 2xx or a 4xx refusal for limit='9223372036854775808'"
