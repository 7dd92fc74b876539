"""Tables for people, written as plain lines: columns sized to the terminal, the squeezed ones
wrapped at spaces, nothing else imported.

`show` prints one case on every run, and building a rich Table (and importing rich to do it)
took longer than reading the case. These tables look as render.table's do: piped, columns two
spaces apart with no line ending in spaces; on a colour terminal, headings in bold over a heavy
rule, columns three spaces apart; struck rows (a voided step) struck through on any terminal.

Every cell is text already made printable (output.render.printable): this module never reads
markup and never writes a control character of its own but the bold and strike-through
sequences it adds on a terminal.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Sequence

# A squeezed column is never narrower than this (unless its text is), as render.table's.
NARROWEST = 6
ELLIPSIS = "…"
BOLD, STRIKE, RESET = "\x1b[1m", "\x1b[9m", "\x1b[0m"
RULE = "━"
_TOKENS = re.compile(r" +|[^ ]+")


def writes_to_terminal(stream=None) -> bool:
    """Whether `stream` (stdout) is a terminal, as rich decides it: TTY_COMPATIBLE=0 or 1 says
    so outright, a non-empty FORCE_COLOR says yes, else the stream is asked."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    forced = os.environ.get("FORCE_COLOR")
    if forced is not None:
        return forced != ""
    try:
        return bool((stream or sys.stdout).isatty())
    except (AttributeError, ValueError):
        return False


def terminal_width() -> int:
    """The width to lay tables out in, as rich finds it: COLUMNS when it is a number, else the
    size of whichever of stdin, stdout and stderr is a terminal, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for descriptor in (0, 1, 2):
        try:
            width = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        if width:
            return width
    return 80


def char_width(character: str) -> int:
    """Terminal cells of one character: wide East Asian characters take two, combining marks
    and format characters none."""
    if unicodedata.combining(character) or unicodedata.category(character) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def width_of(text: str) -> int:
    """Terminal cells of a line of text."""
    if text.isascii():
        return len(text)
    return sum(map(char_width, text))


def shortened(text: str, width: int) -> str:
    """`text` cut to `width` cells, its end shown with … when anything was cut."""
    if width_of(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for character in text:
        cells = char_width(character)
        if used + cells > width - 1:
            break
        kept.append(character)
        used += cells
    return "".join(kept) + ELLIPSIS


def wrapped(text: str, width: int) -> list[str]:
    """The lines of `text` within `width` cells: its own line breaks kept, long lines broken at
    spaces, a word longer than the width shortened with … (never split across lines)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if width_of(paragraph) <= width:
            lines.append(paragraph.rstrip(" "))
            continue
        line, line_width, space = "", 0, ""
        for token in _TOKENS.findall(paragraph):
            if token[0] == " ":
                space = token if line else ""
                continue
            word = shortened(token, width)
            word_width = width_of(word)
            if line and line_width + len(space) + word_width <= width:
                line += space + word
                line_width += len(space) + word_width
            else:
                if line:
                    lines.append(line)
                line, line_width = word, word_width
            space = ""
        lines.append(line)
    return lines


class Table:
    """A title, column headings (all empty: no heading line) and rows of printable text.

    Columns named in `squeeze` wrap to share the room left by the others, which stay whole (a
    table with no `squeeze` squeezes every column); rows at the positions in `struck` are struck
    through on a terminal. A plain class: making a dataclass costs more start-up than `show`
    spends laying out its tables."""

    def __init__(
        self,
        title: str | None,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        squeeze: Sequence[str] = (),
        struck: frozenset[int] = frozenset(),
    ) -> None:
        self.title, self.headings, self.rows, self.squeeze, self.struck = title, headings, rows, squeeze, struck

    def lines(self, width: int, terminal: bool, styled: bool) -> list[str]:
        """The table's lines for a stream `width` cells wide; `terminal`: struck rows struck
        through; `styled` (a terminal that takes colour): bold headings over a heavy rule."""
        gap = " " * (3 if styled else 2)
        headed = any(self.headings)
        cells = [[text.expandtabs(8) for text in row] for row in self.rows]
        natural = [
            max([width_of(self.headings[index]) if headed else 0, *(width_of(line) for row in cells for line in row[index].split("\n"))])
            for index in range(len(self.headings))
        ]
        longest_words = [
            max([0, *(width_of(word) for row in cells for word in row[index].split())]) for index in range(len(self.headings))
        ]
        squeezable = [not self.squeeze or heading in self.squeeze for heading in self.headings]
        widths = _fitted(natural, longest_words, squeezable, width - len(gap) * (len(natural) - 1))
        out = [] if self.title is None else [_styled(self.title, BOLD) if styled else self.title]
        if headed:
            heading = gap.join(shortened(text, size).ljust(size + len(text) - width_of(text)) for text, size in zip(self.headings, widths)).rstrip()
            out.append(_styled(heading, BOLD) if styled else heading)
            if styled:
                out.append(RULE * (sum(widths) + len(gap) * (len(widths) - 1)))
        for position, row in enumerate(cells):
            columns = [wrapped(text, size) for text, size in zip(row, widths)]
            for depth in range(max(map(len, columns))):
                pieces = [column[depth] if depth < len(column) else "" for column in columns]
                line = gap.join(piece + " " * (size - width_of(piece)) for piece, size in zip(pieces, widths)).rstrip()
                out.append(_styled(line, STRIKE) if terminal and position in self.struck else line)
        return out


def _styled(text: str, style: str) -> str:
    return f"{style}{text}{RESET}"


def _fitted(natural: list[int], longest_words: list[int], squeezable: list[bool], room: int) -> list[int]:
    """Column widths within `room` cells. Every column gets its natural width when they fit.
    Else the squeezable ones share what the others leave: each first as wide as its longest
    word (so that it wraps without shortening a word), then the rest shared out, the narrowest
    wants met first, none under NARROWEST; when even the longest words do not fit, they share
    the room evenly. If that is still too wide, the widest columns give up a cell at a time."""
    if sum(natural) <= room:
        return natural
    widths = list(natural)
    flexible = [index for index, can in enumerate(squeezable) if can]
    left = room - sum(size for index, size in enumerate(natural) if not squeezable[index])
    floors = {index: min(natural[index], max(NARROWEST, longest_words[index])) for index in flexible}
    if sum(floors.values()) > left:
        floors = {index: min(natural[index], NARROWEST) for index in flexible}
    for index in flexible:
        widths[index] = floors[index]
    spare = left - sum(floors.values())
    wanting = sorted((index for index in flexible if natural[index] > floors[index]), key=lambda index: natural[index] - floors[index])
    for count, index in enumerate(wanting):
        share = max(spare, 0) // (len(wanting) - count)
        given = min(natural[index] - floors[index], share)
        widths[index] += given
        spare -= given
    while sum(widths) > room and max(widths) > 1:
        widths[widths.index(max(widths))] -= 1
    return widths


def write(tables: Sequence[Table | str], stream=None) -> None:
    """Tables (and lines of text between them) on `stream`, stdout unless given, in one write."""
    stream = stream or sys.stdout
    terminal = writes_to_terminal(stream)
    styled = terminal and not os.environ.get("NO_COLOR")
    width = terminal_width()
    lines: list[str] = []
    for table in tables:
        lines += [table] if isinstance(table, str) else table.lines(width, terminal, styled)
    stream.write("".join(line + "\n" for line in lines))
