"""Whole complaint lifecycles through the command line (SPEC §2, §3, §5), dates worked out by hand.

Unless a test says otherwise the policy is the built-in Housing Ombudsman Code 2024 with the
bank holidays of England and Wales: acknowledge within 5 working days, respond within 10 of
the acknowledgement (20 at stage 2), extensions capped at 10 (20 at stage 2), no escalation window.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from conftest import Cli
from freezegun import freeze_time

# Every lifecycle runs on SQLite and on a real PostgreSQL server (tests/pg.py).
pytestmark = pytest.mark.both_databases

NOW = "2027-06-30T12:00:00+00:00"


def kinds(case: dict) -> list[str]:
    return [event["kind"] for event in case["events"]]


def write_policy(tmp_path, text: str) -> str:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return str(path)


# -- the main path, both stages ---------------------------------------------------------------------


@freeze_time("2027-06-30 12:00:00")
def test_a_complaint_through_both_stages(cli):
    logged = cli.ok(
        "log", "--name", "Mary Major", "--email", "mary@example.org", "--phone", "01632 960001",
        "--address", "1 High Street", "--preferred-contact", "email", "--channel", "online",
        "--service", "Housing Repairs", "--category", "Damp", "--summary", "Damp in the bedroom",
        "--outcomes-sought", "Fix the wall", "--received", "2027-01-04", "--issue-date", "2026-12-01",
        "--housing", "--adjustments", "Large print", "--json",
    ).json()
    ref = logged["reference"]
    assert ref == "CMP-2027-00001"
    # Received Mon 4 Jan: acknowledge by Mon 11 Jan; until then the response date counts from it.
    assert {key: logged[key] for key in (
        "type", "stage", "status", "outcome", "received_on", "handler", "acknowledge_by",
        "acknowledged_on", "respond_by", "escalate_by", "extension_days", "ombudsman", "over_12_months", "next_due",
    )} == {
        "type": "complaint", "stage": 1, "status": "open", "outcome": None, "received_on": "2027-01-04",
        "handler": None, "acknowledge_by": "2027-01-11", "acknowledged_on": None, "respond_by": "2027-01-25",
        "escalate_by": None, "extension_days": 0, "ombudsman": "housing", "over_12_months": False,
        "next_due": {"what": "acknowledge", "due": "2027-01-11"},
    }
    assert {key: logged[key] for key in ("name", "email", "phone", "address", "preferred_contact", "channel",
                                         "service", "category", "summary", "outcomes_sought", "issue_date",
                                         "housing", "adjustments", "anonymous", "representative")} == {
        "name": "Mary Major", "email": "mary@example.org", "phone": "01632 960001", "address": "1 High Street",
        "preferred_contact": "email", "channel": "online", "service": "Housing Repairs", "category": "Damp",
        "summary": "Damp in the bedroom", "outcomes_sought": "Fix the wall", "issue_date": "2026-12-01",
        "housing": True, "adjustments": "Large print", "anonymous": False, "representative": None,
    }

    # Acknowledged Wed 6 Jan: respond within 10 working days of it, Wed 20 Jan.
    acknowledged = cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--understanding", "Damp since December",
                          "--on", "2027-01-06", "--json", officer="Sam Smith").json()
    assert (acknowledged["status"], acknowledged["handler"], acknowledged["acknowledged_on"], acknowledged["respond_by"]) == (
        "acknowledged", "Sam Smith", "2027-01-06", "2027-01-20")
    assert acknowledged["next_due"] == {"what": "respond", "due": "2027-01-20"}

    # Four working days: Wed 20 Jan becomes Tue 26 Jan.
    extended = cli.ok("extend", ref, "--days", "4", "--reason", "Waiting for the contractor", "--on", "2027-01-18", "--json").json()
    assert (extended["respond_by"], extended["extension_days"]) == ("2027-01-26", 4)
    assert extended["events"][-1]["details"] == {
        "stage": 1, "days": 4, "reason": "Waiting for the contractor", "good_reason": None, "late_reason": None,
        "late": False, "previous_respond_by": "2027-01-20", "new_respond_by": "2027-01-26",
    }

    # To Fri 5 Feb is 8 more (12 in all): over the cap of 10 without a good reason.
    refused = cli("extend", ref, "--to", "2027-02-05", "--reason", "Survey", "--on", "2027-01-25")
    assert refused.exit_code == 1
    assert "12 working days" in refused.stderr and "--good-reason" in refused.stderr
    extended = cli.ok("extend", ref, "--to", "2027-02-05", "--reason", "Survey", "--good-reason", "A surveyor is needed",
                      "--on", "2027-01-25", "--json").json()
    assert (extended["respond_by"], extended["extension_days"]) == ("2027-02-05", 12)

    updated = cli.ok("update", ref, "--progress", "Surveyor booked", "--next", "2027-02-03", "--on", "2027-01-29", "--json").json()
    assert updated["events"][-1]["kind"] == "updated"
    assert updated["events"][-1]["details"] == {"stage": 1, "progress": "Surveyor booked", "next_update": "2027-02-03"}

    # Mon 8 Feb is after the due date (Fri 5 Feb): only with a late reason.
    late = cli("extend", ref, "--days", "1", "--reason", "More", "--good-reason", "Survey", "--on", "2027-02-08")
    assert late.exit_code == 1 and "due on 2027-02-05" in late.stderr and "--late-reason" in late.stderr
    extended = cli.ok("extend", ref, "--days", "1", "--reason", "More", "--good-reason", "Survey",
                      "--late-reason", "Missed the date", "--on", "2027-02-08", "--json").json()
    assert (extended["respond_by"], extended["extension_days"]) == ("2027-02-08", 13)
    assert extended["events"][-1]["details"]["late"] is True
    assert extended["events"][-1]["details"]["late_reason"] == "Missed the date"

    cli.ok("note", ref, "Spoke to Ms Major by phone", "--on", "2027-02-08")

    closed = cli.ok(
        "close", ref, "--outcome", "partly-upheld", "--reasons", "The repair was late", "--steps", "Inspected",
        "--remedy", "Replaster the wall", "--apology", "--compensation", "£150", "--learning", "Book surveys sooner",
        "--action", "Replaster the wall", "--action-due", "01/03/2027", "--on", "2027-02-08", "--json",
        officer="Sam Smith",
    ).json()
    assert (closed["status"], closed["outcome"], closed["escalate_by"], closed["next_due"]) == (
        "closed", "partly-upheld", None, None)
    first = closed["stages"][0]
    # Answered by the extended date, but that day came from an extension recorded after the
    # response was due (5 Feb): the answer is late for CH02.
    assert (first["closed_on"], first["responded_in_time"], first["apology"], first["compensation"]) == (
        "2027-02-08", False, True, "150.00")
    assert closed["actions"] == [
        {"number": 1, "what": "Replaster the wall", "due": "2027-03-01", "owner": None, "stage": 1, "done_on": None}
    ]

    # Stage 2 may not be reviewed by the stage 1 handler, however the name is typed.
    same = cli("escalate", ref, "--handler", "  sam SMITH ", "--on", "2027-02-22")
    assert same.exit_code == 1 and "no prior involvement" in same.stderr

    # Escalated Mon 22 Feb: acknowledge by Mon 1 Mar; 20 working days from that cross Easter
    # (Good Friday 26 March, Easter Monday 29 March): Wed 31 March.
    escalated = cli.ok("escalate", ref, "--handler", "Pat Jones", "--outcomes-sought", "More compensation",
                       "--on", "2027-02-22", "--json").json()
    assert {key: escalated[key] for key in ("stage", "status", "outcome", "handler", "acknowledge_by", "acknowledged_on",
                                            "respond_by", "escalate_by", "extension_days", "received_on")} == {
        "stage": 2, "status": "open", "outcome": None, "handler": "Pat Jones", "acknowledge_by": "2027-03-01",
        "acknowledged_on": None, "respond_by": "2027-03-31", "escalate_by": None, "extension_days": 0,
        "received_on": "2027-01-04",
    }
    assert escalated["stages"][1]["received_on"] == "2027-02-22"

    refused = cli("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-02-24")
    assert refused.exit_code == 1 and "no prior involvement" in refused.stderr
    # No --handler: the reviewer named at escalation keeps the case.
    acknowledged = cli.ok("acknowledge", ref, "--on", "2027-02-24", "--json").json()
    assert (acknowledged["handler"], acknowledged["acknowledged_on"], acknowledged["respond_by"]) == (
        "Pat Jones", "2027-02-24", "2027-03-24")

    # The stage 2 cap is 20 and counts only stage 2's own extensions.
    extended = cli.ok("extend", ref, "--days", "15", "--reason", "Legal advice", "--on", "2027-03-10", "--json").json()
    assert (extended["respond_by"], extended["extension_days"]) == ("2027-04-16", 15)
    assert extended["stages"][0]["extension_days"] == 13
    over = cli("extend", ref, "--days", "6", "--reason", "More", "--on", "2027-03-10")
    assert over.exit_code == 1 and "21 working days" in over.stderr and "limit of 20" in over.stderr

    added = cli.ok("action", "add", ref, "--what", "Pay compensation", "--due", "2027-03-10", "--owner", "Finance",
                   "--on", "2027-02-24", "--json").json()
    assert added["actions"][1] == {"number": 2, "what": "Pay compensation", "due": "2027-03-10", "owner": "Finance",
                                   "stage": 2, "done_on": None}
    done = cli.ok("action", "done", ref, "1", "--on", "2027-03-01", "--json").json()
    assert done["actions"][0]["done_on"] == "2027-03-01"

    final = cli.ok("close", ref, "--outcome", "not-upheld", "--reasons", "The remedy was fair", "--on", "2027-04-16", "--json").json()
    assert (final["stage"], final["status"], final["outcome"], final["escalate_by"]) == (2, "closed", "not-upheld", None)
    assert final["stages"][1]["responded_in_time"] is True

    again = cli("escalate", ref, "--handler", "Kim Lee")
    assert again.exit_code == 1 and "already at stage 2" in again.stderr

    shown = cli.show(ref)
    assert shown == final
    assert kinds(shown) == [
        "logged", "acknowledged", "extended", "extended", "updated", "extended", "note", "closed", "action-added",
        "escalated", "acknowledged", "extended", "action-added", "action-done", "closed",
    ]
    assert [event["on"] for event in shown["events"]] == [
        "2027-01-04", "2027-01-06", "2027-01-18", "2027-01-25", "2027-01-29", "2027-02-08", "2027-02-08", "2027-02-08",
        "2027-02-08", "2027-02-22", "2027-02-24", "2027-03-10", "2027-02-24", "2027-03-01", "2027-04-16",
    ]
    assert [event["officer"] for event in shown["events"]][:3] == ["officer.one", "Sam Smith", "officer.one"]
    assert shown["events"][7]["officer"] == "Sam Smith"
    assert {event["recorded_at"] for event in shown["events"]} == {NOW}
    assert [event["number"] for event in shown["events"]] == list(range(1, 16))

    actions = cli.ok("action", "list", "--json").json()
    assert [(row["reference"], row["number"], row["due"], row["done_on"]) for row in actions] == [
        (ref, 1, "2027-03-01", "2027-03-01"), (ref, 2, "2027-03-10", None)]
    overdue = cli.ok("action", "list", "--overdue", "--json").json()
    assert [(row["reference"], row["number"]) for row in overdue] == [(ref, 2)]


# -- each outcome -----------------------------------------------------------------------------------


@freeze_time("2027-03-01 12:00:00")
@pytest.mark.parametrize(
    ("outcome", "extra", "acknowledge_first", "in_time"),
    [
        ("upheld", ["--reasons", "R"], True, True),
        ("partly-upheld", ["--reasons", "R"], True, True),
        ("not-upheld", ["--reasons", "R"], True, True),
        ("withdrawn", [], False, None),
        ("withdrawn", [], True, None),
        ("refused", ["--exclusion", "legal-proceedings", "--reasons", "A claim is before the county court"], False, None),
    ],
)
def test_close_with_each_outcome(cli, outcome, extra, acknowledge_first, in_time):
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-02-01").stdout.strip()
    if acknowledge_first:
        cli.ok("acknowledge", ref, "--on", "2027-02-02")
    closed = cli.ok("close", ref, "--outcome", outcome, *extra, "--on", "2027-02-10", "--json").json()
    assert (closed["status"], closed["outcome"], closed["stage"]) == ("closed", outcome, 1)
    assert closed["stages"][0]["closed_on"] == "2027-02-10"
    assert closed["stages"][0]["responded_in_time"] is in_time
    assert closed["stages"][0]["exclusion"] == ("legal-proceedings" if outcome == "refused" else None)
    assert closed["next_due"] is None
    assert kinds(cli.show(ref)) == ["logged", *(["acknowledged"] if acknowledge_first else []), "closed"]


@freeze_time("2027-03-01 12:00:00")
def test_every_exclusion_code_closes_a_refusal(cli):
    from complaintctl.domain.vocabulary import EXCLUSIONS

    assert len(EXCLUSIONS) == 17
    for code in EXCLUSIONS:
        ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-02-01").stdout.strip()
        closed = cli.ok("close", ref, "--outcome", "refused", "--exclusion", code.upper(), "--reasons", "Explained",
                        "--on", "2027-02-01", "--json").json()
        assert (closed["outcome"], closed["stages"][0]["exclusion"], closed["stages"][0]["reasons"]) == (
            "refused", code, "Explained")


@freeze_time("2027-03-01 12:00:00")
def test_a_decision_late_is_recorded_as_not_in_time(cli):
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-01-04").stdout.strip()
    cli.ok("acknowledge", ref, "--on", "2027-01-05")  # respond by Tue 19 Jan
    closed = cli.ok("close", ref, "--outcome", "upheld", "--reasons", "R", "--on", "2027-01-20", "--json").json()
    assert closed["stages"][0]["respond_by"] == "2027-01-19"
    assert closed["stages"][0]["responded_in_time"] is False
    # `show` says so beside the close (the table may wrap the cell).
    assert "2027-01-20 upheld, late" in " ".join(cli.ok("show", ref).stdout.split())


# -- compliments and comments -----------------------------------------------------------------------


@freeze_time("2027-03-01 12:00:00")
@pytest.mark.parametrize("case_type", ["compliment", "comment"])
def test_compliments_and_comments_have_no_clock(cli, case_type):
    logged = cli.ok("log", "--type", case_type, "--name", "Kind Person", "--service", "Parks",
                    "--received", "2027-02-26", "--json").json()
    assert logged["type"] == case_type
    assert (logged["status"], logged["stage"], logged["outcome"]) == ("closed", 1, None)
    assert (logged["acknowledge_by"], logged["respond_by"], logged["escalate_by"], logged["next_due"]) == (None, None, None, None)
    ref = logged["reference"]
    for step in (["acknowledge", ref], ["extend", ref, "--days", "1", "--reason", "R"], ["update", ref, "--progress", "P"],
                 ["close", ref, "--outcome", "withdrawn"], ["escalate", ref]):
        refused = cli(*step)
        assert refused.exit_code == 1 and f"{ref} is a {case_type}" in refused.stderr
    noted = cli.ok("note", ref, "Passed to the parks team", "--json").json()
    assert kinds(noted) == ["logged", "note"]
    assert noted["events"][1]["on"] == "2027-03-01"
    listed = cli.ok("list", "--type", case_type, "--json").json()
    assert [(row["reference"], row["next_due"], row["status"]) for row in listed] == [(ref, None, "closed")]


# -- escalation windows -----------------------------------------------------------------------------


@freeze_time("2027-06-30 12:00:00")
@pytest.mark.parametrize(
    ("window", "closed_on", "escalate_by"),
    [
        ("none", "2027-01-29", None),
        # A calendar month, clamped to the month end: 31 Jan to 28 Feb.
        ("1 month", "2027-01-31", "2027-02-28"),
        ("1 month", "2027-01-15", "2027-02-15"),
        # 20 working days after Fri 11 Dec 2026, over Christmas and New Year.
        ("20 working days", "2026-12-11", "2027-01-13"),
        ("14 days", "2027-01-29", "2027-02-12"),
    ],
)
def test_escalation_window_from_the_policy(db_location, tmp_path, window, closed_on, escalate_by):
    cli = Cli(db_location, config=write_policy(tmp_path, f'[stage2]\nescalation_window = "{window}"\n'))
    cli.ok("init")
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2026-12-01").stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2026-12-02")
    closed = cli.ok("close", ref, "--outcome", "upheld", "--reasons", "R", "--on", closed_on, "--json").json()
    assert closed["escalate_by"] == escalate_by
    assert closed["stages"][0]["escalate_by"] == escalate_by
    if escalate_by:
        # On the last day of the window: no reason needed.
        escalated = cli.ok("escalate", ref, "--handler", "Pat Jones", "--on", escalate_by, "--json").json()
        assert escalated["stage"] == 2 and escalated["stages"][1]["late_reason"] is None


@freeze_time("2027-06-30 12:00:00")
def test_late_escalation_with_and_without_a_reason_and_receipt_based_deadlines(db_location, tmp_path):
    cli = Cli(db_location, config=write_policy(tmp_path, (
        '[stage1]\nrespond_from = "receipt"\n'
        '[stage2]\nescalation_window = "20 working days"\nrespond_from = "receipt"\n'
    )))
    cli.ok("init")
    # Received Saturday 28 Nov 2026: acknowledge by Fri 4 Dec; respond 10 working days from receipt, Fri 11 Dec.
    logged = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2026-11-28", "--json").json()
    ref = logged["reference"]
    assert ref == "CMP-2026-00001"
    assert (logged["acknowledge_by"], logged["respond_by"]) == ("2026-12-04", "2026-12-11")
    acknowledged = cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2026-12-03", "--json").json()
    assert acknowledged["respond_by"] == "2026-12-11"
    closed = cli.ok("close", ref, "--outcome", "not-upheld", "--reasons", "R", "--on", "2026-12-11", "--json").json()
    assert closed["escalate_by"] == "2027-01-13"

    late = cli("escalate", ref, "--handler", "Pat Jones", "--on", "2027-01-14")
    assert late.exit_code == 1
    assert late.stderr == (f"Error: {ref}: the window to ask for stage 2 ended on 2027-01-13; "
                           "accept the request late with --late-reason TEXT\n")
    escalated = cli.ok("escalate", ref, "--handler", "Pat Jones", "--late-reason", "In hospital over New Year",
                       "--on", "2027-01-14", "--json").json()
    # Stage 2 received Thu 14 Jan: acknowledge by Thu 21 Jan, respond 20 working days from receipt, Thu 11 Feb.
    assert (escalated["stage"], escalated["acknowledge_by"], escalated["respond_by"], escalated["escalate_by"]) == (
        2, "2027-01-21", "2027-02-11", None)
    assert escalated["stages"][1]["late_reason"] == "In hospital over New Year"
    assert escalated["events"][-1]["details"]["late_reason"] == "In hospital over New Year"


@freeze_time("2027-06-30 12:00:00")
def test_a_stage2_acknowledgement_by_the_stage1_handler_is_refused_when_no_reviewer_was_named(cli):
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-01-04").stdout.strip()
    cli.ok("acknowledge", ref, "--on", "2027-01-05", officer="Sam Smith")  # the handler defaults to the officer
    cli.ok("close", ref, "--outcome", "upheld", "--reasons", "R", "--on", "2027-01-15", officer="Sam Smith")
    escalated = cli.ok("escalate", ref, "--on", "2027-01-20", "--json", officer="Sam Smith").json()
    assert escalated["handler"] is None
    refused = cli("acknowledge", ref, "--on", "2027-01-21", officer="Sam Smith")
    assert refused.exit_code == 1 and "Sam Smith handled stage 1" in refused.stderr
    acknowledged = cli.ok("acknowledge", ref, "--on", "2027-01-21", "--json", officer="Pat Jones").json()
    assert acknowledged["handler"] == "Pat Jones"


# -- progress updates -------------------------------------------------------------------------------


@freeze_time("2027-06-30 12:00:00")
def test_updates_fall_due_on_delayed_cases(db_location, tmp_path):
    cli = Cli(db_location, config=write_policy(tmp_path, "[updates]\nevery_days = 10\n"))
    cli.ok("init")
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-01-04").stdout.strip()
    acknowledged = cli.ok("acknowledge", ref, "--on", "2027-01-05", "--json").json()
    # Respond by Tue 19 Jan; if not, an update is due 10 working days after that.
    assert acknowledged["respond_by"] == "2027-01-19"
    assert acknowledged["stages"][0]["update_due"] == "2027-02-02"
    assert acknowledged["next_due"] == {"what": "respond", "due": "2027-01-19"}
    # Extended on Tue 12 Jan: updates run from the extension.
    extended = cli.ok("extend", ref, "--days", "10", "--reason", "R", "--on", "2027-01-12", "--json").json()
    assert extended["respond_by"] == "2027-02-02"
    assert extended["next_due"] == {"what": "update", "due": "2027-01-26"}
    updated = cli.ok("update", ref, "--progress", "P", "--on", "2027-01-25", "--json").json()
    assert updated["stages"][0]["update_due"] == "2027-02-08"
    assert updated["next_due"] == {"what": "respond", "due": "2027-02-02"}
    closed = cli.ok("close", ref, "--outcome", "upheld", "--reasons", "R", "--on", "2027-02-02", "--json").json()
    assert closed["stages"][0]["update_due"] is None


# -- the 12-month rule ------------------------------------------------------------------------------


@freeze_time("2027-03-01 12:00:00")
@pytest.mark.parametrize(
    ("issue_date", "flagged"),
    [("2025-12-31", True), ("2026-01-03", True), ("2026-01-04", False), ("2027-01-04", False), (None, False)],
)
def test_an_issue_known_over_12_months_before_receipt_is_flagged(cli, issue_date, flagged):
    extra = ["--issue-date", issue_date] if issue_date else []
    outcome = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-01-04", *extra, "--json")
    case = outcome.json()
    assert case["over_12_months"] is flagged
    assert case["issue_date"] == issue_date
    assert ("over-12-months exclusion may apply" in outcome.stderr) is flagged
    plain = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-01-04", *extra)
    assert re.fullmatch(r"CMP-2027-\d{5}\n", plain.stdout)
    assert ("over-12-months exclusion may apply" in plain.stderr) is flagged
    shown = " ".join(cli.ok("show", case["reference"]).stdout.split())
    assert ("over-12-months exclusion may apply" in shown) is flagged


# -- list and its filters ---------------------------------------------------------------------------


@pytest.fixture
def listed(cli):
    with freeze_time("2027-06-30 12:00:00"):
        a = cli.ok("log", "--name", "Ann", "--summary", "S", "--service", "Waste", "--received", "2027-01-04").stdout.strip()
        cli.ok("acknowledge", a, "--handler", "Sam Smith", "--on", "2027-01-05")
        b = cli.ok("log", "--name", "Ben", "--summary", "S", "--service", "Housing Repairs", "--received", "2027-02-01").stdout.strip()
        c = cli.ok("log", "--name", "Cat", "--summary", "S", "--service", "Housing Repairs", "--received", "2027-03-01").stdout.strip()
        cli.ok("acknowledge", c, "--handler", "Sam Smith", "--on", "2027-03-02")
        cli.ok("close", c, "--outcome", "upheld", "--reasons", "R", "--on", "2027-03-05")
        cli.ok("escalate", c, "--handler", "Pat Jones", "--on", "2027-03-08")
        d = cli.ok("log", "--type", "compliment", "--name", "Dee", "--service", "Waste", "--received", "2027-02-15").stdout.strip()
        e = cli.ok("log", "--name", "Eve", "--summary", "S", "--service", "Waste", "--received", "2027-02-20").stdout.strip()
        cli.ok("close", e, "--outcome", "withdrawn", "--on", "2027-02-22")
    return cli, {"A": a, "B": b, "C": c, "D": d, "E": e}


# Newest first (by date received).
LIST_FILTERS = [
    ([], "C E D B A"),
    (["--status", "open"], "C B"),
    (["--status", "acknowledged"], "A"),
    (["--status", "closed"], "E D"),
    (["--stage", "2"], "C"),
    (["--stage", "1"], "E D B A"),
    (["--handler", "sam smith"], "A"),
    (["--handler", "Pat Jones"], "C"),
    (["--service", "housing repairs"], "C B"),
    (["--service", "Waste"], "E D A"),
    (["--from", "2027-02-01"], "C E D B"),
    (["--received-from", "01/02/2027"], "C E D B"),
    (["--to", "2027-02-01"], "B A"),
    (["--received-to", "2027-02-01"], "B A"),
    (["--from", "2027-02-01", "--to", "2027-02-15"], "D B"),
    (["--type", "compliment"], "D"),
    (["--type", "complaint", "--status", "closed"], "E"),
    (["--service", "Housing Repairs", "--stage", "1"], "B"),
    (["--limit", "2"], "C E"),  # the newest two
    (["--status", "live"], "C B A"),
    (["--status", "closed,acknowledged"], "E D A"),
    (["--handler", "Nobody"], ""),
]


@freeze_time("2027-06-30 12:00:00")
def test_list_filters(listed):
    cli, refs = listed
    for filters, expected in LIST_FILTERS:
        rows = cli.ok("list", *filters, "--json").json()
        assert [row["reference"] for row in rows] == [refs[key] for key in expected.split()], filters


@freeze_time("2027-06-30 12:00:00")
def test_list_rows_and_csv(listed):
    cli, refs = listed
    rows = {row["reference"]: row for row in cli.ok("list", "--json").json()}
    assert rows[refs["C"]] == {
        "reference": refs["C"], "type": "complaint", "stage": 2, "status": "open", "outcome": None,
        "received_on": "2027-03-01", "name": "Cat", "service": "Housing Repairs", "category": None,
        "handler": "Pat Jones", "respond_by": "2027-04-14", "next_due": "2027-03-15", "next_due_what": "acknowledge",
    }
    assert (rows[refs["E"]]["status"], rows[refs["E"]]["outcome"], rows[refs["E"]]["next_due"]) == ("closed", "withdrawn", None)
    table = list(csv.DictReader(io.StringIO(cli.ok("list", "--csv").stdout)))
    assert list(table[0]) == ["reference", "type", "stage", "status", "outcome", "received_on", "name", "service",
                              "handler", "next_due", "next_due_what"]
    assert [row["reference"] for row in table] == [refs[key] for key in "C E D B A".split()]
    assert table[0]["next_due"] == "2027-03-15"
    nothing = cli.ok("list", "--handler", "Nobody")
    assert nothing.stdout == "" and nothing.stderr == "No cases match.\n"


# -- human output -----------------------------------------------------------------------------------


@freeze_time("2027-06-30 12:00:00")
@pytest.mark.parametrize("no_color", ["1", None])
def test_plain_output_reads_in_80_columns(cli, monkeypatch, no_color):
    """Not a terminal (and NO_COLOR or not): plain text, no escape codes, at most 80 columns."""
    monkeypatch.delenv("COLUMNS", raising=False)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    long = "Environmental Health and Neighbourhood Enforcement Services Directorate"
    ref = cli.ok("log", "--name", "Professor Bartholomew Fitzwilliam-Montgomery-Smythe", "--summary", long * 2,
                 "--service", long, "--category", long, "--representative", "Councillor Alexandra Worthington-Browne",
                 "--email", "bartholomew.fitzwilliam-montgomery-smythe@example.org", "--received", "2027-01-04").stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Maximilian Featherstonehaugh-Cholmondeley", "--on", "2027-01-05")
    cli.ok("close", ref, "--outcome", "upheld", "--reasons", "R", "--on", "2027-01-15",
           "--action", long, "--action-due", "2027-02-01")
    cli.ok("note", ref, long * 3, "--on", "2027-01-16")
    cli.ok("log", "--name", "Ann", "--summary", "S", "--received", "2027-02-01")
    for arguments in (["show", ref], ["list"], ["action", "list"]):
        output = cli.ok(*arguments).stdout
        assert output.strip(), arguments
        assert "\x1b[" not in output, arguments
        widths = [len(line) for line in output.splitlines()]
        assert max(widths) <= 80, (arguments, max(widths), output)
    listing = cli.ok("list").stdout
    assert ref in listing and "2 cases" in listing
    shown = cli.ok("show", ref).stdout
    for words in (ref, "Stages", "History", "Actions", "LGSCO"):
        assert words in shown
    assert shown.splitlines()[0].split() == ["Reference", ref]


# -- deadlines follow the calendar ------------------------------------------------------------------


@freeze_time("2026-12-22 12:00:00")
def test_a_new_closure_day_moves_the_deadlines_of_open_cases(cli, tmp_path):
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2026-12-21").stdout.strip()
    closed = cli.ok("log", "--name", "M", "--summary", "S", "--received", "2026-12-01").stdout.strip()
    cli.ok("close", closed, "--outcome", "withdrawn", "--on", "2026-12-02")
    # Received Mon 21 Dec: acknowledge by Wed 30 Dec (25 and 28 Dec are bank holidays).
    assert cli.show(ref)["acknowledge_by"] == "2026-12-30"
    assert cli.ok("list", "--status", "open", "--json").json()[0]["next_due"] == "2026-12-30"
    closures = write_policy(tmp_path, '[calendar]\nclosures = ["2026-12-29", "2026-12-30", "2026-12-31"]\n')
    # The council shuts between Christmas and New Year: Tue 5 Jan 2027.
    moved = cli.ok("show", ref, "--json", config=closures).json()
    assert (moved["acknowledge_by"], moved["respond_by"]) == ("2027-01-05", "2027-01-19")
    assert cli.ok("list", "--status", "open", "--json", config=closures).json()[0]["next_due"] == "2027-01-05"
    # The database stored the new policy: without --config it is still in force.
    assert cli.ok("list", "--status", "open", "--json").json()[0]["next_due"] == "2027-01-05"
    assert cli.show(closed)["stages"][0]["acknowledge_by"] == "2026-12-08"


# -- today ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("utc", "london"),
    [
        ("2027-06-30 23:30:00", "2027-07-01"),  # British Summer Time: already tomorrow in London
        ("2027-01-10 23:30:00", "2027-01-10"),  # Greenwich Mean Time: the same day
    ],
)
def test_today_is_the_date_in_london(cli, utc, london):
    with freeze_time(utc):
        logged = cli.ok("log", "--name", "N", "--summary", "S", "--json").json()
        assert logged["received_on"] == london
        noted = cli.ok("note", logged["reference"], "called", "--on", "today", "--json").json()
        assert noted["events"][-1]["on"] == london
        tomorrow = (date.fromisoformat(london) + timedelta(days=1)).isoformat()
        future = cli("note", logged["reference"], "called", "--on", tomorrow)
        assert future.exit_code == 1 and "in the future" in future.stderr
