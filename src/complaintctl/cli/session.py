"""The interactive session: one process runs many commands, so start-up is paid once.

Each line is split like a shell would split it and run through the same command tree as the
command line, in this process. A refused or malformed command prints its error and the session
goes on. Standard input that is not a terminal is read line by line, so a script can pipe
commands in; the session then ends with the exit code of the last command that failed (0 when
every command succeeded).

A line is at most 100,000 characters (`domain.text.SHELL_LINE_LIMIT`); a longer one is refused
in one line, unsplit and unrun, and kept out of the history, and the session goes on. Reading,
splitting and checking a line all take time in proportion to its length: the splitter takes
whole runs of characters with one regular expression, where `shlex` adds to its word one
character at a time (a million-character word took it 40 seconds).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Optional

import typer

from complaintctl.domain.text import SHELL_LINE_LIMIT

QUIT_WORDS = ("exit", "quit", "q")
HELP_WORDS = ("help", "?")
SHELL_WORDS = (*QUIT_WORDS, *HELP_WORDS)
HISTORY_LENGTH = 2000
REFERENCE_LIMIT = 200


def global_arguments(db: Optional[str], config: Optional[str], officer: Optional[str]) -> list[str]:
    """The options given to `shell` itself, put in front of every line."""
    arguments: list[str] = []
    for option, value in (("--db", db), ("--config", config), ("--officer", officer)):
        if value:
            arguments += [option, value]
    return arguments


# One piece of a word (unquoted characters, a single- or double-quoted string, an escaped
# character) or the blanks between words, by the POSIX rules `shlex.split` follows.
_PIECE = re.compile(
    r"""(?P<plain>[^ \t\r\n'"\\]+)"""
    r"""|'(?P<single>[^']*)'"""
    r"""|"(?P<double>(?:[^"\\]|\\.)*)\""""
    r"""|\\(?P<escaped>.)"""
    r"""|(?P<blank>[ \t\r\n]+)""",
    re.S,
)
# Inside double quotes a backslash escapes only a double quote or a backslash.
_ESCAPED_IN_DOUBLE_QUOTES = re.compile(r'\\(["\\])')
_UNCLOSED_DOUBLE_QUOTES = re.compile(r'"(?:[^"\\]|\\.)*', re.S)
_QUOTING = re.compile(r"""['"\\]""")
_BLANKS = re.compile(r"[ \t\r\n]+")


def split_line(line: str) -> list[str]:
    """The words of a line as `shlex.split` gives them, with the same ValueError for an unclosed
    quote or a trailing backslash, in time proportional to the line's length."""
    if not _QUOTING.search(line):
        return [word for word in _BLANKS.split(line) if word]
    words: list[str] = []
    pieces: list[str] = []
    in_word = False
    position = 0
    while position < len(line):
        found = _PIECE.match(line, position)
        if found is None:
            # Only an unclosed quote or a backslash at the very end stops the match.
            unclosed = line[position] == "'" or (
                line[position] == '"' and _UNCLOSED_DOUBLE_QUOTES.match(line, position).end() == len(line)
            )
            raise ValueError("No closing quotation" if unclosed else "No escaped character")
        position = found.end()
        kind = found.lastgroup
        if kind == "blank":
            if in_word:
                words.append("".join(pieces))
                pieces, in_word = [], False
            continue
        text = found.group(kind)
        pieces.append(_ESCAPED_IN_DOUBLE_QUOTES.sub(r"\1", text) if kind == "double" else text)
        in_word = True
    if in_word:
        words.append("".join(pieces))
    return words


def too_long(line: str) -> bool:
    """Whether a line (without its line feed) is over the shell's limit."""
    return len(line) - line.endswith("\n") > SHELL_LINE_LIMIT


def _usage_error() -> type[Exception]:
    """Typer's own copy of click's ClickException (older Typer releases use click itself)."""
    try:
        from typer._click.exceptions import ClickException
    except ImportError:  # pragma: no cover - Typer before it carried click inside
        from click import ClickException
    return ClickException


class Session:
    """Runs command lines against one click command tree, never letting one end the session."""

    def __init__(self, command: Any, prefix: list[str]) -> None:
        self.command = command
        self.prefix = prefix
        self.last_failure = 0

    def run_line(self, line: str) -> Optional[int]:
        """Run one line; None means the line asked to end the session."""
        if too_long(line):
            sys.stderr.write(f"Error: the line is longer than {SHELL_LINE_LIMIT:,} characters, the most a shell line may hold; nothing was run\n")
            return self._finished(2)
        if line.lstrip().startswith("#"):
            return 0
        try:
            words = split_line(line)
        except ValueError as problem:
            sys.stderr.write(f"Error: {problem}; close the quotes and try again\n")
            return self._finished(2)
        if not words:
            return 0
        if words[0].lower() in QUIT_WORDS:
            return None
        if words[0].lower() in HELP_WORDS:
            words = [*words[1:], "--help"]
        if words[0] == "shell":
            sys.stderr.write("Error: already in a shell; type the command on its own\n")
            return self._finished(1)
        try:
            result = self.command.main(args=[*self.prefix, *words], prog_name="complaintctl", standalone_mode=False)
            code = result if isinstance(result, int) else 0
        except _usage_error() as problem:
            problem.show()
            code = problem.exit_code
        except typer.Exit as done:
            code = done.exit_code
        except typer.Abort:
            sys.stderr.write("Aborted.\n")
            code = 1
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except KeyboardInterrupt:
            sys.stderr.write("Interrupted.\n")
            code = 130
        finally:
            sys.stdout.flush()
        return self._finished(code)

    def _finished(self, code: int) -> int:
        if code:
            self.last_failure = code
        return code

    def run_lines(self, lines: Iterable[str]) -> int:
        for line in lines:
            if self.run_line(line) is None:
                break
        return self.last_failure


# -- completion ------------------------------------------------------------------------------------


class Completer:
    """Completes command names, option names and case references for a partial line."""

    def __init__(self, command: Any, references: Callable[[str], list[str]]) -> None:
        self.command = command
        self.references = references
        self._matches: list[str] = []

    def candidates(self, line: str, text: str) -> list[str]:
        """What could replace `text`, the word being typed at the end of `line`."""
        if too_long(line):
            return []
        try:
            words = split_line(line[: len(line) - len(text)])
        except ValueError:
            return []
        group = self.command
        chosen = None
        rest: list[str] = []
        for index, word in enumerate(words):
            if word.startswith("-"):
                continue
            found = getattr(group, "commands", {}).get(word)
            if found is None:
                rest = words[index:]
                break
            chosen = found
            if not hasattr(found, "commands"):
                rest = words[index + 1 :]
                break
            group = found
        if chosen is None or hasattr(chosen, "commands"):
            names = sorted(getattr(chosen or group, "commands", {}))
            if chosen is None:
                names += list(SHELL_WORDS)
            return [name + " " for name in names if name.startswith(text)]
        if text.startswith("-"):
            options = sorted({opt for param in chosen.params for opt in getattr(param, "opts", []) if opt.startswith("--")} | {"--help"})
            return [option + " " for option in options if option.startswith(text)]
        if self._takes_reference(chosen) and not self._after_option(chosen, rest):
            return [reference + " " for reference in self.references(text)]
        return []

    @staticmethod
    def _takes_reference(command: Any) -> bool:
        return any(getattr(param, "name", "") == "reference" for param in command.params)

    @staticmethod
    def _after_option(command: Any, rest: list[str]) -> bool:
        """Whether the word being typed is the value of an option that takes one."""
        if not rest or not rest[-1].startswith("--"):
            return False
        for param in command.params:
            if rest[-1] in getattr(param, "opts", []):
                return not getattr(param, "is_flag", False)
        return False

    def complete(self, text: str, state: int) -> Optional[str]:
        """The readline protocol: called with state 0, 1, 2… until it returns None."""
        if state == 0:
            import readline

            try:
                self._matches = self.candidates(readline.get_line_buffer()[: readline.get_endidx()], text)
            except Exception:  # noqa: BLE001 - a failed completion must never end the session
                self._matches = []
        return self._matches[state] if state < len(self._matches) else None


def reference_finder(database: Callable[[], str]) -> Callable[[str], list[str]]:
    """Case references starting with what has been typed, read straight from the database."""

    def find(typed: str) -> list[str]:
        start = typed.strip().upper()
        try:
            from complaintctl.storage.reader import references_starting

            return references_starting(database(), start, REFERENCE_LIMIT)
        except Exception:  # noqa: BLE001 - no database yet, or it is busy: offer nothing
            return []

    return find


# -- the loop --------------------------------------------------------------------------------------


def _terminal_lines(prompt: str, completer: Completer) -> Iterable[str]:
    try:
        import readline
    except ImportError:  # pragma: no cover - platforms without readline still get a session
        readline = None
    from complaintctl.storage.locations import history_path

    path = history_path()
    if readline is not None:
        readline.set_completer(completer.complete)
        readline.set_completer_delims(" \t\n\"'")
        if "libedit" in (readline.__doc__ or ""):
            readline.parse_and_bind("bind ^I rl_complete")
        else:
            readline.parse_and_bind("tab: complete")
        readline.set_history_length(HISTORY_LENGTH)
        try:
            readline.read_history_file(path)
        except OSError:
            pass
    try:
        while True:
            try:
                line = input(prompt)
            except KeyboardInterrupt:
                sys.stdout.write("\n")
                continue
            except EOFError:
                sys.stdout.write("\n")
                return
            if readline is not None and too_long(line):
                try:  # refused, so not worth keeping, nor a megabyte in the history file
                    readline.remove_history_item(readline.get_current_history_length() - 1)
                except (ValueError, AttributeError):
                    pass
            yield line
    finally:
        if readline is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                readline.write_history_file(path)
                os.chmod(path, 0o600)
            except OSError:
                pass


def piped_lines(stream: IO[str]) -> Iterator[str]:
    """The lines of a stream, read at most one character past the shell's limit at a time: a
    longer line comes as that much of it (for the session to refuse) and the rest is skipped
    without being held in memory."""
    while True:
        line = stream.readline(SHELL_LINE_LIMIT + 1)
        if not line:
            return
        if too_long(line):
            rest = line
            while rest and not rest.endswith("\n"):
                rest = stream.readline(SHELL_LINE_LIMIT + 1)
        yield line


def run(app: Any, prefix: list[str], database: Callable[[], str]) -> int:
    """Run a session on standard input; returns the exit code of the last command that failed."""
    import typer.main

    command = typer.main.get_command(app)
    session = Session(command, prefix)
    if sys.stdin.isatty():
        sys.stderr.write("complaintctl shell: type a command without `complaintctl`; `help` lists them, `exit` ends.\n")
        completer = Completer(command, reference_finder(database))
        return session.run_lines(_terminal_lines("complaintctl> ", completer))
    return session.run_lines(piped_lines(sys.stdin))
