"""`pack`: the complaint file for an Ombudsman, unzipped and read as they would read it: every
manifest digest recomputed, each letter the same as `letter` prints, every event in the
timeline (voided steps as voided, amendments before and after), the `pack-exported` event
recorded without touching the case's state, the chain still verifying; refusals change nothing.

All through the command line on real SQLite files with the built-in templates.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
import stat
import zipfile

import pytest
from freezegun import freeze_time

TODAY = "2027-03-31 12:00:00"


def _ok(cli, *args: str):
    with freeze_time(TODAY):
        outcome = cli(*args)
    assert outcome.exit_code == 0, f"{args}: {outcome.stderr}"
    return outcome


def _dump(location: str) -> list[str]:
    connection = sqlite3.connect(location)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _one_line_error(outcome, code: int, *fragments: str) -> None:
    assert outcome.exit_code == code, outcome.stderr
    assert outcome.stderr.startswith("Error: ") and outcome.stderr.count("\n") == 1, outcome.stderr
    for fragment in fragments:
        assert fragment in outcome.stderr, outcome.stderr


def _without_history(shown: dict) -> dict:
    return {key: value for key, value in shown.items() if key != "events"}


@pytest.fixture
def handled(cli) -> str:
    """A case acknowledged, extended, noted, updated (then voided), amended, closed with an
    action that was done, and escalated."""
    ref = _ok(cli, "log", "--name", "Ann Bee", "--email", "ann.be@example.net", "--summary", "Bins <b>missed</b>",
              "--received", "2027-01-04").stdout.strip()
    _ok(cli, "acknowledge", ref, "--handler", "Priya Shah", "--on", "2027-01-05")
    _ok(cli, "extend", ref, "--days", "5", "--reason", "Waiting for the contractor", "--on", "2027-01-12")
    _ok(cli, "note", ref, "=HYPERLINK(\"http://x\") <script>alert(1)</script>", "--on", "2027-01-13")
    _ok(cli, "update", ref, "--progress", "Booked for Friday", "--on", "2027-01-14")
    _ok(cli, "void", ref, "--reason", "Recorded on the wrong case", "--on", "2027-01-14")
    _ok(cli, "amend", ref, "--email", "ann.bee@example.net", "--reason", "Mistyped at logging")
    _ok(cli, "close", ref, "--outcome", "upheld", "--reasons", "We missed them.", "--on", "2027-01-20",
        "--action", "Collect the bins", "--action-due", "2027-01-29")
    _ok(cli, "action", "done", ref, "1", "--on", "2027-01-27")
    _ok(cli, "action", "add", ref, "--what", "Replace the bin", "--due", "2027-02-12", "--on", "2027-01-28")
    _ok(cli, "escalate", ref, "--handler", "Sam Lee", "--on", "2027-02-01")
    return ref


@pytest.fixture
def packed(cli, handled, tmp_path):
    before = cli.show(handled)
    head = _ok(cli, "verify", "--head").stdout.strip()
    out = tmp_path / "file.zip"
    outcome = _ok(cli, "pack", handled, "--out", str(out))
    return handled, out, before, head, outcome


def _read(out) -> dict[str, bytes]:
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_every_file_is_in_the_manifest_with_its_digest(packed):
    ref, out, _before, head, _outcome = packed
    files = _read(out)
    manifest = json.loads(files["manifest.json"])
    listed = {item["name"]: item for item in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for name, item in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == item["sha256"], name
        assert len(files[name]) == item["bytes"]
    assert manifest["reference"] == ref
    assert manifest["made_by"] == "officer.one" and manifest["made_at"].startswith("2027-03-31T12:00:00")
    # Before the export, this was the only case, so its last event was the chain head.
    assert manifest["case_chain_hash"] == head and manifest["chain_head"] == head
    assert [item["number"] for item in manifest["policy_versions"]] == [1]
    # The stored policy, whose digest begins with the fingerprint the database keeps for it.
    assert hashlib.sha256(files["policy/version-1.json"]).hexdigest().startswith(manifest["policy_versions"][0]["fingerprint"])
    # The same order every time: names sorted, the manifest last.
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    assert names == [*sorted(set(names) - {"manifest.json"}), "manifest.json"]


def test_the_zip_is_private(packed):
    _ref, out, *_ = packed
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert not [name for name in os.listdir(out.parent) if name.endswith(".partial")]


def test_each_letter_is_the_one_letter_prints(cli, packed):
    ref, out, *_ = packed
    files = _read(out)
    letters = sorted(name for name in files if name.startswith("letters/"))
    stems = sorted({name.rsplit(".", 1)[0] for name in letters})
    assert [stem.split("-", 1)[1] for stem in stems] == [
        "acknowledgement-stage1", "extension-stage1", "decision-stage1", "closure-stage1", "closure-stage1",
        "acknowledgement-stage2",
    ]
    # The latest letter of each kind and stage is the one `letter` prints.
    latest = {stem.split("-", 1)[1]: stem for stem in stems}
    for stem in latest.values():
        kind, stage = stem.split("-", 1)[1].rsplit("-stage", 1)
        for fmt, suffix in (("text", "txt"), ("html", "html")):
            printed = cli.ok("letter", ref, kind, "--stage", stage, "--format", fmt).stdout
            assert files[f"{stem}.{suffix}"].decode() == printed, stem
    # The closure letter of the action done, as it was written before the next action was added.
    done = files[f"{stems[3]}.txt"].decode()
    assert "Date of this letter: 27 January 2027" in done and "Replace the bin" not in done
    assert "Replace the bin" in files[f"{stems[4]}.txt"].decode()


def test_the_timeline_has_every_event(cli, packed):
    _ref, out, before, *_ = packed
    files = _read(out)
    rows = list(csv.DictReader(io.StringIO(files["timeline.csv"].decode())))
    kinds = [row["kind"] for row in rows]
    assert kinds == [event["kind"] for event in before["events"]]
    by_kind = {row["kind"]: row for row in rows}
    assert by_kind["updated"]["standing"].startswith("voided by event") and by_kind["updated"]["met"] == ""
    assert by_kind["voided"]["standing"] == "a void"
    assert "ann.be@example.net → ann.bee@example.net" in by_kind["amended"]["summary"]
    assert (by_kind["acknowledged"]["deadline"], by_kind["acknowledged"]["met"]) == ("acknowledge", "met")
    assert (by_kind["closed"]["deadline"], by_kind["closed"]["met"]) == ("respond", "met")
    assert by_kind["action-done"]["met"] == "met"
    assert by_kind["escalated"]["stage"] == "2"
    # A note typed as a formula is shown, never run.
    assert by_kind["note"]["summary"].startswith("'=HYPERLINK")

    page = files["timeline.html"].decode()
    assert "@page" in page and "A4" in page and "@media print" in page
    assert "<script" not in page and "&lt;script&gt;" in page and "&lt;b&gt;missed&lt;/b&gt;" in page
    assert "http://" not in page.replace("http://x", "") and "<link" not in page and "src=" not in page
    for row in rows:
        assert f"<td class=\"struck\">{row['kind']}</td>" in page
    assert 'class="voided"' in page
    assert "Waiting for the contractor" in page
    notes = files["notes.txt"].decode()
    assert "=HYPERLINK" in notes and "event 4" in notes
    actions = list(csv.DictReader(io.StringIO(files["actions.csv"].decode())))
    assert [(row["what"], row["done_on"], row["done_in_time"]) for row in actions] == [
        ("Collect the bins", "2027-01-27", "met"), ("Replace the bin", "", ""),
    ]


def test_the_explanation_is_the_one_explain_prints(cli, packed):
    ref, out, *_ = packed
    files = _read(out)
    assert files["explanation.txt"].decode() == cli.ok("explain", ref).stdout
    assert json.loads(files["explanation.json"]) == cli.ok("explain", ref, "--json").json()


def test_the_export_is_recorded_and_changes_nothing_else(cli, packed):
    ref, out, before, _head, outcome = packed
    after = cli.show(ref)
    assert _without_history(after) == _without_history(before)
    recorded = after["events"][-1]
    assert recorded["kind"] == "pack-exported" and recorded["officer"] == "officer.one"
    assert recorded["details"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert recorded["details"]["sha256"] in outcome.stderr
    assert len(after["events"]) == len(before["events"]) + 1
    cli.ok("verify")
    # Not a step: voiding now takes back the escalation, not the export.
    _ok(cli, "void", ref, "--reason", "Asked in error", "--on", "2027-02-01")
    voided = cli.show(ref)
    assert voided["stage"] == 1 and voided["events"][-1]["details"]["kind"] == "escalated"


def test_force_replaces_and_records_again(cli, packed):
    ref, out, *_ = packed
    _ok(cli, "pack", ref, "--out", str(out), "--force")
    events = cli.show(ref)["events"]
    assert [event["kind"] for event in events[-2:]] == ["pack-exported", "pack-exported"]
    assert events[-1]["details"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


def test_refusals_record_nothing(cli, handled, tmp_path, db_location):
    existing = tmp_path / "there.zip"
    existing.write_bytes(b"keep me")
    link = tmp_path / "link.zip"
    link.symlink_to(tmp_path / "elsewhere.zip")
    before = _dump(db_location)
    with freeze_time(TODAY):
        _one_line_error(cli("pack", handled, "--out", str(existing)), 1, "already exists", "--force")
        _one_line_error(cli("pack", "CMP-2027-99999", "--out", str(tmp_path / "a.zip")), 1, "no case with reference")
        _one_line_error(cli("pack", handled, "--out", str(tmp_path / "missing" / "a.zip")), 1, "does not exist")
        _one_line_error(cli("pack", handled, "--out", str(link), "--force"), 1, "symbolic link")
        assert cli("pack", handled).exit_code == 2
    assert _dump(db_location) == before
    assert existing.read_bytes() == b"keep me"
    assert not (tmp_path / "a.zip").exists() and not (tmp_path / "elsewhere.zip").exists()
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".partial")]


def test_a_missed_deadline_says_so(cli, tmp_path):
    ref = _ok(cli, "log", "--name", "Cy Dee", "--summary", "Late", "--received", "2027-01-04").stdout.strip()
    _ok(cli, "acknowledge", ref, "--on", "2027-01-20")
    _ok(cli, "close", ref, "--outcome", "not-upheld", "--reasons", "Done right.", "--on", "2027-03-01")
    out = tmp_path / "late.zip"
    _ok(cli, "pack", ref, "--out", str(out))
    files = _read(out)
    rows = {row["kind"]: row for row in csv.DictReader(io.StringIO(files["timeline.csv"].decode()))}
    assert (rows["acknowledged"]["due"], rows["acknowledged"]["met"]) == ("2027-01-11", "missed")
    assert rows["closed"]["met"] == "missed"
    assert '<td class="struck missed">acknowledge by 2027-01-11: missed</td>' in files["timeline.html"].decode()
