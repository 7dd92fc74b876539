"""The team roster (SPEC §10): officers added, listed and retired; handlers and officers named
from it once it has officers; the stage 2 handler compared as an officer and, where the policy
asks, holding the reviewer role; `assign`; letters naming officers, never their logins."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timezone

import pytest
from conftest import Cli
from freezegun import freeze_time

from complaintctl.domain.case import derive
from complaintctl.domain.events import Event
from complaintctl.domain.officers import Officer, Roster, check_reviewer
from complaintctl.domain.policy import load
from complaintctl.errors import InvalidInput, RuleViolation

NOW = "2027-06-30 12:00:00"


def events_of(cli: Cli, reference: str) -> list[dict]:
    return cli.show(reference)["events"]


def one_line_refusal(outcome, code: int = 1) -> str:
    assert outcome.exit_code == code, outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr
    return lines[0]


def team(cli: Cli) -> None:
    """Priya Shah (priya.shah, manager), Dawn Reid (dreid), David Smith (dsmith, reviewer)."""
    cli.ok("officer", "add", "Priya Shah", "--login", "priya.shah", "--role", "handler", "--role", "manager", officer="priya.shah")
    cli.ok("officer", "add", "Dawn Reid", "--login", "dreid", "--email", "dawn.reid@example.gov.uk", officer="priya.shah")
    cli.ok("officer", "add", "David Smith", "--login", "dsmith", "--role", "reviewer", officer="priya.shah")


def closed_at_stage1(cli: Cli, officer: str = "priya.shah", **acknowledge) -> str:
    ref = cli.ok("log", "--name", "Mrs A Begum", "--email", "a.begum@example.net", "--summary", "Damp not inspected",
                 "--received", "2027-01-04", officer=officer).stdout.strip()
    cli.ok("acknowledge", ref, "--on", "2027-01-05", *acknowledge.get("extra", ()), officer=officer)
    cli.ok("close", ref, "--outcome", "upheld", "--reasons", "We were late", "--on", "2027-01-15", officer=officer)
    return ref


# -- the roster itself, on both databases -----------------------------------------------------------


@pytest.mark.both_databases
@freeze_time(NOW)
def test_officers_are_added_listed_and_retired_and_kept(cli):
    assert cli.ok("officer", "list", "--json").json() == []
    first = cli("officer", "add", "Priya Shah", "--login", "priya.shah", "--role", "manager", "--role", "handler",
                "--json", officer="root")
    assert first.exit_code == 0, first.stderr
    # Whoever adds the first officer need not be on the roster, but is told that they must be from now on.
    assert "you are not on it" in first.stderr
    assert first.json() == {
        "id": 1, "name": "Priya Shah", "login": "priya.shah", "email": None, "roles": ["manager", "handler"],
        "active": True, "added_at": "2027-06-30T12:00:00+00:00", "added_by": "root", "retired_at": None, "retired_by": None,
        "roles_changed_at": None, "roles_changed_by": None,
    }
    cli.ok("officer", "add", "  Dawn   Reid ", "--login", "dreid", "--email", "dawn.reid@example.gov.uk", officer="priya.shah")
    listed = cli.ok("officer", "list", "--json").json()
    assert [(o["name"], o["login"], o["email"], o["roles"], o["added_by"]) for o in listed] == [
        ("Priya Shah", "priya.shah", None, ["manager", "handler"], "root"),
        ("Dawn Reid", "dreid", "dawn.reid@example.gov.uk", ["handler"], "Priya Shah"),
    ]

    # Names and logins are unique, whatever their case; the refusal adds no one.
    for name, login in (("priya shah", "someone"), ("Someone Else", "DREID"), ("dreid", None)):
        extra = ["--login", login] if login else []
        refused = cli("officer", "add", name, *extra, officer="dreid")
        assert "already on the roster" in one_line_refusal(refused)
    assert len(cli.ok("officer", "list", "--json").json()) == 2

    retired = cli.ok("officer", "retire", "dawn", "--json", officer="priya.shah").json()
    assert (retired["name"], retired["active"], retired["retired_by"], retired["retired_at"]) == (
        "Dawn Reid", False, "Priya Shah", "2027-06-30T12:00:00+00:00")
    # Kept in history: listed, and still not a name a new officer can take.
    assert [o["active"] for o in cli.ok("officer", "list", "--json").json()] == [True, False]
    assert "already on the roster" in one_line_refusal(cli("officer", "add", "Dawn Reid", officer="priya.shah"))
    assert "already left" in one_line_refusal(cli("officer", "retire", "dreid", officer="priya.shah"))
    # Every step needs a current officer: the last one stays.
    assert "last current officer" in one_line_refusal(cli("officer", "retire", "Priya Shah", officer="priya.shah"))
    table = cli.ok("officer", "list").stdout
    assert "Priya Shah" in table and "Dawn Reid" in table and "2027-06-30" in table


@pytest.mark.both_databases
@freeze_time(NOW)
def test_the_issue_scenario_a_login_is_the_same_officer_as_the_full_name(cli):
    team(cli)
    # Priya acknowledges under her login, so stage 1 is hers; nobody is named at escalation.
    ref = closed_at_stage1(cli)
    assert cli.show(ref)["stages"][0]["handler"] == "Priya Shah"
    escalated = cli.ok("escalate", ref, "--on", "2027-01-20", "--json", officer="priya.shah").json()
    assert escalated["handler"] is None
    before = events_of(cli, ref)

    refused = cli("acknowledge", ref, "--on", "2027-01-21", officer="priya.shah")
    assert "Priya Shah handled stage 1" in one_line_refusal(refused)
    for typed in ("priya.shah", "PRIYA SHAH", "priya"):
        refused = cli("acknowledge", ref, "--handler", typed, "--on", "2027-01-21", officer="dreid")
        assert "no prior involvement" in one_line_refusal(refused), typed
    assert events_of(cli, ref) == before

    acknowledged = cli.ok("acknowledge", ref, "--on", "2027-01-21", "--json", officer="dsmith").json()
    assert acknowledged["handler"] == "David Smith"
    # What is recorded is the officer: the full name, however they were typed.
    assert [event["officer"] for event in acknowledged["events"]] == ["Priya Shah"] * 4 + ["David Smith"]
    cli.ok("verify")


# -- names typed against the roster ----------------------------------------------------------------


@freeze_time(NOW)
def test_a_handler_or_officer_not_on_the_roster_is_refused_naming_the_roster(cli):
    team(cli)
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-01-04", officer="dreid").stdout.strip()
    before = events_of(cli, ref)

    # "D. Reid" is no login, no full name and the start of neither.
    line = one_line_refusal(cli("acknowledge", ref, "--handler", "D. Reid", "--on", "2027-01-05", officer="dreid"))
    assert "--handler names no officer on the team roster" in line
    assert "Priya Shah (priya.shah), Dawn Reid (dreid), David Smith (dsmith)" in line
    # "D" starts both Dawn Reid and David Smith: which one is not guessed.
    line = one_line_refusal(cli("acknowledge", ref, "--handler", "D", "--on", "2027-01-05", officer="dreid"))
    assert "could be any of Dawn Reid (dreid), David Smith (dsmith)" in line
    # The recording officer is held to the same roster (and no email is ever listed).
    line = one_line_refusal(cli("acknowledge", ref, "--on", "2027-01-05", officer="officer.one"))
    assert "--officer" in line and "no officer on the team roster" in line and "@" not in line
    assert events_of(cli, ref) == before

    # The start of a full name or a login finds the one officer it fits.
    acknowledged = cli.ok("acknowledge", ref, "--handler", "daw", "--on", "2027-01-05", "--json", officer="DSMITH").json()
    assert acknowledged["handler"] == "Dawn Reid"
    assert acknowledged["events"][-1]["officer"] == "David Smith"


@freeze_time(NOW)
def test_while_the_roster_is_empty_names_are_free_text(cli):
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-01-04", officer="anyone.at.all").stdout.strip()
    shown = cli.ok("acknowledge", ref, "--handler", "D. Reid", "--on", "2027-01-05", "--json", officer="someone").json()
    assert shown["handler"] == "D. Reid"
    assert [event["officer"] for event in shown["events"]] == ["anyone.at.all", "someone"]


@freeze_time(NOW)
def test_an_officer_cannot_retire_themselves(cli):
    team(cli)
    for typed in ("dreid", "Dawn Reid", "dawn"):
        assert "you cannot retire yourself; ask another officer" in one_line_refusal(cli("officer", "retire", typed, officer="dreid"))
    assert [o["active"] for o in cli.ok("officer", "list", "--json").json()] == [True, True, True]
    cli.ok("officer", "retire", "dreid", officer="priya.shah")


@freeze_time(NOW)
def test_a_retired_officer_is_given_no_new_case_or_step(cli):
    team(cli)
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-01-04", officer="dreid").stdout.strip()
    cli.ok("acknowledge", ref, "--on", "2027-01-05", officer="dreid")
    retired = cli.ok("officer", "retire", "Dawn Reid", officer="priya.shah")
    assert f"still handle 1 open case: {ref}; give it to another officer" in retired.stderr
    before = events_of(cli, ref)
    assert "left the team roster on 2027-06-30" in one_line_refusal(cli("note", ref, "hello", officer="dreid"))
    other = cli.ok("log", "--name", "M", "--summary", "T", "--received", "2027-01-04", officer="dsmith").stdout.strip()
    assert "left the team roster" in one_line_refusal(cli("acknowledge", other, "--handler", "dreid", officer="dsmith"))
    assert events_of(cli, ref) == before
    # The history still names her, and the case can be given to someone current.
    assert cli.show(ref)["handler"] == "Dawn Reid"
    assigned = cli.ok("assign", ref, "--handler", "dsmith", "--reason", "Dawn has left", "--on", "2027-01-06",
                      "--json", officer="priya.shah").json()
    assert assigned["handler"] == "David Smith"


# -- names recorded before the roster --------------------------------------------------------------


@freeze_time(NOW)
def test_a_login_recorded_before_the_roster_is_that_officer_afterwards(cli, tmp_path):
    # Recorded under her login while handlers were free text: stage 1's handler is "priya.shah".
    ref = closed_at_stage1(cli)
    assert cli.show(ref)["stages"][0]["handler"] == "priya.shah"
    letter_before = cli.ok("letter", ref, "acknowledgement", "--stage", "1").stdout
    assert "priya.shah is dealing with your complaint" in letter_before

    team(cli)
    # Letters name the officer, never the login.
    letter = cli.ok("letter", ref, "acknowledgement", "--stage", "1").stdout
    assert "Priya Shah is dealing with your complaint" in letter and "priya.shah" not in letter
    html = cli.ok("letter", ref, "acknowledgement", "--stage", "1", "--format", "html").stdout
    assert "Priya Shah is dealing" in html and "priya.shah" not in html

    cli.ok("escalate", ref, "--on", "2027-01-20", officer="dreid")
    refused = cli("acknowledge", ref, "--handler", "Priya Shah", "--on", "2027-01-21", officer="dreid")
    assert "no prior involvement" in one_line_refusal(refused)
    # A step's own letter names the stage 2 handler by name too.
    path = tmp_path / "ack.txt"
    cli.ok("acknowledge", ref, "--handler", "dreid", "--on", "2027-01-21", "--letter", str(path), officer="dsmith")
    written = path.read_text()
    assert "Dawn Reid is dealing with your complaint and was not involved in it at stage 1" in written
    assert "dreid" not in written


# -- the reviewer role -----------------------------------------------------------------------------


@freeze_time(NOW)
def test_a_policy_reviewer_role_is_held_by_the_stage2_handler(cli, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('[stage2]\nreviewer_role = "reviewer"\n')
    cli.config = str(policy)
    team(cli)
    ref = closed_at_stage1(cli)
    refused = cli("escalate", ref, "--handler", "Dawn Reid", "--on", "2027-01-20", officer="dreid")
    line = one_line_refusal(refused)
    assert "reviewer_role" in line and "the reviewer role" in line and "David Smith (dsmith)" in line
    assert [event["kind"] for event in events_of(cli, ref)][-1] == "closed"

    cli.ok("escalate", ref, "--on", "2027-01-20", officer="dreid")
    assert "reviewer role" in one_line_refusal(cli("acknowledge", ref, "--on", "2027-01-21", officer="dreid"))
    assert "reviewer role" in one_line_refusal(cli("assign", ref, "--handler", "dreid", "--on", "2027-01-21", officer="dreid"))
    assert cli.ok("acknowledge", ref, "--handler", "david", "--on", "2027-01-21", "--json", officer="dreid").json()["handler"] == "David Smith"


@pytest.mark.both_databases
@freeze_time(NOW)
def test_officer_roles_replaces_the_roles_and_keeps_who_and_when(cli, tmp_path):
    team(cli)
    before = cli.ok("officer", "list", "--json").json()
    assert [(o["roles"], o["roles_changed_at"], o["roles_changed_by"]) for o in before][1] == (["handler"], None, None)
    changed = cli.ok("officer", "roles", "dawn", "--role", "Reviewer", "--role", "handler", "--role", "reviewer", "--json",
                     officer="priya.shah").json()
    assert (changed["name"], changed["roles"], changed["roles_changed_at"], changed["roles_changed_by"]) == (
        "Dawn Reid", ["reviewer", "handler"], "2027-06-30T12:00:00+00:00", "Priya Shah")
    after = cli.ok("officer", "list", "--json").json()
    assert after[1] == changed
    assert [o["roles_changed_at"] for o in after if o["name"] != "Dawn Reid"] == [None, None]
    table = cli.ok("officer", "list").stdout.splitlines()
    assert "Roles set" in table[1]
    dated = [line.count("2027-06-30") for line in table[2:] if "2027-06-30" in line]
    assert dated == [1, 2, 1]  # added; added and roles set
    assert "Dawn Reid now holds the roles: manager" in cli.ok("officer", "roles", "dreid", "--role", "manager",
                                                                       officer="dsmith").stderr
    assert [(o["roles"], o["roles_changed_by"]) for o in cli.ok("officer", "list", "--json").json()][1] == (["manager"], "David Smith")


@pytest.mark.both_databases
@freeze_time(NOW)
def test_officer_roles_refusals_change_nothing(cli):
    assert "roster is empty" in one_line_refusal(cli("officer", "roles", "Anyone", "--role", "handler", officer="root"))
    team(cli)
    cli.ok("officer", "add", "Old Hand", "--login", "ohand", officer="priya.shah")
    cli.ok("officer", "retire", "ohand", officer="priya.shah")
    before = cli.ok("officer", "list", "--json").json()
    assert "give the officer's roles" in one_line_refusal(cli("officer", "roles", "dreid", officer="priya.shah"))
    assert "already holds exactly those roles" in one_line_refusal(
        cli("officer", "roles", "dsmith", "--role", "reviewer", officer="priya.shah"))
    assert "left the roster" in one_line_refusal(cli("officer", "roles", "Old Hand", "--role", "reviewer", officer="priya.shah"))
    assert "names no officer" in one_line_refusal(cli("officer", "roles", "nobody", "--role", "reviewer", officer="priya.shah"))
    assert "names no officer" in one_line_refusal(cli("officer", "roles", "dreid", "--role", "reviewer", officer="stranger"))
    unknown = one_line_refusal(cli("officer", "roles", "dreid", "--role", "boss", officer="priya.shah"), code=2)
    assert "'boss' is not one of" in unknown
    assert cli.ok("officer", "list", "--json").json() == before


@freeze_time(NOW)
def test_a_reviewer_role_given_later_lets_the_officer_handle_stage_2(cli, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('[stage2]\nreviewer_role = "reviewer"\n')
    cli.config = str(policy)
    team(cli)
    ref = closed_at_stage1(cli)
    assert "reviewer role" in one_line_refusal(cli("escalate", ref, "--handler", "Dawn Reid", "--on", "2027-01-20", officer="dreid"))
    cli.ok("officer", "roles", "Dawn Reid", "--role", "handler", "--role", "reviewer", officer="priya.shah")
    assert cli.ok("escalate", ref, "--handler", "Dawn Reid", "--on", "2027-01-20", "--json", officer="dreid").json()["handler"] == "Dawn Reid"


def test_reviewer_role_must_be_a_role(tmp_path):
    from complaintctl.domain import policy as policies
    from complaintctl.errors import PolicyError

    path = tmp_path / "policy.toml"
    path.write_text('[stage2]\nreviewer_role = "boss"\n')
    with pytest.raises(PolicyError, match=r"stage2.reviewer_role = 'boss' must be one of"):
        policies.load(path)
    assert policies.load(None).reviewer_role is None
    # An optional key: a policy without it keeps its fingerprint.
    path.write_text('[stage2]\nreviewer_role = "manager"\n')
    assert policies.load(path).reviewer_role == "manager"


def test_the_north_west_leicestershire_preset_asks_for_a_manager_at_stage_2():
    from complaintctl.storage.locations import preset_text
    from complaintctl.domain.policy import parse

    assert parse(preset_text("north-west-leicestershire"), "preset").reviewer_role == "manager"
    for other in ("chesterfield", "corporate-procedure", "mansfield", "housing-ombudsman-2024"):
        assert parse(preset_text(other), "preset").reviewer_role is None, other


# -- assign ----------------------------------------------------------------------------------------


@pytest.mark.both_databases
@freeze_time(NOW)
def test_assign_gives_the_current_stage_to_another_officer(cli):
    team(cli)
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-01-04", officer="priya.shah").stdout.strip()
    # Before acknowledgement: the acknowledgement then keeps the officer it was given to.
    assigned = cli.ok("assign", ref, "--handler", "dawn", "--on", "2027-01-04", "--json", officer="priya.shah").json()
    assert (assigned["handler"], assigned["status"]) == ("Dawn Reid", "open")
    assert assigned["events"][-1]["kind"] == "assigned"
    assert assigned["events"][-1]["details"] == {"stage": 1, "handler": "Dawn Reid", "previous_handler": None, "reason": None}
    assert cli.ok("acknowledge", ref, "--on", "2027-01-05", "--json", officer="priya.shah").json()["handler"] == "Dawn Reid"
    # After it, with a reason; `show` and `list` have the new handler.
    cli.ok("assign", ref, "--handler", "Priya Shah", "--reason", "Dawn on leave", "--on", "2027-01-06", officer="dreid")
    shown = cli.show(ref)
    assert shown["handler"] == "Priya Shah"
    assert shown["events"][-1]["details"]["previous_handler"] == "Dawn Reid"
    assert "stage 1 to Priya Shah: Dawn on leave" in cli.ok("show", ref).stdout
    assert [row["handler"] for row in cli.ok("list", "--json").json()] == ["Priya Shah"]

    before = events_of(cli, ref)
    assert "already handled by Priya Shah" in one_line_refusal(cli("assign", ref, "--handler", "priya.shah", officer="dreid"))
    assert "no officer on the team roster" in one_line_refusal(cli("assign", ref, "--handler", "D. Reid", officer="dreid"))
    assert "--handler" in one_line_refusal(cli("assign", ref, officer="dreid"), code=2)
    assert events_of(cli, ref) == before

    # Stage 2: nobody who handled stage 1 (Dawn had it for a while too) may take it.
    cli.ok("close", ref, "--outcome", "not-upheld", "--reasons", "R", "--on", "2027-01-15", officer="priya.shah")
    assert "cannot be given to another officer" in one_line_refusal(cli("assign", ref, "--handler", "dsmith", officer="dreid"))
    cli.ok("escalate", ref, "--handler", "David Smith", "--on", "2027-01-20", officer="priya.shah")
    for earlier in ("dreid", "priya.shah"):
        refused = cli("assign", ref, "--handler", earlier, "--on", "2027-01-21", officer="priya.shah")
        assert "no prior involvement" in one_line_refusal(refused), earlier
    assert cli.ok("verify").exit_code == 0


# -- the storage ------------------------------------------------------------------------------------


def test_an_old_database_gains_the_roster_and_keeps_its_data(cli):
    with sqlite3.connect(cli.db) as conn:
        conn.execute("DROP TABLE officers")
        # 012_search_text added to the officers table too: a database from before 005 has neither.
        conn.execute("ALTER TABLE cases DROP COLUMN search_text")
        conn.execute("DELETE FROM schema_migrations WHERE name IN ('005_officers', '012_search_text')")
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "yesterday").stdout.strip()
    with sqlite3.connect(cli.db) as conn:
        assert ("005_officers",) in conn.execute("SELECT name FROM schema_migrations").fetchall()
    cli.ok("officer", "add", "Officer One", "--login", "officer.one")
    assert cli.show(ref)["reference"] == ref
    cli.ok("verify")


def test_reading_the_roster_takes_no_orm(cli, tmp_path):
    """`officer list` and letters read the roster on the light path (sqlite3 alone)."""
    import json
    import os
    import subprocess
    import sys

    cli.ok("officer", "add", "Officer One", "--login", "officer.one")
    code = (
        "import json, sys\n"
        "from complaintctl.cli import app\n"
        f"app(['--db', {cli.db!r}, 'officer', 'list', '--json'], prog_name='complaintctl', standalone_mode=False)\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["name"] == "Officer One"
    assert not [name for name in json.loads(result.stderr) if name.split(".")[0] in ("sqlalchemy", "sqlmodel")]


# -- the rules, folded without a database -----------------------------------------------------------


def officer(number: int, name: str, login: str | None, *roles: str, retired: bool = False) -> Officer:
    at = datetime(2027, 1, 1, tzinfo=timezone.utc)
    return Officer(number, name, login, None, roles or ("handler",), at, "test", at if retired else None, "test" if retired else None)


ROSTER = Roster([
    officer(1, "Priya Shah", "priya.shah", "manager"),
    officer(2, "Dawn Reid", "dreid"),
    officer(3, "David Smith", None, "reviewer"),
    officer(4, "Old Timer", "otimer", retired=True),
])


@pytest.mark.parametrize(("typed", "found"), [
    ("priya.shah", "Priya Shah"), ("PRIYA   shah", "Priya Shah"), ("pri", "Priya Shah"), ("dr", "Dawn Reid"),
    ("dav", "David Smith"), ("david smith", "David Smith"),
])
def test_a_typed_name_finds_one_current_officer(typed, found):
    assert ROSTER.find(typed, "--handler").name == found


@pytest.mark.parametrize(("typed", "error", "words"), [
    ("D. Reid", InvalidInput, "names no officer"),
    ("D", InvalidInput, "could be any of"),
    ("Reid", InvalidInput, "names no officer"),  # the start of a name, not any word in it
    ("otimer", RuleViolation, "left the team roster on 2027-01-01"),
    ("Old", InvalidInput, "names no officer"),  # a retired officer's start finds nobody
])
def test_a_typed_name_that_finds_no_one_current_is_refused(typed, error, words):
    with pytest.raises(error, match=words):
        ROSTER.find(typed, "--handler")


def test_an_empty_roster_keeps_names_as_typed():
    assert Roster().handler("D. Reid") == "D. Reid"
    assert Roster().recorder("anyone") == "anyone"
    assert Roster().display_name("priya.shah") == "priya.shah"
    assert ROSTER.display_name("priya.shah") == "Priya Shah"
    assert ROSTER.display_name("Someone Else") == "Someone Else"


def step(number: int, kind: str, on: date, **details) -> Event:
    return Event(kind=kind, on=on, officer="x", recorded_at=datetime(2027, 1, 1, tzinfo=timezone.utc), details=details, number=number)


def test_every_stage1_handler_counts_as_prior_involvement():
    policy = load(None)
    case = derive("CMP-2027-00001", [
        step(1, "logged", date(2027, 1, 4), type="complaint", name="N", summary="S", received_on="2027-01-04"),
        step(2, "acknowledged", date(2027, 1, 5), stage=1, handler="priya.shah"),
        step(3, "assigned", date(2027, 1, 6), stage=1, handler="Dawn Reid", previous_handler="priya.shah"),
        step(4, "closed", date(2027, 1, 15), stage=1, outcome="upheld", reasons="R"),
        step(5, "escalated", date(2027, 1, 20), handler=None),
    ], policy, policy.calendar())
    assert case.stages[0].handlers == ["priya.shah", "Dawn Reid"]
    for earlier in ("Priya Shah", "dreid", "DAWN REID"):
        with pytest.raises(RuleViolation, match="no prior involvement"):
            check_reviewer(case, ROSTER.handler(earlier), ROSTER, None)
    check_reviewer(case, "David Smith", ROSTER, "reviewer")
    with pytest.raises(RuleViolation, match="manager role"):
        check_reviewer(case, "David Smith", ROSTER, "manager")
    # Without a roster the text is compared, case and spacing aside.
    check_reviewer(case, "Pat Jones", Roster(), "reviewer")
    with pytest.raises(RuleViolation):
        check_reviewer(case, " dawn  reid", Roster(), None)
