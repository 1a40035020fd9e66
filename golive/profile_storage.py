"""Profile sections for object storage (S3) and database backups.

Part of the profile (``golive/profile.py`` embeds them). A section set to ``false`` says the
target has no such feature; a missing one leaves its checks unverified.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class S3Credentials(Strict):
    """The application's own access key (env references): what the app itself runs with."""

    access_key_id: str = Field(min_length=1)
    secret_access_key: str = Field(min_length=1)


class S3Connection(Strict):
    endpoint_url: HttpUrl | None = Field(
        default=None,
        description="none: AWS's regional endpoint; set for an emulator or an S3-compatible store")
    region: str = "us-east-1"
    addressing_style: Literal["path", "virtual", "auto"] = "auto"
    credentials: S3Credentials


class Storage(S3Connection):
    """The app's media bucket and how its public files reach users."""

    bucket: str = Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.-]+[a-z0-9]$")
    public_url_prefix: HttpUrl | Literal[False] | None = Field(
        default=None,
        description="where public files are served (a CloudFront distribution); false: the app has no public "
                    "files")
    public_sample_key: str | None = Field(
        default=None,
        description="a public object that must exist, relative to public_url_prefix and to the bucket")
    cdn: Literal["cloudfront", "any"] | Literal[False] = Field(
        default="cloudfront",
        description="must the public URL come through a CDN (Via / X-Cache headers)?")
    presign_sample_key: str | None = Field(
        default=None,
        description="a non-sensitive object the presigned-URL check may sign and download (its bytes land in the "
                    "report); default: public_sample_key")
    upload_prefix: str = Field(
        default="golive-checks/",
        description="the round-trip check writes under this prefix (a COA or document path for Arogya)")
    presign_expires_s: int = Field(default=300, ge=1, le=604_800)


class SanityQuery(Strict):
    """A query the restored database must answer with a single number of at least ``min_value``."""

    name: str
    sql: str = Field(min_length=1)
    min_value: int = 1

    @field_validator("sql")
    @classmethod
    def read_only(cls, sql: str) -> str:
        if not re.match(r"^\s*(select|with)\b", sql, re.IGNORECASE):
            raise ValueError("sanity queries must be SELECT statements")
        return sql


class Backups(Strict):
    """Where the database backups are listed and what a good one looks like."""

    bucket: str = Field(min_length=3, max_length=63,
        description="the backup store; credentials default to the storage section's")
    prefix: str = ""
    endpoint_url: HttpUrl | None = None
    region: str | None = None
    credentials: S3Credentials | None = None
    format: Literal["sqlite"] = Field(
        default="sqlite",
        description="sqlite: a SQLite database file. pg_dump formats are named here when a system needs them.")
    key_timestamp_regex: str = Field(
        default=r"(\d{8}T\d{6}Z)",
        description="the time a backup was taken, read from its key; LastModified when the key has none")
    key_timestamp_format: str = "%Y%m%dT%H%M%SZ"
    max_age_hours: float = Field(default=26.0, gt=0,
        description="the latest backup must be younger than this (a nightly job plus slack; at cutover, tighter)")
    not_before: datetime | None = Field(
        default=None,
        description="the change window's start (ISO 8601, e.g. from ${GOLIVE_CUTOVER_STARTED_AT}): the latest "
                    "backup must have been taken after it (\"final backup before the switch\")")
    retention_days: int = Field(default=30, ge=1,
        description="nightly backups must cover this many days back, one per calendar day")
    max_restore_mb: int = Field(default=512, ge=1, description="the largest backup the restore drill downloads")
    sanity_queries: list[SanityQuery] = Field(min_length=1)

    @field_validator("not_before")
    @classmethod
    def aware(cls, moment: datetime | None) -> datetime | None:
        if moment is not None and moment.tzinfo is None:
            raise ValueError("not_before needs a time zone (e.g. 2026-11-21T06:00:00Z)")
        return moment

    @field_validator("key_timestamp_regex")
    @classmethod
    def one_group(cls, pattern: str) -> str:
        if re.compile(pattern).groups != 1:
            raise ValueError("key_timestamp_regex needs exactly one capturing group (the timestamp)")
        return pattern
