"""`list --json`: a long list is streamed, its values encoded a batch at a time, and prints the
same text, byte for byte, as encoding each case's dict would."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import redirect_stdout
from datetime import date

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintctl.output import render

NAMES = ["reference", "type", "stage", "status", "outcome", "received_on", "name", "service", "category", "handler"]


def printed(write, *args) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        write(*args)
    return out.getvalue()


def one_at_a_time(rows: list[tuple]) -> str:
    """The text `list --json` printed before it streamed: each dict encoded on its own."""
    encoder = json.JSONEncoder(ensure_ascii=False, default=render._iso)
    return printed(render.print_json_lines, (encoder.encode(dict(zip(NAMES, row))) for row in rows))


# Any text at all (quotes, backslashes, every control character, DEL and C1, "%", any plane), a
# date, a number or nothing, where the list has them.
TEXT = st.text()
ROW = st.tuples(
    TEXT, TEXT, st.integers(-(2**70), 2**70), TEXT, st.none() | TEXT, st.dates() | TEXT, st.none() | TEXT,
    st.none() | TEXT, st.none() | TEXT, st.none() | st.dates(),
)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(ROW, min_size=0, max_size=12), at_once=st.integers(1, 5), long_list=st.integers(0, 4))
def test_the_streamed_list_is_the_text_of_each_dict_encoded(rows, at_once, long_list):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "ROWS_AT_ONCE", at_once)
        patch.setattr(render, "LONG_LIST", long_list)
        streamed = printed(render.print_json_rows, NAMES, rows)
        if len(rows) > long_list:
            assert streamed == one_at_a_time(rows)
        else:
            assert streamed == printed(render.print_json, [dict(zip(NAMES, row)) for row in rows])
    assert json.loads(streamed) == json.loads(json.dumps([dict(zip(NAMES, row)) for row in rows], default=render._iso))


def test_c1_controls_and_del_are_escaped_in_a_streamed_list():
    rows = [("CMP-1", "complaint", 1, "open", None, date(2026, 1, 2), "A\x9b[31m\x7fB", "Zoë", None, None)] * 3
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "LONG_LIST", 1)
        streamed = printed(render.print_json_rows, NAMES, rows)
    assert "\x9b" not in streamed and "\x7f" not in streamed
    assert '"name": "A\\u009b[31m\\u007fB", "service": "Zoë"' in streamed
    assert json.loads(streamed)[0]["name"] == "A\x9b[31m\x7fB"


@pytest.mark.both_databases
@freeze_time("2026-11-20 12:00:00")
def test_list_json_streams_the_same_cases_as_the_short_list_prints(cli, backend, monkeypatch):
    names = ['Zoë "Quote" O\'Neil', "Back\\slash 100%", "Plain Name", "Ann Other"]
    for day, name in enumerate(names, start=2):
        cli.ok("log", "--name", name, "--summary", "Bins", "--service", "Waste", "--received", f"2026-11-{day:02d}")
    reference = cli.ok("list", "--json").json()[-1]["reference"]
    cli.ok("acknowledge", reference, "--on", "2026-11-03")
    cli.ok("close", reference, "--outcome", "upheld", "--reasons", "Missed", "--on", "2026-11-04")
    for status in ("live", "open", "acknowledged,closed", None):
        chosen = ["--status", status] if status else []
        indented = cli.ok("list", *chosen, "--json").stdout
        with monkeypatch.context() as patch:
            patch.setattr(render, "LONG_LIST", 0)
            patch.setattr(render, "ROWS_AT_ONCE", 2)
            streamed = cli.ok("list", *chosen, "--json").stdout
        expected = json.loads(indented)
        assert json.loads(streamed) == expected and expected
        lines = streamed.splitlines()
        assert lines[0] == "[" and lines[-1] == "]"
        assert lines[1:-1] == [json.dumps(row, ensure_ascii=False) + ("," if n < len(expected) else "") for n, row in enumerate(expected, 1)]
    live = cli.ok("list", "--status", "live", "--json").json()
    assert [row["name"] for row in live] == list(reversed(names[1:]))  # the oldest was closed


def test_the_live_cases_are_listed_from_their_own_index(cli):
    """The statuses of `list --status live` (any without `closed`) are read from ix_cases_live
    alone: no row of `cases` fetched and nothing sorted, however many cases were closed."""
    from complaintctl.storage import statements

    cli.ok("log", "--name", "Ann Example", "--summary", "Bins", "--received", "2026-11-02")

    def plan(filters: list[str], statuses: list[str], limited: bool = False, select: str = statements.LIST_CASES, **params) -> str:
        sql = statements.list_cases(filters, limited=limited, not_closed="closed" not in statuses, select=select)
        sql, expanded = statements.expand(sql, "statuses", statuses)
        with sqlite3.connect(cli.db) as connection:
            return " ".join(row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, {**expanded, **params}))

    live = "SCAN cases USING COVERING INDEX ix_cases_live"
    assert plan(["statuses"], ["open", "acknowledged"]) == live
    assert plan(["statuses"], ["open", "acknowledged"], select=statements.SQLITE_LIST_CASES_JSON) == live
    assert plan(["statuses", "handler"], ["open"], handler="jo") == live
    assert plan(["statuses"], ["acknowledged"], limited=True, limit=5) == live
    assert "ix_cases_live" not in plan(["statuses"], ["open", "closed"])


@pytest.fixture(scope="module")
def cases_file(tmp_path_factory) -> str:
    """A database made by `init`, its cases table written here directly: any text at all."""
    from typer.testing import CliRunner

    from complaintctl.cli import app

    location = str(tmp_path_factory.mktemp("listed") / "cases.db")
    assert CliRunner().invoke(app, ["--db", location, "init"]).exit_code == 0
    return location


# Text as a case row can hold it: any characters but surrogates (which SQLite cannot store).
ROW_TEXT = st.text(st.characters(exclude_categories=("Cs",)))
DATE_TEXT = st.dates().map(date.isoformat)
CASE_ROW = st.tuples(
    ROW_TEXT, ROW_TEXT, st.integers(-(2**63), 2**63 - 1), st.sampled_from(["open", "acknowledged", "closed"]) | ROW_TEXT,
    st.none() | ROW_TEXT, DATE_TEXT, st.none() | ROW_TEXT, st.none() | ROW_TEXT, st.none() | ROW_TEXT, st.none() | ROW_TEXT,
    st.none() | DATE_TEXT, st.none() | DATE_TEXT, st.none() | ROW_TEXT,
)  # fmt: skip


def printed_bytes(write, *args) -> bytes:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    with redirect_stdout(out):
        write(*args)
    out.flush()
    return raw.getvalue()


@settings(max_examples=120, deadline=None)
@given(rows=st.lists(CASE_ROW, max_size=8), at_once=st.integers(1, 3), long_list=st.integers(0, 3), search=st.booleans())
def test_the_json_sqlite_writes_is_the_json_python_writes(cases_file, rows, at_once, long_list, search):
    """Each case's object as SQLite writes it (statements.SQLITE_LIST_CASES_JSON) and as json
    encodes the row: the same bytes, for any text (quotes, backslashes, every control
    character, DEL and C1, NUL, any plane), numbers and nothing, long lists and short."""
    from complaintctl.storage import statements
    from complaintctl.storage.database_file import connect
    from complaintctl.storage.reader import Reader

    with sqlite3.connect(cases_file) as connection:
        connection.execute("DELETE FROM cases")
        connection.executemany(
            f"INSERT INTO cases ({', '.join(statements.LIST_COLUMNS)}, housing, ombudsman, extension_days, over_12_months) "
            f"VALUES ({', '.join('?' * len(statements.LIST_COLUMNS))}, 0, 'lgsco', 0, 0)",
            [(f"R{number}-{row[0]}", *row[1:]) for number, row in enumerate(rows)],
        )
    reader = Reader(cases_file, connect(cases_file))
    filters = {"status": ["open", "acknowledged"]} if search else {}
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(render, "ROWS_AT_ONCE", at_once)
            patch.setattr(render, "LONG_LIST", long_list)
            with reader.reading():
                by_sqlite = printed_bytes(render.print_json_objects, reader.list_case_json(**filters))
                by_python = printed_bytes(render.print_json_rows, *reader.list_case_rows(**filters))
                through_text = printed(render.print_json_objects, reader.list_case_json(**filters))  # no bytes beneath
    finally:
        reader.dispose()
    assert by_sqlite == by_python
    assert through_text == by_python.decode()
    listed = [row for row in rows if not search or row[3] in ("open", "acknowledged")]
    assert len(json.loads(by_sqlite)) == len(listed)
    assert b"\x7f" not in by_sqlite and b"\xc2\x9b" not in by_sqlite


def test_a_long_list_from_sqlite_escapes_del_and_c1(cases_file):
    from complaintctl.storage.database_file import connect
    from complaintctl.storage.reader import Reader

    with sqlite3.connect(cases_file) as connection:
        connection.execute("DELETE FROM cases")
        connection.execute(
            "INSERT INTO cases (reference, type, stage, status, received_on, name, service, housing, ombudsman, extension_days, over_12_months) "
            "VALUES ('CMP-1', 'complaint', 1, 'open', '2026-01-02', 'A\x9b[31m\x7fB \"q\" \\', 'Zoë', 0, 'lgsco', 0, 0)"
        )
    reader = Reader(cases_file, connect(cases_file))
    try:
        with pytest.MonkeyPatch.context() as patch, reader.reading():
            patch.setattr(render, "LONG_LIST", 0)
            listed = printed_bytes(render.print_json_objects, reader.list_case_json())
    finally:
        reader.dispose()
    assert listed.startswith(b'[\n{"reference": "CMP-1", "type": "complaint", "stage": 1, "status": "open", "outcome": null, ')
    assert '"name": "A\\u009b[31m\\u007fB \\"q\\" \\\\", "service": "Zoë"'.encode() in listed
    assert json.loads(listed)[0]["name"] == 'A\x9b[31m\x7fB "q" \\'
