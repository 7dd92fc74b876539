"""A step's letter: written once and printed again the same, in the format its file names, never
recorded without it; late steps apologise; a representative is written to at their own address;
the letter after an action is done says what was done.

All through the command line on real SQLite files with the built-in templates.
"""

from __future__ import annotations

import email
import email.policy
import sqlite3

import pytest
from freezegun import freeze_time

TODAY = "2027-03-31 12:00:00"


def _log(cli, *args: str) -> str:
    with freeze_time(TODAY):
        return cli.ok("log", *args).stdout.strip()


def _step(cli, *args: str, **kwargs):
    with freeze_time(TODAY):
        return cli(*args, **kwargs)


def _ok(cli, *args: str, **kwargs):
    outcome = _step(cli, *args, **kwargs)
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
    assert "Traceback" not in outcome.stderr
    for fragment in fragments:
        assert fragment in outcome.stderr, outcome.stderr


@pytest.fixture
def acknowledged(cli) -> str:
    ref = _log(cli, "--name", "Ann Bee", "--email", "ann.bee@example.net", "--summary", "Bins missed",
               "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--handler", "Priya Shah", "--on", "2027-03-02")
    return ref


# -- the format follows the file -------------------------------------------------------------------


def test_out_suffix_picks_the_format(cli, acknowledged, tmp_path):
    for name in ("a.txt", "a.html", "a.eml", "a.letter"):
        cli.ok("letter", acknowledged, "--out", str(tmp_path / name))
    assert (tmp_path / "a.txt").read_text().startswith("Example District Council")
    assert (tmp_path / "a.html").read_text().startswith("<!DOCTYPE html>")
    message = email.message_from_bytes((tmp_path / "a.eml").read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "ann.bee@example.net"
    assert message.get_content_type() == "multipart/alternative"
    # A suffix that names no format gives text, as before.
    assert (tmp_path / "a.letter").read_text() == (tmp_path / "a.txt").read_text()
    # --format agrees with the suffix, or chooses for a suffix that names none.
    cli.ok("letter", acknowledged, "--format", "html", "--out", str(tmp_path / "b.html"))
    cli.ok("letter", acknowledged, "--format", "html", "--out", str(tmp_path / "b.letter"))
    assert (tmp_path / "b.letter").read_text().startswith("<!DOCTYPE html>")


def test_on_a_terminal_a_letter_is_text_whatever_the_preferred_contact(cli, tmp_path):
    """The preferred contact chooses what goes into a pipe or a file (what will be sent); an
    officer reading the letter on a terminal gets text, not HTML source or a MIME draft."""
    from test_safe_output import _on_a_terminal

    ref = _log(cli, "--name", "Ann Bee", "--address", "1 High Street, Exampleton", "--preferred-contact", "letter",
               "--summary", "Bins missed", "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--handler", "Priya Shah", "--on", "2027-03-02")
    piped = _ok(cli, "letter", ref).stdout
    assert piped.startswith("<!DOCTYPE html>")
    code, printed = _on_a_terminal(cli.db, "letter", ref)
    assert code == 0, printed
    assert "Ann Bee" in printed and "<!DOCTYPE" not in printed and "<p>" not in printed, printed
    code, printed = _on_a_terminal(cli.db, "letter", ref, "--format", "html")
    assert code == 0 and "<!DOCTYPE html>" in printed, printed


@pytest.mark.parametrize("fmt, name", [("text", "x.eml"), ("html", "x.txt"), ("eml", "x.html"), ("text", "x.HTML")])
def test_a_suffix_contradicting_format_is_a_usage_error(cli, acknowledged, tmp_path, fmt, name):
    before = _dump(cli.db)
    outcome = cli("letter", acknowledged, "--format", fmt, "--out", str(tmp_path / name))
    _one_line_error(outcome, 2, "--format", "contradicts", "suffix")
    assert not (tmp_path / name).exists()
    assert _dump(cli.db) == before


def test_eml_is_an_unsent_draft(cli, acknowledged, tmp_path):
    cli.ok("letter", acknowledged, "--out", str(tmp_path / "draft.eml"))
    printed = cli.ok("letter", acknowledged, "--format", "eml").stdout
    for raw in ((tmp_path / "draft.eml").read_bytes(), printed.encode()):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert message["X-Unsent"] == "1"
        assert message["From"].addresses[0].addr_spec == "complaints@example.gov.uk"
    # The letter a step writes with it is a draft too.
    _ok(cli, "update", acknowledged, "--progress", "A crew is booked.", "--on", "2027-03-05",
        "--letter", str(tmp_path / "update.eml"))
    message = email.message_from_bytes((tmp_path / "update.eml").read_bytes(), policy=email.policy.default)
    assert message["X-Unsent"] == "1" and "A crew is booked." in message.get_body(("plain",)).get_content()


# -- a step is not recorded without the letter it was asked to write -------------------------------


def test_eml_letter_for_a_case_without_email_refuses_the_step(cli, tmp_path):
    ref = _log(cli, "--name", "Dora Post", "--address", "1 High Street", "--summary", "Fence", "--received", "2027-03-01")
    before = _dump(cli.db)
    outcome = _step(cli, "acknowledge", ref, "--on", "2027-03-02", "--letter", str(tmp_path / "ack.eml"))
    _one_line_error(outcome, 1, ref, "nothing was recorded", "no email address")
    assert "Dora" not in outcome.stderr
    assert _dump(cli.db) == before
    assert not (tmp_path / "ack.eml").exists()
    cli.ok("verify")
    # The same step with a letter it can write is recorded, and the letter written.
    _ok(cli, "acknowledge", ref, "--on", "2027-03-02", "--letter", str(tmp_path / "ack.txt"))
    assert "Dear Dora Post" in (tmp_path / "ack.txt").read_text()
    assert cli.show(ref)["status"] == "acknowledged"


def test_a_template_error_refuses_the_step(cli, tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "extension.txt").write_text("{{ extension.reason }} {{ extension.colour }}\n")
    policy = tmp_path / "policy.toml"
    policy.write_text(f'[letters]\ntemplates = "{folder}"\n')
    cli.config = str(policy)
    ref = _log(cli, "--name", "Eve Ray", "--summary", "Noise", "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--on", "2027-03-02")
    before = _dump(cli.db)
    outcome = _step(cli, "extend", ref, "--days", "5", "--reason", "Survey", "--on", "2027-03-03",
                    "--letter", str(tmp_path / "ext.txt"))
    _one_line_error(outcome, 1, "nothing was recorded", "extension.txt", "colour")
    assert _dump(cli.db) == before
    assert not (tmp_path / "ext.txt").exists()
    assert cli.show(ref)["extension_days"] == 0


# -- printed again, a letter says what it said ------------------------------------------------------


def test_decision_and_closure_letters_printed_after_escalation_are_unchanged(cli, tmp_path):
    ref = _log(cli, "--name", "Ann Bee", "--email", "ann.bee@example.net", "--summary", "Bins missed",
               "--received", "2027-01-04")
    _ok(cli, "acknowledge", ref, "--handler", "Priya Shah", "--on", "2027-01-05")
    _ok(cli, "close", ref, "--outcome", "upheld", "--reasons", "We missed them.", "--on", "2027-01-11",
        "--action", "Collect the bins", "--action-due", "2027-01-20",
        "--action", "Replace the bin", "--action-due", "2027-02-15", "--letter", str(tmp_path / "decision.txt"))
    _ok(cli, "action", "done", ref, "1", "--on", "2027-01-18")
    closure_then = cli.ok("letter", ref).stdout
    assert "Replace the bin: by 15 February 2027" in closure_then
    assert "you can still ask us to review it at stage 2" in closure_then

    _ok(cli, "escalate", ref, "--handler", "Sam Lee", "--on", "2027-01-25")
    _ok(cli, "action", "done", ref, "2", "--on", "2027-02-01")
    _ok(cli, "acknowledge", ref, "--on", "2027-02-02")
    decision_now = cli.ok("letter", ref, "decision", "--stage", "1").stdout
    closure_now = cli.ok("letter", ref, "closure", "--stage", "1").stdout
    assert decision_now == (tmp_path / "decision.txt").read_text()
    assert closure_now == closure_then
    assert "Date of this letter: 18 January 2027" in closure_now


def test_a_letter_printed_again_keeps_the_policy_of_its_step(cli, tmp_path):
    ref = _log(cli, "--name", "Ann Bee", "--summary", "Bins", "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--on", "2027-03-02", "--letter", str(tmp_path / "ack.txt"))
    renamed = tmp_path / "renamed.toml"
    renamed.write_text('[organisation]\nname = "Riverside Borough Council"\n')
    with freeze_time("2027-03-31 13:00:00"):  # the new version is in force from an hour after the step
        cli.ok("update", ref, "--progress", "Booked.", "--on", "2027-03-03", config=str(renamed))
    assert cli.ok("letter", ref, "acknowledgement").stdout == (tmp_path / "ack.txt").read_text()
    assert "Riverside Borough Council" in cli.ok("letter", ref).stdout


# -- late steps say sorry ---------------------------------------------------------------------------


def test_a_late_acknowledgement_apologises(cli):
    # Received Mon 1 March 2027: acknowledge by Mon 8 March.
    ref = _log(cli, "--name", "Ann Bee", "--summary", "Bins", "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--on", "2027-03-09")
    letter = cli.ok("letter", ref).stdout
    assert "We are sorry that we did not acknowledge your complaint sooner: we should have done so by 8 March 2027." in letter
    html = cli.ok("letter", ref, "--format", "html").stdout
    assert "we should have done so by 8 March 2027" in html
    on_time = _log(cli, "--name", "Bob Cee", "--summary", "Bins", "--received", "2027-03-01")
    _ok(cli, "acknowledge", on_time, "--on", "2027-03-08")
    assert "We are sorry" not in cli.ok("letter", on_time).stdout


def test_a_late_extension_apologises(cli):
    # Acknowledged Tue 2 March 2027: respond by Tue 16 March.
    ref = _log(cli, "--name", "Ann Bee", "--summary", "Bins", "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--on", "2027-03-02")
    _ok(cli, "extend", ref, "--days", "5", "--reason", "Survey", "--on", "2027-03-10")
    in_time = cli.ok("letter", ref).stdout
    assert "did not respond" not in in_time and "We are sorry, but we need more time" in in_time
    _ok(cli, "extend", ref, "--days", "5", "--reason", "Contractor away", "--late-reason", "Missed it",
        "--on", "2027-03-25")
    late = cli.ok("letter", ref).stdout
    assert "We are sorry that we did not respond to your complaint by 23 March 2027, as we said we would" in late
    assert "Missed it" not in late  # the late reason itself stays internal
    assert "did not respond" in cli.ok("letter", ref, "--format", "html").stdout


# -- a representative's own contact details --------------------------------------------------------


def test_letters_go_to_the_representative(cli, tmp_path):
    ref = _log(cli, "--name", "Cara Jones", "--email", "cara@example.net", "--address", "1 Mill Lane",
               "--representative", "Dev Patel", "--representative-email", "dev@advice.example.org",
               "--representative-address", "Advice Centre, 2 Bridge St", "--summary", "Tax", "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--on", "2027-03-02", "--letter", str(tmp_path / "ack.eml"))
    message = email.message_from_bytes((tmp_path / "ack.eml").read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "dev@advice.example.org"
    assert message["To"].addresses[0].display_name == "Dev Patel"
    text = cli.ok("letter", ref).stdout
    assert "Dev Patel\nAdvice Centre, 2 Bridge St\n" in text and "1 Mill Lane" not in text
    assert "Dear Dev Patel" in text and "Complaint made on behalf of Cara Jones." in text
    shown = cli.show(ref)
    assert shown["representative_email"] == "dev@advice.example.org"
    assert shown["representative_address"] == "Advice Centre, 2 Bridge St"
    assert shown["email"] == "cara@example.net"
    table = cli.ok("show", ref).stdout
    assert "dev@advice.example.org" in table and "Advice Centre, 2 Bridge St" in table


def test_without_their_own_details_a_representative_is_written_to_at_the_complaints(cli):
    ref = _log(cli, "--name", "Cara Jones", "--email", "cara@example.net", "--representative", "Dev Patel",
               "--summary", "Tax", "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--on", "2027-03-02")
    message = email.message_from_string(cli.ok("letter", ref, "--format", "eml").stdout, policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "cara@example.net"
    assert cli.show(ref)["representative_email"] is None


def test_representative_details_need_a_representative(cli):
    before = _dump(cli.db)
    for option, value in (("--representative-email", "dev@advice.example.org"), ("--representative-address", "2 Bridge St")):
        outcome = _step(cli, "log", "--name", "Cara Jones", "--summary", "Tax", option, value)
        _one_line_error(outcome, 1, option, "--representative NAME")
    assert _dump(cli.db) == before
    bad = _step(cli, "log", "--name", "Cara Jones", "--summary", "Tax", "--representative", "Dev",
                "--representative-email", "not an address")
    assert bad.exit_code == 2 and "--representative-email" in bad.stderr


# -- the letter after an action is done ---------------------------------------------------------------


def test_the_letter_after_action_done_says_what_was_done(cli, tmp_path):
    ref = _log(cli, "--name", "Ann Bee", "--summary", "Bins", "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--on", "2027-03-02")
    _ok(cli, "close", ref, "--outcome", "partly-upheld", "--reasons", "Partly.", "--on", "2027-03-10",
        "--action", "Collect the bins", "--action-due", "2027-03-17",
        "--action", "Replace the bin", "--action-due", "2027-03-26")
    assert "What we have done" not in cli.ok("letter", ref, "closure").stdout
    _ok(cli, "action", "done", ref, "1", "--on", "2027-03-16")
    letter = cli.ok("letter", ref).stdout
    assert "Date of this letter: 16 March 2027" in letter
    assert "What we have done\n\n- Collect the bins: done on 16 March 2027\n" in letter
    assert "What we still need to do" in letter and "- Replace the bin: by 26 March 2027" in letter
    assert "Collect the bins: by" not in letter
    html = cli.ok("letter", ref, "--format", "html").stdout
    assert "<li>Collect the bins: done on" in html


def test_a_letter_printed_again_has_the_corrections_made_since(cli):
    ref = _log(cli, "--name", "Ann Bee", "--email", "ann.be@example.net", "--summary", "Bins", "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--on", "2027-03-02")
    _ok(cli, "update", ref, "--progress", "Booked.", "--on", "2027-03-03")
    _ok(cli, "amend", ref, "--email", "ann.bee@example.net", "--reason", "Mistyped at logging")
    message = email.message_from_string(
        cli.ok("letter", ref, "acknowledgement", "--format", "eml").stdout, policy=email.policy.default
    )
    assert message["To"].addresses[0].addr_spec == "ann.bee@example.net"
    # A closure letter of an action done that was then voided is the close's again.
    _ok(cli, "close", ref, "--outcome", "upheld", "--reasons", "Missed.", "--on", "2027-03-10",
        "--action", "Collect the bins", "--action-due", "2027-03-17")
    _ok(cli, "action", "done", ref, "1", "--on", "2027-03-16")
    assert "What we have done" in cli.ok("letter", ref, "closure").stdout
    _ok(cli, "void", ref, "--reason", "Not done after all", "--on", "2027-03-16")
    letter = cli.ok("letter", ref, "closure").stdout
    assert "What we have done" not in letter and "Date of this letter: 10 March 2027" in letter
    assert "- Collect the bins: by 17 March 2027" in letter


def test_a_representatives_details_can_be_corrected(cli):
    ref = _log(cli, "--name", "Cara Jones", "--email", "cara@example.net", "--representative", "Dev Patel",
               "--representative-email", "dev@advice.example", "--summary", "Tax", "--received", "2027-03-01")
    _ok(cli, "acknowledge", ref, "--on", "2027-03-02")
    _ok(cli, "amend", ref, "--representative-email", "dev@advice.example.org",
        "--representative-address", "Advice Centre, 2 Bridge St", "--reason", "Mistyped")
    message = email.message_from_string(cli.ok("letter", ref, "--format", "eml").stdout, policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "dev@advice.example.org"
    assert "Advice Centre, 2 Bridge St" in message.get_body(("plain",)).get_content()
    bad = _step(cli, "amend", ref, "--representative-email", "not an address", "--reason", "Typo")
    assert bad.exit_code == 2 and "--representative-email" in bad.stderr
