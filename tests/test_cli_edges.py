"""The edges of the command line: pipes closed early, full disks, files that are not databases."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from freezegun import freeze_time


def _run(*args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "complaintctl", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
    )


def test_a_reader_that_stops_early_is_not_a_failure(cli):
    reference = cli.ok("log", "--name", "Ann Example", "--summary", "Bins", "--received", "2026-11-02").stdout.strip()
    for number in range(40):
        cli.ok("note", reference, f"Called back, attempt {number} " + "x" * 200)
    # `show … | head -1`: the pipe closes after the first line, long before the history is written.
    pipeline = subprocess.run(
        f"set -o pipefail; {sys.executable} -m complaintctl --db '{cli.db}' show {reference} | head -1",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
    )
    assert pipeline.returncode == 0, pipeline.stderr
    assert pipeline.stdout.startswith("Reference")
    assert pipeline.stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full is not available on this system")
def test_a_full_disk_is_one_line_that_says_what_to_do(cli):
    cli.ok("log", "--name", "Ann Example", "--summary", "Bins", "--received", "2026-11-02")
    with open("/dev/full", "w") as full:
        outcome = _run("--db", cli.db, "list", "--csv", stdout=full)
    assert outcome.returncode == 1
    assert outcome.stderr.count("\n") == 1 and outcome.stderr.startswith("Error: could not read or write")
    assert "No space left on device" in outcome.stderr and "Traceback" not in outcome.stderr


def test_a_file_that_is_not_a_database_is_named_and_left_alone(tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("Minutes of the meeting\n" * 100)
    before = junk.read_bytes()
    outcome = _run("--db", str(junk), "list")
    assert outcome.returncode == 1
    assert outcome.stderr == f"Error: {junk} is not a complaintctl database; check --db, or run `complaintctl init` for a new one\n"
    assert junk.read_bytes() == before


def test_an_empty_reference_is_refused_in_words(cli):
    outcome = cli("show", "")
    assert outcome.exit_code == 1
    assert outcome.stderr == "Error: no case with reference (none given); check it with `complaintctl list`\n"


def test_control_characters_in_the_officer_name_are_refused_and_spaces_tidied(cli):
    reference = cli.ok("log", "--name", "Ann Example", "--summary", "Bins", "--received", "2026-11-02").stdout.strip()
    refused = cli("note", reference, "Checked the round sheet", officer="dawn\treid\n")
    assert refused.exit_code == 2 and "'--officer'" in refused.stderr
    assert len(cli.show(reference)["events"]) == 1
    cli.ok("note", reference, "Checked the round sheet", officer="  dawn   reid ")
    assert cli.show(reference)["events"][-1]["officer"] == "dawn reid"


@freeze_time("2026-11-26 12:00:00")
def test_csv_cells_a_spreadsheet_would_run_are_shown_as_text(cli):
    """A name or a promise typed as a formula opens in a spreadsheet as text, never as a formula;
    JSON keeps what was typed, and numbers (an item due in 3 days is -3) stay numbers."""
    formula = '=HYPERLINK("http://example.org","Click")'
    reference = cli.ok("log", "--name", formula, "--summary", "Bins", "--service", "@Parking", "--received", "2026-11-20").stdout.strip()
    cli.ok("action", "add", reference, "--what", "-1+1 refund", "--due", "2026-11-25", "--owner", "+Team")
    cli.ok("action", "add", reference, "--what", "Call back", "--due", "2026-12-01")

    listed = list(csv.DictReader(io.StringIO(cli.ok("list", "--csv").stdout)))
    assert (listed[0]["name"], listed[0]["service"]) == ("'" + formula, "'@Parking")
    assert cli.ok("list", "--json").json()[0]["name"] == formula

    items = {row["action"]: row for row in csv.DictReader(io.StringIO(cli.ok("overdue", "--csv", "--within", "5").stdout))}
    assert (items["1"]["description"], items["1"]["owner"], items["1"]["working_days_overdue"]) == ("'-1+1 refund", "'+Team", "1")
    assert (items["2"]["description"], items["2"]["working_days_overdue"]) == ("Call back", "-3")


def test_numbers_out_of_range_or_not_numbers_are_one_line_usage_errors(cli):
    """Whole numbers are converted by complaintctl's own plain conversion (cli/coercion.py)."""
    reference = cli.ok("log", "--name", "A", "--summary", "s").stdout.strip()
    for arguments, words in (
        (["extend", reference, "--days", "abc", "--reason", "r"], "'abc' is not a whole number"),
        (["extend", reference, "--days", "0", "--reason", "r"], "Error: --days must be at least 1;"),
        (["extend", reference, "--days", "366", "--reason", "r"], "Error: --days must be at most 365;"),
        (["list", "--stage", "3"], "Error: --stage must be at most 2;"),
        (["action", "done", reference, "0"], "Error: NUMBER must be at least 1;"),
        (["action", "done", reference, "first"], "'first' is not a whole number"),
    ):
        outcome = cli(*arguments)
        lines = outcome.stderr.splitlines()
        assert outcome.exit_code == 2 and len(lines) == 1 and words in lines[0], (arguments, outcome.stderr)
    listed = cli.ok("list", "--stage", "1", "--limit", "5", "--json").json()
    assert [row["reference"] for row in listed] == [reference]


def test_an_extension_to_a_date_over_365_working_days_on_is_refused_as_days_over_365_are(cli):
    reference = cli.ok("log", "--name", "A", "--summary", "s").stdout.strip()
    due = cli.show(reference)["respond_by"]
    far = cli.ok("workdays", "add", due, "366", "--json").json()["date"]
    refused = cli("extend", reference, "--to", far, "--reason", "r", "--good-reason", "g")
    assert refused.exit_code == 1 and refused.stderr.splitlines() == [
        f"Error: {reference}: an extension of 366 working days is more than 365; check the number or the date"
    ]
    year_on = cli.ok("workdays", "add", due, "365", "--json").json()["date"]
    cli.ok("extend", reference, "--to", year_on, "--reason", "r", "--good-reason", "g")
    assert cli.show(reference)["respond_by"] == year_on


def test_compensation_is_a_plain_amount_of_pounds(cli):
    references = []
    for _ in range(3):
        reference = cli.ok("log", "--name", "A", "--summary", "s").stdout.strip()
        cli.ok("acknowledge", reference, "--handler", "Jo")
        references.append(reference)
    for typed in ("1e3", "1E+3", "inf", "nan", "1.234", "-5", "1,2,5", "12,50", ".5", "0x10"):
        outcome = cli("close", references[0], "--outcome", "upheld", "--reasons", "r", "--compensation", typed)
        lines = outcome.stderr.splitlines()
        assert outcome.exit_code == 2 and len(lines) == 1, (typed, outcome.stderr)
        assert "--compensation" in lines[0] and "write it like 250" in lines[0], (typed, lines[0])
    assert cli.show(references[0])["stages"][0]["outcome"] is None
    for reference, typed, kept in zip(references, ("250", "£250.50", "1,250"), ("250.00", "250.50", "1250.00")):
        cli.ok("close", reference, "--outcome", "upheld", "--reasons", "r", "--compensation", typed)
        assert cli.show(reference)["stages"][0]["compensation"] == kept


def test_a_date_past_the_last_countable_year_is_a_usage_error(cli):
    refused = cli("workdays", "add", "9999-12-31", "1")
    assert refused.exit_code == 2 and "too far in the future" in refused.stderr and len(refused.stderr.splitlines()) == 1
    assert cli.ok("workdays", "add", "2199-12-31", "1", "--json").json()["date"] == "2200-01-01"
