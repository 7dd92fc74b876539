"""How complaintctl reads at 80 columns and helps: tables that never split a word nor end a line
in spaces, whole command summaries, `REF` in usage lines, ranges in plain words, errors inside
`shell` that point at `help`, and shell completion for bash, zsh and fish. Whole processes, as a
person at a terminal or a pipe meets them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest

LONG_WORDS = ("supercalifragilisticexpialidociousness", "Shah-Montgomery-Wellington", "bartholomew.featherstonehaugh@averyverylongdomainname.example.org")


def run(*args: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("COMPLAINTCTL_", "_COMPLAINTCTL", "COMP_", "_TYPER"))}
    environment.update({"COLUMNS": "80", "NO_COLOR": "1", **(env or {})})
    return subprocess.run([sys.executable, "-m", "complaintctl", *args], capture_output=True, text=True, env=environment,
                          input=stdin, timeout=120, check=False)


@pytest.fixture
def crowded(cli, db_location) -> str:
    """A case whose every cell is longer than its column at 80 characters."""
    reference = cli.ok(
        "log", "--name", "Bartholomew Featherstonehaugh-Smythe", "--email", LONG_WORDS[2],
        "--address", "Flat 3, 14 Long Road\nMansfield NG18 1AB", "--service", "Environmental Health and Licensing",
        "--summary", f"Noise from the neighbouring premises every night, {LONG_WORDS[0]} loud and getting worse",
        "--received", "2026-11-05",
    ).stdout.split()[0]
    cli.ok("acknowledge", reference, "--handler", f"Priya {LONG_WORDS[1]}", "--on", "2026-11-06")
    cli.ok("note", reference, f"Called back; {LONG_WORDS[0]} noise confirmed by the officer on site", "--on", "2026-11-09")
    cli.ok("action", "add", reference, "--what", f"Install a {LONG_WORDS[0]} noise monitor at the property", "--due", "2026-12-01",
           "--owner", f"Team {LONG_WORDS[1]}", "--on", "2026-11-09")
    return reference


def words_whole(output: str) -> None:
    """Every piece of a long word in the output is the word itself, or its start shortened with …."""
    for token in output.split():
        for word in LONG_WORDS:
            piece = token.rstrip(",.;:")
            if len(piece) >= 5 and piece in word and piece != word:
                raise AssertionError(f"{word!r} is split: {piece!r} stands alone in\n{output}")


@pytest.mark.parametrize("command", [["show", "{ref}"], ["list"], ["list", "--search", "ng18"], ["action", "list"]])
def test_tables_at_80_columns_piped_split_no_word_and_end_no_line_in_spaces(crowded, db_location, command):
    result = run("--db", db_location, *(part.format(ref=crowded) for part in command))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines, "something was printed"
    assert [line for line in lines if line != line.rstrip()] == []
    assert max(len(line) for line in lines) <= 80
    words_whole(result.stdout)
    if command[0] == "show":
        # Long cells wrap at spaces: the summary's words are all there, in order.
        text = " ".join(result.stdout.split())
        assert "Noise from the neighbouring premises every night," in text
        assert f"{LONG_WORDS[0]}" in text or f"{LONG_WORDS[0][:20]}" in text


def test_the_table_check_catches_a_split_word():
    with pytest.raises(AssertionError):
        words_whole("Priya Shah-Montgomery-Welli\n      ngton")
    words_whole("Priya Shah-Montgomery-Welli…")


# -- help --------------------------------------------------------------------------------------------


def first_sentence(text: str) -> str:
    paragraph = " ".join(text.split("\n\n")[0].split())
    end = paragraph.find(". ")
    return paragraph if end == -1 else paragraph[: end + 1]


def commands_section(help_text: str) -> dict[str, str]:
    """Each command of a `Commands:` section and its summary, its wrapped lines joined."""
    section = help_text.split("Commands:\n", 1)[1]
    found: dict[str, str] = {}
    name = None
    for line in section.splitlines():
        if re.match(r"^  \S", line):
            name, _, summary = line.strip().partition(" ")
            found[name] = summary.strip()
        elif line.strip() and name:
            found[name] += " " + line.strip()
    return found


def test_every_command_summary_reads_whole_at_80_columns():
    import typer.main

    from complaintctl.cli import app

    root = typer.main.get_command(app)
    groups = {"": root, **{name: command for name, command in root.commands.items() if hasattr(command, "commands")}}
    for path, group in groups.items():
        result = run(*([path] if path else []), "--help")
        assert result.returncode == 0, result.stderr
        assert max(len(line) for line in result.stdout.splitlines()) <= 80
        summaries = commands_section(result.stdout)
        assert set(summaries) == set(group.commands), path
        for name, command in group.commands.items():
            wanted = first_sentence(command.help or "")
            assert "..." not in summaries[name], (path, name)
            assert summaries[name] == wanted, (path, name)


def test_usage_lines_name_the_reference_ref():
    import typer.main

    from complaintctl.cli import app

    root = typer.main.get_command(app)
    paths = []
    for name, command in root.commands.items():
        paths += [[name, sub] for sub in getattr(command, "commands", {})] or [[name]]
    script = textwrap.dedent(
        f"""
        import sys
        from complaintctl.cli import app
        for path in {paths!r}:
            try:
                app([*path, "--help"], prog_name="complaintctl", standalone_mode=False)
            except SystemExit:
                pass
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"})
    usages = [line for line in result.stdout.splitlines() if line.startswith("Usage:")]
    assert len(usages) == len(paths) > 25
    assert [line for line in usages if "{" in line or "}" in line] == []
    assert "Usage: complaintctl show [OPTIONS] REF" in usages
    assert "Usage: complaintctl letter [OPTIONS] REF [KIND]" in usages
    assert "Usage: complaintctl action done [OPTIONS] REF NUMBER" in usages
    # Values are named by what they are, never by a Python type.
    assert re.findall(r"<(?:str|int|bool)>", result.stdout) == []
    assert re.search(r"--on DATE +When it happened", result.stdout)
    assert re.search(r"--days N +Extra working days", result.stdout)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["extend", "CMP-2026-00001", "--days", "0", "--reason", "r"], "Error: --days must be at least 1; see 'complaintctl extend --help'"),
        (["list", "--limit", "0"], "Error: --limit must be at least 1; see 'complaintctl list --help'"),
        (["overdue", "--within", "261"], "Error: --within must be at most 260; see 'complaintctl overdue --help'"),
        (["letter", "CMP-2026-00001", "--stage", "3"], "Error: --stage must be at most 2; see 'complaintctl letter --help'"),
        (["workdays", "add", "2026-11-02", "3651"], "Error: DAYS must be at most 3650; see 'complaintctl workdays add --help'"),
        (["workdays", "add", "2026-11-02", "-1"], "Error: DAYS must be at least 0; see 'complaintctl workdays add --help'"),
        (["ombudsman", "comply", "CMP-2026-00001", "0"], "Error: NUMBER must be at least 1; see 'complaintctl ombudsman comply --help'"),
    ],
)
def test_a_number_out_of_range_says_so_in_plain_words(cli, arguments, message):
    outcome = cli(*arguments)
    assert outcome.exit_code == 2
    assert outcome.stderr == message + "\n"
    assert "Invalid value" not in outcome.stderr and "pydantic" not in outcome.stderr.lower()


def test_report_annual_without_a_year_is_a_usage_error(cli):
    outcome = cli("report", "annual")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("Error: say which year with --year YYYY")
    assert outcome.stdout == ""


def test_errors_inside_shell_point_at_help(cli, db_location):
    reference = cli.ok("log", "--name", "Ann Example", "--summary", "s", "--received", "2026-11-02").stdout.split()[0]
    result = run("--db", db_location, "shell", stdin=(
        "extend X --days 0 --reason r\n"
        "list --bogus\n"
        "nosuch\n"
        f"show {reference[:-1]}9\n"
        "show XYZ-1999-1\n"
        f"acknowledge {reference} --on 2026-11-03\n"
        f"acknowledge {reference} --on 2026-11-03\n"
    ))
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: --days must be at least 1; see 'help extend'"
    assert lines[1] == "Error: No such option: --bogus; see 'help list'"
    assert lines[2] == "Error: No such command 'nosuch'; see 'help'"
    assert lines[3].startswith(f"Error: no case with reference {reference[:-1]}9; did you mean {reference}")
    assert lines[4] == "Error: no case with reference XYZ-1999-1; check it with `list`"
    assert "complaintctl" not in result.stderr
    # The same errors on the command line still name the command.
    assert "see 'complaintctl list --help'" in cli("list", "--bogus").stderr
    assert "check it with `complaintctl list`" in cli("show", "XYZ-1999-1").stderr


# -- shell completion --------------------------------------------------------------------------------


@pytest.mark.parametrize(("shell", "marker"), [("bash", "complete_bash"), ("zsh", "complete_zsh"), ("fish", "complete_fish")])
def test_show_completion_prints_the_script_for_each_shell(shell, marker):
    result = run("--show-completion", shell, env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert result.returncode == 0, result.stderr
    assert "_COMPLAINTCTL_COMPLETE=" + marker in result.stdout
    assert "complaintctl" in result.stdout
    if shell == "bash":
        assert "complete -o default -F _complaintctl_completion complaintctl" in result.stdout


def test_install_completion_writes_the_script_into_the_home_folder(tmp_path):
    result = run("--install-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    script = tmp_path / ".bash_completions" / "complaintctl.sh"
    assert "_COMPLAINTCTL_COMPLETE=complete_bash" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()


def bash_completes(*words: str) -> list[str]:
    """What bash's completion offers for the last word of `complaintctl words…`."""
    line = " ".join(["complaintctl", *words])
    result = run(env={"_COMPLAINTCTL_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words))})
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_completion_offers_commands_options_letter_kinds_and_exclusion_codes():
    assert bash_completes("ac") == ["acknowledge", "action"]
    assert "escalate" in bash_completes("")
    assert bash_completes("list", "--st") == ["--status", "--stage"]
    from complaintctl.domain.vocabulary import LETTER_KINDS

    assert bash_completes("letter", "CMP-2026-00001", "") == list(LETTER_KINDS)
    assert {"acknowledgement", "decision", "closure", "restriction"} <= set(LETTER_KINDS)
    assert bash_completes("letter", "CMP-2026-00001", "de") == ["decision"]
    assert bash_completes("close", "CMP-2026-00001", "--exclusion", "dup") == ["duplicate"]
    assert "over-12-months" in bash_completes("close", "CMP-2026-00001", "--exclusion", "")
    assert bash_completes("close", "CMP-2026-00001", "--outcome", "part") == ["partly-upheld"]
    assert bash_completes("list", "--status", "l") == ["live"]


def test_zsh_and_fish_completion_offer_the_letter_kinds():
    zsh = run(env={"_COMPLAINTCTL_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "complaintctl letter CMP-2026-00001 "})
    assert "decision" in zsh.stdout and "closure" in zsh.stdout
    fish = run(env={"_COMPLAINTCTL_COMPLETE": "complete_fish", "_TYPER_COMPLETE_ARGS": "complaintctl close X --exclusion ",
                    "_TYPER_COMPLETE_FISH_ACTION": "get-args"})
    assert "duplicate" in fish.stdout.split()


def test_completion_offers_the_references_of_the_database(cli, db_location):
    made = [cli.ok("log", "--name", f"P {n}", "--summary", "s", "--received", "2026-11-02").stdout.split()[0] for n in range(12)]
    assert bash_completes("--db", db_location, "show", "CMP-2026-0001") == made[9:]
    assert bash_completes("--db", db_location, "letter", "CMP-2026-0000") == made[:9]
    assert bash_completes("--db", db_location + ".missing", "show", "CMP") == []
