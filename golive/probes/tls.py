"""TLS: what a scan of an HTTPS endpoint found, judged against the go-live policy.

The facts come from a scanner (``golive.tls_scan`` runs sslyze); these functions only judge them:
protocols (TLS 1.2 or newer only), trust and host name, days to expiry, Mozilla's intermediate
profile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from golive.probes.findings import Finding

LEGACY_PROTOCOLS = ("SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1")
MODERN_PROTOCOLS = ("TLS 1.2", "TLS 1.3")
DEFAULT_MIN_DAYS = 21


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    not_after: dt.datetime
    hostname_matches: bool
    trusted: bool
    validation_error: str = ""


@dataclass(frozen=True)
class TlsFacts:
    host: str
    port: int
    #: protocol name -> whether the server accepted at least one cipher suite with it
    protocols: dict[str, bool]
    certificates: list[CertificateFacts]
    #: Mozilla intermediate profile: issue name -> explanation; None when it could not be judged
    mozilla_intermediate_issues: dict[str, str] | None = None
    scan_errors: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"TLS {self.host}:{self.port}"


def hostname_matches(host: str, dns_names: list[str], ip_addresses: list[str]) -> bool:
    """RFC 6125 matching on the subjectAltName: exact, or one left-most ``*`` label."""
    host = host.rstrip(".").lower()
    if host in ip_addresses:
        return True
    for name in (n.rstrip(".").lower() for n in dns_names):
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def evaluate_protocols(facts: TlsFacts) -> list[Finding]:
    findings = []
    legacy = [p for p in LEGACY_PROTOCOLS if facts.protocols.get(p)]
    if legacy:
        findings.append(Finding("tls-legacy-protocols-enabled", "only TLS 1.2 and TLS 1.3 accepted",
                                f"{', '.join(legacy)} accepted",
                                "disable SSL 3, TLS 1.0 and TLS 1.1 on the server or load balancer "
                                "(e.g. ELBSecurityPolicy-TLS13-1-2-2021-06, ssl_protocols TLSv1.2 TLSv1.3)"))
    unknown = [p for p in (*LEGACY_PROTOCOLS, *MODERN_PROTOCOLS) if p not in facts.protocols]
    if unknown:
        findings.append(Finding("tls-protocols-not-scanned", "every protocol version scanned",
                                f"no answer for {', '.join(unknown)}", "re-run; see the scan errors"))
    return findings + evaluate_modern_protocol(facts)


def evaluate_modern_protocol(facts: TlsFacts) -> list[Finding]:
    """Today's browsers speak only TLS 1.2 and 1.3: a server that accepts neither is unusable."""
    if any(facts.protocols.get(p) for p in MODERN_PROTOCOLS):
        return []
    scanned = [p for p in MODERN_PROTOCOLS if p in facts.protocols]
    if not scanned:
        return [Finding("tls-protocols-not-scanned", "TLS 1.2 and 1.3 scanned", "no answer for either",
                        "re-run; see the scan errors")]
    accepted = [p for p, ok in facts.protocols.items() if ok]
    return [Finding("tls-modern-protocols-missing", "TLS 1.2 or TLS 1.3 accepted",
                    f"neither (accepted: {', '.join(accepted) or 'nothing'})",
                    "enable TLS 1.2 and TLS 1.3 on the server or load balancer")]


def evaluate_trust(facts: TlsFacts) -> list[Finding]:
    if not facts.certificates:
        return [Finding("tls-certificate-missing", "a certificate chain", "none received", "configure a certificate")]
    findings = []
    for cert in facts.certificates:
        if not cert.trusted:
            findings.append(Finding("tls-chain-untrusted", "a chain that validates against the trusted CAs",
                                    f"{cert.subject} issued by {cert.issuer}: {cert.validation_error or 'not trusted'}",
                                    "serve a certificate from a public CA (or the profile's CA) with its full "
                                    "intermediate chain"))
        if not cert.hostname_matches:
            findings.append(Finding("tls-hostname-mismatch", f"a certificate for {facts.host}", cert.subject,
                                    f"issue the certificate with {facts.host} in its subjectAltName"))
    return findings


def evaluate_expiry(facts: TlsFacts, min_days: int = DEFAULT_MIN_DAYS, *, now: dt.datetime | None = None) -> list[Finding]:
    now = now or dt.datetime.now(dt.timezone.utc)
    if not facts.certificates:
        return [Finding("tls-certificate-missing", "a certificate chain", "none received", "configure a certificate")]
    findings = []
    for cert in facts.certificates:
        days = (cert.not_after - now).total_seconds() / 86400
        if days < min_days:
            state = "expired" if days < 0 else f"expires in {days:.1f} days"
            findings.append(Finding("tls-certificate-expiring", f"at least {min_days} days to expiry",
                                    f"{cert.subject} {state} ({cert.not_after:%Y-%m-%d %H:%M} UTC)",
                                    "renew the certificate and fix automatic renewal (ACME / ACM)"))
    return findings


def evaluate_mozilla_intermediate(facts: TlsFacts) -> list[Finding]:
    issues = facts.mozilla_intermediate_issues
    if issues is None:
        return [Finding("tls-mozilla-profile-unknown", "a complete scan to judge against Mozilla intermediate",
                        "; ".join(facts.scan_errors) or "an incomplete scan", "re-run the scan")]
    return [Finding(f"tls-mozilla-{name.replace('_', '-')}", "compliant with Mozilla's intermediate TLS profile",
                    text, "apply https://ssl-config.mozilla.org/ (intermediate)")
            for name, text in sorted(issues.items())]
