"""Start-up stays light: the database, templating and holiday libraries load only when used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("sqlmodel", "sqlalchemy", "jinja2", "holidays", "pydantic")


def run_python(code: str, *options: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COMPLAINTCTL_")}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, *options, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120
    )


def heavy_loaded(modules) -> list[str]:
    return sorted(name for name in modules if name.split(".")[0] in HEAVY)


def test_importing_the_cli_loads_no_heavy_library_nor_typer():
    """Typer is imported only once the lane (cli/lane.py) has left the command line to it."""
    result = run_python(
        """
        import json, sys
        import complaintctl.cli
        print(json.dumps(sorted(sys.modules)))
        """
    )
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout)
    assert "complaintctl.cli" in modules and "typer" not in modules
    assert heavy_loaded(modules) == []


def test_help_loads_no_heavy_library_for_any_command():
    """`--help` of the app and of every command and subcommand, in one process."""
    result = run_python(
        """
        import json, sys
        from complaintctl.cli import app
        import typer.main

        root = typer.main.get_command(app)
        paths = [[]]
        for name, command in root.commands.items():
            paths.append([name])
            for sub in getattr(command, "commands", {}):
                paths.append([name, sub])
        codes = {}
        for path in paths:
            try:
                app([*path, "--help"], prog_name="complaintctl", standalone_mode=False)
                codes[" ".join(path)] = 0
            except SystemExit as done:
                codes[" ".join(path)] = done.code
        sys.stdout.flush()
        sys.stderr.write(json.dumps({"codes": codes, "modules": sorted(sys.modules)}))
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stderr)
    assert {path: code for path, code in report["codes"].items() if code not in (0, None)} == {}
    for expected in ("", "log", "acknowledge", "extend", "update", "close", "escalate", "note", "show", "list",
                     "action", "action add", "action done", "action list", "workdays", "workdays add", "explain",
                     "workdays between", "init"):
        assert expected in report["codes"], expected
    assert heavy_loaded(report["modules"]) == []
    assert "Usage: complaintctl" in result.stdout


def test_the_installed_command_help_by_importtime():
    """The real entry point (`python -m complaintctl --help`), checked with -X importtime."""
    result = run_python(
        """
        import sys, runpy
        sys.argv = ["complaintctl", "--help"]
        runpy.run_module("complaintctl", run_name="__main__")
        """,
        "-X",
        "importtime",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Usage: complaintctl" in result.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")]
    assert "complaintctl.cli" in imported
    assert heavy_loaded(imported) == []


def test_the_console_script_help_exits_zero():
    script = os.path.join(os.path.dirname(sys.executable), "complaintctl")
    if not os.path.exists(script):
        pytest.skip("the complaintctl script is not installed beside this Python")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "Usage: complaintctl" in result.stdout and result.stderr == ""


def test_a_command_that_counts_working_days_takes_the_bank_holidays_from_data():
    """The holidays library is only asked for years outside the data kept in the package."""
    result = run_python(
        """
        import json, sys
        from complaintctl.cli import app
        before = [name for name in sys.modules if name.split(".")[0] == "holidays"]
        try:
            app(["workdays", "add", "2026-11-28", "5", "--json"], prog_name="complaintctl", standalone_mode=False)
        except SystemExit:
            pass
        after = [name for name in sys.modules if name.split(".")[0] == "holidays"]
        sys.stderr.write(json.dumps([before, bool(after)]))
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == {"start": "2026-11-28", "days": 5, "date": "2026-12-04"}
    assert json.loads(result.stderr) == [[], False]


def test_command_signatures_are_not_strings_to_compile_at_each_start():
    """Typer reads every command's signature on every run; postponed annotations would be strings
    that `typing.get_type_hints` compiles again each time."""
    import complaintctl.cli
    import typer.main

    group = typer.main.get_command(complaintctl.cli.app)
    callbacks = [command.callback for command in group.commands.values() if command.callback]
    for sub in group.commands.values():
        callbacks += [command.callback for command in getattr(sub, "commands", {}).values() if command.callback]
    assert len(callbacks) > 20
    for callback in callbacks:
        target = getattr(callback, "__wrapped__", callback)
        while hasattr(target, "__wrapped__"):
            target = target.__wrapped__
        textual = [name for name, value in target.__annotations__.items() if isinstance(value, str)]
        assert not textual, f"{target.__module__}.{target.__name__}: {textual}"


# What each command may not import on a SQLite file that is up to date. pydantic, the ORM and the
# holidays library are off every path, reads and writes alike; Jinja only for letters and the
# annual report; rich's tables only where a table is printed (`show` prints its own, without
# rich). Each command but the last runs to its end (a refusal before the database is opened
# would prove nothing about its path); the last is refused as it parses, and must not load the
# database libraries just to say so.
NEVER = ("pydantic", "sqlmodel", "sqlalchemy", "holidays")
COMMANDS = [
    (["show", "{ref}", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["show", "{ref}"], (*NEVER, "jinja2", "rich")),
    (["show", "{ref}", "--explain"], (*NEVER, "jinja2", "rich")),
    (["list", "--status", "open", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["list"], (*NEVER, "jinja2")),
    (["list", "--search", "ng18 1ab", "--status", "live", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["list", "--search", "a"], (*NEVER, "jinja2")),
    (["overdue", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["overdue"], (*NEVER, "jinja2", "rich.table")),
    (["letter", "{ref}"], (*NEVER, "rich.table")),
    (["explain", "{ref}"], (*NEVER, "jinja2", "rich.table")),
    (["explain", "{ref}", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["report", "annual", "--year", "2026", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["workdays", "add", "2026-12-24", "5", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["log", "--name", "B", "--summary", "s", "--received", "2026-11-27", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["log", "--name", "B", "--summary", "s", "--received", "2026-11-27"], (*NEVER, "jinja2", "rich.table")),
    (["acknowledge", "{fresh}", "--on", "2026-11-27", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["extend", "{ref}", "--days", "5", "--reason", "r", "--on", "2026-11-27", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["update", "{ref}", "--progress", "p", "--on", "2026-11-27"], (*NEVER, "jinja2", "rich.table")),
    (["note", "{ref}", "a note", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["close", "{to_close}", "--outcome", "upheld", "--reasons", "r", "--on", "2026-11-27", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["escalate", "{closed}", "--handler", "Other Officer", "--on", "2026-11-27", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["action", "add", "{ref}", "--what", "w", "--due", "2026-12-18", "--on", "2026-11-27"], (*NEVER, "jinja2", "rich.table")),
    (["extend", "{ref}", "--days", "abc", "--reason", "r"], (*NEVER, "jinja2", "rich.table")),
]
REFUSED_AS_IT_PARSES = ["extend", "{ref}", "--days", "abc", "--reason", "r"]


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> tuple[str, dict[str, str]]:
    """A database, and a case in the state each step needs: acknowledged (`ref`, which the
    steps that keep a case open share), new (`fresh`), acknowledged for closing (`to_close`),
    closed with a decision (`closed`)."""
    from typer.testing import CliRunner

    from complaintctl.cli import app

    db = str(tmp_path_factory.mktemp("startup") / "complaints.db")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "init"]).exit_code == 0
    found = {}
    for name in ("ref", "fresh", "to_close", "closed"):
        logged = runner.invoke(app, ["--db", db, "log", "--name", "A", "--summary", "s", "--received", "2026-11-25"])
        found[name] = logged.stdout.strip()
    for name in ("ref", "to_close", "closed"):
        acknowledged = ["acknowledge", found[name], "--on", "2026-11-26", "--handler", "First Officer"]
        assert runner.invoke(app, ["--db", db, *acknowledged]).exit_code == 0
    closed = ["close", found["closed"], "--outcome", "upheld", "--reasons", "r", "--on", "2026-11-26"]
    assert runner.invoke(app, ["--db", db, *closed]).exit_code == 0
    return db, found


def shown(arguments: list[str]) -> str:
    """The command's words before its first option or reference, and how it is run."""
    words = []
    for word in arguments:
        if word.startswith(("-", "{")):
            break
        words.append(word)
    return " ".join(words + ["--json"] * ("--json" in arguments) + ["refused"] * (arguments == REFUSED_AS_IT_PARSES))


@pytest.mark.parametrize(("arguments", "forbidden"), COMMANDS, ids=[shown(args) for args, _ in COMMANDS])
def test_each_command_imports_only_what_it_needs(cases, arguments, forbidden):
    db, references = cases
    command = ["--db", db, *(part.format(**references) for part in arguments)]
    result = run_python(
        f"""
        import json, sys
        from complaintctl.cli import app
        try:
            code = app({command!r}, prog_name="complaintctl", standalone_mode=False)
        except SystemExit as done:
            code = done.code
        except Exception as problem:
            code = type(problem).__name__
        sys.stdout.flush()
        sys.stderr.write(chr(10) + json.dumps([code, sorted(sys.modules)]))
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    code, modules = json.loads(result.stderr.splitlines()[-1])
    if arguments == REFUSED_AS_IT_PARSES:
        assert code == 2
    else:
        assert code in (0, None), result.stderr[-2000:]
    assert "complaintctl.cli" in modules
    loaded = sorted({name for name in modules for banned in forbidden if name == banned or name.startswith(banned + ".")})
    assert loaded == []


def test_a_command_line_builds_only_the_command_it_runs():
    result = run_python(
        """
        import json, sys
        import typer.main
        from complaintctl.cli import app
        from complaintctl.cli.runtime import build_only, invoked_command

        found = [invoked_command(words) for words in (
            ["--db", "x.db", "show", "CMP-1"], ["--db=x.db", "--officer", "Ann", "action", "list"],
            ["--version"], ["--config", "p.toml"], [],
        )]
        build_only(invoked_command(["--db", "x.db", "action", "list"]))
        built = sorted(typer.main.get_command(app).commands)
        sys.stdout.write(json.dumps([found, built]))
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found, built = json.loads(result.stdout)
    assert found == ["show", "action", None, None, None]
    assert built == ["action"]


@pytest.mark.parametrize("arguments", [["--help"], ["nosuch"], ["shell", "--help"], ["show", "--help"]])
def test_the_console_script_still_knows_every_command_where_it_must(arguments):
    script = os.path.join(os.path.dirname(sys.executable), "complaintctl")
    if not os.path.exists(script):
        pytest.skip("the complaintctl script is not installed beside this Python")
    result = subprocess.run([script, *arguments], capture_output=True, text=True, timeout=120)
    if arguments == ["--help"]:
        assert result.returncode == 0 and all(name in result.stdout for name in ("acknowledge", "ombudsman", "workdays", "shell"))
    elif arguments == ["nosuch"]:
        assert result.returncode == 2 and "No such command 'nosuch'" in result.stderr
    else:
        assert result.returncode == 0 and f"Usage: complaintctl {arguments[0]}" in result.stdout


def test_the_command_table_names_the_module_of_every_command():
    """cli/commands.py says which module registers each command: importing that module alone
    registers exactly the commands the table gives it, and every command is in the table."""
    result = run_python(
        """
        import importlib, json, sys
        from complaintctl.cli import commands, runtime

        def names():
            return {info.name or info.callback.__name__.replace("_", "-") for info in runtime.app.registered_commands} | {
                info.name for info in runtime.app.registered_groups}

        registered = {}
        for module in dict.fromkeys(commands.MODULES.values()):
            before = names()
            importlib.import_module(f"complaintctl.cli.{module}")
            registered[module] = sorted(names() - before)
        sys.stdout.write(json.dumps([registered, commands.MODULES]))
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    registered, table = json.loads(result.stdout)
    assert registered == {module: sorted(name for name, home in table.items() if home == module) for module in registered}


def test_help_lists_the_commands_in_the_order_of_the_table():
    import typer.main

    from complaintctl.cli import app, commands

    listed = list(typer.main.get_command(app).commands)
    groups = {info.name for info in app.registered_groups}
    in_table = list(commands.MODULES)
    assert listed == [name for name in in_table if name not in groups] + [name for name in in_table if name in groups]


# The console script imports the module of the command it runs and nothing of the others; a read
# never imports the steps that write, nor what it does not print with.
OTHER_COMMANDS = tuple(
    f"complaintctl.cli.{module}"
    for module in ("setup", "steps", "corrections", "team", "cases", "explain", "actions", "workdays", "integrity", "letters",
                   "overdue", "records", "reports", "shell")
)
WRITING = ("complaintctl.services.steps", "complaintctl.services.record_steps", "complaintctl.storage.store", "hashlib")
# Today's overdue list is read from the projected rows: no case is folded from its events, and
# no command but the records' own folds the report records.
FOLDING = ("complaintctl.domain.case", "complaintctl.domain.corrections", "complaintctl.domain.records")
# Nor does it read the roster or the restrictions (their reviews come as rows); `show` looks up
# the restriction on its complainant but never the roster.
ROSTER = ("complaintctl.domain.officers", "complaintctl.services.team")
NOT_READ = (ROSTER[0], "complaintctl.domain.restrictions")
# A listing reads the database alone: no policy, calendar, clock or officer.
POLICY = ("complaintctl.domain.policy", "complaintctl.domain.calendar", "complaintctl.services.context", "zoneinfo", "getpass")
# `show`, `log`, `list --json` and `letter` are run by the lane: neither Typer nor the app's runtime
# is imported for them.
TYPER = ("typer", "click", "complaintctl.cli.runtime", "complaintctl.cli.options")
CONSOLE_COMMANDS = [
    (["show", "{ref}", "--json"], "lane", (*NEVER, *WRITING, *ROSTER, *TYPER, "jinja2", "rich.table", "csv", FOLDING[2])),
    (["show", "{ref}"], "lane", (*NEVER, *WRITING, *ROSTER, *TYPER, "jinja2", "rich", "csv", FOLDING[2])),
    (["show", "{ref}", "--explain"], "lane", (*NEVER, *WRITING, *ROSTER, *TYPER, "jinja2", "rich", "csv")),
    (["--officer", "Ann Other", "log", "--name", "B", "--summary", "s", "--received", "25/11/2026", "--json"], "lane",
     (*NEVER, *TYPER, "jinja2", "rich.table", "csv")),
    (["log", "--name", "B", "--email", "b@example.org", "--type", "Compliment", "--no-housing"], "lane",
     (*NEVER, *TYPER, "jinja2", "rich", "csv")),
    (["show", "{ref}", "--json", "--json"], "cases", (*NEVER, *WRITING, *ROSTER, "jinja2", "rich.table", "csv", FOLDING[2])),
    (["list", "--status", "open", "--json"], "lane", (*NEVER, *WRITING, *TYPER, *POLICY, "jinja2", "rich", "csv")),
    # (a date typed may be `today`: the clock is read for it)
    (["list", "--received-from", "2026-01-01", "--json"], "cases",
     (*NEVER, *WRITING, *(name for name in POLICY if name != "zoneinfo"), "jinja2", "rich.table", "csv")),
    (["list"], "cases", (*NEVER, *WRITING, *POLICY, "jinja2", "csv")),
    (["overdue", "--json"], "overdue", (*NEVER, *WRITING, *FOLDING, *NOT_READ, "jinja2", "rich", "csv")),
    (["overdue"], "overdue", (*NEVER, *WRITING, *FOLDING, *NOT_READ, "jinja2", "rich", "csv")),
    (["letter", "{ref}"], "lane", (*TYPER, *NEVER, *WRITING[:3], "rich.table", "csv", FOLDING[2])),
    (["letter", "{ref}", "--stage", "01"], "letters", (*NEVER, *WRITING[:3], "rich.table", "csv", FOLDING[2])),
    (["report", "annual", "--year", "2026", "--json"], "reports", (*NEVER, *WRITING, "jinja2", "rich.table", "csv")),
]


@pytest.mark.parametrize(
    ("arguments", "own", "forbidden"), CONSOLE_COMMANDS, ids=[f"{' '.join(args[:2])} ({own})" for args, own, _ in CONSOLE_COMMANDS]
)
def test_the_console_script_imports_only_the_command_it_runs(cases, arguments, own, forbidden):
    db, references = cases
    command = ["complaintctl", "--db", db, *(part.format(**references) for part in arguments)]
    result = run_python(
        f"""
        import atexit, json, sys
        atexit.register(lambda: sys.stderr.write(chr(10) + json.dumps(sorted(sys.modules))))
        sys.argv = {command!r}
        from complaintctl.cli import main
        main()
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = json.loads(result.stderr.splitlines()[-1])
    assert f"complaintctl.cli.{own}" in modules
    assert ("typer" in modules) == (own != "lane")
    banned = (*(module for module in OTHER_COMMANDS if module != f"complaintctl.cli.{own}"), *forbidden)
    loaded = sorted({name for name in modules for ban in banned if name == ban or name.startswith(ban + ".")})
    assert loaded == []


@pytest.mark.parametrize("arguments", [["workdays", "add", "2026-12-24", "5", "--json"], ["show", "{ref}", "--json"]])
def test_the_command_runs_with_the_collector_as_it_was_and_start_up_frozen(cases, arguments):
    """Start-up runs with the collector held off; the command itself (Typer's, or the lane's) with
    Python's thresholds."""
    db, references = cases
    command = ["complaintctl", "--db", db, *(part.format(**references) for part in arguments)]
    result = run_python(
        f"""
        import atexit, gc, json, sys
        before = gc.get_threshold()
        import complaintctl.cli
        during = gc.get_threshold()
        atexit.register(lambda: sys.stderr.write(chr(10) + json.dumps([before, during, gc.get_threshold(), gc.get_freeze_count()])))
        sys.argv = {command!r}
        complaintctl.cli.main()
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    before, during, after, frozen = json.loads(result.stderr.splitlines()[-1])
    assert during[0] > before[0] and after == before
    assert frozen > (1000 if arguments[0] == "workdays" else 100)
