"""Case references as people mistype them: the references one slip away from what was typed,
and the closest of those that exist.

A reference is `PREFIX-YEAR-NUMBER` with the number in five digits (`CMP-2026-00012`). Typed by
hand it loses a zero, gains a digit, has two characters swapped or one wrong. Rather than
compare the typed text with every reference of the database (a million of them), `slips` lists
the few hundred texts one such slip away, the database says which of them exist (one look-up in
its reference index), and `closest` orders those by likeness.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NUMBER_DIGITS = 5
_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# PREFIX-YEAR-NUMBER however it was separated: `cmp 2026 12`, `CMP2026-0012`.
_SHAPE = re.compile(r"([A-Z][A-Z0-9]*?)[-_/ .]*(\d{4})[-_/ .]*(\d{1,9})")
# Typed text longer than this is no reference: nothing is looked up for it.
LONGEST = 40


def usual_form(typed: str) -> str | None:
    """The reference in its usual form (`cmp 2026 12` → `CMP-2026-00012`), or None when the text
    does not have a reference's shape."""
    found = _SHAPE.fullmatch(typed.strip().upper())
    if found is None:
        return None
    prefix, year, number = found.groups()
    return f"{prefix}-{year}-{int(number):0{NUMBER_DIGITS}d}"


def _one_slip(text: str) -> set[str]:
    """Every text one character left out, added, changed or swapped with the next away from `text`."""
    found: set[str] = set()
    for index in range(len(text) + 1):
        before, after = text[:index], text[index:]
        found.update(before + digit + after for digit in _DIGITS)
        if not after:
            continue
        found.add(before + after[1:])
        if len(after) > 1:
            found.add(before + after[1] + after[0] + after[2:])
        alphabet = _LETTERS if after[0].isalpha() else _DIGITS + "-"
        found.update(before + other + after[1:] for other in alphabet if other != after[0])
    return found


def slips(typed: str) -> list[str]:
    """The references `typed` may have meant: its usual form, and the texts one slip away from
    it as typed (in capitals) and from its usual form. A few hundred at most; none for text
    longer than any reference."""
    text = typed.strip().upper()
    if not text or len(text) > LONGEST:
        return []
    candidates = _one_slip(text)
    usual = usual_form(text)
    if usual is not None:
        candidates.add(usual)
        candidates |= _one_slip(usual)
    candidates.discard(text)
    return sorted(candidates)


def closest(typed: str, existing: Iterable[str], limit: int = 3) -> list[str]:
    """Of the references that exist, the `limit` most like `typed` (its usual form first)."""
    import difflib  # only when a reference is not found

    text = typed.strip().upper()
    usual = usual_form(text)
    matcher = difflib.SequenceMatcher(b=text, autojunk=False)

    def unlikeness(reference: str) -> tuple[bool, float, str]:
        matcher.set_seq1(reference)
        return (reference != usual, -matcher.ratio(), reference)

    return sorted(set(existing), key=unlikeness)[:limit]
