"""Waivers and attestations, per environment, in ``signoffs/<env>/``.

A waiver accepts a known failure of one check until a date, with a reason and an approver. An
attestation is a person's signed statement that a checklist item no machine can verify was done.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from golive.checks import CHECK_ID
from golive.yamlfile import load_yaml


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # a check id, or a checklist item ("arogya:S0-EXIT-01") that the system cannot meet as the checklist wants
    check: str = Field(pattern=f"{CHECK_ID.pattern}|^[a-z0-9_]+:[A-Z0-9-]+$")
    reason: str = Field(min_length=3)
    approver: str = Field(min_length=2)
    expires: date
    ticket: str = ""

    def expired(self, today: date) -> bool:
        return today > self.expires


class Attestation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str = Field(min_length=1)
    by: str = Field(min_length=2)
    role: str = Field(min_length=2)
    date: date
    evidence: HttpUrl | None = None
    note: str = ""


class Signoffs(BaseModel):
    waivers: list[Waiver] = Field(default_factory=list)
    attestations: list[Attestation] = Field(default_factory=list)

    def waiver_for(self, check_id: str) -> Waiver | None:
        return next((w for w in self.waivers if w.check == check_id), None)

    def attestation_for(self, item: str) -> Attestation | None:
        return next((a for a in self.attestations if a.item == item), None)


def _read_list(path: Path, key: str, problems: list[str]) -> list[dict]:
    if not path.exists():
        return []
    try:
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        problems.append(f"{path}: not valid YAML ({error})")
        return []
    # "waivers:" with every entry commented out is an empty list, not an error.
    entries = (raw.get(key) or []) if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        problems.append(f"{path}: expected a mapping with a list under {key!r}")
        return []
    return entries


def load_signoffs(directory: Path) -> tuple[Signoffs, list[str]]:
    """Read ``waivers.yaml`` and ``attestations.yaml``; malformed entries are configuration problems."""
    problems: list[str] = []
    parsed: dict[str, list] = {"waivers": [], "attestations": []}
    for key, model in (("waivers", Waiver), ("attestations", Attestation)):
        path = directory / f"{key}.yaml"
        for index, entry in enumerate(_read_list(path, key, problems)):
            try:
                parsed[key].append(model.model_validate(entry))
            except ValidationError as error:
                for detail in error.errors():
                    where = ".".join(str(p) for p in detail["loc"])
                    problems.append(f"{path}: {key}[{index}].{where}: {detail['msg']}")
    return Signoffs(**parsed), problems
