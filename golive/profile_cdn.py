"""The profile's ``cdn`` section: which URLs the CDN must cache for long, which it must never cache."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, HttpUrl


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cdn(Strict):
    assets: list[HttpUrl] = Field(min_length=1,
        description="fingerprinted static files (app.3f9c1e.js): 200 through the edge, public, long-lived")
    uncached: list[HttpUrl] = Field(min_length=1,
        description="HTML pages and API answers: no-store / no-cache / private / max-age=0")
    min_asset_max_age_s: int = Field(default=31_536_000, gt=0,
        description="a year: a fingerprinted name changes with its content, so the old one may be cached forever")
