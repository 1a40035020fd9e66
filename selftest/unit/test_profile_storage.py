"""The storage and backups profile sections: what they accept and what they refuse."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from golive.profile_storage import Backups, Storage

CREDENTIALS = {"access_key_id": "AKIAEXAMPLE", "secret_access_key": "secret"}
QUERIES = [{"name": "users", "sql": "SELECT COUNT(*) FROM users"}]


def test_storage_section():
    storage = Storage(bucket="realserv-media-prod", credentials=CREDENTIALS, region="ap-south-1",
                      endpoint_url="http://127.0.0.1:1/_emulators/s3", public_url_prefix=False)
    assert storage.public_url_prefix is False and storage.cdn == "cloudfront" and storage.upload_prefix == "golive-checks/"
    with pytest.raises(ValidationError):
        Storage(bucket="Bad_Bucket", credentials=CREDENTIALS)
    with pytest.raises(ValidationError):
        Storage(bucket="media", credentials={"access_key_id": "", "secret_access_key": "x"})


def test_backups_section():
    backups = Backups(bucket="realserv-db-backups", prefix="nightly/", sanity_queries=QUERIES,
                      not_before="2026-11-21T06:00:00Z")
    assert backups.format == "sqlite" and backups.retention_days == 30 and backups.not_before.tzinfo is not None
    with pytest.raises(ValidationError, match="SELECT"):
        Backups(bucket="b-backups", sanity_queries=[{"name": "wipe", "sql": "DELETE FROM users"}])
    with pytest.raises(ValidationError, match="capturing group"):
        Backups(bucket="b-backups", sanity_queries=QUERIES, key_timestamp_regex=r"\d{8}")
    with pytest.raises(ValidationError, match="time zone"):
        Backups(bucket="b-backups", sanity_queries=QUERIES, not_before="2026-11-21T06:00:00")
    with pytest.raises(ValidationError):
        Backups(bucket="b-backups", sanity_queries=[])
