"""`report annual` on an up-to-date SQLite file reads it through sqlite3 alone, and its figures
are the ones the full store gives, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from freezegun import freeze_time

from complaintctl.reports import annual
from complaintctl.storage import reader as fastread
from complaintctl.domain import policy
from complaintctl.services.context import Context

TODAY = "2026-11-25 12:00:00"
HEAVY = {"sqlalchemy", "sqlmodel"}


def modules_loaded(db: str, *args: str) -> set[str]:
    """Every module the command line imports, started as its own process as cron would start it."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "complaintctl", "--db", db, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:") and "|" in line]
    return {line.rsplit("|", 1)[1].strip() for line in lines}


def recorded(cli) -> None:
    """Two years with every kind of figure the report counts."""
    with freeze_time(TODAY):
        def log(received: str, service: str | None = None, *extra: str) -> str:
            args = ["log", "--name", "Ann Example", "--summary", "Repairs", "--received", received, *extra]
            if service:
                args += ["--service", service, "--category", "Damp"]
            return cli.ok(*args).stdout.split()[0]

        old = log("2025-02-03", "Repairs")
        cli.ok("acknowledge", old, "--on", "2025-02-04", "--handler", "Jo Officer")
        cli.ok("close", old, "--outcome", "not-upheld", "--reasons", "Fine", "--on", "2025-02-17")
        first = log("2025-06-02", "Repairs")
        cli.ok("acknowledge", first, "--on", "2025-06-03", "--handler", "Jo Officer")
        cli.ok("close", first, "--outcome", "upheld", "--reasons", "Late", "--apology", "--compensation", "150",
               "--learning", "Inspect damp within 5 days", "--on", "2025-06-16")
        cli.ok("escalate", first, "--on", "2025-06-20", "--handler", "Pat Kay")
        cli.ok("acknowledge", first, "--on", "2025-06-23")
        cli.ok("close", first, "--outcome", "partly-upheld", "--reasons", "Partly", "--on", "2025-08-29")
        cli.ok("survey", first, "--on", "2025-09-01", "--satisfied", "no", "--easy", "yes", "--time", "no", "--addressed", "no")
        cli.ok("learning", first, "Call back within 2 working days", "--on", "2025-09-02")
        cli.ok("ombudsman", "refer", first, "--on", "2025-09-10")
        cli.ok("ombudsman", "determine", first, "--on", "2025-12-01", "--finding", "Repairs=maladministration",
               "--finding", "Complaint handling=service failure")
        cli.ok("ombudsman", "order", first, "--kind", "apology", "--due", "2025-12-15")
        cli.ok("ombudsman", "order", first, "--kind", "compensation", "--amount", "300", "--due", "2026-01-05")
        cli.ok("ombudsman", "comply", first, "2", "--on", "2026-01-10")
        withdrawn = log("2025-11-03")
        cli.ok("close", withdrawn, "--outcome", "withdrawn", "--on", "2025-11-10")
        refused = log("2025-10-01", "Parking")
        cli.ok("close", refused, "--outcome", "refused", "--exclusion", "duplicate", "--reasons", "Already open", "--on", "2025-10-01")
        cli.ok("log", "--name", "Bo Grateful", "--type", "compliment", "--summary", "Quick", "--received", "2026-01-05")
        log("2026-03-02", "Lettings")


def test_report_annual_on_a_current_file_does_not_import_the_orm(cli, db_location):
    recorded(cli)
    json_modules = modules_loaded(db_location, "report", "annual", "--year", "2025", "--json")
    assert not (HEAVY | {"jinja2"}) & json_modules
    assert "complaintctl.reports.annual" in json_modules, "the report ran"
    for fmt in ("text", "markdown"):
        assert not HEAVY & modules_loaded(db_location, "report", "annual", "--year", "2025", "--format", fmt), fmt


def test_a_changed_policy_goes_through_the_full_store_once(cli, db_location, tmp_path):
    recorded(cli)
    changed = tmp_path / "policy.toml"
    # A longer response time moves deadlines: the open cases must be re-derived before reading.
    changed.write_text("[stage1]\nrespond_days = 15\n", encoding="utf-8")
    assert "sqlalchemy" in modules_loaded(db_location, "--config", str(changed), "report", "annual", "--year", "2025", "--json")
    assert "sqlalchemy" not in modules_loaded(db_location, "--config", str(changed), "report", "annual", "--year", "2025", "--json")


def test_the_reader_and_the_store_give_the_same_report(cli, db_location):
    from complaintctl.storage.store import Store

    recorded(cli)
    chosen = policy.load(None)
    today = date(2026, 11, 25)
    reader = fastread.open_reader(db_location, chosen.fingerprint())
    assert reader is not None
    store = Store.open(db_location)
    reports = {}
    try:
        for year in (2024, 2025, 2026):
            through = [
                annual.annual_report(Context(backend, chosen, chosen.calendar(), "officer.one", today, None), year, min(date(year + 1, 1, 1), today))
                for backend in (reader, store)
            ]
            assert through[0] == through[1], year
            reports[year] = through[0]
    finally:
        store.dispose()
        reader.dispose()
    assert_figures(reports[2025])


@pytest.mark.both_databases
def test_the_figures_on_each_database(cli):
    recorded(cli)
    with freeze_time(TODAY):
        assert_figures(cli.ok("report", "annual", "--year", "2025", "--as-of", "2026-01-01", "--json").json())


def assert_figures(report: dict) -> None:
    """2025/26 of `recorded`, as of 1 January 2026, worked out by hand."""
    assert report["stage1"]["received"] == 3 and report["stage1"]["responded"] == 1
    assert report["stage2"]["responded"] == 1 and report["previous"]["stage1"]["responded"] == 1
    months = {row["month"]: (row["stage1"], row["stage2"]) for row in report["monthly"]}
    assert (months["2025-06"], months["2025-11"], months["2026-03"], months["2025-10"]) == ((1, 1), (1, 0), (1, 0), (0, 0))
    first, second = report["quarterly"][:2]
    assert (first["stage1_responded"], first["stage1_pct"], second["stage2_responded"], second["stage2_pct"]) == (1, 100.0, 1, 0.0)
    assert report["outcomes"] == {"upheld": 1, "partly-upheld": 1, "not-upheld": 0, "withdrawn": 1, "refused": 1}
    assert report["not_accepted"] == {"duplicate": 1} and report["compliments"] == 1
    assert report["by_service"] == {"Lettings": 1, "Repairs": 1, "Not recorded": 1}
    assert report["remedies"] == {"apologies": 1, "compensation_cases": 1, "compensation_total": 150.0}
    assert report["learning"]["recorded"] == 2
    assert [item["recorded_on"] for item in report["learning"]["items"]] == ["2025-06-16", "2025-09-02"]
    ombudsman = report["ombudsman"]
    assert (ombudsman["referrals"], ombudsman["determinations"], ombudsman["findings_total"]) == (1, 1, 2)
    assert (ombudsman["orders_total"], ombudsman["orders_complied"], ombudsman["orders_overdue"]) == (2, 1, 1)
    assert ombudsman["longest_days_to_comply"] == 40 and ombudsman["compensation_ordered"] == 300.0
    assert report["survey"]["responses"] == 1
    assert report["survey"]["questions"]["kept_informed"]["answered"] == 0
    assert report["survey"]["questions"]["easy_to_complain"]["yes"] == 1
