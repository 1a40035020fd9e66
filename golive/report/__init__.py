"""Outputs of a run: verdict.json / verdict.md, the terminal panel, and Allure results."""
