"""Thin root conftest: the fixture modules. The golive plugin itself loads as a pytest11 entry point."""

pytest_plugins = [
    "fixtures.http",
    "fixtures.auth",
    "fixtures.browser",
    "fixtures.transport",
]
