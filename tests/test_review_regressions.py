"""Problems found by trying the tool as a complaints officer would, each pinned by a test.

Deadlines here are on dates no other test uses, each worked out by hand from SPEC sections 2-3.
"""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time

TODAY = "2029-12-31 12:00:00"


def _log(cli, received: str, *extra: str, config: str | None = None) -> str:
    args = ["log", "--name", "Ms R Reviewer", "--email", "r@example.net", "--service", "Waste", "--summary", "Bins"]
    return cli.ok(*args, *extra, "--received", received, config=config).stdout.strip()


def _refused(outcome, *words: str) -> None:
    assert outcome.exit_code == 1, outcome
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr
    for word in words:
        assert word in lines[0], lines[0]


# -- a receipt date in the future names --received, the option the officer typed ---------------


def test_future_receipt_names_the_received_option(cli):
    with freeze_time("2026-11-26 12:00:00"):
        outcome = cli("log", "--name", "A", "--service", "Waste", "--summary", "s", "--received", "2027-01-05")
        listed = cli.ok("list", "--json").json()
    _refused(outcome, "--received 2027-01-05 is in the future")
    assert "--on" not in outcome.stderr
    assert listed == []


# -- an override template that fails at run time is a template problem, not "unexpected" --------


@pytest.fixture
def broken_template_policy(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "acknowledgement.txt").write_text("Dear {{ recipient.name }}\n{{ 1 / 0 }}\n", encoding="utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text('[letters]\ntemplates = "letters"\n', encoding="utf-8")
    return policy


def test_template_runtime_error_names_the_template_and_line(cli, broken_template_policy):
    with freeze_time(TODAY):
        # The database stores the broken policy with the first command that brings it.
        ref = _log(cli, "2027-06-01", config=str(broken_template_policy))
        cli.ok("acknowledge", ref, "--on", "2027-06-02")
        outcome = cli("letter", ref, config=str(broken_template_policy))
    _refused(outcome, "acknowledgement.txt", "line 2", "division by zero", "fix the template")
    assert "unexpected" not in outcome.stderr
    assert outcome.stdout == ""


def test_template_runtime_error_with_letter_flag_refuses_the_step(cli, broken_template_policy, tmp_path):
    out = tmp_path / "ack.txt"
    with freeze_time(TODAY):
        ref = _log(cli, "2027-06-01", config=str(broken_template_policy))
        outcome = cli("acknowledge", ref, "--on", "2027-06-02", "--letter", str(out), config=str(broken_template_policy))
        case = cli.show(ref)
    _refused(outcome, ref, "nothing was recorded", "fix the template")
    assert case["status"] == "open"
    assert not out.exists()


# -- deadlines on dates no other test uses, checked by hand ------------------------------------


def test_easter_2027_extension_cap_and_stage_2_in_england(cli):
    with freeze_time(TODAY):
        ref = _log(cli, "2027-03-25", "--housing")  # Thursday before Good Friday 26 March
        case = cli.show(ref)
        # 26 Mar and 29 Mar are bank holidays: 30, 31, 1, 2, 5 April.
        assert case["acknowledge_by"] == "2027-04-05"
        cli.ok("acknowledge", ref, "--handler", "Ann One", "--on", "2027-04-01")
        assert cli.show(ref)["respond_by"] == "2027-04-15"
        cli.ok("extend", ref, "--days", "10", "--reason", "Survey", "--on", "2027-04-14")
        assert cli.show(ref)["respond_by"] == "2027-04-29"
        _refused(cli("extend", ref, "--days", "1", "--reason", "More", "--on", "2027-04-20"), "11 working days", "--good-reason")
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "R", "--on", "2027-04-28")
        _refused(cli("escalate", ref, "--handler", "ann  ONE", "--on", "2027-05-05"), "--handler")
        cli.ok("escalate", ref, "--handler", "Bob Two", "--on", "2027-05-05")
        # 3 May 2027 is the early May bank holiday, 31 May the spring bank holiday.
        assert cli.show(ref)["acknowledge_by"] == "2027-05-12"
        cli.ok("acknowledge", ref, "--on", "2027-05-07")
        case = cli.show(ref)
    assert case["respond_by"] == "2027-06-07"
    assert case["stages"][0]["responded_in_time"] is True


@pytest.mark.parametrize(
    ("nation", "received", "acknowledge_by", "respond_by"),
    [
        # Christmas 2027 falls on a weekend: substitute days 27 and 28 December; New Year 3 January
        # (and 4 January in Scotland, for 2 January).
        ("england-and-wales", "2027-12-22", "2027-12-31", "2028-01-17"),
        ("scotland", "2027-12-22", "2027-12-31", "2028-01-18"),
        ("northern-ireland", "2027-12-22", "2027-12-31", "2028-01-17"),
        # 12 July 2027 (a Monday) is a holiday in Northern Ireland only.
        ("england-and-wales", "2027-07-09", "2027-07-16", None),
        ("northern-ireland", "2027-07-09", "2027-07-19", None),
        # Easter Monday 17 April 2028 is a working day in Scotland.
        ("england-and-wales", "2028-04-13", "2028-04-24", None),
        ("scotland", "2028-04-13", "2028-04-21", None),
    ],
)
def test_holidays_of_each_nation(cli, tmp_path, nation, received, acknowledge_by, respond_by):
    policy = tmp_path / "nation.toml"
    policy.write_text(f'[calendar]\nnation = "{nation}"\n', encoding="utf-8")
    with freeze_time(TODAY):
        ref = _log(cli, received, config=str(policy))
        assert cli("show", ref, "--json", config=str(policy)).json()["acknowledge_by"] == acknowledge_by
        if respond_by:
            case = cli.ok("acknowledge", ref, "--on", acknowledge_by, "--json", config=str(policy)).json()
            assert case["respond_by"] == respond_by


def test_saturday_receipt_closure_day_and_one_month_window_in_a_leap_year(cli, tmp_path):
    policy = tmp_path / "corp.toml"
    policy.write_text('[calendar]\nclosures = ["2028-02-29"]\n[stage2]\nescalation_window = "1 month"\n', encoding="utf-8")

    def run(*args: str):
        return cli(*args, config=str(policy))

    with freeze_time(TODAY):
        ref = _log(cli, "2028-02-26", config=str(policy))  # a Saturday; 29 February is closed
        assert run("show", ref, "--json").json()["acknowledge_by"] == "2028-03-06"
        run("acknowledge", ref, "--handler", "H1", "--on", "2028-03-01")
        closed = run("close", ref, "--outcome", "not-upheld", "--reasons", "R", "--on", "2028-03-31", "--json").json()
        assert closed["escalate_by"] == "2028-04-30"
        assert closed["stages"][0]["responded_in_time"] is False
        _refused(run("escalate", ref, "--handler", "H2", "--on", "2028-05-01"), "2028-04-30", "--late-reason")
        # 1 May 2028 and 29 May 2028 are bank holidays.
        case = run("escalate", ref, "--handler", "H2", "--on", "2028-04-30", "--json").json()
    assert (case["acknowledge_by"], case["respond_by"]) == ("2028-05-08", "2028-06-06")


# -- a refused or withdrawn case is not pointed at stage 2, which would refuse it too ----------


@pytest.mark.parametrize(
    ("outcome", "extra"),
    [("refused", ["--exclusion", "duplicate", "--reasons", "Already with us"]), ("withdrawn", [])],
)
def test_closed_without_a_decision_does_not_suggest_escalating(cli, outcome, extra):
    with freeze_time(TODAY):
        ref = _log(cli, "2028-12-20")
        cli.ok("close", ref, "--outcome", outcome, *extra, "--on", "2028-12-21")
        before = cli.show(ref)
        again = cli("close", ref, "--outcome", "withdrawn", "--on", "2028-12-22")
        escalated = cli("escalate", ref, "--handler", "Someone Else", "--on", "2028-12-22")
        after = cli.show(ref)
    _refused(again, ref, "cannot be closed again", f"It ended {outcome}", "log a new complaint")
    assert "Escalate" not in again.stderr
    _refused(escalated, "nothing to review at stage 2")
    assert after == before


def test_closed_with_a_decision_still_suggests_escalating(cli):
    with freeze_time(TODAY):
        ref = _log(cli, "2028-12-20")
        cli.ok("acknowledge", ref, "--handler", "First Officer", "--on", "2028-12-21")
        cli.ok("close", ref, "--outcome", "not-upheld", "--reasons", "R", "--on", "2028-12-22")
        outcome = cli("extend", ref, "--days", "2", "--reason", "More", "--on", "2028-12-27")
    _refused(outcome, "cannot be extended", "Escalate it to stage 2 first")


# -- a letter that cannot be written says what to do about it ----------------------------------


def test_letter_out_to_a_folder_says_what_to_do(cli, tmp_path):
    with freeze_time(TODAY):
        ref = _log(cli, "2027-06-01")
        cli.ok("acknowledge", ref, "--on", "2027-06-02")
        into_folder = cli("letter", ref, "--out", str(tmp_path))
        nowhere = cli("letter", ref, "--out", str(tmp_path / "missing" / "a.txt"))
    _refused(into_folder, "cannot write", "check the folder exists and is writable")
    _refused(nowhere, "does not exist", "create it or choose another file")


# -- the Markdown report shows typed HTML as text, so publishing it runs nothing ---------------


def test_markdown_report_escapes_typed_html(cli):
    with freeze_time(TODAY):
        cli.ok("log", "--name", "N", "--service", "<script>alert(1)</script>", "--summary", "s", "--received", "2028-05-05")
        cli.ok("log", "--name", "N", "--service", r"Parks \| Gardens", "--summary", "s", "--received", "2028-05-06")
        report = cli.ok("report", "annual", "--year", "2028", "--format", "markdown").stdout
    assert not re.search(r"(?<!\\)<", report), "a typed '<' reached the Markdown unescaped"
    assert r"| \<script\>alert\(1\)\</script\> | 1 |" in report
    # A typed backslash before a bar must not end the cell early.
    assert r"| Parks \\\| Gardens | 1 |" in report


# -- report annual --as-of: before the year is refused; a finished year is never "still running" -


def test_annual_as_of_before_the_year_is_refused(cli):
    with freeze_time(TODAY):
        _log(cli, "2028-05-05")
        outcome = cli("report", "annual", "--year", "2028", "--as-of", "2028-03-01")
    _refused(outcome, "--as-of 2028-03-01 is before the 2028/29 year starts on 2028-04-01")
    assert outcome.stdout == ""


def test_annual_as_of_inside_a_finished_year_does_not_call_it_running(cli):
    with freeze_time(TODAY):
        _log(cli, "2028-05-05")
        _log(cli, "2029-02-01")  # after --as-of, and still counted: the figures are the whole year's
        report = cli.ok("report", "annual", "--year", "2028", "--as-of", "2028-12-01", "--json").json()
        text = cli.ok("report", "annual", "--year", "2028", "--as-of", "2028-12-01").stdout
    assert report["complete"] is True
    assert report["stage1"]["received"] == 2
    assert "still running" not in text


def test_annual_json_with_another_format_is_a_usage_error(cli):
    with freeze_time(TODAY):
        conflict = cli("report", "annual", "--year", "2028", "--json", "--format", "html")
        agreed = cli("report", "annual", "--year", "2028", "--json", "--format", "json")
    assert conflict.exit_code == 2 and conflict.stdout == ""
    assert conflict.stderr.count("Error: ") == 1 and "--format asks for html" in conflict.stderr
    assert agreed.exit_code == 0 and agreed.json()["year"] == "2028/29"


# -- a compliment has no clock: no action can be promised on it, so overdue never lists it -----


def test_action_on_a_compliment_is_refused(cli):
    with freeze_time(TODAY):
        ref = cli.ok("log", "--type", "compliment", "--name", "N", "--summary", "Thanks", "--received", "2028-09-01").stdout.strip()
        before = cli.show(ref)
        outcome = cli("action", "add", ref, "--what", "Pass on thanks", "--due", "2028-10-01", "--on", "2028-09-02")
        overdue = cli.ok("overdue", "--as-of", "2028-10-10", "--json").json()
        after = cli.show(ref)
    _refused(outcome, ref, "compliment", "no clock")
    assert after == before
    assert [item for item in overdue if item["reference"] == ref] == []
