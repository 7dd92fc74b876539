"""Start-up stays light: the database, templating and holiday libraries load only when used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("sqlmodel", "sqlalchemy", "jinja2", "holidays")


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
                     "action", "action add", "action done", "action list", "workdays", "workdays add",
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
