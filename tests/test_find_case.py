"""Finding a case (SPEC §10): `list --search`, several statuses and `live`, newest first, the
nearest references for one mistyped, what `show` gives, and the warnings at `log` and `close`.
Through the real CLI on real databases; the search on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import Cli


def log(cli: Cli, *args: str) -> str:
    return cli.ok("log", *args).stdout.split()[0]


def references(outcome) -> list[str]:
    return [row["reference"] for row in outcome.json()]


@pytest.fixture
def team(cli) -> dict[str, str]:
    """Five complaints with everything a caller might quote, and a compliment."""
    cases = {
        "ann": log(cli, "--name", "Ann O'Hara", "--email", "Ann.Hara@Example.org", "--phone", "07700 900123",
                   "--address", "12 Mill Lane\nMansfield NG18 1AB", "--service", "Repairs",
                   "--summary", "Boiler broken since October", "--received", "2026-11-02"),
        "bob": log(cli, "--name", "Bob Stone", "--email", "bob@example.net", "--representative", "Cllr Dana Price",
                   "--service", "Waste", "--summary", "Bins missed 100% of weeks_since June", "--received", "2026-11-04"),
        "cat": log(cli, "--name", "Cat Lee", "--address", "3 High St, Worksop S80 1AA", "--service", "Parking",
                   "--summary", "Fine issued wrongly", "--received", "2026-11-03"),
        "dan": log(cli, "--anonymous", "--summary", "Rude phone call about ng18 parking", "--service", "Parking",
                   "--received", "2026-11-03"),
        "eve": log(cli, "--name", "Eve Email", "--summary", "Nothing about the key names", "--received", "2026-10-01"),
        "fay": log(cli, "--name", "Fay Thanks", "--type", "compliment", "--summary", "Kind staff", "--received", "2026-11-05"),
    }
    cli.ok("acknowledge", cases["bob"], "--on", "2026-11-05")
    cli.ok("acknowledge", cases["eve"], "--on", "2026-10-02")
    cli.ok("close", cases["eve"], "--outcome", "not-upheld", "--reasons", "Fine", "--on", "2026-10-20")
    return cases


def search(cli: Cli, text: str, *more: str) -> list[str]:
    return references(cli.ok("list", "--search", text, *more, "--json"))


@pytest.mark.both_databases
def test_search_finds_each_field_whatever_its_case(cli, team):
    assert search(cli, "o'hara") == [team["ann"]]  # name, with a quote
    assert search(cli, "ANN.HARA@example") == [team["ann"]]  # email
    assert search(cli, "900123") == [team["ann"]]  # phone
    assert search(cli, "NG18 1AB") == [team["ann"]]  # a postcode in a two-line address
    assert search(cli, "ng18") == [team["dan"], team["ann"]]  # the address of one, the summary of the other
    assert search(cli, "dana price") == [team["bob"]]  # representative
    assert search(cli, "BOILER") == [team["ann"]]  # summary
    assert search(cli, team["cat"].lower()) == [team["cat"]]  # reference
    assert search(cli, "kind staff") == [team["fay"]]  # a compliment is a case too


@pytest.mark.both_databases
def test_search_takes_the_typed_text_as_text(cli, team):
    assert search(cli, "100%") == [team["bob"]]
    assert search(cli, "%") == [team["bob"]]  # not "anything"
    assert search(cli, "weeks_since") == [team["bob"]]
    assert search(cli, "_") == [team["bob"]]
    assert search(cli, "\\") == []
    # The JSON the details are kept in is not searched as text: its keys and values do not match.
    assert search(cli, "email") == [team["eve"]]  # Eve Email, by name only
    assert search(cli, '"name"') == []
    assert search(cli, "null") == []
    assert search(cli, "representative") == []
    assert search(cli, "no such person") == []


@pytest.mark.both_databases
def test_search_combines_with_the_other_filters(cli, team):
    assert search(cli, "ng18", "--status", "acknowledged") == []
    assert search(cli, "ng18", "--service", "parking") == [team["dan"]]
    assert search(cli, "thanks", "--type", "compliment") == [team["fay"]]
    assert search(cli, "thanks", "--type", "complaint") == []


def test_statuses_live_and_several(cli, team):
    live = references(cli.ok("list", "--status", "live", "--json"))
    assert live == [team["bob"], team["dan"], team["cat"], team["ann"]]  # a compliment is settled when logged
    assert references(cli.ok("list", "--status", "live", "--type", "complaint", "--json")) == live
    assert references(cli.ok("list", "--status", "open,acknowledged", "--json")) == live
    assert references(cli.ok("list", "--status", " Closed , acknowledged", "--json")) == [team["fay"], team["bob"], team["eve"]]
    assert references(cli.ok("list", "--status", "live,closed", "--json")) == references(cli.ok("list", "--json"))


@pytest.mark.parametrize("value", ["opn", "open,", "live;closed", ""])
def test_an_unknown_status_is_a_usage_error_naming_the_accepted_ones(cli, team, value):
    outcome = cli("list", "--status", value)
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr.count("\n") == 1
    assert outcome.stderr.startswith("Error: ")
    assert "open, acknowledged, closed or live" in outcome.stderr


def test_list_is_newest_first_and_limit_keeps_the_newest(cli, team):
    newest_first = [team["fay"], team["bob"], team["dan"], team["cat"], team["ann"], team["eve"]]
    assert references(cli.ok("list", "--json")) == newest_first
    # Two received on one day: the later reference first.
    assert team["dan"] > team["cat"]
    assert references(cli.ok("list", "--limit", "2", "--json")) == newest_first[:2]
    csv_lines = cli.ok("list", "--csv", "--limit", "3").stdout.splitlines()
    assert [line.split(",")[0] for line in csv_lines[1:]] == newest_first[:3]
    table = cli.ok("list", "--limit", "1").stdout
    assert team["fay"] in table and team["bob"] not in table


def test_search_stays_on_the_light_read_path(cli, db_location, team):
    code = (
        "import json, sys\n"
        "from complaintctl.cli import app\n"
        "try:\n"
        f"    app(['--db', {db_location!r}, 'list', '--search', 'ng18 1ab', '--json'], prog_name='complaintctl', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMPLAINTCTL_")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [row["reference"] for row in json.loads(result.stdout)] == [team["ann"]]
    modules = json.loads(result.stderr)
    assert not [name for name in modules if name.split(".")[0] in ("sqlalchemy", "sqlmodel", "pydantic", "holidays", "jinja2")]


# -- an unknown reference ------------------------------------------------------------------------


@pytest.fixture
def numbered(cli) -> list[str]:
    """CMP-2026-00001 … 00025, so that mistyped references have near neighbours."""
    return [log(cli, "--name", f"Person {n}", "--summary", "s", "--received", "2026-11-02") for n in range(1, 26)]


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("CMP-2026-0012", "CMP-2026-00012"),  # a zero short
        ("cmp-2026-00021x", "CMP-2026-00021"),  # a character too many
        ("CMP-2026-00201", "CMP-2026-00021"),  # two digits swapped
        ("CMP-2062-00012", "CMP-2026-00012"),  # the year's digits swapped
        ("CPM-2026-00007", "CMP-2026-00007"),  # the prefix's letters swapped
        ("CMP 2026 7", "CMP-2026-00007"),  # written loosely
    ],
)
def test_an_unknown_reference_is_refused_with_the_nearest(cli, numbered, typed, suggested):
    for command in (["show", typed], ["letter", typed], ["acknowledge", typed], ["note", typed, "x"],
                    ["close", typed, "--outcome", "upheld", "--reasons", "r"], ["action", "add", typed, "--what", "w", "--due", "2026-12-01"]):
        outcome = cli(*command)
        assert outcome.exit_code == 1, command
        assert outcome.stdout == ""
        line = outcome.stderr
        assert line.count("\n") == 1
        assert line.startswith(f"Error: no case with reference {typed.strip().upper()}; did you mean "), (command, line)
        named = line.split("did you mean ", 1)[1].rstrip("?\n").replace(" or ", ", ").split(", ")
        assert suggested in named and 1 <= len(named) <= 3 and set(named) <= set(numbered), (command, line)
        assert "Person" not in line  # references only
    # Nothing was recorded by the refused steps.
    assert all(len(cli.show(reference)["events"]) == 1 for reference in numbered)


def test_a_reference_like_none_says_how_to_find_it(cli, numbered):
    outcome = cli("show", "XYZ-1999-77777")
    assert outcome.exit_code == 1
    assert outcome.stderr == "Error: no case with reference XYZ-1999-77777; check it with `complaintctl list`\n"


def test_the_nearest_references_are_found_without_reading_every_reference(cli, db_location, numbered):
    """The suggestions come from one look-up of the texts a slip away, not a scan of the cases."""
    from complaintctl.domain.references import slips
    from complaintctl.storage import statements
    from complaintctl.storage.reader import Reader, connect

    candidates = slips("CMP-2026-0012")
    assert "CMP-2026-00012" in candidates and "CMP-2026-00021" in candidates
    assert len(candidates) < 1000
    assert slips("x" * 41) == []
    sql, params = statements.expand(statements.REFERENCES_AMONG, "references", candidates)
    reader = Reader(db_location, connect(db_location))
    try:
        with reader.reading():
            plan = " ".join(str(row) for row in reader.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
            found = reader.references_among(candidates)
    finally:
        reader.dispose()
    assert found == ["CMP-2026-00002", "CMP-2026-00010", "CMP-2026-00011", "CMP-2026-00012", "CMP-2026-00013",
                     "CMP-2026-00014", "CMP-2026-00015", "CMP-2026-00016", "CMP-2026-00017", "CMP-2026-00018",
                     "CMP-2026-00019", "CMP-2026-00021", "CMP-2026-00022"]
    assert "USING" in plan and "INDEX" in plan, plan


# -- show ------------------------------------------------------------------------------------------


def test_show_gives_address_preferred_contact_and_issue_date(cli):
    reference = log(cli, "--name", "Ann Example", "--address", "12 Mill Lane\nMansfield NG18 1AB", "--email", "ann@example.org",
                    "--preferred-contact", "letter", "--issue-date", "2026-10-14", "--summary", "s", "--received", "2026-11-02")
    shown = cli.show(reference)
    assert shown["address"] == "12 Mill Lane\nMansfield NG18 1AB"
    assert shown["preferred_contact"] == "letter"
    assert shown["issue_date"] == "2026-10-14"
    text = cli.ok("show", reference).stdout
    lines = text.splitlines()
    assert any(line.startswith("Address") and "12 Mill Lane" in line for line in lines)
    assert any("Mansfield NG18 1AB" in line for line in lines)
    assert any(line.startswith("Prefers") and line.endswith("letter") for line in lines)
    assert any(line.startswith("Issue date") and line.endswith("2026-10-14") for line in lines)


# -- warnings at log and close -------------------------------------------------------------------


def test_a_complaint_like_one_still_open_is_logged_with_a_warning(cli):
    first = log(cli, "--name", "Ann Example", "--email", "ann@example.org", "--service", "Repairs", "--summary", "Boiler",
                "--received", "2026-11-02")
    # The same name, whatever its case, and service, 10 working days later: warned, and logged.
    again = cli.ok("log", "--name", "ANN EXAMPLE", "--service", "repairs", "--summary", "Boiler again", "--received", "2026-11-16")
    second = again.stdout.split()[0]
    warning = [line for line in again.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warning) == 1
    assert first in warning[0] and second in warning[0]
    assert "Ann" not in warning[0] and "ANN" not in warning[0] and "Boiler" not in warning[0]
    # The same email under another name.
    by_email = cli.ok("log", "--name", "A. Example", "--email", "Ann@Example.ORG", "--service", "Repairs", "--summary", "s",
                      "--received", "2026-11-03", "--json")
    assert first in by_email.stderr
    assert json.loads(by_email.stdout)["name"] == "A. Example"  # stdout is the JSON alone


@pytest.mark.parametrize(
    "args",
    [
        ("--name", "Ann Example", "--service", "Waste", "--received", "2026-11-03"),  # another service
        ("--name", "Bob Example", "--service", "Repairs", "--received", "2026-11-03"),  # another person
        ("--name", "Ann Example", "--service", "Repairs", "--received", "2026-11-17"),  # 11 working days on
        ("--anonymous", "--service", "Repairs", "--received", "2026-11-03"),  # no one to compare
    ],
)
def test_no_warning_for_a_complaint_that_only_partly_matches(cli, args):
    log(cli, "--name", "Ann Example", "--email", "ann@example.org", "--service", "Repairs", "--summary", "Boiler",
        "--received", "2026-11-02")
    outcome = cli.ok("log", *args, "--summary", "s")
    assert "Warning" not in outcome.stderr


def test_no_warning_once_the_first_is_closed(cli):
    first = log(cli, "--name", "Ann Example", "--service", "Repairs", "--summary", "Boiler", "--received", "2026-11-02")
    cli.ok("close", first, "--outcome", "withdrawn", "--on", "2026-11-03")
    assert "Warning" not in cli.ok("log", "--name", "Ann Example", "--service", "Repairs", "--summary", "s",
                                   "--received", "2026-11-04").stderr


def test_compensation_on_an_anonymous_complaint_is_recorded_with_a_warning(cli):
    anonymous = log(cli, "--anonymous", "--summary", "Pothole damage", "--received", "2026-11-02")
    named = log(cli, "--name", "Ann Example", "--summary", "Pothole damage", "--received", "2026-11-02")
    for reference in (anonymous, named):
        cli.ok("acknowledge", reference, "--on", "2026-11-03")
    closed = cli.ok("close", anonymous, "--outcome", "upheld", "--reasons", "r", "--compensation", "50", "--on", "2026-11-10")
    assert closed.stderr.startswith(f"Warning: {anonymous} is anonymous")
    assert cli.show(anonymous)["stages"][0]["compensation"] == "50.00"
    assert "Warning" not in cli.ok("close", named, "--outcome", "upheld", "--reasons", "r", "--compensation", "50",
                                   "--on", "2026-11-10").stderr


@pytest.mark.both_databases
def test_search_finds_a_case_by_its_corrected_details(cli, team):
    cli.ok("amend", team["cat"], "--reason", "Mistyped on the phone", "--email", "cat.lee@example.com",
           "--address", "5 Low St, Retford DN22 6AA", "--name", "Catherine Lee")
    assert search(cli, "CAT.LEE@") == [team["cat"]]
    assert search(cli, "dn22 6aa") == [team["cat"]]
    assert search(cli, "catherine") == [team["cat"]]
    # The details it was logged with still find it; the words of the correction do not.
    assert search(cli, "s80 1aa") == [team["cat"]]
    assert search(cli, "mistyped") == []
    assert search(cli, "before") == []
