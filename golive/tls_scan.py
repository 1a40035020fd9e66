"""One sslyze scan of an HTTPS endpoint, reduced to plain facts the TLS probes judge.

sslyze does the TLS work (protocol and cipher enumeration, chain validation, Mozilla's
configuration profiles); this module runs it bounded in time and keeps only what the checks need,
so that ``golive.probes.tls`` stays pure and testable with fixed vectors.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from sslyze import (
    CertificateInfoExtraArgument,
    ScanCommandAttemptStatusEnum,
    ScanCommandsExtraArguments,
    Scanner,
    ServerNetworkConfiguration,
    ServerNetworkLocation,
    ServerScanRequest,
    ServerScanStatusEnum,
)
from sslyze.mozilla_tls_profile.tls_config_checker import (
    SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
    MozillaTlsConfiguration,
    ServerNotCompliantWithTlsConfiguration,
    ServerScanResultIncomplete,
    TlsConfigurationEnum,
    check_server_against_tls_configuration,
)

from golive.probes.tls import CertificateFacts, TlsFacts, hostname_matches

PROTOCOL_COMMANDS = {
    "SSL 2.0": "ssl_2_0_cipher_suites",
    "SSL 3.0": "ssl_3_0_cipher_suites",
    "TLS 1.0": "tls_1_0_cipher_suites",
    "TLS 1.1": "tls_1_1_cipher_suites",
    "TLS 1.2": "tls_1_2_cipher_suites",
    "TLS 1.3": "tls_1_3_cipher_suites",
}


class TlsScanError(Exception):
    """The scan could not run to the end (connection refused, timeout): nothing was verified."""


def scan(host: str, port: int, *, ip_address: str | None = None, ca_file: str | None = None,
         timeout_s: float = 90.0) -> TlsFacts:
    """Scan ``host:port`` (connecting to ``ip_address`` if given) within ``timeout_s`` seconds."""
    outcome = _scan_once(host, port, ip_address, ca_file, timeout_s)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@lru_cache(maxsize=8)
def _scan_once(host: str, port: int, ip_address: str | None, ca_file: str | None,
               timeout_s: float) -> TlsFacts | Exception:
    # The TLS checks of a run look at one scan, and a failed scan is not retried either: a dead
    # or black-holed endpoint costs one timeout per run, not one per check.
    outcome: dict[str, TlsFacts | Exception] = {}

    def run() -> None:
        try:
            outcome["result"] = _scan(host, port, ip_address, ca_file)
        except Exception as error:  # handed to the caller's thread, raised there
            outcome["result"] = error

    worker = threading.Thread(target=run, name=f"sslyze {host}:{port}", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        return TlsScanError(f"the TLS scan of {host}:{port} did not finish within {timeout_s:g} s")
    return outcome["result"]


def _scan(host: str, port: int, ip_address: str | None, ca_file: str | None) -> TlsFacts:
    if ca_file is not None and not Path(ca_file).is_file():
        raise FileNotFoundError(f"the profile's CA bundle {ca_file} does not exist (transport.ca_file)")
    extra = ScanCommandsExtraArguments(
        certificate_info=CertificateInfoExtraArgument(custom_ca_file=Path(ca_file)) if ca_file else None)
    request = ServerScanRequest(
        server_location=ServerNetworkLocation(hostname=host, port=port, ip_address=ip_address),
        network_configuration=ServerNetworkConfiguration(tls_server_name_indication=host, network_timeout=5,
                                                         network_max_retries=1),
        scan_commands=SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
        scan_commands_extra_arguments=extra,
    )
    scanner = Scanner(per_server_concurrent_connections_limit=5)
    scanner.queue_scans([request])
    result = next(iter(scanner.get_results()))
    if result.scan_status != ServerScanStatusEnum.COMPLETED or result.scan_result is None:
        raise TlsScanError(f"cannot connect to {host}:{port} over TLS: {result.connectivity_error_trace or result.scan_status}")
    attempts = result.scan_result
    protocols: dict[str, bool] = {}
    errors: list[str] = []
    for protocol, attribute in PROTOCOL_COMMANDS.items():
        attempt = getattr(attempts, attribute)
        if attempt.status == ScanCommandAttemptStatusEnum.COMPLETED:
            protocols[protocol] = bool(attempt.result.accepted_cipher_suites)
        else:
            errors.append(f"{protocol}: {attempt.error_reason}")
    certificates = _certificates(attempts, host, ca_file, errors)
    try:
        check_server_against_tls_configuration(
            result, MozillaTlsConfiguration.get(TlsConfigurationEnum.MOZILLA_INTERMEDIATE))
        mozilla_issues: dict[str, str] | None = {}
    except ServerNotCompliantWithTlsConfiguration as error:
        mozilla_issues = dict(error.issues)
    except ServerScanResultIncomplete as error:
        mozilla_issues = None
        errors.append(f"Mozilla profile: {error}")
    return TlsFacts(host=host, port=port, protocols=protocols, certificates=certificates,
                    mozilla_intermediate_issues=mozilla_issues, scan_errors=errors)


def _subject_alt_names(leaf: x509.Certificate) -> tuple[list[str], list[str]]:
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return san.get_values_for_type(x509.DNSName), [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]


def _certificates(attempts: object, host: str, ca_file: str | None, errors: list[str]) -> list[CertificateFacts]:
    attempt = attempts.certificate_info  # type: ignore[attr-defined]
    if attempt.status != ScanCommandAttemptStatusEnum.COMPLETED:
        errors.append(f"certificate info: {attempt.error_reason}")
        return []
    facts = []
    for deployment in attempt.result.certificate_deployments:
        leaf = deployment.received_certificate_chain[0]
        # with a custom CA the profile says which trust store counts: that one; else any public one
        validations = [v for v in deployment.path_validation_results
                       if ca_file is None or str(v.trust_store.path) == str(Path(ca_file))]
        trusted = any(v.was_validation_successful for v in validations)
        reasons = sorted({v.validation_error for v in validations if v.validation_error})
        facts.append(CertificateFacts(
            subject=leaf.subject.rfc4514_string(),
            issuer=leaf.issuer.rfc4514_string(),
            not_after=leaf.not_valid_after_utc,
            hostname_matches=hostname_matches(host, *_subject_alt_names(leaf)),
            trusted=trusted,
            validation_error="; ".join(reasons),
        ))
    return facts
