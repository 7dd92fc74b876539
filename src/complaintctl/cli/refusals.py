"""Refusals as the command line gives them: one `Error: …` line on stderr and an exit code,
never a traceback.

Free of Typer, so that the lane (cli/lane.py) refuses exactly as Typer's commands do. A refusal
ends the command with SystemExit, which Typer, the test runner and `shell` all pass through as
its exit code.
"""

import errno
import functools
import os
import sys

from complaintctl.cli.process_settings import settings
from complaintctl.errors import EXIT_REFUSED, ComplaintError

# The command-line library's own ends of a command (exit, abort, a usage error): Typer reports them.
COMMAND_LINE_LIBRARIES = ("typer", "click")


def in_words_of_this_session(message: str) -> str:
    """A message as the person can act on it: inside `shell` commands are typed without
    `complaintctl` in front, and `help` shows what `complaintctl --help` would."""
    if not settings.in_shell:
        return message
    return message.replace("`complaintctl --help`", "`help`").replace("`complaintctl ", "`")


def handled(command):
    """Turn a refusal into one line on stderr and its exit code, never a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            sys.stdout.flush()  # so that a closed pipe is met here, where it is handled
            return result
        except ComplaintError as error:
            fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            fail("interrupted; nothing was recorded by the unfinished command", EXIT_REFUSED)
        except BrokenPipeError:
            # The reader stopped early (`| head`): what it read was right, so this is no failure.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(0) from None
        except Exception as error:  # noqa: BLE001 - the contract is no tracebacks
            origin = type(error).__module__.split(".")[0]
            if origin in COMMAND_LINE_LIBRARIES or os.environ.get("COMPLAINTCTL_DEBUG"):
                raise
            if origin in ("sqlalchemy", "sqlite3", "psycopg"):
                detail = str(getattr(error, "orig", error)).splitlines()[0]
                if "file is not a database" in detail or "file is encrypted" in detail:
                    fail(f"{settings.db or 'the database'} is not a complaintctl database ({detail}); check --db or COMPLAINTCTL_DB", EXIT_REFUSED)
                fail(f"database problem: {detail}; nothing was changed, try again", EXIT_REFUSED)
            if isinstance(error, OSError) and error.errno == errno.ENAMETOOLONG:
                fail(f"could not use {error.filename or 'a file'} (the name is too long); choose a shorter path", EXIT_REFUSED)
            if isinstance(error, OSError) and error.strerror:
                where = f" {error.filename}" if error.filename else ""
                fail(f"could not read or write{where}: {error.strerror}; free space or fix permissions and run it again", EXIT_REFUSED)
            fail(f"unexpected {type(error).__name__}: {error}; set COMPLAINTCTL_DEBUG=1 to see where", EXIT_REFUSED)

    return run


def fail(message: str, code: int = EXIT_REFUSED):
    """Stop the command with `Error: message` on stderr and the exit code."""
    from complaintctl.output.render import printable

    sys.stderr.write(f"Error: {printable(in_words_of_this_session(brief(message)))}\n")
    raise SystemExit(code)


# A word of a message longer than LONGEST_WORD (a path of 100,000 characters), or a message longer
# than LONGEST_MESSAGE (a shell line's 50,000 extra arguments), is shown by its two ends: a
# refusal stays one line a person can read.
LONGEST_WORD = 300
LONGEST_MESSAGE = 2000


def _ends(text: str, head: int, tail: int) -> str:
    return f"{text[:head]}…{text[-tail:]} ({len(text):,} characters)"


def brief(message: str) -> str:
    """`message` on one line, an over-long word or message shown by its two ends."""
    words = [word if len(word) <= LONGEST_WORD else _ends(word, 200, 60) for word in message.split()]
    joined = " ".join(words)
    return joined if len(joined) <= LONGEST_MESSAGE else _ends(joined, 1500, 300)
