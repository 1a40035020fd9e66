"""The seed go-live checklists as data: every item, how it is verified, and whether it blocks.

The YAML catalogs in ``checklists/`` are the contract between the paper checklists a release team
used to tick by hand and golive's checks: a check names the item ids it verifies, an attestation
names an item id, and coverage (items / automated / attested / not applicable / unmapped) is
counted over these items. So the catalogs must be impossible to load half-right: every problem in
every file is collected and reported at once, with the file and the item id, and an item id is
unique across all catalogs because waivers, reports and history refer to it alone.

This module imports nothing else of golive (only pydantic, PyYAML and the standard library), so
the plugin, the verdict and the report can all depend on it without cycles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from golive.yamlfile import load_yaml

#: ``<system>:<SECTIONCODE>-<NN>``, e.g. ``realserv:SEC-AUTH-01``. Readable in a report, and
#: stable: an id never changes when the seed is re-worded, only when the item is removed.
ITEM_ID = re.compile(r"^(?P<system>[a-z][a-z0-9_]*):(?P<code>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)-(?P<nn>\d{2,})$")
SYSTEM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
STAGE_ID = re.compile(r"^S\d+$")

VerifiedBy = Literal["checks", "attestation", "not_applicable"]
GateKind = Literal["blocker", "exception_allowed"]


class ChecklistError(Exception):
    """One or more catalogs are invalid; ``problems`` lists every one, each naming file and item."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the checklist catalogs:\n{listing}")


class _Strict(BaseModel):
    # A misspelt key ("critcal: true") must fail loudly, not silently default to False.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Verification(_Strict):
    """How an item is verified: by checks (with a hint), by a role's attestation, or not at all.

    Each kind carries exactly the field that makes it actionable: whoever writes the check needs
    the hint, whoever collects sign-offs needs the role, a reviewer of an exclusion needs the
    reason. Fields of another kind are refused so a half-edited entry cannot pass.
    """

    by: VerifiedBy
    hint: str | None = Field(default=None, min_length=1)
    role: str | None = Field(default=None, min_length=1)
    reason: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Verification:
        allowed = {"checks": {"hint"}, "attestation": {"role"}, "not_applicable": {"reason"}}[self.by]
        stray = sorted(name for name in ("hint", "role", "reason") if getattr(self, name) and name not in allowed)
        if stray:
            raise ValueError(f"'by: {self.by}' does not take {', '.join(stray)}")
        if self.by == "attestation" and not self.role:
            raise ValueError("'by: attestation' needs 'role': who signs it")
        if self.by == "not_applicable" and not self.reason:
            raise ValueError("'by: not_applicable' needs a 'reason'")
        return self


class Stage(_Strict):
    """A gate of a staged runbook (Arogya's S0-S7): owners sign, the gate kind decides blocking."""

    id: str = Field(pattern=STAGE_ID.pattern)
    title: str = Field(min_length=1)
    owners: list[str] = Field(min_length=1)
    gate: GateKind
    order: int = Field(ge=0)
    line: int | None = Field(default=None, ge=1)


class Item(_Strict):
    """One line of a seed checklist a team would tick, with where it came from and how it is verified."""

    id: str = Field(pattern=ITEM_ID.pattern)
    section: str = Field(min_length=1)
    stage: str | None = None
    parent: str | None = None
    text: str = Field(min_length=1)
    line: int = Field(ge=1)
    critical: bool
    verify: Verification

    @property
    def system(self) -> str:
        return self.id.split(":", 1)[0]


class IgnoredLines(_Strict):
    """Seed lines that are not items (titles, labels, prose, metadata), each range with its reason.

    Listing them is what makes "nothing silently dropped" provable: the selftest accounts for
    every seed line as an item, an ignored line, or plain structure (blank, heading, separator).
    """

    line: int = Field(ge=1)
    end: int | None = Field(default=None, ge=1)
    why: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> IgnoredLines:
        if self.end is not None and self.end < self.line:
            raise ValueError(f"end {self.end} is before line {self.line}")
        return self

    def lines(self) -> range:
        return range(self.line, (self.end or self.line) + 1)


class Checklist(_Strict):
    """One seed checklist as data; consistent in itself (ids, lines, stages, parents)."""

    name: str = Field(pattern=SYSTEM_NAME.pattern)
    title: str = Field(min_length=1)
    seed: str = Field(min_length=1)
    staged: bool = False
    stages: list[Stage] = Field(default_factory=list)
    items: list[Item] = Field(min_length=1)
    ignored_lines: list[IgnoredLines] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Checklist:
        problems: list[str] = []
        ids = [item.id for item in self.items]
        problems += [f"item {i}: id must start with '{self.name}:'" for i in ids if not i.startswith(f"{self.name}:")]
        problems += [f"duplicate item id {i}" for i in _duplicates(ids)]
        for line in _duplicates(item.line for item in self.items):
            claimants = ", ".join(item.id for item in self.items if item.line == line)
            problems.append(f"seed line {line} claimed by more than one item: {claimants}")
        problems += self._stage_problems()
        by_id = {item.id: item for item in self.items}
        for item in self.items:
            parent = by_id.get(item.parent) if item.parent else None
            if item.parent and (parent is None or parent.line >= item.line):
                problems.append(f"item {item.id}: parent {item.parent} is not an earlier item of {self.name}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _stage_problems(self) -> list[str]:
        if not self.staged:
            problems = ["'stages' given but 'staged' is false"] if self.stages else []
            return problems + [f"item {i.id}: 'stage' given but the checklist is not staged" for i in self.items if i.stage]
        problems = [] if self.stages else ["staged checklist without 'stages'"]
        problems += [f"duplicate stage id {s}" for s in _duplicates(stage.id for stage in self.stages)]
        problems += [f"duplicate stage order {o}" for o in _duplicates(stage.order for stage in self.stages)]
        known = {stage.id for stage in self.stages}
        problems += [f"item {i.id}: unknown stage {i.stage}" for i in self.items if i.stage and i.stage not in known]
        return problems

    def stage(self, stage_id: str) -> Stage:
        return next(stage for stage in self.stages if stage.id == stage_id)


def load_checklist(path: Path | str) -> Checklist:
    """Load and validate one catalog; raise :class:`ChecklistError` listing all its problems."""
    path = Path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ChecklistError([f"{path}: cannot read YAML: {error}"]) from error
    if not isinstance(data, dict):
        raise ChecklistError([f"{path}: expected a mapping with name, title, seed, items"])
    try:
        return Checklist.model_validate(data)
    except ValidationError as error:
        raise ChecklistError(_describe(path, data, error)) from error


def load_checklists(directory: Path | str) -> list[Checklist]:
    """Load every ``*.yaml`` catalog in ``directory`` (sorted by file name).

    Collects the problems of all files plus item ids duplicated across files, then raises one
    :class:`ChecklistError`. A missing or empty directory is an error too: with no catalog, every
    coverage number would be vacuously perfect.
    """
    directory = Path(directory)
    paths = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not paths:
        raise ChecklistError([f"{directory}: no checklist catalogs (*.yaml) found"])
    problems: list[str] = []
    loaded: list[tuple[Path, Checklist]] = []
    for path in paths:
        try:
            loaded.append((path, load_checklist(path)))
        except ChecklistError as error:
            problems += error.problems
    owners: dict[str, list[str]] = {}
    for path, checklist in loaded:
        for item in checklist.items:
            owners.setdefault(item.id, []).append(path.name)
    problems += [f"duplicate item id {i} in {', '.join(files)}" for i, files in owners.items() if len(files) > 1]
    if problems:
        raise ChecklistError(problems)
    return [checklist for _, checklist in loaded]


def items_by_id(checklists: Iterable[Checklist]) -> dict[str, Item]:
    """Every item of every catalog by its id: how checks, waivers and attestations find theirs."""
    return {item.id: item for checklist in checklists for item in checklist.items}


def _duplicates(values: Iterable[Any]) -> list[Any]:
    seen: set[Any] = set()
    repeated: list[Any] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def _describe(path: Path, data: dict[str, Any], error: ValidationError) -> list[str]:
    """Turn pydantic's locations (``items.12.verify.by``) into ``file: item <id>: verify.by: ...``."""
    problems = []
    raw_items = data.get("items") if isinstance(data.get("items"), list) else []
    for detail in error.errors():
        loc = list(detail["loc"])
        where = str(path)
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            raw = raw_items[loc[1]] if loc[1] < len(raw_items) else None
            label = raw.get("id") if isinstance(raw, dict) and raw.get("id") else f"#{loc[1] + 1}"
            where += f": item {label}"
            loc = loc[2:]
        field = ".".join(str(part) for part in loc)
        message = detail["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")
    return problems
