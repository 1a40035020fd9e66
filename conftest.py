"""Thin root conftest: the fixture modules. The golive plugin itself loads as a pytest11 entry point."""

pytest_plugins = [
    "fixtures.http",
    "fixtures.auth",
    "fixtures.browser",
    "fixtures.transport",
    "fixtures.commercial",
    "fixtures.integrations",
    "fixtures.observability",
    "fixtures.release",
    "fixtures.ledger",
    "fixtures.flows",
    "fixtures.storage",
    "fixtures.marketplace",
    "fixtures.tracker",
    "fixtures.network",
]
