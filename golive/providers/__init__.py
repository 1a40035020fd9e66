"""Clients for the real provider APIs; base URLs come from the profile and env."""
