"""Typed text reaches the terminal as text: never Rich markup, never a control sequence.

Everything here goes through the real command line on a real SQLite file. The values are the
ones a complainant (or a careless paste) could put in a form: Rich markup such as
`[link=…]…[/link]`, and ESC and C1 control sequences that a terminal acts on.
"""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time

TODAY = "2026-03-02 10:00:00"

LINK_NAME = "[link=https://evil.example/x]Mr Click[/link]"
BAD_CLOSE = "[/nope]"
REDACTED = "Ms [redacted] Jones"
MARKUP_WHAT = "[link=https://evil.example/y]Fix the gutter[/link] [bold]now[/bold]"
MARKUP_OWNER = "[/owner] :smile:"
MARKUP_ELEMENT = "[/element] Repairs [red]"
MARKUP_ORDER = "[link=https://evil.example/o]Train staff[/link] [/x]"

# Control sequences a terminal acts on: an OSC 52 clipboard write ending in BEL, an SGR colour,
# a one-character C1 CSI (U+009B) and DEL.
CLIPBOARD = "\x1b]52;c;aGVsbG8=\x07"
ESC_EMAIL = f"a{CLIPBOARD}\x1b[31m@example.org"
C1_NAME = "Ann \x9b31m Red\x7f Jones"
ESC_OFFICER = "officer\x1b[2J\x1b[31m.two"
C1_SERVICE = "Parks\x9b2J"
RAW_CONTROLS = ("\x1b", "\x9b", "\x07", "\x7f")
SGR = re.compile(r"\x1b\[[0-9;]*m")


def _log(cli, *args: str, **kwargs) -> str:
    return cli.ok("log", *args, **kwargs).stdout.strip()


@pytest.fixture
def wide(monkeypatch):
    """A wide table, so that no value is folded across lines and each can be found whole."""
    monkeypatch.setenv("COLUMNS", "300")


@pytest.fixture
def terminal(monkeypatch, wide):
    """Rich writing as it would to a colour terminal (the OSC 8 hyperlink escape would appear here)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.fixture
def marked(cli):
    """A case whose every typed value is Rich markup, taken to an Ombudsman determination."""
    with freeze_time(TODAY):
        ref = _log(cli, "--name", LINK_NAME, "--service", BAD_CLOSE, "--category", REDACTED,
                   "--summary", REDACTED, "--received", "2025-10-01", "--housing")
        cli.ok("acknowledge", ref, "--on", "2025-10-02", "--handler", BAD_CLOSE)
        cli.ok("action", "add", ref, "--what", MARKUP_WHAT, "--owner", MARKUP_OWNER, "--due", "2025-10-20", "--on", "2025-10-03")
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Late", "--on", "2025-10-10")
        cli.ok("ombudsman", "refer", ref, "--on", "2025-11-03", "--their-reference", BAD_CLOSE)
        cli.ok("ombudsman", "determine", ref, "--on", "2026-01-12", "--finding", f"{MARKUP_ELEMENT}=maladministration")
        cli.ok("ombudsman", "order", ref, "--kind", "other", "--what", MARKUP_ORDER, "--due", "2026-02-09")
    return ref


def _outputs(cli, ref: str) -> dict[str, tuple[str, list[str]]]:
    """Each human-readable command, its output, and the typed values it must show as typed."""
    with freeze_time(TODAY):
        runs = {
            "show": (cli("show", ref), [LINK_NAME, BAD_CLOSE, REDACTED, MARKUP_WHAT, MARKUP_OWNER]),
            "list": (cli("list"), [LINK_NAME, BAD_CLOSE]),
            "action list": (cli("action", "list"), [MARKUP_WHAT, MARKUP_OWNER]),
            "ombudsman show": (cli("ombudsman", "show", ref), [MARKUP_ELEMENT, MARKUP_ORDER]),
        }
    for name, (outcome, _) in runs.items():
        assert outcome.exit_code == 0, f"{name} exited {outcome.exit_code}: {outcome.stderr}"
        assert "Traceback" not in outcome.stderr and "unexpected" not in outcome.stderr, outcome.stderr
    return {name: (outcome.stdout, expected) for name, (outcome, expected) in runs.items()}


def test_markup_in_typed_text_is_shown_as_typed(marked, cli, wide):
    for name, (stdout, expected) in _outputs(cli, marked).items():
        for typed in expected:
            assert typed in stdout, f"{name} did not show {typed!r} as typed:\n{stdout}"


def test_markup_makes_no_hyperlink_on_a_terminal(marked, cli, terminal):
    for name, (stdout, expected) in _outputs(cli, marked).items():
        assert "\x1b]8;" not in stdout, f"{name} wrote a terminal hyperlink:\n{stdout!r}"
        assert SGR.search(stdout), f"{name} was not written as to a colour terminal"  # the test means what it says
        plain = SGR.sub("", stdout)
        for typed in expected:
            assert typed in plain, f"{name} did not show {typed!r} as typed:\n{plain}"


def test_a_markup_link_alone_is_neither_hidden_nor_a_hyperlink(cli, terminal):
    """Without a bad tag to crash on, markup used to pass quietly: the name hid a hyperlink."""
    with freeze_time(TODAY):
        ref = _log(cli, "--name", LINK_NAME, "--summary", REDACTED, "--received", "2026-02-02")
        for args in (("show", ref), ("list",)):
            stdout = cli.ok(*args).stdout
            assert "\x1b]8;" not in stdout and "evil.example" in stdout, stdout
            assert LINK_NAME in SGR.sub("", stdout)
            assert REDACTED in SGR.sub("", cli.ok("show", ref).stdout)


def test_titles_and_headings_are_not_markup():
    from complaintctl.output.render import plain_text, table

    grid = table("[/title] [link=https://evil.example]t[/link]", ["[/head]"], [["[/cell]"]])
    assert grid.title.plain == "[/title] [link=https://evil.example]t[/link]"
    assert [column.header.plain for column in grid.columns] == ["[/head]"]
    assert plain_text("[bold]x[/bold]").plain == "[bold]x[/bold]" and not plain_text("[bold]x[/bold]").spans


# -- control characters ------------------------------------------------------------------------------


@pytest.fixture
def controlled(cli):
    """A case whose stored text carries terminal control sequences: an email with ESC and BEL, a
    name and service with C1 and DEL, an officer with ESC. The command line refuses them now, so
    they are recorded through the services, as an earlier release that accepted them did."""
    from datetime import date, datetime, timezone

    from complaintctl import services
    from complaintctl.domain import policy
    from complaintctl.storage.store import Store

    chosen = policy.load(None)
    store = Store.open(cli.db)
    now = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
    try:
        def context(officer: str):
            return services.Context(store, chosen, chosen.calendar(), officer, date(2026, 3, 2), now)

        fields = dict.fromkeys(
            ("phone", "address", "preferred_contact", "channel", "representative", "category", "outcomes_sought",
             "issue_date", "adjustments"),
        )
        fields.update(type="complaint", name=C1_NAME, email=ESC_EMAIL, service=C1_SERVICE, summary="Damp",
                      anonymous=False, housing=False, received_on=date(2026, 2, 2))
        ref = services.log_case(context("officer.one"), fields).reference
        services.acknowledge(context(ESC_OFFICER), ref, date(2026, 2, 3))  # the handler is the officer
        services.add_action(context("officer.one"), ref, date(2026, 2, 3), "Call back", date(2026, 2, 20), C1_NAME)
    finally:
        store.dispose()
    stored = cli.show(ref)
    assert stored["email"] == ESC_EMAIL and stored["name"] == C1_NAME  # the fixture stored what it means to
    return ref


def _human(cli, ref: str) -> dict[str, str]:
    with freeze_time(TODAY):
        outcomes = {"show": cli("show", ref), "list": cli("list"), "action list": cli("action", "list")}
    for name, outcome in outcomes.items():
        assert outcome.exit_code == 0, f"{name}: {outcome.stderr}"
    return {name: outcome.stdout + outcome.stderr for name, outcome in outcomes.items()}


def test_stored_control_characters_never_reach_the_terminal(controlled, cli, wide):
    printed = _human(cli, controlled)
    for name, text in printed.items():
        for raw in RAW_CONTROLS:
            assert raw not in text, f"{name} printed {raw!r}:\n{text!r}"
    # Each is shown, in a form that can be read: ESC as ^[, BEL as ^G, DEL as ^?, C1 as U+FFFD.
    assert "a^[]52;c;aGVsbG8=^G^[[31m@example.org" in printed["show"]
    assert "Ann \ufffd31m Red^? Jones" in printed["show"] and "Ann \ufffd31m Red^? Jones" in printed["list"]
    assert "officer^[[2J^[[31m.two" in printed["show"] and "officer^[[2J^[[31m.two" in printed["list"]
    assert "Parks\ufffd2J" in printed["list"]
    assert "Ann \ufffd31m Red^? Jones" in printed["action list"]


def test_stored_control_characters_never_reach_a_colour_terminal(controlled, cli, terminal):
    for name, text in _human(cli, controlled).items():
        assert SGR.search(text), f"{name} was not written as to a colour terminal"
        left = SGR.sub("", text)  # rich's own colour codes; nothing else may be there
        for raw in RAW_CONTROLS:
            assert raw not in left, f"{name} printed {raw!r}:\n{left!r}"


def test_json_and_csv_keep_the_stored_text_exactly(controlled, cli):
    with freeze_time(TODAY):
        shown = cli.show(controlled)
        listed = cli.ok("list", "--json").json()
        csv = cli.ok("list", "--csv").stdout
    assert shown["email"] == ESC_EMAIL and shown["name"] == C1_NAME
    assert listed[0]["name"] == C1_NAME
    assert C1_NAME in csv


def test_messages_show_control_characters_visibly(capsys):
    from complaintctl.output.render import say

    say(f"Wrote the letter to /tmp/{CLIPBOARD}.txt")
    assert capsys.readouterr().err == "Wrote the letter to /tmp/^[]52;c;aGVsbG8=^G.txt\n"


def test_printable():
    from complaintctl.output.render import printable

    assert printable("plain text, £5 – ok") == "plain text, £5 – ok"
    assert printable(CLIPBOARD) == "^[]52;c;aGVsbG8=^G"
    assert printable("a\x00b\x1fc\x7fd\x80e\x9bf\x85g") == "a^@b^_c^?d\ufffde\ufffdf\ufffdg"
    assert printable("one\ttwo\nthree\r") == "one^Itwo^Jthree^M"
    assert printable("one\ttwo\nthree\r", multiline=True) == "one\ttwo\nthree^M"
    assert printable(None) == ""


# -- on a real terminal ----------------------------------------------------------------------------


def _on_a_terminal(db: str, *args: str) -> tuple[int, str]:
    """The command run with a pseudo-terminal as its stdout and stderr, as an officer runs it."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "complaintctl", "--db", db, *args],
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env={**os.environ, "COLUMNS": "300"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize(
    "command",
    [
        ("list", "--csv"), ("overdue", "--csv", "--within", "100"), ("report", "annual", "--year", "2025"),
        ("report", "annual", "--year", "2025", "--format", "markdown"), ("report", "annual", "--year", "2025", "--format", "html"),
        ("report", "annual", "--year", "2025", "--json"), ("list", "--json"), ("show", "CMP-2026-00001", "--json"),
    ],
)
def test_stored_control_characters_never_reach_a_terminal_through_csv_json_or_reports(controlled, cli, command):
    code, printed = _on_a_terminal(cli.db, *command)
    assert code == 0, printed
    assert "Parks" in printed or "Ann" in printed, printed
    for raw in RAW_CONTROLS:
        assert raw not in printed, f"{command} printed {raw!r}:\n{printed!r}"


def test_json_escapes_del_and_c1_and_reads_back_the_same(controlled, cli):
    with freeze_time(TODAY):
        shown = cli.ok("show", controlled, "--json")
        report = cli.ok("report", "annual", "--year", "2025", "--json")
    for outcome in (shown, report):
        assert "\x9b" not in outcome.stdout and "\x7f" not in outcome.stdout
    assert "Ann \\u009b31m Red\\u007f Jones" in shown.stdout
    assert shown.json()["name"] == C1_NAME
    assert C1_SERVICE in report.json()["by_service"]


def test_an_email_address_that_cannot_be_used_is_not_repeated_in_the_refusal(controlled, cli):
    with freeze_time(TODAY):
        outcome = cli("letter", controlled, "acknowledgement", "--format", "eml")
    assert outcome.exit_code == 1
    assert outcome.stderr == (
        f"Error: {controlled}: the recipient's email address is not one an email can be sent to; correct it or use --format text\n"
    )


def test_stored_control_characters_never_reach_a_terminal_through_the_self_assessment(controlled, cli):
    """Its extensions beyond the Code's cap are listed with their recorded reasons."""
    from datetime import date, datetime, timezone

    from complaintctl import services
    from complaintctl.domain import policy
    from complaintctl.storage.store import Store

    chosen = policy.load(None)
    store = Store.open(cli.db)
    try:
        context = services.Context(store, chosen, chosen.calendar(), "officer.one", date(2026, 3, 2),
                                   datetime(2026, 3, 2, 10, tzinfo=timezone.utc))
        services.extend(context, controlled, date(2026, 2, 10), reason=f"Waiting {CLIPBOARD}", days=30,
                        good_reason=f"Survey {C1_SERVICE}")
    finally:
        store.dispose()
    for command in (("report", "self-assessment", "--year", "2025"), ("report", "self-assessment", "--year", "2025", "--json")):
        code, printed = _on_a_terminal(cli.db, *command)
        assert code == 0, printed
        assert "Waiting" in printed or "Survey" in printed, printed
        for raw in RAW_CONTROLS:
            assert raw not in printed, f"{command} printed {raw!r}:\n{printed!r}"
