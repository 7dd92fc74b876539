"""Corrections through the command line (SPEC §10): `amend` a case's details and `void` its
latest step. Each is an event with a reason, shown in the history; the case, its deadlines, its
letters, `overdue`, `list` and the annual report are as if the mistake had never been made; and
`verify` passes, and still finds tampering.

The built-in policy: acknowledge within 5 working days, respond within 10 of the acknowledgement.
The clock ticks from a frozen start, so each command has its own recorded time, as in use.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import Cli
from freezegun import freeze_time

from complaintctl.domain.case import derive
from complaintctl.domain.corrections import latest_step
from complaintctl.domain.events import Event
from complaintctl.domain.policy import from_mapping

TODAY = "2027-06-30 12:00:00"


def kinds(case: dict) -> list[str]:
    return [event["kind"] for event in case["events"]]


def voided(case: dict) -> list[bool]:
    return [event["voided"] for event in case["events"]]


def without_history(case: dict) -> dict:
    return {key: value for key, value in case.items() if key != "events"}


def dump(db: str) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def refused(cli: Cli, *args: str, code: int = 1) -> str:
    """The one-line error of a refused command, which changed nothing in the (SQLite) database."""
    sqlite = "://" not in cli.db
    before = dump(cli.db) if sqlite else None
    outcome = cli(*args)
    assert outcome.exit_code == code, (args, outcome.exit_code, outcome.stderr)
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr
    if sqlite:
        assert dump(cli.db) == before
    return lines[0]


# -- the fold, without a database ----------------------------------------------------------------------


AT = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def event(number: int, kind: str, on: str, details: dict, seconds: int | None = None) -> Event:
    recorded_at = AT + timedelta(seconds=number if seconds is None else seconds)
    return Event(kind=kind, on=date.fromisoformat(on), officer="o", recorded_at=recorded_at, details=details, number=number)


LOGGED = event(1, "logged", "2027-01-04", {"type": "complaint", "name": "Ann", "email": "ann@exampel.org",
                                         "received_on": "2027-01-04", "summary": "Damp", "housing": False})
ACKNOWLEDGED = event(2, "acknowledged", "2027-01-05", {"stage": 1, "handler": "Sam Smith"})
# A close and the action promised with it: one command, one recorded time.
CLOSED = event(3, "closed", "2027-01-15", {"stage": 1, "outcome": "upheld", "reasons": "R"}, seconds=60)
ACTION = event(4, "action-added", "2027-01-15", {"number": 1, "what": "Fix", "due": "2027-02-01", "owner": None}, seconds=60)


def test_a_close_and_its_actions_are_one_step_and_nothing_else_joins_them():
    assert latest_step([LOGGED, ACKNOWLEDGED, CLOSED, ACTION]) == [CLOSED, ACTION]
    later_action = event(4, "action-added", "2027-01-15", {"number": 1, "what": "Fix", "due": "2027-02-01"}, seconds=90)
    assert latest_step([LOGGED, ACKNOWLEDGED, CLOSED, later_action]) == [later_action]
    assert latest_step([LOGGED, ACKNOWLEDGED]) == [ACKNOWLEDGED]
    assert latest_step([LOGGED]) == []


def test_derive_leaves_out_voided_steps_and_applies_amendments():
    policy = from_mapping({})
    void = event(5, "voided", "2027-01-18", {"reason": "wrong case", "step": 3, "kind": "closed", "events": [3, 4]})
    amend = event(6, "amended", "2027-01-18", {"reason": "typo", "changes": {
        "email": {"before": "ann@exampel.org", "after": "ann@example.org"}, "housing": {"before": False, "after": True}}})
    case = derive("CMP-2027-00001", [LOGGED, ACKNOWLEDGED, CLOSED, ACTION, void, amend], policy, policy.calendar())
    assert (case.status, case.outcome, case.actions, case.voided) == ("acknowledged", None, [], frozenset({3, 4}))
    assert (case.current.respond_by, case.details["email"], case.ombudsman) == (date(2027, 1, 19), "ann@example.org", "housing")
    assert [item.kind for item in case.events_in_force] == ["logged", "acknowledged", "amended"]
    assert len(case.events) == 6


# -- the judging scenario: a close on the wrong case, voided and recorded on the right one -------------

# Two complaints received Mon 4 Jan 2027 and acknowledged Tue 5 Jan: respond by Tue 19 Jan.
TWO_CASES = [
    ["log", "--name", "Ann Wrong", "--email", "ann@example.org", "--service", "Housing Repairs",
     "--category", "Damp", "--summary", "Damp in the bedroom", "--received", "2027-01-04"],
    ["log", "--name", "Bob Right", "--email", "bob@example.org", "--service", "Parking",
     "--category", "Fines", "--summary", "A ticket in error", "--received", "2027-01-04"],
]
CLOSE = ["--outcome", "upheld", "--reasons", "The ticket was issued in error", "--apology",
         "--compensation", "50", "--action", "Refund the fine", "--action-due", "2027-02-01",
         "--learning", "Check the permit list before issuing"]


def two_cases(cli: Cli) -> tuple[str, str]:
    wrong = cli.ok(*TWO_CASES[0]).stdout.strip()
    right = cli.ok(*TWO_CASES[1]).stdout.strip()
    cli.ok("acknowledge", wrong, "--handler", "Sam Smith", "--on", "2027-01-05")
    cli.ok("acknowledge", right, "--handler", "Pat Jones", "--on", "2027-01-05")
    return wrong, right


def answers(cli: Cli, wrong: str, right: str) -> dict:
    """Everything a team reads about the two cases, but their histories."""
    return {
        "show": [without_history(cli.show(wrong)), without_history(cli.show(right))],
        "list": cli.ok("list", "--json").json(),
        "overdue": cli.ok("overdue", "--json").json(),
        "overdue then": cli.ok("overdue", "--json", "--as-of", "2027-01-16").json(),
        "overdue later": cli.ok("overdue", "--json", "--within", "5", "--as-of", "2027-01-20").json(),
        "actions": cli.ok("action", "list", "--json").json(),
        "letters": [cli.ok("letter", wrong).stdout, cli.ok("letter", right).stdout,
                    cli.ok("letter", right, "decision", "--format", "html").stdout],
        "report": cli.ok("report", "annual", "--year", "2026", "--json").json(),
    }


@pytest.mark.both_databases
def test_a_close_on_the_wrong_case_voided_is_as_if_it_never_happened(cli, tmp_path):
    with freeze_time(TODAY, tick=True):
        wrong, right = two_cases(cli)
        cli.ok("close", wrong, *CLOSE, "--on", "2027-01-15")
        shown = cli.ok("void", wrong, "--reason", "Closed the wrong case", "--on", "2027-01-18", "--json").json()
        cli.ok("close", right, *CLOSE, "--on", "2027-01-18")
        mistaken = answers(cli, wrong, right)

        clean = Cli(str(tmp_path / "never-mistaken.db"))
        clean.ok("init")
        assert two_cases(clean) == (wrong, right)
        clean.ok("close", right, *CLOSE, "--on", "2027-01-18")
        never = answers(clean, wrong, right)

        refusal = refused(cli, "letter", wrong, "decision")
        history = cli.ok("show", wrong).stdout
        verified = cli.ok("verify")

    assert mistaken == never
    # The wrong case is open again, late: its response was due on 19 January.
    assert (shown["status"], shown["outcome"], shown["respond_by"], shown["actions"]) == ("acknowledged", None, "2027-01-19", [])
    assert [(item["reference"], item["what"], item["due"]) for item in mistaken["overdue"]] == [
        (wrong, "respond", "2027-01-19"), (right, "action", "2027-02-01"),
    ]
    assert mistaken["report"]["stage1"]["responded"] == 1 and mistaken["report"]["learning"]["recorded"] == 1
    assert mistaken["report"]["by_service"] == {"Housing Repairs": 1, "Parking": 1}
    assert "Dear Ann Wrong" in mistaken["letters"][0] and "We have received your complaint" in mistaken["letters"][0]
    assert "stage 1 is not closed" in refusal
    # The history keeps the mistake, marked, and the void that names it and says why.
    assert kinds(shown) == ["logged", "acknowledged", "closed", "action-added", "voided"]
    assert voided(shown) == [False, False, True, True, False]
    assert shown["events"][-1]["details"] == {
        "reason": "Closed the wrong case", "step": 3, "kind": "closed", "step_on": "2027-01-15", "events": [3, 4],
    }
    assert "closed (voided)" in history and "action-added (voided)" in history
    assert "step 3 (closed) voided: Closed the wrong case" in " ".join(history.split())
    assert verified.stdout.startswith("OK:")


@freeze_time(TODAY, tick=True)
def test_a_voided_step_is_struck_through_on_a_terminal(cli, monkeypatch):
    ref = cli.ok(*TWO_CASES[0]).stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-01-05")
    cli.ok("void", ref, "--reason", "Acknowledged the wrong case")
    monkeypatch.setenv("FORCE_COLOR", "1")
    lines = cli.ok("show", ref).stdout.splitlines()
    struck = [line for line in lines if "\x1b[9m" in line]
    assert len(struck) == 1 and "acknowledged (voided)" in struck[0]


@freeze_time(TODAY)
def test_a_void_is_dated_on_or_after_the_step_it_takes_back(cli):
    ref = cli.ok(*TWO_CASES[0]).stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-01-08")
    assert "before 2027-01-08" in refused(cli, "void", ref, "--reason", "Wrong case", "--on", "2027-01-07")


# -- void, step by step ------------------------------------------------------------------------------------


@freeze_time(TODAY, tick=True)
def test_each_void_takes_back_the_step_before_until_only_the_logging_is_left(cli):
    ref = cli.ok(*TWO_CASES[0]).stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-01-05")
    # Five working days more: respond by Tue 26 Jan instead of Tue 19 Jan.
    cli.ok("extend", ref, "--days", "5", "--reason", "Waiting for a surveyor", "--on", "2027-01-12")
    cli.ok("update", ref, "--progress", "The surveyor is booked", "--on", "2027-01-13")
    cli.ok("note", ref, "internal: wrong case", "--on", "2027-01-13")

    note_voided = cli.ok("void", ref, "--reason", "Noted on the wrong case", "--json").json()
    assert note_voided["events"][-1]["details"]["kind"] == "note"
    assert cli.ok("letter", ref, "update").stdout

    update_voided = cli.ok("void", ref, "--reason", "Not sent", "--json").json()
    assert update_voided["events"][-1]["details"]["kind"] == "updated"
    assert update_voided["respond_by"] == "2027-01-26"
    assert "no progress update" in refused(cli, "letter", ref, "update")
    assert "We need more time to respond" in cli.ok("letter", ref).stdout

    extension_voided = cli.ok("void", ref, "--reason", "Extended the wrong case", "--json").json()
    assert (extension_voided["respond_by"], extension_voided["extension_days"]) == ("2027-01-19", 0)
    assert "no extension" in refused(cli, "letter", ref, "extension")

    acknowledgement_voided = cli.ok("void", ref, "--reason", "Acknowledged the wrong case", "--json").json()
    assert (acknowledgement_voided["status"], acknowledgement_voided["handler"]) == ("open", None)
    assert acknowledgement_voided["next_due"] == {"what": "acknowledge", "due": "2027-01-11"}
    assert voided(acknowledgement_voided) == [False, True, True, True, True, False, False, False, False]

    message = refused(cli, "void", ref, "--reason", "Logged twice")
    assert "cannot be voided" in message and "--outcome withdrawn" in message and "duplicate" in message
    # The case goes on from where it stands.
    again = cli.ok("acknowledge", ref, "--handler", "Pat Jones", "--on", "2027-01-06", "--json").json()
    assert (again["acknowledged_on"], again["respond_by"]) == ("2027-01-06", "2027-01-20")
    assert cli.ok("verify").stdout.startswith("OK:")


@freeze_time(TODAY, tick=True)
def test_a_voided_escalation_leaves_stage_one_closed_with_its_decision_letter(cli):
    ref = cli.ok(*TWO_CASES[0]).stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-01-05")
    cli.ok("close", ref, "--outcome", "not-upheld", "--reasons", "Repaired in time", "--on", "2027-01-15")
    cli.ok("escalate", ref, "--handler", "Pat Jones", "--on", "2027-01-20")
    case = cli.ok("void", ref, "--reason", "The request was about another case", "--json").json()
    assert (case["stage"], case["status"], case["outcome"], len(case["stages"])) == (1, "closed", "not-upheld", 1)
    assert cli.ok("list", "--json").json()[0]["stage"] == 1
    assert "Our response to your complaint" in cli.ok("letter", ref).stdout
    assert "has not reached stage 2" in refused(cli, "letter", ref, "acknowledgement", "--stage", "2")
    assert cli.ok("report", "annual", "--year", "2026", "--json").json()["stage2"]["received"] == 0
    assert cli.ok("verify").stdout.startswith("OK:")


@freeze_time(TODAY, tick=True)
def test_voided_records_leave_the_annual_report(cli):
    ref = cli.ok(*TWO_CASES[0]).stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-01-05")
    cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Late repair", "--on", "2027-01-15")
    cli.ok("learning", ref, "Book surveys within a week", "--on", "2027-01-20")
    cli.ok("survey", ref, "--satisfied", "yes", "--on", "2027-01-21")
    before = cli.ok("report", "annual", "--year", "2026", "--json").json()
    assert (before["learning"]["recorded"], before["survey"]["responses"]) == (1, 1)

    cli.ok("void", ref, "--reason", "The survey was another complainant's")
    cli.ok("void", ref, "--reason", "Learning recorded on the wrong case")
    after = cli.ok("report", "annual", "--year", "2026", "--json").json()
    assert (after["learning"]["recorded"], after["survey"]["responses"]) == (0, 0)
    assert after["stage1"]["responded"] == 1
    assert cli.ok("verify").stdout.startswith("OK:")


# -- amend -----------------------------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_an_amended_email_and_service_reach_letters_lists_and_the_report(cli):
    with freeze_time(TODAY, tick=True):
        ref = cli.ok("log", "--name", "Ann Typo", "--email", "ann@exampel.org", "--preferred-contact", "email",
                     "--service", "Repairs", "--summary", "Damp", "--received", "2027-01-04").stdout.strip()
        cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-01-05")
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Late repair", "--on", "2027-01-15")
        case = cli.ok("amend", ref, "--reason", "Email mistyped; service area was wrong", "--email", "ann@example.org",
                      "--service", "Housing Repairs", "--on", "2027-01-20", "--json").json()
        eml = cli.ok("letter", ref, "--format", "eml").stdout
        listed = cli.ok("list", "--json").json()
        report = cli.ok("report", "annual", "--year", "2026", "--json").json()
        history = cli.ok("show", ref).stdout
        verified = cli.ok("verify")

    assert (case["email"], case["service"], case["status"], case["outcome"]) == ("ann@example.org", "Housing Repairs", "closed", "upheld")
    assert case["events"][-1]["kind"] == "amended"
    assert case["events"][-1]["details"] == {
        "reason": "Email mistyped; service area was wrong",
        "changes": {
            "email": {"before": "ann@exampel.org", "after": "ann@example.org"},
            "service": {"before": "Repairs", "after": "Housing Repairs"},
        },
    }
    assert "To: Ann Typo <ann@example.org>" in eml and "exampel" not in eml
    assert [row["service"] for row in listed] == ["Housing Repairs"]
    assert report["by_service"] == {"Housing Repairs": 1}
    assert "service: Repairs → Housing Repairs" in " ".join(history.split())
    assert verified.stdout.startswith("OK:")


@freeze_time(TODAY, tick=True)
def test_amended_details_that_decide_the_ombudsman_and_the_12_month_flag(cli):
    ref = cli.ok("log", "--anonymous", "--summary", "Noise", "--received", "2027-01-04").stdout.strip()
    case = cli.ok("amend", ref, "--reason", "Gave their name; housing landlord; old issue", "--name", "Cy Named",
                  "--housing", "--issue-date", "2025-10-01", "--json").json()
    assert (case["name"], case["anonymous"], case["ombudsman"], case["over_12_months"]) == ("Cy Named", False, "housing", True)
    assert set(case["events"][-1]["details"]["changes"]) == {"name", "anonymous", "housing", "issue_date"}
    back = cli.ok("amend", ref, "--reason", "Not a housing matter", "--no-housing", "--address", "1 High Street", "--json").json()
    assert (back["ombudsman"], back["address"]) == ("lgsco", "1 High Street")
    removed = cli.ok("amend", ref, "--reason", "Address was a neighbour's", "--address", "", "--json").json()
    assert removed["address"] is None
    assert removed["events"][-1]["details"]["changes"] == {"address": {"before": "1 High Street", "after": None}}
    # An amendment is a step like any other: voided, the details are as before it.
    restored = cli.ok("void", ref, "--reason", "The neighbour's address was right", "--json").json()
    assert restored["address"] == "1 High Street"
    assert cli.ok("verify").stdout.startswith("OK:")


@freeze_time(TODAY)
def test_amend_refusals_change_nothing(cli):
    ref = cli.ok("log", "--name", "Ann", "--email", "ann@example.org", "--preferred-contact", "email",
                 "--summary", "Damp", "--received", "2027-01-04").stdout.strip()
    assert "nothing was changed" in refused(cli, "amend", ref, "--reason", "Same", "--email", "ann@example.org")
    assert "at least one detail" in refused(cli, "amend", ref, "--reason", "Nothing")
    assert "--reason" in refused(cli, "amend", ref, "--phone", "01632 960001")
    assert "name" in refused(cli, "amend", ref, "--reason", "Removed", "--name", "")
    assert "--preferred-contact" in refused(cli, "amend", ref, "--reason", "No email", "--email", "")
    assert "summary" in refused(cli, "amend", ref, "--reason", "Removed", "--summary", " ")
    assert "after the complaint was received" in refused(cli, "amend", ref, "--reason", "Later", "--issue-date", "2027-02-01")
    assert "--on" in refused(cli, "amend", ref, "--reason", "Early", "--phone", "1", "--on", "2026-12-01")
    # The checks of `log`, as `log` makes them: malformed values are usage errors.
    assert "not an email address" in refused(cli, "amend", ref, "--reason", "Typo", "--email", "ann at example", code=2)
    assert "control character" in refused(cli, "amend", ref, "--reason", "Typo", "--name", "Ann\x1b[31m", code=2)
    assert "at most 200" in refused(cli, "amend", ref, "--reason", "Long", "--service", "x" * 201, code=2)
    assert "not one of" in refused(cli, "amend", ref, "--reason", "Fax", "--preferred-contact", "fax", code=2)
    assert "CMP-2027-09999" in refused(cli, "amend", "CMP-2027-09999", "--reason", "Typo", "--phone", "1")
    assert "--reason" in refused(cli, "void", ref)


# -- verify still finds tampering ----------------------------------------------------------------------------


@freeze_time(TODAY, tick=True)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET details = replace(details, '[3]', '[2]') WHERE kind = 'voided'",
        "UPDATE events SET details = replace(details, 'ann@example.net', 'x@example.net') WHERE kind = 'amended'",
        "UPDATE cases SET status = 'closed', outcome = 'upheld'",
        "DELETE FROM events WHERE kind = 'voided'",
    ],
)
def test_verify_finds_corrections_tampered_with(cli, statement):
    ref = cli.ok(*TWO_CASES[0]).stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-01-05")
    cli.ok("close", ref, "--outcome", "not-upheld", "--reasons", "No fault", "--on", "2027-01-15")
    cli.ok("void", ref, "--reason", "Closed in error")
    cli.ok("amend", ref, "--reason", "Typo", "--email", "ann@example.net")
    cli.ok("note", ref, "after the corrections")
    assert cli.ok("verify").stdout.startswith("OK:")
    connection = sqlite3.connect(cli.db)
    with connection:
        assert connection.execute(statement).rowcount == 1
    connection.close()
    outcome = cli("verify")
    assert outcome.exit_code == 1 and ref in outcome.stderr
