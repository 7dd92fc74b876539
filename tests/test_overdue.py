"""The overdue report, on a dataset built through the CLI with its dates worked out by hand.

Calendar: England and Wales, the built-in Housing Ombudsman policy (acknowledge within 5
working days of receipt; respond within 10 of the acknowledgement at stage 1, 20 at stage 2).
Monday 31 August 2026 is the Summer bank holiday, so it is skipped by every count across it.
Today is Wednesday 2 September 2026.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, Cli

TODAY = "2026-09-02 10:00:00"
SCRIPT = REPO / "examples" / "nightly-overdue.sh"

# (reference, stage, what, due, working days overdue as of Wed 2 Sep 2026), most late first.
EXPECTED_WITHIN_5 = [
    # Stage 2 requested Mon 10 Aug, not acknowledged: due Mon 17 Aug;
    # late 18-21 Aug (4), 24-28 Aug (9), not 31 Aug, 1-2 Sep (11).
    ("CMP-2026-00003", 2, "acknowledge", "2026-08-17", 11),
    # Acknowledged Wed 5 Aug: respond by Wed 19 Aug; late 20-21 (2), 24-28 (7), 1-2 Sep (9).
    ("CMP-2026-00002", 1, "respond", "2026-08-19", 9),
    # Received Mon 17 Aug: acknowledge by Mon 24 Aug; late 25-28 Aug (4), 1-2 Sep (6):
    # 7 were it not for the bank holiday.
    ("CMP-2026-00001", 1, "acknowledge", "2026-08-24", 6),
    # Closed case, action 1 due Wed 26 Aug: late 27-28 Aug (2), 1-2 Sep (4).
    ("CMP-2026-00004", 1, "action", "2026-08-26", 4),
    # Received Tue 25 Aug: 26, 27, 28 Aug, 1, 2 Sep: due today, not overdue.
    ("CMP-2026-00005", 1, "acknowledge", "2026-09-02", 0),
    # Closed case, action 3 due Fri 4 Sep: 3 and 4 Sep still to come.
    ("CMP-2026-00004", 1, "action", "2026-09-04", -2),
    # Not acknowledged, so its response counts from the last day to acknowledge, Mon 24 Aug:
    # 25-28 Aug (4), 1-4 Sep (8), 7-8 Sep (10): Tue 8 Sep, 4 to come. Every deadline is listed.
    ("CMP-2026-00001", 1, "respond", "2026-09-08", -4),
    # Acknowledged Tue 25 Aug: 26-28 Aug (3), 1-4 Sep (7), 7-9 Sep (10): Wed 9 Sep, 5 to come.
    ("CMP-2026-00006", 1, "respond", "2026-09-09", -5),
]
EXPECTED_OVERDUE = [row for row in EXPECTED_WITHIN_5 if row[4] > 0]


def build_dataset(cli: Cli) -> None:
    """Cases in every state the report must handle, recorded as officers would."""
    with freeze_time(TODAY):
        summary = ("--summary", "Repair not done")
        # 00001: not acknowledged.
        cli.ok("log", "--name", "A One", *summary, "--service", "Housing Repairs", "--received", "2026-08-17")
        # 00002: acknowledged, no response.
        cli.ok("log", "--name", "B Two", *summary, "--received", "2026-08-03")
        cli.ok("acknowledge", "CMP-2026-00002", "--handler", "Priya Shah", "--on", "2026-08-05")
        # 00003: stage 1 answered, stage 2 requested and not acknowledged.
        cli.ok("log", "--name", "C Three", *summary, "--received", "2026-08-03")
        cli.ok("acknowledge", "CMP-2026-00003", "--handler", "Priya Shah", "--on", "2026-08-03")
        cli.ok("close", "CMP-2026-00003", "--outcome", "upheld", "--reasons", "Visit missed", "--on", "2026-08-07")
        cli.ok("escalate", "CMP-2026-00003", "--handler", "Sam Lee", "--on", "2026-08-10")
        # 00004: closed, with one action outstanding and late, one done, one not yet due.
        cli.ok("log", "--name", "D Four", *summary, "--received", "2026-08-03")
        cli.ok("acknowledge", "CMP-2026-00004", "--handler", "Tom Reid", "--on", "2026-08-04")
        cli.ok("close", "CMP-2026-00004", "--outcome", "not-upheld", "--reasons", "Done as agreed", "--on", "2026-08-10")
        cli.ok("action", "add", "CMP-2026-00004", "--what", "Replace the fence panel", "--due", "2026-08-26", "--owner", "Repairs team", "--on", "2026-08-10")
        cli.ok("action", "add", "CMP-2026-00004", "--what", "Refund the charge", "--due", "2026-08-14", "--on", "2026-08-10")
        cli.ok("action", "done", "CMP-2026-00004", "2", "--on", "2026-08-13")
        cli.ok("action", "add", "CMP-2026-00004", "--what", "Write to confirm the repair", "--due", "2026-09-04", "--on", "2026-08-10")
        # 00005: due today.
        cli.ok("log", "--name", "E Five", *summary, "--received", "2026-08-25")
        # 00006: acknowledged, response due next week.
        cli.ok("log", "--name", "F Six", *summary, "--received", "2026-08-24")
        cli.ok("acknowledge", "CMP-2026-00006", "--handler", "Tom Reid", "--on", "2026-08-25")
        # 00007: a compliment has no clock.
        cli.ok("log", "--type", "compliment", "--name", "G Seven", "--summary", "Thank you", "--received", "2026-08-03")
        # 00008: refused, so closed with nothing due.
        cli.ok("log", "--name", "H Eight", *summary, "--received", "2026-08-03")
        cli.ok("close", "CMP-2026-00008", "--outcome", "refused", "--exclusion", "service-request", "--reasons", "First report of the fault", "--on", "2026-08-04")
        # 00009: closed in time, nothing outstanding.
        cli.ok("log", "--name", "I Nine", *summary, "--received", "2026-08-03")
        cli.ok("acknowledge", "CMP-2026-00009", "--handler", "Tom Reid", "--on", "2026-08-04")
        cli.ok("close", "CMP-2026-00009", "--outcome", "partly-upheld", "--reasons", "Partly", "--on", "2026-08-12")


@pytest.fixture(scope="module")
def dataset_file(tmp_path_factory) -> Path:
    """The dataset, built once: the report only reads, so each test gets a copy of the file."""
    folder = tmp_path_factory.mktemp("overdue")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(folder / "xdg"))
        patch.setenv("COMPLAINTCTL_OFFICER", "officer.one")
        for name in ("COMPLAINTCTL_DB", "COMPLAINTCTL_CONFIG", "COMPLAINTCTL_DEBUG"):
            patch.delenv(name, raising=False)
        builder = Cli(str(folder / "dataset.db"))
        builder.ok("init")
        build_dataset(builder)
    return folder / "dataset.db"


@pytest.fixture
def dataset(dataset_file, db_location) -> Cli:
    source, target = sqlite3.connect(dataset_file), sqlite3.connect(db_location)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return Cli(db_location)


def overdue_json(cli: Cli, *args: str, code: int = 0) -> list[dict]:
    with freeze_time(TODAY):
        outcome = cli("overdue", "--json", *args)
    assert outcome.exit_code == code, outcome.stderr
    return outcome.json()


def summary_of(items: list[dict]) -> list[tuple]:
    return [(i["reference"], i["stage"], i["what"], i["due"], i["working_days_overdue"]) for i in items]


def test_overdue_items_their_due_dates_lateness_and_order(dataset):
    assert summary_of(overdue_json(dataset)) == EXPECTED_OVERDUE


def test_within_adds_items_due_soon_in_order(dataset):
    assert summary_of(overdue_json(dataset, "--within", "5")) == EXPECTED_WITHIN_5
    # Four working days ahead of Wed 2 Sep is Tue 8 Sep: the response due Wed 9 Sep is left out.
    assert summary_of(overdue_json(dataset, "--within", "4")) == EXPECTED_WITHIN_5[:-1]
    # Zero adds only what is due today.
    assert summary_of(overdue_json(dataset, "--within", "0")) == EXPECTED_WITHIN_5[:5]


def test_as_of_measures_lateness_on_another_date(dataset):
    # Mon 7 Sep: everything is 3 working days later (3, 4, 7 Sep); what was due on Wed 2 and
    # Fri 4 Sep is now overdue, the response due Wed 9 Sep is not.
    later = [(ref, stage, what, due, late + 3) for ref, stage, what, due, late in EXPECTED_WITHIN_5[:6]]
    assert summary_of(overdue_json(dataset, "--as-of", "07/09/2026")) == later
    assert overdue_json(dataset, "--as-of", "2026-09-02") == overdue_json(dataset)


def test_a_past_as_of_shows_the_cases_as_they_stood_then(dataset):
    # Mon 24 Aug 2026, before several of the steps recorded since.
    assert summary_of(overdue_json(dataset, "--as-of", "2026-08-24", "--within", "5")) == [
        # Stage 2 requested Mon 10 Aug: acknowledge by Mon 17 Aug; late 18-21, 24 Aug.
        ("CMP-2026-00003", 2, "acknowledge", "2026-08-17", 5),
        # Respond by Wed 19 Aug; late 20, 21, 24 Aug.
        ("CMP-2026-00002", 1, "respond", "2026-08-19", 3),
        ("CMP-2026-00001", 1, "acknowledge", "2026-08-24", 0),
        ("CMP-2026-00004", 1, "action", "2026-08-26", -2),
        # Received that day and acknowledged only the next: acknowledge by Tue 1 Sep (after
        # 25-28 Aug and the bank holiday); five working days ahead is Tue 1 Sep as well.
        ("CMP-2026-00006", 1, "acknowledge", "2026-09-01", -5),
        # CMP-2026-00005 was received on 25 Aug: not there yet.
    ]
    # Wed 12 Aug: action 2 (due Fri 14 Aug) was done only on 13 Aug; stage 2 had been asked for.
    assert summary_of(overdue_json(dataset, "--as-of", "2026-08-12", "--within", "3")) == [
        ("CMP-2026-00004", 1, "action", "2026-08-14", -2),
        ("CMP-2026-00003", 2, "acknowledge", "2026-08-17", -3),
    ]
    overdue_json(dataset, "--as-of", "2026-08-24", "--check", code=3)


def test_json_keys_and_the_action_it_names(dataset):
    items = overdue_json(dataset, "--within", "5")
    for item in items:
        assert {"reference", "stage", "what", "due", "working_days_overdue"} <= set(item)
        assert item["overdue"] is (item["working_days_overdue"] > 0)
    action = next(item for item in items if item["what"] == "action")
    assert action["action"] == 1
    assert action["description"] == "Replace the fence panel"
    assert action["owner"] == "Repairs team"
    assert action["handler"] == "Tom Reid"
    first = items[0]
    assert first["handler"] == "Sam Lee" and first["action"] is None


def test_closed_cases_compliments_and_done_actions_are_left_out(dataset):
    references = {item["reference"] for item in overdue_json(dataset, "--within", "60")}
    assert "CMP-2026-00007" not in references  # compliment
    assert "CMP-2026-00008" not in references  # refused
    assert "CMP-2026-00009" not in references  # closed, nothing outstanding
    actions = [item["action"] for item in overdue_json(dataset, "--within", "60") if item["what"] == "action"]
    assert actions == [1, 3]  # action 2 was done


def test_check_exits_3_when_anything_is_overdue_and_0_when_not(dataset):
    with freeze_time(TODAY):
        late = dataset("overdue", "--check")
        clear = dataset("overdue", "--check", "--as-of", "2026-08-14", "--within", "5")
        without = dataset("overdue")
    assert late.exit_code == 3 and "CMP-2026-00003" in late.stdout
    assert clear.exit_code == 0, clear.stderr
    assert "nothing overdue" in clear.stdout
    assert without.exit_code == 0  # lateness is only an exit code when asked for
    assert overdue_json(dataset, "--check", code=3)


def test_items_due_soon_alone_do_not_fail_the_check(cli):
    with freeze_time(TODAY):
        cli.ok("log", "--name", "A One", "--summary", "Bins", "--received", "2026-09-01")
        outcome = cli("overdue", "--check", "--within", "5", "--json")
    assert outcome.exit_code == 0
    assert summary_of(outcome.json()) == [("CMP-2026-00001", 1, "acknowledge", "2026-09-08", -4)]


def test_a_long_list_is_written_one_item_a_line_with_the_same_items(dataset, monkeypatch):
    from complaintctl.output import render

    indented = overdue_json(dataset, "--within", "5")
    monkeypatch.setattr(render, "LONG_LIST", 2)
    with freeze_time(TODAY):
        outcome = dataset.ok("overdue", "--json", "--within", "5")
    lines = outcome.stdout.splitlines()
    assert len(lines) == len(indented) + 2 > 4
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == indented == outcome.json()


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(),
    maybe=st.one_of(st.none(), st.text()),
    numbers=st.tuples(st.integers(1, 2), st.integers(-300, 3000), st.one_of(st.none(), st.integers(1, 99))),
    due=st.dates(),
)
def test_a_line_is_what_json_would_write(text, maybe, numbers, due):
    from complaintctl.reports.overdue import Item, json_line
    from complaintctl.output.render import _iso

    stage, late, action = numbers
    item = Item(text, stage, "action" if action else "respond", due, late, late > 0, maybe, action, maybe, text, maybe)
    assert json_line(item) == json.dumps(item.as_dict(), ensure_ascii=False, default=_iso)
    item = item._replace(what="order", action=None, owner=None, order=action)
    assert json_line(item) == json.dumps(item.as_dict(), ensure_ascii=False, default=_iso)


def test_csv_parses_with_the_same_items(dataset):
    with freeze_time(TODAY):
        outcome = dataset.ok("overdue", "--csv", "--within", "5")
    rows = list(csv.DictReader(io.StringIO(outcome.stdout)))
    assert [(r["reference"], int(r["stage"]), r["what"], r["due"], int(r["working_days_overdue"])) for r in rows] == EXPECTED_WITHIN_5
    assert [r["overdue"] for r in rows] == ["true"] * 4 + ["false"] * 4
    assert rows[3]["description"] == "Replace the fence panel"


def test_csv_of_nothing_is_a_header(cli):
    with freeze_time(TODAY):
        outcome = cli.ok("overdue", "--csv")
    assert list(csv.reader(io.StringIO(outcome.stdout))) == [
        ["reference", "stage", "what", "due", "working_days_overdue", "overdue", "handler", "action", "description", "owner", "service", "order"]
    ]


def test_table_for_people_is_plain_fits_80_columns_and_reads_most_late_first(dataset):
    with freeze_time(TODAY):
        outcome = dataset.ok("overdue", "--within", "5")
    lines = outcome.stdout.splitlines()
    assert lines[0] == "As of Wed 2 September 2026: 4 overdue, 4 due within 5 working days"
    assert all(len(line) <= 80 for line in lines)
    assert "\x1b" not in outcome.stdout
    header = next(index for index, line in enumerate(lines) if line.startswith("Reference"))
    assert lines[header].split() == ["Reference", "St", "Handler", "Due", "Due", "on", "Late"]
    body = lines[header + 1 : header + 1 + len(EXPECTED_WITHIN_5)]
    assert [line.split()[0] for line in body] == [row[0] for row in EXPECTED_WITHIN_5]
    assert body[0].split()[-1] == "11" and "Sam Lee" in body[0] and "acknowledge" in body[0]
    # Long action texts are shortened to keep one line per item; CSV and JSON have them whole.
    assert body[3].endswith("4") and "action 1: Replace the fence" in body[3]
    assert body[4].endswith("today") and body[6].endswith("in 4") and body[7].endswith("in 5")


def test_update_due_is_a_deadline_when_the_policy_asks_for_updates(tmp_path, db_location):
    policy = tmp_path / "updates.toml"
    policy.write_text("[updates]\nevery_days = 5\n")
    cli = Cli(db_location, config=str(policy))
    cli.ok("init")
    with freeze_time(TODAY):
        cli.ok("log", "--name", "A One", "--summary", "Damp", "--received", "2026-08-03")
        cli.ok("acknowledge", "CMP-2026-00001", "--handler", "Priya Shah", "--on", "2026-08-03")
        # Respond by Mon 17 Aug; extended that day by 10 to Tue 1 Sep (past the bank holiday).
        cli.ok("extend", "CMP-2026-00001", "--days", "10", "--reason", "Survey needed", "--on", "2026-08-17")
        items = cli.ok("overdue", "--json").json()
    # An update every 5 working days from the extension: Mon 24 Aug; late by 6 as of Wed 2 Sep.
    # The extended response date, Tue 1 Sep, has passed too: both are listed.
    assert summary_of(items) == [
        ("CMP-2026-00001", 1, "update", "2026-08-24", 6),
        ("CMP-2026-00001", 1, "respond", "2026-09-01", 1),
    ]


def test_bad_values_are_refused_with_exit_2(dataset):
    for args in (["--as-of", "2026-02-30"], ["--within", "-1"], ["--within", "soon"], ["--json", "--csv"]):
        outcome = dataset("overdue", *args)
        assert outcome.exit_code == 2, args
        assert "Traceback" not in outcome.stderr


def test_unknown_database_is_refused_with_exit_1(tmp_path):
    outcome = Cli(str(tmp_path / "missing.db"))("overdue", "--check")
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("Error: no database at")


# -- the nightly script ----------------------------------------------------------------------------


def run_nightly(db: str, out_dir: Path, as_of: str, **extra: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "COMPLAINTCTL_DB": db,
        "COMPLAINTCTL": f"{sys.executable} -m complaintctl",
        "OVERDUE_DIR": str(out_dir),
        "OVERDUE_AS_OF": as_of,
        **extra,
    }
    env.pop("NO_COLOR", None)
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
    )


def test_nightly_script_writes_dated_csv_and_summary_and_exits_3(dataset, tmp_path):
    out_dir = tmp_path / "reports"
    result = run_nightly(dataset.db, out_dir, "2026-09-02")
    assert result.returncode == 3, result.stderr
    assert sorted(path.name for path in out_dir.iterdir()) == ["chain-heads.txt", "overdue-2026-09-02.csv", "overdue-2026-09-02.txt"]
    # The chain head it saw, with when it ran: an anchor for `verify --anchor`, readable by the job's account only.
    heads = out_dir / "chain-heads.txt"
    seen, head = heads.read_text().split()
    assert head == dataset.ok("verify", "--head").stdout.strip() and len(head) == 64
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", seen)
    assert oct(heads.stat().st_mode & 0o777) == oct(0o600)
    dataset.ok("verify", "--anchor", head)
    assert run_nightly(dataset.db, out_dir, "2026-09-02").returncode == 3
    assert heads.read_text().splitlines()[1].split()[1] == head  # a line a run
    rows = list(csv.DictReader((out_dir / "overdue-2026-09-02.csv").open()))
    assert [(r["reference"], r["due"], int(r["working_days_overdue"])) for r in rows] == [
        (ref, due, late) for ref, _, _, due, late in EXPECTED_WITHIN_5
    ]
    summary = (out_dir / "overdue-2026-09-02.txt").read_text()
    assert summary.startswith("As of Wed 2 September 2026: 4 overdue, 4 due within 5 working days\n")
    assert "\x1b" not in summary
    *table, _, path = summary.splitlines()
    assert all(len(line) <= 80 for line in table)
    assert path.strip() == str(out_dir / "overdue-2026-09-02.csv")
    assert result.stdout == summary  # printed for cron to mail, because something is overdue


def test_nightly_script_exits_0_and_stays_quiet_when_nothing_is_overdue(dataset, tmp_path):
    out_dir = tmp_path / "reports"
    result = run_nightly(dataset.db, out_dir, "14/08/2026", OVERDUE_WITHIN="2")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert (out_dir / "overdue-2026-08-14.csv").read_text().startswith("reference,stage,what,due")
    assert "nothing overdue" in (out_dir / "overdue-2026-08-14.txt").read_text()


def test_nightly_script_exits_1_on_error_and_writes_nothing(tmp_path):
    out_dir = tmp_path / "reports"
    result = run_nightly(str(tmp_path / "missing.db"), out_dir, "2026-09-02")
    assert result.returncode == 1
    assert "no database at" in result.stderr
    assert list(out_dir.iterdir()) == []
    bad_setting = run_nightly(str(tmp_path / "missing.db"), out_dir, "2026-09-02", OVERDUE_WITHIN="five")
    assert bad_setting.returncode == 1 and "OVERDUE_WITHIN" in bad_setting.stderr


def test_todays_list_is_read_without_the_orm(dataset):
    """The nightly run reads indexed columns only: it does not pay for importing SQLAlchemy."""
    probe = (
        "import sys\n"
        "from complaintctl.cli import app\n"
        "try:\n"
        f"    app(['--db', {dataset.db!r}, 'overdue', '--check', '--csv'])\n"
        "except SystemExit as done:\n"
        "    print(done.code, 'sqlalchemy' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.stderr.split() == ["3", "False"], result.stderr
    # Today (whenever the test runs) is after every due date in the dataset: every deadline of
    # every open case is listed, with the stage 2 response of 00003 and the response of 00005.
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == len(EXPECTED_WITHIN_5) + 2


@freeze_time("2026-11-30 10:00:00")
def test_a_past_as_of_never_lists_a_case_received_after_it(cli):
    """A case logged on 5 October did not exist on 1 October: neither its deadline nor its
    actions are due as of then, however far ahead --within looks."""
    later = cli.ok("log", "--name", "Later", "--summary", "s", "--received", "2026-10-05").stdout.strip()
    cli.ok("acknowledge", later, "--on", "2026-10-06")
    cli.ok("action", "add", later, "--what", "Call back", "--due", "2026-10-07", "--on", "2026-10-06")
    earlier = cli.ok("log", "--name", "Earlier", "--summary", "s", "--received", "2026-09-28").stdout.strip()
    listed = cli.ok("overdue", "--json", "--as-of", "2026-10-01", "--within", "10").json()
    assert {item["reference"] for item in listed} == {earlier}
    today = cli.ok("overdue", "--json", "--within", "10").json()
    assert {item["reference"] for item in today} == {earlier, later}
