"""`explain REF` and `show --explain` (SPEC §13): every deadline with its counting, checked by
hand against the calendar: each day not counted and why, the policy key, the extensions, a
calendar month's clamping, and the policy version in force at each step."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from conftest import Cli
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintctl.domain import policy as policies
from complaintctl.domain.calendar import add_months
from complaintctl.domain.case import derive
from complaintctl.domain.events import Event
from complaintctl.domain.explain import explain
from complaintctl.domain.vocabulary import DECISIONS

WEEKEND = "weekend"
HOLIDAY = "bank-holiday"
CLOSURE = "closure"


def policy_file(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def policy_cli(db_location: str, tmp_path: Path, text: str) -> Cli:
    """A CLI on a database that stored the policy `text` when it was made."""
    runner = Cli(db_location, config=policy_file(tmp_path, "policy.toml", text))
    runner.ok("init")
    return runner


def log(cli: Cli, received: str) -> str:
    return cli.ok("log", "--name", "Ann Example", "--summary", "Repairs", "--received", received).stdout.split()[0]


def explained(cli: Cli, ref: str, *options: str) -> dict:
    return cli.ok("explain", ref, "--json", *options).json()


def deadline(explanation: dict, what: str, stage: int = 1) -> dict:
    [found] = [item for item in explanation["deadlines"] if item["what"] == what and item["stage"] == stage]
    return found


def skipped(item: dict) -> list[tuple[str, str, str]]:
    return [(day["date"], day["reason"], day["why"]) for day in item["skipped"]]


def text_block(text: str, head: str) -> list[str]:
    """The line starting with `head` and the indented lines under it."""
    lines = text.splitlines()
    [start] = [index for index, line in enumerate(lines) if line.startswith(head)]
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


# -- Christmas and New Year, England and Wales ---------------------------------------------------

# Received Wed 23 Dec 2026. Christmas Day is a Friday; Boxing Day a Saturday, so its bank holiday
# is Monday 28th; New Year's Day a Friday. Acknowledge within 5 working days: Thu 24 Dec (1),
# Tue 29 (2), Wed 30 (3), Thu 31 (4), Mon 4 Jan (5).
CHRISTMAS_SKIPPED = [
    ("2026-12-25", HOLIDAY, "Christmas Day"),
    ("2026-12-26", WEEKEND, "Saturday"),
    ("2026-12-27", WEEKEND, "Sunday"),
    ("2026-12-28", HOLIDAY, "Boxing Day (substitute day)"),
    ("2027-01-01", HOLIDAY, "New Year's Day"),
    ("2027-01-02", WEEKEND, "Saturday"),
    ("2027-01-03", WEEKEND, "Sunday"),
]


@freeze_time("2027-01-11 10:00:00")
def test_christmas_and_new_year_in_england(cli):
    ref = log(cli, "2026-12-23")
    acknowledge = deadline(explained(cli, ref), "acknowledge")
    assert (acknowledge["due"], acknowledge["from"], acknowledge["from_why"]) == ("2027-01-04", "2026-12-23", "receipt")
    assert (acknowledge["days"], acknowledge["working_days"]) == (5, 5)
    assert acknowledge["policy"] == "[stage1] acknowledge_days = 5"
    assert skipped(acknowledge) == CHRISTMAS_SKIPPED
    assert [day["why"] for day in acknowledge["skipped"]] == [name for _, _, name in CHRISTMAS_SKIPPED]
    assert acknowledge["nation"] == "england-and-wales"

    text = cli.ok("explain", ref).stdout
    assert text_block(text, "Stage 1 acknowledge by") == [
        ("Stage 1 acknowledge by Mon 4 Jan 2027: 5 working days ([stage1] acknowledge_days = 5) after "
         "Wed 23 Dec 2026, the day it was received"),
        ("  not counted: Sat 26 Dec, Sun 27 Dec, Sat 2 Jan, Sun 3 Jan (weekend); Fri 25 Dec Christmas Day, "
         "Mon 28 Dec Boxing Day (substitute day), Fri 1 Jan New Year's Day (bank holidays, England and Wales)"),
    ]

    # Acknowledged Tue 29 Dec; respond within 10 working days of it: Wed 30 (1), Thu 31 (2), Mon 4
    # Jan (3) … Fri 8 (7), Mon 11 (8), Tue 12 (9), Wed 13 (10). Then 3 more: Thu 14, Fri 15, Mon 18.
    cli.ok("acknowledge", ref, "--on", "2026-12-29", "--handler", "Jo Officer")
    cli.ok("extend", ref, "--days", "3", "--reason", "Waiting for the [b]contractor's[/b] report", "--on", "2027-01-11")
    explanation = explained(cli, ref)
    acknowledge, respond = deadline(explanation, "acknowledge"), deadline(explanation, "respond")
    assert (acknowledge["done_on"], acknowledge["in_time"]) == ("2026-12-29", True)
    assert (respond["from"], respond["from_why"], respond["from_key"]) == (
        "2026-12-29", "acknowledgement", '[stage1] respond_from = "acknowledgement"')
    assert (respond["due_before_extensions"], respond["due"]) == ("2027-01-13", "2027-01-18")
    assert (respond["days"], respond["working_days"], respond["policy"]) == (10, 13, "[stage1] respond_days = 10")
    assert skipped(respond) == [
        ("2027-01-01", HOLIDAY, "New Year's Day"),
        ("2027-01-02", WEEKEND, "Saturday"),
        ("2027-01-03", WEEKEND, "Sunday"),
        ("2027-01-09", WEEKEND, "Saturday"),
        ("2027-01-10", WEEKEND, "Sunday"),
        ("2027-01-16", WEEKEND, "Saturday"),
        ("2027-01-17", WEEKEND, "Sunday"),
    ]
    assert respond["extensions"] == [{"on": "2027-01-11", "days": 3, "reason": "Waiting for the [b]contractor's[/b] report",
                                      "good_reason": None, "late_reason": None}]
    assert explanation["deadlines"][1]["due"] == cli.show(ref)["respond_by"] == "2027-01-18"

    text = cli.ok("explain", ref).stdout
    assert text_block(text, "Stage 1 respond by") == [
        ("Stage 1 respond by Mon 18 Jan 2027: 10 working days ([stage1] respond_days = 10) after Tue 29 Dec 2026, "
         'the day it was acknowledged ([stage1] respond_from = "acknowledgement"), then 3 working days of extension'),
        ("  not counted: Sat 2 Jan, Sun 3 Jan, Sat 9 Jan, Sun 10 Jan, Sat 16 Jan, Sun 17 Jan (weekend); "
         "Fri 1 Jan New Year's Day (bank holiday, England and Wales)"),
        "  before extensions: Wed 13 Jan 2027",
        "  extended Mon 11 Jan 2027 by 3 working days: Waiting for the [b]contractor's[/b] report",
    ]


# -- Easter -----------------------------------------------------------------------------------------


@freeze_time("2026-04-20 10:00:00")
def test_easter_in_england_and_not_easter_monday_in_scotland(db_location, tmp_path):
    # Received Thu 2 Apr 2026: Good Friday 3 Apr, Easter Monday 6 Apr; Tue 7 (1) … Fri 10 (4), Mon 13 (5).
    england = policy_cli(db_location, tmp_path, "")
    ref = log(england, "2026-04-02")
    acknowledge = deadline(explained(england, ref), "acknowledge")
    assert acknowledge["due"] == "2026-04-13"
    assert skipped(acknowledge) == [
        ("2026-04-03", HOLIDAY, "Good Friday"),
        ("2026-04-04", WEEKEND, "Saturday"),
        ("2026-04-05", WEEKEND, "Sunday"),
        ("2026-04-06", HOLIDAY, "Easter Monday"),
        ("2026-04-11", WEEKEND, "Saturday"),
        ("2026-04-12", WEEKEND, "Sunday"),
    ]
    # Unacknowledged: the response counts from the last day it could have been acknowledged.
    respond = deadline(explained(england, ref), "respond")
    assert (respond["from"], respond["from_why"], respond["due"]) == ("2026-04-13", "acknowledge-by", "2026-04-27")
    assert "after Mon 13 Apr 2026, the last day it could have been acknowledged, as none is recorded" in \
        england.ok("explain", ref).stdout

    # In Scotland Easter Monday is a working day: Mon 6 (1), Tue 7 (2) … Fri 10 (5).
    scotland = Cli(str(tmp_path / "scotland.db"), config=policy_file(tmp_path, "scotland.toml", '[calendar]\nnation = "scotland"\n'))
    scotland.ok("init")
    ref = log(scotland, "2026-04-02")
    acknowledge = deadline(explained(scotland, ref), "acknowledge")
    assert (acknowledge["due"], acknowledge["nation"]) == ("2026-04-10", "scotland")
    assert skipped(acknowledge) == [
        ("2026-04-03", HOLIDAY, "Good Friday"),
        ("2026-04-04", WEEKEND, "Saturday"),
        ("2026-04-05", WEEKEND, "Sunday"),
    ]


# -- Northern Ireland ---------------------------------------------------------------------------------


@freeze_time("2027-07-30 10:00:00")
def test_a_northern_ireland_july(db_location, tmp_path):
    # Received Thu 8 Jul 2027; Mon 12 Jul is the Battle of the Boyne: Fri 9 (1), Tue 13 (2) … Fri 16 (5).
    cli = policy_cli(db_location, tmp_path, '[calendar]\nnation = "northern-ireland"\n')
    ref = log(cli, "2027-07-08")
    acknowledge = deadline(explained(cli, ref), "acknowledge")
    assert acknowledge["due"] == "2027-07-16"
    assert skipped(acknowledge) == [
        ("2027-07-10", WEEKEND, "Saturday"),
        ("2027-07-11", WEEKEND, "Sunday"),
        ("2027-07-12", HOLIDAY, "Battle of the Boyne (Orangemen's Day)"),
    ]
    assert text_block(cli.ok("explain", ref).stdout, "Stage 1 acknowledge by")[1] == (
        "  not counted: Sat 10 Jul, Sun 11 Jul (weekend); "
        "Mon 12 Jul Battle of the Boyne (Orangemen's Day) (bank holiday, Northern Ireland)"
    )


@freeze_time("2026-07-31 10:00:00")
def test_northern_ireland_when_the_twelfth_is_a_sunday_and_st_patricks_day(db_location, tmp_path):
    cli = policy_cli(db_location, tmp_path, '[calendar]\nnation = "northern-ireland"\n')
    # Sun 12 Jul 2026 is a weekend day; its bank holiday is Monday 13th. Received Fri 10 Jul:
    # Tue 14 (1) … Fri 17 (4), Mon 20 (5).
    ref = log(cli, "2026-07-10")
    assert skipped(deadline(explained(cli, ref), "acknowledge")) == [
        ("2026-07-11", WEEKEND, "Saturday"),
        ("2026-07-12", WEEKEND, "Sunday"),
        ("2026-07-13", HOLIDAY, "Battle of the Boyne (Orangemen's Day) (substitute day)"),
        ("2026-07-18", WEEKEND, "Saturday"),
        ("2026-07-19", WEEKEND, "Sunday"),
    ]
    # Received Mon 16 Mar 2026; Tue 17 Mar is St Patrick's Day: Mon 16 not counted either (the start).
    ref = log(cli, "2026-03-16")
    acknowledge = deadline(explained(cli, ref), "acknowledge")
    assert acknowledge["due"] == "2026-03-24"
    assert skipped(acknowledge)[0] == ("2026-03-17", HOLIDAY, "St Patrick's Day")


# -- Scotland's 2 January -------------------------------------------------------------------------------


@freeze_time("2026-01-20 10:00:00")
def test_scotlands_second_of_january(db_location, tmp_path):
    # Received Tue 30 Dec 2025. Scotland: Thu 1 Jan and Fri 2 Jan are bank holidays: Wed 31 (1),
    # Mon 5 (2) … Thu 8 (5). England counts Fri 2 Jan: Wed 7 Jan.
    cli = policy_cli(db_location, tmp_path, '[calendar]\nnation = "scotland"\n')
    ref = log(cli, "2025-12-30")
    acknowledge = deadline(explained(cli, ref), "acknowledge")
    assert acknowledge["due"] == "2026-01-08"
    assert skipped(acknowledge) == [
        ("2026-01-01", HOLIDAY, "New Year's Day"),
        ("2026-01-02", HOLIDAY, "2nd January"),
        ("2026-01-03", WEEKEND, "Saturday"),
        ("2026-01-04", WEEKEND, "Sunday"),
    ]
    assert "Thu 1 Jan New Year's Day, Fri 2 Jan 2nd January (bank holidays, Scotland)" in cli.ok("explain", ref).stdout

    england = Cli(str(tmp_path / "england.db"))
    england.ok("init")
    ref = log(england, "2025-12-30")
    assert [day for day, _, _ in skipped(deadline(explained(england, ref), "acknowledge"))] == [
        "2026-01-01", "2026-01-03", "2026-01-04"]
    assert deadline(explained(england, ref), "acknowledge")["due"] == "2026-01-07"


# -- closure days --------------------------------------------------------------------------------------


@freeze_time("2027-01-15 10:00:00")
def test_closure_days_from_the_policy(db_location, tmp_path):
    # Closed 24 Dec, 29–31 Dec 2026, and 26 Dec (a Saturday) and 28 Dec (a bank holiday) besides:
    # those two are not counted for the weekend and the bank holiday. Received Wed 23 Dec: the
    # first working day after it is Mon 4 Jan (1), then Tue 5 … Fri 8 (5).
    closures = '[calendar]\nclosures = ["2026-12-24", "2026-12-26", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31"]\n'
    cli = policy_cli(db_location, tmp_path, closures)
    ref = log(cli, "2026-12-23")
    acknowledge = deadline(explained(cli, ref), "acknowledge")
    assert acknowledge["due"] == "2027-01-08"
    assert skipped(acknowledge) == [
        ("2026-12-24", CLOSURE, "closure day"),
        ("2026-12-25", HOLIDAY, "Christmas Day"),
        ("2026-12-26", WEEKEND, "Saturday"),
        ("2026-12-27", WEEKEND, "Sunday"),
        ("2026-12-28", HOLIDAY, "Boxing Day (substitute day)"),
        ("2026-12-29", CLOSURE, "closure day"),
        ("2026-12-30", CLOSURE, "closure day"),
        ("2026-12-31", CLOSURE, "closure day"),
        ("2027-01-01", HOLIDAY, "New Year's Day"),
        ("2027-01-02", WEEKEND, "Saturday"),
        ("2027-01-03", WEEKEND, "Sunday"),
    ]
    assert text_block(cli.ok("explain", ref).stdout, "Stage 1 acknowledge by")[1] == (
        "  not counted: Sat 26 Dec, Sun 27 Dec, Sat 2 Jan, Sun 3 Jan (weekend); Fri 25 Dec Christmas Day, "
        "Mon 28 Dec Boxing Day (substitute day), Fri 1 Jan New Year's Day (bank holidays, England and Wales); "
        "Thu 24 Dec, Tue 29 Dec, Wed 30 Dec, Thu 31 Dec (closure days of the organisation)"
    )


# -- escalation windows -------------------------------------------------------------------------------


@freeze_time("2027-03-10 10:00:00")
def test_a_calendar_month_window_is_clamped_to_the_months_last_day(db_location, tmp_path):
    cli = policy_cli(db_location, tmp_path, '[stage2]\nescalation_window = "1 month"\n')
    ref = log(cli, "2027-01-04")
    cli.ok("acknowledge", ref, "--on", "2027-01-05", "--handler", "Jo Officer")
    cli.ok("close", ref, "--outcome", "not-upheld", "--reasons", "No fault", "--on", "2027-01-29")
    escalate = deadline(explained(cli, ref), "escalate")
    # 29 January + one calendar month: February 2027 has 28 days, so Sunday 28 February.
    assert (escalate["due"], escalate["from"], escalate["from_why"]) == ("2027-02-28", "2027-01-29", "stage-1-response")
    assert (escalate["unit"], escalate["days"], escalate["working_days"]) == ("calendar months", 1, None)
    assert escalate["policy"] == '[stage2] escalation_window = "1 month"'
    assert escalate["clamped"] == {"day": 29, "to": "2027-02-28"}
    assert escalate["skipped"] == [] and escalate["stage"] == 1
    assert escalate["due"] == cli.show(ref)["escalate_by"]
    assert text_block(cli.ok("explain", ref).stdout, "Stage 1 ask for stage 2 by") == [
        ('Stage 1 ask for stage 2 by Sun 28 Feb 2027: 1 calendar month ([stage2] escalation_window = "1 month") '
         "after Fri 29 Jan 2027, the day of the stage 1 response"),
        "  February 2027 has no day 29: the month's last day, Sun 28 Feb 2027",
        "  a calendar month counts every day: weekends and bank holidays are not left out",
    ]

    # Asked for on Mon 1 Mar: late; the stage 2 acknowledgement counts from that request.
    cli.ok("escalate", ref, "--on", "2027-03-01", "--handler", "Pat Jones", "--late-reason", "In hospital")
    explanation = explained(cli, ref)
    assert (deadline(explanation, "escalate")["done_on"], deadline(explanation, "escalate")["in_time"]) == ("2027-03-01", False)
    stage2 = deadline(explanation, "acknowledge", stage=2)
    assert (stage2["from"], stage2["due"], stage2["policy"]) == ("2027-03-01", "2027-03-08", "[stage2] acknowledge_days = 5")
    assert "after Mon 1 Mar 2027, the day stage 2 was asked for" in cli.ok("explain", ref).stdout
    assert [item["stage"] for item in explained(cli, ref, "--stage", "2")["deadlines"]] == [2, 2]


@freeze_time("2027-03-10 10:00:00")
def test_a_window_in_working_days(db_location, tmp_path):
    cli = policy_cli(db_location, tmp_path, '[stage2]\nescalation_window = "20 working days"\n')
    ref = log(cli, "2027-03-01")
    cli.ok("acknowledge", ref, "--on", "2027-03-02", "--handler", "Jo Officer")
    cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Fault", "--on", "2027-03-09")
    # From Tue 9 Mar 2027: Good Friday 26 Mar and Easter Monday 29 Mar are not counted; the 20th
    # working day is Thu 8 Apr (Wed 10 Mar … Thu 25 Mar are 12, Tue 30 Mar … Thu 8 Apr the other 8).
    escalate = deadline(explained(cli, ref), "escalate")
    assert (escalate["due"], escalate["working_days"], escalate["clamped"]) == ("2027-04-08", 20, None)
    assert [(day, name) for day, reason, name in skipped(escalate) if reason == HOLIDAY] == [
        ("2027-03-26", "Good Friday"), ("2027-03-29", "Easter Monday")]
    assert len([1 for _, reason, _ in skipped(escalate) if reason == WEEKEND]) == 8


# -- updates, late extensions ----------------------------------------------------------------------------


@freeze_time("2027-02-10 10:00:00")
def test_an_update_cadence_and_a_late_extension(db_location, tmp_path):
    cli = policy_cli(db_location, tmp_path, "[updates]\nevery_days = 5\n")
    ref = log(cli, "2027-01-04")
    cli.ok("acknowledge", ref, "--on", "2027-01-05", "--handler", "Jo Officer")
    # Respond by Tue 19 Jan; extended late on Wed 20 Jan by 2: Thu 21 Jan.
    cli.ok("extend", ref, "--days", "2", "--reason", "Survey", "--late-reason", "Missed", "--on", "2027-01-20")
    explanation = explained(cli, ref)
    respond = deadline(explanation, "respond")
    assert (respond["due_before_extensions"], respond["due"], respond["in_time_by"]) == ("2027-01-19", "2027-01-21", "2027-01-19")
    assert respond["extensions"][0]["late_reason"] == "Missed"
    # The update clock starts at the original response date (before the extension's own date).
    update = deadline(explanation, "update")
    assert (update["from"], update["from_why"], update["due"], update["policy"]) == (
        "2027-01-19", "original-response-date", "2027-01-26", "[updates] every_days = 5")
    text = cli.ok("explain", ref).stdout
    assert "  a response counts as in time only by Tue 19 Jan 2027: a later extension was recorded after the response was due" in text
    assert "recorded after the response was due because: Missed" in text

    cli.ok("update", ref, "--progress", "Survey booked", "--on", "2027-01-25")
    update = deadline(explained(cli, ref), "update")
    assert (update["from"], update["from_why"], update["due"]) == ("2027-01-25", "last-update", "2027-02-01")
    assert skipped(update) == [("2027-01-30", WEEKEND, "Saturday"), ("2027-01-31", WEEKEND, "Sunday")]


@freeze_time("2026-01-10 10:00:00")
def test_no_days_to_acknowledge_and_a_window_in_calendar_days(db_location, tmp_path):
    text = '[stage1]\nacknowledge_days = 0\nrespond_from = "receipt"\n[stage2]\nescalation_window = "28 days"\n'
    cli = policy_cli(db_location, tmp_path, text)
    ref = log(cli, "2025-12-19")
    cli.ok("acknowledge", ref, "--on", "2025-12-19", "--handler", "Jo Officer")
    cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Fault", "--on", "2025-12-22")
    explanation = explained(cli, ref)
    acknowledge, respond, escalate = (deadline(explanation, what) for what in ("acknowledge", "respond", "escalate"))
    assert (acknowledge["due"], acknowledge["working_days"], acknowledge["skipped"]) == ("2025-12-19", 0, [])
    # From receipt on Fri 19 Dec 2025: Christmas Day and Boxing Day (Thu, Fri), New Year's Day (Thu).
    assert (respond["from"], respond["from_why"], respond["due"]) == ("2025-12-19", "receipt", "2026-01-07")
    assert [name for _, reason, name in skipped(respond) if reason == HOLIDAY] == ["Christmas Day", "Boxing Day", "New Year's Day"]
    # 28 calendar days from Mon 22 Dec, weekends and holidays included: Mon 19 Jan 2026.
    assert (escalate["due"], escalate["unit"], escalate["working_days"], escalate["skipped"]) == ("2026-01-19", "calendar days", None, [])
    lines = cli.ok("explain", ref).stdout.splitlines()
    assert lines[1] == ("Stage 1 acknowledge by Fri 19 Dec 2025: the same day ([stage1] acknowledge_days = 0) as "
                        "Fri 19 Dec 2025, the day it was received; acknowledged Fri 19 Dec 2025, in time")
    assert lines[-1] == "  counted in calendar days: weekends and bank holidays are not left out"


# -- policy versions ----------------------------------------------------------------------------------


def test_each_deadline_is_counted_under_the_policy_version_of_its_step(cli, tmp_path):
    with freeze_time("2025-06-05 10:00:00"):
        ref = log(cli, "2025-06-02")
        cli.ok("acknowledge", ref, "--on", "2025-06-03", "--handler", "Jo Officer")
    # Version 2 closes 4, 10 and 11 June: the open response date moves (Tue 17 → Fri 20 Jun); the
    # acknowledgement date, settled under version 1 when it was acknowledged, does not: under
    # version 2 it would have been Thu 12 Jun.
    closures = policy_file(tmp_path, "closures.toml", '[calendar]\nclosures = ["2025-06-04", "2025-06-10", "2025-06-11"]\n')
    with freeze_time("2025-06-06 10:00:00"):
        cli.ok("list", config=closures)
        explanation = explained(cli, ref)
        text = cli.ok("explain", ref).stdout
    acknowledge, respond = deadline(explanation, "acknowledge"), deadline(explanation, "respond")
    assert (acknowledge["due"], acknowledge["policy_version"]) == ("2025-06-09", 1)
    assert skipped(acknowledge) == [("2025-06-07", WEEKEND, "Saturday"), ("2025-06-08", WEEKEND, "Sunday")]
    assert (respond["due"], respond["policy_version"]) == ("2025-06-20", 2)
    assert skipped(respond) == [
        ("2025-06-04", CLOSURE, "closure day"),
        ("2025-06-07", WEEKEND, "Saturday"),
        ("2025-06-08", WEEKEND, "Sunday"),
        ("2025-06-10", CLOSURE, "closure day"),
        ("2025-06-11", CLOSURE, "closure day"),
        ("2025-06-14", WEEKEND, "Saturday"),
        ("2025-06-15", WEEKEND, "Sunday"),
    ]
    assert explanation["policy_version"] == 2
    assert "Stage 1 acknowledge by Mon 9 Jun 2025: 5 working days" in text and "(policy version 1)" in text
    assert "Stage 1 respond by Fri 20 Jun 2025" in text and "(policy version 2)" in text

    # Answered under version 2; version 3 gives 15 days to respond. The closed stage keeps the
    # count, and the key's value, of version 2.
    with freeze_time("2025-06-20 10:00:00"):
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Fault", "--on", "2025-06-20")
    longer = policy_file(tmp_path, "longer.toml", '[stage1]\nrespond_days = 15\n')
    with freeze_time("2025-06-23 10:00:00"):
        cli.ok("list", config=longer)
        respond = deadline(explained(cli, ref), "respond")
    assert (respond["due"], respond["policy"], respond["policy_version"]) == ("2025-06-20", "[stage1] respond_days = 10", 2)
    assert (respond["done_on"], respond["in_time"]) == ("2025-06-20", True)


# -- show --explain, bad input ---------------------------------------------------------------------------


@freeze_time("2027-01-11 10:00:00")
def test_show_explain_ends_with_the_same_explanation(cli):
    ref = log(cli, "2026-12-23")
    alone = cli.ok("explain", ref).stdout
    shown = cli.ok("show", ref, "--explain").stdout
    assert shown.endswith("\n" + alone)
    assert shown.index("History") < shown.index("how each deadline was counted")
    assert cli.ok("show", ref, "--json", "--explain").json()["explanation"] == explained(cli, ref)["deadlines"]
    assert "explanation" not in cli.show(ref)
    assert "how each deadline was counted" not in cli.ok("show", ref).stdout


@freeze_time("2027-01-11 10:00:00")
def test_a_compliment_has_no_deadlines(cli):
    ref = cli.ok("log", "--type", "compliment", "--name", "Bo", "--received", "2027-01-04").stdout.split()[0]
    assert explained(cli, ref)["deadlines"] == []
    assert cli.ok("explain", ref).stdout == f"{ref}: a compliment has no deadlines.\n"


@freeze_time("2027-01-11 10:00:00")
def test_bad_input_is_one_line_and_exit_1(cli):
    unknown = cli("explain", "CMP-2027-09999")
    assert unknown.exit_code == 1 and unknown.stdout == ""
    assert unknown.stderr.startswith("Error: ") and unknown.stderr.count("\n") == 1
    assert "CMP-2027-09999" in unknown.stderr
    ref = log(cli, "2027-01-04")
    no_stage = cli("explain", ref, "--stage", "2", "--json")
    assert (no_stage.exit_code, no_stage.stdout) == (1, "")
    assert no_stage.stderr == f"Error: {ref} has no stage 2: it has not been escalated; leave out --stage\n"
    assert cli("explain", ref, "--stage", "3").exit_code == 2


@freeze_time("2027-01-11 10:00:00")
def test_the_text_is_short_enough_to_paste(cli):
    ref = log(cli, "2026-12-23")
    text = cli.ok("explain", ref).stdout
    # A heading, then per deadline one line and one line of the days not counted.
    assert len(text.splitlines()) == 1 + 2 * 2
    assert text.splitlines()[0].startswith(f"{ref}: how each deadline was counted.")


def test_every_kept_bank_holiday_has_its_gov_uk_name():
    import json

    from complaintctl.domain.bank_holidays import DATA, gov_uk_name

    names = {name for days in json.loads(DATA.read_text(encoding="utf-8"))["nations"].values() for name in days.values()}
    assert "New Year Holiday; New Year's Day (observed)" in names
    assert gov_uk_name("New Year Holiday; New Year's Day (observed)") == "2nd January; New Year's Day (substitute day)"
    assert gov_uk_name("Saint Andrew's Day (observed)") == "St Andrew's Day (substitute day)"
    assert gov_uk_name("Coronation of Charles III") == "Coronation of Charles III"
    for name in names:
        assert not any(word in gov_uk_name(name) for word in ("(observed)", "Saint ", "Bank Holiday", "May Day")), name


# -- the explanation agrees with the derived dates, for any case under any policies ---------------------

NATIONS = ("england-and-wales", "scotland", "northern-ireland")
WINDOWS = ("none", "1 month", "2 months", "20 working days", "28 days")
NOON = datetime.min.time().replace(hour=12)


@st.composite
def random_policy(draw, near: date):
    closures = draw(st.lists(st.integers(min_value=0, max_value=150), max_size=8))

    def stage() -> dict:
        return {
            "acknowledge_days": draw(st.integers(min_value=0, max_value=10)),
            "respond_days": draw(st.integers(min_value=1, max_value=25)),
            "respond_from": draw(st.sampled_from(policies.RESPOND_FROM)),
        }

    return policies.from_mapping(
        {
            "calendar": {
                "nation": draw(st.sampled_from(NATIONS)),
                "closures": sorted({(near + timedelta(days=offset)).isoformat() for offset in closures}),
            },
            "stage1": stage(),
            "stage2": {**stage(), "escalation_window": draw(st.sampled_from(WINDOWS))},
            "updates": {"every_days": draw(st.sampled_from((0, 0, 3, 5, 10)))},
        }
    )


@st.composite
def random_case(draw):
    """A complaint's events through both stages, stopping anywhere, and one to three policy
    versions recorded at moments among its steps."""
    received = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2034, 6, 30)))
    day = received
    events: list[Event] = []

    def add(kind: str, on: date, **details) -> None:
        events.append(Event(kind, on, "t", datetime.combine(on, NOON, timezone.utc) + timedelta(minutes=len(events)),
                            details, len(events) + 1))

    add("logged", received, type="complaint", received_on=received.isoformat(), issue_date=None)
    for number in (1, 2):
        acknowledged = draw(st.booleans())
        if acknowledged:
            day += timedelta(days=draw(st.integers(min_value=0, max_value=12)))
            add("acknowledged", day, stage=number, handler="A" if number == 1 else "B")
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            day += timedelta(days=draw(st.integers(min_value=0, max_value=15)))
            late = draw(st.booleans())
            add("extended", day, stage=number, days=draw(st.integers(min_value=1, max_value=8)), reason="r",
                late_reason="l" if late else None, late=late)
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            day += timedelta(days=draw(st.integers(min_value=0, max_value=15)))
            promised = draw(st.none() | st.integers(min_value=1, max_value=20))
            add("updated", day, stage=number, progress="p",
                next_update=(day + timedelta(days=promised)).isoformat() if promised else None)
        if not draw(st.booleans()):
            break
        outcomes = (*DECISIONS, "refused", "withdrawn") if acknowledged else ("refused", "withdrawn")
        outcome = draw(st.sampled_from(outcomes))
        day += timedelta(days=draw(st.integers(min_value=0, max_value=30)))
        add("closed", day, stage=number, outcome=outcome)
        if number == 2 or outcome not in DECISIONS or not draw(st.booleans()):
            break
        day += timedelta(days=draw(st.integers(min_value=0, max_value=70)))
        add("escalated", day, handler="B")

    moments = sorted(draw(st.lists(st.integers(min_value=0, max_value=(day - received).days + 5), max_size=2)))
    versions = [policies.PolicyVersion(1, datetime(2000, 1, 1, tzinfo=timezone.utc), draw(random_policy(received)))]
    for offset in moments:
        at = datetime.combine(received + timedelta(days=offset), NOON, timezone.utc) + timedelta(seconds=30)
        versions.append(policies.PolicyVersion(len(versions) + 1, at, draw(random_policy(received))))
    return events, policies.PolicyHistory(versions)


def days_after(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range(1, (end - start).days + 1)]


@settings(max_examples=250, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_case())
def test_the_explanation_ends_on_each_derived_date(drawn):
    events, history = drawn
    latest = history.latest
    case = derive("CMP-2030-00001", events, latest.policy, latest.calendar, history)
    explanation = explain(case, latest.policy, latest.calendar, history)

    derived = []
    for stage in case.stages:
        derived += [("acknowledge", stage.number, stage.acknowledge_by), ("respond", stage.number, stage.respond_by)]
        derived += [("update", stage.number, stage.update_due), ("escalate", stage.number, stage.escalate_by)]
    assert sorted((d.what, d.stage, d.due) for d in explanation.deadlines) == sorted(item for item in derived if item[2])

    for deadline in explanation.deadlines:
        # Checked against a calendar built afresh from the version the deadline names.
        calendar = history.versions[deadline.policy_version - 1].policy.calendar()
        counted = deadline.counted_days()
        left_out = [skipped.day for skipped in deadline.skipped]
        assert sorted(counted + left_out) == days_after(deadline.start, deadline.due)
        if deadline.unit == "working days":
            assert len(counted) == deadline.working_days
            assert all(calendar.is_working_day(day) for day in counted)
            assert (counted[-1] if counted else deadline.start) == deadline.due
            assert calendar.add(deadline.start, deadline.working_days) == deadline.due
            if deadline.extensions:
                assert calendar.add(deadline.start, deadline.amount) == deadline.counted_due
        elif deadline.unit == "calendar months":
            assert left_out == [] and deadline.due == add_months(deadline.start, deadline.amount)
            assert (deadline.clamped_from is not None) == (deadline.due.day != deadline.start.day)
        for skipped in deadline.skipped:
            assert not calendar.is_working_day(skipped.day)
            assert (skipped.reason == WEEKEND) == (skipped.day.weekday() >= 5)
            if skipped.reason == CLOSURE:
                assert skipped.day in calendar.closures and calendar.bank_holiday_name(skipped.day) is None
            if skipped.reason == HOLIDAY:
                assert calendar.bank_holiday_name(skipped.day) is not None
