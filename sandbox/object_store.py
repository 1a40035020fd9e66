"""The sandbox's S3-compatible object store: moto's S3 behind a SigV4 gate of our own.

moto speaks the real S3 REST protocol (XML bodies, versioning, lifecycle, default encryption)
but checks no signatures, so every request first passes ``SigV4Gate``: a plain hmac/hashlib
implementation of AWS Signature Version 4 for both the Authorization header and presigned
(query-string) URLs, including their expiry. golive signs with botocore; one bug can therefore
never make the signer and the verifier agree.

At start-up the store is seeded the way a healthy production account looks: the flavor's media
bucket (default SSE, versioning, a lifecycle rule that expires old temporary files, public files
under ``public/``) and a backup bucket holding a fresh copy of the sandbox's own database plus
the nightly history of the retention window.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote

from sqlalchemy import Engine, MetaData, create_engine
from sqlalchemy.pool import StaticPool

from sandbox.faults import ActiveFaults

#: what the flavor's buckets are called (RealServ's checklist names its bucket)
MEDIA_BUCKETS: dict[str, str] = {
    "realserv": "realserv-media-prod",
    "arogya": "arogya-docs-prod",
    "consolidated": "consolidated-uploads-prod",
    "inventory": "inventory-files-prod",
    "whatsapp_tracker": "tracker-media-prod",
    "commerce": "sandbox-media-prod",
}
BACKUP_PREFIX = "nightly/"
PUBLIC_PREFIX = "public/"
PUBLIC_SAMPLE_KEY = "public/brand/logo.svg"
#: nightly history the store is seeded with (longer than any profile's retention window)
HISTORY_DAYS = 40
#: fault backup_stale: the backup job stopped this many days ago
STALE_DAYS = 3
#: fault backup_history_gap: these nights have no backup
GAP_NIGHTS = (9, 10, 11)
NIGHTLY_HOUR_UTC = 2
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
_ALGORITHM = "AWS4-HMAC-SHA256"


def media_bucket(flavor: str) -> str:
    return MEDIA_BUCKETS.get(flavor, MEDIA_BUCKETS["commerce"])


def backup_bucket(flavor: str) -> str:
    return media_bucket(flavor).split("-", 1)[0] + "-db-backups"


def backup_key(taken_at: datetime) -> str:
    """``nightly/2026/11/21/db-20261121T020000Z.sqlite3``: the key carries the time it was taken."""
    return f"{BACKUP_PREFIX}{taken_at:%Y/%m/%d}/db-{taken_at:%Y%m%dT%H%M%SZ}.sqlite3"


class S3Error(Exception):
    """An S3 error answer (status, code, message), as S3 itself would send it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status, self.code, self.message = status, code, message

    def xml(self) -> bytes:
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{self.code}</Code>'
                f"<Message>{self.message}</Message></Error>").encode()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _query_pairs(raw_query: str) -> list[tuple[str, str]]:
    pairs = []
    for part in raw_query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((unquote(name), unquote(value)))
    return pairs


def _canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    encoded = sorted((quote(name, safe="-_.~"), quote(value, safe="-_.~")) for name, value in pairs)
    return "&".join(f"{name}={value}" for name, value in encoded)


class SigV4Gate:
    """Verifies AWS SigV4 (header or presigned query) against the known access keys."""

    def __init__(self, keys: Mapping[str, str], faults: ActiveFaults) -> None:
        self.keys = dict(keys)
        self.faults = faults

    def verify(self, method: str, raw_path: str, raw_query: str, headers: Mapping[str, str],
               now: datetime | None = None) -> str:
        """Returns the access key id the request was signed with; raises S3Error otherwise.
        ``headers`` are keyed by lower-case name."""
        now = now or datetime.now(UTC)
        pairs = _query_pairs(raw_query)
        query = dict(pairs)
        if "X-Amz-Signature" in query:
            return self._verify_presigned(method, raw_path, pairs, headers, now)
        authorization = headers.get("authorization", "")
        if not authorization.startswith(_ALGORITHM + " "):
            raise S3Error(403, "AccessDenied", "Anonymous access is not allowed")
        fields = dict(part.strip().split("=", 1) for part in authorization[len(_ALGORITHM) + 1:].split(",") if "=" in part)
        try:
            credential, signed, signature = fields["Credential"], fields["SignedHeaders"], fields["Signature"]
            amz_date = headers["x-amz-date"]
        except KeyError:
            raise S3Error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed") from None
        payload = headers.get("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
        expected = self._signature(method, raw_path, _canonical_query(pairs), headers, signed, payload, credential, amz_date)
        if not hmac.compare_digest(expected, signature):
            raise S3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided")
        return credential.split("/", 1)[0]

    def _verify_presigned(self, method: str, raw_path: str, pairs: list[tuple[str, str]],
                          headers: Mapping[str, str], now: datetime) -> str:
        query = dict(pairs)
        try:
            credential, amz_date = query["X-Amz-Credential"], query["X-Amz-Date"]
            signed, expires = query["X-Amz-SignedHeaders"], int(query["X-Amz-Expires"])
            taken = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except (KeyError, ValueError):
            raise S3Error(400, "AuthorizationQueryParametersError", "Query-string authentication requires X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders") from None
        if not 1 <= expires <= MAX_PRESIGN_SECONDS:
            raise S3Error(400, "AuthorizationQueryParametersError", "X-Amz-Expires must be between 1 and 604800 seconds")
        if now > taken + timedelta(seconds=expires) and not self.faults.active("presigned_url_never_expires"):
            raise S3Error(403, "AccessDenied", "Request has expired")
        unsigned = [(name, value) for name, value in pairs if name != "X-Amz-Signature"]
        expected = self._signature(method, raw_path, _canonical_query(unsigned), headers, signed,
                                   "UNSIGNED-PAYLOAD", credential, amz_date)
        # fault presigned_signature_unchecked: only the access key is looked at, as in a proxy
        # that "validates" presigned links by their key id
        if not self.faults.active("presigned_signature_unchecked") and not hmac.compare_digest(expected, query["X-Amz-Signature"]):
            raise S3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided")
        return credential.split("/", 1)[0]

    def _signature(self, method: str, raw_path: str, canonical_query: str, headers: Mapping[str, str],
                   signed_headers: str, payload_hash: str, credential: str, amz_date: str) -> str:
        parts = credential.split("/")
        if len(parts) != 5 or parts[4] != "aws4_request":
            raise S3Error(400, "AuthorizationHeaderMalformed", "The credential scope is malformed")
        access_key, day, region, service, _ = parts
        secret = self.keys.get(access_key)
        if secret is None:
            raise S3Error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records")
        names = signed_headers.split(";")
        canonical_headers = "".join(f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in names)
        canonical_request = "\n".join((method, raw_path, canonical_query, canonical_headers, signed_headers, payload_hash))
        scope = f"{day}/{region}/{service}/aws4_request"
        string_to_sign = "\n".join((_ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()))
        key = _hmac(_hmac(_hmac(_hmac(f"AWS4{secret}".encode(), day), region), service), "aws4_request")
        return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


class ObjectStore:
    """moto's S3 (one per process: moto keeps its state in module globals) plus our seed."""

    _lock = threading.Lock()

    def __init__(self, flavor: str, faults: ActiveFaults) -> None:
        # imported here: moto takes a second to import, and most sandbox apps never touch S3
        from moto.backends import get_backend
        from moto.moto_server.werkzeug_app import create_backend_app
        from werkzeug.test import Client

        self.flavor = flavor
        self.faults = faults
        self.media_bucket = media_bucket(flavor)
        self.backup_bucket = backup_bucket(flavor)
        # a fresh store per app: selftests build many apps, one after another, in one process
        for backends in get_backend("s3").values():
            for backend in backends.values():
                backend.reset()
        self._client = Client(create_backend_app("s3"))

    def call(self, method: str, path: str, query: str = "", body: bytes = b"",
             headers: Mapping[str, str] | None = None) -> tuple[int, list[tuple[str, str]], bytes, str | None]:
        """One S3 request to moto (already authenticated by the gate): status, headers, body and
        moto's Content-Length (the object's size on HEAD)."""
        forwarded = {name: value for name, value in (headers or {}).items()
                     if name.lower() not in {"host", "authorization", "content-length", "transfer-encoding", "connection"}}
        # moto refuses anonymous reads: the gate has authenticated the caller already
        forwarded["Authorization"] = f"{_ALGORITHM} Credential=SANDBOX/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0"
        forwarded["Host"] = "localhost"
        with self._lock:
            response = self._client.open(path, method=method, query_string=query or None, data=body, headers=forwarded)
            data = response.get_data()
        headers_out = [(name, value) for name, value in response.headers.items()
                       if name.lower() not in {"content-length", "access-control-allow-origin", "server", "date"}]
        return response.status_code, headers_out, data, response.headers.get("Content-Length")

    def _put(self, path: str, query: str = "", body: bytes = b"", headers: Mapping[str, str] | None = None) -> None:
        status, _, data, _ = self.call("PUT", path, query, body, headers)
        if status >= 300:
            raise RuntimeError(f"object store seed: PUT {path}?{query} -> {status} {data[:200]!r}")

    def seed(self, engine: Engine | None, now: datetime | None = None) -> None:
        """The healthy production shape, bent by the active faults."""
        now = now or datetime.now(UTC)
        for bucket in (self.media_bucket, self.backup_bucket):
            self._put(f"/{bucket}")
            if not self.faults.active("s3_encryption_disabled"):
                self._put(f"/{bucket}", "encryption", _ENCRYPTION_XML)
            state = "Suspended" if self.faults.active("s3_versioning_suspended") else "Enabled"
            self._put(f"/{bucket}", "versioning",
                      f'<VersioningConfiguration xmlns="{S3_NS}"><Status>{state}</Status></VersioningConfiguration>'.encode())
        if not self.faults.active("s3_lifecycle_missing"):
            self._put(f"/{self.media_bucket}", "lifecycle", _LIFECYCLE_XML)
        self._put(f"/{self.media_bucket}/{PUBLIC_SAMPLE_KEY}", body=_LOGO_SVG, headers={"Content-Type": "image/svg+xml"})
        self._put(f"/{self.media_bucket}/docs/coa/sample-coa.pdf", body=b"%PDF-1.4\n% certificate of analysis\n",
                  headers={"Content-Type": "application/pdf"})
        self._put(f"/{self.media_bucket}/docs/legal/terms-of-service.pdf", body=b"%PDF-1.4\n% terms of service\n",
                  headers={"Content-Type": "application/pdf"})
        self._seed_backups(engine, now)

    def _seed_backups(self, engine: Engine | None, now: datetime) -> None:
        snapshot = database_snapshot(engine)
        if self.faults.active("backup_corrupt"):
            # the dump job wrote a truncated file (disk full mid-copy) and nobody looked
            snapshot = snapshot[:512]
        first_night = STALE_DAYS if self.faults.active("backup_stale") else 1
        for nights_ago in range(first_night, HISTORY_DAYS + 1):
            if self.faults.active("backup_history_gap") and nights_ago in GAP_NIGHTS:
                continue
            night = (now - timedelta(days=nights_ago)).replace(hour=NIGHTLY_HOUR_UTC, minute=0, second=0, microsecond=0)
            self._put(f"/{self.backup_bucket}/{backup_key(night)}", body=snapshot,
                      headers={"Content-Type": "application/vnd.sqlite3"})
        if not self.faults.active("backup_stale"):
            # the pre-deployment backup, taken when this instance started
            self._put(f"/{self.backup_bucket}/{backup_key(now.replace(microsecond=0))}", body=snapshot,
                      headers={"Content-Type": "application/vnd.sqlite3"})


def database_snapshot(engine: Engine | None) -> bytes:
    """A logical copy of every table of the sandbox database into a fresh SQLite database (works
    for the SQLite and the Postgres back end alike), returned as the bytes of a SQLite file."""
    from sandbox.db import Base

    # one in-memory connection (StaticPool): built without touching the disk, then serialized
    target = create_engine("sqlite://", poolclass=StaticPool)
    try:
        metadata: MetaData = Base.metadata
        metadata.create_all(target)
        if engine is not None:
            with engine.connect() as source, target.begin() as sink:
                for table in metadata.sorted_tables:
                    rows = [dict(row._mapping) for row in source.execute(table.select())]
                    if rows:  # OR REPLACE: some tables seed themselves when created
                        sink.execute(table.insert().prefix_with("OR REPLACE"), rows)
        with target.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            return raw.serialize()
    finally:
        target.dispose()


_ENCRYPTION_XML = (
    f'<ServerSideEncryptionConfiguration xmlns="{S3_NS}"><Rule><ApplyServerSideEncryptionByDefault>'
    "<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>"
).encode()

_LIFECYCLE_XML = (
    f'<LifecycleConfiguration xmlns="{S3_NS}">'
    "<Rule><ID>expire-temporary-uploads</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"
    "<Expiration><Days>30</Days></Expiration></Rule>"
    "<Rule><ID>expire-old-versions</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>"
    "<NoncurrentVersionExpiration><NoncurrentDays>90</NoncurrentDays></NoncurrentVersionExpiration></Rule>"
    "</LifecycleConfiguration>"
).encode()

_LOGO_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16"/></svg>\n'


def store_keys(feature_env: Mapping[str, str], faults: ActiveFaults) -> dict[str, str]:
    """The access keys the gate accepts: the app's, unless fault s3_app_credentials_denied
    (the app was deployed with a key that IAM has since deactivated)."""
    key_id = feature_env.get("SANDBOX_S3_ACCESS_KEY_ID", "")
    secret = feature_env.get("SANDBOX_S3_SECRET_ACCESS_KEY", "")
    if not key_id or not secret or faults.active("s3_app_credentials_denied"):
        return {}
    return {key_id: secret}
