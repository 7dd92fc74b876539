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

    def plan(filters: list[str], statuses: list[str], limited: bool = False, **params) -> str:
        sql = statements.list_cases(filters, limited=limited, not_closed="closed" not in statuses)
        sql, expanded = statements.expand(sql, "statuses", statuses)
        with sqlite3.connect(cli.db) as connection:
            return " ".join(row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, {**expanded, **params}))

    live = "SCAN cases USING COVERING INDEX ix_cases_live"
    assert plan(["statuses"], ["open", "acknowledged"]) == live
    assert plan(["statuses", "handler"], ["open"], handler="jo") == live
    assert plan(["statuses"], ["acknowledged"], limited=True, limit=5) == live
    assert "ix_cases_live" not in plan(["statuses"], ["open", "closed"])
