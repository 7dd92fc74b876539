"""The annual report on a small year of complaints built through the command line, with every
figure worked out by hand below (Housing Ombudsman Code timescales, England and Wales bank
holidays, 2,000 homes).

2025/26 (1 April 2025 to 31 March 2026):
  A  received Mon 2 Jun 2025, acknowledged 3 Jun, respond by 17 Jun; upheld 16 Jun: in time.
     Repairs / Damp; apology, £150 compensation; learning on closing. Survey: yes to all five.
  B  received 2 Jun 2025, acknowledged 3 Jun, respond by 17 Jun; not upheld 20 Jun: late.
     Repairs / Communication; learning recorded 25 Jun. Survey: easy yes, the rest no.
  C  received Mon 7 Jul 2025, acknowledged 8 Jul, respond by 22 Jul, extended 5 days to 29 Jul;
     partly upheld 28 Jul: in time. Lettings / Noise; £50.25 compensation.
     Stage 2: asked 4 Aug, acknowledged 5 Aug, respond by 3 Sep (25 Aug is a bank holiday);
     not upheld 2 Sep: in time. Survey after stage 2: time yes; satisfied, easy, addressed no;
     kept informed not answered.
  D, F  refused as service requests (received 1 and 6 Oct 2025); E refused as a duplicate.
  G  received 3 Nov 2025, acknowledged, withdrawn 10 Nov: received, never responded to.
     Repairs / Damp.
  H  a compliment (5 Jan 2026) and a comment (6 Jan 2026): counted apart.
  I  received 2 Mar 2026, respond by 17 Mar; upheld 2 Apr 2026: responded in 2026/27, not here.
     Lettings / ASB.
  J  received 10 Mar 2025 (2024/25), respond by 25 Mar 2025; upheld 8 Apr 2025: a late stage 1
     response in 2025/26. Repairs / Damp. Stage 2: asked 14 Apr 2025, acknowledged 15 Apr,
     respond by 16 May (Good Friday, Easter Monday and 5 May are bank holidays); upheld
     23 May with an apology: late. Ombudsman: referred 1 Jun 2025, determined 1 Dec 2025 with
     three findings and three orders (apology complied early, compensation £300 complied
     late, training outstanding and past its date by 1 June 2026).
  K  received 3 Feb 2025, respond by 18 Feb 2025; not upheld 17 Feb 2025: in time (2024/25).

So for 2025/26: stage 1 received A B C G I = 5 (CH01 5/2000*1000 = 2.5), responded A B C J = 4,
in time A C = 2 (CH02 50%); stage 2 received C J = 2 (CH01 1.0), responded 2, in time C = 1
(50%). 2024/25: stage 1 received J K = 2 (1.0), responded K = 1, in time 1 (100%).
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import Cli
from freezegun import freeze_time

TODAY = "2026-06-01 10:00:00"


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(TODAY):
        yield


def _log(cli: Cli, received: str, service: str | None = None, category: str | None = None, kind: str = "complaint") -> str:
    args = ["log", "--name", "A Tenant", "--received", received, "--housing", "--type", kind]
    if kind == "complaint":
        args += ["--summary", "Something went wrong"]
    if service:
        args += ["--service", service]
    if category:
        args += ["--category", category]
    return cli.ok(*args).stdout.strip()


def _decide(cli: Cli, ref: str, acknowledged: str, outcome: str, closed: str, *extra: str) -> None:
    cli.ok("acknowledge", ref, "--on", acknowledged, "--handler", "First Officer")
    cli.ok("close", ref, "--outcome", outcome, "--reasons", "Looked into it", "--on", closed, *extra)


def _refuse(cli: Cli, received: str, exclusion: str) -> None:
    ref = _log(cli, received, "Repairs", "Repair request")
    cli.ok("close", ref, "--outcome", "refused", "--exclusion", exclusion, "--reasons", "Not a complaint", "--on", received)


def _build(cli: Cli) -> Cli:
    """The dataset of the module docstring, through the command line."""
    with pytest.MonkeyPatch.context() as patch, freeze_time(TODAY):
        patch.setenv("COMPLAINTCTL_OFFICER", "officer.one")
        patch.setenv("NO_COLOR", "1")
        cli.ok("init")
        # 2024/25
        k = _log(cli, "2025-02-03", "Repairs", "Damp")
        _decide(cli, k, "2025-02-04", "not-upheld", "2025-02-17")
        j = _log(cli, "2025-03-10", "Repairs", "Damp")
        # 2025/26
        _decide(cli, j, "2025-03-11", "upheld", "2025-04-08")
        cli.ok("escalate", j, "--on", "2025-04-14", "--handler", "Second Officer")
        cli.ok("acknowledge", j, "--on", "2025-04-15")
        cli.ok("close", j, "--outcome", "upheld", "--reasons", "Still not fixed", "--apology", "--on", "2025-05-23")
        cli.ok("ombudsman", "refer", j, "--on", "2025-06-01")
        cli.ok(
            "ombudsman", "determine", j, "--on", "2025-12-01",
            "--finding", "Repairs=maladministration",
            "--finding", "Complaint handling=service failure",
            "--finding", "Staff=no maladministration",
        )
        cli.ok("ombudsman", "order", j, "--kind", "apology", "--due", "2025-12-15")
        cli.ok("ombudsman", "order", j, "--kind", "compensation", "--amount", "300", "--due", "2026-01-05")
        cli.ok("ombudsman", "order", j, "--kind", "training", "--due", "2026-03-01")
        cli.ok("ombudsman", "comply", j, "1", "--on", "2025-12-10")
        cli.ok("ombudsman", "comply", j, "2", "--on", "2026-01-10")

        a = _log(cli, "2025-06-02", "Repairs", "Damp")
        _decide(cli, a, "2025-06-03", "upheld", "2025-06-16", "--apology", "--compensation", "150", "--learning", "Inspect damp within 5 days")
        cli.ok("survey", a, "--on", "2025-06-30", "--satisfied", "yes", "--easy", "yes", "--time", "yes", "--informed", "yes", "--addressed", "yes")
        b = _log(cli, "2025-06-02", "Repairs", "Communication")
        _decide(cli, b, "2025-06-03", "not-upheld", "2025-06-20")
        cli.ok("learning", b, "Call back within 2 working days", "--on", "2025-06-25")
        cli.ok("survey", b, "--on", "2025-07-01", "--satisfied", "no", "--easy", "yes", "--time", "no", "--informed", "no", "--addressed", "no")
        c = _log(cli, "2025-07-07", "Lettings", "Noise")
        cli.ok("acknowledge", c, "--on", "2025-07-08", "--handler", "First Officer")
        cli.ok("extend", c, "--days", "5", "--reason", "Waiting for noise monitoring", "--on", "2025-07-15")
        cli.ok("close", c, "--outcome", "partly-upheld", "--reasons", "Partly", "--compensation", "50.25", "--on", "2025-07-28")
        cli.ok("escalate", c, "--on", "2025-08-04", "--handler", "Second Officer")
        cli.ok("acknowledge", c, "--on", "2025-08-05")
        cli.ok("close", c, "--outcome", "not-upheld", "--reasons", "Reviewed", "--on", "2025-09-02")
        cli.ok("survey", c, "--on", "2025-09-15", "--satisfied", "no", "--easy", "no", "--time", "yes", "--addressed", "no")
        _refuse(cli, "2025-10-01", "service-request")
        _refuse(cli, "2025-10-01", "duplicate")
        _refuse(cli, "2025-10-06", "service-request")
        g = _log(cli, "2025-11-03", "Repairs", "Damp")
        cli.ok("acknowledge", g, "--on", "2025-11-04")
        cli.ok("close", g, "--outcome", "withdrawn", "--on", "2025-11-10")
        _log(cli, "2026-01-05", kind="compliment")
        _log(cli, "2026-01-06", kind="comment")
        i = _log(cli, "2026-03-02", "Lettings", "ASB")
        # 2026/27
        _decide(cli, i, "2026-03-03", "upheld", "2026-04-02")
    return cli


def _policy(folder: Path) -> str:
    config = folder / "policy.toml"
    config.write_text('[organisation]\nname = "Exampleton Homes"\nhomes = 2000\n')
    return str(config)


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Cli:
    folder = tmp_path_factory.mktemp("annual")
    return _build(Cli(str(folder / "complaints.db"), config=_policy(folder)))


@pytest.fixture(scope="module")
def report(year) -> dict:
    with freeze_time(TODAY):
        return year.ok("report", "annual", "--year", "2025", "--format", "json").json()


def test_volumes_and_timeliness_per_stage(report):
    assert report["year"] == "2025/26"
    assert (report["from"], report["to"]) == ("2025-04-01", "2026-03-31")
    assert report["stage1"] == {
        "received": 5,
        "withdrawn": 1,
        "responded": 4,
        "responded_in_time": 2,
        "in_time_pct": 50.0,
        "per_1000_homes": 2.5,
    }
    assert report["stage2"] == {
        "received": 2,
        "withdrawn": 0,
        "responded": 2,
        "responded_in_time": 1,
        "in_time_pct": 50.0,
        "per_1000_homes": 1.0,
    }


def test_previous_year_beside_it(report):
    previous = report["previous"]
    assert previous["year"] == "2024/25"
    assert previous["stage1"]["received"] == 2
    assert previous["stage1"]["responded"] == 1
    assert previous["stage1"]["in_time_pct"] == 100.0
    assert previous["stage1"]["per_1000_homes"] == 1.0
    assert previous["stage2"]["received"] == 0


def test_not_accepted_outcomes_services_and_remedies(report):
    assert report["not_accepted"] == {"service-request": 2, "duplicate": 1}
    assert report["not_accepted_total"] == 3
    assert (report["compliments"], report["comments"]) == (1, 1)
    assert report["outcomes"] == {"upheld": 3, "partly-upheld": 1, "not-upheld": 2, "withdrawn": 1, "refused": 3}
    assert report["outcomes_by_stage"]["2"] == {"upheld": 1, "partly-upheld": 0, "not-upheld": 1, "withdrawn": 0, "refused": 0}
    assert report["by_service"] == {"Repairs": 3, "Lettings": 2}
    assert report["by_service_stage2"] == {"Lettings": 1, "Repairs": 1}
    assert report["by_category"] == {"Damp": 2, "ASB": 1, "Communication": 1, "Noise": 1}
    assert report["compensation_total"] == 200.25
    assert report["remedies"] == {"apologies": 2, "compensation_cases": 2, "compensation_total": 200.25}


def test_learning_ombudsman_and_survey(report):
    assert report["learning"]["recorded"] == 2
    assert [item["text"] for item in report["learning"]["items"]] == [
        "Inspect damp within 5 days",
        "Call back within 2 working days",
    ]
    ombudsman = report["ombudsman"]
    assert (ombudsman["referrals"], ombudsman["determinations"], ombudsman["findings_total"]) == (1, 1, 3)
    assert ombudsman["findings"]["maladministration"] == 1
    assert ombudsman["findings"]["service-failure"] == 1
    assert ombudsman["findings"]["no-maladministration"] == 1
    assert ombudsman["findings"]["severe-maladministration"] == 0
    assert ombudsman["orders"] == {"apology": 1, "compensation": 1, "repairs": 0, "training": 1, "policy-review": 0, "other": 0}
    assert ombudsman["orders_complied"] == 2
    assert ombudsman["orders_complied_by_due"] == 1
    assert ombudsman["orders_outstanding"] == 1
    assert ombudsman["orders_overdue"] == 1
    assert ombudsman["longest_days_to_comply"] == 40
    assert ombudsman["compensation_ordered"] == 300.0
    survey = report["survey"]
    assert survey["responses"] == 3
    percentages = {key: value["pct"] for key, value in survey["questions"].items()}
    assert percentages == {
        "satisfied_with_handling": 33.33,
        "easy_to_complain": 66.67,
        "satisfied_with_time": 66.67,
        "kept_informed": 50.0,
        "fully_addressed": 33.33,
    }


def test_charts_data(report):
    months = {row["month"]: (row["stage1"], row["stage2"]) for row in report["monthly"]}
    assert len(months) == 12 and list(months)[0] == "2025-04" and list(months)[-1] == "2026-03"
    assert months["2025-06"] == (2, 0)
    assert months["2025-04"] == (0, 1)
    assert months["2025-08"] == (0, 1)
    assert sum(stage1 for stage1, _ in months.values()) == 5
    quarters = {row["quarter"]: row for row in report["quarterly"]}
    assert (quarters["Q1"]["stage1_responded"], quarters["Q1"]["stage1_pct"]) == (3, 33.33)
    assert (quarters["Q2"]["stage1_pct"], quarters["Q2"]["stage2_pct"]) == (100.0, 100.0)
    assert quarters["Q1"]["stage2_pct"] == 0.0
    assert quarters["Q4"]["stage1_pct"] is None


def test_the_next_year_counts_its_own(year):
    later = year.ok("report", "annual", "--year", "2026/27", "--json").json()
    assert later["year"] == "2026/27"
    assert later["complete"] is False
    assert later["stage1"]["received"] == 0
    assert (later["stage1"]["responded"], later["stage1"]["responded_in_time"]) == (1, 0)
    assert later["previous"]["stage1"]["received"] == 5


def test_text_and_markdown(year):
    text = year.ok("report", "annual", "--year", "2025").stdout
    assert "2025/26" in text and "2024/25" in text
    assert re.search(r"CH02 stage 1: share within the timescale\s+50\.00%\s+100\.00%", text)
    assert re.search(r"CH01 stage 1: complaints per 1,000 homes\s+2\.50\s+1\.00", text)
    assert "Service request" in text and "£200.25" in text
    assert "33.33% were satisfied with the way in which their complaint was dealt with" in text
    markdown = year.ok("report", "annual", "--year", "2025", "--format", "markdown").stdout
    assert markdown.startswith("# Annual complaints performance and service improvement report 2025/26")
    assert "| Stage 1 complaints received | 5 | 2 |" in markdown
    assert "| CH02 stage 2: share within the timescale | 50.00% | n/a |" in markdown
    assert "| Repairs | 3 | 1 |" in markdown


def test_html_is_self_contained_with_charts(year, tmp_path):
    out = tmp_path / "annual.html"
    year.ok("report", "annual", "--year", "2025", "--format", "html", "--out", str(out))
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 3
    assert "@page { size: A4" in page
    assert not re.search(r"https?://", page)
    assert not re.search(r"\b(src|href)\s*=", page, re.IGNORECASE)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert "50.00%" in page and "Exampleton Homes" in page


def test_html_escapes_what_officers_typed(year, tmp_path):
    copy = tmp_path / "copy.db"
    # A consistent copy: the file alone may lack what is still in its write-ahead log.
    source, target = sqlite3.connect(year.db), sqlite3.connect(copy)
    source.backup(target)
    source.close(), target.close()
    other = Cli(str(copy), config=year.config)
    _log(other, "2025-12-01", "<script>alert(1)</script>", "Fence & gate")
    page = other.ok("report", "annual", "--year", "2025", "--format", "html").stdout
    assert "<script>" not in page
    assert "&lt;script&gt;" in page and "Fence &amp; gate" in page


def test_refusals(year):
    for args, words, code in [
        (("--year", "2027"), "after today", 1),
        (("--year", "1066"), "too early", 1),
        ((), "--year", 2),  # a usage error: the year is required
    ]:
        outcome = year("report", "annual", *args)
        assert outcome.exit_code == code, outcome
        lines = outcome.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error:") and words in lines[0]
    assert year("report", "annual", "--year", "twenty").exit_code == 2
    assert year("report", "annual", "--year", "2025/27").exit_code == 2
    assert year("report", "annual", "--year", "2025", "--format", "pdf").exit_code == 2


def test_html_in_a_headless_browser(year, tmp_path, chromium):
    page = tmp_path / "annual.html"
    year.ok("report", "annual", "--year", "2025", "--format", "html", "--out", str(page))
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-500:]
    assert dom.stdout.count("<svg") == 3 and "<rect" in dom.stdout
    shot = tmp_path / "annual.png"
    subprocess.run([*flags, "--window-size=800,2000", f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
    pdf = tmp_path / "annual.pdf"
    subprocess.run([*flags, f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120)
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_postgresql_gives_the_same_report(year, report, pg_server, tmp_path):
    """The same commands on PostgreSQL: every figure of the report is the same."""
    pg_server.admin('CREATE DATABASE "annual_report"')
    try:
        on_postgres = _build(Cli(pg_server.url("annual_report"), config=_policy(tmp_path)))
        assert on_postgres.ok("report", "annual", "--year", "2025", "--json").json() == report
        assert on_postgres.ok("report", "annual", "--year", "2025", "--format", "html").stdout.count("<svg") == 3
    finally:
        pg_server.admin('DROP DATABASE IF EXISTS "annual_report" WITH (FORCE)')
