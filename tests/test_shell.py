"""The shell: many commands in one process, an error in one never ends the session."""

from __future__ import annotations

import json
import os
from datetime import date
import subprocess
import sys

import pytest

from complaintctl.cli.session import Completer, Session, global_arguments, reference_finder


def run_shell(db: str, commands: str, *global_options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "complaintctl", "--db", db, *global_options, "shell"],
        input=commands,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )


def log(cli, name: str, received: str = "2026-11-02") -> str:
    return cli.ok("log", "--name", name, "--summary", "Repairs not done", "--received", received).stdout.split()[0]


def test_piped_commands_run_in_order_and_an_error_does_not_end_the_session(cli, db_location):
    first = log(cli, "Ann Example")
    result = run_shell(
        db_location,
        f"show {first} --json\n"
        "show CMP-2026-99999\n"
        "list --status nonsense\n"
        "log --name 'Bob Example' --summary 'Bins missed twice' --received 2026-11-03 --json\n"
        f"acknowledge {first} --on 2026-11-04\n"
        f"show {first} --json\n",
    )
    assert "no case with reference CMP-2026-99999" in result.stderr
    assert "--status" in result.stderr
    assert "Traceback" not in result.stderr
    decoder = json.JSONDecoder()
    text = result.stdout
    objects = []
    while text.strip():
        text = text.lstrip()
        value, end = decoder.raw_decode(text)
        objects.append(value)
        text = text[end:].lstrip()
        if text and not text.startswith("{"):
            text = text.split("\n", 1)[1] if "\n" in text else ""
    assert objects[0]["status"] == "open"
    assert objects[1]["name"] == "Bob Example"
    assert objects[-1]["status"] == "acknowledged"
    assert result.returncode == 2  # the last command that failed was the malformed --status
    assert cli.show(first)["status"] == "acknowledged"


def test_all_commands_succeeding_exit_zero_and_exit_ends_the_session(cli, db_location):
    first = log(cli, "Ann Example")
    result = run_shell(db_location, f"show {first}\n\n# a comment\nexit\nshow CMP-2026-99999\n")
    assert result.returncode == 0
    assert first in result.stdout
    assert result.stderr == ""


def test_a_hash_inside_a_word_is_text_not_a_comment(cli, db_location):
    first = log(cli, "Ann Example")
    result = run_shell(db_location, f"note {first} Flat#3\n")
    assert result.returncode == 0, result.stderr
    assert cli.show(first)["events"][-1]["details"]["text"] == "Flat#3"


def test_refused_command_gives_exit_one(cli, db_location):
    result = run_shell(db_location, "show CMP-2026-99999\nlist\n")
    assert result.returncode == 1
    assert result.stderr.count("Error:") == 1


def test_global_options_given_to_shell_apply_to_every_line(cli, db_location):
    first = log(cli, "Ann Example")
    result = run_shell(db_location, f"note {first} 'Called back' --json\n", "--officer", "shell.officer")
    assert result.returncode == 0, result.stderr
    events = cli.show(first)["events"]
    assert events[-1]["kind"] == "note"
    assert events[-1]["officer"] == "shell.officer"


def test_unclosed_quote_and_nested_shell_are_refused_in_one_line(cli, db_location):
    result = run_shell(db_location, "note X 'unclosed\nshell\n")
    assert "close the quotes" in result.stderr
    assert "already in a shell" in result.stderr
    assert "Traceback" not in result.stderr


def test_today_is_read_again_for_each_command(cli, db_location, monkeypatch):
    from complaintctl.cli import process_settings as cli_module
    from complaintctl.cli import app

    import typer.main

    days = iter(["2026-11-26", "2026-11-27"])
    seen = []

    def fake_today():
        value = date.fromisoformat(next(days, "2026-11-27"))
        seen.append(value)
        return value

    reference = log(cli, "Ann Example")
    monkeypatch.setattr(cli_module, "today_in_london", fake_today)
    session = Session(typer.main.get_command(app), global_arguments(db_location, None, None))
    assert session.run_line(f"note {reference} first") == 0
    assert session.run_line(f"note {reference} second") == 0
    events = cli.show(reference)["events"]
    assert [event["on"] for event in events[-2:]] == ["2026-11-26", "2026-11-27"]
    assert seen[:2] == [date(2026, 11, 26), date(2026, 11, 27)]


@pytest.fixture
def completer(cli, db_location):
    import typer.main

    from complaintctl.cli import app

    return Completer(typer.main.get_command(app), reference_finder(lambda: db_location))


def test_completes_commands_subcommands_and_options(completer):
    assert "show " in completer.candidates("sh", "sh")
    assert "shell " in completer.candidates("sh", "sh")
    assert "exit " in completer.candidates("ex", "ex")
    assert "escalate " in completer.candidates("es", "es")
    assert completer.candidates("action ", "") == ["add ", "done ", "list "]
    assert "--status " in completer.candidates("list --st", "--st")
    assert "--outcome " in completer.candidates("close CMP-2026-00001 --out", "--out")
    assert completer.candidates("workdays add 2026-01-01 ", "") == []


def test_completes_case_references_from_the_database(cli, completer):
    first = log(cli, "Ann Example", "2025-06-02")
    second = log(cli, "Bob Example", "2026-11-02")
    third = log(cli, "Cat Example", "2026-11-03")
    assert completer.candidates("show ", "") == [f"{first} ", f"{second} ", f"{third} "]
    assert completer.candidates("show cmp-2026", "cmp-2026") == [f"{second} ", f"{third} "]
    assert completer.candidates("action add CMP-2025", "CMP-2025") == [f"{first} "]
    # the value of an option that takes one is not a reference
    assert completer.candidates(f"acknowledge {first} --handler ", "") == []
    assert completer.candidates("list ", "") == []


def test_completion_without_a_database_offers_nothing(tmp_path):
    import typer.main

    from complaintctl.cli import app

    completer = Completer(typer.main.get_command(app), reference_finder(lambda: str(tmp_path / "missing.db")))
    assert completer.candidates("show ", "") == []
