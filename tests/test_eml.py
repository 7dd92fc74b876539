"""An .eml draft written without the email package has the bytes the email package writes."""

from __future__ import annotations

import email
import email.policy
import json
import os
import random
import string
import subprocess
import sys
import textwrap
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaintctl.output import eml

LONDON = ZoneInfo("Europe/London")
WINTER = datetime(2027, 2, 8, 9, 0, tzinfo=LONDON)
SUMMER = datetime(2027, 7, 5, 9, 0, tzinfo=LONDON)
SHORT_LINES = "Dear Ann\n\nWe received your complaint.\n"
LONG_LINES = "Our response " * 12 + "\n" + "and more\n" * 14
ACCENTED_SHORT = "Dear Zoë\n\nWe received your complaint – thank you.\n"
ACCENTED_LONG = ("Zoë – “quoted” " * 8 + "\n") * 12
MOSTLY_ACCENTED = "é€" * 60 + "\n"
HTML = '<!DOCTYPE html>\n<html><body style="font-family: Arial, Helvetica, sans-serif; font-size: 11pt;">' + "<p>x</p>" * 30 + "</body></html>\n"


def draft(**changed) -> eml.Draft:
    values = {
        "to_name": "Ann Smith",
        "to_address": "ann@example.org",
        "from_name": "Customer Feedback Team",
        "from_address": "complaints@example.gov.uk",
        "subject": "CMP-2027-00001: We have received your complaint",
        "sent": WINTER,
        "message_id": eml.message_id("CMP-2027-00001", "example.gov.uk"),
        "text": SHORT_LINES,
        "html": HTML,
    }
    values.update(changed)
    return eml.Draft(**values)


# Each chosen to sit on one side of a rule of the email package: quoting a display name,
# folding a header (a To line of exactly 78 and of 79 characters), each transfer encoding,
# BST and GMT dates, a Message-ID on the header's line or the next.
PLAIN_DRAFTS = {
    "usual": draft(),
    "quoted name": draft(to_name="Cllr A. Member"),
    "name with comma and brackets": draft(to_name="Smith, Ann (Mrs)"),
    "apostrophe and hyphen": draft(to_name="Sean O'Neill-Smith"),
    "no name": draft(to_name=""),
    "To line of 78": draft(to_name="A" * (78 - len("To:  <ann@example.org>"))),
    "summer": draft(sent=SUMMER),
    "long lines": draft(text=LONG_LINES),
    "8bit": draft(text=ACCENTED_SHORT),
    "quoted-printable over ten lines": draft(text=ACCENTED_LONG),
    "quoted-printable within ten lines": draft(text="é" + "x" * 90 + "\nshort\n"),
    "base64": draft(text=MOSTLY_ACCENTED),
    "empty text": draft(text=""),
    "carriage returns": draft(text="one\r\ntwo\rthree\n" + "y" * 100),
    "short Message-ID": draft(message_id=eml.message_id("CMP-2027-00001", "x.uk")),
    "Message-ID on its own line": draft(message_id="<179605620696.8100.17150283190704142563.CMP-2027-00001@example.gov.uk>"),
}

# What the email package must write: encoded words, a fold, an address to judge.
LIBRARY_DRAFTS = {
    "accented name": draft(to_name="Zoë Ångström"),
    "CJK name": draft(to_name="Li Wei 李伟"),
    "quotes in the name": draft(to_name='Ann "Nancy" Smith'),
    "To line of 79": draft(to_name="A" * (79 - len("To:  <ann@example.org>"))),
    "long name": draft(to_name="Dr. A. B. Chakraborty-Vasquez-Montgomery-Featherstonehaugh the Third"),
    "accented domain": draft(to_address="bob@exämple.org"),
    "encoded word in the subject": draft(subject="=?utf-8?q?hello?="),
    "two spaces in the subject": draft(subject="CMP-2027-00001:  spaced"),
    "long subject": draft(subject="CMP-2027-00001: " + "word " * 14),
    "Message-ID too long for a line": draft(message_id=eml.message_id("CMP-2027-00001", "a" * 60 + ".gov.uk")),
}


def same_boundary(draft_: eml.Draft) -> tuple[bytes | None, bytes]:
    boundary = eml.new_boundary()
    return eml.plain_written(draft_, boundary), eml.library_written(draft_, boundary)


@pytest.mark.parametrize("name", PLAIN_DRAFTS)
def test_a_plain_draft_is_written_here_as_the_email_package_writes_it(name):
    plain, library = same_boundary(PLAIN_DRAFTS[name])
    assert plain is not None
    assert plain == library


@pytest.mark.parametrize("name", LIBRARY_DRAFTS)
def test_anything_else_is_left_to_the_email_package(name):
    assert eml.plain_written(LIBRARY_DRAFTS[name], eml.new_boundary()) is None
    message = email.message_from_bytes(eml.written(LIBRARY_DRAFTS[name]), policy=email.policy.default)
    assert message["To"].addresses[0].display_name == LIBRARY_DRAFTS[name].to_name
    assert message["Subject"] == LIBRARY_DRAFTS[name].subject.replace("=?utf-8?q?hello?=", "hello")


def test_every_transfer_encoding_is_among_the_plain_drafts():
    written = b"".join(eml.plain_written(each, eml.new_boundary()) or b"" for each in PLAIN_DRAFTS.values())
    for encoding in (b"7bit", b"8bit", b"quoted-printable", b"base64"):
        assert b"Content-Transfer-Encoding: " + encoding + b"\n" in written


def test_random_drafts_written_here_match_the_email_package():
    """Names, subjects and bodies of printable ASCII and a few accented letters, at lengths
    around the 78-character fold: each one written here has the email package's bytes."""
    chosen = random.Random(20271)
    name_letters = string.ascii_letters * 4 + string.digits + ".,'&()/-\"@:;<>[]!#$%*+=?^_`{|}~\\é"
    body_letters = string.ascii_letters + string.digits + " \t.,=é€\r"
    written_here = 0
    for _ in range(600):
        words = [
            "".join(chosen.choice(name_letters) for _ in range(chosen.randint(1, 12))) for _ in range(chosen.randint(1, 5))
        ]
        lines = ["".join(chosen.choice(body_letters) for _ in range(chosen.choice((0, 9, 77, 78, 79, 150)))) for _ in range(chosen.randint(0, 14))]
        each = draft(
            to_name=" ".join(words),
            subject=" ".join(words[::-1]),
            sent=datetime.combine(date(2020, 1, 1) + timedelta(days=chosen.randint(0, 2600)), time(9, 0), tzinfo=LONDON),
            message_id=eml.message_id("CMP-2027-00001", "a" * chosen.randint(1, 12) + ".gov.uk"),
            text="\n".join(lines),
        )
        plain, library = same_boundary(each)
        if plain is not None:
            written_here += 1
            assert plain == library, each
    assert written_here > 100


def test_the_date_and_message_id_are_as_the_email_package_makes_them():
    from email.utils import format_datetime

    for day in range(0, 365, 7):
        sent = datetime.combine(date(2027, 1, 1) + timedelta(days=day), time(9, 0), tzinfo=LONDON)
        assert eml.date_header(sent) == format_datetime(sent)
    made = eml.message_id("CMP-2027-00001", "example.gov.uk")
    assert made.startswith("<") and made.endswith(".CMP-2027-00001@example.gov.uk>")
    assert [part.isdigit() for part in made[1:].split(".")[:3]] == [True, True, True]


def test_an_address_the_email_package_refuses_is_refused():
    with pytest.raises(eml.BadAddress) as refused:
        eml.written(draft(to_address="not an address"))
    assert refused.value.which == "to"
    with pytest.raises(eml.BadAddress) as refused:
        eml.written(draft(from_address="@"))
    assert refused.value.which == "from"


def test_the_letter_command_writes_a_plain_draft_without_the_email_package(cli):
    ref = cli.ok("log", "--name", "Ann Smith", "--email", "ann@example.org", "--preferred-contact", "email",
                 "--summary", "Bins", "--received", "2026-11-02").stdout.strip()  # fmt: skip
    cli.ok("acknowledge", ref, "--on", "2026-11-03", "--handler", "First Officer")
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMPLAINTCTL_")}
    code = f"""
        import atexit, json, sys
        atexit.register(lambda: sys.stderr.write(chr(10) + json.dumps(sorted(sys.modules))))
        sys.argv = ["complaintctl", "--db", {cli.db!r}, "letter", {ref!r}]
        from complaintctl.cli import main
        main()
        """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=False, capture_output=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stderr.decode().splitlines()[-1])
    assert [name for name in loaded if name.startswith("email.") and name != "email.quoprimime"] == []
    message = email.message_from_bytes(result.stdout, policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "ann@example.org" and message["X-Unsent"] == "1"
    assert ref in message["Subject"] and f"Our reference: {ref}" in message.get_body(("plain",)).get_content()
