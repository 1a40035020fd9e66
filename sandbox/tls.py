"""The sandbox's HTTPS listener: a local CA and a server certificate made at start-up.

Made with ``cryptography`` (not trustme: its subjectAltName is marked critical, which sslyze
rejects). The CA certificate is written where golive is told to find it; the TLS faults bend
the certificate (expiring, wrong host name, self-signed) or the protocol floor (TLS 1.0).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import warnings
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sandbox.faults import ActiveFaults

TLS_HOST = "localhost"
LEAF_DAYS = 90  # what ACME CAs issue
EXPIRING_LEAF_DAYS = 10
MISMATCHED_HOST = "shop.sandbox.invalid"
# Mozilla "intermediate": TLS 1.2 with AEAD ECDHE suites (TLS 1.3 suites are not configurable here)
INTERMEDIATE_CIPHERS = (
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"
)
# what an old load balancer still offers to TLS 1.0 clients
LEGACY_CIPHERS = "ALL:@SECLEVEL=0"


@dataclass(frozen=True)
class TlsFiles:
    ca_file: Path
    cert_file: Path
    key_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "golive sandbox"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _ca(now: dt.datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("golive sandbox local CA")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _leaf(host: str, days: int, issuer: x509.Certificate | None, issuer_key: ec.EllipticCurvePrivateKey | None,
          now: dt.datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(host)]
    if host == TLS_HOST:
        names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(issuer.subject if issuer else _name(host))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)  # non-critical: sslyze insists
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False)  # type: ignore[arg-type]
    return builder.sign(issuer_key or key, hashes.SHA256()), key


def make_certificates(directory: Path, faults: ActiveFaults) -> TlsFiles:
    """The local CA (``ca.pem``, what clients should trust) and the server's chain and key."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    ca, ca_key = _ca(now)
    host = MISMATCHED_HOST if faults.active("tls_hostname_mismatch") else TLS_HOST
    days = EXPIRING_LEAF_DAYS if faults.active("tls_certificate_expiring") else LEAF_DAYS
    if faults.active("tls_self_signed_untrusted"):
        # the "temporary" self-signed certificate someone forgot to replace
        leaf, key = _leaf(host, days, None, None, now)
    else:
        leaf, key = _leaf(host, days, ca, ca_key, now)
    files = TlsFiles(directory / "ca.pem", directory / "server-chain.pem", directory / "server-key.pem")
    files.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(_pem_key(key))
    files.key_file.chmod(0o600)
    return files


def server_context(files: TlsFiles, faults: ActiveFaults) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(files.cert_file, files.key_file)
    if faults.active("tls_modern_protocols_disabled"):
        # an appliance left on its factory setting: TLS 1.0/1.1 only, which no current browser speaks
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1_1
        context.set_ciphers(LEGACY_CIPHERS)
    elif faults.active("tls_legacy_protocols"):
        # an old compatibility setting: TLS 1.0 and 1.1 still accepted, weak suites allowed
        with warnings.catch_warnings():  # Python deprecates TLS 1.0: that is the point of this fault
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers(LEGACY_CIPHERS)
    else:
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(INTERMEDIATE_CIPHERS)
    if not faults.active("tls_legacy_protocols") and not faults.active("tls_modern_protocols_disabled"):
        # Python's ssl cannot list several key-exchange groups; one that Mozilla's intermediate
        # profile allows keeps secp521r1 and X448 (which it says to reject) off
        context.set_ecdh_curve("prime256v1")
    context.options |= ssl.OP_NO_COMPRESSION
    return context
