"""Option callbacks and option factories shared by the commands.

Each callback takes what was typed and returns the value the command works with (a date, whole
pence, a lower-case choice, text as it is kept), or raises `typer.BadParameter`, which the app
prints as one line with exit 2. Lists of choices are passed in from where they are defined (the
domain vocabulary, the policy, the report formats), never copied here; so are the rules for
text (`domain.text`): every option or argument that takes text a person typed goes through
`text_value`, as free text, one line, or a case reference.
"""

import errno
import os
from collections.abc import Iterable
from datetime import date
from typing import Any, Optional

import typer

from complaintctl.cli.runtime import settings
from complaintctl.domain.dates import ACCEPTED_FORMS, parse_date
from complaintctl.domain.text import FREE_TEXT, ONE_LINE, REFERENCE, TextRule, as_kept, is_email_address, problem


def alternatives(choices: Iterable[str]) -> str:
    """The choices for a help text: `a, b or c`."""
    words = list(choices)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


# -- callbacks -------------------------------------------------------------------------------------


def date_value(param: typer.CallbackParam, value: Optional[str]) -> Optional[date]:
    """A date in any of the accepted forms; 'today' is the day the command runs."""
    if value is None or isinstance(value, date):
        return value
    try:
        return parse_date(value, settings.today)
    except ValueError as problem:
        raise typer.BadParameter(str(problem), param=param) from None


def choice(*choices: str):
    """A callback that accepts one of `choices`, whatever its case or surrounding spaces."""

    def check(param: typer.CallbackParam, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        cleaned = value.strip().lower()
        if cleaned not in choices:
            raise typer.BadParameter(f"{value!r} is not one of: {', '.join(choices)}", param=param)
        return cleaned

    return check


def completes(*choices: str):
    """Shell completion (`--install-completion`) of a value that is one of `choices`."""

    def complete(incomplete: str) -> list[str]:
        typed = incomplete.lower()
        return [word for word in choices if word.startswith(typed)]

    return complete


def money(param: typer.CallbackParam, value: Optional[str]) -> Optional[int]:
    """Pounds as typed (250, 250.00, £250.5, 1,250) to whole pence (domain.money)."""
    if value is None:
        return None
    from complaintctl.domain.money import pence

    try:
        return pence(value)
    except ValueError as problem:
        raise typer.BadParameter(str(problem), param=param) from None


def text_value(rule: TextRule):
    """A callback that refuses text the rule does not allow (see `domain.text`), naming the option
    and, for a value too long, the limit; each value of a repeated option is checked."""

    def check_one(param: typer.CallbackParam, value: str) -> str:
        found = problem(value, rule)
        if found is not None:
            raise typer.BadParameter(found, param=param)
        return as_kept(value, rule)

    def check(param: typer.CallbackParam, value: Any) -> Any:
        if isinstance(value, str):
            return check_one(param, value)
        if isinstance(value, (list, tuple)):
            return [check_one(param, item) for item in value]
        return value

    return check


free_text = text_value(FREE_TEXT)
one_line = text_value(ONE_LINE)
case_reference = text_value(REFERENCE)


def email_address(param: typer.CallbackParam, value: Optional[str]) -> Optional[str]:
    """One line, with something before the @ and a dot after it, no spaces."""
    if value is None:
        return None
    cleaned = one_line(param, value).strip()
    if not is_email_address(cleaned):
        raise typer.BadParameter(f"{value!r} is not an email address", param=param)
    return cleaned


def letter_path(ctx: typer.Context, param: typer.CallbackParam, value: Optional[str]) -> Optional[str]:
    """A file to write a step's letter to, in a folder that exists; checked before the step is
    recorded, so a letter that could not be written never leaves a step without it. A link is
    refused, and an existing file unless --force (an eager option, read first) was given."""
    if value is None:
        return value
    try:
        os.lstat(value)
    except FileNotFoundError:
        pass
    except OSError as problem:
        # A name too long, a loop of links, a folder that may not be searched: os.path's checks
        # below would answer False, and the letter would then fail after its step was recorded.
        too_long = problem.errno == errno.ENAMETOOLONG
        raise typer.BadParameter(
            f"the file name is too long ({len(value):,} characters); choose a shorter one" if too_long
            else f"{value!r} cannot be used ({problem.strerror}); choose another file",
            param=param,
        ) from None
    folder = os.path.dirname(os.path.abspath(value))
    if not os.path.isdir(folder):
        raise typer.BadParameter(f"the folder of {value!r} does not exist", param=param)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise typer.BadParameter(f"the folder of {value!r} is not writable; choose another file", param=param)
    if os.path.islink(value):
        raise typer.BadParameter(f"{value!r} is a symbolic link; letters are never written through one, choose another file", param=param)
    if os.path.exists(value) and not ctx.params.get("force"):
        raise typer.BadParameter(f"{value!r} already exists; choose another file, or add --force to replace it", param=param)
    return value


# -- options used by many commands -----------------------------------------------------------------

CASE_JSON_HELP = "Print the case as JSON on stdout."


def on_option():
    """`--on DATE`: when the step happened, default today."""
    return typer.Option("today", "--on", callback=date_value, help=f"When it happened ({ACCEPTED_FORMS}); default today.")


def json_option(help: str = CASE_JSON_HELP):
    """`--json`: print JSON on stdout instead of a message."""
    return typer.Option(False, "--json", help=help)


def text_option(*names: str, help: str, default: Any = None):
    """A free-text option: lines of text, at most 20,000 characters, no control characters."""
    return typer.Option(default, *names, callback=free_text, help=help)


def line_option(*names: str, help: str, default: Any = None, **settings: Any):
    """A one-line option (a name, a handler, a service): at most 200 characters, no line break.
    `settings` are Typer's (an `autocompletion`)."""
    return typer.Option(default, *names, callback=one_line, help=help, **settings)


# Shell completion offers at most this many references.
COMPLETED_REFERENCES = 200


def complete_reference(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of a case reference: the references of the command line's database
    (--db or COMPLAINTCTL_DB, else the default) that start with what was typed."""
    location = ctx.find_root().params.get("db") or settings.database()
    try:
        from complaintctl.storage.reader import references_starting

        return references_starting(location, incomplete.strip().upper(), COMPLETED_REFERENCES)
    except Exception:  # noqa: BLE001 - no database yet, or it is busy: offer nothing
        return []


def reference_argument():
    """`REF`: a case reference; control characters are refused before any case is looked up."""
    return typer.Argument(
        ..., callback=case_reference, metavar="REF", autocompletion=complete_reference, help="Case reference, e.g. CMP-2026-00012."
    )


def force_option(what: str = "the file"):
    """`--force`: replace an existing file. Eager, so the file options can see it."""
    return typer.Option(False, "--force", is_eager=True, help=f"Replace {what} if it already exists.")


def letter_file_option():
    """`--letter FILE`: also write the step's letter."""
    return typer.Option(None, "--letter", callback=letter_path, help="Also write this step's letter to FILE (.txt, .html or .eml).")
