"""Every refusal: its exit code, one `Error: …` line on stderr, no traceback, and nothing changed.

The cases are set up once, in every state a step can be refused from; each test works on its
own copy of that database, and compares the whole database before and after the refusal.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from conftest import Cli
from freezegun import freeze_time

TODAY = "2027-03-01 12:00:00"  # a Monday
POLICY = '[stage2]\nescalation_window = "1 month"\n'
UNKNOWN = "CMP-2027-09999"

# name -> the commands that put a case in that state ("{ref}" is the case itself).
STATES: dict[str, list[list[str]]] = {
    # Received Mon 1 Feb, not acknowledged.
    "OPEN": [["log", "--name", "Olive Open", "--summary", "Missed bins", "--service", "Waste", "--received", "2027-02-01"]],
    # Acknowledged Tue 16 Feb: respond by Tue 2 Mar, the day after "today".
    "ACK": [
        ["log", "--name", "Alan Ack", "--summary", "Damp", "--received", "2027-02-15"],
        ["acknowledge", "{ref}", "--handler", "Sam Smith", "--on", "2027-02-16"],
    ],
    # Acknowledged Tue 5 Jan: the response was due Tue 19 Jan.
    "LATE": [
        ["log", "--name", "Lee Late", "--summary", "Noise", "--received", "2027-01-04"],
        ["acknowledge", "{ref}", "--handler", "Sam Smith", "--on", "2027-01-05"],
    ],
    # Closed Fri 15 Jan with a decision: the month to ask for stage 2 ended Mon 15 Feb.
    "CLOSED_OLD": [
        ["log", "--name", "Cleo Old", "--summary", "Gutters", "--received", "2027-01-04"],
        ["acknowledge", "{ref}", "--handler", "Sam Smith", "--on", "2027-01-05"],
        ["close", "{ref}", "--outcome", "upheld", "--reasons", "Missed twice", "--on", "2027-01-15",
         "--action", "Clear the gutter", "--action-due", "2027-02-01"],
        ["action", "done", "{ref}", "1", "--on", "2027-01-20"],
    ],
    # Closed Fri 19 Feb with a decision: stage 2 may be asked for until Fri 19 Mar.
    "CLOSED": [
        ["log", "--name", "Chris Closed", "--summary", "Repairs", "--received", "2027-02-01"],
        ["acknowledge", "{ref}", "--handler", "Sam Smith", "--on", "2027-02-02"],
        ["close", "{ref}", "--outcome", "not-upheld", "--reasons", "Done in time", "--on", "2027-02-19"],
    ],
    "REFUSED": [
        ["log", "--name", "Rita Refused", "--summary", "Pothole", "--received", "2027-02-01"],
        ["close", "{ref}", "--outcome", "refused", "--exclusion", "service-request", "--reasons", "A first report", "--on", "2027-02-02"],
    ],
    "STAGE2": [
        ["log", "--name", "Stan Two", "--summary", "Rent", "--received", "2027-01-04"],
        ["acknowledge", "{ref}", "--handler", "Sam Smith", "--on", "2027-01-05"],
        ["close", "{ref}", "--outcome", "partly-upheld", "--reasons", "Partly", "--on", "2027-01-15"],
        ["escalate", "{ref}", "--handler", "Pat Jones", "--on", "2027-01-20"],
    ],
    "COMPLIMENT": [["log", "--type", "compliment", "--name", "Carl Kind", "--received", "2027-02-10"]],
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A database with one case in each state, built once for the module."""
    folder = tmp_path_factory.mktemp("refusals")
    config = folder / "policy.toml"
    config.write_text(POLICY)
    refs: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as patch, freeze_time(TODAY):
        patch.setenv("COMPLAINTCTL_OFFICER", "officer.one")
        patch.setenv("NO_COLOR", "1")
        for name in ("COMPLAINTCTL_DB", "COMPLAINTCTL_CONFIG", "COMPLAINTCTL_DEBUG"):
            patch.delenv(name, raising=False)
        cli = Cli(str(folder / "template.db"), config=str(config))
        cli.ok("init")
        for state, steps in STATES.items():
            first, *rest = steps
            refs[state] = cli.ok(*first).stdout.strip()
            for step in rest:
                cli.ok(*(arg.replace("{ref}", refs[state]) for arg in step))
    return folder, config, refs


@pytest.fixture
def world(template, tmp_path):
    folder, config, refs = template
    for suffix in ("", "-wal", "-shm"):
        source = folder / f"template.db{suffix}"
        if source.exists():
            shutil.copy2(source, tmp_path / f"complaints.db{suffix}")
    return Cli(str(tmp_path / "complaints.db"), config=str(config)), refs


def database_dump(location: str) -> list[str]:
    connection = sqlite3.connect(location)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def snapshot(cli: Cli, refs: dict[str, str], target: str | None) -> dict:
    state = {"database": database_dump(cli.db)}
    if target:
        state["show"] = cli.ok("show", target, "--json").json()
    return state


def assert_refused(outcome, code: int, fragment: str) -> None:
    assert outcome.exit_code == code, (outcome.exit_code, outcome.stderr)
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("Error: "), outcome.stderr
    assert fragment.lower() in lines[0].lower(), lines[0]
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert outcome.stdout == ""


# (state the command works on, or None; the arguments; exit code; words the message must contain)
REFUSALS = [
    # unknown references
    pytest.param(None, ["show", UNKNOWN], 1, f"no case with reference {UNKNOWN}", id="show-unknown"),
    pytest.param(None, ["acknowledge", UNKNOWN], 1, UNKNOWN, id="acknowledge-unknown"),
    pytest.param(None, ["extend", UNKNOWN, "--days", "2", "--reason", "R"], 1, UNKNOWN, id="extend-unknown"),
    pytest.param(None, ["close", UNKNOWN, "--outcome", "withdrawn"], 1, UNKNOWN, id="close-unknown"),
    pytest.param(None, ["escalate", UNKNOWN], 1, UNKNOWN, id="escalate-unknown"),
    pytest.param(None, ["update", UNKNOWN, "--progress", "P"], 1, UNKNOWN, id="update-unknown"),
    pytest.param(None, ["note", UNKNOWN, "text"], 1, UNKNOWN, id="note-unknown"),
    pytest.param(None, ["action", "add", UNKNOWN, "--what", "W", "--due", "2027-04-01"], 1, UNKNOWN, id="action-add-unknown"),
    pytest.param(None, ["action", "done", UNKNOWN, "1"], 1, UNKNOWN, id="action-done-unknown"),
    # log
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--received", "2027-03-02"], 1, "in the future", id="log-received-future"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--received", "2027-02-01", "--issue-date", "2027-02-02"], 1, "--issue-date 2027-02-02 is after", id="log-issue-after-receipt"),
    pytest.param(None, ["log", "--name", "N", "--anonymous", "--summary", "S"], 1, "either --name or --anonymous", id="log-name-and-anonymous"),
    pytest.param(None, ["log", "--summary", "S"], 1, "--name NAME", id="log-nobody"),
    pytest.param(None, ["log", "--name", "   ", "--summary", "S"], 1, "--name NAME", id="log-blank-name"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--preferred-contact", "email"], 1, "needs --email", id="log-prefers-email-without-one"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--preferred-contact", "phone"], 1, "needs --phone", id="log-prefers-phone-without-one"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--preferred-contact", "letter"], 1, "needs --address", id="log-prefers-letter-without-address"),
    pytest.param(None, ["log", "--name", "N"], 1, "--summary", id="log-complaint-without-summary"),
    pytest.param(None, ["log", "--name", "N", "--summary", "  "], 1, "--summary", id="log-blank-summary"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--email", "not-an-email"], 2, "'--email'", id="log-bad-email"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--email", "a@localhost"], 2, "not an email address", id="log-email-without-domain"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--email", "a b@example.org"], 2, "not an email address", id="log-email-with-space"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--received", "31/02/2027"], 2, "not a real date", id="log-impossible-date"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--received", "next week"], 2, "'--received'", id="log-unreadable-date"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--received", "1899-12-31"], 2, "too far in the past", id="log-ancient-date"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--issue-date", "2027-1-5"], 2, "'--issue-date'", id="log-malformed-issue-date"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--type", "grumble"], 2, "'--type'", id="log-bad-type"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--channel", "fax"], 2, "'--channel'", id="log-bad-channel"),
    pytest.param(None, ["log", "--name", "N", "--summary", "S", "--preferred-contact", "pigeon"], 2, "'--preferred-contact'", id="log-bad-preferred-contact"),
    pytest.param(None, ["log", "--name", "A\x07B", "--summary", "S"], 2, "control character", id="log-control-character"),
    # acknowledge
    pytest.param("ACK", ["acknowledge", "{ref}"], 1, "already acknowledged on 2027-02-16", id="acknowledge-twice"),
    pytest.param("OPEN", ["acknowledge", "{ref}", "--on", "2027-01-31"], 1, "is before 2027-02-01", id="acknowledge-before-receipt"),
    pytest.param("OPEN", ["acknowledge", "{ref}", "--on", "2027-03-02"], 1, "in the future", id="acknowledge-in-future"),
    pytest.param("OPEN", ["acknowledge", "{ref}", "--on", "2027-02-30"], 2, "'--on'", id="acknowledge-impossible-date"),
    pytest.param("COMPLIMENT", ["acknowledge", "{ref}"], 1, "no clock", id="acknowledge-compliment"),
    pytest.param("CLOSED", ["acknowledge", "{ref}"], 1, "closed on 2027-02-19", id="acknowledge-closed"),
    pytest.param("STAGE2", ["acknowledge", "{ref}", "--handler", "sam  SMITH"], 1, "no prior involvement", id="acknowledge-stage2-by-stage1-handler"),
    # extend
    pytest.param("ACK", ["extend", "{ref}", "--days", "3"], 1, "--reason", id="extend-without-reason"),
    pytest.param("ACK", ["extend", "{ref}", "--days", "3", "--reason", "  "], 1, "--reason", id="extend-blank-reason"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R"], 1, "either --days N or --to DATE", id="extend-neither-days-nor-to"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--days", "2", "--to", "2027-03-05"], 1, "either --days N or --to DATE", id="extend-both-days-and-to"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--days", "11"], 1, "limit of 10", id="extend-past-cap"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--to", "2027-03-17"], 1, "--good-reason", id="extend-to-past-cap"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--to", "2027-03-06"], 1, "not a working day", id="extend-to-saturday"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--to", "2027-03-02"], 1, "not after the current response date 2027-03-02", id="extend-to-same-date"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--to", "2027-02-26"], 1, "not after the current response date", id="extend-to-earlier-date"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--days", "0"], 2, "--days must be at least 1", id="extend-zero-days"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--days", "ten"], 2, "'--days'", id="extend-days-not-a-number"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--to", "soon"], 2, "'--to'", id="extend-to-unreadable"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--days", "2", "--on", "2027-02-14"], 1, "is before 2027-02-15", id="extend-before-receipt"),
    pytest.param("ACK", ["extend", "{ref}", "--reason", "R", "--days", "2", "--on", "2027-03-03"], 1, "in the future", id="extend-in-future"),
    pytest.param("LATE", ["extend", "{ref}", "--reason", "R", "--days", "2"], 1, "--late-reason", id="extend-after-due-without-late-reason"),
    pytest.param("LATE", ["extend", "{ref}", "--reason", "R", "--days", "12", "--late-reason", "L"], 1, "--good-reason", id="extend-late-and-past-cap"),
    # Due Tue 19 Jan; two more working days is Thu 21 Jan, long past by 1 March.
    pytest.param("LATE", ["extend", "{ref}", "--reason", "R", "--days", "2", "--late-reason", "L"], 1, "2027-01-21 would already have passed", id="extend-to-a-date-already-past"),
    pytest.param("CLOSED", ["extend", "{ref}", "--reason", "R", "--days", "2"], 1, "closed on 2027-02-19", id="extend-closed"),
    pytest.param("COMPLIMENT", ["extend", "{ref}", "--reason", "R", "--days", "2"], 1, "no clock", id="extend-compliment"),
    # update
    pytest.param("ACK", ["update", "{ref}"], 1, "--progress", id="update-without-progress"),
    pytest.param("ACK", ["update", "{ref}", "--progress", "P", "--next", "2027-03-01"], 1, "must be after", id="update-next-not-after"),
    pytest.param("ACK", ["update", "{ref}", "--progress", "P", "--next", "someday"], 2, "'--next'", id="update-next-unreadable"),
    pytest.param("ACK", ["update", "{ref}", "--progress", "P", "--on", "2027-02-01"], 1, "is before 2027-02-15", id="update-before-receipt"),
    pytest.param("CLOSED", ["update", "{ref}", "--progress", "P"], 1, "closed", id="update-closed"),
    pytest.param("COMPLIMENT", ["update", "{ref}", "--progress", "P"], 1, "no clock", id="update-compliment"),
    # close
    pytest.param("OPEN", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R"], 1, "not been acknowledged", id="close-decision-before-acknowledgement"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld"], 1, "--reasons", id="close-decision-without-reasons"),
    pytest.param("ACK", ["close", "{ref}"], 2, "'--outcome'", id="close-without-outcome"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "dismissed"], 2, "'--outcome'", id="close-bad-outcome"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "refused", "--reasons", "R"], 1, "needs --exclusion", id="close-refused-without-exclusion"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "refused", "--reasons", "R", "--exclusion", "too-busy"], 1, "unknown exclusion", id="close-refused-unknown-exclusion"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "refused", "--exclusion", "duplicate"], 1, "--reasons", id="close-refused-without-explanation"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--exclusion", "duplicate"], 1, "only with --outcome refused", id="close-exclusion-without-refusal"),
    pytest.param("CLOSED", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R"], 1, "closed on 2027-02-19", id="close-twice"),
    pytest.param("REFUSED", ["close", "{ref}", "--outcome", "withdrawn"], 1, "closed on 2027-02-02", id="close-refused-case-again"),
    pytest.param("COMPLIMENT", ["close", "{ref}", "--outcome", "withdrawn"], 1, "no clock", id="close-compliment"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--compensation", "12.345"], 2, "'--compensation'", id="close-money-fractional-pence"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--compensation", "-5"], 2, "'--compensation'", id="close-money-negative"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--compensation", "lots"], 2, "is not an amount in pounds", id="close-money-words"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--compensation", "NaN"], 2, "'--compensation'", id="close-money-nan"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--action", "Fix"], 1, "--action-due", id="close-action-without-due"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--action", "Fix", "--action-due", "2027-13-01"], 2, "'--action-due'", id="close-action-due-impossible"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--action", " ", "--action-due", "2027-04-01"], 1, "each --action needs a description", id="close-action-blank"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--action", "Fix", "--action-due", "2027-02-01"], 1, "--action-due 2027-02-01 is before the case was received", id="close-action-due-before-receipt"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "withdrawn", "--on", "2027-02-14"], 1, "is before 2027-02-15", id="close-before-receipt"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--on", "2027-02-15"], 1, "is before 2027-02-16", id="close-decision-before-acknowledgement-date"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--on", "2027-03-02"], 1, "in the future", id="close-in-future"),
    # escalate
    pytest.param("OPEN", ["escalate", "{ref}"], 1, "stage 1 is still open", id="escalate-open"),
    pytest.param("ACK", ["escalate", "{ref}"], 1, "stage 1 is still open", id="escalate-acknowledged"),
    pytest.param("STAGE2", ["escalate", "{ref}", "--handler", "Kim Lee"], 1, "already at stage 2", id="escalate-stage2"),
    pytest.param("REFUSED", ["escalate", "{ref}"], 1, "not with a decision", id="escalate-refused"),
    pytest.param("CLOSED_OLD", ["escalate", "{ref}", "--handler", "Pat Jones"], 1, "ended on 2027-02-15", id="escalate-outside-window"),
    pytest.param("CLOSED", ["escalate", "{ref}", "--handler", "Sam Smith"], 1, "no prior involvement", id="escalate-to-stage1-handler"),
    pytest.param("CLOSED", ["escalate", "{ref}", "--handler", "Pat Jones", "--on", "2027-02-18"], 1, "is before 2027-02-19", id="escalate-before-close"),
    pytest.param("CLOSED", ["escalate", "{ref}", "--handler", "Pat Jones", "--on", "2027-03-05"], 1, "in the future", id="escalate-in-future"),
    pytest.param("COMPLIMENT", ["escalate", "{ref}"], 1, "no clock", id="escalate-compliment"),
    # note
    pytest.param("OPEN", ["note", "{ref}", "   "], 1, "empty", id="note-empty"),
    pytest.param("OPEN", ["note", "{ref}", "Called", "--on", "2027-01-31"], 1, "is before 2027-02-01", id="note-before-receipt"),
    pytest.param("OPEN", ["note", "{ref}", "Called", "--on", "2027-03-02"], 1, "in the future", id="note-in-future"),
    pytest.param("OPEN", ["note", "{ref}", "bell\x07"], 2, "control character", id="note-control-character"),
    pytest.param("OPEN", ["note", "{ref}"], 2, "'text'", id="note-without-text"),
    # actions
    pytest.param("CLOSED_OLD", ["action", "add", "{ref}", "--what", "W"], 1, "--due DATE", id="action-add-without-due"),
    pytest.param("CLOSED_OLD", ["action", "add", "{ref}", "--due", "2027-04-01"], 1, "--what", id="action-add-without-what"),
    pytest.param("CLOSED_OLD", ["action", "add", "{ref}", "--what", "W", "--due", "2026-12-31"], 1, "before the case was received", id="action-add-due-before-receipt"),
    pytest.param("CLOSED_OLD", ["action", "add", "{ref}", "--what", "W", "--due", "2027-02-30"], 2, "'--due'", id="action-add-impossible-due"),
    pytest.param("CLOSED_OLD", ["action", "add", "{ref}", "--what", "W", "--due", "2027-04-01", "--on", "2027-03-02"], 1, "in the future", id="action-add-in-future"),
    pytest.param("CLOSED_OLD", ["action", "done", "{ref}", "1"], 1, "already done on 2027-01-20", id="action-done-twice"),
    pytest.param("CLOSED_OLD", ["action", "done", "{ref}", "7"], 1, "has no action 7", id="action-done-unknown-number"),
    pytest.param("CLOSED_OLD", ["action", "done", "{ref}", "0"], 2, "NUMBER must be at least 1", id="action-done-zero"),
    pytest.param("CLOSED_OLD", ["action", "done", "{ref}", "one"], 2, "'number'", id="action-done-not-a-number"),
    pytest.param("OPEN", ["action", "done", "{ref}", "1"], 1, "has no action 1", id="action-done-none-recorded"),
    pytest.param("CLOSED_OLD", ["action", "done", "{ref}", "1", "--on", "2027-01-19"], 1, "already done", id="action-done-again-earlier"),
    # list, workdays, set-up
    pytest.param(None, ["list", "--from", "2027-02-01", "--to", "2027-01-01"], 1, "swap them", id="list-from-after-to"),
    pytest.param(None, ["list", "--status", "pending"], 2, "'--status'", id="list-bad-status"),
    pytest.param(None, ["list", "--stage", "3"], 2, "--stage must be at most 2", id="list-bad-stage"),
    pytest.param(None, ["list", "--type", "gripe"], 2, "'--type'", id="list-bad-type"),
    pytest.param(None, ["list", "--limit", "0"], 2, "--limit must be at least 1", id="list-zero-limit"),
    pytest.param(None, ["list", "--from", "yesterday-ish"], 2, "'--from'", id="list-unreadable-from"),
    pytest.param(None, ["action", "list", "--overdue", "--bogus"], 2, "--bogus", id="action-list-unknown-option"),
    pytest.param(None, ["workdays", "add", "2027-01-01", "x"], 2, "'days'", id="workdays-add-not-a-number"),
    pytest.param(None, ["workdays", "add", "someday", "3"], 2, "'start'", id="workdays-add-unreadable-date"),
    pytest.param(None, ["workdays", "add", "2027-01-01", "--", "-1"], 2, "DAYS must be at least 0", id="workdays-add-negative"),
    pytest.param(None, ["workdays", "between", "1900-01-01", "2027-01-01"], 1, "100 years", id="workdays-between-centuries"),
    pytest.param(None, ["init"], 1, "already exists", id="init-existing-database"),
    pytest.param(None, ["init", "--policy", "made-up"], 1, "no policy preset called 'made-up'", id="init-unknown-preset"),
    pytest.param(None, ["init", "--policy", "housing-ombudsman-2024", "--policy-out", "{db}"], 1, "already exists; move it away", id="init-policy-file-exists"),
    pytest.param("OPEN", ["acknowledge", "{ref}", "--letter", "/no/such/folder/letter.txt"], 2, "'--letter'", id="letter-folder-missing"),
    pytest.param("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--compensation", "20000000"], 2, "'--compensation'", id="close-money-too-much"),
    pytest.param(None, ["frobnicate"], 2, "No such command 'frobnicate'", id="unknown-command"),
    pytest.param("OPEN", ["show"], 2, "Missing argument", id="show-without-reference"),
]


@freeze_time(TODAY)
@pytest.mark.parametrize(("state", "arguments", "code", "fragment"), REFUSALS)
def test_refusal_changes_nothing(world, state, arguments, code, fragment):
    cli, refs = world
    target = refs[state] if state else None
    arguments = [arg.replace("{ref}", target or "").replace("{db}", cli.db) for arg in arguments]
    before = snapshot(cli, refs, target)
    outcome = cli(*arguments)
    assert_refused(outcome, code, fragment)
    if target and code == 1:
        assert target in outcome.stderr
    after = snapshot(cli, refs, target)
    assert after == before
    if target:
        assert len(after["show"]["events"]) == len(before["show"]["events"])


@freeze_time(TODAY)
def test_refusals_name_the_reference_not_the_person(world):
    cli, refs = world
    outcome = cli("close", refs["CLOSED"], "--outcome", "upheld", "--reasons", "R")
    assert refs["CLOSED"] in outcome.stderr
    assert "Chris" not in outcome.stderr


@freeze_time(TODAY)
@pytest.mark.parametrize(
    ("policy", "fragment"),
    [
        ("[stage1]\nacknowledge_days = -1\n", "stage1.acknowledge_days"),
        ("nonsense = 1\n", "'nonsense'"),
        ('[calendar]\nnation = "wales"\n', "calendar.nation"),
        ('[stage2]\nescalation_window = "a fortnight"\n', "stage2.escalation_window"),
        ("[stage1\n", "policy file"),
    ],
)
def test_a_bad_policy_file_is_refused_naming_the_key_and_the_file(world, tmp_path, policy, fragment):
    cli, refs = world
    bad = tmp_path / "bad-policy.toml"
    bad.write_text(policy)
    before = snapshot(cli, refs, refs["OPEN"])
    outcome = cli("show", refs["OPEN"], config=str(bad))
    assert_refused(outcome, 1, fragment)
    assert "bad-policy.toml" in outcome.stderr
    assert snapshot(cli, refs, refs["OPEN"]) == before


@freeze_time(TODAY)
def test_a_missing_database_is_refused_and_not_created(tmp_path):
    missing = tmp_path / "nowhere" / "complaints.db"
    outcome = Cli(str(missing))("show", "CMP-2027-00001")
    assert_refused(outcome, 1, "complaintctl init")
    assert not missing.exists()


@freeze_time(TODAY)
def test_a_refused_log_does_not_use_up_a_reference(world):
    cli, refs = world
    cli("log", "--name", "N", "--received", "2027-02-20")  # no summary: refused
    logged = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-02-20", "--json").json()
    assert logged["reference"] == f"CMP-2027-{len(refs) + 1:05d}"


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        (["workdays", "add", "2027-02-30", "3"], 2),
        (["workdays", "between", "1800-01-01", "2027-01-01"], 2),
        (["show", UNKNOWN], 1),
    ],
)
def test_the_installed_command_prints_one_error_line(tmp_path, arguments, code):
    """The real process, not the test runner: exit code and a single line, no traceback."""
    db = tmp_path / "c.db"
    env = {**os.environ, "COMPLAINTCTL_DB": str(db), "NO_COLOR": "1"}
    subprocess.run([sys.executable, "-m", "complaintctl", "init"], env=env, check=True, capture_output=True)
    result = subprocess.run([sys.executable, "-m", "complaintctl", *arguments], env=env, capture_output=True, text=True)
    assert result.returncode == code
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: "), result.stderr


@freeze_time(TODAY)
def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    impostor = tmp_path / "notes.txt"
    impostor.write_text("not a database\n")
    for arguments in (["show", "CMP-2027-00001"], ["log", "--name", "N", "--summary", "S"], ["list"]):
        assert_refused(Cli(str(impostor))(*arguments), 1, "is not a complaintctl database")
    assert impostor.read_text() == "not a database\n"
