"""`export --format json` and `jsonl` derive every case from one statement over all the events, read
in case order and grouped by case: each object must still be exactly what `show --json` prints for
that case, on a generated database with corrections, a hold, notes and a restriction among its
histories; and the JSON text is built by encoders made once, which must write what
`json.JSONEncoder` writes."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest

from complaintctl.domain.encoding import json_encoder
from conftest import Cli
from test_generate import TODAY, load_generator

CASES = 240


def rows(location: str, sql: str) -> list[tuple]:
    conn = sqlite3.connect(location)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def histories(tmp_path_factory) -> tuple[str, Cli]:
    """A generated database where some cases were amended, had a step voided, were held or noted,
    and one complainant is under a restriction."""
    location = str(tmp_path_factory.mktemp("export") / "generated.db")
    load_generator().generate(location, CASES, seed=11, today=TODAY, workers=1)
    cli = Cli(location)
    closed = [reference for (reference,) in rows(
        location, "SELECT reference FROM cases WHERE type = 'complaint' AND stage = 1 AND status = 'closed' ORDER BY id LIMIT 4"
    )]
    cli.ok("amend", closed[0], "--reason", "Email mistyped", "--email", "corrected@example.org")
    cli.ok("void", closed[1], "--reason", "Closed the wrong case")
    cli.ok("hold", closed[2], "--reason", "Ombudsman enquiry open")
    cli.ok("note", closed[3], "Rang the complainant back")
    name, email = rows(location, "SELECT json_extract(details, '$.name'), json_extract(details, '$.email') FROM events "
                                 "WHERE kind = 'logged' AND json_extract(details, '$.email') IS NOT NULL ORDER BY id DESC LIMIT 1")[0]
    today = date.today()
    cli.ok(
        "restrict", "--name", name, "--email", email, "--reason", "Repeated abusive calls",
        "--arrangements", "One named contact, by email only", "--decided-by", "Head of Service",
        "--review", (today + timedelta(days=90)).isoformat(), "--on", (today - timedelta(days=1)).isoformat(),
    )
    return location, cli


def test_every_exported_case_is_what_show_json_prints(histories) -> None:
    location, cli = histories
    exported = json.loads(cli.ok("export", "--format", "json").stdout)
    assert [item["reference"] for item in exported] == [reference for (reference,) in rows(location, "SELECT reference FROM cases ORDER BY id")]
    for item in exported:
        assert item == cli.show(item["reference"]), item["reference"]
    kinds = {event["kind"] for item in exported for event in item["events"]}
    assert {"amended", "voided", "held", "note"} <= kinds
    assert any(item["restriction"] for item in exported) and any(item["hold"] for item in exported)


def test_json_lines_are_the_same_objects_one_a_line(histories) -> None:
    _, cli = histories
    listed = json.loads(cli.ok("export", "--format", "json").stdout)
    lines = cli.ok("export", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == CASES and [json.loads(line) for line in lines] == listed
    # The events' details are written as stored: the text must still be what `json` writes.
    assert all(line == json.dumps(json.loads(line), ensure_ascii=False) for line in lines)


def test_dates_choose_the_cases_received_without_deriving_the_others(histories) -> None:
    location, cli = histories
    received = sorted(day for (day,) in rows(location, "SELECT received_on FROM cases"))
    start, end = received[len(received) // 4], received[len(received) // 2]
    wanted = [reference for (reference,) in rows(
        location, f"SELECT reference FROM cases WHERE received_on BETWEEN '{start}' AND '{end}' ORDER BY id"
    )]
    chosen = json.loads(cli.ok("export", "--format", "json", "--from", start, "--to", end).stdout)
    assert [item["reference"] for item in chosen] == wanted and wanted
    everything = {item["reference"]: item for item in json.loads(cli.ok("export", "--format", "json").stdout)}
    assert chosen == [everything[reference] for reference in wanted]


@pytest.mark.parametrize("separators", [(", ", ": "), (",", ":")])
@pytest.mark.parametrize("sort_keys", [False, True])
def test_an_encoder_built_once_writes_what_json_writes(separators, sort_keys) -> None:
    values = [
        {"b": 1, "a": [1.5, -0.0, 10**20, None, True], "z": {"y": "Zoë \u2028 \"quoted\"\n", "x": {}}},
        {"name": "=HYPERLINK(\"x\")", "amount": 12.30, "tabs": "a\tb\x00c\x7f\x9b", "emoji": "\U0001f600"},
        [],
        "text alone",
    ]
    expected = json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys, separators=separators).encode
    encode = json_encoder(*separators, sort_keys=sort_keys)
    for value in values:
        assert encode(value) == expected(value)
    with pytest.raises(TypeError, match="not JSON serializable"):
        encode({"on": date(2026, 4, 1)})
    assert json_encoder(default=date.isoformat)({"on": date(2026, 4, 1)}) == '{"on": "2026-04-01"}'
