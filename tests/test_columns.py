"""`show`'s tables, written as plain lines (output/columns.py): columns that line up in terminal
cells, squeezed columns wrapped at spaces, typed text shown as typed; bold headings and struck
rows only on a terminal. Through the real command line where the command is the point."""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time

from complaintctl.output.columns import Table, shortened, width_of, wrapped, write

SGR = re.compile(r"\x1b\[[0-9;]*m")


class Stream:
    """A stream that says whether it is a terminal, as sys.stdout does."""

    def __init__(self, terminal: bool) -> None:
        self.terminal, self.text = terminal, ""

    def isatty(self) -> bool:
        return self.terminal

    def write(self, text: str) -> None:
        self.text += text


@pytest.fixture
def plain_env(monkeypatch):
    for name in ("TTY_COMPATIBLE", "FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "40")


def test_wide_characters_take_two_cells_and_columns_still_line_up():
    assert width_of("東京") == 4 and width_of("Zoë") == 3 and width_of("e\u0301") == 1
    lines = Table(None, ["Name", "Town"], [["東京 Ltd", "Leeds"], ["Ann", "York"]]).lines(80, False, False)
    assert lines == ["Name      Town", "東京 Ltd  Leeds", "Ann       York"]
    assert [width_of(line.split("  ")[0]) for line in lines[1:]] == [8, 3]


def test_a_word_longer_than_its_column_is_shortened_never_split():
    assert shortened("supercalifragilistic", 8) == "superca…"
    assert shortened("東京東京", 5) == "東京…"
    assert wrapped("a supercalifragilistic word", 8) == ["a", "superca…", "word"]
    assert wrapped("line one\nline two", 20) == ["line one", "line two"]


def test_squeezed_columns_share_the_room_and_whole_ones_stay_whole():
    rows = [["2026-11-05", "Priya Shah", "Noise from the neighbouring premises every night"]]
    lines = Table("History", ["On", "Officer", "Details"], rows, squeeze=("Officer", "Details")).lines(40, False, False)
    assert lines[0] == "History"
    assert max(width_of(line) for line in lines) <= 40
    assert all(line.startswith(("2026-11-05", " " * 10)) for line in lines[2:])
    officer = " ".join(line[12:22].strip() for line in lines[2:]).split()
    details = " ".join(line[22:] for line in lines[2:]).split()
    assert officer == ["Priya", "Shah"] and details == rows[0][2].split()
    assert [line for line in lines if line != line.rstrip()] == []


def test_piped_there_is_no_escape_sequence(plain_env):
    stream = Stream(terminal=False)
    write([Table("Stages", ["Stage", "Handler"], [["1", "Sam"]]), "Next: respond"], stream)
    assert stream.text == "Stages\nStage  Handler\n1      Sam\nNext: respond\n"


def test_on_a_colour_terminal_headings_are_bold_over_a_rule_and_struck_rows_struck(plain_env):
    stream = Stream(terminal=True)
    write([Table("History", ["#", "What"], [["1", "logged"], ["2", "closed (voided)"]], struck=frozenset({1}))], stream)
    lines = stream.text.splitlines()
    assert lines[0] == "\x1b[1mHistory\x1b[0m" and lines[1].startswith("\x1b[1m#")
    assert set(lines[2]) == {"━"}
    assert lines[3] == "1   logged" and lines[4] == "\x1b[9m2   closed (voided)\x1b[0m"


def test_no_color_keeps_the_strike_through_but_drops_bold(plain_env, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    stream = Stream(terminal=False)
    write([Table(None, ["#", "What"], [["1", "logged"]], struck=frozenset({0}))], stream)
    assert stream.text == "#  What\n\x1b[9m1  logged\x1b[0m\n"


@freeze_time("2026-03-02 10:00:00")
def test_show_at_a_narrow_terminal_fits_and_keeps_every_word(cli, monkeypatch):
    summary = "Bins missed on Mill Lane three weeks running despite two calls to the depot"
    ref = cli.ok("log", "--name", "Ann [bold]Example[/bold]", "--summary", summary, "--received", "2026-02-23").stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2026-02-24")
    monkeypatch.setenv("COLUMNS", "50")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    shown = cli.ok("show", ref).stdout
    plain = SGR.sub("", shown)
    assert max(width_of(line) for line in plain.splitlines()) <= 50
    assert "Ann [bold]Example[/bold]" in plain
    history = plain.split("History", 1)[1]
    assert " ".join(history.split()).count(" ".join(summary.split()[:3])) == 1
    assert all(word in history.split() for word in summary.split())
    assert "\x1b[1m" in shown and "━" in shown
