"""Dates as officers type them and as letters write them."""

from __future__ import annotations

import re
from datetime import date, timedelta

# Working days are counted a day at a time; nothing a complaints team records lies further ahead.
LAST_YEAR = 2199
ACCEPTED_FORMS = "YYYY-MM-DD, DD/MM/YYYY, 'today' or 'yesterday'"
_UK_FORM = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_FORM = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(text: str, today: date) -> date:
    """Read a date as typed on the command line; ValueError names the accepted forms."""
    cleaned = text.strip().lower()
    if cleaned == "today":
        return today
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    match = _ISO_FORM.match(cleaned)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _UK_FORM.match(cleaned)
        if not match:
            raise ValueError(f"{text!r} is not a date; use {ACCEPTED_FORMS}")
        day, month, year = (int(part) for part in match.groups())
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date; use {ACCEPTED_FORMS}") from None
    if parsed.year < 1900:
        raise ValueError(f"{text!r} is too far in the past; use {ACCEPTED_FORMS}")
    if parsed.year > LAST_YEAR:
        raise ValueError(f"{text!r} is too far in the future; give a date before {LAST_YEAR + 1}")
    return parsed


def in_words(value: date) -> str:
    """15 January 2027: the way a letter writes a date."""
    return f"{value.day} {value.strftime('%B')} {value.year}"
