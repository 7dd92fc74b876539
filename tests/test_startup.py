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


def test_importing_the_cli_loads_no_heavy_library():
    result = run_python(
        """
        import json, sys
        import complaintctl.cli
        print(json.dumps(sorted(sys.modules)))
        """
    )
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout)
    assert "complaintctl.cli" in modules and "typer" in modules
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
# holidays library are off every path; SQLAlchemy off every read; Jinja only for letters and
# the annual report; rich's tables only where a table is printed.
NEVER = ("pydantic", "sqlmodel", "holidays")
READ = (*NEVER, "sqlalchemy")
COMMANDS = [
    (["show", "{ref}", "--json"], (*READ, "jinja2", "rich.table")),
    (["show", "{ref}"], (*READ, "jinja2")),
    (["show", "{ref}", "--explain"], (*READ, "jinja2")),
    (["list", "--status", "open", "--json"], (*READ, "jinja2", "rich.table")),
    (["list"], (*READ, "jinja2")),
    (["list", "--search", "ng18 1ab", "--status", "live", "--json"], (*READ, "jinja2", "rich.table")),
    (["list", "--search", "a"], (*READ, "jinja2")),
    (["overdue", "--json"], (*READ, "jinja2", "rich.table")),
    (["overdue"], (*READ, "jinja2", "rich.table")),
    (["letter", "{ref}"], (*READ, "rich.table")),
    (["explain", "{ref}"], (*READ, "jinja2", "rich.table")),
    (["explain", "{ref}", "--json"], (*READ, "jinja2", "rich.table")),
    (["report", "annual", "--year", "2026", "--json"], (*READ, "jinja2", "rich.table")),
    (["workdays", "add", "2026-12-24", "5", "--json"], (*READ, "jinja2", "rich.table")),
    (["log", "--name", "B", "--summary", "s", "--received", "2026-11-27", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["note", "{ref}", "a note", "--json"], (*NEVER, "jinja2", "rich.table")),
    (["extend", "{ref}", "--days", "abc", "--reason", "r"], (*NEVER, "jinja2", "rich.table")),
]


@pytest.fixture(scope="module")
def acknowledged(tmp_path_factory) -> tuple[str, str]:
    from typer.testing import CliRunner

    from complaintctl.cli import app

    db = str(tmp_path_factory.mktemp("startup") / "complaints.db")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "init"]).exit_code == 0
    logged = runner.invoke(app, ["--db", db, "log", "--name", "A", "--summary", "s", "--received", "2026-11-25"])
    reference = logged.stdout.strip()
    assert runner.invoke(app, ["--db", db, "acknowledge", reference, "--on", "2026-11-26"]).exit_code == 0
    return db, reference


@pytest.mark.parametrize(("arguments", "forbidden"), COMMANDS, ids=[" ".join(args[:2]) for args, _ in COMMANDS])
def test_each_command_imports_only_what_it_needs(acknowledged, arguments, forbidden):
    db, reference = acknowledged
    command = ["--db", db, *(part.format(ref=reference) for part in arguments)]
    result = run_python(
        f"""
        import json, sys
        from complaintctl.cli import app
        try:
            app({command!r}, prog_name="complaintctl", standalone_mode=False)
        except SystemExit:
            pass
        except Exception as problem:
            sys.stderr.write(type(problem).__name__)
        sys.stdout.flush()
        sys.stderr.write(chr(10) + json.dumps(sorted(sys.modules)))
        """
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = json.loads(result.stderr.splitlines()[-1])
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
