"""Text as people type it: what a field may hold, checked in one pass over the value.

Two kinds of field. A one-line field (a name, an email address, a phone number, a handler, an
officer, a service, a category) holds at most 200 characters and no line break. Free text (a
summary, reasons, a note, the steps taken, an address) holds at most 20,000 characters and may
run over several lines. Neither may hold a character that would act on a terminal, a letter or
an export instead of being shown:

- control characters: C0 (U+0000 to U+001F), DEL (U+007F) and C1 (U+0080 to U+009F), which
  include ESC and CSI, so no escape sequence (a colour, a cursor move, an OSC 52 clipboard
  write) can be stored. Free text keeps two of them: the line feed, and the tab. A carriage
  return is accepted only as part of a CRLF line ending, which is kept as a line feed; a lone
  one would send the cursor back over the line it ends.
- the Unicode line and paragraph separators (U+2028, U+2029): line breaks that some programs
  honour and others do not; free text uses an ordinary line feed.
- the bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069),
  which reorder the text that follows them (the "Trojan Source" trick). The implicit marks
  (U+200E, U+200F, U+061C) stay allowed: they only settle the direction of neutral characters
  in right-to-left names.
- lone surrogates (U+D800 to U+DFFF): what Python makes of bytes that are not UTF-8 on a
  command line; they cannot be stored.

Every check is one length test and one regular-expression search for a single refused
character, so its cost grows with the value's length and no faster. `problem` returns what is
wrong as words (for the command line to name its option); `checked` raises `InvalidInput`
naming the field, for callers without a command line of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from complaintctl.errors import InvalidInput

ONE_LINE_LIMIT = 200
FREE_TEXT_LIMIT = 20_000
REFERENCE_LIMIT = 100
SHELL_LINE_LIMIT = 100_000

_NEVER = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_ONE_LINE_REFUSED = re.compile(rf"[{_NEVER}\t\n\r]")
_FREE_TEXT_REFUSED = re.compile(rf"[{_NEVER}]|\r(?!\n)")


@dataclass(frozen=True)
class TextRule:
    """What a text field may hold: one line or several, and at most `limit` characters."""

    multiline: bool
    limit: int

    @property
    def refused(self) -> re.Pattern[str]:
        return _FREE_TEXT_REFUSED if self.multiline else _ONE_LINE_REFUSED


ONE_LINE = TextRule(multiline=False, limit=ONE_LINE_LIMIT)
FREE_TEXT = TextRule(multiline=True, limit=FREE_TEXT_LIMIT)
REFERENCE = TextRule(multiline=False, limit=REFERENCE_LIMIT)


def _what(character: str, rule: TextRule) -> tuple[str, str]:
    """What the refused character is, and what to do instead."""
    if character in "\n\r\u2028\u2029":
        return "a line break", "use an ordinary line feed" if rule.multiline else "give it on one line"
    if "\u202a" <= character <= "\u202e" or "\u2066" <= character <= "\u2069":
        return "a bidirectional control character", "type plain text, without overrides that reorder it"
    if "\ud800" <= character <= "\udfff":
        return "bytes that are not UTF-8 text", "type it again as UTF-8"
    return "a control character", "type plain text"


def problem(value: str, rule: TextRule) -> str | None:
    """What is wrong with `value` for a field of this rule, in words, or None when nothing is."""
    if len(value) > rule.limit:
        return f"is {len(value):,} characters; at most {rule.limit:,}"
    found = rule.refused.search(value)
    if found is None:
        return None
    character = found.group()[0]
    what, instead = _what(character, rule)
    return f"contains {what} (U+{ord(character):04X}) at character {found.start() + 1:,}; {instead}"


def as_kept(value: str, rule: TextRule) -> str:
    """The value as it is kept: free text's CRLF line endings as line feeds."""
    return value.replace("\r\n", "\n") if rule.multiline and "\r" in value else value


def checked(field: str, value: str, rule: TextRule) -> str:
    """The value as it is kept; `InvalidInput` naming `field` when the rule refuses it."""
    found = problem(value, rule)
    if found is not None:
        raise InvalidInput(f"{field} {found}")
    return as_kept(value, rule)


def is_email_address(value: str) -> bool:
    """Something before the @ and a dot after it, one @, no spaces: enough to catch a slip of the
    keyboard, no more (the mail server is the judge of the rest)."""
    local, _, domain = value.partition("@")
    return bool(local) and "." in domain and not any(ch.isspace() for ch in value) and value.count("@") == 1
