"""Retention: `retention` lists the cases past the policy's period and changes nothing; `--apply`
redacts their personal data from every event (and from ended restrictions), so that it is gone
from the database's bytes, while every report figure stays the same, `verify` passes, and any
other change of a redacted event is still caught; a legal hold keeps a case as it is. On SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import Cli
from freezegun import freeze_time

pytestmark = pytest.mark.both_databases

TODAY = "2026-11-30 12:00:00"

# Every personal detail the old case holds, each a word found nowhere else.
PERSONAL = {
    "name": "Zebedee Quartermaine",
    "email": "zq.private@example.org",
    "phone": "07700 900987",
    "address": "12 Hidden Row, Exampleton",
    "representative": "Rupert Ravensworth",
    "summary": "Bins never collected at the Quartermaine house",
    "outcomes_sought": "Apology for the Xylophone incident",
    "adjustments": "Large print Yarrowfield",
    "amended_email": "zebedee.q@example.org",
    "understanding": "Understood the Wobbleton problem",
    "extension": "Awaiting Vimtoberry report",
    "good_reason": "Contractor Gullyfax away",
    "progress": "Progress on Umbrafield",
    "note": "Spoke to neighbour Tamsin Greaves",
    "action": "Fix the Sorrelhurst gate",
    "reasons": "Reasons Quillonwood",
    "steps": "Visited Pippinbrook Lane",
    "remedy": "Replaced the Oakumvale bin",
    "escalation": "Still unhappy about Kestrelmoor",
    "stage2_reasons": "Reviewed Dunnockfield",
    "restriction": "Shouting at Nimbusford staff",
    "arrangements": "Email only to Mulberrycott",
}


def _ok(cli, *args: str, **kwargs):
    with freeze_time(TODAY):
        outcome = cli(*args, **kwargs)
    assert outcome.exit_code == 0, f"{args}: {outcome.stderr}"
    return outcome


def _refused(cli, code: int, *args: str) -> str:
    with freeze_time(TODAY):
        outcome = cli(*args)
    assert outcome.exit_code == code, outcome.stderr
    assert outcome.stderr.startswith("Error: ") and outcome.stderr.count("\n") == 1, outcome.stderr
    return outcome.stderr


@pytest.fixture
def cases(cli) -> dict[str, str]:
    """An old case through both stages with every kind of personal detail, an old case of its
    own held, an old anonymous one, and a recent one; a restriction that ended in 2019."""
    p = PERSONAL
    old = _ok(
        cli, "log", "--name", p["name"], "--email", p["email"], "--phone", p["phone"], "--address", p["address"],
        "--representative", p["representative"], "--summary", p["summary"], "--outcomes-sought", p["outcomes_sought"],
        "--adjustments", p["adjustments"], "--service", "Waste", "--category", "Missed bin", "--received", "2018-03-05",
    ).stdout.strip()
    _ok(cli, "amend", old, "--email", p["amended_email"], "--reason", "Mistyped", "--on", "2018-03-05")
    _ok(cli, "acknowledge", old, "--handler", "Priya Shah", "--understanding", p["understanding"], "--on", "2018-03-06")
    _ok(cli, "extend", old, "--days", "5", "--reason", p["extension"], "--good-reason", p["good_reason"], "--on", "2018-03-12")
    _ok(cli, "update", old, "--progress", p["progress"], "--on", "2018-03-13")
    _ok(cli, "note", old, p["note"], "--on", "2018-03-14")
    _ok(cli, "action", "add", old, "--what", p["action"], "--due", "2018-04-30", "--on", "2018-03-15")
    _ok(cli, "close", old, "--outcome", "upheld", "--reasons", p["reasons"], "--steps", p["steps"], "--remedy", p["remedy"],
        "--compensation", "150", "--on", "2018-03-20")
    _ok(cli, "action", "done", old, "1", "--on", "2018-04-10")
    _ok(cli, "escalate", old, "--handler", "Sam Reviewer", "--reasons", p["escalation"], "--on", "2018-04-12")
    _ok(cli, "acknowledge", old, "--on", "2018-04-13")
    _ok(cli, "close", old, "--outcome", "not-upheld", "--reasons", p["stage2_reasons"], "--on", "2018-05-01")
    held = _ok(cli, "log", "--name", "Hilda Heldsworth", "--summary", "Parking Heldfast", "--received", "2018-06-04").stdout.strip()
    _ok(cli, "acknowledge", held, "--handler", "Priya Shah", "--on", "2018-06-05")
    _ok(cli, "close", held, "--outcome", "not-upheld", "--reasons", "No fault Heldfast", "--on", "2018-06-15")
    _ok(cli, "hold", held, "--reason", "Claim issued in the county court", "--on", "2020-01-06")
    anonymous = _ok(cli, "log", "--anonymous", "--summary", "Graffiti Anonby", "--received", "2018-07-02").stdout.strip()
    _ok(cli, "acknowledge", anonymous, "--handler", "Priya Shah", "--on", "2018-07-03")
    _ok(cli, "close", anonymous, "--outcome", "upheld", "--reasons", "Cleaned", "--on", "2018-07-10")
    recent = _ok(cli, "log", "--name", "Nora Recentley", "--summary", "Streetlight", "--received", "2025-06-02").stdout.strip()
    _ok(cli, "acknowledge", recent, "--handler", "Priya Shah", "--on", "2025-06-03")
    _ok(cli, "close", recent, "--outcome", "upheld", "--reasons", "Fixed Recentley", "--on", "2025-06-10")
    _ok(cli, "restrict", "--name", p["name"], "--reason", p["restriction"], "--arrangements", p["arrangements"],
        "--decided-by", "Head of Service", "--review", "2019-03-01", "--on", "2018-09-03")
    _ok(cli, "restrict", "end", "1", "--reason", "Review: behaviour improved", "--on", "2019-03-01")
    return {"old": old, "held": held, "anonymous": anonymous, "recent": recent}


def _figures(cli) -> dict[str, object]:
    """Every report of every year the cases fall in, as JSON."""
    figures = {}
    for year in (2017, 2018, 2025):
        figures[f"annual {year}"] = _ok(cli, "report", "annual", "--year", str(year), "--json").json()
        figures[f"self-assessment {year}"] = _ok(cli, "report", "self-assessment", "--year", str(year), "--json").json()
    return figures


def _stored_bytes(location: str) -> bytes:
    """The SQLite file and its write-ahead log, as they are on disk."""
    return b"".join(path.read_bytes() for path in (Path(location), Path(location + "-wal")) if path.exists())


def test_retention_lists_the_cases_past_their_period_and_changes_nothing(cli, cases, backend, db_location):
    before = {ref: cli.show(ref) for ref in cases.values()}
    stored = hashlib.sha256(_stored_bytes(db_location)).hexdigest() if backend == "sqlite" else None
    found = _ok(cli, "retention", "--json").json()
    assert (found["as_of"], found["years"], found["cutoff"], found["applied"]) == ("2026-11-30", 6, "2020-11-30", False)
    listed = {item["reference"]: item for item in found["cases"]}
    # The held case was last acted on when it was closed: placing the hold does not restart the clock.
    assert set(listed) == {cases["old"], cases["held"], cases["anonymous"]}
    assert listed[cases["old"]]["last_activity"] == "2018-05-01" and not listed[cases["old"]]["held"]
    assert listed[cases["held"]]["held"] and listed[cases["held"]]["held_since"] == "2020-01-06"
    assert (found["due"], found["held"], found["redacted"]) == (2, 1, 0)
    listing = _ok(cli, "retention")
    assert cases["old"] in listing.stdout and "2020-01-06" in listing.stdout
    assert "2 to redact; 1 held" in listing.stderr and "nothing changed" in listing.stderr
    assert {ref: cli.show(ref) for ref in cases.values()} == before
    if stored is not None:
        assert hashlib.sha256(_stored_bytes(db_location)).hexdigest() == stored
    # Counted to another day, or under a longer period, fewer cases are due.
    assert _ok(cli, "retention", "--as-of", "2024-04-30", "--json").json()["cases"] == []
    assert [item["reference"] for item in _ok(cli, "retention", "--as-of", "2024-05-01", "--json").json()["cases"]] == [cases["old"]]


def test_apply_redacts_every_personal_detail_and_keeps_every_figure(cli, cases, backend, db_location, tmp_path):
    if backend == "sqlite":
        stored = _stored_bytes(db_location)
        assert all(value.encode() in stored for value in PERSONAL.values()), "the test would prove nothing"
    figures = _figures(cli)
    held_before = cli.show(cases["held"])
    recent_before = cli.show(cases["recent"])

    done = _ok(cli, "retention", "--apply", "--json").json()
    assert done["applied"] and done["redacted"] == 2 and done["held"] == 1 and done["redacted_restrictions"] == 1
    assert {item["reference"] for item in done["cases"] if item["redacted"]} == {cases["old"], cases["anonymous"]}

    assert _figures(cli) == figures
    shown = cli.show(cases["old"])
    for key in ("name", "email", "phone", "address", "representative", "summary", "outcomes_sought", "adjustments"):
        assert shown[key] == "[redacted]", key
    assert shown["redacted_on"] == "2026-11-30" and shown["hold"] is None
    assert (shown["status"], shown["stage"], shown["outcome"], shown["service"], shown["category"]) == (
        "closed", 2, "not-upheld", "Waste", "Missed bin"
    )
    assert shown["stages"][0]["compensation"] == "150.00"
    assert shown["events"][-1]["kind"] == "redacted"
    # The anonymous case stays anonymous: nothing personal was there to redact but its free text.
    anonymous = cli.show(cases["anonymous"])
    assert anonymous["anonymous"] and anonymous["summary"] == "[redacted]"
    # The held case and the recent one are exactly as they were.
    assert cli.show(cases["held"]) == held_before and cli.show(cases["recent"]) == recent_before

    everything = json.dumps(shown) + _ok(cli, "show", cases["old"]).stdout
    everything += _ok(cli, "export", "--format", "json").stdout + _ok(cli, "export", "--format", "csv").stdout
    everything += _ok(cli, "letter", cases["old"], "decision").stdout + _ok(cli, "restrict", "list", "--json").stdout
    assert "[redacted]" in _ok(cli, "show", cases["old"]).stdout
    for key, value in PERSONAL.items():
        assert value not in everything, key
    assert _ok(cli, "list", "--search", "Quartermaine", "--json").json() == []
    assert "no case matches" in _refused(cli, 1, "sar", "--name", PERSONAL["name"], "--out", str(tmp_path / "sar.zip"))
    # The marker left in a redacted detail's place is no one's: asked for, it finds nothing and records nothing.
    for option, marker in (("--name", "[redacted]"), ("--email", "[REDACTED]"), ("--name", " [Redacted] ")):
        assert "no case matches" in _refused(cli, 1, "sar", option, marker, "--out", str(tmp_path / "marker.zip"))
    assert cli.show(cases["old"])["events"][-1]["kind"] == "redacted" and not (tmp_path / "marker.zip").exists()

    verified = _ok(cli, "verify", "--json").json()
    assert verified["ok"] and verified["redacted_events"] >= 12, verified["problems"]
    if backend == "sqlite":
        stored = _stored_bytes(db_location)
        for key, value in PERSONAL.items():
            assert value.encode() not in stored, key
        assert b"Hilda Heldsworth" in stored and b"Nora Recentley" in stored

    # Applied again, nothing more is due and nothing is recorded.
    again = _ok(cli, "retention", "--apply", "--json").json()
    assert (again["redacted"], again["due"]) == (0, 0)
    assert cli.show(cases["old"])["events"] == shown["events"]


def test_a_hold_keeps_a_case_until_it_is_released(cli, cases):
    held = cases["held"]
    assert cli.show(held)["hold"] == {"since": "2020-01-06", "officer": cli.show(held)["hold"]["officer"],
                                      "reason": "Claim issued in the county court"}
    assert "already held" in _refused(cli, 1, "hold", held, "--reason", "Again")
    assert "is not held" in _refused(cli, 1, "hold", cases["recent"], "--release", "--reason", "x")
    # Refused as `extend` without --reason is: the step says what it needs.
    assert "--reason" in _refused(cli, 1, "hold", held)
    assert "--reason" in _refused(cli, 1, "hold", held, "--release")
    assert "CMP-2018-00099" in _refused(cli, 1, "hold", "CMP-2018-00099", "--reason", "x")
    _ok(cli, "hold", held, "--release", "--reason", "Claim settled")
    assert cli.show(held)["hold"] is None
    done = _ok(cli, "retention", "--apply", "--json").json()
    assert held in {item["reference"] for item in done["cases"] if item["redacted"]}
    assert cli.show(held)["name"] == "[redacted]"
    assert "redacted on 2026-11-30" in _refused(cli, 1, "hold", held, "--reason", "Too late")
    assert _ok(cli, "verify", "--json").json()["ok"]


def test_a_longer_period_in_the_policy_keeps_the_cases(cli, cases, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[retention]\nyears = 10\n")
    assert _ok(cli, "retention", "--json", config=str(policy)).json()["cases"] == []
    policy.write_text("[retention]\nyears = 0\n")
    with freeze_time(TODAY):
        refused = cli("retention", config=str(policy))
    assert refused.exit_code == 1 and "retention.years" in refused.stderr, refused.stderr


def test_an_alteration_after_redaction_is_still_caught(cli, cases, backend, db_location, tmp_path):
    if backend != "sqlite":
        pytest.skip("the database is altered with sqlite3, as anyone with the file could")
    _ok(cli, "retention", "--apply")
    assert _ok(cli, "verify").exit_code == 0
    with sqlite3.connect(db_location) as conn:
        case_id = conn.execute("SELECT id FROM cases WHERE reference = ?", (cases["old"],)).fetchone()[0]
        redaction = conn.execute("SELECT number FROM events WHERE case_id = ? AND kind = 'redacted'", (case_id,)).fetchone()[0]
    tamperings = {
        "an outcome changed": "UPDATE events SET details = replace(details, 'not-upheld', 'upheld') WHERE case_id = :case AND kind = 'closed' AND details LIKE '%not-upheld%'",
        "a redacted name put back": "UPDATE events SET details = replace(details, '\"name\": \"[redacted]\"', '\"name\": \"Someone Else\"') "
                                    "WHERE case_id = :case AND number = 1",
        "a date moved": "UPDATE events SET business_date = '2018-03-07' WHERE case_id = :case AND number = 3",
        "the mark removed": "UPDATE events SET redacted_by = NULL WHERE case_id = :case AND number = 1",
        "the redaction removed": "DELETE FROM events WHERE case_id = :case AND number = :redaction",
        "an event marked redacted": "UPDATE events SET redacted_by = :redaction, details = replace(details, 'Streetlight', 'Lamp') "
                                    "WHERE kind = 'logged' AND details LIKE '%Recentley%'",
    }
    original = Path(db_location).read_bytes()
    untouched = tmp_path / "untouched.db"
    untouched.write_bytes(original)
    with freeze_time(TODAY):
        assert Cli(str(untouched))("verify").exit_code == 0, "the copy itself must verify"
    for number, (what, statement) in enumerate(tamperings.items()):
        copy = tmp_path / f"tampered-{number}.db"
        copy.write_bytes(original)
        with sqlite3.connect(copy) as conn:
            assert conn.execute(statement, {"case": case_id, "redaction": redaction}).rowcount == 1, what
        with freeze_time(TODAY):
            outcome = Cli(str(copy))("verify")
        assert outcome.exit_code == 1, what


def test_postgres_rewrites_the_tables(cli, cases, backend, db_location, request):
    """The table files of the database hold none of the redacted data once it is applied (the
    server's write-ahead log is the server's to recycle)."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL's own files")
    import psycopg

    server = request.getfixturevalue("pg_server")
    _ok(cli, "retention", "--apply")
    name = db_location.rsplit("/", 1)[1]
    with psycopg.connect(host="127.0.0.1", port=server.port, user="complaintctl", dbname=name, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        paths = [row[0] for row in conn.execute(
            "SELECT pg_relation_filepath(oid) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
            "OR oid IN (SELECT reltoastrelid FROM pg_class WHERE relnamespace = 'public'::regnamespace)"
        ) if row[0]]
    files = [path for relative in paths for path in (server.folder / "data").glob(relative + "*")]
    assert any(path.name.split(".")[0].isdigit() for path in files), "no table file found: the test would prove nothing"
    content = b"".join(path.read_bytes() for path in files)
    assert b"Hilda Heldsworth" in content, "the held case's data should still be there"
    for key, value in PERSONAL.items():
        assert value.encode() not in content, key
