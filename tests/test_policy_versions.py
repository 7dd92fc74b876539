"""The database remembers its policy (SPEC §10): each change is a new version, a step is judged
by the version in force when it was recorded, open stages move with a change, and `show`,
`list`, the reports, the letters and `verify` give one answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun import freeze_time

pytestmark = pytest.mark.both_databases

# Received Mon 2 Jun 2025, acknowledged Tue 3 Jun: respond within 10 working days → Tue 17 Jun.
# With 10 and 11 June closed it would be Thu 19 Jun.
CLOSURES = '[calendar]\nclosures = ["2025-06-10", "2025-06-11"]\n'


def policy_file(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def closed_late(cli, config: str | None = None) -> str:
    """A complaint answered on 18 June 2025, a day after its response date of 17 June."""
    with freeze_time("2025-06-18 10:00:00"):
        ref = cli.ok("log", "--name", "Ann Example", "--email", "ann@example.org", "--summary", "Damp",
                     "--received", "2025-06-02", config=config).stdout.split()[0]
        cli.ok("acknowledge", ref, "--on", "2025-06-03", "--handler", "Jo Officer")
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Late repair", "--on", "2025-06-18")
    return ref


def test_a_closed_case_keeps_the_deadline_and_verdict_of_its_time(cli, tmp_path):
    """The review's report: after a policy adding closure days, `show` and the letters said 19
    June and in time, where `list`, the annual report and the letter first sent said 17 June, late."""
    window = '[stage2]\nescalation_window = "20 working days"\n'
    ref = closed_late(cli, config=policy_file(tmp_path, "window.toml", window))
    with freeze_time("2025-06-18 12:00:00"):
        first_acknowledgement = cli.ok("letter", ref, "acknowledgement").stdout
        first_decision = cli.ok("letter", ref, "decision").stdout
    assert "We will respond by: 17 June 2025" in first_acknowledgement
    assert "Ask for stage 2 by: 16 July 2025" in first_decision

    # 30 June closed as well would move the stage 2 window, were the case derived afresh.
    closures = policy_file(tmp_path, "closures.toml", window + '[calendar]\nclosures = ["2025-06-10", "2025-06-11", "2025-06-30"]\n')
    with freeze_time("2025-06-20 09:00:00"):
        shown = cli.ok("show", ref, "--json", config=closures).json()
        listed = {row["reference"]: row for row in cli.ok("list", "--json", config=closures).json()}
        report = cli.ok("report", "annual", "--year", "2025", "--json", config=closures).json()
        acknowledgement = cli.ok("letter", ref, "acknowledgement", config=closures).stdout
        decision = cli.ok("letter", ref, "decision", config=closures).stdout
    assert (shown["respond_by"], shown["escalate_by"]) == ("2025-06-17", "2025-07-16")
    assert shown["stages"][0]["responded_in_time"] is False
    assert (listed[ref]["respond_by"], listed[ref]["next_due"]) == ("2025-06-17", None)
    assert (report["stage1"]["responded"], report["stage1"]["responded_in_time"]) == (1, 0)
    assert (acknowledgement, decision) == (first_acknowledgement, first_decision)


def stored_versions(db: str) -> list:
    """The policy versions the database holds, read through the store."""
    from complaintctl.storage.store import Store

    store = Store.open(db)
    try:
        with store.reading() as tx:
            return tx.policy_versions()
    finally:
        store.dispose()


def test_without_config_the_stored_policy_answers_alike(cli, tmp_path):
    ref = closed_late(cli)
    closures = policy_file(tmp_path, "closures.toml", CLOSURES)
    with freeze_time("2025-06-20 09:00:00"):
        cli.ok("list", config=closures)
        shown = cli.show(ref)
        listed = {row["reference"]: row for row in cli.ok("list", "--json").json()}
        report = cli.ok("report", "annual", "--year", "2025", "--json").json()
        acknowledgement = cli.ok("letter", ref, "acknowledgement").stdout
        verified = cli.ok("verify", "--json").json()
    assert (shown["respond_by"], listed[ref]["respond_by"]) == ("2025-06-17", "2025-06-17")
    assert shown["stages"][0]["responded_in_time"] is False
    assert report["stage1"]["responded_in_time"] == 0
    assert "We will respond by: 17 June 2025" in acknowledgement
    assert verified["ok"] is True


def test_an_open_case_moves_with_the_new_version_and_its_letter_keeps_its_date(cli, tmp_path):
    with freeze_time("2025-06-05 10:00:00"):
        ref = cli.ok("log", "--name", "Bo Example", "--summary", "Noise", "--received", "2025-06-02").stdout.split()[0]
        cli.ok("acknowledge", ref, "--on", "2025-06-03", "--handler", "Jo Officer")
        assert cli.show(ref)["respond_by"] == "2025-06-17"
    closures = policy_file(tmp_path, "closures.toml", CLOSURES)
    with freeze_time("2025-06-06 10:00:00"):
        moved = cli.ok("show", ref, "--json", config=closures)
        listed = cli.ok("list", "--json").json()
        overdue = cli.ok("overdue", "--within", "20", "--json").json()
        acknowledgement = cli.ok("letter", ref, "acknowledgement").stdout
    assert moved.stderr == "Policy changed (version 2): calendar.closures; stored for this database\n"
    assert moved.json()["respond_by"] == "2025-06-19"
    assert [(row["respond_by"], row["next_due"]) for row in listed] == [("2025-06-19", "2025-06-19")]
    assert [(item["what"], item["due"]) for item in overdue] == [("respond", "2025-06-19")]
    # The acknowledgement letter promised 17 June; printed again, it still does.
    assert "We will respond by: 17 June 2025" in acknowledgement
    with freeze_time("2025-06-18 10:00:00"):
        closed = cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Noisy", "--on", "2025-06-18", "--json").json()
        report = cli.ok("report", "annual", "--year", "2025", "--json").json()
        cli.ok("verify")
    # Closed under version 2: answered in time.
    assert closed["stages"][0]["responded_in_time"] is True
    assert report["stage1"]["responded_in_time"] == 1


def test_a_differing_config_is_stored_once_and_named_in_one_line(cli, db_location, tmp_path):
    assert [(version.number, version.note) for version in stored_versions(db_location)] == [(1, "first version; from <built-in>")]
    changed = policy_file(tmp_path, "changed.toml", CLOSURES + "[stage1]\nrespond_days = 15\n")
    first = cli.ok("list", "--json", config=changed)
    assert first.stderr == "Policy changed (version 2): calendar.closures, stage1.respond_days; stored for this database\n"
    again = cli.ok("list", "--json", config=changed)
    without = cli.ok("list", "--json")
    assert again.stderr == without.stderr == ""
    versions = stored_versions(db_location)
    assert [version.number for version in versions] == [1, 2]
    assert versions[1].note == f"calendar.closures, stage1.respond_days; from {changed}"
    assert versions[1].officer == "officer.one"
    assert versions[1].policy.stage(1).respond_days == 15


def test_without_config_new_references_and_letters_are_the_stored_councils(cli, tmp_path):
    riverside = policy_file(tmp_path, "riverside.toml", '[organisation]\nname = "Riverside Borough Council"\nreference_prefix = "RBC"\n')
    with freeze_time("2025-06-05 10:00:00"):
        first = cli.ok("log", "--name", "Ann", "--summary", "Damp", "--received", "2025-06-02", config=riverside).stdout.split()[0]
    with freeze_time("2025-06-06 10:00:00"):
        # A new terminal without COMPLAINTCTL_CONFIG: still Riverside.
        second = cli.ok("log", "--name", "Bob", "--summary", "Bins", "--received", "2025-06-02").stdout.split()[0]
        cli.ok("acknowledge", second, "--on", "2025-06-06")
        letter = cli.ok("letter", second).stdout
    assert (first, second) == ("RBC-2025-00001", "RBC-2025-00002")
    assert "Riverside Borough Council" in letter and "Example District Council" not in letter


def test_a_letter_printed_again_is_headed_as_it_was_sent(cli, tmp_path):
    with freeze_time("2025-06-05 10:00:00"):
        ref = cli.ok("log", "--name", "Ann", "--summary", "Damp", "--received", "2025-06-02").stdout.split()[0]
        cli.ok("acknowledge", ref, "--on", "2025-06-03")
        sent = cli.ok("letter", ref).stdout
    renamed = policy_file(tmp_path, "renamed.toml", '[organisation]\nname = "Exampleton Unitary Council"\n')
    with freeze_time("2025-06-09 10:00:00"):
        cli.ok("list", config=renamed)
        again = cli.ok("letter", ref).stdout
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Damp", "--on", "2025-06-09")
        decision = cli.ok("letter", ref).stdout
    assert again == sent and "Example District Council" in again
    assert "Exampleton Unitary Council" in decision and "Example District Council" not in decision


def test_an_extension_letter_keeps_the_date_it_promised(cli, tmp_path):
    """An extension adds working days: while the stage is open its response date follows the
    policy in force, but the letter keeps the date it gave (recorded with the extension)."""
    with freeze_time("2025-06-05 10:00:00"):
        ref = cli.ok("log", "--name", "Ann", "--summary", "Damp", "--received", "2025-05-30").stdout.split()[0]
        cli.ok("acknowledge", ref, "--on", "2025-06-02")  # respond by Mon 16 Jun
        cli.ok("extend", ref, "--days", "2", "--reason", "Survey", "--on", "2025-06-05")  # Wed 18 Jun
        assert cli.show(ref)["respond_by"] == "2025-06-18"
    closures = policy_file(tmp_path, "closures.toml", CLOSURES)
    with freeze_time("2025-06-06 10:00:00"):
        assert cli.ok("show", ref, "--json", config=closures).json()["respond_by"] == "2025-06-20"
        letter = cli.ok("letter", ref, "extension").stdout
    assert "We will now respond by: 18 June 2025" in letter


def test_a_stage_1_closed_before_the_change_keeps_its_dates_while_stage_2_moves(cli, tmp_path):
    window = policy_file(tmp_path, "window.toml", '[stage2]\nescalation_window = "20 working days"\n')
    with freeze_time("2025-06-05 10:00:00"):
        ref = cli.ok("log", "--name", "Ann", "--summary", "Damp", "--received", "2025-05-01", config=window).stdout.split()[0]
        cli.ok("acknowledge", ref, "--on", "2025-05-02", "--handler", "Jo Officer", config=window)
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Damp", "--on", "2025-05-16", config=window)
        cli.ok("escalate", ref, "--on", "2025-06-05", "--handler", "Sam Lee", config=window)
        before = cli.show(ref)
    wider = policy_file(tmp_path, "wider.toml", '[stage2]\nescalation_window = "1 month"\n'
                        'acknowledge_days = 10\n[calendar]\nclosures = ["2025-05-20", "2025-06-10"]\n')
    with freeze_time("2025-06-06 10:00:00"):
        after = cli.ok("show", ref, "--json", config=wider).json()
        cli.ok("verify")
    assert after["stages"][0] == before["stages"][0]
    assert after["stages"][0]["escalate_by"] == before["stages"][0]["escalate_by"] == "2025-06-16"
    assert (before["acknowledge_by"], after["acknowledge_by"]) == ("2025-06-12", "2025-06-20")


def test_init_policy_stores_the_preset(db_location, tmp_path):
    from conftest import Cli

    cli = Cli(db_location)
    out = tmp_path / "complaintctl.toml"
    created = cli.ok("init", "--policy", "mansfield", "--policy-out", str(out))
    assert created.stderr == ""
    assert out.is_file()
    logged = cli.ok("log", "--name", "Ann", "--summary", "Damp")
    assert logged.stdout.startswith("MDC-")
    # The file it wrote is the stored policy: using it stores nothing new.
    assert cli.ok("list", "--json", config=str(out)).stderr == ""
    assert [version.number for version in stored_versions(db_location)] == [1]


def test_verify_finds_a_closed_cases_stage_row_edited(cli, tmp_path):
    from sqlalchemy import create_engine, text

    ref = closed_late(cli)
    closures = policy_file(tmp_path, "closures.toml", CLOSURES)
    with freeze_time("2025-06-20 09:00:00"):
        cli.ok("list", config=closures)
        assert cli.ok("verify", "--json").json()["ok"] is True
    engine = create_engine(cli.db if "://" in cli.db else f"sqlite:///{cli.db}")
    with engine.begin() as connection:
        # What re-deriving the closed case under the new version would have written.
        connection.execute(
            text("UPDATE stages SET respond_by = '2025-06-19', in_time = :yes "
                 "WHERE case_id = (SELECT id FROM cases WHERE reference = :ref)"),
            {"ref": ref, "yes": True},
        )
    engine.dispose()
    with freeze_time("2025-06-20 09:30:00"):
        outcome = cli("verify")
    assert outcome.exit_code == 1
    assert f"{ref}: the stored stage 1 row (respond_by, in_time) does not match" in outcome.stderr


def test_workdays_use_the_stored_calendar(cli, tmp_path):
    from conftest import Cli

    closures = policy_file(tmp_path, "closures.toml", CLOSURES)
    assert cli.ok("workdays", "add", "2025-06-09", "1").stdout.startswith("2025-06-10")
    cli.ok("list", config=closures)
    assert cli.ok("workdays", "add", "2025-06-09", "1").stdout.startswith("2025-06-12")
    assert cli.ok("workdays", "between", "2025-06-09", "2025-06-12").stdout.strip() == "1"
    # With no database, the built-in calendar; with --config, the file's.
    nowhere = Cli(str(tmp_path / "none.db"))
    assert nowhere.ok("workdays", "add", "2025-06-09", "1").stdout.startswith("2025-06-10")
    assert nowhere.ok("workdays", "add", "2025-06-09", "1", config=closures).stdout.startswith("2025-06-12")
    assert not (tmp_path / "none.db").exists()


# -- the rule, without a database --------------------------------------------------------------------


def _history_and_events():
    from datetime import date, datetime, timezone

    from complaintctl.domain import policy
    from complaintctl.domain.events import Event

    def at(day: int, hour: int = 10) -> datetime:
        return datetime(2025, 6, day, hour, tzinfo=timezone.utc)

    before = policy.load(None)
    after = policy.from_mapping({"calendar": {"closures": ["2025-06-10", "2025-06-11"]}, "organisation": {"default_ombudsman": "housing"}})
    history = policy.PolicyHistory([policy.PolicyVersion(1, at(1), before), policy.PolicyVersion(2, at(20, 9), after)])
    events = [
        Event("logged", date(2025, 6, 2), "o", at(18), {"type": "complaint", "received_on": "2025-06-02"}, 1),
        Event("acknowledged", date(2025, 6, 3), "o", at(18), {"stage": 1, "handler": "Jo"}, 2),
        Event("closed", date(2025, 6, 18), "o", at(18), {"stage": 1, "outcome": "upheld"}, 3),
    ]
    return history, events


def test_a_closed_stage_is_settled_under_the_version_of_its_close():
    from complaintctl.domain.case import derive

    history, events = _history_and_events()
    now = history.latest
    settled = derive("R", events, now.policy, now.calendar, history)
    assert (settled.current.respond_by.isoformat(), settled.current.responded_in_time, settled.ombudsman) == ("2025-06-17", False, "lgsco")
    # Without the history, everything is derived under the one policy given.
    afresh = derive("R", events, now.policy, now.calendar)
    assert (afresh.current.respond_by.isoformat(), afresh.current.responded_in_time, afresh.ombudsman) == ("2025-06-19", True, "housing")
    # Still open, the stage follows the policy in force now; its acknowledgement date stays settled.
    still_open = derive("R", events[:2], now.policy, now.calendar, history)
    assert (still_open.current.respond_by.isoformat(), still_open.ombudsman) == ("2025-06-19", "housing")


def test_an_acknowledgement_keeps_its_date_while_the_response_date_moves():
    from dataclasses import replace
    from datetime import date

    from complaintctl.domain.case import derive

    history, events = _history_and_events()
    now = history.latest
    # Received Thu 5 Jun, acknowledged Fri 6 Jun (recorded on the 18th, before the change).
    logged = replace(events[0], details={"type": "complaint", "received_on": "2025-06-05"})
    acknowledged = replace(events[1], on=date(2025, 6, 6))
    waiting = derive("R", [logged], now.policy, now.calendar, history).current
    assert waiting.acknowledge_by.isoformat() == "2025-06-16"  # not acknowledged: moves (10, 11 closed)
    stage = derive("R", [logged, acknowledged], now.policy, now.calendar, history).current
    assert stage.acknowledge_by.isoformat() == "2025-06-12"  # settled when it was acknowledged
    assert stage.respond_by.isoformat() == "2025-06-24"  # open: 10 working days after 6 Jun, 10 and 11 closed


def test_which_version_is_in_force():
    from datetime import datetime, timedelta, timezone

    from complaintctl.domain import policy

    history, _ = _history_and_events()
    first, second = history.versions
    assert history.at(datetime(2000, 1, 1, tzinfo=timezone.utc)) is first  # the first is in force from the beginning
    assert history.at(second.recorded_at - timedelta(microseconds=1)) is first
    assert history.at(second.recorded_at) is second  # a step recorded with the change is under it
    assert history.at(second.recorded_at.replace(tzinfo=None)) is second  # no zone: UTC
    assert history.until(datetime(2025, 6, 19, tzinfo=timezone.utc)).latest is first
    # A clock set back: the newer version still governs what is recorded after its own time.
    skewed = policy.PolicyHistory([first, policy.PolicyVersion(2, datetime(2024, 1, 1, tzinfo=timezone.utc), second.policy)])
    assert skewed.at(datetime(2025, 1, 1, tzinfo=timezone.utc)).number == 2
    assert policy.changed_keys(first.policy, second.policy) == ["organisation.default_ombudsman", "calendar.closures"]
    assert policy.from_content(second.policy.content(), "stored").fingerprint() == second.policy.fingerprint()


def test_the_first_releases_database_gets_its_first_version_and_verifies(tmp_path):
    import shutil

    from conftest import Cli
    from test_migrations import FIXTURE

    copy = tmp_path / "release-1.db"
    shutil.copyfile(FIXTURE, copy)
    copy.chmod(0o600)
    cli = Cli(str(copy))
    before = cli.ok("list", "--json")
    assert before.stderr == "Policy stored for this database (version 1), from <built-in>\n"
    assert cli.ok("verify").stderr == ""
    closed = cli.show("CMP-2026-00002")
    closures = policy_file(tmp_path, "closures.toml", '[calendar]\nclosures = ["2026-09-15", "2026-09-16"]\n')
    changed = cli.ok("list", "--json", config=closures)
    assert changed.stderr == "Policy changed (version 2): calendar.closures; stored for this database\n"
    assert cli.show("CMP-2026-00002") == closed  # closed before the change: as it was
    assert [version.number for version in stored_versions(str(copy))] == [1, 2]
    cli.ok("verify")


def test_a_clock_set_back_does_not_leave_a_closed_case_behind(cli, tmp_path):
    """A version stored by a clock behind the one that recorded a close: the close falls under
    the new version, so the case is derived again with it and every command still agrees."""
    ref = closed_late(cli)  # recorded at 10:00 on 18 June
    closures = policy_file(tmp_path, "closures.toml", CLOSURES)
    with freeze_time("2025-06-18 09:00:00"):
        shown = cli.ok("show", ref, "--json", config=closures).json()
        listed = {row["reference"]: row for row in cli.ok("list", "--json").json()}
        cli.ok("verify")
    assert shown["respond_by"] == listed[ref]["respond_by"] == "2025-06-19"


def test_the_step_each_letter_is_about():
    from datetime import date, datetime, timezone

    from complaintctl.domain import policy
    from complaintctl.domain.case import derive
    from complaintctl.domain.events import Event
    from complaintctl.services import letter_step

    kinds = ["logged", "acknowledged", "action-added", "extended", "updated", "closed", "action-done",
             "escalated", "updated", "acknowledged", "closed", "action-added"]
    details = {
        "logged": {"type": "complaint", "received_on": "2025-06-02"},
        "acknowledged": {"handler": "Jo"},
        "action-added": {"number": 1, "what": "Fix", "due": "2025-07-01"},
        "extended": {"days": 2, "reason": "r"},
        "updated": {"progress": "p"},
        "closed": {"outcome": "upheld"},
        "action-done": {"number": 1},
        "escalated": {"handler": "Sam"},
    }
    events = [
        Event(kind, date(2025, 6, 2 + number), "o", datetime(2025, 6, 2 + number, tzinfo=timezone.utc), details[kind], number)
        for number, kind in enumerate(kinds, start=1)
    ]
    chosen = policy.load(None)
    case = derive("R", events, chosen, chosen.calendar())

    def number(kind: str, stage: int) -> int | None:
        step = letter_step(case, kind, stage)
        return step.number if step else None

    assert [number(kind, 1) for kind in ("acknowledgement", "extension", "update", "decision", "closure")] == [2, 4, 5, 6, 7]
    assert [number(kind, 2) for kind in ("acknowledgement", "extension", "update", "decision", "closure")] == [10, None, 9, 11, 12]
    assert number("acknowledgement", 2) == 10 and letter_step(derive("R", events[:8], chosen, chosen.calendar()), "acknowledgement", 2).number == 8
