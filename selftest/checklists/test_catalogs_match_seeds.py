"""The catalogs in checklists/ say exactly what the seed checklists say: nothing dropped, nothing invented.

Every line of every seed is accounted for: it is an item (whose text is the seed line's text after
the normalisation below), an ignored line listed with its reason in the catalog, or plain
structure (blank, markdown heading, separator, table rule, code fence, comment inside a fence).
Criticality is re-derived from the seed's own structure (🔴 marks, stage gate kinds, section
headings), not from the catalog's section strings, so a mislabelled section cannot hide a blocker.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from golive.checklists import Checklist, ChecklistError, load_checklist, load_checklists

REPO = Path(__file__).resolve().parents[2]
# the seed checklists live in the repository (byte-identical copies of the teams' documents), so a
# fresh clone verifies its catalogs without any folder beside it
SEEDS = REPO / "checklists" / "sources"
CATALOGS = REPO / "checklists"

SEED_OF = {
    "arogya": "arogya-amritam-go-live-runbook.md",
    "whatsapp_tracker": "whatsapp-tracker-production-beta-runbook.md",
    "realserv": "realserv-mvp-production-launch-checklist.md",
    "consolidated": "consolidated-production-deployment-checklist.md",
    "inventory": "inventory-management-deployment-checklist.md",
}

# Leading markers stripped, repeatedly, from a seed line: heading hashes, bullets ("- - " in the
# Arogya runbook is two), "N. " step numbers, checkboxes, the 🔴 critical mark. Then bold "**".
LEADING_MARKER = re.compile(r"^(?:#{1,6}\s+|[-*+]\s+|\d+\.\s+|\[[ xX]\]\s*|🔴\s*)")
LIST_LINE = re.compile(r"^\s*(?:[-*+]\s|\d+\.\s)")
CHECKBOX = re.compile(r"^\s*(?:[-*+]\s+|\d+\.\s+)\[[ xX]\]")
FENCE = re.compile(r"^\s*```")
HEADING = re.compile(r"^#{1,6}\s")
SEPARATOR = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
TABLE_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$")


def normalise(raw: str) -> str:
    text = raw.strip()
    while (stripped := LEADING_MARKER.sub("", text, count=1).strip()) != text:
        text = stripped
    return text.replace("**", "").strip()


def structural(raw: str, in_fence: bool) -> str | None:
    """Why a line needs no item by its shape alone, or None."""
    line = raw.strip()
    if not line:
        return "blank"
    if in_fence:
        return "comment inside a code block" if line.startswith("#") else None
    if HEADING.match(line):
        return "heading"
    if SEPARATOR.match(line):
        return "separator"
    if TABLE_RULE.match(line):
        return "table rule"
    return None


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.fail(f"seed checklists not found at {SEEDS} (checklists/sources/ in the repository)")
    return SEEDS


@pytest.fixture(scope="session")
def catalogs() -> dict[str, Checklist]:
    return {checklist.name: checklist for checklist in load_checklists(CATALOGS)}


@dataclass
class Seed:
    lines: list[str]

    def __getitem__(self, number: int) -> str:
        return self.lines[number - 1]


def seed_of(seeds_dir: Path, name: str) -> Seed:
    path = seeds_dir / SEED_OF[name]
    if not path.is_file():
        pytest.fail(f"seed {path} missing")
    return Seed(path.read_text(encoding="utf-8").splitlines())


def test_the_five_catalogs_load_and_name_their_seeds(catalogs: dict[str, Checklist], seeds_dir: Path) -> None:
    assert set(catalogs) == set(SEED_OF)
    for name, checklist in catalogs.items():
        assert checklist.seed == SEED_OF[name]
        assert (seeds_dir / checklist.seed).is_file()
    assert {name for name, checklist in catalogs.items() if checklist.staged} == {"arogya"}


@pytest.mark.parametrize("name", sorted(SEED_OF))
def test_every_seed_line_is_accounted_for(name: str, catalogs: dict[str, Checklist], seeds_dir: Path) -> None:
    checklist, seed = catalogs[name], seed_of(seeds_dir, name)
    items = {item.line: item for item in checklist.items}
    problems: list[str] = []
    ignored: dict[int, str] = {}
    for entry in checklist.ignored_lines:
        for number in entry.lines():
            if number > len(seed.lines):
                problems.append(f"ignored line {number} is past the end of the seed ({len(seed.lines)} lines)")
            elif number in items:
                problems.append(f"line {number} is both ignored ({entry.why}) and item {items[number].id}")
            elif number in ignored:
                problems.append(f"line {number} is ignored twice")
            ignored[number] = entry.why
    in_fence = False
    for number, raw in enumerate(seed.lines, start=1):
        fence = bool(FENCE.match(raw))
        if number in items:
            if fence:
                problems.append(f"line {number} is a code fence but claimed by {items[number].id}")
        elif number not in ignored and not fence and structural(raw, in_fence) is None:
            problems.append(f"line {number} is not an item, not ignored and not structural: {raw!r}")
        in_fence ^= fence
    problems += [f"item {i.id} points past the end of the seed (line {i.line})" for i in checklist.items if i.line > len(seed.lines)]
    assert not problems, f"{checklist.seed}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", sorted(SEED_OF))
def test_every_item_carries_its_seed_lines_text(name: str, catalogs: dict[str, Checklist], seeds_dir: Path) -> None:
    checklist, seed = catalogs[name], seed_of(seeds_dir, name)
    wrong = [
        f"{item.id} (line {item.line}): catalog {item.text!r} != seed {normalise(seed[item.line])!r}"
        for item in checklist.items
        if item.line <= len(seed.lines) and normalise(seed[item.line]) != item.text
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(SEED_OF))
def test_no_two_items_claim_one_line_and_every_checkbox_is_an_item(
    name: str, catalogs: dict[str, Checklist], seeds_dir: Path
) -> None:
    checklist, seed = catalogs[name], seed_of(seeds_dir, name)
    lines = [item.line for item in checklist.items]
    assert len(lines) == len(set(lines))
    # A checkbox is by definition something a team ticks: it may never be merely "ignored".
    claimed = set(lines)
    unclaimed = [n for n, raw in enumerate(seed.lines, start=1) if CHECKBOX.match(raw) and n not in claimed]
    assert not unclaimed, f"checkbox lines without an item: {unclaimed}"


@pytest.mark.parametrize("name", sorted(SEED_OF))
def test_parents_follow_the_seeds_indentation(name: str, catalogs: dict[str, Checklist], seeds_dir: Path) -> None:
    checklist, seed = catalogs[name], seed_of(seeds_dir, name)
    by_line = {item.line: item for item in checklist.items}

    def indent(raw: str) -> int:
        return len(raw) - len(raw.lstrip(" "))

    wrong = []
    for item in checklist.items:
        expected = None
        if indent(seed[item.line]) > 0:
            for number in range(item.line - 1, 0, -1):
                raw = seed[number]
                if raw.strip() and LIST_LINE.match(raw) and indent(raw) < indent(seed[item.line]):
                    expected = by_line[number].id if number in by_line else None
                    break
        if item.parent != expected:
            wrong.append(f"{item.id}: parent {item.parent} but the seed nests it under {expected}")
    assert not wrong, "\n".join(wrong)


# --- criticality, re-derived from each seed's own structure --------------------------------------


def _nearest_above(seed: Seed, line: int, pattern: re.Pattern[str]) -> re.Match[str] | None:
    for number in range(line, 0, -1):
        if match := pattern.match(seed[number]):
            return match
    return None


def critical_realserv(seed: Seed, line: int) -> bool:
    """Critical iff the checkbox's first mark is 🔴."""
    return bool(re.match(r"^\s*(?:[-*+]\s+|\d+\.\s+)\[[ xX]\]\s*🔴", seed[line]))


def arogya_stage_gates(seed: Seed) -> dict[str, tuple[int, str, list[str], str]]:
    """stage id -> (header line, title, owners, gate) read from the seed itself."""
    stages = {}
    for number, raw in enumerate(seed.lines, start=1):
        if match := re.match(r"^(S\d+) • (.+)$", raw):
            gate_line = seed[number + 2]
            gate = "blocker" if gate_line.startswith("BLOCKER IF FAIL") else (
                "exception_allowed" if gate_line.startswith("CAN PROCEED WITH EXCEPTION") else "?"
            )
            stages[match[1]] = (number, seed[number + 1].strip(), match[2].split(" + "), gate)
    return stages


def arogya_stage_at(seed: Seed, line: int) -> str | None:
    match = _nearest_above(seed, line, re.compile(r"^(S\d+) • "))
    return match[1] if match else None


def critical_arogya(seed: Seed, line: int) -> bool:
    """Critical iff in a BLOCKER IF FAIL stage, or the Critical Sequence's go-live precondition."""
    stage = arogya_stage_at(seed, line)
    if stage is None:
        return normalise(seed[line]).startswith("No orders/POS should go live until")
    return arogya_stage_gates(seed)[stage][3] == "blocker"


def critical_whatsapp_tracker(seed: Seed, line: int) -> bool:
    """Sections 1, 2, 4, 5, 7 minus the "recommended" migration and quarterly rotation."""
    section = _nearest_above(seed, line, re.compile(r"^## (\d+)\)"))
    if section is None or int(section[1]) not in {1, 2, 4, 5, 7}:
        return False
    return "recommended for production lock-down" not in seed[line] and "Rotate tokens/secrets quarterly" not in seed[line]


def critical_consolidated(seed: Seed, line: int) -> bool:
    """The "8) Operational checklist (final quick ticks)" and the required env vars of section 1."""
    section = _nearest_above(seed, line, re.compile(r"^(\d+)\) "))
    if section is None:
        return False
    if section[1] == "8":
        return True
    group = _nearest_above(seed, line - 1, re.compile(r"^- (.*)$"))
    return section[1] == "1" and group is not None and group[1].startswith("Required env vars")


def critical_inventory(seed: Seed, line: int) -> bool:
    """Pre-Deployment Verification, Success Criteria, and the Final Sign-off's Deployment Approval."""
    part = _nearest_above(seed, line, re.compile(r"^## (.+)$"))
    sub = _nearest_above(seed, line, re.compile(r"^### (.+)$"))
    if part is None:
        return False
    return part[1] in {"Pre-Deployment Verification", "Success Criteria"} or (
        part[1] == "Final Sign-off" and sub is not None and sub[1] == "✅ Deployment Approval"
    )


CRITICAL_RULE = {
    "realserv": critical_realserv,
    "arogya": critical_arogya,
    "whatsapp_tracker": critical_whatsapp_tracker,
    "consolidated": critical_consolidated,
    "inventory": critical_inventory,
}


@pytest.mark.parametrize("name", sorted(SEED_OF))
def test_critical_flags_follow_the_files_rule(name: str, catalogs: dict[str, Checklist], seeds_dir: Path) -> None:
    checklist, seed = catalogs[name], seed_of(seeds_dir, name)
    rule = CRITICAL_RULE[name]
    wrong = [
        f"{item.id} (line {item.line}): critical={item.critical}, rule says {rule(seed, item.line)}"
        for item in checklist.items
        if item.critical != rule(seed, item.line)
    ]
    assert not wrong, "\n".join(wrong)
    assert any(item.critical for item in checklist.items), "a checklist without blockers would always be GO"


@pytest.mark.parametrize("name", sorted(SEED_OF))
def test_the_criticality_rule_is_written_at_the_top(name: str) -> None:
    head = (CATALOGS / f"{name}.yaml").read_text(encoding="utf-8").split("\nname:", 1)[0]
    assert f"Criticality rule ({name}):" in head


# --- the staged runbook ---------------------------------------------------------------------------


def test_arogya_stages_match_the_seed(catalogs: dict[str, Checklist], seeds_dir: Path) -> None:
    checklist, seed = catalogs["arogya"], seed_of(seeds_dir, "arogya")
    from_seed = arogya_stage_gates(seed)
    assert [stage.id for stage in sorted(checklist.stages, key=lambda s: s.order)] == list(from_seed)
    for stage in checklist.stages:
        line, title, owners, gate = from_seed[stage.id]
        assert (stage.line, stage.title, stage.owners, stage.gate) == (line, title, owners, gate), stage.id
    assert {s.id: s.gate for s in checklist.stages}["S5"] == "exception_allowed"


def test_arogya_items_sit_in_the_stage_the_seed_puts_them(catalogs: dict[str, Checklist], seeds_dir: Path) -> None:
    checklist, seed = catalogs["arogya"], seed_of(seeds_dir, "arogya")
    for item in checklist.items:
        assert item.stage == arogya_stage_at(seed, item.line), item.id
        if item.stage:
            assert item.section.startswith(f"{item.stage} "), item.id
            assert item.id.startswith(f"arogya:{item.stage}-"), item.id


def test_arogya_attestations_are_signed_by_roles_the_runbook_names(catalogs: dict[str, Checklist]) -> None:
    # Usually the stage's own owners; "Business confirms live operations" in S7 (owner: Tech Lead)
    # is signed by the Business Owner, as its text says. No invented roles either way.
    checklist = catalogs["arogya"]
    roles = {owner for stage in checklist.stages for owner in stage.owners}
    for item in checklist.items:
        if item.verify.by == "attestation":
            assert item.stage and item.verify.role in roles, item.id


# --- the loader -----------------------------------------------------------------------------------

MINIMAL = """\
name: demo
title: Demo
seed: demo.md
items:
  - id: demo:SEC-AUTH-01
    section: "1 Security"
    text: "Login works"
    line: 3
    critical: true
    verify: {by: checks, hint: "POST /login returns a token"}
"""


def test_loader_reads_a_minimal_catalog(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(MINIMAL)
    [checklist] = load_checklists(tmp_path)
    assert checklist.items[0].system == "demo" and checklist.items[0].verify.by == "checks"


def test_loader_reports_ids_duplicated_across_files(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(MINIMAL)
    (tmp_path / "demo_copy.yaml").write_text(MINIMAL)
    with pytest.raises(ChecklistError) as raised:
        load_checklists(tmp_path)
    assert raised.value.problems == ["duplicate item id demo:SEC-AUTH-01 in demo.yaml, demo_copy.yaml"]


def test_loader_reports_ids_duplicated_in_one_file(tmp_path: Path) -> None:
    text = MINIMAL + MINIMAL.split("items:\n", 1)[1].replace("line: 3", "line: 4")
    (tmp_path / "demo.yaml").write_text(text)
    with pytest.raises(ChecklistError, match="duplicate item id demo:SEC-AUTH-01"):
        load_checklists(tmp_path)


def test_loader_names_file_and_item_for_a_bad_verify_kind(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(MINIMAL.replace("by: checks", "by: vibes"))
    with pytest.raises(ChecklistError) as raised:
        load_checklists(tmp_path)
    [problem] = raised.value.problems
    assert str(tmp_path / "demo.yaml") in problem
    assert "item demo:SEC-AUTH-01" in problem and "verify.by" in problem
    assert "'checks', 'attestation' or 'not_applicable'" in problem


@pytest.mark.parametrize(
    ("verify", "message"),
    [
        ("{by: attestation}", "needs 'role'"),
        ("{by: not_applicable}", "needs a 'reason'"),
        ("{by: checks, role: QA}", "does not take role"),
    ],
)
def test_loader_requires_the_field_each_kind_needs(tmp_path: Path, verify: str, message: str) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(MINIMAL.replace('{by: checks, hint: "POST /login returns a token"}', verify))
    with pytest.raises(ChecklistError, match=message):
        load_checklist(path)


def test_loader_collects_every_problem_of_every_file_at_once(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(MINIMAL.replace("critical: true", "critcal: true"))
    (tmp_path / "b.yaml").write_text(MINIMAL.replace("demo:SEC-AUTH-01", "other:SEC-AUTH-01").replace("line: 3", "line: 0"))
    with pytest.raises(ChecklistError) as raised:
        load_checklists(tmp_path)
    text = "\n".join(raised.value.problems)
    assert "a.yaml: item demo:SEC-AUTH-01: critical: Field required" in text
    assert "a.yaml: item demo:SEC-AUTH-01: critcal: Extra inputs are not permitted" in text
    assert "b.yaml: item other:SEC-AUTH-01: line:" in text


def test_loader_checks_ids_stages_and_parents(tmp_path: Path) -> None:
    bad = MINIMAL.replace("demo:SEC-AUTH-01", "other:SEC-AUTH-01").replace(
        '    line: 3\n', "    line: 3\n    stage: S9\n    parent: demo:SEC-AUTH-07\n"
    )
    path = tmp_path / "demo.yaml"
    path.write_text(bad)
    with pytest.raises(ChecklistError) as raised:
        load_checklist(path)
    text = "\n".join(raised.value.problems)
    assert "id must start with 'demo:'" in text
    assert "'stage' given but the checklist is not staged" in text
    assert "parent demo:SEC-AUTH-07 is not an earlier item" in text


def test_loader_refuses_a_malformed_id(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(MINIMAL.replace("demo:SEC-AUTH-01", "demo:sec-auth-1"))
    with pytest.raises(ChecklistError, match="item demo:sec-auth-1: id: String should match pattern"):
        load_checklist(path)


def test_loader_refuses_a_missing_or_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError, match="no checklist catalogs"):
        load_checklists(tmp_path / "absent")
    with pytest.raises(ChecklistError, match="no checklist catalogs"):
        load_checklists(tmp_path)


def test_loader_reports_unreadable_yaml(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text("name: [unclosed\n")
    with pytest.raises(ChecklistError, match="demo.yaml: cannot read YAML"):
        load_checklists(tmp_path)


def test_a_real_catalog_with_a_broken_item_is_reported_by_id(tmp_path: Path) -> None:
    shutil.copy(CATALOGS / "realserv.yaml", tmp_path / "realserv.yaml")
    path = tmp_path / "realserv.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "verify: {by: attestation, role: \"DevOps Lead\"}", "verify: {by: attestation}", 1
    ), encoding="utf-8")
    with pytest.raises(ChecklistError, match=r"realserv.yaml: item realserv:SEC-SECRETS-01: verify: "):
        load_checklist(path)
