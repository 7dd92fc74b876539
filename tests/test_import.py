"""`import`: a team's spreadsheet brought in through the real command line, from real files."""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import subprocess
import sys
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from complaintctl.cli import workers
from complaintctl.domain import text
from complaintctl.services import importing
from conftest import REPO, Cli, import_refusals

EXAMPLE = REPO / "examples" / "spreadsheet.csv"
HEADINGS = "Ref,Complainant,Date received,Ack date,Officer,Response date,Outcome,Stage 2 received,Stage 2 acknowledged,Stage 2 handler,Type,Details\n"


def _sheet(tmp_path, body: str, name: str = "sheet.csv", headings: str = HEADINGS, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes((headings + body).encode(encoding))
    return path


def _events(cli: Cli) -> str:
    return cli.ok("verify").stdout


def in_sheet_order(cli: Cli) -> list[dict]:
    """The cases as listed, in the order of the sheet's rows (`list` shows the newest first;
    references are given in the order the rows are read)."""
    return sorted(cli.ok("list", "--json").json(), key=lambda row: row["reference"])


def test_the_example_sheet_comes_in_whole(cli: Cli) -> None:
    imported = cli.ok("import", str(EXAMPLE), "--json").json()
    assert imported["rows_read"] == 40 and imported["cases_created"] == 40 and imported["stages"] == 42
    assert imported["refused"] == [] and imported["written"] is True
    listed = in_sheet_order(cli)
    assert len(listed) == 40
    first = cli.show(listed[0]["reference"])
    # Line 2: received 2026-04-02 (ISO), acknowledged 06/04/2026 (dd/mm/yyyy), closed upheld.
    assert (first["received_on"], first["acknowledged_on"], first["outcome"], first["handler"]) == (
        "2026-04-02", "2026-04-06", "upheld", "J. Patel"
    )
    third = cli.show(listed[2]["reference"])
    assert third["received_on"] == "2026-04-13" and third["stages"][0]["closed_on"] == "2026-04-23"  # d/m/yyyy
    escalated = cli.show(listed[3]["reference"])
    assert escalated["stage"] == 2 and escalated["outcome"] == "partly-upheld"
    assert escalated["stages"][1]["received_on"] == "2026-05-06" and escalated["stages"][1]["handler"].startswith("L. Davies")
    assert cli.show(listed[5]["reference"])["type"] == "compliment"
    refused = cli.show(listed[9]["reference"])
    assert refused["outcome"] == "refused" and refused["stages"][0]["exclusion"] == "service-request"
    anonymous = cli.show(listed[26]["reference"])
    assert anonymous["anonymous"] is True and anonymous["name"] is None
    assert "every case matches its events" in _events(cli)


def test_importing_the_same_file_again_adds_nothing(cli: Cli) -> None:
    cli.ok("import", str(EXAMPLE))
    again = cli.ok("import", str(EXAMPLE), "--json")
    assert again.json()["cases_created"] == 0 and again.json()["already_imported"] == 40
    assert "Already imported: 40 (not read again: record what has happened since with the commands" in again.stderr
    assert len(cli.ok("list", "--json").json()) == 40


def test_the_sheets_notes_become_internal_notes_dated_on_receipt(cli: Cli) -> None:
    imported = cli.ok("import", str(EXAMPLE), "--json").json()
    assert "Notes" not in imported["columns_not_used"]
    [found] = cli.ok("list", "--search", "CS/26/113", "--json").json()
    notes = [event for event in cli.show(found["reference"])["events"] if event["kind"] == "note"]
    assert [(note["on"], note["details"]["text"]) for note in notes] == [("2026-05-22", "Needed site visit")]
    without = [row for row in in_sheet_order(cli) if row["reference"] != found["reference"]][0]
    assert [event for event in cli.show(without["reference"])["events"] if event["kind"] == "note"] == []


def test_the_sheet_reference_is_kept(cli: Cli, tmp_path) -> None:
    cli.ok("import", str(_sheet(tmp_path, "OUR-7,Jo Bloggs,01/04/2026,,,,,,,,,Bins\n")))
    rows = list(csv.DictReader(io.StringIO(cli.ok("export").stdout)))
    assert rows[0]["external_ref"] == "OUR-7"
    assert [case["external_ref"] for case in cli.ok("export", "--format", "json").json()] == ["OUR-7"]
    # The team finds the case by the reference it knew it by.
    found = cli.ok("list", "--search", "our-7", "--json").json()
    assert [case["reference"] for case in found] == [rows[0]["reference"]]
    assert cli.ok("list", "--search", "OUR-8", "--json").json() == []


def test_a_row_breaking_the_rules_refuses_the_whole_sheet(cli: Cli, tmp_path) -> None:
    sheet = _sheet(
        tmp_path,
        "A1,Jo Bloggs,01/04/2026,03/04/2026,Sam,20/04/2026,Upheld,,,,,Bins\n"
        "A2,Ann Other,05/04/2026,02/04/2026,,,,,,,,Roads\n"
        "A3,Ben Third,05/04/2026,06/04/2026,,,,01/05/2026,,,,Parks\n",
    )
    refused = cli("import", str(sheet), "--json")
    assert refused.exit_code == 1
    report = json.loads(refused.stdout)
    assert [item["line"] for item in report["refused"]] == [3, 4]
    assert "before 2026-04-05" in report["refused"][0]["reason"] and report["refused"][0]["reason"].startswith("acknowledged")
    assert report["refused"][1]["reason"].startswith("stage 2 requested")
    assert report["written"] is False
    assert "Cases that would be created (nothing was written: 2 rows refused): 1" in refused.stderr
    assert "line 3: refused" in refused.stderr and refused.stderr.strip().splitlines()[-1].startswith("Error: 2 of 3 rows refused")
    assert cli.ok("list", "--json").json() == []
    assert "0 events in 0 cases" in _events(cli)


def test_dry_run_writes_nothing(cli: Cli, tmp_path) -> None:
    outcome = cli.ok("import", str(EXAMPLE), "--dry-run")
    assert "Cases that would be created (nothing written): 40" in outcome.stderr
    assert cli.ok("list", "--json").json() == []


def test_duplicate_references_within_the_sheet(cli: Cli, tmp_path) -> None:
    sheet = _sheet(tmp_path, "A1,Jo Bloggs,01/04/2026,,,,,,,,,Bins\nA1,Jo Again,02/04/2026,,,,,,,,,Bins\n")
    refused = cli("import", str(sheet), "--json")
    assert refused.exit_code == 1
    assert json.loads(refused.stdout)["refused"] == [{"line": 3, "reason": "the same reference as line 2"}]
    assert cli.ok("list", "--json").json() == []


def test_an_extension_beyond_any_calendar_is_a_refused_row_not_a_crash(cli: Cli, tmp_path) -> None:
    sheet = _sheet(
        tmp_path,
        "A1,Jo Bloggs,01/04/2026,02/04/2026,10\nA2,Ann Other,01/04/2026,02/04/2026,99999999999999999999999\n"
        "A3,Ben Third,01/04/2026,02/04/2026,366\n",
        headings="Ref,Name,Date received,Ack date,Extension days\n",
    )
    assert import_refusals(cli, sheet) == {
        # Too long to be a number of days, and not repeated: it may be a phone number in the wrong column.
        3: "extended: the 'Extension days' cell is not a number of working days (a whole number up to 365)",
        4: "extended: an extension of 366 working days is more than 365; check the number or the date",
    }
    assert cli.ok("list", "--json").json() == []


def test_formula_cells_are_kept_as_text(cli: Cli, tmp_path) -> None:
    formula = "=cmd|' /C calc'!A0"
    cli.ok("import", str(_sheet(tmp_path, f'F1,"{formula}",01/04/2026,,,,,,,,,"+SUM(A1)"\n')))
    case = cli.show(cli.ok("list", "--json").json()[0]["reference"])
    assert case["name"] == formula and case["summary"] == "+SUM(A1)"


def test_windows_1252_sheet_is_refused_naming_the_line_then_read_with_encoding(cli: Cli, tmp_path) -> None:
    sheet = _sheet(tmp_path, "A1,Jo Bloggs,01/04/2026,,,,,,,,,Bins\nA2,Zoë Brontë,02/04/2026,,,,,,,,,Paid £50\n", encoding="cp1252")
    refused = cli("import", str(sheet))
    assert refused.exit_code == 1
    assert "line 3" in refused.stderr and "--encoding cp1252" in refused.stderr and "Traceback" not in refused.stderr
    assert cli.ok("list", "--json").json() == []
    cli.ok("import", str(sheet), "--encoding", "cp1252")
    names = [cli.show(row["reference"])["name"] for row in in_sheet_order(cli)]
    assert names == ["Jo Bloggs", "Zoë Brontë"]


def test_a_utf_16_sheet_is_read_with_its_encoding_and_a_workbook_still_refused(cli: Cli, tmp_path) -> None:
    sheet = _sheet(tmp_path, "W1,Zoë Brontë,01/04/2026,,,,,,,,,Bins\n", encoding="utf-16")
    cli.ok("import", str(sheet), "--encoding", "utf-16")
    assert [cli.show(row["reference"])["name"] for row in in_sheet_order(cli)] == ["Zoë Brontë"]
    workbook = tmp_path / "book.csv"
    workbook.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" * 4)
    refused = cli("import", str(workbook), "--encoding", "utf-16")
    assert refused.exit_code == 1 and "is a workbook (.xlsx or .xls), not CSV" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_a_row_longer_than_the_heading_row_refuses_the_sheet_even_with_its_last_cell_blank(cli: Cli, tmp_path) -> None:
    """A comma in a cell not put in quotes moves every later cell a column on: the address's
    town would be taken for the service. The cell it pushes out of the row may be blank."""
    headings = "Ref,Date received,Name,Address,Service,Details,Notes\n"
    sheet = _sheet(tmp_path, "S1,01/04/2026,Jane Smith,4 Low Rd, Exampleton,Waste,Bin missed,\n", headings=headings)
    refused = cli("import", str(sheet))
    assert refused.exit_code == 1 and "line 2 of " in refused.stderr and "has 8 cells and its heading row only 7" in refused.stderr
    assert "Jane" not in refused.stderr and "Exampleton" not in refused.stderr
    assert cli.ok("list", "--json").json() == []


@pytest.mark.parametrize(
    "content, said",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file"),
        (b"", "is empty"),
        (b"Name,Colour\nJo,red\n", "no column of received dates"),
        (b'Ref,Date received\n"A1,01/04/2026\n', "not a CSV file"),
        # A quote left open runs to the end of the file: the line it was opened on is named.
        (b'Ref,Date received\nA0,01/04/2026\n"A1,01/04/2026\nA2,01/04/2026\n', "not a CSV file this can read (line 3: unexpected end of data)"),
        (b'Ref,"Date received"x\nA1,01/04/2026\n', "(line 1: "),
        # A comma in a cell not put in quotes: every cell after it would go into the wrong field.
        (b"Ref,Date received,Name\nA1,01/04/2026,Jo\nA2,01/04/2026,Bloggs, Jo\n", "has 4 cells and its heading row only 3; put a cell holding a comma in double quotes"),
        ("Ref,Date received\nA1,01/04/2026\n".encode("utf-16"), "is UTF-16 text; add --encoding utf-16"),
        ("Ref,Date received\nA1,01/04/2026\n".encode("utf-32"), "is UTF-32 text; add --encoding utf-32"),
    ],
)
def test_what_is_not_a_sheet_is_refused_in_one_line(cli: Cli, tmp_path, content: bytes, said: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    refused = cli("import", str(path))
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: ") and said in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def test_map_names_columns_the_headings_do_not(cli: Cli, tmp_path) -> None:
    sheet = _sheet(tmp_path, "Q9,Jo Bloggs,2026-04-01,Bins\n", headings="Case code,Person,Logged in,Gist\n")
    assert cli("import", str(sheet)).exit_code == 1
    cli.ok("import", str(sheet), "--map", "Case code=external_ref", "--map", "Logged in=received_on", "--map", "Person=name", "--map", "Gist=summary")
    case = cli.show(cli.ok("list", "--json").json()[0]["reference"])
    assert (case["name"], case["received_on"], case["summary"]) == ("Jo Bloggs", "2026-04-01", "Bins")

    for usage, said in (("Gist=colour", "colour is not a field"), ("Gist", "is not COLUMN=FIELD")):
        bad = cli("import", str(sheet), "--map", usage)
        assert bad.exit_code == 2 and said in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    missing = cli("import", str(sheet), "--map", "Case code=external_ref", "--map", "Telephone number=phone")
    assert missing.exit_code == 1 and "--map names a column" in missing.stderr and "'telephone number'" in missing.stderr
    assert "'Gist'" in missing.stderr and len(cli.ok("list", "--json").json()) == 1
    # A sheet without its heading row: its first case's cells are not repeated.
    headless = _sheet(tmp_path, "R1,Alice Smith,alice@example.com,01/04/2026,x\n", name="headless.csv", headings="")
    refused = cli("import", str(headless), "--map", "Our ref=external_ref")
    assert refused.exit_code == 1 and "its first row has no heading this knows" in refused.stderr
    assert "Alice" not in refused.stderr and "alice@" not in refused.stderr


def test_a_cell_the_commands_option_would_refuse_refuses_its_row(cli: Cli, tmp_path) -> None:
    sheet = _sheet(
        tmp_path,
        "T1,Ann,01/04/2026,,,,,,,,,\"Bins \x1b[31mnot collected\"\n"
        + "T2," + "B" * 201 + ",01/04/2026,,,,,,,,,Bins\n"
        + "T3,Cy,01/04/2026,,,,,,,,," + "x" * 20_001 + "\n"
        + "T4,\"Di\nNewline\",01/04/2026,,,,,,,,,Bins\n"
        + "T5,Ed,01/04/2026,,,,,,,,,\"Bins\nstill not collected \u2067\"\n"
        + "T6,Fay,01/04/2026,,,,,,,,,\"Bins\nnot collected, twice\"\n",
    )
    assert import_refusals(cli, sheet) == {
        2: "the 'Details' cell contains a control character (U+001B) at character 6; type plain text",
        3: "the 'Complainant' cell is 201 characters; at most 200",
        4: "the 'Details' cell is 20,001 characters; at most 20,000",
        5: "the 'Complainant' cell contains a line break (U+000A) at character 3; give it on one line",
        7: "the 'Details' cell contains a bidirectional control character (U+2067) at character 26; type plain text, without overrides that reorder it",
    }
    assert cli.ok("list", "--json").json() == []


def test_a_unicode_line_separator_in_a_cell_leaves_its_row_whole(cli: Cli, tmp_path) -> None:
    sheet = _sheet(tmp_path, "U1,Ann,01/04/2026,,,,,,,,,\"Bins\u0085not collected\"\nU2,Bob,02/04/2026,,,,,,,,,Fence\n")
    assert import_refusals(cli, sheet) == {2: "the 'Details' cell contains a control character (U+0085) at character 5; type plain text"}
    lines = _sheet(tmp_path, "U1,Ann,01/04/2026,,,,,,,,,Bins \u00e9t\u00e9\nU2,Bob,02/04/2026,,,,,,,,,Fence\n", name="plain.csv")
    assert cli.ok("import", str(lines), "--json").json()["rows_read"] == 2


def test_a_compliment_row_with_a_stage_s_steps_is_refused_not_imported_without_them(cli: Cli, tmp_path) -> None:
    sheet = _sheet(
        tmp_path,
        "C1,Ann,01/04/2026,02/04/2026,Jo Bloggs,03/04/2026,Upheld,,,,Compliment,Thanks\n"
        + "C2,Bob,01/04/2026,,,,,,,,Comment,Longer hours\n"
        + "C3,Cy,01/04/2026,,,,,05/04/2026,,,Praise,Thanks\n",
    )
    assert import_refusals(cli, sheet) == {
        2: "a compliment has no clock, so it is not acknowledged, extended or closed; clear its cells in 'Ack date', 'Officer',"
        " 'Response date', 'Outcome', or give its type as complaint",
        4: "a compliment has no clock, so it is not acknowledged, extended or closed; clear its cells in 'Stage 2 received',"
        " or give its type as complaint",
    }


def test_a_refusal_names_the_sheet_s_columns_not_the_command_line_s_options(cli: Cli, tmp_path) -> None:
    sheet = _sheet(tmp_path, "F1,Ann,01/04/2030,,,,,,,,,Bins\nF2,Bob,01/04/2026,,,01/05/2026,Refused,,,,,Bins\n")
    refusals = import_refusals(cli, sheet)
    assert "received: 'Date received' 2030-04-01 is in the future" in refusals[2] and "--" not in refusals[2]
    # A column the sheet does not have is named by the field's own words.
    assert "in its reasons column" in refusals[3] and "--" not in refusals[3], refusals[3]


@pytest.mark.both_databases
def test_export_then_import_into_an_empty_database_keeps_every_case(cli: Cli, tmp_path, backend, request, monkeypatch) -> None:
    cli.ok("import", str(EXAMPLE))
    open_case = in_sheet_order(cli)[36]["reference"]
    cli.ok("extend", open_case, "--days", "5", "--reason", "Site visit", "--on", "2026-11-20")
    closed = in_sheet_order(cli)[0]["reference"]
    cli.ok("action", "add", closed, "--what", "Replace the bin\n(the lid is broken)", "--due", "2026-05-01", "--owner", "J. Patel",
           "--on", "2026-04-17")
    cli.ok("action", "done", closed, "1", "--on", "2026-04-30")
    cli.ok("action", "add", closed, "--what", "Check the round, twice", "--due", "2026-12-20", "--on", "2026-04-20")
    cli.ok("action", "done", closed, "2", "--on", "2026-05-01")  # done, with no owner
    escalated = cli.ok("log", "--name", "Rhys Review", "--summary", "Damp", "--received", "2026-06-01").stdout.split()[0]
    cli.ok("acknowledge", escalated, "--handler", "J. Patel", "--on", "2026-06-02")
    cli.ok("close", escalated, "--outcome", "not-upheld", "--reasons", "No damp found", "--on", "2026-06-10")
    cli.ok("action", "add", escalated, "--what", "Inspect again in July", "--due", "2026-07-31", "--on", "2026-06-10")
    cli.ok("escalate", escalated, "--reasons", "The damp is\r\nstill there", "--on", "2026-06-15")
    cli.ok("acknowledge", escalated, "--handler", "A. Reviewer", "--on", "2026-06-16")
    cli.ok("close", escalated, "--outcome", "upheld", "--reasons", "Damp found after all", "--on", "2026-07-01")
    cli.ok("action", "add", escalated, "--what", "Treat the damp", "--due", "2026-08-01", "--owner", "Repairs", "--on", "2026-07-01")
    cli.ok("action", "done", escalated, "2", "--on", "2026-07-20")
    cli.ok("action", "add", escalated, "--what", "Redecorate", "--due", "2026-09-01", "--on", "2026-07-02")
    held, released = (row["reference"] for row in in_sheet_order(cli)[1:3])
    cli.ok("hold", held, "--reason", "Claim issued in the county court", "--on", "2026-05-02")
    cli.ok("hold", released, "--reason", "Claim threatened", "--on", "2026-06-01")
    cli.ok("hold", released, "--release", "--reason", "Claim withdrawn", "--on", "2026-06-08")
    exported = tmp_path / "export.csv"
    cli.ok("export", "--out", str(exported))
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        name = f"t_{uuid.uuid4().hex[:16]}"
        server.admin(f'CREATE DATABASE "{name}"')
        request.addfinalizer(lambda: server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        target = Cli(server.url(name))
    else:
        target = Cli(str(tmp_path / "empty.db"))
    target.ok("init")
    # Recorded in batches by workers, as a long sheet is, however many cores there are.
    monkeypatch.setattr(importing, "ROWS_A_BATCH", 7)
    monkeypatch.setattr(workers, "available", lambda: 3)
    target.ok("import", str(exported))
    again = tmp_path / "again.csv"
    target.ok("export", "--out", str(again))
    before = list(csv.DictReader(exported.open()))
    after = list(csv.DictReader(again.open()))
    assert len(after) == len(before) == 41
    assert before[-1]["stage2_request_reasons"] == "The damp is\nstill there"
    assert before[-1]["actions"] == "1. Inspect again in July (due 2026-07-31)"
    assert before[-1]["stage2_actions"] == "2. Treat the damp (due 2026-08-01, Repairs, done 2026-07-20)\n3. Redecorate (due 2026-09-01)"
    kept = [column for column in before[0] if column not in ("reference", "external_ref")]
    assert before[0]["actions"] == (
        "1. Replace the bin\n(the lid is broken) (due 2026-05-01, J. Patel, done 2026-04-30)\n2. Check the round, twice (due 2026-12-20, done 2026-05-01)"
    )
    for old, new in zip(before, after):
        assert new["external_ref"] == (old["external_ref"] or old["reference"])
        assert {column: new[column] for column in kept} == {column: old[column] for column in kept}
    assert "every case matches its events" in target.ok("verify").stdout
    assert [(row["hold_since"], row["hold_reason"]) for row in before[1:3]] == [("2026-05-02", "Claim issued in the county court"), ("", "")]
    kept_on = {row["external_ref"]: row["reference"] for row in after}
    assert target.show(kept_on[before[1]["external_ref"]])["hold"]["reason"] == "Claim issued in the county court"
    assert target.show(kept_on[escalated])["actions"] == cli.show(escalated)["actions"]
    assert [action["stage"] for action in cli.show(escalated)["actions"]] == [1, 2, 2]


def test_the_garbage_collector_runs_again_after_an_import_written_or_refused(cli: Cli, tmp_path) -> None:
    """`import` pauses Python's cyclic collector while it reads and records the sheet."""
    assert gc.isenabled()
    cli.ok("import", str(EXAMPLE))
    assert gc.isenabled()
    refused = cli("import", str(_sheet(tmp_path, "R1,Ann,01/04/2026,31/03/2026,,,,,,,,\n")))
    assert refused.exit_code == 1 and gc.isenabled()
    assert cli("import", str(tmp_path / "missing.csv")).exit_code == 1 and gc.isenabled()


@given(
    cells=st.dictionaries(
        st.sampled_from(["name", "summary", "external_ref", "notes", "service"]),
        st.text(st.characters(codec="utf-8", exclude_categories=()) | st.sampled_from("\n\r\t\x1b\x85\u2028\u202e\xa0 "), max_size=260),
        min_size=1,
    )
)
def test_a_row_is_refused_for_its_text_exactly_when_a_cell_s_own_rule_refuses_it(cells: dict[str, str]) -> None:
    wrong = [name for name, value in cells.items() if text.problem(value, importing._rule(name)) is not None]
    found = importing._refused_text(cells)
    assert (found is None) == (not wrong)
    if found is not None:
        assert importing._in_sheet_words(found, {}).startswith(f"the {wrong[0].replace('_', ' ')} cell ")


def test_the_sheet_s_reference_is_shown_and_leads_to_the_case_it_was_kept_on(cli: Cli, tmp_path) -> None:
    cli.ok("import", str(EXAMPLE))
    first = in_sheet_order(cli)[0]["reference"]
    assert "Sheet ref  CS/26/101\n" in cli.ok("show", first).stdout
    assert cli.show(first)["external_ref"] == "CS/26/101"
    for command in (("show", "CS/26/101"), ("acknowledge", "cs/26/101", "--on", "2026-04-03")):
        mistaken = cli(*command)
        assert mistaken.exit_code == 1
        assert f"it is the imported sheet's reference of {first}: use that" in mistaken.stderr
    # A row without a reference is known by a digest of its cells, which is not shown.
    sheet = _sheet(tmp_path, ",Zebedee Quill,01/04/2026,,,,,,,,,Bins\n")
    cli.ok("import", str(sheet))
    unreferenced = cli.ok("list", "--search", "Zebedee Quill", "--json").json()[0]["reference"]
    assert cli.show(unreferenced)["events"][0]["details"]["external_ref"].startswith("row-")
    assert "Sheet ref" not in cli.ok("show", unreferenced).stdout
    assert cli.show(unreferenced)["external_ref"] is None


@given(st.text(st.sampled_from("ab,\"\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), max_size=40))
def test_a_sheet_s_lines_end_only_where_a_csv_file_s_do(text_of_file: str) -> None:
    lines = importing._lines(text_of_file)
    assert "".join(lines) == text_of_file and "" not in lines
    for line, after in zip(lines, lines[1:]):
        body = line.removesuffix("\r\n") if line.endswith("\r\n") else line[:-1]
        assert line.endswith(("\n", "\r")) and "\n" not in body and "\r" not in body
        assert not (line.endswith("\r") and after.startswith("\n")), "a CRLF split in two"
    if lines:
        last = lines[-1].removesuffix("\r\n") if lines[-1].endswith("\r\n") else lines[-1].rstrip("\r\n")
        assert "\n" not in last and "\r" not in last


def test_an_actions_column_in_the_team_s_own_words_is_kept_as_a_note(cli: Cli, tmp_path) -> None:
    sheet = _sheet(
        tmp_path,
        "A1,Ann,01/04/2026,02/04/2026,,02/04/2026,Upheld,,,,,Bins,Replace the bin by Friday\n"
        "A2,Bob,01/04/2026,02/04/2026,,02/04/2026,Upheld,,,,,Bins,1. Replace the bin (due 2026-04-10)\n",
        headings=HEADINGS.replace("Details\n", "Details,Actions\n"),
    )
    cli.ok("import", str(sheet))
    first, second = (cli.show(row["reference"]) for row in in_sheet_order(cli))
    assert first["actions"] == [] and first["events"][-1]["kind"] == "note"
    assert first["events"][-1]["details"]["text"] == "Actions, as the imported spreadsheet recorded them:\nReplace the bin by Friday"
    assert [(action["what"], action["due"], action["done_on"]) for action in second["actions"]] == [("Replace the bin", "2026-04-10", None)]


def test_stage_2_actions_are_numbered_on_from_stage_1_s_and_need_stage_2(cli: Cli, tmp_path) -> None:
    headings = HEADINGS.replace("Details\n", "Details,Actions,Stage 2 actions\n")
    escalated = "01/04/2026,02/04/2026,Jo Bloggs,03/04/2026,Not upheld,05/04/2026,06/04/2026,Pat Jones,,Bins"
    sheet = _sheet(
        tmp_path,
        f"E1,Ann,{escalated},1. Check the bins (due 2026-04-10),\"2. Replace the bin (due 2026-05-01, done 2026-04-20)\n3. Call back (due 2026-05-02)\"\n"
        f"E2,Bob,{escalated},,1. Replace the bin (due 2026-05-01)\n"
        f"E3,Cy,{escalated},,Replace the bin when one is in stock\n",
        headings=headings,
    )
    cli.ok("import", str(sheet))
    first, second, third = (cli.show(row["reference"]) for row in in_sheet_order(cli))
    assert [(action["number"], action["stage"], action["done_on"]) for action in first["actions"]] == [
        (1, 1, None), (2, 2, "2026-04-20"), (3, 2, None)
    ]
    assert [(action["number"], action["stage"]) for action in second["actions"]] == [(1, 2)]
    assert third["actions"] == [] and third["events"][-1]["details"]["text"] == (
        "Stage 2 actions, as the imported spreadsheet recorded them:\nReplace the bin when one is in stock"
    )
    refusals = _sheet(
        tmp_path,
        "R1,Dee,01/04/2026,02/04/2026,Jo Bloggs,03/04/2026,Not upheld,,,,,Bins,,1. Call back (due 2026-05-02)\n"
        f"R2,Eve,{escalated},,\"1. Call back (due 2026-05-02, done 2026-04-04)\"\n",
        name="refused.csv",
        headings=headings,
    )
    assert import_refusals(cli, refusals) == {
        2: "stage 2: it has stage 2 dates, an outcome or actions but no stage 2 request date",
        3: "stage 2 actions: action 1 was done before stage 2 was requested; list it in the 'Actions' column",
    }


def test_a_team_s_own_headings_are_read_and_refusals_name_them_and_the_day_before(cli: Cli, tmp_path) -> None:
    headings = "Our ref,Date rec'd,Complainant,Case officer,Ack'd,Reply sent,Outcome,Escalated,Stage 2 ack'd,Stage 2 reply,Stage 2 outcome\n"
    sheet = _sheet(tmp_path, "T1,01/04/2026,Ann,Jo Bloggs,02/04/2026,09/04/2026,Not upheld,10/04/2026,13/04/2026,27/04/2026,Upheld\n", headings=headings)
    cli.ok("import", str(sheet))
    case = cli.show(in_sheet_order(cli)[0]["reference"])
    assert [(stage["acknowledged_on"], stage["closed_on"], stage["outcome"]) for stage in case["stages"]] == [
        ("2026-04-02", "2026-04-09", "not-upheld"), ("2026-04-13", "2026-04-27", "upheld")
    ]
    assert case["stages"][0]["handler"] == "Jo Bloggs" and case["external_ref"] == "T1"
    wrong = _sheet(
        tmp_path,
        "W1,31/02/2026,Ann,,,,,,,,\n"
        "W2,01/04/2026,Bob,,30/03/2026,,,,,,\n"
        "W3,01/04/2026,Cy,,,09/04/2026,Upheld,,,,\n"
        "W4,01/04/2026,Di,,02/04/2026,09/04/2026,Upheld,di@example.net,,,\n",
        name="wrong.csv",
        headings=headings,
    )
    assert import_refusals(cli, wrong) == {
        2: "the 'Date rec'd' cell '31/02/2026' is no day of the calendar; check the day and the month (01/04/2026 is 1 April)",
        3: "acknowledged: 2026-03-30 is before 2026-04-01, when stage 1 was received; check the date",
        4: "closed: it has a decision but no date it was acknowledged; give one in its 'Ack'd' column (a decision follows an acknowledgement)",
        # A cell that is not a date is not repeated: in the wrong column, it may be anyone's email.
        5: "the 'Escalated' cell is not a date; use 2026-04-01 or 01/04/2026",
    }


def test_dates_as_sheets_write_them_are_read_day_first(cli: Cli, tmp_path) -> None:
    written = ["01.04.2026", "01-04-2026", "01/04/26", "2026/04/01", "2026-4-1", "1/4/2026", "2026-04-01 00:00:00"]
    sheet = _sheet(tmp_path, "".join(f"D{number},Ann,{day},,,,,,,,,Bins\n" for number, day in enumerate(written)))
    cli.ok("import", str(sheet))
    assert {row["received_on"] for row in in_sheet_order(cli)} == {"2026-04-01"}
    wrong = _sheet(tmp_path, "E1,Bob,31.02.2026,,,,,,,,,Bins\nE2,Cy,30/02/26,,,,,,,,,Bins\n", name="wrong.csv")
    assert import_refusals(cli, wrong) == {
        2: "the 'Date received' cell '31.02.2026' is no day of the calendar; check the day and the month (01/04/2026 is 1 April)",
        3: "the 'Date received' cell '30/02/26' is no day of the calendar; check the day and the month (01/04/2026 is 1 April)",
    }


def test_a_refusal_repeats_no_phone_number_or_name_whatever_column_it_is_in(cli: Cli, tmp_path) -> None:
    headings = "Ref,Date received,Ack date,Response date,Outcome,Compensation,Days extended,Type\n"
    sheet = _sheet(
        tmp_path,
        "P1,01/04/2026,7700900123,,,,,\n"
        "P2,01/04/2026,02/04/2026,09/04/2026,Upheld,07700900123,,\n"
        "P3,01/04/2026,02/04/2026,,,,07700900123,\n"
        "P4,01/04/2026,02/04/2026,,,,,Jane Smith\n"
        "P5,01/04/2026,02/04/2026,09/04/2026,Jane Smith,,,\n",
        headings=headings,
    )
    refusals = import_refusals(cli, sheet)
    assert set(refusals) == {2, 3, 4, 5, 6}
    for reason in refusals.values():
        assert "7700900123" not in reason and "Jane" not in reason, reason
    assert refusals[4] == "extended: the 'Days extended' cell is not a number of working days (a whole number up to 365)"


def test_a_field_in_two_columns_is_named_by_both_and_no_actions_is_none(cli: Cli, tmp_path) -> None:
    headings = "Ref,Date received,Date logged,Type,Actions,Stage 2 actions\n"
    sheet = _sheet(tmp_path, "N1,,31/02/2026,,,\nN2,01/04/2026,,Compliment,N/A,None\n", headings=headings)
    assert import_refusals(cli, sheet) == {
        2: "the 'Date received' or 'Date logged' cell '31/02/2026' is no day of the calendar; check the day and the month"
        " (01/04/2026 is 1 April)",
    }
    cli.ok("import", str(_sheet(tmp_path, "N2,01/04/2026,,Compliment,N/A,None\n", name="none.csv", headings=headings)))
    [case] = [cli.show(row["reference"]) for row in in_sheet_order(cli)]
    assert case["type"] == "compliment" and case["actions"] == [] and [event["kind"] for event in case["events"]] == ["logged"]


def test_a_sheet_reference_like_a_digest_is_still_shown(cli: Cli, tmp_path) -> None:
    cli.ok("import", str(_sheet(tmp_path, "row-7,Ann,01/04/2026,,,,,,,,,Bins\n")))
    assert cli.show(in_sheet_order(cli)[0]["reference"])["external_ref"] == "row-7"


def test_a_legal_hold_in_the_sheet_is_placed_again_and_needs_its_reason(cli: Cli, tmp_path) -> None:
    headings = HEADINGS.replace("Details\n", "Details,Legal hold,Hold since\n")
    held = _sheet(tmp_path, "H1,Ann,01/04/2026,,,,,,,,,Bins,Claim issued,02/05/2026\n", headings=headings)
    cli.ok("import", str(held))
    case = cli.show(in_sheet_order(cli)[0]["reference"])
    assert (case["hold"]["since"], case["hold"]["reason"]) == ("2026-05-02", "Claim issued")
    unexplained = _sheet(tmp_path, "H2,Bob,01/04/2026,,,,,,,,,Bins,,02/05/2026\n", name="unexplained.csv", headings=headings)
    assert import_refusals(cli, unexplained) == {2: "hold: it has a hold since date but no hold reason"}


def test_an_action_or_a_cell_a_command_would_refuse_refuses_its_row(cli: Cli, tmp_path) -> None:
    headings = HEADINGS.replace("Details\n", "Details,Actions\n")
    closed = "01/04/2026,02/04/2026,Jo Bloggs,03/04/2026,Upheld,,,,,Bins"
    sheet = _sheet(
        tmp_path,
        f"B1,Ann,{closed},1. Fix (due 2026-02-30)\n"
        f"B2,Bob,{closed},\"1. Fix (due 2026-05-01, {'o' * 201})\"\n"
        f"B3,Cy,{closed},\"1. Fix (due 2026-05-01, Jo\tBloggs)\"\n"
        + "X" * 101 + f",Di,{closed},\n",
        headings=headings,
    )
    assert import_refusals(cli, sheet) == {
        2: "actions: action 1's due date '2026-02-30' is no day of the calendar; check the day and the month (01/04/2026 is 1 April)",
        3: "actions: action 1's owner is 201 characters; at most 200",
        4: "actions: action 1's owner contains a control character (U+0009) at character 3; type plain text",
        5: "the 'Ref' cell is 101 characters; at most 100",
    }


def test_free_text_keeps_crlf_as_a_line_feed_as_the_commands_do(cli: Cli, tmp_path) -> None:
    sheet = _sheet(tmp_path, "L1,Ann,01/04/2026,,,,,,,,,\"Bins\r\nnot collected\"\r\n")
    cli.ok("import", str(sheet))
    assert cli.show(in_sheet_order(cli)[0]["reference"])["summary"] == "Bins\nnot collected"


def test_a_hold_column_of_yes_and_no_holds_the_yes_rows(cli: Cli, tmp_path) -> None:
    sheet = _sheet(
        tmp_path, "Y1,Ann,01/04/2026,,,,,,,,,Bins,Yes\nY2,Bob,01/04/2026,,,,,,,,,Bins,No\n",
        headings=HEADINGS.replace("Details\n", "Details,Legal hold\n"),
    )
    cli.ok("import", str(sheet))
    first, second = (cli.show(row["reference"]) for row in in_sheet_order(cli))
    assert first["hold"]["reason"] == "held as recorded in the imported spreadsheet" and second["hold"] is None


def test_stage_2_refusals_name_stage_2_s_columns_and_a_policy_s_escalation_reasons_are_kept(cli: Cli, tmp_path) -> None:
    same_handler = _sheet(tmp_path, "S1,Ann,01/04/2026,02/04/2026,Jo Bloggs,03/04/2026,Not upheld,05/04/2026,06/04/2026,Jo Bloggs,,Bins\n")
    refused = import_refusals(cli, same_handler)[2]
    assert refused.startswith("stage 2 requested: ") and "in its 'Stage 2 handler' column" in refused, refused
    policy = str(REPO / "examples" / "policies" / "corporate-procedure.toml")
    asked = _sheet(tmp_path, "S2,Bob,01/04/2026,02/04/2026,Jo Bloggs,03/04/2026,Not upheld,05/04/2026,,,,Bins\n", name="asked.csv")
    cli.ok("import", str(asked), config=policy)
    case = cli.show(in_sheet_order(cli)[0]["reference"])
    escalated = next(event for event in case["events"] if event["kind"] == "escalated")
    assert escalated["details"]["reasons"] == "(reasons not recorded in the imported spreadsheet)"


def test_a_compliment_row_with_a_decision_s_words_or_money_is_refused_but_not_for_an_export_s_zeros(cli: Cli, tmp_path) -> None:
    headings = "Ref,Name,Date received,Type,Details,Reasons,Apology,Compensation,Stage1 extension days\n"
    sheet = _sheet(
        tmp_path,
        "K1,Ann,01/04/2026,Compliment,Thanks,Well done,no,0.00,0\n"
        "K2,Bob,01/04/2026,Compliment,Thanks,,yes,£25,0\n"
        "K3,Cy,01/04/2026,Compliment,Thanks,,no,0.00,0\n",
        headings=headings,
    )
    refusals = import_refusals(cli, sheet)
    assert set(refusals) == {2, 3}
    assert "clear its cells in 'Reasons'," in refusals[2] and "clear its cells in 'Apology', 'Compensation'," in refusals[3]


def test_a_row_with_two_refused_cells_names_the_first_of_them_every_time(cli: Cli, tmp_path) -> None:
    """The cell named is the leftmost refused one, whichever rule refuses it (a reference too
    long, a control character, a date that is none), the same on every run."""
    first = tmp_path / "first.csv"
    first.write_text("Ref,Date received,Details\n" + "A" * 150 + ",01/04/2026,Bins\x07\n")
    refused = cli("import", str(first))
    assert refused.exit_code == 1 and "line 2: refused: the 'Ref' cell is 150 characters" in refused.stderr
    dates = tmp_path / "dates.csv"
    dates.write_text("Ref,Date received,Response date,Outcome\nA1,soon,later,Upheld\n")
    for seed in ("1", "2", "3", "4"):
        run = subprocess.run(
            [sys.executable, "-m", "complaintctl", "--db", cli.db, "import", str(dates)],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert run.returncode == 1 and "line 2: refused: the 'Date received' cell is not a date" in run.stderr, run.stderr
