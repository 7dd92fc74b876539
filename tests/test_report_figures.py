"""Report figures checked against a dataset worked out by hand, day by day, on the calendar.

The dataset is built through the command line only, with a policy that keeps the Housing
Ombudsman Code timescales (stage 1: acknowledge 5, respond 10 working days from the
acknowledgement, extensions up to 10; stage 2: 5 and 20, extensions up to 20), England and
Wales bank holidays, and `homes = 1234`. Bank holidays that fall inside the working below:
Good Friday 18 Apr 2025, Easter Monday 21 Apr 2025, 5 May 2025, 25 Aug 2025; Good Friday
3 Apr 2026, Easter Monday 6 Apr 2026, 4 May 2026, 25 May 2026, 31 Aug 2026.

The annual report is for 2025/26 (1 April 2025 to 31 March 2026), with 2024/25 beside it.

2024/25
  P1  received Mon 1 Jul 2024 (Housing Repairs / Damp), acknowledged Tue 2 Jul, respond by
      Tue 16 Jul; upheld Mon 15 Jul (in time), £100 compensation (not in 2025/26's total).
  P7  received Mon 2 Sep 2024 (Council Tax / Billing), acknowledged Tue 3 Sep, respond by
      Tue 17 Sep; not upheld Fri 20 Sep: late.
  P8  received Mon 7 Oct 2024, refused 8 Oct as a service request (2024/25's refusal).
      A compliment on 10 Oct 2024 and a comment on 12 Feb 2025.
  P2  received Mon 3 Mar 2025 (Lettings / ASB), acknowledged Wed 5 Mar, respond by Wed 19 Mar;
      not upheld Thu 3 Apr 2025: a late stage 1 response in 2025/26.
      Stage 2 asked Mon 14 Apr 2025, acknowledged Tue 15 Apr, respond by 20 working days:
      16, 17, (18 and 21 bank holidays) 22, 23, 24, 25, 28, 29, 30 Apr, 1, 2, (5 bank holiday)
      6 ... 9, 12 ... 16 May = Fri 16 May; partly upheld on Fri 16 May itself: in time.
      Apology and £250 compensation.
  P4  received Fri 28 Mar 2025, refused Thu 3 Apr 2025 as previously considered: not accepted
      in 2024/25 (counted by receipt), but its outcome "refused" falls in 2025/26.
  P3  received Mon 31 Mar 2025, the last day of 2024/25 (Housing Repairs / Heating),
      acknowledged Tue 1 Apr, respond by 2, 3, 4, 7 ... 11, 14, 15 = Tue 15 Apr; upheld that
      day: in time, in 2025/26. £40.50 compensation.

2025/26
  Y1  received Tue 1 Apr 2025, the first day (Housing Repairs / Damp), acknowledged Thu 3 Apr,
      respond by 4, 7 ... 11, 14 ... 17 = Thu 17 Apr; extended 5 days on 16 Apr: 22, 23, 24,
      25, 28 = Mon 28 Apr; upheld Fri 25 Apr: in time thanks to the extension. Apology, £75.25,
      an action due 30 May 2025 done on 28 May.
  Y2  received Mon 2 Jun 2025 (Housing Repairs / Damp), acknowledged Tue 3 Jun, respond by
      Tue 17 Jun; not upheld Wed 18 Jun: late. Stage 2 asked Mon 30 Jun, acknowledged Tue 1 Jul,
      respond by 2 Jul ... = Tue 29 Jul; upheld Wed 30 Jul: late. Apology, £300, an action due
      15 Aug 2025 done 14 Aug.
  Y3  received Mon 7 Jul 2025 (Lettings / Allocations), acknowledged the same day, respond by
      Mon 21 Jul; extended to Mon 28 Jul (5 working days) on 18 Jul; partly upheld Tue 29 Jul:
      late even with the extension.
  Y4  received Wed 13 Aug 2025 (Lettings / ASB), acknowledged Thu 14 Aug, respond by 15, 18 ...
      22, (25 bank holiday) 26 ... 29 = Fri 29 Aug; upheld that day: in time, with an apology.
      Stage 2 asked Mon 8 Sep, acknowledged Tue 9 Sep, respond by Tue 7 Oct; extended 10 days
      on 6 Oct to Tue 21 Oct; not upheld Mon 20 Oct: in time thanks to the extension.
  Y5, Y6  refused as service requests (received 6 and 8 Oct 2025); Y7 refused as a duplicate
      (10 Nov); Y8 refused as over 12 months (1 Dec); Y9 refused, "other" (5 Jan 2026).
  Y10 received Mon 3 Nov 2025 (Housing Repairs / Damp), acknowledged, withdrawn Mon 17 Nov.
  Y11 received Thu 15 Jan 2026, no service or category, acknowledged Fri 16 Jan, respond by
      Fri 30 Jan; not upheld Wed 28 Jan: in time. Stage 2 asked Mon 16 Feb, acknowledged
      Wed 18 Feb, withdrawn Fri 6 Mar 2026.
  Y12 received Mon 16 Mar 2026 (Housing Repairs / Damp), acknowledged Tue 17 Mar, respond by
      18, 19, 20, 23 ... 27, 30, 31 = Tue 31 Mar; upheld on 31 Mar, the last day of the year:
      in time, £120.50. Stage 2 asked Thu 2 Apr 2026 (2026/27), see the overdue list.
  Y13 received Mon 23 Mar 2026 (Lettings / ASB), acknowledged Tue 24 Mar; upheld Wed 1 Apr
      2026: received in 2025/26, responded in 2026/27.
      Compliments on 20 May 2025 and 31 Mar 2026, a comment on 9 Sep 2025; a compliment on
      1 Apr 2026 belongs to the next year.

So for 2025/26:
  stage 1 received  Y1 Y2 Y3 Y4 Y10 Y11 Y12 Y13 = 8 (withdrawn: Y10); CH01 8000/1234 = 6.48
  stage 1 responded P2 P3 Y1 Y2 Y3 Y4 Y11 Y12 = 8; in time P3 Y1 Y4 Y11 Y12 = 5; CH02 62.5%
  stage 2 received  P2 Y2 Y4 Y11 = 4 (withdrawn: Y11); CH01 4000/1234 = 3.24
  stage 2 responded P2 Y2 Y4 = 3; in time P2 Y4 = 2; CH02 200/3 = 66.67%
  2024/25: stage 1 received P1 P7 P2 P3 = 4 (3.24), responded P1 P7 = 2, in time P1 = 1 (50%);
           stage 2 nothing.

The overdue list is measured on Thu 26 Nov 2026 ("today" here), on Y12's stage 2 and the
2026/27 cases N1-N7: each expected item below says how its due date and lateness were counted.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess

import pytest
from conftest import Cli
from freezegun import freeze_time

TODAY = "2026-11-26 10:00:00"  # a Thursday
STAGE1 = "Alex Green"
STAGE2 = "Sam Review"

# label: (received, type, service, category, extra log options)
CASES: dict[str, tuple[str, str, str | None, str | None, tuple[str, ...]]] = {
    "P1": ("2024-07-01", "complaint", "Housing Repairs", "Damp", ()),
    "P7": ("2024-09-02", "complaint", "Council Tax", "Billing", ()),
    "P8": ("2024-10-07", "complaint", "Housing Repairs", "Repair request", ()),
    "P5": ("2024-10-10", "compliment", "Parks", None, ()),
    "P6": ("2025-02-12", "comment", "Parks", None, ()),
    "P2": ("2025-03-03", "complaint", "Lettings", "ASB", ()),
    "P4": ("2025-03-28", "complaint", "Housing Repairs", "Damp", ()),
    "P3": ("2025-03-31", "complaint", "Housing Repairs", "Heating", ()),
    "Y1": ("2025-04-01", "complaint", "Housing Repairs", "Damp", ()),
    "C1": ("2025-05-20", "compliment", "Housing Repairs", None, ()),
    "Y2": ("2025-06-02", "complaint", "Housing Repairs", "Damp", ()),
    "Y3": ("2025-07-07", "complaint", "Lettings", "Allocations", ()),
    "Y4": ("2025-08-13", "complaint", "Lettings", "ASB", ()),
    "C2": ("2025-09-09", "comment", "Waste Services", None, ()),
    "Y5": ("2025-10-06", "complaint", "Housing Repairs", "Repair request", ()),
    "Y6": ("2025-10-08", "complaint", "Housing Repairs", "Repair request", ()),
    "Y10": ("2025-11-03", "complaint", "Housing Repairs", "Damp", ()),
    "Y7": ("2025-11-10", "complaint", "Waste Services", "Missed bin", ()),
    "Y8": ("2025-12-01", "complaint", "Lettings", "Allocations", ("--issue-date", "2024-06-01")),
    "Y9": ("2026-01-05", "complaint", "Council Tax", "Billing", ()),
    "Y11": ("2026-01-15", "complaint", None, None, ()),
    "Y12": ("2026-03-16", "complaint", "Housing Repairs", "Damp", ()),
    "Y13": ("2026-03-23", "complaint", "Lettings", "ASB", ()),
    "C3": ("2026-03-31", "compliment", "Lettings", None, ()),
    "C4": ("2026-04-01", "compliment", "Lettings", None, ()),
    "N7": ("2026-10-05", "complaint", "Housing Repairs", "Gutters", ()),
    "N4": ("2026-10-26", "complaint", "Lettings", "ASB", ()),
    "N3": ("2026-11-02", "complaint", "Housing Repairs", "Damp", ()),
    "N1": ("2026-11-16", "complaint", "Housing Repairs", "Heating", ()),
    "N5": ("2026-11-17", "complaint", "Council Tax", "Billing", ()),
    "N2": ("2026-11-19", "complaint", "Lettings", "Noise", ()),
    "N6": ("2026-11-26", "complaint", "Waste Services", "Missed bin", ()),
}


def _ack(label: str, on: str, handler: str = STAGE1) -> tuple[str, ...]:
    return ("acknowledge", label, "--on", on, "--handler", handler)


def _close(label: str, outcome: str, on: str, *extra: str) -> tuple[str, ...]:
    reasons = () if outcome == "withdrawn" else ("--reasons", "Looked into it")
    return ("close", label, "--outcome", outcome, "--on", on, *reasons, *extra)


def _refuse(label: str, exclusion: str, on: str) -> tuple[str, ...]:
    return ("close", label, "--outcome", "refused", "--exclusion", exclusion, "--reasons", "Not a complaint", "--on", on)


def _escalate(label: str, on: str) -> tuple[str, ...]:
    return ("escalate", label, "--on", on, "--handler", STAGE2)


# Every step after logging, in the order recorded; a case label stands for its reference.
STEPS: list[tuple[str, ...]] = [
    # 2024/25
    _ack("P1", "2024-07-02"),
    _close("P1", "upheld", "2024-07-15", "--compensation", "100"),
    _ack("P7", "2024-09-03"),
    _close("P7", "not-upheld", "2024-09-20"),
    _refuse("P8", "service-request", "2024-10-08"),
    _ack("P2", "2025-03-05"),
    _close("P2", "not-upheld", "2025-04-03"),
    _escalate("P2", "2025-04-14"),
    _ack("P2", "2025-04-15", STAGE2),
    _close("P2", "partly-upheld", "2025-05-16", "--apology", "--compensation", "250"),
    _refuse("P4", "previously-considered", "2025-04-03"),
    _ack("P3", "2025-04-01"),
    _close("P3", "upheld", "2025-04-15", "--compensation", "40.50"),
    # 2025/26
    _ack("Y1", "2025-04-03"),
    ("extend", "Y1", "--days", "5", "--reason", "Waiting for a damp survey", "--on", "2025-04-16"),
    _close("Y1", "upheld", "2025-04-25", "--apology", "--compensation", "75.25",
           "--action", "Replace extractor fan", "--action-due", "2025-05-30"),
    ("action", "done", "Y1", "1", "--on", "2025-05-28"),
    _ack("Y2", "2025-06-03"),
    _close("Y2", "not-upheld", "2025-06-18"),
    _escalate("Y2", "2025-06-30"),
    _ack("Y2", "2025-07-01", STAGE2),
    _close("Y2", "upheld", "2025-07-30", "--apology", "--compensation", "300",
           "--action", "Pay compensation", "--action-due", "2025-08-15"),
    ("action", "done", "Y2", "1", "--on", "2025-08-14"),
    _ack("Y3", "2025-07-07"),
    ("extend", "Y3", "--to", "2025-07-28", "--reason", "Waiting for the housing register", "--on", "2025-07-18"),
    _close("Y3", "partly-upheld", "2025-07-29"),
    _ack("Y4", "2025-08-14"),
    _close("Y4", "upheld", "2025-08-29", "--apology"),
    _escalate("Y4", "2025-09-08"),
    _ack("Y4", "2025-09-09", STAGE2),
    ("extend", "Y4", "--days", "10", "--reason", "Waiting for the police report", "--on", "2025-10-06"),
    _close("Y4", "not-upheld", "2025-10-20"),
    _refuse("Y5", "service-request", "2025-10-07"),
    _refuse("Y6", "service-request", "2025-10-09"),
    _refuse("Y7", "duplicate", "2025-11-12"),
    _refuse("Y8", "over-12-months", "2025-12-02"),
    _refuse("Y9", "other", "2026-01-06"),
    _ack("Y10", "2025-11-04"),
    _close("Y10", "withdrawn", "2025-11-17"),
    _ack("Y11", "2026-01-16"),
    _close("Y11", "not-upheld", "2026-01-28"),
    _escalate("Y11", "2026-02-16"),
    _ack("Y11", "2026-02-18", STAGE2),
    _close("Y11", "withdrawn", "2026-03-06"),
    _ack("Y12", "2026-03-17"),
    _close("Y12", "upheld", "2026-03-31", "--compensation", "120.50"),
    _ack("Y13", "2026-03-24"),
    _close("Y13", "upheld", "2026-04-01"),
    # 2026/27: the overdue list
    _escalate("Y12", "2026-04-02"),
    _ack("Y12", "2026-04-07", STAGE2),
    ("extend", "Y12", "--days", "20", "--reason", "Waiting for a roofer", "--on", "2026-05-05"),
    ("action", "add", "Y12", "--what", "Inspect the roof", "--due", "2026-11-13", "--on", "2026-10-01"),
    _ack("N7", "2026-10-06"),
    _close("N7", "upheld", "2026-10-19", "--action", "Repair the gutter", "--action-due", "2026-11-20",
           "--action", "Pay for the damaged carpet", "--action-due", "2026-12-01"),
    _ack("N4", "2026-10-27"),
    ("extend", "N4", "--days", "10", "--reason", "Waiting for witness statements", "--on", "2026-11-09"),
    ("action", "add", "N4", "--what", "Visit the neighbour", "--due", "2026-11-23", "--on", "2026-11-10"),
    _ack("N3", "2026-11-03"),
    _ack("N5", "2026-11-18"),
]


def log_arguments(label: str) -> list[str]:
    received, kind, service, category, extra = CASES[label]
    args = ["log", "--type", kind, "--name", f"Tenant {label}", "--received", received, "--housing", *extra]
    if kind == "complaint":
        args += ["--summary", f"Complaint {label}"]
    if service:
        args += ["--service", service]
    if category:
        args += ["--category", category]
    return args


def step_arguments(step: tuple[str, ...], references: dict[str, str]) -> list[str]:
    return [references.get(word, word) for word in step]


def build(cli: Cli) -> dict[str, str]:
    """Log every case, then record every step; returns label → reference."""
    references = {label: cli.ok(*log_arguments(label)).stdout.strip() for label in CASES}
    for step in STEPS:
        cli.ok(*step_arguments(step, references))
    return references


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> tuple[Cli, dict[str, str]]:
    folder = tmp_path_factory.mktemp("figures")
    config = folder / "policy.toml"
    config.write_text('[organisation]\nname = "Exampleton Homes"\nhomes = 1234\n')
    cli = Cli(str(folder / "complaints.db"), str(config))
    with pytest.MonkeyPatch.context() as patch, freeze_time(TODAY):
        patch.setenv("COMPLAINTCTL_OFFICER", "officer.one")
        patch.setenv("NO_COLOR", "1")
        cli.ok("init")
        references = build(cli)
    return cli, references


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(TODAY):
        yield


@pytest.fixture(scope="module")
def report(dataset) -> dict:
    cli, _ = dataset
    with freeze_time(TODAY):
        return cli.ok("report", "annual", "--year", "2025", "--json").json()


def test_stage_figures_for_the_year(report):
    assert report["year"] == "2025/26" and report["homes"] == 1234 and report["complete"] is True
    assert report["stage1"] == {
        "received": 8,  # Y1 Y2 Y3 Y4 Y10 Y11 Y12 Y13: not P3 (31 Mar 2025), not the refused Y5-Y9
        "withdrawn": 1,  # Y10
        "responded": 8,  # P2 P3 Y1 Y2 Y3 Y4 Y11 Y12: not Y10 (withdrawn), not Y13 (1 Apr 2026)
        "responded_in_time": 5,  # P3 (on the day), Y1 (extension), Y4 (on the day), Y11, Y12 (on the day)
        "in_time_pct": 62.5,  # 5 / 8
        "per_1000_homes": 6.48,  # 8 / 1234 x 1000 = 6.4829
    }
    assert report["stage2"] == {
        "received": 4,  # P2 (asked 14 Apr 2025), Y2, Y4, Y11: not Y12 (asked 2 Apr 2026)
        "withdrawn": 1,  # Y11
        "responded": 3,  # P2 Y2 Y4
        "responded_in_time": 2,  # P2 (on the day), Y4 (extension); Y2 a day late
        "in_time_pct": 66.67,  # 2 / 3
        "per_1000_homes": 3.24,  # 4 / 1234 x 1000 = 3.2415
    }


def test_the_previous_year_beside_it(report):
    assert report["previous"] == {
        "year": "2024/25",
        # received P1 P7 P2 P3 (not the refused P4, P8); responded P1 (in time) and P7 (late)
        "stage1": {"received": 4, "withdrawn": 0, "responded": 2, "responded_in_time": 1, "in_time_pct": 50.0, "per_1000_homes": 3.24},
        "stage2": {"received": 0, "withdrawn": 0, "responded": 0, "responded_in_time": 0, "in_time_pct": None, "per_1000_homes": 0.0},
        "homes": 1234,
        # no stage 2 received over 2 stage 1 responses
        "escalation_rate_pct": 0.0,
    }


def test_not_accepted_compliments_and_comments(report):
    # Refusals of complaints received in the year: Y5 Y6, Y7, Y8, Y9; P4 (received 28 Mar 2025) is 2024/25's.
    assert report["not_accepted"] == {"service-request": 2, "duplicate": 1, "other": 1, "over-12-months": 1}
    assert list(report["not_accepted"]) == ["service-request", "duplicate", "other", "over-12-months"]
    assert report["not_accepted_total"] == 5
    assert (report["compliments"], report["comments"]) == (2, 1)  # 20 May 2025, 31 Mar 2026; 9 Sep 2025


def test_outcomes_of_the_stages_closed_in_the_year(report):
    # Stage 1: upheld P3 Y1 Y4 Y12; partly Y3; not upheld P2 Y2 Y11; withdrawn Y10;
    #          refused P4 (3 Apr 2025) Y5 Y6 Y7 Y8 Y9. Stage 2: upheld Y2; partly P2; not upheld Y4;
    #          withdrawn Y11. Not P1 P7 P8 (2024/25) nor Y13 (1 Apr 2026).
    assert report["outcomes_by_stage"] == {
        "1": {"upheld": 4, "partly-upheld": 1, "not-upheld": 3, "withdrawn": 1, "refused": 6},
        "2": {"upheld": 1, "partly-upheld": 1, "not-upheld": 1, "withdrawn": 1, "refused": 0},
    }
    assert report["outcomes"] == {"upheld": 5, "partly-upheld": 2, "not-upheld": 4, "withdrawn": 2, "refused": 6}


def test_service_areas_and_categories(report):
    # Stage 1 received in the year: Repairs Y1 Y2 Y10 Y12, Lettings Y3 Y4 Y13, nothing recorded Y11.
    assert report["by_service"] == {"Housing Repairs": 4, "Lettings": 3, "Not recorded": 1}
    assert report["by_category"] == {"Damp": 4, "ASB": 2, "Allocations": 1, "Not recorded": 1}
    # Stage 2 received: Lettings P2 Y4, Repairs Y2, nothing recorded Y11.
    assert report["by_service_stage2"] == {"Lettings": 2, "Housing Repairs": 1, "Not recorded": 1}


def test_remedies_and_compensation(report):
    # P2 stage 2 £250 + P3 £40.50 + Y1 £75.25 + Y2 stage 2 £300 + Y12 £120.50 = £786.25 (not P1's £100);
    # apologies P2 stage 2, Y1, Y2 stage 2, Y4.
    assert report["compensation_total"] == 786.25
    assert report["remedies"] == {"apologies": 4, "compensation_cases": 5, "compensation_total": 786.25}


def test_months_and_quarters_behind_the_charts(report):
    received = {row["month"]: (row["stage1"], row["stage2"]) for row in report["monthly"]}
    assert received == {
        "2025-04": (1, 1), "2025-05": (0, 0), "2025-06": (1, 1), "2025-07": (1, 0), "2025-08": (1, 0),
        "2025-09": (0, 1), "2025-10": (0, 0), "2025-11": (1, 0), "2025-12": (0, 0), "2026-01": (1, 0),
        "2026-02": (0, 1), "2026-03": (2, 0),
    }
    shares = [(row["stage1_responded"], row["stage1_pct"], row["stage2_responded"], row["stage2_pct"]) for row in report["quarterly"]]
    assert shares == [
        (4, 50.0, 1, 100.0),  # P2 late, P3 Y1 in time, Y2 late; stage 2 P2 in time
        (2, 50.0, 1, 0.0),  # Y3 late, Y4 in time; stage 2 Y2 late
        (0, None, 1, 100.0),  # stage 2 Y4 in time
        (2, 100.0, 0, None),  # Y11, Y12 in time
    ]


def test_the_html_report_shows_the_figures_and_fetches_nothing(dataset):
    cli, _ = dataset
    page = cli.ok("report", "annual", "--year", "2025", "--format", "html").stdout
    for figure in ("62.50%", "66.67%", "6.48", "3.24", "£786.25", "Exampleton Homes"):
        assert figure in page, figure
    assert page.count("<svg") == 3
    assert not re.search(r"https?://|\b(src|href)\s*=|url\(|@import|<script|<link|<img", page, re.IGNORECASE)


def _items(cli: Cli, references: dict[str, str], *args: str) -> list[tuple]:
    labels = {reference: label for label, reference in references.items()}
    rows = cli.ok("overdue", "--json", *args).json()
    return [(labels[row["reference"]], row["stage"], row["what"], row["due"], row["working_days_overdue"], row["overdue"]) for row in rows]


# Late as of Thu 26 Nov 2026: working days after the due date up to and including 26 Nov.
OVERDUE_TODAY = [
    # Y12 stage 2: acknowledged Tue 7 Apr, respond by Wed 6 May, extended 20 days to Thu 4 Jun;
    # late: 5-30 Jun 18, Jul 23, Aug 20 (31 Aug a bank holiday), Sep 22, Oct 22, 2-26 Nov 19 = 124.
    ("Y12", 2, "respond", "2026-06-04", 124, True),
    ("Y12", 2, "action", "2026-11-13", 9, True),  # Fri 13 Nov: 16-20, 23-26
    ("N3", 1, "respond", "2026-11-17", 7, True),  # acknowledged Tue 3 Nov; late 18-20, 23-26
    ("N7", 1, "action", "2026-11-20", 4, True),  # Fri 20 Nov: 23-26
    # Equally late and due the same day: in reference order (N4 was logged first).
    ("N4", 1, "action", "2026-11-23", 3, True),
    ("N1", 1, "acknowledge", "2026-11-23", 3, True),  # received Mon 16 Nov: 17-20, 23
    ("N4", 1, "respond", "2026-11-24", 2, True),  # 10 Nov extended 10 days to Tue 24 Nov
]


def test_overdue_items_due_dates_lateness_and_order(dataset):
    cli, references = dataset
    assert _items(cli, references) == OVERDUE_TODAY
    assert _items(cli, references, "--as-of", "2026-11-26") == OVERDUE_TODAY


def test_within_adds_what_is_due_soon(dataset):
    cli, references = dataset
    # Horizon: 5 working days after Thu 26 Nov = Thu 3 Dec.
    assert _items(cli, references, "--within", "5") == OVERDUE_TODAY + [
        ("N2", 1, "acknowledge", "2026-11-26", 0, False),  # received Thu 19 Nov: due today, not late
        ("N7", 1, "action", "2026-12-01", -3, False),  # 27, 30 Nov, 1 Dec
        ("N5", 1, "respond", "2026-12-02", -4, False),  # acknowledged Wed 18 Nov
        ("N6", 1, "acknowledge", "2026-12-03", -5, False),  # received today
    ]


def test_a_past_saturday_counts_no_weekend_days(dataset):
    cli, references = dataset
    # As of Sat 21 Nov: N1, N2, N4's action and N6 are not due or not there yet; N7's action,
    # due Fri 20 Nov, is overdue by 0 working days.
    assert _items(cli, references, "--as-of", "2026-11-21") == [
        ("Y12", 2, "respond", "2026-06-04", 120, True),  # 124 less 23-26 Nov
        ("Y12", 2, "action", "2026-11-13", 5, True),
        ("N3", 1, "respond", "2026-11-17", 3, True),
        ("N7", 1, "action", "2026-11-20", 0, True),
    ]


def test_check_exits_3_when_something_is_overdue_and_0_when_not(dataset):
    cli, references = dataset
    assert cli("overdue", "--check").exit_code == 3
    assert cli("overdue", "--check", "--as-of", "2026-11-21").exit_code == 3
    # 1 May 2026: every case but Y12 closed, and Y12's stage 2 not due until Wed 6 May.
    quiet = cli("overdue", "--check", "--json", "--as-of", "2026-05-01")
    assert quiet.exit_code == 0 and quiet.json() == []
    soon = cli("overdue", "--check", "--json", "--within", "5", "--as-of", "2026-05-01")
    assert soon.exit_code == 0
    assert [(row["reference"], row["due"], row["working_days_overdue"]) for row in soon.json()] == [
        (references["Y12"], "2026-05-06", -2),  # 4 May a bank holiday: 5, 6 May
    ]


def test_csv_parses_with_the_same_items(dataset):
    cli, references = dataset
    outcome = cli("overdue", "--csv", "--within", "5", "--check")
    assert outcome.exit_code == 3
    rows = list(csv.DictReader(io.StringIO(outcome.stdout)))
    labels = {reference: label for label, reference in references.items()}
    assert [(labels[row["reference"]], row["what"], row["due"], int(row["working_days_overdue"]), row["overdue"]) for row in rows] == [
        (label, what, due, late, "true" if overdue else "false") for label, _, what, due, late, overdue in _items(cli, references, "--within", "5")
    ]
    gutter = next(row for row in rows if row["description"] == "Repair the gutter")
    assert (gutter["stage"], gutter["action"], gutter["handler"], gutter["service"]) == ("1", "1", STAGE1, "Housing Repairs")


def _pixels(png: bytes) -> tuple[int, int, int, bytes]:
    """Width, height, bytes per pixel and the raw pixel rows of an 8-bit RGB(A) PNG, unfiltered."""
    import struct
    import zlib

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, data, header = 8, b"", None
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind, body = png[position + 4 : position + 8], png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            data += body
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    size = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(data), width * size
    out = bytearray()
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        out += line
        previous = line
    return width, height, size, bytes(out)


def test_the_charts_are_drawn_in_a_headless_browser(dataset, tmp_path, chromium):
    """The page as a browser paints it: the bars of both stages are on the screenshot."""
    cli, _ = dataset
    page, shot = tmp_path / "annual.html", tmp_path / "annual.png"
    cli.ok("report", "annual", "--year", "2025", "--format", "html", "--out", str(page))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=800,2200", page.as_uri()], capture_output=True, timeout=120)
    width, height, size, pixels = _pixels(shot.read_bytes())
    assert (width, height) == (800, 2200)
    colours: dict[bytes, int] = {}
    for start in range(0, len(pixels), size):
        colour = pixels[start : start + 3]
        colours[colour] = colours.get(colour, 0) + 1
    stage1, stage2 = bytes((0x1F, 0x4E, 0x79)), bytes((0xE0, 0x7B, 0x00))
    # Solid bars cover tens of thousands of pixels; headings in the same blue only a few thousand.
    assert colours.get(stage1, 0) > 30_000
    assert colours.get(stage2, 0) > 10_000
