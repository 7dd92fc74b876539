"""Input limits (SPEC §14): what a text option may hold, how long it may be, and the shell's lines.

Every option or argument that takes text a person typed refuses control characters (C0 but the
line feed and tab of free text, DEL, C1), line and paragraph separators and bidirectional
overrides; one-line fields (names, emails, phones, handlers, officers, services, categories)
refuse line breaks and hold at most 200 characters, free text at most 20,000, a shell line at
most 100,000. A refusal is exit 2 and one `Error:` line naming the option (and the limit), the
value is never echoed, and the database is byte-for-byte unchanged. Every check takes time in
proportion to the input's length.
"""

from __future__ import annotations

import io
import shlex
import shutil
import time

import pytest
from conftest import Cli
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st
from test_refusals import assert_refused, database_dump
from test_shell import run_shell

from complaintctl.domain.text import FREE_TEXT, ONE_LINE, REFERENCE, TextRule, as_kept, checked, problem
from complaintctl.errors import InvalidInput

TODAY = "2027-03-01 12:00:00"  # a Monday

ESC = "\x1b[31mred\x1b[0m"
OSC_52 = "\x1b]52;c;aGVsbG8=\x07"  # writes "hello" to the terminal's clipboard
CSI_C1 = "\x9b31m"  # the one-character CSI of C1
DEL = "\x7f"
HOSTILE = {"esc": ESC, "osc52": OSC_52, "c1": CSI_C1, "del": DEL}

# -- the rule, without a command line ---------------------------------------------------------------


@pytest.mark.parametrize("rule", [ONE_LINE, FREE_TEXT, REFERENCE], ids=["one-line", "free-text", "reference"])
@pytest.mark.parametrize(
    "character",
    ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9b", "\x9f",
     "\u2028", "\u2029", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\udcff"],
)
def test_characters_refused_in_every_field(rule, character):
    found = problem(f"Ann{character}Smith", rule)
    assert found is not None
    assert f"U+{ord(character):04X}" in found and "at character 4" in found
    assert character not in found


@pytest.mark.parametrize(
    ("value", "one_line", "free_text"),
    [
        ("Ann Smith", True, True),
        ("Ann\nSmith", False, True),
        ("Ann\tSmith", False, True),
        ("line one\r\nline two", False, True),
        ("line one\rline two", False, False),
        ("Ann\r", False, False),
        ("\u05d3\u05e0\u05d4 \u200fכהן", True, True),  # right-to-left mark: a legitimate name
        ("Zoë O'Brien-Ćosić 😀", True, True),
    ],
)
def test_line_breaks_and_tabs_only_in_free_text(value, one_line, free_text):
    assert (problem(value, ONE_LINE) is None) is one_line
    assert (problem(value, FREE_TEXT) is None) is free_text


def test_crlf_in_free_text_is_kept_as_a_line_feed():
    assert as_kept("one\r\ntwo\r\n", FREE_TEXT) == "one\ntwo\n"
    assert checked("--summary", "one\r\ntwo", FREE_TEXT) == "one\ntwo"
    assert as_kept("one\ttwo", FREE_TEXT) == "one\ttwo"


@pytest.mark.parametrize(("rule", "limit"), [(ONE_LINE, 200), (FREE_TEXT, 20_000), (REFERENCE, 100)])
def test_limits(rule, limit):
    assert problem("a" * limit, rule) is None
    assert problem("a" * (limit + 1), rule) == f"is {limit + 1:,} characters; at most {limit:,}"


def test_checked_names_the_field():
    with pytest.raises(InvalidInput, match=r"^--name contains a line break \(U\+000A\) at character 4; give it on one line$"):
        checked("--name", "Ann\nSmith", ONE_LINE)
    with pytest.raises(InvalidInput, match=r"^--summary is 20,001 characters; at most 20,000$"):
        checked("--summary", "a" * 20_001, FREE_TEXT)


@pytest.mark.parametrize(
    "value",
    ["a" * 20_000, "\r\n" * 10_000, "\t" * 19_999 + "\x1b", "a\n" * 9_999 + "\r"],
    ids=["plain", "crlf", "bad-at-the-end", "lone-cr-at-the-end"],
)
def test_checking_a_20000_character_text_takes_linear_time(value):
    started = time.perf_counter()
    for _ in range(200):
        problem(value, FREE_TEXT)
    assert time.perf_counter() - started < 2.0
    # ten times as long, within a limit that lets it through: about ten times the time, never 100.
    long_rule = TextRule(multiline=True, limit=10**8)
    started = time.perf_counter()
    for _ in range(20):
        problem(value * 10, long_rule)
    assert time.perf_counter() - started < 2.0


# -- every text option of the command line ---------------------------------------------------------

STATES: dict[str, list[list[str]]] = {
    "OPEN": [["log", "--name", "Olive Open", "--summary", "Missed bins", "--received", "2027-02-01"]],
    "ACK": [
        ["log", "--name", "Alan Ack", "--summary", "Damp", "--received", "2027-02-15"],
        ["acknowledge", "{ref}", "--handler", "Sam Smith", "--on", "2027-02-16"],
    ],
    "CLOSED": [
        ["log", "--name", "Chris Closed", "--summary", "Repairs", "--received", "2027-02-01"],
        ["acknowledge", "{ref}", "--handler", "Sam Smith", "--on", "2027-02-02"],
        ["close", "{ref}", "--outcome", "not-upheld", "--reasons", "Done in time", "--on", "2027-02-19"],
    ],
    "REFERRED": [
        ["log", "--name", "Rita Referred", "--summary", "Rent", "--received", "2027-01-04"],
        ["acknowledge", "{ref}", "--handler", "Sam Smith", "--on", "2027-01-05"],
        ["close", "{ref}", "--outcome", "upheld", "--reasons", "Late", "--on", "2027-01-15"],
        ["ombudsman", "refer", "{ref}", "--on", "2027-02-01"],
        ["ombudsman", "determine", "{ref}", "--on", "2027-02-20", "--finding", "Repairs=maladministration"],
    ],
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    refs: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as patch, freeze_time(TODAY):
        patch.setenv("COMPLAINTCTL_OFFICER", "officer.one")
        patch.setenv("NO_COLOR", "1")
        patch.setenv("XDG_DATA_HOME", str(folder / "xdg"))
        for name in ("COMPLAINTCTL_DB", "COMPLAINTCTL_CONFIG", "COMPLAINTCTL_DEBUG"):
            patch.delenv(name, raising=False)
        cli = Cli(str(folder / "template.db"))
        cli.ok("init")
        for state, (first, *rest) in STATES.items():
            refs[state] = cli.ok(*first).stdout.strip()
            for step in rest:
                cli.ok(*(arg.replace("{ref}", refs[state]) for arg in step))
    return folder, refs


@pytest.fixture
def world(template, tmp_path):
    folder, refs = template
    for suffix in ("", "-wal", "-shm"):
        source = folder / f"template.db{suffix}"
        if source.exists():
            shutil.copy2(source, tmp_path / f"complaints.db{suffix}")
    return Cli(str(tmp_path / "complaints.db")), refs


# (the case's state, the arguments with {v} where the text goes, how the error names the field)
TEXT_FIELDS = [
    ("OPEN", ["log", "--name", "Ann{v}", "--summary", "S"], "'--name'"),
    ("OPEN", ["log", "--name", "N", "--summary", "S", "--email", "ann{v}@example.org"], "'--email'"),
    ("OPEN", ["log", "--name", "N", "--summary", "S", "--phone", "0161{v}"], "'--phone'"),
    ("OPEN", ["log", "--name", "N", "--summary", "S", "--address", "1 High St{v}"], "'--address'"),
    ("OPEN", ["log", "--name", "N", "--summary", "S", "--representative", "Rep{v}"], "'--representative'"),
    ("OPEN", ["log", "--name", "N", "--summary", "S", "--service", "Waste{v}"], "'--service'"),
    ("OPEN", ["log", "--name", "N", "--summary", "S", "--category", "Bins{v}"], "'--category'"),
    ("OPEN", ["log", "--name", "N", "--summary", "Bins{v}"], "'--summary'"),
    ("OPEN", ["log", "--name", "N", "--summary", "S", "--outcomes-sought", "Sorry{v}"], "'--outcomes-sought'"),
    ("OPEN", ["log", "--name", "N", "--summary", "S", "--adjustments", "Large print{v}"], "'--adjustments'"),
    ("OPEN", ["acknowledge", "{ref}", "--handler", "Sam{v}"], "'--handler'"),
    ("OPEN", ["acknowledge", "{ref}", "--understanding", "U{v}"], "'--understanding'"),
    ("OPEN", ["acknowledge", "{ref}", "--outcomes-sought", "O{v}"], "'--outcomes-sought'"),
    ("ACK", ["extend", "{ref}", "--days", "2", "--reason", "R{v}"], "'--reason'"),
    ("ACK", ["extend", "{ref}", "--days", "2", "--reason", "R", "--good-reason", "G{v}"], "'--good-reason'"),
    ("ACK", ["extend", "{ref}", "--days", "2", "--reason", "R", "--late-reason", "L{v}"], "'--late-reason'"),
    ("ACK", ["update", "{ref}", "--progress", "P{v}"], "'--progress'"),
    ("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R{v}"], "'--reasons'"),
    ("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--steps", "S{v}"], "'--steps'"),
    ("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--remedy", "M{v}"], "'--remedy'"),
    ("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--learning", "L{v}"], "'--learning'"),
    ("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "R", "--action", "Fix{v}", "--action-due", "2027-04-01"], "'--action'"),
    ("ACK", ["close", "{ref}", "--outcome", "refused", "--reasons", "R", "--exclusion", "duplicate{v}"], "'--exclusion'"),
    ("CLOSED", ["escalate", "{ref}", "--handler", "Pat{v}"], "'--handler'"),
    ("CLOSED", ["escalate", "{ref}", "--handler", "Pat Jones", "--late-reason", "L{v}"], "'--late-reason'"),
    ("CLOSED", ["escalate", "{ref}", "--handler", "Pat Jones", "--outcomes-sought", "O{v}"], "'--outcomes-sought'"),
    ("OPEN", ["note", "{ref}", "Called{v}"], "'text'"),
    ("CLOSED", ["action", "add", "{ref}", "--what", "W{v}", "--due", "2027-04-01"], "'--what'"),
    ("CLOSED", ["action", "add", "{ref}", "--what", "W", "--due", "2027-04-01", "--owner", "O{v}"], "'--owner'"),
    ("CLOSED", ["ombudsman", "refer", "{ref}", "--their-reference", "HO-1{v}"], "'--their-reference'"),
    ("REFERRED", ["ombudsman", "order", "{ref}", "--kind", "apology{v}", "--due", "2027-04-01"], "'--kind'"),
    ("REFERRED", ["ombudsman", "order", "{ref}", "--kind", "apology", "--due", "2027-04-01", "--what", "W{v}"], "'--what'"),
    ("CLOSED", ["learning", "{ref}", "Learned{v}"], "'text'"),
    ("CLOSED", ["survey", "{ref}{v}", "--satisfied", "yes"], "'reference'"),
    (None, ["list", "--handler", "Sam{v}"], "'--handler'"),
    (None, ["list", "--service", "Waste{v}"], "'--service'"),
    ("OPEN", ["show", "{ref}{v}"], "'reference'"),
    ("OPEN", ["letter", "{ref}{v}"], "'reference'"),
    ("ACK", ["action", "done", "{ref}{v}", "1"], "'reference'"),
]


def _ids(fields):
    return [" ".join(arg for arg in arguments[:3] if "{" not in arg) + " " + hint for _, arguments, hint in fields]


def _refused_unchanged(cli: Cli, arguments: list[str], hint: str, fragment: str = "") -> str:
    before = database_dump(cli.db)
    outcome = cli(*arguments)
    assert_refused(outcome, 2, hint)
    assert fragment in outcome.stderr, outcome.stderr
    for character in ("\x1b", "\x9b", "\x7f", "\x07", "\n"):
        assert character not in outcome.stderr.rstrip("\n"), "the refusal must not print what was typed"
    assert database_dump(cli.db) == before
    return outcome.stderr


@freeze_time(TODAY)
@pytest.mark.parametrize(("state", "arguments", "hint"), TEXT_FIELDS, ids=_ids(TEXT_FIELDS))
def test_control_characters_are_refused_naming_the_option(world, state, arguments, hint):
    cli, refs = world
    for name, hostile in HOSTILE.items():
        filled = [arg.replace("{ref}", refs.get(state, "")).replace("{v}", hostile) for arg in arguments]
        _refused_unchanged(cli, filled, hint, "control character")
    # The same command with plain text in that place is not refused for it.
    plain = [arg.replace("{ref}", refs.get(state, "")).replace("{v}", "") for arg in arguments]
    outcome = cli(*plain)
    assert hint not in outcome.stderr, outcome.stderr


ONE_LINE_FIELDS = [field for field in TEXT_FIELDS if field[2] in {
    "'--name'", "'--phone'", "'--representative'", "'--service'", "'--category'", "'--handler'", "'--owner'",
    "'--their-reference'", "'--email'",
}]


@freeze_time(TODAY)
@pytest.mark.parametrize(("state", "arguments", "hint"), ONE_LINE_FIELDS, ids=_ids(ONE_LINE_FIELDS))
def test_one_line_fields_refuse_line_breaks_tabs_and_bidi_overrides(world, state, arguments, hint):
    cli, refs = world
    for inside, fragment in (("\n", "line break"), ("\r", "line break"), ("\u2028", "line break"),
                             ("\t", "control character"), ("\u202e", "bidirectional"), ("\u2066", "bidirectional")):
        filled = [arg.replace("{ref}", refs.get(state, "")).replace("{v}", f"x{inside}y") for arg in arguments]
        _refused_unchanged(cli, filled, hint, fragment)


@freeze_time(TODAY)
def test_free_text_keeps_its_lines_and_tabs(world):
    cli, refs = world
    summary = "The bins were missed.\nTwice.\r\n\tThen a third time."
    logged = cli.ok("log", "--name", "Ann Smith", "--summary", summary, "--address", "1 High St\nTown", "--json").json()
    assert logged["summary"] == "The bins were missed.\nTwice.\n\tThen a third time."
    assert logged["address"] == "1 High St\nTown"
    closed = cli.ok("close", refs["ACK"], "--outcome", "upheld", "--reasons", "First.\nSecond.", "--json").json()
    details = closed["events"][-1]["details"]
    assert details["reasons"] == "First.\nSecond."
    shown = cli.ok("show", refs["ACK"]).stdout
    assert "\x1b" not in shown


@freeze_time(TODAY)
@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        (["log", "--name", "Ann", "--summary", "{v}"], "lines\u2028apart"),
        (["log", "--name", "Ann", "--summary", "{v}"], "abc\u202edcba"),
        (["log", "--name", "Ann", "--summary", "{v}"], "carriage\roverwrites"),
        (["note", "{ref}", "{v}"], "abc\u2067fed"),
    ],
    ids=["line-separator", "bidi-override", "lone-cr", "bidi-isolate"],
)
def test_free_text_refuses_separators_overrides_and_a_lone_carriage_return(world, arguments, text):
    cli, refs = world
    filled = [arg.replace("{ref}", refs["OPEN"]).replace("{v}", text) for arg in arguments]
    _refused_unchanged(cli, filled, "'--summary'" if arguments[0] == "log" else "'text'")


@freeze_time(TODAY)
@pytest.mark.parametrize(
    ("state", "arguments", "hint", "limit"),
    [
        ("OPEN", ["log", "--name", "{v}", "--summary", "S"], "'--name'", 200),
        ("OPEN", ["log", "--name", "N", "--summary", "S", "--service", "{v}"], "'--service'", 200),
        ("OPEN", ["acknowledge", "{ref}", "--handler", "{v}"], "'--handler'", 200),
        ("OPEN", ["log", "--name", "N", "--summary", "{v}"], "'--summary'", 20_000),
        ("ACK", ["close", "{ref}", "--outcome", "upheld", "--reasons", "{v}"], "'--reasons'", 20_000),
        ("OPEN", ["note", "{ref}", "{v}"], "'text'", 20_000),
    ],
    ids=["name", "service", "handler", "summary", "reasons", "note"],
)
def test_lengths_up_to_the_limit_and_not_one_more(world, state, arguments, hint, limit):
    cli, refs = world
    too_long = [arg.replace("{ref}", refs[state]).replace("{v}", "a" * (limit + 1)) for arg in arguments]
    stderr = _refused_unchanged(cli, too_long, hint)
    assert f"is {limit + 1:,} characters; at most {limit:,}" in stderr
    at_limit = [arg.replace("{ref}", refs[state]).replace("{v}", "a" * limit) for arg in arguments]
    cli.ok(*at_limit)


@freeze_time(TODAY)
def test_a_name_of_200_characters_is_kept_whole(world):
    cli, _ = world
    name = "Ann " + "b" * 196
    assert cli.ok("log", "--name", name, "--summary", "S", "--json").json()["name"] == name


@freeze_time(TODAY)
def test_a_reference_too_long_to_be_one_is_refused_unechoed(world):
    cli, _ = world
    stderr = _refused_unchanged(cli, ["show", "C" * 101], "'reference'", "at most 100")
    assert "C" * 101 not in stderr
    assert cli("show", "C" * 100).exit_code == 1  # a plain unknown reference


# -- the officer --------------------------------------------------------------------------------


@freeze_time(TODAY)
@pytest.mark.parametrize("officer", ["dawn\x1breid", "dawn" + OSC_52, "dawn\nreid", "dawn\x9breid", "dawn\u202ereid", "d" * 201],
                         ids=["esc", "osc52", "newline", "c1", "bidi", "201-characters"])
@pytest.mark.parametrize("given_by", ["option", "environment"])
def test_the_officer_is_checked_before_anything_runs(world, monkeypatch, officer, given_by):
    cli, refs = world
    if given_by == "environment":
        monkeypatch.setenv("COMPLAINTCTL_OFFICER", officer)
        arguments, kwargs = ["note", refs["OPEN"], "Called"], {}
    else:
        arguments, kwargs = ["note", refs["OPEN"], "Called"], {"officer": officer}
    before = database_dump(cli.db)
    outcome = cli(*arguments, **kwargs)
    assert_refused(outcome, 2, "'--officer'")
    assert "COMPLAINTCTL_OFFICER" in outcome.stderr
    assert "\x1b" not in outcome.stderr and "\x9b" not in outcome.stderr
    assert database_dump(cli.db) == before
    # nor does a command that only reads run
    assert_refused(cli("list", **kwargs), 2, "'--officer'")


@freeze_time(TODAY)
def test_the_login_name_is_still_the_default_and_is_held_to_the_same_rule(world, monkeypatch):
    cli, refs = world
    monkeypatch.delenv("COMPLAINTCTL_OFFICER")
    for name in ("USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGNAME", "jo.bloggs")
    cli.ok("note", refs["OPEN"], "Called")
    assert cli.show(refs["OPEN"])["events"][-1]["officer"] == "jo.bloggs"
    monkeypatch.setenv("LOGNAME", "jo\x1b]52;c;aGk=\x07")
    before = database_dump(cli.db)
    outcome = cli("note", refs["OPEN"], "Called again")
    assert_refused(outcome, 1, "login name")
    assert "--officer NAME" in outcome.stderr and "\x1b" not in outcome.stderr
    assert database_dump(cli.db) == before
    cli.ok("note", refs["OPEN"], "Called again", officer="Jo Bloggs")


# -- the shell ------------------------------------------------------------------------------------


def test_a_shell_line_over_100000_characters_is_refused_and_the_session_goes_on(cli, db_location):
    reference = cli.ok("log", "--name", "Ann Example", "--summary", "Bins").stdout.split()[0]
    start = f"note {reference} "
    over = start + "a" * (100_001 - len(start))
    at_limit = start + "b" * (100_000 - len(start))
    assert (len(over), len(at_limit)) == (100_001, 100_000)
    result = run_shell(db_location, f"{over}\n{at_limit}\nnote {reference} 'after the long lines'\n")
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: the line is longer than 100,000 characters, the most a shell line may hold; nothing was run"
    # the line at the limit is split and run: its note is then too long for a note
    assert lines[1].startswith("Error: Invalid value for 'text': is 99,9") and "at most 20,000" in lines[1]
    assert lines[2:] == [f"{reference} note added"], result.stderr
    assert result.returncode == 2
    notes = [event["details"]["text"] for event in cli.show(reference)["events"] if event["kind"] == "note"]
    assert notes == ["after the long lines"]


def test_a_megabyte_shell_line_is_refused_in_well_under_a_second(cli, db_location, capsys):
    import typer.main

    from complaintctl.cli import app
    from complaintctl.cli.session import Session, global_arguments, piped_lines

    reference = cli.ok("log", "--name", "Ann Example", "--summary", "Bins").stdout.split()[0]
    session = Session(typer.main.get_command(app), global_arguments(db_location, None, None))
    huge = f"note {reference} " + "x" * 1_000_000
    started = time.perf_counter()
    assert session.run_line(huge) == 2
    assert session.run_line(huge + "\n") == 2
    lines = list(piped_lines(io.StringIO(f"{huge}\n{huge}\nnote {reference} next\n")))
    assert time.perf_counter() - started < 2.0
    assert [len(line) for line in lines] == [100_001, 100_001, len(f"note {reference} next\n")]
    assert session.run_lines(lines) == 2
    assert capsys.readouterr().err.count("longer than 100,000 characters") == 4
    assert [event["details"]["text"] for event in cli.show(reference)["events"] if event["kind"] == "note"] == ["next"]


@pytest.mark.parametrize(
    "line",
    ["note X " + "a" * 1_000_000, "note X '" + "a" * 1_000_000 + "'", 'note X "' + "\\a" * 500_000 + '"', "a " * 500_000,
     "'a' " * 100_000],
    ids=["one-word", "single-quoted", "double-quoted-escapes", "many-words", "many-quoted-words"],
)
def test_splitting_a_line_takes_linear_time(line):
    """shlex.split took about 40 s on the first of these; the shell's splitter reads runs of
    characters at once."""
    from complaintctl.cli.session import split_line

    started = time.perf_counter()
    words = split_line(line)
    assert time.perf_counter() - started < 2.0
    assert len("".join(words)) >= 100_000


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab '\"\\\t\n\r#é", max_size=24))
def test_the_shell_splits_a_line_as_shlex_does(line):
    from complaintctl.cli.session import split_line

    try:
        expected = ("words", shlex.split(line))
    except ValueError as problem:
        expected = ("error", str(problem))
    try:
        got = ("words", split_line(line))
    except ValueError as problem:
        got = ("error", str(problem))
    assert got == expected


def test_an_over_long_path_is_refused_in_one_short_line(cli):
    """A 128 KB path (the longest one argument may be) is named by its two ends, not printed whole."""
    import time

    long_path = "a" * 131_000
    for arguments in (["--config", long_path, "list"], ["report", "annual", "--year", "2025", "--out", long_path],
                      ["backup", long_path]):
        started = time.perf_counter()
        outcome = cli(*arguments)
        assert time.perf_counter() - started < 10
        assert outcome.exit_code == 1 and outcome.stderr.startswith("Error: ") and outcome.stderr.count("\n") == 1
        assert "(131,000 characters)" in outcome.stderr and len(outcome.stderr) < 600, outcome.stderr[:400]
    from conftest import Cli

    missing = Cli(long_path)("list")
    assert missing.exit_code == 1 and "(the name is too long); choose a shorter path" in missing.stderr and len(missing.stderr) < 600


def test_a_refusal_of_a_long_shell_line_is_one_short_line(cli, db_location):
    """49,000 stray words, or 50,000 backslashes, in a line under the limit: the usage error that
    names them is shown by its two ends, not as 100,000 characters on one line."""
    result = run_shell(db_location, "list " + " ".join(["x"] * 49_000) + "\nlist " + "\\\\" * 49_000 + "\n")
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("Error: Got unexpected extra argument") for line in lines), lines
    assert all(len(line) < 2_500 for line in lines) and "characters)" in lines[0]
