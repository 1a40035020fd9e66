"""Weak account passwords in an env's role credentials: a well-known word (the weak word list golive
ships for JWT secrets: placeholders like ``changethis``, defaults, common passwords), the account's
own user name, or too short to resist guessing. Findings name the role, never the password."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from golive.probes.findings import Finding

#: NIST SP 800-63B's floor for a memorized secret chosen by a person
MIN_LENGTH = 8


def weakness(username: str, password: str, weak_words: frozenset[str]) -> str | None:
    """Why ``password`` is weak (without quoting it), or None."""
    folded = password.strip().casefold()
    if folded in weak_words:
        return "a well-known default or placeholder password"
    if folded == username.strip().casefold():
        return "the password is the user name"
    if len(password) < MIN_LENGTH:
        return f"shorter than {MIN_LENGTH} characters"
    return None


def weak_password_findings(roles: Mapping[str, tuple[str, str]], weak_words: Iterable[str]) -> list[Finding]:
    """One finding per role (name -> (username, password)) whose password is weak."""
    words = frozenset(word.casefold() for word in weak_words if word)
    findings = []
    for role, (username, password) in sorted(roles.items()):
        reason = weakness(username, password, words)
        if reason:
            findings.append(Finding(
                "weak-account-password", f"role {role} ({username}): a long generated password",
                f"role {role} ({username}): {reason}",
                f"rotate the password of {username} to a generated one of 16+ characters from the secret manager, "
                "and update the env's secret"))
    return findings
