"""`report self-assessment` on a year built through the command line, every figure worked out by
hand below. The policy keeps the Code's timescales (stage 1: acknowledge 5, respond 10 working
days from the acknowledgement, extensions up to 10; stage 2: 5 and 20, up to 20) with a stage 2
window of one calendar month, and England and Wales bank holidays (25 August 2025 falls inside).
Today is 1 June 2026.

2024/25
  J  received Mon 10 Mar 2025, acknowledged 11 Mar (Jo Officer), respond by 25 Mar; upheld
     Tue 8 Apr 2025: a late stage 1 response counted in 2025/26, its receipt in 2024/25.

2025/26 (1 April 2025 to 31 March 2026)
  A  received Mon 2 Jun 2025, acknowledge by Mon 9 Jun; acknowledged Tue 3 Jun (Jo Officer): in
     time. Respond by Tue 17 Jun; upheld Mon 16 Jun: in time, apology, £150.
     Stage 2 asked Mon 23 Jun (Sam Reviewer), acknowledge by Mon 30 Jun; acknowledged Tue 1 Jul:
     late. Respond by 20 working days after 1 Jul = Tue 29 Jul; extended 22 days on 28 Jul with
     a good reason (over the Code's 20); not upheld Thu 28 Aug: in time.
     Ombudsman: referred 1 Sep 2025, determined 1 Dec 2025 (service failure; no
     maladministration); orders: apology due 15 Dec complied 10 Dec (on time), compensation £200
     due 5 Jan 2026 complied 9 Jan (late), training due 1 Mar 2026 not complied (overdue on
     1 June 2026), repairs due 1 Jul 2026 (not yet due).
  B  received Mon 7 Jul 2025, acknowledge by Mon 14 Jul; acknowledged that day (Jo Officer): in
     time. Respond by Mon 28 Jul; extended 4 days on 25 Jul (to Fri 1 Aug), then 8 more on 31 Jul
     with a good reason (12 in all, over the Code's 10) to Wed 13 Aug; partly upheld Thu 14 Aug:
     late. £100 compensation.
  C  received Wed 13 Aug 2025, acknowledge by Wed 20 Aug; acknowledged Thu 21 Aug (Ali Officer):
     late. Respond by 22, (25 bank holiday) 26 ... 29 Aug, 1 ... 5 Sep = Fri 5 Sep; upheld that
     day with an apology: in time. Stage 2 asked Mon 8 Sep with no handler named and never
     acknowledged: acknowledge by Mon 15 Sep, passed while open; respond by (from 15 Sep) long
     passed: open past its response date.
  I  received Mon 1 Sep 2025, acknowledged Tue 2 Sep (Jo Officer; due Mon 8 Sep): in time;
     respond by Tue 16 Sep; not upheld Mon 15 Sep: in time. Window to Wed 15 Oct; stage 2 asked
     Mon 20 Oct with a late reason (Sam Reviewer): accepted late, then refused on 22 Oct as
     legal proceedings (before its acknowledgement fell due on 27 Oct).
  D  received Mon 6 Oct 2025, refused as a service request; E received Mon 3 Nov, refused as a
     duplicate: not accepted, so in no stage figure.
  F  received Mon 1 Dec 2025, acknowledge by Mon 8 Dec, never acknowledged, withdrawn Fri 12 Dec:
     its acknowledgement fell due and was not made.
  G  received Mon 5 Jan 2026, withdrawn Tue 6 Jan before its acknowledgement was due (12 Jan).
  L  received Mon 2 Feb 2026, acknowledged Tue 3 Feb (due 9 Feb): in time; extended 15 days with a
     good reason on 10 Feb, and that extension voided; respond by Tue 17 Feb, still open.
  H  received Mon 2 Mar 2026, never acknowledged (due Mon 9 Mar), still open; respond by
     (from 9 Mar) Mon 23 Mar: open past its response date.

So for 2025/26:
  stage 1: received A B C I F G L H = 8; acknowledgements due: all but G = 7, in time A B I L = 4
  (57.14%), late C = 1, not acknowledged F H = 2; responded A B C I J = 5, in time A C I = 3
  (60%); open past the response date L H = 2; extended B = 1 of 8 (12.5%), 12 days on average,
  beyond 10: B.
  stage 2: received A C = 2 (I refused); acknowledgements due A C = 2, in time 0 (0%), late A,
  not acknowledged C; responded A = 1, in time 1 (100%); open past the response date C; extended
  A = 1 of 2 (50%), 22 days, beyond 20: A; handlers compared A = 1, different 1 (100%), C with no
  stage 2 handler yet.
  escalation requests A C I = 3: refused I (legal proceedings), accepted late I.
  remedies: decisions A B C I J (stage 1) and A (stage 2) = 6, upheld or partly upheld A B C J =
  4; apologies A C = 2; compensation A B = 2, £250.
  exclusions: service request 1, duplicate 1.
  Ombudsman: 1 determination, 1 adverse finding; orders 4: 1 by its date, 1 late, 1 overdue,
  1 not yet due: 1 of 3 fallen due on time (33.33%).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import Cli
from freezegun import freeze_time

from complaintctl.domain.officers import Officer, Roster
from complaintctl.reports.self_assessment import different_officer

TODAY = "2026-06-01 10:00:00"


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(TODAY):
        yield


def _policy(folder: Path) -> str:
    config = folder / "policy.toml"
    config.write_text('[organisation]\nname = "Exampleton Homes"\n\n[stage2]\nescalation_window = "1 month"\n')
    return str(config)


def _log(cli: Cli, received: str) -> str:
    return cli.ok("log", "--name", "A Tenant", "--summary", "Something went wrong", "--received", received, "--housing").stdout.strip()


def _build(cli: Cli) -> dict[str, str]:
    """The year of the module docstring, through the command line; the references by letter."""
    refs: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as patch, freeze_time(TODAY):
        patch.setenv("COMPLAINTCTL_OFFICER", "officer.one")
        patch.setenv("NO_COLOR", "1")
        cli.ok("init")
        refs["J"] = j = _log(cli, "2025-03-10")
        cli.ok("acknowledge", j, "--on", "2025-03-11", "--handler", "Jo Officer")
        cli.ok("close", j, "--outcome", "upheld", "--reasons", "Put right", "--on", "2025-04-08")

        refs["A"] = a = _log(cli, "2025-06-02")
        cli.ok("acknowledge", a, "--on", "2025-06-03", "--handler", "Jo Officer")
        cli.ok("close", a, "--outcome", "upheld", "--reasons", "Put right", "--apology", "--compensation", "150", "--on", "2025-06-16")
        cli.ok("escalate", a, "--on", "2025-06-23", "--handler", "Sam Reviewer")
        cli.ok("acknowledge", a, "--on", "2025-07-01")
        cli.ok("extend", a, "--days", "22", "--reason", "Independent survey", "--good-reason", "Structural engineer needed", "--on", "2025-07-28")
        cli.ok("close", a, "--outcome", "not-upheld", "--reasons", "Reviewed", "--on", "2025-08-28")
        cli.ok("ombudsman", "refer", a, "--on", "2025-09-01")
        cli.ok("ombudsman", "determine", a, "--on", "2025-12-01",
               "--finding", "Complaint handling=service failure", "--finding", "Repairs=no maladministration")
        cli.ok("ombudsman", "order", a, "--kind", "apology", "--due", "2025-12-15")
        cli.ok("ombudsman", "order", a, "--kind", "compensation", "--amount", "200", "--due", "2026-01-05")
        cli.ok("ombudsman", "order", a, "--kind", "training", "--due", "2026-03-01")
        cli.ok("ombudsman", "order", a, "--kind", "repairs", "--due", "2026-07-01")
        cli.ok("ombudsman", "comply", a, "1", "--on", "2025-12-10")
        cli.ok("ombudsman", "comply", a, "2", "--on", "2026-01-09")

        refs["B"] = b = _log(cli, "2025-07-07")
        cli.ok("acknowledge", b, "--on", "2025-07-14", "--handler", "Jo Officer")
        cli.ok("extend", b, "--days", "4", "--reason", "Waiting for the surveyor", "--on", "2025-07-25")
        cli.ok("extend", b, "--days", "8", "--reason", "Specialist report <b>", "--good-reason", "Asbestos found", "--on", "2025-07-31")
        cli.ok("close", b, "--outcome", "partly-upheld", "--reasons", "Partly", "--compensation", "100", "--on", "2025-08-14")

        refs["C"] = c = _log(cli, "2025-08-13")
        cli.ok("acknowledge", c, "--on", "2025-08-21", "--handler", "Ali Officer")
        cli.ok("close", c, "--outcome", "upheld", "--reasons", "Sorry", "--apology", "--on", "2025-09-05")
        cli.ok("escalate", c, "--on", "2025-09-08")

        refs["I"] = i = _log(cli, "2025-09-01")
        cli.ok("acknowledge", i, "--on", "2025-09-02", "--handler", "Jo Officer")
        cli.ok("close", i, "--outcome", "not-upheld", "--reasons", "No fault", "--on", "2025-09-15")
        cli.ok("escalate", i, "--on", "2025-10-20", "--handler", "Sam Reviewer", "--late-reason", "In hospital")
        cli.ok("close", i, "--outcome", "refused", "--exclusion", "legal-proceedings", "--reasons", "At court", "--on", "2025-10-22")

        for received, exclusion in (("2025-10-06", "service-request"), ("2025-11-03", "duplicate")):
            ref = _log(cli, received)
            cli.ok("close", ref, "--outcome", "refused", "--exclusion", exclusion, "--reasons", "Not a complaint", "--on", received)

        refs["F"] = f = _log(cli, "2025-12-01")
        cli.ok("close", f, "--outcome", "withdrawn", "--on", "2025-12-12")
        refs["G"] = g = _log(cli, "2026-01-05")
        cli.ok("close", g, "--outcome", "withdrawn", "--on", "2026-01-06")
        refs["L"] = ell = _log(cli, "2026-02-02")
        cli.ok("acknowledge", ell, "--on", "2026-02-03", "--handler", "Ali Officer")
        cli.ok("extend", ell, "--days", "15", "--reason", "Wrong case", "--good-reason", "Wrong case", "--on", "2026-02-10")
        cli.ok("void", ell, "--reason", "Extended the wrong case")
        refs["H"] = _log(cli, "2026-03-02")
    return refs


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Cli:
    folder = tmp_path_factory.mktemp("self-assessment")
    cli = Cli(str(folder / "complaints.db"), config=_policy(folder))
    _build(cli)
    return cli


@pytest.fixture(scope="module")
def report(year) -> dict:
    with freeze_time(TODAY):
        return year.ok("report", "self-assessment", "--year", "2025", "--format", "json").json()


def test_stage_1_figures(report):
    assert report["year"] == "2025/26"
    assert (report["from"], report["to"], report["as_of"]) == ("2025-04-01", "2026-03-31", "2026-06-01")
    stage1 = dict(report["stage1"])
    listed = stage1.pop("beyond_cap_listed")
    assert stage1 == {
        "received": 8,
        "acknowledgements_due": 7,
        "acknowledged_in_time": 4,
        "acknowledged_late": 1,
        "not_acknowledged": 2,
        "acknowledged_in_time_pct": 57.14,
        "responded": 5,
        "answered_in_time": 3,
        "answered_in_time_pct": 60.0,
        "open_past_response_date": 2,
        "extended": 1,
        "extended_pct": 12.5,
        "extension_average_days": 12.0,
        "extension_cap_days": 10,
        "beyond_cap": 1,
    }
    assert listed == [
        {
            "reference": "CMP-2025-00003",
            "stage": 1,
            "extension_days": 12,
            "extensions": [
                {"on": "2025-07-25", "days": 4, "reason": "Waiting for the surveyor", "good_reason": None, "late_reason": None},
                {"on": "2025-07-31", "days": 8, "reason": "Specialist report <b>", "good_reason": "Asbestos found", "late_reason": None},
            ],
        }
    ]


def test_stage_2_figures(report):
    stage2 = dict(report["stage2"])
    listed = stage2.pop("beyond_cap_listed")
    assert stage2 == {
        "received": 2,
        "acknowledgements_due": 2,
        "acknowledged_in_time": 0,
        "acknowledged_late": 1,
        "not_acknowledged": 1,
        "acknowledged_in_time_pct": 0.0,
        "responded": 1,
        "answered_in_time": 1,
        "answered_in_time_pct": 100.0,
        "open_past_response_date": 1,
        "extended": 1,
        "extended_pct": 50.0,
        "extension_average_days": 22.0,
        "extension_cap_days": 20,
        "beyond_cap": 1,
        "handlers_compared": 1,
        "different_handler": 1,
        "same_handler": 0,
        "different_handler_pct": 100.0,
        "handler_not_recorded": 1,
    }
    assert [(item["reference"], item["stage"], item["extension_days"]) for item in listed] == [("CMP-2025-00002", 2, 22)]
    assert listed[0]["extensions"][0]["good_reason"] == "Structural engineer needed"


def test_escalations_remedies_exclusions_and_the_ombudsman(report):
    assert report["escalations"] == {
        "requested": 3,
        "refused": 1,
        "refused_by_exclusion": {"legal-proceedings": 1},
        "accepted_late": 1,
    }
    assert report["remedies"] == {
        "decisions": 6,
        "upheld": 4,
        "apologies": 2,
        "compensation_cases": 2,
        "compensation_total": 250.0,
    }
    assert report["exclusions"] == {"duplicate": 1, "service-request": 1}
    assert report["exclusions_total"] == 2
    ombudsman = dict(report["ombudsman"])
    assert ombudsman["findings"]["service-failure"] == 1 and ombudsman["findings"]["no-maladministration"] == 1
    del ombudsman["findings"]
    assert ombudsman == {
        "determinations": 1,
        "adverse_findings": 1,
        "orders": 4,
        "orders_complied_by_due": 1,
        "orders_complied_late": 1,
        "orders_outstanding": 2,
        "orders_overdue": 1,
        "orders_on_time_pct": 33.33,
    }


def test_the_json_names_each_figure_s_code_section(report):
    assert report["code"] == "the Housing Ombudsman's Complaint Handling Code (2024)"
    assert report["sections"]["stage1.acknowledged_in_time"] == "6.2"
    assert report["sections"]["stage2.different_handler"] == "6.13"
    assert report["sections"]["stage2.extended"] == "6.15"
    assert report["policy_looser_than_code"] == []


def test_a_policy_looser_than_the_code_is_named(tmp_path):
    """"In time" is measured against the policy's dates; where it allows more than the Code, the
    report says so."""
    config = tmp_path / "loose.toml"
    config.write_text("[stage1]\nacknowledge_days = 7\nextension_max_days = 15\n\n[stage2]\nrespond_days = 25\n")
    cli = Cli(str(tmp_path / "loose.db"), config=str(config))
    cli.ok("init")
    _log(cli, "2025-06-02")
    report = cli.ok("report", "self-assessment", "--year", "2025", "--json").json()
    named = ["[stage1] acknowledge_days = 7 (the Code: 5)", "[stage1] extension_max_days = 15 (the Code: 10)",
             "[stage2] respond_days = 25 (the Code: 20)"]
    assert report["policy_looser_than_code"] == named
    text = cli.ok("report", "self-assessment", "--year", "2025").stdout
    assert "measured against the policy, which allows more than the Code: " + "; ".join(named) in text


def test_text_names_the_code_section_of_each_line(year):
    text = year.ok("report", "self-assessment", "--year", "2025").stdout
    assert "Section numbers" not in text and "the Code's own numbers" in text
    for section, figure in [
        ("6.2", "57.14%: 4 of 7 due; 1 late, 2 not acknowledged"),
        ("6.3", "60.00%: 3 of 5 responses; 2 still open past the response date"),
        ("6.4", "12.50%: 1 of 8 extended, on average 12 working days; 1 beyond 10 working days"),
        ("6.11", "0.00%: 0 of 2 due; 1 late, 1 not acknowledged"),
        ("6.13", "100.00%: 1 of 1; 1 without a stage 2 handler yet"),
        ("6.10, 2.2", "3 requests: 1 refused, 1 accepted outside the window"),
        ("7", "6 decisions, 4 upheld or partly upheld; 2 apologies, 2 with compensation, £250.00 in total"),
        ("2.1–2.4", "2 refused: Duplicate 1, Service request 1"),
        ("8.1", "1 determination; 1 finding of"),
        ("–", "33.33%: 1 of 3 fallen due; 1 late, 1 overdue, 1 not yet due"),
    ]:
        assert re.search(rf"^{re.escape(section)}\s+\S.*\n\s+{re.escape(figure)}", text, re.MULTILINE), (section, figure)
    assert "CMP-2025-00003: 12 working days" in text
    assert "31 July 2025, 8 days: Specialist report <b> (good reason: Asbestos found)" in text


def test_markdown_and_html_escape_what_was_typed(year, tmp_path):
    markdown = year.ok("report", "self-assessment", "--year", "2025", "--format", "markdown").stdout
    assert markdown.startswith("# Self-assessment against the Housing Ombudsman")
    assert "| 6.2 | Stage 1 complaints acknowledged by the policy's date" in markdown
    assert r"Specialist report \<b\>" in markdown and "<b>" not in markdown
    out = tmp_path / "self-assessment.html"
    year.ok("report", "self-assessment", "--year", "2025", "--format", "html", "--out", str(out))
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "@page { size: A4" in page
    assert "Specialist report &lt;b&gt;" in page and "<b>" not in page
    assert not re.search(r"https?://", page) and "<script" not in page
    assert not re.search(r"\b(src|href)\s*=", page, re.IGNORECASE)
    assert '<td class="code">6.13</td>' in page
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_html_in_a_headless_browser(year, tmp_path, chromium):
    """The page opens and prints on A4 without fetching anything."""
    import subprocess

    page = tmp_path / "self-assessment.html"
    year.ok("report", "self-assessment", "--year", "2025", "--format", "html", "--out", str(page))
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    assert dom.returncode == 0, dom.stderr[-500:]
    assert dom.stdout.count('<td class="code">') == 12 and "Specialist report &lt;b&gt;" in dom.stdout
    pdf = tmp_path / "self-assessment.pdf"
    subprocess.run([*flags, f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120, check=False)
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_a_year_with_complaints_but_nothing_to_count_shows_a_dash(year):
    """2024/25 has J received and acknowledged, and nothing else: the shares with nothing to count
    are "–" (null in JSON), and nothing crashes."""
    later = year.ok("report", "self-assessment", "--year", "2024", "--json").json()
    assert later["stage1"]["received"] == 1
    assert later["stage1"]["answered_in_time_pct"] is None
    assert later["stage1"]["extension_average_days"] is None
    assert later["stage2"]["different_handler_pct"] is None
    text = year.ok("report", "self-assessment", "--year", "2024").stdout
    assert re.search(r"^6\.3\s.*\n\s+–: 0 of 0 responses", text, re.MULTILINE)


def test_refusals(year, tmp_path):
    for args, code, words in [
        ((), 2, "Missing option '--year'"),
        (("--year", "2023"), 1, "nothing was recorded for 2023/24"),
        (("--year", "2027"), 1, "after today"),
        (("--year", "twenty"), 2, "'--year'"),
        (("--year", "2025", "--format", "pdf"), 2, "--format"),
        (("--year", "2025", "--out", str(tmp_path / "file.txt" / "report.txt")), 1, "report.txt"),
    ]:
        if "file.txt" in " ".join(args):
            (tmp_path / "file.txt").write_text("a file, not a folder")
        outcome = year("report", "self-assessment", *args)
        lines = outcome.stderr.strip().splitlines()
        assert outcome.exit_code == code, (args, outcome)
        assert len(lines) == 1 and lines[0].startswith("Error:") and words in lines[0], (args, lines)
        assert outcome.stdout == "" and "Traceback" not in outcome.stderr
    existing = tmp_path / "kept.txt"
    existing.write_text("keep me")
    outcome = year("report", "self-assessment", "--year", "2025", "--out", str(existing))
    assert outcome.exit_code == 1 and "--force" in outcome.stderr and len(outcome.stderr.strip().splitlines()) == 1
    assert existing.read_text() == "keep me"
    year.ok("report", "self-assessment", "--year", "2025", "--out", str(existing), "--force")
    assert existing.read_text().startswith("Self-assessment against")


def test_stage_2_handlers_are_compared_as_officers():
    """Once the roster knows an officer, their login and their full name are one person; text
    the roster does not know is compared as typed, case and spacing aside."""
    from datetime import UTC, datetime

    priya = Officer(1, "Priya Shah", "priya.shah", None, ("handler",), datetime(2026, 1, 1, tzinfo=UTC), "admin")
    roster = Roster([priya])
    assert not different_officer(roster, "priya.shah", "Priya Shah")
    assert not different_officer(Roster(), "Jo  Officer", "jo officer")
    assert different_officer(roster, "priya.shah", "Sam Reviewer")
    assert different_officer(Roster(), "priya.shah", "Priya Shah")


def _sql(location: str, *statements: str) -> list[tuple]:
    """Run statements on the database behind complaintctl's back; the last one's rows."""
    from sqlalchemy import create_engine, text

    engine = create_engine(location if "://" in location else f"sqlite:///{location}")
    try:
        with engine.begin() as conn:
            for statement in statements:
                result = conn.execute(text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


@pytest.mark.both_databases
def test_late_escalations_are_filled_in_by_the_migration(db_location, tmp_path):
    """A database from before migration 008: the column is added and filled in from the events,
    a voided late escalation not counting, and `verify` agrees with the result."""
    cli = Cli(db_location, config=_policy(tmp_path))
    _build(cli)
    # A second late escalation that is voided, then asked again in time: not late.
    with freeze_time(TODAY):
        late = _log(cli, "2025-09-01")
        cli.ok("acknowledge", late, "--on", "2025-09-02", "--handler", "Jo Officer")
        cli.ok("close", late, "--outcome", "not-upheld", "--reasons", "No fault", "--on", "2025-09-15")
        cli.ok("escalate", late, "--on", "2025-10-20", "--handler", "Sam Reviewer", "--late-reason", "Posted late")
        cli.ok("void", late, "--reason", "Escalated the wrong case")
        cli.ok("escalate", late, "--on", "2025-10-10", "--handler", "Sam Reviewer")
    stage2 = "SELECT case_id, CASE WHEN escalated_late THEN 1 ELSE 0 END FROM stages WHERE number = 2 ORDER BY case_id"
    wanted = _sql(db_location, stage2)
    assert sorted(flag for _, flag in wanted) == [0, 0, 0, 1]  # A, C and the one voided; I
    _sql(
        db_location,
        "DROP INDEX ix_stages_self_assessment",
        "ALTER TABLE stages DROP COLUMN escalated_late",
        "DELETE FROM schema_migrations WHERE name = '008_self_assessment'",
    )
    with freeze_time(TODAY):
        cli.ok("verify")
    assert _sql(db_location, stage2) == wanted


def test_postgresql_gives_the_same_report(report, pg_server, tmp_path):
    pg_server.admin('CREATE DATABASE "self_assessment"')
    try:
        on_postgres = Cli(pg_server.url("self_assessment"), config=_policy(tmp_path))
        _build(on_postgres)
        with freeze_time(TODAY):
            assert on_postgres.ok("report", "self-assessment", "--year", "2025", "--json").json() == report
            markdown = on_postgres.ok("report", "self-assessment", "--year", "2025", "--format", "markdown").stdout
        assert "| 6.13 |" in markdown
    finally:
        pg_server.admin('DROP DATABASE IF EXISTS "self_assessment" WITH (FORCE)')


def test_a_current_sqlite_file_is_read_without_the_orm(year):
    """Like `report annual`: an up-to-date SQLite file is read through sqlite3 alone."""
    from test_report_read_path import HEAVY, modules_loaded

    loaded = modules_loaded(year.db, "--config", year.config, "report", "self-assessment", "--year", "2025", "--json")
    assert "complaintctl.reports.self_assessment" in loaded, "the report ran"
    assert not (HEAVY | {"jinja2", "holidays"}) & loaded


def test_json_is_the_report_and_nothing_else(year):
    outcome = year.ok("report", "self-assessment", "--year", "2025/26", "--json")
    assert json.loads(outcome.stdout)["year"] == "2025/26"
