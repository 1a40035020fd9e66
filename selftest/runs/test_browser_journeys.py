"""A failed browser journey carries its evidence on its own result: a screenshot, the browser console
and a Playwright trace with every secret masked; the journeys that passed carry none. (That each
journey passes healthy and catches its faults is the fault matrix's job.)"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from dotenv import dotenv_values

from selftest.golive_runs import ROOT, golive

STORE_USER_PASSWORD = dotenv_values(ROOT / "envs" / "arogya-local.env")["AROGYA_STORE_USER_PASSWORD"]


def journey_results(results: Path) -> dict[str, dict]:
    found = {}
    for path in results.glob("*-result.json"):
        result = json.loads(path.read_text())
        if result["name"].startswith("test_frontend_signs_in_through_its_own_page"):
            found[result["name"]] = result
    return found


def test_a_failed_journey_attaches_screenshot_console_and_a_redacted_trace(tmp_path):
    run = golive(tmp_path, "--env", "arogya-local", "--check", "BRW-ORIGIN-001", faults="pos_origin_not_allowed")
    # the param names the front-end and the browser (their order is pytest's)
    by_frontend = {next(part for part in c["param"].split("-") if part != "chromium"): c for c in run.verdict["checks"]}
    assert {name: check["status"] for name, check in by_frontend.items()} == {
        "admin": "passed", "shop": "passed", "pos": "failed"}, run.output
    results = tmp_path / "allure-results"
    by_name = journey_results(results)
    failed = by_name[f"test_frontend_signs_in_through_its_own_page[{by_frontend['pos']['param']}]"]
    attached = {attachment["name"]: results / attachment["source"] for attachment in failed["attachments"]}
    assert set(attached) == {"screenshot at failure", "Playwright trace (playwright show-trace)", "browser console"}
    assert attached["screenshot at failure"].read_bytes().startswith(b"\x89PNG")
    assert "blocked by CORS policy" in attached["browser console"].read_text()
    trace = zipfile.ZipFile(io.BytesIO(attached["Playwright trace (playwright show-trace)"].read_bytes()))
    assert "trace.trace" in trace.namelist()
    recorded = b"".join(trace.read(name) for name in trace.namelist())
    assert b"/api/pos/login" in recorded  # the blocked sign-in is in the trace
    assert STORE_USER_PASSWORD.encode() not in recorded  # what was typed is masked
    for frontend in ("admin", "shop"):
        name = f"test_frontend_signs_in_through_its_own_page[{by_frontend[frontend]['param']}]"
        assert by_name[name]["status"] == "passed" and not by_name[name].get("attachments"), name
