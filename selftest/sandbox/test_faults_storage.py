"""The S3 emulator, its CloudFront-like edge and the backup store: healthy behaviour and each
storage fault, in-process (requests signed with botocore, verified by the sandbox's own SigV4)."""

from __future__ import annotations

import re
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from sandbox.faults import ActiveFaults
from sandbox.object_store import GAP_NIGHTS, STALE_DAYS, ObjectStore, S3Error, SigV4Gate

KEY_ID, SECRET = "AKIASELFTEST00000001", "selftest-s3-secret-0123456789"
S3_ENV = {"SANDBOX_S3_ACCESS_KEY_ID": KEY_ID, "SANDBOX_S3_SECRET_ACCESS_KEY": SECRET, "SANDBOX_FLAVOR": "realserv"}
BASE = "http://127.0.0.1:8799"
BUCKET = "realserv-media-prod"
BACKUPS = "realserv-db-backups"


def signed_headers(method: str, url: str, secret: str = SECRET, body: bytes = b"") -> dict[str, str]:
    request = AWSRequest(method=method, url=url, data=body)
    S3SigV4Auth(Credentials(KEY_ID, secret), "s3", "ap-south-1").add_auth(request)
    return dict(request.headers.items())


def presigned(url: str, expires: int = 60) -> str:
    request = AWSRequest(method="GET", url=url)
    S3SigV4QueryAuth(Credentials(KEY_ID, SECRET), "s3", "ap-south-1", expires=expires).add_auth(request)
    return request.url


def s3_get(client, path: str, query: str = "", secret: str = SECRET):
    url = f"{BASE}/_emulators/s3{path}" + (f"?{query}" if query else "")
    return client.get(url, headers=signed_headers("GET", url, secret))


@pytest.fixture
def s3_app(make_client):
    return lambda *faults: make_client(*faults, env=S3_ENV)


def test_healthy_bucket_is_encrypted_versioned_and_expires_old_files(s3_app):
    client = s3_app()
    assert s3_get(client, f"/{BUCKET}", "encryption").status_code == 200
    assert "<Status>Enabled</Status>" in s3_get(client, f"/{BUCKET}", "versioning").text
    assert "<Expiration>" in s3_get(client, f"/{BUCKET}", "lifecycle").text


def test_unsigned_and_wrongly_signed_requests_are_refused(s3_app):
    client = s3_app()
    assert client.get(f"{BASE}/_emulators/s3/{BUCKET}").status_code == 403
    wrong = s3_get(client, f"/{BUCKET}", secret="not-the-secret")
    assert wrong.status_code == 403 and "SignatureDoesNotMatch" in wrong.text


def test_fault_s3_app_credentials_denied(s3_app):
    assert s3_get(s3_app(), f"/{BUCKET}").status_code == 200
    refused = s3_get(s3_app("s3_app_credentials_denied"), f"/{BUCKET}")
    assert refused.status_code == 403 and "InvalidAccessKeyId" in refused.text


def test_fault_s3_encryption_disabled(s3_app):
    response = s3_get(s3_app("s3_encryption_disabled"), f"/{BUCKET}", "encryption")
    assert response.status_code == 404 and "ServerSideEncryptionConfigurationNotFoundError" in response.text


def test_fault_s3_versioning_suspended(s3_app):
    assert "<Status>Suspended</Status>" in s3_get(s3_app("s3_versioning_suspended"), f"/{BUCKET}", "versioning").text


def test_fault_s3_lifecycle_missing(s3_app):
    response = s3_get(s3_app("s3_lifecycle_missing"), f"/{BUCKET}", "lifecycle")
    assert response.status_code == 404 and "NoSuchLifecycleConfiguration" in response.text


def test_fault_cdn_bypassed(s3_app):
    healthy = s3_app().get(f"{BASE}/_emulators/cloudfront/public/brand/logo.svg")
    assert "cloudfront" in healthy.headers["via"].lower() and "max-age" in healthy.headers["cache-control"]
    bypassed = s3_app("cdn_bypassed").get(f"{BASE}/_emulators/cloudfront/public/brand/logo.svg")
    assert bypassed.status_code == 200 and "via" not in bypassed.headers and "cache-control" not in bypassed.headers


def test_presigned_get_serves_the_object(s3_app):
    client = s3_app()
    response = client.get(presigned(f"{BASE}/_emulators/s3/{BUCKET}/public/brand/logo.svg"))
    assert response.status_code == 200 and response.content.startswith(b"<svg")


def _gate_verdict(faults: str, url: str, now: datetime) -> str:
    gate = SigV4Gate({KEY_ID: SECRET}, ActiveFaults.parse(faults))
    path, _, query = url.removeprefix(BASE).partition("?")
    try:
        gate.verify("GET", path, query, {"host": "127.0.0.1:8799"}, now=now)
    except S3Error as error:
        return error.code
    return "accepted"


def test_fault_presigned_url_never_expires():
    url = presigned(f"{BASE}/_emulators/s3/{BUCKET}/docs/a.pdf", expires=60)
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert _gate_verdict("", url, datetime.now(UTC)) == "accepted"
    assert _gate_verdict("", url, later) == "AccessDenied"
    assert _gate_verdict("presigned_url_never_expires", url, later) == "accepted"


def test_fault_presigned_signature_unchecked():
    url = presigned(f"{BASE}/_emulators/s3/{BUCKET}/docs/a.pdf")
    tampered = url.replace("/docs/a.pdf", "/docs/b.pdf")
    stretched = url.replace("X-Amz-Expires=60", "X-Amz-Expires=604800")
    now = datetime.now(UTC)
    assert _gate_verdict("", tampered, now) == "SignatureDoesNotMatch"
    assert _gate_verdict("", stretched, now) == "SignatureDoesNotMatch"
    assert _gate_verdict("presigned_signature_unchecked", tampered, now) == "accepted"


def test_gate_verifies_botocore_header_signatures_with_encoded_keys_and_queries():
    gate = SigV4Gate({KEY_ID: SECRET}, ActiveFaults())
    url = f"{BASE}/_emulators/s3/{BUCKET}/docs/COA%20batch%2B7~%C3%A9.pdf?list-type=2&prefix=a%2Fb%20c&max-keys=5"
    headers = {name.lower(): value for name, value in signed_headers("GET", url).items()}
    headers["host"] = "127.0.0.1:8799"
    path, _, query = url.removeprefix(BASE).partition("?")
    assert gate.verify("GET", path, query, headers) == KEY_ID
    with pytest.raises(S3Error):
        gate.verify("GET", path.replace("batch", "batcH"), query, headers)


def _backup_keys(*faults: str, now: datetime) -> tuple[ObjectStore, list[str]]:
    store = ObjectStore("realserv", ActiveFaults.parse(",".join(faults)))
    store.seed(None, now)
    status, _, body, _ = store.call("GET", f"/{BACKUPS}", "list-type=2&prefix=nightly/")
    assert status == 200
    return store, re.findall(r"<Key>([^<]+)</Key>", body.decode())


def _taken(key: str) -> datetime:
    return datetime.strptime(re.search(r"(\d{8}T\d{6}Z)", key).group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def test_healthy_backups_are_fresh_nightly_and_restorable():
    now = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    store, keys = _backup_keys(now=now)
    assert max(_taken(key) for key in keys) == now
    days = {_taken(key).date() for key in keys}
    assert all(now.date() - timedelta(days=offset) in days for offset in range(1, 31))
    assert _restores(store, max(keys, key=_taken))


def test_fault_backup_stale():
    now = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    _, keys = _backup_keys("backup_stale", now=now)
    assert now - max(_taken(key) for key in keys) > timedelta(days=STALE_DAYS - 1)


def test_fault_backup_history_gap():
    now = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    _, keys = _backup_keys("backup_history_gap", now=now)
    days = {_taken(key).date() for key in keys}
    assert all(now.date() - timedelta(days=night) not in days for night in GAP_NIGHTS)


def test_fault_backup_corrupt():
    now = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    store, keys = _backup_keys("backup_corrupt", now=now)
    assert not _restores(store, max(keys, key=_taken))


def _restores(store: ObjectStore, key: str) -> bool:
    status, _, data, _ = store.call("GET", f"/{BACKUPS}/{key}")
    assert status == 200
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "restored.sqlite3"
        path.write_bytes(data)
        try:
            with sqlite3.connect(path) as conn:
                return conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] >= 0
        except sqlite3.DatabaseError:
            return False
