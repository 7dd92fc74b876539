"""The seed councils' rules around the dates (SPEC §12), through the command line on SQLite:
stage 2 reasons, which Ombudsman a service goes to, the letter's format from the preferred
contact, the policy's own exclusion sentences, and anonymous complaints handled informally.
Each refusal is one `Error:` line with exit 1, and the database is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Cli
from freezegun import freeze_time
from test_refusals import assert_refused, database_dump

TODAY = "2027-06-30 12:00:00"
COMPLAINT = ("--name", "Ann Other", "--summary", "Nobody came.", "--received", "2027-05-04")


def _policy(tmp_path: Path, text: str, name: str = "policy.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _runner(db_location: str, config: str) -> Cli:
    cli = Cli(db_location, config=config)
    cli.ok("init")
    return cli


def _decided(cli: Cli, *log_args: str) -> str:
    """A complaint with a stage 1 decision of Fri 14 May 2027, ready for stage 2."""
    ref = cli.ok("log", *COMPLAINT, *log_args).stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-05-05")
    cli.ok("close", ref, "--outcome", "not-upheld", "--reasons", "Done in time.", "--on", "2027-05-14")
    return ref


REQUIRED = '[stage2]\nreasons = "required-lgsco"\n[ombudsman]\nhousing_services = ["Housing Repairs"]\n'


# -- stage 2 reasons -------------------------------------------------------------------------------


@freeze_time(TODAY)
def test_reasons_are_recorded_and_shown_in_show_and_the_stage_2_acknowledgement(cli):
    ref = _decided(cli)
    escalated = cli.ok("escalate", ref, "--handler", "Pat Jones", "--on", "2027-05-20",
                       "--reasons", "The <b>fence</b> is still down.", "--json").json()
    assert escalated["events"][-1]["kind"] == "escalated"
    assert escalated["events"][-1]["details"]["reasons"] == "The <b>fence</b> is still down."
    shown = cli.ok("show", ref).stdout
    assert "still unhappy about: The <b>fence</b> is still down." in " ".join(shown.split())
    text = cli.ok("letter", ref, "acknowledgement", "--stage", "2", "--format", "text").stdout
    assert "What you remain unhappy about\n\nThe <b>fence</b> is still down." in text
    assert "You did not have to tell us" not in text
    html = cli.ok("letter", ref, "acknowledgement", "--stage", "2", "--format", "html").stdout
    assert "The &lt;b&gt;fence&lt;/b&gt; is still down." in html


@freeze_time(TODAY)
def test_required_lgsco_refuses_an_lgsco_request_without_reasons_and_changes_nothing(db_location, tmp_path):
    cli = _runner(db_location, _policy(tmp_path, REQUIRED))
    ref = _decided(cli)
    before = database_dump(db_location)
    outcome = cli("escalate", ref, "--handler", "Pat Jones", "--on", "2027-05-20")
    assert_refused(outcome, 1, "give it with --reasons TEXT")
    assert ref in outcome.stderr and "Ann" not in outcome.stderr
    blank = cli("escalate", ref, "--handler", "Pat Jones", "--on", "2027-05-20", "--reasons", "   ")
    assert_refused(blank, 1, "--reasons")
    assert database_dump(db_location) == before
    assert cli.ok("escalate", ref, "--handler", "Pat Jones", "--on", "2027-05-20", "--reasons", "Still broken.",
                  "--json").json()["stage"] == 2


@freeze_time(TODAY)
def test_required_lgsco_never_asks_a_housing_ombudsman_case(db_location, tmp_path):
    cli = _runner(db_location, _policy(tmp_path, REQUIRED))
    by_hand = _decided(cli, "--housing")
    by_service = _decided(cli, "--service", "housing repairs")
    for ref in (by_hand, by_service):
        assert cli.ok("escalate", ref, "--handler", "Pat Jones", "--on", "2027-05-20", "--json").json()["stage"] == 2
    # A housing association: every case goes to the Housing Ombudsman, so none is asked.
    association = Cli(str(tmp_path / "association.db"),
                      config=_policy(tmp_path, REQUIRED + '[organisation]\ndefault_ombudsman = "housing"\n', "association.toml"))
    association.ok("init")
    ref = _decided(association)
    assert association.ok("escalate", ref, "--handler", "Pat Jones", "--on", "2027-05-20", "--json").json()["stage"] == 2


# -- which Ombudsman ---------------------------------------------------------------------------------


@freeze_time(TODAY)
def test_housing_services_route_at_log_and_the_flags_override(db_location, tmp_path):
    cli = _runner(db_location, _policy(tmp_path, REQUIRED))

    def logged(*args: str) -> dict:
        return cli.ok("log", *COMPLAINT, *args, "--json").json()

    assert (logged("--service", "HOUSING  repairs")["ombudsman"], logged("--service", "Homelessness")["ombudsman"]) == (
        "housing", "lgsco")
    assert logged("--service", "Housing Repairs", "--no-housing")["ombudsman"] == "lgsco"
    assert logged("--service", "Homelessness", "--housing")["ombudsman"] == "housing"
    assert logged()["ombudsman"] == "lgsco"
    # Not a landlord service by a prefix or a part of its name.
    assert logged("--service", "Housing")["ombudsman"] == "lgsco"


@freeze_time(TODAY)
def test_amend_routes_a_corrected_service_but_keeps_a_choice_made_by_hand(db_location, tmp_path):
    cli = _runner(db_location, _policy(tmp_path, REQUIRED))
    routed = cli.ok("log", *COMPLAINT, "--service", "Homelessness").stdout.strip()
    amended = cli.ok("amend", routed, "--reason", "Mistyped service", "--service", "Housing Repairs", "--json").json()
    assert (amended["ombudsman"], amended["housing"]) == ("housing", True)
    assert amended["events"][-1]["details"]["changes"]["housing"] == {"before": False, "after": True}
    # Chosen by hand against the list: a corrected service does not move it.
    chosen = cli.ok("log", *COMPLAINT, "--service", "Housing Repairs", "--no-housing").stdout.strip()
    kept = cli.ok("amend", chosen, "--reason", "Fuller name", "--service", "Housing Repairs and Voids", "--json").json()
    assert kept["ombudsman"] == "lgsco" and "housing" not in kept["events"][-1]["details"]["changes"]
    # And --housing / --no-housing still say it outright.
    assert cli.ok("amend", chosen, "--reason", "A tenant after all", "--housing", "--json").json()["ombudsman"] == "housing"


# -- the letter's format -------------------------------------------------------------------------------


@freeze_time(TODAY)
def test_the_out_suffix_and_format_win_over_the_preferred_contact(cli, tmp_path):
    ref = cli.ok("log", *COMPLAINT, "--email", "ann@example.org", "--address", "1 High Street",
                 "--preferred-contact", "letter").stdout.strip()
    cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-05-05")
    assert cli.ok("letter", ref).stdout.startswith("<!DOCTYPE html>")
    cli.ok("letter", ref, "--out", str(tmp_path / "reply.eml"))
    assert (tmp_path / "reply.eml").read_bytes().startswith(b"To: ") or b"\nTo: " in (tmp_path / "reply.eml").read_bytes()
    cli.ok("letter", ref, "--out", str(tmp_path / "reply.txt"))
    assert not (tmp_path / "reply.txt").read_text().startswith("<")
    # A suffix that names no format leaves the choice to the preferred contact.
    cli.ok("letter", ref, "--out", str(tmp_path / "reply"))
    assert (tmp_path / "reply").read_text().startswith("<!DOCTYPE html>")
    cli.ok("letter", ref, "--format", "text", "--out", str(tmp_path / "plain"))
    assert not (tmp_path / "plain").read_text().startswith("<")
    # No preference recorded: text, as before.
    plain = cli.ok("log", *COMPLAINT).stdout.strip()
    cli.ok("acknowledge", plain, "--handler", "Sam Smith", "--on", "2027-05-05")
    assert not cli.ok("letter", plain).stdout.startswith("<")


# -- exclusion sentences -----------------------------------------------------------------------------


@freeze_time(TODAY)
def test_a_policy_sentence_replaces_the_built_in_one_in_the_refusal_letter(db_location, tmp_path):
    config = _policy(tmp_path, '[letters.exclusions]\ncriminal = "We have passed this to Exampleshire Police."\n')
    cli = _runner(db_location, config)
    ref = cli.ok("log", *COMPLAINT).stdout.strip()
    cli.ok("close", ref, "--outcome", "refused", "--exclusion", "criminal", "--reasons", "A theft.", "--on", "2027-05-05")
    letter = cli.ok("letter", ref).stdout
    assert "We have passed this to Exampleshire Police." in letter
    assert "which we refer to the police" not in letter


# -- anonymous complaints ----------------------------------------------------------------------------


@freeze_time(TODAY)
def test_informal_anonymous_complaints_leave_every_complaint_figure(db_location, tmp_path):
    cli = _runner(db_location, _policy(tmp_path, '[intake]\nanonymous = "informal"\n'))
    named = cli.ok("log", *COMPLAINT, "--service", "Waste", "--category", "Bins").stdout.strip()
    answered = cli.ok("log", "--anonymous", "--summary", "Bins.", "--service", "Waste", "--category", "Bins",
                      "--received", "2027-05-04").stdout.strip()
    refused = cli.ok("log", "--anonymous", "--summary", "A pothole.", "--received", "2027-05-06").stdout.strip()
    withdrawn = cli.ok("log", "--anonymous", "--summary", "Noise.", "--received", "2027-05-07").stdout.strip()
    for ref in (named, answered):
        cli.ok("acknowledge", ref, "--handler", "Sam Smith", "--on", "2027-05-10")
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Missed.", "--apology", "--compensation", "20",
               "--on", "2027-05-14")
    cli.ok("close", refused, "--outcome", "refused", "--exclusion", "service-request", "--reasons", "First report.",
           "--on", "2027-05-07")
    cli.ok("close", withdrawn, "--outcome", "withdrawn", "--on", "2027-05-10")
    cli.ok("escalate", answered, "--handler", "Pat Jones", "--on", "2027-05-20")
    # Answered like any complaint: the anonymous stage 2 has its clock.
    assert cli.show(answered)["acknowledge_by"] == "2027-05-27"

    report = cli.ok("report", "annual", "--year", "2027", "--json").json()
    assert report["anonymous_informal"] == 3
    assert {key: report["stage1"][key] for key in ("received", "withdrawn", "responded", "responded_in_time")} == {
        "received": 1, "withdrawn": 0, "responded": 1, "responded_in_time": 1}
    assert report["stage2"]["received"] == 0
    assert report["not_accepted"] == {} and report["not_accepted_total"] == 0
    assert (report["outcomes"]["upheld"], report["outcomes"]["withdrawn"]) == (1, 0)
    assert report["remedies"] == {"apologies": 1, "compensation_cases": 1, "compensation_total": 20.0}
    assert report["by_service"] == {"Waste": 1} and report["by_category"] == {"Bins": 1}
    for fmt in ("text", "markdown", "html"):
        assert "Anonymous complaints handled informally: 3" in cli.ok("report", "annual", "--year", "2027", "--format", fmt).stdout

    # Under the built-in policy (formal), the same cases are all in the figures, and the key is null.
    built_in = _policy(tmp_path, "", "formal.toml")
    formal = cli.ok("report", "annual", "--year", "2027", "--json", config=built_in).json()
    assert formal["anonymous_informal"] is None
    assert (formal["stage1"]["received"], formal["stage2"]["received"], formal["not_accepted_total"]) == (3, 1, 1)
    assert "handled informally" not in cli.ok("report", "annual", "--year", "2027", config=built_in).stdout


# -- the policy keys, refused ------------------------------------------------------------------------


@freeze_time(TODAY)
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[stage2]\nreasons = "always"\n', ("stage2.reasons", '"optional", "required-lgsco"')),
        ('[stage1]\nreasons = "optional"\n', ("'stage1.reasons'",)),
        ('[intake]\nanonymous = "ignored"\n', ("intake.anonymous", '"formal", "informal"')),
        ('[ombudsman]\nhousing_services = "Repairs"\n', ("ombudsman.housing_services", "list of service names")),
        ('[ombudsman]\nhousing_services = ["Repairs", 3]\n', ("ombudsman.housing_services",)),
        ('[letters.exclusions]\ntheft = "No."\n', ("'letters.exclusions.theft'", "criminal", "legal-proceedings")),
        ('[letters.exclusions]\ncriminal = ""\n', ("letters.exclusions.criminal", "sentence")),
        ('[letters]\nexclusions = "none"\n', ("'letters.exclusions'",)),
    ],
)
def test_a_bad_value_of_a_new_key_is_refused_in_one_line_naming_it(cli, tmp_path, text, words):
    cli.ok("log", *COMPLAINT)
    before = database_dump(cli.db)
    config = _policy(tmp_path, text, "bad.toml")
    outcome = cli("log", *COMPLAINT, config=config)
    assert_refused(outcome, 1, "bad.toml")
    for word in words:
        assert word in outcome.stderr
    assert database_dump(cli.db) == before
