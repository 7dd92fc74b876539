"""`export --format json` and `jsonl` derive every case from one statement over all the events, read
in case order and grouped by case: each object must still be exactly what `show --json` prints for
that case, on a generated database with corrections, a hold, notes and a restriction among its
histories; and the JSON text is built by encoders made once, which must write what
`json.JSONEncoder` writes."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintctl.domain.encoding import json_encoder
from complaintctl.storage.queries import export_details_reader
from conftest import Cli, exported_by_workers
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
    lines = cli.ok("export", "--format", "jsonl").stdout.splitlines()
    assert [item["reference"] for item in exported] == [reference for (reference,) in rows(location, "SELECT reference FROM cases ORDER BY id")]
    for item, line in zip(exported, lines, strict=True):
        shown = cli.show(item["reference"])
        assert item == shown, item["reference"]
        # Text for text, key order included: the export writes a case's fields straight, not
        # through the encoder `show --json` uses.
        assert line == json.dumps(shown, ensure_ascii=False), item["reference"]
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


def test_a_case_written_straight_is_what_its_object_encodes_to_whatever_its_details_hold() -> None:
    from complaintctl.domain.case import derive
    from complaintctl.domain.events import Event
    from complaintctl.domain.policy import load
    from complaintctl.output.export import case_encoder, case_fields_text
    from complaintctl.output.render import case_fields_json

    policy = load(None)
    at = datetime(2026, 4, 1, 9, 30, tzinfo=timezone.utc)
    details = {
        "type": "complaint", "received_on": "2026-04-01", "name": "Zoë \"Q\" O'Brien\u2028", "email": None,
        "phone": 7700900123, "address": "1 High St\nTown\t\x00", "anonymous": False, "housing": True,
        "adjustments": ["large print", {"interpreter": "Welsh"}], "summary": 12.5, "issue_date": "2025-01-02",
        "service": "\U0001f600 Housing",
    }
    events = [
        Event("logged", date(2026, 4, 1), "officer.one", at, details, 1),
        Event("acknowledged", date(2026, 4, 2), "officer.one", at, {"handler": "officer.two"}, 2),
        Event("extended", date(2026, 4, 20), "officer.two", at, {"days": 5, "reason": "waiting"}, 3),
        Event("held", date(2026, 4, 21), "officer.two", at, {"reason": "Ombudsman \"enquiry\""}, 4),
        Event("action-added", date(2026, 4, 22), "officer.two", at, {"number": 1, "what": "Call back", "due": "2026-05-01", "owner": None}, 5),
        Event("closed", date(2026, 4, 30), "officer.two", at, {"outcome": "upheld", "apology": True, "compensation_pence": 12345}, 6),
        Event("escalated", date(2026, 5, 5), "officer.one", at, {"handler": "officer.three", "late_reason": "ill"}, 7),
    ]
    encode = case_encoder()
    for count in range(1, len(events) + 1):
        case = derive("CMP-2026-00001", events[:count], policy, policy.calendar())
        assert case_fields_text(case, encode) == encode(case_fields_json(case)), count
        assert case_fields_text(case, encode) == json.dumps(json.loads(encode(case_fields_json(case))), ensure_ascii=False)


@pytest.fixture
def in_workers(monkeypatch):
    """Exports made by forked workers, a few cases to a batch, even on one core; the list of
    the batches each export handed to its workers."""
    return exported_by_workers(monkeypatch, 37, 7)


def test_workers_write_what_one_process_writes(histories, in_workers, tmp_path) -> None:
    location, cli = histories
    received = sorted(day for (day,) in rows(location, "SELECT received_on FROM cases"))
    chosen = ["--from", received[len(received) // 3], "--to", received[2 * len(received) // 3]]
    for fmt in ("csv", "json", "jsonl"):
        for dates in ([], chosen):
            one = tmp_path / f"one-{fmt}-{len(dates)}"
            many = tmp_path / f"many-{fmt}-{len(dates)}"
            cli.ok("export", "--format", fmt, "--out", str(many), *dates)
            handed = len(in_workers)
            assert handed > 4, "the export was not made by workers"
            from complaintctl.cli import export_workers

            with pytest.MonkeyPatch.context() as alone:
                alone.setattr(export_workers, "_workers_available", lambda: 0)
                cli.ok("export", "--format", fmt, "--out", str(one), *dates)
            assert len(in_workers) == handed, "the single-process export used workers"
            assert many.read_bytes() == one.read_bytes() and one.stat().st_size > 0
            in_workers.clear()
    everything = json.loads((tmp_path / "many-json-0").read_text())
    assert len(everything) == CASES and any(item["restriction"] for item in everything)


def copy_of(location: str, path) -> sqlite3.Connection:
    """A copy of the database at `path`, made with SQLite's backup, open for changing."""
    target = sqlite3.connect(path)
    with closing(sqlite3.connect(location)) as source:
        source.backup(target)
    return target


def test_a_case_a_worker_cannot_derive_fails_the_export_as_one_process_does(histories, in_workers, tmp_path) -> None:
    location, _ = histories
    broken = tmp_path / "broken.db"
    target = copy_of(location, broken)
    # A history that does not start with `logged`, as no command writes one, with batches after it.
    ids = [case_id for (case_id,) in target.execute("SELECT id FROM cases ORDER BY id")]
    target.execute("UPDATE events SET kind = 'note' WHERE case_id = ? AND number = 1", (ids[len(ids) // 3],))
    target.commit()
    target.close()
    broken_cli = Cli(str(broken))
    out = tmp_path / "export.json"
    failed = broken_cli("export", "--format", "json", "--out", str(out))
    assert in_workers, "the export was not made by workers"
    assert failed.exit_code == 1 and "first event must be 'logged'" in failed.stderr
    assert failed.stderr.count("\n") == 1 and "Traceback" not in failed.stderr
    assert not out.exists() and not list(tmp_path.glob(".export.json.*"))
    on_stdout = broken_cli("export", "--format", "jsonl")
    assert on_stdout.exit_code == 1 and "first event must be 'logged'" in on_stdout.stderr


# Times as other software may have stored them, each with the text `isoformat` gives of it.
STORED_MOMENTS = {
    "2026-04-01T09:30:00+00:00": "2026-04-01T09:30:00+00:00",
    "2026-04-01T09:30:00.250000+00:00": "2026-04-01T09:30:00.250000+00:00",
    "2026-04-01T09:30:00-05:30": "2026-04-01T09:30:00-05:30",
    "2026-04-01T09:30:00-00:30": "2026-04-01T09:30:00-00:30",
    "2026-04-01T09:30:00": "2026-04-01T09:30:00",
    "2026-04-01T09:30:00.000001": "2026-04-01T09:30:00.000001",
    "2026-04-01 09:30:00+00:00": "2026-04-01T09:30:00+00:00",
    "2026-04-01T09:30:00Z": "2026-04-01T09:30:00+00:00",
    "2026-04-01T09:30:00-00:00": "2026-04-01T09:30:00+00:00",
    "2026-04-01T09:30:00.000000+00:00": "2026-04-01T09:30:00+00:00",
    "2026-04-01T09:30:00.250+00:00": "2026-04-01T09:30:00.250000+00:00",
    "2026-04-01T09:30:00,250000+00:00": "2026-04-01T09:30:00.250000+00:00",
    "2026-04-01T09:30+00:00": "2026-04-01T09:30:00+00:00",
    "2026-04-01T09:30:00+0000": "2026-04-01T09:30:00+00:00",
    "20260401T093000+00:00": "2026-04-01T09:30:00+00:00",
    "2026-04-01T09:30:00+01:00:30": "2026-04-01T09:30:00+01:00:30",
}


def test_each_recorded_at_is_what_isoformat_gives_whatever_text_was_stored(histories, tmp_path) -> None:
    location, _ = histories
    copied = tmp_path / "moments.db"
    target = copy_of(location, copied)
    first_events = [event_id for (event_id,) in target.execute("SELECT id FROM events WHERE number = 1 ORDER BY case_id LIMIT ?", (len(STORED_MOMENTS),))]
    for event_id, stored in zip(first_events, STORED_MOMENTS, strict=True):
        target.execute("UPDATE events SET recorded_at = ? WHERE id = ?", (stored, event_id))
    target.commit()
    target.close()
    assert all(datetime.fromisoformat(stored).isoformat() == written for stored, written in STORED_MOMENTS.items())
    moments = Cli(str(copied))
    for fmt in ("json", "jsonl"):
        text = moments.ok("export", "--format", fmt).stdout
        exported = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
        written = [item["events"][0]["recorded_at"] for item in exported[: len(STORED_MOMENTS)]]
        assert written == list(STORED_MOMENTS.values())
        assert moments.show(exported[6]["reference"])["events"][0]["recorded_at"] == written[6]


_DETAILS = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=12), _DETAILS, max_size=6))
def test_an_export_reads_stored_details_as_the_json_module_does(details) -> None:
    stored = json.dumps(details, sort_keys=True, ensure_ascii=False)
    read = export_details_reader()(stored)
    assert read == json.loads(stored) and json.dumps(read, sort_keys=True, ensure_ascii=False) == stored


@pytest.mark.parametrize("stored", ['{"a": NaN, "b": -Infinity}', '{"x": "\\ud800 alone"}', '{"x": "\\u0000\\u001e", "y": "é 😀"}', "[1, 2"])
def test_details_the_quick_reader_refuses_are_read_by_the_json_module(stored: str) -> None:
    try:
        expected = json.dumps(json.loads(stored))
    except ValueError:
        with pytest.raises(ValueError):
            export_details_reader()(stored)
        return
    assert json.dumps(export_details_reader()(stored)) == expected
