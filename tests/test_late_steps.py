"""A step recorded after its due date is noted to the officer when it happens, on stderr only.

Dates worked out by hand (England and Wales, no bank holiday in range): received Tuesday 10
November 2026, acknowledgement due five working days later, Tuesday 17 November; received Monday
5 October, acknowledged Tuesday 6 October, response due ten working days later, Tuesday 20 October.
"""

from __future__ import annotations

import json

from freezegun import freeze_time

TODAY = "2026-11-30 12:00:00"


def _log(cli, received: str, *extra: str):
    return cli.ok("log", "--name", "Ms L Late", "--service", "Waste", "--summary", "Bins", "--received", received, *extra)


def _notes(outcome) -> list[str]:
    return [line for line in outcome.stderr.splitlines() if line.startswith("Note: ")]


def test_a_late_acknowledgement_is_noted_and_json_stays_clean(cli):
    with freeze_time(TODAY):
        ref = _log(cli, "2026-11-10").stdout.strip()
        outcome = cli.ok("acknowledge", ref, "--on", "2026-11-20", "--json")
        shown = cli.show(ref)
    assert _notes(outcome) == [f"Note: {ref} stage 1 acknowledged 3 working days late (due 2026-11-17)"]
    assert "Note" not in outcome.stdout
    assert json.loads(outcome.stdout) == shown


def test_an_acknowledgement_on_its_due_date_is_not_noted(cli):
    with freeze_time(TODAY):
        ref = _log(cli, "2026-11-10").stdout.strip()
        outcome = cli.ok("acknowledge", ref, "--on", "2026-11-17")
    assert _notes(outcome) == []


def test_a_late_response_is_noted_in_working_days(cli):
    with freeze_time(TODAY):
        ref = _log(cli, "2026-10-05").stdout.strip()
        cli.ok("acknowledge", ref, "--on", "2026-10-06")
        outcome = cli.ok("close", ref, "--outcome", "upheld", "--reasons", "We were slow.", "--json")
        shown = cli.show(ref)
    # 21 October to 30 November inclusive: 29 working days.
    assert _notes(outcome) == [f"Note: {ref} stage 1 responded 29 working days late (due 2026-10-20)"]
    assert json.loads(outcome.stdout) == shown


def test_a_response_in_time_and_a_late_withdrawal_are_not_noted(cli):
    with freeze_time(TODAY):
        timely = _log(cli, "2026-10-05").stdout.strip()
        cli.ok("acknowledge", timely, "--on", "2026-10-06")
        on_time = cli.ok("close", timely, "--outcome", "upheld", "--reasons", "Done.", "--on", "2026-10-20")
        withdrawn = _log(cli, "2026-10-05").stdout.strip()
        cli.ok("acknowledge", withdrawn, "--on", "2026-10-06")
        late_withdrawal = cli.ok("close", withdrawn, "--outcome", "withdrawn")
    assert _notes(on_time) == []
    assert _notes(late_withdrawal) == []  # a withdrawal is not a response, so it cannot be late


def test_logging_a_complaint_whose_acknowledgement_is_already_overdue_says_so(cli):
    with freeze_time(TODAY):
        outcome = _log(cli, "2026-11-10", "--json")
        ref = json.loads(outcome.stdout)["reference"]
        fresh = _log(cli, "2026-11-27")
    # 18 November to 30 November inclusive: 9 working days.
    assert _notes(outcome) == [
        f"Note: {ref}: the acknowledgement is already overdue by 9 working days (due 2026-11-17); acknowledge it today"
    ]
    assert "Note" not in outcome.stdout
    assert _notes(fresh) == []
