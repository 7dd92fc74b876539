"""Promises are tracked: the date an update promised to write again by, every deadline of a late
case, and Ombudsman orders not complied with, in `overdue`; on SQLite and PostgreSQL.

Calendar: England and Wales, the built-in policy (acknowledge within 5 working days, respond
within 10 of the acknowledgement) unless a test sets `[updates] every_days`. Today is Tuesday
1 December 2026; November 2026 has no bank holiday.
"""

from __future__ import annotations

import sqlite3

import pytest
from conftest import Cli
from freezegun import freeze_time

TODAY = "2026-12-01 10:00:00"


def _run(cli: Cli, *args: str, code: int = 0):
    with freeze_time(TODAY):
        outcome = cli(*args)
    assert outcome.exit_code == code, f"{args}: {outcome.stderr}"
    return outcome


def _items(cli: Cli, *args: str, code: int = 0) -> list[tuple]:
    listed = _run(cli, "overdue", "--json", *args, code=code).json()
    return [(item["reference"], item["what"], item["due"], item["working_days_overdue"]) for item in listed]


def _acknowledged(cli: Cli, received: str = "2026-11-02", on: str = "2026-11-03") -> str:
    ref = _run(cli, "log", "--name", "Ann Bee", "--summary", "Damp", "--received", received).stdout.strip()
    _run(cli, "acknowledge", ref, "--handler", "Priya Shah", "--on", on)
    return ref


@pytest.mark.both_databases
def test_update_next_is_tracked(cli):
    # Acknowledged Tue 3 Nov: respond by Tue 17 Nov. The update of Wed 4 Nov promises another
    # by Mon 9 Nov; no cadence in the built-in policy, so that promise alone is the update due.
    ref = _acknowledged(cli)
    _run(cli, "update", ref, "--progress", "Surveyor booked", "--next", "2026-11-09", "--on", "2026-11-04")
    shown = _run(cli, "show", ref, "--json").json()
    assert shown["stages"][0]["update_due"] == "2026-11-09"
    assert shown["next_due"] == {"what": "update", "due": "2026-11-09"}
    # As of Tue 10 Nov: a day late; as of today both promises are broken (update 16, respond 10).
    assert _items(cli, "--as-of", "2026-11-10") == [(ref, "update", "2026-11-09", 1)]
    assert _items(cli) == [(ref, "update", "2026-11-09", 16), (ref, "respond", "2026-11-17", 10)]
    # The next update keeps the promise; it promises nothing more.
    _run(cli, "update", ref, "--progress", "Report received", "--on", "2026-11-11")
    assert _items(cli) == [(ref, "respond", "2026-11-17", 10)]
    assert _run(cli, "show", ref, "--json").json()["stages"][0]["update_due"] is None
    _run(cli, "verify")


@pytest.mark.both_databases
def test_the_earlier_of_the_promise_and_the_cadence(db_location, tmp_path):
    policy = tmp_path / "updates.toml"
    policy.write_text("[updates]\nevery_days = 5\n")
    cli = Cli(db_location, config=str(policy))
    cli.ok("init")
    # Respond by Tue 17 Nov; extended on Mon 16 Nov: updates every 5 working days from then.
    ref = _acknowledged(cli)
    _run(cli, "extend", ref, "--days", "10", "--reason", "Survey", "--on", "2026-11-16")
    # An update on Wed 18 Nov: the cadence asks for the next by Wed 25 Nov.
    _run(cli, "update", ref, "--progress", "Booked", "--next", "2026-11-30", "--on", "2026-11-18")
    assert _run(cli, "show", ref, "--json").json()["stages"][0]["update_due"] == "2026-11-25"
    # A promise sooner than the cadence is the one that counts.
    _run(cli, "update", ref, "--progress", "Visited", "--next", "2026-11-20", "--on", "2026-11-19")
    assert _run(cli, "show", ref, "--json").json()["stages"][0]["update_due"] == "2026-11-20"
    assert _items(cli) == [(ref, "update", "2026-11-20", 7)]


@pytest.mark.both_databases
def test_a_late_unextended_case_lists_its_response_and_its_update(db_location, tmp_path):
    policy = tmp_path / "updates.toml"
    policy.write_text("[updates]\nevery_days = 5\n")
    cli = Cli(db_location, config=str(policy))
    cli.ok("init")
    # Respond by Tue 17 Nov, never extended: an update is due 5 working days after, Tue 24 Nov.
    ref = _acknowledged(cli)
    assert _items(cli) == [(ref, "respond", "2026-11-17", 10), (ref, "update", "2026-11-24", 5)]
    with freeze_time(TODAY):
        table = cli.ok("overdue").stdout
    assert "2 overdue" in table and "respond" in table and "update" in table
    # Not yet acknowledged either: all three.
    other = _run(cli, "log", "--name", "Bob Cee", "--summary", "Noise", "--received", "2026-11-02").stdout.strip()
    assert [item for item in _items(cli) if item[0] == other] == [
        (other, "acknowledge", "2026-11-09", 16), (other, "respond", "2026-11-23", 6), (other, "update", "2026-11-30", 1),
    ]
    _run(cli, "overdue", "--check", code=3)


def _ordered(cli: Cli) -> str:
    ref = _acknowledged(cli, "2026-09-01", "2026-09-02")
    _run(cli, "close", ref, "--outcome", "not-upheld", "--reasons", "Done as agreed", "--on", "2026-09-10")
    _run(cli, "ombudsman", "refer", ref, "--on", "2026-09-20")
    _run(cli, "ombudsman", "determine", ref, "--finding", "Repairs=maladministration", "--on", "2026-10-20")
    _run(cli, "ombudsman", "order", ref, "--kind", "compensation", "--amount", "250", "--due", "2026-11-10", "--on", "2026-10-20")
    _run(cli, "ombudsman", "order", ref, "--kind", "repairs", "--what", "Fix the roof", "--due", "2026-11-20",
         "--on", "2026-10-27")
    return ref


@pytest.mark.both_databases
def test_ombudsman_orders_not_complied_with_are_overdue(cli):
    ref = _ordered(cli)
    listed = _run(cli, "overdue", "--json").json()
    assert [(item["what"], item["order"], item["due"], item["working_days_overdue"], item["description"]) for item in listed] == [
        ("order", 1, "2026-11-10", 15, "Compensation £250.00"),
        ("order", 2, "2026-11-20", 7, "Repairs: Fix the roof"),
    ]
    assert all(item["reference"] == ref and item["action"] is None and item["overdue"] for item in listed)
    with freeze_time(TODAY):
        table = cli.ok("overdue").stdout
    assert "order 1: Compensation £250.00" in table
    csv_rows = _run(cli, "overdue", "--csv").stdout.splitlines()
    assert csv_rows[0].endswith(",order") and csv_rows[1].startswith(f"{ref},1,order,2026-11-10,15,true,")
    # A closed case whose only promise left is an order still fails the nightly check.
    _run(cli, "overdue", "--check", code=3)
    _run(cli, "ombudsman", "comply", ref, "1", "--on", "2026-11-12")
    assert _items(cli) == [(ref, "order", "2026-11-20", 7)]


@pytest.mark.both_databases
def test_overdue_as_of_shows_orders_as_they_stood(cli):
    ref = _ordered(cli)
    _run(cli, "ombudsman", "comply", ref, "1", "--on", "2026-11-12")
    # Before the second order was made, only the first existed (not yet due).
    assert _items(cli, "--as-of", "2026-10-26", "--within", "20") == [(ref, "order", "2026-11-10", -11)]
    # Before the first was made, neither existed.
    assert _items(cli, "--as-of", "2026-10-19", "--within", "60") == []
    # Complied with on 12 Nov: overdue as of 11 Nov, gone as of 12 Nov.
    assert _items(cli, "--as-of", "2026-11-11") == [(ref, "order", "2026-11-10", 1)]
    assert _items(cli, "--as-of", "2026-11-12") == []


def test_an_older_database_is_upgraded_and_its_promises_count(cli):
    """A database from before update dates were kept: the migration adds the column, derives the
    open cases again (a promise recorded earlier now counts) and verify agrees."""
    ref = _acknowledged(cli)
    _run(cli, "update", ref, "--progress", "Surveyor booked", "--next", "2026-11-09", "--on", "2026-11-04")
    connection = sqlite3.connect(cli.db)
    with connection:
        # The later index of the open cases' deadlines holds the column: it goes, and comes back, with it.
        connection.execute("DROP INDEX ix_cases_open_deadlines")
        connection.execute("ALTER TABLE cases DROP COLUMN update_due")
        connection.execute("DELETE FROM schema_migrations WHERE name IN ('007_update_due', '014_open_deadlines')")
        connection.execute("UPDATE cases SET next_due = '2026-11-17', next_due_what = 'respond'")
    connection.close()
    _run(cli, "note", ref, "Called the tenant")  # any write upgrades the file
    assert _items(cli)[0] == (ref, "update", "2026-11-09", 16)
    assert "every case matches its events" in _run(cli, "verify").stdout
