import pytest
from freezegun import freeze_time

pytestmark = pytest.mark.both_databases


@freeze_time("2026-11-24 10:00:00")
def test_log_and_show_a_complaint(cli):
    logged = cli.ok("log", "--name", "A Resident", "--summary", "Bins missed", "--received", "2026-11-20", "--json").json()
    assert logged["reference"] == "CMP-2026-00001"
    assert logged["acknowledge_by"] == "2026-11-27"
    shown = cli.show("CMP-2026-00001")
    assert shown["status"] == "open"
    assert [event["kind"] for event in shown["events"]] == ["logged"]


@freeze_time("2026-11-24 10:00:00")
def test_log_says_which_ombudsman_the_complaint_goes_to(cli):
    housing = cli.ok("log", "--name", "A Tenant", "--summary", "Damp", "--housing")
    assert housing.stdout.strip() == "CMP-2026-00001"
    assert housing.stderr.strip().endswith("; Housing Ombudsman")
    council = cli.ok("log", "--name", "B Resident", "--summary", "Potholes", "--service", "Roads", "--no-housing")
    assert council.stderr.strip().endswith("; LGSCO")
    compliment = cli.ok("log", "--name", "C Resident", "--summary", "Thanks", "--type", "compliment")
    assert "Ombudsman" not in compliment.stderr and "LGSCO" not in compliment.stderr


@freeze_time("2026-11-24 10:00:00")
def test_list_says_a_closed_case_outcome_in_words(cli):
    reference = cli.ok("log", "--name", "A Resident", "--summary", "Bins", "--received", "2026-11-20").stdout.strip()
    cli.ok("acknowledge", reference, "--handler", "Jo")
    cli.ok("close", reference, "--outcome", "not-upheld", "--reasons", "Collected on time")
    listed = cli.ok("list").stdout
    assert "closed: not upheld" in listed and "not-upheld" not in listed
