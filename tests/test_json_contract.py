"""The JSON shapes of SPEC §5, locked: a key added, renamed or dropped fails here first.

Adding a key is a deliberate change to the contract: add it to the set below in the same change.
"""

from __future__ import annotations

import json
import re

import pytest
from freezegun import freeze_time

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The keys SPEC §5 requires of `show --json`, and `log --json`.
SPEC_CASE_KEYS = {
    "reference", "type", "stage", "status", "outcome", "received_on", "handler", "acknowledge_by",
    "acknowledged_on", "respond_by", "escalate_by", "extension_days", "events", "ombudsman",
}
CASE_KEYS = SPEC_CASE_KEYS | {
    "over_12_months", "next_due", "stages", "actions",
    "name", "email", "phone", "address", "preferred_contact", "channel", "representative", "anonymous",
    "representative_email", "representative_address",
    "service", "category", "summary", "outcomes_sought", "issue_date", "housing", "adjustments",
    # SPEC §12: the restriction the complainant is under, or null.
    "restriction",
    # SPEC §11: the legal hold in force ({since, officer, reason}) and when the personal data was
    # redacted past retention, each null when none.
    "hold", "redacted_on",
    # SPEC §11: the reference the case had in the team's sheet it was imported from, or null.
    "external_ref",
}
RESTRICTION_KEYS = {
    "id", "name", "email", "phone", "reason", "arrangements", "decided_by", "decided_on", "review_on", "active",
    "recorded_at", "recorded_by", "ended_on", "ended_at", "ended_by", "end_reason",
}
EVENT_KEYS = {"number", "kind", "on", "officer", "recorded_at", "details", "voided"}
STAGE_KEYS = {
    "number", "received_on", "handler", "acknowledge_by", "acknowledged_on", "original_respond_by", "respond_by",
    "extension_days", "update_due", "closed_on", "outcome", "exclusion", "reasons", "responded_in_time",
    "escalate_by", "late_reason", "apology", "compensation",
}
ACTION_KEYS = {"number", "what", "due", "owner", "stage", "done_on"}
NEXT_DUE_KEYS = {"what", "due"}
LIST_KEYS = {
    "reference", "type", "stage", "status", "outcome", "received_on", "name", "service", "category", "handler",
    "respond_by", "next_due", "next_due_what",
}
ACTION_LIST_KEYS = {"reference", "stage", "number", "what", "due", "owner", "done_on", "handler"}


@pytest.fixture
def case(cli):
    """One complaint with every part filled: two stages, an extension, actions, a note."""
    with freeze_time("2027-06-30 12:00:00"):
        ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-01-04").stdout.strip()
        cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-01-05")
        cli.ok("extend", ref, "--days", "2", "--reason", "R", "--on", "2027-01-06")
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "R", "--on", "2027-01-20",
               "--action", "Fix", "--action-due", "2027-02-01")
        cli.ok("escalate", ref, "--handler", "Pat Jones", "--on", "2027-01-25")
        cli.ok("note", ref, "internal", "--on", "2027-01-25")
    return cli, ref


def check_case(case: dict) -> None:
    assert set(case) == CASE_KEYS
    assert all(set(event) == EVENT_KEYS for event in case["events"])
    assert all(set(stage) == STAGE_KEYS for stage in case["stages"])
    assert all(set(action) == ACTION_KEYS for action in case["actions"])
    assert case["next_due"] is None or set(case["next_due"]) == NEXT_DUE_KEYS
    assert case["restriction"] is None or set(case["restriction"]) == RESTRICTION_KEYS
    assert case["type"] in ("complaint", "compliment", "comment")
    assert case["status"] in ("open", "acknowledged", "closed")
    assert case["stage"] in (1, 2)
    assert case["ombudsman"] in ("housing", "lgsco")
    assert isinstance(case["extension_days"], int) and not isinstance(case["extension_days"], bool)
    for key in ("received_on", "acknowledge_by", "acknowledged_on", "respond_by", "escalate_by"):
        assert case[key] is None or ISO_DATE.match(case[key]), key
    for event in case["events"]:
        assert ISO_DATE.match(event["on"])
        assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", event["recorded_at"])
        assert isinstance(event["details"], dict)


@freeze_time("2027-06-30 12:00:00")
def test_show_json_keys(case):
    cli, ref = case
    shown = cli.show(ref)
    check_case(shown)
    assert len(shown["stages"]) == 2 and len(shown["actions"]) == 1
    assert [event["kind"] for event in shown["events"]] == [
        "logged", "acknowledged", "extended", "closed", "action-added", "escalated", "note"]


@freeze_time("2027-06-30 12:00:00")
@pytest.mark.parametrize("case_type", ["complaint", "compliment", "comment"])
def test_log_json_is_the_show_object(cli, case_type):
    # Received two days ago: the acknowledgement is not yet overdue, so nothing is noted on stderr.
    outcome = cli.ok("log", "--type", case_type, "--name", "N", "--summary", "S", "--received", "2027-06-28", "--json")
    logged = outcome.json()
    check_case(logged)
    assert logged == cli.show(logged["reference"])
    assert outcome.stderr == ""


@freeze_time("2027-06-30 12:00:00")
@pytest.mark.parametrize(
    "step",
    [
        ["acknowledge", "{ref}", "--on", "2027-06-02"],
        ["extend", "{ref}", "--days", "3", "--reason", "R", "--on", "2027-06-02"],
        ["update", "{ref}", "--progress", "P", "--on", "2027-06-02"],
        ["close", "{ref}", "--outcome", "withdrawn", "--on", "2027-06-02"],
        ["note", "{ref}", "text", "--on", "2027-06-02"],
        ["action", "add", "{ref}", "--what", "W", "--due", "2027-07-01", "--on", "2027-06-02"],
        ["amend", "{ref}", "--reason", "R", "--phone", "01632 960001", "--on", "2027-06-02"],
    ],
)
def test_every_event_command_prints_the_show_object(cli, step):
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-06-01").stdout.strip()
    outcome = cli.ok(*(part.replace("{ref}", ref) for part in step), "--json")
    printed = json.loads(outcome.stdout)  # stdout is the JSON and nothing else
    check_case(printed)
    assert printed == cli.show(ref)
    assert outcome.stderr == ""


@freeze_time("2027-06-30 12:00:00")
def test_escalate_and_action_done_print_the_show_object(case):
    cli, ref = case
    done = cli.ok("action", "done", ref, "1", "--on", "2027-02-01", "--json").json()
    check_case(done)
    assert done == cli.show(ref)
    other = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-06-01").stdout.strip()
    cli.ok("acknowledge", other, "--handler", "Sam Smith", "--on", "2027-06-02")
    cli.ok("close", other, "--outcome", "upheld", "--reasons", "R", "--on", "2027-06-03")
    escalated = cli.ok("escalate", other, "--handler", "Pat Jones", "--on", "2027-06-04", "--json").json()
    check_case(escalated)
    assert escalated == cli.show(other)


@freeze_time("2027-06-30 12:00:00")
def test_void_prints_the_show_object_with_the_step_marked(cli):
    ref = cli.ok("log", "--name", "N", "--summary", "S", "--received", "2027-06-01").stdout.strip()
    cli.ok("acknowledge", ref, "--on", "2027-06-02")
    outcome = cli.ok("void", ref, "--reason", "R", "--on", "2027-06-03", "--json")
    printed = json.loads(outcome.stdout)
    check_case(printed)
    assert printed == cli.show(ref)
    assert [(event["kind"], event["voided"]) for event in printed["events"]] == [
        ("logged", False), ("acknowledged", True), ("voided", False)]
    assert outcome.stderr == ""


@freeze_time("2027-06-30 12:00:00")
def test_list_json_keys(case):
    cli, ref = case
    cli.ok("log", "--type", "comment", "--name", "N", "--received", "2027-06-01")
    rows = cli.ok("list", "--json").json()
    assert len(rows) == 2
    assert all(set(row) == LIST_KEYS for row in rows)
    assert rows[-1]["reference"] == ref and rows[-1]["stage"] == 2  # newest first
    for row in rows:
        for key in ("received_on", "respond_by", "next_due"):
            assert row[key] is None or ISO_DATE.match(row[key])
    assert cli.ok("list", "--status", "acknowledged", "--json").json() == []


@freeze_time("2027-06-30 12:00:00")
def test_action_list_json_keys_with_and_without_overdue(case):
    cli, ref = case
    cli.ok("action", "add", ref, "--what", "Later", "--due", "2027-12-01", "--owner", "Finance", "--on", "2027-01-25")
    every = cli.ok("action", "list", "--json").json()
    assert [set(row) for row in every] == [ACTION_LIST_KEYS, ACTION_LIST_KEYS]
    assert [(row["number"], row["due"], row["owner"], row["handler"]) for row in every] == [
        (1, "2027-02-01", None, "Pat Jones"), (2, "2027-12-01", "Finance", "Pat Jones")]
    overdue = cli.ok("action", "list", "--overdue", "--json").json()
    assert [set(row) for row in overdue] == [ACTION_LIST_KEYS]
    assert overdue[0]["number"] == 1 and overdue[0]["done_on"] is None


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["workdays", "add", "2026-12-24", "3", "--json"], {"start": "2026-12-24", "days": 3, "date": "2026-12-31"}),
        (["workdays", "add", "24/12/2026", "0", "--json"], {"start": "2026-12-24", "days": 0, "date": "2026-12-24"}),
        (["workdays", "between", "2026-12-24", "2026-12-31", "--json"],
         {"start": "2026-12-24", "end": "2026-12-31", "working_days": 3}),
        (["workdays", "between", "2026-12-31", "2026-12-24", "--json"],
         {"start": "2026-12-31", "end": "2026-12-24", "working_days": -3}),
    ],
)
def test_workdays_json(cli, arguments, expected):
    outcome = cli.ok(*arguments)
    assert json.loads(outcome.stdout) == expected
    assert outcome.stderr == ""


VERIFY_KEYS = {
    "ok", "events", "cases", "policy_versions", "storage", "problem_count", "problems", "chain_head", "key_id", "unkeyed_events",
    "unkeyed_policy_versions", "anchor", "redacted_events",
}
PROBLEM_KEYS = {"reference", "event", "event_id", "policy_version", "problem"}
ANCHOR_KEYS = {"hash", "found", "reference", "event", "event_id", "policy_version"}


def test_verify_json_keys(case):
    cli, ref = case
    report = cli.ok("verify", "--json").json()
    assert set(report) == VERIFY_KEYS
    assert re.fullmatch(r"[0-9a-f]{64}", report["chain_head"]) and re.fullmatch(r"[0-9a-f]{16}", report["key_id"])
    assert (report["unkeyed_events"], report["anchor"]) == (0, None)
    anchored = cli.ok("verify", "--json", "--anchor", report["chain_head"]).json()
    assert set(anchored) == VERIFY_KEYS and set(anchored["anchor"]) == ANCHOR_KEYS
    assert anchored["anchor"] == {"hash": report["chain_head"], "found": True, "reference": ref, "event": 7, "event_id": 7, "policy_version": None}
    missed = cli("verify", "--json", "--anchor", "0" * 64)
    assert missed.exit_code == 1
    body = missed.json()
    assert set(body) == VERIFY_KEYS and body["ok"] is False
    assert body["anchor"] == {"hash": "0" * 64, "found": False, "reference": None, "event": None, "event_id": None, "policy_version": None}
    assert all(set(problem) == PROBLEM_KEYS for problem in body["problems"])
    assert cli.ok("verify", "--head", "--json").json() == {"chain_head": report["chain_head"]}


# `explain --json` (SPEC §13): the keys SPEC names, and the ones added beside them.
EXPLAIN_KEYS = {"reference", "type", "policy_version", "deadlines"}
SPEC_DEADLINE_KEYS = {"what", "stage", "due", "from", "from_why", "days", "policy", "skipped", "extensions"}
DEADLINE_KEYS = SPEC_DEADLINE_KEYS | {
    "from_key", "unit", "working_days", "policy_version", "nation",
    "due_before_extensions", "in_time_by", "clamped", "done_on", "in_time",
}
SKIPPED_KEYS = {"date", "why", "reason"}
EXTENSION_KEYS = {"on", "days", "reason", "good_reason", "late_reason"}


@freeze_time("2027-06-30 12:00:00")
def test_explain_json_keys(case):
    cli, ref = case
    outcome = cli.ok("explain", ref, "--json")
    explanation = outcome.json()
    assert outcome.stderr == ""
    assert set(explanation) == EXPLAIN_KEYS
    assert [(item["what"], item["stage"]) for item in explanation["deadlines"]] == [
        ("acknowledge", 1), ("respond", 1), ("acknowledge", 2), ("respond", 2)]
    for item in explanation["deadlines"]:
        assert set(item) == DEADLINE_KEYS
        assert ISO_DATE.match(item["due"]) and ISO_DATE.match(item["from"])
        assert all(set(day) == SKIPPED_KEYS and ISO_DATE.match(day["date"]) for day in item["skipped"])
        assert all(set(extension) == EXTENSION_KEYS for extension in item["extensions"])
    assert len(explanation["deadlines"][1]["extensions"]) == 1
    assert cli.ok("show", ref, "--json", "--explain").json()["explanation"] == explanation["deadlines"]
