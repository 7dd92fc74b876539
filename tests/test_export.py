"""`export`: every case with every field, through the real command line, to real files."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest

from conftest import Cli, exported_by_workers


def _complaint(cli: Cli, name: str = "Jo Bloggs", received: str = "2026-04-01") -> str:
    return cli.ok(
        "log", "--name", name, "--email", "jo@example.org", "--phone", "07700 900123", "--address", "1 High Street",
        "--service", "Housing", "--summary", "Damp not fixed", "--received", received, "--json",
    ).json()["reference"]


def _closed_and_escalated(cli: Cli) -> str:
    reference = _complaint(cli)
    cli.ok("acknowledge", reference, "--on", "2026-04-02", "--handler", "Sam Officer")
    cli.ok(
        "close", reference, "--on", "2026-04-20", "--outcome", "partly-upheld", "--reasons", "Repair was late",
        "--apology", "--compensation", "50", "--remedy", "Repair booked",
        "--action", "Fix the window", "--action-due", "2026-05-01",
    )
    cli.ok("escalate", reference, "--on", "2026-04-24", "--handler", "Pat Reviewer")
    return reference


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_every_field_of_each_stage(cli: Cli) -> None:
    reference = _closed_and_escalated(cli)
    cli.ok("log", "--type", "compliment", "--name", "Fan", "--received", "2026-04-03")
    rows = _rows(cli.ok("export").stdout)
    assert [row["reference"] for row in rows][0] == reference and len(rows) == 2
    row = rows[0]
    assert row["email"] == "jo@example.org" and row["phone"] == "07700 900123" and row["address"] == "1 High Street"
    assert row["stage1_received_on"] == "2026-04-01" and row["stage1_acknowledged_on"] == "2026-04-02"
    assert row["stage1_handler"] == "Sam Officer" and row["stage1_closed_on"] == "2026-04-20"
    assert row["stage1_outcome"] == "partly-upheld" and row["stage1_reasons"] == "Repair was late"
    assert row["stage1_compensation"] == "50.00" and row["stage1_apology"] == "yes" and row["stage1_remedy"] == "Repair booked"
    assert row["stage2_received_on"] == "2026-04-24" and row["stage2_handler"] == "Pat Reviewer" and row["stage2_closed_on"] == ""
    assert "Fix the window (due 2026-05-01" in row["actions"]
    assert rows[1]["type"] == "compliment" and rows[1]["stage2_received_on"] == ""


def test_csv_guards_formula_cells(cli: Cli) -> None:
    _complaint(cli, name="=HYPERLINK(\"http://x\")")
    row = _rows(cli.ok("export").stdout)[0]
    assert row["name"] == "'=HYPERLINK(\"http://x\")"


def test_json_is_a_list_of_show_objects_and_jsonl_one_a_line(cli: Cli) -> None:
    reference = _closed_and_escalated(cli)
    _complaint(cli, name="Second Person", received="2026-05-01")
    listed = json.loads(cli.ok("export", "--format", "json").stdout)
    assert listed[0] == cli.show(reference)
    lines = cli.ok("export", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["reference"] for line in lines] == [item["reference"] for item in listed]


def test_dates_choose_the_cases_received(cli: Cli) -> None:
    _complaint(cli, received="2026-04-01")
    later = _complaint(cli, name="Later Person", received="2026-06-01")
    rows = _rows(cli.ok("export", "--from", "2026-05-01", "--to", "2026-06-30").stdout)
    assert [row["reference"] for row in rows] == [later]
    assert json.loads(cli.ok("export", "--format", "json", "--from", "2026-07-01").stdout) == []
    refused = cli("export", "--from", "2026-06-01", "--to", "2026-05-01")
    assert refused.exit_code == 1 and "--from is after --to" in refused.stderr


def test_out_file_is_private_and_never_overwritten_without_force(cli: Cli, tmp_path) -> None:
    _complaint(cli)
    target = tmp_path / "all.csv"
    cli.ok("export", "--out", str(target))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    first = target.read_text()
    assert _rows(first)[0]["name"] == "Jo Bloggs"
    refused = cli("export", "--out", str(target), "--format", "json")
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert target.read_text() == first
    cli.ok("export", "--out", str(target), "--format", "json", "--force")
    assert json.loads(target.read_text())[0]["name"] == "Jo Bloggs"
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "elsewhere.csv")
    assert cli("export", "--out", str(link), "--force").exit_code == 1
    assert not (tmp_path / "elsewhere.csv").exists()


@pytest.mark.both_databases
def test_workers_export_what_one_process_does(cli: Cli, monkeypatch) -> None:

    references = [_closed_and_escalated(cli), _complaint(cli, name="Second Person", received="2026-05-01")]
    references += [_complaint(cli, name=f"Person {number}", received=f"2026-06-0{number}") for number in range(1, 5)]
    # The first case (received 2026-04-01) has several events: a batch of 3 rows ends inside it.
    chosen = ("--from", "2026-04-01", "--to", "2026-06-02")
    formats = ("csv", "json", "jsonl")
    alone = {fmt: cli.ok("export", "--format", fmt).stdout for fmt in formats}
    alone_chosen = {fmt: cli.ok("export", "--format", fmt, *chosen).stdout for fmt in formats}
    handed = exported_by_workers(monkeypatch, 3)
    for fmt in formats:
        assert cli.ok("export", "--format", fmt).stdout == alone[fmt]
        assert cli.ok("export", "--format", fmt, *chosen).stdout == alone_chosen[fmt]
    assert len(handed) >= 6 * 2, "the exports were not made by workers"
    assert [item["reference"] for item in json.loads(alone["json"])] == references
    assert [item["reference"] for item in json.loads(alone_chosen["json"])] == references[:4]
    assert [row["reference"] for row in _rows(alone_chosen["csv"])] == references[:4]
