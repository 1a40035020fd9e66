"""Weak account passwords: found by word list, user name and length; reported by role, never quoted."""

from golive.probes.credentials import MIN_LENGTH, weak_password_findings
from golive.probes.tokens import load_weak_secrets


def test_placeholder_and_default_passwords_are_weak_and_never_quoted():
    roles = {"admin": ("admin", "changethis"), "cashier": ("cashier", "Random"), "manager": ("manager", "manager"),
             "viewer": ("viewer", "x7#kQ"), "superadmin": ("superadmin", "local-superadmin-Pw-6402")}
    findings = weak_password_findings(roles, load_weak_secrets())
    assert [(f.name, f.found) for f in findings] == [
        ("weak-account-password", "role admin (admin): a well-known default or placeholder password"),
        ("weak-account-password", "role cashier (cashier): a well-known default or placeholder password"),
        ("weak-account-password", "role manager (manager): the password is the user name"),
        ("weak-account-password", f"role viewer (viewer): shorter than {MIN_LENGTH} characters"),
    ]
    text = " ".join(f"{f.expected} {f.found} {f.fix}" for f in findings)
    assert "changethis" not in text and "Random" not in text and "x7#kQ" not in text


def test_long_random_passwords_pass():
    assert weak_password_findings({"admin": ("admin", "q8Vn-2pLx-Rt7w-Zk4m")}, load_weak_secrets()) == []
