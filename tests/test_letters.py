"""Letters: every kind and stage against golden files, and the rules every letter keeps.

Regenerate the golden files after a deliberate change to the templates with:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_letters.py

then read the changed files in tests/golden/letters/ as the complainant would before committing.
"""

from __future__ import annotations

import email
import json
import email.policy
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from freezegun import freeze_time

from complaintctl.domain.dates import in_words

GOLDEN = Path(__file__).parent / "golden" / "letters"
TODAY = "2027-03-31 12:00:00"

POLICY = """
[organisation]
name = "Riverside Borough Council"
team = "Complaints and Feedback Team"
address = "Town Hall, Market Square, Riverside, RV1 1AA"
phone = "01632 960123"
email = "complaints@riverside.example.gov.uk"
website = "https://www.riverside.example.gov.uk/complaints"
signatory = "Complaints Manager"
default_ombudsman = "lgsco"
reference_prefix = "RBC"

[stage2]
escalation_window = "1 month"
"""

HOUSING = [
    "--name", "Ada O'Hara & Sons", "--email", "ada.ohara@example.net",
    "--address", "14 Mill Lane, Riverside, RV2 4BB", "--housing", "--service", "Housing Repairs",
    "--summary", "Damp and mould in the back bedroom were reported in October and nobody has come to inspect them.",
    "--outcomes-sought", "An inspection, the damp put right, and an apology.",
]


def _policy_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY + extra, encoding="utf-8")
    return path


@pytest.fixture
def letters_cli(cli, tmp_path):
    cli.config = str(_policy_file(tmp_path))
    return cli


def _log(cli, *args: str) -> str:
    return cli.ok("log", *args).stdout.strip()


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """Three complaints taken through every step a letter is written for (built once: the
    tests that use it only read)."""
    from conftest import Cli

    folder = tmp_path_factory.mktemp("story")
    with pytest.MonkeyPatch.context() as env, freeze_time(TODAY):
        env.setenv("COMPLAINTCTL_OFFICER", "officer.one")
        for name in ("COMPLAINTCTL_DB", "COMPLAINTCTL_CONFIG", "COMPLAINTCTL_DEBUG"):
            env.delenv(name, raising=False)
        cli = Cli(str(folder / "complaints.db"), str(_policy_file(folder)))
        cli.ok("init")
        ada = _log(cli, *HOUSING, "--received", "2027-01-04")
        cli.ok("note", ada, "INTERNAL: tenant has been difficult on the phone", "--on", "2027-01-05")
        cli.ok("acknowledge", ada, "--handler", "Priya Shah", "--on", "2027-01-06")
        cli.ok("extend", ada, "--days", "5", "--reason", "We are waiting for a damp survey from our contractor.", "--on", "2027-01-18")
        cli.ok("update", ada, "--progress", "Our surveyor inspected the bedroom on 19 January and found a leaking gutter.",
               "--next", "2027-01-25", "--on", "2027-01-20")
        cli.ok(
            "close", ada, "--outcome", "partly-upheld", "--on", "2027-01-27",
            "--reasons", "We should have inspected within 10 working days of your report, and we did not. "
            "The mould is caused by a leaking gutter, which we will repair.",
            "--steps", "We read the repairs records, spoke to the repairs supervisor and had the bedroom surveyed.",
            "--remedy", "We will repair the gutter and treat the mould.", "--apology", "--compensation", "250",
            "--action", "Repair the gutter and treat the mould", "--action-due", "2027-02-26",
            "--action", "Check the bedroom is dry", "--action-due", "2027-04-30",
            "--learning", "Damp reports are now inspected within 10 working days.",
        )
        cli.ok("escalate", ada, "--handler", "Sam Lee", "--on", "2027-02-03")
        cli.ok("acknowledge", ada, "--on", "2027-02-05", "--understanding",
               "You are unhappy that the compensation does not reflect four months of damp.")
        cli.ok("extend", ada, "--days", "5", "--reason", "We need to speak to the contractor, who is away until 8 March.", "--on", "2027-03-01")
        cli.ok("update", ada, "--progress", "We have the contractor's report and are reviewing it.", "--on", "2027-03-03")
        cli.ok("action", "done", ada, "1", "--on", "2027-03-05")
        cli.ok(
            "close", ada, "--outcome", "not-upheld", "--on", "2027-03-10",
            "--reasons", "The compensation offered at stage 1 is in line with our compensation policy for a delay of this length.",
            "--steps", "We reviewed the stage 1 investigation and the contractor's report.",
        )
        ben = _log(cli, "--name", "Ben Carter", "--email", "ben.carter@example.net", "--service", "Waste",
                   "--summary", "My green bin was not emptied on Tuesday.", "--received", "2027-02-01")
        cli.ok("close", ben, "--outcome", "refused", "--exclusion", "service-request", "--on", "2027-02-02",
               "--reasons", "This is the first time the bin was missed, so we have booked a return collection.")
        cara = _log(cli, "--name", "Cara Jones", "--representative", "Dev Patel", "--email", "dev.patel@example.org",
                    "--service", "Council Tax", "--summary", "A payment was taken twice in January.",
                    "--adjustments", "Large print, please", "--received", "2027-02-08")
        cli.ok("acknowledge", cara, "--handler", "Priya Shah", "--on", "2027-02-09")
        cli.ok("close", cara, "--outcome", "withdrawn", "--on", "2027-02-15")
    return {"cli": cli, "ada": ada, "ben": ben, "cara": cara}


# (golden file stem, case, kind, stage)
GOLDEN_LETTERS = [
    ("acknowledgement-stage1", "ada", "acknowledgement", 1),
    ("extension-stage1", "ada", "extension", 1),
    ("update-stage1", "ada", "update", 1),
    ("decision-stage1", "ada", "decision", 1),
    ("acknowledgement-stage2", "ada", "acknowledgement", 2),
    ("extension-stage2", "ada", "extension", 2),
    ("update-stage2", "ada", "update", 2),
    ("decision-stage2", "ada", "decision", 2),
    ("closure-stage2", "ada", "closure", 2),
    ("refusal-stage1", "ben", "refusal", 1),
    ("closure-stage1", "cara", "closure", 1),
]


def _letter(story, who: str, *args: str) -> str:
    return story["cli"].ok("letter", story[who], *args).stdout


def test_golden_letters(story):
    """Every kind and stage, text and HTML, byte for byte (UPDATE_GOLDEN=1 rewrites them)."""
    update = os.environ.get("UPDATE_GOLDEN") == "1"
    GOLDEN.mkdir(parents=True, exist_ok=True)
    rendered = {}
    for stem, who, kind, stage in GOLDEN_LETTERS:
        for fmt, suffix in (("text", "txt"), ("html", "html")):
            rendered[f"{stem}.{suffix}"] = _letter(story, who, kind, "--stage", str(stage), "--format", fmt)
    rendered["closure-stage1-large-print.html"] = rendered.pop("closure-stage1.html")
    mismatched = []
    for name, content in rendered.items():
        path = GOLDEN / name
        if update:
            path.write_text(content, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != content:
            mismatched.append(name)
    assert not mismatched, f"letters differ from tests/golden/letters: {mismatched}; if intended, rerun with UPDATE_GOLDEN=1"
    if not update:
        assert sorted(path.name for path in GOLDEN.iterdir()) == sorted(rendered), "stale golden files"


def _words(iso: str) -> str:
    return in_words(date.fromisoformat(iso))


def test_acknowledgement_carries_every_item(story):
    cli = story["cli"]
    with freeze_time(TODAY):
        shown = cli.show(story["ada"])
    first = shown["stages"][0]
    letter = _letter(story, "ada", "acknowledgement", "--stage", "1")
    assert story["ada"] in letter
    assert f"We received your complaint: {_words(first['received_on'])}" in letter
    assert "Damp and mould in the back bedroom" in letter  # our understanding
    assert "An inspection, the damp put right, and an apology." in letter  # outcomes sought
    assert "What happens next" in letter
    assert f"We will respond by: {_words(first['original_respond_by'])}" in letter
    assert "Priya Shah is dealing with your complaint" in letter and "01632 960123" in letter
    assert "at any stage" in letter and "Housing Ombudsman Service" in letter
    assert "Riverside Borough Council" in letter and "Town Hall, Market Square" in letter


def test_extension_decision_and_final_response_items(story):
    extension = _letter(story, "ada", "extension", "--stage", "1")
    assert "We are waiting for a damp survey" in extension
    assert "We will now respond by: 27 January 2027" in extension  # due 20 January, + 5 working days
    assert "0300 111 3000" in extension and "info@housing-ombudsman.org.uk" in extension

    decision = _letter(story, "ada", "decision", "--stage", "1")
    assert "stage 1 of our complaints procedure" in decision
    assert "We read the repairs records" in decision
    assert "your complaint is partly upheld" in decision
    assert "We should have inspected within 10 working days" in decision
    assert "£250.00" in decision
    assert "Repair the gutter and treat the mould: by 26 February 2027" in decision
    assert "Ask for stage 2 by: 27 February 2027" in decision  # one calendar month
    assert "You do not have to tell us why" in decision

    final = _letter(story, "ada", "decision", "--stage", "2")
    assert "This is our final response" in final and "stage 2" in final
    assert "your complaint is not upheld" in final
    assert "ask the Housing Ombudsman Service to investigate" in final
    assert "PO Box 1484, Unit D, Preston, PR2 0ET" in final
    assert "Ask for stage 2" not in final
    assert "Check the bedroom is dry: by 30 April 2027" in final  # still outstanding from stage 1
    assert "Repair the gutter" not in final  # done before the final response


def test_refusal_update_and_closure_items(story):
    refusal = _letter(story, "ben", "refusal")
    assert "This is a request for a service rather than a complaint" in refusal
    assert "we have booked a return collection" in refusal
    assert "What you can do instead" in refusal
    assert "Local Government and Social Care Ombudsman" in refusal and "0300 061 0614" in refusal

    update = _letter(story, "ada", "update", "--stage", "1")
    assert "found a leaking gutter" in update
    assert "We will write to you again by 25 January 2027" in update

    closure = _letter(story, "ada", "closure", "--stage", "2")
    assert "We have closed your complaint" in closure
    assert "Check the bedroom is dry: by 30 April 2027" in closure
    assert "Repair the gutter" not in closure  # done on 5 March, before the closure


def _refused_case(cli) -> str:
    """A complaint refused as a service request, recorded under the cli's policy."""
    with freeze_time(TODAY):
        ben = _log(cli, "--name", "Ben Carter", "--email", "ben.carter@example.net", "--service", "Waste",
                   "--summary", "My green bin was not emptied on Tuesday.", "--received", "2027-02-01")
        cli.ok("close", ben, "--outcome", "refused", "--exclusion", "service-request", "--on", "2027-02-02",
               "--reasons", "This is the first time the bin was missed, so we have booked a return collection.")
    return ben


def test_right_ombudsman_for_each_case_type(story, letters_cli, tmp_path):
    assert "Housing Ombudsman Service" in _letter(story, "ada", "acknowledgement", "--stage", "1")
    for who in ("ben", "cara"):
        letter = _letter(story, who)
        assert "Local Government and Social Care Ombudsman" in letter
        assert "Housing Ombudsman" not in letter
    # A housing association's policy: its letters name the Housing Ombudsman (a step's letter is
    # written under the policy in force when the step was recorded, so the step comes after it).
    housing_default = _policy_file(tmp_path, "").read_text().replace('default_ombudsman = "lgsco"', 'default_ombudsman = "housing"')
    (tmp_path / "association.toml").write_text(housing_default)
    letters_cli.config = str(tmp_path / "association.toml")
    result = letters_cli("letter", _refused_case(letters_cli))
    assert result.exit_code == 0 and "Housing Ombudsman Service" in result.stdout


def test_default_letter_follows_the_latest_step(story):
    assert "Our final response to your complaint" in _letter(story, "ada")  # latest step: the stage 2 decision
    assert "cannot take it forward" in _letter(story, "ben")
    assert "As you asked, we have closed your complaint" in _letter(story, "cara")


def test_internal_notes_never_appear(story):
    for stem, who, kind, stage in GOLDEN_LETTERS:
        for fmt in ("text", "html"):
            assert "INTERNAL" not in _letter(story, who, kind, "--stage", str(stage), "--format", fmt)


def test_large_print_only_when_the_adjustments_ask(story):
    large = _letter(story, "cara", "--format", "html")
    normal = _letter(story, "ben", "--format", "html")
    assert "font-size: 18pt" in large and "font-size: 18pt" not in normal
    assert "font-size: 11pt" in normal


@pytest.mark.parametrize(
    "adjustments, large",
    [
        ("No large print needed", False),
        ("Interpreter (Polish); does not need large print", False),
        ("Interpreter; large print, please", True),
        ("Not by phone. Larger font for letters", True),
    ],
)
def test_large_print_follows_what_the_adjustments_say(letters_cli, adjustments, large):
    with freeze_time(TODAY):
        ref = _log(letters_cli, "--name", "Dev Shah", "--summary", "Noise", "--received", "2027-03-01",
                   "--adjustments", adjustments)
        letters_cli.ok("acknowledge", ref, "--on", "2027-03-02", "--handler", "Sam Reed")
    html = letters_cli.ok("letter", ref, "--format", "html").stdout
    assert ("font-size: 18pt" in html) is large


def test_html_is_self_contained_and_inline_styled(story):
    html = _letter(story, "ada", "decision", "--stage", "2", "--format", "html")
    assert "<style" not in html and "<script" not in html and "<link" not in html
    assert "http://" not in html and "src=" not in html and "@import" not in html
    assert "Ada O&#39;Hara &amp; Sons" in html


def test_script_in_a_name_is_escaped_in_html_and_kept_in_text(letters_cli):
    cli = letters_cli
    with freeze_time(TODAY):
        ref = _log(cli, "--name", "<script>alert('x')</script> O'Hara & Sons", "--email", "x@example.net",
                   "--summary", "Noise <b>every</b> night", "--received", "2027-03-01")
        cli.ok("acknowledge", ref, "--on", "2027-03-02", "--handler", "<img src=x onerror=alert(1)>")
    html = cli.ok("letter", ref, "--format", "html").stdout
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; O&#39;Hara &amp; Sons" in html
    text = cli.ok("letter", ref).stdout
    assert "Dear <script>alert('x')</script> O'Hara & Sons" in text
    assert "Noise <b>every</b> night" in text


def test_eml_reads_back_with_the_standard_parser(story, tmp_path):
    out = tmp_path / "letter.eml"
    story["cli"].ok("letter", story["cara"], "--format", "eml", "--out", str(out))
    message = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "dev.patel@example.org"  # the representative
    assert message["To"].addresses[0].display_name == "Dev Patel"
    assert message["From"].addresses[0].addr_spec == "complaints@riverside.example.gov.uk"
    assert story["cara"] in message["Subject"] and "closed" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    assert message["Message-ID"].endswith("@riverside.example.gov.uk>") and story["cara"] in message["Message-ID"]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Complaint made on behalf of Cara Jones" in plain
    assert html.startswith("<!DOCTYPE html>") and "font-size: 18pt" in html
    printed = story["cli"].ok("letter", story["ada"], "--format", "eml").stdout
    again = email.message_from_string(printed, policy=email.policy.default)
    assert again["To"].addresses[0].addr_spec == "ada.ohara@example.net"
    assert again["Subject"] == f"{story['ada']}: Our final response to your complaint"


def test_eml_needs_an_email_address(letters_cli):
    cli = letters_cli
    with freeze_time(TODAY):
        ref = _log(cli, "--name", "Dora Post", "--address", "1 High Street", "--summary", "Fence", "--received", "2027-03-01")
        cli.ok("acknowledge", ref, "--on", "2027-03-02")
    result = cli("letter", ref, "--format", "eml")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "no email address" in result.stderr
    assert "Dear Dora Post" in cli.ok("letter", ref).stdout


def test_override_template_replaces_the_built_in(letters_cli, tmp_path):
    folder = tmp_path / "our-letters"
    folder.mkdir()
    (folder / "refusal.txt").write_text("Ref {{ case.reference }}: {{ stage.exclusion|exclusion }} {{ organisation.name }}\n")
    cli = letters_cli
    cli.config = str(_policy_file(tmp_path, '\n[letters]\ntemplates = "our-letters"\n'))
    ben = _refused_case(cli)
    with freeze_time(TODAY):
        cara = _log(cli, "--name", "Cara Jones", "--summary", "A payment was taken twice.", "--received", "2027-02-08")
        cli.ok("close", cara, "--outcome", "withdrawn", "--on", "2027-02-15")
    result = cli("letter", ben)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Ref {ben}: This is a request for a service rather than a complaint about how a service was delivered. Riverside Borough Council\n"
    other = cli("letter", cara)
    assert "As you asked" in other.stdout  # kinds not overridden stay built in


def _acknowledged_case(cli) -> str:
    with freeze_time(TODAY):
        ada = _log(cli, *HOUSING, "--received", "2027-01-04")
        cli.ok("acknowledge", ada, "--handler", "Priya Shah", "--on", "2027-01-06")
    return ada


@pytest.mark.parametrize(
    "body, expected",
    [
        ("Hello {{ recipient.name }}\n\nYour shoe size is {{ shoe_size }}.\n", ["acknowledgement.txt", "line 3", "shoe_size"]),
        ("{{ case.reference }}\n{{ case.favourite_colour }}\n", ["acknowledgement.txt", "line 2", "favourite_colour"]),
        ("{% if %}\n", ["acknowledgement.txt", "line 1"]),
        ("{{ case.received_on|date }}\n{{ extension|date }}\n", ["acknowledgement.txt", "line 2", "date"]),
    ],
)
def test_broken_override_is_refused_naming_the_problem(letters_cli, tmp_path, body, expected):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "acknowledgement.txt").write_text(body)
    letters_cli.config = str(_policy_file(tmp_path, '\n[letters]\ntemplates = "broken"\n'))
    ada = _acknowledged_case(letters_cli)
    out = tmp_path / "letter.txt"
    result = letters_cli("letter", ada, "acknowledgement", "--stage", "1", "--out", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    for word in expected:
        assert word in result.stderr
    assert not out.exists()


def test_missing_override_folder_is_refused(letters_cli, tmp_path):
    letters_cli.config = str(_policy_file(tmp_path, '\n[letters]\ntemplates = "nowhere"\n'))
    result = letters_cli("letter", _acknowledged_case(letters_cli))
    assert result.exit_code == 1 and "nowhere" in result.stderr and "does not exist" in result.stderr


def test_a_letter_that_does_not_fit_the_case_is_refused(story):
    cli = story["cli"]
    for args, words in [
        ((story["ben"], "decision"), "not with a decision"),
        ((story["ben"], "extension"), "no extension"),
        ((story["cara"], "acknowledgement", "--stage", "2"), "has not reached stage 2"),
        (("RBC-2027-09999",), "RBC-2027-09999"),
    ]:
        result = cli("letter", *args)
        assert result.exit_code == 1, args
        assert words in result.stderr and result.stderr.count("\n") == 1
    assert cli("letter", story["ada"], "apology").exit_code == 2
    assert cli("letter", story["ada"], "--format", "pdf").exit_code == 2


def test_event_commands_write_their_letter(letters_cli, tmp_path):
    cli = letters_cli
    with freeze_time(TODAY):
        ref = _log(cli, *HOUSING, "--received", "2027-03-01")
        ack = cli.ok("acknowledge", ref, "--handler", "Priya Shah", "--on", "2027-03-02", "--json", "--letter", str(tmp_path / "ack.txt"))
        assert ack.json()["reference"] == ref  # stdout stays pure JSON
        cli.ok("extend", ref, "--days", "3", "--reason", "Waiting for a survey.", "--on", "2027-03-10", "--letter", str(tmp_path / "ext.html"))
        cli.ok("update", ref, "--progress", "Survey booked.", "--on", "2027-03-11", "--letter", str(tmp_path / "upd.eml"))
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "We were late.", "--on", "2027-03-12",
               "--action", "Inspect", "--action-due", "2027-03-19", "--letter", str(tmp_path / "dec.txt"))
        cli.ok("escalate", ref, "--handler", "Sam Lee", "--on", "2027-03-15", "--letter", str(tmp_path / "esc.txt"))
        missing = cli("acknowledge", ref, "--on", "2027-03-16", "--letter", str(tmp_path / "no" / "such.txt"))
    assert "We have received your complaint" in (tmp_path / "ack.txt").read_text()
    assert "<!DOCTYPE html>" in (tmp_path / "ext.html").read_text()
    assert b"Survey booked." in (tmp_path / "upd.eml").read_bytes()
    assert "your complaint is upheld" in (tmp_path / "dec.txt").read_text()
    assert "We have received your request for stage 2" in (tmp_path / "esc.txt").read_text()
    assert missing.exit_code == 2 and "--letter" in missing.stderr
    with freeze_time(TODAY):
        assert cli.show(ref)["stages"][1]["acknowledged_on"] is None  # the refused command changed nothing


def test_filters():
    from complaintctl.output.letters import _exclusion_sentence, _money, _outcome_words

    assert _money(25000) == "£250.00"
    assert _money(123456789) == "£1,234,567.89"
    assert _money(5) == "£0.05"
    assert _outcome_words("partly-upheld") == "partly upheld"
    assert _exclusion_sentence("legal-proceedings").endswith(".")
    with pytest.raises(ValueError):
        _money(None)


def test_cli_import_does_not_load_jinja():
    code = "import sys, complaintctl.cli; print('jinja2' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_late_decision_apologises_for_the_delay(story, letters_cli):
    """Closed after the response date: the decision says sorry and when it was due; in time, it does not."""
    cli = letters_cli
    with freeze_time(TODAY):
        late = _acknowledged_case(cli)
        shown = cli.ok("show", late, "--json").stdout
        due = json.loads(shown)["stages"][0]["respond_by"]
        cli.ok("close", late, "--outcome", "upheld", "--reasons", "We should have come sooner.", "--on", "2027-03-01")
    text = cli.ok("letter", late, "decision", "--stage", "1").stdout
    html = cli.ok("letter", late, "decision", "--stage", "1", "--format", "html").stdout
    due_words = in_words(date.fromisoformat(due))
    sentence = f"We are sorry that we did not send you this response sooner: we should have done so by {due_words}."
    assert sentence in text
    assert sentence in html
    for stage in ("1", "2"):  # ada's decisions were both in time
        for fmt in ("text", "html"):
            assert "did not send you this response sooner" not in _letter(story, "ada", "decision", "--stage", stage, "--format", fmt)
