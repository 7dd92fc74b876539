"""The app and its global options.

Every command module registers its commands on `app` when imported (see `cli/__init__.py`),
asks `settings` (cli/process_settings.py) for today, the policy and the database, and wraps its function
in `handled` (cli/refusals.py) so that any refusal is one `Error: …` line and an exit code, never
a traceback.

Start-up is kept light: the database, templating and holiday libraries are imported inside the
commands that use them, never at module level. The command modules do not postpone their
annotations (no `from __future__ import annotations`): Typer reads every command's signature at
each start, and annotations kept as strings would be compiled again each time.
"""

import sys
from typing import Optional

import typer

from complaintctl import __version__
from complaintctl.cli.refusals import brief, fail, handled, in_words_of_this_session
from complaintctl.cli.process_settings import Settings, settings
from complaintctl.domain.text import ONE_LINE, problem

# What every command module takes from here with `app`, wherever it is defined.
__all__ = ["Settings", "app", "fail", "handled", "main", "settings"]

try:
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # Typer releases that use click itself
    from click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperCommand, TyperGroup

from complaintctl.cli.coercion import use_plain_values

use_plain_values()


def _name_values(command, ctx) -> None:
    """Give each option that takes a value a word for it in help, `--on DATE`, `--days N`,
    `--name TEXT`, where Typer shows the Python type (`<str>`)."""
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            # The argument's name says what it is (`REF`); no type beside it.
            param.display_type_rich = lambda ctx: None
            param.metavar = (param.metavar or param.name).upper()
            continue
        if param.param_type_name != "option" or param.metavar is not None or getattr(param, "is_flag", False):
            continue
        callback = getattr(param, "callback", None)
        annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
        if getattr(callback, "__name__", "") == "date_value":
            param.metavar = "DATE"
        elif annotation is int or annotation == list[int]:
            param.metavar = "N"
        else:
            param.metavar = "TEXT"


class Command(TyperCommand):
    """A command whose usage line names its arguments as help does, `REF [KIND]`, without the
    braces Typer puts round a required one."""

    def format_options(self, ctx, formatter):
        _name_values(self, ctx)
        super().format_options(ctx, formatter)

    def collect_usage_pieces(self, ctx):
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = (param.metavar or param.name or "").upper()
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class Group(TyperGroup):
    """A group whose `--help` gives each command's summary whole (its first sentence, wrapped),
    where click cuts it to the room left on one line."""

    def format_options(self, ctx, formatter):
        _name_values(self, ctx)
        super().format_options(ctx, formatter)

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class OneLineErrors(Group):
    """A malformed command line is one `Error: …` line and exit 2, like every other refusal."""

    def make_context(self, *args, **kwargs):
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _one_line_usage_errors():
            return super().invoke(ctx)


class _one_line_usage_errors:
    def __enter__(self):
        return self

    def __exit__(self, kind, error, _traceback):
        if not isinstance(error, UsageError) or isinstance(error, NoArgsIsHelpError):
            return False
        hint = ""
        if error.ctx is not None:
            hint = f"; see '{error.ctx.command_path} --help'"
            if settings.in_shell:
                hint = f"; see '{' '.join(['help', *error.ctx.command_path.split()[1:]])}'"
        message = brief(error.format_message()).rstrip(".")
        sys.stderr.write(f"Error: {in_words_of_this_session(message)}{hint}\n")
        raise typer.Exit(error.exit_code) from None




app = typer.Typer(
    cls=OneLineErrors,
    name="complaintctl",
    help="Run the statutory two-stage complaints process: log, acknowledge, extend, close, escalate; "
    "working-day deadlines, letters and reports.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)




def _officer_value(param: typer.CallbackParam, value: Optional[str]) -> Optional[str]:
    """`--officer` or COMPLAINTCTL_OFFICER: one line of at most 200 characters, like every name
    (see `domain.text`), refused before any command runs. The error names both."""
    found = None if value is None else problem(value, ONE_LINE)
    if found is not None:
        raise typer.BadParameter(found, param=param)
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"complaintctl {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Optional[str] = typer.Option(None, "--db", envvar="COMPLAINTCTL_DB", help="SQLite file, or a postgresql+psycopg:// URL."),
    config: Optional[str] = typer.Option(None, "--config", envvar="COMPLAINTCTL_CONFIG", help="Policy file (TOML)."),
    officer: Optional[str] = typer.Option(None, "--officer", envvar="COMPLAINTCTL_OFFICER", callback=_officer_value, help="Who is recording (default: login name)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    settings.start(db, config, officer)


# The global options that take a value: the word after one of them is not the command.
VALUED_OPTIONS = ("--db", "--config", "--officer")


def invoked_command(arguments: list[str]) -> Optional[str]:
    """The command a command line runs, or None when it names none (`--help`, `--version`)."""
    after_option = False
    for word in arguments:
        if after_option:
            after_option = False
        elif word in VALUED_OPTIONS:
            after_option = True
        elif not word.startswith("-"):
            return word
    return None


def build_only(name: Optional[str]) -> None:
    """Keep on the app only the command (or group) `name`, when it is one.

    Typer turns every registered command into a click command each time it starts, reading
    every signature; a process runs one command, so only that one is built. The top-level help,
    an unknown name (which click then reports with the list) and `shell` (which runs any
    command) keep them all.
    """
    if name is None or name == "shell":
        return
    commands = [info for info in app.registered_commands if (info.name or info.callback.__name__.replace("_", "-")) == name]
    groups = [info for info in app.registered_groups if info.name == name]
    if commands or groups:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups


def use_plain_help(typer_app: typer.Typer = app) -> None:
    """Have every command and group of the app, however deep, print its help as `Command` and
    `Group` do: usage lines with `REF`, summaries whole."""
    for info in typer_app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = Command
    for group in typer_app.registered_groups:
        group.cls = Group
        use_plain_help(group.typer_instance)


def main() -> None:
    """The `complaintctl` console script: imports and builds only the command it runs."""
    from complaintctl.cli import start_collecting
    from complaintctl.cli.commands import register

    name = invoked_command(sys.argv[1:])
    register(name)
    use_plain_help()
    build_only(name)
    start_collecting()
    app(prog_name="complaintctl")
