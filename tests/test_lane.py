"""The lane (cli/lane.py) runs `show`, `log`, `list --json` and `letter` without Typer: each
command line it reads gives what Typer's app gives, byte for byte, and each one it is not sure
of is left to Typer."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

import pytest
import typer.main
from freezegun import freeze_time
from typer.testing import CliRunner

from complaintctl.cli import app, lane
from conftest import Cli, Outcome, through_lane

SHOWN = [
    ["show", "{ref}"],
    ["show", "{ref}", "--json"],
    ["show", "--json", "{ref}"],
    ["show", "{lower}", "--explain"],
    ["show", "{ref}", "--json", "--explain"],
    ["show", "  {ref} "],
    ["show", "CMP-2026-99999"],
    ["show", "CMP-2O26-00001"],
]
LOGGED = [
    ["log", "--name", "Ann <script>alert(1)</script>", "--summary", "Bins [bold]missed[/bold]", "--json"],
    ["log", "--name=Ann Example", "--email", " ann@example.org ", "--phone", "01234 567890", "--address", "1 High St\r\nTown",
     "--preferred-contact", "EMAIL", "--channel", " Phone", "--service", "Housing Repairs", "--category", "Damp",
     "--outcomes-sought", "A repair", "--received", "27/11/2026", "--issue-date", "2026-11-01", "--housing",
     "--adjustments", "Large print", "--json"],
    ["log", "--summary", "Fence", "--name", "Bo", "--representative", "Cy", "--representative-email", "cy@example.org",
     "--representative-address", "2 Low St", "--received", "yesterday"],
    ["log", "--anonymous", "--summary", "Graffiti", "--type", "Comment", "--no-housing", "--json"],
    ["log", "--name", "Di", "--summary", "Noise", "--received", "2025-06-01", "--issue-date", "2024-01-02"],
    ["log", "--name", "Ed", "--summary", "Noise", "--received", "2026-12-25"],
    ["log", "--name", "Fay"],
]
LISTED = [
    ["list", "--json"],
    ["list", "--status", "live", "--json"],
    ["list", "--json", "--status", " Open, ACKNOWLEDGED,open"],
    ["list", "--status=closed", "--json"],
    ["list", "--stage", "1", "--handler", "nobody", "--json"],
    ["list", "--search", "ANN", "--service", "", "--json"],
    ["list", "--from", "01/11/2026", "--to", "today", "--json"],
    ["list", "--from", "2026-12-01", "--to", "2026-11-01", "--json"],
    ["list", "--type", " Complaint", "--limit", "01", "--json"],
]
LETTERED = [
    ["letter", "{ref}"],
    ["letter", "{lower}", "Acknowledgement"],
    ["letter", "{ref}", "--format", "eml"],
    ["letter", "{ref}", "--format=HTML", "--stage", "1"],
    ["letter", "{ref}", "decision"],
    ["letter", "CMP-2026-99999"],
]
# Command lines the lane leaves to Typer, which refuses or answers them as it always has.
LEFT = [
    ["list", "--csv"],
    ["list", "--json", "--csv"],
    ["list", "--status", "pending", "--json"],
    ["list", "--stage", "3", "--json"],
    ["list", "--limit", "0", "--json"],
    ["list", "--limit", "+5", "--json"],
    ["list", "--received-from", "2026-01-01", "--json"],
    ["list", "--from", "31/02/2026", "--json"],
    ["letter"],
    ["letter", "{ref}", "praise"],
    ["letter", "{ref}", "acknowledgement", "extra"],
    ["letter", "{ref}", "--format", "eml", "--out", "a.txt"],
    ["letter", "{ref}", "--format", "pdf"],
    ["--help"],
    ["--version"],
    [],
    ["show"],
    ["show", "--help"],
    ["show", "{ref}", "{ref}"],
    ["show", "{ref}", "--json", "--json"],
    ["show", "{ref}", "--json=yes"],
    ["show", "{ref}", "--db", "other.db"],
    ["show", "{ref}", "--"],
    ["show", "-{ref}"],
    ["show", "CMP\x1b[2J"],
    ["list"],
    ["nosuch"],
    ["log", "--nosuch"],
    ["log", "--name"],
    ["log", "--name", "-x"],
    ["log", "--name", "A", "--name", "B"],
    ["log", "--housing", "--no-housing"],
    ["log", "--email", "not-an-address"],
    ["log", "--name", "line\nbreak"],
    ["log", "--name", "x" * 201],
    ["log", "--received", "31/02/2026"],
    ["log", "--type", "praise"],
    ["log", "--channel", "pigeon"],
    ["log", "extra"],
]


@pytest.fixture
def two_databases(cli, tmp_path):
    """Two copies of one database with a case in it: one for the lane, one for Typer's app."""
    with freeze_time("2026-11-26 10:00:00"):
        reference = cli.ok("log", "--name", "Ann Example", "--summary", "Bins", "--email", "ann@example.org").stdout.strip()
        cli.ok("acknowledge", reference)
    copy = str(tmp_path / "copy.db")
    with closing(sqlite3.connect(cli.db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return cli.db, copy, {"ref": reference, "lower": reference.lower()}


def by_typer(db: str, arguments: list[str]) -> Outcome:
    result = CliRunner().invoke(app, ["--db", db, *arguments], catch_exceptions=False)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def filled(arguments: list[str], references: dict[str, str]) -> list[str]:
    return [word.format(**references) if "{" in word and "}" in word and "<" not in word else word for word in arguments]


def drafted_anew(text: str) -> str:
    """An .eml's text without what each draft makes afresh: its boundary and Message-ID."""
    return re.sub(r"<\d+\.\d+\.\d+\.", "<ID.", re.sub(r"={15}\d{19}==", "BOUNDARY", text))


@pytest.mark.parametrize("arguments", SHOWN + LOGGED + LISTED + LETTERED, ids=lambda words: " ".join(words)[:60])
def test_the_lane_answers_as_typer_does(two_databases, arguments):
    lane_db, typer_db, references = two_databases
    words = filled(arguments, references)
    with freeze_time("2026-11-30 11:00:00"):
        in_lane = through_lane(CliRunner(), ["--db", lane_db, *words])
        by_app = by_typer(typer_db, words)
    assert in_lane is not None, "the lane left a command line it reads to Typer"
    assert (in_lane.exit_code, drafted_anew(in_lane.stdout), in_lane.stderr) == (by_app.exit_code, drafted_anew(by_app.stdout), by_app.stderr)
    if arguments[0] == "log" and in_lane.exit_code == 0:
        # The same case recorded, by the same officer at the same time.
        logged = in_lane.json()["reference"] if "--json" in arguments else in_lane.stdout.strip()
        assert Cli(lane_db).show(logged) == Cli(typer_db).show(logged)


@pytest.mark.parametrize("arguments", LEFT, ids=lambda words: " ".join(words)[:60] or "(nothing)")
def test_what_the_lane_is_not_sure_of_is_left_to_typer(two_databases, arguments):
    lane_db, _, references = two_databases
    words = filled(arguments, references)
    assert through_lane(CliRunner(), ["--db", lane_db, *words]) is None


def test_the_lane_takes_the_global_options_as_typer_does(two_databases, monkeypatch):
    lane_db, typer_db, references = two_databases
    monkeypatch.setenv("COMPLAINTCTL_DB", lane_db)
    in_lane = through_lane(CliRunner(), ["show", references["ref"], "--json"])
    monkeypatch.setenv("COMPLAINTCTL_DB", typer_db)
    assert in_lane is not None and in_lane.json() == by_typer(typer_db, ["show", references["ref"], "--json"]).json()
    # An officer's name Typer refuses (a control character) is Typer's to refuse.
    monkeypatch.setenv("COMPLAINTCTL_OFFICER", "Ann\x07")
    assert through_lane(CliRunner(), ["show", references["ref"]]) is None
    assert through_lane(CliRunner(), ["--officer=Bea", f"--db={lane_db}", "show", references["ref"]]) is not None
    assert through_lane(CliRunner(), ["--db", lane_db, "--db", lane_db, "show", references["ref"]]) is None
    monkeypatch.setenv("_COMPLAINTCTL_COMPLETE", "bash_complete")
    assert through_lane(CliRunner(), ["--officer=Bea", "show", references["ref"]]) is None


def test_an_officer_given_to_the_lane_is_the_one_recorded(two_databases):
    lane_db, _, _ = two_databases
    logged = through_lane(CliRunner(), ["--db", lane_db, "--officer", "  Bea   Other ", "log", "--name", "Cy", "--summary", "s", "--json"])
    assert logged is not None and logged.exit_code == 0
    history = Cli(lane_db).show(logged.json()["reference"])["events"]
    assert history[0]["officer"] == "Bea Other"


def test_the_lane_knows_every_option_of_the_commands_it_runs():
    """A new option of `show` or `log` must be taught to the lane (or the lane would leave every
    command line using it to Typer, and a renamed one would be read wrongly)."""
    built = typer.main.get_command(app)
    # What the lane leaves to Typer on purpose: list's table and CSV, the long names of its dates.
    left = {"list": {"--received-from", "--received-to", "--csv"}}
    shapes = (("show", lane.SHOW), ("log", lane.LOG), ("list", lane.LIST), ("letter", lane.LETTER_OF_KIND))
    for name, shape in shapes:
        command = built.commands[name]
        valued = sorted(option for param in command.params if param.param_type_name == "option" and not param.is_flag
                        for option in param.opts if option not in left.get(name, ()))
        flags = sorted(option for param in command.params if param.param_type_name == "option" and param.is_flag
                       for option in [*param.opts, *param.secondary_opts] if option not in left.get(name, ()))
        arguments = [param.name for param in command.params if param.param_type_name == "argument"]
        assert (valued, flags, len(arguments)) == (sorted(shape.valued), sorted(shape.flags), len(shape.arguments)), name
    assert set(lane.LISTED_FILTERS) == {field for field, _ in lane.LIST.valued.values()}
    log_fields = set(lane.LOGGED_FIELDS)
    assert {field for field, _ in lane.LOG.valued.values()} | {"anonymous", "housing"} == log_fields


def test_a_letter_written_to_a_file_by_the_lane_is_the_one_typer_writes(two_databases, tmp_path):
    lane_db, typer_db, references = two_databases
    in_lane = through_lane(CliRunner(), ["--db", lane_db, "letter", references["ref"], "--out", str(tmp_path / "lane.html")])
    by_app = by_typer(typer_db, ["letter", references["ref"], "--out", str(tmp_path / "typer.html")])
    assert in_lane is not None and in_lane.exit_code == by_app.exit_code == 0
    assert (tmp_path / "lane.html").read_bytes() == (tmp_path / "typer.html").read_bytes()
    assert (tmp_path / "lane.html").stat().st_mode & 0o777 == 0o600
    refused = through_lane(CliRunner(), ["--db", lane_db, "letter", references["ref"], "--out", str(tmp_path / "lane.html")])
    assert refused is not None and refused.exit_code == 1 and refused.stderr.startswith("Error: ")
