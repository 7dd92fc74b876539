"""Managed contact (SPEC §11 `restrict`, §12): a restriction on one person's contact, recorded,
listed and ended through the CLI on SQLite and PostgreSQL; `log`, `show`, `overdue` and the
`restriction` letter that follow from it; and every refusal one line, changing nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from conftest import Cli

pytestmark = pytest.mark.both_databases

TODAY = date.today()
DECIDED = TODAY - timedelta(days=60)
REVIEW = TODAY - timedelta(days=10)
LATER_REVIEW = TODAY + timedelta(days=90)


def restrict(cli: Cli, *extra: str, review: date = LATER_REVIEW, on: date = DECIDED):
    return cli(
        "restrict", "--name", "Jo Bloggs", "--email", "jo@example.org", "--phone", "01530 454545",
        "--reason", "Repeated abusive calls to the team about a closed complaint",
        "--arrangements", "One named contact (the complaints manager), by email only",
        "--decided-by", "Service Manager", "--decided-by", "Head of Service",
        "--review", review.isoformat(), "--on", on.isoformat(), *extra,
    )


def listed(cli: Cli) -> list[dict]:
    return cli.ok("restrict", "list", "--json").json()


def one_line_refusal(outcome, code: int = 1) -> str:
    assert outcome.exit_code == code, outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr and outcome.stdout == ""
    return lines[0]


def test_a_restriction_is_recorded_with_its_decision_and_listed(cli):
    made = restrict(cli, "--json")
    assert made.exit_code == 0, made.stderr
    restriction = made.json()
    assert restriction["id"] == 1
    assert restriction["decided_by"] == ["Service Manager", "Head of Service"]
    assert restriction["decided_on"] == DECIDED.isoformat()
    assert restriction["review_on"] == LATER_REVIEW.isoformat()
    assert restriction["recorded_by"] == "officer.one" and restriction["active"] is True
    assert listed(cli) == [restriction]


def test_deciders_are_named_as_the_roster_names_them(cli):
    cli.ok("officer", "add", "Sam Jones", "--login", "officer.one")
    cli.ok("officer", "add", "Priya Shah", "--login", "priya", "--role", "manager")
    outcome = cli(
        "restrict", "--email", "jo@example.org", "--reason", "r", "--arrangements", "email only",
        "--decided-by", "priya", "--review", LATER_REVIEW.isoformat(), "--json",
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.json()["decided_by"] == ["Priya Shah"]
    assert outcome.json()["recorded_by"] == "Sam Jones"
    refused = cli(
        "restrict", "--email", "jo@example.org", "--reason", "r", "--arrangements", "email only",
        "--decided-by", "Nobody Known", "--review", LATER_REVIEW.isoformat(),
    )
    assert "--decided-by" in one_line_refusal(refused)
    assert len(listed(cli)) == 1


@pytest.mark.parametrize(
    "details",
    [("--name", "  jo   BLOGGS "), ("--email", "JO@Example.org"), ("--phone", "01530454545")],
    ids=["name", "email", "phone"],
)
def test_log_records_a_complaint_from_a_restricted_person_and_warns(cli, details):
    restrict(cli)
    other = {"--name": "Someone Else"} if details[0] != "--name" else {}
    extra = [item for pair in other.items() for item in pair]
    logged = cli("log", *details, *extra, "--summary", "Bins not collected", "--json")
    assert logged.exit_code == 0, logged.stderr
    reference = logged.json()["reference"]
    assert "restriction 1" in logged.stderr
    assert "One named contact (the complaints manager), by email only" in logged.stderr
    assert cli.show(reference)["restriction"]["id"] == 1


def test_log_of_someone_else_gives_no_warning_and_show_has_a_null_restriction(cli):
    restrict(cli)
    logged = cli("log", "--name", "Jo Bloggsworth", "--email", "other@example.org", "--summary", "Potholes", "--json")
    assert logged.exit_code == 0 and "restriction" not in logged.stderr
    assert cli.show(logged.json()["reference"])["restriction"] is None


def test_show_prints_the_restriction_on_stdout_with_the_case(cli):
    # `show REF > case.txt` keeps the managed-contact line: it is part of the case shown.
    restrict(cli)
    reference = cli.ok("log", "--name", "Jo Bloggs", "--summary", "Bins").stdout.strip()
    shown = cli("show", reference)
    assert shown.exit_code == 0, shown.stderr
    assert "Managed contact" in shown.stdout and "restriction 1, review by" in shown.stdout
    assert "restriction" not in shown.stderr


def test_ending_keeps_the_restriction_with_who_ended_it_and_why(cli):
    restrict(cli)
    reference = cli.ok("log", "--name", "J B", "--email", "jo@example.org", "--summary", "Noise").stdout.strip()
    ended = cli("restrict", "end", "1", "--reason", "Reviewed: behaviour has improved", "--json")
    assert ended.exit_code == 0, ended.stderr
    [kept] = listed(cli)
    assert kept["active"] is False and kept["ended_on"] == TODAY.isoformat()
    assert kept["ended_by"] == "officer.one" and kept["end_reason"] == "Reviewed: behaviour has improved"
    assert cli.show(reference)["restriction"] is None
    quiet = cli("log", "--name", "J B", "--email", "jo@example.org", "--summary", "Noise again")
    assert quiet.exit_code == 0 and "restriction" not in quiet.stderr


def reviews(cli: Cli, *args: str) -> list[dict]:
    return [item for item in cli.ok("overdue", "--json", *args).json() if item["what"] == "restriction-review"]


def test_a_passed_review_date_is_in_overdue(cli):
    restrict(cli, review=REVIEW)
    [item] = reviews(cli)
    assert item["reference"] == "restriction 1" and item["stage"] == 0
    assert item["due"] == REVIEW.isoformat() and item["overdue"] is True and item["working_days_overdue"] > 0
    assert item["description"] == "One named contact (the complaints manager), by email only"
    assert "Jo Bloggs" not in cli.ok("overdue").stdout
    check = cli("overdue", "--check")
    assert check.exit_code == 3


def test_overdue_as_of_a_past_date_never_shows_a_restriction_recorded_after_it(cli):
    restrict(cli, review=REVIEW)
    # Decided and due for review long before, but recorded today: not known then.
    assert reviews(cli, "--as-of", (TODAY - timedelta(days=3)).isoformat()) == []
    assert len(reviews(cli)) == 1


def test_an_ended_restriction_leaves_overdue(cli):
    restrict(cli, review=REVIEW)
    cli.ok("restrict", "end", "1", "--reason", "Reviewed and lifted")
    assert reviews(cli) == []
    assert reviews(cli, "--within", "200") == []


def test_a_review_not_yet_due_is_listed_as_due_soon_only_within_the_horizon(cli):
    restrict(cli, review=TODAY + timedelta(days=7))
    assert reviews(cli) == []
    [item] = reviews(cli, "--within", "20")
    assert item["overdue"] is False and item["working_days_overdue"] < 0


def test_the_restriction_letter_says_what_why_how_long_and_how_to_ask_for_a_review(cli, tmp_path):
    restrict(cli)
    reference = cli.ok("log", "--name", "Jo Bloggs", "--address", "1 High Street", "--summary", "Noise").stdout.strip()
    text = cli.ok("letter", reference, "restriction", "--format", "text").stdout
    assert "One named contact (the complaints manager), by email only" in text
    assert "Repeated abusive calls to the team about a closed complaint" in text
    assert f"until we review them, by {LATER_REVIEW.day} " in text
    assert "ask us to review it" in text and "quoting restriction 1" in text
    assert "Local Government and Social Care Ombudsman" in text and "0300 061 0614" in text
    assert "Service Manager, Head of Service" in text
    out = tmp_path / "restriction.html"
    cli.ok("letter", reference, "restriction", "--out", str(out))
    html = out.read_text()
    assert "How to ask for a review" in html and "by email only" in html
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_no_restriction_letter_for_a_complainant_not_restricted(cli):
    reference = cli.ok("log", "--name", "Someone Else", "--summary", "Noise").stdout.strip()
    line = one_line_refusal(cli("letter", reference, "restriction", "--format", "text"))
    assert "under no restriction" in line


# -- refusals: one line, exit code, nothing changed ---------------------------------------------------------


def test_a_review_date_not_after_the_decision_is_refused(cli):
    restrict(cli)
    before = listed(cli)
    line = one_line_refusal(restrict(cli, review=DECIDED - timedelta(days=1)))
    assert "--review" in line and "Jo" not in line
    one_line_refusal(restrict(cli, review=DECIDED))
    assert listed(cli) == before


def test_missing_reason_arrangements_deciders_or_person_are_refused(cli):
    base = ["--email", "jo@example.org", "--review", LATER_REVIEW.isoformat()]
    cases = [
        (["--arrangements", "email only", "--decided-by", "Manager"], "--reason"),
        (["--reason", "r", "--decided-by", "Manager"], "--arrangements"),
        (["--reason", "r", "--arrangements", "email only"], "--decided-by"),
    ]
    for extra, named in cases:
        assert named in one_line_refusal(cli("restrict", *base, *extra))
    nobody = cli("restrict", "--reason", "r", "--arrangements", "a", "--decided-by", "M", "--review", LATER_REVIEW.isoformat())
    assert "--name" in one_line_refusal(nobody)
    no_review = cli("restrict", "--email", "jo@example.org", "--reason", "r", "--arrangements", "a", "--decided-by", "M")
    assert "--review" in one_line_refusal(no_review, code=2)
    bad_date = cli("restrict", *base, "--reason", "r", "--arrangements", "a", "--decided-by", "M", "--review", "31/02/2027")
    one_line_refusal(bad_date, code=2)
    assert listed(cli) == []


def test_ending_an_unknown_restriction_twice_or_without_a_reason_is_refused(cli):
    restrict(cli)
    line = one_line_refusal(cli("restrict", "end", "7", "--reason", "x"))
    assert "no restriction with id 7" in line
    before = listed(cli)
    assert "--reason" in one_line_refusal(cli("restrict", "end", "1"))
    assert "--reason" in one_line_refusal(cli("restrict", "end", "1", "--reason", "   "))
    assert listed(cli) == before
    cli.ok("restrict", "end", "1", "--reason", "Reviewed and lifted")
    ended = listed(cli)
    assert "already ended" in one_line_refusal(cli("restrict", "end", "1", "--reason", "again"))
    assert listed(cli) == ended


def test_restrict_list_when_none_and_verify_still_passes(cli):
    assert listed(cli) == []
    assert "No restrictions" in cli.ok("restrict", "list").stderr
    restrict(cli)
    cli.ok("log", "--name", "J B", "--email", "jo@example.org", "--summary", "Noise")
    cli.ok("restrict", "end", "1", "--reason", "Lifted")
    cli.ok("verify")


def test_every_command_printing_the_case_carries_the_restriction(cli):
    restrict(cli)
    reference = cli.ok("log", "--name", "Jo Bloggs", "--summary", "Noise").stdout.strip()
    acknowledged = cli.ok("acknowledge", reference, "--json").json()
    assert acknowledged["restriction"]["id"] == 1
    assert acknowledged == cli.show(reference)
    noted = cli.ok("note", reference, "Called again", "--json").json()
    assert noted["restriction"]["arrangements"] == "One named contact (the complaints manager), by email only"


def test_a_decision_or_an_end_dated_in_the_future_is_refused(cli):
    tomorrow = TODAY + timedelta(days=1)
    assert "in the future" in one_line_refusal(restrict(cli, on=tomorrow, review=tomorrow + timedelta(days=30)))
    assert listed(cli) == []
    restrict(cli)
    before = listed(cli)
    assert "in the future" in one_line_refusal(cli("restrict", "end", "1", "--reason", "x", "--on", tomorrow.isoformat()))
    assert listed(cli) == before
