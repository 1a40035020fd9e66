"""golive.signoffs: waivers and attestations from signoffs/<env>/, every malformed entry reported."""

from __future__ import annotations

import textwrap
from datetime import date

from golive.signoffs import load_signoffs


def write(path, text: str) -> None:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def test_valid_files_load_waivers_and_attestations(tmp_path):
    write(
        tmp_path / "waivers.yaml",
        """
        waivers:
          - check: SEC-HEADERS-002
            reason: CDN rollout of CSP next sprint
            approver: Priya (CTO)
            expires: 2025-06-30
            ticket: OPS-431
        """,
    )
    write(
        tmp_path / "attestations.yaml",
        """
        attestations:
          - item: S7.uat-signed
            by: Anita Rao
            role: QA lead
            date: 2025-05-30
            evidence: https://wiki.shop.test/uat/2025-05-30
        """,
    )

    signoffs, problems = load_signoffs(tmp_path)

    assert problems == []
    waiver = signoffs.waiver_for("SEC-HEADERS-002")
    assert waiver.expires == date(2025, 6, 30)
    assert waiver.ticket == "OPS-431"
    assert waiver.expired(date(2025, 6, 30)) is False
    assert waiver.expired(date(2025, 7, 1)) is True
    assert signoffs.waiver_for("SEC-CORS-001") is None
    attestation = signoffs.attestation_for("S7.uat-signed")
    assert attestation.by == "Anita Rao"
    assert str(attestation.evidence) == "https://wiki.shop.test/uat/2025-05-30"
    assert signoffs.attestation_for("S6.oncall") is None


def test_missing_files_mean_no_signoffs(tmp_path):
    signoffs, problems = load_signoffs(tmp_path / "no-such-env")

    assert problems == []
    assert signoffs.waivers == []
    assert signoffs.attestations == []


def test_empty_file_means_no_signoffs(tmp_path):
    (tmp_path / "waivers.yaml").write_text("", encoding="utf-8")

    signoffs, problems = load_signoffs(tmp_path)

    assert (signoffs.waivers, problems) == ([], [])


def test_malformed_entries_are_problems_naming_file_and_index(tmp_path):
    write(
        tmp_path / "waivers.yaml",
        """
        waivers:
          - {check: SEC-CORS-001, reason: accepted risk, approver: Priya, expires: 2025-06-30}
          - {check: sec-cors, reason: ok, approver: P, expires: soon}
        """,
    )
    write(
        tmp_path / "attestations.yaml",
        """
        attestations:
          - {item: S7.uat-signed, by: Anita, role: QA lead, date: 2025-05-30, signed: yes}
        """,
    )

    signoffs, problems = load_signoffs(tmp_path)

    waivers = str(tmp_path / "waivers.yaml")
    attestations = str(tmp_path / "attestations.yaml")
    assert [w.check for w in signoffs.waivers] == ["SEC-CORS-001"]
    assert signoffs.attestations == []
    waiver_problems = [p for p in problems if p.startswith(f"{waivers}, line 3: waivers[1].")]
    assert {p.split(": ")[1] for p in waiver_problems} == {
        "waivers[1].check",
        "waivers[1].reason",
        "waivers[1].approver",
        "waivers[1].expires",
    }
    assert f"{attestations}, line 2: attestations[0].signed: unknown key (known: by, date, evidence, item, note, role)" in problems
    assert not any("waivers[0]" in p for p in problems)


def test_invalid_yaml_is_a_problem(tmp_path):
    (tmp_path / "waivers.yaml").write_text("waivers: [\n  - check: SEC-CORS-001\n", encoding="utf-8")

    signoffs, problems = load_signoffs(tmp_path)

    assert signoffs.waivers == []
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'waivers.yaml'}: not valid YAML")


def test_wrong_top_level_shape_is_a_problem(tmp_path):
    write(tmp_path / "attestations.yaml", "- item: S7.uat-signed\n")

    _, problems = load_signoffs(tmp_path)

    assert problems == [f"{tmp_path / 'attestations.yaml'}: expected a mapping with a list under 'attestations'"]


def test_committed_local_signoffs_are_valid(request):
    _, problems = load_signoffs(request.config.rootpath / "signoffs" / "local")

    assert problems == []


def test_an_impossible_date_is_a_problem_with_its_line_not_a_crash(tmp_path):
    write(
        tmp_path / "waivers.yaml",
        """
        waivers:
          - check: SEC-CORS-001
            reason: CDN strips Vary on cached preflights
            approver: QA Lead
            expires: 2026-13-45
          - check: SEC-CORS-002
            reason: accepted risk
            approver: QA Lead
            expires: 2099-12-31
        """,
    )

    signoffs, problems = load_signoffs(tmp_path)

    assert problems == [
        f"{tmp_path / 'waivers.yaml'}, line 5: waivers[0].expires: expected a valid date or datetime, "
        "month value is outside expected range of 1-12 (found '2026-13-45')"
    ]
    assert [(w.check, w.expires.isoformat()) for w in signoffs.waivers] == [("SEC-CORS-002", "2099-12-31")]
