"""The commonest command lines, run without Typer.

Importing Typer and building even one command takes longer than `show` itself. The lane reads
the command lines an officer types all day (the global options, then `show REF`, `log` with its
options, `list --json` with its filters, or `letter REF [KIND]` with its options), checks each
value as the option's callback does, and runs the command's body (cli/bodies.py) under the same
refusals (cli/refusals.py). Anything else, or anything it is not sure of (help, shell
completion, an unknown or repeated option, a value a check refuses, a value that begins with a
dash), it leaves to Typer, which reads the command line afresh and
answers as it always has: reading changes nothing, so nothing is done twice.
"""

import os
from typing import Any, Callable, Optional

from complaintctl.cli.process_settings import settings
from complaintctl.domain.text import FREE_TEXT, ONE_LINE, REFERENCE, TextRule, as_kept, is_email_address, problem
from complaintctl.domain.vocabulary import (
    CASE_TYPES, CHANNELS, LETTER_FORMATS, LETTER_KINDS, PREFERRED_CONTACT, statuses_named,
)  # fmt: skip

# The global options, each with its environment variable (read when the option is not given).
GLOBAL_OPTIONS = {"--db": "COMPLAINTCTL_DB", "--config": "COMPLAINTCTL_CONFIG", "--officer": "COMPLAINTCTL_OFFICER"}
# Set by a shell asking Typer to complete a word.
COMPLETION_VARIABLE = "_COMPLAINTCTL_COMPLETE"


class LeftToTyper(Exception):
    """A command line the lane does not read in full."""


def _text(rule: TextRule) -> Callable[[str], str]:
    def check(value: str) -> str:
        if problem(value, rule) is not None:
            raise LeftToTyper
        return as_kept(value, rule)

    return check


def _email(value: str) -> str:
    cleaned = _text(ONE_LINE)(value).strip()
    if not is_email_address(cleaned):
        raise LeftToTyper
    return cleaned


def _choice(*choices: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        cleaned = value.strip().lower()
        if cleaned not in choices:
            raise LeftToTyper
        return cleaned

    return check


def _date(value: str):
    from complaintctl.domain.dates import parse_date

    try:
        return parse_date(value, settings.today)
    except ValueError:
        raise LeftToTyper from None


line, free_text, reference = _text(ONE_LINE), _text(FREE_TEXT), _text(REFERENCE)


class Shape:
    """A command's options as the lane reads them: each option that takes a value, with its check
    and the name of the value it fills; each flag, with the name and the value it sets; the
    arguments, each with its check; and the defaults, as the command's options have them."""

    def __init__(
        self,
        valued: dict[str, tuple[str, Callable[[str], Any]]],
        flags: dict[str, tuple[str, Any]],
        arguments: tuple[Callable[[str], Any], ...] = (),
        defaults: Optional[dict[str, Any]] = None,
    ) -> None:
        self.valued, self.flags, self.arguments, self.defaults = valued, flags, arguments, defaults or {}

    def read(self, words: list[str]) -> tuple[list[Any], dict[str, Any]]:
        values: dict[str, Any] = {}
        given: set[str] = set()
        arguments: list[Any] = []
        position = 0
        while position < len(words):
            word = words[position]
            position += 1
            if not word.startswith("-"):
                if len(arguments) == len(self.arguments):
                    raise LeftToTyper
                arguments.append(self.arguments[len(arguments)](word))
                continue
            option, has_value, value = word.partition("=")
            if option in given:
                raise LeftToTyper
            given.add(option)
            if option in self.flags and not has_value:
                name, set_to = self.flags[option]
                if name in values:
                    raise LeftToTyper  # --housing and --no-housing together
                values[name] = set_to
            elif option in self.valued:
                if not has_value:
                    if position == len(words):
                        raise LeftToTyper
                    value = words[position]
                    position += 1
                if value.startswith("-"):
                    raise LeftToTyper
                name, check = self.valued[option]
                values[name] = check(value)
            else:
                raise LeftToTyper
        if len(arguments) != len(self.arguments):
            raise LeftToTyper
        for name, default in self.defaults.items():
            if name not in values:
                values[name] = default() if callable(default) else default
        return arguments, values


SHOW = Shape(valued={}, flags={"--json": ("as_json", True), "--explain": ("explain", True)}, arguments=(reference,))

LOG = Shape(
    valued={
        "--name": ("name", line),
        "--email": ("email", _email),
        "--phone": ("phone", line),
        "--address": ("address", free_text),
        "--preferred-contact": ("preferred_contact", _choice(*PREFERRED_CONTACT)),
        "--channel": ("channel", _choice(*CHANNELS)),
        "--representative": ("representative", line),
        "--representative-email": ("representative_email", _email),
        "--representative-address": ("representative_address", free_text),
        "--service": ("service", line),
        "--category": ("category", line),
        "--summary": ("summary", free_text),
        "--outcomes-sought": ("outcomes_sought", free_text),
        "--received": ("received_on", _date),
        "--issue-date": ("issue_date", _date),
        "--adjustments": ("adjustments", free_text),
        "--type": ("type", _choice(*CASE_TYPES)),
    },
    flags={"--anonymous": ("anonymous", True), "--housing": ("housing", True), "--no-housing": ("housing", False), "--json": ("as_json", True)},
    defaults={"received_on": lambda: settings.today, "type": "complaint", "anonymous": False},
)


def _run_show(words: list[str]) -> Callable[[], None]:
    from complaintctl.cli import bodies

    (case_reference,), values = SHOW.read(words)
    return lambda: bodies.show(case_reference, values.get("as_json", False), values.get("explain", False))


def _run_log(words: list[str]) -> Callable[[], None]:
    from complaintctl.cli import bodies

    _, values = LOG.read(words)
    as_json = values.pop("as_json", False)
    fields = {name: values.get(name) for name in LOGGED_FIELDS}
    return lambda: bodies.log(fields, as_json)


# The fields `log` gives the service, in the order its Typer command gives them.
LOGGED_FIELDS = (
    "type", "name", "email", "phone", "address", "preferred_contact", "channel", "representative",
    "representative_email", "representative_address", "anonymous", "service", "category", "summary",
    "outcomes_sought", "received_on", "issue_date", "housing", "adjustments",
)

def _statuses(value: str) -> list[str]:
    try:
        return statuses_named(value)
    except ValueError:
        raise LeftToTyper from None


def _stage(value: str) -> int:
    """1 or 2, written as such (any other spelling Typer reads, or refuses)."""
    if value not in ("1", "2"):
        raise LeftToTyper
    return int(value)


def _count(value: str) -> int:
    """A whole number from 1, in plain digits."""
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise LeftToTyper
    return int(value)


# `list --json` (the table and CSV, and the long spellings --received-from/--received-to, are Typer's).
LIST = Shape(
    valued={
        "--status": ("status", _statuses),
        "--search": ("search", line),
        "--stage": ("stage", _stage),
        "--handler": ("handler", line),
        "--service": ("service", line),
        "--from": ("received_from", _date),
        "--to": ("received_to", _date),
        "--type": ("case_type", _choice(*CASE_TYPES)),
        "--limit": ("limit", _count),
    },
    flags={"--json": ("as_json", True)},
)
LISTED_FILTERS = ("status", "stage", "handler", "service", "received_from", "received_to", "case_type", "limit", "search")

LETTER_OPTIONS = {
    "valued": {"--stage": ("stage", _stage), "--format": ("fmt", _choice(*LETTER_FORMATS)), "--out": ("out", str)},
    "flags": {"--force": ("force", True)},
}
LETTER = Shape(**LETTER_OPTIONS, arguments=(reference,))
LETTER_OF_KIND = Shape(**LETTER_OPTIONS, arguments=(reference, _choice(*LETTER_KINDS)))


def _run_list(words: list[str]) -> Callable[[], None]:
    from complaintctl.cli import bodies

    _, values = LIST.read(words)
    if not values.pop("as_json", False):
        raise LeftToTyper
    filters = {name: values.get(name) for name in LISTED_FILTERS}
    return lambda: bodies.list_json(filters)


def _run_letter(words: list[str]) -> Callable[[], None]:
    from complaintctl.cli import bodies

    try:
        (case_reference,), values = LETTER.read(words)
        kind = None
    except LeftToTyper:
        (case_reference, kind), values = LETTER_OF_KIND.read(words)
    fmt, out = values.get("fmt"), values.get("out")
    if out is not None:
        from complaintctl.output.letters import format_of_suffix

        named = format_of_suffix(out)
        if fmt and named and fmt != named:
            raise LeftToTyper  # a contradiction Typer refuses as a usage error
        fmt = fmt or named
    return lambda: bodies.letter(case_reference, kind, values.get("stage"), fmt, out, values.get("force", False))


COMMANDS = {"show": _run_show, "log": _run_log, "list": _run_list, "letter": _run_letter}


def _global_options(arguments: list[str]) -> tuple[dict[str, Optional[str]], int]:
    """The global options given before the command, and where the command's name is."""
    given: dict[str, Optional[str]] = {}
    position = 0
    while position < len(arguments) and arguments[position].startswith("-"):
        option, has_value, value = arguments[position].partition("=")
        if option not in GLOBAL_OPTIONS or option in given:
            raise LeftToTyper
        if not has_value:
            if position + 1 == len(arguments):
                raise LeftToTyper
            value = arguments[position + 1]
            position += 1
        if value.startswith("-"):
            raise LeftToTyper
        given[option] = value
        position += 1
    for option, variable in GLOBAL_OPTIONS.items():
        if option not in given:
            given[option] = os.environ.get(variable) or None
    officer = given["--officer"]
    if officer is not None and problem(officer, ONE_LINE) is not None:
        raise LeftToTyper
    return given, position


def run(arguments: list[str], before_running: Callable[[], None]) -> bool:
    """Run the command line when the lane reads it in full (calling `before_running` once it is
    read); False when it is Typer's to run."""
    from complaintctl.cli.refusals import handled

    if COMPLETION_VARIABLE in os.environ:
        return False
    try:
        given, position = _global_options(arguments)
        if position == len(arguments) or arguments[position] not in COMMANDS:
            return False
        settings.start(given["--db"], given["--config"], given["--officer"])
        command = COMMANDS[arguments[position]](arguments[position + 1 :])
    except LeftToTyper:
        return False
    before_running()
    handled(command)()
    return True
